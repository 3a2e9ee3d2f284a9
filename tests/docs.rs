//! Every TOML example in the scenario guide is checked, so the guide cannot drift from the code.

mod common;

use casevac::dist::DistSpec;

fn toml_blocks(md: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in md.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```toml") => current = Some(String::new()),
            (Some(b), "```") => {
                blocks.push(std::mem::take(b));
                current = None;
            }
            (Some(b), _) => {
                b.push_str(line);
                b.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

#[test]
fn every_example_in_the_guide_parses_and_full_scenarios_run() {
    let md = std::fs::read_to_string("docs/scenario-format.md").unwrap();
    let blocks = toml_blocks(&md);
    assert!(blocks.len() >= 2, "the guide has its examples");
    let mut scenarios = 0;
    let mut dists = 0;
    let mut levers = 0;
    let mut onward = 0;
    for block in &blocks {
        if block.contains("[[lever]]") {
            // A lever example names the bundled scenario's ids: it must compile as part of it.
            let text = std::fs::read_to_string("scenarios/sahel-north.toml").unwrap() + "\n" + block;
            let study = casevac::decide::Study { path: "guide".into(), text, base_set: Vec::new() };
            let m = study.model(&[]).unwrap_or_else(|e| panic!("{e}"));
            for l in casevac::decide::levers::file_levers(&m) {
                study.model(&l.overrides).unwrap_or_else(|e| panic!("lever '{}': {e}", l.name));
                levers += 1;
            }
        } else if block.contains("[onward]") {
            // The onward example needs a Level 3: it must compile in place of the eastern
            // highlands' own table.
            let bundled = std::fs::read_to_string("scenarios/east-highlands.toml").unwrap();
            let text = bundled.split("\n[onward]").next().unwrap().to_string() + "\n" + block;
            let m = common::model(&text);
            assert_eq!(m.onward.as_ref().map(|o| (o.deadline_min, o.target_pct)), Some((120.0, Some(80.0))));
            onward += 1;
        } else if block.contains("[scenario]") {
            let m = common::model(block);
            let (t, s) = common::run(&m, 1, 20);
            assert!(t.casualties > 0, "the tutorial produces casualties");
            assert!(s.steps.iter().all(|st| st.compliance.is_some()));
            scenarios += 1;
        } else {
            let table: toml::Table = toml::from_str(block).unwrap_or_else(|e| panic!("{e}\n{block}"));
            for (key, value) in table {
                let spec: DistSpec = value.try_into().unwrap_or_else(|e| panic!("{key}: {e}"));
                spec.compile(true).unwrap_or_else(|e| panic!("{key}: {e}"));
                dists += 1;
            }
        }
    }
    assert_eq!(scenarios, 2, "the tutorial scenario and the computed-daylight example");
    assert_eq!(levers, 1, "the [[lever]] example");
    assert_eq!(onward, 1, "the [onward] example");
    assert_eq!(dists, 8, "one example per distribution form");
}

/// The guide's sample `--set` errors are what the binary prints for those overrides on the
/// bundled Sahel file, message and help alike.
#[test]
fn the_guides_override_errors_are_what_validate_prints() {
    let md = std::fs::read_to_string("docs/scenario-format.md").unwrap();
    let lines: Vec<&str> = md.lines().collect();
    let mut checked = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line.strip_prefix("error: --set ") else { continue };
        let set = rest.split_once(": ").expect("error: --set KEY=VALUE: message").0;
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_casevac"))
            .args(["validate", "scenarios/sahel-north.toml", "--set", set])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{set}: {stderr}");
        assert!(stderr.lines().any(|l| l == *line), "the guide's\n{line}\nis not printed:\n{stderr}");
        let help = lines[i + 1];
        assert!(help.starts_with("  help: ") && stderr.lines().any(|l| l == help), "{help}\nnot in:\n{stderr}");
        checked += 1;
    }
    assert!(checked >= 3, "the guide shows its override errors: {checked}");
}
