//! `--set KEY=VALUE` overrides: they change the model as the same edit of the file would, the
//! model records them, problems name the override or keep their place in the file, and no input
//! makes them panic.

mod common;

use casevac::model::Model;
use casevac::scenario::{Override, ScenarioError, load_with, parse_with};
use proptest::prelude::*;
use std::path::Path;

const SAHEL: &str = "scenarios/sahel-north.toml";

fn sets(args: &[&str]) -> Vec<Override> {
    args.iter().map(|a| Override::parse(a).unwrap_or_else(|e| panic!("{a}: {e}"))).collect()
}

fn base() -> String {
    common::scenario(
        "",
        "site = \"hospital\"\nlevel = \"level2\"",
        "kind = \"helicopter\"\nbase = \"hospital\"\ncount = 1\nspeed_kmh = 200",
        "centre = { lat = 0.0, lon = 0.5 }\nradius_km = 10\nincidents_per_day = 1\n\
         severity = { t1 = 0.5, t2 = 0.3, t3 = 0.2 }\nsurgery_share = { t1 = 0.5, t2 = 0.2, t3 = 0.0 }\n\
         first_aider_share = 0.8\nreport_delay_min = 5",
    )
}

fn with(text: &str, args: &[&str]) -> Model {
    parse_with(text, "test.toml", &sets(args)).unwrap_or_else(|e| panic!("{e}"))
}

/// The rendered error for a scenario that must fail.
fn error(text: &str, args: &[&str]) -> String {
    match parse_with(text, "test.toml", &sets(args)) {
        Ok(_) => panic!("{args:?} should be rejected"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn overrides_change_the_model_and_are_recorded_in_order() {
    let text = base();
    let plain = common::model(&text);
    assert_eq!(plain.assets[0].count, 1);
    assert!(plain.overrides.is_empty());

    let args = [
        "asset.unit.count=3",                  // replaces a value
        "zone.z.first_aider_share=0",          // replaces a value
        "asset.unit.stretchers=6",             // a key the entry does not have
        "zone.z.severity.t1=0.6",              // inside an inline table
        "zone.z.severity.t3=0.1",              // a later override, same table
        "scenario.daylight.sunrise=\"05:30\"", // a table the file does not have
        "scenario.thresholds_min.surgery=90",
        "zone.z.casualties={ fixed = 3 }", // a distribution
    ];
    let m = with(&text, &args);
    assert_eq!(m.assets[0].count, 3);
    assert_eq!(m.unit_count(), 3);
    assert_eq!(m.zones[0].first_aider_share, 0.0);
    assert_eq!(m.assets[0].stretchers, 6);
    assert_eq!(m.zones[0].severity, [0.6, 0.3, 0.1]);
    assert_eq!(m.daylight.sunrise_min, 330.0);
    assert_eq!(m.thresholds_min, [10.0, 60.0, 90.0]);
    assert_eq!(m.zones[0].casualties.mean(), 3.0);
    assert_eq!(m.overrides, args.map(String::from).to_vec());
    // What was not overridden is as in the file.
    assert_eq!(m.assets[0].speed_kmh, plain.assets[0].speed_kmh);
    assert_eq!(m.daylight.sunset_min, plain.daylight.sunset_min);
}

#[test]
fn a_later_override_of_the_same_key_wins() {
    let text = base();
    assert_eq!(with(&text, &["asset.unit.count=3", "asset.unit.count=5"]).assets[0].count, 5);
    assert_eq!(with(&text, &["asset.unit.stretchers=3", "asset.unit.stretchers=7"]).assets[0].stretchers, 7);
    let m = with(&text, &["zone.z.severity.t1=0.9", "zone.z.severity={ t1 = 0.2, t2 = 0.3, t3 = 0.5 }"]);
    assert_eq!(m.zones[0].severity, [0.2, 0.3, 0.5]);
}

#[test]
fn a_bundled_scenario_takes_overrides_from_load_with() {
    let path = Path::new(SAHEL);
    let m = load_with(path, &sets(&["asset.gao_mi8.count=3", "zone.kidal_camp.first_aider_share=0.5"]))
        .unwrap_or_else(|e| panic!("{e}"));
    let heli = m.assets.iter().find(|a| a.id == "gao_mi8").expect("gao_mi8");
    assert_eq!(heli.count, 3);
    let camp = m.zones.iter().find(|z| z.id == "kidal_camp").expect("kidal_camp");
    assert_eq!(camp.first_aider_share, 0.5);
}

fn json(m: &Model) -> String {
    let (_, summary) = common::run(m, 1012, 100);
    casevac::report::to_json(&summary)
}

#[test]
fn an_override_equal_to_the_file_gives_byte_identical_results() {
    let path = Path::new(SAHEL);
    let plain = json(&casevac::scenario::load(path).unwrap_or_else(|e| panic!("{e}")));
    let same = sets(&[
        "asset.gao_mi8.count=2",
        "zone.kidal_camp.first_aider_share=0.95",
        "asset.gao_mi8.approval_min={ lognormal = { mean = 60, cv = 1.0 } }",
        "scenario.daylight.start_date=\"2019-01-01\"",
    ]);
    let mut m = load_with(path, &same).unwrap_or_else(|e| panic!("{e}"));
    let recorded: Vec<String> = same.iter().map(|o| o.to_string()).collect();
    assert_eq!(m.overrides, recorded, "every run's output records its overrides");
    // Apart from that record, the results are the file's to the byte.
    m.overrides.clear();
    assert_eq!(json(&m), plain);
    // The comparison can tell: a real change shows in the JSON.
    let changed = load_with(path, &sets(&["asset.gao_mi8.count=3"])).unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(json(&changed), plain);
}

#[test]
fn an_out_of_range_value_names_the_override_not_the_file() {
    let e = error(&base(), &["zone.z.first_aider_share=1.5"]);
    assert!(e.contains("error: --set zone.z.first_aider_share=1.5: first_aider_share = 1.5 is out of range"), "{e}");
    assert!(e.contains("help: give a probability between 0 and 1"), "{e}");
    // No caret into the file: the planner's file says 0.8.
    assert!(!e.contains('^') && !e.contains("test.toml:"), "{e}");
    assert!(e.ends_with("1 problem in test.toml"), "{e}");
}

/// A site moved off the Earth (latitude 95, or not a number) is one problem, its own: the
/// daylight computed at it would add a second about the Sun, pointing into a file that is fine.
#[test]
fn a_refused_position_is_not_followed_by_a_problem_with_the_sun_there() {
    let sahel = std::fs::read_to_string(SAHEL).unwrap();
    for set in ["site.gao.lat=95", "site.gao.lat=nan", "site.gao.lon=-inf"] {
        let e = error(&sahel, &[set]);
        assert!(e.contains(&format!("error: --set {set}:")) && e.contains("is out of range"), "{e}");
        assert!(!e.contains("Sun") && !e.contains("daylight"), "{e}");
        assert!(e.ends_with("1 problem in test.toml"), "{e}");
    }
}

#[test]
fn an_unknown_id_lists_the_ids_and_the_closest() {
    let e = error(&base(), &["asset.unti.count=3"]);
    assert!(e.contains("error: --set asset.unti.count=3: no asset has id `unti`"), "{e}");
    assert!(e.contains("did you mean `unit`?") && e.contains("asset ids: unit"), "{e}");
    let e = error(&std::fs::read_to_string(SAHEL).expect("bundled"), &["asset.gao_mi9.count=3"]);
    assert!(e.contains("did you mean `gao_mi8`?") && e.contains("gao_mi8, gao_amb, kidal_amb"), "{e}");
}

#[test]
fn an_unknown_field_gets_the_closest_expected_one() {
    let e = error(&base(), &["asset.unit.speedkmh=250"]);
    assert!(e.contains("error: --set asset.unit.speedkmh=250: unknown field `speedkmh`\n"), "{e}");
    assert!(e.contains("did you mean `speed_kmh`?"), "{e}");
    let e = error(&base(), &["asset.unit.kind=\"helicoptre\""]);
    assert!(e.contains("--set asset.unit.kind=\"helicoptre\": unknown variant"), "{e}");
    assert!(e.contains("did you mean `helicopter`?"), "{e}");
    // A table the format does not have around a field it does have.
    let e = error(&base(), &["zone.z.access.escort_required=false"]);
    assert!(e.contains("unknown field `access`") && e.contains("did you mean `zone.z.escort_required`?"), "{e}");
}

#[test]
fn a_level1_told_to_operate_has_a_forward_surgical_teams_defaults() {
    // As a Level 1+ (one table, four operations a day), not a table and one operation a day.
    let m = with(&base(), &["facility.fac.level=\"level1\"", "facility.fac.surgery=true"]);
    let f = &m.facilities[0];
    assert!(f.surgery);
    assert_eq!((f.tables, f.operations_per_day), (1, 4));
    let plus = with(&base(), &["facility.fac.level=\"level1plus\""]);
    assert_eq!((plus.facilities[0].tables, plus.facilities[0].operations_per_day), (1, 4));
}

#[test]
fn a_table_made_by_an_override_is_said_to_need_its_other_fields() {
    // The file has no [outcomes]: an override of one of its fields makes the table with that
    // field alone, and serde reads the table whole.
    for (arg, table) in
        [("outcomes.p_fatal.t1=0.5", "outcomes.p_fatal"), ("outcomes.p_fatal={ t1 = 0.5 }", "outcomes.p_fatal")]
    {
        let e = error(&base(), &[arg]);
        assert!(e.contains(&format!("error: --set {arg}: missing field `t2`")), "{e}");
        assert!(
            e.contains(&format!(
                "this override makes `{table}` with only what it gives, and that table needs `t2` too"
            )),
            "{e}"
        );
        assert!(e.contains(&format!("--set '{table}={{ ... }}' with every field")), "{e}");
    }
    // A plain value inside a table the file lacks: that table is named.
    let e = error(&base(), &["asset.unit.launch_day_min.triangular.min=5"]);
    assert!(e.contains("makes `asset.unit.launch_day_min.triangular` with only what it gives"), "{e}");
    // A value holding tables: the missing field may be an inner table's, so serde's words stand.
    for arg in ["asset.unit.launch_day_min={ triangular = { min = 5 } }", "zone.z.first_aider_tiers=[{ share = 0.5 }]"]
    {
        let e = error(&base(), &[arg]);
        assert!(e.contains("missing field") && !e.contains("this override makes"), "{arg}: {e}");
    }
}

#[test]
fn keys_of_the_wrong_shape_are_explained() {
    let text = base();
    let e = error(&text, &["assets.unit.count=1"]);
    assert!(e.contains("unknown section `assets`") && e.contains("did you mean `asset`?"), "{e}");
    assert!(e.contains("scenario, onward, outcomes, site, facility, asset, zone"), "{e}");
    let e = error(&text, &["asset.unit=3"]);
    assert!(e.contains("`asset.unit` names an entry, not a value") && e.contains("asset.ID.FIELD=VALUE"), "{e}");
    let e = error(&text, &["scenario=3"]);
    assert!(e.contains("`scenario` is a table, not a value"), "{e}");
    let e = error(&text, &["zone.z.severity.t1.x=1"]);
    assert!(e.contains("`zone.z.severity.t1` is a number, not a table, so it has no field `x`"), "{e}");
    let e = error(&text, &["asset..count=1"]);
    assert!(e.contains("`asset..count` is not a dotted key"), "{e}");
}

#[test]
fn a_value_that_is_not_toml_is_named() {
    // What a shell leaves of sunrise="05:30" when the quotes are not protected.
    // TOML reads it as a time of day, which no field takes.
    let e = error(&base(), &["scenario.daylight.sunrise=05:30"]);
    assert!(e.contains("error: --set scenario.daylight.sunrise=05:30: `05:30` is a TOML date or time"), "{e}");
    assert!(e.contains("\"05:30\"") && e.contains("single quotes"), "{e}");
    let e = error(&base(), &["asset.unit.name=Puma"]);
    assert!(e.contains("error: --set asset.unit.name=Puma: `Puma` is not a value"), "{e}");
    // The fix is written out with the user's own key.
    assert!(e.contains(r#"--set 'asset.unit.name="Puma"'"#) && e.contains("single quotes"), "{e}");
    // A date whose quotes the shell ate is shown quoted, under the user's own key.
    let e = error(&base(), &["scenario.daylight.start_date=2019-06-01"]);
    assert!(e.contains(r#"--set 'scenario.daylight.start_date="2019-06-01"'"#), "{e}");
    // A yes or no is a truth value, and quoting it would only lead to the next error.
    let e = error(&base(), &["asset.unit.night_capable=yes"]);
    assert!(e.contains("--set asset.unit.night_capable=true") && !e.contains(r#""yes""#), "{e}");
    assert!(error(&base(), &["asset.unit.night_capable=Off"]).contains("--set asset.unit.night_capable=false"));
    // A distribution's bare name is a distribution without its parameters.
    let e = error(&base(), &["asset.unit.approval_min=lognormal"]);
    assert!(e.contains("a distribution is a table") && e.contains("--set 'asset.unit.approval_min={ lognormal"), "{e}");
    // Anything else that is not TOML keeps the parser's reason.
    let e = error(&base(), &["asset.unit.count=[1,"]);
    assert!(e.contains("`[1,` is not a TOML value"), "{e}");
}

#[test]
fn a_bad_form_says_what_is_expected() {
    for arg in ["asset.unit.count", "=3", "asset.unit.count=", ""] {
        let e = Override::parse(arg).expect_err(arg);
        assert!(e.contains("KEY=VALUE") && e.contains("asset.gao_mi8.count=3"), "{arg}: {e}");
    }
    let o = Override::parse(" zone.z.casualties = { fixed = 2 } ").expect("valid");
    assert_eq!((o.key.as_str(), o.value.as_str()), ("zone.z.casualties", "{ fixed = 2 }"));
    assert_eq!(o.to_string(), "zone.z.casualties={ fixed = 2 }");
}

#[test]
fn every_bad_override_is_reported_with_the_file_problems_at_once() {
    let text = base().replace("radius_km = 10", "radius_km = -10");
    let err = parse_with(&text, "test.toml", &sets(&["asset.nope.count=1", "zone.z.night_share=2", "x.y=1"]))
        .expect_err("bad");
    let e = err.to_string();
    assert_eq!(err.problems.len(), 4, "{e}");
    assert!(e.contains("radius_km = -10 is out of range"), "{e}");
    assert!(e.contains("--set asset.nope.count=1") && e.contains("--set zone.z.night_share=2"), "{e}");
    assert!(e.contains("--set x.y=1: unknown section `x`"), "{e}");
}

/// The 1-based line of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).expect(needle)].matches('\n').count() + 1
}

#[test]
fn a_problem_in_the_file_keeps_its_line_and_column_when_lines_are_inserted_before_it() {
    let text = base().replace("first_aider_share = 0.8", "first_aider_share = 1.8");
    let line = line_of(&text, "first_aider_share = 1.8");
    let expect = format!("error: test.toml:{line}:21: first_aider_share = 1.8 is out of range");
    assert!(error(&text, &[]).contains(&expect), "{}", error(&text, &[]));
    // Two lines inserted in the asset entry and one in [scenario], all above the zone.
    let e = error(&text, &["asset.unit.stretchers=2", "asset.unit.medical_team=true", "scenario.period_days=10"]);
    assert!(e.contains(&expect), "{e}");
    assert!(e.contains(&format!("{line} | first_aider_share = 1.8\n")), "{e}");
}

#[test]
fn a_problem_on_a_line_with_a_longer_spliced_value_keeps_its_column() {
    let text = base().replace("t3 = 0.2 }", "t3 = 1.2 }");
    let line = line_of(&text, "t3 = 1.2");
    let col = text.lines().nth(line - 1).and_then(|l| l.find("1.2")).expect("col") + 1;
    let e = error(&text, &["zone.z.severity.t1=0.500000000"]);
    assert!(e.contains(&format!("test.toml:{line}:{col}: severity.t3 = 1.2 is out of range")), "{e}");
    // The sum is over a table that holds the spliced value: it points at the file and says so.
    assert!(e.contains("(this part of the file is changed by --set zone.z.severity.t1=0.500000000)"), "{e}");
}

#[test]
fn a_problem_is_rendered_against_the_original_text() {
    let text = base().replace("radius_km = 10", "radius_km = -1");
    let err: ScenarioError =
        parse_with(&text, "test.toml", &sets(&["asset.unit.stretchers=2"])).expect_err("bad radius");
    assert_eq!(err.text, text);
    assert!(!err.to_string().contains("stretchers"), "{err}");
}

/// Every override the guide shows, from its `--set` section: the ones shown as errors fail
/// naming themselves, the rest apply to the bundled scenario the examples use.
#[test]
fn every_override_in_the_guide_does_what_the_guide_says() {
    let md = std::fs::read_to_string("docs/scenario-format.md").expect("guide");
    let start = md.find("## What-ifs from the command line").expect("the --set section");
    let section = &md[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let mut examples: Vec<String> = Vec::new();
    for line in section.lines().filter(|l| l.starts_with("casevac run")) {
        for arg in line.split(" --set ").skip(1) {
            examples.push(arg.trim().trim_matches('\'').to_string());
        }
    }
    let sections = ["scenario.", "site.", "facility.", "asset.", "zone."];
    for quoted in section.split('`').skip(1).step_by(2) {
        if quoted.contains('=') && sections.iter().any(|s| quoted.starts_with(s)) {
            examples.push(quoted.to_string());
        }
    }
    assert!(examples.len() >= 20, "{examples:?}");
    let shown_as_errors = [
        "zone.kidal_camp.first_aider_share=1.5",
        "asset.gao_mi9.count=3",
        "asset.gao_mi8.speedkmh=220",
        "asset.\"gao mi8\".count=3",
        "zone.kidal_camp.severity.t1=0.4",
    ];
    for example in &examples {
        let result = load_with(Path::new(SAHEL), &sets(&[example]));
        match (shown_as_errors.contains(&example.as_str()), result) {
            (false, Ok(m)) => assert_eq!(m.overrides, vec![example.clone()]),
            (false, Err(e)) => panic!("the guide's {example} fails:\n{e}"),
            (true, Ok(_)) => panic!("the guide's {example} should fail"),
            (true, Err(e)) => assert!(e.to_string().contains(&format!("--set {example}")), "{e}"),
        }
    }
}

const HOSTILE: &[&str] = &[
    "=3",
    "a.b=",
    "asset..count=1",
    ".=.",
    "asset.unit.=1",
    ".asset.unit.count=1",
    "asset.unit.count==3",
    "asset.unit.count=3=4",
    "asset.unit.count=[",
    "asset.unit.count={",
    "asset.unit.count=}",
    "asset.unit.count=\"",
    "asset.unit.count=3 # comment",
    "asset.unit.count=3\nspeed_kmh = 1",
    "asset.unit.count=\"\"\"\n\"\"\"",
    "zone.z.severity={ t1 = 1, # x\n}",
    "zone.z.severity.t1=1 }",
    "asset.unit.count=1e999",
    "asset.unit.count=99999999999999999999",
    "asset.unit.count=-0",
    "asset.unit.count=nan",
    "asset.unit.count=inf",
    "zone.z.severity.t1=nan",
    "zone.é.count=1",
    "zone.\"é\".count=1",
    "asset.\"unit\".count=2",
    "asset.'unit'.count=2",
    "asset.\"\".count=2",
    "asset.\"a.b\".count=2",
    "asset.unit.\"\"=2",
    "asset.unit.\"weird\nkey\"=2",
    "zone.z.centre=1",
    "zone.z.centre.lat.x=1",
    "zone.z.centre.lat={ x = 1 }",
    "zone.z.polygon=[[0, 0], [1, 1], [0, 1]]",
    "asset.unit.id=\"z\"",
    "asset.unit.id=3",
    "site.base.id=\"hospital\"",
    "scenario.name=\"\u{202e}\u{0}\"",
    "scenario.daylight=\"noon\"",
    "scenario.x.y.z.w=1",
    "zone.z.access.escort_required=true",
    "asset.unit.launch_day_min.fixed.x=1",
    "asset=[]",
    "site=[{ id = \"x\", lat = 0, lon = 0 }]",
    "\u{feff}asset.unit.count=2",
    "asset\t.\tunit\t.\tcount\t=\t2",
    "🚁.🚁.🚁=🚁",
];

/// Parses, and renders any error, on a text with the overrides built without `Override::parse`
/// too (its fields are public, so the library must guard them itself).
fn never_panics(text: &str, arg: &str) {
    let mut overrides = Vec::new();
    if let Ok(o) = Override::parse(arg) {
        overrides.push(o);
    }
    let (key, value) = arg.split_once('=').unwrap_or((arg, ""));
    overrides.push(Override { key: key.to_string(), value: value.to_string() });
    for set in [&overrides[..1], &overrides[..]] {
        match parse_with(text, "test.toml", set) {
            Ok(m) => assert_eq!(m.overrides.len(), set.len()),
            Err(e) => {
                assert!(!e.problems.is_empty());
                let _ = e.to_string();
            }
        }
    }
}

#[test]
fn hostile_overrides_never_panic() {
    let text = base();
    for arg in HOSTILE {
        never_panics(&text, arg);
    }
    let huge = "9".repeat(1_000_000);
    never_panics(&text, &format!("asset.unit.count={huge}"));
    never_panics(&text, &format!("asset.unit.name=\"{huge}\""));
    never_panics(&text, &format!("asset.{huge}.count=1"));
    never_panics(&text, &format!("{huge}=1"));
    // A file that is not valid TOML: the syntax error is reported, the overrides are not applied.
    let e = parse_with("[scenario\nname = 1", "bad.toml", &sets(&["asset.unit.count=2"])).expect_err("bad file");
    assert!(e.to_string().contains("bad.toml:1:"), "{e}");
    assert!(e.to_string().contains("the --set overrides were not applied"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_overrides_never_panic(
        key in r#"(asset|zone|scenario|site|facility|x)?[.]?(unit|z|base|fac|daylight|\.|"|é)*[.]?[a-z_."\[\]{}= ]{0,20}"#,
        value in r#"[0-9a-z.,"'{}\[\] =#\n\\é-]{0,24}"#,
    ) {
        never_panics(&base(), &format!("{key}={value}"));
    }
}

/// The deaths model's parameters take overrides too. A file without an `[outcomes]` table runs
/// the model with its defaults, so the first override starts the table and later ones add to it.
#[test]
fn the_outcome_model_takes_overrides_with_or_without_its_table() {
    let text = base();
    assert!(common::model(&text).outcomes.is_some(), "on by default");
    assert!(with(&text, &["outcomes.enabled=false"]).outcomes.is_none());
    let sets = ["outcomes.first_aid_factor_high=0.95", "outcomes.first_aid_factor=0.8"];
    let m = with(&text, &sets);
    let p = &m.outcomes.as_ref().expect("still on").params;
    assert_eq!(
        (p[casevac::outcome::CENTRAL].first_aid_factor, p[casevac::outcome::HIGH].first_aid_factor),
        (0.8, 0.95)
    );
    // The same change written into the file gives the same model.
    let edited = format!("{text}\n[outcomes]\nfirst_aid_factor_high = 0.95\nfirst_aid_factor = 0.8\n");
    assert_eq!(common::model(&edited).outcomes.unwrap().params, m.outcomes.unwrap().params);
    // Where the file has the table, the override changes it in place.
    assert!(with(&format!("{text}\n[outcomes]\nenabled = true\n"), &["outcomes.enabled=false"]).outcomes.is_none());
    // Problems name the override.
    let e = error(&text, &["outcomes.nosuch=1"]);
    assert!(e.contains("--set outcomes.nosuch=1: unknown field `nosuch`"), "{e}");
    let e = error(&text, &["outcomes=1"]);
    assert!(e.contains("`outcomes` is a table, not a value") && e.contains("outcomes.enabled=false"), "{e}");
}

/// A valid file made invalid by an override: the problems sit at the file's lines, and each says
/// that the file alone is valid and which overrides it follows from. A file with its own
/// mistake gets no such note.
#[test]
fn problems_an_override_causes_elsewhere_in_the_file_name_it() {
    let sahel = std::fs::read_to_string(SAHEL).unwrap();
    let e = error(&sahel, &["facility.gao_l2.level=\"level1\""]);
    assert!(e.contains("operating_tables has no effect"), "{e}");
    assert!(e.contains("(the file alone is valid: this follows from --set facility.gao_l2.level=\"level1\")"), "{e}");
    // A problem in the very part an override changed: one note says both, not two notes.
    let e = error(&sahel, &["asset.gao_mi8.approval_min.lognormal.cv=0"]);
    let note =
        "(the file alone is valid; this part of it is changed by --set asset.gao_mi8.approval_min.lognormal.cv=0)";
    assert!(e.contains(note) && !e.contains("this follows from") && e.matches("--set").count() == 1, "{e}");
    let broken = sahel.replace("operating_tables = 2", "operating_tables = -2");
    let e = error(&broken, &["asset.gao_mi8.count=3"]);
    assert!(e.contains("operating_tables") && !e.contains("the file alone is valid"), "{e}");
}

#[test]
fn a_misspelt_distribution_in_an_override_is_suggested_once() {
    let e = error(&base(), &["asset.unit.approval_min={ normal = { mean = 3, sd = 1 } }"]);
    assert!(e.contains("did you mean `lognormal`?"), "{e}");
    assert_eq!(e.matches("did you mean").count(), 1, "{e}");
}
