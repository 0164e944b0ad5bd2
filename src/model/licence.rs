//! Licences as SPDX expressions, and whether they are open source.
//!
//! "Open source" means OSI-approved, decided by the `spdx` crate's licence list: an
//! expression is open when it can be satisfied using OSI-approved licences only
//! (`MIT OR LicenseRef-Proprietary` is open, `MIT AND LicenseRef-Proprietary` is not).

use std::fmt;

/// A parsed SPDX licence expression.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Licence {
    expression: Box<str>,
    open: bool,
}

/// Why a licence string was refused.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct LicenceError(String);

impl Licence {
    pub fn parse(s: &str) -> Result<Licence, LicenceError> {
        if s.trim() != s || s.is_empty() {
            return Err(LicenceError(
                "must be a non-empty SPDX expression with no surrounding spaces".into(),
            ));
        }
        let expr = spdx::Expression::parse(s).map_err(|e| LicenceError(e.reason.to_string()))?;
        let open = expr.evaluate(|req| match &req.license {
            spdx::LicenseItem::Spdx { id, .. } => id.is_osi_approved(),
            spdx::LicenseItem::Other(_) => false,
        });
        Ok(Licence {
            expression: s.into(),
            open,
        })
    }

    /// The expression as written in the manifest.
    pub fn as_str(&self) -> &str {
        &self.expression
    }

    /// Whether the licence is OSI-approved open source.
    pub fn is_open_source(&self) -> bool {
        self.open
    }
}

impl fmt::Display for Licence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.expression)
    }
}

impl fmt::Debug for Licence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.expression, f)
    }
}

/// The expression as text; in compact formats (the index cache) with what `parse`
/// decided about it, so that reading it back needs no SPDX parse.
impl serde::Serialize for Licence {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&self.expression)
        } else {
            serde::Serialize::serialize(&(&*self.expression, self.open), s)
        }
    }
}

impl<'de> serde::Deserialize<'de> for Licence {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Licence, D::Error> {
        use serde::de::Error as _;
        if d.is_human_readable() {
            let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
            return Licence::parse(&text).map_err(D::Error::custom);
        }
        let (expression, open) = <(&str, bool)>::deserialize(d)?;
        Ok(Licence {
            expression: expression.into(),
            open,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_open_from_closed() {
        for (s, open) in [
            ("MIT", true),
            ("GPL-2.0-or-later", true),
            ("AGPL-3.0-or-later", true),
            ("MPL-2.0", true),
            ("Apache-2.0", true),
            ("PostgreSQL", true),
            ("LicenseRef-Proprietary", false),
            ("MIT OR LicenseRef-Proprietary", true),
            ("MIT AND LicenseRef-Proprietary", false),
        ] {
            assert_eq!(Licence::parse(s).unwrap().is_open_source(), open, "{s}");
        }
    }

    #[test]
    fn refuses_non_spdx() {
        for s in ["", "Not A Licence", "MIT OR", " MIT", "GPL"] {
            assert!(Licence::parse(s).is_err(), "{s:?}");
        }
    }
}
