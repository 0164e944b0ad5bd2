//! What `stackreg site` writes, checked without a browser: the same bytes every time,
//! nothing from a manifest left active, every link resolving, and nothing loaded from
//! elsewhere.

use std::path::Path;

use crate::support::{project_root, stackreg};
use crate::{empty_site, files, hostile_site, ids, pages, sample_site, tags};

/// The elements the generator writes. A manifest string that became markup would show up
/// as some other element.
const ELEMENTS: &[&str] = &[
    "html",
    "head",
    "meta",
    "title",
    "link",
    "script",
    "body",
    "a",
    "header",
    "div",
    "span",
    "nav",
    "ul",
    "ol",
    "li",
    "main",
    "h1",
    "h2",
    "h3",
    "p",
    "strong",
    "code",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "dl",
    "dt",
    "dd",
    "time",
    "br",
    "figure",
    "figcaption",
    "svg",
    "title",
    "desc",
    "defs",
    "marker",
    "path",
    "g",
    "text",
    "rect",
    "input",
    "label",
    "footer",
];

const URL_ATTRIBUTES: &[&str] = &["href", "src", "action", "formaction", "data", "xlink:href"];

#[test]
fn the_same_registry_gives_the_same_bytes() {
    let a = files(&sample_site().root);
    let b = files(&sample_site().root);
    assert!(a.len() > 90, "{} files", a.len());
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (path, bytes) in &a {
        assert!(b[path] == *bytes, "{path} differs between two runs");
    }
}

#[test]
fn writing_again_replaces_the_site_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let registry = project_root().join("registry");
    let reg = registry.to_str().unwrap();
    stackreg(dir.path(), &["--registry", reg, "site", "--out", "out"]).ok();
    let first = files(&dir.path().join("out"));
    // A page an earlier run wrote that the site no longer has, and a file of one's own.
    std::fs::write(dir.path().join("out/components/gone.html"), "left over").unwrap();
    let marker = dir.path().join("out/.stackreg-site");
    let listing = std::fs::read_to_string(&marker).unwrap();
    std::fs::write(&marker, format!("{listing}components/gone.html\n")).unwrap();
    std::fs::write(dir.path().join("out/CNAME"), "catalogue.example.org").unwrap();
    stackreg(dir.path(), &["--registry", reg, "site", "--out", "out"]).ok();
    let mut second = files(&dir.path().join("out"));
    assert_eq!(
        second.remove("CNAME").as_deref(),
        Some(&b"catalogue.example.org"[..]),
        "what the site did not write is kept"
    );
    assert_eq!(
        first, second,
        "a second run gives the same site, without the pages it no longer has"
    );
    let siblings: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        siblings,
        vec!["out".to_owned()],
        "no temporary folders left"
    );
}

#[test]
fn refuses_a_folder_it_did_not_make_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("docs");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.md"), "mine").unwrap();
    let registry = project_root().join("registry");
    let reg = registry.to_str().unwrap();
    let run = stackreg(dir.path(), &["--registry", reg, "site", "--out", "docs"]);
    run.code(2);
    assert!(
        run.stderr.contains("was not written by `stackreg site`") && run.stderr.contains("--force"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.md")).unwrap(),
        "mine"
    );
    stackreg(
        dir.path(),
        &["--registry", reg, "site", "--out", "docs", "--force"],
    )
    .ok();
    assert!(out.join("index.html").is_file());
    assert_eq!(
        std::fs::read_to_string(out.join("notes.md")).unwrap(),
        "mine",
        "forced, the site is written beside what was there"
    );
}

#[test]
fn an_unknown_stack_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "[stack]\nname = \"x\"\n[needs]\nweb = { component = \"no-such-thing\" }\n",
    )
    .unwrap();
    let registry = project_root().join("registry");
    let run = stackreg(
        dir.path(),
        &[
            "--registry",
            registry.to_str().unwrap(),
            "site",
            "--out",
            "out",
            "--stack",
            "bad.toml",
        ],
    );
    run.code(2);
    assert!(run.stderr.contains("bad.toml"), "{}", run.stderr);
    assert!(!dir.path().join("out").exists(), "nothing is written");
}

/// Every element is one the generator writes, no attribute is an event handler, and URL
/// attributes hold only site paths and https URLs.
fn assert_inert(path: &str, html: &str) {
    for tag in tags(html) {
        assert!(
            ELEMENTS.contains(&tag.name.as_str()),
            "{path}: unexpected element <{}>",
            tag.name
        );
        for (key, value) in &tag.attrs {
            assert!(
                !key.to_lowercase().starts_with("on"),
                "{path}: event handler {key} on <{}>",
                tag.name
            );
            if URL_ATTRIBUTES.contains(&key.as_str()) {
                let v = value.trim().to_lowercase();
                assert!(
                    v.starts_with("https://") || !v.contains(':'),
                    "{path}: <{} {key}=\"{value}\"> is neither https nor a site path",
                    tag.name
                );
            }
        }
        if tag.name == "script" {
            let src = tag.attr("src").unwrap_or("(inline)");
            assert!(src.ends_with("assets/search.js"), "{path}: script {src}");
        }
    }
}

/// Elements that have no end tag.
const VOID: &[&str] = &["meta", "link", "input", "br"];

/// Elements that may not stand inside a paragraph (the parser would end the paragraph).
const BLOCK: &[&str] = &[
    "div", "ul", "ol", "dl", "table", "h1", "h2", "h3", "p", "figure", "header", "footer", "nav",
    "main",
];

/// Every element is closed, in order, and no paragraph holds block content: the page the
/// browser builds is the page that was written.
fn assert_well_formed(path: &str, html: &str) {
    let mut open: Vec<&str> = Vec::new();
    for piece in html.split('<').skip(1) {
        let inner = &piece[..piece.find('>').expect("a closed tag")];
        if inner.starts_with('!') {
            continue;
        }
        if let Some(name) = inner.strip_prefix('/') {
            assert_eq!(
                open.pop(),
                Some(name),
                "{path}: </{name}> closes the wrong element"
            );
            continue;
        }
        let name = inner.split_whitespace().next().unwrap_or_default();
        if BLOCK.contains(&name) {
            assert!(!open.contains(&"p"), "{path}: <{name}> inside a paragraph");
        }
        if !VOID.contains(&name) {
            open.push(name);
        }
    }
    assert!(open.is_empty(), "{path}: elements left open: {open:?}");
}

#[test]
fn every_page_is_well_formed() {
    for site in [sample_site(), hostile_site(), empty_site()] {
        for (path, html) in pages(&files(&site.root)) {
            assert_well_formed(path, &html);
        }
    }
}

#[test]
fn hostile_manifests_become_inert_text() {
    let site = hostile_site();
    let all = files(&site.root);
    for (path, html) in pages(&all) {
        assert_inert(path, &html);
        let lower = html.to_lowercase();
        // The only `<script` is the site's own search script.
        let own = lower
            .matches("assets/search.js\" defer=\"\"></script>")
            .count();
        assert_eq!(
            lower.matches("<script").count(),
            own,
            "{path}: a script from a manifest"
        );
        for c in ['\u{202e}', '\u{200b}', '\u{2066}'] {
            assert!(!html.contains(c), "{path}: raw U+{:04X}", c as u32);
        }
    }
    // What the manifests said is still shown, as text.
    let evil = String::from_utf8(all["components/evil.html"].clone()).unwrap();
    for shown in [
        "&lt;script&gt;window.__pwned=1;alert(1)&lt;/script&gt;",
        "javascript:window.__pwned=1",
        "Evil \\u{202e}gnp.exe Supplier &lt;style&gt;",
        "&lt;img src=x onerror=alert(1)&gt; \\u{202e}esrever",
    ] {
        assert!(
            evil.contains(shown),
            "components/evil.html does not show {shown:?}"
        );
    }
    // The homepage that is not https is shown as text, not as a link.
    let homepage = tags(&evil)
        .into_iter()
        .filter(|t| t.name == "a")
        .filter_map(|t| t.attr("href").map(str::to_owned))
        .find(|h| h.to_lowercase().contains("javascript") || h.contains("pwned"));
    assert_eq!(homepage, None);
    let innocent = String::from_utf8(all["components/innocent.html"].clone()).unwrap();
    assert!(
        innocent.contains("href=\"https://example.org/a%22onmouseover=%22window.__pwned=1\""),
        "an https URL with quotes is linked, its quotes percent-encoded"
    );
    assert!(
        !innocent.contains("href=\"http://example.org"),
        "http URLs are not linked"
    );
}

#[test]
fn the_sample_site_is_inert_too() {
    let site = sample_site();
    for (path, html) in pages(&files(&site.root)) {
        assert_inert(path, &html);
    }
}

/// Where `href` from the page at `from` points inside the site, if it is a site path.
fn resolve(from: &str, href: &str) -> Option<(String, Option<String>)> {
    if href.starts_with("https://") {
        return None;
    }
    let (path, fragment) = match href.split_once('#') {
        Some((p, f)) => (p, Some(f.to_owned())),
        None => (href, None),
    };
    if path.is_empty() {
        return Some((from.to_owned(), fragment));
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in path.split('/') {
        match seg {
            ".." => {
                assert!(parts.pop().is_some(), "{from}: {href} leaves the site");
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    Some((parts.join("/"), fragment))
}

#[test]
fn every_internal_link_and_asset_resolves() {
    for site in [sample_site(), hostile_site()] {
        let all = files(&site.root);
        let page_ids: std::collections::BTreeMap<&str, _> = pages(&all)
            .into_iter()
            .map(|(p, html)| (p, ids(&html)))
            .collect();
        let mut checked = 0;
        for (path, html) in pages(&all) {
            for tag in tags(&html) {
                for key in ["href", "src"] {
                    let Some(value) = tag.attr(key) else { continue };
                    if tag.name == "path" || tag.name == "marker" {
                        continue;
                    }
                    let Some((target, fragment)) = resolve(path, value) else {
                        assert_eq!(tag.name, "a", "{path}: <{}> loads {value}", tag.name);
                        continue;
                    };
                    assert!(
                        all.contains_key(&target),
                        "{path}: {value} → missing {target}"
                    );
                    if let Some(f) = fragment {
                        let ids = page_ids.get(target.as_str()).expect("fragment on a page");
                        assert!(ids.contains(&f), "{path}: {value}: no id {f} in {target}");
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 50, "only {checked} links checked");
    }
}

#[test]
fn assets_are_local_and_load_nothing_from_elsewhere() {
    let site = sample_site();
    let all = files(&site.root);
    for name in ["assets/site.css", "assets/search.js"] {
        let text = String::from_utf8(all[name].clone()).unwrap();
        assert!(!text.contains("://"), "{name} refers to another site");
        assert!(
            !text.contains("@import") && !text.contains("url("),
            "{name} loads files"
        );
        assert!(
            !text.contains("fetch(") && !text.contains("XMLHttpRequest"),
            "{name}"
        );
    }
    for (path, html) in pages(&all) {
        for tag in tags(&html) {
            for (key, value) in &tag.attrs {
                if value.contains("://") {
                    assert!(
                        tag.name == "a" && key == "href" && value.starts_with("https://"),
                        "{path}: <{} {key}=\"{value}\"> refers to another site",
                        tag.name
                    );
                }
            }
        }
        assert!(
            html.contains("Content-Security-Policy") && html.contains("default-src &#39;none&#39;"),
            "{path}: no Content-Security-Policy"
        );
        assert!(!html.contains("http://"), "{path}: an http:// reference");
    }
    assert!(Path::new(&site.root.join(".stackreg-site")).is_file());
}

/// A reference stack's lock file is read as `resolve` reads it: the stack page shows the
/// locked plan, not a fresh one.
#[test]
fn a_reference_stack_page_shows_its_locked_plan() {
    let dir = tempfile::tempdir().unwrap();
    let registry = dir.path().join("registry");
    let copy = std::process::Command::new("cp")
        .args(["-r"])
        .arg(project_root().join("registry"))
        .arg(&registry)
        .status()
        .unwrap();
    assert!(copy.success());
    let reg = registry.to_str().unwrap();
    stackreg(
        dir.path(),
        &[
            "--registry",
            reg,
            "resolve",
            "registry/stacks/district-council.toml",
            "--lock",
        ],
    )
    .ok();
    // An older keycloak, which is still a plan: the lock holds it.
    let lock = registry.join("stacks/district-council.lock");
    let text = std::fs::read_to_string(&lock).unwrap();
    let older = text.replace(
        "id = \"keycloak\"\nversion = \"26.2.0\"",
        "id = \"keycloak\"\nversion = \"26.0.0\"",
    );
    assert_ne!(older, text);
    std::fs::write(&lock, older).unwrap();
    stackreg(dir.path(), &["--registry", reg, "validate"]).ok();
    stackreg(dir.path(), &["--registry", reg, "site", "--out", "site"]).ok();
    let page =
        std::fs::read_to_string(dir.path().join("site/stacks/district-council.html")).unwrap();
    assert!(
        page.contains("keycloak@26.0.0"),
        "the locked release is not shown"
    );
    assert!(
        !page.contains("keycloak@26.2.0"),
        "the fresh release is shown"
    );
}
