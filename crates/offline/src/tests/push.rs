use huiji_domain::sync::RecordKind;

use super::*;
use crate::outbox::{apply_push_results, next_batch};

#[test]
fn an_applied_op_leaves_the_outbox_and_stamps_the_row() {
    let f = fx();
    let id = f
        .store
        .create(RecordKind::Member, node(), member("张靖"))
        .unwrap();
    let ops = batch(&f.store);
    let report = apply_push_results(&f.store, &ops, &[applied(&ops[0], 1, 41)]).unwrap();
    assert_eq!((report.applied, report.ops()), (1, 1));
    let rec = f.store.get(id).unwrap().unwrap();
    assert_eq!((rec.version, rec.seq, rec.pending), (1, 41, false));
    assert_eq!(table_count(&f.store, "outbox"), 0);
}

#[test]
fn a_duplicate_is_settled_like_an_applied_op() {
    // The first push's answer was lost; the replay says it was applied then.
    let f = fx();
    let id = synced(&f.store, 4, 10, "王芳");
    f.store.update(id, member("王小芳")).unwrap();
    let ops = batch(&f.store);
    let report = apply_push_results(&f.store, &ops, &[duplicate(&ops[0], 5, 12)]).unwrap();
    assert_eq!(report.duplicate, 1);
    let rec = f.store.get(id).unwrap().unwrap();
    assert_eq!((rec.version, rec.seq, rec.pending), (5, 12, false));
    assert_eq!(rec.body, member("王小芳"));
}

#[test]
fn an_applied_delete_removes_the_row() {
    let f = fx();
    let id = synced(&f.store, 2, 3, "王芳");
    f.store.delete(id).unwrap();
    let ops = batch(&f.store);
    apply_push_results(&f.store, &ops, &[applied(&ops[0], 3, 9)]).unwrap();
    assert_eq!(table_count(&f.store, "records"), 0);
    assert_eq!(table_count(&f.store, "outbox"), 0);
}

#[test]
fn a_rejected_op_is_kept_with_its_reason_and_never_resent() {
    let f = fx();
    let id = f
        .store
        .create(RecordKind::Member, node(), member("张靖"))
        .unwrap();
    let ops = batch(&f.store);
    let report = apply_push_results(&f.store, &ops, &[rejected(&ops[0], "Forbidden")]).unwrap();
    assert_eq!(report.rejected, 1);
    let seen = f.store.rejected().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].record_id, seen[0].code.as_deref()),
        (id, Some("Forbidden"))
    );
    assert_eq!(seen[0].reason.as_deref(), Some("不行"));
    assert!(batch(&f.store).is_empty());
    assert_eq!(f.store.pending_count().unwrap(), 0);
    assert!(
        f.store.get(id).unwrap().is_some(),
        "the user can still see what was refused"
    );
    f.store.dismiss_rejected(seen[0].op_id).unwrap();
    assert!(f.store.rejected().unwrap().is_empty());
    assert!(matches!(
        f.store.dismiss_rejected(seen[0].op_id),
        Err(Error::NotFound)
    ));
}

#[test]
fn a_rejected_delete_brings_the_record_back() {
    let f = fx();
    let id = synced(&f.store, 2, 3, "王芳");
    f.store.delete(id).unwrap();
    let ops = batch(&f.store);
    apply_push_results(&f.store, &ops, &[rejected(&ops[0], "Forbidden")]).unwrap();
    assert_eq!(f.store.get(id).unwrap().unwrap().body, member("王芳"));
}

#[test]
fn a_conflict_sets_the_op_aside_and_leaves_the_local_row_alone() {
    let f = fx();
    let id = synced(&f.store, 2, 3, "王芳");
    f.store.update(id, member("王小芳")).unwrap();
    let ops = batch(&f.store);
    let theirs = server_record(id, 3, 7, member("王大芳"));
    let report = apply_push_results(&f.store, &ops, &[conflict(&ops[0], theirs.clone())]).unwrap();
    assert_eq!(report.conflicts, 1);
    assert_eq!(table_count(&f.store, "outbox"), 0);
    let rec = f.store.get(id).unwrap().unwrap();
    assert_eq!((rec.body, rec.version), (member("王小芳"), 2));
    let c = f.store.conflicts().unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!((c[0].op_id, c[0].record_id), (ops[0].op_id, id));
    assert_eq!(
        (c[0].local_body.clone(), c[0].server.clone()),
        (Some(member("王小芳")), theirs)
    );
}

#[test]
fn a_conflict_without_the_server_row_is_kept_as_a_rejection() {
    let f = fx();
    let id = synced(&f.store, 2, 3, "王芳");
    f.store.update(id, member("王小芳")).unwrap();
    let ops = batch(&f.store);
    let mut res = conflict(&ops[0], server_record(id, 3, 7, member("王大芳")));
    res.current = None;
    let report = apply_push_results(&f.store, &ops, &[res]).unwrap();
    assert_eq!((report.rejected, report.conflicts), (1, 0));
    assert_eq!(
        f.store.rejected().unwrap()[0].code.as_deref(),
        Some("Conflict")
    );
}

#[test]
fn a_batch_carries_one_op_per_record_in_outbox_order() {
    let f = fx();
    let a = synced(&f.store, 1, 1, "王芳");
    let b = synced(&f.store, 1, 2, "李四");
    f.store.update(a, member("王一")).unwrap();
    let first = batch(&f.store);
    f.store.update(a, member("王二")).unwrap();
    f.store.update(b, member("李二")).unwrap();
    f.store.update(a, member("王三")).unwrap();
    // The first op of `a` is in flight; nothing else of `a` may overtake it.
    let second = batch(&f.store);
    assert_eq!(
        second.iter().map(|o| o.record_id).collect::<Vec<_>>(),
        vec![a, b]
    );
    assert_eq!(
        second[0].op_id, first[0].op_id,
        "the unanswered op is resent first"
    );
    assert_eq!(
        next_batch(&f.store, 1).unwrap().len(),
        1,
        "batch size caps the batch"
    );
}

#[test]
fn a_later_op_is_sent_on_the_version_the_earlier_one_produced() {
    let f = fx();
    let id = synced(&f.store, 3, 5, "王芳");
    f.store.update(id, member("王一")).unwrap();
    let ops1 = batch(&f.store);
    f.store.update(id, member("王二")).unwrap();
    f.store.delete(id).unwrap();
    assert_eq!(
        outbox(&f.store)
            .iter()
            .map(|o| o.base_version)
            .collect::<Vec<_>>(),
        vec![Some(3); 3]
    );

    apply_push_results(&f.store, &ops1, &[applied(&ops1[0], 4, 6)]).unwrap();
    let ops2 = batch(&f.store);
    assert_eq!(
        (ops2.len(), ops2[0].base_version, ops2[0].body.clone()),
        (1, Some(4), member("王二"))
    );
    apply_push_results(&f.store, &ops2, &[applied(&ops2[0], 5, 7)]).unwrap();
    let ops3 = batch(&f.store);
    assert_eq!(
        (ops3.len(), ops3[0].base_version, ops3[0].deleted),
        (1, Some(5), true)
    );
    apply_push_results(&f.store, &ops3, &[applied(&ops3[0], 6, 8)]).unwrap();
    assert_eq!(table_count(&f.store, "records"), 0);
    assert_eq!(table_count(&f.store, "outbox"), 0);
}

#[test]
fn an_edit_queued_behind_an_in_flight_create_becomes_an_edit_of_version_one() {
    let f = fx();
    let id = f
        .store
        .create(RecordKind::Member, node(), member("张靖"))
        .unwrap();
    let create = batch(&f.store);
    f.store.update(id, member("张小靖")).unwrap();
    apply_push_results(&f.store, &create, &[applied(&create[0], 1, 3)]).unwrap();
    let edit = batch(&f.store);
    assert_eq!(
        (edit[0].base_version, edit[0].body.clone()),
        (Some(1), member("张小靖"))
    );
    assert!(f.store.get(id).unwrap().unwrap().pending);
}

#[test]
fn after_a_rejected_create_a_queued_edit_is_sent_as_the_create() {
    let f = fx();
    let id = f
        .store
        .create(RecordKind::Member, node(), member("张靖"))
        .unwrap();
    let create = batch(&f.store);
    f.store.update(id, member("张小靖")).unwrap();
    apply_push_results(&f.store, &create, &[rejected(&create[0], "UnknownNode")]).unwrap();
    let next = batch(&f.store);
    assert_eq!(
        (next[0].base_version, next[0].deleted, next[0].body.clone()),
        (None, false, member("张小靖"))
    );
}

#[test]
fn a_delete_queued_behind_a_rejected_create_is_settled_without_the_server() {
    let f = fx();
    let id = f
        .store
        .create(RecordKind::Member, node(), member("张靖"))
        .unwrap();
    let create = batch(&f.store);
    f.store.delete(id).unwrap();
    assert_eq!(
        outbox(&f.store).len(),
        2,
        "the create may have been applied: the delete must follow"
    );
    apply_push_results(&f.store, &create, &[rejected(&create[0], "UnknownNode")]).unwrap();
    assert!(batch(&f.store).is_empty());
    assert_eq!(table_count(&f.store, "records"), 0);
    assert_eq!(f.store.pending_count().unwrap(), 0);
    assert_eq!(f.store.rejected().unwrap().len(), 1);
}

#[test]
fn answers_that_do_not_match_the_batch_change_nothing() {
    let f = fx();
    let id = f
        .store
        .create(RecordKind::Member, node(), member("张靖"))
        .unwrap();
    f.store
        .create(RecordKind::Member, node(), member("李四"))
        .unwrap();
    let ops = batch(&f.store);
    let mut no_version = applied(&ops[1], 1, 2);
    no_version.version = None;
    let mut wrong_current = conflict(&ops[1], server_record(id, 1, 2, member("张靖")));
    wrong_current.op_id = ops[1].op_id;
    let cases = [
        ("too few", vec![applied(&ops[0], 1, 1)]),
        (
            "out of order",
            vec![applied(&ops[1], 1, 1), applied(&ops[0], 1, 2)],
        ),
        (
            "applied without a version",
            vec![applied(&ops[0], 1, 1), no_version],
        ),
        (
            "conflict about another record",
            vec![applied(&ops[0], 1, 1), wrong_current],
        ),
    ];
    for (name, results) in cases {
        let err = apply_push_results(&f.store, &ops, &results).unwrap_err();
        assert!(matches!(err, Error::Protocol(_)), "{name}: {err}");
        assert_eq!(f.store.pending_count().unwrap(), 2, "{name}");
        assert_eq!(f.store.get(id).unwrap().unwrap().version, 0, "{name}");
    }
}

#[test]
fn a_replayed_answer_changes_nothing() {
    let f = fx();
    let id = f
        .store
        .create(RecordKind::Member, node(), member("张靖"))
        .unwrap();
    let ops = batch(&f.store);
    apply_push_results(&f.store, &ops, &[applied(&ops[0], 1, 3)]).unwrap();
    f.store.update(id, member("张小靖")).unwrap();
    let edit = batch(&f.store);
    apply_push_results(&f.store, &edit, &[applied(&edit[0], 2, 4)]).unwrap();
    apply_push_results(&f.store, &ops, &[applied(&ops[0], 1, 3)]).unwrap();
    let rec = f.store.get(id).unwrap().unwrap();
    assert_eq!((rec.version, rec.seq, rec.body), (2, 4, member("张小靖")));
}

#[test]
fn pending_ops_is_a_look_that_marks_nothing_as_sent() {
    let f = fx();
    let id = synced(&f.store, 1, 1, "王芳");
    let created = f
        .store
        .create(RecordKind::Member, node(), member("张靖"))
        .unwrap();
    f.store.update(id, member("王一")).unwrap();
    let ops = f.store.pending_ops(10).unwrap();
    assert_eq!(
        ops.iter().map(|o| o.record_id).collect::<Vec<_>>(),
        vec![created, id]
    );
    assert_eq!(ops[1].base_version, Some(1));
    assert_eq!(f.store.pending_ops(1).unwrap().len(), 1);
    assert!(outbox(&f.store).iter().all(|o| o.attempts == 0));
    // Still unsent, so an edit may still fold into the create.
    f.store.update(created, member("张小靖")).unwrap();
    assert_eq!(f.store.pending_ops(10).unwrap().len(), 2);
}
