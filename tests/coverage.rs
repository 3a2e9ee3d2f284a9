//! The coverage map comes from the same engine as `run`: one grid cell's probabilities agree
//! with a direct simulation of casualties wounded at that point.

mod common;

use casevac::coverage::{CoverageOptions, coverage, probe_point, zone_at};
use casevac::geo::Point;
use casevac::sim::Engine;
use casevac::stats::Tally;
use common::*;

/// Plenty of units and tables, so casualties never compete: a direct simulation at one point
/// then estimates the same probabilities as the probe. A day-only, often unserviceable
/// helicopter and a slow ambulance make the answer depend on time of day and on the day.
fn laydown(zone: &str) -> String {
    scenario(
        "period_days = 30",
        "site = \"hospital\"\nlevel = \"level2\"\noperating_tables = 50\noperations_per_day = 100000",
        "kind = \"helicopter\"\nbase = \"hospital\"\ncount = 30\nspeed_kmh = 200\nserviceability = 0.7\n\
         weather_grounding = 0.2\napproval_min = { exponential = { mean = 20 } }\nmedical_team = true\n\n\
         [[asset]]\nid = \"amb\"\nkind = \"ground\"\nbase = \"base\"\ncount = 30\nspeed_kmh = 50\n\
         escort_min = { uniform = { min = 5, max = 30 } }",
        zone,
    )
}

const ZONE_PROPS: &str = "severity = { t1 = 1, t2 = 0, t3 = 0 }\nsurgery_share = { t1 = 1, t2 = 0, t3 = 0 }\n\
    first_aider_share = 0.5\nfirst_aid_min = { uniform = { min = 2, max = 14 } }\n\
    report_delay_min = { exponential = { mean = 6 } }";

#[test]
fn a_grid_cell_matches_a_direct_simulation_at_that_point() {
    let (lat, lon) = (0.1, 0.35);
    // Direct: a point zone at (lat, lon).
    let direct = model(&laydown(&format!(
        "centre = {{ lat = {lat}, lon = {lon} }}\nradius_km = 0\nincidents_per_day = 4\n{ZONE_PROPS}"
    )));
    let (_, s) = run(&direct, 21, 200);
    // Probe: the same zone properties over a wide area, probed at the point.
    let wide = model(&laydown(&format!(
        "centre = {{ lat = 0.0, lon = 0.5 }}\nradius_km = 80\nincidents_per_day = 4\n{ZONE_PROPS}"
    )));
    let pos = Point::new(lat, lon);
    assert_eq!(zone_at(&wide, &pos), 0);
    let probes = 20_000;
    let (mut engine, mut tally) = (Engine::new(&wide), Tally::new(&wide));
    let p = probe_point(&wide, &mut engine, &mut tally, 22, 0, probes, pos);
    for (step, &pp) in s.steps.iter().zip(&p) {
        let q = step.compliance.unwrap();
        let n = step.eligible as f64 / step.design_effect;
        let se = (q * (1.0 - q) / n + pp * (1.0 - pp) / probes as f64).sqrt();
        assert!((q - pp).abs() <= 3.89 * se.max(1e-9), "{}: direct {q} vs probe {pp} (se {se})", step.step.label());
        assert!(pp > 0.02 && pp < 0.98, "{}: a probability worth testing ({pp})", step.step.label());
    }
}

#[test]
fn coverage_is_deterministic_and_falls_with_distance() {
    let m = model(&laydown(&format!(
        "centre = {{ lat = 0.0, lon = 0.5 }}\nradius_km = 80\nincidents_per_day = 4\n{ZONE_PROPS}"
    )));
    let opts = CoverageOptions { grid: 12, probes: 60, seed: 5 };
    let a = coverage(&m, &opts, &|_| {});
    let b = coverage(&m, &opts, &|_| {});
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    assert_eq!(a.cells.len(), a.nx * a.ny);
    // Surgery is likelier next to the hospital (0, 1) than at the far corner from it.
    let near = a.cells.iter().min_by(|x, y| dist(x, 0.0, 1.0).total_cmp(&dist(y, 0.0, 1.0))).unwrap();
    let far = a.cells.iter().max_by(|x, y| dist(x, 0.0, 1.0).total_cmp(&dist(y, 0.0, 1.0))).unwrap();
    assert!(near.p[2] > far.p[2] + 0.2, "near {:?} far {:?}", near.p, far.p);
}

fn dist(c: &casevac::coverage::Cell, lat: f64, lon: f64) -> f64 {
    Point::new(c.lat, c.lon).distance_km(&Point::new(lat, lon))
}
