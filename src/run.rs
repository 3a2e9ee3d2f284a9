//! Runs trials in parallel and merges their tallies, optionally until intervals are tight enough.

use crate::model::Model;
use crate::sim::Engine;
use crate::stats::Tally;
use crate::stats::interval::compliance;
use rayon::prelude::*;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

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
/// number of threads or on which thread ran which block.
pub fn run_batch(model: &Model, seed: u64, first: u64, count: u64, progress: &(dyn Fn(u64) + Sync)) -> Tally {
    let blocks = blocks(std::iter::once(first..first + count));
    per_thread(
        blocks.len(),
        || (Engine::new(model), Tally::new(model)),
        |(engine, tally), b| run_block(blocks[b].clone(), progress, |i| engine.trial(seed, i, tally)),
    )
    .into_iter()
    .map(|(_, t)| t)
    .reduce(|mut a, b| {
        a.merge(&b);
        a
    })
    .unwrap_or_else(|| Tally::new(model))
}

/// Runs blocks `0..blocks` on the current rayon pool, each thread taking the next block not yet
/// taken as soon as it is free, into a state of its own made when it takes its first block;
/// returns the states of the threads that took any, in no fixed order.
///
/// One state a thread, rather than one a piece of a split range: a state (engines, and tallies
/// of a megabyte whose zeros must be written, then merged) costs as much as dozens of trials,
/// and a fixed split cannot even out at the end, when one core has run slower than the other
/// (a shared machine's cores do), so the faster waited. Blocks taken one at a time even out to
/// within a block. Whoever runs a block, its trials are the same, and tallies of integers merge
/// to the same sums in any order.
pub fn per_thread<S: Send>(blocks: usize, init: impl Fn() -> S + Sync, run: impl Fn(&mut S, usize) + Sync) -> Vec<S> {
    let next = AtomicUsize::new(0);
    // A worker for each thread; one that starts after the others took every block makes no
    // state. (Called from within the pool, some workers may run one after another on a thread:
    // the first then takes every block the others do not.)
    (0..rayon::current_num_threads())
        .into_par_iter()
        .with_max_len(1)
        .filter_map(|_| {
            let mut state = None;
            loop {
                let b = next.fetch_add(1, Ordering::Relaxed);
                if b >= blocks {
                    return state;
                }
                run(state.get_or_insert_with(&init), b);
            }
        })
        .collect()
}

/// Trials are handed out in blocks of at most this many.
pub const BLOCK: u64 = 64;

/// The blocks the ranges of trials are cut into, in order, none across two ranges. Short
/// batches take shorter blocks, about two a thread, so that six slow trials (a year of a large
/// mission) keep both cores busy. The tallies hold integers, so how the trials are cut never
/// moves a figure.
pub fn blocks(trials: impl Iterator<Item = Range<u64>> + Clone) -> Vec<Range<u64>> {
    let count: u64 = trials.clone().map(|r| r.end.saturating_sub(r.start)).sum();
    let len = count.div_ceil(2 * rayon::current_num_threads() as u64).clamp(1, BLOCK);
    trials.flat_map(|r| (r.start..r.end).step_by(len as usize).map(move |a| a..(a + len).min(r.end))).collect()
}

/// A trial slower than this reports its progress on its own, rather than with its block.
const SLOW_TRIAL: Duration = Duration::from_millis(10);

/// Runs trial `i` for each `i` of a block, reporting progress once at its end; where its first
/// trial took longer than [`SLOW_TRIAL`], after each trial instead, so that a run of trials of
/// seconds each shows progress within seconds (a report costs a shared count's update, which
/// trials of microseconds would feel, and slow ones do not).
pub fn run_block(trials: Range<u64>, progress: &(dyn Fn(u64) + Sync), mut trial: impl FnMut(u64)) {
    let started = Instant::now();
    let (mut unreported, mut each) = (0, None);
    for i in trials {
        trial(i);
        unreported += 1;
        // Timed once, after the block's first trial.
        if *each.get_or_insert_with(|| started.elapsed() > SLOW_TRIAL) {
            progress(std::mem::take(&mut unreported));
        }
    }
    if unreported > 0 {
        progress(unreported);
    }
}

/// Widest half-width among the headline intervals: the three steps over all casualties, and
/// the onward milestone where the scenario models it.
pub fn widest_half_width(tally: &Tally) -> f64 {
    (0..3)
        .map(|s| tally.cell(0, s))
        .chain(tally.onward.as_ref().map(|o| &o.cell))
        .filter(|c| c.n > 0)
        .map(|c| {
            let (_, lo, hi) = compliance(c, tally.trials);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Short batches are cut into shorter blocks, enough for both threads, every trial is in
    /// exactly one block, in order, and no block runs across two ranges (a coverage map's).
    #[test]
    fn a_short_batch_is_cut_into_blocks_for_every_thread() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        pool.install(|| {
            let one = |trials| blocks(std::iter::once(trials));
            assert_eq!(one(0..6), [0..2, 2..4, 4..6]);
            assert_eq!(one(0..1000).len(), 16);
            assert_eq!(blocks([10..13, 20..25].into_iter()), [10..12, 12..13, 20..22, 22..24, 24..25]);
            for count in 1..300 {
                let b = one(5..5 + count);
                assert!(b.iter().all(|r| !r.is_empty() && r.end - r.start <= BLOCK), "{count}: {b:?}");
                assert_eq!(b.iter().flat_map(|r| r.clone()).collect::<Vec<_>>(), (5..5 + count).collect::<Vec<_>>());
                assert!(b.len() >= (count as usize).min(3), "both threads have work: {count}: {b:?}");
            }
        });
    }

    /// Every block runs once, into the state of the thread that took it, and a thread held up
    /// in a block leaves the rest to the other, which makes one state for all it takes: block 0
    /// waits (up to ten seconds) until the other 19 are done, which only another thread can do.
    #[test]
    fn threads_take_the_next_block_as_they_come_free() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let done = AtomicUsize::new(0);
        let states = pool.install(|| {
            per_thread(20, Vec::new, |ran: &mut Vec<usize>, b| {
                let started = Instant::now();
                while b == 0 && done.load(Ordering::SeqCst) < 19 && started.elapsed() < Duration::from_secs(10) {
                    std::thread::yield_now();
                }
                ran.push(b);
                done.fetch_add(1, Ordering::SeqCst);
            })
        });
        assert_eq!(states.len(), 2, "{states:?}");
        assert!(states.contains(&vec![0]), "the held-up thread ran only its block: {states:?}");
        let mut all = states.concat();
        all.sort_unstable();
        assert_eq!(all, (0..20).collect::<Vec<_>>());
        // No blocks, no state.
        assert!(per_thread(0, || (), |_, _| ()).is_empty());
    }

    /// A block of slow trials reports each one as it ends; every block reports all its trials.
    #[test]
    fn slow_trials_report_their_progress_one_by_one() {
        let calls = Mutex::new(Vec::new());
        let progress = |n: u64| calls.lock().unwrap().push(n);
        run_block(10..14, &progress, |_| std::thread::sleep(SLOW_TRIAL * 2));
        assert_eq!(*calls.lock().unwrap(), [1, 1, 1, 1]);
        calls.lock().unwrap().clear();
        run_block(0..64, &progress, |_| ());
        assert_eq!(calls.lock().unwrap().iter().sum::<u64>(), 64);
    }
}
