use std::time::Instant;

use huiji_domain::sync::RecordKind;
use huiji_domain::wire::PullResponse;

use super::*;
use crate::outbox::apply_push_results;
use crate::pull::apply_pull_page;

#[test]
fn a_page_upserts_rows_and_commits_its_cursor() {
    let f = fx();
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    apply_pull_page(
        &f.store,
        &page(
            vec![
                server_record(a, 1, 3, member("张靖")),
                server_record(b, 1, 4, member("李四")),
            ],
            4,
            9,
        ),
    )
    .unwrap();
    assert_eq!(f.store.cursor().unwrap(), 4);
    assert_eq!(f.store.status().unwrap().server_seq, 9);
    apply_pull_page(
        &f.store,
        &page(vec![server_record(a, 2, 8, member("张小靖"))], 9, 9),
    )
    .unwrap();
    let rec = f.store.get(a).unwrap().unwrap();
    assert_eq!((rec.version, rec.seq, rec.pending), (2, 8, false));
    assert_eq!(rec.owner_id, Some(Uuid::from_u128(0x2000)));
    assert_eq!(rec.body, member("张小靖"));
    assert_eq!(f.store.count(RecordKind::Member).unwrap(), 2);
    assert_eq!(f.store.cursor().unwrap(), 9);
}

#[test]
fn a_tombstone_removes_the_local_row() {
    let f = fx();
    let id = synced(&f.store, 1, 2, "张靖");
    apply_pull_page(&f.store, &page(vec![tombstone(id, 2, 5)], 5, 5)).unwrap();
    assert_eq!(f.store.get(id).unwrap(), None);
    assert_eq!(table_count(&f.store, "records"), 0);
    // A tombstone for a row never held here is harmless.
    apply_pull_page(&f.store, &page(vec![tombstone(Uuid::now_v7(), 3, 6)], 6, 6)).unwrap();
}

#[test]
fn rows_with_pending_ops_are_not_overwritten_or_removed_by_a_pull() {
    let f = fx();
    let edited = synced(&f.store, 1, 1, "张靖");
    let deleted_there = synced(&f.store, 1, 2, "李四");
    f.store.update(edited, member("张小靖")).unwrap();
    f.store.update(deleted_there, member("李小四")).unwrap();
    apply_pull_page(
        &f.store,
        &page(
            vec![
                server_record(edited, 2, 5, member("张大靖")),
                tombstone(deleted_there, 2, 6),
            ],
            6,
            6,
        ),
    )
    .unwrap();
    assert_eq!(f.store.get(edited).unwrap().unwrap().body, member("张小靖"));
    assert_eq!(
        f.store.get(deleted_there).unwrap().unwrap().body,
        member("李小四")
    );
    assert_eq!(
        f.store.cursor().unwrap(),
        6,
        "the cursor moves on regardless"
    );
    assert_eq!(f.store.pending_count().unwrap(), 2);
}

#[test]
fn a_row_held_back_by_a_pending_op_lands_when_that_op_is_rejected() {
    let f = fx();
    let id = synced(&f.store, 1, 1, "张靖");
    f.store.update(id, member("张小靖")).unwrap();
    let ops = batch(&f.store);
    apply_pull_page(
        &f.store,
        &page(vec![server_record(id, 2, 5, member("张大靖"))], 5, 5),
    )
    .unwrap();
    apply_push_results(&f.store, &ops, &[rejected(&ops[0], "Forbidden")]).unwrap();
    let rec = f.store.get(id).unwrap().unwrap();
    assert_eq!((rec.version, rec.body), (2, member("张大靖")));
    assert_eq!(table_count(&f.store, "held"), 0);
}

#[test]
fn a_row_held_back_is_dropped_when_the_pending_op_supersedes_it() {
    let f = fx();
    let id = synced(&f.store, 1, 1, "张靖");
    f.store.update(id, member("张小靖")).unwrap();
    let ops = batch(&f.store);
    // The pull saw our own edit's predecessor state before the push landed.
    apply_pull_page(
        &f.store,
        &page(vec![server_record(id, 1, 3, member("张靖"))], 3, 3),
    )
    .unwrap();
    apply_push_results(&f.store, &ops, &[applied(&ops[0], 2, 4)]).unwrap();
    let rec = f.store.get(id).unwrap().unwrap();
    assert_eq!((rec.version, rec.seq, rec.body), (2, 4, member("张小靖")));
    assert_eq!(table_count(&f.store, "held"), 0);
}

#[test]
fn a_page_that_fails_midway_leaves_neither_rows_nor_cursor() {
    let f = fx();
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    fail_on(&f.store, "INSERT ON records", &format!("NEW.id = '{b}'"));
    let res = apply_pull_page(
        &f.store,
        &page(
            vec![
                server_record(a, 1, 1, member("张靖")),
                server_record(b, 1, 2, member("李四")),
            ],
            2,
            2,
        ),
    );
    assert!(matches!(res, Err(Error::Db(_))));
    assert_eq!(table_count(&f.store, "records"), 0);
    assert_eq!(
        f.store.cursor().unwrap(),
        0,
        "the page is pulled again on resume"
    );
}

#[test]
fn the_cursor_never_moves_back_and_an_older_row_never_replaces_a_newer_one() {
    let f = fx();
    let id = synced(&f.store, 3, 10, "张靖");
    apply_pull_page(
        &f.store,
        &page(vec![server_record(id, 2, 7, member("张旧"))], 7, 10),
    )
    .unwrap();
    assert_eq!(f.store.cursor().unwrap(), 10);
    assert_eq!(f.store.get(id).unwrap().unwrap().version, 3);
}

#[test]
fn a_hundred_thousand_rows_apply_in_a_few_seconds() {
    let f = fx();
    let total = 100_000;
    let per_page = 5_000;
    let pages: Vec<PullResponse> = (0..total / per_page)
        .map(|p| {
            let records = (0..per_page)
                .map(|i| {
                    let seq = (p * per_page + i + 1) as i64;
                    server_record(Uuid::now_v7(), 1, seq, member("张靖"))
                })
                .collect();
            let next = ((p + 1) * per_page) as i64;
            page(records, next, total as i64)
        })
        .collect();
    // One pending op makes every row take the guarded path, the slower one.
    f.store
        .create(RecordKind::Notice, node(), notice("通知"))
        .unwrap();
    let start = Instant::now();
    for p in &pages {
        apply_pull_page(&f.store, p).unwrap();
    }
    let took = start.elapsed();
    eprintln!("applied {total} rows in {took:?}");
    assert_eq!(f.store.count(RecordKind::Member).unwrap(), total as u64);
    assert_eq!(f.store.cursor().unwrap(), total as i64);
    assert!(took.as_secs() < 20, "{took:?}");
}
