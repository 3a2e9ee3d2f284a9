//! One self-contained HTML report: tables, charts inline, assumptions and run metadata.
//! It loads nothing from the network, so it opens offline and pastes into a briefing.

use crate::coverage::{MEDIAN_CAP_MIN, PhaseMedians};
use crate::model::{ClockOrigin, Dispatch, Model, SEVERITIES};
use crate::report::fmt::{Count, Grouped, Interval, Label, Maybe, Minutes, Num, Pct, Quantile, Style};
use crate::report::{minutes_label, step_title};
use crate::summary::{GroupResult, StepScope, Summary, clock};
use base64::Engine as _;
use std::fmt::{self, Display, Write};

/// A chart to embed: title, and its PNG bytes.
pub struct Figure<'a> {
    pub id: &'static str,
    pub title: &'static str,
    pub png: &'a [u8],
}

/// Run facts the summary does not hold: when, and how the map was made.
pub struct RunMeta {
    pub date_utc: String,
    pub map_grid: String,
}

/// Text written into the page with the characters HTML reads as markup escaped: the one place
/// the report escapes, so everything else hands it plain text.
pub(super) struct Esc<T>(pub(super) T);

impl<T: Display> Display for Esc<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Escaping<'a, 'b>(&'a mut fmt::Formatter<'b>);
        impl fmt::Write for Escaping<'_, '_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                for c in s.chars() {
                    match c {
                        '&' => self.0.write_str("&amp;")?,
                        '<' => self.0.write_str("&lt;")?,
                        '>' => self.0.write_str("&gt;")?,
                        '"' => self.0.write_str("&quot;")?,
                        c => self.0.write_char(c)?,
                    }
                }
                Ok(())
            }
        }
        write!(Escaping(f), "{}", self.0)
    }
}

/// A document, so typographic dashes.
const S: Style = Style::Typeset;

/// A name and, in small print under it, the id a scenario file and the terminal use for it
/// (the name alone where they are the same): the assumptions tables join the two.
struct Named<'a>(&'a str, &'a str);

impl std::fmt::Display for Named<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Named(name, id) if name == id => write!(f, "{}", Esc(name)),
            Named(name, id) => write!(f, "{}<br><small>({})</small>", Esc(name), Esc(id)),
        }
    }
}

/// One row per group; with `scopes`, the groups are triage categories and a step that does not
/// count a category says so rather than showing an empty cell; with `zones`, the groups are the
/// model's zones, shown by name.
fn group_table(
    o: &mut String,
    title: &str,
    groups: &[GroupResult],
    scopes: Option<&[StepScope]>,
    zones: Option<&Model>,
) {
    let _ = write!(
        o,
        "<h3>{}</h3><table><tr><th></th><th>casualties <small>(every category)</small></th><th>first aid</th><th>resuscitation</th><th>surgery</th></tr>",
        Esc(title)
    );
    for g in groups {
        let name = zones.map_or(g.group.as_str(), |m| m.zone_name(&g.group));
        let _ = write!(o, "<tr><td>{}</td><td class=n>{}</td>", Esc(name), Count(g.casualties));
        for (k, s) in g.steps.iter().enumerate() {
            if scopes.is_some_and(|sc| !sc[k].categories.contains(&g.group.as_str())) {
                o.push_str("<td>not counted</td>");
            } else if s.eligible == 0 {
                let _ = write!(o, "<td>{}</td>", S.missing());
            } else {
                let _ = write!(
                    o,
                    "<td class=n>{} <small>({})</small></td>",
                    Maybe(s.compliance.map(Pct), S),
                    Interval::of(s, S)
                );
            }
        }
        o.push_str("</tr>");
    }
    o.push_str("</table>");
}

/// A step's share in time against its target (`targets_pct`): met or not, by how many points,
/// and whether the 95% interval settles it or still reaches the other side of the target.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The scenario sets no target for the step.
    NoTarget,
    /// No casualty needed the step, so there is nothing to judge.
    NoCasualty,
    /// `by` points above (or at) the target; `sure` when the whole interval is.
    Met { by: f64, sure: bool },
    /// `by` points short of the target; `sure` when the whole interval is below it.
    NotMet { by: f64, sure: bool },
}

impl Verdict {
    pub fn of(st: &crate::summary::StepResult, target_pct: Option<f64>) -> Verdict {
        Verdict::of_share(st.compliance, st.ci95_low, st.ci95_high, target_pct)
    }

    /// The verdict on a share and its interval (none where nobody was counted).
    pub fn of_share(share: Option<f64>, low: Option<f64>, high: Option<f64>, target_pct: Option<f64>) -> Verdict {
        let Some(target) = target_pct.map(|t| t / 100.0) else { return Verdict::NoTarget };
        let (Some(p), Some(lo), Some(hi)) = (share, low, high) else {
            return Verdict::NoCasualty;
        };
        if p >= target {
            Verdict::Met { by: p - target, sure: lo >= target }
        } else {
            Verdict::NotMet { by: target - p, sure: hi < target }
        }
    }

    /// The table cell's class, which colours it.
    fn class(&self) -> &'static str {
        match self {
            Verdict::Met { .. } => "met",
            Verdict::NotMet { .. } => "notmet",
            _ => "none",
        }
    }
}

impl Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pts = |x: f64| format!("{:.1} pts", x * 100.0);
        match *self {
            Verdict::NoTarget => f.write_str("no target set"),
            Verdict::NoCasualty => f.write_str("n/a: no casualty needed it"),
            Verdict::Met { by, sure: true } => write!(f, "met, by {}", pts(by)),
            Verdict::Met { by, sure: false } => {
                write!(f, "met, by {}; the 95% interval reaches below the target", pts(by))
            }
            Verdict::NotMet { by, sure: true } => write!(f, "not met, short by {}", pts(by)),
            Verdict::NotMet { by, sure: false } => {
                write!(f, "not met, short by {}; the 95% interval reaches the target", pts(by))
            }
        }
    }
}

/// Each step against the scenario's `targets_pct`: met or not, and by how much.
fn targets(o: &mut String, m: &Model, s: &Summary) {
    let onward_target = m.onward.as_ref().and_then(|on| on.target_pct);
    if m.targets_pct.iter().all(Option::is_none) && onward_target.is_none() {
        o.push_str("<p class=note>The scenario sets no targets (targets_pct), so no step is judged met or not.</p>");
        return;
    }
    o.push_str("<h3>Against the mission's targets</h3><table class=targets><tr><th>step</th><th>target</th><th>share in time</th><th>verdict</th></tr>");
    for (st, target) in s.steps.iter().zip(m.targets_pct) {
        let v = Verdict::of(st, target);
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class={}>{}</td></tr>",
            st.step.label(),
            target.map_or_else(|| S.missing().to_string(), |t| format!("{t}%")),
            Maybe(st.compliance.map(Pct), S),
            v.class(),
            Esc(&v)
        );
    }
    if let Some(on) = &s.onward {
        let v = Verdict::of_share(on.compliance, on.ci95_low, on.ci95_high, onward_target);
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class={}>{}</td></tr>",
            Esc(&on.milestone),
            onward_target.map_or_else(|| S.missing().to_string(), |t| format!("{t}%")),
            Maybe(on.compliance.map(Pct), S),
            v.class(),
            Esc(&v)
        );
    }
    o.push_str("</table>");
}

/// Today's date in UTC as YYYY-MM-DD, from the system clock.
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A finished page with each `<` that starts no tag escaped. The cells write a share above zero
/// that rounds to none as `<0.1%` (`Pct`), and a `<` before a digit, which no tag or comment
/// begins with, is the only kind the pages' text holds unescaped: browsers show it as text, but
/// as a parse error, so each page escapes it once at the end rather than at every cell.
pub fn escape_stray_lt(page: String) -> String {
    let b = page.as_bytes();
    if !b.windows(2).any(|w| w[0] == b'<' && w[1].is_ascii_digit()) {
        return page;
    }
    let mut o = String::with_capacity(page.len() + 16);
    for (i, ch) in page.char_indices() {
        if ch == '<' && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            o.push_str("&lt;");
        } else {
            o.push(ch);
        }
    }
    o
}

/// The report page; `medians`, the phases' medians from the report's second pass, go into the
/// phases table when given.
pub fn render(
    model: &Model,
    s: &Summary,
    figures: &[Figure],
    meta: &RunMeta,
    medians: Option<&PhaseMedians>,
) -> String {
    let mut o = String::new();
    let sc = &s.scenario;
    let _ = write!(
        o,
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{} – casevac report</title><style>{}</style></head><body>",
        Esc(&sc.name),
        STYLE
    );
    let _ = write!(o, "<h1>{}</h1><p class=desc>{}</p>", Esc(&sc.name), Esc(sc.description.trim()));
    let _ = write!(
        o,
        "<p class=meta>{} casualties simulated in {} of {} · seed {} · casevac {} · {}</p>",
        Count(s.casualties),
        crate::report::fmt::Counted(s.run.trials, "trial"),
        crate::report::fmt::Days(sc.period_days),
        s.run.seed,
        Esc(&s.casevac_version),
        Esc(&meta.date_utc)
    );

    if let Some(p) = &s.run.partial {
        let _ = write!(o, "<p class=meta><b>{}</b></p>", Esc(p.note(s.run.trials)));
    }
    if !sc.overrides.is_empty() {
        let _ =
            write!(o, "<p class=meta>What-if: the scenario file with --set {}</p>", Esc(sc.overrides.join(", --set ")));
    }
    let standard = if s.onward.is_some() { "10-1-2+2" } else { "10-1-2" };
    let _ = write!(
        o,
        "<section id=headline><h2>{standard} compliance</h2><table><tr><th>step</th><th>share in time</th><th>95% interval</th><th>median</th><th>p90</th><th>p95</th><th>casualties</th></tr>"
    );
    // With no casualty needing the step, its times are missing, not beyond 48 h.
    let when = |q: Option<f64>, eligible: u64| {
        if eligible == 0 { S.missing().to_string() } else { Esc(Quantile(q)).to_string() }
    };
    for st in &s.steps {
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=n><b>{}</b></td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            step_title(st.step, st.threshold_min),
            Maybe(st.compliance.map(Pct), S),
            Interval::of(st, S),
            when(st.median_min, st.eligible),
            when(st.p90_min, st.eligible),
            when(st.p95_min, st.eligible),
            Count(st.eligible)
        );
    }
    if let Some(on) = &s.onward {
        let interval = on.ci95_low.zip(on.ci95_high).map(|(low, high)| Interval { low, high, style: S });
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=n><b>{}</b></td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            Esc(&on.milestone),
            Maybe(on.compliance.map(Pct), S),
            Maybe(interval, S),
            when(on.median_min, on.eligible),
            when(on.p90_min, on.eligible),
            when(on.p95_min, on.eligible),
            Count(on.eligible)
        );
    }
    let origin = if sc.clock_origin == ClockOrigin::Wounding { "wounding" } else { "the evacuation request" };
    let onward_note = s.onward.as_ref().map_or(String::new(), |on| {
        let minutes = |m: Option<f64>| m.map_or("–".to_string(), |m| format!("{m:.0}"));
        format!(
            " Onward to Level 3 counts {} operated on below Level 3 and is timed from the end of their surgery: \
             on average {} min until fit to move, {} min waiting for a unit, {} min from tasking to landing.",
            on.categories.join(", "),
            minutes(on.mean_post_op_min),
            minutes(on.mean_wait_min),
            minutes(on.mean_lift_min)
        )
    });
    // Where care stood when follow-up ended, as the terminal gives it: those still waiting for
    // surgery or for a lift are in the shares as late, and the page says how many.
    let _ = write!(
        o,
        "</table><p class=note>Times in minutes from {origin}, &gt;48 h later than two days or never; {}. \
         Intervals are Wilson intervals widened for casualties sharing a trial.{} At the end of follow-up: {}.</p>",
        Esc(crate::report::scope_note(&sc.step_scopes, &sc.thresholds_min)),
        Esc(onward_note),
        Esc(super::table::follow_up_outcomes(s))
    );
    targets(&mut o, model, s);
    group_table(&mut o, "By severity", &s.by_severity, Some(&sc.step_scopes), None);
    group_table(&mut o, "By zone", &s.by_zone, None, Some(model));
    group_table(&mut o, "By time of wounding", &s.by_time_of_day, None, None);
    o.push_str("<h3>Why steps were missed</h3><ul>");
    for m in &s.misses {
        if m.missed == 0 {
            let _ = write!(o, "<li>{}: none missed</li>", m.step.label());
            continue;
        }
        let causes: Vec<String> =
            m.causes.iter().take(4).map(|c| format!("{} {:.0}", Label(c.name), Pct(c.share))).collect();
        let zone = m
            .worst_zone
            .as_deref()
            .map(|z| format!("; most misses in zone {}", Esc(model.zone_name(z))))
            .unwrap_or_default();
        let _ = write!(
            o,
            "<li><b>{}</b>: {} missed — {}{}</li>",
            m.step.label(),
            Count(m.missed),
            Esc(causes.join(", ")),
            zone
        );
    }
    o.push_str("</ul></section>");

    if let Some(d) = &s.deaths {
        deaths(&mut o, d, model);
    }
    figure_section(&mut o, figures, &|id| match id {
        "phases" => phases_table(model, s, medians),
        "utilisation" => utilisation_table(s, medians.map(|m| &m.busiest_day)),
        _ => String::new(),
    });

    assumptions(&mut o, model, s);

    let _ = write!(
        o,
        "<section id=metadata><h2>Run</h2><table><tr><td>casevac version</td><td>{}</td></tr><tr><td>seed</td><td>{}</td></tr><tr><td>trials</td><td>{}</td></tr><tr><td>casualties simulated</td><td>{}</td></tr><tr><td>incidents simulated</td><td>{}</td></tr><tr><td>coverage map</td><td>{}</td></tr><tr><td>date (UTC)</td><td>{}</td></tr></table><p class=note>The same scenario, seed and trial count reproduce every figure exactly.</p></section>",
        Esc(&s.casevac_version),
        s.run.seed,
        Count(s.run.trials),
        Count(s.casualties),
        Count(s.incidents),
        Esc(&meta.map_grid),
        Esc(&meta.date_utc)
    );
    o.push_str("</body></html>\n");
    escape_stray_lt(o)
}

/// The outcome model's figures, with the words that say what they are and are not.
fn deaths(o: &mut String, d: &crate::summary::DeathsResult, model: &Model) {
    let [fa, rs, su] = d.model.doctrine_min;
    let _ = write!(
        o,
        "<section id=deaths><h2>Deaths of wounds (modelled)</h2><table>\
         <tr><td>expected deaths per trial</td><td class=n><b>{:.2}</b></td><td class=n>{}</td></tr>\
         {}\
         <tr><td>with the parameters at the low and high ends of their sources</td><td class=n>{:.2}–{:.2}</td><td></td></tr>\
         <tr><td>potentially preventable (care at {fa}/{rs}/{su} min)</td><td class=n>{}</td><td class=n>{:.2} per trial</td></tr>",
        Grouped(d.per_trial),
        d.ci95_low.zip(d.ci95_high).map_or("no interval from one trial".to_string(), |(low, high)| format!(
            "95% interval {:.2}–{:.2}",
            Grouped(low),
            Grouped(high)
        )),
        // Over a 30-day period the rate per 30 days is the rate per trial: said once.
        match d.per_30_days {
            Some(p) if p != d.per_trial => {
                format!("<tr><td>per 30 days</td><td class=n>{:.2}</td><td></td></tr>", Grouped(p))
            }
            _ => String::new(),
        },
        Grouped(d.sensitivity.low_per_trial),
        Grouped(d.sensitivity.high_per_trial),
        Maybe(d.preventable_share.map(Pct), S),
        Grouped(d.preventable_per_trial)
    );
    for c in &d.costliest_step {
        let _ = write!(
            o,
            "<tr><td>preventable deaths whose costliest delay was {}</td><td class=n>{}</td><td></td></tr>",
            c.step.label(),
            Maybe(c.share_of_preventable.map(Pct), S)
        );
    }
    o.push_str("</table><table><tr><th>group</th><th>casualties</th><th>expected deaths per trial</th><th>preventable</th></tr>");
    let named = (d.by_severity.iter().map(|g| (g.group.as_str(), g)))
        .chain(d.by_zone.iter().map(|g| (model.zone_name(&g.group), g)))
        .chain(d.by_time_of_day.iter().map(|g| (g.group.as_str(), g)));
    for (name, g) in named {
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{:.2}</td><td class=n>{}</td></tr>",
            Esc(name),
            Count(g.casualties),
            Grouped(g.per_trial),
            Maybe(g.preventable_share.map(Pct), S)
        );
    }
    let _ = write!(
        o,
        "</table><p class=note>{}. Each potentially fatal casualty dies at a time drawn from the untreated \
         time-to-death curve of UK killed in action (Webster et al. 2021), stretched by first aid and \
         resuscitation and stopped by surgery; the costliest delay is the step that, brought alone to its \
         doctrinal time, would have shortened the dying clock most. See the format guide for every parameter \
         and its source.</p></section>",
        Esc(d.note)
    );
}

/// The charts, inline as PNG so the page stays one self-contained file; after each, what
/// `after` gives for its id (the figures of a chart as a table, or nothing).
pub(super) fn figure_section(o: &mut String, figures: &[Figure], after: &dyn Fn(&str) -> String) {
    o.push_str("<section id=charts><h2>Charts</h2>");
    let b64 = base64::engine::general_purpose::STANDARD;
    for f in figures {
        let _ = write!(
            o,
            "<figure id={}><img alt=\"{}\" src=\"data:image/png;base64,{}\"><figcaption>{}</figcaption></figure>{}",
            f.id,
            Esc(f.title),
            b64.encode(f.png),
            Esc(f.title),
            after(f.id)
        );
    }
    o.push_str("</section>");
}

/// The phases chart's figures: mean minutes in each phase, over all zones and in each zone (by
/// name), a row each, so a scenario of many zones makes a long table, not a wide one.
fn phases_table(m: &Model, s: &Summary, medians: Option<&PhaseMedians>) -> String {
    let mut o = String::from("<table class=phases><tr><th>minutes in</th>");
    for p in &s.phases {
        let _ = write!(o, "<th>{}</th>", Label(p.phase));
    }
    o.push_str("</tr>");
    if let Some(md) = medians {
        // Medians do not add up along the chain as means do, so they get a row of their own.
        o.push_str("<tr><td><b>median</b>, all zones</td>");
        for m in md.median_min {
            let _ = match m {
                Some(m) if m.is_infinite() => write!(o, "<td class=n>&gt;{}</td>", minutes_label(MEDIAN_CAP_MIN)),
                m => write!(o, "<td class=n>{}</td>", Minutes1(m)),
            };
        }
        o.push_str("</tr>");
    }
    let all = std::iter::once(("all zones", &s.phases));
    let zones = m.zones.iter().zip(&s.phases_by_zone).map(|(z, p)| (z.name.as_str(), &p.phases));
    for (name, phases) in all.chain(zones) {
        let _ = write!(o, "<tr><td>{}{}</td>", if medians.is_some() { "mean, " } else { "" }, Esc(name));
        for p in phases {
            let _ = write!(o, "<td class=n>{}</td>", Minutes1(p.mean_min));
        }
        o.push_str("</tr>");
    }
    let _ = write!(
        o,
        "</table><p class=note>Over the casualties who reached each phase: reporting over every casualty, waiting to travel to the facility over those lifted, handover and theatre over those operated; a phase a lift did not have, such as a ground move's approval, counts 0 min. A phase no casualty reached is marked {}. A mean above its median is pulled up by long waits of a few.</p>",
        S.missing()
    );
    o
}

/// Minutes with one decimal, or the missing-value marker.
struct Minutes1(Option<f64>);

impl Display for Minutes1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(m) => write!(f, "{:.1}", Minutes(m)),
            None => f.write_str(S.missing()),
        }
    }
}

/// The utilisation chart's figures: each asset group's and each facility's tables' share of
/// time busy, with their work per trial; and each theatre's surgical teams: the share of their
/// daily operations used, and of the days they used them all.
fn utilisation_table(s: &Summary, busiest: Option<&crate::coverage::BusiestDay>) -> String {
    let day = |v: Option<f64>| Maybe(v.map(Pct), S).to_string();
    let mut o = String::from(
        "<table class=util><tr><th>asset group</th><th>units</th><th>sorties per trial</th><th>share of time busy</th><th>busiest day</th></tr>",
    );
    for (i, a) in s.assets.iter().enumerate() {
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{:.1}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            Esc(&a.name),
            a.units,
            Grouped(a.sorties_per_trial),
            Pct(a.utilisation),
            day(busiest.and_then(|b| b.assets.get(i).copied()))
        );
    }
    o.push_str("</table><table class=util><tr><th>facility</th><th>operating tables</th><th>operations per trial, with warm-up and follow-up</th><th>share of table time busy</th><th>busiest day</th></tr>");
    for (i, f) in s.facilities.iter().enumerate().filter(|(_, f)| f.operating_tables > 0) {
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{:.1}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            Esc(&f.name),
            f.operating_tables,
            f.operations_per_trial,
            Maybe(f.table_utilisation.map(Pct), S),
            day(busiest.and_then(|b| b.tables.get(i).copied().flatten()))
        );
    }
    o.push_str("</table><table class=util><tr><th>surgical teams</th><th>operations a day</th><th>operations in the period per trial</th><th>share of daily operations used</th><th>days all used</th></tr>");
    for f in &s.facilities {
        let (Some(per_day), Some(used)) = (f.operations_per_day, f.daily_operations_used) else { continue };
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=n>{per_day}</td><td class=n>{:.1}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            Esc(&f.name),
            f.operations_in_period_per_trial,
            Pct(used),
            day(f.days_operations_all_used)
        );
    }
    o.push_str(
        "</table><p class=note>Means over the period, and the busiest day of each trial averaged over the \
         trials: a mean hides the peaks when casualties come together. A facility's operations per trial count the whole \
         trial, warm-up and follow-up too; its surgical teams' count the period alone, the days their \
         share of daily operations is judged on. A facility's surgical teams start only so many operations a day: on the days \
         they use them all, patients wait for the next day's theatre with tables free.</p>",
    );
    o
}

fn assumptions(o: &mut String, m: &Model, s: &Summary) {
    let sc = &s.scenario;
    let dl = &m.daylight;
    let _ = write!(
        o,
        "<section id=assumptions><h2>Assumptions</h2><p>Period {} per trial{}, casualties followed {} h after it; clock from {}; deadlines {}, {}, {}; daylight {}–{}; dispatch: {}.</p>",
        crate::report::fmt::Days(sc.period_days),
        if sc.warmup_days > 0.0 {
            format!(" after {} of warm-up, not counted", crate::report::fmt::Days(sc.warmup_days))
        } else {
            String::new()
        },
        sc.follow_up_hours,
        if sc.clock_origin == ClockOrigin::Wounding { "wounding" } else { "request" },
        minutes_label(m.thresholds_min[0]),
        minutes_label(m.thresholds_min[1]),
        minutes_label(m.thresholds_min[2]),
        clock(dl.sunrise_min),
        clock(dl.sunset_min),
        match m.dispatch {
            Dispatch::FirstIdle => "the idle unit that can reach the casualty first",
            Dispatch::BestArrival => "the unit that will reach the casualty first, waiting for it if it is busy",
        }
    );
    o.push_str("<h3>Facilities</h3><table><tr><th>name <small>(id)</small></th><th>site</th><th>level</th><th>resuscitation</th><th>surgery</th><th>tables</th><th>operations a day</th><th>mean operation (min)</th></tr>");
    for f in &m.facilities {
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            Named(&f.name, &f.id),
            Esc(&m.sites[f.site].name),
            format!("{:?}", f.level).to_lowercase(),
            if f.resuscitation { "yes" } else { "no" },
            if f.surgery { "yes" } else { "no" },
            // A facility that does not operate has no tables and no operation length to show.
            if f.surgery && f.tables > 0 { f.tables.to_string() } else { S.missing().to_string() },
            if f.surgery && f.tables > 0 { f.operations_per_day.to_string() } else { S.missing().to_string() },
            if f.surgery && f.tables > 0 { format!("{:.0}", f.surgery_min.mean()) } else { S.missing().to_string() }
        );
    }
    o.push_str("</table><h3>Evacuation assets</h3><table><tr><th>name <small>(id)</small></th><th>kind</th><th>base</th><th>units</th><th>km/h</th><th>stretchers</th><th>night</th><th>serviceable</th><th>weather grounds</th><th>mean approval (min)</th><th>mean launch, day (min)</th><th>mean escort (min)</th><th>medical team</th></tr>");
    for a in &m.assets {
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{:.0}</td><td class=n>{}</td><td>{}</td><td class=n>{:.0}</td><td class=n>{:.0}</td><td class=n>{:.0}</td><td class=n>{:.0}</td><td class=n>{:.0}</td><td>{}</td></tr>",
            Named(&a.name, &a.id),
            a.kind.key(),
            Esc(&m.sites[a.base].name),
            a.count,
            a.speed_kmh,
            a.stretchers,
            if a.night_capable { "yes" } else { "no" },
            Pct(a.serviceability),
            Pct(a.weather_grounding),
            a.approval_min.mean(),
            a.launch_day_min.mean(),
            a.escort_min.mean(),
            if a.medical_team { "yes" } else { "no" }
        );
    }
    o.push_str("</table><h3>Incident zones</h3><table><tr><th>name <small>(id)</small></th><th>incidents/day</th><th>random ones at night</th><th>mean casualties</th><th>severity mix</th><th>first-aider present</th><th>mean report delay (min)</th><th>road factor</th><th>ground speed factor</th></tr>");
    for z in &m.zones {
        let mix: Vec<String> = SEVERITIES.iter().zip(z.severity).map(|(n, p)| format!("{n} {:.0}", Pct(p))).collect();
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=n>{}{}</td><td class=n>{}</td><td class=n>{:.1}</td><td>{}</td><td class=n>{:.0}</td><td class=n>{:.0}</td><td class=n>{:.1}</td><td class=n>{:.2}{}</td></tr>",
            Named(&z.name, &z.id),
            Num(z.incidents_per_day),
            if z.scheduled_min.is_empty() { String::new() } else { format!(" + {} scheduled", z.scheduled_min.len()) },
            // The night share splits random incidents only: a zone of scheduled attacks has none.
            if z.incidents_per_day > 0.0 { format!("{:.0}", Pct(z.night_share)) } else { "-".into() },
            z.casualties_mean,
            mix.join(" "),
            Pct(z.first_aider_share),
            z.report_min.mean(),
            z.access.road_factor,
            z.access.speed_factor,
            if z.access.air_only { " (air only)" } else { "" }
        );
    }
    o.push_str("</table><h3>Sources</h3><ul>");
    for src in &sc.sources {
        let _ = write!(o, "<li>{}</li>", Esc(src));
    }
    if sc.sources.is_empty() {
        o.push_str("<li>none given in the scenario file</li>");
    }
    o.push_str("</ul></section>");
}

/// The page's style: on screen, a column that fits a 1280-pixel window, each chart at its own
/// width from the column's left edge up to the window's right (a three-panel map is wider than
/// the column, and shrunk to it its labels were too small to read); in print, the full page
/// width, no figure or table row split across pages, headings kept with what follows.
pub(super) const STYLE: &str = "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}\
h1{margin-bottom:.2em}h2{border-bottom:2px solid #0072b2;padding-bottom:.2em;margin-top:1.6em}\
.desc{font-size:1.05em}.meta,.note{color:#555;font-size:.9em}\
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left}\
th{background:#eef4f9}td.n{text-align:right;font-variant-numeric:tabular-nums}\
td.met{background:#e3f2e9}td.notmet{background:#fbe6dc}\
figure{margin:1.2em 0;width:max-content;max-width:calc(100vw - 2em - max(0px, (100vw - 1200px - 2em) / 2))}\
figure img{max-width:100%;height:auto;border:1px solid #ddd}figcaption{color:#555;font-size:.9em}\
@media print{@page{size:A4;margin:12mm}body{max-width:none;margin:0;padding:0;font-size:9.5pt}\
h2{break-after:avoid;margin-top:1em}h3{break-after:avoid}figure,tr{break-inside:avoid}\
figure{width:auto;max-width:100%}\
figure img{border:none}th{background:#eef4f9;-webkit-print-color-adjust:exact;print-color-adjust:exact}\
td.met,td.notmet{-webkit-print-color-adjust:exact;print-color-adjust:exact}table{font-size:8.5pt}}";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Step;
    use crate::summary::StepResult;

    #[test]
    fn a_less_than_before_a_digit_is_escaped_and_tags_are_left_alone() {
        let page = format!("<table><tr><td class=n>{}</td><td>é {}</td></tr></table><", Pct(0.0004), Pct(0.0));
        assert_eq!(escape_stray_lt(page), "<table><tr><td class=n>&lt;0.1%</td><td>é 0.0%</td></tr></table><");
        let clean = "<p>a &lt; b</p>".to_string();
        assert_eq!(escape_stray_lt(clean.clone()), clean);
    }

    fn step(p: Option<f64>, lo: f64, hi: f64) -> StepResult {
        StepResult {
            step: Step::Surgery,
            threshold_min: 120.0,
            deadlines_min: [Some(120.0), Some(240.0), Some(120.0)],
            eligible: if p.is_some() { 100 } else { 0 },
            compliant: 0,
            compliance: p,
            ci95_low: p.map(|_| lo),
            ci95_high: p.map(|_| hi),
            design_effect: 1.0,
            median_min: None,
            p90_min: None,
            p95_min: None,
            mean_min: None,
            not_reached: 0,
        }
    }

    #[test]
    fn a_verdict_says_met_or_not_by_how_much_and_whether_the_interval_settles_it() {
        let v = |p, lo, hi, t| Verdict::of(&step(p, lo, hi), t).to_string();
        assert_eq!(v(Some(0.92), 0.9, 0.94, Some(90.0)), "met, by 2.0 pts");
        assert_eq!(v(Some(0.92), 0.88, 0.95, Some(90.0)), "met, by 2.0 pts; the 95% interval reaches below the target");
        assert_eq!(v(Some(0.15), 0.1, 0.2, Some(80.0)), "not met, short by 65.0 pts");
        assert_eq!(
            v(Some(0.78), 0.74, 0.83, Some(80.0)),
            "not met, short by 2.0 pts; the 95% interval reaches the target"
        );
        // Exactly at the target is met, and an interval whose low end is the target settles it.
        assert_eq!(v(Some(0.8), 0.8, 0.85, Some(80.0)), "met, by 0.0 pts");
        assert_eq!(v(Some(0.5), 0.4, 0.6, None), "no target set");
        assert_eq!(v(None, 0.0, 0.0, Some(80.0)), "n/a: no casualty needed it");
    }
}
