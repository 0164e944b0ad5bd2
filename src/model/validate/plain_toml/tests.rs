//! The plain-TOML reader against the toml crate, on generated and mutated documents.

use proptest::prelude::*;

use super::from_str;
use crate::model::manifest::{ComponentFile, InterfaceFile};

/// What the toml crate reads `text` as, when this reader accepts it: the two must agree.
fn agrees(text: &str) -> Result<bool, TestCaseError> {
    let Some(plain) = from_str::<toml::Table>(text) else {
        return Ok(false);
    };
    match toml::from_str::<toml::Table>(text) {
        Ok(full) => prop_assert_eq!(plain, full, "read differently: {:?}", text),
        Err(e) => prop_assert!(false, "accepted what toml refuses ({e}): {text:?}"),
    }
    Ok(true)
}

fn typed_agree(text: &str) -> Result<(), TestCaseError> {
    if let Some(plain) = from_str::<ComponentFile>(text) {
        match toml::from_str::<ComponentFile>(text) {
            Ok(full) => prop_assert_eq!(format!("{plain:?}"), format!("{full:?}")),
            Err(e) => prop_assert!(false, "accepted what toml refuses ({e}): {text:?}"),
        }
    }
    if let Some(plain) = from_str::<InterfaceFile>(text) {
        match toml::from_str::<InterfaceFile>(text) {
            Ok(full) => prop_assert_eq!(format!("{plain:?}"), format!("{full:?}")),
            Err(e) => prop_assert!(false, "accepted what toml refuses ({e}): {text:?}"),
        }
    }
    Ok(())
}

/// Keys and scalars this reader takes, then near misses of every kind: generated
/// documents draw mostly from the first, so that many are accepted and compared.
const KEYS: &[&str] = &[
    "id", "name", "a", "b-c", "x_y", "1", "true", "release", "A-Z_09",
];
const ODD_KEYS: &[&str] = &["a.b", "a . b", "\"q\"", "'q'", "", "é"];

const SCALARS: &[&str] = &[
    "\"plain\"",
    "\"\"",
    "\"caf\u{e9} \u{1f600}\"",
    "\"tab\there\"",
    "\"a\\\"b\"",
    "\"\\\\\"",
    "\"\\n\\t\\b\\f\\r\"",
    "\"\\u00e9\\U0001F600\"",
    "'lit\\eral'",
    "''",
    "0",
    "-0",
    "7",
    "-42",
    "9223372036854775807",
    "-9223372036854775808",
    "true",
    "false",
    "2024-03-01",
    "2024-02-29",
];
const ODD_SCALARS: &[&str] = &[
    "\"\\ud800\"",
    "\"\\x41\"",
    "\"\\e\"",
    "\"\\q\"",
    "\"\\u12\"",
    "\"bell\u{7}\"",
    "\"del\u{7f}\"",
    "\"open",
    "\"\"\"multi\"\"\"",
    "'''m'''",
    "'a\u{1}'",
    "+1",
    "01",
    "1_000",
    "0x1f",
    "1.5",
    "1e3",
    "inf",
    "nan",
    "-",
    "9223372036854775808",
    "truex",
    "True",
    "2023-02-29",
    "2024-13-01",
    "2024-00-10",
    "2024-3-1",
    "2024-03-01T10:00:00",
    "2024-03-01 10:00:00",
    "2024-03-01t10:00",
    "10:00:00",
    "2024-03-01Z",
    "1979-05-27T07:32:00Z",
    "2024-03-0",
];

const BLANKS: &[&str] = &["", " ", "  ", "\t", " \t "];
const ENDS: &[&str] = &["\n", "\r\n", " # note\n", "\n\n", " #é\r\n"];
const ODD_ENDS: &[&str] = &["#\u{1}\n", "\r", " #\u{7f}\n"];

fn pick(from: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(from).prop_map(str::to_owned)
}

/// Mostly from `good`, now and then from `odd`.
fn mostly(good: &'static [&'static str], odd: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![40 => pick(good), 1 => pick(odd)].boxed()
}

fn value() -> impl Strategy<Value = String> {
    mostly(SCALARS, ODD_SCALARS).prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            (
                prop::collection::vec((inner.clone(), pick(BLANKS), mostly(ENDS, ODD_ENDS)), 0..4),
                any::<bool>()
            )
                .prop_map(|(items, trailing)| {
                    let mut s = "[".to_owned();
                    for (i, (v, blank, end)) in items.iter().enumerate() {
                        if i > 0 {
                            s.push(',');
                        }
                        // Some arrays run over lines, with comments between items.
                        if end.starts_with(' ') {
                            s.push_str(end);
                        }
                        s.push_str(blank);
                        s.push_str(v);
                    }
                    if trailing && !items.is_empty() {
                        s.push(',');
                    }
                    s.push(']');
                    s
                }),
            (
                prop::collection::vec((mostly(KEYS, ODD_KEYS), inner), 0..4),
                any::<bool>(),
                pick(BLANKS)
            )
                .prop_map(|(entries, trailing, blank)| {
                    let body: Vec<String> =
                        entries.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                    let comma = if trailing && !body.is_empty() {
                        ","
                    } else {
                        ""
                    };
                    format!("{{{blank}{}{comma}{blank}}}", body.join(", "))
                }),
        ]
    })
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (pick(BLANKS), mostly(KEYS, ODD_KEYS), pick(BLANKS), value(), pick(BLANKS), mostly(ENDS, ODD_ENDS))
            .prop_map(|(b0, k, b1, v, b2, e)| format!("{b0}{k}{b1}={b1}{v}{b2}{e}")),
        1 => (mostly(KEYS, ODD_KEYS), any::<bool>(), pick(BLANKS), mostly(ENDS, ODD_ENDS)).prop_map(|(k, array, b, e)| {
            if array {
                format!("[[{b}{k}{b}]]{e}")
            } else {
                format!("[{b}{k}{b}]{e}")
            }
        }),
        1 => mostly(ENDS, ODD_ENDS),
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(line(), 0..10).prop_map(|lines| lines.concat())
}

/// A byte of TOML's syntax, for mutating documents.
const SYNTAX: &[u8] = b"[]{}=,.\"'#\\ \t\n\r-_:0aTZ+\x01\x7f";

fn mutate(text: &str, edits: &[(usize, u8, u8)]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for &(at, what, byte) in edits {
        let at = if bytes.is_empty() {
            0
        } else {
            at % (bytes.len() + 1)
        };
        let byte = SYNTAX[usize::from(byte) % SYNTAX.len()];
        match what % 3 {
            0 => bytes.insert(at, byte),
            1 if at < bytes.len() => {
                bytes.remove(at);
            }
            _ if at < bytes.len() => bytes[at] = byte,
            _ => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn accepted_documents_read_as_the_toml_crate_reads_them(text in document()) {
        agrees(&text)?;
    }

    #[test]
    fn mutated_manifests_are_declined_or_read_alike(
        file in 0..SAMPLES.len(),
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..4),
    ) {
        let text = mutate(SAMPLES[file], &edits);
        agrees(&text)?;
        typed_agree(&text)?;
    }
}

/// The generators must give both kinds of document, or the properties above would
/// test little: count how many of each they give.
#[test]
fn the_generators_give_accepted_and_declined_documents() {
    use proptest::strategy::ValueTree as _;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut accepted, mut mutated_accepted) = (0, 0);
    let edits = prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..4);
    for i in 0..1000 {
        let text = document().new_tree(&mut runner).unwrap().current();
        accepted += usize::from(from_str::<toml::Table>(&text).is_some());
        let edits = edits.new_tree(&mut runner).unwrap().current();
        let text = mutate(SAMPLES[i % SAMPLES.len()], &edits);
        mutated_accepted += usize::from(from_str::<toml::Table>(&text).is_some());
    }
    assert!(
        (200..900).contains(&accepted),
        "{accepted} of 1000 generated"
    );
    assert!(
        (200..900).contains(&mutated_accepted),
        "{mutated_accepted} of 1000 mutated"
    );
}

const SAMPLES: &[&str] = &[
    include_str!("../../../../registry/components/fixmystreet.toml"),
    include_str!("../../../../registry/components/bops.toml"),
    include_str!("../../../../registry/interfaces/open311-georeport.toml"),
    "id = \"x\"\ncapabilities = [\n  \"a\", # one\n  \"b\",\n]\n\n[[release]]\nversion = '1.0.0'\nreleased = 2024-03-01\nprovides = { i = \"1.0.0\" }\n",
];

#[test]
fn every_sample_manifest_is_plain() {
    // The fast reader is only worth having if the files people write are plain: every
    // component and interface of the sample registry is, and reads as toml reads it.
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/registry");
    let mut read = 0;
    for folder in ["components", "interfaces"] {
        for entry in std::fs::read_dir(format!("{root}/{folder}")).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(agrees(&text).unwrap(), "declined {}", path.display());
            typed_agree(&text).unwrap();
            read += 1;
        }
    }
    assert!(read > 30, "{read}");
}

#[test]
fn what_it_declines() {
    for text in [
        "a.b = 1\n",
        "a = 1\na = 2\n",
        "[t]\n[t]\n",
        "a = [1]\n[[a]]\n",
        "a = 1.5\n",
        "a = \"\"\"x\"\"\"\n",
        "a = { b = 1, }\n",
        "a = { b = 1,\n c = 2 }\n",
        "a = 2024-03-01T10:00:00\n",
        "a = 1 b = 2\n",
        "\u{feff}a = 1\n",
        "a = \"x\"\r",
    ] {
        assert!(from_str::<toml::Table>(text).is_none(), "{text:?}");
    }
    let deep = format!("a = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    assert!(from_str::<toml::Table>(&deep).is_none());
    let wide: String = (0..1000).map(|i| format!("k{i} = {i}\n")).collect();
    assert!(from_str::<toml::Table>(&wide).is_none());
    assert!(toml::from_str::<toml::Table>(&wide).is_ok());
}
