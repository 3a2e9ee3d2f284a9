//! Courses of action compared on common random numbers.
//!
//! The base and each alternative run the same trials (seed, trial index); because every draw
//! is keyed by purpose and stable id ([`crate::sim::streams`]), they share every draw their
//! differences do not touch. Each trial then gives a *paired* difference, and the interval of
//! the difference comes from the spread of those paired differences, which is far narrower
//! than two independent intervals would suggest when the change is small.
//!
//! What the pairing needs is kept as integers, like the [`Tally`]: per group and step, the sums
//! over trials of the products of the two variants' per-trial counts. Merging stays exact and
//! order-free, so a comparison is byte-identical at any thread count.

use crate::model::Model;
use crate::run::{RunOptions, blocks, per_thread, run_block};
use crate::scenario::{Problem, ScenarioError};
use crate::sim::{Engine, Generated, generates_alike};
use crate::stats::interval::{Z95, compliance};
use crate::stats::tally::Cell;
use crate::stats::{Histograms, Tally};
use crate::summary::Widest;

mod summary;
pub use summary::{
    AltResult, Comparison, GroupDiff, LivesSavedResult, MeanChange, OnwardDiff, PairedFigures, StepDiff, Variant,
};

/// Sums over trials of the products of base (b) and alternative (a) per-trial counts of one
/// group and step: n is casualties the step applies to, c those treated in time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cross {
    pub ca_cb: u128,
    pub ca_nb: u128,
    pub na_cb: u128,
    pub na_nb: u128,
}

/// A comparison's integer tallies: each variant's own, and the cross sums of each alternative
/// with the base.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PairedTally {
    pub base: Tally,
    pub alts: Vec<Tally>,
    /// [alternative][group * 3 + step]
    pub cross: Vec<Vec<Cross>>,
    /// Per alternative: trials in which it simulated a different number of casualties from the
    /// base (zero whenever the zones are unchanged: the incidents are shared).
    pub casualty_mismatch_trials: Vec<u64>,
    /// Per alternative: the sum over trials of the product of the base's and the alternative's
    /// central expected deaths of the trial, in billionths squared: the pairing of lives saved.
    pub deaths_cross_nano2: Vec<u128>,
}

impl PairedTally {
    /// Empty tallies of the base and each alternative, each with the `histograms` asked for.
    pub fn new(base: &Model, alts: &[Model], histograms: Histograms) -> PairedTally {
        let cells = Self::cross_len(base);
        PairedTally {
            base: Tally::with_histograms(base, histograms),
            alts: alts.iter().map(|m| Tally::with_histograms(m, histograms)).collect(),
            cross: vec![vec![Cross::default(); cells]; alts.len()],
            casualty_mismatch_trials: vec![0; alts.len()],
            deaths_cross_nano2: vec![0; alts.len()],
        }
    }

    /// Cross products per alternative: one per (group, step) and one for the onward
    /// milestone, as the engine's trial counts are laid out.
    pub fn cross_len(base: &Model) -> usize {
        Tally::with_histograms(base, Histograms::Off).cells.len() + 1
    }

    /// Adds another tally of the same comparison into this one.
    pub fn merge(&mut self, o: &PairedTally) {
        self.base.merge(&o.base);
        for (a, b) in self.alts.iter_mut().zip(&o.alts) {
            a.merge(b);
        }
        for (xs, ys) in self.cross.iter_mut().zip(&o.cross) {
            for (x, y) in xs.iter_mut().zip(ys) {
                x.ca_cb += y.ca_cb;
                x.ca_nb += y.ca_nb;
                x.na_cb += y.na_cb;
                x.na_nb += y.na_nb;
            }
        }
        for (x, y) in self.casualty_mismatch_trials.iter_mut().zip(&o.casualty_mismatch_trials) {
            *x += y;
        }
        for (x, y) in self.deaths_cross_nano2.iter_mut().zip(&o.deaths_cross_nano2) {
            *x += y;
        }
    }

    /// The difference alternative − base in the share treated in time, for one group and step,
    /// with its paired 95% interval; see [`Difference`].
    pub fn difference(&self, alt: usize, group: usize, step: usize) -> Difference {
        let at = group * 3 + step;
        difference(
            self.base.cell(group, step),
            self.alts[alt].cell(group, step),
            &self.cross[alt][at],
            self.base.trials,
        )
    }

    /// The paired difference in onward evacuation to Level 3, where both scenarios model it.
    pub fn onward_difference(&self, alt: usize) -> Option<Difference> {
        let (b, a) = (self.base.onward.as_ref()?, self.alts[alt].onward.as_ref()?);
        let cross = self.cross[alt].last()?;
        Some(difference(&b.cell, &a.cell, cross, self.base.trials))
    }

    /// Lives saved by alternative `alt`: the base's expected deaths per trial minus the
    /// alternative's, with the paired 95% interval; `None` unless both run the outcome model
    /// and a trial was run.
    ///
    /// With D_i = b_i − a_i the trial's difference, ΣD² = Σb² + Σa² − 2Σab is computed in
    /// integers, so a scenario against itself gives exactly zero and a zero-width interval.
    pub fn lives_saved(&self, alt: usize, base: &Model, alt_model: &Model) -> Option<LivesSaved> {
        let (_, _) = (base.outcomes.as_ref()?, alt_model.outcomes.as_ref()?);
        let (b, a) = (&self.base, &self.alts[alt]);
        // No trial, no estimate (a partial merge of empty shards), as for a run's deaths.
        if b.trials == 0 {
            return None;
        }
        let k = b.trials as f64;
        const NANO: f64 = 1e9;
        let all = crate::stats::tally::Groups::ALL;
        let diff = |set: usize| {
            (b.deaths[all].expected_nano[set] as i128 - a.deaths[all].expected_nano[set] as i128) as f64 / NANO / k
        };
        let mean = diff(crate::outcome::CENTRAL);
        let half_width = (b.trials > 1).then(|| {
            let sum_d = mean * k;
            let sum_d2 = (b.deaths_nano2 as i128 + a.deaths_nano2 as i128 - 2 * self.deaths_cross_nano2[alt] as i128)
                as f64
                / (NANO * NANO);
            let var = ((sum_d2 - sum_d * sum_d / k) / (k - 1.0)).max(0.0);
            Z95 * (var / k).sqrt()
        });
        Some(LivesSaved {
            per_trial: mean,
            half_width,
            low_params: diff(crate::outcome::LOW),
            high_params: diff(crate::outcome::HIGH),
        })
    }

    /// The widest half-width among the headline differences of every alternative, as a
    /// precision target reads them: the three steps over all casualties, and the onward
    /// milestone where both model it. A difference without an interval (from one trial) is as
    /// wide as can be. One equal in every trial, whose interval has no width, counts as ±3/K
    /// for K trials: a change that altered none of K trials may still alter up to 3 in K
    /// (the rule of three, at 95%), each by up to the whole share.
    pub fn widest_half_width(&self) -> Widest {
        let k = self.base.trials;
        let unseen = Widest { half_width: 3.0 / k.max(1) as f64, unseen_in: Some(k) };
        (0..self.alts.len())
            .flat_map(|a| (0..3).map(move |s| self.difference(a, 0, s)).chain(self.onward_difference(a)))
            .filter(|d| d.difference.is_some())
            .map(|d| match d.half_width {
                None => Widest::of(f64::INFINITY),
                Some(0.0) => unseen,
                Some(h) => Widest::of(h),
            })
            .fold(Widest::of(0.0), |w, x| if x.half_width > w.half_width { x } else { w })
    }
}

/// Alternative − base, as shares (0.05 = 5 percentage points).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    pub base: Option<f64>,
    pub alt: Option<f64>,
    pub difference: Option<f64>,
    /// Half-width of the paired 95% interval.
    pub half_width: Option<f64>,
    /// Half-width two independent runs of the same size would have given.
    pub independent_half_width: Option<f64>,
}

/// The delta-method variance of a difference of two ratio estimators over the same trials.
///
/// Each variant's share is a ratio R = ΣC/ΣN over trials. Linearised, trial i contributes
/// e_i = (c_i − R n_i)/n̄ for each variant; the variance of the difference is
/// Σ(e_a,i − e_b,i)² / (K (K − 1)), which expands into the per-trial sums the tallies hold.
/// Without the cross term it is the variance two independent runs would have.
fn difference(b: &Cell, a: &Cell, x: &Cross, trials: u64) -> Difference {
    let share = |c: &Cell| (c.n > 0).then(|| c.compliant as f64 / c.n as f64);
    let (rb, ra) = (share(b), share(a));
    let mut d = Difference { base: rb, alt: ra, difference: None, half_width: None, independent_half_width: None };
    let (Some(rb), Some(ra)) = (rb, ra) else { return d };
    d.difference = Some(ra - rb);
    if trials < 2 {
        return d;
    }
    let k = trials as f64;
    let (nbar_a, nbar_b) = (a.n as f64 / k, b.n as f64 / k);
    // Σ(c − R n)² for one variant, written term for term as the cross sum below, so that two
    // identical variants give exactly the same floating-point values and a difference of
    // exactly zero.
    let own = |c: &Cell, r: f64| {
        let (c2, nc, n2) = (c.c2 as f64, c.nc as f64, c.n2 as f64);
        c2 - r * nc - r * nc + r * r * n2
    };
    let ss_a = own(a, ra) / (nbar_a * nbar_a);
    let ss_b = own(b, rb) / (nbar_b * nbar_b);
    let cross =
        (x.ca_cb as f64 - rb * x.ca_nb as f64 - ra * x.na_cb as f64 + ra * rb * x.na_nb as f64) / (nbar_a * nbar_b);
    let scale = k * (k - 1.0);
    let (paired, independent) = (ss_a + ss_b - 2.0 * cross, ss_a + ss_b);
    // A spread of zero (but for rounding, against the size of the sums) says nothing of the
    // variance where the variants differ in some trial: every trial's share equalled its
    // variant's overall share, as when one variant treats the group's casualties in time in
    // every trial and the other in none, or one trial holds all of them. Each variant's own
    // interval, which takes the worst case of clustering in such a case, is then combined as
    // two independent runs' would be (pairing can only narrow it). Variants equal in every trial
    // keep their difference of exactly zero, with no width.
    let tiny = 1e-12 * (a.n2 as f64 / (nbar_a * nbar_a) + b.n2 as f64 / (nbar_b * nbar_b));
    let unseen = || {
        let own = |c: &Cell| {
            let (p, lo, hi) = compliance(c, trials);
            (p - lo).max(hi - p)
        };
        own(a).hypot(own(b))
    };
    let differs = !equal_in_every_trial(b, a, x);
    let width = |ss: f64| if ss <= tiny && differs { unseen() } else { Z95 * (ss.max(0.0) / scale).sqrt() };
    d.half_width = Some(width(paired));
    d.independent_half_width = Some(width(independent));
    d
}

/// Whether the two variants counted the same casualties, and the same of them in time, in
/// every trial: Σ(c_a − c_b)² and Σ(n_a − n_b)², in integers, are both zero.
fn equal_in_every_trial(b: &Cell, a: &Cell, x: &Cross) -> bool {
    let spread = |aa: u128, bb: u128, ab: u128| aa + bb == 2 * ab;
    spread(a.c2, b.c2, x.ca_cb) && spread(a.n2, b.n2, x.na_nb)
}

/// Base − alternative expected deaths of wounds per trial (positive: the alternative saves lives).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LivesSaved {
    pub per_trial: f64,
    /// Half-width of the paired 95% interval (none with fewer than two trials).
    pub half_width: Option<f64>,
    /// The same with the model's parameters at the low and high ends of their ranges.
    pub low_params: f64,
    pub high_params: f64,
}

/// What `compare` can tell about an alternative against the base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Better,
    Worse,
    NoDetectableChange,
}

impl Verdict {
    /// Better when the whole interval is above zero, worse when below, otherwise undecided.
    pub fn of(d: &Difference) -> Option<Verdict> {
        Some(Verdict::of_interval(d.difference?, d.half_width?))
    }

    /// The verdict of the interval `diff ± hw`, in any unit (a share, lives per trial).
    ///
    /// A bound within a millionth of a millionth of the interval's scale counts as zero. A bound
    /// that is zero in exact arithmetic comes out of `diff - hw` as rounding noise of either sign
    /// (0.0048 + 0.0016 - 0.0064 is -8.7e-19), since the two are computed by different sums;
    /// read as it stands, that noise alone would decide between "better" and "no detectable
    /// change". No effect a simulation can measure is that close to the edge of its interval.
    pub fn of_interval(diff: f64, hw: f64) -> Verdict {
        let zero = 1e-12 * (diff.abs() + hw.abs());
        if diff - hw > zero {
            Verdict::Better
        } else if diff + hw < -zero {
            Verdict::Worse
        } else {
            Verdict::NoDetectableChange
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::NoDetectableChange => "no detectable change",
        }
    }
}

/// What keeps a scenario from being paired with the base trial by trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unpairable {
    PeriodDays,
    ClockOrigin,
    /// Other zone ids, or the same in another order: the incidents would not be shared.
    Zones,
}

impl Unpairable {
    /// The help `compare` gives: its planner wrote both files, so both must agree.
    fn compare_help(self) -> &'static str {
        match self {
            Unpairable::PeriodDays => "give both scenarios the same [scenario] period_days",
            Unpairable::ClockOrigin => "give both scenarios the same [scenario] clock_origin",
            Unpairable::Zones => {
                "compare scenarios with the same [[zone]] ids in the same order; to weigh a change of zones, \
                 run each with `casevac run` and the same --seed"
            }
        }
    }
}

/// Refuses what cannot be compared trial by trial: a different period or clock origin, or
/// zones that differ (their incidents would not be shared). `labels` name the files.
pub fn check_comparable(base: &Model, alts: &[(String, &Model)]) -> Result<(), ScenarioError> {
    check_pairable(base, alts, &|u| u.compare_help().to_string())
}

/// [`check_comparable`] with the help of each problem written by `help`: a variant that a
/// decision command wrote (a lever, a sweep value) is fixed by leaving it out, not by editing a
/// second file.
pub fn check_pairable(
    base: &Model,
    alts: &[(String, &Model)],
    help: &dyn Fn(Unpairable) -> String,
) -> Result<(), ScenarioError> {
    for (label, alt) in alts {
        let mut problems = Vec::new();
        let mut differs = |what: String, why: Unpairable| {
            problems.push(Problem { span: None, message: what, help: help(why), source: None });
        };
        if alt.period_min != base.period_min {
            differs(
                format!(
                    "period_days is {} here but {} in the base: trials of different lengths cannot be paired",
                    alt.period_min / 1440.0,
                    base.period_min / 1440.0
                ),
                Unpairable::PeriodDays,
            );
        }
        if alt.origin != base.origin {
            differs(
                format!(
                    "clock_origin is {:?} here but {:?} in the base: the steps would be timed differently",
                    alt.origin, base.origin
                )
                .to_lowercase(),
                Unpairable::ClockOrigin,
            );
        }
        let ids = |m: &Model| m.zones.iter().map(|z| z.id.clone()).collect::<Vec<_>>();
        let (zb, za) = (ids(base), ids(alt));
        if zb != za {
            let only_base: Vec<_> = zb.iter().filter(|z| !za.contains(z)).cloned().collect();
            let only_alt: Vec<_> = za.iter().filter(|z| !zb.contains(z)).cloned().collect();
            let what = if only_base.is_empty() && only_alt.is_empty() {
                "the zones are listed in a different order from the base".to_string()
            } else {
                format!(
                    "the zones differ from the base (only in the base: [{}]; only here: [{}]), so the two \
                     would not share their incidents",
                    only_base.join(", "),
                    only_alt.join(", ")
                )
            };
            differs(what, Unpairable::Zones);
        }
        if !problems.is_empty() {
            return Err(ScenarioError { path: label.clone(), text: String::new(), problems });
        }
    }
    Ok(())
}

/// Trials `first..first + count` of the base and every alternative, paired trial by trial,
/// on the current rayon pool, into tallies with the `histograms` asked for.
pub fn run_paired_batch(
    base: &Model,
    alts: &[Model],
    histograms: Histograms,
    seed: u64,
    first: u64,
    count: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> PairedTally {
    let blocks = blocks(std::iter::once(first..first + count));
    // An alternative that leaves the zones as they are takes each trial's incidents from the
    // base rather than generating the same ones again.
    let alike: Vec<bool> = alts.iter().map(|a| generates_alike(base, a)).collect();
    let keep = alike.contains(&true);
    per_thread(
        blocks.len(),
        || {
            let engines = alts.iter().map(Engine::new).collect::<Vec<_>>();
            (Engine::new(base), engines, Generated::default(), PairedTally::new(base, alts, histograms))
        },
        |(eb, eas, generated, tally), b| {
            run_block(blocks[b].clone(), progress, |i| {
                let casualties = tally.base.casualties;
                if keep {
                    eb.trial_keeping(seed, i, &mut tally.base, generated);
                } else {
                    eb.trial(seed, i, &mut tally.base);
                }
                let casualties = tally.base.casualties - casualties;
                for (k, ea) in eas.iter_mut().enumerate() {
                    let alt_casualties = tally.alts[k].casualties;
                    if alike[k] {
                        ea.trial_from(seed, i, &mut tally.alts[k], generated);
                    } else {
                        ea.trial(seed, i, &mut tally.alts[k]);
                    }
                    if tally.alts[k].casualties - alt_casualties != casualties {
                        tally.casualty_mismatch_trials[k] += 1;
                    }
                    tally.deaths_cross_nano2[k] += eb.trial_deaths_nano() * ea.trial_deaths_nano();
                    for ((x, &(nb, cb)), &(na, ca)) in
                        tally.cross[k].iter_mut().zip(eb.trial_counts()).zip(ea.trial_counts())
                    {
                        let (nb, cb, na, ca) = (nb as u128, cb as u128, na as u128, ca as u128);
                        x.ca_cb += ca * cb;
                        x.ca_nb += ca * nb;
                        x.na_cb += na * cb;
                        x.na_nb += na * nb;
                    }
                }
            });
        },
    )
    .into_iter()
    .map(|(_, _, _, t)| t)
    .reduce(|mut a, b| {
        a.merge(&b);
        a
    })
    .unwrap_or_else(|| PairedTally::new(base, alts, histograms))
}

/// Runs the comparison the options ask for. With a precision, batches are added until every
/// headline *difference* interval is narrow enough or `max_trials` is reached; the stopping
/// rule reads only the merged tally, so it stops at the same trial count on any thread count.
pub fn run_paired(
    base: &Model,
    alts: &[Model],
    histograms: Histograms,
    opts: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> PairedTally {
    let mut tally = run_paired_batch(base, alts, histograms, opts.seed, 0, opts.trials, progress);
    if let Some(p) = opts.half_width_share {
        while tally.widest_half_width().half_width > p && tally.base.trials < opts.max_trials {
            let n = opts.trials.min(opts.max_trials - tally.base.trials);
            tally.merge(&run_paired_batch(base, alts, histograms, opts.seed, tally.base.trials, n, progress));
        }
    }
    tally
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A trial's counts (n, c) of one group and step: casualties counted, and in time.
    type Counts = (u64, u64);

    /// Per-trial counts in the base and the alternative, as the tallies sum them.
    fn tallied(trials: &[(Counts, Counts)]) -> (Cell, Cell, Cross) {
        let (mut b, mut a, mut x) = (Cell::default(), Cell::default(), Cross::default());
        for &((nb, cb), (na, ca)) in trials {
            for (cell, n, c) in [(&mut b, nb, cb), (&mut a, na, ca)] {
                cell.n += n;
                cell.compliant += c;
                cell.add_trial_spread(n, c);
            }
            x.ca_cb += u128::from(ca * cb);
            x.ca_nb += u128::from(ca * nb);
            x.na_cb += u128::from(na * cb);
            x.na_nb += u128::from(na * nb);
        }
        (b, a, x)
    }

    /// Three trials, one casualty each, never in time in the base and always in the other:
    /// every trial's share is its variant's overall share, so the spread reads zero. The
    /// interval is then each variant's own, combined as independent runs' are: for none of
    /// three in time, Wilson's upper bound z²/(3 + z²) = 0.5615 and, with three late, the exact
    /// Poisson one, 1 - 0.6187/3 = 0.7938 (the 97.5% lower bound of a Poisson mean with 3 seen
    /// is 0.6187); so a half-width of 0.7938·√2 = 1.1226, not zero.
    #[test]
    fn a_difference_with_no_spread_between_trials_takes_each_share_s_own_interval() {
        let (b, a, x) = tallied(&[((1, 0), (1, 1)); 3]);
        let d = difference(&b, &a, &x, 3);
        assert_eq!(d.difference, Some(1.0));
        let h = d.half_width.unwrap();
        assert!((h - 0.7938 * 2f64.sqrt()).abs() < 2e-4, "{h}");
        assert_eq!(d.independent_half_width, Some(h));
        // Shown within ±100 points, as a share's difference must be.
        let f = PairedFigures::new(&d, None, None);
        assert_eq!((f.ci95_low.map(|l| (l * 1e4).round() / 1e4), f.ci95_high), (Some(-0.1226), Some(1.0)));
        assert_eq!(f.verdict, Some(Verdict::NoDetectableChange));
        // All of one trial's two casualties: one trial holds the group, and again no spread.
        let (b, a, x) = tallied(&[((0, 0), (0, 0)), ((2, 0), (2, 1)), ((0, 0), (0, 0))]);
        assert!(difference(&b, &a, &x, 3).half_width.unwrap() > 0.5);
    }

    /// Variants that counted the same in every trial differ by exactly zero, with no width; a
    /// spread between trials gives the paired interval itself: here the per-trial differences
    /// are 0, 1, 0, 1 (one casualty each, shares 0.5 and 0 overall), whose mean 0.5 has the
    /// standard error √(1/3)/2 = 0.2887 over four trials.
    #[test]
    fn a_difference_equal_in_every_trial_has_no_width_and_one_with_a_spread_its_paired_interval() {
        let (b, a, x) = tallied(&[((1, 1), (1, 1)), ((2, 0), (2, 0)), ((1, 1), (1, 1))]);
        let d = difference(&b, &a, &x, 3);
        assert_eq!((d.difference, d.half_width), (Some(0.0), Some(0.0)));
        let (b, a, x) = tallied(&[((1, 0), (1, 0)), ((1, 0), (1, 1)), ((1, 0), (1, 0)), ((1, 0), (1, 1))]);
        let d = difference(&b, &a, &x, 4);
        assert_eq!(d.difference, Some(0.5));
        let want = Z95 * (1.0f64 / 3.0).sqrt() / 2.0;
        assert!((d.half_width.unwrap() - want).abs() < 1e-12, "{:?} against {want}", d.half_width);
    }

    #[test]
    fn a_bound_that_is_zero_but_for_rounding_decides_nothing() {
        // 0.0048 + 0.0016 is 0.0064 in exact arithmetic, a unit in the last place under it in
        // floating point: the interval's lower bound is zero, and so is the upper bound below.
        let (x, h) = (0.0064, 0.0048 + 0.0016);
        assert!(x - h > 0.0 && x - h < 1e-18, "the noise this guards against: {}", x - h);
        assert_eq!(Verdict::of_interval(x, h), Verdict::NoDetectableChange);
        assert_eq!(Verdict::of_interval(-x, h), Verdict::NoDetectableChange);
        // On shares too, where a difference and a half-width of 0.3 points end at 1e-17.
        assert_eq!(Verdict::of_interval(0.1 + 0.2, 0.3), Verdict::NoDetectableChange);
        let d = Difference {
            base: None,
            alt: None,
            difference: Some(x),
            half_width: Some(h),
            independent_half_width: None,
        };
        assert_eq!(Verdict::of(&d), Some(Verdict::NoDetectableChange));
        // A real effect is decided however small, and an interval of no width at zero is not.
        assert_eq!(Verdict::of_interval(1e-9, 0.999e-9), Verdict::Better);
        assert_eq!(Verdict::of_interval(-1e-9, 0.999e-9), Verdict::Worse);
        assert_eq!(Verdict::of_interval(0.05, 0.0), Verdict::Better);
        assert_eq!(Verdict::of_interval(0.0, 0.0), Verdict::NoDetectableChange);
    }
}
