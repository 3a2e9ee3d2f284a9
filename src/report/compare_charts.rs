//! Charts of a comparison, drawn with the frames, fonts and colours of the single-run charts.
//!
//! Differences are coloured on one diverging scale everywhere, PuOr from ColorBrewer, which
//! stays readable with the common colour-vision deficiencies: purple where the alternative does
//! better, orange where it does worse, near-white where nothing changes.

use super::charts::{
    COLOUR_BAR_W, Chart, DrawResult, MAP_TITLE_H, MAX_ROWS, NO_FIGURE, NOTE_H, PALETTE, PANEL_H, XyChart, backed,
    colour_bar, compliance_frame, cut, draw_cells, draw_sites, draw_zones, err, font, map_panel, map_panel_w,
    map_title, marker_key, minus_sign, pct, row_chart, top_rows,
};
use super::compare::letter;
use super::fmt::{Pct, Points};
use super::step_title;
use crate::compare::{Comparison, StepDiff, Verdict};
use crate::coverage::Coverage;
use crate::model::{Model, STEPS};
use crate::summary::StepResult;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// PuOr, from its orange end (−1: worse) through near-white (0) to its purple end (+1: better).
pub fn diverging(t: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 9] = [
        (179.0, 88.0, 6.0),
        (224.0, 130.0, 20.0),
        (253.0, 184.0, 99.0),
        (254.0, 224.0, 182.0),
        (247.0, 247.0, 247.0),
        (216.0, 218.0, 235.0),
        (178.0, 171.0, 210.0),
        (128.0, 115.0, 172.0),
        (84.0, 39.0, 136.0),
    ];
    let x = (t.clamp(-1.0, 1.0) + 1.0) * 4.0;
    let i = (x.floor() as usize).min(7);
    let f = x - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |p: f64, q: f64| (p + (q - p) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// The colour of a verdict: the ends of the diverging scale, grey when undecided.
fn verdict_colour(v: Option<Verdict>) -> RGBColor {
    match v {
        Some(Verdict::Better) => diverging(1.0),
        Some(Verdict::Worse) => diverging(-1.0),
        _ => RGBColor(110, 110, 110),
    }
}

/// "A (base): file – scenario name", cut to `max` characters so it fits its strip.
fn variant_name(i: usize, label: &str, name: &str, max: usize) -> String {
    let role = if i == 0 { " (base)" } else { "" };
    let full = format!("{}{role}: {label} – {name}", letter(i));
    cut(&full, max)
}

// ---------------------------------------------------------------------------------------------

/// 1. Each step's compliance in every scenario side by side, with 95% intervals.
pub struct CompareComplianceChart<'a> {
    pub comparison: &'a Comparison,
    /// The base's targets, drawn as dashed lines.
    pub targets_pct: [Option<f64>; 3],
}

impl CompareComplianceChart<'_> {
    fn variants(&self) -> Vec<(&str, &str, &[StepResult])> {
        let c = self.comparison;
        std::iter::once((c.base.label.as_str(), c.base.summary.scenario.name.as_str(), &c.base.summary.steps[..]))
            .chain(c.alternatives.iter().map(|a| {
                (a.variant.label.as_str(), a.variant.summary.scenario.name.as_str(), &a.variant.summary.steps[..])
            }))
            .collect()
    }

    /// Whether some scenario has a step no casualty needed, whose slot then reads "n/a" and
    /// the legend says why on a line of its own.
    fn any_not_needed(&self) -> bool {
        self.variants().iter().any(|(_, _, steps)| steps.iter().any(|st| st.eligible == 0))
    }
}

impl Chart for CompareComplianceChart<'_> {
    fn size(&self) -> (u32, u32) {
        (1000, 590 + 24 * (self.variants().len() + usize::from(self.any_not_needed())) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let variants = self.variants();
        let (plot, legend) = root.split_vertically(575);
        let mut chart = compliance_frame(&plot, "10-1-2 compliance in each scenario, with 95% intervals", 3)?;
        // The bars of a step share 80% of its slot, whatever the number of scenarios.
        let bar = 0.8 / variants.len() as f64;
        // Bars too narrow for their figure (a dozen scenarios or more, whose colours repeat)
        // are marked with their scenario's letter instead, so the figures do not run together
        // and each bar can be told; the table gives the figures.
        let bar_px = chart.backend_coord(&(bar * 0.85, 0.0)).0 - chart.backend_coord(&(0.0, 0.0)).0;
        let widest = format!("{:.0}", Pct(1.0));
        let figure_fits = font(13).font.box_size(&widest).map_err(err)?.0 as i32 <= bar_px + 4;
        // Each bar's figure, written after the targets, on white, so a target line does not
        // strike it.
        let mut marks = Vec::new();
        for (k, (_, _, steps)) in variants.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            for (g, st) in steps.iter().enumerate() {
                let x0 = g as f64 + 0.1 + k as f64 * bar;
                let (x1, xm) = (x0 + bar * 0.85, x0 + bar * 0.425);
                if st.eligible == 0 {
                    // Said, not left as a gap that reads as 0% (or as a scenario left out).
                    let style = font(13).pos(Pos::new(HPos::Center, VPos::Bottom));
                    if style.font.box_size("n/a").map_err(err)?.0 as i32 <= bar_px + 4 {
                        chart.draw_series([Text::new("n/a", (xm, 1.0), style)]).map_err(err)?;
                    }
                    continue;
                }
                let (lo, hi) = (pct(st.ci95_low), pct(st.ci95_high));
                chart
                    .draw_series([Rectangle::new([(x0, 0.0), (x1, pct(st.compliance))], colour.filled())])
                    .map_err(err)?;
                // Whiskers with caps, black on the bar and above it alike.
                let cap = bar * 0.15;
                for path in [
                    vec![(xm, lo), (xm, hi)],
                    vec![(xm - cap, lo), (xm + cap, lo)],
                    vec![(xm - cap, hi), (xm + cap, hi)],
                ] {
                    chart.draw_series([PathElement::new(path, BLACK.stroke_width(2))]).map_err(err)?;
                }
                let mark = if figure_fits { format!("{:.0}", Pct(st.compliance.unwrap_or(0.0))) } else { letter(k) };
                let style = font(13).pos(Pos::new(HPos::Center, VPos::Bottom));
                if figure_fits || style.font.box_size(&mark).map_err(err)?.0 as i32 <= bar_px + 4 {
                    marks.push(((xm, hi + 1.5), mark));
                }
            }
        }
        for (g, target) in self.targets_pct.iter().enumerate() {
            if let Some(t) = target {
                let style = ShapeStyle::from(&BLACK).stroke_width(1);
                chart
                    .draw_series(DashedLineSeries::new([(g as f64 + 0.03, *t), (g as f64 + 0.97, *t)], 8, 5, style))
                    .map_err(err)?;
                chart
                    .draw_series([Text::new(
                        format!("target {t:.0}%"),
                        (g as f64 + 0.97, *t + 1.0),
                        font(13).pos(Pos::new(HPos::Right, VPos::Bottom)),
                    )])
                    .map_err(err)?;
            }
        }
        for (at, mark) in marks {
            backed(&mut chart, at, (0, 0), mark, font(13).pos(Pos::new(HPos::Center, VPos::Bottom)))?;
        }
        let base_steps = variants[0].2;
        for (g, st) in base_steps.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(g as f64 + 0.5, 0.0));
            root.draw(&Text::new(
                step_title(st.step, st.threshold_min),
                (px, py + 12),
                font(15).pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(err)?;
        }
        // The legend has its own strip under the chart, so it never hides a bar.
        for (k, (label, name, _)) in variants.iter().enumerate() {
            let y = 8 + 24 * k as i32;
            let colour = PALETTE[k % PALETTE.len()];
            legend.draw(&Rectangle::new([(90, y), (106, y + 14)], colour.filled())).map_err(err)?;
            legend
                .draw(&Text::new(
                    variant_name(k, label, name, 112),
                    (114, y + 7),
                    font(14).pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(err)?;
        }
        if self.any_not_needed() {
            let y = 8 + 24 * variants.len() as i32 + 7;
            let style = font(14).color(&RGBColor(80, 80, 80)).pos(Pos::new(HPos::Left, VPos::Center));
            legend.draw(&Text::new("n/a: no casualty of the scenario needed the step", (90, y), style)).map_err(err)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------

/// 2. The paired difference of each step, alternative minus base, with its 95% interval:
///    one panel per step, one row for all casualties and one per zone (at most [`MAX_ROWS`]), for
///    each alternative.
pub struct DifferenceChart<'a> {
    pub comparison: &'a Comparison,
    /// The base scenario, whose zones' names label the rows, as the tables name them.
    pub base: &'a crate::model::Model,
}

/// Height of a row of the difference chart, and what surrounds the rows.
const ROW_H: u32 = 34;
const DIFF_FRAME_H: u32 = 200;

/// A row of the difference chart: a group's three differences, or the zones left out of the
/// chart beyond [`MAX_ROWS`], with the largest absolute difference among them on each step.
enum DiffRow<'a> {
    Group(&'a [StepDiff]),
    Pooled { zones: usize, largest: [Option<f64>; 3] },
}

impl DifferenceChart<'_> {
    /// Each row's label and what it shows, from the top: for each alternative, all casualties,
    /// then every zone or, beyond [`MAX_ROWS`], the zones with the largest difference on any step
    /// and one row for the others.
    fn rows(&self) -> Vec<(String, DiffRow<'_>)> {
        let several = self.comparison.alternatives.len() > 1;
        let abs = |d: &StepDiff| d.figures.difference.map(f64::abs);
        let mut rows = Vec::new();
        for (k, a) in self.comparison.alternatives.iter().enumerate() {
            let prefix = if several { format!("{} − A: ", letter(k + 1)) } else { String::new() };
            rows.push((format!("{prefix}all casualties"), DiffRow::Group(&a.steps[..])));
            let largest: Vec<f64> =
                a.by_zone.iter().map(|g| g.steps.iter().filter_map(abs).fold(0.0, f64::max)).collect();
            let top = top_rows(&largest);
            rows.extend(top.shown.iter().map(|&i| {
                let g = &a.by_zone[i];
                let name = self.base.zones.get(i).map_or(g.group.as_str(), |z| z.name.as_str());
                (format!("{prefix}{name}"), DiffRow::Group(&g.steps[..]))
            }));
            if !top.pooled.is_empty() {
                let zones = top.pooled.len();
                let largest = std::array::from_fn(|s| {
                    top.pooled.iter().filter_map(|&i| a.by_zone[i].steps.get(s).and_then(abs)).reduce(f64::max)
                });
                rows.push((format!("{prefix}{zones} other zones"), DiffRow::Pooled { zones, largest }));
            }
        }
        rows
    }
}

/// An x range in points holding zero and every interval of one step of `diffs`, with room
/// for the values' labels, which go on the side away from zero: `plot_px` is the plot's width.
fn points_range(diffs: &[&StepDiff], plot_px: f64) -> std::ops::Range<f64> {
    let values = diffs.iter().flat_map(|d| [d.figures.difference, d.figures.ci95_low, d.figures.ci95_high]).flatten();
    let (lo, hi) = values.fold((0.0f64, 0.0f64), |(l, h), v| (l.min(v * 100.0), h.max(v * 100.0)));
    // At least a point either side, so a column of zeros still shows a scale.
    let (lo, hi) = (lo.min(-1.0), hi.max(1.0));
    let label_px = |used: bool| if used { LABEL_PX } else { 10.0 };
    let left = label_px(diffs.iter().any(|d| d.figures.difference.is_some_and(|x| x < 0.0)));
    let right = label_px(diffs.iter().any(|d| d.figures.difference.is_some_and(|x| x >= 0.0)));
    let units_per_px = (hi - lo) / (plot_px - left - right).max(plot_px * 0.3);
    (lo - left * units_per_px)..(hi + right * units_per_px)
}

/// Room for a value's label beside its whisker, in pixels.
const LABEL_PX: f64 = 80.0;

impl Chart for DifferenceChart<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.rows();
        let note = if pooled_zones(&rows).is_some() { NOTE_H } else { 0 };
        (1250, DIFF_FRAME_H + note + ROW_H * rows.len() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let rows = self.rows();
        let n = rows.len() as f64;
        let c = self.comparison;
        let pooled = pooled_zones(&rows);
        let (title, rest) = root.split_vertically(60 + if pooled.is_some() { NOTE_H } else { 0 });
        let (body, key) = rest.split_vertically(rest.dim_in_pixel().1 - 40);
        let who = if c.alternatives.len() == 1 { "B − A".to_string() } else { "each alternative − A".to_string() };
        title
            .draw(&Text::new(
                format!("Paired difference in the share treated in time, {who}, in percentage points"),
                (15, 10),
                font(19),
            ))
            .map_err(err)?;
        title
            .draw(&Text::new(
                "Dots: the difference; whiskers: its 95% interval from paired trials. Right of the zero line is better.",
                (15, 36),
                font(13).color(&RGBColor(80, 80, 80)),
            ))
            .map_err(err)?;
        if let Some(others) = pooled {
            let note = format!(
                "For each alternative, the {} zones with the largest difference on any step, largest first; \
                 the last row gives the largest difference among the other {others}.",
                MAX_ROWS - 1
            );
            title
                .draw(&Text::new(note, (15, 36 + NOTE_H as i32), font(13).color(&RGBColor(80, 80, 80))))
                .map_err(err)?;
        }
        // The first panel also holds the row labels, so it is wider by their width.
        let label_w = rows.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(8) as u32 * 8 + 20;
        let panel_w = (body.dim_in_pixel().0 - label_w) / 3;
        let (first, others) = body.split_horizontally(label_w + panel_w);
        let others = others.split_evenly((1, 2));
        let panels = [&first, &others[0], &others[1]];
        let labels: Vec<&str> = rows.iter().map(|(l, _)| l.as_str()).collect();
        let blank = vec![""; rows.len()];
        // Whole points where the ticks are whole, one decimal on a narrow scale.
        let signed = |v: &f64| {
            if v.abs() < 1e-9 {
                "0".to_string()
            } else if (v - v.round()).abs() < 1e-9 {
                minus_sign(format!("{v:+.0}"))
            } else {
                minus_sign(format!("{v:+.1}"))
            }
        };
        let x_desc = format!("points, {}", if c.alternatives.len() == 1 { "B − A" } else { "alternative − A" });
        for (s, panel) in panels.into_iter().enumerate() {
            let column: Vec<&StepDiff> = rows
                .iter()
                .filter_map(|(_, r)| match r {
                    DiffRow::Group(d) => d.get(s),
                    DiffRow::Pooled { .. } => None,
                })
                .collect();
            // The plot is the panel less its margins and the label area of the first panel.
            let x = points_range(&column, f64::from(panel_w) - 50.0);
            let caption = (step_title(STEPS[s], c.base.summary.steps[s].threshold_min), 16);
            let row_labels = if s == 0 { &labels } else { &blank };
            let mut chart =
                row_chart(panel, (&caption.0, caption.1), None, x.clone(), (&x_desc, &signed, None), row_labels)?;
            // A band behind each "all casualties" row sets it apart from its zones.
            for (r, (label, _)) in rows.iter().enumerate() {
                if label.ends_with("all casualties") {
                    let y = n - r as f64;
                    chart
                        .draw_series([Rectangle::new(
                            [(x.start, y - 1.0), (x.end, y)],
                            RGBColor(234, 240, 246).filled(),
                        )])
                        .map_err(err)?;
                }
            }
            chart.draw_series([PathElement::new(vec![(0.0, 0.0), (0.0, n)], BLACK.stroke_width(2))]).map_err(err)?;
            for (r, (_, row)) in rows.iter().enumerate() {
                let y = n - r as f64 - 0.5;
                match row {
                    DiffRow::Group(diffs) => self.draw_row(&mut chart, y, &diffs[s], &x)?,
                    DiffRow::Pooled { largest, .. } => {
                        let text = match largest[s] {
                            Some(d) => format!("each within ±{:.1} pts", d * 100.0),
                            None => "no casualty needed it".to_string(),
                        };
                        grey_note(&mut chart, text, y, &x)?;
                    }
                }
            }
        }
        let entries = [
            (Some(Verdict::Better), "better: the whole interval is above zero"),
            (Some(Verdict::Worse), "worse: the whole interval is below zero"),
            (None, "no detectable change"),
        ];
        let mut x = 20;
        for (v, text) in entries {
            key.draw(&Circle::new((x + 6, 20), 5, verdict_colour(v).filled())).map_err(err)?;
            key.draw(&Text::new(text, (x + 18, 20), font(14).pos(Pos::new(HPos::Left, VPos::Center)))).map_err(err)?;
            x += 30 + text.chars().count() as i32 * 8;
        }
        Ok(())
    }
}

impl DifferenceChart<'_> {
    /// One difference at height `y`: whisker with caps, dot, and its value beside the whisker,
    /// on the side with room.
    fn draw_row<DB: DrawingBackend>(
        &self,
        chart: &mut XyChart<DB>,
        y: f64,
        d: &StepDiff,
        x: &std::ops::Range<f64>,
    ) -> DrawResult {
        let Some(diff) = d.figures.difference else {
            // Which side had none: an alternative that ends the casualties of a zone still
            // leaves the base's, which the row should not deny.
            let alt = if self.comparison.alternatives.len() == 1 { "B" } else { "the alternative" };
            let text = match (d.figures.base, d.figures.alt) {
                (Some(_), None) => format!("no casualty of {alt} needed it"),
                (None, Some(_)) => "no casualty of A needed it".to_string(),
                _ => "no casualty needed it".to_string(),
            };
            return grey_note(chart, text, y, x);
        };
        let colour = verdict_colour(d.figures.verdict);
        let (lo, hi) = d.figures.ci95_low.zip(d.figures.ci95_high).map_or((diff, diff), |(l, h)| (l, h));
        let (lo, hi, v) = (lo * 100.0, hi * 100.0, diff * 100.0);
        chart.draw_series([PathElement::new(vec![(lo, y), (hi, y)], colour.stroke_width(3))]).map_err(err)?;
        for end in [lo, hi] {
            let cap = EmptyElement::at((end, y)) + PathElement::new(vec![(0, -7), (0, 7)], colour.stroke_width(3));
            chart.draw_series([cap]).map_err(err)?;
        }
        chart
            .draw_series([EmptyElement::at((v, y))
                + Circle::new((0, 0), 6, colour.filled())
                + Circle::new((0, 0), 6, WHITE.stroke_width(1))])
            .map_err(err)?;
        // The value goes on the side away from zero, where the range left room for it.
        let text = Points(diff).to_string();
        let right = diff >= 0.0;
        if right {
            backed(chart, (hi, y), (10, 0), text, font(12).pos(Pos::new(HPos::Left, VPos::Center)))
        } else {
            backed(chart, (lo, y), (-10, 0), text, font(12).pos(Pos::new(HPos::Right, VPos::Center)))
        }
    }
}

/// How many zones each alternative's last row pools, if the chart left any out: the same for
/// every alternative, since they all have the base's zones.
fn pooled_zones(rows: &[(String, DiffRow)]) -> Option<usize> {
    rows.iter().find_map(|(_, r)| match r {
        DiffRow::Pooled { zones, .. } => Some(*zones),
        DiffRow::Group(_) => None,
    })
}

/// Grey text in a row, in place of a whisker: at the row's left where it fits before the zero
/// line, else just right of the zero line where it fits there, else from the left on white where
/// it crosses the line.
fn grey_note<DB: DrawingBackend>(
    chart: &mut XyChart<DB>,
    text: String,
    y: f64,
    x: &std::ops::Range<f64>,
) -> DrawResult {
    let style = font(12).color(&RGBColor(110, 110, 110)).pos(Pos::new(HPos::Left, VPos::Center));
    let w = chart.plotting_area().estimate_text_size(&text, &style).map_err(err)?.0 as i32 + 4;
    let left = x.start + (x.end - x.start) * 0.02;
    let px = |v: f64| chart.backend_coord(&(v, y)).0;
    let (room_left, room_right) = (px(0.0) - px(left), px(x.end) - px(0.0));
    const GAP: i32 = 8;
    let (at, dx) = if room_left >= w + GAP || room_right < w + 2 * GAP { (left, 0) } else { (0.0, GAP) };
    backed(chart, (at, y), (dx, 0), text, style)
}

// ---------------------------------------------------------------------------------------------

/// 3. Where the change shows: per cell, the change in the share of the casualties wounded there
///    who are treated in time, under the run's load (or, for maps of lone probes, the change in
///    reach). One row of step panels per alternative, on one colour scale.
pub struct DifferenceMapChart<'a> {
    /// The alternatives, in the comparison's order; their sites are drawn on their rows.
    pub alts: &'a [Model],
    /// The base's map, then each alternative's, on one grid ([`crate::coverage::paired_run_coverage`]).
    pub maps: &'a [Coverage],
    pub comparison: &'a Comparison,
}

/// The colour bar of the difference map is wider, to name its ends.
const DIFF_BAR_W: u32 = COLOUR_BAR_W + 50;

impl DifferenceMapChart<'_> {
    /// Half the colour scale in points, so the scale is symmetric and zero sits at its centre,
    /// and whether some changes go beyond it. It covers 95% of the cells that change, rounded up
    /// to a round number: a few cells right at a new facility would otherwise wash out the
    /// moderate changes around it. Larger changes take the colour of the scale's end.
    fn scale_pts(&self) -> (f64, bool) {
        let base = &self.maps[0];
        let mut changes: Vec<f64> = self.maps[1..]
            .iter()
            .flat_map(|m| m.cells.iter().zip(&base.cells))
            .flat_map(|(a, b)| (0..3).map(move |s| (a.p[s] - b.p[s]).abs() * 100.0))
            .filter(|&d| d > 0.0)
            .collect();
        changes.sort_by(f64::total_cmp);
        let largest = changes.last().copied().unwrap_or(0.0);
        let covered = changes.get((changes.len() as f64 * 0.95).ceil() as usize).copied().unwrap_or(largest);
        let scale = [1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0].into_iter().find(|&m| covered <= m).unwrap_or(100.0);
        (scale, largest > scale)
    }
}

impl Chart for DifferenceMapChart<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.alts.len() as u32;
        (3 * map_panel_w(self.maps[0].bounds) + DIFF_BAR_W, MAP_TITLE_H + rows * PANEL_H + 15)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let base = &self.maps[0];
        if self.maps.iter().any(|m| m.cells.len() != base.cells.len() || m.bounds != base.bounds) {
            return Err("the coverage maps of a comparison must share one grid".into());
        }
        let (scale, clipped) = self.scale_pts();
        let beyond = if clipped { " or more" } else { "" };
        let (title, body) = root.split_vertically(MAP_TITLE_H);
        let under_load = matches!(base.source, crate::coverage::MapSource::Run { .. });
        let (what, how) = if under_load {
            (
                "Change under the run's load: share of the casualties wounded here who are treated in time, \
                 alternative − base",
                "Both scenarios run the same trials with the same incidents, so a cell's change is paired like the \
                 comparison's figures; near-white: no change; grey: no casualty the step counts here. Sites as laid \
                 out in the alternative.",
            )
        } else {
            (
                "Change in reach: probability that a single T1 casualty wounded here, with no other casualty \
                 competing, is treated in time, alternative − base",
                "Each cell draws the same random numbers in both scenarios, so near-white means the change does not \
                 reach that point. Sites as laid out in the alternative.",
            )
        };
        map_title(&title, (&format!("{what} ({})", base.source), BLACK), how)?;
        let (panels, bar) = body.split_horizontally(3 * map_panel_w(base.bounds));
        let rows = panels.split_evenly((self.alts.len(), 3));
        let thresholds = &self.comparison.base.summary.steps;
        for (k, (alt, map)) in self.alts.iter().zip(&self.maps[1..]).enumerate() {
            for s in 0..3 {
                let caption = format!("{} − A: {}", letter(k + 1), step_title(STEPS[s], thresholds[s].threshold_min));
                let mut chart = map_panel(&rows[k * 3 + s], &caption, base.bounds)?;
                draw_cells(&mut chart, base, |i| {
                    let (a, b) = (&map.cells[i], &base.cells[i]);
                    if a.n[s] == 0 || b.n[s] == 0 { NO_FIGURE } else { diverging((a.p[s] - b.p[s]) * 100.0 / scale) }
                })?;
                draw_zones(&mut chart, alt, RGBColor(60, 60, 60))?;
                draw_sites(&mut chart, alt, base.bounds)?;
            }
        }
        let (top, bottom) = (90, PANEL_H - 60);
        let ticks: Vec<(f64, String)> = (0..=4)
            .map(|k| {
                let v = scale * (k as f64 / 2.0 - 1.0);
                let label = match k {
                    0 => format!("{v:+}{beyond}\nworse"),
                    2 => "0 no change".to_string(),
                    4 => format!("{v:+}{beyond}\nbetter"),
                    _ => format!("{v:+}"),
                };
                (k as f64 / 4.0, label)
            })
            .collect();
        colour_bar(&bar, (top, bottom), |t| diverging(2.0 * t - 1.0), &ticks, "change (points)")?;
        // Below the second line of the bottom label.
        marker_key(&bar, bottom as i32 + 40)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the note's text starts, in pixels, as the SVG gives it.
    fn text_x(svg: &str) -> i32 {
        let at = svg.split("<text").nth(1).expect("a text").split(" x=\"").nth(1).unwrap();
        at.split('"').next().unwrap().parse().unwrap()
    }

    /// A row without a difference says why in grey, where it does not cross the zero line: left
    /// of it where the axis has room there, else right of it; only where neither side has room
    /// does it cross the line, on white.
    #[test]
    fn a_grey_note_stands_clear_of_the_zero_line_where_a_side_has_room() {
        let text = "no casualty of B needed it";
        let width = font(12).font.box_size(text).unwrap().0 as i32;
        for (range, w, side) in [(-10.0..2.0, 300, "left"), (-1.0..11.0, 300, "right"), (-1.0..1.0, 200, "across")] {
            let mut svg = String::new();
            let zero = {
                let root = SVGBackend::with_string(&mut svg, (w, 60)).into_drawing_area();
                let mut chart = ChartBuilder::on(&root).build_cartesian_2d(range.clone(), 0.0..1.0).unwrap();
                grey_note(&mut chart, text.into(), 0.5, &range).unwrap();
                chart.backend_coord(&(0.0, 0.5)).0
            };
            let x = text_x(&svg);
            match side {
                "left" => assert!(x + width < zero, "{x} + {width} against {zero}"),
                "right" => assert!(x > zero, "{x} against {zero}"),
                _ => assert!(x < zero && x + width > zero, "{x} + {width} against {zero}"),
            }
        }
    }
}
