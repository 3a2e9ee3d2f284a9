//! Host-nation flight clearance: asked with each request, answered after a delay, granted or
//! denied; a denied request goes to ground units, or asks again later where the zone says so.
//!
//! Clearance is a gate before an aircraft is tasked, separate from the mission's own approval
//! (`approval_min`), which follows it. Each attempt draws its denial, its delay and the wait
//! before the next attempt from its own stream, keyed by the request and the attempt number,
//! so a zone without clearance draws nothing and keeps its results.

use super::events::Kind;
use super::streams::{Purpose, combine};
use super::{Engine, NEVER};
use crate::dist::unit;

impl Engine<'_> {
    /// Request `i` asks the host nation for flight clearance at `now`. Where its zone needs
    /// none, helicopters may be tasked at once; an answer with no delay is taken at once, so
    /// the dispatch pass that follows sees it.
    pub(super) fn ask_clearance(&mut self, i: usize, now: f64) {
        let m = self.model;
        let inc = &mut self.incidents[i];
        let Some(c) = &m.zones[inc.zone as usize].clearance else {
            inc.air_clear_t = f64::NEG_INFINITY;
            return;
        };
        let attempt = combine(inc.key, u64::from(inc.clearance_asks));
        inc.clearance_asks += 1;
        let night = usize::from(!m.daylight.is_day(now));
        let granted = unit(&mut self.keys.stream(Purpose::Clearance, attempt, 0)) >= c.denial[night];
        let delay = c.delay_min[night].sample_from(|| self.keys.stream(Purpose::Clearance, attempt, 1));
        inc.planned_clear_t = now + c.delay_min[night].mean();
        if delay == 0.0 {
            self.answer_clearance(i, granted, now);
        } else {
            self.push(now + delay, Kind::Clearance(i as u32, granted));
        }
    }

    /// The host nation's answer to request `i`'s clearance arrives at `now`.
    pub(super) fn answer_clearance(&mut self, i: usize, granted: bool, now: f64) {
        let inc = &mut self.incidents[i];
        if granted {
            inc.air_clear_t = now;
            return;
        }
        inc.air_clear_t = NEVER;
        inc.planned_clear_t = NEVER;
        let m = self.model;
        let Some(c) = &m.zones[inc.zone as usize].clearance else { return };
        // A request already lifted in full has no need to ask again.
        if let Some(retry) = &c.retry_min
            && inc.next_unassigned < inc.slot_start + inc.slot_len
        {
            let attempt = combine(inc.key, u64::from(inc.clearance_asks - 1));
            let wait = retry.sample_from(|| self.keys.stream(Purpose::Clearance, attempt, 2));
            // Planned as asked again after the mean wait and answered after the mean delay of
            // the part of the day it is asked in now.
            inc.planned_clear_t = now + retry.mean() + c.delay_min[usize::from(!m.daylight.is_day(now))].mean();
            self.push(now + wait, Kind::AskClearance(i as u32));
        }
    }
}
