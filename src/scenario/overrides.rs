//! `--set KEY=VALUE` overrides: what-ifs without editing the scenario file.
//!
//! An override is spliced into the file's text, not into the parsed values: the result goes
//! through the same serde types and the same checks as any file, so an override can be no more
//! and no less than what the planner could have written in the file. Every splice is recorded,
//! so a problem found afterwards is mapped back: a problem in a spliced value is reported against
//! the override that wrote it, any other keeps its line and column in the planner's own file.
//!
//! Overrides apply one after the other, each to the text as the ones before it left it, so a
//! later override of the same key wins.

use super::error::Problem;
use std::fmt;
use std::ops::Range;
use toml_edit::{Document, InlineTable, Item, Key, Table, Value};

/// How a problem's help begins the note that an override changed the part of the file it
/// points at (closed by the overrides' names and a parenthesis).
pub(crate) const TOUCHED: &str = "(this part of the file is changed by ";

/// The top-level sections of a scenario file.
const SECTIONS: [&str; 7] = ["scenario", "onward", "outcomes", "site", "facility", "asset", "zone"];

const FORM_HELP: &str = "write KEY=VALUE, for example asset.gao_mi8.count=3";
const KEY_HELP: &str = "write a dotted key such as asset.gao_mi8.count, zone.kidal_camp.severity.t1 or \
     scenario.period_days; quote an id that has dots or spaces: asset.\"my id\".count";
const VALUE_HELP: &str = "write the value as in the file: 3, 0.95, true, \"06:15\", [1, 2] or { fixed = 5 }; \
     in a shell, wrap the whole override in single quotes so the shell keeps the double quotes: \
     'scenario.daylight.sunrise=\"05:30\"'";

/// Long values are echoed in messages only up to this many characters.
const ECHO_CHARS: usize = 80;

/// One `--set KEY=VALUE`: a dotted key into the scenario file and a TOML value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub key: String,
    pub value: String,
}

impl Override {
    /// Splits `KEY=VALUE` at the first `=` (a value may itself hold `=`, as in `{ fixed = 5 }`).
    pub fn parse(arg: &str) -> Result<Override, String> {
        let Some((key, value)) = arg.split_once('=') else {
            return Err(format!("`{}` is not of the form KEY=VALUE: {FORM_HELP}", shorten(arg)));
        };
        let (key, value) = (key.trim(), value.trim());
        if key.is_empty() {
            return Err(format!("`{}` has no key before `=`: {FORM_HELP}", shorten(arg)));
        }
        if value.is_empty() {
            return Err(format!("`{}` has no value after `=`: {FORM_HELP}", shorten(arg)));
        }
        Ok(Override { key: key.to_string(), value: value.to_string() })
    }
}

impl Override {
    /// How messages name the override: `--set KEY=VALUE`, a long value cut.
    pub fn label(&self) -> String {
        format!("--set {}={}", self.key.trim(), shorten(self.value.trim()))
    }
}

impl std::str::FromStr for Override {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Override::parse(s)
    }
}

impl fmt::Display for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.key, self.value)
    }
}

/// One splice, in the coordinates of the text as it was just before it.
#[derive(Debug)]
struct Edit {
    at: usize,
    removed: usize,
    inserted: usize,
    /// Index of the override that made it.
    who: usize,
}

/// The text with every override that could be placed spliced in, and what to map back.
#[derive(Debug)]
pub(crate) struct Applied {
    pub text: String,
    edits: Vec<Edit>,
    /// Overrides that could not be placed: bad key, bad value, unknown id.
    pub problems: Vec<Problem>,
    /// `--set KEY=VALUE` for each override, as messages name it.
    labels: Vec<String>,
    /// Each override's key and value, for suggestions.
    keys: Vec<String>,
    values: Vec<String>,
}

/// What to splice: remove `removed` bytes at `at` and put `insert` there.
struct Splice {
    at: usize,
    removed: usize,
    insert: String,
}

/// Why an override cannot be placed: a message and how to fix it.
type Why = (String, String);

/// Splices the overrides into `text`, in order. Nothing here panics on any input: every failure
/// becomes a problem naming its override.
pub(crate) fn apply(text: &str, overrides: &[Override]) -> Applied {
    let labels: Vec<String> = overrides.iter().map(Override::label).collect();
    let keys = overrides.iter().map(|o| o.key.trim().to_string()).collect();
    let values = overrides.iter().map(|o| o.value.clone()).collect();
    let mut applied = Applied { text: text.to_string(), edits: Vec::new(), problems: Vec::new(), labels, keys, values };
    if overrides.is_empty() {
        return applied;
    }
    let Ok(mut doc) = Document::parse(text.to_string()) else {
        // serde will report the syntax error with its line; say why the overrides are missing.
        applied.problems.push(Problem {
            span: None,
            message: "the --set overrides were not applied: the file is not valid TOML".into(),
            help: "fix the file first".into(),
            source: None,
        });
        return applied;
    };
    for (who, o) in overrides.iter().enumerate() {
        let splice = match plan(&doc, &applied.text, o) {
            Ok(s) => s,
            Err((message, help)) => {
                applied.problems.push(problem_from(&applied.labels[who], message, help));
                continue;
            }
        };
        let mut next = String::with_capacity(applied.text.len() + splice.insert.len());
        next.push_str(&applied.text[..splice.at]);
        next.push_str(&splice.insert);
        next.push_str(&applied.text[splice.at + splice.removed..]);
        // A value that parses alone may still not fit where it goes (a comment inside an inline
        // table, say); parsing the result catches that, and the next override needs the new
        // document anyway.
        match Document::parse(next.clone()) {
            Ok(d) => {
                doc = d;
                applied.text = next;
                applied.edits.push(Edit { at: splice.at, removed: splice.removed, inserted: splice.insert.len(), who });
            }
            Err(e) => applied.problems.push(problem_from(
                &applied.labels[who],
                format!("the value does not fit at this key: {}", e.message().trim()),
                VALUE_HELP.into(),
            )),
        }
    }
    applied
}

fn problem_from(label: &str, message: String, help: String) -> Problem {
    Problem { span: None, message, help, source: Some(label.to_string()) }
}

impl Applied {
    /// Maps a problem found in the spliced text back to the planner's file or to an override.
    pub fn map_back(&self, p: Problem) -> Problem {
        let Some(span) = p.span.clone() else { return p };
        let (mut start, mut end) = (span.start, span.end);
        let mut touched: Vec<usize> = Vec::new();
        // Undo the splices last first: each edit's offsets are in the text it was made on.
        for ed in self.edits.iter().rev() {
            let inserted_end = ed.at + ed.inserted;
            if (ed.at..inserted_end).contains(&start) {
                return self.about_override(ed.who, p);
            }
            if start < ed.at && end > ed.at && !touched.contains(&ed.who) {
                touched.push(ed.who);
            }
            let back = |x: usize| {
                if x >= inserted_end {
                    x - ed.inserted + ed.removed
                } else if x > ed.at {
                    ed.at + ed.removed
                } else {
                    x
                }
            };
            start = back(start);
            end = back(end).max(start);
        }
        let mut help = p.help;
        if !touched.is_empty() {
            touched.sort_unstable();
            let names: Vec<&str> = touched.iter().map(|&i| self.labels[i].as_str()).collect();
            help = format!("{help} {TOUCHED}{})", names.join(", "));
        }
        Problem { span: Some(start..end), help, ..p }
    }

    /// Where a span of the spliced text lies in the planner's file; `None` inside an override's
    /// own value, which the file does not hold.
    pub fn span_back(&self, span: Range<usize>) -> Option<Range<usize>> {
        let p = self.map_back(Problem { span: Some(span), message: String::new(), help: String::new(), source: None });
        if p.source.is_some() { None } else { p.span }
    }

    /// A problem inside a spliced value: about the override, with a suggestion where serde
    /// rejected a name.
    fn about_override(&self, who: usize, p: Problem) -> Problem {
        let mut help = p.help;
        if help.starts_with("did you mean") {
            // The file's own reading of serde's message made the suggestion already.
        } else if let Some(suggestion) = suggest_from_serde(&p.message) {
            help = format!("did you mean `{suggestion}`? {help}");
        } else if let Some(key) = self.keys.get(who).and_then(|k| skip_unknown_table(k, &p.message)) {
            help = format!("did you mean `{key}`? {help}");
        } else if let Some(field) = p.message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`'))
            && let Ok(mut path) = key_path(&self.keys[who])
            && let Some(flat_table) = flat(&self.values[who])
        {
            // The override made a table the file does not have (or replaced one whole), and
            // serde reads a table whole: what it left out is missing, not taken from defaults.
            // (A value with tables or lists inside may be missing a field of one of them, which
            // only serde's message can place.)
            if !flat_table {
                path.pop();
            }
            let table = dotted(&path);
            help = format!(
                "this override makes `{table}` with only what it gives, and that table needs `{field}` too: give the \
                 whole table in one override, --set '{table}={{ ... }}' with every field, or write it in the file; {help}"
            );
        }
        problem_from(&self.labels[who], p.message, help)
    }
}

/// Whether a value is a table of plain values (`Some(true)`) or a plain value (`Some(false)`);
/// `None` for a list, or a table holding tables or lists.
fn flat(value: &str) -> Option<bool> {
    let v = value.trim();
    match v.strip_prefix('{') {
        Some(inner) => (!inner.contains(['{', '['])).then_some(true),
        None => (!v.starts_with('[')).then_some(false),
    }
}

/// serde says "unknown field `speedkmh`, expected one of `id`, `name`, ..." (or "unknown
/// variant"); the closest expected name is the likely intent.
pub(crate) fn suggest_from_serde(message: &str) -> Option<String> {
    if !(message.starts_with("unknown field") || message.starts_with("unknown variant")) {
        return None;
    }
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let (word, expected) = quoted.split_first()?;
    closest(word, expected.iter().copied()).map(str::to_string)
}

/// `zone.kidal_camp.access.escort_required` when the entry has `escort_required` itself: serde
/// rejects `access`, and the key without it is what was meant.
fn skip_unknown_table(key: &str, message: &str) -> Option<String> {
    if !message.starts_with("unknown field") {
        return None;
    }
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let (unknown, expected) = quoted.split_first()?;
    let parts: Vec<&str> = key.split('.').map(str::trim).collect();
    let at = parts.iter().position(|p| p == unknown)?;
    let last = parts.last()?;
    (at + 1 < parts.len() && expected.contains(last))
        .then(|| parts.iter().enumerate().filter(|&(i, _)| i != at).map(|(_, p)| *p).collect::<Vec<_>>().join("."))
}

/// The candidate closest to `word` by edit distance, if close enough to be a typing slip.
pub(crate) fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Edit distance is quadratic: a pasted paragraph is no typing slip.
    const LONGEST: usize = 64;
    let n = word.chars().count();
    if n > LONGEST {
        return None;
    }
    candidates
        .into_iter()
        .filter(|c| c.chars().count() <= LONGEST && *c != word)
        .map(|c| (strsim::osa_distance(word, c), c))
        .filter(|&(d, c)| d <= (n.max(c.chars().count()) / 3).max(1))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates).map_or(String::new(), |c| format!("did you mean `{c}`? "))
}

/// The fix for a bare word given as a value, by what the word most likely meant: a yes or no
/// is a true or false, a distribution's name is a table with its parameters, anything else is
/// text whose quotes were left out (or eaten by the shell). The override is written out with
/// the user's own key.
fn bare_word_help(key: &str, word: &str) -> String {
    let key = shorten(key);
    let lower = word.to_lowercase();
    if ["yes", "no", "y", "n", "on", "off", "true", "false"].contains(&lower.as_str()) {
        let truth = ["yes", "y", "on", "true"].contains(&lower.as_str());
        return format!("a yes or no is written true or false, in lower case: --set {key}={truth}");
    }
    if ["fixed", "uniform", "triangular", "pert", "exponential", "lognormal", "table"].contains(&lower.as_str()) {
        return format!(
            "a distribution is a table of its parameters, wrapped in single quotes for the shell, for example \
             --set '{key}={{ lognormal = {{ mean = 60, cv = 1.0 }} }}'; `casevac guide` gives each \
             distribution's parameters"
        );
    }
    format!(
        "a number is written in digits (3, 0.95); where the field takes text, quote it and wrap the override in \
         single quotes for the shell: --set '{key}=\"{}\"'",
        shorten(word)
    )
}

/// Cuts a long text for a message, at a character boundary.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(ECHO_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Where in the document a key path continues.
#[derive(Clone, Copy)]
enum Node<'a> {
    /// A table written with key/value lines. `anchor` is the table with a header whose lines
    /// hold this one (itself, or its parent when this is a dotted-key table such as
    /// `centre.lat = 1`), and `depth` how many keys of the path lie between them.
    Lines { table: &'a Table, anchor: Option<&'a Table>, depth: usize },
    /// An inline table `{ ... }`.
    Inline(&'a InlineTable),
}

/// Finds the splice for one override in the current document.
fn plan(doc: &Document<String>, text: &str, o: &Override) -> Result<Splice, Why> {
    let (key, value) = (o.key.trim(), o.value.trim());
    if key.is_empty() {
        return Err(("the key is empty".into(), FORM_HELP.into()));
    }
    if value.is_empty() {
        return Err(("the value is empty".into(), VALUE_HELP.into()));
    }
    match value.parse::<Value>() {
        // A bare word is text whose quotes were left out (or eaten by the shell): show the
        // override as it should be typed, with the user's own key.
        Err(_) if value.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') => {
            return Err((
                format!("`{}` is not a value: text must be in double quotes, and a number in digits", shorten(value)),
                bare_word_help(key, value),
            ));
        }
        Err(e) => {
            return Err((
                format!("`{}` is not a TOML value: {}", shorten(value), e.message().trim()),
                VALUE_HELP.into(),
            ));
        }
        // TOML reads an unquoted 05:30 as a time, which serde would call "a map"; no field of
        // the format takes a TOML date or time (times of day are text), and a shell that ate
        // the quotes is the usual cause.
        Ok(Value::Datetime(_)) => {
            return Err((
                format!("`{}` is a TOML date or time, which no scenario field takes", shorten(value)),
                format!(
                    "dates and times of day are text in double quotes; in a shell, wrap the override in single \
                     quotes so the shell keeps them: --set '{}=\"{}\"'",
                    shorten(key),
                    shorten(value)
                ),
            ));
        }
        Ok(_) => {}
    }
    let path = key_path(key).map_err(|e| (format!("`{}` is not a dotted key: {e}", shorten(key)), KEY_HELP.into()))?;
    let Some(section) = path.first() else {
        return Err(("the key is empty".into(), FORM_HELP.into()));
    };
    if !SECTIONS.contains(&section.as_str()) {
        return Err((
            format!("unknown section `{}`", shorten(section)),
            format!("{}the sections are {}", did_you_mean(section, SECTIONS), SECTIONS.join(", ")),
        ));
    }
    let root = doc.as_table();
    // The single tables: [scenario], and [onward] and [outcomes] where the file has them.
    let (node, rest) = if ["scenario", "onward", "outcomes"].contains(&section.as_str()) {
        if path.len() < 2 {
            return Err((
                format!("`{section}` is a table, not a value"),
                format!(
                    "name one of its fields: {section}.FIELD=VALUE, for example {}",
                    match section.as_str() {
                        "scenario" => "scenario.period_days=60",
                        "onward" => "onward.enabled=true",
                        _ => "outcomes.enabled=false",
                    }
                ),
            ));
        }
        let table = root.get(section).and_then(Item::as_table);
        // Every field of the deaths model has a default, so a file without [outcomes] runs it
        // as published: the override starts the table, at the end of the file.
        if table.is_none() && section == "outcomes" {
            let line = format!("{} = {}", dotted(&path[1..]), value.trim());
            return Ok(Splice { at: text.len(), removed: 0, insert: format!("\n[outcomes]\n{line}\n") });
        }
        let Some(table) = table else {
            let help = if section == "onward" {
                "add an [onward] table to the file (the format guide's \"[onward]\" section shows one); onward \
                 evacuation also needs a facility with level = \"level3\""
                    .to_string()
            } else {
                format!("add [{section}] to the file")
            };
            return Err((format!("the file has no [{section}] table to change"), help));
        };
        (Node::Lines { table, anchor: header_of(table), depth: 0 }, &path[1..])
    } else {
        if path.len() < 3 {
            let example = match section.as_str() {
                "site" => "site.base.lat=16.3",
                "facility" => "facility.role2.operating_tables=2",
                "zone" => "zone.kidal_camp.first_aider_share=0.95",
                _ => "asset.gao_mi8.count=3",
            };
            return Err((
                format!(
                    "`{}` names {}, not a value",
                    shorten(key),
                    if path.len() == 1 { "a section" } else { "an entry" }
                ),
                format!("write {section}.ID.FIELD=VALUE, for example {example}"),
            ));
        }
        let id = &path[1];
        let entries = entries(root, section);
        let Some(&(_, node)) = entries.iter().find(|(eid, _)| *eid == Some(id.as_str())) else {
            let ids: Vec<&str> = entries.iter().filter_map(|(eid, _)| *eid).collect();
            let help = if ids.is_empty() {
                format!("the file has no [[{section}]] entry with an id")
            } else {
                format!("{}{section} ids: {}", did_you_mean(id, ids.iter().copied()), ids.join(", "))
            };
            return Err((format!("no {section} has id `{}`", shorten(id)), help));
        };
        (node, &path[2..])
    };
    walk(node, rest, &path[..path.len() - rest.len()], value, text)
}

/// A table with a header can take new lines; an implicit one (only named by a deeper header,
/// as `[zone.severity.x]` names `severity`) has nowhere to put them.
fn header_of(table: &Table) -> Option<&Table> {
    (!table.is_implicit() && !table.is_dotted()).then_some(table)
}

/// The entries of an array of tables, with their ids.
fn entries<'a>(root: &'a Table, section: &str) -> Vec<(Option<&'a str>, Node<'a>)> {
    match root.get(section) {
        Some(Item::ArrayOfTables(a)) => a
            .iter()
            .map(|t| (t.get("id").and_then(Item::as_str), Node::Lines { table: t, anchor: header_of(t), depth: 0 }))
            .collect(),
        // `asset = [{ id = "a", ... }]` is valid TOML for the same thing.
        Some(Item::Value(Value::Array(a))) => a
            .iter()
            .filter_map(Value::as_inline_table)
            .map(|t| (t.get("id").and_then(Value::as_str), Node::Inline(t)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Follows `path` from `node`; `done` is the part of the key already followed, for messages.
fn walk(node: Node<'_>, path: &[String], done: &[String], value: &str, text: &str) -> Result<Splice, Why> {
    let Some((name, rest)) = path.split_first() else {
        return Err(("the key names a table, not a value".into(), KEY_HELP.into()));
    };
    let here: Vec<String> = done.iter().chain([name]).cloned().collect();
    let shown = here.iter().map(|k| key_text(k)).collect::<Vec<_>>().join(".");
    match node {
        Node::Lines { table, anchor, depth } => match table.get(name) {
            Some(Item::Value(v)) => on_value(v, rest, &here, &shown, value, text),
            Some(Item::Table(t)) if !rest.is_empty() => {
                let next = if t.is_dotted() {
                    Node::Lines { table: t, anchor, depth: depth + 1 }
                } else {
                    Node::Lines { table: t, anchor: header_of(t), depth: 0 }
                };
                walk(next, rest, &here, value, text)
            }
            Some(Item::Table(t)) => {
                let field = t.iter().next().map_or("FIELD", |(k, _)| k);
                Err((
                    format!("`{shown}` is a table, not a value"),
                    format!("set one field at a time, for example {shown}.{}=VALUE", key_text(field)),
                ))
            }
            Some(Item::ArrayOfTables(_)) => {
                Err((format!("`{shown}` is a list of tables, not a value"), "give a key to one value in it".into()))
            }
            Some(Item::None) | None => {
                let Some(anchor) = anchor else {
                    return Err((
                        format!("cannot add `{shown}`: the table that would hold it has no [header] in the file"),
                        "add the key to the file".into(),
                    ));
                };
                // From the anchor's lines, the new key is the dotted tables walked through plus
                // the rest of the path: `centre.lat = 1` or `daylight.sunrise = "05:30"`.
                let keys = &here[here.len() - 1 - depth..];
                let line = format!("{} = {value}", dotted(keys.iter().chain(rest)));
                add_line(anchor, &line, text)
            }
        },
        Node::Inline(t) => match t.get(name) {
            Some(v) => on_value(v, rest, &here, &shown, value, text),
            None => add_to_inline(t, &format!("{} = {value}", dotted([name].into_iter().chain(rest))), text),
        },
    }
}

/// The path reached a value: replace it, or go into it if it is an inline table.
fn on_value(v: &Value, rest: &[String], here: &[String], shown: &str, value: &str, text: &str) -> Result<Splice, Why> {
    if rest.is_empty() {
        let Some(span) = v.span() else {
            return Err((format!("cannot find `{shown}` in the file"), "change it in the file".into()));
        };
        return Ok(Splice { at: span.start, removed: span.len(), insert: value.to_string() });
    }
    match v {
        Value::InlineTable(t) => walk(Node::Inline(t), rest, here, value, text),
        _ => Err((
            format!("`{shown}` is {}, not a table, so it has no field `{}`", a_type(v), key_text(&rest[0])),
            format!("set {shown} itself, or check the key in `casevac guide`"),
        )),
    }
}

fn a_type(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "a whole number",
        Value::Float(_) => "a number",
        Value::Boolean(_) => "true or false",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "a list",
        Value::InlineTable(_) => "a table",
    }
}

/// A new `key = value` line at the end of a table's own lines: after its last value (values of
/// its dotted-key tables included), or after its header when it has none.
fn add_line(table: &Table, line: &str, text: &str) -> Result<Splice, Why> {
    let Some(end) = body_end(table) else {
        return Err(("cannot find the table in the file".into(), "add the key to the file".into()));
    };
    let end = end.min(text.len());
    // After the end of that line, so a trailing comment stays a comment of its own line.
    Ok(match text[end..].find('\n') {
        Some(i) => Splice { at: end + i + 1, removed: 0, insert: format!("{line}\n") },
        None => Splice { at: text.len(), removed: 0, insert: format!("\n{line}") },
    })
}

fn body_end(table: &Table) -> Option<usize> {
    let mut end = table.span().map(|s: Range<usize>| s.end);
    for (_, item) in table.iter() {
        let e = match item {
            Item::Value(v) => v.span().map(|s| s.end),
            Item::Table(t) if t.is_dotted() => body_end(t),
            // Sub-tables with their own header come later in the file, after other lines.
            _ => None,
        };
        end = end.max(e);
    }
    end
}

/// A new `key = value` as the first entry of an inline table.
fn add_to_inline(table: &InlineTable, kv: &str, text: &str) -> Result<Splice, Why> {
    match table.span() {
        Some(span) if text.as_bytes().get(span.start) == Some(&b'{') => {
            let insert = if table.iter().next().is_none() { format!(" {kv} ") } else { format!(" {kv},") };
            Ok(Splice { at: span.start + 1, removed: 0, insert })
        }
        _ => Err(("cannot find the inline table in the file".into(), "add the key to the file".into())),
    }
}

/// The path a dotted key names, each part unquoted: `asset."x".count` is `asset.x.count`.
pub fn key_path(key: &str) -> Result<Vec<String>, String> {
    Key::parse(key)
        .map(|keys| keys.iter().map(|k| k.get().to_string()).collect())
        .map_err(|e| e.message().trim().into())
}

/// The value the file gives at `key` (an entry of a list named by its id, as an override names
/// it); none where the file leaves it to its default or the key names nothing.
pub fn value_at(text: &str, key: &str) -> Option<toml::Value> {
    let path = key_path(key).ok()?;
    let root: toml::Table = toml::from_str(text).ok()?;
    let (section, mut rest) = path.split_first()?;
    let mut v = root.get(section)?;
    if let toml::Value::Array(entries) = v {
        let (id, more) = rest.split_first()?;
        v = entries.iter().find(|e| e.get("id").and_then(toml::Value::as_str) == Some(id.as_str()))?;
        rest = more;
    }
    for k in rest {
        v = v.get(k.as_str())?;
    }
    Some(v.clone())
}

fn dotted<'a>(keys: impl IntoIterator<Item = &'a String>) -> String {
    keys.into_iter().map(|k| key_text(k)).collect::<Vec<_>>().join(".")
}

/// A key as TOML writes it: bare when it can be, quoted otherwise.
pub(crate) fn key_text(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return k.to_string();
    }
    let mut s = String::from("\"");
    for c in k.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            c if c.is_control() => s.push_str(&format!("\\u{:04X}", c as u32)),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(s: &str) -> Override {
        match Override::parse(s) {
            Ok(o) => o,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn parse_splits_at_the_first_equals_and_trims() {
        let x = o(" asset.a.launch_day_min = { fixed = 5 } ");
        assert_eq!(x.key, "asset.a.launch_day_min");
        assert_eq!(x.value, "{ fixed = 5 }");
        assert_eq!(x.to_string(), "asset.a.launch_day_min={ fixed = 5 }");
        for bad in ["count", "=3", "a.b=", "  =  "] {
            let e = Override::parse(bad).expect_err(bad);
            assert!(e.contains("KEY=VALUE") && e.contains("asset.gao_mi8.count=3"), "{e}");
        }
    }

    const TEXT: &str = "[scenario]\nname = \"x\" # a comment\n\n[[asset]]\nid = \"a\"\ncount = 1 # units\n\
        launch = { fixed = 5 }\nempty = {}\ncentre.lat = 3\n\n[asset.sub]\nx = 1\n";

    fn applied(sets: &[&str]) -> Applied {
        let sets: Vec<Override> = sets.iter().map(|s| o(s)).collect();
        apply(TEXT, &sets)
    }

    #[test]
    fn splices_replace_values_and_add_keys_where_toml_allows() {
        let a = applied(&[
            "asset.a.count=3",
            "asset.a.centre.lon=4",
            "asset.a.speed=200",
            "asset.a.launch.fixed=7",
            "asset.a.empty.x=1",
            "scenario.daylight.sunrise=\"05:30\"",
            "asset.a.sub.y=2",
        ]);
        assert!(a.problems.is_empty(), "{:?}", a.problems);
        let t = &a.text;
        assert!(t.contains("count = 3 # units\n"), "{t}");
        assert!(t.contains("launch = { fixed = 7 }"), "{t}");
        assert!(t.contains("empty = { x = 1 }"), "{t}");
        // New lines go after the entry's last line, in the order given, before its sub-table.
        assert!(t.contains("centre.lat = 3\ncentre.lon = 4\nspeed = 200\n\n[asset.sub]"), "{t}");
        assert!(t.contains("# a comment\ndaylight.sunrise = \"05:30\"\n"), "{t}");
        assert!(t.contains("[asset.sub]\nx = 1\ny = 2"), "{t}");
        let d = Document::parse(t.clone()).expect("valid TOML");
        assert!(d.as_table().get("asset").is_some());
    }

    #[test]
    fn a_later_override_of_the_same_key_wins() {
        let a = applied(&["asset.a.count=3", "asset.a.count=5", "asset.a.new=1", "asset.a.new=2"]);
        assert!(a.problems.is_empty(), "{:?}", a.problems);
        assert!(a.text.contains("count = 5 # units"), "{}", a.text);
        assert!(a.text.contains("new = 2") && !a.text.contains("new = 1"), "{}", a.text);
    }

    #[test]
    fn spans_map_back_to_the_file_or_to_the_override() {
        let a = applied(&["asset.a.stretchers=2", "asset.a.count=12"]);
        let at = |needle: &str| a.text.find(needle).expect(needle);
        let p = |span: Range<usize>| Problem { span: Some(span), message: "m".into(), help: "h".into(), source: None };
        // The inserted line belongs to the first override, the replaced value to the second.
        let s = at("stretchers");
        assert_eq!(a.map_back(p(s..s + 3)).source.as_deref(), Some("--set asset.a.stretchers=2"));
        let c = at("12");
        assert_eq!(a.map_back(p(c..c + 2)).source.as_deref(), Some("--set asset.a.count=12"));
        // A value after both splices points at the same bytes of the original text.
        let x = at("x = 1");
        let back = a.map_back(p(x..x + 5));
        assert_eq!(back.source, None);
        assert_eq!(&TEXT[back.span.expect("span")], "x = 1");
        // A span around a spliced value stays in the file and says what changed it.
        let e = at("[[asset]]");
        let around = a.map_back(p(e..x));
        assert_eq!(around.span.map(|s| s.start), TEXT.find("[[asset]]"));
        assert!(around.help.contains("--set asset.a.count=12"), "{}", around.help);
    }

    #[test]
    fn closest_suggests_slips_only() {
        assert_eq!(closest("speedkmh", ["speed_kmh", "stretchers"]), Some("speed_kmh"));
        assert_eq!(closest("gao_mi9", ["gao_mi8", "bamako"]), Some("gao_mi8"));
        assert_eq!(closest("zzz", ["count", "kind"]), None);
        assert_eq!(
            suggest_from_serde("unknown field `cuont`, expected one of `id`, `count`").as_deref(),
            Some("count")
        );
    }
}
