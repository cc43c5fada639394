//! Calendar dates: front-matter dates, "Updated" dates from git, and today.
//!
//! Time is an input: "today" (review staleness, the date `playbook new`
//! writes) comes from `SOURCE_DATE_EPOCH` when it is set, the convention of
//! reproducible-builds.org, so two builds of the same sources with the same
//! value give the same bytes, at any time.

use std::fmt;

use serde::Serialize;

/// Seconds since 1970 from `SOURCE_DATE_EPOCH`: `Ok(None)` when unset, an
/// error naming the value when it is not a whole number.
pub(crate) fn source_date_epoch() -> Result<Option<i64>, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Err(_) => Ok(None),
        Ok(v) if v.trim().is_empty() => Ok(None),
        Ok(v) => v
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| format!("SOURCE_DATE_EPOCH must be a number of seconds since 1970-01-01, not `{v}`")),
    }
}

/// A calendar date (front matter `reviewed`, `date`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    pub(crate) fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub(crate) fn from_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Today: from `SOURCE_DATE_EPOCH` when it is set (reproducible
    /// builds), else the clock. `check_source_date_epoch` has refused a
    /// malformed value before any command runs.
    pub(crate) fn today() -> Date {
        let secs = source_date_epoch().ok().flatten().unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
        });
        Date::from_days(secs.div_euclid(86_400))
    }
}

/// What an author probably meant by a date written another way
/// (`25/11/2026`, `2026/11/25`, `"2026-11-25"`): the TOML date to write,
/// or two when day and month cannot be told apart. `None` when `text` does
/// not look like a date at all.
pub(crate) fn suggest(text: &str) -> Option<String> {
    let text = text.trim().trim_matches(|c| c == '"' || c == '\'');
    let parts: Vec<&str> = text.split(['/', '.', '-']).collect();
    let [a, b, c] = parts[..] else { return None };
    if ![a, b, c].iter().all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let num = |p: &str| p.parse::<u32>().ok();
    let (a_n, b_n, c_n) = (num(a)?, num(b)?, num(c)?);
    let date = |year: u32, month: u32, day: u32| {
        let valid = (1..=12).contains(&month) && (1..=31).contains(&day) && year >= 1000;
        valid.then(|| format!("{year:04}-{month:02}-{day:02}"))
    };
    if a.len() == 4 {
        return date(a_n, b_n, c_n);
    }
    if c.len() != 4 {
        return None;
    }
    match (date(c_n, b_n, a_n), date(c_n, a_n, b_n)) {
        (Some(dmy), Some(mdy)) if dmy != mdy => Some(format!("{dmy} (or {mdy} if the month comes first)")),
        (Some(one), _) | (None, Some(one)) => Some(one),
        (None, None) => None,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_written_another_way_get_a_toml_date() {
        assert_eq!(suggest("25/11/2026").as_deref(), Some("2026-11-25"));
        assert_eq!(suggest("11/25/2026").as_deref(), Some("2026-11-25"));
        assert_eq!(suggest("2026/11/25").as_deref(), Some("2026-11-25"));
        assert_eq!(suggest("\"2026-11-25\"").as_deref(), Some("2026-11-25"));
        assert_eq!(suggest("05.11.2026").as_deref(), Some("2026-11-05 (or 2026-05-11 if the month comes first)"));
        assert_eq!(suggest("soon"), None);
        assert_eq!(suggest("1/2/3"), None);
        assert_eq!(suggest("40/40/2026"), None);
    }

    #[test]
    fn dates_round_trip_through_days() {
        for z in [-1000, 0, 59, 365 * 56 + 300, 20_000] {
            assert_eq!(Date::from_days(z).days(), z);
        }
        assert_eq!(Date { year: 2026, month: 10, day: 1 }.to_string(), "2026-10-01");
        assert_eq!(Date { year: 1970, month: 1, day: 2 }.days(), 1);
    }
}
