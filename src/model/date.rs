//! Calendar dates (`released`, `support-ends`, `contract-ends`) and today's date.
//!
//! Manifests only ever carry whole days. `Date` is the model's face for them (ordering,
//! printing, "six months from today", conversion from TOML dates); the calendar itself
//! is jiff's.

use std::fmt;

use jiff::civil;
use jiff::{Span, Timestamp, tz::TimeZone};

use crate::env::{self, EnvError, EnvVars};

/// A proleptic Gregorian calendar date, from year -9999 to 9999.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(civil::Date);

/// 1970-01-01, which `days` counts from.
const EPOCH: civil::Date = civil::date(1970, 1, 1);

/// Why today's date is not known.
#[derive(Debug, thiserror::Error)]
pub enum TodayError {
    #[error(transparent)]
    Env(#[from] EnvError),
    #[error("the system clock is not set to a date stackreg can use")]
    Clock,
}

impl Date {
    /// A date, if `month` and `day` exist in `year`.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let year = i16::try_from(year).ok()?;
        let month = i8::try_from(month).ok()?;
        let day = i8::try_from(day).ok()?;
        civil::Date::new(year, month, day).ok().map(Date)
    }

    /// The date of a TOML value that holds a date and nothing else (no time, no offset).
    pub fn from_toml(dt: &toml::value::Datetime) -> Option<Date> {
        if dt.time.is_some() || dt.offset.is_some() {
            return None;
        }
        let d = dt.date?;
        Date::new(i32::from(d.year), d.month, d.day)
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.splitn(3, '-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
        if !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// Today in UTC, or the date in `STACKREG_TODAY` (`YYYY-MM-DD`) when it is set, so
    /// that reports about support dates can be reproduced.
    pub fn today() -> Result<Date, TodayError> {
        if let Some(text) = env::var(EnvVars::STACKREG_TODAY)? {
            return Date::parse(text.trim()).ok_or(TodayError::Env(EnvError {
                name: EnvVars::STACKREG_TODAY,
                value: text,
                expected: "a date YYYY-MM-DD",
            }));
        }
        let now =
            Timestamp::try_from(std::time::SystemTime::now()).map_err(|_| TodayError::Clock)?;
        Ok(Date(TimeZone::UTC.to_datetime(now).date()))
    }

    /// The same day `months` later, clamped to the end of a shorter month (and to the
    /// last date there is).
    pub fn add_months(self, months: u32) -> Date {
        Date(self.0.saturating_add(Span::new().months(i64::from(months))))
    }

    /// The same day `months` earlier, clamped to the end of a shorter month (31 March
    /// less one month is 28 or 29 February).
    pub fn sub_months(self, months: u32) -> Date {
        Date(
            self.0
                .saturating_add(Span::new().months(-i64::from(months))),
        )
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        self.0
            .since(EPOCH)
            .map_or(0, |span| i64::from(span.get_days()))
    }

    /// The date `days` days after 1970-01-01 (clamped to the dates there are).
    pub fn from_days(days: i64) -> Date {
        Date(EPOCH.saturating_add(Span::new().days(days.clamp(-7_000_000, 7_000_000))))
    }

    pub fn year(self) -> i32 {
        i32::from(self.0.year())
    }

    pub fn month(self) -> u8 {
        self.0.month().unsigned_abs()
    }

    pub fn day(self) -> u8 {
        self.0.day().unsigned_abs()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.year(),
            self.month(),
            self.day()
        )
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// `YYYY-MM-DD` as text; days since 1970 in compact formats.
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            s.serialize_i64(self.days())
        }
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        use serde::de::Error as _;
        if d.is_human_readable() {
            let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
            return Date::parse(&text)
                .ok_or_else(|| D::Error::custom(format_args!("`{text}` is not a date")));
        }
        let days = i64::deserialize(d)?;
        Ok(Date::from_days(days))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_days() {
        for d in [
            "1970-01-01",
            "2000-02-29",
            "2024-03-01",
            "2026-11-26",
            "2099-12-31",
            "1969-12-31",
        ] {
            let date = Date::parse(d).unwrap();
            assert_eq!(Date::from_days(date.days()), date);
            assert_eq!(date.to_string(), d);
        }
        assert_eq!(Date::parse("1970-01-02").unwrap().days(), 1);
        assert_eq!(Date::parse("1969-12-31").unwrap().days(), -1);
        assert_eq!(Date::parse("2024-03-01").unwrap().days(), 19_783);
    }

    #[test]
    fn refuses_impossible_dates() {
        for d in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "24-01-01",
            "2024-1-1",
            "+024-01-01",
            "2024-01-01T00:00",
        ] {
            assert!(Date::parse(d).is_none(), "{d}");
        }
    }

    #[test]
    fn adds_months_with_clamping() {
        let d = Date::parse("2026-08-31").unwrap();
        assert_eq!(d.add_months(6).to_string(), "2027-02-28");
        assert_eq!(d.add_months(12).to_string(), "2027-08-31");
        assert_eq!(
            Date::parse("9999-06-30")
                .unwrap()
                .add_months(12)
                .to_string(),
            "9999-12-31"
        );
    }

    #[test]
    fn subtracts_months_with_clamping() {
        let sub = |d: &str, m| Date::parse(d).unwrap().sub_months(m).to_string();
        assert_eq!(sub("2027-03-31", 1), "2027-02-28");
        assert_eq!(sub("2028-03-31", 1), "2028-02-29");
        assert_eq!(sub("2027-03-31", 6), "2026-09-30");
        assert_eq!(sub("2027-01-15", 13), "2025-12-15");
        assert_eq!(sub("2027-05-31", 0), "2027-05-31");
        assert_eq!(sub("2100-03-31", 1), "2100-02-28");
    }

    #[test]
    fn text_and_compact_forms_read_back() {
        let d = Date::parse("2024-02-29").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2024-02-29\"");
        assert_eq!(serde_json::from_str::<Date>("\"2024-02-29\"").unwrap(), d);
        assert!(serde_json::from_str::<Date>("\"2023-02-29\"").is_err());
        let bytes = postcard::to_allocvec(&d).unwrap();
        assert_eq!(postcard::from_bytes::<Date>(&bytes).unwrap(), d);
    }
}
