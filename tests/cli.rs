//! The real binary, run as a planner would: results, files, reproducibility and bad input.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SAHEL: &str = "scenarios/sahel-north.toml";

fn casevac(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casevac")).args(args).output().expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn run_prints_the_headline_table_with_its_seed() {
    let out = casevac(&["run", SAHEL, "--trials", "40"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for needle in [
        "seed 1012",
        "first aid within 10 min",
        "resuscitation within 1 h",
        "surgery within 2 h",
        "by severity",
        "by zone",
        "where the minutes go",
        "why steps were missed",
        "utilisation",
        "casualties simulated",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?} in\n{stdout}");
    }
    assert!(out.stderr.is_empty(), "nothing on stderr when piped: {}", text(&out.stderr));
}

#[test]
fn json_is_byte_identical_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2", "8"] {
        let path = dir.path().join(format!("t{threads}.json"));
        let p = path.to_str().unwrap();
        let out = casevac(&["run", SAHEL, "-n", "300", "--seed", "77", "--threads", threads, "--json", p, "-q"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        outputs.push(std::fs::read(&path).unwrap());
    }
    assert!(outputs[0].len() > 1000);
    assert_eq!(outputs[0], outputs[1], "1 vs 2 threads");
    assert_eq!(outputs[0], outputs[2], "1 vs 8 threads");
    let v: serde_json::Value = serde_json::from_slice(&outputs[0]).unwrap();
    assert_eq!(v["run"]["seed"], 77);
    assert_eq!(v["run"]["trials"], 300);
    assert_eq!(v["steps"].as_array().unwrap().len(), 3);
}

#[test]
fn a_different_seed_gives_different_results() {
    let dir = tempfile::tempdir().unwrap();
    let read = |seed: &str| {
        let path = dir.path().join(format!("{seed}.json"));
        let out = casevac(&["run", SAHEL, "-n", "50", "--seed", seed, "--json", path.to_str().unwrap(), "-q"]);
        assert!(out.status.success());
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        v["casualties"].as_u64().unwrap()
    };
    assert_ne!(read("1"), read("2"));
}

#[test]
fn csv_folder_holds_one_file_per_table() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("out");
    let out = casevac(&["run", SAHEL, "-n", "20", "--csv", csv.to_str().unwrap(), "-q"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let expect = [
        (
            "compliance.csv",
            "group_kind,group,step,threshold_min,t1_deadline_min,t2_deadline_min,t3_deadline_min,eligible,compliant,\
             compliance",
        ),
        ("phases.csv", "zone,phase,mean_min,casualties"),
        ("misses.csv", "step,cause,count,share"),
        ("assets.csv", "id,name,kind,units,sorties_per_trial,utilisation"),
        ("facilities.csv", "id,name,level,operating_tables"),
    ];
    for (name, header) in expect {
        let body = std::fs::read_to_string(csv.join(name)).unwrap();
        assert!(body.starts_with(header), "{name}: {body}");
        assert!(body.lines().count() > 1, "{name} has rows");
    }
    let compliance = std::fs::read_to_string(csv.join("compliance.csv")).unwrap();
    // 3 steps for all, 3 severities, 5 zones, day and night.
    assert_eq!(compliance.lines().count(), 1 + 3 * (1 + 3 + 5 + 2));
    // Each category's own deadline beside the headline one: T2 and T3 surgery is judged at 4 h
    // (the defaults), T3 is not counted for first aid, and a severity row names only its own.
    let deadlines = |prefix: &str| {
        let line = compliance.lines().find(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("{prefix}"));
        line.split(',').skip(3).take(4).collect::<Vec<_>>().join(",")
    };
    assert_eq!(deadlines("all,all,surgery,"), "120,120,240,240");
    assert_eq!(deadlines("all,all,first_aid,"), "10,10,10,");
    assert_eq!(deadlines("severity,T2,surgery,"), "240,,240,");
}

#[test]
fn precision_mode_stops_at_a_whole_number_of_batches_and_is_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let mut seen = Vec::new();
    for threads in ["1", "2"] {
        let path = dir.path().join(format!("{threads}.json"));
        let out = casevac(&[
            "run",
            SAHEL,
            "-n",
            "50",
            "--precision",
            "2",
            "--threads",
            threads,
            "--json",
            path.to_str().unwrap(),
            "-q",
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let trials = v["run"]["trials"].as_u64().unwrap();
        assert_eq!(trials % 50, 0);
        for step in v["steps"].as_array().unwrap() {
            let half = (step["ci95_high"].as_f64().unwrap() - step["ci95_low"].as_f64().unwrap()) / 2.0;
            assert!(half <= 0.02, "half-width {half} above the target");
        }
        seen.push(std::fs::read(&path).unwrap());
    }
    assert_eq!(seen[0], seen[1]);
}

#[test]
fn validate_describes_the_scenario() {
    let out = casevac(&["validate", SAHEL]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains("5 sites, 5 facilities"), "{stdout}");
    assert!(stdout.contains("first asset on scene"));
    assert!(stdout.contains("nearest surgery: gao_l2"));
    assert!(stdout.contains("no problems found"));
    assert!(!stdout.contains("with --set"), "{stdout}");
    // With overrides, the description is of the file so changed, and says so; the count follows.
    let out = casevac(&["validate", SAHEL, "--set", "asset.gao_mi8.count=3"]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("\nwith --set asset.gao_mi8.count=3\n"), "{stdout}");
    assert!(stdout.contains("10 evacuation units (3 helicopters, 7 ground)"), "{stdout}");
}

/// Writes `body` to a scenario file, runs `run` on it with a JSON output, and returns stderr
/// after checking the failure contract: exit code 2, no panic, no output file left behind.
fn bad(body: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, body).unwrap();
    let json = dir.path().join("out.json");
    let out = casevac(&["run", file.to_str().unwrap(), "-n", "5", "--json", json.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!json.exists(), "no output file on bad input");
    let leftovers: Vec<PathBuf> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).filter(|p| p != &file).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    stderr.replace(&format!("{}", file.display()), "bad.toml")
}

fn good() -> String {
    std::fs::read_to_string(Path::new(SAHEL)).unwrap()
}

#[test]
fn toml_syntax_error_points_at_line_and_column() {
    let err = bad("[scenario\nname = \"x\"\n");
    assert!(err.contains("bad.toml:1:"), "{err}");
}

#[test]
fn unknown_field_is_named_with_its_line() {
    let body = good().replacen("speed_kmh = 200", "speed_kph = 200", 1);
    let line = body.lines().position(|l| l.contains("speed_kph")).unwrap() + 1;
    let err = bad(&body);
    assert!(err.contains(&format!("bad.toml:{line}:")), "{err}");
    assert!(err.contains("speed_kph"), "{err}");
}

#[test]
fn wrong_type_is_reported() {
    let err = bad(&good().replacen("count = 2", "count = \"two\"", 1));
    assert!(
        err.contains("bad.toml:") && err.contains("invalid type: string \"two\", expected a whole number"),
        "{err}"
    );
}

#[test]
fn unknown_site_lists_the_known_ones() {
    let body = good().replacen("base = \"kidal\"", "base = \"kidall\"", 1);
    let line = body.lines().position(|l| l.contains("kidall")).unwrap() + 1;
    let err = bad(&body);
    assert!(err.contains(&format!("bad.toml:{line}:8: unknown site 'kidall'")), "{err}");
    assert!(err.contains("known site ids: aguelhok, gao, kidal"), "{err}");
}

#[test]
fn negative_speed_says_what_to_give() {
    let err = bad(&good().replacen("speed_kmh = 200", "speed_kmh = -200", 1));
    assert!(err.contains("speed_kmh = -200 is out of range"), "{err}");
    assert!(err.contains("help: give the cruise"), "{err}");
}

#[test]
fn shares_that_do_not_sum_to_one() {
    let base = good();
    assert!(base.contains("t1 = 0.10, t2 = 0.21"), "the bundled file's first severity line moved");
    let err = bad(&base.replacen("t1 = 0.10, t2 = 0.21", "t1 = 0.20, t2 = 0.21", 1));
    assert!(err.contains("severity shares sum to 1.1000, not 1"), "{err}");
}

#[test]
fn zone_no_asset_can_reach() {
    let body = good().replace("kind = \"helicopter\"", "kind = \"ground\"").replace("weather_grounding = 0.08", "");
    let body = body.replacen("road_factor = 1.3\n", "road_factor = 1.3\nair_only = true\n", 1);
    let err = bad(&body);
    assert!(err.contains("no asset can reach it"), "{err}");
}

#[test]
fn all_problems_are_reported_at_once() {
    let body = good()
        .replacen("speed_kmh = 200", "speed_kmh = -200", 1)
        .replacen("base = \"kidal\"", "base = \"nowhere\"", 1)
        .replacen("serviceability = 0.70", "serviceability = 1.7", 1);
    let err = bad(&body);
    assert!(err.contains("speed_kmh") && err.contains("nowhere") && err.contains("serviceability"), "{err}");
    assert!(err.contains("3 problems in bad.toml"), "{err}");
}

#[test]
fn a_table_missing_a_field_is_one_problem_and_the_later_ones_are_still_found() {
    // serde points a missing field at its table's header; the reading must set the whole table
    // aside, not the header alone, whose fields would then read as the previous table's (or
    // the top level's) and each be a problem the file does not have.
    let body = good()
        .replacen("name = \"Northern Sahel sector (illustrative)\"\n", "", 1)
        .replacen("lat = 18.4411\n", "", 1)
        .replacen("speed_kmh = 200", "speed_kph = 200", 1);
    let err = bad(&body);
    assert!(err.contains("missing field `name` in [scenario]"), "{err}");
    assert!(err.contains("help: add `name = ...` to [scenario]"), "{err}");
    assert!(err.contains("missing field `lat` in [[site]]"), "{err}");
    assert!(err.contains("unknown field `speed_kph`"), "{err}");
    assert!(err.contains("3 problems in bad.toml"), "{err}");
}

#[test]
fn validate_asks_to_check_a_zone_far_from_every_site() {
    // Kidal's zone with its latitude and longitude swapped lies in central Africa,
    // 2,386 km from the nearest site: valid, but worth a second look, and said.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("swapped.toml");
    let body = good();
    assert!(body.contains("centre = { lat = 18.44, lon = 1.41 }"), "the bundled Kidal zone moved");
    std::fs::write(&file, body.replace("centre = { lat = 18.44, lon = 1.41 }", "centre = { lat = 1.41, lon = 18.44 }"))
        .unwrap();
    let out = casevac(&["validate", file.to_str().unwrap()]);
    assert!(out.status.success());
    let said = text(&out.stdout);
    assert!(said.contains("check its place: 2,386 km from the nearest site (are lat and lon the right way round?)"));
    assert!(said.contains("first asset on scene: menaka_amb in about 4,305 min"), "{said}");
    assert!(said.trim_end().ends_with("no problems found; one place to check above"), "{said}");
    let out = casevac(&["validate", SAHEL]);
    let said = text(&out.stdout);
    assert!(
        !said.contains("check its place") && !said.contains("check the place"),
        "the bundled file's places are near"
    );
    assert!(said.trim_end().ends_with("no problems found"), "{said}");
    // A site swapped the same way is as far from every other site and every zone.
    assert!(body.contains("lat = 18.4411\nlon = 1.4078"), "the bundled Kidal site moved");
    std::fs::write(&file, body.replace("lat = 18.4411\nlon = 1.4078", "lat = 1.4078\nlon = 18.4411")).unwrap();
    let said = text(&casevac(&["validate", file.to_str().unwrap()]).stdout);
    let far = said.lines().find(|l| l.starts_with("check the place of site kidal (1.41, 18.44): ")).expect(&said);
    assert!(far.ends_with("km from every other site and zone (are lat and lon the right way round?)"), "{far}");
    assert!(said.trim_end().ends_with("no problems found; one place to check above"), "{said}");
}

#[test]
fn bad_distribution_is_explained() {
    let body = good().replacen("min = 45, mode = 90, max = 180", "min = 95, mode = 90, max = 180", 1);
    let err = bad(&body);
    assert!(err.contains("triangular needs 0 <= min <= mode <= max"), "{err}");
}

#[test]
fn absurd_casualty_counts_are_refused() {
    let body = good().replacen("values = [1, 2, 3, 5]", "values = [1, 2, 3, 50000]", 1);
    let err = bad(&body);
    assert!(
        err.contains("casualties: table values are whole numbers of casualties from 1 to 1000 (got 50000)"),
        "{err}"
    );
}

#[test]
fn missing_file_and_bad_arguments_fail_cleanly() {
    let out = casevac(&["run", "no/such/file.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read the file"));
    for unreachable in ["-1", "1e-300", "0.0009", "50"] {
        let out = casevac(&["run", SAHEL, "--precision", unreachable]);
        assert_eq!(out.status.code(), Some(2));
        let err = text(&out.stderr);
        assert!(err.contains(&format!("{unreachable} is out of range: give percentage points from 0.001")), "{err}");
    }
    let out = casevac(&["validate", "no/such/file.toml"]);
    assert_eq!(out.status.code(), Some(2));
    // A second change given without its flag reads as an alternative's file: the error says so.
    let out = casevac(&["compare", SAHEL, "--set-alt", "asset.gao_mi8.count=3", "asset.gao_mi8.night_capable=true"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("`asset.gao_mi8.night_capable=true` reads as a change KEY=VALUE, not a file"), "{err}");
    assert!(err.contains("--set-alt KEY=VALUE"), "{err}");
}

#[test]
fn a_full_standard_output_is_named_in_the_error() {
    let cases = [
        &["run", SAHEL, "-n", "20"][..],
        &["run", SAHEL, "-n", "20", "--json", "-"],
        &["guide"],
        &["--help"],
        &["run", "--help"],
        &["--version"],
    ];
    for args in cases {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_casevac")).args(args).stdout(full).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("error: cannot write to standard output: No space left on device"),
            "{args:?}: {stderr}"
        );
    }
}

/// The reader closes the pipe before casevac writes (as `casevac … | head -1` does once it has
/// its line): casevac must exit 0 quietly, not panic with "failed printing to stdout".
fn closed_pipe(args: &[&str]) {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_casevac"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("the binary ends");
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    assert!(stderr.is_empty(), "{args:?}: nothing to say about a closed pipe: {stderr}");
}

#[test]
fn a_closed_pipe_ends_validate_and_run_quietly() {
    closed_pipe(&["validate", SAHEL]);
    // The simulation takes long enough that the pipe is surely closed before the table is written.
    closed_pipe(&["run", SAHEL, "-n", "300"]);
}

#[test]
fn an_unwritable_output_fails_with_its_cause() {
    // A path to fix on the command line, found before anything runs: bad input.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("missing-folder").join("out.json");
    let out = casevac(&["run", SAHEL, "-n", "5", "--json", target.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("error: cannot write "), "{stderr}");
    assert!(stderr.contains("create it first: "), "{stderr}");
    assert!(stderr.contains("os error"), "the operating system's reason is kept: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Runs casevac expecting a refusal of its command line before anything runs: exit code 2 and
/// a message holding every one of `needles`; returns stderr.
fn refused(args: &[&str], needles: &[&str]) -> String {
    let out = casevac(args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{args:?}: no {needle:?} in {stderr}");
    }
    stderr
}

/// Every file under `dir`, by path, with its bytes: what a refused command must leave as it was.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() && !path.is_symlink() {
            out.extend(tree(&path));
        } else {
            out.push((path.clone(), std::fs::read(&path).unwrap_or_default()));
        }
    }
    out.sort();
    out
}

#[test]
fn no_output_may_replace_a_file_the_command_reads() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let own = d.join("self.toml");
    std::fs::copy(SAHEL, &own).unwrap();
    let alt = d.join("alt.toml");
    std::fs::copy(FST, &alt).unwrap();
    // The same file reached through a link to its folder and through a link to the file.
    std::os::unix::fs::symlink(d, d.join("here")).unwrap();
    std::os::unix::fs::symlink(&own, d.join("alias.json")).unwrap();
    let before = tree(d);
    let own_s = own.to_str().unwrap();
    let (via_folder, via_file) = (d.join("here").join("self.toml"), d.join("alias.json"));
    let is_own = format!("is the scenario file {own_s}, which this command reads");
    let quick = ["-n", "2", "--precision", "0", "-q"];
    for (args, needle) in [
        (vec!["run", own_s, "-n", "20", "-q", "--json", own_s], format!("--json {own_s} {is_own}")),
        (vec!["run", own_s, "-n", "20", "--tally", own_s], format!("--tally {own_s} {is_own}")),
        (vec!["run", own_s, "-n", "20", "--shard", "1/2", "--tally", own_s], format!("--tally {own_s} {is_own}")),
        (vec!["run", own_s, "-n", "20", "-q", "--json", via_folder.to_str().unwrap()], is_own.clone()),
        (vec!["run", own_s, "-n", "20", "-q", "--json", via_file.to_str().unwrap()], is_own.clone()),
        (
            vec!["run", own_s, "-n", "20", "-q", "--csv", d.to_str().unwrap()],
            format!("--csv {} holds the scenario file {own_s}", d.display()),
        ),
        (
            vec!["compare", SAHEL, alt.to_str().unwrap(), "-n", "20", "-q", "--json", alt.to_str().unwrap()],
            format!("is the alternative scenario file {}", alt.display()),
        ),
        (vec!["compare", own_s, "--set-alt", "asset.gao_mi8.count=2", "-n", "20", "--json", own_s], is_own.clone()),
        ([&["levers", own_s, "--json", own_s][..], &quick].concat(), is_own.clone()),
        ([&["sweep", own_s, "asset.gao_mi8.count=1,2", "--json", own_s][..], &quick].concat(), is_own.clone()),
        (
            vec![
                "place",
                own_s,
                "--asset",
                "gao_mi8",
                "--candidates",
                "all-sites",
                "-n",
                "2",
                "--max-trials",
                "2",
                "--json",
                own_s,
            ],
            is_own.clone(),
        ),
    ] {
        refused(&args, &[&needle]);
        assert_eq!(tree(d), before, "{args:?} wrote nothing");
    }
    // Standard output is never a file the command reads.
    let out = casevac(&["run", own_s, "-n", "5", "--json", "-"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap();
}

#[test]
fn outputs_that_share_a_path_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let at = |name: &str| d.join(name).to_str().unwrap().to_string();
    let (same, dd, inner, csv_in_dd) = (at("same.json"), at("dd"), at("dd/report"), at("dd/run.csv"));
    let quick = ["-n", "2", "--precision", "0", "-q"];
    for (args, needle) in [
        (
            vec!["run", SAHEL, "-n", "20", "-q", "--json", &same, "--report", &same],
            format!("--json {same} and --report {same} are one path: give each output its own"),
        ),
        (
            vec!["run", SAHEL, "-n", "20", "-q", "--csv", &dd, "--report", &dd],
            format!("--csv {dd} and --report {dd} are one path"),
        ),
        (
            vec!["run", SAHEL, "-n", "20", "-q", "--csv", &dd, "--report", &inner],
            format!("--report {inner} lies inside --csv {dd}: give each output a path of its own"),
        ),
        (
            vec!["run", SAHEL, "-n", "20", "-q", "--json", &csv_in_dd, "--csv", &dd],
            format!("--json {csv_in_dd} lies inside --csv {dd}"),
        ),
        (
            vec!["compare", SAHEL, FST, "-n", "20", "-q", "--csv", &dd, "--report", &dd],
            format!("--csv {dd} and --report {dd} are one path"),
        ),
        (
            [&["levers", SAHEL, "--csv", &dd, "--report", &dd][..], &quick].concat(),
            format!("--csv {dd} and --report {dd} are one path"),
        ),
        // Only --json takes `-` for standard output; a folder named `-` is refused.
        (vec!["run", SAHEL, "-n", "20", "-q", "--csv", "-"], "--csv - would write a folder named `-`".into()),
        (
            [&["sweep", SAHEL, "asset.gao_mi8.count=1,2", "--report", "-"][..], &quick].concat(),
            "--report - would write a folder named `-`: only --json takes - for standard output".into(),
        ),
    ] {
        refused(&args, &[&needle]);
        assert!(tree(d).is_empty(), "{args:?} wrote nothing: {:?}", tree(d));
        assert!(!Path::new("-").exists(), "{args:?} wrote nothing named -");
    }
}

const FST: &str = "scenarios/sahel-north-fst-kidal.toml";

#[test]
fn compare_json_is_byte_identical_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2", "8"] {
        let path = dir.path().join(format!("t{threads}.json"));
        let p = path.to_str().unwrap();
        let out =
            casevac(&["compare", SAHEL, FST, "-n", "200", "--seed", "5", "--threads", threads, "--json", p, "-q"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        outputs.push(std::fs::read(&path).unwrap());
    }
    assert_eq!(outputs[0], outputs[1], "1 vs 2 threads");
    assert_eq!(outputs[0], outputs[2], "1 vs 8 threads");
    let v: serde_json::Value = serde_json::from_slice(&outputs[0]).unwrap();
    assert_eq!(v["run"]["trials"], 200);
    let alt = &v["alternatives"][0];
    assert_eq!(alt["casualty_mismatch_trials"], 0, "the same casualties in every trial");
    assert_eq!(alt["steps"][2]["verdict"], "better", "a surgical team at Kidal helps surgery");
}

#[test]
fn a_scenario_compared_with_itself_shows_no_change_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("c.json");
    let out = casevac(&["compare", SAHEL, SAHEL, "-n", "100", "--json", json.to_str().unwrap(), "-q"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let alt = &v["alternatives"][0];
    for kind in ["steps"] {
        for d in alt[kind].as_array().unwrap() {
            assert_eq!(d["difference"], 0.0, "{d}");
            assert_eq!(d["ci95_low"], 0.0, "{d}");
            assert_eq!(d["ci95_high"], 0.0, "{d}");
            assert_eq!(d["verdict"], "no_detectable_change");
        }
    }
    for g in alt["by_zone"].as_array().unwrap() {
        for d in g["steps"].as_array().unwrap() {
            assert!(d["difference"] == 0.0 || d["difference"].is_null(), "{d}");
        }
    }
}

#[test]
fn set_alt_makes_the_alternative_from_the_base() {
    let out = casevac(&["compare", SAHEL, "--set-alt", "asset.gao_mi8.approval_min=5", "-n", "150"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains("B  scenarios/sahel-north.toml with asset.gao_mi8.approval_min=5"), "{stdout}");
    let resus = stdout.lines().find(|l| l.trim_start().starts_with("resuscitation within 1 h")).unwrap();
    assert!(resus.ends_with("better"), "faster clearances bring the team sooner: {resus}");
}

#[test]
fn the_other_reading_of_the_hour_names_the_deadline_it_is_judged_against() {
    let out = casevac(&["run", SAHEL, "-n", "50", "--set", "scenario.thresholds_min.resuscitation=45"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains("resuscitation within 45 min"), "{stdout}");
    assert!(stdout.contains("ALS or DCR in 45 min") && !stdout.contains("in 1 h"), "{stdout}");
}

#[test]
fn one_trial_gives_expected_deaths_but_no_interval() {
    let out = casevac(&["run", SAHEL, "-n", "1", "--json", "-", "-q"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &json["deaths"];
    assert!(d["per_trial"].as_f64().unwrap() > 0.0, "{d}");
    assert!(d["ci95_low"].is_null() && d["ci95_high"].is_null(), "{d}");
    let table = text(&casevac(&["run", SAHEL, "-n", "1"]).stdout);
    assert!(table.contains("(no interval from one trial)"), "{table}");
    // Two trials have a spread, and an interval from it.
    let out = casevac(&["run", SAHEL, "-n", "2", "--json", "-", "-q"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["deaths"]["ci95_low"].is_f64(), "{}", json["deaths"]);
}

#[test]
fn compare_refuses_what_cannot_be_paired() {
    let dir = tempfile::tempdir().unwrap();
    let sahel = std::fs::read_to_string(SAHEL).unwrap();
    let longer = dir.path().join("longer.toml");
    std::fs::write(&longer, sahel.replacen("period_days = 30", "period_days = 60", 1)).unwrap();
    assert_ne!(std::fs::read_to_string(&longer).unwrap(), sahel, "the edit took");
    let renamed = dir.path().join("renamed.toml");
    std::fs::write(&renamed, sahel.replacen("id = \"menaka_area\"", "id = \"menaka\"", 1)).unwrap();
    for (alt, needles) in [
        (&longer, &["period_days is 60 here but 30 in the base", "help: give both scenarios the same"][..]),
        (&renamed, &["only in the base: [menaka_area]; only here: [menaka]", "would not share their incidents"][..]),
    ] {
        let out = casevac(&["compare", SAHEL, alt.to_str().unwrap(), "-n", "10"]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        for n in needles {
            assert!(stderr.contains(n), "missing {n:?} in\n{stderr}");
        }
        assert!(out.stdout.is_empty());
    }
    let out = casevac(&["compare", SAHEL]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("nothing to compare"), "{}", text(&out.stderr));
}

#[test]
fn a_bad_override_is_named_on_every_command() {
    for cmd in [
        &["run", SAHEL, "--set", "zone.kidal_camp.first_aider_share=1.5"][..],
        &["validate", SAHEL, "--set", "zone.kidal_camp.first_aider_share=1.5"][..],
        &["compare", SAHEL, "--set-alt", "zone.kidal_camp.first_aider_share=1.5"][..],
    ] {
        let out = casevac(cmd);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd:?}: {stderr}");
        assert!(
            stderr.contains(
                "error: --set zone.kidal_camp.first_aider_share=1.5: first_aider_share = 1.5 is out of range"
            ),
            "{cmd:?}: {stderr}"
        );
    }
    let out = casevac(&["run", SAHEL, "--set", "asset.gao_mi8.cout=3"]);
    assert!(text(&out.stderr).contains("did you mean `count`?"), "{}", text(&out.stderr));
}

#[test]
fn every_file_of_a_comparison_is_checked_before_any_runs() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.toml"), dir.path().join("b.toml"));
    std::fs::write(&a, "[scenario]\nname = 1\n").unwrap();
    std::fs::write(&b, "not toml at all").unwrap();
    let out = casevac(&["compare", SAHEL, a.to_str().unwrap(), b.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("a.toml") && stderr.contains("b.toml"), "both files' problems: {stderr}");
}

#[test]
fn validate_counts_scheduled_incidents_in_the_expected_casualties() {
    // One attack of 25-35 casualties (mean 30) in a 2-day period, and no random incidents: a
    // trial's count, not a daily rate.
    let out = casevac(&["validate", "scenarios/masscal-camp-attack.toml"]);
    let stdout = text(&out.stdout);
    // (The 30 is casualties: the count of incidents is said apart from it.)
    assert!(
        stdout.contains("scheduled incidents only (1 incident a trial): about 30 casualties per 2-day trial"),
        "{stdout}"
    );
    // The zone's line names its attack, not just a rate of 0 a day.
    assert!(stdout.contains("camp_attack (16.27, -0.04): 1 scheduled incident, T1 65%"), "{stdout}");
    // With the attack taken out and a rate of 0 there is nothing to simulate, and validate says so.
    let dir = tempfile::tempdir().unwrap();
    let text_of = std::fs::read_to_string("scenarios/masscal-camp-attack.toml").unwrap();
    let quiet = dir.path().join("quiet.toml");
    let line = text_of.lines().find(|l| l.starts_with("scheduled_hours")).expect("the attack's line");
    std::fs::write(&quiet, text_of.replace(line, "incidents_per_day = 0")).unwrap();
    let out = casevac(&["validate", quiet.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("no incidents (no zone has a rate above 0 or a scheduled one): 0 per 2-day trial"),
        "{stdout}"
    );
    // A rate beside the attack: both are named, and the casualties become a daily rate, (0.5 a
    // day for 2 days + 1 attack) x 30 = 60 a trial.
    let both = dir.path().join("both.toml");
    std::fs::write(&both, text_of.replace(line, &format!("{line}\nincidents_per_day = 0.5"))).unwrap();
    let out = casevac(&["validate", both.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("about 30.00 casualties a day expected, 60 per 2-day trial"), "{stdout}");
    // Prevention removes a share of the random incidents, not the scheduled attack:
    // (0.5 x 0.4 a day for 2 days + 1) x 30 = 42 a trial.
    let prevented = dir.path().join("prevented.toml");
    std::fs::write(
        &prevented,
        text_of.replace(line, &format!("{line}\nincidents_per_day = 0.5\nprevented_share = 0.6")),
    )
    .unwrap();
    let out = casevac(&["validate", prevented.to_str().unwrap()]);
    assert!(
        text(&out.stdout).contains("about 21.00 casualties a day expected, 42 per 2-day trial"),
        "{}",
        text(&out.stdout)
    );
    assert!(stdout.contains("camp_attack (16.27, -0.04): 0.5 incidents/day and 1 scheduled, T1 65%"), "{stdout}");
}

#[test]
fn a_comparison_replaces_only_its_own_folders() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("brief");
    std::fs::create_dir(&report).unwrap();
    std::fs::write(report.join("notes.txt"), "the planner's own notes").unwrap();
    let out = casevac(&["compare", SAHEL, FST, "-n", "20", "--report", report.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("notes.txt") || stderr.contains("other files"), "{stderr}");
    assert_eq!(std::fs::read_to_string(report.join("notes.txt")).unwrap(), "the planner's own notes");
    // A folder of casevac's own comparison files is replaced whole.
    let csv = dir.path().join("csv");
    for _ in 0..2 {
        let out = casevac(&["compare", SAHEL, FST, "-n", "20", "-q", "--csv", csv.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let mut names: Vec<String> =
        std::fs::read_dir(&csv).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["comparison.csv", "lives_saved.csv", "run.csv"]);
}

#[test]
fn a_folder_an_earlier_run_wrote_is_replaced_even_when_this_run_writes_fewer_files() {
    // An earlier run with the outcome model wrote deaths.csv and the deaths chart; the same
    // command with the model off writes neither, and must still take its own folders back,
    // not refuse them once the trials are run and the JSON already replaced.
    let dir = tempfile::tempdir().unwrap();
    let [csv, report, json] = ["csv", "report", "run.json"].map(|n| dir.path().join(n));
    let paths =
        ["--csv", csv.to_str().unwrap(), "--report", report.to_str().unwrap(), "--json", json.to_str().unwrap()];
    let out = casevac(&[&["run", SAHEL, "-n", "20", "-q"][..], &paths].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(csv.join("deaths.csv").exists() && report.join("deaths.svg").exists());
    let off = ["run", SAHEL, "-n", "20", "-q", "--set", "outcomes.enabled=false"];
    let out = casevac(&[&off[..], &paths].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Each folder is this run's, whole: no file of the earlier one is left beside it.
    assert!(!csv.join("deaths.csv").exists() && !report.join("deaths.svg").exists());
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(report.join("summary.json")).unwrap()).unwrap();
    let written: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(summary, written, "the folder and the JSON describe the same run");
    assert!(written["deaths"].is_null(), "the run without the outcome model");
    // So for a comparison's CSV folder, which holds lives_saved.csv only with the model.
    let cmp = dir.path().join("cmp");
    let compare = ["compare", SAHEL, FST, "-n", "20", "-q", "--csv", cmp.to_str().unwrap()];
    let out = casevac(&compare);
    assert!(out.status.success() && cmp.join("lives_saved.csv").exists(), "{}", text(&out.stderr));
    let out = casevac(&[&compare[..], &["--set", "outcomes.enabled=false"]].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!cmp.join("lives_saved.csv").exists());
}

#[test]
fn a_comparison_csv_gives_the_lives_saved_its_json_gives() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("csv");
    let out = casevac(&["compare", SAHEL, FST, "-n", "60", "-q", "--csv", csv.to_str().unwrap(), "--json", "-"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lives = &v["alternatives"][0]["lives_saved"];
    let mut r = csv::Reader::from_path(csv.join("lives_saved.csv")).unwrap();
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 1, "one alternative");
    let field = |name: &str| rows[0][head.iter().position(|h| h == name).unwrap()].to_string();
    assert_eq!(field("alternative"), v["alternatives"][0]["variant"]["label"].as_str().unwrap());
    for (column, key) in [
        ("lives_saved_per_trial", "per_trial"),
        ("ci95_low_per_trial", "ci95_low"),
        ("lives_saved_per_year", "per_year"),
        ("per_trial_high_params", "per_trial_high_params"),
    ] {
        assert_eq!(field(column).parse::<f64>().unwrap(), lives[key].as_f64().unwrap(), "{column}");
    }
    assert_eq!(field("verdict"), lives["verdict"].as_str().unwrap());
    // Without the outcome model there is no such figure, and no file.
    let off = dir.path().join("off");
    let args = ["compare", SAHEL, FST, "-n", "20", "-q", "--set", "outcomes.enabled=false", "--csv"];
    let out = casevac(&[&args[..], &[off.to_str().unwrap()]].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(off.join("comparison.csv").exists() && !off.join("lives_saved.csv").exists());
}

#[test]
fn a_category_no_asset_lifts_is_refused() {
    // Every asset of the Sahel file told to lift only T1: the zones' T2 and T3 casualties would
    // wait for ever.
    let body = good().replace("id = \"gao_mi8\"", "id = \"gao_mi8\"\nlifts = [\"T1\"]");
    let body = body.replace("kind = \"ground\"", "kind = \"ground\"\nlifts = [\"T1\"]");
    let err = bad(&body);
    assert!(err.contains("has T2 casualties but no asset that reaches it lifts T2"), "{err}");
    assert!(err.contains("help: add \"T2\" to the lifts of an asset"), "{err}");
    let err = bad(&good().replace("id = \"gao_mi8\"", "id = \"gao_mi8\"\nlifts = [\"T4\"]"));
    assert!(err.contains("asset 'gao_mi8' lifts `T4`, which is not a triage category"), "{err}");
    // The model moves ground units by night as by day: a day-only ambulance is refused at its line.
    let body = good().replace("id = \"gao_amb\"", "id = \"gao_amb\"\nnight_capable = false");
    let err = bad(&body);
    assert!(err.contains("ground unit 'gao_amb' cannot be day-only"), "{err}");
    assert!(err.contains("help: remove night_capable (with --set: night_capable=true); to make night moves"), "{err}");
    // (The line after the asset's id, numbered from 1.)
    let line = body.lines().position(|l| l == "id = \"gao_amb\"").unwrap() + 2;
    assert!(err.contains(&format!(":{line}:17: ground unit")), "the line and column: {err}");
    let err = bad(&good().replace("id = \"gao_mi8\"", "id = \"gao_mi8\"\nlifts = [\"T1\", \"t1\"]"));
    assert!(err.contains("asset 'gao_mi8' lifts `t1` more than once"), "{err}");
    let err = bad(&good().replace("id = \"gao_mi8\"", "id = \"gao_mi8\"\nlifts = [\"T1\", \"T1\", \"T1\"]"));
    assert_eq!(err.matches("more than once").count(), 1, "said once: {err}");
    assert!(err.contains("help: list each category once"), "{err}");
}

#[test]
fn completions_and_the_manual_page_come_from_the_same_definition() {
    for shell in ["bash", "zsh", "fish"] {
        let out = casevac(&["completions", shell]);
        let script = text(&out.stdout);
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
        // Every subcommand and a flag of each are offered.
        for word in ["run", "compare", "validate", "merge", "schema", "set-alt", "precision"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    let out = casevac(&["manpage"]);
    let page = text(&out.stdout);
    assert!(out.status.success());
    assert!(page.contains(".TH casevac 1") && page.contains("10\\-1\\-2"), "{page}");
    assert!(page.contains("compare"), "the manual lists the commands");
    // Each command has its own page, with its options, under the name the main page lists.
    for (command, option) in [("run", "\\-\\-trials"), ("compare", "\\-\\-set\\-alt"), ("place", "\\-\\-grid")] {
        let out = casevac(&["manpage", command]);
        let page = text(&out.stdout);
        assert!(out.status.success(), "{command}: {}", text(&out.stderr));
        assert!(page.contains(&format!(".TH casevac-{command} 1")), "{page}");
        assert!(page.contains(&format!("casevac {command}")) && page.contains(option), "{command}: {page}");
        assert!(text(&casevac(&["manpage"]).stdout).contains(&format!("casevac\\-{command}(1)")), "{command}");
    }
    let out = casevac(&["manpage", "rum"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no command is called `rum`: give one of run, compare, levers"),
        "{}",
        text(&out.stderr)
    );
    closed_pipe(&["completions", "bash"]);
}

#[test]
fn the_guide_ships_inside_the_binary() {
    let out = casevac(&["guide"]);
    let guide = std::fs::read_to_string("docs/scenario-format.md").unwrap();
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), guide, "the binary prints the guide of its own version");
}

/// Lines wider than `width` characters, with their width, for a failure message.
/// The columns a line takes in a terminal: two for a wide (Chinese, Japanese, Korean) character.
fn columns(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

fn too_wide(out: &str, width: usize) -> Vec<String> {
    out.lines().filter(|l| columns(l) > width).map(|l| format!("{:>3}: {l}", columns(l))).collect()
}

#[test]
fn run_and_compare_tables_fit_100_columns_for_every_bundled_scenario() {
    // Standard output is a pipe here, so the tables are laid out for 100 columns.
    let scenarios = common::bundled_scenarios();
    for path in &scenarios {
        let p = path.to_str().unwrap();
        let out = casevac(&["run", p, "-n", "20"]);
        assert!(out.status.success(), "{p}: {}", text(&out.stderr));
        let wide = too_wide(&text(&out.stdout), 100);
        assert!(wide.is_empty(), "run {p}:\n{}", wide.join("\n"));
        // Against itself with a change that moves figures, so every cell has a signed difference.
        let out = casevac(&["compare", p, p, "-n", "20"]);
        assert!(out.status.success(), "{p}: {}", text(&out.stderr));
        let wide = too_wide(&text(&out.stdout), 100);
        assert!(wide.is_empty(), "compare {p} {p}:\n{}", wide.join("\n"));
    }
    let out = casevac(&["compare", SAHEL, "scenarios/sahel-north-fst-kidal.toml", "-n", "20"]);
    let wide = too_wide(&text(&out.stdout), 100);
    assert!(wide.is_empty(), "compare the Sahel pair:\n{}", wide.join("\n"));
}

#[test]
fn a_long_zone_id_gets_its_own_line_and_the_columns_stay_in_line() {
    let long = "kidal_camp_and_the_northern_approaches_to_the_town";
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for name in ["sahel-north.toml", "sahel-north-fst-kidal.toml"] {
        let text = std::fs::read_to_string(Path::new("scenarios").join(name)).unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text.replace("\"kidal_camp\"", &format!("\"{long}\""))).unwrap();
        files.push(path.to_str().unwrap().to_string());
    }
    let run = casevac(&["run", &files[0], "-n", "20"]);
    let cmp = casevac(&["compare", &files[0], &files[1], "-n", "20"]);
    for (what, out, marker) in [("run", run, "n="), ("compare", cmp, "pts [")] {
        assert!(out.status.success(), "{what}: {}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(too_wide(&stdout, 100).is_empty(), "{what}:\n{}", too_wide(&stdout, 100).join("\n"));
        let zone_table =
            stdout.lines().skip_while(|l| !l.starts_with("by zone") && !l.starts_with("B - A by zone")).skip(1);
        let zone_table: Vec<&str> = zone_table.take_while(|l| !l.is_empty()).collect();
        let own_line = zone_table.iter().position(|l| l.trim() == long);
        let own_line = own_line.unwrap_or_else(|| panic!("{what}: the long id has no line of its own:\n{stdout}"));
        // The cells are right-aligned, so each row's first cell ends in the same column, the
        // long id's row too (on the line after the id).
        let rows: Vec<&&str> = zone_table.iter().filter(|l| l.contains(marker)).collect();
        assert_eq!(rows.len(), 5, "{what}: five zone rows in\n{}", zone_table.join("\n"));
        assert!(zone_table[own_line + 1].contains(marker), "{what}: the figures follow the id");
        let first_cell_ends: Vec<usize> = rows.iter().map(|l| l.find(']').unwrap()).collect();
        assert!(
            first_cell_ends.windows(2).all(|w| w[0] == w[1]),
            "{what}: columns out of line:\n{}",
            zone_table.join("\n")
        );
    }
}

/// The terminal column where the first `marker` on `line` ends.
fn column_after(line: &str, marker: char) -> usize {
    columns(&line[..line.find(marker).unwrap_or_else(|| panic!("no {marker:?} in {line:?}"))]) + 1
}

/// The lines of the table that starts with the line `head` begins with, up to a blank line.
fn table_after<'a>(out: &'a str, head: &str) -> Vec<&'a str> {
    let table: Vec<&str> = out.lines().skip_while(|l| !l.starts_with(head)).take_while(|l| !l.is_empty()).collect();
    assert!(!table.is_empty(), "no table {head:?} in\n{out}");
    table
}

fn in_line(what: &str, rows: &[&str], marker: char) {
    let ends: Vec<usize> = rows.iter().map(|l| column_after(l, marker)).collect();
    assert!(ends.windows(2).all(|w| w[0] == w[1]), "{what}: columns out of line ({ends:?}):\n{}", rows.join("\n"));
}

#[test]
fn ids_in_wide_characters_take_two_columns_each_and_the_columns_stay_in_line() {
    // A contingent may name its zones, helicopters and sites in its own script.
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for name in ["sahel-north.toml", "sahel-north-fst-kidal.toml"] {
        let text = std::fs::read_to_string(Path::new("scenarios").join(name)).unwrap();
        let text = text
            .replace("\"kidal_camp\"", "\"基达尔营地\"")
            .replace("\"gao_mi8\"", "\"加奥_mi8\"")
            .replace("\"kidal\"", "\"基达尔\"");
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        files.push(path.to_str().unwrap().to_string());
    }
    let run = casevac(&["run", &files[0], "-n", "20"]);
    assert!(run.status.success(), "run: {}", text(&run.stderr));
    let out = text(&run.stdout);
    assert!(too_wide(&out, 100).is_empty(), "run:\n{}", too_wide(&out, 100).join("\n"));
    let zones = table_after(&out, "by zone");
    assert!(zones.iter().any(|l| l.starts_with("  基达尔营地 ")), "{}", zones.join("\n"));
    in_line("by zone", &zones[1..], ']');
    // The minutes' and the assets' rows end in the same column as their heads.
    let phases: Vec<&str> = table_after(&out, "  zone ").into_iter().take_while(|l| !l.starts_with("  (")).collect();
    assert!(phases.iter().any(|l| l.starts_with("  基达尔营地 ")), "{}", phases.join("\n"));
    let ends: Vec<usize> = phases.iter().map(|l| columns(l)).collect();
    assert!(ends.windows(2).all(|w| w[0] == w[1]), "minutes out of line:\n{}", phases.join("\n"));
    let assets = table_after(&out, "assets");
    assert!(assets.iter().any(|l| l.starts_with("  加奥_mi8 ")), "{}", assets.join("\n"));
    let ends: Vec<usize> = assets.iter().map(|l| columns(l)).collect();
    assert!(ends.windows(2).all(|w| w[0] == w[1]), "assets out of line:\n{}", assets.join("\n"));

    let cmp = casevac(&["compare", &files[0], &files[1], "-n", "20"]);
    assert!(cmp.status.success(), "compare: {}", text(&cmp.stderr));
    let out = text(&cmp.stdout);
    let zones = table_after(&out, "B - A by zone");
    assert!(zones.iter().any(|l| l.starts_with("  基达尔营地 ")), "{}", zones.join("\n"));
    in_line("B - A by zone", &zones[1..], ']');

    let place = casevac(&["place", &files[0], "--asset", "加奥_mi8", "--candidates", "all-sites", "-n", "100"]);
    assert!(place.status.success(), "place: {}", text(&place.stderr));
    let out = text(&place.stdout);
    let rows: Vec<&str> = table_after(&out, "rank").into_iter().skip(1).take_while(|l| !l.starts_with("  (")).collect();
    assert!(rows.iter().any(|l| l.contains(" 基达尔 ")), "{}", rows.join("\n"));
    in_line("place", &rows, '%');
}

#[test]
fn options_that_have_no_effect_are_warned_about_on_stderr() {
    let warned = |args: &[&str], needle: &str| {
        let out = casevac(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        let stderr = text(&out.stderr);
        assert!(stderr.contains(needle), "{args:?}: no {needle:?} in stderr:\n{stderr}");
    };
    warned(
        &["run", SAHEL, "-n", "10", "-q", "--max-trials", "500"],
        "warning: --max-trials has no effect without --precision",
    );
    warned(&["run", SAHEL, "-n", "10", "-q", "--map-grid", "20"], "warning: --map-grid has no effect without --report");
    warned(&["run", SAHEL, "-n", "10", "-q", "--scale", "2"], "warning: --scale has no effect without --report");
    warned(
        &["levers", SAHEL, "-n", "10", "-q", "--precision", "0", "--max-trials", "500"],
        "warning: --max-trials has no effect with --precision 0 (off)",
    );
    // Each map option names the map it sets.
    warned(
        &["run", SAHEL, "-n", "10", "-q", "--map-probes", "20"],
        "warning: --map-probes has no effect without --report: only the report draws the reach map",
    );
    warned(
        &["run", SAHEL, "-n", "30", "-q", "--precision", "40", "--max-trials", "20"],
        "warning: --trials 30 is above --max-trials 20",
    );
    warned(
        &["compare", SAHEL, "--set-alt", "asset.gao_mi8.count=3", "-n", "10", "-q", "--max-trials", "500"],
        "warning: --max-trials has no effect without --precision",
    );
    let report = tempfile::tempdir().unwrap();
    let folder = report.path().join("brief");
    warned(
        &[
            "compare",
            SAHEL,
            "--set-alt",
            "asset.gao_mi8.count=3",
            "-n",
            "10",
            "-q",
            "--map-probes",
            "20",
            "--report",
            folder.to_str().unwrap(),
        ],
        "warning: --map-probes has no effect on compare",
    );
    // Without --report too: compare draws no reach map at all, so that is what it is told.
    warned(
        &["compare", SAHEL, "--set-alt", "asset.gao_mi8.count=3", "-n", "10", "-q", "--map-probes", "20"],
        "warning: --map-probes has no effect on compare",
    );
    warned(
        &["compare", SAHEL, "--set-alt", "asset.gao_mi8.count=3", "-n", "10", "-q", "--map-grid", "20"],
        "warning: --map-grid has no effect without --report: only the report draws the difference map",
    );
    // The defaults themselves never warn.
    let out = casevac(&["run", SAHEL, "-n", "10", "-q", "--precision", "40"]);
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn precision_not_met_is_said_on_stderr_even_when_quiet_and_recorded_in_the_json() {
    let json = |args: &[&str]| -> (serde_json::Value, String) {
        let mut all = args.to_vec();
        all.extend(["--json", "-", "-q"]);
        let out = casevac(&all);
        assert!(out.status.success(), "{}", text(&out.stderr));
        (serde_json::from_slice(&out.stdout).unwrap(), text(&out.stderr))
    };
    // 40 trials cannot reach ±0.1 points: the run stops at --max-trials and says so.
    let (v, stderr) = json(&["run", SAHEL, "-n", "20", "--precision", "0.1", "--max-trials", "40"]);
    let p = &v["run"]["precision"];
    assert_eq!(p["precision_met"], false);
    assert_eq!(p["target_points"], 0.1);
    assert_eq!(p["max_trials"], 40);
    assert_eq!(v["run"]["trials"], 40);
    // What was achieved is the widest headline half-width the JSON itself shows.
    let widest = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["ci95_high"].as_f64().unwrap() - s["ci95_low"].as_f64().unwrap()) / 2.0 * 100.0)
        .fold(0.0, f64::max);
    assert!((p["achieved_points"].as_f64().unwrap() - widest).abs() < 1e-9, "{p} against {widest}");
    assert!(stderr.contains("warning: --precision 0.1 not met"), "{stderr}");
    assert!(stderr.contains(&format!("±{widest:.2} points after 40 trials")), "{stderr}");
    // A target the first batch already meets: met, and nothing said.
    let (v, stderr) = json(&["run", SAHEL, "-n", "20", "--precision", "40"]);
    assert_eq!(v["run"]["precision"]["precision_met"], true);
    assert!(stderr.is_empty(), "{stderr}");
    // Without --precision there is no target to report.
    let (v, _) = json(&["run", SAHEL, "-n", "20"]);
    assert!(v["run"]["precision"].is_null());
    // A comparison reports its own target, on the headline differences.
    let (v, stderr) = json(&[
        "compare",
        SAHEL,
        "--set-alt",
        "asset.gao_mi8.approval_min=5",
        "-n",
        "20",
        "--precision",
        "0.01",
        "--max-trials",
        "40",
    ]);
    assert_eq!(v["run"]["precision"]["precision_met"], false);
    assert!(stderr.contains("warning: --precision 0.01 not met"), "{stderr}");
    // A small target reads back as given, not as its floating-point round trip through a share.
    let (v, stderr) = json(&["run", SAHEL, "-n", "20", "--precision", "0.001", "--max-trials", "20"]);
    assert_eq!(v["run"]["precision"]["target_points"], 0.001);
    assert!(stderr.contains("warning: --precision 0.001 not met"), "{stderr}");
}

#[test]
fn the_json_and_csv_say_where_the_figures_come_from() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("csv");
    let out = casevac(&[
        "run",
        SAHEL,
        "-n",
        "10",
        "--seed",
        "9",
        "--set",
        "asset.gao_mi8.count=3",
        "--json",
        "-",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let hash = v["run"]["scenario_hash"].as_str().expect("a scenario hash").to_string();
    assert_eq!(hash.len(), 16);
    assert_eq!(v["run"]["seed"], 9);
    assert_eq!(v["casevac_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["scenario"]["overrides"][0], "asset.gao_mi8.count=3");
    // The file computes daylight from its start date: the report states the middle day's.
    let dl = casevac::scenario::load(std::path::Path::new(SAHEL)).unwrap().daylight;
    let hhmm = |t: f64| {
        let m = t.round() as u32;
        format!("{:02}:{:02}", m / 60, m % 60)
    };
    assert_eq!(v["scenario"]["sunrise"], hhmm(dl.sunrise_min), "as the model computes it");
    assert_eq!(v["scenario"]["sunset"], hhmm(dl.sunset_min));
    assert_eq!(v["scenario"]["thresholds_min"], serde_json::json!([10.0, 60.0, 120.0]));
    let rows: std::collections::HashMap<String, String> = csv::Reader::from_path(csv.join("run.csv"))
        .unwrap()
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string())
        })
        .collect();
    assert_eq!(rows["scenario_hash"], hash);
    assert_eq!(rows["seed"], "9");
    assert_eq!(rows["overrides"], "asset.gao_mi8.count=3");
    assert_eq!((rows["period_days"].as_str(), rows["follow_up_hours"].as_str()), ("30", "48"));
    assert_eq!((rows["warmup_days"].as_str(), rows["clock_origin"].as_str()), ("0", "wounding"));
    assert_eq!(rows["dispatch"], v["scenario"]["dispatch"].as_str().unwrap());
    assert_eq!(rows["sunrise"], hhmm(dl.sunrise_min));
    assert_eq!(rows["surgery_threshold_min"], "120");
    assert_eq!(rows["resuscitation_counts"], "dcr", "the default, as the JSON says");
    assert_eq!(rows["resuscitation_counts"], v["scenario"]["resuscitation_counts"].as_str().unwrap());
    assert_eq!(rows["resuscitation_target_pct"], "80", "as the file says");
    assert_eq!(v["scenario"]["targets_pct"], serde_json::json!([90.0, 80.0, 80.0]));
    assert_eq!(rows["precision_met"], "", "no target, so nothing to say");
    // The hash names the scenario as simulated: the same file gives the same hash, another
    // override another.
    let hash_of = |set: &str| {
        let out = casevac(&["run", SAHEL, "-n", "5", "--set", set, "--json", "-"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["run"]["scenario_hash"].as_str().unwrap().to_string()
    };
    assert_eq!(hash_of("asset.gao_mi8.count=3"), hash);
    assert_ne!(hash_of("asset.gao_mi8.count=4"), hash);
    // A value with spaces stays one part: run.csv parts the overrides by "; ".
    let two = dir.path().join("two");
    let set = ["asset.gao_mi8.count=3", "asset.gao_mi8.approval_min={ fixed = 20 }"];
    let out = casevac(&["run", SAHEL, "-n", "5", "--set", set[0], "--set", set[1], "--csv", two.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let text = std::fs::read_to_string(two.join("run.csv")).unwrap();
    let overrides = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[0] == "overrides")
        .map(|r| r[1].to_string())
        .expect("an overrides row");
    assert_eq!(overrides.split("; ").collect::<Vec<_>>(), set);
}

#[test]
fn a_step_nobody_needs_shows_no_time_rather_than_beyond_48_hours() {
    let mut args = vec!["run", SAHEL, "-n", "10"];
    let sets: Vec<String> = ["route_gao_kidal", "tessalit_aguelhok", "kidal_camp", "menaka_area", "gao_area"]
        .iter()
        .map(|z| format!("zone.{z}.surgery_share={{ t1 = 0, t2 = 0, t3 = 0 }}"))
        .collect();
    for s in &sets {
        args.extend(["--set", s]);
    }
    let out = casevac(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let surgery = stdout.lines().find(|l| l.trim_start().starts_with("surgery within 2 h")).unwrap();
    let cells: Vec<&str> = surgery.split_whitespace().skip(4).collect();
    assert_eq!(cells, ["-", "-", "-", "-", "-"], "{surgery}");
    assert!(!surgery.contains(">48 h"), "{surgery}");
    // The same in a comparison's medians.
    args[0] = "compare";
    args.extend(["--set-alt", "asset.gao_mi8.count=3"]);
    let out = casevac(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let medians = stdout.lines().find(|l| l.trim_start().starts_with("median minutes:")).unwrap();
    assert!(medians.ends_with("surgery - -> -"), "{medians}");
}

/// Sunrise and sunset read the same in `validate`, the JSON and the HTML report: one rounding
/// to the minute (the Sahel's January sunrise falls past the half minute, where truncating
/// and rounding part).
#[test]
fn every_output_states_the_same_daylight() {
    let dir = tempfile::tempdir().unwrap();
    let (json, report) = (dir.path().join("run.json"), dir.path().join("report"));
    let out = casevac(&[
        "run",
        SAHEL,
        "-q",
        "-n",
        "20",
        "--json",
        json.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let (rise, set) = (v["scenario"]["sunrise"].as_str().unwrap(), v["scenario"]["sunset"].as_str().unwrap());
    let validate = text(&casevac(&["validate", SAHEL]).stdout);
    assert!(validate.contains(&format!("daylight {rise} to {set}")), "{rise}-{set} in\n{validate}");
    let html = std::fs::read_to_string(report.join("report.html")).unwrap();
    assert!(html.contains(&format!("daylight {rise}–{set}")), "{rise}-{set} in the report");
}

/// A comparison's CSV names its group kinds and steps as a run's does, so a spreadsheet that
/// reads one reads the other.
#[test]
fn a_comparison_csv_names_groups_and_steps_as_a_run_csv() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = "scenarios/east-highlands.toml";
    let (run, cmp) = (dir.path().join("run"), dir.path().join("cmp"));
    let out = casevac(&["run", scenario, "-q", "-n", "20", "--csv", run.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let set = "onward.post_op_min=30";
    let out = casevac(&["compare", scenario, "--set-alt", set, "-q", "-n", "20", "--csv", cmp.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let kinds_and_steps = |path: PathBuf| {
        let mut r = csv::Reader::from_path(path).unwrap();
        let h = r.headers().unwrap().clone();
        let (kind, step) =
            (h.iter().position(|x| x == "group_kind").unwrap(), h.iter().position(|x| x == "step").unwrap());
        let mut pairs: Vec<(String, String)> =
            r.records().map(|x| x.unwrap()).map(|x| (x[kind].to_string(), x[step].to_string())).collect();
        pairs.sort();
        pairs.dedup();
        pairs
    };
    let from_run = kinds_and_steps(run.join("compliance.csv"));
    assert!(from_run.contains(&("all".into(), "onward_to_level3".into())), "{from_run:?}");
    assert_eq!(kinds_and_steps(cmp.join("comparison.csv")), from_run);
}

/// A scenario whose incidents are all scheduled (one attack) is one event a trial, not a rate:
/// nothing is scaled to 30 days or a year. A scenario with rates still is.
#[test]
fn a_single_scheduled_attack_is_not_scaled_to_a_rate() {
    let masscal = "scenarios/masscal-camp-attack.toml";
    let out = casevac(&["run", masscal, "-n", "40"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("expected per 2-day trial") && !stdout.contains("per 30 days"), "{stdout}");
    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = args.to_vec();
        all.extend(["-q", "-n", "40", "--json", "-"]);
        let out = casevac(&all);
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert!(json(&["run", masscal])["deaths"]["per_30_days"].is_null());
    let tables = "facility.camp_l2.operating_tables=3";
    let c = json(&["compare", masscal, "--set-alt", tables]);
    let lives = &c["alternatives"][0]["lives_saved"];
    assert!(lives["per_trial"].is_number() && lives["per_year"].is_null(), "{lives}");
    let out = casevac(&["compare", masscal, "--set-alt", tables, "-n", "40"]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("lives saved") && !stdout.contains("a year"), "{stdout}");
    // The Sahel's incidents come at rates: its figures are scaled.
    let c = json(&["compare", SAHEL, FST]);
    assert!(c["alternatives"][0]["lives_saved"]["per_year"].is_number());
    assert!(text(&casevac(&["validate", SAHEL]).stdout).contains("casualties a day expected"));
}

/// A short run says its intervals are too narrow for rare rows; one of 200 trials or more does
/// not, and neither does a comparison of as many.
#[test]
fn a_short_run_says_its_intervals_are_too_narrow() {
    let note = "under 200 trials the intervals of rare rows";
    for (cmd, n, noted) in
        [("run", "50", true), ("run", "200", false), ("compare", "199", true), ("compare", "200", false)]
    {
        let args: Vec<&str> = if cmd == "run" { vec![cmd, SAHEL, "-n", n] } else { vec![cmd, SAHEL, FST, "-n", n] };
        let out = casevac(&args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout).replace('\n', " ").contains(note), noted, "{cmd} -n {n}");
    }
}

#[test]
fn a_run_says_how_many_threads_it_ran_on_in_words_that_agree() {
    for (threads, said) in [("1", " on 1 thread ("), ("2", " on 2 threads (")] {
        let out = casevac(&["run", SAHEL, "-n", "20", "--threads", threads]);
        let stdout = text(&out.stdout);
        assert!(out.status.success() && stdout.contains(said), "{stdout}");
    }
}

/// A count given as a negative number, a fraction or 0 gets one message saying what to give, not
/// clap's advice to pass `-5` after `--` (which would make it a file name).
#[test]
fn a_count_out_of_range_says_what_to_give() {
    for (flag, value, range) in [
        ("-n", "-5", "from 1 to 100,000,000"),
        ("--trials", "0", "from 1 to 100,000,000"),
        ("--trials", "2.5", "from 1 to 100,000,000"),
        ("--seed", "-1", "from 0 to 18,446,744,073,709,551,615"),
        ("-j", "-2", "from 1 to 1,024"),
        ("--max-trials", "-3", "from 1 to 100,000,000"),
    ] {
        let out = casevac(&["run", "scenarios/sahel-north.toml", "-q", flag, value]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}: {stderr}");
        assert!(stderr.contains(&format!("give a whole number {range}")), "{flag} {value}: {stderr}");
        assert!(!stderr.contains("'--'"), "{flag} {value}: {stderr}");
    }
    let out = casevac(&["place", "scenarios/sahel-north.toml", "--asset", "gao_mi8", "--grid", "-3"]);
    assert!(text(&out.stderr).contains("give a whole number from 2 to 20"), "{}", text(&out.stderr));
}

/// compare's note names the CSV folder and every file it wrote there, as the decision commands'
/// notes do, so none is overlooked.
#[test]
fn compare_names_every_csv_file_it_writes() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("cmp");
    // (The notes go to standard output with the table, which -q leaves out.)
    let out = casevac(&["compare", SAHEL, FST, "-n", "20", "--csv", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut written: Vec<String> =
        std::fs::read_dir(&csv).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    written.sort();
    assert_eq!(written, ["comparison.csv", "lives_saved.csv", "run.csv"]);
    let note = text(&out.stdout);
    let line = note.lines().find(|l| l.starts_with("CSV written to")).expect("a note on the CSV");
    assert!(line.starts_with(&format!("CSV written to {} (", csv.display())), "{line}");
    for name in &written {
        assert!(line.contains(name.as_str()), "{name} is named: {line}");
    }
}
