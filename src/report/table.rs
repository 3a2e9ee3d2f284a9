//! The terminal table a planner reads in ten seconds.
//!
//! Every line fits the width it is given (100 columns when standard output is not a terminal,
//! so pipes and tests see one layout): label columns take the room their ids need, an id too
//! long for its column gets a line of its own, and prose wraps.

use crate::report::fmt::{
    Count, Grouped, Interval, Label, Maybe, Minutes, Pct, Quantile, Quantity, Style, Text, columns,
};
use crate::report::step_title;
use crate::summary::{DeathsResult, GroupDeaths, GroupResult, PhaseResult, StepScope, Summary};
use std::fmt::Write;

/// Columns line up in any terminal, so ASCII only.
const S: Style = Style::Plain;

/// The width of a table written anywhere but a terminal: stable for pipes, files and tests.
pub const WIDTH: usize = 100;

/// The width to lay tables out in: the terminal's, when standard output is one, else [`WIDTH`].
/// The columns of figures alone take about 85 columns (95 in a comparison); in a narrower
/// terminal those rows run over rather than squeeze the figures, while prose still wraps.
pub fn width() -> usize {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return WIDTH;
    }
    terminal_size::terminal_size().map_or(WIDTH, |(terminal_size::Width(w), _)| usize::from(w).clamp(60, 200))
}

/// The width of a label column: what the longest label that fits needs, at least `min`. A label
/// fits if the line leaves it room beside `rest` columns of figures; one that does not gets a
/// line of its own ([`row_label`]) rather than widening the column for every row.
pub(super) fn label_width<'a>(labels: impl Iterator<Item = &'a str>, min: usize, rest: usize, width: usize) -> usize {
    let room = width.saturating_sub(rest).max(min);
    labels.map(columns).filter(|&n| n <= room).max().unwrap_or(0).max(min)
}

/// Starts a row: `indent`, then `label` padded to `w`; a label longer than `w` stands on its
/// own line and the figures start on the next, so columns never shift.
pub(super) fn row_label(o: &mut String, indent: &str, label: &str, w: usize) {
    if columns(label) > w {
        let _ = writeln!(o, "{indent}{label}");
        let _ = write!(o, "{indent}{:w$}", "");
    } else {
        let _ = write!(o, "{indent}{:<w$}", Text(label));
    }
}

/// Below this many trials, rows with few casualties or with large incidents cover less than
/// their stated 95% (checked under hundreds of seeds: a camp's row held 85% at 50 trials).
const FEW_TRIALS: u64 = 200;

/// Under [`FEW_TRIALS`], a line that says the intervals are too narrow, and where to read why.
pub(super) fn few_trials_note(o: &mut String, trials: u64, width: usize) {
    if trials < FEW_TRIALS {
        wrap(
            o,
            "",
            &format!(
                "note: under {FEW_TRIALS} trials the intervals of rare rows and of zones with large incidents \
                 are too narrow (docs/scenario-format.md, \"How far to trust the figures\")"
            ),
            width,
        );
    }
}

/// Writes `text` after `first` (which sets the hanging indent of the following lines), broken
/// at spaces so no line passes `width`; a word longer than a line is kept whole.
pub(super) fn wrap(o: &mut String, first: &str, text: &str, width: usize) {
    let indent = columns(first);
    let mut line = first.to_string();
    let mut used = indent;
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let n = columns(word);
        if !empty && used + 1 + n > width {
            let _ = writeln!(o, "{}", line.trim_end());
            line = " ".repeat(indent);
            used = indent;
            empty = true;
        }
        if !empty {
            line.push(' ');
            used += 1;
        }
        line.push_str(word);
        used += n;
        empty = false;
    }
    let _ = writeln!(o, "{}", line.trim_end());
}

/// A cell of a group table: `71.2% [66.0, 75.9]`, at most 20 characters and a space.
const CELL: usize = 21;

/// One row per group; with `scopes`, the groups are triage categories and a step that does not
/// count a category says so rather than showing an empty cell.
fn group_table(o: &mut String, title: &str, groups: &[GroupResult], scopes: Option<&[StepScope]>, width: usize) {
    let counts: Vec<String> = groups.iter().map(|g| format!("n={}", Count(g.casualties))).collect();
    let nw = counts.iter().map(|c| c.len()).max().unwrap_or(0);
    let min = title.chars().count().saturating_sub(2).max(12);
    let w = label_width(groups.iter().map(|g| g.group.as_str()), min, 2 + 3 * CELL + 2 + nw, width);
    let _ =
        writeln!(o, "\n{title:<tw$}{:>CELL$}{:>CELL$}{:>CELL$}", "first aid", "resuscitation", "surgery", tw = w + 2);
    for (g, n) in groups.iter().zip(&counts) {
        row_label(o, "  ", &g.group, w);
        for (k, s) in g.steps.iter().enumerate() {
            let counted = scopes.is_none_or(|sc| sc[k].categories.contains(&g.group.as_str()));
            let cell = if !counted {
                "not counted".to_string()
            } else if s.eligible == 0 {
                S.missing().to_string()
            } else {
                format!("{} {}", Maybe(s.compliance.map(Pct), S), Interval::of(s, S))
            };
            let _ = write!(o, "{cell:>CELL$}");
        }
        let _ = writeln!(o, "  {n}");
    }
}

/// A column of the phase table; its heading is at most 7 characters.
const PHASE: usize = 8;

fn phase_row(o: &mut String, name: &str, phases: &[PhaseResult], w: usize) {
    row_label(o, "  ", name, w);
    for p in phases {
        // A tenth of a minute is noise beside ten thousand; "10,000.0" would fill the column
        // and run into its neighbour.
        let decimals = if p.mean_min.is_some_and(|m| m.abs() >= 9_999.95) { 0 } else { 1 };
        let _ = write!(o, "{:>PHASE$.decimals$}", Maybe(p.mean_min.map(Minutes), S));
    }
    let _ = writeln!(o);
}

fn death_groups(o: &mut String, title: &str, groups: &[GroupDeaths], width: usize) {
    let items: Vec<String> = groups.iter().map(|g| format!("{} {:.2}", g.group, Grouped(g.per_trial))).collect();
    wrap(o, &format!("  {title:<28}"), &items.join(", "), width);
}

/// The outcome model's lines: expected deaths with their interval, the sensitivity to the
/// model's parameters, what doctrinal times would have prevented and which delay cost most.
fn deaths(o: &mut String, d: &DeathsResult, period_days: f64, width: usize) {
    let _ = writeln!(o);
    wrap(
        o,
        "",
        "deaths of wounds (modelled: potentially survivable injuries; not a prediction for any individual)",
        width,
    );
    wrap(
        o,
        // (A space always follows the label, which a period of 1,000 days and more fills.)
        &format!("  {:<27} ", format!("expected per {}-day trial", Quantity(period_days))),
        &{
            // A period of other than 30 days is also given per 30 days, so scenarios compare.
            let mut text = match d.ci95_low.zip(d.ci95_high) {
                Some((low, high)) => {
                    format!("{:.2} (95% CI {:.2}-{:.2})", Grouped(d.per_trial), Grouped(low), Grouped(high))
                }
                None => format!("{:.2} (no interval from one trial)", Grouped(d.per_trial)),
            };
            if let Some(p) = d.per_30_days.filter(|_| period_days != 30.0) {
                text.push_str(&format!("; {:.2} per 30 days", Grouped(p)));
            }
            text
        },
        width,
    );
    wrap(
        o,
        &format!("  {:<28}", "sensitivity"),
        &format!(
            "{:.2} to {:.2} (outcome parameters at the low and high ends of their sources)",
            Grouped(d.sensitivity.low_per_trial),
            Grouped(d.sensitivity.high_per_trial)
        ),
        width,
    );
    let [fa, rs, su] = d.model.doctrine_min;
    let steps: Vec<String> = d
        .costliest_step
        .iter()
        .filter_map(|c| c.share_of_preventable.map(|sh| format!("{} {:.0}", c.step.label(), Pct(sh))))
        .collect();
    wrap(
        o,
        &format!("  {:<28}", "potentially preventable"),
        &format!(
            "{} ({:.2} a trial) with care at {fa}/{rs}/{su} min{}",
            Maybe(d.preventable_share.map(Pct), S),
            Grouped(d.preventable_per_trial),
            if steps.is_empty() { String::new() } else { format!("; costliest delay: {}", steps.join(", ")) }
        ),
        width,
    );
    death_groups(o, "by severity", &d.by_severity, width);
    death_groups(o, "by zone", &d.by_zone, width);
    death_groups(o, "by time of wounding", &d.by_time_of_day, width);
}

/// Renders the summary as plain text in [`WIDTH`] columns.
pub fn render(s: &Summary) -> String {
    render_in(s, WIDTH)
}

/// Whom the onward row counts and where its minutes went, for the note under the headline.
fn onward_note(on: &crate::summary::OnwardResult) -> String {
    let minutes = |m: Option<f64>| m.map_or(S.missing().to_string(), |m| format!("{m:.0}"));
    format!(
        "; onward counts {} operated on below Level 3, {} of them, timed from the end of surgery: \
         on average {} min until fit to move, {} min waiting for a unit, {} min from tasking to landing",
        on.categories.join(", "),
        Count(on.eligible),
        minutes(on.mean_post_op_min),
        minutes(on.mean_wait_min),
        minutes(on.mean_lift_min)
    )
}

/// Renders the summary as plain text in `width` columns (see [`width`]).
pub fn render_in(s: &Summary, width: usize) -> String {
    let mut o = String::new();
    let sc = &s.scenario;
    wrap(&mut o, "", &format!("{} (casevac {})", sc.name, s.casevac_version), width);
    let warmup =
        if sc.warmup_days > 0.0 { format!(" after a {}-day warm-up", Quantity(sc.warmup_days)) } else { String::new() };
    let run = format!(
        "seed {}, {} of {}{warmup} (casualties followed {} h after), clock starts at {}",
        s.run.seed,
        crate::report::fmt::Counted(s.run.trials, "trial"),
        crate::report::fmt::Days(sc.period_days),
        Quantity(sc.follow_up_hours),
        match sc.clock_origin {
            crate::model::ClockOrigin::Wounding => "wounding",
            crate::model::ClockOrigin::Request => "the evacuation request",
        }
    );
    wrap(&mut o, "", &run, width);
    if !sc.overrides.is_empty() {
        wrap(&mut o, "with ", &format!("--set {}", sc.overrides.join(" --set ")), width);
    }
    if let Some(p) = &s.run.partial {
        wrap(&mut o, "", &p.note(s.run.trials), width);
    }
    few_trials_note(&mut o, s.run.trials, width);
    wrap(
        &mut o,
        "",
        &format!(
            "{} casualties simulated in {} incidents ({:.1} casualties per trial)",
            Count(s.casualties),
            Count(s.incidents),
            Grouped(s.casualties_per_trial)
        ),
        width,
    );

    let standard = if s.onward.is_some() { "10-1-2+2" } else { "10-1-2" };
    let _ = writeln!(
        o,
        "\n{standard} compliance{:>w$}{:>16}{:>9}{:>7}{:>7}",
        "share",
        "95% CI",
        "median",
        "p90",
        "p95",
        w = 31 - standard.len()
    );
    for st in &s.steps {
        // With nobody to count, there is no time to the step either: the missing-value marker,
        // not "beyond 48 h".
        let quantile =
            |q: Option<f64>| if st.eligible == 0 { S.missing().to_string() } else { Quantile(q).to_string() };
        let _ = writeln!(
            o,
            "  {:<32}{:>8}{:>16}{:>9}{:>7}{:>7}",
            step_title(st.step, st.threshold_min),
            Maybe(st.compliance.map(Pct), S),
            Interval::of(st, S),
            quantile(st.median_min),
            quantile(st.p90_min),
            quantile(st.p95_min)
        );
        if st.step == crate::model::Step::Resuscitation {
            // The hour read the other way, so the gap blood on board makes is in view.
            let other = &s.other_hour;
            let interval = other.ci95_low.zip(other.ci95_high).map(|(low, high)| Interval { low, high, style: S });
            let _ = writeln!(
                o,
                "    {:<30}{:>8}{:>16}",
                format!(
                    "{} in {}",
                    if sc.resuscitation_counts == "dcr" { "ALS or DCR" } else { "DCR (blood)" },
                    super::minutes_label(sc.thresholds_min[1])
                ),
                Maybe(other.compliance.map(Pct), S),
                Maybe(interval, S)
            );
        }
    }
    if let Some(on) = &s.onward {
        // Its label says whom it counts, so it may stand on its own line above its figures.
        let quantile =
            |q: Option<f64>| if on.eligible == 0 { S.missing().to_string() } else { Quantile(q).to_string() };
        let interval = on.ci95_low.zip(on.ci95_high).map(|(low, high)| Interval { low, high, style: S });
        row_label(&mut o, "  ", &on.milestone, 32);
        let _ = writeln!(
            o,
            "{:>8}{:>16}{:>9}{:>7}{:>7}",
            Maybe(on.compliance.map(Pct), S),
            Maybe(interval, S),
            quantile(on.median_min),
            quantile(on.p90_min),
            quantile(on.p95_min)
        );
    }
    wrap(
        &mut o,
        "  ",
        &format!(
            "(times in minutes, >48 h for later or never; {}; the hour counts {}{})",
            super::scope_note(&sc.step_scopes, &sc.thresholds_min),
            if sc.resuscitation_counts == "dcr" { "DCR (blood)" } else { "ALS or DCR" },
            s.onward.as_ref().map_or(String::new(), onward_note)
        ),
        width,
    );
    wrap(
        &mut o,
        "  ",
        "(T1 immediate, T2 delayed, T3 minimal: triage categories; DCR damage-control resuscitation, \
         ALS advanced life support; CI confidence interval; p90, p95 the 90th and 95th percentiles; \
         n every casualty in the row, of any category)",
        width,
    );

    if let Some(d) = &s.deaths {
        deaths(&mut o, d, sc.period_days, width);
    }

    group_table(&mut o, "by severity", &s.by_severity, Some(&sc.step_scopes), width);
    group_table(&mut o, "by zone", &s.by_zone, None, width);
    group_table(&mut o, "by time of wounding", &s.by_time_of_day, None, width);

    let _ = writeln!(o);
    wrap(&mut o, "", "where the minutes go (mean minutes, over the casualties who reached each phase)", width);
    let heads = ["report", "wait", "approve", "launch", "to scn", "on scn", "to fac", "handovr", "theatre"];
    let zones = s.phases_by_zone.iter().map(|z| z.zone.as_str()).chain(["all zones"]);
    let w = label_width(zones, 9, 2 + heads.len() * PHASE, width);
    let _ = write!(o, "  {:<w$}", "zone");
    for h in heads {
        let _ = write!(o, "{h:>PHASE$}");
    }
    let _ = writeln!(o);
    phase_row(&mut o, "all zones", &s.phases, w);
    for z in &s.phases_by_zone {
        phase_row(&mut o, &z.zone, &z.phases, w);
    }
    wrap(
        &mut o,
        "  ",
        "(report is over every casualty, wait through to fac over those lifted, handovr and theatre over \
         those operated; a phase a lift did not have, such as a ground move's approval, counts 0 min. wait: for a \
         free unit; launch: launch or escort; to scn, on scn: travel to and time on scene; to fac: travel to \
         the facility; handovr: handover; theatre: wait for a free operating table or for the day's operations)",
        width,
    );

    let _ = writeln!(o, "\nwhy steps were missed");
    for m in &s.misses {
        if m.missed == 0 {
            let _ = writeln!(o, "  {:<15} none missed", m.step.label());
            continue;
        }
        let causes: Vec<String> =
            m.causes.iter().take(3).map(|c| format!("{} {:.0}", Label(c.name), Pct(c.share))).collect();
        wrap(
            &mut o,
            &format!("  {:<15} ", m.step.label()),
            &format!("{} missed: {}", Count(m.missed), causes.join(", ")),
            width,
        );
        if let Some(z) = &m.worst_zone {
            wrap(&mut o, &format!("  {:<15} ", ""), &format!("most misses in zone {z}"), width);
        }
    }

    let ids = s.assets.iter().map(|a| a.id.as_str()).chain(s.facilities.iter().map(|f| f.id.as_str()));
    let w = label_width(ids, 26, 2 + 11 + 8 + 15 + 13, width);
    let _ = writeln!(
        o,
        "\n{:<tw$}{:>11}{:>8}{:>15}{:>13}",
        "assets",
        "kind",
        "units",
        "sorties/trial",
        "utilisation",
        tw = w + 2
    );
    for a in &s.assets {
        let kind = a.kind.key();
        row_label(&mut o, "  ", &a.id, w);
        let _ = writeln!(o, "{kind:>11}{:>8}{:>15.1}{:>13}", a.units, Grouped(a.sorties_per_trial), Pct(a.utilisation));
    }
    let _ = writeln!(
        o,
        "\n{:<tw$}{:>11}{:>8}{:>15}{:>13}",
        "facilities",
        "level",
        "tables",
        "ops/trial",
        "table use",
        tw = w + 2
    );
    for f in &s.facilities {
        let level = format!("{:?}", f.level).to_lowercase();
        row_label(&mut o, "  ", &f.id, w);
        let _ = writeln!(
            o,
            "{level:>11}{:>8}{:>15.1}{:>13}",
            f.operating_tables,
            f.operations_per_trial,
            Maybe(f.table_utilisation.map(Pct), S)
        );
    }
    // A theatre's surgical teams apart from its tables: they can be the limit while the tables
    // stand idle (a mass-casualty day), and a month's mean can hide the days they were.
    let teams: Vec<_> =
        s.facilities.iter().filter_map(|f| Some((f, f.operations_per_day?, f.daily_operations_used?))).collect();
    if !teams.is_empty() {
        let _ = writeln!(
            o,
            "\n{:<tw$}{:>11}{:>15}{:>15}",
            "surgical teams",
            "ops/day",
            "ops used",
            "days all used",
            tw = w + 2
        );
        for (f, per_day, used) in teams {
            row_label(&mut o, "  ", &f.id, w);
            let _ = writeln!(o, "{per_day:>11}{:>15}{:>15}", Pct(used), Maybe(f.days_operations_all_used.map(Pct), S));
        }
    }

    let _ = writeln!(o);
    wrap(&mut o, "at the end of follow-up: ", &follow_up_outcomes(s), width);
    o
}

/// Where care stood when follow-up ended, in words: "care complete 10,494 (100.0%), awaiting
/// surgery 0 (0.0%), ...", as the table and the report page give it.
pub(super) fn follow_up_outcomes(s: &Summary) -> String {
    let outcomes: Vec<String> =
        s.outcomes.iter().map(|c| format!("{} {} ({})", Label(c.name), Count(c.count), Pct(c.share))).collect();
    outcomes.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_with_a_hanging_indent() {
        let mut o = String::new();
        wrap(&mut o, "  key  ", "one two three four", 16);
        assert_eq!(o, "  key  one two\n       three\n       four\n");
        let mut o = String::new();
        wrap(&mut o, "", "averyveryverylongword x", 8);
        assert_eq!(o, "averyveryverylongword\nx\n");
    }

    #[test]
    fn a_label_too_long_for_its_column_gets_its_own_line() {
        let mut o = String::new();
        row_label(&mut o, "  ", "short", 8);
        assert_eq!(o, "  short   ");
        let mut o = String::new();
        row_label(&mut o, "  ", "much_longer_than_eight", 8);
        assert_eq!(o, "  much_longer_than_eight\n          ");
        assert_eq!(label_width(["ab", "abcdef"].into_iter(), 3, 90, 100), 6);
        assert_eq!(label_width(["a"].into_iter(), 3, 90, 100), 3);
        assert_eq!(label_width(["a_very_long_zone_identifier"].into_iter(), 3, 90, 100), 3);
        assert_eq!(label_width(["abcd", "a_very_long_zone_identifier"].into_iter(), 3, 90, 100), 4);
    }

    #[test]
    fn a_phase_mean_of_any_size_leaves_a_space_before_it() {
        let phase = |m: f64| PhaseResult { phase: "wait", mean_min: Some(m), casualties: 1 };
        let mut o = String::new();
        phase_row(&mut o, "z", &[phase(12.345), phase(9_999.9), phase(10_000.0), phase(525_600.0)], 1);
        assert_eq!(o, "  z    12.3 9,999.9  10,000 525,600\n");
    }
}
