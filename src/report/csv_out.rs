//! CSV files for spreadsheets: one file per table, written atomically into a folder.

use super::fmt::Value;
use crate::summary::{StepResult, Summary};
use std::path::Path;

fn table(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for r in rows {
        w.write_record(&r)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

fn step_row(kind: &str, group: &str, s: &StepResult) -> Vec<String> {
    vec![
        kind.into(),
        group.into(),
        s.step.key().to_string(),
        s.threshold_min.to_string(),
        Value(s.deadlines_min[0]).to_string(),
        Value(s.deadlines_min[1]).to_string(),
        Value(s.deadlines_min[2]).to_string(),
        s.eligible.to_string(),
        s.compliant.to_string(),
        Value(s.compliance).to_string(),
        Value(s.ci95_low).to_string(),
        Value(s.ci95_high).to_string(),
        Value(s.median_min).to_string(),
        Value(s.p90_min).to_string(),
        Value(s.p95_min).to_string(),
        Value(s.mean_min).to_string(),
        s.not_reached.to_string(),
    ]
}

/// The CSV files of a summary, by file name.
pub fn files(s: &Summary) -> Result<Vec<(&'static str, Vec<u8>)>, csv::Error> {
    let mut compliance = Vec::new();
    for st in &s.steps {
        compliance.push(step_row("all", "all", st));
    }
    // The onward milestone, where modelled: over all casualties it counts, timed from surgery.
    if let Some(on) = &s.onward {
        compliance.push(vec![
            "all".into(),
            "all".into(),
            crate::model::ONWARD_KEY.into(),
            on.deadline_min.to_string(),
            // The onward deadline is one for every category it counts.
            Value(on.categories.contains(&"T1").then_some(on.deadline_min)).to_string(),
            Value(on.categories.contains(&"T2").then_some(on.deadline_min)).to_string(),
            Value(on.categories.contains(&"T3").then_some(on.deadline_min)).to_string(),
            on.eligible.to_string(),
            on.compliant.to_string(),
            Value(on.compliance).to_string(),
            Value(on.ci95_low).to_string(),
            Value(on.ci95_high).to_string(),
            Value(on.median_min).to_string(),
            Value(on.p90_min).to_string(),
            Value(on.p95_min).to_string(),
            Value(on.mean_min).to_string(),
            on.not_reached.to_string(),
        ]);
    }
    for (kind, groups) in [("severity", &s.by_severity), ("zone", &s.by_zone), ("time_of_day", &s.by_time_of_day)] {
        for g in groups {
            for st in &g.steps {
                compliance.push(step_row(kind, &g.group, st));
            }
        }
    }
    let compliance = table(
        &[
            "group_kind",
            "group",
            "step",
            "threshold_min",
            "t1_deadline_min",
            "t2_deadline_min",
            "t3_deadline_min",
            "eligible",
            "compliant",
            "compliance",
            "ci95_low",
            "ci95_high",
            "median_min",
            "p90_min",
            "p95_min",
            "mean_min",
            "not_reached",
        ],
        compliance,
    )?;
    let phase_rows = std::iter::once(("all", &s.phases))
        .chain(s.phases_by_zone.iter().map(|z| (z.zone.as_str(), &z.phases)))
        .flat_map(|(zone, ps)| {
            ps.iter().map(move |p| {
                vec![zone.to_string(), p.phase.to_string(), Value(p.mean_min).to_string(), p.casualties.to_string()]
            })
        });
    let phases = table(&["zone", "phase", "mean_min", "casualties"], phase_rows)?;
    let misses = table(
        &["step", "cause", "count", "share"],
        s.misses.iter().flat_map(|m| {
            m.causes.iter().map(move |c| {
                vec![m.step.key().to_string(), c.name.to_string(), c.count.to_string(), c.share.to_string()]
            })
        }),
    )?;
    let assets = table(
        &["id", "name", "kind", "units", "sorties_per_trial", "utilisation"],
        s.assets.iter().map(|a| {
            vec![
                a.id.clone(),
                a.name.clone(),
                a.kind.key().to_string(),
                a.units.to_string(),
                a.sorties_per_trial.to_string(),
                a.utilisation.to_string(),
            ]
        }),
    )?;
    let facilities = table(
        &[
            "id",
            "name",
            "level",
            "operating_tables",
            "operations_per_trial",
            "table_utilisation",
            "operations_per_day",
            "operations_in_period_per_trial",
            "daily_operations_used",
            "days_operations_all_used",
        ],
        s.facilities.iter().map(|f| {
            vec![
                f.id.clone(),
                f.name.clone(),
                format!("{:?}", f.level).to_lowercase(),
                f.operating_tables.to_string(),
                f.operations_per_trial.to_string(),
                Value(f.table_utilisation).to_string(),
                f.operations_per_day.map_or(String::new(), |n| n.to_string()),
                f.operations_in_period_per_trial.to_string(),
                Value(f.daily_operations_used).to_string(),
                Value(f.days_operations_all_used).to_string(),
            ]
        }),
    )?;
    let mut out = vec![
        ("compliance.csv", compliance),
        ("phases.csv", phases),
        ("misses.csv", misses),
        ("assets.csv", assets),
        ("facilities.csv", facilities),
    ];
    if let Some(d) = &s.deaths {
        // The sensitivity columns are the whole run's: the low and high parameter sets are
        // tallied over all casualties only.
        let all = vec![
            "all".to_string(),
            "all".to_string(),
            s.casualties.to_string(),
            d.per_trial.to_string(),
            Value(d.ci95_low).to_string(),
            Value(d.ci95_high).to_string(),
            Value(d.preventable_share).to_string(),
            d.sensitivity.low_per_trial.to_string(),
            d.sensitivity.high_per_trial.to_string(),
        ];
        let groups = [("severity", &d.by_severity), ("zone", &d.by_zone), ("time_of_day", &d.by_time_of_day)]
            .into_iter()
            .flat_map(|(kind, gs)| {
                gs.iter().map(move |g| {
                    vec![
                        kind.to_string(),
                        g.group.clone(),
                        g.casualties.to_string(),
                        g.per_trial.to_string(),
                        String::new(),
                        String::new(),
                        Value(g.preventable_share).to_string(),
                        String::new(),
                        String::new(),
                    ]
                })
            });
        let deaths = table(
            &[
                "group_kind",
                "group",
                "casualties",
                "expected_deaths_per_trial",
                "ci95_low",
                "ci95_high",
                "preventable_share",
                "low_params_per_trial",
                "high_params_per_trial",
            ],
            std::iter::once(all).chain(groups),
        )?;
        out.push(("deaths.csv", deaths));
    }
    out.push(("run.csv", run_csv(&s.casevac_version, &s.scenario, &s.run)?));
    Ok(out)
}

/// The names of the files [`write`] may put in its folder (`deaths.csv` only with the outcome
/// model on).
pub const FILES: [&str; 7] =
    ["compliance.csv", "phases.csv", "misses.csv", "assets.csv", "facilities.csv", "deaths.csv", "run.csv"];

/// What a spreadsheet needs to know of the run itself, as `key,value` rows: where the figures
/// come from (version, scenario and its hash, seed, trials, overrides, deadlines, targets,
/// daylight), the `--precision` target and what was reached, and whether a merge left trials
/// out. An empty value is one that does not apply (no `--precision`, no scenario text).
pub fn run_csv(
    version: &str,
    scenario: &crate::summary::ScenarioInfo,
    run: &crate::summary::RunInfo,
) -> Result<Vec<u8>, csv::Error> {
    let missing: Vec<String> =
        run.partial.iter().flat_map(|p| p.missing_trials.iter().map(|[a, b]| format!("[{a}, {b})"))).collect();
    let [fa, rs, su] = scenario.thresholds_min;
    let rows = [
        ("casevac_version", version.to_string()),
        ("scenario", scenario.name.clone()),
        ("scenario_hash", run.scenario_hash.clone().unwrap_or_default()),
        ("seed", run.seed.to_string()),
        ("trials", run.trials.to_string()),
        ("trials_requested", run.partial.as_ref().map_or(run.trials, |p| p.trials_requested).to_string()),
        ("partial", run.partial.is_some().to_string()),
        ("missing_trials", missing.join(" ")),
        ("overrides", overrides_value(&scenario.overrides)),
        ("period_days", scenario.period_days.to_string()),
        ("warmup_days", scenario.warmup_days.to_string()),
        ("follow_up_hours", scenario.follow_up_hours.to_string()),
        // Whether every time in the folder runs from wounding or from the request.
        ("clock_origin", json_word(&scenario.clock_origin)),
        ("dispatch", json_word(&scenario.dispatch)),
        ("first_aid_threshold_min", fa.to_string()),
        ("resuscitation_threshold_min", rs.to_string()),
        ("surgery_threshold_min", su.to_string()),
        // What the 1-hour step's figures count: DCR with blood, or any advanced care.
        ("resuscitation_counts", scenario.resuscitation_counts.to_string()),
        ("first_aid_target_pct", Value(scenario.targets_pct[0]).to_string()),
        ("resuscitation_target_pct", Value(scenario.targets_pct[1]).to_string()),
        ("surgery_target_pct", Value(scenario.targets_pct[2]).to_string()),
        ("sunrise", scenario.sunrise.clone()),
        ("sunset", scenario.sunset.clone()),
    ];
    key_values(rows.into_iter().chain(precision_rows(run.precision.as_ref())))
}

/// The `--precision` target, what was reached, whether it was met and the trials allowed, as
/// `run.csv` rows (empty where there was no target): said alike by every command's `run.csv`.
pub(super) fn precision_rows(p: Option<&crate::summary::Precision>) -> [(&'static str, String); 4] {
    [
        ("precision_target_points", Value(p.map(|p| p.target_points)).to_string()),
        ("precision_achieved_points", Value(p.map(|p| p.achieved_points).filter(|x| x.is_finite())).to_string()),
        ("precision_met", p.map_or(String::new(), |p| p.precision_met.to_string())),
        ("max_trials", p.map_or(String::new(), |p| p.max_trials.to_string())),
    ]
}

/// A unit variant as the JSON spells it (`wounding`, `best_arrival`, `no_detectable_change`):
/// one word in every data file.
pub(super) fn json_word(v: &impl serde::Serialize) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

/// The `--set` overrides as one `run.csv` value: a value may hold spaces
/// (`asset.x.approval_min={ fixed = 20 }`), so "; " parts them.
pub(super) fn overrides_value(overrides: &[String]) -> String {
    overrides.join("; ")
}

/// `key,value` rows as a CSV file, as every `run.csv` is.
pub(super) fn key_values(rows: impl IntoIterator<Item = (&'static str, String)>) -> Result<Vec<u8>, csv::Error> {
    table(&["key", "value"], rows.into_iter().map(|(k, v)| vec![k.to_string(), v]))
}

/// Writes every CSV file into `dir`, as one folder that appears whole or not at all.
pub fn write(s: &Summary, dir: &Path) -> anyhow::Result<()> {
    let out: Vec<(String, Vec<u8>)> = files(s)?.into_iter().map(|(n, b)| (n.to_string(), b)).collect();
    super::files::write_folder(dir, &out, &FILES.map(String::from))?;
    Ok(())
}
