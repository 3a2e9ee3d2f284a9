//! The report of a comparison: its charts, the difference map and its pairing, the HTML page,
//! and the folder `casevac compare --report` writes.

mod common;

use casevac::compare::{Comparison, run_paired};
use casevac::coverage::paired_run_coverage;
use casevac::model::Model;
use casevac::report::compare_report;
use casevac::report::html::RunMeta;
use casevac::run::RunOptions;
use casevac::stats::Histograms;
use std::path::{Path, PathBuf};
use std::process::Command;

const CHARTS: [&str; 3] = ["compliance", "difference", "difference_map"];
const BASE: &str = "scenarios/sahel-north.toml";
const ALT: &str = "scenarios/sahel-north-fst-kidal.toml";

fn load(path: &str) -> Model {
    casevac::scenario::load(Path::new(path)).unwrap()
}

/// A quick comparison of `base` with `alts` written to `dir` through the library.
fn write(base: &Model, alts: &[Model], dir: &Path) -> Vec<PathBuf> {
    let opts = RunOptions { trials: 40, seed: 11, half_width_share: None, max_trials: 40 };
    let tally = run_paired(base, alts, Histograms::Groups, &opts, &|_| {});
    let labels: Vec<String> = (0..=alts.len()).map(|i| format!("scenario {i}.toml")).collect();
    let comparison = Comparison::new(base, alts, &labels, &tally, opts.seed);
    let maps = paired_run_coverage(base, alts, opts.seed, std::slice::from_ref(&(0..opts.trials)), 12, &|_| {});
    let meta = RunMeta { date_utc: "2026-01-01".into(), map_grid: "12 cells".into() };
    let files = compare_report::files(base, alts, &comparison, &maps, &meta, 1).unwrap();
    casevac::report::write_folder(dir, &files, &compare_report::file_names()).unwrap()
}

#[test]
fn every_chart_of_the_bundled_pair_renders() {
    let dir = tempfile::tempdir().unwrap();
    let files = write(&load(BASE), &[load(ALT)], dir.path());
    assert_eq!(files.len(), 2 * CHARTS.len() + 3);
    for chart in CHARTS {
        let png = std::fs::read(dir.path().join(format!("{chart}.png"))).unwrap();
        let (w, h) = common::png_size(&png);
        assert!((800..=3000).contains(&w) && (300..=3000).contains(&h), "{chart}: {w}x{h}");
        assert!(png.len() > 10_000, "{chart}: a drawn chart, not a blank one ({} bytes)", png.len());
        let svg = std::fs::read_to_string(dir.path().join(format!("{chart}.svg"))).unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{chart}.svg");
        // Labels are outlines of the embedded font, each keeping its words for readers.
        assert!(svg.contains("aria-label=") && !svg.contains("<text"), "{chart}.svg has its labels as outlines");
    }
    // The difference chart names its zones as the tables do.
    let svg = std::fs::read_to_string(dir.path().join("difference.svg")).unwrap();
    assert!(svg.contains("aria-label=\"Supply route Gao-Kidal\"") && !svg.contains("zone route_gao_kidal"));
}

#[test]
fn several_alternatives_get_a_row_of_the_difference_map_each() {
    let dir = tempfile::tempdir().unwrap();
    let (base, alt) = (load(BASE), load(ALT));
    write(&base, std::slice::from_ref(&alt), dir.path());
    let one = common::png_size(&std::fs::read(dir.path().join("difference_map.png")).unwrap());
    write(&base, &[alt.clone(), alt], dir.path());
    let two = common::png_size(&std::fs::read(dir.path().join("difference_map.png")).unwrap());
    assert_eq!(one.0, two.0);
    assert!(two.1 > one.1 + 400, "a second row of panels: {one:?} then {two:?}");
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("B: scenario 1.toml against the base") && html.contains("C: scenario 2.toml against"));
}

#[test]
fn the_html_page_is_self_contained_leads_with_the_answer_and_holds_every_figure() {
    let dir = tempfile::tempdir().unwrap();
    write(&load(BASE), &[load(ALT)], dir.path());
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("missing {needle}"));
    assert!(at("id=answer") < at("id=charts") && at("id=charts") < at("id=details"), "answer, charts, details");
    for chart in CHARTS {
        assert!(html.contains(&format!("<figure id={chart}><img")), "missing figure {chart}");
    }
    assert_eq!(html.matches("src=\"data:image/png;base64,").count(), CHARTS.len());
    assert_eq!(html.matches("<figcaption>").count(), CHARTS.len());
    let lower = html.to_lowercase();
    for external in ["src=\"http", "src='http", "href=\"http", "<link", "<script", "url(", "@import", "https://"] {
        assert!(!lower.contains(external), "external reference {external}");
    }
    assert!(html.contains("surgery within 2 h rises"), "the answer is in the page");
}

/// Every cell of a map's difference from its base, per step.
fn differences(maps: &[casevac::coverage::Coverage]) -> Vec<[f64; 3]> {
    maps[1].cells.iter().zip(&maps[0].cells).map(|(a, b)| [0, 1, 2].map(|s| a.p[s] - b.p[s])).collect()
}

#[test]
fn a_scenario_compared_with_itself_has_a_difference_map_of_exact_zeros() {
    let base = load(BASE);
    let maps = paired_run_coverage(&base, std::slice::from_ref(&base), 3, std::slice::from_ref(&(0..50)), 16, &|_| {});
    // Probabilities strictly between 0 and 1 somewhere, so zeros are not a map with no spread.
    assert!(maps[0].cells.iter().any(|c| c.p.iter().any(|&p| p > 0.0 && p < 1.0)));
    assert!(differences(&maps).iter().all(|d| *d == [0.0; 3]));

    let dir = tempfile::tempdir().unwrap();
    write(&base, std::slice::from_ref(&base), dir.path());
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("difference_map.geojson")).unwrap()).unwrap();
    assert_eq!(v["trials"], 40, "the counts add up over the run's trials");
    let cells: Vec<_> =
        v["features"].as_array().unwrap().iter().filter(|f| f["properties"]["kind"] == "difference_cell").collect();
    // Only cells where a casualty was counted, out of the 12 x 9 of the grid.
    let written =
        paired_run_coverage(&base, std::slice::from_ref(&base), 11, std::slice::from_ref(&(0..40)), 12, &|_| {});
    let counted = written[0].cells.iter().filter(|c| c.n.iter().any(|&n| n > 0)).count();
    assert!(counted > 0 && counted < 12 * 9, "{counted}");
    assert_eq!(cells.len(), counted);
    let mut nulls = 0;
    for f in cells {
        let p = &f["properties"];
        for key in ["first_aid", "resuscitation", "surgery"] {
            let n = p[format!("n_{key}_A")].as_u64().expect("a count");
            assert_eq!(p[format!("n_{key}_B")].as_u64(), Some(n), "{key}: the same casualties");
            // A step nobody here needed has no share and no difference, not 0%.
            let (share, diff) = (&p[format!("p_{key}_A")], &p[format!("diff_{key}_B")]);
            if n == 0 {
                assert!(share.is_null() && diff.is_null(), "{key}: {p}");
                nulls += 1;
            } else {
                assert!(share.as_f64().is_some(), "{key}: {p}");
                assert_eq!(diff.as_f64(), Some(0.0), "{key}");
            }
        }
    }
    // Surgery counts only those who need it: some cells have casualties but none for it.
    assert!(nulls > 0);
}

#[test]
fn the_fst_changes_surgery_near_kidal_and_leaves_first_aid_untouched_in_every_cell() {
    let maps = paired_run_coverage(&load(BASE), &[load(ALT)], 5, std::slice::from_ref(&(0..200)), 30, &|_| {});
    let d = differences(&maps);
    // A surgical team changes nothing before the casualty reaches a facility: paired cells
    // draw the same delays, so first aid is identical everywhere, not merely close.
    assert!(d.iter().all(|x| x[0] == 0.0), "first aid identical in every cell");
    // The largest gain among cells with casualties enough to measure it: a cell where one or
    // two needed surgery can swing by half on a single casualty.
    let (gain, cell) = d
        .iter()
        .zip(&maps[0].cells)
        .filter(|(_, c)| c.n[2] >= 10)
        .map(|(x, c)| (x[2], c))
        .fold((0.0, None), |best, (g, c)| if g > best.0 { (g, Some(c)) } else { best });
    let cell = cell.expect("surgery improves somewhere");
    assert!(gain > 0.3, "a large gain near the team: {gain}");
    assert!((cell.lat - 18.44).abs() < 0.5 && (cell.lon - 1.41).abs() < 0.5, "near Kidal: {cell:?}");
}

fn cli_compare(out: &Path, threads: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_casevac"))
        .args(["compare", BASE, ALT, "-n", "30", "--map-grid", "10", "--threads", threads])
        .arg("--report")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn compare_report_writes_the_folder_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("brief");
    let run = cli_compare(&out, "2");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(String::from_utf8_lossy(&run.stdout).contains("report written to"));
    let mut names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let mut expected = vec!["comparison.json", "difference_map.geojson", "report.html"];
    let charts: Vec<String> = CHARTS.iter().flat_map(|c| [format!("{c}.png"), format!("{c}.svg")]).collect();
    expected.extend(charts.iter().map(String::as_str));
    expected.sort();
    assert_eq!(names, expected, "every file, and no temporary one left behind");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("7 x 10 cells, the run's casualties of 30 trials"), "the map's grid is in the page");
    // Zones by name, as the run's report gives them.
    assert!(html.contains("<tr><td>Supply route Gao-Kidal</td>") && !html.contains("<tr><td>route_gao_kidal</td>"));
    // Lives saved reads in the page as in the terminal, to the same decimals.
    let stdout = String::from_utf8_lossy(&run.stdout);
    let terminal = stdout.split("lives saved (modelled)").nth(1).expect("lives saved in the table");
    let words: Vec<&str> = terminal.split_whitespace().collect();
    let (per_trial, low, high) = (words[0], words[5], words[7].trim_end_matches([')', ',']));
    assert!(
        html.contains(&format!("Lives saved: {per_trial} per trial (95% interval {low} to {high})")),
        "{per_trial} ({low} to {high}) in the page"
    );
    let params = terminal.split("a trial with the outcome").next().unwrap().split_whitespace().collect::<Vec<_>>();
    let (fewest, most) = (params[params.len() - 3], params[params.len() - 1]);
    assert!(html.contains(&format!("{fewest} and {most} per trial with the outcome")), "{fewest}, {most} in the page");
    // Where the minutes go and how busy each asset group is: the terminal's rows, in the page,
    // assets by name. (The terminal's rows: a name, then A, B and the change.)
    let rows_after = |title: &str| -> Vec<Vec<String>> {
        let section = stdout.split(title).nth(1).unwrap_or_else(|| panic!("{title} in the table"));
        section
            .lines()
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .map(|l| l.split_whitespace().map(String::from).collect())
            .collect()
    };
    let phases = rows_after("where the minutes go (mean)");
    assert_eq!(phases.len(), 9, "{phases:?}");
    for r in &phases {
        let n = r.len();
        let (name, figures) = (r[..n - 3].join(" "), &r[n - 3..]);
        let row = format!(
            "<tr><td>{name}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            figures[0], figures[1], figures[2]
        );
        assert!(html.contains(&row), "{row}");
    }
    let assets = rows_after("asset utilisation");
    let gao_mi8 = assets.iter().find(|r| r[0] == "gao_mi8").expect("the helicopters' row");
    let row = format!(
        "<tr><td>Mi-8 utility helicopters, Gao</td><td class=n>{}</td><td class=n>{}</td><td class=n>{} {}</td></tr>",
        gao_mi8[1], gao_mi8[2], gao_mi8[3], gao_mi8[4]
    );
    assert!(html.contains(&row), "{row}");
    // A step the base does not count a triage category for says so on the page as in the
    // terminal (the Sahel scenario counts T3 for neither first aid nor resuscitation).
    let t3 = stdout.lines().find(|l| l.trim_start().starts_with("T3 ")).expect("the terminal's T3 row");
    assert_eq!(t3.matches("not counted").count(), 2, "{t3}");
    assert!(
        html.contains("<tr><td>T3</td><td class=n>not counted</td><td class=n>not counted</td><td class=n>–</td></tr>"),
        "the page's T3 row"
    );
    // Kidal's new theatre has tables and daily operations only in B: a row each, "–" under A.
    for title in ["Share of operating-table time busy", "Share of the surgical teams' daily operations used"] {
        let table = html.split(&format!("<h3>{title}</h3>")).nth(1).unwrap_or_else(|| panic!("{title}"));
        let table = &table[..table.find("</table>").unwrap()];
        assert!(table.contains("<tr><td>Level 1 clinic, Kidal</td><td class=n>–</td>"), "{title}: {table}");
    }
}

#[test]
fn compare_report_does_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let folders: Vec<PathBuf> = ["1", "2"]
        .iter()
        .map(|t| {
            let out = dir.path().join(t);
            let run = cli_compare(&out, t);
            assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
            out
        })
        .collect();
    let charts = CHARTS.iter().flat_map(|c| [format!("{c}.png"), format!("{c}.svg")]);
    for name in charts.chain(["difference_map.geojson".into(), "comparison.json".into()]) {
        let (a, b) = (std::fs::read(folders[0].join(&name)).unwrap(), std::fs::read(folders[1].join(&name)).unwrap());
        assert!(a == b, "{name} differs between 1 and 2 threads");
    }
}

#[test]
fn an_alternative_with_no_casualty_says_so_rather_than_vanish_from_the_charts() {
    let base = load(BASE);
    let mut alt = base.clone();
    for z in &mut alt.zones {
        z.incidents_per_day = 0.0;
        z.scheduled_min.clear();
    }
    let dir = tempfile::tempdir().unwrap();
    write(&base, &[alt], dir.path());
    let svg = |name: &str| common::svg_texts(&std::fs::read_to_string(dir.path().join(format!("{name}.svg"))).unwrap());
    // Each step's slot of B reads "n/a", and the legend says why.
    let compliance = svg("compliance");
    assert_eq!(compliance.iter().filter(|t| *t == "n/a").count(), 3, "{compliance:?}");
    assert!(compliance.iter().any(|t| t == "n/a: no casualty of the scenario needed the step"), "{compliance:?}");
    // The base's casualties needed every step: the difference chart blames B's absence, not theirs.
    let difference = svg("difference");
    let all = difference.iter().filter(|t| *t == "no casualty of B needed it").count();
    assert!(all >= 3, "{difference:?}");
}
