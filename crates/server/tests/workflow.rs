//! The approval engine over HTTP (issue 5): joins, transfers, positions, withdrawals,
//! organisation registration and the service hall; who sees and decides what;
//! conflicts and replays; attachments; the membership status job. Every test runs on
//! SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::TestApp;
use http_body_util::BodyExt;
use huiji_domain::time::{parse_date, start_ms_cst, today_cst};
use huiji_server::demo::{demo_credit_code, demo_id, demo_id_number, DEMO_PASSWORD};
use serde_json::{json, Value};
use tower::ServiceExt;
use uuid::Uuid;

on_both_backends!(
    join_approved_with_a_bill_makes_membership_order_roster_and_grant,
    transfer_ends_the_first_membership_and_starts_the_second,
    send_back_then_resubmit,
    withdraw_only_until_the_first_decision,
    position_needs_every_reviewer_of_the_countersign_step,
    delegate_advise_and_hand_over,
    two_secretaries_deciding_at_once_get_a_conflict,
    racing_decisions_and_resends_apply_once,
    replayed_actions_are_duplicates_and_change_nothing,
    authorisation_matrix,
    attachments_are_typed_by_content_and_private,
    organisation_registration_review_login_and_profile,
    membership_status_job_override_and_renewal,
    the_same_submission_twice_is_stored_once,
    submission_preconditions,
    demo_gives_every_secretary_a_todo_list,
    services_are_data_with_their_own_steps,
    no_5xx_on_the_workflow_endpoints,
);

const NJMU: &str = "南京医科大学工会";
const NJU: &str = "南京大学工会";
const ZHANG: &str = "13900000001"; // secretary of 南京医科大学工会
const LI: &str = "13900000002"; // secretary of 南京大学工会
const CHEN: &str = "13900000003"; // reviewer at 江苏省教科工会委员会
const ZHOU: &str = "13900000007"; // secretary of 江苏省互联网协会
const OUYANG: &str = "13800000001"; // member of 南京医科大学工会

fn node(name: &str) -> String {
    demo_id(name).to_string()
}

fn acc(phone: &str) -> String {
    demo_id(phone).to_string()
}

fn year(t: &TestApp) -> String {
    today_cst(t.state.now()).year.to_string()
}

/// A new person with real name and ID number; returns (token, account id).
async fn person(t: &TestApp, phone: &str, name: &str, n: usize) -> (String, String) {
    let code = t.send_code(phone).await;
    let (s, v) = t.sms_login(phone, &code).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let token = v["token"].as_str().unwrap().to_owned();
    let (s, v) = t
        .call(
            "PUT",
            "/api/v1/me/profile",
            Some(&token),
            Some(json!({"real_name": name, "id_number": demo_id_number(70_000 + n)})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    (token, v["id"].as_str().unwrap().to_owned())
}

/// Gives `account` a role at a node directly (test set-up).
async fn grant(t: &TestApp, account: &str, role: &str, node_name: &str) {
    sqlx::query(
        "INSERT INTO grants (id, account_id, role, node_id, created_at) VALUES ($1, $2, $3, $4, 0)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(account)
    .bind(role)
    .bind(node(node_name))
    .execute(&t.state.db.writer)
    .await
    .unwrap();
}

/// A verify code for the caller's own phone (a minute after any earlier code).
async fn verify_code(t: &TestApp, token: &str) -> String {
    t.clock.advance_ms(61_000);
    let (s, v) = t
        .call("POST", "/api/v1/sms/verify-code", Some(token), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["dev_code"].as_str().unwrap().to_owned()
}

fn join_form(unit: &str, category: &str) -> Value {
    json!({"category": category, "unit_id": node(unit), "company": "南京某医院", "agreed": true})
}

async fn submit(
    t: &TestApp,
    token: &str,
    kind: &str,
    form: Value,
    extra: Value,
) -> (StatusCode, Value) {
    let mut body = json!({"id": Uuid::now_v7(), "kind": kind, "form": form});
    if let Value::Object(m) = extra {
        for (k, v) in m {
            body[k] = v;
        }
    }
    t.call("POST", "/api/v1/requests", Some(token), Some(body))
        .await
}

async fn submit_ok(t: &TestApp, token: &str, kind: &str, form: Value) -> Value {
    let (s, v) = submit(t, token, kind, form, json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

/// An action item on `req` as the caller last saw it.
fn item(req: &Value, action: Value) -> Value {
    json!({
        "action_id": Uuid::now_v7(),
        "request_id": req["id"],
        "base_version": req["version"],
        "step": req["body"]["current"],
        "action": action,
    })
}

async fn act(t: &TestApp, token: &str, items: Vec<Value>) -> Vec<Value> {
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/requests/actions",
            Some(token),
            Some(json!({"actions": items})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["results"].as_array().unwrap().clone()
}

/// One action that must apply; returns the request after it.
async fn act_ok(t: &TestApp, token: &str, req: &Value, action: Value) -> Value {
    let r = act(t, token, vec![item(req, action)]).await;
    assert_eq!(r[0]["status"], "applied", "{}", r[0]);
    r[0]["current"].clone()
}

/// One action that must be refused with `code`.
async fn act_refused(t: &TestApp, token: &str, req: &Value, action: Value, code: &str) {
    let r = act(t, token, vec![item(req, action)]).await;
    assert_eq!(
        (r[0]["status"].as_str(), r[0]["code"].as_str()),
        (Some("rejected"), Some(code)),
        "{}",
        r[0]
    );
}

async fn pull_all(t: &TestApp, token: &str) -> Vec<Value> {
    let (s, v) = t
        .call(
            "GET",
            "/api/v1/sync/pull?cursor=0&limit=5000",
            Some(token),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["has_more"], false);
    v["records"].as_array().unwrap().clone()
}

fn of_kind<'a>(records: &'a [Value], kind: &str) -> Vec<&'a Value> {
    records.iter().filter(|r| r["kind"] == kind).collect()
}

async fn boxed(t: &TestApp, token: &str, query: &str) -> Value {
    let (s, v) = t
        .call(
            "GET",
            &format!("/api/v1/requests?{query}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn roster_total(t: &TestApp, token: &str, unit: &str) -> i64 {
    let (s, v) = t
        .call(
            "GET",
            &format!("/api/v1/nodes/{}/members", node(unit)),
            Some(token),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["total"].as_i64().unwrap()
}

fn has_grant(me: &Value, role: &str, unit: &str) -> bool {
    me["grants"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["role"] == role && g["node_id"] == node(unit).as_str())
}

// ---------------------------------------------------------------- the tests

async fn join_approved_with_a_bill_makes_membership_order_roster_and_grant(t: &TestApp) {
    let (p, pid) = person(t, "13611110001", "王小明", 1).await;
    let code = verify_code(t, &p).await;
    let (s, req) = submit(
        t,
        &p,
        "join",
        join_form(NJMU, "企业职工"),
        json!({"sms_code": code}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{req}");
    let b = &req["body"];
    assert_eq!(b["state"], "submitted");
    assert_eq!(b["sms_verified"], true);
    assert_eq!(b["title"], "入会申请 · 南京医科大学工会");
    assert_eq!(b["steps"][0]["title"], "单位工会审核");
    assert_eq!(b["steps"][0]["approvers"][0]["id"], acc(ZHANG).as_str());
    assert_eq!(req["owner_id"], pid.as_str());

    let sec = t.login(ZHANG).await;
    let todo = boxed(t, &sec, "box=todo&kind=join").await;
    assert!(ids(&todo).contains(&req["id"].as_str().unwrap().to_owned()));
    assert!(todo["counts"]["todo"].as_u64().unwrap() >= 3, "{todo}");
    let sent = boxed(t, &p, "box=sent").await;
    assert_eq!(ids(&sent), vec![req["id"].as_str().unwrap().to_owned()]);
    assert_eq!(sent["counts"]["sent"], 1);
    // The secretary's inbox has the submission.
    let inbox = pull_all(t, &sec).await;
    assert!(of_kind(&inbox, "notification")
        .iter()
        .any(|n| n["body"]["request_id"] == req["id"]));

    let before = roster_total(t, &sec, NJMU).await;
    let y = year(t);
    let done = act_ok(
        t,
        &sec,
        &req,
        json!({"action": "approve", "comment": "同意", "bill": {"amount_fen": 12000, "period": y}}),
    )
    .await;
    assert_eq!(done["body"]["state"], "approved");
    assert_eq!(done["body"]["bill"]["amount_fen"], 12000);
    assert_eq!(done["version"], 2);
    assert_eq!(roster_total(t, &sec, NJMU).await, before + 1);
    let done_box = boxed(t, &sec, "box=done").await;
    assert!(ids(&done_box).contains(&req["id"].as_str().unwrap().to_owned()));

    // The member sees it all through sync.
    let mine = pull_all(t, &p).await;
    let ms = of_kind(&mine, "membership");
    assert_eq!(ms.len(), 1, "{ms:?}");
    let m = &ms[0]["body"];
    assert_eq!(m["unit_name"], NJMU);
    assert_eq!(m["status"], "current");
    assert_eq!(m["member_type"], "企业职工");
    assert_eq!(m["end_on"], format!("{y}-12-31"));
    assert_eq!(m["request_id"], req["id"]);
    let orders = of_kind(&mine, "dues_order");
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0]["body"]["amount_fen"], 12000);
    assert_eq!(orders[0]["body"]["status"], "pending");
    assert_eq!(orders[0]["body"]["membership_id"], ms[0]["id"]);
    let roster = of_kind(&mine, "member");
    assert_eq!(roster.len(), 1);
    assert_eq!(roster[0]["body"]["account_id"], pid.as_str());
    assert!(roster[0]["body"]["phone_masked"]
        .as_str()
        .unwrap()
        .contains("****"));
    let reqs = of_kind(&mine, "request");
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0]["body"]["state"], "approved");
    assert!(of_kind(&mine, "notification")
        .iter()
        .any(|n| n["body"]["title"].as_str().unwrap().contains("已通过")));
    assert!(has_grant(&t.me(&p).await, "member", NJMU));
    // SMS on submission (to the secretary) and on the decision (to the applicant).
    let to_sec = t.sms_to(ZHANG, "王小明提交了入会申请").await;
    assert!(
        to_sec.iter().any(|m| m.contains("王小明提交了入会申请")),
        "{to_sec:?}"
    );
    let to_me = t.sms_to("13611110001", "已审核通过").await;
    assert!(
        to_me
            .iter()
            .any(|m| m.starts_with("【会籍】") && m.contains("入会申请已审核通过")),
        "{to_me:?}"
    );
    // A second join of the same unit is refused now.
    let (s, v) = submit(t, &p, "join", join_form(NJMU, "企业职工"), json!({})).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("AlreadyMember"))
    );
}

async fn transfer_ends_the_first_membership_and_starts_the_second(t: &TestApp) {
    let m = t.login(OUYANG).await;
    let form = json!({"category": "机关事业单位职工", "to_unit_id": node(NJU), "reason": "工作调动", "agreed": true});
    let req = submit_ok(t, &m, "transfer", form).await;
    let b = &req["body"];
    assert_eq!(b["steps"][0]["title"], "转出单位审核");
    assert_eq!(b["steps"][0]["approvers"][0]["id"], acc(ZHANG).as_str());
    assert_eq!(b["steps"][1]["approvers"][0]["id"], acc(LI).as_str());
    // Both secretaries receive it from the start; only the first step waits.
    let (zhang, li) = (t.login(ZHANG).await, t.login(LI).await);
    assert!(
        ids(&boxed(t, &zhang, "box=todo").await).contains(&req["id"].as_str().unwrap().to_owned())
    );
    assert!(
        !ids(&boxed(t, &li, "box=todo").await).contains(&req["id"].as_str().unwrap().to_owned())
    );
    act_refused(t, &li, &req, json!({"action": "approve"}), "NotYourStep").await;

    let njmu_before = roster_total(t, &zhang, NJMU).await;
    let nju_before = roster_total(t, &li, NJU).await;
    let req = act_ok(t, &zhang, &req, json!({"action": "approve"})).await;
    assert_eq!(req["body"]["state"], "submitted");
    assert_eq!(req["body"]["current"], 1);
    assert!(ids(&boxed(t, &li, "box=todo").await).contains(&req["id"].as_str().unwrap().to_owned()));
    let req = act_ok(t, &li, &req, json!({"action": "approve"})).await;
    assert_eq!(req["body"]["state"], "approved");

    assert_eq!(roster_total(t, &zhang, NJMU).await, njmu_before - 1);
    assert_eq!(roster_total(t, &li, NJU).await, nju_before + 1);
    let mine = pull_all(t, &m).await;
    let ms = of_kind(&mine, "membership");
    assert_eq!(ms.len(), 2, "{ms:?}");
    let old = ms
        .iter()
        .find(|r| r["node_id"] == node(NJMU).as_str())
        .unwrap();
    let new = ms
        .iter()
        .find(|r| r["node_id"] == node(NJU).as_str())
        .unwrap();
    assert_eq!(old["body"]["status"], "ended");
    assert!(old["body"]["ended_on"].is_string());
    let whats: Vec<&str> = old["body"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["what"].as_str().unwrap())
        .collect();
    assert!(
        whats.starts_with(&["joined"]) && whats.contains(&"transferred_out"),
        "{whats:?}"
    );
    assert_eq!(new["body"]["status"], "current");
    assert_eq!(new["body"]["history"][0]["what"], "transferred_in");
    assert_eq!(
        new["body"]["joined_on"], old["body"]["joined_on"],
        "membership years carry over"
    );
    // Her old roster entry is gone (a tombstone reaches every device); the new one is at NJU.
    let roster = of_kind(&mine, "member");
    assert!(roster
        .iter()
        .any(|r| r["node_id"] == node(NJMU).as_str() && r["deleted"] == true));
    assert!(roster
        .iter()
        .any(|r| r["node_id"] == node(NJU).as_str() && r["deleted"] == false));
    let acct = t.me(&m).await;
    assert!(has_grant(&acct, "member", NJU) && !has_grant(&acct, "member", NJMU));
}

async fn send_back_then_resubmit(t: &TestApp) {
    let (p, _) = person(t, "13611110002", "赵一鸣", 2).await;
    let sec = t.login(ZHANG).await;
    let req = submit_ok(t, &p, "join", join_form(NJMU, "企业职工")).await;
    act_refused(
        t,
        &sec,
        &req,
        json!({"action": "send_back", "reason": " "}),
        "ReasonRequired",
    )
    .await;
    let req = act_ok(
        t,
        &sec,
        &req,
        json!({"action": "send_back", "reason": "请补充工作单位全称"}),
    )
    .await;
    assert_eq!(req["body"]["state"], "returned");
    assert_eq!(req["body"]["reason"], "请补充工作单位全称");
    let (s, v) = t
        .call(
            "GET",
            &format!("/api/v1/requests/{}", req["id"].as_str().unwrap()),
            Some(&p),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["body"]["state"], "returned");
    assert!(of_kind(&pull_all(t, &p).await, "notification")
        .iter()
        .any(|n| n["body"]["text"]
            .as_str()
            .unwrap()
            .contains("请补充工作单位全称")));

    // Only the applicant resubmits, only to the same unit, with a valid form.
    let changed = json!({"category": "灵活就业人员", "unit_id": node(NJMU), "company": "南京医科大学第一附属医院", "agreed": true});
    act_refused(
        t,
        &sec,
        &req,
        json!({"action": "resubmit", "form": changed}),
        "NotApplicant",
    )
    .await;
    act_refused(
        t,
        &p,
        &req,
        json!({"action": "resubmit", "form": join_form(NJU, "企业职工")}),
        "UnitChanged",
    )
    .await;
    act_refused(t, &p, &req, json!({"action": "resubmit", "form": {"category": "x", "unit_id": node(NJMU), "agreed": true}}), "CategoryInvalid").await;
    let req = act_ok(t, &p, &req, json!({"action": "resubmit", "form": changed})).await;
    assert_eq!(req["body"]["state"], "submitted");
    assert_eq!(req["body"]["current"], 0);
    assert_eq!(req["body"]["form"]["category"], "灵活就业人员");
    assert!(req["body"]["reason"].is_null());
    let sent = t.sms_to("13611110002", "请补充工作单位全称").await;
    assert!(sent.iter().any(|m| m.contains("被退回修改")), "{sent:?}");
    let req = act_ok(t, &sec, &req, json!({"action": "approve"})).await;
    assert_eq!(req["body"]["state"], "approved");
    let ms = of_kind(&pull_all(t, &p).await, "membership").len();
    assert_eq!(ms, 1);
}

async fn withdraw_only_until_the_first_decision(t: &TestApp) {
    let (p, _) = person(t, "13611110003", "钱多多", 3).await;
    let req = submit_ok(t, &p, "join", join_form(NJMU, "企业职工")).await;
    let sec = t.login(ZHANG).await;
    act_refused(t, &sec, &req, json!({"action": "withdraw"}), "NotApplicant").await;
    let done = act_ok(t, &p, &req, json!({"action": "withdraw"})).await;
    assert_eq!(done["body"]["state"], "withdrawn");
    // Gone from the secretary's to-do; a new application may be made.
    assert!(
        !ids(&boxed(t, &sec, "box=todo").await).contains(&req["id"].as_str().unwrap().to_owned())
    );
    submit_ok(t, &p, "join", join_form(NJMU, "企业职工")).await;

    // After the first decision of a two-step transfer, too late.
    let m = t.login(OUYANG).await;
    let form = json!({"category": "机关事业单位职工", "to_unit_id": node(NJU), "agreed": true});
    let tr = submit_ok(t, &m, "transfer", form).await;
    let tr = act_ok(t, &sec, &tr, json!({"action": "approve"})).await;
    act_refused(t, &m, &tr, json!({"action": "withdraw"}), "WithdrawTooLate").await;
}

async fn position_needs_every_reviewer_of_the_countersign_step(t: &TestApp) {
    // A second reviewer at 江苏省教科工会委员会, so the 会签 has two people.
    let (r2, r2_id) = person(t, "13611110004", "孙伟", 4).await;
    grant(t, &r2_id, "reviewer", "江苏省教科工会委员会").await;
    let m = t.login(OUYANG).await;
    let form = json!({"unit_id": node(NJMU), "position": "工会委员", "referrer_name": "张靖", "referrer_phone": "13900000001"});
    let req = submit_ok(t, &m, "position", form).await;
    let steps = req["body"]["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[1]["title"], "上级会签");
    assert_eq!(steps[1]["mode"], "all");
    assert_eq!(steps[1]["node_id"], node("江苏省教科工会委员会").as_str());
    assert_eq!(steps[1]["approvers"].as_array().unwrap().len(), 2);

    let (sec, chen) = (t.login(ZHANG).await, t.login(CHEN).await);
    act_refused(t, &chen, &req, json!({"action": "approve"}), "NotYourStep").await;
    let req = act_ok(t, &sec, &req, json!({"action": "approve"})).await;
    assert_eq!(req["body"]["current"], 1);
    let req = act_ok(
        t,
        &chen,
        &req,
        json!({"action": "approve", "comment": "同意"}),
    )
    .await;
    assert_eq!(req["body"]["state"], "submitted", "one of two has signed");
    act_refused(t, &chen, &req, json!({"action": "approve"}), "AlreadyVoted").await;
    assert!(ids(&boxed(t, &r2, "box=todo").await).contains(&req["id"].as_str().unwrap().to_owned()));
    assert!(
        !ids(&boxed(t, &chen, "box=todo").await).contains(&req["id"].as_str().unwrap().to_owned())
    );
    let req = act_ok(t, &r2, &req, json!({"action": "approve"})).await;
    assert_eq!(req["body"]["state"], "approved");
    let ms = of_kind(&pull_all(t, &m).await, "membership")
        .into_iter()
        .find(|r| r["node_id"] == node(NJMU).as_str())
        .cloned()
        .unwrap();
    assert_eq!(ms["body"]["title"], "工会委员");
    assert!(ms["body"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["what"] == "title"));
}

async fn delegate_advise_and_hand_over(t: &TestApp) {
    let (p, _) = person(t, "13611110005", "周小雨", 5).await;
    let (sec, chen) = (t.login(ZHANG).await, t.login(CHEN).await);
    let req = submit_ok(t, &p, "join", join_form(NJMU, "企业职工")).await;
    let id = req["id"].as_str().unwrap().to_owned();
    // 陈思远 is not part of it yet: not even a hint that it exists.
    let (s, _) = t
        .call("GET", &format!("/api/v1/requests/{id}"), Some(&chen), None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    act_refused(
        t,
        &sec,
        &req,
        json!({"action": "delegate", "to": {"id": Uuid::now_v7(), "name": "无名"}}),
        "PersonUnknown",
    )
    .await;
    act_refused(
        t,
        &sec,
        &req,
        json!({"action": "delegate", "to": {"id": req["owner_id"], "name": "x"}}),
        "DelegateInvalid",
    )
    .await;
    let req = act_ok(
        t,
        &sec,
        &req,
        json!({"action": "delegate", "to": {"id": acc(CHEN), "name": "随便写"}, "comment": "请陈老师把关"}),
    )
    .await;
    let d = &req["body"]["steps"][0]["delegations"][0];
    assert_eq!(
        d["delegate"]["name"], "陈思远",
        "the server's name, not the client's"
    );
    let (s, _) = t
        .call("GET", &format!("/api/v1/requests/{id}"), Some(&chen), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(ids(&boxed(t, &chen, "box=todo").await).contains(&id));
    act_refused(t, &chen, &req, json!({"action": "approve"}), "NotYourStep").await;
    let req = act_ok(
        t,
        &chen,
        &req,
        json!({"action": "advise", "approve": true, "comment": "材料齐全"}),
    )
    .await;
    assert_eq!(
        req["body"]["steps"][0]["delegations"][0]["advice"]["approve"],
        true
    );
    assert!(ids(&boxed(t, &chen, "box=done").await).contains(&id));
    act_refused(
        t,
        &chen,
        &req,
        json!({"action": "advise", "approve": false}),
        "NotDelegate",
    )
    .await;
    let req = act_ok(t, &sec, &req, json!({"action": "approve"})).await;
    assert_eq!(req["body"]["state"], "approved");

    // Handing a step over: the new approver decides, the old one no longer can.
    let (p2, _) = person(t, "13611110006", "吴桐", 6).await;
    let req = submit_ok(t, &p2, "join", join_form(NJMU, "企业职工")).await;
    let (outsider, outsider_id) = person(t, "13611110007", "郑好", 7).await;
    act_refused(
        t,
        &sec,
        &req,
        json!({"action": "transfer", "to": {"id": outsider_id, "name": "郑好"}}),
        "TransferTargetInvalid",
    )
    .await;
    let _ = outsider;
    let req = act_ok(
        t,
        &sec,
        &req,
        json!({"action": "transfer", "to": {"id": acc(CHEN), "name": "陈思远"}}),
    )
    .await;
    assert_eq!(
        req["body"]["steps"][0]["approvers"][0]["id"],
        acc(CHEN).as_str()
    );
    act_refused(t, &sec, &req, json!({"action": "approve"}), "NotYourStep").await;
    // The one who handed it over still sees it (in the done box).
    assert!(
        ids(&boxed(t, &sec, "box=done").await).contains(&req["id"].as_str().unwrap().to_owned())
    );
    let req = act_ok(t, &chen, &req, json!({"action": "approve"})).await;
    assert_eq!(req["body"]["state"], "approved");
    // Comments reach everyone else taking part.
    let req = act_ok(
        t,
        &p2,
        &req,
        json!({"action": "comment", "text": "谢谢老师"}),
    )
    .await;
    assert_eq!(
        req["body"]["log"].as_array().unwrap().last().unwrap()["action"],
        "comment"
    );
}

async fn two_secretaries_deciding_at_once_get_a_conflict(t: &TestApp) {
    let (s2, s2_id) = person(t, "13611110008", "冯敏", 8).await;
    grant(t, &s2_id, "secretary", NJMU).await;
    let (p, _) = person(t, "13611110009", "蒋文", 9).await;
    let req = submit_ok(t, &p, "join", join_form(NJMU, "企业职工")).await;
    assert_eq!(
        req["body"]["steps"][0]["approvers"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let s1 = t.login(ZHANG).await;
    // Both decided on version 1, offline; the first to arrive wins.
    let a = item(&req, json!({"action": "approve"}));
    let b = item(&req, json!({"action": "reject", "reason": "资料不全"}));
    let r1 = act(t, &s1, vec![a]).await;
    assert_eq!(r1[0]["status"], "applied");
    let r2 = act(t, &s2, vec![b]).await;
    assert_eq!(r2[0]["status"], "conflict", "{}", r2[0]);
    assert_eq!(r2[0]["code"], "Conflict");
    // The reason names who got there first and what they did.
    let reason = r2[0]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("已由张靖于") && reason.contains("通过，您的操作未生效"),
        "{reason}"
    );
    assert_eq!(r2[0]["current"]["body"]["state"], "approved");
    assert_eq!(r2[0]["current"]["version"], 2);
    // A stale approve on a 或签 step someone already passed is a conflict too.
    let r3 = act(t, &s2, vec![item(&req, json!({"action": "approve"}))]).await;
    assert_eq!(r3[0]["status"], "conflict");
    // The same refusal on the current version is a plain rejection.
    let r4 = act(
        t,
        &s2,
        vec![item(&r1[0]["current"], json!({"action": "approve"}))],
    )
    .await;
    assert_eq!(
        (r4[0]["status"].as_str(), r4[0]["code"].as_str()),
        (Some("rejected"), Some("NotPending"))
    );
    let ms = of_kind(&pull_all(t, &p).await, "membership").len();
    assert_eq!(ms, 1, "approved once");
}

async fn racing_decisions_and_resends_apply_once(t: &TestApp) {
    let (s2, s2_id) = person(t, "13611110019", "卫东", 19).await;
    grant(t, &s2_id, "secretary", NJMU).await;
    let s1 = t.login(ZHANG).await;
    let (p, _) = person(t, "13611110020", "甘霖", 20).await;
    let req = submit_ok(t, &p, "join", join_form(NJMU, "企业职工")).await;
    // Eight decisions on the same version at once, from two secretaries.
    let calls = (0..8).map(|i| {
        let (token, action) = if i % 2 == 0 {
            (
                &s1,
                json!({"action": "approve", "bill": {"amount_fen": 100, "period": "2026"}}),
            )
        } else {
            (&s2, json!({"action": "reject", "reason": "重复申请"}))
        };
        act(t, token, vec![item(&req, action)])
    });
    let results = common::join_all(calls).await;
    let statuses: Vec<String> = results
        .iter()
        .map(|r| r[0]["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| *s == "applied").count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| s == "applied" || s == "conflict"),
        "{statuses:?}"
    );
    let mine = pull_all(t, &p).await;
    let state = of_kind(&mine, "request")[0]["body"]["state"]
        .as_str()
        .unwrap()
        .to_owned();
    let expected = usize::from(state == "approved");
    assert_eq!(of_kind(&mine, "membership").len(), expected, "{state}");
    assert_eq!(of_kind(&mine, "dues_order").len(), expected, "{state}");

    // One action sent four times at once: applied once, the rest duplicates.
    let (p2, _) = person(t, "13611110021", "池清", 21).await;
    let req = submit_ok(t, &p2, "join", join_form(NJMU, "企业职工")).await;
    let one = item(&req, json!({"action": "approve"}));
    let results = common::join_all((0..4).map(|_| act(t, &s1, vec![one.clone()]))).await;
    let mut statuses: Vec<&str> = results
        .iter()
        .map(|r| r[0]["status"].as_str().unwrap())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, ["applied", "duplicate", "duplicate", "duplicate"]);
    assert_eq!(of_kind(&pull_all(t, &p2).await, "membership").len(), 1);
}

async fn replayed_actions_are_duplicates_and_change_nothing(t: &TestApp) {
    let (p, _) = person(t, "13611110010", "韩梅", 10).await;
    let sec = t.login(ZHANG).await;
    let req = submit_ok(t, &p, "join", join_form(NJMU, "企业职工")).await;
    let approve = item(
        &req,
        json!({"action": "approve", "bill": {"amount_fen": 5000, "period": "2026"}}),
    );
    let first = act(t, &sec, vec![approve.clone()]).await;
    assert_eq!(first[0]["status"], "applied");
    let counts = (
        t.count("records").await,
        t.count("grants").await,
        t.count("request_actions").await,
    );
    // Sent again (a lost answer), and twice in one batch.
    let again = act(t, &sec, vec![approve.clone(), approve]).await;
    for r in &again {
        assert_eq!(r["status"], "duplicate", "{r}");
        assert_eq!(r["current"]["version"], first[0]["current"]["version"]);
    }
    assert_eq!(
        counts,
        (
            t.count("records").await,
            t.count("grants").await,
            t.count("request_actions").await
        )
    );
    assert_eq!(of_kind(&pull_all(t, &p).await, "dues_order").len(), 1);
}

async fn authorisation_matrix(t: &TestApp) {
    let (p, _) = person(t, "13611110011", "杨帆", 11).await;
    let req = submit_ok(t, &p, "join", join_form(NJMU, "企业职工")).await;
    let id = req["id"].as_str().unwrap().to_owned();
    let (li, chen, zhou) = (t.login(LI).await, t.login(CHEN).await, t.login(ZHOU).await);
    for other in [&li, &chen, &zhou] {
        // Not in a pull, not by id, not in any box, and no decision.
        assert!(!pull_all(t, other)
            .await
            .iter()
            .any(|r| r["id"] == id.as_str()));
        let (s, v) = t
            .call("GET", &format!("/api/v1/requests/{id}"), Some(other), None)
            .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("NotFound"))
        );
        for b in ["todo", "done", "sent"] {
            assert!(!ids(&boxed(t, other, &format!("box={b}")).await).contains(&id));
        }
        act_refused(t, other, &req, json!({"action": "approve"}), "NotFound").await;
        act_refused(
            t,
            other,
            &req,
            json!({"action": "comment", "text": "看看"}),
            "NotFound",
        )
        .await;
    }
    // An unknown request answers exactly like someone else's.
    let mut ghost = req.clone();
    ghost["id"] = json!(Uuid::now_v7());
    act_refused(t, &li, &ghost, json!({"action": "approve"}), "NotFound").await;
    // The applicant cannot approve their own request.
    act_refused(t, &p, &req, json!({"action": "approve"}), "NotYourStep").await;
    act_refused(
        t,
        &p,
        &req,
        json!({"action": "reject", "reason": "x"}),
        "NotYourStep",
    )
    .await;
    // The secretary of the unit sees and decides it.
    let sec = t.login(ZHANG).await;
    assert!(pull_all(t, &sec)
        .await
        .iter()
        .any(|r| r["id"] == id.as_str()));
    // A reviewer receives the requests with a step of theirs (a position request).
    let m = t.login(OUYANG).await;
    let pos = submit_ok(
        t,
        &m,
        "position",
        json!({"unit_id": node(NJMU), "position": "女工委员"}),
    )
    .await;
    let pid = pos["id"].as_str().unwrap().to_owned();
    let chen_pull = pull_all(t, &chen).await;
    assert!(chen_pull.iter().any(|r| r["id"] == pid.as_str()));
    assert!(!chen_pull.iter().any(|r| r["id"] == id.as_str()));
    let (s, _) = t
        .call("GET", &format!("/api/v1/requests/{pid}"), Some(&chen), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    // …but cannot decide before their step.
    act_refused(t, &chen, &pos, json!({"action": "approve"}), "NotYourStep").await;
    // Memberships: only the unit's secretaries manage them.
    let ms = of_kind(&pull_all(t, &m).await, "membership")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, _) = t
        .call(
            "POST",
            &format!("/api/v1/memberships/{ms}/renew"),
            Some(&li),
            Some(json!({"end_on": "2030-12-31"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t
        .call(
            "POST",
            &format!("/api/v1/memberships/{ms}/status"),
            Some(&m),
            Some(json!({"status": "current", "reason": "自己改"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn upload(t: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let req = Request::post(format!("/api/v1/attachments?name={name}"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/octet-stream")
        .body(Body::from(bytes))
        .unwrap();
    t.raw(req).await
}

async fn download(
    t: &TestApp,
    token: &str,
    id: &str,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let req = Request::get(format!("/api/v1/attachments/{id}"))
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let resp = t.router.clone().oneshot(req).await.unwrap();
    let (parts, body) = resp.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes().to_vec();
    (parts.status, parts.headers, bytes)
}

async fn attachments_are_typed_by_content_and_private(t: &TestApp) {
    let (p, _) = person(t, "13611110012", "林立", 12).await;
    let mut pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n".to_vec();
    pdf.extend(std::iter::repeat_n(b'x', 2000));
    let (s, a) = upload(
        t,
        &p,
        "%E5%85%A5%E4%BC%9A%E7%94%B3%E8%AF%B7%E4%B9%A6.pdf",
        pdf.clone(),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(a["mime"], "application/pdf");
    assert_eq!(a["name"], "入会申请书.pdf");
    assert_eq!(a["size"], pdf.len());
    let mut png_bytes = vec![0x89_u8, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    png_bytes.extend([0_u8; 64]);
    let (s, png) = upload(t, &p, "photo", png_bytes).await;
    assert_eq!(
        (s, png["mime"].as_str()),
        (StatusCode::CREATED, Some("image/png"))
    );

    // A program renamed to .pdf, an empty file, a file over 5 MiB.
    let (s, v) = upload(
        t,
        &p,
        "letter.pdf",
        b"MZ\x90\x00\x03\x00\x00\x00this program".to_vec(),
    )
    .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("AttachmentType"))
    );
    let (s, v) = upload(t, &p, "empty.pdf", Vec::new()).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("AttachmentEmpty"))
    );
    let mut big = b"%PDF-1.4".to_vec();
    big.resize(5 * 1024 * 1024 + 1, b'x');
    let (s, v) = upload(t, &p, "big.pdf", big).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("AttachmentTooLarge")),
        "{v}"
    );
    let mut max = b"%PDF-1.4".to_vec();
    max.resize(5 * 1024 * 1024, b'x');
    let (s, _) = upload(t, &p, "max.pdf", max).await;
    assert_eq!(s, StatusCode::CREATED, "exactly 5 MiB is allowed");

    let id = a["id"].as_str().unwrap();
    let (s, h, body) = download(t, &p, id).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h["content-type"], "application/pdf");
    let cd = h["content-disposition"].to_str().unwrap();
    assert!(cd.contains("filename*=UTF-8''%E5%85%A5"), "{cd}");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(body, pdf);

    // Nobody else, until a request lists it; then its participants only.
    let (sec, li) = (t.login(ZHANG).await, t.login(LI).await);
    assert_eq!(download(t, &sec, id).await.0, StatusCode::NOT_FOUND);
    let (s, v) = submit(
        t,
        &sec,
        "join",
        join_form(NJU, "企业职工"),
        json!({"attachments": [a]}),
    )
    .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("AttachmentNotFound")),
        "someone else's file"
    );
    let (s, req) = submit(t, &p, "join", join_form(NJMU, "企业职工"), json!({"attachments": [{"id": id, "name": "改过的名字.exe", "mime": "application/x-msdownload", "size": 1}]})).await;
    assert_eq!(s, StatusCode::CREATED, "{req}");
    let att = &req["body"]["attachments"][0];
    assert_eq!(
        (att["name"].as_str(), att["mime"].as_str()),
        (Some("入会申请书.pdf"), Some("application/pdf")),
        "the server's record of the file"
    );
    assert_eq!(download(t, &sec, id).await.0, StatusCode::OK);
    assert_eq!(download(t, &li, id).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        download(t, &li, &Uuid::now_v7().to_string()).await.0,
        StatusCode::NOT_FOUND
    );
}

/// An organisation registration's state by credit code or phone (no login).
async fn registration_status(t: &TestApp, q: &str) -> (StatusCode, Value) {
    let uri = format!("/api/v1/org-registrations/status?q={q}");
    t.call("GET", &uri, None, None).await
}

/// The organisation registration with this credit code in `token`'s to-do box.
async fn registration_to_review(t: &TestApp, token: &str, credit_code: &str) -> Value {
    boxed(t, token, "box=todo&kind=org_registration").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["body"]["form"]["credit_code"] == credit_code)
        .cloned()
        .unwrap()
}

async fn organisation_registration_review_login_and_profile(t: &TestApp) {
    let (s, v) = t
        .call("GET", "/api/v1/org-registrations/associations", None, None)
        .await;
    assert_eq!(s, StatusCode::OK);
    let assoc = v
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "江苏省互联网协会")
        .unwrap();
    assert!(assoc["levels"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l == "理事单位"));
    let aid = node("江苏省互联网协会");
    let form = |name: &str, cc: &str| {
        json!({"unit_name": name, "credit_code": cc, "legal_rep": "高建国", "legal_phone": "13951200001",
               "contact": "许晴", "contact_phone": "13951200002", "user_type": "理事单位"})
    };
    let register = |f: Value, agreed: bool| {
        t.call("POST", "/api/v1/org-registrations", None,
            Some(json!({"association_id": aid, "form": f, "password": DEMO_PASSWORD, "agreed": agreed})))
    };
    let cc = demo_credit_code(20);
    // Taken name, taken credit code: the seed's message.
    for f in [
        form("江苏测试网络科技有限公司", &cc),
        form("南京新创软件有限公司", &demo_credit_code(0)),
    ] {
        let (s, v) = register(f, true).await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        assert_eq!(v["code"], "OrgAlreadyRegistered");
        assert_eq!(v["message"], "该单位已经注册过，请使用统一社会信用代码登录");
    }
    let (s, v) = register(form("南京新创软件有限公司", &cc), false).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("NotAgreed"))
    );
    let mut bad = form("南京新创软件有限公司", &cc);
    bad["user_type"] = json!("金牌会员");
    assert_eq!(register(bad, true).await.1["code"], "UserTypeInvalid");
    let mut bad = form("南京新创软件有限公司", &cc);
    bad["credit_code"] = json!("91320100MA10000000");
    assert_eq!(register(bad, true).await.0, StatusCode::BAD_REQUEST);

    let (s, v) = register(form("南京新创软件有限公司", &cc.to_lowercase()), true).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["state"], "submitted");
    assert_eq!(v["credit_code"], cc.as_str());
    assert_eq!(v["contact_masked"], "许* 139****0002");
    let (s, v) = register(form("南京新创软件有限公司", &cc), true).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("OrgAlreadyRegistered"))
    );

    // Status by credit code, by either phone; unknown is 404.
    for q in [cc.clone(), "13951200002".into(), "139 5120 0001".into()] {
        let (s, v) = registration_status(t, &q.replace(' ', "%20")).await;
        assert_eq!(s, StatusCode::OK, "{q}: {v}");
        assert_eq!(v["unit_name"], "南京新创软件有限公司");
        assert_eq!(v["association_name"], "江苏省互联网协会");
        assert_eq!(v["state_label"], "审核中");
    }
    let (s, v) = registration_status(t, "13000000000").await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("OrgNotFound"))
    );
    assert_eq!(v["message"], "未查询到注册信息");

    let (s, v) = t.org_login(&cc).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("AccountPendingReview"))
    );

    // The association's secretary approves.
    let zhou = t.login(ZHOU).await;
    let req = registration_to_review(t, &zhou, &cc).await;
    assert_eq!(req["body"]["applicant"]["name"], "南京新创软件有限公司");
    assert!(req["body"]["form"].get("password").is_none());
    let req = act_ok(t, &zhou, &req, json!({"action": "approve"})).await;
    assert_eq!(req["body"]["state"], "approved");
    let (_, v) = registration_status(t, &cc).await;
    assert_eq!(v["state"], "approved");
    // The organisation hears of it on its contact's phone.
    let sms = t.sms_to("13951200002", "已审核通过").await;
    assert!(
        sms.iter().any(|m| m.contains("单位注册已审核通过")),
        "{sms:?}"
    );

    let (s, v) = t.org_login(&cc).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["account"]["needs_profile"], true);
    let org = v["token"].as_str().unwrap().to_owned();
    assert!(has_grant(&v["account"], "member", "江苏省互联网协会"));
    let (s, _) = t.call("GET", "/api/v1/org/profile", Some(&org), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let mut profile = json!({"unit_status": "存续", "unit_nature": "民营企业", "industry": "软件和信息技术服务业",
        "scale": "20-99人", "region": "江苏省 南京市", "address": "南京市雨花台区软件大道101号", "postcode": "21001"});
    let (s, v) = t
        .call(
            "PUT",
            "/api/v1/org/profile",
            Some(&org),
            Some(profile.clone()),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("PostcodeInvalid"))
    );
    profile["postcode"] = json!("210012");
    let (s, v) = t
        .call(
            "PUT",
            "/api/v1/org/profile",
            Some(&org),
            Some(profile.clone()),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["needs_profile"], false);
    let (s, v) = t.call("GET", "/api/v1/org/profile", Some(&org), None).await;
    assert_eq!(
        (s, v["postcode"].as_str()),
        (StatusCode::OK, Some("210012"))
    );
    assert_eq!(t.me(&org).await["needs_profile"], false);
    // A person has no organisation profile to fill in.
    let (s, v) = t
        .call("PUT", "/api/v1/org/profile", Some(&zhou), Some(profile))
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("NotAnOrganisation"))
    );
    // The association's roster and the organisation's membership.
    let mine = pull_all(t, &org).await;
    let ms = of_kind(&mine, "membership");
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0]["body"]["level"], "理事单位");
    let roster = of_kind(&mine, "member");
    assert_eq!(roster[0]["body"]["credit_code"], cc.as_str());

    // A rejected registration cannot log in.
    let cc2 = demo_credit_code(21);
    let (s, _) = register(form("苏州晨星数据有限公司", &cc2), true).await;
    assert_eq!(s, StatusCode::CREATED);
    let req = registration_to_review(t, &zhou, &cc2).await;
    act_ok(
        t,
        &zhou,
        &req,
        json!({"action": "reject", "reason": "营业执照信息与填报不一致"}),
    )
    .await;
    let (_, v) = registration_status(t, &cc2).await;
    assert_eq!(v["state"], "rejected");
    assert_eq!(v["reason"], "营业执照信息与填报不一致");
    let (s, v) = t.org_login(&cc2).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("AccountRejected"))
    );
    // …but may register again, corrected: a new request, in review again.
    let (s, v) = register(form("苏州晨星数据有限公司", &cc2), true).await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::CREATED, Some("submitted")),
        "{v}"
    );
    let (s, v) = t.org_login(&cc2).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("AccountPendingReview"))
    );

    // Sent back: registering again resubmits the same request with the new form.
    let cc3 = demo_credit_code(22);
    register(form("无锡远望物联有限公司", &cc3), true).await;
    let req = registration_to_review(t, &zhou, &cc3).await;
    act_ok(
        t,
        &zhou,
        &req,
        json!({"action": "send_back", "reason": "联系人手机号有误"}),
    )
    .await;
    let (_, v) = registration_status(t, &cc3).await;
    assert_eq!(
        (v["state"].as_str(), v["reason"].as_str()),
        (Some("returned"), Some("联系人手机号有误"))
    );
    let mut fixed = form("无锡远望物联有限公司", &cc3);
    fixed["contact_phone"] = json!("13951200009");
    let (s, v) = register(fixed, true).await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::CREATED, Some("submitted")),
        "{v}"
    );
    let (s, again) = t
        .call(
            "GET",
            &format!("/api/v1/requests/{}", req["id"].as_str().unwrap()),
            Some(&zhou),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(again["body"]["form"]["contact_phone"], "13951200009");
    assert_eq!(
        again["body"]["log"].as_array().unwrap().last().unwrap()["action"],
        "resubmit"
    );
    // Someone else's name with this code is still refused.
    let (s, _) = register(form("江苏测试网络科技有限公司", &cc3), true).await;
    assert_eq!(s, StatusCode::CONFLICT);
}

fn set_today(t: &TestApp, date: &str) {
    let target = start_ms_cst(parse_date(date).unwrap()) + 10 * 3_600_000;
    t.clock.advance_ms(target - t.state.now());
}

async fn refresh(t: &TestApp) -> usize {
    let today = today_cst(t.state.now()).to_string();
    huiji_server::workflow::refresh_memberships(&t.state, &today)
        .await
        .unwrap()
}

async fn membership_body(t: &TestApp, id: &str) -> Value {
    use sqlx::Row;
    let body: String = sqlx::query("SELECT body FROM records WHERE id = $1")
        .bind(id)
        .fetch_one(&t.state.db.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    serde_json::from_str(&body).unwrap()
}

/// `POST /memberships/{id}/status` or `…/renew` as `token`.
async fn membership_act(
    t: &TestApp,
    token: &str,
    id: &str,
    act: &str,
    body: Value,
) -> (StatusCode, Value) {
    let uri = format!("/api/v1/memberships/{id}/{act}");
    t.call("POST", &uri, Some(token), Some(body)).await
}

async fn membership_status_job_override_and_renewal(t: &TestApp) {
    let (p, _) = person(t, "13611110013", "曹静", 13).await;
    let sec = t.login(ZHANG).await;
    let y: i32 = year(t).parse().unwrap();
    let req = submit_ok(t, &p, "join", join_form(NJMU, "企业职工")).await;
    act_ok(
        t,
        &sec,
        &req,
        json!({"action": "approve", "bill": {"amount_fen": 6000, "period": y.to_string()}}),
    )
    .await;
    let m = of_kind(&pull_all(t, &p).await, "membership")[0].clone();
    let mid = m["id"].as_str().unwrap().to_owned();
    assert_eq!(m["body"]["status"], "current");
    assert_eq!(refresh(t).await, 0, "nothing changes the same day");
    let ouyang = demo_id("membership:13800000001").to_string();

    // Tokens last a day: everyone logs in again after the clock moves.
    set_today(t, &format!("{}-01-10", y + 1));
    assert!(refresh(t).await >= 2);
    let m = membership_body(t, &mid).await;
    assert_eq!(m["status"], "grace");
    assert_eq!(
        m["history"].as_array().unwrap().last().unwrap()["what"],
        "status"
    );
    assert_eq!(membership_body(t, &ouyang).await["status"], "grace");
    set_today(t, &format!("{}-02-15", y + 1));
    refresh(t).await;
    assert_eq!(membership_body(t, &mid).await["status"], "expired");
    assert_eq!(membership_body(t, &ouyang).await["status"], "expired");
    // The member's device hears of it by sync.
    let member = t.login(OUYANG).await;
    let pulled = of_kind(&pull_all(t, &member).await, "membership")[0].clone();
    assert_eq!(pulled["body"]["status"], "expired");

    // A manual override, with a reason, wins over the dates until cleared.
    let sec = t.login(ZHANG).await;
    for (body, code) in [
        (
            json!({"status": "current", "reason": " "}),
            "ReasonRequired",
        ),
        (
            json!({"status": "ended", "reason": "退会"}),
            "OverrideInvalid",
        ),
    ] {
        let (s, v) = membership_act(t, &sec, &mid, "status", body).await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some(code))
        );
    }
    let (s, v) = membership_act(
        t,
        &sec,
        &mid,
        "status",
        json!({"status": "current", "reason": "会费已线下缴纳，待财务确认"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["body"]["status"], "current");
    assert_eq!(v["body"]["override_status"]["by"]["name"], "张靖");
    set_today(t, &format!("{}-03-20", y + 1));
    refresh(t).await;
    assert_eq!(
        membership_body(t, &mid).await["status"],
        "current",
        "the override wins"
    );
    let sec = t.login(ZHANG).await;
    let (s, v) = membership_act(
        t,
        &sec,
        &mid,
        "status",
        json!({"status": null, "reason": "财务已确认未缴费"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["body"]["status"], "expired");
    assert!(v["body"]["override_status"].is_null());

    // Renewal: a new end date after the old one.
    for (body, code) in [
        (json!({"end_on": format!("{y}-06-30")}), "DateOrder"),
        (json!({"end_on": "明年"}), "DateInvalid"),
    ] {
        let (s, v) = membership_act(t, &sec, &mid, "renew", body).await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some(code))
        );
    }
    let (s, v) = membership_act(
        t,
        &sec,
        &mid,
        "renew",
        json!({"end_on": format!("{}-12-31", y + 1)}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["body"]["status"], "current");
    assert!(v["body"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["what"] == "renewed"));
    assert_eq!(refresh(t).await, 0);
    let (s, _) = membership_act(
        t,
        &sec,
        &Uuid::now_v7().to_string(),
        "renew",
        json!({"end_on": "2030-12-31"}),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn the_same_submission_twice_is_stored_once(t: &TestApp) {
    let (p, _) = person(t, "13611110014", "彭洁", 14).await;
    let body = json!({"id": Uuid::now_v7(), "kind": "join", "form": join_form(NJMU, "企业职工")});
    let (s1, v1) = t
        .call("POST", "/api/v1/requests", Some(&p), Some(body.clone()))
        .await;
    assert_eq!(s1, StatusCode::CREATED, "{v1}");
    let records = t.count("records").await;
    let (s2, v2) = t
        .call("POST", "/api/v1/requests", Some(&p), Some(body.clone()))
        .await;
    assert_eq!(s2, StatusCode::OK, "{v2}");
    assert_eq!(v1, v2);
    assert_eq!(t.count("records").await, records);
    // The same id with another form, or from someone else, is refused.
    let mut other = body.clone();
    other["form"]["category"] = json!("灵活就业人员");
    let (s, v) = t
        .call("POST", "/api/v1/requests", Some(&p), Some(other))
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("RequestIdTaken"))
    );
    let (q, _) = person(t, "13611110015", "邓超", 15).await;
    let (s, _) = t
        .call("POST", "/api/v1/requests", Some(&q), Some(body))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
}

async fn submission_preconditions(t: &TestApp) {
    // No real name yet.
    let code = t.send_code("13611110016").await;
    let (_, v) = t.sms_login("13611110016", &code).await;
    let anon = v["token"].as_str().unwrap().to_owned();
    let (s, v) = submit(t, &anon, "join", join_form(NJMU, "企业职工"), json!({})).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("ProfileNeeded"))
    );

    let (p, _) = person(t, "13611110017", "袁野", 17).await;
    for (form, code) in [
        (
            json!({"category": "学生", "unit_id": node(NJMU), "agreed": true}),
            "CategoryInvalid",
        ),
        (
            json!({"category": "企业职工", "unit_id": node(NJMU), "agreed": false}),
            "NotAgreed",
        ),
        (
            json!({"category": "企业职工", "unit_id": node(NJMU), "agreed": true, "extra": 1}),
            "FormInvalid",
        ),
        (
            json!({"category": "企业职工", "unit_id": Uuid::now_v7(), "agreed": true}),
            "UnknownNode",
        ),
        (
            json!({"category": "企业职工", "unit_id": node("口前镇检查站"), "agreed": true}),
            "NotAUnit",
        ),
        (
            json!({"category": "企业职工", "unit_id": node(NJMU), "agreed": true, "referrer_name": "张三"}),
            "ReferrerIncomplete",
        ),
    ] {
        let (s, v) = submit(t, &p, "join", form, json!({})).await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some(code)),
            "{v}"
        );
    }
    // A wrong SMS code is the form's mistake (400, not a lost login) and stores nothing.
    verify_code(t, &p).await;
    let (s, v) = submit(
        t,
        &p,
        "join",
        join_form(NJMU, "企业职工"),
        json!({"sms_code": "000000"}),
    )
    .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("SmsCodeWrong")),
        "{v}"
    );
    // Without a code: stored, marked unverified (made offline).
    let req = submit_ok(t, &p, "join", join_form(NJMU, "企业职工")).await;
    assert_eq!(req["body"]["sms_verified"], false);
    let (s, v) = submit(t, &p, "join", join_form(NJMU, "企业职工"), json!({})).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("RequestPending"))
    );
    // Transfer, position, withdrawal need a membership.
    let (s, v) = submit(
        t,
        &p,
        "transfer",
        json!({"category": "企业职工", "to_unit_id": node(NJU), "agreed": true}),
        json!({}),
    )
    .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("NoMembershipToTransfer"))
    );
    let (s, v) = submit(
        t,
        &p,
        "withdrawal",
        json!({"unit_id": node(NJMU), "reason": "退休"}),
        json!({}),
    )
    .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("NotMember"))
    );
    let m = t.login(OUYANG).await;
    let (s, v) = submit(
        t,
        &m,
        "transfer",
        json!({"category": "企业职工", "to_unit_id": node(NJMU), "agreed": true}),
        json!({}),
    )
    .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("SameUnit"))
    );
    let (s, v) = submit(t, &m, "org_registration", json!({}), json!({})).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("UseOrgRegistration"))
    );
    // A withdrawal approved ends the membership and takes the member off the roster.
    let sec = t.login(ZHANG).await;
    let before = roster_total(t, &sec, NJMU).await;
    let w = submit_ok(
        t,
        &m,
        "withdrawal",
        json!({"unit_id": node(NJMU), "reason": "调离本单位"}),
    )
    .await;
    act_ok(t, &sec, &w, json!({"action": "approve"})).await;
    assert_eq!(roster_total(t, &sec, NJMU).await, before - 1);
    let ms = of_kind(&pull_all(t, &m).await, "membership")[0].clone();
    assert_eq!(ms["body"]["status"], "ended");
    assert!(!has_grant(&t.me(&m).await, "member", NJMU));
}

async fn demo_gives_every_secretary_a_todo_list(t: &TestApp) {
    let zhang = t.login(ZHANG).await;
    let todo = boxed(t, &zhang, "box=todo").await;
    let names: Vec<&str> = todo["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["body"]["applicant"]["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"李春燕") && names.contains(&"陈浩然"),
        "{names:?}"
    );
    assert_eq!(todo["counts"]["todo"], 2);
    let verified: Vec<bool> = todo["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["body"]["sms_verified"].as_bool().unwrap())
        .collect();
    assert!(verified.contains(&true) && verified.contains(&false));
    // 李明华 decides 黄思琪's transfer first; then it reaches 张靖.
    let li = t.login(LI).await;
    let todo = boxed(t, &li, "box=todo&kind=transfer").await;
    assert_eq!(todo["total"], 1);
    let tr = todo["items"][0].clone();
    act_ok(t, &li, &tr, json!({"action": "approve"})).await;
    assert_eq!(boxed(t, &zhang, "box=todo").await["counts"]["todo"], 3);
    // 周文斌 has the organisation in review; its status can be looked up.
    let zhou = t.login(ZHOU).await;
    assert_eq!(
        boxed(t, &zhou, "box=todo&kind=org_registration").await["total"],
        1
    );
    let (s, v) = registration_status(t, &demo_credit_code(2)).await;
    assert_eq!(
        (s, v["unit_name"].as_str()),
        (StatusCode::OK, Some("苏州数联科技有限公司"))
    );
    // The member's membership and the service hall arrive by sync.
    let m = pull_all(t, &t.login(OUYANG).await).await;
    let ms = of_kind(&m, "membership");
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0]["body"]["status"], "current");
    let services: Vec<&str> = of_kind(&m, "service")
        .iter()
        .map(|s| s["body"]["name"].as_str().unwrap())
        .collect();
    assert!(
        services.contains(&"网站变更申请") && services.len() >= 3,
        "{services:?}"
    );
    // Demo organisations have their profiles.
    let (_, v) = t.org_login(&demo_credit_code(0)).await;
    assert_eq!(v["account"]["needs_profile"], false);
}

async fn services_are_data_with_their_own_steps(t: &TestApp) {
    let qian = t.login("13900000010").await;
    let def = json!({"name": "校园卡补办申请", "description": "", "fields": [
        {"key": "card_no", "label": "原卡号", "type": "text", "required": true},
        {"key": "reason", "label": "补办原因", "type": "choice", "required": true, "options": ["遗失", "损坏"]}],
        "steps": [{"title": "校办审批", "mode": "any", "role": "secretary", "node_id": node("西安文理学院")}]});
    let body = json!({"node_id": node("西安文理学院"), "service": def});
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/services",
            Some(&t.login(ZHANG).await),
            Some(body.clone()),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let mut bad = body.clone();
    bad["service"]["steps"][0]["node_id"] = json!(node(NJMU));
    let (s, v) = t
        .call("POST", "/api/v1/services", Some(&qian), Some(bad))
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("ServiceInvalid"))
    );
    let mut bad = body.clone();
    bad["service"]["fields"] = json!([]);
    let (s, v) = t
        .call("POST", "/api/v1/services", Some(&qian), Some(bad))
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("ServiceInvalid"))
    );
    let (s, v) = t
        .call("POST", "/api/v1/services", Some(&qian), Some(body.clone()))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["kind"], "service");
    let mut edit = body;
    edit["id"] = v["id"].clone();
    edit["service"]["description"] = json!("遗失或损坏后补办");
    let (s, v2) = t
        .call("POST", "/api/v1/services", Some(&qian), Some(edit))
        .await;
    assert_eq!((s, v2["version"].as_i64()), (StatusCode::OK, Some(2)));

    // 网站变更申请 (seed 003): reviewer first, then the information centre.
    let (p, _) = person(t, "13611110018", "白露", 18).await;
    let svc = node_service("网站变更申请");
    let values = json!({"department": "图书馆", "site_name": "图书馆主页", "site_url": "https://lib.xawl.edu.cn",
        "change_type": "栏目调整", "detail": "新增“数字资源”栏目", "contact_phone": "13611110018"});
    let (s, v) = submit(
        t,
        &p,
        "service",
        json!({"service_id": svc, "values": {"department": "图书馆"}}),
        json!({}),
    )
    .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("FieldRequired"))
    );
    let mut wrong = values.clone();
    wrong["site_url"] = json!("lib.xawl.edu.cn");
    let (_, v) = submit(
        t,
        &p,
        "service",
        json!({"service_id": svc, "values": wrong}),
        json!({}),
    )
    .await;
    assert_eq!(v["code"], "UrlInvalid");
    let (_, v) = submit(
        t,
        &p,
        "service",
        json!({"service_id": Uuid::now_v7(), "values": values}),
        json!({}),
    )
    .await;
    assert_eq!(v["code"], "ServiceNotFound");
    let req = submit_ok(
        t,
        &p,
        "service",
        json!({"service_id": svc, "values": values}),
    )
    .await;
    assert_eq!(req["body"]["title"], "网站变更申请 · 西安文理学院");
    let steps = req["body"]["steps"].as_array().unwrap();
    assert_eq!(
        steps[0]["approvers"].as_array().unwrap().len(),
        2,
        "both reviewers (或签)"
    );
    assert_eq!(
        steps[1]["approvers"][0]["id"],
        acc("13900000010").as_str(),
        "walks up to 西安文理学院"
    );
    let zheng = t.login("13900000009").await;
    let req = act_ok(t, &zheng, &req, json!({"action": "approve"})).await;
    assert_eq!(req["body"]["current"], 1);
    let req = act_ok(
        t,
        &qian,
        &req,
        json!({"action": "approve", "comment": "已调整"}),
    )
    .await;
    assert_eq!(req["body"]["state"], "approved");
    // Billing is for joins only.
    let req = submit_ok(t, &p, "service", json!({"service_id": node_service("会议室借用申请"),
        "values": {"room": "图书馆报告厅", "use_on": "2026-12-01", "period": "上午", "topic": "读书分享会", "attendees": "80", "contact_phone": "13611110018"}})).await;
    act_refused(
        t,
        &qian,
        &req,
        json!({"action": "approve", "bill": {"amount_fen": 100, "period": "2026"}}),
        "BillNotAllowed",
    )
    .await;
    // Nobody decides their own request: 钱文静, the only secretary there, books a room
    // and the step goes up (to the system admin, 西安文理学院 being a root).
    let own = submit_ok(t, &qian, "service", json!({"service_id": node_service("会议室借用申请"),
        "values": {"room": "行政楼第一会议室", "use_on": "2026-12-02", "period": "下午", "topic": "信息化工作会", "attendees": "20", "contact_phone": "13900000010"}})).await;
    let approvers = own["body"]["steps"][0]["approvers"].as_array().unwrap();
    assert_eq!(approvers.len(), 1);
    assert_eq!(approvers[0]["id"], acc("13900000000").as_str());
}

fn node_service(name: &str) -> String {
    demo_id(&format!("service:{name}")).to_string()
}

async fn no_5xx_on_the_workflow_endpoints(t: &TestApp) {
    let token = t.login(ZHANG).await;
    let zero = "00000000-0000-0000-0000-000000000000";
    let bodies = [
        "".to_owned(), "null".into(), "[]".into(), "{}".into(), "{{{".into(), "\"x\"".into(),
        json!({"id": zero, "kind": "join", "form": null}).to_string(),
        json!({"id": zero, "kind": "join", "form": {"category": "企业职工", "unit_id": zero, "agreed": true}, "attachments": [{"id": zero}]}).to_string(),
        json!({"id": zero, "kind": "service", "form": {"service_id": zero, "values": {"a": "b"}}}).to_string(),
        json!({"id": zero, "kind": "transfer", "form": {"category": "企业职工", "to_unit_id": node(NJU), "agreed": true}, "sms_code": "' OR 1=1"}).to_string(),
        json!({"actions": [{"action_id": zero, "request_id": zero, "base_version": -1, "step": 4_000_000_000u64, "action": {"action": "approve"}}]}).to_string(),
        json!({"actions": [{"action_id": zero, "request_id": demo_id("request:join:13700000001"), "base_version": 1, "step": 0, "action": {"action": "fly"}}]}).to_string(),
        json!({"actions": [{"action_id": Uuid::now_v7(), "request_id": demo_id("request:join:13700000001"), "base_version": 99, "step": 7, "action": {"action": "delegate", "to": {"id": zero, "name": ""}}}]}).to_string(),
        json!({"actions": [{"action_id": Uuid::now_v7(), "request_id": demo_id("request:join:13700000001"), "base_version": 1, "step": 0, "action": {"action": "resubmit", "form": []}}]}).to_string(),
        json!({"status": "weird", "reason": ""}).to_string(),
        json!({"status": null, "reason": "x".repeat(600)}).to_string(),
        json!({"end_on": "9999-99-99"}).to_string(),
        json!({"association_id": zero, "form": {}, "password": "", "agreed": true}).to_string(),
        json!({"association_id": node("江苏省互联网协会"), "form": {"unit_name": "😀", "credit_code": "%", "legal_rep": "", "legal_phone": "", "contact": "", "contact_phone": "", "user_type": ""}, "password": "x", "agreed": true}).to_string(),
        json!({"node_id": zero, "service": {"name": "", "fields": [], "steps": []}}).to_string(),
        json!({"unit_status": "存续"}).to_string(),
    ];
    let paths = [
        ("POST", "/api/v1/requests".to_owned()),
        ("POST", "/api/v1/requests/actions".to_owned()),
        (
            "GET",
            "/api/v1/requests?box=nope&kind=x&state=y&page=0&page_size=0".to_owned(),
        ),
        (
            "GET",
            "/api/v1/requests?page=4294967295&page_size=4294967295".to_owned(),
        ),
        ("GET", "/api/v1/requests/x".to_owned()),
        ("GET", format!("/api/v1/requests/{zero}")),
        ("POST", "/api/v1/attachments?name=%00%2F..%2F..".to_owned()),
        ("GET", "/api/v1/attachments/..".to_owned()),
        ("POST", "/api/v1/sms/verify-code".to_owned()),
        ("POST", format!("/api/v1/memberships/{zero}/status")),
        (
            "POST",
            format!(
                "/api/v1/memberships/{}/status",
                demo_id("membership:13800000001")
            ),
        ),
        (
            "POST",
            format!(
                "/api/v1/memberships/{}/renew",
                demo_id("membership:13800000001")
            ),
        ),
        ("POST", "/api/v1/services".to_owned()),
        ("POST", "/api/v1/org-registrations".to_owned()),
        (
            "GET",
            "/api/v1/org-registrations/status?q=%25%27".to_owned(),
        ),
        ("GET", "/api/v1/org-registrations/status".to_owned()),
        ("GET", "/api/v1/org-registrations/associations".to_owned()),
        ("PUT", "/api/v1/org/profile".to_owned()),
        ("GET", "/api/v1/org/profile".to_owned()),
    ];
    for (method, path) in &paths {
        for body in &bodies {
            for auth in [None, Some(token.as_str())] {
                let mut b = Request::builder()
                    .method(*method)
                    .uri(path)
                    .header("content-type", "application/json");
                if let Some(a) = auth {
                    b = b.header("authorization", format!("Bearer {a}"));
                }
                let (s, v) = t.raw(b.body(Body::from(body.clone())).unwrap()).await;
                assert!(s.as_u16() < 500, "{method} {path} {body}: {s} {v}");
                if s.is_client_error() {
                    assert!(v["code"].is_string(), "{method} {path} {body}: {s} {v}");
                }
            }
        }
    }
    // Every new endpoint is in the OpenAPI document, with its security where not public.
    let (_, doc) = t.call("GET", "/api/v1/openapi.json", None, None).await;
    for (path, method) in [
        ("/api/v1/requests", "post"),
        ("/api/v1/requests", "get"),
        ("/api/v1/requests/actions", "post"),
        ("/api/v1/requests/{id}", "get"),
        ("/api/v1/attachments", "post"),
        ("/api/v1/attachments/{id}", "get"),
        ("/api/v1/sms/verify-code", "post"),
        ("/api/v1/memberships/{id}/status", "post"),
        ("/api/v1/memberships/{id}/renew", "post"),
        ("/api/v1/services", "post"),
        ("/api/v1/org/profile", "put"),
        ("/api/v1/org/profile", "get"),
    ] {
        let op = &doc["paths"][path][method];
        assert!(op.get("security").is_some(), "{method} {path}: {op}");
    }
    for path in [
        "/api/v1/org-registrations",
        "/api/v1/org-registrations/status",
        "/api/v1/org-registrations/associations",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path}");
    }
    assert!(doc["paths"]["/api/v1/requests"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "box"));
}
