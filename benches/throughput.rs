//! Casualties simulated per second on the bundled reference scenario, on one core and on all.
//!
//! Run with `cargo bench`; criterion reports the throughput in casualties (elements) per second.

use casevac::coverage::{CoverageOptions, coverage};
use casevac::run::run_batch;
use casevac::sim::Engine;
use casevac::stats::Tally;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

const SEED: u64 = 1012;
const TRIALS: u64 = 400;

fn throughput(c: &mut Criterion) {
    let model = casevac::scenario::load(Path::new("scenarios/sahel-north.toml")).expect("bundled scenario");
    // The same trials are run every iteration, so the casualty count is exact.
    let casualties = run_batch(&model, SEED, 0, TRIALS, &|_| {}).casualties;
    let mut group = c.benchmark_group("sahel-north");
    group.throughput(Throughput::Elements(casualties));
    group.sample_size(20);
    let mut engine = Engine::new(&model);
    group.bench_function("one core", |b| {
        b.iter(|| {
            let mut tally = Tally::new(&model);
            for i in 0..TRIALS {
                engine.trial(SEED, i, &mut tally);
            }
            black_box(tally.casualties)
        })
    });
    group.bench_function("all cores", |b| b.iter(|| black_box(run_batch(&model, SEED, 0, TRIALS, &|_| {}).casualties)));
    group.finish();
}

/// The default coverage map (60 cells on the longer side, 200 casualties a cell) of the
/// reference scenario, on all cores.
fn coverage_map(c: &mut Criterion) {
    let model = casevac::scenario::load(Path::new("scenarios/sahel-north.toml")).expect("bundled scenario");
    let opts = CoverageOptions { grid: 60, probes: 200, seed: SEED };
    let mut group = c.benchmark_group("coverage map");
    group.sample_size(10);
    group.bench_function("sahel-north 60 cells x 200 probes", |b| {
        b.iter(|| black_box(coverage(&model, &opts, &|_| {}).cells.len()))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    // Criterion's own plots would need a system font; the figures it prints are what we read.
    config = Criterion::default().without_plots();
    targets = throughput, coverage_map
}
criterion_main!(benches);
