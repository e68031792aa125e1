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

// ---------------------------------------------------------------- dues ledger

/// Writes `n_orders` orders and `n_payments` payments straight into the database the
/// server uses (its records and their index rows), as years of dues would leave them.
async fn seed_dues(database_url: &str, n_orders: usize, n_payments: usize) {
    use huiji_domain::dues::{
        DuesOrderBody, OrderStatus, PayMethod, PaymentBody, PaymentLog, PaymentStatus,
    };
    use huiji_domain::workflow::Person;
    use sqlx::Row;
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(database_url)
        .await
        .unwrap();
    let pg = database_url.starts_with("postgres");
    let units: Vec<(Uuid, String, String)> = {
        let mut out = Vec::new();
        for name in [
            "南京医科大学工会",
            "南京大学工会",
            "东南大学工会",
            "南京师范大学工会",
            "徐工集团工会",
        ] {
            let id = demo_node(name);
            let row = sqlx::query("SELECT node_path FROM records WHERE id = $1")
                .bind(id.to_string())
                .fetch_one(&pool)
                .await
                .unwrap();
            out.push((id, row.try_get::<String, _>(0).unwrap(), name.to_owned()));
        }
        out
    };
    let mut seq: i64 = sqlx::query("SELECT value FROM counters WHERE name = 'seq'")
        .fetch_one(&pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    let periods = ["2022", "2023", "2024", "2025", "2026"];
    let methods = [
        PayMethod::Online,
        PayMethod::BankTransfer,
        PayMethod::Cash,
        PayMethod::Other,
    ];
    let now = 1_795_000_000_000_i64;
    let mark = |n: usize| if pg { format!("${n}") } else { "?".to_owned() };
    let placeholders = |rows: usize, cols: usize| {
        (0..rows)
            .map(|r| {
                let inner: Vec<String> = (0..cols).map(|c| mark(r * cols + c + 1)).collect();
                format!("({})", inner.join(", "))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut tx = pool.begin().await.unwrap();
    let mut orders: Vec<(Uuid, DuesOrderBody, usize)> = Vec::with_capacity(n_orders);
    for i in 0..n_orders {
        let member = i / periods.len();
        let unit = member % units.len();
        let body = DuesOrderBody {
            account_id: Uuid::from_u128(0xB000_0000 + member as u128),
            name: format!(
                "{}{}",
                SURNAMES[member % SURNAMES.len()],
                GIVEN[(member / 7) % GIVEN.len()]
            ),
            unit_id: units[unit].0,
            unit_name: units[unit].2.clone(),
            membership_id: Uuid::from_u128(0xA000_0000 + member as u128),
            period: periods[i % periods.len()].to_owned(),
            amount_fen: 24_000,
            paid_fen: 0,
            pending_fen: 0,
            status: OrderStatus::Pending,
            request_id: None,
            rule_id: None,
            due_on: None,
            prorated: false,
            cancel_reason: None,
            event_id: None,
            title: None,
            created_at: now,
        };
        orders.push((Uuid::now_v7(), body, unit));
    }
    // Payments: two for most orders (half and half), some waiting, some rejected.
    let mut paid = vec![0_i64; n_orders];
    let mut pays: Vec<(Uuid, PaymentBody, usize)> = Vec::with_capacity(n_payments);
    for j in 0..n_payments {
        let oi = j % n_orders;
        let (oid, o, unit) = &orders[oi];
        let method = methods[j % methods.len()];
        let status = match j % 20 {
            0..=13 => PaymentStatus::Confirmed,
            14..=16 => PaymentStatus::Submitted,
            17..=18 => PaymentStatus::Rejected,
            _ => {
                if method == PayMethod::Online {
                    PaymentStatus::Closed
                } else {
                    PaymentStatus::Rejected
                }
            }
        };
        let amount = 12_000;
        if status == PaymentStatus::Confirmed {
            paid[oi] += amount;
        }
        let body = PaymentBody {
            order_id: *oid,
            account_id: o.account_id,
            payer: o.name.clone(),
            unit_id: o.unit_id,
            unit_name: o.unit_name.clone(),
            period: o.period.clone(),
            amount_fen: amount,
            method,
            status,
            paid_on: Some(format!("{}-06-15", &o.period[..4])),
            reference: Some(format!("REF{j:08}")),
            note: None,
            proof: None,
            channel: (method == PayMethod::Online).then(|| "sandbox".into()),
            out_trade_no: (method == PayMethod::Online)
                .then(|| format!("{:032x}", 0xC000_0000_u128 + j as u128)),
            reason: (status == PaymentStatus::Rejected).then(|| "凭证不清晰".into()),
            decided_by: Some(Person {
                id: Uuid::nil(),
                name: "张靖".into(),
            }),
            decided_at: Some(now),
            receipt_no: (status == PaymentStatus::Confirmed).then(|| format!("SJ20261201{j:06}")),
            created_at: now - (n_payments - j) as i64 * 1000,
            log: vec![PaymentLog {
                at: now,
                actor: None,
                action: "submit".into(),
                note: None,
            }],
        };
        pays.push((Uuid::now_v7(), body, *unit));
    }
    for (i, (_, o, _)) in orders.iter_mut().enumerate() {
        o.paid_fen = paid[i];
        o.status = if paid[i] >= o.amount_fen {
            OrderStatus::Paid
        } else if paid[i] > 0 {
            OrderStatus::Partial
        } else {
            OrderStatus::Pending
        };
    }
    const REC: &str = "INSERT INTO records (id, kind, node_id, node_path, owner_id, version, seq, deleted, body, created_at, updated_at, updated_by, audience) VALUES ";
    for chunk in orders.chunks(400) {
        let sql = format!("{REC}{}", placeholders(chunk.len(), 13));
        let mut q = sqlx::query(&sql);
        for (id, o, unit) in chunk {
            seq += 1;
            q = q
                .bind(id.to_string())
                .bind("dues_order")
                .bind(units[*unit].0.to_string())
                .bind(units[*unit].1.clone())
                .bind(o.account_id.to_string())
                .bind(1_i64)
                .bind(seq)
                .bind(0_i64)
                .bind(serde_json::to_string(o).unwrap())
                .bind(now)
                .bind(now)
                .bind(None::<String>)
                .bind(None::<String>);
        }
        q.execute(&mut *tx).await.unwrap();
        let sql = format!("INSERT INTO dues_orders (id, membership_id, account_id, unit_id, unit_path, period, amount_fen, paid_fen, status, created_at) VALUES {}", placeholders(chunk.len(), 10));
        let mut q = sqlx::query(&sql);
        for (id, o, unit) in chunk {
            q = q
                .bind(id.to_string())
                .bind(o.membership_id.to_string())
                .bind(o.account_id.to_string())
                .bind(o.unit_id.to_string())
                .bind(units[*unit].1.clone())
                .bind(o.period.clone())
                .bind(o.amount_fen)
                .bind(o.paid_fen)
                .bind(o.status.as_str())
                .bind(now);
        }
        q.execute(&mut *tx).await.unwrap();
    }
    for chunk in pays.chunks(400) {
        let sql = format!("{REC}{}", placeholders(chunk.len(), 13));
        let mut q = sqlx::query(&sql);
        for (id, p, unit) in chunk {
            seq += 1;
            q = q
                .bind(id.to_string())
                .bind("payment")
                .bind(units[*unit].0.to_string())
                .bind(units[*unit].1.clone())
                .bind(p.account_id.to_string())
                .bind(1_i64)
                .bind(seq)
                .bind(0_i64)
                .bind(serde_json::to_string(p).unwrap())
                .bind(now)
                .bind(now)
                .bind(None::<String>)
                .bind(None::<String>);
        }
        q.execute(&mut *tx).await.unwrap();
        let sql = format!("INSERT INTO payments (id, order_id, account_id, unit_path, period, payer, amount_fen, method, status, out_trade_no, channel, request_hash, receipt_no, created_at, updated_at) VALUES {}", placeholders(chunk.len(), 15));
        let mut q = sqlx::query(&sql);
        for (id, p, unit) in chunk {
            q = q
                .bind(id.to_string())
                .bind(p.order_id.to_string())
                .bind(p.account_id.to_string())
                .bind(units[*unit].1.clone())
                .bind(p.period.clone())
                .bind(p.payer.clone())
                .bind(p.amount_fen)
                .bind(p.method.as_str())
                .bind(p.status.as_str())
                .bind(p.out_trade_no.clone())
                .bind(p.channel.clone())
                .bind(None::<String>)
                .bind(p.receipt_no.clone())
                .bind(p.created_at)
                .bind(now);
        }
        q.execute(&mut *tx).await.unwrap();
    }
    sqlx::query(
        "UPDATE counters SET value = $1 WHERE name = 'seq'"
            .replace("$1", &mark(1))
            .as_str(),
    )
    .bind(seq)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    // Fresh statistics, as a database that grew over years would have.
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    pool.close().await;
}

/// The ledger's totals over 100,000 payments: p50/p95 of the HTTP call per query.
async fn dues_bench(label: &str, database_url: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    // HUIJI_BENCH_KEEP=<dir> keeps the SQLite database there, to look at query plans.
    let data = std::env::var_os("HUIJI_BENCH_KEEP")
        .map(std::path::PathBuf::from)
        .filter(|_| database_url.is_none())
        .unwrap_or_else(|| dir.path().join("server"));
    // First start: migrations and the demo; then the years of payments go in.
    let mut server = ServerProcess::start(&data, database_url);
    server.kill_hard();
    let url = database_url
        .map(str::to_owned)
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", data.join("huiji.db").display()));
    let t = Instant::now();
    seed_dues(&url, 50_000, 100_000).await;
    println!(
        "[{label}] dues: 50,000 orders and 100,000 payments written in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let server = ServerProcess::start_at(&data, database_url, "127.0.0.1:0");
    let base = server.base_url.clone();
    let admin = login(&base, ADMIN).await;
    let zhang = login(&base, SECRETARY).await;
    let njmu = demo_node("南京医科大学工会");
    let http = reqwest::Client::new();
    let cases = [
        (
            "totals of one period, every unit (admin)",
            admin.clone(),
            "period=2025".to_owned(),
        ),
        (
            "totals of one period, one unit (secretary)",
            zhang.clone(),
            format!("period=2025&unit_id={njmu}"),
        ),
        (
            "one period, confirmed bank transfers",
            admin.clone(),
            "period=2025&status=confirmed&method=bank_transfer".to_owned(),
        ),
        ("every period (admin)", admin.clone(), String::new()),
        (
            "payer name search, one period",
            admin.clone(),
            "period=2025&q=%E5%BC%A0".to_owned(),
        ),
    ];
    for (name, token, q) in &cases {
        let call = || async {
            let v: serde_json::Value = http
                .get(format!("{base}/api/v1/payments/ledger?{q}"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .error_for_status()
                .unwrap()
                .json()
                .await
                .unwrap();
            v
        };
        for _ in 0..10 {
            call().await;
        }
        let mut lat = Vec::new();
        let mut count = 0;
        for _ in 0..200 {
            let t = Instant::now();
            let v = call().await;
            lat.push(t.elapsed().as_secs_f64() * 1000.0);
            count = v["totals"]["count"].as_u64().unwrap_or(0);
        }
        lat.sort_by(|a, b| a.total_cmp(b));
        println!(
            "[{label}] ledger {name:<44} {count:>6} rows matched: p50 {:.1} ms, p95 {:.1} ms (target p95 ≤ 100 ms)",
            pct(&lat, 0.5),
            pct(&lat, 0.95)
        );
    }
    let t = Instant::now();
    let csv = http
        .get(format!(
            "{base}/api/v1/payments/export?format=csv&period=2025"
        ))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    println!(
        "[{label}] export one period as CSV ({} lines, {:.1} MB): {:.0} ms",
        csv.iter().filter(|b| **b == b'\n').count(),
        csv.len() as f64 / 1e6,
        t.elapsed().as_secs_f64() * 1000.0
    );
    let t = Instant::now();
    let xlsx = http
        .get(format!(
            "{base}/api/v1/payments/export?format=xlsx&period=2025"
        ))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    println!(
        "[{label}] export one period as XLSX ({:.1} MB): {:.0} ms",
        xlsx.len() as f64 / 1e6,
        t.elapsed().as_secs_f64() * 1000.0
    );
    drop(server);
}

// ---------------------------------------------------------------- event check-in

const EVENT_ATTENDEES: usize = 5_000;
const EVENT_SCANNERS: usize = 4;
/// Tickets shown a second time at another gate.
const EVENT_SECOND_SCANS: usize = 400;
/// The demo scanner at 口前镇检查站: its four devices see each other's scans (a scan's
/// owner is the account that pushed it; the scanner role sees only its own).
const SCANNER: &str = "13900000005";

fn attendee_phone(i: usize) -> String {
    format!("1366{i:07}")
}

fn attendee_id(i: usize) -> Uuid {
    Uuid::from_u128(0xE7E0_0000_0000 + i as u128)
}

/// `($1, $2), ($3, $4)` on PostgreSQL, `(?, ?), (?, ?)` on SQLite.
fn value_rows(pg: bool, rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let inner: Vec<String> = (0..cols)
                .map(|c| {
                    if pg {
                        format!("${}", r * cols + c + 1)
                    } else {
                        "?".to_owned()
                    }
                })
                .collect();
            format!("({})", inner.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes `n` person accounts into the server's database, each a member of
/// 南京医科大学工会 (a member grant there), with the demo password.
async fn seed_attendees(database_url: &str, n: usize) {
    use sqlx::Row;
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(database_url)
        .await
        .unwrap();
    let pg = database_url.starts_with("postgres");
    let hash: String = sqlx::query("SELECT password_hash FROM accounts WHERE phone = $1")
        .bind(SECRETARY)
        .fetch_one(&pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let njmu = demo_node("南京医科大学工会").to_string();
    let id_number = |i: usize| {
        // Unique for i < 13,440: year, month and day from i.
        let first17 = format!(
            "320115{:04}{:02}{:02}{:03}",
            1960 + i % 40,
            1 + (i / 40) % 12,
            1 + (i / 480) % 28,
            100 + i % 900
        );
        let check = huiji_domain::validate::id_number_check_char(&first17).unwrap();
        format!("{first17}{check}")
    };
    let mut tx = pool.begin().await.unwrap();
    let all: Vec<usize> = (0..n).collect();
    for chunk in all.chunks(400) {
        let sql = format!(
            "INSERT INTO accounts (id, kind, phone, password_hash, real_name, id_number, status, created_at) VALUES {}",
            value_rows(pg, chunk.len(), 8)
        );
        let mut q = sqlx::query(&sql);
        for &i in chunk {
            q = q
                .bind(attendee_id(i).to_string())
                .bind("person")
                .bind(attendee_phone(i))
                .bind(hash.clone())
                .bind(format!(
                    "{}{}",
                    SURNAMES[(i * 7 + i / 13) % SURNAMES.len()],
                    GIVEN[(i * 11 + i / 5) % GIVEN.len()]
                ))
                .bind(id_number(i))
                .bind("active")
                .bind(now);
        }
        q.execute(&mut *tx).await.unwrap();
        let sql = format!(
            "INSERT INTO grants (id, account_id, role, node_id, created_at) VALUES {}",
            value_rows(pg, chunk.len(), 5)
        );
        let mut q = sqlx::query(&sql);
        for &i in chunk {
            q = q
                .bind(Uuid::now_v7().to_string())
                .bind(attendee_id(i).to_string())
                .bind("member")
                .bind(njmu.clone())
                .bind(now);
        }
        q.execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    pool.close().await;
}

/// Every attendee logs in (SMS code; `--dev` answers with the code) and takes their
/// ticket for `event`, eight at a time. Returns the tickets' texts by attendee.
async fn issue_tickets(base: &str, event: Uuid, n: usize) -> Vec<String> {
    use huiji_domain::wire::TicketResponse;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let http = reqwest::Client::new();
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (http, next, base) = (http.clone(), next.clone(), base.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break out;
                }
                let phone = attendee_phone(i);
                let sent: serde_json::Value = http
                    .post(format!("{base}/api/v1/auth/sms/send"))
                    .json(&json!({"phone": phone, "purpose": "login"}))
                    .send()
                    .await
                    .unwrap()
                    .error_for_status()
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let code = sent["dev_code"].as_str().unwrap().to_owned();
                let login: serde_json::Value = http
                    .post(format!("{base}/api/v1/auth/sms/login"))
                    .json(&json!({"phone": phone, "code": code}))
                    .send()
                    .await
                    .unwrap()
                    .error_for_status()
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let token = login["token"].as_str().unwrap().to_owned();
                let ticket: TicketResponse = http
                    .get(format!("{base}/api/v1/events/{event}/ticket"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap()
                    .error_for_status()
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                // One ticket per person and event (the server's `ticket_id`).
                assert_eq!(
                    ticket.ticket_id,
                    Uuid::new_v5(&event, attendee_id(i).as_bytes())
                );
                out.push((i, ticket.text));
            }
        }));
    }
    let mut texts = vec![String::new(); n];
    for t in tasks {
        for (i, text) in t.await.unwrap() {
            texts[i] = text;
        }
    }
    texts
}

/// `HUIJI_BENCH_EVENTS_SYNC=background`: each gate's syncs run on their own task while
/// it scans (as the app's background sync does), instead of the gate calling `sync_now`
/// itself every 250 scans.
fn background_sync() -> bool {
    std::env::var("HUIJI_BENCH_EVENTS_SYNC").is_ok_and(|v| v == "background")
}

/// What one scan did, as the scanner's screen showed it.
struct ScanOutcome {
    scan_id: Uuid,
    attendee: usize,
    admitted: bool,
    second: bool,
}

struct DeviceRun {
    outcomes: Vec<ScanOutcome>,
    latencies_ms: Vec<f64>,
    first_scan: Instant,
    last_scan: Instant,
    converged: Instant,
    /// How long each sync that ran alongside the scanning took, in seconds.
    syncs_while_scanning: Vec<f64>,
    syncs_after: usize,
}

/// The event's scans in a device's store: rows, distinct ids, distinct tickets.
fn local_scans(core: &huiji_offline::app::AppCore, event: Uuid) -> (i64, i64, i64) {
    core.store()
        .with_conn(|c| {
            Ok(c.query_row(
                "SELECT COUNT(*), COUNT(DISTINCT id), COUNT(DISTINCT json_extract(body, '$.ticket_id')) \
                 FROM records WHERE kind = 'scan' AND deleted = 0 \
                 AND json_extract(body, '$.event_id') = ?1",
                [event.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .unwrap()
}

/// One gate: scans its list on a blocking thread and syncs every 250 scans (the gate
/// waits for its sync, or with `background` the sync runs alongside); after its last scan
/// it syncs every 100 ms until it holds all `total` scans of the event and has nothing
/// left to send.
async fn run_gate(
    core: std::sync::Arc<huiji_offline::app::AppCore>,
    plan: Vec<(usize, bool)>,
    texts: std::sync::Arc<Vec<String>>,
    mode: huiji_offline::app::ScanMode,
    event: Uuid,
    total: usize,
    background: bool,
) -> DeviceRun {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let kick = Arc::new(tokio::sync::Notify::new());
    let done = Arc::new(AtomicBool::new(false));
    let syncer = background.then(|| {
        let (core, kick, done) = (core.clone(), kick.clone(), done.clone());
        tokio::spawn(async move {
            let mut syncs = Vec::new();
            loop {
                kick.notified().await;
                if done.load(Ordering::Acquire) {
                    break syncs;
                }
                let t = Instant::now();
                core.sync_now(&|_| {}).await.unwrap();
                syncs.push(t.elapsed().as_secs_f64());
            }
        })
    });
    let scanning = {
        let (core, kick) = (core.clone(), kick.clone());
        let rt = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            let mut outcomes = Vec::with_capacity(plan.len());
            let mut lat = Vec::with_capacity(plan.len());
            let mut syncs = Vec::new();
            let first = Instant::now();
            for (n, (attendee, second)) in plan.into_iter().enumerate() {
                let t = Instant::now();
                let v = core
                    .checkpoint_record(&texts[attendee], mode, None, None)
                    .unwrap();
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
                // Admitted, or refused because this gate already holds a scan of it.
                assert!(
                    (v.valid && v.admitted) || v.reason_code == "credential.already_used",
                    "ticket {attendee}: {v:?}"
                );
                outcomes.push(ScanOutcome {
                    scan_id: v.scan_id.as_deref().unwrap().parse().unwrap(),
                    attendee,
                    admitted: v.admitted,
                    second,
                });
                if (n + 1) % 250 == 0 {
                    if background {
                        kick.notify_one();
                    } else {
                        let t = Instant::now();
                        let st = rt.block_on(core.sync_now(&|_| {})).unwrap();
                        assert!(st.online && st.rejected == 0, "{st:?}");
                        syncs.push(t.elapsed().as_secs_f64());
                    }
                }
            }
            (outcomes, lat, syncs, first, Instant::now())
        })
    };
    let (outcomes, latencies_ms, mut syncs_while_scanning, first_scan, last_scan) =
        scanning.await.unwrap();
    done.store(true, Ordering::Release);
    kick.notify_one();
    if let Some(syncer) = syncer {
        syncs_while_scanning = syncer.await.unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut syncs_after = 0;
    let converged = loop {
        let st = core.sync_now(&|_| {}).await.unwrap();
        syncs_after += 1;
        assert_eq!(st.rejected, 0, "{st:?}");
        let (rows, _, _) = local_scans(&core, event);
        if st.pending == 0 && rows as usize == total {
            break Instant::now();
        }
        assert!(
            Instant::now() < deadline,
            "not converged after 120 s: {rows} of {total} scans here, {st:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    DeviceRun {
        outcomes,
        latencies_ms,
        first_scan,
        last_scan,
        converged,
        syncs_while_scanning,
        syncs_after,
    }
}

/// Issue 7 §6: 5,000 attendees of one event checked in through four scanners that sync
/// while they scan; a few hundred show their ticket again at another gate. Every scan
/// must reach the server once and every gate, and how long after the last scan that
/// takes is the figure.
async fn events_bench(label: &str, database_url: Option<&str>) {
    use huiji_domain::credential::Direction;
    use huiji_domain::wire::AttendanceView;
    use huiji_offline::app::{AppCore, ScanMode};
    use sqlx::Row;
    use std::collections::HashSet;
    use std::sync::Arc;
    let n = EVENT_ATTENDEES;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    // First start: migrations and the demo (with the event); then the attendees go in.
    let mut server = ServerProcess::start(&data, database_url);
    server.kill_hard();
    let url = database_url
        .map(str::to_owned)
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", data.join("huiji.db").display()));
    let t = Instant::now();
    seed_attendees(&url, n).await;
    let seeded = t.elapsed().as_secs_f64();
    let server = ServerProcess::start_at(&data, database_url, "127.0.0.1:0");
    let base = server.base_url.clone();
    let event = demo_node("event:annual-2026");
    let t = Instant::now();
    let texts = Arc::new(issue_tickets(&base, event, n).await);
    let issued = t.elapsed().as_secs_f64();
    println!(
        "[events] {label} preparation (not timed below): {n} member accounts written in {seeded:.1} s; {n} SMS logins + tickets over HTTP in {issued:.1} s ({:.0}/s)",
        n as f64 / issued
    );

    // Four gates, each its own device of the demo scanner, synced once before the doors open.
    let mut gates = Vec::new();
    let mut reentry = None;
    for g in 0..EVENT_SCANNERS {
        let core = AppCore::open(&dir.path().join(format!("gate-{g}")), &base).unwrap();
        core.login_password(SCANNER, huiji_tests::DEMO_PASSWORD)
            .await
            .unwrap();
        let st = core.sync_now(&|_| {}).await.unwrap();
        assert!(st.online && st.pending == 0, "{st:?}");
        let ev = core
            .events_list()
            .unwrap()
            .into_iter()
            .find(|e| e.id == event.to_string())
            .expect("the event reached the gate");
        reentry = Some(ev.reentry_allowed);
        gates.push(Arc::new(core));
    }
    let mode = ScanMode::Ticket {
        event,
        direction: Direction::In,
        reentry_allowed: reentry.unwrap(),
    };
    // Gate g admits attendees g·1,250 … (g+1)·1,250; second scans are tickets of another
    // gate, shown shortly after their first scan (20 scans later: the gates have likely
    // not synced yet) or much later (600 scans: they likely have).
    let per_gate = n / EVENT_SCANNERS;
    let mut plans: Vec<Vec<(f64, usize, bool)>> = (0..EVENT_SCANNERS)
        .map(|g| {
            (0..per_gate)
                .map(|k| (k as f64, g * per_gate + k, false))
                .collect()
        })
        .collect();
    for j in 0..EVENT_SECOND_SCANS {
        let from = j % EVENT_SCANNERS;
        let to = (from + 1 + (j / EVENT_SCANNERS) % (EVENT_SCANNERS - 1)) % EVENT_SCANNERS;
        let k = (j / EVENT_SCANNERS) * (per_gate - 50) / (EVENT_SECOND_SCANS / EVENT_SCANNERS);
        let later = if j % 2 == 0 { 20 } else { 600 };
        let at = ((k + later).min(per_gate + 10)) as f64 + 0.5;
        plans[to].push((at, from * per_gate + k, true));
    }
    let plans: Vec<Vec<(usize, bool)>> = plans
        .into_iter()
        .map(|mut p| {
            p.sort_by(|a, b| a.0.total_cmp(&b.0));
            p.into_iter().map(|(_, a, s)| (a, s)).collect()
        })
        .collect();
    let total = n + EVENT_SECOND_SCANS;
    let background = background_sync();

    // The server's side: poll its database until it holds every scan of the event.
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    let event_expr = if database_url.is_some() {
        "(body::jsonb ->> 'event_id')"
    } else {
        "json_extract(body, '$.event_id')"
    };
    let count_sql = format!(
        "SELECT COUNT(*), COUNT(DISTINCT id) FROM records WHERE kind = 'scan' AND deleted = 0 AND {event_expr} = $1"
    );
    let watcher = {
        let (pool, sql) = (pool.clone(), count_sql.clone());
        tokio::spawn(async move {
            let deadline = Instant::now() + Duration::from_secs(300);
            loop {
                let row = sqlx::query(&sql)
                    .bind(event.to_string())
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                let rows: i64 = row.try_get(0).unwrap();
                if rows as usize >= total {
                    break Instant::now();
                }
                assert!(Instant::now() < deadline, "server has {rows} of {total}");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let tasks: Vec<_> = gates
        .iter()
        .zip(plans)
        .map(|(core, plan)| {
            tokio::spawn(run_gate(
                core.clone(),
                plan,
                texts.clone(),
                mode,
                event,
                total,
                background,
            ))
        })
        .collect();
    let mut runs = Vec::new();
    for t in tasks {
        runs.push(t.await.unwrap());
    }
    let server_done = watcher.await.unwrap();
    let first_scan = runs.iter().map(|r| r.first_scan).min().unwrap();
    let last_scan = runs.iter().map(|r| r.last_scan).max().unwrap();
    let converged = runs
        .iter()
        .map(|r| r.converged)
        .chain([server_done])
        .max()
        .unwrap();

    // All recorded, once: the server's scans are exactly the scans the gates made.
    let made: Vec<&ScanOutcome> = runs.iter().flat_map(|r| &r.outcomes).collect();
    let made_ids: HashSet<Uuid> = made.iter().map(|o| o.scan_id).collect();
    assert_eq!(made.len(), total);
    assert_eq!(made_ids.len(), total, "a scan id was reused");
    let row = sqlx::query(&count_sql)
        .bind(event.to_string())
        .fetch_one(&pool)
        .await
        .unwrap();
    let (server_rows, server_ids): (i64, i64) = (row.try_get(0).unwrap(), row.try_get(1).unwrap());
    let ids_sql =
        format!("SELECT id FROM records WHERE kind = 'scan' AND deleted = 0 AND {event_expr} = $1");
    let server_set: HashSet<Uuid> = sqlx::query(&ids_sql)
        .bind(event.to_string())
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String, _>(0).unwrap().parse().unwrap())
        .collect();
    pool.close().await;
    assert_eq!(server_rows as usize, total);
    assert_eq!(
        server_ids as usize, total,
        "duplicate scan rows on the server"
    );
    assert_eq!(
        server_set, made_ids,
        "the server's scans are not the gates' scans"
    );
    // Every gate holds every scan, each once, and every ticket.
    for (g, core) in gates.iter().enumerate() {
        let (rows, ids, tickets) = local_scans(core, event);
        assert_eq!(
            (rows as usize, ids as usize, tickets as usize),
            (total, total, n),
            "gate {g}"
        );
    }
    // The secretary's view: everyone in once; each second scan a gate admitted (it had
    // not heard of the first) is flagged, the others were refused at the gate.
    let per_ticket_admitted = {
        let mut c = vec![0_usize; n];
        for o in made.iter().filter(|o| o.admitted) {
            c[o.attendee] += 1;
        }
        c
    };
    assert!(
        per_ticket_admitted.iter().all(|&c| (1..=2).contains(&c)),
        "every ticket admitted once, or twice by gates that had not synced"
    );
    let admitted = made.iter().filter(|o| o.admitted).count();
    let seconds_admitted = admitted - n;
    let refused = made.iter().filter(|o| !o.admitted).count();
    let refused_second = made.iter().filter(|o| !o.admitted && o.second).count();
    let secretary = login(&base, SECRETARY).await;
    let att: AttendanceView = reqwest::Client::new()
        .get(format!("{base}/api/v1/events/{event}/attendance"))
        .bearer_auth(&secretary)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(att.checked_in as usize, n);
    assert_eq!(att.admitted_scans as usize, admitted);
    assert_eq!(
        att.conflicts.len(),
        seconds_admitted,
        "one flag per ticket admitted twice"
    );
    let flagged: HashSet<Uuid> = att.conflicts.iter().map(|c| c.flagged_scan).collect();
    assert_eq!(flagged.len(), seconds_admitted);
    assert!(flagged.is_subset(&made_ids));

    let rates: Vec<f64> = runs
        .iter()
        .map(|r| r.outcomes.len() as f64 / (r.last_scan - r.first_scan).as_secs_f64())
        .collect();
    let mut lat: Vec<f64> = runs.iter().flat_map(|r| r.latencies_ms.clone()).collect();
    lat.sort_by(f64::total_cmp);
    let syncs: usize = runs.iter().map(|r| r.syncs_while_scanning.len()).sum();
    let longest_sync = runs
        .iter()
        .flat_map(|r| r.syncs_while_scanning.iter().copied())
        .fold(0.0, f64::max);
    let syncs_after: usize = runs.iter().map(|r| r.syncs_after).sum();
    println!(
        "[events] {label} {n} attendees via {EVENT_SCANNERS} scanners: {:.0} scans/s per device (min {:.0}; each scan p50 {:.2} ms, p99 {:.2} ms), all {total} scans in {:.2} s, {syncs} syncs while scanning (longest {longest_sync:.2} s)",
        rates.iter().sum::<f64>() / rates.len() as f64,
        rates.iter().copied().fold(f64::INFINITY, f64::min),
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        (last_scan - first_scan).as_secs_f64(),
    );
    println!(
        "[events] {label} {EVENT_SECOND_SCANS} second scans at another gate: {seconds_admitted} admitted before the gates had synced (flagged, {} conflicts), {refused_second} refused as already used ({refused} refusals in all); duplicates 0",
        att.conflicts.len()
    );
    println!(
        "[events] {label} server {server_rows} scans (checked in {}, admitted {}), every gate {total}; converged {:.2} s after the last scan (server {:.2} s; {syncs_after} syncs after the gates' last scans; target ≤ 10 s)",
        att.checked_in,
        att.admitted_scans,
        (converged - last_scan).as_secs_f64(),
        (server_done.max(last_scan) - last_scan).as_secs_f64(),
    );
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
    // `huiji-bench [search|review|app|checkpoint|dues|events|sync]` runs one section; no argument runs all.
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
    if run("dues") {
        dues_bench("sqlite", None).await;
        match fresh_pg_database().await {
            Some(url) => {
                dues_bench("postgres", Some(&url)).await;
                drop_pg_database(&url).await;
            }
            None => println!("[postgres] dues skipped: PostgreSQL not reachable"),
        }
    }
    if run("events") {
        events_bench("sqlite", None).await;
        match fresh_pg_database().await {
            Some(url) => {
                events_bench("postgres", Some(&url)).await;
                drop_pg_database(&url).await;
            }
            None => println!("[postgres] events skipped: PostgreSQL not reachable"),
        }
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
