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

/// Each step's (counted, in time) added over a map's cells.
fn map_totals(map: &casevac::coverage::Coverage) -> [(u64, u64); 3] {
    let mut t = [(0, 0); 3];
    for c in &map.cells {
        for ((n, k), (&cn, &cp)) in t.iter_mut().zip(c.n.iter().zip(&c.p)) {
            *n += cn;
            *k += (cp * cn as f64).round() as u64;
        }
    }
    t
}

fn run_totals(s: &casevac::summary::Summary) -> [(u64, u64); 3] {
    std::array::from_fn(|k| (s.steps[k].eligible, s.steps[k].compliant))
}

#[test]
fn the_map_under_load_adds_up_to_the_runs_own_figures() {
    use casevac::coverage::{run_coverage, run_trials};
    // Every bundled scenario (warm-up, scheduled mass casualties, request clocks, transfers),
    // and the laydown with the other reading of the hour and the clock from the request.
    let mut models: Vec<_> = bundled_scenarios().iter().map(|p| casevac::scenario::load(p).unwrap()).collect();
    let zone = format!("centre = {{ lat = 0.0, lon = 0.5 }}\nradius_km = 80\nincidents_per_day = 6\n{ZONE_PROPS}");
    let variant = laydown(&zone).replacen(
        "period_days = 30",
        "period_days = 30\nclock_origin = \"request\"\nresuscitation_counts = \"advanced\"",
        1,
    );
    models.push(model(&variant));
    for m in &models {
        let (_, s) = run(m, 17, 12);
        let (map, medians) = run_coverage(m, 17, &run_trials(&s.run), 20, &|_| {});
        assert_eq!(map_totals(&map), run_totals(&s), "{}", m.name);
        // The medians are of the casualties the run's phase means are of.
        let counts: Vec<u64> = s.phases.iter().map(|p| p.casualties).collect();
        assert_eq!(medians.casualties.to_vec(), counts, "{}", m.name);
        assert!(s.steps[0].eligible > 0, "{}: a run with casualties", m.name);
    }
}

#[test]
fn a_point_zones_casualties_all_land_in_the_cell_that_holds_it() {
    use casevac::coverage::{run_coverage, run_trials};
    let (lat, lon) = (0.1, 0.35);
    let m = model(&laydown(&format!(
        "centre = {{ lat = {lat}, lon = {lon} }}\nradius_km = 0\nincidents_per_day = 4\n{ZONE_PROPS}"
    )));
    let (_, s) = run(&m, 3, 10);
    let (map, _) = run_coverage(&m, 3, &run_trials(&s.run), 25, &|_| {});
    let full: Vec<_> = map.cells.iter().filter(|c| c.n[0] > 0).collect();
    assert_eq!(full.len(), 1, "one cell holds every casualty");
    let c = full[0];
    assert!((c.lat - lat).abs() <= map.cell_deg.0 / 2.0 && (c.lon - lon).abs() <= map.cell_deg.1 / 2.0);
    for k in 0..3 {
        assert_eq!(c.n[k], s.steps[k].eligible);
        assert_eq!(Some(c.p[k]), s.steps[k].compliance);
    }
}

#[test]
fn a_partial_merges_map_uses_exactly_the_trials_it_holds() {
    use casevac::coverage::{run_coverage, run_trials};
    use casevac::summary::{Partial, Summary};
    let m = model(&laydown(&format!(
        "centre = {{ lat = 0.0, lon = 0.5 }}\nradius_km = 80\nincidents_per_day = 4\n{ZONE_PROPS}"
    )));
    // Trials [10, 20) and [30, 40) of 50 missing: the map must be of the other 30.
    let mut tally = Tally::new(&m);
    for first in [0, 20, 40] {
        tally.merge(&casevac::run::run_batch(&m, 9, first, 10, &|_| {}));
    }
    let mut s = Summary::new(&m, &tally, 9);
    s.run.partial = Some(Partial { trials_requested: 50, missing_trials: vec![[10, 20], [30, 40]] });
    assert_eq!(run_trials(&s.run), vec![0..10, 20..30, 40..50]);
    let (map, _) = run_coverage(&m, 9, &run_trials(&s.run), 12, &|_| {});
    assert_eq!(map_totals(&map), run_totals(&s));
    assert_eq!(map.source, casevac::coverage::MapSource::Run { trials: 30 });
}

#[test]
fn the_map_under_load_does_not_depend_on_the_thread_count() {
    use casevac::coverage::run_coverage;
    let m = casevac::scenario::load(std::path::Path::new("scenarios/sahel-north.toml")).unwrap();
    let maps: Vec<String> = [1, 3]
        .map(|threads| {
            // Two ranges, as a partial merge gives, split differently across threads.
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let (map, medians) = pool.install(|| run_coverage(&m, 4, &[0..100, 100..150], 30, &|_| {}));
            assert!(medians.casualties[0] > 0);
            serde_json::to_string(&(map, medians)).unwrap()
        })
        .into();
    assert_eq!(maps[0], maps[1]);
}

#[test]
fn the_reporting_phases_median_is_the_exponential_delays() {
    use casevac::coverage::{run_coverage, run_trials};
    // Reporting takes the zone's report delay, exponential with mean 6 min: median 6 ln 2.
    // Casualties of one incident share it, so the sample is the incidents: the median's standard
    // error is 1 / (2 f(median) sqrt(n)) with f(median) = 1 / 12, that is 6 / sqrt(n).
    let m = model(&laydown(&format!(
        "centre = {{ lat = 0.0, lon = 0.5 }}\nradius_km = 80\nincidents_per_day = 4\n{ZONE_PROPS}"
    )));
    let (_, s) = run(&m, 31, 60);
    let (_, medians) = run_coverage(&m, 31, &run_trials(&s.run), 10, &|_| {});
    let incidents = s.incidents as f64;
    let se = 6.0 / incidents.sqrt();
    let median = medians.median_min[0].unwrap();
    let expected = 6.0 * std::f64::consts::LN_2;
    // 3.89 standard errors (two-sided 1e-4), and the tenth of a minute whose start it is.
    assert!(
        (median - expected).abs() <= 3.89 * se + 0.1,
        "median {median} vs {expected} (se {se}, {incidents} incidents)"
    );
}

#[test]
fn the_busiest_day_is_the_day_of_the_attack() {
    // Three casualties on day 1, an hour apart, each operated on for exactly an hour at the one
    // table; nothing on the other four days. Over 5 days the table is busy 180 / 7,200 min =
    // 2.5%; on its busiest day 180 / 1,440 min = 12.5%, in every trial.
    let m = model(&scenario(
        "period_days = 5",
        "site = \"hospital\"\nlevel = \"level2\"\noperating_tables = 1\nsurgery_min = 60",
        "kind = \"ground\"\nbase = \"hospital\"\nspeed_kmh = 40\nnight_capable = true",
        "centre = { lat = 0.0, lon = 1.0 }\nradius_km = 0\nscheduled_hours = [1, 2, 3]\nescort_required = false\n\
         severity = { t1 = 1, t2 = 0, t3 = 0 }\nsurgery_share = { t1 = 1, t2 = 0, t3 = 0 }\n\
         first_aider_share = 0\nreport_delay_min = 5",
    ));
    let (_, s) = run(&m, 8, 20);
    assert!((s.facilities[0].table_utilisation.unwrap() - 0.025).abs() < 1e-9, "{:?}", s.facilities[0]);
    let (_, extras) = casevac::coverage::run_coverage(&m, 8, &casevac::coverage::run_trials(&s.run), 10, &|_| {});
    let busiest = extras.busiest_day.tables[0].unwrap();
    assert!((busiest - 0.125).abs() < 1e-9, "busiest day {busiest}");
    // The ambulance's busiest day is day 1 too, and its mean is that day spread over five.
    let (day, mean) = (extras.busiest_day.assets[0], s.assets[0].utilisation);
    assert!((day - 5.0 * mean).abs() < 1e-9, "busiest day {day}, mean {mean}");
}

/// The frame every map is drawn in (and both maps' grids laid over): it must hold every site and
/// every zone whole, with the same margin in km on each side, and not dwarf them: on its longer
/// side what it holds fills most of it. The camp attack's zone, 3 km across, once sat in a frame
/// 25 km high.
#[test]
fn the_map_frame_holds_every_site_and_zone_with_a_close_margin() {
    use casevac::coverage::mission_bounds;
    let km = km_per_degree();
    let mut models: Vec<_> = bundled_scenarios().iter().map(|p| casevac::scenario::load(p).unwrap()).collect();
    // A mission at one point: a point zone on the only site.
    let camp = std::fs::read_to_string("scenarios/masscal-camp-attack.toml").unwrap();
    models.push(model(&camp.replace("radius_km = 1.5", "radius_km = 0")));
    for m in &models {
        let b = mission_bounds(m);
        let mut held = [f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY];
        let zones = m.zones.iter().map(|z| z.area.bounds());
        for [lat0, lat1, lon0, lon1] in
            m.sites.iter().map(|s| [s.pos.lat, s.pos.lat, s.pos.lon, s.pos.lon]).chain(zones)
        {
            held = [held[0].min(lat0), held[1].max(lat1), held[2].min(lon0), held[3].max(lon1)];
        }
        let cos = ((b[0] + b[1]) / 2.0).to_radians().cos();
        // Each side's margin in km: south, north, west, east.
        let margins =
            [(held[0] - b[0]) * km, (b[1] - held[1]) * km, (held[2] - b[2]) * km * cos, (b[3] - held[3]) * km * cos];
        assert!(margins.iter().all(|&x| x >= 0.19), "{}: margins {margins:?} km", m.name);
        assert!(margins.iter().all(|&x| (x - margins[0]).abs() < 1e-6 * margins[0]), "{}: {margins:?}", m.name);
        let held_km = ((held[1] - held[0]) * km).max((held[3] - held[2]) * km * cos);
        let frame_km = ((b[1] - b[0]) * km).max((b[3] - b[2]) * km * cos);
        assert!(held_km >= 0.8 * frame_km || frame_km <= 0.41, "{}: {held_km} km in a frame of {frame_km} km", m.name);
    }
}

/// A mission on both sides of 180° longitude is told from one that merely spans many degrees:
/// sites at 179.8° E and 179.8° W, with a zone on each side, straddle it; every bundled
/// scenario, and the same Fijian layout moved to the prime meridian, do not.
#[test]
fn a_mission_across_the_antimeridian_is_told_apart() {
    use casevac::coverage::straddles_antimeridian;
    use casevac::geo::Area;
    for path in bundled_scenarios() {
        assert!(!straddles_antimeridian(&casevac::scenario::load(&path).unwrap()), "{}", path.display());
    }
    let mut m = casevac::scenario::load(std::path::Path::new("scenarios/sahel-north.toml")).unwrap();
    let across = |m: &mut casevac::model::Model, east: f64| {
        for (k, s) in m.sites.iter_mut().enumerate() {
            s.pos = Point::new(-17.8, if k % 2 == 0 { east } else { -east });
        }
        for (k, z) in m.zones.iter_mut().enumerate() {
            let lon = if k % 2 == 0 { east + 0.05 } else { -east - 0.05 };
            z.area = Area::circle(Point::new(-17.8, lon), 5.0);
        }
    };
    across(&mut m, 179.8);
    assert!(straddles_antimeridian(&m));
    across(&mut m, 0.2);
    assert!(!straddles_antimeridian(&m));
    // 60° either side of the prime meridian is a wide mission, not one across 180°.
    across(&mut m, 60.0);
    assert!(!straddles_antimeridian(&m));
}
