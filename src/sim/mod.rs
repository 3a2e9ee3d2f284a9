//! One trial of the mission: incidents, dispatch, evacuation and surgery as discrete events.
//!
//! [`Engine::trial`] is a pure function of (model, seed, trial index): every random draw comes
//! from a stream keyed by the seed, the trial, its purpose and the stable id of what it belongs
//! to ([`streams`]), so trials can run on any thread in any order and two variants of a scenario
//! share every draw their differences do not touch. All per-trial buffers live in the engine and
//! are reused, so after the first trials the loop does not allocate.

mod care;
mod clearance;
mod dispatch;
mod events;
mod incidents;
mod places;
mod record;
pub mod streams;
mod trace;

pub use places::Place;
pub use trace::{CasualtyTrace, DayTrace, TrialTrace};

use crate::dist::unit;
use crate::geo::Point;
use crate::model::{Access, MIN_PER_DAY, Model};
use crate::stats::tally::{Groups, PHASES, Tally, to_ms};
use events::{Event, Kind, QueuedPatient};
use std::collections::BinaryHeap;
use streams::{Purpose, TrialKeys, id_key};

const NEVER: f64 = f64::INFINITY;

#[derive(Debug, Clone)]
struct Incident {
    /// Stable identity for keyed streams: the zone's id and the incident's number in the zone,
    /// or for a transfer, the first casualty it moves.
    key: u64,
    zone: u16,
    /// How ground vehicles reach the pick-up point: the zone's access, or for a transfer, the
    /// zone's roads with the escort rule of the clinic's site.
    access: Access,
    pos: Point,
    wound_t: f64,
    request_t: f64,
    /// When the trained first-aiders on scene start on the first casualty (never without one),
    /// and how many there are (0 without one).
    first_aid_start: f64,
    first_aiders: u16,
    /// The incident's casualties are `slots[slot_start..slot_start + slot_len]`, most severe first.
    slot_start: u32,
    slot_len: u32,
    /// Slots before this one have an asset assigned.
    next_unassigned: u32,
    /// A request to move stabilised casualties from a facility that cannot operate to one that
    /// can; `pos` is then the facility's.
    transfer: bool,
    /// A transfer of one operated casualty onward to a Level 3 (the "+2"), not to surgery.
    onward: bool,
    /// From when helicopters may be tasked to it: at once where the zone needs no flight
    /// clearance, else once the host nation has granted it (never while pending or denied).
    air_clear_t: f64,
    /// While clearance is not granted, when the dispatcher expects it, planning with mean delays
    /// as for every other delay: the pending answer's mean delay from its asking, or after a
    /// denial the mean wait to ask again and its mean delay; never after a denial that stands.
    /// Only the best-arrival dispatcher reads it.
    planned_clear_t: f64,
    /// Clearance requests made so far, which key each attempt's draws.
    clearance_asks: u32,
}

#[derive(Debug, Clone)]
struct Casualty {
    /// Stable identity for keyed streams: its incident's key and its number in the incident.
    key: u64,
    incident: u32,
    severity: u8,
    needs_surgery: bool,
    picked_up: bool,
    /// Its hour's step begun by a medical team aboard the asset that picked it up: a DCR team,
    /// or any team where advanced care counts for the hour.
    resus_on_scene: bool,
    /// Where a team with hands to spare, from another casualty's lift, started its
    /// resuscitation on scene: the phase of that lift to blame if the hour was still missed
    /// ([`record::NO_CAUSE`] otherwise; its own lift came later and is not the cause).
    hour_cause: u8,
    /// When the first-aiders on scene, in triage order, reach it (never when there are none): they
    /// start on it only if it is still there with nobody started on it, and pass it over
    /// otherwise ([`Casualty::first_aider_start`]); a miss of first aid reads this time.
    first_aider_t: f64,
    /// When the lift that carried it left the scene (never while it is there): a first-aider
    /// who had not started on it by then is left behind.
    left_scene_t: f64,
    /// When an evacuation crew starts its first aid (never otherwise), whichever comes first: on
    /// landing, for a crew that reaches everyone still on scene at once (no `first_aid_crew`),
    /// or in turn, for one that gives it one casualty at a time (see
    /// [`Engine::first_aid_on_scene`]).
    crew_aid_t: f64,
    /// When a crew on scene took it into its plan (never otherwise): from then on the
    /// first-aiders pass it over, even where they come free before the crew member does.
    crew_booked_t: f64,
    /// When the first such crew reached it on scene (never otherwise): a first aid missed
    /// though a crew was there in time was missed for want of its hands.
    crew_on_scene_t: f64,
    resus_t: f64,
    /// When advanced care of any kind (ALS or DCR) starts.
    als_t: f64,
    /// While it waits at a clinic that cannot operate for a transfer to surgery: when the
    /// transfer was asked for (never otherwise, and once a unit is tasked to move it).
    transfer_asked_t: f64,
    /// The transfer's request, once asked for (`u32::MAX` before).
    transfer: u32,
    ready_t: f64,
    surgery_t: f64,
    /// Where onward evacuation is modelled and this casualty is moved on: when its operation
    /// below Level 3 ended, when it was fit to move, when a unit was tasked to move it and when
    /// it reached a Level 3 (never otherwise).
    surgery_end_t: f64,
    onward_ready_t: f64,
    onward_tasked_t: f64,
    level3_t: f64,
    phase_min: [f64; PHASES.len()],
}

impl Casualty {
    /// When its first aid starts (the 10-minute step): the earlier of its first-aider, if it
    /// started before the casualty was carried off, and a crew.
    fn first_aid_t(&self) -> f64 {
        self.first_aider_start().min(self.crew_aid_t)
    }

    /// When its first-aider started on it: never if there was none, or if by then it had been
    /// carried off or a crew had it in hand (the first-aider passed it over).
    fn first_aider_start(&self) -> f64 {
        let t = self.first_aider_t;
        if t < self.left_scene_t && t < self.crew_booked_t { t } else { NEVER }
    }

    /// When its hour's step started: advanced care of any kind where the scenario counts it
    /// (`als_counts`), else DCR (blood).
    fn hour_t(&self, als_counts: bool) -> f64 {
        if als_counts { self.als_t } else { self.resus_t }
    }
}

#[derive(Debug, Clone)]
struct Sortie {
    /// Stable identity of the lift: the incident, its first casualty carried and the asset
    /// group, so its delays do not depend on which unit of the group flies it.
    key: u64,
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
    /// The dispatch pass (see `Engine::passes`) in which a waiting request holds this unit, and
    /// that request: with best arrival, the unit it waits for, which the other requests of the
    /// pass leave to it. (A request weighed again in the pass, after a partial lift, still
    /// counts on the unit it holds.)
    held: (u64, u32),
}

/// A trial's incidents and casualties as its zones generated them, before any event ran: kept
/// by [`Engine::trial_keeping`] for [`Engine::trial_from`].
#[derive(Debug, Default)]
pub struct Generated {
    incidents: Vec<Incident>,
    casualties: Vec<Casualty>,
}

/// Whether two models generate the same incidents and casualties for every seed and trial:
/// incidents depend only on the zones (their ids, places, rates and casualties, as
/// [`crate::model::Zone::generates_like`] compares them), the daylight that splits their rates by day and
/// night, and the period. Assets, facilities and dispatch do not enter, nor do a zone's ground
/// access and flight clearance: they act once an incident is reported, and an incident adopted
/// from another model takes its own zone's ([`Engine::trial_from`]).
pub fn generates_alike(a: &Model, b: &Model) -> bool {
    a.zones.len() == b.zones.len()
        && a.zones.iter().zip(&b.zones).all(|(x, y)| x.generates_like(y))
        && a.daylight == b.daylight
        && a.warmup_min == b.warmup_min
        && a.period_min == b.period_min
}

/// A reusable simulator for one model; make one per thread.
pub struct Engine<'m> {
    model: &'m Model,
    /// The current trial's stream keys.
    keys: TrialKeys,
    /// Stable keys of the zones' and asset groups' ids, and of each group's weather area.
    zone_key: Vec<u64>,
    group_key: Vec<u64>,
    weather_key: Vec<u64>,
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
    /// Events and clock ticks handled so far this trial that may let a unit serve a waiting
    /// request it could not before: a unit back, a new day or dawn. (A clearance answered
    /// changes one request, weighed again as fresh.)
    events_seen: u64,
    /// Dispatch passes made by this engine, which number them for `Unit::held`.
    passes: u64,
    /// After a first-idle dispatch pass that found no unit for any waiting request:
    /// `events_seen`, and whether it was day and flying hours then. While all hold, only a
    /// request enqueued since can be served (see [`Engine::dispatch`]); an overloaded system
    /// would otherwise weigh its whole backlog at every new request, a time that grows with the
    /// square of the backlog.
    fruitless: Option<(u64, bool, bool)>,
    /// Requests enqueued (or whose clearance changed) since the last dispatch pass.
    fresh: Vec<u32>,
    /// The longest queue weighed whole even after a fruitless pass: [`dispatch::SHORT_QUEUE`],
    /// or every queue where a group delivers to the soonest operation, whose choice of hospital,
    /// and so whether a day-only flight lands by dusk, moves with the clock alone. (The tests
    /// also take 0, to weigh fresh requests alone as often as they can.)
    short_queue: usize,
    /// Passes that weighed only the fresh requests, which the tests count.
    #[cfg(test)]
    fresh_passes: u64,
    units: Vec<Unit>,
    /// First unit index of each asset group; units of a group are contiguous.
    group_start: Vec<usize>,
    grounded: Vec<bool>,
    /// The day begun whose serviceability and weather are not drawn yet (see `new_day`).
    undrawn_day: Option<u64>,
    free_tables: Vec<u32>,
    /// Operations each facility may still start today.
    ops_left: Vec<u32>,
    /// Casualties on their way to each facility for an operation, for queue-aware delivery.
    inbound: Vec<u32>,
    table_queue: Vec<BinaryHeap<QueuedPatient>>,
    /// Each asset group's planned minutes from tasking to departure, [by night][escorted], and
    /// the least a day-only aircraft needs before it departs (approval and launch by day): the
    /// means the dispatcher plans with, summed once rather than on every dispatch.
    departure_min: Vec<[[f64; 2]; 2]>,
    least_departure_min: Vec<f64>,
    /// Planned minutes from each incident to each asset group's base (`incident * groups +
    /// group`), worked out with the incident: nearly every one is asked for, again and again
    /// while a request waits. A leg on to a facility is worked out from the site's distance
    /// when asked for: kept for every group and facility, the legs of a large mission (200
    /// groups, 200 facilities, a year of incidents) took gigabytes.
    base_legs: Vec<f64>,
    /// The distinct positions of bases and facilities (a base beside a hospital is one site),
    /// the site of each group's base and of each facility, and each incident's great-circle
    /// distance to each site: every group based at a site, and the hospital there, share one
    /// distance, the costliest part of a leg.
    sites: Vec<Point>,
    base_site: Vec<u32>,
    facility_site: Vec<u32>,
    site_km: Vec<f64>,
    /// Each group's possible destinations by need (see [`care::destination_lists`]).
    destinations: Vec<[Vec<u32>; 3]>,
    /// The asset groups in file order, and [by night][escorted] from the shortest planned
    /// departure up (ties in file order): the orders the dispatcher weighs them in.
    file_order: Vec<u32>,
    departure_order: [[Vec<u32>; 2]; 2],
    /// The groups whose days are not certain: serviceability below 1, or an aircraft with a
    /// chance of weather grounding it on some day of the year.
    uncertain_days: Vec<u32>,
    /// The dawn of each calendar day up to the trial's horizon, the daily clock's second tick:
    /// worked out once per model rather than every day of every trial.
    dawn_t: Vec<f64>,
    /// Each zone's arrival intensity by calendar day (see [`incidents::arrival_days`]).
    arrival_days: Vec<Vec<incidents::ArrivalDay>>,
    /// When each first-aider of the incident being planned is next free, and each member of a
    /// crew giving first aid (reused buffers).
    aider_free: Vec<f64>,
    crew_free: Vec<f64>,
    /// With a report: each busy spell of a unit (resource = asset group) or an operating table
    /// (resource = asset groups + facility), clipped to the period, for the busiest day.
    busy_log: Option<Vec<(usize, f64, f64)>>,
    /// The training tier of each first-aider on scene (index into the zone's tiers).
    aider_tier: Vec<usize>,
    /// This trial's [group][step] (n, compliant), for the between-trial spread, then the
    /// onward milestone's (zero where it is not modelled).
    trial_counts: Vec<(u64, u64)>,
    /// Each step's deadline for each category in whole milliseconds, the grid times are judged on.
    deadline_ms: [[u64; 3]; 3],
    /// This trial's central expected deaths of wounds, in billionths.
    trial_deaths_nano: u128,
    /// While tracing: each group's days.
    day_log: Option<Vec<DayTrace>>,
}

impl<'m> Engine<'m> {
    pub fn new(model: &'m Model) -> Engine<'m> {
        let mut units = Vec::with_capacity(model.unit_count());
        let mut group_start = Vec::with_capacity(model.assets.len() + 1);
        for (g, a) in model.assets.iter().enumerate() {
            group_start.push(units.len());
            for _ in 0..a.count {
                units.push(Unit { group: g as u32, idle: true, serviceable: true, free_at: 0.0, held: (0, 0) });
            }
        }
        group_start.push(units.len());
        let groups = Groups { zones: model.zones.len() };
        let mut sites: Vec<Point> = Vec::new();
        let mut site_of = |pos: Point| {
            let s = sites.iter().position(|&p| p == pos).unwrap_or_else(|| {
                sites.push(pos);
                sites.len() - 1
            });
            s as u32
        };
        let base_site: Vec<u32> = model.assets.iter().map(|a| site_of(a.pos)).collect();
        let facility_site: Vec<u32> = model.facilities.iter().map(|f| site_of(f.pos)).collect();
        let departure_min: Vec<[[f64; 2]; 2]> = model
            .assets
            .iter()
            .map(|a| {
                // Only the escort rule of the access matters to the departure.
                let pre = |by_day, escort_required| {
                    let access = Access {
                        road_factor: 1.0,
                        speed_factor: 1.0,
                        air_only: false,
                        escort_required,
                        airstrip: false,
                    };
                    a.planned_departure_min(by_day, &access)
                };
                [[pre(true, false), pre(true, true)], [pre(false, false), pre(false, true)]]
            })
            .collect();
        let departure_order = [0, 1].map(|night| {
            [0, 1].map(|escort| {
                let mut order: Vec<u32> = (0..model.assets.len() as u32).collect();
                order.sort_by(|&a, &b| {
                    departure_min[a as usize][night][escort].total_cmp(&departure_min[b as usize][night][escort])
                });
                order
            })
        });
        Engine {
            model,
            keys: TrialKeys::new(0, 0),
            zone_key: model.zones.iter().map(|z| id_key(&z.id)).collect(),
            group_key: model.assets.iter().map(|a| id_key(&a.id)).collect(),
            weather_key: model.assets.iter().map(|a| id_key(&a.weather_area)).collect(),
            groups,
            incidents: Vec::new(),
            casualties: Vec::new(),
            slots: Vec::new(),
            originals: 0,
            sorties: Vec::new(),
            heap: BinaryHeap::new(),
            seq: 0,
            waiting: Vec::new(),
            events_seen: 0,
            passes: 0,
            fruitless: None,
            fresh: Vec::new(),
            short_queue: if model.assets.iter().any(|a| a.delivers_to == crate::model::Delivery::Soonest) {
                usize::MAX
            } else {
                dispatch::SHORT_QUEUE
            },
            #[cfg(test)]
            fresh_passes: 0,
            units,
            group_start,
            grounded: vec![false; model.assets.len()],
            undrawn_day: None,
            free_tables: model.facilities.iter().map(|f| f.tables).collect(),
            ops_left: model.facilities.iter().map(|f| f.operations_per_day).collect(),
            inbound: vec![0; model.facilities.len()],
            table_queue: vec![BinaryHeap::new(); model.facilities.len()],
            departure_min,
            least_departure_min: model.assets.iter().map(|a| a.approval_min.mean() + a.launch_day_min.mean()).collect(),
            base_legs: Vec::new(),
            sites,
            base_site,
            facility_site,
            site_km: Vec::new(),
            destinations: care::destination_lists(model),
            arrival_days: incidents::arrival_days(model),
            dawn_t: (0..=(model.horizon_min() / MIN_PER_DAY) as u64 + 1)
                .map(|day| model.daylight.dawn_of_day(day as f64 * MIN_PER_DAY))
                .collect(),
            file_order: (0..model.assets.len() as u32).collect(),
            uncertain_days: (0..model.assets.len() as u32)
                .filter(|&g| {
                    let a = &model.assets[g as usize];
                    // Days past the calendar take the yearly figure (see `Model::grounding_on`).
                    let grounding = a.weather_by_month.map_or(0.0, |m| m.into_iter().fold(0.0, f64::max));
                    a.serviceability < 1.0 || (a.flies() && grounding.max(a.weather_grounding) > 0.0)
                })
                .collect(),
            departure_order,
            aider_free: Vec::new(),
            crew_free: Vec::new(),
            busy_log: None,
            aider_tier: Vec::new(),
            trial_counts: vec![(0, 0); groups.count() * 3 + 1],
            deadline_ms: model.deadlines_min.map(|d| d.map(to_ms)),
            trial_deaths_nano: 0,
            day_log: None,
        }
    }

    /// Simulates one trial and adds its outcomes to `tally`.
    pub fn trial(&mut self, seed: u64, trial: u64, tally: &mut Tally) {
        self.reset(seed, trial, false);
        self.generate_incidents();
        self.run_events(tally, None);
        self.record(tally);
    }

    /// Simulates one trial, as [`Engine::trial`], and keeps its incidents and casualties as
    /// generated in `keep`, for variants that generate the same ones ([`Engine::trial_from`]).
    pub fn trial_keeping(&mut self, seed: u64, trial: u64, tally: &mut Tally, keep: &mut Generated) {
        self.reset(seed, trial, false);
        self.generate_incidents();
        keep.incidents.clone_from(&self.incidents);
        keep.casualties.clone_from(&self.casualties);
        self.run_events(tally, None);
        self.record(tally);
    }

    /// Simulates the trial that [`Engine::trial`] would, from the incidents and casualties
    /// another engine generated for the same seed and trial with a model that generates alike
    /// ([`generates_alike`]): a comparison of courses of action that leave the zones as they are
    /// generates each trial's incidents once, not once per course of action.
    pub fn trial_from(&mut self, seed: u64, trial: u64, tally: &mut Tally, from: &Generated) {
        self.reset(seed, trial, false);
        self.incidents.extend_from_slice(&from.incidents);
        self.casualties.extend_from_slice(&from.casualties);
        // Generation copies the zone's access into each incident; the generating model's may
        // differ from this one's.
        for inc in &mut self.incidents {
            inc.access = self.model.zones[usize::from(inc.zone)].access;
        }
        self.adopt_incidents();
        self.run_events(tally, None);
        self.record(tally);
    }

    /// The last trial's (n, compliant) for each [group][step], then for the onward milestone:
    /// what a paired comparison needs trial by trial.
    pub fn trial_counts(&self) -> &[(u64, u64)] {
        &self.trial_counts
    }

    /// The last trial's central expected deaths of wounds (all casualties), in billionths: what
    /// a paired comparison needs for the interval of lives saved.
    pub fn trial_deaths_nano(&self) -> u128 {
        self.trial_deaths_nano
    }

    /// Simulates a single T1 casualty who needs surgery, wounded at `pos` at a uniformly random
    /// time of the first day, with zone `zone`'s reporting, first aid and ground access, and no
    /// other incident competing for assets; returns whether each step (first aid, resuscitation,
    /// surgery) came in time, judged by the rule [`Engine::record`] applies. Serviceability and
    /// weather are drawn as in any trial. `tally` takes only what the events count as they go
    /// (sorties, busy time, operations), not the casualty: a reach map reads only the verdicts.
    ///
    /// The simulation stops as soon as every verdict is settled, so a probe costs what its
    /// casualty's own chain of care costs, not the units' way home or the day's remaining clock.
    pub fn probe(&mut self, seed: u64, stream: u64, zone: usize, pos: Point, tally: &mut Tally) -> [bool; 3] {
        self.start_probe(seed, stream, zone, pos);
        self.run_events(tally, Some(0));
        self.judged(&self.casualties[0]).map(|j| j == Some(true))
    }

    /// A probe's state before its events: one casualty at `pos`, wounded at a random time.
    fn start_probe(&mut self, seed: u64, stream: u64, zone: usize, pos: Point) {
        // A map probes each cell many times in a row: the planned legs from the probe's
        // incident (always the first) depend only on its place and its zone's access, so they
        // hold for the next probe at the same point, and each costs a great-circle distance.
        let same_point =
            self.incidents.first().is_some_and(|i| !i.transfer && usize::from(i.zone) == zone && i.pos == pos);
        self.reset(seed, stream, same_point);
        let m = self.model;
        let t = m.warmup_min + unit(&mut self.keys.stream(Purpose::ProbeTime, 0, 0)) * MIN_PER_DAY.min(m.period_min);
        self.new_incident(zone, 0, t, Some(pos));
        self.index_incidents();
    }

    /// A fresh trial's state; with `keep_first_legs`, the first incident's cached legs and
    /// distances stay (see `start_probe`).
    fn reset(&mut self, seed: u64, trial: u64, keep_first_legs: bool) {
        self.keys = TrialKeys::new(seed, trial);
        self.incidents.clear();
        self.casualties.clear();
        self.slots.clear();
        self.sorties.clear();
        let kept = usize::from(keep_first_legs);
        self.base_legs.truncate(kept * self.model.assets.len());
        self.site_km.truncate(kept * self.sites.len());
        self.heap.clear();
        self.waiting.clear();
        self.events_seen = 0;
        self.fruitless = None;
        self.fresh.clear();
        self.undrawn_day = None;
        self.seq = 0;
        for u in &mut self.units {
            u.idle = true;
        }
        for (f, fac) in self.model.facilities.iter().enumerate() {
            self.free_tables[f] = fac.tables;
            self.ops_left[f] = fac.operations_per_day;
            self.inbound[f] = 0;
            self.table_queue[f].clear();
        }
    }

    /// Works out, for the incidents added since it last ran, the distance to every site and
    /// every group's leg from its base (nearly all of which a dispatch asks for).
    fn grow_legs(&mut self) {
        // (A model with neither assets nor facilities, which validation refuses, has no sites.)
        let done = self.site_km.len().checked_div(self.sites.len()).unwrap_or(0);
        for inc in &self.incidents[done..] {
            let km_at = self.site_km.len();
            self.site_km.extend(self.sites.iter().map(|site| site.distance_km(&inc.pos)));
            for (g, a) in self.model.assets.iter().enumerate() {
                let km = self.site_km[km_at + self.base_site[g] as usize];
                self.base_legs.push(a.travel_min(km, &inc.access));
            }
        }
    }

    /// Planned minutes for asset group `g` between incident `i` and the group's base.
    #[inline]
    fn base_leg_min(&self, i: usize, g: usize) -> f64 {
        self.base_legs[i * self.model.assets.len() + g]
    }

    /// Great-circle km between incident `i` and facility `f`.
    #[inline]
    fn facility_km(&self, i: usize, f: usize) -> f64 {
        self.site_km[i * self.sites.len() + self.facility_site[f] as usize]
    }

    /// Planned minutes for asset group `g` between incident `i` and facility `f`, from the
    /// incident's distance to the facility's site.
    #[inline]
    fn facility_leg_min(&self, i: usize, g: usize, f: usize) -> f64 {
        self.model.assets[g].travel_min(self.facility_km(i, f), &self.incidents[i].access)
    }

    fn push(&mut self, t: f64, kind: Kind) {
        self.seq += 1;
        self.heap.push(Event { t, seq: self.seq, kind });
    }

    /// Merges three time-ordered streams: the daily clock (midnight: new serviceability and
    /// weather; dawn: day-only aircraft may launch), evacuation requests, and scheduled events.
    /// With `settle`, stops once that casualty's verdicts can no longer change (a probe).
    fn run_events(&mut self, tally: &mut Tally, settle: Option<usize>) {
        let m = self.model;
        let horizon = m.horizon_min();
        let mut next_request = 0usize;
        let mut day = 0u64;
        let mut clock_t: f64 = 0.0;
        let mut clock_is_midnight = true;
        loop {
            let request_t = self.incidents[..self.originals].get(next_request).map_or(NEVER, |i| i.request_t);
            let event_t = self.heap.peek().map_or(NEVER, |e| e.t);
            // Patients waiting for tomorrow's operations keep the daily clock running.
            if request_t == NEVER
                && event_t == NEVER
                && self.waiting.is_empty()
                && self.table_queue.iter().all(|q| q.is_empty())
            {
                break;
            }
            let now = clock_t.min(request_t).min(event_t);
            if now > horizon {
                break;
            }
            if let Some(c) = settle
                && self.settled(&self.casualties[c], now)
            {
                break;
            }
            if clock_t <= request_t && clock_t <= event_t {
                self.events_seen += 1;
                // With nothing waiting for an asset or a table, a tick only begins a day (whose
                // draws wait for a dispatch) and counts its operations afresh: the ticks up to
                // the next request or event go at once, the last midnight's theatres opened.
                // Most of a trial's ticks fall in such quiet spells.
                let quiet =
                    self.waiting.is_empty() && self.day_log.is_none() && self.table_queue.iter().all(|q| q.is_empty());
                let until = request_t.min(event_t).min(horizon);
                let mut midnight = None;
                loop {
                    if clock_is_midnight {
                        self.new_day(day);
                        midnight = Some(clock_t);
                        // (The table runs a day past the horizon, which the clock never passes.)
                        clock_t = self
                            .dawn_t
                            .get(day as usize)
                            .copied()
                            .unwrap_or_else(|| m.daylight.dawn_of_day(day as f64 * MIN_PER_DAY));
                        day += 1;
                    } else {
                        clock_t = day as f64 * MIN_PER_DAY;
                    }
                    clock_is_midnight = !clock_is_midnight;
                    if !quiet || clock_t > until {
                        break;
                    }
                }
                // A midnight at the horizon begins a day the trial does not follow: its
                // operations are not given, so no theatre works more days than are followed.
                if let Some(t) = midnight
                    && t < horizon
                {
                    self.open_theatres(t, tally);
                }
                self.dispatch(now);
            } else if event_t <= request_t {
                let ev = self.heap.pop().expect("peeked");
                match ev.kind {
                    Kind::ArriveScene(s) => self.arrive_scene(s as usize, now, tally),
                    // (Patients and tables change no unit and no waiting request: a request
                    // they make is enqueued, and weighed, as any new one.)
                    Kind::PatientsReady(s) => self.patients_ready(s as usize, now, tally),
                    Kind::UnitFree(u) => {
                        self.events_seen += 1;
                        self.units[u as usize].idle = true;
                        self.dispatch(now);
                    }
                    Kind::TableFree(f) => self.table_free(f as usize, now, tally),
                    Kind::TransferRequest(i) => {
                        self.ask_clearance(i as usize, now);
                        self.enqueue(i);
                        self.dispatch(now);
                    }
                    Kind::Clearance(i, granted) => {
                        // The answer changes only this request: weighed again as a new one.
                        self.answer_clearance(i as usize, granted, now);
                        self.fresh.push(i);
                        self.dispatch(now);
                    }
                    Kind::AskClearance(i) => {
                        self.ask_clearance(i as usize, now);
                        self.fresh.push(i);
                        self.dispatch(now);
                    }
                }
            } else {
                self.ask_clearance(next_request, now);
                self.enqueue(next_request as u32);
                next_request += 1;
                self.dispatch(now);
            }
        }
    }

    /// A new calendar day. Its serviceability and weather are drawn by the first dispatch pass
    /// with a request to serve, their only reader ([`Engine::draw_day`]): most days of a trial
    /// have none, and each day's draws come from streams keyed by group or area and day alone,
    /// so a day left undrawn moves no other draw. A trace logs every day, so it draws at once.
    fn new_day(&mut self, day: u64) {
        self.undrawn_day = Some(day);
        if self.day_log.is_some() {
            self.draw_day();
        }
    }

    /// The day's draws, if not yet made: each unit's serviceability, from the group's own
    /// stream for the day, so changing one group leaves the others' days as they were (and
    /// adding a unit leaves the draws of the group's first units unchanged); and each helicopter
    /// group's weather, from its weather area's stream for the day: every group in an area sees
    /// the same sky, and one with a higher grounding probability is grounded on every day a
    /// lower one is.
    pub(super) fn draw_day(&mut self) {
        let Some(day) = self.undrawn_day.take() else { return };
        // A group whose every day is certain keeps the state it was made with (serviceable,
        // not grounded): only a trace, which logs every group's day, visits it.
        let groups = if self.day_log.is_some() { &self.file_order } else { &self.uncertain_days };
        for &g in groups {
            let (g, a) = (g as usize, &self.model.assets[g as usize]);
            let units = &mut self.units[self.group_start[g]..self.group_start[g + 1]];
            // A draw in [0, 1) is always below a serviceability of 1 and never below a grounding
            // probability of 0: such days are certain, and each stream is keyed by its group or
            // area and day alone, so skipping its draws moves no other draw.
            if a.serviceability >= 1.0 {
                units.iter_mut().for_each(|u| u.serviceable = true);
            } else {
                let mut service = self.keys.stream(Purpose::Service, self.group_key[g], day);
                for u in units {
                    u.serviceable = unit(&mut service) < a.serviceability;
                }
            }
            let grounding = if a.flies() { self.model.grounding_on(g, day) } else { 0.0 };
            self.grounded[g] =
                grounding > 0.0 && unit(&mut self.keys.stream(Purpose::Weather, self.weather_key[g], day)) < grounding;
            if let Some(log) = &mut self.day_log {
                let units = &self.units[self.group_start[g]..self.group_start[g + 1]];
                log.push(DayTrace {
                    asset: a.id.clone(),
                    day,
                    grounded: self.grounded[g],
                    serviceable: units.iter().map(|u| u.serviceable).collect(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::{mission_bounds, zone_at};
    use crate::dist::Dist;
    use crate::model::ClockOrigin;
    use std::path::Path;

    /// A trial's tally with every day's draws made at its midnight and every tick of the daily
    /// clock taken one at a time, as a trace takes them (it logs every day).
    fn eager(engine: &mut Engine, seed: u64, trial: u64, tally: &mut Tally) {
        engine.day_log = Some(Vec::new());
        engine.trial(seed, trial, tally);
        engine.day_log = None;
    }

    /// Drawing a day's serviceability and weather only when a dispatch pass needs them, and
    /// passing quiet spells of the clock in one step, change no result: every bundled scenario,
    /// also with best-arrival dispatch and with operating theatres short of daily operations
    /// (so patients wait across midnights).
    #[test]
    fn lazy_days_and_quiet_spells_give_the_tally_of_every_tick_and_draw() {
        for name in ["sahel-north", "car-rainy-season", "east-highlands", "masscal-camp-attack"] {
            let base = crate::scenario::load(Path::new(&format!("scenarios/{name}.toml"))).expect("bundled scenario");
            let mut best_arrival = base.clone();
            best_arrival.dispatch = crate::model::Dispatch::BestArrival;
            let mut short = base.clone();
            for f in &mut short.facilities {
                f.operations_per_day = f.operations_per_day.min(1);
            }
            for model in [base, best_arrival, short] {
                let (mut lazy, mut every) = (Engine::new(&model), Engine::new(&model));
                let (mut a, mut b) = (Tally::new(&model), Tally::new(&model));
                for trial in 0..150 {
                    lazy.trial(3, trial, &mut a);
                    eager(&mut every, 3, trial, &mut b);
                }
                assert!(a.casualties > 0, "{name}");
                assert!(a == b, "{name}: {:?}", model.dispatch);
            }
        }
    }

    /// `model` with host-nation clearance asked in every zone: answered after 40 min by day and
    /// 90 by night, denied 20% and 50% of the time, asked again an hour after a denial.
    fn with_clearance(model: &Model) -> Model {
        let mut m = model.clone();
        for z in &mut m.zones {
            z.clearance = Some(crate::model::Clearance {
                delay_min: [Dist::Fixed(40.0), Dist::Fixed(90.0)],
                denial: [0.2, 0.5],
                retry_min: Some(Dist::Fixed(60.0)),
            });
        }
        m
    }

    /// Remembering a first-idle dispatch pass that found no unit for any request, and weighing
    /// only the requests enqueued since until something changes, gives the tally of weighing
    /// every waiting request at every pass: every bundled scenario, with host-nation clearance
    /// (delays, denials, asking again), overloaded thirty-fold so that backlogs form and passes
    /// find nothing, and both. (Best arrival remembers nothing: see `Engine::dispatch`.)
    #[test]
    fn remembering_a_fruitless_dispatch_pass_gives_the_tally_of_weighing_every_request() {
        let mut remembered = 0;
        for name in ["sahel-north", "car-rainy-season", "east-highlands", "masscal-camp-attack"] {
            let mut base =
                crate::scenario::load(Path::new(&format!("scenarios/{name}.toml"))).expect("bundled scenario");
            base.dispatch = crate::model::Dispatch::FirstIdle;
            let mut overloaded = base.clone();
            for z in &mut overloaded.zones {
                z.incidents_per_day *= 30.0;
            }
            let variants = [with_clearance(&base), with_clearance(&overloaded), base, overloaded];
            for (v, model) in variants.into_iter().enumerate() {
                let (mut fast, mut full) = (Engine::new(&model), Engine::new(&model));
                full.short_queue = usize::MAX;
                fast.short_queue = 0;
                let (mut a, mut b) = (Tally::new(&model), Tally::new(&model));
                for trial in 0..60 {
                    fast.trial(8, trial, &mut a);
                    full.trial(8, trial, &mut b);
                }
                remembered += fast.fresh_passes;
                assert!(a.casualties > 0, "{name}");
                assert!(a == b, "{name}: variant {v}");
            }
        }
        // Passes of fresh requests alone happen: the comparison is not of two engines that
        // never remember.
        assert!(remembered > 5000, "only {remembered} passes of fresh requests");
    }

    /// A variant that generates alike (other assets, facilities, dispatch) simulates from the
    /// base's generated incidents exactly the trial it simulates from its own: every bundled
    /// scenario, against variants with a unit more, a facility moved and the other dispatch
    /// policy. A change to a zone or to the period is not alike.
    #[test]
    fn a_trial_from_another_engines_incidents_is_the_trial_itself() {
        for name in ["sahel-north", "car-rainy-season", "east-highlands", "masscal-camp-attack"] {
            let base = crate::scenario::load(Path::new(&format!("scenarios/{name}.toml"))).expect("bundled scenario");
            let mut more = base.clone();
            more.assets[0].count += 1;
            let mut moved = base.clone();
            moved.facilities[0].pos = moved.assets.last().expect("an asset").pos;
            let mut other_policy = base.clone();
            other_policy.dispatch = match base.dispatch {
                crate::model::Dispatch::BestArrival => crate::model::Dispatch::FirstIdle,
                crate::model::Dispatch::FirstIdle => crate::model::Dispatch::BestArrival,
            };
            // Ground access and flight clearance act after generation: an adopted incident must
            // take the alternative's own.
            let mut roads = base.clone();
            for z in &mut roads.zones {
                z.access.speed_factor *= 0.5;
                z.access.road_factor *= 1.3;
                z.access.escort_required = !z.access.escort_required;
            }
            roads.zones[0].access.air_only = !roads.zones[0].access.air_only;
            let cleared = with_clearance(&base);
            // (Clearance holds back aircraft only.)
            let flies = base.assets.iter().any(|a| a.flies());
            let mut generated = Generated::default();
            let mut keeper = Engine::new(&base);
            for (alt, changes_trials) in
                [(more, false), (moved, false), (other_policy, false), (roads, true), (cleared, flies)]
            {
                assert!(generates_alike(&base, &alt), "{name}");
                let (mut shared, mut own) = (Engine::new(&alt), Engine::new(&alt));
                let (mut a, mut b, mut kept) = (Tally::new(&alt), Tally::new(&alt), Tally::new(&base));
                for trial in 0..120 {
                    keeper.trial_keeping(5, trial, &mut kept, &mut generated);
                    shared.trial_from(5, trial, &mut a, &generated);
                    own.trial(5, trial, &mut b);
                }
                assert!(a.casualties > 0, "{name}");
                assert!(a == b, "{name}");
                // The change reaches the trials: they are not the base's own.
                if changes_trials {
                    assert!(a.cells != kept.cells, "{name}");
                }
            }
            let mut zone = base.clone();
            zone.zones[0].first_aider_share /= 2.0;
            let mut prevented = base.clone();
            prevented.zones[0].prevented_share = 0.5;
            let mut longer = base.clone();
            longer.period_min += MIN_PER_DAY;
            for other in [zone, prevented, longer] {
                assert!(!generates_alike(&base, &other), "{name}");
            }
        }
    }

    /// A probe's verdicts, read the slow way: its events run to the end and its casualty
    /// recorded into a tally, as every trial's casualties are.
    fn recorded(engine: &mut Engine, tally: &mut Tally, seed: u64, stream: u64, zone: usize, pos: Point) -> [bool; 3] {
        let before = [0, 1, 2].map(|s| tally.cell(Groups::ALL, s).compliant);
        // No legs kept from the last probe: each is computed afresh.
        engine.incidents.clear();
        engine.start_probe(seed, stream, zone, pos);
        engine.run_events(tally, None);
        engine.record(tally);
        [0, 1, 2].map(|s| tally.cell(Groups::ALL, s).compliant - before[s] == 1)
    }

    /// The nearest facility found with the distance cut-off is the one a full scan of every
    /// facility's travel time finds (the first of equals): every bundled scenario, every asset
    /// group and need, at points across the map. The cut-off rests on travel time never falling
    /// as distance grows, which the scan checks too, over each group's facilities by distance.
    #[test]
    fn the_nearest_facility_by_a_cut_off_is_the_nearest_by_a_full_scan() {
        use care::Need;
        let mut compared = 0;
        for name in ["sahel-north", "car-rainy-season", "east-highlands", "masscal-camp-attack"] {
            let model = crate::scenario::load(Path::new(&format!("scenarios/{name}.toml"))).expect("bundled scenario");
            let [lat0, lat1, lon0, lon1] = mission_bounds(&model);
            let mut engine = Engine::new(&model);
            for k in 0..400u32 {
                let f = |a: f64, b: f64, x: u32| a + (b - a) * f64::from(x % 20) / 19.0;
                let pos = Point::new(f(lat0, lat1, k), f(lon0, lon1, k / 20));
                engine.incidents.clear();
                engine.start_probe(1, u64::from(k), zone_at(&model, &pos), pos);
                for g in 0..model.assets.len() {
                    for (need, needs_table) in [(Need::Resuscitation, false), (Need::Operation, true)] {
                        // (Delivery to the soonest operation weighs queues, not only distance.)
                        if needs_table && model.assets[g].delivers_to == crate::model::Delivery::Soonest {
                            continue;
                        }
                        let list = engine.destinations(g, need).to_vec();
                        if list.is_empty() {
                            continue;
                        }
                        let full = list
                            .iter()
                            .map(|&f| (f as usize, engine.facility_leg_min(0, g, f as usize)))
                            .fold((0, NEVER), |best, (f, t)| if t < best.1 { (f, t) } else { best });
                        assert_eq!(engine.destination(g, 0, needs_table, 0.0, 0.0), full, "{name} {pos:?} group {g}");
                        let mut by_km: Vec<(f64, f64)> = list
                            .iter()
                            .map(|&f| (engine.facility_km(0, f as usize), engine.facility_leg_min(0, g, f as usize)))
                            .collect();
                        by_km.sort_by(|a, b| a.0.total_cmp(&b.0));
                        assert!(by_km.windows(2).all(|w| w[0].1 <= w[1].1), "{name} group {g}: {by_km:?}");
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared > 1000, "{compared}");
    }

    /// Stopping a probe once its verdicts are settled, and keeping its legs from the last probe
    /// at the same point, changes no verdict: every bundled scenario, both clocks and both
    /// readings of the hour, at points across the map, each probed many times in a row.
    #[test]
    fn a_probe_stopped_when_settled_gives_the_verdicts_of_the_whole_trial() {
        let mut differing_verdicts = 0;
        for name in ["sahel-north", "car-rainy-season", "east-highlands", "masscal-camp-attack"] {
            let base = crate::scenario::load(Path::new(&format!("scenarios/{name}.toml"))).expect("bundled scenario");
            for (origin, als) in [(ClockOrigin::Wounding, false), (ClockOrigin::Request, true)] {
                let mut model = base.clone();
                model.origin = origin;
                model.resuscitation_counts_als = als;
                let [lat0, lat1, lon0, lon1] = mission_bounds(&model);
                let (mut fast, mut slow) = (Engine::new(&model), Engine::new(&model));
                let (mut scratch, mut tally) = (Tally::new(&model), Tally::new(&model));
                for k in 0..25u32 {
                    let f = |a: f64, b: f64, x: u32| a + (b - a) * f64::from(x % 5) / 4.0;
                    let pos = Point::new(f(lat0, lat1, k), f(lon0, lon1, k / 5));
                    let zone = zone_at(&model, &pos);
                    for stream in u64::from(k) * 40..u64::from(k + 1) * 40 {
                        let got = fast.probe(7, stream, zone, pos, &mut scratch);
                        let want = recorded(&mut slow, &mut tally, 7, stream, zone, pos);
                        assert_eq!(got, want, "{name} {origin:?} at {pos:?}, probe {stream}");
                        differing_verdicts += usize::from(got.iter().any(|&v| v != got[0]));
                    }
                }
            }
        }
        // Probes in time for one step and late for another: the comparison is not all-or-nothing.
        assert!(differing_verdicts > 100, "{differing_verdicts}");
    }
}
