//! The sites opened in headless Chromium by `tests/browser/check-site.mjs` (its header
//! lists what it checks). Without Chromium or the npm packages this test fails, naming the
//! command that installs them: a browser check that silently passed without a browser
//! would be worse than none. `STACKREG_SKIP_BROWSER=1` skips it knowingly.
//!
//! `STACKREG_SCREENSHOTS=1` also rewrites the README's screenshots in `docs/`.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::project_root;
use crate::{empty_site, hostile_site, sample_site};

/// The whole browser run (about a hundred pages) must finish well within this.
const TIMEOUT: Duration = Duration::from_secs(300);

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

fn missing_tools() -> Vec<String> {
    let root = project_root();
    let mut missing = Vec::new();
    if !chromium().is_file() {
        missing.push(format!(
            "Chromium at {} (install: apt-get install -y chromium)",
            chromium().display()
        ));
    }
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !node.is_ok_and(|s| s.success()) {
        missing.push("Node.js (install: apt-get install -y nodejs npm)".into());
    }
    let modules = root.join("tests/browser/node_modules");
    if !modules.join("playwright-core").is_dir() || !modules.join("axe-core").is_dir() {
        missing.push(
            "the npm packages of tests/browser (install: npm ci --prefix tests/browser)".into(),
        );
    }
    missing
}

#[test]
fn the_sites_work_in_headless_chromium() {
    if std::env::var("STACKREG_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!("STACKREG_SKIP_BROWSER=1: the browser checks of the site were NOT run");
        return;
    }
    let missing = missing_tools();
    assert!(
        missing.is_empty(),
        "cannot run the browser checks of the site; missing:\n  - {}\n\
         Run `scripts/test`, which installs them and runs every test, or set \
         STACKREG_SKIP_BROWSER=1 to skip these checks knowingly.",
        missing.join("\n  - ")
    );
    let root = project_root();
    let sample = sample_site();
    let hostile = hostile_site();
    let empty = empty_site();
    let mut cmd = Command::new("node");
    cmd.current_dir(&root)
        .arg("tests/browser/check-site.mjs")
        .arg("--site")
        .arg(&sample.root)
        .arg("--site")
        .arg(&empty.root)
        .arg("--hostile")
        .arg(&hostile.root)
        .env("CHROMIUM", chromium());
    if std::env::var("STACKREG_SCREENSHOTS").is_ok_and(|v| v == "1") {
        cmd.args([
            "--screenshot",
            "components/fixmystreet.html=docs/component-page.png",
            "--screenshot",
            "stacks/district-council.html#graph=docs/stack-page.png@1240",
        ]);
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start node");
    let read = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (out, err) = (stdout.join().unwrap(), stderr.join().unwrap());
    // Shown with `cargo test -- --nocapture`, and on failure.
    println!("{out}{err}");
    let Some(status) = status else {
        panic!("the browser checks did not finish within {TIMEOUT:?}\n{out}\n{err}");
    };
    assert!(
        status.success(),
        "the browser checks failed ({status}):\n{out}\n{err}"
    );
    assert!(
        out.contains(", 0 failed") && out.contains("0 critical, 0 serious"),
        "{out}"
    );
}
