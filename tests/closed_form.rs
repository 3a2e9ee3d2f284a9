//! Model features checked against answers known independently of the simulator: deterministic
//! chains computed by hand, exponential delays, and the M/M/1 and M/M/c queues. Tolerances come
//! from confidence intervals, wide enough (about 4 standard errors) that a correct engine fails
//! with negligible probability, narrow enough that a modelling error shows.

mod common;

use casevac::run::run_batch;
use casevac::stats::interval::wilson;
use casevac::stats::tally::Phase;
use common::*;

/// z for a two-sided 99.99% interval.
const Z4: f64 = 3.890591886;

fn assert_close(got: f64, want: f64, tol: f64, what: &str) {
    assert!((got - want).abs() <= tol, "{what}: got {got}, want {want} ± {tol}");
}

/// Every delay fixed, no contention (plenty of units and tables), no night: the three times
/// follow from the distances alone.
fn deterministic(asset_kind: &str, thresholds: &str, access: &str) -> casevac::model::Model {
    model(&scenario(
        &format!("period_days = 20\nthresholds_min = {thresholds}"),
        "site = \"hospital\"\nlevel = \"level2\"\noperating_tables = 100\noperations_per_day = 100000\nhandover_min = 3\nsurgery_min = 50",
        &format!(
            "kind = \"{asset_kind}\"\nbase = \"base\"\ncount = 100\nspeed_kmh = 120\nstretchers = 1\n\
             night_capable = true\napproval_min = 7\nlaunch_day_min = 5\nlaunch_night_min = 5\n\
             escort_min = 4\non_scene_min = 4\nturnaround_min = 6"
        ),
        &format!(
            "centre = {{ lat = 0.0, lon = 0.5 }}\nradius_km = 0\nincidents_per_day = 5\n\
             severity = {{ t1 = 1, t2 = 0, t3 = 0 }}\nsurgery_share = {{ t1 = 1, t2 = 0, t3 = 0 }}\n\
             first_aider_share = 0\nreport_delay_min = 2\n{access}"
        ),
    ))
}

#[test]
fn deterministic_air_chain_gives_hand_computed_times() {
    // Half a degree each way at 120 km/h. Zones require an escort by default, and escort_min
    // applies to any kind of asset, so the 4-minute escort counts here too.
    let leg = 0.5 * km_per_degree() / 120.0 * 60.0;
    let first_aid = 2.0 + 7.0 + 5.0 + 4.0 + leg;
    let resus = first_aid + 4.0 + leg;
    let surgery = resus + 3.0;
    let m = deterministic("helicopter", "{ first_aid = 60, resuscitation = 120, surgery = 180 }", "");
    let (_, s) = run(&m, 1, 20);
    assert!(s.casualties > 1000);
    for (step, want) in s.steps.iter().zip([first_aid, resus, surgery]) {
        assert_close(step.mean_min.unwrap(), want, 1e-3, step.step.label());
        assert_eq!(step.compliance, Some(1.0));
    }
}

#[test]
fn deterministic_ground_chain_uses_road_factor_and_terrain_speed() {
    // Ground: straight line x 1.5 road factor at 120 km/h x 0.5 terrain factor.
    let leg = 0.5 * km_per_degree() * 1.5 / (120.0 * 0.5) * 60.0;
    let first_aid = 2.0 + 7.0 + 5.0 + 4.0 + leg;
    let resus = first_aid + 4.0 + leg;
    let surgery = resus + 3.0;
    // Thresholds just below each time: nobody complies.
    let th = format!(
        "{{ first_aid = {}, resuscitation = {}, surgery = {} }}",
        first_aid - 0.01,
        resus - 0.01,
        surgery - 0.01
    );
    let m = deterministic("ground", &th, "road_factor = 1.5\nground_speed_factor = 0.5");
    let (_, s) = run(&m, 2, 10);
    for (step, want) in s.steps.iter().zip([first_aid, resus, surgery]) {
        assert_close(step.mean_min.unwrap(), want, 1e-3, step.step.label());
        assert_eq!(step.compliance, Some(0.0), "{}", step.step.label());
    }
}

#[test]
fn medical_team_resuscitates_on_scene_and_no_escort_zone_skips_escort() {
    let leg = 0.5 * km_per_degree() / 120.0 * 60.0;
    let text = scenario(
        "period_days = 20",
        "site = \"hospital\"\nlevel = \"level1\"",
        "kind = \"ground\"\nbase = \"base\"\ncount = 100\nspeed_kmh = 120\n\
         approval_min = 7\nlaunch_day_min = 5\nlaunch_night_min = 5\nescort_min = 40\n\
         medical_team = true",
        "centre = { lat = 0.0, lon = 0.5 }\nradius_km = 0\nincidents_per_day = 5\n\
         severity = { t1 = 0, t2 = 1, t3 = 0 }\nsurgery_share = { t1 = 0, t2 = 0, t3 = 0 }\n\
         first_aider_share = 0\nreport_delay_min = 2\nroad_factor = 1\nescort_required = false",
    );
    let (_, s) = run(&model(&text), 3, 10);
    let on_scene = 2.0 + 7.0 + 5.0 + leg;
    assert_close(s.steps[0].mean_min.unwrap(), on_scene, 1e-3, "first aid");
    assert_close(s.steps[1].mean_min.unwrap(), on_scene, 1e-3, "resuscitation by the team");
    assert_eq!(s.steps[2].eligible, 0);
}

/// Zero travel, zero delays but the one under test; plenty of units.
fn instant_chain(extra_scenario: &str, asset_extra: &str, zone_extra: &str) -> String {
    scenario(
        &format!("period_days = 100\n{extra_scenario}"),
        "site = \"base\"\nlevel = \"level2\"\noperating_tables = 1000\noperations_per_day = 100000\nhandover_min = 0\nsurgery_min = 0",
        &format!(
            "kind = \"helicopter\"\nbase = \"base\"\ncount = 1000\nspeed_kmh = 100\nstretchers = 1\n\
             night_capable = true\nlaunch_day_min = 0\non_scene_min = 0\nturnaround_min = 0\n{asset_extra}"
        ),
        &format!(
            "centre = {{ lat = 0.0, lon = 0.0 }}\nradius_km = 0\nincidents_per_day = 20\n\
             severity = {{ t1 = 1, t2 = 0, t3 = 0 }}\nsurgery_share = {{ t1 = 0, t2 = 0, t3 = 0 }}\n\
             first_aider_share = 0\n{zone_extra}"
        ),
    )
}

#[test]
fn exponential_reporting_delay_gives_one_minus_exp_compliance() {
    // First aid arrives with the asset, dispatched the moment the request comes: the time to first
    // aid is the reporting delay, so P(<= 10 min) = 1 - exp(-10 / 8).
    let m = model(&instant_chain("", "", "report_delay_min = { exponential = { mean = 8 } }"));
    let (_, s) = run(&m, 4, 100);
    let fa = &s.steps[0];
    assert!(fa.eligible > 150_000);
    let want = 1.0 - (-10.0_f64 / 8.0).exp();
    let (lo, hi) = wilson(fa.compliant as f64, fa.eligible as f64, Z4);
    assert!(lo <= want && want <= hi, "{want} outside [{lo}, {hi}]");
    // The mean delay is 8 min; its standard error is 8/sqrt(n).
    let se = 8.0 / (fa.eligible as f64).sqrt();
    assert_close(fa.mean_min.unwrap(), 8.0, Z4 * se, "mean time to first aid");
    // Its median is 8 ln 2. The sample median's standard error is 1 / (2 f(median) sqrt(n)),
    // with density f(median) = 1/16; interpolating within a one-minute bin where the density
    // falls by a factor e^(-1/8) adds at most a few hundredths of a minute more.
    let median = 8.0 * 2f64.ln();
    let se_median = 1.0 / (2.0 / 16.0 * (fa.eligible as f64).sqrt());
    assert_close(fa.median_min.unwrap(), median, Z4 * se_median + 0.03, "median");
}

#[test]
fn request_clock_origin_ignores_reporting_delay() {
    // With the clock starting at the request, a 30-minute mean exponential approval delay alone
    // decides resuscitation by the team aboard, P(<= 60) = 1 - exp(-2), and first aid, which
    // arrives with the same crew, P(<= 10) = 1 - exp(-1/3).
    let m = model(&instant_chain(
        "clock_origin = \"request\"",
        "approval_min = { exponential = { mean = 30 } }\nmedical_team = true",
        "report_delay_min = 25",
    ));
    let (_, s) = run(&m, 5, 40);
    let r = &s.steps[1];
    let want = 1.0 - (-2.0_f64).exp();
    let (lo, hi) = wilson(r.compliant as f64, r.eligible as f64, Z4);
    assert!(lo <= want && want <= hi, "{want} outside [{lo}, {hi}]");
    let fa = &s.steps[0];
    let want = 1.0 - (-10.0_f64 / 30.0).exp();
    let (lo, hi) = wilson(fa.compliant as f64, fa.eligible as f64, Z4);
    assert!(lo <= want && want <= hi, "first aid: {want} outside [{lo}, {hi}]");
}

/// A statistic of each trial, from trials run one at a time: independent values whose mean
/// and standard error give the tolerance.
fn per_trial(
    m: &casevac::model::Model,
    seed: u64,
    trials: u64,
    stat: impl Fn(&casevac::stats::Tally) -> f64,
) -> Vec<f64> {
    (0..trials).map(|i| stat(&run_batch(m, seed, i, 1, &|_| {}))).collect()
}

/// Mean minutes of a phase over zone 0 in one trial.
fn phase_mean(phase: Phase) -> impl Fn(&casevac::stats::Tally) -> f64 {
    move |t| t.phase_sum_mmin[phase as usize] as f64 / 1000.0 / t.phase_n[phase as usize] as f64
}

/// Share of the period that the units of asset group 0 were busy, in one trial.
fn asset_utilisation(m: &casevac::model::Model) -> impl Fn(&casevac::stats::Tally) -> f64 + '_ {
    move |t| t.asset_busy_mmin[0] as f64 / 1000.0 / (m.assets[0].count as f64 * m.period_min)
}

/// Share of the period that facility 0's tables were busy, in one trial.
fn table_utilisation(m: &casevac::model::Model) -> impl Fn(&casevac::stats::Tally) -> f64 + '_ {
    move |t| t.table_busy_mmin[0] as f64 / 1000.0 / (m.facilities[0].tables as f64 * m.period_min)
}

/// Asserts that the mean of independent per-trial values is `want` within 4 standard errors.
fn assert_mean(values: &[f64], want: f64, what: &str) {
    let (mean, se) = mean_se(values);
    assert_close(mean, want, Z4 * se, what);
}

/// Requests at `per_day` a day, all at the base, and `units` helicopters each busy an
/// exponential `service_min` a mission and nothing else: an M/M/c queue.
fn helicopter_queue(units: u32, per_day: u32, service_min: f64, days: u32) -> String {
    scenario(
        &format!("period_days = {days}"),
        "site = \"base\"\nlevel = \"level1\"",
        &format!(
            "kind = \"helicopter\"\nbase = \"base\"\ncount = {units}\nspeed_kmh = 100\nnight_capable = true\n\
             launch_day_min = 0\nturnaround_min = 0\non_scene_min = {{ exponential = {{ mean = {service_min} }} }}"
        ),
        &format!(
            "centre = {{ lat = 0.0, lon = 0.0 }}\nradius_km = 0\nincidents_per_day = {per_day}\n\
             severity = {{ t1 = 0, t2 = 0, t3 = 1 }}\nsurgery_share = {{ t1 = 0, t2 = 0, t3 = 0 }}\n\
             first_aider_share = 0\nreport_delay_min = 0"
        ),
    )
}

#[test]
fn single_helicopter_waiting_time_matches_mm1() {
    // Requests arrive as a Poisson process at 12 a day (lambda = 1/120 per min); one helicopter
    // is busy for an exponential 60 min a mission (mu = 1/60). rho = 0.5, and M/M/1 gives a mean
    // wait in queue of rho / (mu - lambda) = 60 min and utilisation rho.
    let text = helicopter_queue(1, 12, 60.0, 200);
    let m = model(&text);
    assert_mean(&per_trial(&m, 6, 40, phase_mean(Phase::WaitAsset)), 60.0, "M/M/1 mean wait");
    assert_mean(&per_trial(&m, 6, 40, asset_utilisation(&m)), 0.5, "M/M/1 utilisation");
    let (tally, _) = run(&m, 6, 40);
    assert!(tally.casualties > 80_000);
}

/// Erlang C: probability an arrival waits in an M/M/c queue with offered load a = lambda / mu.
fn erlang_c(c: u32, a: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / k as f64;
        }
        sum += term;
    }
    let top = term * a / c as f64 * (c as f64 / (c as f64 - a));
    top / (sum + top)
}

#[test]
fn operating_tables_queue_matches_mmc() {
    // Casualties reach the hospital the moment they are wounded (36 a day, lambda = 1/40 per
    // min); two tables, exponential 60-minute operations: a = 1.5, rho = 0.75. Erlang C gives
    // the mean wait C(2, 1.5) / (2 mu - lambda).
    let text = scenario(
        "period_days = 150",
        "site = \"base\"\nlevel = \"level2\"\noperating_tables = 2\noperations_per_day = 100000\nhandover_min = 0\n\
         surgery_min = { exponential = { mean = 60 } }",
        "kind = \"helicopter\"\nbase = \"base\"\ncount = 1000\nspeed_kmh = 100\nstretchers = 1\n\
         night_capable = true\nlaunch_day_min = 0\non_scene_min = 0\nturnaround_min = 0",
        "centre = { lat = 0.0, lon = 0.0 }\nradius_km = 0\nincidents_per_day = 36\n\
         severity = { t1 = 1, t2 = 0, t3 = 0 }\nsurgery_share = { t1 = 1, t2 = 0, t3 = 0 }\n\
         first_aider_share = 0\nreport_delay_min = 0",
    );
    let m = model(&text);
    let (lambda, mu) = (1.0 / 40.0, 1.0 / 60.0);
    let want = erlang_c(2, lambda / mu) / (2.0 * mu - lambda);
    assert_close(want, 77.142857, 1e-4, "Erlang C by hand");
    assert_mean(&per_trial(&m, 7, 40, phase_mean(Phase::WaitTable)), want, "M/M/2 mean wait for a table");
    assert_mean(&per_trial(&m, 7, 40, table_utilisation(&m)), 0.75, "table utilisation");
}

fn arrivals(daylight: &str, night_share: &str) -> (f64, f64, f64) {
    let m =
        model(&instant_chain(&format!("daylight = {daylight}"), "", &format!("report_delay_min = 0\n{night_share}")));
    let (t, s) = run(&m, 8, 200);
    let night = &s.by_time_of_day[1].steps[0];
    (t.casualties as f64, night.eligible as f64, t.trials as f64)
}

#[test]
fn incidents_arrive_at_the_stated_rate_and_day_night_split() {
    // 20 incidents a day of one casualty for 100 days in each of 200 trials: Poisson with mean
    // 400,000; 30% of them at night.
    let (n, night, trials) = arrivals("{ sunrise = \"06:00\", sunset = \"18:00\" }", "night_share = 0.3");
    let expected = 20.0 * 100.0 * trials;
    assert_close(n, expected, Z4 * expected.sqrt(), "incident count");
    let (lo, hi) = wilson(night, n, Z4);
    assert!(lo <= 0.3 && 0.3 <= hi, "night share 0.3 outside [{lo}, {hi}]");
}

#[test]
fn without_a_night_share_incidents_are_uniform_in_time() {
    // Daylight 07:00 to 19:30 leaves 11.5 h of night: 11.5/24 of incidents by night.
    let (n, night, _) = arrivals("{ sunrise = \"07:00\", sunset = \"19:30\" }", "");
    let (lo, hi) = wilson(night, n, Z4);
    let want = 11.5 / 24.0;
    assert!(lo <= want && want <= hi, "night share {want} outside [{lo}, {hi}]");
}

/// The transfer tests' two facilities on the equator: a clinic that cannot operate at 0.4
/// degree (its site takes `clinic_extra` lines) and a hospital with plenty of tables at 1.0.
fn clinic_and_hospital(clinic_extra: &str) -> String {
    format!(
        r#"
[[site]]
id = "clinic"
lat = 0.0
lon = 0.4
{clinic_extra}

[[site]]
id = "hospital"
lat = 0.0
lon = 1.0

[[facility]]
id = "l1"
site = "clinic"
level = "level1"
handover_min = 5

[[facility]]
id = "l2"
site = "hospital"
level = "level2"
operating_tables = 100
operations_per_day = 100000
handover_min = 3
"#
    )
}

#[test]
fn casualties_left_at_a_clinic_are_transferred_to_surgery_by_the_faster_asset() {
    // An ambulance (no team) from the clinic reaches the casualty before the hospital's
    // helicopter and takes it back to the clinic; the clinic cannot operate,
    // so after its 5-minute handover a transfer is requested. A helicopter from the hospital
    // delivers sooner than a second ambulance would, so it flies the transfer.
    let text = &format!(
        r#"
[scenario]
name = "transfer"
period_days = 20

{}
[[asset]]
id = "amb"
kind = "ground"
base = "clinic"
count = 100
speed_kmh = 40
launch_day_min = 2
on_scene_min = 4
turnaround_min = 0
delivers_to = "nearest"

[[asset]]
id = "heli"
kind = "helicopter"
base = "hospital"
count = 100
speed_kmh = 120
night_capable = true
launch_day_min = 3
on_scene_min = 4
turnaround_min = 0

[[zone]]
id = "z"
centre = {{ lat = 0.0, lon = 0.5 }}
radius_km = 0
incidents_per_day = 5
severity = {{ t1 = 1, t2 = 0, t3 = 0 }}
surgery_share = {{ t1 = 1, t2 = 0, t3 = 0 }}
first_aider_share = 0
report_delay_min = 2
road_factor = 1
escort_required = false
"#,
        clinic_and_hospital("")
    );
    let km = km_per_degree();
    let (amb, heli) = (|deg: f64| deg * km / 40.0 * 60.0, |deg: f64| deg * km / 120.0 * 60.0);
    // First on scene: the ambulance (2 + 0.1 degree by road) before the helicopter (3 + 0.5).
    assert!(2.0 + amb(0.1) < 3.0 + heli(0.5));
    // The dispatcher's plan for the transfer: helicopter 3 + 0.6 + 4 + 0.6 degrees beats an
    // ambulance already at the clinic, 2 + 4 + 0.6 degrees by road.
    assert!(3.0 + heli(0.6) + 4.0 + heli(0.6) < 2.0 + 4.0 + amb(0.6));
    let first_aid = 2.0 + 2.0 + amb(0.1);
    let at_clinic = first_aid + 4.0 + amb(0.1);
    let surgery = at_clinic + 5.0 + 3.0 + heli(0.6) + 4.0 + heli(0.6) + 3.0;
    let (_, s) = run(&model(text), 9, 10);
    assert_close(s.steps[0].mean_min.unwrap(), first_aid, 1e-3, "first aid");
    assert_close(s.steps[1].mean_min.unwrap(), at_clinic, 1e-3, "resuscitation at the clinic");
    assert_close(s.steps[2].mean_min.unwrap(), surgery, 1e-3, "surgery after transfer");
    let heli_sorties = s.assets[1].sorties_per_trial;
    assert_close(heli_sorties, s.casualties_per_trial, 1e-9, "one transfer flight per casualty");
}

#[test]
fn a_scheduled_mass_casualty_incident_is_cleared_by_repeated_lifts() {
    // Ten casualties at one point, one helicopter with four stretchers, the hospital at its base:
    // three lifts (4, 4, 2), each a full cycle after the one before.
    let text = scenario(
        "period_days = 1",
        "site = \"base\"\nlevel = \"level2\"\noperating_tables = 100\noperations_per_day = 100000\nhandover_min = 0",
        "kind = \"helicopter\"\nbase = \"base\"\ncount = 1\nspeed_kmh = 120\nstretchers = 4\n\
         night_capable = true\nlaunch_day_min = 5\nlaunch_night_min = 5\non_scene_min = 4\nturnaround_min = 6",
        "centre = { lat = 0.0, lon = 0.5 }\nradius_km = 0\nscheduled_hours = [10]\ncasualties = 10\n\
         severity = { t1 = 1, t2 = 0, t3 = 0 }\nsurgery_share = { t1 = 0, t2 = 0, t3 = 0 }\n\
         first_aider_share = 0\nreport_delay_min = 3",
    );
    let (t, s) = run(&model(&text), 10, 5);
    assert_eq!(t.casualties, 50, "exactly one incident of ten casualties a trial");
    assert_eq!(t.incidents, 5);
    let leg = 0.5 * km_per_degree() / 120.0 * 60.0;
    let first_on_scene = 3.0 + 5.0 + leg;
    let cycle = 4.0 + leg + 6.0 + 5.0 + leg;
    let delivered = |k: f64| first_on_scene + k * cycle + 4.0 + leg;
    let mean_resus = (4.0 * delivered(0.0) + 4.0 * delivered(1.0) + 2.0 * delivered(2.0)) / 10.0;
    assert_close(s.steps[0].mean_min.unwrap(), first_on_scene, 1e-3, "the first crew gives first aid to all");
    assert_close(s.steps[1].mean_min.unwrap(), mean_resus, 1e-3, "resuscitation lift by lift");
    assert_close(s.assets[0].sorties_per_trial, 3.0, 1e-12, "three lifts");
}

#[test]
fn two_helicopters_waiting_time_matches_mm2() {
    // 24 requests a day (lambda = 1/60 per min), two helicopters busy an exponential 90 min a
    // mission (mu = 1/90): a = 1.5, rho = 0.75, and the mean wait is C(2, 1.5) / (2 mu - lambda).
    let text = helicopter_queue(2, 24, 90.0, 150);
    let m = model(&text);
    let (lambda, mu) = (1.0 / 60.0, 1.0 / 90.0);
    let want = erlang_c(2, lambda / mu) / (2.0 * mu - lambda);
    assert_mean(&per_trial(&m, 12, 40, phase_mean(Phase::WaitAsset)), want, "M/M/2 mean wait for a helicopter");
    assert_mean(&per_trial(&m, 12, 40, asset_utilisation(&m)), 0.75, "M/M/2 utilisation");
}

/// One fast helicopter and one slow ambulance at the base, a point half a degree away, and
/// incidents at fixed times; no delays but those given.
fn helicopter_or_ambulance(dispatch: &str, heli: &str, hours: &str) -> casevac::model::Model {
    model(&scenario(
        &format!(
            "period_days = 1\ndispatch = \"{dispatch}\"\ndaylight = {{ sunrise = \"06:00\", sunset = \"18:00\" }}"
        ),
        "site = \"base\"\nlevel = \"level1\"",
        &format!(
            "kind = \"helicopter\"\nbase = \"base\"\nspeed_kmh = 120\nstretchers = 1\nlaunch_day_min = 10\n\
             on_scene_min = 0\nturnaround_min = 0\n{heli}\n\n\
             [[asset]]\nid = \"amb\"\nkind = \"ground\"\nbase = \"base\"\nspeed_kmh = 30\nlaunch_day_min = 0\n\
             launch_night_min = 0\non_scene_min = 0\nturnaround_min = 0"
        ),
        &format!(
            "centre = {{ lat = 0.0, lon = 0.5 }}\nradius_km = 0\nscheduled_hours = {hours}\n\
             severity = {{ t1 = 1, t2 = 0, t3 = 0 }}\nsurgery_share = {{ t1 = 0, t2 = 0, t3 = 0 }}\n\
             first_aider_share = 0\nreport_delay_min = 0\nroad_factor = 1"
        ),
    ))
}

#[test]
fn best_arrival_waits_for_a_returning_helicopter_that_beats_the_ambulance() {
    // Two requests at 10:00. The helicopter takes the first (10 + 27.8 min). For the second,
    // the ambulance would take 111.2 min; the helicopter is back at 10 + 2 x 27.8 and then
    // needs 10 + 27.8 more, 103.4 in all: best-arrival waits for it, first-idle does not.
    let leg = |kmh: f64| 0.5 * km_per_degree() / kmh * 60.0;
    let first = 10.0 + leg(120.0);
    let heli_again = 10.0 + 2.0 * leg(120.0) + 10.0 + leg(120.0);
    assert!(heli_again < leg(30.0));
    let heli = "night_capable = true";
    let (_, idle) = run(&helicopter_or_ambulance("first_idle", heli, "[10, 10]"), 1, 3);
    let (_, best) = run(&helicopter_or_ambulance("best_arrival", heli, "[10, 10]"), 1, 3);
    assert_close(idle.steps[0].mean_min.unwrap(), (first + leg(30.0)) / 2.0, 1e-3, "first idle");
    assert_close(best.steps[0].mean_min.unwrap(), (first + heli_again) / 2.0, 1e-3, "best arrival");
    assert_eq!(best.assets[1].sorties_per_trial, 0.0, "the ambulance stays home");
}

#[test]
fn best_arrival_holds_the_unit_a_request_waits_for_and_sends_the_next_request_another() {
    let leg = |kmh: f64| 0.5 * km_per_degree() / kmh * 60.0;
    let ambulance = leg(30.0);
    let mean_first_aid = |heli: &str, hours: &str, trials: u64| {
        let (_, s) = run(&helicopter_or_ambulance("best_arrival", heli, hours), 4, trials);
        (s.steps[0].mean_min.unwrap(), s.assets[1].sorties_per_trial)
    };
    // Three requests at 10:00. The helicopter takes the first (10 + 27.8 min) and the second
    // waits for its return (103.4 min, before the ambulance's 111.2). Weighing the helicopter
    // for the third as well, the dispatcher would hold it back until 169.0 (the ambulance sent
    // at the helicopter's return would arrive at 176.8); held for the second, it is not weighed
    // for the third, and the ambulance goes at once.
    let first = 10.0 + leg(120.0);
    let back = 10.0 + 2.0 * leg(120.0);
    let heli_again = back + 10.0 + leg(120.0);
    let heli_third = heli_again + leg(120.0) + 10.0 + leg(120.0);
    assert!(heli_again < ambulance && heli_third < back + ambulance);
    let (mean, ambulance_sorties) = mean_first_aid("night_capable = true", "[10, 10, 10]", 3);
    assert_close(mean, (first + heli_again + ambulance) / 3.0, 1e-3, "a returning helicopter");
    assert_eq!(ambulance_sorties, 1.0, "the ambulance takes the third request");
    // Two requests at 05:00. The day-only helicopter is idle but cannot fly before 06:00; the
    // first waits for it (60 + 10 + 27.8 min), the second takes the ambulance at once. Had it
    // waited as well, the helicopter would have reached it only at 163.4 min.
    let at_sunrise = 60.0 + 10.0 + leg(120.0);
    let (mean, ambulance_sorties) = mean_first_aid("night_capable = false", "[5, 5]", 3);
    assert_close(mean, (at_sunrise + ambulance) / 2.0, 1e-3, "a helicopter waiting for sunrise");
    assert_eq!(ambulance_sorties, 1.0, "the ambulance takes the second request");
}

#[test]
fn best_arrival_waits_for_sunrise_when_the_day_only_helicopter_is_still_faster() {
    // A request at 05:00; the day-only helicopter can launch at 06:00 and arrives 60 + 10 +
    // 27.8 min after the request, before the ambulance's 111.2 min.
    let leg = |kmh: f64| 0.5 * km_per_degree() / kmh * 60.0;
    let at_sunrise = 60.0 + 10.0 + leg(120.0);
    assert!(at_sunrise < leg(30.0));
    let heli = "night_capable = false";
    let (_, idle) = run(&helicopter_or_ambulance("first_idle", heli, "[5]"), 2, 3);
    let (_, best) = run(&helicopter_or_ambulance("best_arrival", heli, "[5]"), 2, 3);
    assert_close(idle.steps[0].mean_min.unwrap(), leg(30.0), 1e-3, "first idle sends the ambulance");
    assert_close(best.steps[0].mean_min.unwrap(), at_sunrise, 1e-3, "best arrival waits for sunrise");
}

#[test]
fn best_arrival_weighs_a_helicopter_from_when_it_expects_the_flight_clearance() {
    // A request at 10:00 from a zone that asks the host nation for flight clearance. Cleared
    // after 30 min, the helicopter arrives 30 + 10 + 27.8 min after the request, before the
    // ambulance's 111.2: best arrival waits for the clearance, first idle sends the ambulance
    // at once. Cleared only after 90 min, the helicopter would be later: both send the
    // ambulance. (The zone's lines follow its schedule.)
    let leg = |kmh: f64| 0.5 * km_per_degree() / kmh * 60.0;
    let cleared_at = |wait: f64| wait + 10.0 + leg(120.0);
    assert!(cleared_at(30.0) < leg(30.0) && cleared_at(90.0) > leg(30.0));
    let heli = "night_capable = true";
    let first_aid = |dispatch: &str, zone: &str, trials: u64| {
        let (_, s) = run(&helicopter_or_ambulance(dispatch, heli, &format!("[10]\n{zone}")), 3, trials);
        s.steps[0].mean_min.unwrap()
    };
    assert_close(first_aid("first_idle", "clearance_min = 30", 3), leg(30.0), 1e-3, "first idle");
    assert_close(first_aid("best_arrival", "clearance_min = 30", 3), cleared_at(30.0), 1e-3, "best arrival");
    assert_close(first_aid("best_arrival", "clearance_min = 90", 3), leg(30.0), 1e-3, "a long clearance");
    // Denied half the time, with no second request: a denied request learns it after 30 min
    // and then takes the ambulance, so the mean is halfway between the two chains, within
    // four standard errors of the binomial share of denials.
    let trials = 4000;
    let denied_at = 30.0 + leg(30.0);
    let mean = first_aid("best_arrival", "clearance_min = 30\nclearance_denial = 0.5", trials);
    let gap = denied_at - cleared_at(30.0);
    let se = gap * (0.25 / trials as f64).sqrt();
    let want = (cleared_at(30.0) + denied_at) / 2.0;
    assert!((mean - want).abs() < 4.0 * se, "mean {mean}, want {want} ± {}", 4.0 * se);
}

#[test]
fn a_chain_that_sums_exactly_to_each_deadline_is_in_time_and_its_quantiles_are_exact() {
    // First aid 10 min after wounding; the team is tasked at the request (report 3.3 min) and
    // arrives after approval 7.1 + launch 4.6 (it waits at the scene: distance 0); on scene 4.0,
    // handover 1.0: resuscitation at 15.0, surgery at 20.0 min. The decimals are not exact in
    // binary and wounding times are random, so the floating-point sums land a hair either side
    // of the deadlines; on the exact grid every casualty is in time, and every quantile is the
    // fixed time itself.
    let text = scenario(
        "period_days = 60\nthresholds_min = { first_aid = 10, resuscitation = 15, surgery = 20 }",
        "site = \"base\"\nlevel = \"level2\"\noperating_tables = 1000\noperations_per_day = 100000\nhandover_min = 1.0\nsurgery_min = 30",
        "kind = \"helicopter\"\nbase = \"base\"\ncount = 1000\nspeed_kmh = 100\nstretchers = 1\n\
         night_capable = true\nmedical_team = true\napproval_min = 7.1\nlaunch_day_min = 4.6\n\
         launch_night_min = 4.6\non_scene_min = 4.0\nturnaround_min = 0",
        "centre = { lat = 0.0, lon = 0.0 }\nradius_km = 0\nincidents_per_day = 10\n\
         severity = { t1 = 1, t2 = 0, t3 = 0 }\nsurgery_share = { t1 = 1, t2 = 0, t3 = 0 }\n\
         first_aider_share = 1\nfirst_aid_min = 10\nreport_delay_min = 3.3",
    );
    let (_, s) = run(&model(&text), 3, 20);
    for (st, want) in s.steps.iter().zip([10.0, 15.0, 20.0]) {
        assert_eq!(st.compliance, Some(1.0), "{:?}: a chain summing to the deadline is in time", st.step);
        assert!(st.eligible > 5_000);
        for (q, got) in [("median", st.median_min), ("p90", st.p90_min), ("p95", st.p95_min)] {
            let got = got.unwrap();
            assert!((got - want).abs() < 1e-9, "{:?} {q}: {got}, want {want}", st.step);
        }
    }
    // One millisecond later is late.
    let late = model(&text.replace("first_aid_min = 10", "first_aid_min = 10.00002"));
    assert_eq!(run(&late, 3, 5).1.steps[0].compliance, Some(0.0));
}

#[test]
fn a_transfer_follows_the_escort_rule_of_the_clinic_site_not_of_the_zone() {
    // Casualties in an escorted zone are driven to a clinic that cannot operate, then on to
    // the hospital by another ambulance. The first move waits 30 min for its escort; the
    // transfer leaves a secured base and does not, unless the site says it must.
    let text = |site_escort: bool| {
        format!(
            r#"
[scenario]
name = "escort"
period_days = 20

{sites}
[[asset]]
id = "amb"
kind = "ground"
base = "clinic"
count = 100
speed_kmh = 40
launch_day_min = 2
launch_night_min = 2
escort_min = 30
on_scene_min = 4
turnaround_min = 0
delivers_to = "nearest"

[[zone]]
id = "z"
centre = {{ lat = 0.0, lon = 0.5 }}
radius_km = 0
incidents_per_day = 5
severity = {{ t1 = 1, t2 = 0, t3 = 0 }}
surgery_share = {{ t1 = 1, t2 = 0, t3 = 0 }}
first_aider_share = 0
report_delay_min = 2
road_factor = 1
escort_required = true
"#,
            sites = clinic_and_hospital(&format!("escort_required = {site_escort}"))
        )
    };
    let amb = |deg: f64| deg * km_per_degree() / 40.0 * 60.0;
    let at_clinic = 2.0 + 2.0 + 30.0 + amb(0.1) + 4.0 + amb(0.1);
    // The transfer: launch 2, no drive to the pick-up (the ambulance is based there), 4 on
    // scene, the road to the hospital, its handover.
    let surgery = at_clinic + 5.0 + 2.0 + 4.0 + amb(0.6) + 3.0;
    let (_, secured) = run(&model(&text(false)), 4, 10);
    assert_close(secured.steps[1].mean_min.unwrap(), at_clinic, 1e-3, "resuscitation at the clinic");
    assert_close(secured.steps[2].mean_min.unwrap(), surgery, 1e-3, "a transfer from a secured base");
    let (_, escorted) = run(&model(&text(true)), 4, 10);
    assert_close(escorted.steps[2].mean_min.unwrap(), surgery + 30.0, 1e-3, "a site that needs an escort");
}

#[test]
fn a_warm_up_brings_a_short_period_to_the_mm1_steady_state() {
    // M/M/1 at rho = 0.8: lambda = 1/120 per min, mu = 1/96; steady-state mean wait in queue
    // rho / (mu - lambda) = 384 min and utilisation 0.8. A 2-day period that starts empty sees
    // much shorter waits; after a 30-day warm-up (the queue relaxes in about a week) it sees
    // the steady state, and only the 2 counted days are tallied.
    let (lambda, mu) = (1.0 / 120.0, 1.0 / 96.0);
    let want = (lambda / mu) / (mu - lambda);
    assert_close(want, 384.0, 1e-9, "M/M/1 by hand");
    let cold = model(&helicopter_queue(1, 12, 96.0, 2));
    let warm = model(&helicopter_queue(1, 12, 96.0, 2).replace("period_days = 2", "period_days = 2\nwarmup_days = 30"));
    let waits = per_trial(&warm, 21, 600, phase_mean(Phase::WaitAsset));
    assert_mean(&waits, want, "mean wait after a warm-up");
    assert_mean(&per_trial(&warm, 21, 600, asset_utilisation(&warm)), 0.8, "utilisation of the counted days");
    let (cold_mean, cold_se) = mean_se(&per_trial(&cold, 21, 600, phase_mean(Phase::WaitAsset)));
    assert!(cold_mean + Z4 * cold_se < want, "an empty start underestimates the wait: {cold_mean}");
    // Only the counted days' casualties are tallied: 12 a day for 2 days.
    let (t, _) = run(&warm, 21, 400);
    let per_trial_casualties = t.casualties as f64 / 400.0;
    assert_close(per_trial_casualties, 24.0, Z4 * (24.0f64 / 400.0).sqrt(), "casualties counted per trial");
}

/// Every casualty needs surgery and reaches it `delay` minutes after wounding, exactly; triage
/// one third each.
fn every_category_at(delay: f64, scenario_extra: &str) -> casevac::model::Model {
    model(&scenario(
        &format!("period_days = 30\n{scenario_extra}"),
        "site = \"base\"\nlevel = \"level2\"\noperating_tables = 1000\noperations_per_day = 100000\nhandover_min = 0\nsurgery_min = 10",
        "kind = \"helicopter\"\nbase = \"base\"\ncount = 1000\nspeed_kmh = 100\nstretchers = 1\n\
         night_capable = true\nlaunch_day_min = 0\non_scene_min = 0\nturnaround_min = 0\nmedical_team = true",
        &format!(
            "centre = {{ lat = 0.0, lon = 0.0 }}\nradius_km = 0\nincidents_per_day = 20\n\
             severity = {{ t1 = 0.34, t2 = 0.33, t3 = 0.33 }}\nsurgery_share = {{ t1 = 1, t2 = 1, t3 = 1 }}\n\
             first_aider_share = 0\nreport_delay_min = {delay}"
        ),
    ))
}

#[test]
fn each_step_counts_exactly_the_categories_it_applies_to() {
    let count =
        |s: &casevac::summary::Summary, cats: &[usize]| cats.iter().map(|&k| s.by_severity[k].casualties).sum::<u64>();
    // Doctrine's default: the 10 minutes and the hour for T1 and T2; surgery for all who need it.
    let (_, s) = run(&every_category_at(5.0, ""), 2, 20);
    assert!(s.casualties > 10_000 && s.by_severity.iter().all(|g| g.casualties > 3000));
    assert_eq!(s.steps[0].eligible, count(&s, &[0, 1]));
    assert_eq!(s.steps[1].eligible, count(&s, &[0, 1]));
    assert_eq!(s.steps[2].eligible, count(&s, &[0, 1, 2]));
    assert_eq!(s.by_severity[2].steps[0].eligible, 0, "T3 is not in the first-aid denominator");
    // A scenario's own choice.
    let own = "applies_to = { first_aid = [\"T3\"], resuscitation = [\"T1\", \"t3\"], surgery = [\"T2\"] }";
    let (_, s) = run(&every_category_at(5.0, own), 2, 20);
    assert_eq!(s.steps[0].eligible, count(&s, &[2]));
    assert_eq!(s.steps[1].eligible, count(&s, &[0, 2]));
    assert_eq!(s.steps[2].eligible, count(&s, &[1]));
    let scopes = &s.scenario.step_scopes;
    assert_eq!((scopes[0].categories.clone(), scopes[2].categories.clone()), (vec!["T3"], vec!["T2"]));
}

#[test]
fn a_delayed_casualty_is_judged_against_its_own_surgical_deadline() {
    // Surgery 150 min after wounding: too late for a T1's 2 hours, in time for the default 4
    // hours of a T2 or a T3 (a minimal casualty is never held to less than an urgent one); a
    // scenario may set those deadlines itself.
    let (_, s) = run(&every_category_at(150.0, ""), 2, 10);
    let surgery = |s: &casevac::summary::Summary, k: usize| s.by_severity[k].steps[2].compliance;
    assert_eq!((surgery(&s, 0), surgery(&s, 1), surgery(&s, 2)), (Some(0.0), Some(1.0), Some(1.0)));
    assert_eq!(s.scenario.step_scopes[2].deadlines_min, vec![120.0, 240.0, 240.0]);
    let own = "category_thresholds_min = { surgery = { t2 = 100, t3 = 150 } }";
    let (_, s) = run(&every_category_at(150.0, own), 2, 10);
    assert_eq!((surgery(&s, 0), surgery(&s, 1), surgery(&s, 2)), (Some(0.0), Some(0.0), Some(1.0)));
    assert_eq!(s.scenario.step_scopes[2].deadlines_min, vec![120.0, 100.0, 150.0]);
    // Each category's row states the deadline it was judged against.
    let thresholds: Vec<f64> = s.by_severity.iter().map(|g| g.steps[2].threshold_min).collect();
    assert_eq!(thresholds, vec![120.0, 100.0, 150.0]);
    assert_eq!(s.steps[2].threshold_min, 120.0);
}

/// One attack of 30 T1 casualties at hour 1 of a 1-day period, with trained first-aiders on
/// scene and the only helicopter far too slow to count for first aid.
fn thirty_casualties(first_aid: &str) -> casevac::model::Model {
    model(&scenario(
        "period_days = 1",
        "site = \"base\"\nlevel = \"level2\"",
        "kind = \"helicopter\"\nbase = \"base\"\nspeed_kmh = 100\nnight_capable = true\napproval_min = 100",
        &format!(
            "centre = {{ lat = 0.0, lon = 0.0 }}\nradius_km = 0\nincidents_per_day = 0\nscheduled_hours = [1]\n\
             casualties = 30\nseverity = {{ t1 = 1, t2 = 0, t3 = 0 }}\nsurgery_share = {{ t1 = 0, t2 = 0, t3 = 0 }}\n\
             first_aider_share = 1\nreport_delay_min = 0\n{first_aid}"
        ),
    ))
}

#[test]
fn three_first_aiders_reach_nine_of_thirty_casualties_within_ten_minutes() {
    // They start 2 min after wounding and spend 3 min on each casualty: casualty i (from 0, in
    // triage order) is reached at 2 + 3 * floor(i / 3) min, within 10 min for i < 9.
    let m = thirty_casualties("first_aiders = 3\nfirst_aid_min = 2\nfirst_aid_each_min = 3");
    let (_, s) = run(&m, 5, 20);
    assert_eq!(s.casualties, 600);
    assert_eq!(s.steps[0].compliance, Some(9.0 / 30.0));
    let causes: Vec<(&str, u64)> = s.misses[0].causes.iter().map(|c| (c.name, c.count)).collect();
    assert_eq!(causes, vec![("first_aiders_busy_with_other_casualties", 21 * 20)]);
    // Everyone trained and enough hands: all thirty in time.
    let (_, s) = run(&thirty_casualties("first_aiders = 30\nfirst_aid_min = 2\nfirst_aid_each_min = 3"), 5, 5);
    assert_eq!(s.steps[0].compliance, Some(1.0));
}

#[test]
fn a_daily_operation_cap_sends_the_rest_to_the_next_days_theatre() {
    // Ten casualties who need surgery reach a hospital with ten tables at 01:00 + 1 min, but its
    // surgical team starts at most four operations a day: four are operated at once, four at
    // the next midnight, two at the one after.
    let text = scenario(
        "period_days = 1\nfollow_up_hours = 72",
        "site = \"base\"\nlevel = \"level2\"\noperating_tables = 10\noperations_per_day = 4\n\
         handover_min = 1\nsurgery_min = 60",
        "kind = \"helicopter\"\nbase = \"base\"\ncount = 10\nstretchers = 1\nspeed_kmh = 100\n\
         night_capable = true\nlaunch_day_min = 0\nlaunch_night_min = 0\non_scene_min = 0\nturnaround_min = 0",
        "centre = { lat = 0.0, lon = 0.0 }\nradius_km = 0\nincidents_per_day = 0\nscheduled_hours = [1]\n\
         casualties = 10\nseverity = { t1 = 1, t2 = 0, t3 = 0 }\nsurgery_share = { t1 = 1, t2 = 0, t3 = 0 }\n\
         first_aider_share = 0\nreport_delay_min = 0",
    );
    let m = model(&text);
    let mut engine = casevac::sim::Engine::new(&m);
    for trial in 0..5 {
        let mut times: Vec<f64> =
            engine.trace(8, trial).casualties.iter().map(|c| c.surgery_min.expect("operated")).collect();
        times.sort_by(f64::total_cmp);
        let want = [[61.0; 4].as_slice(), &[1440.0; 4], &[2880.0; 2]].concat();
        assert_eq!(times, want, "trial {trial}");
    }
    let (_, s) = run(&m, 8, 10);
    assert_eq!(s.steps[2].compliance, Some(0.4));
    assert_eq!(s.facilities[0].operations_per_trial, 10.0);
    // The one-day period holds the first day's four operations, all the team may start: its
    // daily operations are all used, while its ten tables were busy 4 x 60 min of 10 x 1440.
    assert_eq!(s.facilities[0].daily_operations_used, Some(1.0));
    assert_eq!(s.facilities[0].days_operations_all_used, Some(1.0));
    assert_eq!(s.facilities[0].table_utilisation, Some(240.0 / 14_400.0));
    // A day and a half touches two calendar days, eight operations at most, and holds the four
    // of the first day and the four of the next midnight: all used (not 8 of 1.5 x 4).
    let longer = model(&text.replace("period_days = 1", "period_days = 1.5"));
    let (_, s) = run(&longer, 8, 10);
    assert_eq!(s.facilities[0].operations_per_trial, 10.0);
    assert_eq!(s.facilities[0].daily_operations_used, Some(1.0));
    assert_eq!(s.facilities[0].days_operations_all_used, Some(1.0));
    // Over three days the team does four, four and two: ten of twelve, and all it may on two
    // days of three.
    let three = model(&text.replace("period_days = 1", "period_days = 3"));
    let (_, s) = run(&three, 8, 10);
    assert_eq!(s.facilities[0].operations_in_period_per_trial, 10.0);
    assert_eq!(s.facilities[0].daily_operations_used, Some(10.0 / 12.0));
    assert_eq!(s.facilities[0].days_operations_all_used, Some(2.0 / 3.0));
    // Followed for a day after the period, the trial ends at the second midnight: that day is
    // not followed, so its operations are not given, and the last two patients are still
    // waiting when follow-up ends (not operated at its last instant).
    let to_midnight = model(&text.replace("follow_up_hours = 72", "follow_up_hours = 24"));
    let (_, s) = run(&to_midnight, 8, 10);
    assert_eq!(s.facilities[0].operations_per_trial, 8.0);
    assert_eq!(s.steps[2].compliance, Some(0.4));
    // A limit of 100 or more is tables running round the clock, which no team limits.
    let clock = model(&text.replace("operations_per_day = 4", "operations_per_day = 100"));
    let (_, s) = run(&clock, 8, 10);
    assert_eq!((s.facilities[0].operations_per_day, s.facilities[0].daily_operations_used), (None, None));
}

#[test]
fn delivery_to_the_soonest_theatre_sends_the_second_casualty_to_the_free_hospital() {
    // Two casualties at the same moment, 0.1 degree from a hospital with one table busy 600 min
    // an operation, and 0.5 degree from another. The nearest-capable rule sends both to the
    // near one, where the second waits for the first operation; "soonest" counts the first
    // casualty already on its way there and sends the second to the far one.
    let text = |delivers: &str| {
        format!(
            r#"
[scenario]
name = "soonest"
period_days = 1

[[site]]
id = "near"
lat = 0.0
lon = 0.1

[[site]]
id = "far"
lat = 0.0
lon = 0.5

[[facility]]
id = "near_l2"
site = "near"
level = "level2"
operating_tables = 1
operations_per_day = 100
handover_min = 0
surgery_min = 600

[[facility]]
id = "far_l2"
site = "far"
level = "level2"
operating_tables = 1
operations_per_day = 100
handover_min = 0
surgery_min = 600

[[asset]]
id = "heli"
kind = "helicopter"
base = "near"
count = 2
stretchers = 1
speed_kmh = 100
night_capable = true
launch_day_min = 0
launch_night_min = 0
on_scene_min = 0
turnaround_min = 0
delivers_to = "{delivers}"

[[zone]]
id = "z"
centre = {{ lat = 0.0, lon = 0.0 }}
radius_km = 0
incidents_per_day = 0
scheduled_hours = [1]
casualties = 2
severity = {{ t1 = 1, t2 = 0, t3 = 0 }}
surgery_share = {{ t1 = 1, t2 = 0, t3 = 0 }}
first_aider_share = 0
report_delay_min = 0
"#
        )
    };
    let leg = |deg: f64| deg * km_per_degree() / 100.0 * 60.0;
    let surgery_times = |delivers: &str| {
        let m = model(&text(delivers));
        let mut t: Vec<f64> =
            casevac::sim::Engine::new(&m).trace(1, 0).casualties.iter().map(|c| c.surgery_min.unwrap()).collect();
        t.sort_by(f64::total_cmp);
        t
    };
    // Both lifts fly 0.1 degree to the scene (wounded at 60 min).
    let at_scene = 60.0 + leg(0.1);
    let nearest = surgery_times("capable");
    assert_close(nearest[0], at_scene + leg(0.1), 1e-6, "first, at the near hospital");
    assert_close(nearest[1], at_scene + leg(0.1) + 600.0, 1e-6, "second, after the first operation");
    let soonest = surgery_times("soonest");
    assert_close(soonest[0], at_scene + leg(0.1), 1e-6, "first, at the near hospital");
    assert_close(soonest[1], at_scene + leg(0.5), 1e-6, "second, at once at the far hospital");
}

#[test]
fn delivery_to_the_soonest_theatre_counts_the_operations_of_the_day_the_casualty_arrives() {
    // Hospital A is one degree (60 min) from the scene and does one operation a day; B is two
    // degrees away and does a hundred. The casualty wounded at 01:00 takes A's operation of
    // day 0. The one wounded at 22:30 leaves the scene at 23:20 and would reach A at 00:20,
    // when A has a new day's operation: A is the sooner, at 110 min from wounding, against
    // 170 at B. Counting day 0's spent operation sent it to B.
    let text = r#"
[scenario]
name = "soonest across midnight"
period_days = 1
daylight = { sunrise = "06:00", sunset = "18:00" }

[[site]]
id = "scene"
lat = 0.0
lon = 0.0

[[site]]
id = "a"
lat = 0.0
lon = 1.0

[[site]]
id = "b"
lat = 0.0
lon = -2.0

[[facility]]
id = "a_l2"
site = "a"
level = "level2"
operating_tables = 2
operations_per_day = 1
surgery_min = 60
handover_min = 0

[[facility]]
id = "b_l2"
site = "b"
level = "level2"
operating_tables = 2
operations_per_day = 100
surgery_min = 60
handover_min = 0

[[asset]]
id = "heli"
kind = "helicopter"
base = "scene"
count = 2
launch_day_min = 0
launch_night_min = 0
on_scene_min = 50
turnaround_min = 0
night_capable = true
delivers_to = "soonest"

[[zone]]
id = "z"
centre = { lat = 0.0, lon = 0.0 }
radius_km = 0
incidents_per_day = 0
scheduled_hours = [1.0, 22.5]
casualties = 1
severity = { t1 = 1.0, t2 = 0.0, t3 = 0.0 }
surgery_share = { t1 = 1.0, t2 = 0.0, t3 = 0.0 }
first_aider_share = 0
report_delay_min = 0
escort_required = false
"#;
    // At the speed that flies a degree in an hour.
    let m = model(&text.replace("count = 2", &format!("count = 2\nspeed_kmh = {}", km_per_degree())));
    let trace = casevac::sim::Engine::new(&m).trace(1, 0);
    let mut waits: Vec<f64> = trace.casualties.iter().map(|c| c.surgery_min.unwrap() - c.wound_min).collect();
    waits.sort_by(f64::total_cmp);
    assert_close(waits[0], 110.0, 1e-6, "wounded at 01:00, at A");
    assert_close(waits[1], 110.0, 1e-6, "wounded at 22:30, at A after midnight");
}

#[test]
fn an_als_team_gives_advanced_care_within_the_hour_but_not_dcr() {
    // The team reaches the casualty 2 + 7 + 5 + 0.5 degree at 120 km/h after wounding; the
    // hospital, where blood is, is as far again plus 4 min on scene: over the hour.
    let leg = 0.5 * km_per_degree() / 120.0 * 60.0;
    let team_at = 2.0 + 7.0 + 5.0 + leg;
    let at_hospital = team_at + 4.0 + leg;
    assert!(team_at < 60.0 && at_hospital > 60.0, "the case needs the hospital past the hour");
    let laydown = |team: &str, counts: &str| {
        model(&scenario(
            &format!("period_days = 10\n{counts}"),
            "site = \"hospital\"\nlevel = \"level2\"\noperating_tables = 100\noperations_per_day = 100000",
            &format!(
                "kind = \"helicopter\"\nbase = \"hospital\"\ncount = 100\nspeed_kmh = 120\nnight_capable = true\n\
                 approval_min = 7\nlaunch_day_min = 5\nlaunch_night_min = 5\non_scene_min = 4\n{team}"
            ),
            "centre = { lat = 0.0, lon = 0.5 }\nradius_km = 0\nincidents_per_day = 5\n\
             severity = { t1 = 1, t2 = 0, t3 = 0 }\nsurgery_share = { t1 = 0, t2 = 0, t3 = 0 }\n\
             first_aider_share = 0\nreport_delay_min = 2",
        ))
    };
    let hour = |m: &casevac::model::Model| {
        let (_, s) = run(m, 2, 10);
        (s.steps[1].compliance, s.other_hour.compliance, s.steps[1].mean_min.unwrap())
    };
    // An ALS crew: advanced care in time, DCR (the headline by default) only at the hospital.
    let (dcr, als, mean) = hour(&laydown("medical_team = true\nteam_care = \"als\"", ""));
    assert_eq!((dcr, als), (Some(0.0), Some(1.0)));
    assert_close(mean, at_hospital, 1e-3, "DCR on arrival at the hospital");
    // Counting any advanced care, the same crew meets the hour; DCR is reported beside it.
    let (adv, dcr, mean) =
        hour(&laydown("medical_team = true\nteam_care = \"als\"", "resuscitation_counts = \"advanced\""));
    assert_eq!((adv, dcr), (Some(1.0), Some(0.0)));
    assert_close(mean, team_at, 1e-3, "advanced care when the crew arrives");
    // Blood on board: DCR in time.
    let (dcr, als, _) = hour(&laydown("medical_team = true\nteam_care = \"dcr\"", ""));
    assert_eq!((dcr, als), (Some(1.0), Some(1.0)));
}

#[test]
fn a_missed_hour_begun_by_an_als_team_is_put_down_to_its_lift_where_advanced_care_counts() {
    // One T1 at the base, reported at once; a helicopter there launching in 70 minutes with a
    // team aboard, then two hours' flight (a degree at half a degree an hour) to the hospital. The team
    // starts the hour's care on scene at 70 minutes, too late: the launch is to blame, not the
    // flight after it. So it is for a DCR team, and for an ALS team where advanced care counts.
    let laydown = |team: &str, counts: &str| {
        model(&scenario(
            &format!("period_days = 1\n{counts}"),
            "site = \"hospital\"\nlevel = \"level2\"",
            &format!(
                "kind = \"helicopter\"\nbase = \"base\"\nspeed_kmh = {}\nnight_capable = true\n\
                 launch_day_min = 70\nlaunch_night_min = 70\non_scene_min = 0\nmedical_team = true\n{team}",
                km_per_degree() / 2.0
            ),
            "centre = { lat = 0.0, lon = 0.0 }\nradius_km = 0\nincidents_per_day = 0\nscheduled_hours = [2]\n\
             casualties = 1\nseverity = { t1 = 1, t2 = 0, t3 = 0 }\nsurgery_share = { t1 = 0, t2 = 0, t3 = 0 }\n\
             first_aider_share = 0\nreport_delay_min = 0\nescort_required = false",
        ))
    };
    for (team, counts) in [("team_care = \"dcr\"", ""), ("team_care = \"als\"", "resuscitation_counts = \"advanced\"")]
    {
        let (_, s) = run(&laydown(team, counts), 5, 4);
        assert_eq!(s.steps[1].compliance, Some(0.0), "{team}");
        assert_close(s.steps[1].mean_min.unwrap(), 70.0, 1e-6, team);
        let causes: Vec<(&str, u64)> = s.misses[1].causes.iter().map(|c| (c.name, c.count)).collect();
        assert_eq!(causes, vec![("launch_or_escort", 4)], "{team} {counts}");
    }
}

/// One T1 casualty who needs surgery, wounded at hour 1 beside the base and reported at once; a
/// clinic (Level 1, which resuscitates but does not operate) at the base, a Level 2 a degree
/// (or more: `hospital_lon`) east; one ambulance at the base that delivers to the nearest
/// facility, launching in `launch` minutes and back only `turnaround` minutes after delivering.
fn a_casualty_for_a_transfer(hospital_lon: f64, launch: f64, turnaround: f64) -> casevac::model::Model {
    let text = scenario(
        "period_days = 1",
        "site = \"base\"\nlevel = \"level1\"\n\n[[facility]]\nid = \"l2\"\nsite = \"hospital\"\nlevel = \"level2\"",
        &format!(
            "kind = \"ground\"\nbase = \"base\"\nspeed_kmh = 50\ndelivers_to = \"nearest\"\n\
             launch_day_min = {launch}\nlaunch_night_min = {launch}\non_scene_min = 1\nturnaround_min = {turnaround}"
        ),
        "centre = { lat = 0.0, lon = 0.0 }\nradius_km = 0\nincidents_per_day = 0\nscheduled_hours = [1]\n\
         casualties = 1\nseverity = { t1 = 1, t2 = 0, t3 = 0 }\nsurgery_share = { t1 = 1, t2 = 0, t3 = 0 }\n\
         first_aider_share = 1\nfirst_aid_min = 1\nreport_delay_min = 0\nescort_required = false",
    );
    model(&text.replace("lat = 0.0\nlon = 1.0", &format!("lat = 0.0\nlon = {hospital_lon}")))
}

#[test]
fn a_miss_waiting_at_a_clinic_for_a_transfer_is_put_down_to_that_wait() {
    // Resuscitated at the clinic 2 minutes after wounding, then no unit comes back to move it
    // on: surgery is missed for want of an asset, not for the minute on scene.
    let (_, s) = run(&a_casualty_for_a_transfer(1.0, 1.0, 100_000.0), 5, 3);
    assert_eq!((s.steps[1].compliance, s.steps[2].compliance), (Some(1.0), Some(0.0)));
    let causes: Vec<(&str, u64)> = s.misses[2].causes.iter().map(|c| (c.name, c.count)).collect();
    assert_eq!(causes, vec![("waiting_for_asset", 3)]);
}

#[test]
fn a_missed_hour_begun_at_a_clinic_is_put_down_to_the_chain_before_the_transfer() {
    // Launched after 70 minutes, the ambulance reaches the clinic (at its base) 71 minutes after
    // wounding: the hour is missed there, for the launch. The transfer's 16-hour drive to the
    // Level 2 six degrees east comes after and is not the cause.
    let (_, s) = run(&a_casualty_for_a_transfer(6.0, 70.0, 0.0), 5, 3);
    assert_eq!(s.steps[1].compliance, Some(0.0));
    assert_close(s.steps[1].mean_min.unwrap(), 71.0, 1e-6, "resuscitated at the clinic");
    let causes: Vec<(&str, u64)> = s.misses[1].causes.iter().map(|c| (c.name, c.count)).collect();
    assert_eq!(causes, vec![("launch_or_escort", 3)]);
}

#[test]
fn a_missed_hour_begun_by_a_team_aboard_the_transfer_is_put_down_to_the_chain_before_it() {
    // The clinic gives advanced care but no blood, so the hour waits for the DCR team aboard a
    // helicopter at the base, the only unit left to move the casualty on (the ambulance never
    // comes back). It launches in 70 minutes and reaches the clinic, at its base, past the
    // hour: the launch is to blame, not the 200-minute flight to the Level 2 after it.
    let mut text = scenario(
        "period_days = 1",
        "site = \"base\"\nlevel = \"level1\"\ncare = \"als\"\n\n[[facility]]\nid = \"l2\"\nsite = \"hospital\"\nlevel = \"level2\"",
        "kind = \"ground\"\nbase = \"base\"\nspeed_kmh = 50\ndelivers_to = \"nearest\"\n\
         launch_day_min = 1\nlaunch_night_min = 1\non_scene_min = 1\nturnaround_min = 100000\n\n\
         [[asset]]\nid = \"heli\"\nkind = \"helicopter\"\nbase = \"base\"\nspeed_kmh = 200\nnight_capable = true\n\
         launch_day_min = 70\nlaunch_night_min = 70\non_scene_min = 0\nmedical_team = true\nlifts = [\"T1\"]",
        "centre = { lat = 0.0, lon = 0.0 }\nradius_km = 0\nincidents_per_day = 0\nscheduled_hours = [1]\n\
         casualties = 1\nseverity = { t1 = 1, t2 = 0, t3 = 0 }\nsurgery_share = { t1 = 1, t2 = 0, t3 = 0 }\n\
         first_aider_share = 1\nfirst_aid_min = 1\nreport_delay_min = 0\nescort_required = false",
    );
    text = text.replace("lat = 0.0\nlon = 1.0", "lat = 0.0\nlon = 6.0");
    let m = model(&text);
    let trace = casevac::sim::Engine::new(&m).trace(5, 0);
    let c = &trace.casualties[0];
    let dcr = c.resuscitation_min.expect("resuscitated");
    assert!(dcr > 60.0 && dcr < 150.0, "DCR when the team reaches the clinic, past the hour: {dcr}");
    let (_, s) = run(&m, 5, 3);
    assert_eq!(s.steps[1].compliance, Some(0.0));
    let causes: Vec<(&str, u64)> = s.misses[1].causes.iter().map(|c| (c.name, c.count)).collect();
    assert_eq!(causes, vec![("launch_or_escort", 3)]);
}

/// Four T1 casualties who need no surgery, wounded together at hour 2 half a degree from the
/// hospital, reported 2 minutes later; one helicopter at the hospital (120 km/h, launch 5 min,
/// nothing on scene) with a DCR team, and `asset` for its stretchers and team.
fn four_casualties_and_a_team(asset: &str) -> casevac::model::Model {
    model(&scenario(
        "period_days = 1",
        "site = \"hospital\"\nlevel = \"level2\"\noperating_tables = 100\noperations_per_day = 100000",
        &format!(
            "kind = \"helicopter\"\nbase = \"hospital\"\nspeed_kmh = 120\nnight_capable = true\n\
             launch_day_min = 5\nlaunch_night_min = 5\non_scene_min = 0\nmedical_team = true\n{asset}"
        ),
        "centre = { lat = 0.0, lon = 0.5 }\nradius_km = 0\nincidents_per_day = 0\nscheduled_hours = [2]\n\
         casualties = 4\nseverity = { t1 = 1, t2 = 0, t3 = 0 }\nsurgery_share = { t1 = 0, t2 = 0, t3 = 0 }\n\
         first_aider_share = 0\nreport_delay_min = 2",
    ))
}

#[test]
fn a_team_with_hands_to_spare_starts_care_for_casualties_it_does_not_carry() {
    // One stretcher, and away for hours with each lift. A team of one starts on the casualty it
    // carries; a team of four on all four.
    let leg = 0.5 * km_per_degree() / 120.0 * 60.0;
    let laydown = |team: &str| four_casualties_and_a_team(&format!("stretchers = 1\nturnaround_min = 300\n{team}"));
    let at_scene = 2.0 + 5.0 + leg;
    let (_, one) = run(&laydown(""), 3, 5);
    assert_eq!(one.steps[1].compliance, Some(0.25), "only the carried casualty within the hour");
    let (_, four) = run(&laydown("team_size = 4"), 3, 5);
    assert_eq!(four.steps[1].compliance, Some(1.0));
    assert_close(four.steps[1].mean_min.unwrap(), at_scene, 1e-3, "all four from the team's arrival");
}

#[test]
fn a_team_short_of_hands_starts_care_for_only_as_many_as_it_has() {
    // The four lifted together by a helicopter with four stretchers, which reaches them
    // 2 + 5 + 0.5 degree at 120 km/h after wounding and flies the same leg back to the hospital
    // at its base. A team of one starts on one of them; the other three get blood when the
    // hospital receives them, one leg later, past the hour. By default the team starts on every
    // casualty it carries.
    let leg = 0.5 * km_per_degree() / 120.0 * 60.0;
    let laydown = |team: &str| four_casualties_and_a_team(&format!("stretchers = 4\n{team}"));
    let (at_scene, at_hospital) = (2.0 + 5.0 + leg, 2.0 + 5.0 + 2.0 * leg);
    assert!(at_scene < 60.0 && at_hospital > 60.0, "{at_scene} {at_hospital}");
    for (team, treated) in [("", 4.0), ("team_size = 1", 1.0), ("team_size = 2", 2.0), ("team_size = 4", 4.0)] {
        let (_, s) = run(&laydown(team), 3, 5);
        assert_eq!(s.steps[1].compliance, Some(treated / 4.0), "{team}");
        let mean = (treated * at_scene + (4.0 - treated) * at_hospital) / 4.0;
        assert_close(s.steps[1].mean_min.unwrap(), mean, 1e-3, team);
    }
}

/// Four T1 casualties wounded together at hour 2, a fiftieth of a degree from the hospital,
/// reported 2 minutes later; one helicopter there (120 km/h, launch 5 min), so its crew reaches
/// them 2 + 5 + the leg after wounding, within the 10 minutes; `asset` for its first-aid crew,
/// `zone` for first-aiders on scene.
fn four_casualties_near(asset: &str, zone: &str) -> (casevac::model::Model, f64) {
    let m = model(&scenario(
        "period_days = 1",
        "site = \"hospital\"\nlevel = \"level2\"\noperating_tables = 100\noperations_per_day = 100000",
        &format!(
            "kind = \"helicopter\"\nbase = \"hospital\"\nspeed_kmh = 120\nnight_capable = true\nstretchers = 4\n\
             launch_day_min = 5\nlaunch_night_min = 5\non_scene_min = 0\n{asset}"
        ),
        &format!(
            "centre = {{ lat = 0.0, lon = 0.98 }}\nradius_km = 0\nincidents_per_day = 0\nscheduled_hours = [2]\n\
             casualties = 4\nseverity = {{ t1 = 1, t2 = 0, t3 = 0 }}\nsurgery_share = {{ t1 = 0, t2 = 0, t3 = 0 }}\n\
             report_delay_min = 2\n{zone}"
        ),
    ));
    (m, 2.0 + 5.0 + 0.02 * km_per_degree() / 120.0 * 60.0)
}

#[test]
fn a_crew_short_of_first_aiders_reaches_the_casualties_in_turn() {
    // No first-aider on scene. By default the crew starts on all four as it arrives; with
    // `first_aid_crew` its members take one casualty at a time, 1.5 minutes each, so the last
    // ones wait: with one of them, the third and fourth miss the 10 minutes.
    let (_, at) = four_casualties_near("", "first_aider_share = 0");
    assert!(at < 10.0 && at + 1.5 < 10.0 && at + 3.0 > 10.0, "{at}");
    for (crew, starts) in [
        ("", [0.0, 0.0, 0.0, 0.0]),
        ("first_aid_crew = 2", [0.0, 0.0, 1.5, 1.5]),
        ("first_aid_crew = 1", [0.0, 1.5, 3.0, 4.5]),
        ("first_aid_crew = 4", [0.0; 4]),
    ] {
        let asset = if crew.is_empty() { String::new() } else { format!("{crew}\nfirst_aid_each_min = 1.5") };
        let (m, _) = four_casualties_near(&asset, "first_aider_share = 0");
        let (_, s) = run(&m, 3, 5);
        let in_time = starts.iter().filter(|&&d| at + d <= 10.0).count() as f64 / 4.0;
        assert_eq!(s.steps[0].compliance, Some(in_time), "{crew} {:?}", s.steps[0].mean_min);
        let mean = at + starts.iter().sum::<f64>() / 4.0;
        assert_close(s.steps[0].mean_min.unwrap(), mean, 1e-3, crew);
        // The crew was there in time: a miss is for want of its hands, not of a first-aider.
        let late = starts.iter().filter(|&&d| at + d > 10.0).count() as u64 * 5;
        let causes: Vec<(&str, u64)> = s.misses[0].causes.iter().map(|c| (c.name, c.count)).collect();
        let want = if late == 0 { vec![] } else { vec![("first_aiders_busy_with_other_casualties", late)] };
        assert_eq!(causes, want, "{crew}");
    }
}

#[test]
fn a_crew_starts_first_aid_on_those_it_leaves_behind_only_before_it_leaves() {
    // No first-aider on scene; a crew of one, half a minute a casualty, reaching the four at
    // `at`. With a stretcher for each, it takes them all and treats them in turn, in flight if
    // need be: all four by `at` + 1.5, within the 10 minutes. With one stretcher and 0.75
    // minutes on scene, it starts on the one it carries at `at` and on the next at `at` + 0.5,
    // then leaves: the last two wait for its next sortie, long after the 10 minutes, though the
    // crew was on scene in time (so their miss is for want of its hands).
    let crew = "first_aid_crew = 1\nfirst_aid_each_min = 0.5";
    let (m, at) = four_casualties_near(crew, "first_aider_share = 0");
    assert!(at + 1.5 < 10.0, "{at}");
    let (_, s) = run(&m, 3, 5);
    assert_eq!(s.steps[0].compliance, Some(1.0));
    assert_close(s.steps[0].mean_min.unwrap(), at + 0.75, 1e-3, "starts at +0, +0.5, +1, +1.5");
    let (mut m, _) = four_casualties_near(crew, "first_aider_share = 0");
    m.assets[0].stretchers = 1;
    m.assets[0].on_scene_min = casevac::dist::Dist::Fixed(0.75);
    let (_, s) = run(&m, 3, 5);
    assert_eq!(s.steps[0].compliance, Some(0.5));
    let causes: Vec<(&str, u64)> = s.misses[0].causes.iter().map(|c| (c.name, c.count)).collect();
    assert_eq!(causes, vec![("first_aiders_busy_with_other_casualties", 2 * 5)]);
}

#[test]
fn a_crew_without_first_aid_hands_reaches_only_those_still_on_scene() {
    // No first-aider on scene. Two helicopters of two stretchers each are sent at once. The
    // first, with one first-aider aboard at 10 minutes a casualty, lands at `at`, takes two and
    // leaves at once, starting on them at `at` and, in flight, at `at` + 10. The second, whose
    // arrival counts as first aid for everyone still on scene, lands a minute later for the
    // other two. Its arrival must not count for the two already flown off: the second of them
    // misses the 10 minutes, though a crew was on scene in time (so for want of its hands).
    let second = "\n\n[[asset]]\nid = \"plain\"\nkind = \"helicopter\"\nbase = \"hospital\"\nspeed_kmh = 120\n\
                  night_capable = true\nstretchers = 2\nlaunch_day_min = 6\nlaunch_night_min = 6\non_scene_min = 0";
    let (mut m, at) =
        four_casualties_near(&format!("first_aid_crew = 1\nfirst_aid_each_min = 10{second}"), "first_aider_share = 0");
    m.assets[0].stretchers = 2;
    assert!(at + 1.0 < 10.0 && at + 10.0 > 10.0, "{at}");
    let (_, s) = run(&m, 3, 5);
    assert_eq!(s.steps[0].compliance, Some(0.75));
    assert_close(s.steps[0].mean_min.unwrap(), at + (0.0 + 10.0 + 1.0 + 1.0) / 4.0, 1e-3, "starts at +0, +10, +1, +1");
    let causes: Vec<(&str, u64)> = s.misses[0].causes.iter().map(|c| (c.name, c.count)).collect();
    assert_eq!(causes, vec![("first_aiders_busy_with_other_casualties", 5)]);
}

#[test]
fn a_first_aider_left_behind_gives_no_first_aid_to_those_flown_off() {
    // One first-aider from the moment of wounding, 3 minutes a casualty: 0, 3, 6 and 9
    // minutes. The helicopter launches at once, lands at `at` (just after 3 minutes), takes all
    // four and leaves at once; its crew of one, 8 minutes a casualty, leaves the first two to
    // the first-aider, who started on them before it left, and treats the other two in flight
    // at `at` and `at` + 8. The first-aider is left behind: the fourth casualty's first aid is
    // the crew's, late, not the first-aider's at 9 minutes, which it was no longer there for.
    let zone = "first_aider_share = 1\nfirst_aiders = 1\nfirst_aid_min = 0\nfirst_aid_each_min = 3";
    let (mut m, at) = four_casualties_near("first_aid_crew = 1\nfirst_aid_each_min = 8", zone);
    let heli = &mut m.assets[0];
    (heli.launch_day_min, heli.launch_night_min) = (casevac::dist::Dist::Fixed(0.0), casevac::dist::Dist::Fixed(0.0));
    let at = at - 5.0;
    assert!(at > 3.0 && at < 6.0 && at + 8.0 > 10.0, "{at}");
    let (_, s) = run(&m, 3, 5);
    assert_eq!(s.steps[0].compliance, Some(0.75));
    assert_close(s.steps[0].mean_min.unwrap(), (0.0 + 3.0 + at + at + 8.0) / 4.0, 1e-3, "starts at 0, 3, at, at + 8");
    let causes: Vec<(&str, u64)> = s.misses[0].causes.iter().map(|c| (c.name, c.count)).collect();
    assert_eq!(causes, vec![("first_aiders_busy_with_other_casualties", 5)]);
}

#[test]
fn a_casualty_flown_off_before_its_first_aider_reached_it_missed_for_the_first_aider_busy() {
    // One first-aider from the moment of wounding, 6 minutes a casualty: it would start on them
    // at 0, 6, 12 and 18 minutes. The helicopter lands at `at`, between 10 and 12 minutes, and
    // leaves at once with all four: the first-aider, busy with the first two, is left behind by
    // the last two, whom the crew treats (all at once, or one at a time, 8 minutes each). They
    // miss the 10 minutes because the first-aider was busy with others, not for want of one, and
    // their trace shows no first-aider's start.
    let zone = "first_aider_share = 1\nfirst_aiders = 1\nfirst_aid_min = 0\nfirst_aid_each_min = 6";
    for (crew, last) in [("", 0.0), ("first_aid_crew = 1\nfirst_aid_each_min = 8", 8.0)] {
        let (mut m, at) = four_casualties_near(crew, zone);
        let heli = &mut m.assets[0];
        (heli.launch_day_min, heli.launch_night_min) =
            (casevac::dist::Dist::Fixed(8.0), casevac::dist::Dist::Fixed(8.0));
        let at = at + 3.0;
        assert!(at > 10.0 && at < 12.0, "{at}");
        let (_, s) = run(&m, 3, 5);
        assert_eq!(s.steps[0].compliance, Some(0.5), "{crew}");
        assert_close(s.steps[0].mean_min.unwrap(), (0.0 + 6.0 + at + at + last) / 4.0, 1e-3, crew);
        let causes: Vec<(&str, u64)> = s.misses[0].causes.iter().map(|c| (c.name, c.count)).collect();
        assert_eq!(causes, vec![("first_aiders_busy_with_other_casualties", 10)], "{crew}");
        let trace = casevac::sim::Engine::new(&m).trace(3, 0);
        let mut aider: Vec<Option<f64>> = trace.casualties.iter().map(|c| c.first_aider_min).collect();
        aider.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let wounded = trace.casualties[0].wound_min;
        assert_eq!(aider, vec![None, None, Some(wounded), Some(wounded + 6.0)], "{crew}");
    }
}

#[test]
fn a_first_aider_passes_over_a_casualty_the_crew_has_started_on() {
    // One first-aider from the moment of wounding, 6 minutes a casualty: alone, it would start
    // on them at 0, 6, 12 and 18 minutes. A helicopter with one stretcher lands at `at` (just
    // after 8 minutes) and stays 5; its crew of one, 5 minutes a casualty, starts on the third
    // at `at`, before the first-aider would, and is busy past its leaving for the fourth. The
    // first-aider, done with the second at 12, passes over the third and starts on the fourth
    // at 12, not 18.
    let zone = "first_aider_share = 1\nfirst_aiders = 1\nfirst_aid_min = 0\nfirst_aid_each_min = 6";
    let (mut m, at) = four_casualties_near("first_aid_crew = 1\nfirst_aid_each_min = 5", zone);
    (m.assets[0].stretchers, m.assets[0].on_scene_min) = (1, casevac::dist::Dist::Fixed(5.0));
    assert!(at > 6.0 && at <= 10.0 && at + 5.0 > 12.0, "{at}");
    let (_, s) = run(&m, 3, 5);
    assert_close(s.steps[0].mean_min.unwrap(), (0.0 + 6.0 + at + 12.0) / 4.0, 1e-3, "starts at 0, 6, at, 12");
    assert_eq!(s.steps[0].compliance, Some(0.75));
    let trace = casevac::sim::Engine::new(&m).trace(3, 0);
    let wounded = trace.casualties[0].wound_min;
    let mut aider: Vec<Option<f64>> = trace.casualties.iter().map(|c| c.first_aider_min.map(|t| t - wounded)).collect();
    aider.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(aider, vec![None, Some(0.0), Some(6.0), Some(12.0)]);
}

#[test]
fn a_casualty_left_to_a_crew_stays_in_its_plan_when_a_later_lift_frees_the_first_aider() {
    // Five T1 casualties; one first-aider from 10 minutes, 4 minutes each. Helicopter A (one
    // stretcher, a crew of one at 5 minutes a casualty) lands at `at` and stays 30 minutes;
    // helicopter B (two stretchers, a crew of one at 100 minutes) lands at `at` + 4 and leaves
    // at once. A's crew takes the first at `at` and the second at `at` + 5, leaving the third
    // to the first-aider at 10 and planning the fourth for `at` + 10. B flies off the second
    // and third, its crew starting on the second at `at` + 4 and the third after it. The
    // first-aider, free at 10 with the third gone, passes over the fourth, in A's crew's plan,
    // and starts on the fifth.
    let fly = 0.02 * km_per_degree() / 120.0 * 60.0;
    let m = model(&scenario(
        "period_days = 1",
        "site = \"hospital\"\nlevel = \"level2\"\noperating_tables = 100\noperations_per_day = 100000",
        "kind = \"helicopter\"\nbase = \"hospital\"\nspeed_kmh = 120\nnight_capable = true\nstretchers = 1\n\
         launch_day_min = 0\nlaunch_night_min = 0\non_scene_min = 30\nfirst_aid_crew = 1\nfirst_aid_each_min = 5\n\n\
         [[asset]]\nid = \"b\"\nkind = \"helicopter\"\nbase = \"hospital\"\nspeed_kmh = 120\nnight_capable = true\n\
         stretchers = 2\nlaunch_day_min = 4\nlaunch_night_min = 4\non_scene_min = 0\nfirst_aid_crew = 1\n\
         first_aid_each_min = 100",
        "centre = { lat = 0.0, lon = 0.98 }\nradius_km = 0\nincidents_per_day = 0\nscheduled_hours = [2]\n\
         casualties = 5\nseverity = { t1 = 1, t2 = 0, t3 = 0 }\nsurgery_share = { t1 = 0, t2 = 0, t3 = 0 }\n\
         report_delay_min = 2\nfirst_aider_share = 1\nfirst_aiders = 1\nfirst_aid_min = 10\nfirst_aid_each_min = 4",
    ));
    let at = 2.0 + fly;
    assert!(at + 4.0 < 10.0 && at + 10.0 > 10.0, "{at}");
    let trace = casevac::sim::Engine::new(&m).trace(1, 0);
    let wounded = trace.casualties[0].wound_min;
    let mut first_aid: Vec<f64> = trace.casualties.iter().map(|c| c.first_aid_min.unwrap() - wounded).collect();
    first_aid.sort_by(f64::total_cmp);
    let want = [at, at + 4.0, 10.0, at + 10.0, at + 104.0];
    for (got, want) in first_aid.iter().zip(want) {
        assert_close(*got, want, 1e-9, "first aid starts");
    }
    let aider: Vec<f64> = trace.casualties.iter().filter_map(|c| c.first_aider_min).map(|t| t - wounded).collect();
    assert_eq!(aider, [10.0], "the first-aider treats only the fifth");
}

#[test]
fn a_crew_takes_the_casualties_its_first_aider_has_not_reached() {
    // One first-aider on scene from the moment of wounding, 5 minutes a casualty: it starts on
    // them at 0, 5, 10 and 15 minutes. A crew of one, 1.5 (or 3) minutes a casualty, arriving
    // at `at` leaves the first two to it and takes the third at `at` and the fourth after; the
    // fourth is in time only with the quicker crew. By default the crew starts on the last two
    // as it arrives.
    let zone = "first_aider_share = 1\nfirst_aiders = 1\nfirst_aid_min = 0\nfirst_aid_each_min = 5";
    let (_, at) = four_casualties_near("", zone);
    assert!(at > 5.0 && at + 1.5 < 10.0 && at + 3.0 > 10.0, "{at}");
    for (asset, starts, in_time) in [
        ("", [0.0, 5.0, at, at], 1.0),
        ("first_aid_crew = 1\nfirst_aid_each_min = 1.5", [0.0, 5.0, at, at + 1.5], 1.0),
        ("first_aid_crew = 1\nfirst_aid_each_min = 3", [0.0, 5.0, at, at + 3.0], 0.75),
    ] {
        let (m, _) = four_casualties_near(asset, zone);
        let (_, s) = run(&m, 3, 5);
        assert_eq!(s.steps[0].compliance, Some(in_time), "{asset}");
        assert_close(s.steps[0].mean_min.unwrap(), starts.iter().sum::<f64>() / 4.0, 1e-3, asset);
    }
}

#[test]
fn a_first_aid_crew_out_of_range_or_a_time_without_a_crew_is_refused() {
    let refused = |asset: &str| {
        let text = small_scenario().replace("speed_kmh = 250", &format!("speed_kmh = 250\n{asset}"));
        casevac::scenario::parse(&text, "t.toml").map(|_| ()).unwrap_err().to_string()
    };
    let e = refused("first_aid_each_min = 2");
    assert!(e.contains("first_aid_each_min but no first_aid_crew") && e.contains("give first_aid_crew"), "{e}");
    let e = refused("first_aid_crew = 0");
    assert!(e.contains("first_aid_crew = 0 is out of range") && e.contains("from 1 to 100"), "{e}");
}

#[test]
fn a_miss_of_the_hour_begun_by_another_lifts_team_is_put_down_to_that_lift() {
    // Two T1 casualties a degree from the hospital; a helicopter there with one stretcher and a
    // team of two, approved after 40 minutes and flying 30, starts both at 70 minutes: both miss the hour, for approval. The
    // second is carried later by a slow ambulance, whose long drive to the hospital came after
    // its resuscitation began and is not the cause.
    let m = model(&scenario(
        "period_days = 1",
        "site = \"hospital\"\nlevel = \"level2\"\noperating_tables = 100\noperations_per_day = 100000",
        &format!(
            "kind = \"helicopter\"\nbase = \"hospital\"\nstretchers = 1\nspeed_kmh = {}\nnight_capable = true\n\
             approval_min = 40\nlaunch_day_min = 0\nlaunch_night_min = 0\non_scene_min = 0\nturnaround_min = 0\n\
             medical_team = true\nteam_size = 2\n\n\
             [[asset]]\nid = \"amb\"\nkind = \"ground\"\nbase = \"hospital\"\nspeed_kmh = 10\n\
             launch_day_min = 80\nlaunch_night_min = 80\non_scene_min = 0\nturnaround_min = 0",
            2.0 * km_per_degree()
        ),
        "centre = { lat = 0.0, lon = 0.0 }\nradius_km = 0\nincidents_per_day = 0\nscheduled_hours = [10]\n\
         casualties = 2\nseverity = { t1 = 1, t2 = 0, t3 = 0 }\nsurgery_share = { t1 = 0, t2 = 0, t3 = 0 }\n\
         first_aider_share = 1\nfirst_aid_min = 1\nreport_delay_min = 0\nescort_required = false",
    ));
    let (_, s) = run(&m, 5, 10);
    assert_eq!(s.steps[1].compliance, Some(0.0));
    assert_close(s.steps[1].mean_min.unwrap(), 70.0, 1e-6, "both from the helicopter team's arrival");
    let causes: Vec<(&str, u64)> = s.misses[1].causes.iter().map(|c| (c.name, c.count)).collect();
    assert_eq!(causes, vec![("approval", 20)]);
}

#[test]
fn a_helicopter_that_lifts_only_urgent_casualties_leaves_the_routine_to_the_road() {
    // One T1 and one T3 wounded together 0.5 degree from the hospital where a helicopter
    // (120 km/h) and an ambulance (60 km/h, road factor 1) wait. The helicopter lifts T1 and T2
    // only: the T1 flies, the T3 goes by road. Without the restriction both fly together.
    let leg = |kmh: f64| 0.5 * km_per_degree() / kmh * 60.0;
    let laydown = |lifts: &str| {
        model(&scenario(
            "period_days = 1",
            "site = \"hospital\"\nlevel = \"level2\"\noperating_tables = 100\noperations_per_day = 100000",
            &format!(
                "kind = \"helicopter\"\nbase = \"hospital\"\nstretchers = 2\nspeed_kmh = 120\nnight_capable = true\n\
                 launch_day_min = 0\nlaunch_night_min = 0\non_scene_min = 0\n{lifts}\n\n\
                 [[asset]]\nid = \"amb\"\nkind = \"ground\"\nbase = \"hospital\"\nspeed_kmh = 60\nlaunch_day_min = 0\n\
                 launch_night_min = 0\non_scene_min = 0"
            ),
            "centre = { lat = 0.0, lon = 0.5 }\nradius_km = 0\nincidents_per_day = 0\nscheduled_hours = [2]\n\
             casualties = 2\nseverity = { t1 = 0.5, t2 = 0, t3 = 0.5 }\nsurgery_share = { t1 = 0, t2 = 0, t3 = 0 }\n\
             first_aider_share = 0\nreport_delay_min = 0\nroad_factor = 1",
        ))
    };
    let arrival = |m: &casevac::model::Model, severity: u8| {
        // A trial whose two casualties are one T1 and one T3.
        let mut engine = casevac::sim::Engine::new(m);
        (0..200)
            .map(|t| engine.trace(1, t).casualties)
            .find(|c| c.iter().any(|x| x.severity == 0) && c.iter().any(|x| x.severity == 2))
            .expect("a mixed incident")
            .into_iter()
            .find(|c| c.severity == severity)
            .and_then(|c| c.resuscitation_min)
            .unwrap()
    };
    let (wounded, by_air, by_road) = (120.0, 2.0 * leg(120.0), 2.0 * leg(60.0));
    let urgent_only = laydown("lifts = [\"T1\", \"T2\"]");
    assert_close(arrival(&urgent_only, 0), wounded + by_air, 1e-6, "the T1 flies");
    assert_close(arrival(&urgent_only, 2), wounded + by_road, 1e-6, "the T3 goes by road");
    let any = laydown("");
    assert_close(arrival(&any, 2), wounded + by_air, 1e-6, "without the restriction the T3 flies too");
}
