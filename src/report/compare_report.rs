//! The report folder of a comparison: one self-contained HTML page that leads with the answer
//! (what changes, by how much, how sure), then the differences by group, with the JSON beside it.

use super::fmt::{Count, Maybe, Pct, Points, PointsInterval, Style};
use super::html::{Esc, RunMeta, STYLE};
use super::{step_title, to_json, write_atomic};
use crate::compare::{AltResult, Comparison, GroupDiff, StepDiff, Verdict};
use anyhow::Context;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// A document, so typographic dashes.
const S: Style = Style::Typeset;

/// One sentence per step: the answer a planner reads first.
fn answer(d: &StepDiff) -> String {
    let title = step_title(d.step, d.base_threshold_min);
    match (d.base, d.alt, d.difference, d.ci95_low.zip(d.ci95_high), d.verdict) {
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

fn group_table(o: &mut String, title: &str, groups: &[GroupDiff]) {
    let _ = write!(
        o,
        "<h3>{}</h3><table><tr><th></th><th>first aid</th><th>resuscitation</th><th>surgery</th></tr>",
        Esc(title)
    );
    for g in groups {
        let _ = write!(o, "<tr><td>{}</td>", Esc(&g.group));
        for d in &g.steps {
            let cell = match (d.difference, d.ci95_low.zip(d.ci95_high)) {
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

fn alternative(o: &mut String, c: &Comparison, a: &AltResult) {
    let _ = write!(
        o,
        "<section class=alternative><h2>{} against the base</h2><p class=desc>{}</p><ul class=answer>",
        Esc(&a.variant.label),
        Esc(&a.variant.summary.scenario.name)
    );
    for d in &a.steps {
        let _ = write!(o, "<li>{}</li>", Esc(answer(d)));
    }
    o.push_str("</ul><table><tr><th>step</th><th>base</th><th>alternative</th><th>difference</th><th>95% interval</th><th>verdict</th><th>interval of two independent runs</th></tr>");
    for d in &a.steps {
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n><b>{}</b></td><td class=n>{}</td><td>{}</td><td class=n>{}</td></tr>",
            step_title(d.step, d.base_threshold_min),
            Maybe(d.base.map(Pct), S),
            Maybe(d.alt.map(Pct), S),
            Maybe(d.difference.map(Points), S),
            Maybe(d.ci95_low.zip(d.ci95_high).map(|(l, h)| PointsInterval(l, h)), S),
            d.verdict.map_or(S.missing(), |v| v.label()),
            Maybe(d.independent_half_width.map(|h| format!("±{:.2} pts", h * 100.0)), S)
        );
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
         computed from the paired difference of each trial (common random numbers). {same}</p>"
    );
    group_table(o, "By severity", &a.by_severity);
    group_table(o, "By zone", &a.by_zone);
    group_table(o, "By time of wounding", &a.by_time_of_day);
    o.push_str("</section>");
}

/// The comparison as one self-contained HTML page.
pub fn render(c: &Comparison, meta: &RunMeta) -> String {
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
        "<h1>Courses of action compared: {}</h1><p class=meta>base {} · {} paired trials of {} days · seed {} · casevac {} · {}</p>",
        Esc(&base.name),
        Esc(&c.base.label),
        Count(c.run.trials),
        base.period_days,
        c.run.seed,
        Esc(&c.casevac_version),
        Esc(&meta.date_utc)
    );
    for a in &c.alternatives {
        alternative(&mut o, c, a);
    }
    o.push_str(
        "<p class=note>Every scenario runs the same trials: the same incidents, casualties, weather and \
         delays wherever the scenarios agree, so a difference shows the change itself, not the luck of two runs. \
         The same scenarios, seed and trial count reproduce every figure exactly.</p></body></html>\n",
    );
    o
}

/// Everything `compare --report DIR` writes: the HTML page and the comparison's JSON. Returns
/// the files written, in order.
pub fn write(dir: &Path, comparison: &Comparison, meta: &RunMeta) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = Vec::new();
    for (name, bytes) in [("report.html", render(comparison, meta)), ("comparison.json", to_json(comparison))] {
        let path = dir.join(name);
        write_atomic(&path, bytes.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}
