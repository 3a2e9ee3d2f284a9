//! The terminal table a planner reads in ten seconds.

use crate::report::fmt::{Count, Interval, Label, Maybe, Minutes, Pct, Quantile, Style};
use crate::report::step_title;
use crate::summary::{DeathsResult, GroupDeaths, GroupResult, PhaseResult, StepScope, Summary};
use std::fmt::Write;

/// Columns line up in any terminal, so ASCII only.
const S: Style = Style::Plain;

/// One row per group; with `scopes`, the groups are triage categories and a step that does not
/// count a category says so rather than showing an empty cell.
fn group_table(out: &mut String, title: &str, groups: &[GroupResult], scopes: Option<&[StepScope]>) {
    let _ = writeln!(out, "\n{title:<22}{:>26}{:>26}{:>26}", "first aid", "resuscitation", "surgery");
    for g in groups {
        let _ = write!(out, "  {:<20}", g.group);
        for (k, s) in g.steps.iter().enumerate() {
            let counted = scopes.is_none_or(|sc| sc[k].categories.contains(&g.group.as_str()));
            let cell = if !counted {
                "not counted".to_string()
            } else if s.eligible == 0 {
                S.missing().to_string()
            } else {
                format!("{} {}", Maybe(s.compliance.map(Pct), S), Interval::of(s, S))
            };
            let _ = write!(out, "{cell:>26}");
        }
        let _ = writeln!(out, "   n={}", Count(g.casualties));
    }
}

fn phase_row(out: &mut String, name: &str, phases: &[PhaseResult]) {
    let _ = write!(out, "  {name:<20}");
    for p in phases {
        let _ = write!(out, "{:>10.1}", Maybe(p.mean_min.map(Minutes), S));
    }
    let _ = writeln!(out);
}

fn death_groups(o: &mut String, title: &str, groups: &[GroupDeaths]) {
    let items: Vec<String> = groups.iter().map(|g| format!("{} {:.2}", g.group, g.per_trial)).collect();
    let _ = writeln!(o, "  {title:<28}{}", items.join(", "));
}

/// The outcome model's lines: expected deaths with their interval, the sensitivity to the
/// model's parameters, what doctrinal times would have prevented and which delay cost most.
fn deaths(o: &mut String, d: &DeathsResult, period_days: f64) {
    let _ = writeln!(
        o,
        "\ndeaths of wounds (modelled: potentially survivable injuries; not a prediction for any individual)"
    );
    let _ = writeln!(
        o,
        "  {:<28}{:.2} (95% CI {:.2}-{:.2}); {:.2} per 30 days",
        format!("expected per {period_days}-day trial"),
        d.per_trial,
        d.ci95_low,
        d.ci95_high,
        d.per_30_days
    );
    let _ = writeln!(
        o,
        "  {:<28}{:.2} to {:.2} (outcome parameters at the low and high ends of their sources)",
        "sensitivity", d.sensitivity.low_per_trial, d.sensitivity.high_per_trial
    );
    let [fa, rs, su] = d.model.doctrine_min;
    let steps: Vec<String> = d
        .costliest_step
        .iter()
        .filter_map(|c| c.share_of_preventable.map(|sh| format!("{} {:.0}", c.step.label(), Pct(sh))))
        .collect();
    let _ = writeln!(
        o,
        "  {:<28}{} ({:.2} a trial) with care at {fa}/{rs}/{su} min{}",
        "potentially preventable",
        Maybe(d.preventable_share.map(Pct), S),
        d.preventable_per_trial,
        if steps.is_empty() { String::new() } else { format!("; costliest delay: {}", steps.join(", ")) }
    );
    death_groups(o, "by severity", &d.by_severity);
    death_groups(o, "by zone", &d.by_zone);
    death_groups(o, "by time of wounding", &d.by_time_of_day);
}

/// Renders the summary as plain text for a terminal.
pub fn render(s: &Summary) -> String {
    let mut o = String::new();
    let sc = &s.scenario;
    let _ = writeln!(o, "{} (casevac {})", sc.name, s.casevac_version);
    let warmup = if sc.warmup_days > 0.0 { format!(" after a {}-day warm-up", sc.warmup_days) } else { String::new() };
    let _ = writeln!(
        o,
        "seed {}, {} trials of {} days{warmup} (casualties followed {} h after), clock starts at {}",
        s.run.seed,
        Count(s.run.trials),
        sc.period_days,
        sc.follow_up_hours,
        match sc.clock_origin {
            crate::model::ClockOrigin::Wounding => "wounding",
            crate::model::ClockOrigin::Request => "the evacuation request",
        }
    );
    if !sc.overrides.is_empty() {
        let _ = writeln!(o, "with --set {}", sc.overrides.join(" --set "));
    }
    if let Some(p) = &s.run.partial {
        let _ = writeln!(o, "{}", p.note(s.run.trials));
    }
    let _ = writeln!(
        o,
        "{} casualties simulated in {} incidents ({:.1} casualties per trial)",
        Count(s.casualties),
        Count(s.incidents),
        s.casualties_per_trial
    );

    let _ = writeln!(o, "\n10-1-2 compliance{:>25}{:>16}{:>9}{:>7}{:>7}", "share", "95% CI", "median", "p90", "p95");
    for st in &s.steps {
        let _ = writeln!(
            o,
            "  {:<32}{:>8}{:>16}{:>9}{:>7}{:>7}",
            step_title(st.step, st.threshold_min),
            Maybe(st.compliance.map(Pct), S),
            Interval::of(st, S),
            Quantile(st.median_min),
            Quantile(st.p90_min),
            Quantile(st.p95_min)
        );
        if st.step == crate::model::Step::Resuscitation {
            // The hour read the other way, so the gap blood on board makes is in view.
            let other = &s.other_hour;
            let interval = other.ci95_low.zip(other.ci95_high).map(|(low, high)| Interval { low, high, style: S });
            let _ = writeln!(
                o,
                "    {:<30}{:>8}{:>16}",
                format!("{} in 1 h", if sc.resuscitation_counts == "dcr" { "ALS or DCR" } else { "DCR (blood)" }),
                Maybe(other.compliance.map(Pct), S),
                Maybe(interval, S)
            );
        }
    }
    let _ = writeln!(
        o,
        "  (times in minutes; {}; the hour counts {})",
        super::scope_note(&sc.step_scopes, &sc.thresholds_min),
        if sc.resuscitation_counts == "dcr" { "DCR (blood)" } else { "ALS or DCR" }
    );

    if let Some(d) = &s.deaths {
        deaths(&mut o, d, sc.period_days);
    }

    group_table(&mut o, "by severity", &s.by_severity, Some(&sc.step_scopes));
    group_table(&mut o, "by zone", &s.by_zone, None);
    group_table(&mut o, "by time of wounding", &s.by_time_of_day, None);

    let _ = writeln!(o, "\nwhere the minutes go (mean minutes per evacuated casualty)");
    let heads = ["report", "wait", "approve", "launch", "to scene", "on scene", "to facil", "handover", "table"];
    let _ = write!(o, "  {:<20}", "zone");
    for h in heads {
        let _ = write!(o, "{h:>10}");
    }
    let _ = writeln!(o);
    phase_row(&mut o, "all zones", &s.phases);
    for z in &s.phases_by_zone {
        phase_row(&mut o, &z.zone, &z.phases);
    }

    let _ = writeln!(o, "\nwhy steps were missed");
    for m in &s.misses {
        if m.missed == 0 {
            let _ = writeln!(o, "  {:<15} none missed", m.step.label());
            continue;
        }
        let causes: Vec<String> =
            m.causes.iter().take(3).map(|c| format!("{} {:.0}", Label(c.name), Pct(c.share))).collect();
        let _ = writeln!(o, "  {:<15} {} missed: {}", m.step.label(), Count(m.missed), causes.join(", "));
        if let Some(z) = &m.worst_zone {
            let _ = writeln!(o, "  {:<15} most misses in zone {z}", "");
        }
    }

    let _ = writeln!(o, "\nassets{:>33}{:>8}{:>15}{:>13}", "kind", "units", "sorties/trial", "utilisation");
    for a in &s.assets {
        let kind = format!("{:?}", a.kind).to_lowercase();
        let _ = writeln!(
            o,
            "  {:<26}{kind:>11}{:>8}{:>15.1}{:>13}",
            a.id,
            a.units,
            a.sorties_per_trial,
            Pct(a.utilisation)
        );
    }
    let _ = writeln!(o, "\nfacilities{:>29}{:>8}{:>15}{:>13}", "level", "tables", "ops/trial", "table use");
    for f in &s.facilities {
        let level = format!("{:?}", f.level).to_lowercase();
        let _ = writeln!(
            o,
            "  {:<26}{level:>11}{:>8}{:>15.1}{:>13}",
            f.id,
            f.operating_tables,
            f.operations_per_trial,
            Maybe(f.table_utilisation.map(Pct), S)
        );
    }

    let outcomes: Vec<String> =
        s.outcomes.iter().map(|c| format!("{} {} ({:.2})", Label(c.name), Count(c.count), Pct(c.share))).collect();
    let _ = writeln!(o, "\nat the end of follow-up: {}", outcomes.join(", "));
    o
}
