use huiji_domain::sync::RecordKind;

use super::*;
use crate::outbox::apply_push_results;
use crate::pull::apply_pull_page;

/// A synced record edited here and there: the local edit came back as a conflict.
fn conflicted(f: &Fx) -> (Uuid, Uuid) {
    let id = synced(&f.store, 2, 3, "王芳");
    f.store.update(id, member("王小芳")).unwrap();
    let ops = batch(&f.store);
    let theirs = server_record(id, 3, 7, member("王大芳"));
    apply_push_results(&f.store, &ops, &[conflict(&ops[0], theirs)]).unwrap();
    (id, ops[0].op_id)
}

#[test]
fn keep_mine_requeues_the_local_body_on_the_servers_version() {
    let f = fx();
    let (id, op) = conflicted(&f);
    assert_eq!(f.store.resolve_keep_mine(op).unwrap(), id);
    assert!(f.store.conflicts().unwrap().is_empty());
    let ops = batch(&f.store);
    assert_eq!(ops.len(), 1);
    assert_eq!(
        (ops[0].record_id, ops[0].base_version, ops[0].body.clone()),
        (id, Some(3), member("王小芳"))
    );
    assert_ne!(
        ops[0].op_id, op,
        "a new op: the old op_id is known to the server"
    );
    let rec = f.store.get(id).unwrap().unwrap();
    assert_eq!(
        (rec.version, rec.body, rec.pending),
        (3, member("王小芳"), true)
    );
}

#[test]
fn take_theirs_writes_the_servers_row_and_drops_the_local_edit() {
    let f = fx();
    let (id, op) = conflicted(&f);
    f.store.resolve_take_theirs(op).unwrap();
    let rec = f.store.get(id).unwrap().unwrap();
    assert_eq!(
        (rec.version, rec.seq, rec.body, rec.pending),
        (3, 7, member("王大芳"), false)
    );
    assert_eq!(f.store.pending_count().unwrap(), 0);
    assert!(matches!(
        f.store.resolve_take_theirs(op),
        Err(Error::NotFound)
    ));
}

#[test]
fn a_record_in_conflict_cannot_be_edited_until_resolved() {
    let f = fx();
    let (id, op) = conflicted(&f);
    assert!(matches!(
        f.store.update(id, member("王芳芳")),
        Err(Error::Conflict)
    ));
    assert!(matches!(f.store.delete(id), Err(Error::Conflict)));
    f.store.resolve_take_theirs(op).unwrap();
    f.store.update(id, member("王芳芳")).unwrap();
    assert_eq!(batch(&f.store)[0].base_version, Some(3));
}

#[test]
fn a_pull_keeps_the_local_row_but_refreshes_the_servers_side_of_a_conflict() {
    let f = fx();
    let (id, op) = conflicted(&f);
    apply_pull_page(
        &f.store,
        &page(vec![server_record(id, 4, 9, member("王老芳"))], 9, 9),
    )
    .unwrap();
    assert_eq!(f.store.get(id).unwrap().unwrap().body, member("王小芳"));
    assert_eq!(f.store.conflicts().unwrap()[0].server.version, 4);
    // An older row does not replace the newer one.
    apply_pull_page(
        &f.store,
        &page(vec![server_record(id, 3, 7, member("王大芳"))], 9, 9),
    )
    .unwrap();
    assert_eq!(f.store.conflicts().unwrap()[0].server.version, 4);
    f.store.resolve_keep_mine(op).unwrap();
    assert_eq!(batch(&f.store)[0].base_version, Some(4));
}

#[test]
fn a_conflict_takes_the_records_later_pending_ops_with_it() {
    let f = fx();
    let id = synced(&f.store, 2, 3, "王芳");
    f.store.update(id, member("王一")).unwrap();
    let ops = batch(&f.store);
    f.store.update(id, member("王二")).unwrap();
    apply_push_results(
        &f.store,
        &ops,
        &[conflict(&ops[0], server_record(id, 3, 7, member("王大芳")))],
    )
    .unwrap();
    assert_eq!(f.store.pending_count().unwrap(), 0);
    let c = f.store.conflicts().unwrap();
    assert_eq!(
        (c.len(), c[0].local_body.clone()),
        (1, Some(member("王二")))
    );
}

#[test]
fn keep_mine_against_a_server_delete_saves_the_body_as_a_new_record() {
    let f = fx();
    let id = synced(&f.store, 2, 3, "王芳");
    f.store.update(id, member("王小芳")).unwrap();
    let ops = batch(&f.store);
    apply_push_results(&f.store, &ops, &[conflict(&ops[0], tombstone(id, 3, 7))]).unwrap();
    let new_id = f.store.resolve_keep_mine(ops[0].op_id).unwrap();
    assert_ne!(new_id, id);
    assert_eq!(f.store.get(id).unwrap(), None);
    assert_eq!(f.store.get(new_id).unwrap().unwrap().body, member("王小芳"));
    let next = batch(&f.store);
    assert_eq!((next[0].record_id, next[0].base_version), (new_id, None));
}

#[test]
fn resolving_a_local_delete_either_way() {
    struct Case {
        name: &'static str,
        theirs_deleted: bool,
        keep_mine: bool,
        row_left: bool,
        op_queued: bool,
    }
    let cases = [
        Case {
            name: "both deleted, keep mine",
            theirs_deleted: true,
            keep_mine: true,
            row_left: false,
            op_queued: false,
        },
        Case {
            name: "edited there, keep my delete",
            theirs_deleted: false,
            keep_mine: true,
            row_left: false,
            op_queued: true,
        },
        Case {
            name: "edited there, take theirs",
            theirs_deleted: false,
            keep_mine: false,
            row_left: true,
            op_queued: false,
        },
        Case {
            name: "both deleted, take theirs",
            theirs_deleted: true,
            keep_mine: false,
            row_left: false,
            op_queued: false,
        },
    ];
    for c in cases {
        let f = fx();
        let id = synced(&f.store, 2, 3, "王芳");
        f.store.delete(id).unwrap();
        let ops = batch(&f.store);
        let theirs = if c.theirs_deleted {
            tombstone(id, 3, 7)
        } else {
            server_record(id, 3, 7, member("王大芳"))
        };
        apply_push_results(&f.store, &ops, &[conflict(&ops[0], theirs)]).unwrap();
        assert_eq!(
            f.store.conflicts().unwrap()[0].local_body,
            None,
            "{}",
            c.name
        );
        if c.keep_mine {
            f.store.resolve_keep_mine(ops[0].op_id).unwrap();
        } else {
            f.store.resolve_take_theirs(ops[0].op_id).unwrap();
        }
        assert_eq!(f.store.get(id).unwrap().is_some(), c.row_left, "{}", c.name);
        let next = batch(&f.store);
        assert_eq!(!next.is_empty(), c.op_queued, "{}", c.name);
        if c.op_queued {
            assert_eq!(
                (next[0].deleted, next[0].base_version),
                (true, Some(3)),
                "{}",
                c.name
            );
        }
        assert_eq!(
            f.store.count(RecordKind::Member).unwrap(),
            u64::from(c.row_left),
            "{}",
            c.name
        );
    }
}
