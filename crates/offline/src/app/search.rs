//! Member search over the local store: by name, by pinyin (full or initials, so
//! "zhangjing" and "zj" find 张靖), by phone suffix, by credit code.
//!
//! The index lives in memory, built from the store once and rebuilt when the store's
//! generation moves; a query is one pass over precomputed keys in the requested order,
//! which keeps p95 in single-digit milliseconds at 100,000 members.

use std::collections::HashMap;

use huiji_domain::sync::{MemberBody, OrgNodeBody, RecordKind};
use pinyin::ToPinyinMulti;
use rusqlite::Connection;

use super::views::{MemberPage, MemberQuery, MemberRow, MemberSort};
use crate::error::Result;
use crate::store::Store;

struct Entry {
    row: MemberRow,
    seq: i64,
    name_lower: String,
    /// Every reading of the name, syllables joined ("zhangjing"); several when a
    /// character has more than one reading (曾 zeng/ceng, 单 shan/dan).
    full: Vec<String>,
    /// First letters of each reading ("zj").
    initials: Vec<String>,
    /// The digits visible at the end of the masked phone ("9776").
    phone_tail: String,
    credit_code: String,
    unit_lower: String,
}

#[derive(Default)]
pub struct MemberIndex {
    generation: Option<u64>,
    entries: Vec<Entry>,
    by_name: Vec<u32>,
    by_unit: Vec<u32>,
    by_recent: Vec<u32>,
}

/// Readings of a name: the cartesian product of each character's readings, capped so a
/// long name of polyphones cannot explode.
fn readings(name: &str) -> (Vec<String>, Vec<String>) {
    let mut full = vec![String::new()];
    let mut initials = vec![String::new()];
    for ch in name.chars() {
        let options: Vec<String> = match ch.to_pinyin_multi() {
            Some(multi) => {
                let mut v: Vec<String> = multi.into_iter().map(|p| p.plain().to_owned()).collect();
                v.dedup();
                v
            }
            None if ch.is_ascii_alphanumeric() => vec![ch.to_ascii_lowercase().to_string()],
            None => continue,
        };
        let mut nf = Vec::new();
        let mut ni = Vec::new();
        for (f, i) in full.iter().zip(&initials) {
            for o in &options {
                if nf.len() >= 16 {
                    break;
                }
                nf.push(format!("{f}{o}"));
                ni.push(format!("{i}{}", o.chars().next().unwrap_or_default()));
            }
        }
        full = nf;
        initials = ni;
    }
    initials.dedup();
    (full, initials)
}

fn phone_tail(masked: Option<&str>) -> String {
    let s = masked.unwrap_or("");
    let tail: String = s.chars().rev().take_while(char::is_ascii_digit).collect();
    tail.chars().rev().collect()
}

fn load(conn: &Connection) -> Result<Vec<Entry>> {
    let mut units: HashMap<String, String> = HashMap::new();
    let mut stmt =
        conn.prepare_cached("SELECT id, body FROM records WHERE kind = ?1 AND deleted = 0")?;
    let rows = stmt.query_map([RecordKind::OrgNode.as_str()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (id, body) = row?;
        if let Ok(b) = serde_json::from_str::<OrgNodeBody>(&body) {
            units.insert(id, b.name);
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id, node_id, seq, body FROM records WHERE kind = ?1 AND deleted = 0",
    )?;
    let rows = stmt.query_map([RecordKind::Member.as_str()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, node_id, seq, body) = row?;
        // A row this version cannot read is skipped, never fatal to the search.
        let Ok(b) = serde_json::from_str::<MemberBody>(&body) else {
            continue;
        };
        let (full, initials) = readings(&b.name);
        let unit_name = units.get(&node_id).cloned().unwrap_or_default();
        out.push(Entry {
            name_lower: b.name.to_lowercase(),
            full,
            initials,
            phone_tail: phone_tail(b.phone_masked.as_deref()),
            credit_code: b.credit_code.clone().unwrap_or_default().to_uppercase(),
            unit_lower: unit_name.to_lowercase(),
            seq: if seq == 0 { i64::MAX } else { seq },
            row: MemberRow {
                id,
                name: b.name,
                phone_masked: b.phone_masked,
                id_number_masked: b.id_number_masked,
                category: b.category,
                level: b.level,
                credit_code: b.credit_code,
                unit_name,
            },
        });
    }
    Ok(out)
}

impl MemberIndex {
    fn rebuild(&mut self, store: &Store) -> Result<()> {
        let generation = store.generation();
        if self.generation == Some(generation) {
            return Ok(());
        }
        let entries = store.with_conn(load)?;
        let n = entries.len() as u32;
        let mut by_name: Vec<u32> = (0..n).collect();
        by_name.sort_by(|&a, &b| {
            let (ea, eb) = (&entries[a as usize], &entries[b as usize]);
            ea.full
                .first()
                .cmp(&eb.full.first())
                .then_with(|| ea.row.name.cmp(&eb.row.name))
        });
        let mut by_unit = by_name.clone();
        by_unit.sort_by(|&a, &b| {
            entries[a as usize]
                .row
                .unit_name
                .cmp(&entries[b as usize].row.unit_name)
        });
        let mut by_recent: Vec<u32> = (0..n).collect();
        by_recent.sort_by_key(|&i| std::cmp::Reverse(entries[i as usize].seq));
        *self = MemberIndex {
            generation: Some(generation),
            entries,
            by_name,
            by_unit,
            by_recent,
        };
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn search(&mut self, store: &Store, q: &MemberQuery) -> Result<MemberPage> {
        self.rebuild(store)?;
        let page_size = q.page_size.clamp(1, 200);
        let page = q.page.max(1);
        let needle = Needle::parse(&q.text);
        let order = match q.sort {
            MemberSort::Name => &self.by_name,
            MemberSort::Unit => &self.by_unit,
            MemberSort::Recent => &self.by_recent,
        };
        let skip = ((page - 1) * page_size) as usize;
        let mut total = 0u32;
        let mut items = Vec::with_capacity(page_size as usize);
        let mut visit = |i: u32| {
            let e = &self.entries[i as usize];
            if needle.matches(e) {
                if total as usize >= skip && items.len() < page_size as usize {
                    items.push(e.row.clone());
                }
                total += 1;
            }
        };
        if q.desc {
            order.iter().rev().for_each(|&i| visit(i));
        } else {
            order.iter().for_each(|&i| visit(i));
        }
        Ok(MemberPage {
            items,
            total,
            page,
            page_size,
        })
    }
}

/// A query, normalised once.
struct Needle {
    raw_lower: String,
    /// Letters only, for pinyin ("Zhang Jing" → "zhangjing").
    letters: String,
    digits: Option<String>,
    upper: String,
}

impl Needle {
    fn parse(text: &str) -> Needle {
        let t = text.trim();
        let letters: String = t
            .chars()
            .filter(char::is_ascii_alphabetic)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let only_digits = !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
        Needle {
            raw_lower: t.to_lowercase(),
            letters: if t.chars().all(|c| c.is_ascii_alphabetic() || c == ' ') {
                letters
            } else {
                String::new()
            },
            digits: only_digits.then(|| t.to_owned()),
            upper: t.to_uppercase(),
        }
    }

    fn matches(&self, e: &Entry) -> bool {
        if self.raw_lower.is_empty() {
            return true;
        }
        if e.name_lower.contains(&self.raw_lower) || e.unit_lower.contains(&self.raw_lower) {
            return true;
        }
        if let Some(d) = &self.digits {
            // A phone suffix: the masked phone shows its last four digits.
            if !e.phone_tail.is_empty()
                && (e.phone_tail.ends_with(d.as_str())
                    || d.ends_with(e.phone_tail.as_str()) && d.len() <= 11)
            {
                return true;
            }
        }
        if self.upper.len() >= 4 && !e.credit_code.is_empty() && e.credit_code.contains(&self.upper)
        {
            return true;
        }
        if !self.letters.is_empty() {
            if e.initials.iter().any(|i| i.starts_with(&self.letters)) {
                return true;
            }
            if e.full.iter().any(|f| {
                f.starts_with(&self.letters)
                    || (self.letters.len() >= 3 && f.contains(&self.letters))
            }) {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_readings_cover_full_initials_and_polyphones() {
        let (full, initials) = readings("张靖");
        assert!(full.contains(&"zhangjing".to_owned()), "{full:?}");
        assert!(initials.contains(&"zj".to_owned()), "{initials:?}");
        let (full, _) = readings("曾伟");
        assert!(
            full.iter().any(|f| f.starts_with("zeng"))
                && full.iter().any(|f| f.starts_with("ceng")),
            "{full:?}"
        );
        let (full, _) = readings("欧阳娜娜");
        assert!(full.contains(&"ouyangnana".to_owned()), "{full:?}");
    }

    #[test]
    fn phone_tail_reads_the_visible_digits() {
        assert_eq!(phone_tail(Some("138****9776")), "9776");
        assert_eq!(phone_tail(Some("")), "");
        assert_eq!(phone_tail(None), "");
    }
}
