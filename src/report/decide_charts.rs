//! Charts of the decision commands: the tornado of `levers`, the curves of `sweep` and the
//! ranked candidates of `place`.

use super::charts::{Chart, DrawResult, PALETTE, backed, err, font, haloed, minus_sign};
use super::compare_charts::diverging;
use crate::compare::Verdict;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One bar: its value, its 95% interval and its colour.
#[derive(Debug, Clone, Copy)]
pub struct Bar {
    pub value: f64,
    pub interval: Option<(f64, f64)>,
    pub colour: RGBColor,
}

/// Colour of an effect by its verdict, so a bar is coloured as the table judges it: purple for
/// better, orange for worse, grey otherwise.
pub fn effect_colour(value: f64, verdict: Option<Verdict>) -> RGBColor {
    match verdict {
        Some(Verdict::Better) => diverging(0.85),
        Some(Verdict::Worse) => diverging(-0.85),
        _ if value == 0.0 => RGBColor(170, 170, 170),
        _ => RGBColor(150, 150, 150),
    }
}

/// Horizontal bars, one row per item (a lever, a candidate) and one panel per measure, the rows
/// in the same order in every panel: a tornado when the bars are effects from zero.
pub struct RowBars {
    pub title: String,
    pub subtitle: String,
    pub rows: Vec<String>,
    /// (panel title, axis label, one bar per row or none where the row has no value).
    pub panels: Vec<(String, String, Vec<Option<Bar>>)>,
    /// Whether the bars start at zero (effects) or at the axis' left end (levels).
    pub from_zero: bool,
}

const LABEL_W: u32 = 340;
const PANEL_W: u32 = 300;
const ROW_H: u32 = 30;
const HEAD_H: u32 = 80;
const FOOT_H: u32 = 60;

/// Panels side by side at most: more go on further bands, each with the rows' labels, so a
/// tornado of four measures is about 960 pixels wide and keeps its type on a page or a screen.
const PANELS_ACROSS: usize = 2;

/// Space between two bands of panels, so a band's axis title stands clear of the next band's
/// panel titles.
const BAND_GAP: u32 = 24;
/// Height of each line of the subtitle, and of the title.
const SUBTITLE_LINE_H: u32 = 18;
const TITLE_LINE_H: u32 = 26;

impl RowBars {
    /// Panels across, and bands of them down.
    fn layout(&self) -> (usize, usize) {
        let across = self.panels.len().clamp(1, PANELS_ACROSS);
        (across, self.panels.len().div_ceil(across).max(1))
    }

    fn width(&self) -> u32 {
        LABEL_W + PANEL_W * self.layout().0 as u32 + 20
    }

    /// `text` in lines that fit the chart's width.
    fn lines(&self, text: &str, style: &TextStyle) -> Vec<String> {
        super::charts::wrap(text, style, self.width() - 40).unwrap_or_else(|_| vec![text.to_string()])
    }

    fn title_lines(&self) -> Vec<String> {
        self.lines(&self.title, &font(20))
    }

    fn subtitle_lines(&self) -> Vec<String> {
        self.lines(&self.subtitle, &subtitle_style())
    }

    /// Height the title's lines after its first add.
    fn title_extra_h(&self) -> u32 {
        TITLE_LINE_H * (self.title_lines().len().max(1) as u32 - 1)
    }

    /// Height of the title and subtitle above the panels.
    fn head_h(&self) -> u32 {
        HEAD_H + self.title_extra_h() + SUBTITLE_LINE_H * (self.subtitle_lines().len().max(1) as u32 - 1)
    }
}

fn subtitle_style() -> TextStyle<'static> {
    font(14).color(&RGBColor(85, 85, 85))
}

impl Chart for RowBars {
    fn size(&self) -> (u32, u32) {
        let down = self.layout().1 as u32;
        let band = ROW_H * self.rows.len().max(1) as u32 + FOOT_H;
        (self.width(), self.head_h() + band * down + BAND_GAP * (down - 1))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        for (k, line) in self.title_lines().into_iter().enumerate() {
            root.draw(&Text::new(line, (20, 12 + (TITLE_LINE_H * k as u32) as i32), font(20))).map_err(err)?;
        }
        for (k, line) in self.subtitle_lines().into_iter().enumerate() {
            let y = 40 + (self.title_extra_h() + SUBTITLE_LINE_H * k as u32) as i32;
            root.draw(&Text::new(line, (20, y), subtitle_style())).map_err(err)?;
        }
        let (w, h) = self.size();
        let (across, down) = self.layout();
        let head = self.head_h();
        let body = root.clone().shrink((LABEL_W, head), (w - LABEL_W - 20, h - head));
        let band = (h - head + BAND_GAP) / down as u32;
        let areas: Vec<_> = (0..down)
            .flat_map(|d| {
                let top = (band * d as u32) as i32;
                body.clone().shrink((0, top), (w - LABEL_W - 20, band - BAND_GAP)).split_evenly((1, across))
            })
            .collect();
        let n = self.rows.len() as f64;
        for (p, ((title, axis, bars), area)) in self.panels.iter().zip(&areas).enumerate() {
            let mut lo: f64 = 0.0;
            let mut hi: f64 = 0.0;
            for b in bars.iter().flatten() {
                let (l, h) = b.interval.unwrap_or((b.value, b.value));
                lo = lo.min(l.min(b.value));
                hi = hi.max(h.max(b.value));
            }
            if !self.from_zero {
                lo = bars.iter().flatten().map(|b| b.interval.map_or(b.value, |i| i.0)).fold(f64::INFINITY, f64::min);
                lo = if lo.is_finite() { (lo - 0.1 * (hi - lo).max(1.0)).max(0.0) } else { 0.0 };
            }
            // Points of compliance keep half a point of margin, so a tiny effect is not blown up to
            // fill the panel; lives per trial are small numbers and get a margin of their own size.
            let min_pad = if axis.contains("percentage") { 0.5 } else { 0.0 };
            let pad = if hi > lo { ((hi - lo) * 0.08).max(min_pad) } else { 0.5 };
            let (x0, x1) = (if self.from_zero || lo > 0.0 { lo - pad } else { lo }, hi + pad);
            let mut chart = ChartBuilder::on(area)
                .margin_right(14)
                .caption(title.clone(), font(15))
                .x_label_area_size(44)
                .build_cartesian_2d(x0..x1, 0.0..n)
                .map_err(err)?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .disable_y_axis()
                .light_line_style(WHITE)
                .x_labels(5)
                .x_label_formatter(&|x: &f64| tick(*x))
                .x_desc(axis.clone())
                .label_style(font(12))
                .axis_desc_style(font(13))
                .draw()
                .map_err(err)?;
            if self.from_zero {
                chart
                    .draw_series([PathElement::new(vec![(0.0, 0.0), (0.0, n)], BLACK.stroke_width(1))])
                    .map_err(err)?;
            }
            for (i, bar) in bars.iter().enumerate() {
                let y = n - i as f64 - 0.5;
                if p % across == 0 {
                    let (_, py) = chart.backend_coord(&(x0, y));
                    let label = &self.rows[i];
                    let shown = if label.chars().count() > 44 {
                        label.chars().take(43).collect::<String>() + "…"
                    } else {
                        label.clone()
                    };
                    root.draw(&Text::new(
                        shown,
                        (LABEL_W as i32 - 10, py),
                        font(13).pos(Pos::new(HPos::Right, VPos::Center)),
                    ))
                    .map_err(err)?;
                }
                let Some(b) = bar else {
                    chart
                        .draw_series([Text::new(
                            "n/a",
                            (x0 + pad * 0.2, y),
                            font(12).pos(Pos::new(HPos::Left, VPos::Center)),
                        )])
                        .map_err(err)?;
                    continue;
                };
                let start = if self.from_zero { 0.0 } else { x0 };
                chart
                    .draw_series([Rectangle::new([(start, y - 0.32), (b.value, y + 0.32)], b.colour.filled())])
                    .map_err(err)?;
                if let Some((l, h)) = b.interval {
                    for path in
                        [vec![(l, y), (h, y)], vec![(l, y - 0.18), (l, y + 0.18)], vec![(h, y - 0.18), (h, y + 0.18)]]
                    {
                        chart.draw_series([PathElement::new(path, BLACK.stroke_width(2))]).map_err(err)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// A point of a curve: x, the value, and its 95% interval.
pub type CurvePoint = (f64, f64, Option<(f64, f64)>);

/// One curve of a sweep: a label, its points, and the x of each value where it has none (no
/// casualty needed the step there).
pub struct Curve {
    pub label: String,
    pub points: Vec<CurvePoint>,
    pub missing: Vec<f64>,
}

impl Curve {
    /// The curve's runs of points with no missing value between them, each drawn as one line:
    /// a line that bridged a value with nothing measured would show a trend no trial gave.
    fn runs(&self) -> Vec<&[CurvePoint]> {
        let mut runs = Vec::new();
        let mut start = 0;
        for k in 1..self.points.len() {
            let (a, b) = (self.points[k - 1].0, self.points[k].0);
            if self.missing.iter().any(|&m| (a.min(b)..=a.max(b)).contains(&m)) {
                runs.push(&self.points[start..k]);
                start = k;
            }
        }
        if start < self.points.len() {
            runs.push(&self.points[start..]);
        }
        runs
    }
}

/// The curves drawn over one another, as groups of two or more indices: each member has values
/// at the same x as the group's first, each within `tol` of it, and misses the same x.
fn coinciding(curves: &[Curve], tol: f64) -> Vec<Vec<usize>> {
    let same = |a: &Curve, b: &Curve| {
        a.missing == b.missing
            && a.points.len() == b.points.len()
            && a.points.iter().zip(&b.points).all(|(p, q)| p.0 == q.0 && (p.1 - q.1).abs() <= tol)
    };
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (k, c) in curves.iter().enumerate() {
        match groups.iter_mut().find(|g| same(&curves[g[0]], c)) {
            Some(g) => g.push(k),
            None => groups.push(vec![k]),
        }
    }
    groups.retain(|g| g.len() > 1);
    groups
}

/// What a panel's title adds when lines hide others, so a reader who finds fewer colours than
/// the legend gives knows where the rest are: all, or which equal which.
fn coinciding_note(curves: &[Curve], groups: &[Vec<usize>]) -> Option<String> {
    match groups {
        [] => None,
        [g] if g.len() == curves.len() => Some("all lines coincide".into()),
        _ => {
            let each: Vec<String> = groups
                .iter()
                .map(|g| g.iter().map(|&k| curves[k].label.as_str()).collect::<Vec<_>>().join(" = "))
                .collect();
            Some(format!("lines coincide: {}", each.join("; ")))
        }
    }
}

/// Compliance (or deaths) against a swept value: one panel per measure, one curve per value
/// of the second parameter, with interval bands and the target as a dashed line. Values that
/// are not numbers are categories, not a scale: each curve's points stand a little apart at
/// each, with their intervals as whiskers, and no line joins them.
pub struct SweepChart {
    pub title: String,
    /// What was swept, by key, under the title.
    pub subtitle: String,
    pub x_desc: String,
    /// What the curves' labels are values of (the second swept key in words), before the legend.
    pub legend_title: String,
    /// Tick labels where the values are not numbers: the curve's x is then the value's index.
    pub x_names: Option<Vec<String>>,
    /// (panel title, y label, target, curves).
    pub panels: Vec<(String, String, Option<f64>, Vec<Curve>)>,
}

/// Said beside the legend where some value has no point.
const NOT_NEEDED: &str = "n/a: no casualty needed the step at that value";

impl Chart for SweepChart {
    fn size(&self) -> (u32, u32) {
        let rows = self.panels.len().div_ceil(2) as u32;
        (1100, 94 + 420 * rows)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let (top, body) = root.split_vertically(84);
        top.draw(&Text::new(self.title.clone(), (20, 8), font(20))).map_err(err)?;
        top.draw(&Text::new(self.subtitle.clone(), (20, 36), font(14).color(&RGBColor(85, 85, 85)))).map_err(err)?;
        // One legend for every panel, under the title, so it never hides a curve.
        // A second key with one value has one curve, whose value the legend still gives.
        if let Some((_, _, _, curves)) = self.panels.first()
            && (curves.len() > 1 || !self.legend_title.is_empty())
        {
            let mut x = 20;
            if !self.legend_title.is_empty() {
                let title = format!("{}:", self.legend_title);
                top.draw(&Text::new(title.clone(), (x, 68), font(13).pos(Pos::new(HPos::Left, VPos::Center))))
                    .map_err(err)?;
                x += 16 + top.estimate_text_size(&title, &font(13)).map_err(err)?.0 as i32;
            }
            for (k, c) in curves.iter().enumerate() {
                let colour = PALETTE[k % PALETTE.len()];
                top.draw(&PathElement::new(vec![(x, 68), (x + 22, 68)], colour.stroke_width(4))).map_err(err)?;
                top.draw(&Text::new(c.label.clone(), (x + 28, 68), font(13).pos(Pos::new(HPos::Left, VPos::Center))))
                    .map_err(err)?;
                x += 40 + 8 * c.label.chars().count() as i32;
            }
        }
        if self.panels.iter().any(|(_, _, _, curves)| curves.iter().any(|c| !c.missing.is_empty())) {
            let width = top.dim_in_pixel().0 as i32;
            let style = font(13).color(&RGBColor(85, 85, 85)).pos(Pos::new(HPos::Right, VPos::Center));
            top.draw(&Text::new(NOT_NEEDED, (width - 20, 68), style)).map_err(err)?;
        }
        let categories = self.x_names.is_some();
        let rows = self.panels.len().div_ceil(2);
        let areas = body.split_evenly((rows, 2));
        for ((title, y_desc, target, curves), area) in self.panels.iter().zip(&areas) {
            let xs = curves.iter().flat_map(|c| c.points.iter().map(|p| p.0).chain(c.missing.iter().copied()));
            // A count (helicopters, tables) is swept in whole numbers: ticks only at them.
            let whole = xs.clone().all(|x| x.fract() == 0.0);
            let (x0, x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
            let (x0, x1) = if x0 < x1 { (x0, x1) } else { (x0 - 1.0, x0 + 1.0) };
            let ys = curves.iter().flat_map(|c| c.points.iter().flat_map(|p| [p.1, p.2.map_or(p.1, |i| i.1)]));
            let y_max = ys.chain(target.iter().copied()).fold(0.0, f64::max);
            let y1 = if y_desc.contains('%') { 100.0 } else { (y_max * 1.1).max(1e-6) };
            // Categories get half a slot either side, so the outer names stay inside the panel.
            let pad = if categories { 0.5 } else { (x1 - x0) * 0.04 };
            // Lines closer than about three pixels draw as one (the panel is about 330 high).
            let groups = if categories { Vec::new() } else { coinciding(curves, y1 * 0.01) };
            let caption = match coinciding_note(curves, &groups) {
                Some(note) => {
                    let full = format!("{title} ({note})");
                    let fits = area.estimate_text_size(&full, &font(15)).map_err(err)?.0 + 40 < area.dim_in_pixel().0;
                    if fits { full } else { format!("{title} (some lines coincide: see the table)") }
                }
                None => title.clone(),
            };
            let mut chart = ChartBuilder::on(area)
                .margin(12)
                .caption(caption, font(15))
                .x_label_area_size(42)
                .y_label_area_size(56)
                .build_cartesian_2d(x0 - pad..x1 + pad, 0.0..y1)
                .map_err(err)?;
            let names = self.x_names.clone();
            let fmt_x = move |x: &f64| match &names {
                Some(n) => {
                    let i = x.round();
                    if (x - i).abs() < 1e-6 && i >= 0.0 {
                        n.get(i as usize).cloned().unwrap_or_default()
                    } else {
                        String::new()
                    }
                }
                None if whole && x.fract() != 0.0 => String::new(),
                None => format!("{}", (x * 1000.0).round() / 1000.0),
            };
            // As many labels as whole numbers on a short whole axis; plotters' default otherwise,
            // and for categories enough that every whole number (each name) has one.
            let x_labels = if categories {
                (2 * (x1 - x0) as usize + 2).max(10)
            } else if whole && x1 - x0 <= 12.0 {
                (x1 - x0) as usize + 1
            } else {
                10
            };
            let percent = y_desc.contains('%');
            let y_label = |y: &f64| if percent { format!("{y:.0}") } else { tick(*y) };
            let mut mesh = chart.configure_mesh();
            mesh.light_line_style(RGBColor(242, 242, 242))
                .y_label_formatter(&y_label)
                .x_desc(self.x_desc.clone())
                .y_desc(y_desc.clone())
                .x_labels(x_labels)
                .x_label_formatter(&fmt_x)
                .label_style(font(12))
                .axis_desc_style(font(13));
            // Names are not a scale: no vertical grid lines, which fell between them as well, and no
            // tick marks (plotters puts one wherever it might put a label, named or not).
            if categories {
                mesh.disable_x_mesh().set_tick_mark_size(LabelAreaPosition::Bottom, 0);
            }
            mesh.draw().map_err(err)?;
            // At a category, the curves stand side by side, centred on its tick.
            let n = curves.len() as f64;
            let step = (0.6 / n).min(0.15);
            let shift = |k: usize| if categories { (k as f64 - (n - 1.0) / 2.0) * step } else { 0.0 };
            for (k, c) in curves.iter().enumerate() {
                let colour = PALETTE[k % PALETTE.len()];
                let dx = shift(k);
                if categories {
                    for &(x, _, ci) in &c.points {
                        if let Some((lo, hi)) = ci {
                            let whisker = |y: f64| {
                                EmptyElement::at((x + dx, y))
                                    + PathElement::new([(-5, 0), (5, 0)], colour.stroke_width(2))
                            };
                            chart
                                .draw_series([PathElement::new([(x + dx, lo), (x + dx, hi)], colour.stroke_width(2))])
                                .map_err(err)?;
                            chart.draw_series([whisker(lo), whisker(hi)]).map_err(err)?;
                        }
                    }
                } else {
                    for run in c.runs() {
                        let band: Vec<(f64, f64)> = run
                            .iter()
                            .filter_map(|p| p.2.map(|i| (p.0, i.0)))
                            .chain(run.iter().rev().filter_map(|p| p.2.map(|i| (p.0, i.1))))
                            .collect();
                        if band.len() >= 4 {
                            chart.draw_series([Polygon::new(band, colour.mix(0.18).filled())]).map_err(err)?;
                        }
                        chart
                            .draw_series(LineSeries::new(run.iter().map(|p| (p.0, p.1)), colour.stroke_width(2)))
                            .map_err(err)?;
                    }
                }
                chart
                    .draw_series(c.points.iter().map(|p| Circle::new((p.0 + dx, p.1), 4, colour.filled())))
                    .map_err(err)?;
            }
            if let Some(t) = target {
                chart
                    .draw_series(DashedLineSeries::new([(x0 - pad, *t), (x1 + pad, *t)], 8, 5, BLACK.stroke_width(1)))
                    .map_err(err)?;
                chart
                    .draw_series([Text::new(
                        format!("target {t:.0}%"),
                        (x1 + pad, *t + y1 * 0.01),
                        font(12).pos(Pos::new(HPos::Right, VPos::Bottom)),
                    )])
                    .map_err(err)?;
            }
            // Each curve's "n/a" at a value it has no point for, in its colour, over the axis;
            // several at one value stack upwards in legend order (at a category each curve has
            // its own place).
            for (k, c) in curves.iter().enumerate() {
                for &x in &c.missing {
                    let below =
                        if categories { 0 } else { curves[..k].iter().filter(|o| o.missing.contains(&x)).count() };
                    let colour = PALETTE[k % PALETTE.len()];
                    let style = font(12).color(&colour).pos(Pos::new(HPos::Center, VPos::Bottom));
                    backed(&mut chart, (x + shift(k), 0.0), (0, -6 - 16 * below as i32), "n/a".into(), style)?;
                }
            }
        }
        Ok(())
    }
}

/// The objective at each point of a placement grid, the zones and sites, the best marked.
pub struct PlaceMap<'a> {
    pub model: &'a crate::model::Model,
    pub title: String,
    /// The key's caption, one entry per line.
    pub legend: Vec<String>,
    /// The key's numbers: a share as a percentage, or a count.
    pub percent: bool,
    /// (lat, lon, value) of each grid point; the value's colour runs from its worst to its best.
    pub cells: Vec<(f64, f64, Option<f64>)>,
    /// Whether larger values are better (compliance) or worse (deaths).
    pub higher_is_better: bool,
    pub best: (f64, f64),
    /// Whether the best point was separated from every other candidate; if not, it only leads.
    pub separated: bool,
    pub n: usize,
    /// The least difference the colours span top to bottom: about twice a first-round
    /// interval's half-width, so cells that cannot be told apart do not look far apart.
    pub min_span: f64,
}

impl PlaceMap<'_> {
    fn bounds(&self) -> [f64; 4] {
        let (mut b0, mut b1, mut b2, mut b3) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
        for &(lat, lon, _) in &self.cells {
            (b0, b1, b2, b3) = (b0.min(lat), b1.max(lat), b2.min(lon), b3.max(lon));
        }
        // Cell centres: widen by half a cell each side; then every zone whole and every site, so
        // no outline or name is cut at the frame, with a margin as wide in km on every side.
        let (dlat, dlon) = self.cell();
        let (mut b0, mut b1, mut b2, mut b3) = (b0 - dlat / 2.0, b1 + dlat / 2.0, b2 - dlon / 2.0, b3 + dlon / 2.0);
        let mut add = |[z0, z1, z2, z3]: [f64; 4]| (b0, b1, b2, b3) = (b0.min(z0), b1.max(z1), b2.min(z2), b3.max(z3));
        for z in &self.model.zones {
            add(z.area.bounds());
        }
        for s in self.model.sites.iter().filter(|s| !s.id.starts_with(crate::decide::place::GRID_PREFIX)) {
            add([s.pos.lat, s.pos.lat, s.pos.lon, s.pos.lon]);
        }
        let cos = ((b0 + b1) / 2.0).to_radians().cos().max(0.1);
        let margin_deg = ((b1 - b0).max((b3 - b2) * cos) * 0.04).max(1e-3);
        [b0 - margin_deg, b1 + margin_deg, b2 - margin_deg / cos, b3 + margin_deg / cos]
    }

    fn cell(&self) -> (f64, f64) {
        let n = self.n.max(1) as f64;
        let lats: Vec<f64> = self.cells.iter().map(|c| c.0).collect();
        let lons: Vec<f64> = self.cells.iter().map(|c| c.1).collect();
        let span = |v: &[f64]| {
            v.iter().cloned().fold(f64::NEG_INFINITY, f64::max) - v.iter().cloned().fold(f64::INFINITY, f64::min)
        };
        let step = |v: &[f64]| if n > 1.0 { span(v) / (n - 1.0) } else { 1.0 };
        (step(&lats), step(&lons))
    }

    fn map_size(&self) -> (u32, u32) {
        let b = self.bounds();
        let mid = ((b[0] + b[1]) / 2.0).to_radians().cos().max(0.1);
        let aspect = ((b[1] - b[0]) / ((b[3] - b[2]) * mid)).clamp(0.3, 3.0);
        let w = 760.0;
        (w as u32, (w * aspect) as u32)
    }
}

impl Chart for PlaceMap<'_> {
    fn size(&self) -> (u32, u32) {
        let (w, h) = self.map_size();
        // The key's 230 pixels hold its longest line ("worst cell 0.442") whole.
        (w + 270, h + 110)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let (w, h) = self.map_size();
        root.draw(&Text::new(self.title.clone(), (20, 12), font(18))).map_err(err)?;
        let (map, key) = root.clone().shrink((0, 40), (w + 270, h + 70)).split_horizontally(w + 40);
        let b = self.bounds();
        // The maps' own frame: axes in degrees and a scale bar under them, as on the coverage maps.
        let mut chart = super::charts::map_panel(&map, "", b)?;
        let values: Vec<f64> = self.cells.iter().filter_map(|c| c.2).collect();
        let (worst, top) = self.scale(&values);
        let (lo, hi) = if self.higher_is_better { (worst, top) } else { (top, worst) };
        let t = |v: f64| {
            let x = if hi > lo { (v - lo) / (hi - lo) } else { 1.0 };
            if self.higher_is_better { x } else { 1.0 - x }
        };
        let (dlat, dlon) = self.cell();
        for &(lat, lon, v) in &self.cells {
            let colour = v.map_or(super::charts::NO_FIGURE, |v| super::charts::viridis(t(v)));
            chart
                .draw_series([Rectangle::new(
                    [(lon - dlon / 2.0, lat - dlat / 2.0), (lon + dlon / 2.0, lat + dlat / 2.0)],
                    colour.filled(),
                )])
                .map_err(err)?;
        }
        for z in &self.model.zones {
            let mut ring: Vec<(f64, f64)> = z.area.outline().iter().map(|&(lat, lon)| (lon, lat)).collect();
            ring.push(ring[0]);
            chart.draw_series([PathElement::new(ring, WHITE.stroke_width(2))]).map_err(err)?;
        }
        // Where no cell has a figure (no casualty the objective counts), there is no leader to
        // ring and no scale to key: the key says so instead.
        let measured = !values.is_empty();
        // The ring first, so a site's name at the best point is drawn over it, not cut by it.
        let best = (self.best.1, self.best.0);
        if measured {
            chart.draw_series([Circle::new(best, 11, RGBColor(213, 94, 0).stroke_width(4))]).map_err(err)?;
        }
        // Names on a halo, so they read on the darkest cells as on the lightest.
        for s in self.model.sites.iter().filter(|s| !s.id.starts_with(crate::decide::place::GRID_PREFIX)) {
            let p = (s.pos.lon, s.pos.lat);
            chart.draw_series([Circle::new(p, 4, BLACK.filled())]).map_err(err)?;
            haloed(&mut chart, p, (5, -3), &s.name, font(12).pos(Pos::new(HPos::Left, VPos::Bottom)))?;
        }
        // Left of its ring, clear of it and of a site's name (drawn to the right). A point the
        // rounds could not separate from the others is not called the best, only the leader.
        if !measured {
            for (i, line) in
                ["no cell has a figure: no casualty", "the objective counts was simulated"].iter().enumerate()
            {
                key.draw(&Text::new(*line, (20, 30 + 16 * i as i32), font(12))).map_err(err)?;
            }
            return Ok(());
        }
        let mark = if self.separated { "best" } else { "leads, not separated" };
        // Below the ring instead where the left has no room for it inside the frame.
        let room = chart.backend_coord(&best).0 - chart.plotting_area().get_pixel_range().0.start;
        let (offset, pos) = if room > font(14).font.box_size(mark).map_err(err)?.0 as i32 + 24 {
            ((-16, 0), Pos::new(HPos::Right, VPos::Center))
        } else {
            ((0, 16), Pos::new(HPos::Center, VPos::Top))
        };
        haloed(&mut chart, best, offset, mark, font(14).pos(pos))?;
        // The colour key: a strip from worst (bottom) to best (top).
        let steps = 60;
        let (kx, ky, kh) = (20, 30, 300);
        for i in 0..steps {
            let y0 = ky + kh - (i + 1) * kh / steps;
            key.draw(&Rectangle::new(
                [(kx, y0), (kx + 24, y0 + kh / steps + 1)],
                super::charts::viridis(i as f64 / (steps - 1) as f64).filled(),
            ))
            .map_err(err)?;
        }
        let fmt = |v: f64| match (v.is_finite(), self.percent) {
            (false, _) => "-".into(),
            (true, true) => format!("{:.1}%", v * 100.0),
            (true, false) => format!("{v:.3}"),
        };
        // The key spans the grid's points, not the site as given, which may be the best the
        // ranking names: said in its words, so its top is not read as the best's value.
        key.draw(&Text::new(format!("best cell {}", fmt(top)), (kx + 30, ky), font(12))).map_err(err)?;
        let actual = values.iter().copied().reduce(|a, b| if t(b) < t(a) { b } else { a });
        let mut legend = self.legend.clone();
        match actual {
            // Widened to the noise: the bottom is the scale's, and the worst cell is marked where
            // it falls.
            Some(w) if w != worst => {
                key.draw(&Text::new(fmt(worst), (kx + 30, ky + kh - 12), font(12))).map_err(err)?;
                let y = ky + kh - (t(w) * f64::from(kh)).round() as i32;
                key.draw(&PathElement::new([(kx - 4, y), (kx + 28, y)], BLACK.stroke_width(2))).map_err(err)?;
                // Clear of the labels at the key's ends, even where the mark is close to one.
                key.draw(&Text::new(
                    format!("worst cell {}", fmt(w)),
                    (kx + 30, y.clamp(ky + 22, ky + kh - 26)),
                    font(12).pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(err)?;
                let span = (top - worst).abs();
                let span = if self.percent { format!("{:.1} points", span * 100.0) } else { format!("{span:.3}") };
                legend.extend([
                    format!("colours span {span}, held to"),
                    "twice a first-round half-width:".into(),
                    "closer cells may not truly differ".into(),
                ]);
            }
            _ => {
                key.draw(&Text::new(format!("worst cell {}", fmt(worst)), (kx + 30, ky + kh - 12), font(12)))
                    .map_err(err)?;
            }
        }
        for (i, line) in legend.iter().enumerate() {
            key.draw(&Text::new(line.clone(), (kx, ky + kh + 14 + 16 * i as i32), font(12))).map_err(err)?;
        }
        Ok(())
    }
}

impl PlaceMap<'_> {
    /// The colour scale's worst and best ends: the cells' own, the worst end moved away from
    /// the best until they are at least [`PlaceMap::min_span`] apart.
    fn scale(&self, values: &[f64]) -> (f64, f64) {
        let (lo, hi) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
        // The cells' own ends, exactly, wherever they are far enough apart (or there are none).
        if lo > hi || hi - lo >= self.min_span {
            return if self.higher_is_better { (lo, hi) } else { (hi, lo) };
        }
        // A share or a count of deaths is never below 0.
        if self.higher_is_better { ((hi - self.min_span).max(0.0).min(lo), hi) } else { (lo + self.min_span, lo) }
    }
}

/// An axis tick without the float noise of its computed position (0.44999999999999996 reads
/// 0.45), without a negative zero, and with a minus sign. Six decimals keep apart the ticks of
/// the smallest axes drawn (lives per trial of a rare lever step by 0.0005), and are far above
/// the noise.
fn tick(v: f64) -> String {
    let text = format!("{v:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".into() } else { minus_sign(text.into()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tornado_of_four_measures_keeps_to_a_page_width_with_its_whole_subtitle() {
        let bars =
            |k: usize| (0..11).map(|i| Some(Bar { value: (i * k) as f64, interval: None, colour: BLACK })).collect();
        let chart = RowBars {
            title: "Which lever buys the most".into(),
            subtitle: "each lever alone against the scenario as given, 3,000 paired trials; bars: effect, whiskers: \
                       95% interval (purple: better, orange: worse, grey: no detectable change); ranked by surgery"
                .into(),
            rows: (1..=11).map(|i| format!("{i}. a lever")).collect(),
            panels: (1..=4).map(|k| (format!("measure {k}"), "points".into(), bars(k))).collect(),
            from_zero: true,
        };
        let (w, h) = chart.size();
        assert!(w <= 1000, "{w} pixels wide");
        assert_eq!(chart.title_lines().len(), 1);
        let long = RowBars {
            title: "Which lever buys the most: MINUSMA Sector North: Gao, Kidal, Tessalit and Menaka, dry season 2019 (illustrative)"
                .into(),
            subtitle: String::new(),
            rows: Vec::new(),
            panels: chart.panels.clone(),
            from_zero: true,
        };
        assert_eq!(long.title_lines().len(), 2, "a long title wraps");
        assert_eq!(long.head_h(), HEAD_H + TITLE_LINE_H);
        let lines = chart.subtitle_lines();
        assert_eq!(lines.join(" "), chart.subtitle, "every word kept");
        assert!(lines.len() > 1, "wrapped");
        for line in &lines {
            assert!(subtitle_style().font.box_size(line).unwrap().0 <= w - 40, "{line}");
        }
        // Two bands of two panels, each band as tall as one band of all four would be.
        let one_band = RowBars {
            title: String::new(),
            subtitle: chart.subtitle.clone(),
            rows: chart.rows.clone(),
            panels: chart.panels[..2].to_vec(),
            from_zero: true,
        };
        assert_eq!(h - one_band.size().1, 30 * 11 + 60 + BAND_GAP);
        // And it draws.
        let (_, svg) = super::super::charts::render(&chart).unwrap();
        assert!(svg.contains("measure 4"));
    }

    fn curve(label: &str, ys: &[Option<f64>]) -> Curve {
        let (mut points, mut missing) = (Vec::new(), Vec::new());
        for (x, y) in ys.iter().enumerate() {
            match y {
                Some(y) => points.push((x as f64, *y, None)),
                None => missing.push(x as f64),
            }
        }
        Curve { label: label.into(), points, missing }
    }

    /// Lines within the tolerance at every value are one line to the eye: the title names them,
    /// all of them or which equal which; a line apart at one value only, or that misses another
    /// value, is its own.
    #[test]
    fn lines_drawn_over_one_another_are_named() {
        let a = curve("1", &[Some(10.0), Some(20.0), Some(30.0)]);
        let b = curve("2", &[Some(10.5), Some(19.5), Some(30.0)]);
        let c = curve("3", &[Some(10.0), Some(25.0), Some(30.0)]);
        let d = curve("4", &[None, Some(20.0), Some(30.0)]);
        let note = |cs: &[Curve]| coinciding_note(cs, &coinciding(cs, 1.0));
        assert_eq!(note(&[curve("1", &[Some(1.0)]), curve("2", &[Some(1.0)])]).as_deref(), Some("all lines coincide"));
        assert_eq!(note(&[a, b, c, d]).as_deref(), Some("lines coincide: 1 = 2"));
        let e = curve("5", &[Some(10.0), Some(20.0), Some(30.0)]);
        let f = curve("6", &[Some(10.0), Some(21.5), Some(30.0)]);
        assert_eq!(note(&[e, f]), None);
    }

    /// A line stops at a value with no point and starts again after it, so it never bridges it.
    #[test]
    fn a_line_breaks_where_a_value_has_no_point() {
        let c = curve("1", &[Some(1.0), Some(2.0), None, Some(4.0), None, None, Some(7.0)]);
        let runs: Vec<Vec<f64>> = c.runs().iter().map(|r| r.iter().map(|p| p.0).collect()).collect();
        assert_eq!(runs, [vec![0.0, 1.0], vec![3.0], vec![6.0]]);
        assert_eq!(curve("1", &[None, Some(1.0), Some(2.0)]).runs().len(), 1);
        assert!(curve("1", &[None]).runs().is_empty());
    }

    #[test]
    fn ticks_read_as_written_numbers() {
        assert_eq!(tick(0.44999999999999996), "0.45");
        assert_eq!(tick(0.15000000000000002), "0.15");
        assert_eq!(tick(-0.0), "0");
        assert_eq!(tick(-1e-12), "0");
        assert_eq!(tick(0.0005), "0.0005");
        assert_eq!(tick(0.0015000000000000002), "0.0015");
        assert_eq!(tick(12.0), "12");
        assert_eq!(tick(-2.5), "\u{2212}2.5");
    }

    #[test]
    fn a_placement_maps_colours_span_at_least_the_noise_from_the_best_end() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sahel-north.toml");
        let model = crate::scenario::load(&path).unwrap();
        let map = |higher_is_better, min_span| super::PlaceMap {
            model: &model,
            title: String::new(),
            legend: Vec::new(),
            percent: true,
            cells: Vec::new(),
            higher_is_better,
            best: (0.0, 0.0),
            separated: true,
            n: 2,
            min_span,
        };
        let v = [0.140, 0.150, 0.157];
        // Cells further apart than the noise keep their own ends.
        assert_eq!(map(true, 0.01).scale(&v), (0.140, 0.157));
        // Closer: the best end stays, the worst end moves away from it (down for shares, up for
        // deaths).
        let (worst, best) = map(true, 0.05).scale(&v);
        assert_eq!(best, 0.157);
        assert!((worst - 0.107).abs() < 1e-12);
        let (worst, best) = map(false, 0.05).scale(&v);
        assert_eq!(best, 0.140);
        assert!((worst - 0.190).abs() < 1e-12);
        // Never below a share of 0.
        assert_eq!(map(true, 0.5).scale(&v), (0.0, 0.157));
    }

    /// A placement map frames every zone whole and every site, with room on every side, even
    /// where the grid covers only part of the mission: no outline or name meets the frame.
    #[test]
    fn a_placement_map_frames_every_zone_and_site_with_room_to_spare() {
        for name in ["sahel-north", "east-highlands"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"));
            let model = crate::scenario::load(&path).unwrap();
            // A 2 x 2 grid round the first zone alone.
            let [z0, z1, z2, z3] = model.zones[0].area.bounds();
            let cells = vec![(z0, z2, Some(1.0)), (z0, z3, Some(2.0)), (z1, z2, None), (z1, z3, Some(3.0))];
            let map = super::PlaceMap {
                model: &model,
                title: String::new(),
                legend: Vec::new(),
                percent: true,
                cells,
                higher_is_better: true,
                best: (z0, z2),
                separated: true,
                n: 2,
                min_span: 0.01,
            };
            let [b0, b1, b2, b3] = map.bounds();
            let room = 0.01 * (b1 - b0).max(b3 - b2);
            let inside =
                |[a0, a1, a2, a3]: [f64; 4]| a0 - b0 > room && b1 - a1 > room && a2 - b2 > room && b3 - a3 > room;
            for z in &model.zones {
                assert!(inside(z.area.bounds()), "{name}: zone {} against {:?}", z.id, [b0, b1, b2, b3]);
            }
            for site in &model.sites {
                let p = site.pos;
                assert!(
                    inside([p.lat, p.lat, p.lon, p.lon]),
                    "{name}: site {} against {:?}",
                    site.id,
                    [b0, b1, b2, b3]
                );
            }
            // Drawn in the maps' own frame, it has their scale bar.
            let (_, svg) = super::super::charts::render(&map).unwrap();
            let mut labels = svg.split("aria-label=\"").skip(1).filter_map(|t| t.split('"').next());
            assert!(labels.any(|t| t.ends_with(" km")), "{name}: no scale bar");
        }
    }
}
