//! Sharded runs through the real binary: shards merged in any number and any order give the
//! single run's bytes, and every tally that does not belong is refused with its reason.

use casevac::shard::TallyFile;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SAHEL: &str = "scenarios/sahel-north.toml";
const FST: &str = "scenarios/sahel-north-fst-kidal.toml";
/// A small coverage map: the report is compared whole, not studied.
const MAP: [&str; 4] = ["--map-grid", "4", "--map-probes", "5"];

fn casevac(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casevac")).args(args).output().expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(args: &[&str]) -> String {
    let out = casevac(args);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs `command` (run or compare, with its arguments) as shard `i` of `k`; returns the tally.
fn shard(dir: &Path, command: &[&str], i: u64, k: u64) -> PathBuf {
    let path = dir.join(format!("{}-{i}-of-{k}.tally", command[0]));
    let spec = format!("{i}/{k}");
    let mut args = command.to_vec();
    args.extend(["--shard", &spec, "--tally", s(&path), "--threads", "1"]);
    let stdout = ok(&args);
    assert!(stdout.contains(&format!("shard {spec}: trials [")), "{stdout}");
    path
}

/// Every file under `dir`, by name relative to it, with its bytes; the HTML report's dates masked.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let mut bytes = std::fs::read(&path).unwrap();
        if name.ends_with(".html") {
            bytes = mask_dates(&bytes);
        }
        out.push((name, bytes));
    }
    out.sort();
    out
}

/// Replaces every YYYY-MM-DD with a placeholder: the report's date is the day it was written.
fn mask_dates(bytes: &[u8]) -> Vec<u8> {
    let is_date =
        |w: &[u8]| w.iter().enumerate().all(|(i, &c)| if i == 4 || i == 7 { c == b'-' } else { c.is_ascii_digit() });
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if i + 10 <= bytes.len() && is_date(&bytes[i..i + 10]) {
            out.extend_from_slice(b"YYYY-MM-DD");
            i += 10;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// The same permutation every time, and for more than two files neither the identity nor a
/// reversal: position j takes file (5j + 3) mod n, a permutation while 5 and n are coprime.
fn shuffled<T: Clone>(xs: &[T]) -> Vec<T> {
    let n = xs.len();
    assert!(!n.is_multiple_of(5), "5 and {n} must be coprime");
    (0..n).map(|j| xs[(j * 5 + 3) % n].clone()).collect()
}

#[test]
fn shards_merged_in_any_number_and_order_give_the_single_run_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = ["run", SAHEL, "--trials", "100", "--seed", "31"];
    let single = d.join("single");
    let mut args = run.to_vec();
    let (json, csv, report) = (single.join("r.json"), single.join("csv"), single.join("report"));
    args.extend(["--json", s(&json), "--csv", s(&csv), "--report", s(&report), "-q"]);
    args.extend(MAP);
    std::fs::create_dir_all(&single).unwrap();
    ok(&args);
    assert!(files(&report).len() >= 10, "the report holds charts, the page, the map and the JSON");

    for k in [1, 2, 7] {
        let tallies: Vec<PathBuf> = (1..=k).map(|i| shard(d, &run, i, k)).collect();
        let orders = [tallies.clone(), tallies.iter().rev().cloned().collect(), shuffled(&tallies)];
        for (o, order) in orders.iter().enumerate() {
            let merged = d.join(format!("merged-{k}-{o}"));
            std::fs::create_dir_all(&merged).unwrap();
            let (mjson, mcsv, mreport) = (merged.join("r.json"), merged.join("csv"), merged.join("report"));
            let mut args = vec!["merge"];
            args.extend(order.iter().map(|p| s(p)));
            args.extend(["--json", s(&mjson), "--csv", s(&mcsv)]);
            // The report draws a coverage map: once per shard count is enough.
            if o == 0 {
                args.extend(["--report", s(&mreport)]);
                args.extend(MAP);
            }
            let stdout = ok(&args);
            assert!(stdout.contains(&format!("merged {k} tally files: 100 trials")), "{stdout}");
            assert!(stdout.contains("first aid within 10 min"), "the table is printed: {stdout}");
            assert!(!stdout.contains("PARTIAL"), "{stdout}");
            assert_eq!(std::fs::read(&json).unwrap(), std::fs::read(&mjson).unwrap(), "JSON, K = {k}, order {o}");
            assert_eq!(files(&csv), files(&mcsv), "CSV, K = {k}, order {o}");
            if o == 0 {
                assert_eq!(files(&report), files(&mreport), "report, K = {k}");
            }
        }
    }
}

#[test]
fn a_sharded_comparison_merges_to_the_single_comparison_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let compare = ["compare", SAHEL, FST, "--set-alt", "asset.gao_mi8.approval_min=5", "-n", "60", "--seed", "9"];
    let (json, csv) = (d.join("single.json"), d.join("single-csv"));
    let mut args = compare.to_vec();
    args.extend(["--json", s(&json), "--csv", s(&csv), "-q"]);
    ok(&args);

    let tallies: Vec<PathBuf> = (1..=3).map(|i| shard(d, &compare, i, 3)).collect();
    let (mjson, mcsv) = (d.join("merged.json"), d.join("merged-csv"));
    let order = shuffled(&tallies);
    let mut args = vec!["merge"];
    args.extend(order.iter().map(|p| s(p)));
    args.extend(["--json", s(&mjson), "--csv", s(&mcsv)]);
    let stdout = ok(&args);
    assert!(stdout.contains("Comparison on common random numbers"), "{stdout}");
    assert_eq!(std::fs::read(&json).unwrap(), std::fs::read(&mjson).unwrap());
    assert_eq!(files(&csv), files(&mcsv));
}

#[test]
fn a_default_run_tally_is_well_under_a_megabyte() {
    let dir = tempfile::tempdir().unwrap();
    let tally = dir.path().join("all.tally");
    ok(&["run", SAHEL, "--tally", s(&tally)]);
    let size = std::fs::metadata(&tally).unwrap().len();
    // About 520 KB today: counts, and the earliest and latest time in each histogram bin with
    // how many fell on each.
    assert!(size < 640 * 1024, "{size} bytes");
}

#[test]
fn merge_to_standard_output_writes_the_json_alone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = ["run", SAHEL, "--trials", "40", "--seed", "5"];
    let single = d.join("single.json");
    ok(&[&run[..], &["-q", "--json", s(&single)]].concat());
    let tallies: Vec<PathBuf> = (1..=2).map(|i| shard(d, &run, i, 2)).collect();
    for extra in [vec![], vec!["--csv", s(&d.join("csv"))]] {
        let mut args = vec!["merge", s(&tallies[0]), s(&tallies[1]), "--json", "-"];
        args.extend(&extra);
        let stdout = ok(&args);
        assert_eq!(stdout.as_bytes(), std::fs::read(&single).unwrap(), "{args:?}: the run's JSON and nothing else");
    }
    assert!(d.join("csv").join("run.csv").exists());
    // A comparison's merge likewise.
    let compare = ["compare", SAHEL, FST, "--trials", "20"];
    let single = d.join("single-compare.json");
    ok(&[&compare[..], &["-q", "--json", s(&single)]].concat());
    let tallies: Vec<PathBuf> = (1..=2).map(|i| shard(d, &compare, i, 2)).collect();
    let stdout = ok(&["merge", s(&tallies[0]), s(&tallies[1]), "--json", "-"]);
    assert_eq!(stdout.as_bytes(), std::fs::read(&single).unwrap());
}

#[test]
fn merge_never_writes_over_a_tally_it_reads() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = ["run", SAHEL, "--trials", "20"];
    let tallies: Vec<PathBuf> = (1..=2).map(|i| shard(d, &run, i, 2)).collect();
    let before: Vec<Vec<u8>> = tallies.iter().map(|t| std::fs::read(t).unwrap()).collect();
    let (first, second) = (s(&tallies[0]), s(&tallies[1]));
    let same = d.join("out.json");
    let same = s(&same);
    for (outputs, needle) in [
        (vec!["--json", first], format!("--json {first} is the tally file {first}, which this command reads")),
        (vec!["--csv", s(d)], format!("--csv {} holds the tally file {first}", d.display())),
        (vec!["--json", same, "--report", same], format!("--json {same} and --report {same} are one path")),
    ] {
        let mut args = vec!["merge", first, second, "-q"];
        args.extend(&outputs);
        let out = casevac(&args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(&needle), "{args:?}: no {needle:?} in {stderr}");
        let after: Vec<Vec<u8>> = tallies.iter().map(|t| std::fs::read(t).unwrap()).collect();
        assert!(after == before, "{args:?}: the tallies are as they were");
        assert_eq!(std::fs::read_dir(d).unwrap().count(), 2, "{args:?}: nothing written");
    }
}

/// Runs `merge` on `tallies`, expects bad input (exit 2) and no output file; returns stderr.
fn refused(tallies: &[&Path]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("out.json");
    let mut args = vec!["merge"];
    args.extend(tallies.iter().map(|p| s(p)));
    args.extend(["--json", s(&json)]);
    let out = casevac(&args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!json.exists(), "no output on refusal");
    stderr
}

#[test]
fn shards_of_one_comparison_with_the_files_named_otherwise_are_refused_in_those_words() {
    // A comparison's outputs name its scenarios by the paths as typed, so the same files typed
    // `./scenarios/...` in one shard are another comparison: said with the two names.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let one = shard(d, &["compare", SAHEL, FST, "-n", "20"], 1, 2);
    let other = d.join("other");
    std::fs::create_dir_all(&other).unwrap();
    let (sahel, fst) = (format!("./{SAHEL}"), format!("./{FST}"));
    let two = shard(&other, &["compare", &sahel, &fst, "-n", "20"], 2, 2);
    let err = refused(&[&one, &two]);
    let said =
        format!("{}: the same scenarios as {}, named by other paths (./{SAHEL} against {SAHEL})", s(&two), s(&one));
    assert!(err.contains(&said), "{err}");
    assert!(err.contains("help: run every shard of a comparison with the files named the same way"), "{err}");
    // Typed alike, they merge.
    let three = shard(&other, &["compare", SAHEL, FST, "-n", "20"], 2, 2);
    ok(&["merge", s(&one), s(&three), "-q"]);
}

#[test]
fn merge_refuses_tallies_that_do_not_belong_together() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = ["run", SAHEL, "-n", "40"];
    let one = shard(d, &run, 1, 2);
    let two = shard(d, &run, 2, 2);

    let other_dir = d.join("other");
    std::fs::create_dir_all(&other_dir).unwrap();
    let changed = shard(&other_dir, &["run", SAHEL, "-n", "40", "--set", "asset.gao_mi8.count=3"], 2, 2);
    let err = refused(&[&one, &changed]);
    assert!(err.contains(&format!("{}: a different scenario from {}", s(&changed), s(&one))), "{err}");

    let seed_dir = d.join("seed");
    std::fs::create_dir_all(&seed_dir).unwrap();
    let seeded = shard(&seed_dir, &["run", SAHEL, "-n", "40", "--seed", "5"], 2, 2);
    let err = refused(&[&one, &seeded]);
    assert!(err.contains(&format!("{}: seed 5, but {} has 1012", s(&seeded), s(&one))), "{err}");

    let trials_dir = d.join("trials");
    std::fs::create_dir_all(&trials_dir).unwrap();
    let longer = shard(&trials_dir, &["run", SAHEL, "-n", "80"], 2, 2);
    let err = refused(&[&one, &longer]);
    assert!(err.contains("a run of trials 80, but"), "{err}");

    // A file from another casevac: decoded, its version changed, encoded with a valid checksum.
    let mut file = TallyFile::from_bytes(&std::fs::read(&two).unwrap(), "two").unwrap();
    file.casevac_version = "0.0.9".into();
    let tampered = d.join("tampered.tally");
    std::fs::write(&tampered, file.to_bytes()).unwrap();
    let err = refused(&[&one, &tampered]);
    assert!(err.contains(&format!("{}: written by casevac 0.0.9, but {} has", s(&tampered), s(&one))), "{err}");

    let compared = shard(d, &["compare", SAHEL, FST, "-n", "40"], 2, 2);
    let err = refused(&[&one, &compared]);
    assert!(err.contains("holds a comparison, but"), "{err}");
}

#[test]
fn merge_refuses_overlapping_and_missing_trials_unless_allowed_partial() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = ["run", SAHEL, "-n", "100"];
    let halves = [shard(d, &run, 1, 2), shard(d, &run, 2, 2)];
    let quarters: Vec<PathBuf> = (1..=4).map(|i| shard(d, &run, i, 4)).collect();

    let err = refused(&[&halves[0], &quarters[1]]);
    assert!(err.contains("overlap: both hold trials [25, 50)"), "{err}");
    assert!(err.contains(s(&halves[0])) && err.contains(s(&quarters[1])), "names both files: {err}");
    let err = refused(&[&halves[0], &halves[0], &halves[1]]);
    assert!(err.contains(&format!("{} is given twice", s(&halves[0]))), "{err}");

    let err = refused(&[&quarters[0], &quarters[2]]);
    assert!(err.contains("trials [25, 50), [75, 100) are missing (50 of 100)"), "{err}");
    assert!(err.contains("--allow-partial"), "{err}");

    let json = d.join("partial.json");
    let stdout = ok(&["merge", s(&quarters[2]), s(&quarters[0]), "--allow-partial", "--json", s(&json)]);
    assert!(
        stdout.contains("PARTIAL: these figures cover 50 of 100 trials; trials [25, 50), [75, 100) are missing"),
        "{stdout}"
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v["run"]["trials"], 50);
    assert_eq!(v["run"]["partial"]["trials_requested"], 100);
    assert_eq!(v["run"]["partial"]["missing_trials"], serde_json::json!([[25, 50], [75, 100]]));
    // Every output says so: the CSV folder's run.csv and the report page too.
    let (csv, report) = (d.join("partial-csv"), d.join("partial-report"));
    ok(&[
        "merge",
        s(&quarters[2]),
        s(&quarters[0]),
        "--allow-partial",
        "--csv",
        s(&csv),
        "--report",
        s(&report),
        "-q",
        "--map-grid",
        "4",
        "--map-probes",
        "2",
    ]);
    let run_csv = std::fs::read_to_string(csv.join("run.csv")).unwrap();
    assert!(run_csv.contains("partial,true") && run_csv.contains("\"[25, 50) [75, 100)\""), "{run_csv}");
    let html = std::fs::read_to_string(report.join("report.html")).unwrap();
    assert!(html.contains("PARTIAL: these figures cover 50 of 100 trials"), "the report says so too");

    // Nothing missing: --allow-partial changes nothing, and a full merge's JSON has no `partial`.
    let full = d.join("full.json");
    ok(&["merge", s(&halves[1]), s(&halves[0]), "--allow-partial", "--json", s(&full), "-q"]);
    assert!(!text(&std::fs::read(&full).unwrap()).contains("partial"));

    // More shards than trials leave some empty: merged alone, no trial was run, so there are
    // no deaths to estimate (rather than an estimate of zero).
    let empty = shard(d, &["run", SAHEL, "-n", "3"], 2, 10);
    let stdout = ok(&["merge", s(&empty), "--allow-partial"]);
    assert!(stdout.contains("cover 0 of 3 trials") && !stdout.contains("deaths of wounds"), "{stdout}");
    // Nor lives saved, for a comparison.
    let empty = shard(d, &["compare", SAHEL, FST, "-n", "3"], 2, 10);
    let stdout = ok(&["merge", s(&empty), "--allow-partial"]);
    assert!(stdout.contains("cover 0 of 3 trials") && !stdout.contains("lives saved"), "{stdout}");
}

#[test]
fn merge_refuses_truncated_corrupt_and_foreign_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = shard(d, &["run", SAHEL, "-n", "20"], 1, 1);
    let bytes = std::fs::read(&good).unwrap();
    let put = |name: &str, b: &[u8]| {
        let p = d.join(name);
        std::fs::write(&p, b).unwrap();
        p
    };

    let cut = put("cut.tally", &bytes[..bytes.len() / 2]);
    let err = refused(&[&cut]);
    assert!(err.contains(&format!("{}: truncated: the payload has", s(&cut))), "{err}");
    let stub = put("stub.tally", &bytes[..20]);
    assert!(refused(&[&stub]).contains("truncated"));

    let mut flipped = bytes.clone();
    let at = bytes.len() * 2 / 3;
    flipped[at] ^= 0x10;
    let flipped = put("flipped.tally", &flipped);
    let err = refused(&[&flipped]);
    assert!(err.contains(&format!("{}: corrupt: the checksum does not match", s(&flipped))), "{err}");

    let mut version = bytes.clone();
    version[14] = 7;
    let version = put("version.tally", &version);
    let want = format!("tally format version 7, but this casevac reads version {}", casevac::shard::FORMAT_VERSION);
    assert!(refused(&[&version]).contains(&want));

    let foreign = put("foreign.tally", b"{\"not\": \"a tally\"}");
    assert!(refused(&[&foreign]).contains("not a casevac tally file"));
    let err = refused(&[&d.join("absent.tally")]);
    assert!(err.contains("absent.tally: cannot read the file"), "{err}");
}

#[test]
fn shard_arguments_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let tally = dir.path().join("t.tally");
    for (args, needle) in [
        // Said in words, not by a usage line that lists -q as if it were required.
        (vec!["--shard", "1/2", "-q"], "--shard 1/2 needs --tally FILE"),
        (vec!["--shard", "3/2", "--tally", s(&tally)], "shard 3/2 does not exist"),
        (vec!["--shard", "x", "--tally", s(&tally)], "not of the form I/K"),
        (vec!["--tally", s(&tally), "--precision", "1"], "drop --precision"),
        (vec!["--tally", s(&tally), "--json", "x.json"], "give --json, --csv and --report to `casevac merge`"),
        (vec!["--tally", "-"], "--tally - would write a file named `-`"),
    ] {
        let mut all = vec!["run", SAHEL, "-n", "10"];
        all.extend(args);
        let out = casevac(&all);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{all:?}: {stderr}");
        assert!(stderr.contains(needle) && !stderr.contains("--quiet"), "{all:?}: {stderr}");
        assert!(!tally.exists() && !Path::new("-").exists());
    }
    // More shards than trials: an empty shard says so, and still merges into the whole run.
    let empty = casevac(&["run", SAHEL, "-n", "3", "--shard", "1/5", "--tally", s(&dir.path().join("e.tally"))]);
    assert!(empty.status.success() && text(&empty.stderr).contains("this shard holds no trial"));
    let full = casevac(&["run", SAHEL, "-n", "3", "--shard", "2/5", "--tally", s(&dir.path().join("f.tally"))]);
    assert!(full.status.success() && !text(&full.stderr).contains("warning"));
    let run = ["run", SAHEL, "-n", "3", "--seed", "2"];
    let tallies: Vec<PathBuf> = (1..=5).map(|i| shard(dir.path(), &run, i, 5)).collect();
    let (single, merged) = (dir.path().join("single.json"), dir.path().join("merged.json"));
    ok(&["run", SAHEL, "-n", "3", "--seed", "2", "--json", s(&single), "-q"]);
    let mut args = vec!["merge", "-q", "--json", s(&merged)];
    args.extend(tallies.iter().map(|p| s(p)));
    ok(&args);
    assert_eq!(std::fs::read(&single).unwrap(), std::fs::read(&merged).unwrap());
}

/// A tally file whose checksum is right but one of whose vectors is not the length its
/// scenario gives (written by hand, or by a casevac with a bug) is refused, never merged: each
/// vector of a run's tally and of a comparison's, one at a time, one element short.
#[test]
fn merge_refuses_a_well_formed_file_with_any_vector_of_the_wrong_length() {
    use casevac::shard::Counts;
    use casevac::stats::Tally;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run =
        TallyFile::from_bytes(&std::fs::read(shard(d, &["run", SAHEL, "-n", "20"], 1, 1)).unwrap(), "run").unwrap();
    let compare = shard(d, &["compare", SAHEL, FST, "-n", "20"], 1, 1);
    let compare = TallyFile::from_bytes(&std::fs::read(compare).unwrap(), "compare").unwrap();
    type Cut = fn(&mut Tally);
    let shorten: Vec<(&str, Cut)> = vec![
        ("cells", |t| {
            t.cells.pop();
        }),
        ("hist", |t| {
            t.hist.pop();
        }),
        ("hist_ends", |t| {
            t.hist_ends.pop();
        }),
        ("phase_sum_mmin", |t| {
            t.phase_sum_mmin.pop();
        }),
        ("phase_n", |t| {
            t.phase_n.pop();
        }),
        ("failures", |t| {
            t.failures.pop();
        }),
        ("outcomes", |t| {
            t.outcomes.pop();
        }),
        ("group_casualties", |t| {
            t.group_casualties.pop();
        }),
        ("asset_busy_mmin", |t| {
            t.asset_busy_mmin.pop();
        }),
        ("sorties", |t| {
            t.sorties.pop();
        }),
        ("table_busy_mmin", |t| {
            t.table_busy_mmin.pop();
        }),
        ("operations", |t| {
            t.operations.pop();
        }),
        ("deaths", |t| {
            t.deaths.pop();
        }),
        ("preventable_by_step_nano", |t| {
            t.preventable_by_step_nano.pop();
        }),
        ("death_time_bins", |t| {
            t.death_time_bins.pop();
        }),
        ("care_time_casualties", |t| {
            t.care_time_casualties.pop();
        }),
        ("care_time_deaths_nano", |t| {
            t.care_time_deaths_nano.pop();
        }),
    ];
    let mut checked = 0;
    for (what, cut) in &shorten {
        let mut r = run.clone();
        let Counts::Run(t) = &mut r.counts else { panic!("a run's file holds a run") };
        cut(t);
        let mut c = compare.clone();
        let Counts::Compare { tally, .. } = &mut c.counts else { panic!("a comparison's file holds one") };
        cut(&mut tally.alts[0]);
        for (kind, file) in [("run", r), ("compare", c)] {
            let p = d.join(format!("{kind}-{what}.tally"));
            std::fs::write(&p, file.to_bytes()).unwrap();
            let err = refused(&[&p]);
            assert!(err.contains("inconsistent: its counts do not fit"), "{kind} {what}: {err}");
            checked += 1;
        }
    }
    let mut c = compare.clone();
    let Counts::Compare { tally, .. } = &mut c.counts else { panic!("a comparison's file holds one") };
    tally.deaths_cross_nano2.pop();
    let p = d.join("compare-deaths_cross_nano2.tally");
    std::fs::write(&p, c.to_bytes()).unwrap();
    assert!(refused(&[&p]).contains("inconsistent: its counts do not fit"));
    assert_eq!(checked, 2 * shorten.len());
}
