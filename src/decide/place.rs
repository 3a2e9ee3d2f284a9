//! `casevac place`: where the next asset (or facility) should go. Each candidate site is a
//! variant of the scenario with the asset's base (or the facility's site) moved there; the
//! candidates run on common random numbers, and a ranking-and-selection loop adds trials to
//! the close contenders until the best is separated from every other at the chosen confidence,
//! or says it cannot be within the trial budget.
//!
//! The loop: a first round ranks every candidate against the scenario as given. Then the
//! leader becomes the base of a paired run against the other contenders, each difference judged
//! with a Bonferroni-adjusted interval over the comparisons of the round; a contender surely
//! worse than the leader drops out, one surely better takes the lead. The trials double until
//! one contender is left or the budget is spent. Each round reruns trials 0..n with the same
//! seed, so a round's trials include the last one's and the answer is the same on any thread
//! count.

use super::{Objective, Study, key};
use crate::compare::{Comparison, Verdict, run_paired};
use crate::model::Model;
use crate::run::RunOptions;
use crate::scenario::Override;
use crate::stats::Histograms;
use crate::stats::interval::{Z95, normal_quantile};
use serde::Serialize;

/// What moves: an asset group's base, or a facility's site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Movable {
    Asset(String),
    Facility(String),
}

impl Movable {
    /// The override that puts it at `site`.
    pub fn at(&self, site: &str) -> Override {
        let value = format!("\"{}\"", site.replace('\\', "\\\\").replace('"', "\\\""));
        match self {
            Movable::Asset(id) => Override { key: key("asset", id, "base"), value },
            Movable::Facility(id) => Override { key: key("facility", id, "site"), value },
        }
    }

    /// The site it is at in `model` (after validation, its id exists).
    pub fn site_in(&self, model: &Model) -> Option<String> {
        let site = match self {
            Movable::Asset(id) => model.assets.iter().find(|a| &a.id == id)?.base,
            Movable::Facility(id) => model.facilities.iter().find(|f| &f.id == id)?.site,
        };
        Some(model.sites[site].id.clone())
    }

    /// Refuses an id the scenario does not have, with the closest one.
    pub fn check(&self, model: &Model) -> Result<(), String> {
        let (what, id, ids): (&str, &str, Vec<&str>) = match self {
            Movable::Asset(id) => ("asset", id, model.assets.iter().map(|a| a.id.as_str()).collect()),
            Movable::Facility(id) => ("facility", id, model.facilities.iter().map(|f| f.id.as_str()).collect()),
        };
        if ids.contains(&id) {
            return Ok(());
        }
        // The other kind of thing to place, named by its own flag.
        match self {
            Movable::Facility(_) if model.assets.iter().any(|a| a.id == id) => {
                return Err(format!("'{id}' is an asset group, not a facility: place it with --asset {id}"));
            }
            Movable::Asset(_) if model.facilities.iter().any(|f| f.id == id) => {
                return Err(format!("'{id}' is a facility, not an asset group: place it with --facility {id}"));
            }
            _ => {}
        }
        let hint = crate::scenario::overrides::closest(id, ids.iter().copied())
            .map_or(format!("the scenario's {what} ids are: {}", ids.join(", ")), |c| format!("did you mean `{c}`?"));
        Err(format!("the scenario has no {what} '{id}': {hint}"))
    }
}

impl std::fmt::Display for Movable {
    /// As messages and tables name it: "asset gao_mi8".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Movable::Asset(id) => write!(f, "asset {id}"),
            Movable::Facility(id) => write!(f, "facility {id}"),
        }
    }
}

/// The candidate sites: `all-sites`, or ids that must name sites of the scenario (one will do
/// where the site as given competes beside it; see [`with_site_as_given`]).
pub fn candidates(model: &Model, list: &[String]) -> Result<Vec<String>, String> {
    let sites: Vec<&str> = model.sites.iter().map(|s| s.id.as_str()).collect();
    if list.len() == 1 && list[0] == "all-sites" {
        return Ok(sites.iter().map(|s| s.to_string()).collect());
    }
    let mut out: Vec<String> = Vec::new();
    let mut unknown = Vec::new();
    for c in list.iter().map(|c| c.trim()) {
        if !sites.contains(&c) {
            let hint = crate::scenario::overrides::closest(c, sites.iter().copied())
                .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
            unknown.push(format!("'{c}'{hint}"));
        } else if !out.iter().any(|o| o == c) {
            out.push(c.to_string());
        }
    }
    if !unknown.is_empty() {
        return Err(format!(
            "no site {} in the scenario: candidates are site ids ({}) or all-sites",
            unknown.join(", "),
            sites.join(", ")
        ));
    }
    Ok(out)
}

/// The candidates with the site where each asset or facility placed stands now beside them, so
/// the answer says whether any beats the laydown as given (a move to the best of a list that
/// leaves it out could be a move for the worse); at least two to choose between. Placed
/// together, each is weighed at every site of the list, so each one's own site is among them
/// (and the others' too, as any candidate is).
///
/// A candidate on the very spot where one stands now (a grid's centre point on a zone centred on
/// its base, say) is the same placement under another name: it is left out, for its figures
/// could never be told apart from the site's, however many trials ran.
pub fn with_site_as_given(model: &Model, moved: &[Movable], mut sites: Vec<String>) -> Result<Vec<String>, String> {
    let pos = |id: &str| model.sites.iter().find(|s| s.id == id).map(|s| s.pos);
    let nows: Vec<String> = moved.iter().filter_map(|m| m.site_in(model)).collect();
    // (One's own site stays even on the spot of another's, under another id.)
    sites.retain(|s| nows.contains(s) || nows.iter().all(|now| pos(s) != pos(now)));
    for now in nows {
        if !sites.contains(&now) {
            sites.push(now);
        }
    }
    if model.sites.len() < 2 {
        return Err(format!(
            "the scenario has one site, '{}', and nothing to choose between: try points of a grid over the zones \
             with --grid N",
            model.sites.first().map_or("", |s| s.id.as_str())
        ));
    }
    if sites.len() < 2 {
        return Err("give at least two candidate sites to choose between (or one besides where it stands now), \
                    or all-sites"
            .into());
    }
    Ok(sites)
}

/// How the ids of grid points begin, as `[[site]]` entries appended to the file.
pub const GRID_PREFIX: &str = "grid_";

/// The most points `--grid` tries along each side.
pub const MAX_GRID: usize = 20;

/// Candidate sites on an `n` × `n` grid over the zones' bounding box, cell centres, north row
/// first: the `[[site]]` entries to append to the scenario, their ids and (lat, lon).
pub fn grid_sites(model: &Model, n: usize) -> (String, Vec<String>, Vec<(f64, f64)>) {
    let mut b = [f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY];
    for z in &model.zones {
        let zb = z.area.bounds();
        b = [b[0].min(zb[0]), b[1].max(zb[1]), b[2].min(zb[2]), b[3].max(zb[3])];
    }
    let (mut text, mut ids, mut pos) = (String::new(), Vec::new(), Vec::new());
    for r in 0..n {
        for c in 0..n {
            let lat = b[1] - (b[1] - b[0]) * (r as f64 + 0.5) / n as f64;
            let lon = b[2] + (b[3] - b[2]) * (c as f64 + 0.5) / n as f64;
            let id = format!("{GRID_PREFIX}{r}_{c}");
            let _ = std::fmt::Write::write_fmt(
                &mut text,
                format_args!(
                    "\n[[site]]\nid = \"{id}\"\nlat = {}\nlon = {}\n",
                    crate::dist::Num(lat),
                    crate::dist::Num(lon)
                ),
            );
            ids.push(id);
            pos.push((lat, lon));
        }
    }
    (text, ids, pos)
}

/// What the procedure concluded about a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Best,
    /// Still within the interval of the best when the trial budget ran out.
    IndistinguishableFromBest,
    /// Surely worse than the best, separated after `trials` trials.
    Worse,
    /// No casualty the objective counts was simulated with it there (onward evacuation from a
    /// Level 3 moved beside the only surgery, say): it has no value to rank by.
    NotMeasured,
}

#[derive(Debug, Clone, Serialize)]
pub struct CandidateResult {
    pub rank: usize,
    pub site: String,
    /// The override that puts it there; none for a point of a grid, which is no site of the
    /// file (add a site at `lat`, `lon` to try it).
    pub set: Option<String>,
    pub standing: Standing,
    /// The objective's value: compliance (a share) for a step, expected deaths per trial for lives.
    pub value: Option<f64>,
    /// Against the best, where compared with it: positive when the candidate is better.
    pub difference_from_best: Option<f64>,
    /// Bonferroni-adjusted half-width of that difference.
    pub half_width: Option<f64>,
    /// Trials of the round that decided its standing.
    pub trials: u64,
    pub lat: f64,
    pub lon: f64,
    /// The objective's value in the first round, where every candidate ran on the same trials.
    pub first_round_value: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlaceResult {
    #[serde(flatten)]
    pub about: super::About,
    pub moved: Movable,
    /// The site it is at in the scenario as given.
    pub as_given: Option<String>,
    pub objective: Objective,
    pub confidence_pct: f64,
    pub max_trials: u64,
    /// Whether one candidate was separated from every other within the budget.
    pub separated: bool,
    /// Points along each side, when the candidates are a grid.
    pub grid: Option<usize>,
    pub rounds: Vec<Round>,
    pub candidates: Vec<CandidateResult>,
}

impl PlaceResult {
    /// Whether a candidate is a point of the grid rather than a site of the file (the site as
    /// given competes beside a grid's points).
    pub fn is_grid_point(&self, c: &CandidateResult) -> bool {
        self.grid.is_some() && c.site.starts_with(GRID_PREFIX)
    }

    /// Whether a candidate, not the best, gave the best's value in every trial they shared: a
    /// move that changes nothing the objective counts.
    pub fn is_same_as_best(&self, c: &CandidateResult) -> bool {
        c.standing == Standing::IndistinguishableFromBest && same_in_every_trial(c.difference_from_best, c.half_width)
    }

    /// Whether a candidate is where the moved asset or facility stands in the file.
    pub fn is_as_given(&self, c: &CandidateResult) -> bool {
        self.as_given.as_deref() == Some(c.site.as_str())
    }
}

/// Whether a paired difference and its half-width say the two gave the same value in every
/// trial: a mean of zero with no spread.
fn same_in_every_trial(difference: Option<f64>, half_width: Option<f64>) -> bool {
    difference == Some(0.0) && half_width == Some(0.0)
}

/// One round of the procedure, for the record.
#[derive(Debug, Clone, Serialize)]
pub struct Round {
    pub trials: u64,
    pub leader: String,
    pub contenders: Vec<String>,
}

/// The objective's value of each alternative of a comparison (higher is better): the share
/// compliant, or minus expected deaths per trial.
fn scores(c: &Comparison, objective: Objective) -> Vec<Option<f64>> {
    c.alternatives.iter().map(|a| objective.score(&a.variant.summary)).collect()
}

pub struct PlaceOptions {
    pub objective: Objective,
    /// Trials of the first round.
    pub trials: u64,
    pub max_trials: u64,
    pub seed: u64,
    /// Confidence of the separation, e.g. 0.95.
    pub confidence: f64,
    /// Points along each side, when the candidates are a grid (for the record and the map).
    pub grid: Option<usize>,
}

pub fn place(
    study: &Study,
    base: &Model,
    moved: Movable,
    sites: &[String],
    opts: &PlaceOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<PlaceResult, super::BadVariants> {
    let sets: Vec<Override> = sites.iter().map(|s| moved.at(s)).collect();
    let variants: Vec<(String, Vec<Override>)> =
        sites.iter().zip(&sets).map(|(s, o)| (format!("candidate '{s}' (--set {o})"), vec![o.clone()])).collect();
    let models = study.models(base, &variants, super::VariantKind::Candidate)?;
    let position = |site: &str| {
        models[0].sites.iter().find(|x| x.id == site).map_or((f64::NAN, f64::NAN), |x| (x.pos.lat, x.pos.lon))
    };
    let run = |base: &Model, alts: &[Model], trials: u64| {
        let o = RunOptions { trials, seed: opts.seed, half_width_share: None, max_trials: trials };
        let tally = run_paired(base, alts, Histograms::Off, &o, progress);
        let labels = vec![String::new(); alts.len() + 1];
        Comparison::new(base, alts, &labels, &tally, opts.seed)
    };

    // Round 1: everyone against the scenario as given.
    let mut n = opts.trials.min(opts.max_trials);
    let first = run(base, &models, n);
    let first_scores = scores(&first, opts.objective);
    // Of equal values, the site as given first: a move that gains nothing is not advised.
    let as_given = moved.site_in(base);
    let moves = |i: &usize| as_given.as_deref() != Some(sites[*i].as_str());
    let by_score = |a: &usize, b: &usize| {
        let (x, y) = (first_scores[*a].unwrap_or(f64::NEG_INFINITY), first_scores[*b].unwrap_or(f64::NEG_INFINITY));
        y.total_cmp(&x).then(moves(a).cmp(&moves(b))).then(a.cmp(b))
    };
    let mut order: Vec<usize> = (0..sites.len()).collect();
    order.sort_by(by_score);
    let mut leader = order[0];
    let mut contenders: Vec<usize> = order[1..].to_vec();
    // Each candidate's standing, (difference from the leader, half-width, trials) and value.
    struct Marks {
        standing: Vec<Standing>,
        diff: Vec<(Option<f64>, Option<f64>, u64)>,
        value: Vec<Option<f64>>,
    }
    let mut marks = Marks {
        standing: vec![Standing::IndistinguishableFromBest; sites.len()],
        diff: vec![(None, None, n); sites.len()],
        value: first_scores.clone(),
    };
    let mut rounds = Vec::new();
    // Every round looks at the data again, so the error a separation may make is split over
    // the rounds the trial budget allows as well as over each round's comparisons (Bonferroni):
    // a split over the comparisons alone separated two equal sites in 9% of runs, not 5%. The
    // rounds are one for each trial count the doubling reaches, and the final comparison with
    // the site ahead: no other round is run (a leader overtaken is compared afresh on more
    // trials, not again on the same ones).
    let looks = {
        let (mut looks, mut k) = (2u32, n.max(1));
        while k < opts.max_trials {
            k = (k * 2).min(opts.max_trials);
            looks += 1;
        }
        f64::from(looks)
    };
    // One round, recorded in `rounds`: the leader against the contenders on `n` trials. Each
    // contender's value, difference and standing are set; returns those still within the leader's interval and
    // the one, if any, surely better than the leader (the best of such).
    let judge = |marks: &mut Marks, rounds: &mut Vec<Round>, leader: usize, contenders: &[usize], n: u64| {
        rounds.push(Round {
            trials: n,
            leader: sites[leader].clone(),
            contenders: contenders.iter().map(|&i| sites[i].clone()).collect(),
        });
        let Marks { standing, diff, value } = marks;
        let alts: Vec<Model> = contenders.iter().map(|&i| models[i].clone()).collect();
        let c = run(&models[leader], &alts, n);
        let z = normal_quantile(1.0 - (1.0 - opts.confidence) / (2.0 * contenders.len() as f64 * looks));
        let own = scores(&c, opts.objective);
        value[leader] = opts.objective.score(&c.base.summary);
        let mut still = Vec::new();
        let mut overtaken: Option<(usize, f64)> = None;
        for (k, &i) in contenders.iter().enumerate() {
            let (d, hw) = opts.objective.effect(&c.alternatives[k]);
            let hw = hw.map(|h| h * z / Z95);
            value[i] = own[k];
            diff[i] = (d, hw, n);
            // Nobody the objective counts in all the trials it has run: it has no value to be
            // separated by or to catch up with, so it leaves the contest (ranked last, with its
            // trials) rather than hold every round open to --max-trials.
            if own[k].is_none() {
                standing[i] = Standing::NotMeasured;
                continue;
            }
            // Judged as a comparison's verdict is, so a bound at zero but for rounding decides nothing.
            match d.zip(hw).map(|(d, h)| (d, Verdict::of_interval(d, h))) {
                Some((_, Verdict::Worse)) => standing[i] = Standing::Worse,
                Some((d, Verdict::Better)) if overtaken.is_none_or(|(_, best)| d > best) => {
                    overtaken = Some((i, d));
                    still.push(i);
                }
                _ => still.push(i),
            }
        }
        (still, overtaken)
    };
    loop {
        let (mut still, overtaken) = judge(&mut marks, &mut rounds, leader, &contenders, n);
        if let Some((i, _)) = overtaken {
            // The first round's order was wrong: the new leader is compared afresh with the rest,
            // on more trials; at --max-trials, the final comparison below takes the site ahead.
            if n >= opts.max_trials {
                contenders = still;
                break;
            }
            still.retain(|&j| j != i);
            still.push(leader);
            leader = i;
            contenders = still;
            n = (n * 2).min(opts.max_trials);
            continue;
        }
        contenders = still;
        // A contender equal to the leader in every trial so far (a move that changes nothing
        // the objective counts) is not separated by more of the same: when only such are left,
        // the rounds end, as they do at --max-trials.
        let only_the_same = contenders.iter().all(|&i| same_in_every_trial(marks.diff[i].0, marks.diff[i].1));
        if contenders.is_empty() || only_the_same || n >= opts.max_trials {
            break;
        }
        n = (n * 2).min(opts.max_trials);
    }
    // Not separated: the site ahead on the last round's trials leads, not the first round's
    // leader (which kept the lead only because nobody was surely better). The others are
    // compared with it on the same trials; on them the differences add exactly, so none is
    // ahead of it.
    let ahead = contenders
        .iter()
        .copied()
        .filter_map(|i| marks.diff[i].0.filter(|&d| d > 0.0).map(|d| (i, d)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((i, _)) = ahead {
        contenders.retain(|&j| j != i);
        contenders.push(leader);
        leader = i;
        let (still, _) = judge(&mut marks, &mut rounds, leader, &contenders, n);
        contenders = still;
    }
    // A leader without a value led only because nobody had one (the first round ranks them
    // last): nothing was measured, so there is no best.
    let measured = marks.value[leader].is_some();
    marks.standing[leader] = if measured { Standing::Best } else { Standing::NotMeasured };
    marks.diff[leader] = if measured { (Some(0.0), Some(0.0), n) } else { (None, None, n) };
    let separated = measured && contenders.is_empty();
    let mut ranked: Vec<usize> = (0..sites.len()).collect();
    let class = |i: usize| match marks.standing[i] {
        Standing::Best => 0,
        Standing::IndistinguishableFromBest => 1,
        Standing::Worse => 2,
        Standing::NotMeasured => 3,
    };
    // Within a class, the closest to the best first, then by the first round's order.
    let gap = |i: &usize| marks.diff[*i].0.unwrap_or(f64::NEG_INFINITY);
    ranked.sort_by(|a, b| class(*a).cmp(&class(*b)).then(gap(b).total_cmp(&gap(a))).then(by_score(a, b)));
    let candidates = ranked
        .iter()
        .enumerate()
        .map(|(r, &i)| CandidateResult {
            rank: r + 1,
            site: sites[i].clone(),
            set: (opts.grid.is_none() || !sites[i].starts_with(GRID_PREFIX)).then(|| sets[i].to_string()),
            standing: marks.standing[i],
            value: if opts.objective.is_share() { marks.value[i] } else { marks.value[i].map(|v| -v) },
            difference_from_best: marks.diff[i].0,
            half_width: marks.diff[i].1,
            trials: marks.diff[i].2,
            lat: position(&sites[i]).0,
            lon: position(&sites[i]).1,
            first_round_value: if opts.objective.is_share() { first_scores[i] } else { first_scores[i].map(|v| -v) },
        })
        .collect();
    Ok(PlaceResult {
        about: super::About::of(study, base, opts.seed),
        as_given,
        moved,
        objective: opts.objective,
        confidence_pct: opts.confidence * 100.0,
        max_trials: opts.max_trials,
        separated,
        grid: opts.grid,
        rounds,
        candidates,
    })
}

/// Several assets or facilities placed together: each one's site and how it was reached.
#[derive(Debug, Clone, Serialize)]
pub struct SeveralResult {
    pub casevac_version: String,
    pub method: &'static str,
    pub placements: Vec<(Movable, String)>,
    /// Each placement made, in order: the first pass greedy, the later ones local moves.
    pub steps: Vec<PlaceResult>,
    /// Whether a pass changed nothing, so the placement is a local optimum of one move at a time.
    pub converged: bool,
}

impl SeveralResult {
    /// The last pass: each asset's or facility's last placement, in the order given.
    pub fn last_pass(&self) -> &[PlaceResult] {
        &self.steps[self.steps.len() - self.placements.len()..]
    }
}

/// The most passes of local moves after the greedy one.
const MAX_PASSES: usize = 3;

/// Places several assets (or facilities) together, as a heuristic: greedily, one after the
/// other, each with those before it in place; then, in turn, each is placed again with all the
/// others at theirs, until a pass moves none. It can miss a better pair that needs two to move
/// at once; it is exact for one.
pub fn place_several(
    study: &Study,
    moved: &[Movable],
    sites: &[String],
    opts: &PlaceOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<SeveralResult, super::BadVariants> {
    let mut at: Vec<Option<String>> = vec![None; moved.len()];
    let mut steps = Vec::new();
    let mut converged = false;
    for pass in 0..=MAX_PASSES {
        let mut changed = false;
        for k in 0..moved.len() {
            // Everyone else where they are now (the greedy pass: only those placed already).
            let others: Vec<Override> =
                (0..moved.len()).filter(|&j| j != k).filter_map(|j| at[j].as_ref().map(|s| moved[j].at(s))).collect();
            let mut sub = study.clone();
            sub.base_set.extend(others.iter().cloned());
            let sub_base = sub.model(&[]).map_err(|error| {
                super::BadVariants(vec![super::BadVariant {
                    name: "the placement so far".into(),
                    set: others.clone(),
                    error,
                }])
            })?;
            let mut r = place(&sub, &sub_base, moved[k].clone(), sites, opts, progress)?;
            // Each candidate was measured with the others where they stood: its overrides say so,
            // or repeating one would measure another placement.
            for c in &mut r.candidates {
                if let Some(set) = &mut c.set {
                    *set = others.iter().map(ToString::to_string).chain([set.clone()]).collect::<Vec<_>>().join("; ");
                }
            }
            // With nothing measured at any site there is no best: it stays where it is.
            let best = match &r.candidates[0] {
                c if c.standing == Standing::NotMeasured => r.as_given.clone().unwrap_or_else(|| c.site.clone()),
                c => c.site.clone(),
            };
            if at[k].as_ref() != Some(&best) {
                changed = true;
                at[k] = Some(best);
            }
            steps.push(r);
        }
        if pass > 0 && !changed {
            converged = true;
            break;
        }
    }
    Ok(SeveralResult {
        casevac_version: env!("CARGO_PKG_VERSION").to_string(),
        method: "greedy, then one move at a time until none helps: a heuristic that can miss a better \
                 placement needing two moves at once",
        placements: moved.iter().cloned().zip(at.into_iter().map(Option::unwrap_or_default)).collect(),
        steps,
        converged,
    })
}
