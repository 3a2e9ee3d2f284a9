//! Helpers shared by the integration tests: small scenarios built from text, and a runner.
#![allow(dead_code)]

use casevac::model::Model;
use casevac::run::run_batch;
use casevac::stats::Tally;
use casevac::summary::Summary;
use std::path::PathBuf;

/// Kilometres per degree on the equator, computed here independently of the library.
pub fn km_per_degree() -> f64 {
    6371.0088 * std::f64::consts::PI / 180.0
}

/// A scenario on the equator: site `base` at (0, 0) and site `hospital` at (0, 1), so distances
/// are whole multiples of one degree of longitude. The caller gives the bodies of the
/// `[scenario]`, `[[facility]]`, `[[asset]]` and `[[zone]]` tables.
pub fn scenario(scenario: &str, facility: &str, asset: &str, zone: &str) -> String {
    format!(
        r#"
[scenario]
name = "test"
{scenario}

[[site]]
id = "base"
lat = 0.0
lon = 0.0

[[site]]
id = "hospital"
lat = 0.0
lon = 1.0

[[facility]]
id = "fac"
{facility}

[[asset]]
id = "unit"
{asset}

[[zone]]
id = "z"
{zone}
"#
    )
}

pub fn model(text: &str) -> Model {
    match casevac::scenario::parse(text, "test.toml") {
        Ok(m) => m,
        Err(e) => panic!("test scenario does not compile:\n{e}\n{text}"),
    }
}

pub fn run(model: &Model, seed: u64, trials: u64) -> (Tally, Summary) {
    let tally = run_batch(model, seed, 0, trials, &|_| {});
    let summary = Summary::new(model, &tally, seed);
    (tally, summary)
}

/// Mean and standard error of independent per-trial values.
pub fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// Every scenario file in scenarios/, in name order.
pub fn bundled_scenarios() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}
