//! What the decision commands print and write: a terminal table, JSON, CSV and a report folder
//! (an HTML page with its chart as PNG and SVG, and the JSON and CSV beside it).

use super::charts::cut;
use super::decide_charts::{Bar, Curve, RowBars, SweepChart, effect_colour};
use super::fmt::{
    Count, Counted, Grouped, Maybe, Num, Pct, Points, PointsPm, Style, Text, capitalised, columns, cut_to_columns,
    spread_decimals,
};
use super::html::{Esc, STYLE};
use super::{OutputPaths, files, step_title, write_atomic};
use crate::compare::PairedFigures;
use crate::decide::levers::{LeverResult, LeversResult};
use crate::decide::place::{CandidateResult, PlaceResult, SeveralResult, Standing};
use crate::decide::sweep::SweepResult;
use crate::decide::{About, Objective};
use crate::model::STEPS;
use crate::summary::{Precision, StepResult};
use anyhow::Context;
use base64::Engine as _;
use std::fmt::Write;

/// An argument as a POSIX shell reads it back unchanged: bare when it can be, otherwise in single
/// quotes, so a copied `--set` keeps its braces, spaces and double quotes.
pub fn shell_word(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "._=-+,:/".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// "+3.1 ±0.8" in points, or the style's missing mark where there is nothing to compare.
fn effect(f: Option<&PairedFigures>, s: Style) -> String {
    match (f.and_then(|f| f.difference), f.and_then(|f| f.paired_half_width)) {
        (Some(x), Some(h)) => PointsPm(x, h).to_string(),
        (Some(x), None) => Points(x).to_string().trim_end_matches(" pts").to_string(),
        _ => s.missing().into(),
    }
}

fn base_line(r: &LeversResult, s: Style) -> String {
    let (steps, deaths) = (&r.base, r.base_expected_deaths_per_trial);
    let mut parts: Vec<String> =
        steps.iter().map(|step| format!("{} {}", step.step.label(), Maybe(step.compliance.map(Pct), s))).collect();
    // Every lever is paired with the same base, so any lever's onward row holds its share.
    if let Some(on) = r.levers.iter().find_map(|l| l.onward.as_ref()) {
        parts.push(format!("onward {}", Maybe(on.figures.base.map(Pct), s)));
    }
    if let Some(d) = deaths {
        parts.push(format!("{:.2} expected deaths per trial", Grouped(d)));
    }
    parts.join(", ")
}

/// Lives saved per trial (the scenario's period) with its half-width: per trial, not per year,
/// since a scenario may be one event rather than a stretch of routine operations.
fn lives(l: &Option<crate::compare::LivesSavedResult>, s: Style) -> String {
    let Some(l) = l else { return s.missing().into() };
    let d = if l.per_trial.abs() < 1.0 { 3 } else { 2 };
    match l.ci95_high {
        Some(h) => format!("{:+.d$} ±{:.d$}", l.per_trial, h - l.per_trial),
        None => format!("{:+.d$}", l.per_trial),
    }
}

/// Words wrapped to lines of at most `width` characters, each after `indent` (spaces): the
/// terminal table's wrap, with the indent outside the width.
fn wrap(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    super::table::wrap(&mut out, indent, text, width + columns(indent));
    out
}

// --- levers -------------------------------------------------------------------------------

pub fn levers_table(r: &LeversResult) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "casevac levers: {}", r.about.scenario);
    let _ = writeln!(
        o,
        "{}, each against the scenario as given on the same {} (seed {})\nranked by {}",
        Counted(r.levers.len() as u64, "lever"),
        Counted(r.trials, "trial"),
        r.about.seed,
        objective_words(r.objective, &r.base)
    );
    o.push_str(&wrap(&format!("as given: {}", base_line(r, Style::Plain)), "", super::table::WIDTH));
    o.push_str(&wrap(
        &format!(
            "effects: points, and lives saved per {}-day trial, with paired 95% intervals, each on its own",
            crate::report::fmt::Quantity(r.period_days)
        ),
        "",
        super::table::WIDTH,
    ));
    o.push('\n');
    // Where the scenario models the onward milestone it gets a column too, and the columns
    // narrow so the table stays within 100 characters.
    let onward = r.levers.iter().any(|l| l.onward.is_some());
    let (name_w, w, resus_w) = if onward { (29, 12, 14) } else { (34, 15, 15) };
    let mut head =
        format!("rank  {:<name_w$}{:>w$}{:>resus_w$}{:>w$}", "lever", "first aid", "resuscitation", "surgery");
    if onward {
        let _ = write!(head, "{:>w$}", "onward");
    }
    let _ = writeln!(o, "{head}{:>15}", "lives/trial");
    for l in &r.levers {
        // A name too long for its column stands on a line of its own, the figures under it.
        let mut row = if columns(&l.lever.name) < name_w {
            format!("{:>4}  {:<name_w$}", l.rank, Text(&l.lever.name))
        } else {
            format!("{:>4}  {}\n{:>4}  {:<name_w$}", l.rank, l.lever.name, "", "")
        };
        let _ = write!(
            row,
            "{:>w$}{:>resus_w$}{:>w$}",
            effect(Some(&l.steps[0].figures), Style::Plain),
            effect(Some(&l.steps[1].figures), Style::Plain),
            effect(Some(&l.steps[2].figures), Style::Plain),
        );
        if onward {
            let _ = write!(row, "{:>w$}", effect(l.onward.as_ref().map(|d| &d.figures), Style::Plain));
        }
        let _ = writeln!(o, "{row}{:>15}", lives(&l.lives_saved, Style::Plain));
    }
    let _ = writeln!(o, "\nwhat each lever changes (repeat one with casevac compare FILE --set-alt KEY=VALUE ...)");
    for l in &r.levers {
        let from = if l.lever.from_file { " [from the scenario file]" } else { "" };
        let _ = writeln!(o, "{:>4}  {}{from}", l.rank, l.lever.name);
        o.push_str(&wrap(&l.lever.change, "        ", 90));
        if let Some(note) = &l.lever.note {
            o.push_str(&wrap(&format!("note: {note}"), "        ", 90));
        }
        if let Some(cost) = cost_text(r, l) {
            let _ = writeln!(o, "        {cost}");
        }
        for s in &l.lever.set {
            let _ = writeln!(o, "        --set-alt {}", shell_word(s));
        }
    }
    if !r.skipped.is_empty() {
        let _ = writeln!(o, "\nskipped (they would change nothing here)");
        for s in &r.skipped {
            o.push_str(&wrap(&format!("{}: {}", s.name, s.reason), "      ", super::table::WIDTH - 6));
        }
    }
    o
}

fn objective_words(objective: Objective, base: &[StepResult]) -> String {
    match objective {
        Objective::Step(s) => step_title(s, base[s as usize].threshold_min),
        o => o.label().into(),
    }
}

pub fn levers_csv(r: &LeversResult) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head = ["rank", "lever", "from_file", "cost", "cost_unit", "effect_per_cost", "set"]
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>();
    for s in STEPS {
        let k = s.key();
        for f in ["base_pct", "with_lever_pct", "difference_points", "ci95_low_points", "ci95_high_points"] {
            head.push(format!("{k}_{f}"));
        }
    }
    let onward = r.levers.iter().any(|l| l.onward.is_some());
    if onward {
        for f in ["base_pct", "with_lever_pct", "difference_points", "ci95_low_points", "ci95_high_points"] {
            head.push(format!("{}_{f}", crate::model::ONWARD_KEY));
        }
    }
    head.extend(
        ["lives_saved_per_trial", "lives_saved_per_trial_ci95_low", "lives_saved_per_trial_ci95_high"]
            .map(String::from),
    );
    w.write_record(&head)?;
    let p = |x: Option<f64>| x.map_or(String::new(), |x| format!("{:.4}", x * 100.0));
    // Counts per trial in full: a real effect on lives is often below 0.0001 a trial.
    let v = |x: Option<f64>| super::fmt::Value(x).to_string();
    for l in &r.levers {
        let mut row = vec![
            l.rank.to_string(),
            l.lever.name.clone(),
            l.lever.from_file.to_string(),
            // The cost with every digit the file gave it, not padded to four decimals.
            super::fmt::Value(l.lever.cost).to_string(),
            l.lever.cost_unit.clone().unwrap_or_default(),
            // In the file's units: points of a step (a share's hundredths) or lives per trial.
            v(l.effect_per_cost.map(|e| if r.objective.is_share() { e * 100.0 } else { e })),
            l.lever.set.join("; "),
        ];
        // Blank where the lever has no such figures (an onward column it does not model).
        let figures = |f: Option<&PairedFigures>| {
            let f = f.copied().unwrap_or_default();
            [p(f.base), p(f.alt), p(f.difference), p(f.ci95_low), p(f.ci95_high)]
        };
        for d in &l.steps {
            row.extend(figures(Some(&d.figures)));
        }
        if onward {
            row.extend(figures(l.onward.as_ref().map(|d| &d.figures)));
        }
        let ls = l.lives_saved.as_ref();
        row.extend([v(ls.map(|x| x.per_trial)), v(ls.and_then(|x| x.ci95_low)), v(ls.and_then(|x| x.ci95_high))]);
        w.write_record(&row)?;
    }
    w.into_inner().context("cannot finish the CSV")
}

/// A difference and its interval as a bar in percentage points; none without a difference.
fn points_bar(f: &PairedFigures) -> Option<Bar> {
    f.difference.map(|x| {
        let interval = f.ci95_low.zip(f.ci95_high).map(|(a, b)| (a * 100.0, b * 100.0));
        Bar { value: x * 100.0, interval, colour: effect_colour(x, f.verdict) }
    })
}

/// The tornado: one row per lever in rank order, one panel per step (and lives saved).
pub fn tornado(r: &LeversResult) -> RowBars {
    let rows = r.levers.iter().map(|l| format!("{}. {}", l.rank, l.lever.name)).collect();
    let mut panels: Vec<(String, String, Vec<Option<Bar>>)> = (0..3)
        .map(|s| {
            let bars = r.levers.iter().map(|l| points_bar(&l.steps[s].figures)).collect();
            (step_title(STEPS[s], r.base[s].threshold_min), "change, percentage points".to_string(), bars)
        })
        .collect();
    if let Some(label) = r.levers.iter().find_map(|l| l.onward.as_ref()).map(|d| d.milestone.clone()) {
        let bars = r.levers.iter().map(|l| points_bar(&l.onward.as_ref()?.figures)).collect();
        panels.push((label, "change, percentage points".to_string(), bars));
    }
    if r.levers.iter().any(|l| l.lives_saved.is_some()) {
        let bars = r
            .levers
            .iter()
            .map(|l| {
                l.lives_saved.as_ref().map(|x| {
                    let interval = x.ci95_low.zip(x.ci95_high);
                    Bar { value: x.per_trial, interval, colour: effect_colour(x.per_trial, x.verdict) }
                })
            })
            .collect();
        panels.push((
            "lives saved (modelled)".into(),
            format!("per {}-day trial", crate::report::fmt::Quantity(r.period_days)),
            bars,
        ));
    }
    RowBars {
        title: format!("Which lever buys the most: {}", r.about.scenario),
        subtitle: format!(
            "each lever alone against the scenario as given, {} paired trials; bars: effect, whiskers: 95% interval \
             (purple: better, orange: worse, grey: no detectable change); ranked by {}",
            Count(r.trials),
            objective_words(r.objective, &r.base)
        ),
        rows,
        panels,
        from_zero: true,
    }
}

fn page(title: &str, meta: &str, body: &str) -> String {
    super::html::escape_stray_lt(format!(
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><meta name=viewport content=\"width=device-width\">\
         <title>{}</title><style>{STYLE}td.n{{white-space:nowrap}}</style></head><body><h1>{}</h1><p class=meta>{}</p>{body}</body></html>\n",
        Esc(title),
        Esc(title),
        Esc(meta)
    ))
}

fn img(png: &[u8], alt: &str) -> String {
    format!(
        "<figure><img alt=\"{}\" src=\"data:image/png;base64,{}\"><figcaption>{}</figcaption></figure>",
        Esc(alt),
        base64::engine::general_purpose::STANDARD.encode(png),
        Esc(alt)
    )
}

fn provenance(file: &str, overrides: &[String], seed: u64, trials: u64) -> String {
    let set = if overrides.is_empty() { String::new() } else { format!(" with --set {}", overrides.join(", --set ")) };
    format!("{file}{set}; seed {seed}; {} trials; casevac {}", Count(trials), env!("CARGO_PKG_VERSION"))
}

/// What a decision run to `--precision` reached, as a paragraph of its page: a target missed
/// is said in bold, in the words of the warning on standard error, since it is the one thing
/// that changes how far its figures can be trusted.
fn precision_note(p: Option<&Precision>, trials: u64, own_intervals: bool) -> String {
    // A sweep's page shows no row for the scenario as given: say what the target was judged on.
    let steps = if own_intervals {
        "a point's difference from the scenario as given (the reference every point is paired with, on the \
         same trials) in first aid, resuscitation, surgery or, where modelled, the onward milestone"
    } else {
        "a difference from the scenario as given in first aid, resuscitation, surgery or, where modelled, the onward milestone"
    };
    let said = match p {
        None => {
            return format!(
                "<p class=meta>A fixed {} paired trials (--precision 0): no precision target.</p>",
                Count(trials)
            );
        }
        Some(p) if p.precision_met => format!(
            "--precision {} met: the widest 95% interval of {steps} is {} after {} paired trials.",
            p.target_points,
            p.achieved(),
            Count(trials)
        ),
        Some(p) => format!(
            "<b>--precision {} not met: the widest 95% interval of {steps} is {} after {} paired \
             trials (--max-trials); raise --max-trials or ask for less precision.</b>",
            p.target_points,
            p.achieved(),
            Count(trials)
        ),
    };
    // A sweep shows each point's own compliance and interval, not its difference from the
    // scenario: pairing narrows a difference's interval, not those, so they are wider.
    let shown = if own_intervals {
        " The table gives each point's own compliance, whose interval pairing does not narrow."
    } else {
        ""
    };
    format!("<p class=meta>{said}{shown}</p>")
}

/// How a decision judged its variants, for its `run.csv`: the objective it ranked by (`levers`,
/// `place`) and the confidence of a placement's separation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Judged {
    pub objective: Option<Objective>,
    pub confidence_pct: Option<f64>,
}

/// The file beside every decision's CSV table that says where its figures come from, as
/// `key,value` rows with the keys of `run`'s and `compare`'s `run.csv`, so a spreadsheet finds
/// the `--precision` target and what was reached where it does for them, and what the table was
/// ranked by, which its value column does not say. An empty value is one that does not apply
/// (no `--precision`, as for `place`; no objective for `sweep`).
pub fn run_csv(about: &About, trials: u64, precision: Option<&Precision>, judged: Judged) -> anyhow::Result<Vec<u8>> {
    let rows = [
        ("casevac_version", about.casevac_version.clone()),
        ("scenario", about.scenario.clone()),
        ("file", about.file.clone()),
        ("seed", about.seed.to_string()),
        ("trials", trials.to_string()),
        ("overrides", super::csv_out::overrides_value(&about.overrides)),
        ("objective", judged.objective.map_or(String::new(), |o| o.key().to_string())),
        ("confidence_pct", judged.confidence_pct.map_or(String::new(), |c| Num(c).to_string())),
    ];
    Ok(super::csv_out::key_values(rows.into_iter().chain(super::csv_out::precision_rows(precision)))?)
}

/// A costed lever's cost and its effect per unit of cost, with its interval, to the table's
/// decimals and sign: an effect the table gives as +0.00 is not a loss per unit of cost.
fn cost_text(r: &LeversResult, l: &LeverResult) -> Option<String> {
    let c = l.lever.cost?;
    let (unit, per_unit) = match l.lever.cost_unit.as_deref() {
        Some(u) => (u, u),
        None => ("cost units", "cost unit"),
    };
    let (_, half_width) = r.objective.effect_of(&l.steps, l.onward.as_ref(), l.lives_saved.as_ref());
    let per = l.effect_per_cost.map_or(String::new(), |e| {
        let h = half_width.map(|h| h / c);
        match (r.objective, h) {
            (Objective::LivesSaved, Some(h)) => format!(": {e:+.3} ±{h:.3} lives per trial per {per_unit}"),
            (Objective::LivesSaved, None) => format!(": {e:+.3} lives per trial per {per_unit}"),
            (_, Some(h)) => format!(": {} points of {} per {per_unit}", PointsPm(e, h), r.objective.label()),
            (_, None) => format!(": {:+.2} points of {} per {per_unit}", e * 100.0, r.objective.label()),
        }
    });
    Some(format!("cost {c} {unit}{per}"))
}

/// A lever's cell of the page's table: its name, what it changes in words, its note (a lever that
/// removes casualties says what that does to its compliance) and its cost, as the terminal has
/// them.
fn lever_cell(r: &LeversResult, l: &LeverResult) -> String {
    let mut cell = format!("{}<br><small>{}</small>", Esc(&l.lever.name), Esc(&l.lever.change));
    if let Some(note) = &l.lever.note {
        let _ = write!(cell, "<br><small><b>Note:</b> {}</small>", Esc(note));
    }
    if let Some(cost) = cost_text(r, l) {
        let _ = write!(cell, "<br><small>{}</small>", Esc(capitalised(&cost)));
    }
    cell
}

pub fn levers_html(r: &LeversResult, png: &[u8]) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<p>Each lever moves one thing by a planner's step, alone, against the scenario as given (<b>{}</b>); \
         all run on the same trials, so each effect is a paired difference. Ranked by {}.</p>",
        Esc(base_line(r, Style::Typeset)),
        Esc(objective_words(r.objective, &r.base))
    );
    b.push_str(&precision_note(r.precision.as_ref(), r.trials, false));
    b.push_str(&img(png, "Effect of each lever with its paired 95% interval"));
    // Where the scenario models the onward milestone, it has a column here as in the terminal.
    let onward = r.levers.iter().any(|l| l.onward.is_some());
    let _ = write!(
        b,
        "<h2>Levers</h2><table><tr><th>rank</th><th>lever</th><th>first aid</th><th>resuscitation</th><th>surgery</th>{}\
         <th>lives saved per trial</th><th>exact change</th></tr>",
        if onward { "<th>onward to Level 3</th>" } else { "" }
    );
    for l in &r.levers {
        let onward_cell = if onward {
            format!("<td class=n>{}</td>", Esc(effect(l.onward.as_ref().map(|d| &d.figures), Style::Typeset)))
        } else {
            String::new()
        };
        let _ = write!(
            b,
            "<tr><td class=n>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td>{onward_cell}<td class=n>{}</td><td><small>{}</small></td></tr>",
            l.rank,
            lever_cell(r, l),
            Esc(effect(Some(&l.steps[0].figures), Style::Typeset)),
            Esc(effect(Some(&l.steps[1].figures), Style::Typeset)),
            Esc(effect(Some(&l.steps[2].figures), Style::Typeset)),
            Esc(lives(&l.lives_saved, Style::Typeset)),
            l.lever
                .set
                .iter()
                .map(|s| format!("<code>--set-alt {}</code>", Esc(shell_word(s))))
                .collect::<Vec<_>>()
                .join("<br>")
        );
    }
    b.push_str("</table>");
    if !r.skipped.is_empty() {
        b.push_str("<h2>Skipped</h2><ul>");
        for s in &r.skipped {
            let _ = write!(b, "<li><b>{}</b>: {}</li>", Esc(&s.name), Esc(&s.reason));
        }
        b.push_str("</ul>");
    }
    page(
        &format!("Levers: {}", r.about.scenario),
        &provenance(&r.about.file, &r.about.overrides, r.about.seed, r.trials),
        &b,
    )
}

// --- sweep --------------------------------------------------------------------------------

fn interval(step: &StepResult, s: Style) -> String {
    share_interval(step.compliance, step.ci95_low, step.ci95_high, s)
}

/// A share with its 95% interval in the style's form, `78.5% [74.6, 81.9]` for the terminal and
/// `78.5% (74.6–81.9%)` for a page as the run's page writes an interval, or the style's missing
/// mark where there is none.
fn share_interval(share: Option<f64>, low: Option<f64>, high: Option<f64>, s: Style) -> String {
    match (share, low, high) {
        (Some(c), Some(l), Some(h)) => {
            // As many decimals as the interval needs to show its width (a share near 0%).
            let d = spread_decimals((h - l) * 50.0);
            let (l, h) = (l * 100.0, h * 100.0);
            match s {
                Style::Plain => format!("{:.d$} [{l:.d$}, {h:.d$}]", Pct(c)),
                Style::Typeset => format!("{:.d$} ({l:.d$}–{h:.d$}%)", Pct(c)),
            }
        }
        _ => s.missing().into(),
    }
}

/// A point's figures as the terminal table and the report page give them, in the style's form:
/// each step's share with its interval, then expected deaths of wounds per trial.
fn sweep_figures(p: &crate::decide::sweep::Point, s: Style) -> [String; 4] {
    let deaths = Maybe(p.expected_deaths_per_trial.map(|d| format!("{:.2}", Grouped(d))), s).to_string();
    [interval(&p.steps[0], s), interval(&p.steps[1], s), interval(&p.steps[2], s), deaths]
}

/// Whom the onward milestone counts, in words, where the sweep's scenario models it: with its
/// deadline where every point has the same, else the points' own (a swept deadline).
fn sweep_onward_milestone(r: &SweepResult) -> Option<String> {
    let mut onward = r.points.iter().filter_map(|p| p.onward.as_ref());
    let first = onward.next()?;
    Some(if onward.all(|o| o.deadline_min == first.deadline_min) {
        first.milestone.clone()
    } else {
        "onward to Level 3 within each point's deadline".to_string()
    })
}

/// A point's onward share with its interval, the style's missing mark where none was counted.
fn sweep_onward(p: &crate::decide::sweep::Point, s: Style) -> String {
    p.onward.as_ref().map_or(s.missing().into(), |o| share_interval(o.compliance, o.ci95_low, o.ci95_high, s))
}

/// Each target of the scenario and where the sweep meets it, as both the table and the page
/// say it.
fn sweep_target_lines(r: &SweepResult) -> Vec<String> {
    let first_key = &r.axes[0].key;
    r.targets
        .iter()
        .map(|t| {
            let goal = match t.step {
                Objective::Onward => sweep_onward_milestone(r).unwrap_or_else(|| t.step.label().to_string()),
                _ => t.step.label().to_string(),
            };
            let what = format!("{goal} ≥ {}%", t.target_pct);
            let line = match (&t.boundary, t.met_at.is_empty()) {
                (_, true) => "not met at any value tried".to_string(),
                (Some(b), _) => format!("met for {first_key} {b}"),
                (None, _) => format!("met at {}", t.met_at.join("; ")),
            };
            let surely = if t.surely_met_at.is_empty() || t.met_at.is_empty() {
                String::new()
            } else {
                format!(" (whole interval above it at {})", t.surely_met_at.join("; "))
            };
            format!("{what}: {line}{surely}")
        })
        .collect()
}

/// What a sweep ran, as both the table and the page head it.
fn sweep_about(r: &SweepResult) -> String {
    let keys: Vec<&str> = r.axes.iter().map(|a| a.key.as_str()).collect();
    format!(
        "{}\n{}, each on the same {} (seed {})",
        keys.join(" × "),
        Counted(r.points.len() as u64, "point"),
        Counted(r.trials, "trial"),
        r.about.seed
    )
}

/// Columns the swept values may take beside the sweep's figures (69 columns) within 100.
const SWEEP_VALUES_WIDTH: usize = 31;

pub fn sweep_table(r: &SweepResult) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "casevac sweep: {}", r.about.scenario);
    let _ = writeln!(o, "{}", sweep_about(r));
    let _ = writeln!(o, "compliance with 95% intervals; expected deaths per trial (modelled)");
    // The precision target is judged on what the table does not show, as the page says.
    if let Some(p) = &r.precision {
        let _ = writeln!(
            o,
            "(--precision {} is judged on each point's paired difference from the scenario as given)",
            p.target_points
        );
    }
    let _ = writeln!(o);
    // Each key's column as wide as its name and values need (at least 18 for one key, 13 for
    // two); where they would not fit beside the figures, each point's values stand on a line of
    // their own, whole, so no two rows or keys read alike for being cut.
    let shorts: Vec<&str> = r.axes.iter().map(|a| a.key.rsplit('.').next().unwrap_or(&a.key)).collect();
    let least = if r.axes.len() == 1 { 18 } else { 13 };
    let widths: Vec<usize> = (0..r.axes.len())
        .map(|k| {
            let values = r.points.iter().map(|p| columns(&p.values[k]));
            (values.chain([columns(shorts[k])]).max().unwrap_or(0) + 1).max(least)
        })
        .collect();
    let fits = widths.iter().sum::<usize>() <= SWEEP_VALUES_WIDTH;
    let head = if fits {
        shorts.iter().zip(&widths).map(|(s, w)| format!("{:<w$}", Text(s))).collect()
    } else {
        format!("{:<SWEEP_VALUES_WIDTH$}", "point")
    };
    // A column is one wider than its widest figure, "100.0% [92.5, 100.0]", so figures never
    // touch.
    let _ = writeln!(o, "{head}{:>21}{:>21}{:>21}{:>9}", "first aid", "resuscitation", "surgery", "deaths");
    for p in &r.points {
        let line: String = if fits {
            p.values.iter().zip(&widths).map(|(v, w)| format!("{:<w$}", Text(v))).collect()
        } else {
            let point: Vec<String> = shorts.iter().zip(&p.values).map(|(s, v)| format!("{s}={v}")).collect();
            let _ = writeln!(o, "{}", point.join(", "));
            " ".repeat(SWEEP_VALUES_WIDTH)
        };
        let [first_aid, resuscitation, surgery, deaths] = sweep_figures(p, Style::Plain);
        let _ = writeln!(o, "{line}{first_aid:>21}{resuscitation:>21}{surgery:>21}{deaths:>9}");
    }
    // The onward milestone, where modelled, as a table of its own: a fifth column would not
    // fit beside the others.
    if let Some(milestone) = sweep_onward_milestone(r) {
        let _ = writeln!(o, "\n{milestone}, with 95% intervals");
        for p in &r.points {
            let point: Vec<String> = shorts.iter().zip(&p.values).map(|(s, v)| format!("{s}={v}")).collect();
            let _ = writeln!(o, "  {:<40}{:>21}", Text(&point.join(", ")), sweep_onward(p, Style::Plain));
        }
    }
    if !r.targets.is_empty() {
        let onward = if r.targets.iter().any(|t| t.step == Objective::Onward) { " and onward.target_pct" } else { "" };
        let _ = writeln!(o, "\ntargets (the scenario's targets_pct{onward})");
        for line in sweep_target_lines(r) {
            let _ = writeln!(o, "  {line}");
        }
    }
    for note in &r.notes {
        o.push_str(&wrap(&format!("\nnote: {note}"), "", 100));
    }
    o
}

pub fn sweep_csv(r: &SweepResult) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head: Vec<String> = r.axes.iter().map(|a| a.key.clone()).collect();
    for s in STEPS {
        let k = s.key();
        head.extend([format!("{k}_pct"), format!("{k}_ci95_low_pct"), format!("{k}_ci95_high_pct")]);
    }
    head.extend(["expected_deaths_per_trial".to_string(), "deaths_ci95_low".into(), "deaths_ci95_high".into()]);
    let onward = r.points.iter().any(|p| p.onward.is_some());
    if onward {
        head.extend(["onward_pct".to_string(), "onward_ci95_low_pct".into(), "onward_ci95_high_pct".into()]);
    }
    w.write_record(&head)?;
    let p = |x: Option<f64>| x.map_or(String::new(), |x| format!("{:.4}", x * 100.0));
    // Counts per trial in full: a real effect on lives is often below 0.0001 a trial.
    let v = |x: Option<f64>| super::fmt::Value(x).to_string();
    for pt in &r.points {
        let mut row = pt.values.clone();
        for s in &pt.steps {
            row.extend([p(s.compliance), p(s.ci95_low), p(s.ci95_high)]);
        }
        row.extend([
            v(pt.expected_deaths_per_trial),
            v(pt.expected_deaths_ci95.map(|c| c.0)),
            v(pt.expected_deaths_ci95.map(|c| c.1)),
        ]);
        if onward {
            let o = pt.onward.as_ref();
            row.extend([
                p(o.and_then(|o| o.compliance)),
                p(o.and_then(|o| o.ci95_low)),
                p(o.and_then(|o| o.ci95_high)),
            ]);
        }
        w.write_record(&row)?;
    }
    w.into_inner().context("cannot finish the CSV")
}

/// What a sweep panel reads off a point: the value and its interval.
type PointValue<'a> = dyn Fn(&crate::decide::sweep::Point) -> Option<(f64, Option<(f64, f64)>)> + 'a;

/// A swept key in a planner's words: whose value it is (the asset's, zone's, facility's or
/// site's name, from `model`) and the field in words, with its unit where the key's suffix
/// gives one (units are in names): `asset.gao_mi8.approval_min` reads "Mi-8 utility
/// helicopters, Gao: approval (minutes)". A key that does not parse is left as it is.
fn axis_label(key: &str, model: &crate::model::Model) -> String {
    let Ok(path) = crate::scenario::overrides::key_path(key) else { return key.to_string() };
    let named = |section: &str, id: &str| -> Option<String> {
        let name = match section {
            "asset" => model.assets.iter().find(|a| a.id == id).map(|a| &a.name),
            "zone" => model.zones.iter().find(|z| z.id == id).map(|z| &z.name),
            "facility" => model.facilities.iter().find(|f| f.id == id).map(|f| &f.name),
            "site" => model.sites.iter().find(|s| s.id == id).map(|s| &s.name),
            _ => None,
        };
        name.cloned()
    };
    // An item's field, named by the item; else a section's own, named by the section (except
    // the scenario's); else the key's words alone.
    let by_item = match path.as_slice() {
        [section, id, field @ ..] if !field.is_empty() => named(section, id).map(|n| (Some(n), field)),
        _ => None,
    };
    let (owner, field) = by_item.unwrap_or_else(|| match path.as_slice() {
        [section, field @ ..] if !field.is_empty() => ((section != "scenario").then(|| section.clone()), field),
        _ => (None, path.as_slice()),
    });
    const UNITS: [(&str, &str); 6] =
        [("_min", "minutes"), ("_kmh", "km/h"), ("_km", "km"), ("_days", "days"), ("_hours", "hours"), ("_pct", "%")];
    let mut unit = None;
    let words: Vec<String> = field
        .iter()
        .map(|f| {
            let (stem, u) = match UNITS.iter().find_map(|&(suffix, u)| Some((f.strip_suffix(suffix)?, u))) {
                Some((stem, u)) => (stem, Some(u)),
                None if f == "count" => (f.as_str(), Some("units")),
                // A share keeps its word: "first aider share" says its unit.
                None => (f.as_str(), None),
            };
            unit = unit.or(u);
            stem.replace('_', " ")
        })
        .collect();
    let field = match unit {
        Some(u) => format!("{} ({u})", words.join(", ")),
        None => words.join(", "),
    };
    match owner {
        Some(o) => format!("{o}: {field}"),
        None => field,
    }
}

/// A swept value as a chart names it: a TOML string without its quotes (`first_idle`, not
/// `"first_idle"`, which the table keeps, to be pasted back into `--set`), any other value as
/// written.
fn value_name(v: &str) -> &str {
    match v.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) if !inner.contains(['"', '\\']) => inner,
        _ => v,
    }
}

/// A share and its interval as a curve's point takes them, in percent; none without a share.
fn percent_point(share: Option<f64>, low: Option<f64>, high: Option<f64>) -> Option<(f64, Option<(f64, f64)>)> {
    share.map(|c| (c * 100.0, low.zip(high).map(|(l, h)| (l * 100.0, h * 100.0))))
}

/// Compliance against the first parameter; one curve per value of the second. The x axis reads
/// in the planner's words (`model` names the assets and places); the keys stay in the subtitle,
/// for repeating the sweep.
pub fn sweep_chart(r: &SweepResult, model: &crate::model::Model) -> SweepChart {
    let first = &r.axes[0];
    let numeric: Option<Vec<f64>> = first.values.iter().map(|v| v.parse::<f64>().ok()).collect();
    let x_of = |i: usize| numeric.as_ref().map_or(i as f64, |n| n[i]);
    let per = r.points.len() / first.values.len();
    let second = r.axes.get(1);
    // Each curve is labelled by its value, after the legend's title, which names the second key
    // as the x axis names the first.
    // A value where no casualty needed the step has no point: the curve notes it instead.
    let curve = |j: usize, y: &PointValue| {
        let (mut points, mut missing) = (Vec::new(), Vec::new());
        for i in 0..first.values.len() {
            match y(&r.points[i * per + j]) {
                Some((v, ci)) => points.push((x_of(i), v, ci)),
                None => missing.push(x_of(i)),
            }
        }
        Curve { label: second.map_or(String::new(), |a| value_name(&a.values[j]).to_string()), points, missing }
    };
    let mut panels: Vec<(String, String, Option<f64>, Vec<Curve>)> = (0..3)
        .map(|s| {
            let target = r.targets.iter().find(|t| t.step == Objective::Step(STEPS[s])).map(|t| t.target_pct);
            let threshold = r.points[0].steps[s].threshold_min;
            let curves = (0..per)
                .map(|j| {
                    curve(j, &|p: &crate::decide::sweep::Point| {
                        let st = &p.steps[s];
                        percent_point(st.compliance, st.ci95_low, st.ci95_high)
                    })
                })
                .collect();
            (step_title(STEPS[s], threshold), "compliance, %".to_string(), target, curves)
        })
        .collect();
    // The onward milestone, where modelled, after the step it follows: a sweep of its deadline
    // or of the assets that move casualties on shows there and in no other panel.
    if let Some(milestone) = sweep_onward_milestone(r) {
        let target = r.targets.iter().find(|t| t.step == Objective::Onward).map(|t| t.target_pct);
        let curves = (0..per)
            .map(|j| {
                curve(j, &|p: &crate::decide::sweep::Point| {
                    let o = p.onward.as_ref()?;
                    percent_point(o.compliance, o.ci95_low, o.ci95_high)
                })
            })
            .collect();
        panels.push((milestone, "compliance, %".to_string(), target, curves));
    }
    if r.points.iter().any(|p| p.expected_deaths_per_trial.is_some()) {
        let curves = (0..per)
            .map(|j| {
                curve(j, &|p: &crate::decide::sweep::Point| {
                    p.expected_deaths_per_trial.map(|d| (d, p.expected_deaths_ci95))
                })
            })
            .collect();
        panels.push(("expected deaths of wounds (modelled)".into(), "per trial".into(), None, curves));
    }
    let swept = match second {
        Some(b) => format!("{} (x axis) × {} (a curve for each value)", first.key, b.key),
        None => first.key.clone(),
    };
    SweepChart {
        title: format!("{}: {} paired trials a point", r.about.scenario, Count(r.trials)),
        subtitle: format!("swept: {swept}; bands: 95% intervals"),
        x_desc: axis_label(&first.key, model),
        legend_title: second.map_or(String::new(), |b| axis_label(&b.key, model)),
        x_names: numeric.is_none().then(|| first.values.iter().map(|v| cut(value_name(v), 14)).collect()),
        panels,
    }
}

pub fn sweep_html(r: &SweepResult, png: &[u8]) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<p>{}. Each point's share in time with its 95% interval; expected deaths of wounds per trial \
         (modelled).</p>",
        Esc(&sweep_about(r).replace('\n', ": "))
    );
    b.push_str(&precision_note(r.precision.as_ref(), r.trials, true));
    b.push_str(&img(png, "Compliance at each value, with 95% intervals"));
    b.push_str("<table><tr>");
    for a in &r.axes {
        let _ = write!(b, "<th><code>{}</code></th>", Esc(&a.key));
    }
    b.push_str("<th>first aid</th><th>resuscitation</th><th>surgery</th><th>expected deaths per trial</th>");
    let milestone = sweep_onward_milestone(r);
    if let Some(m) = &milestone {
        let _ = write!(b, "<th>{}</th>", Esc(m));
    }
    b.push_str("</tr>");
    for p in &r.points {
        b.push_str("<tr>");
        for v in &p.values {
            let _ = write!(b, "<td>{}</td>", Esc(v));
        }
        for figure in sweep_figures(p, Style::Typeset) {
            let _ = write!(b, "<td class=n>{}</td>", Esc(figure));
        }
        if milestone.is_some() {
            let _ = write!(b, "<td class=n>{}</td>", Esc(sweep_onward(p, Style::Typeset)));
        }
        b.push_str("</tr>");
    }
    b.push_str("</table>");
    if !r.targets.is_empty() {
        b.push_str("<h2>Against the scenario's targets</h2><ul>");
        for line in sweep_target_lines(r) {
            let _ = write!(b, "<li>{}</li>", Esc(line));
        }
        b.push_str("</ul>");
    }
    for note in &r.notes {
        let _ = write!(b, "<p class=note>{}</p>", Esc(note));
    }
    page(
        &format!("Sweep: {}", r.about.scenario),
        &provenance(&r.about.file, &r.about.overrides, r.about.seed, r.trials),
        &b,
    )
}

// --- place --------------------------------------------------------------------------------

fn standing(s: Standing) -> &'static str {
    match s {
        Standing::Best => "best",
        Standing::IndistinguishableFromBest => "indistinguishable from best",
        Standing::Worse => "worse",
        Standing::NotMeasured => "not measured: nobody counted",
    }
}

fn place_value(r: &PlaceResult, v: Option<f64>, s: Style) -> String {
    match (r.objective, v) {
        (_, None) => s.missing().into(),
        (Objective::LivesSaved, Some(v)) => format!("{v:.3}"),
        (_, Some(v)) => Pct(v).to_string(),
    }
}

fn place_difference(r: &PlaceResult, d: Option<f64>, h: Option<f64>, s: Style) -> String {
    match (r.objective, d, h) {
        (_, Some(0.0), _) => s.missing().into(),
        (Objective::LivesSaved, Some(d), Some(h)) => format!("{d:+.3} ±{h:.3}"),
        (_, Some(d), Some(h)) => format!("{} pts", PointsPm(d, h)),
        _ => s.missing().into(),
    }
}

/// The placement table for the terminal: of a grid, its fifteen leaders (the report page has
/// the room for every point).
pub fn place_table(r: &PlaceResult) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "casevac place: where {} goes in {}", r.moved, r.about.scenario);
    o.push_str(&wrap(&confidence_line(r.objective, r.confidence_pct, r.about.seed), "", 96));
    o.push_str(&wrap(&place_verdict(r), "", 96));
    o.push('\n');
    let rows = place_rows(r, false, Style::Plain);
    let [rank, site, value, against, standing, trials] = &rows.head;
    let _ = writeln!(o, "{rank}  {site:<18}{value:>16}{against:>18}  {standing:<28}{trials:>9}");
    for [rank, site, value, against, standing, trials] in &rows.cells {
        let site = cut_to_columns(site, 17);
        let _ = writeln!(o, "{rank:>4}  {:<18}{value:>16}{against:>18}  {standing:<28}{trials:>9}", Text(&site));
    }
    let _ = writeln!(o, "  ({PLACE_COLUMNS_NOTE})");
    if rows.left_out > 0 {
        let points = if rows.left_out == 1 { "point" } else { "points" };
        let _ = writeln!(o, "  ... and {} more {points} (every point is in the JSON and CSV)", rows.left_out);
    }
    if let Some(next) = place_next(r) {
        let _ = writeln!(o, "\n{next}");
    }
    o
}

/// The columns come from different rounds, so they need not subtract.
const PLACE_COLUMNS_NOTE: &str =
    "a value is over its row's trials; against best is paired, from the round that decided it";

/// What the placement found, in one sentence: the best, separated from the rest; the ones it
/// could not separate; or nothing to rank.
fn place_verdict(r: &PlaceResult) -> String {
    let best = &r.candidates[0];
    if best.standing == Standing::NotMeasured {
        return format!(
            "nothing to rank: nobody the objective counts was simulated at any candidate in {} trials",
            Count(best.trials)
        );
    }
    // On a grid, the site as given competes beside the grid's points and is named as such.
    let best_name = if r.is_grid_point(best) {
        format!("latitude {:.3}, longitude {:.3}", best.lat, best.lon)
    } else if r.grid.is_some() && r.is_as_given(best) {
        format!("{}, where it is now", best.site)
    } else {
        best.site.clone()
    };
    if r.separated {
        return format!(
            "best: {best_name} (separated from every other candidate within {} trials)",
            Count(best.trials)
        );
    }
    let d = point_decimals(r);
    let name = |c: &CandidateResult| {
        if r.is_grid_point(c) { format!("({:.d$}, {:.d$})", c.lat, c.lon) } else { c.site.clone() }
    };
    let close: Vec<&CandidateResult> = r
        .candidates
        .iter()
        .filter(|c| matches!(c.standing, Standing::Best | Standing::IndistinguishableFromBest))
        .collect();
    // A grid's close points may be dozens: the first few are named, the rest counted.
    let named = |cs: &[&CandidateResult]| {
        let names: Vec<String> = cs.iter().take(NAMED_SITES).map(|c| name(c)).collect();
        match cs.len().checked_sub(NAMED_SITES).filter(|&more| more > 0) {
            Some(more) => format!("{} and {more} more", names.join(", ")),
            None => names.join(", "),
        }
    };
    if close.len() > 1 && close[1..].iter().all(|c| r.is_same_as_best(c)) {
        let (who, rest) = if close.len() == r.candidates.len() {
            ("every candidate".to_string(), "")
        } else {
            (named(&close[1..]), "; the others are worse")
        };
        return format!(
            "{who} gave the same {} as {best_name}, in each of {} trials, so no more were run: where {} stands \
             makes no difference to it here{rest}",
            r.objective.label(),
            Count(best.trials),
            r.moved
        );
    }
    format!(
        "cannot separate {} at --max-trials {}: they are within the interval of each other",
        named(&close),
        Count(r.max_trials)
    )
}

/// Sites a verdict names before it counts the rest.
const NAMED_SITES: usize = 6;

/// The placement table's heading and rows, as the terminal and the report page show them, and
/// how many of a grid's points were left out.
struct PlaceRows {
    head: [String; 6],
    cells: Vec<[String; 6]>,
    left_out: usize,
}

/// With `every_row`, a grid's every point; else its fifteen leaders and the site as given.
fn place_rows(r: &PlaceResult, every_row: bool, s: Style) -> PlaceRows {
    let d = point_decimals(r);
    // For lives, the value is expected deaths per trial and the difference lives saved against
    // the best (negative where fewer), which its heading says, as a step's differences say "pts".
    let (value, against) = match r.objective {
        Objective::LivesSaved => ("deaths/trial", "lives vs best"),
        o => (o.label(), "against best"),
    };
    let site = if r.grid.is_some() { "lat, lon" } else { "site" };
    let head = ["rank", site, value, against, "standing", "trials"].map(String::from);
    // A grid's candidates are many: the table keeps the contenders and the closest of the rest.
    let shown = if r.grid.is_some() && !every_row { r.candidates.len().min(15) } else { r.candidates.len() };
    // The site as given is always shown, even when it ranks below the rows kept.
    let extra = r.candidates[shown..].iter().filter(|c| r.is_as_given(c));
    let cells = r.candidates[..shown]
        .iter()
        .chain(extra)
        .map(|c| {
            let site = if r.is_grid_point(c) {
                format!("{:.d$}, {:.d$}", c.lat, c.lon)
            } else if r.is_as_given(c) {
                format!("{} (now)", c.site)
            } else {
                c.site.clone()
            };
            [
                c.rank.to_string(),
                site,
                place_value(r, c.value, s),
                place_difference(r, c.difference_from_best, c.half_width, s),
                standing(c.standing).to_string(),
                Count(c.trials).to_string(),
            ]
        })
        .collect();
    PlaceRows { head, cells, left_out: r.candidates[shown..].iter().filter(|c| !r.is_as_given(c)).count() }
}

/// What to do with the answer: where it already is, the --set that repeats it, or how to turn a
/// grid point into a site. None when nothing was measured.
fn place_next(r: &PlaceResult) -> Option<String> {
    let best = &r.candidates[0];
    if best.standing == Standing::NotMeasured {
        None
    } else if r.is_as_given(best) {
        let others = &r.candidates[1..];
        Some(if r.separated {
            format!("the best is where it is now ({})", best.site)
        } else if others.iter().all(|c| c.standing == Standing::Worse || r.is_same_as_best(c)) {
            format!("it stays where it is now ({}): no candidate does better", best.site)
        } else {
            format!(
                "the leading site is where it is now ({}; not separated from those marked indistinguishable)",
                best.site
            )
        })
    } else if let Some(set) = &best.set {
        // Not separated, it only leads on the last round's trials: said so, not handed over as
        // the answer.
        let what = if r.separated {
            "the best"
        } else {
            "the leading site (not separated from those marked indistinguishable)"
        };
        Some(format!("repeat {what} with: --set {}", shell_word(set)))
    } else {
        Some("put it at the site nearest the best point, then check that site with --candidates".into())
    }
}

/// The objective and how sure a separation is, as both placement tables head it.
fn confidence_line(objective: Objective, confidence_pct: f64, seed: u64) -> String {
    format!(
        "objective: {}; {confidence_pct}% confidence, Bonferroni-adjusted over each round's comparisons and the \
         rounds --max-trials allows with the final one; seed {seed}",
        objective.label()
    )
}

pub fn place_csv(r: &PlaceResult) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["rank", "site", "lat", "lon", "set"].into_iter().chain(candidate_columns(r.objective)))?;
    for c in &r.candidates {
        // A grid point is no site of the file, so no --set repeats it: its place is in lat, lon.
        let set = c.set.clone().unwrap_or_default();
        let [site, lat, lon, rest @ ..] = candidate_fields(c, r.objective);
        w.write_record([c.rank.to_string(), site, lat, lon, set].into_iter().chain(rest))?;
    }
    w.into_inner().context("cannot finish the CSV")
}

/// The columns after a candidate's site and place, as both placement CSVs write them, named with
/// their unit: a share in percent and percentage points, lives in deaths or lives a trial.
/// The first round's value, on the same trials for every candidate, is what the placement map
/// colours by.
fn candidate_columns(objective: Objective) -> [&'static str; 6] {
    if objective.is_share() {
        ["standing", "value_pct", "difference_from_best_points", "half_width_points", "trials", "first_round_value_pct"]
    } else {
        [
            "standing",
            "expected_deaths_per_trial",
            "difference_from_best_lives_per_trial",
            "half_width_lives_per_trial",
            "trials",
            "first_round_expected_deaths_per_trial",
        ]
    }
}

/// A candidate's site, lat, lon, then the [`candidate_columns`].
fn candidate_fields(c: &CandidateResult, objective: Objective) -> [String; 9] {
    let scale = if objective.is_share() { 100.0 } else { 1.0 };
    let v = |x: Option<f64>| x.map_or(String::new(), |x| format!("{:.6}", x * scale));
    [
        c.site.clone(),
        format!("{:.6}", c.lat),
        format!("{:.6}", c.lon),
        super::csv_out::json_word(&c.standing),
        v(c.value),
        v(c.difference_from_best),
        v(c.half_width),
        c.trials.to_string(),
        v(c.first_round_value),
    ]
}

/// Each candidate's difference from the best, with its adjusted interval.
pub fn place_chart(r: &PlaceResult) -> RowBars {
    let scale = if r.objective.is_share() { 100.0 } else { 1.0 };
    let bars = r
        .candidates
        .iter()
        .map(|c| {
            c.difference_from_best.map(|d| {
                let interval = c.half_width.map(|h| ((d - h) * scale, (d + h) * scale));
                let colour = match c.standing {
                    Standing::Best => PALETTE_BEST,
                    Standing::IndistinguishableFromBest => plotters::style::RGBColor(150, 150, 150),
                    Standing::Worse => super::compare_charts::diverging(-0.85),
                    // (Without a value it has no difference, so no bar is drawn.)
                    Standing::NotMeasured => plotters::style::RGBColor(150, 150, 150),
                };
                Bar { value: d * scale, interval, colour }
            })
        })
        .collect();
    let unit = if scale == 100.0 { "percentage points" } else { "lives per trial" };
    RowBars {
        title: format!("Where to put it: {}", r.about.scenario),
        subtitle: format!(
            "each candidate against the best on {}; whiskers: Bonferroni-adjusted {}% intervals",
            r.objective.label(),
            r.confidence_pct
        ),
        rows: r.candidates.iter().map(|c| format!("{}. {} ({})", c.rank, c.site, standing(c.standing))).collect(),
        panels: vec![(format!("{} against the best", r.objective.label()), unit.into(), bars)],
        from_zero: true,
    }
}

/// Where each of several assets goes, and how the heuristic got there.
pub fn several_table(r: &SeveralResult) -> String {
    let mut o = String::new();
    let first = &r.steps[0];
    let names: Vec<String> = r.placements.iter().map(|(m, _)| m.to_string()).collect();
    let _ = writeln!(o, "casevac place: where {} go together in {}", names.join(" and "), first.about.scenario);
    o.push_str(&wrap(&format!("method: {}", r.method), "", 96));
    o.push_str(&wrap(&confidence_line(first.objective, first.confidence_pct, first.about.seed), "", 96));
    let _ = writeln!(o, "\n{}:", several_state(r));
    for [moved, site, how] in several_placements(r) {
        let _ = writeln!(o, "  {:<28} at {:<16} {how}", Text(&moved), Text(&site));
    }
    let _ = writeln!(o, "\neach placement made, in order");
    for [pass, moved, site, trials] in several_steps(r) {
        let _ = writeln!(o, "  pass {pass} {:<28} → {:<16} ({trials} trials)", Text(&moved), Text(&site));
    }
    let _ = writeln!(o, "\n{}", several_next(r));
    o
}

/// How the passes ended, as both the table and the page head the placement.
fn several_state(r: &SeveralResult) -> String {
    let passes = r.steps.len() / r.placements.len();
    let state = if r.converged { "no single move helps" } else { "stopped at the pass limit" };
    format!("placement after {passes} passes ({state})")
}

/// Each asset, where it goes, and how surely: separated from every other site, or which ones it
/// could not be told from.
fn several_placements(r: &SeveralResult) -> Vec<[String; 3]> {
    r.placements
        .iter()
        .zip(r.last_pass())
        .map(|((m, site), step)| {
            let close: Vec<&str> = step
                .candidates
                .iter()
                .filter(|c| c.standing == Standing::IndistinguishableFromBest)
                .map(|c| c.site.as_str())
                .collect();
            let how = if step.separated {
                "separated from every other site".to_string()
            } else {
                format!("indistinguishable from {}", close.join(", "))
            };
            [m.to_string(), site.clone(), how]
        })
        .collect()
}

/// Each placement made, in order: its pass, the asset, where it went and on how many trials.
fn several_steps(r: &SeveralResult) -> Vec<[String; 4]> {
    r.steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            [
                (i / r.placements.len() + 1).to_string(),
                step.moved.to_string(),
                step.candidates[0].site.clone(),
                Count(step.rounds.last().map_or(0, |x| x.trials)).to_string(),
            ]
        })
        .collect()
}

/// The `--set`s that repeat the placement, or, where one is at a grid point (no site of the
/// file, so no --set can put anything there), how to turn it into a site.
fn several_next(r: &SeveralResult) -> String {
    let on_grid = r
        .placements
        .iter()
        .zip(r.last_pass())
        .any(|((_, site), step)| step.grid.is_some() && site.starts_with(crate::decide::place::GRID_PREFIX));
    if on_grid {
        "a placement is at a grid point, which is no site of the file: put it at the site nearest that point, then \
         check that site with --candidates"
            .into()
    } else {
        // Only the moves: one that stays where the file has it needs no --set.
        let (stay, go): (Vec<_>, Vec<_>) =
            r.placements.iter().zip(r.last_pass()).partition(|((_, site), step)| step.as_given.as_ref() == Some(site));
        let sets: Vec<String> =
            go.iter().map(|((m, s), _)| format!("--set {}", shell_word(&m.at(s).to_string()))).collect();
        let stay: Vec<String> = stay.iter().map(|((m, s), _)| format!("{m} at {s}")).collect();
        match (sets.is_empty(), stay.is_empty()) {
            (true, _) => format!("each stays where it is now ({}): nothing to repeat", stay.join(", ")),
            (false, true) => format!("repeat it with: {}", sets.join(" ")),
            (false, false) => format!("repeat it with: {} (stays: {})", sets.join(" "), stay.join(", ")),
        }
    }
}

pub fn several_csv(r: &SeveralResult) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let objective = r.steps[0].objective;
    w.write_record(
        ["pass", "moved", "rank", "site", "lat", "lon", "set"].into_iter().chain(candidate_columns(objective)),
    )?;
    for (i, step) in r.steps.iter().enumerate() {
        let pass = (i / r.placements.len() + 1).to_string();
        for c in &step.candidates {
            let [site, lat, lon, rest @ ..] = candidate_fields(c, objective);
            let head = [pass.clone(), step.moved.to_string(), c.rank.to_string(), site, lat, lon];
            w.write_record(head.into_iter().chain([c.set.clone().unwrap_or_default()]).chain(rest))?;
        }
    }
    w.into_inner().context("cannot finish the CSV")
}

/// One panel per asset: each site against that asset's best, in its last placement.
pub fn several_chart(r: &SeveralResult) -> RowBars {
    let last = r.last_pass();
    let sites: Vec<String> = last[0].candidates.iter().map(|c| c.site.clone()).collect::<Vec<_>>();
    let scale = if last[0].objective.is_share() { 100.0 } else { 1.0 };
    let panels = last
        .iter()
        .map(|step| {
            let bars = sites
                .iter()
                .map(|s| {
                    let c = step.candidates.iter().find(|c| &c.site == s)?;
                    let d = c.difference_from_best?;
                    let interval = c.half_width.map(|h| ((d - h) * scale, (d + h) * scale));
                    let verdict = c.half_width.map(|h| crate::compare::Verdict::of_interval(d, h));
                    Some(Bar { value: d * scale, interval, colour: effect_colour(d, verdict) })
                })
                .collect();
            (
                step.moved.to_string(),
                if scale == 100.0 { "percentage points" } else { "lives per trial" }.to_string(),
                bars,
            )
        })
        .collect();
    RowBars {
        title: format!("Where they go together: {}", last[0].about.scenario),
        subtitle: format!("each site against each one's best, the others in place; {}", last[0].objective.label()),
        rows: sites,
        panels,
        from_zero: true,
    }
}

pub fn several_html(r: &SeveralResult, png: &[u8]) -> String {
    let first = &r.steps[0];
    let mut b = String::new();
    let _ = write!(
        b,
        "<p>Method: {}. {}.</p>",
        Esc(&r.method),
        Esc(capitalised(&confidence_line(first.objective, first.confidence_pct, first.about.seed)))
    );
    b.push_str(&img(png, "Each site against the best, for each asset with the others in place"));
    let _ = write!(
        b,
        "<h2>{}</h2><table><tr><th>asset</th><th>site</th><th>how sure</th></tr>",
        Esc(capitalised(&several_state(r)))
    );
    for [moved, site, how] in several_placements(r) {
        let _ = write!(b, "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", Esc(moved), Esc(site), Esc(how));
    }
    b.push_str("</table><h2>Each placement made, in order</h2><table><tr><th>pass</th><th>asset</th><th>site</th><th>trials</th></tr>");
    for [pass, moved, site, trials] in several_steps(r) {
        let _ = write!(
            b,
            "<tr><td class=n>{}</td><td>{}</td><td>{}</td><td class=n>{}</td></tr>",
            Esc(pass),
            Esc(moved),
            Esc(site),
            Esc(trials)
        );
    }
    let _ = write!(b, "</table><p>{}</p>", Esc(capitalised(&several_next(r))));
    let trials = place_trials(first);
    page(
        &format!("Placement: {}", first.about.scenario),
        &provenance(&first.about.file, &first.about.overrides, first.about.seed, trials),
        &b,
    )
}

/// Decimals of degrees that tell a grid's points apart: two, or up to four where the points lie
/// closer than a hundredth of a degree (a grid over one small camp).
fn point_decimals(r: &PlaceResult) -> usize {
    let step = |of: fn(&crate::decide::place::CandidateResult) -> f64| {
        let mut v: Vec<f64> = r.candidates.iter().filter(|c| r.is_grid_point(c)).map(of).collect();
        v.sort_by(f64::total_cmp);
        v.windows(2).map(|w| w[1] - w[0]).filter(|&g| g > 0.0).fold(f64::INFINITY, f64::min)
    };
    let finest = step(|c| c.lat).min(step(|c| c.lon));
    if finest.is_finite() { ((-finest.log10()).ceil() as usize).clamp(2, 4) } else { 2 }
}

/// The first round's value at each grid point, as a map.
pub fn place_map<'a>(r: &PlaceResult, model: &'a crate::model::Model) -> super::decide_charts::PlaceMap<'a> {
    let best = &r.candidates[0];
    super::decide_charts::PlaceMap {
        model,
        title: format!(
            "Where to put it: {} on {} {n} × {n} grid",
            r.objective.label(),
            // "an 8", "an 11", "an 18": the article as the number is said.
            if matches!(r.grid, Some(8 | 11 | 18)) { "an" } else { "a" },
            n = r.grid.unwrap_or(0)
        ),
        legend: match r.objective {
            Objective::LivesSaved => {
                vec!["expected deaths per trial,".into(), format!("first round, {} trials", Count(r.rounds[0].trials))]
            }
            _ => vec!["share in time,".into(), format!("first round, {} trials", Count(r.rounds[0].trials))],
        },
        percent: r.objective.is_share(),
        // The grid's points, and the site as given where it stands in for the point on its spot
        // (left out of the candidates); elsewhere it competes, but is not a cell.
        cells: r
            .candidates
            .iter()
            .filter(|c| {
                r.is_grid_point(c)
                    || model.sites.iter().any(|s| {
                        s.id.starts_with(crate::decide::place::GRID_PREFIX) && (s.pos.lat, s.pos.lon) == (c.lat, c.lon)
                    })
            })
            .map(|c| (c.lat, c.lon, c.first_round_value))
            .collect(),
        higher_is_better: r.objective.is_share(),
        best: (best.lat, best.lon),
        separated: r.separated,
        n: r.grid.unwrap_or(1),
        min_span: 2.0 * first_round_half_width(r),
    }
}

/// About the half-width of a difference's interval in a placement's first round, whose values
/// the map colours: the median of the candidates' half-widths, each from the round that decided
/// it, scaled back to the first round's trials (a half-width shrinks as one over the root of
/// the trials). 0 where no candidate has one.
fn first_round_half_width(r: &PlaceResult) -> f64 {
    let first = r.rounds.first().map_or(0, |x| x.trials) as f64;
    let mut hw: Vec<f64> = r
        .candidates
        .iter()
        .filter_map(|c| c.half_width.filter(|&h| h > 0.0).map(|h| h * (c.trials as f64 / first).sqrt()))
        .filter(|h| h.is_finite())
        .collect();
    hw.sort_by(f64::total_cmp);
    hw.get(hw.len() / 2).copied().unwrap_or(0.0)
}

const PALETTE_BEST: plotters::style::RGBColor = super::charts::PALETTE[0];

pub fn place_html(r: &PlaceResult, png: &[u8]) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<p>Where <b>{}</b> goes. {}.</p><p><b>{}</b></p>",
        Esc(r.moved.to_string()),
        Esc(capitalised(&confidence_line(r.objective, r.confidence_pct, r.about.seed))),
        Esc(place_verdict(r))
    );
    // With --grid the chart is the map of the grid's first round.
    let caption = if r.grid.is_some() {
        "The objective at each point of the grid in the first round"
    } else {
        "Each candidate against the best"
    };
    b.push_str(&img(png, caption));
    // The page has the room for every point of a grid.
    let rows = place_rows(r, true, Style::Typeset);
    b.push_str("<table><tr>");
    for h in &rows.head {
        let _ = write!(b, "<th>{}</th>", Esc(h));
    }
    b.push_str("</tr>");
    for [rank, site, value, against, standing, trials] in &rows.cells {
        let _ = write!(
            b,
            "<tr><td class=n>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td>{}</td><td class=n>{}</td></tr>",
            Esc(rank),
            Esc(site),
            Esc(value),
            Esc(against),
            Esc(standing),
            Esc(trials)
        );
    }
    let _ = write!(b, "</table><p class=note>{}.</p>", Esc(capitalised(PLACE_COLUMNS_NOTE)));
    if let Some(next) = place_next(r) {
        let _ = write!(b, "<p>{}</p>", Esc(capitalised(&next)));
    }
    let trials = place_trials(r);
    page(
        &format!("Placement: {}", r.about.scenario),
        &provenance(&r.about.file, &r.about.overrides, r.about.seed, trials),
        &b,
    )
}

/// A placement's trials as its page gives them: its last round's, the most any candidate ran.
fn place_trials(r: &PlaceResult) -> u64 {
    r.rounds.last().map_or(0, |x| x.trials)
}

/// A placement's [`run_csv`]: `place` runs to no `--precision`.
pub fn place_run_csv(r: &PlaceResult) -> anyhow::Result<Vec<u8>> {
    run_csv(
        &r.about,
        place_trials(r),
        None,
        Judged { objective: Some(r.objective), confidence_pct: Some(r.confidence_pct) },
    )
}

/// The [`run_csv`] of several placed together, as their page gives it: from the first placement.
pub fn several_run_csv(r: &SeveralResult) -> anyhow::Result<Vec<u8>> {
    let first = &r.steps[0];
    let judged = Judged { objective: Some(first.objective), confidence_pct: Some(first.confidence_pct) };
    run_csv(&first.about, place_trials(first), None, judged)
}

// --- writing ------------------------------------------------------------------------------

/// One decision's outputs: its name (file stem), JSON, CSV (its table and [`run_csv`]) and
/// report page with its chart.
pub struct Written<'a> {
    pub stem: &'static str,
    pub json: String,
    pub csv: Vec<u8>,
    pub run_csv: Vec<u8>,
    pub chart: &'a dyn Fn() -> Result<(Vec<u8>, String), String>,
    pub html: &'a dyn Fn(&[u8]) -> String,
    /// The report's GeoJSON, for a decision with a map ([`has_map`]).
    pub map: Option<String>,
}

/// The files of a decision's CSV folder: its table, and where its figures come from.
pub fn csv_files(stem: &str) -> Vec<String> {
    vec![format!("{stem}.csv"), RUN_CSV.into()]
}

const RUN_CSV: &str = "run.csv";

/// Whether a decision's report holds a GeoJSON map: a placement's, of its candidates.
pub fn has_map(stem: &str) -> bool {
    stem == "place"
}

/// The files of a decision's report folder.
pub fn report_files(stem: &str) -> Vec<String> {
    let mut files = vec![format!("{stem}.png"), format!("{stem}.svg"), "report.html".into(), format!("{stem}.json")];
    if has_map(stem) {
        files.push(format!("{stem}.geojson"));
    }
    files.extend(csv_files(stem));
    files
}

/// Checks the outputs before anything is simulated (see [`files::check_outputs`]).
pub fn check_outputs(paths: &OutputPaths, stem: &str, inputs: &[files::Input]) -> anyhow::Result<()> {
    files::check_outputs(&paths.planned(csv_files(stem), report_files(stem)), inputs)
}

/// Writes what `paths` asks for and returns a line per output. The chart is drawn before any
/// output is written, as for a run ([`super::write_outputs`]).
pub fn write_outputs(paths: &OutputPaths, w: &Written) -> anyhow::Result<Vec<String>> {
    let chart = match &paths.report {
        Some(_) => Some((w.chart)().map_err(|e| anyhow::anyhow!("cannot draw the {} chart: {e}", w.stem))?),
        None => None,
    };
    let mut notes = Vec::new();
    if let Some(path) = &paths.json {
        write_atomic(path, w.json.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
        notes.push(format!("JSON written to {}", path.display()));
    }
    let csv = || csv_files(w.stem).into_iter().zip([w.csv.clone(), w.run_csv.clone()]);
    if let Some(dir) = &paths.csv {
        files::write_folder(dir, &csv().collect::<Vec<_>>(), &csv_files(w.stem))?;
        notes.push(format!("CSV written to {} ({}.csv, and run.csv: what was run)", dir.display(), w.stem));
    }
    if let (Some(dir), Some((png, svg))) = (&paths.report, chart) {
        let html = (w.html)(&png);
        let names = report_files(w.stem);
        let mut contents = vec![png, svg.into_bytes(), html.into_bytes(), w.json.clone().into_bytes()];
        contents.extend(w.map.clone().map(String::into_bytes));
        contents.extend(csv().map(|(_, bytes)| bytes));
        debug_assert_eq!(names.len(), contents.len(), "a file for every name");
        files::write_folder(dir, &names.iter().cloned().zip(contents).collect::<Vec<_>>(), &names)?;
        notes.push(format!("report written to {}", dir.join("report.html").display()));
    }
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sweep's page has no row for the scenario as given, so its note says what the target
    /// was judged on; the levers' page, whose table is the differences, need not.
    #[test]
    fn a_sweep_page_says_what_its_precision_target_was_judged_on() {
        let p = crate::summary::Precision {
            target_points: 1.0,
            achieved_points: 0.8,
            unseen_in: None,
            precision_met: true,
            max_trials: 64_000,
        };
        let sweep = precision_note(Some(&p), 3_000, true);
        assert!(
            sweep.contains("a point's difference from the scenario as given (the reference every point is paired with")
        );
        assert!(sweep.contains("The table gives each point's own compliance"), "{sweep}");
        let levers = precision_note(Some(&p), 3_000, false);
        assert!(levers.contains("±0.80 points after 3,000 paired trials") && !levers.contains("reference"), "{levers}");
    }
    use crate::compare::Verdict;

    #[test]
    fn a_bar_is_coloured_by_its_verdict_not_by_a_bound_of_rounding_noise() {
        // A lower bound of zero that floating point leaves a hair above it (see Verdict::of_interval).
        let (x, h) = (0.0064, 0.0048 + 0.0016);
        let f = PairedFigures {
            difference: Some(x),
            ci95_low: Some(x - h),
            ci95_high: Some(x + h),
            paired_half_width: Some(h),
            verdict: Some(Verdict::of_interval(x, h)),
            ..Default::default()
        };
        assert!(f.ci95_low.is_some_and(|l| l > 0.0));
        let grey = effect_colour(x, Some(Verdict::NoDetectableChange));
        assert_ne!(grey, effect_colour(x, Some(Verdict::Better)));
        assert_eq!(points_bar(&f).map(|b| b.colour), Some(grey));
    }

    #[test]
    fn a_swept_key_reads_in_a_planners_words_with_its_unit() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sahel-north.toml");
        let m = crate::scenario::load(&path).unwrap();
        let label = |k: &str| axis_label(k, &m);
        assert_eq!(label("asset.gao_mi8.approval_min"), "Mi-8 utility helicopters, Gao: approval (minutes)");
        assert_eq!(label("asset.\"gao_mi8\".speed_kmh"), "Mi-8 utility helicopters, Gao: speed (km/h)");
        assert_eq!(label("asset.gao_mi8.count"), "Mi-8 utility helicopters, Gao: count (units)");
        assert_eq!(label("zone.route_gao_kidal.first_aider_share"), "Supply route Gao-Kidal: first aider share");
        assert_eq!(label("zone.kidal_camp.radius_km"), "Kidal camp and surroundings: radius (km)");
        assert_eq!(label("facility.gao_l2.operating_tables"), "Level 2 hospital, Gao: operating tables");
        assert_eq!(label("site.gao.lat"), "Gao: lat");
        assert_eq!(label("scenario.period_days"), "period (days)");
        assert_eq!(label("scenario.targets_pct.surgery"), "targets, surgery (%)");
        assert_eq!(label("onward.deadline_min"), "onward: deadline (minutes)");
        assert_eq!(label("not a key"), "not a key");
    }
}
