//! What the fuzz targets check, written again here rather than taken from the code under
//! test: that output holds no character a terminal obeys, and that JSON parses and
//! markdown and CSV keep their shape. Plans are checked against SPEC §4 by the test kit's
//! oracle (`stackreg_testkit::oracle`), the one the resolver's property tests use.

use std::collections::BTreeMap;

use stackreg::diagnostic::Diagnostic;
use stackreg::model::{Excerpt, Focus, Listing, Registry};
use stackreg::report;

/// The first character of `s` a terminal or editor could act on or reorder: controls
/// other than newline, bidirectional formatting and invisible characters.
pub fn raw_control(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
    })
}

/// Panics unless `s`, printed as `what`, is safe on a terminal.
#[track_caller]
pub fn printable(what: &str, s: &str) {
    if let Some(c) = raw_control(s) {
        panic!("{what} holds a raw {c:?}:\n{s}");
    }
}

/// Panics unless `s` is JSON, printable, and (after parsing) a value.
#[track_caller]
pub fn json(what: &str, s: &str) {
    printable(what, s);
    if let Err(e) = serde_json::from_str::<serde_json::Value>(s) {
        panic!("{what} is not JSON ({e}):\n{s}");
    }
}

fn escaped_at(s: &str, i: usize) -> bool {
    s[..i].bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// Panics unless every markdown table in `s` keeps one column count.
#[track_caller]
pub fn markdown(what: &str, s: &str) {
    printable(what, s);
    let mut columns = None;
    for line in s.lines() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let pipes = line
            .char_indices()
            .filter(|&(i, c)| c == '|' && !escaped_at(line, i))
            .count();
        match columns {
            None => columns = Some(pipes),
            Some(n) if n != pipes => panic!("{what}: a row of {pipes} pipes, not {n}:\n{s}"),
            Some(_) => {}
        }
    }
}

/// Panics unless `s` is CSV whose records all have the header's number of fields, none
/// of which a spreadsheet would run as a formula.
#[track_caller]
pub fn csv(what: &str, s: &str) {
    printable(what, s);
    let mut records: Vec<Vec<String>> = Vec::new();
    let (mut field, mut record, mut quoted) = (String::new(), Vec::new(), false);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, '"') => panic!("{what}: a stray quote:\n{s}"),
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        !quoted && field.is_empty() && record.is_empty(),
        "{what}: unfinished:\n{s}"
    );
    let width = records.first().map_or(0, Vec::len);
    for r in &records {
        assert_eq!(r.len(), width, "{what}: {r:?}\n{s}");
        assert!(
            !r.iter().any(|f| f.starts_with(['=', '+', '-', '@'])),
            "{what}: a formula in {r:?}"
        );
    }
}

/// Renders findings in every format `validate` has, and checks each.
pub fn findings(diagnostics: Vec<Diagnostic>, sources: BTreeMap<String, String>) {
    let r = report::validation::ValidationReport::new(1, diagnostics, sources, "registry/".into());
    printable("validate (human)", &r.human(false));
    printable("validate (colour)", &strip_sgr(&r.human(true)));
    let github = r.github();
    printable("validate --format github", &github);
    for line in github.lines() {
        assert!(
            line.starts_with("::error file=")
                || line.starts_with("::warning file=")
                || line.starts_with("valid: ")
                || line.starts_with("invalid: "),
            "a GitHub annotation broken across lines: {line:?}"
        );
    }
    markdown("validate --format markdown", &r.markdown());
    json(
        "validate --format json",
        &report::json(&r).expect("answers serialise"),
    );
}

/// `s` without the colour codes the renderer itself adds (ESC [ ... m).
fn strip_sgr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
                assert!(
                    d.is_ascii_digit() || d == ';',
                    "an escape sequence that is not a colour: ESC [ ... {d:?}"
                );
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// Renders everything `list`, `interfaces` and `show` print about `registry`.
pub fn catalogue(registry: &Registry) {
    use report::list::{ComponentList, Filter};
    let list = ComponentList::new(&Listing::of(&registry), &Filter::default());
    printable("list", &list.to_string());
    markdown("list --format markdown", &list.markdown());
    csv("list --format csv", &list.csv());
    json(
        "list --format json",
        &report::json(&list).expect("answers serialise"),
    );
    let interfaces = report::interfaces::InterfaceList::new(registry);
    printable("interfaces", &interfaces.to_string());
    markdown("interfaces --format markdown", &interfaces.markdown());
    csv("interfaces --format csv", &interfaces.csv());
    json(
        "interfaces --format json",
        &report::json(&interfaces).expect("answers serialise"),
    );
    for c in registry.components.values() {
        let excerpt = Excerpt::of(&registry, Focus::Component(c.id.to_string()));
        let shown = report::show::ComponentReport::new(&excerpt, c, None);
        printable("show", &shown.to_string());
        markdown("show --format markdown", &shown.markdown());
        json(
            "show --format json",
            &report::json(&shown).expect("answers serialise"),
        );
    }
    for i in registry.interfaces.values() {
        let excerpt = Excerpt::of(&registry, Focus::Interface(i.id.to_string()));
        let shown = report::show::InterfaceReport::new(&excerpt, i);
        printable("show --interface", &shown.to_string());
        markdown("show --interface --format markdown", &shown.markdown());
        json(
            "show --interface --format json",
            &report::json(&shown).expect("answers serialise"),
        );
    }
}
