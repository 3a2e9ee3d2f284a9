//! Problems found in a scenario file, rendered with file, line, column and a caret.

use std::fmt;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Byte range in the file, where known.
    pub span: Option<Range<usize>>,
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// Where the problem comes from when that is not the file: a `--set KEY=VALUE` override,
    /// written as the planner typed it. Such a problem has no span into the file.
    pub source: Option<String>,
}

/// Every problem found in one scenario file.
#[derive(Debug, Clone)]
pub struct ScenarioError {
    pub path: String,
    pub text: String,
    pub problems: Vec<Problem>,
}

impl std::error::Error for ScenarioError {}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Problems shown in full; past these, a count. Bounded input can still hold thousands of
/// problems, and the first ones are what a planner fixes first.
const MAX_SHOWN: usize = 50;
/// Characters of a source line or message shown; a longer one is cut around the problem.
const MAX_LINE: usize = 160;

/// At most `max` characters of `s`, with "…" where it was cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_string() } else { format!("{}…", s.chars().take(max).collect::<String>()) }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problems_text())?;
        let n = self.problems.len();
        write!(f, "{n} problem{} in {}", if n == 1 { "" } else { "s" }, self.path)
    }
}

impl ScenarioError {
    /// The problems, each with where it is and how to fix it, without the closing count: what
    /// a caller reporting several errors of one file shows before its own total.
    pub fn problems_text(&self) -> String {
        let mut text = String::new();
        let _ = self.write_problems(&mut text);
        text
    }

    fn write_problems(&self, f: &mut impl fmt::Write) -> fmt::Result {
        // The file's problems in the order of its lines, as a planner fixes them top to bottom
        // (they are found section by section); then those of overrides and of no one place, in
        // the order found.
        let mut shown: Vec<&Problem> = self.problems.iter().collect();
        shown.sort_by_key(|p| match (&p.source, &p.span) {
            (None, Some(span)) => (false, span.start),
            _ => (true, 0),
        });
        for (i, p) in shown.into_iter().take(MAX_SHOWN).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match (&p.source, &p.span) {
                (Some(source), _) => {
                    writeln!(f, "error: {}: {}", cut(source, MAX_LINE), cut(&p.message, MAX_LINE * 2))?
                }
                (None, Some(span)) => {
                    let (line, col) = line_col(&self.text, span.start);
                    writeln!(f, "error: {}:{line}:{col}: {}", self.path, cut(&p.message, MAX_LINE * 2))?;
                    let full = self.text.lines().nth(line - 1).unwrap_or("");
                    // A long line is shown from a little before the problem, cut to fit.
                    let skip = if full.chars().count() > MAX_LINE { col.saturating_sub(40) } else { 0 };
                    let rest: String = full.chars().skip(skip).collect();
                    let src = if skip > 0 { format!("…{}", cut(&rest, MAX_LINE)) } else { cut(&rest, MAX_LINE) };
                    let col = if skip > 0 { col - skip + 1 } else { col };
                    // (A span off the text's characters, which no reading gives, marks one.)
                    let width = self
                        .text
                        .get(span.clone())
                        .unwrap_or("")
                        .lines()
                        .next()
                        .map_or(1, |s| s.chars().count().max(1))
                        .min(src.chars().count().saturating_sub(col - 1).max(1));
                    let gutter = " ".repeat(line.to_string().len());
                    writeln!(f, "{gutter} |")?;
                    writeln!(f, "{line} | {src}")?;
                    writeln!(f, "{gutter} | {}{}", " ".repeat(col - 1), "^".repeat(width))?;
                }
                (None, None) => writeln!(f, "error: {}: {}", self.path, cut(&p.message, MAX_LINE * 2))?,
            }
            if !p.help.is_empty() {
                writeln!(f, "  help: {}", cut(&p.help, MAX_LINE * 2))?;
            }
        }
        let n = self.problems.len();
        if n > MAX_SHOWN {
            writeln!(f, "\n… and {} more problems not shown", n - MAX_SHOWN)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_from_one() {
        let t = "a = 1\nbb = 2\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 6), (2, 1));
        assert_eq!(line_col(t, 11), (2, 6));
    }

    #[test]
    fn rendering_points_at_the_value() {
        let e = ScenarioError {
            path: "s.toml".into(),
            text: "x = 1\nspeed_kmh = -5\n".into(),
            problems: vec![Problem { span: Some(18..20), message: "bad".into(), help: "fix".into(), source: None }],
        };
        let s = e.to_string();
        assert!(s.contains("error: s.toml:2:13: bad"), "{s}");
        assert!(s.contains("2 | speed_kmh = -5\n  |             ^^"), "{s}");
        assert!(s.contains("help: fix"));
    }

    #[test]
    fn a_problem_from_an_override_names_it_and_shows_no_caret() {
        let e = ScenarioError {
            path: "s.toml".into(),
            text: "x = 1\n".into(),
            problems: vec![Problem {
                span: None,
                message: "count = 0 is out of range".into(),
                help: "give a whole number".into(),
                source: Some("--set asset.a.count=0".into()),
            }],
        };
        let s = e.to_string();
        assert!(s.starts_with("error: --set asset.a.count=0: count = 0 is out of range\n"), "{s}");
        assert!(!s.contains('^'), "{s}");
        assert!(s.ends_with("1 problem in s.toml"), "{s}");
    }

    #[test]
    fn the_files_problems_read_top_to_bottom_then_the_rest_as_found() {
        let problem = |span: Option<Range<usize>>, message: &str, source: Option<&str>| Problem {
            span,
            message: message.into(),
            help: String::new(),
            source: source.map(str::to_string),
        };
        let e = ScenarioError {
            path: "s.toml".into(),
            text: "a = 1\nb = 2\nc = 3\n".into(),
            problems: vec![
                problem(Some(12..13), "third line", None),
                problem(None, "override", Some("--set x=1")),
                problem(None, "no place", None),
                problem(Some(0..1), "first line", None),
            ],
        };
        let s = e.to_string();
        let at = |m: &str| s.find(m).unwrap_or_else(|| panic!("{m} in {s}"));
        assert!(at("first line") < at("third line"), "{s}");
        assert!(at("third line") < at("override") && at("override") < at("no place"), "{s}");
    }
}
