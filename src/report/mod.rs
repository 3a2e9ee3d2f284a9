//! Everything a run writes: the terminal table, JSON and CSV, always through atomic writes.

pub mod charts;
pub mod compare;
pub mod compare_charts;
pub mod compare_report;
pub mod csv_out;
pub mod describe;
pub mod fmt;
pub mod geojson;
pub mod html;
pub mod table;

use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A deadline as a planner says it: "10 min", "1 h", "2 h", "90 min".
pub fn minutes_label(t: f64) -> String {
    if t >= 60.0 && t % 60.0 == 0.0 { format!("{} h", t / 60.0) } else { format!("{t} min") }
}

/// A step with its deadline, for example "resuscitation within 1 h".
pub fn step_title(step: crate::model::Step, threshold_min: f64) -> String {
    format!("{} within {}", step.label(), minutes_label(threshold_min))
}

/// Whom each step counts, in words: "first aid and resuscitation count T1, T2; surgery counts
/// T1, T2, T3 who need it, T2 within 4 h".
pub fn scope_note(scopes: &[crate::summary::StepScope], thresholds_min: &[f64; 3]) -> String {
    let of = |s: usize| format!("{}{}", scopes[s].categories.join(", "), scopes[s].exceptions(thresholds_min[s]));
    let surgery = format!(
        "surgery counts {} who need it{}",
        scopes[2].categories.join(", "),
        scopes[2].exceptions(thresholds_min[2])
    );
    if of(0) == of(1) {
        format!("first aid and resuscitation count {}; {surgery}", of(0))
    } else {
        format!("first aid counts {}; resuscitation counts {}; {surgery}", of(0), of(1))
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// reader never sees a half-written file, even if the run is interrupted.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A result (a run's summary, a comparison) as pretty JSON, newline-terminated.
pub fn to_json(result: &impl serde::Serialize) -> String {
    let mut s = serde_json::to_string_pretty(result).expect("results are plain data and always serialise");
    s.push('\n');
    s
}

/// Everything `--report DIR` writes: each chart as PNG and SVG, the HTML report, the GeoJSON
/// map and the JSON summary. Returns the files written, in order.
pub fn write_report(
    dir: &Path,
    model: &crate::model::Model,
    tally: &crate::stats::Tally,
    summary: &crate::summary::Summary,
    coverage: &crate::coverage::Coverage,
    meta: &html::RunMeta,
) -> anyhow::Result<Vec<std::path::PathBuf>> {
    use charts::*;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = Vec::new();
    let mut put = |name: &str, bytes: &[u8]| -> anyhow::Result<()> {
        let path = dir.join(name);
        write_atomic(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
        Ok(())
    };
    let rendered = [
        (
            "compliance",
            "Compliance with each step, overall and by severity, with 95% intervals",
            render(&ComplianceChart { summary, targets_pct: model.targets_pct }),
        ),
        (
            "time_to_care",
            "Cumulative share of casualties treated, by time after wounding",
            render(&TimeToCareChart { summary, tally, model }),
        ),
        (
            "phases",
            "Where the minutes go: mean time in each phase of the chain, by zone",
            render(&PhasesChart { summary }),
        ),
        ("utilisation", "Utilisation of evacuation assets and operating tables", render(&UtilisationChart { summary })),
        (
            "coverage",
            "Coverage map: probability that a lone T1 casualty wounded at each point is treated in time",
            render(&CoverageChart { model, coverage }),
        ),
    ];
    let mut figures = Vec::new();
    for (id, title, result) in &rendered {
        let (png, svg) = result.as_ref().map_err(|e| anyhow::anyhow!("cannot draw the {id} chart: {e}"))?;
        put(&format!("{id}.png"), png)?;
        put(&format!("{id}.svg"), svg.as_bytes())?;
        figures.push(html::Figure { id, title, png });
    }
    put("report.html", html::render(model, summary, &figures, meta).as_bytes())?;
    put("map.geojson", geojson::to_geojson(model, coverage).as_bytes())?;
    put("summary.json", to_json(summary).as_bytes())?;
    Ok(written)
}

/// The files a run was asked to write besides the terminal table.
#[derive(Debug, Clone, Default)]
pub struct OutputPaths {
    pub json: Option<PathBuf>,
    pub csv: Option<PathBuf>,
    pub report: Option<PathBuf>,
}

/// Writes every output `paths` asks for, in one fixed order (JSON, CSV, report), and returns a
/// line per output saying where it went. The coverage map is costly, so it is computed, by
/// `map`, only when a report is asked for.
pub fn write_outputs(
    paths: &OutputPaths,
    model: &crate::model::Model,
    tally: &crate::stats::Tally,
    summary: &crate::summary::Summary,
    map: impl FnOnce() -> (crate::coverage::Coverage, html::RunMeta),
) -> anyhow::Result<Vec<String>> {
    let mut notes = Vec::new();
    if let Some(path) = &paths.json {
        write_atomic(path, to_json(summary).as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
        notes.push(format!("JSON written to {}", path.display()));
    }
    if let Some(dir) = &paths.csv {
        csv_out::write(summary, dir)?;
        notes.push(format!("CSV written to {}", dir.display()));
    }
    if let Some(dir) = &paths.report {
        let (coverage, meta) = map();
        write_report(dir, model, tally, summary, &coverage, &meta)?;
        notes.push(format!("report written to {}", dir.join("report.html").display()));
    }
    Ok(notes)
}
