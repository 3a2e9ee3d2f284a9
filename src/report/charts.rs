//! Charts for analysts, each drawn once and rendered both as PNG and SVG.
//!
//! Text uses an embedded DejaVu Sans, so charts render the same on a machine with no fonts.
//! Colours are the Okabe-Ito palette for categories and viridis for the coverage scale, both
//! readable with the common colour-vision deficiencies.

use super::fmt::{Count, Grouped};
use super::scaled::Scaled;
use crate::coverage::{Coverage, MapSource};
use crate::model::{AssetKind, Model, SEVERITIES, STEPS};
use crate::report::{minutes_label, step_title};
use crate::stats::tally::{HIST_BINS, PHASES};
use crate::stats::{Tally, tally::Groups};
use crate::summary::{PhaseResult, StepResult, Summary};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::sync::Once;

const FONT: &str = "sans-serif";
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Okabe-Ito, without its yellow (too light on white), then grey.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(0, 0, 0),       // black
    RGBColor(153, 153, 153), // grey
];

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font shipped with the source; failure is a build defect.
        plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES)
            .unwrap_or_else(|_| panic!("embedded font assets/fonts/DejaVuSans.ttf is invalid"));
    });
}

pub(super) fn font(size: u32) -> TextStyle<'static> {
    // Registered before any style is made from it: a style made before would measure text in
    // no font (a chart's size may be asked before it is rendered).
    register_font();
    TextStyle::from((FONT, size).into_font())
}

/// A map cell with no figure (no casualty counted there, a candidate not measured): one grey
/// on every map, apart from every colour scale's.
pub(super) const NO_FIGURE: RGBColor = RGBColor(225, 225, 225);

/// Viridis, by linear interpolation between five of its anchor colours.
pub fn viridis(t: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 5] =
        [(68.0, 1.0, 84.0), (59.0, 82.0, 139.0), (33.0, 145.0, 140.0), (94.0, 201.0, 98.0), (253.0, 231.0, 37.0)];
    let x = t.clamp(0.0, 1.0) * 4.0;
    let i = (x.floor() as usize).min(3);
    let f = x - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |p: f64, q: f64| (p + (q - p) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

pub(super) type DrawResult = Result<(), String>;

pub(super) fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("drawing failed: {e:?}")
}

/// A chart that can draw itself on any plotters backend.
pub trait Chart {
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult;
}

/// Renders a chart to PNG bytes and an SVG document whose text is drawn as outlines.
pub fn render(chart: &impl Chart) -> Result<(Vec<u8>, String), String> {
    render_scaled(chart, 1)
}

/// Renders a chart to PNG bytes drawn `scale` times larger (every length, line and letter, not
/// the pixels of the small image enlarged: for slides and print), and an SVG document, which
/// is vector and does not need it.
pub fn render_scaled(chart: &impl Chart, scale: u32) -> Result<(Vec<u8>, String), String> {
    register_font();
    let (w, h) = chart.size();
    let k = scale.max(1);
    let (pw, ph) = (w * k, h * k);
    let mut rgb = vec![0u8; (pw * ph * 3) as usize];
    {
        let root = Scaled::new(BitMapBackend::with_buffer(&mut rgb, (pw, ph)), k, FONT).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        chart.draw(&root)?;
        root.present().map_err(err)?;
    }
    let mut png_bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png_bytes, pw, ph);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(err)?;
        writer.write_image_data(&rgb).map_err(err)?;
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        chart.draw(&root)?;
        root.present().map_err(err)?;
    }
    // Text as outlines of the embedded font, so the SVG looks like the PNG everywhere.
    Ok((png_bytes, super::svg_text::text_to_paths(&svg, FONT_BYTES)?))
}

pub(super) fn pct(p: Option<f64>) -> f64 {
    p.unwrap_or(0.0) * 100.0
}

// ---------------------------------------------------------------------------------------------

/// 1. Compliance with each step, overall and by severity, with 95% intervals.
pub struct ComplianceChart<'a> {
    pub summary: &'a Summary,
    pub targets_pct: [Option<f64>; 3],
}

impl Chart for ComplianceChart<'_> {
    fn size(&self) -> (u32, u32) {
        (1100, 600)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let s = self.summary;
        // The legend has a strip of its own on the right, so it never covers a bar.
        let (plot, legend) = root.split_horizontally(root.dim_in_pixel().0 - LEGEND_W);
        // The onward milestone, where the scenario models it, is a fourth group with one bar: its
        // tally has no split by severity.
        let groups = if s.onward.is_some() { 4 } else { 3 };
        let standard = if s.onward.is_some() { "10-1-2+2" } else { "10-1-2" };
        // (The caption's margins are the frame's, 20 pixels a side.)
        let caption = format!("{standard} compliance: {}", s.scenario.name);
        let caption = fit_line(&caption, &font(22), plot.dim_in_pixel().0 - 40)?;
        let mut chart = compliance_frame(&plot, &caption, groups)?;
        let series: [(&str, Vec<&StepResult>); 4] = [
            ("all casualties counted", s.steps.iter().collect()),
            (SEVERITIES[0], s.by_severity[0].steps.iter().collect()),
            (SEVERITIES[1], s.by_severity[1].steps.iter().collect()),
            (SEVERITIES[2], s.by_severity[2].steps.iter().collect()),
        ];
        let bar = 0.18;
        let onward = s.onward.as_ref().map(|o| Bar {
            eligible: o.eligible,
            compliance: o.compliance,
            ci95_low: o.ci95_low,
            ci95_high: o.ci95_high,
        });
        let mut figures = Vec::new();
        for (k, (_, steps)) in series.iter().enumerate() {
            let colour = PALETTE[k];
            let x0 = |g: usize| g as f64 + 0.14 + k as f64 * bar;
            let bars = steps.iter().map(|st| Some(Bar::of(st))).chain(onward.map(|o| (k == 0).then_some(o)));
            for (g, st) in bars.enumerate() {
                let xm = x0(g) + bar * 0.45;
                let Some(st) = st else { continue };
                if st.eligible == 0 {
                    // No casualty of this group needed the step (or the step does not count it):
                    // say so, rather than leave a gap that reads as 0%.
                    let na = Text::new("n/a", (xm, 1.0), font(13).pos(Pos::new(HPos::Center, VPos::Bottom)));
                    chart.draw_series(std::iter::once(na)).map_err(err)?;
                    continue;
                }
                let top = pct(st.compliance);
                let rect = Rectangle::new([(x0(g), 0.0), (x0(g) + bar * 0.9, top)], colour.filled());
                chart.draw_series(std::iter::once(rect)).map_err(err)?;
                let whisker =
                    PathElement::new(vec![(xm, pct(st.ci95_low)), (xm, pct(st.ci95_high))], BLACK.stroke_width(2));
                chart.draw_series(std::iter::once(whisker)).map_err(err)?;
                // The value above the bar and its interval, so it can be read without the axis
                // (written after the targets, on white, so a target line does not strike it).
                figures.push(((xm, pct(st.ci95_high).max(top) + 1.0), pct_label(top)));
            }
        }
        let onward_target = s.onward.as_ref().map(|o| o.target_pct);
        for (g, target) in self.targets_pct.iter().chain(onward_target.iter()).enumerate() {
            if let Some(t) = target {
                let style = ShapeStyle::from(&BLACK).stroke_width(2);
                chart
                    .draw_series(DashedLineSeries::new([(g as f64 + 0.05, *t), (g as f64 + 0.95, *t)], 8, 5, style))
                    .map_err(err)?;
                chart
                    .draw_series(std::iter::once(Text::new(
                        format!("target {t:.0}%"),
                        (g as f64 + 0.95, *t + 1.0),
                        font(13).pos(Pos::new(HPos::Right, VPos::Bottom)),
                    )))
                    .map_err(err)?;
            }
        }
        for (at, figure) in figures {
            backed(&mut chart, at, (0, 0), figure, font(13).pos(Pos::new(HPos::Center, VPos::Bottom)))?;
        }
        let titles = s
            .steps
            .iter()
            .map(|st| step_title(st.step, st.threshold_min))
            .chain(s.onward.as_ref().map(|o| o.milestone.clone()));
        for (g, label) in titles.enumerate() {
            let (px, py) = chart.backend_coord(&(g as f64 + 0.5, 0.0));
            root.draw(&Text::new(label, (px, py + 12), font(15).pos(Pos::new(HPos::Center, VPos::Top))))
                .map_err(err)?;
        }
        let keys: Vec<(String, RGBColor)> =
            series.iter().enumerate().map(|(k, (n, _))| (n.to_string(), PALETTE[k])).collect();
        let mut note = "n/a: no casualty of the group\nneeded the step, or the\nstep does not count it".to_string();
        // A category judged against a deadline of its own (T2's delayed surgery) is named, so
        // its bar is not read against the group's label.
        let sc = &s.scenario;
        for (scope, threshold) in sc.step_scopes.iter().zip(sc.thresholds_min) {
            for (d, cats) in scope.own_deadlines(threshold) {
                note.push_str(&format!(
                    "\n\n{} {}: within {}",
                    cats.join(" and "),
                    scope.step.label(),
                    minutes_label(d)
                ));
            }
        }
        if s.onward.is_some() {
            note.push_str("\n\nonward: all casualties only,\ntimed from the end of surgery");
        }
        side_legend(&legend, &keys, &note)
    }
}

/// A share in percent to read at a glance: whole percent, with one decimal where the whole
/// number would mislead: below 10% (0.6% is not 1%, 0.3% not 0%) and short of 100% (99.6% is
/// not everyone).
fn pct_label(p: f64) -> String {
    match p {
        p if (99.95..100.0).contains(&p) => ">99.9%".to_string(),
        p if p < 10.0 || (99.5..100.0).contains(&p) => format!("{p:.1}%"),
        p => format!("{p:.0}%"),
    }
}

/// One bar of the compliance chart: a step for a group, or the onward milestone.
#[derive(Clone, Copy)]
struct Bar {
    eligible: u64,
    compliance: Option<f64>,
    ci95_low: Option<f64>,
    ci95_high: Option<f64>,
}

impl Bar {
    fn of(st: &StepResult) -> Bar {
        Bar { eligible: st.eligible, compliance: st.compliance, ci95_low: st.ci95_low, ci95_high: st.ci95_high }
    }
}

/// Width of the legend strip beside a chart's plot.
const LEGEND_W: u32 = 190;

/// A legend in its own strip beside the plot: a swatch and a name per key, then a grey note.
fn side_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    keys: &[(String, RGBColor)],
    note: &str,
) -> DrawResult {
    let mut y = 70;
    for (name, colour) in keys {
        area.draw(&Rectangle::new([(10, y - 7), (26, y + 7)], colour.filled())).map_err(err)?;
        area.draw(&Text::new(name.clone(), (34, y), font(14).pos(Pos::new(HPos::Left, VPos::Center)))).map_err(err)?;
        y += 24;
    }
    y += 10;
    for line in note.lines() {
        area.draw(&Text::new(line.to_string(), (10, y), font(12).color(&RGBColor(80, 80, 80)))).map_err(err)?;
        y += 16;
    }
    Ok(())
}

/// The decimals a map's degree ticks take: the fewest that write every tick of both axes
/// exactly, so that "0.00" never stands beside "20.0" and whole degrees read "16", not "16.00".
/// The ticks are the ones plotters draws for `labels` ticks on each axis (`x_labels`/`y_labels`).
fn degree_decimals(axes: [(std::ops::Range<f64>, usize); 2]) -> usize {
    let ticks: Vec<f64> =
        axes.into_iter().flat_map(|(range, labels)| RangedCoordf64::from(range).key_points(labels)).collect();
    (0..4)
        .find(|&d| {
            let scale = 10f64.powi(d as i32);
            ticks.iter().all(|v| ((v * scale).round() / scale - v).abs() <= 1e-9 * v.abs().max(1.0))
        })
        .unwrap_or(4)
}

/// A tick label in degrees with `decimals` decimals (and no "-0").
fn degrees(v: f64, decimals: usize) -> String {
    let scale = 10f64.powi(decimals as i32);
    minus_sign(format!("{:.*}", decimals, (v * scale).round() / scale + 0.0))
}

/// A figure drawn on a chart with a minus sign (U+2212) for a leading hyphen: a hyphen is
/// shorter than a plus and reads as a dash beside a tick. (Text for terminals and spreadsheets
/// keeps the hyphen, which every program parses.)
pub(super) fn minus_sign(text: String) -> String {
    match text.strip_prefix('-') {
        Some(rest) => format!("\u{2212}{rest}"),
        None => text,
    }
}

// ---------------------------------------------------------------------------------------------

/// 2. Cumulative share of casualties who have received each step, by minutes after wounding.
pub struct TimeToCareChart<'a> {
    pub summary: &'a Summary,
    pub tally: &'a Tally,
    pub model: &'a Model,
}

/// A time on an axis in minutes up to an hour and in hours beyond: "30 min", "1 h", "2 h 30".
fn clock_label(m: f64) -> String {
    let m = m.round() as i64;
    match (m / 60, m % 60) {
        (0, min) => format!("{min} min"),
        (h, 0) => format!("{h} h"),
        (h, min) => format!("{h} h {min:02}"),
    }
}

/// The height of a line of the time-to-care chart's key, one per step.
const KEY_LINE_H: u32 = 22;

/// The most labels on the time-to-care chart's axis: six hours' half hours.
const TIME_TICKS: usize = 13;

impl Chart for TimeToCareChart<'_> {
    fn size(&self) -> (u32, u32) {
        (1000, 620 + KEY_LINE_H * STEPS.len() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        // The key has a strip of its own under the chart, so it never hides a curve (a step
        // few reach in time runs along the bottom, where a key inside the plot would sit).
        let (root, key) = root.split_vertically(root.dim_in_pixel().1 - KEY_LINE_H * STEPS.len() as u32);
        let root = &root;
        let mut keys = Vec::new();
        // One range for every scenario, so two charts side by side compare: six hours, or
        // longer if a deadline is later than four hours. The legend gives each curve's height
        // where the axis is cut: how many are treated later still, or never.
        let last = self.model.thresholds_min.iter().copied().fold(0.0, f64::max);
        let x_max = (last * 1.5).max(360.0).min(HIST_BINS as f64).ceil();
        let origin = match self.model.origin {
            crate::model::ClockOrigin::Wounding => "wounding",
            crate::model::ClockOrigin::Request => "the evacuation request",
        };
        // The caption has a strip of its own, and the deadlines' labels the margin under it, so
        // a label never lands on the title. The axis is in hours, so its ticks fall on the half
        // hour.
        let (title, body) = root.split_vertically(40);
        let caption = format!("Time to each step of care: {}", self.summary.scenario.name);
        let caption = fit_line(&caption, &font(20), title.dim_in_pixel().0 - 40)?;
        let centre = (title.dim_in_pixel().0 / 2) as i32;
        title.draw(&Text::new(caption, (centre, 14), font(20).pos(Pos::new(HPos::Center, VPos::Top)))).map_err(err)?;
        let mut chart = ChartBuilder::on(&body)
            .margin(20)
            .margin_top(28)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..x_max / 60.0, 0.0..100.0)
            .map_err(err)?;
        chart
            .configure_mesh()
            .max_light_lines(1)
            // On the half hour up to six hours; past that, as many labels as six hours have,
            // at the round steps plotters picks, so a day-long axis stays readable.
            .x_labels(((x_max / 30.0) as usize + 1).min(TIME_TICKS))
            .x_desc(format!("time after {origin} (axis cut at {})", clock_label(x_max)))
            .x_label_formatter(&|h| clock_label(h * 60.0))
            .y_desc("casualties treated by then (%)")
            .y_label_formatter(&|v| format!("{v:.0}%"))
            .label_style(font(13))
            .axis_desc_style(font(15))
            .draw()
            .map_err(err)?;
        let (ox, oy) = body.get_base_pixel();
        for (s, step) in STEPS.iter().enumerate() {
            let hist = self.tally.hist(Groups::ALL, s);
            let n: u64 = hist.iter().sum();
            if n == 0 {
                continue;
            }
            let colour = PALETTE[s];
            let mut cum = 0u64;
            let mut points = vec![(0.0, 0.0)];
            for (m, &c) in hist.iter().enumerate().take((x_max as usize).min(HIST_BINS)) {
                cum += c;
                points.push(((m + 1) as f64 / 60.0, cum as f64 * 100.0 / n as f64));
            }
            let at_cut = points.last().map_or(0.0, |p| p.1);
            let threshold = self.model.thresholds_min[s];
            // A category with a deadline of its own (T2's delayed surgery) is named, so the curve's
            // height at the line is not read as the headline share.
            // Its own line is drawn too, and the legend gives the share in time, which mixes the
            // deadlines: the curve at the headline line is not it.
            let mut deadline = minutes_label(threshold);
            let mut lines = vec![(threshold, minutes_label(threshold))];
            for (d, cats) in self.summary.scenario.step_scopes[s].own_deadlines(threshold) {
                deadline.push_str(&format!(", {} {}", cats.join(" and "), minutes_label(d)));
                lines.push((d, format!("{} ({})", minutes_label(d), cats.join(", "))));
            }
            let in_time = self.summary.steps[s]
                .compliance
                .map_or(String::new(), |p| format!("{} in time, ", pct_label(p * 100.0)));
            chart.draw_series(LineSeries::new(points, colour.stroke_width(3))).map_err(err)?;
            keys.push((
                colour,
                format!(
                    "{} (deadline {deadline}): {in_time}{} by {}",
                    step.label(),
                    pct_label(at_cut),
                    clock_label(x_max)
                ),
            ));
            for (t, label) in lines.into_iter().filter(|&(t, _)| t <= x_max) {
                let h = t / 60.0;
                chart
                    .draw_series(DashedLineSeries::new(
                        [(h, 0.0), (h, 100.0)],
                        6,
                        4,
                        ShapeStyle::from(&colour).stroke_width(1),
                    ))
                    .map_err(err)?;
                // Staggered, so deadlines close together do not overwrite each other.
                let (px, py) = chart.backend_coord(&(h, 100.0));
                body.draw(&Text::new(
                    label,
                    (px - ox, py - oy - 3 - 13 * (s as i32 % 2)),
                    font(12).color(&colour).pos(Pos::new(HPos::Center, VPos::Bottom)),
                ))
                .map_err(err)?;
            }
        }
        if !keys.is_empty() {
            for (k, (colour, text)) in keys.into_iter().enumerate() {
                let y = KEY_LINE_H as i32 * k as i32 + 10;
                key.draw(&PathElement::new([(90, y), (110, y)], colour.stroke_width(3))).map_err(err)?;
                key.draw(&Text::new(text, (118, y), font(14).pos(Pos::new(HPos::Left, VPos::Center)))).map_err(err)?;
            }
        } else {
            // Nothing to draw (no casualty in the run): said, rather than an empty frame and
            // an empty legend box.
            let (px, py) = chart.backend_coord(&(x_max / 120.0, 50.0));
            let style = font(16).color(&RGBColor(80, 80, 80)).pos(Pos::new(HPos::Center, VPos::Center));
            body.draw(&Text::new("no casualty counted in the run: no times to draw", (px - ox, py - oy), style))
                .map_err(err)?;
        }
        Ok(())
    }
}

pub(super) type XyChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Where a compliance chart's axis ends: past 100%, so the figure over a full bar and its
/// interval stays in the plot rather than running into the title.
const COMPLIANCE_TOP: f64 = 107.0;

/// The frame of a compliance chart: the three steps along x, 0-100% up (with room above for
/// figures), light grid lines; a run's chart and a comparison's draw their bars into it.
pub(super) fn compliance_frame<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    caption: &str,
    groups: usize,
) -> Result<XyChart<'a, DB>, String> {
    let mut chart = ChartBuilder::on(area)
        .caption(caption, font(22))
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..groups as f64, 0.0..COMPLIANCE_TOP)
        .map_err(err)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(11)
        .y_desc("casualties treated in time (%)")
        .y_label_formatter(&|v| if *v <= 100.0 { format!("{v:.0}%") } else { String::new() })
        .label_style(font(14))
        .axis_desc_style(font(15))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// Rows a row chart gives one list (zones, asset groups and facilities, one alternative's zones):
/// a scenario may hold 200 of each, and a chart of 200 rows is too tall to read or to print.
pub(super) const MAX_ROWS: usize = 25;

/// Which rows of a list a row chart draws.
pub(super) struct TopRows {
    /// Indices drawn one to a row: the whole list in its order when it fits in [`MAX_ROWS`],
    /// else the `MAX_ROWS - 1` largest by the chart's measure, largest first.
    pub shown: Vec<usize>,
    /// Indices left to one last row, in the list's order; empty when the list fits.
    pub pooled: Vec<usize>,
}

/// The rows of a list whose `measure` is given for each, as [`TopRows`] describes. Ties keep the
/// list's order, so the choice does not depend on how the sort breaks them.
pub(super) fn top_rows(measure: &[f64]) -> TopRows {
    let n = measure.len();
    if n <= MAX_ROWS {
        return TopRows { shown: (0..n).collect(), pooled: Vec::new() };
    }
    let mut shown: Vec<usize> = (0..n).collect();
    shown.sort_by(|&a, &b| measure[b].total_cmp(&measure[a]));
    let mut pooled = shown.split_off(MAX_ROWS - 1);
    pooled.sort_unstable();
    TopRows { shown, pooled }
}

/// A row chart's x axis: its description, how a tick is labelled, and where the ticks go
/// (where plotters places them, if not given).
pub(super) type XAxis<'a> = (&'a str, &'a dyn Fn(&f64) -> String, Option<&'a [f64]>);

/// Height of the line a row chart's note takes under its caption.
pub(super) const NOTE_H: u32 = 24;

/// The margin round a [`row_chart`].
const ROW_MARGIN: u32 = 15;

/// The width of a [`row_chart`]'s row labels, in pixels.
fn row_label_width(labels: &[&str]) -> u32 {
    labels.iter().map(|l| l.chars().count()).max().unwrap_or(8) as u32 * 8 + 20
}

/// The most characters of a zone's name the phases chart gives its row: a zone named at greater
/// length is cut with an ellipsis (the report's tables give it whole), rather than squeeze the
/// bars of a chart of fixed width into a sliver. (The utilisation chart widens for its longer,
/// composed labels instead.)
const ROW_LABEL_CHARS: usize = 40;

/// A zone's name as the phases chart's row gives it: whole, or cut to [`ROW_LABEL_CHARS`] with an
/// ellipsis.
fn row_label(label: &str) -> String {
    cut(label, ROW_LABEL_CHARS)
}

/// `s` in at most `w` characters: whole, or its first `w - 1` and an ellipsis (a name in a strip
/// or column of fixed width; the tables beside give it whole).
pub(super) fn cut(s: &str, w: usize) -> String {
    if s.chars().count() <= w { s.to_string() } else { s.chars().take(w - 1).collect::<String>() + "…" }
}

/// Where the x axis of a [`row_chart`] `width` pixels wide with row `labels` must end, at
/// `least` or further, so that each figure, written in 13-point type just after the value it
/// stands at, fits inside the plot: a value v ends at v / end of the plot's width, and its text
/// needs its own width and a little room of what is left. Whole units.
fn axis_end_for_figures<'t>(
    width: u32,
    labels: &[&str],
    least: f64,
    figures: impl IntoIterator<Item = (f64, &'t str)>,
) -> Result<f64, String> {
    let plot_w = f64::from(width.saturating_sub(2 * ROW_MARGIN + row_label_width(labels)).max(1));
    let mut end = least;
    for (at, text) in figures {
        let need = f64::from(font(13).font.box_size(text).map_err(err)?.0) + 15.0;
        end = end.max(at * plot_w / (plot_w - need).max(1.0));
    }
    Ok(end.ceil())
}

/// A chart of rows, one per label from the top, over the x range `x` with ticks written by
/// `x_label` (where plotters places them, or at `x_at` when given): the frame the phases,
/// utilisation and difference charts share. Row `r` spans y = n - r - 1 to n - r. Empty labels
/// take no room, so panels beside a labelled one line up. A `note` (which rows were left out)
/// goes in grey on a line of its own under the caption, [`NOTE_H`] pixels that the caller adds
/// to the chart's height.
pub(super) fn row_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    (caption, caption_size): (&str, u32),
    note: Option<&str>,
    x: std::ops::Range<f64>,
    (x_desc, x_label, x_at): XAxis,
    labels: &[&str],
) -> Result<XyChart<'a, DB>, String> {
    let n = labels.len() as f64;
    let label_width = row_label_width(labels);
    // Plotters' caption is one line, so with a note the caption is drawn here, where plotters
    // would put it (under the top margin), and the chart is built below the note.
    let body = match note {
        None => area.clone(),
        Some(note) => {
            let titled = area.split_vertically(ROW_MARGIN).1.titled(caption, font(caption_size)).map_err(err)?;
            let (strip, body) = titled.split_vertically(NOTE_H);
            let centre = (strip.dim_in_pixel().0 / 2) as i32;
            let style = font(14).color(&RGBColor(80, 80, 80)).pos(Pos::new(HPos::Center, VPos::Top));
            strip.draw(&Text::new(note.to_string(), (centre, 2), style)).map_err(err)?;
            body
        }
    };
    let mut builder = ChartBuilder::on(&body);
    builder.margin(ROW_MARGIN).x_label_area_size(45).y_label_area_size(label_width);
    match note {
        None => builder.caption(caption, font(caption_size)),
        Some(_) => builder.margin_top(0),
    };
    let mut chart = builder.build_cartesian_2d(x, 0.0..n).map_err(err)?;
    // About one tick every 60 pixels, so signed labels on a narrow panel do not run together.
    let ticks = (chart.plotting_area().dim_in_pixel().0 / 60).clamp(3, 10) as usize;
    let mut mesh = chart.configure_mesh();
    mesh.max_light_lines(1)
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(ticks)
        .x_desc(x_desc)
        .x_label_formatter(x_label)
        .label_style(font(14))
        .axis_desc_style(font(15));
    if x_at.is_some() {
        mesh.disable_x_mesh().x_labels(0);
    }
    mesh.draw().map_err(err)?;
    // backend_coord is in the whole image's pixels, and the area draws in its own.
    let (ox, oy) = area.get_base_pixel();
    for &v in x_at.unwrap_or_default() {
        let grid = RGBColor(200, 200, 200);
        chart.draw_series(std::iter::once(PathElement::new([(v, 0.0), (v, n)], grid))).map_err(err)?;
        let (px, py) = chart.backend_coord(&(v, 0.0));
        let (px, py) = (px - ox, py - oy);
        area.draw(&PathElement::new([(px, py), (px, py + 5)], BLACK)).map_err(err)?;
        area.draw(&Text::new(x_label(&v), (px, py + 8), font(14).pos(Pos::new(HPos::Center, VPos::Top))))
            .map_err(err)?;
    }
    for (r, label) in labels.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(chart.x_range().start, n - r as f64 - 0.5));
        let at = (px - ox - 8, py - oy);
        area.draw(&Text::new(label.to_string(), at, font(14).pos(Pos::new(HPos::Right, VPos::Center)))).map_err(err)?;
    }
    Ok(chart)
}

// ---------------------------------------------------------------------------------------------

/// 3. Where the minutes go: mean minutes per phase, stacked, over all zones and per zone.
pub struct PhasesChart<'a> {
    pub summary: &'a Summary,
    /// For the zones' names.
    pub model: &'a Model,
}

/// A row of the phases chart: its label, the mean minutes of each phase and its casualties.
type PhaseRow = (String, Vec<f64>, u64);

impl PhasesChart<'_> {
    /// The rows from the top: all zones, then every zone or, beyond [`MAX_ROWS`], the zones with
    /// the most casualties and one row pooling the others; and the note that says so.
    fn rows(&self) -> (Vec<PhaseRow>, Option<String>) {
        let s = self.summary;
        let means = |ps: &[PhaseResult]| ps.iter().map(|p| p.mean_min.unwrap_or(0.0)).collect::<Vec<_>>();
        // Every casualty passes the first phase, reporting, so its count is the zone's casualties.
        let first = |ps: &[PhaseResult]| ps.first().map_or(0, |p| p.casualties);
        let casualties: Vec<u64> = s.phases_by_zone.iter().map(|z| first(&z.phases)).collect();
        let top = top_rows(&casualties.iter().map(|&n| n as f64).collect::<Vec<_>>());
        let mut rows = vec![("all zones".to_string(), means(&s.phases), first(&s.phases))];
        let name = |i: usize| row_label(self.model.zones.get(i).map_or(&s.phases_by_zone[i].zone, |z| &z.name));
        rows.extend(top.shown.iter().map(|&i| (name(i), means(&s.phases_by_zone[i].phases), casualties[i])));
        if top.pooled.is_empty() {
            // Handover and theatre count only surgical casualties, and every phase after the
            // wait only those picked up: a bar's end is not anyone's time to care, so no
            // deadline is drawn against it.
            let note = "Each bar adds up means over different casualties: it is not a time to care (see time to care).";
            return (rows, Some(note.to_string()));
        }
        // Each phase's mean over the pooled zones' casualties, as the "all zones" row is over all.
        let pooled = (0..PHASES.len())
            .map(|k| {
                let phase = top.pooled.iter().filter_map(|&i| s.phases_by_zone[i].phases.get(k));
                let (minutes, n) = phase.fold((0.0, 0), |(m, n), p| {
                    (m + p.mean_min.unwrap_or(0.0) * p.casualties as f64, n + p.casualties)
                });
                if n > 0 { minutes / n as f64 } else { 0.0 }
            })
            .collect();
        let others = top.pooled.len();
        rows.push((format!("{others} other zones"), pooled, top.pooled.iter().map(|&i| casualties[i]).sum()));
        let note = format!(
            "The {} zones with the most casualties, most first; the last row pools the other {others}; \
             bars are not times to care.",
            top.shown.len()
        );
        (rows, Some(note))
    }
}

/// A break in the phases chart's axis: the minutes from `from` to `to` are drawn as a gap
/// `gap` minutes of the axis wide, so one very long phase (a day's wait for theatre after a
/// mass-casualty attack) does not flatten every other into a sliver.
#[derive(Debug, Clone, Copy, PartialEq)]
struct AxisBreak {
    from: f64,
    to: f64,
    gap: f64,
    /// Minutes between ticks, on both sides.
    step: f64,
}

/// A tick's figure, its thousands grouped, with the decimals it needs (up to two): on a short
/// axis plotters puts ticks half a unit apart, which whole figures would write "0 0 1 1".
fn tick_figure(v: f64) -> String {
    let s = format!("{:.2}", Grouped(v));
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_string() } else { s.to_string() }
}

/// About `n` ticks over `span`: the first of 1, 2, 5 or 10 times a power of ten that is at
/// least `span / n`.
fn tick_step(span: f64, n: usize) -> f64 {
    let raw = span / n as f64;
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|k| k * power).find(|&s| s >= raw).unwrap_or(10.0 * power)
}

/// Ticks the phases chart aims for along its axis.
const PHASE_TICKS: usize = 8;

impl AxisBreak {
    /// The widest stretch of the axis in which no row's phase begins or ends, if it is more
    /// than four fifths of the axis (the rest of the bars squeezed into a fifth): cut, keeping
    /// a stub of the phase that spans it on either side. Every row that reaches past the break
    /// spans it with one phase, so only that phase's drawn length is shortened.
    fn of(rows: &[PhaseRow]) -> Option<AxisBreak> {
        let mut ends = vec![0.0];
        for (_, minutes, _) in rows {
            ends.extend(minutes.iter().scan(0.0, |x, &m| {
                *x += m;
                Some(*x)
            }));
        }
        ends.sort_by(f64::total_cmp);
        let end = *ends.last()?;
        let (a, b) = ends.windows(2).map(|w| (w[0], w[1])).max_by(|p, q| (p.1 - p.0).total_cmp(&(q.1 - q.0)))?;
        let kept = end - (b - a);
        if !(b - a > 4.0 * kept && kept > 0.0) {
            return None;
        }
        let stub = 0.1 * kept;
        let drawn = kept + 2.0 * stub;
        let step = tick_step(drawn * 1.05, PHASE_TICKS);
        // The axis resumes at a tick, so the far side has one to read it by.
        let to = ((b - stub) / step).floor() * step;
        let from = a + stub;
        (to > from).then_some(AxisBreak { from, to, gap: 0.08 * drawn, step })
    }

    /// Where `minutes` stand on the drawn axis.
    fn show(&self, minutes: f64) -> f64 {
        if minutes <= self.from {
            minutes
        } else if minutes >= self.to {
            minutes - (self.to - self.from) + self.gap
        } else {
            self.from + (minutes - self.from) / (self.to - self.from) * self.gap
        }
    }

    /// The minutes at a place of the drawn axis outside the gap.
    fn minutes(&self, shown: f64) -> f64 {
        if shown <= self.from { shown } else { shown + (self.to - self.from) - self.gap }
    }

    /// Round minutes to label on either side of the gap, at least most of a step apart on the
    /// drawn axis; as drawn places.
    fn ticks(&self, end: f64) -> Vec<f64> {
        let step = self.step;
        let mut out: Vec<f64> = (0..).map(|k| k as f64 * step).take_while(|&v| v <= self.from).collect();
        let first_right = (self.to / step).ceil() as i64;
        for v in (first_right..).map(|k| k as f64 * step).take_while(|&v| v <= end) {
            // The first tick past the gap says where the axis resumes: it wins over the last
            // one before the gap when they would run together.
            while out.last().is_some_and(|&last| self.show(v) - last < 0.8 * step) {
                out.pop();
            }
            out.push(self.show(v));
        }
        out
    }
}

impl Chart for PhasesChart<'_> {
    fn size(&self) -> (u32, u32) {
        let (rows, note) = self.rows();
        // At least the legend's height: nine phases from 60 pixels down, 24 apart.
        (1000, (160 + 55 * rows.len() as u32).max(300) + if note.is_some() { NOTE_H } else { 0 })
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let (rows, note) = self.rows();
        let total = |ms: &[f64]| ms.iter().sum::<f64>();
        let end = rows.iter().map(|(_, ms, _)| total(ms)).fold(1.0, f64::max);
        let cut = AxisBreak::of(&rows);
        let show = |m: f64| cut.map_or(m, |c| c.show(m));
        let x_max = show(end) * 1.05;
        let n = rows.len() as f64;
        let (plot, legend) = root.split_horizontally(root.dim_in_pixel().0 - 175);
        let labels: Vec<&str> = rows.iter().map(|(z, _, _)| z.as_str()).collect();
        let caption = ("Where the minutes go (mean minutes, over those who reached each phase)", 20);
        let x_label = |v: &f64| tick_figure(cut.map_or(*v, |c| c.minutes(*v)));
        let ticks = cut.map(|c| c.ticks(end));
        let x_desc = match cut {
            Some(c) => format!(
                "minutes (axis broken from {} to {} minutes)",
                Count(c.from.round() as u64),
                Count(c.to.round() as u64)
            ),
            None => "minutes".to_string(),
        };
        let axis: XAxis = (&x_desc, &x_label, ticks.as_deref());
        let mut chart = row_chart(&plot, caption, note.as_deref(), 0.0..x_max, axis, &labels)?;
        for (r, (_, minutes, casualties)) in rows.iter().enumerate() {
            let y = n - r as f64 - 1.0;
            if *casualties == 0 {
                let style = font(13).pos(Pos::new(HPos::Left, VPos::Center));
                backed(&mut chart, (0.0, y + 0.5), (5, 0), "no casualty".to_string(), style)?;
                continue;
            }
            let mut x = 0.0;
            for (k, &m) in minutes.iter().enumerate() {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(show(x), y + 0.15), (show(x + m), y + 0.85)],
                        phase_colour(k).filled(),
                    )))
                    .map_err(err)?;
                x += m;
            }
        }
        if let Some(c) = cut {
            // The break shown as a white cut through every bar that spans it, with the mean of
            // the phase it cuts written across it, and a double slash on the axis.
            let (mid, half) = (c.from + c.gap / 2.0, c.gap / 4.0);
            let white = Rectangle::new([(mid - half, 0.0), (mid + half, n)], WHITE.filled());
            chart.draw_series(std::iter::once(white)).map_err(err)?;
            for (r, (_, minutes, _)) in rows.iter().enumerate() {
                let mut x = 0.0;
                let Some(m) = minutes.iter().find(|&&m| {
                    x += m;
                    x >= c.to && x - m <= c.from
                }) else {
                    continue;
                };
                let y = n - r as f64 - 0.5;
                let style = font(13).pos(Pos::new(HPos::Center, VPos::Center));
                let text = format!("{} min", Count(m.round() as u64));
                let (w, h) = plot.estimate_text_size(&text, &style).map_err(err)?;
                let (px, py) = chart.backend_coord(&(mid, y));
                let (ox, oy) = plot.get_base_pixel();
                let (px, py) = (px - ox, py - oy);
                let (w, h) = (w as i32 / 2 + 4, h as i32 / 2 + 3);
                plot.draw(&Rectangle::new([(px - w, py - h), (px + w, py + h)], WHITE.filled())).map_err(err)?;
                plot.draw(&Text::new(text, (px, py), style)).map_err(err)?;
            }
            let (ox, oy) = plot.get_base_pixel();
            let (px, py) = chart.backend_coord(&(mid, 0.0));
            let (px, py) = (px - ox, py - oy);
            for dx in [-4, 4] {
                plot.draw(&PathElement::new([(px + dx - 4, py + 7), (px + dx + 4, py - 7)], BLACK.stroke_width(2)))
                    .map_err(err)?;
            }
        }
        for (k, ph) in PHASES.iter().enumerate() {
            let y = 60 + k as i32 * 24;
            legend.draw(&Rectangle::new([(10, y - 7), (26, y + 7)], phase_colour(k).filled())).map_err(err)?;
            legend
                .draw(&Text::new(ph.key().replace('_', " "), (34, y), font(14).pos(Pos::new(HPos::Left, VPos::Center))))
                .map_err(err)?;
        }
        Ok(())
    }
}

/// Nine phases: the palette's eight, then yellow, the one colour left out of it. Orange and
/// vermilion are the nearest pair of the palette, so they go to phases far apart in the chain
/// (waiting for an asset, travel to the facility): where approval takes no time, as in most
/// ground moves, the phase after the wait is launch or escort, which would otherwise have put
/// them side by side.
fn phase_colour(k: usize) -> RGBColor {
    const ORDER: [usize; 8] = [0, 1, 2, 6, 4, 5, 3, 7];
    ORDER.get(k).map_or(RGBColor(240, 228, 66), |&c| PALETTE[c])
}

// ---------------------------------------------------------------------------------------------

/// 4. Utilisation of each asset group and each facility's operating tables.
pub struct UtilisationChart<'a> {
    pub summary: &'a Summary,
    /// Utilisation on the busiest day, from the report's pass over the run's trials.
    pub busiest: Option<&'a crate::coverage::BusiestDay>,
}

/// A row of the utilisation chart: its label, the share of time busy, the bar's colour and
/// the busiest day's share.
type UtilisationRow = (String, f64, RGBColor, Option<f64>);

impl UtilisationChart<'_> {
    /// The rows from the top: every asset group, then every facility's operating tables or,
    /// beyond [`MAX_ROWS`], the busiest of them all and one grey row with the others' mean; and
    /// the note that says so.
    fn rows(&self) -> (Vec<UtilisationRow>, Option<String>) {
        let s = self.summary;
        let mut rows: Vec<UtilisationRow> = s
            .assets
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let kind = match (a.kind, a.units) {
                    (AssetKind::Helicopter, 1) => "helicopter",
                    (AssetKind::Helicopter, _) => "helicopters",
                    (AssetKind::Ground, 1) => "ground unit",
                    (AssetKind::Ground, _) => "ground units",
                    (AssetKind::Airplane, 1) => "airplane",
                    (AssetKind::Airplane, _) => "airplanes",
                };
                // A busiest day at 0% (never busy) says no more than the bar, and would lie over
                // the axis: it is not marked.
                let busiest = self.busiest.and_then(|b| b.assets.get(i).copied()).filter(|&b| b > 0.0);
                (format!("{} ({} {kind})", a.name, a.units), a.utilisation, PALETTE[0], busiest)
            })
            .collect();
        // Each theatre twice: its tables' time, and its surgical teams' daily operations, which
        // can run out while the tables stand idle (a mass-casualty day).
        for (i, f) in s.facilities.iter().enumerate() {
            let tables = if f.operating_tables == 1 { "table" } else { "tables" };
            let busiest = self.busiest.and_then(|b| b.tables.get(i).copied().flatten()).filter(|&b| b > 0.0);
            if let Some(u) = f.table_utilisation {
                rows.push((format!("{} ({} {tables})", f.name, f.operating_tables), u, PALETTE[1], busiest));
            }
            if let (Some(u), Some(n)) = (f.daily_operations_used, f.operations_per_day) {
                let ops = if n == 1 { "operation" } else { "operations" };
                // A mean over a month can stay low while the team is the limit on a few days.
                let all_used = f
                    .days_operations_all_used
                    .map_or(String::new(), |d| format!(", all used on {} of days", pct_label(d * 100.0)));
                rows.push((format!("{} ({n} {ops} a day{all_used})", f.name), u, PALETTE[2], None));
            }
        }
        let top = top_rows(&rows.iter().map(|r| r.1).collect::<Vec<_>>());
        if top.pooled.is_empty() {
            // A mean over a month hides a burst: a camp attack can queue casualties for a table
            // for hours while the month's mean stays low, so the busiest day is marked too.
            let note = if rows.iter().any(|r| r.3.is_some()) {
                "Bars: means over the whole period. Black marks: the busiest day of each trial, averaged over trials."
            } else {
                "Means over the whole period: a burst of casualties can fill tables for hours at a low mean \
                 (see waiting for theatre, phases chart)."
            };
            return (rows, Some(note.to_string()));
        }
        let note = format!(
            "The {} busiest of {} (asset groups, facilities' tables and daily operations), busiest first; grey: the means of the others.",
            top.shown.len(),
            rows.len()
        );
        let mut shown: Vec<UtilisationRow> = top.shown.iter().map(|&i| rows[i].clone()).collect();
        // The others pooled by kind, each kind's colour telling it: a share of time busy and a
        // share of daily operations used are not averaged together.
        for (colour, kind) in [(PALETTE[0], "asset groups"), (PALETTE[1], "theatres"), (PALETTE[2], "surgical teams")] {
            let pooled: Vec<f64> =
                top.pooled.iter().map(|&i| &rows[i]).filter(|r| r.2 == colour).map(|r| r.1).collect();
            if !pooled.is_empty() {
                let mean = pooled.iter().sum::<f64>() / pooled.len() as f64;
                shown.push((format!("{} other {kind} (mean)", pooled.len()), mean, PALETTE[7], None));
            }
        }
        (shown, Some(note))
    }
}

impl Chart for UtilisationChart<'_> {
    fn size(&self) -> (u32, u32) {
        let (rows, note) = self.rows();
        // Wider where long row labels (a theatre's team and its days all used) would leave the
        // bars too little room: the label column as `row_chart` sizes it, and 650 for the plot.
        let labels: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        (
            (row_label_width(&labels) + 650).max(1000),
            (140 + 40 * rows.len() as u32).max(260) + if note.is_some() { NOTE_H } else { 0 },
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let (rows, note) = self.rows();
        let n = rows.len() as f64;
        // The axis ends just past the busiest row, so shares of a few percent are not squeezed
        // into the left of an axis to 10%.
        let max_pct = rows.iter().map(|r| r.1.max(r.3.unwrap_or(0.0)) * 100.0).fold(1.0, f64::max).min(100.0);
        let labels: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        let caption = (
            "Utilisation over the period (blue: evacuation assets, orange: operating tables, green: daily operations)",
            17,
        );
        // Each bar's figure goes right of the bar, or where the busiest day's mark lies just
        // beyond it (within about the figure's width, 6% of the axis) right of the mark, with the
        // busiest day's figure beside it: a mark between the two would cross the figure, and a
        // figure past the mark would read as the mark's.
        let near = (max_pct * 1.15).ceil();
        let figures: Vec<(f64, String, bool)> = rows
            .iter()
            .map(|(_, u, _, busiest)| {
                let figure = pct_label(u * 100.0);
                match busiest.filter(|&b| b > *u && (b - u) * 100.0 < 0.06 * near) {
                    Some(b) => (b * 100.0, format!("{figure}, busiest day {:.0}%", b * 100.0), true),
                    None => (u * 100.0, figure, false),
                }
            })
            .collect();
        // The axis reaches far enough for every figure to fit after its bar or mark.
        let figures_at = figures.iter().map(|(at, text, _)| (*at, text.as_str()));
        let x_max = axis_end_for_figures(self.size().0, &labels, near, figures_at)?;
        let x_label = |v: &f64| format!("{}%", tick_figure(*v));
        let x_desc = "share of time busy, or of the daily operations used (%)";
        let mut chart = row_chart(root, caption, note.as_deref(), 0.0..x_max, (x_desc, &x_label, None), &labels)?;
        for (r, ((_, u, colour, busiest), (at, figure, beside))) in rows.iter().zip(figures).enumerate() {
            let y = n - r as f64 - 1.0;
            if let Some(b) = busiest {
                let x = b * 100.0;
                // Its own label above, unless the bar's figure already gives it. Near the axis's
                // end the label goes left of its mark, so it is not cut off. (Drawn first: the
                // mark then lies over the edge of the label's white box.)
                let (dx, h_pos) = if x > 0.8 * x_max { (-4, HPos::Right) } else { (4, HPos::Left) };
                if !beside {
                    let label = format!("busiest day {x:.0}%");
                    backed(&mut chart, (x, y + 0.9), (dx, 2), label, font(11).pos(Pos::new(h_pos, VPos::Top)))?;
                }
                chart
                    .draw_series([PathElement::new(vec![(x, y + 0.1), (x, y + 0.9)], BLACK.stroke_width(3))])
                    .map_err(err)?;
            }
            chart
                .draw_series(std::iter::once(Rectangle::new([(0.0, y + 0.2), (u * 100.0, y + 0.8)], colour.filled())))
                .map_err(err)?;
            backed(&mut chart, (at, y + 0.5), (5, 0), figure, font(13).pos(Pos::new(HPos::Left, VPos::Center)))?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------

/// 5. Coverage map: one panel per step, the share treated in time where they were wounded: of the
///    run's casualties under its load, or of lone probe casualties for the reach map.
pub struct CoverageChart<'a> {
    pub model: &'a Model,
    pub coverage: &'a Coverage,
}

/// Height of a map panel, its title strip and the width of the colour bar beside the panels.
pub(super) const PANEL_H: u32 = 560;
pub(super) const MAP_TITLE_H: u32 = 90;
pub(super) const COLOUR_BAR_W: u32 = 110;

/// The width of a map panel over `bounds`, so that a kilometre is as long east–west as
/// north–south in the middle of the map.
pub(super) fn map_panel_w(bounds: [f64; 4]) -> u32 {
    let b = bounds;
    let aspect = (b[3] - b[2]) * ((b[0] + b[1]) / 2.0).to_radians().cos() / (b[1] - b[0]);
    // The plotting area is the panel (PANEL_H + 15 high, as the maps give each) less what
    // [`map_panel`] puts round it.
    let plot_h = PANEL_H + 15 - 2 * MAP_MARGIN - MAP_CAPTION_H - MAP_X_AXIS_H - SCALE_STRIP_H;
    (plot_h as f64 * aspect).round().clamp(200.0, 900.0) as u32 + 2 * MAP_MARGIN + MAP_Y_AXIS_W
}

/// A map's title strip: what the colour shows (in `colour`), and in grey how to read it, each
/// wrapped to the strip's width so nothing is cut off on a narrow map. The strip is
/// [`MAP_TITLE_H`] high: a title line and three lines of note.
pub(super) fn map_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (title, colour): (&str, RGBColor),
    note: &str,
) -> DrawResult {
    let width = area.dim_in_pixel().0.saturating_sub(30);
    let mut y = 8;
    for line in wrap(title, &font(19), width)? {
        area.draw(&Text::new(line, (15, y), font(19).color(&colour))).map_err(err)?;
        y += 24;
    }
    y += 2;
    let grey = font(13).color(&RGBColor(80, 80, 80));
    for line in wrap(note, &grey, width)? {
        area.draw(&Text::new(line, (15, y), grey.clone())).map_err(err)?;
        y += 16;
    }
    Ok(())
}

/// `text` broken at spaces into lines no wider than `width` pixels in `style` (measured from
/// the font itself, so a chart's size can depend on it before anything is drawn).
pub(super) fn wrap(text: &str, style: &TextStyle, width: u32) -> Result<Vec<String>, String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if !line.is_empty() && style.font.box_size(&candidate).map_err(err)?.0 > width {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    lines.push(line);
    Ok(lines)
}

/// `text` in one line no wider than `width` pixels in `style`: as it is, or cut at the end with
/// an ellipsis (a title that names a long scenario, whose full name the report gives).
pub(super) fn fit_line(text: &str, style: &TextStyle, width: u32) -> Result<String, String> {
    let wide = |t: &str| style.font.box_size(t).map(|b| b.0 > width).map_err(err);
    if !wide(text)? {
        return Ok(text.to_string());
    }
    let mut cut: Vec<char> = text.chars().collect();
    while cut.pop().is_some() {
        let line = format!("{}…", cut.iter().collect::<String>().trim_end());
        if !wide(&line)? {
            return Ok(line);
        }
    }
    Ok("…".to_string())
}

/// A map panel's margin on every side.
const MAP_MARGIN: u32 = 10;
/// Height plotters gives a map panel's caption: its text, 13 pixels in `font(17)`, and 5 above
/// and below.
const MAP_CAPTION_H: u32 = 23;
/// Height of a map panel's longitude axis: its ticks, their labels and its title.
const MAP_X_AXIS_H: u32 = 45;
/// Width of a map panel's latitude axis.
const MAP_Y_AXIS_W: u32 = 65;
/// The most ticks on a map panel's longitude and latitude axes.
const MAP_X_TICKS: usize = 5;
const MAP_Y_TICKS: usize = 6;
/// Height of the strip under a map panel's longitude axis that holds its scale bar.
const SCALE_STRIP_H: u32 = 20;

/// A scale bar in kilometres in its own strip under a map panel's longitude axis, flush with the
/// map's left edge, so it hides no cell: a round length near a quarter of the map's width,
/// measured along the map's middle parallel, where [`map_panel_w`] makes a kilometre as long
/// east–west as north–south.
fn scale_bar<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, chart: &XyChart<DB>, bounds: [f64; 4]) -> DrawResult {
    let b = bounds;
    let lat = (b[0] + b[1]) / 2.0;
    let km_per_deg_lon = crate::geo::Point::new(lat, 0.0).distance_km(&crate::geo::Point::new(lat, 1.0));
    let quarter = (b[3] - b[2]) * km_per_deg_lon / 4.0;
    let magnitude = 10f64.powf(quarter.log10().floor());
    let km = [5.0, 2.0, 1.0].iter().map(|m| m * magnitude).find(|&k| k <= quarter).unwrap_or(magnitude);
    let label = if km >= 1.0 { format!("{km:.0} km") } else { format!("{km} km") };
    let (px0, _) = chart.backend_coord(&(b[2], lat));
    let (px1, _) = chart.backend_coord(&(b[2] + km / km_per_deg_lon, lat));
    let bottom = chart.plotting_area().get_pixel_range().1.end;
    let (ox, oy) = area.get_base_pixel();
    let (px0, px1) = (px0 - ox, px1 - ox);
    // The bar's line low in the strip, its end ticks and label rising from it.
    let py = bottom - oy + (MAP_X_AXIS_H + SCALE_STRIP_H) as i32 - 6;
    area.draw(&PathElement::new(vec![(px0, py - 5), (px0, py), (px1, py), (px1, py - 5)], BLACK.stroke_width(2)))
        .map_err(err)?;
    area.draw(&Text::new(label, (px1 + 6, py - 3), font(12).pos(Pos::new(HPos::Left, VPos::Center)))).map_err(err)
}

/// One map panel: longitude and latitude axes over `bounds`, and the scale bar under them.
/// Nothing is drawn inside the frame, which is the cells'.
pub(super) fn map_panel<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    caption: &str,
    bounds: [f64; 4],
) -> Result<XyChart<'a, DB>, String> {
    let b = bounds;
    let decimals = degree_decimals([(b[2]..b[3], MAP_X_TICKS), (b[0]..b[1], MAP_Y_TICKS)]);
    let mut chart = ChartBuilder::on(area)
        .caption(caption, font(17))
        .margin(MAP_MARGIN)
        .margin_bottom(MAP_MARGIN + SCALE_STRIP_H)
        .x_label_area_size(MAP_X_AXIS_H)
        .y_label_area_size(MAP_Y_AXIS_W)
        .build_cartesian_2d(b[2]..b[3], b[0]..b[1])
        .map_err(err)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .disable_mesh()
        .x_desc("longitude (°)")
        .y_desc("latitude (°)")
        .x_labels(MAP_X_TICKS)
        .y_labels(MAP_Y_TICKS)
        .x_label_formatter(&|v| degrees(*v, decimals))
        .y_label_formatter(&|v| degrees(*v, decimals))
        .label_style(font(12))
        .axis_desc_style(font(13))
        .draw()
        .map_err(err)?;
    scale_bar(area, &chart, bounds)?;
    Ok(chart)
}

/// Fills each cell of the grid with the colour `colour` gives its index.
pub(super) fn draw_cells<DB: DrawingBackend>(
    chart: &mut XyChart<DB>,
    coverage: &Coverage,
    colour: impl Fn(usize) -> RGBColor,
) -> DrawResult {
    let (dlat, dlon) = coverage.cell_deg;
    chart
        .draw_series(coverage.cells.iter().enumerate().map(|(i, c)| {
            Rectangle::new(
                [(c.lon - dlon / 2.0, c.lat - dlat / 2.0), (c.lon + dlon / 2.0, c.lat + dlat / 2.0)],
                colour(i).filled(),
            )
        }))
        .map_err(err)?;
    Ok(())
}

/// The zones' outlines, in a colour that stands out from the scale underneath.
pub(super) fn draw_zones<DB: DrawingBackend>(chart: &mut XyChart<DB>, model: &Model, colour: RGBColor) -> DrawResult {
    for z in &model.zones {
        let mut outline: Vec<(f64, f64)> = z.area.outline().iter().map(|&(lat, lon)| (lon, lat)).collect();
        if let Some(&first) = outline.first() {
            outline.push(first);
        }
        chart.draw_series(std::iter::once(PathElement::new(outline, colour.stroke_width(2)))).map_err(err)?;
    }
    Ok(())
}

/// A vertical colour bar from `top` to `bottom` pixels: `colour(t)` for t from 0 (bottom) to 1
/// (top), a label at each of `ticks` (t, text, lines 15 pixels apart), and `title` above it.
pub(super) fn colour_bar<DB: DrawingBackend>(
    bar: &DrawingArea<DB, Shift>,
    (top, bottom): (u32, u32),
    colour: impl Fn(f64) -> RGBColor,
    ticks: &[(f64, String)],
    title: &str,
) -> DrawResult {
    for y in top..bottom {
        let t = 1.0 - (y - top) as f64 / (bottom - top) as f64;
        bar.draw(&Rectangle::new([(15, y as i32), (40, y as i32 + 1)], colour(t).filled())).map_err(err)?;
    }
    bar.draw(&Rectangle::new([(15, top as i32), (40, bottom as i32)], BLACK.stroke_width(1))).map_err(err)?;
    for (t, label) in ticks {
        let y = bottom as i32 - ((bottom - top) as f64 * t) as i32;
        bar.draw(&PathElement::new(vec![(40, y), (44, y)], BLACK.stroke_width(1))).map_err(err)?;
        // A label may run over lines; the first sits at its tick.
        for (l, line) in label.lines().enumerate() {
            let at = (46, y + 15 * l as i32);
            bar.draw(&Text::new(line.to_string(), at, font(13).pos(Pos::new(HPos::Left, VPos::Center))))
                .map_err(err)?;
        }
    }
    bar.draw(&Text::new(title.to_string(), (15, top as i32 - 28), font(13))).map_err(err)
}

/// The key to the site markers, below a colour bar, starting at `y`.
pub(super) fn marker_key<DB: DrawingBackend>(bar: &DrawingArea<DB, Shift>, y: i32) -> DrawResult {
    bar.draw(&Rectangle::new([(15, y - 5), (25, y + 5)], WHITE.filled())).map_err(err)?;
    bar.draw(&Rectangle::new([(15, y - 5), (25, y + 5)], BLACK.stroke_width(1))).map_err(err)?;
    bar.draw(&Text::new("facility", (30, y), font(12).pos(Pos::new(HPos::Left, VPos::Center)))).map_err(err)?;
    bar.draw(&TriangleMarker::new((20, y + 22), 7, PALETTE[3].filled())).map_err(err)?;
    bar.draw(&Text::new("asset base", (30, y + 22), font(12).pos(Pos::new(HPos::Left, VPos::Center)))).map_err(err)
}

impl Chart for CoverageChart<'_> {
    fn size(&self) -> (u32, u32) {
        (3 * map_panel_w(self.coverage.bounds) + COLOUR_BAR_W, MAP_TITLE_H + PANEL_H + 15)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let m = self.model;
        let cov = self.coverage;
        let (title, body) = root.split_vertically(MAP_TITLE_H);
        match cov.source {
            MapSource::Run { .. } => map_title(
                &title,
                ("Treated in time, by where the run's casualties were wounded", BLACK),
                &format!(
                    "From {}, each counted in the cell where it was wounded, competing for assets and tables \
                     as in the run, so the cells add up to the table's figures. Grey: no casualty counted there. \
                     A cell with few casualties is a rough figure (the GeoJSON gives each cell's count).",
                    cov.source
                ),
            )?,
            // The reach map reads far better than the run wherever assets or tables are busy, so
            // its title says so before anything else.
            MapSource::Probes { .. } => map_title(
                &title,
                ("Reach, not the run: a single T1 casualty with no other casualty competing", PALETTE[3]),
                &format!(
                    "Probability that one T1 casualty wounded here, alone in the mission area, is treated in time \
                     ({}), averaged over time of day and the days' weather and serviceability. Under the \
                     scenario's load the run does worse wherever assets or tables are busy: see the coverage map. \
                     Outside the zones, each point takes the nearest zone's reporting, first aid and road access.",
                    cov.source
                ),
            )?,
        }
        let (panels, bar) = body.split_horizontally(3 * map_panel_w(cov.bounds));
        let panels = panels.split_evenly((1, 3));
        for (s, panel) in panels.iter().enumerate() {
            let mut chart = map_panel(panel, &step_title(STEPS[s], m.thresholds_min[s]), cov.bounds)?;
            // Cells where the step counted no casualty have no figure: grey, as on the difference
            // map, not drawn as 0%.
            let (dlat, dlon) = cov.cell_deg;
            chart
                .draw_series(cov.cells.iter().map(|c| {
                    let colour = if c.n[s] > 0 { viridis(c.p[s]) } else { NO_FIGURE };
                    Rectangle::new(
                        [(c.lon - dlon / 2.0, c.lat - dlat / 2.0), (c.lon + dlon / 2.0, c.lat + dlat / 2.0)],
                        colour.filled(),
                    )
                }))
                .map_err(err)?;
            draw_zones(&mut chart, m, RGBColor(120, 120, 120))?;
            draw_sites(&mut chart, m, cov.bounds)?;
        }
        let (top, bottom) = (90, PANEL_H - 60);
        let ticks: Vec<(f64, String)> = (0..=4).map(|k| (k as f64 / 4.0, format!("{}%", k * 25))).collect();
        colour_bar(&bar, (top, bottom), viridis, &ticks, "in time")?;
        marker_key(&bar, bottom as i32 + 20)
    }
}

/// Sites: a white square where there is a facility, a triangle where assets are based,
/// a dot otherwise; each with its name, on every panel, so a panel read alone is labelled. A
/// name that would overlap one already drawn is left out, facilities' first, then bases', then
/// the rest, each in file order: at fifty sites and more the names ran into one grey smear.
pub(super) fn draw_sites<DB: DrawingBackend>(chart: &mut XyChart<DB>, m: &Model, bounds: [f64; 4]) -> DrawResult {
    let (facility, base) = site_roles(m);
    for (i, site) in m.sites.iter().enumerate() {
        let marker = || EmptyElement::at((site.pos.lon, site.pos.lat));
        if facility(i) {
            let square = marker()
                + Rectangle::new([(-6, -6), (6, 6)], WHITE.filled())
                + Rectangle::new([(-6, -6), (6, 6)], BLACK.stroke_width(1));
            chart.draw_series(std::iter::once(square)).map_err(err)?;
        }
        if base(i) {
            let size = if facility(i) { 4 } else { 7 };
            let triangle = marker() + TriangleMarker::new((0, 0), size, PALETTE[3].filled());
            chart.draw_series(std::iter::once(triangle)).map_err(err)?;
        }
        if !facility(i) && !base(i) {
            chart.draw_series(std::iter::once(marker() + Circle::new((0, 0), 4, BLACK.filled()))).map_err(err)?;
        }
    }
    for l in site_labels(chart, m, bounds)? {
        let site = &m.sites[l.site];
        let style = font(12).pos(Pos::new(l.side, VPos::Center));
        haloed(chart, (site.pos.lon, site.pos.lat), (l.x, -10), &l.text, style)?;
    }
    Ok(())
}

/// Whether a site holds a facility, and whether assets are based there: what its marker shows
/// and which names a crowded map keeps first.
fn site_roles(m: &Model) -> (impl Fn(usize) -> bool + '_, impl Fn(usize) -> bool + '_) {
    (move |i| m.facilities.iter().any(|f| f.site == i), move |i| m.assets.iter().any(|a| a.base == i))
}

/// Characters of a site's name a map draws: a longer one is cut, with an ellipsis, so it stays
/// inside a panel (the tables and the GeoJSON give it whole).
const SITE_LABEL_CHARS: usize = 24;

/// A site's name as a map draws it.
struct SiteLabel {
    site: usize,
    text: String,
    /// Pixels from the marker to the name's near end, and the side the name lies on.
    x: i32,
    side: HPos,
    /// The name's box in pixels, with its halo and a pixel to spare: left, top, right, bottom.
    bounds: [i32; 4],
}

/// The sites whose names a map draws, facilities' first, then bases', then the rest, each in
/// file order, leaving out a name that would overlap one before it.
fn site_labels<DB: DrawingBackend>(chart: &XyChart<DB>, m: &Model, bounds: [f64; 4]) -> Result<Vec<SiteLabel>, String> {
    let (facility, base) = site_roles(m);
    let mut order: Vec<usize> = (0..m.sites.len()).collect();
    order.sort_by_key(|&i| (!facility(i), !base(i)));
    let frame_right = chart.plotting_area().get_pixel_range().0.end;
    let mut labels: Vec<SiteLabel> = Vec::new();
    for i in order {
        let site = &m.sites[i];
        let text = cut(&site.name, SITE_LABEL_CHARS);
        let (w, h) = font(12).font.box_size(&text).map_err(err)?;
        let (px, py) = chart.backend_coord(&(site.pos.lon, site.pos.lat));
        // Clear of the marker, up and to the right; sites in the right quarter of the map, or
        // whose name would run past the frame, are labelled on their left, to stay inside it.
        let right = site.pos.lon > bounds[2] + 0.75 * (bounds[3] - bounds[2]) || px + 9 + w as i32 > frame_right;
        let (x, h_pos) = if right { (-9, HPos::Right) } else { (9, HPos::Left) };
        let x0 = if right { px + x - w as i32 } else { px + x };
        let y0 = py - 10 - h as i32 / 2;
        let b = [x0 - 2, y0 - 2, x0 + w as i32 + 2, y0 + h as i32 + 2];
        if labels.iter().all(|l| {
            let t = l.bounds;
            b[0] >= t[2] || t[0] >= b[2] || b[1] >= t[3] || t[1] >= b[3]
        }) {
            labels.push(SiteLabel { site: i, text, x, side: h_pos, bounds: b });
        }
    }
    Ok(labels)
}

/// Where a label's halo lies round its glyphs: a pixel up, down, left and right. The diagonals
/// too would close the gaps in a word's letters and hide more of the cells under it.
const HALO: [(i32, i32); 4] = [(0, -1), (-1, 0), (1, 0), (0, 1)];

/// A map's label: `text` in `style` at `offset` pixels from the point `at`, on a white halo a
/// pixel wide. It reads over every colour of the scale, and unlike a box behind it leaves the
/// cells under it showing between its letters.
pub(super) fn haloed<DB: DrawingBackend>(
    chart: &mut XyChart<DB>,
    at: (f64, f64),
    (x, y): (i32, i32),
    text: &str,
    style: TextStyle,
) -> DrawResult {
    let halo = style.color(&WHITE);
    let copies = HALO.iter().map(|&(dx, dy)| (halo.clone(), (x + dx, y + dy))).chain(std::iter::once((style, (x, y))));
    for (style, offset) in copies {
        chart
            .draw_series(std::iter::once(EmptyElement::at(at) + Text::new(text.to_string(), offset, style)))
            .map_err(err)?;
    }
    Ok(())
}

/// A figure beside a bar or a mark, at `offset` pixels from the point `at`, on a white box a
/// little larger than its text, so that no grid line runs through it, placed as `style` places
/// its text.
pub(super) fn backed<DB: DrawingBackend>(
    chart: &mut XyChart<DB>,
    at: (f64, f64),
    (x, y): (i32, i32),
    text: String,
    style: TextStyle,
) -> DrawResult {
    const PAD: i32 = 2;
    let (w, h) = style.font.box_size(&text).map_err(err)?;
    let (w, h) = (w as i32, h as i32);
    let left = match style.pos.h_pos {
        HPos::Left => x,
        HPos::Right => x - w,
        HPos::Center => x - w / 2,
    };
    let top = match style.pos.v_pos {
        VPos::Top => y,
        VPos::Center => y - h / 2,
        VPos::Bottom => y - h,
    };
    let backing = Rectangle::new([(left - PAD, top - PAD), (left + w + PAD, top + h + PAD)], WHITE.filled());
    chart.draw_series([EmptyElement::at(at) + backing + Text::new(text, (x, y), style)]).map_err(err)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------

/// 6. Deaths against time to care: the outcome model's expected deaths per 100 casualties
///    who could die, by how long after wounding their definitive care came.
pub struct DeathsChart<'a> {
    pub deaths: &'a crate::summary::DeathsResult,
}

impl DeathsChart<'_> {
    fn rows(&self) -> Vec<(String, f64, u64)> {
        let mut from = 0.0;
        self.deaths
            .by_time_to_care
            .iter()
            .map(|b| {
                let hours = |m: f64| format!("{}", m / 60.0);
                let label = match b.up_to_min {
                    Some(to) if from == 0.0 => format!("within {} h", hours(to)),
                    Some(to) => format!("{} to {} h", hours(from), hours(to)),
                    None => format!("after {} h, or never", hours(from)),
                };
                from = b.up_to_min.unwrap_or(from);
                (label, b.deaths_per_100.unwrap_or(0.0), b.casualties)
            })
            .collect()
    }
}

impl Chart for DeathsChart<'_> {
    fn size(&self) -> (u32, u32) {
        (1000, 140 + 40 * self.rows().len() as u32 + NOTE_H)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let rows = self.rows();
        let n = rows.len() as f64;
        let labels: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        let texts: Vec<String> = rows
            .iter()
            .map(|(_, per_100, casualties)| match casualties {
                0 => "no casualty".to_string(),
                n => format!("{per_100:.1} per 100 ({} casualties)", super::fmt::Count(*n)),
            })
            .collect();
        // Room after the longest bar, and after each bar for its figures.
        let least = rows.iter().map(|r| r.1).fold(1.0, f64::max) * 1.25;
        let figures_at = rows.iter().zip(&texts).map(|((_, per_100, _), text)| (*per_100, text.as_str()));
        let x_max = axis_end_for_figures(self.size().0, &labels, least, figures_at)?;
        let caption = ("Modelled deaths against time to definitive care", 18);
        let note = "per 100 casualties who could die; definitive care is surgery, or resuscitation where no surgery is needed; \
                    not a prediction for any individual";
        let x_label = |v: &f64| tick_figure(*v);
        let mut chart = row_chart(
            root,
            caption,
            Some(note),
            0.0..x_max,
            ("expected deaths per 100 casualties", &x_label, None),
            &labels,
        )?;
        for (r, ((_, per_100, _), text)) in rows.iter().zip(texts).enumerate() {
            let y = n - r as f64 - 1.0;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y + 0.2), (*per_100, y + 0.8)],
                    RED.mix(0.7).filled(),
                )))
                .map_err(err)?;
            backed(&mut chart, (*per_100, y + 0.5), (5, 0), text, font(13).pos(Pos::new(HPos::Left, VPos::Center)))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A title that fits stays whole; one too wide is cut to fit, at a character, with an
    /// ellipsis, keeping all it can.
    #[test]
    fn a_title_too_wide_is_cut_with_an_ellipsis_to_fit() {
        let style = font(22);
        let width = |t: &str| style.font.box_size(t).unwrap().0;
        let short = "10-1-2 compliance: Sahel";
        assert_eq!(fit_line(short, &style, 1000).unwrap(), short);
        let long = "10-1-2 compliance: MINUSCA Sector East (Bambari, Bria, Bangassou, Obo): rainy-season laydown";
        let cut = fit_line(long, &style, 600).unwrap();
        assert!(width(long) > 600 && width(&cut) <= 600, "{cut}");
        let kept = cut.strip_suffix('…').expect("an ellipsis");
        assert!(long.starts_with(kept) && kept.len() > 20, "{cut}");
        // One character more would not fit.
        let next = &long[..kept.len() + 1];
        assert!(width(&format!("{}…", next.trim_end())) > 600 || next.ends_with(' '), "{cut}");
    }

    /// Each phase has its own colour, and orange (waiting for an asset) lies four phases or more
    /// before vermilion, with travel to the scene, which always takes time, between them.
    #[test]
    fn phases_have_distinct_colours_and_orange_is_far_from_vermilion() {
        let colours: Vec<RGBColor> = (0..PHASES.len()).map(phase_colour).collect();
        for (a, ca) in colours.iter().enumerate() {
            assert!(colours[a + 1..].iter().all(|cb| cb != ca), "phase {a} shares its colour");
        }
        let at = |c: RGBColor| colours.iter().position(|&x| x == c).unwrap();
        let (orange, vermilion) = (at(PALETTE[1]), at(PALETTE[3]));
        assert!(vermilion - orange >= 4, "orange at {orange}, vermilion at {vermilion}");
        assert!((orange..vermilion).contains(&(crate::stats::tally::Phase::TravelToScene as usize)));
    }

    /// Both axes of a map write their ticks alike, with the fewest decimals that write each
    /// exactly: whole degrees over a sector, tenths or hundredths over a town.
    #[test]
    fn a_maps_ticks_take_the_fewest_decimals_that_write_every_tick_of_both_axes() {
        // The Sahel sector's map: whole-degree ticks on both axes.
        let d = degree_decimals([(-0.9..3.6, MAP_X_TICKS), (14.6..20.7, MAP_Y_TICKS)]);
        assert_eq!(d, 0);
        assert_eq!([degrees(-0.0, d), degrees(2.0, d), degrees(16.0, d)], ["0", "2", "16"]);
        // A town: ticks at hundredths on one axis set both.
        let d = degree_decimals([(29.21..29.27, MAP_X_TICKS), (-1.8..-1.2, MAP_Y_TICKS)]);
        assert_eq!(d, 2);
        assert_eq!([degrees(29.22, d), degrees(-1.6, d), degrees(-0.001, d)], ["29.22", "\u{2212}1.60", "0.00"]);
        // Half degrees.
        assert_eq!(degree_decimals([(0.1..2.4, MAP_X_TICKS), (10.0..11.0, 3)]), 1);
    }

    #[test]
    fn a_phase_that_dwarfs_the_others_breaks_the_axis_inside_itself_only() {
        // After a mass-casualty attack: 75 minutes to the theatre, then a day's wait for it.
        let row = |wait: f64| (String::new(), vec![4.0, 38.0, 0.0, 5.0, 3.5, 10.0, 3.5, 10.0, wait], 1);
        let rows = vec![row(1822.0), row(1700.0)];
        let c = AxisBreak::of(&rows).expect("a break");
        // Inside the wait of both rows, with a stub of it either side; the axis resumes at a tick.
        assert!(c.from > 74.0 && c.to < 1774.0 && c.from < c.to, "{c:?}");
        assert_eq!(c.to % c.step, 0.0);
        // Outside the gap the drawn axis is the minutes shifted, and reads back exactly.
        let mut last = f64::NEG_INFINITY;
        for m in [0.0, 10.0, 74.0, c.from, (c.from + c.to) / 2.0, c.to, 1800.0, 1896.0] {
            let shown = c.show(m);
            assert!(shown > last, "the drawn axis keeps the order");
            last = shown;
            if m <= c.from || m >= c.to {
                assert!((c.minutes(shown) - m).abs() < 1e-9, "{m}");
            }
        }
        // Ticks are round minutes on both sides, at least most of a step apart as drawn.
        let ticks = c.ticks(1896.0);
        let minutes: Vec<f64> = ticks.iter().map(|&t| c.minutes(t)).collect();
        assert!(minutes.iter().all(|m| (m / c.step).fract().abs() < 1e-9), "{minutes:?}");
        assert!(minutes.iter().any(|&m| m >= c.to) && minutes.iter().any(|&m| m <= c.from), "{minutes:?}");
        assert!(ticks.windows(2).all(|w| w[1] - w[0] >= 0.8 * c.step), "{ticks:?}");

        // Phases of like size, or a long one that some row ends inside: no break.
        assert_eq!(AxisBreak::of(&[row(200.0)]), None);
        let short = (String::new(), vec![4.0, 38.0, 0.0, 5.0, 3.5, 10.0, 3.5, 10.0, 900.0], 1);
        assert!(AxisBreak::of(&[row(1822.0), short]).is_none_or(|c| c.to <= 74.0 + 900.0 || c.from >= 974.0));
    }

    /// Every bundled map labels every site; sixty more sites crowded about one town keep
    /// their markers, but only the names that do not overlap are drawn, facilities' first, and
    /// none runs past the frame.
    /// A zone named at great length takes no more of the phases chart than forty characters:
    /// its bars keep the width the chart has for them (with a 230-character name it drew no bar
    /// at all).
    #[test]
    fn a_long_row_label_is_cut_and_keeps_the_plot_its_width() {
        let long = "Route Gao–Kidal convoy corridor ".repeat(8);
        let cut = row_label(&long);
        assert_eq!(cut.chars().count(), ROW_LABEL_CHARS);
        assert!(cut.ends_with('…') && long.starts_with(cut.trim_end_matches('…')), "{cut}");
        assert_eq!(row_label("gao_area"), "gao_area");
        let forty = "x".repeat(ROW_LABEL_CHARS);
        assert_eq!(row_label(&forty), forty, "forty characters are drawn whole");
        assert_eq!(row_label_width(&["all zones", &row_label(&long)]), row_label_width(&[&forty]));
    }

    #[test]
    fn site_names_that_would_overlap_are_left_out_facilities_first() {
        for (m, b) in bundled_maps() {
            let mut n = 0;
            panel_pixels(b, |chart| n = site_labels(chart, &m, b).unwrap().len());
            assert_eq!(n, m.sites.len(), "{}", m.name);
        }
        let (mut m, b) = bundled_maps().into_iter().find(|(m, _)| m.sites.len() > 4).unwrap();
        let at = m.sites[m.facilities[0].site].pos;
        for k in 0..60 {
            let mut s = m.sites[0].clone();
            s.name = format!("Outpost number {k}");
            // About 3 km apart, on a grid eight wide.
            s.pos = crate::geo::Point::new(at.lat + f64::from(k / 8) * 0.027, at.lon + f64::from(k % 8) * 0.027);
            m.sites.push(s);
        }
        let mut labels = Vec::new();
        let mut frame = 0..0;
        panel_pixels(b, |chart| {
            labels = site_labels(chart, &m, b).unwrap();
            frame = chart.plotting_area().get_pixel_range().0;
        });
        assert!(labels.len() < m.sites.len() && labels.len() > 5, "{} labels", labels.len());
        for (k, a) in labels.iter().enumerate() {
            let a = a.bounds;
            for c in labels[..k].iter().map(|l| l.bounds) {
                assert!(a[0] >= c[2] || c[0] >= a[2] || a[1] >= c[3] || c[1] >= a[3], "{a:?} over {c:?}");
            }
            assert!(a[2] - 2 <= frame.end, "{a:?} past {frame:?}");
        }
        // The facilities' sites come first, and the crowded one is among those labelled.
        let facility_sites: Vec<usize> = m.facilities.iter().map(|f| f.site).collect();
        assert!(facility_sites.contains(&labels[0].site));
        assert!(labels.iter().any(|l| l.site == m.facilities[0].site));
    }

    #[test]
    fn a_long_site_name_is_cut_to_stay_inside_the_map() {
        let (mut m, b) = bundled_maps().into_iter().next().unwrap();
        let long = "Multinational Camp and Forward Surgical Team Base";
        for s in &mut m.sites {
            s.name = format!("{} {long}", s.name);
        }
        let mut labels = Vec::new();
        let mut frame = 0..0;
        panel_pixels(b, |chart| {
            labels = site_labels(chart, &m, b).unwrap();
            frame = chart.plotting_area().get_pixel_range().0;
        });
        assert!(!labels.is_empty());
        for l in &labels {
            assert_eq!(l.text.chars().count(), SITE_LABEL_CHARS, "{}", l.text);
            assert!(l.text.ends_with('…') && m.sites[l.site].name.starts_with(l.text.trim_end_matches('…')));
            assert!(l.bounds[0] + 2 >= frame.start && l.bounds[2] - 2 <= frame.end, "{:?} outside {frame:?}", l.bounds);
        }
    }

    /// The bundled scenarios' models and the frames their maps are drawn in.
    fn bundled_maps() -> Vec<(Model, [f64; 4])> {
        let mut paths: Vec<_> = std::fs::read_dir("scenarios").unwrap().map(|e| e.unwrap().path()).collect();
        paths.retain(|p| p.extension().is_some_and(|x| x == "toml"));
        paths.sort();
        assert!(paths.len() >= 5, "{paths:?}");
        paths
            .iter()
            .map(|p| {
                let m = crate::scenario::load(p).unwrap();
                let b = crate::coverage::mission_bounds(&m);
                (m, b)
            })
            .collect()
    }

    /// A map panel over `bounds` the size a coverage map gives each, drawn by `draw` (given the
    /// panel's chart), as RGB pixels, with the panel's width and its plotting area's pixel ranges.
    fn panel_pixels(
        bounds: [f64; 4],
        draw: impl FnOnce(&mut XyChart<BitMapBackend>),
    ) -> (Vec<u8>, u32, (std::ops::Range<i32>, std::ops::Range<i32>)) {
        register_font();
        let (w, h) = (map_panel_w(bounds), PANEL_H + 15);
        let mut rgb = vec![0u8; (w * h * 3) as usize];
        let frame = {
            let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
            root.fill(&WHITE).unwrap();
            let mut chart = map_panel(&root, "a panel", bounds).unwrap();
            draw(&mut chart);
            let frame = chart.plotting_area().get_pixel_range();
            root.present().unwrap();
            frame
        };
        (rgb, w, frame)
    }

    /// A figure drawn with [`backed`] across a grid line hides the line where the figure is,
    /// and leaves it whole elsewhere.
    #[test]
    fn a_backed_figure_hides_the_grid_line_under_it() {
        register_font();
        let (w, h) = (300u32, 100u32);
        let grid = RGBColor(200, 200, 200);
        let mut rgb = vec![0u8; (w * h * 3) as usize];
        let (x_line, y_text) = {
            let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
            root.fill(&WHITE).unwrap();
            let mut chart = ChartBuilder::on(&root).build_cartesian_2d(0.0..100.0, 0.0..100.0).unwrap();
            chart.draw_series([PathElement::new([(50.0, 0.0), (50.0, 100.0)], grid)]).unwrap();
            let figure = "12.0 per 100 (2,465 casualties)".to_string();
            let style = font(13).pos(Pos::new(HPos::Left, VPos::Center));
            backed(&mut chart, (20.0, 50.0), (5, 0), figure, style).unwrap();
            let (x, y) = chart.backend_coord(&(50.0, 50.0));
            root.present().unwrap();
            (x, y)
        };
        let px = |x: i32, y: i32| {
            let i = 3 * (y * w as i32 + x) as usize;
            RGBColor(rgb[i], rgb[i + 1], rgb[i + 2])
        };
        // The figure starts at x = 20 and runs past the line at x = 50, which shows above and
        // below it only.
        let text_h = font(13).font.box_size("12.0 per 100 (2,465 casualties)").unwrap().1 as i32;
        let line_rows: Vec<i32> = (0..h as i32).filter(|&y| px(x_line, y) == grid).collect();
        let crossing = |y: &i32| (y - y_text).abs() <= text_h / 2;
        assert!(!line_rows.iter().any(crossing), "the line crosses the figure ({text_h} high): {line_rows:?}");
        assert!(line_rows.len() > h as usize - 30, "the line is gone: {line_rows:?}");
    }

    #[test]
    fn a_map_panel_draws_a_kilometre_as_long_east_west_as_north_south() {
        for (m, b) in bundled_maps() {
            let (_, _, (xs, ys)) = panel_pixels(b, |_| {});
            let km_wide = (b[3] - b[2]) * ((b[0] + b[1]) / 2.0).to_radians().cos();
            let (per_km_x, per_km_y) = (xs.len() as f64 / km_wide, ys.len() as f64 / (b[1] - b[0]));
            assert!((per_km_x / per_km_y - 1.0).abs() < 0.01, "{}: {per_km_x} against {per_km_y}", m.name);
        }
    }

    /// The frame is the cells': the panel draws nothing inside it, so nothing it draws can hide
    /// a cell, and its scale bar lies under the longitude axis, from the frame's left edge.
    #[test]
    fn a_map_panel_keeps_its_scale_bar_out_of_the_frame() {
        for (m, b) in bundled_maps() {
            let (rgb, w, (xs, ys)) = panel_pixels(b, |_| {});
            let h = rgb.len() as i32 / (3 * w as i32);
            let px = |x: i32, y: i32| {
                let i = 3 * (y * w as i32 + x) as usize;
                [rgb[i], rgb[i + 1], rgb[i + 2]]
            };
            // Inside the axes' lines, which are the frame's edge.
            for y in ys.start + 1..ys.end - 1 {
                for x in xs.start + 1..xs.end - 1 {
                    assert_eq!(px(x, y), [255; 3], "{}: drawn at ({x}, {y}) inside the frame", m.name);
                }
            }
            // The bar: a dark line under the axis's labels and title, at least 20 pixels long.
            let under_axis = ys.end + MAP_X_AXIS_H as i32..h;
            let bar = under_axis.clone().find_map(|y| {
                let dark: Vec<i32> = (xs.start..xs.end).filter(|&x| px(x, y).iter().all(|&c| c < 60)).collect();
                (dark.len() >= 20).then(|| (dark[0], dark[dark.len() - 1]))
            });
            let (left, right) = bar.unwrap_or_else(|| panic!("{}: no scale bar in rows {under_axis:?}", m.name));
            assert!((left - xs.start).abs() <= 1 && right < xs.end, "{}: bar {left}..{right}", m.name);
        }
    }

    /// Site labels read over any cell without a box behind them: on a default grid (60 cells
    /// along the longer side), a label hides at most two whole cells, where the halo fills the
    /// gaps in its densest letters. A box behind each name hid six to ten on the bundled
    /// scenarios, and a halo on the diagonals too up to six. Cells under the markers do not
    /// count: a marker must cover its site.
    #[test]
    fn site_labels_hide_next_to_no_whole_cell() {
        for (m, b) in bundled_maps() {
            let cos = ((b[0] + b[1]) / 2.0).to_radians().cos();
            let (lat_span, lon_span) = (b[1] - b[0], b[3] - b[2]);
            let cell = lat_span.max(lon_span * cos) / 60.0;
            let (ny, nx) = ((lat_span / cell).ceil() as usize, (lon_span * cos / cell).ceil() as usize);
            let (dlat, dlon) = (lat_span / ny as f64, lon_span / nx as f64);
            // Neighbours differ, so each cell's pixels are told from the next one's.
            let colour = |r: usize, c: usize| viridis(((r + 2 * c) % 5) as f64 / 4.0);
            let corners = |r: usize, c: usize| {
                let (lat, lon) = (b[0] + r as f64 * dlat, b[2] + c as f64 * dlon);
                [(lon, lat + dlat), (lon + dlon, lat)]
            };
            let mut pixel_rects = Vec::new();
            let mut markers = Vec::new();
            let (rgb, w, _) = panel_pixels(b, |chart| {
                let cells = (0..ny).flat_map(|r| (0..nx).map(move |c| (r, c)));
                chart
                    .draw_series(cells.clone().map(|(r, c)| Rectangle::new(corners(r, c), colour(r, c).filled())))
                    .unwrap();
                draw_sites(chart, &m, b).unwrap();
                for (r, c) in cells {
                    let [nw, se] = corners(r, c);
                    pixel_rects.push((r, c, chart.backend_coord(&nw), chart.backend_coord(&se)));
                }
                markers = m.sites.iter().map(|s| chart.backend_coord(&(s.pos.lon, s.pos.lat))).collect();
            });
            let px = |x: i32, y: i32| {
                let i = 3 * (y * w as i32 + x) as usize;
                RGBColor(rgb[i], rgb[i + 1], rgb[i + 2])
            };
            let mut checked = 0;
            let mut hidden = vec![Vec::new(); markers.len()];
            for (r, c, (x0, y0), (x1, y1)) in pixel_rects {
                // The cells east and north, drawn later, take the shared edges.
                let (xs, ys) = (x0..x1, y0 + 1..y1 + 1);
                // The markers are up to 7 pixels from the site's point.
                let at_marker = markers
                    .iter()
                    .any(|&(mx, my)| xs.start <= mx + 8 && mx - 8 < xs.end && ys.start <= my + 8 && my - 8 < ys.end);
                if xs.is_empty() || ys.is_empty() || at_marker {
                    continue;
                }
                checked += 1;
                let own = colour(r, c);
                if !ys.clone().any(|y| xs.clone().any(|x| px(x, y) == own)) {
                    // Put down to the nearest site: its label is what covers it.
                    let d = |&(mx, my): &(i32, i32)| (mx - x0).pow(2) + (my - y0).pow(2);
                    let nearest = (0..markers.len()).min_by_key(|&k| d(&markers[k])).unwrap();
                    hidden[nearest].push((r, c));
                }
            }
            for (site, cells) in m.sites.iter().zip(&hidden) {
                assert!(cells.len() <= 2, "{}: the label of {} hides cells {cells:?}", m.name, site.name);
            }
            assert!(checked > 1000, "{}: {checked} cells", m.name);
        }
    }

    /// A haloed label's letters never touch the cells: every dark pixel of the text has the halo
    /// round it, on the darkest colour of the scale as on the lightest.
    #[test]
    fn a_haloed_labels_letters_are_never_on_the_cells() {
        for cell in [viridis(0.0), viridis(1.0)] {
            let b = [0.0, 1.0, 0.0, 1.0];
            let (rgb, w, (xs, ys)) = panel_pixels(b, |chart| {
                chart.draw_series([Rectangle::new([(0.0, 1.0), (1.0, 0.0)], cell.filled())]).unwrap();
                haloed(chart, (0.5, 0.5), (0, 0), "Kaga-Bandoro", font(12).pos(Pos::new(HPos::Center, VPos::Center)))
                    .unwrap();
            });
            let px = |x: i32, y: i32| {
                let i = 3 * (y * w as i32 + x) as usize;
                RGBColor(rgb[i], rgb[i + 1], rgb[i + 2])
            };
            let mut letters = 0;
            for y in ys.start + 1..ys.end - 1 {
                for x in xs.start + 1..xs.end - 1 {
                    // A letter's pixel is dark grey: black ink on the white halo. Where the
                    // halo's edge thins over the cells it takes their hue.
                    let RGBColor(r, g, b) = px(x, y);
                    let (hi, lo) = (r.max(g).max(b), r.min(g).min(b));
                    if hi < 100 && hi - lo < 16 {
                        letters += 1;
                        for (dx, dy) in [(0, -1), (-1, 0), (1, 0), (0, 1)] {
                            assert_ne!(px(x + dx, y + dy), cell, "{cell:?}: a letter at ({x}, {y}) on the cells");
                        }
                    }
                }
            }
            assert!(letters > 20, "{cell:?}: {letters} dark pixels");
        }
    }

    #[test]
    fn a_share_label_never_rounds_to_none_or_to_everyone() {
        assert_eq!(pct_label(0.6), "0.6%");
        assert_eq!(pct_label(0.3), "0.3%");
        assert_eq!(pct_label(9.96), "10.0%");
        assert_eq!(pct_label(47.6), "48%");
        assert_eq!(pct_label(99.5), "99.5%");
        assert_eq!(pct_label(99.96), ">99.9%");
        assert_eq!(pct_label(100.0), "100%");
    }

    #[test]
    fn a_list_that_fits_keeps_its_order_and_a_longer_one_its_largest() {
        let short: Vec<f64> = (0..MAX_ROWS).map(|i| i as f64).collect();
        let top = top_rows(&short);
        assert_eq!(top.shown, (0..MAX_ROWS).collect::<Vec<_>>());
        assert!(top.pooled.is_empty());
        // 0, 1, 2, ... 74: the largest 24, largest first, and the rest in their order.
        let long: Vec<f64> = (0..3 * MAX_ROWS).map(|i| i as f64).collect();
        let top = top_rows(&long);
        assert_eq!(top.shown, (2 * MAX_ROWS + 1..3 * MAX_ROWS).rev().collect::<Vec<_>>());
        assert_eq!(top.pooled, (0..=2 * MAX_ROWS).collect::<Vec<_>>());
        // Ties go to the earlier rows, so equal measures show the list's first rows.
        let top = top_rows(&[1.0; 3 * MAX_ROWS]);
        assert_eq!(top.shown, (0..MAX_ROWS - 1).collect::<Vec<_>>());
    }
}
