//! Runs trials in parallel and merges their tallies, optionally until intervals are tight enough.

use crate::model::Model;
use crate::sim::Engine;
use crate::stats::Tally;
use crate::stats::interval::compliance;
use rayon::prelude::*;

#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Trials to run, or with `precision`, trials per batch.
    pub trials: u64,
    pub seed: u64,
    /// Target half-width of every headline interval, as a share (0.005 = ±0.5 points).
    pub half_width_share: Option<f64>,
    /// Upper bound on trials when running to a precision.
    pub max_trials: u64,
}

/// Trials `first..first + count`, on the current rayon pool. Each trial's stream depends only on
/// (seed, trial index) and the tally holds only integers, so the result does not depend on the
/// number of threads or on how rayon splits the work.
pub fn run_batch(model: &Model, seed: u64, first: u64, count: u64, progress: &(dyn Fn(u64) + Sync)) -> Tally {
    let blocks = count.div_ceil(BLOCK) as usize;
    (0..blocks)
        .into_par_iter()
        .with_min_len(min_blocks_per_piece(blocks))
        .fold(
            || (Engine::new(model), Tally::new(model)),
            |(mut engine, mut tally), b| {
                let start = first + b as u64 * BLOCK;
                let end = (start + BLOCK).min(first + count);
                for i in start..end {
                    engine.trial(seed, i, &mut tally);
                }
                progress(end - start);
                (engine, tally)
            },
        )
        .map(|(_, t)| t)
        .reduce_with(|mut a, b| {
            a.merge(&b);
            a
        })
        .unwrap_or_else(|| Tally::new(model))
}

/// Trials are handed out in blocks, the unit of progress.
pub const BLOCK: u64 = 64;

/// The fewest blocks a parallel piece takes. Each piece builds an engine and a tally (about a
/// megabyte of histograms, zeroed page by page as the trials first touch it) and merges it at
/// the end, which costs as much as dozens of trials; left to itself rayon splits a short batch
/// into a piece per block, so that on two threads a 400-trial batch ran slower than on one.
/// About two pieces a thread keep that cost small and still let an idle thread take half of a
/// busy one's remaining work.
pub fn min_blocks_per_piece(blocks: usize) -> usize {
    blocks.div_ceil(2 * rayon::current_num_threads()).max(1)
}

/// Widest half-width among the overall intervals of the three steps.
pub fn widest_half_width(tally: &Tally) -> f64 {
    (0..3)
        .filter(|&s| tally.cell(0, s).n > 0)
        .map(|s| {
            let (_, lo, hi) = compliance(tally.cell(0, s), tally.trials);
            (hi - lo) / 2.0
        })
        .fold(0.0, f64::max)
}

/// Runs the trials the options ask for. With a precision, batches of `trials` are added until
/// every headline interval is narrow enough or `max_trials` is reached; the stopping rule reads
/// only the merged tally, so it stops at the same trial count on any number of threads.
pub fn run(model: &Model, opts: &RunOptions, progress: &(dyn Fn(u64) + Sync)) -> Tally {
    let mut tally = run_batch(model, opts.seed, 0, opts.trials, progress);
    if let Some(p) = opts.half_width_share {
        while widest_half_width(&tally) > p && tally.trials < opts.max_trials {
            let n = opts.trials.min(opts.max_trials - tally.trials);
            tally.merge(&run_batch(model, opts.seed, tally.trials, n, progress));
        }
    }
    tally
}
