//! How the model's versions and ranges are serialised: as text for formats people read
//! (JSON, the history diff), and as numbers for compact formats (the index cache), which
//! read back without parsing. serde's `is_human_readable` tells the two apart, so each
//! model type has one `Serialize`/`Deserialize` (derived, with these for the semver
//! fields) whatever it is written to.

use std::fmt;
use std::marker::PhantomData;

use semver::{BuildMetadata, Comparator, Op, Prerelease, Version, VersionReq};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

use super::Id;

/// A semver value with a text form and a compact form.
pub trait Wire: Sized {
    fn put<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
    fn get<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

/// Version: `(major, minor, patch, pre, build)` when compact.
impl Wire for Version {
    fn put<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            return s.collect_str(self);
        }
        (
            self.major,
            self.minor,
            self.patch,
            self.pre.as_str(),
            self.build.as_str(),
        )
            .serialize(s)
    }

    fn get<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
            return Version::parse(&text).map_err(de::Error::custom);
        }
        let (major, minor, patch, pre, build) = <(u64, u64, u64, &str, &str)>::deserialize(d)?;
        Ok(Version {
            major,
            minor,
            patch,
            pre: prerelease(pre).map_err(de::Error::custom)?,
            build: if build.is_empty() {
                BuildMetadata::EMPTY
            } else {
                BuildMetadata::new(build).map_err(de::Error::custom)?
            },
        })
    }
}

fn prerelease(pre: &str) -> Result<Prerelease, semver::Error> {
    if pre.is_empty() {
        Ok(Prerelease::EMPTY)
    } else {
        Prerelease::new(pre)
    }
}

/// The operators a compact range may hold, by index.
const OPS: [Op; 8] = [
    Op::Exact,
    Op::Greater,
    Op::GreaterEq,
    Op::Less,
    Op::LessEq,
    Op::Tilde,
    Op::Caret,
    Op::Wildcard,
];

/// One comparator of a compact range: operator, major, minor, patch, pre-release.
type Part<'a> = (u8, u64, Option<u64>, Option<u64>, &'a str);

/// A range, compact: its comparators, or its text when an operator is not one of `OPS`
/// (semver's `Op` may grow).
#[derive(Serialize, Deserialize)]
enum CompactReq<'a> {
    #[serde(borrow)]
    Parts(Vec<Part<'a>>),
    Text(&'a str),
}

impl Wire for VersionReq {
    fn put<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            return s.collect_str(self);
        }
        let mut parts = Vec::with_capacity(self.comparators.len());
        for c in &self.comparators {
            let Some(op) = OPS.iter().position(|o| *o == c.op) else {
                return CompactReq::Text(&self.to_string()).serialize(s);
            };
            parts.push((op as u8, c.major, c.minor, c.patch, c.pre.as_str()));
        }
        CompactReq::Parts(parts).serialize(s)
    }

    fn get<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
            return VersionReq::parse(&text).map_err(de::Error::custom);
        }
        match CompactReq::deserialize(d)? {
            CompactReq::Text(t) => VersionReq::parse(t).map_err(de::Error::custom),
            CompactReq::Parts(parts) => {
                let mut comparators = Vec::with_capacity(parts.len());
                for (op, major, minor, patch, pre) in parts {
                    comparators.push(Comparator {
                        op: *OPS
                            .get(usize::from(op))
                            .ok_or_else(|| de::Error::custom("unknown range operator"))?,
                        major,
                        minor,
                        patch,
                        pre: prerelease(pre).map_err(de::Error::custom)?,
                    });
                }
                Ok(VersionReq { comparators })
            }
        }
    }
}

/// A `Wire` value as an ordinary serde value.
pub struct W<T>(pub T);

impl<T: Wire> Serialize for W<&T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.put(s)
    }
}

impl<'de, T: Wire> Deserialize<'de> for W<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::get(d).map(W)
    }
}

/// `#[serde(with = "wire::one")]` on a `Version` or `VersionReq` field.
pub mod one {
    use super::*;

    pub fn serialize<T: Wire, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        v.put(s)
    }

    pub fn deserialize<'de, T: Wire, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        T::get(d)
    }
}

/// `#[serde(with = "wire::list")]` on a `Vec<Version>` field.
pub mod list {
    use super::*;

    pub fn serialize<T: Wire, S: Serializer>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for x in v {
            seq.serialize_element(&W(x))?;
        }
        seq.end()
    }

    pub fn deserialize<'de, T: Wire, D: Deserializer<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        struct Seq<T>(PhantomData<T>);
        impl<'de, T: Wire> Visitor<'de> for Seq<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of versions")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(W(x)) = seq.next_element::<W<T>>()? {
                    out.push(x);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(Seq(PhantomData))
    }
}

/// `#[serde(with = "wire::map")]` on a `BTreeMap<Id, Version>` or `BTreeMap<Id,
/// VersionReq>` field.
pub mod map {
    use super::*;

    /// Serialises a map from ids (a `BTreeMap` or an `IdMap`).
    pub fn serialize<'m, T: Wire + 'm, M, S: Serializer>(m: &'m M, s: S) -> Result<S::Ok, S::Error>
    where
        &'m M: IntoIterator<Item = (&'m Id, &'m T)>,
    {
        let mut map = s.serialize_map(Some(m.into_iter().count()))?;
        for (k, v) in m {
            map.serialize_entry(k, &W(v))?;
        }
        map.end()
    }

    /// Deserialises a map from ids (a `BTreeMap` or an `IdMap`).
    pub fn deserialize<'de, T: Wire, M: FromIterator<(Id, T)>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<M, D::Error> {
        struct Map<T, M>(PhantomData<(T, M)>);
        impl<'de, T: Wire, M: FromIterator<(Id, T)>> Visitor<'de> for Map<T, M> {
            type Value = M;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of ids to versions")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
                while let Some((k, W(v))) = map.next_entry::<Id, W<T>>()? {
                    out.push((k, v));
                }
                Ok(out.into_iter().collect())
            }
        }
        d.deserialize_map(Map(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IdMap;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Sample {
        #[serde(with = "one")]
        version: Version,
        #[serde(with = "list")]
        versions: Vec<Version>,
        #[serde(with = "map")]
        requires: IdMap<VersionReq>,
    }

    fn sample() -> Sample {
        let id = |s: &str| Id::parse(s).unwrap();
        Sample {
            version: Version::parse("1.2.3-rc.1+build.5").unwrap(),
            versions: vec![Version::new(1, 0, 0), Version::new(2, 0, 0)],
            requires: [
                (id("api"), VersionReq::parse("^2, <2.5").unwrap()),
                (id("db"), VersionReq::parse(">=13").unwrap()),
                (id("any"), VersionReq::STAR),
                (id("pre"), VersionReq::parse("~1.2.0-beta").unwrap()),
            ]
            .into(),
        }
    }

    #[test]
    fn compact_and_text_forms_read_back() {
        let s = sample();
        let bytes = postcard::to_allocvec(&s).unwrap();
        assert_eq!(postcard::from_bytes::<Sample>(&bytes).unwrap(), s);
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            json,
            r#"{"version":"1.2.3-rc.1+build.5","versions":["1.0.0","2.0.0"],"requires":{"any":"*","api":"^2, <2.5","db":">=13","pre":"~1.2.0-beta"}}"#
        );
        assert_eq!(serde_json::from_str::<Sample>(&json).unwrap(), s);
    }

    #[test]
    fn refuses_what_is_not_a_version() {
        assert!(
            serde_json::from_str::<Sample>(r#"{"version":"one","versions":[],"requires":{}}"#)
                .is_err()
        );
        assert!(
            serde_json::from_str::<Sample>(
                r#"{"version":"1.0.0","versions":[],"requires":{"Bad":"*"}}"#
            )
            .is_err()
        );
    }
}
