//! The scenario file: its format ([`file`]), its checks and compilation to a [`Model`].

pub mod compile;
pub mod error;
pub mod file;

pub use error::{Problem, ScenarioError};

use crate::model::Model;
use std::path::Path;

/// Parses and compiles scenario text; `path` names the file in messages.
pub fn parse(text: &str, path: &str) -> Result<Model, ScenarioError> {
    let fail = |problems| ScenarioError { path: path.to_string(), text: text.to_string(), problems };
    let parsed: file::ScenarioFile = toml::from_str(text).map_err(|e| {
        fail(vec![Problem {
            span: e.span(),
            message: plain_words(e.message().trim()),
            help: "see docs/scenario-format.md for the fields and their types".into(),
        }])
    })?;
    compile::compile(&parsed).map_err(fail)
}

/// Reads, parses and compiles a scenario file.
pub fn load(path: &Path) -> Result<Model, ScenarioError> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
        path: label.clone(),
        text: String::new(),
        problems: vec![Problem {
            span: None,
            message: format!("cannot read the file: {e}"),
            help: "check the path".into(),
        }],
    })?;
    parse(&text, &label)
}

/// serde names Rust types in its messages; a planner reads numbers.
fn plain_words(message: &str) -> String {
    message
        .replace("expected i64", "expected a whole number")
        .replace("expected f64", "expected a number")
        .replace("expected a boolean", "expected true or false")
}
