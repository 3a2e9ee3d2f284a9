//! How every report writes a number: shares, minutes, intervals, counts and labels, written once
//! as small `Display` types so the terminal table, the HTML report, the CSV files and `validate`
//! cannot drift apart.
//!
//! The output is plain text. A renderer that needs escaping (HTML) escapes at its own boundary.
//! Width and alignment (`{:>8}`) work as for a string; precision (`{:.0}`) sets the number of
//! decimals instead of truncating.

use crate::summary::StepResult;
use std::fmt::{self, Alignment, Display, Formatter, Write};
use unicode_width::UnicodeWidthStr;

/// Where the text goes; the renderers differ only in their dashes and in how an interval reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// ASCII for a terminal: `-` for a missing value, intervals as `[62.7, 73.4]`.
    Plain,
    /// A typeset document: an en dash for a missing value, intervals as `62.7–73.4%`.
    Typeset,
}

impl Style {
    /// What stands in for a value the run cannot give, such as compliance when no casualty
    /// needed the step.
    pub const fn missing(self) -> &'static str {
        match self {
            Style::Plain => "-",
            Style::Typeset => "–",
        }
    }
}

/// The columns `s` takes in a terminal: two for a wide character (Chinese, Japanese, Korean),
/// none for a combining mark. Counting characters would put a row with such an id out of line.
pub fn columns(s: &str) -> usize {
    s.width()
}

/// `s` cut to at most `w` terminal columns, its last column an ellipsis where it was cut.
pub fn cut_to_columns(s: &str, w: usize) -> String {
    if columns(s) <= w {
        return s.to_string();
    }
    let mut cut = String::new();
    let mut used = 0;
    for c in s.chars() {
        let n = columns(c.encode_utf8(&mut [0; 4]));
        if used + n + 1 > w {
            break;
        }
        cut.push(c);
        used += n;
    }
    cut + "…"
}

/// Text padded to the formatter's width in terminal columns (`{:<12}`), where a `str` would be
/// padded by its characters.
pub struct Text<'a>(pub &'a str);

impl Display for Text<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        pad(f, self.0)
    }
}

/// Writes `s` padded to the formatter's width in terminal columns, as `f.pad` would by
/// characters, and without truncating it to the precision: the types here read the precision
/// as decimals.
fn pad(f: &mut Formatter<'_>, s: &str) -> fmt::Result {
    let fill = f.width().unwrap_or(0).saturating_sub(columns(s));
    let (before, after) = match f.align() {
        Some(Alignment::Right) => (fill, 0),
        Some(Alignment::Center) => (fill / 2, fill - fill / 2),
        Some(Alignment::Left) | None => (0, fill),
    };
    let c = f.fill();
    for _ in 0..before {
        f.write_char(c)?;
    }
    f.write_str(s)?;
    for _ in 0..after {
        f.write_char(c)?;
    }
    Ok(())
}

/// A value, or the style's missing-value marker when there is none.
pub struct Maybe<T>(pub Option<T>, pub Style);

impl<T: Display> Display for Maybe<T> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(v) => v.fmt(f),
            None => pad(f, self.1.missing()),
        }
    }
}

/// A share from 0 to 1 as a percentage: `68.3%`; one decimal unless the precision says otherwise.
/// Neither end is reached by rounding: a share short of one reads `>99.9%`, a share above
/// zero `<0.1%`.
#[derive(Debug, Clone, Copy)]
pub struct Pct(pub f64);

impl Display for Pct {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let digits = f.precision().unwrap_or(1);
        let s = format!("{:.*}", digits, self.0 * 100.0);
        // Short of everyone never reads as everyone: 99.97% is ">99.9%", not "100.0%" (the
        // charts' rule too). The same width, so columns stay aligned.
        if self.0 < 1.0 && s.parse::<f64>() == Ok(100.0) {
            let nines = if digits == 0 { "99".to_string() } else { format!("99.{}", "9".repeat(digits)) };
            return pad(f, &format!(">{nines}%"));
        }
        // Nor does a few read as none: a cause of 0.3% of the misses is "<1%", not "0%".
        if self.0 > 0.0 && s.parse::<f64>() == Ok(0.0) {
            let least = if digits == 0 { "1".to_string() } else { format!("0.{}1", "0".repeat(digits - 1)) };
            return pad(f, &format!("<{least}%"));
        }
        pad(f, &format!("{s}%"))
    }
}

/// A duration in minutes, whole unless the precision says otherwise, its thousands grouped as
/// counts' are: `1,572`.
#[derive(Debug, Clone, Copy)]
pub struct Minutes(pub f64);

impl Display for Minutes {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let s = format!("{:.*}", f.precision().unwrap_or(0), self.0);
        let (sign, digits) = s.strip_prefix('-').map_or(("", s.as_str()), |d| ("-", d));
        // A change that rounds to nothing is no change, not a loss: "0.0", never "-0.0".
        let zero = digits.chars().all(|c| c == '0' || c == '.');
        pad(f, &format!("{}{}", if zero { "" } else { sign }, group_whole(digits)))
    }
}

/// A quantile of the time to a step, in whole minutes. `None` is not a missing value: the
/// quantile lies beyond the 48 h the histograms hold, or the step was never reached.
/// Written as hours are everywhere else ("1 h", "followed 48 h after").
#[derive(Debug, Clone, Copy)]
pub struct Quantile(pub Option<f64>);

impl Display for Quantile {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(m) => Minutes(m).fmt(f),
            None => pad(f, ">48 h"),
        }
    }
}

/// A 95% interval of a share, one decimal, in the style's form.
#[derive(Debug, Clone, Copy)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
    pub style: Style,
}

impl Interval {
    /// The step's interval, or the missing-value marker when no casualty needed the step.
    pub fn of(s: &StepResult, style: Style) -> Maybe<Interval> {
        let interval = match (s.ci95_low, s.ci95_high) {
            (Some(low), Some(high)) if s.eligible > 0 => Some(Interval { low, high, style }),
            _ => None,
        };
        Maybe(interval, style)
    }
}

impl Display for Interval {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (lo, hi) = (self.low * 100.0, self.high * 100.0);
        match self.style {
            Style::Plain => pad(f, &format!("[{lo:.1}, {hi:.1}]")),
            Style::Typeset => pad(f, &format!("{lo:.1}–{hi:.1}%")),
        }
    }
}

/// A count with thousands separators: `12,345`.
#[derive(Debug, Clone, Copy)]
pub struct Count(pub u64);

/// A count and its noun, singular for one: `1 trial`, `1,000 trials` (nouns whose plural adds s).
pub struct Counted(pub u64, pub &'static str);

impl Display for Counted {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let s = if self.0 == 1 { "" } else { "s" };
        pad(f, &format!("{} {}{s}", Count(self.0), self.1))
    }
}

impl Display for Count {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        let mut s = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                s.push(',');
            }
            s.push(c);
        }
        pad(f, &s)
    }
}

/// A figure with thousands separators in its whole part, to the precision asked for (none by
/// default): `55,400.2` casualties a trial.
#[derive(Debug, Clone, Copy)]
pub struct Grouped(pub f64);

impl Display for Grouped {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let out = group_whole(&format!("{:.*}", f.precision().unwrap_or(0), self.0.abs()));
        let negative = self.0 < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0');
        pad(f, &if negative { format!("-{out}") } else { out })
    }
}

/// An unsigned decimal's whole part with thousands separators: `1234.50` reads `1,234.50`. (A
/// figure past u64, which no count here reaches, keeps its digits ungrouped.)
fn group_whole(s: &str) -> String {
    let (whole, fraction) = s.split_once('.').map_or((s, None), |(w, r)| (w, Some(r)));
    let whole = whole.parse::<u64>().map_or_else(|_| whole.to_string(), |w| Count(w).to_string());
    match fraction {
        Some(r) => format!("{whole}.{r}"),
        None => whole,
    }
}

/// A quantity the planner wrote, such as days or hours: at most six decimals, trailing zeros
/// dropped, so `30` stays `30` and a day computed from minutes does not show its binary noise
/// (`0.0001`, not `0.00010000000000000002`).
#[derive(Debug, Clone, Copy)]
pub struct Num(pub f64);

impl Display for Num {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let s = format!("{:.6}", self.0);
        let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
        pad(f, if s == "-0" { "0" } else { s })
    }
}

/// A [`Num`] in prose, with its thousands grouped: "a 3,600-day trial". (Not for a value the
/// planner may paste back into a scenario, which reads `3600`.)
#[derive(Debug, Clone, Copy)]
pub struct Quantity(pub f64);

impl Display for Quantity {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let s = Num(self.0).to_string();
        let (sign, rest) = s.strip_prefix('-').map_or(("", s.as_str()), |r| ("-", r));
        pad(f, &format!("{sign}{}", group_whole(rest)))
    }
}

/// A number of days in prose, singular for one: "1 day", "30 days", "1.5 days".
#[derive(Debug, Clone, Copy)]
pub struct Days(pub f64);

impl Display for Days {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let s = if self.0 == 1.0 { "" } else { "s" };
        pad(f, &format!("{} day{s}", Quantity(self.0)))
    }
}

/// How long a run took: milliseconds below a second, so a short run does not read "0.0 s".
#[derive(Debug, Clone, Copy)]
pub struct Elapsed(pub f64);

impl Display for Elapsed {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let s = self.0;
        if s < 1.0 {
            pad(f, &format!("{:.0} ms", (s * 1000.0).max(1.0)))
        } else if s < 60.0 {
            pad(f, &format!("{s:.1} s"))
        } else {
            pad(f, &format!("{} min {:02.0} s", (s / 60.0).floor(), s % 60.0))
        }
    }
}

/// A measured rate to three significant figures, with thousands separators: `289,000`; the
/// digits past the third are timing noise.
#[derive(Debug, Clone, Copy)]
pub struct Rate(pub f64);

impl Display for Rate {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let r = self.0.max(0.0);
        let step = if r < 1000.0 { 1.0 } else { 10f64.powi(r.log10().floor() as i32 - 2) };
        pad(f, &Count(((r / step).round() * step) as u64).to_string())
    }
}

/// A summary key such as a miss cause or an outcome (`no_first_aider`), as words.
#[derive(Debug, Clone, Copy)]
pub struct Label<'a>(pub &'a str);

impl Display for Label<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        pad(f, &self.0.replace('_', " "))
    }
}

/// A number for a data file: every digit it has, and an empty cell when there is none, which
/// is how a spreadsheet reads "no value".
#[derive(Debug, Clone, Copy)]
pub struct Value(pub Option<f64>);

impl Display for Value {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(v) => pad(f, &v.to_string()),
            None => Ok(()),
        }
    }
}

/// A difference of two shares in percentage points, always signed: `+9.1 pts`, `-0.3 pts`.
#[derive(Debug, Clone, Copy)]
pub struct Points(pub f64);

/// `x` (a share) in signed points with `decimals`; a value that rounds to zero is written
/// `+0.0`, never `-0.0`, which would read as a loss.
fn signed_points(x: f64, decimals: usize) -> String {
    let s = format!("{:+.*}", decimals, x * 100.0);
    if s.trim_start_matches(['-', '+']).chars().all(|c| c == '0' || c == '.') { s.replacen('-', "+", 1) } else { s }
}

impl Display for Points {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        pad(f, &format!("{} pts", signed_points(self.0, f.precision().unwrap_or(1))))
    }
}

/// A sentence written for the terminal, which starts in lower case, as a paragraph of a page
/// starts.
pub fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |first| first.to_uppercase().chain(c).collect())
}

/// Decimals that show a spread of `pts` percentage points with a significant digit: one, or
/// two or three for spreads under a twentieth or a two-hundredth of a point (shares near 0% or
/// 100% move by hundredths), so a difference told apart from zero never reads "-0.0 ±0.0".
pub fn spread_decimals(pts: f64) -> usize {
    match pts.abs() {
        p if p >= 0.05 || p == 0.0 => 1,
        p if p >= 0.005 => 2,
        _ => 3,
    }
}

/// A difference (a share) with its 95% half-width, in signed points to the decimals the
/// half-width needs: `+3.1 ±0.8`, `-0.03 ±0.01`.
#[derive(Debug, Clone, Copy)]
pub struct PointsPm(pub f64, pub f64);

impl Display for PointsPm {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let d = spread_decimals(self.1 * 100.0);
        pad(f, &format!("{} ±{:.d$}", signed_points(self.0, d), self.1 * 100.0))
    }
}

/// A 95% interval of a difference, in signed percentage points: `[+8.4, +9.8]`.
#[derive(Debug, Clone, Copy)]
pub struct PointsInterval(pub f64, pub f64);

impl Display for PointsInterval {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        pad(f, &format!("[{}, {}]", bound_points(self.0), bound_points(self.1)))
    }
}

/// An interval's bound in signed points. One that one decimal would write as zero takes two
/// (`[+0.04, +0.5]`, not `[+0.0, +0.5]`, beside a verdict of "better"), and keeps its sign
/// where even two round to zero: a bound a hair below zero reads `-0.00` and one a hair above
/// `+0.00`, so zero inside (no detectable change) and zero outside read apart. A bound within
/// floating-point noise of zero (1e-12 of a share) is zero: `+0.0`.
fn bound_points(x: f64) -> String {
    let pts = x * 100.0;
    if x.abs() < 1e-12 {
        "+0.0".to_string()
    } else if pts.abs() < 0.05 {
        format!("{pts:+.2}")
    } else {
        format!("{pts:+.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_of_one_takes_the_singular() {
        assert_eq!(Counted(1, "trial").to_string(), "1 trial");
        assert_eq!(Counted(0, "point").to_string(), "0 points");
        assert_eq!(Counted(3000, "paired trial").to_string(), "3,000 paired trials");
    }

    #[test]
    fn shares_minutes_and_counts() {
        assert_eq!(Pct(0.6834).to_string(), "68.3%");
        assert_eq!(format!("{:.0}", Pct(0.6834)), "68%");
        assert_eq!(format!("{:>8}", Pct(0.05)), "    5.0%");
        // Short of everyone never rounds to everyone, at any precision; everyone is 100%.
        assert_eq!(Pct(0.99975).to_string(), ">99.9%");
        assert_eq!(format!("{:>8}", Pct(0.99975)), "  >99.9%");
        assert_eq!(format!("{:.0}", Pct(0.997)), ">99%");
        assert_eq!(format!("{:.2}", Pct(0.99999)), ">99.99%");
        assert_eq!(Pct(0.9994).to_string(), "99.9%");
        assert_eq!(Pct(1.0).to_string(), "100.0%");
        assert_eq!(Pct(0.0004).to_string(), "<0.1%");
        assert_eq!(format!("{:.0}", Pct(0.003)), "<1%");
        assert_eq!(format!("{:.2}", Pct(0.00001)), "<0.01%");
        assert_eq!(Pct(0.0005).to_string(), "0.1%");
        assert_eq!(Pct(0.0).to_string(), "0.0%");
        assert_eq!(Minutes(383.6).to_string(), "384");
        assert_eq!(format!("{:.1}", Minutes(7.44)), "7.4");
        assert_eq!(format!("{:.1}", Minutes(-0.04)), "0.0");
        assert_eq!(format!("{:.1}", Minutes(-0.06)), "-0.1");
        assert_eq!(format!("{:>7}", Minutes(1572.4)), "  1,572");
        assert_eq!(format!("{:.1}", Minutes(-1815.94)), "-1,815.9");
        assert_eq!(Minutes(999.4).to_string(), "999");
        assert_eq!(Count(0).to_string(), "0");
        assert_eq!(Count(999).to_string(), "999");
        assert_eq!(Count(1_234_567).to_string(), "1,234,567");
        assert_eq!(Label("no_first_aider").to_string(), "no first aider");
    }

    #[test]
    fn quantities_without_float_noise() {
        assert_eq!(Num(30.0).to_string(), "30");
        assert_eq!(Num(0.144 / 1440.0).to_string(), "0.0001");
        assert_eq!(Num(0.00010000000000000002).to_string(), "0.0001");
        assert_eq!(Num(1.5).to_string(), "1.5");
        assert_eq!(Num(-1e-9).to_string(), "0");
        assert_eq!(Num(1e6).to_string(), "1000000");
    }

    #[test]
    fn quantities_in_prose_group_their_thousands() {
        assert_eq!(Quantity(30.0).to_string(), "30");
        assert_eq!(Quantity(3600.0).to_string(), "3,600");
        assert_eq!(Quantity(1234.5).to_string(), "1,234.5");
        assert_eq!(Quantity(-1234567.25).to_string(), "-1,234,567.25");
        assert_eq!(Quantity(0.0001).to_string(), "0.0001");
        assert_eq!(Quantity(-1e-9).to_string(), "0");
    }

    #[test]
    fn run_times_and_rates_at_a_sensible_precision() {
        assert_eq!(Elapsed(0.0463).to_string(), "46 ms");
        assert_eq!(Elapsed(0.0).to_string(), "1 ms");
        assert_eq!(Elapsed(3.24).to_string(), "3.2 s");
        assert_eq!(Elapsed(252.0).to_string(), "4 min 12 s");
        assert_eq!(Rate(288_629.0).to_string(), "289,000");
        assert_eq!(Rate(1_234_567.0).to_string(), "1,230,000");
        assert_eq!(Rate(999.4).to_string(), "999");
        assert_eq!(Rate(1000.0).to_string(), "1,000");
        assert_eq!(Rate(45.6).to_string(), "46");
    }

    #[test]
    fn one_day_is_singular_and_every_other_count_of_days_plural() {
        let days = |d: f64| Days(d).to_string();
        assert_eq!(
            [days(1.0), days(30.0), days(1.5), days(0.5), days(3600.0)],
            ["1 day", "30 days", "1.5 days", "0.5 days", "3,600 days"]
        );
    }

    #[test]
    fn missing_values_keep_the_width_and_ignore_the_precision() {
        assert_eq!(format!("{:>4.1}|", Maybe(None::<Minutes>, Style::Plain)), "   -|");
        assert_eq!(format!("{:.0}|", Maybe(None::<Pct>, Style::Typeset)), "–|");
        assert_eq!(format!("{:>6}", Quantile(None)), " >48 h");
        assert_eq!(Value(None).to_string(), "");
        assert_eq!(Value(Some(0.125)).to_string(), "0.125");
    }

    #[test]
    fn intervals_in_each_style() {
        let i = Interval { low: 0.627, high: 0.734, style: Style::Plain };
        assert_eq!(format!("{i:>14}"), "  [62.7, 73.4]");
        assert_eq!(Interval { style: Style::Typeset, ..i }.to_string(), "62.7–73.4%");
    }

    #[test]
    fn figures_group_their_thousands_to_the_precision_asked() {
        assert_eq!(format!("{:.1}", Grouped(55400.24)), "55,400.2");
        assert_eq!(format!("{:.0}", Grouped(1001000.4)), "1,001,000");
        assert_eq!(format!("{:.2}", Grouped(0.5)), "0.50");
        assert_eq!(format!("{:.1}", Grouped(-1234.56)), "-1,234.6");
        assert_eq!(format!("{:.1}", Grouped(-0.01)), "0.0");
        assert_eq!(format!("{:>8}", Grouped(1234.0)), "   1,234");
    }

    #[test]
    fn differences_are_signed_points() {
        assert_eq!(Points(0.0912).to_string(), "+9.1 pts");
        assert_eq!(Points(-0.003).to_string(), "-0.3 pts");
        assert_eq!(Points(-0.0).to_string(), "+0.0 pts");
        assert_eq!(format!("{:>10}", Points(0.0)), "  +0.0 pts");
        assert_eq!(PointsInterval(0.084, 0.098).to_string(), "[+8.4, +9.8]");
        assert_eq!(PointsInterval(-0.0, 0.0).to_string(), "[+0.0, +0.0]");
        assert_eq!(PointsInterval(-1e-17, 0.0004).to_string(), "[+0.0, +0.04]");
        // A bound that one decimal would write as zero shows it is not: "better" beside
        // [+0.0, +0.1] read as a contradiction.
        assert_eq!(PointsInterval(0.0004, 0.0012).to_string(), "[+0.04, +0.1]");
        assert_eq!(PointsInterval(-0.00008, 0.005).to_string(), "[-0.01, +0.5]");
        // A bound just either side of zero keeps its side: the verdicts differ.
        assert_eq!(PointsInterval(-0.00004, 0.005).to_string(), "[-0.00, +0.5]");
        assert_eq!(PointsInterval(0.00004, 0.005).to_string(), "[+0.00, +0.5]");
        assert_eq!(PointsInterval(-0.031, -0.00004).to_string(), "[-3.1, -0.00]");
        assert_eq!(Points(-0.0004).to_string(), "+0.0 pts");
    }

    /// A difference and its half-width take the decimals the half-width needs: shares near 0%
    /// differ by hundredths of a point, which one decimal wrote as "-0.0 ±0.0".
    #[test]
    fn a_difference_with_its_half_width_shows_the_half_width_s_first_digit() {
        assert_eq!(PointsPm(0.031, 0.008).to_string(), "+3.1 ±0.8");
        assert_eq!(PointsPm(-0.0003, 0.0003).to_string(), "-0.03 ±0.03");
        assert_eq!(PointsPm(-0.00004, 0.00002).to_string(), "-0.004 ±0.002");
        assert_eq!(PointsPm(0.0, 0.0).to_string(), "+0.0 ±0.0");
        assert_eq!(PointsPm(-0.00001, 0.0004).to_string(), "+0.00 ±0.04");
        assert_eq!([spread_decimals(0.05), spread_decimals(0.049), spread_decimals(0.004)], [1, 2, 3]);
    }
}
