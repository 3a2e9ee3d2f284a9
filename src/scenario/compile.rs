//! Validation and compilation of a parsed scenario into a [`Model`]: every problem is collected,
//! not just the first, and each points at the value to fix.

use super::error::Problem;
use super::file::*;
use crate::dist::{Dist, DistSpec};
use crate::geo::{Area, Point, check_ring};
use crate::model::*;
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;

/// The help under a distribution's problem, which itself says what its shape needs: true of
/// every shape, unlike "cannot be negative" beside a lognormal's cv of 0.
const DIST_HELP: &str =
    "times are in minutes; docs/scenario-format.md, \"Distributions\", gives each shape's parameters";

/// What a scenario may hold. A planner's laydown is a few dozen of each; these leave room for a
/// theatre-wide study while keeping validation, the engine and every chart and map bounded (the
/// charts draw a row per zone, asset group and facility). The guide states them.
pub const MAX_SITES: usize = 500;
pub const MAX_FACILITIES: usize = 200;
pub const MAX_ASSET_GROUPS: usize = 200;
/// Units in one asset group, and in all groups together.
pub const MAX_UNITS_PER_GROUP: i64 = 1000;
pub const MAX_UNITS: u64 = 2000;
/// The fastest cruise or road speed taken, km/h.
pub const MAX_SPEED_KMH: f64 = 1000.0;
pub const MAX_ZONES: usize = 200;
pub const MAX_POLYGON_POINTS: usize = 1000;
pub const MAX_SCHEDULED_INCIDENTS: usize = 10_000;
pub const MAX_STRETCHERS: i64 = 100;
pub const MAX_OPERATING_TABLES: i64 = 1000;
/// The longest deadline: a week. A standard's deadlines are minutes to hours; more is a typo.
pub const MAX_THRESHOLD_MIN: f64 = 10_080.0;

struct Ctx {
    problems: Vec<Problem>,
}

impl Ctx {
    fn err(&mut self, span: Option<Range<usize>>, message: impl Into<String>, help: impl Into<String>) {
        self.problems.push(Problem { span, message: message.into(), help: help.into(), source: None });
    }

    /// A number that must satisfy `ok`; on failure the problem names the field and the fix.
    fn num(&mut self, v: &Spanned<f64>, what: &str, ok: impl Fn(f64) -> bool, help: &str) -> f64 {
        let x = *v.get_ref();
        if !x.is_finite() || !ok(x) {
            self.err(Some(v.span()), format!("{what} = {} is out of range", crate::dist::Shown(x)), help);
        }
        x
    }

    fn opt_num(
        &mut self,
        v: &Option<Spanned<f64>>,
        default: f64,
        what: &str,
        ok: impl Fn(f64) -> bool,
        help: &str,
    ) -> f64 {
        match v {
            Some(v) => self.num(v, what, ok, help),
            None => default,
        }
    }

    fn share(&mut self, v: &Spanned<f64>, what: &str) -> f64 {
        self.num(v, what, |x| (0.0..=1.0).contains(&x), "give a probability between 0 and 1")
    }

    fn count(&mut self, v: &Option<Spanned<i64>>, default: i64, what: &str, (min, max): (i64, i64)) -> u32 {
        match v {
            Some(v) => {
                let x = *v.get_ref();
                if x < min || x > max {
                    self.err(
                        Some(v.span()),
                        format!("{what} = {x} is out of range"),
                        format!("give a whole number from {min} to {max}"),
                    );
                    return min.max(0) as u32;
                }
                x as u32
            }
            None => default as u32,
        }
    }

    fn dist(&mut self, v: &Option<Spanned<DistSpec>>, default: DistSpec, what: &str) -> Dist {
        let (spec, span) = match v {
            Some(v) => (v.get_ref(), Some(v.span())),
            None => (&default, None),
        };
        match spec.compile(true) {
            Ok(d) => d,
            Err(e) => {
                self.err(span, format!("{what}: {e}"), DIST_HELP);
                Dist::ZERO
            }
        }
    }
}

/// Casualties per incident: a count from 1 to [`MAX_CASUALTIES_PER_INCIDENT`], drawn and rounded
/// to a whole number. Refused rather than clamped when a value falls outside, so `validate` and
/// `run` describe the same counts; returns the sampler and the mean of the rounded count.
fn casualty_count(spec: &DistSpec) -> Result<(Dist, f64), String> {
    let max = f64::from(MAX_CASUALTIES_PER_INCIDENT);
    let whole = |v: f64| v.fract() == 0.0 && (1.0..=max).contains(&v);
    let (lo, hi) = match spec {
        DistSpec::Exponential { .. } | DistSpec::LogNormal { .. } => {
            return Err("exponential and lognormal have no upper end, and a count of casualties needs one: \
                        use fixed, uniform, triangular, pert, or a table for a long tail"
                .into());
        }
        DistSpec::Fixed(v) => (*v, *v),
        DistSpec::Table { values, .. } => {
            if let Some(v) = values.iter().find(|&&v| !whole(v)) {
                return Err(format!("table values are whole numbers of casualties from 1 to 1000 (got {v})"));
            }
            (1.0, max)
        }
        DistSpec::Uniform { min, max } => (*min, *max),
        DistSpec::Triangular { min, max, .. } | DistSpec::Pert { min, max, .. } => (*min, *max),
    };
    if matches!(spec, DistSpec::Fixed(_)) && !whole(lo) {
        return Err(format!("a fixed count is a whole number of casualties from 1 to 1000 (got {lo})"));
    }
    if !(lo >= 1.0 && hi <= max) {
        return Err(format!(
            "casualties per incident run from 1 to 1000, so min must be at least 1 and max at most 1000 \
             (got min = {lo}, max = {hi})"
        ));
    }
    let dist = spec.compile(true)?;
    let mean = match *spec {
        DistSpec::Uniform { min, max } => rounded_mean(min, max, |_| 1.0),
        DistSpec::Triangular { min, mode, max } => {
            rounded_mean(min, max, |x| if x < mode { (x - min) / (mode - min) } else { (max - x) / (max - mode) })
        }
        DistSpec::Pert { min, mode, max } => {
            let (a, b) = (1.0 + 4.0 * (mode - min) / (max - min), 1.0 + 4.0 * (max - mode) / (max - min));
            rounded_mean(min, max, |x| {
                let y = (x - min) / (max - min);
                y.powf(a - 1.0) * (1.0 - y).powf(b - 1.0)
            })
        }
        // Whole values: the draw is its own rounding.
        _ => dist.mean(),
    };
    Ok((dist, mean))
}

/// How many trained first-aiders are on scene when there are any. Each draw is rounded and
/// counted as at least one, so a count that is always below a half (`first_aiders = 0`) would
/// silently become one: refused, since no first-aider on scene is `first_aider_share`'s to say.
fn first_aiders(ctx: &mut Ctx, e: &ZoneEntry, id: &str) -> Dist {
    if let Some(v) = &e.first_aiders {
        let highest = match v.get_ref() {
            DistSpec::Fixed(x) => *x,
            DistSpec::Uniform { max, .. } | DistSpec::Triangular { max, .. } | DistSpec::Pert { max, .. } => *max,
            DistSpec::Table { values, .. } => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            DistSpec::Exponential { .. } | DistSpec::LogNormal { .. } => f64::INFINITY,
        };
        if highest < 0.5 {
            ctx.err(
                Some(v.span()),
                format!("zone '{id}': first_aiders is never 1 or more (at most {highest}), and is counted as 1"),
                "give how many trained first-aiders are on scene when there are any (1 or more); for \
                 incidents without one, lower first_aider_share",
            );
        }
    }
    ctx.dist(&e.first_aiders, DistSpec::Fixed(1.0), "first_aiders")
}

/// The mean of round(X) for X with density proportional to `density` on [min, max], by the
/// midpoint rule on 100,000 steps: within a few millionths of a casualty, well below what any
/// report shows.
fn rounded_mean(min: f64, max: f64, density: impl Fn(f64) -> f64) -> f64 {
    if min == max {
        return min.round();
    }
    const STEPS: usize = 100_000;
    let h = (max - min) / STEPS as f64;
    let (mut total, mut weighted) = (0.0, 0.0);
    for i in 0..STEPS {
        let x = min + (i as f64 + 0.5) * h;
        let g = density(x);
        total += g;
        weighted += g * x.round();
    }
    weighted / total
}

/// Parses "HH:MM" into minutes after midnight.
/// Daylight computed at a site (the first, unless named) for each of the trial's `trial_days`
/// calendar days, counted from `start_date`, the first day of the trial; the `middle` day's
/// times stand for the period in reports.
fn computed_daylight(
    ctx: &mut Ctx,
    dl: &DaylightSection,
    date: &Spanned<String>,
    site_ids: &HashMap<String, usize>,
    sites: &[Site],
    (middle, trial_days): (usize, usize),
) -> Daylight {
    let fallback =
        Daylight { sunrise_min: 360.0, sunset_min: 1080.0, dawn_min: 360.0, dusk_min: 1080.0, days: Vec::new() };
    for (v, what) in [(&dl.sunrise, "sunrise"), (&dl.sunset, "sunset"), (&dl.dawn, "dawn"), (&dl.dusk, "dusk")] {
        if let Some(v) = v {
            ctx.err(
                Some(v.span()),
                format!("daylight.{what} is given with start_date, which computes it"),
                "keep either the fixed times or start_date (with site and utc_offset_hours), not both",
            );
        }
    }
    let Some(ymd) = crate::daylight::parse_date(date.get_ref()) else {
        ctx.err(
            Some(date.span()),
            format!("start_date = \"{}\" is not a calendar date", date.get_ref()),
            "write the date as \"YYYY-MM-DD\", for example \"2019-01-15\"",
        );
        return fallback;
    };
    let site = match &dl.site {
        Some(s) => resolve(ctx, site_ids, "site", s),
        None => (!sites.is_empty()).then_some(0),
    };
    let Some(site) = site.map(|i| &sites[i]) else { return fallback };
    // A site whose position was refused has that problem already; the Sun at a latitude of 95
    // would only add a second one, about a date that is fine.
    if !((-90.0..=90.0).contains(&site.pos.lat) && (-180.0..=180.0).contains(&site.pos.lon)) {
        return fallback;
    }
    // By default the clock of the site's solar time zone, to the nearest hour.
    let offset_h = match &dl.utc_offset_hours {
        Some(v) => ctx.num(
            v,
            "utc_offset_hours",
            |x| (-12.0..=14.0).contains(&x),
            "give the local clock's offset from UTC in hours, -12 to 14",
        ),
        None => (site.pos.lon / 15.0).round(),
    };
    let mut days = Vec::with_capacity(trial_days);
    for n in 0..trial_days {
        match crate::daylight::solar_day(ymd, n as f64, site.pos.lat, site.pos.lon, offset_h) {
            Some(s) if s.dawn_min >= 0.0 && s.dusk_min < MIN_PER_DAY => days.push(s),
            // The Sun rises and sets within the day, but civil twilight runs on past midnight
            // (white nights, above about 55° of latitude in summer): each day's twilight must
            // lie within its calendar day.
            Some(s) if s.sunrise_min >= 0.0 && s.sunset_min < MIN_PER_DAY => {
                let (what, t) = if s.dusk_min >= MIN_PER_DAY {
                    ("dusk", crate::summary::clock(s.dusk_min - MIN_PER_DAY) + " the next day")
                } else {
                    ("dawn", crate::summary::clock(s.dawn_min + MIN_PER_DAY) + " the day before")
                };
                ctx.err(
                    Some(date.span()),
                    format!(
                        "at site '{}' civil {what} on day {n} of the trial falls outside its local calendar day \
                         (at {t}): twilight lasts through midnight",
                        site.id
                    ),
                    "give fixed times instead (sunrise, sunset, dawn, dusk), with dawn = \"00:00\" or dusk = \"23:59\" \
                     for twilight through the night",
                );
                return fallback;
            }
            Some(_) => {
                ctx.err(
                    dl.utc_offset_hours.as_ref().map(|v| v.span()),
                    format!(
                        "at site '{}' daylight does not fall within one local calendar day with this clock",
                        site.id
                    ),
                    "give utc_offset_hours for the local clock, or fixed times",
                );
                return fallback;
            }
            None => {
                ctx.err(
                    Some(date.span()),
                    format!(
                        "the Sun does not rise and set through civil twilight at site '{}' on day {n} of the trial",
                        site.id
                    ),
                    "give fixed times (sunrise, sunset, dawn, dusk) for a polar day or night",
                );
                return fallback;
            }
        }
    }
    let s = days[middle.min(trial_days - 1)];
    Daylight { sunrise_min: s.sunrise_min, sunset_min: s.sunset_min, dawn_min: s.dawn_min, dusk_min: s.dusk_min, days }
}

/// A zone's host-nation flight clearance, if any of its fields is given.
fn clearance(ctx: &mut Ctx, e: &ZoneEntry) -> Option<Clearance> {
    let given = e.clearance_min.is_some()
        || e.clearance_night_min.is_some()
        || e.clearance_denial.is_some()
        || e.clearance_denial_night.is_some()
        || e.clearance_retry_min.is_some();
    if !given {
        return None;
    }
    let denial_help = "give the probability that a request is denied, 0 to less than 1";
    let below_one = |x: f64| (0.0..1.0).contains(&x);
    let day_denial = ctx.opt_num(&e.clearance_denial, 0.0, "clearance_denial", below_one, denial_help);
    let night_denial =
        ctx.opt_num(&e.clearance_denial_night, day_denial, "clearance_denial_night", below_one, denial_help);
    let day_delay = ctx.dist(&e.clearance_min, DistSpec::Fixed(0.0), "clearance_min");
    let night_delay = match &e.clearance_night_min {
        Some(_) => ctx.dist(&e.clearance_night_min, DistSpec::Fixed(0.0), "clearance_night_min"),
        None => day_delay.clone(),
    };
    if let Some(r) = &e.clearance_retry_min
        && day_denial == 0.0
        && night_denial == 0.0
    {
        ctx.err(
            Some(r.span()),
            format!("clearance_retry_min has no effect: zone '{}' never denies clearance", e.id.get_ref()),
            "give clearance_denial (or clearance_denial_night), or remove clearance_retry_min",
        );
    }
    let retry_min = e
        .clearance_retry_min
        .as_ref()
        .map(|_| ctx.dist(&e.clearance_retry_min, DistSpec::Fixed(60.0), "clearance_retry_min"));
    // Asked again at once and answered at once, a denial is no delay at all, only a loop: at a
    // denial of 0.999999 a request would ask a million times in one instant. A wait of a minute
    // on average bounds the asks by the minutes the trial lasts.
    if let (Some(r), Some(retry)) = (&e.clearance_retry_min, &retry_min)
        && retry.mean() < 1.0
    {
        ctx.err(
            Some(r.span()),
            format!(
                "clearance_retry_min averages {} min: a denied request must wait at least a minute on average before \
                 asking again",
                (retry.mean() * 1000.0).round() / 1000.0
            ),
            "give the minutes a denied request waits, for example clearance_retry_min = 60",
        );
    }
    Some(Clearance { delay_min: [day_delay, night_delay], denial: [day_denial, night_denial], retry_min })
}

/// How a kind of asset is named in messages, as in the file.
fn kind_word(k: KindWord) -> &'static str {
    match k {
        KindWord::Helicopter => "helicopter",
        KindWord::Ground => "ground unit",
        KindWord::Airplane => "airplane",
    }
}

fn clock_min(s: &str) -> Option<f64> {
    let (h, m) = s.split_once(':')?;
    let (h, m): (u32, u32) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    (h < 24 && m < 60).then_some((h * 60 + m) as f64)
}

fn index_ids<'a>(ctx: &mut Ctx, kind: &str, ids: impl Iterator<Item = &'a Spanned<String>>) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for (i, id) in ids.enumerate() {
        if id.get_ref().trim().is_empty() {
            ctx.err(Some(id.span()), format!("{kind} id is empty"), "give every entry a short unique id");
        } else if id.get_ref().chars().any(char::is_control) {
            // A line break or a NUL in an id would break every table and file it names.
            ctx.err(
                Some(id.span()),
                format!("{kind} id {:?} holds a control character", id.get_ref()),
                "use letters, digits, '_' and '-' in ids",
            );
        } else if map.insert(id.get_ref().clone(), i).is_some() {
            ctx.err(
                Some(id.span()),
                format!("{kind} id '{}' is used twice", id.get_ref()),
                "ids must be unique within their kind",
            );
        }
    }
    map
}

fn resolve(ctx: &mut Ctx, map: &HashMap<String, usize>, kind: &str, r: &Spanned<String>) -> Option<usize> {
    let found = map.get(r.get_ref()).copied();
    if found.is_none() {
        let mut known: Vec<&str> = map.keys().map(String::as_str).collect();
        known.sort_unstable();
        // A long list helps nobody and, repeated for every bad reference, would grow with the
        // square of the file.
        const SHOWN: usize = 20;
        let mut listed = known.iter().take(SHOWN).copied().collect::<Vec<_>>().join(", ");
        if known.len() > SHOWN {
            listed.push_str(&format!(" and {} more", known.len() - SHOWN));
        }
        let hint = match crate::scenario::overrides::closest(r.get_ref(), known.iter().copied()) {
            Some(near) => format!("did you mean '{near}'? known {kind} ids: {listed}"),
            None if known.is_empty() => format!("define a [[{kind}]] first"),
            None => format!("known {kind} ids: {listed}"),
        };
        ctx.err(Some(r.span()), format!("unknown {kind} '{}'", r.get_ref()), hint);
    }
    found
}

/// A list of triage categories ("T1", "T2", "T3", any case) as a set; an unknown word or an
/// empty list is a problem named by `what`.
fn categories(ctx: &mut Ctx, v: &Spanned<Vec<String>>, what: &str) -> [bool; 3] {
    let mut set = [false; 3];
    let mut repeated = [false; 3];
    for word in v.get_ref() {
        match SEVERITIES.iter().position(|s| s.eq_ignore_ascii_case(word.trim())) {
            // A category named twice is most likely a slip for another one (said once, however
            // often it is repeated).
            Some(k) if set[k] => {
                if !std::mem::replace(&mut repeated[k], true) {
                    ctx.err(
                        Some(v.span()),
                        format!("{what} `{word}` more than once"),
                        "list each category once; did you mean another of \"T1\", \"T2\", \"T3\"?",
                    );
                }
            }
            Some(k) => set[k] = true,
            None => ctx.err(
                Some(v.span()),
                format!("{what} `{word}`, which is not a triage category"),
                "list categories from \"T1\", \"T2\", \"T3\"",
            ),
        }
    }
    if set == [false; 3] {
        ctx.err(Some(v.span()), format!("{what} no category"), "list at least one of \"T1\", \"T2\", \"T3\"");
    }
    set
}

pub fn compile(f: &ScenarioFile) -> Result<Model, Vec<Problem>> {
    let mut ctx = Ctx { problems: Vec::new() };
    let sc = &f.scenario;
    let period_days = ctx.opt_num(
        &sc.period_days,
        30.0,
        "period_days",
        |x| x > 0.0 && x <= 3660.0,
        "give the simulated period in days, more than 0 and at most 3660",
    );
    let follow_up_hours = ctx.opt_num(
        &sc.follow_up_hours,
        48.0,
        "follow_up_hours",
        |x| (0.0..=720.0).contains(&x),
        "give how long casualties are followed after the period, 0 to 720 hours",
    );
    let warmup_days = ctx.opt_num(
        &sc.warmup_days,
        0.0,
        "warmup_days",
        |x| (0.0..=365.0).contains(&x) && x.fract() == 0.0,
        "give whole days of warm-up, 0 to 365, so the counted period still starts at midnight",
    );
    let th = &sc.thresholds_min;
    let thresholds_min = [
        (&th.first_aid, 10.0, "first_aid"),
        (&th.resuscitation, 60.0, "resuscitation"),
        (&th.surgery, 120.0, "surgery"),
    ]
    .map(|(v, d, n)| {
        ctx.opt_num(
            v,
            d,
            &format!("thresholds_min.{n}"),
            |x| x > 0.0 && x <= MAX_THRESHOLD_MIN,
            "give the deadline in minutes, more than 0 and at most 10080 (a week)",
        )
    });
    // Doctrine (NATO 2011, as the format guide cites it): the 10 minutes and the hour are for
    // the most severely injured, T1 and T2; surgery counts every casualty who needs it.
    let ap = &sc.applies_to;
    let default_applies = [[true, true, false], [true, true, false], [true, true, true]];
    let mut applies_to = default_applies;
    for (step, (v, n)) in [(&ap.first_aid, "first_aid"), (&ap.resuscitation, "resuscitation"), (&ap.surgery, "surgery")]
        .iter()
        .enumerate()
    {
        let Some(v) = v else { continue };
        applies_to[step] = categories(&mut ctx, v, &format!("applies_to.{n} names"));
    }
    // The "rule it replaced" allowed 4 hours for primary surgery: a delayed (T2) or minimal (T3)
    // casualty who needs surgery keeps that allowance by default, never held to less than the
    // most urgent; damage-control surgery of a T1 is the 2 h.
    let ct = &sc.category_thresholds_min;
    let mut deadlines_min = thresholds_min.map(|t| [t; 3]);
    for k in [1, 2] {
        deadlines_min[2][k] = deadlines_min[2][k].max(240.0);
    }
    for (step, (v, n)) in [(&ct.first_aid, "first_aid"), (&ct.resuscitation, "resuscitation"), (&ct.surgery, "surgery")]
        .iter()
        .enumerate()
    {
        let Some(v) = v else { continue };
        for (k, c) in [&v.t1, &v.t2, &v.t3].into_iter().enumerate() {
            if let Some(c) = c {
                deadlines_min[step][k] = ctx.num(
                    c,
                    &format!("category_thresholds_min.{n}.t{}", k + 1),
                    |x| x > 0.0 && x <= MAX_THRESHOLD_MIN,
                    "give the deadline in minutes, more than 0 and at most 10080 (a week)",
                );
            }
        }
    }
    let tg = &sc.targets_pct;
    let targets_pct = [(&tg.first_aid, "first_aid"), (&tg.resuscitation, "resuscitation"), (&tg.surgery, "surgery")]
        .map(|(v, n)| {
            v.as_ref().map(|v| {
                let what = format!("targets_pct.{n}");
                let x = ctx.num(v, &what, |x| (0.0..=100.0).contains(&x), "give a target share in percent, 0 to 100");
                // Every other share in the file is 0 to 1: a target of 1% or less is that
                // habit (0.9 for 90%), never a mission's aim.
                if x > 0.0 && x <= 1.0 {
                    ctx.err(
                        Some(v.span()),
                        format!(
                            "{what} = {} reads as {}%: targets are in percent",
                            crate::dist::Shown(x),
                            crate::dist::Shown(x)
                        ),
                        format!("write {} for {}%", crate::dist::Shown(x * 100.0), crate::dist::Shown(x * 100.0)),
                    );
                }
                x
            })
        });
    // Sites
    let site_ids = index_ids(&mut ctx, "site", f.site.iter().map(|s| &s.id));
    let sites: Vec<Site> = f
        .site
        .iter()
        .map(|s| {
            let lat =
                ctx.num(&s.lat, "lat", |x| (-90.0..=90.0).contains(&x), "latitude is in decimal degrees, -90 to 90");
            let lon = ctx.num(
                &s.lon,
                "lon",
                |x| (-180.0..=180.0).contains(&x),
                "longitude is in decimal degrees, -180 to 180",
            );
            Site {
                id: s.id.get_ref().clone(),
                name: s.name.clone().unwrap_or_else(|| s.id.get_ref().clone()),
                pos: Point::new(lat, lon),
                escort_required: s.escort_required,
                airstrip: s.airstrip,
            }
        })
        .collect();
    let site_pos = |i: Option<usize>| i.map_or(Point::new(0.0, 0.0), |i| sites[i].pos);

    // Daylight: fixed local times, or computed for a place and date.
    let dl = &sc.daylight;
    // Each day's month, for seasonal weather: every day the trial can reach, follow-up included.
    // Clamped, because an out-of-range period has been reported but is still in hand here.
    let trial_days = (warmup_days + period_days + follow_up_hours / 24.0).clamp(0.0, 5000.0).ceil() as usize + 1;
    let month_of_day: Vec<u8> = match dl.start_date.as_ref().and_then(|d| crate::daylight::parse_date(d.get_ref())) {
        Some(start) => std::iter::successors(Some(start), |&d| Some(crate::daylight::add_days(d, 1)))
            .take(trial_days)
            .map(|(_, m, _)| (m - 1) as u8)
            .collect(),
        None => Vec::new(),
    };
    let daylight = match &dl.start_date {
        None => {
            let mut clock = |v: &Option<Spanned<String>>, default: f64, what: &str| match v {
                Some(s) => clock_min(s.get_ref()).unwrap_or_else(|| {
                    ctx.err(
                        Some(s.span()),
                        format!("{what} = \"{}\" is not a time of day", s.get_ref()),
                        "write local time as \"HH:MM\", for example \"06:15\"",
                    );
                    default
                }),
                None => default,
            };
            let sunrise_min = clock(&dl.sunrise, 360.0, "sunrise");
            let sunset_min = clock(&dl.sunset, 1080.0, "sunset");
            // Without civil twilight given, day-only aircraft keep to sunrise and sunset.
            let dawn_min = clock(&dl.dawn, sunrise_min, "dawn");
            let dusk_min = clock(&dl.dusk, sunset_min, "dusk");
            let spans = [
                (
                    dl.sunset.as_ref().map(|s| s.span()),
                    sunrise_min >= sunset_min,
                    "sunset must come after sunrise on the same day",
                    "give local times, for example sunrise = \"06:15\", sunset = \"18:40\"",
                ),
                (
                    dl.dawn.as_ref().map(|s| s.span()),
                    dawn_min > sunrise_min,
                    "dawn must not come after sunrise",
                    "give the start of civil twilight, before sunrise",
                ),
                (
                    dl.dusk.as_ref().map(|s| s.span()),
                    dusk_min < sunset_min,
                    "dusk must not come before sunset",
                    "give the end of civil twilight, after sunset",
                ),
                (
                    dl.site.as_ref().map(|s| s.span()),
                    dl.site.is_some(),
                    "daylight.site has no effect without daylight.start_date",
                    "add start_date = \"YYYY-MM-DD\" to compute daylight there, or remove it",
                ),
                (
                    dl.utc_offset_hours.as_ref().map(|s| s.span()),
                    dl.utc_offset_hours.is_some(),
                    "daylight.utc_offset_hours has no effect without daylight.start_date",
                    "add start_date = \"YYYY-MM-DD\" to compute daylight, or remove it",
                ),
            ];
            for (span, wrong, message, help) in spans {
                if wrong {
                    ctx.err(span, message, help);
                }
            }
            let sunset_min = sunset_min.max(sunrise_min + 1.0);
            Daylight {
                sunrise_min,
                sunset_min,
                dawn_min: dawn_min.min(sunrise_min),
                dusk_min: dusk_min.max(sunset_min),
                days: Vec::new(),
            }
        }
        Some(date) => {
            // Reports state one day's times: the middle day of the counted period. Clamped like
            // the period itself, so an out-of-range period (already reported) adds no problem.
            let middle = (warmup_days + period_days / 2.0).clamp(0.0, 5000.0) as usize;
            computed_daylight(&mut ctx, dl, date, &site_ids, &sites, (middle, trial_days))
        }
    };

    // Facilities
    let _ = index_ids(&mut ctx, "facility", f.facility.iter().map(|x| &x.id));
    let mut facilities = Vec::new();
    for e in &f.facility {
        let site = resolve(&mut ctx, &site_ids, "site", &e.site);
        let level = match e.level.get_ref() {
            LevelWord::Level1 => Level::Level1,
            LevelWord::Level1plus => Level::Level1Plus,
            LevelWord::Level2 => Level::Level2,
            LevelWord::Level3 => Level::Level3,
        };
        // Operations a day: the UN Medical Support Manual gives a Level 2 about 3-4 a day (one
        // surgical team) and a Level 3 about 10; a forward surgical team at a Level 1+ is taken
        // as one team like a Level 2's, and so is a Level 1 told that it operates.
        let (default_surgery, default_tables, default_ops) = match level {
            Level::Level1 => (false, 1, 4),
            Level::Level1Plus => (true, 1, 4),
            Level::Level2 => (true, 2, 4),
            Level::Level3 => (true, 4, 10),
        };
        let surgery = e.surgery.as_ref().map_or(default_surgery, |s| *s.get_ref());
        let resuscitation = e.resuscitation.unwrap_or(true);
        // No table on a facility that operates gets its own message (once: not again as out
        // of range).
        let no_table = surgery && e.operating_tables.as_ref().is_some_and(|t| *t.get_ref() == 0);
        if let Some(t) = e.operating_tables.as_ref().filter(|_| no_table) {
            ctx.err(
                Some(t.span()),
                format!("facility '{}' provides surgery but has no operating table", e.id.get_ref()),
                "set operating_tables = 1 or more, or surgery = false",
            );
        }
        let tables = if no_table {
            1
        } else {
            ctx.count(
                &e.operating_tables,
                if surgery { default_tables } else { 0 },
                "operating_tables",
                (i64::from(surgery), MAX_OPERATING_TABLES),
            )
        };
        if !surgery {
            // Tables and operation times belong to a facility that operates; on one that does
            // not they would be dropped without a word.
            let spans = [
                ("operating_tables", e.operating_tables.as_ref().map(|t| t.span())),
                ("surgery_min", e.surgery_min.as_ref().map(|t| t.span())),
                ("operations_per_day", e.operations_per_day.as_ref().map(|t| t.span())),
            ];
            for (field, span) in spans {
                if span.is_some() {
                    ctx.err(
                        span,
                        format!("{field} has no effect: facility '{}' does not operate", e.id.get_ref()),
                        "remove it, or make the facility operate: level = \"level1plus\" or higher, or surgery = true",
                    );
                }
            }
        }
        let operations_per_day =
            ctx.count(&e.operations_per_day, if surgery { default_ops } else { 0 }, "operations_per_day", (1, 100_000));
        if surgery && !resuscitation {
            ctx.err(
                Some(e.id.span()),
                format!("facility '{}' operates but does not resuscitate", e.id.get_ref()),
                "a surgical facility also resuscitates: remove resuscitation = false",
            );
        }
        if !resuscitation && e.care.is_some() {
            ctx.err(
                Some(e.id.span()),
                format!("facility '{}' does not resuscitate, so care has no effect", e.id.get_ref()),
                "remove care, or remove resuscitation = false",
            );
        }
        facilities.push(Facility {
            id: e.id.get_ref().clone(),
            name: e.name.clone().unwrap_or_else(|| e.id.get_ref().clone()),
            site: site.unwrap_or(0),
            pos: site_pos(site),
            level,
            resuscitation,
            airstrip: site.is_some_and(|i| sites[i].airstrip),
            care: match e.care {
                Some(CareWord::Als) => Care::Als,
                _ => Care::Dcr,
            },
            surgery,
            tables: if surgery { tables } else { 0 },
            operations_per_day,
            surgery_min: ctx.dist(
                &e.surgery_min,
                DistSpec::Triangular { min: 45.0, mode: 90.0, max: 180.0 },
                "surgery_min",
            ),
            handover_min: ctx.dist(&e.handover_min, DistSpec::Fixed(10.0), "handover_min"),
        });
    }
    if !facilities.iter().any(|f| f.resuscitation) {
        ctx.err(
            None,
            "no facility gives resuscitation, so no casualty can be delivered",
            "add a [[facility]] (level = \"level1\" or higher)",
        );
    }

    // Assets
    let _ = index_ids(&mut ctx, "asset", f.asset.iter().map(|x| &x.id));
    let mut assets = Vec::new();
    for e in &f.asset {
        let base = resolve(&mut ctx, &site_ids, "site", &e.base);
        // Helicopters and airplanes fly: weather, daylight and air legs apply to both.
        let flies = e.kind != KindWord::Ground;
        let launch_day_min = ctx.dist(&e.launch_day_min, DistSpec::Fixed(15.0), "launch_day_min");
        let launch_night_min = match &e.launch_night_min {
            Some(_) => ctx.dist(&e.launch_night_min, DistSpec::Fixed(0.0), "launch_night_min"),
            None => launch_day_min.clone(),
        };
        // A day-only aircraft is tasked only when it can launch by day, so a night launch time
        // would never be used.
        let night_capable = e.night_capable.as_ref().map(|n| *n.get_ref());
        if flies
            && !night_capable.unwrap_or(false)
            && let Some(n) = &e.launch_night_min
        {
            ctx.err(
                Some(n.span()),
                format!(
                    "launch_night_min has no effect: {} '{}' does not fly at night",
                    kind_word(e.kind),
                    e.id.get_ref()
                ),
                "remove it, or set night_capable = true",
            );
        }
        // Ground units move at night in this model: a day-only convoy rule would be a model of
        // its own, and accepting the flag without it would leave the planner believing it holds.
        if let Some(n) = e.night_capable.as_ref().filter(|n| !flies && !*n.get_ref()) {
            ctx.err(
                Some(n.span()),
                format!("ground unit '{}' cannot be day-only: ground units move by night as by day", e.id.get_ref()),
                "remove night_capable (with --set: night_capable=true); to make night moves slower, give \
                 launch_night_min (and an escort_min where the zone requires escorts)",
            );
        }
        if let Some(w) = e.weather_area.as_ref().filter(|w| w.get_ref().trim().is_empty()) {
            ctx.err(Some(w.span()), "weather_area is empty", "name the area, or leave it out to use the base");
        }
        let weather_by_month = e.weather_grounding_by_month.as_ref().and_then(|v| {
            let ps = v.get_ref();
            let fix = "give twelve daily probabilities, January to December, each 0 or more and less than 1";
            if !flies {
                ctx.err(
                    Some(v.span()),
                    "weather_grounding_by_month applies to aircraft only",
                    "remove it from this ground asset",
                );
            } else if sc.daylight.start_date.is_none() {
                ctx.err(
                    Some(v.span()),
                    "weather_grounding_by_month needs daylight.start_date to know each day's month",
                    "add start_date = \"YYYY-MM-DD\" to [scenario] daylight, or give one weather_grounding",
                );
            } else if e.weather_grounding.is_some() {
                ctx.err(
                    Some(v.span()),
                    "weather_grounding and weather_grounding_by_month are both given",
                    "keep one: the monthly figures replace the single one",
                );
            } else if ps.len() != 12 || !ps.iter().all(|p| (0.0..1.0).contains(p)) {
                ctx.err(
                    Some(v.span()),
                    format!("weather_grounding_by_month has {} values, not twelve probabilities below 1", ps.len()),
                    fix,
                );
            } else {
                return Some(std::array::from_fn(|i| ps[i]));
            }
            None
        });
        if !flies && e.weather_area.is_some() {
            let span = e.weather_area.as_ref().map(|w| w.span());
            ctx.err(span, "weather_area applies to aircraft only", "remove it from this ground asset");
        }
        if !flies && e.weather_grounding.is_some() {
            let span = e.weather_grounding.as_ref().map(|w| w.span());
            ctx.err(span, "weather_grounding applies to aircraft only", "remove it from this ground asset");
        }
        let air_fields = [
            ("route_factor", &e.route_factor),
            ("leg_overhead_min", &e.leg_overhead_min),
            ("range_km", &e.range_km),
            ("refuel_min", &e.refuel_min),
        ];
        if !flies {
            for (name, v) in air_fields {
                if let Some(v) = v {
                    ctx.err(
                        Some(v.span()),
                        format!("{name} applies to aircraft only"),
                        "remove it from this ground asset",
                    );
                }
            }
        }
        if let (None, Some(r)) = (&e.range_km, &e.refuel_min) {
            ctx.err(
                Some(r.span()),
                "refuel_min has no effect without range_km",
                "give range_km, the distance flown between refuellings, or remove refuel_min",
            );
        }
        let air = AirLegs {
            route_factor: ctx.opt_num(
                &e.route_factor,
                1.0,
                "route_factor",
                |x| (1.0..=5.0).contains(&x),
                "give the flown distance over the straight line, 1 to 5",
            ),
            leg_overhead_min: ctx.opt_num(
                &e.leg_overhead_min,
                0.0,
                "leg_overhead_min",
                |x| (0.0..=600.0).contains(&x),
                "give the minutes of start-up, climb, approach and landing per leg, 0 to 600",
            ),
            range_km: ctx.opt_num(
                &e.range_km,
                f64::INFINITY,
                "range_km",
                |x| (10.0..=20_000.0).contains(&x),
                "give the km flown between refuellings, 10 to 20000",
            ),
            refuel_min: ctx.opt_num(
                &e.refuel_min,
                30.0,
                "refuel_min",
                |x| (0.0..=1440.0).contains(&x),
                "give the minutes on the ground at each refuelling stop, 0 to 1440",
            ),
        };
        if !e.medical_team && e.team_size.is_some() {
            ctx.err(
                Some(e.id.span()),
                format!("asset '{}' has team_size but no medical team, so it has no effect", e.id.get_ref()),
                "remove team_size, or set medical_team = true",
            );
        }
        if e.first_aid_crew.is_none()
            && let Some(each) = &e.first_aid_each_min
        {
            ctx.err(
                Some(each.span()),
                format!("asset '{}' has first_aid_each_min but no first_aid_crew, so it has no effect", e.id.get_ref()),
                "give first_aid_crew, how many of the crew give first aid, or remove first_aid_each_min",
            );
        }
        if !e.medical_team && e.team_care.is_some() {
            ctx.err(
                Some(e.id.span()),
                format!("asset '{}' has team_care but no medical team, so it has no effect", e.id.get_ref()),
                "remove team_care, or set medical_team = true",
            );
        }
        assets.push(AssetGroup {
            id: e.id.get_ref().clone(),
            name: e.name.clone().unwrap_or_else(|| e.id.get_ref().clone()),
            kind: match e.kind {
                KindWord::Helicopter => AssetKind::Helicopter,
                KindWord::Ground => AssetKind::Ground,
                KindWord::Airplane => AssetKind::Airplane,
            },
            base: base.unwrap_or(0),
            pos: site_pos(base),
            count: ctx.count(&e.count, 1, "count", (1, MAX_UNITS_PER_GROUP)),
            speed_kmh: ctx.num(
                &e.speed_kmh,
                "speed_kmh",
                |x| (1.0..=MAX_SPEED_KMH).contains(&x),
                "give the cruise (helicopter) or road (ground) speed in km/h, from 1 to 1000",
            ),
            stretchers: ctx.count(&e.stretchers, if flies { 4 } else { 2 }, "stretchers", (1, MAX_STRETCHERS)),
            lifts: match &e.lifts {
                None => [true; 3],
                Some(v) => categories(&mut ctx, v, &format!("asset '{}' lifts", e.id.get_ref())),
            },
            team_size: ctx.count(&e.team_size, 0, "team_size", (1, MAX_STRETCHERS)),
            first_aid_crew: ctx.count(&e.first_aid_crew, 0, "first_aid_crew", (1, MAX_STRETCHERS)),
            first_aid_each_min: ctx.dist(&e.first_aid_each_min, DistSpec::Fixed(3.0), "first_aid_each_min"),
            launch_day_min,
            launch_night_min,
            night_capable: night_capable.unwrap_or(!flies),
            serviceability: ctx.opt_num(
                &e.serviceability,
                1.0,
                "serviceability",
                |x| x > 0.0 && x <= 1.0,
                "give the daily probability a unit is available, more than 0 and at most 1",
            ),
            weather_grounding: ctx.opt_num(
                &e.weather_grounding,
                0.0,
                "weather_grounding",
                |x| (0.0..1.0).contains(&x),
                "give the daily probability that weather grounds the aircraft, 0 or more and less than 1",
            ),
            weather_by_month,
            weather_area: match &e.weather_area {
                Some(w) => w.get_ref().clone(),
                None => e.base.get_ref().clone(),
            },
            approval_min: ctx.dist(&e.approval_min, DistSpec::Fixed(0.0), "approval_min"),
            escort_min: ctx.dist(&e.escort_min, DistSpec::Fixed(0.0), "escort_min"),
            on_scene_min: ctx.dist(&e.on_scene_min, DistSpec::Fixed(10.0), "on_scene_min"),
            medical_team: e.medical_team,
            team_care: match e.team_care {
                Some(CareWord::Als) => Care::Als,
                _ => Care::Dcr,
            },
            delivers_to: match e.delivers_to {
                Some(DeliversTo::Nearest) => Delivery::Nearest,
                Some(DeliversTo::Soonest) => Delivery::Soonest,
                _ => Delivery::Capable,
            },
            turnaround_min: ctx.dist(&e.turnaround_min, DistSpec::Fixed(15.0), "turnaround_min"),
            air: if flies { air } else { AirLegs::DIRECT },
        });
    }
    // An airplane flies from its airstrip to casualties waiting at airstrip facilities and on
    // to an airstrip facility that operates.
    for (a, e) in assets.iter().zip(&f.asset) {
        if a.kind != AssetKind::Airplane {
            continue;
        }
        if !sites.get(a.base).is_some_and(|s| s.airstrip) {
            ctx.err(
                Some(e.base.span()),
                format!("airplane '{}' is based at a site without an airstrip", a.id),
                "set airstrip = true on its base site, or base it at a site that has one",
            );
        }
        if !facilities.iter().any(|f| f.airstrip && f.surgery) {
            ctx.err(
                Some(e.id.span()),
                format!("airplane '{}' has nowhere to deliver: no facility that operates has an airstrip", a.id),
                "set airstrip = true on the site of a facility that operates",
            );
        }
    }
    let units: u64 = assets.iter().map(|a| u64::from(a.count)).sum();
    if units > MAX_UNITS {
        ctx.err(
            None,
            format!(
                "the asset groups hold {} units in all; casevac takes at most {}",
                crate::report::fmt::Count(units),
                crate::report::fmt::Count(MAX_UNITS)
            ),
            "model a large fleet by the part of it that serves this mission area, or split the area",
        );
    }
    if assets.is_empty() {
        ctx.err(None, "no evacuation asset is defined", "add an [[asset]] (kind = \"helicopter\" or \"ground\")");
    }

    // Zones
    let _ = index_ids(&mut ctx, "zone", f.zone.iter().map(|x| &x.id));
    let night_hours = 24.0 - daylight.day_hours();
    let mut zones = Vec::new();
    for e in &f.zone {
        let id = e.id.get_ref().clone();
        let area = match (&e.centre, &e.radius_km, &e.polygon) {
            (Some(c), Some(r), None) => {
                let lat = ctx.num(
                    &c.lat,
                    "centre.lat",
                    |x| (-89.0..=89.0).contains(&x),
                    "latitude is in decimal degrees, -89 to 89",
                );
                let lon = ctx.num(
                    &c.lon,
                    "centre.lon",
                    |x| (-180.0..=180.0).contains(&x),
                    "longitude is in decimal degrees, -180 to 180",
                );
                let radius_km =
                    ctx.num(r, "radius_km", |x| (0.0..=2000.0).contains(&x), "give the zone radius in km, 0 to 2000");
                let circle = Area::circle(Point::new(lat, lon), radius_km);
                let [lat0, lat1, lon0, lon1] = circle.bounds();
                // Checked only for a valid centre and radius, which have their own messages.
                let valid = lat.abs() <= 89.0 && lon.abs() <= 180.0 && (0.0..=2000.0).contains(&radius_km);
                if valid && (lat0 < -89.0 || lat1 > 89.0) {
                    ctx.err(
                        Some(r.span()),
                        format!("zone '{id}': the circle reaches past latitude 89° towards the pole"),
                        "casevac's maps are flat in longitude and latitude, which fails at the poles: \
                         move the centre or shrink radius_km",
                    );
                } else if valid && (lon0 < -180.0 || lon1 > 180.0) {
                    ctx.err(
                        Some(r.span()),
                        format!("zone '{id}': the circle crosses the antimeridian (180° longitude)"),
                        "casevac's flat longitude-latitude map cannot wrap: shrink radius_km, or cover \
                         the area with two zones, one each side",
                    );
                }
                circle
            }
            (None, None, Some(p)) => {
                let pairs = p.get_ref().iter().all(|v| v.len() == 2);
                let pts: Vec<(f64, f64)> = p
                    .get_ref()
                    .iter()
                    .map(|v| (v.first().copied().unwrap_or(0.0), v.get(1).copied().unwrap_or(0.0)))
                    .collect();
                let bad = pts.iter().any(|&(la, lo)| !(-89.0..=89.0).contains(&la) || !(-180.0..=180.0).contains(&lo));
                if pts.len() > MAX_POLYGON_POINTS {
                    ctx.err(
                        Some(p.span()),
                        format!(
                            "zone '{id}': polygon has {} points; casevac takes at most {MAX_POLYGON_POINTS}",
                            pts.len()
                        ),
                        "simplify the outline (a zone's shape needs tens of points, not thousands)",
                    );
                    Area::circle(Point::new(0.0, 0.0), 0.0)
                } else if pts.len() < 3 || bad || !pairs {
                    ctx.err(
                        Some(p.span()),
                        format!("zone '{id}': polygon needs at least 3 [lat, lon] points in range"),
                        "write polygon = [[lat, lon], [lat, lon], [lat, lon], ...]",
                    );
                    Area::circle(Point::new(0.0, 0.0), 0.0)
                } else {
                    let a = Area::polygon(&pts);
                    if !a.has_area() {
                        // A figure of eight's lobes cancel: say where the outline crosses itself,
                        // which is the mistake to mend, beside the area it leaves.
                        let no_area = |why: &str| format!("zone '{id}': polygon has (almost) no area{why}");
                        let (message, hint) = match check_ring(&pts) {
                            Ok(_) => (no_area(""), "check the vertices: they may be collinear or repeated"),
                            Err(why) => (
                                no_area(&format!(": {why}")),
                                "list each point once, in order around the area, without crossing; \
                                 the vertices may also be collinear",
                            ),
                        };
                        ctx.err(Some(p.span()), message, hint);
                        a
                    } else {
                        match check_ring(&pts) {
                            Ok(ring) => Area::polygon(&ring),
                            Err(why) => {
                                ctx.err(
                                    Some(p.span()),
                                    format!("zone '{id}': polygon: {why}"),
                                    "list each point once, in order around the area, without crossing; \
                                     an area across the antimeridian is two zones, one each side",
                                );
                                a
                            }
                        }
                    }
                }
            }
            (_, _, Some(p)) => {
                ctx.err(
                    Some(p.span()),
                    format!("zone '{id}' gives both a circle (centre, radius_km) and a polygon"),
                    "keep one shape: centre = { lat = 16.3, lon = -0.05 } with radius_km = 40, or polygon = [[lat, lon], ...]",
                );
                Area::circle(Point::new(0.0, 0.0), 0.0)
            }
            _ => {
                ctx.err(
                    Some(e.id.span()),
                    format!("zone '{id}' needs either centre and radius_km, or polygon"),
                    "write centre = { lat = 16.3, lon = -0.05 } with radius_km = 40, or polygon = [[lat, lon], ...]",
                );
                Area::circle(Point::new(0.0, 0.0), 0.0)
            }
        };
        let shares = |ctx: &mut Ctx, s: &Spanned<PerSeverity>, what: &str| -> [f64; 3] {
            let v = s.get_ref();
            [
                ctx.share(&v.t1, &format!("{what}.t1")),
                ctx.share(&v.t2, &format!("{what}.t2")),
                ctx.share(&v.t3, &format!("{what}.t3")),
            ]
        };
        let severity = shares(&mut ctx, &e.severity, "severity");
        let total: f64 = severity.iter().sum();
        if (total - 1.0).abs() > 1e-6 {
            ctx.err(
                Some(e.severity.span()),
                format!("zone '{id}': severity shares sum to {total:.4}, not 1"),
                "make t1 + t2 + t3 = 1 (for example t1 = 0.2, t2 = 0.3, t3 = 0.5)",
            );
        }
        let severity_cum = [severity[0], severity[0] + severity[1], 1.0];
        let (casualties, casualties_mean) = match &e.casualties {
            Some(c) => casualty_count(c.get_ref()).unwrap_or_else(|why| {
                ctx.err(
                    Some(c.span()),
                    format!("zone '{id}': casualties: {why}"),
                    "give casualties per incident, for example { table = { values = [1, 2, 10], p = [0.7, 0.25, 0.05] } }",
                );
                (Dist::Fixed(1.0), 1.0)
            }),
            None => (Dist::Fixed(1.0), 1.0),
        };
        let access = Access {
            road_factor: ctx.opt_num(
                &e.road_factor,
                1.3,
                "road_factor",
                |x| (1.0..=10.0).contains(&x),
                "road distance over straight-line distance: 1 to 10",
            ),
            speed_factor: ctx.opt_num(
                &e.ground_speed_factor,
                1.0,
                "ground_speed_factor",
                |x| (0.05..=2.0).contains(&x),
                "multiplies road speed for terrain and season: from 0.05 to 2",
            ),
            air_only: e.air_only,
            escort_required: e.escort_required.unwrap_or(true),
            airstrip: false,
        };
        let scheduled_min: Vec<f64> = match &e.scheduled_hours {
            Some(h) => {
                let hours = h.get_ref();
                if hours.len() > MAX_SCHEDULED_INCIDENTS {
                    ctx.err(
                        Some(h.span()),
                        format!(
                            "zone '{id}': {} scheduled incidents; casevac takes at most {MAX_SCHEDULED_INCIDENTS} a zone",
                            hours.len()
                        ),
                        "give frequent incidents as incidents_per_day instead",
                    );
                }
                if hours.iter().any(|&x| !(x >= 0.0 && x * 60.0 < period_days * MIN_PER_DAY)) {
                    ctx.err(
                        Some(h.span()),
                        format!("zone '{id}': scheduled_hours must fall inside the period"),
                        format!("give hours from 0 to less than {}", period_days * 24.0),
                    );
                }
                hours.iter().map(|x| x * 60.0).collect()
            }
            None => Vec::new(),
        };
        if e.incidents_per_day.is_none() && scheduled_min.is_empty() {
            ctx.err(
                Some(e.id.span()),
                format!("zone '{id}' has no incidents"),
                "give incidents_per_day, scheduled_hours, or both",
            );
        }
        let zone = Zone {
            id: id.clone(),
            name: e.name.clone().unwrap_or(id.clone()),
            area,
            incidents_per_day: ctx.opt_num(
                &e.incidents_per_day,
                0.0,
                "incidents_per_day",
                // A positive rate too small for any incident in any period a file can give
                // would only be a typo, and one near the smallest float overflows the clock.
                |x| x == 0.0 || (1e-6..=1000.0).contains(&x),
                "give the mean number of incidents a day: 0, or from 0.000001 to 1000",
            ),
            scheduled_min,
            night_share: match &e.night_share {
                // Scheduled incidents happen at their given hours; the share splits only the
                // random arrivals, so without them it would be dropped without a word.
                Some(v) if e.incidents_per_day.is_none() => {
                    ctx.err(
                        Some(v.span()),
                        format!("night_share has no effect: zone '{id}' has no incidents_per_day"),
                        "remove it (scheduled incidents happen at their scheduled_hours), or give incidents_per_day",
                    );
                    night_hours / 24.0
                }
                Some(v) => ctx.share(v, "night_share"),
                None => night_hours / 24.0,
            },
            casualties,
            casualties_mean,
            severity_cum,
            severity,
            surgery_share: shares(&mut ctx, &e.surgery_share, "surgery_share"),
            first_aider_share: ctx.share(&e.first_aider_share, "first_aider_share"),
            first_aid_min: ctx.dist(&e.first_aid_min, DistSpec::Uniform { min: 1.0, max: 5.0 }, "first_aid_min"),
            first_aiders: first_aiders(&mut ctx, e, &id),
            first_aid_each_min: ctx.dist(&e.first_aid_each_min, DistSpec::Fixed(3.0), "first_aid_each_min"),
            first_aid_tiers: first_aid_tiers(&mut ctx, e, &id),
            report_min: ctx.dist(&Some(e.report_delay_min.clone()), DistSpec::Fixed(0.0), "report_delay_min"),
            access,
            clearance: clearance(&mut ctx, e),
            route: e.kind == Some(ZoneKindWord::Route),
            prevented_share: match &e.prevented_share {
                Some(v) if e.incidents_per_day.is_none() => {
                    ctx.err(
                        Some(v.span()),
                        format!("prevented_share has no effect: zone '{id}' has no incidents_per_day"),
                        "remove it (scheduled incidents always happen), or give incidents_per_day",
                    );
                    0.0
                }
                Some(v) => ctx.num(v, "prevented_share", |x| (0.0..1.0).contains(&x), "give a share from 0 to below 1"),
                None => 0.0,
            },
        };
        for (k, cat) in SEVERITIES.iter().enumerate() {
            let lifted = assets.iter().any(|a| a.can_serve(&zone.access) && a.lifts[k]);
            if zone.severity[k] > 0.0 && assets.iter().any(|a| a.can_serve(&zone.access)) && !lifted {
                ctx.err(
                    Some(e.id.span()),
                    format!("zone '{id}' has {cat} casualties but no asset that reaches it lifts {cat}"),
                    format!("add \"{cat}\" to the lifts of an asset that can reach the zone"),
                );
            }
        }
        if !assets.is_empty() && !assets.iter().any(|a| a.can_serve(&zone.access)) {
            ctx.err(
                Some(e.id.span()),
                format!("zone '{id}' is air-only but no helicopter is defined: no asset can reach it"),
                "add a helicopter [[asset]] or set air_only = false",
            );
        }
        let needs_surgery = zone.severity.iter().zip(&zone.surgery_share).any(|(s, p)| s * p > 0.0);
        if needs_surgery && !facilities.iter().any(|f| f.surgery) {
            ctx.err(
                Some(e.surgery_share.span()),
                format!("zone '{id}' sends casualties to surgery but no facility operates"),
                "add a level1plus, level2 or level3 [[facility]], or set surgery_share to 0",
            );
        }
        zones.push(zone);
    }
    // Casualties of a trial live in memory together; beyond a million the scenario is a typing
    // error or needs splitting.
    let expected: f64 = zones
        .iter()
        .map(|z| (z.incidents_per_day * (warmup_days + period_days) + z.scheduled_min.len() as f64) * z.casualties_mean)
        .sum();
    if expected > 1e6 {
        ctx.err(
            None,
            format!(
                "the zones expect about {:.0} casualties in each trial; casevac takes at most 1,000,000",
                crate::report::fmt::Grouped(expected)
            ),
            "shorten period_days or warmup_days, or lower incidents_per_day or casualties",
        );
    }
    for (kind, n, cap, help) in [
        ("sites", f.site.len(), MAX_SITES, "keep the sites the laydown uses"),
        ("facilities", f.facility.len(), MAX_FACILITIES, "keep the facilities that serve this mission area"),
        (
            "asset groups",
            f.asset.len(),
            MAX_ASSET_GROUPS,
            "merge identical units at one base into one group with a count",
        ),
        ("zones", f.zone.len(), MAX_ZONES, "merge neighbouring zones"),
    ] {
        if n > cap {
            ctx.err(None, format!("{n} {kind} defined; casevac takes at most {cap}"), help);
        }
    }
    if zones.is_empty() {
        ctx.err(
            None,
            "no incident zone is defined, so there would be no casualties",
            "add a [[zone]] with incidents_per_day",
        );
    }

    let outcomes = compile_outcomes(&mut ctx, &f.outcomes, thresholds_min);
    let onward = compile_onward(&mut ctx, &f.onward, applies_to[2], &facilities, &assets);
    let levers = levers(&mut ctx, &f.lever);

    if !ctx.problems.is_empty() {
        return Err(ctx.problems);
    }
    let facility_to_base_km =
        facilities.iter().map(|f| assets.iter().map(|a| f.pos.distance_km(&a.pos)).collect()).collect();
    Ok(Model {
        name: sc.name.clone(),
        description: sc.description.clone(),
        sources: sc.sources.clone(),
        applies_to,
        deadlines_min,
        resuscitation_counts_als: sc.resuscitation_counts == Some(CountsWord::Advanced),
        period_min: period_days * MIN_PER_DAY,
        warmup_min: warmup_days * MIN_PER_DAY,
        follow_up_min: follow_up_hours * 60.0,
        dispatch: match sc.dispatch {
            Some(DispatchWord::BestArrival) => Dispatch::BestArrival,
            _ => Dispatch::FirstIdle,
        },
        origin: match sc.clock_origin {
            Some(ClockOriginWord::Request) => ClockOrigin::Request,
            _ => ClockOrigin::Wounding,
        },
        thresholds_min,
        targets_pct,
        daylight,
        month_of_day,
        // Filled by `scenario::parse_with`, which alone knows the overrides.
        overrides: Vec::new(),
        sites,
        facilities,
        assets,
        zones,
        outcomes,
        facility_to_base_km,
        levers,
        onward,
    })
}

/// `[onward]`: checked whether or not it is enabled, so a typo shows before it is switched on.
/// Onward evacuation needs a Level 3 that some asset can land at.
fn compile_onward(
    ctx: &mut Ctx,
    e: &OnwardSection,
    surgery_applies: [bool; 3],
    facilities: &[Facility],
    assets: &[AssetGroup],
) -> Option<Onward> {
    let deadline_min = ctx.opt_num(
        &e.deadline_min,
        120.0,
        "onward.deadline_min",
        |x| x > 0.0 && x <= MAX_THRESHOLD_MIN,
        "give the minutes from the end of surgery to arrival at Level 3, more than 0 and at most 10080 (a week)",
    );
    let applies_to = match &e.applies_to {
        Some(v) => categories(ctx, v, "onward.applies_to names"),
        None => surgery_applies,
    };
    let post_op_min =
        ctx.dist(&e.post_op_min, DistSpec::Triangular { min: 30.0, mode: 60.0, max: 120.0 }, "onward.post_op_min");
    let target_pct = e.target_pct.as_ref().map(|v| {
        ctx.num(v, "onward.target_pct", |x| (0.0..=100.0).contains(&x), "give a target share in percent, 0 to 100")
    });
    // Settings without `enabled` would be silently off: say so rather than ignore them.
    let first_set = [
        e.deadline_min.as_ref().map(|v| ("deadline_min", v.span())),
        e.applies_to.as_ref().map(|v| ("applies_to", v.span())),
        e.post_op_min.as_ref().map(|v| ("post_op_min", v.span())),
        e.target_pct.as_ref().map(|v| ("target_pct", v.span())),
    ]
    .into_iter()
    .flatten()
    .next();
    if let (None, Some((field, span))) = (&e.enabled, first_set) {
        ctx.err(
            Some(span),
            format!("[onward] sets {field} but not `enabled`, so onward evacuation would not be modelled"),
            "add enabled = true to the [onward] table to model it (or enabled = false to keep the settings off)",
        );
    }
    let enabled = e.enabled.as_ref()?;
    if !*enabled.get_ref() {
        return None;
    }
    let level3: Vec<&Facility> = facilities.iter().filter(|f| f.level == Level::Level3).collect();
    if level3.is_empty() {
        ctx.err(
            Some(enabled.span()),
            "onward evacuation is enabled but no facility is level = \"level3\": there is nowhere to move \
             casualties on to",
            "add a [[facility]] with level = \"level3\", or set [onward] enabled = false",
        );
    } else if !assets.is_empty() && !assets.iter().any(|a| level3.iter().any(|f| a.lands_at(f))) {
        ctx.err(
            Some(enabled.span()),
            "onward evacuation is enabled but no asset can land at a Level 3: airplanes land only at airstrips",
            "give a Level 3 a site with airstrip = true, add a helicopter or ground [[asset]], or set [onward] \
             enabled = false",
        );
    }
    Some(Onward { deadline_min, applies_to, post_op_min, target_pct })
}

/// The file's `[[lever]]`s: a name, overrides that parse, a cost that is a number. Whether each
/// override names a real key, and leaves a scenario that can be paired with this one, is
/// checked when `casevac levers` or `casevac validate` applies it (`decide::levers::models`).
fn levers(ctx: &mut Ctx, entries: &[LeverEntry]) -> Vec<FileLever> {
    let mut seen = std::collections::HashSet::new();
    entries
        .iter()
        .map(|e| {
            let name = e.name.get_ref().trim().to_string();
            if name.is_empty() {
                ctx.err(
                    Some(e.name.span()),
                    "a lever needs a name",
                    "name it as a planner would, for example \"second Mi-8 at Kidal\"",
                );
            } else if !seen.insert(name.clone()) {
                ctx.err(
                    Some(e.name.span()),
                    format!("two levers are named '{name}'"),
                    "give each [[lever]] its own name",
                );
            }
            if e.set.get_ref().is_empty() {
                ctx.err(
                    Some(e.set.span()),
                    format!("lever '{name}' changes nothing"),
                    "give set = [\"KEY=VALUE\", ...]",
                );
            }
            let mut overrides = Vec::new();
            for item in e.set.get_ref() {
                match crate::scenario::Override::parse(item) {
                    Ok(o) => overrides.push(o),
                    Err(why) => ctx.err(
                        Some(e.set.span()),
                        format!("lever '{name}': {why}"),
                        "write each change as a --set takes it",
                    ),
                }
            }
            let cost = e.cost.as_ref().map(|c| {
                ctx.num(
                    c,
                    "cost",
                    |x| (0.0..=1e15).contains(&x),
                    "give the cost as a number of the lever's cost_unit, 0 or more",
                )
            });
            FileLever { name, overrides, set_span: Some(e.set.span()), cost, cost_unit: e.cost_unit.clone() }
        })
        .collect()
}

/// The deaths model's published defaults; docs/scenario-format.md gives the source of each.
/// [category] probability that an injury is fatal untreated but survivable: central, low, high.
const P_FATAL: [[f64; 3]; 3] = [[0.30, 0.02, 0.0], [0.15, 0.0, 0.0], [0.45, 0.05, 0.0]];
/// Hazard multiplier of first aid: 1 − 0.909 × 0.327 (Eastridge 2012: hemorrhage caused 90.9%
/// of potentially survivable pre-hospital deaths, 32.7% of it from compressible, extremity or
/// junctional, sources); the range halves and doubles the compressible share's effect.
const FIRST_AID_FACTOR: [f64; 3] = [0.70, 0.50, 0.90];
/// Shackelford et al. 2017: adjusted hazard ratio of 24-h mortality with prehospital
/// transfusion, 0.26 (95% CI 0.08–0.84).
const RESUSCITATION_FACTOR: [f64; 3] = [0.26, 0.08, 0.84];
/// Webster et al. 2021, 303 UK killed in action: of the 130 not dead at 0 min, 32, 104 and 127
/// were dead by 10, 60 and 120 min; the last 3 are spread evenly to 240 min (an assumption).
const DEATH_CURVE_MIN: [f64; 4] = [10.0, 60.0, 120.0, 240.0];
const DEATH_CURVE_CUM: [f64; 4] = [32.0 / 130.0, 104.0 / 130.0, 127.0 / 130.0, 1.0];

fn compile_outcomes(
    ctx: &mut Ctx,
    o: &OutcomesSection,
    doctrine_min: [f64; 3],
) -> Option<crate::outcome::OutcomeModel> {
    use crate::outcome::{Curve, OutcomeModel, Params};
    if o.enabled == Some(false) {
        return None;
    }
    let names = ["p_fatal", "p_fatal_low", "p_fatal_high"];
    let mut p_fatal = P_FATAL;
    for (i, v) in [&o.p_fatal, &o.p_fatal_low, &o.p_fatal_high].into_iter().enumerate() {
        if let Some(v) = v {
            let x = v.get_ref();
            p_fatal[i] = [&x.t1, &x.t2, &x.t3].map(|t| ctx.share(t, &format!("outcomes.{}", names[i])));
        }
    }
    // A low end given without the central value (or the reverse) is checked against the
    // defaults of the other, so the order must hold whatever was written.
    for (k, category) in crate::model::SEVERITIES.iter().enumerate() {
        if !(p_fatal[1][k] <= p_fatal[0][k] && p_fatal[0][k] <= p_fatal[2][k]) {
            let span = o.p_fatal.as_ref().or(o.p_fatal_low.as_ref()).or(o.p_fatal_high.as_ref()).map(|s| s.span());
            ctx.err(
                span,
                format!(
                    "outcomes: p_fatal of {category} must satisfy low <= central <= high, but is {} <= {} <= {}",
                    p_fatal[1][k], p_fatal[0][k], p_fatal[2][k]
                ),
                "give p_fatal_low, p_fatal and p_fatal_high in increasing order for each category",
            );
        }
    }
    let mut factor = |vals: [&Option<Spanned<f64>>; 3], defaults: [f64; 3], name: &str| -> [f64; 3] {
        let suffix = ["", "_low", "_high"];
        let x: [f64; 3] = std::array::from_fn(|i| {
            ctx.opt_num(
                vals[i],
                defaults[i],
                &format!("outcomes.{name}{}", suffix[i]),
                |x| (0.0..=1.0).contains(&x),
                "give a hazard multiplier from 0 (care stops the dying) to 1 (care changes nothing)",
            )
        });
        if !(x[1] <= x[0] && x[0] <= x[2]) {
            let span = vals.iter().find_map(|v| v.as_ref().map(|v| v.span()));
            ctx.err(
                span,
                format!(
                    "outcomes: {name} must satisfy low <= central <= high, but is {} <= {} <= {}",
                    x[1], x[0], x[2]
                ),
                format!("give {name}_low, {name} and {name}_high in increasing order"),
            );
        }
        x
    };
    let fa = factor(
        [&o.first_aid_factor, &o.first_aid_factor_low, &o.first_aid_factor_high],
        FIRST_AID_FACTOR,
        "first_aid_factor",
    );
    let rf = factor(
        [&o.resuscitation_factor, &o.resuscitation_factor_low, &o.resuscitation_factor_high],
        RESUSCITATION_FACTOR,
        "resuscitation_factor",
    );
    let curve = Curve {
        min: o.death_curve_min.as_ref().map_or(DEATH_CURVE_MIN.to_vec(), |v| v.get_ref().clone()),
        cum: o.death_curve_cum.as_ref().map_or(DEATH_CURVE_CUM.to_vec(), |v| v.get_ref().clone()),
    };
    let span = o.death_curve_min.as_ref().or(o.death_curve_cum.as_ref()).map(|s| s.span());
    let times_ok =
        curve.min.iter().all(|t| t.is_finite() && *t > 0.0 && *t <= 1e6) && curve.min.windows(2).all(|w| w[0] < w[1]);
    let cum_ok = curve.cum.iter().all(|c| (0.0..=1.0).contains(c))
        && curve.cum.windows(2).all(|w| w[0] <= w[1])
        && curve.cum.last() == Some(&1.0);
    if curve.min.is_empty() || curve.min.len() != curve.cum.len() || curve.min.len() > 100 || !times_ok || !cum_ok {
        ctx.err(
            span,
            "outcomes: the death curve is not a cumulative distribution",
            "give death_curve_min as 1 to 100 increasing minutes (each above 0, at most 1000000) and \
             death_curve_cum as as many non-decreasing shares, the last 1",
        );
    }
    Some(OutcomeModel {
        params: std::array::from_fn(|i| Params {
            p_fatal: p_fatal[i],
            first_aid_factor: fa[i],
            resuscitation_factor: rf[i],
        }),
        curve,
        doctrine_min,
    })
}

/// A zone's first-aider training tiers: named, each share a probability, the shares summing to
/// 1, each time a valid delay; and `first_aid_each_min` not given beside them, where it would
/// have no effect.
fn first_aid_tiers(ctx: &mut Ctx, e: &ZoneEntry, id: &str) -> Vec<FirstAidTier> {
    let Some(tiers) = &e.first_aider_tiers else { return Vec::new() };
    let span = Some(tiers.span());
    if let Some(each) = &e.first_aid_each_min {
        ctx.err(
            Some(each.span()),
            format!("first_aid_each_min has no effect: zone '{id}' gives first_aider_tiers, each with its each_min"),
            "remove first_aid_each_min, or drop first_aider_tiers",
        );
    }
    let tiers = tiers.get_ref();
    if tiers.is_empty() {
        ctx.err(
            span.clone(),
            format!("zone '{id}': first_aider_tiers is empty"),
            "give at least one tier, or remove the field",
        );
    }
    let mut cum = 0.0;
    let mut out = Vec::new();
    for t in tiers {
        if t.name.trim().is_empty() || tiers.iter().filter(|o| o.name == t.name).count() > 1 {
            ctx.err(
                span.clone(),
                format!("zone '{id}': each first-aider tier needs its own name"),
                "name them, for example \"buddy\", \"combat lifesaver\", \"medic\"",
            );
        }
        if !(0.0..=1.0).contains(&t.share) {
            ctx.err(
                span.clone(),
                format!("zone '{id}': tier '{}' has share {}", t.name, t.share),
                "give each tier's share of the first-aiders, from 0 to 1",
            );
        }
        let each_min = t.each_min.compile(true).unwrap_or_else(|why| {
            ctx.err(span.clone(), format!("zone '{id}': tier '{}': each_min: {why}", t.name), DIST_HELP);
            Dist::ZERO
        });
        cum += t.share;
        out.push(FirstAidTier { name: t.name.clone(), share_cum: cum, each_min });
    }
    if !tiers.is_empty() && (cum - 1.0).abs() > 1e-6 {
        ctx.err(
            span,
            format!("zone '{id}': the tiers' shares sum to {cum:.4}, not 1"),
            "make the shares of first_aider_tiers sum to 1",
        );
    }
    if let Some(last) = out.last_mut() {
        // Rounding must not leave a draw of 0.9999999 without a tier.
        last.share_cum = 1.0;
    }
    out
}
