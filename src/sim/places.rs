//! A trial's casualties by where they were wounded: what a map of the run under its own load
//! needs, and nothing the run's tally keeps.
//!
//! This is a second pass over trials the run has already simulated, made only for a report, so
//! the run's hot loop and its tally stay as they are. Each step is judged by the rule
//! [`Engine::record`] applies; `tests/coverage.rs` checks that the places, added up, give the
//! run's own counts exactly. A reach map's probes are judged by the same rule, and end as soon
//! as their verdicts are settled.

use super::{Casualty, Engine};
use crate::geo::Point;
use crate::model::{ClockOrigin, MIN_PER_DAY};
use crate::stats::Tally;
use crate::stats::tally::{Phase, to_ms};

/// One counted casualty of a trial, as the report's second pass sees it.
pub struct Place<'a> {
    /// Where it was wounded.
    pub pos: Point,
    /// For each step, `None` if the step does not count the casualty, else whether it came in time.
    pub judged: [Option<bool>; 3],
    /// Minutes in each phase of the chain it reached, in order: the phases the run's means are of.
    pub phases_min: &'a [f64],
}

impl Engine<'_> {
    /// Simulates trial `trial` exactly as [`Engine::trial`] does (adding it to `tally`), then
    /// calls `visit` with each casualty the run counts ([`Place`]).
    pub fn trial_by_place(&mut self, seed: u64, trial: u64, tally: &mut Tally, mut visit: impl FnMut(Place)) {
        self.trial(seed, trial, tally);
        let m = self.model;
        let horizon = m.horizon_min();
        for c in &self.casualties {
            let inc = &self.incidents[c.incident as usize];
            // Incidents of the warm-up competed for assets but are not counted.
            if inc.wound_t < m.warmup_min {
                continue;
            }
            let judged = self.judged(c);
            // The phases reached, as the run's tally counts them.
            let last_phase = match (c.picked_up, c.surgery_t <= horizon) {
                (false, _) => Phase::Report,
                (true, false) => Phase::TravelToFacility,
                (true, true) => Phase::WaitTable,
            };
            visit(Place { pos: inc.pos, judged, phases_min: &c.phase_min[..=last_phase as usize] });
        }
    }
}

impl Engine<'_> {
    /// When the clock of casualty `c`'s steps starts, and when it received each step (first
    /// aid, resuscitation, surgery) as far as the trial has gone.
    fn milestones(&self, c: &Casualty) -> (f64, [f64; 3]) {
        let m = self.model;
        let inc = &self.incidents[c.incident as usize];
        let origin = match m.origin {
            ClockOrigin::Wounding => inc.wound_t,
            ClockOrigin::Request => inc.request_t,
        };
        (origin, [c.first_aid_t(), c.hour_t(m.resuscitation_counts_als), c.surgery_t])
    }

    /// Whether step `step` counts casualty `c` (by its category, and surgery only if it needs it).
    fn counts(&self, c: &Casualty, step: usize) -> bool {
        self.model.applies_to[step][c.severity as usize] && (step < 2 || c.needs_surgery)
    }

    /// For each step, `None` if the step does not count casualty `c`, else whether it came in
    /// time: the rule [`Engine::record`] applies to the trial's tally.
    pub(super) fn judged(&self, c: &Casualty) -> [Option<bool>; 3] {
        let horizon = self.model.horizon_min();
        let (origin, milestones) = self.milestones(c);
        std::array::from_fn(|step| {
            let t = milestones[step];
            self.counts(c, step)
                .then(|| t <= horizon && to_ms((t - origin).max(0.0)) <= self.deadline_ms[step][c.severity as usize])
        })
    }

    /// Whether no event at `now` or later can change casualty `c`'s verdicts: each step it
    /// counts was reached by `now` (a milestone only ever moves earlier, to the time of the
    /// event that moves it), or its deadline has passed (any later milestone is late; `to_ms`
    /// never decreases).
    pub(super) fn settled(&self, c: &Casualty, now: f64) -> bool {
        let (origin, milestones) = self.milestones(c);
        let sev = c.severity as usize;
        (0..3).all(|step| {
            !self.counts(c, step)
                || milestones[step] <= now
                // Past the deadline in minutes first: `to_ms` is late only after it, and is dearer.
                || (now - origin > self.model.deadlines_min[step][sev]
                    && to_ms((now - origin).max(0.0)) > self.deadline_ms[step][sev])
        })
    }
}

impl Engine<'_> {
    /// Keeps each busy spell of the trials to come, for [`Engine::busiest_day_ms`].
    pub fn log_busy(&mut self) {
        self.busy_log = Some(Vec::new());
    }

    /// Notes a busy spell of resource `r` (see `busy_log`), when a report asked for them.
    pub(super) fn note_busy(&mut self, r: usize, start: f64, end: f64) {
        if let Some(log) = &mut self.busy_log {
            log.push((r, start, end));
        }
    }

    /// Adds to `out[r]` the busy milliseconds of resource `r` on its busiest day of the period
    /// in the trial just run (asset groups, then facilities' tables), and empties the log: what
    /// a month's mean hides when casualties come together.
    pub fn busiest_day_ms(&mut self, out: &mut [u64]) {
        let m = self.model;
        let days = (m.period_min / MIN_PER_DAY).ceil().max(1.0) as usize;
        let mut per_day = vec![0.0f64; out.len() * days];
        for &(r, start, end) in self.busy_log.iter().flatten() {
            let (mut t, end) = (start - m.warmup_min, end - m.warmup_min);
            while t < end {
                let d = ((t / MIN_PER_DAY).floor() as usize).min(days - 1);
                let day_end = ((d + 1) as f64 * MIN_PER_DAY).min(end).max(t);
                per_day[r * days + d] += day_end - t;
                if day_end <= t {
                    break;
                }
                t = day_end;
            }
        }
        for (r, o) in out.iter_mut().enumerate() {
            let busiest = per_day[r * days..(r + 1) * days].iter().fold(0.0f64, |a, &b| a.max(b));
            *o += (busiest * 60_000.0).round() as u64;
        }
        if let Some(log) = &mut self.busy_log {
            log.clear();
        }
    }
}
