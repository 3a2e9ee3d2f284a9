//! Incidents: Poisson arrivals per zone by day and night, scheduled attacks, their casualties.

use super::streams::{Purpose, combine};
use super::{Casualty, Engine, Incident, NEVER};
use crate::dist::unit;
use crate::geo::Point;
use crate::model::{MAX_CASUALTIES_PER_INCIDENT, MIN_PER_DAY, Model, day_entry, fast_floor};
use crate::stats::tally::{PHASES, Phase, round_half_up};

/// Scheduled incidents are numbered apart from the zone's random ones, so adding an attack to
/// a zone's schedule leaves its random incidents as they were.
const SCHEDULED: u64 = 1 << 63;

/// A drawn count as `(x.round() as u32).clamp(1, max)` gives it, for any `x` (NaN, negative and
/// huge ones too), without the library call behind `round` (two per incident). Clamped first to
/// `[0, max]`, where `max` is whole, a value rounds as before and `round_half_up` is exact; NaN
/// stays NaN through the clamp and comes out 0, as the saturating cast makes it, then 1.
#[inline]
fn whole_count(x: f64, max: u32) -> u32 {
    (round_half_up(x.clamp(0.0, f64::from(max))) as u32).max(1)
}

/// A zone's arrival intensity over one calendar day: sunrise and sunset, the rates by day and
/// by night (per minute), and the cumulative intensity at sunrise and at sunset.
#[derive(Debug, Clone, Copy)]
pub(super) struct ArrivalDay {
    rise: f64,
    set: f64,
    day_rate: f64,
    night_rate: f64,
    at_rise: f64,
    at_set: f64,
}

/// Each zone's [`ArrivalDay`] for every day of the daylight table (one, for fixed times; a day
/// past the table takes its last, read with `day_entry` as [`crate::model::Daylight::on`]
/// reads it): worked out once per model rather than for every arrival, each by the same
/// operations.
pub(super) fn arrival_days(m: &Model) -> Vec<Vec<ArrivalDay>> {
    let days = m.daylight.days.len().max(1);
    m.zones
        .iter()
        .map(|zone| {
            let per_day = zone.incidents_per_day;
            (0..days)
                .map(|day| {
                    let d = m.daylight.on(day as f64 * MIN_PER_DAY);
                    let (rise, set) = (d.sunrise_min, d.sunset_min);
                    let day_rate = per_day * (1.0 - zone.night_share) / (set - rise);
                    let night_rate = per_day * zone.night_share / (MIN_PER_DAY - (set - rise));
                    let at_rise = night_rate * rise;
                    let at_set = at_rise + day_rate * (set - rise);
                    ArrivalDay { rise, set, day_rate, night_rate, at_rise, at_set }
                })
                .collect()
        })
        .collect()
}

impl Engine<'_> {
    /// Poisson arrivals per zone, with separate day and night rates, then their casualties.
    ///
    /// Arrivals of a unit-rate Poisson process are mapped through the inverse of the cumulative
    /// intensity, which is piecewise linear over each day (night, day, night). This is exact and
    /// costs one draw per incident rather than one per day segment.
    pub(super) fn generate_incidents(&mut self) {
        let m = self.model;
        for (z, zone) in m.zones.iter().enumerate() {
            for (k, &t) in zone.scheduled_min.iter().enumerate() {
                self.new_incident(z, SCHEDULED | k as u64, m.warmup_min + t, None);
            }
            let per_day = zone.incidents_per_day;
            if per_day <= 0.0 {
                continue;
            }
            let mut arrivals = self.keys.stream(Purpose::Arrivals, self.zone_key[z], 0);
            let mut s = 0.0;
            for number in 0.. {
                s += -(1.0 - unit(&mut arrivals)).ln();
                let day = fast_floor(s / per_day);
                let r = s - day * per_day;
                // Each day's intensity integrates to per_day whatever its daylight, so the day
                // follows from s alone and only the split within it reads that day's times.
                let table = &self.arrival_days[z];
                let ArrivalDay { rise, set, day_rate, night_rate, at_rise, at_set } =
                    table[day_entry(day, table.len())];
                let within = if r < at_rise {
                    r / night_rate
                } else if r < at_set {
                    rise + (r - at_rise) / day_rate
                } else {
                    set + (r - at_set) / night_rate
                };
                let t = day * MIN_PER_DAY + within;
                // A time that is not a number ends the zone's arrivals too, never the loop.
                if t >= m.period_end_min() || t.is_nan() {
                    break;
                }
                // The incident's own draw, made only where prevention is on: every incident
                // keeps its number and place whatever the share, so a higher share removes
                // incidents and leaves the rest as they were.
                if zone.prevented_share > 0.0
                    && unit(&mut self.keys.stream(Purpose::Prevention, self.zone_key[z], number)) < zone.prevented_share
                {
                    continue;
                }
                self.new_incident(z, number, t, None);
            }
        }
        self.index_incidents();
    }

    /// Puts the zones' incidents in request order and points each casualty at its incident.
    pub(super) fn index_incidents(&mut self) {
        self.incidents.sort_unstable_by(|a, b| a.request_t.total_cmp(&b.request_t).then(a.zone.cmp(&b.zone)));
        for (i, inc) in self.incidents.iter().enumerate() {
            let r = inc.slot_start as usize..(inc.slot_start + inc.slot_len) as usize;
            for c in &mut self.casualties[r] {
                c.incident = i as u32;
            }
        }
        self.adopt_incidents();
    }

    /// Takes the generated incidents, in request order, as the trial's own: each casualty is its
    /// own slot, and the incidents' legs are worked out for this model's assets.
    pub(super) fn adopt_incidents(&mut self) {
        // Casualties were created incident by incident, so each incident's slots are its own.
        self.slots.extend(0..self.casualties.len() as u32);
        self.originals = self.incidents.len();
        self.grow_legs();
    }

    /// Incident `number` of zone `z` at `wound_t`; with `probe`, instead one T1 casualty who
    /// needs surgery, at that point, for coverage maps. Its place, its report delay, whether a
    /// first-aider is there, its casualty count, its first-aid start and number of first-aiders,
    /// and each casualty draw from their own streams, keyed by the incident's identity, so a
    /// change to one of them (a polygon's rejection sampling, a report-delay distribution) does
    /// not shift the others.
    pub(super) fn new_incident(&mut self, z: usize, number: u64, wound_t: f64, probe: Option<Point>) {
        let zone = &self.model.zones[z];
        let key = combine(self.zone_key[z], number);
        let pos = probe.unwrap_or_else(|| zone.area.sample(&mut self.keys.stream(Purpose::Place, key, 0)));
        // Each quantity has its own stream: a distribution reads a varying number of draws (none
        // for a fixed value, several for some shapes), so on a shared stream a new shape for the
        // report delay would shift every casualty count and first-aider after it.
        let draw = |k: u64| self.keys.stream(Purpose::Incident, key, k);
        let report = zone.report_min.sample_from(|| draw(0));
        let share = zone.first_aider_share;
        // A share of 0 or 1 is certain, so its draw is skipped; the stream is this one's alone.
        let has_first_aider = share >= 1.0 || (share > 0.0 && unit(&mut draw(1)) < share);
        let n = match probe {
            Some(_) => 1,
            None => whole_count(zone.casualties.sample_from(|| draw(2)), MAX_CASUALTIES_PER_INCIDENT),
        };
        // Drawn only where a first-aider is present: the streams are these quantities' own.
        let (first_aid_start, aiders) = if has_first_aider {
            let start = wound_t + zone.first_aid_min.sample_from(|| draw(3));
            (start, whole_count(zone.first_aiders.sample_from(|| draw(4)), n))
        } else {
            (NEVER, 0)
        };
        let cas_start = self.casualties.len() as u32;
        for c in 0..n {
            let cas_key = combine(key, u64::from(c));
            let mut rng = self.keys.stream(Purpose::Casualty, cas_key, 0);
            // Drawn even for a probe, so every casualty consumes its stream alike.
            let u = unit(&mut rng);
            let surgery_u = unit(&mut rng);
            let (severity, needs_surgery) = match probe {
                Some(_) => (0, true),
                None => {
                    let severity = zone.severity_cum.iter().position(|&c| u < c).unwrap_or(2);
                    (severity, surgery_u < zone.surgery_share[severity])
                }
            };
            let mut phase_min = [0.0; PHASES.len()];
            phase_min[Phase::Report as usize] = report;
            self.casualties.push(Casualty {
                key: cas_key,
                incident: 0,
                severity: severity as u8,
                needs_surgery,
                picked_up: false,
                resus_on_scene: false,
                hour_cause: super::record::NO_CAUSE,
                first_aider_t: NEVER,
                left_scene_t: NEVER,
                crew_aid_t: NEVER,
                crew_booked_t: NEVER,
                crew_on_scene_t: NEVER,
                transfer_asked_t: NEVER,
                transfer: u32::MAX,
                resus_t: NEVER,
                als_t: NEVER,
                ready_t: NEVER,
                surgery_t: NEVER,
                surgery_end_t: NEVER,
                onward_ready_t: NEVER,
                onward_tasked_t: NEVER,
                level3_t: NEVER,
                phase_min,
            });
        }
        // Most severe first, so each lift takes the most urgent casualties still on scene.
        self.casualties[cas_start as usize..].sort_unstable_by_key(|c| c.severity);
        if has_first_aider {
            self.first_aid(z, key, cas_start as usize, aiders as usize, first_aid_start);
        }
        self.incidents.push(Incident {
            key,
            zone: z as u16,
            access: zone.access,
            pos,
            wound_t,
            request_t: wound_t + report,
            air_clear_t: NEVER,
            planned_clear_t: NEVER,
            clearance_asks: 0,
            first_aid_start,
            first_aiders: aiders as u16,
            slot_start: cas_start,
            slot_len: n,
            next_unassigned: cas_start,
            transfer: false,
            onward: false,
        });
    }

    /// The trained first-aiders on scene treat the incident's casualties one at a time each, in
    /// triage order (the slice from `from` is sorted most severe first), each casualty going to
    /// the first-aider free soonest: with three first-aiders and thirty casualties, the last
    /// ones wait.
    ///
    /// With training tiers, each first-aider's tier is drawn from the incident's own stream, so
    /// a change of shares changes only the tiers it must; the time a casualty takes keeps its
    /// casualty's draw whatever the tier.
    fn first_aid(&mut self, z: usize, key: u64, from: usize, aiders: usize, start: f64) {
        let zone = &self.model.zones[z];
        if aiders == 1 && zone.first_aid_tiers.is_empty() {
            // One first-aider of the zone's one kind, the usual case: the casualties one after
            // another, the same sums as below without the first-aiders' lists to fill and search.
            let mut free = start;
            for c in &mut self.casualties[from..] {
                c.first_aider_t = free;
                free += zone.first_aid_each_min.sample_from(|| self.keys.stream(Purpose::FirstAid, c.key, 0));
            }
            return;
        }
        self.aider_free.clear();
        self.aider_free.resize(aiders, start);
        self.aider_tiers(z, key, aiders);
        for c in &mut self.casualties[from..] {
            let j = soonest_free(&self.aider_free);
            c.first_aider_t = self.aider_free[j];
            let each = zone.aider_each_min(self.aider_tier[j]);
            self.aider_free[j] += each.sample_from(|| self.keys.stream(Purpose::FirstAid, c.key, 0));
        }
    }

    /// The training tier of each of the `aiders` first-aiders of incident `key` in zone `z`, into
    /// `aider_tier`: drawn from the incident's own stream (all of the one kind without tiers).
    pub(super) fn aider_tiers(&mut self, z: usize, key: u64, aiders: usize) {
        let zone = &self.model.zones[z];
        self.aider_tier.clear();
        for j in 0..aiders {
            let tier = if zone.first_aid_tiers.is_empty() {
                0
            } else {
                let u = unit(&mut self.keys.stream(Purpose::AiderTier, key, j as u64));
                zone.first_aid_tiers.iter().position(|t| u < t.share_cum).unwrap_or(zone.first_aid_tiers.len() - 1)
            };
            self.aider_tier.push(tier);
        }
    }
}

/// Which of the hands whose free times are `free` (at least one) takes the next casualty: the
/// one free soonest, ties to the first, so the order is fixed.
pub(super) fn soonest_free(free: &[f64]) -> usize {
    (1..free.len()).fold(0, |best, k| if free[k] < free[best] { k } else { best })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_count_is_the_rounded_clamped_draw() {
        let mut xs = vec![
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            -0.0,
            0.0,
            0.49999999999999994,
            0.5,
            -0.5,
            1e10,
            4.5e15,
            1e300,
        ];
        // Every half and whole up to past the largest count, and their neighbours.
        for k in -4..=2 * 1002 {
            let x = f64::from(k) / 2.0;
            xs.extend([x, x.next_down(), x.next_up()]);
        }
        // Values spread over the range, not only near halves.
        let mut r = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..100_000 {
            r = crate::sim::streams::mix(r);
            xs.push((r >> 11) as f64 / (1u64 << 53) as f64 * 2100.0 - 50.0);
        }
        for max in [1, 2, 3, 7, 25, MAX_CASUALTIES_PER_INCIDENT] {
            for &x in &xs {
                assert_eq!(whole_count(x, max), (x.round() as u32).clamp(1, max), "{x:e} at most {max}");
            }
        }
    }
}
