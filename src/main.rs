//! The casevac command line: a thin layer over the library.

use anyhow::Context;
use casevac::coverage::{CoverageOptions, coverage};
use casevac::model::Model;
use casevac::report::html::{RunMeta, today_utc};
use casevac::report::{self, csv_out, describe::describe, table, write_atomic};
use casevac::run::{RunOptions, run};
use casevac::scenario;
use casevac::summary::Summary;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
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
        where the chain fails and why.\n\nThe scenario format is described in docs/scenario-format.md."
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
        #[arg(long, value_name = "POINTS")]
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

/// Exit code for a scenario or argument the user must fix (clap uses 2 for usage errors too).
const EXIT_BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate { scenario } => match scenario::load(&scenario) {
            Ok(model) => {
                print!("{}", describe(&model));
                println!("\n{}: no problems found", scenario.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(EXIT_BAD_INPUT)
            }
        },
        Command::Run { scenario, trials, seed, threads, precision, max_trials, outputs } => {
            if let Some(p) = precision
                && !(p > 0.0 && p < 50.0)
            {
                eprintln!(
                    "error: --precision {p} is out of range\n  help: give percentage points, for example --precision 0.5"
                );
                return ExitCode::from(EXIT_BAD_INPUT);
            }
            let model = match scenario::load(&scenario) {
                Ok(m) => m,
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::from(EXIT_BAD_INPUT);
                }
            };
            let opts = RunOptions {
                trials,
                seed,
                precision: precision.map(|p| p / 100.0),
                max_trials: max_trials.max(trials),
            };
            match simulate(&model, &opts, threads, &outputs) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// A progress bar that appears only once a task has run for a second, so short runs stay
/// clean; indicatif also hides it when stderr is not a terminal.
fn delayed_bar(len: Option<u64>, template: &str) -> anyhow::Result<(ProgressBar, Instant, AtomicBool)> {
    let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::hidden());
    bar.set_style(ProgressStyle::with_template(template).context("progress template")?);
    Ok((bar, Instant::now(), AtomicBool::new(false)))
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

fn simulate(model: &Model, opts: &RunOptions, threads: Option<u64>, out: &Outputs) -> anyhow::Result<()> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        pool = pool.num_threads(n as usize);
    }
    let pool = pool.build().context("cannot start worker threads")?;

    let template = if opts.precision.is_none() {
        "{bar:40} {pos}/{len} trials, {elapsed} elapsed, eta {eta}"
    } else {
        "{spinner} {pos} trials, {elapsed} elapsed (running to precision)"
    };
    let (bar, started, shown) = delayed_bar(opts.precision.is_none().then_some(opts.trials), template)?;
    let tally = pool.install(|| run(model, opts, &|n| advance(&bar, started, &shown, n)));
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();

    let summary = Summary::new(model, &tally, opts.seed);
    if let Some(path) = &out.json {
        write_atomic(path, report::to_json(&summary).as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(dir) = &out.csv {
        csv_out::write(&summary, dir)?;
    }
    let mut report_note = None;
    if let Some(dir) = &out.report {
        let copts = CoverageOptions { grid: out.map_grid as usize, probes: out.map_probes, seed: opts.seed };
        let (bar, map_started, shown) = delayed_bar(None, "{spinner} coverage map: {pos} cells, {elapsed} elapsed")?;
        let map = pool.install(|| coverage(model, &copts, &|n| advance(&bar, map_started, &shown, n)));
        bar.finish_and_clear();
        let meta = RunMeta {
            date_utc: today_utc(),
            map_grid: format!("{} x {} cells, {} casualties simulated per cell", map.nx, map.ny, map.probes),
        };
        report::write_report(dir, model, &tally, &summary, &map, &meta)?;
        report_note = Some(format!(
            "report written to {} (coverage map in {:.1} s)",
            dir.join("report.html").display(),
            map_started.elapsed().as_secs_f64()
        ));
    }
    if !out.quiet {
        print!("{}", table::render(&summary));
        println!(
            "\nran in {elapsed:.1} s on {} threads ({:.0} casualties per second)",
            pool.current_num_threads(),
            tally.casualties as f64 / elapsed.max(1e-9)
        );
        if let Some(p) = opts.precision
            && casevac::run::widest_half_width(&tally) > p
        {
            println!("note: --max-trials reached before the intervals narrowed to ±{} points", p * 100.0);
        }
        for (what, path) in [("JSON", &out.json), ("CSV", &out.csv)] {
            if let Some(p) = path {
                println!("{what} written to {}", p.display());
            }
        }
        if let Some(note) = report_note {
            println!("{note}");
        }
    }
    Ok(())
}
