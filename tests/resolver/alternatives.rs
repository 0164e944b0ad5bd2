//! Swap-in alternatives (SPEC §5): each fit on registries built to produce it, the
//! candidate set, the interfaces covered, and the lock-in report.

use stackreg::model::Registry;
use stackreg::model::{Kind, Licence, Lifecycle};
use stackreg::resolve::alternatives::{Alternatives, Fit, alternatives, lock_in};
use stackreg::resolve::{Options, Resolution, Resolver};

use crate::support::*;

fn alts(reg: &Registry, s: &stackreg::model::Stack, x: &str, ignore_policy: bool) -> Alternatives {
    let resolver = Resolver::new(reg, s);
    let Resolution::Resolved(plan) = resolver.resolve(&Options::default()).unwrap() else {
        panic!("no plan")
    };
    alternatives(&resolver, &plan, &Options::default(), &id(x), ignore_policy).expect("in the plan")
}

fn fits(a: &Alternatives) -> Vec<(String, Fit)> {
    a.alternatives
        .iter()
        .map(|x| (x.component.to_string(), x.fit))
        .collect()
}

/// An identity provider `idp-*` serving capability `identity` and providing `sso`.
fn idp(name: &str, sso: &str) -> stackreg::model::Component {
    let mut r = release("1.0.0");
    r.provides.insert(id("sso"), v(sso));
    let mut c = component(name, vec![r]);
    c.capabilities = vec![id("identity")];
    c
}

/// A portal that needs `sso` ^1 from someone.
fn portal() -> stackreg::model::Component {
    let mut r = release("1.0.0");
    r.requires.insert(id("sso"), req("^1"));
    component("portal", vec![r])
}

#[test]
fn classifies_drop_in_with_changes_and_not_viable() {
    let mut reg = empty_registry();
    add(&mut reg, portal());
    add(&mut reg, idp("idp-a", "1.0.0"));
    // Drop-in: provides sso 1.x with nothing else.
    add(&mut reg, idp("idp-b", "1.0.0"));
    // With changes: needs a database that is not in the plan yet.
    let mut c = idp("idp-c", "1.0.0");
    c.releases[0].depends.insert(id("db"), req("*"));
    add(&mut reg, c);
    add(&mut reg, component("db", vec![release("1.0.0")]));
    // Not viable: only speaks sso 2.x, which the portal cannot use, and nothing else
    // provides sso 1.x once idp-a is gone... except idp-b, so make it conflict with it.
    let mut d = idp("idp-d", "2.0.0");
    d.releases[0].conflicts.insert(id("idp-b"), req("*"));
    d.releases[0].conflicts.insert(id("idp-c"), req("*"));
    add(&mut reg, d);
    let s = stack(vec![
        ("web", need_component("portal", "*")),
        ("sign-in", need_component("idp-a", "*")),
    ]);
    let a = alts(&reg, &s, "idp-a", false);
    assert_eq!(
        fits(&a),
        [
            ("idp-b".into(), Fit::DropIn),
            ("idp-c".into(), Fit::WithChanges),
            ("idp-d".into(), Fit::NotViable),
        ]
    );
    let with = &a.alternatives[1];
    assert_eq!(with.changes.len(), 1);
    assert_eq!(with.changes[0].component, id("db"));
    assert_eq!(
        (with.changes[0].from.clone(), with.changes[0].to.clone()),
        (None, Some(v("1.0.0")))
    );
    assert_eq!(a.alternatives[0].covers, [id("sso")]);
    assert_eq!(a.alternatives[2].missing, [id("sso")]);
    assert!(
        a.alternatives[2]
            .reason
            .as_ref()
            .unwrap()
            .to_string()
            .contains("idp-d"),
        "{:?}",
        a.alternatives[2].reason
    );
    assert_eq!(a.uses.len(), 1);
}

#[test]
fn drop_in_means_the_rest_of_the_plan_is_identical() {
    let mut reg = empty_registry();
    add(&mut reg, portal());
    add(&mut reg, idp("idp-a", "1.0.0"));
    // idp-b works only with an older portal: a plan exists, but it moves the portal.
    add(
        &mut reg,
        component("portal", vec![release("1.0.0"), release("2.0.0")]),
    );
    {
        let p = reg.components.get_mut(&id("portal")).unwrap();
        p.releases[1].requires.insert(id("sso"), req("^1"));
        p.releases[0].requires.insert(id("sso"), req(">=0"));
    }
    let mut b = idp("idp-b", "1.0.0");
    b.releases[0].conflicts.insert(id("portal"), req(">=2"));
    add(&mut reg, b);
    let s = stack(vec![
        ("web", need_component("portal", "*")),
        ("sign-in", need_capability("identity")),
    ]);
    let a = alts(&reg, &s, "idp-a", false);
    assert_eq!(fits(&a), [("idp-b".into(), Fit::WithChanges)]);
    let c = &a.alternatives[0].changes[0];
    assert_eq!(
        (c.component.as_str(), c.from.clone(), c.to.clone()),
        ("portal", Some(v("2.0.0")), Some(v("1.0.0")))
    );
}

#[test]
fn candidates_share_a_capability_or_a_provided_interface() {
    let mut reg = empty_registry();
    add(&mut reg, idp("idp-a", "1.0.0"));
    // Shares only the capability.
    let mut cap_only = component("cap-only", vec![release("1.0.0")]);
    cap_only.capabilities = vec![id("identity")];
    add(&mut reg, cap_only);
    // Provides the interface (in another version) under another capability.
    let mut iface_only = idp("iface-only", "2.0.0");
    iface_only.capabilities = vec![id("other")];
    add(&mut reg, iface_only);
    // Neither.
    add(&mut reg, component("unrelated", vec![release("1.0.0")]));
    let s = stack(vec![("sign-in", need_component("idp-a", "*"))]);
    let names: Vec<String> = alts(&reg, &s, "idp-a", false)
        .alternatives
        .iter()
        .map(|a| a.component.to_string())
        .collect();
    assert_eq!(names, ["cap-only", "iface-only"]);
}

#[test]
fn policy_hides_candidates_unless_ignored() {
    let mut reg = empty_registry();
    add(&mut reg, idp("idp-a", "1.0.0"));
    let mut saas = idp("idp-saas", "1.0.0");
    saas.kind = Kind::Saas;
    add(&mut reg, saas);
    {
        let a = reg.components.get_mut(&id("idp-a")).unwrap();
        a.kind = Kind::SelfHosted;
    }
    let mut s = stack(vec![("sign-in", need_capability("identity"))]);
    s.policy.kinds = Some(vec![Kind::SelfHosted]);
    let a = alts(&reg, &s, "idp-a", false);
    assert!(a.alternatives.is_empty());
    assert_eq!(a.hidden_by_policy, [id("idp-saas")]);
    let a = alts(&reg, &s, "idp-a", true);
    assert_eq!(fits(&a), [("idp-saas".into(), Fit::DropIn)]);
    assert!(a.alternatives[0].excluded_by.is_some());
}

#[test]
fn differences_name_what_changes() {
    let mut reg = empty_registry();
    let mut a = idp("idp-a", "1.0.0");
    a.assurances = vec!["wcag-2.2-aa".into()];
    add(&mut reg, a);
    let mut b = idp("idp-b", "1.0.0");
    b.licence = Licence::parse("LicenseRef-Proprietary").unwrap();
    b.kind = Kind::SelfHosted;
    b.lifecycle = Lifecycle::Beta;
    b.assurances = vec!["iso-27001".into()];
    add(&mut reg, b);
    let s = stack(vec![("sign-in", need_capability("identity"))]);
    let alt = &alts(&reg, &s, "idp-a", false).alternatives[0];
    let d = &alt.differences;
    assert_eq!(
        d.open_source.as_ref().map(|x| (x.from, x.to)),
        Some((true, false))
    );
    assert_eq!(
        d.kind.as_ref().map(|x| (x.from, x.to)),
        Some((Kind::Saas, Kind::SelfHosted))
    );
    assert_eq!(
        d.lifecycle.as_ref().map(|x| (x.from, x.to)),
        Some((Lifecycle::Live, Lifecycle::Beta))
    );
    assert_eq!(d.assurances_gained, ["iso-27001"]);
    assert_eq!(d.assurances_lost, ["wcag-2.2-aa"]);
}

#[test]
fn lock_in_report_flags_components_without_alternatives_and_single_supply() {
    let mut reg = empty_registry();
    add(&mut reg, portal());
    add(&mut reg, idp("idp-a", "1.0.0"));
    add(&mut reg, idp("idp-b", "1.0.0"));
    let mut app = release("1.0.0");
    app.requires.insert(id("pay-api"), req("^1"));
    let mut app = component("app", vec![app]);
    app.capabilities = vec![id("shop")];
    add(&mut reg, app);
    reg.components.get_mut(&id("portal")).unwrap().capabilities = vec![id("web")];
    let mut pay = release("1.0.0");
    pay.provides.insert(id("pay-api"), v("1.0.0"));
    let mut pay = component("pay", vec![pay]);
    pay.capabilities = vec![id("payments")];
    add(&mut reg, pay);
    let s = stack(vec![
        ("web", need_component("portal", "*")),
        ("shop", need_component("app", "*")),
    ]);
    let resolver = Resolver::new(&reg, &s);
    let Resolution::Resolved(plan) = resolver.resolve(&Options::default()).unwrap() else {
        panic!()
    };
    let report = lock_in(&resolver, &plan, &Options::default(), false);
    let locked: Vec<String> = report
        .components
        .iter()
        .filter(|a| a.is_lock_in())
        .map(|a| a.component.to_string())
        .collect();
    assert_eq!(locked, ["app", "pay", "portal"]);
    let supply: Vec<(String, String)> = report
        .single_supply
        .iter()
        .map(|s| (s.interface.to_string(), s.provider.to_string()))
        .collect();
    assert_eq!(supply, [("pay-api".to_string(), "pay".to_string())]);
}

#[test]
fn a_member_of_the_plan_moves_rather_than_a_new_provider_joins() {
    // forms-p is planned at 2.0.0 (form 2.0.0); case-y, in place of case-x, requires
    // form ^1, which forms-p 1.0.0 and forms-z provide. SPEC §4 prefers a component
    // already in the plan: forms-p moves to 1.0.0, and forms-z stays out.
    let mut reg = empty_registry();
    let mut old = release("1.0.0");
    old.provides.insert(id("form"), v("1.0.0"));
    let mut new = release("2.0.0");
    new.provides.insert(id("form"), v("2.0.0"));
    let mut p = component("forms-p", vec![old, new]);
    p.capabilities = vec![id("forms")];
    add(&mut reg, p);
    let mut z = release("1.0.0");
    z.provides.insert(id("form"), v("1.0.0"));
    add(&mut reg, component("forms-z", vec![z]));
    let mut x = component("case-x", vec![release("1.0.0")]);
    x.capabilities = vec![id("case")];
    add(&mut reg, x);
    let mut yr = release("1.0.0");
    yr.requires.insert(id("form"), req("^1"));
    let mut y = component("case-y", vec![yr]);
    y.capabilities = vec![id("case")];
    add(&mut reg, y);
    let s = stack(vec![
        ("case", need_capability("case")),
        ("forms", need_capability("forms")),
    ]);
    let resolver = Resolver::new(&reg, &s);
    let Resolution::Resolved(plan) = resolver.resolve(&Options::default()).unwrap() else {
        panic!("no plan")
    };
    let changes = |options: &Options| -> Vec<(String, Option<String>, Option<String>)> {
        let a = alternatives(&resolver, &plan, options, &id("case-x"), false).unwrap();
        let y = a
            .alternatives
            .iter()
            .find(|a| a.component == id("case-y"))
            .unwrap();
        assert_eq!(y.fit, Fit::WithChanges);
        y.changes
            .iter()
            .map(|c| {
                (
                    c.component.to_string(),
                    c.from.as_ref().map(ToString::to_string),
                    c.to.as_ref().map(ToString::to_string),
                )
            })
            .collect()
    };
    let expected = vec![(
        "forms-p".to_string(),
        Some("2.0.0".into()),
        Some("1.0.0".into()),
    )];
    assert_eq!(changes(&Options::default()), expected);
    // Solving the candidate over the whole registry decides forms-p for the `forms` need
    // first, at its planned version, and then adds forms-z: a plan too, one change as
    // well, but not the one the preference order gives.
    let solved = Options {
        exhaustive: true,
        ..Options::default()
    };
    assert_eq!(
        changes(&solved),
        [("forms-z".to_string(), None, Some("1.0.0".into()))]
    );
}

#[test]
fn the_lock_in_report_says_how_far_it_has_got() {
    use stackreg::resolve::alternatives::lock_in_with_progress;
    let mut reg = empty_registry();
    add(&mut reg, portal());
    for name in ["idp-a", "idp-b", "idp-c"] {
        add(&mut reg, idp(name, "1.0.0"));
    }
    let s = stack(vec![
        ("web", need_component("portal", "*")),
        ("sign-in", need_capability("identity")),
    ]);
    let resolver = Resolver::new(&reg, &s);
    let Resolution::Resolved(plan) = resolver.resolve(&Options::default()).unwrap() else {
        panic!("no plan")
    };
    let mut seen = Vec::new();
    let report = lock_in_with_progress(&resolver, &plan, &Options::default(), false, &mut |at| {
        seen.push((at.done, at.total))
    });
    // Two candidates for the identity provider, none for the portal.
    assert_eq!(seen.first(), Some(&(0, 2)));
    assert_eq!(seen.last(), Some(&(2, 2)));
    assert!(
        seen.windows(2)
            .all(|w| w[0].0 <= w[1].0 && w[0].1 == w[1].1),
        "{seen:?}"
    );
    let plain = lock_in(&resolver, &plan, &Options::default(), false);
    assert_eq!(report.components, plain.components);
}
