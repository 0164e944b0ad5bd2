//! The fields of a model value as labelled text, and the fields that differ between two
//! values: what `registry diff`, `registry log` and `publish` report as a change's
//! details (`supplier: Old Ltd → New Ltd`, `requires govuk-notify-api: ^1 → ^2`).
//!
//! The labels come from the model's own `Serialize` derives (the manifest's spelling:
//! `support-ends`, `policy exclude-suppliers`), so a field added to the model is compared
//! with no change here. Nested structs give `parent child` labels, maps one label per key
//! (`provides open311-georeport`), lists one label with their items joined by `, `; an
//! absent value (`None`, an empty list) is the empty text.

use std::collections::BTreeMap;
use std::fmt;

use serde::ser::{self, Serialize, Serializer};

/// Where a field sits, for ordering: struct fields by declaration, map entries by key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Field(usize),
    Key(String),
}

/// One field that differs: its label, and its text before and after (`None` when absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub label: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Every field of `value` as `(label, text)`, in declaration order, leaving out the
/// top-level fields named in `skip`.
pub fn fields<T: Serialize + ?Sized>(value: &T, skip: &[&str]) -> Vec<(String, String)> {
    leaves(value, skip)
        .into_values()
        .filter(|(_, text)| !text.is_empty())
        .collect()
}

/// The fields that differ from `old` (nothing, when `None`) to `new`, in declaration order
/// (map entries by key), leaving out the top-level fields named in `skip`.
pub fn differences<T: Serialize + ?Sized>(
    old: Option<&T>,
    new: &T,
    skip: &[&str],
) -> Vec<Difference> {
    let mut all: BTreeMap<Vec<Step>, (String, Option<String>, Option<String>)> = BTreeMap::new();
    if let Some(old) = old {
        for (at, (label, text)) in leaves(old, skip) {
            all.insert(at, (label, Some(text), None));
        }
    }
    for (at, (label, text)) in leaves(new, skip) {
        all.entry(at).or_insert_with(|| (label, None, None)).2 = Some(text);
    }
    let present = |t: Option<String>| t.filter(|t| !t.is_empty());
    all.into_values()
        .filter_map(|(label, from, to)| {
            let (from, to) = (present(from), present(to));
            (from != to).then_some(Difference { label, from, to })
        })
        .collect()
}

fn leaves<T: Serialize + ?Sized>(
    value: &T,
    skip: &[&str],
) -> BTreeMap<Vec<Step>, (String, String)> {
    let mut out = Leaves {
        skip,
        at: Vec::new(),
        labels: Vec::new(),
        found: BTreeMap::new(),
    };
    // A value that cannot be flattened (a type the model does not use) has no fields.
    if value.serialize(&mut out).is_err() {
        return BTreeMap::new();
    }
    out.found
}

/// Collects the leaves of a value.
struct Leaves<'s> {
    skip: &'s [&'s str],
    at: Vec<Step>,
    labels: Vec<String>,
    found: BTreeMap<Vec<Step>, (String, String)>,
}

impl Leaves<'_> {
    fn leaf(&mut self, text: String) {
        self.found
            .insert(self.at.clone(), (self.labels.join(" "), text));
    }

    fn nested<T: Serialize + ?Sized>(
        &mut self,
        step: Step,
        label: String,
        value: &T,
    ) -> Result<(), Unsupported> {
        self.at.push(step);
        self.labels.push(label);
        let done = value.serialize(&mut *self);
        self.at.pop();
        self.labels.pop();
        done
    }
}

/// What the flattener does not take (the model has none of it).
#[derive(Debug)]
struct Unsupported(String);

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<M: fmt::Display>(msg: M) -> Unsupported {
        Unsupported(msg.to_string())
    }
}

fn unsupported<T>(what: &str) -> Result<T, Unsupported> {
    Err(Unsupported(format!("{what} has no field form")))
}

macro_rules! leaf_as_text {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, v: $ty) -> Result<(), Unsupported> {
            self.leaf(v.to_string());
            Ok(())
        })*
    };
}

impl<'a, 's> Serializer for &'a mut Leaves<'s> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Items<'a, 's>;
    type SerializeTuple = Items<'a, 's>;
    type SerializeTupleStruct = ser::Impossible<(), Unsupported>;
    type SerializeTupleVariant = ser::Impossible<(), Unsupported>;
    type SerializeMap = Entries<'a, 's>;
    type SerializeStruct = Fields<'a, 's>;
    type SerializeStructVariant = ser::Impossible<(), Unsupported>;

    leaf_as_text!(
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_f32: f32, serialize_f64: f64, serialize_char: char,
        serialize_str: &str
    );

    fn serialize_bytes(self, _: &[u8]) -> Result<(), Unsupported> {
        unsupported("bytes")
    }

    fn serialize_none(self) -> Result<(), Unsupported> {
        self.leaf(String::new());
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Unsupported> {
        v.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.leaf(String::new());
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.leaf(variant.to_owned());
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Unsupported> {
        v.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Unsupported> {
        unsupported("an enum with data")
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Items<'a, 's>, Unsupported> {
        Ok(Items {
            into: self,
            items: Vec::new(),
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<Items<'a, 's>, Unsupported> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Unsupported> {
        unsupported("a tuple struct")
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        unsupported("an enum with data")
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Entries<'a, 's>, Unsupported> {
        Ok(Entries {
            into: self,
            key: None,
        })
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Fields<'a, 's>, Unsupported> {
        Ok(Fields {
            into: self,
            index: 0,
        })
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        unsupported("an enum with data")
    }
}

/// A list: its items' texts, joined into one leaf.
struct Items<'a, 's> {
    into: &'a mut Leaves<'s>,
    items: Vec<String>,
}

impl<'a, 's> ser::SerializeSeq for Items<'a, 's> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        self.items.push(text(v)?);
        Ok(())
    }

    fn end(self) -> Result<(), Unsupported> {
        self.into.leaf(self.items.join(", "));
        Ok(())
    }
}

impl<'a, 's> ser::SerializeTuple for Items<'a, 's> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        ser::SerializeSeq::serialize_element(self, v)
    }

    fn end(self) -> Result<(), Unsupported> {
        ser::SerializeSeq::end(self)
    }
}

/// A map: one label per key.
struct Entries<'a, 's> {
    into: &'a mut Leaves<'s>,
    key: Option<String>,
}

impl<'a, 's> ser::SerializeMap for Entries<'a, 's> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), Unsupported> {
        self.key = Some(text(k)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        let key = self.key.take().unwrap_or_default();
        self.into.nested(Step::Key(key.clone()), key, v)
    }

    fn end(self) -> Result<(), Unsupported> {
        Ok(())
    }
}

/// A struct: one label per field.
struct Fields<'a, 's> {
    into: &'a mut Leaves<'s>,
    index: usize,
}

impl<'a, 's> ser::SerializeStruct for Fields<'a, 's> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        v: &T,
    ) -> Result<(), Unsupported> {
        self.index += 1;
        if self.into.at.is_empty() && self.into.skip.contains(&name) {
            return Ok(());
        }
        self.into
            .nested(Step::Field(self.index), name.to_owned(), v)
    }

    fn end(self) -> Result<(), Unsupported> {
        Ok(())
    }
}

/// The text of a scalar value (a list item or a map key).
fn text<T: Serialize + ?Sized>(v: &T) -> Result<String, Unsupported> {
    let mut inner = Leaves {
        skip: &[],
        at: Vec::new(),
        labels: Vec::new(),
        found: BTreeMap::new(),
    };
    v.serialize(&mut inner)?;
    match inner.found.into_values().collect::<Vec<_>>().as_slice() {
        [(label, text)] if label.is_empty() => Ok(text.clone()),
        _ => unsupported("a list of tables"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Date, Kind, Need, Policy, Stack};

    #[derive(serde::Serialize)]
    #[serde(rename_all = "kebab-case")]
    struct Sample {
        id: &'static str,
        name: &'static str,
        kind: Kind,
        support_ends: Option<Date>,
        tags: Vec<&'static str>,
        needs: BTreeMap<&'static str, &'static str>,
        policy: Inner,
    }

    #[derive(serde::Serialize)]
    #[serde(rename_all = "kebab-case")]
    struct Inner {
        open_source: bool,
    }

    fn sample() -> Sample {
        Sample {
            id: "x",
            name: "X",
            kind: Kind::Saas,
            support_ends: None,
            tags: vec!["a", "b"],
            needs: BTreeMap::from([("web", "component cms"), ("pay", "interface pay ^1")]),
            policy: Inner { open_source: false },
        }
    }

    #[test]
    fn labels_follow_the_manifest_spelling() {
        assert_eq!(
            fields(&sample(), &["id"]),
            [
                ("name".to_owned(), "X".to_owned()),
                ("kind".to_owned(), "saas".to_owned()),
                ("tags".to_owned(), "a, b".to_owned()),
                ("needs pay".to_owned(), "interface pay ^1".to_owned()),
                ("needs web".to_owned(), "component cms".to_owned()),
                ("policy open-source".to_owned(), "false".to_owned()),
            ]
        );
    }

    #[test]
    fn differences_in_field_then_key_order() {
        let old = sample();
        let mut new = sample();
        new.tags = Vec::new();
        new.support_ends = Date::parse("2027-01-31");
        new.needs.remove("pay");
        new.needs.insert("a-new", "capability crm");
        new.policy.open_source = true;
        let d = differences(Some(&old), &new, &[]);
        let shown: Vec<String> = d
            .iter()
            .map(|d| format!("{}: {:?} → {:?}", d.label, d.from, d.to))
            .collect();
        assert_eq!(
            shown,
            [
                "support-ends: None → Some(\"2027-01-31\")",
                "tags: Some(\"a, b\") → None",
                "needs a-new: None → Some(\"capability crm\")",
                "needs pay: Some(\"interface pay ^1\") → None",
                "policy open-source: Some(\"false\") → Some(\"true\")",
            ]
        );
        assert!(differences(Some(&old), &sample(), &[]).is_empty());
        // Against nothing: every field present in `new`.
        assert_eq!(differences(None, &old, &["id"]).len(), 6);
    }

    #[test]
    fn stacks_flatten_with_their_needs_as_written() {
        let stack = Stack {
            name: "S".into(),
            registry: None,
            rev: None,
            allowed_signers: None,
            needs: BTreeMap::from([(
                crate::model::Id::parse("web").unwrap(),
                Need::Capability {
                    id: crate::model::Id::parse("cms").unwrap(),
                },
            )]),
            policy: Policy::default(),
            prefer: Vec::new(),
            current: BTreeMap::new(),
            contracts: BTreeMap::new(),
        };
        assert_eq!(
            fields(&stack, &[]),
            [
                ("name".to_owned(), "S".to_owned()),
                ("needs web".to_owned(), "capability cms".to_owned()),
                ("policy open-source".to_owned(), "false".to_owned()),
            ]
        );
    }
}
