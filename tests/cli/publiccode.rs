//! `import publiccode` on real publiccode.yml files (tests/fixtures/publiccode, sources in
//! SOURCES.md), checked field by field and then validated as a user would; and
//! `export publiccode`, read back by the import.

use std::path::PathBuf;

use toml::Value;

use crate::support::{Fixture, component, project_root};

fn fixture(name: &str) -> String {
    project_root()
        .join("tests/fixtures/publiccode")
        .join(name)
        .display()
        .to_string()
}

/// A registry with the components real files depend on.
fn registry() -> Fixture {
    let f = Fixture::new();
    f.interface("sql", &["3.0.0"]);
    f.component(
        &component("postgresql")
            .kind("self-hosted")
            .licence("PostgreSQL")
            .capabilities(&["database"])
            .release("14.0.0")
            .provides("sql", "3.0.0")
            .release("16.0.0")
            .provides("sql", "3.0.0"),
    )
    .component(
        &component("keycloak")
            .kind("self-hosted")
            .licence("Apache-2.0")
            .capabilities(&["identity"])
            .release("26.0.0"),
    );
    f.commit("registry");
    f
}

/// The drafted manifest (stdout) as TOML.
fn manifest(stdout: &str) -> Value {
    toml::from_str(stdout).unwrap_or_else(|e| panic!("not TOML ({e}):\n{stdout}"))
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect()
}

#[test]
fn a_0_2_file_with_a_v_version_and_depends_on() {
    let f = registry();
    let file = fixture("signals-frontend.yml");
    let run = f.run(&["import", "publiccode", &file]);
    run.ok();
    let m = manifest(&run.stdout);
    assert_eq!(m["id"].as_str(), Some("signalen-frontend"));
    assert_eq!(m["name"].as_str(), Some("Signalen frontend"));
    assert_eq!(
        m["summary"].as_str(),
        Some(
            "Signalen is een open source proces- en taaksysteem voor overheden, dat meldingen over de openbare ruimte automatisch categoriseert en routeert."
        )
    );
    assert_eq!(m["supplier"].as_str(), Some("Gemeente Amsterdam"));
    assert_eq!(m["licence"].as_str(), Some("MPL-2.0"));
    assert_eq!(m["kind"].as_str(), Some("self-hosted"));
    assert_eq!(
        strs(&m["capabilities"]),
        ["workflow-management", "task-management", "communications"]
    );
    assert_eq!(m["lifecycle"].as_str(), Some("live"));
    assert_eq!(m["homepage"].as_str(), Some("https://signalen.org/"));
    assert_eq!(
        m["repository"].as_str(),
        Some("https://github.com/Amsterdam/signals-frontend")
    );
    let releases = m["release"].as_array().unwrap();
    assert_eq!(releases.len(), 1);
    assert_eq!(releases[0]["version"].as_str(), Some("1.49.0"));
    assert_eq!(releases[0]["released"].to_string(), "2021-05-20");
    assert!(releases[0].get("depends").is_none());
    assert!(releases[0].get("support-ends").is_none());
    assert_eq!(
        run.stderr,
        format!(
            "\
signalen-frontend (from {file}):
  repaired: version: softwareVersion `v1.49.0` → 1.49.0 (dropped the leading `v`)
  not mapped: dependsOn.open[0]: nodeJS version 16 (no registry component by that name or id)
  not mapped: dependsOn.open[1]: npm version 7.10.0 (no registry component by that name or id)
  not mapped: dependsOn.open[2]: signalen/frontend (no registry component by that name or id)
  not mapped: dependsOn.open[3]: signalen/classification (no registry component by that name or id)
  not mapped: dependsOn.open[4]: signalen/backend (no registry component by that name or id)
  not mapped: description.nl.documentation: https://docs.signalen.org/
  not mapped: description.nl.features: [Meldingen classificeren, Meldingen routeren, Meldingen behandelen, Rapporteren]
  not mapped: description.nl.genericName: Signalen frontend
  not mapped: description.nl.localisedName: Signalen frontend
  not mapped: description.nl.longDescription: Signalen is een proces- en taaksysteem, ontwikkeld op initiatief van de gemeent…
  not mapped: legal.mainCopyrightOwner: Signalen
  not mapped: localisation: {{availableLanguages, localisationReady}}
  not mapped: maintenance: {{contacts, type}}
  not mapped: platforms: [web]
  not mapped: usedBy: [Gemeente Amsterdam, Gemeente 's-Hertogenbosch]
"
        )
    );
}

#[test]
fn a_0_4_file_without_a_software_version() {
    let f = registry();
    let file = fixture("lynis.yml");
    let run = f.run(&["import", "publiccode", &file]);
    run.ok();
    let m = manifest(&run.stdout);
    assert_eq!(m["id"].as_str(), Some("lynis"));
    assert_eq!(m["name"].as_str(), Some("Lynis"));
    assert_eq!(
        m["summary"].as_str(),
        Some("Security auditing tool for Linux, macOS, and UNIX-based systems")
    );
    // No contractor and no legal.repoOwner: the owner in the repository URL.
    assert_eq!(m["supplier"].as_str(), Some("CISOfy"));
    assert_eq!(m["licence"].as_str(), Some("AGPL-3.0-only"));
    assert_eq!(m["kind"].as_str(), Some("self-hosted"));
    assert_eq!(m["lifecycle"].as_str(), Some("live"));
    // No landingURL: the repository is the homepage too.
    assert_eq!(
        m["homepage"].as_str(),
        Some("https://github.com/CISOfy/lynis")
    );
    assert_eq!(
        m["repository"].as_str(),
        Some("https://github.com/CISOfy/lynis")
    );
    assert_eq!(strs(&m["capabilities"]).len(), 5);
    assert!(m.get("release").is_none(), "no release without a version");
    for line in [
        "  repaired: homepage: no https landingURL, so the repository URL\n",
        "  repaired: supplier: no contractor or legal.repoOwner, so the owner in url, `CISOfy`\n",
        "  not mapped: releaseDate: 2025-01-28 (no softwareVersion to give it to: no release drafted)\n",
        "  not mapped: platforms: [linux, mac]\n",
    ] {
        assert!(run.stderr.contains(line), "{line}\n{}", run.stderr);
    }
}

#[test]
fn a_file_with_maintenance_contractors() {
    let f = registry();
    let run = f.run(&["import", "publiccode", &fixture("wai-portal.yml")]);
    run.ok();
    let m = manifest(&run.stdout);
    assert_eq!(m["id"].as_str(), Some("web-analytics-italia-portale"));
    assert_eq!(m["name"].as_str(), Some("Web Analytics Italia - Portale"));
    // Only Italian: the first language written.
    assert!(
        m["summary"]
            .as_str()
            .unwrap()
            .starts_with("Web analytics Italia è una piattaforma nazionale")
    );
    // The contractor, not legal.repoOwner, is the supplier; its `until` is support-ends.
    assert_eq!(m["supplier"].as_str(), Some("Indra Italia"));
    assert_eq!(m["licence"].as_str(), Some("AGPL-3.0-or-later"));
    assert_eq!(m["lifecycle"].as_str(), Some("beta"));
    assert_eq!(
        m["homepage"].as_str(),
        Some("https://webanalytics.italia.it/")
    );
    let r = &m["release"].as_array().unwrap()[0];
    assert_eq!(r["version"].as_str(), Some("1.4.1-beta"), "kept as written");
    assert_eq!(r["released"].to_string(), "2020-05-30");
    assert_eq!(r["support-ends"].to_string(), "2021-10-18");
    assert!(!run.stderr.contains("repaired: version"), "{}", run.stderr);
    for line in [
        "  not mapped: legal.repoOwner: Agenzia per l'Italia Digitale\n",
        "  not mapped: maintenance.contractors[0].website: https://www.indracompany.com/en\n",
        "  not mapped: maintenance.contacts: 1 entry\n",
        "  not mapped: it: {conforme, countryExtensionVersion, piattaforme, riuso}\n",
    ] {
        assert!(run.stderr.contains(line), "{line}\n{}", run.stderr);
    }
}

#[test]
fn a_0_4_file_with_contractors_crlf_and_no_release() {
    let f = registry();
    let run = f.run(&["import", "publiccode", &fixture("gefo.yml")]);
    run.ok();
    let m = manifest(&run.stdout);
    assert_eq!(m["id"].as_str(), Some("ge-fo-gestionale-fondi"));
    assert_eq!(
        m["supplier"].as_str(),
        Some("Ugo Basili - Datamanagement Italia S.p.A")
    );
    assert_eq!(
        m["summary"].as_str(),
        Some("Applicativo per la gestione dei progetti finanziati.")
    );
    assert_eq!(
        m["repository"].as_str(),
        Some("https://github.com/Comune-Milano/gefo.git")
    );
    assert!(m.get("release").is_none());
    for line in [
        "  not mapped: maintenance.contractors[0].until: 2028-12-31 (support-ends belongs to a release, and none was drafted)\n",
        "  not mapped: dependsOn.open[0]: PostgreSQL versionMin 12 (depends belongs to a release, and none was drafted)\n",
        "  not mapped: dependsOn.open[1]: Keycloak versionMin 18.0.0 (depends belongs to a release, and none was drafted)\n",
    ] {
        assert!(run.stderr.contains(line), "{line}\n{}", run.stderr);
    }
}

#[test]
fn depends_on_a_registry_component_becomes_a_range() {
    let f = registry();
    let run = f.run(&["import", "publiccode", &fixture("terminvergabe.yml")]);
    run.ok();
    let m = manifest(&run.stdout);
    assert_eq!(m["id"].as_str(), Some("aitema-termin"));
    // English is preferred to the German written first.
    assert_eq!(
        m["summary"].as_str(),
        Some(
            "Open-source appointment booking and queue management system for German public authorities and citizen service centers."
        )
    );
    let r = &m["release"].as_array().unwrap()[0];
    assert_eq!(r["version"].as_str(), Some("1.0.0"));
    assert_eq!(r["depends"]["postgresql"].as_str(), Some(">=14"));
    assert_eq!(r["depends"].as_table().unwrap().len(), 1);
    for line in [
        "  not mapped: dependsOn.open[0]: SvelteKit versionMin 2 (no registry component by that name or id)\n",
        "  not mapped: dependsOn.open[2]: Docker (no registry component by that name or id)\n",
        "  not mapped: description.de: {features, genericName, localisedName, longDescription, shortDescription}\n",
    ] {
        assert!(run.stderr.contains(line), "{line}\n{}", run.stderr);
    }
}

#[test]
fn imported_manifests_pass_validate_and_resolve() {
    let f = registry();
    let files: Vec<String> = [
        "signals-frontend.yml",
        "lynis.yml",
        "wai-portal.yml",
        "gefo.yml",
        "terminvergabe.yml",
    ]
    .iter()
    .map(|n| fixture(n))
    .collect();
    let mut args = vec!["import", "publiccode", "--out", "registry"];
    args.extend(files.iter().map(String::as_str));
    let run = f.run(&args);
    run.ok();
    assert_eq!(run.stdout, "", "with --out nothing goes to stdout");
    for id in [
        "signalen-frontend",
        "lynis",
        "web-analytics-italia-portale",
        "ge-fo-gestionale-fondi",
        "aitema-termin",
    ] {
        assert!(
            run.stderr
                .contains(&format!("  wrote registry/components/{id}.toml\n")),
            "{id}: {}",
            run.stderr
        );
    }
    let check = f.run(&["validate", "--format", "json"]);
    check.ok();
    let findings = check.findings();
    assert!(findings.iter().all(|d| !d.error), "{findings:?}");
    // The two files with no version give components with no release yet.
    let warned: Vec<&str> = findings.iter().map(|d| d.file.as_str()).collect();
    assert_eq!(
        warned,
        [
            "components/ge-fo-gestionale-fondi.toml",
            "components/lynis.toml"
        ]
    );
    f.stack(
        "council",
        "[stack]\nname = \"Council\"\n[needs]\nbookings = { component = \"aitema-termin\" }\n",
    );
    let plan = f.run(&[
        "resolve",
        "registry/stacks/council.toml",
        "--format",
        "json",
    ]);
    plan.ok();
    let planned: Vec<String> = plan.json()["plan"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{}@{}",
                p["component"].as_str().unwrap(),
                p["version"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(planned, ["aitema-termin@1.0.0", "postgresql@16.0.0"]);
}

#[test]
fn out_never_overwrites() {
    let f = registry();
    f.component(&component("lynis").release("9.9.9"));
    let existing = f.registry().join("components/lynis.toml");
    let mine = std::fs::read_to_string(&existing).unwrap();
    let run = f.run(&[
        "import",
        "publiccode",
        "--out",
        "registry",
        &fixture("signals-frontend.yml"),
        &fixture("lynis.yml"),
    ]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: registry/components/lynis.toml already exists\n  hint: import never overwrites a manifest: remove it, or write elsewhere with --out\n"
    );
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), mine);
    assert!(
        !f.registry()
            .join("components/signalen-frontend.toml")
            .exists(),
        "nothing is written when one target exists"
    );
    let left: Vec<PathBuf> = std::fs::read_dir(f.registry().join("components"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(left.len(), 3, "no temporary files left: {left:?}");
}

/// A minimal publiccode.yml with `extra` lines.
fn minimal(extra: &str) -> String {
    format!(
        "publiccodeYmlVersion: \"0.4\"\nname: Tiny\nurl: https://example.org/tiny.git\ndevelopmentStatus: stable\nsoftwareType: library\ncategories:\n  - it-development\ndescription:\n  en:\n    shortDescription: A tiny library\nlegal:\n  license: MIT\n{extra}"
    )
}

#[test]
fn versions_are_repaired_when_unambiguous_and_refused_when_not() {
    let f = registry();
    for (version, want, repair) in [
        (
            "'1.0'",
            "1.0.0",
            Some("added zeros for the missing minor and patch numbers"),
        ),
        ("V2.3.1", "2.3.1", Some("dropped the leading `v`")),
        ("1.10", "1.10.0", Some("added zeros")),
        ("3.0.0-rc.1", "3.0.0-rc.1", None),
    ] {
        f.repo_file(
            "tiny.yml",
            minimal(&format!(
                "softwareVersion: {version}\nreleaseDate: 2024-02-29\n"
            )),
        );
        let run = f.run(&["import", "publiccode", "tiny.yml"]);
        run.ok();
        let m = manifest(&run.stdout);
        assert_eq!(m["release"][0]["version"].as_str(), Some(want), "{version}");
        assert_eq!(m["kind"].as_str(), Some("library"));
        match repair {
            Some(r) => assert!(run.stderr.contains(r), "{version}: {}", run.stderr),
            None => assert!(!run.stderr.contains("repaired: version"), "{}", run.stderr),
        }
    }
    for (version, why) in [
        ("dev", "it is not made of numbers separated by dots"),
        ("1.2.3.4", "it has more than three numbers"),
        ("1.02.3", "a number has a leading zero"),
    ] {
        f.repo_file(
            "tiny.yml",
            minimal(&format!(
                "softwareVersion: {version}\nreleaseDate: 2024-02-29\n"
            )),
        );
        let run = f.run(&["import", "publiccode", "tiny.yml"]);
        run.code(2);
        assert_eq!(run.stdout, "");
        assert!(
            run.stderr.starts_with(&format!(
                "error[invalid-value]: softwareVersion `{version}` is not a version stackreg can turn into semver unambiguously: {why}\n"
            )),
            "{version}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("tiny.yml:13:18"), "{}", run.stderr);
        assert!(
            run.stderr.contains("help: fix softwareVersion in the file"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn files_that_cannot_be_drafted_are_refused_clearly() {
    let f = registry();
    let cases: &[(&str, &str)] = &[
        ("a: [unclosed\n", "tiny.yml:"),
        ("- a list\n", "a publiccode.yml file is a YAML mapping"),
        (
            "publiccodeYmlVersion: '0.1'\nname: x\n",
            "publiccodeYmlVersion `0.1` is not one stackreg reads (0.2 to 0.5 (and 0))",
        ),
        (
            "name: x\n",
            "no `publiccodeYmlVersion`: this does not look like a publiccode.yml file",
        ),
        ("name: a\nname: b\n", "duplicate"),
        (
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
            "budget breached",
        ),
    ];
    let deep = format!(
        "publiccodeYmlVersion: '0.4'\nname: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let cases: Vec<(&str, &str)> = cases
        .iter()
        .copied()
        .chain([(deep.as_str(), "recursion limit exceeded")])
        .collect();
    for (text, says) in &cases {
        f.repo_file("tiny.yml", text);
        let run = f.run(&["import", "publiccode", "tiny.yml"]);
        run.code(2);
        assert_eq!(run.stdout, "", "{text}");
        assert!(run.stderr.starts_with("error"), "{text}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{text}: {}", run.stderr);
    }
    for (extra, says) in [
        ("", "no `name`"),
        (
            "legal:\n  license: Not-A-Licence\n",
            "legal.license `Not-A-Licence` is not an SPDX licence expression",
        ),
    ] {
        let text = if extra.is_empty() {
            minimal("").replace("name: Tiny\n", "")
        } else {
            minimal("").replace("legal:\n  license: MIT\n", extra)
        };
        f.repo_file("tiny.yml", text);
        let run = f.run(&["import", "publiccode", "tiny.yml"]);
        run.code(2);
        assert!(run.stderr.contains(says), "{}", run.stderr);
    }
    // No categories: refused with a way forward, which works.
    f.repo_file(
        "tiny.yml",
        minimal("").replace("categories:\n  - it-development\n", ""),
    );
    let run = f.run(&["import", "publiccode", "tiny.yml"]);
    run.code(2);
    assert!(
        run.stderr
            .contains("help: give the registry's capability with --capability ID"),
        "{}",
        run.stderr
    );
    let run = f.run(&[
        "import",
        "publiccode",
        "tiny.yml",
        "--capability",
        "toolkit",
        "--id",
        "tiny-kit",
    ]);
    run.ok();
    let m = manifest(&run.stdout);
    assert_eq!(strs(&m["capabilities"]), ["toolkit"]);
    assert_eq!(m["id"].as_str(), Some("tiny-kit"));
}

#[test]
fn a_lenient_licence_is_written_the_spdx_way() {
    let f = registry();
    f.repo_file(
        "tiny.yml",
        minimal("").replace("license: MIT", "license: apache-2.0"),
    );
    let run = f.run(&["import", "publiccode", "tiny.yml"]);
    run.ok();
    assert_eq!(
        manifest(&run.stdout)["licence"].as_str(),
        Some("Apache-2.0")
    );
    assert!(
        run.stderr.contains(
            "  repaired: licence: `apache-2.0` written as the SPDX identifier `Apache-2.0`\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn urls_are_https_only() {
    let f = registry();
    let run = f.run(&["import", "publiccode", "http://example.org/publiccode.yml"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: http://example.org/publiccode.yml: only https URLs are fetched\n"
    );
    let run = f.run(&[
        "--offline",
        "import",
        "publiccode",
        "https://example.org/publiccode.yml",
    ]);
    run.code(2);
    assert!(run.stderr.starts_with("error: https://example.org/publiccode.yml is not fetched: --offline forbids the network\n"), "{}", run.stderr);
}

#[test]
fn several_files_to_stdout_are_headed_by_their_paths() {
    let f = registry();
    let run = f.run(&[
        "import",
        "publiccode",
        &fixture("lynis.yml"),
        &fixture("gefo.yml"),
    ]);
    run.ok();
    assert!(
        run.stdout
            .starts_with("# ---- components/lynis.toml ----\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("\n# ---- components/ge-fo-gestionale-fondi.toml ----\n"),
        "{}",
        run.stdout
    );
    let run = f.run(&[
        "import",
        "publiccode",
        &fixture("lynis.yml"),
        &fixture("lynis.yml"),
    ]);
    run.code(2);
    assert!(
        run.stderr.contains("both draft the component `lynis`"),
        "{}",
        run.stderr
    );
}

/// The rules publiccode.yml 0.4 sets for a file (the standard's `schema.core`): the
/// mandatory keys, the enumerations, the controlled list of categories and the lengths of
/// descriptions.
fn check_publiccode_0_4(y: &serde_json::Value) -> Result<(), String> {
    let s = |v: &serde_json::Value, what: &str| -> Result<String, String> {
        v.as_str()
            .map(str::to_owned)
            .filter(|x| !x.is_empty())
            .ok_or(format!("{what} is not a non-empty string"))
    };
    if y["publiccodeYmlVersion"] != "0.4" {
        return Err("publiccodeYmlVersion".into());
    }
    s(&y["name"], "name")?;
    for key in ["url", "landingURL"] {
        if !s(&y[key], key)?.starts_with("https://") {
            return Err(format!("{key} is not a URL"));
        }
    }
    if y["platforms"].as_array().is_none_or(|p| p.is_empty()) {
        return Err("platforms".into());
    }
    let dev = s(&y["developmentStatus"], "developmentStatus")?;
    if !["concept", "development", "beta", "stable", "obsolete"].contains(&dev.as_str()) {
        return Err(format!("developmentStatus {dev}"));
    }
    let ty = s(&y["softwareType"], "softwareType")?;
    if ![
        "standalone/mobile",
        "standalone/iot",
        "standalone/desktop",
        "standalone/web",
        "standalone/backend",
        "standalone/other",
        "addon",
        "library",
        "configurationFiles",
    ]
    .contains(&ty.as_str())
    {
        return Err(format!("softwareType {ty}"));
    }
    let categories = y["categories"].as_array().ok_or("categories")?;
    for c in categories {
        let c = s(c, "a category")?;
        if !stackreg::interop::publiccode::write::CATEGORIES.contains(&c.as_str()) {
            return Err(format!("category {c} is not in the standard's list"));
        }
    }
    let langs = y["description"].as_object().ok_or("description")?;
    if langs.is_empty() {
        return Err("no description".into());
    }
    for (lang, d) in langs {
        let short = s(&d["shortDescription"], "shortDescription")?;
        if short.chars().count() > 150 {
            return Err(format!(
                "description.{lang}.shortDescription is over 150 characters"
            ));
        }
        let long = s(&d["longDescription"], "longDescription")?.chars().count();
        if !(150..=10000).contains(&long) {
            return Err(format!(
                "description.{lang}.longDescription has {long} characters"
            ));
        }
        if d["features"].as_array().is_none_or(|f| f.is_empty()) {
            return Err(format!("description.{lang}.features"));
        }
    }
    let licence = s(&y["legal"]["license"], "legal.license")?;
    if spdx::Expression::parse(&licence).is_err() {
        return Err(format!("legal.license {licence}"));
    }
    match s(&y["maintenance"]["type"], "maintenance.type")?.as_str() {
        "contract" => {
            let c = y["maintenance"]["contractors"]
                .as_array()
                .ok_or("contractors")?;
            for x in c {
                s(&x["name"], "contractor name")?;
                let until = s(&x["until"], "contractor until")?;
                if until.len() != 10 || until.as_bytes()[4] != b'-' || until.as_bytes()[7] != b'-' {
                    return Err(format!("until {until}"));
                }
            }
            if c.is_empty() {
                return Err("no contractors".into());
            }
        }
        "internal" | "community" => {
            let c = y["maintenance"]["contacts"].as_array().ok_or("contacts")?;
            if c.is_empty() {
                return Err("no contacts".into());
            }
            for x in c {
                s(&x["name"], "contact name")?;
            }
        }
        "none" => {}
        other => return Err(format!("maintenance.type {other}")),
    }
    if y["localisation"]["localisationReady"].as_bool().is_none()
        || y["localisation"]["availableLanguages"]
            .as_array()
            .is_none_or(|l| l.is_empty())
    {
        return Err("localisation".into());
    }
    Ok(())
}

#[test]
fn every_open_source_sample_component_exports_as_publiccode_0_4() {
    let root = project_root();
    let list =
        crate::support::stackreg(&root, &["list", "--open-source", "--format", "json"]).json();
    let mut exported = 0;
    for c in list.as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        let run = crate::support::stackreg(
            &root,
            &[
                "export",
                "publiccode",
                id,
                "--contact",
                "Jane Example <jane@example.org>",
            ],
        );
        if run.code == 2 && run.stderr.contains("has no repository") {
            continue;
        }
        run.ok();
        let y: serde_json::Value = serde_saphyr::from_str(&run.stdout).unwrap();
        if let Err(e) = check_publiccode_0_4(&y) {
            panic!("{id}: {e}\n{}", run.stdout);
        }
        exported += 1;
    }
    assert!(exported >= 8, "{exported}");
    // The check can fail.
    let mut y: serde_json::Value = serde_saphyr::from_str(
        &crate::support::stackreg(
            &root,
            &[
                "export",
                "publiccode",
                "fixmystreet",
                "--contact",
                "J <j@example.org>",
            ],
        )
        .stdout,
    )
    .unwrap();
    y["categories"] = serde_json::json!(["street-reporting"]);
    assert_eq!(
        check_publiccode_0_4(&y),
        Err("category street-reporting is not in the standard's list".to_owned())
    );
}

#[test]
fn export_publiccode_reads_back_through_import() {
    let f = registry();
    f.component(
        &component("casebook")
            .kind("self-hosted")
            .licence("AGPL-3.0-or-later")
            .supplier("Open Councils CIC")
            .capabilities(&["case-management"])
            .release("2.0.0")
            .released("2025-03-01")
            .support_ends("2028-03-31")
            .depends("postgresql", ">=14"),
    );
    f.edit(
        "components/casebook.toml",
        "homepage = \"https://example.com/casebook\"\n",
        "homepage = \"https://example.com/casebook\"\nrepository = \"https://example.com/git/casebook\"\n",
    );
    let run = f.run(&["export", "publiccode", "casebook"]);
    run.ok();
    let yaml: serde_json::Value = serde_saphyr::from_str(&run.stdout).unwrap();
    check_publiccode_0_4(&yaml).unwrap();
    assert_eq!(yaml["publiccodeYmlVersion"], "0.4");
    assert_eq!(yaml["name"], "casebook");
    assert_eq!(yaml["url"], "https://example.com/git/casebook");
    assert_eq!(yaml["landingURL"], "https://example.com/casebook");
    assert_eq!(yaml["softwareVersion"], "2.0.0");
    assert_eq!(yaml["releaseDate"], "2025-03-01");
    assert_eq!(yaml["developmentStatus"], "stable");
    assert_eq!(yaml["softwareType"], "standalone/web");
    assert_eq!(
        yaml["categories"],
        serde_json::json!(["workflow-management"])
    );
    assert_eq!(yaml["legal"]["license"], "AGPL-3.0-or-later");
    assert_eq!(yaml["maintenance"]["type"], "contract");
    assert_eq!(
        yaml["maintenance"]["contractors"][0]["name"],
        "Open Councils CIC"
    );
    assert_eq!(yaml["maintenance"]["contractors"][0]["until"], "2028-03-31");
    let en = &yaml["description"]["en"];
    assert_eq!(en["shortDescription"], "Component casebook");
    let long = en["longDescription"].as_str().unwrap().chars().count();
    assert!((150..=10000).contains(&long), "{long}");
    assert!(!en["features"].as_array().unwrap().is_empty());
    assert_eq!(
        yaml["localisation"]["availableLanguages"],
        serde_json::json!(["en"])
    );
    assert!(
        run.stderr
            .contains("note: platforms: stackreg records none; written as web\n"),
        "{}",
        run.stderr
    );

    // Imported again, it gives back what the registry says.
    f.repo_file("casebook.publiccode.yml", &run.stdout);
    let back = f.run(&[
        "import",
        "publiccode",
        "casebook.publiccode.yml",
        "--capability",
        "case-management",
    ]);
    back.ok();
    let m = manifest(&back.stdout);
    assert_eq!(m["id"].as_str(), Some("casebook"));
    assert_eq!(m["supplier"].as_str(), Some("Open Councils CIC"));
    assert_eq!(m["licence"].as_str(), Some("AGPL-3.0-or-later"));
    assert_eq!(m["lifecycle"].as_str(), Some("live"));
    assert_eq!(m["homepage"].as_str(), Some("https://example.com/casebook"));
    assert_eq!(
        m["repository"].as_str(),
        Some("https://example.com/git/casebook")
    );
    assert_eq!(m["release"][0]["version"].as_str(), Some("2.0.0"));
    assert_eq!(m["release"][0]["support-ends"].to_string(), "2028-03-31");
}

#[test]
fn export_publiccode_refuses_what_it_cannot_write_and_names_a_maintainer() {
    let f = registry();
    f.component(
        &component("hosted")
            .licence("LicenseRef-Proprietary")
            .release("1.0.0"),
    );
    // No repository at all.
    let run = f.run(&["export", "publiccode", "keycloak"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: keycloak has no repository, and publiccode.yml's `url` is the source repository\n"
    );
    f.edit(
        "components/keycloak.toml",
        "homepage = \"https://example.com/keycloak\"\n",
        "homepage = \"https://example.com/keycloak\"\nrepository = \"https://example.com/git/keycloak\"\n",
    );
    // No support-ends date and no --contact: the repository owner maintains it, and a
    // note says so.
    let run = f.run(&["export", "publiccode", "keycloak"]);
    run.ok();
    let yaml: serde_json::Value = serde_saphyr::from_str(&run.stdout).unwrap();
    assert_eq!(yaml["maintenance"]["type"], "internal");
    let owner = yaml["legal"]["repoOwner"].clone();
    assert!(owner.is_string(), "{yaml}");
    assert_eq!(
        yaml["maintenance"]["contacts"],
        serde_json::json!([{"name": owner}])
    );
    assert!(
        run.stderr.contains(&format!(
            "maintenance: internal, by {} (the repository owner) as the contact; name people with --contact \"Name <email>\"",
            owner.as_str().unwrap()
        )),
        "{}",
        run.stderr
    );
    let run = f.run(&[
        "export",
        "publiccode",
        "keycloak",
        "--contact",
        "Ada Lovelace <ada@example.org>",
    ]);
    run.ok();
    let yaml: serde_json::Value = serde_saphyr::from_str(&run.stdout).unwrap();
    assert_eq!(yaml["maintenance"]["type"], "internal");
    assert_eq!(
        yaml["maintenance"]["contacts"],
        serde_json::json!([{"name": "Ada Lovelace", "email": "ada@example.org"}])
    );
    let run = f.run(&["export", "publiccode", "keycloak", "--contact", "<nobody>"]);
    run.code(2);
    f.edit(
        "components/hosted.toml",
        "homepage = \"https://example.com/hosted\"\n",
        "homepage = \"https://example.com/hosted\"\nrepository = \"https://example.com/git/hosted\"\n",
    );
    let run = f.run(&["export", "publiccode", "hosted"]);
    run.code(2);
    assert!(run.stderr.contains("is not open source"), "{}", run.stderr);
    let run = f.run(&["export", "publiccode", "keycloack"]);
    run.code(2);
    assert!(
        run.stderr.contains("did you mean `keycloak`?"),
        "{}",
        run.stderr
    );
}
