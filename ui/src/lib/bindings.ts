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
export type NoticeView = { id: string, title: string, content: string, node_name: string, updated_at: number, 
/**
 * 通知 or 新闻.
 */
kind: NoticeKind, 
/**
 * The cover picture (attachment id).
 */
cover: string | null, 
/**
 * 重要.
 */
important: boolean, };
export type MemberHome = { memberships: Array<MembershipView>, notices: Array<NoticeView>, };
export type UnitCount = { node_id: string, name: string, members: number, };
export type SecretaryHome = { scope_name: string, member_count: number, 
/**
 * Requests waiting for this secretary's decision (the to-do box).
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
export type RequestKind = "join" | "transfer" | "position" | "withdrawal" | "org_registration" | "service" | "content";
export type RequestState = "draft" | "submitted" | "returned" | "approved" | "rejected" | "withdrawn";
export type StepMode = "single" | "all" | "any";
export type Person = { id: string, name: string, };
export type Vote = { by: Person, approve: boolean, comment?: string | null, at: number, };
export type Delegation = { owner: Person, delegate: Person, 
/**
 * The delegate's advice, once given (approve or not, and why).
 */
advice?: Vote | null, };
export type StepTemplate = { title: string, mode: StepMode, role: Role, node_id: string, };
export type Step = { title: string, mode: StepMode, role: Role, node_id: string, approvers: Array<Person>, votes: Array<Vote>, delegations: Array<Delegation>, };
export type LogEntry = { at: number, actor: Person, 
/**
 * submit, resubmit, withdraw, approve, reject, send_back, delegate, advise,
 * transfer, comment, override.
 */
action: string, step?: number | null, comment?: string | null, 
/**
 * The person a delegation or transfer went to.
 */
to?: Person | null, };
export type Attachment = { id: string, name: string, mime: string, size: number, };
export type BillSpec = { 
/**
 * Integer fen (分), never a float.
 */
amount_fen: number, 
/**
 * The period billed, e.g. "2026".
 */
period: string, };
export type RequestBody = { kind: RequestKind, 
/**
 * What lists show: "入会申请 · 南京医科大学工会".
 */
title: string, applicant: Person, 
/**
 * The unit the request is about (the unit joined, the unit transferred to …).
 */
node_id: string, node_name: string, form: Record<string, unknown>, attachments: Array<Attachment>, state: RequestState, steps: Array<Step>, 
/**
 * Index of the step being decided (== steps.len() once approved).
 */
current: number, log: Array<LogEntry>, 
/**
 * The SMS code was checked at submission (an application made offline has none).
 */
sms_verified: boolean, bill?: BillSpec | null, submitted_at?: number | null, decided_at?: number | null, 
/**
 * Why it was rejected or sent back (the last such reason).
 */
reason?: string | null, };
export type MembershipStatus = "pending" | "current" | "grace" | "expired" | "ended";
export type HistoryEntry = { 
/**
 * "2026-11-22"
 */
on: string, 
/**
 * joined, transferred_in, transferred_out, withdrawn, renewed, override,
 * override_cleared, title, status.
 */
what: string, note?: string | null, by?: string | null, };
export type FieldType = "text" | "long_text" | "date" | "phone" | "url" | "choice";
export type FieldDef = { key: string, label: string, type: FieldType, required: boolean, options?: Array<string>, };
export type ServiceDef = { name: string, description: string, fields: Array<FieldDef>, steps: Array<StepTemplate>, };
export type OrgProfile = { 
/**
 * 单位状态
 */
unit_status: string, 
/**
 * 单位性质
 */
unit_nature: string, 
/**
 * 所属行业
 */
industry: string, 
/**
 * 单位规模
 */
scale: string, 
/**
 * 所在地区 ("江苏省 南京市")
 */
region: string, 
/**
 * 详细地址
 */
address: string, contact_email: string, contact_wechat: string, 
/**
 * 法人出生日期
 */
legal_birth_date: string, fax: string, postcode: string, landline: string, 
/**
 * 网站域名
 */
website: string, 
/**
 * 注册时间
 */
founded_on: string, 
/**
 * 经营范围
 */
business_scope: string, 
/**
 * 增值电信业务许可证号
 */
telecom_license: string, 
/**
 * 注册资金（万元）
 */
registered_capital: string, 
/**
 * 实到资金（万元）
 */
paid_in_capital: string, 
/**
 * 单位简介
 */
intro: string, };
export type OrgRegistrationForm = { unit_name: string, credit_code: string, legal_rep: string, legal_phone: string, contact: string, contact_phone: string, 
/**
 * 用户类型: one of the association's member levels.
 */
user_type: string, };
export type OrgRegisterStatus = { unit_name: string, credit_code: string, association_name: string, contact_masked: string, state: RequestState, state_label: string, reason: string | null, submitted_at: number, };
export type JoinForm = { category: string, unit_id: string, company?: string | null, job_title?: string | null, industry?: string | null, 
/**
 * 入会要申请的职务 (associations).
 */
position?: string | null, referrer_name?: string | null, referrer_phone?: string | null, 
/**
 * The applicant read and agreed to the 入会申请书.
 */
agreed: boolean, };
export type TransferForm = { category: string, to_unit_id: string, reason?: string | null, agreed: boolean, };
export type PositionForm = { unit_id: string, position: string, company?: string | null, referrer_name?: string | null, referrer_phone?: string | null, };
export type WithdrawalForm = { unit_id: string, reason: string, referrer_name?: string | null, referrer_phone?: string | null, };
export type RequestBox = "sent" | "todo" | "done";
export type RequestQuery = { box: RequestBox, kind: RequestKind | null, state: RequestState | null, 
/**
 * Matches the title, the applicant's name or the unit's name.
 */
text: string | null, 
/**
 * 1-based.
 */
page: number, page_size: number, };
export type LocalStatus = "synced" | "queued" | "rejected" | "conflict";
export type RequestRow = { id: string, kind: RequestKind, kind_label: string, title: string, applicant_name: string, node_name: string, state: RequestState, state_label: string, 
/**
 * The step being decided, while one is.
 */
step_title: string | null, submitted_at: number | null, updated_at: number, 
/**
 * The applicant confirmed the phone by SMS code (false: applied offline).
 */
sms_verified: boolean, local: LocalStatus, };
export type RequestCounts = { sent: number, todo: number, done: number, };
export type RequestPage = { rows: Array<RequestRow>, total: number, counts: RequestCounts, };
export type RequestDetail = { id: string, 
/**
 * 0 for a submission still queued here.
 */
version: number, body: RequestBody, 
/**
 * The actions the current user may take now (`workflow::allowed_actions`); empty
 * while one of theirs waits to be sent.
 */
allowed: Array<string>, local: LocalStatus, local_code: string | null, local_reason: string | null, };
export type IssueStatus = "rejected" | "conflict";
export type WorkflowIssue = { id: string, request_id: string, title: string, 
/**
 * What was tried: "通过", "驳回", "提交申请" …
 */
what: string, status: IssueStatus, code: string | null, 
/**
 * The server's reason; for a conflict, what happened instead
 * ("已由张靖于11月22日 10:30通过").
 */
reason: string | null, 
/**
 * The request's state now (conflicts).
 */
current_state_label: string | null, 
/**
 * Who acted first (conflicts).
 */
decided_by: string | null, };
export type BulkResult = { 
/**
 * Accepted by the server now.
 */
applied: number, 
/**
 * Kept here until the next sync (offline).
 */
queued: number, failed: Array<WorkflowIssue>, };
export type UnitOption = { id: string, name: string, 
/**
 * The node kind: union_federation, industry_union, unit_union, association,
 * institution.
 */
kind: string, 
/**
 * Names from the root down to this node (itself included).
 */
path_names: Array<string>, has_children: boolean, 
/**
 * An association's member levels (用户类型 of the registration form).
 */
levels: Array<string>, };
export type MembershipRecordView = { id: string, 
/**
 * The member.
 */
name: string, unit_id: string, unit_name: string, member_type: string, level: string | null, title: string | null, joined_on: string, start_on: string, end_on: string | null, ended_on: string | null, status: MembershipStatus, status_label: string, override_reason: string | null, history: Array<HistoryEntry>, };
export type MembershipQuery = { 
/**
 * An org node: records of this unit and of the units under it.
 */
unit_id: string | null, status: MembershipStatus | null, 
/**
 * Part of the member's name.
 */
text: string | null, 
/**
 * A roster entry (`member` record id): only the records of its person.
 */
member_id: string | null, 
/**
 * 1-based.
 */
page: number, page_size: number, };
export type MembershipCounts = { all: number, pending: number, current: number, grace: number, expired: number, ended: number, };
export type MembershipPage = { 
/**
 * Newest first (by start date).
 */
rows: Array<MembershipRecordView>, 
/**
 * Rows matching every filter.
 */
total: number, counts: MembershipCounts, 
/**
 * The units to filter by: those in scope holding records, and the nodes between
 * them and the caller's own, by path.
 */
units: Array<UnitOption>, 
/**
 * The roster entry's name when `member_id` was given.
 */
member_name: string | null, };
export type DelegateCandidate = { person: Person, 
/**
 * Where they come from: "南京医科大学工会 · 会员", "转出单位审核 · 审批人".
 */
label: string, phone_masked: string | null, 
/**
 * Known to review at the current step's node (an approver of a step at that node
 * or above it): a transfer to them will be accepted. A transfer to anyone else is
 * checked by the server.
 */
reviewer: boolean, };
export type NotificationView = { id: string, title: string, text: string, request_id: string | null, 
/**
 * The payment it is about (缴费确认、驳回).
 */
payment_id: string | null, at: number, 
/**
 * Opened on this device.
 */
read: boolean, };
export type ServiceView = { id: string, node_id: string, node_name: string, def: ServiceDef, };
export type AttachmentData = { name: string, mime: string, base64: string, };
export type InstitutionOption = { id: string, name: string, };
export type IdentityKind = "staff" | "student";
export type InstitutionLoginView = { session: SessionView | null, needs_binding: boolean, 
/**
 * For `institution_bind`, good for ten minutes.
 */
ticket: string | null, ticket_expires_at: number | null, 
/**
 * Whose number it is, masked ("林**").
 */
name_masked: string, kind: IdentityKind, number: string, institution_id: string, institution_name: string, };
export type InstitutionBindingView = { institution_id: string, institution_name: string, number: string, kind: IdentityKind, real_name: string, bound_at: number, 
/**
 * active | retired
 */
status: string, };
export type InstitutionUnbindView = { institution_name: string, number: string, kind: IdentityKind, session: SessionView | null, };
export type OrderStatus = "pending" | "partial" | "paid" | "cancelled";
export type PayMethod = "online" | "bank_transfer" | "cash" | "other";
export type PaymentStatus = "created" | "submitted" | "confirmed" | "rejected" | "closed";
export type PeriodKind = "year" | "half_year" | "month";
export type ProofImage = { 
/**
 * The upload it came from (the id the device chose).
 */
upload_id: string, width: number, height: number, size: number, };
export type PaymentLog = { at: number, 
/**
 * `None` for the payment provider or the system.
 */
actor?: Person | null, 
/**
 * submit, edit, confirm, reject, paid, closed.
 */
action: string, note?: string | null, };
export type OfflinePaymentForm = { amount_fen: number, 
/**
 * "2026-11-30".
 */
paid_on: string, method: PayMethod, reference?: string | null, note?: string | null, };
export type DuesRule = { 
/**
 * "会员单位年费".
 */
name: string, unit_id: string, unit_name: string, 
/**
 * 会员类型 this rule bills; `None`: every type.
 */
member_type?: string | null, 
/**
 * 会员等级 this rule bills; `None`: every level.
 */
level?: string | null, amount_fen: number, period: PeriodKind, 
/**
 * The order is due this many days after its period starts.
 */
due_days: number, 
/**
 * A member who joins during a period pays for the days left in it (first period
 * only; a whole period afterwards).
 */
prorate_first: boolean, active: boolean, };
export type GenerateReport = { 
/**
 * Orders made now.
 */
created: number, 
/**
 * Memberships billed for the period before (left as they are).
 */
existing: number, 
/**
 * Memberships no rule bills for this kind of period, or not live in it.
 */
skipped: number, };
export type LedgerQuery = { 
/**
 * A unit and its subtree; default: everywhere the caller manages dues.
 */
unit_id: string | null, 
/**
 * "2026", "2026-H1", "2026-03".
 */
period: string | null, 
/**
 * Default: submitted, confirmed and rejected (online trades never paid are left out).
 */
status: PaymentStatus | null, method: PayMethod | null, 
/**
 * Payer name contains.
 */
q: string | null, page: number | null, page_size: number | null, };
export type LedgerRow = { id: string, order_id: string, payer: string, unit_name: string, period: string, amount_fen: number, method: PayMethod, status: PaymentStatus, paid_on: string | null, reference: string | null, receipt_no: string | null, decided_by: string | null, created_at: number, };
export type LedgerTotals = { count: number, amount_fen: number, confirmed_count: number, confirmed_fen: number, pending_count: number, pending_fen: number, };
export type MethodTotal = { method: PayMethod, count: number, amount_fen: number, };
export type PeriodTotal = { period: string, orders: number, paid_orders: number, due_fen: number, paid_fen: number, outstanding_fen: number, };
export type LedgerPage = { rows: Array<LedgerRow>, page: number, page_size: number, 
/**
 * Over every row the filters match, not only this page.
 */
totals: LedgerTotals, by_method: Array<MethodTotal>, 
/**
 * The orders of the unit filter (and the period filter, if any), by period.
 */
by_period: Array<PeriodTotal>, };
export type DuesOrderView = { id: string, name: string, unit_name: string, period: string, 
/**
 * "2026年度".
 */
period_label: string, 
/**
 * "2026年度会费".
 */
item: string, amount_fen: number, paid_fen: number, 
/**
 * Offline payments waiting for confirmation (this device's unsent ones included).
 */
pending_fen: number, outstanding_fen: number, 
/**
 * What a new payment may still claim (outstanding less what waits).
 */
open_fen: number, status: OrderStatus, status_label: string, due_on: string | null, 
/**
 * Due date passed and not paid.
 */
overdue: boolean, prorated: boolean, cancel_reason: string | null, created_at: number, };
export type PaymentView = { id: string, order_id: string, payer: string, unit_name: string, period: string, period_label: string, amount_fen: number, method: PayMethod, method_label: string, status: PaymentStatus, status_label: string, paid_on: string | null, reference: string | null, note: string | null, proof: ProofImage | null, 
/**
 * The rejection's reason.
 */
reason: string | null, decided_by: string | null, decided_at: number | null, receipt_no: string | null, created_at: number, log: Array<PaymentLog>, 
/**
 * Synced, or ours waiting to be sent / refused / overtaken.
 */
local: LocalStatus, 
/**
 * What the server said when it refused ours, or who acted first.
 */
local_reason: string | null, 
/**
 * What the caller may do now (edit, delete, confirm, reject, cancel).
 */
allowed: Array<string>, 
/**
 * The payer is the caller.
 */
mine: boolean, version: number, };
export type PaymentQuery = { 
/**
 * Default: submitted (waiting for confirmation).
 */
status: PaymentStatus | null, unit_id: string | null, q: string | null, page: number | null, page_size: number | null, };
export type PaymentPage = { items: Array<PaymentView>, total: number, page: number, page_size: number, 
/**
 * Payments waiting for confirmation in the caller's units.
 */
waiting: number, };
export type OnlinePayView = { payment: PaymentView, pay_url: string, 
/**
 * The pay URL as an SVG QR code.
 */
qr_svg: string, expires_at: number, 
/**
 * "在线支付（沙箱）".
 */
channel_label: string, };
export type LedgerView = { ledger: LedgerPage, 
/**
 * Made from this device's copy (offline): only what the last sync brought.
 */
offline: boolean, };
export type SavedFile = { path: string, name: string, size: number, };
export type DuesRuleView = { id: string, rule: DuesRule, period_label: string, version: number, };
export type DuesUnit = { id: string, name: string, };
export type Audience = "members" | "open";
export type RegistrationStatus = "pending" | "confirmed" | "waitlisted" | "cancelled" | "rejected";
export type EventBody = { title: string, place?: string | null, 
/**
 * Unix ms.
 */
starts_at: number, ends_at: number, 
/**
 * After leaving, the same ticket may enter again.
 */
reentry_allowed: boolean, description?: string | null, 
/**
 * Registration is needed for a ticket.
 */
registration: boolean, 
/**
 * Places; `None`: no limit.
 */
capacity?: number | null, 
/**
 * Unix ms; registration closes then (and at the start in any case).
 */
registration_deadline?: number | null, audience: Audience, 
/**
 * A secretary confirms each registration.
 */
approval_required: boolean, 
/**
 * Integer fen; paid through the dues machinery before the ticket is issued.
 */
fee_fen?: number | null, cancelled: boolean, };
export type SurveyKind = "survey" | "vote";
export type QuestionKind = "single" | "multiple" | "text" | "rating";
export type Question = { 
/**
 * Stable within the survey: "q1", "q2" …
 */
id: string, text: string, kind: QuestionKind, 
/**
 * Choices (single, multiple).
 */
options: Array<string>, 
/**
 * Multiple choice: at least / at most this many.
 */
min?: number | null, max?: number | null, required: boolean, };
export type ResultsVisible = "after_answer" | "after_close" | "organisers";
export type SurveyBody = { title: string, description?: string | null, kind: SurveyKind, questions: Array<Question>, opens_at: number, closes_at: number, 
/**
 * Nobody — organisers included — sees who answered what.
 */
anonymous: boolean, audience: Audience, 
/**
 * An answer may be changed until the close.
 */
changeable: boolean, results: ResultsVisible, };
export type AnswerValue = { question_id: string, 
/**
 * Chosen options' indexes (single: one).
 */
choices?: Array<number>, text?: string | null, rating?: number | null, };
export type QuestionResult = { question_id: string, text: string, kind: QuestionKind, 
/**
 * Choice questions: votes per option, in the options' order.
 */
counts: Array<number>, options: Array<string>, 
/**
 * Rating: how many gave 1..=5, and the mean ×100 (integer: no float on the wire).
 */
ratings: Array<number>, mean_x100: number | null, 
/**
 * Text answers (up to 200, newest first).
 */
texts: Array<string>, 
/**
 * People who answered this question.
 */
answered: number, };
export type SurveyResults = { responses: number, questions: Array<QuestionResult>, };
export type Prize = { 
/**
 * "一等奖 · 平板电脑".
 */
name: string, count: number, };
export type LotteryStatus = "open" | "drawn";
export type Winner = { entry_id: string, name: string, };
export type PrizeResult = { prize: string, winners: Array<Winner>, };
export type EntrantRow = { entry_id: string, name: string, };
export type LotteryEntrants = { lottery_id: string, 
/**
 * The commitment published at the start.
 */
seed_commitment: string, 
/**
 * The seed, once drawn (before: `None`, so nobody can foresee the draw).
 */
seed: string | null, digest: string, entries: Array<EntrantRow>, };
export type AttendanceCounts = { 
/**
 * Confirmed registrations (or, without registration, tickets that came in).
 */
registered: number, waitlisted: number, 
/**
 * Tickets that came in at least once.
 */
checked_in: number, 
/**
 * Inside now.
 */
inside: number, 
/**
 * Came in and went out (last seen leaving).
 */
left: number, };
export type AttendeeRow = { ticket_id: string, name: string, 
/**
 * The registration's status; `None` without registration.
 */
status: RegistrationStatus | null, first_in: number | null, last_out: number | null, inside: boolean, 
/**
 * How they came in last: staff scan, venue code, by hand.
 */
how: string | null, };
export type AttendanceReport = { event_id: string, title: string, counts: AttendanceCounts, rows: Array<AttendeeRow>, 
/**
 * Tickets admitted twice by scanners that were offline together.
 */
double_admissions: number, };
export type OutboxState = { 
/**
 * "queued" (waiting for the network) or "rejected" (the server said no).
 */
state: string, code: string | null, reason: string | null, made_at: number, };
export type MyRegistration = { id: string, status: RegistrationStatus, 
/**
 * 已报名 / 候补中 / 待审核 / 已取消 / 未通过.
 */
status_label: string, paid: boolean, 
/**
 * The fee's order (pay it in 会费缴纳), while unpaid.
 */
order_id: string | null, reason: string | null, 
/**
 * Confirmed and paid: the ticket may be shown.
 */
has_ticket: boolean, };
export type MyCheckin = { id: string, 
/**
 * "in" or "out".
 */
direction: string, at: number, 
/**
 * "venue_code" (scanned here), "manual" (by a secretary).
 */
how: string, outbox: OutboxState | null, };
export type ActivityView = { id: string, node_id: string, node_name: string, title: string, description: string | null, place: string | null, starts_at: number, ends_at: number, reentry_allowed: boolean, registration: boolean, capacity: number | null, registration_deadline: number | null, audience: Audience, approval_required: boolean, fee_fen: number | null, cancelled: boolean, 
/**
 * "upcoming" (未开始), "ongoing" (进行中), "ended" (已结束), "cancelled" (已取消).
 */
phase: string, phase_label: string, mine: MyRegistration | null, 
/**
 * Why the caller cannot register now (None: they can).
 */
register_block: string | null, 
/**
 * The caller may cancel their registration now.
 */
can_cancel: boolean, 
/**
 * The caller's own check-ins and check-outs (unix ms, newest first), this
 * device's unsent ones included.
 */
my_checkins: Array<MyCheckin>, 
/**
 * The caller manages this event (registrations, attendance, codes).
 */
can_manage: boolean, };
export type MemberScanView = { 
/**
 * "checkin" or "lottery".
 */
kind: string, 
/**
 * The event's or lottery's id.
 */
target_id: string, title: string, 
/**
 * "in"/"out" for a check-in.
 */
direction: string | null, at: number, 
/**
 * Sent and accepted ("done"), waiting for the network ("queued"), or refused.
 */
state: string, message: string, };
export type SurveyView = { id: string, node_id: string, node_name: string, title: string, description: string | null, kind: SurveyKind, questions: Array<Question>, opens_at: number, closes_at: number, anonymous: boolean, audience: Audience, changeable: boolean, results: ResultsVisible, 
/**
 * "upcoming", "open", "closed".
 */
phase: string, phase_label: string, 
/**
 * What the caller answered (the server's copy, or this device's unsent one).
 */
my_answers: Array<AnswerValue> | null, outbox: OutboxState | null, 
/**
 * The caller may answer (or change the answer) now.
 */
can_answer: boolean, 
/**
 * The caller may see the tally now.
 */
can_see_results: boolean, can_manage: boolean, };
export type LotteryView = { id: string, node_id: string, node_name: string, title: string, event_id: string | null, prizes: Array<Prize>, status: LotteryStatus, entrants: number, seed_commitment: string, seed: string | null, entrants_digest: string | null, results: Array<PrizeResult>, drawn_at: number | null, 
/**
 * The caller's entry, once the server has it.
 */
my_entry: string | null, outbox: OutboxState | null, 
/**
 * What the caller won.
 */
my_prize: string | null, can_manage: boolean, };
export type MyPrize = { lottery_id: string, lottery_title: string, prize: string, drawn_at: number, };
export type DrawCheck = { lottery_id: string, 
/**
 * The revealed seed hashes to the commitment published at the start.
 */
seed_matches: boolean, 
/**
 * The entrant list hashes to the digest published with the results.
 */
entrants_match: boolean, 
/**
 * Running the draw again here gives the same winners.
 */
winners_match: boolean, entrants: number, seed: string, seed_commitment: string, digest: string, };
export type RegistrationRow = { id: string, 
/**
 * Masked (欧*).
 */
name: string, ticket_id: string, status: RegistrationStatus, status_label: string, paid: boolean, queued_at: number, created_at: number, reason: string | null, };
export type CodeView = { title: string, text: string, svg: string, expires_at: number, };
export type ActivityUnit = { id: string, name: string, };
export type Layout = "classic" | "centered" | "banner";
export type Background = "azure" | "crimson" | "ink" | "gold" | "plain";
export type CardField = "name" | "title" | "company" | "phone" | "wechat" | "products" | "certificates";
export type CardSettings = { layout: Layout, background: Background, 
/**
 * The fields shown (选中即为对外展示).
 */
fields: Array<CardField>, 
/**
 * The member's own wording of text fields, instead of the system's data.
 */
overrides?: { [key in CardField]?: string }, };
export type CardItem = { id: string, title: string, detail?: string | null, };
export type CardView = { layout: Layout, background: Background, name?: string | null, title?: string | null, company?: string | null, phone?: string | null, wechat?: string | null, products?: Array<CardItem>, certificates?: Array<CardItem>, };
export type MyCard = { settings: CardSettings, 
/**
 * What the public page shows now.
 */
view: CardView, 
/**
 * The share link, while the card is shared.
 */
link?: string, 
/**
 * Unix ms.
 */
shared_at?: number, };
export type CardScreen = { card: MyCard, 
/**
 * An SVG of the share link, drawn here.
 */
qr_svg: string | null, 
/**
 * Shown from the device's copy: the server could not be reached.
 */
offline: boolean, };
export type ContentKind = "listing" | "certificate" | "expert" | "member_showcase" | "company_showcase";
export type ListingSide = "supply" | "demand";
export type ListingForm = { side: ListingSide, title: string, 
/**
 * 分类, e.g. 品牌设计.
 */
category?: string, company?: string, 
/**
 * Free text: "面议", "5000元/套".
 */
price?: string, description?: string, 
/**
 * 截止时间, YYYY-MM-DD.
 */
valid_until?: string, 
/**
 * Uploaded pictures (attachment ids), at most nine.
 */
images?: Array<string>, };
export type CertificateForm = { 
/**
 * e.g. 2015年度广东省诚信示范企业.
 */
title: string, 
/**
 * 授予: the company or person it was given to.
 */
holder: string, 
/**
 * 颁发单位.
 */
issuer: string, 
/**
 * 颁发日期, YYYY-MM-DD.
 */
issued_on: string, 
/**
 * 证书编号.
 */
number?: string, 
/**
 * 有效期, free text ("五年").
 */
validity?: string, 
/**
 * The scan or photo of the certificate (an attachment id).
 */
image: string, };
export type ExpertForm = { name: string, 
/**
 * 专业领域.
 */
field: string, 
/**
 * 职称.
 */
title?: string, organisation?: string, bio?: string, photo?: string, };
export type MemberShowcaseForm = { 
/**
 * 个人简介.
 */
intro: string, photos?: Array<string>, };
export type CompanyShowcaseForm = { name: string, 
/**
 * 行业.
 */
industry?: string, intro?: string, address?: string, website?: string, logo?: string, };
export type ContentForm = { "kind": "listing" } & ListingForm | { "kind": "certificate" } & CertificateForm | { "kind": "expert" } & ExpertForm | { "kind": "member_showcase" } & MemberShowcaseForm | { "kind": "company_showcase" } & CompanyShowcaseForm;
export type Shown = { rev: number, form: ContentForm, 
/**
 * Unix ms.
 */
approved_at: number, approved_by: string, };
export type ReviewState = "pending" | "refused";
export type Review = { rev: number, form: ContentForm, state: ReviewState, 
/**
 * Unix ms.
 */
submitted_at: number, reason?: string, };
export type ContentItem = { kind: ContentKind, owner_id: string, 
/**
 * The last revision number given out.
 */
rev: number, shown?: Shown, review?: Review, 
/**
 * 上架: the owner shows the approved version (a new item goes on the shelf when it
 * is first approved).
 */
on_shelf: boolean, deleted: boolean, };
export type ContentStatus = "reviewing" | "refused" | "shown" | "shown_edit_reviewing" | "shown_edit_refused" | "off_shelf" | "deleted";
export type MyItem = { id: string, item: ContentItem, status: ContentStatus, status_label: string, 
/**
 * The engine's request for the version under review, while it waits.
 */
request_id?: string, };
export type HallItem = { id: string, kind: ContentKind, owner_name: string, unit_name: string, content: ContentForm, 
/**
 * Unix ms.
 */
approved_at: number, };
export type HallFilter = { kind?: ContentKind, side?: ListingSide, 
/**
 * Words to find (searched on the server; offline, in the kept copy).
 */
q?: string, };
export type HallScreen = { items: Array<HallItem>, 
/**
 * Shown from the device's copy: the server could not be reached.
 */
offline: boolean, };
export type MyContentScreen = { items: Array<MyItem>, offline: boolean, };
export type MemberShowcaseView = { account_id: string, name?: string, gender?: string, hometown?: string, education?: string, position?: string, company?: string, industry?: string, unit_name?: string, 
/**
 * The approved introduction and photos, when the member wrote some.
 */
intro?: string, photos?: Array<string>, 
/**
 * Their companies on show.
 */
companies?: Array<CompanyShowcaseForm>, };
export type ShowcaseScreen = { members: Array<MemberShowcaseView>, offline: boolean, };
export type Lesson = { title: string, 
/**
 * The lesson's text (paragraphs separated by blank lines).
 */
body: string, 
/**
 * Its pictures (attachment ids of the course's author), shown after the text.
 */
images?: Array<string>, 
/**
 * 达标要求: 阅读 N 秒.
 */
min_read_secs: number, 
/**
 * 可获得学分.
 */
credits: number, };
export type Course = { title: string, 
/**
 * 课程简介.
 */
intro?: string, 
/**
 * 会员价 and 非会员价, in fen (0: free).
 */
member_price_fen: number, non_member_price_fen: number, 
/**
 * 报名时间 (Unix ms; `None`: 不限).
 */
enrol_from: number | null, enrol_until: number | null, 
/**
 * 学习时间.
 */
learn_from: number | null, learn_until: number | null, 
/**
 * 达标分数: the credits needed to pass.
 */
pass_score: number, 
/**
 * 结业证书's title, e.g. 高级程序员证书.
 */
certificate_title: string, lessons: Array<Lesson>, };
export type ReadSignal = "open" | "visible" | "hidden" | "beat" | "close";
export type EnrolmentView = { id: string, 
/**
 * Paid (or free): the lessons can be read and count.
 */
active: boolean, 
/**
 * Whether the member price applied.
 */
member: boolean, price_fen: number, 
/**
 * The order to pay while not active.
 */
order_id?: string, 
/**
 * Seconds read per lesson, in lesson order.
 */
read_secs: Array<number>, done: Array<boolean>, percent: number, score: number, passed: boolean, passed_at?: number, 
/**
 * 结业证书编号, once passed.
 */
certificate_no?: string, };
export type CourseSummary = { id: string, node_id: string, unit_name: string, title: string, intro?: string, member_price_fen: number, non_member_price_fen: number, 
/**
 * What the caller would pay (member price if they are a member under the course's unit).
 */
my_price_fen: number, enrol_from?: number, enrol_until?: number, learn_from?: number, learn_until?: number, lessons: number, total_credits: number, pass_score: number, certificate_title: string, published: boolean, 
/**
 * The caller may edit and publish it.
 */
manage: boolean, enrolment?: EnrolmentView, };
export type LessonView = { title: string, min_read_secs: number, credits: number, body?: string, images?: Array<string>, };
export type CourseDetail = { summary: CourseSummary, lessons: Array<LessonView>, };
export type CourseListScreen = { items: Array<CourseSummary>, offline: boolean, };
export type CourseScreen = { course: CourseDetail, offline: boolean, };
export type NoticeKind = "notice" | "news";
export type NotifyPrefs = { 
/**
 * 重要通知 by SMS.
 */
sms_notices: boolean, 
/**
 * 审批进度 (submitted, approved, refused…) by SMS.
 */
sms_approvals: boolean, };
export type NoticeForm = { id: string, node_id: string, kind: NoticeKind, title: string, content: string, cover?: string, important: boolean, };
export type NoticePublished = { id: string, 
/**
 * Members told in their inbox (important notices).
 */
notified: number, };
