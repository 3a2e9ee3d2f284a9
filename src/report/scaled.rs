//! Charts drawn larger for slides and print: a drawing backend that multiplies every length.

use plotters::prelude::*;
use plotters::style::{FontDesc, FontFamily};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};

/// A backend that draws on `inner` `k` times larger: charts lay out in their own pixels, and
/// every coordinate, line width, radius and font size is multiplied on the way down.
pub(super) struct Scaled<B> {
    inner: B,
    k: i32,
    /// The registered font family the charts draw with.
    family: &'static str,
}

/// A line style `k` times wider.
struct Wider<'a, S>(&'a S, u32);

impl<S: BackendStyle> BackendStyle for Wider<'_, S> {
    fn color(&self) -> BackendColor {
        self.0.color()
    }
    fn stroke_width(&self) -> u32 {
        self.0.stroke_width() * self.1
    }
}

impl<B: DrawingBackend> Scaled<B> {
    pub(super) fn new(inner: B, k: u32, family: &'static str) -> Scaled<B> {
        Scaled { inner, k: k.max(1) as i32, family }
    }

    fn at(&self, (x, y): BackendCoord) -> BackendCoord {
        (x * self.k, y * self.k)
    }

    /// The text style at `k` times the size, in the charts' font.
    fn text<S: BackendTextStyle>(&self, style: &S) -> TextStyle<'static> {
        let font = FontDesc::new(FontFamily::Name(self.family), style.size() * self.k as f64, style.style());
        TextStyle { font: font.transform(style.transform()), color: style.color(), pos: style.anchor() }
    }
}

impl<B: DrawingBackend> DrawingBackend for Scaled<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        let (w, h) = self.inner.get_size();
        (w / self.k as u32, h / self.k as u32)
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.present()
    }
    fn draw_pixel(&mut self, p: BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        let (x, y) = self.at(p);
        self.inner.draw_rect((x, y), (x + self.k - 1, y + self.k - 1), &color, true)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        let (a, b) = (self.at(from), self.at(to));
        self.inner.draw_line(a, b, &Wider(style, self.k as u32))
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        ul: BackendCoord,
        br: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        // A filled rectangle covers its corner pixels whole, so neighbours still meet.
        let (a, (bx, by)) = (self.at(ul), self.at(br));
        let b = if fill { (bx + self.k - 1, by + self.k - 1) } else { (bx, by) };
        self.inner.draw_rect(a, b, &Wider(style, self.k as u32), fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        let k = self.k;
        self.inner.draw_path(path.into_iter().map(|(x, y)| (x * k, y * k)), &Wider(style, k as u32))
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        centre: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        let c = self.at(centre);
        self.inner.draw_circle(c, radius * self.k as u32, &Wider(style, self.k as u32), fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        let k = self.k;
        self.inner.fill_polygon(vertices.into_iter().map(|(x, y)| (x * k, y * k)), style)
    }
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        let (t, p) = (self.text(style), self.at(pos));
        self.inner.draw_text(text, &t, p)
    }
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<B::ErrorType>> {
        let (w, h) = self.inner.estimate_text_size(text, &self.text(style))?;
        let k = self.k as u32;
        Ok((w.div_ceil(k), h.div_ceil(k)))
    }
}
