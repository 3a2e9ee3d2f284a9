//! Dispatch: the waiting queue, which unit to send, and tasking it.

use super::care::Need;
use super::events::Kind;
use super::streams::{Purpose, combine};
use super::{Engine, NEVER, Sortie};
use crate::model::{Access, AssetGroup, Delivery, Dispatch, Moment};
use crate::stats::tally::Phase;

/// Waiting requests a dispatch pass weighs whole even after a fruitless one (see
/// [`Engine::dispatch`]).
pub(super) const SHORT_QUEUE: usize = 32;

impl Engine<'_> {
    /// A waiting request's place in the queue: the severity of its most severe casualty still
    /// without an asset, then the request time, then its index (so the order is total).
    pub(super) fn priority(&self, i: u32) -> (u8, f64, u32) {
        let inc = &self.incidents[i as usize];
        (self.casualties[self.slots[inc.next_unassigned as usize] as usize].severity, inc.request_t, i)
    }

    /// Puts a request into the waiting queue, which is kept sorted by priority so that
    /// dispatching never re-sorts it: an overloaded system may hold thousands of requests.
    pub(super) fn enqueue(&mut self, i: u32) {
        let at = self.queue_place(i);
        self.waiting.insert(at, i);
        self.fresh.push(i);
    }

    /// Where request `i` belongs in the waiting queue (where it is, if it waits).
    fn queue_place(&self, i: u32) -> usize {
        let (sev, t, idx) = self.priority(i);
        self.waiting.partition_point(|&x| {
            let (s, tx, ix) = self.priority(x);
            s.cmp(&sev).then(tx.total_cmp(&t)).then(ix.cmp(&idx)).is_lt()
        })
    }

    /// Whether any unit could be sent at `now`: idle, serviceable, not grounded, and not a
    /// day-only aircraft that could not even depart before dusk. Without one, a dispatch pass
    /// cannot assign anything.
    pub(super) fn any_unit_ready(&self, now: &Moment) -> bool {
        self.model.assets.iter().enumerate().any(|(g, a)| {
            // Approval and launch alone (no escort, no flight) bound a day-only aircraft's
            // sortie below: if they do not fit before dusk, the whole sortie cannot.
            !self.grounded[g]
                && (!a.day_only() || now.flight_fits(self.least_departure_min[g]))
                && self.units[self.group_start[g]..self.group_start[g + 1]].iter().any(|u| u.idle && u.serviceable)
        })
    }

    /// Gives idle assets to waiting requests, most severe first, then oldest first. With best
    /// arrival, a request may instead wait for a unit that is busy or cannot go yet; that unit
    /// is then held for it, and the requests behind it in the pass weigh only the others, as a
    /// dispatcher who has promised a returning helicopter to one casualty plans the next with
    /// what is left.
    ///
    /// With first idle, a pass that finds no unit for any waiting request is remembered: until a
    /// unit is back, a clock tick, or a change of daylight (day or night, flying hours or not),
    /// no waiting request can be served, so the passes that new requests start weigh only those
    /// enqueued since (in the same order a whole pass would reach them). The clock alone only
    /// narrows what an idle unit can do: a day-only flight that does not land by dusk now will
    /// not later that day, and the nearest hospital does not move (delivery to the soonest
    /// operation, which does, is never remembered). After a tasking the pass weighs every
    /// request behind it, as a whole pass does. (With best arrival nothing is remembered: a
    /// fresh request may wait for a unit and so change what every request behind it weighs.)
    pub(super) fn dispatch(&mut self, now: f64) {
        if self.waiting.is_empty() {
            return;
        }
        self.draw_day();
        // The daylight of this instant, which every candidate unit of every request asks about.
        let now = self.model.daylight.at(now);
        // Only a ready unit can be sent, so the pass ends when none is left; only a tasking
        // changes whether one is.
        let mut ready = self.any_unit_ready(&now);
        if !ready {
            return;
        }
        // (Day-only flight may begin a hair after the dawn tick that the clock takes: the
        // daylight's own flags are part of the state.)
        let state = (self.events_seen, now.day, now.fly);
        self.passes += 1;
        let (mut w, mut assigned) = (0, false);
        // (A short queue is weighed whole: cheaper than sorting out its fresh requests.)
        if self.waiting.len() > self.short_queue && self.fruitless == Some(state) {
            match self.serve_fresh(&now, &mut ready) {
                // The pass goes on as a whole pass would from there (the fresh ones behind are
                // in it).
                Some(next) => (w, assigned) = (next, true),
                None => {
                    self.fresh.clear();
                    return;
                }
            }
        }
        while w < self.waiting.len() && ready {
            let (served, next) = self.serve(w, &now, &mut ready);
            assigned |= served;
            w = next;
        }
        // Weighed now, or (after a tasking) to be weighed by the next whole pass.
        self.fresh.clear();
        self.fruitless = (!assigned && self.model.dispatch == Dispatch::FirstIdle).then_some(state);
    }

    /// After a fruitless pass, weighs the fresh requests in queue order (one lifted in full
    /// since it was enqueued waits no more; one enqueued twice, by a partial lift, is weighed
    /// once) until one is served; returns the place in the queue after it, or `None` if none
    /// was. Apart from the whole pass, which the engine's usual short queues take.
    #[inline(never)]
    fn serve_fresh(&mut self, now: &Moment, ready: &mut bool) -> Option<usize> {
        #[cfg(test)]
        {
            self.fresh_passes += 1;
        }
        let mut fresh = std::mem::take(&mut self.fresh);
        fresh.retain(|&i| {
            let inc = &self.incidents[i as usize];
            inc.next_unassigned < inc.slot_start + inc.slot_len
        });
        fresh.sort_unstable_by_key(|&i| self.queue_place(i));
        fresh.dedup();
        self.fresh = fresh;
        for k in 0..self.fresh.len() {
            if !*ready {
                break;
            }
            let i = self.fresh[k];
            let w = self.queue_place(i);
            debug_assert_eq!(self.waiting[w], i, "a fresh request waits");
            if let (true, next) = self.serve(w, now, ready) {
                return Some(next);
            }
        }
        None
    }

    /// Gives waiting request `w` every unit it can have now, and holds for it the unit it waits
    /// for, if any; returns whether it had any, and the place in the queue of the next request
    /// to weigh.
    #[inline(always)]
    fn serve(&mut self, w: usize, now: &Moment, ready: &mut bool) -> (bool, usize) {
        let i = self.waiting[w] as usize;
        let mut assigned = false;
        while let Some((u, goes_now)) = self.best_unit(i, now) {
            if !goes_now {
                self.units[u].held = (self.passes, i as u32);
                break;
            }
            self.assign(u, i, now.t);
            assigned = true;
            let inc = &self.incidents[i];
            if inc.next_unassigned == inc.slot_start + inc.slot_len {
                break;
            }
        }
        if assigned {
            *ready = self.any_unit_ready(now);
        }
        let inc = &self.incidents[i];
        if inc.next_unassigned == inc.slot_start + inc.slot_len {
            self.waiting.remove(w);
            (assigned, w)
        } else if assigned {
            // Its most severe casualties have gone: it may now rank lower, never higher.
            self.waiting.remove(w);
            self.enqueue(i as u32);
            (true, if self.waiting[w] as usize == i { w + 1 } else { w })
        } else {
            (false, w + 1)
        }
    }

    /// The unit for request `i`, planning with mean delays, and whether it goes now: among
    /// serviceable, ungrounded units allowed in the zone, the one expected to reach the incident
    /// first (for a transfer: to deliver to surgery first). With the first-idle policy only idle
    /// units that can launch now count; with best-arrival, busy units (from their planned
    /// return) and day-only aircraft (from sunrise) count too, unless held for another request
    /// in this pass, and if one of them is best the request waits for it.
    // (Inlined into each pass, as `assign` is: see there.)
    #[inline(always)]
    pub(super) fn best_unit(&self, i: usize, moment: &Moment) -> Option<(usize, bool)> {
        let m = self.model;
        let now = moment.t;
        let inc = &self.incidents[i];
        let access = &inc.access;
        let wait_for_better = m.dispatch == Dispatch::BestArrival;
        // The most severe casualty still to lift decides which groups may take the lift.
        let next = self.casualties[self.slots[inc.next_unassigned as usize] as usize].severity as usize;
        // (planned arrival, ready now, unit): the earliest wins, then one ready now.
        let mut best: Option<(f64, bool, usize)> = None;
        // First idle weighs groups from the shortest planned departure up, so that once one
        // would arrive before any later group could even depart, the rest are passed over;
        // best arrival weighs them in file order.
        let order = if wait_for_better {
            &self.file_order
        } else {
            &self.departure_order[usize::from(!moment.day)][usize::from(access.escort_required)]
        };
        for &g in order {
            let g = g as usize;
            let a = &m.assets[g];
            if !a.can_serve(access) || self.grounded[g] || !a.lifts[next] {
                continue;
            }
            if inc.onward && !self.reaches_level3(g) {
                continue;
            }
            // No flight without the host nation's clearance. First idle sends only what can go
            // now; best arrival weighs an aircraft from when it expects the clearance, and never
            // after a denial that stands.
            let cleared = !a.flies() || inc.air_clear_t <= now;
            if !cleared && (!wait_for_better || inc.planned_clear_t == NEVER) {
                continue;
            }
            if !wait_for_better {
                // First idle: only a unit that departs now counts, and a day-only aircraft that
                // could not even finish its departure by dusk cannot (its flight only adds to
                // that): such a group has no candidate, and its planned flight need not be
                // worked out.
                let departure = self.departure_min[g][usize::from(!moment.day)][usize::from(access.escort_required)];
                if a.day_only() && !moment.flight_fits(departure) {
                    continue;
                }
                // The group's first idle unit stands for all its idle units, and it can only go
                // now, arriving after the departure and the leg. The earliest wins, and of
                // equals the first in file order (units are numbered in file order), as if the
                // groups were weighed in file order. A day-only aircraft must also have landed
                // its casualties by dusk, which needs its planned flight to the facility: worked
                // out only for a group that would arrive first.
                if best.is_some_and(|(t, _, _)| now + departure > t) {
                    break;
                }
                let Some(u) = (self.group_start[g]..self.group_start[g + 1])
                    .find(|&u| self.units[u].idle && self.units[u].serviceable)
                else {
                    continue;
                };
                let planned = now + departure + self.lift_leg_min(i, g);
                if best.is_some_and(|(t, _, bu)| planned > t || (planned == t && u > bu)) {
                    continue;
                }
                if a.day_only() && !moment.flight_fits(departure + self.planned_flight_min(g, i, now)) {
                    continue;
                }
                best = Some((planned, true, u));
                continue;
            }
            // Best arrival: busy units count from their planned return, an aircraft awaiting
            // clearance from when it is expected (a request may wait for it as for a busy
            // unit), and a day-only aircraft that cannot land by dusk from the next dawn. The
            // flight is worked out once a candidate unit is found.
            let clear_from = if cleared { now } else { inc.planned_clear_t.max(now) };
            let mut leg: Option<f64> = None;
            let mut flight: Option<f64> = None;
            let flight_min = || if a.day_only() { self.planned_flight_min(g, i, now) } else { 0.0 };
            let mut idle_seen = false;
            for u in self.group_start[g]..self.group_start[g + 1] {
                let unit = &self.units[u];
                // Idle units of a group are interchangeable: the first one free to take stands for
                // all.
                let held_for_another = unit.held.0 == self.passes && unit.held.1 != i as u32;
                if !unit.serviceable || held_for_another || (unit.idle && idle_seen) {
                    continue;
                }
                idle_seen |= unit.idle;
                let free_t = if unit.idle { now } else { unit.free_at };
                let from = if free_t >= clear_from {
                    if unit.idle { *moment } else { m.daylight.at(free_t) }
                } else {
                    m.daylight.at(clear_from)
                };
                let flight = *flight.get_or_insert_with(flight_min);
                let Some((start, pre)) = self.earliest_launch(g, access, &from, flight) else { continue };
                let ready = unit.idle && cleared && start == now;
                let planned = start + pre + *leg.get_or_insert_with(|| self.lift_leg_min(i, g));
                if best.is_none_or(|(t, r, _)| planned < t || (planned == t && ready && !r)) {
                    best = Some((planned, ready, u));
                }
            }
        }
        best.map(|(_, ready, u)| (u, ready))
    }

    /// Planned minutes from group `g`'s base to incident `i`, and for a transfer on to where it
    /// delivers: a transfer is judged by when it delivers (to surgery, or onward to Level 3),
    /// not when it arrives.
    #[inline(always)]
    fn lift_leg_min(&self, i: usize, g: usize) -> f64 {
        let mut leg = self.base_leg_min(i, g);
        let inc = &self.incidents[i];
        if inc.transfer {
            let need = if inc.onward { Need::Level3 } else { Need::Operation };
            leg += self.model.assets[g].on_scene_min.mean()
                + self
                    .destinations(g, need)
                    .iter()
                    .map(|&f| self.facility_leg_min(i, g, f as usize))
                    .fold(NEVER, f64::min);
        }
        leg
    }

    /// When a unit free from `from` can start its pre-departure delays, and their planned
    /// length: at once, or for a day-only aircraft whose departure and `flight` (to the
    /// facility where it lands) would not end by dusk, at the next dawn. None if even a sortie
    /// started at dawn would not end by dusk: such a lift is never flown by this group.
    pub(super) fn earliest_launch(&self, g: usize, access: &Access, from: &Moment, flight: f64) -> Option<(f64, f64)> {
        if from.t == NEVER {
            return None;
        }
        let a = &self.model.assets[g];
        let daylight = &self.model.daylight;
        let pre = |at: &Moment| self.departure_min[g][usize::from(!at.day)][usize::from(access.escort_required)];
        if !a.day_only() || from.flight_fits(pre(from) + flight) {
            return Some((from.t, pre(from)));
        }
        let dawn = daylight.at(daylight.next_dawn(from.t));
        dawn.flight_fits(pre(&dawn) + flight).then(|| (dawn.t, pre(&dawn)))
    }

    /// Planned minutes from departure until a lift of incident `i`'s next casualties by group
    /// `a` lands at the facility it would deliver to: travel, mean on-scene time, travel on.
    fn planned_flight_min(&self, g: usize, i: usize, now: f64) -> f64 {
        let a = &self.model.assets[g];
        let to_scene = self.base_leg_min(i, g);
        let leave_t = now + to_scene + a.on_scene_min.mean();
        let needs_table = self.lift_slots(a, i).1;
        let (_, on) = self.destination(g, i, needs_table, now, leave_t);
        to_scene + a.on_scene_min.mean() + on
    }

    /// How many of incident `i`'s casualties group `a` would take now (from its next one), and
    /// whether the lift then goes to a facility that operates.
    fn lift_slots(&self, a: &AssetGroup, i: usize) -> (u32, bool) {
        let inc = &self.incidents[i];
        let end = inc.slot_start + inc.slot_len;
        // The casualties still to lift, most severe first, as far as the group lifts their
        // category: a helicopter that lifts only urgent ones leaves the routine to a ground move.
        let liftable = self.slots[inc.next_unassigned as usize..end as usize]
            .iter()
            .take_while(|&&c| a.lifts[self.casualties[c as usize].severity as usize])
            .count() as u32;
        let take = a.stretchers.min(liftable);
        let carried = &self.slots[inc.next_unassigned as usize..(inc.next_unassigned + take) as usize];
        let surgical = carried.iter().any(|&c| self.casualties[c as usize].needs_surgery);
        (take, surgical && (inc.transfer || a.delivers_to != Delivery::Nearest))
    }

    // (Inlined into each pass, as it was before passes had a fresh-only form: 1% of a trial.)
    #[inline(always)]
    pub(super) fn assign(&mut self, u: usize, i: usize, now: f64) {
        let m = self.model;
        let g = self.units[u].group as usize;
        let a = &m.assets[g];
        let inc = &self.incidents[i];
        let access = inc.access;
        let access = &access;
        // The lift of this incident's next casualties by this group: the same delays whichever
        // of the group's units flies it, each delay from its own stream.
        let key = combine(combine(inc.key, u64::from(inc.next_unassigned - inc.slot_start)), self.group_key[g]);
        let draw = |quantity| self.keys.stream(Purpose::Tasking, key, quantity);
        let approval = a.approval_min.sample_from(|| draw(0));
        let launch =
            if m.daylight.is_day(now) { &a.launch_day_min } else { &a.launch_night_min }.sample_from(|| draw(1));
        let escort = if access.escort_required { a.escort_min.sample_from(|| draw(2)) } else { 0.0 };
        let travel = self.base_leg_min(i, g);
        let (take, needs_table) = self.lift_slots(a, i);
        let inc = &self.incidents[i];
        let slot_start = inc.next_unassigned;
        let request_t = inc.request_t;
        // Waiting for the host nation's clearance counts with approval, not as waiting for an
        // asset: it is an authority's delay, not a shortage of aircraft.
        let clearance = if a.flies() && inc.air_clear_t.is_finite() {
            (inc.air_clear_t - request_t).clamp(0.0, now - request_t)
        } else {
            0.0
        };
        let lifted = slot_start as usize..(slot_start + take) as usize;
        if inc.onward {
            // An onward lift comes after the chain the phases describe: only its tasking is noted.
            for &c in &self.slots[lifted] {
                self.casualties[c as usize].onward_tasked_t = now;
            }
        } else {
            // Phases add up: a transferred casualty goes through the chain twice.
            for &c in &self.slots[lifted] {
                let c = &mut self.casualties[c as usize];
                c.transfer_asked_t = NEVER;
                let p = &mut c.phase_min;
                p[Phase::WaitAsset as usize] += now - request_t - clearance;
                p[Phase::Approval as usize] += clearance + approval;
                p[Phase::LaunchEscort as usize] += launch + escort;
                p[Phase::TravelToScene as usize] += travel;
            }
        }
        self.incidents[i].next_unassigned += take;
        self.units[u].idle = false;
        let on_scene_t = now + approval + launch + escort + travel;
        // Planned return, with mean delays, until the exact one is known on scene; only the
        // best-arrival dispatcher reads it.
        self.units[u].free_at = NEVER;
        if m.dispatch == Dispatch::BestArrival {
            let (f, to_facility) = self.destination(g, i, needs_table, now, on_scene_t + a.on_scene_min.mean());
            let leave_t = on_scene_t + a.on_scene_min.mean() + to_facility + a.turnaround_min.mean();
            self.units[u].free_at = self.home_t(a, leave_t, a.travel_min(m.facility_to_base_km[f][g], access));
        }
        let s = self.sorties.len() as u32;
        self.sorties.push(Sortie {
            key,
            unit: u as u32,
            incident: i as u32,
            slot_start,
            slot_len: take,
            facility: 0,
            tasked_t: now,
        });
        self.push(on_scene_t, Kind::ArriveScene(s));
    }
}
