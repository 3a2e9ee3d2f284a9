//! The data dictionary, `docs/outputs.md`, against what the real binary writes. Every command
//! that writes files is run once on a bundled scenario with few trials; then every CSV column,
//! every `run.csv` key, every top-level JSON member and every GeoJSON property (by feature
//! `kind`) that is written must be listed under its file's heading, and every column, key,
//! member or property the dictionary lists must be written. Every problem is collected and
//! reported together, so one run of the test says everything the dictionary gets wrong.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

const DOC: &str = "docs/outputs.md";
const SAHEL: &str = "scenarios/sahel-north.toml";
const SAHEL_FST: &str = "scenarios/sahel-north-fst-kidal.toml";
/// Models the onward milestone to Level 3, so its compliance row and levers columns appear.
const EAST: &str = "scenarios/east-highlands.toml";
/// Two overrides, one with spaces in its value, to check how `run.csv` joins them.
const OVERRIDES: [&str; 2] = ["outcomes.enabled=true", "asset.gao_mi8.approval_min={ fixed = 20 }"];

// --- the dictionary ---------------------------------------------------------------------

/// One heading of the dictionary and what lies under it, up to the next heading.
struct Section {
    /// The heading as written, with its `#`s, for messages.
    heading: String,
    text: String,
    /// The first cell of each table row that starts with a name in backticks.
    names: Vec<String>,
}

fn sections(md: &str) -> BTreeMap<String, Section> {
    let mut out = BTreeMap::new();
    let mut current: Option<(String, Section)> = None;
    let mut fenced = false;
    for line in md.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        if !fenced && line.starts_with('#') {
            if let Some((title, s)) = current.take() {
                out.insert(title, s);
            }
            let title = line.trim_start_matches('#').trim().to_string();
            current =
                Some((title, Section { heading: line.trim().to_string(), text: String::new(), names: Vec::new() }));
            continue;
        }
        let Some((_, s)) = current.as_mut() else { continue };
        s.text.push_str(line);
        s.text.push('\n');
        if let Some(rest) = line.strip_prefix("| `")
            && let Some(end) = rest.find('`')
        {
            s.names.push(rest[..end].to_string());
        }
    }
    if let Some((title, s)) = current {
        out.insert(title, s);
    }
    out
}

/// Whether a name the dictionary lists matches a name written: `<X>` stands for a scenario's
/// letter (one capital), `<key>` for a swept parameter's dotted key; anything else is literal.
fn matches(pattern: &str, name: &str) -> bool {
    if let Some(rest) = pattern.strip_prefix("<X>") {
        return name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && matches(rest, &name[1..]);
    }
    if let Some(rest) = pattern.strip_prefix("<key>") {
        return (1..=name.len())
            .filter(|&i| name.is_char_boundary(i))
            .any(|i| name[..i].contains('.') && !name[..i].contains(' ') && matches(rest, &name[i..]));
    }
    match (pattern.chars().next(), name.chars().next()) {
        (None, None) => true,
        (Some(a), Some(b)) if a == b => matches(&pattern[a.len_utf8()..], &name[b.len_utf8()..]),
        _ => false,
    }
}

// --- what the binary writes ------------------------------------------------------------

/// Every file the commands wrote, by path relative to their folder (`run/compliance.csv`), read
/// once for all the tests; the folder itself is removed before the tests read them.
fn written() -> &'static BTreeMap<String, String> {
    static FILES: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let d = |name: &str| dir.path().join(name).to_str().expect("a UTF-8 path").to_string();
        let tally = d("sahel.tally");
        let sets = OVERRIDES.iter().flat_map(|o| ["--set", o]);
        let place = ["place", SAHEL, "--asset", "gao_mi8", "--candidates", "all-sites", "--max-trials", "400"];
        let commands: Vec<Vec<String>> = vec![
            args(["run", SAHEL].into_iter().chain(sets).chain([
                "--csv",
                &d("run"),
                "--json",
                &d("run.json"),
                "--report",
                &d("run-report"),
                "--map-grid",
                "6",
                "--map-probes",
                "10",
            ])),
            args(["run", EAST, "--csv", &d("east"), "--json", &d("east.json")]),
            args(["run", SAHEL, "--shard", "1/1", "--tally", &tally]),
            args(["merge", &tally, "--csv", &d("merge")]),
            args([
                "compare",
                SAHEL,
                SAHEL_FST,
                "--csv",
                &d("compare"),
                "--json",
                &d("compare.json"),
                "--report",
                &d("compare-report"),
                "--map-grid",
                "6",
            ]),
            args(["levers", EAST, "--precision", "0", "--csv", &d("levers"), "--json", &d("levers.json")]),
            args([
                "sweep",
                EAST, // it models the onward milestone, whose columns the sweep adds
                "asset.goma_helo.count=1,2",
                "--precision",
                "0",
                "--csv",
                &d("sweep"),
                "--json",
                &d("sweep.json"),
            ]),
            args(place.into_iter().chain([
                "--csv",
                &d("place"),
                "--json",
                &d("place.json"),
                "--report",
                &d("place-report"),
            ])),
            args(place.into_iter().chain(["--objective", "lives", "--csv", &d("place-lives")])),
            args(place.into_iter().chain([
                "--asset",
                "gao_amb",
                "--csv",
                &d("place-several"),
                "--json",
                &d("place-several.json"),
            ])),
        ];
        for a in &commands {
            let out = Command::new(env!("CARGO_BIN_EXE_casevac")).args(a).output().expect("the binary runs");
            assert!(out.status.success(), "casevac {} failed:\n{}", a.join(" "), String::from_utf8_lossy(&out.stderr));
        }
        let mut files = BTreeMap::new();
        read_all(dir.path(), dir.path(), &mut files);
        files
    })
}

/// A command's arguments, with few trials (200) and no table; `merge` takes its trials from
/// the tally.
fn args<'a>(a: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let a: Vec<String> = a.into_iter().map(String::from).collect();
    let trials = if a[0] == "merge" { &[][..] } else { &["-n", "200"][..] };
    a.iter().cloned().chain(trials.iter().map(|s| s.to_string())).chain(["-q".to_string()]).collect()
}

/// The text files under `dir` (CSV, JSON, GeoJSON), by path relative to `root`.
fn read_all(root: &Path, dir: &Path, files: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).expect("the output folder reads") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            read_all(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "csv" || e == "json" || e == "geojson") {
            let rel = path.strip_prefix(root).expect("under the root").to_string_lossy().replace('\\', "/");
            files.insert(rel, std::fs::read_to_string(&path).expect("the output reads as UTF-8"));
        }
    }
}

fn file<'a>(files: &'a BTreeMap<String, String>, path: &str) -> &'a str {
    files.get(path).unwrap_or_else(|| panic!("the command did not write {path}; written: {:?}", files.keys()))
}

fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().expect("a CSV header").iter().map(String::from).collect();
    let rows = r.records().map(|x| x.expect("a CSV row").iter().map(String::from).collect()).collect();
    (header, rows)
}

/// Every member of a JSON value by path: `a`, `a.b`, and `a[].b` for the members of the objects
/// in list `a`.
fn paths(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                out.insert(p.clone());
                paths(x, &p, out);
            }
        }
        Value::Array(items) => {
            for x in items {
                paths(x, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

// --- checking --------------------------------------------------------------------------

/// Each problem found, as a sentence.
struct Problems(Vec<String>);

impl Problems {
    /// `written` names (from `source`) against the names `title`'s section lists: each written
    /// one must be listed (only those `must_list` says, for JSON: the top-level members), and
    /// each listed one written.
    fn names(
        &mut self,
        doc: &BTreeMap<String, Section>,
        title: &str,
        source: &str,
        what: &str,
        written: &BTreeSet<String>,
        must_list: impl Fn(&str) -> bool,
    ) {
        let Some(s) = doc.get(title) else {
            self.0.push(format!("{source} is written, but {DOC} has no section headed \"{title}\""));
            return;
        };
        for w in written.iter().filter(|w| must_list(w)) {
            if !s.names.iter().any(|n| matches(n, w)) {
                self.0.push(format!("{source} writes {what} `{w}`, which {DOC} does not document under {}", s.heading));
            }
        }
        for n in &s.names {
            if !written.iter().any(|w| matches(n, w)) {
                self.0.push(format!(
                    "{DOC} documents {what} `{n}` under {}, but it is not written in {source}",
                    s.heading
                ));
            }
        }
    }

    fn report(self, what: &str) {
        assert!(
            self.0.is_empty(),
            "{DOC} and the {what} casevac writes disagree ({} problems):\n  - {}",
            self.0.len(),
            self.0.join("\n  - ")
        );
    }
}

/// The CSV folders the commands wrote, with the command whose `run.csv` section applies.
const CSV_FOLDERS: [(&str, &str); 9] = [
    ("run", "run"),
    ("east", "run"),
    ("merge", "run"),
    ("compare", "compare"),
    ("levers", "levers, sweep, place"),
    ("sweep", "levers, sweep, place"),
    ("place", "levers, sweep, place"),
    ("place-lives", "levers, sweep, place"),
    ("place-several", "levers, sweep, place"),
];

/// Columns whose values are words from a fixed list: each value written must be named, in
/// backticks, in its file's section.
const WORD_COLUMNS: [(&str, &[&str]); 9] = [
    ("compliance.csv", &["group_kind", "step"]),
    ("phases.csv", &["phase"]),
    ("misses.csv", &["step", "cause"]),
    ("assets.csv", &["kind"]),
    ("facilities.csv", &["level"]),
    ("deaths.csv", &["group_kind"]),
    ("comparison.csv", &["group_kind", "step", "verdict"]),
    ("lives_saved.csv", &["verdict"]),
    ("place.csv", &["standing"]),
];

#[test]
fn every_csv_column_and_run_csv_key_is_documented_and_every_one_documented_is_written() {
    let doc = sections(&std::fs::read_to_string(DOC).expect("docs/outputs.md exists"));
    let files = written();
    let mut problems = Problems(Vec::new());
    // The columns (or run.csv keys) written, and the words of the word columns, by section.
    let mut columns: BTreeMap<String, (BTreeSet<String>, Vec<String>)> = BTreeMap::new();
    let mut words: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for (folder, command) in CSV_FOLDERS {
        let names: Vec<&String> = files.keys().filter(|p| p.starts_with(&format!("{folder}/"))).collect();
        assert!(!names.is_empty(), "{folder}: no CSV written");
        for path in names {
            let name = &path[folder.len() + 1..];
            let (header, rows) = csv_rows(&files[path]);
            let (title, written): (String, BTreeSet<String>) = if name == "run.csv" {
                assert_eq!(header, ["key", "value"], "{path} is key,value rows");
                (format!("run.csv ({command})"), rows.iter().map(|r| r[0].clone()).collect())
            } else {
                (name.to_string(), header.iter().cloned().collect())
            };
            let entry = columns.entry(title.clone()).or_default();
            entry.0.extend(written);
            entry.1.push(path.clone());
            for (_, cols) in WORD_COLUMNS.iter().filter(|(f, _)| *f == name) {
                for col in *cols {
                    let i = header.iter().position(|h| h == col).unwrap_or_else(|| panic!("{path} has no `{col}`"));
                    words
                        .entry(title.clone())
                        .or_default()
                        .extend(rows.iter().map(|r| (col.to_string(), r[i].clone())));
                }
            }
        }
    }
    for must in ["run/deaths.csv", "east/compliance.csv", "compare/lives_saved.csv"] {
        file(files, must);
    }
    for (title, (written, paths)) in &columns {
        let what = if title.starts_with("run.csv") { "key" } else { "column" };
        problems.names(&doc, title, &paths.join(", "), what, written, |_| true);
    }
    for (title, ws) in &words {
        let Some(s) = doc.get(title) else { continue };
        for (col, w) in ws.iter().filter(|(_, w)| !w.is_empty()) {
            if !s.text.contains(&format!("`{w}`")) {
                problems.0.push(format!(
                    "{title} writes `{w}` in column `{col}`, which {DOC} does not name under {}",
                    s.heading
                ));
            }
        }
    }
    // The onward milestone's row, from the scenario that models it.
    let (_, rows) = csv_rows(file(files, "east/compliance.csv"));
    assert!(rows.iter().any(|r| r[2] == "onward_to_level3"), "east-highlands writes the onward row");
    // run.csv's overrides: each as key=value, joined with "; ", since a value may hold spaces.
    let (_, rows) = csv_rows(file(files, "run/run.csv"));
    let overrides = rows.iter().find(|r| r[0] == "overrides").map_or("", |r| r[1].as_str());
    if overrides != OVERRIDES.join("; ") {
        problems.0.push(format!(
            "run.csv's `overrides` is {overrides:?}, not the --set overrides joined with \"; \" as {DOC} says: {:?}",
            OVERRIDES.join("; ")
        ));
    }
    problems.report("CSV files");
}

#[test]
fn every_top_level_json_member_is_documented_and_every_field_documented_is_written() {
    let doc = sections(&std::fs::read_to_string(DOC).expect("docs/outputs.md exists"));
    let files = written();
    let mut problems = Problems(Vec::new());
    for (title, sources) in [
        ("JSON of run", &["run.json", "east.json"][..]),
        ("JSON of compare", &["compare.json"]),
        ("JSON of levers", &["levers.json"]),
        ("JSON of sweep", &["sweep.json"]),
        ("JSON of place", &["place.json"]),
        ("JSON of place, several together", &["place-several.json"]),
    ] {
        let mut written = BTreeSet::new();
        for s in sources {
            let v: Value = serde_json::from_str(file(files, s)).unwrap_or_else(|e| panic!("{s}: {e}"));
            paths(&v, "", &mut written);
        }
        // Every top-level member must be listed; a listed path must exist.
        let top = |p: &str| !p.contains(['.', '[']);
        problems.names(&doc, title, &sources.join(", "), "member or field", &written, top);
    }
    problems.report("JSON");
}

#[test]
fn every_geojson_member_and_feature_property_is_documented_and_written() {
    let doc = sections(&std::fs::read_to_string(DOC).expect("docs/outputs.md exists"));
    let files = written();
    let mut problems = Problems(Vec::new());
    let mut kinds: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    let maps: Vec<&String> = files.keys().filter(|p| p.ends_with(".geojson")).collect();
    let names: BTreeSet<&str> = maps.iter().map(|p| p.rsplit('/').next().unwrap_or(p)).collect();
    assert_eq!(
        names,
        BTreeSet::from(["map.geojson", "difference_map.geojson", "place.geojson"]),
        "the reports' GeoJSON files"
    );
    for path in maps {
        let v: Value = serde_json::from_str(&files[path]).unwrap_or_else(|e| panic!("{path}: {e}"));
        let name = path.rsplit('/').next().unwrap_or(path);
        let members: BTreeSet<String> = v.as_object().expect("a GeoJSON object").keys().cloned().collect();
        problems.names(&doc, name, path, "top-level member", &members, |_| true);
        for f in v["features"].as_array().expect("features") {
            let kind = f["properties"]["kind"].as_str().unwrap_or_else(|| panic!("{path}: a feature without a kind"));
            let entry = kinds.entry(kind.to_string()).or_default();
            paths(&f["properties"], "", &mut entry.0);
            entry.1.insert(path.clone());
        }
    }
    for kind in ["site", "zone", "coverage_cell", "reach_cell", "difference_cell", "candidate"] {
        assert!(kinds.contains_key(kind), "no `{kind}` feature written");
    }
    for (kind, (props, sources)) in &kinds {
        let source = format!("feature kind `{kind}` ({})", sources.iter().cloned().collect::<Vec<_>>().join(", "));
        problems.names(&doc, &format!("Feature kind {kind}"), &source, "property", props, |_| true);
    }
    problems.report("GeoJSON");
}

#[test]
fn a_listed_name_matches_only_what_it_stands_for() {
    assert!(matches("p_surgery_<X>", "p_surgery_B"));
    assert!(!matches("p_surgery_<X>", "p_surgery"));
    assert!(!matches("p_surgery_<X>", "p_surgery_AB"));
    assert!(matches("<key>", "asset.gao_mi8.count"));
    assert!(!matches("<key>", "first_aid_pct"));
    assert!(matches("first_aid_pct", "first_aid_pct"));
    assert!(!matches("first_aid_pct", "first_aid_pct_x"));
    let doc = sections("# A\n| `a` | x |\n## B\n```\n# not a heading\n```\n| `b` | y |\n");
    assert_eq!(doc["A"].names, ["a"]);
    assert_eq!(doc["B"].names, ["b"]);
    assert_eq!(doc["B"].heading, "## B");
}

/// Every value of a member named `key`, anywhere in a JSON value.
fn values_of(v: &Value, key: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == key
                    && let Some(s) = x.as_str()
                {
                    out.insert(s.to_string());
                }
                values_of(x, key, out);
            }
        }
        Value::Array(xs) => xs.iter().for_each(|x| values_of(x, key, out)),
        _ => {}
    }
}

/// A facility's level is written as the scenario file writes it in every file, so a join or a
/// filter on the value the dictionary gives finds it in the JSON as in the CSV and GeoJSON.
#[test]
fn a_facility_level_reads_as_the_scenario_file_writes_it_in_every_file() {
    let levels = ["level1", "level1plus", "level2", "level3"];
    let mut seen = BTreeSet::new();
    for (path, text) in written() {
        let mut found = BTreeSet::new();
        if path.ends_with(".json") || path.ends_with(".geojson") {
            values_of(&serde_json::from_str(text).expect("the JSON parses"), "level", &mut found);
        } else if path.ends_with(".csv") {
            let (header, rows) = csv_rows(text);
            if let Some(k) = header.iter().position(|h| h == "level") {
                found.extend(rows.into_iter().map(|r| r[k].clone()));
            }
        }
        for level in &found {
            assert!(levels.contains(&level.as_str()), "{path}: level {level:?} is not one the file takes");
        }
        seen.extend(found);
    }
    // The Kidal clinic of the comparison's alternative is the one Level 1+ facility.
    assert!(seen.contains("level1plus"), "{seen:?}");
}
