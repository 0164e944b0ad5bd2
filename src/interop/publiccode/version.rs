//! Version strings from publiccode.yml, repaired to semver where that is unambiguous.
//!
//! publiccode.yml says `softwareVersion` is "not meant to be interpreted", so files hold
//! `v1.49.0`, `1.0`, `14` and `dev`. A registry release needs semver, so the repairs are:
//! a leading `v` is dropped (`v1.49.0` → `1.49.0`), and missing minor and patch numbers
//! are zeros (`1.0` → `1.0.0`, `14` → `14.0.0`, the way the registry writes majors). A
//! pre-release or build suffix is kept (`1.4.1-beta`). Anything else (`dev`, four numbers,
//! leading zeros) is refused: guessing would put a wrong version in the registry.

use semver::Version;

/// What was done to a version string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repaired {
    pub version: Version,
    /// The repairs made, in words (empty when the string was semver already).
    pub repairs: Vec<&'static str>,
}

/// Why a version string could not be repaired.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a version stackreg can turn into semver unambiguously: {why}")]
pub struct Unrepairable {
    pub value: String,
    pub why: &'static str,
}

/// `value` as semver, repaired where that is unambiguous.
pub fn repair(value: &str) -> Result<Repaired, Unrepairable> {
    let fail = |why| Unrepairable {
        value: value.to_owned(),
        why,
    };
    let mut repairs = Vec::new();
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(fail("it is empty"));
    }
    if let Ok(v) = Version::parse(trimmed) {
        return Ok(Repaired {
            version: v,
            repairs,
        });
    }
    let mut rest = trimmed;
    if let Some(r) = rest
        .strip_prefix(['v', 'V'])
        .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    {
        rest = r;
        repairs.push("dropped the leading `v`");
    }
    // The numeric core, then an optional `-pre` and `+build`.
    let core_end = rest.find(['-', '+']).unwrap_or(rest.len());
    let (core, suffix) = rest.split_at(core_end);
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 3 {
        return Err(fail("it has more than three numbers"));
    }
    for p in &parts {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(fail("it is not made of numbers separated by dots"));
        }
        if p.len() > 1 && p.starts_with('0') {
            return Err(fail("a number has a leading zero"));
        }
    }
    let mut numbers: Vec<&str> = parts.clone();
    if numbers.len() < 3 {
        repairs.push("added zeros for the missing minor and patch numbers");
    }
    while numbers.len() < 3 {
        numbers.push("0");
    }
    let candidate = format!("{}{suffix}", numbers.join("."));
    match Version::parse(&candidate) {
        Ok(version) => Ok(Repaired { version, repairs }),
        Err(_) => Err(fail("its pre-release or build suffix is not semver")),
    }
}

/// A version bound from `dependsOn` (`versionMin: '14.0'`, `version: 16`) as the start of
/// a Cargo requirement comparator: the same repairs as `repair`, but partial versions are
/// kept partial (`>=14.0` and `~16` mean what their authors wrote).
pub fn bound(value: &str) -> Result<String, Unrepairable> {
    let fail = |why| Unrepairable {
        value: value.to_owned(),
        why,
    };
    let trimmed = value.trim();
    let rest = trimmed
        .strip_prefix(['v', 'V'])
        .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(trimmed);
    let test = format!(">={rest}");
    if rest.is_empty() || semver::VersionReq::parse(&test).is_err() || rest.contains([',', ' ']) {
        return Err(fail("it is not a version"));
    }
    Ok(rest.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_what_is_unambiguous() {
        for (input, want, repaired) in [
            ("1.49.0", "1.49.0", false),
            ("v1.49.0", "1.49.0", true),
            ("V2.0.1", "2.0.1", true),
            ("1.4.1-beta", "1.4.1-beta", false),
            ("1.0", "1.0.0", true),
            ("14", "14.0.0", true),
            ("v3.1-rc.1", "3.1.0-rc.1", true),
            ("1.19.0+build.5", "1.19.0+build.5", false),
        ] {
            let got = repair(input).unwrap();
            assert_eq!(got.version.to_string(), want, "{input}");
            assert_eq!(!got.repairs.is_empty(), repaired, "{input}");
        }
    }

    #[test]
    fn refuses_what_is_not() {
        for (input, why) in [
            ("dev", "numbers separated by dots"),
            ("latest", "numbers separated by dots"),
            ("1.2.3.4", "more than three numbers"),
            ("1.02.0", "leading zero"),
            ("", "empty"),
            ("v", "numbers separated by dots"),
            ("1..2", "numbers separated by dots"),
            ("1.0-", "suffix"),
            ("2021-05", "suffix"),
        ] {
            let e = repair(input).unwrap_err();
            assert!(e.why.contains(why), "{input}: {e}");
            assert!(e.to_string().starts_with(&format!("`{input}` is not")));
        }
    }

    #[test]
    fn bounds_stay_partial() {
        assert_eq!(bound("14.0").unwrap(), "14.0");
        assert_eq!(bound("v1.12").unwrap(), "1.12");
        assert_eq!(bound("18.0.0").unwrap(), "18.0.0");
        assert!(bound("latest").is_err());
        assert!(bound("1, <2").is_err());
        assert!(bound("").is_err());
    }
}
