//! The resolver rule by rule (SPEC §4), each preference, and the explanations of six
//! classic reasons for having no plan, against registries built in memory.

use stackreg::model::Registry;
use stackreg::model::{Kind, Licence, Lifecycle};
use stackreg::resolve::{Options, Resolution, Resolver, resolve};

use crate::support::*;

fn plan_of(reg: &Registry, s: &stackreg::model::Stack) -> Vec<String> {
    match resolve(reg, s).unwrap() {
        Resolution::Resolved(p) => p
            .releases
            .iter()
            .map(|r| format!("{}@{}", r.component, r.version))
            .collect(),
        Resolution::Unsatisfiable(why) => {
            panic!("no plan:\n{}", stackreg::report::explain::text(&why))
        }
    }
}

fn why(reg: &Registry, s: &stackreg::model::Stack) -> String {
    match resolve(reg, s).unwrap() {
        Resolution::Resolved(p) => panic!("unexpected plan {p:?}"),
        Resolution::Unsatisfiable(why) => stackreg::report::explain::text(&why),
    }
}

fn provider(name: &str, iface: &str, iv: &str) -> stackreg::model::Component {
    let mut r = release("1.0.0");
    r.provides.insert(id(iface), v(iv));
    component(name, vec![r])
}

// ---- rule 1: every need is met -------------------------------------------------------

#[test]
fn component_need_takes_a_matching_release() {
    let mut reg = empty_registry();
    add(
        &mut reg,
        component(
            "app",
            vec![release("1.0.0"), release("2.0.0"), release("3.0.0")],
        ),
    );
    let s = stack(vec![("web", need_component("app", "^2"))]);
    assert_eq!(plan_of(&reg, &s), ["app@2.0.0"]);
}

#[test]
fn interface_need_takes_a_provider_in_range() {
    let mut reg = empty_registry();
    add(&mut reg, provider("old-notify", "notify", "1.0.0"));
    add(&mut reg, provider("new-notify", "notify", "2.0.0"));
    let s = stack(vec![("messages", need_interface("notify", "^2"))]);
    assert_eq!(plan_of(&reg, &s), ["new-notify@1.0.0"]);
}

#[test]
fn capability_need_takes_a_component_serving_it() {
    let mut reg = empty_registry();
    let mut cms = component("cms", vec![release("1.0.0")]);
    cms.capabilities = vec![id("cms")];
    add(&mut reg, cms);
    add(&mut reg, component("other", vec![release("1.0.0")]));
    let s = stack(vec![("website", need_capability("cms"))]);
    assert_eq!(plan_of(&reg, &s), ["cms@1.0.0"]);
}

// ---- rule 2: depends, requires (from another component) and conflicts -----------------

#[test]
fn depends_pulls_in_a_matching_release() {
    let mut reg = empty_registry();
    let mut app = release("1.0.0");
    app.depends.insert(id("db"), req(">=13, <16"));
    add(&mut reg, component("app", vec![app]));
    add(
        &mut reg,
        component(
            "db",
            vec![release("13.0.0"), release("15.0.0"), release("17.0.0")],
        ),
    );
    let s = stack(vec![("web", need_component("app", "*"))]);
    assert_eq!(plan_of(&reg, &s), ["app@1.0.0", "db@15.0.0"]);
}

#[test]
fn requires_is_met_by_another_component_only() {
    let mut reg = empty_registry();
    // `hub` both provides and requires `sso`: it may not satisfy itself.
    let mut hub = release("1.0.0");
    hub.provides.insert(id("sso"), v("1.0.0"));
    hub.requires.insert(id("sso"), req("^1"));
    add(&mut reg, component("hub", vec![hub]));
    add(&mut reg, provider("idp", "sso", "1.0.0"));
    let s = stack(vec![("portal", need_component("hub", "*"))]);
    assert_eq!(plan_of(&reg, &s), ["hub@1.0.0", "idp@1.0.0"]);
}

#[test]
fn conflicts_steer_to_a_compatible_version() {
    let mut reg = empty_registry();
    let mut pay = release("1.0.0");
    pay.conflicts.insert(id("gateway"), req("<2"));
    add(&mut reg, component("pay", vec![pay]));
    add(
        &mut reg,
        component("gateway", vec![release("1.5.0"), release("2.0.0")]),
    );
    let s = stack(vec![
        ("payments", need_component("pay", "*")),
        ("cards", need_component("gateway", "*")),
    ]);
    assert_eq!(plan_of(&reg, &s), ["gateway@2.0.0", "pay@1.0.0"]);
}

// ---- rule 3: policy --------------------------------------------------------------------

#[test]
fn policy_excludes_candidates_by_each_rule() {
    let mut reg = empty_registry();
    let mut closed = provider("a-closed", "sso", "1.0.0");
    closed.licence = Licence::parse("LicenseRef-Proprietary").unwrap();
    add(&mut reg, closed);
    let mut saas = provider("b-saas", "sso", "1.0.0");
    saas.kind = Kind::Saas;
    add(&mut reg, saas);
    let mut alpha = provider("c-alpha", "sso", "1.0.0");
    alpha.lifecycle = Lifecycle::Alpha;
    alpha.kind = Kind::SelfHosted;
    add(&mut reg, alpha);
    let mut excluded = provider("d-excluded", "sso", "1.0.0");
    excluded.kind = Kind::SelfHosted;
    add(&mut reg, excluded);
    let mut supplier = provider("e-supplier", "sso", "1.0.0");
    supplier.kind = Kind::SelfHosted;
    supplier.supplier = "Avoid Ltd".into();
    add(&mut reg, supplier);
    let mut unassured = provider("f-unassured", "sso", "1.0.0");
    unassured.kind = Kind::SelfHosted;
    add(&mut reg, unassured);
    let mut ok = provider("g-ok", "sso", "1.0.0");
    ok.kind = Kind::SelfHosted;
    ok.assurances = vec!["wcag-2.2-aa".into()];
    add(&mut reg, ok);
    let mut s = stack(vec![("sign-in", need_interface("sso", "^1"))]);
    s.policy.open_source = true;
    s.policy.kinds = Some(vec![Kind::SelfHosted]);
    s.policy.lifecycle = Some(vec![Lifecycle::Live]);
    s.policy.exclude_components = vec![id("d-excluded")];
    s.policy.exclude_suppliers = vec!["avoid ltd".into()];
    s.policy.assurances = vec!["wcag-2.2-aa".into()];
    assert_eq!(plan_of(&reg, &s), ["g-ok@1.0.0"]);
}

#[test]
fn retired_components_are_excluded_by_default() {
    let mut reg = empty_registry();
    let mut old = provider("a-old", "sso", "1.0.0");
    old.lifecycle = Lifecycle::Retired;
    add(&mut reg, old);
    add(&mut reg, provider("b-new", "sso", "1.0.0"));
    let s = stack(vec![("sign-in", need_interface("sso", "*"))]);
    assert_eq!(plan_of(&reg, &s), ["b-new@1.0.0"]);
}

// ---- rule 4: yanked releases -----------------------------------------------------------

#[test]
fn yanked_releases_are_skipped_unless_current_or_locked() {
    let mut reg = empty_registry();
    let mut bad = release("2.1.0");
    bad.yanked = Some("security".into());
    add(&mut reg, component("app", vec![release("2.0.0"), bad]));
    let mut s = stack(vec![("web", need_component("app", "^2"))]);
    assert_eq!(plan_of(&reg, &s), ["app@2.0.0"]);

    s.current.insert(id("app"), v("2.1.0"));
    assert_eq!(plan_of(&reg, &s), ["app@2.1.0"]);

    s.current.clear();
    let resolver = Resolver::new(&reg, &s);
    let options = Options {
        locked: [(id("app"), v("2.1.0"))].into(),
        ..Options::default()
    };
    let Resolution::Resolved(p) = resolver.resolve(&options).unwrap() else {
        panic!("no plan")
    };
    assert_eq!(p.releases[0].version, v("2.1.0"));
}

// ---- rule 5: nothing extra -------------------------------------------------------------

#[test]
fn plans_hold_only_what_needs_reach() {
    let mut reg = empty_registry();
    let mut app = release("1.0.0");
    app.requires.insert(id("sso"), req("^1"));
    add(&mut reg, component("app", vec![app]));
    add(&mut reg, provider("idp", "sso", "1.0.0"));
    add(&mut reg, component("unrelated", vec![release("1.0.0")]));
    let s = stack(vec![("web", need_component("app", "*"))]);
    assert_eq!(plan_of(&reg, &s), ["app@1.0.0", "idp@1.0.0"]);
}

// ---- preferences -----------------------------------------------------------------------

#[test]
fn highest_version_is_preferred() {
    let mut reg = empty_registry();
    add(
        &mut reg,
        component(
            "app",
            vec![release("1.0.0"), release("1.4.0"), release("1.2.0")],
        ),
    );
    let s = stack(vec![("web", need_component("app", "^1"))]);
    assert_eq!(plan_of(&reg, &s), ["app@1.4.0"]);
}

#[test]
fn current_versions_are_kept_where_a_plan_allows() {
    let mut reg = empty_registry();
    add(
        &mut reg,
        component("app", vec![release("1.0.0"), release("1.4.0")]),
    );
    let mut s = stack(vec![("web", need_component("app", "^1"))]);
    s.current.insert(id("app"), v("1.0.0"));
    assert_eq!(plan_of(&reg, &s), ["app@1.0.0"]);
    // When the stack no longer allows it, the current version gives way.
    s.needs.insert(id("web"), need_component("app", ">=1.2"));
    assert_eq!(plan_of(&reg, &s), ["app@1.4.0"]);
}

#[test]
fn components_already_in_the_plan_are_preferred_as_providers() {
    let mut reg = empty_registry();
    add(&mut reg, provider("a-first-by-id", "sso", "1.0.0"));
    let mut suite = release("1.0.0");
    suite.provides.insert(id("sso"), v("1.0.0"));
    add(&mut reg, component("suite", vec![suite]));
    let s = stack(vec![
        ("office", need_component("suite", "*")),
        ("sign-in", need_interface("sso", "^1")),
    ]);
    assert_eq!(plan_of(&reg, &s), ["suite@1.0.0"]);
}

#[test]
fn prefer_then_lifecycle_then_id_choose_among_providers() {
    let mut reg = empty_registry();
    let mut beta = provider("a-beta", "sso", "1.0.0");
    beta.lifecycle = Lifecycle::Beta;
    add(&mut reg, beta);
    add(&mut reg, provider("b-live", "sso", "1.0.0"));
    add(&mut reg, provider("c-live", "sso", "1.0.0"));
    let mut s = stack(vec![("sign-in", need_interface("sso", "^1"))]);
    assert_eq!(
        plan_of(&reg, &s),
        ["b-live@1.0.0"],
        "live before beta, then id"
    );
    s.prefer = vec![id("c-live")];
    assert_eq!(plan_of(&reg, &s), ["c-live@1.0.0"], "[prefer] first");
    s.prefer = vec![id("a-beta")];
    assert_eq!(
        plan_of(&reg, &s),
        ["a-beta@1.0.0"],
        "[prefer] beats lifecycle"
    );
}

#[test]
fn resolution_is_deterministic_on_the_sample_registry() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("registry");
    let source = stackreg::source::dir::DirSource::new(&root, "registry".into());
    let loaded = stackreg::catalog::load(&source).unwrap();
    for s in loaded.registry.stacks.values() {
        let first = format!("{:?}", resolve(&loaded.registry, s).unwrap());
        for _ in 0..5 {
            assert_eq!(
                format!("{:?}", resolve(&loaded.registry, s).unwrap()),
                first
            );
        }
    }
}

// ---- explanations of six classic failures ----------------------------------------------

#[test]
fn explains_incompatible_ranges_of_a_shared_dependency() {
    let mut reg = empty_registry();
    let mut a = release("1.0.0");
    a.depends.insert(id("lib"), req("^1"));
    add(&mut reg, component("app-a", vec![a]));
    let mut b = release("1.0.0");
    b.depends.insert(id("lib"), req("^2"));
    add(&mut reg, component("app-b", vec![b]));
    add(
        &mut reg,
        component("lib", vec![release("1.0.0"), release("2.0.0")]),
    );
    let s = stack(vec![
        ("first", need_component("app-a", "*")),
        ("second", need_component("app-b", "*")),
    ]);
    assert_eq!(
        why(&reg, &s),
        "\
no plan exists: needs `first` and `second` cannot all be met together
- need `second` (component app-b) cannot be met:
  - app-b 1.0.0, which:
    - depends on lib ^2, which cannot be met:
      - lib 2.0.0, but lib 1.0.0 is wanted elsewhere (a plan holds one release per component)
- need `first` (component app-a) can be met by:
  - app-a 1.0.0, which:
    - depends on lib ^1, which can be met by:
      - lib 1.0.0
"
    );
}

#[test]
fn explains_an_interface_with_no_provider_in_range() {
    let mut reg = empty_registry();
    add(&mut reg, provider("notify", "notify-api", "2.0.0"));
    let s = stack(vec![("messages", need_interface("notify-api", "^3"))]);
    assert_eq!(
        why(&reg, &s),
        "\
no plan exists: need `messages` cannot be met
- need `messages` (interface notify-api ^3), but no component provides interface notify-api ^3
"
    );
}

#[test]
fn explains_a_policy_excluding_the_only_provider() {
    let mut reg = empty_registry();
    let mut crm = provider("crm", "crm-api", "1.0.0");
    crm.licence = Licence::parse("LicenseRef-Proprietary").unwrap();
    add(&mut reg, crm);
    let mut s = stack(vec![("contact-centre", need_interface("crm-api", "^1"))]);
    s.policy.open_source = true;
    assert_eq!(why(&reg, &s), "\
no plan exists: need `contact-centre` cannot be met
- need `contact-centre` (interface crm-api ^1) cannot be met:
  - crm 1.0.0 is excluded: its licence `LicenseRef-Proprietary` is not open source (policy open-source)
");
}

#[test]
fn explains_two_needed_components_that_conflict() {
    let mut reg = empty_registry();
    let mut a = release("1.0.0");
    a.conflicts.insert(id("pay-b"), req("*"));
    add(&mut reg, component("pay-a", vec![a]));
    add(&mut reg, component("pay-b", vec![release("1.0.0")]));
    let s = stack(vec![
        ("cards", need_component("pay-a", "*")),
        ("direct-debit", need_component("pay-b", "*")),
    ]);
    assert_eq!(
        why(&reg, &s),
        "\
no plan exists: needs `cards` and `direct-debit` cannot all be met together
- need `cards` (component pay-a) cannot be met:
  - pay-a 1.0.0, which conflicts with pay-b *, needed elsewhere
- need `direct-debit` (component pay-b) can be met by:
  - pay-b 1.0.0
"
    );
}

#[test]
fn explains_that_only_a_yanked_release_is_left() {
    let mut reg = empty_registry();
    let mut bad = release("2.0.0");
    bad.yanked = Some("security: session fixation, use 2.0.1".into());
    add(&mut reg, component("idp", vec![release("1.0.0"), bad]));
    let s = stack(vec![("sign-in", need_component("idp", "^2"))]);
    assert_eq!(
        why(&reg, &s),
        "\
no plan exists: need `sign-in` cannot be met
- need `sign-in` (component idp ^2) cannot be met:
  - idp 2.0.0 is excluded: it is yanked (security: session fixation, use 2.0.1)
"
    );
}

#[test]
fn explains_a_transitive_chain_three_levels_deep() {
    let mut reg = empty_registry();
    let mut app = release("1.0.0");
    app.depends.insert(id("layer-a"), req("^1"));
    add(&mut reg, component("app", vec![app]));
    let mut a = release("1.0.0");
    a.depends.insert(id("layer-b"), req("^1"));
    add(&mut reg, component("layer-a", vec![a]));
    let mut b = release("1.0.0");
    b.depends.insert(id("layer-c"), req("^2"));
    add(&mut reg, component("layer-b", vec![b]));
    add(&mut reg, component("layer-c", vec![release("1.0.0")]));
    let s = stack(vec![("web", need_component("app", "*"))]);
    assert_eq!(
        why(&reg, &s),
        "\
no plan exists: need `web` cannot be met
- need `web` (component app) cannot be met:
  - app 1.0.0, which:
    - depends on layer-a ^1, which cannot be met:
      - layer-a 1.0.0, which:
        - depends on layer-b ^1, which cannot be met:
          - layer-b 1.0.0, which:
            - depends on layer-c ^2, but no release of layer-c matches (it has 1.0.0)
"
    );
}
