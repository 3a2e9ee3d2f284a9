//! Care after tasking: on scene, to a facility, transfers onward, and the operating tables.

use super::events::{Kind, QueuedPatient};
use super::incidents::soonest_free;
use super::streams::{Purpose, combine};
use super::{Engine, Incident, NEVER, Sortie};
use crate::model::{Access, AssetGroup, Care, Delivery, Facility, Level, MIN_PER_DAY, Model};
use crate::stats::tally::{Phase, Tally, to_mmin};
use std::ops::Range;

/// Marks a transfer's key apart from any incident's.
const TRANSFER: u64 = 0x7472_616e_7366_6572;
/// Marks an onward lift's key apart from a transfer's: a casualty may have both.
const ONWARD: u64 = 0x6f6e_7761_7264;

impl Engine<'_> {
    pub(super) fn arrive_scene(&mut self, s: usize, now: f64, tally: &mut Tally) {
        let m = self.model;
        let sortie = self.sorties[s].clone();
        let g = self.units[sortie.unit as usize].group as usize;
        let a = &m.assets[g];
        let inc = &self.incidents[sortie.incident as usize];
        let (zone, transfer, onward, access) = (inc.zone as usize, inc.transfer, inc.onward, inc.access);
        let access = &access;
        let carried = sortie.slot_start as usize..(sortie.slot_start + sortie.slot_len) as usize;
        let on_scene = a.on_scene_min.sample_from(|| self.keys.stream(Purpose::Scene, sortie.key, 0));
        if !transfer && !onward {
            // Its first-aider stays behind: one who has not started on it by then never will.
            for &c in &self.slots[carried.clone()] {
                self.casualties[c as usize].left_scene_t = now + on_scene;
            }
            self.first_aid_on_scene(a, sortie.incident as usize, now, carried.clone(), now + on_scene);
        }
        let surgical = self.slots[carried.clone()].iter().any(|&c| self.casualties[c as usize].needs_surgery);
        let (f, to_facility) = self.destination(
            g,
            sortie.incident as usize,
            surgical && (transfer || a.delivers_to != Delivery::Nearest),
            now,
            now + on_scene,
        );
        let fac = &m.facilities[f];
        let at_facility = now + on_scene + to_facility;
        // An onward lift ends on landing at the Level 3: the patient has had its operation.
        let handover = if surgical && !onward {
            fac.handover_min.sample_from(|| self.keys.stream(Purpose::Handover, sortie.key, 0))
        } else {
            0.0
        };
        // Advanced care starts with a team aboard or at the facility; DCR (blood) only with a DCR
        // team or at a DCR facility. The team reaches the casualty before the facility does, so
        // each is the earlier of the two; on a transfer, also of what the casualty already had.
        let team = a.medical_team.then_some(a.team_care);
        // (advanced care, DCR) at the facility, and from the team for those in its care.
        let by_facility = (at_facility, if fac.care == Care::Dcr { at_facility } else { NEVER });
        let by_team =
            (if team.is_some() { now } else { at_facility }, if team == Some(Care::Dcr) { now } else { by_facility.1 });
        // The team starts care for as many casualties as it has hands (`team_size`; by default
        // every one it carries), most severe first; the others it carries get it at the facility.
        let hands = match a.team_size {
            0 => sortie.slot_len,
            n => n,
        };
        for (k, &c) in self.slots[carried.clone()].iter().enumerate() {
            let c = &mut self.casualties[c as usize];
            if onward {
                // Its care and the chain's phases ended with its operation; only arrival counts.
                c.level3_t = at_facility;
                continue;
            }
            let in_team_care = (k as u32) < hands;
            if !transfer {
                c.picked_up = true;
                // A team on scene may already have started on this casualty on an earlier lift.
                // Its care starts the hour's step where it is DCR, or any advanced care counts.
                c.resus_on_scene |=
                    in_team_care && (team == Some(Care::Dcr) || (team.is_some() && m.resuscitation_counts_als));
            }
            let (als_t, dcr_t) = if in_team_care { by_team } else { by_facility };
            if transfer && c.hour_cause == super::record::NO_CAUSE {
                // A team aboard the transfer starting the hour's care at the clinic: a miss lies in
                // the chain until it got there, not in the flight that follows.
                let starts = if m.resuscitation_counts_als { als_t } else { dcr_t };
                if starts == now && c.hour_t(m.resuscitation_counts_als) > now {
                    c.hour_cause = super::record::cause_so_far(c.phase_min, m.origin) as u8;
                }
            }
            c.als_t = c.als_t.min(als_t);
            c.resus_t = c.resus_t.min(dcr_t);
            c.phase_min[Phase::OnScene as usize] += on_scene;
            c.phase_min[Phase::TravelToFacility as usize] += to_facility;
            if c.needs_surgery {
                c.phase_min[Phase::Handover as usize] += handover;
            }
        }
        if !transfer && a.medical_team && hands > sortie.slot_len {
            // The lift's phases, as its first casualty carried has them (its first lift).
            let lift = self.casualties[self.slots[carried.start] as usize].phase_min;
            let cause = super::record::hour_cause(lift, true, m.origin) as u8;
            self.treat_on_scene(sortie.incident as usize, hands - sortie.slot_len, a.team_care, now, cause);
        }
        self.sorties[s].facility = f as u32;
        if onward {
            // Delivered to Level 3: nothing more to arrange.
        } else if surgical && fac.surgery {
            self.inbound[f] +=
                self.slots[carried.clone()].iter().filter(|&&c| self.casualties[c as usize].needs_surgery).count()
                    as u32;
            self.push(at_facility + handover, Kind::PatientsReady(s as u32));
        } else if surgical {
            self.request_transfer(zone, f, carried, at_facility + handover);
        }
        let back = a.travel_min(m.facility_to_base_km[f][g], access);
        let leave_t = at_facility + a.turnaround_min.sample_from(|| self.keys.stream(Purpose::Scene, sortie.key, 1));
        let free_t = self.home_t(a, leave_t, back);
        // A unit is busy from tasking until it is back at base; utilisation counts the period only.
        tally.asset_busy_mmin[g] += to_mmin(m.clip_to_period(free_t) - m.clip_to_period(sortie.tasked_t));
        self.note_busy(g, m.clip_to_period(sortie.tasked_t), m.clip_to_period(free_t));
        tally.sorties[g] += 1;
        self.units[sortie.unit as usize].free_at = free_t;
        self.push(free_t, Kind::UnitFree(sortie.unit));
    }

    /// When a unit leaving a facility at `leave_t` is back at base after a return leg of `back`
    /// minutes. A day-only aircraft that could not land at base by dusk stays the night where
    /// it landed its casualties and flies back at dawn.
    pub(super) fn home_t(&self, a: &AssetGroup, leave_t: f64, back: f64) -> f64 {
        let daylight = &self.model.daylight;
        if !a.day_only() || back == 0.0 || daylight.flight_fits(leave_t, back) {
            leave_t + back
        } else {
            daylight.next_dawn(leave_t) + back
        }
    }

    /// A team with hands to spare starts care on scene for up to `spare` casualties it does not
    /// carry, most severe first among those still waiting there and not yet in its care. Where
    /// that care starts the hour's step, a miss of the hour is put down to `cause`, the phase of
    /// the team's lift that took longest, not to the later lift that carries the casualty.
    fn treat_on_scene(&mut self, i: usize, spare: u32, care: Care, now: f64, cause: u8) {
        let starts_hour = care == Care::Dcr || self.model.resuscitation_counts_als;
        let inc = &self.incidents[i];
        let mut left = spare;
        for slot in inc.slot_start..inc.slot_start + inc.slot_len {
            if left == 0 {
                break;
            }
            let c = &mut self.casualties[self.slots[slot as usize] as usize];
            let started = if care == Care::Dcr { c.resus_t } else { c.als_t };
            if c.picked_up || started <= now {
                continue;
            }
            c.als_t = c.als_t.min(now);
            if care == Care::Dcr {
                c.resus_t = c.resus_t.min(now);
            }
            if starts_hour {
                c.hour_cause = cause;
            }
            left -= 1;
        }
    }

    /// Casualties delivered to a facility that cannot operate wait there, stabilised, for a
    /// second lift to a surgical facility: a new request, queued like any other.
    pub(super) fn request_transfer(&mut self, zone: usize, f: usize, carried: Range<usize>, request_t: f64) {
        let m = self.model;
        let slot_start = self.slots.len() as u32;
        let request = self.incidents.len() as u32;
        for i in carried {
            let c = self.slots[i];
            let cas = &mut self.casualties[c as usize];
            if cas.needs_surgery {
                self.slots.push(c);
                cas.transfer_asked_t = request_t;
                cas.transfer = request;
                // Where its hour's care began before the transfer (on scene or at the clinic), a
                // miss of the hour lies in the chain so far: the transfer's legs come after.
                if cas.hour_cause == super::record::NO_CAUSE && cas.hour_t(m.resuscitation_counts_als) <= request_t {
                    cas.hour_cause = super::record::hour_cause(cas.phase_min, cas.resus_on_scene, m.origin) as u8;
                }
            }
        }
        self.request_lift(zone, f, slot_start, false, request_t);
    }

    /// An operated casualty fit to move at `request_t` needs a lift from facility `f` to a
    /// Level 3: a request of its own, queued like any other and served by the same units.
    fn request_onward(&mut self, f: usize, c: u32, request_t: f64) {
        let zone = self.incidents[self.casualties[c as usize].incident as usize].zone as usize;
        let slot_start = self.slots.len() as u32;
        self.slots.push(c);
        self.request_lift(zone, f, slot_start, true, request_t);
    }

    /// Queues a lift from facility `f` of the casualties in `slots[slot_start..]`, at
    /// `request_t`: a transfer to surgery, or an onward lift to Level 3.
    fn request_lift(&mut self, zone: usize, f: usize, slot_start: u32, onward: bool, request_t: f64) {
        let i = self.incidents.len() as u32;
        let fac = &self.model.facilities[f];
        // Named by the first casualty it moves: a casualty is transferred to surgery at most
        // once (a transfer always goes to a facility that operates) and moved onward at most
        // once (only from below Level 3, to a Level 3).
        let first = self.slots[slot_start as usize] as usize;
        self.incidents.push(Incident {
            key: combine(self.casualties[first].key, if onward { ONWARD } else { TRANSFER }),
            zone: zone as u16,
            access: Access {
                escort_required: self.model.sites[fac.site].escort_required,
                airstrip: self.model.sites[fac.site].airstrip,
                ..self.model.zones[zone].access
            },
            pos: fac.pos,
            wound_t: request_t,
            request_t,
            air_clear_t: NEVER,
            planned_clear_t: NEVER,
            clearance_asks: 0,
            first_aid_start: NEVER,
            first_aiders: 0,
            slot_start,
            slot_len: self.slots.len() as u32 - slot_start,
            next_unassigned: slot_start,
            transfer: true,
            onward,
        });
        self.grow_legs();
        self.push(request_t, Kind::TransferRequest(i));
    }

    pub(super) fn patients_ready(&mut self, s: usize, now: f64, tally: &mut Tally) {
        let Sortie { slot_start, slot_len, facility, .. } = self.sorties[s];
        let f = facility as usize;
        for slot in slot_start..slot_start + slot_len {
            let c = self.slots[slot as usize];
            let cas = &mut self.casualties[c as usize];
            if !cas.needs_surgery {
                continue;
            }
            cas.ready_t = now;
            self.inbound[f] -= 1;
            if self.free_tables[f] > 0 && self.ops_left[f] > 0 {
                self.free_tables[f] -= 1;
                self.start_surgery(f, c, now, tally);
            } else {
                let severity = cas.severity;
                self.table_queue[f].push(QueuedPatient { severity, ready_t: now, casualty: c });
            }
        }
    }

    pub(super) fn table_free(&mut self, f: usize, now: f64, tally: &mut Tally) {
        // A patient waiting gets the table, unless the surgical teams are done for the day.
        match self.table_queue[f].peek().filter(|_| self.ops_left[f] > 0) {
            Some(_) => {
                let p = self.table_queue[f].pop().expect("peeked");
                self.start_surgery(f, p.casualty, now, tally);
            }
            None => self.free_tables[f] += 1,
        }
    }

    /// Midnight: each facility's surgical teams may start a new day's operations, on the
    /// patients who waited for them.
    pub(super) fn open_theatres(&mut self, now: f64, tally: &mut Tally) {
        for f in 0..self.ops_left.len() {
            self.ops_left[f] = self.model.facilities[f].operations_per_day;
            while self.free_tables[f] > 0 && self.ops_left[f] > 0 {
                let Some(p) = self.table_queue[f].pop() else { break };
                self.free_tables[f] -= 1;
                self.start_surgery(f, p.casualty, now, tally);
            }
        }
    }

    /// Puts casualty `c` on a table at facility `f` that the caller has already taken.
    pub(super) fn start_surgery(&mut self, f: usize, c: u32, now: f64, tally: &mut Tally) {
        let m = self.model;
        let cas = &mut self.casualties[c as usize];
        cas.surgery_t = now;
        cas.phase_min[Phase::WaitTable as usize] = now - cas.ready_t;
        let end = now + m.facilities[f].surgery_min.sample_from(|| self.keys.stream(Purpose::Surgery, cas.key, 0));
        tally.table_busy_mmin[f] += to_mmin(m.clip_to_period(end) - m.clip_to_period(now));
        self.note_busy(m.assets.len() + f, m.clip_to_period(now), m.clip_to_period(end));
        tally.operations[f] += 1;
        let in_period = (m.warmup_min..m.period_end_min()).contains(&now);
        tally.operations_in_period[f] += u64::from(in_period);
        self.ops_left[f] -= 1;
        // The day's operations are reset at each midnight, so this is once a day at most.
        tally.days_operations_spent[f] += u64::from(in_period && self.ops_left[f] == 0);
        self.push(end, Kind::TableFree(f as u32));
        // The "+2": operated below Level 3, the casualty goes on once fit to move. Its post-op
        // delay has its own stream, so turning this on moves no draw of the other steps.
        let cas = &mut self.casualties[c as usize];
        if let Some(on) = &m.onward
            && m.facilities[f].level != Level::Level3
            && on.applies_to[cas.severity as usize]
        {
            cas.surgery_end_t = end;
            cas.onward_ready_t = end + on.post_op_min.sample_from(|| self.keys.stream(Purpose::PostOp, cas.key, 0));
            let ready = cas.onward_ready_t;
            self.request_onward(f, c, ready);
        }
    }
}

/// What a lift's destination must offer: a Level 3 (an onward lift), an operation, or
/// resuscitation. Indexes each group's list of facilities in [`Engine::destinations`].
#[derive(Debug, Clone, Copy)]
pub(super) enum Need {
    Level3 = 0,
    Operation = 1,
    Resuscitation = 2,
}

/// For each asset group and [`Need`], the facilities it may end a lift at, in file order: what
/// [`Engine::destination`] chooses among. Fixed by the model, so worked out once rather than on
/// every destination asked for (a sector with one surgical hospital has one candidate, not all
/// of its facilities).
pub(super) fn destination_lists(model: &Model) -> Vec<[Vec<u32>; 3]> {
    model
        .assets
        .iter()
        .map(|a| {
            [Need::Level3, Need::Operation, Need::Resuscitation].map(|need| {
                let fits = |f: &Facility| match need {
                    Need::Level3 => f.level == Level::Level3,
                    Need::Operation => f.surgery,
                    Need::Resuscitation => f.resuscitation,
                };
                (0..model.facilities.len() as u32)
                    .filter(|&f| fits(&model.facilities[f as usize]) && a.lands_at(&model.facilities[f as usize]))
                    .collect()
            })
        })
        .collect()
}

impl Engine<'_> {
    /// First aid as the crew of group `a` reaches incident `i` at `now`, leaving at `leave_t`
    /// with the casualties in `carried` (slots, whose `left_scene_t` is set). A crew with no
    /// `first_aid_crew` starts on every casualty still on scene at once; one with
    /// `first_aid_crew` members gives it one casualty at a time, most severe first, each
    /// casualty still on scene whom nobody has started on going to the crew member free soonest,
    /// unless a first-aider will start on it before then, or the crew has left without it (one
    /// it carries it may treat on the way), each taking the crew's `first_aid_each_min`, the
    /// casualty's own draw, as a first-aider's would be.
    ///
    /// The first-aiders on scene keep to triage order but pass over a casualty that is gone, or
    /// that a crew on scene has taken into its plan, by the time they would reach it, and go
    /// on to the next: their plan is worked out again from the incident's start, with the same
    /// draws. A crew's plan stands once made: a first-aider who comes free before the crew
    /// member a casualty was left to goes on to the one behind it rather than take it back (the
    /// two get the same start times between them as if they swapped, where taking it back would
    /// leave the crew member's time spent and those behind waiting longer). Only starts from
    /// `now` on can change (a casualty is passed over only from when a lift takes it or a crew
    /// takes it into its plan), so a lift that finds the first-aiders already started on every
    /// casualty leaves their plan alone. (With first-aiders of different speeds, passing one
    /// casualty over can still move a later one back: the soonest free takes the next.)
    fn first_aid_on_scene(&mut self, a: &AssetGroup, i: usize, now: f64, carried: Range<usize>, leave_t: f64) {
        let inc = &self.incidents[i];
        let slots = inc.slot_start as usize..(inc.slot_start + inc.slot_len) as usize;
        let (aiders, start, z, key) = (usize::from(inc.first_aiders), inc.first_aid_start, inc.zone as usize, inc.key);
        if a.first_aid_crew == 0 {
            for &c in &self.slots[slots.clone()] {
                let c = &mut self.casualties[c as usize];
                if !c.picked_up {
                    c.crew_aid_t = c.crew_aid_t.min(now);
                    c.crew_booked_t = c.crew_booked_t.min(now);
                }
            }
        }
        let replan =
            aiders > 0 && self.slots[slots.clone()].iter().any(|&c| self.casualties[c as usize].first_aider_t >= now);
        if !replan && a.first_aid_crew == 0 {
            return;
        }
        if replan {
            self.aider_tiers(z, key, aiders);
            self.aider_free.clear();
            self.aider_free.resize(aiders, start);
        }
        self.crew_free.clear();
        self.crew_free.resize(a.first_aid_crew as usize, now);
        let model = self.model;
        let zone = &model.zones[z];
        for (slot, &c) in slots.clone().zip(&self.slots[slots]) {
            let c = &mut self.casualties[c as usize];
            // When a first-aider would reach it in triage order (the one free soonest, ties to
            // the first), and whether it is still there then with nobody started on it. Without
            // a new plan, the one made before holds.
            let (j, reach) = if replan {
                let j = soonest_free(&self.aider_free);
                (j, self.aider_free[j])
            } else {
                (0, c.first_aider_t)
            };
            let mut aider_treats = reach < c.left_scene_t && reach < c.crew_booked_t;
            // This crew's hands, for one not carried off by an earlier lift (whose crew has it).
            if !c.picked_up && a.first_aid_crew > 0 {
                c.crew_on_scene_t = c.crew_on_scene_t.min(now);
                let k = soonest_free(&self.crew_free);
                let free = self.crew_free[k];
                let first = if aider_treats { reach } else { c.crew_aid_t };
                if free < first && free < c.crew_aid_t && (free < leave_t || carried.contains(&slot)) {
                    c.crew_aid_t = free;
                    c.crew_booked_t = c.crew_booked_t.min(now);
                    self.crew_free[k] +=
                        a.first_aid_each_min.sample_from(|| self.keys.stream(Purpose::FirstAid, c.key, 0));
                    aider_treats = false;
                }
            }
            if replan {
                c.first_aider_t = reach;
                if aider_treats {
                    self.aider_free[j] += zone
                        .aider_each_min(self.aider_tier[j])
                        .sample_from(|| self.keys.stream(Purpose::FirstAid, c.key, 0));
                }
            }
        }
    }

    /// The facilities group `g` may end a lift that needs `need` at, in file order.
    #[inline]
    pub(super) fn destinations(&self, g: usize, need: Need) -> &[u32] {
        &self.destinations[g][need as usize]
    }

    /// Whether group `g` can land at any Level 3: only such groups take an onward lift.
    pub(super) fn reaches_level3(&self, g: usize) -> bool {
        !self.destinations(g, Need::Level3).is_empty()
    }

    /// Where a lift leaving incident `i`'s place at `leave_t` (deciding at `now`) takes its
    /// casualties, and the minutes to get there: the nearest facility, by this asset's travel
    /// time, that can operate (when `needs_table`) or resuscitate; with `delivers_to =
    /// "soonest"`, among those that operate, the one expected to start the operation first; for
    /// an onward lift, the nearest Level 3 the asset lands at. Validation guarantees one exists
    /// (for an onward lift, dispatch sends only groups that can land at a Level 3).
    pub(super) fn destination(&self, g: usize, i: usize, needs_table: bool, now: f64, leave_t: f64) -> (usize, f64) {
        let a = &self.model.assets[g];
        let onward = self.incidents[i].onward;
        let queue_aware = needs_table && !onward && a.delivers_to == Delivery::Soonest;
        let need = if onward {
            Need::Level3
        } else if needs_table {
            Need::Operation
        } else {
            Need::Resuscitation
        };
        let (mut best, mut best_t, mut best_travel) = (0, NEVER, NEVER);
        // Without queues, the nearest by travel time: a group's travel time never falls as the
        // distance grows, so a facility no nearer than the best so far cannot take its place
        // (only a strictly shorter time does) and its leg need not be worked out.
        let mut best_km = NEVER;
        for &fi in self.destinations(g, need) {
            let fi = fi as usize;
            let km = self.facility_km(i, fi);
            if !queue_aware && km >= best_km {
                continue;
            }
            let travel = self.facility_leg_min(i, g, fi);
            let t = if queue_aware {
                let f = &self.model.facilities[fi];
                let ready = leave_t + travel + f.handover_min.mean();
                ready + self.theatre_wait(fi, now, ready)
            } else {
                travel
            };
            if t < best_t {
                (best, best_t, best_travel, best_km) = (fi, t, travel, km);
            }
        }
        (best, best_travel)
    }

    /// Expected minutes a patient ready at `ready_t` waits for an operation at facility `f`,
    /// from what the facility holds at `now`: the patients queued ahead, the tables in use
    /// (each taken as half through a mean operation) and the operations left, today's and a
    /// whole day's for each midnight before `ready_t`, after which the queue waits for the next
    /// midnight.
    fn theatre_wait(&self, f: usize, now: f64, ready_t: f64) -> f64 {
        let fac = &self.model.facilities[f];
        let ahead = (self.table_queue[f].len() as u32 + self.inbound[f]) as f64;
        let tables = f64::from(fac.tables.max(1));
        let busy = f64::from(fac.tables - self.free_tables[f]);
        let mean_op = fac.surgery_min.mean();
        let table_wait = if ahead == 0.0 && self.free_tables[f] > 0 {
            0.0
        } else {
            ((ahead + busy / 2.0) / tables * mean_op - (ready_t - now)).max(0.0)
        };
        // A patient ready after a midnight finds that day's operations as well as what is left
        // of today's.
        let per_day = f64::from(fac.operations_per_day.max(1));
        let ready_day = (ready_t / MIN_PER_DAY).floor();
        let midnights = (ready_day - (now / MIN_PER_DAY).floor()).max(0.0);
        let left = f64::from(self.ops_left[f]) + per_day * midnights;
        if ahead < left {
            return table_wait;
        }
        // The operations up to its day are spoken for: wait for the next midnight, and whole
        // days more while the queue ahead needs them.
        let days = ((ahead - left) / per_day).floor();
        ((ready_day + 1.0) * MIN_PER_DAY - ready_t + days * MIN_PER_DAY).max(table_wait)
    }
}
