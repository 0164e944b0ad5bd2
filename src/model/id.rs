//! Identifiers of components, interfaces, capabilities and stacks.
//!
//! An id is 1–64 characters of `[a-z0-9-]`, starts with a letter, has no `--` and no
//! trailing `-`. Because ids become file names and URL path segments, anything path-like or
//! look-alike is refused here, once, so the rest of the program never has to ask.

use std::borrow::Borrow;
use std::fmt;

/// The longest id accepted.
pub const MAX_ID_LEN: usize = 64;

/// A validated identifier.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(Box<str>);

/// Why a string is not a valid id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("is empty")]
    Empty,
    #[error("is longer than {MAX_ID_LEN} characters")]
    TooLong,
    #[error("must start with a lowercase letter")]
    BadStart,
    #[error("may only contain lowercase letters, digits and `-`")]
    BadChar,
    #[error("may not contain `--`")]
    DoubleDash,
    #[error("may not end with `-`")]
    TrailingDash,
}

impl Id {
    /// Checks `s` against the id rules.
    pub fn parse(s: &str) -> Result<Id, IdError> {
        Self::check(s)?;
        Ok(Id(s.into()))
    }

    /// Checks `s` against the id rules without allocating.
    pub fn check(s: &str) -> Result<(), IdError> {
        let bytes = s.as_bytes();
        let Some(&first) = bytes.first() else {
            return Err(IdError::Empty);
        };
        if !first.is_ascii_lowercase() {
            return Err(IdError::BadStart);
        }
        // One pass (every id of a registry is checked again when its cache is read).
        let mut double = false;
        let mut last = first;
        for &b in &bytes[1..] {
            if !(b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
                return Err(IdError::BadChar);
            }
            double |= b == b'-' && last == b'-';
            last = b;
        }
        if bytes.len() > MAX_ID_LEN {
            return Err(IdError::TooLong);
        }
        if double {
            return Err(IdError::DoubleDash);
        }
        if last == b'-' {
            return Err(IdError::TrailingDash);
        }
        Ok(())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Borrow<str> for Id {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl serde::Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Id {
    /// Checked against the id rules, whatever it is read from.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Id, E> {
                Id::parse(s).map_err(|e| E::custom(format_args!("`{s}` is not an id: it {e}")))
            }
        }
        d.deserialize_str(Visit)
    }
}

impl std::str::FromStr for Id {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Id::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_kebab_case() {
        for ok in [
            "a",
            "fixmystreet",
            "govuk-pay-api",
            "open311-georeport",
            "x1-2",
        ] {
            assert!(Id::parse(ok).is_ok(), "{ok}");
        }
        assert!(Id::parse(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn refuses_everything_else() {
        let cases = [
            ("", IdError::Empty),
            ("Caps", IdError::BadStart),
            ("1abc", IdError::BadStart),
            ("-abc", IdError::BadStart),
            ("../x", IdError::BadStart),
            ("a/b", IdError::BadChar),
            ("a_b", IdError::BadChar),
            ("a.b", IdError::BadChar),
            ("aB", IdError::BadChar),
            ("a--b", IdError::DoubleDash),
            ("ab-", IdError::TrailingDash),
            ("fixmyѕtreet", IdError::BadChar), // Cyrillic dze
        ];
        for (s, want) in cases {
            assert_eq!(Id::parse(s).unwrap_err(), want, "{s:?}");
        }
        assert_eq!(Id::parse(&"a".repeat(65)).unwrap_err(), IdError::TooLong);
    }
}
