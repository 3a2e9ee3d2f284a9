//! What `casevac validate` prints: what the scenario describes and the distances that matter.

use crate::model::{AssetGroup, AssetKind, Model, SEVERITIES, Zone};
use crate::report::fmt::{Grouped, Minutes, Num, Pct};
use std::fmt::Write;

/// Best planned response to a zone's centre: (asset id, minutes to reach it), using mean delays,
/// among the assets that can fly or drive the sortie at all.
fn best_response(m: &Model, z: usize) -> Option<(&str, f64)> {
    let zone = &m.zones[z];
    m.assets
        .iter()
        .filter(|a| a.can_serve(&zone.access) && never_fits(m, a, z).is_none())
        .map(|a| (a.id.as_str(), clearance_min(a, zone) + on_scene_min(a, zone)))
        .min_by(|x, y| x.1.total_cmp(&y.1))
}

/// Mean minutes by day an aircraft waits for the host nation's clearance into `zone` before it
/// can be tasked (the engine tasks none before): none for a ground unit, or where the zone asks
/// for no clearance.
fn clearance_min(a: &AssetGroup, zone: &Zone) -> f64 {
    match &zone.clearance {
        Some(c) if a.flies() => c.delay_min[0].mean(),
        _ => 0.0,
    }
}

/// Planned minutes, with mean delays by day, from tasking group `a` to its arrival at `zone`'s
/// centre.
fn on_scene_min(a: &AssetGroup, zone: &Zone) -> f64 {
    a.planned_departure_min(true, &zone.access) + a.travel_min(a.pos.distance_km(&zone.area.centre()), &zone.access)
}

/// For a day-only aircraft whose shortest sortie to the zone's centre (planned departure by day,
/// the flight out, the time on scene and the flight on to the nearest facility) is longer than
/// the longest flying window of any day, dawn to dusk: (the sortie, the window) in minutes. The
/// engine never tasks such a sortie; a request there waits for another asset or for ever. (A
/// large zone's nearer side may still be in reach: the engine judges each incident's place.)
fn never_fits(m: &Model, a: &AssetGroup, z: usize) -> Option<(f64, f64)> {
    if !a.day_only() {
        return None;
    }
    let zone = &m.zones[z];
    let c = zone.area.centre();
    let on =
        m.facilities.iter().map(|f| a.travel_min(f.pos.distance_km(&c), &zone.access)).fold(f64::INFINITY, f64::min);
    let sortie = on_scene_min(a, zone) + a.on_scene_min.mean() + on;
    let d = &m.daylight;
    let window = d.days.iter().map(|s| s.dusk_min - s.dawn_min).fold(d.dusk_min - d.dawn_min, f64::max);
    (sortie > window).then_some((sortie, window))
}

/// A zone whose centre is further than this from every site, or a site further than this from
/// every other site and zone, is worth a second look.
const FAR_KM: f64 = 1000.0;

/// Zones (by index) whose centre is further than [`FAR_KM`] from every site, and sites further
/// than that from every other site and every zone's centre, each with that distance in km:
/// further than any mission's area stretches, and most often a latitude and longitude written
/// the wrong way round, which nothing else would flag.
pub struct FarPlaces {
    pub zones: Vec<(usize, f64)>,
    pub sites: Vec<(usize, f64)>,
}

impl FarPlaces {
    pub fn of(m: &Model) -> FarPlaces {
        let centres: Vec<_> = m.zones.iter().map(|z| z.area.centre()).collect();
        let zones = centres
            .iter()
            .enumerate()
            .map(|(i, c)| (i, m.sites.iter().map(|s| s.pos.distance_km(c)).fold(f64::INFINITY, f64::min)))
            .filter(|&(_, km)| km > FAR_KM)
            .collect();
        let sites = m
            .sites
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let others = m.sites.iter().enumerate().filter(|&(j, _)| j != i).map(|(_, o)| o.pos);
                let km =
                    others.chain(centres.iter().copied()).map(|p| s.pos.distance_km(&p)).fold(f64::INFINITY, f64::min);
                (i, km)
            })
            // (A lone site with no zone has nothing to be far from.)
            .filter(|&(_, km)| km > FAR_KM && km.is_finite())
            .collect();
        FarPlaces { zones, sites }
    }

    /// How many places to check.
    pub fn count(&self) -> usize {
        self.zones.len() + self.sites.len()
    }
}

pub fn describe(m: &Model) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}", m.name);
    if !m.description.is_empty() {
        let _ = writeln!(o, "{}", m.description.trim());
    }
    // What is described is the file with these changes, as a run's table says.
    if !m.overrides.is_empty() {
        let _ = writeln!(o, "with --set {}", m.overrides.join(" --set "));
    }
    let units = m.unit_count();
    let of = |kind| m.assets.iter().filter(|a| a.kind == kind).map(|a| a.count).sum::<u32>();
    let (helis, planes) = (of(AssetKind::Helicopter), of(AssetKind::Airplane));
    // Airplanes are named only where there are some, so a scenario without keeps its line.
    let planes_text = if planes > 0 { format!("{}, ", n(planes as usize, "airplane")) } else { String::new() };
    let tables: u32 = m.facilities.iter().map(|f| f.tables).sum();
    let _ = writeln!(
        o,
        "\n{}, {} ({}), {} ({}, {planes_text}{} ground), {}",
        n(m.sites.len(), "site"),
        n(m.facilities.len(), "facility"),
        n(tables as usize, "operating table"),
        n(units, "evacuation unit"),
        n(helis as usize, "helicopter"),
        units as u32 - helis - planes,
        n(m.zones.len(), "zone")
    );
    // Random incidents over the period less the share prevented, plus the scheduled ones (which
    // prevention leaves alone), each with its mean casualties.
    let days = m.period_min / 1440.0;
    let per_trial: f64 = m
        .zones
        .iter()
        .map(|z| {
            (z.incidents_per_day * (1.0 - z.prevented_share) * days + z.scheduled_min.len() as f64) * z.casualties_mean
        })
        .sum();
    // Scheduled incidents alone are one event per trial, not a daily rate.
    let none = m.zones.iter().all(|z| z.incidents_per_day == 0.0 && z.scheduled_min.is_empty());
    let trial = format!("{}-day trial", super::fmt::Quantity(days));
    let expected = if none {
        format!("no incidents (no zone has a rate above 0 or a scheduled one): 0 per {trial}")
    } else if m.scheduled_only() {
        let scheduled: usize = m.zones.iter().map(|z| z.scheduled_min.len()).sum();
        format!(
            "scheduled incidents only ({} a trial): about {:.0} casualties per {trial}",
            n(scheduled, "incident"),
            Grouped(per_trial)
        )
    } else {
        format!(
            "about {:.2} casualties a day expected, {:.0} per {trial}",
            Grouped(per_trial / days),
            Grouped(per_trial)
        )
    };
    let _ = writeln!(
        o,
        "{expected}; daylight {} to {}",
        crate::summary::clock(m.daylight.sunrise_min),
        crate::summary::clock(m.daylight.sunset_min)
    );
    // Said only where modelled, so a scenario without it keeps its description.
    if let Some(on) = &m.onward {
        let counted: Vec<&str> = (0..3).filter(|&k| on.applies_to[k]).map(|k| crate::model::SEVERITIES[k]).collect();
        let _ = writeln!(
            o,
            "onward to Level 3 within {} of surgery at a lower level ({}; post-op {:.0} min on average)",
            crate::report::minutes_label(on.deadline_min),
            counted.join(", "),
            on.post_op_min.mean()
        );
    }
    let far = FarPlaces::of(m);
    let _ = writeln!(o, "\nzones, from their centre (planned with mean delays, by day):");
    for (i, z) in m.zones.iter().enumerate() {
        let c = z.area.centre();
        let mix: Vec<String> = SEVERITIES.iter().zip(z.severity).map(|(s, p)| format!("{s} {:.0}", Pct(p))).collect();
        let _ = writeln!(o, "  {} ({:.2}, {:.2}): {}, {}", z.id, c.lat, c.lon, zone_incidents(z), mix.join(" "));
        if let Some((asset, t)) = best_response(m, i) {
            let _ = writeln!(o, "    first asset on scene: {asset} in about {} min", Minutes(t));
        }
        for a in &m.assets {
            if let Some((sortie, window)) = never_fits(m, a, i).filter(|_| a.can_serve(&z.access)) {
                let _ = writeln!(
                    o,
                    "    {} never flies to the centre: its sortie there, about {sortie:.0} min, is longer than the \
                     longest flying day ({window:.0} min, dawn to dusk)",
                    a.id
                );
            }
        }
        for (label, surgical) in [("nearest resuscitation", false), ("nearest surgery", true)] {
            let near = m
                .facilities
                .iter()
                .filter(|f| if surgical { f.surgery } else { f.resuscitation })
                .map(|f| (f, f.pos.distance_km(&c)))
                .min_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((f, km)) = near {
                let _ = writeln!(o, "    {label}: {} at {} km (straight line)", f.id, Grouped(km.round()));
            }
        }
        if z.access.air_only {
            let _ = writeln!(o, "    air access only");
        }
        if let Some(&(_, km)) = far.zones.iter().find(|&&(zi, _)| zi == i) {
            let _ = writeln!(
                o,
                "    check its place: {} km from the nearest site (are lat and lon the right way round?)",
                Grouped(km.round())
            );
        }
    }
    for &(si, km) in &far.sites {
        let s = &m.sites[si];
        let _ = writeln!(
            o,
            "\ncheck the place of site {} ({:.2}, {:.2}): {} km from every other site and zone (are lat and lon \
             the right way round?)",
            s.id,
            s.pos.lat,
            s.pos.lon,
            Grouped(km.round())
        );
    }
    o
}

/// A count with its noun, singular for one: "1 site", "2 facilities".
fn n(count: usize, noun: &str) -> String {
    let plural = match noun.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{noun}s"),
    };
    format!("{count} {}", if count == 1 { noun } else { &plural })
}

/// A zone's incidents: its daily rate, and the scheduled ones where it has any ("0
/// incidents/day" alone would hide a scheduled attack).
fn zone_incidents(z: &Zone) -> String {
    let rate = format!("{} incidents/day", Num(z.incidents_per_day));
    match z.scheduled_min.len() {
        0 => rate,
        k if z.incidents_per_day == 0.0 => n(k, "scheduled incident"),
        k => format!("{rate} and {k} scheduled"),
    }
}
