//! First-aiders' training tiers against hand-computed answers: each first-aider on scene is of
//! one tier, drawn by share, and takes that tier's time a casualty.

mod common;

use common::*;

/// Incidents of two T1 casualties, one trained first-aider always on scene from minute 5, and an
/// ambulance too far away to arrive within 10 minutes: the first casualty gets first aid at 5,
/// the second at 5 plus the first-aider's time a casualty.
fn two_casualties(first_aid: &str) -> String {
    scenario(
        "period_days = 5",
        "site = \"hospital\"\nlevel = \"level2\"",
        "kind = \"ground\"\nbase = \"base\"\nspeed_kmh = 40",
        &format!(
            "centre = {{ lat = 0.0, lon = 0.5 }}\nradius_km = 5\nincidents_per_day = 40\ncasualties = 2\n\
             severity = {{ t1 = 1, t2 = 0, t3 = 0 }}\nsurgery_share = {{ t1 = 0, t2 = 0, t3 = 0 }}\n\
             first_aider_share = 1\nfirst_aiders = 1\nfirst_aid_min = 5\nreport_delay_min = 5\n{first_aid}"
        ),
    )
}

fn tiers(medic_share: f64) -> String {
    format!(
        "first_aider_tiers = [{{ name = \"medic\", share = {medic_share}, each_min = 2 }}, \
         {{ name = \"buddy\", share = {}, each_min = 6 }}]",
        1.0 - medic_share
    )
}

#[test]
fn the_second_casualty_is_in_time_exactly_when_the_first_aider_is_a_medic() {
    let p = 0.3;
    let (tally, s) = run(&model(&two_casualties(&tiers(p))), 4, 200);
    let got = s.steps[0].compliance.unwrap();
    // Half the casualties are first in line (always in time); the other half are in time when
    // their first-aider is a medic (5 + 2 = 7 min), late when a buddy (5 + 6 = 11 min).
    let want = (1.0 + p) / 2.0;
    let incidents = tally.casualties as f64 / 2.0;
    let sd = (p * (1.0 - p) / incidents).sqrt() / 2.0;
    assert!((got - want).abs() < 4.0 * sd, "first aid {got:.4}, expected {want:.4} ± {:.4}", 4.0 * sd);
}

#[test]
fn one_tier_of_everyone_is_the_zones_own_time() {
    let tiered = model(&two_casualties("first_aider_tiers = [{ name = \"buddy\", share = 1, each_min = 4 }]"));
    let plain = model(&two_casualties("first_aid_each_min = 4"));
    let (a, _) = run(&tiered, 9, 50);
    let (b, _) = run(&plain, 9, 50);
    assert_eq!(a, b, "the tier's draw is keyed apart, so nothing else moves");
}

#[test]
fn more_medics_never_lose_a_casualty_on_common_random_numbers() {
    let (few, more) = (model(&two_casualties(&tiers(0.3))), model(&two_casualties(&tiers(0.6))));
    let (mut a, mut b) = (casevac::sim::Engine::new(&few), casevac::sim::Engine::new(&more));
    let mut sooner = 0;
    for i in 0..50 {
        let (ta, tb) = (a.trace(11, i), b.trace(11, i));
        assert_eq!(ta.casualties.len(), tb.casualties.len(), "the same casualties");
        for (x, y) in ta.casualties.iter().zip(&tb.casualties) {
            // A first-aider who is a medic at 30% is one at 60% too: nobody's first aid is later.
            let (fx, fy) = (x.first_aid_min.unwrap(), y.first_aid_min.unwrap());
            assert!(fy <= fx, "trial {i}: first aid at {fx} became {fy}");
            sooner += (fy < fx) as usize;
        }
    }
    assert!(sooner > 0, "some first-aiders became medics");
}

#[test]
fn tiers_that_do_not_add_up_or_clash_are_refused() {
    let bad = two_casualties("first_aider_tiers = [{ name = \"medic\", share = 0.3, each_min = 2 }]");
    let err = casevac::scenario::parse(&bad, "t.toml").unwrap_err().to_string();
    assert!(err.contains("sum to 0.3000, not 1"), "{err}");
    let both = two_casualties(&format!("{}\nfirst_aid_each_min = 3", tiers(0.5)));
    let err = casevac::scenario::parse(&both, "t.toml").unwrap_err().to_string();
    assert!(err.contains("first_aid_each_min has no effect"), "{err}");
}
