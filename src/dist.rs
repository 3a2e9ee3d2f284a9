//! Probability distributions for delays, durations and counts.
//!
//! One syntax serves every field of a scenario (see [`DistSpec`]); after validation a spec becomes
//! a [`Dist`], which samples without allocating and cannot fail.

use rand::Rng;
use rand_distr::{Distribution, Exp1, LogNormal, Pert, Triangular};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::fmt;

/// The largest parameter or value a distribution may have: a million (minutes, about two years).
pub const MAX_VALUE: f64 = 1e6;

/// The largest coefficient of variation a lognormal may have: beyond it nearly every draw is
/// near zero and a rare one is astronomically large, which no delay in the field looks like.
pub const MAX_LOGNORMAL_CV: f64 = 10.0;

/// A distribution as a planner writes it in the scenario file.
///
/// A bare number means a fixed value; otherwise an inline table with one key naming the shape,
/// for example `{ triangular = { min = 5, mode = 10, max = 30 } }`.
#[derive(Debug, Clone, PartialEq)]
pub enum DistSpec {
    Fixed(f64),
    Uniform { min: f64, max: f64 },
    Triangular { min: f64, mode: f64, max: f64 },
    Pert { min: f64, mode: f64, max: f64 },
    Exponential { mean: f64 },
    LogNormal { mean: f64, cv: f64 },
    Table { values: Vec<f64>, p: Vec<f64> },
}

/// The shape names, as a planner writes them.
const SHAPES: &[&str] = &["fixed", "uniform", "triangular", "pert", "exponential", "lognormal", "table"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MinMax {
    min: f64,
    max: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MinModeMax {
    min: f64,
    mode: f64,
    max: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Mean {
    mean: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeanCv {
    mean: f64,
    cv: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ValuesP {
    values: Vec<f64>,
    p: Vec<f64>,
}

/// The schema of what [`DistSpec`]'s hand-written `Deserialize` accepts, written by hand beside
/// it for the same reason: a number, or a table with exactly one shape key.
impl schemars::JsonSchema for DistSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Distribution".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let number = serde_json::json!({ "type": "number" });
        let fields = |names: &[&str], of: &serde_json::Value| {
            let properties: serde_json::Map<String, serde_json::Value> =
                names.iter().map(|n| (n.to_string(), of.clone())).collect();
            serde_json::json!({
                "type": "object", "properties": properties, "required": names, "additionalProperties": false
            })
        };
        let list = serde_json::json!({ "type": "array", "items": number });
        let shapes = [
            ("fixed", number.clone()),
            ("uniform", fields(&["min", "max"], &number)),
            ("triangular", fields(&["min", "mode", "max"], &number)),
            ("pert", fields(&["min", "mode", "max"], &number)),
            ("exponential", fields(&["mean"], &number)),
            ("lognormal", fields(&["mean", "cv"], &number)),
            ("table", fields(&["values", "p"], &list)),
        ];
        let mut any_of = vec![number.clone()];
        any_of.extend(shapes.iter().map(|(name, body)| fields(&[name], body)));
        debug_assert!(shapes.iter().map(|s| s.0).eq(SHAPES.iter().copied()));
        schemars::json_schema!({
            "description": "A number (a fixed value) or a table with one shape, for example \
                { triangular = { min = 5, mode = 10, max = 30 } }",
            "anyOf": any_of
        })
    }
}

impl<'de> Deserialize<'de> for DistSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DistSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a number or a distribution such as { triangular = { min = 5, mode = 10, max = 30 } } \
                     (fixed, uniform, triangular, pert, exponential, lognormal, table)",
                )
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DistSpec, E> {
                Ok(DistSpec::Fixed(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DistSpec, E> {
                Ok(DistSpec::Fixed(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DistSpec, E> {
                Ok(DistSpec::Fixed(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DistSpec, A::Error> {
                // Read by hand rather than as a derived enum, which would take the first key and
                // silently drop any other: a distribution has exactly one shape and nothing else.
                let Some(shape) = map.next_key::<String>()? else {
                    return Err(de::Error::custom(format!(
                        "an empty table is not a distribution: name one shape ({})",
                        SHAPES.join(", ")
                    )));
                };
                let spec = match shape.as_str() {
                    "fixed" => DistSpec::Fixed(map.next_value()?),
                    "uniform" => {
                        let MinMax { min, max } = map.next_value()?;
                        DistSpec::Uniform { min, max }
                    }
                    "triangular" => {
                        let MinModeMax { min, mode, max } = map.next_value()?;
                        DistSpec::Triangular { min, mode, max }
                    }
                    "pert" => {
                        let MinModeMax { min, mode, max } = map.next_value()?;
                        DistSpec::Pert { min, mode, max }
                    }
                    "exponential" => {
                        let Mean { mean } = map.next_value()?;
                        DistSpec::Exponential { mean }
                    }
                    "lognormal" => {
                        let MeanCv { mean, cv } = map.next_value()?;
                        DistSpec::LogNormal { mean, cv }
                    }
                    "table" => {
                        let ValuesP { values, p } = map.next_value()?;
                        DistSpec::Table { values, p }
                    }
                    other => return Err(de::Error::unknown_variant(other, SHAPES)),
                };
                if let Some(extra) = map.next_key::<String>()? {
                    return Err(de::Error::custom(format!(
                        "a distribution has exactly one shape, but `{shape}` is followed by `{extra}`: \
                         keep one, for example {{ {shape} = ... }}"
                    )));
                }
                Ok(spec)
            }
        }
        d.deserialize_any(V)
    }
}

impl DistSpec {
    /// The distribution of `factor` times a draw: every shape stays the same shape, so a lever
    /// that halves a delay halves each draw, and the variants stay paired draw for draw.
    pub fn scaled(&self, factor: f64) -> DistSpec {
        let f = |x: f64| x * factor;
        match self {
            DistSpec::Fixed(v) => DistSpec::Fixed(f(*v)),
            DistSpec::Uniform { min, max } => DistSpec::Uniform { min: f(*min), max: f(*max) },
            DistSpec::Triangular { min, mode, max } => {
                DistSpec::Triangular { min: f(*min), mode: f(*mode), max: f(*max) }
            }
            DistSpec::Pert { min, mode, max } => DistSpec::Pert { min: f(*min), mode: f(*mode), max: f(*max) },
            DistSpec::Exponential { mean } => DistSpec::Exponential { mean: f(*mean) },
            DistSpec::LogNormal { mean, cv } => DistSpec::LogNormal { mean: f(*mean), cv: *cv },
            DistSpec::Table { values, p } => {
                DistSpec::Table { values: values.iter().map(|&v| f(v)).collect(), p: p.clone() }
            }
        }
    }

    /// The mean, as the dispatcher plans with it; for a table, the weighted mean of its values.
    pub fn mean(&self) -> f64 {
        match self {
            DistSpec::Fixed(v) => *v,
            DistSpec::Uniform { min, max } => (min + max) / 2.0,
            DistSpec::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            DistSpec::Pert { min, mode, max } => (min + 4.0 * mode + max) / 6.0,
            DistSpec::Exponential { mean } | DistSpec::LogNormal { mean, .. } => *mean,
            DistSpec::Table { values, p } => values.iter().zip(p).map(|(v, w)| v * w).sum(),
        }
    }
}

/// The spec as a planner would write it in the file, so a generated change reads as a `--set`.
impl fmt::Display for DistSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |xs: &[f64]| xs.iter().map(|x| format!("{}", Num(*x))).collect::<Vec<_>>().join(", ");
        match self {
            DistSpec::Fixed(v) => write!(f, "{}", Num(*v)),
            DistSpec::Uniform { min, max } => {
                write!(f, "{{ uniform = {{ min = {}, max = {} }} }}", Num(*min), Num(*max))
            }
            DistSpec::Triangular { min, mode, max } => {
                write!(f, "{{ triangular = {{ min = {}, mode = {}, max = {} }} }}", Num(*min), Num(*mode), Num(*max))
            }
            DistSpec::Pert { min, mode, max } => {
                write!(f, "{{ pert = {{ min = {}, mode = {}, max = {} }} }}", Num(*min), Num(*mode), Num(*max))
            }
            DistSpec::Exponential { mean } => write!(f, "{{ exponential = {{ mean = {} }} }}", Num(*mean)),
            DistSpec::LogNormal { mean, cv } => {
                write!(f, "{{ lognormal = {{ mean = {}, cv = {} }} }}", Num(*mean), Num(*cv))
            }
            DistSpec::Table { values, p } => {
                write!(f, "{{ table = {{ values = [{}], p = [{}] }} }}", list(values), list(p))
            }
        }
    }
}

/// A number as TOML reads it back exactly: Rust's shortest round-trip form, which is also valid
/// TOML for every finite value ("7.5", "30", "1e-7").
pub struct Num(pub f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

/// A number in a message: as Rust displays it, but 1e300 and 1e-300 as written, not as three
/// hundred digits.
pub struct Shown(pub f64);

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if x.abs() >= 1e9 || (x != 0.0 && x.abs() < 1e-6) { write!(f, "{x:e}") } else { write!(f, "{x}") }
    }
}

impl DistSpec {
    /// Checks the parameters and builds the sampler. `nonnegative` demands support on [0, inf),
    /// as every delay and duration needs.
    pub fn compile(&self, nonnegative: bool) -> Result<Dist, String> {
        // Beyond about two years, a delay is a typing error, and it would push times past what
        // the tallies are built for.
        let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite() && x.abs() <= MAX_VALUE);
        let neg = |x: f64| nonnegative && x < 0.0;
        // A parameter past the bound is named with the bound, not with a rule it meets
        // ("exponential needs mean > 0 (got 2000000)").
        let within = |name: &str, params: &[(&str, f64)]| match params.iter().find(|(_, x)| !finite(&[*x])) {
            Some((param, x)) => Err(format!(
                "{name} needs {param} to be a number from -1,000,000 to 1,000,000 (got {param} = {})",
                Shown(*x)
            )),
            None => Ok(()),
        };
        let d = match *self {
            DistSpec::Fixed(v) => {
                if !finite(&[v]) || neg(v) {
                    return Err(format!("a fixed value must be from 0 to 1,000,000 (got {})", Shown(v)));
                }
                Dist::Fixed(v)
            }
            DistSpec::Uniform { min, max } => {
                within("uniform", &[("min", min), ("max", max)])?;
                if !finite(&[min, max]) || neg(min) || min > max {
                    return Err(format!(
                        "uniform needs 0 <= min <= max (got min = {}, max = {})",
                        Shown(min),
                        Shown(max)
                    ));
                }
                Dist::Uniform { min, width: max - min }
            }
            DistSpec::Triangular { min, mode, max } | DistSpec::Pert { min, mode, max } => {
                let name = if matches!(self, DistSpec::Pert { .. }) { "pert" } else { "triangular" };
                within(name, &[("min", min), ("mode", mode), ("max", max)])?;
                if !finite(&[min, mode, max]) || neg(min) || !(min <= mode && mode <= max) {
                    return Err(format!(
                        "{name} needs 0 <= min <= mode <= max (got min = {}, mode = {}, max = {})",
                        Shown(min),
                        Shown(mode),
                        Shown(max)
                    ));
                }
                if min == max {
                    Dist::Fixed(min)
                } else if name == "pert" {
                    // PERT's mean is (min + 4 mode + max) / 6 for the default shape 4.
                    let p = Pert::new(min, max).with_mode(mode).map_err(|e| format!("pert: {e}"))?;
                    Dist::Pert(p, (min + 4.0 * mode + max) / 6.0)
                } else {
                    let t = Triangular::new(min, max, mode).map_err(|e| format!("triangular: {e}"))?;
                    Dist::Triangular(t, (min + mode + max) / 3.0)
                }
            }
            DistSpec::Exponential { mean } => {
                within("exponential", &[("mean", mean)])?;
                if !finite(&[mean]) || mean <= 0.0 {
                    return Err(format!("exponential needs mean > 0 (got {})", Shown(mean)));
                }
                Dist::Exponential { mean }
            }
            DistSpec::LogNormal { mean, cv } => {
                within("lognormal", &[("mean", mean), ("cv", cv)])?;
                if !finite(&[mean, cv]) || mean <= 0.0 || cv <= 0.0 || cv > MAX_LOGNORMAL_CV {
                    return Err(format!(
                        "lognormal needs mean > 0 and cv above 0 and at most {MAX_LOGNORMAL_CV} (got mean = {}, cv = {})",
                        Shown(mean),
                        Shown(cv)
                    ));
                }
                // For X = exp(N(mu, sigma^2)): cv^2 = exp(sigma^2) - 1 and mean = exp(mu + sigma^2/2).
                let sigma2 = (1.0 + cv * cv).ln();
                let mu = mean.ln() - sigma2 / 2.0;
                let l = LogNormal::new(mu, sigma2.sqrt()).map_err(|e| format!("lognormal: {e}"))?;
                Dist::LogNormal(l, mean)
            }
            DistSpec::Table { ref values, ref p } => {
                if values.is_empty() || values.len() != p.len() {
                    return Err(format!(
                        "table needs as many shares in p as values, at least one (got {} values, {} shares)",
                        values.len(),
                        p.len()
                    ));
                }
                if !finite(values) || values.iter().any(|&v| neg(v)) {
                    return Err("table values must be finite numbers >= 0".into());
                }
                if !finite(p) || p.iter().any(|&x| x < 0.0) {
                    return Err("table shares in p must be >= 0".into());
                }
                let total: f64 = p.iter().sum();
                if (total - 1.0).abs() > 1e-6 {
                    return Err(format!("table shares in p must sum to 1 (they sum to {total:.4})"));
                }
                let mut acc = 0.0;
                let cum: Vec<f64> = p
                    .iter()
                    .map(|x| {
                        acc += x / total;
                        acc
                    })
                    .collect();
                let mean = values.iter().zip(p).map(|(v, w)| v * w).sum::<f64>() / total;
                Dist::Table { values: values.clone().into(), cum: cum.into(), mean }
            }
        };
        Ok(d)
    }
}

/// A validated distribution, ready to sample.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    Fixed(f64),
    Uniform { min: f64, width: f64 },
    Triangular(Triangular<f64>, f64),
    Pert(Pert<f64>, f64),
    Exponential { mean: f64 },
    LogNormal(LogNormal<f64>, f64),
    Table { values: Box<[f64]>, cum: Box<[f64]>, mean: f64 },
}

impl Dist {
    pub const ZERO: Dist = Dist::Fixed(0.0);

    /// A draw, written out where it is called: a fixed delay costs a load, and the other short
    /// shapes no call. The shapes with a rejection loop and `exp` or `ln` (PERT, exponential,
    /// lognormal) are drawn in a function apart, so the registers their loops need are saved
    /// only when they are drawn.
    #[inline(always)]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Uniform { min, width } => min + width * unit(rng),
            Dist::Triangular(t, _) => t.sample(rng),
            Dist::Pert(p, _) => apart(p, rng),
            Dist::Exponential { mean } => {
                let e: f64 = apart(&Exp1, rng);
                e * mean
            }
            Dist::LogNormal(l, _) => apart(l, rng),
            Dist::Table { values, cum, .. } => {
                let u = unit(rng);
                // Rounding can leave the last cumulative share a hair below 1: fall back to the last value.
                let i = cum.iter().position(|&c| u < c).unwrap_or(values.len() - 1);
                values[i]
            }
        }
    }

    /// A draw from the stream that `stream` makes, made only for a shape that draws: a fixed
    /// value, the default of many delays, never reads its stream, so it need not be seeded.
    #[inline(always)]
    pub fn sample_from<R: Rng>(&self, stream: impl FnOnce() -> R) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            _ => self.sample(&mut stream()),
        }
    }

    /// The expected value: what a dispatcher plans with before the real delay is known.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Uniform { min, width } => min + width / 2.0,
            Dist::Triangular(_, m) | Dist::Pert(_, m) | Dist::LogNormal(_, m) => *m,
            Dist::Exponential { mean } => *mean,
            Dist::Table { mean, .. } => *mean,
        }
    }
}

/// A draw of `d`, kept out of the caller (see `Dist::sample`).
#[inline(never)]
fn apart<D: Distribution<f64>, R: Rng + ?Sized>(d: &D, rng: &mut R) -> f64 {
    d.sample(rng)
}

/// A uniform draw in [0, 1) with 53 random bits.
#[inline]
pub fn unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_shapes() -> Vec<DistSpec> {
        vec![
            DistSpec::Fixed(15.0),
            DistSpec::Uniform { min: 1.0, max: 5.5 },
            DistSpec::Triangular { min: 5.0, mode: 10.0, max: 30.0 },
            DistSpec::Pert { min: 5.0, mode: 10.0, max: 30.0 },
            DistSpec::Exponential { mean: 0.1 },
            DistSpec::LogNormal { mean: 60.0, cv: 1.0 },
            DistSpec::Table { values: vec![1.0, 2.0, 10.0], p: vec![0.7, 0.25, 0.05] },
        ]
    }

    #[test]
    fn a_spec_written_out_reads_back_as_itself() {
        #[derive(Deserialize)]
        struct Holder {
            d: DistSpec,
        }
        for spec in all_shapes() {
            let text = format!("d = {spec}");
            let back: Holder = toml::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(back.d, spec, "{text}");
        }
    }

    #[test]
    fn a_draw_from_a_stream_made_on_demand_is_the_draw_from_the_stream() {
        for spec in all_shapes() {
            let d = spec.compile(true).unwrap();
            for key in 0..1000 {
                let stream = || crate::sim::streams::seed_stream(key);
                assert_eq!(d.sample_from(stream).to_bits(), d.sample(&mut stream()).to_bits(), "{spec}");
            }
        }
    }

    #[test]
    fn a_scaled_spec_draws_the_factor_times_each_draw() {
        for spec in all_shapes() {
            let (a, b) = (spec.compile(true).unwrap(), spec.scaled(0.5).compile(true).unwrap());
            assert!((spec.scaled(0.5).mean() - spec.mean() / 2.0).abs() < 1e-12);
            let mut ra = crate::sim::streams::seed_stream(7);
            let mut rb = crate::sim::streams::seed_stream(7);
            for _ in 0..1000 {
                let (x, y) = (a.sample(&mut ra), b.sample(&mut rb));
                assert!((y - x / 2.0).abs() <= 1e-9 * x.abs().max(1.0), "{spec}: {x} halved is not {y}");
            }
        }
    }

    #[test]
    fn a_refused_parameter_is_shown_as_written_however_large_or_small() {
        let refused = |spec: DistSpec| spec.compile(true).unwrap_err();
        assert!(refused(DistSpec::Fixed(1e301)).ends_with("(got 1e301)"));
        assert!(refused(DistSpec::Fixed(-2.5)).ends_with("(got -2.5)"));
        let e = refused(DistSpec::Uniform { min: 3.0, max: -1e-300 });
        assert!(e.ends_with("(got min = 3, max = -1e-300)"), "{e}");
        let e = refused(DistSpec::Pert { min: 0.0, mode: 2e9, max: 1.0 });
        assert!(e.ends_with("(got mode = 2e9)"), "{e}");
    }

    /// A value past the bound every delay has is told the bound, not a rule it already meets:
    /// an exponential of mean 2,000,000 does have a mean above 0.
    #[test]
    fn a_parameter_past_the_bound_is_told_the_bound() {
        let refused = |spec: DistSpec| spec.compile(true).unwrap_err();
        let bound = "to be a number from -1,000,000 to 1,000,000";
        for (spec, said) in [
            (DistSpec::Exponential { mean: 2e6 }, "exponential needs mean"),
            (DistSpec::Uniform { min: 0.0, max: 2e6 }, "uniform needs max"),
            (DistSpec::Triangular { min: 0.0, mode: 1.0, max: 2e6 }, "triangular needs max"),
            (DistSpec::Pert { min: 0.0, mode: 1.0, max: f64::INFINITY }, "pert needs max"),
            (DistSpec::LogNormal { mean: 2e6, cv: 0.5 }, "lognormal needs mean"),
            (DistSpec::LogNormal { mean: 1.0, cv: f64::NAN }, "lognormal needs cv"),
        ] {
            let e = refused(spec.clone());
            assert!(e.starts_with(&format!("{said} {bound}")), "{spec:?}: {e}");
        }
        // At the bound itself, a value is taken.
        assert!(DistSpec::Exponential { mean: 1e6 }.compile(true).is_ok());
    }
}
