//! Approvals on the device: the three lists, a request's detail, submitting and
//! deciding — offline too. A submission or decision is checked here with the domain's
//! rules first (an instant Chinese error), then kept in the workflow outbox under the
//! id the server dedupes on and sent at once when the server answers, else at the next
//! sync (before the pull, so the results come down with it). The pulled request rows
//! are never changed here: what is ours and unsent shows as the row's local status.

mod candidates;
pub(crate) mod list;
pub(crate) mod queue;
pub mod views;

use huiji_domain::sync::RecordKind;
use huiji_domain::wire::{
    ActionBatch, ActionBatchResponse, ActionItem, OpStatus, Record, SubmitRequest,
};
use huiji_domain::workflow::{
    self, Action, Attachment, LogEntry, Person, RequestBody, RequestKind, RequestState, ServiceDef,
    ServiceForm,
};
use huiji_domain::DomainError;
use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

use self::queue::{Entry, EntryOp, NewEntry, Settle};
use self::views::*;
use super::core::{app_error, not_logged_in, AppCore};
use super::views::SessionView;
use crate::error::{Error, Result};

pub use self::list::request_page;

pub const ACTION_INVALID: DomainError =
    DomainError::new("ActionInvalid", "操作内容不正确", "The action is not valid");
pub const ACTION_QUEUED: DomainError = DomainError::new(
    "ActionQueued",
    "您对该申请的上一次操作尚未同步，请联网同步后再操作",
    "Your last action on this request has not been sent yet; sync first",
);
pub const USE_ORG_REGISTER: DomainError = DomainError::new(
    "UseOrgRegister",
    "单位注册请在登录页的“单位注册”中办理",
    "Register an organisation from the login page",
);
pub const SERVICE_UNKNOWN: DomainError = DomainError::new(
    "ServiceUnknown",
    "该服务不存在或尚未同步到本机",
    "This service is unknown on this device",
);

/// Actions per request to `/api/v1/requests/actions`.
const ACTION_BATCH: usize = 100;

/// The caller as a request names them.
pub(crate) fn person_of(session: &SessionView) -> Person {
    let a = &session.account;
    Person {
        id: a.id,
        name: a
            .real_name
            .clone()
            .or_else(|| a.org_name.clone())
            .unwrap_or_default(),
    }
}

pub use huiji_domain::workflow::{action_label, short_time_cst};

/// Who acted last on a request, and the sentence that says so ("已由张靖于11月22日
/// 10:30通过"). Used for a decision of ours that was overtaken: the last act is someone
/// else's — or ours, made on another device.
pub(crate) fn decided_by(b: &RequestBody) -> (Option<String>, String) {
    b.last_act()
}

fn bad_id(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| Error::Server {
        status: 400,
        code: "BadId".into(),
        message: "编号格式不正确".into(),
    })
}

/// The server said no for good (a retry would answer the same); 401 is a login to
/// renew, 408/429 a later try.
fn refused(e: &Error) -> bool {
    matches!(e, Error::Server { status, .. }
        if (400..500).contains(status) && !matches!(status, 401 | 408 | 429))
}

fn request_record(c: &Connection, id: &str) -> Result<Option<(i64, RequestBody)>> {
    let row: Option<(i64, String)> = c
        .prepare_cached(
            "SELECT version, body FROM records WHERE id = ?1 AND kind = 'request' AND deleted = 0",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        Some((v, body)) => Ok(Some((v, serde_json::from_str(&body)?))),
        None => Ok(None),
    }
}

pub(crate) fn node_name(c: &Connection, id: Uuid) -> Result<Option<String>> {
    Ok(c.prepare_cached(
        "SELECT json_extract(body, '$.name') FROM records WHERE id = ?1 AND kind = 'org_node' \
         AND deleted = 0",
    )?
    .query_row([id.to_string()], |r| r.get(0))
    .optional()?
    .flatten())
}

fn issue_of(e: &Entry) -> WorkflowIssue {
    let conflict = e.state == "conflict";
    let current: Option<RequestBody> = e
        .current
        .as_deref()
        .and_then(|s| serde_json::from_str::<Record>(s).ok())
        .and_then(|r| serde_json::from_value(r.body).ok());
    let (who, sentence) = match (&current, conflict) {
        (Some(b), true) => {
            let (who, s) = decided_by(b);
            (who, Some(s))
        }
        (None, true) => (None, Some("该申请已被他人处理".to_owned())),
        _ => (None, e.reason.clone()),
    };
    WorkflowIssue {
        id: e.id.clone(),
        request_id: e.request_id.clone(),
        title: e.title.clone(),
        what: e.what.clone(),
        status: if conflict {
            IssueStatus::Conflict
        } else {
            IssueStatus::Rejected
        },
        code: e.code.clone(),
        reason: sentence,
        current_state_label: current.map(|b| b.state.label_zh().to_owned()),
        decided_by: who,
    }
}

impl AppCore {
    fn me(&self) -> Result<(SessionView, Person)> {
        let s = self.session()?.ok_or_else(not_logged_in)?;
        let p = person_of(&s);
        Ok((s, p))
    }

    /// One page of a box (我发出的 / 待办 / 已办), with the three counts.
    pub fn requests_list(&self, query: &RequestQuery) -> Result<RequestPage> {
        let (_, me) = self.me()?;
        request_page(self.store(), me.id, query)
    }

    pub fn request_counts(&self) -> Result<RequestCounts> {
        let (_, me) = self.me()?;
        self.store().ensure_request_index()?;
        self.store().with_conn(|c| list::counts(c, me.id))
    }

    /// The people the caller may hand the request's current step to (委托 / 转交),
    /// whose name contains `text`.
    pub fn delegation_candidates(
        &self,
        request_id: &str,
        text: &str,
    ) -> Result<Vec<DelegateCandidate>> {
        let (session, _) = self.me()?;
        let rid = bad_id(request_id)?.to_string();
        self.store().with_conn(|c| {
            let (_, body) = request_record(c, &rid)?.ok_or(Error::NotFound)?;
            candidates::candidates(c, &session.account, &body, text)
        })
    }

    pub fn request_detail(&self, id: &str) -> Result<RequestDetail> {
        let (_, me) = self.me()?;
        let rid = bad_id(id)?.to_string();
        let me_s = me.id.to_string();
        self.store().with_conn(|c| {
            let latest = list::latest_entry(c, &rid, &me_s)?;
            let queued = queue::has_queued(c, &rid, me.id)?;
            let (version, body) = match request_record(c, &rid)? {
                Some(found) => found,
                None => match queue::submission(c, &rid)? {
                    Some((provisional, _)) => (0, serde_json::from_str(&provisional)?),
                    None => return Err(Error::NotFound),
                },
            };
            let allowed = if queued || version == 0 {
                Vec::new()
            } else {
                workflow::allowed_actions(&body, me.id)
                    .into_iter()
                    .map(str::to_owned)
                    .collect()
            };
            let (local, local_code, local_reason) = match latest {
                None => (LocalStatus::Synced, None, None),
                Some((state, code, reason)) => {
                    let local = list::local_status(&state);
                    let reason = if local == LocalStatus::Conflict {
                        Some(decided_by(&body).1)
                    } else {
                        reason
                    };
                    (local, code, reason)
                }
            };
            Ok(RequestDetail {
                id: rid.clone(),
                version,
                body,
                allowed,
                local,
                local_code,
                local_reason,
            })
        })
    }

    /// Checks a form with the kind's rules; returns the node the request is about and
    /// the title lists show until the server's own comes down.
    fn check_form(
        &self,
        kind: RequestKind,
        form: &serde_json::Value,
    ) -> Result<(Uuid, String, String)> {
        let node = match kind {
            RequestKind::Join => workflow::parse_join(form)?.unit_id,
            RequestKind::Transfer => workflow::parse_transfer(form)?.to_unit_id,
            RequestKind::Position => workflow::parse_position(form)?.unit_id,
            RequestKind::Withdrawal => workflow::parse_withdrawal(form)?.unit_id,
            RequestKind::OrgRegistration => return Err(USE_ORG_REGISTER.into()),
            RequestKind::Content => {
                return Err(huiji_domain::community::content::USE_CONTENT_PAGES.into())
            }
            RequestKind::Service => {
                let f: ServiceForm = serde_json::from_value(form.clone())
                    .map_err(|_| Error::Invalid(workflow::FORM_INVALID))?;
                let (node, def) = self.service_def(f.service_id)?;
                workflow::parse_service(form, &def)?;
                let name = self
                    .store()
                    .with_conn(|c| node_name(c, node))?
                    .unwrap_or_default();
                return Ok((node, name.clone(), format!("{} · {name}", def.name)));
            }
        };
        let name = self
            .store()
            .with_conn(|c| node_name(c, node))?
            .unwrap_or_default();
        Ok((node, name.clone(), format!("{} · {name}", kind.label_zh())))
    }

    fn service_def(&self, id: Uuid) -> Result<(Uuid, ServiceDef)> {
        let rec = self
            .store()
            .get(id)?
            .filter(|r| r.kind == RecordKind::Service)
            .ok_or(Error::Invalid(SERVICE_UNKNOWN))?;
        let def: ServiceDef =
            serde_json::from_value(rec.body).map_err(|_| Error::Invalid(SERVICE_UNKNOWN))?;
        Ok((rec.node_id, def))
    }

    /// Submits an application: checked here, sent now when the server answers, else
    /// kept and sent at the next sync (then without the SMS code, which will have
    /// expired: reviewers see it was not confirmed by SMS).
    pub async fn request_submit(
        &self,
        kind: RequestKind,
        form: serde_json::Value,
        attachments: Vec<Attachment>,
        sms_code: Option<String>,
    ) -> Result<RequestDetail> {
        let (_, me) = self.me()?;
        let (node_id, node_name, title) = self.check_form(kind, &form)?;
        let req = SubmitRequest {
            id: Uuid::now_v7(),
            kind,
            form,
            attachments,
            sms_code: sms_code
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
        };
        let token = self.token()?;
        let sent: Result<Record> = async {
            self.remote()?
                .post("/api/v1/requests", Some(&token), &req)
                .await
        }
        .await;
        match sent {
            Ok(record) => {
                self.store().apply_server_records(&[record])?;
            }
            Err(e) if refused(&e) || matches!(e, Error::Server { status: 401, .. }) => {
                return Err(e)
            }
            Err(e) => {
                tracing::info!(error = %e, "submission kept for the next sync");
                let now = self.store().now();
                let provisional = RequestBody {
                    kind,
                    title: title.clone(),
                    applicant: me.clone(),
                    node_id,
                    node_name,
                    form: req.form.clone(),
                    attachments: req.attachments.clone(),
                    state: RequestState::Submitted,
                    steps: Vec::new(),
                    current: 0,
                    log: vec![LogEntry {
                        at: now,
                        actor: me.clone(),
                        action: "submit".into(),
                        step: None,
                        comment: None,
                        to: None,
                    }],
                    sms_verified: false,
                    bill: None,
                    submitted_at: Some(now),
                    decided_at: None,
                    reason: None,
                };
                let queued = SubmitRequest {
                    sms_code: None,
                    ..req.clone()
                };
                self.store().write(|tx| {
                    queue::insert(
                        tx,
                        &NewEntry {
                            id: req.id,
                            op: EntryOp::Submit,
                            request_id: req.id,
                            account_id: me.id,
                            payload: serde_json::to_string(&queued)?,
                            provisional: Some(serde_json::to_string(&provisional)?),
                            title: &title,
                            what: action_label("submit"),
                            made_at: now,
                        },
                    )
                })?;
            }
        }
        self.request_detail(&req.id.to_string())
    }

    /// Checks an action against the request as this device has it and queues it (in
    /// the caller's transaction). Returns the action id.
    fn queue_action(
        c: &Connection,
        me: &Person,
        request_id: &str,
        action: Action,
        now: i64,
    ) -> Result<Uuid> {
        let rid = bad_id(request_id)?.to_string();
        let (version, body) = request_record(c, &rid)?.ok_or(Error::NotFound)?;
        if queue::has_queued(c, &rid, me.id)? {
            return Err(ACTION_QUEUED.into());
        }
        workflow::apply(&body, me, &action, now)?;
        let item = ActionItem {
            action_id: Uuid::now_v7(),
            request_id: bad_id(&rid)?,
            base_version: version,
            step: body.current,
            action,
        };
        queue::insert(
            c,
            &NewEntry {
                id: item.action_id,
                op: EntryOp::Action,
                request_id: item.request_id,
                account_id: me.id,
                payload: serde_json::to_string(&item)?,
                provisional: None,
                title: &body.title,
                what: action_label(item.action.name()),
                made_at: now,
            },
        )?;
        Ok(item.action_id)
    }

    /// Decides or acts on a request (`action` is the domain's `Action` JSON, e.g.
    /// `{"action":"approve","comment":null,"bill":{"amount_fen":24000,"period":"2026"}}`).
    /// Queued, then sent at once when the server answers.
    pub async fn request_act(&self, id: &str, action: serde_json::Value) -> Result<RequestDetail> {
        let (_, me) = self.me()?;
        let action: Action =
            serde_json::from_value(action).map_err(|_| Error::Invalid(ACTION_INVALID))?;
        if let Action::Resubmit { form, .. } = &action {
            // The changed form meets the kind's rules before it is queued.
            let rid = bad_id(id)?.to_string();
            let found = self.store().with_conn(|c| request_record(c, &rid))?;
            let (_, body) = found.ok_or(Error::NotFound)?;
            if body.kind == RequestKind::OrgRegistration {
                // The association's levels are checked by the server.
                let user_type = form["user_type"].as_str().unwrap_or_default().to_owned();
                workflow::parse_org_registration(form, &[user_type])?;
            } else {
                self.check_form(body.kind, form)?;
            }
        }
        let now = self.store().now();
        self.store()
            .write(|tx| Self::queue_action(tx, &me, id, action, now))?;
        if let Err(e) = self.flush_workflow().await {
            tracing::info!(error = %e, "action kept for the next sync");
        }
        self.request_detail(id)
    }

    /// Approves many at once (one batch when online). Requests this device already
    /// knows cannot be approved by the caller are reported, not sent.
    pub async fn requests_bulk_approve(
        &self,
        ids: &[String],
        comment: Option<String>,
    ) -> Result<BulkResult> {
        let (_, me) = self.me()?;
        let now = self.store().now();
        let mut failed = Vec::new();
        let queued: Vec<Uuid> = self.store().write(|tx| {
            let mut out = Vec::new();
            for id in ids {
                let action = Action::Approve {
                    comment: comment.clone(),
                    bill: None,
                };
                match Self::queue_action(tx, &me, id, action, now) {
                    Ok(a) => out.push(a),
                    Err(e @ (Error::Db(_) | Error::Json(_))) => return Err(e),
                    Err(e) => {
                        let title = request_record(tx, id)
                            .ok()
                            .flatten()
                            .map(|(_, b)| b.title)
                            .unwrap_or_default();
                        let err = app_error(&e);
                        failed.push(WorkflowIssue {
                            id: Uuid::now_v7().to_string(),
                            request_id: id.clone(),
                            title,
                            what: action_label("approve").to_owned(),
                            status: IssueStatus::Rejected,
                            code: Some(err.code),
                            reason: Some(err.message),
                            current_state_label: None,
                            decided_by: None,
                        });
                    }
                }
            }
            Ok(out)
        })?;
        if !queued.is_empty() {
            if let Err(e) = self.flush_workflow().await {
                tracing::info!(error = %e, "approvals kept for the next sync");
            }
        }
        let mut result = BulkResult {
            applied: 0,
            queued: 0,
            failed,
        };
        self.store().with_conn(|c| {
            for a in &queued {
                match queue::get(c, &a.to_string())? {
                    None => result.applied += 1,
                    Some(e) if e.state == "queued" => result.queued += 1,
                    Some(e) => result.failed.push(issue_of(&e)),
                }
            }
            Ok(())
        })?;
        Ok(result)
    }

    /// Submissions and decisions of the user the server refused or found overtaken,
    /// newest first.
    pub fn workflow_issues(&self) -> Result<Vec<WorkflowIssue>> {
        let (_, me) = self.me()?;
        let mut out: Vec<WorkflowIssue> = Vec::new();
        for state in ["rejected", "conflict"] {
            out.extend(
                queue::entries(self.store(), me.id, state)?
                    .iter()
                    .map(issue_of),
            );
        }
        // Entry ids are UUIDv7: newest last in id order.
        out.sort_by(|a, b| b.id.cmp(&a.id));
        Ok(out)
    }

    pub fn workflow_issue_dismiss(&self, id: &str) -> Result<()> {
        let (_, me) = self.me()?;
        queue::dismiss(self.store(), &bad_id(id)?.to_string(), me.id)?;
        Ok(())
    }

    /// Sends the user's queued submissions (in order) and decisions (in batches);
    /// called by sync before the pull and after each local action. Stops at the first
    /// network failure, leaving the rest queued.
    pub(crate) async fn flush_workflow(&self) -> Result<u32> {
        let Some(session) = self.session()? else {
            return Ok(0);
        };
        let _one_at_a_time = self.workflow_gate().lock().await;
        let me = session.account.id;
        let queued = queue::entries(self.store(), me, "queued")?;
        if queued.is_empty() {
            return Ok(0);
        }
        let token = self.token()?;
        let remote = self.remote()?;
        let mut settled = 0;
        for e in queued.iter().filter(|e| e.op == EntryOp::Submit) {
            let req: SubmitRequest = serde_json::from_str(&e.payload)?;
            queue::note_attempt(self.store(), &[&e.id])?;
            match remote
                .post::<_, Record>("/api/v1/requests", Some(&token), &req)
                .await
            {
                Ok(r) => queue::settle(self.store(), &[(&e.id, Settle::Done(Some(&r)))])?,
                Err(err) if refused(&err) => {
                    let a = app_error(&err);
                    queue::settle(
                        self.store(),
                        &[(
                            &e.id,
                            Settle::Rejected {
                                code: &a.code,
                                reason: &a.message,
                            },
                        )],
                    )?;
                }
                Err(err) => return Err(err),
            }
            settled += 1;
        }
        let actions: Vec<&Entry> = queued.iter().filter(|e| e.op == EntryOp::Action).collect();
        for chunk in actions.chunks(ACTION_BATCH) {
            let items = chunk
                .iter()
                .map(|e| serde_json::from_str::<ActionItem>(&e.payload))
                .collect::<serde_json::Result<Vec<_>>>()?;
            let ids: Vec<&str> = chunk.iter().map(|e| e.id.as_str()).collect();
            queue::note_attempt(self.store(), &ids)?;
            let batch = ActionBatch { actions: items };
            let resp: ActionBatchResponse = match remote
                .post("/api/v1/requests/actions", Some(&token), &batch)
                .await
            {
                Ok(r) => r,
                Err(err) if refused(&err) => {
                    let a = app_error(&err);
                    let answers: Vec<(&str, Settle<'_>)> = ids
                        .iter()
                        .map(|id| {
                            (
                                *id,
                                Settle::Rejected {
                                    code: &a.code,
                                    reason: &a.message,
                                },
                            )
                        })
                        .collect();
                    queue::settle(self.store(), &answers)?;
                    settled += ids.len() as u32;
                    continue;
                }
                Err(err) => return Err(err),
            };
            let mut answers: Vec<(String, Settle<'_>)> = Vec::new();
            for r in &resp.results {
                let id = r.action_id.to_string();
                if !ids.contains(&id.as_str()) {
                    continue;
                }
                let answer = match r.status {
                    OpStatus::Applied | OpStatus::Duplicate => Settle::Done(r.current.as_ref()),
                    OpStatus::Conflict => Settle::Conflict(r.current.as_ref()),
                    OpStatus::Rejected => Settle::Rejected {
                        code: r.code.as_deref().unwrap_or("Rejected"),
                        reason: r.reason.as_deref().unwrap_or("服务器拒绝了该操作"),
                    },
                };
                answers.push((id, answer));
            }
            settled += answers.len() as u32;
            queue::settle(self.store(), &answers)?;
        }
        Ok(settled)
    }
}

#[cfg(test)]
mod people_tests;
#[cfg(test)]
mod tests;
