//! `casevac levers`: the levers the Security Council named (S/PRST/2021/11: first-aid training,
//! flight clearances, counter-IED, medical assets where needed), each moved one planner's step
//! from the scenario as given, all run paired against it and ranked by effect.
//!
//! Each default lever is written from the planner's own values as `--set` overrides; a lever
//! that would change nothing in this scenario is listed as skipped, with the reason.

use super::{BadVariants, Objective, Study, key, num};
use crate::compare::{Comparison, run_paired};
use crate::dist::DistSpec;
use crate::model::Model;
use crate::run::RunOptions;
use crate::scenario::compile::{MAX_SPEED_KMH, MAX_UNITS, MAX_UNITS_PER_GROUP};
use crate::scenario::file::{CareWord, KindWord, LevelWord, ScenarioFile, ZoneKindWord};
use crate::scenario::{Override, ScenarioError};
use crate::stats::Histograms;
use serde::Serialize;
use std::ops::Range;

/// A change to weigh: its name in planner's words, what it does, and the overrides that do it.
#[derive(Debug, Clone, Serialize)]
pub struct Lever {
    pub name: String,
    /// The change in words, for example "approval_min of gao_mi8 halved (mean 60 → 30 min)".
    pub change: String,
    /// The exact change, as `casevac compare --set-alt` takes it.
    pub set: Vec<String>,
    pub cost: Option<f64>,
    pub cost_unit: Option<String>,
    /// Whether the scenario file defined it (`[[lever]]`) rather than casevac.
    pub from_file: bool,
    /// How to read its effect, where that needs saying.
    pub note: Option<String>,
    #[serde(skip)]
    pub overrides: Vec<Override>,
    /// Where the scenario file writes its `set`, for a file's lever.
    #[serde(skip)]
    pub set_span: Option<Range<usize>>,
}

impl Lever {
    /// `e`, a problem with this lever, pointing at its `set` in the file where the file writes
    /// it: a problem with one of its changes, or with pairing, names no place in the file
    /// otherwise.
    fn pointed(&self, mut e: ScenarioError) -> ScenarioError {
        let Some(span) = &self.set_span else { return e };
        for p in e.problems.iter_mut().filter(|p| p.span.is_none()) {
            let change = self.overrides.iter().find(|o| p.source.as_ref() == Some(&o.label()));
            if p.source.is_some() && change.is_none() {
                continue;
            }
            if let Some(o) = change {
                p.message = format!("{o}: {}", p.message);
            }
            p.source = None;
            p.span = Some(span.clone());
        }
        e
    }
}

/// A default lever that does not apply to this scenario, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub name: String,
    pub reason: String,
}

/// Builds a lever from (key, value) pairs.
fn lever(name: &str, change: Vec<String>, sets: Vec<(String, String)>) -> Lever {
    let overrides: Vec<Override> = sets.into_iter().map(|(key, value)| Override { key, value }).collect();
    Lever {
        name: name.to_string(),
        change: change.join("; "),
        set: overrides.iter().map(|o| o.to_string()).collect(),
        cost: None,
        cost_unit: None,
        from_file: false,
        note: None,
        overrides,
        set_span: None,
    }
}

/// The lever, or why it is skipped.
type Built = Result<Lever, Skipped>;

fn skip(name: &str, reason: &str) -> Built {
    Err(Skipped { name: name.to_string(), reason: reason.to_string() })
}

/// Minutes with at most one decimal, for the words of a change.
fn mins(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 { format!("{r:.0}") } else { format!("{r:.1}") }
}

/// The default levers, in a fixed order, from the file as the planner wrote it (with `--set`).
pub fn default_levers(f: &ScenarioFile) -> Vec<Built> {
    let helis: Vec<_> = f.asset.iter().filter(|a| a.kind == KindWord::Helicopter).collect();
    let id = |s: &toml::Spanned<String>| s.get_ref().clone();
    // Each item: (section, id, field, the delay as written); delays with a mean of zero are left.
    let halve = |name: &str, items: Vec<(&str, String, &str, DistSpec)>, none: &str| -> Built {
        let items: Vec<_> = items.into_iter().filter(|(.., d)| d.mean() > 0.0).collect();
        if items.is_empty() {
            return skip(name, none);
        }
        let change = items
            .iter()
            .map(|(_, id, field, d)| {
                format!("{field} of {id} halved (mean {} → {} min)", mins(d.mean()), mins(d.mean() / 2.0))
            })
            .collect();
        let sets =
            items.iter().map(|(section, id, field, d)| (key(section, id, field), d.scaled(0.5).to_string())).collect();
        Ok(lever(name, change, sets))
    };
    let mut out = Vec::new();

    // First-aid training.
    let name = "first-aid training +20 points";
    let zones: Vec<_> = f.zone.iter().filter(|z| *z.first_aider_share.get_ref() < 1.0).collect();
    out.push(if zones.is_empty() {
        skip(name, "every zone already has a trained first-aider at every incident (first_aider_share = 1)")
    } else {
        let new = |s: f64| (s + 0.2).min(1.0);
        let change = zones
            .iter()
            .map(|z| {
                let s = *z.first_aider_share.get_ref();
                format!("first_aider_share of {} {:.0}% → {:.0}%", id(&z.id), s * 100.0, new(s) * 100.0)
            })
            .collect();
        let sets = zones
            .iter()
            .map(|z| (key("zone", &id(&z.id), "first_aider_share"), num(new(*z.first_aider_share.get_ref()))))
            .collect();
        Ok(lever(name, change, sets))
    });

    // Flight clearance: the mission's approval to launch an aircraft, helicopter or airplane,
    // and the host nation's clearance.
    let mut waits: Vec<(&str, String, &str, DistSpec)> = f
        .asset
        .iter()
        .filter(|a| a.kind != KindWord::Ground)
        .filter_map(|a| a.approval_min.as_ref().map(|d| ("asset", id(&a.id), "approval_min", d.get_ref().clone())))
        .collect();
    for z in &f.zone {
        for (field, d) in [("clearance_min", &z.clearance_min), ("clearance_night_min", &z.clearance_night_min)] {
            if let Some(d) = d {
                waits.push(("zone", id(&z.id), field, d.get_ref().clone()));
            }
        }
    }
    out.push(halve(
        "approval and clearance halved",
        waits,
        "no aircraft waits for approval or clearance (approval_min and clearance_min are 0 or not given)",
    ));

    // Host-nation clearance refused less often.
    let name = "clearance denials halved";
    let mut denials = Vec::new();
    for z in &f.zone {
        for (field, p) in
            [("clearance_denial", &z.clearance_denial), ("clearance_denial_night", &z.clearance_denial_night)]
        {
            if let Some(p) = p.as_ref().map(|p| *p.get_ref()).filter(|&p| p > 0.0) {
                denials.push((id(&z.id), field, p));
            }
        }
    }
    out.push(if denials.is_empty() {
        skip(name, "the host nation refuses no flight (clearance_denial is 0 or not given)")
    } else {
        Ok(lever(
            name,
            denials
                .iter()
                .map(|(z, field, p)| format!("{field} of {z} {:.0}% → {:.0}%", p * 100.0, p * 50.0))
                .collect(),
            denials.iter().map(|(z, field, p)| (key("zone", z, field), num(p / 2.0))).collect(),
        ))
    });

    // Launch: notice to move of the aircraft.
    let launch: Vec<(String, DistSpec)> = helis
        .iter()
        .map(|a| (id(&a.id), a.launch_day_min.as_ref().map_or(DistSpec::Fixed(15.0), |d| d.get_ref().clone())))
        .collect();
    let name = "helicopter launch time halved";
    let launch = launch.into_iter().map(|(a, d)| ("asset", a, "launch_day_min", d)).collect();
    let none = if helis.is_empty() {
        "no helicopter in the scenario"
    } else {
        "no helicopter waits to launch (launch_day_min is 0)"
    };
    out.push(match halve(name, launch, none) {
        Ok(mut l) => {
            // A night launch time of its own is halved too.
            for a in &helis {
                if let Some(n) = &a.launch_night_min {
                    let o = Override {
                        key: key("asset", &id(&a.id), "launch_night_min"),
                        value: n.get_ref().scaled(0.5).to_string(),
                    };
                    l.set.push(o.to_string());
                    l.overrides.push(o);
                    l.change.push_str(&format!("; launch_night_min of {} halved", id(&a.id)));
                }
            }
            Ok(l)
        }
        Err(s) => Err(s),
    });

    // Night flying.
    let name = "night-capable helicopters";
    let day_only: Vec<_> = helis.iter().filter(|a| a.night_capable.as_ref().is_none_or(|n| !*n.get_ref())).collect();
    out.push(if helis.is_empty() {
        skip(name, "no helicopter in the scenario")
    } else if day_only.is_empty() {
        skip(name, "every helicopter already flies at night")
    } else {
        Ok(lever(
            name,
            day_only.iter().map(|a| format!("{} flies at night", id(&a.id))).collect(),
            day_only.iter().map(|a| (key("asset", &id(&a.id), "night_capable"), "true".to_string())).collect(),
        ))
    });

    // One more helicopter where there are helicopters: to the first group at each base.
    let name = "one more helicopter per base";
    let mut firsts: Vec<&&crate::scenario::file::AssetEntry> = Vec::new();
    for a in &helis {
        if !firsts.iter().any(|b| b.base.get_ref() == a.base.get_ref()) {
            firsts.push(a);
        }
    }
    let count = |a: &crate::scenario::file::AssetEntry| a.count.as_ref().map_or(1, |c| *c.get_ref());
    // A group at the most units a group takes gets none; nor does any if the fleet would pass
    // the most units a scenario takes.
    firsts.retain(|a| count(a) < MAX_UNITS_PER_GROUP);
    let units: i64 = f.asset.iter().map(count).sum();
    out.push(if helis.is_empty() {
        skip(name, "no helicopter in the scenario")
    } else if firsts.is_empty() {
        skip(name, &format!("each base's helicopter group holds the most units a group takes ({MAX_UNITS_PER_GROUP})"))
    } else if units + firsts.len() as i64 > MAX_UNITS as i64 {
        skip(name, &format!("the fleet would pass the most units casevac takes ({MAX_UNITS})"))
    } else {
        Ok(lever(
            name,
            firsts
                .iter()
                .map(|a| format!("{} at {}: {} → {}", id(&a.id), id(&a.base), count(a), count(a) + 1))
                .collect(),
            firsts.iter().map(|a| (key("asset", &id(&a.id), "count"), (count(a) + 1).to_string())).collect(),
        ))
    });

    // Serviceability.
    let name = "serviceability +10 points";
    let worn: Vec<_> = f
        .asset
        .iter()
        .filter_map(|a| a.serviceability.as_ref().map(|s| (a, *s.get_ref())))
        .filter(|(_, s)| *s < 1.0)
        .collect();
    out.push(if worn.is_empty() {
        skip(name, "every asset is always serviceable (serviceability is 1 or not given)")
    } else {
        let new = |s: f64| (s + 0.1).min(1.0);
        Ok(lever(
            name,
            worn.iter().map(|(a, s)| format!("{} {:.0}% → {:.0}%", id(&a.id), s * 100.0, new(*s) * 100.0)).collect(),
            worn.iter().map(|(a, s)| (key("asset", &id(&a.id), "serviceability"), num(new(*s)))).collect(),
        ))
    });

    // Escorts.
    out.push(halve(
        "escort delay halved",
        f.asset
            .iter()
            .filter_map(|a| a.escort_min.as_ref().map(|d| ("asset", id(&a.id), "escort_min", d.get_ref().clone())))
            .collect(),
        "no asset waits for an escort (escort_min is 0 or not given)",
    ));

    // Roads.
    let name = "road speed +25%";
    let ground: Vec<_> = f.asset.iter().filter(|a| a.kind == KindWord::Ground).collect();
    let faster = |a: &crate::scenario::file::AssetEntry| (a.speed_kmh.get_ref() * 1.25).min(MAX_SPEED_KMH);
    let slower: Vec<_> = ground.iter().filter(|a| *a.speed_kmh.get_ref() < MAX_SPEED_KMH).collect();
    out.push(if ground.is_empty() {
        skip(name, "no ground asset in the scenario")
    } else if slower.is_empty() {
        skip(name, "every ground asset is at the fastest speed casevac takes")
    } else {
        let ground = slower;
        Ok(lever(
            name,
            ground
                .iter()
                .map(|a| format!("{} {} → {} km/h", id(&a.id), num(*a.speed_kmh.get_ref()), num(faster(a))))
                .collect(),
            ground.iter().map(|a| (key("asset", &id(&a.id), "speed_kmh"), num(faster(a)))).collect(),
        ))
    });

    // Counter-IED on supply routes: a quarter fewer incidents there.
    let name = "counter-IED: 25% fewer on routes";
    let routes: Vec<_> =
        f.zone.iter().filter(|z| z.kind == Some(ZoneKindWord::Route) && z.incidents_per_day.is_some()).collect();
    out.push(if routes.is_empty() {
        skip(name, "no zone with random incidents is marked kind = \"route\"")
    } else {
        let now = |z: &crate::scenario::file::ZoneEntry| z.prevented_share.as_ref().map_or(0.0, |p| *p.get_ref());
        let new = |p: f64| 1.0 - (1.0 - p) * 0.75;
        Ok(lever(
            name,
            routes
                .iter()
                .map(|z| {
                    format!("prevented_share of {} {:.0}% → {:.0}%", id(&z.id), now(z) * 100.0, new(now(z)) * 100.0)
                })
                .collect(),
            routes.iter().map(|z| (key("zone", &id(&z.id), "prevented_share"), num(new(now(z))))).collect(),
        ))
        .map(|mut l| {
            l.note = Some(
                "it removes casualties: its compliance changes are among the casualties who remain, while lives \
                 saved counts the prevented ones too"
                    .into(),
            );
            l
        })
    });

    // A surgical team (Level 1+) at each site whose facilities do not operate.
    let name = "surgical team where there is none";
    let operates = |e: &crate::scenario::file::FacilityEntry| match &e.surgery {
        Some(s) => *s.get_ref(),
        None => *e.level.get_ref() != LevelWord::Level1,
    };
    let mut upgrade: Vec<&crate::scenario::file::FacilityEntry> = Vec::new();
    for e in &f.facility {
        let site = e.site.get_ref();
        let site_operates = f.facility.iter().any(|o| o.site.get_ref() == site && operates(o));
        if !site_operates && !upgrade.iter().any(|u| u.site.get_ref() == site) {
            upgrade.push(e);
        }
    }
    out.push(if upgrade.is_empty() {
        skip(name, "every site with a facility already has one that operates")
    } else {
        let mut sets = Vec::new();
        for e in &upgrade {
            let fid = id(&e.id);
            if *e.level.get_ref() == LevelWord::Level1 {
                sets.push((key("facility", &fid, "level"), "\"level1plus\"".to_string()));
            }
            if e.surgery.is_some() {
                sets.push((key("facility", &fid, "surgery"), "true".to_string()));
            }
            if e.operating_tables.as_ref().is_some_and(|t| *t.get_ref() < 1) {
                sets.push((key("facility", &fid, "operating_tables"), "1".to_string()));
            }
            if e.operations_per_day.as_ref().is_some_and(|t| *t.get_ref() < 1) {
                sets.push((key("facility", &fid, "operations_per_day"), "4".to_string()));
            }
        }
        Ok(lever(
            name,
            upgrade
                .iter()
                .map(|e| format!("{} at {} becomes a Level 1+ with surgery", id(&e.id), id(&e.site)))
                .collect(),
            sets,
        ))
    });

    // One more surgical team at each facility that operates: about four more operations a day
    // (the UN Medical Support Manual's 3-4 a day for one team). Tables running round the clock
    // (a daily limit of 100 or more) are not limited by teams.
    let name = "one more surgical team";
    let default_ops = |e: &crate::scenario::file::FacilityEntry| match e.level.get_ref() {
        LevelWord::Level3 => 10,
        _ => 4,
    };
    let teams: Vec<(&crate::scenario::file::FacilityEntry, i64)> = f
        .facility
        .iter()
        .filter(|e| operates(e))
        .map(|e| (e, e.operations_per_day.as_ref().map_or(default_ops(e), |o| *o.get_ref())))
        .filter(|&(_, ops)| (1..i64::from(crate::model::ROUND_THE_CLOCK_OPS)).contains(&ops))
        .collect();
    out.push(if teams.is_empty() {
        skip(name, "no facility that operates is limited by its surgical teams (operations_per_day 100 or more)")
    } else {
        Ok(lever(
            name,
            teams.iter().map(|(e, ops)| format!("{} operations a day {ops} → {}", id(&e.id), ops + 4)).collect(),
            teams
                .iter()
                .map(|(e, ops)| (key("facility", &id(&e.id), "operations_per_day"), (ops + 4).to_string()))
                .collect(),
        ))
    });

    // Blood on board.
    let name = "blood on board";
    let als: Vec<_> = f.asset.iter().filter(|a| a.medical_team && a.team_care == Some(CareWord::Als)).collect();
    out.push(if als.is_empty() {
        skip(name, "every medical team aboard already gives blood (team_care is \"dcr\", the default)")
    } else {
        Ok(lever(
            name,
            als.iter().map(|a| format!("the team aboard {} carries blood", id(&a.id))).collect(),
            als.iter().map(|a| (key("asset", &id(&a.id), "team_care"), "\"dcr\"".to_string())).collect(),
        ))
    });
    out
}

/// The scenario file's own levers.
pub fn file_levers(model: &Model) -> Vec<Lever> {
    model
        .levers
        .iter()
        .map(|l| Lever {
            name: l.name.clone(),
            change: l.overrides.iter().map(|o| o.to_string()).collect::<Vec<_>>().join("; "),
            set: l.overrides.iter().map(|o| o.to_string()).collect(),
            cost: l.cost,
            cost_unit: l.cost_unit.clone(),
            from_file: true,
            note: None,
            overrides: l.overrides.clone(),
            set_span: l.set_span.clone(),
        })
        .collect()
}

/// One lever's effect on every headline, against the scenario as given.
#[derive(Debug, Clone, Serialize)]
pub struct LeverResult {
    pub rank: usize,
    #[serde(flatten)]
    pub lever: Lever,
    /// Per step: the compliance with and without, the paired difference and its 95% interval.
    pub steps: Vec<crate::compare::StepDiff>,
    /// The onward milestone, where the scenario models it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onward: Option<crate::compare::OnwardDiff>,
    pub lives_saved: Option<crate::compare::LivesSavedResult>,
    /// The objective's effect per unit of cost, where the lever has a cost above zero.
    pub effect_per_cost: Option<f64>,
}

/// Every lever ranked by its effect on the objective, best first.
#[derive(Debug, Clone, Serialize)]
pub struct LeversResult {
    #[serde(flatten)]
    pub about: super::About,
    pub trials: u64,
    /// The `--precision` target and what the run reached; null without one.
    pub precision: Option<crate::summary::Precision>,
    pub objective: Objective,
    /// The length of a trial: lives saved are per trial.
    pub period_days: f64,
    /// The scenario as given, each step's compliance.
    pub base: Vec<crate::summary::StepResult>,
    pub base_expected_deaths_per_trial: Option<f64>,
    pub levers: Vec<LeverResult>,
    pub skipped: Vec<Skipped>,
}

/// The levers to weigh: the defaults that apply (unless `defaults` is off) and the file's own.
pub fn levers_of(study: &Study, base: &Model, defaults: bool) -> Result<(Vec<Lever>, Vec<Skipped>), ScenarioError> {
    let (mut levers, mut skipped) = (Vec::new(), Vec::new());
    if defaults {
        for l in default_levers(&study.file()?) {
            match l {
                Ok(l) => levers.push(l),
                Err(s) => skipped.push(s),
            }
        }
    }
    levers.extend(file_levers(base));
    Ok((levers, skipped))
}

/// Compiles each lever as a variant of the scenario, refusing one that fails the file's checks or
/// that `compare` could not pair: what `levers` runs and `validate` checks, so a file that
/// validates is one `levers` accepts.
pub fn models(study: &Study, base: &Model, levers: &[Lever]) -> Result<Vec<Model>, BadVariants> {
    let (mut models, mut bad) = (Vec::new(), Vec::new());
    for l in levers {
        match study.models(base, &[(format!("lever '{}'", l.name), l.overrides.clone())], super::VariantKind::Lever) {
            Ok(m) => models.extend(m),
            Err(BadVariants(b)) => {
                bad.extend(b.into_iter().map(|v| super::BadVariant { error: l.pointed(v.error), ..v }))
            }
        }
    }
    if bad.is_empty() { Ok(models) } else { Err(BadVariants(bad)) }
}

/// Runs every lever paired against the base and ranks them.
pub fn weigh(
    study: &Study,
    base: &Model,
    levers: Vec<Lever>,
    skipped: Vec<Skipped>,
    objective: Objective,
    opts: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<LeversResult, BadVariants> {
    let models = models(study, base, &levers)?;
    let tally = run_paired(base, &models, Histograms::Overall, opts, progress);
    let mut labels = vec![study.path.clone()];
    labels.extend(levers.iter().map(|l| l.name.clone()));
    let comparison = Comparison::new(base, &models, &labels, &tally, opts.seed);
    let mut results: Vec<LeverResult> = levers
        .into_iter()
        .enumerate()
        .map(|(k, lever)| {
            let a = &comparison.alternatives[k];
            let (effect, _) = objective.effect(a);
            LeverResult {
                rank: 0,
                effect_per_cost: effect.zip(lever.cost.filter(|&c| c > 0.0)).map(|(e, c)| e / c),
                lever,
                steps: a.steps.clone(),
                onward: a.onward.clone(),
                lives_saved: a.lives_saved.clone(),
            }
        })
        .collect();
    rank(&mut results, objective);
    let result = LeversResult {
        about: super::About::of(study, base, opts.seed),
        trials: tally.base.trials,
        precision: crate::summary::Precision::of(opts, tally.widest_half_width()),
        objective,
        period_days: base.period_min / crate::model::MIN_PER_DAY,
        base: comparison.base.summary.steps.clone(),
        base_expected_deaths_per_trial: comparison.base.summary.deaths.as_ref().map(|d| d.per_trial),
        levers: results,
        skipped,
    };
    Ok(result)
}

/// Best first by the objective's point estimate; a lever with no estimate goes last; ties keep
/// the levers' order and share a rank (1, 2, 2, 4), so equal effects do not read as an order.
fn rank(results: &mut [LeverResult], objective: Objective) {
    let value = |r: &LeverResult| match objective {
        Objective::Step(s) => r.steps[s as usize].figures.difference,
        Objective::Onward => r.onward.as_ref().and_then(|o| o.figures.difference),
        Objective::LivesSaved => r.lives_saved.as_ref().map(|l| l.per_trial),
    };
    results.sort_by(|a, b| match (value(a), value(b)) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    for i in 0..results.len() {
        results[i].rank =
            if i > 0 && value(&results[i]) == value(&results[i - 1]) { results[i - 1].rank } else { i + 1 };
    }
}
