use std::time::Instant;

use huiji_domain::sync::RecordKind;
use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::outbox::apply_push_results;

#[test]
fn create_writes_the_row_and_its_create_op_together() {
    let f = fx();
    let id = f
        .store
        .create(RecordKind::Member, node(), member("张靖"))
        .unwrap();
    assert_eq!(id.get_version_num(), 7);
    let rec = f.store.get(id).unwrap().unwrap();
    assert_eq!(
        (rec.version, rec.seq, rec.pending, rec.updated_at),
        (0, 0, true, T0)
    );
    assert_eq!(rec.body, member("张靖"));
    let out = outbox(&f.store);
    assert_eq!(out.len(), 1);
    assert_eq!(
        (out[0].record_id, out[0].base_version, out[0].deleted),
        (id, None, false)
    );
    assert_eq!(out[0].state, "pending");
}

#[test]
fn invalid_bodies_are_refused_before_anything_is_written() {
    let f = fx();
    let cases = [
        (RecordKind::Member, json!({"name": ""}), "NameEmpty"),
        (
            RecordKind::Member,
            json!({"name": "张靖", "phone_masked": "13814119776"}),
            "MaskedValueExpected",
        ),
        (
            RecordKind::Member,
            json!({"name": "张靖", "salary": 1}),
            "BodyInvalid",
        ),
        (
            RecordKind::Notice,
            json!({"title": "", "content": "x"}),
            "TitleInvalid",
        ),
        (
            RecordKind::Scan,
            json!({"subject": "张*", "verdict": "green", "temperature_tenths": 450}),
            "TemperatureOutOfRange",
        ),
        (
            RecordKind::OrgNode,
            json!({"name": "新单位", "kind": "unit_union", "parent_id": null}),
            "ServerOnlyKind",
        ),
    ];
    for (kind, body, code) in cases {
        let err = f.store.create(kind, node(), body.clone()).unwrap_err();
        assert!(matches!(err, Error::Invalid(_)), "{kind:?} {body}: {err}");
        assert_eq!(err.code(), code, "{kind:?} {body}");
    }
    assert_eq!(table_count(&f.store, "records"), 0);
    assert_eq!(table_count(&f.store, "outbox"), 0);
}

#[test]
fn a_failed_outbox_write_leaves_no_half_written_record() {
    let f = fx();
    let kept = f
        .store
        .create(RecordKind::Member, node(), member("张靖"))
        .unwrap();
    fail_on(&f.store, "INSERT ON outbox", "1");
    assert!(matches!(
        f.store.create(RecordKind::Member, node(), member("李四")),
        Err(Error::Db(_))
    ));
    let many = f.store.create_many(
        RecordKind::Member,
        node(),
        vec![member("王五"), member("赵六")],
    );
    assert!(matches!(many, Err(Error::Db(_))));
    // The edit's op insert fails too, so the mirror must keep the old body.
    assert!(f
        .store
        .update(synced(&f.store, 1, 1, "王芳"), member("王小芳"))
        .is_err());
    assert_eq!(f.store.count(RecordKind::Member).unwrap(), 2);
    assert_eq!(f.store.get(kept).unwrap().unwrap().body, member("张靖"));
    assert_eq!(outbox(&f.store).len(), 1);
    let names: Vec<_> = f
        .store
        .list(RecordKind::Member, 10, 0)
        .unwrap()
        .into_iter()
        .map(|r| r.body["name"].clone())
        .collect();
    assert!(names.contains(&json!("王芳")), "{names:?}");
}

#[test]
fn create_many_writes_all_or_nothing() {
    let f = fx();
    let bad = f.store.create_many(
        RecordKind::Member,
        node(),
        vec![member("张靖"), json!({"name": ""})],
    );
    assert_eq!(bad.unwrap_err().code(), "NameEmpty");
    assert_eq!(table_count(&f.store, "records"), 0);
    let ids = f
        .store
        .create_many(
            RecordKind::Member,
            node(),
            vec![member("张靖"), member("李四")],
        )
        .unwrap();
    assert_eq!(ids.len(), 2);
    let out = outbox(&f.store);
    assert_eq!(
        out.iter().map(|o| o.record_id).collect::<Vec<_>>(),
        ids,
        "ops in creation order"
    );
}

#[test]
fn editing_an_unsent_create_rewrites_it_instead_of_queueing_a_second_op() {
    let f = fx();
    let id = f
        .store
        .create(RecordKind::Member, node(), member("张靖"))
        .unwrap();
    f.clock.advance(10);
    f.store.update(id, member("张小靖")).unwrap();
    let out = outbox(&f.store);
    assert_eq!(out.len(), 1);
    assert_eq!(
        (out[0].base_version, &out[0].body),
        (None, &member("张小靖"))
    );
    assert_eq!(f.store.get(id).unwrap().unwrap().body, member("张小靖"));
}

#[test]
fn an_edit_carries_the_synced_version_it_was_made_on() {
    let f = fx();
    let id = synced(&f.store, 3, 8, "王芳");
    f.store.update(id, member("王小芳")).unwrap();
    let out = outbox(&f.store);
    assert_eq!((out.len(), out[0].base_version), (1, Some(3)));
    let rec = f.store.get(id).unwrap().unwrap();
    assert_eq!((rec.version, rec.pending), (3, true));
    assert_eq!(rec.body, member("王小芳"));
}

#[test]
fn an_edit_while_the_create_is_in_flight_is_a_second_op() {
    let f = fx();
    let id = f
        .store
        .create(RecordKind::Member, node(), member("张靖"))
        .unwrap();
    let sent = batch(&f.store);
    f.store.update(id, member("张小靖")).unwrap();
    let out = outbox(&f.store);
    assert_eq!(
        out.len(),
        2,
        "the sent create may already be applied; it must not change"
    );
    assert_eq!((out[0].body.clone(), out[0].attempts), (member("张靖"), 1));
    assert_eq!((out[1].base_version, out[1].attempts), (None, 0));
    // The edit waits for the create's answer rather than racing it in one batch.
    assert!(batch(&f.store).iter().all(|op| op.op_id == sent[0].op_id));
}

#[test]
fn deleting_a_record_the_server_never_saw_leaves_no_trace() {
    let f = fx();
    let id = f
        .store
        .create(RecordKind::Member, node(), member("张靖"))
        .unwrap();
    f.store.delete(id).unwrap();
    assert_eq!(f.store.get(id).unwrap(), None);
    assert_eq!(table_count(&f.store, "records"), 0);
    assert_eq!(table_count(&f.store, "outbox"), 0);
}

#[test]
fn deleting_a_synced_record_hides_it_and_queues_a_delete_on_its_version() {
    let f = fx();
    let id = synced(&f.store, 2, 4, "王芳");
    f.store.delete(id).unwrap();
    assert_eq!(f.store.get(id).unwrap(), None);
    assert_eq!(f.store.count(RecordKind::Member).unwrap(), 0);
    let out = outbox(&f.store);
    assert_eq!((out[0].deleted, out[0].base_version), (true, Some(2)));
    assert!(matches!(
        f.store.update(id, member("王小芳")),
        Err(Error::NotFound)
    ));
    assert!(matches!(f.store.delete(id), Err(Error::NotFound)));
}

#[test]
fn missing_records_cannot_be_edited_or_deleted() {
    let f = fx();
    let ghost = Uuid::now_v7();
    assert!(matches!(
        f.store.update(ghost, member("张靖")),
        Err(Error::NotFound)
    ));
    assert!(matches!(f.store.delete(ghost), Err(Error::NotFound)));
    assert_eq!(f.store.get(ghost).unwrap(), None);
}

#[test]
fn an_edit_with_an_invalid_body_changes_nothing() {
    let f = fx();
    let id = synced(&f.store, 1, 1, "王芳");
    let err = f
        .store
        .update(id, json!({"name": "王芳", "phone_masked": "13814119776"}))
        .unwrap_err();
    assert_eq!(err.code(), "MaskedValueExpected");
    assert_eq!(f.store.get(id).unwrap().unwrap().body, member("王芳"));
    assert_eq!(table_count(&f.store, "outbox"), 0);
}

#[test]
fn a_scan_is_append_only_once_it_may_have_reached_the_server() {
    let f = fx();
    let scan = |t: i32| json!({"subject": "张*", "verdict": "green", "temperature_tenths": t});
    let id = f.store.create(RecordKind::Scan, node(), scan(365)).unwrap();
    f.store.update(id, scan(366)).unwrap();
    assert_eq!(
        outbox(&f.store).len(),
        1,
        "an unsent scan may still be corrected"
    );
    let ops = batch(&f.store);
    assert_eq!(
        f.store.update(id, scan(367)).unwrap_err().code(),
        "AppendOnly"
    );
    assert_eq!(f.store.delete(id).unwrap_err().code(), "AppendOnly");
    apply_push_results(&f.store, &ops, &[applied(&ops[0], 1, 1)]).unwrap();
    assert_eq!(
        f.store.update(id, scan(367)).unwrap_err().code(),
        "AppendOnly"
    );
}

#[test]
fn list_and_count_page_live_records_of_a_kind_in_creation_order() {
    let f = fx();
    let ids: Vec<Uuid> = (0..5)
        .map(|i| {
            f.store
                .create(RecordKind::Notice, node(), notice(&format!("通知{i}")))
                .unwrap()
        })
        .collect();
    f.store
        .create(RecordKind::Member, node(), member("张靖"))
        .unwrap();
    f.store.delete(ids[1]).unwrap();
    assert_eq!(f.store.count(RecordKind::Notice).unwrap(), 4);
    assert_eq!(f.store.count(RecordKind::Member).unwrap(), 1);
    let page: Vec<Uuid> = f
        .store
        .list(RecordKind::Notice, 2, 1)
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(page, vec![ids[2], ids[3]]);
}

#[test]
fn a_thousand_local_creates_are_quick() {
    let f = fx();
    let start = Instant::now();
    for i in 0..1000 {
        f.store
            .create(RecordKind::Notice, node(), notice(&format!("通知{i}")))
            .unwrap();
    }
    let one_by_one = start.elapsed();
    let start = Instant::now();
    f.store
        .create_many(
            RecordKind::Notice,
            node(),
            (0..1000).map(|i| notice(&format!("批量{i}"))).collect(),
        )
        .unwrap();
    let batched = start.elapsed();
    eprintln!("1000 creates: {one_by_one:?} one by one, {batched:?} in one transaction");
    assert_eq!(f.store.pending_count().unwrap(), 2000);
    assert!(one_by_one.as_secs() < 10, "{one_by_one:?}");
}
