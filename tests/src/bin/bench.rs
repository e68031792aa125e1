//! `make bench`: sync throughput and latency against a real release `huiji-server`
//! process on loopback, on SQLite and on PostgreSQL. Prints its figures.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use huiji_domain::sync::RecordKind;
use huiji_domain::wire::{Op, OpStatus, PushRequest, PushResponse};
use huiji_offline::{Store, SyncClient};
use huiji_tests::{demo_node, drop_pg_database, fresh_pg_database, login, ServerProcess};
use serde_json::json;
use uuid::Uuid;

const SECRETARY: &str = "13900000001";
const ADMIN: &str = "13900000000";

fn body(i: usize) -> serde_json::Value {
    json!({"name": "测试会员", "phone_masked": format!("138****{:04}", i % 10_000), "category": "企业职工"})
}

fn op(node: Uuid, i: usize) -> Op {
    Op {
        op_id: Uuid::now_v7(),
        record_id: Uuid::now_v7(),
        kind: RecordKind::Member,
        node_id: node,
        base_version: None,
        deleted: false,
        body: body(i),
        made_at: 0,
    }
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

async fn push_one_client(base: &str, dir: &std::path::Path, n: usize) -> f64 {
    let store = Store::open(dir.join(format!("push-{}.db", Uuid::now_v7()))).unwrap();
    store
        .create_many(
            RecordKind::Member,
            demo_node("南京医科大学工会"),
            (0..n).map(body).collect(),
        )
        .unwrap();
    let token = login(base, SECRETARY).await;
    let client = SyncClient::new(base, &token).unwrap().with_batch_size(1000);
    let t = Instant::now();
    let report = client.push_pending(&store).await.unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(report.applied, n);
    n as f64 / secs
}

async fn concurrent_clients(
    base: &str,
    clients: usize,
    per_client: usize,
    batch: usize,
) -> (f64, f64, f64) {
    let token = login(base, SECRETARY).await;
    let node = demo_node("南京医科大学工会");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()
        .unwrap();
    // Bodies are made before the clock starts: this measures the server.
    let work: Vec<Vec<PushRequest>> = (0..clients)
        .map(|c| {
            let device = Uuid::now_v7();
            (0..per_client / batch)
                .map(|b| PushRequest {
                    device_id: device,
                    ops: (0..batch)
                        .map(|i| op(node, c * per_client + b * batch + i))
                        .collect(),
                })
                .collect()
        })
        .collect();
    let t = Instant::now();
    let mut tasks = Vec::new();
    for reqs in work {
        let http = http.clone();
        let token = token.clone();
        let url = format!("{base}/api/v1/sync/push");
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            for req in reqs {
                let t = Instant::now();
                let resp: PushResponse = http
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&req)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
                assert!(resp.results.iter().all(|r| r.status == OpStatus::Applied));
            }
            lat
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.unwrap());
    }
    let secs = t.elapsed().as_secs_f64();
    lat.sort_by(|a, b| a.total_cmp(b));
    (
        (clients * per_client) as f64 / secs,
        pct(&lat, 0.5),
        pct(&lat, 0.99),
    )
}

async fn fill_to(base: &str, rows: usize) {
    let token = login(base, SECRETARY).await;
    let node = demo_node("南京医科大学工会");
    let http = reqwest::Client::new();
    let device = Uuid::now_v7();
    let mut done = 0;
    while done < rows {
        let req = PushRequest {
            device_id: device,
            ops: (0..1000).map(|i| op(node, done + i)).collect(),
        };
        http.post(format!("{base}/api/v1/sync/push"))
            .bearer_auth(&token)
            .json(&req)
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
        done += 1000;
    }
}

async fn pull_to_empty_device(base: &str, dir: &std::path::Path) -> (usize, f64) {
    let store = Store::open(dir.join(format!("pull-{}.db", Uuid::now_v7()))).unwrap();
    let token = login(base, ADMIN).await;
    let client = SyncClient::new(base, &token).unwrap().with_pull_limit(5000);
    let t = Instant::now();
    let report = client.pull_all(&store, |_| {}).await.unwrap();
    (report.rows, t.elapsed().as_secs_f64())
}

async fn run_backend(label: &str, database_url: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), database_url);
    let base = server.base_url.clone();
    // Warm-up: first connections, statement caches, page cache.
    push_one_client(&base, dir.path(), 1000).await;

    let rate = push_one_client(&base, dir.path(), 10_000).await;
    println!("[{label}] push 10,000 records, one client:            {rate:>9.0} records/s (target ≥ 20,000/s on SQLite)");

    let batch: usize = std::env::var("HUIJI_BENCH_BATCH")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let (rate, p50, p99) = concurrent_clients(&base, 50, 1000, batch).await;
    println!("[{label}] 50 clients × 1,000 records (batches of {batch}): {rate:>9.0} records/s, p50 {p50:.1} ms, p99 {p99:.1} ms (target p99 ≤ 250 ms)");

    // 61,000 rows so far plus the demo; top up to just over 100,000.
    fill_to(&base, 40_000).await;
    let (rows, secs) = pull_to_empty_device(&base, dir.path()).await;
    println!("[{label}] pull {rows} rows to an empty device:       {secs:>9.2} s (target ≤ 5 s)");
    drop(server);
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "曾",
    "欧阳", "司马",
];
const GIVEN: &[&str] = &[
    "靖", "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
    "娟", "涛", "明", "超", "建华", "晓燕", "文博", "子涵", "雨桐", "浩然", "欣怡", "俊杰", "思远",
    "一鸣", "海燕", "志强", "国栋",
];

/// Member search over 100,000 local members: p50/p95 per kind of query.
fn search_bench(dir: &std::path::Path) {
    use huiji_offline::app::search::MemberIndex;
    use huiji_offline::app::{MemberQuery, MemberSort};
    let store = Store::open(dir.join("search.db")).unwrap();
    let n = 100_000;
    let bodies: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let name = format!("{}{}", SURNAMES[(i * 7 + i / 13) % SURNAMES.len()], GIVEN[(i * 11 + i / 5) % GIVEN.len()]);
            let mut b = json!({"name": name, "phone_masked": format!("1{}{}****{:04}", 3 + i % 6, i % 10, (i * 7919) % 10_000), "category": "企业职工"});
            if i % 10 == 0 {
                let first17 = format!("91320100MA{:07}", 1_000_000 + i);
                let check = huiji_domain::validate::credit_code_check_char(&first17).unwrap();
                b["credit_code"] = json!(format!("{first17}{check}"));
            }
            b
        })
        .collect();
    for chunk in bodies.chunks(10_000) {
        store
            .create_many(
                RecordKind::Member,
                demo_node("南京医科大学工会"),
                chunk.to_vec(),
            )
            .unwrap();
    }
    let mut index = MemberIndex::default();
    let q = |text: &str, sort: MemberSort| MemberQuery {
        text: text.to_owned(),
        sort,
        desc: false,
        page: 1,
        page_size: 20,
    };
    let t = Instant::now();
    let first = index.search(&store, &q("", MemberSort::Name)).unwrap();
    let build = t.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(first.total as usize, n);
    println!("[search] index of {n} members built in {build:.0} ms (on first search, and again after a sync changes data)");
    let kinds: [(&str, Vec<String>); 6] = [
        ("name", SURNAMES.iter().map(|s| (*s).to_owned()).collect()),
        (
            "pinyin full",
            vec![
                "zhangjing".into(),
                "wangwei".into(),
                "ouyang".into(),
                "lijing".into(),
                "chenjie".into(),
            ],
        ),
        (
            "pinyin initials",
            vec![
                "zj".into(),
                "ww".into(),
                "oyn".into(),
                "lxy".into(),
                "cj".into(),
            ],
        ),
        (
            "phone suffix",
            (0..20)
                .map(|i| format!("{:04}", (i * 7919) % 10_000))
                .collect(),
        ),
        (
            "credit code",
            vec!["MA1000".into(), "91320100MA1050".into(), "MA10999".into()],
        ),
        ("all, by unit, descending", vec![String::new()]),
    ];
    for (label, texts) in kinds {
        let mut lat = Vec::new();
        let mut hits = 0;
        for i in 0..200 {
            let text = &texts[i % texts.len()];
            let sort = if label.starts_with("all") {
                MemberSort::Unit
            } else {
                MemberSort::Name
            };
            let mut query = q(text, sort);
            query.desc = label.contains("descending");
            query.page = 1 + (i as u32 % 3);
            let t = Instant::now();
            let page = index.search(&store, &query).unwrap();
            lat.push(t.elapsed().as_secs_f64() * 1000.0);
            hits += page.total;
        }
        lat.sort_by(|a, b| a.total_cmp(b));
        println!("[search] {label:<26} p50 {:.2} ms, p95 {:.2} ms (target p95 ≤ 10 ms), {} matches on average", pct(&lat, 0.5), pct(&lat, 0.95), hits / 200);
    }
}

/// The secretary's review queue from the local store (issue 5): 10,000 pending requests
/// arrive through the pull path (pages of 1,000, indexed as they land), then the to-do box
/// is opened and paged, filtered and searched; p95 of each.
fn review_bench(dir: &std::path::Path) {
    use huiji_domain::org::Role;
    use huiji_domain::wire::{PullResponse, Record};
    use huiji_domain::workflow::{
        submit, Person, RequestKind, RequestState, Step, StepMode, StepTemplate,
    };
    use huiji_offline::app::workflow::request_page;
    use huiji_offline::app::workflow::views::{RequestBox, RequestQuery};

    let store = Store::open(dir.join("review.db")).unwrap();
    let n = 10_000;
    let unit = demo_node("南京医科大学工会");
    let secretary = Person {
        id: Uuid::from_u128(0x5ec),
        name: "张靖".into(),
    };
    let other = Person {
        id: Uuid::from_u128(0x5ed),
        name: "李明华".into(),
    };
    let kinds = [
        RequestKind::Join,
        RequestKind::Transfer,
        RequestKind::Position,
        RequestKind::Withdrawal,
    ];
    let records: Vec<Record> = (0..n)
        .map(|i| {
            let name = format!(
                "{}{}",
                SURNAMES[(i * 7 + i / 13) % SURNAMES.len()],
                GIVEN[(i * 11 + i / 5) % GIVEN.len()]
            );
            let kind = kinds[i % kinds.len()];
            let step = Step::from_template(
                &StepTemplate {
                    title: "单位工会审核".into(),
                    mode: StepMode::Any,
                    role: Role::Secretary,
                    node_id: unit,
                },
                vec![secretary.clone(), other.clone()],
            );
            let body = submit(
                kind,
                format!("{} · 南京医科大学工会", kind.label_zh()),
                Person {
                    id: Uuid::from_u128(0x1_0000 + i as u128),
                    name,
                },
                (unit, "南京医科大学工会".into()),
                json!({"category": "企业职工", "unit_id": unit, "agreed": true}),
                Vec::new(),
                vec![step],
                i % 3 != 0,
                1_763_700_000_000 + i as i64 * 60_000,
            )
            .unwrap()
            .body;
            Record {
                id: Uuid::now_v7(),
                kind: RecordKind::Request,
                node_id: unit,
                owner_id: Some(body.applicant.id),
                version: 1,
                seq: i as i64 + 1,
                deleted: false,
                body: serde_json::to_value(&body).unwrap(),
                updated_at: 1_763_700_000_000 + i as i64 * 60_000,
                updated_by: None,
            }
        })
        .collect();
    let t = Instant::now();
    for (p, chunk) in records.chunks(1_000).enumerate() {
        let page = PullResponse {
            records: chunk.to_vec(),
            next_cursor: ((p + 1) * 1_000) as i64,
            has_more: (p + 1) * 1_000 < n,
            server_seq: n as i64,
        };
        store.apply_pull_page(&page).unwrap();
    }
    let fill = t.elapsed().as_secs_f64() * 1000.0;
    let q = |page: u32, kind: Option<RequestKind>, text: Option<&str>| RequestQuery {
        request_box: RequestBox::Todo,
        kind,
        state: None,
        text: text.map(str::to_owned),
        page,
        page_size: 20,
    };
    let t = Instant::now();
    let first = request_page(&store, secretary.id, &q(1, None, None)).unwrap();
    let open_first = t.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(first.total as usize, n);
    assert_eq!(first.counts.todo as usize, n);
    assert!(first
        .rows
        .iter()
        .all(|r| r.state == RequestState::Submitted));
    println!("[review] {n} pending requests pulled and indexed in {fill:.0} ms; first open of the to-do box {open_first:.1} ms");
    type MakeQuery<'a> = Box<dyn Fn(u32) -> RequestQuery + 'a>;
    let cases: [(&str, MakeQuery); 4] = [
        ("open (page 1)", Box::new(|_| q(1, None, None))),
        (
            "page through (pages 1–500)",
            Box::new(|i| q(1 + (i * 37) % 500, None, None)),
        ),
        (
            "filter by kind, paged",
            Box::new(|i| q(1 + i % 100, Some(kinds[i as usize % 4]), None)),
        ),
        (
            "search by applicant name",
            Box::new(|i| q(1, None, Some(SURNAMES[i as usize % SURNAMES.len()]))),
        ),
    ];
    for (label, make) in cases {
        let mut lat = Vec::new();
        for i in 0..300 {
            let query = make(i);
            let t = Instant::now();
            let page = request_page(&store, secretary.id, &query).unwrap();
            lat.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(page.rows.len() <= 20);
        }
        lat.sort_by(|a, b| a.total_cmp(b));
        println!(
            "[review] {label:<28} p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms (target p95 ≤ 50 ms)",
            pct(&lat, 0.5),
            pct(&lat, 0.95),
            lat.last().copied().unwrap_or_default()
        );
    }
}

/// Resident (RSS) and proportional (PSS: shared pages split between their users) memory
/// of a process and its descendants, in KiB, and how many processes that is.
fn descendants_rss_kib(root: u32) -> (u64, u64, usize) {
    let mut tree = huiji_tests::webdriver::descendants(root);
    tree.push(root);
    let field = |path: String, key: &str| -> u64 {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|t| {
                t.lines()
                    .find(|l| l.starts_with(key))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0)
    };
    let rss = tree
        .iter()
        .map(|pid| field(format!("/proc/{pid}/status"), "VmRSS:"))
        .sum();
    let pss = tree
        .iter()
        .map(|pid| field(format!("/proc/{pid}/smaps_rollup"), "Pss:"))
        .sum();
    (rss, pss, tree.len())
}

/// The desktop app: release binary size, launch → first screen under Xvfb, and resident
/// memory of the app and its webview processes, idle after login.
async fn app_bench() {
    use huiji_tests::webdriver::Xvfb;
    use std::io::BufRead;
    // The shipping build: `cargo build --profile app -p huiji-app` (target/app/).
    let exe = std::env::current_exe().unwrap();
    let app = exe
        .parent()
        .and_then(|d| d.parent())
        .map(|t| t.join("app/huiji-app"))
        .unwrap_or_default();
    if !app.exists() {
        println!(
            "[app] skipped: {} not built (cargo build --profile app -p huiji-app)",
            app.display()
        );
        return;
    }
    let size = std::fs::metadata(&app).map(|m| m.len()).unwrap_or(0);
    println!(
        "[app] release binary size:                  {:>9.1} MB (target ≤ 15 MB)",
        size as f64 / 1_048_576.0
    );
    let dir = tempfile::tempdir().unwrap();
    let xvfb = Xvfb::start();
    let server = ServerProcess::start(&dir.path().join("server"), None);
    let launch = |data: &std::path::Path| {
        std::process::Command::new(&app)
            .env("DISPLAY", &xvfb.display)
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .env("HUIJI_STARTUP_PROBE", "1")
            .env("HUIJI_LOG", "warn")
            .env("HUIJI_APP_DATA", data)
            .env("HUIJI_SERVER_URL", &server.base_url)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let now_ms = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64
    };
    let mut starts = Vec::new();
    for i in 0..5 {
        let t0 = now_ms();
        let mut child = launch(&dir.path().join(format!("cold-{i}")));
        let out = child.stdout.take().unwrap();
        let mut at = None;
        for line in std::io::BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if let Some(ms) = line.strip_prefix("huiji-app first screen at ") {
                at = ms.trim().parse::<u64>().ok();
                break;
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        if let Some(at) = at {
            starts.push((at - t0) as f64);
        }
    }
    starts.sort_by(|a, b| a.total_cmp(b));
    println!(
        "[app] launch → first screen (5 launches):    median {:.0} ms, max {:.0} ms (target ≤ 1 s)",
        pct(&starts, 0.5),
        starts.last().copied().unwrap_or(0.0)
    );

    // Logged in as a secretary with the unit's data synced, then left alone.
    let data = dir.path().join("secretary");
    {
        let core = huiji_offline::app::AppCore::open(&data, &server.base_url).unwrap();
        core.login_password("13900000001", huiji_tests::DEMO_PASSWORD)
            .await
            .unwrap();
        core.sync_now(&|_| {}).await.unwrap();
    }
    let mut child = launch(&data);
    tokio::time::sleep(Duration::from_secs(10)).await;
    let (kib, pss, procs) = descendants_rss_kib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    println!(
        "[app] memory, idle after login:             RSS {:.1} MB, PSS {:.1} MB over {procs} processes (app + webview; target ≤ 150 MB)",
        kib as f64 / 1024.0,
        pss as f64 / 1024.0
    );
    drop(server);
}

/// Verdicts per second on one thread: verify a health pass offline, assess it with a
/// temperature and record the scan with its outbox op in one SQLite transaction.
async fn checkpoint_bench() {
    use huiji_offline::app::{AppCore, ScanMode};
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), None);
    let mut codes = Vec::new();
    for phone in [
        "13700000001",
        "13700000002",
        "13700000003",
        "13700000004",
        "13700000005",
    ] {
        codes.push(huiji_tests::health_pass(&server.base_url, phone).await);
    }
    for (label, full) in [
        ("WAL, synchronous=NORMAL", false),
        ("WAL, synchronous=FULL", true),
    ] {
        let app = AppCore::open(
            &dir.path().join(format!("scanner-{full}")),
            &server.base_url,
        )
        .unwrap();
        app.login_password("13900000005", huiji_tests::DEMO_PASSWORD)
            .await
            .unwrap();
        app.sync_now(&|_| {}).await.unwrap();
        app.store().set_full_sync(full).unwrap();
        let n = 20_000;
        let mut lat = Vec::with_capacity(n);
        let start = Instant::now();
        for i in 0..n {
            let t = Instant::now();
            let v = app
                .checkpoint_record(
                    &codes[i % codes.len()],
                    ScanMode::Health,
                    Some("36.5"),
                    None,
                )
                .unwrap();
            assert!(v.valid);
            lat.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let secs = start.elapsed().as_secs_f64();
        lat.sort_by(f64::total_cmp);
        println!(
            "[checkpoint] {label:<24} {n} verdicts verified + recorded on one thread: {:.0}/s, p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms, max {:.1} ms (target ≥ 2,000/s, p99 ≤ 2 ms)",
            n as f64 / secs,
            pct(&lat, 0.5),
            pct(&lat, 0.95),
            pct(&lat, 0.99),
            lat.last().copied().unwrap_or(0.0)
        );
    }
    drop(server);
}

#[tokio::main]
async fn main() {
    println!(
        "huiji-bench: release huiji-server on 127.0.0.1, {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    let started = Instant::now();
    // `huiji-bench [search|review|app|checkpoint|sync]` runs one section; no argument runs all.
    let only = std::env::args().nth(1).unwrap_or_default();
    let run = |section: &str| only.is_empty() || only == section;
    if run("search") {
        let dir = tempfile::tempdir().unwrap();
        search_bench(dir.path());
    }
    if run("review") {
        let dir = tempfile::tempdir().unwrap();
        review_bench(dir.path());
    }
    if run("app") {
        app_bench().await;
    }
    if run("checkpoint") {
        checkpoint_bench().await;
    }
    if run("sync") {
        run_backend("sqlite", None).await;
        match fresh_pg_database().await {
            Some(url) => {
                run_backend("postgres", Some(&url)).await;
                drop_pg_database(&url).await;
            }
            None => println!("[postgres] skipped: PostgreSQL not reachable"),
        }
    }
    println!(
        "huiji-bench done in {:.0?}",
        started.elapsed().max(Duration::from_millis(1))
    );
}
