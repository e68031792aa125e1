//! End to end: a real `huiji-server` process on a loopback port and two offline clients
//! (real SQLite files) syncing over HTTP.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use huiji_domain::sync::RecordKind;
use huiji_domain::wire::{PushRequest, PushResponse};
use huiji_offline::{RetryPolicy, Store, SyncClient};
use huiji_tests::{demo_node, drop_pg_database, fresh_pg_database, login, ServerProcess};
use serde_json::json;

const SECRETARY: &str = "13900000001"; // 张靖, 南京医科大学工会
const REVIEWER: &str = "13900000003"; // 陈思远, 江苏省教科工会委员会 (above it)
const NJMU: &str = "南京医科大学工会";

fn member_body(i: usize) -> serde_json::Value {
    json!({"name": format!("测试{}", ["甲", "乙", "丙", "丁", "戊"][i % 5]), "phone_masked": format!("138****{:04}", i % 10_000), "category": "企业职工"})
}

fn quick_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 2,
        initial_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(100),
    }
}

async fn thousand_records_flow(database_url: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), database_url);
    let a = Store::open(dir.path().join("a.db")).unwrap();
    let b = Store::open(dir.path().join("b.db")).unwrap();
    let node = demo_node(NJMU);

    // A writes 1,000 records with no server in sight, then syncs.
    let bodies: Vec<_> = (0..1000).map(member_body).collect();
    let ids = a.create_many(RecordKind::Member, node, bodies).unwrap();
    assert_eq!(ids.len(), 1000);
    assert_eq!(a.pending_count().unwrap(), 1000);
    let token_a = login(&server.base_url, SECRETARY).await;
    let client_a = SyncClient::new(&server.base_url, &token_a)
        .unwrap()
        .with_batch_size(250);
    let report = client_a.sync_once(&a).await.unwrap();
    assert_eq!(report.pushed.applied, 1000, "{report:?}");
    assert_eq!(a.pending_count().unwrap(), 0);
    for id in ids.iter().take(10) {
        let r = a.get(*id).unwrap().unwrap();
        assert_eq!(r.version, 1);
        assert!(r.seq > 0);
    }

    // B (a reviewer of the industry union above) pulls them all.
    let token_b = login(&server.base_url, REVIEWER).await;
    let client_b = SyncClient::new(&server.base_url, &token_b)
        .unwrap()
        .with_pull_limit(300);
    let mut progress_calls = 0;
    client_b
        .pull_all(&b, |_| progress_calls += 1)
        .await
        .unwrap();
    assert!(progress_calls >= 4, "pull was paged: {progress_calls}");
    for id in &ids {
        let r = b
            .get(*id)
            .unwrap()
            .unwrap_or_else(|| panic!("B lacks {id}"));
        assert_eq!(r.kind, RecordKind::Member);
    }
    let on_server_before = b.count(RecordKind::Member).unwrap();

    // Replaying A's push byte for byte changes nothing: every op is a duplicate.
    let replay_store = Store::open(dir.path().join("replay.db")).unwrap();
    let replay_ids = replay_store
        .create_many(RecordKind::Member, node, (0..5).map(member_body).collect())
        .unwrap();
    let ops = replay_store.pending_ops(100).unwrap();
    assert_eq!(ops.len(), 5);
    let http = reqwest::Client::new();
    let req = PushRequest {
        device_id: replay_store.device_id().unwrap(),
        ops,
    };
    let mut answers = Vec::new();
    for _ in 0..3 {
        let resp: PushResponse = http
            .post(format!("{}/api/v1/sync/push", server.base_url))
            .bearer_auth(&token_a)
            .json(&req)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        answers.push(resp);
    }
    assert!(answers[0]
        .results
        .iter()
        .all(|r| r.status == huiji_domain::wire::OpStatus::Applied));
    for later in &answers[1..] {
        for (first, again) in answers[0].results.iter().zip(&later.results) {
            assert_eq!(again.status, huiji_domain::wire::OpStatus::Duplicate);
            assert_eq!((again.version, again.seq), (first.version, first.seq));
        }
    }
    client_b.pull_all(&b, |_| {}).await.unwrap();
    assert_eq!(b.count(RecordKind::Member).unwrap(), on_server_before + 5);
    assert!(replay_ids.iter().all(|id| b.get(*id).unwrap().is_some()));

    drop(server);
    if let Some(url) = database_url {
        drop_pg_database(url).await;
    }
}

#[tokio::test]
async fn a_thousand_offline_records_reach_a_second_device_on_sqlite() {
    thousand_records_flow(None).await;
}

#[tokio::test]
async fn a_thousand_offline_records_reach_a_second_device_on_postgres() {
    if let Some(url) = fresh_pg_database().await {
        thousand_records_flow(Some(&url)).await;
    }
}

#[tokio::test]
async fn a_server_killed_mid_push_loses_nothing_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let mut server = ServerProcess::start(&data, None);
    let a = Store::open(dir.path().join("a.db")).unwrap();
    let node = demo_node(NJMU);
    let total = 4000;
    let ids = a
        .create_many(
            RecordKind::Member,
            node,
            (0..total).map(member_body).collect(),
        )
        .unwrap();

    let token = login(&server.base_url, SECRETARY).await;
    let client = SyncClient::new(&server.base_url, &token)
        .unwrap()
        .with_batch_size(20)
        .with_retry(RetryPolicy::none());
    let push = {
        let client = client.clone();
        let a_path = dir.path().join("a.db");
        tokio::spawn(async move {
            let store = Store::open(a_path).unwrap();
            client.push_pending(&store).await
        })
    };
    // Kill the server as soon as part of the outbox has gone through.
    let mut waited = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(5)).await;
        waited += 5;
        let pending = a.pending_count().unwrap();
        if pending < total as u64 - 200 || waited > 20_000 {
            break;
        }
    }
    server.kill_hard();
    let result = push.await.unwrap();
    assert!(
        result.is_err(),
        "the push must have been cut off: {result:?}"
    );
    let left = a.pending_count().unwrap();
    assert!(
        left > 0 && left < total as u64,
        "killed mid-push, {left} of {total} still pending"
    );

    // Restart on the same data; A syncs again and everything lands exactly once.
    let server = ServerProcess::start(&data, None);
    let token = login(&server.base_url, SECRETARY).await;
    let client = SyncClient::new(&server.base_url, &token)
        .unwrap()
        .with_batch_size(500)
        .with_retry(quick_retry());
    client.sync_once(&a).await.unwrap();
    assert_eq!(a.pending_count().unwrap(), 0);

    let b = Store::open(dir.path().join("b.db")).unwrap();
    let token_b = login(&server.base_url, REVIEWER).await;
    SyncClient::new(&server.base_url, &token_b)
        .unwrap()
        .pull_all(&b, |_| {})
        .await
        .unwrap();
    for id in &ids {
        let r = b.get(*id).unwrap().unwrap_or_else(|| panic!("lost {id}"));
        assert_eq!(r.version, 1, "applied once, never twice");
    }
    // 61 demo members of 南京医科大学工会 + 60 of 南京大学工会 + … are visible to the
    // reviewer too; the check that matters is that A's rows are there once each.
    let members = b.list(RecordKind::Member, 100_000, 0).unwrap();
    let mine = members.iter().filter(|r| ids.contains(&r.id)).count();
    assert_eq!(mine, total);
}

#[tokio::test]
async fn a_stale_edit_comes_back_as_a_conflict_not_an_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), None);
    let node = demo_node(NJMU);
    let a = Store::open(dir.path().join("a.db")).unwrap();
    let b = Store::open(dir.path().join("b.db")).unwrap();
    let token = login(&server.base_url, SECRETARY).await;
    let client = SyncClient::new(&server.base_url, &token)
        .unwrap()
        .with_retry(quick_retry());

    let id = a
        .create(
            RecordKind::Member,
            node,
            json!({"name": "张靖", "title": "会员"}),
        )
        .unwrap();
    client.sync_once(&a).await.unwrap();
    client.sync_once(&b).await.unwrap();
    assert_eq!(b.get(id).unwrap().unwrap().version, 1);

    // B edits first and syncs; A edits the same version offline, then syncs.
    b.update(id, json!({"name": "张靖", "title": "工会小组长"}))
        .unwrap();
    client.sync_once(&b).await.unwrap();
    a.update(id, json!({"name": "张靖", "title": "工会委员"}))
        .unwrap();
    let report = client.sync_once(&a).await.unwrap();
    assert_eq!(report.pushed.conflicts, 1, "{report:?}");

    // A's own edit is kept locally and shown as a conflict with the server's row.
    let conflicts = a.conflicts().unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].server.body["title"], "工会小组长");
    assert_eq!(a.get(id).unwrap().unwrap().body["title"], "工会委员");
    // A later pull does not silently overwrite it either.
    client.sync_once(&a).await.unwrap();
    assert_eq!(a.get(id).unwrap().unwrap().body["title"], "工会委员");

    // The user keeps theirs: it goes up as an edit of version 2.
    a.resolve_keep_mine(conflicts[0].op_id).unwrap();
    let report = client.sync_once(&a).await.unwrap();
    assert_eq!(report.pushed.applied, 1, "{report:?}");
    client.sync_once(&b).await.unwrap();
    let on_b = b.get(id).unwrap().unwrap();
    assert_eq!(
        (on_b.version, on_b.body["title"].as_str().unwrap()),
        (3, "工会委员")
    );
}
