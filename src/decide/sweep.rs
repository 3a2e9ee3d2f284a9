//! `casevac sweep`: the scenario at each value of one parameter (or a grid of two), all on
//! common random numbers, with where each target is met.

use super::{Objective, Study, num};
use crate::compare::{Comparison, run_paired};
use crate::model::{Model, STEPS};
use crate::run::RunOptions;
use crate::scenario::Override;
use crate::stats::Histograms;
use serde::Serialize;

/// The most points a sweep runs: each is a scenario simulated in full.
pub const MAX_POINTS: usize = 400;

/// One swept parameter: a `--set` key and the values it takes, as TOML text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Axis {
    pub key: String,
    pub values: Vec<String>,
}

const FORM_HELP: &str = "write KEY=V1,V2,... or KEY=START..END:COUNT, for example \
     asset.gao_mi8.approval_min=0,15,30,60 or zone.route_gao_kidal.first_aider_share=0.5..1:6";

impl std::str::FromStr for Axis {
    type Err = String;
    fn from_str(arg: &str) -> Result<Axis, String> {
        let Some((key, values)) = arg.split_once('=') else {
            return Err(format!("`{arg}` is not of the form KEY=VALUES: {FORM_HELP}"));
        };
        let (key, values) = (key.trim(), values.trim());
        if key.is_empty() || values.is_empty() {
            return Err(format!("`{arg}` needs a key and values: {FORM_HELP}"));
        }
        let values = match range(values)? {
            Some(v) => v,
            None => split_top(values),
        };
        if values.iter().any(|v| v.is_empty()) {
            return Err(format!("`{arg}` has an empty value: {FORM_HELP}"));
        }
        if values.len() > MAX_POINTS {
            return Err(format!("{} values: a sweep runs at most {MAX_POINTS} points", values.len()));
        }
        // The same value twice would run the same point twice and draw it as two.
        if let Some(twice) = values.iter().enumerate().find(|(i, v)| values[..*i].contains(v)).map(|(_, v)| v) {
            return Err(format!("`{arg}` gives {twice} twice: give each value once"));
        }
        Ok(Axis { key: key.to_string(), values })
    }
}

/// Refuses axes that cannot make one sweep: a key given twice (the later value would win at
/// every point, so a grid would show figures of one value under two), or more points than
/// [`MAX_POINTS`].
pub fn check_axes(axes: &[Axis]) -> Result<(), String> {
    if axes.len() > 2 {
        let keys: Vec<&str> = axes.iter().map(|a| a.key.as_str()).collect();
        return Err(format!(
            "{} keys given ({}): a sweep takes one (a line) or two (a grid); sweep the others in separate runs, \
             or hold one fixed with --set KEY=VALUE",
            keys.len(),
            keys.join(", ")
        ));
    }
    // Keys compared as the paths they name, so `asset."x".count` is `asset.x.count`.
    let path = |k: &str| crate::scenario::overrides::key_path(k).unwrap_or_else(|_| vec![k.trim().to_string()]);
    for (i, a) in axes.iter().enumerate() {
        for b in &axes[..i] {
            let (pa, pb) = (path(&a.key), path(&b.key));
            if pa == pb {
                return Err(format!(
                    "{} is given twice: give each key once, with all its values (KEY=V1,V2,...)",
                    a.key
                ));
            }
            // A table and a field inside it: one would overwrite part of the other at every point.
            if pa.starts_with(&pb) || pb.starts_with(&pa) {
                return Err(format!("{} and {} set the same value: sweep one of them", b.key, a.key));
            }
        }
    }
    let points: usize = axes.iter().map(|a| a.values.len()).product();
    if points > MAX_POINTS {
        return Err(format!("{points} points: a sweep runs at most {MAX_POINTS}; give fewer values"));
    }
    Ok(())
}

/// `START..END:COUNT`: COUNT evenly spaced values from START to END, both included.
fn range(s: &str) -> Result<Option<Vec<String>>, String> {
    let Some((a, rest)) = s.split_once("..") else { return Ok(None) };
    let bad = || format!("`{s}` is not a range START..END:COUNT (for example 0..60:5)");
    let (b, count) = rest.split_once(':').ok_or_else(bad)?;
    let (a, b): (f64, f64) = (a.trim().parse().map_err(|_| bad())?, b.trim().parse().map_err(|_| bad())?);
    let count: usize = count.trim().parse().map_err(|_| bad())?;
    if !(a.is_finite() && b.is_finite() && (2..=MAX_POINTS).contains(&count)) {
        return Err(format!("`{s}`: give finite ends and a COUNT from 2 to {MAX_POINTS}"));
    }
    // The end as given: a + (b - a) need not round to b.
    let values: Vec<f64> =
        (0..count).map(|i| if i == count - 1 { b } else { a + (b - a) * i as f64 / (count - 1) as f64 }).collect();
    if values.iter().any(|v| !v.is_finite()) {
        return Err(format!(
            "`{s}`: the steps between these ends pass the largest number; no field takes values so large"
        ));
    }
    // A whole value is written as a whole number, so a range also sweeps a count (`count=1..3:3`),
    // and of `count=1..2:3` only the 1.5 is refused; a float field takes whole numbers as well.
    Ok(Some(
        values
            .into_iter()
            .map(|v| if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { num(v) })
            .collect(),
    ))
}

/// Splits at commas outside braces, brackets and quotes, so a value may be an inline table.
fn split_top(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut depth, mut quoted) = (Vec::new(), String::new(), 0i32, false);
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            '{' | '[' if !quoted => depth += 1,
            '}' | ']' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur.trim().to_string());
    out
}

/// One point of the sweep: its values and each step's compliance there.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    /// One value per axis, as TOML text.
    pub values: Vec<String>,
    pub steps: Vec<crate::summary::StepResult>,
    /// Paired against the scenario as given.
    pub against_base: Vec<crate::compare::StepDiff>,
    pub expected_deaths_per_trial: Option<f64>,
    pub expected_deaths_ci95: Option<(f64, f64)>,
    /// The onward milestone to Level 3 at the point, where the scenario models it (a swept
    /// `onward.deadline_min` shows here and nowhere else).
    pub onward: Option<crate::summary::OnwardResult>,
}

/// Where a step's target, or the onward milestone's, is met among the points of a sweep.
#[derive(Debug, Clone, Serialize)]
pub struct TargetMet {
    /// A step, or the onward milestone to Level 3 where the scenario sets it a target.
    pub step: Objective,
    pub target_pct: f64,
    /// The values whose estimate meets the target, in sweep order.
    pub met_at: Vec<String>,
    /// The values whose whole 95% interval is at or above the target.
    pub surely_met_at: Vec<String>,
    /// Where the values that meet it lie, in words: "≤ 30" when the smaller values meet it,
    /// "≥ 0.8" when the larger ones do; absent when no value meets it, the values are not
    /// numbers, or those that meet it are not one run of them.
    pub boundary: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SweepResult {
    #[serde(flatten)]
    pub about: super::About,
    pub trials: u64,
    /// The `--precision` target and what the run reached; null without one.
    pub precision: Option<crate::summary::Precision>,
    pub axes: Vec<Axis>,
    /// Row-major over the axes: the last axis varies fastest.
    pub points: Vec<Point>,
    pub targets: Vec<TargetMet>,
    /// What a reader must know to read the sweep: a number swept in place of a distribution.
    pub notes: Vec<String>,
}

/// Every combination of the axes' values, last axis fastest, as overrides.
pub fn points(axes: &[Axis]) -> Vec<Vec<Override>> {
    let mut out: Vec<Vec<Override>> = vec![Vec::new()];
    for axis in axes {
        out = out
            .iter()
            .flat_map(|p| {
                axis.values.iter().map(move |v| {
                    let mut p = p.clone();
                    p.push(Override { key: axis.key.clone(), value: v.clone() });
                    p
                })
            })
            .collect();
    }
    out
}

/// Why a sweep did not run.
#[derive(Debug)]
pub enum SweepError {
    /// The axes cannot make one sweep ([`check_axes`]), in words: the command line to fix.
    Axes(String),
    /// Points that do not compile or that `compare` could not pair, each under its name.
    Points(super::BadVariants),
}

impl std::fmt::Display for SweepError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SweepError::Axes(why) => f.write_str(why),
            SweepError::Points(bad) => bad.fmt(f),
        }
    }
}

impl std::error::Error for SweepError {}

/// Runs every point paired against the scenario as given, after checking the axes here rather
/// than trusting a caller to, so no caller can run a key given twice or more than
/// [`MAX_POINTS`] points.
pub fn sweep(
    study: &Study,
    base: &Model,
    axes: &[Axis],
    opts: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<SweepResult, SweepError> {
    check_axes(axes).map_err(SweepError::Axes)?;
    let sets = points(axes);
    let label = |p: &[Override]| p.iter().map(|o| o.to_string()).collect::<Vec<_>>().join(", ");
    let variants: Vec<(String, Vec<Override>)> =
        sets.iter().map(|p| (format!("sweep point {}", label(p)), p.clone())).collect();
    let models = study.models(base, &variants, super::VariantKind::SweepValue).map_err(SweepError::Points)?;
    let tally = run_paired(base, &models, Histograms::Overall, opts, progress);
    let mut labels = vec![study.path.clone()];
    labels.extend(sets.iter().map(|p| label(p)));
    let comparison = Comparison::new(base, &models, &labels, &tally, opts.seed);
    let pts: Vec<Point> = comparison
        .alternatives
        .iter()
        .zip(&sets)
        .map(|(a, p)| Point {
            values: p.iter().map(|o| o.value.clone()).collect(),
            steps: a.variant.summary.steps.clone(),
            against_base: a.steps.clone(),
            expected_deaths_per_trial: a.variant.summary.deaths.as_ref().map(|d| d.per_trial),
            expected_deaths_ci95: a.variant.summary.deaths.as_ref().and_then(|d| d.ci95_low.zip(d.ci95_high)),
            onward: a.variant.summary.onward.clone(),
        })
        .collect();
    let targets = if axes.len() == 1 { targets_met(base, &pts) } else { grid_targets(base, &pts) };
    // A number swept where the file gives a distribution is a fixed value: even the value at
    // the distribution's mean is not the scenario as given.
    let text = crate::scenario::overrides::apply(&study.text, &study.base_set).text;
    let notes = axes
        .iter()
        .filter(|a| a.values.iter().all(|v| v.trim().parse::<f64>().is_ok()))
        .filter_map(|a| {
            let given = crate::scenario::overrides::value_at(&text, &a.key).filter(toml::Value::is_table)?;
            Some(format!(
                "{}: the file gives a distribution, {given}; each value swept replaces it with a fixed one, so no \
                 point is the scenario as given, not even at the distribution's mean",
                a.key
            ))
        })
        .collect();
    let result = SweepResult {
        about: super::About::of(study, base, opts.seed),
        trials: tally.base.trials,
        precision: crate::summary::Precision::of(opts, tally.widest_half_width()),
        axes: axes.to_vec(),
        points: pts,
        targets,
        notes,
    };
    Ok(result)
}

/// Whether point `p` meets `target` (a share) for `goal`: by its estimate, and by its whole
/// 95% interval.
fn met(p: &Point, goal: Objective, target: f64) -> (bool, bool) {
    let (estimate, low) = match goal {
        Objective::Step(s) => (p.steps[s as usize].compliance, p.steps[s as usize].ci95_low),
        Objective::Onward => p.onward.as_ref().map_or((None, None), |o| (o.compliance, o.ci95_low)),
        Objective::LivesSaved => (None, None),
    };
    (estimate.is_some_and(|c| c >= target), low.is_some_and(|l| l >= target))
}

/// For a grid, only which points meet each target: each step's, then the onward milestone's.
fn grid_targets(base: &Model, pts: &[Point]) -> Vec<TargetMet> {
    let onward = base.onward.as_ref().and_then(|o| o.target_pct).map(|t| (Objective::Onward, t));
    STEPS
        .iter()
        .enumerate()
        .filter_map(|(s, &step)| Some((Objective::Step(step), base.targets_pct[s]?)))
        .chain(onward)
        .map(|(goal, pct)| {
            let t = pct / 100.0;
            let of = |want: fn((bool, bool)) -> bool| -> Vec<String> {
                pts.iter().filter(|p| want(met(p, goal, t))).map(|p| p.values.join(" & ")).collect()
            };
            TargetMet { step: goal, target_pct: pct, met_at: of(|m| m.0), surely_met_at: of(|m| m.1), boundary: None }
        })
        .collect()
}

/// For one parameter: the values meeting each target, and the boundary when the values are
/// numbers and those meeting it form one run of them.
fn targets_met(base: &Model, pts: &[Point]) -> Vec<TargetMet> {
    let mut out = grid_targets(base, pts);
    let Some(values) = pts.iter().map(|p| p.values[0].parse::<f64>().ok()).collect::<Option<Vec<f64>>>() else {
        return out;
    };
    // The points in increasing order of the value, whatever order the sweep gave them in.
    let mut order: Vec<usize> = (0..pts.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    for t in &mut out {
        let flags: Vec<bool> = order.iter().map(|&i| met(&pts[i], t.step, t.target_pct / 100.0).0).collect();
        let (Some(a), Some(b)) = (flags.iter().position(|&m| m), flags.iter().rposition(|&m| m)) else { continue };
        if !flags[a..=b].iter().all(|&m| m) {
            continue;
        }
        let (lo, hi) = (&pts[order[a]].values[0], &pts[order[b]].values[0]);
        let n = flags.len() - 1;
        t.boundary = Some(match (a == 0, b == n) {
            (true, true) => format!("every value from {lo} to {hi}"),
            (true, false) => format!("≤ {hi}"),
            (false, true) => format!("≥ {lo}"),
            (false, false) => format!("from {lo} to {hi}"),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_read_lists_ranges_and_inline_tables() {
        let a: Axis = "asset.x.approval_min=0, 15,30".parse().unwrap();
        assert_eq!(a.values, ["0", "15", "30"]);
        let a: Axis = "zone.z.first_aider_share=0.5..1:6".parse().unwrap();
        assert_eq!(a.values, ["0.5", "0.6", "0.7", "0.8", "0.9", "1"]);
        // Whole values stay whole, so a count can be swept, and where a step is not whole only
        // the values between whole numbers are not.
        let a: Axis = "asset.x.count=1..3:3".parse().unwrap();
        assert_eq!(a.values, ["1", "2", "3"]);
        let a: Axis = "asset.x.count=1..2:3".parse().unwrap();
        assert_eq!(a.values, ["1", "1.5", "2"]);
        let a: Axis = "asset.x.approval_min=0..120:5".parse().unwrap();
        assert_eq!(a.values, ["0", "30", "60", "90", "120"]);
        let a: Axis = "asset.x.approval_min={ uniform = { min = 0, max = 10 } },5".parse().unwrap();
        assert_eq!(a.values, ["{ uniform = { min = 0, max = 10 } }", "5"]);
        for bad in ["k", "=1", "k=", "k=1,,2", "k=0..1", "k=0..1:1", "k=a..1:3", "k=0..1:100000"] {
            assert!(bad.parse::<Axis>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_grid_runs_every_combination_last_axis_fastest() {
        let a: Axis = "a=1,2".parse().unwrap();
        let b: Axis = "b=x,y,z".parse().unwrap();
        let p = points(&[a, b]);
        let shown: Vec<String> =
            p.iter().map(|p| p.iter().map(|o| o.value.clone()).collect::<Vec<_>>().join("")).collect();
        assert_eq!(shown, ["1x", "1y", "1z", "2x", "2y", "2z"]);
    }

    #[test]
    fn a_range_whose_steps_would_pass_the_largest_number_is_refused() {
        let e = "asset.a.approval_min=-1e308..1e308:3".parse::<Axis>().unwrap_err();
        assert!(e.contains("pass the largest number") && !e.contains("inf"), "{e}");
        let ok: Axis = "asset.a.approval_min=1e300..1e301:2".parse().unwrap();
        assert_eq!(ok.values, ["1e300", "1e301"]);
    }

    #[test]
    fn a_value_given_twice_is_refused() {
        let e = "asset.a.count=1,2,1".parse::<Axis>().unwrap_err();
        assert!(e.contains("gives 1 twice"), "{e}");
        assert!("asset.a.count=1,2,3".parse::<Axis>().is_ok());
    }

    #[test]
    fn a_key_given_twice_is_refused_however_it_is_written() {
        let axes = |a: &str, b: &str| [a.parse::<Axis>().unwrap(), b.parse::<Axis>().unwrap()];
        assert!(check_axes(&axes("asset.x.count=1,2", "asset.x.approval_min=0,5")).is_ok());
        let e = check_axes(&axes("asset.x.count=1", "asset.\"x\".count=2")).unwrap_err();
        assert!(e.starts_with("asset.\"x\".count is given twice"), "{e}");
        // A table swept beside a field inside it.
        let e = check_axes(&axes("scenario.thresholds_min.surgery=90,120", "scenario.thresholds_min={surgery=60}"))
            .unwrap_err();
        assert!(e.contains("set the same value"), "{e}");
        assert!(check_axes(&axes("zone.a.severity.t1=0.5", "zone.ab.severity.t1=0.5")).is_ok(), "paths, not text");
        let e = check_axes(&axes("a=0..1:21", "b=0..1:21")).unwrap_err();
        assert!(e.starts_with("441 points"), "{e}");
    }
}
