//! Member search over the local store: by name, by pinyin (full or initials, so
//! "zhangjing" and "zj" find 张靖), by phone suffix, by credit code.
//!
//! The index lives in memory, built from the store once and rebuilt when the store's
//! generation moves. Each rule has its own structure, so a query touches only what can
//! match: a char → names list for text in names, the few unit names, sorted keys with
//! prefix ranges for pinyin readings, initials and reversed phone tails, trigrams for
//! pinyin inside a reading, one substring scan over the credit codes. Matches are set in
//! a bitset by their rank in the requested order, which unions the rules and sorts the
//! result at once; a page is read off the bitset. p95 stays in single-digit
//! milliseconds at 100,000 members.

mod keys;

use std::collections::HashMap;

use huiji_domain::sync::{MemberBody, OrgNodeBody, RecordKind};
use pinyin::ToPinyinMulti;
use rusqlite::Connection;

use self::keys::{to_u32, trigram, trigram_groups, Arena, Bits, Groups, KeyIndex};
use super::views::{MemberPage, MemberQuery, MemberRow, MemberSort};
use crate::error::Result;
use crate::store::Store;

/// A member as shown in a row; the name and the unit are shared with the others who
/// carry them.
struct Entry {
    id: String,
    name: u32,
    unit: u32,
    phone_masked: Option<String>,
    id_number_masked: Option<String>,
    category: Option<String>,
    level: Option<String>,
    credit_code: Option<String>,
}

/// What `load` reads: the entries, their distinct names and units, and what the
/// index needs only while it is built.
struct Loaded {
    entries: Vec<Entry>,
    seqs: Vec<i64>,
    names: Vec<String>,
    units: Vec<String>,
}

const NAME: usize = 0;
const UNIT: usize = 1;
const RECENT: usize = 2;

#[derive(Default)]
pub struct MemberIndex {
    generation: Option<u64>,
    entries: Vec<Entry>,
    /// Distinct names, their members (in load order), and lowercased for matching.
    names: Vec<String>,
    name_members: Groups,
    names_lower: Arena,
    /// Each char of a lowercased name → the names holding it.
    name_chars: HashMap<char, Vec<u32>>,
    /// Distinct unit names, their members, and lowercased for matching.
    units: Vec<String>,
    unit_members: Groups,
    units_lower: Arena,
    /// Every reading of a name, syllables joined ("zhangjing") → names; several per
    /// name when a character has more than one reading (曾 zeng/ceng, 单 shan/dan).
    full: KeyIndex,
    /// Trigram → readings in `full` holding it, for pinyin inside a reading.
    full_trigrams: Groups,
    /// First letters of each reading ("zj") → names.
    initials: KeyIndex,
    /// The digits visible at the end of the masked phone, reversed ("6779") → members.
    phone_tails: KeyIndex,
    /// Uppercased credit codes of the members that have one, and those members.
    codes: Arena,
    code_members: Vec<u32>,
    /// Members in each order (name, unit, recent), and each member's place in it.
    orders: [Vec<u32>; 3],
    ranks: [Vec<u32>; 3],
}

/// Readings of a name: the cartesian product of each character's readings, capped so a
/// long name of polyphones cannot explode.
/// Surnames read differently from the character's first dictionary reading. The
/// surname reading goes first, so sorting by name puts 曾 under "zeng", not "ceng";
/// the other readings still match a search.
const SURNAME_READINGS: &[(char, &str)] = &[
    ('曾', "zeng"),
    ('单', "shan"),
    ('解', "xie"),
    ('仇', "qiu"),
    ('朴', "piao"),
    ('区', "ou"),
    ('查', "zha"),
    ('盖', "ge"),
    ('乐', "yue"),
    ('覃', "qin"),
    ('翟', "zhai"),
    ('缪', "miao"),
    ('种', "chong"),
    ('秘', "bi"),
    ('繁', "po"),
    ('员', "yun"),
    ('宿', "su"),
    ('尉', "yu"),
    ('长', "zhang"),
    ('重', "chong"),
    ('祭', "zhai"),
    ('万', "wan"),
    ('折', "she"),
    ('召', "shao"),
];

fn readings(name: &str) -> (Vec<String>, Vec<String>) {
    let mut full = vec![String::new()];
    let mut initials = vec![String::new()];
    for (pos, ch) in name.chars().enumerate() {
        let mut options: Vec<String> = match ch.to_pinyin_multi() {
            Some(multi) => {
                let mut v: Vec<String> = multi.into_iter().map(|p| p.plain().to_owned()).collect();
                v.dedup();
                v
            }
            None if ch.is_ascii_alphanumeric() => vec![ch.to_ascii_lowercase().to_string()],
            None => continue,
        };
        if pos == 0 {
            if let Some((_, r)) = SURNAME_READINGS.iter().find(|(c, _)| *c == ch) {
                options.retain(|o| o != r);
                options.insert(0, (*r).to_owned());
            }
        }
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

/// The number of `s` in `table`, adding it when new.
fn intern(table: &mut Vec<String>, seen: &mut HashMap<String, u32>, s: &str) -> u32 {
    if let Some(&i) = seen.get(s) {
        return i;
    }
    let i = to_u32(table.len());
    table.push(s.to_owned());
    seen.insert(s.to_owned(), i);
    i
}

fn load(conn: &Connection) -> Result<Loaded> {
    let mut node_names: HashMap<String, String> = HashMap::new();
    let mut stmt =
        conn.prepare_cached("SELECT id, body FROM records WHERE kind = ?1 AND deleted = 0")?;
    let rows = stmt.query_map([RecordKind::OrgNode.as_str()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (id, body) = row?;
        if let Ok(b) = serde_json::from_str::<OrgNodeBody>(&body) {
            node_names.insert(id, b.name);
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id, node_id, seq, body FROM records WHERE kind = ?1 AND deleted = 0",
    )?;
    let mut rows = stmt.query([RecordKind::Member.as_str()])?;
    let mut out = Loaded {
        entries: Vec::new(),
        seqs: Vec::new(),
        names: Vec::new(),
        units: Vec::new(),
    };
    let mut name_ids = HashMap::new();
    let mut unit_ids = HashMap::new();
    // Members of a node share its unit: the node's unit number is looked up once.
    let mut node_units: HashMap<String, u32> = HashMap::new();
    while let Some(r) = rows.next()? {
        // A row this version cannot read is skipped, never fatal to the search.
        let body = r.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?;
        let Ok(b) = serde_json::from_str::<MemberBody>(body) else {
            continue;
        };
        let node_id = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        let unit = match node_units.get(node_id) {
            Some(&u) => u,
            None => {
                let name = node_names.get(node_id).map_or("", String::as_str);
                let u = intern(&mut out.units, &mut unit_ids, name);
                node_units.insert(node_id.to_owned(), u);
                u
            }
        };
        let seq: i64 = r.get(2)?;
        out.seqs.push(if seq == 0 { i64::MAX } else { seq });
        out.entries.push(Entry {
            id: r.get(0)?,
            name: intern(&mut out.names, &mut name_ids, &b.name),
            unit,
            phone_masked: b.phone_masked,
            id_number_masked: b.id_number_masked,
            category: b.category,
            level: b.level,
            credit_code: b.credit_code,
        });
    }
    Ok(out)
}

/// Members grouped by a per-member group number, each group in load order.
fn members_by(groups: usize, entries: &[Entry], group: impl Fn(&Entry) -> u32) -> Groups {
    let pairs: Vec<(u32, u32)> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (group(e), to_u32(i)))
        .collect();
    Groups::build(groups, &pairs)
}

fn ranks_of(order: &[u32]) -> Vec<u32> {
    let mut ranks = vec![0; order.len()];
    for (r, &e) in order.iter().enumerate() {
        ranks[e as usize] = to_u32(r);
    }
    ranks
}

impl MemberIndex {
    fn rebuild(&mut self, store: &Store) -> Result<()> {
        let generation = store.generation();
        if self.generation == Some(generation) {
            return Ok(());
        }
        let Loaded {
            entries,
            seqs,
            names,
            units,
        } = store.with_conn(load)?;
        let n = entries.len();

        // Names: readings once per distinct name.
        let mut full_pairs = Vec::with_capacity(names.len() * 2);
        let mut initial_pairs = Vec::with_capacity(names.len() * 2);
        let mut first_readings = Vec::with_capacity(names.len());
        let mut names_lower = Arena::default();
        let mut name_chars: HashMap<char, Vec<u32>> = HashMap::new();
        let mut chars = Vec::new();
        for (nid, name) in names.iter().enumerate() {
            let nid = to_u32(nid);
            let (full, initials) = readings(name);
            first_readings.push(full.first().cloned().unwrap_or_default());
            full_pairs.extend(full.into_iter().map(|f| (f, nid)));
            initial_pairs.extend(initials.into_iter().map(|i| (i, nid)));
            let lower = name.to_lowercase();
            chars.clear();
            chars.extend(lower.chars());
            chars.sort_unstable();
            chars.dedup();
            for &c in &chars {
                name_chars.entry(c).or_default().push(nid);
            }
            names_lower.push(&lower);
        }
        let full = KeyIndex::build(full_pairs);
        let full_trigrams = trigram_groups(&full);
        let initials = KeyIndex::build(initial_pairs);
        let name_members = members_by(names.len(), &entries, |e| e.name);

        let mut units_lower = Arena::default();
        for u in &units {
            units_lower.push(&u.to_lowercase());
        }
        let unit_members = members_by(units.len(), &entries, |e| e.unit);

        let mut tail_pairs = Vec::new();
        let mut codes = Arena::default();
        let mut code_members = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let tail = phone_tail(e.phone_masked.as_deref());
            if !tail.is_empty() {
                tail_pairs.push((tail.chars().rev().collect::<String>(), to_u32(i)));
            }
            let code = e.credit_code.as_deref().unwrap_or("").to_uppercase();
            if !code.is_empty() {
                codes.push(&code);
                code_members.push(to_u32(i));
            }
        }
        let phone_tails = KeyIndex::build(tail_pairs);

        // Orders. By name: pinyin of the first reading, then the name; members of one
        // name in load order.
        let mut name_order: Vec<u32> = (0..to_u32(names.len())).collect();
        name_order.sort_unstable_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            first_readings[a]
                .cmp(&first_readings[b])
                .then_with(|| names[a].cmp(&names[b]))
        });
        let mut by_name = Vec::with_capacity(n);
        for &nid in &name_order {
            by_name.extend_from_slice(name_members.get(nid as usize));
        }
        // By unit name, members of one unit in name order.
        let mut unit_rank = vec![0u32; units.len()];
        let mut unit_order: Vec<u32> = (0..to_u32(units.len())).collect();
        unit_order.sort_unstable_by(|&a, &b| units[a as usize].cmp(&units[b as usize]));
        for (r, &u) in unit_order.iter().enumerate() {
            unit_rank[u as usize] = to_u32(r);
        }
        let mut by_unit = by_name.clone();
        by_unit.sort_by_key(|&i| unit_rank[entries[i as usize].unit as usize]);
        // Recent: highest seq first (not yet synced counts as newest), then load order.
        let mut by_recent: Vec<u32> = (0..to_u32(n)).collect();
        by_recent.sort_by_key(|&i| std::cmp::Reverse(seqs[i as usize]));

        let ranks = [ranks_of(&by_name), ranks_of(&by_unit), ranks_of(&by_recent)];
        *self = MemberIndex {
            generation: Some(generation),
            entries,
            names,
            name_members,
            names_lower,
            name_chars,
            units,
            unit_members,
            units_lower,
            full,
            full_trigrams,
            initials,
            phone_tails,
            codes,
            code_members,
            orders: [by_name, by_unit, by_recent],
            ranks,
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
        let sort = match q.sort {
            MemberSort::Name => NAME,
            MemberSort::Unit => UNIT,
            MemberSort::Recent => RECENT,
        };
        let order = &self.orders[sort];
        let n = order.len();
        let skip = (page as usize - 1).saturating_mul(page_size as usize);
        let take = page_size as usize;
        let (total, picked): (usize, Vec<u32>) = if needle.raw_lower.is_empty() {
            let end = n.min(skip.saturating_add(take));
            let picked = (skip.min(end)..end)
                .map(|i| if q.desc { order[n - 1 - i] } else { order[i] })
                .collect();
            (n, picked)
        } else {
            let mut bits = Bits::new(n);
            let rank = &self.ranks[sort];
            self.each_match(&needle, &mut |e| bits.set(rank[e as usize]));
            let picked = bits
                .page(skip, take, q.desc)
                .into_iter()
                .map(|r| order[r as usize])
                .collect();
            (bits.count(), picked)
        };
        Ok(MemberPage {
            items: picked.into_iter().map(|e| self.row(e)).collect(),
            total: to_u32(total),
            page,
            page_size,
        })
    }

    fn row(&self, i: u32) -> MemberRow {
        let e = &self.entries[i as usize];
        MemberRow {
            id: e.id.clone(),
            name: self.names[e.name as usize].clone(),
            phone_masked: e.phone_masked.clone(),
            id_number_masked: e.id_number_masked.clone(),
            category: e.category.clone(),
            level: e.level.clone(),
            credit_code: e.credit_code.clone(),
            unit_name: self.units[e.unit as usize].clone(),
        }
    }

    /// Calls `hit` for every member the needle matches (some more than once: by
    /// several rules, or several readings).
    fn each_match(&self, needle: &Needle, hit: &mut impl FnMut(u32)) {
        let q = needle.raw_lower.as_str();

        // Text in the name: the names holding the query's rarest char, verified.
        let lists: Option<Vec<&Vec<u32>>> = q.chars().map(|c| self.name_chars.get(&c)).collect();
        if let Some(rarest) = lists.and_then(|l| l.into_iter().min_by_key(|l| l.len())) {
            let single = q.chars().nth(1).is_none();
            for &nid in rarest {
                if single || self.names_lower.get(nid as usize).contains(q) {
                    self.name_hit(nid, hit);
                }
            }
        }

        // Text in the unit name: units are few.
        self.units_lower.each_containing(q, |u| {
            self.unit_members.get(u).iter().for_each(|&e| hit(e));
        });

        // A phone suffix: the masked phone shows its last digits. A short query ends the
        // visible tail; a longer one (up to a full number) ends with it.
        if let Some(d) = &needle.digits {
            let rev: String = d.chars().rev().collect();
            for k in self.phone_tails.prefix(&rev) {
                self.phone_tails.postings(k).iter().for_each(|&e| hit(e));
            }
            if d.len() <= 11 {
                for len in 1..rev.len() {
                    if let Some(k) = self.phone_tails.find(&rev[..len]) {
                        self.phone_tails.postings(k).iter().for_each(|&e| hit(e));
                    }
                }
            }
        }

        // Part of a credit code.
        if needle.upper.len() >= 4 {
            self.codes
                .each_containing(&needle.upper, |i| hit(self.code_members[i]));
        }

        // Pinyin: a prefix of the initials, or of a full reading; from three letters on,
        // anywhere in a full reading.
        let letters = needle.letters.as_str();
        if !letters.is_empty() {
            for k in self.initials.prefix(letters) {
                for &nid in self.initials.postings(k) {
                    self.name_hit(nid, hit);
                }
            }
            let mut readings = |k: usize| {
                for &nid in self.full.postings(k) {
                    self.name_hit(nid, hit);
                }
            };
            if letters.len() < 3 {
                self.full.prefix(letters).for_each(&mut readings);
            } else {
                let rarest = letters
                    .as_bytes()
                    .windows(3)
                    .map(|w| self.full_trigrams.get(trigram(w)))
                    .min_by_key(|l| l.len())
                    .unwrap_or_default();
                for &k in rarest {
                    if self.full.key(k as usize).contains(letters) {
                        readings(k as usize);
                    }
                }
            }
        }
    }

    fn name_hit(&self, nid: u32, hit: &mut impl FnMut(u32)) {
        self.name_members
            .get(nid as usize)
            .iter()
            .for_each(|&e| hit(e));
    }
}

/// A query, normalised once.
struct Needle {
    raw_lower: String,
    /// Letters only, for pinyin ("Zhang Jing" → "zhangjing"); empty unless the query is
    /// nothing but letters and spaces.
    letters: String,
    /// The query when it is all digits.
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
}

#[cfg(test)]
mod tests;
