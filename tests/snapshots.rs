//! What people read, compared whole: the terminal table, the `validate` description, every kind
//! of scenario error with its caret, the command line's help and failures, and the HTML report.
//!
//! A changed output fails here with a diff. Review it with `cargo insta review` (or rerun with
//! `INSTA_UPDATE=always` and read `git diff tests/snapshots/`), and commit the new snapshot with
//! the change that caused it.

mod common;

use common::*;

const SAHEL: &str = "scenarios/sahel-north.toml";

fn sahel() -> String {
    std::fs::read_to_string(SAHEL).unwrap()
}

/// The small scenario with `from` replaced by `to`, checking that `from` was there, so a change
/// to the scenario cannot silently turn an error test into one of a valid file.
fn small_with(from: &str, to: &str) -> String {
    let text = small_scenario();
    assert!(text.contains(from), "{from:?} is not in the small scenario");
    text.replacen(from, to, 1)
}

// --- the terminal table ----------------------------------------------------------------------

#[test]
fn table_small() {
    check_table("table_small", &small_scenario(), 7, 40);
}

/// Ten times the incidents for one helicopter: the queue pushes quantiles past 48 h, so the
/// marker for "later than the histogram holds" shows.
fn saturated() -> String {
    small_with("incidents_per_day = 2", "incidents_per_day = 20").replacen("count = 2", "count = 1", 1)
}

#[test]
fn table_saturated() {
    check_table("table_saturated", &saturated(), 5, 10);
}

/// The small scenario with a Level 3 at the base and onward evacuation on: the fourth row, its
/// label on a line of its own, and its note.
fn with_onward() -> String {
    small_scenario() + "\n[[facility]]\nid = \"l3\"\nsite = \"base\"\nlevel = \"level3\"\n\n[onward]\nenabled = true\n"
}

#[test]
fn table_with_onward() {
    check_table("table_with_onward", &with_onward(), 7, 40);
}

#[test]
fn validate_with_onward() {
    check_validate("validate_with_onward", &with_onward());
}

/// A long period's days are grouped in validate's summary, the run's header and the deaths'
/// label, which it fills: a space still parts the label from its figure.
#[test]
fn table_of_a_long_period_groups_its_days() {
    let text = small_with("incidents_per_day = 2", "incidents_per_day = 0.01").replacen(
        "period_days = 5",
        "period_days = 1200",
        1,
    );
    let described = casevac::report::describe::describe(&common::model(&text));
    assert!(described.contains(" per 1,200-day trial;"), "{described}");
    let (_, summary) = common::run(&common::model(&text), 7, 3);
    let table = casevac::report::table::render(&summary);
    assert!(table.contains("seed 7, 3 trials of 1,200 days"), "{table}");
    let deaths = table.lines().find(|l| l.contains("expected per")).expect("a deaths line");
    assert!(deaths.starts_with("  expected per 1,200-day trial "), "{deaths}");
    assert!(deaths["  expected per 1,200-day trial ".len()..].starts_with(|c: char| c.is_ascii_digit()), "{deaths}");
}

/// Deaths in the thousands read with their thousands grouped, as the days do: "1,234.56", every
/// figure of the deaths lines (a long period of many incidents, with assets enough that no
/// backlog builds).
#[test]
fn table_groups_thousands_of_deaths() {
    let text = small_with("incidents_per_day = 2", "incidents_per_day = 10")
        .replacen("period_days = 5", "period_days = 1200", 1)
        .replacen("count = 2", "count = 40", 1)
        .replacen("operating_tables = 1", "operating_tables = 40", 1);
    let (_, summary) = common::run(&common::model(&text), 7, 2);
    let per_trial = summary.deaths.as_ref().expect("the outcome model is on").per_trial;
    assert!(per_trial >= 1000.0, "{per_trial}: too few deaths to need a separator");
    let table = casevac::report::table::render(&summary);
    let deaths = table.lines().find(|l| l.contains("expected per")).expect("a deaths line");
    let figure = deaths["  expected per 1,200-day trial ".len()..].split(' ').next().unwrap();
    let whole = (per_trial * 100.0).round() as u64 / 100;
    let expected = format!("{},{:03}.", whole / 1000, whole % 1000);
    assert!(figure.starts_with(&expected), "{deaths}: want {expected}");
    // No run of four digits is left in the deaths lines, each of which holds a figure of
    // deaths per trial that is in the thousands here.
    let section = table.split_once("deaths of wounds").expect("a deaths section").1;
    for label in ["expected per", "sensitivity", "potentially preventable", "by severity", "by zone"] {
        let line = section.lines().find(|l| l.trim_start().starts_with(label)).expect(label);
        let longest = line.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
        assert!(longest < 4, "{line}");
    }
}

#[test]
fn table_sahel_north() {
    check_table("table_sahel_north", &sahel(), 1012, 300);
}

// --- validate --------------------------------------------------------------------------------

#[test]
fn validate_small() {
    check_validate("validate_small", &small_scenario());
}

#[test]
fn validate_sahel_north() {
    check_validate("validate_sahel_north", &sahel());
}

// --- scenario errors: one test per kind of message -------------------------------------------

#[test]
fn error_toml_syntax() {
    check_error("error_toml_syntax", &small_with("[[site]]\nid = \"base\"", "[[site]\nid = \"base\""));
}

#[test]
fn error_wrong_type() {
    check_error("error_wrong_type", &small_with("count = 2", "count = \"two\""));
}

#[test]
fn error_wrong_type_of_float() {
    check_error("error_wrong_type_of_float", &small_with("speed_kmh = 250", "speed_kmh = \"fast\""));
}

#[test]
fn error_unknown_word() {
    check_error("error_unknown_word", &small_with("kind = \"helicopter\"", "kind = \"boat\""));
}

#[test]
fn error_unknown_field() {
    check_error("error_unknown_field", &small_with("speed_kmh = 250", "speed_kph = 250"));
}

#[test]
fn error_name_and_type_problems_all_at_once() {
    // Three problems serde would stop at one by one: a misspelt field (with its likely
    // intent), an unknown word and a wrong type; the misspelt field's absence is not a fourth.
    let body = small_with("speed_kmh = 250", "speed_kph = 250");
    let body = body.replacen("count = 2", "count = \"two\"", 1).replacen(
        "first_aider_share = ",
        "first_aider_share = \"most\" #",
        1,
    );
    check_error("error_name_and_type_problems_all_at_once", &body);
}

#[test]
fn error_missing_required_field() {
    check_error("error_missing_required_field", &small_with("speed_kmh = 250\n", ""));
}

#[test]
fn error_missing_scenario_section() {
    let text = small_scenario();
    let (start, end) = (text.find("[scenario]").unwrap(), text.find("[[site]]").unwrap());
    check_error("error_missing_scenario_section", &format!("{}{}", &text[..start], &text[end..]));
}

#[test]
fn error_out_of_range_number() {
    check_error("error_out_of_range_number", &small_with("speed_kmh = 250", "speed_kmh = -200"));
}

#[test]
fn error_out_of_range_count() {
    check_error("error_out_of_range_count", &small_with("count = 2", "count = 0"));
}

#[test]
fn error_out_of_range_share() {
    check_error("error_out_of_range_share", &small_with("first_aider_share = 0.7", "first_aider_share = 1.7"));
}

#[test]
fn error_not_a_time_of_day() {
    check_error("error_not_a_time_of_day", &small_with("sunrise = \"06:00\"", "sunrise = \"6am\""));
}

#[test]
fn error_sunset_before_sunrise() {
    check_error("error_sunset_before_sunrise", &small_with("sunset = \"18:30\"", "sunset = \"05:30\""));
}

#[test]
fn error_unknown_id_reference() {
    check_error("error_unknown_id_reference", &small_with("base = \"base\"", "base = \"bass\""));
}

#[test]
fn error_unknown_id_with_none_defined() {
    let text = small_with("[[site]]\nid = \"base\"\nlat = 0.0\nlon = 0.0\n", "");
    let text = text.replacen("[[site]]\nid = \"hospital\"\nlat = 0.0\nlon = 1.0\n", "", 1);
    check_error("error_unknown_id_with_none_defined", &text);
}

#[test]
fn error_duplicate_id() {
    check_error("error_duplicate_id", &small_with("id = \"hospital\"", "id = \"base\""));
}

#[test]
fn error_empty_id() {
    check_error("error_empty_id", &small_with("id = \"unit\"", "id = \" \""));
}

#[test]
fn error_bad_distribution() {
    check_error("error_bad_distribution", &small_with("min = 45, mode = 90", "min = 95, mode = 90"));
}

#[test]
fn error_casualties_out_of_range() {
    check_error("error_casualties_out_of_range", &small_with("values = [1, 2, 4]", "values = [1, 2, 40000]"));
}

#[test]
fn error_severity_shares_do_not_sum_to_one() {
    check_error("error_severity_shares_do_not_sum_to_one", &small_with("t1 = 0.3, t2 = 0.3", "t1 = 0.4, t2 = 0.3"));
}

#[test]
fn error_zone_without_shape() {
    check_error("error_zone_without_shape", &small_with("radius_km = 30\n", ""));
}

#[test]
fn error_polygon_too_few_points() {
    let text = small_with("centre = { lat = 0.0, lon = 0.7 }\nradius_km = 30", "polygon = [[0.0, 0.5], [0.1, 0.5]]");
    check_error("error_polygon_too_few_points", &text);
}

#[test]
fn error_polygon_without_area() {
    let text = small_with(
        "centre = { lat = 0.0, lon = 0.7 }\nradius_km = 30",
        "polygon = [\n  [0.0, 0.5],\n  [0.1, 0.5],\n  [0.2, 0.5],\n]",
    );
    check_error("error_polygon_without_area", &text);
}

#[test]
fn error_zone_without_incidents() {
    check_error("error_zone_without_incidents", &small_with("incidents_per_day = 2\n", ""));
}

#[test]
fn error_scheduled_hours_outside_the_period() {
    let text = small_with("incidents_per_day = 2", "incidents_per_day = 2\nscheduled_hours = [1, 500]");
    check_error("error_scheduled_hours_outside_the_period", &text);
}

#[test]
fn error_surgery_without_operating_table() {
    check_error("error_surgery_without_operating_table", &small_with("operating_tables = 1", "operating_tables = 0"));
}

#[test]
fn error_surgery_without_resuscitation() {
    check_error(
        "error_surgery_without_resuscitation",
        &small_with("level = \"level2\"", "level = \"level2\"\nresuscitation = false"),
    );
}

#[test]
fn error_weather_grounding_on_a_ground_asset() {
    check_error("error_weather_grounding_on_a_ground_asset", &small_with("kind = \"helicopter\"", "kind = \"ground\""));
}

#[test]
fn error_air_only_zone_without_helicopter() {
    let text = small_with("kind = \"helicopter\"", "kind = \"ground\"").replacen("weather_grounding = 0.1\n", "", 1);
    check_error(
        "error_air_only_zone_without_helicopter",
        &text.replacen("radius_km = 30", "radius_km = 30\nair_only = true", 1),
    );
}

#[test]
fn error_no_surgical_facility() {
    check_error(
        "error_no_surgical_facility",
        &small_with("level = \"level2\"\noperating_tables = 1", "level = \"level1\""),
    );
}

#[test]
fn error_too_many_casualties_a_trial() {
    check_error(
        "error_too_many_casualties_a_trial",
        &small_with("incidents_per_day = 2", "incidents_per_day = 1000\nscheduled_hours = [1]").replacen(
            "period_days = 5",
            "period_days = 3000",
            1,
        ),
    );
}

#[test]
fn error_missing_sections_have_no_line() {
    let text = small_scenario();
    let cut = text.find("[[facility]]").unwrap();
    check_error("error_missing_sections_have_no_line", &text[..cut]);
}

#[test]
fn error_caret_counts_characters_not_bytes() {
    // A name with accents before the value: the caret must sit under the value all the same.
    let text = small_with("base = \"base\"", "name = \"Hélicoptère\"\nbase = \"bäse\"");
    check_error("error_caret_counts_characters_not_bytes", &text);
}

#[test]
fn error_several_problems_at_once() {
    let text = small_with("speed_kmh = 250", "speed_kmh = -200")
        .replacen("base = \"base\"", "base = \"nowhere\"", 1)
        .replacen("serviceability = 0.8", "serviceability = 1.7", 1)
        .replacen("t1 = 0.3, t2 = 0.3", "t1 = 0.4, t2 = 0.3", 1);
    check_error("error_several_problems_at_once", &text);
}

// --- the command line ------------------------------------------------------------------------

#[test]
fn cli_help() {
    check_cli("cli_help", &["--help"], &[]);
}

#[test]
fn cli_run_help() {
    check_cli("cli_run_help", &["run", "--help"], &[]);
}

#[test]
fn cli_compare_help() {
    check_cli("cli_compare_help", &["compare", "--help"], &[]);
}

#[test]
fn cli_levers_help() {
    check_cli("cli_levers_help", &["levers", "--help"], &[]);
}

#[test]
fn cli_sweep_help() {
    check_cli("cli_sweep_help", &["sweep", "--help"], &[]);
}

#[test]
fn cli_place_help() {
    check_cli("cli_place_help", &["place", "--help"], &[]);
}

#[test]
fn cli_compare_a_change_made_with_set_alt() {
    let files = [("small.toml", small_scenario())];
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    check_cli(
        "cli_compare_set_alt",
        &["compare", "small.toml", "--set-alt", "asset.unit.count=4", "-n", "60", "--seed", "7"],
        &files,
    );
}

#[test]
fn cli_validate_help() {
    check_cli("cli_validate_help", &["validate", "--help"], &[]);
}

#[test]
fn cli_validate_bad_file() {
    let bad = small_with("speed_kmh = 250", "speed_kmh = -200").replacen("base = \"base\"", "base = \"nowhere\"", 1);
    check_cli("cli_validate_bad_file", &["validate", "bad.toml"], &[("bad.toml", &bad)]);
}

#[test]
fn cli_validate_good_file() {
    check_cli("cli_validate_good_file", &["validate", "small.toml"], &[("small.toml", &small_scenario())]);
}

#[test]
fn cli_run() {
    check_cli("cli_run", &["run", "small.toml", "-n", "20", "--seed", "3"], &[("small.toml", &small_scenario())]);
}

// --- the HTML report -------------------------------------------------------------------------

#[test]
fn html_small() {
    check_html("html_small", &small_scenario(), 7, 40);
}

#[test]
fn html_saturated() {
    check_html("html_saturated", &saturated(), 5, 10);
}

// --- the table and the HTML agree --------------------------------------------------------------

/// The numbers in `text`, in order: "68.3% [62.7, 73.4]" gives 68.3, 62.7 and 73.4, and
/// "1,575" is one number.
fn numbers(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || (matches!(chars[i], '.' | ',') && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
            {
                i += 1;
            }
            found.push(chars[start..i].iter().collect());
        } else {
            i += 1;
        }
    }
    found
}

/// The HTML as text, one table row or list item a line, tags replaced by spaces.
fn html_lines(html: &str) -> Vec<String> {
    let broken = html.replace("<tr>", "\n<tr>").replace("<li>", "\n<li>").replace("<p", "\n<p");
    broken
        .lines()
        .map(|line| {
            let mut text = String::new();
            let mut in_tag = false;
            for c in line.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' if in_tag => {
                        in_tag = false;
                        text.push(' ');
                    }
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text.replace("&gt;", ">")
        })
        .collect()
}

/// The one line of `lines` that starts with `head` (after indentation) and contains `with`.
fn line<'a>(lines: &'a [String], head: &str, with: &str) -> &'a str {
    let found: Vec<&String> = lines.iter().filter(|l| l.trim_start().starts_with(head) && l.contains(with)).collect();
    assert_eq!(found.len(), 1, "one line starting {head:?} with {with:?}: {found:?}");
    found[0]
}

#[test]
fn table_and_html_show_the_same_numbers() {
    use casevac::report::html::{RunMeta, render};
    let model = casevac::scenario::load(std::path::Path::new(SAHEL)).unwrap();
    let (_, summary) = run(&model, 11, 100);
    assert!(summary.casualties >= 1000, "a four-digit count, so thousands separators show");
    let table: Vec<String> = casevac::report::table::render(&summary).lines().map(String::from).collect();
    let meta = RunMeta { date_utc: "2026-01-01".into(), map_grid: "none".into() };
    let html = html_lines(&render(&model, &summary, &[], &meta, None));

    let casualties = |l: &str| numbers(l)[0].clone();
    assert_eq!(
        casualties(line(&table, "", "casualties simulated in")),
        casualties(line(&html, "", "casualties simulated in"))
    );
    for st in &summary.steps {
        // The table gives share, interval and quantiles; the HTML adds the casualties counted.
        let title = casevac::report::step_title(st.step, st.threshold_min);
        let (t, h) = (numbers(line(&table, &title, "")), numbers(line(&html, &title, "")));
        assert_eq!(t[..], h[..h.len() - 1], "{title}");
    }
    for g in summary.by_severity.iter().chain(&summary.by_zone).chain(&summary.by_time_of_day) {
        // Same figures, in another order: the HTML puts the count first, the table last.
        // A group's HTML row holds a share with its interval, or says a step does not count it.
        let with = if g.steps.iter().any(|s| s.eligible > 0) { "%)" } else { "not counted" };
        // The HTML names a zone as the charts do; the table gives its id.
        let named = model.zone_name(&g.group);
        let (mut t, mut h) = (numbers(line(&table, &g.group, "n=")), numbers(line(&html, named, with)));
        t.sort();
        h.sort();
        assert_eq!(t, h, "{}", g.group);
    }
    for m in summary.misses.iter().filter(|m| m.missed > 0) {
        // The HTML lists one cause more than the table.
        let (t, h) = (numbers(line(&table, m.step.label(), "missed:")), numbers(line(&html, m.step.label(), "missed")));
        assert_eq!(t[..], h[..t.len()], "{}", m.step.label());
    }
}

#[test]
fn the_table_adapts_to_the_width_it_is_given() {
    // A zone id too long for the label column at 100 columns, which a wider terminal has room
    // for: it stands on its own line at 100 and in line with its figures at 140.
    let long = "kidal_camp_and_northern_approach";
    let text = std::fs::read_to_string("scenarios/sahel-north.toml")
        .unwrap()
        .replace("\"kidal_camp\"", &format!("\"{long}\""));
    let model = common::model(&text);
    let (_, summary) = common::run(&model, 1012, 20);
    for (width, inline) in [(100, false), (140, true)] {
        let table = casevac::report::table::render_in(&summary, width);
        let wide: Vec<&str> = table.lines().filter(|l| l.chars().count() > width).collect();
        assert!(wide.is_empty(), "at {width} columns:\n{}", wide.join("\n"));
        let zone_row = table
            .lines()
            .skip_while(|l| !l.starts_with("by zone"))
            .find(|l| l.trim_start().starts_with(long))
            .unwrap_or_else(|| panic!("no row for the long id at {width}:\n{table}"));
        assert_eq!(zone_row.contains("n="), inline, "at {width} columns: {zone_row:?}");
    }
}
