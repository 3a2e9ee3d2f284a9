//! Onward evacuation to Level 3 (the "+2") against hand-computed chains: the arrival time, the
//! deadline judged on the millisecond grid, the competition for the one helicopter that also
//! flies the primary evacuations, and the milestone through every output: off changes nothing,
//! bad input is refused with its place, shards merge exactly, `compare` pairs it.

mod common;

use casevac::sim::{CasualtyTrace, Engine};
use common::*;
use std::path::Path;
use std::process::{Command, Output};

/// A Level 2 and the one-helicopter base at (0, 0), a Level 3 one degree east; incidents at the
/// Level 2 itself. The helicopter flies one degree in exactly 60 min; launch 15 min, 5 min on
/// scene, 10 min turnaround; surgery 60 min; handover, approval and reporting zero; no escort.
/// `onward` is the body of the `[onward]` table (none when empty); `hours`, the incidents.
fn chain(onward: &str, hours: &str) -> String {
    let onward = if onward.is_empty() { String::new() } else { format!("[onward]\n{onward}\n") };
    format!(
        r#"
[scenario]
name = "onward chain"
period_days = 1

[[site]]
id = "l2site"
lat = 0.0
lon = 0.0

[[site]]
id = "l3site"
lat = 0.0
lon = 1.0

[[facility]]
id = "l2"
site = "l2site"
level = "level2"
operating_tables = 100
operations_per_day = 1000
handover_min = 0
surgery_min = 60

[[facility]]
id = "l3"
site = "l3site"
level = "level3"
handover_min = 0
surgery_min = 60

[[asset]]
id = "heli"
kind = "helicopter"
base = "l2site"
count = 1
speed_kmh = {speed:?}
stretchers = 1
night_capable = true
launch_day_min = 15
launch_night_min = 15
on_scene_min = 5
turnaround_min = 10

[[zone]]
id = "z"
centre = {{ lat = 0.0, lon = 0.0 }}
radius_km = 0
scheduled_hours = {hours}
severity = {{ t1 = 1, t2 = 0, t3 = 0 }}
surgery_share = {{ t1 = 1, t2 = 0, t3 = 0 }}
first_aider_share = 0
report_delay_min = 0
escort_required = false

{onward}"#,
        speed = km_per_degree(),
    )
}

/// Each casualty's times in one trial, in order of wounding.
fn times(text: &str) -> Vec<CasualtyTrace> {
    let m = model(text);
    let mut cs = Engine::new(&m).trace(7, 0).casualties;
    cs.sort_by(|a, b| a.wound_min.total_cmp(&b.wound_min));
    cs
}

fn assert_close(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() < 1e-6, "{what}: got {got}, want {want}");
}

#[test]
fn an_onward_lift_that_lands_exactly_on_the_deadline_is_in_time_and_a_minute_more_is_late() {
    // Wounded at 01:00 (60 min): the helicopter is on scene at 75, at the Level 2 at 80 (no
    // travel), surgery 80-140. Fit to move 40 min later, at 180, it is tasked at once: launch 15,
    // 5 on scene at the Level 2, 60 to the Level 3: there at 260, 120 min after surgery.
    let on_time = chain("enabled = true\npost_op_min = 40", "[1]");
    let t = times(&on_time);
    assert_eq!(t.len(), 1);
    assert_close(t[0].surgery_end_min.unwrap(), 140.0, "end of surgery");
    assert_close(t[0].level3_min.unwrap(), 260.0, "arrival at Level 3");
    let (_, s) = run(&model(&on_time), 7, 3);
    let on = s.onward.expect("the milestone is reported");
    assert_eq!((on.eligible, on.compliant, on.not_reached), (3, 3, 0));
    assert_eq!(on.compliance, Some(1.0));
    // The histogram keeps the exact time, so the quantiles are the hand-computed 120 min.
    assert_eq!((on.median_min, on.p95_min), (Some(120.0), Some(120.0)));
    assert_close(on.mean_post_op_min.unwrap(), 40.0, "post-op");
    assert_close(on.mean_wait_min.unwrap(), 0.0, "the helicopter is home: no wait");
    assert_close(on.mean_lift_min.unwrap(), 80.0, "tasking to landing at Level 3");

    // A minute more of post-op care puts the arrival at 121 min: late.
    let late = chain("enabled = true\npost_op_min = 41", "[1]");
    assert_close(times(&late)[0].level3_min.unwrap(), 261.0, "arrival a minute later");
    let on = run(&model(&late), 7, 3).1.onward.unwrap();
    assert_eq!((on.eligible, on.compliant), (3, 0));
    assert_eq!(on.median_min, Some(121.0));

    // The deadline is the planner's: at 121 min the same lift is in time again.
    let on = run(&model(&chain("enabled = true\npost_op_min = 41\ndeadline_min = 121", "[1]")), 7, 3).1;
    assert_eq!(on.onward.unwrap().compliance, Some(1.0));
}

#[test]
fn one_helicopter_for_both_so_onward_and_primary_lifts_delay_each_other_by_hand_computed_amounts() {
    // Casualty 1 (01:00) is moved onward from 180: the helicopter reaches the Level 3 at 260,
    // turns round for 10 and flies 60 home, free at 330. Casualty 2, wounded at 04:00 (240),
    // waits for it: tasked at 330, on scene at 345, 105 min after wounding. Without the onward
    // lift the helicopter is home at 90 (10 min turnaround, no travel) and reaches casualty 2 at
    // 255: 15 min. The competition costs it 90 min.
    let hours = "[1, 4]";
    let with = times(&chain("enabled = true\npost_op_min = 40", hours));
    let without = times(&chain("", hours));
    assert_close(without[1].first_aid_min.unwrap() - without[1].wound_min, 15.0, "second pick-up alone");
    assert_close(with[1].first_aid_min.unwrap() - with[1].wound_min, 105.0, "second pick-up behind the onward lift");
    // The first casualty's own chain is unchanged: it was lifted before anyone competed.
    assert_close(with[0].level3_min.unwrap() - with[0].surgery_end_min.unwrap(), 120.0, "first onward lift");
    assert_eq!(with[0].first_aid_min, without[0].first_aid_min);
    // The second is operated from 350 to 410 and fit to move at 450; the helicopter, home at
    // 360 from its evacuation, lifts it at once: at the Level 3 at 450 + 15 + 5 + 60 = 530,
    // 120 min after its surgery.
    assert_close(with[1].surgery_end_min.unwrap(), 410.0, "second surgery ends");
    assert_close(with[1].level3_min.unwrap(), 530.0, "second onward arrival");

    // The other way round: casualty 2, wounded at 02:45 (165), takes the helicopter first (on
    // scene 180, at the Level 2 185, home 195), so casualty 1, fit at 180, waits 15 min: at the
    // Level 3 at 195 + 80 = 275, 135 min after its surgery, late. The helicopter is home again
    // at 275 + 10 + 60 = 345; casualty 2, operated 185-245 and fit at 285, waits 60 min for it:
    // at the Level 3 at 425, 180 min after surgery.
    let other_way = chain("enabled = true\npost_op_min = 40", "[1, 2.75]");
    let t = times(&other_way);
    assert_close(t[0].level3_min.unwrap() - t[0].surgery_end_min.unwrap(), 135.0, "first, after waiting 15");
    assert_close(t[1].level3_min.unwrap() - t[1].surgery_end_min.unwrap(), 180.0, "second, after waiting 60");
    let on = run(&model(&other_way), 7, 2).1.onward.unwrap();
    assert_eq!((on.eligible, on.compliant), (4, 0));
    assert_close(on.mean_wait_min.unwrap(), 37.5, "mean wait for the helicopter");
    assert_close(on.mean_lift_min.unwrap(), 80.0, "tasking to landing");
    // Turned off, nobody is moved on.
    assert!(without.iter().all(|c| c.level3_min.is_none() && c.surgery_end_min.is_none()));
}

#[test]
fn a_level3_operation_needs_no_onward_lift_and_other_categories_are_not_counted() {
    // Incidents at the Level 3 itself: operated there, nobody is moved on or counted.
    let at_l3 = chain("enabled = true\npost_op_min = 40", "[1]")
        .replace("centre = { lat = 0.0, lon = 0.0 }", "centre = { lat = 0.0, lon = 1.0 }");
    let (_, s) = run(&model(&at_l3), 7, 2);
    assert_eq!(s.onward.unwrap().eligible, 0);
    // Onward for T2 only: the T1 casualties operated at the Level 2 stay there.
    let t2_only = chain("enabled = true\napplies_to = [\"T2\"]", "[1]");
    let (_, s) = run(&model(&t2_only), 7, 2);
    assert_eq!(s.onward.as_ref().unwrap().eligible, 0);
    assert_eq!(s.onward.unwrap().categories, vec!["T2"]);
    assert!(times(&t2_only)[0].level3_min.is_none());
}

#[test]
fn onward_without_a_level3_is_refused_with_its_place_and_the_fix() {
    let text = chain("enabled = true", "[1]").replace("level = \"level3\"", "level = \"level2\"");
    let err = casevac::scenario::parse(&text, "bad.toml").unwrap_err().to_string();
    // The line and column of `enabled = true` in the text.
    let at = text.find("enabled = true").unwrap();
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').unwrap();
    let want = format!("bad.toml:{line}:{}", col + "enabled = ".len());
    assert!(err.contains(&want), "want {want} in:\n{err}");
    assert!(err.contains("no facility is level = \"level3\""), "{err}");
    assert!(err.contains("add a [[facility]] with level = \"level3\", or set [onward] enabled = false"), "{err}");
    // Turned on from the command line in a file without the table: refused with the fix.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plain.toml"), chain("", "[1]")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_casevac"))
        .args(["run", "plain.toml", "--set", "onward.enabled=true"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("the file has no [onward] table to change") && stderr.contains("add an [onward] table"));
    // Settings without `enabled` are not silently ignored.
    let text = chain("deadline_min = 240", "[1]");
    let err = casevac::scenario::parse(&text, "bare.toml").unwrap_err().to_string();
    assert!(err.contains("[onward] sets deadline_min but not `enabled`"), "{err}");
    assert!(err.contains("add enabled = true"), "{err}");
    // Its fields are checked even while it is off.
    let text = chain("enabled = false\ndeadline_min = -5", "[1]");
    let err = casevac::scenario::parse(&text, "bad.toml").unwrap_err().to_string();
    assert!(err.contains("onward.deadline_min = -5 is out of range"), "{err}");
}

fn casevac(dir: &Path, args: &[&str]) -> Output {
    let out =
        Command::new(env!("CARGO_BIN_EXE_casevac")).args(args).current_dir(dir).output().expect("the binary runs");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

#[test]
fn off_the_json_of_a_bundled_scenario_is_byte_identical_to_a_run_without_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let bundled = std::fs::read_to_string("scenarios/east-highlands.toml").unwrap();
    // Without the table at all, and with it written out but turned off.
    let absent: String = bundled.split("\n[onward]").next().unwrap().to_string();
    let off = format!("{absent}\n[onward]\nenabled = false\npost_op_min = 5\n");
    std::fs::write(dir.path().join("absent.toml"), &absent).unwrap();
    std::fs::write(dir.path().join("off.toml"), &off).unwrap();
    for f in ["absent", "off"] {
        casevac(dir.path(), &["run", &format!("{f}.toml"), "--trials", "40", "--json", &format!("{f}.json"), "-q"]);
    }
    let read = |f: &str| std::fs::read_to_string(dir.path().join(f)).unwrap();
    // The scenario hash names the file's text, which differs; everything else is the same.
    let strip = |s: String| s.lines().filter(|l| !l.contains("\"scenario_hash\"")).collect::<Vec<_>>().join("\n");
    let (a, o) = (strip(read("absent.json")), strip(read("off.json")));
    assert!(!a.contains("\"onward\""));
    assert_eq!(a, o);
}

#[test]
fn shards_merge_to_the_single_run_and_compare_pairs_the_milestone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Random delays, so the shards hold different trials; the bundled Level 2 and Level 3.
    let bundled = std::fs::read_to_string("scenarios/east-highlands.toml").unwrap();
    let on = format!(
        "{}\n[onward]\nenabled = true\ndeadline_min = 240\ntarget_pct = 90\n",
        bundled.split("\n[onward]").next().unwrap()
    );
    std::fs::write(d.join("on.toml"), on).unwrap();
    let base = ["on.toml", "--trials", "30", "--threads", "1", "-q"];
    casevac(d, &[&["run"][..], &base, &["--json", "single.json", "--csv", "single"]].concat());
    for i in 1..=3 {
        let spec = format!("{i}/3");
        let tally = format!("{i}.tally");
        casevac(d, &[&["run"][..], &base, &["--shard", &spec, "--tally", &tally]].concat());
    }
    casevac(d, &["merge", "3.tally", "1.tally", "2.tally", "--json", "merged.json", "--csv", "merged", "-q"]);
    let read = |f: &str| std::fs::read(d.join(f)).unwrap();
    assert_eq!(read("single.json"), read("merged.json"));
    assert_eq!(read("single/compliance.csv"), read("merged/compliance.csv"));
    let json: serde_json::Value = serde_json::from_slice(&read("single.json")).unwrap();
    let on = &json["onward"];
    assert_eq!(on["milestone"], "onward to Level 3 within 4 h");
    assert!(on["eligible"].as_u64().unwrap() > 0 && on["compliance"].as_f64().is_some());
    // The HTML report's headline has the fourth row, and its targets table judges it.
    casevac(d, &[&["run"][..], &base, &["--report", "rep", "--map-grid", "4", "--map-probes", "3"]].concat());
    let html = std::fs::read_to_string(d.join("rep/report.html")).unwrap();
    assert!(html.contains("<h2>10-1-2+2 compliance</h2>"), "the headline names the fourth milestone");
    assert!(html.contains("min until fit to move"), "the page says where the onward minutes went");
    let row = "<tr><td>onward to Level 3 within 4 h</td><td class=n>90%</td>";
    assert!(html.contains(row), "the targets table judges the milestone against its target");
    // The compliance chart draws it as a fourth group, with its target.
    let chart = std::fs::read_to_string(d.join("rep/compliance.svg")).unwrap();
    for words in ["10-1-2+2 compliance", "onward to Level 3 within 4 h", "target 90%", "T2 and T3 surgery: within 4 h"]
    {
        assert!(chart.contains(&format!("aria-label=\"{words}")), "the chart says {words:?}");
    }
    let csv = String::from_utf8(read("single/compliance.csv")).unwrap();
    assert!(csv.lines().any(|l| l.starts_with("all,all,onward_to_level3,240,")), "{csv}");

    // A sharded comparison with the milestone on both sides merges to the single comparison.
    let cmp = ["compare", "on.toml", "--set-alt", "onward.deadline_min=180", "--trials", "30", "--threads", "1", "-q"];
    casevac(d, &[&cmp[..], &["--json", "cmp-single.json"]].concat());
    for i in 1..=2 {
        let (spec, tally) = (format!("{i}/2"), format!("cmp-{i}.tally"));
        casevac(d, &[&cmp[..], &["--shard", &spec, "--tally", &tally]].concat());
    }
    casevac(d, &["merge", "cmp-2.tally", "cmp-1.tally", "--json", "cmp-merged.json", "-q"]);
    assert_eq!(read("cmp-single.json"), read("cmp-merged.json"));
    let merged: serde_json::Value = serde_json::from_slice(&read("cmp-merged.json")).unwrap();
    assert!(merged["alternatives"][0]["onward"]["difference"].as_f64().unwrap() < 0.0);

    // A chain whose every onward lift is exactly in time, against one a minute late: the paired
    // difference is exactly -100 points with no spread between trials, which five trials cannot
    // tell from chance: the interval is each share's own, combined as independent runs' are.
    std::fs::write(d.join("chain.toml"), chain("enabled = true\npost_op_min = 40", "[1, 4]")).unwrap();
    let out = casevac(
        d,
        &["compare", "chain.toml", "--set-alt", "onward.post_op_min=41", "--trials", "5", "--json", "cmp.json"],
    );
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("  onward to Level 3 within 2 h "), "{table}");
    // One more minute of post-op care: the lift lands at 121 min instead of exactly 120.
    let words = table.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("onward (from surgery) 120 -> 121"), "{table}");
    let cmp: serde_json::Value = serde_json::from_slice(&read("cmp.json")).unwrap();
    let diff = &cmp["alternatives"][0]["onward"];
    assert_eq!((diff["base"].as_f64(), diff["alt"].as_f64()), (Some(1.0), Some(0.0)));
    assert_eq!(diff["difference"].as_f64(), Some(-1.0));
    let h = diff["paired_half_width"].as_f64().unwrap();
    assert!(h > 0.0 && h < 1.0, "{diff}");
    assert_eq!(diff["independent_half_width"].as_f64(), Some(h));
    assert_eq!(diff["ci95_low"].as_f64(), Some(-1.0));
    assert_eq!(diff["verdict"], "worse");
}

#[test]
fn where_no_lift_competes_turning_onward_on_moves_no_other_draw() {
    // Random launch, scene and surgery times, and a hundred helicopters: no request ever waits,
    // so the onward lifts cannot change anyone's first three steps. Its post-op delay has its
    // own stream, so every other draw, and every figure of the three steps, stays put.
    let random = |onward: &str| {
        chain(onward, "[1, 2, 3, 5, 8, 13, 21]")
            .replace("count = 1\n", "count = 100\n")
            .replace("launch_day_min = 15", "launch_day_min = { exponential = { mean = 15 } }")
            .replace("launch_night_min = 15", "launch_night_min = { exponential = { mean = 15 } }")
            .replace("on_scene_min = 5", "on_scene_min = { uniform = { min = 2, max = 12 } }")
            .replace(
                "surgery_min = 60\n\n[[facility]]",
                "surgery_min = { triangular = { min = 40, mode = 60, max = 120 } }\n\n[[facility]]",
            )
    };
    let on = random("enabled = true\npost_op_min = { exponential = { mean = 45 } }");
    assert!(on.contains("exponential = { mean = 15 }") && on.contains("min = 40, mode = 60"));
    let (_, with) = run(&model(&on), 11, 50);
    let (_, without) = run(&model(&random("")), 11, 50);
    let json = |s: &casevac::summary::Summary| serde_json::to_string(&s.steps).unwrap();
    assert_eq!(json(&with), json(&without));
    let onward = with.onward.unwrap();
    assert_eq!(onward.eligible, 350);
    // The post-op draws are random (not all 45), and each lift is post-op + launch + on scene
    // + 60 min of flight: from fit to move, 15 + 7 + 60 on average, with the spread of an
    // exponential (15) and a uniform over 10 min; within four standard errors of 350 lifts.
    assert!(onward.p95_min > onward.median_min);
    assert_eq!(onward.mean_wait_min, Some(0.0), "a hundred helicopters: nobody waits");
    let lift = onward.mean_lift_min.unwrap();
    let se = (15.0f64.powi(2) + 10.0f64.powi(2) / 12.0).sqrt() / 350f64.sqrt();
    assert!((lift - 82.0).abs() < 4.0 * se, "fit to Level 3: {lift}");
}

/// `levers --objective onward` ranks by the milestone. A longer deadline moves no draw, so its
/// effect is exactly the difference of two plain runs on the same seed; a lever that cannot
/// touch the milestone (first-aid training) has an effect of exactly zero; a scenario without
/// the milestone is refused the objective, with the fix.
#[test]
fn levers_rank_by_the_onward_milestone_with_the_effect_two_runs_give() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bundled = std::fs::read_to_string("scenarios/east-highlands.toml").unwrap();
    let levers = "\n[[lever]]\nname = \"six hours to Level 3\"\nset = ['onward.deadline_min=360']\n\n\
                  [[lever]]\nname = \"everyone trained\"\nset = ['zone.beni_territory.first_aider_share=1.0']\n";
    std::fs::write(d.join("on.toml"), format!("{bundled}{levers}")).unwrap();
    let common = ["--trials", "60", "--threads", "1", "-q"];
    casevac(
        d,
        &[
            &["levers", "on.toml", "--no-defaults", "--objective", "onward", "--json", "l.json", "--precision", "0"][..],
            &["--report", "rep"],
            &common,
        ]
        .concat(),
    );
    // The report's table gives the milestone a column, as the terminal's does.
    let html = std::fs::read_to_string(d.join("rep/report.html")).unwrap();
    assert!(html.contains("<th>onward to Level 3</th>"), "the levers page has the onward column");
    for (name, deadline) in [("base", "120"), ("long", "360")] {
        let set = format!("onward.deadline_min={deadline}");
        let json = format!("{name}.json");
        casevac(d, &[&["run", "on.toml", "--set", &set, "--json", &json][..], &common].concat());
    }
    let read = |f: &str| -> serde_json::Value { serde_json::from_slice(&std::fs::read(d.join(f)).unwrap()).unwrap() };
    let (l, base, long) = (read("l.json"), read("base.json"), read("long.json"));
    let share = |j: &serde_json::Value| j["onward"]["compliance"].as_f64().unwrap();
    let ranked = l["levers"].as_array().unwrap();
    assert_eq!(ranked[0]["name"], "six hours to Level 3");
    assert_eq!(ranked[0]["onward"]["difference"].as_f64().unwrap(), share(&long) - share(&base));
    assert!(share(&long) > share(&base));
    assert_eq!(ranked[1]["name"], "everyone trained");
    assert_eq!(ranked[1]["onward"]["difference"].as_f64().unwrap(), 0.0);
    assert_eq!(ranked[1]["onward"]["paired_half_width"].as_f64().unwrap(), 0.0);

    // Without the milestone the objective is refused, saying how to turn it on.
    std::fs::write(d.join("off.toml"), bundled.split("\n[onward]").next().unwrap()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_casevac"))
        .args(["levers", "off.toml", "--objective", "onward", "-q"])
        .current_dir(d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[onward] table with enabled = true"));
}

#[test]
fn a_sweep_of_the_onward_deadline_gives_the_milestone_at_each_point() {
    // The chain's one lift lands at the Level 3 exactly 120 min after surgery: in time at a
    // deadline of 120 or 121 min, late at 119. The sweep's other figures cannot show this.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("c.toml"), chain("enabled = true\npost_op_min = 40", "[1]")).unwrap();
    let args = ["sweep", "c.toml", "onward.deadline_min=119,120,121", "-n", "3", "--precision", "0"];
    let out = casevac(d, &[&args[..], &["--csv", "out", "--report", "rep", "--json", "s.json"]].concat());
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("onward to Level 3 within each point's deadline, with 95% intervals"), "{table}");
    let shown: Vec<&str> = table.lines().filter(|l| l.trim_start().starts_with("deadline_min=")).collect();
    assert_eq!(shown.len(), 3, "{table}");
    for (line, share) in shown.iter().zip(["0.0%", "100.0%", "100.0%"]) {
        assert!(line.split_whitespace().nth(1) == Some(share), "{line}: want {share}");
    }
    let csv = std::fs::read_to_string(d.join("out/sweep.csv")).unwrap();
    let mut rows = csv.lines();
    let head: Vec<&str> = rows.next().unwrap().split(',').collect();
    let col = head.iter().position(|h| *h == "onward_pct").expect("an onward column");
    let got: Vec<&str> = rows.map(|r| r.split(',').nth(col).unwrap()).collect();
    assert_eq!(got, ["0.0000", "100.0000", "100.0000"]);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(d.join("s.json")).unwrap()).unwrap();
    let points = json["points"].as_array().unwrap();
    assert_eq!(points[1]["onward"]["deadline_min"], 120.0);
    assert_eq!(
        (points[1]["onward"]["eligible"].as_u64(), points[1]["onward"]["compliant"].as_u64()),
        (Some(3), Some(3))
    );
    let html = std::fs::read_to_string(d.join("rep/report.html")).unwrap();
    assert!(html.contains("<th>onward to Level 3 within each point's deadline</th>"), "the page's column");
    // Without the milestone modelled, no such table or column.
    std::fs::write(d.join("off.toml"), chain("", "[1]")).unwrap();
    let out = casevac(
        d,
        &["sweep", "off.toml", "asset.heli.on_scene_min=5,10", "-n", "3", "--precision", "0", "--csv", "off"],
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("onward to Level 3"));
    assert!(!std::fs::read_to_string(d.join("off/sweep.csv")).unwrap().contains("onward"));
}

/// `--precision` reads the onward milestone with the three steps: a run to ±0.9 points of the
/// east highlands with a four-hour onward deadline (whose onward row is the widest) stops only
/// when that row is as narrow too.
#[test]
fn a_precision_target_holds_the_onward_milestone_as_it_holds_the_steps() {
    use casevac::run::{RunOptions, run};
    use casevac::stats::interval::compliance;
    let mut model = casevac::scenario::load(Path::new("scenarios/east-highlands.toml")).unwrap();
    model.onward.as_mut().unwrap().deadline_min = 240.0;
    let opts = RunOptions { trials: 200, seed: 1012, half_width_share: Some(0.009), max_trials: 1_000_000 };
    let tally = run(&model, &opts, &|_| {});
    let half = |c| {
        let (_, lo, hi) = compliance(c, tally.trials);
        (hi - lo) / 2.0
    };
    let onward = half(&tally.onward.as_ref().unwrap().cell);
    assert!(onward <= 0.009, "onward ±{onward} after {} trials", tally.trials);
    // The steps alone would have stopped sooner: the onward row decided the length.
    assert!((0..3).all(|s| half(tally.cell(0, s)) < onward), "a step was the widest");
}
