// The approval engine of the in-memory backend: requests with a "server" copy and this
// device's copy, an outbox that fills offline and is sent by sync_now (stale decisions
// come back as conflicts, refusals as rejected), the effects of approval (memberships,
// dues orders, organisations activated), notifications, the org tree and the service
// hall. FakeBackend (fake.ts) delegates its workflow commands here.

import type { AppError, DelegateCandidate, MembershipCounts, MembershipPage, MembershipQuery, Role, SessionView, SmsSent } from "./bindings";
import type { FakeMember } from "./fakeData";
import { actedBy, allowedActions, apply, currentStep, isDecision, participants, waitingOn, type Outcome } from "./fakeEngine";
import { DEV_CODE, demoServices, demoUnits, FAKE_PEOPLE, ROLE_HOLDERS, seedWorkflow, type FakeUnit } from "./fakeWorkflowData";
import { creditCodeError, fenToYuan, isDate, MEMBER_CATEGORIES, nameError, passwordError, phoneError, type RequestAction } from "./workflow";
import type {
  Attachment,
  AttachmentData,
  BulkResult,
  LocalState,
  MembershipRecordView,
  MembershipStatus,
  NotificationView,
  OrgProfile,
  OrgRegisterStatus,
  OrgRegistrationForm,
  Person,
  RequestBody,
  RequestCounts,
  RequestDetail,
  RequestKind,
  RequestPage,
  RequestQuery,
  RequestRow,
  RequestState,
  ServiceView,
  Step,
  UnitOption,
  WorkflowIssue,
} from "./workflow";

const e = (code: string, message: string): AppError => ({ code, message });

export const KIND_LABEL: Record<RequestKind, string> = {
  join: "入会申请",
  transfer: "转会申请",
  position: "职务申请",
  withdrawal: "退会申请",
  org_registration: "单位注册",
  service: "办事大厅",
  content: "内容审核",
};

export const STATE_LABEL: Record<RequestState, string> = {
  draft: "草稿",
  submitted: "审核中",
  returned: "退回修改",
  approved: "已通过",
  rejected: "未通过",
  withdrawn: "已撤回",
};

export const MEMBERSHIP_LABEL: Record<MembershipStatus, string> = {
  pending: "待生效",
  current: "有效",
  grace: "宽限期",
  expired: "已过期",
  ended: "已终止",
};

const ACTION_WHAT: Record<string, string> = {
  approve: "通过",
  reject: "驳回",
  send_back: "退回修改",
  withdraw: "撤回",
  resubmit: "重新提交",
  delegate: "委托",
  advise: "提出意见",
  transfer: "转交",
  comment: "评论",
};

type Op = { actor: Person; action: RequestAction; base: number; step: number };

export type Held = {
  id: string;
  /** What the server holds; null while a submission made offline waits in the outbox. */
  server: { body: RequestBody; version: number } | null;
  /** This device's copy (the last pull). */
  device: { body: RequestBody; version: number };
  pending: Op[];
  queuedSubmit: boolean;
  local: LocalState;
  localCode: string | null;
  localReason: string | null;
  updated: number;
};

export type FakeMembership = MembershipRecordView & { account_id: string; request_id: string | null };
export type { FakeOrder as FakeDues } from "./fakeDues";
import type { FakeOrder } from "./fakeDues";
export type FakeNotification = NotificationView & { to: string };
export type FakeOrgReg = {
  association_id: string;
  form: OrgRegistrationForm;
  password: string;
  account_id: string;
  request_id: string;
  submitted_at: number;
};

export type Ctx = { session: SessionView; online: boolean };

export function today(now = Date.now()): string {
  const d = new Date(now);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function me(ctx: Ctx): Person {
  const a = ctx.session.account;
  return { id: a.id, name: a.real_name ?? a.org_name ?? "" };
}

function req<T>(v: T | undefined | null, err: AppError): T {
  if (v === undefined || v === null) throw err;
  return v;
}

const NOT_FOUND = e("NotFound", "申请不存在或您无权查看");
/** Roles that see members (org::Role::permits ViewMembers) and review applications. */
const VIEW_MEMBERS = new Set<Role>(["secretary", "reviewer", "system_admin"]);
const REVIEWS = VIEW_MEMBERS;
const ROLE_LABEL: Record<Role, string> = {
  member: "会员",
  secretary: "秘书",
  reviewer: "审核员",
  site_manager: "站点管理员",
  scanner: "扫码员",
  health_authority: "卫健部门",
  system_admin: "系统管理员",
};

/** The status the dates give today (the domain's derive_status, 30 days of grace). */
export function derivedStatus(startOn: string, endOn: string | null, now = Date.now()): MembershipStatus {
  const day = today(now);
  if (startOn > day) return "pending";
  if (!endOn) return "current";
  if (endOn >= day) return "current";
  const end = Date.parse(`${endOn}T00:00:00`);
  return now - end > 31 * 86_400_000 ? "expired" : "grace";
}
const OFFLINE = e("Network", "无法连接服务器，请检查网络后重试");

export class FakeWorkflow {
  units: FakeUnit[] = demoUnits();
  services: ServiceView[] = demoServices();
  held: Held[] = [];
  memberships: FakeMembership[] = [];
  /** Dues orders (the dues engine, fakeDues.ts, keeps their payments). */
  dues: FakeOrder[] = [];
  notifications: FakeNotification[] = [];
  issues: Array<WorkflowIssue & { to: string }> = [];
  attachments = new Map<string, AttachmentData & { size: number }>();
  orgRegs: FakeOrgReg[] = [];
  orgProfiles = new Map<string, OrgProfile>();
  /** Accounts that asked for a verification code (send_verify_code). */
  codesSent = new Set<string>();
  /** Organisation accounts made by approved registrations: credit code → session. */
  activatedOrgs: Array<{ creditCode: string; password: string; session: SessionView }> = [];
  private seq = 1000;

  constructor(extraTodo = 0) {
    seedWorkflow(this, extraTodo);
  }

  newId(prefix: string): string {
    this.seq++;
    return `${prefix}-${this.seq}`;
  }

  // ------------------------------------------------------------ the org tree

  unit(id: string): FakeUnit | undefined {
    return this.units.find((u) => u.id === id);
  }

  private pathNames(u: FakeUnit): string[] {
    const out: string[] = [];
    let cur: FakeUnit | undefined = u;
    while (cur) {
      out.unshift(cur.name);
      cur = cur.parent_id ? this.unit(cur.parent_id) : undefined;
    }
    return out;
  }

  option(u: FakeUnit): UnitOption {
    return {
      id: u.id,
      name: u.name,
      kind: u.kind,
      path_names: this.pathNames(u),
      has_children: this.units.some((c) => c.parent_id === u.id && c.kind !== "site"),
      levels: u.levels ?? [],
    };
  }

  children(parentId: string | null): UnitOption[] {
    return this.units.filter((u) => u.parent_id === parentId && u.kind !== "site").map((u) => this.option(u));
  }

  search(text: string): UnitOption[] {
    const t = text.trim();
    if (!t) return [];
    return this.units
      .filter((u) => u.kind !== "site" && u.name.includes(t))
      .slice(0, 20)
      .map((u) => this.option(u));
  }

  associations(): UnitOption[] {
    return this.units.filter((u) => u.kind === "association").map((u) => this.option(u));
  }

  /** Holders of `role` at the node, else at the nearest ancestor, else system admins. */
  approvers(role: Role, nodeId: string): Person[] {
    let cur = this.unit(nodeId);
    while (cur) {
      const at = ROLE_HOLDERS.filter((h) => h.role === role && h.node === cur!.id);
      if (at.length) return at.map((h) => ({ id: h.id, name: h.name }));
      cur = cur.parent_id ? this.unit(cur.parent_id) : undefined;
    }
    return ROLE_HOLDERS.filter((h) => h.role === "system_admin").map((h) => ({ id: h.id, name: h.name }));
  }

  step(title: string, mode: Step["mode"], role: Role, nodeId: string, approvers?: Person[]): Step {
    return { title, mode, role, node_id: nodeId, approvers: approvers ?? this.approvers(role, nodeId), votes: [], delegations: [] };
  }

  // ------------------------------------------------------------ requests: reading

  view(h: Held): RequestBody {
    let b = h.device.body;
    for (const op of h.pending) {
      try {
        b = apply(b, op.actor, op.action, Date.now()).body;
      } catch {
        // Shown as it was; the outbox entry comes back rejected on sync.
      }
    }
    return b;
  }

  private find(id: string, who: string): Held {
    const h = this.held.find((x) => x.id === id);
    if (!h || !participants(this.view(h)).includes(who)) throw NOT_FOUND;
    return h;
  }

  detail(h: Held, who: string): RequestDetail {
    const body = this.view(h);
    return {
      id: h.id,
      version: h.device.version,
      body: structuredClone(body),
      allowed: allowedActions(body, who),
      local: h.local,
      local_code: h.localCode,
      local_reason: h.localReason,
    };
  }

  private inBox(h: Held, box: RequestQuery["box"], who: string): boolean {
    const b = this.view(h);
    if (box === "sent") return b.applicant.id === who;
    const waiting = waitingOn(b).includes(who);
    if (box === "todo") return waiting;
    return !waiting && actedBy(b, who);
  }

  counts(who: string): RequestCounts {
    const n = (box: RequestQuery["box"]) => this.held.filter((h) => this.inBox(h, box, who)).length;
    return { sent: n("sent"), todo: n("todo"), done: n("done") };
  }

  row(h: Held): RequestRow {
    const b = this.view(h);
    return {
      id: h.id,
      kind: b.kind,
      kind_label: KIND_LABEL[b.kind],
      title: b.title,
      applicant_name: b.applicant.name,
      node_name: b.node_name,
      state: b.state,
      state_label: STATE_LABEL[b.state],
      step_title: currentStep(b)?.title ?? null,
      submitted_at: b.submitted_at ?? null,
      updated_at: h.updated,
      sms_verified: b.sms_verified,
      local: h.local,
    };
  }

  list(ctx: Ctx, q: RequestQuery): RequestPage {
    const who = me(ctx).id;
    const text = (q.text ?? "").trim();
    const rows = this.held
      .filter((h) => this.inBox(h, q.box, who))
      .map((h) => this.row(h))
      .filter((r) => !q.kind || r.kind === q.kind)
      .filter((r) => !q.state || r.state === q.state)
      .filter((r) => !text || r.title.includes(text) || r.applicant_name.includes(text) || r.node_name.includes(text))
      .sort((a, b) => b.updated_at - a.updated_at);
    const size = Math.max(1, q.page_size);
    const page = Math.max(1, q.page);
    return { rows: rows.slice((page - 1) * size, page * size), total: rows.length, counts: this.counts(who) };
  }

  get(ctx: Ctx, id: string): RequestDetail {
    const who = me(ctx).id;
    return this.detail(this.find(id, who), who);
  }

  // ------------------------------------------------------------ requests: submitting

  /** The form checked as the domain's parse_* do; the node and steps it resolves to. */
  private shape(ctx: Ctx, kind: RequestKind, form: Record<string, unknown>): { node: FakeUnit; steps: Step[]; title: string } {
    const s = (k: string) => (typeof form[k] === "string" ? (form[k] as string).trim() : "");
    const checkReferrer = () => {
      const n = s("referrer_name");
      const p = s("referrer_phone");
      if (!n && !p) return;
      if (!n || !p) throw e("ReferrerIncomplete", "推荐人姓名和手机号应同时填写");
      const ne = nameError(n);
      if (ne) throw e("NameCharacters", ne);
      const pe = phoneError(p);
      if (pe) throw e("PhoneFormat", pe);
    };
    const unitOf = (key: string) => req(this.unit(s(key)), e("FormInvalid", "申请表格式不正确"));
    switch (kind) {
      case "join": {
        if (!(MEMBER_CATEGORIES as readonly string[]).includes(s("category"))) throw e("CategoryInvalid", "请选择会员类型");
        checkReferrer();
        if (form.agreed !== true) throw e("NotAgreed", "请阅读并同意入会申请书");
        const node = unitOf("unit_id");
        return { node, steps: [this.step("单位工会审核", "any", "secretary", node.id)], title: `入会申请 · ${node.name}` };
      }
      case "transfer": {
        if (!(MEMBER_CATEGORIES as readonly string[]).includes(s("category"))) throw e("CategoryInvalid", "请选择会员类型");
        if (form.agreed !== true) throw e("NotAgreed", "请阅读并同意入会申请书");
        const node = unitOf("to_unit_id");
        const old = this.live(me(ctx).id).find((m) => m.unit_id !== node.id);
        if (!old) throw e("NoMembership", "您还没有可以转出的会籍");
        return {
          node,
          steps: [this.step("转出单位审核", "any", "secretary", old.unit_id), this.step("转入单位审核", "any", "secretary", node.id)],
          title: `转会申请 · ${node.name}`,
        };
      }
      case "position": {
        const n = [...s("position")].length;
        if (n === 0) throw e("PositionRequired", "请填写申请的职务");
        if (n > 30) throw e("FieldTooLong", "填写的内容过长（每项不超过100个字）");
        checkReferrer();
        const node = unitOf("unit_id");
        const steps = [this.step("秘书处审核", "any", "secretary", node.id)];
        const reviewers = this.reviewersAbove(node.id);
        if (reviewers.length) steps.push(this.step("上级会签", "all", "reviewer", node.id, reviewers));
        return { node, steps, title: `职务申请 · ${node.name}` };
      }
      case "withdrawal": {
        const n = [...s("reason")].length;
        if (n === 0 || n > 500) throw e("ReasonRequired", "请填写原因（1到500个字）");
        checkReferrer();
        const node = unitOf("unit_id");
        return { node, steps: [this.step("单位审核", "any", "secretary", node.id)], title: `退会申请 · ${node.name}` };
      }
      case "service": {
        const svc = req(
          this.services.find((x) => x.id === form.service_id),
          e("FormInvalid", "申请表格式不正确"),
        );
        const values = (form.values ?? {}) as Record<string, string>;
        for (const f of svc.def.fields) {
          const v = (values[f.key] ?? "").trim();
          if (!v) {
            if (f.required) throw e("FieldRequired", "请填写所有必填项");
            continue;
          }
          if (f.type === "date" && !isDate(v)) throw e("DateInvalid", "日期格式应为 2026-01-31");
          if (f.type === "phone" && phoneError(v)) throw e("PhoneFormat", "手机号格式不正确");
          if (f.type === "url" && !/^https?:\/\/\S+$/.test(v)) throw e("UrlInvalid", "网址应以 http:// 或 https:// 开头");
          if (f.type === "choice" && !(f.options ?? []).includes(v)) throw e("ChoiceInvalid", "所选项目不在可选范围内");
        }
        const node = req(this.unit(svc.node_id), e("FormInvalid", "申请表格式不正确"));
        return {
          node,
          steps: svc.def.steps.map((t) => this.step(t.title, t.mode, t.role, t.node_id)),
          title: `${svc.def.name} · ${me(ctx).name}`,
        };
      }
      default:
        throw e("FormInvalid", "申请表格式不正确");
    }
  }

  private reviewersAbove(nodeId: string): Person[] {
    let cur = this.unit(nodeId);
    while (cur) {
      const at = ROLE_HOLDERS.filter((h) => h.role === "reviewer" && h.node === cur!.id);
      if (at.length) return at.map((h) => ({ id: h.id, name: h.name }));
      cur = cur.parent_id ? this.unit(cur.parent_id) : undefined;
    }
    return [];
  }

  live(accountId: string): FakeMembership[] {
    return this.memberships.filter(
      (m) => m.account_id === accountId && (m.status === "current" || m.status === "grace" || m.status === "pending"),
    );
  }

  /** What the server checks on arrival (membership rules), as the plan's submit checks. */
  private serverChecks(b: RequestBody): void {
    const who = b.applicant.id;
    const form = b.form;
    if (b.kind === "join") {
      if (this.live(who).some((m) => m.unit_id === form.unit_id)) throw e("AlreadyMember", "您已是该单位的会员，无需重复申请");
      const open = this.held.some(
        (h) =>
          h.server &&
          h.server.body.kind === "join" &&
          h.server.body.applicant.id === who &&
          h.server.body.form.unit_id === form.unit_id &&
          (h.server.body.state === "submitted" || h.server.body.state === "returned"),
      );
      if (open) throw e("RequestOpen", "您已提交过该单位的入会申请，正在审核中");
    } else if (b.kind === "transfer") {
      if (this.live(who).some((m) => m.unit_id === form.to_unit_id)) throw e("SameUnit", "您已是转入单位的会员");
    } else if (b.kind === "position" || b.kind === "withdrawal") {
      if (!this.live(who).some((m) => m.unit_id === form.unit_id)) throw e("NotMember", "您不是该单位的会员");
    }
  }

  submit(
    ctx: Ctx,
    kind: RequestKind,
    form: Record<string, unknown>,
    attachments: Attachment[],
    smsCode: string | null,
  ): RequestDetail {
    const actor = me(ctx);
    const { node, steps, title } = this.shape(ctx, kind, form);
    if (steps.length === 0 || steps.some((s) => s.approvers.length === 0)) {
      throw e("NoApprovers", "该组织尚未设置审批人，请联系上级组织");
    }
    for (const a of attachments) if (!this.attachments.has(a.id)) throw e("AttachmentMissing", "附件不存在，请重新上传");
    const now = Date.now();
    const code = ctx.online ? smsCode?.trim() || null : null;
    if (code !== null) {
      if (!this.codesSent.has(actor.id)) throw e("SmsCodeNotRequested", "请先获取验证码");
      if (code !== DEV_CODE) throw e("SmsCodeWrong", "验证码错误");
    }
    const body: RequestBody = {
      kind,
      title,
      applicant: actor,
      node_id: node.id,
      node_name: node.name,
      form: structuredClone(form),
      attachments: structuredClone(attachments),
      state: "submitted",
      steps,
      current: 0,
      log: [{ at: now, actor, action: "submit", step: null, comment: null, to: null }],
      sms_verified: code !== null,
      bill: null,
      submitted_at: now,
      decided_at: null,
      reason: null,
    };
    const h: Held = {
      id: this.newId("rq"),
      server: null,
      device: { body, version: 0 },
      pending: [],
      queuedSubmit: !ctx.online,
      local: ctx.online ? "synced" : "queued",
      localCode: null,
      localReason: null,
      updated: now,
    };
    if (ctx.online) {
      this.serverChecks(body);
      h.server = { body: structuredClone(body), version: 1 };
      h.device = { body: structuredClone(body), version: 1 };
      this.notifyAll({ body, effect: null, notify: steps[0].approvers.map((p) => p.id) }, actor, "submit", h.id);
    }
    this.held.unshift(h);
    return this.detail(h, actor.id);
  }

  // ------------------------------------------------------------ requests: acting

  act(ctx: Ctx, id: string, action: RequestAction): RequestDetail {
    const actor = me(ctx);
    const h = this.find(id, actor.id);
    const view = this.view(h);
    apply(view, actor, action, Date.now()); // refusals answer at once, online or not
    const op: Op = { actor, action: structuredClone(action), base: h.device.version, step: view.current };
    if (!ctx.online || h.queuedSubmit) {
      h.pending.push(op);
      h.local = "queued";
      h.updated = Date.now();
      return this.detail(h, actor.id);
    }
    const issue = this.send(h, op);
    h.device = structuredClone(h.server!);
    if (issue) {
      h.local = issue.status;
      h.localCode = issue.code;
      h.localReason = issue.reason;
    } else {
      h.local = "synced";
      h.localCode = h.localReason = null;
    }
    return this.detail(h, actor.id);
  }

  /** One outbox entry at the server; an issue when it did not apply. */
  private send(h: Held, op: Op): WorkflowIssue | null {
    const server = h.server!;
    const now = Date.now();
    const stale = op.base !== server.version;
    let out: Outcome;
    try {
      out = apply(server.body, op.actor, op.action, now);
    } catch (err) {
      const a = err as AppError;
      return this.issue(h, op, stale ? "conflict" : "rejected", stale ? "Conflict" : a.code, stale ? null : a.message);
    }
    if (stale && isDecision(op.action) && server.body.current !== op.step) {
      return this.issue(h, op, "conflict", "Conflict", null);
    }
    server.body = out.body;
    server.version++;
    h.updated = now;
    this.effects(h.id, out, op.actor);
    this.notifyAll(out, op.actor, op.action.action, h.id);
    return null;
  }

  private issue(h: Held, op: Op, status: "rejected" | "conflict", code: string, reason: string | null): WorkflowIssue {
    const b = h.server?.body ?? h.device.body;
    const decisive = [...b.log].reverse().find((l) => ["approve", "reject", "send_back", "withdraw", "transfer"].includes(l.action));
    if (status === "conflict" && decisive) {
      const d = new Date(decisive.at);
      const hm = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
      reason = `已由${decisive.actor.name}于${d.getMonth() + 1}月${d.getDate()}日 ${hm}${ACTION_WHAT[decisive.action]}`;
    }
    const issue = {
      id: this.newId("iss"),
      request_id: h.id,
      title: b.title,
      what: ACTION_WHAT[op.action.action] ?? op.action.action,
      status,
      code,
      reason,
      current_state_label: STATE_LABEL[b.state],
      decided_by: decisive?.actor.name ?? null,
      to: op.actor.id,
    };
    this.issues.push(issue);
    return issue;
  }

  /** sync_now: the outbox goes out in order, then the device pulls every request again. */
  flush(): number {
    let sent = 0;
    for (const h of this.held) {
      if (h.queuedSubmit) {
        h.queuedSubmit = false;
        sent++;
        try {
          this.serverChecks(h.device.body);
          h.server = { body: structuredClone(h.device.body), version: 1 };
          h.device.version = 1;
          const b = h.server.body;
          this.notifyAll({ body: b, effect: null, notify: b.steps[0].approvers.map((p) => p.id) }, b.applicant, "submit", h.id);
          h.local = "synced";
        } catch (err) {
          const a = err as AppError;
          h.local = "rejected";
          h.localCode = a.code;
          h.localReason = a.message;
          h.pending = [];
          this.issues.push({
            id: this.newId("iss"),
            request_id: h.id,
            title: h.device.body.title,
            what: "提交申请",
            status: "rejected",
            code: a.code,
            reason: a.message,
            current_state_label: null,
            decided_by: null,
            to: h.device.body.applicant.id,
          });
          continue;
        }
      }
      if (!h.server) continue;
      const ops = h.pending;
      h.pending = [];
      let last: WorkflowIssue | null = null;
      for (const op of ops) {
        sent++;
        last = this.send(h, op) ?? last;
      }
      if (ops.length) {
        h.local = last ? last.status : "synced";
        h.localCode = last?.code ?? null;
        h.localReason = last?.reason ?? null;
      }
      h.device = structuredClone(h.server);
    }
    return sent;
  }

  queued(): number {
    return this.held.reduce((n, h) => n + h.pending.length + (h.queuedSubmit ? 1 : 0), 0);
  }

  /** Someone else decides at the server (tests: the decision this device has not pulled). */
  decideElsewhere(id: string, actor: Person, action: RequestAction): void {
    const h = req(this.held.find((x) => x.id === id), NOT_FOUND);
    const server = req(h.server, NOT_FOUND);
    const out = apply(server.body, actor, action, Date.now());
    server.body = out.body;
    server.version++;
    this.effects(id, out, actor);
  }

  bulkApprove(ctx: Ctx, ids: string[], comment: string | null): BulkResult {
    const result: BulkResult = { applied: 0, queued: 0, failed: [] };
    for (const id of ids) {
      try {
        const d = this.act(ctx, id, { action: "approve", comment, bill: null });
        if (d.local === "queued") result.queued++;
        else if (d.local === "synced") result.applied++;
        else {
          const issue = [...this.issues].reverse().find((i) => i.request_id === id);
          if (issue) result.failed.push(strip(issue));
        }
      } catch (err) {
        const a = err as AppError;
        const h = this.held.find((x) => x.id === id);
        const issue = {
          id: this.newId("iss"),
          request_id: id,
          title: h ? this.view(h).title : id,
          what: "通过",
          status: "rejected" as const,
          code: a.code,
          reason: a.message,
          current_state_label: h ? STATE_LABEL[this.view(h).state] : null,
          decided_by: null,
          to: me(ctx).id,
        };
        this.issues.push(issue);
        result.failed.push(strip(issue));
      }
    }
    return result;
  }

  issuesOf(ctx: Ctx): WorkflowIssue[] {
    return this.issues.filter((i) => i.to === me(ctx).id).map(strip);
  }

  dismiss(ctx: Ctx, id: string): void {
    const i = this.issues.find((x) => x.id === id && x.to === me(ctx).id);
    if (!i) throw e("NotFound", "记录不存在");
    this.issues = this.issues.filter((x) => x !== i);
    const h = this.held.find((x) => x.id === i.request_id);
    if (h && (h.local === "conflict" || h.local === "rejected") && !h.queuedSubmit && h.server) {
      h.local = "synced";
      h.localCode = h.localReason = null;
    }
  }

  // ------------------------------------------------------------ effects and notifications

  private effects(id: string, out: Outcome, actor: Person): void {
    const b = out.body;
    const on = today();
    if (b.kind === "org_registration") {
      const reg = this.orgRegs.find((r) => r.request_id === id);
      if (reg && out.effect === "approved") this.activateOrg(reg, actor);
      return;
    }
    if (out.effect !== "approved") return;
    const who = b.applicant;
    const f = b.form;
    const unit = this.unit(b.node_id);
    if (b.kind === "join") {
      const m = this.newMembership(who, b.node_id, b.node_name, String(f.category ?? ""), id);
      m.history.push({ on, what: "joined", note: `经${actor.name}审核通过`, by: actor.name });
      if (b.bill && /^\d{4}$/.test(b.bill.period)) m.end_on = `${b.bill.period}-12-31`;
      if (b.bill) {
        this.dues.unshift({
          id: this.newId("do"),
          account_id: who.id,
          unit_id: b.node_id,
          name: who.name,
          unit_name: b.node_name,
          period: b.bill.period,
          amount_fen: b.bill.amount_fen,
          paid_fen: 0,
          status: "pending",
          due_on: null,
          prorated: false,
          cancel_reason: null,
          created_at: Date.now(),
        });
      }
    } else if (b.kind === "transfer") {
      const old = this.live(who.id).find((m) => m.unit_id !== b.node_id);
      if (old) {
        old.ended_on = on;
        old.status = "ended";
        old.status_label = MEMBERSHIP_LABEL.ended;
        old.history.push({ on, what: "transferred_out", note: `转入${b.node_name}`, by: actor.name });
      }
      const m = this.newMembership(who, b.node_id, b.node_name, String(f.category ?? ""), id);
      m.history.push({ on, what: "transferred_in", note: old ? `由${old.unit_name}转入` : null, by: actor.name });
    } else if (b.kind === "position") {
      const m = this.live(who.id).find((x) => x.unit_id === f.unit_id);
      if (m) {
        m.title = String(f.position);
        m.history.push({ on, what: "title", note: String(f.position), by: actor.name });
      }
    } else if (b.kind === "withdrawal") {
      const m = this.live(who.id).find((x) => x.unit_id === f.unit_id);
      if (m) {
        m.ended_on = on;
        m.status = "ended";
        m.status_label = MEMBERSHIP_LABEL.ended;
        m.history.push({ on, what: "withdrawn", note: String(f.reason ?? ""), by: actor.name });
      }
    }
    void unit;
  }

  newMembership(who: Person, unitId: string, unitName: string, type: string, requestId: string | null): FakeMembership {
    const on = today();
    const m: FakeMembership = {
      id: this.newId("ms"),
      account_id: who.id,
      name: who.name,
      unit_id: unitId,
      unit_name: unitName,
      member_type: type,
      level: null,
      title: null,
      joined_on: on,
      start_on: on,
      end_on: null,
      ended_on: null,
      status: "current",
      status_label: MEMBERSHIP_LABEL.current,
      override_reason: null,
      history: [],
      request_id: requestId,
    };
    this.memberships.unshift(m);
    return m;
  }

  private activateOrg(reg: FakeOrgReg, actor: Person): void {
    const assoc = this.unit(reg.association_id);
    const m = this.newMembership({ id: reg.account_id, name: reg.form.unit_name }, reg.association_id, assoc?.name ?? "", "单位会员", reg.request_id);
    m.level = reg.form.user_type;
    m.history.push({ on: today(), what: "joined", note: `单位注册经${actor.name}审核通过`, by: actor.name });
    this.activatedOrgs.push({
      creditCode: reg.form.credit_code,
      password: reg.password,
      session: {
        home: "member",
        logged_in_at: Date.now(),
        account: {
          id: reg.account_id,
          kind: "organisation",
          phone_masked: reg.form.contact_phone.slice(0, 3) + "****" + reg.form.contact_phone.slice(-4),
          real_name: null,
          id_number_masked: null,
          credit_code: reg.form.credit_code,
          org_name: reg.form.unit_name,
          grants: [{ role: "member", node_id: reg.association_id, node_name: assoc?.name ?? null, node_path: `/${assoc?.name ?? ""}/` }],
          needs_profile: true,
        },
      },
    });
  }

  private notifyAll(out: Outcome, actor: Person, action: string, requestId: string): void {
    const b = out.body;
    const kind = KIND_LABEL[b.kind];
    const at = Date.now();
    for (const to of out.notify) {
      let title: string;
      let text: string;
      if (out.effect === "approved") {
        title = `${kind}已通过`;
        text = `您提交的“${b.title}”已审核通过。`;
        if (b.bill) text += `请缴纳会费 ¥${fenToYuan(b.bill.amount_fen)}（${b.bill.period}年度）。`;
      } else if (out.effect === "rejected") {
        title = `${kind}未通过`;
        text = `您提交的“${b.title}”未通过审核。原因：${b.reason ?? ""}`;
      } else if (out.effect === "sent_back") {
        title = `${kind}被退回修改`;
        text = `原因：${b.reason ?? ""}。请修改后重新提交。`;
      } else if (out.effect === "withdrawn") {
        title = `${b.title} 已撤回`;
        text = `${b.applicant.name}撤回了该申请，无需再处理。`;
      } else if (action === "delegate") {
        title = `请对“${b.title}”提出意见`;
        text = `${actor.name}请您对该申请提出意见，决定仍由其作出。`;
      } else if (action === "transfer") {
        title = `新的待办：${b.title}`;
        text = `${actor.name}将该申请转交给您审批。`;
      } else if (action === "advise") {
        title = `${actor.name}已提出意见`;
        text = `对“${b.title}”的意见已送达，请作出决定。`;
      } else if (action === "comment") {
        title = `${actor.name}评论了申请`;
        text = [...b.log].reverse().find((l) => l.action === "comment")?.comment ?? "";
      } else {
        title = `新的待办：${b.title}`;
        text = `${b.applicant.name}提交了${kind}，请及时审核。`;
      }
      this.notifications.unshift({ id: this.newId("nt"), to, title, text, request_id: requestId, payment_id: null, at, read: false });
    }
  }

  // ------------------------------------------------------------ memberships, dues, inbox

  myMemberships(ctx: Ctx): MembershipRecordView[] {
    return this.memberships
      .filter((m) => m.account_id === me(ctx).id)
      .map(({ account_id: _a, request_id: _r, ...v }) => structuredClone(v));
  }



  setStatus(ctx: Ctx, id: string, status: MembershipStatus | null, reason: string): MembershipRecordView {
    const m = req(this.memberships.find((x) => x.id === id), e("NotFound", "会籍不存在"));
    if (!ctx.session.account.grants.some((g) => g.role === "secretary")) throw e("Forbidden", "您没有在该组织执行此操作的权限");
    if (!reason.trim()) throw e("ReasonRequired", "请填写原因（1到500个字）");
    if (status === "ended") throw e("OverrideInvalid", "不能手动设为“已终止”，终止会籍请走退会流程");
    if (m.status === "ended" || m.ended_on) throw e("MembershipEnded", "该会籍已终止");
    const next = status ?? derivedStatus(m.start_on, m.end_on);
    m.history.push({
      on: today(),
      what: status ? "override" : "override_cleared",
      note: status ? `${MEMBERSHIP_LABEL[status]}：${reason.trim()}` : reason.trim(),
      by: me(ctx).name,
    });
    if (next !== m.status) m.history.push({ on: today(), what: "status", note: `${m.status_label} → ${MEMBERSHIP_LABEL[next]}`, by: null });
    m.status = next;
    m.status_label = MEMBERSHIP_LABEL[next];
    m.override_reason = status ? reason.trim() : null;
    const { account_id: _a, request_id: _r, ...v } = m;
    return structuredClone(v);
  }

  renew(ctx: Ctx, id: string, endOn: string): MembershipRecordView {
    const m = req(this.memberships.find((x) => x.id === id), e("NotFound", "会籍不存在"));
    if (!ctx.session.account.grants.some((g) => g.role === "secretary")) throw e("Forbidden", "您没有在该组织执行此操作的权限");
    if (!isDate(endOn)) throw e("DateInvalid", "日期格式应为 2026-01-31");
    if (endOn <= m.start_on || (m.end_on && endOn <= m.end_on)) throw e("DateOrder", "结束日期应晚于开始日期");
    if (m.status === "ended") throw e("MembershipEnded", "该会籍已终止");
    m.history.push({ on: today(), what: "renewed", note: `${m.end_on ?? "长期"} → ${endOn}`, by: me(ctx).name });
    m.end_on = endOn;
    if (!m.override_reason) {
      m.status = derivedStatus(m.start_on, m.end_on);
      m.status_label = MEMBERSHIP_LABEL[m.status];
    }
    const { account_id: _a, request_id: _r, ...v } = m;
    return structuredClone(v);
  }

  // ------------------------------------------------------------ 会籍管理, the hand-over picker

  /** Nodes under which the account may see members (ViewMembers); null: everywhere. */
  private scopeOf(ctx: Ctx): string[] | null {
    const roots: string[] = [];
    for (const g of ctx.session.account.grants) {
      if (g.role === "system_admin" && !g.node_id) return null;
      if (VIEW_MEMBERS.has(g.role) && g.node_id) roots.push(g.node_id);
    }
    return roots;
  }

  /** `node` and its ancestors, itself first. */
  private up(node: string): string[] {
    const out = [node];
    let cur = this.unit(node)?.parent_id ?? null;
    while (cur && !out.includes(cur)) {
      out.push(cur);
      cur = this.unit(cur)?.parent_id ?? null;
    }
    return out;
  }

  private covers(scope: string[] | null, node: string): boolean {
    return scope === null || scope.some((root) => this.up(node).includes(root));
  }

  /** 会籍管理: the records in the caller's scope, filtered, newest first, with counts. */
  unitMemberships(ctx: Ctx, q: MembershipQuery, roster: FakeMember[]): MembershipPage {
    const scope = this.scopeOf(ctx);
    let person: string | null = null;
    let memberName: string | null = null;
    if (q.member_id) {
      const entry = req(roster.find((r) => r.id === q.member_id), e("NotFound", "记录不存在"));
      person = entry.account_id ?? "";
      memberName = entry.name;
    }
    const text = (q.text ?? "").trim().toLowerCase();
    const scoped = this.memberships.filter((m) => this.covers(scope, m.unit_id));
    const counts: MembershipCounts = { all: 0, pending: 0, current: 0, grace: 0, expired: 0, ended: 0 };
    const rows = scoped
      .filter((m) => !q.unit_id || this.up(m.unit_id).includes(q.unit_id))
      .filter((m) => person === null || (person !== "" && m.account_id === person))
      .filter((m) => !text || m.name.toLowerCase().includes(text));
    for (const m of rows) {
      counts.all++;
      counts[m.status]++;
    }
    const shown = rows
      .filter((m) => !q.status || m.status === q.status)
      .sort((a, b) => b.start_on.localeCompare(a.start_on) || b.id.localeCompare(a.id));
    const size = Math.min(200, Math.max(1, q.page_size));
    const page = Math.max(1, q.page);
    const units = new Set<string>();
    for (const m of scoped) {
      for (const n of this.up(m.unit_id)) {
        units.add(n);
        if (scope?.includes(n)) break;
      }
    }
    return {
      rows: shown.slice((page - 1) * size, page * size).map(({ account_id: _a, request_id: _r, ...v }) => structuredClone(v)),
      total: shown.length,
      counts,
      units: [...units]
        .filter((n) => this.covers(scope, n))
        .map((n) => this.unit(n))
        .filter((u): u is FakeUnit => !!u)
        .map((u) => this.option(u))
        .sort((a, b) => a.path_names.join("/").localeCompare(b.path_names.join("/"), "zh-CN")),
      member_name: memberName,
    };
  }

  /** Who the request's current step may be handed to: the other steps' approvers (first
   * those at the step's node or above), then people with accounts on the roster of the
   * request's unit or in the caller's scope — never the caller, the applicant or the
   * step's own approvers. */
  delegationCandidates(ctx: Ctx, requestId: string, text: string, roster: FakeMember[]): DelegateCandidate[] {
    const who = me(ctx).id;
    const b = this.view(this.find(requestId, who));
    const step = currentStep(b);
    if (!step) return [];
    const excluded = (id: string) => id === who || id === b.applicant.id || step.approvers.some((p) => p.id === id);
    const found = new Map<string, DelegateCandidate & { here: boolean }>();
    b.steps.forEach((s, i) => {
      if (i === b.current) return;
      const reviewer = REVIEWS.has(s.role) && this.up(step.node_id).includes(s.node_id);
      const place = this.unit(s.node_id)?.name ?? s.title;
      for (const p of s.approvers) {
        if (excluded(p.id)) continue;
        const known = found.get(p.id);
        if (known) known.reviewer ||= reviewer;
        else found.set(p.id, { person: { ...p }, label: `${place} · ${ROLE_LABEL[s.role]}`, phone_masked: null, reviewer, here: false });
      }
    });
    const scope = this.scopeOf(ctx);
    for (const m of roster) {
      if (!m.account_id || m.credit_code) continue;
      const unit = this.units.find((u) => u.name === m.unit_name);
      if (!unit) continue;
      const here = unit.id === b.node_id;
      if (excluded(m.account_id) || !(here || this.covers(scope, unit.id))) continue;
      const known = found.get(m.account_id);
      if (known) {
        known.here ||= here;
        known.phone_masked ??= m.phone_masked;
      } else {
        found.set(m.account_id, {
          person: { id: m.account_id, name: m.name },
          label: `${unit.name} · 会员`,
          phone_masked: m.phone_masked,
          reviewer: false,
          here,
        });
      }
    }
    const t = text.trim().toLowerCase();
    return [...found.values()]
      .filter((c) => !t || c.person.name.toLowerCase().includes(t))
      .sort(
        (a, b) =>
          Number(b.reviewer) - Number(a.reviewer) ||
          Number(b.here) - Number(a.here) ||
          a.person.name.localeCompare(b.person.name, "zh-CN"),
      )
      .slice(0, 100)
      .map(({ here: _h, ...c }) => c);
  }

  inbox(ctx: Ctx): NotificationView[] {
    return this.notifications.filter((n) => n.to === me(ctx).id).map(({ to: _t, ...v }) => ({ ...v }));
  }

  markRead(ctx: Ctx, id: string): void {
    const n = req(this.notifications.find((x) => x.id === id && x.to === me(ctx).id), e("NotFound", "消息不存在"));
    n.read = true;
  }

  // ------------------------------------------------------------ attachments

  upload(name: string, bytes: number[]): Attachment {
    if (bytes.length === 0) throw e("AttachmentEmpty", "附件是空文件");
    if (bytes.length > 5 * 1024 * 1024) throw e("AttachmentTooLarge", "附件不能超过5MB");
    const b = bytes;
    const starts = (sig: number[], at = 0) => sig.every((x, i) => b[at + i] === x);
    const mime = starts([0x25, 0x50, 0x44, 0x46, 0x2d])
      ? "application/pdf"
      : starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
        ? "image/png"
        : starts([0xff, 0xd8, 0xff])
          ? "image/jpeg"
          : starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)
            ? "image/webp"
            : null;
    if (!mime) throw e("AttachmentType", "附件只能是PDF或图片（JPEG、PNG、WebP）");
    const clean = name.split(/[/\\]/).pop()!.trim().slice(0, 100) || "附件";
    const id = this.newId("att");
    let bin = "";
    for (const x of b) bin += String.fromCharCode(x);
    this.attachments.set(id, { name: clean, mime, base64: btoa(bin), size: b.length });
    return { id, name: clean, mime, size: b.length };
  }

  fetch(id: string, online: boolean): AttachmentData {
    const a = this.attachments.get(id);
    if (!online && !a) throw OFFLINE;
    const found = req(a, e("NotFound", "附件不存在"));
    return { name: found.name, mime: found.mime, base64: found.base64 };
  }

  // ------------------------------------------------------------ organisations

  orgRegister(associationId: string, form: OrgRegistrationForm, password: string, agreed: boolean, takenCodes: string[]): OrgRegisterStatus {
    const assoc = req(
      this.units.find((u) => u.id === associationId && u.kind === "association"),
      e("NotFound", "请选择要加入的协会"),
    );
    const n = [...form.unit_name.trim()].length;
    if (n < 2 || n > 60) throw e("NodeNameInvalid", "组织名称应为2到60个字符");
    const cc = form.credit_code.trim().toUpperCase();
    const ccErr = creditCodeError(cc);
    if (ccErr) throw e(ccErr.includes("校验位") ? "CreditCodeCheckChar" : "CreditCodeLength", ccErr);
    for (const [v, kind] of [
      [form.legal_rep, "name"],
      [form.legal_phone, "phone"],
      [form.contact, "name"],
      [form.contact_phone, "phone"],
    ] as const) {
      const msg = kind === "name" ? nameError(v) : phoneError(v);
      if (msg) throw e(kind === "name" ? "NameCharacters" : "PhoneFormat", msg);
    }
    if (!(assoc.levels ?? []).includes(form.user_type)) throw e("UserTypeInvalid", "请选择用户类型");
    const pw = passwordError(password);
    if (pw) throw e("PasswordTooWeak", pw);
    if (!agreed) throw e("NotAgreed", `请阅读并同意《${assoc.name}章程》`);
    const name = form.unit_name.trim();
    const taken =
      takenCodes.includes(cc) ||
      this.orgRegs.some((r) => r.form.credit_code === cc || r.form.unit_name === name) ||
      this.memberships.some((m) => m.unit_name === name);
    if (taken) throw e("OrgAlreadyRegistered", "该单位已经注册过，请使用统一社会信用代码登录");
    const clean: OrgRegistrationForm = { ...form, unit_name: name, credit_code: cc };
    const applicant = { id: this.newId("acc-org"), name };
    const now = Date.now();
    const body: RequestBody = {
      kind: "org_registration",
      title: `单位注册 · ${name}`,
      applicant,
      node_id: assoc.id,
      node_name: assoc.name,
      form: { ...clean },
      attachments: [],
      state: "submitted",
      steps: [this.step("秘书处审核", "any", "secretary", assoc.id)],
      current: 0,
      log: [{ at: now, actor: applicant, action: "submit", step: null, comment: null, to: null }],
      sms_verified: false,
      bill: null,
      submitted_at: now,
      decided_at: null,
      reason: null,
    };
    const h: Held = {
      id: this.newId("rq"),
      server: { body: structuredClone(body), version: 1 },
      device: { body: structuredClone(body), version: 1 },
      pending: [],
      queuedSubmit: false,
      local: "synced",
      localCode: null,
      localReason: null,
      updated: now,
    };
    this.held.unshift(h);
    this.notifyAll({ body, effect: null, notify: body.steps[0].approvers.map((p) => p.id) }, applicant, "submit", h.id);
    const reg: FakeOrgReg = { association_id: assoc.id, form: clean, password, account_id: applicant.id, request_id: h.id, submitted_at: now };
    this.orgRegs.push(reg);
    return this.regStatus(reg);
  }

  regStatus(reg: FakeOrgReg): OrgRegisterStatus {
    const h = this.held.find((x) => x.id === reg.request_id);
    const b = h?.server?.body;
    const state = b?.state ?? "submitted";
    const p = reg.form.contact_phone;
    return {
      unit_name: reg.form.unit_name,
      credit_code: reg.form.credit_code,
      association_name: this.unit(reg.association_id)?.name ?? "",
      contact_masked: `${reg.form.contact[0]}** ${p.slice(0, 3)}****${p.slice(-4)}`,
      state,
      state_label: STATE_LABEL[state],
      reason: b?.reason ?? null,
      submitted_at: reg.submitted_at,
    };
  }

  regLookup(q: string): OrgRegisterStatus {
    const t = q.trim().toUpperCase();
    if (!t) throw e("QueryRequired", "请输入统一社会信用代码或手机号");
    const reg = [...this.orgRegs]
      .reverse()
      .find((r) => r.form.credit_code === t || r.form.contact_phone === t || r.form.legal_phone === t);
    if (!reg) throw e("OrgNotFound", "未查询到注册信息");
    return this.regStatus(reg);
  }

  /** login_org for a registration: pending and refused ones say so. */
  regLoginRefusal(creditCode: string): AppError | null {
    const reg = [...this.orgRegs].reverse().find((r) => r.form.credit_code === creditCode);
    if (!reg) return null;
    const s = this.regStatus(reg);
    if (s.state === "submitted" || s.state === "returned") return e("AccountPendingReview", "账号正在审核中，请联系秘书处尽快审核");
    if (s.state === "rejected") return e("AccountRejected", `单位注册未通过审核：${s.reason ?? ""}`);
    return null;
  }

  sendCode(ctx: Ctx): SmsSent {
    if (!ctx.online) throw OFFLINE;
    this.codesSent.add(me(ctx).id);
    return { retry_after_secs: 60, dev_code: DEV_CODE };
  }

  people(): Person[] {
    return FAKE_PEOPLE.map((p) => ({ ...p }));
  }
}

function strip(i: WorkflowIssue & { to?: string }): WorkflowIssue {
  const { to: _t, ...rest } = i;
  return { ...rest };
}
