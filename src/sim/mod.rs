//! One trial of the mission: incidents, dispatch, evacuation and surgery as discrete events.
//!
//! [`Engine::trial`] is a pure function of (model, seed, trial index): the trial's random stream is
//! ChaCha8 keyed by the seed, on a stream numbered by the trial, so trials can run on any thread
//! in any order. All per-trial buffers live in the engine and are reused, so after the first
//! trials the loop does not allocate.

mod events;

use crate::dist::unit;
use crate::geo::Point;
use crate::model::{
    Access, AssetGroup, AssetKind, ClockOrigin, Dispatch, MAX_CASUALTIES_PER_INCIDENT, MIN_PER_DAY, Model,
};
use crate::stats::tally::{CAUSE_FIRST_AIDER_DELAY, CAUSE_NO_FIRST_AIDER, Groups, PHASES, Phase, Tally, to_mmin};
use events::{Event, Kind, QueuedPatient};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::BinaryHeap;
use std::ops::Range;

const NEVER: f64 = f64::INFINITY;

#[derive(Debug, Clone)]
struct Incident {
    zone: u16,
    pos: Point,
    wound_t: f64,
    request_t: f64,
    /// First arrival of any evacuation asset: its crew gives first aid to everyone on scene.
    first_arrival: f64,
    /// The incident's casualties are `slots[slot_start..slot_start + slot_len]`, most severe first.
    slot_start: u32,
    slot_len: u32,
    /// Slots before this one have an asset assigned.
    next_unassigned: u32,
    /// A request to move stabilised casualties from a facility that cannot operate to one that
    /// can; `pos` is then the facility's.
    transfer: bool,
}

#[derive(Debug, Clone)]
struct Casualty {
    incident: u32,
    severity: u8,
    needs_surgery: bool,
    picked_up: bool,
    /// Resuscitated by a medical team aboard the asset that picked it up.
    resus_on_scene: bool,
    /// When the on-scene first-aider starts first aid (never when there is none).
    first_aider_t: f64,
    resus_t: f64,
    ready_t: f64,
    surgery_t: f64,
    phase_min: [f64; PHASES.len()],
}

#[derive(Debug, Clone)]
struct Sortie {
    unit: u32,
    incident: u32,
    /// The casualties carried: `slots[slot_start..slot_start + slot_len]`.
    slot_start: u32,
    slot_len: u32,
    facility: u32,
    tasked_t: f64,
}

#[derive(Debug, Clone)]
struct Unit {
    group: u32,
    idle: bool,
    serviceable: bool,
    /// When a busy unit is planned back at base; never while it is still outbound.
    free_at: f64,
}

/// A reusable simulator for one model; make one per thread.
pub struct Engine<'m> {
    model: &'m Model,
    groups: Groups,
    incidents: Vec<Incident>,
    casualties: Vec<Casualty>,
    /// Casualty indices, grouped by incident (a transfer lists a subset of a lift's casualties).
    slots: Vec<u32>,
    /// Incidents from the zones; those after are transfers created during the trial.
    originals: usize,
    sorties: Vec<Sortie>,
    heap: BinaryHeap<Event>,
    seq: u64,
    waiting: Vec<u32>,
    units: Vec<Unit>,
    /// First unit index of each asset group; units of a group are contiguous.
    group_start: Vec<usize>,
    grounded: Vec<bool>,
    free_tables: Vec<u32>,
    table_queue: Vec<BinaryHeap<QueuedPatient>>,
    /// This trial's [group][step] (n, compliant), for the between-trial spread.
    trial_counts: Vec<(u64, u64)>,
}

impl<'m> Engine<'m> {
    pub fn new(model: &'m Model) -> Engine<'m> {
        let mut units = Vec::with_capacity(model.unit_count());
        let mut group_start = Vec::with_capacity(model.assets.len() + 1);
        for (g, a) in model.assets.iter().enumerate() {
            group_start.push(units.len());
            for _ in 0..a.count {
                units.push(Unit { group: g as u32, idle: true, serviceable: true, free_at: 0.0 });
            }
        }
        group_start.push(units.len());
        let groups = Groups { zones: model.zones.len() };
        Engine {
            model,
            groups,
            incidents: Vec::new(),
            casualties: Vec::new(),
            slots: Vec::new(),
            originals: 0,
            sorties: Vec::new(),
            heap: BinaryHeap::new(),
            seq: 0,
            waiting: Vec::new(),
            units,
            group_start,
            grounded: vec![false; model.assets.len()],
            free_tables: model.facilities.iter().map(|f| f.tables).collect(),
            table_queue: vec![BinaryHeap::new(); model.facilities.len()],
            trial_counts: vec![(0, 0); groups.count() * 3],
        }
    }

    /// The random stream of trial `trial` under `seed`.
    pub fn rng(seed: u64, trial: u64) -> ChaCha8Rng {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(trial);
        rng
    }

    /// Simulates one trial and adds its outcomes to `tally`.
    pub fn trial(&mut self, seed: u64, trial: u64, tally: &mut Tally) {
        let mut rng = Self::rng(seed, trial);
        self.reset();
        self.generate_incidents(&mut rng);
        self.run_events(&mut rng, tally);
        self.record(tally);
    }

    /// Simulates a single T1 casualty who needs surgery, wounded at `pos` at a uniformly random
    /// time of the first day, with zone `zone`'s reporting, first aid and ground access, and no
    /// other incident competing for assets. Its outcome is added to `tally` under that zone.
    /// Serviceability and weather are drawn as in any trial.
    pub fn probe(&mut self, seed: u64, stream: u64, zone: usize, pos: Point, tally: &mut Tally) {
        let mut rng = Self::rng(seed, stream);
        self.reset();
        let t = unit(&mut rng) * MIN_PER_DAY.min(self.model.period_min);
        self.new_incident(zone, t, Some(pos), &mut rng);
        self.index_incidents();
        self.run_events(&mut rng, tally);
        self.record(tally);
    }

    fn reset(&mut self) {
        self.incidents.clear();
        self.casualties.clear();
        self.slots.clear();
        self.sorties.clear();
        self.heap.clear();
        self.waiting.clear();
        self.seq = 0;
        for u in &mut self.units {
            u.idle = true;
        }
        for (f, fac) in self.model.facilities.iter().enumerate() {
            self.free_tables[f] = fac.tables;
            self.table_queue[f].clear();
        }
    }

    /// Poisson arrivals per zone, with separate day and night rates, then their casualties.
    ///
    /// Arrivals of a unit-rate Poisson process are mapped through the inverse of the cumulative
    /// intensity, which is piecewise linear over each day (night, day, night). This is exact and
    /// costs one draw per incident rather than one per day segment.
    fn generate_incidents(&mut self, rng: &mut ChaCha8Rng) {
        let m = self.model;
        let (rise, set) = (m.daylight.sunrise_min, m.daylight.sunset_min);
        for (z, zone) in m.zones.iter().enumerate() {
            for &t in &zone.scheduled_min {
                self.new_incident(z, t, None, rng);
            }
            let per_day = zone.incidents_per_day;
            if per_day <= 0.0 {
                continue;
            }
            let day_rate = per_day * (1.0 - zone.night_share) / (set - rise);
            let night_rate = per_day * zone.night_share / (MIN_PER_DAY - (set - rise));
            // Cumulative intensity at sunrise and at sunset.
            let at_rise = night_rate * rise;
            let at_set = at_rise + day_rate * (set - rise);
            let mut s = 0.0;
            loop {
                s += -(1.0 - unit(rng)).ln();
                let day = (s / per_day).floor();
                let r = s - day * per_day;
                let within = if r < at_rise {
                    r / night_rate
                } else if r < at_set {
                    rise + (r - at_rise) / day_rate
                } else {
                    set + (r - at_set) / night_rate
                };
                let t = day * MIN_PER_DAY + within;
                if t >= m.period_min {
                    break;
                }
                self.new_incident(z, t, None, rng);
            }
        }
        self.index_incidents();
    }

    /// Puts the zones' incidents in request order and points each casualty at its incident.
    fn index_incidents(&mut self) {
        self.incidents.sort_unstable_by(|a, b| a.request_t.total_cmp(&b.request_t).then(a.zone.cmp(&b.zone)));
        for (i, inc) in self.incidents.iter().enumerate() {
            let r = inc.slot_start as usize..(inc.slot_start + inc.slot_len) as usize;
            for c in &mut self.casualties[r] {
                c.incident = i as u32;
            }
        }
        // Casualties were created incident by incident, so each incident's slots are its own.
        self.slots.extend(0..self.casualties.len() as u32);
        self.originals = self.incidents.len();
    }

    /// An incident of zone `z` at `wound_t`; with `probe`, instead one T1 casualty who needs
    /// surgery, at that point, for coverage maps.
    fn new_incident(&mut self, z: usize, wound_t: f64, probe: Option<Point>, rng: &mut ChaCha8Rng) {
        let zone = &self.model.zones[z];
        let pos = probe.unwrap_or_else(|| zone.area.sample(rng));
        let report = zone.report_min.sample(rng);
        let has_first_aider = unit(rng) < zone.first_aider_share;
        let n = match probe {
            Some(_) => 1,
            None => (zone.casualties.sample(rng).round() as u32).clamp(1, MAX_CASUALTIES_PER_INCIDENT),
        };
        let cas_start = self.casualties.len() as u32;
        for _ in 0..n {
            let (severity, needs_surgery) = match probe {
                Some(_) => (0, true),
                None => {
                    let u = unit(rng);
                    let severity = zone.severity_cum.iter().position(|&c| u < c).unwrap_or(2);
                    (severity, unit(rng) < zone.surgery_share[severity])
                }
            };
            let first_aider_t = if has_first_aider { wound_t + zone.first_aid_min.sample(rng) } else { NEVER };
            let mut phase_min = [0.0; PHASES.len()];
            phase_min[Phase::Report as usize] = report;
            self.casualties.push(Casualty {
                incident: 0,
                severity: severity as u8,
                needs_surgery,
                picked_up: false,
                resus_on_scene: false,
                first_aider_t,
                resus_t: NEVER,
                ready_t: NEVER,
                surgery_t: NEVER,
                phase_min,
            });
        }
        // Most severe first, so each lift takes the most urgent casualties still on scene.
        self.casualties[cas_start as usize..].sort_unstable_by_key(|c| c.severity);
        self.incidents.push(Incident {
            zone: z as u16,
            pos,
            wound_t,
            request_t: wound_t + report,
            first_arrival: NEVER,
            slot_start: cas_start,
            slot_len: n,
            next_unassigned: cas_start,
            transfer: false,
        });
    }

    fn push(&mut self, t: f64, kind: Kind) {
        self.seq += 1;
        self.heap.push(Event { t, seq: self.seq, kind });
    }

    /// Merges three time-ordered streams: the daily clock (midnight: new serviceability and
    /// weather; sunrise: day-only aircraft may launch), evacuation requests, and scheduled events.
    fn run_events(&mut self, rng: &mut ChaCha8Rng, tally: &mut Tally) {
        let m = self.model;
        let horizon = m.period_min + m.follow_up_min;
        let mut next_request = 0usize;
        let mut day = 0u64;
        let mut clock_t: f64 = 0.0;
        let mut clock_is_midnight = true;
        loop {
            let request_t = self.incidents[..self.originals].get(next_request).map_or(NEVER, |i| i.request_t);
            let event_t = self.heap.peek().map_or(NEVER, |e| e.t);
            if request_t == NEVER && event_t == NEVER && self.waiting.is_empty() {
                break;
            }
            let now = clock_t.min(request_t).min(event_t);
            if now > horizon {
                break;
            }
            if clock_t <= request_t && clock_t <= event_t {
                if clock_is_midnight {
                    self.new_day(rng);
                    clock_t = day as f64 * MIN_PER_DAY + m.daylight.sunrise_min;
                    day += 1;
                } else {
                    clock_t = day as f64 * MIN_PER_DAY;
                }
                clock_is_midnight = !clock_is_midnight;
                self.dispatch(now, rng);
            } else if event_t <= request_t {
                let ev = self.heap.pop().expect("peeked");
                match ev.kind {
                    Kind::ArriveScene(s) => self.arrive_scene(s as usize, now, rng, tally),
                    Kind::PatientsReady(s) => self.patients_ready(s as usize, now, rng, tally),
                    Kind::UnitFree(u) => {
                        self.units[u as usize].idle = true;
                        self.dispatch(now, rng);
                    }
                    Kind::TableFree(f) => self.table_free(f as usize, now, rng, tally),
                    Kind::TransferRequest(i) => {
                        self.enqueue(i);
                        self.dispatch(now, rng);
                    }
                }
            } else {
                self.enqueue(next_request as u32);
                next_request += 1;
                self.dispatch(now, rng);
            }
        }
    }

    fn new_day(&mut self, rng: &mut ChaCha8Rng) {
        for u in &mut self.units {
            u.serviceable = unit(rng) < self.model.assets[u.group as usize].serviceability;
        }
        for (g, a) in self.model.assets.iter().enumerate() {
            self.grounded[g] = a.kind == AssetKind::Helicopter && unit(rng) < a.weather_grounding;
        }
    }

    /// A waiting request's place in the queue: the severity of its most severe casualty still
    /// without an asset, then the request time, then its index (so the order is total).
    fn priority(&self, i: u32) -> (u8, f64, u32) {
        let inc = &self.incidents[i as usize];
        (self.casualties[self.slots[inc.next_unassigned as usize] as usize].severity, inc.request_t, i)
    }

    /// Puts a request into the waiting queue, which is kept sorted by priority so that
    /// dispatching never re-sorts it: an overloaded system may hold thousands of requests.
    fn enqueue(&mut self, i: u32) {
        let (sev, t, idx) = self.priority(i);
        let at = self.waiting.partition_point(|&x| {
            let (s, tx, ix) = self.priority(x);
            s.cmp(&sev).then(tx.total_cmp(&t)).then(ix.cmp(&idx)).is_lt()
        });
        self.waiting.insert(at, i);
    }

    /// Whether any unit could be sent at `now`: idle, serviceable, not grounded, and not a
    /// day-only helicopter that would launch in the dark. Without one, a dispatch pass cannot assign anything.
    fn any_unit_ready(&self, now: f64) -> bool {
        let m = self.model;
        let day = m.daylight.is_day(now);
        self.units.iter().any(|u| {
            let g = u.group as usize;
            let a = &m.assets[g];
            // Approval and launch alone (no escort) bound a day-only aircraft's departure below.
            let launches_by_day = || day && m.daylight.is_day(now + a.approval_min.mean() + a.launch_day_min.mean());
            u.idle
                && u.serviceable
                && !self.grounded[g]
                && (a.kind == AssetKind::Ground || a.night_capable || launches_by_day())
        })
    }

    /// Gives idle assets to waiting requests, most severe first, then oldest first.
    fn dispatch(&mut self, now: f64, rng: &mut ChaCha8Rng) {
        let mut w = 0;
        // Only a ready unit can be sent, so the pass ends when none is left.
        while w < self.waiting.len() && self.any_unit_ready(now) {
            let i = self.waiting[w] as usize;
            let mut assigned = false;
            while let Some(u) = self.best_unit(i, now) {
                self.assign(u, i, now, rng);
                assigned = true;
                let inc = &self.incidents[i];
                if inc.next_unassigned == inc.slot_start + inc.slot_len {
                    break;
                }
            }
            let inc = &self.incidents[i];
            if inc.next_unassigned == inc.slot_start + inc.slot_len {
                self.waiting.remove(w);
            } else if assigned {
                // Its most severe casualties have gone: it may now rank lower, never higher.
                self.waiting.remove(w);
                self.enqueue(i as u32);
                if self.waiting[w] as usize == i {
                    w += 1;
                }
            } else {
                w += 1;
            }
        }
    }

    /// The unit to send now, planning with mean delays: among serviceable, ungrounded units
    /// allowed in the zone, the one expected to reach the incident first (for a transfer: to
    /// deliver to surgery first). With the first-idle policy only idle units that can launch now
    /// count; with best-arrival, busy units (from their planned return) and day-only aircraft
    /// (from sunrise) count too, and if one of them is best the request waits for it.
    fn best_unit(&self, i: usize, now: f64) -> Option<usize> {
        let m = self.model;
        let inc = &self.incidents[i];
        let access = &m.zones[inc.zone as usize].access;
        let wait_for_better = m.dispatch == Dispatch::BestArrival;
        // (planned arrival, ready now, unit): the earliest wins, then one ready now.
        let mut best: Option<(f64, bool, usize)> = None;
        for (g, a) in m.assets.iter().enumerate() {
            if !a.can_serve(access) || self.grounded[g] {
                continue;
            }
            // Travel (and for a transfer, delivery) time, computed once a candidate unit is found.
            let mut leg: Option<f64> = None;
            let leg_min = || {
                let mut leg = a.travel_min(a.pos.distance_km(&inc.pos), access);
                if inc.transfer {
                    // A transfer is judged by when it delivers to surgery, not when it arrives.
                    leg += a.on_scene_min.mean()
                        + m.facilities
                            .iter()
                            .filter(|f| f.surgery)
                            .map(|f| a.travel_min(inc.pos.distance_km(&f.pos), access))
                            .fold(NEVER, f64::min);
                }
                leg
            };
            let mut idle_seen = false;
            for u in self.group_start[g]..self.group_start[g + 1] {
                let unit = &self.units[u];
                // Idle units of a group are interchangeable: the first one stands for all.
                if !unit.serviceable || (unit.idle && idle_seen) || (!unit.idle && !wait_for_better) {
                    continue;
                }
                idle_seen |= unit.idle;
                let from = if unit.idle { now } else { unit.free_at };
                let Some((start, pre)) = self.earliest_launch(a, access, from) else { continue };
                let ready = unit.idle && start == now;
                if !ready && !wait_for_better {
                    continue;
                }
                let planned = start + pre + *leg.get_or_insert_with(leg_min);
                if best.is_none_or(|(t, r, _)| planned < t || (planned == t && ready && !r)) {
                    best = Some((planned, ready, u));
                }
            }
        }
        best.filter(|&(_, ready, _)| ready).map(|(_, _, u)| u)
    }

    /// When a unit free from `from` can start its pre-departure delays, and their planned
    /// length: at once, or for a day-only helicopter that would launch in the dark, at the next
    /// sunrise. None if it can never launch in daylight.
    fn earliest_launch(&self, a: &AssetGroup, access: &Access, from: f64) -> Option<(f64, f64)> {
        if from == NEVER {
            return None;
        }
        let daylight = &self.model.daylight;
        let pre = a.planned_departure_min(daylight.is_day(from), access);
        if a.kind == AssetKind::Ground || a.night_capable || (daylight.is_day(from) && daylight.is_day(from + pre)) {
            return Some((from, pre));
        }
        let sunrise = daylight.next_sunrise(from);
        let pre = a.planned_departure_min(true, access);
        daylight.is_day(sunrise + pre).then_some((sunrise, pre))
    }

    fn assign(&mut self, u: usize, i: usize, now: f64, rng: &mut ChaCha8Rng) {
        let m = self.model;
        let g = self.units[u].group as usize;
        let a = &m.assets[g];
        let inc = &self.incidents[i];
        let access = &m.zones[inc.zone as usize].access;
        let approval = a.approval_min.sample(rng);
        let launch = if m.daylight.is_day(now) { &a.launch_day_min } else { &a.launch_night_min }.sample(rng);
        let escort = if access.escort_required { a.escort_min.sample(rng) } else { 0.0 };
        let travel = a.travel_min(a.pos.distance_km(&inc.pos), access);
        let end = inc.slot_start + inc.slot_len;
        let take = a.stretchers.min(end - inc.next_unassigned);
        let slot_start = inc.next_unassigned;
        let request_t = inc.request_t;
        // Phases add up: a transferred casualty goes through the chain twice.
        for &c in &self.slots[slot_start as usize..(slot_start + take) as usize] {
            let p = &mut self.casualties[c as usize].phase_min;
            p[Phase::WaitAsset as usize] += now - request_t;
            p[Phase::Approval as usize] += approval;
            p[Phase::LaunchEscort as usize] += launch + escort;
            p[Phase::TravelToScene as usize] += travel;
        }
        self.incidents[i].next_unassigned += take;
        self.units[u].idle = false;
        let on_scene_t = now + approval + launch + escort + travel;
        // Planned return, with mean delays, until the exact one is known on scene; only the
        // best-arrival dispatcher reads it.
        self.units[u].free_at = NEVER;
        if m.dispatch == Dispatch::BestArrival {
            let carried = &self.slots[slot_start as usize..(slot_start + take) as usize];
            let surgical = carried.iter().any(|&c| self.casualties[c as usize].needs_surgery);
            let transfer = self.incidents[i].transfer;
            let (f, to_facility) =
                destination(m, a, access, self.incidents[i].pos, surgical && (transfer || !a.delivers_to_nearest));
            self.units[u].free_at = on_scene_t
                + a.on_scene_min.mean()
                + to_facility
                + a.turnaround_min.mean()
                + a.travel_min(m.facility_to_base_km[f][g], access);
        }
        let s = self.sorties.len() as u32;
        self.sorties.push(Sortie {
            unit: u as u32,
            incident: i as u32,
            slot_start,
            slot_len: take,
            facility: 0,
            tasked_t: now,
        });
        self.push(on_scene_t, Kind::ArriveScene(s));
    }

    fn arrive_scene(&mut self, s: usize, now: f64, rng: &mut ChaCha8Rng, tally: &mut Tally) {
        let m = self.model;
        let sortie = self.sorties[s].clone();
        let g = self.units[sortie.unit as usize].group as usize;
        let a = &m.assets[g];
        let inc = &mut self.incidents[sortie.incident as usize];
        inc.first_arrival = inc.first_arrival.min(now);
        let (pos, zone, transfer) = (inc.pos, inc.zone as usize, inc.transfer);
        let access = &m.zones[zone].access;
        let carried = sortie.slot_start as usize..(sortie.slot_start + sortie.slot_len) as usize;
        let surgical = self.slots[carried.clone()].iter().any(|&c| self.casualties[c as usize].needs_surgery);
        let (f, to_facility) = destination(m, a, access, pos, surgical && (transfer || !a.delivers_to_nearest));
        let fac = &m.facilities[f];
        let on_scene = a.on_scene_min.sample(rng);
        let at_facility = now + on_scene + to_facility;
        let handover = if surgical { fac.handover_min.sample(rng) } else { 0.0 };
        for &c in &self.slots[carried.clone()] {
            let c = &mut self.casualties[c as usize];
            if !transfer {
                c.picked_up = true;
                c.resus_on_scene = a.medical_team;
                c.resus_t = if a.medical_team { now } else { at_facility };
            }
            c.phase_min[Phase::OnScene as usize] += on_scene;
            c.phase_min[Phase::TravelToFacility as usize] += to_facility;
            if c.needs_surgery {
                c.phase_min[Phase::Handover as usize] += handover;
            }
        }
        self.sorties[s].facility = f as u32;
        if surgical && fac.surgery {
            self.push(at_facility + handover, Kind::PatientsReady(s as u32));
        } else if surgical {
            self.request_transfer(zone, fac.pos, carried, at_facility + handover);
        }
        let back = a.travel_min(m.facility_to_base_km[f][g], access);
        let free_t = at_facility + a.turnaround_min.sample(rng) + back;
        // A unit is busy from tasking until it is back at base; utilisation counts the period only.
        tally.asset_busy_mmin[g] += to_mmin(free_t.min(m.period_min) - sortie.tasked_t.min(m.period_min));
        tally.sorties[g] += 1;
        self.units[sortie.unit as usize].free_at = free_t;
        self.push(free_t, Kind::UnitFree(sortie.unit));
    }

    /// Casualties delivered to a facility that cannot operate wait there, stabilised, for a
    /// second lift to a surgical facility: a new request, queued like any other.
    fn request_transfer(&mut self, zone: usize, pos: Point, carried: Range<usize>, request_t: f64) {
        let slot_start = self.slots.len() as u32;
        for i in carried {
            let c = self.slots[i];
            if self.casualties[c as usize].needs_surgery {
                self.slots.push(c);
            }
        }
        let i = self.incidents.len() as u32;
        self.incidents.push(Incident {
            zone: zone as u16,
            pos,
            wound_t: request_t,
            request_t,
            first_arrival: NEVER,
            slot_start,
            slot_len: self.slots.len() as u32 - slot_start,
            next_unassigned: slot_start,
            transfer: true,
        });
        self.push(request_t, Kind::TransferRequest(i));
    }

    fn patients_ready(&mut self, s: usize, now: f64, rng: &mut ChaCha8Rng, tally: &mut Tally) {
        let Sortie { slot_start, slot_len, facility, .. } = self.sorties[s];
        let f = facility as usize;
        for slot in slot_start..slot_start + slot_len {
            let c = self.slots[slot as usize];
            let cas = &mut self.casualties[c as usize];
            if !cas.needs_surgery {
                continue;
            }
            cas.ready_t = now;
            if self.free_tables[f] > 0 {
                self.free_tables[f] -= 1;
                self.start_surgery(f, c, now, rng, tally);
            } else {
                let severity = cas.severity;
                self.table_queue[f].push(QueuedPatient { severity, ready_t: now, casualty: c });
            }
        }
    }

    fn table_free(&mut self, f: usize, now: f64, rng: &mut ChaCha8Rng, tally: &mut Tally) {
        match self.table_queue[f].pop() {
            Some(p) => self.start_surgery(f, p.casualty, now, rng, tally),
            None => self.free_tables[f] += 1,
        }
    }

    /// Puts casualty `c` on a table at facility `f` that the caller has already taken.
    fn start_surgery(&mut self, f: usize, c: u32, now: f64, rng: &mut ChaCha8Rng, tally: &mut Tally) {
        let m = self.model;
        let cas = &mut self.casualties[c as usize];
        cas.surgery_t = now;
        cas.phase_min[Phase::WaitTable as usize] = now - cas.ready_t;
        let end = now + m.facilities[f].surgery_min.sample(rng);
        tally.table_busy_mmin[f] += to_mmin(end.min(m.period_min) - now.min(m.period_min));
        tally.operations[f] += 1;
        self.push(end, Kind::TableFree(f as u32));
    }

    /// Turns the trial's casualties into counts: compliance per step and group, times, phases,
    /// the cause of each miss, and how each casualty's care stood when follow-up ended.
    fn record(&mut self, tally: &mut Tally) {
        let m = self.model;
        let horizon = m.period_min + m.follow_up_min;
        let groups = self.groups;
        self.trial_counts.fill((0, 0));
        tally.trials += 1;
        tally.incidents += self.originals as u64;
        tally.casualties += self.casualties.len() as u64;
        for c in &self.casualties {
            let inc = &self.incidents[c.incident as usize];
            let z = inc.zone as usize;
            let origin = match m.origin {
                ClockOrigin::Wounding => inc.wound_t,
                ClockOrigin::Request => inc.request_t,
            };
            let night = !m.daylight.is_day(inc.wound_t);
            let first_aid_t = c.first_aider_t.min(inc.first_arrival);
            let milestones = [first_aid_t, c.resus_t, c.surgery_t];
            let steps = if c.needs_surgery { 3 } else { 2 };
            for (step, &t) in milestones.iter().enumerate().take(steps) {
                let reached = t <= horizon;
                let rel = (t - origin).max(0.0);
                let ok = reached && rel <= m.thresholds_min[step];
                for g in [Groups::ALL, groups.severity(c.severity as usize), groups.zone(z), groups.light(night)] {
                    let cell = tally.cell_mut(g, step);
                    cell.n += 1;
                    cell.compliant += ok as u64;
                    if reached {
                        cell.reached += 1;
                        cell.time_sum_mmin += to_mmin(rel);
                    }
                    tally.hist_add(g, step, reached.then_some(rel));
                    let tc = &mut self.trial_counts[g * 3 + step];
                    tc.0 += 1;
                    tc.1 += ok as u64;
                }
                if !ok {
                    tally.add_failure(step, z, miss_cause(c, inc, step, m.origin, horizon));
                }
            }
            let last_phase = match (c.picked_up, c.surgery_t <= horizon) {
                (false, _) => Phase::Report,
                (true, false) => Phase::TravelToFacility,
                (true, true) => Phase::WaitTable,
            };
            for p in 0..=last_phase as usize {
                tally.phase_sum_mmin[z * PHASES.len() + p] += to_mmin(c.phase_min[p]);
                tally.phase_n[z * PHASES.len() + p] += 1;
            }
            let outcome = if !c.picked_up {
                2
            } else if c.needs_surgery && c.surgery_t > horizon {
                1
            } else {
                0
            };
            tally.outcomes[z * 3 + outcome] += 1;
        }
        for (cell, &(n, c)) in tally.cells.iter_mut().zip(&self.trial_counts) {
            cell.n2 += n * n;
            cell.c2 += c * c;
            cell.nc += n * c;
        }
    }
}

/// The nearest facility to `pos`, by this asset's travel time, that can operate (when
/// `needs_table`) or resuscitate, and the minutes to reach it. Validation guarantees one exists.
fn destination(m: &Model, a: &AssetGroup, access: &Access, pos: Point, needs_table: bool) -> (usize, f64) {
    m.facilities
        .iter()
        .enumerate()
        .filter(|(_, f)| if needs_table { f.surgery } else { f.resuscitation })
        .map(|(i, f)| (i, a.travel_min(pos.distance_km(&f.pos), access)))
        .fold((0, NEVER), |best, x| if x.1 < best.1 { x } else { best })
}

/// The reason a casualty missed `step`: for first aid, whether a trained first-aider was there;
/// otherwise the phase of the chain that took the most of its time up to the step.
fn miss_cause(c: &Casualty, inc: &Incident, step: usize, origin: ClockOrigin, horizon: f64) -> usize {
    if step == 0 {
        return if c.first_aider_t == NEVER { CAUSE_NO_FIRST_AIDER } else { CAUSE_FIRST_AIDER_DELAY };
    }
    if !c.picked_up {
        return if inc.request_t > horizon { Phase::Report as usize } else { Phase::WaitAsset as usize };
    }
    let mut time = c.phase_min;
    if origin == ClockOrigin::Request {
        time[Phase::Report as usize] = 0.0;
    }
    if step == 1 {
        time[Phase::Handover as usize] = 0.0;
        time[Phase::WaitTable as usize] = 0.0;
        // With a medical team aboard, resuscitation starts on scene: later legs do not count.
        if c.resus_on_scene {
            time[Phase::OnScene as usize] = 0.0;
            time[Phase::TravelToFacility as usize] = 0.0;
        }
    } else if c.surgery_t > horizon && c.ready_t <= horizon {
        time[Phase::WaitTable as usize] = horizon - c.ready_t;
    }
    (0..PHASES.len()).fold(0, |best, p| if time[p] > time[best] { p } else { best })
}
