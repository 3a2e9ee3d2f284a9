//! Every bundled scenario validates, runs, and documents itself, so none can rot.

mod common;

#[test]
fn every_bundled_scenario_validates_and_runs() {
    let files = common::bundled_scenarios();
    assert!(!files.is_empty());
    for path in files {
        let m = casevac::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let (t, s) = common::run(&m, 3, 20);
        assert!(t.casualties > 0, "{}: no casualties", path.display());
        assert_eq!(t.outcomes.iter().sum::<u64>(), t.casualties, "{}", path.display());
        assert!(s.steps[0].compliance.is_some());
    }
}

#[test]
fn every_bundled_scenario_opens_with_its_question_assumptions_and_sources() {
    for path in common::bundled_scenarios() {
        let text = std::fs::read_to_string(&path).unwrap();
        let header: String =
            text.lines().take_while(|l| l.starts_with('#') || l.is_empty()).collect::<Vec<_>>().join("\n");
        for needle in ["Question:", "ILLUSTRATIVE", "Sources", "What a default run shows"] {
            assert!(header.contains(needle), "{}: header lacks {needle:?}", path.display());
        }
    }
}

#[test]
fn the_course_of_action_pair_differs_only_in_the_proposed_change() {
    // Compare the two files block by block (blocks are separated by blank lines).
    let blocks = |path: &str| {
        let text = std::fs::read_to_string(path).unwrap();
        let at = text.find("\n[scenario]").unwrap();
        text[at..].split("\n\n").map(str::to_string).collect::<Vec<_>>()
    };
    let base = blocks("scenarios/sahel-north.toml");
    let coa = blocks("scenarios/sahel-north-fst-kidal.toml");
    assert_eq!(base.len(), coa.len());
    let differing: Vec<(&String, &String)> = base.iter().zip(&coa).filter(|(a, b)| a != b).collect();
    assert_eq!(differing.len(), 2, "only the scenario name and one facility change: {differing:#?}");
    assert!(differing[0].1.contains("forward surgical team at Kidal"));
    assert!(differing[1].0.contains("id = \"kidal_l1\"") && differing[1].0.contains("level = \"level1\""));
    assert!(differing[1].1.contains("id = \"kidal_l1\"") && differing[1].1.contains("level = \"level1plus\""));
}

/// Charts, maps and reports name sites, facilities, assets and zones by their `name`, falling
/// back to the bare id: a bundled scenario gives every one a name, so no analyst reads
/// "bambari_amb" on a chart.
#[test]
fn every_bundled_scenario_names_everything_a_chart_shows() {
    for path in common::bundled_scenarios() {
        let m = casevac::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let ids_and_names = m
            .sites
            .iter()
            .map(|s| (&s.id, &s.name))
            .chain(m.facilities.iter().map(|f| (&f.id, &f.name)))
            .chain(m.assets.iter().map(|a| (&a.id, &a.name)))
            .chain(m.zones.iter().map(|z| (&z.id, &z.name)));
        let unnamed: Vec<&String> = ids_and_names.filter(|(id, name)| id == name).map(|(id, _)| id).collect();
        assert!(unnamed.is_empty(), "{}: no name for {unnamed:?}", path.display());
    }
}
