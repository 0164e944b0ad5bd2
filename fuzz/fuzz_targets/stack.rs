//! A stack file from the fuzzer's bytes, against a small fixed registry: checked, located
//! and rendered like `validate`; when it is valid, cross-checked against the registry and
//! resolved (with a small step bound), and the plan or explanation rendered as `resolve`,
//! `graph`, `why` and `outdated` print them, with any plan checked against SPEC §4. The
//! same bytes are also read as a lock file.

#![no_main]

use libfuzzer_sys::fuzz_target;
use stackreg::catalog::{self, validate as cross};
use stackreg::diagnostic::locate_all;
use stackreg::model::{Date, validate as check};
use stackreg::report;
use stackreg::resolve::lock::LockFile;
use stackreg::resolve::{Options, Resolution, Resolver, outdated::outdated};
use stackreg::source::memory::MemorySource;
use stackreg_testkit::oracle::{any_plan, check};

fn component(id: &str, caps: &str, releases: &str) -> String {
    format!(
        "id = \"{id}\"\nname = \"{id}\"\nsummary = \"The {id} component\"\nsupplier = \"{id} Ltd\"\nlicence = \"MIT\"\nkind = \"saas\"\ncapabilities = [{caps}]\nlifecycle = \"live\"\nhomepage = \"https://example.com/{id}\"\n{releases}"
    )
}

fn registry() -> MemorySource {
    let release = |v: &str, extra: &str| {
        format!("\n[[release]]\nversion = \"{v}\"\nreleased = 2024-01-01\n{extra}")
    };
    MemorySource::new("fuzz")
        .with("registry.toml", "[registry]\nname = \"Fuzz\"\nformat = 1\n")
        .with(
            "interfaces/api.toml",
            "id = \"api\"\nname = \"API\"\nsummary = \"An API\"\nowner = \"Someone\"\nspecification = \"https://example.com/api\"\nversions = [\"1.0.0\", \"2.0.0\"]\n",
        )
        .with(
            "components/app.toml",
            component(
                "app",
                "\"cms\"",
                &[
                    release("1.0.0", "requires = { api = \"^1\" }\n"),
                    release("2.0.0", "requires = { api = \"^2\" }\ndepends = { db = \">=1\" }\n"),
                    release("2.1.0", "yanked = \"broken\"\n"),
                ]
                .concat(),
            ),
        )
        .with(
            "components/lib.toml",
            component(
                "lib",
                "\"cms\", \"forms\"",
                &[
                    release("1.0.0", "provides = { api = \"1.0.0\" }\n"),
                    release("2.0.0", "provides = { api = \"2.0.0\" }\nconflicts = { app = \"<2\" }\n"),
                ]
                .concat(),
            ),
        )
        .with(
            "components/db.toml",
            component("db", "\"database\"", &[release("1.0.0", ""), release("1.1.0", "")].concat()),
        )
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = check::decode("stack.toml", data) else {
        return;
    };
    if let Ok(lock) = LockFile::parse(text) {
        // What is written back reads back the same.
        let written = lock.to_toml();
        assert!(written.is_ok(), "a lock that was read could not be written");
        let back = written.ok().and_then(|text| LockFile::parse(&text).ok());
        assert_eq!(back.as_ref(), Some(&lock));
    }
    let parsed = check::stack("stack.toml", None, text);
    let mut diagnostics = parsed.diagnostics;
    let Some(stack) = parsed.value else {
        locate_all(text, diagnostics.iter_mut());
        stackreg_fuzz::findings(diagnostics, [("stack.toml".into(), text.into())].into());
        return;
    };
    let Ok(loaded) = catalog::load(&registry()) else {
        return;
    };
    let reg = &loaded.registry;
    cross::check_stack(reg, &stack, "stack.toml", &mut diagnostics);
    locate_all(text, diagnostics.iter_mut());
    let invalid = diagnostics.iter().any(|d| d.is_error());
    stackreg_fuzz::findings(diagnostics, [("stack.toml".into(), text.into())].into());
    if invalid {
        return;
    }
    let options = Options {
        max_steps: 2_000,
        ..Options::default()
    };
    let resolver = Resolver::new(reg, &stack);
    let Some(today) = Date::new(2026, 1, 1) else {
        return;
    };
    match resolver.resolve(&options) {
        Err(_) => {}
        Ok(Resolution::Unsatisfiable(why)) => {
            let r = report::resolve::ResolveReport::unsatisfiable(reg, &stack, &why);
            stackreg_fuzz::printable("resolve (no plan)", &r.to_string());
            stackreg_fuzz::markdown("resolve --format markdown (no plan)", &r.markdown());
            stackreg_fuzz::json(
                "resolve --format json (no plan)",
                &report::json(&r).expect("answers serialise"),
            );
            if let Some(exists) = any_plan(reg, &stack, 5_000) {
                assert!(
                    !exists,
                    "the resolver found no plan, but one exists:\n{}",
                    report::explain::text(&why)
                );
            }
        }
        Ok(Resolution::Resolved(plan)) => {
            if let Err(e) = check(reg, &stack, &plan.versions(), &[&stack.current], true) {
                panic!("a plan that breaks SPEC §4 ({e}): {:?}", plan.versions());
            }
            let r = report::resolve::ResolveReport::resolved(reg, &stack, &plan, today);
            stackreg_fuzz::printable("resolve", &r.to_string());
            stackreg_fuzz::markdown("resolve --format markdown", &r.markdown());
            stackreg_fuzz::json(
                "resolve --format json",
                &report::json(&r).expect("answers serialise"),
            );
            let g = report::graph::GraphReport::new(&stack.name, &plan);
            stackreg_fuzz::printable("graph", &g.to_string());
            stackreg_fuzz::printable("graph --format dot", &g.dot());
            stackreg_fuzz::printable("graph --format mermaid", &g.mermaid());
            stackreg_fuzz::json(
                "graph --format json",
                &report::json(&g).expect("answers serialise"),
            );
            for p in &plan.releases {
                let (chains, truncated) = plan.chains_to(p.component.as_str(), 50);
                assert!(
                    !chains.is_empty() || truncated,
                    "no chain to {}",
                    p.component
                );
                let w = report::why::WhyReport {
                    component: p.component.to_string(),
                    version: p.version.to_string(),
                    chains,
                    truncated,
                };
                stackreg_fuzz::printable("why", &w.to_string());
                stackreg_fuzz::markdown("why --format markdown", &w.markdown());
            }
            if let Ok(components) = outdated(&resolver, &plan, &options, today) {
                let o = report::outdated::OutdatedReport {
                    stack: stack.name.clone(),
                    components,
                };
                stackreg_fuzz::printable("outdated", &o.to_string());
                stackreg_fuzz::markdown("outdated --format markdown", &o.markdown());
                stackreg_fuzz::json(
                    "outdated --format json",
                    &report::json(&o).expect("answers serialise"),
                );
            }
        }
    }
});
