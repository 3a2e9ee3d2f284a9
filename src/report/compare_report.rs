//! The report folder of a comparison: one self-contained HTML page that leads with the answer
//! (what changes, by how much, how sure), then the charts, then the differences by group and
//! the means that explain them (phases, utilisation); the charts as PNG and SVG, the difference
//! map as GeoJSON and the JSON beside it.

use super::charts::render_scaled;
use super::compare::{change_cells, counted, letter, operating_in_either};
use super::compare_charts::{CompareComplianceChart, DifferenceChart, DifferenceMapChart};
use super::fmt::{Count, Label, Maybe, Pct, Points, PointsInterval, Style, capitalised};
use super::geojson::difference_geojson;
use super::html::{Esc, Figure, RunMeta, STYLE, figure_section};
use super::{step_title, to_json};
use crate::compare::{AltResult, Comparison, GroupDiff, MeanChange, PairedFigures, StepDiff, Verdict};
use crate::coverage::Coverage;
use crate::model::Model;
use std::fmt::Write;

/// A document, so typographic dashes.
const S: Style = Style::Typeset;

/// One sentence per step: the answer a planner reads first.
fn answer(d: &StepDiff) -> String {
    let title = step_title(d.step, d.base_threshold_min);
    let f = &d.figures;
    match (f.base, f.alt, f.difference, f.ci95_low.zip(f.ci95_high), f.verdict) {
        (Some(b), Some(a), Some(x), Some((l, h)), Some(v)) => {
            let moves = match v {
                Verdict::Better => "rises",
                Verdict::Worse => "falls",
                Verdict::NoDetectableChange => "does not change detectably",
            };
            format!("{title} {moves}: {} → {} ({}, 95% interval {})", Pct(b), Pct(a), Points(x), PointsInterval(l, h))
        }
        _ => format!("{title}: no casualty needed this step"),
    }
}

/// A table of differences by group; with `zones`, the groups are that model's zones, shown by
/// name as the run's report shows them; with `scopes`, they are triage categories, and a step
/// the base does not count one for says so, as the terminal does.
fn group_table(
    o: &mut String,
    title: &str,
    groups: &[GroupDiff],
    zones: Option<&Model>,
    scopes: Option<&[crate::summary::StepScope]>,
) {
    let _ = write!(
        o,
        "<h3>{}</h3><table><tr><th></th><th>first aid</th><th>resuscitation</th><th>surgery</th></tr>",
        Esc(title)
    );
    for g in groups {
        let name = zones.map_or(g.group.as_str(), |m| m.zone_name(&g.group));
        let _ = write!(o, "<tr><td>{}</td>", Esc(name));
        for (k, d) in g.steps.iter().enumerate() {
            let cell = match (d.figures.difference, d.figures.ci95_low.zip(d.figures.ci95_high)) {
                _ if !counted(scopes, k, &g.group) => "not counted".to_string(),
                (Some(x), Some((l, h))) => format!("<b>{}</b> <small>{}</small>", Points(x), PointsInterval(l, h)),
                (Some(x), None) => Points(x).to_string(),
                _ => S.missing().to_string(),
            };
            let _ = write!(o, "<td class=n>{cell}</td>");
        }
        o.push_str("</tr>");
    }
    o.push_str("</table>");
}

/// The answer for one alternative: a sentence per step and the headline table.
/// One row of the headline difference table: the label (already HTML), then the paired figures.
fn difference_row(o: &mut String, label: &str, f: &PairedFigures) {
    let _ = write!(
        o,
        "<tr><td>{label}</td><td class=n>{}</td><td class=n>{}</td><td class=n><b>{}</b></td><td class=n>{}</td><td>{}</td><td class=n>{}</td></tr>",
        Maybe(f.base.map(Pct), S),
        Maybe(f.alt.map(Pct), S),
        Maybe(f.difference.map(Points), S),
        Maybe(f.ci95_low.zip(f.ci95_high).map(|(l, h)| PointsInterval(l, h)), S),
        f.verdict.map_or(S.missing(), |v| v.label()),
        Maybe(f.independent_half_width.map(|h| format!("±{:.2} pts", h * 100.0)), S)
    );
}

fn answer_part(o: &mut String, c: &Comparison, k: usize, a: &AltResult) {
    let _ = write!(
        o,
        "<h2>{}: {} against the base</h2><p class=desc>{}</p><ul class=answer>",
        letter(k + 1),
        Esc(&a.variant.label),
        Esc(&a.variant.summary.scenario.name)
    );
    for d in &a.steps {
        let _ = write!(o, "<li>{}</li>", Esc(answer(d)));
    }
    o.push_str("</ul><table><tr><th>step</th><th>base</th><th>alternative</th><th>difference</th><th>95% interval</th><th>verdict</th><th>interval of two independent runs</th></tr>");
    for d in &a.steps {
        difference_row(o, &step_title(d.step, d.base_threshold_min), &d.figures);
    }
    if let Some(d) = &a.onward {
        difference_row(o, &Esc(&d.milestone).to_string(), &d.figures);
    }
    let same = if a.casualty_mismatch_trials == 0 {
        "Both scenarios simulated the same casualties in every trial.".to_string()
    } else {
        format!(
            "The casualties differed from the base's in {} of {} trials: a zone's casualty figures changed.",
            Count(a.casualty_mismatch_trials),
            Count(c.run.trials)
        )
    };
    let _ = write!(
        o,
        "</table><p class=note>Differences in percentage points, alternative minus base, with 95% intervals \
         computed from the paired difference of each trial (common random numbers). The last column is the \
         half-width the interval would have had from two independent runs of as many trials: what pairing \
         the trials saves. {same}</p>"
    );
    if let Some(l) = &a.lives_saved {
        // The terminal's figures, to the same decimals.
        let f = super::compare::LivesFigures::of(l);
        let interval = |i: &Option<(String, String)>| {
            i.as_ref().map_or(String::new(), |(lo, hi)| format!(" (95% interval {lo} to {hi})"))
        };
        let year =
            f.per_year.as_ref().map_or(String::new(), |(y, i)| format!(", {y} per year of operations{}", interval(i)));
        // The note reads as a sentence of its own.
        let note = capitalised(l.note);
        let _ = write!(
            o,
            "<p class=answer><b>Lives saved: {} per trial{}{year}</b>; {} and {} per trial with the outcome \
             parameters giving the fewest and the most deaths. {}.</p>",
            f.per_trial,
            interval(&f.interval),
            f.low_params,
            f.high_params,
            Esc(&note)
        );
    }
}

/// A table of means with and without the change, as the terminal gives them: a phase's
/// minutes, or an asset's or facility's share of time busy (its change in points). Rows are
/// named by `name`.
fn change_table(
    o: &mut String,
    title: &str,
    b: &str,
    rows: &[MeanChange],
    as_share: bool,
    name: &dyn Fn(&str) -> String,
) {
    let _ = write!(o, "<h3>{}</h3><table><tr><th></th><th>A</th><th>{}</th><th>change</th></tr>", Esc(title), Esc(b));
    for r in rows {
        let [a, alt, change] = change_cells(r, as_share, S).map(|c| Esc(c).to_string());
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=n>{a}</td><td class=n>{alt}</td><td class=n>{change}</td></tr>",
            Esc(name(&r.name))
        );
    }
    o.push_str("</table>");
}

/// Where an alternative's differences come from: the tables by group, then where the minutes
/// go and how busy the assets, tables and surgical teams are, with and without the change.
fn detail_part(o: &mut String, c: &Comparison, k: usize, a: &AltResult, base: &Model) {
    let b = letter(k + 1);
    let scopes = Some(&c.base.summary.scenario.step_scopes[..]);
    group_table(o, &format!("{b} − A by severity"), &a.by_severity, None, scopes);
    group_table(o, &format!("{b} − A by zone"), &a.by_zone, Some(base), None);
    group_table(o, &format!("{b} − A by time of wounding"), &a.by_time_of_day, None, None);
    let phase = |key: &str| Label(key).to_string();
    change_table(o, "Where the minutes go (mean minutes)", &b, &a.phases_min, false, &phase);
    // Assets and facilities by the name the run's report gives them (an alternative may add one).
    let summaries = [&c.base.summary, &a.variant.summary];
    let asset = |id: &str| {
        summaries.iter().flat_map(|s| &s.assets).find(|x| x.id == id).map_or(id.to_string(), |x| x.name.clone())
    };
    let facility = |id: &str| {
        summaries.iter().flat_map(|s| &s.facilities).find(|x| x.id == id).map_or(id.to_string(), |x| x.name.clone())
    };
    change_table(o, "Share of time each asset group is busy", &b, &a.asset_utilisation, true, &asset);
    for (title, changes) in [
        ("Share of operating-table time busy", &a.table_utilisation),
        ("Share of the surgical teams' daily operations used", &a.daily_operations_used),
    ] {
        let rows = operating_in_either(changes);
        if !rows.is_empty() {
            change_table(o, title, &b, &rows, true, &facility);
        }
    }
}

/// The comparison as one self-contained HTML page: the answer, then the charts, then the
/// differences by group (zones named as in `base`, the scenarios sharing its zones) and the
/// means beside them.
pub fn render(c: &Comparison, figures: &[Figure], meta: &RunMeta, base_model: &Model) -> String {
    let mut o = String::new();
    let base = &c.base.summary.scenario;
    let _ = write!(
        o,
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{} – casevac comparison</title><style>{}</style></head><body>",
        Esc(&base.name),
        STYLE
    );
    let _ = write!(
        o,
        "<h1>Courses of action compared: {}</h1><p class=meta>A (base) {} · {} of {} · seed {} · casevac {} · {}</p>",
        Esc(&base.name),
        Esc(&c.base.label),
        crate::report::fmt::Counted(c.run.trials, "paired trial"),
        crate::report::fmt::Days(base.period_days),
        c.run.seed,
        Esc(&c.casevac_version),
        Esc(&meta.date_utc)
    );
    if let Some(p) = &c.run.partial {
        let _ = write!(o, "<p class=meta><b>{}</b></p>", Esc(p.note(c.run.trials)));
    }
    o.push_str("<section id=answer>");
    for (k, a) in c.alternatives.iter().enumerate() {
        answer_part(&mut o, c, k, a);
    }
    o.push_str("</section>");
    figure_section(&mut o, figures, &|_| String::new());
    o.push_str("<section id=details><h2>Where the differences come from</h2>");
    for (k, a) in c.alternatives.iter().enumerate() {
        detail_part(&mut o, c, k, a, base_model);
    }
    let _ = writeln!(
        o,
        "</section><p class=note>Every scenario runs the same trials: the same incidents, casualties, weather and \
         delays wherever the scenarios agree, so a difference shows the change itself, not the luck of two runs. \
         The coverage maps ({}) place each scenario's own casualties by where they were wounded, from \
         those same trials, so a cell's change is paired too. \
         The same scenarios, seed and trial count reproduce every figure exactly.</p></body></html>",
        Esc(&meta.map_grid)
    );
    super::html::escape_stray_lt(o)
}

/// Everything `compare --report DIR` writes: each chart as PNG and SVG, the HTML page, the
/// difference map as GeoJSON and the comparison's JSON. `maps` are the coverage maps of the
/// base and then each alternative, on one grid ([`crate::coverage::paired_run_coverage`]), by
/// file name, for [`super::write_folder`]. The PNGs are drawn `scale` times larger.
///
/// With several alternatives, the difference map holds one row of step panels per alternative
/// on one colour scale, so the alternatives can be weighed against each other at a glance.
pub fn files(
    base: &Model,
    alts: &[Model],
    comparison: &Comparison,
    maps: &[Coverage],
    meta: &RunMeta,
    scale: u32,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let targets_pct = base.targets_pct;
    let rendered = [
        (
            "compliance",
            "Compliance with each step in every scenario, with 95% intervals",
            render_scaled(&CompareComplianceChart { comparison, targets_pct }, scale),
        ),
        (
            "difference",
            "Paired difference from the base, overall and by zone, in percentage points with 95% intervals",
            render_scaled(&DifferenceChart { comparison, base }, scale),
        ),
        (
            "difference_map",
            "Difference map: change in the share of the casualties wounded at each point who are treated in time, \
             under the run's load (purple better, orange worse)",
            render_scaled(&DifferenceMapChart { alts, maps, comparison }, scale),
        ),
    ];
    let mut figures = Vec::new();
    for (id, title, result) in &rendered {
        let (png, svg) = result.as_ref().map_err(|e| anyhow::anyhow!("cannot draw the {id} chart: {e}"))?;
        out.push((format!("{id}.png"), png.clone()));
        out.push((format!("{id}.svg"), svg.clone().into_bytes()));
        figures.push(Figure { id, title, png });
    }
    out.push(("report.html".into(), render(comparison, &figures, meta, base).into_bytes()));
    out.push((
        "difference_map.geojson".into(),
        difference_geojson(base, alts, maps, comparison.run.trials).into_bytes(),
    ));
    out.push(("comparison.json".into(), to_json(comparison).into_bytes()));
    debug_assert_eq!(out.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(), file_names());
    Ok(out)
}

/// The files a comparison's report folder holds, in the order they are written.
pub fn file_names() -> Vec<String> {
    let mut names: Vec<String> = ["compliance", "difference", "difference_map"]
        .iter()
        .flat_map(|c| [format!("{c}.png"), format!("{c}.svg")])
        .collect();
    names.extend(["report.html", "difference_map.geojson", "comparison.json"].map(String::from));
    names
}
