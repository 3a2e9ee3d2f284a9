//! The casevac command line: a thin layer over the library.
//!
//! `main` parses the arguments, calls [`run`], and turns whatever error comes back into an exit
//! code in one place ([`exit_code`]).

use anyhow::Context;
use casevac::compare::Comparison;
use casevac::coverage::{CoverageOptions, cell_count, coverage, paired_run_coverage, run_coverage, run_trials};
use casevac::decide::sweep::{Axis, SweepError};
use casevac::decide::{BadVariants, Objective, Study};
use casevac::model::Model;
use casevac::report::files::{Input, Kind, Output, PathClash};
use casevac::report::fmt::{Count, Elapsed, Rate};
use casevac::report::html::{RunMeta, today_utc};
use casevac::report::{self, OutputPaths, ReportMaps, describe::describe, table};
use casevac::run::RunOptions;
use casevac::scenario::{self, Override, ScenarioError};
use casevac::shard::{Counts, Shard, Source, TallyError, TallyFile};
use casevac::stats::Histograms;
use casevac::summary::{Precision, Summary, Widest};
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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
        where the chain fails and why.\n\n`casevac guide` prints the scenario format guide.",
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
        #[command(flatten)]
        what_if: WhatIf,
        #[command(flatten)]
        sim: SimArgs,
        #[command(flatten)]
        outputs: Outputs,
        #[command(flatten)]
        shard: ShardArgs,
    },
    /// Compare courses of action on the same simulated trials: how much each change buys.
    ///
    /// The base and each alternative run the same trials with common random numbers (the same
    /// incidents, weather and delays wherever they agree), so each step's difference comes with
    /// a 95% interval from paired trials, nearly always narrower than two separate runs would
    /// give (the `pairing:` line says how much).
    #[command(
        after_help = "Examples:\n  casevac compare scenarios/sahel-north.toml scenarios/sahel-north-fst-kidal.toml\n  \
        casevac compare scenarios/sahel-north.toml --set-alt asset.gao_mi8.approval_min=5"
    )]
    Compare {
        /// The base scenario file (TOML).
        base: PathBuf,
        /// Alternative scenario files, each compared with the base.
        alternatives: Vec<PathBuf>,
        /// One more alternative: the base with this change. Repeat it for several changes made
        /// together in that one alternative (--set-alt A=1 --set-alt B=2); to compare several
        /// alternatives, give each as a file.
        #[arg(long = "set-alt", value_name = "KEY=VALUE")]
        set_alt: Vec<Override>,
        #[command(flatten)]
        what_if: WhatIf,
        #[command(flatten)]
        sim: SimArgs,
        #[command(flatten)]
        outputs: Outputs,
        #[command(flatten)]
        shard: ShardArgs,
    },
    /// Rank the levers a mission has, each moved one planner's step on common random numbers.
    ///
    /// The default levers are those the Security Council named (S/PRST/2021/11) and the ones
    /// planners negotiate: first-aid training, flight approval, launch times, night flying, one
    /// more helicopter, serviceability, escorts, road speed, counter-IED on routes, surgical
    /// teams where there are none, blood on board. Each is written as --set overrides of the
    /// scenario; a lever that would change nothing here is listed as skipped. A scenario file can
    /// add its own with [[lever]] (see `casevac guide`).
    #[command(after_help = "Example:\n  casevac levers scenarios/sahel-north.toml --report levers-report")]
    Levers {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// What to rank by: first-aid, resuscitation, surgery, onward (where the scenario models the +2) or lives.
        #[arg(long, default_value = "resuscitation", value_parser = objective)]
        objective: Objective,
        /// Weigh only the scenario file's own [[lever]]s.
        #[arg(long)]
        no_defaults: bool,
        #[command(flatten)]
        what_if: WhatIf,
        #[command(flatten)]
        sim: DecideSim,
        #[command(flatten)]
        outputs: DecideOutputs,
    },
    /// Run the scenario over the values of one or two parameters on common random numbers.
    ///
    /// Values are a list (KEY=V1,V2,...) or an evenly spaced range (KEY=START..END:COUNT); KEY is
    /// any key --set takes. Reports each step's compliance at every value and where the
    /// scenario's targets_pct are met.
    #[command(
        after_help = "Examples:\n  casevac sweep scenarios/sahel-north.toml asset.gao_mi8.approval_min=0,15,30,60,120\n  \
        casevac sweep scenarios/sahel-north.toml zone.route_gao_kidal.first_aider_share=0.5..1:6"
    )]
    Sweep {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// One parameter and its values; give two for a grid.
        // (More than two are taken, to be refused with a reason rather than clap's "unexpected
        // value".)
        #[arg(required = true, num_args = 1.., value_name = "KEY=VALUES")]
        axes: Vec<Axis>,
        #[command(flatten)]
        what_if: WhatIf,
        #[command(flatten)]
        sim: DecideSim,
        #[command(flatten)]
        outputs: DecideOutputs,
    },
    /// Where the next asset or facility should go: sites ranked on common random numbers.
    ///
    /// Moves the asset group's base (--asset) or the facility (--facility) to each candidate site
    /// and adds trials to the close contenders until the best is separated from every other at
    /// the chosen confidence, or says it cannot be within --max-trials.
    #[command(
        after_help = "Examples:\n  casevac place scenarios/sahel-north.toml --asset gao_mi8 --candidates all-sites\n  \
        casevac place scenarios/sahel-north.toml --asset gao_mi8 --grid 8",
        group(clap::ArgGroup::new("where").required(true).args(["candidates", "grid"])),
        group(clap::ArgGroup::new("what").required(true).multiple(true).args(["asset", "facility"]))
    )]
    Place {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// The asset group to place (its id); repeat to place several together (a heuristic:
        /// greedily, then one move at a time until none helps).
        #[arg(long, value_name = "ID")]
        asset: Vec<String>,
        /// The facility to place (its id); repeatable, like --asset.
        #[arg(long, value_name = "ID")]
        facility: Vec<String>,
        /// Candidate site ids, comma-separated, or all-sites; where each asset or facility placed
        /// stands now competes too.
        #[arg(long, value_name = "SITE,SITE,...", value_delimiter = ',')]
        candidates: Vec<String>,
        /// Instead of sites, try N × N points evenly over the zones' area and draw the objective as a map.
        #[arg(allow_negative_numbers = true, long, value_name = "N", conflicts_with = "candidates", value_parser = whole::<u64>(2, 20))]
        grid: Option<u64>,
        /// What to rank by: first-aid, resuscitation, surgery, onward (where the scenario models the +2) or lives.
        #[arg(long, default_value = "resuscitation", value_parser = objective)]
        objective: Objective,
        /// Confidence that the best is better than each other candidate, in percent (50 to below 100).
        #[arg(allow_negative_numbers = true, long, value_name = "PERCENT", default_value_t = 95.0, value_parser = confidence)]
        confidence: f64,
        /// Trials of the first round (later rounds double it).
        #[arg(allow_negative_numbers = true, long, short = 'n', default_value_t = 1000, value_parser = whole::<u64>(2, 100_000_000))]
        trials: u64,
        /// Stop adding trials here even if the best is not separated.
        #[arg(allow_negative_numbers = true, long, default_value_t = 64_000, value_parser = whole::<u64>(2, 100_000_000))]
        max_trials: u64,
        /// Random seed.
        #[arg(allow_negative_numbers = true, long, short = 's', default_value_t = DEFAULT_SEED, value_parser = whole::<u64>(0, u64::MAX))]
        seed: u64,
        /// Worker threads (default: one per core).
        #[arg(allow_negative_numbers = true, long, short = 'j', value_parser = whole::<u64>(1, 1024))]
        threads: Option<u64>,
        #[command(flatten)]
        what_if: WhatIf,
        #[command(flatten)]
        outputs: DecideOutputs,
    },
    /// Merge the tally files of a sharded run or comparison and write its outputs.
    ///
    /// The merged JSON, CSV and report are byte for byte those of one `run` (or `compare`) of
    /// the same scenario, seed and trials, whatever the number of shards and the order of the
    /// files. Files of different scenarios, seeds or casevac versions, overlapping or missing
    /// trials, and truncated or corrupt files are refused.
    #[command(after_help = "Example, two shards and their merge:\n  \
        casevac run scenarios/sahel-north.toml --trials 10000 --shard 1/2 --tally s1.tally\n  \
        casevac run scenarios/sahel-north.toml --trials 10000 --shard 2/2 --tally s2.tally\n  \
        casevac merge s1.tally s2.tally --json results.json")]
    Merge {
        /// Tally files written by `run --tally` or `compare --tally`, in any order.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Merge even if some trials are missing; the table and the JSON then say which.
        #[arg(long)]
        allow_partial: bool,
        /// Worker threads for the report's coverage map (default: one per core).
        #[arg(allow_negative_numbers = true, long, short = 'j', value_parser = whole::<u64>(1, 1024))]
        threads: Option<u64>,
        #[command(flatten)]
        outputs: Outputs,
    },
    /// Check a scenario file and describe what it sets up, without simulating.
    Validate {
        /// Scenario file (TOML).
        scenario: PathBuf,
        #[command(flatten)]
        what_if: WhatIf,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish or PowerShell).
    ///
    /// For example: casevac completions bash > ~/.local/share/bash-completion/completions/casevac
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the scenario format guide: every field, its unit, default, range and source.
    Guide,
    /// Print the JSON Schema of the scenario format, for completion and checking in an editor.
    ///
    /// For example: casevac schema > casevac.schema.json, then start a scenario file with
    /// #:schema ./casevac.schema.json (see the guide, "Completion and checking in an editor").
    Schema,
    /// Print the manual page (roff): casevac's own, or with a command's name, that command's
    /// page with every option.
    ///
    /// For example: casevac manpage > casevac.1 && man ./casevac.1, or casevac manpage run >
    /// casevac-run.1
    Manpage {
        /// The command whose page to print (run, compare, levers, ...); without one, the page
        /// of casevac itself, which lists the commands.
        command: Option<String>,
    },
}

#[derive(clap::Args)]
struct WhatIf {
    /// Change a value of the scenario without editing the file, for example
    /// --set asset.gao_mi8.count=3 (repeatable; see the guide, "What-ifs from the command line");
    /// in compare, levers, sweep and place, to the base and every variant alike.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<Override>,
}

#[derive(clap::Args)]
struct SimArgs {
    /// Trials (independent repetitions of the scenario's period); with --precision, trials per batch.
    #[arg(allow_negative_numbers = true, long, short = 'n', default_value_t = 1000, value_parser = whole::<u64>(1, 100_000_000))]
    trials: u64,
    /// Random seed; the same seed and scenario give the same results on any number of threads.
    #[arg(allow_negative_numbers = true, long, short = 's', default_value_t = DEFAULT_SEED, value_parser = whole::<u64>(0, u64::MAX))]
    seed: u64,
    /// Worker threads (default: one per core).
    #[arg(allow_negative_numbers = true, long, short = 'j', value_parser = whole::<u64>(1, 1024))]
    threads: Option<u64>,
    /// Keep adding batches of trials until every headline 95% interval (for compare: every
    /// headline difference's interval) is at most this many percentage points either side
    /// (for example 0.5).
    #[arg(allow_negative_numbers = true, long, value_name = "POINTS", value_parser = percentage_points)]
    precision: Option<f64>,
    /// With --precision: stop after this many trials even if the target is not met.
    #[arg(allow_negative_numbers = true, long, default_value_t = 1_000_000, value_parser = whole::<u64>(1, 100_000_000))]
    max_trials: u64,
}

impl SimArgs {
    fn options(&self) -> RunOptions {
        RunOptions {
            trials: self.trials,
            seed: self.seed,
            half_width_share: self.precision.map(|p| p / 100.0),
            max_trials: self.max_trials.max(self.trials),
        }
    }
}

#[derive(clap::Args)]
struct Outputs {
    /// Write the full results as JSON to this file (`-`: to standard output, instead of the table).
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write the results as CSV files into this folder.
    #[arg(long, value_name = "DIR")]
    csv: Option<PathBuf>,
    /// Write the charts (PNG and SVG), the maps (a run's coverage, a comparison's difference),
    /// a self-contained HTML report, GeoJSON and the JSON results into this folder.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
    /// With --report: cells of the coverage map (or of the difference map of `compare`) along the
    /// longer side of the mission area.
    #[arg(allow_negative_numbers = true, long, value_name = "CELLS", default_value_t = 60, value_parser = whole::<u64>(2, 400))]
    map_grid: u64,
    /// With --report: draw the PNG charts N times larger, for slides and print (the SVGs are
    /// vector and the same at any size).
    #[arg(allow_negative_numbers = true, long, value_name = "N", default_value_t = 1, value_parser = whole::<u32>(1, 4))]
    scale: u32,
    /// With --report: casualties simulated alone per cell of the reach map (`run` and `merge`;
    /// `compare` draws no reach map).
    #[arg(allow_negative_numbers = true, long, value_name = "PROBES", default_value_t = 200, value_parser = whole::<u64>(1, 100_000))]
    map_probes: u64,
    /// Do not print the table.
    #[arg(long, short = 'q')]
    quiet: bool,
}

impl Outputs {
    /// The files to write; JSON for standard output is left to the caller's writer.
    fn paths(&self) -> OutputPaths {
        let json = self.json.clone().filter(|_| !self.json_to_stdout());
        OutputPaths { json, csv: self.csv.clone(), report: self.report.clone(), chart_scale: self.scale }
    }

    fn json_to_stdout(&self) -> bool {
        json_to_stdout(&self.json)
    }
}

/// `--json -`: the JSON goes to standard output, in place of the table.
fn json_to_stdout(json: &Option<PathBuf>) -> bool {
    json.as_ref().is_some_and(|p| p.as_os_str() == "-")
}

/// Trials of a decision command: a fixed number, or to a precision (the default).
#[derive(clap::Args)]
struct DecideSim {
    /// Trials per batch while running to --precision; with --precision 0, exactly this many.
    #[arg(allow_negative_numbers = true, long, short = 'n', default_value_t = 1000, value_parser = whole::<u64>(2, 100_000_000))]
    trials: u64,
    /// Random seed; the same seed and scenario give the same results on any number of threads.
    #[arg(allow_negative_numbers = true, long, short = 's', default_value_t = DEFAULT_SEED, value_parser = whole::<u64>(0, u64::MAX))]
    seed: u64,
    /// Worker threads (default: one per core).
    #[arg(allow_negative_numbers = true, long, short = 'j', value_parser = whole::<u64>(1, 1024))]
    threads: Option<u64>,
    /// Add batches until every headline difference's 95% interval is at most this many
    /// percentage points either side; 0 runs exactly --trials.
    #[arg(allow_negative_numbers = true, long, value_name = "POINTS", default_value_t = 1.0, value_parser = points_or_zero)]
    precision: f64,
    /// With --precision: stop after this many trials even if the target is not met.
    #[arg(allow_negative_numbers = true, long, default_value_t = 64_000, value_parser = whole::<u64>(1, 100_000_000))]
    max_trials: u64,
}

impl DecideSim {
    fn options(&self) -> RunOptions {
        RunOptions {
            trials: self.trials,
            seed: self.seed,
            half_width_share: (self.precision > 0.0).then_some(self.precision / 100.0),
            max_trials: self.max_trials.max(self.trials),
        }
    }
}

/// Outputs of a decision command.
#[derive(clap::Args)]
struct DecideOutputs {
    /// Write the results as JSON to this file (`-`: to standard output, instead of the table).
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write the results as CSV files into this folder: the command's own, and run.csv (what was run).
    #[arg(long, value_name = "DIR")]
    csv: Option<PathBuf>,
    /// Write a report folder: an HTML page, the chart as PNG and SVG, the JSON and the CSV.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
    /// With --report: draw the PNG chart N times larger, for slides and print (the SVG is
    /// vector and the same at any size).
    #[arg(allow_negative_numbers = true, long, value_name = "N", default_value_t = 1, value_parser = whole::<u32>(1, 4))]
    scale: u32,
    /// Do not print the table.
    #[arg(long, short = 'q')]
    quiet: bool,
}

impl DecideOutputs {
    fn paths(&self) -> OutputPaths {
        let json = self.json.clone().filter(|_| !self.json_to_stdout());
        OutputPaths { json, csv: self.csv.clone(), report: self.report.clone(), chart_scale: self.scale }
    }

    fn json_to_stdout(&self) -> bool {
        json_to_stdout(&self.json)
    }
}

fn objective(s: &str) -> Result<Objective, String> {
    s.parse()
}

/// `--confidence`: percent, from 50 to below 100.
fn confidence(s: &str) -> Result<f64, String> {
    let p: f64 = s.parse().map_err(|_| format!("`{s}` is not a percentage (for example 95)"))?;
    if (50.0..100.0).contains(&p) {
        Ok(p)
    } else if p > 0.5 && p < 1.0 {
        // A share where a percentage is asked for: say what was most likely meant.
        // (Rounded: 0.9 × 100 is 90.00000000000001 in floating point.)
        let percent = (p * 1e8).round() / 1e6;
        Err(format!("{p} is out of range: give a percentage from 50 to below 100 (write {percent} for {p})"))
    } else {
        Err(format!("{p} is out of range: give a percentage from 50 to below 100"))
    }
}

/// `--precision` of a decision: 0 (off) or percentage points below 50.
fn points_or_zero(s: &str) -> Result<f64, String> {
    if s.trim() == "0" { Ok(0.0) } else { percentage_points(s) }
}

#[derive(clap::Args)]
struct ShardArgs {
    /// Run only shard I of K of the trials, for a study split over machines: shard I runs trial
    /// indices floor(N*(I-1)/K) up to, not including, floor(N*I/K) of the N of --trials.
    /// Needs --tally; merge the files with `casevac merge`.
    #[arg(long, value_name = "I/K")]
    shard: Option<Shard>,
    /// Write the integer tally (of the shard, or of every trial) to this file, for `casevac
    /// merge`, instead of the table and the outputs.
    #[arg(long, value_name = "FILE")]
    tally: Option<PathBuf>,
}

impl ShardArgs {
    /// The shard to run and the file to write its tally to, or `None` for an ordinary run.
    fn target(&self, sim: &SimArgs, outputs: &Outputs) -> Result<Option<(Shard, &Path)>, UsageError> {
        // (Said here rather than by clap's `requires`, whose usage line lists every flag given
        // as if each were required.)
        let Some(path) = &self.tally else {
            return match self.shard {
                Some(shard) => Err(UsageError(format!(
                    "--shard {shard} needs --tally FILE: a shard writes only its tally, which `casevac merge` \
                     joins with the other shards' (for example --shard {shard} --tally shard{}.tally)",
                    shard.index
                ))),
                None => Ok(None),
            };
        };
        if sim.precision.is_some() {
            return Err(UsageError(
                "--tally writes a fixed number of trials, but --precision decides when to stop from every trial's \
                 counts: drop --precision and give --trials"
                    .into(),
            ));
        }
        if outputs.json.is_some() || outputs.csv.is_some() || outputs.report.is_some() {
            return Err(UsageError(
                "--tally writes only the tally: give --json, --csv and --report to `casevac merge`".into(),
            ));
        }
        Ok(Some((self.shard.unwrap_or(Shard::WHOLE), path)))
    }
}

/// `--precision`: percentage points, strictly between 0 and 50.
fn percentage_points(s: &str) -> Result<f64, String> {
    let p: f64 = s.parse().map_err(|_| format!("`{s}` is not a number of percentage points (for example 0.5)"))?;
    // Below a thousandth of a point no run reaches: 100 million trials (the most --max-trials
    // allows) of ten casualties each narrow a share near one half to about ±0.003 points.
    if (0.001..50.0).contains(&p) {
        Ok(p)
    } else {
        Err(format!("{s} is out of range: give percentage points from 0.001 to below 50, for example 0.5"))
    }
}

/// A whole number from `lo` to `hi`, with one message for every way of missing it (a fraction,
/// a negative number, a word, one out of range), which says what to give.
fn whole<T: TryFrom<u64> + Clone + Send + Sync + 'static>(
    lo: u64,
    hi: u64,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static {
    move |s: &str| {
        s.trim()
            .parse::<u64>()
            .ok()
            .filter(|v| (lo..=hi).contains(v))
            .and_then(|v| T::try_from(v).ok())
            .ok_or_else(|| format!("give a whole number from {} to {}", Count(lo), Count(hi)))
    }
}

fn main() -> ExitCode {
    let matches = match Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return usage_or_help(&e),
    };
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    for warning in warnings(&matches) {
        eprintln!("warning: {warning}");
    }
    if let Err(err) = clean_up_on_signals() {
        print_error(&err);
        return ExitCode::from(EXIT_FAILURE);
    }
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

/// What clap has to say instead of running (a usage error, or the help or version asked
/// for), said as clap says it, but a failed write of the help to standard output (a full disk
/// behind a redirect) is an error, as any other output's is.
fn usage_or_help(e: &clap::Error) -> ExitCode {
    match e.print() {
        Ok(()) => ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(EXIT_FAILURE)),
        Err(io) if io.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(EXIT_CLOSED_PIPE),
        Err(io) => {
            let what = if e.use_stderr() { "standard error" } else { "standard output" };
            eprintln!("error: cannot write to {what}: {io}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// Options given that will have no effect, said before anything runs so a long run is not
/// wasted on a misunderstanding. Only options typed on the command line count, not defaults.
fn warnings(matches: &ArgMatches) -> Vec<String> {
    use clap::parser::ValueSource;
    let Some((command, m)) = matches.subcommand() else { return Vec::new() };
    let given = |id: &str| m.try_get_raw_occurrences(id).is_ok_and(|o| o.is_some());
    let typed = |id: &str| given(id) && m.value_source(id) == Some(ValueSource::CommandLine);
    let mut out = Vec::new();
    // A decision command's --precision 0 runs exactly --trials, as no --precision does for a run.
    let has_precision = m.try_get_one::<f64>("precision").is_ok_and(|p| p.is_some_and(|&p| p > 0.0));
    // `place` has no --precision: its rounds double the trials up to --max-trials.
    if typed("max_trials") && !has_precision && command != "place" {
        let why = if given("precision") { "with --precision 0 (off)" } else { "without --precision" };
        out.push(format!("--max-trials has no effect {why}: the run does exactly --trials trials"));
    }
    // `place`'s first round runs --trials whatever --max-trials says, as a first batch does.
    if (has_precision || command == "place")
        && let (Ok(Some(&trials)), Ok(Some(&max))) =
            (m.try_get_one::<u64>("trials"), m.try_get_one::<u64>("max_trials"))
        && trials > max
    {
        let first = if command == "place" { "round" } else { "batch" };
        out.push(format!(
            "--trials {} is above --max-trials {}: the first {first} runs all {} trials, so --max-trials has no \
             effect",
            Count(trials),
            Count(max),
            Count(trials)
        ));
    }
    let has_report = m.try_get_one::<PathBuf>("report").is_ok_and(|r| r.is_some());
    let grid_map = if command == "compare" { "the difference map" } else { "the coverage and reach maps" };
    if typed("map_grid") && !has_report {
        out.push(format!("--map-grid has no effect without --report: only the report draws {grid_map}"));
    }
    if typed("scale") && !has_report {
        out.push("--scale has no effect without --report: only the report's PNG charts are drawn larger".into());
    }
    if command == "compare" && typed("map_probes") {
        out.push(
            "--map-probes has no effect on compare: its difference map is drawn from the comparison's own trials, \
             not from probes"
                .into(),
        );
    } else if typed("map_probes") && !has_report {
        out.push("--map-probes has no effect without --report: only the report draws the reach map".into());
    }
    out
}

/// On SIGINT or SIGTERM, removes the temporaries of any output being written (so nothing is
/// left half-written) and exits 128 + the signal (130, 143), as a shell reports it.
fn clean_up_on_signals() -> anyhow::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals =
        signal_hook::iterator::Signals::new([SIGINT, SIGTERM]).context("cannot watch for interruptions")?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            report::files::clean_up();
            std::process::exit(128 + signal);
        }
    });
    Ok(())
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
        if cause.is::<ScenarioError>()
            || cause.is::<BadFiles>()
            || cause.is::<BadVariants>()
            || cause.is::<UsageError>()
            || cause.is::<TallyError>()
            || cause.is::<PathClash>()
        {
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
    if err.is::<ScenarioError>() || err.is::<BadFiles>() || err.is::<BadVariants>() {
        eprintln!("{err}");
        return;
    }
    eprintln!("error: {err}");
    for cause in err.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}

/// Something on the command line the user must fix that clap cannot see alone.
#[derive(Debug)]
struct UsageError(String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Standard output whose failures say that it was standard output that failed ("cannot write
/// to standard output: No space left on device"), keeping the error's kind so a closed pipe is
/// still recognised.
struct Stdout(io::StdoutLock<'static>);

impl Stdout {
    fn named(e: io::Error) -> io::Error {
        io::Error::new(e.kind(), format!("cannot write to standard output: {e}"))
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(Stdout::named)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(Stdout::named)
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let mut out = Stdout(io::stdout().lock());
    match cli.command {
        Command::Completions { shell } => {
            // Generated into memory first: clap_complete panics on a failed write, and a closed
            // pipe must end quietly like every other output.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "casevac", &mut script);
            out.write_all(&script)?;
        }
        Command::Guide => {
            // Embedded, so an installed binary can show it without the repository beside it.
            out.write_all(include_str!("../docs/scenario-format.md").as_bytes())?;
        }
        Command::Schema => {
            out.write_all(scenario::json_schema().as_bytes())?;
        }
        Command::Manpage { command } => {
            // Built as clap_mangen builds a whole set of pages, so that a command's page is
            // titled casevac-run and its synopsis reads `casevac run`.
            let mut cli = Cli::command().disable_help_subcommand(true);
            cli.build();
            let page = match command {
                None => cli,
                Some(name) => match cli.find_subcommand(&name) {
                    Some(sub) => sub.clone(),
                    None => {
                        let names: Vec<&str> = cli.get_subcommands().map(clap::Command::get_name).collect();
                        return Err(UsageError(format!(
                            "no command is called `{name}`: give one of {}, or none for casevac's own page",
                            names.join(", ")
                        ))
                        .into());
                    }
                },
            };
            // (A command's page would otherwise name its source "run", without casevac's version.)
            let source = format!("casevac {}", env!("CARGO_PKG_VERSION"));
            clap_mangen::Man::new(page).source(source).render(&mut out)?;
        }
        Command::Validate { scenario, what_if } => {
            let (study, model) = Study::load(&scenario, &what_if.set)?;
            // The file's own levers, checked as `levers` applies them.
            casevac::decide::levers::models(&study, &model, &casevac::decide::levers::file_levers(&model))?;
            write!(out, "{}", describe(&model))?;
            // A place to check is no error (a mission may span a continent), but the last line
            // must not read as if nothing needed a look.
            let to_check = match casevac::report::describe::FarPlaces::of(&model).count() {
                0 => String::new(),
                1 => "; one place to check above".to_string(),
                k => format!("; {k} places to check above"),
            };
            writeln!(out, "\n{}: no problems found{to_check}", scenario.display())?;
        }
        Command::Run { scenario, what_if, sim, outputs, shard } => {
            let (source, model) = Source::load(&scenario, &what_if.set)?;
            let inputs = [scenario_input(&scenario)];
            if let Some((shard, path)) = shard.target(&sim, &outputs)? {
                let range = shard.range(sim.trials);
                run_shard(&mut out, sim.threads, outputs.quiet, path, &inputs, range.len(), |progress| {
                    let tally = casevac::run::run_batch(&model, sim.seed, range.start, range.len(), progress);
                    TallyFile::new(vec![source], sim.seed, sim.trials, shard, Counts::Run(tally))
                })?;
            } else {
                report::check_run_outputs(&outputs.paths(), &inputs)?;
                let hash = casevac::shard::scenario_hash(&[source], None);
                simulate(&mut out, &model, hash, &sim.options(), sim.threads, &outputs)?;
            }
        }
        Command::Levers { scenario, objective, no_defaults, what_if, sim, outputs } => {
            let (study, base) = Study::load(&scenario, &what_if.set)?;
            objective.check(&base).map_err(UsageError)?;
            let (levers, skipped) = casevac::decide::levers::levers_of(&study, &base, !no_defaults)?;
            if levers.is_empty() {
                return Err(UsageError(if no_defaults {
                    "no levers to weigh: --no-defaults weighs only the file's own levers and the file has no \
                     [[lever]]\n  help: add a [[lever]] (see `casevac guide`), or drop --no-defaults"
                } else {
                    "no lever applies to this scenario: every default lever is skipped and the file defines no [[lever]]"
                }
                .into())
                .into());
            }
            report::decide::check_outputs(&outputs.paths(), "levers", &[scenario_input(&scenario)])?;
            let opts = sim.options();
            let result = decide_run(sim.threads, &opts, |progress| {
                casevac::decide::levers::weigh(&study, &base, levers, skipped, objective, &opts, progress)
            })?;
            warn_if_unmet(result.precision.as_ref());
            let chart = || report::charts::render_scaled(&report::decide::tornado(&result), outputs.scale);
            let html = |png: &[u8]| report::decide::levers_html(&result, png);
            let written = report::decide::Written {
                stem: "levers",
                json: report::to_json(&result),
                csv: report::decide::levers_csv(&result)?,
                run_csv: report::decide::run_csv(
                    &result.about,
                    result.trials,
                    result.precision.as_ref(),
                    report::decide::Judged { objective: Some(result.objective), confidence_pct: None },
                )?,
                chart: &chart,
                html: &html,
                map: None,
            };
            decide_outputs(&mut out, &outputs, &written, || report::decide::levers_table(&result))?;
        }
        Command::Sweep { scenario, axes, what_if, sim, outputs } => {
            let (study, base) = Study::load(&scenario, &what_if.set)?;
            // The axes first, as any usage error comes before the outputs are checked (the sweep
            // checks them again, for a library caller: a few comparisons).
            casevac::decide::sweep::check_axes(&axes).map_err(UsageError)?;
            report::decide::check_outputs(&outputs.paths(), "sweep", &[scenario_input(&scenario)])?;
            let opts = sim.options();
            let result = decide_run(sim.threads, &opts, |progress| {
                casevac::decide::sweep::sweep(&study, &base, &axes, &opts, progress).map_err(|e| match e {
                    SweepError::Axes(why) => anyhow::Error::new(UsageError(why)),
                    SweepError::Points(bad) => bad.into(),
                })
            })?;
            warn_if_unmet(result.precision.as_ref());
            let chart = || report::charts::render_scaled(&report::decide::sweep_chart(&result, &base), outputs.scale);
            let html = |png: &[u8]| report::decide::sweep_html(&result, png);
            let written = report::decide::Written {
                stem: "sweep",
                json: report::to_json(&result),
                csv: report::decide::sweep_csv(&result)?,
                run_csv: report::decide::run_csv(
                    &result.about,
                    result.trials,
                    result.precision.as_ref(),
                    report::decide::Judged::default(),
                )?,
                chart: &chart,
                html: &html,
                map: None,
            };
            decide_outputs(&mut out, &outputs, &written, || report::decide::sweep_table(&result))?;
        }
        Command::Place {
            scenario,
            asset,
            facility,
            candidates,
            grid,
            objective,
            confidence,
            trials,
            max_trials,
            seed,
            threads,
            what_if,
            outputs,
        } => {
            use casevac::decide::place::{Movable, PlaceOptions};
            let (mut study, mut base) = Study::load(&scenario, &what_if.set)?;
            objective.check(&base).map_err(UsageError)?;
            let sites = match grid {
                Some(n) => {
                    if casevac::coverage::straddles_antimeridian(&base) {
                        return Err(UsageError(
                            "the mission lies on both sides of 180° longitude, which --grid cannot lay a grid \
                             across: name candidate sites with --candidates"
                                .into(),
                        )
                        .into());
                    }
                    // An airplane's base needs an airstrip, which no point of a grid has.
                    let airplane = base
                        .assets
                        .iter()
                        .find(|a| asset.contains(&a.id) && a.kind == casevac::model::AssetKind::Airplane);
                    if let Some(a) = airplane {
                        let strips: Vec<&str> =
                            base.sites.iter().filter(|s| s.airstrip).map(|s| s.id.as_str()).collect();
                        return Err(UsageError(format!(
                            "'{}' is an airplane, whose base needs an airstrip, and no point of --grid has one: \
                             name candidate sites that have one with --candidates (here: {})",
                            a.id,
                            strips.join(",")
                        ))
                        .into());
                    }
                    // The grid's points join the file's sites, within the one limit on sites.
                    let max = casevac::scenario::compile::MAX_SITES;
                    if base.sites.len() + (n * n) as usize > max {
                        let room = max.saturating_sub(base.sites.len()).isqrt();
                        let fix = if room >= 2 { format!("give --grid {room} or less, or ") } else { String::new() };
                        return Err(UsageError(format!(
                            "--grid {n} adds {} candidate points to the file's {} sites, and casevac takes at most \
                             {max} sites in all: {fix}name the candidate sites with --candidates",
                            n * n,
                            base.sites.len()
                        ))
                        .into());
                    }
                    let (text, ids, _) = casevac::decide::place::grid_sites(&base, n as usize);
                    study = study.with_appended(&text);
                    base = study.model(&[])?;
                    ids
                }
                None => casevac::decide::place::candidates(&base, &candidates).map_err(UsageError)?,
            };
            let moved: Vec<Movable> =
                asset.into_iter().map(Movable::Asset).chain(facility.into_iter().map(Movable::Facility)).collect();
            let problems: Vec<String> = moved.iter().filter_map(|m| m.check(&base).err()).collect();
            if !problems.is_empty() {
                return Err(UsageError(problems.join("\n")).into());
            }
            if let Some((_, twice)) = moved.iter().enumerate().find(|(i, m)| moved[..*i].contains(m)) {
                return Err(UsageError(format!("the {twice} is given twice: give each asset or facility once")).into());
            }
            let sites = casevac::decide::place::with_site_as_given(&base, &moved, sites).map_err(UsageError)?;
            report::decide::check_outputs(&outputs.paths(), "place", &[scenario_input(&scenario)])?;
            let opts = PlaceOptions {
                objective,
                trials,
                max_trials: max_trials.max(trials),
                seed,
                confidence: confidence / 100.0,
                grid: grid.map(|n| n as usize),
            };
            let pool = thread_pool(threads)?;
            let progress = Progress::new(None, "{spinner} {pos} paired trials over the rounds, {elapsed} elapsed");
            if moved.len() > 1 {
                let result = pool.install(|| {
                    casevac::decide::place::place_several(&study, &moved, &sites, &opts, &|n| progress.advance(n))
                })?;
                progress.finish();
                let chart = || report::charts::render_scaled(&report::decide::several_chart(&result), outputs.scale);
                let html = |png: &[u8]| report::decide::several_html(&result, png);
                let written = report::decide::Written {
                    stem: "place",
                    json: report::to_json(&result),
                    csv: report::decide::several_csv(&result)?,
                    run_csv: report::decide::several_run_csv(&result)?,
                    chart: &chart,
                    html: &html,
                    map: Some(report::geojson::place_geojson(&base, result.last_pass())),
                };
                decide_outputs(&mut out, &outputs, &written, || report::decide::several_table(&result))?;
                return Ok(());
            }
            let moved = moved.into_iter().next().expect("clap requires --asset or --facility");
            let result = pool.install(|| {
                casevac::decide::place::place(&study, &base, moved, &sites, &opts, &|n| progress.advance(n))
            })?;
            progress.finish();
            let chart = || match result.grid {
                Some(_) => report::charts::render_scaled(&report::decide::place_map(&result, &base), outputs.scale),
                None => report::charts::render_scaled(&report::decide::place_chart(&result), outputs.scale),
            };
            let html = |png: &[u8]| report::decide::place_html(&result, png);
            let written = report::decide::Written {
                stem: "place",
                json: report::to_json(&result),
                csv: report::decide::place_csv(&result)?,
                run_csv: report::decide::place_run_csv(&result)?,
                chart: &chart,
                html: &html,
                map: Some(report::geojson::place_geojson(&base, std::slice::from_ref(&result))),
            };
            decide_outputs(&mut out, &outputs, &written, || report::decide::place_table(&result))?;
        }
        Command::Merge { files, allow_partial, threads, outputs } => {
            merge(&mut out, &files, allow_partial, threads, &outputs)?
        }
        Command::Compare { base, alternatives, set_alt, what_if, sim, outputs, shard } => {
            if alternatives.is_empty() && set_alt.is_empty() {
                return Err(UsageError(
                    "nothing to compare: give an alternative scenario file, or --set-alt KEY=VALUE to make one \
                     from the base\n  help: casevac compare scenarios/sahel-north.toml --set-alt asset.gao_mi8.approval_min=5"
                        .into(),
                )
                .into());
            }
            let with_set = |path: &PathBuf, extra: &[Override]| {
                let all: Vec<Override> = what_if.set.iter().chain(extra).cloned().collect();
                Source::load(path, &all)
            };
            let label = |path: &PathBuf, extra: &[Override]| {
                let overrides: Vec<String> = what_if.set.iter().chain(extra).map(|o| o.to_string()).collect();
                if overrides.is_empty() {
                    path.display().to_string()
                } else {
                    format!("{} with {}", path.display(), overrides.join(", "))
                }
            };
            // Every file is checked, and every problem reported, before any simulation starts.
            let mut jobs: Vec<(&PathBuf, &[Override])> = vec![(&base, &[])];
            jobs.extend(alternatives.iter().map(|p| (p, &[][..])));
            if !set_alt.is_empty() {
                jobs.push((&base, &set_alt));
            }
            let (mut sources, mut models) = (Vec::new(), Vec::new());
            let mut bad = Vec::new();
            for &(path, extra) in &jobs {
                match with_set(path, extra) {
                    Ok((s, m)) => {
                        sources.push(s);
                        models.push(m);
                    }
                    Err(e) => bad.push(e),
                }
            }
            if !bad.is_empty() {
                return Err(BadFiles(bad).into());
            }
            let labels: Vec<String> = jobs.iter().map(|&(path, extra)| label(path, extra)).collect();
            let alts = models.split_off(1);
            let base_model = models.remove(0);
            let named: Vec<(String, &Model)> = labels[1..].iter().cloned().zip(&alts).collect();
            casevac::compare::check_comparable(&base_model, &named)?;
            let mut inputs = vec![scenario_input(&base)];
            inputs.extend(alternatives.iter().map(|path| Input { what: "alternative scenario file", path }));
            if let Some((shard, path)) = shard.target(&sim, &outputs)? {
                let range = shard.range(sim.trials);
                run_shard(&mut out, sim.threads, outputs.quiet, path, &inputs, range.len(), |progress| {
                    let tally = casevac::compare::run_paired_batch(
                        &base_model,
                        &alts,
                        Histograms::Groups,
                        sim.seed,
                        range.start,
                        range.len(),
                        progress,
                    );
                    TallyFile::new(sources, sim.seed, sim.trials, shard, Counts::Compare { labels, tally })
                })?;
            } else {
                report::check_compare_outputs(&outputs.paths(), &inputs)?;
                let hash = casevac::shard::scenario_hash(&sources, Some(&labels));
                compare(&mut out, &base_model, &alts, &labels, hash, &sim, &outputs)?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// The scenario file a command reads, which no output may replace.
fn scenario_input(path: &Path) -> Input<'_> {
    Input { what: "scenario file", path }
}

/// Several scenario files with problems: each is reported in full.
#[derive(Debug)]
struct BadFiles(Vec<ScenarioError>);

impl std::fmt::Display for BadFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let all: Vec<String> = self.0.iter().map(|e| e.to_string()).collect();
        f.write_str(&all.join("\n\n"))
    }
}

impl std::error::Error for BadFiles {}

/// A task's progress: a bar that appears only once the task has run for a second, so short runs
/// stay clean; where standard error is not a terminal (a batch job's log, where indicatif draws
/// nothing), a line at most once a minute, as work is reported, instead.
struct Progress {
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
    template: &'static str,
    /// Without a terminal: the whole minutes of the task already logged.
    logged_min: Option<AtomicU64>,
}

impl Progress {
    fn new(len: Option<u64>, template: &'static str) -> Progress {
        let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::hidden());
        bar.set_style(ProgressStyle::with_template(template).expect("progress templates are constants"));
        let logged_min = (!std::io::IsTerminal::is_terminal(&std::io::stderr())).then(|| AtomicU64::new(0));
        Progress { bar, started: Instant::now(), shown: AtomicBool::new(false), template, logged_min }
    }

    fn advance(&self, n: u64) {
        self.bar.inc(n);
        if !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() > Duration::from_secs(1)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        if let Some(logged) = &self.logged_min {
            let minute = self.started.elapsed().as_secs() / 60;
            if minute > logged.load(Ordering::Relaxed) && logged.swap(minute, Ordering::Relaxed) < minute {
                eprintln!("casevac: {}", self.line());
            }
        }
    }

    /// The bar's template as a line of text: "1,234/10,000 trials, 2 min 03 s elapsed, eta ...".
    fn line(&self) -> String {
        let (pos, elapsed) = (self.bar.position(), self.started.elapsed().as_secs_f64());
        let eta = match self.bar.length() {
            Some(len) if pos > 0 => Elapsed(elapsed * len.saturating_sub(pos) as f64 / pos as f64).to_string(),
            _ => "-".to_string(),
        };
        let text = self.template.trim_start_matches("{spinner} ").trim_start_matches("{bar:40} ");
        text.replace("{pos}", &Count(pos).to_string())
            .replace("{len}", &self.bar.length().map_or(String::new(), |l| Count(l).to_string()))
            .replace("{elapsed}", &Elapsed(elapsed).to_string())
            .replace("{eta}", &eta)
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// The maps run from the least longitude to the greatest: a mission on both sides of 180° is
/// drawn the long way round the globe, its cells far from every site. The figures are right.
fn warn_if_across_antimeridian(model: &Model) {
    if casevac::coverage::straddles_antimeridian(model) {
        eprintln!(
            "warning: the mission lies on both sides of 180° longitude, which the maps do not draw across: \
             read its figures and charts, not its coverage and reach maps"
        );
    }
}

fn thread_pool(threads: Option<u64>) -> anyhow::Result<rayon::ThreadPool> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        pool = pool.num_threads(n as usize);
    }
    pool.build().context("cannot start worker threads")
}

/// Computes the report's maps on `pool`, with their own progress bar, and the report's run facts:
/// the run's trials again, binned by place, then the reach of lone casualties on the same grid.
fn coverage_map(pool: &rayon::ThreadPool, model: &Model, out: &Outputs, summary: &Summary) -> (ReportMaps, RunMeta) {
    let seed = summary.run.seed;
    let copts = CoverageOptions { grid: out.map_grid as usize, probes: out.map_probes, seed };
    warn_if_across_antimeridian(model);
    let trials = run_trials(&summary.run);
    let total: u64 = trials.iter().map(|r| r.end - r.start).sum();
    let progress =
        Progress::new(Some(total), "{bar:40} coverage map: {pos}/{len} trials, {elapsed} elapsed, eta {eta}");
    let (load, phase_medians) =
        pool.install(|| run_coverage(model, seed, &trials, copts.grid, &|n| progress.advance(n)));
    progress.finish();
    let progress = Progress::new(
        Some(cell_count(model, copts.grid)),
        "{bar:40} reach map: {pos}/{len} cells, {elapsed} elapsed, eta {eta}",
    );
    let reach = pool.install(|| coverage(model, &copts, &|n| progress.advance(n)));
    progress.finish();
    let meta = RunMeta {
        date_utc: today_utc(),
        map_grid: format!(
            "{} x {} cells; coverage from {}; reach from {}",
            load.nx, load.ny, load.source, reach.source
        ),
    };
    (ReportMaps { load, reach, phase_medians }, meta)
}

/// "1 thread", "2 threads": what a run says it ran on.
fn threads_text(pool: &rayon::ThreadPool) -> String {
    match pool.current_num_threads() {
        1 => "1 thread".to_string(),
        n => format!("{n} threads"),
    }
}

/// A warning on standard error (shown even with `-q`) when `--max-trials` stopped a run before
/// its `--precision` target: said alike by every command that runs to a precision.
fn warn_if_unmet(precision: Option<&Precision>) {
    if let Some(p) = precision.filter(|p| !p.precision_met) {
        eprintln!(
            "warning: --precision {} not met: the widest headline interval is {} after {} trials \
             (--max-trials); raise --max-trials or ask for less precision",
            p.target_points,
            p.achieved(),
            Count(p.max_trials)
        );
    }
}

fn simulate(
    out: &mut impl Write,
    model: &Model,
    hash: u64,
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
    let progress = Progress::new(opts.half_width_share.is_none().then_some(opts.trials), template);
    let tally = pool.install(|| casevac::run::run(model, opts, &|n| progress.advance(n)));
    progress.finish();
    let elapsed_s = progress.started.elapsed().as_secs_f64();

    let mut summary = Summary::new(model, &tally, opts.seed);
    summary.run.scenario_hash = Some(format!("{hash:016x}"));
    summary.run.precision = Precision::of(opts, Widest::of(casevac::run::widest_half_width(&tally)));
    warn_if_unmet(summary.run.precision.as_ref());
    let notes = run_outputs(out, &pool, model, &tally, &summary, outputs)?;
    if !outputs.quiet && !outputs.json_to_stdout() {
        writeln!(
            out,
            "\nran in {} on {} ({} casualties per second)",
            Elapsed(elapsed_s),
            threads_text(&pool),
            Rate(tally.casualties as f64 / elapsed_s.max(1e-9))
        )?;
        for note in notes {
            writeln!(out, "{note}")?;
        }
    }
    Ok(())
}

fn compare(
    out: &mut impl Write,
    base: &Model,
    alts: &[Model],
    labels: &[String],
    hash: u64,
    sim: &SimArgs,
    outputs: &Outputs,
) -> anyhow::Result<()> {
    let opts = sim.options();
    let pool = thread_pool(sim.threads)?;
    let template = if opts.half_width_share.is_none() {
        "{bar:40} {pos}/{len} paired trials, {elapsed} elapsed, eta {eta}"
    } else {
        "{spinner} {pos} paired trials, {elapsed} elapsed (running to precision)"
    };
    let progress = Progress::new(opts.half_width_share.is_none().then_some(opts.trials), template);
    let tally =
        pool.install(|| casevac::compare::run_paired(base, alts, Histograms::Groups, &opts, &|n| progress.advance(n)));
    progress.finish();
    let elapsed_s = progress.started.elapsed().as_secs_f64();

    let mut comparison = Comparison::new(base, alts, labels, &tally, opts.seed);
    comparison.run.scenario_hash = Some(format!("{hash:016x}"));
    comparison.run.precision = Precision::of(&opts, tally.widest_half_width());
    warn_if_unmet(comparison.run.precision.as_ref());
    let notes = compare_outputs(out, &pool, base, alts, &comparison, outputs, opts.seed)?;
    if !outputs.quiet && !outputs.json_to_stdout() {
        let casualties = tally.base.casualties + tally.alts.iter().map(|t| t.casualties).sum::<u64>();
        writeln!(
            out,
            "\nran in {} on {} ({} casualties per second over {} scenarios)",
            Elapsed(elapsed_s),
            threads_text(&pool),
            Rate(casualties as f64 / elapsed_s.max(1e-9)),
            alts.len() + 1
        )?;
        for note in notes {
            writeln!(out, "{note}")?;
        }
    }
    Ok(())
}

/// Runs a decision's paired trials on a pool with a progress bar.
fn decide_run<T: Send, E>(
    threads: Option<u64>,
    opts: &RunOptions,
    work: impl FnOnce(&(dyn Fn(u64) + Sync)) -> Result<T, E> + Send,
) -> anyhow::Result<T>
where
    E: Into<anyhow::Error> + Send,
{
    let pool = thread_pool(threads)?;
    let template = if opts.half_width_share.is_none() {
        "{bar:40} {pos}/{len} paired trials, {elapsed} elapsed, eta {eta}"
    } else {
        "{spinner} {pos} paired trials, {elapsed} elapsed (running to precision)"
    };
    let progress = Progress::new(opts.half_width_share.is_none().then_some(opts.trials), template);
    let result = pool.install(|| work(&|n| progress.advance(n))).map_err(Into::into)?;
    progress.finish();
    Ok(result)
}

/// Writes a decision's files and prints its table (or its JSON to standard output).
fn decide_outputs(
    out: &mut impl Write,
    outputs: &DecideOutputs,
    written: &report::decide::Written,
    table: impl FnOnce() -> String,
) -> anyhow::Result<()> {
    let notes = report::decide::write_outputs(&outputs.paths(), written)?;
    if outputs.json_to_stdout() {
        write!(out, "{}", written.json)?;
    } else if !outputs.quiet {
        write!(out, "{}", table())?;
        for note in notes {
            writeln!(out, "{note}")?;
        }
    }
    Ok(())
}

/// Writes a run's outputs and prints its table: the one path for `run` and `merge`, so a merged
/// run writes exactly what a single one does. Returns the lines saying where outputs went.
fn run_outputs(
    out: &mut impl Write,
    pool: &rayon::ThreadPool,
    model: &Model,
    tally: &casevac::stats::Tally,
    summary: &Summary,
    outputs: &Outputs,
) -> anyhow::Result<Vec<String>> {
    let notes =
        report::write_outputs(&outputs.paths(), model, tally, summary, || coverage_map(pool, model, outputs, summary))?;
    if outputs.json_to_stdout() {
        write!(out, "{}", report::to_json(summary))?;
    } else if !outputs.quiet {
        write!(out, "{}", table::render_in(summary, table::width()))?;
    }
    Ok(notes)
}

/// The same for a comparison: the one path for `compare` and `merge`.
/// Writes a comparison's files (computing the paired coverage maps only for a report) and prints
/// its table: what `compare` and `merge` of a comparison share.
fn compare_outputs(
    out: &mut impl Write,
    pool: &rayon::ThreadPool,
    base: &Model,
    alts: &[Model],
    comparison: &Comparison,
    outputs: &Outputs,
    seed: u64,
) -> anyhow::Result<Vec<String>> {
    let notes = report::compare::write_outputs(&outputs.paths(), base, alts, comparison, || {
        // One map per scenario under its load, on one grid and the comparison's own trials, so
        // cells are paired as its figures are.
        let trials = run_trials(&comparison.run);
        warn_if_across_antimeridian(base);
        let total = trials.iter().map(|r| r.end - r.start).sum::<u64>() * (1 + alts.len() as u64);
        let progress =
            Progress::new(Some(total), "{bar:40} coverage maps: {pos}/{len} trials, {elapsed} elapsed, eta {eta}");
        let grid = outputs.map_grid as usize;
        let maps = pool.install(|| paired_run_coverage(base, alts, seed, &trials, grid, &|n| progress.advance(n)));
        progress.finish();
        let meta = RunMeta {
            date_utc: today_utc(),
            map_grid: format!(
                "{} x {} cells, {}, in each of {} scenarios",
                maps[0].nx,
                maps[0].ny,
                maps[0].source,
                maps.len()
            ),
        };
        (maps, meta)
    })?;
    if outputs.json_to_stdout() {
        write!(out, "{}", report::to_json(comparison))?;
    } else if !outputs.quiet {
        write!(out, "{}", report::compare::render_table_in(comparison, table::width()))?;
    }
    Ok(notes)
}

/// Runs one shard's trials on a pool, with a progress bar, and writes its tally file atomically;
/// the file's path is checked first, like every output, against the scenario files it reads.
fn run_shard(
    out: &mut impl Write,
    threads: Option<u64>,
    quiet: bool,
    path: &Path,
    inputs: &[Input],
    trials: u64,
    count: impl FnOnce(&(dyn Fn(u64) + Sync)) -> TallyFile + Send,
) -> anyhow::Result<()> {
    report::files::check_outputs(&[Output { option: "--tally", path, kind: Kind::File }], inputs)?;
    if trials == 0 {
        // Allowed, so a job array of fixed size can run fewer trials than it has jobs (the
        // empty tallies merge with the rest), but rarely meant.
        eprintln!("warning: this shard holds no trial (more shards than trials); its tally merges as empty");
    }
    let pool = thread_pool(threads)?;
    let progress = Progress::new(Some(trials), "{bar:40} {pos}/{len} trials of the shard, {elapsed} elapsed");
    let file = pool.install(|| count(&|n| progress.advance(n)));
    progress.finish();
    let bytes = file.to_bytes();
    report::write_atomic(path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
    if !quiet {
        let ranges: Vec<String> = file.ranges.iter().map(|r| r.to_string()).collect();
        writeln!(
            out,
            "shard {}: trials {} of {}, seed {}, in {}; tally ({} bytes) written to {}",
            file.shard,
            ranges.join(", "),
            file.trials,
            file.seed,
            Elapsed(progress.started.elapsed().as_secs_f64()),
            Count(bytes.len() as u64),
            path.display()
        )?;
    }
    Ok(())
}

/// `casevac merge`: reads the tally files, merges them (refusing what does not belong together)
/// and writes the outputs of the run or comparison they hold.
fn merge(
    out: &mut impl Write,
    files: &[PathBuf],
    allow_partial: bool,
    threads: Option<u64>,
    outputs: &Outputs,
) -> anyhow::Result<()> {
    let mut inputs = Vec::new();
    for path in files {
        let bytes = std::fs::read(path).map_err(|e| TallyError {
            message: format!("{}: cannot read the file: {e}", path.display()),
            help: "check the path".into(),
        })?;
        inputs.push((path.display().to_string(), bytes));
    }
    let merged = casevac::shard::merge(&inputs, allow_partial)?;
    let read: Vec<Input> = files.iter().map(|path| Input { what: "tally file", path }).collect();
    let (notes, trials) = match &merged.counts {
        Counts::Run(tally) => {
            report::check_run_outputs(&outputs.paths(), &read)?;
            let model = &merged.models[0];
            let mut summary = Summary::new(model, tally, merged.seed);
            summary.run.partial = merged.partial.clone();
            summary.run.scenario_hash = Some(format!("{:016x}", merged.scenario_hash));
            (run_outputs(out, &thread_pool(threads)?, model, tally, &summary, outputs)?, tally.trials)
        }
        Counts::Compare { labels, tally } => {
            report::check_compare_outputs(&outputs.paths(), &read)?;
            let (base, alts) = merged.models.split_first().expect("a comparison's tally names its base");
            let mut comparison = Comparison::new(base, alts, labels, tally, merged.seed);
            comparison.set_partial(merged.partial.as_ref());
            comparison.run.scenario_hash = Some(format!("{:016x}", merged.scenario_hash));
            let pool = thread_pool(threads)?;
            (compare_outputs(out, &pool, base, alts, &comparison, outputs, merged.seed)?, tally.base.trials)
        }
    };
    // With `--json -`, standard output carries the JSON alone, as for `run` and `compare`; the
    // JSON says which trials a partial merge holds.
    if !outputs.quiet && !outputs.json_to_stdout() {
        writeln!(out, "\nmerged {} tally files: {} trials", files.len(), Count(trials))?;
        if let Some(p) = &merged.partial {
            writeln!(out, "{}", p.note(trials))?;
        }
        for note in notes {
            writeln!(out, "{note}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line a batch job's log gets each minute reads as the bar would: counts with their
    /// separators, the time, the estimate.
    #[test]
    fn progress_reads_as_a_line_of_text_without_a_terminal() {
        let p = Progress::new(Some(10_000), "{bar:40} {pos}/{len} trials, {elapsed} elapsed, eta {eta}");
        p.advance(1234);
        let line = p.line();
        assert!(line.starts_with("1,234/10,000 trials, ") && line.contains(" elapsed, eta "), "{line}");
        let p = Progress::new(None, "{spinner} {pos} paired trials over the rounds, {elapsed} elapsed");
        p.advance(60);
        assert!(p.line().starts_with("60 paired trials over the rounds, "), "{}", p.line());
    }
}
