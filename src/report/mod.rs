//! Everything a run writes: the terminal table, JSON and CSV, always through atomic writes.

pub mod charts;
pub mod compare;
pub mod compare_charts;
pub mod compare_report;
pub mod csv_out;
pub mod decide;
pub mod decide_charts;
pub mod describe;
pub mod files;
pub mod fmt;
pub mod geojson;
pub mod html;
mod scaled;
pub mod svg_text;
pub mod table;

use std::path::PathBuf;

/// A deadline as a planner says it: "10 min", "1 h", "2 h", "90 min".
pub fn minutes_label(t: f64) -> String {
    use fmt::Num;
    if t >= 60.0 && t % 60.0 == 0.0 { format!("{} h", Num(t / 60.0)) } else { format!("{} min", Num(t)) }
}

/// A step with its deadline, for example "resuscitation within 1 h".
pub fn step_title(step: crate::model::Step, threshold_min: f64) -> String {
    format!("{} within {}", step.label(), minutes_label(threshold_min))
}

/// Whom each step counts, in words: "first aid and resuscitation count T1, T2; surgery counts
/// T1, T2, T3 who need it, T2 and T3 within 4 h".
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

pub use files::{write_atomic, write_folder};

/// A result (a run's summary, a comparison) as pretty JSON, newline-terminated.
pub fn to_json(result: &impl serde::Serialize) -> String {
    let mut s = serde_json::to_string_pretty(result).expect("results are plain data and always serialise");
    s.push('\n');
    s
}

/// The charts of a report, by file stem; `deaths` only with the outcome model on.
const CHARTS: [&str; 7] = ["compliance", "time_to_care", "deaths", "phases", "utilisation", "coverage", "reach"];

/// A report's two maps on one grid: the run's casualties where they were wounded
/// ([`crate::coverage::run_coverage`]), with the phases' medians from the same pass, and the
/// reach of lone probe casualties ([`crate::coverage::coverage`]).
pub struct ReportMaps {
    pub load: crate::coverage::Coverage,
    pub reach: crate::coverage::Coverage,
    pub phase_medians: crate::coverage::PhaseMedians,
}

/// The names of the files `--report DIR` may write.
pub fn report_file_names() -> Vec<String> {
    let mut names: Vec<String> = CHARTS.iter().flat_map(|c| [format!("{c}.png"), format!("{c}.svg")]).collect();
    names.extend(["report.html", "map.geojson", "summary.json"].map(String::from));
    names
}

/// Everything `--report DIR` writes, by file name: each chart as PNG and SVG, the HTML report,
/// the GeoJSON maps and the JSON summary, for [`write_folder`]. The PNGs are drawn `scale`
/// times larger (for slides; 1 as designed).
pub fn report_files(
    model: &crate::model::Model,
    tally: &crate::stats::Tally,
    summary: &crate::summary::Summary,
    maps: &ReportMaps,
    meta: &html::RunMeta,
    scale: u32,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    use charts::*;
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let rendered = [
        (
            "compliance",
            "Compliance with each step, overall and by severity, with 95% intervals",
            render_scaled(&ComplianceChart { summary, targets_pct: model.targets_pct }, scale),
        ),
        (
            "time_to_care",
            "Cumulative share of casualties treated, by time after wounding",
            render_scaled(&TimeToCareChart { summary, tally, model }, scale),
        ),
        (
            "deaths",
            "Modelled deaths against time to definitive care, per 100 casualties who could die",
            match &summary.deaths {
                Some(deaths) => render_scaled(&DeathsChart { deaths }, scale),
                None => Ok((Vec::new(), String::new())),
            },
        ),
        (
            "phases",
            "Where the minutes go: mean time in each phase of the chain, by zone, over the casualties who reached it",
            render_scaled(&PhasesChart { summary, model }, scale),
        ),
        (
            "utilisation",
            "Utilisation of evacuation assets, operating tables and surgical teams' daily operations",
            render_scaled(&UtilisationChart { summary, busiest: Some(&maps.phase_medians.busiest_day) }, scale),
        ),
        (
            "coverage",
            "Coverage map: the share of the run's casualties treated in time, by where they were wounded",
            render_scaled(&CoverageChart { model, coverage: &maps.load }, scale),
        ),
        (
            "reach",
            "Reach, not the run: the probability that a single T1 casualty, with no other casualty competing, \
             is treated in time",
            render_scaled(&CoverageChart { model, coverage: &maps.reach }, scale),
        ),
    ];
    let mut figures = Vec::new();
    // Without the outcome model there is no deaths chart.
    let rendered: Vec<_> =
        rendered.into_iter().filter(|(id, _, _)| *id != "deaths" || summary.deaths.is_some()).collect();
    for (id, title, result) in &rendered {
        let (png, svg) = result.as_ref().map_err(|e| anyhow::anyhow!("cannot draw the {id} chart: {e}"))?;
        out.push((format!("{id}.png"), png.clone()));
        out.push((format!("{id}.svg"), svg.clone().into_bytes()));
        figures.push(html::Figure { id, title, png });
    }
    out.push((
        "report.html".into(),
        html::render(model, summary, &figures, meta, Some(&maps.phase_medians)).into_bytes(),
    ));
    out.push(("map.geojson".into(), geojson::to_geojson(model, summary, maps).into_bytes()));
    out.push(("summary.json".into(), to_json(summary).into_bytes()));
    debug_assert!(out.iter().all(|(n, _)| report_file_names().contains(n)));
    Ok(out)
}

/// The files a run was asked to write besides the terminal table.
#[derive(Debug, Clone, Default)]
pub struct OutputPaths {
    pub json: Option<PathBuf>,
    pub csv: Option<PathBuf>,
    pub report: Option<PathBuf>,
    /// The report's PNG charts are drawn this many times larger (0 is taken as 1).
    pub chart_scale: u32,
}

impl OutputPaths {
    /// The outputs to check, each folder with the names of the files the command writes into
    /// it. `-` for JSON is standard output, which the CLI writes.
    pub fn planned(&self, csv: Vec<String>, report: Vec<String>) -> Vec<files::Output<'_>> {
        use files::{Kind, Output};
        let mut planned = Vec::new();
        if let Some(path) = self.json.as_deref().filter(|p| p.as_os_str() != "-") {
            planned.push(Output { option: "--json", path, kind: Kind::File });
        }
        if let Some(path) = &self.csv {
            planned.push(Output { option: "--csv", path, kind: Kind::Folder(csv) });
        }
        if let Some(path) = &self.report {
            planned.push(Output { option: "--report", path, kind: Kind::Folder(report) });
        }
        planned
    }
}

/// Checks every output of `casevac run` (or the merge of a run) before it simulates, so a path
/// that cannot be written fails in a second, not after the run (see [`files::check_outputs`]):
/// none replaces an input or another output, each folder exists and accepts files, and a folder
/// output would replace only a previous output of the same kind.
pub fn check_run_outputs(paths: &OutputPaths, inputs: &[files::Input]) -> anyhow::Result<()> {
    files::check_outputs(&paths.planned(csv_out::FILES.map(String::from).to_vec(), report_file_names()), inputs)
}

/// Checks the outputs of `casevac compare` (or the merge of a comparison) before it simulates,
/// as for a run, with a comparison's files in its folders.
pub fn check_compare_outputs(paths: &OutputPaths, inputs: &[files::Input]) -> anyhow::Result<()> {
    files::check_outputs(&paths.planned(compare::csv_file_names(), compare_report::file_names()), inputs)
}

/// Writes every output `paths` asks for, in one fixed order (JSON, CSV, report), and returns a
/// line per output saying where it went. The maps are costly, so they are computed, by `map`,
/// only when a report is asked for; they and the charts are made before any output is written,
/// so an interrupted run replaces none of a set of outputs rather than some (the writes
/// themselves take moments). The report is one folder that appears whole or not at all (see
/// [`files::write_folder`]).
pub fn write_outputs(
    paths: &OutputPaths,
    model: &crate::model::Model,
    tally: &crate::stats::Tally,
    summary: &crate::summary::Summary,
    map: impl FnOnce() -> (ReportMaps, html::RunMeta),
) -> anyhow::Result<Vec<String>> {
    let report = match &paths.report {
        Some(_) => {
            let (maps, meta) = map();
            Some(report_files(model, tally, summary, &maps, &meta, paths.chart_scale)?)
        }
        None => None,
    };
    let mut notes = Vec::new();
    if let Some(path) = &paths.json {
        use anyhow::Context;
        write_atomic(path, to_json(summary).as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
        notes.push(format!("JSON written to {}", path.display()));
    }
    if let Some(dir) = &paths.csv {
        csv_out::write(summary, dir)?;
        notes.push(format!("CSV written to {}", dir.display()));
    }
    if let (Some(dir), Some(files)) = (&paths.report, &report) {
        write_folder(dir, files, &report_file_names())?;
        notes.push(format!("report written to {}", dir.join("report.html").display()));
    }
    Ok(notes)
}
