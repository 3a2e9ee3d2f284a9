//! `casevac schema`: the JSON Schema an editor checks a scenario against while it is typed. It
//! must accept every scenario the parser accepts (every bundled scenario, the guide's tutorial)
//! and refuse what the parser refuses for a name or a type, so an editor's squiggles and
//! `casevac validate` agree. The schema is checked by an independent validator (the
//! `jsonschema` crate), not by the code that wrote it.

mod common;

use serde_json::Value;
use std::process::Command;

/// The schema as the binary prints it.
fn schema() -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_casevac")).arg("schema").output().expect("the binary runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("casevac schema prints JSON")
}

/// A scenario's TOML as the JSON value an editor's plugin validates.
fn as_json(toml_text: &str) -> Value {
    toml::from_str(toml_text).expect("the text is TOML")
}

fn errors(validator: &jsonschema::Validator, text: &str) -> Vec<String> {
    validator.iter_errors(&as_json(text)).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

/// The guide's tutorial, the one complete scenario in docs/scenario-format.md.
fn tutorial() -> String {
    let md = std::fs::read_to_string("docs/scenario-format.md").unwrap();
    let start = md.find("```toml\n[scenario]").expect("the tutorial block") + "```toml\n".len();
    md[start..][..md[start..].find("```").unwrap()].to_string()
}

#[test]
fn the_schema_is_a_valid_draft_7_schema() {
    let schema = schema();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert!(jsonschema::meta::is_valid(&schema), "the schema is itself valid against its meta-schema");
    let properties = schema["properties"].as_object().expect("the top-level tables");
    for table in ["scenario", "site", "facility", "asset", "zone", "outcomes"] {
        assert!(properties.contains_key(table), "no `{table}` in the schema");
    }
}

#[test]
fn every_bundled_scenario_and_the_tutorial_validate() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    let mut texts: Vec<(String, String)> = common::bundled_scenarios()
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
        .collect();
    texts.push(("the guide's tutorial".into(), tutorial()));
    assert!(texts.len() >= 6);
    for (name, text) in &texts {
        casevac::scenario::parse(text, name).unwrap_or_else(|e| panic!("{name} does not parse: {e}"));
        let errs = errors(&validator, text);
        assert!(errs.is_empty(), "{name} fails the schema:\n{}", errs.join("\n"));
    }
}

const APPROVAL: &str = "approval_min = { lognormal = { mean = 60, cv = 1.0 } }";

#[test]
fn the_schema_refuses_what_the_parser_refuses_for_a_name_or_a_type() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    let base = std::fs::read_to_string("scenarios/sahel-north.toml").unwrap();
    assert!(errors(&validator, &base).is_empty());
    // Each edit makes the file wrong in one way; the parser and the schema must both refuse it.
    let edits: [(&str, &str, &str); 7] = [
        ("a misspelt field", "speed_kmh = ", "speed_kph = "),
        ("a number as a string", "speed_kmh = 200", "speed_kmh = \"200\""),
        ("an unknown word", "kind = \"helicopter\"", "kind = \"boat\""),
        ("an unknown top-level table", "[scenario]", "[scenarios]\nname = \"x\"\n\n[scenario]"),
        ("a distribution with two shapes", APPROVAL, "approval_min = { fixed = 5, exponential = { mean = 3 } }"),
        ("a distribution with an unknown shape", APPROVAL, "approval_min = { gamma = { k = 2 } }"),
        ("a missing required field", "first_aider_share = ", "x_first_aider_share = "),
    ];
    for (what, from, to) in edits {
        assert!(base.contains(from), "{what}: the file has no {from:?}");
        let bad = base.replacen(from, to, 1);
        assert!(casevac::scenario::parse(&bad, "bad.toml").is_err(), "{what}: the parser accepts it");
        assert!(!errors(&validator, &bad).is_empty(), "{what}: the schema accepts it");
    }
}

#[test]
fn the_schema_and_the_parser_agree_on_every_one_line_change_of_the_bundled_scenarios() {
    // For each `key = value` line of each bundled scenario: the line removed, its value a word,
    // a whole number, a boolean. Wherever the result is TOML, serde's reading of it (names,
    // types, required fields; not ranges, which only `validate` checks) and the schema must
    // say the same.
    let validator = jsonschema::validator_for(&schema()).unwrap();
    let (mut checked, mut refused) = (0, 0);
    for path in common::bundled_scenarios() {
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some((key, _)) = line.split_once(" = ").filter(|(k, _)| !k.starts_with('#')) else { continue };
            for replacement in [String::new(), format!("{key} = \"x\""), format!("{key} = 1"), format!("{key} = true")]
            {
                let mut changed = lines.clone();
                changed[i] = &replacement;
                let changed = changed.join("\n");
                if changed.parse::<toml::Table>().is_err() {
                    continue;
                }
                let serde = toml::from_str::<casevac::scenario::file::ScenarioFile>(&changed);
                let schema_errors = errors(&validator, &changed);
                assert_eq!(
                    serde.is_ok(),
                    schema_errors.is_empty(),
                    "{}:{}: `{replacement}`: serde {:?}, schema {schema_errors:?}",
                    path.display(),
                    i + 1,
                    serde.err().map(|e| e.message().to_string())
                );
                checked += 1;
                refused += usize::from(!schema_errors.is_empty());
            }
        }
    }
    assert!(checked > 2000 && refused > 1000, "{checked} changes checked, {refused} refused");
}
