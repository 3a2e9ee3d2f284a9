//! The outcome model: a casualty's times to first aid, resuscitation and surgery turned into a
//! probability of death of wounds.
//!
//! A casualty of triage category k is *potentially fatal* with probability `p_fatal[k]`: without
//! care the injury kills, with timely care it is survivable (the killed outright are not
//! casualties of the chain and are not modelled). Untreated, such a casualty dies at a time T
//! after wounding drawn from the untreated time-to-death curve `F` (Webster et al. 2021, killed
//! in action, conditional on surviving the first minute). Care slows the dying clock: from first
//! aid the hazard runs at `first_aid_factor` of its untreated rate, from resuscitation at
//! `resuscitation_factor` of that, and definitive care (surgery, or for a casualty who needs no
//! surgery its first advanced care, with blood or without) stops it. With the clock
//!
//! ```text
//! τ(t) = ∫₀ᵗ r(u) du,   r(u) = (u ≥ a ? f_a : 1) · (u ≥ b ? f_b : 1)  for u < s, 0 after s
//! ```
//!
//! (a, b, s the times from wounding of first aid, resuscitation and definitive care) the
//! casualty dies when τ reaches T, so P(death) = p_fatal[k] · F(τ(s)). Multiplying the rate of
//! the clock multiplies the hazard by the same factor, which is how a hazard ratio such as
//! Shackelford's enters. Everything here is pure arithmetic on a few floats: no allocation.

use crate::stats::tally::round_half_up;
use serde::Serialize;

/// Stand-in for "never" (care not received within follow-up): large and finite, so that the
/// clock stays finite arithmetic (∞ − ∞ would be NaN) and exceeds any death time validation allows.
pub const NEVER_MIN: f64 = 1e9;

/// One set of the model's parameters: the central values, or the low or high end of their ranges.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Params {
    /// [category]: probability that a casualty's injury is fatal untreated but survivable.
    pub p_fatal: [f64; 3],
    /// Hazard multiplier from first aid on (bleeding control).
    pub first_aid_factor: f64,
    /// Further hazard multiplier from resuscitation on (blood).
    pub resuscitation_factor: f64,
}

/// The three parameter sets the run evaluates on the same casualty times: what the sensitivity
/// figures show. `LOW` gives the fewest deaths (the smallest p_fatal and factors).
pub const CENTRAL: usize = 0;
pub const LOW: usize = 1;
pub const HIGH: usize = 2;

/// The untreated time-to-death curve: a piecewise-linear cumulative distribution through
/// (0, 0) and the knots (`min[i]`, `cum[i]`), the last of which is 1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Curve {
    pub min: Vec<f64>,
    pub cum: Vec<f64>,
}

impl Curve {
    /// F(t): the share of the potentially fatal who, untreated, are dead by t minutes.
    pub fn cdf(&self, t: f64) -> f64 {
        let (mut t0, mut c0) = (0.0, 0.0);
        for (&t1, &c1) in self.min.iter().zip(&self.cum) {
            if t < t1 {
                return c0 + (c1 - c0) * ((t - t0) / (t1 - t0)).max(0.0);
            }
            (t0, c0) = (t1, c1);
        }
        1.0
    }

    /// F⁻¹(v) for v in [0, 1): the untreated death time with cumulative share v. A flat piece
    /// of the curve (no deaths in it) is skipped.
    pub fn quantile(&self, v: f64) -> f64 {
        let (mut t0, mut c0) = (0.0, 0.0);
        for (&t1, &c1) in self.min.iter().zip(&self.cum) {
            if v < c1 {
                return t0 + (t1 - t0) * (v - c0) / (c1 - c0);
            }
            (t0, c0) = (t1, c1);
        }
        t0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeModel {
    /// [CENTRAL, LOW, HIGH]
    pub params: [Params; 3],
    pub curve: Curve,
    /// Doctrine's times for first aid, resuscitation and surgery, from wounding: the
    /// counterfactual that says which deaths were potentially preventable.
    pub doctrine_min: [f64; 3],
}

/// A casualty's care, in minutes from wounding; `NEVER_MIN` for care not received.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Care {
    pub first_aid: f64,
    pub resuscitation: f64,
    /// Definitive care: surgery, or for a casualty who needs no surgery its first advanced care
    /// (resuscitation with blood, or advanced life support without).
    pub definitive: f64,
    /// Whether definitive care is surgery (otherwise it is the resuscitation).
    pub surgical: bool,
}

/// The three pieces of the dying clock: (start, end, rate), in order.
fn pieces(c: &Care, p: &Params) -> [(f64, f64, f64); 3] {
    let s = c.definitive;
    let (a, b) = (c.first_aid.min(s), c.resuscitation.min(s));
    let (fa, fb) = (p.first_aid_factor, p.resuscitation_factor);
    if a <= b { [(0.0, a, 1.0), (a, b, fa), (b, s, fa * fb)] } else { [(0.0, b, 1.0), (b, a, fb), (a, s, fa * fb)] }
}

/// τ(s): the untreated-equivalent minutes the casualty lives through before definitive care.
pub fn clock_at_definitive(c: &Care, p: &Params) -> f64 {
    pieces(c, p).iter().map(|&(t0, t1, r)| r * (t1 - t0)).sum()
}

/// The time after wounding at which a casualty whose untreated death time is `death_untreated`
/// dies under care `c`, or `None` if definitive care comes first.
pub fn death_time(c: &Care, p: &Params, death_untreated: f64) -> Option<f64> {
    let mut clock = 0.0;
    for (t0, t1, r) in pieces(c, p) {
        let span = r * (t1 - t0);
        if r > 0.0 && clock + span >= death_untreated {
            return Some(t0 + (death_untreated - clock) / r);
        }
        clock += span;
    }
    None
}

impl OutcomeModel {
    /// P(death) of a casualty of category `k` under care `c` with parameter set `set`.
    pub fn p_death(&self, set: usize, k: usize, c: &Care) -> f64 {
        self.p_death_at(set, k, clock_at_definitive(c, &self.params[set]))
    }

    /// P(death) of a casualty of category `k` whose dying clock under parameter set `set` read
    /// `clock` at definitive care: for a caller that needs the clock itself too.
    pub fn p_death_at(&self, set: usize, k: usize, clock: f64) -> f64 {
        self.params[set].p_fatal[k] * self.curve.cdf(clock)
    }

    /// Care `c` with step `step` (0 first aid, 1 resuscitation, 2 surgery) brought forward to
    /// its doctrinal time if it came later. For a casualty who needs no surgery, its first
    /// advanced care (never after resuscitation) is definitive care and comes by the hour too;
    /// surgery does not apply.
    pub fn step_at_doctrine(&self, mut c: Care, step: usize) -> Care {
        let d = self.doctrine_min;
        match step {
            0 => c.first_aid = c.first_aid.min(d[0]),
            1 => {
                c.resuscitation = c.resuscitation.min(d[1]);
                if !c.surgical {
                    c.definitive = c.definitive.min(d[1]);
                }
            }
            _ if c.surgical => c.definitive = c.definitive.min(d[2]),
            _ => {}
        }
        c
    }

    /// Care at least as fast as doctrine at every step.
    pub fn doctrinal(&self, c: &Care) -> Care {
        (0..3).fold(*c, |c, s| self.step_at_doctrine(c, s))
    }

    /// The step whose delay costs the most: the one that, brought alone to its doctrinal time,
    /// shortens the dying clock the most (ties go to the earlier step). `base` is the clock of
    /// care `c` with the central parameters, `clock_at_definitive(c, &self.params[CENTRAL])`,
    /// which the caller has already worked out for the probability of death.
    pub fn costliest_step(&self, c: &Care, base: f64) -> usize {
        let p = &self.params[CENTRAL];
        // Each gain worked out once (the fold would redo the leader's at every step), and a step
        // already at its doctrinal time leaves the clock as it is: it gains nothing.
        let gain = [0, 1, 2].map(|s| {
            let moved = self.step_at_doctrine(*c, s);
            if moved == *c { 0.0 } else { base - clock_at_definitive(&moved, p) }
        });
        (1..3).fold(0, |best, s| if gain[s] > gain[best] { s } else { best })
    }
}

/// Upper ends (minutes after wounding) of the bins drawn deaths are counted in; the last bin,
/// after these, is open.
pub const DEATH_BINS_MIN: [f64; 5] = [10.0, 60.0, 120.0, 240.0, 1440.0];

/// Upper ends, in minutes after wounding, of the bins of time to definitive care (surgery, or
/// first advanced care for a casualty who needs none) against which expected deaths are tallied; a
/// last bin holds later or never.
pub const CARE_BINS_MIN: [f64; 5] = [60.0, 120.0, 240.0, 480.0, 1440.0];

/// The bin of definitive care at `t` minutes after wounding.
pub fn care_bin(t: f64) -> usize {
    CARE_BINS_MIN.iter().position(|&e| t <= e).unwrap_or(CARE_BINS_MIN.len())
}

/// The bin of a death at `t` minutes after wounding.
pub fn death_bin(t: f64) -> usize {
    DEATH_BINS_MIN.iter().position(|&e| t <= e).unwrap_or(DEATH_BINS_MIN.len())
}

/// Probabilities to integer billionths, so sums merge exactly in any order. Rounded as `round`
/// rounds (a product of at most 1e9), without its library call: four per casualty who can die.
#[inline]
pub fn to_nano(p: f64) -> u64 {
    round_half_up(p.clamp(0.0, 1.0) * 1e9)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webster() -> Curve {
        Curve { min: vec![10.0, 60.0, 120.0, 240.0], cum: vec![0.2471, 0.7995, 0.9767, 1.0] }
    }

    #[test]
    fn quantile_inverts_the_curve() {
        let c = webster();
        for v in [0.0, 0.1, 0.2471, 0.5, 0.9, 0.99] {
            assert!((c.cdf(c.quantile(v)) - v).abs() < 1e-12, "{v}");
        }
        assert_eq!(c.cdf(10.0), 0.2471);
        assert_eq!(c.cdf(1e9), 1.0);
    }

    #[test]
    fn billionths_round_as_the_library_rounds_them() {
        // Halves of a billionth, a hair either side of them, the ends and what lies beyond them.
        let mut ps = vec![0.0, 1.0, -0.5, 1.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e-300, 1.0f64.next_down()];
        for k in (0..2_000_000u32).chain((0..1_000).map(|k| 999_999_000 + k)) {
            let half = (f64::from(k) + 0.5) / 1e9;
            ps.extend([half, half.next_up(), half.next_down(), f64::from(k) / 1e9, f64::from(k) * 4.99e-4]);
        }
        for p in ps {
            assert_eq!(to_nano(p), (p.clamp(0.0, 1.0) * 1e9).round() as u64, "{p:e}");
        }
    }

    #[test]
    fn the_costliest_step_is_the_largest_gain_worked_out_in_full() {
        let params = Params { p_fatal: [0.5; 3], first_aid_factor: 0.37, resuscitation_factor: 0.61 };
        let om = OutcomeModel { params: [params; 3], curve: webster(), doctrine_min: [10.0, 60.0, 120.0] };
        // Times before, at and after each doctrinal time, zero and never, in every order.
        let times = [0.0, 1.0 / 3.0, 9.5, 10.0, 10.5, 45.0, 60.0, 61.7, 119.5, 120.0, 200.0, 1e6, NEVER_MIN];
        for first_aid in times {
            for resuscitation in times {
                for (definitive, surgical) in times.iter().flat_map(|&s| [(s, false), (s, true)]) {
                    let c = Care { first_aid, resuscitation, definitive, surgical };
                    let base = clock_at_definitive(&c, &params);
                    // As it was written before the gains were kept: every clock in full, each time.
                    let gain = |s: usize| base - clock_at_definitive(&om.step_at_doctrine(c, s), &params);
                    let want = (0..3).fold(0, |best, s| if gain(s) > gain(best) { s } else { best });
                    assert_eq!(om.costliest_step(&c, base), want, "{c:?}");
                }
            }
        }
    }

    #[test]
    fn the_clock_is_stretched_by_each_step() {
        let p = Params { p_fatal: [1.0; 3], first_aid_factor: 0.5, resuscitation_factor: 0.25 };
        let c = Care { first_aid: 10.0, resuscitation: 30.0, definitive: 90.0, surgical: true };
        // 10 at full rate, 20 at a half, 60 at an eighth.
        assert_eq!(clock_at_definitive(&c, &p), 10.0 + 10.0 + 7.5);
        assert_eq!(death_time(&c, &p, 15.0), Some(20.0));
        assert_eq!(death_time(&c, &p, 27.5), Some(90.0));
        assert_eq!(death_time(&c, &p, 28.0), None);
        let never = Care { first_aid: NEVER_MIN, resuscitation: NEVER_MIN, definitive: NEVER_MIN, surgical: true };
        assert_eq!(death_time(&never, &p, 42.0), Some(42.0));
    }
}
