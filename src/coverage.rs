//! Coverage maps: the share of casualties wounded in each cell of a grid over the mission area
//! who receive each step of care in time. Two maps answer two questions:
//!
//! - Under the run's load ([`run_coverage`]): the run's own casualties, from the same seed and
//!   trials, each counted in the cell where it was wounded, competing for assets and tables as
//!   in the run. Its cells add up to the run's figures exactly, so it is the map a report leads
//!   with; cells where no casualty was wounded have no figure.
//! - Reach ([`coverage`]): each cell runs the same engine as `casevac run` ([`Engine::probe`])
//!   for one casualty at the cell's centre, wounded at a random time of day, with that day's
//!   serviceability and weather, and the reporting, first aid and ground access of the zone the
//!   point lies in (or the nearest zone). No other incident competes for assets, so this map
//!   shows what the laydown can reach, not how busy it is, and reads far better than the run
//!   when assets or tables are saturated.

use crate::geo::{KM_PER_DEG, Point};
use crate::model::{MIN_PER_DAY, Model};
use crate::sim::Engine;
use crate::stats::tally::PHASES;
use crate::stats::{Histograms, Tally};
use rayon::prelude::*;
use serde::Serialize;
use std::ops::Range;

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
    /// Share of each step in time: first aid, resuscitation, surgery (0 where `n` is 0).
    pub p: [f64; 3],
    /// Casualties each share is of: the probes, or the run's casualties the step counts here.
    pub n: [u64; 3],
}

/// Phases' medians over the run's casualties, all zones together: what the run's tally (sums
/// only) cannot give, and what a mass-casualty event, whose long waits pull the means up, needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseMedians {
    /// Each phase's median in minutes, to a tenth of a minute below; infinite beyond [`MEDIAN_CAP_MIN`];
    /// `None` where no casualty reached the phase.
    pub median_min: [Option<f64>; PHASES.len()],
    /// Casualties who reached each phase.
    pub casualties: [u64; PHASES.len()],
    /// From the same pass: each resource's utilisation on its busiest day.
    pub busiest_day: BusiestDay,
}

/// Utilisation on the busiest day of each trial's period, averaged over the trials: what a
/// month's mean hides when casualties come together (a table busy 2% over the month can be
/// busy all day after an attack).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct BusiestDay {
    /// Per asset group, in the scenario's order.
    pub assets: Vec<f64>,
    /// Per facility, of its operating tables; `None` without tables.
    pub tables: Vec<Option<f64>>,
}

/// Phase times are binned by a tenth of a minute up to this; a median beyond is reported as such.
pub const MEDIAN_CAP_MIN: f64 = 720.0;
const MEDIAN_BINS: usize = (MEDIAN_CAP_MIN as usize) * 10;

/// Where a map's casualties come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MapSource {
    /// `per_cell` probes of one casualty alone at each cell's centre.
    Probes { per_cell: u64 },
    /// The run's own casualties of `trials` trials, where they were wounded.
    Run { trials: u64 },
}

impl std::fmt::Display for MapSource {
    /// How the map's figures were made, for a chart's title or a report's run facts.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::report::fmt::Count;
        match *self {
            MapSource::Probes { per_cell } => {
                let noun = if per_cell == 1 { "casualty" } else { "casualties" };
                write!(f, "{} {noun} simulated alone per cell", Count(per_cell))
            }
            MapSource::Run { trials } => write!(f, "the run's casualties of {} trials", Count(trials)),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// [lat_min, lat_max, lon_min, lon_max] of the grid.
    pub bounds: [f64; 4],
    pub nx: usize,
    pub ny: usize,
    /// Cell size in degrees: (lat, lon).
    pub cell_deg: (f64, f64),
    pub source: MapSource,
    /// Row-major from the south-west corner: index = row * nx + column.
    pub cells: Vec<Cell>,
}

/// The area a map should show: every site and zone, with a margin as wide in km on every side.
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
    // 8% of the longer side, so markers are not on the frame. A fixed floor in degrees drew a
    // camp a few km across as a speck in a frame ten times its size; taken from the longer side
    // in km, the margin keeps a long, thin mission room across it. At least 200 m, so a mission
    // at one point still has a frame.
    let cos = ((b[0] + b[1]) / 2.0).to_radians().cos();
    let longer_km = ((b[1] - b[0]) * KM_PER_DEG).max((b[3] - b[2]) * KM_PER_DEG * cos);
    let margin_km = (longer_km * 0.08).max(0.2);
    let (mlat, mlon) = (margin_km / KM_PER_DEG, margin_km / (KM_PER_DEG * cos));
    [b[0] - mlat, b[1] + mlat, b[2] - mlon, b[3] + mlon]
}

/// Whether the mission's sites and zones lie on both sides of 180° longitude, closer together
/// across it than across the map (Fiji's sites at 179.8° E and 179.8° W): its maps, which run
/// from the least longitude to the greatest, would span the globe the long way round.
pub fn straddles_antimeridian(model: &Model) -> bool {
    let mut lons: Vec<f64> = model.sites.iter().map(|s| s.pos.lon).collect();
    for z in &model.zones {
        let b = z.area.bounds();
        lons.extend([b[2], b[3]]);
    }
    lons.sort_by(f64::total_cmp);
    let (Some(&first), Some(&last)) = (lons.first(), lons.last()) else { return false };
    let widest_inside = lons.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
    widest_inside > 360.0 - (last - first)
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

/// The probability of each step at one point, from `probes` simulated casualties; `tally` is
/// scratch for the counts the probes' events keep (see [`Engine::probe`]).
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
    let mut in_time = [0u64; 3];
    for k in 0..probes {
        let verdicts = engine.probe(seed, first_stream + k, zone, pos, tally);
        for (n, ok) in in_time.iter_mut().zip(verdicts) {
            *n += u64::from(ok);
        }
    }
    in_time.map(|n| n as f64 / probes as f64)
}

/// Probes every cell of the grid; `progress` is called once per cell.
pub fn coverage(model: &Model, opts: &CoverageOptions, progress: &(dyn Fn(u64) + Sync)) -> Coverage {
    coverage_within(model, mission_bounds(model), opts, progress)
}

/// How many cells [`coverage`] probes for `model` with `grid` cells along the longer side: the
/// length of its progress.
pub fn cell_count(model: &Model, grid: usize) -> u64 {
    let (nx, ny, _) = grid_over(mission_bounds(model), grid);
    (nx * ny) as u64
}

/// Probes every cell of a grid over `bounds` ([lat_min, lat_max, lon_min, lon_max]).
fn coverage_within(
    model: &Model,
    bounds: [f64; 4],
    opts: &CoverageOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Coverage {
    let (nx, ny, cell_deg) = grid_over(bounds, opts.grid);
    let cells = (0..nx * ny)
        .into_par_iter()
        .map_init(
            || (Engine::new(model), Tally::with_histograms(model, Histograms::Off)),
            |(engine, tally), i| {
                let (lat, lon) = cell_centre(bounds, nx, cell_deg, i);
                let pos = Point::new(lat, lon);
                let stream = PROBE_STREAM_BASE + i as u64 * opts.probes;
                let p = probe_point(model, engine, tally, opts.seed, stream, opts.probes, pos);
                progress(1);
                Cell { lat, lon, zone: zone_at(model, &pos), p, n: [opts.probes; 3] }
            },
        )
        .collect();
    Coverage { bounds, nx, ny, cell_deg, source: MapSource::Probes { per_cell: opts.probes }, cells }
}

/// Columns, rows and cell size (lat, lon degrees) of a grid over `bounds` with `grid` cells
/// along the longer side and cells square in km.
fn grid_over(bounds: [f64; 4], grid: usize) -> (usize, usize, (f64, f64)) {
    let mid_lat = ((bounds[0] + bounds[1]) / 2.0).to_radians().cos();
    let (h, w) = (bounds[1] - bounds[0], (bounds[3] - bounds[2]) * mid_lat);
    let n = grid.max(2);
    let (nx, ny) = if w >= h {
        (n, ((n as f64 * h / w).round() as usize).max(2))
    } else {
        (((n as f64 * w / h).round() as usize).max(2), n)
    };
    (nx, ny, (h / ny as f64, (bounds[3] - bounds[2]) / nx as f64))
}

/// The trial indices a run's figures come from: all of `0..trials`, or for a partial merge,
/// the requested trials less the missing ranges.
pub fn run_trials(run: &crate::summary::RunInfo) -> Vec<Range<u64>> {
    let Some(partial) = &run.partial else { return std::iter::once(0..run.trials).collect() };
    let mut ranges = Vec::new();
    let mut start = 0;
    for &[a, b] in &partial.missing_trials {
        if a > start {
            ranges.push(start..a);
        }
        start = start.max(b);
    }
    if start < partial.trials_requested {
        ranges.push(start..partial.trials_requested);
    }
    ranges
}

/// The map under the run's load: trials `trials` of `seed` simulated again exactly as the run
/// simulated them, each counted casualty added to the cell of a `grid` over the mission area
/// where it was wounded, with each step the run counts for it and whether it came in time; and,
/// from the same pass, the phases' medians. `progress` is called with each block of trials done.
pub fn run_coverage(
    model: &Model,
    seed: u64,
    trials: &[Range<u64>],
    grid: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> (Coverage, PhaseMedians) {
    run_coverage_within(model, mission_bounds(model), seed, trials, grid, progress)
}

/// The maps under load of a base and its alternatives on one grid, base first, for a
/// comparison: the same trials in each, whose incidents are shared, so a cell's change is
/// paired like the comparison's own figures.
pub fn paired_run_coverage(
    base: &Model,
    alts: &[Model],
    seed: u64,
    trials: &[Range<u64>],
    grid: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<Coverage> {
    let bounds = alts
        .iter()
        .map(mission_bounds)
        .fold(mission_bounds(base), |a, b| [a[0].min(b[0]), a[1].max(b[1]), a[2].min(b[2]), a[3].max(b[3])]);
    std::iter::once(base).chain(alts).map(|m| run_coverage_within(m, bounds, seed, trials, grid, progress).0).collect()
}

/// [`run_coverage`] on a grid over `bounds`.
fn run_coverage_within(
    model: &Model,
    bounds: [f64; 4],
    seed: u64,
    trials: &[Range<u64>],
    grid: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> (Coverage, PhaseMedians) {
    // Blocks of trials cut as a run cuts them, so that short batches of slow trials still keep
    // every thread busy, each taken by the next free thread into its one engine and set of sums
    // (`run::per_thread`).
    let (nx, ny, cell_deg) = grid_over(bounds, grid);
    let blocks = crate::run::blocks(trials.iter().cloned());
    // Per cell and step: (counted, in time); per phase, a histogram of its minutes by tenths
    // and one bin beyond the cap. Integer counts, so any split of the blocks across threads adds
    // up to the same map and medians.
    // And per asset group and facility, the busy milliseconds of each trial's busiest day.
    let resources = model.assets.len() + model.facilities.len();
    let empty =
        || (vec![[(0u64, 0u64); 3]; nx * ny], vec![0u64; PHASES.len() * (MEDIAN_BINS + 1)], vec![0u64; resources]);
    let (counts, phase_hist, busiest) = crate::run::per_thread(
        blocks.len(),
        || {
            let mut engine = Engine::new(model);
            engine.log_busy();
            (engine, Tally::with_histograms(model, Histograms::Off), empty())
        },
        |(engine, tally, (counts, hist, busiest)), b| {
            crate::run::run_block(blocks[b].clone(), progress, |i| {
                engine.trial_by_place(seed, i, tally, |place| {
                    let cell = &mut counts[cell_of(bounds, (nx, ny), cell_deg, place.pos)];
                    for (c, j) in cell.iter_mut().zip(place.judged) {
                        if let Some(ok) = j {
                            c.0 += 1;
                            c.1 += ok as u64;
                        }
                    }
                    for (k, &m) in place.phases_min.iter().enumerate() {
                        let bin = ((m.max(0.0) * 10.0) as usize).min(MEDIAN_BINS);
                        hist[k * (MEDIAN_BINS + 1) + bin] += 1;
                    }
                });
                engine.busiest_day_ms(busiest);
            });
        },
    )
    .into_iter()
    .map(|(_, _, sums)| sums)
    .fold(empty(), |(mut a, mut ah, mut ab), (b, bh, bb)| {
        for (x, y) in a.iter_mut().zip(b) {
            for (s, (n, k)) in y.into_iter().enumerate() {
                x[s].0 += n;
                x[s].1 += k;
            }
        }
        for (x, y) in ah.iter_mut().zip(bh) {
            *x += y;
        }
        for (x, y) in ab.iter_mut().zip(bb) {
            *x += y;
        }
        (a, ah, ab)
    });
    let cells = counts
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let (lat, lon) = cell_centre(bounds, nx, cell_deg, i);
            let pos = Point::new(lat, lon);
            let p = c.map(|(n, k)| if n == 0 { 0.0 } else { k as f64 / n as f64 });
            Cell { lat, lon, zone: zone_at(model, &pos), p, n: c.map(|(n, _)| n) }
        })
        .collect();
    let trials = trials.iter().map(|r| r.end - r.start).sum();
    let mut medians = phase_medians(&phase_hist);
    // A day's capacity: its units (or tables) for 1,440 minutes, in milliseconds.
    let share = |ms: u64, capacity: u32| {
        (capacity > 0 && trials > 0).then(|| ms as f64 / (trials as f64 * f64::from(capacity) * MIN_PER_DAY * 60_000.0))
    };
    let n = model.assets.len();
    medians.busiest_day = BusiestDay {
        assets: model.assets.iter().zip(&busiest).map(|(a, &ms)| share(ms, a.count).unwrap_or(0.0)).collect(),
        tables: model.facilities.iter().zip(&busiest[n..]).map(|(f, &ms)| share(ms, f.tables)).collect(),
    };
    (Coverage { bounds, nx, ny, cell_deg, source: MapSource::Run { trials }, cells }, medians)
}

/// Each phase's median from its histogram: the start of the tenth of a minute that holds the
/// casualty at half the count (the lower middle one of an even count), so a phase that always
/// takes a whole number of minutes shows that number, and any other is at most 0.1 min low.
fn phase_medians(hist: &[u64]) -> PhaseMedians {
    let mut out = PhaseMedians {
        median_min: [None; PHASES.len()],
        casualties: [0; PHASES.len()],
        busiest_day: BusiestDay::default(),
    };
    for (k, h) in hist.chunks(MEDIAN_BINS + 1).enumerate() {
        let n: u64 = h.iter().sum();
        out.casualties[k] = n;
        if n == 0 {
            continue;
        }
        let mut seen = 0;
        let bin = h.iter().position(|&c| {
            seen += c;
            2 * seen >= n
        });
        out.median_min[k] = bin.map(|b| if b == MEDIAN_BINS { f64::INFINITY } else { b as f64 / 10.0 });
    }
    out
}

/// The centre (lat, lon) of cell `i` of a grid `nx` wide.
fn cell_centre(bounds: [f64; 4], nx: usize, cell_deg: (f64, f64), i: usize) -> (f64, f64) {
    let (row, col) = (i / nx, i % nx);
    (bounds[0] + (row as f64 + 0.5) * cell_deg.0, bounds[2] + (col as f64 + 0.5) * cell_deg.1)
}

/// The cell holding `pos`; a point on or past the edge (the mission bounds hold every zone, so
/// only by rounding) goes to the nearest edge cell.
fn cell_of(bounds: [f64; 4], (nx, ny): (usize, usize), cell_deg: (f64, f64), pos: Point) -> usize {
    let clamp = |x: f64, n: usize| (x.floor().max(0.0) as usize).min(n - 1);
    let row = clamp((pos.lat - bounds[0]) / cell_deg.0, ny);
    let col = clamp((pos.lon - bounds[2]) / cell_deg.1, nx);
    row * nx + col
}
