//! Care after tasking: on scene, to a facility, transfers onward, and the operating tables.

use super::events::{Kind, QueuedPatient};
use super::streams::{Purpose, combine};
use super::{Engine, Incident, NEVER, Sortie};
use crate::geo::Point;
use crate::model::{Access, AssetGroup, Model};
use crate::stats::tally::{Phase, Tally, to_mmin};
use std::ops::Range;

/// Marks a transfer's key apart from any incident's.
const TRANSFER: u64 = 0x7472_616e_7366_6572;

impl Engine<'_> {
    pub(super) fn arrive_scene(&mut self, s: usize, now: f64, tally: &mut Tally) {
        let m = self.model;
        let sortie = self.sorties[s].clone();
        let g = self.units[sortie.unit as usize].group as usize;
        let a = &m.assets[g];
        let inc = &mut self.incidents[sortie.incident as usize];
        inc.first_arrival = inc.first_arrival.min(now);
        let (pos, zone, transfer, access) = (inc.pos, inc.zone as usize, inc.transfer, inc.access);
        let access = &access;
        let carried = sortie.slot_start as usize..(sortie.slot_start + sortie.slot_len) as usize;
        let surgical = self.slots[carried.clone()].iter().any(|&c| self.casualties[c as usize].needs_surgery);
        let (f, to_facility) = destination(m, a, access, pos, surgical && (transfer || !a.delivers_to_nearest));
        let fac = &m.facilities[f];
        let on_scene = a.on_scene_min.sample(&mut self.keys.stream(Purpose::Scene, sortie.key, 0));
        let at_facility = now + on_scene + to_facility;
        let handover = if surgical {
            fac.handover_min.sample(&mut self.keys.stream(Purpose::Handover, sortie.key, 0))
        } else {
            0.0
        };
        for &c in &self.slots[carried.clone()] {
            let c = &mut self.casualties[c as usize];
            if !transfer {
                c.picked_up = true;
                c.resus_on_scene = a.medical_team;
                c.resus_t = if a.medical_team { now } else { at_facility };
            }
            c.phase_min[Phase::OnScene as usize] += on_scene;
            c.phase_min[Phase::TravelToFacility as usize] += to_facility;
            if c.needs_surgery {
                c.phase_min[Phase::Handover as usize] += handover;
            }
        }
        self.sorties[s].facility = f as u32;
        if surgical && fac.surgery {
            self.push(at_facility + handover, Kind::PatientsReady(s as u32));
        } else if surgical {
            self.request_transfer(zone, f, carried, at_facility + handover);
        }
        let back = a.travel_min(m.facility_to_base_km[f][g], access);
        let free_t = at_facility + a.turnaround_min.sample(&mut self.keys.stream(Purpose::Scene, sortie.key, 1)) + back;
        // A unit is busy from tasking until it is back at base; utilisation counts the period only.
        tally.asset_busy_mmin[g] += to_mmin(m.clip_to_period(free_t) - m.clip_to_period(sortie.tasked_t));
        tally.sorties[g] += 1;
        self.units[sortie.unit as usize].free_at = free_t;
        self.push(free_t, Kind::UnitFree(sortie.unit));
    }

    /// Casualties delivered to a facility that cannot operate wait there, stabilised, for a
    /// second lift to a surgical facility: a new request, queued like any other.
    pub(super) fn request_transfer(&mut self, zone: usize, f: usize, carried: Range<usize>, request_t: f64) {
        let slot_start = self.slots.len() as u32;
        for i in carried {
            let c = self.slots[i];
            if self.casualties[c as usize].needs_surgery {
                self.slots.push(c);
            }
        }
        let i = self.incidents.len() as u32;
        let fac = &self.model.facilities[f];
        // Named by the first casualty it moves: a casualty is transferred at most once (a
        // transfer always goes to a facility that operates).
        let first = self.slots[slot_start as usize] as usize;
        self.incidents.push(Incident {
            key: combine(self.casualties[first].key, TRANSFER),
            zone: zone as u16,
            access: Access {
                escort_required: self.model.sites[fac.site].escort_required,
                ..self.model.zones[zone].access
            },
            pos: fac.pos,
            wound_t: request_t,
            request_t,
            first_arrival: NEVER,
            first_aid_start: NEVER,
            slot_start,
            slot_len: self.slots.len() as u32 - slot_start,
            next_unassigned: slot_start,
            transfer: true,
        });
        self.push(request_t, Kind::TransferRequest(i));
    }

    pub(super) fn patients_ready(&mut self, s: usize, now: f64, tally: &mut Tally) {
        let Sortie { slot_start, slot_len, facility, .. } = self.sorties[s];
        let f = facility as usize;
        for slot in slot_start..slot_start + slot_len {
            let c = self.slots[slot as usize];
            let cas = &mut self.casualties[c as usize];
            if !cas.needs_surgery {
                continue;
            }
            cas.ready_t = now;
            if self.free_tables[f] > 0 && self.ops_left[f] > 0 {
                self.free_tables[f] -= 1;
                self.start_surgery(f, c, now, tally);
            } else {
                let severity = cas.severity;
                self.table_queue[f].push(QueuedPatient { severity, ready_t: now, casualty: c });
            }
        }
    }

    pub(super) fn table_free(&mut self, f: usize, now: f64, tally: &mut Tally) {
        // A patient waiting gets the table, unless the surgical teams are done for the day.
        match self.table_queue[f].peek().filter(|_| self.ops_left[f] > 0) {
            Some(_) => {
                let p = self.table_queue[f].pop().expect("peeked");
                self.start_surgery(f, p.casualty, now, tally);
            }
            None => self.free_tables[f] += 1,
        }
    }

    /// Midnight: each facility's surgical teams may start a new day's operations, on the
    /// patients who waited for them.
    pub(super) fn open_theatres(&mut self, now: f64, tally: &mut Tally) {
        for f in 0..self.ops_left.len() {
            self.ops_left[f] = self.model.facilities[f].operations_per_day;
            while self.free_tables[f] > 0 && self.ops_left[f] > 0 {
                let Some(p) = self.table_queue[f].pop() else { break };
                self.free_tables[f] -= 1;
                self.start_surgery(f, p.casualty, now, tally);
            }
        }
    }

    /// Puts casualty `c` on a table at facility `f` that the caller has already taken.
    pub(super) fn start_surgery(&mut self, f: usize, c: u32, now: f64, tally: &mut Tally) {
        let m = self.model;
        let cas = &mut self.casualties[c as usize];
        cas.surgery_t = now;
        cas.phase_min[Phase::WaitTable as usize] = now - cas.ready_t;
        let end = now + m.facilities[f].surgery_min.sample(&mut self.keys.stream(Purpose::Surgery, cas.key, 0));
        tally.table_busy_mmin[f] += to_mmin(m.clip_to_period(end) - m.clip_to_period(now));
        tally.operations[f] += 1;
        self.ops_left[f] -= 1;
        self.push(end, Kind::TableFree(f as u32));
    }
}

/// The nearest facility to `pos`, by this asset's travel time, that can operate (when
/// `needs_table`) or resuscitate, and the minutes to reach it. Validation guarantees one exists.
pub(super) fn destination(m: &Model, a: &AssetGroup, access: &Access, pos: Point, needs_table: bool) -> (usize, f64) {
    m.facilities
        .iter()
        .enumerate()
        .filter(|(_, f)| if needs_table { f.surgery } else { f.resuscitation })
        .map(|(i, f)| (i, a.travel_min(pos.distance_km(&f.pos), access)))
        .fold((0, NEVER), |best, x| if x.1 < best.1 { x } else { best })
}
