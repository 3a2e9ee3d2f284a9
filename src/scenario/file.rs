//! The scenario file as serde reads it: the planner's words, kept at the edge.
//!
//! Every value that validation may reject is `Spanned`, so an error can point at its line.
//! The same types give the JSON Schema (`casevac schema`); a `Spanned` field is described as the
//! value it holds (`#[schemars(with = ...)]`), since a span is not part of the file.

use crate::dist::DistSpec;
use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

type S<T> = Spanned<T>;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub scenario: ScenarioSection,
    #[serde(default)]
    pub site: Vec<SiteEntry>,
    #[serde(default)]
    pub facility: Vec<FacilityEntry>,
    #[serde(default)]
    pub asset: Vec<AssetEntry>,
    #[serde(default)]
    pub zone: Vec<ZoneEntry>,
    /// The deaths model; absent, it runs with its published defaults.
    #[serde(default)]
    pub outcomes: OutcomesSection,
    /// The optional fourth milestone ("10-1-2+2"): onward evacuation to a Level 3 after
    /// damage-control surgery below it; absent, it is not modelled.
    #[serde(default)]
    pub onward: OnwardSection,
    /// The planner's own levers for `casevac levers`.
    #[serde(default)]
    pub lever: Vec<LeverEntry>,
}

/// `[[lever]]`: a change (one or several `--set` overrides applied together) for `casevac levers`
/// to weigh beside its default levers.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LeverEntry {
    #[schemars(with = "String")]
    pub name: S<String>,
    /// `KEY=VALUE` overrides, as `--set` takes them.
    #[schemars(with = "Vec<String>")]
    pub set: S<Vec<String>>,
    /// What the change costs, in the planner's own unit.
    #[schemars(with = "Option<f64>")]
    pub cost: Option<S<f64>>,
    pub cost_unit: Option<String>,
}

/// `[outcomes]`: every parameter of the deaths model, each optional.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomesSection {
    pub enabled: Option<bool>,
    #[schemars(with = "Option<PerSeverity>")]
    pub p_fatal: Option<S<PerSeverity>>,
    #[schemars(with = "Option<PerSeverity>")]
    pub p_fatal_low: Option<S<PerSeverity>>,
    #[schemars(with = "Option<PerSeverity>")]
    pub p_fatal_high: Option<S<PerSeverity>>,
    #[schemars(with = "Option<f64>")]
    pub first_aid_factor: Option<S<f64>>,
    #[schemars(with = "Option<f64>")]
    pub first_aid_factor_low: Option<S<f64>>,
    #[schemars(with = "Option<f64>")]
    pub first_aid_factor_high: Option<S<f64>>,
    #[schemars(with = "Option<f64>")]
    pub resuscitation_factor: Option<S<f64>>,
    #[schemars(with = "Option<f64>")]
    pub resuscitation_factor_low: Option<S<f64>>,
    #[schemars(with = "Option<f64>")]
    pub resuscitation_factor_high: Option<S<f64>>,
    /// Knots of the untreated time-to-death curve: minutes after wounding and cumulative shares.
    #[schemars(with = "Option<Vec<f64>>")]
    pub death_curve_min: Option<S<Vec<f64>>>,
    #[schemars(with = "Option<Vec<f64>>")]
    pub death_curve_cum: Option<S<Vec<f64>>>,
}

/// `[onward]`: onward evacuation to Level 3, each field optional.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OnwardSection {
    #[schemars(with = "Option<bool>")]
    pub enabled: Option<S<bool>>,
    /// Minutes from the end of damage-control surgery to arrival at a Level 3.
    #[schemars(with = "Option<f64>")]
    pub deadline_min: Option<S<f64>>,
    /// The triage categories moved onward and counted, as "T1", "T2", "T3".
    #[schemars(with = "Option<Vec<String>>")]
    pub applies_to: Option<S<Vec<String>>>,
    /// Minutes after surgery before the patient is fit to move.
    #[schemars(with = "Option<DistSpec>")]
    pub post_op_min: Option<S<DistSpec>>,
    /// Compliance the mission aims for, in percent.
    #[schemars(with = "Option<f64>")]
    pub target_pct: Option<S<f64>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSection {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub sources: Vec<String>,
    #[schemars(with = "Option<f64>")]
    pub period_days: Option<S<f64>>,
    #[schemars(with = "Option<f64>")]
    pub follow_up_hours: Option<S<f64>>,
    #[schemars(with = "Option<f64>")]
    pub warmup_days: Option<S<f64>>,
    #[serde(default)]
    pub clock_origin: Option<ClockOriginWord>,
    #[serde(default)]
    pub dispatch: Option<DispatchWord>,
    #[serde(default)]
    pub thresholds_min: Thresholds,
    /// The triage categories each step counts, as "T1", "T2", "T3".
    #[serde(default)]
    pub applies_to: StepCategories,
    /// Which care meets the 1-hour step: "dcr" (blood products, the default) or "advanced"
    /// (advanced life support or DCR).
    pub resuscitation_counts: Option<CountsWord>,
    /// Deadlines of one category where doctrine gives it another than the step's.
    #[serde(default)]
    pub category_thresholds_min: CategoryThresholds,
    /// Compliance the mission aims for, per step, in percent: drawn on the compliance chart.
    #[serde(default)]
    pub targets_pct: Thresholds,
    #[serde(default)]
    pub daylight: DaylightSection,
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClockOriginWord {
    Wounding,
    Request,
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DispatchWord {
    FirstIdle,
    BestArrival,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    #[schemars(with = "Option<f64>")]
    pub first_aid: Option<S<f64>>,
    #[schemars(with = "Option<f64>")]
    pub resuscitation: Option<S<f64>>,
    #[schemars(with = "Option<f64>")]
    pub surgery: Option<S<f64>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepCategories {
    #[schemars(with = "Option<Vec<String>>")]
    pub first_aid: Option<S<Vec<String>>>,
    #[schemars(with = "Option<Vec<String>>")]
    pub resuscitation: Option<S<Vec<String>>>,
    #[schemars(with = "Option<Vec<String>>")]
    pub surgery: Option<S<Vec<String>>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryThresholds {
    pub first_aid: Option<PerCategoryMin>,
    pub resuscitation: Option<PerCategoryMin>,
    pub surgery: Option<PerCategoryMin>,
}

/// Minutes for some of the triage categories.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerCategoryMin {
    #[schemars(with = "Option<f64>")]
    pub t1: Option<S<f64>>,
    #[schemars(with = "Option<f64>")]
    pub t2: Option<S<f64>>,
    #[schemars(with = "Option<f64>")]
    pub t3: Option<S<f64>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DaylightSection {
    /// Local time "HH:MM".
    #[schemars(with = "Option<String>")]
    pub sunrise: Option<S<String>>,
    #[schemars(with = "Option<String>")]
    pub sunset: Option<S<String>>,
    /// Start and end of civil twilight, local "HH:MM": the window day-only aircraft fly in.
    #[schemars(with = "Option<String>")]
    pub dawn: Option<S<String>>,
    #[schemars(with = "Option<String>")]
    pub dusk: Option<S<String>>,
    /// The first day of the trial, "YYYY-MM-DD": daylight is then computed, not given.
    #[schemars(with = "Option<String>")]
    pub start_date: Option<S<String>>,
    /// The site daylight is computed at (default: the first site).
    #[schemars(with = "Option<String>")]
    pub site: Option<S<String>>,
    /// The local clock's offset from UTC, hours (default: the site's longitude / 15, rounded).
    #[schemars(with = "Option<f64>")]
    pub utc_offset_hours: Option<S<f64>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteEntry {
    #[schemars(with = "String")]
    pub id: S<String>,
    pub name: Option<String>,
    #[schemars(with = "f64")]
    pub lat: S<f64>,
    #[schemars(with = "f64")]
    pub lon: S<f64>,
    /// Whether a ground move leaving this site (a transfer from its clinic) waits for an escort.
    #[serde(default)]
    pub escort_required: bool,
    /// Whether airplanes can land here.
    #[serde(default)]
    pub airstrip: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LevelWord {
    Level1,
    Level1plus,
    Level2,
    Level3,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FacilityEntry {
    #[schemars(with = "String")]
    pub id: S<String>,
    pub name: Option<String>,
    #[schemars(with = "String")]
    pub site: S<String>,
    #[schemars(with = "LevelWord")]
    pub level: S<LevelWord>,
    pub resuscitation: Option<bool>,
    /// What its resuscitation is: "als" or "dcr" (blood).
    pub care: Option<CareWord>,
    #[schemars(with = "Option<bool>")]
    pub surgery: Option<S<bool>>,
    #[schemars(with = "Option<i64>")]
    pub operating_tables: Option<S<i64>>,
    #[schemars(with = "Option<i64>")]
    pub operations_per_day: Option<S<i64>>,
    #[schemars(with = "Option<DistSpec>")]
    pub surgery_min: Option<S<DistSpec>>,
    #[schemars(with = "Option<DistSpec>")]
    pub handover_min: Option<S<DistSpec>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KindWord {
    Helicopter,
    Ground,
    Airplane,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetEntry {
    #[schemars(with = "String")]
    pub id: S<String>,
    pub name: Option<String>,
    pub kind: KindWord,
    #[schemars(with = "String")]
    pub base: S<String>,
    #[schemars(with = "Option<i64>")]
    pub count: Option<S<i64>>,
    #[schemars(with = "f64")]
    pub speed_kmh: S<f64>,
    #[schemars(with = "Option<i64>")]
    pub stretchers: Option<S<i64>>,
    #[schemars(with = "Option<DistSpec>")]
    pub launch_day_min: Option<S<DistSpec>>,
    #[schemars(with = "Option<DistSpec>")]
    pub launch_night_min: Option<S<DistSpec>>,
    #[schemars(with = "Option<bool>")]
    pub night_capable: Option<S<bool>>,
    #[schemars(with = "Option<f64>")]
    pub serviceability: Option<S<f64>>,
    #[schemars(with = "Option<f64>")]
    pub weather_grounding: Option<S<f64>>,
    /// Weather grounding by month, January to December (needs daylight.start_date).
    #[schemars(with = "Option<Vec<f64>>")]
    pub weather_grounding_by_month: Option<S<Vec<f64>>>,
    /// The weather area whose days ground this group (default: its base).
    #[schemars(with = "Option<String>")]
    pub weather_area: Option<S<String>>,
    #[schemars(with = "Option<DistSpec>")]
    pub approval_min: Option<S<DistSpec>>,
    #[schemars(with = "Option<DistSpec>")]
    pub escort_min: Option<S<DistSpec>>,
    #[schemars(with = "Option<DistSpec>")]
    pub on_scene_min: Option<S<DistSpec>>,
    #[serde(default)]
    pub medical_team: bool,
    /// What the medical team aboard can give: "als" or "dcr" (blood).
    pub team_care: Option<CareWord>,
    /// How many casualties the team can start care for on scene, carried or not.
    #[schemars(with = "Option<i64>")]
    pub team_size: Option<S<i64>>,
    /// How many of the crew give first aid on reaching an incident, each to one casualty at a
    /// time.
    #[schemars(with = "Option<i64>")]
    pub first_aid_crew: Option<S<i64>>,
    /// How long one of that crew spends on a casualty's first aid.
    #[schemars(with = "Option<DistSpec>")]
    pub first_aid_each_min: Option<S<DistSpec>>,
    /// The triage categories this group lifts from an incident ("T1", "T2", "T3").
    #[schemars(with = "Option<Vec<String>>")]
    pub lifts: Option<S<Vec<String>>>,
    pub delivers_to: Option<DeliversTo>,
    #[schemars(with = "Option<DistSpec>")]
    pub turnaround_min: Option<S<DistSpec>>,
    /// Helicopters: flown distance over great-circle distance.
    #[schemars(with = "Option<f64>")]
    pub route_factor: Option<S<f64>>,
    /// Helicopters: minutes of start-up, climb, approach and landing per leg.
    #[schemars(with = "Option<f64>")]
    pub leg_overhead_min: Option<S<f64>>,
    /// Helicopters: km flown between refuellings.
    #[schemars(with = "Option<f64>")]
    pub range_km: Option<S<f64>>,
    /// Helicopters: minutes on the ground at each refuelling stop.
    #[schemars(with = "Option<f64>")]
    pub refuel_min: Option<S<f64>>,
}

/// Advanced life support without blood, or damage-control resuscitation with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CareWord {
    Als,
    Dcr,
}

/// Which care meets the 1-hour step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CountsWord {
    Dcr,
    Advanced,
}

/// Where an asset takes casualties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliversTo {
    /// The nearest facility that gives what the most severe casualty aboard needs.
    Capable,
    /// The nearest facility that resuscitates; surgical casualties go on by transfer.
    Nearest,
    /// Surgical casualties to the facility expected to operate soonest, counting its queue.
    Soonest,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LatLon {
    #[schemars(with = "f64")]
    pub lat: S<f64>,
    #[schemars(with = "f64")]
    pub lon: S<f64>,
}

/// Shares or probabilities per triage category.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerSeverity {
    #[schemars(with = "f64")]
    pub t1: S<f64>,
    #[schemars(with = "f64")]
    pub t2: S<f64>,
    #[schemars(with = "f64")]
    pub t3: S<f64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ZoneEntry {
    #[schemars(with = "String")]
    pub id: S<String>,
    pub name: Option<String>,
    pub centre: Option<LatLon>,
    #[schemars(with = "Option<f64>")]
    pub radius_km: Option<S<f64>>,
    /// [[lat, lon], ...]
    /// Read as lists of any length, so a point with a third number is refused, not cut.
    #[schemars(with = "Option<Vec<Vec<f64>>>")]
    pub polygon: Option<S<Vec<Vec<f64>>>>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub incidents_per_day: Option<S<f64>>,
    /// Incidents at fixed times, in hours from the start of the period.
    #[schemars(with = "Option<Vec<f64>>")]
    pub scheduled_hours: Option<S<Vec<f64>>>,
    #[schemars(with = "Option<f64>")]
    pub night_share: Option<S<f64>>,
    #[schemars(with = "Option<DistSpec>")]
    pub casualties: Option<S<DistSpec>>,
    #[schemars(with = "PerSeverity")]
    pub severity: S<PerSeverity>,
    #[schemars(with = "PerSeverity")]
    pub surgery_share: S<PerSeverity>,
    #[schemars(with = "f64")]
    pub first_aider_share: S<f64>,
    #[schemars(with = "Option<DistSpec>")]
    pub first_aid_min: Option<S<DistSpec>>,
    #[schemars(with = "Option<DistSpec>")]
    pub first_aiders: Option<S<DistSpec>>,
    #[schemars(with = "Option<DistSpec>")]
    pub first_aid_each_min: Option<S<DistSpec>>,
    /// Training tiers of the first-aiders on scene, each with its share and its time a casualty.
    #[schemars(with = "Option<Vec<TierEntry>>")]
    pub first_aider_tiers: Option<S<Vec<TierEntry>>>,
    #[schemars(with = "DistSpec")]
    pub report_delay_min: S<DistSpec>,
    #[schemars(with = "Option<f64>")]
    pub road_factor: Option<S<f64>>,
    #[schemars(with = "Option<f64>")]
    pub ground_speed_factor: Option<S<f64>>,
    #[serde(default)]
    pub air_only: bool,
    /// Whether moves into this zone wait for an escort (default true).
    pub escort_required: Option<bool>,
    /// Host-nation flight clearance: minutes to an answer, by day and by night.
    #[schemars(with = "Option<DistSpec>")]
    pub clearance_min: Option<S<DistSpec>>,
    #[schemars(with = "Option<DistSpec>")]
    pub clearance_night_min: Option<S<DistSpec>>,
    /// Probability that a clearance request is denied, by day and by night.
    #[schemars(with = "Option<f64>")]
    pub clearance_denial: Option<S<f64>>,
    #[schemars(with = "Option<f64>")]
    pub clearance_denial_night: Option<S<f64>>,
    /// Minutes after a denial until clearance is asked again (default: never).
    #[schemars(with = "Option<DistSpec>")]
    pub clearance_retry_min: Option<S<DistSpec>>,
    /// "route" for a supply route (roadside bombs, ambushes), "area" otherwise (the default).
    pub kind: Option<ZoneKindWord>,
    /// Share of the zone's random incidents that prevention (counter-IED, force protection)
    /// stops from happening.
    #[schemars(with = "Option<f64>")]
    pub prevented_share: Option<S<f64>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ZoneKindWord {
    Route,
    Area,
}

/// One training tier of first-aiders: buddy first aid, combat lifesaver, medic.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TierEntry {
    pub name: String,
    /// Share of the first-aiders on scene trained to this tier.
    pub share: f64,
    /// How long one of them spends on a casualty.
    pub each_min: DistSpec,
}
