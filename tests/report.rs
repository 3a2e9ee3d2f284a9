//! Charts, the HTML report and the GeoJSON map, for every bundled scenario.

mod common;

use casevac::report::html::RunMeta;
use casevac::report::{report_file_names, report_files, write_folder};
use std::path::{Path, PathBuf};

const CHARTS: [&str; 7] = ["compliance", "time_to_care", "deaths", "phases", "utilisation", "coverage", "reach"];

fn write(path: &Path, dir: &Path, seed: u64) -> Vec<PathBuf> {
    let m = casevac::scenario::load(path).unwrap();
    let (tally, summary) = common::run(&m, seed, 30);
    let maps = common::report_maps(&m, &summary, 14, 20);
    let meta = RunMeta { date_utc: "2026-01-01".into(), map_grid: "test".into() };
    write_folder(dir, &report_files(&m, &tally, &summary, &maps, &meta, 1).unwrap(), &report_file_names()).unwrap()
}

#[test]
fn every_chart_of_every_bundled_scenario_renders() {
    let scenarios = common::bundled_scenarios();
    for path in scenarios {
        let dir = tempfile::tempdir().unwrap();
        let files = write(&path, dir.path(), 1);
        assert_eq!(files.len(), 2 * CHARTS.len() + 3, "{}", path.display());
        for chart in CHARTS {
            let png = std::fs::read(dir.path().join(format!("{chart}.png"))).unwrap();
            let (w, h) = common::png_size(&png);
            assert!(w >= 600 && h >= 250, "{chart}: {w}x{h}");
            assert!(png.len() > 10_000, "{chart}: a drawn chart, not a blank one ({} bytes)", png.len());
            let svg = std::fs::read_to_string(dir.path().join(format!("{chart}.svg"))).unwrap();
            assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{chart}.svg");
            // Labels are outlines of the embedded font, each keeping its words for readers.
            assert!(svg.contains("aria-label=") && !svg.contains("<text"), "{chart}.svg has its labels as outlines");
        }
    }
}

#[test]
fn the_html_report_is_self_contained_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    write(Path::new("scenarios/sahel-north.toml"), dir.path(), 2);
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    for section in ["id=headline", "id=charts", "id=assumptions", "id=metadata"] {
        assert!(html.contains(section), "missing section {section}");
    }
    for chart in CHARTS {
        assert!(html.contains(&format!("<figure id={chart}><img")), "missing figure {chart}");
    }
    assert_eq!(html.matches("src=\"data:image/png;base64,").count(), CHARTS.len());
    for needle in ["Northern Sahel sector (illustrative)", "GAO-18-605", "gao_mi8", "seed", "2026-01-01", "casevac 0."]
    {
        assert!(html.contains(needle), "missing {needle}");
    }
    // Each step against the scenario's targets (80% surgery; this laydown is far below it).
    assert!(html.contains("<h3>Against the mission's targets</h3>"));
    let surgery = html.split("<tr><td>surgery</td><td class=n>80%</td>").nth(1).expect("the surgery target row");
    assert!(surgery.split("</tr>").next().unwrap().contains("not met, short by"), "{surgery:.300}");
    // A Level 1 clinic has no operating tables: no "0 tables" nor an operation length.
    let facilities = html.split("<h3>Facilities</h3>").nth(1).unwrap().split("</table>").next().unwrap();
    let level1: Vec<&str> = facilities.split("<tr>").filter(|r| r.contains("<td>level1</td>")).collect();
    assert!(!level1.is_empty());
    for row in level1 {
        assert!(row.ends_with("<td class=n>–</td><td class=n>–</td></tr>"), "{row}");
    }
    // The phases and utilisation charts have their figures in tables beside them.
    assert!(html.contains("</figure><table class=phases>") && html.contains("</figure><table class=util>"));
    // Medians beside the means, from the report's second pass over the run's trials.
    assert!(html.contains("<tr><td><b>median</b>, all zones</td>") && html.contains("<tr><td>mean, all zones</td>"));
    // Nothing loads from elsewhere: no external scripts, styles, images or fonts.
    let lower = html.to_lowercase();
    for external in ["src=\"http", "src='http", "href=\"http", "<link", "<script", "url(", "@import"] {
        assert!(!lower.contains(external), "external reference {external}");
    }
}

#[test]
fn the_geojson_holds_sites_zones_and_the_grid() {
    let dir = tempfile::tempdir().unwrap();
    write(Path::new("scenarios/sahel-north.toml"), dir.path(), 3);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.path().join("map.geojson")).unwrap()).unwrap();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    let features = v["features"].as_array().unwrap();
    let kind = |k: &str| features.iter().filter(|f| f["properties"]["kind"] == k).collect::<Vec<_>>();
    assert_eq!(kind("site").len(), 5);
    assert_eq!(kind("zone").len(), 5);
    // The reach map has every cell; the map under load only the cells where a casualty was
    // counted, and its counts add up to the run's.
    let reach = kind("reach_cell");
    assert!(reach.len() >= 14 * 2);
    let load = kind("coverage_cell");
    assert!(!load.is_empty() && load.len() < reach.len());
    for (k, key) in ["first_aid", "resuscitation", "surgery"].iter().enumerate() {
        let n: u64 = load.iter().map(|f| f["properties"][format!("n_{key}")].as_u64().unwrap()).sum();
        assert_eq!(n, summary["steps"][k]["eligible"].as_u64().unwrap(), "{key}");
    }
    // The counts are totals over the run's trials, which the collection says.
    assert_eq!(v["trials"], summary["run"]["trials"]);
    let zone_ids: Vec<&serde_json::Value> = kind("zone").iter().map(|z| &z["properties"]["id"]).collect();
    for f in reach.iter().chain(&load) {
        // The zone at the cell's centre, named as what it is: not the zone of every casualty.
        assert!(zone_ids.contains(&&f["properties"]["centre_zone"]), "{}", f["properties"]);
        assert!(f["properties"].get("zone").is_none());
        for key in ["p_first_aid", "p_resuscitation", "p_surgery"] {
            let p = &f["properties"][key];
            assert!(p.is_null() || (0.0..=1.0).contains(&p.as_f64().unwrap()), "{p}");
        }
        let ring = f["geometry"]["coordinates"][0].as_array().unwrap();
        assert_eq!(ring.len(), 5, "a closed square");
        assert_eq!(ring[0], ring[4]);
    }
    // Zones carry the run's figures for styling; sites their facilities and assets as objects.
    for (z, zone) in kind("zone").iter().enumerate() {
        let by_zone = &summary["by_zone"][z];
        assert_eq!(zone["properties"]["id"], by_zone["group"]);
        let p = zone["properties"]["p_surgery"].as_f64().unwrap();
        assert!((p - by_zone["steps"][2]["compliance"].as_f64().unwrap()).abs() <= 0.5e-4, "{p}");
        assert_eq!(zone["properties"]["n_surgery"], by_zone["steps"][2]["eligible"]);
    }
    let gao = kind("site").into_iter().find(|f| f["properties"]["id"] == "gao").unwrap();
    assert_eq!(gao["geometry"]["coordinates"], serde_json::json!([-0.04, 16.2666]), "[lon, lat]");
    let facilities = gao["properties"]["facilities"].as_array().unwrap();
    assert!(facilities.iter().any(|f| f["operating_tables"].as_u64().unwrap() > 0 && f["surgery"] == true));
    // A daily limit only where a surgical team sets one, as facilities.csv gives it: the Gao
    // Level 2's four, and none for a facility that does not operate.
    for f in kind("site").iter().flat_map(|s| s["properties"]["facilities"].as_array().unwrap()) {
        let operates = f["operating_tables"].as_u64().unwrap() > 0;
        assert_eq!(f["operations_per_day"].is_null(), !operates, "{f}");
    }
    assert_eq!(facilities.iter().find(|f| f["id"] == "gao_l2").unwrap()["operations_per_day"], 4);
    assert!(gao["properties"]["assets"].as_array().unwrap().iter().all(|a| a["count"].as_u64().unwrap() > 0));
}

/// Every Polygon's exterior ring of a FeatureCollection, as [lon, lat] pairs.
fn rings(v: &serde_json::Value) -> Vec<Vec<[f64; 2]>> {
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["geometry"]["type"] == "Polygon")
        .map(|f| {
            let ring = f["geometry"]["coordinates"][0].as_array().unwrap();
            ring.iter().map(|p| [p[0].as_f64().unwrap(), p[1].as_f64().unwrap()]).collect()
        })
        .collect()
}

#[test]
fn geojson_rings_are_counter_clockwise_and_coordinates_have_six_decimals() {
    // The bundled scenarios' circles and polygons, and a zone drawn clockwise on purpose.
    let dir = tempfile::tempdir().unwrap();
    let clockwise = common::scenario(
        "period_days = 2",
        "site = \"hospital\"\nlevel = \"level2\"",
        "kind = \"ground\"\nbase = \"base\"\ncount = 2\nspeed_kmh = 60",
        "polygon = [[0.3, 0.1], [0.3, 0.6], [-0.2, 0.6], [-0.2, 0.1]]\nincidents_per_day = 3\n\
         severity = { t1 = 0.5, t2 = 0.3, t3 = 0.2 }\nsurgery_share = { t1 = 0.8, t2 = 0.5, t3 = 0.1 }\n\
         first_aider_share = 0.5\nfirst_aid_min = { uniform = { min = 2, max = 14 } }\n\
         report_delay_min = { exponential = { mean = 6 } }",
    );
    let cw_path = dir.path().join("clockwise.toml");
    std::fs::write(&cw_path, clockwise).unwrap();
    let mut paths = common::bundled_scenarios();
    paths.push(cw_path);
    for (i, path) in paths.iter().enumerate() {
        let out = dir.path().join(format!("r{i}"));
        write(path, &out, 5);
        let text = std::fs::read_to_string(out.join("map.geojson")).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let rings = rings(&v);
        assert!(rings.len() > 10, "{}", path.display());
        for ring in &rings {
            assert_eq!(ring.first(), ring.last(), "closed");
            // The shoelace sum, positive for a counter-clockwise ring in (lon, lat).
            let twice_area: f64 = ring.windows(2).map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1]).sum();
            assert!(twice_area > 0.0, "{}: a clockwise ring {ring:?}", path.display());
        }
        // As written, no coordinate has more than six decimals.
        let coords = text.split("\"coordinates\":").skip(1).map(|rest| &rest[..rest.find('"').unwrap()]);
        for c in coords {
            for number in c.split(|ch: char| !(ch.is_ascii_digit() || ch == '.' || ch == '-' || ch == 'e')) {
                assert!(!number.contains('e'), "{number}: written in full");
                let decimals = number.split_once('.').map_or(0, |(_, d)| d.len());
                assert!(decimals <= 6, "{}: {number} has {decimals} decimals", path.display());
            }
        }
    }
}

#[test]
fn same_seed_gives_the_same_charts_and_map() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write(Path::new("scenarios/east-highlands.toml"), a.path(), 4);
    write(Path::new("scenarios/east-highlands.toml"), b.path(), 4);
    for name in CHARTS
        .iter()
        .flat_map(|c| [format!("{c}.png"), format!("{c}.svg")])
        .chain(["map.geojson".into(), "summary.json".into()])
    {
        let (x, y) = (std::fs::read(a.path().join(&name)).unwrap(), std::fs::read(b.path().join(&name)).unwrap());
        assert!(x == y, "{name} differs between identical runs");
    }
}

#[test]
fn report_option_writes_the_folder_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("brief");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_casevac"))
        .args(["run", "scenarios/masscal-camp-attack.toml", "-n", "20", "--map-grid", "10", "--map-probes", "10"])
        .arg("--report")
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    assert!(String::from_utf8_lossy(&status.stdout).contains("report written to"));
    for name in ["report.html", "map.geojson", "summary.json", "coverage.png", "coverage.svg"] {
        assert!(out.join(name).exists(), "{name}");
    }
    // The summary in the folder is the same JSON that --json writes.
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(v["run"]["trials"], 20);
}

#[test]
fn charts_and_map_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut folders = Vec::new();
    for threads in ["1", "3"] {
        let out = dir.path().join(threads);
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_casevac"))
            .args(["run", "scenarios/east-highlands.toml", "-n", "40", "--map-grid", "12", "--map-probes", "15", "-q"])
            .args(["--threads", threads, "--report"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        folders.push(out);
    }
    for name in ["map.geojson", "summary.json", "coverage.png", "compliance.svg", "time_to_care.png"] {
        let (a, b) = (std::fs::read(folders[0].join(name)).unwrap(), std::fs::read(folders[1].join(name)).unwrap());
        assert!(a == b, "{name} differs between 1 and 3 threads");
    }
}

#[test]
fn without_the_outcome_model_the_report_has_no_deaths_chart() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("scenarios/sahel-north.toml").unwrap() + "\n[outcomes]\nenabled = false\n";
    let path = dir.path().join("no-outcomes.toml");
    std::fs::write(&path, text).unwrap();
    let out = dir.path().join("report");
    let files = write(&path, &out, 1);
    assert_eq!(files.len(), 2 * (CHARTS.len() - 1) + 3);
    assert!(!out.join("deaths.png").exists());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<figure id=deaths>"));
}

#[test]
fn charts_say_what_is_absent_and_name_what_they_show() {
    let dir = tempfile::tempdir().unwrap();
    // The camp attack: no T3 casualty needs surgery, and T3 is not counted for first aid or
    // resuscitation, so T3's three slots say n/a rather than look like 0%.
    write(Path::new("scenarios/masscal-camp-attack.toml"), dir.path(), 6);
    let svg = |name: &str| std::fs::read_to_string(dir.path().join(format!("{name}.svg"))).unwrap();
    let compliance = common::svg_texts(&svg("compliance"));
    assert_eq!(compliance.iter().filter(|t| *t == "n/a").count(), 3, "{compliance:?}");
    // Every drawn bar has its value written on it: a label per bar, each a whole percentage.
    let values = compliance.iter().filter(|t| t.ends_with('%') && !t.starts_with("target") && t.len() <= 4).count();
    assert_eq!(values, 3 * 4 - 3 + 11, "nine bars and the axis's eleven ticks: {compliance:?}");
    // A zone of one scheduled attack has no random incidents to split by night.
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains(" scheduled</td><td class=n>-</td>"), "no night share for scheduled attacks");
    // The theatre cannot keep up: the page says how many still wait for surgery when follow-up ends.
    assert!(html.contains("At the end of follow-up: care complete "), "where care stood");
    assert!(html.contains("awaiting surgery "), "where care stood");
    let time = common::svg_texts(&svg("time_to_care"));
    assert!(time.iter().any(|t| t.contains("Mass-casualty attack on a camp")), "{time:?}");
    assert!(time.iter().any(|t| t.contains("axis cut at 6 h")), "{time:?}");
    // The phases chart names zones, and draws no deadline against its sums of means over
    // different casualties, which it says are not a time to care.
    let dir = tempfile::tempdir().unwrap();
    write(Path::new("scenarios/sahel-north.toml"), dir.path(), 6);
    let phases = common::svg_texts(&std::fs::read_to_string(dir.path().join("phases.svg")).unwrap());
    assert!(phases.iter().any(|t| t == "Supply route Gao-Kidal") && !phases.iter().any(|t| t == "route_gao_kidal"));
    assert!(!phases.iter().any(|t| t == "1 h" || t == "2 h"), "{phases:?}");
    assert!(phases.iter().any(|t| t.contains("not a time to care")), "{phases:?}");
    // T2 and T3 surgery is judged at 4 h under "surgery within 2 h": the time chart draws that line
    // too, and its legend gives the share in time, which the curve at 2 h is not.
    let time = common::svg_texts(&std::fs::read_to_string(dir.path().join("time_to_care.svg")).unwrap());
    assert!(time.iter().any(|t| t == "4 h (T2, T3)"), "{time:?}");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    let surgery = summary["steps"][2]["compliance"].as_f64().unwrap() * 100.0;
    let legend =
        time.iter().find(|t| t.starts_with("surgery (deadline 2 h, T2 and T3 4 h)")).expect("the surgery legend");
    assert!(legend.contains(&format!(": {surgery:.0}% in time, ")), "{legend} against {surgery}");
    // The mass-casualty theatre's tables stand mostly idle while its surgical team uses every
    // operation of the day: the utilisation chart shows both.
    let dir = tempfile::tempdir().unwrap();
    write(Path::new("scenarios/masscal-camp-attack.toml"), dir.path(), 6);
    let utilisation = common::svg_texts(&std::fs::read_to_string(dir.path().join("utilisation.svg")).unwrap());
    let team = "Level 2 hospital in the camp (4 operations a day, all used on 100% of days)";
    assert!(utilisation.iter().any(|t| t == team), "{utilisation:?}");
    assert!(utilisation.iter().any(|t| t == ">99.9%" || t == "100%"), "{utilisation:?}");
    // The ambulances' busiest day is marked just past their short bar: their figure goes after
    // the mark with the busiest day's beside it, not alone past the mark under the mark's label.
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    let share = summary["assets"][0]["utilisation"].as_f64().unwrap() * 100.0;
    let beside = utilisation.iter().find(|t| t.contains(", busiest day ")).expect("a figure beside its mark");
    let figure: f64 = beside.split('%').next().unwrap().parse().unwrap();
    assert!((figure - share).abs() < 0.5, "{beside} against {share}");
    assert!(!utilisation.iter().any(|t| t.starts_with("busiest day")), "{utilisation:?}");
}

#[test]
fn the_time_axis_stays_readable_when_a_deadline_is_a_day() {
    // A clock label's minutes: "30 min", "2 h", "2 h 30".
    let minutes = |t: &str| -> Option<u32> {
        match t.split(' ').collect::<Vec<_>>()[..] {
            [m, "min"] => m.parse().ok(),
            [h, "h"] => h.parse::<u32>().ok().map(|h| h * 60),
            [h, "h", m] => Some(h.parse::<u32>().ok()? * 60 + m.parse::<u32>().ok()?),
            _ => None,
        }
    };
    // Half-hourly over the usual six hours; no more labels than that over a day and a half.
    for surgery_min in [120.0, 1440.0] {
        let mut m = casevac::scenario::load(Path::new("scenarios/sahel-north.toml")).unwrap();
        m.thresholds_min[2] = surgery_min;
        let (tally, summary) = common::run(&m, 3, 5);
        let chart = casevac::report::charts::TimeToCareChart { summary: &summary, tally: &tally, model: &m };
        let (_, svg) = casevac::report::charts::render(&chart).unwrap();
        // The axis's labels are drawn first, from 0 up; the deadlines' labels follow.
        let texts = common::svg_texts(&svg);
        let from = texts.iter().position(|t| t == "0 min").expect("the axis starts at 0");
        let mut ticks = vec![0];
        for t in texts[from + 1..].iter().map(|t| minutes(t)) {
            match t {
                Some(t) if t > *ticks.last().unwrap() => ticks.push(t),
                _ => break,
            }
        }
        assert!(ticks.len() >= 7 && ticks.len() <= 13, "{surgery_min}: {ticks:?}");
    }
}

#[test]
fn with_no_casualty_the_page_gives_no_times_rather_than_times_beyond_two_days() {
    let mut m = casevac::scenario::load(Path::new("scenarios/sahel-north.toml")).unwrap();
    for z in &mut m.zones {
        z.incidents_per_day = 0.0;
        z.scheduled_min.clear();
    }
    let (tally, summary) = common::run(&m, 3, 5);
    assert_eq!(tally.casualties, 0);
    let maps = common::report_maps(&m, &summary, 4, 2);
    let meta = RunMeta { date_utc: "2026-01-01".into(), map_grid: "test".into() };
    let dir = tempfile::tempdir().unwrap();
    write_folder(dir.path(), &report_files(&m, &tally, &summary, &maps, &meta, 1).unwrap(), &report_file_names())
        .unwrap();
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    let headline = html.split("<section id=headline>").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(!headline.contains("&gt;48 h"), "{headline}");
    // Each step's row: its share (in bold), its interval and its three times missing, and no
    // casualty counted.
    assert_eq!(headline.matches("<td class=n><b>–</b></td>").count(), 3, "{headline}");
    assert_eq!(headline.matches("<td class=n>–</td>").count(), 3 * 4, "{headline}");
    assert_eq!(headline.matches("<td class=n>0</td></tr>").count(), 3, "{headline}");
    // The charts of rows say there is no casualty, and their short axes' ticks, half a unit
    // apart, each read differently ("0.5", not a second "0").
    let svg = |name: &str| common::svg_texts(&std::fs::read_to_string(dir.path().join(format!("{name}.svg"))).unwrap());
    let (phases, deaths, utilisation) = (svg("phases"), svg("deaths"), svg("utilisation"));
    assert_eq!(phases.iter().filter(|t| *t == "no casualty").count(), 1 + m.zones.len(), "{phases:?}");
    assert_eq!(deaths.iter().filter(|t| *t == "no casualty").count(), 6, "{deaths:?}");
    // No unit was busy on any day: a busiest-day mark at 0% would only lie over the axis.
    assert!(!utilisation.iter().any(|t| t.contains("busiest day")), "{utilisation:?}");
    // (The utilisation bars' own figures, "0.0%", have one decimal; its ticks none or what they need.)
    let tick = |t: &&String| t.trim_end_matches('%').parse::<f64>().is_ok() && t.as_str() != "0.0%";
    for (name, texts) in [("phases", &phases), ("deaths", &deaths), ("utilisation", &utilisation)] {
        let ticks: Vec<&String> = texts.iter().filter(tick).collect();
        let distinct: std::collections::BTreeSet<&String> = ticks.iter().copied().collect();
        assert!(ticks.len() >= 3 && distinct.len() == ticks.len(), "{name}: {ticks:?}");
    }
}

/// A PNG's pixels as RGB triples, with its width and height.
fn pixels(bytes: &[u8]) -> (u32, u32, Vec<[u8; 3]>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    (info.width, info.height, buf[..info.buffer_size()].chunks(3).map(|p| [p[0], p[1], p[2]]).collect())
}

/// The deaths chart leaves room after each bar for its figures: with the longest bar's count in
/// the hundreds of millions, no letter reaches the chart's right margin.
#[test]
fn the_deaths_charts_figures_fit_beside_the_longest_bar() {
    use casevac::report::charts::{DeathsChart, render};
    let m = casevac::scenario::load(Path::new("scenarios/sahel-north.toml")).unwrap();
    let (_, mut summary) = common::run(&m, 8, 30);
    let deaths = summary.deaths.as_mut().expect("the outcome model is on");
    let most = deaths.by_time_to_care.iter().filter_map(|b| b.deaths_per_100).fold(0.0, f64::max);
    let last = deaths.by_time_to_care.last_mut().unwrap();
    (last.deaths_per_100, last.casualties) = (Some(most * 1.2), 123_456_789);
    let (w, h, p) = pixels(&render(&DeathsChart { deaths }).unwrap().0);
    let dark = |x: u32, y: u32| p[(y * w + x) as usize].iter().all(|&c| c < 110);
    // (Above the x axis, whose last tick's figure is centred on the plot's edge.)
    let rows = 0..h - 15 - 45;
    let margin: Vec<u32> = rows.clone().filter(|&y| (w - 15..w).any(|x| dark(x, y))).collect();
    assert!(margin.is_empty(), "rows with ink in the right margin of {w}x{h}: {margin:?}");
    // The figures are there: ink in the right half of the plot, beside the long bars.
    assert!(rows.clone().any(|y| (w / 2..w - 15).any(|x| dark(x, y))));
}

#[test]
fn a_scaled_chart_is_drawn_larger_not_enlarged() {
    use casevac::report::charts::{ComplianceChart, PALETTE, render_scaled};
    let m = casevac::scenario::load(Path::new("scenarios/sahel-north.toml")).unwrap();
    let (_, summary) = common::run(&m, 8, 30);
    let chart = ComplianceChart { summary: &summary, targets_pct: m.targets_pct };
    let (w1, h1, p1) = pixels(&render_scaled(&chart, 1).unwrap().0);
    let (w3, h3, p3) = pixels(&render_scaled(&chart, 3).unwrap().0);
    assert_eq!((w3, h3), (3 * w1, 3 * h1));
    // The bars and the legend's swatch are rectangles of the first palette colour: drawn three
    // times larger they cover nine times the pixels, give or take their edges.
    let blue = PALETTE[0];
    let count = |p: &[[u8; 3]]| p.iter().filter(|c| **c == [blue.0, blue.1, blue.2]).count() as f64;
    let ratio = count(&p3) / count(&p1);
    assert!(count(&p1) > 10_000.0 && (ratio - 9.0).abs() < 0.3, "{ratio}");
    // Lines and letters are drawn at three times the size, not the small image's pixels copied
    // three by three: a copy would make every 3x3 block one colour; a finer drawing has edges
    // running through blocks, thousands of them along the labels and lines.
    let mixed = (0..h1 as usize)
        .flat_map(|y| (0..w1 as usize).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let at = |dx: usize, dy: usize| p3[(3 * y + dy) * w3 as usize + 3 * x + dx];
            (0..9).any(|k| at(k % 3, k / 3) != at(0, 0))
        })
        .count();
    assert!(mixed > 1000, "{mixed} blocks with an edge through them");
}

#[test]
fn scale_option_draws_the_report_pngs_larger() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("slides");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_casevac"))
        .args(["run", "scenarios/masscal-camp-attack.toml", "-n", "10", "--map-grid", "8", "--map-probes", "5", "-q"])
        .args(["--scale", "2", "--report"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(common::png_size(&std::fs::read(out.join("compliance.png")).unwrap()), (2200, 1200));
    // A scale the help does not offer is refused.
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_casevac"))
        .args(["run", "scenarios/masscal-camp-attack.toml", "-n", "10", "--scale", "9", "--report"])
        .arg(dir.path().join("x"))
        .output()
        .unwrap();
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("--scale"));
}

/// The decision commands' charts go on slides too: `--scale` draws them larger as it does a
/// run's.
#[test]
fn scale_option_draws_a_decision_chart_larger() {
    let dir = tempfile::tempdir().unwrap();
    let size = |scale: &str| {
        let out = dir.path().join(format!("sweep{scale}"));
        let sweep = std::process::Command::new(env!("CARGO_BIN_EXE_casevac"))
            .args(["sweep", "scenarios/sahel-north.toml", "asset.gao_mi8.count=1,2", "-n", "20", "--precision", "0"])
            .args(["-q", "--scale", scale, "--report"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(sweep.status.success(), "{}", String::from_utf8_lossy(&sweep.stderr));
        common::png_size(&std::fs::read(out.join("sweep.png")).unwrap())
    };
    let (w, h) = size("1");
    assert_eq!(size("3"), (3 * w, 3 * h));
}

/// A full bar's figure stays inside the plot: the title's rows are the same whether every bar
/// stands at 100% or at half that.
#[test]
fn a_full_bars_figure_stays_clear_of_the_title() {
    use casevac::report::charts::{ComplianceChart, render};
    let m = casevac::scenario::load(Path::new("scenarios/sahel-north.toml")).unwrap();
    let (_, summary) = common::run(&m, 8, 30);
    let at = |share: f64| {
        let mut s = summary.clone();
        let steps = s.steps.iter_mut().chain(s.by_severity.iter_mut().flat_map(|g| g.steps.iter_mut()));
        for st in steps.filter(|st| st.eligible > 0) {
            (st.compliance, st.ci95_low, st.ci95_high) = (Some(share), Some(share * 0.99), Some(share));
        }
        pixels(&render(&ComplianceChart { summary: &s, targets_pct: [None; 3] }).unwrap().0)
    };
    let ((w, _, half), (_, _, full)) = (at(0.5), at(1.0));
    // (Right of the y axis and its ticks, left of the legend.)
    let ink = |p: &[[u8; 3]], y: u32| (150..w - 250).any(|x| p[(y * w + x) as usize].iter().all(|&c| c < 110));
    // The title: the first band of rows with ink, from the top.
    let first = (0..).find(|&y| ink(&half, y)).unwrap();
    let last = (first..).find(|&y| !ink(&half, y)).unwrap();
    let row = |p: &[[u8; 3]], y: u32| p[(y * w) as usize..((y + 1) * w) as usize].to_vec();
    let touched: Vec<u32> = (0..last + 3).filter(|&y| row(&half, y) != row(&full, y)).collect();
    assert!(touched.is_empty(), "full bars' figures reach the title's rows {first}..{last}: {touched:?}");
}

/// The time-to-care chart's key lies under the plot, where it cannot hide a curve: in the
/// rainy season few reach surgery in time, and that curve runs low across the whole axis.
#[test]
fn the_time_to_care_key_is_under_the_plot_not_over_a_curve() {
    let dir = tempfile::tempdir().unwrap();
    write(Path::new("scenarios/car-rainy-season.toml"), dir.path(), 3);
    let svg = std::fs::read_to_string(dir.path().join("time_to_care.svg")).unwrap();
    let labels = common::svg_label_points(&svg);
    let axis = labels.iter().find(|l| l.0.starts_with("time after wounding")).expect("the axis's description");
    let keys: Vec<&(String, f64, f64)> = labels.iter().filter(|l| l.0.contains(" (deadline ")).collect();
    assert_eq!(keys.len(), 3, "{labels:?}");
    assert!(keys.iter().all(|k| k.2 > axis.2), "{keys:?} against {axis:?}");
}
