//! A trial laid out casualty by casualty: what each one drew and when each step came.
//!
//! The tallies are what a run keeps; a trace is for looking inside one trial, and is how the
//! tests check that two variants of a scenario share their random draws.

use super::{Engine, NEVER};
use serde::Serialize;

/// One casualty of a traced trial. Times are minutes from the start of the trial; `None` is
/// never (within follow-up or at all).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CasualtyTrace {
    pub zone: String,
    /// The incident's stable key (zone id and number in the zone) and the casualty's number in it.
    pub incident_key: u64,
    pub casualty_key: u64,
    pub wound_min: f64,
    pub request_min: f64,
    /// 0 = T1, 1 = T2, 2 = T3.
    pub severity: u8,
    pub needs_surgery: bool,
    /// When a trained first-aider on scene starts first aid, if there is one and it starts before
    /// the casualty is carried off.
    pub first_aider_min: Option<f64>,
    pub first_aid_min: Option<f64>,
    pub resuscitation_min: Option<f64>,
    pub surgery_min: Option<f64>,
    /// Where onward evacuation is modelled and the casualty was moved on: when its operation
    /// ended and when it reached a Level 3.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub surgery_end_min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level3_min: Option<f64>,
}

/// One asset group on one day of a traced trial.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayTrace {
    pub asset: String,
    pub day: u64,
    pub grounded: bool,
    /// Serviceability of each unit of the group, in order.
    pub serviceable: Vec<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrialTrace {
    pub casualties: Vec<CasualtyTrace>,
    pub days: Vec<DayTrace>,
}

fn when(t: f64) -> Option<f64> {
    (t != NEVER).then_some(t)
}

impl Engine<'_> {
    /// Simulates trial `trial` under `seed`, exactly as [`Engine::trial`] does, and returns it
    /// casualty by casualty (in incident-key order, so two variants line up) with each group's
    /// days.
    pub fn trace(&mut self, seed: u64, trial: u64) -> TrialTrace {
        let mut tally = crate::stats::Tally::new(self.model);
        self.day_log = Some(Vec::new());
        self.trial(seed, trial, &mut tally);
        let m = self.model;
        let mut casualties: Vec<CasualtyTrace> = self
            .casualties
            .iter()
            .map(|c| {
                let inc = &self.incidents[c.incident as usize];
                CasualtyTrace {
                    zone: m.zones[inc.zone as usize].id.clone(),
                    incident_key: inc.key,
                    casualty_key: c.key,
                    wound_min: inc.wound_t,
                    request_min: inc.request_t,
                    severity: c.severity,
                    needs_surgery: c.needs_surgery,
                    first_aider_min: when(c.first_aider_start()),
                    first_aid_min: when(c.first_aid_t()),
                    resuscitation_min: when(c.resus_t),
                    surgery_min: when(c.surgery_t),
                    surgery_end_min: when(c.surgery_end_t),
                    level3_min: when(c.level3_t),
                }
            })
            .collect();
        casualties.sort_by_key(|c| (c.incident_key, c.casualty_key));
        TrialTrace { casualties, days: self.day_log.take().unwrap_or_default() }
    }
}
