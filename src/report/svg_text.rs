//! An SVG chart's text turned into outlines of the embedded font, so the SVG looks like the PNG
//! on any machine, whatever fonts it has (plotters writes `<text font-family="sans-serif">`,
//! which each viewer fills with a font of its own and its own widths).
//!
//! Each `<text>` element becomes one `<path>` drawn from DejaVu Sans's glyph outlines, placed as
//! the bitmap backend places the same text (plotters' `ab_glyph` font: the pixel size is the SVG
//! font-size times 1.24, the baseline half a pixel size under the top of the layout box), and
//! keeps its words in `aria-label`, so screen readers and searches still find them.

use ab_glyph::{Font, FontRef, OutlineCurve, ScaleFont};
use std::fmt::Write;

/// The attribute `name` of a tag's attribute text (`x="1" y="2" ...`).
fn attribute<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let start = attrs.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = attrs[start..].find('"')?;
    Some(&attrs[start..start + len])
}

/// Text as written in the SVG, with XML's escapes undone, so glyphs are looked up by character.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// The outline of `text` as path data, with the layout box's anchor at (`x`, `y`).
/// `h_pos` is the SVG's text-anchor and `v_pos` its dy, both as plotters writes them.
fn outline(font: &FontRef, text: &str, px: f32, (x, y): (f32, f32), h_pos: &str, v_pos: &str) -> String {
    let scaled = font.as_scaled(px);
    let ids: Vec<_> = text.chars().map(|c| font.glyph_id(c)).collect();
    let kern = |i: usize| if i == 0 { 0.0 } else { scaled.kern(ids[i - 1], ids[i]) };
    let width: f32 = ids.iter().enumerate().map(|(i, &g)| kern(i) + scaled.h_advance(g)).sum();
    let dx = match h_pos {
        "middle" => -width / 2.0,
        "end" => -width,
        _ => 0.0,
    };
    // The layout box is one em (px / 1.24) high, as plotters lays out this font.
    let em = (px / 1.24).trunc();
    let dy = match v_pos {
        "0.5ex" => -(em / 2.0).trunc(),
        "-0.5ex" => -em,
        _ => 0.0,
    };
    let baseline = y + dy + px / 2.0;
    let (sx, sy) = (scaled.h_scale_factor(), scaled.v_scale_factor());
    let mut d = String::new();
    let mut pen = x + dx;
    for (i, &id) in ids.iter().enumerate() {
        pen += kern(i);
        if let Some(o) = font.outline(id) {
            let at = |p: ab_glyph::Point| (pen + p.x * sx, baseline - p.y * sy);
            let mut last = None;
            for curve in &o.curves {
                let (start, rest): (_, Vec<_>) = match *curve {
                    OutlineCurve::Line(a, b) => (a, vec![('L', vec![b])]),
                    OutlineCurve::Quad(a, c, b) => (a, vec![('Q', vec![c, b])]),
                    OutlineCurve::Cubic(a, c1, c2, b) => (a, vec![('C', vec![c1, c2, b])]),
                };
                // A new contour starts wherever a curve does not continue the last one.
                if last != Some(start) {
                    let (px0, py0) = at(start);
                    let _ = write!(d, "M{px0:.1} {py0:.1}");
                }
                for (cmd, points) in rest {
                    d.push(cmd);
                    for (k, p) in points.iter().enumerate() {
                        let (qx, qy) = at(*p);
                        let _ = write!(d, "{}{qx:.1} {qy:.1}", if k == 0 { "" } else { " " });
                    }
                    last = points.last().copied();
                }
            }
        }
        pen += scaled.h_advance(id);
    }
    d
}

/// The content and anchor of the first `<text>` element in `svg`, if it comes before any other
/// element.
fn next_text(svg: &str) -> Option<(&str, f32, f32)> {
    let tag = svg.trim_start().strip_prefix("<text")?;
    let open_end = tag.find('>')?;
    let close = tag.find("</text>")?;
    let attrs = &tag[..open_end];
    let num = |name: &str| attribute(attrs, name).and_then(|v| v.parse().ok());
    Some((tag[open_end + 1..close].trim(), num("x")?, num("y")?))
}

/// `svg` with every `<text>` element replaced by the outline of its text in `font_bytes`.
pub fn text_to_paths(svg: &str, font_bytes: &[u8]) -> Result<String, String> {
    let font = FontRef::try_from_slice(font_bytes).map_err(|e| format!("the embedded font is invalid: {e}"))?;
    let mut out = String::with_capacity(svg.len() * 4);
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        out.push_str(&rest[..start]);
        let tag = &rest[start..];
        let open_end = tag.find('>').ok_or("an unclosed <text> tag")?;
        let close = tag.find("</text>").ok_or("a <text> without </text>")?;
        let attrs = &tag[5..open_end];
        let content = tag[open_end + 1..close].trim();
        let num = |name: &str| -> Result<f32, String> {
            attribute(attrs, name)
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("a <text> without a numeric {name}"))
        };
        let px = num("font-size")? * 1.24;
        let (x, y) = (num("x")?, num("y")?);
        let h_pos = attribute(attrs, "text-anchor").unwrap_or("start");
        let v_pos = attribute(attrs, "dy").unwrap_or("0.76em");
        let d = outline(&font, &unescape(content), px, (x, y), h_pos, v_pos);
        let _ = write!(
            out,
            "<path d=\"{d}\" fill=\"{}\" opacity=\"{}\"",
            attribute(attrs, "fill").unwrap_or("#000000"),
            attribute(attrs, "opacity").unwrap_or("1")
        );
        if let Some(t) = attribute(attrs, "transform") {
            let _ = write!(out, " transform=\"{t}\"");
        }
        rest = &tag[close + "</text>".len()..];
        // A label drawn on a halo is its text several times over, the copies first, each a pixel
        // off the label (so two copies up to two apart): only the last is read out, so a screen
        // reader says it once. The same words elsewhere (a row of "n/a" bars) are read each time.
        let near = |nx: f32, ny: f32| (nx - x).abs() <= 2.0 && (ny - y).abs() <= 2.0;
        if next_text(rest).is_some_and(|(next, nx, ny)| next == content && near(nx, ny)) {
            out.push_str(" aria-hidden=\"true\"/>");
        } else {
            // The content is already escaped for XML, so it goes into the attribute as it is.
            let _ = write!(out, " role=\"img\" aria-label=\"{content}\"/>");
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

    /// The bounding box (x0, y0, x1, y1) of every point in a path's data.
    fn bbox(d: &str) -> (f32, f32, f32, f32) {
        let nums: Vec<f32> = d
            .split(|c: char| c.is_ascii_alphabetic() || c == ' ')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        let (xs, ys): (Vec<f32>, Vec<f32>) = nums.chunks(2).map(|p| (p[0], p[1])).unzip();
        let min = |v: &[f32]| v.iter().copied().fold(f32::INFINITY, f32::min);
        let max = |v: &[f32]| v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        (min(&xs), min(&ys), max(&xs), max(&ys))
    }

    fn path_of(text: &str, anchor: &str, dy: &str) -> String {
        let svg = format!(
            "<svg><text x=\"200\" y=\"100\" dy=\"{dy}\" text-anchor=\"{anchor}\" font-family=\"sans-serif\" \
             font-size=\"16.129\" opacity=\"1\" fill=\"#123456\">\n{text}\n</text></svg>"
        );
        text_to_paths(&svg, FONT).unwrap()
    }

    #[test]
    fn text_becomes_a_labelled_path_placed_by_its_anchor() {
        let out = path_of("H&amp;H", "start", "0.76em");
        assert!(!out.contains("<text"), "{out}");
        assert!(out.contains("fill=\"#123456\"") && out.contains("aria-label=\"H&amp;H\""), "{out}");
        // DejaVu Sans: ascender 1901 and descender -483 font units, so a 20-pixel size (ascent
        // to descent, as ab_glyph and the bitmap backend scale) is 20/2384 pixel a unit; the
        // capital H spans x 201 to 1339 and y 0 to 1493. With the top anchor the baseline is
        // half the pixel size, 10 pixels, below y.
        let h = path_of("H", "start", "0.76em");
        let (x0, y0, x1, y1) = bbox(h.split("d=\"").nth(1).unwrap().split('"').next().unwrap());
        let unit = 20.0 / 2384.0;
        assert!((x0 - (200.0 + 201.0 * unit)).abs() < 0.1, "left edge {x0}");
        assert!((x1 - (200.0 + 1339.0 * unit)).abs() < 0.1, "right edge {x1}");
        assert!((y1 - 110.0).abs() < 0.1, "baseline {y1}");
        assert!((y1 - y0 - 1493.0 * unit).abs() < 0.1, "cap height {}", y1 - y0);
        // Centred vertically, the box of one em (20 / 1.24, whole pixels: 16) moves up by 8.
        let centre = bbox(path_of("H", "start", "0.5ex").split("d=\"").nth(1).unwrap().split('"').next().unwrap());
        assert!((centre.3 - 102.0).abs() < 0.1, "baseline {}", centre.3);
        // The same text ends at x when anchored at its end, and is centred on x in the middle.
        let end = bbox(path_of("H", "end", "0.76em").split("d=\"").nth(1).unwrap().split('"').next().unwrap());
        assert!(end.2 < 200.0 && end.2 > 197.0, "right edge {}", end.2);
        let mid = bbox(path_of("H", "middle", "0.76em").split("d=\"").nth(1).unwrap().split('"').next().unwrap());
        assert!(((mid.0 + mid.2) / 2.0 - 200.0).abs() < 0.3, "centre {}", (mid.0 + mid.2) / 2.0);
    }

    /// A label on a halo (its copies drawn first, each a pixel off it, then the label) is read out
    /// once; the same words after another element, or elsewhere, are read again.
    #[test]
    fn a_haloed_label_is_read_out_once() {
        let text = |t: &str, x: i32, fill: &str| {
            format!("<text x=\"{x}\" y=\"2\" font-size=\"12\" fill=\"{fill}\">\n{t}\n</text>\n")
        };
        let svg = format!(
            "<svg>{}{}{}<circle/>{}{}{}</svg>",
            text("Gao", 11, "#FFFFFF"),
            text("Gao", 9, "#FFFFFF"),
            text("Gao", 10, "#000000"),
            text("Gao", 10, "#000000"),
            text("n/a", 50, "#000000"),
            text("n/a", 80, "#000000")
        );
        let out = text_to_paths(&svg, FONT).unwrap();
        assert_eq!(out.matches("<path").count(), 6, "{out}");
        assert_eq!(out.matches("aria-hidden=\"true\"").count(), 2, "{out}");
        assert_eq!(out.matches("aria-label=\"Gao\"").count(), 2, "{out}");
        assert_eq!(out.matches("aria-label=\"n/a\"").count(), 2, "{out}");
    }
}
