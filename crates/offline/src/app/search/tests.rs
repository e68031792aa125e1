use huiji_domain::org::NodeKind;
use huiji_domain::validate::credit_code_check_char;
use huiji_domain::wire::{PullResponse, Record};
use serde_json::{json, Value};
use tempfile::TempDir;
use uuid::Uuid;

use super::*;
use crate::pull::apply_pull_page;

#[test]
fn pinyin_readings_cover_full_initials_and_polyphones() {
    let (full, initials) = readings("张靖");
    assert!(full.contains(&"zhangjing".to_owned()), "{full:?}");
    assert!(initials.contains(&"zj".to_owned()), "{initials:?}");
    let (full, _) = readings("曾伟");
    assert!(
        full.iter().any(|f| f.starts_with("zeng")) && full.iter().any(|f| f.starts_with("ceng")),
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

// ---------------------------------------------------------------- fixture

const UNIT_A: u128 = 0xA0;
const UNIT_B: u128 = 0xB0;
const UNIT_C: u128 = 0xC0;

fn credit(first17: &str) -> String {
    format!("{first17}{}", credit_code_check_char(first17).unwrap())
}

fn record(id: Uuid, kind: RecordKind, node: u128, seq: i64, body: Value) -> Record {
    Record {
        id,
        kind,
        node_id: Uuid::from_u128(node),
        owner_id: None,
        version: 1,
        seq,
        deleted: false,
        body,
        updated_at: 1_700_000_000_000 + seq,
        updated_by: None,
    }
}

fn pull(store: &Store, records: Vec<Record>) {
    let seq = records.iter().map(|r| r.seq).max().unwrap_or(0);
    let page = PullResponse {
        records,
        next_cursor: seq,
        has_more: false,
        server_seq: seq,
    };
    apply_pull_page(store, &page).unwrap();
}

fn unit(id: u128, seq: i64, name: &str) -> Record {
    let body = json!({"name": name, "kind": NodeKind::UnitUnion, "parent_id": null});
    record(Uuid::from_u128(id), RecordKind::OrgNode, 0, seq, body)
}

fn body(name: &str, phone: Option<&str>, code: Option<&str>) -> Value {
    let mut b = json!({"name": name, "category": "企业职工"});
    if let Some(p) = phone {
        b["phone_masked"] = json!(p);
    }
    if let Some(c) = code {
        b["credit_code"] = json!(credit(c));
    }
    b
}

/// Eight members in three units: seven synced (seq 2..9), one written on this device
/// and not yet synced (seq 0).
fn roster() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("x.db")).unwrap();
    let member =
        |seq: i64, node: u128, b: Value| record(Uuid::now_v7(), RecordKind::Member, node, seq, b);
    pull(
        &store,
        vec![
            unit(UNIT_A, 100, "南京医科大学工会"),
            unit(UNIT_B, 101, "江苏省总工会"),
            unit(UNIT_C, 102, "Acme Labour Union"),
            member(5, UNIT_A, body("张靖", Some("138****9776"), None)),
            member(
                3,
                UNIT_A,
                body("李静", Some("139****1234"), Some("91320100MA1000000")),
            ),
            member(9, UNIT_B, body("欧阳娜娜", Some("137****0001"), None)),
            member(7, UNIT_B, body("曾伟", Some("136****9776"), None)),
            member(
                2,
                UNIT_C,
                body("单丽", Some("135****4321"), Some("91320100MA1050000")),
            ),
            member(4, UNIT_C, body("王伟", None, None)),
            member(6, UNIT_A, body("Anna Lee", Some("138****0100"), None)),
        ],
    );
    store
        .create_many(
            RecordKind::Member,
            Uuid::from_u128(UNIT_A),
            vec![body("章靖", Some("150****9776"), None)],
        )
        .unwrap();
    (dir, store)
}

fn query(text: &str, sort: MemberSort, desc: bool, page: u32, page_size: u32) -> MemberQuery {
    MemberQuery {
        text: text.to_owned(),
        sort,
        desc,
        page,
        page_size,
    }
}

fn names(page: &MemberPage) -> Vec<&str> {
    page.items.iter().map(|m| m.name.as_str()).collect()
}

// ---------------------------------------------------------------- rules

#[test]
fn each_rule_finds_its_members() {
    let (_dir, store) = roster();
    let mut index = MemberIndex::default();
    #[rustfmt::skip]
    let table: &[(&str, &[&str])] = &[
        // Empty: everyone.
        ("", &["Anna Lee", "李静", "欧阳娜娜", "单丽", "王伟", "曾伟", "张靖", "章靖"]),
        ("   ", &["Anna Lee", "李静", "欧阳娜娜", "单丽", "王伟", "曾伟", "张靖", "章靖"]),
        // Text in the name.
        ("靖", &["张靖", "章靖"]),
        (" 靖 ", &["张靖", "章靖"]),
        ("欧阳", &["欧阳娜娜"]),
        ("娜娜", &["欧阳娜娜"]),
        ("伟", &["王伟", "曾伟"]),
        ("张靖", &["张靖"]),
        ("靖张", &[]),
        ("赵", &[]),
        ("anna", &["Anna Lee"]),
        ("NA L", &["Anna Lee"]),
        // Text in the unit name.
        ("南京医科", &["Anna Lee", "李静", "张靖", "章靖"]),
        ("总工会", &["欧阳娜娜", "曾伟"]),
        ("工会", &["Anna Lee", "李静", "欧阳娜娜", "曾伟", "张靖", "章靖"]),
        ("labour", &["单丽", "王伟"]),
        ("ACME labour", &["单丽", "王伟"]),
        // Pinyin, full readings: a prefix, spaces and case ignored.
        ("zhangjing", &["张靖", "章靖"]),
        ("Zhang Jing", &["张靖", "章靖"]),
        ("zhang", &["张靖", "章靖"]),
        ("zh", &["张靖", "章靖"]),
        ("ouyang", &["欧阳娜娜"]),
        ("ouyangnana", &["欧阳娜娜"]),
        ("lijing", &["李静"]),
        ("w", &["王伟"]),
        // From three letters on, anywhere in a reading.
        ("jing", &["李静", "张靖", "章靖"]),
        ("wei", &["王伟", "曾伟"]),
        ("yangna", &["欧阳娜娜"]),
        ("ei", &[]),
        ("zhangjingx", &[]),
        // Initials.
        ("zj", &["张靖", "章靖"]),
        ("ZJ", &["张靖", "章靖"]),
        ("oyn", &["欧阳娜娜"]),
        ("oynn", &["欧阳娜娜"]),
        ("lj", &["李静"]),
        ("ww", &["王伟"]),
        ("jz", &[]),
        // Polyphones: every reading matches.
        ("zeng", &["曾伟"]),
        ("ceng", &["曾伟"]),
        ("zw", &["曾伟"]),
        ("cw", &["曾伟"]),
        ("shanli", &["单丽"]),
        ("danli", &["单丽"]),
        ("dl", &["单丽"]),
        ("sl", &["单丽"]),
        // Phone: a short query ends the visible tail, a longer one ends with it.
        ("9776", &["曾伟", "张靖", "章靖"]),
        ("776", &["曾伟", "张靖", "章靖"]),
        ("6", &["曾伟", "张靖", "章靖"]),
        ("1234", &["李静"]),
        ("4321", &["单丽"]),
        ("21", &["单丽"]),
        ("19776", &["曾伟", "张靖", "章靖"]),
        ("13800009776", &["曾伟", "张靖", "章靖"]),
        ("138000009776", &[]),
        ("9777", &[]),
        ("977", &[]),
        // Credit code: four characters or more, any case, anywhere in the code.
        ("MA1000", &["李静"]),
        ("ma1000", &["李静"]),
        ("MA105", &["单丽"]),
        ("MA10", &["李静", "单丽"]),
        ("9132", &["李静", "单丽"]),
        ("MA1", &[]),
        ("91320100MA1000000", &["李静"]),
        // Several rules at once: a phone tail and credit codes.
        ("0100", &["Anna Lee", "李静", "单丽"]),
        // Nothing.
        ("张x", &[]),
        ("!!", &[]),
    ];
    for &(text, expected) in table {
        let page = index
            .search(&store, &query(text, MemberSort::Name, false, 1, 200))
            .unwrap();
        assert_eq!(names(&page), expected, "query {text:?}");
        assert_eq!(page.total as usize, expected.len(), "query {text:?}");
    }
}

#[test]
fn rows_carry_the_member_and_unit() {
    let (_dir, store) = roster();
    let mut index = MemberIndex::default();
    let page = index
        .search(&store, &query("lijing", MemberSort::Name, false, 1, 20))
        .unwrap();
    let row = &page.items[0];
    assert_eq!(row.name, "李静");
    assert_eq!(row.phone_masked.as_deref(), Some("139****1234"));
    assert_eq!(
        row.credit_code.as_deref(),
        Some(credit("91320100MA1000000").as_str())
    );
    assert_eq!(row.category.as_deref(), Some("企业职工"));
    assert_eq!(row.unit_name, "南京医科大学工会");
    assert_eq!(index.len(), 8);
    assert!(!index.is_empty());
    assert!(MemberIndex::default().is_empty());
}

// ---------------------------------------------------------------- orders and pages

#[test]
fn sorts_ascending_and_descending() {
    let (_dir, store) = roster();
    let mut index = MemberIndex::default();
    #[rustfmt::skip]
    let table: &[(&str, MemberSort, &[&str])] = &[
        // By the pinyin of the first reading (曾 reads ceng first), then the name (张 < 章).
        ("", MemberSort::Name, &["Anna Lee", "李静", "欧阳娜娜", "单丽", "王伟", "曾伟", "张靖", "章靖"]),
        // By unit name, then by name within a unit.
        ("", MemberSort::Unit, &["单丽", "王伟", "Anna Lee", "李静", "张靖", "章靖", "欧阳娜娜", "曾伟"]),
        // Highest seq first; not yet synced counts as newest.
        ("", MemberSort::Recent, &["章靖", "欧阳娜娜", "曾伟", "Anna Lee", "张靖", "王伟", "李静", "单丽"]),
        ("9776", MemberSort::Name, &["曾伟", "张靖", "章靖"]),
        ("9776", MemberSort::Unit, &["张靖", "章靖", "曾伟"]),
        ("9776", MemberSort::Recent, &["章靖", "曾伟", "张靖"]),
        ("工会", MemberSort::Unit, &["Anna Lee", "李静", "张靖", "章靖", "欧阳娜娜", "曾伟"]),
    ];
    for &(text, sort, expected) in table {
        let asc = index
            .search(&store, &query(text, sort, false, 1, 50))
            .unwrap();
        assert_eq!(names(&asc), expected, "{text:?} {sort:?}");
        let desc = index
            .search(&store, &query(text, sort, true, 1, 50))
            .unwrap();
        let reversed: Vec<&str> = expected.iter().rev().copied().collect();
        assert_eq!(names(&desc), reversed, "{text:?} {sort:?} desc");
        assert_eq!(desc.total, asc.total);
    }
}

#[test]
fn pages_split_the_order_and_total_counts_all_matches() {
    let (_dir, store) = roster();
    let mut index = MemberIndex::default();
    for text in ["", "工会", "9776", "zj", "wei"] {
        for sort in [MemberSort::Name, MemberSort::Unit, MemberSort::Recent] {
            for desc in [false, true] {
                let all = index
                    .search(&store, &query(text, sort, desc, 1, 200))
                    .unwrap();
                for size in [1, 2, 3, 5] {
                    let mut joined = Vec::new();
                    for p in 1..=10 {
                        let page = index
                            .search(&store, &query(text, sort, desc, p, size))
                            .unwrap();
                        assert_eq!(
                            (page.page, page.page_size, page.total),
                            (p, size, all.total)
                        );
                        assert!(page.items.len() <= size as usize);
                        joined.extend(page.items);
                    }
                    assert_eq!(joined, all.items, "{text:?} {sort:?} {desc} {size}");
                }
            }
        }
    }
    // Page and size are clamped: page 0 is the first, sizes to 1..=200.
    let p = index
        .search(&store, &query("", MemberSort::Name, false, 0, 0))
        .unwrap();
    assert_eq!((p.page, p.page_size, p.items.len(), p.total), (1, 1, 1, 8));
    let p = index
        .search(&store, &query("", MemberSort::Name, false, 1, 5000))
        .unwrap();
    assert_eq!((p.page_size, p.items.len()), (200, 8));
    let p = index
        .search(&store, &query("9776", MemberSort::Name, false, 2, 2))
        .unwrap();
    assert_eq!((names(&p), p.total), (vec!["章靖"], 3));
    let p = index
        .search(&store, &query("", MemberSort::Name, true, u32::MAX, 200))
        .unwrap();
    assert_eq!((p.items.len(), p.total), (0, 8));
}

#[test]
fn a_write_to_the_store_is_seen_by_the_next_search() {
    let (_dir, store) = roster();
    let mut index = MemberIndex::default();
    let q = query("靖", MemberSort::Name, false, 1, 20);
    assert_eq!(index.search(&store, &q).unwrap().total, 2);
    let generation = store.generation();
    // Unchanged store: the index is kept.
    index.search(&store, &q).unwrap();
    assert_eq!(index.generation, Some(generation));

    let ids = store
        .create_many(
            RecordKind::Member,
            Uuid::from_u128(UNIT_B),
            vec![body("赵靖", Some("138****5555"), None)],
        )
        .unwrap();
    let page = index.search(&store, &q).unwrap();
    assert_eq!(names(&page), ["张靖", "章靖", "赵靖"]);
    assert_eq!(page.items[2].unit_name, "江苏省总工会");
    assert_eq!(index.len(), 9);
    let by_phone = index
        .search(&store, &query("5555", MemberSort::Recent, false, 1, 20))
        .unwrap();
    assert_eq!(names(&by_phone), ["赵靖"]);

    // An edit moves the member; a server delete removes one; a unit renamed by the
    // server is found by its new name.
    store
        .update(ids[0], body("赵静", Some("138****5555"), None))
        .unwrap();
    assert_eq!(names(&index.search(&store, &q).unwrap()), ["张靖", "章靖"]);
    assert_eq!(
        names(
            &index
                .search(&store, &query("zhaojing", MemberSort::Name, false, 1, 20))
                .unwrap()
        ),
        ["赵静"]
    );
    let zhang = index
        .search(&store, &query("张靖", MemberSort::Name, false, 1, 20))
        .unwrap();
    let mut gone = record(
        Uuid::parse_str(&zhang.items[0].id).unwrap(),
        RecordKind::Member,
        UNIT_A,
        200,
        Value::Null,
    );
    gone.deleted = true;
    pull(&store, vec![gone, unit(UNIT_C, 201, "Acme Workers Union")]);
    assert_eq!(names(&index.search(&store, &q).unwrap()), ["章靖"]);
    assert_eq!(
        names(
            &index
                .search(&store, &query("workers", MemberSort::Name, false, 1, 20))
                .unwrap()
        ),
        ["单丽", "王伟"]
    );
    assert_eq!(
        index
            .search(&store, &query("labour", MemberSort::Name, false, 1, 20))
            .unwrap()
            .total,
        0
    );
}

// ---------------------------------------------------------------- against the scan

/// The search as a scan over every member, as it was before the index: each page must
/// come out the same.
mod scan {
    use super::*;

    pub struct Entry {
        pub row: MemberRow,
        pub seq: i64,
        pub name_lower: String,
        pub full: Vec<String>,
        pub initials: Vec<String>,
        pub phone_tail: String,
        pub credit_code: String,
        pub unit_lower: String,
    }

    pub fn load(conn: &Connection) -> Result<Vec<Entry>> {
        let mut units: HashMap<String, String> = HashMap::new();
        let mut stmt =
            conn.prepare("SELECT id, body FROM records WHERE kind = ?1 AND deleted = 0")?;
        let rows = stmt.query_map([RecordKind::OrgNode.as_str()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (id, body) = row?;
            if let Ok(b) = serde_json::from_str::<OrgNodeBody>(&body) {
                units.insert(id, b.name);
            }
        }
        let mut stmt = conn.prepare(
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

    fn matches(n: &Needle, e: &Entry) -> bool {
        if n.raw_lower.is_empty() {
            return true;
        }
        if e.name_lower.contains(&n.raw_lower) || e.unit_lower.contains(&n.raw_lower) {
            return true;
        }
        if let Some(d) = &n.digits {
            if !e.phone_tail.is_empty()
                && (e.phone_tail.ends_with(d.as_str())
                    || d.ends_with(e.phone_tail.as_str()) && d.len() <= 11)
            {
                return true;
            }
        }
        if n.upper.len() >= 4 && !e.credit_code.is_empty() && e.credit_code.contains(&n.upper) {
            return true;
        }
        if !n.letters.is_empty() {
            if e.initials.iter().any(|i| i.starts_with(&n.letters)) {
                return true;
            }
            if e.full.iter().any(|f| {
                f.starts_with(&n.letters) || (n.letters.len() >= 3 && f.contains(&n.letters))
            }) {
                return true;
            }
        }
        false
    }

    /// The three orders (name, unit, recent), as the scan sorted them.
    pub fn orders(entries: &[Entry]) -> [Vec<u32>; 3] {
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
        [by_name, by_unit, by_recent]
    }

    pub fn search(entries: &[Entry], orders: &[Vec<u32>; 3], q: &MemberQuery) -> MemberPage {
        let mut order = match q.sort {
            MemberSort::Name => orders[0].clone(),
            MemberSort::Unit => orders[1].clone(),
            MemberSort::Recent => orders[2].clone(),
        };
        if q.desc {
            order.reverse();
        }
        let page_size = q.page_size.clamp(1, 200);
        let page = q.page.max(1);
        let needle = Needle::parse(&q.text);
        let hits: Vec<&Entry> = order
            .iter()
            .map(|&i| &entries[i as usize])
            .filter(|e| matches(&needle, e))
            .collect();
        MemberPage {
            items: hits
                .iter()
                .skip(((page - 1) * page_size) as usize)
                .take(page_size as usize)
                .map(|e| e.row.clone())
                .collect(),
            total: hits.len() as u32,
            page,
            page_size,
        }
    }
}

/// A small deterministic generator, so the roster is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[test]
fn every_page_matches_a_scan_over_all_members() {
    const SURNAMES: &[&str] = &[
        "王", "李", "张", "章", "曾", "单", "欧阳", "司马", "乐", "解", "朴", "区", "仇", "查",
        "长孙", "Li",
    ];
    const GIVEN: &[&str] = &[
        "靖",
        "静",
        "伟",
        "娜娜",
        "秀英",
        "行",
        "重阳",
        "乐乐",
        "长青",
        "朝阳",
        "Anna",
        "·买买提",
        "3",
    ];
    const PHONES: &[&str] = &[
        "138****9776",
        "139****1234",
        "136****0776",
        "137****9776",
        "1380000",
        "****",
        "9776",
        "12345678901",
        "",
    ];
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("x.db")).unwrap();
    let mut rng = Lcg(7);
    let mut records = vec![
        unit(UNIT_A, 1, "南京医科大学工会"),
        unit(UNIT_B, 2, "江苏省总工会"),
        unit(UNIT_C, 3, "Acme Labour Union"),
    ];
    let mut local = Vec::new();
    for i in 0..400 {
        let name = format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN));
        let phone = *rng.pick(PHONES);
        let mut b = json!({"name": name});
        if !phone.is_empty() {
            b["phone_masked"] = json!(phone);
        }
        if rng.below(4) == 0 {
            b["credit_code"] = json!(credit(&format!(
                "91320100MA{:07}",
                1_000_000 + rng.below(3000)
            )));
        }
        // One in eight written here and not yet synced; a few in a node with no unit.
        let node = *rng.pick(&[UNIT_A, UNIT_B, UNIT_C, 0xD0]);
        if i % 8 == 0 && huiji_domain::sync::validate_body(RecordKind::Member, &b).is_ok() {
            local.push((node, b));
        } else {
            records.push(record(
                Uuid::now_v7(),
                RecordKind::Member,
                node,
                10 + rng.below(50) as i64,
                b,
            ));
        }
    }
    pull(&store, records);
    for (node, b) in local {
        store
            .create_many(RecordKind::Member, Uuid::from_u128(node), vec![b])
            .unwrap();
    }

    let entries = store.with_conn(scan::load).unwrap();
    let mut texts: Vec<String> = vec![
        "".into(),
        "靖".into(),
        "欧阳".into(),
        "阳".into(),
        "司马".into(),
        "工会".into(),
        "南京医科".into(),
        "ACME".into(),
        "labour union".into(),
        "zhangjing".into(),
        "zhang".into(),
        "zh".into(),
        "z".into(),
        "zj".into(),
        "oyn".into(),
        "ouyang".into(),
        "yang".into(),
        "jing".into(),
        "ing".into(),
        "le".into(),
        "yue".into(),
        "xie".into(),
        "jie".into(),
        "piao".into(),
        "ou".into(),
        "qiu".into(),
        "cha".into(),
        "zha".into(),
        "zhangsun".into(),
        "changsun".into(),
        "cs".into(),
        "li".into(),
        "LI".into(),
        "Li Anna".into(),
        "anna".into(),
        "3".into(),
        "li3".into(),
        "9776".into(),
        "776".into(),
        "0776".into(),
        "6".into(),
        "19776".into(),
        "13800009776".into(),
        "138000009776".into(),
        "1380000".into(),
        "0000".into(),
        "12345678901".into(),
        "45678901".into(),
        "MA1000".into(),
        "ma1001".into(),
        "9132".into(),
        "MA1".into(),
        "0100".into(),
        "·".into(),
        "买买提".into(),
        "x".into(),
        "*".into(),
        "****".into(),
    ];
    for _ in 0..100 {
        // Pieces of real names, readings, initials, phones and codes.
        let e = &entries[rng.below(entries.len())];
        let pick = |s: &str, rng: &mut Lcg| -> String {
            let chars: Vec<char> = s.chars().collect();
            if chars.is_empty() {
                return String::new();
            }
            let a = rng.below(chars.len());
            let b = a + 1 + rng.below(chars.len() - a);
            chars[a..b].iter().collect()
        };
        texts.push(pick(&e.row.name, &mut rng));
        texts.push(pick(rng.pick(&e.full).clone().as_str(), &mut rng));
        for key in [rng.pick(&e.full).clone(), rng.pick(&e.initials).clone()] {
            if !key.is_empty() {
                texts.push(key[..1 + rng.below(key.len())].to_owned());
            }
        }
        texts.push(pick(&e.phone_tail, &mut rng));
        texts.push(pick(&e.credit_code, &mut rng).to_lowercase());
    }
    texts.sort();
    texts.dedup();

    let orders = scan::orders(&entries);
    let mut index = MemberIndex::default();
    let mut compared = 0;
    for text in &texts {
        for sort in [MemberSort::Name, MemberSort::Unit, MemberSort::Recent] {
            for desc in [false, true] {
                for (page, size) in [(1, 200), (2, 7), (5, 3)] {
                    let q = query(text, sort, desc, page, size);
                    let got = index.search(&store, &q).unwrap();
                    assert_eq!(got, scan::search(&entries, &orders, &q), "{q:?}");
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 1000, "{compared}");
}

/// Timings on a harder roster than the bench's (about 66,000 distinct names, 200
/// units): `cargo test --release -p huiji-offline --lib timings -- --ignored --nocapture`.
#[test]
#[ignore]
fn timings_with_many_distinct_names() {
    let chars: Vec<char> = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹曾单乐解朴区仇查长重行朝传降调都会强差少省说参折便率伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超建华晓燕文博子涵雨桐浩然欣怡俊思远一鸣海志国栋靖家玉兰春梅凤云红霞平刚金桂珍淑琴素荣翠玲佳慧颖婷雪琳晶宇轩辰鹏飞鑫磊鹤".chars().collect();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("x.db")).unwrap();
    let mut rng = Lcg(11);
    let mut records: Vec<Record> = (0..200)
        .map(|u| unit(0x1000 + u, 1 + u as i64, &format!("第{u}单位工会")))
        .collect();
    for i in 0..100_000 {
        let len = 2 + rng.below(2);
        let name: String = (0..len).map(|_| *rng.pick(&chars)).collect();
        let mut b =
            json!({"name": name, "phone_masked": format!("138****{:04}", rng.below(10000))});
        if rng.below(3) == 0 {
            b["credit_code"] = json!(credit(&format!("91320100MA{:07}", 1_000_000 + i)));
        }
        records.push(record(
            Uuid::now_v7(),
            RecordKind::Member,
            0x1000 + rng.below(200) as u128,
            300 + i as i64,
            b,
        ));
    }
    for chunk in records.chunks(20_000) {
        pull(&store, chunk.to_vec());
    }
    let mut index = MemberIndex::default();
    let t = std::time::Instant::now();
    index
        .search(&store, &query("", MemberSort::Name, false, 1, 20))
        .unwrap();
    println!(
        "build {:?}, {} distinct names, {} readings",
        t.elapsed(),
        index.names.len(),
        index.full.len()
    );
    for text in [
        "a",
        "z",
        "zh",
        "ang",
        "ing",
        "zhang",
        "jing",
        "zhangjing",
        "zj",
        "z j",
        "王",
        "强",
        "会",
        "单位",
        "第1",
        "第12单位",
        "6",
        "76",
        "9776",
        "138009776",
        "MA1",
        "MA10",
        "9132",
        "MA1050",
        "0100",
        "x",
    ] {
        for sort in [MemberSort::Name, MemberSort::Recent] {
            let mut lat = Vec::new();
            let mut total = 0;
            for p in 1..=20 {
                let t = std::time::Instant::now();
                total = index
                    .search(&store, &query(text, sort, p % 2 == 0, p, 20))
                    .unwrap()
                    .total;
                lat.push(t.elapsed());
            }
            lat.sort();
            println!(
                "{text:>12} {sort:?}: max {:?} p50 {:?} total {total}",
                lat[19], lat[10]
            );
        }
    }
}
