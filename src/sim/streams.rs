//! Keyed random streams: common random numbers by design.
//!
//! Every kind of randomness in a trial draws from its own stream, keyed by the seed, the trial
//! index, its purpose and the stable identity of what it belongs to: a zone's id and the
//! incident's number within the zone, a casualty's number within its incident, an asset
//! group's id and the day, a weather area and the day, the lift of casualty k of an incident by
//! a group. Nothing is keyed by position in the file or by the order events happen to run, so
//! two variants of a scenario that differ in one respect see the same world in every other
//! respect: the same incidents whenever the zones are unchanged, the same serviceability for an
//! unchanged asset group, the same weather in each weather area, the same delays for the same
//! lift whichever unit of the group flies it.
//!
//! A key is a 64-bit hash of its parts (a SplitMix64 finaliser chain, a bijection in each new
//! part); it seeds a Xoshiro256++ generator, which costs a few nanoseconds, so streams can be
//! made per incident, per casualty and per sortie without slowing the hot loop.

use rand::TryRng;
use std::convert::Infallible;

/// The generator behind every stream: Xoshiro256++ (Blackman and Vigna), written here so
/// results are portable across rand releases and a stream is seeded straight from its key.
/// It draws exactly what `rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(key)` draws (the
/// generator the streams have always used); a test holds it to that.
#[derive(Debug, Clone)]
pub struct Stream {
    s: [u64; 4],
}

impl TryRng for Stream {
    type Error = Infallible;

    /// The upper half of the next word, as the library takes it (the low bits are weaker).
    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.try_next_u64()? >> 32) as u32)
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let s = &mut self.s;
        let out = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        Ok(out)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        rand::rand_core::utils::fill_bytes_via_next_word(dst, || self.try_next_u64())
    }
}

/// What a stream is for; the discriminants are part of the key, so they must never change.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Purpose {
    /// Arrival times of a zone's incidents.
    Arrivals = 1,
    /// An incident's report delay (second part 0), whether a first-aider is there (1), its
    /// casualty count (2), its first-aid start (3) and its number of first-aiders (4).
    Incident = 2,
    /// An incident's place in its zone.
    Place = 3,
    /// A casualty's severity, need for surgery and first-aid delay.
    Casualty = 4,
    /// Serviceability of a group's units on a day.
    Service = 5,
    /// The weather of a weather area on a day, which grounds its groups.
    Weather = 6,
    /// Approval, launch and escort delays of a lift.
    Tasking = 7,
    /// On-scene time and turnaround of a lift.
    Scene = 8,
    /// Handover time at the facility of a lift.
    Handover = 9,
    /// The length of a casualty's operation.
    Surgery = 10,
    /// The wounding time of a coverage-map probe.
    ProbeTime = 11,
    /// How long a first-aider spends on a casualty.
    FirstAid = 12,
    /// Whether a casualty's injury is potentially fatal, and its untreated time to death.
    Outcome = 13,
    /// A request's host-nation flight clearance: denial, delay to the answer, wait to ask again.
    Clearance = 14,
    /// Whether prevention stops a zone's random incident (numbered apart from the others'
    /// purposes, which other features extend in order).
    Prevention = 30,
    /// The training tier of each first-aider on scene at an incident.
    AiderTier = 31,
    /// How long after its operation a casualty is fit to move onward to Level 3.
    PostOp = 32,
}

/// SplitMix64's finaliser: a bijection on 64 bits with good avalanche.
pub const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Extends key `h` with the part `x`; for a fixed `h`, distinct parts give distinct keys.
pub fn combine(h: u64, x: u64) -> u64 {
    mix(h ^ part(x))
}

/// What `combine` mixes into a key for the part `x`: for a constant part, a constant.
const fn part(x: u64) -> u64 {
    mix(x.wrapping_add(0x9e37_79b9_7f4a_7c15))
}

/// The stable key of a planner's id ("gao_mi8", "kidal_camp"): FNV-1a, then mixed.
pub fn id_key(id: &str) -> u64 {
    let h = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3));
    mix(h)
}

impl Purpose {
    /// Every purpose, for the keys a trial derives once. A new purpose goes here too: until it
    /// does, its key is left zero, which `stream` refuses in every debug build and test.
    const ALL: [Purpose; 17] = [
        Purpose::Arrivals,
        Purpose::Incident,
        Purpose::Place,
        Purpose::Casualty,
        Purpose::Service,
        Purpose::Weather,
        Purpose::Tasking,
        Purpose::Scene,
        Purpose::Handover,
        Purpose::Surgery,
        Purpose::ProbeTime,
        Purpose::FirstAid,
        Purpose::Outcome,
        Purpose::Clearance,
        Purpose::Prevention,
        Purpose::AiderTier,
        Purpose::PostOp,
    ];

    /// One more than the largest discriminant: the size of a table indexed by purpose.
    const SLOTS: usize = Purpose::PostOp as usize + 1;

    /// Each purpose's slot and `part` of it, worked out at compile time, so a trial's keys cost
    /// one `mix` each rather than a `combine`'s two (`combine(key, p)` is `mix(key ^ part(p))`).
    const PARTS: [(usize, u64); Purpose::ALL.len()] = {
        let mut parts = [(0, 0); Purpose::ALL.len()];
        let mut i = 0;
        while i < parts.len() {
            let p = Purpose::ALL[i] as u64;
            parts[i] = (p as usize, part(p));
            i += 1;
        }
        parts
    };
}

/// The keys of one trial: every stream of the trial derives from (seed, trial index).
#[derive(Debug, Clone, Copy)]
pub struct TrialKeys {
    /// The trial's key extended with each purpose, by discriminant: derived once per trial
    /// rather than once per stream (hundreds a trial).
    by_purpose: [u64; Purpose::SLOTS],
}

impl TrialKeys {
    pub fn new(seed: u64, trial: u64) -> TrialKeys {
        let key = combine(combine(0x6361_7365_7661_6321, seed), trial);
        let mut by_purpose = [0; Purpose::SLOTS];
        for (slot, part) in Purpose::PARTS {
            by_purpose[slot] = mix(key ^ part);
        }
        TrialKeys { by_purpose }
    }

    /// The stream for `purpose` of the thing keyed `a`, `b` (use 0 for a part not needed).
    #[inline]
    pub fn stream(&self, purpose: Purpose, a: u64, b: u64) -> Stream {
        debug_assert_ne!(self.by_purpose[purpose as usize], 0, "{purpose:?} is missing from Purpose::ALL");
        seed_stream(combine(combine(self.by_purpose[purpose as usize], a), b))
    }
}

/// The stream of `key`: four SplitMix64 outputs as the state, as the library's `seed_from_u64`
/// makes it. `mix` is a bijection, so no two outputs are zero together and the all-zero state,
/// which the library would remap, cannot arise.
#[inline]
pub fn seed_stream(key: u64) -> Stream {
    const PHI: u64 = 0x9e37_79b9_7f4a_7c15;
    Stream { s: [1u64, 2, 3, 4].map(|k| mix(key.wrapping_add(PHI.wrapping_mul(k)))) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn streams_differ_by_every_part_and_repeat_for_the_same_key() {
        let k = TrialKeys::new(7, 3);
        let first = |mut s: Stream| s.next_u64();
        let base = first(k.stream(Purpose::Incident, 1, 2));
        assert_eq!(base, first(TrialKeys::new(7, 3).stream(Purpose::Incident, 1, 2)));
        for other in [
            TrialKeys::new(8, 3).stream(Purpose::Incident, 1, 2),
            TrialKeys::new(7, 4).stream(Purpose::Incident, 1, 2),
            k.stream(Purpose::Place, 1, 2),
            k.stream(Purpose::Incident, 2, 2),
            k.stream(Purpose::Incident, 1, 3),
            // Swapping parts must not give the same key.
            k.stream(Purpose::Incident, 2, 1),
        ] {
            assert_ne!(base, first(other));
        }
    }

    #[test]
    fn a_stream_is_keyed_by_seed_trial_purpose_and_parts_in_that_order() {
        // The key chain written out, so the per-trial table of purposes cannot move a stream.
        let key = |seed, trial, p: Purpose, a, b| {
            combine(combine(combine(combine(combine(0x6361_7365_7661_6321, seed), trial), p as u64), a), b)
        };
        for p in Purpose::ALL {
            let (mut ours, mut direct) =
                (TrialKeys::new(1012, 77).stream(p, 5, 9), Xoshiro256PlusPlus::seed_from_u64(key(1012, 77, p, 5, 9)));
            assert_eq!(ours.next_u64(), direct.next_u64(), "{p:?}");
        }
    }

    #[test]
    fn streams_are_seeded_as_the_library_seeds_them() {
        // Every key's stream must be the library's, or every figure would move.
        let mut keys: Vec<u64> = vec![0, 1, u64::MAX, 0x9e37_79b9_7f4a_7c15, 0u64.wrapping_sub(0x9e37_79b9_7f4a_7c15)];
        keys.extend((0..10_000u64).map(mix));
        for key in keys {
            let (mut ours, mut theirs) = (seed_stream(key), Xoshiro256PlusPlus::seed_from_u64(key));
            for _ in 0..8 {
                assert_eq!(ours.next_u64(), theirs.next_u64(), "key {key:#x}");
            }
            // Every way a distribution may read the stream.
            assert_eq!(ours.next_u32(), theirs.next_u32(), "key {key:#x}");
            let (mut a, mut b) = ([0u8; 13], [0u8; 13]);
            ours.fill_bytes(&mut a);
            theirs.fill_bytes(&mut b);
            assert_eq!(a, b, "key {key:#x}");
            assert_eq!(ours.next_u64(), theirs.next_u64(), "key {key:#x}");
        }
    }

    #[test]
    fn ids_hash_apart() {
        assert_ne!(id_key("gao_mi8"), id_key("gao_mi9"));
        assert_ne!(id_key(""), id_key(" "));
        assert_eq!(id_key("kidal"), id_key("kidal"));
    }
}
