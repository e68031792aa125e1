//! The checkpoint on the device (seed 002, 码上行动): verify a code with no network,
//! assess it with the temperature, record the scan locally (synced later), assisted
//! registration that waits for the network, and the citizen's own code kept for
//! offline display.

use std::sync::Arc;

use huiji_domain::checkpoint::{
    assess_health, format_temperature, parse_temperature, trust_stale, RiskRegions, TicketState,
    ASSISTED_VERDICT, FEVER_TENTHS,
};
use huiji_domain::credential::{
    self, Body, CredentialKind, Direction, Expect, Reason, RevocationList, TrustList, TrustedKey,
    Verdict,
};
use huiji_domain::mask::mask_name;
use huiji_domain::sync::{RecordKind, RevocationBody, RiskRegionBody, ScanBody, TrustKeyBody};
use huiji_domain::time::today_cst;
use huiji_domain::validate::{validate_id_number, validate_name, validate_phone};
use huiji_domain::wire::{AssistedRequest, AssistedResponse, HealthPassResponse, SmsPurpose};
use rusqlite::params;
use uuid::Uuid;

use super::core::AppCore;
use super::views::*;
use crate::error::{Error, Result};
use crate::store::Store;

const KEY_HEALTH_PASS: &str = "health_pass";

/// The trust data a verdict needs, rebuilt only when the store has changed.
pub(crate) struct TrustCache {
    version: (i64, i64, i64),
    trust: Arc<TrustList>,
    revoked: Arc<RevocationList>,
    regions: Arc<RiskRegions>,
}

fn bodies<T: serde::de::DeserializeOwned>(store: &Store, kind: RecordKind) -> Result<Vec<T>> {
    store.with_conn(|c| {
        let mut stmt =
            c.prepare_cached("SELECT body FROM records WHERE kind = ?1 AND deleted = 0")?;
        let rows = stmt.query_map([kind.as_str()], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for text in rows {
            // A row this version cannot read is skipped, not fatal: the rest still work.
            if let Ok(b) = serde_json::from_str(&text?) {
                out.push(b);
            }
        }
        Ok(out)
    })
}

fn load_trust(store: &Store, version: (i64, i64, i64)) -> Result<TrustCache> {
    let keys: Vec<TrustKeyBody> = bodies(store, RecordKind::TrustKey)?;
    let revs: Vec<RevocationBody> = bodies(store, RecordKind::Revocation)?;
    let regions: Vec<RiskRegionBody> = bodies(store, RecordKind::RiskRegion)?;
    let trust = TrustList {
        keys: keys.into_iter().map(TrustedKey::from).collect(),
        updated_at: 0,
    };
    Ok(TrustCache {
        version,
        trust: Arc::new(trust),
        revoked: Arc::new(RevocationList::from_keys(
            revs.iter().map(|r| r.key.as_str()),
        )),
        regions: Arc::new(RiskRegions::from_codes(
            regions.iter().map(|r| r.code.as_str()),
        )),
    })
}

/// What the scanner is checking at the moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanMode {
    /// Health passes at a checkpoint.
    Health,
    /// Tickets of one event, in or out.
    Ticket {
        event: Uuid,
        direction: Direction,
        reentry_allowed: bool,
    },
}

/// The site a scanner records at: its scanner grant's node, else its site-manager one.
fn scan_site(session: &SessionView) -> Option<(Uuid, String)> {
    use huiji_domain::org::Role;
    [Role::Scanner, Role::SiteManager].iter().find_map(|role| {
        session
            .account
            .grants
            .iter()
            .find(|g| g.role == *role)
            .and_then(|g| Some((g.node_id?, g.node_name.clone().unwrap_or_default())))
    })
}

impl AppCore {
    pub(crate) fn trust_cache(
        &self,
    ) -> Result<(Arc<TrustList>, Arc<RevocationList>, Arc<RiskRegions>)> {
        // Scans are written all the time; the trust data changes only with a pull or
        // a risk region edited here, so the cache is keyed on that, not on every write.
        let version = self.store().trust_version()?;
        let mut guard = self.trust_slot();
        let fresh = guard.as_ref().is_some_and(|c| c.version == version);
        if !fresh {
            *guard = Some(load_trust(self.store(), version)?);
        }
        let c = guard.as_ref().ok_or(Error::NotFound)?;
        Ok((c.trust.clone(), c.revoked.clone(), c.regions.clone()))
    }

    /// Verifies a code and says what the checkpoint should do, without recording it.
    pub fn checkpoint_verify(&self, text: &str, mode: ScanMode) -> Result<ScanVerdictView> {
        self.checkpoint_assess(text, mode, None)
    }

    fn checkpoint_assess(
        &self,
        text: &str,
        mode: ScanMode,
        temperature_tenths: Option<i32>,
    ) -> Result<ScanVerdictView> {
        let (trust, revoked, regions) = self.trust_cache()?;
        let now_ms = self.store().now();
        let expect = match mode {
            ScanMode::Health => Expect {
                kinds: &[CredentialKind::HealthPass],
                event: None,
            },
            ScanMode::Ticket { event, .. } => Expect {
                kinds: &[CredentialKind::EventTicket],
                event: Some(event),
            },
        };
        let mut verdict = credential::verify(text, now_ms / 1000, &trust, &revoked, expect);
        let mut refusal = None;
        if let (
            ScanMode::Ticket {
                direction,
                reentry_allowed,
                ..
            },
            true,
        ) = (mode, verdict.reason.is_valid())
        {
            if let Some(Body::EventTicket { ticket, .. }) = verdict.claims.as_ref().map(|c| &c.body)
            {
                let state = self.ticket_state(*ticket, reentry_allowed)?;
                refusal = state.check(direction, reentry_allowed);
                if refusal.is_some() {
                    verdict.reason = Reason::AlreadyUsed;
                }
            }
        }
        Ok(self.view_of(&verdict, mode, temperature_tenths, &regions, refusal))
    }

    fn view_of(
        &self,
        verdict: &Verdict,
        mode: ScanMode,
        temperature_tenths: Option<i32>,
        regions: &RiskRegions,
        refusal: Option<huiji_domain::checkpoint::TicketRefusal>,
    ) -> ScanVerdictView {
        let claims = verdict.claims.as_ref();
        let (assessment, ticket) = match mode {
            ScanMode::Health => (
                Some(assess_health(verdict, temperature_tenths, regions)),
                None,
            ),
            ScanMode::Ticket {
                event, direction, ..
            } => (
                None,
                claims.and_then(|c| match c.body {
                    Body::EventTicket { ticket, .. } => Some((event, ticket, direction)),
                    _ => None,
                }),
            ),
        };
        let turn_back: Vec<TurnBackView> = assessment
            .as_ref()
            .map(|a| {
                a.turn_back
                    .iter()
                    .map(|t| TurnBackView {
                        code: t.code().to_owned(),
                        message: t.message().to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let admitted = match &assessment {
            Some(a) => a.admitted(),
            None => verdict.reason.is_valid() && refusal.is_none(),
        };
        let (trust_updated_ms, stale) = self.trust_age();
        ScanVerdictView {
            reason_code: verdict.reason.code().to_owned(),
            reason: refusal.map_or_else(
                || verdict.reason.message().to_owned(),
                |r| r.message().to_owned(),
            ),
            valid: verdict.reason.is_valid(),
            admitted,
            kind: claims.map(|c| c.kind().as_str().to_owned()),
            display_name: claims.map(|c| c.display_name.clone()),
            colour: assessment
                .as_ref()
                .and_then(|a| a.colour)
                .map(|c| c.as_str().to_owned()),
            turn_back,
            temperature: temperature_tenths.map(format_temperature),
            fever: temperature_tenths.is_some_and(|t| t >= FEVER_TENTHS),
            expires_at: claims.map(|c| c.expires),
            event_id: ticket.map(|t| t.0.to_string()),
            ticket_id: ticket.map(|t| t.1.to_string()),
            direction: ticket.map(|t| t.2.as_str().to_owned()),
            scan_id: None,
            trust_updated_ms,
            trust_stale: stale,
        }
    }

    /// When the trust data last came from the server (the last successful sync), and
    /// whether that is more than a day ago.
    fn trust_age(&self) -> (Option<i64>, bool) {
        let last = self.store().last_success_ms().ok().flatten();
        let now = self.store().now();
        (last, last.is_none_or(|t| trust_stale(now / 1000, t / 1000)))
    }

    fn ticket_state(&self, ticket: Uuid, reentry_allowed: bool) -> Result<TicketState> {
        let scans: Vec<(String, i64)> = self.store().with_conn(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT json_extract(body, '$.direction'), json_extract(body, '$.scanned_at') \
                 FROM records WHERE kind = 'scan' AND deleted = 0 \
                 AND json_extract(body, '$.ticket_id') = ?1 \
                 AND json_extract(body, '$.admitted') = 1",
            )?;
            let rows = stmt.query_map([ticket.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })?;
        let mut scans = scans;
        scans.sort_by_key(|s| s.1);
        let mut state = TicketState::default();
        for (d, _) in scans {
            let d = if d == "out" {
                Direction::Out
            } else {
                Direction::In
            };
            if state.check(d, reentry_allowed).is_none() {
                state.apply(d);
            }
        }
        Ok(state)
    }

    /// Verifies, assesses with the temperature, and records the scan here (one
    /// transaction with its outbox op), to be synced. Returns what the screen shows.
    pub fn checkpoint_record(
        &self,
        text: &str,
        mode: ScanMode,
        temperature: Option<&str>,
        remark: Option<&str>,
    ) -> Result<ScanVerdictView> {
        let session = self.session()?.ok_or_else(super::core::not_logged_in)?;
        let (site, _) = scan_site(&session).ok_or_else(no_site)?;
        let temperature_tenths = match temperature.map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => Some(parse_temperature(t)?),
            None => None,
        };
        let remark = clean_remark(remark)?;
        let mut view = self.checkpoint_assess(text, mode, temperature_tenths)?;
        let body = ScanBody {
            subject: view
                .display_name
                .clone()
                .unwrap_or_else(|| "未识别".to_owned()),
            temperature_tenths,
            verdict: view.reason_code.clone(),
            remark,
            credential_kind: view.kind.clone(),
            colour: view.colour.clone(),
            turn_back: view.turn_back.iter().map(|t| t.code.clone()).collect(),
            admitted: view.admitted,
            event_id: view
                .event_id
                .as_deref()
                .and_then(|s| Uuid::parse_str(s).ok()),
            ticket_id: view
                .ticket_id
                .as_deref()
                .and_then(|s| Uuid::parse_str(s).ok()),
            direction: view.direction.clone(),
            scanned_at: self.store().now(),
            device_id: Some(self.store().device_id()?),
        };
        let id = self
            .store()
            .create(RecordKind::Scan, site, serde_json::to_value(body)?)?;
        view.scan_id = Some(id.to_string());
        Ok(view)
    }

    /// The scanner's status line: site, trust data and its age, today's counts.
    pub fn checkpoint_status(&self) -> Result<CheckpointStatusView> {
        let session = self.session()?.ok_or_else(super::core::not_logged_in)?;
        let (site_id, site_name) = scan_site(&session).unwrap_or_default();
        let (trust, revoked, regions) = self.trust_cache()?;
        let (trust_updated_ms, trust_stale) = self.trust_age();
        let day_start = super::home::start_of_day_cst(self.store().now());
        let (scans, admitted, turned_back, assisted): (i64, i64, i64, i64) =
            self.store().with_conn(|c| {
                Ok(c.query_row(
                    "SELECT COUNT(*), \
                     COALESCE(SUM(json_extract(body, '$.admitted') = 1), 0), \
                     COALESCE(SUM(json_array_length(body, '$.turn_back') > 0), 0), \
                     COALESCE(SUM(json_extract(body, '$.verdict') = ?2), 0) \
                     FROM records WHERE kind = 'scan' AND deleted = 0 \
                     AND json_extract(body, '$.scanned_at') >= ?1",
                    params![day_start, ASSISTED_VERDICT],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )?)
            })?;
        let pending_assisted = self.store().with_conn(|c| {
            Ok(
                c.query_row("SELECT COUNT(*) FROM assisted_outbox", [], |r| {
                    r.get::<_, i64>(0)
                })?,
            )
        })?;
        Ok(CheckpointStatusView {
            site_id: if site_id.is_nil() {
                None
            } else {
                Some(site_id.to_string())
            },
            site_name,
            trust_updated_ms,
            trust_stale,
            keys: trust.keys.len() as u32,
            revocations: revoked.len() as u32,
            risk_regions: regions.len() as u32,
            today: huiji_domain::wire::ScanCounts {
                scans: scans as u32,
                admitted: admitted as u32,
                turned_back: turned_back as u32,
                assisted: assisted as u32,
            },
            pending_assisted: pending_assisted as u32,
        })
    }

    /// Today's scans at this device's sites, newest first.
    pub fn checkpoint_recent(&self, limit: u32) -> Result<Vec<ScanRowView>> {
        let day_start = super::home::start_of_day_cst(self.store().now());
        self.store().with_conn(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, body, version FROM records WHERE kind = 'scan' AND deleted = 0 \
                 AND json_extract(body, '$.scanned_at') >= ?1 \
                 ORDER BY json_extract(body, '$.scanned_at') DESC LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![day_start, limit.min(500)], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, body, version) = row?;
                let Ok(b) = serde_json::from_str::<ScanBody>(&body) else {
                    continue;
                };
                out.push(ScanRowView {
                    id,
                    subject: b.subject,
                    verdict: b.verdict,
                    colour: b.colour,
                    temperature: b.temperature_tenths.map(format_temperature),
                    admitted: b.admitted,
                    turn_back: b.turn_back,
                    scanned_at: b.scanned_at,
                    synced: version > 0,
                });
            }
            Ok(out)
        })
    }

    // ------------------------------------------------------------ assisted registration

    /// Sends the SMS code for an assisted registration (needs the network).
    pub async fn assisted_send_code(&self, phone: &str) -> Result<SmsSent> {
        self.send_code(phone, SmsPurpose::Verify).await
    }

    /// Registers a person without the app (辅助登记). Checked here first; sent now when
    /// the server answers, otherwise kept and sent at the next sync (the person then
    /// confirms their phone by SMS). A scan row is recorded either way, for the counts.
    pub async fn assisted_register(&self, input: &AssistedInput) -> Result<AssistedResultView> {
        let session = self.session()?.ok_or_else(super::core::not_logged_in)?;
        let (site, _) = scan_site(&session).ok_or_else(no_site)?;
        let phone = validate_phone(&input.phone)?;
        let name = validate_name(&input.name)?;
        let idn = validate_id_number(&input.id_number, today_cst(self.store().now()))?;
        let temperature_tenths = match input.temperature.trim() {
            "" => None,
            t => Some(parse_temperature(t)?),
        };
        let remark = clean_remark(input.remark.as_deref())?;
        let req = AssistedRequest {
            id: Uuid::now_v7(),
            site_id: site,
            phone: phone.as_str().to_owned(),
            name: name.as_str().to_owned(),
            id_number: idn.as_str().to_owned(),
            temperature_tenths,
            remark: remark.clone(),
            sms_code: input
                .sms_code
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
            recorded_at: self.store().now(),
        };
        let fever = temperature_tenths.is_some_and(|t| t >= FEVER_TENTHS);
        let scan = ScanBody {
            subject: mask_name(name.as_str()),
            temperature_tenths,
            verdict: ASSISTED_VERDICT.to_owned(),
            remark,
            credential_kind: None,
            colour: None,
            turn_back: if fever {
                vec!["turn_back.fever".to_owned()]
            } else {
                Vec::new()
            },
            admitted: !fever,
            event_id: None,
            ticket_id: None,
            direction: None,
            scanned_at: req.recorded_at,
            device_id: Some(self.store().device_id()?),
        };
        let sent = self.send_assisted(&req).await;
        let (queued, verified) =
            match sent {
                Ok(r) => (false, r.verified),
                // The form was right but the server refused it (a wrong SMS code, an ID
                // number bound to another phone): the staff member must correct it now.
                Err(e @ Error::Server { status, .. }) if (400..500).contains(&status) => {
                    return Err(e)
                }
                Err(_) => {
                    self.store().write(|tx| {
                        tx.execute(
                        "INSERT INTO assisted_outbox (id, request, created_at) VALUES (?1, ?2, ?3)",
                        params![req.id.to_string(), serde_json::to_string(&req)?, req.recorded_at],
                    )?;
                        Ok(())
                    })?;
                    (true, false)
                }
            };
        self.store()
            .create(RecordKind::Scan, site, serde_json::to_value(scan)?)?;
        Ok(AssistedResultView {
            name_masked: mask_name(name.as_str()),
            queued,
            verified,
            fever,
        })
    }

    async fn send_assisted(&self, req: &AssistedRequest) -> Result<AssistedResponse> {
        let token = self.token()?;
        self.remote()?
            .post("/api/v1/checkpoint/assisted", Some(&token), req)
            .await
    }

    /// Sends queued assisted registrations (called by sync). A server refusal of a
    /// queued one (bad data cannot be fixed now: the person has gone) is logged and the
    /// entry dropped; a network failure keeps it for next time.
    pub(crate) async fn flush_assisted(&self) -> Result<u32> {
        let queued: Vec<(String, String)> = self.store().with_conn(|c| {
            let mut stmt =
                c.prepare_cached("SELECT id, request FROM assisted_outbox ORDER BY created_at")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })?;
        let mut sent = 0;
        for (id, text) in queued {
            let req: AssistedRequest = serde_json::from_str(&text)?;
            match self.send_assisted(&req).await {
                Ok(_) => sent += 1,
                Err(Error::Server { status, code, .. })
                    if (400..500).contains(&status) && status != 401 =>
                {
                    tracing::warn!(%id, code, "assisted registration refused by the server; dropped");
                }
                Err(e) => return Err(e),
            }
            // Sent (or refused for good): the ID number leaves this device.
            self.store().write(|tx| {
                tx.execute("DELETE FROM assisted_outbox WHERE id = ?1", [&id])?;
                Ok(())
            })?;
        }
        Ok(sent)
    }

    // ------------------------------------------------------------ the citizen's own code

    /// The person's own health code: fetched fresh when the server answers, otherwise
    /// the last one kept here, with its age.
    pub async fn my_health_code(&self) -> Result<HealthCodeView> {
        let token = self.token()?;
        let fetched: Result<HealthPassResponse> = async {
            self.remote()?
                .get("/api/v1/health/pass", Some(&token))
                .await
        }
        .await;
        let now = self.store().now();
        match fetched {
            Ok(pass) => {
                let kept = KeptPass {
                    pass,
                    fetched_at: now,
                };
                self.store()
                    .set_setting(KEY_HEALTH_PASS, Some(&serde_json::to_string(&kept)?))?;
                health_view(kept, now, false)
            }
            Err(e @ Error::Server { .. }) => Err(e),
            Err(_) => {
                let kept: Option<KeptPass> = self
                    .store()
                    .setting(KEY_HEALTH_PASS)?
                    .and_then(|s| serde_json::from_str(&s).ok());
                match kept {
                    Some(k) => health_view(k, now, true),
                    None => Err(Error::Server {
                        status: 503,
                        code: "HealthCodeUnavailable".into(),
                        message: "无法连接服务器，本机也没有保存的吉祥码，请联网后再试".into(),
                    }),
                }
            }
        }
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct KeptPass {
    pass: HealthPassResponse,
    fetched_at: i64,
}

fn health_view(k: KeptPass, now_ms: i64, offline: bool) -> Result<HealthCodeView> {
    let svg = qr_svg(&k.pass.text)?;
    Ok(HealthCodeView {
        colour: k.pass.colour,
        display_name: k.pass.display_name,
        issued_at: k.pass.issued_at,
        expires_at: k.pass.expires_at,
        expired: now_ms / 1000 >= k.pass.expires_at,
        fetched_at: k.fetched_at,
        age_secs: ((now_ms - k.fetched_at) / 1000).max(0),
        offline,
        svg,
        text: k.pass.text,
    })
}

/// The QR as SVG, dark modules only, for the webview to show at any size.
pub fn qr_svg(text: &str) -> Result<String> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| Error::Protocol(format!("QR encode: {e}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .build())
}

fn clean_remark(remark: Option<&str>) -> Result<Option<String>> {
    let r = remark
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    if r.as_deref().is_some_and(|s| s.chars().count() > 200) {
        return Err(Error::Server {
            status: 400,
            code: "RemarkTooLong".into(),
            message: "备注不超过200字".into(),
        });
    }
    Ok(r)
}

fn no_site() -> Error {
    Error::Server {
        status: 403,
        code: "NoSite".into(),
        message: "当前账号不是任何站点的扫码员".into(),
    }
}
