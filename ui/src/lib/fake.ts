// An in-memory Backend with realistic behaviour: the component tests drive it, and the
// browser mock mode (?mock=member|secretary|scanner|login) runs the whole UI on it.
// It records every call so tests can assert what the UI asked for.

import type { Backend, Mode, NodeResult, Unsubscribe } from "./api";
import type {
  AppError,
  AppInfo,
  AssistedInput,
  AssistedResultView,
  CardScreen,
  ContentForm,
  ShowcaseScreen,
  NoticeForm,
  NoticePublished,
  NoticeView,
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
  AttendanceView,
  CheckpointStatusView,
  EventView,
  FieldIssue,
  HealthCodeView,
  HealthStatusResult,
  HomeSummary,
  ImportReport,
  ImportRowError,
  InstitutionBindingView,
  InstitutionLoginView,
  InstitutionOption,
  InstitutionUnbindView,
  MemberPage,
  MemberQuery,
  RiskRegionView,
  Role,
  ScanCounts,
  ScannerView,
  ScanRowView,
  ScanVerdictView,
  SessionView,
  SetHealthStatusRequest,
  SiteForm,
  SiteStatsRow,
  SiteStatsView,
  SiteView,
  SmsSent,
  SyncProgress,
  SyncStatusView,
  TicketView,
  TurnBackView,
} from "./bindings";
import {
  DEMO_DISPLAY_NAMES,
  EVENT_IDS,
  EVENT_ORG,
  SITE_COUNTS,
  demoAttendance,
  demoEvents,
  demoTicketText,
  eventTag,
  demoRecentScans,
  demoSites,
  fakeQrSvg,
  DEMO_PASSWORD,
  DEV_CODE,
  MEMBER_NOTICES,
  SECRETARY_NOTICES,
  TAKEN_ID,
  UNITS,
  creditCheckChar,
  demoAccounts,
  demoMembers,
  idCheckChar,
  maskId,
  maskPhone,
  type FakeAccount,
  type FakeMember,
} from "./fakeData";
import { FakeWorkflow, type Ctx } from "./fakeWorkflow";
import { FakeDues } from "./fakeDues";
import { FakeCard } from "./fakeCard";
import { FakeContent } from "./fakeContent";
import { FakeLearning } from "./fakeLearning";
import { FakeActivities } from "./fakeActivities";
import type {
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
} from "./activities";
import type {
  DuesRule,
  DuesRuleView,
  DuesUnit,
  GenerateReport,
  LedgerQuery,
  LedgerView,
  OfflinePaymentForm,
  OnlinePayView,
  OrderStatus,
  PaymentAction,
  PaymentPage,
  PaymentQuery,
  PaymentView,
  SavedFile,
} from "./dues";
import { FakeInstitutions } from "./fakeInstitution";
import { seedRosterMemberships } from "./fakeWorkflowData";
import type { RequestAction } from "./workflow";
import type {
  Attachment,
  AttachmentData,
  BulkResult,
  DelegateCandidate,
  DuesOrderView,
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
  ServiceView,
  UnitOption,
  WorkflowIssue,
} from "./workflow";

export type Scenario =
  | "login"
  | "member"
  | "secretary"
  | "scanner"
  | "organisation"
  | "site_manager"
  | "health_authority";

export type FakeOptions = {
  scenario?: Scenario;
  online?: boolean;
  locale?: string;
  pending?: number;
  lastSuccessMs?: number | null;
  /** Whether the dev SMS code is returned (the server's --dev mode). */
  devMode?: boolean;
  /** Milliseconds each call waits, to make the mock mode feel like a real device. */
  latencyMs?: number;
  /** Emit progress events over time on sync_now (mock mode), instead of finishing at once. */
  animateSync?: boolean;
  /** The member's health code colour (my_health_code). */
  healthColour?: "green" | "yellow" | "red";
  /** More join requests waiting for the association secretary (paging, bulk approval). */
  extraTodo?: number;
  /** The organisation account logs in with its profile still to complete. */
  orgNeedsProfile?: boolean;
};

export type Call = { cmd: string; args: unknown[] };

const err = (code: string, message: string): AppError => ({ code, message });
/** The app's answer when an override or renewal is tried offline (memberships.rs). */
const MEMBERSHIP_OFFLINE = err("MembershipOffline", "调整会籍需要联网，当前无法连接服务器，请联网后再试");

export class FakeBackend implements Backend {
  readonly calls: Call[] = [];
  info: AppInfo;
  status: SyncStatusView;
  accounts: FakeAccount[] = demoAccounts();
  members: FakeMember[] = demoMembers();
  /** The next call of a command rejects with this error. */
  private failures = new Map<string, AppError>();
  private statusListeners = new Set<(s: SyncStatusView) => void>();
  private progressListeners = new Set<(p: SyncProgress) => void>();
  private codes = new Map<string, string>();
  private latencyMs: number;
  private devMode: boolean;
  private animateSync: boolean;
  scanner = { site_name: "口前镇检查站", scans_today: 128, turned_back_today: 3, last_scan_at: Date.now() - 4 * 60_000 };
  // The checkpoint.
  sites = demoSites();
  siteCounts: Record<string, ScanCounts> = structuredClone(SITE_COUNTS);
  recentScans: ScanRowView[] = demoRecentScans();
  pendingAssisted = 0;
  scanners: Record<string, Array<ScannerView & { phone: string }>> = {
    "n-kq": [{ account_id: "0195a0c1-0000-7000-8000-000000000005", name_masked: "赵**", phone_masked: "139****0005", phone: "13900000005" }],
  };
  riskRegions: RiskRegionView[] = [
    { id: "rr-1", code: "220203", name: "吉林省吉林市龙潭区" },
    { id: "rr-2", code: "210100", name: "辽宁省沈阳市" },
  ];
  healthColour: "green" | "yellow" | "red";
  /** When this device last fetched the health code (for the offline copy). */
  healthFetchedAt = Date.now() - 12 * 60_000;
  // Events and tickets.
  events: EventView[] = demoEvents();
  /** Events whose ticket this device has kept (shown offline). */
  ticketsKept = new Set<string>([EVENT_IDS.assembly]);
  /** Where each ticket stands after the scans recorded here (by its text). */
  ticketState = new Map<string, { inside: boolean; entries: number }>();
  private nextId = 1;
  /** The approval engine: requests, memberships, dues, inbox, org registrations. */
  wf: FakeWorkflow;
  /** Dues and payments: orders (shared with the approval engine), payments, rules. */
  dues: FakeDues;
  card: FakeCard;
  /** Community content: posts, their review, the hall. */
  content: FakeContent;
  /** The learning platform: the demo course, enrolments, reading time. */
  learning: FakeLearning;
  /** Notices published here (newest first), shown above the demo's. */
  published: NoticeView[] = [];
  notifyPrefs: NotifyPrefs = { sms_notices: true, sms_approvals: true };
  /** Events, questionnaires/votes and lotteries. */
  acts: FakeActivities;
  /** Links and files the app asked the system to open. */
  opened: string[] = [];
  /** 在校师生 (seed 003): 西安文理学院's numbers, tickets and bindings. */
  inst: FakeInstitutions;

  constructor(opts: FakeOptions = {}) {
    const scenario = opts.scenario ?? "login";
    this.wf = new FakeWorkflow(opts.extraTodo ?? 0);
    this.inst = new FakeInstitutions({
      accounts: this.accounts,
      checkCode: (phone, code) => {
        if (!this.codes.has(phone)) throw err("SmsCodeNotRequested", "请先获取验证码");
        if (this.codes.get(phone) !== code) throw err("SmsCodeWrong", "验证码错误");
        this.codes.delete(phone);
      },
      login: (s) => this.login(s),
      session: () => this.info.session,
      now: () => Date.now(),
    });
    seedRosterMemberships(this.wf, this.members);
    this.dues = new FakeDues(this.wf);
    this.card = new FakeCard(() => {
      const a = this.info.session?.account;
      return { name: a?.real_name ?? null, title: "工会干事", company: "南京医科大学第一附属医院", phone: "13800000001" };
    });
    this.acts = new FakeActivities(() => this.wf.units);
    this.learning = new FakeLearning(() => {
      const a = this.info.session?.account;
      const grant = a?.grants.find((g) => g.role === "secretary" && g.node_id);
      return {
        id: a?.id ?? "",
        member: a ? this.wf.live(a.id).length > 0 : false,
        manage: !!grant,
        unit: grant?.node_name ?? "",
      };
    });
    this.content = new FakeContent(() => {
      const a = this.info.session?.account;
      const unit = a ? (this.wf.live(a.id)[0]?.unit_name ?? null) : null;
      return { id: a?.id ?? "", name: a?.real_name ?? a?.org_name ?? "", unit };
    });
    if (opts.orgNeedsProfile) {
      const org = this.accounts.find((a) => a.session.account.kind === "organisation");
      if (org) org.session.account.needs_profile = true;
    }
    this.latencyMs = opts.latencyMs ?? 0;
    this.devMode = opts.devMode ?? true;
    this.animateSync = opts.animateSync ?? false;
    this.healthColour = opts.healthColour ?? "green";
    this.info = {
      version: "0.1.0",
      server_url: "https://huiji.example.cn",
      default_server_url: "https://huiji.example.cn",
      locale: opts.locale ?? "zh-CN",
      session: this.sessionFor(scenario),
    };
    this.status = {
      online: opts.online ?? true,
      syncing: false,
      last_success_ms: opts.lastSuccessMs === undefined ? Date.now() - 3 * 60_000 : opts.lastSuccessMs,
      pending: opts.pending ?? 0,
      rejected: 0,
      conflicts: 0,
      last_error: null,
      progress: null,
    };
  }

  private sessionFor(s: Scenario): SessionView | null {
    const byHome = (pred: (a: FakeAccount) => boolean) => this.accounts.find(pred)?.session ?? null;
    switch (s) {
      case "login":
        return null;
      case "organisation":
        return byHome((a) => a.session.account.kind === "organisation");
      case "scanner":
      case "site_manager":
      case "health_authority":
        return byHome((a) => a.session.account.grants.some((g) => g.role === s));
      default:
        return byHome((a) => a.session.home === s && a.session.account.kind === "person");
    }
  }

  /** Makes the next call of `cmd` reject with `{code, message}`. */
  failNext(cmd: keyof Backend, code: string, message: string): void {
    this.failures.set(cmd, err(code, message));
  }

  callsOf(cmd: keyof Backend): unknown[][] {
    return this.calls.filter((c) => c.cmd === cmd).map((c) => c.args);
  }

  emitStatus(patch: Partial<SyncStatusView>): void {
    this.status = { ...this.status, ...patch };
    for (const cb of this.statusListeners) cb({ ...this.status });
  }

  emitProgress(p: SyncProgress): void {
    for (const cb of this.progressListeners) cb(p);
  }

  listenerCount(): number {
    return this.statusListeners.size + this.progressListeners.size;
  }

  private async run<T>(cmd: string, args: unknown[], body: () => T): Promise<T> {
    this.calls.push({ cmd, args });
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    else await Promise.resolve();
    const failure = this.failures.get(cmd);
    if (failure) {
      this.failures.delete(cmd);
      throw failure;
    }
    return body();
  }

  private login(session: SessionView): SessionView {
    this.info = { ...this.info, session };
    return session;
  }

  app_info(): Promise<AppInfo> {
    return this.run("app_info", [], () => structuredClone(this.info));
  }

  set_server_url(url: string): Promise<AppInfo> {
    return this.run("set_server_url", [url], () => {
      const u = url.trim();
      const loopback = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(u);
      if (!/^https:\/\/[^\s/]+/.test(u) && !loopback) {
        throw err("ServerUrlInvalid", "服务器地址须以 https:// 开头（本机调试可用 http://127.0.0.1）");
      }
      this.info = { ...this.info, server_url: u };
      return structuredClone(this.info);
    });
  }

  set_locale(locale: string): Promise<AppInfo> {
    return this.run("set_locale", [locale], () => {
      this.info = { ...this.info, locale };
      return structuredClone(this.info);
    });
  }

  send_sms_code(phone: string): Promise<SmsSent> {
    return this.run("send_sms_code", [phone], () => {
      checkPhone(phone);
      this.codes.set(phone, DEV_CODE);
      return { retry_after_secs: 60, dev_code: this.devMode ? DEV_CODE : null };
    });
  }

  login_sms(phone: string, code: string): Promise<SessionView> {
    return this.run("login_sms", [phone, code], () => {
      checkPhone(phone);
      if (!this.codes.has(phone)) throw err("SmsCodeNotRequested", "请先获取验证码");
      if (this.codes.get(phone) !== code.trim()) throw err("SmsCodeWrong", "验证码错误");
      const known = this.accounts.find((a) => a.phone === phone);
      if (known) return this.login(known.session);
      // A new phone registers: the profile comes next.
      const session: SessionView = {
        home: "member",
        logged_in_at: Date.now(),
        account: {
          id: "0195a0c1-0000-7000-8000-0000000000ff",
          kind: "person",
          phone_masked: maskPhone(phone),
          real_name: null,
          id_number_masked: null,
          credit_code: null,
          org_name: null,
          grants: [],
          needs_profile: true,
        },
      };
      this.accounts.push({ phone, creditCode: null, session });
      return this.login(session);
    });
  }

  login_password(phone: string, password: string): Promise<SessionView> {
    return this.run("login_password", [phone, password], () => {
      checkPhone(phone);
      const known = this.accounts.find((a) => a.phone === phone);
      if (!known || password !== DEMO_PASSWORD) throw err("LoginFailed", "手机号或密码错误");
      return this.login(known.session);
    });
  }

  login_org(creditCode: string, password: string): Promise<SessionView> {
    return this.run("login_org", [creditCode, password], () => {
      const cc = creditCode.trim().toUpperCase();
      if (cc.length !== 18) throw err("CreditCodeLength", "统一社会信用代码应为18位");
      if (creditCheckChar(cc.slice(0, 17)) !== cc[17]) {
        throw err("CreditCodeCheckChar", "统一社会信用代码校验位不正确，请核对");
      }
      const refusal = this.wf.regLoginRefusal(cc);
      if (refusal) throw refusal;
      const activated = this.wf.activatedOrgs.find((a) => a.creditCode === cc);
      if (activated) {
        if (password !== activated.password) throw err("LoginFailed", "信用代码或密码错误");
        return this.login(activated.session);
      }
      const known = this.accounts.find((a) => a.creditCode === cc);
      if (!known || password !== DEMO_PASSWORD) throw err("LoginFailed", "信用代码或密码错误");
      return this.login(known.session);
    });
  }

  check_registration(phone: string, realName: string, idNumber: string): Promise<FieldIssue[]> {
    return this.run("check_registration", [phone, realName, idNumber], () =>
      registrationIssues(phone, realName, idNumber),
    );
  }

  complete_profile(realName: string, idNumber: string, password: string | null): Promise<SessionView> {
    return this.run("complete_profile", [realName, idNumber, password], () => {
      const session = this.info.session;
      if (!session) throw err("Unauthorized", "请先登录，或登录已过期");
      if (password !== null && (password.length < 8 || !/[A-Za-z]/.test(password) || !/\d/.test(password))) {
        throw err("PasswordTooWeak", "密码应为8到64位，且同时包含字母和数字");
      }
      const issues = registrationIssues(null, realName, idNumber);
      if (issues.length > 0) throw err(issues[0].code, issues[0].message);
      const id = idNumber.trim().toUpperCase();
      if (id === TAKEN_ID) throw err("IdNumberTaken", "该身份证号已绑定其他账号");
      const next: SessionView = {
        ...session,
        account: {
          ...session.account,
          real_name: realName.trim(),
          id_number_masked: maskId(id),
          needs_profile: false,
        },
      };
      return this.login(next);
    });
  }

  logout(): Promise<AppInfo> {
    return this.run("logout", [], () => {
      this.info = { ...this.info, session: null };
      return structuredClone(this.info);
    });
  }

  home_summary(): Promise<HomeSummary> {
    return this.run("home_summary", [], () => {
      const session = this.info.session;
      if (!session) throw err("Unauthorized", "请先登录，或登录已过期");
      const summary: HomeSummary = { home: session.home, member: null, secretary: null, scanner: null };
      if (session.home === "member") {
        summary.member =
          session.account.kind === "organisation"
            ? {
                memberships: [
                  { id: "ms-o1", unit_name: "江苏省互联网协会", category: "单位会员", level: "副理事长单位", title: null },
                ],
                notices: [...this.published, ...SECRETARY_NOTICES],
              }
            : session.account.needs_profile || !session.account.grants.length
              ? { memberships: [], notices: [] }
              : {
                  memberships: [
                    { id: "ms-1", unit_name: "南京医科大学工会", category: "机关事业单位职工", level: null, title: "会员" },
                  ],
                  notices: [...this.published, ...MEMBER_NOTICES],
                };
      } else if (session.home === "secretary") {
        summary.secretary = {
          scope_name: "江苏省互联网协会",
          member_count: this.members.length,
          pending_reviews: this.wf.counts(session.account.id).todo,
          units: UNITS.map((name, i) => ({
            node_id: `u-${i}`,
            name,
            members: this.members.filter((m) => m.unit_name === name).length,
          })),
          notices: [...this.published, ...SECRETARY_NOTICES],
        };
      } else {
        summary.scanner = { ...this.scanner };
      }
      return summary;
    });
  }

  search_members(query: MemberQuery): Promise<MemberPage> {
    return this.run("search_members", [structuredClone(query)], () => {
      const text = query.text.trim().toLowerCase();
      let rows = this.members.filter((m) => matches(m, text));
      const dir = query.desc ? -1 : 1;
      const byName = (a: FakeMember, b: FakeMember) => a.name.localeCompare(b.name, "zh-CN");
      rows = [...rows].sort((a, b) => {
        if (query.sort === "unit") return dir * (a.unit_name.localeCompare(b.unit_name, "zh-CN") || byName(a, b));
        if (query.sort === "recent") return dir * (a.joined_at - b.joined_at);
        return dir * byName(a, b);
      });
      const size = Math.max(1, query.page_size);
      const page = Math.max(1, query.page);
      const items = rows.slice((page - 1) * size, page * size).map((m) => ({
        id: m.id,
        name: m.name,
        phone_masked: m.phone_masked,
        id_number_masked: m.id_number_masked,
        category: m.category,
        level: m.level,
        credit_code: m.credit_code,
        unit_name: m.unit_name,
      }));
      return { items, total: rows.length, page, page_size: size };
    });
  }

  sync_now(): Promise<SyncStatusView> {
    return this.run("sync_now", [], () => {
      if (!this.status.online) {
        this.emitStatus({ last_error: "无法连接服务器，数据已保存在本机，联网后自动上传" });
        return { ...this.status };
      }
      if (this.animateSync) {
        this.emitStatus({ syncing: true, last_error: null });
        void this.animate();
        return { ...this.status };
      }
      this.wf.flush();
      this.dues.sync();
      if (this.info.session) this.acts.sync(this.ctx());
      this.emitStatus({ syncing: false, pending: 0, last_success_ms: Date.now(), last_error: null, progress: null });
      return { ...this.status };
    });
  }

  private async animate(): Promise<void> {
    const total = 12_480;
    for (let step = 1; step <= 10; step++) {
      await new Promise((r) => setTimeout(r, 160));
      const p = { rows: step * 250, cursor: Math.round((total * step) / 10), server_seq: total };
      this.status = { ...this.status, progress: p };
      this.emitProgress(p);
    }
    this.wf.flush();
    this.dues.sync();
    if (this.info.session) this.acts.sync(this.ctx());
    this.emitStatus({ syncing: false, pending: 0, last_success_ms: Date.now(), progress: null });
  }

  sync_status(): Promise<SyncStatusView> {
    return this.run("sync_status", [], () => ({ ...this.status }));
  }

  onSyncStatus(cb: (s: SyncStatusView) => void): Unsubscribe {
    this.statusListeners.add(cb);
    return () => this.statusListeners.delete(cb);
  }

  onSyncProgress(cb: (p: SyncProgress) => void): Unsubscribe {
    this.progressListeners.add(cb);
    return () => this.progressListeners.delete(cb);
  }

  // ------------------------------------------------------------ the checkpoint

  private session(): SessionView {
    const s = this.info.session;
    if (!s) throw err("Unauthorized", "请先登录，或登录已过期");
    return s;
  }

  private grantNode(roles: Role[]): { id: string; name: string } | null {
    const grants = this.session().account.grants;
    for (const role of roles) {
      const g = grants.find((x) => x.role === role && x.node_id);
      if (g) return { id: g.node_id!, name: g.node_name ?? "" };
    }
    return null;
  }

  /** The site this account scans at (scanner grant, else site manager). */
  private scanSite() {
    return this.grantNode(["scanner", "site_manager"]);
  }

  private managedSite(): string {
    const site = this.grantNode(["site_manager", "health_authority", "scanner"]);
    if (!site) throw err("NoSite", "当前账号没有管理的站点");
    return site.id;
  }

  private offlineError(): AppError {
    return err("Network", "无法连接服务器，请检查网络后重试");
  }

  private requireOnline(): void {
    if (!this.status.online) throw this.offlineError();
  }

  private trustAge(): { trust_updated_ms: number | null; trust_stale: boolean } {
    const last = this.status.last_success_ms;
    return { trust_updated_ms: last, trust_stale: last === null || Date.now() - last > 86_400_000 };
  }

  private assess(text: string, mode: Mode, tenths: number | null): ScanVerdictView {
    const t = text.trim();
    const upper = t.toUpperCase();
    const nameIndex = [...t].reduce((a, c) => a + c.charCodeAt(0), 0) % DEMO_DISPLAY_NAMES.length;
    const isTicket = upper.includes("TICKET") || upper.includes("TKT");
    const turnBack: TurnBackView[] = [];
    let reason_code = "credential.valid";
    let reason = "有效";
    let colour: string | null = null;
    let claims = true;
    let refused = false;
    if (!upper.startsWith("HJ1:")) {
      [reason_code, reason, claims] = ["credential.malformed", "无法识别的码", false];
    } else if (upper.includes("BAD")) {
      [reason_code, reason, claims] = ["credential.bad_signature", "签名无效（可能伪造）", false];
    } else if (upper.includes("EXP")) {
      [reason_code, reason] = ["credential.expired", "已过期"];
    } else if (upper.includes("REV")) {
      [reason_code, reason] = ["credential.revoked", "已吊销"];
    } else if ((mode.kind === "ticket") !== isTicket) {
      [reason_code, reason] = ["credential.wrong_kind", "码类型不符"];
    } else if (mode.kind === "ticket") {
      const tag = /TICKET:([A-Z0-9]{2}):/.exec(upper)?.[1];
      if (upper.includes("OTHER") || (tag !== undefined && tag !== eventTag(mode.event_id))) {
        [reason_code, reason] = ["credential.wrong_event", "非本活动票"];
      } else {
        const refusal = this.ticketRefusal(upper, mode);
        if (refusal) {
          [reason_code, reason, refused] = ["credential.already_used", refusal, true];
        }
      }
    }
    const valid = reason_code === "credential.valid";
    if (mode.kind === "health") {
      if (valid) colour = upper.includes("RED") ? "red" : upper.includes("YEL") ? "yellow" : "green";
      if (!valid) turnBack.push({ code: "turn_back.invalid_code", message: "健康码无效，请劝返" });
      if (colour === "red") turnBack.push({ code: "turn_back.red_code", message: "红码，请劝返" });
      if (valid && upper.includes("RISK")) {
        turnBack.push({ code: "turn_back.high_risk_region", message: "来自高风险地区，请劝返" });
      }
      if (tenths !== null && tenths >= 373) turnBack.push({ code: "turn_back.fever", message: "体温≥37.3℃，请劝返" });
    }
    const now = Math.floor(Date.now() / 1000);
    // Like the Rust view: the ticket fields are there when the code is a ticket and
    // the scan is a ticket scan.
    const ticket = mode.kind === "ticket" && claims && isTicket && reason_code !== "credential.wrong_kind";
    return {
      valid: valid && !refused,
      admitted: mode.kind === "health" ? turnBack.length === 0 : valid,
      reason_code,
      reason,
      kind: claims ? (isTicket ? "event_ticket" : "health_pass") : null,
      display_name: claims ? DEMO_DISPLAY_NAMES[nameIndex] : null,
      colour,
      turn_back: turnBack,
      temperature: tenths === null ? null : `${Math.floor(tenths / 10)}.${tenths % 10}`,
      fever: tenths !== null && tenths >= 373,
      expires_at: claims ? (reason_code === "credential.expired" ? now - 3600 : now + 20 * 3600) : null,
      event_id: ticket ? mode.event_id : null,
      ticket_id: ticket ? `tk-${eventTag(mode.event_id)}-${[...upper].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7)}` : null,
      direction: ticket ? mode.direction : null,
      scan_id: null,
      ...this.trustAge(),
    };
  }

  /** Why a ticket may not pass this way now ("USED" in the text: already checked in). */
  private ticketRefusal(upper: string, mode: Extract<Mode, { kind: "ticket" }>): string | null {
    const st = upper.includes("USED") ? { inside: true, entries: 1 } : this.ticketState.get(upper);
    const inside = st?.inside ?? false;
    const entries = st?.entries ?? 0;
    if (mode.direction === "in") {
      if (inside) return "该票已签到入场，不能重复使用";
      if (entries > 0 && !mode.reentry_allowed) return "该活动不允许离场后再次入场";
      return null;
    }
    return inside ? null : "该票尚未签到入场，无法签退";
  }

  private count(site: string, admitted: boolean, turnedBack: boolean, assisted: boolean): void {
    const c = (this.siteCounts[site] ??= { scans: 0, admitted: 0, turned_back: 0, assisted: 0 });
    c.scans++;
    if (admitted) c.admitted++;
    if (turnedBack) c.turned_back++;
    if (assisted) c.assisted++;
  }

  checkpoint_verify(text: string, mode: Mode): Promise<ScanVerdictView> {
    return this.run("checkpoint_verify", [text, structuredClone(mode)], () => {
      this.session();
      return this.assess(text, mode, null);
    });
  }

  checkpoint_record(
    text: string,
    mode: Mode,
    temperature: string | null,
    remark: string | null,
  ): Promise<ScanVerdictView> {
    return this.run("checkpoint_record", [text, structuredClone(mode), temperature, remark], () => {
      this.session();
      const site = this.scanSite();
      if (!site) throw err("NoSite", "当前账号不是任何站点的扫码员");
      const t = temperature?.trim() ? parseTemperature(temperature) : null;
      cleanRemark(remark);
      const view = this.assess(text, mode, t);
      view.scan_id = `scan-${this.nextId++}`;
      if (mode.kind === "ticket" && view.admitted) {
        const key = text.trim().toUpperCase();
        const st = this.ticketState.get(key) ?? { inside: false, entries: 0 };
        if (mode.direction === "in") this.ticketState.set(key, { inside: true, entries: st.entries + 1 });
        else this.ticketState.set(key, { ...st, inside: false });
      }
      this.recentScans.unshift({
        id: view.scan_id,
        subject: view.display_name ?? "未识别",
        verdict: view.reason_code,
        colour: view.colour,
        temperature: view.temperature,
        admitted: view.admitted,
        turn_back: view.turn_back.map((x) => x.code),
        scanned_at: Date.now(),
        synced: false,
      });
      this.count(site.id, view.admitted, view.turn_back.length > 0, false);
      this.emitStatus({ pending: this.status.pending + 1 });
      return view;
    });
  }

  checkpoint_status(): Promise<CheckpointStatusView> {
    return this.run("checkpoint_status", [], () => {
      this.session();
      const site = this.scanSite();
      const today = site
        ? { ...(this.siteCounts[site.id] ?? { scans: 0, admitted: 0, turned_back: 0, assisted: 0 }) }
        : { scans: 0, admitted: 0, turned_back: 0, assisted: 0 };
      return {
        site_id: site?.id ?? null,
        site_name: site?.name ?? "",
        ...this.trustAge(),
        keys: 2,
        revocations: 17,
        risk_regions: this.riskRegions.length,
        today,
        pending_assisted: this.pendingAssisted,
      };
    });
  }

  checkpoint_recent(limit: number): Promise<ScanRowView[]> {
    return this.run("checkpoint_recent", [limit], () => structuredClone(this.recentScans.slice(0, limit)));
  }

  decode_qr_image(bytes: number[]): Promise<string[]> {
    return this.run("decode_qr_image", [`<${bytes.length} bytes>`], () => {
      if (bytes.length > 20 * 1024 * 1024) throw err("qr.too_large", "图片太大（不能超过 20 MB 或 4000 万像素）");
      const b = bytes;
      const isImage =
        (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) || // PNG
        (b[0] === 0xff && b[1] === 0xd8) || // JPEG
        (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) || // GIF
        (b[0] === 0x42 && b[1] === 0x4d) || // BMP
        (b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46); // RIFF (WebP)
      if (!isImage) throw err("qr.not_an_image", "无法识别的图片格式，请使用 PNG、JPEG、WebP、BMP 或 GIF 图片");
      // The demo "decodes" a code written into the file as text (tests build such files).
      const text = String.fromCharCode(...b.slice(0, 4096));
      const m = /HJ1:[A-Za-z0-9:_\-+./]+/.exec(text);
      if (!m) throw err("qr.no_code", "图片中没有找到二维码");
      return [m[0]];
    });
  }

  /** What the next webcam frames "show" (tests and the mock mode set it). */
  frameCode: string | null = null;

  decode_qr_frame(width: number, height: number, rgba: number[]): Promise<string[]> {
    return this.run("decode_qr_frame", [width, height, rgba.length], () => {
      if (width === 0 || height === 0) throw err("qr.empty_frame", "画面为空");
      if (rgba.length !== width * height * 4) throw err("qr.bad_buffer", "画面数据与尺寸不符");
      if (!this.frameCode) throw err("qr.no_code", "图片中没有找到二维码");
      return [this.frameCode];
    });
  }

  scan_camera(): Promise<string | null> {
    return this.run("scan_camera", [], () => this.frameCode);
  }

  assisted_send_code(phone: string): Promise<SmsSent> {
    return this.run("assisted_send_code", [phone], () => {
      checkPhone(phone);
      this.requireOnline();
      this.codes.set(phone.trim(), DEV_CODE);
      return { retry_after_secs: 60, dev_code: this.devMode ? DEV_CODE : null };
    });
  }

  assisted_register(input: AssistedInput): Promise<AssistedResultView> {
    return this.run("assisted_register", [structuredClone(input)], () => {
      this.session();
      const site = this.scanSite();
      if (!site) throw err("NoSite", "当前账号不是任何站点的扫码员");
      const issues = registrationIssues(input.phone, input.name, input.id_number);
      if (issues.length > 0) throw err(issues[0].code, issues[0].message);
      const t = input.temperature.trim() ? parseTemperature(input.temperature) : null;
      cleanRemark(input.remark);
      const code = input.sms_code?.trim() || null;
      const queued = !this.status.online;
      if (!queued && code !== null && this.codes.get(input.phone.trim()) !== code) {
        throw err("SmsCodeWrong", "验证码错误");
      }
      const fever = t !== null && t >= 373;
      const name_masked = maskName(input.name.trim());
      if (queued) this.pendingAssisted++;
      this.recentScans.unshift({
        id: `scan-${this.nextId++}`,
        subject: name_masked,
        verdict: "assisted",
        colour: null,
        temperature: t === null ? null : `${Math.floor(t / 10)}.${t % 10}`,
        admitted: !fever,
        turn_back: fever ? ["turn_back.fever"] : [],
        scanned_at: Date.now(),
        synced: false,
      });
      this.count(site.id, !fever, fever, true);
      return { name_masked, queued, verified: !queued && code !== null, fever };
    });
  }

  my_health_code(): Promise<HealthCodeView> {
    return this.run("my_health_code", [], () => {
      const account = this.session().account;
      if (!account.real_name || account.needs_profile) {
        throw err("ProfileNeeded", "请先填写真实姓名和身份证号，再领取吉祥码");
      }
      const now = Date.now();
      const offline = !this.status.online;
      if (!offline) this.healthFetchedAt = now;
      const fetched = this.healthFetchedAt;
      const issued_at = Math.floor(fetched / 1000);
      const expires_at = issued_at + 24 * 3600;
      const text = `HJ1:${this.healthColour.toUpperCase()}:${account.id.slice(-6)}:${issued_at}`;
      return {
        text,
        svg: fakeQrSvg(text),
        colour: this.healthColour,
        display_name: maskName(account.real_name),
        issued_at,
        expires_at,
        expired: Math.floor(now / 1000) >= expires_at,
        fetched_at: fetched,
        age_secs: Math.max(0, Math.floor((now - fetched) / 1000)),
        offline,
      };
    });
  }

  /** The managed site and its sub-sites, parents first, depth counted from it. */
  private subtree(): Array<SiteView & { contact_phone: string | null }> {
    const root = this.managedSite();
    const inTree = new Set([root]);
    const out: Array<SiteView & { contact_phone: string | null }> = [];
    const rootSite = this.sites.find((s) => s.id === root);
    if (!rootSite) return out;
    const base = rootSite.depth;
    for (const s of this.sites) {
      if (s.id === root || (s.parent_id && inTree.has(s.parent_id))) {
        inTree.add(s.id);
        out.push({ ...s, depth: s.depth - base });
      }
    }
    return out;
  }

  sites_list(): Promise<SiteView[]> {
    return this.run("sites_list", [], () =>
      this.subtree().map(({ contact_phone: _p, ...view }) => view),
    );
  }

  private checkSiteForm(form: SiteForm): { address: string | null; contact: string | null; phone: string | null } {
    const n = [...form.name.trim()].length;
    if (n < 2 || n > 60) throw err("NodeNameInvalid", "组织名称应为2到60个字符");
    const clean = (v: string | null) => (v?.trim() ? v.trim() : null);
    const address = clean(form.address);
    const contact = clean(form.contact);
    if ((address && [...address].length > 100) || (contact && [...contact].length > 20)) {
      throw err("SiteFieldTooLong", "地址不超过100字，负责人不超过20字");
    }
    const phone = clean(form.contact_phone);
    if (phone) checkPhone(phone);
    return { address, contact, phone };
  }

  site_create(form: SiteForm): Promise<NodeResult> {
    return this.run("site_create", [structuredClone(form)], () => {
      this.requireOnline();
      if (!form.parent_id) throw err("ParentRequired", "请选择上级站点");
      const tree = this.subtree();
      const parent = this.sites.find((s) => s.id === form.parent_id);
      if (!parent) throw err("NotFound", "站点不存在");
      if (!tree.some((s) => s.id === parent.id)) throw err("Forbidden", "没有权限管理该站点");
      const f = this.checkSiteForm(form);
      const id = `n-new-${this.nextId++}`;
      // After the parent's last descendant, so the list stays depth-first.
      let at = this.sites.indexOf(parent) + 1;
      while (at < this.sites.length && this.sites[at].depth > parent.depth) at++;
      this.sites.splice(at, 0, {
        id,
        parent_id: parent.id,
        name: form.name.trim(),
        depth: parent.depth + 1,
        address: f.address,
        contact: f.contact,
        contact_phone: f.phone,
        contact_phone_masked: f.phone ? maskPhone(f.phone) : null,
      });
      this.siteCounts[id] = { scans: 0, admitted: 0, turned_back: 0, assisted: 0 };
      return { id, name: form.name.trim(), kind: "site", parent_id: parent.id };
    });
  }

  site_edit(id: string, form: SiteForm): Promise<NodeResult> {
    return this.run("site_edit", [id, structuredClone(form)], () => {
      this.requireOnline();
      const site = this.sites.find((s) => s.id === id);
      if (!site) throw err("NotFound", "站点不存在");
      if (form.parent_id && form.parent_id !== site.parent_id) {
        throw err("MoveNotSupported", "编辑站点时不能更改上级站点");
      }
      const f = this.checkSiteForm(form);
      Object.assign(site, {
        name: form.name.trim(),
        address: f.address,
        contact: f.contact,
        contact_phone: f.phone,
        contact_phone_masked: f.phone ? maskPhone(f.phone) : null,
      });
      return { id, name: site.name, kind: "site", parent_id: site.parent_id };
    });
  }

  site_scanners(id: string): Promise<ScannerView[]> {
    return this.run("site_scanners", [id], () => {
      this.requireOnline();
      return (this.scanners[id] ?? []).map(({ phone: _p, ...v }) => v);
    });
  }

  site_add_scanner(id: string, phone: string, name: string): Promise<ScannerView> {
    return this.run("site_add_scanner", [id, phone, name], () => {
      this.requireOnline();
      checkPhone(phone);
      const issue = registrationIssues(null, name, "x").find((i) => i.field === "real_name");
      if (issue) throw err(issue.code, issue.message);
      const list = (this.scanners[id] ??= []);
      const p = phone.trim();
      if (list.some((s) => s.phone === p)) throw err("ScannerExists", "该手机号已是本站点的扫码员");
      const v = {
        account_id: `acc-${this.nextId++}`,
        name_masked: maskName(name.trim()),
        phone_masked: maskPhone(p),
        phone: p,
      };
      list.push(v);
      return { account_id: v.account_id, name_masked: v.name_masked, phone_masked: v.phone_masked };
    });
  }

  site_stats(): Promise<SiteStatsView> {
    return this.run("site_stats", [], () => {
      const tree = this.subtree();
      const zero = (): ScanCounts => ({ scans: 0, admitted: 0, turned_back: 0, assisted: 0 });
      const add = (a: ScanCounts, b: ScanCounts) => {
        a.scans += b.scans;
        a.admitted += b.admitted;
        a.turned_back += b.turned_back;
        a.assisted += b.assisted;
      };
      const rows: SiteStatsRow[] = tree.map((s) => ({
        node_id: s.id,
        parent_id: s.parent_id,
        name: s.name,
        depth: s.depth,
        own: { ...(this.siteCounts[s.id] ?? zero()) },
        subtree: zero(),
      }));
      // Children come after their parents: add each row's own counts to it and its ancestors.
      const byId = new Map(rows.map((r) => [r.node_id, r]));
      for (const r of rows) {
        let cur: SiteStatsRow | undefined = r;
        while (cur) {
          add(cur.subtree, r.own);
          cur = cur.parent_id ? byId.get(cur.parent_id) : undefined;
        }
      }
      const d = new Date();
      const pad = (n: number) => String(n).padStart(2, "0");
      return {
        rows,
        offline: !this.status.online,
        date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
      };
    });
  }

  private findPerson(idNumber: string | null, phone: string | null): { name: string; id: string | null } {
    const id = idNumber?.trim().toUpperCase() || null;
    const p = phone?.trim() || null;
    if (!id === !p) throw err("IdentifyOnce", "请填写身份证号或手机号其中一项");
    if (p) {
      checkPhone(p);
      const m = this.members.find((x) => x.phone === p);
      const a = this.accounts.find((x) => x.phone === p);
      const name = m?.name ?? a?.session.account.real_name;
      if (!name) throw err("PersonNotFound", "没有找到该身份证号或手机号对应的注册人员");
      return { name, id: m?.id_number_masked ?? a?.session.account.id_number_masked ?? null };
    }
    const issue = registrationIssues(null, "张三", id!).find((i) => i.field === "id_number");
    if (issue) throw err(issue.code, issue.message);
    const masked = maskId(id!);
    const m = this.members.find((x) => x.id_number_masked === masked);
    const a = this.accounts.find((x) => x.session.account.id_number_masked === masked);
    const name = m?.name ?? a?.session.account.real_name;
    if (!name) throw err("PersonNotFound", "没有找到该身份证号或手机号对应的注册人员");
    return { name, id: masked };
  }

  health_set_status(request: SetHealthStatusRequest): Promise<HealthStatusResult> {
    return this.run("health_set_status", [structuredClone(request)], () => {
      this.requireOnline();
      const colour = normaliseColour(request.colour);
      if (!colour) throw err("ColourInvalid", "健康码颜色应为 绿、黄 或 红");
      const person = this.findPerson(request.id_number, request.phone);
      return {
        name_masked: maskName(person.name),
        id_number_masked: person.id,
        colour,
        from_high_risk: request.from_high_risk,
        revoked: 1,
      };
    });
  }

  health_import_csv(csv: string): Promise<ImportReport> {
    return this.run("health_import_csv", [csv], () => {
      this.requireOnline();
      const lines = csv.replace(/^\uFEFF/, "").split(/\r?\n/);
      const header = (lines[0] ?? "").split(",").map((h) => h.trim().toLowerCase());
      const idCol = header.findIndex((h) => h === "身份证号" || h === "id_number");
      const phoneCol = header.findIndex((h) => h === "手机号" || h === "phone");
      const colourCol = header.findIndex((h) => h === "健康码" || h === "颜色" || h === "colour");
      if ((idCol < 0 && phoneCol < 0) || colourCol < 0) {
        throw err("CsvHeader", "表头应包含 身份证号 或 手机号，以及 健康码");
      }
      const errors: ImportRowError[] = [];
      let total = 0;
      lines.slice(1).forEach((line, i) => {
        if (!line.trim()) return;
        total++;
        const cells = line.split(",").map((c) => c.trim());
        try {
          if (!normaliseColour(cells[colourCol] ?? "")) throw err("ColourInvalid", "健康码颜色应为 绿、黄 或 红");
          this.findPerson(idCol >= 0 ? cells[idCol] || null : null, phoneCol >= 0 ? cells[phoneCol] || null : null);
        } catch (e) {
          const a = e as AppError;
          errors.push({ line: i + 2, code: a.code, message: a.message });
        }
      });
      return { total, applied: total - errors.length, errors };
    });
  }

  risk_regions(): Promise<RiskRegionView[]> {
    return this.run("risk_regions", [], () => structuredClone(this.riskRegions));
  }

  risk_region_add(code: string, name: string): Promise<RiskRegionView[]> {
    return this.run("risk_region_add", [code, name], () => {
      this.managedSite();
      const c = code.trim();
      if (!/^\d{6}$/.test(c) || c.startsWith("00")) {
        throw err("RegionCodeInvalid", "地区代码应为6位数字的行政区划代码，例如 220221");
      }
      if (this.riskRegions.some((r) => r.code === c)) throw err("RiskRegionExists", "该地区已在高风险地区列表中");
      this.riskRegions = [...this.riskRegions, { id: `rr-new-${this.nextId++}`, code: c, name: name.trim() }].sort(
        (a, b) => a.code.localeCompare(b.code),
      );
      return structuredClone(this.riskRegions);
    });
  }

  risk_region_remove(id: string): Promise<RiskRegionView[]> {
    return this.run("risk_region_remove", [id], () => {
      if (!this.riskRegions.some((r) => r.id === id)) throw err("NotFound", "记录不存在");
      this.riskRegions = this.riskRegions.filter((r) => r.id !== id);
      return structuredClone(this.riskRegions);
    });
  }

  // ------------------------------------------------------------ events and tickets

  events_list(): Promise<EventView[]> {
    return this.run("events_list", [], () => {
      this.session();
      return structuredClone(this.events);
    });
  }

  my_ticket(eventId: string): Promise<TicketView> {
    return this.run("my_ticket", [eventId], () => {
      if (this.acts.events.some((e) => e.id === eventId)) return this.acts.ticket(this.ctx(), eventId);
      const account = this.session().account;
      const event = this.events.find((e) => e.id === eventId);
      if (!event) throw err("NotFound", "活动不存在");
      const ticket = (offline: boolean): TicketView => {
        const text = demoTicketText(event.id, account.id.slice(-6));
        return {
          event_id: event.id,
          ticket_id: `tk-${eventTag(event.id)}-${account.id.slice(-6)}`,
          title: event.title,
          place: event.place,
          starts_at: event.starts_at,
          ends_at: event.ends_at,
          text,
          svg: fakeQrSvg(text),
          offline,
        };
      };
      if (!this.status.online) {
        if (this.ticketsKept.has(event.id)) return ticket(true);
        throw this.offlineError();
      }
      if (!account.grants.some((g) => g.node_id === EVENT_ORG[event.id])) {
        throw err("Forbidden", "您没有在该组织执行此操作的权限");
      }
      if (event.ends_at <= Date.now()) throw err("EventEnded", "活动已结束");
      this.ticketsKept.add(event.id);
      return ticket(false);
    });
  }

  event_attendance(eventId: string): Promise<AttendanceView> {
    return this.run("event_attendance", [eventId], () => {
      this.session();
      this.requireOnline();
      const event = this.events.find((e) => e.id === eventId);
      if (!event) throw err("NotFound", "活动不存在");
      return demoAttendance(event);
    });
  }

  // ------------------------------------------------------------ events, surveys, lotteries

  /** An item kept on this device for the next sync (a scan or an answer made offline). */
  private queuedAct<T>(r: { view: T; queued: boolean }): T {
    if (r.queued) this.emitStatus({ pending: this.status.pending + 1 });
    return r.view;
  }

  activities(): Promise<ActivityView[]> {
    return this.run("activities", [], () => this.acts.list(this.ctx()));
  }

  activity_detail(id: string): Promise<ActivityView> {
    return this.run("activity_detail", [id], () => this.acts.detail(this.ctx(), id));
  }

  my_activities(): Promise<ActivityView[]> {
    return this.run("my_activities", [], () => this.acts.mine(this.ctx()));
  }

  event_register(id: string): Promise<ActivityView> {
    return this.run("event_register", [id], () => this.acts.register(this.ctx(), id));
  }

  event_cancel(id: string): Promise<ActivityView> {
    return this.run("event_cancel", [id], () => this.acts.cancel(this.ctx(), id));
  }

  member_scan(text: string): Promise<MemberScanView> {
    return this.run("member_scan", [text], () => this.queuedAct(this.acts.scan(this.ctx(), text)));
  }

  surveys_list(): Promise<SurveyView[]> {
    return this.run("surveys_list", [], () => this.acts.surveyList(this.ctx()));
  }

  survey_detail(id: string): Promise<SurveyView> {
    return this.run("survey_detail", [id], () => this.acts.surveyDetail(this.ctx(), id));
  }

  survey_answer(id: string, answers: AnswerValue[]): Promise<SurveyView> {
    return this.run("survey_answer", [id, json(answers)], () => this.queuedAct(this.acts.answer(this.ctx(), id, json(answers))));
  }

  survey_results(id: string): Promise<SurveyResults> {
    return this.run("survey_results", [id], () => this.acts.results(this.ctx(), id));
  }

  lotteries_list(): Promise<LotteryView[]> {
    return this.run("lotteries_list", [], () => this.acts.lotteryList(this.ctx()));
  }

  lottery_detail(id: string): Promise<LotteryView> {
    return this.run("lottery_detail", [id], () => this.acts.lotteryDetail(this.ctx(), id));
  }

  my_prizes(): Promise<MyPrize[]> {
    return this.run("my_prizes", [], () => this.acts.myPrizes(this.ctx()));
  }

  lottery_check(id: string): Promise<DrawCheck> {
    return this.run("lottery_check", [id], () => this.acts.check(this.ctx(), id));
  }

  activity_units(): Promise<ActivityUnit[]> {
    return this.run("activity_units", [], () => this.acts.unitsOf(this.ctx()));
  }

  event_save(id: string | null, nodeId: string, event: EventBody): Promise<ActivityView> {
    return this.run("event_save", [id, nodeId, json(event)], () => this.acts.saveEvent(this.ctx(), id, nodeId, json(event)));
  }

  event_registrations(id: string): Promise<RegistrationRow[]> {
    return this.run("event_registrations", [id], () => this.acts.registrations(this.ctx(), id));
  }

  registration_decide(id: string, approve: boolean, reason: string | null): Promise<RegistrationRow> {
    return this.run("registration_decide", [id, approve, reason], () => this.acts.decide(this.ctx(), id, approve, reason));
  }

  event_report(id: string): Promise<AttendanceReport> {
    return this.run("event_report", [id], () => this.acts.report(this.ctx(), id));
  }

  event_manual_checkin(id: string, ticketId: string, direction: "in" | "out", reason: string): Promise<AttendanceReport> {
    return this.run("event_manual_checkin", [id, ticketId, direction, reason], () =>
      this.acts.manualCheckin(this.ctx(), id, ticketId, direction, reason),
    );
  }

  event_report_export(id: string): Promise<SavedFile> {
    return this.run("event_report_export", [id], () => this.acts.reportExport(this.ctx(), id));
  }

  event_venue_code(id: string, direction: "in" | "out"): Promise<CodeView> {
    return this.run("event_venue_code", [id, direction], () => this.acts.venueCode(this.ctx(), id, direction));
  }

  event_venue_poster(id: string, direction: "in" | "out"): Promise<SavedFile> {
    return this.run("event_venue_poster", [id, direction], () => this.acts.venuePoster(this.ctx(), id, direction));
  }

  survey_save(id: string | null, nodeId: string, survey: SurveyBody): Promise<SurveyView> {
    return this.run("survey_save", [id, nodeId, json(survey)], () => this.acts.saveSurvey(this.ctx(), id, nodeId, json(survey)));
  }

  survey_export(id: string): Promise<SavedFile> {
    return this.run("survey_export", [id], () => this.acts.surveyExport(this.ctx(), id));
  }

  lottery_create(nodeId: string, title: string, eventId: string | null, prizes: Prize[]): Promise<LotteryView> {
    return this.run("lottery_create", [nodeId, title, eventId, json(prizes)], () =>
      this.acts.createLottery(this.ctx(), nodeId, title, eventId, json(prizes)),
    );
  }

  lottery_code(id: string): Promise<CodeView> {
    return this.run("lottery_code", [id], () => this.acts.lotteryCode(this.ctx(), id));
  }

  lottery_poster(id: string): Promise<SavedFile> {
    return this.run("lottery_poster", [id], () => this.acts.lotteryPoster(this.ctx(), id));
  }

  lottery_draw(id: string): Promise<LotteryView> {
    return this.run("lottery_draw", [id], () => this.acts.draw(this.ctx(), id));
  }

  // ------------------------------------------------------------ the approval engine

  private ctx(): Ctx {
    return { session: this.session(), online: this.status.online };
  }

  /** An outbox entry was added (an application or a decision made offline). */
  private queuedOne(d: RequestDetail): RequestDetail {
    if (d.local === "queued") this.emitStatus({ pending: this.status.pending + 1 });
    return d;
  }

  requests_list(query: RequestQuery): Promise<RequestPage> {
    return this.run("requests_list", [json(query)], () => this.wf.list(this.ctx(), query));
  }

  request_counts(): Promise<RequestCounts> {
    return this.run("request_counts", [], () => this.wf.counts(this.session().account.id));
  }

  request_detail(id: string): Promise<RequestDetail> {
    return this.run("request_detail", [id], () => this.wf.get(this.ctx(), id));
  }

  request_submit(
    kind: RequestKind,
    form: Record<string, unknown>,
    attachments: Attachment[],
    smsCode: string | null,
  ): Promise<RequestDetail> {
    return this.run("request_submit", [kind, json(form), json(attachments), smsCode], () =>
      this.queuedOne(this.wf.submit(this.ctx(), kind, json(form), json(attachments), smsCode)),
    );
  }

  request_act(id: string, action: RequestAction): Promise<RequestDetail> {
    return this.run("request_act", [id, json(action)], () =>
      this.queuedOne(this.wf.act(this.ctx(), id, json(action))),
    );
  }

  requests_bulk_approve(ids: string[], comment: string | null): Promise<BulkResult> {
    return this.run("requests_bulk_approve", [[...ids], comment], () => {
      const r = this.wf.bulkApprove(this.ctx(), [...ids], comment);
      if (r.queued) this.emitStatus({ pending: this.status.pending + r.queued });
      return r;
    });
  }

  workflow_issues(): Promise<WorkflowIssue[]> {
    return this.run("workflow_issues", [], () => this.wf.issuesOf(this.ctx()));
  }

  workflow_issue_dismiss(id: string): Promise<void> {
    return this.run("workflow_issue_dismiss", [id], () => this.wf.dismiss(this.ctx(), id));
  }

  units_children(parentId: string | null): Promise<UnitOption[]> {
    return this.run("units_children", [parentId], () => this.wf.children(parentId));
  }

  units_search(text: string): Promise<UnitOption[]> {
    return this.run("units_search", [text], () => this.wf.search(text));
  }

  my_memberships(): Promise<MembershipRecordView[]> {
    return this.run("my_memberships", [], () => this.wf.myMemberships(this.ctx()));
  }

  my_dues_orders(): Promise<DuesOrderView[]> {
    return this.run("my_dues_orders", [], () => this.dues.myOrders(this.ctx()));
  }

  my_payments(): Promise<PaymentView[]> {
    return this.run("my_payments", [], () => this.dues.myPayments(this.ctx()));
  }

  payment_detail(id: string): Promise<PaymentView> {
    return this.run("payment_detail", [id], () => this.dues.detail(this.ctx(), id));
  }

  payment_start_online(orderId: string, amountFen: number | null): Promise<OnlinePayView> {
    return this.run("payment_start_online", [orderId, amountFen], () => this.dues.startOnline(this.ctx(), orderId, amountFen));
  }

  payment_poll(id: string): Promise<PaymentView> {
    return this.run("payment_poll", [id], () => this.dues.poll(this.ctx(), id));
  }

  payment_submit_offline(
    orderId: string,
    form: OfflinePaymentForm,
    imageName: string | null,
    imageBytes: number[] | null,
  ): Promise<PaymentView> {
    return this.run("payment_submit_offline", [orderId, json(form), imageName, imageBytes ? imageBytes.length : null], () => {
      const v = this.dues.submitOffline(this.ctx(), orderId, form, imageName, imageBytes);
      if (v.local === "queued") this.emitStatus({ pending: this.status.pending + 1 });
      return v;
    });
  }

  payment_act(
    id: string,
    action: Record<string, unknown>,
    imageName: string | null,
    imageBytes: number[] | null,
  ): Promise<PaymentView | null> {
    return this.run("payment_act", [id, json(action), imageName, imageBytes ? imageBytes.length : null], () => {
      const v = this.dues.act(this.ctx(), id, action as PaymentAction, imageName, imageBytes);
      if (v && v.local === "queued" && v.version > 0) this.emitStatus({ pending: this.status.pending + 1 });
      return v;
    });
  }

  payment_dismiss(id: string): Promise<void> {
    return this.run("payment_dismiss", [id], () => undefined);
  }

  payment_proof(id: string, thumb: boolean): Promise<AttachmentData> {
    return this.run("payment_proof", [id, thumb], () => this.dues.proof(this.ctx(), id));
  }

  payment_receipt(id: string): Promise<SavedFile> {
    return this.run("payment_receipt", [id], () => this.dues.receipt(this.ctx(), id));
  }

  dues_units(): Promise<DuesUnit[]> {
    return this.run("dues_units", [], () => this.dues.units(this.ctx()));
  }

  payments_review(query: PaymentQuery): Promise<PaymentPage> {
    return this.run("payments_review", [json(query)], () => this.dues.review(this.ctx(), query));
  }

  payments_ledger(query: LedgerQuery): Promise<LedgerView> {
    return this.run("payments_ledger", [json(query)], () => this.dues.ledger(this.ctx(), query));
  }

  payments_export(query: LedgerQuery, format: "xlsx" | "csv"): Promise<SavedFile> {
    return this.run("payments_export", [json(query), format], () => this.dues.exportFile(this.ctx(), query, format));
  }

  dues_orders_admin(unitId: string | null, period: string | null, status: OrderStatus | null): Promise<DuesOrderView[]> {
    return this.run("dues_orders_admin", [unitId, period, status], () => this.dues.ordersAdmin(this.ctx(), unitId, period, status));
  }

  dues_rules(): Promise<DuesRuleView[]> {
    return this.run("dues_rules", [], () => this.dues.rulesOf(this.ctx()));
  }

  dues_rule_save(id: string | null, rule: DuesRule): Promise<DuesRuleView> {
    return this.run("dues_rule_save", [id, json(rule)], () => this.dues.saveRule(this.ctx(), id, rule));
  }

  dues_generate(unitId: string, period: string): Promise<GenerateReport> {
    return this.run("dues_generate", [unitId, period], () => this.dues.generate(this.ctx(), unitId, period));
  }

  dues_order_cancel(id: string, reason: string): Promise<DuesOrderView> {
    return this.run("dues_order_cancel", [id, reason], () => this.dues.cancelOrder(this.ctx(), id, reason));
  }

  // ------------------------------------------------------------ business card

  card_get(): Promise<CardScreen> {
    return this.run("card_get", [], () => {
      this.session();
      return this.card.screen();
    });
  }

  card_save(settings: CardSettings): Promise<CardScreen> {
    return this.run("card_save", [settings], () => {
      this.session();
      if (!this.status.online) throw err("CardNeedsNetwork", "修改或分享名片需要联网，请连接网络后再试");
      return this.card.save(settings);
    });
  }

  card_share(): Promise<CardScreen> {
    return this.run("card_share", [], () => {
      this.session();
      if (!this.status.online) throw err("CardNeedsNetwork", "修改或分享名片需要联网，请连接网络后再试");
      return this.card.share();
    });
  }

  card_revoke(): Promise<CardScreen> {
    return this.run("card_revoke", [], () => {
      this.session();
      if (!this.status.online) throw err("CardNeedsNetwork", "修改或分享名片需要联网，请连接网络后再试");
      return this.card.revoke();
    });
  }

  // ------------------------------------------------------------ community content

  content_hall(filter: HallFilter): Promise<HallScreen> {
    return this.run("content_hall", [filter], () => {
      this.session();
      return { items: this.content.hall(filter), offline: !this.status.online };
    });
  }

  content_mine(): Promise<MyContentScreen> {
    return this.run("content_mine", [], () => {
      this.session();
      return { items: this.content.mine(), offline: !this.status.online };
    });
  }

  member_showcases(): Promise<ShowcaseScreen> {
    return this.run("member_showcases", [], () => {
      const s = this.session();
      const unit = this.wf.live(s.account.id)[0]?.unit_name;
      return { members: unit ? this.content.showcases(unit) : [], offline: !this.status.online };
    });
  }

  private contentOnline() {
    this.session();
    if (!this.status.online) throw err("ContentNeedsNetwork", "发布、修改、上下架或删除需要联网，请连接网络后再试");
  }

  content_post(id: string, form: ContentForm): Promise<MyItem> {
    return this.run("content_post", [id, json(form)], () => {
      this.contentOnline();
      return this.content.post(id, form);
    });
  }

  content_edit(id: string, form: ContentForm): Promise<MyItem> {
    return this.run("content_edit", [id, json(form)], () => {
      this.contentOnline();
      return this.content.edit(id, form);
    });
  }

  content_shelf(id: string, onShelf: boolean): Promise<MyItem> {
    return this.run("content_shelf", [id, onShelf], () => {
      this.contentOnline();
      return this.content.shelf(id, onShelf);
    });
  }

  content_delete(id: string): Promise<MyItem> {
    return this.run("content_delete", [id], () => {
      this.contentOnline();
      return this.content.remove(id);
    });
  }

  // ------------------------------------------------------------ news and notices

  notice_publish(form: NoticeForm): Promise<NoticePublished> {
    return this.run("notice_publish", [json(form)], () => {
      const session = this.session();
      if (!this.status.online) throw err("NoticeNeedsNetwork", "发布通知和修改消息订阅需要联网，请连接网络后再试");
      const title = form.title.trim();
      if (!title || [...title].length > 100 || [...form.content].length > 10_000)
        throw err("TitleInvalid", "标题需为1到100个字，正文不超过10000字");
      const grant = session.account.grants.find((g) => g.node_id === form.node_id);
      if (!grant) throw err("Forbidden", "没有在该组织发布通知的权限");
      if (!this.published.some((n) => n.id === form.id))
        this.published.unshift({
          id: form.id,
          title,
          content: form.content.trim(),
          node_name: grant.node_name ?? "",
          updated_at: Date.now(),
          kind: form.kind,
          cover: form.cover ?? null,
          important: form.important,
        });
      return { id: form.id, notified: form.important ? 3 : 0 };
    });
  }

  notify_prefs_get(): Promise<NotifyPrefs> {
    return this.run("notify_prefs_get", [], () => {
      this.session();
      return { ...this.notifyPrefs };
    });
  }

  notify_prefs_set(prefs: NotifyPrefs): Promise<NotifyPrefs> {
    return this.run("notify_prefs_set", [json(prefs)], () => {
      this.session();
      if (!this.status.online) throw err("NoticeNeedsNetwork", "发布通知和修改消息订阅需要联网，请连接网络后再试");
      this.notifyPrefs = { ...prefs };
      return { ...prefs };
    });
  }

  // ------------------------------------------------------------ learning platform

  private learningOnline() {
    this.session();
    if (!this.status.online) throw err("CourseNeedsNetwork", "报名、计入学习时长和下载证书需要联网，请连接网络后再试");
  }

  courses_list(): Promise<CourseListScreen> {
    return this.run("courses_list", [], () => {
      this.session();
      return { items: this.learning.list(), offline: !this.status.online };
    });
  }

  course_get(id: string): Promise<CourseScreen> {
    return this.run("course_get", [id], () => {
      this.session();
      return { course: this.learning.detail(id), offline: !this.status.online };
    });
  }

  course_enrol(id: string): Promise<CourseDetail> {
    return this.run("course_enrol", [id], () => {
      this.learningOnline();
      return this.learning.enrol(id);
    });
  }

  course_read(id: string, lesson: number, signal: ReadSignal): Promise<EnrolmentView> {
    return this.run("course_read", [id, lesson, signal], () => {
      this.learningOnline();
      return this.learning.read(id, lesson, signal);
    });
  }

  course_certificate(id: string): Promise<SavedFile> {
    return this.run("course_certificate", [id], () => {
      this.learningOnline();
      return this.learning.certificate(id);
    });
  }

  course_save(id: string | null, nodeId: string, course: Course): Promise<CourseDetail> {
    return this.run("course_save", [id, nodeId, json(course)], () => {
      this.learningOnline();
      return this.learning.save(id, course);
    });
  }

  course_publish(id: string, published: boolean): Promise<CourseDetail> {
    return this.run("course_publish", [id, published], () => {
      this.learningOnline();
      return this.learning.publish(id, published);
    });
  }

  open_external(target: string): Promise<void> {
    return this.run("open_external", [target], () => {
      this.opened.push(target);
      // Mock mode: the payer "pays" on the sandbox page a moment after it opens.
      const m = /\/sandbox\/pay\/([^/?#]+)/.exec(target);
      if (m && this.animateSync) setTimeout(() => this.dues.payTrade(m[1]), 1500);
    });
  }

  unit_memberships(query: MembershipQuery): Promise<MembershipPage> {
    return this.run("unit_memberships", [json(query)], () => this.wf.unitMemberships(this.ctx(), query, this.members));
  }

  delegation_candidates(requestId: string, text: string): Promise<DelegateCandidate[]> {
    return this.run("delegation_candidates", [requestId, text], () =>
      this.wf.delegationCandidates(this.ctx(), requestId, text, this.members),
    );
  }

  membership_set_status(id: string, status: MembershipStatus | null, reason: string): Promise<MembershipRecordView> {
    return this.run("membership_set_status", [id, status, reason], () => {
      // Checked on the device before the network is needed, as the app does.
      if (!reason.trim()) throw err("ReasonRequired", "请填写原因（1到500个字）");
      if (!this.status.online) throw MEMBERSHIP_OFFLINE;
      return this.wf.setStatus(this.ctx(), id, status, reason);
    });
  }

  membership_renew(id: string, endOn: string): Promise<MembershipRecordView> {
    return this.run("membership_renew", [id, endOn], () => {
      if (!this.status.online) throw MEMBERSHIP_OFFLINE;
      return this.wf.renew(this.ctx(), id, endOn);
    });
  }

  notifications_list(): Promise<NotificationView[]> {
    return this.run("notifications_list", [], () => this.wf.inbox(this.ctx()));
  }

  notification_read(id: string): Promise<void> {
    return this.run("notification_read", [id], () => this.wf.markRead(this.ctx(), id));
  }

  attachment_upload(name: string, bytes: number[]): Promise<Attachment> {
    return this.run("attachment_upload", [name, `<${bytes.length} bytes>`], () => {
      this.session();
      if (!this.status.online) throw err("UploadOffline", "上传附件需要联网，请连接网络后再试");
      return this.wf.upload(name, bytes);
    });
  }

  attachment_fetch(id: string): Promise<AttachmentData> {
    return this.run("attachment_fetch", [id], () => this.wf.fetch(id, this.status.online));
  }

  services_list(): Promise<ServiceView[]> {
    return this.run("services_list", [], () => json(this.wf.services));
  }

  send_verify_code(): Promise<SmsSent> {
    return this.run("send_verify_code", [], () => {
      const r = this.wf.sendCode(this.ctx());
      return { ...r, dev_code: this.devMode ? r.dev_code : null };
    });
  }

  org_associations(): Promise<UnitOption[]> {
    return this.run("org_associations", [], () => {
      this.requireOnline();
      return this.wf.associations();
    });
  }

  org_register(
    associationId: string,
    form: OrgRegistrationForm,
    password: string,
    agreed: boolean,
  ): Promise<OrgRegisterStatus> {
    return this.run("org_register", [associationId, json(form), password, agreed], () => {
      this.requireOnline();
      const taken = this.accounts.map((a) => a.creditCode).filter((c): c is string => c !== null);
      return this.wf.orgRegister(associationId, json(form), password, agreed, taken);
    });
  }

  org_register_status(q: string): Promise<OrgRegisterStatus> {
    return this.run("org_register_status", [q], () => {
      this.requireOnline();
      return this.wf.regLookup(q);
    });
  }

  org_profile_get(): Promise<OrgProfile> {
    return this.run("org_profile_get", [], () => {
      const a = this.session().account;
      if (a.kind !== "organisation") throw err("Forbidden", "只有单位账号可以填写单位信息");
      return json(this.wf.orgProfiles.get(a.id) ?? emptyOrgProfile());
    });
  }

  org_profile_save(profile: OrgProfile): Promise<SessionView> {
    return this.run("org_profile_save", [json(profile)], () => {
      const session = this.session();
      if (session.account.kind !== "organisation") throw err("Forbidden", "只有单位账号可以填写单位信息");
      this.requireOnline();
      const problem = orgProfileError(json(profile));
      if (problem) throw problem;
      this.wf.orgProfiles.set(session.account.id, json(profile));
      const next: SessionView = { ...session, account: { ...session.account, needs_profile: false } };
      const acc = this.accounts.find((a) => a.session.account.id === session.account.id);
      if (acc) acc.session = next;
      const act = this.wf.activatedOrgs.find((a) => a.session.account.id === session.account.id);
      if (act) act.session = next;
      return this.login(next);
    });
  }

  // ------------------------------------------------------------ 在校师生 (seed 003)

  institutions_list(): Promise<InstitutionOption[]> {
    return this.run("institutions_list", [], () => {
      this.requireOnline();
      return this.inst.list();
    });
  }

  institution_login(institutionId: string, number: string, password: string): Promise<InstitutionLoginView> {
    return this.run("institution_login", [institutionId, number, password], () => {
      this.requireOnline();
      return this.inst.login(institutionId, number, password);
    });
  }

  institution_bind(ticket: string, phone: string, code: string): Promise<SessionView> {
    return this.run("institution_bind", [ticket, phone, code], () => {
      this.requireOnline();
      return this.inst.bind(ticket, phone, code);
    });
  }

  institution_unbind(institutionId: string, number: string | null, password: string | null): Promise<InstitutionUnbindView> {
    return this.run("institution_unbind", [institutionId, number, password], () => {
      this.requireOnline();
      return this.inst.unbind(institutionId, number, password);
    });
  }

  institution_bindings(): Promise<InstitutionBindingView[]> {
    return this.run("institution_bindings", [], () => this.inst.bindings());
  }
}

function checkPhone(phone: string): void {
  const p = phone.trim();
  if (!p) throw err("PhoneEmpty", "请输入手机号");
  if (!/^1[3-9]\d{9}$/.test(p)) throw err("PhoneFormat", "手机号格式不正确");
}

function registrationIssues(phone: string | null, realName: string, idNumber: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (phone !== null) {
    try {
      checkPhone(phone);
    } catch (e) {
      const a = e as AppError;
      issues.push({ field: "phone", code: a.code, message: a.message });
    }
  }
  const name = realName.trim();
  if (!name) issues.push({ field: "real_name", code: "NameEmpty", message: "请填写姓名" });
  else if ([...name].length < 2) issues.push({ field: "real_name", code: "NameTooShort", message: "姓名至少两个字" });
  else if (!/^[\u4e00-\u9fa5·]+$|^[A-Za-z][A-Za-z .'-]*$/.test(name)) {
    issues.push({ field: "real_name", code: "NameCharacters", message: "姓名只能包含汉字、字母或间隔号" });
  }
  const id = idNumber.trim().toUpperCase();
  if (id.length !== 18) {
    issues.push({ field: "id_number", code: "IdNumberLength", message: "身份证号应为18位" });
  } else if (!/^\d{17}[\dX]$/.test(id)) {
    issues.push({ field: "id_number", code: "IdNumberCharacters", message: "身份证号只能包含数字和末位X" });
  } else if (idCheckChar(id.slice(0, 17)) !== id[17]) {
    issues.push({ field: "id_number", code: "IdNumberCheckChar", message: "身份证号校验位不正确，请核对" });
  }
  return issues;
}

function matches(m: FakeMember, text: string): boolean {
  if (!text) return true;
  if (m.name.toLowerCase().includes(text)) return true;
  if (m.pinyin && (m.pinyin.includes(text) || m.initials.startsWith(text))) return true;
  if (/^\d{3,}$/.test(text) && m.phone?.endsWith(text)) return true;
  return !!m.credit_code && m.credit_code.toLowerCase().includes(text);
}

/** "36.5" (also "36", "36.5℃") as tenths, like the Rust parse_temperature. */
function parseTemperature(text: string): number {
  const t = text.trim().replace(/[℃Cc]$/, "").replace(/°$/, "").trim();
  const m = /^(\d{1,2})(?:\.(\d))?$/.exec(t);
  if (!m) throw err("TemperatureFormat", "体温请填写数字，最多一位小数，例如 36.5");
  const tenths = Number(m[1]) * 10 + Number(m[2] ?? 0);
  if (tenths < 340 || tenths > 430) throw err("TemperatureOutOfRange", "体温应在34.0到43.0°C之间");
  return tenths;
}

function cleanRemark(remark: string | null): void {
  if (remark && [...remark.trim()].length > 200) throw err("RemarkTooLong", "备注不超过200字");
}

function normaliseColour(c: string): "green" | "yellow" | "red" | null {
  const v = c.trim().toLowerCase();
  if (v === "green" || v === "绿" || v === "绿码") return "green";
  if (v === "yellow" || v === "黄" || v === "黄码") return "yellow";
  if (v === "red" || v === "红" || v === "红码") return "red";
  return null;
}

/** 张三 → 张*, 李明华 → 李**, 欧阳娜娜 → 欧阳** (like the Rust mask_name). */
export function maskName(name: string): string {
  const cs = [...name];
  const compound = ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "司徒", "慕容"];
  const keep = cs.length > 2 && compound.some((c) => name.startsWith(c)) ? 2 : 1;
  return cs.map((c, i) => (i < keep || c === "·" ? c : "*")).join("");
}

export function emptyOrgProfile(): OrgProfile {
  return {
    unit_status: "",
    unit_nature: "",
    industry: "",
    scale: "",
    region: "",
    address: "",
    contact_email: "",
    contact_wechat: "",
    legal_birth_date: "",
    fax: "",
    postcode: "",
    landline: "",
    website: "",
    founded_on: "",
    business_scope: "",
    telecom_license: "",
    registered_capital: "",
    paid_in_capital: "",
    intro: "",
  };
}

/** The domain's validate_org_profile, with its codes and words. */
function orgProfileError(p: OrgProfile): AppError | null {
  const blank = (s: string) => !s.trim();
  if ([p.unit_status, p.unit_nature, p.industry, p.scale, p.region, p.address].some(blank)) {
    return err("ProfileRequired", "请填写单位状态、单位性质、所属行业、单位规模、所在地区和详细地址");
  }
  if (
    !["存续", "在业", "停业", "注销"].includes(p.unit_status) ||
    !["国有企业", "民营企业", "外资企业", "合资企业", "事业单位", "社会组织", "其他"].includes(p.unit_nature) ||
    !["20人以下", "20-99人", "100-499人", "500-999人", "1000人以上"].includes(p.scale)
  ) {
    return err("ChoiceInvalid", "所选项目不在可选范围内");
  }
  if (!blank(p.postcode) && !/^\d{6}$/.test(p.postcode)) return err("PostcodeInvalid", "邮政编码应为6位数字");
  if (!blank(p.contact_email) && !/^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$/.test(p.contact_email.trim())) {
    return err("EmailInvalid", "邮箱格式不正确");
  }
  for (const d of [p.legal_birth_date, p.founded_on]) {
    if (!blank(d) && !/^\d{4}-\d{2}-\d{2}$/.test(d.trim())) return err("DateInvalid", "日期格式应为 2026-01-31");
  }
  for (const c of [p.registered_capital, p.paid_in_capital]) {
    if (!blank(c) && !(Number.isFinite(Number(c.trim())) && Number(c.trim()) >= 0)) {
      return err("CapitalInvalid", "资金应为不小于0的数字（单位：万元）");
    }
  }
  return null;
}

/** Arguments as the app receives them: JSON, like Tauri's IPC (Svelte state proxies and
 * all). */
function json<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
