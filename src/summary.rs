//! The result of a run as one serialisable value: rates, intervals, quantiles, bottlenecks.
//!
//! Every float here is computed from integer tallies in a fixed order, so the same tally always
//! gives byte-identical JSON.

use crate::model::{AssetKind, ClockOrigin, Dispatch, Level, MIN_PER_DAY, Model, SEVERITIES, STEPS, Step};
use crate::stats::Tally;
use crate::stats::interval::{compliance, design_effect, quantile};
use crate::stats::tally::{CAUSES, Groups, OUTCOMES, PHASES, cause_key};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub casevac_version: String,
    pub scenario: ScenarioInfo,
    pub run: RunInfo,
    pub casualties: u64,
    pub incidents: u64,
    pub casualties_per_trial: f64,
    /// The headline: each step over all casualties.
    pub steps: Vec<StepResult>,
    /// The fourth milestone, onward evacuation to Level 3 ("10-1-2+2"); absent, and left out of
    /// the JSON, where the scenario does not model it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onward: Option<OnwardResult>,
    /// The 1-hour step read the other way: advanced life support or DCR when the step counts
    /// DCR (blood), DCR when it counts any advanced care. The gap is what blood on board buys.
    pub other_hour: OtherHour,
    pub by_severity: Vec<GroupResult>,
    pub by_zone: Vec<GroupResult>,
    /// Wounded by day or by night.
    pub by_time_of_day: Vec<GroupResult>,
    /// Mean minutes per phase of the chain, over all zones and per zone.
    pub phases: Vec<PhaseResult>,
    pub phases_by_zone: Vec<ZonePhases>,
    /// For each step, why casualties missed it.
    pub misses: Vec<MissResult>,
    pub outcomes: Vec<Count>,
    pub assets: Vec<AssetResult>,
    pub facilities: Vec<FacilityResult>,
    /// Deaths of wounds from the outcome model; none (`null`) when the scenario turns it off, or when
    /// no trial was run (a partial merge of empty shards).
    pub deaths: Option<DeathsResult>,
}

/// What the outcome model reads the minutes as: expected deaths of wounds among potentially
/// survivable injuries. Modelled deaths, not a prediction for any individual.
#[derive(Debug, Clone, Serialize)]
pub struct DeathsResult {
    pub note: &'static str,
    /// Central expected deaths per trial (period), with the 95% interval between trials: none
    /// from a single trial, which has no spread to give one.
    pub per_trial: f64,
    pub ci95_low: Option<f64>,
    pub ci95_high: Option<f64>,
    /// The same per 30 days of operations; none where every incident is scheduled
    /// ([`Model::scheduled_only`]): one attack is not a rate.
    pub per_30_days: Option<f64>,
    /// Share of the expected deaths that care at doctrinal times would have avoided.
    pub preventable_share: Option<f64>,
    pub preventable_per_trial: f64,
    /// The same figure with the model's parameters at the low and high ends of their ranges,
    /// on the same casualties and times.
    pub sensitivity: Sensitivity,
    /// Preventable expected deaths by the step whose delay cost the most.
    pub costliest_step: Vec<StepDeaths>,
    pub by_severity: Vec<GroupDeaths>,
    pub by_zone: Vec<GroupDeaths>,
    pub by_time_of_day: Vec<GroupDeaths>,
    /// Deaths drawn casualty by casualty (central parameters), by minutes after wounding.
    pub drawn_deaths: u64,
    pub drawn_by_time: Vec<DeathTimeBin>,
    /// Expected deaths against time to definitive care (surgery, or resuscitation for those
    /// who need no surgery), among the casualties who could die.
    pub by_time_to_care: Vec<CareTimeBin>,
    pub model: crate::outcome::OutcomeModel,
}

#[derive(Debug, Clone, Serialize)]
pub struct Sensitivity {
    pub low_per_trial: f64,
    pub central_per_trial: f64,
    pub high_per_trial: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepDeaths {
    pub step: Step,
    pub preventable_per_trial: f64,
    pub share_of_preventable: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupDeaths {
    pub group: String,
    pub casualties: u64,
    pub per_trial: f64,
    /// Expected deaths per casualty of the group.
    pub per_casualty: Option<f64>,
    pub preventable_share: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeathTimeBin {
    /// Upper end of the bin in minutes after wounding; null for the open last bin.
    pub up_to_min: Option<f64>,
    pub deaths: u64,
    /// Share of all drawn deaths dead by the bin's end.
    pub cumulative_share: Option<f64>,
}

/// Casualties who could die whose definitive care came in one span of time after wounding.
#[derive(Debug, Clone, Serialize)]
pub struct CareTimeBin {
    /// Upper end of the span in minutes after wounding; null for later or never.
    pub up_to_min: Option<f64>,
    pub casualties: u64,
    /// Expected deaths per 100 such casualties; null where there were none.
    pub deaths_per_100: Option<f64>,
}

const NANO: f64 = 1e9;

fn deaths(model: &Model, tally: &Tally) -> Option<DeathsResult> {
    let om = model.outcomes.as_ref()?;
    // No trial, no estimate (a partial merge of empty shards): absent, not zero deaths.
    if tally.trials == 0 {
        return None;
    }
    let groups = tally.groups();
    let k = tally.trials as f64;
    let per_trial = |nano: u128| nano as f64 / NANO / k;
    let all = &tally.deaths[Groups::ALL];
    let sum = all.expected_nano[crate::outcome::CENTRAL] as f64 / NANO;
    let mean = sum / k;
    // Between-trial variance of the per-trial deaths, from Σd and Σd².
    let var = if tally.trials > 1 {
        ((tally.deaths_nano2 as f64 / (NANO * NANO) - sum * sum / k) / (k - 1.0)).max(0.0)
    } else {
        0.0
    };
    let hw = crate::stats::interval::Z95 * (var / k).sqrt();
    let share = |a: u128, b: u128| (b > 0).then(|| a as f64 / b as f64);
    let group = |name: String, g: usize| {
        let d = &tally.deaths[g];
        let n = tally.group_casualties[g];
        GroupDeaths {
            group: name,
            casualties: n,
            per_trial: per_trial(d.expected_nano[0]),
            per_casualty: (n > 0).then(|| d.expected_nano[0] as f64 / NANO / n as f64),
            preventable_share: share(d.preventable_nano, d.expected_nano[0]),
        }
    };
    let prev_total: u128 = tally.preventable_by_step_nano.iter().sum();
    let mut cum = 0;
    Some(DeathsResult {
        note: "modelled deaths of wounds among potentially survivable injuries, not a prediction for any individual",
        per_trial: mean,
        ci95_low: (tally.trials > 1).then(|| (mean - hw).max(0.0)),
        ci95_high: (tally.trials > 1).then_some(mean + hw),
        per_30_days: (!model.scheduled_only()).then(|| mean * 30.0 * MIN_PER_DAY / model.period_min),
        preventable_share: share(all.preventable_nano, all.expected_nano[0]),
        preventable_per_trial: per_trial(all.preventable_nano),
        sensitivity: Sensitivity {
            low_per_trial: per_trial(all.expected_nano[crate::outcome::LOW]),
            central_per_trial: mean,
            high_per_trial: per_trial(all.expected_nano[crate::outcome::HIGH]),
        },
        costliest_step: (0..3)
            .map(|st| StepDeaths {
                step: STEPS[st],
                preventable_per_trial: per_trial(tally.preventable_by_step_nano[st]),
                share_of_preventable: share(tally.preventable_by_step_nano[st], prev_total),
            })
            .collect(),
        by_severity: (0..3).map(|s| group(SEVERITIES[s].to_string(), groups.severity(s))).collect(),
        by_zone: model.zones.iter().enumerate().map(|(i, z)| group(z.id.clone(), groups.zone(i))).collect(),
        by_time_of_day: [("day", false), ("night", true)]
            .iter()
            .map(|&(n, night)| group(n.to_string(), groups.light(night)))
            .collect(),
        drawn_deaths: all.drawn,
        by_time_to_care: tally
            .care_time_casualties
            .iter()
            .zip(&tally.care_time_deaths_nano)
            .enumerate()
            .map(|(i, (&n, &d))| CareTimeBin {
                up_to_min: crate::outcome::CARE_BINS_MIN.get(i).copied(),
                casualties: n,
                deaths_per_100: (n > 0).then(|| d as f64 / NANO / n as f64 * 100.0),
            })
            .collect(),
        drawn_by_time: tally
            .death_time_bins
            .iter()
            .enumerate()
            .map(|(i, &n)| {
                cum += n;
                DeathTimeBin {
                    up_to_min: crate::outcome::DEATH_BINS_MIN.get(i).copied(),
                    deaths: n,
                    cumulative_share: (all.drawn > 0).then(|| cum as f64 / all.drawn as f64),
                }
            })
            .collect(),
        model: om.clone(),
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct ScenarioInfo {
    pub name: String,
    pub description: String,
    pub sources: Vec<String>,
    pub period_days: f64,
    /// Days simulated before the period and not counted.
    pub warmup_days: f64,
    pub follow_up_hours: f64,
    pub clock_origin: ClockOrigin,
    pub dispatch: Dispatch,
    pub thresholds_min: [f64; 3],
    /// Whom each step counts, and the deadline of each category.
    pub step_scopes: Vec<StepScope>,
    /// What care meets the 1-hour step: "dcr" (blood) or "advanced" (ALS or DCR).
    pub resuscitation_counts: &'static str,
    /// The `--set` overrides applied to the file, as `key=value`, in order.
    pub overrides: Vec<String>,
    /// The compliance the mission aims for, per step, in percent; null where the scenario sets
    /// none.
    pub targets_pct: [Option<f64>; 3],
    /// Local daylight as `HH:MM`, which splits the day and night figures.
    pub sunrise: String,
    pub sunset: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub seed: u64,
    pub trials: u64,
    /// The hash a tally file carries (`shard::scenario_hash`, hexadecimal): of the scenario
    /// text and overrides, and a comparison's labels. Two outputs with the same hash, seed and
    /// trials come from the same simulation. Null where the caller had no scenario text.
    pub scenario_hash: Option<String>,
    /// The `--precision` target and what the run reached; null without `--precision`.
    pub precision: Option<Precision>,
    /// Present only when `merge --allow-partial` merged tallies that miss some trials, so that
    /// partial figures can never pass for a full run's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial: Option<Partial>,
}

/// What `--precision` asked for and what the run reached: the widest headline half-width (for a
/// comparison, of a headline difference), in percentage points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Precision {
    pub target_points: f64,
    pub achieved_points: f64,
    /// Where the widest was a difference equal in every trial, bounded by the rule of three:
    /// over how many trials (said in words, not written to the JSON).
    #[serde(skip)]
    pub unseen_in: Option<u64>,
    /// False when `max_trials` stopped the run first: the intervals are wider than asked.
    pub precision_met: bool,
    pub max_trials: u64,
}

impl Precision {
    /// What a run to `opts`'s target reached, `widest` being its widest headline half-width as a
    /// share (0.005 is ±0.5 points); `None` without a target. Every command that runs to a
    /// precision records it through here, so each says the same of it.
    pub fn of(opts: &crate::run::RunOptions, widest: Widest) -> Option<Precision> {
        let target = opts.half_width_share?;
        let Widest { half_width: widest, unseen_in } = widest;
        Some(Precision {
            unseen_in,
            // To 13 significant digits, so the target reads back as the planner gave it in
            // points: 0.0001 / 100 * 100 is 0.00009999999999999999 in floating point.
            target_points: format!("{:.12e}", target * 100.0).parse().unwrap_or(target * 100.0),
            achieved_points: widest * 100.0,
            precision_met: widest <= target,
            max_trials: opts.max_trials,
        })
    }

    /// The widest headline interval reached, in words: "±0.83 points"; where that was a
    /// difference the same in every trial, the rule of three that bounds it; where a difference
    /// had no interval (one trial), that there was none.
    pub fn achieved(&self) -> String {
        match self.unseen_in {
            _ if !self.achieved_points.is_finite() => "none (one trial gives no interval)".to_string(),
            Some(k) => format!(
                "±{:.2} points (a difference the same in each of {} trials, up to 3 in {} by the rule of three)",
                self.achieved_points,
                crate::report::fmt::Count(k),
                crate::report::fmt::Count(k)
            ),
            None => format!("±{:.2} points", self.achieved_points),
        }
    }
}

/// The widest headline half-width a precision target is judged on, as a share.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Widest {
    pub half_width: f64,
    /// Where it is a difference equal in every trial, counted as ±3/K: the K trials.
    pub unseen_in: Option<u64>,
}

impl Widest {
    /// A half-width read off an interval.
    pub fn of(half_width: f64) -> Widest {
        Widest { half_width, unseen_in: None }
    }
}

/// A partial merge: the figures cover `RunInfo::trials` of `trials_requested` trials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Partial {
    pub trials_requested: u64,
    /// Trial index ranges `[start, end)` that no merged tally held.
    pub missing_trials: Vec<[u64; 2]>,
}

impl Partial {
    /// The warning every table prints for a partial merge.
    pub fn note(&self, trials: u64) -> String {
        let missing: Vec<String> = self.missing_trials.iter().map(|[a, b]| format!("[{a}, {b})")).collect();
        format!(
            "PARTIAL: these figures cover {} of {} trials; trials {} are missing (merged with --allow-partial)",
            crate::report::fmt::Count(trials),
            crate::report::fmt::Count(self.trials_requested),
            missing.join(", ")
        )
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StepResult {
    pub step: Step,
    /// The step's headline deadline ("surgery within 2 h"); a category may be judged against
    /// its own, in `deadlines_min`.
    pub threshold_min: f64,
    /// The deadline each triage category (T1, T2, T3) is judged against; null for a category
    /// the row does not count.
    pub deadlines_min: [Option<f64>; 3],
    /// Casualties the step applies to (surgery: those who need it).
    pub eligible: u64,
    pub compliant: u64,
    /// Share treated in time; null when no casualty needed the step.
    pub compliance: Option<f64>,
    pub ci95_low: Option<f64>,
    pub ci95_high: Option<f64>,
    /// Variance inflation from casualties sharing a trial's incidents and assets.
    pub design_effect: f64,
    /// Quantiles of time to the step; null when the quantile falls beyond 48 h or is never reached.
    pub median_min: Option<f64>,
    pub p90_min: Option<f64>,
    pub p95_min: Option<f64>,
    /// Mean over those who received the step before follow-up ended.
    pub mean_min: Option<f64>,
    pub not_reached: u64,
}

/// Onward evacuation to Level 3 over all casualties it counts: those operated on below Level 3
/// in its categories whose operation ended within follow-up, timed from the end of surgery.
#[derive(Debug, Clone, Serialize)]
pub struct OnwardResult {
    /// Whom it counts, in words, as the headline table writes it.
    pub milestone: String,
    pub deadline_min: f64,
    pub categories: Vec<&'static str>,
    pub target_pct: Option<f64>,
    pub eligible: u64,
    pub compliant: u64,
    pub compliance: Option<f64>,
    pub ci95_low: Option<f64>,
    pub ci95_high: Option<f64>,
    pub design_effect: f64,
    /// Quantiles of minutes from the end of surgery to arrival at Level 3.
    pub median_min: Option<f64>,
    pub p90_min: Option<f64>,
    pub p95_min: Option<f64>,
    pub mean_min: Option<f64>,
    pub not_reached: u64,
    /// Over those who reached Level 3, mean minutes: until fit to move, then waiting for a unit
    /// to be tasked, then from tasking to landing (approval, launch, travel to the facility,
    /// loading, the flight or drive on).
    pub mean_post_op_min: Option<f64>,
    pub mean_wait_min: Option<f64>,
    pub mean_lift_min: Option<f64>,
}

impl OnwardResult {
    /// The headline label, short enough for the table's label column: "onward to Level 3 within
    /// 2 h" (the table's note says the clock starts at the end of surgery).
    pub fn label(deadline_min: f64) -> String {
        format!("onward to Level 3 within {}", crate::report::minutes_label(deadline_min))
    }

    fn new(model: &Model, tally: &Tally) -> Option<OnwardResult> {
        let (on, t) = (model.onward.as_ref()?, tally.onward.as_ref()?);
        let cell = &t.cell;
        let (p, lo, hi) = compliance(cell, tally.trials);
        let some = cell.n > 0;
        let mean = |sum: u128| (cell.reached > 0).then(|| sum as f64 / 1000.0 / cell.reached as f64);
        Some(OnwardResult {
            milestone: Self::label(on.deadline_min),
            deadline_min: on.deadline_min,
            categories: (0..3).filter(|&k| on.applies_to[k]).map(|k| SEVERITIES[k]).collect(),
            target_pct: on.target_pct,
            eligible: cell.n,
            compliant: cell.compliant,
            compliance: some.then_some(p),
            ci95_low: some.then_some(lo),
            ci95_high: some.then_some(hi),
            design_effect: design_effect(cell, tally.trials),
            median_min: quantile(&t.hist, &t.hist_ends, 0.5),
            p90_min: quantile(&t.hist, &t.hist_ends, 0.9),
            p95_min: quantile(&t.hist, &t.hist_ends, 0.95),
            mean_min: mean(cell.time_sum_mmin),
            not_reached: cell.n - cell.reached,
            mean_post_op_min: mean(t.post_op_sum_mmin),
            mean_wait_min: mean(t.wait_sum_mmin),
            mean_lift_min: mean(t.lift_sum_mmin),
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupResult {
    pub group: String,
    /// Casualties in the group, whether or not each step counts them.
    pub casualties: u64,
    pub steps: Vec<StepResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhaseResult {
    pub phase: &'static str,
    pub mean_min: Option<f64>,
    pub casualties: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ZonePhases {
    pub zone: String,
    pub phases: Vec<PhaseResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub name: &'static str,
    pub count: u64,
    pub share: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MissResult {
    pub step: Step,
    pub missed: u64,
    /// Causes, largest first.
    pub causes: Vec<Count>,
    /// The zone with the most misses of this step.
    pub worst_zone: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssetResult {
    pub id: String,
    pub name: String,
    pub kind: AssetKind,
    pub units: u32,
    pub sorties_per_trial: f64,
    /// Share of unit-time in the period spent tasked (from tasking to return at base).
    pub utilisation: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct FacilityResult {
    pub id: String,
    pub name: String,
    pub level: Level,
    pub operating_tables: u32,
    pub operations_per_trial: f64,
    pub table_utilisation: Option<f64>,
    /// How many operations its surgical teams may start in a calendar day, where it operates and
    /// they can limit it (below `model::ROUND_THE_CLOCK_OPS`); so for the two figures below.
    pub operations_per_day: Option<u32>,
    /// Operations started within the period over the most its teams could start in it: where
    /// this nears 1 while its tables stand idle, the teams, not the tables, hold surgery back.
    pub daily_operations_used: Option<f64>,
    /// Operations started within the period, per trial (`operations_per_trial` counts the whole
    /// trial, warm-up and follow-up too).
    pub operations_in_period_per_trial: f64,
    /// The share of the period's calendar days on which its surgical teams used every operation
    /// the day allowed: a mean share can stay low over a month while a few days hold everyone.
    pub days_operations_all_used: Option<f64>,
}

/// Minutes after midnight as "hh:mm", to the nearest minute: every output states a time of
/// day alike.
pub(crate) fn clock(min: f64) -> String {
    let m = min.round() as u64;
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn step_result(model: &Model, tally: &Tally, group: usize, s: usize) -> StepResult {
    let cell = tally.cell(group, s);
    let hist = tally.hist(group, s);
    let ends = tally.hist_ends(group, s);
    let (p, lo, hi) = compliance(cell, tally.trials);
    let some = cell.n > 0;
    StepResult {
        step: STEPS[s],
        threshold_min: model.thresholds_min[s],
        deadlines_min: [0, 1, 2].map(|k| model.applies_to[s][k].then_some(model.deadlines_min[s][k])),
        eligible: cell.n,
        compliant: cell.compliant,
        compliance: some.then_some(p),
        ci95_low: some.then_some(lo),
        ci95_high: some.then_some(hi),
        design_effect: design_effect(cell, tally.trials),
        median_min: quantile(hist, ends, 0.5),
        p90_min: quantile(hist, ends, 0.9),
        p95_min: quantile(hist, ends, 0.95),
        mean_min: (cell.reached > 0).then(|| cell.time_sum_mmin as f64 / 1000.0 / cell.reached as f64),
        not_reached: cell.n - cell.reached,
    }
}

fn group(model: &Model, tally: &Tally, name: String, g: usize) -> GroupResult {
    GroupResult {
        group: name,
        casualties: tally.group_casualties[g],
        steps: (0..3).map(|s| step_result(model, tally, g, s)).collect(),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct OtherHour {
    /// What care this reading counts: "advanced life support or DCR", or "DCR (blood)".
    pub counts: &'static str,
    pub eligible: u64,
    pub compliant: u64,
    pub compliance: Option<f64>,
    pub ci95_low: Option<f64>,
    pub ci95_high: Option<f64>,
}

/// Whom a step counts and by when: the scope a headline figure has.
#[derive(Debug, Clone, Serialize)]
pub struct StepScope {
    pub step: Step,
    /// Triage categories the step counts (surgery: those of them who need it).
    pub categories: Vec<&'static str>,
    /// The deadline of each counted category, in minutes.
    pub deadlines_min: Vec<f64>,
}

impl StepScope {
    fn of(model: &Model, s: usize) -> StepScope {
        let counted: Vec<usize> = (0..3).filter(|&k| model.applies_to[s][k]).collect();
        StepScope {
            step: STEPS[s],
            categories: counted.iter().map(|&k| SEVERITIES[k]).collect(),
            deadlines_min: counted.iter().map(|&k| model.deadlines_min[s][k]).collect(),
        }
    }

    /// The deadlines other than `headline_min`, each with the categories judged against it, in
    /// the categories' order: [(240, ["T2", "T3"])].
    pub fn own_deadlines(&self, headline_min: f64) -> Vec<(f64, Vec<&'static str>)> {
        let mut own: Vec<(f64, Vec<&'static str>)> = Vec::new();
        for (&c, &d) in self.categories.iter().zip(&self.deadlines_min).filter(|&(_, &d)| d != headline_min) {
            match own.iter_mut().find(|(x, _)| *x == d) {
                Some((_, cats)) => cats.push(c),
                None => own.push((d, vec![c])),
            }
        }
        own
    }

    /// The categories with a deadline other than `headline_min`, in words: ", T2 and T3 within 4 h".
    pub fn exceptions(&self, headline_min: f64) -> String {
        self.own_deadlines(headline_min)
            .iter()
            .map(|(d, cats)| format!(", {} within {}", cats.join(" and "), crate::report::minutes_label(*d)))
            .collect()
    }
}

fn phases(tally: &Tally, zones: impl Iterator<Item = usize> + Clone) -> Vec<PhaseResult> {
    PHASES
        .iter()
        .enumerate()
        .map(|(p, ph)| {
            let at = |z: usize| z * PHASES.len() + p;
            let sum: u128 = zones.clone().map(|z| tally.phase_sum_mmin[at(z)]).sum();
            let n: u64 = zones.clone().map(|z| tally.phase_n[at(z)]).sum();
            PhaseResult { phase: ph.key(), mean_min: (n > 0).then(|| sum as f64 / 1000.0 / n as f64), casualties: n }
        })
        .collect()
}

impl Summary {
    pub fn new(model: &Model, tally: &Tally, seed: u64) -> Summary {
        let groups = Groups { zones: model.zones.len() };
        let z = model.zones.len();
        let trials = tally.trials.max(1) as f64;
        let period = model.period_min;
        let misses = (0..3)
            .map(|s| {
                let per_cause: Vec<u64> = (0..CAUSES).map(|c| (0..z).map(|zi| tally.failure(s, zi, c)).sum()).collect();
                let missed: u64 = per_cause.iter().sum();
                let mut causes: Vec<Count> = per_cause
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .map(|(c, &n)| Count { name: cause_key(c), count: n, share: ratio(n, missed) })
                    .collect();
                causes.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(b.name)));
                let by_zone: Vec<u64> = (0..z).map(|zi| (0..CAUSES).map(|c| tally.failure(s, zi, c)).sum()).collect();
                let worst = by_zone
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)));
                MissResult { step: STEPS[s], missed, causes, worst_zone: worst.map(|(i, _)| model.zones[i].id.clone()) }
            })
            .collect();
        let outcome_totals: Vec<u64> =
            (0..OUTCOMES.len()).map(|o| (0..z).map(|zi| tally.outcomes[zi * OUTCOMES.len() + o]).sum()).collect();
        Summary {
            casevac_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: ScenarioInfo {
                name: model.name.clone(),
                description: model.description.clone(),
                sources: model.sources.clone(),
                period_days: period / MIN_PER_DAY,
                warmup_days: model.warmup_min / MIN_PER_DAY,
                follow_up_hours: model.follow_up_min / 60.0,
                clock_origin: model.origin,
                dispatch: model.dispatch,
                thresholds_min: model.thresholds_min,
                step_scopes: (0..3).map(|s| StepScope::of(model, s)).collect(),
                resuscitation_counts: if model.resuscitation_counts_als { "advanced" } else { "dcr" },
                overrides: model.overrides.clone(),
                targets_pct: model.targets_pct,
                sunrise: clock(model.daylight.sunrise_min),
                sunset: clock(model.daylight.sunset_min),
            },
            run: RunInfo { seed, trials: tally.trials, scenario_hash: None, precision: None, partial: None },
            casualties: tally.casualties,
            incidents: tally.incidents,
            casualties_per_trial: tally.casualties as f64 / trials,
            steps: (0..3).map(|s| step_result(model, tally, Groups::ALL, s)).collect(),
            onward: OnwardResult::new(model, tally),
            other_hour: {
                let cell = &tally.other_hour;
                let (p, lo, hi) = compliance(cell, tally.trials);
                let some = cell.n > 0;
                OtherHour {
                    counts: if model.resuscitation_counts_als { "DCR (blood)" } else { "advanced life support or DCR" },
                    eligible: cell.n,
                    compliant: cell.compliant,
                    compliance: some.then_some(p),
                    ci95_low: some.then_some(lo),
                    ci95_high: some.then_some(hi),
                }
            },
            by_severity: (0..3)
                .map(|k| {
                    let mut g = group(model, tally, SEVERITIES[k].to_string(), groups.severity(k));
                    // A category is judged against its own deadline (T2's delayed surgery).
                    for (s, st) in g.steps.iter_mut().enumerate() {
                        st.threshold_min = model.deadlines_min[s][k];
                        for (other, d) in st.deadlines_min.iter_mut().enumerate() {
                            if other != k {
                                *d = None;
                            }
                        }
                    }
                    g
                })
                .collect(),
            by_zone: model
                .zones
                .iter()
                .enumerate()
                .map(|(i, zn)| group(model, tally, zn.id.clone(), groups.zone(i)))
                .collect(),
            by_time_of_day: [("day", false), ("night", true)]
                .iter()
                .map(|&(n, night)| group(model, tally, n.to_string(), groups.light(night)))
                .collect(),
            phases: phases(tally, 0..z),
            phases_by_zone: model
                .zones
                .iter()
                .enumerate()
                .map(|(i, zn)| ZonePhases { zone: zn.id.clone(), phases: phases(tally, i..i + 1) })
                .collect(),
            misses,
            outcomes: OUTCOMES
                .iter()
                .zip(&outcome_totals)
                .map(|(&name, &count)| Count { name, count, share: ratio(count, tally.casualties) })
                .collect(),
            assets: model
                .assets
                .iter()
                .enumerate()
                .map(|(g, a)| AssetResult {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    kind: a.kind,
                    units: a.count,
                    sorties_per_trial: tally.sorties[g] as f64 / trials,
                    utilisation: tally.asset_busy_mmin[g] as f64 / 1000.0 / (a.count as f64 * period * trials),
                })
                .collect(),
            facilities: model
                .facilities
                .iter()
                .enumerate()
                .map(|(f, fac)| FacilityResult {
                    id: fac.id.clone(),
                    name: fac.name.clone(),
                    level: fac.level,
                    operating_tables: fac.tables,
                    operations_per_trial: tally.operations[f] as f64 / trials,
                    table_utilisation: (fac.tables > 0)
                        .then(|| tally.table_busy_mmin[f] as f64 / 1000.0 / (fac.tables as f64 * period * trials)),
                    operations_per_day: model.teams_limit(f).then_some(fac.operations_per_day),
                    daily_operations_used: model.teams_limit(f).then(|| {
                        tally.operations_in_period[f] as f64
                            / (f64::from(fac.operations_per_day) * model.calendar_days_in_period() * trials)
                    }),
                    operations_in_period_per_trial: tally.operations_in_period[f] as f64 / trials,
                    days_operations_all_used: model
                        .teams_limit(f)
                        .then(|| tally.days_operations_spent[f] as f64 / (model.calendar_days_in_period() * trials)),
                })
                .collect(),
            deaths: deaths(model, tally),
        }
    }
}
