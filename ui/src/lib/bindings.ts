// Generated from Rust by ts-rs (crates/offline/src/app/views.rs). Do not edit:
// run `UPDATE_BINDINGS=1 cargo test -p huiji-offline bindings` instead.

export type Role = "member" | "secretary" | "reviewer" | "site_manager" | "scanner" | "health_authority" | "system_admin";
export type AccountKind = "person" | "organisation";
export type GrantView = { role: Role, node_id: string | null, node_name: string | null, node_path: string | null, };
export type AccountView = { id: string, kind: AccountKind, phone_masked: string | null, real_name: string | null, id_number_masked: string | null, credit_code: string | null, org_name: string | null, grants: Array<GrantView>, 
/**
 * First login: real name and ID number are still to be given.
 */
needs_profile: boolean, };
export type HomeKind = "member" | "secretary" | "scanner";
export type SessionView = { account: AccountView, home: HomeKind, logged_in_at: number, };
export type AppInfo = { version: string, server_url: string, default_server_url: string, locale: string, session: SessionView | null, };
export type SmsSent = { retry_after_secs: number, dev_code: string | null, };
export type FieldIssue = { field: string, code: string, message: string, };
export type MembershipView = { id: string, unit_name: string, category: string | null, level: string | null, title: string | null, };
export type NoticeView = { id: string, title: string, content: string, node_name: string, updated_at: number, };
export type MemberHome = { memberships: Array<MembershipView>, notices: Array<NoticeView>, };
export type UnitCount = { node_id: string, name: string, members: number, };
export type SecretaryHome = { scope_name: string, member_count: number, 
/**
 * Requests waiting for this secretary's decision. Requests arrive with the
 * approval engine; until then there are none on any device.
 */
pending_reviews: number, units: Array<UnitCount>, notices: Array<NoticeView>, };
export type ScannerHome = { site_name: string, scans_today: number, turned_back_today: number, last_scan_at: number | null, };
export type HomeSummary = { home: HomeKind, member: MemberHome | null, secretary: SecretaryHome | null, scanner: ScannerHome | null, };
export type MemberSort = "name" | "unit" | "recent";
export type MemberQuery = { text: string, sort: MemberSort, desc: boolean, page: number, page_size: number, };
export type MemberRow = { id: string, name: string, phone_masked: string | null, id_number_masked: string | null, category: string | null, level: string | null, credit_code: string | null, unit_name: string, };
export type MemberPage = { items: Array<MemberRow>, total: number, page: number, page_size: number, };
export type SyncProgress = { rows: number, cursor: number, server_seq: number, };
export type SyncStatusView = { online: boolean, syncing: boolean, last_success_ms: number | null, pending: number, rejected: number, conflicts: number, last_error: string | null, progress: SyncProgress | null, };
export type AppError = { code: string, message: string, };
export type TurnBackView = { code: string, message: string, };
export type ScanVerdictView = { 
/**
 * The signature, dates and revocation checked out.
 */
valid: boolean, 
/**
 * Let through (valid, and no turn-back reason; for tickets: not used already).
 */
admitted: boolean, 
/**
 * "credential.valid", "credential.expired" …
 */
reason_code: string, 
/**
 * The reason in words (Chinese).
 */
reason: string, kind: string | null, 
/**
 * Masked, as signed into the code.
 */
display_name: string | null, 
/**
 * green / yellow / red for a health pass.
 */
colour: string | null, turn_back: Array<TurnBackView>, 
/**
 * "36.5" when measured.
 */
temperature: string | null, fever: boolean, expires_at: number | null, event_id: string | null, ticket_id: string | null, direction: string | null, 
/**
 * Set once the scan is recorded.
 */
scan_id: string | null, 
/**
 * When the trust data last came from the server (unix ms).
 */
trust_updated_ms: number | null, 
/**
 * Older than a day: the screen warns.
 */
trust_stale: boolean, };
export type ScanCounts = { scans: number, admitted: number, turned_back: number, assisted: number, };
export type CheckpointStatusView = { site_id: string | null, site_name: string, trust_updated_ms: number | null, trust_stale: boolean, keys: number, revocations: number, risk_regions: number, today: ScanCounts, 
/**
 * Assisted registrations waiting for the network.
 */
pending_assisted: number, };
export type ScanRowView = { id: string, subject: string, verdict: string, colour: string | null, temperature: string | null, admitted: boolean, turn_back: Array<string>, scanned_at: number, 
/**
 * Reached the server.
 */
synced: boolean, };
export type AssistedInput = { phone: string, sms_code: string | null, name: string, id_number: string, 
/**
 * "36.5"; empty when not measured.
 */
temperature: string, remark: string | null, };
export type AssistedResultView = { name_masked: string, 
/**
 * Kept on this device until the network returns.
 */
queued: boolean, 
/**
 * The phone was confirmed by SMS code.
 */
verified: boolean, fever: boolean, };
export type HealthCodeView = { text: string, 
/**
 * The QR as an SVG document.
 */
svg: string, colour: string, display_name: string, issued_at: number, expires_at: number, expired: boolean, 
/**
 * When this device got it (unix ms).
 */
fetched_at: number, age_secs: number, 
/**
 * Shown from the device's copy: the server could not be reached.
 */
offline: boolean, };
export type SiteStatsRow = { node_id: string, parent_id: string | null, name: string, 
/**
 * 0 for the site asked about, 1 for its sub-sites …
 */
depth: number, own: ScanCounts, subtree: ScanCounts, };
export type ScannerView = { account_id: string, name_masked: string, phone_masked: string, };
export type ImportRowError = { 
/**
 * Line number in the file (the header is line 1).
 */
line: number, code: string, message: string, };
export type ImportReport = { total: number, applied: number, errors: Array<ImportRowError>, };
export type SetHealthStatusRequest = { id_number: string | null, phone: string | null, 
/**
 * green, yellow or red (绿/黄/红 accepted).
 */
colour: string, 
/**
 * Came from a high-risk region recently.
 */
from_high_risk: boolean, note: string | null, };
export type HealthStatusResult = { name_masked: string, id_number_masked: string | null, colour: string, from_high_risk: boolean, 
/**
 * Codes revoked by the change (the next refresh carries the new colour).
 */
revoked: number, };
export type SiteView = { id: string, parent_id: string | null, name: string, address: string | null, contact: string | null, contact_phone_masked: string | null, depth: number, };
export type SiteForm = { parent_id: string | null, name: string, address: string | null, contact: string | null, contact_phone: string | null, };
export type SiteStatsView = { rows: Array<SiteStatsRow>, 
/**
 * Counted here from synced scans: the server could not be reached.
 */
offline: boolean, date: string, };
export type RiskRegionView = { id: string, code: string, name: string, };
export type EventView = { id: string, title: string, place: string | null, starts_at: number, ends_at: number, reentry_allowed: boolean, };
export type TicketView = { event_id: string, ticket_id: string, title: string, place: string | null, starts_at: number, ends_at: number, text: string, svg: string, 
/**
 * Shown from the device's copy: the server could not be reached.
 */
offline: boolean, };
export type TicketConflictView = { ticket_id: string, 
/**
 * Masked name on the ticket.
 */
subject: string, reason: string, 
/**
 * The later scan, flagged.
 */
flagged_scan: string, flagged_at: number, flagged_site: string, earlier_scan: string, earlier_at: number, earlier_site: string, };
export type AttendanceView = { event_id: string, title: string, 
/**
 * Tickets that came in at least once.
 */
checked_in: number, inside: number, admitted_scans: number, conflicts: Array<TicketConflictView>, };
