//! Billing periods: a year ("2026"), a half-year ("2026-H1") or a month ("2026-03").
//! A period's label is its identity: an order is unique per membership and label.

use serde::{Deserialize, Serialize};

use crate::time::{start_ms_cst, today_cst};
use crate::validate::SimpleDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Year,
    HalfYear,
    Month,
}

impl PeriodKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            PeriodKind::Year => "按年",
            PeriodKind::HalfYear => "按半年",
            PeriodKind::Month => "按月",
        }
    }

    /// The fewest days a period of this kind can have (February for months).
    pub fn min_days(self) -> u32 {
        match self {
            PeriodKind::Year => 365,
            PeriodKind::HalfYear => 181,
            PeriodKind::Month => 28,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    pub kind: PeriodKind,
    /// 1 for a year; 1–2 for a half-year; 1–12 for a month.
    pub index: u32,
}

/// Day number (days since 1970-01-01) of a civil date.
pub fn day_number(d: SimpleDate) -> i64 {
    (start_ms_cst(d) + 8 * 3_600_000).div_euclid(86_400_000)
}

/// The civil date of a day number.
pub fn date_of_day(n: i64) -> SimpleDate {
    today_cst(n * 86_400_000)
}

pub fn add_days(d: SimpleDate, days: i64) -> SimpleDate {
    date_of_day(day_number(d) + days)
}

impl Period {
    /// Reads "2026", "2026-H1"/"2026-H2" or "2026-03" (years 2000–2099 of the
    /// association's life; anything else is not a period this system bills).
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        let year: i32 = s.get(0..4)?.parse().ok()?;
        if !(2000..=2099).contains(&year) || !s.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
            return None;
        }
        let rest = &s[4..];
        let (kind, index) = match rest {
            "" => (PeriodKind::Year, 1),
            "-H1" => (PeriodKind::HalfYear, 1),
            "-H2" => (PeriodKind::HalfYear, 2),
            _ => {
                let m = rest.strip_prefix('-')?;
                if m.len() != 2 || !m.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let m: u32 = m.parse().ok()?;
                if !(1..=12).contains(&m) {
                    return None;
                }
                (PeriodKind::Month, m)
            }
        };
        Some(Period { year, kind, index })
    }

    pub fn label(&self) -> String {
        match self.kind {
            PeriodKind::Year => format!("{:04}", self.year),
            PeriodKind::HalfYear => format!("{:04}-H{}", self.year, self.index),
            PeriodKind::Month => format!("{:04}-{:02}", self.year, self.index),
        }
    }

    /// What people read: "2026年度", "2026年上半年", "2026年3月".
    pub fn label_zh(&self) -> String {
        match self.kind {
            PeriodKind::Year => format!("{}年度", self.year),
            PeriodKind::HalfYear if self.index == 1 => format!("{}年上半年", self.year),
            PeriodKind::HalfYear => format!("{}年下半年", self.year),
            PeriodKind::Month => format!("{}年{}月", self.year, self.index),
        }
    }

    /// The period of `kind` that contains `d`.
    pub fn containing(kind: PeriodKind, d: SimpleDate) -> Period {
        let index = match kind {
            PeriodKind::Year => 1,
            PeriodKind::HalfYear => {
                if d.month <= 6 {
                    1
                } else {
                    2
                }
            }
            PeriodKind::Month => d.month,
        };
        Period {
            year: d.year,
            kind,
            index,
        }
    }

    pub fn start(&self) -> SimpleDate {
        let month = match self.kind {
            PeriodKind::Year => 1,
            PeriodKind::HalfYear => 1 + 6 * (self.index - 1),
            PeriodKind::Month => self.index,
        };
        SimpleDate::new(self.year, month, 1)
    }

    /// The last day, inclusive.
    pub fn end(&self) -> SimpleDate {
        add_days(self.next().start(), -1)
    }

    pub fn next(&self) -> Period {
        let count = match self.kind {
            PeriodKind::Year => 1,
            PeriodKind::HalfYear => 2,
            PeriodKind::Month => 12,
        };
        if self.index < count {
            Period {
                index: self.index + 1,
                ..*self
            }
        } else {
            Period {
                year: self.year + 1,
                index: 1,
                ..*self
            }
        }
    }

    pub fn days(&self) -> i64 {
        day_number(self.end()) - day_number(self.start()) + 1
    }

    pub fn contains(&self, d: SimpleDate) -> bool {
        self.start() <= d && d <= self.end()
    }
}

/// A period label in its one spelling ("2026", "2026-H1", "2026-03"), or the text as
/// given when it is not a period (a join approved with a free-text period keeps it).
pub fn normalise_label(s: &str) -> String {
    Period::parse(s).map_or_else(|| s.trim().to_owned(), |p| p.label())
}

/// The period's name for people when it is one, else the text itself.
pub fn label_zh(s: &str) -> String {
    Period::parse(s).map_or_else(|| s.trim().to_owned(), |p| p.label_zh())
}
