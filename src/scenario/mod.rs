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
            for l in &mut model.levers {
                l.set_span = l.set_span.take().and_then(|s| applied.span_back(s));
            }
            Ok(model)
        }
        Ok(_) => Err(fail(applied.problems.clone())),
        Err(found) => {
            let mut problems: Vec<Problem> = found.into_iter().map(|p| applied.map_back(p)).collect();
            // A problem placed in the file that the file alone does not have follows from the
            // overrides (a facility's level changed, say, which its other fields no longer
            // fit): say so, or the planner hunts for a mistake the file does not hold.
            if !overrides.is_empty() && compile_text(text).is_ok() {
                let names: Vec<String> = overrides.iter().map(Override::label).collect();
                for p in problems.iter_mut().filter(|p| p.source.is_none()) {
                    // Where the part is one an override changed, its note already names them.
                    p.help = if p.help.contains(overrides::TOUCHED) {
                        p.help.replacen(
                            overrides::TOUCHED,
                            "(the file alone is valid; this part of it is changed by ",
                            1,
                        )
                    } else {
                        format!("{} (the file alone is valid: this follows from {})", p.help, names.join(", "))
                    };
                }
            }
            problems.extend(applied.problems.iter().cloned());
            Err(fail(problems))
        }
    }
}

/// The file as serde reads it, with the overrides applied: what `casevac levers` reads the
/// planner's values from. Only for text that [`parse_with`] accepts, so it cannot fail then.
pub fn file_with(text: &str, path: &str, overrides: &[Override]) -> Result<file::ScenarioFile, ScenarioError> {
    let applied = overrides::apply(text, overrides);
    toml::from_str(&applied.text).map_err(|e| ScenarioError {
        path: path.to_string(),
        text: text.to_string(),
        problems: vec![Problem { span: None, message: e.message().to_string(), help: SEE_GUIDE.into(), source: None }],
    })
}

/// The JSON Schema of the scenario format, from the same serde types the parser reads (draft 7,
/// which editors' TOML plugins read), pretty-printed and newline-terminated.
pub fn json_schema() -> String {
    let mut schema =
        schemars::generate::SchemaSettings::draft07().into_generator().into_root_schema_for::<file::ScenarioFile>();
    schema.insert("title".into(), "casevac scenario".into());
    schema.insert(
        "description".into(),
        "A casevac scenario file (TOML). `casevac guide` describes every field: unit, default, range and source; \
         the schema checks names and types, `casevac validate` checks values."
            .into(),
    );
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema is plain JSON");
    text.push('\n');
    text
}

/// serde, then validation, of text that may hold spliced overrides.
fn compile_text(text: &str) -> Result<Model, Vec<Problem>> {
    match toml::from_str::<file::ScenarioFile>(text) {
        Ok(parsed) => compile::compile(&parsed),
        Err(first) => Err(serde_problems(text, first)),
    }
}

/// Every name and type problem of a file that is valid TOML, not only the first: serde stops at
/// the first, so the lines of each problem found are blanked (with spaces, so every later span
/// stays where it is) and the text read again, until it reads or no line can be blanked. A file
/// that is not TOML at all gets its one syntax error: past it, nothing can be read reliably.
/// Validation is not run on the blanked text, whose gaps would read as problems of their own.
fn serde_problems(text: &str, first: toml::de::Error) -> Vec<Problem> {
    /// Enough for any real file; a hostile one stops here rather than re-parsing for ever.
    const MOST: usize = 50;
    let problem = |e: &toml::de::Error| {
        if e.message().trim() == "missing field `scenario`" {
            // A missing table has no line to point at (serde gives the start of the file).
            return Problem {
                span: None,
                message: "the file has no [scenario] table".into(),
                help: "add one with at least its name: [scenario] then name = \"...\" (see `casevac guide`)".into(),
                source: None,
            };
        }
        let (message, help) = explain(text, e.span(), e.message().trim());
        Problem { span: e.span(), message, help, source: None }
    };
    let mut problems = vec![problem(&first)];
    if text.parse::<toml::Table>().is_err() {
        return problems;
    }
    let mut work = text.to_string();
    // Fields whose absence the reading has caused or already explained: a blanked key, and the
    // name an unknown field was taken for (`speed_kph` for `speed_kmh`).
    let mut blanked: Vec<String> = overrides::suggest_from_serde(first.message()).into_iter().collect();
    // The span to blank next, and whether it is a table whose only fault is a field blanked
    // before: the whole table goes then, or its missing field would stop the reading.
    let mut next = first.span().map(|s| (s, missing_at_header(text, &first)));
    while let Some((s, whole_table)) = next.take()
        && problems.len() < MOST
    {
        let start = work[..s.start.min(work.len())].rfind('\n').map_or(0, |i| i + 1);
        let mut end = work[s.end.min(work.len())..].find('\n').map_or(work.len(), |i| s.end + i);
        if whole_table {
            // Up to the next table header, or the end of the file.
            let mut at = end;
            while at < work.len() {
                let line_end = work[at + 1..].find('\n').map_or(work.len(), |i| at + 1 + i);
                if work[at + 1..line_end].trim_start().starts_with('[') {
                    break;
                }
                at = line_end;
            }
            end = at;
        }
        if work[start..end].trim().is_empty() {
            break;
        }
        if whole_table {
            // A single table's header (`[scenario]`, not `[[site]]`): the file now misses the
            // table itself, which the reading has caused.
            let header = work[start..end].lines().next().unwrap_or("").trim();
            if let Some(name) =
                header.strip_prefix('[').and_then(|h| h.strip_suffix(']')).filter(|n| !n.starts_with('['))
            {
                blanked.push(name.trim().to_string());
            }
        } else if let Some(key) = work[start..end].split_once('=').map(|(k, _)| k.trim().to_string()) {
            blanked.push(key);
        }
        // A space for each byte, not each character: a blanked "é" must leave two, or every
        // later span would point a byte early (and could fall inside a character).
        let blank: String = work[start..end].bytes().map(|b| if b == b'\n' { '\n' } else { ' ' }).collect();
        work.replace_range(start..end, &blank);
        if work.parse::<toml::Table>().is_err() {
            break;
        }
        let Err(e) = toml::from_str::<file::ScenarioFile>(&work) else { break };
        let gap = e.message().strip_prefix("missing field `").and_then(|m| m.strip_suffix('`'));
        let ours = gap.is_some_and(|f| blanked.iter().any(|k| k == f));
        if !ours {
            problems.push(problem(&e));
            blanked.extend(overrides::suggest_from_serde(e.message()));
        }
        next = e.span().map(|s| (s, ours || missing_at_header(&work, &e)));
    }
    problems
}

/// Whether `e` is a field missing from a table, pointed at by the table's header: blanking the
/// header alone would leave its fields to the table before it (or to the top of the file), each
/// then a problem the file does not have, so the whole table goes.
fn missing_at_header(text: &str, e: &toml::de::Error) -> bool {
    e.message().starts_with("missing field")
        && e.span().and_then(|s| text.get(s)).is_some_and(|t| t.trim_start().starts_with('['))
}

/// The fields whose value is one of a few words, the table they are in (`kind` names an
/// asset's and a zone's), and the words: a wrong type for one of them gets the list, not the
/// parser's "wanted string or table". The words come from the format's own types, so a word
/// the parser accepts is never left out.
const WORD_FIELDS: &[(&str, &str, Words)] = &[
    ("kind", "asset", words::<file::KindWord>),
    ("kind", "zone", words::<file::ZoneKindWord>),
    ("level", "facility", words::<file::LevelWord>),
    ("care", "facility", words::<file::CareWord>),
    ("team_care", "asset", words::<file::CareWord>),
    ("delivers_to", "asset", words::<file::DeliversTo>),
    ("clock_origin", "scenario", words::<file::ClockOriginWord>),
    ("dispatch", "scenario", words::<file::DispatchWord>),
    ("resuscitation_counts", "scenario", words::<file::CountsWord>),
];

/// What lists a field's words.
type Words = fn() -> Vec<String>;

/// The words an enum of the file format is written as, in its order, from its JSON Schema: a
/// plain `enum` list, or (where its words are documented) a `oneOf` of constants.
fn words<T: schemars::JsonSchema>() -> Vec<String> {
    let schema = schemars::schema_for!(T);
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
    match (schema.get("enum"), schema.get("oneOf")) {
        (Some(serde_json::Value::Array(words)), _) => words.iter().filter_map(text).collect(),
        (_, Some(serde_json::Value::Array(each))) => {
            each.iter().filter_map(|w| w.get("const").and_then(text)).collect()
        }
        _ => Vec::new(),
    }
}

/// `"a"`, `"a" or "b"`, `"a", "b" or "c"`.
fn one_of(words: &[String]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// The table whose lines hold `at`: the name in the last header before it (`[[asset]]` gives
/// "asset"), if any. A line of an array's values (`[10.0, 20.0],`) is not a header.
fn table_at(text: &str, at: usize) -> Option<&str> {
    text.get(..at)?.lines().rev().find_map(|line| {
        let name = line.trim().split('#').next()?.trim_end().strip_prefix('[')?.strip_suffix(']')?;
        let name = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')).unwrap_or(name).trim();
        (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .then_some(name)
    })
}

const SEE_GUIDE: &str = "see `casevac guide` for the fields and their types";

/// The key written just before `at` (`key = value`), if any.
fn key_before(text: &str, at: usize) -> Option<&str> {
    let before = text.get(..at)?.trim_end().strip_suffix('=')?.trim_end();
    let start = before.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
    Some(&before[start..]).filter(|k| !k.is_empty())
}

/// A parser message in a planner's words, with the fix: the message and the help.
fn explain(text: &str, span: Option<std::ops::Range<usize>>, message: &str) -> (String, String) {
    let spanned = span.as_ref().and_then(|s| text.get(s.clone())).unwrap_or("");
    if message == "duplicate key" {
        return (
            format!("duplicate key `{spanned}`"),
            "each key appears once in its table, and [scenario] once in the file: remove or merge the repeat".into(),
        );
    }
    // A bare date (`1979-05-27`) is TOML's own type, which serde reports in its internal names.
    if spanned.trim().parse::<toml::value::Datetime>().is_ok() {
        return (
            format!("`{}` is a TOML date or time, which no scenario field takes", spanned.trim()),
            "dates and times of day are text in double quotes".into(),
        );
    }
    // toml reads an integer beyond 64 bits as i128, and serde then names that type.
    if message.contains(" as i128") {
        let expected = message.split_once(", expected ").map_or("a number", |(_, e)| e);
        return (
            format!("the number {spanned} is too large: {}", plain_words(&format!("expected {expected}"))),
            "check for a typing error; see `casevac guide` for each field's range".into(),
        );
    }
    if let Some(field) = message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`')) {
        // serde points at the table's header, or at an inline table's value.
        let header = spanned.lines().next().unwrap_or("").trim();
        let (message, table) = if header.starts_with('[') {
            (format!("missing field `{field}` in {header}"), header)
        } else {
            (plain_words(message), "the table")
        };
        return (message, format!("add `{field} = ...` to {table}; `casevac guide` gives its type and an example"));
    }
    if let Some(near) = overrides::suggest_from_serde(message) {
        // "unknown field `speed_kph`, expected one of `id`, `name`, ... (18 more)": the closest
        // name is what the planner meant, and the list is noise; a word's few choices stay.
        let message = match message.split_once("`, expected one of") {
            Some((field, _)) if message.starts_with("unknown field") => format!("{field}`"),
            _ => plain_words(message),
        };
        return (message, format!("did you mean `{near}`? {SEE_GUIDE}"));
    }
    if message == "wanted string or table"
        && let Some(s) = span.as_ref()
        && let Some(key) = key_before(text, s.start)
    {
        // Where the table is not known (an inline table), every field of that name says its
        // words.
        let table = table_at(text, s.start);
        let lists: Vec<String> = WORD_FIELDS
            .iter()
            .filter(|(k, t, _)| *k == key && table.is_none_or(|table| table == *t))
            .map(
                |(_, t, words)| {
                    if table.is_some() { one_of(&words()) } else { format!("{} (in {t})", one_of(&words())) }
                },
            )
            .collect();
        if !lists.is_empty() {
            return (
                format!("`{key}` must be one of {} (got {spanned})", lists.join("; or ")),
                "write the word in double quotes".into(),
            );
        }
    }
    (plain_words(message), SEE_GUIDE.into())
}

/// The largest scenario file read: 10 MB. A laydown at every cap of the guide takes well under
/// this; a larger file is a wrong path (a log, a device) and would only exhaust memory.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Reads a scenario file: a regular file, at most [`MAX_FILE_BYTES`], UTF-8. Opened without
/// blocking, so a FIFO with no writer is refused rather than waited on.
fn read_scenario(path: &Path) -> Result<String, (String, String)> {
    use std::io::Read;
    // `compare base.toml --set-alt a.b.c=1 d.e.f=2` reads the second change as a file: say
    // what was meant rather than only that no such file exists.
    let check_path = match path.to_str() {
        Some(p) if p.contains('=') && !path.exists() => format!(
            "`{p}` reads as a change KEY=VALUE, not a file: give each change its own flag (--set-alt KEY=VALUE \
             in compare, --set KEY=VALUE elsewhere)"
        ),
        _ => "check the path".to_string(),
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path).map_err(|e| (format!("cannot read the file: {e}"), check_path.clone()))?;
    let meta = file.metadata().map_err(|e| (format!("cannot read the file: {e}"), check_path.clone()))?;
    if !meta.is_file() {
        let what = if meta.is_dir() { "a folder" } else { "not a regular file (a device, pipe or socket)" };
        return Err((format!("cannot read the scenario: this is {what}"), "give the path of a .toml file".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err((
            format!("the file is {} bytes; casevac reads scenario files of at most 10 MB", meta.len()),
            "check the path: a scenario at every cap of the guide is far smaller".into(),
        ));
    }
    let mut bytes = Vec::new();
    // The size can change between the check and the read; the cap holds either way.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| (format!("cannot read the file: {e}"), check_path.clone()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(("the file grew past 10 MB while it was read".into(), check_path));
    }
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    // NUL is valid UTF-8 but never in a TOML file: it means UTF-16 without its mark, or a
    // binary file.
    if !utf16 && bytes.contains(&0) {
        return Err((
            "the file holds NUL bytes: it is not UTF-8 text (UTF-16, or not text at all)".into(),
            "save the file as UTF-8 (in most editors: Save As, encoding UTF-8)".into(),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let what = if utf16 {
            "it looks like UTF-16".to_string()
        } else {
            format!("byte {} is not UTF-8", e.utf8_error().valid_up_to())
        };
        (
            format!("the file is not UTF-8 text: {what}"),
            "save the file as UTF-8 (in most editors: Save As, encoding UTF-8)".into(),
        )
    })
}

/// Reads, parses and compiles a scenario file.
pub fn load(path: &Path) -> Result<Model, ScenarioError> {
    load_with(path, &[])
}

/// Reads a scenario file and compiles it with `--set` overrides applied (see [`parse_with`]).
pub fn load_with(path: &Path, overrides: &[Override]) -> Result<Model, ScenarioError> {
    parse_with(&read_text(path)?, &path.display().to_string(), overrides)
}

/// A scenario file's text, or the error that says why it cannot be read (not a regular file,
/// too large, not UTF-8).
pub fn read_text(path: &Path) -> Result<String, ScenarioError> {
    read_scenario(path).map_err(|(message, help)| ScenarioError {
        path: path.display().to_string(),
        text: String::new(),
        problems: vec![Problem { span: None, message, help, source: None }],
    })
}

/// serde names Rust types in its messages; a planner reads numbers.
fn plain_words(message: &str) -> String {
    message
        .replace("expected i64", "expected a whole number")
        .replace("expected f64", "expected a number")
        .replace("expected a boolean", "expected true or false")
}
