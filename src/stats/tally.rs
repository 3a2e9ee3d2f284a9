//! Integer tallies of a batch of trials: fixed size, mergeable in any order.
//!
//! Only integers live here so that merging is associative and commutative: the same trials give
//! the same tally whatever the thread count or the order rayon merges in.

use crate::model::Model;
use serde::{Deserialize, Serialize};

/// One-minute bins up to 48 h; later (or never) falls in the last, overflow, bin.
pub const HIST_BINS: usize = 2880;

/// Where a casualty's minutes go, in the order of the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Report,
    WaitAsset,
    Approval,
    LaunchEscort,
    TravelToScene,
    OnScene,
    TravelToFacility,
    Handover,
    WaitTable,
}

pub const PHASES: [Phase; 9] = [
    Phase::Report,
    Phase::WaitAsset,
    Phase::Approval,
    Phase::LaunchEscort,
    Phase::TravelToScene,
    Phase::OnScene,
    Phase::TravelToFacility,
    Phase::Handover,
    Phase::WaitTable,
];

impl Phase {
    pub fn key(self) -> &'static str {
        match self {
            Phase::Report => "reporting",
            Phase::WaitAsset => "waiting_for_asset",
            Phase::Approval => "approval",
            Phase::LaunchEscort => "launch_or_escort",
            Phase::TravelToScene => "travel_to_scene",
            Phase::OnScene => "on_scene",
            Phase::TravelToFacility => "travel_to_facility",
            Phase::Handover => "handover",
            Phase::WaitTable => "waiting_for_theatre",
        }
    }
}

/// Why a casualty missed a step: the phase that took the most of its time, or a missing first-aider.
pub const CAUSES: usize = PHASES.len() + 3;
pub const CAUSE_FIRST_AIDER_DELAY: usize = PHASES.len();
pub const CAUSE_NO_FIRST_AIDER: usize = PHASES.len() + 1;
/// The first-aiders on scene, or the members of a crew that gives first aid in turn and was
/// there in time, were treating casualties ahead of this one in triage order.
pub const CAUSE_FIRST_AIDERS_BUSY: usize = PHASES.len() + 2;

pub fn cause_key(c: usize) -> &'static str {
    match c {
        CAUSE_FIRST_AIDER_DELAY => "first_aider_slow_to_start",
        CAUSE_NO_FIRST_AIDER => "no_trained_first_aider_on_scene",
        CAUSE_FIRST_AIDERS_BUSY => "first_aiders_busy_with_other_casualties",
        p => PHASES[p].key(),
    }
}

/// How a casualty's care stood when follow-up ended.
pub const OUTCOMES: [&str; 3] = ["care_complete", "awaiting_surgery", "awaiting_evacuation"];

/// Compliance counts for one (group, step).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// Casualties the step applies to.
    pub n: u64,
    /// Of those, treated within the threshold.
    pub compliant: u64,
    /// Of those, treated at all before follow-up ended.
    pub reached: u64,
    /// Sum of times to the step over `reached`, in thousandths of a minute.
    pub time_sum_mmin: u128,
    /// Per-trial sums of n^2, compliant^2 and n * compliant: the spread between trials (128-bit:
    /// a million casualties a trial squared, over millions of trials).
    pub n2: u128,
    pub c2: u128,
    pub nc: u128,
}

/// Deaths of wounds in one group, from the outcome model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeathCell {
    /// Expected deaths (sums of each casualty's probability of death) in billionths, with the
    /// model's central, low and high parameters (`outcome::CENTRAL`, `LOW`, `HIGH`).
    pub expected_nano: [u128; 3],
    /// Of the central expected deaths, those care at doctrinal times would have avoided.
    pub preventable_nano: u128,
    /// Deaths drawn from each casualty's outcome stream with the central parameters.
    pub drawn: u64,
}

impl Cell {
    /// Adds another tally's counts of the same group and step.
    pub fn add(&mut self, b: &Cell) {
        self.n += b.n;
        self.compliant += b.compliant;
        self.reached += b.reached;
        self.time_sum_mmin += b.time_sum_mmin;
        self.n2 += b.n2;
        self.c2 += b.c2;
        self.nc += b.nc;
    }

    /// Adds one trial's `n` counted and `c` of them in time to the spread between trials (the
    /// counts themselves are added casualty by casualty).
    pub fn add_trial_spread(&mut self, n: u64, c: u64) {
        self.n2 += u128::from(n * n);
        self.c2 += u128::from(c * c);
        self.nc += u128::from(n * c);
    }
}

/// The groups casualties are split into, laid out one after another.
#[derive(Debug, Clone, Copy)]
pub struct Groups {
    pub zones: usize,
}

impl Groups {
    pub const ALL: usize = 0;
    pub fn severity(&self, s: usize) -> usize {
        1 + s
    }
    pub fn zone(&self, z: usize) -> usize {
        4 + z
    }
    pub fn light(&self, night: bool) -> usize {
        4 + self.zones + night as usize
    }
    pub fn count(&self) -> usize {
        6 + self.zones
    }
}

/// Serialisable so that a shard of a run can be written to a tally file and merged elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub trials: u64,
    pub incidents: u64,
    pub casualties: u64,
    pub zones: usize,
    /// [group][step]
    pub cells: Vec<Cell>,
    /// [group][step][bin], HIST_BINS + 1 bins.
    pub hist: Vec<u64>,
    /// The earliest and latest time in each bin and how many fell on each (see [`BinEnds`]),
    /// parallel to `hist`.
    pub hist_ends: Vec<BinEnds>,
    /// [zone][phase]: sum in thousandths of a minute, and how many casualties went through it.
    pub phase_sum_mmin: Vec<u128>,
    pub phase_n: Vec<u64>,
    /// [step][zone][cause]
    pub failures: Vec<u64>,
    /// [zone][outcome]
    pub outcomes: Vec<u64>,
    /// The 1-hour step read the other way (advanced life support when the step counts DCR, DCR
    /// when it counts any advanced care), all casualties: the difference is blood on board.
    pub other_hour: Cell,
    /// [group]: casualties in the group, whether or not each step counts them.
    pub group_casualties: Vec<u64>,
    /// Per asset group: busy unit-time within the period, and sorties flown or driven.
    pub asset_busy_mmin: Vec<u128>,
    pub sorties: Vec<u64>,
    /// Per facility: operating-table time within the period, and operations started.
    pub table_busy_mmin: Vec<u128>,
    pub operations: Vec<u64>,
    /// Per facility: operations started within the period, against which its daily operations
    /// are read (a theatre can stand idle while its surgical team is done for the day).
    pub operations_in_period: Vec<u64>,
    /// Per facility: calendar days of the period on which its surgical teams started the last
    /// operation the day allowed them.
    pub days_operations_spent: Vec<u64>,
    /// [group]: deaths of wounds.
    pub deaths: Vec<DeathCell>,
    /// Sum over trials of the square of each trial's central expected deaths (all casualties),
    /// in billionths squared: the spread between trials.
    pub deaths_nano2: u128,
    /// [step]: preventable expected deaths (billionths) whose costliest delay was the step's.
    pub preventable_by_step_nano: Vec<u128>,
    /// [bin of `outcome::DEATH_BINS_MIN`]: drawn deaths by minutes after wounding.
    pub death_time_bins: Vec<u64>,
    /// [bin of `outcome::CARE_BINS_MIN`]: casualties who could die, and their central expected
    /// deaths (billionths), by time to definitive care: deaths against time to care.
    pub care_time_casualties: Vec<u64>,
    pub care_time_deaths_nano: Vec<u128>,
    /// The onward milestone ("+2"), where the scenario models it; absent otherwise.
    pub onward: Option<OnwardTally>,
}

/// The fourth milestone, over all casualties: a section of its own rather than a fourth step
/// in every group, since it is opt-in and its clock starts at the end of surgery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnwardTally {
    /// Casualties operated on below Level 3 (in its categories, operation ended within
    /// follow-up); compliant: at a Level 3 by the deadline after the operation.
    pub cell: Cell,
    /// Times from the end of surgery to arrival at Level 3, as a step's.
    pub hist: Vec<u64>,
    pub hist_ends: Vec<BinEnds>,
    /// Over the casualties who reached a Level 3, in thousandths of a minute: the post-op
    /// delay, the wait from fit to move until a unit was tasked, and from tasking to landing.
    pub post_op_sum_mmin: u128,
    pub wait_sum_mmin: u128,
    pub lift_sum_mmin: u128,
}

impl OnwardTally {
    fn new() -> OnwardTally {
        OnwardTally {
            cell: Cell::default(),
            hist: vec![0; HIST_BINS + 1],
            hist_ends: vec![BinEnds::default(); HIST_BINS + 1],
            post_op_sum_mmin: 0,
            wait_sum_mmin: 0,
            lift_sum_mmin: 0,
        }
    }

    /// Counts a time from surgery to Level 3.
    pub fn hist_add(&mut self, at: HistAt) {
        add_to_hist(&mut self.hist, &mut self.hist_ends, 0, at);
    }

    fn merge(&mut self, o: &OnwardTally) {
        merge_hist((&mut self.hist, &mut self.hist_ends), (&o.hist, &o.hist_ends));
        self.cell.add(&o.cell);
        self.post_op_sum_mmin += o.post_op_sum_mmin;
        self.wait_sum_mmin += o.wait_sum_mmin;
        self.lift_sum_mmin += o.lift_sum_mmin;
    }
}

/// Where a time falls in a histogram of `HIST_BINS + 1` bins: its bin, and its millisecond
/// within the bin's minute (unused in the overflow bin). Worked out once for the four groups a
/// casualty counts in, rather than divided out again for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistAt {
    bin: usize,
    within_ms: u16,
}

impl HistAt {
    /// A time in milliseconds; `None` is never (within follow-up), in the overflow bin as any
    /// time from `HIST_BINS` minutes on.
    #[inline]
    pub fn new(ms: Option<u64>) -> HistAt {
        match ms {
            Some(ms) if ms < HIST_BINS as u64 * MS_PER_MIN => {
                HistAt { bin: (ms / MS_PER_MIN) as usize, within_ms: (ms % MS_PER_MIN) as u16 }
            }
            _ => HistAt { bin: HIST_BINS, within_ms: 0 },
        }
    }
}

/// The earliest and latest time seen in a histogram bin, as milliseconds past the bin's minute,
/// and how many of the bin's times fell exactly on each: a quantile is then exact where its rank
/// falls on an atom at either end (a fixed delay, or care counted at 0 minutes), even with other
/// times in the same minute, and interpolated between the ends otherwise. Meaningless (and kept
/// 0) while the bin is empty. The counts saturate, which no run reaches (four billion times in
/// one minute's bin of one cell), and which still merges in any order to the same figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinEnds {
    pub lo_ms: u16,
    pub hi_ms: u16,
    pub at_lo: u32,
    pub at_hi: u32,
}

impl BinEnds {
    /// The ends of this bin's times and `o`'s together (both bins holding some).
    fn join(self, o: BinEnds) -> BinEnds {
        let (lo_ms, at_lo) = match self.lo_ms.cmp(&o.lo_ms) {
            std::cmp::Ordering::Less => (self.lo_ms, self.at_lo),
            std::cmp::Ordering::Equal => (self.lo_ms, self.at_lo.saturating_add(o.at_lo)),
            std::cmp::Ordering::Greater => (o.lo_ms, o.at_lo),
        };
        let (hi_ms, at_hi) = match self.hi_ms.cmp(&o.hi_ms) {
            std::cmp::Ordering::Greater => (self.hi_ms, self.at_hi),
            std::cmp::Ordering::Equal => (self.hi_ms, self.at_hi.saturating_add(o.at_hi)),
            std::cmp::Ordering::Less => (o.hi_ms, o.at_hi),
        };
        BinEnds { lo_ms, hi_ms, at_lo, at_hi }
    }
}

/// Adds a time to the histogram of `HIST_BINS + 1` bins that starts at `start` in `hist` and
/// its bins' ends (the overflow bin has none).
#[inline]
fn add_to_hist(hist: &mut [u64], ends: &mut [BinEnds], start: usize, at: HistAt) {
    let i = start + at.bin;
    if at.bin < HIST_BINS {
        let (w, e) = (at.within_ms, &mut ends[i]);
        if hist[i] == 0 {
            *e = BinEnds { lo_ms: w, hi_ms: w, at_lo: 1, at_hi: 1 };
        } else {
            // `join` with a bin of this one time, written out: the recording loop runs it for
            // every casualty's every step and group.
            if w <= e.lo_ms {
                e.at_lo = if w == e.lo_ms { e.at_lo.saturating_add(1) } else { 1 };
                e.lo_ms = w;
            }
            if w >= e.hi_ms {
                e.at_hi = if w == e.hi_ms { e.at_hi.saturating_add(1) } else { 1 };
                e.hi_ms = w;
            }
        }
    }
    hist[i] += 1;
}

/// Adds histogram `o` (counts, bins' ends) into `a`: ends first, while the counts still say
/// which bins were empty on each side.
fn merge_hist(a: (&mut [u64], &mut [BinEnds]), o: (&[u64], &[BinEnds])) {
    // Tallies of one model with the same histograms (tally files are checked before a merge).
    debug_assert_eq!((a.0.len(), a.1.len()), (o.0.len(), o.1.len()));
    for i in 0..a.0.len() {
        if o.0[i] == 0 {
            continue;
        }
        a.1[i] = if a.0[i] == 0 { o.1[i] } else { a.1[i].join(o.1[i]) };
        a.0[i] += o.0[i];
    }
}

/// `len` zeros, written out rather than allocated zeroed. A tally's histograms (about a megabyte
/// for five zones) are more than the allocator keeps for reuse, so each comes fresh from the
/// system, which maps untouched memory to a shared page of zeros on its first read; a bin is
/// read before it is written (by recording and by merging), and that first write must then
/// replace the mapping and flush it from every core's address cache, an interrupt to each core
/// per page. Short batches make and merge a tally per thread and per course of action; when
/// they were made per parallel piece, that cost rivalled the trials themselves (the kernel took
/// nearly half the CPU time of a `place --grid` run). Writing the zeros first costs one
/// ordinary fault per page instead.
fn written_zeros<T: Copy + Default>(len: usize) -> Vec<T> {
    let mut v = Vec::with_capacity(len);
    v.resize(len, T::default());
    v
}

/// Which of a tally's groups keep a histogram of times to each step, the source of their
/// medians and percentiles: about 100 KB a group (its three steps). A run reports every
/// group's; `levers` and `sweep` report only all casualties'; `place` and the reach map read
/// shares alone, so a `place` over a grid of 400 sites does not hold 400 tallies' worth of
/// histograms per thread. A group without one has no median (`None`), whatever its times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Histograms {
    /// Every group's.
    Groups,
    /// All casualties' only ([`Groups::ALL`], the first group).
    Overall,
    /// None.
    Off,
}

impl Tally {
    /// A tally with every group's histograms.
    pub fn new(model: &Model) -> Tally {
        Tally::with_histograms(model, Histograms::Groups)
    }

    pub fn with_histograms(model: &Model, histograms: Histograms) -> Tally {
        let z = model.zones.len();
        let g = Groups { zones: z }.count();
        let hist_len = 3
            * (HIST_BINS + 1)
            * match histograms {
                Histograms::Groups => g,
                Histograms::Overall => 1,
                Histograms::Off => 0,
            };
        Tally {
            trials: 0,
            incidents: 0,
            casualties: 0,
            zones: z,
            cells: vec![Cell::default(); g * 3],
            hist: written_zeros(hist_len),
            hist_ends: written_zeros(hist_len),
            phase_sum_mmin: vec![0; z * PHASES.len()],
            phase_n: vec![0; z * PHASES.len()],
            failures: vec![0; 3 * z * CAUSES],
            outcomes: vec![0; z * OUTCOMES.len()],
            group_casualties: vec![0; g],
            other_hour: Cell::default(),
            asset_busy_mmin: vec![0; model.assets.len()],
            sorties: vec![0; model.assets.len()],
            table_busy_mmin: vec![0; model.facilities.len()],
            operations: vec![0; model.facilities.len()],
            operations_in_period: vec![0; model.facilities.len()],
            days_operations_spent: vec![0; model.facilities.len()],
            deaths: vec![DeathCell::default(); g],
            deaths_nano2: 0,
            preventable_by_step_nano: vec![0; 3],
            death_time_bins: vec![0; crate::outcome::DEATH_BINS_MIN.len() + 1],
            care_time_casualties: vec![0; crate::outcome::CARE_BINS_MIN.len() + 1],
            care_time_deaths_nano: vec![0; crate::outcome::CARE_BINS_MIN.len() + 1],
            onward: model.onward.as_ref().map(|_| OnwardTally::new()),
        }
    }

    pub fn groups(&self) -> Groups {
        Groups { zones: self.zones }
    }

    #[inline]
    pub fn cell(&self, group: usize, step: usize) -> &Cell {
        &self.cells[group * 3 + step]
    }

    #[inline]
    pub fn cell_mut(&mut self, group: usize, step: usize) -> &mut Cell {
        &mut self.cells[group * 3 + step]
    }

    /// The histogram of times to step `step` in group `group`: empty where the tally keeps none
    /// for the group (see [`Histograms`]).
    #[inline]
    pub fn hist(&self, group: usize, step: usize) -> &[u64] {
        self.hist.get(Self::hist_range(group, step)).unwrap_or_default()
    }

    /// The ends of each bin of `hist(group, step)`.
    pub fn hist_ends(&self, group: usize, step: usize) -> &[BinEnds] {
        self.hist_ends.get(Self::hist_range(group, step)).unwrap_or_default()
    }

    /// The length of every vector the tally holds, its onward section's too: two tallies of one
    /// model with the same histograms have the same, and a merge adds them element by element.
    /// (A new vector in the tally goes here too, so a tally file that does not fit is refused.)
    pub fn vector_lengths(&self) -> Vec<usize> {
        let mut lengths = vec![
            self.cells.len(),
            self.hist.len(),
            self.hist_ends.len(),
            self.phase_sum_mmin.len(),
            self.phase_n.len(),
            self.failures.len(),
            self.outcomes.len(),
            self.group_casualties.len(),
            self.asset_busy_mmin.len(),
            self.sorties.len(),
            self.table_busy_mmin.len(),
            self.operations.len(),
            self.operations_in_period.len(),
            self.days_operations_spent.len(),
            self.deaths.len(),
            self.preventable_by_step_nano.len(),
            self.death_time_bins.len(),
            self.care_time_casualties.len(),
            self.care_time_deaths_nano.len(),
        ];
        if let Some(o) = &self.onward {
            lengths.extend([o.hist.len(), o.hist_ends.len()]);
        }
        lengths
    }

    /// How many cells (`group * 3 + step`, as `cells`) have a histogram: the first ones.
    #[inline]
    pub fn hist_cells(&self) -> usize {
        self.hist.len() / (HIST_BINS + 1)
    }

    fn hist_range(group: usize, step: usize) -> std::ops::Range<usize> {
        let at = (group * 3 + step) * (HIST_BINS + 1);
        at..at + HIST_BINS + 1
    }

    /// Counts a time to a step in the histogram of cell `cell` (`group * 3 + step`, as `cells`),
    /// one of the first `hist_cells()`.
    #[inline]
    pub fn hist_add(&mut self, cell: usize, at: HistAt) {
        add_to_hist(&mut self.hist, &mut self.hist_ends, cell * (HIST_BINS + 1), at);
    }

    #[inline]
    pub fn failure(&self, step: usize, zone: usize, cause: usize) -> u64 {
        self.failures[(step * self.zones + zone) * CAUSES + cause]
    }

    #[inline]
    pub fn add_failure(&mut self, step: usize, zone: usize, cause: usize) {
        self.failures[(step * self.zones + zone) * CAUSES + cause] += 1;
    }

    /// Adds another tally of the same model into this one.
    pub fn merge(&mut self, o: &Tally) {
        merge_hist((&mut self.hist, &mut self.hist_ends), (&o.hist, &o.hist_ends));
        self.trials += o.trials;
        self.incidents += o.incidents;
        self.casualties += o.casualties;
        for (a, b) in self.cells.iter_mut().zip(&o.cells).chain(std::iter::once((&mut self.other_hour, &o.other_hour)))
        {
            a.add(b);
        }
        for (a, b) in [
            (&mut self.phase_n, &o.phase_n),
            (&mut self.failures, &o.failures),
            (&mut self.outcomes, &o.outcomes),
            (&mut self.group_casualties, &o.group_casualties),
            (&mut self.sorties, &o.sorties),
            (&mut self.operations, &o.operations),
            (&mut self.operations_in_period, &o.operations_in_period),
            (&mut self.days_operations_spent, &o.days_operations_spent),
            (&mut self.death_time_bins, &o.death_time_bins),
            (&mut self.care_time_casualties, &o.care_time_casualties),
        ] {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (a, b) in [
            (&mut self.phase_sum_mmin, &o.phase_sum_mmin),
            (&mut self.asset_busy_mmin, &o.asset_busy_mmin),
            (&mut self.table_busy_mmin, &o.table_busy_mmin),
            (&mut self.care_time_deaths_nano, &o.care_time_deaths_nano),
            (&mut self.preventable_by_step_nano, &o.preventable_by_step_nano),
        ] {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (a, b) in self.deaths.iter_mut().zip(&o.deaths) {
            for (x, y) in a.expected_nano.iter_mut().zip(&b.expected_nano) {
                *x += y;
            }
            a.preventable_nano += b.preventable_nano;
            a.drawn += b.drawn;
        }
        self.deaths_nano2 += o.deaths_nano2;
        if let (Some(a), Some(b)) = (&mut self.onward, &o.onward) {
            a.merge(b);
        }
    }
}

const MS_PER_MIN: u64 = 60_000;

/// Minutes to whole milliseconds: the exact grid on which a time is compared with a deadline,
/// so a chain of delays that sums to the deadline is in time whatever the floating-point
/// rounding of the sum (10.000000000000007 minutes is 600,000 ms).
#[inline]
pub fn to_ms(minutes: f64) -> u64 {
    round_half_up(minutes.clamp(0.0, 1e12) * MS_PER_MIN as f64)
}

/// Minutes to integer thousandths of a minute, for sums that must not depend on merge order.
/// Sums are 128-bit and each term is capped at a trillion minutes, so no run can overflow them.
#[inline]
pub fn to_mmin(minutes: f64) -> u128 {
    // A term is below 2^50, so it goes through u64: the 128-bit float conversion is a slow
    // library call.
    u128::from(round_half_up(minutes.clamp(0.0, 1e12) * 1000.0))
}

/// `x.round() as u64` for `x` in [0, 6e16] (or NaN, which gives 0), without the library call
/// behind `round` (the tally rounds a dozen times per casualty). Truncation is exact, and so is
/// the fraction it leaves; below 2^53 a half rounds up as `round` rounds it, and above every
/// value is whole. The conversions go through `i64`, which holds every such value: on x86-64
/// the signed ones are single instructions, the unsigned ones sequences of a dozen.
#[inline]
pub(crate) fn round_half_up(x: f64) -> u64 {
    let whole = x as i64;
    (whole + i64::from(x - whole as f64 >= 0.5)) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_falls_in_the_bin_of_its_minute() {
        let overflow = HistAt { bin: HIST_BINS, within_ms: 0 };
        assert_eq!(HistAt::new(None), overflow);
        let last = HIST_BINS as u64 * MS_PER_MIN;
        for ms in (0..200_000).chain(last - 100_000..last + 100_000).chain([u64::MAX, 6 * 10u64.pow(16)]) {
            let bin = ms / MS_PER_MIN;
            let want = if bin < HIST_BINS as u64 {
                HistAt { bin: bin as usize, within_ms: (ms % MS_PER_MIN) as u16 }
            } else {
                overflow
            };
            assert_eq!(HistAt::new(Some(ms)), want, "{ms}");
        }
    }

    /// A histogram's bins and their ends come out the same whatever order the times were added
    /// in and however they were split into pieces merged in any order; and the counts at each
    /// end are the times that fell exactly there.
    #[test]
    fn bin_ends_merge_in_any_order_to_the_ends_of_all_the_times() {
        // Times in three minutes, with atoms (repeated milliseconds) at and between the ends.
        let mut r = 0x2545_f491_4f6c_dd1d_u64;
        let mut times: Vec<u64> = (0..600)
            .map(|_| {
                r = crate::sim::streams::mix(r);
                let ms = [0, 999, 30_000, 59_999, r % 60_000][(r >> 40) as usize % 5];
                (5 + (r >> 20) % 3) * MS_PER_MIN + ms
            })
            .collect();
        let n = HIST_BINS + 1;
        let build = |ts: &[u64]| {
            let (mut h, mut e) = (vec![0u64; n], vec![BinEnds::default(); n]);
            for &t in ts {
                add_to_hist(&mut h, &mut e, 0, HistAt::new(Some(t)));
            }
            (h, e)
        };
        let whole = build(&times);
        for bin in 5..8 {
            let within: Vec<u64> = times.iter().filter(|&&t| t / MS_PER_MIN == bin).map(|t| t % MS_PER_MIN).collect();
            let (lo, hi) = (*within.iter().min().unwrap(), *within.iter().max().unwrap());
            let at = |x| within.iter().filter(|&&t| t == x).count() as u32;
            let want = BinEnds { lo_ms: lo as u16, hi_ms: hi as u16, at_lo: at(lo), at_hi: at(hi) };
            assert_eq!(whole.1[bin as usize], want, "bin {bin}");
        }
        for cut in [(0, 0), (1, 2), (100, 450), (599, 600)] {
            times.reverse();
            let pieces = [&times[..cut.0], &times[cut.0..cut.1], &times[cut.1..]];
            for order in [[0, 1, 2], [2, 0, 1], [1, 2, 0]] {
                let (mut h, mut e) = build(pieces[order[0]]);
                for &k in &order[1..] {
                    let (ph, pe) = build(pieces[k]);
                    merge_hist((&mut h, &mut e), (&ph, &pe));
                }
                assert!(h == whole.0 && e == whole.1, "{cut:?} {order:?}");
            }
        }
    }

    #[test]
    fn times_round_as_the_library_rounds_them() {
        // Halves, a hair either side of them, whole values, the caps, and a spread of minutes.
        let mut minutes = vec![0.0, -1.0, 1e12, 2e12, f64::INFINITY, f64::NAN, 1e-9, 0.5 / 60_000.0];
        for k in 0..100_000u32 {
            let half_ms = (f64::from(k) + 0.5) / 60_000.0;
            let half_mmin = (f64::from(k) + 0.5) / 1000.0;
            minutes.extend([half_ms, half_ms.next_up(), half_ms.next_down(), half_mmin, half_mmin.next_down()]);
            minutes.push(f64::from(k) * 0.731);
        }
        for m in [1e12_f64, 9.999e11, 1.5e11, 1.23456789e10] {
            minutes.extend([m, m.next_up(), m.next_down()]);
        }
        for m in minutes {
            let c = m.clamp(0.0, 1e12);
            assert_eq!(to_ms(m), (c * MS_PER_MIN as f64).round() as u64, "{m:e}");
            assert_eq!(to_mmin(m), (c * 1000.0).round() as u128, "{m:e}");
        }
        // Below 2^53 every half, and the value just under it, as `round` has them.
        for x in [0.5, 0.49999999999999994, 2.5, 4503599627370495.5, 4503599627370495.0, 9007199254740991.0] {
            assert_eq!(round_half_up(x), x.round() as u64, "{x}");
        }
    }
}
