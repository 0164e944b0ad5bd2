//! Calendar dates (`released`, `support-ends`) and today's date.
//!
//! Manifests only ever carry whole days, so a tiny civil-date type is all the tool needs:
//! ordering, printing, "six months from today" and conversion from TOML dates.

use std::fmt;

/// A proleptic Gregorian calendar date.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// A date, if `month` and `day` exist in `year`.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
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
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// Today in UTC, or the date in `STACKREG_TODAY` (`YYYY-MM-DD`) when set, so that
    /// reports about support dates can be reproduced.
    pub fn today() -> Date {
        if let Some(d) = std::env::var("STACKREG_TODAY")
            .ok()
            .and_then(|s| Date::parse(&s))
        {
            return d;
        }
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Date::from_days((secs / 86_400) as i64)
    }

    /// The same day `months` later, clamped to the end of a shorter month.
    pub fn add_months(self, months: u32) -> Date {
        let total = i64::from(self.year) * 12 + i64::from(self.month - 1) + i64::from(months);
        let year = (total.div_euclid(12)) as i32;
        let month = (total.rem_euclid(12) + 1) as u8;
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }

    /// The same day `months` earlier, clamped to the end of a shorter month (31 March
    /// less one month is 28 or 29 February).
    pub fn sub_months(self, months: u32) -> Date {
        let total = i64::from(self.year) * 12 + i64::from(self.month - 1) - i64::from(months);
        let year = (total.div_euclid(12)) as i32;
        let month = (total.rem_euclid(12) + 1) as u8;
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `z` days after 1970-01-01.
    pub fn from_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
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
        ] {
            let date = Date::parse(d).unwrap();
            assert_eq!(Date::from_days(date.days()), date);
            assert_eq!(date.to_string(), d);
        }
        assert_eq!(Date::parse("1970-01-02").unwrap().days(), 1);
    }

    #[test]
    fn refuses_impossible_dates() {
        for d in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "24-01-01",
            "2024-1-1",
        ] {
            assert!(Date::parse(d).is_none(), "{d}");
        }
    }

    #[test]
    fn adds_months_with_clamping() {
        let d = Date::parse("2026-08-31").unwrap();
        assert_eq!(d.add_months(6).to_string(), "2027-02-28");
        assert_eq!(d.add_months(12).to_string(), "2027-08-31");
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
}
