//! The HTML report in a real browser: headless Chromium loads the report of a bundled scenario,
//! and the page itself says whether every image decoded, whether anything reaches past a
//! 1280-pixel-wide window and whether a wider one draws every chart at its own size; then
//! Chromium prints the report to PDF.
//!
//! `cargo test` must pass on a machine without a browser, so without Chromium this test says it
//! was skipped; CI installs Chromium and sets CASEVAC_REQUIRE_BROWSER=1, and then a missing
//! browser is a failure, so the test cannot pass there without running.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Names Chromium goes by on Debian, Ubuntu and elsewhere.
const NAMES: [&str; 4] = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/// The browser to use: `CASEVAC_CHROMIUM` if set, else the first of [`NAMES`] on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CASEVAC_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).flat_map(|dir| NAMES.map(|n| dir.join(n))).find(|p| p.is_file())
}

/// Runs headless Chromium on `url` with `args`, in its own profile under `dir`, and returns its
/// exit status, standard output and error. The output goes to files, not pipes, so a page
/// larger than a pipe's buffer cannot stall the browser while this waits. A browser that hangs
/// is killed after two minutes (a safety net, not a measurement) so CI cannot stall.
fn headless(browser: &Path, dir: &Path, args: &[String], url: &str) -> Output {
    let (out_path, err_path) = (dir.join("stdout"), dir.join("stderr"));
    let file = |p: &Path| Stdio::from(std::fs::File::create(p).unwrap());
    let mut child = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars"])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .args(args)
        .arg(url)
        .stdout(file(&out_path))
        .stderr(file(&err_path))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("{} did not finish within two minutes on {url}", browser.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    Output { status, stdout: std::fs::read(out_path).unwrap(), stderr: std::fs::read(err_path).unwrap() }
}

/// Measures the page once it has loaded and writes the result into it as JSON, where
/// `--dump-dom` shows it: the images and those that did not decode, the page's width and scroll
/// width, every element whose box reaches past either side of the window, and the images drawn
/// narrower than their own width.
const CHECK: &str = r#"<script>
window.addEventListener('load', () => {
  const images = [...document.images];
  const broken = images.filter(i => !(i.complete && i.naturalWidth > 0 && i.naturalHeight > 0)).map(i => i.alt);
  const width = document.documentElement.clientWidth;
  const over = [...document.body.querySelectorAll('*')]
    .map(e => [e, e.getBoundingClientRect()])
    .filter(([, r]) => r.width > 0 && (r.right > width + 0.5 || r.left < -0.5))
    .map(([e, r]) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
  const shrunk = images.filter(i => i.clientWidth < i.naturalWidth).map(i => i.alt);
  const out = document.createElement('pre');
  out.id = 'casevac-check';
  out.textContent = JSON.stringify({images: images.length, broken, width,
    scroll_width: document.documentElement.scrollWidth, over: over.slice(0, 20), shrunk});
  document.body.appendChild(out);
});
</script></body>"#;

#[test]
fn the_report_loads_decodes_fits_its_window_and_prints_in_a_real_browser() {
    let Some(browser) = chromium() else {
        if std::env::var("CASEVAC_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!(
                "CASEVAC_REQUIRE_BROWSER=1 but no Chromium was found (looked for {} on the PATH, and \
                 CASEVAC_CHROMIUM): install it (Debian: apt-get install chromium) or point \
                 CASEVAC_CHROMIUM at it",
                NAMES.join(", ")
            );
        }
        eprintln!(
            "notice: browser test skipped: no Chromium found ({} on the PATH, or CASEVAC_CHROMIUM); \
             set CASEVAC_REQUIRE_BROWSER=1 to make this a failure",
            NAMES.join(", ")
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report");
    let run = Command::new(env!("CARGO_BIN_EXE_casevac"))
        .args(["run", "scenarios/sahel-north.toml", "-n", "200", "--map-grid", "30", "--map-probes", "20", "-q"])
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let html = std::fs::read_to_string(report.join("report.html")).unwrap();
    let figures = html.matches("<figure").count();
    assert!(figures >= 6, "the report has its charts ({figures})");

    // The page as a reader sees it in a window `width` pixels wide, measured by the page itself.
    let checked = report.join("checked.html");
    std::fs::write(&checked, html.replacen("</body>", CHECK, 1)).unwrap();
    let url = |p: &Path| format!("file://{}", p.display());
    let measured = |width: u32| {
        let args = [format!("--window-size={width},1000"), "--virtual-time-budget=20000".into(), "--dump-dom".into()];
        let out = headless(&browser, dir.path(), &args, &url(&checked));
        let dom = String::from_utf8_lossy(&out.stdout);
        let Some(json) = dom.split("<pre id=\"casevac-check\">").nth(1).and_then(|r| r.split("</pre>").next()) else {
            panic!(
                "the page did not report its check: exit {:?}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let json = json.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
        assert_eq!(v["width"], width, "the window is {width} pixels wide: {v}");
        assert_eq!(v["images"].as_u64(), Some(figures as u64), "every figure's image is an image: {v}");
        assert_eq!(v["broken"], serde_json::json!([]), "images that did not decode: {v}");
        assert_eq!(v["over"], serde_json::json!([]), "elements reaching past {width} pixels: {v}");
        assert_eq!(v["scroll_width"], width, "no sideways scrolling: {v}");
        v
    };
    // At 1280 pixels the three-panel maps (1,375 wide) are shrunk to fit; in a wider window every
    // chart is drawn at its own width, past the 1,200-pixel column, so a map's labels keep their
    // size.
    let wide = measured(1280);
    assert!(wide["shrunk"].as_array().is_some_and(|s| !s.is_empty()), "the maps are wider than 1280: {wide}");
    assert_eq!(measured(1600)["shrunk"], serde_json::json!([]), "charts shrunk in a 1600-pixel window");

    // And printed, with the print stylesheet: a PDF of several pages.
    let pdf = dir.path().join("report.pdf");
    let args = [format!("--print-to-pdf={}", pdf.display()), "--no-pdf-header-footer".into()];
    let out = headless(&browser, dir.path(), &args, &url(&report.join("report.html")));
    let bytes = std::fs::read(&pdf)
        .unwrap_or_else(|e| panic!("no PDF ({e}): exit {:?}\n{}", out.status, String::from_utf8_lossy(&out.stderr)));
    assert!(bytes.starts_with(b"%PDF-"), "a PDF file");
    let text = String::from_utf8_lossy(&bytes);
    let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
    assert!(pages >= 3, "the report prints on several pages ({pages})");
}
