//! A fast reader for plain TOML, the part of TOML that manifests are written in.
//!
//! Every manifest is TOML, and the toml crate is what reads it. Most manifests, though,
//! use a small, plain part of the language: bare keys, `[table]` and `[[array]]` headers
//! of one key, one-line basic and literal strings, whole-number integers, booleans,
//! dates, arrays, and one-line inline tables. This module reads only that part, in one
//! pass with no intermediate document, several times as fast as the general parser; a
//! national catalogue of 10,000 component files spends most of a cold load parsing.
//!
//! It *declines* everything else: any other syntax (dotted keys, quoted keys, multi-line
//! strings, floats, times...), anything the toml crate would refuse (a duplicate key, a
//! control character, a bad escape), and any document the target type does not accept
//! (a missing or unknown field, a value of the wrong type). The caller then reads the
//! file with the toml crate, which gives the answer or the error with its span. So a
//! declined file costs a second parse and nothing else, and a document this module
//! accepts deserialises to exactly what the toml crate would give: the property tests
//! below compare the two on generated and mutated documents.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeOwned, IntoDeserializer as _};
use toml::value::Datetime;

/// `text` read into `T`, or `None` when this reader declines it (see the module docs).
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    let root = Parser {
        text,
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
    }
    .document()?;
    T::deserialize(Value::Table(root)).ok()
}

/// A parsed value; strings borrow from the text unless they hold escapes.
#[derive(Debug)]
enum Value<'a> {
    String(Cow<'a, str>),
    Integer(i64),
    Boolean(bool),
    Datetime(Datetime),
    Array(Vec<Value<'a>>),
    /// An array made by `[[key]]` headers (which later headers may extend).
    Tables(Vec<Table<'a>>),
    Table(Table<'a>),
}

/// A table's entries in the order written; keys are unique (a repeat is declined).
type Table<'a> = Vec<(&'a str, Value<'a>)>;

/// Why the reader declined: nothing more is needed, as the toml crate reads the file next.
#[derive(Debug)]
pub struct Declined;

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    /// How many arrays and inline tables the parser is inside.
    depth: usize,
}

/// Deeper nesting is declined, so that hostile input cannot exhaust the stack here.
const MAX_DEPTH: usize = 8;
/// Larger tables are declined (the duplicate check here is linear).
const MAX_KEYS: usize = 64;

/// Where key/value lines go: the root table, or the table a header opened.
#[derive(Clone, Copy)]
enum Target {
    Root,
    /// The root entry at this index: a `[key]` table, or the last table of `[[key]]`.
    Entry(usize),
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.at + ahead).copied()
    }

    fn skip_blank(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek() == Some(byte)).then(|| self.at += 1)
    }

    fn document(mut self) -> Option<Table<'a>> {
        let mut root: Table<'a> = Vec::new();
        let mut target = Target::Root;
        // A byte-order mark, or any other oddity at the start, is the toml crate's to judge.
        loop {
            self.skip_blank();
            match self.peek() {
                None => return Some(root),
                Some(b'\n') => self.at += 1,
                Some(b'\r' | b'#') => self.end_of_line()?,
                Some(b'[') => {
                    target = self.header(&mut root)?;
                    self.end_of_line()?;
                }
                Some(b) if is_bare(b) => {
                    let key = self.bare_key()?;
                    self.skip_blank();
                    self.eat(b'=')?;
                    self.skip_blank();
                    let value = self.value()?;
                    let table = match target {
                        Target::Root => &mut root,
                        Target::Entry(i) => match &mut root[i].1 {
                            Value::Table(t) => t,
                            Value::Tables(ts) => ts.last_mut()?,
                            _ => return None,
                        },
                    };
                    insert(table, key, value)?;
                    self.end_of_line()?;
                }
                Some(_) => return None,
            }
        }
    }

    /// Blanks, an optional comment, then a newline or the end of the text.
    fn end_of_line(&mut self) -> Option<()> {
        self.skip_blank();
        if self.peek() == Some(b'#') {
            self.at += 1;
            while let Some(b) = self.peek() {
                match b {
                    b'\n' | b'\r' => break,
                    b'\t' => {}
                    0..=0x1f | 0x7f => return None,
                    _ => {}
                }
                self.at += 1;
            }
        }
        match self.peek() {
            None => Some(()),
            Some(b'\n') => {
                self.at += 1;
                Some(())
            }
            Some(b'\r') if self.peek_at(1) == Some(b'\n') => {
                self.at += 2;
                Some(())
            }
            Some(_) => None,
        }
    }

    /// `[key]` or `[[key]]`, with one bare key: the table lines that follow go into.
    fn header(&mut self, root: &mut Table<'a>) -> Option<Target> {
        self.at += 1;
        let array = self.eat(b'[').is_some();
        self.skip_blank();
        let key = self.bare_key()?;
        self.skip_blank();
        self.eat(b']')?;
        if array {
            self.eat(b']')?;
        }
        let existing = root.iter().position(|(k, _)| *k == key);
        if existing.is_none() && root.len() == MAX_KEYS {
            return None;
        }
        match (existing, array) {
            (None, false) => root.push((key, Value::Table(Vec::new()))),
            (None, true) => root.push((key, Value::Tables(vec![Vec::new()]))),
            (Some(i), true) => match &mut root[i].1 {
                Value::Tables(ts) => {
                    ts.push(Vec::new());
                    return Some(Target::Entry(i));
                }
                _ => return None,
            },
            // A table defined twice, or over a key already given a value.
            (Some(_), false) => return None,
        }
        Some(Target::Entry(root.len() - 1))
    }

    fn bare_key(&mut self) -> Option<&'a str> {
        let start = self.at;
        while self.peek().is_some_and(is_bare) {
            self.at += 1;
        }
        if self.at == start {
            return None;
        }
        let key = &self.text[start..self.at];
        // A dotted key (`a.b = 1`) is the toml crate's to read.
        self.skip_blank();
        (self.peek() != Some(b'.')).then_some(key)
    }

    fn value(&mut self) -> Option<Value<'a>> {
        match self.peek()? {
            b'"' => self.basic_string().map(Value::String),
            b'\'' => self.literal_string().map(Value::String),
            b'[' | b'{' if self.depth == MAX_DEPTH => None,
            b'[' => {
                self.depth += 1;
                let array = self.array();
                self.depth -= 1;
                array
            }
            b'{' => {
                self.depth += 1;
                let table = self.inline_table();
                self.depth -= 1;
                table
            }
            b't' => self.word("true").map(|()| Value::Boolean(true)),
            b'f' => self.word("false").map(|()| Value::Boolean(false)),
            b'0'..=b'9' | b'-' => self.number_or_date(),
            _ => None,
        }
    }

    fn word(&mut self, word: &str) -> Option<()> {
        if !self.bytes[self.at..].starts_with(word.as_bytes()) {
            return None;
        }
        self.at += word.len();
        self.delimited()
    }

    /// Whether a scalar ends here: at a blank, a line end, a comment or a separator.
    fn delimited(&self) -> Option<()> {
        match self.peek() {
            None | Some(b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}' | b'#') => Some(()),
            Some(_) => None,
        }
    }

    /// A date (`2024-03-01`), or a decimal integer without signs, underscores or leading
    /// zeros; any other number or time is declined.
    fn number_or_date(&mut self) -> Option<Value<'a>> {
        let rest = &self.bytes[self.at..];
        let is_date = rest.len() >= 10
            && rest[..10].iter().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    *b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if is_date {
            let text = &self.text[self.at..self.at + 10];
            self.at += 10;
            // A date followed by a time (`2024-03-01T10:00`, `2024-03-01 10:00`).
            match self.peek() {
                Some(b'T' | b't') => return None,
                Some(b' ') if self.peek_at(1).is_some_and(|b| b.is_ascii_digit()) => return None,
                _ => {}
            }
            self.delimited()?;
            let dt: Datetime = text.parse().ok()?;
            return (dt.date.is_some() && dt.time.is_none() && dt.offset.is_none())
                .then_some(Value::Datetime(dt));
        }
        let start = self.at;
        self.eat(b'-');
        let digits = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        let count = self.at - digits;
        if count == 0 || (count > 1 && self.bytes[digits] == b'0') {
            return None;
        }
        self.delimited()?;
        self.text[start..self.at].parse().ok().map(Value::Integer)
    }

    /// `"..."` on one line; escapes make an owned string.
    fn basic_string(&mut self) -> Option<Cow<'a, str>> {
        self.at += 1;
        if self.peek() == Some(b'"') && self.peek_at(1) == Some(b'"') {
            return None; // a multi-line string
        }
        let start = self.at;
        let mut owned: Option<String> = None;
        let mut plain_from = start;
        loop {
            let b = self.peek()?;
            match b {
                b'"' => {
                    let tail = &self.text[plain_from..self.at];
                    self.at += 1;
                    return Some(match owned {
                        Some(mut s) => {
                            s.push_str(tail);
                            Cow::Owned(s)
                        }
                        None => Cow::Borrowed(tail),
                    });
                }
                b'\\' => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[plain_from..self.at]);
                    self.at += 1;
                    let c = match self.peek()? {
                        b'b' => '\u{8}',
                        b't' => '\t',
                        b'n' => '\n',
                        b'f' => '\u{c}',
                        b'r' => '\r',
                        b'"' => '"',
                        b'\\' => '\\',
                        b'u' => self.unicode(4)?,
                        b'U' => self.unicode(8)?,
                        _ => return None,
                    };
                    s.push(c);
                    self.at += 1;
                    plain_from = self.at;
                }
                b'\t' => self.at += 1,
                0..=0x1f | 0x7f => return None,
                _ => self.at += 1,
            }
        }
    }

    /// The scalar value of `\uXXXX` or `\UXXXXXXXX` (the parser is on the `u`), leaving
    /// the parser on its last digit.
    fn unicode(&mut self, len: usize) -> Option<char> {
        let hex = self.text.get(self.at + 1..self.at + 1 + len)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.at += len;
        char::from_u32(u32::from_str_radix(hex, 16).ok()?)
    }

    /// `'...'` on one line, with no escapes.
    fn literal_string(&mut self) -> Option<Cow<'a, str>> {
        self.at += 1;
        if self.peek() == Some(b'\'') && self.peek_at(1) == Some(b'\'') {
            return None; // a multi-line string
        }
        let start = self.at;
        loop {
            match self.peek()? {
                b'\'' => {
                    let s = &self.text[start..self.at];
                    self.at += 1;
                    return Some(Cow::Borrowed(s));
                }
                b'\t' => self.at += 1,
                0..=0x1f | 0x7f => return None,
                _ => self.at += 1,
            }
        }
    }

    /// Blanks, newlines and comments between the items of an array.
    fn skip_array_space(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n') => self.at += 1,
                Some(b'\r' | b'#') => {
                    self.end_of_line()?;
                }
                _ => return Some(()),
            }
        }
    }

    fn array(&mut self) -> Option<Value<'a>> {
        self.at += 1;
        let mut items = Vec::new();
        loop {
            self.skip_array_space()?;
            if self.eat(b']').is_some() {
                return Some(Value::Array(items));
            }
            items.push(self.value()?);
            self.skip_array_space()?;
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(Value::Array(items));
                }
                _ => return None,
            }
        }
    }

    /// `{ key = value, ... }` on one line, with no trailing comma (as TOML 1.0 has it).
    fn inline_table(&mut self) -> Option<Value<'a>> {
        self.at += 1;
        let mut table = Vec::new();
        self.skip_blank();
        if self.eat(b'}').is_some() {
            return Some(Value::Table(table));
        }
        loop {
            self.skip_blank();
            let key = self.bare_key()?;
            self.skip_blank();
            self.eat(b'=')?;
            self.skip_blank();
            let value = self.value()?;
            insert(&mut table, key, value)?;
            self.skip_blank();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(Value::Table(table));
                }
                _ => return None,
            }
        }
    }
}

fn is_bare(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Adds an entry, declining a key the table already has (and a table over `MAX_KEYS`).
fn insert<'a>(table: &mut Table<'a>, key: &'a str, value: Value<'a>) -> Option<()> {
    if table.len() == MAX_KEYS || table.iter().any(|(k, _)| *k == key) {
        return None;
    }
    table.push((key, value));
    Some(())
}

impl fmt::Display for Declined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("declined by the plain-TOML reader")
    }
}

impl std::error::Error for Declined {}

impl de::Error for Declined {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Declined
    }
}

/// Values are handed to serde as the toml crate hands over its own: a present value is
/// `Some`, a date is toml's datetime map, and a string names a unit variant.
impl<'de> de::Deserializer<'de> for Value<'de> {
    type Error = Declined;

    fn deserialize_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Declined> {
        match self {
            Value::String(Cow::Borrowed(s)) => visitor.visit_borrowed_str(s),
            Value::String(Cow::Owned(s)) => visitor.visit_string(s),
            Value::Integer(i) => visitor.visit_i64(i),
            Value::Boolean(b) => visitor.visit_bool(b),
            Value::Datetime(d) => {
                visitor.visit_map(toml_datetime::de::DatetimeDeserializer::new(d))
            }
            Value::Array(items) => visitor.visit_seq(Seq(items.into_iter())),
            Value::Tables(tables) => visitor.visit_seq(Seq(tables.into_iter().map(Value::Table))),
            Value::Table(table) => visitor.visit_map(Map {
                entries: table.into_iter(),
                value: None,
            }),
        }
    }

    fn deserialize_option<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Declined> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Declined> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Declined> {
        match self {
            Value::String(s) => visitor.visit_enum(s.into_deserializer()),
            // Enums written as tables are left to the toml crate.
            _ => Err(Declined),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

struct Seq<I>(I);

impl<'de, I: Iterator<Item = Value<'de>>> de::SeqAccess<'de> for Seq<I> {
    type Error = Declined;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Declined> {
        self.0.next().map(|v| seed.deserialize(v)).transpose()
    }
}

struct Map<'de> {
    entries: std::vec::IntoIter<(&'de str, Value<'de>)>,
    value: Option<Value<'de>>,
}

impl<'de> de::MapAccess<'de> for Map<'de> {
    type Error = Declined;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Declined> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Declined> {
        seed.deserialize(self.value.take().ok_or(Declined)?)
    }
}

#[cfg(test)]
mod tests {
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
    fn mostly(
        good: &'static [&'static str],
        odd: &'static [&'static str],
    ) -> BoxedStrategy<String> {
        prop_oneof![40 => pick(good), 1 => pick(odd)].boxed()
    }

    fn value() -> impl Strategy<Value = String> {
        mostly(SCALARS, ODD_SCALARS).prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                (
                    prop::collection::vec(
                        (inner.clone(), pick(BLANKS), mostly(ENDS, ODD_ENDS)),
                        0..4
                    ),
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
        include_str!("../../../registry/components/fixmystreet.toml"),
        include_str!("../../../registry/components/bops.toml"),
        include_str!("../../../registry/interfaces/open311-georeport.toml"),
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
}
