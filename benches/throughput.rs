//! Casualties simulated per second on the bundled reference scenario, on one core and on all,
//! and overloaded; the decision commands and the coverage map.
//!
//! Run with `cargo bench`; criterion reports the throughput in casualties (elements) per second.

use casevac::compare::run_paired_batch;
use casevac::coverage::{CoverageOptions, coverage};
use casevac::model::{Dispatch, Model};
use casevac::run::run_batch;
use casevac::sim::Engine;
use casevac::stats::{Histograms, Tally};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
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
    one_core(&mut group, "one core", &model, TRIALS);
    group.bench_function("all cores", |b| b.iter(|| black_box(run_batch(&model, SEED, 0, TRIALS, &|_| {}).casualties)));
    // The same trials with the outcome model off: its cost is the difference from "one core".
    let mut off = model.clone();
    off.outcomes = None;
    one_core(&mut group, "one core, outcome model off", &off, TRIALS);
    group.finish();
}

/// Benchmarks `trials` trials of `model` on one engine on the calling thread: the same trials
/// every iteration.
fn one_core(group: &mut BenchmarkGroup<WallTime>, name: &str, model: &Model, trials: u64) {
    let mut engine = Engine::new(model);
    group.bench_function(name, |b| {
        b.iter(|| {
            let mut tally = Tally::new(model);
            for i in 0..trials {
                engine.trial(SEED, i, &mut tally);
            }
            black_box(tally.casualties)
        })
    });
}

/// A long run on one thread and on two, each in a pool of its own: the ratio of the two is what
/// a planner's `-j 2` gains over `-j 1` (the 400 trials of "all cores" end before the threads'
/// start-up and the tallies' merge are paid off).
fn threads(c: &mut Criterion) {
    const LONG_TRIALS: u64 = 20_000;
    let model = casevac::scenario::load(Path::new("scenarios/sahel-north.toml")).expect("bundled scenario");
    let mut group = c.benchmark_group("sahel-north 20,000 trials");
    group.throughput(Throughput::Elements(run_batch(&model, SEED, 0, LONG_TRIALS, &|_| {}).casualties));
    group.sample_size(10);
    for n in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(n).build().expect("a thread pool");
        let name = if n == 1 { "one thread".to_string() } else { format!("{n} threads") };
        group.bench_function(name, |b| {
            b.iter(|| pool.install(|| black_box(run_batch(&model, SEED, 0, LONG_TRIALS, &|_| {}).casualties)))
        });
    }
    group.finish();
}

/// The Sahel sector with its supply route overloaded: 30 incidents a day on the Gao-Kidal road
/// (500 times its rate) for its 30 days, so that a backlog of hundreds of requests waits while
/// units elsewhere stand idle; under each dispatch policy (best arrival weighs every unit, busy
/// ones too, for each waiting request).
fn overload(c: &mut Criterion) {
    const OVERLOAD_TRIALS: u64 = 10;
    let mut model = casevac::scenario::load(Path::new("scenarios/sahel-north.toml")).expect("bundled scenario");
    let route = model.zones.iter_mut().find(|z| z.id == "route_gao_kidal").expect("the bundled route zone");
    route.incidents_per_day = 30.0;
    let mut group = c.benchmark_group("sahel-north route overloaded");
    group.sample_size(10);
    for (name, dispatch) in [("first idle", Dispatch::FirstIdle), ("best arrival", Dispatch::BestArrival)] {
        let mut m = model.clone();
        m.dispatch = dispatch;
        group.throughput(Throughput::Elements(run_batch(&m, SEED, 0, OVERLOAD_TRIALS, &|_| {}).casualties));
        one_core(&mut group, &format!("one core, {name}"), &m, OVERLOAD_TRIALS);
    }
    group.finish();
}

/// `casevac compare` of the Sahel sector with and without a surgical team at Kidal: both
/// scenarios on the same trials, with the paired cross sums. Throughput counts the casualties
/// of both scenarios.
fn compare(c: &mut Criterion) {
    let load = |p: &str| casevac::scenario::load(Path::new(p)).expect("bundled scenario");
    let (base, alt) = (load("scenarios/sahel-north.toml"), load("scenarios/sahel-north-fst-kidal.toml"));
    let alts = [alt];
    let t = run_paired_batch(&base, &alts, Histograms::Groups, SEED, 0, TRIALS, &|_| {});
    let mut group = c.benchmark_group("compare sahel-north vs fst-kidal");
    group.throughput(Throughput::Elements(t.base.casualties + t.alts[0].casualties));
    group.sample_size(20);
    group.bench_function("all cores", |b| {
        b.iter(|| {
            black_box(run_paired_batch(&base, &alts, Histograms::Groups, SEED, 0, TRIALS, &|_| {}).base.casualties)
        })
    });
    group.finish();
}

/// `casevac levers` on the reference scenario at its default precision (±1 point, which the
/// first 1,000 trials reach): every default lever that applies, paired against the scenario.
fn levers(c: &mut Criterion) {
    use casevac::decide::{Objective, Study, levers};
    let (study, base) = Study::load(Path::new("scenarios/sahel-north.toml"), &[]).expect("bundled scenario");
    let opts = casevac::run::RunOptions { trials: 1000, seed: SEED, half_width_share: Some(0.01), max_trials: 64_000 };
    let objective = Objective::Step(casevac::model::Step::Resuscitation);
    let mut group = c.benchmark_group("levers sahel-north");
    group.sample_size(10);
    group.bench_function("default levers, default precision, all cores", |b| {
        b.iter(|| {
            let (l, skipped) = levers::levers_of(&study, &base, true).expect("levers");
            let r = levers::weigh(&study, &base, l, skipped, objective, &opts, &|_| {}).expect("weigh");
            black_box(r.trials)
        })
    });
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
    targets = throughput, threads, overload, compare, coverage_map, levers
}
criterion_main!(benches);
