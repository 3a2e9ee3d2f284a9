//! Helpers shared by the integration tests: small scenarios built from text, and a runner.
#![allow(dead_code)]

use casevac::model::Model;
use casevac::run::run_batch;
use casevac::stats::Tally;
use casevac::summary::Summary;
use std::path::PathBuf;

/// Kilometres per degree on the equator, computed here independently of the library.
pub fn km_per_degree() -> f64 {
    6371.0088 * std::f64::consts::PI / 180.0
}

/// A scenario on the equator: site `base` at (0, 0) and site `hospital` at (0, 1), so distances
/// are whole multiples of one degree of longitude. The caller gives the bodies of the
/// `[scenario]`, `[[facility]]`, `[[asset]]` and `[[zone]]` tables.
pub fn scenario(scenario: &str, facility: &str, asset: &str, zone: &str) -> String {
    format!(
        r#"
[scenario]
name = "test"
{scenario}

[[site]]
id = "base"
lat = 0.0
lon = 0.0

[[site]]
id = "hospital"
lat = 0.0
lon = 1.0

[[facility]]
id = "fac"
{facility}

[[asset]]
id = "unit"
{asset}

[[zone]]
id = "z"
{zone}
"#
    )
}

pub fn model(text: &str) -> Model {
    match casevac::scenario::parse(text, "test.toml") {
        Ok(m) => m,
        Err(e) => panic!("test scenario does not compile:\n{e}\n{text}"),
    }
}

pub fn run(model: &Model, seed: u64, trials: u64) -> (Tally, Summary) {
    let tally = run_batch(model, seed, 0, trials, &|_| {});
    let summary = Summary::new(model, &tally, seed);
    (tally, summary)
}

/// Mean and standard error of independent per-trial values.
pub fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// Every scenario file in scenarios/, in name order.
pub fn bundled_scenarios() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

/// The scenario the snapshot tests read: two day-only helicopters with a medical team, not always
/// serviceable, one Level 2 facility and one zone with a mixed triage and some casualties without a
/// first-aider, so every table, miss cause and interval has something to show in a few trials.
pub fn small_scenario() -> String {
    scenario(
        "description = \"Two helicopters, one field hospital, one zone.\"\n\
         sources = [\"invented for the snapshot tests\"]\n\
         period_days = 5\n\
         daylight = { sunrise = \"06:00\", sunset = \"18:30\" }",
        "name = \"Field hospital\"\nsite = \"hospital\"\nlevel = \"level2\"\noperating_tables = 1\n\
         surgery_min = { triangular = { min = 45, mode = 90, max = 180 } }",
        "kind = \"helicopter\"\nbase = \"base\"\ncount = 2\nspeed_kmh = 250\nmedical_team = true\n\
         serviceability = 0.8\nweather_grounding = 0.1\napproval_min = { lognormal = { mean = 10, cv = 1.0 } }",
        "centre = { lat = 0.0, lon = 0.7 }\nradius_km = 30\nincidents_per_day = 2\n\
         casualties = { table = { values = [1, 2, 4], p = [0.6, 0.3, 0.1] } }\n\
         severity = { t1 = 0.3, t2 = 0.3, t3 = 0.4 }\nsurgery_share = { t1 = 0.8, t2 = 0.3, t3 = 0 }\n\
         first_aider_share = 0.7\nreport_delay_min = { triangular = { min = 2, mode = 5, max = 15 } }",
    )
}

/// Settings every snapshot shares: files in tests/snapshots/ named by the caller (the helpers
/// live in this module, so insta's default, the calling function's name and folder, would name
/// the helper), and what changes without the output changing blanked out: the wall-clock
/// throughput line, and the version, so a release does not rewrite every snapshot.
fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.add_filter(r"ran in [0-9. a-z]+ on \d+ threads? \([0-9,]+ casualties per second[^)]*\)", "ran in [TIME]");
    let version = format!(r"\b{}\b", env!("CARGO_PKG_VERSION").replace('.', r"\."));
    settings.add_filter(&version, "[VERSION]");
    settings
}

/// Snapshots the terminal table of `trials` trials of `text` from `seed`.
pub fn check_table(name: &str, text: &str, seed: u64, trials: u64) {
    let (_, summary) = run(&model(text), seed, trials);
    snapshot_settings().bind(|| insta::assert_snapshot!(name, casevac::report::table::render(&summary)));
}

/// Snapshots what `casevac validate` prints about `text`.
pub fn check_validate(name: &str, text: &str) {
    let described = casevac::report::describe::describe(&model(text));
    snapshot_settings().bind(|| insta::assert_snapshot!(name, described));
}

/// Snapshots every problem found in `body`, as the planner reads it, carets included.
pub fn check_error(name: &str, body: &str) {
    let err = match casevac::scenario::parse(body, "bad.toml") {
        Ok(_) => panic!("{name}: the scenario compiled, but a problem was expected:\n{body}"),
        Err(e) => e.to_string(),
    };
    snapshot_settings().bind(|| insta::assert_snapshot!(name, err));
}

/// Runs the real binary with `args` in a fresh folder holding `files` (name, contents), so
/// paths in its output do not depend on the machine, and snapshots exit code, stdout and
/// stderr together.
pub fn check_cli(name: &str, args: &[&str], files: &[(&str, &str)]) {
    let dir = tempfile::tempdir().unwrap();
    for (file, contents) in files {
        std::fs::write(dir.path().join(file), contents).unwrap();
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_casevac"))
        .args(args)
        .current_dir(dir.path())
        // clap colours its help when told to, whatever the terminal: keep the bytes plain.
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("the binary runs");
    let shown = format!(
        "exit code: {}\n--- stdout ---\n{}--- stderr ---\n{}",
        out.status.code().map_or("none (killed by a signal)".into(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut settings = snapshot_settings();
    settings.set_description(format!("casevac {}", args.join(" ")));
    settings.bind(|| insta::assert_snapshot!(name, shown));
}

/// Snapshots the HTML report of `trials` trials of `text` as `--report` writes it, with the
/// charts' PNG data and the date blanked out and a line break after each block element, so a
/// change shows as a few changed lines rather than one changed line of a hundred kilobytes.
pub fn check_html(name: &str, text: &str, seed: u64, trials: u64) {
    use casevac::report::html::{RunMeta, today_utc};
    let m = model(text);
    let (tally, summary) = run(&m, seed, trials);
    let maps = report_maps(&m, &summary, 8, 10);
    let meta = RunMeta { date_utc: today_utc(), map_grid: format!("{} x {} cells", maps.load.nx, maps.load.ny) };
    let dir = tempfile::tempdir().unwrap();
    let files = casevac::report::report_files(&m, &tally, &summary, &maps, &meta, 1).unwrap();
    casevac::report::write_folder(dir.path(), &files, &casevac::report::report_file_names()).unwrap();
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    let mut settings = snapshot_settings();
    settings.add_filter(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,[PNG]");
    settings.add_filter(r"\b\d{4}-\d{2}-\d{2}\b", "[DATE]");
    settings.add_filter(r"(</(?:h1|h2|h3|p|tr|table|li|ul|figure|section|style)>)", "$1\n");
    settings.bind(|| insta::assert_snapshot!(name, html));
}

/// A report's two maps for a run's `summary`, as `--report` makes them: the run's trials again
/// on a `grid`, and the reach of `probes` lone casualties a cell.
pub fn report_maps(m: &Model, summary: &Summary, grid: usize, probes: u64) -> casevac::report::ReportMaps {
    use casevac::coverage::{CoverageOptions, coverage, run_coverage, run_trials};
    let seed = summary.run.seed;
    let (load, phase_medians) = run_coverage(m, seed, &run_trials(&summary.run), grid, &|_| {});
    let reach = coverage(m, &CoverageOptions { grid, probes, seed }, &|_| {});
    casevac::report::ReportMaps { load, reach, phase_medians }
}

/// A PNG's width and height, from its header (after checking its signature).
pub fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

/// The words of an SVG chart's labels, one string per label (drawn as outlines, each with its
/// words in `aria-label`).
pub fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("aria-label=\"").skip(1).filter_map(|t| Some(t.split('"').next()?.to_string())).collect()
}

/// Each label of an SVG chart with where its outline starts (the first point of its path).
pub fn svg_label_points(svg: &str) -> Vec<(String, f64, f64)> {
    let mut out = Vec::new();
    for (i, _) in svg.match_indices("aria-label=\"") {
        let label = svg[i + 12..].split('"').next().unwrap().to_string();
        let start = svg[..i].rfind("d=\"M").unwrap() + 4;
        let mut xy = svg[start..].split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'));
        let (x, y) = (xy.next().unwrap().parse().unwrap(), xy.next().unwrap().parse().unwrap());
        out.push((label, x, y));
    }
    out
}
