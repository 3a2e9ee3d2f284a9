//! The compiled scenario: plain, immutable, index-based. The engine sees only this.

use crate::daylight::SolarDay;
use crate::dist::Dist;
use crate::geo::{Area, Point};
use serde::Serialize;

/// A facility's daily operations from this many up stand for tables running round the clock
/// (the format guide's advice for a theatre no team limits), not for a surgical team's day.
pub const ROUND_THE_CLOCK_OPS: u32 = 100;

pub const MIN_PER_DAY: f64 = 1440.0;

/// Casualties in one incident are capped here, so a long-tailed distribution cannot exhaust memory.
pub const MAX_CASUALTIES_PER_INCIDENT: u32 = 1000;

/// The three steps of the 10-1-2 standard.
pub const STEPS: [Step; 3] = [Step::FirstAid, Step::Resuscitation, Step::Surgery];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    FirstAid,
    Resuscitation,
    Surgery,
}

/// How the CSV files and the JSON name the onward milestone, beside [`Step::key`].
pub const ONWARD_KEY: &str = "onward_to_level3";

impl Step {
    /// As the CSV files and the JSON name it: `first_aid`, `resuscitation`, `surgery`.
    pub fn key(self) -> &'static str {
        match self {
            Step::FirstAid => "first_aid",
            Step::Resuscitation => "resuscitation",
            Step::Surgery => "surgery",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Step::FirstAid => "first aid",
            Step::Resuscitation => "resuscitation",
            Step::Surgery => "surgery",
        }
    }
}

/// Where the three clocks start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockOrigin {
    /// NATO / UK: time of wounding.
    Wounding,
    /// US 2009 golden-hour policy: time of the evacuation request.
    Request,
}

/// How the dispatcher chooses an asset for a waiting request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dispatch {
    /// The idle unit that can launch now and reach the casualty first.
    FirstIdle,
    /// The unit that will reach the casualty first, counting busy units from their planned
    /// return and day-only aircraft from sunrise; the request waits if that unit is not free,
    /// and the unit is held for it: the requests behind it weigh the others.
    BestArrival,
}

/// Triage categories, most severe first.
pub const SEVERITIES: [&str; 3] = ["T1", "T2", "T3"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    Helicopter,
    Ground,
    /// A fixed-wing aircraft (a CASA, a C-130, a contracted air ambulance): it lands only at
    /// airstrips, so it moves casualties between facilities at airstrip sites.
    Airplane,
}

impl AssetKind {
    /// As the scenario file, the JSON and the CSV spell it.
    pub fn key(self) -> &'static str {
        match self {
            AssetKind::Helicopter => "helicopter",
            AssetKind::Ground => "ground",
            AssetKind::Airplane => "airplane",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Level1,
    // As the scenario file writes it, and the CSV and GeoJSON.
    #[serde(rename = "level1plus")]
    Level1Plus,
    Level2,
    Level3,
}

/// `x.floor()`, the same value, without the library call behind `floor` on the baseline
/// x86-64 target (whose SSE2 has no rounding instruction): a positive number below 2^52
/// truncates to its floor, and anything else (zeros, negatives, huge values, infinities, NaN)
/// goes to `floor` itself. The daylight checks take the day of a time on every dispatch.
#[inline]
pub fn fast_floor(x: f64) -> f64 {
    if x > 0.0 && x < 4_503_599_627_370_496.0 { x as i64 as f64 } else { x.floor() }
}

/// The entry for calendar day `day` (a whole number, as `fast_floor` gives it) of a table of
/// `len` days (at least one): a day before the first takes the first, a day past the table its
/// last. Every table by calendar day reads it so, so they agree on which day a time falls in.
#[inline]
pub fn day_entry(day: f64, len: usize) -> usize {
    (day.max(0.0) as usize).min(len - 1)
}

/// Local daylight, in minutes after midnight: the same every day, or computed day by day.
#[derive(Debug, Clone, PartialEq)]
pub struct Daylight {
    /// The fixed times, or where they are computed, the middle day's: what reports state.
    pub sunrise_min: f64,
    pub sunset_min: f64,
    /// Start and end of civil twilight: the window in which a day-only aircraft may fly
    /// (dawn <= sunrise, dusk >= sunset).
    pub dawn_min: f64,
    pub dusk_min: f64,
    /// Each calendar day's times from the start date; empty for fixed times. A day past the
    /// table takes its last day's.
    pub days: Vec<SolarDay>,
}

impl Daylight {
    /// The times of the calendar day that holds `t`.
    #[inline]
    pub fn on(&self, t: f64) -> SolarDay {
        self.on_day(fast_floor(t / MIN_PER_DAY))
    }

    /// The times of calendar day `day` (a whole number, as `fast_floor` gives it).
    #[inline]
    fn on_day(&self, day: f64) -> SolarDay {
        if self.days.is_empty() {
            return SolarDay {
                dawn_min: self.dawn_min,
                sunrise_min: self.sunrise_min,
                sunset_min: self.sunset_min,
                dusk_min: self.dusk_min,
            };
        }
        self.days[day_entry(day, self.days.len())]
    }

    /// Whether `t` falls between sunrise and sunset.
    #[inline]
    pub fn is_day(&self, t: f64) -> bool {
        self.at(t).day
    }

    /// Whether `t` falls between dawn and dusk, when a day-only aircraft may be in the air.
    #[inline]
    pub fn can_fly(&self, t: f64) -> bool {
        self.at(t).fly
    }

    /// The daylight facts of instant `t`, taken together: a dispatch pass asks them of every
    /// candidate unit at one instant, and they share the day's table entry and its midnight.
    #[inline]
    pub fn at(&self, t: f64) -> Moment {
        // The day's number, worked out once for the table entry and its midnight. Each event is
        // compared as an instant, midnight plus its minutes, as the daily clock and the plans
        // take it (`dawn_of_day`): a computed dawn has fractional minutes, and the minute of
        // the day `t` is would round them differently, so that the clock's own dawn tick could
        // fall a hair before the dawn it marks. (When `t / MIN_PER_DAY` rounds up to the next
        // day, `t` is before that midnight and so before every event of the day: night.)
        let day = fast_floor(t / MIN_PER_DAY);
        let midnight = day * MIN_PER_DAY;
        let d = self.on_day(day);
        Moment {
            t,
            day: t >= midnight + d.sunrise_min && t < midnight + d.sunset_min,
            fly: t >= midnight + d.dawn_min && t < midnight + d.dusk_min,
            dusk: midnight + d.dusk_min,
        }
    }

    /// The dusk of the calendar day that holds `t`: a day-only sortie under way at `t` must
    /// have landed by then.
    pub fn dusk_of_day(&self, t: f64) -> f64 {
        self.at(t).dusk
    }

    /// The dawn of the calendar day that holds `t`.
    pub fn dawn_of_day(&self, t: f64) -> f64 {
        let day = fast_floor(t / MIN_PER_DAY);
        day * MIN_PER_DAY + self.on_day(day).dawn_min
    }

    /// The first dawn at or after `t`.
    pub fn next_dawn(&self, t: f64) -> f64 {
        let today = self.dawn_of_day(t);
        if t <= today { today } else { self.dawn_of_day(today + MIN_PER_DAY) }
    }

    /// Whether a day-only flight that starts at `start` and lasts `min` is in the air only
    /// between one dawn and the following dusk. Comparing with that same day's dusk, not with
    /// whether the end time is light, keeps a long flight from wrapping into the next morning.
    pub fn flight_fits(&self, start: f64, min: f64) -> bool {
        self.at(start).flight_fits(min)
    }

    /// Hours from sunrise to sunset of the fixed or middle day.
    pub fn day_hours(&self) -> f64 {
        (self.sunset_min - self.sunrise_min) / 60.0
    }
}

/// One instant's daylight ([`Daylight::at`]).
#[derive(Debug, Clone, Copy)]
pub struct Moment {
    pub t: f64,
    /// Between sunrise and sunset.
    pub day: bool,
    /// Between dawn and dusk: a day-only aircraft may be in the air.
    pub fly: bool,
    /// The dusk of the calendar day that holds `t`.
    pub dusk: f64,
}

impl Moment {
    /// Whether a day-only flight that starts now and lasts `min` is in the air only between
    /// one dawn and the following dusk ([`Daylight::flight_fits`]).
    #[inline]
    pub fn flight_fits(&self, min: f64) -> bool {
        self.fly && self.t + min <= self.dusk
    }
}

#[derive(Debug, Clone)]
pub struct Site {
    pub id: String,
    pub name: String,
    pub pos: Point,
    /// Whether a move leaving the site (by any unit with an escort delay, aircraft too) waits
    /// for an escort: a transfer from a clinic follows its site's rule, not the rule of the
    /// zone its casualties came from.
    pub escort_required: bool,
    /// Whether airplanes can land here.
    pub airstrip: bool,
}

#[derive(Debug, Clone)]
pub struct Facility {
    pub id: String,
    pub name: String,
    pub site: usize,
    pub pos: Point,
    pub level: Level,
    pub resuscitation: bool,
    /// Whether its site has an airstrip, where airplanes land.
    pub airstrip: bool,
    /// What its resuscitation is, when it resuscitates.
    pub care: Care,
    pub surgery: bool,
    pub tables: u32,
    /// Operations its surgical teams start in one calendar day; the rest wait for the next.
    pub operations_per_day: u32,
    pub surgery_min: Dist,
    /// From arrival until the patient is ready for the operating table.
    pub handover_min: Dist,
}

#[derive(Debug, Clone)]
pub struct AssetGroup {
    pub id: String,
    pub name: String,
    pub kind: AssetKind,
    pub base: usize,
    pub pos: Point,
    pub count: u32,
    pub speed_kmh: f64,
    pub stretchers: u32,
    pub launch_day_min: Dist,
    pub launch_night_min: Dist,
    pub night_capable: bool,
    /// Probability that one unit is serviceable on a given day.
    pub serviceability: f64,
    /// Probability that weather grounds this group on a given day (aircraft only).
    pub weather_grounding: f64,
    /// Weather grounding by calendar month (0 = January), where the scenario gives it; it then
    /// replaces `weather_grounding`.
    pub weather_by_month: Option<[f64; 12]>,
    /// The weather area the group's days are drawn for (its base's site id unless named):
    /// groups in one area share the day's weather, so they are grounded together.
    pub weather_area: String,
    pub approval_min: Dist,
    pub escort_min: Dist,
    pub on_scene_min: Dist,
    pub medical_team: bool,
    /// What the team aboard gives, when there is one.
    pub team_care: Care,
    /// How many casualties on scene the team starts care for, carried or not; 0 means as
    /// many as the lift carries.
    pub team_size: u32,
    /// How many of the crew give first aid on reaching an incident, each to one casualty at a
    /// time, most severe first; 0 means every casualty there has it from the crew's arrival.
    pub first_aid_crew: u32,
    /// How long one of that crew spends on a casualty's first aid.
    pub first_aid_each_min: Dist,
    /// [category]: whether the group lifts casualties of that triage category (evacuation
    /// precedence: routine casualties may be left to a ground move or a later lift).
    pub lifts: [bool; 3],
    /// Where a lift takes its casualties.
    pub delivers_to: Delivery,
    /// Time at the facility before the return leg (handover, refuel, clean-up).
    pub turnaround_min: Dist,
    /// Air legs (helicopters): how it flies between two landings.
    pub air: AirLegs,
}

/// How a helicopter flies a leg: distance flown over great-circle distance, the fixed time of
/// every take-off and landing, and refuelling stops where a leg is longer than its range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AirLegs {
    /// Flown distance over great-circle distance (>= 1): corridors, threats, terrain.
    pub route_factor: f64,
    /// Start-up, climb, approach and landing, once per leg and again per refuelling stop.
    pub leg_overhead_min: f64,
    /// Kilometres flown between refuellings; infinite where the scenario gives none.
    pub range_km: f64,
    /// On the ground at each refuelling stop.
    pub refuel_min: f64,
}

impl AirLegs {
    /// Straight lines at cruise speed, no overhead, no range limit: what a file without the
    /// air-leg fields means.
    pub const DIRECT: AirLegs =
        AirLegs { route_factor: 1.0, leg_overhead_min: 0.0, range_km: f64::INFINITY, refuel_min: 0.0 };

    /// Minutes to fly a leg of `km` great-circle kilometres at `speed_kmh`.
    #[inline]
    pub fn leg_min(&self, km: f64, speed_kmh: f64) -> f64 {
        if km <= 0.0 {
            // No leg is flown to a place the aircraft is already at.
            return 0.0;
        }
        let flown = km * self.route_factor;
        let stops = ((flown / self.range_km).ceil() - 1.0).max(0.0);
        self.leg_overhead_min + flown / speed_kmh * 60.0 + stops * (self.refuel_min + self.leg_overhead_min)
    }
}

impl AssetGroup {
    /// Minutes to cover `km` of great-circle distance in terrain with the given access: a
    /// helicopter's leg with its route factor, overhead and refuelling, a vehicle's by road.
    #[inline]
    pub fn travel_min(&self, km: f64, access: &Access) -> f64 {
        match self.kind {
            AssetKind::Helicopter | AssetKind::Airplane => self.air.leg_min(km, self.speed_kmh),
            AssetKind::Ground => km * access.road_factor / (self.speed_kmh * access.speed_factor) * 60.0,
        }
    }

    /// Mean minutes from tasking to departure: what the dispatcher plans with.
    pub fn planned_departure_min(&self, by_day: bool, access: &Access) -> f64 {
        let launch = if by_day { &self.launch_day_min } else { &self.launch_night_min };
        let escort = if access.escort_required { self.escort_min.mean() } else { 0.0 };
        self.approval_min.mean() + launch.mean() + escort
    }

    /// A helicopter or an airplane: it flies, so weather, daylight and flight clearance bind it.
    #[inline]
    pub fn flies(&self) -> bool {
        self.kind != AssetKind::Ground
    }

    /// An aircraft that flies only between dawn and dusk.
    #[inline]
    pub fn day_only(&self) -> bool {
        self.flies() && !self.night_capable
    }

    /// Whether it can land at facility `f`: anywhere, but an airplane only at an airstrip.
    #[inline]
    pub fn lands_at(&self, f: &Facility) -> bool {
        self.kind != AssetKind::Airplane || f.airstrip
    }

    /// Whether this group can work in a zone with this access at all.
    pub fn can_serve(&self, access: &Access) -> bool {
        match self.kind {
            AssetKind::Helicopter => true,
            AssetKind::Ground => !access.air_only,
            AssetKind::Airplane => access.airstrip,
        }
    }
}

/// Resuscitative care: advanced life support, or damage-control resuscitation with blood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Care {
    Als,
    Dcr,
}

/// Where a lift takes its casualties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The nearest facility (by travel time) that gives what the worst casualty aboard needs.
    Capable,
    /// The nearest facility that resuscitates; surgical casualties go on by transfer.
    Nearest,
    /// For surgical casualties, the facility expected to start the operation soonest: travel,
    /// handover and the queue for its theatre (tables and the day's operations left).
    Soonest,
}

/// How ground vehicles move in a zone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Access {
    /// Road distance over straight-line distance (>= 1).
    pub road_factor: f64,
    /// Multiplies a vehicle's road speed for terrain and season (0 < f <= ...).
    pub speed_factor: f64,
    pub air_only: bool,
    /// Whether assets wait for their escort before moving into this zone.
    pub escort_required: bool,
    /// Whether the pick-up point has an airstrip: a transfer from a facility at an airstrip
    /// site, never a point of wounding.
    pub airstrip: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    pub id: String,
    pub name: String,
    pub area: Area,
    pub incidents_per_day: f64,
    /// Incidents at fixed times (minutes from the start), on top of the Poisson ones.
    pub scheduled_min: Vec<f64>,
    /// Share of incidents that happen between sunset and sunrise.
    pub night_share: f64,
    /// Casualties per incident (rounded, at least 1).
    pub casualties: Dist,
    /// The mean of the count as simulated (each draw rounded to a whole number): what validate
    /// and the reports state, so they agree with the run.
    pub casualties_mean: f64,
    /// Cumulative shares of T1, T2, T3.
    pub severity_cum: [f64; 3],
    pub severity: [f64; 3],
    /// Probability that a casualty of each severity needs surgery.
    pub surgery_share: [f64; 3],
    pub first_aider_share: f64,
    /// From wounding until the trained first-aiders on scene start on the first casualty.
    pub first_aid_min: Dist,
    /// How many trained first-aiders are on scene when there are any (rounded, at least 1).
    pub first_aiders: Dist,
    /// How long a first-aider spends on one casualty before turning to the next.
    pub first_aid_each_min: Dist,
    /// Training tiers of the first-aiders, when the scenario gives them: each first-aider on
    /// scene is of one tier, drawn by share, and takes that tier's time a casualty.
    pub first_aid_tiers: Vec<FirstAidTier>,
    pub report_min: Dist,
    pub access: Access,
    /// Host-nation flight clearance for aircraft into the zone, where the scenario asks for one.
    pub clearance: Option<Clearance>,
    /// A supply route rather than an area: where the counter-IED lever acts.
    pub route: bool,
    /// Share of the random incidents prevented; each incident keeps its own draw, so raising
    /// the share removes incidents and leaves the others exactly as they were.
    pub prevented_share: f64,
}

impl Model {
    /// Whether every incident is scheduled (no zone has a rate): a trial is then one event,
    /// such as a single attack, not a sample of a rate, and no figure is scaled to a longer
    /// period of operations.
    pub fn scheduled_only(&self) -> bool {
        self.zones.iter().all(|z| z.incidents_per_day <= 0.0)
    }
}

impl Zone {
    /// How long a first-aider of training tier `tier` takes over a casualty (the zone's one
    /// time where it has no tiers).
    pub fn aider_each_min(&self, tier: usize) -> &Dist {
        self.first_aid_tiers.get(tier).map_or(&self.first_aid_each_min, |t| &t.each_min)
    }

    /// Whether the two zones generate the same incidents and casualties: every field that
    /// generation reads is equal. The rest act once an incident is reported (ground access,
    /// flight clearance) or only name the zone to a planner or a lever. The fields are listed
    /// in full, so a new one must be placed on one side or the other.
    pub fn generates_like(&self, o: &Zone) -> bool {
        let Zone {
            id,
            name: _,
            area,
            incidents_per_day,
            scheduled_min,
            night_share,
            casualties,
            casualties_mean: _,
            severity_cum,
            severity: _,
            surgery_share,
            first_aider_share,
            first_aid_min,
            first_aiders,
            first_aid_each_min,
            first_aid_tiers,
            report_min,
            access: _,
            clearance: _,
            route: _,
            prevented_share,
        } = self;
        *id == o.id
            && *area == o.area
            && *incidents_per_day == o.incidents_per_day
            && *scheduled_min == o.scheduled_min
            && *night_share == o.night_share
            && *casualties == o.casualties
            && *severity_cum == o.severity_cum
            && *surgery_share == o.surgery_share
            && *first_aider_share == o.first_aider_share
            && *first_aid_min == o.first_aid_min
            && *first_aiders == o.first_aiders
            && *first_aid_each_min == o.first_aid_each_min
            && *first_aid_tiers == o.first_aid_tiers
            && *report_min == o.report_min
            && *prevented_share == o.prevented_share
    }
}

/// Host-nation flight clearance: requested with each evacuation request, answered after a
/// delay, granted or denied; [day, night] by the time it is asked.
#[derive(Debug, Clone, PartialEq)]
pub struct Clearance {
    pub delay_min: [Dist; 2],
    pub denial: [f64; 2],
    /// After a denial, when clearance is asked again; without it, the denial stands and only
    /// ground units can take the request.
    pub retry_min: Option<Dist>,
}

/// A training tier of first-aiders.
#[derive(Debug, Clone, PartialEq)]
pub struct FirstAidTier {
    pub name: String,
    /// Cumulative share up to and including this tier (the last is 1).
    pub share_cum: f64,
    pub each_min: Dist,
}

/// A planner's own lever from the scenario file, for `casevac levers`.
#[derive(Debug, Clone)]
pub struct FileLever {
    pub name: String,
    pub overrides: Vec<crate::scenario::Override>,
    /// Where the file writes its `set`, for a problem with a change to point at.
    pub set_span: Option<std::ops::Range<usize>>,
    pub cost: Option<f64>,
    pub cost_unit: Option<String>,
}

/// Everything a trial needs, validated.
#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub description: String,
    pub sources: Vec<String>,
    /// Counted from the end of the warm-up: the period is `[warmup_min, warmup_min + period_min)`.
    pub period_min: f64,
    /// Simulated before the period and not counted, so a steady-state question does not see
    /// the empty start; whole days.
    pub warmup_min: f64,
    /// Casualties wounded in the period are followed this long after it ends.
    pub follow_up_min: f64,
    pub origin: ClockOrigin,
    pub dispatch: Dispatch,
    /// The headline deadline of each step.
    pub thresholds_min: [f64; 3],
    /// Whether the 1-hour step counts advanced life support too, or only DCR (blood).
    pub resuscitation_counts_als: bool,
    /// [step][category]: whether the step counts casualties of that triage category.
    pub applies_to: [[bool; 3]; 3],
    /// [step][category]: the deadline that category is judged against (the step's, unless
    /// doctrine or the scenario gives the category its own).
    pub deadlines_min: [[f64; 3]; 3],
    /// Compliance targets per step, in percent, where the scenario sets them.
    pub targets_pct: [Option<f64>; 3],
    pub daylight: Daylight,
    /// The calendar month (0 = January) of each day of the trial, when the scenario gives a
    /// start date: what seasonal weather reads.
    pub month_of_day: Vec<u8>,
    /// The `--set` overrides applied to the scenario file, each as `key=value`, in the order
    /// given, so a report can say which what-if it shows.
    pub overrides: Vec<String>,
    pub sites: Vec<Site>,
    pub facilities: Vec<Facility>,
    pub assets: Vec<AssetGroup>,
    pub zones: Vec<Zone>,
    /// Great-circle km from each facility to each asset group's base: the return leg.
    pub facility_to_base_km: Vec<Vec<f64>>,
    /// The deaths model, unless the scenario turns it off.
    pub outcomes: Option<crate::outcome::OutcomeModel>,
    /// The scenario file's own `[[lever]]`s.
    pub levers: Vec<FileLever>,
    /// Onward evacuation to Level 3 (the "+2"), where the scenario turns it on.
    pub onward: Option<Onward>,
}

/// The fourth milestone: a casualty operated on below Level 3 is lifted on to the nearest
/// Level 3 once fit to move, by the same aircraft and vehicles as every other request.
#[derive(Debug, Clone)]
pub struct Onward {
    /// From the end of damage-control surgery to arrival at the Level 3.
    pub deadline_min: f64,
    /// [category]: who is moved onward and counted.
    pub applies_to: [bool; 3],
    /// From the end of surgery until the patient is fit to move.
    pub post_op_min: Dist,
    pub target_pct: Option<f64>,
}

impl Model {
    /// When the counted period ends, in minutes from the start of the trial.
    pub fn period_end_min(&self) -> f64 {
        self.warmup_min + self.period_min
    }

    /// When follow-up ends: anything not done by then counts as not done.
    pub fn horizon_min(&self) -> f64 {
        self.period_end_min() + self.follow_up_min
    }

    /// The name of the zone with id `id`, as the charts and reports give it (the id itself if no
    /// zone has it).
    pub fn zone_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.zones.iter().find(|z| z.id == id).map_or(id, |z| z.name.as_str())
    }

    /// Whether facility `f` has surgical teams that can limit surgery: it operates, and its daily
    /// operations are below [`ROUND_THE_CLOCK_OPS`].
    pub fn teams_limit(&self, f: usize) -> bool {
        let fac = &self.facilities[f];
        fac.tables > 0 && fac.operations_per_day < ROUND_THE_CLOCK_OPS
    }

    /// The calendar days the counted period touches, whole or in part: each gives a facility
    /// its day's operations.
    pub fn calendar_days_in_period(&self) -> f64 {
        ((self.period_end_min() / MIN_PER_DAY).ceil() - (self.warmup_min / MIN_PER_DAY).floor()).max(1.0)
    }

    /// `t` clipped to the counted period, for the busy time of assets and tables.
    pub fn clip_to_period(&self, t: f64) -> f64 {
        t.clamp(self.warmup_min, self.period_end_min())
    }

    /// The probability that weather grounds group `g` on day `day` of the trial.
    pub fn grounding_on(&self, g: usize, day: u64) -> f64 {
        let a = &self.assets[g];
        match (&a.weather_by_month, self.month_of_day.get(day as usize)) {
            (Some(by_month), Some(&m)) => by_month[m as usize],
            _ => a.weather_grounding,
        }
    }

    pub fn unit_count(&self) -> usize {
        self.assets.iter().map(|a| a.count as usize).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fixed daylight, in whole minutes, reads each instant by its minute of the day: the
    /// instant comparisons of `Daylight::at` are exact for it.
    #[test]
    fn fixed_daylight_reads_an_instant_by_its_minute_of_the_day() {
        let d = Daylight { sunrise_min: 389.0, sunset_min: 1060.0, dawn_min: 366.0, dusk_min: 1083.0, days: vec![] };
        let mut times = vec![0.0, -0.0, 1e-300, 1e6, 1e12];
        for day in 0..2000u32 {
            let midnight = f64::from(day) * MIN_PER_DAY;
            for x in [0.0, 366.0, 389.0, 1060.0, 1083.0, 0.1, 1439.9] {
                times.extend([midnight + x, (midnight + x).next_up(), (midnight + x).next_down()]);
            }
        }
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            times.push((x >> 11) as f64 / (1u64 << 53) as f64 * 2e6);
        }
        for t in times {
            let (m, at) = (t.rem_euclid(MIN_PER_DAY), d.at(t));
            assert_eq!(at.day, (389.0..1060.0).contains(&m), "{t:e}");
            assert_eq!(at.fly, (366.0..1083.0).contains(&m), "{t:e}");
        }
    }

    /// Computed daylight has fractional minutes, which a day's midnight added and taken away
    /// rounds: the daily clock's dawn tick, and the dawn a plan waits for, must each be an
    /// instant a day-only aircraft may fly, or a request waiting for dawn waits for the next
    /// event instead (at night, often a day or more).
    #[test]
    fn a_computed_dawn_is_an_instant_a_day_only_aircraft_may_fly() {
        let days: Vec<SolarDay> = (0..800)
            .map(|k| crate::daylight::solar_day((2019, 1, 1), f64::from(k), 16.27, -0.05, 0.0).expect("twilight"))
            .collect();
        let d = Daylight { sunrise_min: 0.0, sunset_min: 0.0, dawn_min: 0.0, dusk_min: 0.0, days };
        for day in 0..800u32 {
            let midnight = f64::from(day) * MIN_PER_DAY;
            let dawn = d.dawn_of_day(midnight);
            assert!(d.at(dawn).fly && !d.at(dawn.next_down()).fly, "day {day}: dawn at {dawn}");
            assert_eq!(d.next_dawn(midnight + 1.0), dawn, "day {day}");
            let s = d.on(midnight);
            let (rise, set, dusk) = (midnight + s.sunrise_min, midnight + s.sunset_min, midnight + s.dusk_min);
            assert!(d.at(rise).day && !d.at(rise.next_down()).day, "day {day}: sunrise");
            assert!(d.at(set.next_down()).day && !d.at(set).day, "day {day}: sunset");
            assert!(d.at(dusk.next_down()).fly && !d.at(dusk).fly && d.at(dusk).dusk == dusk, "day {day}: dusk");
        }
    }

    #[test]
    fn fast_floor_is_floor_bit_for_bit() {
        let two52 = 4_503_599_627_370_496.0_f64;
        let mut xs = vec![0.0, -0.0, 0.5, -0.5, 1e-300, -1e-300, f64::INFINITY, f64::NEG_INFINITY, f64::MAX, f64::MIN];
        for x in [1.0, 1439.0, 1440.0, 1e6, 1e12, two52, 2.0 * two52] {
            xs.extend([x, x.next_up(), x.next_down(), -x, -x.next_down(), x + 0.25]);
        }
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Every bit pattern: all signs, exponents and NaNs.
            xs.push(f64::from_bits(x));
            xs.push((x >> 11) as f64 / (1u64 << 53) as f64 * 1e4);
        }
        for x in xs {
            let (ours, theirs) = (fast_floor(x), x.floor());
            assert!(
                ours.to_bits() == theirs.to_bits() || (ours.is_nan() && theirs.is_nan()),
                "{x:e}: {ours} vs {theirs}"
            );
        }
    }
}
