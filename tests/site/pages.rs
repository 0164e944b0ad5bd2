//! What the pages say: the catalogue matches the registry, and each stack page matches
//! what `stackreg resolve` answers for the same stack.

use crate::support::{project_root, stackreg};
use crate::{empty_site, files, pages, sample_site, tags};

fn page(all: &std::collections::BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(all.get(path).unwrap_or_else(|| panic!("no {path}")).clone()).unwrap()
}

#[test]
fn home_lists_every_component_for_the_search() {
    let all = files(&sample_site().root);
    let home = page(&all, "index.html");
    let list = stackreg(&project_root(), &["list", "--format", "json"]).json();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    let rows: Vec<String> = tags(&home)
        .into_iter()
        .filter_map(|t| t.attr("data-search").map(str::to_owned))
        .collect();
    assert_eq!(rows.len(), ids.len());
    for (row, id) in rows.iter().zip(&ids) {
        assert!(row.starts_with(&format!("{id} ")), "{row}");
        assert!(
            row.contains("lifecycle:") && row.contains("licence:"),
            "{row}"
        );
        assert!(
            all.contains_key(&format!("components/{id}.html")),
            "{id} has a page"
        );
    }
    assert!(
        home.contains("Sample data"),
        "the sample registry is marked as such"
    );
    assert!(home.contains("role=\"status\"") && home.contains("aria-live=\"polite\""));
    assert!(home.contains("id=\"search\" role=\"search\" hidden=\"\""));
}

#[test]
fn a_component_page_has_its_timeline_and_neighbours() {
    let all = files(&sample_site().root);
    let fms = page(&all, "components/fixmystreet.html");
    for v in ["3.1.0", "4.0.0", "5.0.0", "6.0.0"] {
        assert!(fms.contains(&format!("id=\"v-{v}\"")), "release {v}");
    }
    // Who provides what it requires: the Open311 back offices and the database.
    assert!(fms.contains("href=\"../components/oxbow-highways.html\""));
    assert!(fms.contains("href=\"../components/postgresql.html\""));
    assert!(fms.contains("href=\"https://fixmystreet.org/\""));
    let drupal = page(&all, "components/localgov-drupal.html");
    assert!(drupal.contains("Support ends <time datetime=\"2026-12-01\">1 December 2026</time>"));
    let oxbow = page(&all, "components/oxbow-highways.html");
    assert!(oxbow.contains("href=\"../interfaces/open311-georeport.html#v-2.0.0\""));
    assert!(oxbow.contains("Who else provides the same interfaces"));
    assert!(oxbow.contains("href=\"../components/kestrel-highways.html\""));
    let kestrel = page(&all, "components/kestrel-id.html");
    assert!(
        kestrel.contains("session fixation in the SAML bridge"),
        "yank reason shown"
    );
    assert!(kestrel.contains("class=\"release yanked\""));
}

#[test]
fn interface_and_capability_pages_list_who_provides_and_uses() {
    let all = files(&sample_site().root);
    let open311 = page(&all, "interfaces/open311-georeport.html");
    assert!(open311.contains("oxbow-highways 9.3.0"), "a provider");
    assert!(open311.contains("fixmystreet 6.0.0"), "a consumer");
    assert!(open311.contains("id=\"v-2.0.0\""));
    let websites = page(&all, "capabilities/council-website.html");
    assert!(websites.contains("href=\"../components/localgov-drupal.html\""));
    assert!(websites.contains("Stacks that need it"));
    assert!(all.contains_key("interfaces.html"));
    assert!(all.contains_key("capabilities.html"));
    assert!(all.contains_key("stacks.html"));
}

#[test]
fn stack_pages_show_the_plan_resolve_gives() {
    let all = files(&sample_site().root);
    for id in [
        "county-council",
        "district-council",
        "open-source-council",
        "unitary-council",
    ] {
        let html = page(&all, &format!("stacks/{id}.html"));
        let file = format!("registry/stacks/{id}.toml");
        let resolved = stackreg(&project_root(), &["resolve", &file, "--format", "json"]).json();
        let plan = resolved["plan"].as_array().unwrap();
        assert!(!plan.is_empty());
        for row in plan {
            let (c, v) = (
                row["component"].as_str().unwrap(),
                row["version"].as_str().unwrap(),
            );
            assert!(
                html.contains(&format!("href=\"../components/{c}.html#v-{v}\">{v}</a>")),
                "{id}: {c} {v} is not in the plan table"
            );
        }
        // The graph: one box per planned release, one pill per need.
        let svg_start = html.find("<svg").expect("a graph");
        let svg = &html[svg_start..html.find("</svg>").unwrap()];
        let releases = svg.matches("class=\"node release\"").count();
        assert_eq!(releases, plan.len(), "{id}: boxes in the graph");
        assert!(
            svg.contains("<title id=\"graph-title\">"),
            "{id}: the graph is named"
        );
    }
}

#[test]
fn a_stack_file_gets_a_page_with_its_changes_from_today() {
    let all = files(&sample_site().root);
    let html = page(&all, "stacks/example-borough.html");
    assert!(html.contains("Example Borough Council"));
    assert!(html.contains("Stack file example-borough.toml"));
    assert!(html.contains("Changes from what runs today"));
    let changes = &html[html
        .find("id=\"changes-table\"")
        .expect("a table of changes")..];
    assert!(
        changes.contains("4.0.0") && changes.contains("upgrade"),
        "fixmystreet 4 → 5"
    );
    let index = page(&all, "stacks.html");
    assert!(index.contains("href=\"stacks/example-borough.html\""));
    assert_eq!(
        pages(&all)
            .iter()
            .filter(|(p, _)| p.starts_with("stacks/"))
            .count(),
        5,
        "four reference stacks and the stack file"
    );
}

#[test]
fn stack_pages_carry_the_lock_in_report() {
    let all = files(&sample_site().root);
    let html = page(&all, "stacks/district-council.html");
    let file = "registry/stacks/district-council.toml";
    let report = stackreg(
        &project_root(),
        &["alternatives", file, "--all", "--format", "json"],
    );
    let report = report.json();
    let components = report["components"].as_array().unwrap();
    let risks: Vec<&str> = components
        .iter()
        .filter(|c| c["lock_in"] == true)
        .map(|c| c["component"].as_str().unwrap())
        .collect();
    assert!(!risks.is_empty());
    let lock_in = &html[html.find("id=\"lock-in\"").expect("a lock-in section")..];
    assert!(lock_in.contains(&format!(
        "{} of the {} components in the plan have no viable alternative",
        risks.len(),
        components.len()
    )));
    for c in components {
        let id = c["component"].as_str().unwrap();
        assert!(
            html.contains(&format!("id=\"alternatives-{id}\"")),
            "alternatives to {id}"
        );
        for alt in c["alternatives"].as_array().unwrap() {
            let other = alt["component"].as_str().unwrap();
            let section = &html[html
                .find(&format!("id=\"alternatives-{id}-table\""))
                .unwrap()..];
            let section = &section[..section.find("</table>").unwrap()];
            assert!(
                section.contains(&format!("components/{other}.html")),
                "{id}: {other}"
            );
        }
    }
    for s in report["single_supply"].as_array().unwrap() {
        let iface = s["interface"].as_str().unwrap();
        assert!(
            lock_in.contains(&format!("interfaces/{iface}.html")),
            "{iface}"
        );
    }
    let index = page(&all, "stacks.html");
    assert!(index.contains(&format!(
        "{} of {} components",
        risks.len(),
        components.len()
    )));
}

/// A whole page, byte for byte: the frame every page shares (head, header, breadcrumbs,
/// footer) and a section index, with the line breaks between blocks and `&#39;` for each
/// apostrophe, as the site has always written them.
#[test]
fn a_page_is_written_exactly() {
    let all = files(&empty_site().root);
    let expected = r##"<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;self&#39;; style-src &#39;self&#39;; img-src &#39;self&#39;; base-uri &#39;none&#39;; form-action &#39;none&#39;">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="stackreg site">
<title>Interfaces – New registry</title>
<link rel="stylesheet" href="assets/site.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header"><div class="width header-inner"><a class="site-name" href="index.html">New registry</a><span class="site-kind">Component catalogue</span></div>
<nav class="site-nav" aria-label="Catalogue sections"><ul class="width"><li><a href="index.html">Components</a></li><li><a href="interfaces.html" aria-current="page">Interfaces</a></li><li><a href="capabilities.html">Capabilities</a></li><li><a href="stacks.html">Stacks</a></li></ul></nav>
</header>
<div class="width">
<nav class="breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="index.html">Catalogue</a></li></ol></nav>
<main id="main" tabindex="-1">
<h1>Interfaces</h1>
<p class="lead">Versioned open contracts (APIs and data standards) that join components together. Any component that provides an interface can stand in for another that does.</p>
<p>The registry has no interfaces yet.</p>
</main>
</div>
<footer class="site-footer"><div class="width"><p>Generated by stackreg from the registry <strong>New registry</strong>. Pages are static: they work offline and from any web host, and load nothing from elsewhere.</p></div></footer>
</body>
</html>
"##;
    assert_eq!(page(&all, "interfaces.html"), expected);
}
