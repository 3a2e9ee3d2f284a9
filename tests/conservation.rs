//! Conservation laws that hold for any scenario: every casualty lands in exactly one outcome,
//! every split of the casualties adds up to the whole, and no count exceeds what contains it.

mod common;

use casevac::stats::Tally;
use casevac::stats::tally::{CAUSES, Groups, HIST_BINS, OUTCOMES};
use common::*;
use proptest::prelude::*;

fn check_conservation(m: &casevac::model::Model, t: &Tally) {
    let g = t.groups();
    let z = t.zones;
    assert_eq!(t.outcomes.iter().sum::<u64>(), t.casualties, "outcomes partition the casualties");
    assert_eq!(t.group_casualties[Groups::ALL], t.casualties);
    let by_category: u64 = (0..3).map(|k| t.group_casualties[g.severity(k)]).sum();
    assert_eq!(by_category, t.casualties, "triage categories partition the casualties");
    for step in 0..3 {
        let all = *t.cell(Groups::ALL, step);
        if step < 2 {
            let counted: u64 =
                (0..3).filter(|&k| m.applies_to[step][k]).map(|k| t.group_casualties[g.severity(k)]).sum();
            assert_eq!(
                all.n, counted,
                "first aid and resuscitation apply to every casualty of the categories they count"
            );
        }
        assert!(all.compliant <= all.reached && all.reached <= all.n);
        let sev: u64 = (0..3).map(|s| t.cell(g.severity(s), step).n).sum();
        let zones: u64 = (0..z).map(|i| t.cell(g.zone(i), step).n).sum();
        let light = t.cell(g.light(false), step).n + t.cell(g.light(true), step).n;
        assert_eq!((sev, zones, light), (all.n, all.n, all.n), "splits add up (step {step})");
        let ok: u64 = (0..z).map(|i| t.cell(g.zone(i), step).compliant).sum();
        assert_eq!(ok, all.compliant);
        let hist = t.hist(Groups::ALL, step);
        assert_eq!(hist.iter().sum::<u64>(), all.n, "histogram holds every casualty once");
        assert!(hist[HIST_BINS] >= all.n - all.reached, "unreached fall in the overflow bin");
        let missed: u64 =
            (0..z).flat_map(|i| (0..CAUSES).map(move |c| (i, c))).map(|(i, c)| t.failure(step, i, c)).sum();
        assert_eq!(missed, all.n - all.compliant, "each miss has exactly one cause (step {step})");
    }
    // A casualty never picked up was never resuscitated; one awaiting surgery never had it.
    // With every category counted (the random scenarios below), the bounds are tight.
    let awaiting_surgery: u64 = (0..z).map(|i| t.outcomes[i * OUTCOMES.len() + 1]).sum();
    let awaiting_evac: u64 = (0..z).map(|i| t.outcomes[i * OUTCOMES.len() + 2]).sum();
    let resus = t.cell(Groups::ALL, 1);
    let surgery = t.cell(Groups::ALL, 2);
    // Casualties a step does not count can still be waiting, so they widen each bound.
    assert!(awaiting_evac <= resus.n - resus.reached + (t.casualties - resus.n));
    assert!(awaiting_surgery <= surgery.n - surgery.reached + (t.casualties - surgery.n));
}

#[test]
fn bundled_reference_scenario_conserves_casualties() {
    let m = casevac::scenario::load(std::path::Path::new("scenarios/sahel-north.toml")).unwrap();
    let (t, _) = run(&m, 11, 50);
    assert!(t.casualties > 500);
    check_conservation(&m, &t);
}

/// The knobs a random scenario turns.
#[derive(Clone, Copy)]
struct Knobs {
    units: u32,
    stretchers: u32,
    rate: f64,
    serviceability: f64,
    weather: f64,
    night_capable: bool,
    tables: u32,
    follow_up_h: f64,
    masscal: f64,
    best_arrival: bool,
}

fn random_scenario(k: &Knobs) -> String {
    let Knobs {
        units,
        stretchers,
        rate,
        serviceability,
        weather,
        night_capable,
        tables,
        follow_up_h,
        masscal,
        best_arrival,
    } = *k;
    let dispatch = if best_arrival { "best_arrival" } else { "first_idle" };
    scenario(
        &format!("period_days = 4\nfollow_up_hours = {follow_up_h}\ndispatch = \"{dispatch}\""),
        &format!("site = \"hospital\"\nlevel = \"level2\"\noperating_tables = {tables}"),
        &format!(
            "kind = \"helicopter\"\nbase = \"base\"\ncount = {units}\nspeed_kmh = 150\nstretchers = {stretchers}\n\
             night_capable = {night_capable}\nserviceability = {serviceability}\nweather_grounding = {weather}\n\
             approval_min = {{ exponential = {{ mean = 20 }} }}\nmedical_team = true\n\n\
             [[asset]]\nid = \"amb\"\nkind = \"ground\"\nbase = \"base\"\nspeed_kmh = 40\nescort_min = 30"
        ),
        &format!(
            "centre = {{ lat = 0.2, lon = 0.5 }}\nradius_km = 40\nincidents_per_day = {rate}\n\
             casualties = {{ table = {{ values = [1, 3, 20], p = [{}, 0.3, {masscal}] }} }}\n\
             severity = {{ t1 = 0.3, t2 = 0.3, t3 = 0.4 }}\nsurgery_share = {{ t1 = 0.9, t2 = 0.5, t3 = 0.1 }}\n\
             first_aider_share = 0.6\nreport_delay_min = {{ lognormal = {{ mean = 8, cv = 1 }} }}\n\n\
             [[zone]]\nid = \"remote\"\npolygon = [[1.0, 1.0], [1.5, 1.2], [1.2, 1.6]]\nincidents_per_day = 1\n\
             severity = {{ t1 = 1, t2 = 0, t3 = 0 }}\nsurgery_share = {{ t1 = 1, t2 = 0, t3 = 0 }}\n\
             first_aider_share = 0\nreport_delay_min = 5\nair_only = true",
            0.7 - masscal
        ),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn random_scenarios_conserve_casualties(
        units in 1u32..4,
        stretchers in 1u32..5,
        rate in 0.5f64..30.0,
        serviceability in 0.2f64..1.0,
        weather in 0.0f64..0.6,
        night_capable: bool,
        tables in 1u32..4,
        follow_up_h in 0.0f64..48.0,
        masscal in 0.0f64..0.2,
        best_arrival: bool,
        seed: u64,
    ) {
        let k = Knobs { units, stretchers, rate, serviceability, weather, night_capable, tables, follow_up_h, masscal, best_arrival };
        let text = random_scenario(&k);
        let m = model(&text);
        let (t, _) = run(&m, seed, 5);
        check_conservation(&m, &t);
    }
}

#[test]
fn tally_size_does_not_grow_with_trials() {
    let m = casevac::scenario::load(std::path::Path::new("scenarios/sahel-north.toml")).unwrap();
    let (small, _) = run(&m, 1, 2);
    let (large, _) = run(&m, 1, 200);
    assert_eq!(small.hist.len(), large.hist.len());
    assert_eq!(small.cells.len(), large.cells.len());
    assert_eq!(small.failures.len(), large.failures.len());
    assert_eq!(large.trials, 200);
}
