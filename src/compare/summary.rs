//! A comparison as one serialisable value: each alternative against the base, step by step and
//! group by group, with paired intervals and a verdict.

use super::{Difference, LivesSaved, PairedTally, Verdict};
use crate::model::{Model, SEVERITIES, STEPS, Step};
use crate::stats::tally::Groups;
use crate::summary::{Partial, RunInfo, StepResult, Summary};
use serde::Serialize;

/// One scenario of a comparison: where it came from and its full results.
#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    /// The file, or for an alternative made with `--set-alt`, the base file and its overrides.
    pub label: String,
    pub summary: Summary,
}

/// Alternative − base for one step of one group. Shares and differences are fractions
/// (0.05 = 5 percentage points).
#[derive(Debug, Clone, Serialize)]
pub struct StepDiff {
    pub step: Step,
    pub base_threshold_min: f64,
    pub alt_threshold_min: f64,
    #[serde(flatten)]
    pub figures: PairedFigures,
}

/// The paired difference in the onward milestone, as a step's.
#[derive(Debug, Clone, Serialize)]
pub struct OnwardDiff {
    /// Whom it counts, in words, with the base's deadline.
    pub milestone: String,
    pub base_deadline_min: f64,
    pub alt_deadline_min: f64,
    #[serde(flatten)]
    pub figures: PairedFigures,
}

/// The paired figures of a difference, for a step or for the onward milestone alike (all
/// `None` by default: nothing to compare).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct PairedFigures {
    pub base: Option<f64>,
    pub alt: Option<f64>,
    pub difference: Option<f64>,
    /// The paired 95% interval of the difference.
    pub ci95_low: Option<f64>,
    pub ci95_high: Option<f64>,
    pub paired_half_width: Option<f64>,
    /// The half-width two independent runs of as many trials would have given.
    pub independent_half_width: Option<f64>,
    /// How many times more trials two independent runs would need for the same precision.
    pub variance_reduction: Option<f64>,
    pub verdict: Option<Verdict>,
    pub base_median_min: Option<f64>,
    pub alt_median_min: Option<f64>,
}

impl PairedFigures {
    pub(super) fn new(d: &Difference, base_median_min: Option<f64>, alt_median_min: Option<f64>) -> PairedFigures {
        let interval = d.difference.zip(d.half_width);
        PairedFigures {
            base: d.base,
            alt: d.alt,
            difference: d.difference,
            // A share's difference lies within ±1 (±100 points), as its bounds then do.
            ci95_low: interval.map(|(x, h)| (x - h).max(-1.0)),
            ci95_high: interval.map(|(x, h)| (x + h).min(1.0)),
            paired_half_width: d.half_width,
            independent_half_width: d.independent_half_width,
            variance_reduction: d
                .half_width
                .zip(d.independent_half_width)
                .filter(|&(p, _)| p > 0.0)
                .map(|(p, i)| (i / p).powi(2)),
            verdict: Verdict::of(d),
            base_median_min,
            alt_median_min,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupDiff {
    pub group: String,
    pub steps: Vec<StepDiff>,
}

/// A mean (minutes in a phase, or a utilisation share) in both variants; `None` where a
/// variant has no such thing (an asset group only the alternative has).
#[derive(Debug, Clone, Serialize)]
pub struct MeanChange {
    pub name: String,
    pub base: Option<f64>,
    pub alt: Option<f64>,
    pub change: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AltResult {
    pub variant: Variant,
    /// Trials in which the alternative simulated a different number of casualties from the base;
    /// zero whenever the zones are unchanged, since the incidents are then shared.
    pub casualty_mismatch_trials: u64,
    pub steps: Vec<StepDiff>,
    /// Onward evacuation to Level 3, where both scenarios model it; left out of the JSON
    /// otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onward: Option<OnwardDiff>,
    pub by_severity: Vec<GroupDiff>,
    pub by_zone: Vec<GroupDiff>,
    pub by_time_of_day: Vec<GroupDiff>,
    /// Mean minutes in each phase of the chain, over all zones.
    pub phases_min: Vec<MeanChange>,
    /// Utilisation of each asset group and each facility's operating tables, by id.
    pub asset_utilisation: Vec<MeanChange>,
    pub table_utilisation: Vec<MeanChange>,
    /// Each operating facility's share of its daily operations used, by id.
    pub daily_operations_used: Vec<MeanChange>,
    /// Lives saved by the alternative; absent unless both scenarios run the outcome model.
    pub lives_saved: Option<LivesSavedResult>,
}

/// Base − alternative expected deaths of wounds (modelled), positive when the alternative saves
/// lives, with the interval from paired trials.
#[derive(Debug, Clone, Serialize)]
pub struct LivesSavedResult {
    pub note: &'static str,
    pub per_trial: f64,
    pub ci95_low: Option<f64>,
    pub ci95_high: Option<f64>,
    /// Per year of operations: 365 days / period_days × per trial.
    /// None where every incident is scheduled ([`Model::scheduled_only`]): one attack is not
    /// a rate to scale to a year.
    pub per_year: Option<f64>,
    pub per_year_ci95_low: Option<f64>,
    pub per_year_ci95_high: Option<f64>,
    /// Per trial with the outcome model's parameters at the low and high ends of their ranges.
    pub per_trial_low_params: f64,
    pub per_trial_high_params: f64,
    pub verdict: Option<Verdict>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub casevac_version: String,
    pub run: RunInfo,
    pub base: Variant,
    pub alternatives: Vec<AltResult>,
}

fn step_diff(d: &Difference, s: usize, b: &StepResult, a: &StepResult) -> StepDiff {
    StepDiff {
        step: STEPS[s],
        base_threshold_min: b.threshold_min,
        alt_threshold_min: a.threshold_min,
        figures: PairedFigures::new(d, b.median_min, a.median_min),
    }
}

fn change(name: &str, base: Option<f64>, alt: Option<f64>) -> MeanChange {
    MeanChange { name: name.to_string(), base, alt, change: base.zip(alt).map(|(b, a)| a - b) }
}

/// Matches items of the two variants by id, base order first, then those only the alternative has.
fn by_id<T>(base: &[T], alt: &[T], id: impl Fn(&T) -> &str, value: impl Fn(&T) -> Option<f64>) -> Vec<MeanChange> {
    let find = |xs: &[T], key: &str| xs.iter().find(|x| id(x) == key).and_then(&value);
    let mut out: Vec<MeanChange> = base.iter().map(|b| change(id(b), value(b), find(alt, id(b)))).collect();
    out.extend(alt.iter().filter(|a| !base.iter().any(|b| id(b) == id(a))).map(|a| change(id(a), None, value(a))));
    out
}

impl AltResult {
    /// Alternative `k` of `tally` against the base, whose summary is `sb`.
    fn new(
        base: &Model,
        sb: &Summary,
        alt: &Model,
        k: usize,
        label: String,
        tally: &PairedTally,
        seed: u64,
    ) -> AltResult {
        let sa = Summary::new(alt, &tally.alts[k], seed);
        let groups = Groups { zones: base.zones.len() };
        let diffs = |g: usize, b: &[StepResult], a: &[StepResult]| -> Vec<StepDiff> {
            (0..3).map(|s| step_diff(&tally.difference(k, g, s), s, &b[s], &a[s])).collect()
        };
        let group = |name: &str, g: usize, b: &[StepResult], a: &[StepResult]| GroupDiff {
            group: name.to_string(),
            steps: diffs(g, b, a),
        };
        AltResult {
            casualty_mismatch_trials: tally.casualty_mismatch_trials[k],
            steps: diffs(Groups::ALL, &sb.steps, &sa.steps),
            onward: tally.onward_difference(k).zip(sb.onward.as_ref().zip(sa.onward.as_ref())).map(|(d, (b, a))| {
                OnwardDiff {
                    milestone: b.milestone.clone(),
                    base_deadline_min: b.deadline_min,
                    alt_deadline_min: a.deadline_min,
                    figures: PairedFigures::new(&d, b.median_min, a.median_min),
                }
            }),
            by_severity: (0..3)
                .map(|s| group(SEVERITIES[s], groups.severity(s), &sb.by_severity[s].steps, &sa.by_severity[s].steps))
                .collect(),
            by_zone: (0..base.zones.len())
                .map(|z| group(&sb.by_zone[z].group, groups.zone(z), &sb.by_zone[z].steps, &sa.by_zone[z].steps))
                .collect(),
            by_time_of_day: (0..2)
                .map(|l| {
                    let (b, a) = (&sb.by_time_of_day[l], &sa.by_time_of_day[l]);
                    group(&b.group, groups.light(l == 1), &b.steps, &a.steps)
                })
                .collect(),
            phases_min: sb
                .phases
                .iter()
                .zip(&sa.phases)
                .map(|(b, a)| change(b.phase, b.mean_min, a.mean_min))
                .collect(),
            asset_utilisation: by_id(&sb.assets, &sa.assets, |x| &x.id, |x| Some(x.utilisation)),
            table_utilisation: by_id(&sb.facilities, &sa.facilities, |x| &x.id, |x| x.table_utilisation),
            daily_operations_used: by_id(&sb.facilities, &sa.facilities, |x| &x.id, |x| x.daily_operations_used),
            lives_saved: tally.lives_saved(k, base, alt).map(|l| LivesSavedResult::new(&l, base)),
            variant: Variant { label, summary: sa },
        }
    }
}

impl LivesSavedResult {
    /// The paired lives saved `l` per trial, and per year where the base's incidents are a rate.
    fn new(l: &LivesSaved, base: &Model) -> LivesSavedResult {
        let per_year = (!base.scheduled_only()).then(|| 365.0 * crate::model::MIN_PER_DAY / base.period_min);
        let lo = l.half_width.map(|h| l.per_trial - h);
        let hi = l.half_width.map(|h| l.per_trial + h);
        let d = Difference {
            base: None,
            alt: None,
            difference: Some(l.per_trial),
            half_width: l.half_width,
            independent_half_width: None,
        };
        LivesSavedResult {
            note: "modelled deaths of wounds among potentially survivable injuries, not a prediction for any \
                   individual",
            per_trial: l.per_trial,
            ci95_low: lo,
            ci95_high: hi,
            per_year: per_year.map(|y| l.per_trial * y),
            per_year_ci95_low: lo.zip(per_year).map(|(x, y)| x * y),
            per_year_ci95_high: hi.zip(per_year).map(|(x, y)| x * y),
            per_trial_low_params: l.low_params,
            per_trial_high_params: l.high_params,
            verdict: Verdict::of(&d),
        }
    }
}

impl Comparison {
    /// Marks a comparison merged from shards that miss some trials (`merge --allow-partial`), in
    /// its own run facts and in each variant's summary.
    pub fn set_partial(&mut self, partial: Option<&Partial>) {
        self.run.partial = partial.cloned();
        self.base.summary.run.partial = partial.cloned();
        for a in &mut self.alternatives {
            a.variant.summary.run.partial = partial.cloned();
        }
    }

    /// `labels` name the base and then each alternative, in the order of `alts`.
    pub fn new(base: &Model, alts: &[Model], labels: &[String], tally: &PairedTally, seed: u64) -> Comparison {
        let sb = Summary::new(base, &tally.base, seed);
        let alternatives = alts
            .iter()
            .enumerate()
            .map(|(k, alt)| AltResult::new(base, &sb, alt, k, labels[k + 1].clone(), tally, seed))
            .collect();
        Comparison {
            casevac_version: env!("CARGO_PKG_VERSION").to_string(),
            run: RunInfo { seed, trials: tally.base.trials, scenario_hash: None, precision: None, partial: None },
            base: Variant { label: labels[0].clone(), summary: sb },
            alternatives,
        }
    }
}
