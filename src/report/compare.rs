//! A comparison's outputs: the terminal table, CSV and JSON, and the order they are written in.

use super::fmt::{Count, Days, Label, Maybe, Minutes, Pct, Points, PointsInterval, Style};
use super::table::{WIDTH, few_trials_note, label_width, row_label, wrap};
use super::{OutputPaths, step_title, write_atomic};
use crate::compare::{AltResult, Comparison, GroupDiff, MeanChange, PairedFigures, StepDiff};
use crate::coverage::Coverage;
use crate::model::Model;
use anyhow::Context;
use std::fmt::Write;

/// Columns line up in any terminal, so ASCII only.
const S: Style = Style::Plain;

/// The letter a table uses for variant `i`: A for the base, then B, C, … Z, and past Z two
/// letters, AA, AB, … as a spreadsheet names its columns, so no two variants share a name.
pub(super) fn letter(i: usize) -> String {
    let mut name = Vec::new();
    let mut n = i + 1;
    while n > 0 {
        n -= 1;
        name.push(char::from(b'A' + (n % 26) as u8));
        n /= 26;
    }
    name.iter().rev().collect()
}

fn headline_row(o: &mut String, title: &str, d: &StepDiff) {
    let _ = writeln!(o, "  {title:<28}{}", headline_figures(&d.figures));
}

/// A headline row's figures after its label: both shares, the difference, its interval, the verdict.
fn headline_figures(f: &PairedFigures) -> String {
    format!(
        "{:>8}{:>8}{:>11}{:>17}  {}",
        Maybe(f.base.map(Pct), S),
        Maybe(f.alt.map(Pct), S),
        Maybe(f.difference.map(Points), S),
        Maybe(f.ci95_low.zip(f.ci95_high).map(|(l, h)| PointsInterval(l, h)), S),
        f.verdict.map_or(S.missing(), |v| v.label())
    )
}

/// A cell of a difference table: `+55.0 pts [+38.9, +71.1]`, and two spaces.
const CELL: usize = 26;

/// Whether step `k` counts `group`: with `scopes`, the groups are triage categories, and a
/// step the base does not count a category for is said so, not shown as a missing figure.
pub(super) fn counted(scopes: Option<&[crate::summary::StepScope]>, k: usize, group: &str) -> bool {
    scopes.is_none_or(|sc| sc[k].categories.contains(&group))
}

/// One row per group; with `scopes`, the groups are triage categories and a step the base does
/// not count a category for says so.
fn group_rows(
    o: &mut String,
    title: &str,
    groups: &[GroupDiff],
    scopes: Option<&[crate::summary::StepScope]>,
    width: usize,
) {
    let min = title.chars().count().saturating_sub(2).max(12);
    let w = label_width(groups.iter().map(|g| g.group.as_str()), min, 2 + 3 * CELL, width);
    let _ =
        writeln!(o, "\n{title:<tw$}{:>CELL$}{:>CELL$}{:>CELL$}", "first aid", "resuscitation", "surgery", tw = w + 2);
    for g in groups {
        row_label(o, "  ", &g.group, w);
        for (k, d) in g.steps.iter().enumerate() {
            let cell = match (d.figures.difference, d.figures.ci95_low.zip(d.figures.ci95_high)) {
                _ if !counted(scopes, k, &g.group) => "not counted".to_string(),
                (Some(x), Some((l, h))) => format!("{} {}", Points(x), PointsInterval(l, h)),
                (Some(x), None) => Points(x).to_string(),
                _ => S.missing().to_string(),
            };
            // (A cell as wide as `+100.0 pts [-37.8, +100.0]` still keeps a space before it.)
            let _ = write!(o, " {cell:>w$}", w = CELL - 1);
        }
        let _ = writeln!(o);
    }
}

fn change_rows(o: &mut String, title: &str, b: &str, rows: &[MeanChange], as_share: bool, width: usize) {
    // Asset and facility ids are the planner's own words, shown as in the file; phase keys
    // are read as words.
    let names: Vec<String> =
        rows.iter().map(|r| if as_share { r.name.clone() } else { Label(&r.name).to_string() }).collect();
    let min = title.chars().count().saturating_sub(2).max(12);
    let w = label_width(names.iter().map(String::as_str), min, 2 + 30, width);
    let _ = writeln!(o, "\n{title:<tw$}{:>10}{:>10}{:>10}", "A", b, "change", tw = w + 2);
    for (r, name) in rows.iter().zip(&names) {
        row_label(o, "  ", name, w);
        let [a, alt, change] = change_cells(r, as_share, S);
        let _ = writeln!(o, "{a:>10}{alt:>10}{change:>10}");
    }
}

/// A mean with and without the change, and the change: a share in percent (its change in
/// points), or minutes to a tenth. The terminal's table and the report's page write the same.
pub(super) fn change_cells(r: &MeanChange, as_share: bool, style: Style) -> [String; 3] {
    if as_share {
        [
            Maybe(r.base.map(Pct), style).to_string(),
            Maybe(r.alt.map(Pct), style).to_string(),
            Maybe(r.change.map(Points), style).to_string(),
        ]
    } else {
        [r.base, r.alt, r.change].map(|m| format!("{:.1}", Maybe(m.map(Minutes), style)))
    }
}

/// The facilities' rows that operate in either scenario (a facility without tables in both has
/// no table time or daily operations to compare).
pub(super) fn operating_in_either(rows: &[MeanChange]) -> Vec<MeanChange> {
    rows.iter().filter(|r| r.base.is_some() || r.alt.is_some()).cloned().collect()
}

fn alternative(o: &mut String, c: &Comparison, k: usize, a: &AltResult, width: usize) {
    let b = letter(k + 1);
    let _ = writeln!(
        o,
        "\n{:<30}{:>8}{:>8}{:>11}{:>17}  verdict",
        format!("{b} against A"),
        "A",
        b,
        "difference",
        "95% CI"
    );
    for d in &a.steps {
        let title = if d.base_threshold_min == d.alt_threshold_min {
            step_title(d.step, d.base_threshold_min)
        } else {
            format!("{} (deadline changed)", d.step.label())
        };
        headline_row(o, &title, d);
    }
    if let Some(d) = &a.onward {
        // Its label says whom it counts: on a line of its own when it is longer than the column.
        let title = if d.base_deadline_min == d.alt_deadline_min {
            d.milestone.clone()
        } else {
            "onward to Level 3 (deadline changed)".to_string()
        };
        row_label(o, "  ", &title, 28);
        let _ = writeln!(o, "{}", headline_figures(&d.figures));
    }
    wrap(
        o,
        "  ",
        &format!(
            "(differences in percentage points (pts), {b} minus A; 95% confidence intervals (CI) from paired trials, \
             each on its own: among many rows one may exclude zero by chance)"
        ),
        width,
    );
    if let Some(l) = &a.lives_saved {
        let f = LivesFigures::of(l);
        let interval = |i: &Option<(String, String)>| {
            i.as_ref().map_or(String::new(), |(lo, hi)| format!(" (95% CI {lo} to {hi})"))
        };
        let year = f.per_year.as_ref().map_or(String::new(), |(y, i)| format!(", {y} a year{}", interval(i)));
        let text = format!(
            "{} a trial{}{year}: {}",
            f.per_trial,
            interval(&f.interval),
            l.verdict.map_or(S.missing(), |v| v.label())
        );
        wrap(o, &format!("  {:<28}", "lives saved (modelled)"), &text, width);
        let text = format!(
            "{} and {} a trial with the outcome parameters giving the fewest and the most deaths",
            f.low_params, f.high_params
        );
        wrap(o, &format!("  {:<28}", ""), &text, width);
    }
    if let Some(d) = a.steps.iter().rev().find(|d| d.figures.paired_half_width.is_some_and(|h| h > 0.0)) {
        let f = &d.figures;
        let text = format!(
            "pairing: {} ±{:.2} pts; two independent runs: ±{:.2} pts{}",
            d.step.label(),
            f.paired_half_width.unwrap_or(0.0) * 100.0,
            f.independent_half_width.unwrap_or(0.0) * 100.0,
            f.variance_reduction.map_or(String::new(), |v| format!(" ({v:.1}x the trials)"))
        );
        wrap(o, "  ", &text, width);
    }
    // A variant in which nobody needed the step has no time to it: "-", not "beyond 48 h".
    let both = |f: &PairedFigures| {
        let median = |share: Option<f64>, m: Option<f64>| {
            share.map_or(S.missing().to_string(), |_| super::fmt::Quantile(m).to_string())
        };
        format!("{} -> {}", median(f.base, f.base_median_min), median(f.alt, f.alt_median_min))
    };
    let mut medians: Vec<String> = a.steps.iter().map(|d| format!("{} {}", d.step.label(), both(&d.figures))).collect();
    if let Some(d) = &a.onward {
        medians.push(format!("onward (from surgery) {}", both(&d.figures)));
    }
    wrap(o, "  median minutes: ", &medians.join(", "), width);
    if a.casualty_mismatch_trials == 0 {
        let _ = writeln!(o, "  the same casualties as A in every trial");
    } else {
        let text = format!(
            "note: the casualties differ from A's in {} of {} trials (a zone's casualty figures changed)",
            Count(a.casualty_mismatch_trials),
            Count(c.run.trials)
        );
        wrap(o, "  ", &text, width);
    }
    let scopes = Some(&c.base.summary.scenario.step_scopes[..]);
    group_rows(o, &format!("{b} - A by severity"), &a.by_severity, scopes, width);
    group_rows(o, &format!("{b} - A by zone"), &a.by_zone, None, width);
    group_rows(o, &format!("{b} - A by wounding"), &a.by_time_of_day, None, width);
    change_rows(o, "where the minutes go (mean)", &b, &a.phases_min, false, width);
    change_rows(o, "asset utilisation", &b, &a.asset_utilisation, true, width);
    for (title, changes) in
        [("operating table utilisation", &a.table_utilisation), ("daily operations used", &a.daily_operations_used)]
    {
        let rows = operating_in_either(changes);
        if !rows.is_empty() {
            change_rows(o, title, &b, &rows, true, width);
        }
    }
}

/// Renders the comparison as plain text in [`WIDTH`] columns.
pub fn render_table(c: &Comparison) -> String {
    render_table_in(c, WIDTH)
}

/// Renders the comparison as plain text in `width` columns: the answer first (each
/// alternative's headline differences and verdicts), then where the differences come from.
pub fn render_table_in(c: &Comparison, width: usize) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Comparison on common random numbers (casevac {})", c.casevac_version);
    let text = format!(
        "seed {}, {} of {}: the same incidents, weather and delays in each",
        c.run.seed,
        crate::report::fmt::Counted(c.run.trials, "paired trial"),
        Days(c.base.summary.scenario.period_days)
    );
    wrap(&mut o, "", &text, width);
    if let Some(p) = &c.run.partial {
        wrap(&mut o, "", &p.note(c.run.trials), width);
    }
    few_trials_note(&mut o, c.run.trials, width);
    wrap(&mut o, "  A  ", &format!("{} (base)", c.base.label), width);
    wrap(&mut o, "     ", &c.base.summary.scenario.name, width);
    for (k, a) in c.alternatives.iter().enumerate() {
        let name = letter(k + 1);
        wrap(&mut o, &format!("  {name}  "), &a.variant.label, width);
        // (Past Z a name takes two letters, and the scenario's name its column.)
        wrap(&mut o, &" ".repeat(name.len() + 4), &a.variant.summary.scenario.name, width);
    }
    for (k, a) in c.alternatives.iter().enumerate() {
        alternative(&mut o, c, k, a, width);
    }
    o
}

/// The one file of a comparison's CSV folder.
pub const CSV_FILE: &str = "comparison.csv";

/// One row per alternative, group and step: the figures of the difference tables.
pub fn to_csv(c: &Comparison) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "alternative",
        "group_kind",
        "group",
        "step",
        "base_share",
        "alt_share",
        "difference",
        "ci95_low",
        "ci95_high",
        "paired_half_width",
        "independent_half_width",
        "verdict",
        "base_median_min",
        "alt_median_min",
    ])?;
    for a in &c.alternatives {
        let headline = GroupDiff { group: "all".into(), steps: a.steps.clone() };
        let kinds = [
            ("all", std::slice::from_ref(&headline)),
            ("severity", &a.by_severity[..]),
            ("zone", &a.by_zone[..]),
            ("time_of_day", &a.by_time_of_day[..]),
        ];
        for (kind, groups) in kinds {
            for g in groups {
                for d in &g.steps {
                    w.write_record(csv_record([&a.variant.label, kind, &g.group, d.step.key()], &d.figures))?;
                }
            }
        }
        if let Some(d) = &a.onward {
            w.write_record(csv_record([&a.variant.label, "all", "all", crate::model::ONWARD_KEY], &d.figures))?;
        }
    }
    w.into_inner().context("cannot finish the CSV")
}

/// The comparison's CSV file of lives saved, where both scenarios run the outcome model.
pub const LIVES_CSV_FILE: &str = "lives_saved.csv";

/// Every file a comparison's CSV folder may hold: its outputs are checked, and the folder
/// replaced, with these, whether or not this comparison has lives to write.
pub fn csv_file_names() -> Vec<String> {
    [CSV_FILE, LIVES_CSV_FILE, "run.csv"].map(String::from).to_vec()
}

/// One row per alternative: the lives it saves against the base (modelled deaths of wounds
/// avoided), with the paired interval; none where no alternative has the figure.
fn lives_csv(c: &Comparison) -> anyhow::Result<Option<Vec<u8>>> {
    if c.alternatives.iter().all(|a| a.lives_saved.is_none()) {
        return Ok(None);
    }
    let v = |x: Option<f64>| super::fmt::Value(x).to_string();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "alternative",
        "lives_saved_per_trial",
        "ci95_low_per_trial",
        "ci95_high_per_trial",
        "lives_saved_per_year",
        "ci95_low_per_year",
        "ci95_high_per_year",
        "per_trial_low_params",
        "per_trial_high_params",
        "verdict",
    ])?;
    for a in &c.alternatives {
        let Some(l) = &a.lives_saved else { continue };
        w.write_record([
            a.variant.label.clone(),
            v(Some(l.per_trial)),
            v(l.ci95_low),
            v(l.ci95_high),
            v(l.per_year),
            v(l.per_year_ci95_low),
            v(l.per_year_ci95_high),
            v(Some(l.per_trial_low_params)),
            v(Some(l.per_trial_high_params)),
            l.verdict.map_or(String::new(), |x| super::csv_out::json_word(&x)),
        ])?;
    }
    Ok(Some(w.into_inner().context("cannot finish the CSV")?))
}

/// Writes every output `paths` asks for, in one fixed order (JSON, CSV, report), and returns a
/// line per output saying where it went. The coverage maps are costly, so they are computed, by
/// `maps` (the base's, then each alternative's, on one grid), only when a report is asked for;
/// the report is made before any output is written, as a run's is
/// ([`super::write_outputs`]).
pub fn write_outputs(
    paths: &OutputPaths,
    base: &Model,
    alts: &[Model],
    comparison: &Comparison,
    maps: impl FnOnce() -> (Vec<Coverage>, super::html::RunMeta),
) -> anyhow::Result<Vec<String>> {
    let report = match &paths.report {
        Some(_) => {
            let (maps, meta) = maps();
            Some(super::compare_report::files(base, alts, comparison, &maps, &meta, paths.chart_scale)?)
        }
        None => None,
    };
    let mut notes = Vec::new();
    if let Some(path) = &paths.json {
        write_atomic(path, super::to_json(comparison).as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        notes.push(format!("JSON written to {}", path.display()));
    }
    if let Some(dir) = &paths.csv {
        let base = &comparison.base.summary;
        let run = super::csv_out::run_csv(&comparison.casevac_version, &base.scenario, &comparison.run)?;
        let mut files = vec![(CSV_FILE.to_string(), to_csv(comparison)?), ("run.csv".to_string(), run)];
        if let Some(lives) = lives_csv(comparison)? {
            files.push((LIVES_CSV_FILE.to_string(), lives));
        }
        super::files::write_folder(dir, &files, &csv_file_names())?;
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        notes.push(format!("CSV written to {} ({})", dir.display(), names.join(", ")));
    }
    if let (Some(dir), Some(files)) = (&paths.report, &report) {
        // One folder that appears whole or not at all, as a run's report does.
        super::write_folder(dir, files, &super::compare_report::file_names())?;
        notes.push(format!("report written to {}", dir.join("report.html").display()));
    }
    Ok(notes)
}

/// A row of the comparison's CSV: variant, group kind, group, step, then the paired figures.
fn csv_record(names: [&str; 4], f: &PairedFigures) -> Vec<String> {
    let v = |x: Option<f64>| super::fmt::Value(x).to_string();
    let mut row: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    row.extend([
        v(f.base),
        v(f.alt),
        v(f.difference),
        v(f.ci95_low),
        v(f.ci95_high),
        v(f.paired_half_width),
        v(f.independent_half_width),
        f.verdict.map_or(String::new(), |x| super::csv_out::json_word(&x)),
        v(f.base_median_min),
        v(f.alt_median_min),
    ]);
    row
}

/// Lives saved as the terminal and the HTML page both write them. Small effects keep two
/// significant figures, so 0.007 and 0.014 do not both read 0.01; the per-year figures keep
/// their own.
pub(super) struct LivesFigures {
    pub per_trial: String,
    pub interval: Option<(String, String)>,
    /// Per year, with its interval; none where every incident is scheduled.
    pub per_year: Option<(String, Option<(String, String)>)>,
    pub low_params: String,
    pub high_params: String,
}

impl LivesFigures {
    pub(super) fn of(l: &crate::compare::LivesSavedResult) -> LivesFigures {
        let trial = decimals(&[l.per_trial, l.per_trial_low_params, l.per_trial_high_params], 2);
        let pair = |lo: Option<f64>, hi: Option<f64>, digits: usize| {
            lo.zip(hi).map(|(lo, hi)| (fixed(lo, digits), fixed(hi, digits)))
        };
        LivesFigures {
            per_trial: fixed(l.per_trial, trial),
            interval: pair(l.ci95_low, l.ci95_high, trial),
            per_year: l.per_year.map(|y| {
                let digits = decimals(&[y], 1);
                (fixed(y, digits), pair(l.per_year_ci95_low, l.per_year_ci95_high, digits))
            }),
            low_params: fixed(l.per_trial_low_params, trial),
            high_params: fixed(l.per_trial_high_params, trial),
        }
    }
}

/// Decimals that show the largest of `values` to two significant figures, at least `min` and
/// at most four.
fn decimals(values: &[f64], min: usize) -> usize {
    let largest = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if largest == 0.0 || !largest.is_finite() {
        return min;
    }
    let digits = (1.0 - largest.log10().floor()).max(0.0) as usize;
    digits.clamp(min, 4)
}

/// `x` with `digits` decimals, a rounded negative zero written as zero.
fn fixed(x: f64, digits: usize) -> String {
    let text = format!("{x:.digits$}");
    if text.starts_with('-') && text[1..].chars().all(|c| c == '0' || c == '.') { text[1..].to_string() } else { text }
}

#[cfg(test)]
mod tests {
    use super::{decimals, fixed, letter};

    #[test]
    fn small_effects_keep_two_significant_figures_and_no_negative_zero() {
        assert_eq!(decimals(&[0.0216, 0.0071, 0.0144], 2), 3);
        assert_eq!(decimals(&[0.42], 2), 2);
        assert_eq!(decimals(&[12.3], 1), 1);
        assert_eq!(decimals(&[0.0], 2), 2);
        assert_eq!(decimals(&[0.00001], 2), 4);
        assert_eq!(fixed(-0.0001, 2), "0.00");
        assert_eq!(fixed(-0.004, 2), "0.00");
        assert_eq!(fixed(-0.006, 2), "-0.01");
        assert_eq!(fixed(0.0216, 3), "0.022");
    }

    /// Every variant of a long comparison has a name of its own: A to Z, then AA to ZZ, then
    /// AAA, each name once.
    #[test]
    fn variants_past_z_take_two_letters_each_name_once() {
        assert_eq!(
            [0, 1, 25, 26, 27, 51, 52, 701, 702].map(letter),
            ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]
        );
        let names: std::collections::HashSet<String> = (0..2000).map(letter).collect();
        assert_eq!(names.len(), 2000);
    }
}
