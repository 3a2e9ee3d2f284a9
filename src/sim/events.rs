//! Scheduled events and the operating-table queue, ordered for `BinaryHeap`.

use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A sortie reaches its incident.
    ArriveScene(u32),
    /// A sortie's surgical patients are handed over and ready for a table.
    PatientsReady(u32),
    /// A unit is back at base.
    UnitFree(u32),
    /// An operating table at a facility is free.
    TableFree(u32),
    /// Casualties stabilised at a facility that cannot operate need a lift to one that can.
    TransferRequest(u32),
    /// The host nation answers a request's flight clearance: granted or not.
    Clearance(u32, bool),
    /// A denied request asks for flight clearance again.
    AskClearance(u32),
}

/// An event at time `t`; `seq` breaks ties in scheduling order, so the run is deterministic.
#[derive(Debug, Clone, Copy)]
pub struct Event {
    pub t: f64,
    pub seq: u64,
    pub kind: Kind,
}

impl PartialEq for Event {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Event {
    /// Reversed, so the max-heap pops the earliest event.
    fn cmp(&self, o: &Self) -> Ordering {
        o.t.total_cmp(&self.t).then(o.seq.cmp(&self.seq))
    }
}

/// A patient waiting for an operating table: most severe first, then first ready.
#[derive(Debug, Clone, Copy)]
pub struct QueuedPatient {
    pub severity: u8,
    pub ready_t: f64,
    pub casualty: u32,
}

impl PartialEq for QueuedPatient {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for QueuedPatient {}
impl PartialOrd for QueuedPatient {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for QueuedPatient {
    fn cmp(&self, o: &Self) -> Ordering {
        o.severity.cmp(&self.severity).then(o.ready_t.total_cmp(&self.ready_t)).then(o.casualty.cmp(&self.casualty))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BinaryHeap;

    #[test]
    fn earliest_event_pops_first_and_ties_keep_scheduling_order() {
        let mut h = BinaryHeap::new();
        h.push(Event { t: 5.0, seq: 1, kind: Kind::UnitFree(0) });
        h.push(Event { t: 2.0, seq: 2, kind: Kind::UnitFree(1) });
        h.push(Event { t: 2.0, seq: 3, kind: Kind::UnitFree(2) });
        let order: Vec<u64> = std::iter::from_fn(|| h.pop().map(|e| e.seq)).collect();
        assert_eq!(order, vec![2, 3, 1]);
    }

    #[test]
    fn most_severe_then_earliest_patient_gets_the_table() {
        let mut h = BinaryHeap::new();
        h.push(QueuedPatient { severity: 1, ready_t: 1.0, casualty: 0 });
        h.push(QueuedPatient { severity: 0, ready_t: 9.0, casualty: 1 });
        h.push(QueuedPatient { severity: 0, ready_t: 3.0, casualty: 2 });
        let order: Vec<u32> = std::iter::from_fn(|| h.pop().map(|p| p.casualty)).collect();
        assert_eq!(order, vec![2, 1, 0]);
    }
}
