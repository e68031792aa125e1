//! Sending what the payment outbox holds, in the order it was made: a proof photo in
//! pieces (resuming where the server stopped counting), then the payment or action
//! that names it. Stops at the first network failure, leaving the rest queued.

use huiji_domain::dues::{PaymentActionBatch, PaymentActionItem, UploadStart, UploadStatus};
use huiji_domain::wire::{ActionBatchResponse, OpStatus, Record};

use super::queue::{self, Op, Settle};
use super::refused;
use crate::app::core::{app_error, AppCore};
use crate::app::remote::Remote;
use crate::error::{Error, Result};

/// A piece of a proof photo: small enough for a weak phone connection to finish.
pub(crate) const CHUNK: usize = 256 * 1024;

impl AppCore {
    /// Sends a photo still waiting here. `Ok(())` also when the server had it already.
    async fn push_upload(&self, remote: &Remote, token: &str, id: &str) -> Result<()> {
        let Some(up) = self.store().with_conn(|c| queue::upload(c, id))? else {
            return Ok(());
        };
        let size = up.bytes.len() as u64;
        let start = UploadStart {
            id: crate::app::dues::bad_id(&up.id)?,
            name: up.name.clone(),
            size,
            sha256: up.sha256.clone(),
        };
        let mut status: UploadStatus = remote.post("/api/v1/uploads", Some(token), &start).await?;
        let mut tries = 0;
        while status.proof.is_none() && status.received < size {
            let at = status.received as usize;
            let end = (at + CHUNK).min(up.bytes.len());
            match remote
                .put_bytes::<UploadStatus>(
                    &format!("/api/v1/uploads/{}?offset={at}", up.id),
                    Some(token),
                    up.bytes[at..end].to_vec(),
                )
                .await
            {
                Ok(s) => status = s,
                // The server holds a different count (an answer was lost): ask it.
                Err(Error::Server { status: 409, .. }) if tries < 3 => {
                    tries += 1;
                    status = remote
                        .get(&format!("/api/v1/uploads/{}", up.id), Some(token))
                        .await?;
                }
                Err(e) => return Err(e),
            }
            queue::set_sent(self.store(), &up.id, status.received)?;
        }
        let now = self.store().now();
        self.store()
            .write(|tx| queue::upload_done(tx, &up.id, now))?;
        Ok(())
    }

    /// Sends the user's queued payments and payment decisions; called by sync before
    /// the pull and after each local change.
    pub(crate) async fn flush_payments(&self) -> Result<u32> {
        let Some(session) = self.session()? else {
            return Ok(0);
        };
        let _one_at_a_time = self.payment_gate().lock().await;
        let me = session.account.id;
        let queued = queue::entries(self.store(), me, "queued")?;
        if queued.is_empty() {
            return Ok(0);
        }
        let token = self.token()?;
        let remote = self.remote()?;
        let mut settled = 0;
        for e in &queued {
            queue::note_attempt(self.store(), &[&e.id])?;
            let reject = |err: &Error| {
                let a = app_error(err);
                queue::settle(
                    self.store(),
                    &[(
                        &e.id,
                        Settle::Rejected {
                            code: &a.code,
                            reason: &a.message,
                        },
                    )],
                )
            };
            if let Some(u) = &e.upload_id {
                match self.push_upload(&remote, &token, u).await {
                    Ok(()) => {}
                    Err(err) if refused(&err) => {
                        // The photo itself was refused (not an image, too large …):
                        // the user chooses another one.
                        self.store().write(|tx| queue::drop_upload(tx, u))?;
                        reject(&err)?;
                        settled += 1;
                        continue;
                    }
                    Err(err) => return Err(err),
                }
            }
            match e.op {
                Op::Submit => {
                    let body: serde_json::Value = serde_json::from_str(&e.payload)?;
                    match remote
                        .post::<_, Record>("/api/v1/payments/offline", Some(&token), &body)
                        .await
                    {
                        Ok(r) => queue::settle(self.store(), &[(&e.id, Settle::Done(Some(&r)))])?,
                        Err(err) if refused(&err) => reject(&err)?,
                        Err(err) => return Err(err),
                    }
                }
                Op::Action => {
                    let item: PaymentActionItem = serde_json::from_str(&e.payload)?;
                    let batch = PaymentActionBatch {
                        actions: vec![item],
                    };
                    let resp: ActionBatchResponse = match remote
                        .post("/api/v1/payments/actions", Some(&token), &batch)
                        .await
                    {
                        Ok(r) => r,
                        Err(err) if refused(&err) => {
                            reject(&err)?;
                            settled += 1;
                            continue;
                        }
                        Err(err) => return Err(err),
                    };
                    for r in resp
                        .results
                        .iter()
                        .filter(|r| r.action_id.to_string() == e.id)
                    {
                        let answer = match r.status {
                            OpStatus::Applied | OpStatus::Duplicate => {
                                Settle::Done(r.current.as_ref())
                            }
                            OpStatus::Conflict => Settle::Conflict(r.current.as_ref()),
                            OpStatus::Rejected => Settle::Rejected {
                                code: r.code.as_deref().unwrap_or("Rejected"),
                                reason: r.reason.as_deref().unwrap_or("服务器拒绝了该操作"),
                            },
                        };
                        queue::settle(self.store(), &[(&e.id, answer)])?;
                    }
                }
            }
            settled += 1;
        }
        Ok(settled)
    }
}
