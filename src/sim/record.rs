//! Recording: a trial's casualties turned into tallies, and the cause of each miss.

use super::streams::Purpose;
use super::{Casualty, Engine, Incident, NEVER};
use crate::dist::unit;
use crate::model::ClockOrigin;
use crate::outcome::{
    CENTRAL, Care, NEVER_MIN, OutcomeModel, care_bin, clock_at_definitive, death_bin, death_time, to_nano,
};
use crate::stats::tally::{
    CAUSE_FIRST_AIDER_DELAY, CAUSE_FIRST_AIDERS_BUSY, CAUSE_NO_FIRST_AIDER, Groups, HistAt, PHASES, Phase, Tally,
    to_mmin, to_ms,
};

impl Engine<'_> {
    /// Turns the trial's casualties into counts: compliance per step and group, times, phases,
    /// the cause of each miss, and how each casualty's care stood when follow-up ended.
    pub(super) fn record(&mut self, tally: &mut Tally) {
        let m = self.model;
        let horizon = m.horizon_min();
        let groups = self.groups;
        let deadline_ms = self.deadline_ms;
        self.trial_counts.fill((0, 0));
        // This trial's (n, in time) for the other reading of the hour.
        let mut other_hour = (0u64, 0u64);
        self.trial_deaths_nano = 0;
        tally.trials += 1;
        // Incidents of the warm-up competed for assets and tables but are not counted.
        let counted = |inc: &Incident| inc.wound_t >= m.warmup_min;
        tally.incidents += self.incidents[..self.originals].iter().filter(|i| counted(i)).count() as u64;
        // The groups' cells with a histogram come first (all casualties' before the others').
        let hist_cells = tally.hist_cells();
        // Which categories the outcome model can kill, worked out once a trial rather than per casualty.
        let outcomes =
            m.outcomes.as_ref().map(|om| (om, [0, 1, 2].map(|k| om.params.iter().any(|p| p.p_fatal[k] != 0.0))));
        for c in &self.casualties {
            let inc = &self.incidents[c.incident as usize];
            if !counted(inc) {
                continue;
            }
            tally.casualties += 1;
            let z = inc.zone as usize;
            let origin = match m.origin {
                ClockOrigin::Wounding => inc.wound_t,
                ClockOrigin::Request => inc.request_t,
            };
            let night = !m.daylight.is_day(inc.wound_t);
            let first_aid_t = c.first_aid_t();
            // The hour counts DCR (blood) unless the scenario says advanced life support will do;
            // the other is tallied beside it, so both figures are always reported.
            let als = m.resuscitation_counts_als;
            let (hour_t, other_t) = (c.hour_t(als), c.hour_t(!als));
            let milestones = [first_aid_t, hour_t, c.surgery_t];
            let steps = if c.needs_surgery { 3 } else { 2 };
            let sev = c.severity as usize;
            let in_groups = [Groups::ALL, groups.severity(sev), groups.zone(z), groups.light(night)];
            for g in in_groups {
                tally.group_casualties[g] += 1;
            }
            if m.applies_to[1][sev] {
                let ok = other_t <= horizon && to_ms((other_t - origin).max(0.0)) <= deadline_ms[1][sev];
                tally.other_hour.n += 1;
                tally.other_hour.compliant += ok as u64;
                other_hour.0 += 1;
                other_hour.1 += ok as u64;
            }
            for (step, &t) in milestones.iter().enumerate().take(steps) {
                if !m.applies_to[step][sev] {
                    continue;
                }
                let reached = t <= horizon;
                let rel = (t - origin).max(0.0);
                let rel_ms = to_ms(rel);
                let ok = reached && rel_ms <= deadline_ms[step][sev];
                // Converted and placed in the histogram once for the four groups the casualty
                // counts in.
                let rel_mmin = if reached { to_mmin(rel) } else { 0 };
                let at = HistAt::new(reached.then_some(rel_ms));
                for g in in_groups {
                    let k = g * 3 + step;
                    let cell = &mut tally.cells[k];
                    cell.n += 1;
                    cell.compliant += ok as u64;
                    cell.reached += reached as u64;
                    cell.time_sum_mmin += rel_mmin;
                    if k < hist_cells {
                        tally.hist_add(k, at);
                    }
                    let tc = &mut self.trial_counts[k];
                    tc.0 += 1;
                    tc.1 += ok as u64;
                }
                if !ok {
                    let crew_in_time = step == 0
                        && c.crew_on_scene_t <= horizon
                        && to_ms((c.crew_on_scene_t - origin).max(0.0)) <= deadline_ms[0][sev];
                    let cause = miss_cause(c, &self.incidents, step, m.origin, horizon, crew_in_time);
                    tally.add_failure(step, z, cause);
                }
            }
            if let (Some(on), Some(ot)) = (&m.onward, &mut tally.onward)
                && c.surgery_end_t <= horizon
            {
                // Counted once operated below Level 3; its clock starts at the end of surgery.
                let reached = c.level3_t <= horizon;
                let rel = (c.level3_t - c.surgery_end_t).max(0.0);
                let ok = reached && to_ms(rel) <= to_ms(on.deadline_min);
                ot.cell.n += 1;
                ot.cell.compliant += ok as u64;
                ot.cell.reached += reached as u64;
                ot.hist_add(HistAt::new(reached.then(|| to_ms(rel))));
                if reached {
                    ot.cell.time_sum_mmin += to_mmin(rel);
                    ot.post_op_sum_mmin += to_mmin(c.onward_ready_t - c.surgery_end_t);
                    ot.wait_sum_mmin += to_mmin(c.onward_tasked_t - c.onward_ready_t);
                    ot.lift_sum_mmin += to_mmin(c.level3_t - c.onward_tasked_t);
                }
                let tc = self.trial_counts.last_mut().expect("the onward entry");
                tc.0 += 1;
                tc.1 += ok as u64;
            }
            let last_phase = match (c.picked_up, c.surgery_t <= horizon) {
                (false, _) => Phase::Report,
                (true, false) => Phase::TravelToFacility,
                (true, true) => Phase::WaitTable,
            };
            // The zone's rows as fixed-length slices: one bounds check, not two a phase.
            let row = z * PHASES.len()..(z + 1) * PHASES.len();
            let reached = ..=last_phase as usize;
            for (sum, &t) in tally.phase_sum_mmin[row.clone()][reached].iter_mut().zip(&c.phase_min) {
                *sum += to_mmin(t);
            }
            for n in &mut tally.phase_n[row][reached] {
                *n += 1;
            }
            let outcome = if !c.picked_up {
                2
            } else if c.needs_surgery && c.surgery_t > horizon {
                1
            } else {
                0
            };
            tally.outcomes[z * 3 + outcome] += 1;
            // No parameter set can kill a category that is not `can_die` (T3 by default): nothing
            // to add or draw.
            if let Some((om, can_die)) = outcomes
                && can_die[sev]
            {
                // Biology runs from wounding whatever clock the 10-1-2 figures use.
                let since_wounding = |t: f64| if t <= horizon { (t - inc.wound_t).max(0.0) } else { NEVER_MIN };
                // A casualty who needs no surgery is definitively treated by its first advanced
                // care, with blood or without: a clinic without blood that stabilises it is not
                // "no care".
                let care = Care {
                    first_aid: since_wounding(first_aid_t),
                    resuscitation: since_wounding(c.resus_t),
                    definitive: since_wounding(if c.needs_surgery { c.surgery_t } else { c.als_t }),
                    surgical: c.needs_surgery,
                };
                self.trial_deaths_nano += record_deaths(om, &self.keys, c.key, sev, &care, &in_groups, tally);
            }
        }
        tally.deaths_nano2 += self.trial_deaths_nano * self.trial_deaths_nano;
        let (n, c) = other_hour;
        tally.other_hour.add_trial_spread(n, c);
        for (cell, &(n, c)) in tally.cells.iter_mut().zip(&self.trial_counts) {
            cell.add_trial_spread(n, c);
        }
        if let (Some(ot), Some(&(n, c))) = (&mut tally.onward, self.trial_counts.last()) {
            ot.cell.add_trial_spread(n, c);
        }
    }
}

/// Adds one casualty of a category the model can kill (some `p_fatal` not 0) to its groups'
/// deaths of wounds; returns its central expected death in billionths. The draws come from the
/// casualty's own stream, so two variants that treat it alike agree on whether it dies.
fn record_deaths(
    om: &OutcomeModel,
    keys: &super::streams::TrialKeys,
    key: u64,
    sev: usize,
    care: &Care,
    groups: &[usize; 4],
    tally: &mut Tally,
) -> u128 {
    // The central clock is worked out once, for the probability of death and the costliest step.
    let base = clock_at_definitive(care, &om.params[CENTRAL]);
    let p = [0, 1, 2]
        .map(|set| to_nano(if set == CENTRAL { om.p_death_at(set, sev, base) } else { om.p_death(set, sev, care) }));
    // Doctrinal care cannot do worse than actual care, so a casualty who cannot die cannot be saved.
    let preventable = if p[CENTRAL] == 0 {
        0
    } else {
        p[CENTRAL].saturating_sub(to_nano(om.p_death(CENTRAL, sev, &om.doctrinal(care))))
    };
    if preventable > 0 {
        tally.preventable_by_step_nano[om.costliest_step(care, base)] += u128::from(preventable);
    }
    let bin = care_bin(care.definitive);
    tally.care_time_casualties[bin] += 1;
    tally.care_time_deaths_nano[bin] += u128::from(p[CENTRAL]);
    let mut stream = keys.stream(Purpose::Outcome, key, 0);
    let central = &om.params[CENTRAL];
    // The untreated time of death, the stream's second draw, is drawn only for an injury that is
    // fatal: the stream is this casualty's alone, so leaving it undrawn moves no other draw.
    let fatal = unit(&mut stream) < central.p_fatal[sev];
    let died = if fatal { death_time(care, central, om.curve.quantile(unit(&mut stream))) } else { None };
    if let Some(t) = died {
        tally.death_time_bins[death_bin(t)] += 1;
    }
    for &g in groups {
        let d = &mut tally.deaths[g];
        for (x, &y) in d.expected_nano.iter_mut().zip(&p) {
            *x += u128::from(y);
        }
        d.preventable_nano += u128::from(preventable);
        d.drawn += died.is_some() as u64;
    }
    u128::from(p[CENTRAL])
}

/// No cause set: see `Casualty::hour_cause`.
pub(super) const NO_CAUSE: u8 = u8::MAX;

/// The phase to blame for a missed hour: the one that took the most of the casualty's `time`
/// up to when its care began. With a team aboard that began it on scene (`on_scene`; `time`
/// then holds the phases of the lift that brought the team), that is up to the team's arrival;
/// otherwise up to arrival at a facility, since handover and the wait for a table come after
/// resuscitation there.
pub(super) fn hour_cause(mut time: [f64; PHASES.len()], on_scene: bool, origin: ClockOrigin) -> usize {
    let after: &[Phase] = if on_scene {
        &[Phase::OnScene, Phase::TravelToFacility, Phase::Handover, Phase::WaitTable]
    } else {
        &[Phase::Handover, Phase::WaitTable]
    };
    for &p in after {
        time[p as usize] = 0.0;
    }
    cause_so_far(time, origin)
}

/// The phase to blame for a missed hour whose care began where the chain so far ends (a team
/// aboard a transfer reaching the clinic): the longest of all the casualty's phases until then.
pub(super) fn cause_so_far(mut time: [f64; PHASES.len()], origin: ClockOrigin) -> usize {
    if origin == ClockOrigin::Request {
        time[Phase::Report as usize] = 0.0;
    }
    longest(&time)
}

/// The first of the longest phases, its time carried along rather than looked up again.
fn longest(time: &[f64; PHASES.len()]) -> usize {
    (1..PHASES.len()).fold((0, time[0]), |(best, most), p| if time[p] > most { (p, time[p]) } else { (best, most) }).0
}

/// What request `inc`, never served by `horizon`, waited for: where only aircraft may go and the
/// host nation never cleared one, the authority held it (as a granted clearance's wait counts
/// with approval), not a shortage of aircraft; otherwise an asset.
fn waiting(inc: &Incident, horizon: f64) -> Phase {
    if inc.access.air_only && inc.clearance_asks > 0 && inc.air_clear_t > horizon {
        Phase::Approval
    } else {
        Phase::WaitAsset
    }
}

/// The reason a casualty missed `step`: for first aid, whether a trained first-aider was there,
/// or a crew giving first aid in turn was on scene within the deadline (`crew_in_time`) but had
/// no hands free; otherwise the phase of the chain that took the most of its time up to the step.
pub(super) fn miss_cause(
    c: &Casualty,
    incidents: &[Incident],
    step: usize,
    origin: ClockOrigin,
    horizon: f64,
    crew_in_time: bool,
) -> usize {
    let inc = &incidents[c.incident as usize];
    if step == 0 {
        return if crew_in_time {
            CAUSE_FIRST_AIDERS_BUSY
        } else if c.first_aider_t == NEVER {
            CAUSE_NO_FIRST_AIDER
        } else if c.first_aider_t > inc.first_aid_start {
            CAUSE_FIRST_AIDERS_BUSY
        } else {
            CAUSE_FIRST_AIDER_DELAY
        };
    }
    if step == 1 && c.hour_cause != NO_CAUSE {
        return usize::from(c.hour_cause);
    }
    if !c.picked_up {
        return if inc.request_t > horizon { Phase::Report as usize } else { waiting(inc, horizon) as usize };
    }
    let mut time = c.phase_min;
    // Still waiting at the end for a transfer from a clinic that cannot operate: that wait is
    // read as a casualty's first wait is, though no unit was tasked to add it.
    if c.transfer_asked_t <= horizon {
        time[waiting(&incidents[c.transfer as usize], horizon) as usize] += horizon - c.transfer_asked_t;
    }
    if step == 1 {
        return hour_cause(time, c.resus_on_scene, origin);
    }
    if origin == ClockOrigin::Request {
        time[Phase::Report as usize] = 0.0;
    }
    if c.surgery_t > horizon && c.ready_t <= horizon {
        time[Phase::WaitTable as usize] = horizon - c.ready_t;
    }
    longest(&time)
}
