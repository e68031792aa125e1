// The one module that talks to Tauri. Components get a `Backend` through `backend()` and
// never import @tauri-apps themselves, so tests and the browser mock mode can swap in an
// in-memory fake (see fake.ts) with `setBackend()`.

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  CardScreen,
  ContentForm,
  ShowcaseScreen,
  NoticeForm,
  NoticePublished,
  NotifyPrefs,
  Course,
  CourseDetail,
  CourseListScreen,
  CourseScreen,
  EnrolmentView,
  ReadSignal,
  HallFilter,
  HallScreen,
  MyContentScreen,
  MyItem,
  CardSettings,
  ActivityUnit,
  ActivityView,
  AnswerValue,
  AttendanceReport,
  CodeView,
  DrawCheck,
  EventBody,
  LotteryView,
  MemberScanView,
  MyPrize,
  Prize,
  RegistrationRow,
  SurveyBody,
  SurveyResults,
  SurveyView,
  AppError,
  AppInfo,
  AssistedInput,
  AssistedResultView,
  Attachment,
  AttachmentData,
  AttendanceView,
  BulkResult,
  CheckpointStatusView,
  DelegateCandidate,
  DuesOrderView,
  DuesRule,
  DuesRuleView,
  DuesUnit,
  GenerateReport,
  LedgerQuery,
  LedgerView,
  OfflinePaymentForm,
  OnlinePayView,
  OrderStatus,
  PaymentPage,
  PaymentQuery,
  PaymentView,
  SavedFile,
  EventView,
  FieldIssue,
  HealthCodeView,
  HealthStatusResult,
  HomeSummary,
  ImportReport,
  InstitutionBindingView,
  InstitutionLoginView,
  InstitutionOption,
  InstitutionUnbindView,
  MemberPage,
  MemberQuery,
  MembershipPage,
  MembershipQuery,
  MembershipRecordView,
  MembershipStatus,
  NotificationView,
  OrgProfile,
  OrgRegisterStatus,
  OrgRegistrationForm,
  RequestCounts,
  RequestDetail,
  RequestKind,
  RequestPage,
  RequestQuery,
  RiskRegionView,
  ScannerView,
  ScanRowView,
  ScanVerdictView,
  ServiceView,
  SessionView,
  SetHealthStatusRequest,
  SiteForm,
  SiteStatsView,
  SiteView,
  SmsSent,
  SyncProgress,
  SyncStatusView,
  TicketView,
  UnitOption,
  WorkflowIssue,
} from "./bindings";

export type Unsubscribe = () => void;

/** What the scanner checks: health passes at a checkpoint, or the tickets of one event. */
export type Mode =
  | { kind: "health" }
  | { kind: "ticket"; event_id: string; direction: "in" | "out"; reentry_allowed: boolean };

/** The node site_create / site_edit answer with (the server's NodeView; not in bindings). */
export type NodeResult = { id: string; name: string } & Record<string, unknown>;

/** One method per Tauri command; each rejects with an `AppError`. */
export interface Backend {
  app_info(): Promise<AppInfo>;
  set_server_url(url: string): Promise<AppInfo>;
  set_locale(locale: string): Promise<AppInfo>;
  send_sms_code(phone: string): Promise<SmsSent>;
  login_sms(phone: string, code: string): Promise<SessionView>;
  login_password(phone: string, password: string): Promise<SessionView>;
  login_org(creditCode: string, password: string): Promise<SessionView>;
  check_registration(phone: string, realName: string, idNumber: string): Promise<FieldIssue[]>;
  /** `password`: the one chosen at registration (seed 002), or null to keep none. */
  complete_profile(realName: string, idNumber: string, password: string | null): Promise<SessionView>;
  logout(): Promise<AppInfo>;
  home_summary(): Promise<HomeSummary>;
  search_members(query: MemberQuery): Promise<MemberPage>;
  sync_now(): Promise<SyncStatusView>;
  sync_status(): Promise<SyncStatusView>;
  /** The "sync-status" event. */
  onSyncStatus(cb: (status: SyncStatusView) => void): Unsubscribe;
  /** The "sync-progress" event. */
  onSyncProgress(cb: (progress: SyncProgress) => void): Unsubscribe;

  // The checkpoint (码上行动).
  checkpoint_verify(text: string, mode: Mode): Promise<ScanVerdictView>;
  checkpoint_record(
    text: string,
    mode: Mode,
    temperature: string | null,
    remark: string | null,
  ): Promise<ScanVerdictView>;
  checkpoint_status(): Promise<CheckpointStatusView>;
  checkpoint_recent(limit: number): Promise<ScanRowView[]>;
  /** The QR codes in an image file or a pasted image. */
  decode_qr_image(bytes: number[]): Promise<string[]>;
  /** The QR codes in one webcam frame (RGBA, as a canvas gives it). */
  decode_qr_frame(width: number, height: number, rgba: number[]): Promise<string[]>;
  /** Android/iOS: one QR read by the camera (tauri-plugin-barcode-scanner); null when cancelled. */
  scan_camera(): Promise<string | null>;
  assisted_send_code(phone: string): Promise<SmsSent>;
  assisted_register(input: AssistedInput): Promise<AssistedResultView>;
  my_health_code(): Promise<HealthCodeView>;
  sites_list(): Promise<SiteView[]>;
  site_create(form: SiteForm): Promise<NodeResult>;
  site_edit(id: string, form: SiteForm): Promise<NodeResult>;
  site_scanners(id: string): Promise<ScannerView[]>;
  site_add_scanner(id: string, phone: string, name: string): Promise<ScannerView>;
  site_stats(): Promise<SiteStatsView>;
  health_set_status(request: SetHealthStatusRequest): Promise<HealthStatusResult>;
  health_import_csv(csv: string): Promise<ImportReport>;
  risk_regions(): Promise<RiskRegionView[]>;
  risk_region_add(code: string, name: string): Promise<RiskRegionView[]>;
  risk_region_remove(id: string): Promise<RiskRegionView[]>;

  // Events and their tickets.
  /** Events synced to this device, soonest first, ended ones last. */
  events_list(): Promise<EventView[]>;
  /** The member's ticket for an event (the kept copy when offline: `offline`). */
  my_ticket(eventId: string): Promise<TicketView>;
  /** A secretary's check-in figures for an event; needs the network. */
  event_attendance(eventId: string): Promise<AttendanceView>;

  // Approvals (审批): lists and details from the device, submissions and decisions
  // queued here and sent when the server answers.
  /** One page of 我发出的 / 待办 / 已办, with the three counts. */
  requests_list(query: RequestQuery): Promise<RequestPage>;
  request_counts(): Promise<RequestCounts>;
  request_detail(id: string): Promise<RequestDetail>;
  /** `form`: the kind's form (JoinForm, TransferForm …); `smsCode` null when applying offline. */
  request_submit(
    kind: RequestKind,
    form: Record<string, unknown>,
    attachments: Attachment[],
    smsCode: string | null,
  ): Promise<RequestDetail>;
  /** `action`: the domain's Action JSON, e.g. `{ action: "approve", comment: null, bill: null }`. */
  request_act(id: string, action: Record<string, unknown>): Promise<RequestDetail>;
  requests_bulk_approve(ids: string[], comment: string | null): Promise<BulkResult>;
  /** The user's submissions and decisions the server refused or found overtaken. */
  workflow_issues(): Promise<WorkflowIssue[]>;
  workflow_issue_dismiss(id: string): Promise<void>;
  /** The organisation tree one level below `parentId` (the roots for null). */
  units_children(parentId: string | null): Promise<UnitOption[]>;
  units_search(text: string): Promise<UnitOption[]>;
  my_memberships(): Promise<MembershipRecordView[]>;
  /** 会籍管理: the membership records in the secretary's scope on this device, with counts. */
  unit_memberships(query: MembershipQuery): Promise<MembershipPage>;
  /** Who the current step of a request may be delegated or transferred to, by name. */
  delegation_candidates(requestId: string, text: string): Promise<DelegateCandidate[]>;
  /** A manual status with its reason (`status` null clears it); needs the network. */
  membership_set_status(
    id: string,
    status: MembershipStatus | null,
    reason: string,
  ): Promise<MembershipRecordView>;
  /** A new end date ("2027-12-31"); needs the network. */
  membership_renew(id: string, endOn: string): Promise<MembershipRecordView>;
  notifications_list(): Promise<NotificationView[]>;
  notification_read(id: string): Promise<void>;
  /** Type checked by content here first (PDF or image, at most 5 MB); needs the network. */
  attachment_upload(name: string, bytes: number[]): Promise<Attachment>;
  attachment_fetch(id: string): Promise<AttachmentData>;
  services_list(): Promise<ServiceView[]>;
  /** A confirmation code to the logged-in user's phone (the application's SMS check). */
  send_verify_code(): Promise<SmsSent>;

  // Dues and payments (会费, seeds 001 §3 and 004 §三).
  /** The member's orders, newest first, with what is still open. */
  my_dues_orders(): Promise<DuesOrderView[]>;
  /** The member's payments (支付记录 / 缴费管理), this device's unsent ones included. */
  my_payments(): Promise<PaymentView[]>;
  payment_detail(id: string): Promise<PaymentView>;
  /** Online only: the provider's page (`pay_url`, also as `qr_svg`). */
  payment_start_online(orderId: string, amountFen: number | null): Promise<OnlinePayView>;
  /** How the payment stands now (the server asks the provider if need be); online only. */
  payment_poll(id: string): Promise<PaymentView>;
  /** Works offline: kept with its photo and sent (in pieces) when the server answers. */
  payment_submit_offline(
    orderId: string,
    form: OfflinePaymentForm,
    imageName: string | null,
    imageBytes: number[] | null,
  ): Promise<PaymentView>;
  /** `action`: the domain's PaymentAction JSON; resolves null when the payment is gone (deleted). */
  payment_act(
    id: string,
    action: Record<string, unknown>,
    imageName: string | null,
    imageBytes: number[] | null,
  ): Promise<PaymentView | null>;
  /** Forgets the server's refusal or conflict about the caller's last change, once read. */
  payment_dismiss(id: string): Promise<void>;
  payment_proof(id: string, thumb: boolean): Promise<AttachmentData>;
  /** Saves the receipt (PDF) in the downloads folder; online only. */
  payment_receipt(id: string): Promise<SavedFile>;
  /** Units where the caller manages dues. */
  dues_units(): Promise<DuesUnit[]>;
  /** The confirmation queue (待确认 by default) from this device; works offline. */
  payments_review(query: PaymentQuery): Promise<PaymentPage>;
  /** The ledger: the server's, or this device's copy when offline (`offline`). */
  payments_ledger(query: LedgerQuery): Promise<LedgerView>;
  /** Saves the ledger as XLSX or CSV in the downloads folder; online only. */
  payments_export(query: LedgerQuery, format: "xlsx" | "csv"): Promise<SavedFile>;
  /** Orders of the caller's units (default: unpaid). */
  dues_orders_admin(unitId: string | null, period: string | null, status: OrderStatus | null): Promise<DuesOrderView[]>;
  dues_rules(): Promise<DuesRuleView[]>;
  /** Online only. */
  dues_rule_save(id: string | null, rule: DuesRule): Promise<DuesRuleView>;
  /** Bills a period at a unit by hand; online only. */
  dues_generate(unitId: string, period: string): Promise<GenerateReport>;
  dues_order_cancel(id: string, reason: string): Promise<DuesOrderView>;
  /** Opens a saved file or a payment page with the system's own handler. */
  open_external(target: string): Promise<void>;

  // The electronic business card (电子名片; seed 004 §五).
  /** The caller's card (the copy last seen when offline). */
  card_get(): Promise<CardScreen>;
  /** Online only. */
  card_save(settings: CardSettings): Promise<CardScreen>;
  card_share(): Promise<CardScreen>;
  card_revoke(): Promise<CardScreen>;
  /** Community content (供需大厅, 荣誉证书, 专家库, 风采): the hall and the member's own posts. */
  content_hall(filter: HallFilter): Promise<HallScreen>;
  content_mine(): Promise<MyContentScreen>;
  /** `id` is made once per form, so a retry files nothing twice. */
  content_post(id: string, form: ContentForm): Promise<MyItem>;
  content_edit(id: string, form: ContentForm): Promise<MyItem>;
  content_shelf(id: string, onShelf: boolean): Promise<MyItem>;
  content_delete(id: string): Promise<MyItem>;
  /** 会员风采 of the caller's units (open fields only). */
  member_showcases(): Promise<ShowcaseScreen>;
  /** The learning platform (学习平台): courses, enrolment, reading reports, the certificate. */
  courses_list(): Promise<CourseListScreen>;
  /** News and notices: a secretary publishes; the member's SMS subscription settings. */
  notice_publish(form: NoticeForm): Promise<NoticePublished>;
  notify_prefs_get(): Promise<NotifyPrefs>;
  notify_prefs_set(prefs: NotifyPrefs): Promise<NotifyPrefs>;
  course_get(id: string): Promise<CourseScreen>;
  course_enrol(id: string): Promise<CourseDetail>;
  course_read(id: string, lesson: number, signal: ReadSignal): Promise<EnrolmentView>;
  course_certificate(id: string): Promise<SavedFile>;
  course_save(id: string | null, nodeId: string, course: Course): Promise<CourseDetail>;
  course_publish(id: string, published: boolean): Promise<CourseDetail>;

  // Events, questionnaires/votes and lotteries (活动, 问卷/投票, 抽奖; seed 004 §七, §八, §十一).
  /** Events the caller may attend or manages (this device's copy): upcoming and ongoing first. */
  activities(): Promise<ActivityView[]>;
  activity_detail(id: string): Promise<ActivityView>;
  /** 我的报名: events with the caller's registration or check-ins. */
  my_activities(): Promise<ActivityView[]>;
  /** Online only: the server allots places (confirmed, waitlisted, or pending approval). */
  event_register(id: string): Promise<ActivityView>;
  /** Until the event starts; online only. */
  event_cancel(id: string): Promise<ActivityView>;
  /** A scanned venue code (check in/out) or lottery code (enter): done, queued offline, or rejected. */
  member_scan(text: string): Promise<MemberScanView>;
  surveys_list(): Promise<SurveyView[]>;
  survey_detail(id: string): Promise<SurveyView>;
  /** Checked here first; kept and sent on the next sync when offline. */
  survey_answer(id: string, answers: AnswerValue[]): Promise<SurveyView>;
  /** The tally (online; the last one fetched offline). Organisers get the text answers too. */
  survey_results(id: string): Promise<SurveyResults>;
  lotteries_list(): Promise<LotteryView[]>;
  lottery_detail(id: string): Promise<LotteryView>;
  my_prizes(): Promise<MyPrize[]>;
  /** Re-runs a drawn lottery here from its published seed and entrants; online only. */
  lottery_check(id: string): Promise<DrawCheck>;
  /** Units where the caller runs events. */
  activity_units(): Promise<ActivityUnit[]>;
  /** New (`id` null) or a new version; online only. */
  event_save(id: string | null, nodeId: string, event: EventBody): Promise<ActivityView>;
  event_registrations(id: string): Promise<RegistrationRow[]>;
  /** `reason` is required when refusing. */
  registration_decide(id: string, approve: boolean, reason: string | null): Promise<RegistrationRow>;
  /** 签到统计 (online). */
  event_report(id: string): Promise<AttendanceReport>;
  /** By hand with a reason; answers the new attendance. */
  event_manual_checkin(id: string, ticketId: string, direction: "in" | "out", reason: string): Promise<AttendanceReport>;
  /** Saves the attendance (XLSX) in the downloads folder. */
  event_report_export(id: string): Promise<SavedFile>;
  /** The venue code (签到码/签退码) to show. */
  event_venue_code(id: string, direction: "in" | "out"): Promise<CodeView>;
  /** The venue code as a poster to print (PDF, downloads folder). */
  event_venue_poster(id: string, direction: "in" | "out"): Promise<SavedFile>;
  survey_save(id: string | null, nodeId: string, survey: SurveyBody): Promise<SurveyView>;
  /** The answers as XLSX in the downloads folder. */
  survey_export(id: string): Promise<SavedFile>;
  lottery_create(nodeId: string, title: string, eventId: string | null, prizes: Prize[]): Promise<LotteryView>;
  lottery_code(id: string): Promise<CodeView>;
  lottery_poster(id: string): Promise<SavedFile>;
  /** Draws every prize, once. */
  lottery_draw(id: string): Promise<LotteryView>;

  // Organisations (seed 001): registration and its status without logging in, then the profile.
  org_associations(): Promise<UnitOption[]>;
  org_register(
    associationId: string,
    form: OrgRegistrationForm,
    password: string,
    agreed: boolean,
  ): Promise<OrgRegisterStatus>;
  /** By unified social credit code or phone. */
  org_register_status(q: string): Promise<OrgRegisterStatus>;
  org_profile_get(): Promise<OrgProfile>;
  org_profile_save(profile: OrgProfile): Promise<SessionView>;

  // 在校师生 (seed 003): 工号/学号 + password, a phone bound once, unbound when the number changes.
  /** The institutions offering this login (no login needed). */
  institutions_list(): Promise<InstitutionOption[]>;
  /** Bound: `session` (logged in). Unbound: `needs_binding` with a ticket for `institution_bind`. */
  institution_login(institutionId: string, number: string, password: string): Promise<InstitutionLoginView>;
  /** Binds the ticket's number to the person's own phone (code from `send_sms_code`) and logs in. */
  institution_bind(ticket: string, phone: string, code: string): Promise<SessionView>;
  /** With number and password, or (both null, logged in) the person's own binding there. */
  institution_unbind(
    institutionId: string,
    number: string | null,
    password: string | null,
  ): Promise<InstitutionUnbindView>;
  /** The logged-in person's bound numbers (the device's copy when offline). */
  institution_bindings(): Promise<InstitutionBindingView[]>;
}

export function isAppError(e: unknown): e is AppError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as AppError).code === "string" &&
    typeof (e as AppError).message === "string"
  );
}

/** Whatever a command rejected with, as an `AppError` the UI can show. */
export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return { code: e.code, message: e.message };
  // Tauri itself rejects with a plain string when a command is missing or its
  // arguments do not deserialise.
  if (typeof e === "string") return { code: "Ipc", message: e };
  if (e instanceof Error) return { code: "Ipc", message: e.message };
  return { code: "Unknown", message: String(e) };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toAppError(e);
  }
}

function subscribe<T>(event: string, cb: (payload: T) => void): Unsubscribe {
  let stopped = false;
  let unlisten: UnlistenFn | null = null;
  listen<T>(event, (e) => {
    if (!stopped) cb(e.payload);
  })
    .then((fn) => {
      if (stopped) fn();
      else unlisten = fn;
    })
    .catch(() => {
      // No event bridge (should not happen inside Tauri); polling still works.
    });
  return () => {
    stopped = true;
    unlisten?.();
    unlisten = null;
  };
}

// Tauri 2 maps camelCase keys of the payload to the commands' snake_case arguments.
export const tauriBackend: Backend = {
  app_info: () => call("app_info"),
  set_server_url: (url) => call("set_server_url", { url }),
  set_locale: (locale) => call("set_locale", { locale }),
  send_sms_code: (phone) => call("send_sms_code", { phone }),
  login_sms: (phone, code) => call("login_sms", { phone, code }),
  login_password: (phone, password) => call("login_password", { phone, password }),
  login_org: (creditCode, password) => call("login_org", { creditCode, password }),
  check_registration: (phone, realName, idNumber) =>
    call("check_registration", { phone, realName, idNumber }),
  complete_profile: (realName, idNumber, password) =>
    call("complete_profile", { realName, idNumber, password }),
  logout: () => call("logout"),
  home_summary: () => call("home_summary"),
  search_members: (query) => call("search_members", { query }),
  sync_now: () => call("sync_now"),
  sync_status: () => call("sync_status"),
  onSyncStatus: (cb) => subscribe("sync-status", cb),
  onSyncProgress: (cb) => subscribe("sync-progress", cb),
  checkpoint_verify: (text, mode) => call("checkpoint_verify", { text, mode }),
  checkpoint_record: (text, mode, temperature, remark) =>
    call("checkpoint_record", { text, mode, temperature, remark }),
  checkpoint_status: () => call("checkpoint_status"),
  checkpoint_recent: (limit) => call("checkpoint_recent", { limit }),
  decode_qr_image: (bytes) => call("decode_qr_image", { bytes }),
  decode_qr_frame: (width, height, rgba) => call("decode_qr_frame", { width, height, rgba }),
  scan_camera: async () => {
    // The plugin's own command (granted in capabilities/mobile.json only).
    const r = await call<{ content?: string } | null>("plugin:barcode-scanner|scan", {
      windowed: false,
      formats: ["QR_CODE"],
    });
    return r?.content ?? null;
  },
  assisted_send_code: (phone) => call("assisted_send_code", { phone }),
  assisted_register: (input) => call("assisted_register", { input }),
  my_health_code: () => call("my_health_code"),
  sites_list: () => call("sites_list"),
  site_create: (form) => call("site_create", { form }),
  site_edit: (id, form) => call("site_edit", { id, form }),
  site_scanners: (id) => call("site_scanners", { id }),
  site_add_scanner: (id, phone, name) => call("site_add_scanner", { id, phone, name }),
  site_stats: () => call("site_stats"),
  health_set_status: (request) => call("health_set_status", { request }),
  health_import_csv: (csv) => call("health_import_csv", { csv }),
  risk_regions: () => call("risk_regions"),
  risk_region_add: (code, name) => call("risk_region_add", { code, name }),
  risk_region_remove: (id) => call("risk_region_remove", { id }),
  events_list: () => call("events_list"),
  my_ticket: (eventId) => call("my_ticket", { eventId }),
  event_attendance: (eventId) => call("event_attendance", { eventId }),
  requests_list: (query) => call("requests_list", { query }),
  request_counts: () => call("request_counts"),
  request_detail: (id) => call("request_detail", { id }),
  request_submit: (kind, form, attachments, smsCode) =>
    call("request_submit", { kind, form, attachments, smsCode }),
  request_act: (id, action) => call("request_act", { id, action }),
  requests_bulk_approve: (ids, comment) => call("requests_bulk_approve", { ids, comment }),
  workflow_issues: () => call("workflow_issues"),
  workflow_issue_dismiss: (id) => call("workflow_issue_dismiss", { id }),
  units_children: (parentId) => call("units_children", { parentId }),
  units_search: (text) => call("units_search", { text }),
  my_memberships: () => call("my_memberships"),
  my_dues_orders: () => call("my_dues_orders"),
  unit_memberships: (query) => call("unit_memberships", { query }),
  delegation_candidates: (requestId, text) => call("delegation_candidates", { requestId, text }),
  membership_set_status: (id, status, reason) =>
    call("membership_set_status", { id, status, reason }),
  membership_renew: (id, endOn) => call("membership_renew", { id, endOn }),
  notifications_list: () => call("notifications_list"),
  notification_read: (id) => call("notification_read", { id }),
  attachment_upload: (name, bytes) => call("attachment_upload", { name, bytes }),
  attachment_fetch: (id) => call("attachment_fetch", { id }),
  services_list: () => call("services_list"),
  send_verify_code: () => call("send_verify_code"),
  my_payments: () => call("my_payments"),
  payment_detail: (id) => call("payment_detail", { id }),
  payment_start_online: (orderId, amountFen) => call("payment_start_online", { orderId, amountFen }),
  payment_poll: (id) => call("payment_poll", { id }),
  payment_submit_offline: (orderId, form, imageName, imageBytes) =>
    call("payment_submit_offline", { orderId, form, imageName, imageBytes }),
  payment_act: (id, action, imageName, imageBytes) => call("payment_act", { id, action, imageName, imageBytes }),
  payment_dismiss: (id) => call("payment_dismiss", { id }),
  payment_proof: (id, thumb) => call("payment_proof", { id, thumb }),
  payment_receipt: (id) => call("payment_receipt", { id }),
  dues_units: () => call("dues_units"),
  payments_review: (query) => call("payments_review", { query }),
  payments_ledger: (query) => call("payments_ledger", { query }),
  payments_export: (query, format) => call("payments_export", { query, format }),
  dues_orders_admin: (unitId, period, status) => call("dues_orders_admin", { unitId, period, status }),
  dues_rules: () => call("dues_rules"),
  dues_rule_save: (id, rule) => call("dues_rule_save", { id, rule }),
  dues_generate: (unitId, period) => call("dues_generate", { unitId, period }),
  dues_order_cancel: (id, reason) => call("dues_order_cancel", { id, reason }),
  open_external: (target) => call("open_external", { target }),
  card_get: () => call("card_get"),
  card_save: (settings) => call("card_save", { settings }),
  card_share: () => call("card_share"),
  card_revoke: () => call("card_revoke"),
  content_hall: (filter) => call("content_hall", { filter }),
  content_mine: () => call("content_mine"),
  content_post: (id, form) => call("content_post", { id, form }),
  content_edit: (id, form) => call("content_edit", { id, form }),
  content_shelf: (id, onShelf) => call("content_shelf", { id, onShelf }),
  content_delete: (id) => call("content_delete", { id }),
  member_showcases: () => call("member_showcases"),
  courses_list: () => call("courses_list"),
  notice_publish: (form) => call("notice_publish", { form }),
  notify_prefs_get: () => call("notify_prefs_get"),
  notify_prefs_set: (prefs) => call("notify_prefs_set", { prefs }),
  course_get: (id) => call("course_get", { id }),
  course_enrol: (id) => call("course_enrol", { id }),
  course_read: (id, lesson, signal) => call("course_read", { id, lesson, signal }),
  course_certificate: (id) => call("course_certificate", { id }),
  course_save: (id, nodeId, course) => call("course_save", { id, nodeId, course }),
  course_publish: (id, published) => call("course_publish", { id, published }),
  activities: () => call("activities"),
  activity_detail: (id) => call("activity_detail", { id }),
  my_activities: () => call("my_activities"),
  event_register: (id) => call("event_register", { id }),
  event_cancel: (id) => call("event_cancel", { id }),
  member_scan: (text) => call("member_scan", { text }),
  surveys_list: () => call("surveys_list"),
  survey_detail: (id) => call("survey_detail", { id }),
  survey_answer: (id, answers) => call("survey_answer", { id, answers }),
  survey_results: (id) => call("survey_results", { id }),
  lotteries_list: () => call("lotteries_list"),
  lottery_detail: (id) => call("lottery_detail", { id }),
  my_prizes: () => call("my_prizes"),
  lottery_check: (id) => call("lottery_check", { id }),
  activity_units: () => call("activity_units"),
  event_save: (id, nodeId, event) => call("event_save", { id, nodeId, event }),
  event_registrations: (id) => call("event_registrations", { id }),
  registration_decide: (id, approve, reason) => call("registration_decide", { id, approve, reason }),
  event_report: (id) => call("event_report", { id }),
  event_manual_checkin: (id, ticketId, direction, reason) =>
    call("event_manual_checkin", { id, ticketId, direction, reason }),
  event_report_export: (id) => call("event_report_export", { id }),
  event_venue_code: (id, direction) => call("event_venue_code", { id, direction }),
  event_venue_poster: (id, direction) => call("event_venue_poster", { id, direction }),
  survey_save: (id, nodeId, survey) => call("survey_save", { id, nodeId, survey }),
  survey_export: (id) => call("survey_export", { id }),
  lottery_create: (nodeId, title, eventId, prizes) => call("lottery_create", { nodeId, title, eventId, prizes }),
  lottery_code: (id) => call("lottery_code", { id }),
  lottery_poster: (id) => call("lottery_poster", { id }),
  lottery_draw: (id) => call("lottery_draw", { id }),
  org_associations: () => call("org_associations"),
  org_register: (associationId, form, password, agreed) =>
    call("org_register", { associationId, form, password, agreed }),
  org_register_status: (q) => call("org_register_status", { q }),
  org_profile_get: () => call("org_profile_get"),
  org_profile_save: (profile) => call("org_profile_save", { profile }),
  institutions_list: () => call("institutions_list"),
  institution_login: (institutionId, number, password) =>
    call("institution_login", { institutionId, number, password }),
  institution_bind: (ticket, phone, code) => call("institution_bind", { ticket, phone, code }),
  institution_unbind: (institutionId, number, password) =>
    call("institution_unbind", { institutionId, number, password }),
  institution_bindings: () => call("institution_bindings"),
};

let current: Backend | null = null;

/** Installs the backend every component uses (the fake one in tests and mock mode). */
export function setBackend(b: Backend): void {
  current = b;
}

/** The backend components call: the installed one, else Tauri's. */
export function backend(): Backend {
  return current ?? tauriBackend;
}

/** True inside the Tauri webview. */
export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}
