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
}
