//! Decisions: which lever buys the most ([`levers`]), how far a parameter must move
//! ([`sweep`]), where the next asset goes ([`place`]).
//!
//! Each is a thin loop over one engine: it writes its variants as `--set` overrides of the
//! scenario file (so every variant passes the same checks as a file a planner writes, and each
//! change can be repeated with `casevac compare --set-alt`), then runs them all paired on common
//! random numbers with [`crate::compare::run_paired`].

pub mod levers;
pub mod place;
pub mod sweep;

use crate::compare::{AltResult, LivesSavedResult, OnwardDiff, StepDiff, Unpairable};
use crate::model::{Model, Step};
use crate::scenario::{self, Override, ScenarioError};
use crate::summary::Summary;
use std::path::Path;

/// A scenario file as read once, with the overrides every variant shares.
#[derive(Debug, Clone)]
pub struct Study {
    pub path: String,
    pub text: String,
    pub base_set: Vec<Override>,
}

impl Study {
    /// Reads and compiles the scenario with the shared overrides.
    pub fn load(path: &Path, base_set: &[Override]) -> Result<(Study, Model), ScenarioError> {
        let study =
            Study { path: path.display().to_string(), text: scenario::read_text(path)?, base_set: base_set.to_vec() };
        let model = study.model(&[])?;
        Ok((study, model))
    }

    /// The same study with `extra` appended to the file's text (new `[[site]]` entries, say).
    pub fn with_appended(&self, extra: &str) -> Study {
        Study { path: self.path.clone(), text: format!("{}\n{extra}", self.text), base_set: self.base_set.clone() }
    }

    /// The scenario with the shared overrides and then `extra`.
    pub fn model(&self, extra: &[Override]) -> Result<Model, ScenarioError> {
        scenario::parse_with(&self.text, &self.path, &self.all(extra))
    }

    /// The file as serde reads it with the shared overrides: what levers read values from.
    pub fn file(&self) -> Result<scenario::file::ScenarioFile, ScenarioError> {
        scenario::file_with(&self.text, &self.path, &self.base_set)
    }

    fn all(&self, extra: &[Override]) -> Vec<Override> {
        self.base_set.iter().chain(extra).cloned().collect()
    }

    /// Compiles every variant and checks that it can be paired with `base` trial by trial
    /// (as `compare` checks its alternatives, so a variant's `--set-alt` is one `compare`
    /// takes), reporting every one that fails, each under its name, with help in the words of
    /// the command that made it (`kind`).
    pub fn models(
        &self,
        base: &Model,
        variants: &[(String, Vec<Override>)],
        kind: VariantKind,
    ) -> Result<Vec<Model>, BadVariants> {
        let mut models = Vec::new();
        let mut bad = Vec::new();
        for (name, set) in variants {
            let paired = self.model(set).and_then(|m| {
                let help = |why| unpaired_help(kind, name, set, why);
                crate::compare::check_pairable(base, &[(self.path.clone(), &m)], &help)
                    // With the file's text, as every other problem of a variant, so that a caller
                    // can point into the file.
                    .map_err(|e| ScenarioError { text: self.text.clone(), ..e })?;
                Ok(m)
            });
            match paired {
                Ok(m) => models.push(m),
                Err(error) => bad.push(BadVariant { name: name.clone(), set: set.clone(), error }),
            }
        }
        if bad.is_empty() { Ok(models) } else { Err(BadVariants(bad)) }
    }
}

/// What a study's variants are, so that one `compare` could not pair is told what to leave out
/// in the words of the command that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariantKind {
    Lever,
    SweepValue,
    Candidate,
}

/// The help for a variant that cannot be paired with the scenario as given. `compare`'s help
/// (make both files agree) does not fit: the planner wrote no second file, but a lever or a
/// sweep value, so the fix is to leave it out, named by the lever or by the key that changed
/// what the trials fix.
fn unpaired_help(kind: VariantKind, name: &str, set: &[Override], why: Unpairable) -> String {
    // Where the file fixes it: a change at that key, under it, or of a table holding it.
    let (path, what): (&[&str], &str) = match why {
        Unpairable::PeriodDays => (&["scenario", "period_days"], "period_days"),
        Unpairable::ClockOrigin => (&["scenario", "clock_origin"], "clock_origin"),
        Unpairable::Zones => (&["zone"], "zones (their ids, in order)"),
    };
    let at =
        |o: &&Override| scenario::overrides::key_path(&o.key).is_ok_and(|p| p.iter().zip(path).all(|(a, b)| a == b));
    let mut keys: Vec<&str> = set.iter().filter(at).map(|o| o.key.as_str()).collect();
    // A change that reaches it some other way: every key of the variant is a suspect.
    if keys.is_empty() {
        keys = set.iter().map(|o| o.key.as_str()).collect();
    }
    let keys = keys.join(" and ");
    let (leave, every) = match kind {
        VariantKind::Lever => (format!("leave {name} out, or take {keys} out of its set"), "lever"),
        VariantKind::SweepValue => (format!("leave {keys} out of the sweep, or sweep something else"), "value"),
        VariantKind::Candidate => (format!("leave {name} out"), "candidate"),
    };
    format!(
        "{leave}: every {every} is paired with the scenario as given, trial by trial, so none can change its {what}"
    )
}

/// Where a decision's figures come from: what every result of `levers`, `sweep` and `place`
/// carries first (flattened into its JSON).
#[derive(Debug, Clone, serde::Serialize)]
pub struct About {
    pub casevac_version: String,
    pub scenario: String,
    pub file: String,
    pub overrides: Vec<String>,
    pub seed: u64,
}

impl About {
    pub fn of(study: &Study, base: &Model, seed: u64) -> About {
        About {
            casevac_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: base.name.clone(),
            file: study.path.clone(),
            overrides: base.overrides.clone(),
            seed,
        }
    }
}

/// Variants that do not compile.
#[derive(Debug)]
pub struct BadVariants(pub Vec<BadVariant>);

/// A variant that does not compile: its name (a lever, a sweep point, a candidate), the
/// overrides that make it, and why.
#[derive(Debug)]
pub struct BadVariant {
    pub name: String,
    pub set: Vec<Override>,
    pub error: ScenarioError,
}

impl BadVariant {
    /// The problems as said with every value of the variant's own overrides left out, so that
    /// variants failing the same way (a misspelt key swept over ten values, a bad value of one
    /// axis repeated along the other) are told apart from those failing differently.
    fn problem_shape(&self) -> String {
        let mut text = self.error.problems_text();
        for o in &self.set {
            text = text.replace(&o.label(), &format!("--set {}=…", o.key.trim()));
        }
        text
    }
}

/// Names of at most this many variants head a problem they share; past them, a count.
const NAMED: usize = 4;

impl std::fmt::Display for BadVariants {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Variants that fail the same way are named together, so each problem is said once,
        // in the words of the first of them, and the problems are counted once at the end.
        let mut groups: Vec<(String, Vec<&BadVariant>)> = Vec::new();
        for bad in &self.0 {
            let shape = bad.problem_shape();
            match groups.iter_mut().find(|(g, _)| *g == shape) {
                Some((_, members)) => members.push(bad),
                None => groups.push((shape, vec![bad])),
            }
        }
        for (k, (_, members)) in groups.iter().enumerate() {
            let names: Vec<&str> = members.iter().take(NAMED).map(|b| b.name.as_str()).collect();
            let more = members.len().saturating_sub(NAMED);
            let and_more = if more > 0 { format!(" and {more} more") } else { String::new() };
            if k > 0 {
                writeln!(f)?;
            }
            writeln!(f, "in {}{and_more}:", names.join("; "))?;
            f.write_str(&members[0].error.problems_text())?;
        }
        let problems: usize = groups.iter().map(|(_, members)| members[0].error.problems.len()).sum();
        let path = self.0.first().map_or("", |b| b.error.path.as_str());
        write!(f, "{problems} problem{} in {path}", if problems == 1 { "" } else { "s" })
    }
}

impl std::error::Error for BadVariants {}

/// What a decision is judged by: one step's compliance, the onward milestone's (where the
/// scenario models it), or lives saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Objective {
    Step(Step),
    Onward,
    LivesSaved,
}

impl Objective {
    pub const WORDS: &str = "first-aid, resuscitation, surgery, onward or lives";

    pub fn label(self) -> &'static str {
        match self {
            Objective::Step(s) => s.label(),
            Objective::Onward => "onward to Level 3",
            Objective::LivesSaved => "lives saved",
        }
    }

    /// Whether the objective is a share of casualties in time (written in percent and points,
    /// higher is better) rather than deaths.
    pub fn is_share(self) -> bool {
        !matches!(self, Objective::LivesSaved)
    }

    /// The base's value of the objective in a summary: a share in time, or minus the expected
    /// deaths per trial (so that higher is better for every objective).
    pub fn score(self, s: &Summary) -> Option<f64> {
        match self {
            Objective::Step(st) => s.steps[st as usize].compliance,
            Objective::Onward => s.onward.as_ref().and_then(|o| o.compliance),
            Objective::LivesSaved => s.deaths.as_ref().map(|d| -d.per_trial),
        }
    }

    /// The effect of an alternative against the base and its paired 95% half-width: a share
    /// of casualties (0.05 = 5 points) for a step, expected deaths per trial for lives.
    pub fn effect(self, alt: &AltResult) -> (Option<f64>, Option<f64>) {
        self.effect_of(&alt.steps, alt.onward.as_ref(), alt.lives_saved.as_ref())
    }

    /// [`Objective::effect`] from the differences themselves, as a lever's result keeps them.
    pub fn effect_of(
        self,
        steps: &[StepDiff],
        onward: Option<&OnwardDiff>,
        lives_saved: Option<&LivesSavedResult>,
    ) -> (Option<f64>, Option<f64>) {
        match self {
            Objective::Step(s) => {
                let d = &steps[s as usize];
                (d.figures.difference, d.figures.paired_half_width)
            }
            Objective::Onward => match onward {
                Some(o) => (o.figures.difference, o.figures.paired_half_width),
                None => (None, None),
            },
            Objective::LivesSaved => match lives_saved {
                Some(l) => (Some(l.per_trial), l.ci95_high.map(|h| h - l.per_trial)),
                None => (None, None),
            },
        }
    }

    /// Refuses lives saved when the scenario turns the outcome model off, and the onward
    /// milestone when it does not model it.
    pub fn check(self, model: &Model) -> Result<(), String> {
        if self == Objective::Onward && model.onward.is_none() {
            return Err("the objective is the onward milestone but the scenario does not model it: add an \
                        [onward] table with enabled = true (see `casevac guide`), or choose a step"
                .into());
        }
        if self == Objective::LivesSaved && model.outcomes.is_none() {
            return Err("the objective is lives saved but the scenario turns the outcome model off ([outcomes] \
                        enabled = false): choose a step, or turn it on"
                .into());
        }
        Ok(())
    }
}

impl Objective {
    /// The word the JSON and the CSV write for it: the same as the CSV's step column for a step
    /// and for the milestone.
    pub fn key(self) -> &'static str {
        match self {
            Objective::Onward => crate::model::ONWARD_KEY,
            Objective::Step(st) => st.key(),
            Objective::LivesSaved => "lives_saved",
        }
    }
}

impl serde::Serialize for Objective {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl std::str::FromStr for Objective {
    type Err = String;
    fn from_str(s: &str) -> Result<Objective, String> {
        match s.trim().to_lowercase().replace('_', "-").as_str() {
            "first-aid" => Ok(Objective::Step(Step::FirstAid)),
            "resuscitation" => Ok(Objective::Step(Step::Resuscitation)),
            "surgery" => Ok(Objective::Step(Step::Surgery)),
            "onward" | "onward-to-level3" => Ok(Objective::Onward),
            "lives" | "lives-saved" => Ok(Objective::LivesSaved),
            _ => Err(format!("`{s}` is not an objective: give {}", Objective::WORDS)),
        }
    }
}

/// A key of the scenario file as `--set` takes it: `section.id.field`, the id quoted if needed.
pub(crate) fn key(section: &str, id: &str, field: &str) -> String {
    format!("{section}.{}.{field}", scenario::overrides::key_text(id))
}

/// A number for a generated override: rounded to nine decimals, so 0.7 + 0.2 reads 0.9 (a
/// number too large to scale has no decimals to round).
pub(crate) fn num(x: f64) -> String {
    let rounded = (x * 1e9).round() / 1e9;
    crate::dist::Num(if rounded.is_finite() { rounded } else { x }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variant_that_cannot_be_paired_is_told_what_to_leave_out() {
        let set = |keys: &[&str]| -> Vec<Override> {
            keys.iter().map(|k| Override { key: k.to_string(), value: "1".into() }).collect()
        };
        // A table holding the period names its key as a change of the period itself does.
        let help = unpaired_help(
            VariantKind::SweepValue,
            "--set scenario={ period_days = 1 }",
            &set(&["scenario", "asset.a.count"]),
            Unpairable::PeriodDays,
        );
        assert!(help.starts_with("leave scenario out of the sweep, or sweep something else: every value"), "{help}");
        assert!(help.ends_with("so none can change its period_days"), "{help}");
        let help = unpaired_help(VariantKind::Candidate, "candidate 'x'", &set(&["asset.a.base"]), Unpairable::Zones);
        assert!(help.starts_with("leave candidate 'x' out: every candidate is paired"), "{help}");
        assert!(help.ends_with("its zones (their ids, in order)"), "{help}");
        // No key at the clock origin: every key of the lever is a suspect.
        let help = unpaired_help(
            VariantKind::Lever,
            "lever 'l'",
            &set(&["asset.a.count", "zone.z.x"]),
            Unpairable::ClockOrigin,
        );
        assert!(help.starts_with("leave lever 'l' out, or take asset.a.count and zone.z.x out of its set"), "{help}");
    }
}
