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
