//! Runs split over machines: shards of the trial indices, tally files, and their exact merge.
//!
//! Trial `i` draws only from streams keyed by (seed, `i`), and a [`Tally`] holds only integers,
//! so the trials of a run can be split into shards run anywhere, in any order, and their tallies
//! added into exactly the tally one process would have made: the merged outputs are the single
//! run's bytes.
//!
//! A tally file is self-describing, so a merge can refuse what does not belong together:
//!
//! ```text
//! "casevac tally\n"   14 bytes, the magic
//! format version      u32, little-endian (FORMAT_VERSION)
//! payload length      u64, little-endian
//! payload checksum    u32, little-endian: CRC-32 of the payload
//! payload             postcard encoding of TallyFile
//! ```
//!
//! The payload holds the casevac version, the seed, the trial count of the whole run, the trial
//! ranges the tally covers, the scenario text, path and `--set` overrides of every scenario (so
//! the merge can recompile the models that name and label the outputs) with a hash of them, and
//! the counts.

use crate::compare::PairedTally;
use crate::model::Model;
use crate::scenario::{self, Override, ScenarioError};
use crate::stats::Tally;
use crate::summary::Partial;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;

pub const MAGIC: &[u8; 14] = b"casevac tally\n";
/// Bumped whenever the payload's layout changes; a merge reads only its own version.
pub const FORMAT_VERSION: u32 = 4;
const HEADER_LEN: usize = MAGIC.len() + 4 + 8 + 4;

/// Shard `index` of `count`, counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// The whole run as one shard.
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };

    /// Parses `I/K` with 1 <= I <= K.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let form = "give the shard as I/K, I from 1 to K, for example 2/8";
        let (i, k) = s.split_once('/').ok_or_else(|| format!("`{s}` is not of the form I/K: {form}"))?;
        let num = |x: &str| x.trim().parse::<u64>().map_err(|_| format!("`{s}` is not of the form I/K: {form}"));
        let (index, count) = (num(i)?, num(k)?);
        if count == 0 || index == 0 || index > count {
            return Err(format!("shard {index}/{count} does not exist: {form}"));
        }
        Ok(Shard { index, count })
    }

    /// The trials of this shard among `trials`: `[floor(N (I-1) / K), floor(N I / K))`. The
    /// ranges of shards 1..=K are contiguous, in order, and cover `[0, N)` exactly once; their
    /// sizes differ by at most one.
    pub fn range(self, trials: u64) -> TrialRange {
        let at = |i: u64| (trials as u128 * i as u128 / self.count as u128) as u64;
        TrialRange { start: at(self.index - 1), end: at(self.index) }
    }
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Shard::parse(s)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Trial indices `start..end`, written `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialRange {
    pub start: u64,
    pub end: u64,
}

impl TrialRange {
    pub fn len(self) -> u64 {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

impl fmt::Display for TrialRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {})", self.start, self.end)
    }
}

/// What a scenario is compiled from: the file's text, its path as given (it names the file in
/// messages and labels a comparison's variants) and the `--set` overrides, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub path: String,
    pub text: String,
    pub overrides: Vec<(String, String)>,
}

impl Source {
    /// Reads and compiles a scenario file with overrides.
    pub fn load(path: &Path, overrides: &[Override]) -> Result<(Source, Model), ScenarioError> {
        let source = Source {
            path: path.display().to_string(),
            text: scenario::read_text(path)?,
            overrides: overrides.iter().map(|o| (o.key.clone(), o.value.clone())).collect(),
        };
        let model = source.compile()?;
        Ok((source, model))
    }

    pub fn compile(&self) -> Result<Model, ScenarioError> {
        let overrides: Vec<Override> =
            self.overrides.iter().map(|(key, value)| Override { key: key.clone(), value: value.clone() }).collect();
        scenario::parse_with(&self.text, &self.path, &overrides)
    }
}

/// The counts of a shard: of a run, or of a comparison with its variants' labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Counts {
    Run(Tally),
    Compare { labels: Vec<String>, tally: PairedTally },
}

impl Counts {
    fn kind(&self) -> &'static str {
        match self {
            Counts::Run(_) => "a run",
            Counts::Compare { .. } => "a comparison",
        }
    }

    fn trials(&self) -> u64 {
        match self {
            Counts::Run(t) => t.trials,
            Counts::Compare { tally, .. } => tally.base.trials,
        }
    }

    /// Whether every vector has the length the models give it; a merge adds element by element
    /// and the summary indexes by group, so a mismatch must be refused, never zipped or indexed.
    fn fits(&self, models: &[Model]) -> bool {
        let shape = |t: &Tally, m: &Model| {
            let e = Tally::new(m);
            t.zones == e.zones && t.vector_lengths() == e.vector_lengths()
        };
        match (self, models) {
            (Counts::Run(t), [m]) => shape(t, m),
            (Counts::Compare { labels, tally }, [base, alts @ ..]) => {
                let cells = crate::compare::PairedTally::cross_len(base);
                labels.len() == models.len()
                    && shape(&tally.base, base)
                    && tally.alts.len() == alts.len()
                    && tally.alts.iter().zip(alts).all(|(t, m)| shape(t, m) && t.trials == tally.base.trials)
                    && tally.cross.len() == alts.len()
                    && tally.cross.iter().all(|c| c.len() == cells)
                    && tally.casualty_mismatch_trials.len() == alts.len()
                    && tally.deaths_cross_nano2.len() == alts.len()
            }
            _ => false,
        }
    }

    fn merge(&mut self, other: &Counts) {
        match (self, other) {
            (Counts::Run(a), Counts::Run(b)) => a.merge(b),
            (Counts::Compare { tally: a, .. }, Counts::Compare { tally: b, .. }) => a.merge(b),
            // Files of different kinds are refused before any merge.
            _ => {}
        }
    }
}

/// One tally file's contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TallyFile {
    pub casevac_version: String,
    /// [`scenario_hash`] of `sources` (and the labels of a comparison).
    pub scenario_hash: u64,
    pub seed: u64,
    /// Trials of the whole run the shards split.
    pub trials: u64,
    pub shard: Shard,
    /// The trial ranges these counts hold.
    pub ranges: Vec<TrialRange>,
    /// The scenario, or for a comparison the base then each alternative.
    pub sources: Vec<Source>,
    pub counts: Counts,
}

/// 64-bit FNV-1a over the sources (and a comparison's labels), each part length-prefixed so
/// that no two different inputs run together into the same bytes. It identifies the scenario as
/// compiled: the same text and overrides compile to the same model.
pub fn scenario_hash(sources: &[Source], labels: Option<&[String]>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in (bytes.len() as u64).to_le_bytes().iter().chain(bytes) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for s in sources {
        eat(s.text.as_bytes());
        for (k, v) in &s.overrides {
            eat(k.as_bytes());
            eat(v.as_bytes());
        }
    }
    // A comparison's outputs name its variants by label, so those are part of what it is.
    for l in labels.into_iter().flatten() {
        eat(l.as_bytes());
    }
    h
}

impl TallyFile {
    /// A shard's file: `counts` of trials `shard.range(trials)`.
    pub fn new(sources: Vec<Source>, seed: u64, trials: u64, shard: Shard, counts: Counts) -> TallyFile {
        let labels = match &counts {
            Counts::Compare { labels, .. } => Some(&labels[..]),
            Counts::Run(_) => None,
        };
        TallyFile {
            casevac_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario_hash: scenario_hash(&sources, labels),
            seed,
            trials,
            shard,
            ranges: vec![shard.range(trials)],
            sources,
            counts,
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let payload = postcard::to_allocvec(self).expect("tally files are plain data and always serialise");
        let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
        out.extend_from_slice(&payload);
        out
    }

    /// Reads a tally file's bytes; `name` names the file in errors.
    pub fn from_bytes(bytes: &[u8], name: &str) -> Result<TallyFile, TallyError> {
        let bad = |message: String, help: &str| TallyError { message: format!("{name}: {message}"), help: help.into() };
        let rerun = "run its shard again to rewrite it";
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(bad(
                "not a casevac tally file".into(),
                "give the files written by `run --tally` or `compare --tally`",
            ));
        }
        if bytes.len() < HEADER_LEN {
            return Err(bad(format!("truncated: {} bytes, shorter than the header", bytes.len()), rerun));
        }
        let word = |at: usize, n: usize| bytes[at..at + n].iter().rev().fold(0u64, |acc, &b| acc << 8 | b as u64);
        let version = word(MAGIC.len(), 4);
        if version != FORMAT_VERSION as u64 {
            return Err(bad(
                format!("tally format version {version}, but this casevac reads version {FORMAT_VERSION}"),
                "merge with the casevac version that wrote the shards, or run them again",
            ));
        }
        let declared = word(MAGIC.len() + 4, 8);
        let checksum = word(MAGIC.len() + 12, 4) as u32;
        let payload = &bytes[HEADER_LEN..];
        if (payload.len() as u64) < declared {
            return Err(bad(
                format!("truncated: the payload has {} of its {declared} bytes", payload.len()),
                "the copy or the shard's run was cut short; copy it again or run its shard again",
            ));
        }
        if payload.len() as u64 > declared {
            return Err(bad(format!("{} bytes after the end of the tally", payload.len() as u64 - declared), rerun));
        }
        if crc32fast::hash(payload) != checksum {
            return Err(bad("corrupt: the checksum does not match the contents".into(), rerun));
        }
        let file: TallyFile = postcard::from_bytes(payload)
            .map_err(|e| bad(format!("corrupt: the contents cannot be decoded ({e})"), rerun))?;
        let held: u64 = file.ranges.iter().map(|r| r.len()).sum();
        if file.ranges.iter().any(|r| r.start > r.end || r.end > file.trials) || held != file.counts.trials() {
            return Err(bad("inconsistent: its trial ranges do not match its counts".into(), rerun));
        }
        Ok(file)
    }
}

/// A tally file that cannot be read, or tally files that cannot be merged: bad input.
#[derive(Debug)]
pub struct TallyError {
    pub message: String,
    pub help: String,
}

impl fmt::Display for TallyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n  help: {}", self.message, self.help)
    }
}

impl std::error::Error for TallyError {}

/// Tallies merged: the models rebuilt from the files, the summed counts, and what is missing.
#[derive(Debug)]
pub struct Merged {
    pub seed: u64,
    /// The scenario, or the base then each alternative.
    pub models: Vec<Model>,
    pub counts: Counts,
    /// Set when trials are missing and the merge was allowed to be partial.
    pub partial: Option<Partial>,
    /// The files' [`scenario_hash`], which the outputs record as the run's would.
    pub scenario_hash: u64,
}

/// Merges tally files given as (name, bytes), in any order. Refuses files that cannot be read,
/// that belong to different runs (casevac version, kind, scenario, seed, trial count), that
/// hold the same trial twice, or, unless `allow_partial`, that leave trials out.
pub fn merge(files: &[(String, Vec<u8>)], allow_partial: bool) -> anyhow::Result<Merged> {
    let mut read = Vec::new();
    for (name, bytes) in files {
        read.push((name.as_str(), TallyFile::from_bytes(bytes, name)?));
    }
    let Some(((first_name, first), rest)) = read.split_first() else {
        return Err(
            TallyError { message: "no tally files to merge".into(), help: "give the shards' files".into() }.into()
        );
    };
    let help =
        "merge only the shards of one run: the same casevac, scenario files, --set overrides, --seed and --trials";
    for (name, f) in rest {
        let differs = |what: &str, here: &dyn fmt::Display, there: &dyn fmt::Display| TallyError {
            message: format!("{name}: {what} {here}, but {first_name} has {there}"),
            help: help.into(),
        };
        let mismatch = if f.casevac_version != first.casevac_version {
            Some(differs("written by casevac", &f.casevac_version, &first.casevac_version))
        } else if f.counts.kind() != first.counts.kind() {
            Some(differs("holds", &f.counts.kind(), &first.counts.kind()))
        } else if let Some((here, there)) = renamed(f, first) {
            // The same files and overrides, named by other paths: a comparison's outputs name
            // its variants by the paths as typed, so these are not the same comparison's.
            Some(TallyError {
                message: format!(
                    "{name}: the same scenarios as {first_name}, named by other paths ({here} against {there}): a \
                     comparison's outputs name its scenarios as typed"
                ),
                help: "run every shard of a comparison with the files named the same way (the same paths, from the \
                       same folder)"
                    .into(),
            })
        } else if f.scenario_hash != first.scenario_hash {
            Some(TallyError {
                message: format!(
                    "{name}: a different scenario from {first_name} (scenario hash {:016x}, not {:016x}: the file text, \
                     the --set overrides or the compared files differ)",
                    f.scenario_hash, first.scenario_hash
                ),
                help: help.into(),
            })
        } else if f.seed != first.seed {
            Some(differs("seed", &f.seed, &first.seed))
        } else if f.trials != first.trials {
            Some(differs("a run of trials", &f.trials, &first.trials))
        } else {
            None
        };
        if let Some(e) = mismatch {
            return Err(e.into());
        }
    }

    // Every trial at most once...
    let mut held: Vec<(TrialRange, &str)> =
        read.iter().flat_map(|(name, f)| f.ranges.iter().filter(|r| !r.is_empty()).map(move |&r| (r, *name))).collect();
    held.sort_by_key(|(r, _)| (r.start, r.end));
    for pair in held.windows(2) {
        let ((a, na), (b, nb)) = (pair[0], pair[1]);
        if b.start < a.end && na == nb {
            return Err(TallyError {
                message: format!("{na} is given twice: its trials {a} would be counted twice"),
                help: "give each shard's file once".into(),
            }
            .into());
        }
        if b.start < a.end {
            let both = TrialRange { start: b.start, end: a.end.min(b.end) };
            return Err(TallyError {
                message: format!(
                    "{nb} and {na} overlap: both hold trials {both} ({nb} holds {b}, {na} holds {a}), which would be counted twice"
                ),
                help: "give each shard's file once; shards of one run (the same K) never overlap".into(),
            }
            .into());
        }
    }
    // ...and, unless allowed otherwise, every trial.
    let mut missing = Vec::new();
    let mut next = 0;
    for (r, _) in &held {
        if r.start > next {
            missing.push(TrialRange { start: next, end: r.start });
        }
        next = next.max(r.end);
    }
    if next < first.trials {
        missing.push(TrialRange { start: next, end: first.trials });
    }
    if !missing.is_empty() && !allow_partial {
        let list: Vec<String> = missing.iter().map(|r| r.to_string()).collect();
        let count: u64 = missing.iter().map(|r| r.len()).sum();
        return Err(TallyError {
            message: format!(
                "trials {} are missing ({count} of {}): no file given holds them",
                list.join(", "),
                first.trials
            ),
            help: "add the missing shards' files, or pass --allow-partial to merge what is there (every output then \
                   says it is partial)"
                .into(),
        }
        .into());
    }

    let models = first.sources.iter().map(Source::compile).collect::<Result<Vec<_>, _>>()?;
    let labels = match &first.counts {
        Counts::Compare { labels, .. } => Some(&labels[..]),
        Counts::Run(_) => None,
    };
    if scenario_hash(&first.sources, labels) != first.scenario_hash {
        return Err(TallyError {
            message: format!("{first_name}: inconsistent: its scenario does not match its scenario hash"),
            help: "run its shard again to rewrite it".into(),
        }
        .into());
    }
    let mut counts = first.counts.clone();
    for (i, (name, f)) in read.iter().enumerate() {
        if !f.counts.fits(&models) {
            return Err(TallyError {
                message: format!("{name}: inconsistent: its counts do not fit the scenario it names"),
                help: "run its shard again to rewrite it".into(),
            }
            .into());
        }
        if i > 0 {
            counts.merge(&f.counts);
        }
    }
    let partial = (!missing.is_empty()).then(|| Partial {
        trials_requested: first.trials,
        missing_trials: missing.iter().map(|r| [r.start, r.end]).collect(),
    });
    Ok(Merged { seed: first.seed, models, counts, partial, scenario_hash: first.scenario_hash })
}

/// Where two comparison tallies hold the same files and overrides under different labels (the
/// paths typed differently): the first label that differs in each.
fn renamed(a: &TallyFile, b: &TallyFile) -> Option<(String, String)> {
    let (Counts::Compare { labels: la, .. }, Counts::Compare { labels: lb, .. }) = (&a.counts, &b.counts) else {
        return None;
    };
    let same = |x: &Source, y: &Source| x.text == y.text && x.overrides == y.overrides;
    if a.sources.len() != b.sources.len() || !a.sources.iter().zip(&b.sources).all(|(x, y)| same(x, y)) {
        return None;
    }
    la.iter().zip(lb).find(|(x, y)| x != y).map(|(x, y)| (x.clone(), y.clone()))
}
