//! No stale claims: every figure a scenario header states about its default run is checked
//! against a real run with the seed and trial count the header names, so an engine change that
//! moves a figure fails here until the header is brought up to date.
//!
//! A header's "What a default run shows" paragraph states its figures on lines of the form
//!
//! ```text
//! #   all casualties: first aid 81%, resuscitation 15%, surgery 5%
//! #   surgery by zone: gao_area 19%, kidal_camp 0%
//! #   resuscitation by time of wounding: day 40%, night 19%
//! #   resuscitation misses: travel to scene 52%, launch or escort 29%
//! #   median minutes: resuscitation 138, surgery 414
//! #   casualties a trial: 21.1
//! #   onward to Level 3: in time 0%, median minutes 233
//! ```
//!
//! and each is compared, as rounded, with the same figure of the run.

mod common;

use casevac::summary::{GroupResult, StepResult, Summary};

const STEP_NAMES: [&str; 3] = ["first aid", "resuscitation", "surgery"];

fn step_index(name: &str) -> usize {
    STEP_NAMES.iter().position(|s| *s == name).unwrap_or_else(|| panic!("unknown step {name:?}"))
}

/// `name N%` or `name N`: the name and the number.
fn item(text: &str) -> (String, String) {
    let text = text.trim();
    let at = text.rfind(' ').unwrap_or_else(|| panic!("{text:?} is not `name figure`"));
    (text[..at].trim().to_string(), text[at + 1..].to_string())
}

fn pct(share: Option<f64>) -> String {
    share.map_or("none".into(), |s| format!("{:.0}%", s * 100.0))
}

fn group<'a>(groups: &'a [GroupResult], name: &str) -> &'a [StepResult] {
    &groups.iter().find(|g| g.group == name).unwrap_or_else(|| panic!("no group {name:?}")).steps
}

/// Checks one claim line against the summary; returns how many figures it held.
fn check(line: &str, s: &Summary) -> usize {
    let (subject, items) = line.split_once(':').unwrap_or_else(|| panic!("{line:?} has no `:`"));
    // "casualties a trial: 21.1" states one figure with no name.
    let items: Vec<(String, String)> = if subject == "casualties a trial" {
        vec![(String::new(), items.trim().to_string())]
    } else {
        items.split(',').map(item).collect()
    };
    for (name, stated) in &items {
        let actual = match subject {
            "all casualties" => pct(s.steps[step_index(name)].compliance),
            "casualties a trial" => format!("{:.1}", s.casualties_per_trial),
            "median minutes" => s.steps[step_index(name)].median_min.map_or("none".into(), |m| format!("{m:.0}")),
            "onward to Level 3" => {
                let on = s.onward.as_ref().unwrap_or_else(|| panic!("{line:?}: the run models no onward step"));
                match name.as_str() {
                    "in time" => pct(on.compliance),
                    "median minutes" => on.median_min.map_or("none".into(), |m| format!("{m:.0}")),
                    other => panic!("unknown onward figure {other:?} in {line:?}"),
                }
            }
            _ => {
                let (step, split) = match subject.strip_suffix(" misses") {
                    Some(step) => (step, "misses"),
                    None => subject.split_once(" by ").unwrap_or_else(|| panic!("unknown claim {line:?}")),
                };
                let st = step_index(step);
                match split {
                    "zone" => pct(group(&s.by_zone, name)[st].compliance),
                    "severity" => pct(group(&s.by_severity, name)[st].compliance),
                    "time of wounding" => pct(group(&s.by_time_of_day, name)[st].compliance),
                    "misses" => {
                        let key = name.replace(' ', "_");
                        let share = s.misses[st].causes.iter().find(|c| c.name == key).map(|c| c.share);
                        pct(Some(share.unwrap_or(0.0)))
                    }
                    other => panic!("unknown claim {other:?} in {line:?}"),
                }
            }
        };
        assert_eq!(&actual, stated, "{line:?}: {name} is {actual}");
    }
    items.len()
}

#[test]
fn every_figure_in_a_scenario_header_is_what_the_default_run_gives() {
    for path in common::bundled_scenarios() {
        let text = std::fs::read_to_string(&path).unwrap();
        let header: Vec<&str> = text.lines().take_while(|l| l.starts_with('#') || l.is_empty()).collect();
        let start = header
            .iter()
            .position(|l| l.contains("What a default run shows"))
            .unwrap_or_else(|| panic!("{}: no default-run paragraph", path.display()));
        assert!(header[start].contains("seed 1012") || header[start + 1].contains("seed 1012"));
        let claims: Vec<&str> =
            header[start..].iter().take_while(|l| l.starts_with('#')).filter_map(|l| l.strip_prefix("#   ")).collect();
        assert!(!claims.is_empty(), "{}: the paragraph states no checkable figure", path.display());
        let model = casevac::scenario::load(&path).unwrap();
        let (_, summary) = common::run(&model, 1012, 1000);
        let figures: usize = claims.iter().map(|l| check(l, &summary)).sum();
        assert!(figures >= 3, "{}: {figures} figures", path.display());
    }
}

/// The README's sample outputs: each block marked `<!-- output of: casevac ARGS -->` must
/// appear, line for line and in order, in what that command prints; `...` stands for lines
/// left out.
#[test]
fn every_sample_output_in_the_readme_is_what_the_command_prints() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let mut samples = 0;
    for part in readme.split("<!-- output of: casevac ").skip(1) {
        let (args, rest) = part.split_once(" -->").expect("a closed marker");
        let body = rest.split_once("```text\n").expect("a text block after the marker").1;
        let body = body.split_once("```").expect("a closed block").0;
        let args: Vec<&str> = args.split_whitespace().collect();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_casevac")).args(&args).output().unwrap();
        assert!(out.status.success(), "casevac {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let printed = String::from_utf8(out.stdout).unwrap();
        let mut lines = printed.lines();
        for want in body.lines().filter(|l| l.trim() != "...") {
            assert!(
                lines.any(|got| got.trim_end() == want.trim_end()),
                "README sample of `casevac {}`: line not printed (or out of order):\n{want}\n--- printed ---\n{printed}",
                args.join(" ")
            );
        }
        samples += 1;
    }
    assert!(samples >= 3, "the README's samples are marked for checking: found {samples}");
}

/// The README's account of how close the pairing comes to the best any pairing could do: when
/// a change can only help, each casualty's difference is 0 or 1 with mean D, so its variance is
/// at least D(1 − D), against pA(1 − pA) + pB(1 − pB) for two independent runs. Both ratios the
/// README states are recomputed here from the comparison it shows.
#[test]
fn the_pairing_bound_in_the_readme_is_what_the_pair_gives() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_casevac"))
        .args(["compare", "scenarios/sahel-north.toml", "scenarios/sahel-north-fst-kidal.toml", "--json", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let surgery = &json["alternatives"][0]["steps"][2];
    assert_eq!(surgery["step"], "surgery");
    let f = |k: &str| surgery[k].as_f64().unwrap_or_else(|| panic!("no {k}"));
    let (pa, pb, d) = (f("base"), f("alt"), f("difference"));
    assert!(d > 0.0, "the change helps");
    let bound = (d * (1.0 - d) / (pa * (1.0 - pa) + pb * (1.0 - pb))).sqrt();
    let reached = f("paired_half_width") / f("independent_half_width");
    let readme = std::fs::read_to_string("README.md").unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
    let stated = format!("a half-width ratio of about {bound:.2}, and the pairing reaches {reached:.2}.");
    assert!(readme.contains(&stated), "README should say: {stated}");
}
