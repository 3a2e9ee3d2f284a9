//! The outcome model against answers known without the simulator: instant care kills nobody,
//! no care follows Webster's untreated curve, a deterministic chain gives the hand-computed
//! probability, and a scenario compared with itself saves exactly no lives. Binomial tolerances
//! are about 4 standard errors, as in tests/closed_form.rs.

mod common;

use casevac::compare::{Comparison, run_paired_batch};
use casevac::run::run_batch;
use casevac::stats::Histograms;
use casevac::stats::interval::wilson;
use common::*;

/// z for a two-sided 99.99% interval.
const Z4: f64 = 3.890591886;

/// Webster et al. 2021, written out here independently of the library: of the 130 killed in
/// action not dead at 0 min, 32, 104 and 127 dead by 10, 60 and 120 min; the rest by 240.
const KNOTS: [(f64, f64); 5] =
    [(0.0, 0.0), (10.0, 32.0 / 130.0), (60.0, 104.0 / 130.0), (120.0, 127.0 / 130.0), (240.0, 1.0)];

fn webster(t: f64) -> f64 {
    for w in KNOTS.windows(2) {
        let ((t0, c0), (t1, c1)) = (w[0], w[1]);
        if t < t1 {
            return c0 + (c1 - c0) * (t - t0) / (t1 - t0);
        }
    }
    1.0
}

/// One zone of T1 casualties who all need surgery, the asset and hospital as given, at the
/// hospital's site unless `centre` says otherwise.
fn one_zone(asset: &str, zone: &str, outcomes: &str) -> casevac::model::Model {
    let mut text = scenario(
        "period_days = 20",
        "site = \"hospital\"\nlevel = \"level2\"\noperating_tables = 100\noperations_per_day = 100000\nhandover_min = 0\nsurgery_min = 50",
        asset,
        &format!(
            "radius_km = 0\nincidents_per_day = 5\nseverity = {{ t1 = 1, t2 = 0, t3 = 0 }}\n\
             surgery_share = {{ t1 = 1, t2 = 0, t3 = 0 }}\n{zone}"
        ),
    );
    text.push_str(&format!("\n[outcomes]\n{outcomes}\n"));
    model(&text)
}

const QUICK_HELICOPTER: &str = "kind = \"helicopter\"\nbase = \"hospital\"\ncount = 100\nspeed_kmh = 120\n\
    stretchers = 1\nnight_capable = true\napproval_min = 0\nlaunch_day_min = 0\nlaunch_night_min = 0\n\
    escort_min = 0\non_scene_min = 0\nturnaround_min = 0\nmedical_team = true";

#[test]
fn with_instant_care_nobody_potentially_survivable_dies() {
    let m = one_zone(
        QUICK_HELICOPTER,
        "centre = { lat = 0.0, lon = 1.0 }\nfirst_aider_share = 1\nfirst_aid_min = 0\nreport_delay_min = 0\n\
         escort_required = false",
        "p_fatal = { t1 = 1, t2 = 1, t3 = 1 }\np_fatal_high = { t1 = 1, t2 = 1, t3 = 1 }",
    );
    let (_, s) = run(&m, 3, 20);
    assert!(s.casualties > 1000);
    assert_eq!(s.steps[2].mean_min, Some(0.0), "surgery at the moment of wounding");
    let d = s.deaths.expect("the outcome model is on");
    assert_eq!(d.per_trial, 0.0);
    assert_eq!(d.sensitivity.high_per_trial, 0.0);
    assert_eq!(d.drawn_deaths, 0);
}

#[test]
fn with_no_care_deaths_follow_the_untreated_curve() {
    // The request comes after follow-up ends and nobody on scene is trained: no care at all.
    let m = one_zone(
        QUICK_HELICOPTER,
        "centre = { lat = 0.0, lon = 1.0 }\nfirst_aider_share = 0\nreport_delay_min = 100000",
        "p_fatal = { t1 = 1, t2 = 0, t3 = 0 }\np_fatal_high = { t1 = 1, t2 = 0.05, t3 = 0 }",
    );
    let (_, s) = run(&m, 4, 40);
    let d = s.deaths.expect("the outcome model is on");
    // Every casualty is potentially fatal and untreated: each dies for certain.
    assert_eq!(d.drawn_deaths, s.casualties);
    assert!((d.per_trial * 40.0 - s.casualties as f64).abs() < 1e-6);
    let n = d.drawn_deaths as f64;
    for (bin, t) in [(0, 10.0), (1, 60.0), (2, 120.0)] {
        let got = d.drawn_by_time[bin].cumulative_share.expect("deaths");
        assert_eq!(d.drawn_by_time[bin].up_to_min, Some(t));
        let (lo, hi) = wilson(webster(t) * n, n, Z4);
        assert!((lo..=hi).contains(&got), "dead by {t} min: {got}, curve {} [{lo}, {hi}]", webster(t));
    }
    assert_eq!(d.drawn_by_time[3].cumulative_share, Some(1.0), "all dead by 240 min");
    // Care at doctrinal times (defaults 0.7 and 0.26) would have run the clock to
    // 10 + 0.7 × 50 + 0.7 × 0.26 × 60 minutes by surgery: the rest of the deaths were preventable.
    let doctrine = 10.0 + 0.7 * 50.0 + 0.7 * 0.26 * 60.0;
    let share = d.preventable_share.expect("deaths");
    assert!((share - (1.0 - webster(doctrine))).abs() < 1e-6, "{share}");
}

#[test]
fn a_deterministic_chain_gives_the_hand_computed_probability() {
    // Half a degree at 120 km/h each way; no first-aider, so the crew gives first aid; the
    // hospital resuscitates on arrival (no team aboard) and operates at once.
    let leg = 0.5 * km_per_degree() / 120.0 * 60.0;
    let first_aid = 2.0 + 7.0 + 5.0 + 4.0 + leg;
    let resuscitation = first_aid + 4.0 + leg;
    let surgery = resuscitation;
    let asset = "kind = \"helicopter\"\nbase = \"hospital\"\ncount = 100\nspeed_kmh = 120\nstretchers = 1\n\
        night_capable = true\napproval_min = 7\nlaunch_day_min = 5\nlaunch_night_min = 5\nescort_min = 4\n\
        on_scene_min = 4\nturnaround_min = 6";
    let m = one_zone(
        asset,
        "centre = { lat = 0.0, lon = 0.5 }\nfirst_aider_share = 0\nreport_delay_min = 2",
        "p_fatal = { t1 = 0.3, t2 = 0.02, t3 = 0 }\nfirst_aid_factor = 0.7\nresuscitation_factor = 0.26",
    );
    let (_, s) = run(&m, 5, 40);
    for (step, want) in s.steps.iter().zip([first_aid, resuscitation, surgery]) {
        assert!((step.mean_min.expect("reached") - want).abs() < 1e-3, "{}", step.step.label());
    }
    // The dying clock runs at 1 until first aid, at 0.7 until surgery (resuscitation comes
    // with it): τ = first_aid + 0.7 (surgery − first_aid).
    let clock = first_aid + 0.7 * (surgery - first_aid);
    let p = 0.3 * webster(clock);
    let d = s.deaths.expect("the outcome model is on");
    let t1 = &d.by_severity[0];
    // Each casualty's probability is kept to a billionth.
    assert!((t1.per_casualty.expect("casualties") - p).abs() < 1e-9, "{:?} against {p}", t1.per_casualty);
    let n = s.casualties as f64;
    let (lo, hi) = wilson(p * n, n, Z4);
    let drawn = d.drawn_deaths as f64 / n;
    assert!((lo..=hi).contains(&drawn), "drawn {drawn} outside [{lo}, {hi}] around {p}");
    // At doctrinal times first aid comes at 10 and resuscitation at 60; surgery, already before
    // 120, stays: the clock runs 10 + 0.7 × 50 + 0.7 × 0.26 × (surgery − 60).
    let doctrine = 10.0 + 0.7 * (surgery.min(60.0) - 10.0) + 0.7 * 0.26 * (surgery - surgery.min(60.0));
    let prevented = 0.3 * (webster(clock) - webster(doctrine));
    let share = d.preventable_share.expect("deaths");
    assert!((share - prevented / p).abs() < 1e-6, "{share} against {}", prevented / p);
    // Deaths against time to care: every T1 in the one span that holds its surgery time, at
    // 100 p deaths per 100 (T3 cannot die and is not counted).
    let bin = casevac::outcome::CARE_BINS_MIN.iter().position(|&e| surgery <= e).expect("within a day");
    let spans = &d.by_time_to_care;
    let t1_and_t2 = d.by_severity[0].casualties + d.by_severity[1].casualties;
    for (i, b) in spans.iter().enumerate() {
        assert_eq!(b.casualties, if i == bin { t1_and_t2 } else { 0 }, "span {i}");
    }
    let per_100 = spans[bin].deaths_per_100.expect("casualties in the span");
    let t2_p = 0.02 * webster(clock);
    let (n1, n2) = (d.by_severity[0].casualties as f64, d.by_severity[1].casualties as f64);
    let want = 100.0 * (n1 * p + n2 * t2_p) / (n1 + n2);
    assert!((per_100 - want).abs() < 1e-6, "{per_100} against {want}");
}

#[test]
fn a_clinic_without_blood_is_definitive_care_for_a_casualty_who_needs_no_surgery() {
    // The chain of the test above, to a Level 1 clinic, with T1 casualties who need no surgery:
    // their dying stops when the clinic receives them, with blood or without. Counting only
    // blood, the clinic without it had been no care at all: every potentially fatal one died.
    let leg = 0.5 * km_per_degree() / 120.0 * 60.0;
    let first_aid = 2.0 + 7.0 + 5.0 + 4.0 + leg;
    let at_clinic = first_aid + 4.0 + leg;
    let clock = first_aid + 0.7 * (at_clinic - first_aid);
    let asset = "kind = \"helicopter\"\nbase = \"hospital\"\ncount = 100\nspeed_kmh = 120\nstretchers = 1\n\
        night_capable = true\napproval_min = 7\nlaunch_day_min = 5\nlaunch_night_min = 5\nescort_min = 4\n\
        on_scene_min = 4\nturnaround_min = 6";
    for care in ["als", "dcr"] {
        let mut text = scenario(
            "period_days = 20",
            &format!("site = \"hospital\"\nlevel = \"level1\"\ncare = \"{care}\"\nhandover_min = 0"),
            asset,
            "centre = { lat = 0.0, lon = 0.5 }\nradius_km = 0\nincidents_per_day = 5\n\
             severity = { t1 = 1, t2 = 0, t3 = 0 }\nsurgery_share = { t1 = 0, t2 = 0, t3 = 0 }\n\
             first_aider_share = 0\nreport_delay_min = 2",
        );
        text.push_str("\n[outcomes]\np_fatal = { t1 = 0.3, t2 = 0.02, t3 = 0 }\nfirst_aid_factor = 0.7\n");
        let (_, s) = run(&model(&text), 5, 40);
        let t1 = &s.deaths.expect("the outcome model is on").by_severity[0];
        let p = 0.3 * webster(clock);
        assert!((t1.per_casualty.expect("casualties") - p).abs() < 1e-9, "{care}: {:?} against {p}", t1.per_casualty);
    }
}

#[test]
fn a_scenario_compared_with_itself_saves_exactly_no_lives() {
    let m = model(&std::fs::read_to_string("scenarios/sahel-north.toml").expect("bundled scenario"));
    let tally = run_paired_batch(&m, std::slice::from_ref(&m), Histograms::Groups, 9, 0, 60, &|_| {});
    let labels = ["a".to_string(), "b".to_string()];
    let c = Comparison::new(&m, std::slice::from_ref(&m), &labels, &tally, 9);
    let l = c.alternatives[0].lives_saved.as_ref().expect("both run the outcome model");
    assert_eq!(l.per_trial, 0.0);
    assert_eq!((l.ci95_low, l.ci95_high), (Some(0.0), Some(0.0)));
    assert_eq!((l.per_trial_low_params, l.per_trial_high_params), (0.0, 0.0));
}

#[test]
fn deaths_tallies_merge_exactly_in_any_split() {
    let m = model(&std::fs::read_to_string("scenarios/sahel-north.toml").expect("bundled scenario"));
    let whole = run_batch(&m, 11, 0, 30, &|_| {});
    let mut parts = run_batch(&m, 11, 17, 13, &|_| {});
    parts.merge(&run_batch(&m, 11, 0, 17, &|_| {}));
    assert_eq!(whole.deaths, parts.deaths);
    assert_eq!(whole.deaths_nano2, parts.deaths_nano2);
    assert_eq!(whole.death_time_bins, parts.death_time_bins);
    assert!(whole.deaths[0].drawn > 0);
}

#[test]
fn the_model_can_be_turned_off_and_bad_parameters_are_refused() {
    let off = one_zone(
        QUICK_HELICOPTER,
        "centre = { lat = 0.0, lon = 1.0 }\nfirst_aider_share = 1\nreport_delay_min = 0",
        "enabled = false",
    );
    assert!(run(&off, 1, 2).1.deaths.is_none());
    let text = scenario(
        "",
        "site = \"hospital\"\nlevel = \"level2\"",
        QUICK_HELICOPTER,
        "centre = { lat = 0.0, lon = 1.0 }\nradius_km = 0\nincidents_per_day = 1\nseverity = { t1 = 1, t2 = 0, t3 = 0 }\n\
         surgery_share = { t1 = 1, t2 = 0, t3 = 0 }\nfirst_aider_share = 1\nreport_delay_min = 0",
    ) + "\n[outcomes]\nresuscitation_factor = 0.9\ndeath_curve_min = [10, 5]\ndeath_curve_cum = [0.5, 1]\n";
    let err = casevac::scenario::parse(&text, "bad.toml").expect_err("refused").to_string();
    assert!(err.contains("resuscitation_factor must satisfy low <= central <= high"), "{err}");
    assert!(err.contains("the death curve is not a cumulative distribution"), "{err}");
}

#[test]
fn compare_of_the_sahel_pair_reports_lives_saved_with_an_interval() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_casevac"))
        .args(["compare", "scenarios/sahel-north.toml", "scenarios/sahel-north-fst-kidal.toml", "--trials", "100"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.contains("lives saved (modelled)")).expect("a lives-saved line");
    assert!(line.contains("a trial (95% CI") && line.contains("a year (95% CI"), "{line}");
}
