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
    /// A local date, as written (`YYYY-MM-DD`, checked by serde's reading of it).
    Date(&'a str),
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
            return Some(Value::Date(text));
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
            Value::Date(text) => visitor.visit_map(DateMap(Some(text))),
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

/// A date handed over as the toml crate hands one over (`toml_datetime::de`): a map of
/// one entry, toml's private datetime key and the date's text, which the datetime's own
/// reader then parses (a date that is not one, such as `2023-02-30`, fails there).
struct DateMap<'de>(Option<&'de str>);

/// The key `toml_datetime` reads a datetime under; the property tests fail if it moves.
const DATETIME_KEY: &str = "$__toml_private_datetime";

impl<'de> de::MapAccess<'de> for DateMap<'de> {
    type Error = Declined;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Declined> {
        if self.0.is_none() {
            return Ok(None);
        }
        seed.deserialize(BorrowedStrDeserializer::new(DATETIME_KEY))
            .map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Declined> {
        seed.deserialize(BorrowedStrDeserializer::new(self.0.take().ok_or(Declined)?))
    }
}

#[cfg(test)]
mod tests;
