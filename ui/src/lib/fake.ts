// An in-memory Backend with realistic behaviour: the component tests drive it, and the
// browser mock mode (?mock=member|secretary|scanner|login) runs the whole UI on it.
// It records every call so tests can assert what the UI asked for.

import type { Backend, Unsubscribe } from "./api";
import type {
  AppError,
  AppInfo,
  FieldIssue,
  HomeSummary,
  MemberPage,
  MemberQuery,
  SessionView,
  SmsSent,
  SyncProgress,
  SyncStatusView,
} from "./bindings";
import {
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

export type Scenario = "login" | "member" | "secretary" | "scanner" | "organisation";

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
};

export type Call = { cmd: string; args: unknown[] };

const err = (code: string, message: string): AppError => ({ code, message });

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

  constructor(opts: FakeOptions = {}) {
    const scenario = opts.scenario ?? "login";
    this.latencyMs = opts.latencyMs ?? 0;
    this.devMode = opts.devMode ?? true;
    this.animateSync = opts.animateSync ?? false;
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

  complete_profile(realName: string, idNumber: string): Promise<SessionView> {
    return this.run("complete_profile", [realName, idNumber], () => {
      const session = this.info.session;
      if (!session) throw err("Unauthorized", "请先登录，或登录已过期");
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
                notices: SECRETARY_NOTICES,
              }
            : session.account.needs_profile || !session.account.grants.length
              ? { memberships: [], notices: [] }
              : {
                  memberships: [
                    { id: "ms-1", unit_name: "南京医科大学工会", category: "机关事业单位职工", level: null, title: "会员" },
                  ],
                  notices: MEMBER_NOTICES,
                };
      } else if (session.home === "secretary") {
        summary.secretary = {
          scope_name: "江苏省互联网协会",
          member_count: this.members.length,
          pending_reviews: 7,
          units: UNITS.map((name, i) => ({
            node_id: `u-${i}`,
            name,
            members: this.members.filter((m) => m.unit_name === name).length,
          })),
          notices: SECRETARY_NOTICES,
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
