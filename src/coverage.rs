//! Coverage maps: the probability that a single T1 casualty wounded at a point receives each
//! step of care in time, on a grid over the mission area.
//!
//! Each cell runs the same engine as `casevac run` ([`Engine::probe`]): one casualty at the
//! cell's centre, wounded at a random time of day, with that day's serviceability and weather,
//! and the reporting, first aid and ground access of the zone the point lies in (or the nearest
//! zone). No other incident competes for assets, so the map shows what the laydown can reach,
//! not how busy it is.

use crate::geo::Point;
use crate::model::Model;
use crate::sim::Engine;
use crate::stats::Tally;
use crate::stats::tally::Groups;
use rayon::prelude::*;
use serde::Serialize;

/// Probe streams start here so they never share a stream with the run's trials.
const PROBE_STREAM_BASE: u64 = 1 << 62;

#[derive(Debug, Clone, Copy)]
pub struct CoverageOptions {
    /// Cells along the longer side of the area; the other side keeps cells square in km.
    pub grid: usize,
    /// Simulated casualties per cell.
    pub probes: u64,
    pub seed: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub lat: f64,
    pub lon: f64,
    /// Index of the zone whose reporting and access the cell uses.
    pub zone: usize,
    /// Probability of each step in time: first aid, resuscitation, surgery.
    pub p: [f64; 3],
}

#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// [lat_min, lat_max, lon_min, lon_max] of the grid.
    pub bounds: [f64; 4],
    pub nx: usize,
    pub ny: usize,
    /// Cell size in degrees: (lat, lon).
    pub cell_deg: (f64, f64),
    pub probes: u64,
    /// Row-major from the south-west corner: index = row * nx + column.
    pub cells: Vec<Cell>,
}

/// The area a map should show: every site and zone, with a margin.
pub fn mission_bounds(model: &Model) -> [f64; 4] {
    let mut b = [f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY];
    let mut add = |lat0: f64, lat1: f64, lon0: f64, lon1: f64| {
        b = [b[0].min(lat0), b[1].max(lat1), b[2].min(lon0), b[3].max(lon1)];
    };
    for s in &model.sites {
        add(s.pos.lat, s.pos.lat, s.pos.lon, s.pos.lon);
    }
    for z in &model.zones {
        let [a, bb, c, d] = z.area.bounds();
        add(a, bb, c, d);
    }
    // A margin of 8% of the span, and at least 0.1 degree, so markers are not on the frame.
    let mlat = ((b[1] - b[0]) * 0.08).max(0.1);
    let mlon = ((b[3] - b[2]) * 0.08).max(0.1);
    [b[0] - mlat, b[1] + mlat, b[2] - mlon, b[3] + mlon]
}

/// The zone whose properties apply at `p`: the first containing it, else the nearest centre.
pub fn zone_at(model: &Model, p: &Point) -> usize {
    model.zones.iter().position(|z| z.area.contains(p)).unwrap_or_else(|| {
        model
            .zones
            .iter()
            .enumerate()
            .map(|(i, z)| (i, z.area.centre().distance_km(p)))
            .fold((0, f64::INFINITY), |best, x| if x.1 < best.1 { x } else { best })
            .0
    })
}

/// The probability of each step at one point, from `probes` simulated casualties.
pub fn probe_point(
    model: &Model,
    engine: &mut Engine,
    tally: &mut Tally,
    seed: u64,
    first_stream: u64,
    probes: u64,
    pos: Point,
) -> [f64; 3] {
    let zone = zone_at(model, &pos);
    let before: [u64; 3] = [0, 1, 2].map(|s| tally.cell(Groups::ALL, s).compliant);
    for k in 0..probes {
        engine.probe(seed, first_stream + k, zone, pos, tally);
    }
    [0, 1, 2].map(|s| (tally.cell(Groups::ALL, s).compliant - before[s]) as f64 / probes as f64)
}

/// Probes every cell of the grid; `progress` is called once per cell.
pub fn coverage(model: &Model, opts: &CoverageOptions, progress: &(dyn Fn(u64) + Sync)) -> Coverage {
    coverage_within(model, mission_bounds(model), opts, progress)
}

/// The coverage maps of a base and its alternatives on one grid, base first, for a comparison.
///
/// The grid spans every variant's mission area (an alternative may add a site), so cell `i` is
/// the same point in every map; and cell `i` probes the same streams in every map, so a cell's
/// difference between two maps is paired like a comparison's trials: zero wherever the change
/// does not reach, not the noise of two samples.
pub fn paired_coverage(
    base: &Model,
    alts: &[Model],
    opts: &CoverageOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<Coverage> {
    let bounds = alts
        .iter()
        .map(mission_bounds)
        .fold(mission_bounds(base), |a, b| [a[0].min(b[0]), a[1].max(b[1]), a[2].min(b[2]), a[3].max(b[3])]);
    std::iter::once(base).chain(alts).map(|m| coverage_within(m, bounds, opts, progress)).collect()
}

/// Probes every cell of a grid over `bounds` ([lat_min, lat_max, lon_min, lon_max]).
fn coverage_within(
    model: &Model,
    bounds: [f64; 4],
    opts: &CoverageOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Coverage {
    let mid_lat = ((bounds[0] + bounds[1]) / 2.0).to_radians().cos();
    let (h, w) = (bounds[1] - bounds[0], (bounds[3] - bounds[2]) * mid_lat);
    let n = opts.grid.max(2);
    let (nx, ny) = if w >= h {
        (n, ((n as f64 * h / w).round() as usize).max(2))
    } else {
        (((n as f64 * w / h).round() as usize).max(2), n)
    };
    let cell_deg = (h / ny as f64, (bounds[3] - bounds[2]) / nx as f64);
    let cells = (0..nx * ny)
        .into_par_iter()
        .map_init(
            || (Engine::new(model), Tally::new(model)),
            |(engine, tally), i| {
                let (row, col) = (i / nx, i % nx);
                let lat = bounds[0] + (row as f64 + 0.5) * cell_deg.0;
                let lon = bounds[2] + (col as f64 + 0.5) * cell_deg.1;
                let pos = Point::new(lat, lon);
                let stream = PROBE_STREAM_BASE + i as u64 * opts.probes;
                let p = probe_point(model, engine, tally, opts.seed, stream, opts.probes, pos);
                progress(1);
                Cell { lat, lon, zone: zone_at(model, &pos), p }
            },
        )
        .collect();
    Coverage { bounds, nx, ny, cell_deg, probes: opts.probes, cells }
}
