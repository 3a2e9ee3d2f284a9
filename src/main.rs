//! The casevac command line: a thin layer over the library.
//!
//! `main` parses the arguments, calls [`run`], and turns whatever error comes back into an exit
//! code in one place ([`exit_code`]).

use anyhow::Context;
use casevac::coverage::{CoverageOptions, coverage};
use casevac::model::Model;
use casevac::report::html::{RunMeta, today_utc};
use casevac::report::{self, OutputPaths, describe::describe, table};
use casevac::run::RunOptions;
use casevac::scenario::{self, ScenarioError};
use casevac::summary::Summary;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Seed used when none is given; printed with every result so a run can be repeated.
const DEFAULT_SEED: u64 = 1012;

#[derive(Parser)]
#[command(
    name = "casevac",
    version,
    about = "Will this casualty evacuation laydown meet the 10-1-2 standard?",
    long_about = "casevac simulates a mission's casualty evacuation chain many times over and reports \
        what share of casualties get first aid within 10 minutes, damage-control resuscitation within \
        1 hour and damage-control surgery within 2 hours of wounding, with 95% confidence intervals, \
        where the chain fails and why.\n\nThe scenario format is described in docs/scenario-format.md.",
    after_help = "Exit codes: 0 success (or the reader of the output closed it early), \
        1 the run failed (for example a file could not be written), \
        2 bad input (a scenario or argument to fix)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Simulate a scenario and report 10-1-2 compliance.
    Run {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Trials (independent repetitions of the scenario's period); with --precision, trials per batch.
        #[arg(long, short = 'n', default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
        trials: u64,
        /// Random seed; the same seed and scenario give the same results on any number of threads.
        #[arg(long, short = 's', default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// Worker threads (default: one per core).
        #[arg(long, short = 'j', value_parser = clap::value_parser!(u64).range(1..=1024))]
        threads: Option<u64>,
        /// Keep adding batches of trials until every headline 95% interval is at most this many
        /// percentage points either side (for example 0.5).
        #[arg(long, value_name = "POINTS", value_parser = percentage_points)]
        precision: Option<f64>,
        /// With --precision: stop after this many trials even if the target is not met.
        #[arg(long, default_value_t = 1_000_000)]
        max_trials: u64,
        #[command(flatten)]
        outputs: Outputs,
    },
    /// Check a scenario file and describe what it sets up, without simulating.
    Validate {
        /// Scenario file (TOML).
        scenario: PathBuf,
    },
}

#[derive(clap::Args)]
struct Outputs {
    /// Write the full results as JSON to this file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write the results as CSV files into this folder.
    #[arg(long, value_name = "DIR")]
    csv: Option<PathBuf>,
    /// Write charts (PNG and SVG), a coverage map, a self-contained HTML report, GeoJSON and
    /// the JSON summary into this folder.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
    /// With --report: coverage map cells along the longer side of the mission area.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(2..=400))]
    map_grid: u64,
    /// With --report: simulated casualties per coverage map cell.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    map_probes: u64,
    /// Do not print the table.
    #[arg(long, short = 'q')]
    quiet: bool,
}

impl Outputs {
    fn paths(&self) -> OutputPaths {
        OutputPaths { json: self.json.clone(), csv: self.csv.clone(), report: self.report.clone() }
    }
}

/// `--precision`: percentage points, strictly between 0 and 50.
fn percentage_points(s: &str) -> Result<f64, String> {
    let p: f64 = s.parse().map_err(|_| format!("`{s}` is not a number of percentage points (for example 0.5)"))?;
    if p > 0.0 && p < 50.0 {
        Ok(p)
    } else {
        Err(format!("{p} is out of range: give percentage points above 0 and below 50, for example 0.5"))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let code = exit_code(&err);
            if code != EXIT_CLOSED_PIPE {
                print_error(&err);
            }
            ExitCode::from(code)
        }
    }
}

/// A scenario or argument the user must fix (clap uses 2 for usage errors too).
const EXIT_BAD_INPUT: u8 = 2;
/// The reader of our output went away (`casevac validate … | head`): not a failure of ours.
const EXIT_CLOSED_PIPE: u8 = 0;
const EXIT_FAILURE: u8 = 1;

/// The one place errors become exit codes. The Rust runtime ignores SIGPIPE, so a closed pipe
/// arrives as an `io::Error` somewhere in the chain; the chain is kept intact (`with_context`,
/// never a formatted string) so its kind can be found here.
fn exit_code(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if cause.downcast_ref::<ScenarioError>().is_some() {
            return EXIT_BAD_INPUT;
        }
        if let Some(io) = cause.downcast_ref::<io::Error>()
            && io.kind() == io::ErrorKind::BrokenPipe
        {
            return EXIT_CLOSED_PIPE;
        }
    }
    EXIT_FAILURE
}

/// `error: …` then each cause on its own line; a scenario error already says everything.
fn print_error(err: &anyhow::Error) {
    if let Some(e) = err.downcast_ref::<ScenarioError>() {
        eprintln!("{e}");
        return;
    }
    eprintln!("error: {err}");
    for cause in err.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    match cli.command {
        Command::Validate { scenario } => {
            let model = scenario::load(&scenario)?;
            write!(out, "{}", describe(&model))?;
            writeln!(out, "\n{}: no problems found", scenario.display())?;
        }
        Command::Run { scenario, trials, seed, threads, precision, max_trials, outputs } => {
            let model = scenario::load(&scenario)?;
            let opts = RunOptions {
                trials,
                seed,
                half_width_share: precision.map(|p| p / 100.0),
                max_trials: max_trials.max(trials),
            };
            simulate(&mut out, &model, &opts, threads, &outputs)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// A progress bar that appears only once a task has run for a second, so short runs stay
/// clean; indicatif also hides it when stderr is not a terminal.
fn delayed_bar(len: Option<u64>, template: &'static str) -> (ProgressBar, Instant, AtomicBool) {
    let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::hidden());
    bar.set_style(ProgressStyle::with_template(template).expect("progress templates are constants"));
    (bar, Instant::now(), AtomicBool::new(false))
}

fn advance(bar: &ProgressBar, started: Instant, shown: &AtomicBool, n: u64) {
    bar.inc(n);
    if !shown.load(Ordering::Relaxed)
        && started.elapsed() > Duration::from_secs(1)
        && !shown.swap(true, Ordering::Relaxed)
    {
        bar.set_draw_target(ProgressDrawTarget::stderr());
    }
}

fn thread_pool(threads: Option<u64>) -> anyhow::Result<rayon::ThreadPool> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        pool = pool.num_threads(n as usize);
    }
    pool.build().context("cannot start worker threads")
}

/// Computes the coverage map on `pool`, with its own progress bar, and the report's run facts.
fn coverage_map(
    pool: &rayon::ThreadPool,
    model: &Model,
    out: &Outputs,
    seed: u64,
) -> (casevac::coverage::Coverage, RunMeta) {
    let copts = CoverageOptions { grid: out.map_grid as usize, probes: out.map_probes, seed };
    let (bar, started, shown) = delayed_bar(None, "{spinner} coverage map: {pos} cells, {elapsed} elapsed");
    let map = pool.install(|| coverage(model, &copts, &|n| advance(&bar, started, &shown, n)));
    bar.finish_and_clear();
    let meta = RunMeta {
        date_utc: today_utc(),
        map_grid: format!("{} x {} cells, {} casualties simulated per cell", map.nx, map.ny, map.probes),
    };
    (map, meta)
}

fn simulate(
    out: &mut impl Write,
    model: &Model,
    opts: &RunOptions,
    threads: Option<u64>,
    outputs: &Outputs,
) -> anyhow::Result<()> {
    let pool = thread_pool(threads)?;
    let template = if opts.half_width_share.is_none() {
        "{bar:40} {pos}/{len} trials, {elapsed} elapsed, eta {eta}"
    } else {
        "{spinner} {pos} trials, {elapsed} elapsed (running to precision)"
    };
    let (bar, started, shown) = delayed_bar(opts.half_width_share.is_none().then_some(opts.trials), template);
    let tally = pool.install(|| casevac::run::run(model, opts, &|n| advance(&bar, started, &shown, n)));
    bar.finish_and_clear();
    let elapsed_s = started.elapsed().as_secs_f64();

    let summary = Summary::new(model, &tally, opts.seed);
    let notes = report::write_outputs(&outputs.paths(), model, &tally, &summary, || {
        coverage_map(&pool, model, outputs, opts.seed)
    })?;
    if !outputs.quiet {
        write!(out, "{}", table::render(&summary))?;
        writeln!(
            out,
            "\nran in {elapsed_s:.1} s on {} threads ({:.0} casualties per second)",
            pool.current_num_threads(),
            tally.casualties as f64 / elapsed_s.max(1e-9)
        )?;
        if let Some(p) = opts.half_width_share
            && casevac::run::widest_half_width(&tally) > p
        {
            writeln!(out, "note: --max-trials reached before the intervals narrowed to ±{} points", p * 100.0)?;
        }
        for note in notes {
            writeln!(out, "{note}")?;
        }
    }
    Ok(())
}
