//! The scenario file: its format ([`file`]), its checks and compilation to a [`Model`].

pub mod compile;
pub mod error;
pub mod file;
pub mod overrides;

pub use error::{Problem, ScenarioError};
pub use overrides::Override;

use crate::model::Model;
use std::path::Path;

/// Parses and compiles scenario text; `path` names the file in messages.
pub fn parse(text: &str, path: &str) -> Result<Model, ScenarioError> {
    parse_with(text, path, &[])
}

/// Parses and compiles scenario text with `--set` overrides applied in order (a later one of
/// the same key wins). Problems point at the planner's own text, or name the override that
/// caused them; the model records the overrides applied.
pub fn parse_with(text: &str, path: &str, overrides: &[Override]) -> Result<Model, ScenarioError> {
    let applied = overrides::apply(text, overrides);
    let result = compile_text(&applied.text);
    let fail = |problems| ScenarioError { path: path.to_string(), text: text.to_string(), problems };
    match result {
        Ok(mut model) if applied.problems.is_empty() => {
            model.overrides = overrides.iter().map(|o| format!("{}={}", o.key.trim(), o.value.trim())).collect();
            Ok(model)
        }
        Ok(_) => Err(fail(applied.problems.clone())),
        Err(found) => {
            let mut problems: Vec<Problem> = found.into_iter().map(|p| applied.map_back(p)).collect();
            problems.extend(applied.problems.iter().cloned());
            Err(fail(problems))
        }
    }
}

/// serde, then validation, of text that may hold spliced overrides.
fn compile_text(text: &str) -> Result<Model, Vec<Problem>> {
    let parsed: file::ScenarioFile = toml::from_str(text).map_err(|e| {
        vec![Problem {
            span: e.span(),
            message: plain_words(e.message().trim()),
            help: "see docs/scenario-format.md for the fields and their types".into(),
            source: None,
        }]
    })?;
    compile::compile(&parsed)
}

/// Reads, parses and compiles a scenario file.
pub fn load(path: &Path) -> Result<Model, ScenarioError> {
    load_with(path, &[])
}

/// Reads a scenario file and compiles it with `--set` overrides applied (see [`parse_with`]).
pub fn load_with(path: &Path, overrides: &[Override]) -> Result<Model, ScenarioError> {
    parse_with(&read_text(path)?, &path.display().to_string(), overrides)
}

/// A scenario file's text, or the error that says it cannot be read.
pub fn read_text(path: &Path) -> Result<String, ScenarioError> {
    std::fs::read_to_string(path).map_err(|e| ScenarioError {
        path: path.display().to_string(),
        text: String::new(),
        problems: vec![Problem {
            span: None,
            message: format!("cannot read the file: {e}"),
            help: "check the path".into(),
            source: None,
        }],
    })
}

/// serde names Rust types in its messages; a planner reads numbers.
fn plain_words(message: &str) -> String {
    message
        .replace("expected i64", "expected a whole number")
        .replace("expected f64", "expected a number")
        .replace("expected a boolean", "expected true or false")
}
