//! A scenario at the caps (200 zones, 200 asset groups): its row charts stay a readable height,
//! say how many rows they left out, and the tables still hold every row.

mod common;

use casevac::compare::{Comparison, run_paired};
use casevac::coverage::paired_run_coverage;
use casevac::report::html::RunMeta;
use casevac::report::{compare_report, report_file_names, report_files, write_folder};
use casevac::run::RunOptions;
use casevac::stats::Histograms;
use std::fmt::Write;
use std::path::Path;

const ZONES: usize = 200;
const ASSETS: usize = 200;
/// Sites along a line of longitude a tenth of a degree apart; every second one has a surgical
/// facility, the others a clinic.
const SITES: usize = 20;
const SURGICAL: usize = SITES / 2;
/// Rows each list keeps on a chart; the last of them pools the others.
const ROWS: usize = 25;

/// The theatre, and as its alternative (`faster`) the same with every third asset group faster,
/// so that the zones' differences spread out. Zones differ in how many incidents they see, so
/// the phases chart has zones with most casualties to pick.
fn theatre(faster: bool) -> String {
    let mut t = String::from(
        "[scenario]\nname = \"Theatre at the caps\"\nperiod_days = 3\n\
         daylight = { sunrise = \"06:00\", sunset = \"18:30\" }\n",
    );
    for s in 0..SITES {
        let _ = write!(t, "\n[[site]]\nid = \"s{s:02}\"\nlat = 0.0\nlon = {:.1}\n", s as f64 / 10.0);
    }
    for s in 0..SITES {
        let _ = if s % 2 == 0 {
            write!(
                t,
                "\n[[facility]]\nid = \"f{s:02}\"\nsite = \"s{s:02}\"\nlevel = \"level2\"\noperating_tables = 1\n"
            )
        } else {
            write!(t, "\n[[facility]]\nid = \"f{s:02}\"\nsite = \"s{s:02}\"\nlevel = \"level1\"\n")
        };
    }
    for a in 0..ASSETS {
        let speed = 30 + 5 * (a % 7) + if faster && a % 3 == 0 { 40 } else { 0 };
        let _ = write!(
            t,
            "\n[[asset]]\nid = \"a{a:03}\"\nkind = \"ground\"\nbase = \"s{:02}\"\nspeed_kmh = {speed}\n",
            a % SITES
        );
    }
    for z in 0..ZONES {
        let _ = write!(
            t,
            "\n[[zone]]\nid = \"z{z:03}\"\ncentre = {{ lat = {:.2}, lon = {:.2} }}\nradius_km = 5\n\
             incidents_per_day = {:.2}\nseverity = {{ t1 = 0.4, t2 = 0.3, t3 = 0.3 }}\n\
             surgery_share = {{ t1 = 0.6, t2 = 0.3, t3 = 0 }}\nfirst_aider_share = 0.5\nreport_delay_min = 5\n",
            0.05 * (z / SITES) as f64,
            (z % SITES) as f64 / 10.0,
            0.02 * (1 + z % 9) as f64
        );
    }
    t
}

fn png_height(bytes: &[u8]) -> u32 {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]])
}

/// Every PNG in `dir` is under 2,000 pixels tall; the SVG of each chart in `says` holds each
/// of its texts.
fn check_charts(dir: &Path, says: &[(&str, &[&str])]) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "png") {
            let h = png_height(&std::fs::read(&path).unwrap());
            assert!(h < 2000, "{}: {h} pixels tall", path.display());
        }
    }
    for (chart, texts) in says {
        let svg = std::fs::read_to_string(dir.join(format!("{chart}.svg"))).unwrap();
        for text in *texts {
            assert!(svg.contains(text), "{chart}.svg does not say {text:?}");
        }
    }
}

#[test]
fn a_run_at_the_caps_cuts_its_charts_but_not_its_tables() {
    let m = common::model(&theatre(false));
    let (tally, summary) = common::run(&m, 5, 10);
    let maps = common::report_maps(&m, &summary, 10, 5);
    let meta = RunMeta { date_utc: "2026-01-01".into(), map_grid: "test".into() };
    let dir = tempfile::tempdir().unwrap();
    write_folder(dir.path(), &report_files(&m, &tally, &summary, &maps, &meta, 1).unwrap(), &report_file_names())
        .unwrap();
    let other_zones = format!("{} other zones", ZONES - (ROWS - 1));
    // Each surgical facility has two rows, its tables' time and its teams' daily operations; the
    // rows left out are pooled by kind, and every one of them is in some pool.
    let pooled = |kind: &str| -> usize {
        let svg = std::fs::read_to_string(dir.path().join("utilisation.svg")).unwrap();
        let at = svg.find(&format!(" other {kind} (mean)")).map_or(0, |i| i);
        svg[..at].rsplit('"').next().and_then(|n| n.parse().ok()).unwrap_or(0)
    };
    let in_pools = pooled("asset groups") + pooled("theatres") + pooled("surgical teams");
    assert_eq!(in_pools, ASSETS + 2 * SURGICAL - (ROWS - 1));
    let other_rows = "other asset groups (mean)";
    check_charts(
        dir.path(),
        &[
            ("phases", &[&other_zones, "zones with the most casualties"]),
            ("utilisation", &[other_rows, "busiest first"]),
        ],
    );
    // The phases chart keeps the zones with the most casualties: the busiest zone is on it.
    let busiest = summary.phases_by_zone.iter().max_by_key(|z| z.phases[0].casualties).unwrap();
    let phases = std::fs::read_to_string(dir.path().join("phases.svg")).unwrap();
    assert!(phases.contains(&format!("aria-label=\"{}\"", busiest.zone)), "{} is on the chart", busiest.zone);
    // The tables keep every row: the report's zones, the terminal's zones and assets.
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    let table = casevac::report::table::render(&summary);
    for z in (0..ZONES).map(|z| format!("z{z:03}")) {
        assert!(html.contains(&format!("<td>{z}</td>")), "the report's table lists {z}");
        assert!(table.contains(&format!("{z} ")), "the terminal table lists {z}");
    }
    for a in (0..ASSETS).map(|a| format!("a{a:03}")) {
        assert!(table.contains(&format!("{a} ")), "the terminal table lists {a}");
    }
}

#[test]
fn a_comparison_at_the_caps_cuts_its_difference_chart_but_not_its_tables() {
    let (base, alt) = (common::model(&theatre(false)), common::model(&theatre(true)));
    let alts = [alt];
    let opts = RunOptions { trials: 10, seed: 6, half_width_share: None, max_trials: 10 };
    let tally = run_paired(&base, &alts, Histograms::Groups, &opts, &|_| {});
    let labels = ["base.toml".to_string(), "faster.toml".to_string()];
    let comparison = Comparison::new(&base, &alts, &labels, &tally, opts.seed);
    let maps = paired_run_coverage(&base, &alts, 6, std::slice::from_ref(&(0..opts.trials)), 10, &|_| {});
    let meta = RunMeta { date_utc: "2026-01-01".into(), map_grid: "test".into() };
    let dir = tempfile::tempdir().unwrap();
    write_folder(
        dir.path(),
        &compare_report::files(&base, &alts, &comparison, &maps, &meta, 1).unwrap(),
        &compare_report::file_names(),
    )
    .unwrap();
    let other_zones = format!("{} other zones", ZONES - (ROWS - 1));
    check_charts(dir.path(), &[("difference", &["all casualties", &other_zones, "largest difference"])]);
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    for z in 0..ZONES {
        assert!(html.contains(&format!("<td>z{z:03}</td>")), "the report's tables list z{z:03}");
    }
}
