//! Common random numbers: two variants of a scenario see the same world wherever their inputs
//! agree, trial by trial, and a paired comparison is exact where it can be known.

mod common;

use casevac::compare::{PairedTally, run_paired_batch};
use casevac::model::Model;
use casevac::sim::{CasualtyTrace, Engine, TrialTrace};
use casevac::stats::Histograms;
use casevac::stats::tally::Groups;
use common::*;

/// A busy little mission: two helicopter groups and an ambulance, weather, serviceability,
/// random casualty counts, a mixed triage and half the patrols trained in first aid.
fn mission(units: u32, extra_asset: &str, dispatch: &str, tables: u32) -> String {
    let asset = format!(
        "kind = \"helicopter\"\nbase = \"base\"\ncount = {units}\nspeed_kmh = 200\nnight_capable = true\n\
         serviceability = 0.7\nweather_grounding = 0.2\napproval_min = {{ exponential = {{ mean = 20 }} }}\n\
         on_scene_min = {{ triangular = {{ min = 5, mode = 10, max = 20 }} }}\n\
         {extra_asset}\n\n\
         [[asset]]\nid = \"second\"\nkind = \"helicopter\"\nbase = \"hospital\"\nspeed_kmh = 180\n\
         night_capable = false\nserviceability = 0.8\nweather_grounding = 0.3\n\n\
         [[asset]]\nid = \"ambulance\"\nkind = \"ground\"\nbase = \"base\"\ncount = 2\nspeed_kmh = 40"
    );
    scenario(
        &format!("period_days = 10\ndispatch = \"{dispatch}\""),
        &format!("site = \"hospital\"\nlevel = \"level2\"\noperating_tables = {tables}"),
        &asset,
        "centre = { lat = 0.0, lon = 0.5 }\nradius_km = 30\nincidents_per_day = 2\n\
         casualties = { uniform = { min = 1, max = 4 } }\n\
         severity = { t1 = 0.4, t2 = 0.3, t3 = 0.3 }\nsurgery_share = { t1 = 0.9, t2 = 0.5, t3 = 0 }\n\
         first_aider_share = 0.5\nreport_delay_min = { exponential = { mean = 8 } }",
    )
}

fn traces(m: &Model, trials: u64) -> Vec<TrialTrace> {
    let mut engine = Engine::new(m);
    (0..trials).map(|i| engine.trace(31, i)).collect()
}

/// What a casualty is before any asset touches it.
fn drawn(c: &CasualtyTrace) -> (String, u64, u64, f64, f64, u8, bool, Option<f64>) {
    (
        c.zone.clone(),
        c.incident_key,
        c.casualty_key,
        c.wound_min,
        c.request_min,
        c.severity,
        c.needs_surgery,
        c.first_aider_min,
    )
}

#[test]
fn incidents_are_shared_under_a_change_of_asset_facility_or_dispatch() {
    let base = model(&mission(2, "", "first_idle", 1));
    let base_traces = traces(&base, 30);
    assert!(base_traces.iter().map(|t| t.casualties.len()).sum::<usize>() > 500, "enough casualties to mean something");
    let variants = [
        ("one more helicopter, faster", mission(3, "launch_day_min = 2", "first_idle", 1)),
        ("best-arrival dispatch", mission(2, "", "best_arrival", 1)),
        ("more operating tables", mission(2, "", "first_idle", 4)),
    ];
    for (what, text) in variants {
        let alt = model(&text);
        let alt_traces = traces(&alt, 30);
        let mut care_differs = false;
        for (tb, ta) in base_traces.iter().zip(&alt_traces) {
            let (db, da): (Vec<_>, Vec<_>) =
                (tb.casualties.iter().map(drawn).collect(), ta.casualties.iter().map(drawn).collect());
            assert_eq!(db, da, "{what}: the same casualties, wounded at the same times and places");
            care_differs |= tb.casualties.iter().zip(&ta.casualties).any(|(b, a)| b.surgery_min != a.surgery_min);
        }
        assert!(care_differs, "{what}: the change must change some casualty's care, or the test shows nothing");
    }
}

#[test]
fn a_new_shape_for_the_report_delay_leaves_every_other_draw_of_its_incidents_as_it_was() {
    // Distributions read different numbers of draws (a fixed value none, a PERT several), so
    // this holds only if the report delay draws from a stream of its own.
    let exponential = "report_delay_min = { exponential = { mean = 8 } }";
    let with = |report: &str| {
        mission(2, "", "first_idle", 1).replace(
            exponential,
            &format!(
                "{report}\nfirst_aid_min = {{ uniform = {{ min = 1, max = 9 }} }}\n\
                 first_aiders = {{ uniform = {{ min = 1, max = 3 }} }}"
            ),
        )
    };
    let base_traces = traces(&model(&with(exponential)), 30);
    // Everything a casualty is before help comes, but its request time, which follows the delay.
    let apart_from_request = |c: &CasualtyTrace| {
        let (zone, incident, casualty, wound, _, severity, surgery, aider) = drawn(c);
        (zone, incident, casualty, wound, severity, surgery, aider)
    };
    for report in [
        "report_delay_min = 8",
        "report_delay_min = { uniform = { min = 4, max = 12 } }",
        "report_delay_min = { pert = { min = 2, mode = 5, max = 30 } }",
    ] {
        let alt_traces = traces(&model(&with(report)), 30);
        let mut request_differs = false;
        for (tb, ta) in base_traces.iter().zip(&alt_traces) {
            let (db, da): (Vec<_>, Vec<_>) = (
                tb.casualties.iter().map(apart_from_request).collect(),
                ta.casualties.iter().map(apart_from_request).collect(),
            );
            assert_eq!(db, da, "{report}: the same casualties, with the same first aid");
            request_differs |= tb.casualties.iter().zip(&ta.casualties).any(|(b, a)| b.request_min != a.request_min);
        }
        assert!(request_differs, "{report}: the new delay must change some request, or the test shows nothing");
    }
}

#[test]
fn weather_and_serviceability_are_shared_by_unchanged_groups() {
    let base = model(&mission(2, "", "first_idle", 1));
    // The second helicopter group gets a new serviceability, the first a third unit.
    let alt_text = mission(3, "", "first_idle", 1).replace("serviceability = 0.8", "serviceability = 0.5");
    let alt = model(&alt_text);
    let (tb, ta) = (traces(&base, 20), traces(&alt, 20));
    let mut second_differs = false;
    for (b, a) in tb.iter().zip(&ta) {
        for (db, da) in b.days.iter().zip(&a.days) {
            assert_eq!((&db.asset, db.day), (&da.asset, da.day));
            match db.asset.as_str() {
                "unit" => {
                    assert_eq!(db.grounded, da.grounded, "weather of an unchanged group");
                    assert_eq!(da.serviceable.len(), 3);
                    assert_eq!(db.serviceable[..], da.serviceable[..2], "the first two units' days are kept");
                }
                "ambulance" => assert_eq!(db, da, "an untouched group"),
                _ => {
                    assert_eq!(db.grounded, da.grounded, "weather does not depend on serviceability");
                    second_differs |= db.serviceable != da.serviceable;
                }
            }
        }
    }
    assert!(second_differs, "the changed group's serviceability must change somewhere");
}

#[test]
fn a_lift_draws_the_same_delays_whichever_unit_of_the_group_flies_it() {
    // Rare incidents, so lifts almost never overlap: with one unit or with three, each lift is
    // flown by the first idle unit, and its random approval and on-scene times must match.
    let one = |count: u32| {
        model(&scenario(
            "period_days = 30",
            "site = \"hospital\"\nlevel = \"level2\"\noperating_tables = 10",
            &format!(
                "kind = \"helicopter\"\nbase = \"base\"\ncount = {count}\nspeed_kmh = 200\nnight_capable = true\n\
                 approval_min = {{ exponential = {{ mean = 30 }} }}\non_scene_min = {{ exponential = {{ mean = 15 }} }}"
            ),
            "centre = { lat = 0.0, lon = 0.5 }\nradius_km = 20\nincidents_per_day = 0.05\n\
             severity = { t1 = 1, t2 = 0, t3 = 0 }\nsurgery_share = { t1 = 1, t2 = 0, t3 = 0 }\n\
             first_aider_share = 0\nreport_delay_min = 5",
        ))
    };
    let (tb, ta) = (traces(&one(1), 200), traces(&one(3), 200));
    let mut lifts = 0;
    for (b, a) in tb.iter().zip(&ta) {
        if b.casualties.len() == 1 {
            assert_eq!(b.casualties, a.casualties, "a lone casualty's whole chain");
            lifts += 1;
        }
    }
    assert!(lifts > 50, "enough lone casualties to compare: {lifts}");
}

#[test]
fn a_scenario_compared_with_itself_differs_by_exactly_zero() {
    let m = model(&mission(2, "", "first_idle", 1));
    let t = run_paired_batch(&m, &[m.clone(), m.clone()], Histograms::Groups, 5, 0, 150, &|_| {});
    assert_eq!(t.casualty_mismatch_trials, vec![0, 0]);
    for alt in 0..2 {
        assert_eq!(t.alts[alt], t.base, "the same tally");
        for group in 0..t.base.groups().count() {
            for step in 0..3 {
                let d = t.difference(alt, group, step);
                if d.base.is_some() {
                    assert_eq!(d.difference, Some(0.0), "group {group} step {step}");
                    assert_eq!(d.half_width, Some(0.0), "group {group} step {step}");
                }
            }
        }
    }
}

#[test]
fn paired_tallies_merge_to_the_same_answer_in_any_split() {
    let base = model(&mission(2, "", "first_idle", 1));
    let alt = model(&mission(3, "", "first_idle", 1));
    let alts = [alt];
    let whole = run_paired_batch(&base, &alts, Histograms::Groups, 9, 0, 100, &|_| {});
    let mut parts = run_paired_batch(&base, &alts, Histograms::Groups, 9, 60, 40, &|_| {});
    let first: PairedTally = run_paired_batch(&base, &alts, Histograms::Groups, 9, 0, 60, &|_| {});
    parts.merge(&first);
    assert_eq!(whole, parts);
}

/// Keeping fewer histograms (as `levers`, `sweep` and `place` do) changes nothing but the
/// histograms left out: every count, sum and cross product is the full tally's, and all
/// casualties' histograms, where kept, are the full tally's first cells bin for bin.
#[test]
fn fewer_histograms_leave_every_other_count_as_it_was() {
    let base = model(&mission(2, "", "first_idle", 1));
    let alts = [model(&mission(3, "", "best_arrival", 2))];
    let full = run_paired_batch(&base, &alts, Histograms::Groups, 4, 0, 90, &|_| {});
    let cells = full.base.cells.len();
    assert!(full.base.hist_cells() == cells && cells > 3, "every group's histogram: {cells} cells");
    for (histograms, kept) in [(Histograms::Overall, 3), (Histograms::Off, 0)] {
        let mut fewer = run_paired_batch(&base, &alts, histograms, 4, 0, 90, &|_| {});
        for (f, t) in std::iter::once((&mut fewer.base, &full.base)).chain(fewer.alts.iter_mut().zip(&full.alts)) {
            assert_eq!(f.hist_cells(), kept, "{histograms:?}");
            let bins = f.hist.len();
            assert!(t.hist[bins..].iter().any(|&n| n > 0), "{histograms:?}: the left-out histograms are not empty");
            assert_eq!((&f.hist[..], &f.hist_ends[..]), (&t.hist[..bins], &t.hist_ends[..bins]), "{histograms:?}");
            assert!(f.hist(Groups::ALL + 1, 0).is_empty(), "{histograms:?}: a left-out group has none");
            // With the histograms put back, the tallies are equal.
            (f.hist, f.hist_ends) = (t.hist.clone(), t.hist_ends.clone());
        }
        assert_eq!(fewer, full, "{histograms:?}");
    }
}

/// z for a two-sided 99.99% interval, and for 95%.
const Z4: f64 = 3.890591886;
const Z95: f64 = 1.959963984540054;

/// One helicopter with a medical team serving requests at its own base: the resuscitation time
/// is the wait for the helicopter, an M/M/1 queue.
fn mm1(service_mean_min: f64) -> Model {
    model(&scenario(
        "period_days = 200\nthresholds_min = { first_aid = 60, resuscitation = 60, surgery = 120 }",
        "site = \"base\"\nlevel = \"level1\"",
        &format!(
            "kind = \"helicopter\"\nbase = \"base\"\nspeed_kmh = 100\nnight_capable = true\nmedical_team = true\n\
             launch_day_min = 0\nturnaround_min = 0\non_scene_min = {{ exponential = {{ mean = {service_mean_min} }} }}"
        ),
        "centre = { lat = 0.0, lon = 0.0 }\nradius_km = 0\nincidents_per_day = 12\n\
         severity = { t1 = 0, t2 = 1, t3 = 0 }\nsurgery_share = { t1 = 0, t2 = 0, t3 = 0 }\n\
         first_aider_share = 0\nreport_delay_min = 0",
    ))
}

#[test]
fn a_faster_helicopter_turnaround_matches_the_difference_of_two_mm1_queues() {
    // lambda = 12 a day = 1/120 per min. M/M/1: P(wait <= t) = 1 - rho exp(-(mu - lambda) t).
    // Base: mean service 60 min (rho = 1/2); alternative: 40 min (rho = 1/3); t = 60 min.
    let p = |service: f64, t: f64| {
        let (lambda, mu) = (1.0 / 120.0, 1.0 / service);
        1.0 - lambda / mu * (-(mu - lambda) * t).exp()
    };
    let (pb, pa) = (p(60.0, 60.0), p(40.0, 60.0));
    assert!((pb - 0.696734).abs() < 1e-6 && (pa - 0.877374).abs() < 1e-6, "closed forms by hand");
    let t = run_paired_batch(&mm1(60.0), &[mm1(40.0)], Histograms::Groups, 12, 0, 60, &|_| {});
    assert_eq!(t.casualty_mismatch_trials, vec![0], "the same requests in both");
    let d = t.difference(0, 0, 1);
    let (b, a, diff, hw) = (d.base.unwrap(), d.alt.unwrap(), d.difference.unwrap(), d.half_width.unwrap());
    // Each side against its closed form, with its own interval; the difference with the paired one.
    let se = |c: &casevac::stats::tally::Cell| {
        let (_, lo, hi) = casevac::stats::interval::compliance(c, t.base.trials);
        (hi - lo) / 2.0 / Z95
    };
    assert!((b - pb).abs() <= Z4 * se(t.base.cell(0, 1)), "base {b} vs M/M/1 {pb}");
    assert!((a - pa).abs() <= Z4 * se(t.alts[0].cell(0, 1)), "alternative {a} vs M/M/1 {pa}");
    assert!((diff - (pa - pb)).abs() <= Z4 / Z95 * hw, "difference {diff} ± {hw} vs {}", pa - pb);
    let independent = d.independent_half_width.unwrap();
    assert!(hw < independent, "pairing narrows the interval: {hw} vs {independent}");
}

#[test]
fn the_paired_interval_from_tallies_equals_the_one_from_per_trial_differences() {
    // The tallies keep only sums of products; the interval they give must be exactly the one
    // computed the long way, from each trial's own counts.
    let base = model(&mission(2, "", "first_idle", 1));
    let alts = [model(&mission(3, "launch_day_min = 2", "best_arrival", 2))];
    let k = 120u64;
    let per_trial: Vec<PairedTally> =
        (0..k).map(|i| run_paired_batch(&base, &alts, Histograms::Groups, 3, i, 1, &|_| {})).collect();
    let mut merged = per_trial[0].clone();
    for t in &per_trial[1..] {
        merged.merge(t);
    }
    for step in 0..3 {
        let counts = |t: &PairedTally| {
            let (b, a) = (t.base.cell(0, step), t.alts[0].cell(0, step));
            (b.n as f64, b.compliant as f64, a.n as f64, a.compliant as f64)
        };
        let rows: Vec<_> = per_trial.iter().map(counts).collect();
        let sum = |f: fn(&(f64, f64, f64, f64)) -> f64| rows.iter().map(f).sum::<f64>();
        let (nb, cb, na, ca) = (sum(|r| r.0), sum(|r| r.1), sum(|r| r.2), sum(|r| r.3));
        let (rb, ra) = (cb / nb, ca / na);
        let kf = k as f64;
        let (nbar_b, nbar_a) = (nb / kf, na / kf);
        let e: Vec<(f64, f64)> = rows.iter().map(|r| ((r.3 - ra * r.2) / nbar_a, (r.1 - rb * r.0) / nbar_b)).collect();
        let scale = kf * (kf - 1.0);
        let paired = Z95 * (e.iter().map(|(a, b)| (a - b).powi(2)).sum::<f64>() / scale).sqrt();
        let independent = Z95 * (e.iter().map(|(a, b)| a * a + b * b).sum::<f64>() / scale).sqrt();
        let d = merged.difference(0, 0, step);
        let rel = |x: f64, y: f64| (x - y).abs() / y.max(1e-12);
        assert!(rel(d.half_width.unwrap(), paired) < 1e-9, "step {step}: {d:?} vs {paired}");
        assert!(rel(d.independent_half_width.unwrap(), independent) < 1e-9, "step {step}: {d:?} vs {independent}");
        assert!((d.difference.unwrap() - (ra - rb)).abs() < 1e-12);
        // More and faster helicopters move resuscitation and surgery (first aid rarely waits for them).
        assert!(
            step == 0 || paired > 0.0,
            "step {step}: the change must move something for the check to mean anything"
        );
    }
}

/// A precision target is met only by intervals that say something: a difference from one trial
/// has none, and one equal in every trial so far (a slower ambulance at Menaka, whose few
/// casualties the first trials may not hold) counts as ±3/K for K trials, the rule of three,
/// so a target of ±0.2 points needs at least 1,500 trials however early the rows agree.
#[test]
fn a_precision_target_is_not_met_by_one_trial_nor_by_rows_equal_in_a_few() {
    use casevac::compare::run_paired;
    use casevac::run::RunOptions;
    use casevac::summary::Precision;
    let base = casevac::scenario::load(std::path::Path::new("scenarios/sahel-north.toml")).unwrap();
    let mut alt = base.clone();
    alt.assets.iter_mut().find(|a| a.id == "menaka_amb").unwrap().speed_kmh = 30.0;
    let alts = [alt];
    let opts = |trials, max_trials| RunOptions { trials, seed: 1012, half_width_share: Some(0.002), max_trials };
    let one = run_paired(&base, &alts, Histograms::Off, &opts(1, 1), &|_| {});
    let p = Precision::of(&opts(1, 1), one.widest_half_width()).unwrap();
    assert!(!p.precision_met && p.achieved_points.is_infinite(), "{p:?}");
    assert_eq!(p.achieved(), "none (one trial gives no interval)");
    let few = run_paired(&base, &alts, Histograms::Off, &opts(5, 5), &|_| {});
    assert!((0..3).all(|s| few.difference(0, 0, s).half_width == Some(0.0)), "the rows agree in 5 trials");
    let p = Precision::of(&opts(5, 5), few.widest_half_width()).unwrap();
    assert!(!p.precision_met && (p.achieved_points - 60.0).abs() < 1e-9, "{p:?}");
    assert!(p.achieved().contains("the same in each of 5 trials"), "{}", p.achieved());
    let run = run_paired(&base, &alts, Histograms::Off, &opts(5, 100_000), &|_| {});
    assert!(run.base.trials >= 1500, "{} trials", run.base.trials);
    assert!(Precision::of(&opts(5, 100_000), run.widest_half_width()).unwrap().precision_met);
}
