//! Calendar dates from instants, for the rules that need "today" (an ID number's birth
//! date cannot be in the future). Pure: the caller passes the time.

use crate::validate::SimpleDate;

/// The civil date (UTC+8, China Standard Time) of a unix-ms instant.
pub fn today_cst(now_ms: i64) -> SimpleDate {
    let days = (now_ms + 8 * 3600 * 1000).div_euclid(86_400_000);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    SimpleDate { year, month, day }
}

/// Unix ms of 00:00 China Standard Time on `d`.
pub fn start_ms_cst(d: SimpleDate) -> i64 {
    // Howard Hinnant's days-from-civil.
    let y = i64::from(d.year) - i64::from(d.month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(d.month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400_000 - 8 * 3600 * 1000
}

/// Reads "2026-11-22" (a real calendar date).
pub fn parse_date(s: &str) -> Option<SimpleDate> {
    let mut parts = s.trim().split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let date = SimpleDate {
        year: y.parse().ok()?,
        month: m.parse().ok()?,
        day: d.parse().ok()?,
    };
    // Round-trips only when the day exists (no 2026-02-30).
    (today_cst(start_ms_cst(date)) == date).then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_in_china_standard_time() {
        let cases = [
            (0_i64, (1970, 1, 1)),
            (951_782_400_000, (2000, 2, 29)), // 2000-02-29T00:00Z
            (1_795_392_000_000 - 8 * 3_600_000, (2026, 11, 23)), // midnight CST
            (1_795_392_000_000 - 8 * 3_600_000 - 1, (2026, 11, 22)),
        ];
        for (ms, (y, m, d)) in cases {
            let t = today_cst(ms);
            assert_eq!((t.year, t.month, t.day), (y, m, d), "{ms}");
        }
    }

    #[test]
    fn day_starts_and_parsing() {
        let d = SimpleDate {
            year: 2026,
            month: 11,
            day: 22,
        };
        let start = start_ms_cst(d);
        assert_eq!(today_cst(start), d);
        assert_eq!(today_cst(start - 1).day, 21);
        assert_eq!(parse_date("2026-11-22"), Some(d));
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("2026-2-3"), None);
        assert_eq!(parse_date("x"), None);
    }
}
