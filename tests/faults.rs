//! Outputs under faults, through the real binary: a folder that does not exist or does not
//! accept files, a full disk, a signal while writing, two runs writing one folder, links and
//! devices. Whatever happens, an output is whole or absent and no temporary is left behind.
//!
//! The tests run as root, where permission bits do not stop writes: an unwritable place is a
//! path under /proc, or a regular file where a folder should be.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const SAHEL: &str = "scenarios/sahel-north.toml";

fn casevac(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casevac")).args(args).output().expect("the binary runs")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Entries of `dir` whose name starts with a dot: temporaries, staging folders, lock files.
fn leftovers(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect()
}

fn assert_whole_report(dir: &Path) {
    let n = std::fs::read_dir(dir).unwrap().count();
    // Every file a report may write: the Sahel scenario has the outcome model on, so all of them.
    assert_eq!(n, casevac::report::report_file_names().len(), "{}", dir.display());
    let json = std::fs::read(dir.join("summary.json")).unwrap();
    serde_json::from_slice::<serde_json::Value>(&json).expect("summary.json is whole");
    assert!(std::fs::read_to_string(dir.join("report.html")).unwrap().trim_end().ends_with("</html>"));
}

#[test]
fn unwritable_outputs_are_refused_before_simulating() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let missing = dir.path().join("missing");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["--json".into(), s(&missing.join("out.json")).into()], "does not exist; create it first"),
        (vec!["--csv".into(), s(&missing.join("csv")).into()], "does not exist; create it first"),
        (vec!["--report".into(), s(&missing.join("report")).into()], "does not exist; create it first"),
        (vec!["--json".into(), "/proc/casevac-test.json".into()], "cannot create files in /proc"),
        (vec!["--report".into(), "/proc/casevac-report".into()], "cannot create files in /proc"),
        (vec!["--json".into(), s(&file.join("out.json")).into()], "is not a folder"),
        (vec!["--report".into(), s(&file).into()], "it exists and is not a folder"),
        (vec!["--json".into(), s(dir.path()).into()], "it is a folder; give a file name"),
        (vec!["--report".into(), ".".into()], "does not end in a file or folder name"),
    ];
    for (outputs, needle) in cases {
        for cmd in ["run", "compare"] {
            let mut args = vec![cmd, SAHEL];
            if cmd == "compare" {
                args.push(SAHEL);
            }
            // So many trials that a check after simulating would time the test out.
            args.extend(["-n", "100000000"]);
            args.extend(outputs.iter().map(String::as_str));
            let started = Instant::now();
            let out = casevac(&args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            // A path to fix on the command line: bad input.
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains(needle), "{args:?}: missing {needle:?} in {stderr}");
            assert!(!stderr.contains("panicked"), "{stderr}");
            assert!(started.elapsed() < Duration::from_secs(30), "{args:?} simulated before checking");
        }
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "nothing was created");
}

#[test]
fn a_folder_holding_other_files_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report");
    std::fs::create_dir(&report).unwrap();
    std::fs::write(report.join("notes.txt"), "mine").unwrap();
    let out = casevac(&["run", SAHEL, "-n", "5", "--report", s(&report)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("it holds notes.txt, which this command does not write there"), "{stderr}");
    assert_eq!(std::fs::read_to_string(report.join("notes.txt")).unwrap(), "mine");
}

#[test]
fn a_report_replaces_the_previous_one_whole() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report");
    for seed in ["1", "2"] {
        let args =
            ["run", SAHEL, "-n", "5", "-s", seed, "--report", s(&report), "--map-grid", "4", "--map-probes", "2", "-q"];
        let out = casevac(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_whole_report(&report);
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(report.join("summary.json")).unwrap()).unwrap();
        assert_eq!(v["run"]["seed"].to_string(), seed);
    }
    assert!(leftovers(dir.path()).is_empty(), "{:?}", leftovers(dir.path()));
}

#[test]
fn links_devices_and_standard_output_are_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target.json");
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink("target.json", &link).unwrap();
    let out = casevac(&["run", SAHEL, "-n", "5", "--json", s(&link), "-q"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link is kept");
    serde_json::from_slice::<serde_json::Value>(&std::fs::read(&target).unwrap()).expect("its target holds the JSON");

    // Our own null device, so a mistake cannot replace the system's /dev/null.
    let null = dir.path().join("null");
    if Command::new("mknod").arg(&null).args(["c", "1", "3"]).status().is_ok_and(|s| s.success()) {
        let out = casevac(&["run", SAHEL, "-n", "5", "--json", s(&null), "-q"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata(&null).unwrap().file_type().is_char_device(), "the device is kept");
    } else {
        println!("mknod failed (not root?): the device case is skipped");
    }

    let out = casevac(&["run", SAHEL, "-n", "5", "--json", "-"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("standard output is the JSON alone");
    assert_eq!(v["run"]["trials"], 5);
    let out = casevac(&["compare", SAHEL, SAHEL, "-n", "5", "--json", "-"]);
    assert!(out.status.success());
    serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("a comparison's JSON alone");
    assert!(leftovers(dir.path()).is_empty(), "{:?}", leftovers(dir.path()));
}

#[test]
fn a_full_disk_leaves_no_report_and_no_temporaries() {
    let dir = tempfile::tempdir().unwrap();
    let mount = dir.path().join("small");
    std::fs::create_dir(&mount).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs", s(&mount)])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        println!("cannot mount a 64 KB tmpfs here (not root, or no mount permission): the full-disk test is skipped");
        return;
    }
    let report = mount.join("report");
    let json = mount.join("out.json");
    let out = casevac(&["run", SAHEL, "-n", "5", "--json", s(&json), "--report", s(&report), "-q"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let entries: Vec<PathBuf> = std::fs::read_dir(&mount).unwrap().map(|e| e.unwrap().path()).collect();
    let _ = Command::new("umount").arg(&mount).status();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(!report.exists(), "no report folder");
    // The JSON fits and is whole; nothing else is there.
    assert_eq!(entries, vec![json], "{stderr}");
}

/// Starts a run writing a report into `dir/report`, sends `signal` once a temporary or lock of
/// the write appears (or after `delay` if `during_write` is false), and returns the exit code.
fn interrupt(dir: &Path, signal: &str, during_write: bool) -> (Option<i32>, bool) {
    let report = dir.join("report");
    let mut child = Command::new(env!("CARGO_BIN_EXE_casevac"))
        .args(["run", SAHEL, "-n", if during_write { "20" } else { "100000000" }, "--report", s(&report)])
        .args(["--map-grid", "30", "--map-probes", "20", "-q"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut hit = false;
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        let writing = !leftovers(dir).is_empty();
        if (during_write && writing) || (!during_write && started.elapsed() > Duration::from_millis(300)) {
            hit = true;
            let _ = Command::new("kill").args([signal, &child.id().to_string()]).status();
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let code = child.wait().unwrap().code();
    (code, hit)
}

#[test]
fn a_signal_while_simulating_exits_130_or_143_and_writes_nothing() {
    for (signal, code) in [("-INT", 130), ("-TERM", 143)] {
        let dir = tempfile::tempdir().unwrap();
        let (got, _) = interrupt(dir.path(), signal, false);
        assert_eq!(got, Some(code), "{signal}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written");
    }
}

#[test]
fn a_signal_while_writing_leaves_the_report_whole_or_absent() {
    let mut landed = 0;
    for attempt in 0..12 {
        let dir = tempfile::tempdir().unwrap();
        let signal = if attempt % 2 == 0 { "-TERM" } else { "-INT" };
        let (code, hit) = interrupt(dir.path(), signal, true);
        assert!(matches!(code, Some(0 | 130 | 143)), "{code:?}");
        if hit && code != Some(0) {
            landed += 1;
        }
        assert!(leftovers(dir.path()).is_empty(), "temporaries left: {:?}", leftovers(dir.path()));
        let report = dir.path().join("report");
        if report.exists() {
            assert_whole_report(&report);
        }
    }
    assert!(landed > 0, "no signal arrived while the report was being written");
}

#[test]
fn a_signal_while_the_report_is_made_replaces_none_of_the_outputs() {
    // The simulation of 20 trials takes moments; the reach map of 200 x 200 cells at 5,000
    // probes each takes many seconds. A signal a second and a half in arrives while it is made:
    // the JSON, ready long before, must not have been written without the report beside it
    // (the set would mix two runs where it replaced an earlier one's).
    let dir = tempfile::tempdir().unwrap();
    let (json, report) = (dir.path().join("run.json"), dir.path().join("report"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_casevac"))
        .args(["run", SAHEL, "-n", "20", "-q", "--json", s(&json), "--report", s(&report)])
        .args(["--map-grid", "200", "--map-probes", "5000"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    assert_eq!(child.wait().unwrap().code(), Some(130), "the run ended before the signal");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written");
}

#[test]
fn what_a_killed_writer_left_is_cleared_by_the_next_write() {
    // SIGKILL leaves no chance to clean up: a staging folder, a folder moved aside, a
    // temporary file. A process that has ended stands for the killed writer; this test's own
    // process for a live one, whose temporary file must be left alone.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut gone = Command::new("true").spawn().unwrap();
    gone.wait().unwrap();
    let (dead, live) = (gone.id(), std::process::id());
    for stale in [format!(".report.tmp{dead}"), format!(".report.old{dead}"), format!(".report.tmp{live}")] {
        std::fs::create_dir(d.join(&stale)).unwrap();
        std::fs::write(d.join(stale).join("summary.json"), "{").unwrap();
    }
    // A temporary file goes only once it is old (a live writer in another container may have
    // a process number this one cannot see): an old and a fresh one of the same dead writer.
    let aged = |name: String| {
        let f = std::fs::File::create(d.join(name)).unwrap();
        f.set_modified(std::time::SystemTime::now() - Duration::from_secs(2 * 3600)).unwrap();
    };
    aged(format!(".run.json.tmp{dead}"));
    aged(format!(".run.json.tmp{live}"));
    std::fs::write(d.join(format!(".run.json.tmp{}", dead + 1_000_000)), "{").unwrap();
    // Another output's leftovers, and a name that only starts like ours, are not this write's.
    std::fs::create_dir(d.join(format!(".other.tmp{dead}"))).unwrap();
    std::fs::create_dir(d.join(format!(".report.tmp{dead}x"))).unwrap();
    let out = casevac(&["run", SAHEL, "-n", "10", "-q", "--json", s(&d.join("run.json"))]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = casevac(&["run", SAHEL, "-n", "10", "-q", "--report", s(&d.join("report"))]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_whole_report(&d.join("report"));
    let mut left: Vec<String> =
        leftovers(d).iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    left.sort();
    // Under the folder's lock every staging folder of the report is stale, a live-looking
    // process's too: no writer of it can be staging while this one holds the lock.
    let mut kept = vec![
        format!(".other.tmp{dead}"),
        format!(".report.tmp{dead}x"),
        format!(".run.json.tmp{live}"),
        format!(".run.json.tmp{}", dead + 1_000_000),
    ];
    kept.sort();
    assert_eq!(left, kept);
}

#[test]
fn two_runs_writing_one_report_take_turns() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report");
    let spawn = |seed: &str| {
        Command::new(env!("CARGO_BIN_EXE_casevac"))
            .args([
                "run",
                SAHEL,
                "-n",
                "10",
                "-s",
                seed,
                "--report",
                s(&report),
                "--map-grid",
                "6",
                "--map-probes",
                "4",
                "-q",
            ])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    for _ in 0..3 {
        let (a, b) = (spawn("1"), spawn("2"));
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        assert_whole_report(&report);
        assert!(leftovers(dir.path()).is_empty(), "{:?}", leftovers(dir.path()));
    }
}
