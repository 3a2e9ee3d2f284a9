//! What `casevac validate` prints: what the scenario describes and the distances that matter.

use crate::model::{AssetKind, Model, SEVERITIES};
use crate::report::fmt::{Num, Pct};
use std::fmt::Write;

/// Best planned response to a zone's centre: (asset id, minutes to reach it), using mean delays.
fn best_response(m: &Model, z: usize) -> Option<(&str, f64)> {
    let zone = &m.zones[z];
    let c = zone.area.centre();
    m.assets
        .iter()
        .filter(|a| a.can_serve(&zone.access))
        .map(|a| {
            let pre = a.planned_departure_min(true, &zone.access);
            (a.id.as_str(), pre + a.travel_min(a.pos.distance_km(&c), &zone.access))
        })
        .min_by(|x, y| x.1.total_cmp(&y.1))
}

pub fn describe(m: &Model) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}", m.name);
    if !m.description.is_empty() {
        let _ = writeln!(o, "{}", m.description.trim());
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
    // Random incidents over the period plus the scheduled ones, each with its mean casualties.
    let days = m.period_min / 1440.0;
    let per_trial: f64 =
        m.zones.iter().map(|z| (z.incidents_per_day * days + z.scheduled_min.len() as f64) * z.casualties_mean).sum();
    // Scheduled incidents alone are one event per trial, not a daily rate.
    let a_day = if m.scheduled_only() {
        "scheduled incidents only: ".to_string()
    } else {
        format!("about {:.2} casualties a day expected, ", per_trial / days)
    };
    let _ = writeln!(
        o,
        "{a_day}{:.0} per {}-day trial; daylight {} to {}",
        per_trial,
        super::fmt::Num(days),
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
    let _ = writeln!(o, "\nzones, from their centre (planned with mean delays, by day):");
    for (i, z) in m.zones.iter().enumerate() {
        let c = z.area.centre();
        let mix: Vec<String> = SEVERITIES.iter().zip(z.severity).map(|(s, p)| format!("{s} {:.0}", Pct(p))).collect();
        let _ = writeln!(
            o,
            "  {} ({:.2}, {:.2}): {} incidents/day, {}",
            z.id,
            c.lat,
            c.lon,
            Num(z.incidents_per_day),
            mix.join(" ")
        );
        if let Some((asset, t)) = best_response(m, i) {
            let _ = writeln!(o, "    first asset on scene: {asset} in about {t:.0} min");
        }
        for (label, surgical) in [("nearest resuscitation", false), ("nearest surgery", true)] {
            let near = m
                .facilities
                .iter()
                .filter(|f| if surgical { f.surgery } else { f.resuscitation })
                .map(|f| (f, f.pos.distance_km(&c)))
                .min_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((f, km)) = near {
                let _ = writeln!(o, "    {label}: {} at {km:.0} km (straight line)", f.id);
            }
        }
        if z.access.air_only {
            let _ = writeln!(o, "    air access only");
        }
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
