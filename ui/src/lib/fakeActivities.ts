// The events, questionnaire and lottery engine of the in-memory backend (component tests
// and the browser mock mode), behaving like the app and its server (crates/domain/src/
// events*, crates/offline/src/app/activities.rs, crates/server/src/events): places
// allotted online with a waitlist promoted in joining order, approval, cancel until the
// start; venue and lottery codes checked on the phone and queued while offline; one
// answer per person unless changeable, results shown as the survey allows; a draw
// anyone can re-run from the published seed and entrants. Errors carry the app's codes
// and words.

import type {
  ActivityUnit,
  ActivityView,
  AnswerValue,
  AttendanceReport,
  AttendeeRow,
  CodeView,
  DrawCheck,
  EventBody,
  LotteryView,
  MemberScanView,
  MyCheckin,
  MyPrize,
  OutboxState,
  Prize,
  PrizeResult,
  RegistrationRow,
  RegistrationStatus,
  SavedFile,
  SurveyBody,
  SurveyResults,
  SurveyView,
} from "./activities";
import type { AppError, SessionView, TicketView } from "./bindings";
import { fakeQrSvg } from "./fakeData";
import { seedActivities } from "./fakeActivitiesData";
import type { FakeUnit } from "./fakeWorkflowData";

export type Ctx = { session: SessionView; online: boolean };

const err = (code: string, message: string): AppError => ({ code, message });
export const AE = {
  network: err("ActivityNeedsNetwork", "该操作需要联网（报名名额由服务器统一分配），请连接网络后再试"),
  offline: err("Network", "无法连接服务器，请检查网络后重试"),
  unknown: err("ActivityUnknown", "该活动/问卷/抽奖尚未同步到本机，请联网同步后再试"),
  notFound: err("NotFound", "记录不存在"),
  forbidden: err("Forbidden", "您没有在该组织执行此操作的权限"),
  eventInvalid: err("EventInvalid", "活动标题应为1到100个字符，结束时间应晚于开始时间"),
  settingsInvalid: err(
    "EventSettingsInvalid",
    "名额应为1到100000人，报名截止时间不能晚于活动开始，费用应在0.01元到100万元之间，简介不超过5000字",
  ),
  cancelled: err("EventCancelled", "该活动已取消"),
  closed: err("RegistrationClosed", "报名已截止"),
  started: err("EventStarted", "活动已开始，不能再报名或取消报名"),
  noRegistration: err("NoRegistration", "该活动无需报名，凭会员身份领取电子票即可入场"),
  already: err("AlreadyRegistered", "您已报名该活动"),
  membersOnly: err("MembersOnly", "该活动仅限本组织会员报名"),
  final: err("RegistrationFinal", "该报名已取消或未通过，不能再操作"),
  notPending: err("RegistrationNotPending", "只有待审核的报名可以审核"),
  regNotFound: err("RegistrationNotFound", "报名记录不存在"),
  reason: err("ReasonRequired", "请填写原因（1到500个字）"),
  window: err("CheckinClosed", "不在活动签到时间内（开始前2小时至结束后2小时）"),
  notRegistered: err("NotRegistered", "您没有该活动的有效报名，不能签到"),
  codeUnknown: err("ScanNotActivity", "这不是活动签到码或抽奖码"),
  codeInvalid: err("ActivityCodeInvalid", "二维码无效、已过期或未同步到本机，请向工作人员确认"),
  surveyInvalid: err(
    "SurveyInvalid",
    "问卷需有标题（1到100字）、1到50道题、截止时间晚于开始时间；选择题需2到20个选项，多选的最少/最多选项数应在选项数以内",
  ),
  notOpen: err("SurveyNotOpen", "该问卷/投票尚未开始"),
  surveyClosed: err("SurveyClosed", "该问卷/投票已结束"),
  answerInvalid: err("AnswerInvalid", "答案与题目不符（选项不存在、题目不存在或同一题答了两次）"),
  answerRequired: err("AnswerRequired", "请回答所有必答题"),
  choiceCount: err("ChoiceCount", "多选题的选择数量不符合要求"),
  locked: err("AlreadyAnswered", "您已提交过答卷，本问卷不允许修改"),
  hidden: err("ResultsHidden", "结果暂不公开（提交答案后或截止后可见，或仅组织者可见）"),
  surveyAnswered: err("SurveyAnswered", "已有人作答，不能再修改题目（可修改截止时间等设置）"),
  lotteryInvalid: err("LotteryInvalid", "抽奖需有名称（1到100字）和1到20个奖项，每个奖项1到1000名"),
  drawn: err("LotteryDrawn", "该抽奖已开奖，不能再参加或重复开奖"),
  noEntrants: err("NoEntrants", "还没有人签到参加抽奖，不能开奖"),
  ended: err("EventEnded", "活动已结束"),
};

const MARGIN = 2 * 3_600_000;
const MAX_FEN = 100_000_000;

export type FakeEvent = { id: string; node_id: string; body: Required<EventBody> };
export type FakeReg = {
  id: string;
  event_id: string;
  account_id: string;
  name: string;
  status: RegistrationStatus;
  ticket_id: string;
  paid: boolean;
  order_id: string | null;
  queued_at: number;
  created_at: number;
  reason: string | null;
};
export type FakeCheckin = {
  id: string;
  event_id: string;
  ticket_id: string;
  account_id: string;
  name: string;
  direction: "in" | "out";
  at: number;
  how: "staff" | "venue_code" | "manual";
};
export type FakeResponse = { account_id: string; answers: AnswerValue[]; at: number };
export type FakeSurvey = { id: string; node_id: string; body: SurveyBody; responses: FakeResponse[] };
export type FakeEntry = { entry_id: string; account_id: string; name: string; at: number };
export type FakeLottery = {
  id: string;
  node_id: string;
  title: string;
  event_id: string | null;
  prizes: Prize[];
  seed: string;
  seed_commitment: string;
  drawn: boolean;
  entries: FakeEntry[];
  /** The entrants' digest and the results, once drawn. */
  digest: string | null;
  results: PrizeResult[];
  drawn_at: number | null;
};
type Queued = {
  id: string;
  op: "checkin" | "answer" | "entry";
  account_id: string;
  target_id: string;
  made_at: number;
  direction: "in" | "out" | null;
  answers: AnswerValue[] | null;
  state: "queued" | "rejected";
  code: string | null;
  reason: string | null;
};

/** 张三 → 张*, 欧阳娜娜 → 欧阳** (like the Rust mask_name). */
export function mask(name: string): string {
  const cs = [...name];
  const compound = ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "司徒", "慕容"];
  const keep = cs.length > 2 && compound.some((c) => name.startsWith(c)) ? 2 : 1;
  return cs.map((c, i) => (i < keep ? c : "*")).join("");
}

/** 64 hex characters from a text (FNV-1a chained): the fake's SHA-256. */
export function fakeHash(text: string): string {
  let out = "";
  let h = 2166136261;
  for (let round = 0; out.length < 64; round++) {
    for (const ch of `${round}:${text}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, "0");
  }
  return out.slice(0, 64);
}

/** The draw as the domain makes it (partial Fisher–Yates from the seed and the entrants in order), with the fake's hash. */
export function fakeDraw(seed: string, entries: string[], prizes: Prize[]): number[][] {
  const key = fakeHash(`${seed}|${entries.join(",")}`);
  const pool = entries.map((_, i) => i);
  let round = 0;
  return prizes.map((p) => {
    const winners: number[] = [];
    for (let k = 0; k < p.count && pool.length > 0; k++) {
      const n = parseInt(fakeHash(`${key}#${round++}`).slice(0, 12), 16);
      const i = n % pool.length;
      winners.push(pool[i]);
      pool[i] = pool[pool.length - 1];
      pool.pop();
    }
    return winners;
  });
}

const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, "").trim(); // eslint-disable-line no-control-regex
const len = (s: string) => [...s].length;
const live = (s: RegistrationStatus) => s === "pending" || s === "confirmed" || s === "waitlisted";
const LABEL: Record<RegistrationStatus, string> = {
  confirmed: "已报名",
  waitlisted: "候补中",
  pending: "待审核",
  cancelled: "已取消",
  rejected: "未通过",
};
const saved = (name: string, size: number): SavedFile => ({ path: `/home/user/下载/${name}`, name, size });

export class FakeActivities {
  events: FakeEvent[] = [];
  regs: FakeReg[] = [];
  checkins: FakeCheckin[] = [];
  surveys: FakeSurvey[] = [];
  lotteries: FakeLottery[] = [];
  queue: Queued[] = [];
  /** The last results each survey showed (what the app shows offline). */
  private resultsKept = new Map<string, SurveyResults>();
  private seq = 0;

  constructor(
    private units: () => FakeUnit[],
    now: number = Date.now(),
  ) {
    seedActivities(this, now);
  }

  id(prefix: string): string {
    return `${prefix}-${++this.seq}`;
  }

  // ------------------------------------------------------------ who may do what

  private within(unit: string, root: string): boolean {
    const us = this.units();
    let cur: string | null = unit;
    for (let guard = 0; cur && guard < 20; guard++) {
      if (cur === root) return true;
      cur = us.find((u) => u.id === cur)?.parent_id ?? null;
    }
    return false;
  }

  private belongs(ctx: Ctx, node: string): boolean {
    return ctx.session.account.grants.some((g) =>
      g.node_id === null ? g.role === "system_admin" : this.within(g.node_id, node) || this.within(node, g.node_id),
    );
  }

  private mayTakePart(ctx: Ctx, node: string, audience: string): boolean {
    return audience === "open" || this.belongs(ctx, node);
  }

  private manages(ctx: Ctx, node: string): boolean {
    return ctx.session.account.grants.some(
      (g) => (g.role === "system_admin" && g.node_id === null) || (g.role === "secretary" && g.node_id !== null && this.within(node, g.node_id)),
    );
  }

  private me(ctx: Ctx): { id: string; name: string } {
    const a = ctx.session.account;
    return { id: a.id, name: a.real_name ?? a.org_name ?? "" };
  }

  private nodeName(id: string): string {
    return this.units().find((u) => u.id === id)?.name ?? "";
  }

  private online(ctx: Ctx, e: AppError = AE.network): void {
    if (!ctx.online) throw e;
  }

  private managed<T extends { node_id: string }>(ctx: Ctx, x: T | undefined): T {
    if (!x) throw AE.unknown;
    if (!this.manages(ctx, x.node_id)) throw AE.forbidden;
    return x;
  }

  ticketOf(eventId: string, accountId: string): string {
    return `tk-${eventId}-${accountId.slice(-4)}`;
  }

  // ------------------------------------------------------------ events

  private event(id: string): FakeEvent {
    const e = this.events.find((x) => x.id === id);
    if (!e) throw AE.unknown;
    return e;
  }

  private confirmed(eventId: string): number {
    return this.regs.filter((r) => r.event_id === eventId && r.status === "confirmed").length;
  }

  private free(e: FakeEvent): number | null {
    return e.body.capacity === null ? null : Math.max(0, e.body.capacity - this.confirmed(e.id));
  }

  private openError(e: FakeEvent, now: number): AppError | null {
    if (e.body.cancelled) return AE.cancelled;
    if (!e.body.registration) return AE.noRegistration;
    if (now >= e.body.starts_at) return AE.started;
    if (e.body.registration_deadline !== null && now >= e.body.registration_deadline) return AE.closed;
    return null;
  }

  private view(ctx: Ctx, e: FakeEvent, now = Date.now()): ActivityView {
    const me = this.me(ctx).id;
    const b = e.body;
    const mine = this.regs.find((r) => r.event_id === e.id && r.account_id === me);
    const my_checkins: MyCheckin[] = [
      ...this.checkins
        .filter((c) => c.event_id === e.id && c.account_id === me && c.how !== "staff")
        .map((c) => ({ id: c.id, direction: c.direction, at: c.at, how: c.how, outbox: null })),
      ...this.queue
        .filter((q) => q.op === "checkin" && q.account_id === me && q.target_id === e.id)
        .map((q) => ({ id: q.id, direction: q.direction ?? "in", at: q.made_at, how: "venue_code", outbox: this.outbox(q) })),
    ].sort((x, y) => y.at - x.at);
    const phase: [string, string] = b.cancelled
      ? ["cancelled", "已取消"]
      : now < b.starts_at
        ? ["upcoming", "未开始"]
        : now < b.ends_at
          ? ["ongoing", "进行中"]
          : ["ended", "已结束"];
    const register_block = !b.registration
      ? "本活动无需报名，凭电子票入场"
      : mine && live(mine.status)
        ? "您已报名"
        : !this.mayTakePart(ctx, e.node_id, b.audience)
          ? AE.membersOnly.message
          : (this.openError(e, now)?.message ?? null);
    return {
      id: e.id,
      node_id: e.node_id,
      node_name: this.nodeName(e.node_id),
      title: b.title,
      description: b.description,
      place: b.place,
      starts_at: b.starts_at,
      ends_at: b.ends_at,
      reentry_allowed: b.reentry_allowed,
      registration: b.registration,
      capacity: b.capacity,
      registration_deadline: b.registration_deadline,
      audience: b.audience,
      approval_required: b.approval_required,
      fee_fen: b.fee_fen,
      cancelled: b.cancelled,
      phase: phase[0],
      phase_label: phase[1],
      mine: mine
        ? {
            id: mine.id,
            status: mine.status,
            status_label: LABEL[mine.status],
            paid: mine.paid,
            order_id: mine.paid ? null : mine.order_id,
            reason: mine.reason,
            has_ticket: mine.status === "confirmed" && mine.paid,
          }
        : null,
      register_block,
      can_cancel: !!mine && live(mine.status) && now < b.starts_at,
      my_checkins,
      can_manage: this.manages(ctx, e.node_id),
    };
  }

  list(ctx: Ctx): ActivityView[] {
    const now = Date.now();
    const over = (v: ActivityView) => v.ends_at <= now || v.cancelled;
    return this.events
      .filter((e) => this.mayTakePart(ctx, e.node_id, e.body.audience) || this.manages(ctx, e.node_id))
      .map((e) => this.view(ctx, e, now))
      .sort((a, b) => Number(over(a)) - Number(over(b)) || (over(a) ? b.starts_at - a.starts_at : a.starts_at - b.starts_at) || a.id.localeCompare(b.id));
  }

  detail(ctx: Ctx, id: string): ActivityView {
    return this.view(ctx, this.event(id));
  }

  mine(ctx: Ctx): ActivityView[] {
    return this.list(ctx).filter((a) => a.mine !== null || a.my_checkins.length > 0);
  }

  register(ctx: Ctx, id: string): ActivityView {
    this.online(ctx);
    const e = this.event(id);
    const me = this.me(ctx);
    const now = Date.now();
    const old = this.regs.find((r) => r.event_id === id && r.account_id === me.id);
    if (old && live(old.status)) throw AE.already;
    if (!this.mayTakePart(ctx, e.node_id, e.body.audience)) throw AE.membersOnly;
    const closed = this.openError(e, now);
    if (closed) throw closed;
    const status: RegistrationStatus = e.body.approval_required ? "pending" : this.free(e) === 0 ? "waitlisted" : "confirmed";
    // Registering again after a cancellation keeps the one record per person and event.
    const r: FakeReg = old ?? {
      id: this.id("reg"),
      event_id: id,
      account_id: me.id,
      name: me.name,
      status,
      ticket_id: this.ticketOf(id, me.id),
      paid: !e.body.fee_fen,
      order_id: null,
      queued_at: now,
      created_at: now,
      reason: null,
    };
    Object.assign(r, { status, queued_at: now, reason: null });
    this.takePlace(r, e);
    if (!old) this.regs.push(r);
    return this.view(ctx, e);
  }

  /** A place taken: a fee makes an order to pay (in 会费缴纳) before the ticket. */
  private takePlace(r: FakeReg, e: FakeEvent): void {
    if (r.status !== "confirmed" || !e.body.fee_fen || r.paid) return;
    r.order_id ??= this.id("do-ev");
  }

  cancel(ctx: Ctx, id: string): ActivityView {
    const e = this.event(id);
    const mine = this.regs.find((r) => r.event_id === id && r.account_id === this.me(ctx).id);
    if (!mine) throw AE.notFound;
    this.online(ctx);
    if (!live(mine.status)) throw AE.final;
    if (Date.now() >= e.body.starts_at) throw AE.started;
    mine.status = "cancelled";
    this.fillPlaces(e);
    return this.view(ctx, e);
  }

  /** The waitlist moves up, in the order people joined it, while places are free. */
  private fillPlaces(e: FakeEvent): void {
    if (e.body.cancelled || Date.now() >= e.body.starts_at) return;
    const waiting = this.regs
      .filter((r) => r.event_id === e.id && r.status === "waitlisted")
      .sort((a, b) => a.queued_at - b.queued_at || a.id.localeCompare(b.id));
    for (const r of waiting) {
      if (this.free(e) === 0) break;
      r.status = "confirmed";
      this.takePlace(r, e);
    }
  }

  ticket(ctx: Ctx, id: string): TicketView {
    const e = this.event(id);
    const me = this.me(ctx).id;
    this.online(ctx, AE.offline);
    if (!e.body.registration && !this.belongs(ctx, e.node_id)) throw AE.forbidden;
    if (Date.now() >= e.body.ends_at) throw AE.ended;
    if (e.body.registration) {
      const r = this.regs.find((x) => x.event_id === id && x.account_id === me);
      if (!r || !live(r.status)) throw err("NotRegistered", "本活动需要报名，报名成功后才能领取电子票");
      if (r.status === "waitlisted") throw err("Waitlisted", "您在候补名单中，递补成功后即可领取电子票");
      if (r.status === "pending") throw err("RegistrationPending", "报名正在审核，通过后即可领取电子票");
      if (!r.paid) throw err("FeeUnpaid", "请先缴纳活动费用，缴费后即可领取电子票");
    }
    const text = `HJ1:TICKET:${id}:${me.slice(-6)}`;
    const b = e.body;
    return { event_id: id, ticket_id: this.ticketOf(id, me), title: b.title, place: b.place, starts_at: b.starts_at, ends_at: b.ends_at, text, svg: fakeQrSvg(text), offline: false };
  }

  // ------------------------------------------------------------ the member's scans

  /** The text of an event's venue code, as the printed poster carries it. */
  venueText(eventId: string, direction: "in" | "out"): string {
    return `HJ1:VENUE:${eventId}:${direction.toUpperCase()}`;
  }

  lotteryText(id: string): string {
    return `HJ1:LOTTERY:${id}`;
  }

  /** A venue code (check in/out) or a lottery code (enter); `queued` when it waits for the network. */
  scan(ctx: Ctx, text: string): { view: MemberScanView; queued: boolean } {
    const t = text.trim();
    const upper = t.toUpperCase();
    if (!upper.startsWith("HJ1:") || upper.includes("BAD") || upper.includes("EXP")) throw AE.codeInvalid;
    const venue = /^HJ1:VENUE:([A-Za-z0-9_.-]+):(IN|OUT)$/i.exec(t);
    const lottery = /^HJ1:LOTTERY:([A-Za-z0-9_.-]+)$/i.exec(t);
    if (!venue && !lottery) throw AE.codeUnknown;
    const me = this.me(ctx).id;
    const now = Date.now();
    let q: Queued;
    let title: string;
    if (venue) {
      const e = this.events.find((x) => x.id === venue[1]);
      if (!e) throw AE.codeInvalid;
      // Outside the event's time: said now rather than after a sync.
      if (e.body.cancelled) throw AE.cancelled;
      if (now < e.body.starts_at - MARGIN || now > e.body.ends_at + MARGIN) throw AE.window;
      title = e.body.title;
      q = { id: this.id("ci"), op: "checkin", account_id: me, target_id: e.id, made_at: now, direction: venue[2].toLowerCase() as "in" | "out", answers: null, state: "queued", code: null, reason: null };
    } else {
      const l = this.lotteries.find((x) => x.id === lottery![1]);
      if (!l) throw AE.codeInvalid;
      title = l.title;
      // A scan again after a refusal starts over.
      this.queue = this.queue.filter((x) => !(x.op === "entry" && x.account_id === me && x.target_id === l.id && x.state === "rejected"));
      q = { id: this.id("le"), op: "entry", account_id: me, target_id: l.id, made_at: now, direction: null, answers: null, state: "queued", code: null, reason: null };
    }
    this.queue.push(q);
    if (ctx.online) this.send(ctx, q);
    const left = this.queue.find((x) => x.id === q.id);
    const [state, message] = !left
      ? ["done", q.op === "entry" ? "已参加抽奖，祝您好运" : q.direction === "out" ? "签退成功" : "签到成功"]
      : left.state === "rejected"
        ? ["rejected", left.reason ?? "服务器拒绝"]
        : ["queued", "已记录（本机时间），联网后自动提交"];
    return {
      view: { kind: q.op === "entry" ? "lottery" : "checkin", target_id: q.target_id, title, direction: q.direction, at: now, state, message },
      queued: state === "queued",
    };
  }

  private outbox(q: Queued): OutboxState {
    return { state: q.state, code: q.code, reason: q.reason, made_at: q.made_at };
  }

  /** The server's side of one queued item: applied (and gone from the queue) or refused. */
  private send(ctx: Ctx, q: Queued): void {
    const refuse = (e: AppError): void => {
      Object.assign(q, { state: "rejected", code: e.code, reason: e.message });
    };
    const done = (): void => {
      this.queue = this.queue.filter((x) => x.id !== q.id);
    };
    const me = this.me(ctx);
    if (q.op === "checkin") {
      const e = this.events.find((x) => x.id === q.target_id);
      if (!e) return refuse(AE.codeInvalid);
      if (q.made_at < e.body.starts_at - MARGIN || q.made_at > e.body.ends_at + MARGIN) return refuse(AE.window);
      const r = this.regs.find((x) => x.event_id === e.id && x.account_id === me.id);
      const ok = e.body.registration ? !!r && r.status === "confirmed" && r.paid : this.belongs(ctx, e.node_id);
      if (!ok) return refuse(AE.notRegistered);
      this.checkins.push({ id: q.id, event_id: e.id, ticket_id: this.ticketOf(e.id, me.id), account_id: me.id, name: mask(me.name), direction: q.direction ?? "in", at: q.made_at, how: "venue_code" });
      return done();
    }
    if (q.op === "entry") {
      const l = this.lotteries.find((x) => x.id === q.target_id);
      if (!l) return refuse(AE.codeInvalid);
      if (!this.belongs(ctx, l.node_id)) return refuse(AE.membersOnly);
      // One entry per person: the same scan again is a duplicate, not a refusal.
      if (!l.entries.some((x) => x.account_id === me.id)) {
        if (l.drawn) return refuse(AE.drawn);
        l.entries.push({ entry_id: `en-${l.id}-${me.id.slice(-4)}`, account_id: me.id, name: mask(me.name), at: q.made_at });
      }
      return done();
    }
    const s = this.surveys.find((x) => x.id === q.target_id);
    if (!s) return refuse(AE.unknown);
    // Answers made offline before the close are taken for a day after it.
    if (q.made_at >= s.body.closes_at || Date.now() > s.body.closes_at + 86_400_000) return refuse(AE.surveyClosed);
    const had = s.responses.find((x) => x.account_id === me.id);
    if (had && !s.body.changeable) return refuse(AE.locked);
    s.responses = s.responses.filter((x) => x.account_id !== me.id);
    s.responses.push({ account_id: me.id, answers: q.answers ?? [], at: q.made_at });
    done();
  }

  /** What a sync sends: every queued item of the logged-in account. Returns how many were settled. */
  sync(ctx: Ctx): number {
    const mine = this.queue.filter((q) => q.state === "queued" && q.account_id === this.me(ctx).id);
    for (const q of mine) this.send(ctx, q);
    return mine.length;
  }

  queuedCount(): number {
    return this.queue.filter((q) => q.state === "queued").length;
  }

  // ------------------------------------------------------------ surveys

  private survey(id: string): FakeSurvey {
    const s = this.surveys.find((x) => x.id === id);
    if (!s) throw AE.unknown;
    return s;
  }

  private surveyView(ctx: Ctx, s: FakeSurvey, now = Date.now()): SurveyView {
    const me = this.me(ctx).id;
    const b = s.body;
    const server = s.responses.find((r) => r.account_id === me)?.answers ?? null;
    const queued = [...this.queue].reverse().find((q) => q.op === "answer" && q.account_id === me && q.target_id === s.id) ?? null;
    const queuedAnswers = queued?.state === "queued" ? queued.answers : null;
    const answered = server !== null || queuedAnswers !== null;
    const phase: [string, string] = now < b.opens_at ? ["upcoming", "未开始"] : now < b.closes_at ? ["open", "进行中"] : ["closed", "已结束"];
    const manages = this.manages(ctx, s.node_id);
    const visible = b.results === "after_answer" ? answered || now >= b.closes_at : b.results === "after_close" ? now >= b.closes_at : false;
    return {
      id: s.id,
      node_id: s.node_id,
      node_name: this.nodeName(s.node_id),
      title: b.title,
      description: b.description ?? null,
      kind: b.kind,
      questions: structuredClone(b.questions),
      opens_at: b.opens_at,
      closes_at: b.closes_at,
      anonymous: b.anonymous,
      audience: b.audience,
      changeable: b.changeable,
      results: b.results,
      phase: phase[0],
      phase_label: phase[1],
      my_answers: structuredClone(queuedAnswers ?? server),
      outbox: queued ? this.outbox(queued) : null,
      can_answer: phase[0] === "open" && this.mayTakePart(ctx, s.node_id, b.audience) && (server === null || b.changeable),
      can_see_results: manages || visible,
      can_manage: manages,
    };
  }

  surveyList(ctx: Ctx): SurveyView[] {
    const now = Date.now();
    const rank = (v: SurveyView) => ({ open: 0, upcoming: 1 })[v.phase as "open"] ?? 2;
    return this.surveys
      .filter((s) => this.mayTakePart(ctx, s.node_id, s.body.audience) || this.manages(ctx, s.node_id))
      .map((s) => this.surveyView(ctx, s, now))
      .sort((a, b) => rank(a) - rank(b) || a.closes_at - b.closes_at || a.id.localeCompare(b.id));
  }

  surveyDetail(ctx: Ctx, id: string): SurveyView {
    return this.surveyView(ctx, this.survey(id));
  }

  /** check_answers: the answers tidied in question order, or the domain's refusal. */
  private checkAnswers(b: SurveyBody, answers: AnswerValue[]): AnswerValue[] {
    const ids = answers.map((a) => a.question_id);
    if (new Set(ids).size !== ids.length || ids.some((id) => !b.questions.some((q) => q.id === id))) throw AE.answerInvalid;
    const out: AnswerValue[] = [];
    for (const q of b.questions) {
      const a = answers.find((x) => x.question_id === q.id);
      const choices = a?.choices ?? [];
      const blank = !a || (q.kind === "text" ? !clean(a.text ?? "") : q.kind === "rating" ? a.rating === null || a.rating === undefined : choices.length === 0);
      if (blank) {
        if (q.required) throw AE.answerRequired;
        continue;
      }
      if (q.kind === "single" || q.kind === "multiple") {
        const c = [...new Set(choices)].sort((x, y) => x - y);
        if (c.length !== choices.length || c.some((i) => i < 0 || i >= q.options.length) || a.text || a.rating) throw AE.answerInvalid;
        if (q.kind === "single" && c.length !== 1) throw AE.answerInvalid;
        if (q.kind === "multiple" && (c.length < (q.min ?? 1) || c.length > (q.max ?? Infinity))) throw AE.choiceCount;
        out.push({ question_id: q.id, choices: c });
      } else if (q.kind === "text") {
        if (len(clean(a.text ?? "")) > 1000) throw AE.answerInvalid;
        out.push({ question_id: q.id, text: clean(a.text ?? "") });
      } else {
        if (!Number.isInteger(a.rating) || a.rating! < 1 || a.rating! > 5) throw AE.answerInvalid;
        out.push({ question_id: q.id, rating: a.rating });
      }
    }
    return out;
  }

  /** Answers: sent at once when online, else kept (an unsent answer is replaced, not queued twice). */
  answer(ctx: Ctx, id: string, answers: AnswerValue[]): { view: SurveyView; queued: boolean } {
    const s = this.survey(id);
    const me = this.me(ctx).id;
    const now = Date.now();
    if (now < s.body.opens_at) throw AE.notOpen;
    if (now >= s.body.closes_at) throw AE.surveyClosed;
    const v = this.surveyView(ctx, s, now);
    if (!v.can_answer) throw v.my_answers && !v.outbox ? AE.locked : AE.membersOnly;
    const checked = this.checkAnswers(s.body, answers);
    this.queue = this.queue.filter((q) => !(q.op === "answer" && q.account_id === me && q.target_id === id));
    const q: Queued = { id: this.id("an"), op: "answer", account_id: me, target_id: id, made_at: now, direction: null, answers: checked, state: "queued", code: null, reason: null };
    this.queue.push(q);
    if (ctx.online) this.send(ctx, q);
    return { view: this.surveyView(ctx, s), queued: this.queue.some((x) => x.id === q.id && x.state === "queued") };
  }

  tally(s: FakeSurvey): SurveyResults {
    const questions = s.body.questions.map((q) => ({
      question_id: q.id,
      text: q.text,
      kind: q.kind,
      counts: q.options.map(() => 0),
      options: [...q.options],
      ratings: q.kind === "rating" ? [0, 0, 0, 0, 0] : [],
      mean_x100: null as number | null,
      texts: [] as string[],
      answered: 0,
    }));
    const newest = [...s.responses].sort((a, b) => b.at - a.at);
    for (const r of newest) {
      for (const a of r.answers) {
        const t = questions.find((x) => x.question_id === a.question_id);
        if (!t) continue;
        t.answered++;
        for (const c of a.choices ?? []) if (c < t.counts.length) t.counts[c]++;
        if (a.text && t.texts.length < 200) t.texts.push(a.text);
        if (a.rating && a.rating >= 1 && a.rating <= 5 && t.ratings.length) t.ratings[a.rating - 1]++;
      }
    }
    for (const t of questions) {
      const n = t.ratings.reduce((x, y) => x + y, 0);
      if (n > 0) {
        const sum = t.ratings.reduce((x, c, i) => x + (i + 1) * c, 0);
        t.mean_x100 = Math.floor((sum * 200 + n) / (2 * n));
      }
    }
    return { responses: s.responses.length, questions };
  }

  results(ctx: Ctx, id: string): SurveyResults {
    const s = this.survey(id);
    if (!ctx.online) {
      const kept = this.resultsKept.get(id);
      if (kept) return structuredClone(kept);
      throw AE.offline;
    }
    const manages = this.manages(ctx, s.node_id);
    if (!manages) {
      const answered = s.responses.some((r) => r.account_id === this.me(ctx).id);
      const now = Date.now();
      const b = s.body;
      const visible = b.results === "after_answer" ? answered || now >= b.closes_at : b.results === "after_close" ? now >= b.closes_at : false;
      if (!visible) throw AE.hidden;
    }
    const t = this.tally(s);
    if (!manages) for (const q of t.questions) q.texts = [];
    this.resultsKept.set(id, structuredClone(t));
    return t;
  }

  // ------------------------------------------------------------ lotteries

  private lottery(id: string): FakeLottery {
    const l = this.lotteries.find((x) => x.id === id);
    if (!l) throw AE.unknown;
    return l;
  }

  private lotteryView(ctx: Ctx, l: FakeLottery): LotteryView {
    const me = this.me(ctx).id;
    const entry = l.entries.find((e) => e.account_id === me)?.entry_id ?? null;
    const q = [...this.queue].reverse().find((x) => x.op === "entry" && x.account_id === me && x.target_id === l.id);
    return {
      id: l.id,
      node_id: l.node_id,
      node_name: this.nodeName(l.node_id),
      title: l.title,
      event_id: l.event_id,
      prizes: structuredClone(l.prizes),
      status: l.drawn ? "drawn" : "open",
      entrants: l.entries.length,
      seed_commitment: l.seed_commitment,
      seed: l.drawn ? l.seed : null,
      entrants_digest: l.digest,
      results: structuredClone(l.results),
      drawn_at: l.drawn_at,
      my_entry: entry,
      outbox: entry || !q ? null : this.outbox(q),
      my_prize: entry ? (l.results.find((p) => p.winners.some((w) => w.entry_id === entry))?.prize ?? null) : null,
      can_manage: this.manages(ctx, l.node_id),
    };
  }

  lotteryList(ctx: Ctx): LotteryView[] {
    return this.lotteries
      .filter((l) => this.belongs(ctx, l.node_id) || this.manages(ctx, l.node_id))
      .map((l) => this.lotteryView(ctx, l))
      .sort((a, b) => Number(a.status === "drawn") - Number(b.status === "drawn") || b.id.localeCompare(a.id));
  }

  lotteryDetail(ctx: Ctx, id: string): LotteryView {
    return this.lotteryView(ctx, this.lottery(id));
  }

  myPrizes(ctx: Ctx): MyPrize[] {
    return this.lotteryList(ctx)
      .filter((l) => l.my_prize)
      .map((l) => ({ lottery_id: l.id, lottery_title: l.title, prize: l.my_prize!, drawn_at: l.drawn_at ?? 0 }))
      .sort((a, b) => b.drawn_at - a.drawn_at);
  }

  check(ctx: Ctx, id: string): DrawCheck {
    const l = this.lottery(id);
    this.online(ctx);
    const seed = l.drawn ? l.seed : "";
    const ids = l.entries.map((e) => e.entry_id);
    const digest = fakeHash(ids.join(","));
    const seed_matches = seed !== "" && fakeHash(seed) === l.seed_commitment;
    const picks = seed_matches ? fakeDraw(seed, ids, l.prizes) : [];
    const winners_match =
      seed_matches &&
      picks.length === l.results.length &&
      picks.every((p, i) => p.length === l.results[i].winners.length && p.every((w, j) => ids[w] === l.results[i].winners[j].entry_id));
    return { lottery_id: id, seed_matches, entrants_match: l.digest === digest, winners_match, entrants: ids.length, seed, seed_commitment: l.seed_commitment, digest };
  }

  // ------------------------------------------------------------ the secretary's side

  unitsOf(ctx: Ctx): ActivityUnit[] {
    return this.units()
      .filter((u) => u.kind !== "site" && this.manages(ctx, u.id))
      .map((u) => ({ id: u.id, name: u.name }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** validate_event, tidied. */
  private validEvent(e: EventBody): Required<EventBody> {
    const title = clean(e.title);
    const place = e.place ? clean(e.place) : "";
    if (len(title) < 1 || len(title) > 100 || e.ends_at <= e.starts_at || len(place) > 100) throw AE.eventInvalid;
    const description = e.description?.trim() ?? "";
    const cap = e.capacity ?? null;
    const deadline = e.registration_deadline ?? null;
    const fee = e.fee_fen ?? null;
    if (
      (cap !== null && (cap < 1 || cap > 100_000)) ||
      (deadline !== null && deadline > e.starts_at) ||
      (fee !== null && (fee < 1 || fee > MAX_FEN)) ||
      len(description) > 5_000
    ) {
      throw AE.settingsInvalid;
    }
    return { ...e, title, place: place || null, description: description || null, capacity: cap, registration_deadline: deadline, fee_fen: fee };
  }

  saveEvent(ctx: Ctx, id: string | null, nodeId: string, body: EventBody): ActivityView {
    const b = this.validEvent(body);
    this.online(ctx);
    if (!this.manages(ctx, nodeId)) throw AE.forbidden;
    let e: FakeEvent;
    if (id) {
      e = this.managed(ctx, this.events.find((x) => x.id === id));
      e.body = b;
      this.fillPlaces(e);
    } else {
      e = { id: this.id("ev"), node_id: nodeId, body: b };
      this.events.push(e);
    }
    return this.view(ctx, e);
  }

  private row(r: FakeReg): RegistrationRow {
    return {
      id: r.id,
      name: mask(r.name),
      ticket_id: r.ticket_id,
      status: r.status,
      status_label: LABEL[r.status],
      paid: r.paid,
      queued_at: r.queued_at,
      created_at: r.created_at,
      reason: r.reason,
    };
  }

  registrations(ctx: Ctx, id: string): RegistrationRow[] {
    this.online(ctx);
    const e = this.managed(ctx, this.events.find((x) => x.id === id));
    return this.regs
      .filter((r) => r.event_id === e.id)
      .sort((a, b) => a.queued_at - b.queued_at || a.id.localeCompare(b.id))
      .map((r) => this.row(r));
  }

  decide(ctx: Ctx, regId: string, approve: boolean, reason: string | null): RegistrationRow {
    this.online(ctx);
    const r = this.regs.find((x) => x.id === regId);
    if (!r) throw AE.regNotFound;
    const e = this.managed(ctx, this.events.find((x) => x.id === r.event_id));
    if (r.status !== "pending") throw AE.notPending;
    if (approve) {
      if (e.body.cancelled) throw AE.cancelled;
      r.status = this.free(e) === 0 ? "waitlisted" : "confirmed";
      r.queued_at = Date.now();
      this.takePlace(r, e);
    } else {
      const why = clean(reason ?? "");
      if (len(why) < 1 || len(why) > 500) throw AE.reason;
      r.status = "rejected";
      r.reason = why;
    }
    return this.row(r);
  }

  report(ctx: Ctx, id: string): AttendanceReport {
    this.online(ctx, AE.network);
    const e = this.managed(ctx, this.events.find((x) => x.id === id));
    const regs = this.regs.filter((r) => r.event_id === id);
    const counts = {
      registered: regs.filter((r) => r.status === "confirmed").length,
      waitlisted: regs.filter((r) => r.status === "waitlisted").length,
      checked_in: 0,
      inside: 0,
      left: 0,
    };
    const moves = this.checkins.filter((c) => c.event_id === id);
    const byTicket = new Map<string, FakeCheckin[]>();
    for (const m of moves) byTicket.set(m.ticket_id, [...(byTicket.get(m.ticket_id) ?? []), m]);
    const rows: AttendeeRow[] = [];
    for (const [ticket, list] of byTicket) {
      list.sort((a, b) => a.at - b.at || Number(a.direction === "out") - Number(b.direction === "out"));
      const ins = list.filter((m) => m.direction === "in");
      const first_in = ins[0]?.at ?? null;
      const last_out = [...list].reverse().find((m) => m.direction === "out")?.at ?? null;
      const inside = list[list.length - 1].direction === "in";
      if (first_in !== null) counts.checked_in++;
      if (inside) counts.inside++;
      else if (first_in !== null) counts.left++;
      const reg = regs.find((r) => r.ticket_id === ticket);
      rows.push({ ticket_id: ticket, name: reg ? mask(reg.name) : list[0].name, status: reg?.status ?? null, first_in, last_out, inside, how: ins[ins.length - 1]?.how ?? null });
    }
    for (const r of regs) {
      if (r.status === "confirmed" && !byTicket.has(r.ticket_id)) {
        rows.push({ ticket_id: r.ticket_id, name: mask(r.name), status: r.status, first_in: null, last_out: null, inside: false, how: null });
      }
    }
    if (!e.body.registration) counts.registered = counts.checked_in;
    rows.sort((a, b) => Number(a.first_in === null) - Number(b.first_in === null) || (a.first_in ?? 0) - (b.first_in ?? 0) || a.ticket_id.localeCompare(b.ticket_id));
    return { event_id: id, title: e.body.title, counts, rows, double_admissions: 0 };
  }

  manualCheckin(ctx: Ctx, id: string, ticketId: string, direction: "in" | "out", reason: string): AttendanceReport {
    this.online(ctx);
    const why = clean(reason);
    if (len(why) < 1 || len(why) > 500) throw AE.reason;
    const e = this.managed(ctx, this.events.find((x) => x.id === id));
    const reg = this.regs.find((r) => r.event_id === id && r.ticket_id === ticketId && r.status === "confirmed");
    const seen = this.checkins.find((c) => c.event_id === id && c.ticket_id === ticketId);
    if (!reg && !seen) throw AE.notRegistered;
    const account = reg?.account_id ?? seen!.account_id;
    const name = reg ? mask(reg.name) : seen!.name;
    this.checkins.push({ id: this.id("mc"), event_id: e.id, ticket_id: ticketId, account_id: account, name, direction, at: Date.now(), how: "manual" });
    return this.report(ctx, id);
  }

  reportExport(ctx: Ctx, id: string): SavedFile {
    const r = this.report(ctx, id);
    return saved(`签到记录-${r.title}.xlsx`, 4096 + r.rows.length * 96);
  }

  venueCode(ctx: Ctx, id: string, direction: "in" | "out"): CodeView {
    this.online(ctx);
    const e = this.managed(ctx, this.events.find((x) => x.id === id));
    const text = this.venueText(id, direction);
    return { title: `${e.body.title} · ${direction === "out" ? "签退码" : "签到码"}`, text, svg: fakeQrSvg(text), expires_at: e.body.ends_at + MARGIN };
  }

  venuePoster(ctx: Ctx, id: string, direction: "in" | "out"): SavedFile {
    const c = this.venueCode(ctx, id, direction);
    return saved(`${direction === "out" ? "签退码" : "签到码"}-${c.title.split(" · ")[0]}.pdf`, 183_000);
  }

  /** validate_survey, tidied. */
  private validSurvey(s: SurveyBody): SurveyBody {
    const title = clean(s.title);
    if (len(title) < 1 || len(title) > 100 || s.closes_at <= s.opens_at || s.questions.length < 1 || s.questions.length > 50 || len(s.description ?? "") > 5000) {
      throw AE.surveyInvalid;
    }
    const seen = new Set<string>();
    const questions = s.questions.map((q) => {
      const text = clean(q.text);
      const id = q.id.trim();
      if (!text || len(text) > 200 || !id || id.length > 20 || seen.has(id)) throw AE.surveyInvalid;
      seen.add(id);
      const options = q.options.map(clean);
      const choice = q.kind === "single" || q.kind === "multiple";
      if (choice && (options.length < 2 || options.length > 20 || options.some((o) => !o || len(o) > 100))) throw AE.surveyInvalid;
      if (!choice && options.length > 0) throw AE.surveyInvalid;
      let min: number | null = null;
      let max: number | null = null;
      if (q.kind === "multiple") {
        max = q.max ?? options.length;
        min = q.min ?? 1;
        if (min > max || max === 0 || max > options.length) throw AE.surveyInvalid;
      }
      return { id, text, kind: q.kind, options, min, max, required: q.required };
    });
    return { ...s, title, description: s.description?.trim() || null, questions };
  }

  saveSurvey(ctx: Ctx, id: string | null, nodeId: string, body: SurveyBody): SurveyView {
    const b = this.validSurvey(body);
    this.online(ctx);
    if (!this.manages(ctx, nodeId)) throw AE.forbidden;
    let s: FakeSurvey;
    if (id) {
      s = this.managed(ctx, this.surveys.find((x) => x.id === id));
      // Once answered, the questions stay as they were answered (the server's SurveyAnswered).
      if (s.responses.length > 0 && JSON.stringify(s.body.questions) !== JSON.stringify(b.questions)) throw AE.surveyAnswered;
      s.body = b;
    } else {
      s = { id: this.id("sv"), node_id: nodeId, body: b, responses: [] };
      this.surveys.push(s);
    }
    return this.surveyView(ctx, s);
  }

  surveyExport(ctx: Ctx, id: string): SavedFile {
    this.online(ctx);
    const s = this.managed(ctx, this.surveys.find((x) => x.id === id));
    return saved(`问卷结果-${s.body.title}.xlsx`, 6144 + s.responses.length * 64);
  }

  createLottery(ctx: Ctx, nodeId: string, title: string, eventId: string | null, prizes: Prize[]): LotteryView {
    const t = clean(title);
    const ps = prizes.map((p) => ({ name: clean(p.name), count: p.count }));
    if (len(t) < 1 || len(t) > 100 || ps.length < 1 || ps.length > 20 || ps.some((p) => !p.name || len(p.name) > 60 || !(p.count >= 1 && p.count <= 1000))) {
      throw AE.lotteryInvalid;
    }
    this.online(ctx);
    if (!this.manages(ctx, nodeId)) throw AE.forbidden;
    if (eventId && !this.events.some((e) => e.id === eventId)) throw AE.unknown;
    const id = this.id("lt");
    const seed = fakeHash(`seed:${id}:${Date.now()}`);
    const l: FakeLottery = { id, node_id: nodeId, title: t, event_id: eventId, prizes: ps, seed, seed_commitment: fakeHash(seed), drawn: false, entries: [], digest: null, results: [], drawn_at: null };
    this.lotteries.push(l);
    return this.lotteryView(ctx, l);
  }

  lotteryCode(ctx: Ctx, id: string): CodeView {
    this.online(ctx);
    const l = this.managed(ctx, this.lotteries.find((x) => x.id === id));
    const text = this.lotteryText(id);
    return { title: `${l.title} · 抽奖码`, text, svg: fakeQrSvg(text), expires_at: Date.now() + 86_400_000 };
  }

  lotteryPoster(ctx: Ctx, id: string): SavedFile {
    const c = this.lotteryCode(ctx, id);
    return saved(`抽奖码-${c.title.split(" · ")[0]}.pdf`, 176_000);
  }

  /** Draws every prize once, from the published seed and the entrants in the order they entered. */
  draw(ctx: Ctx, id: string): LotteryView {
    this.online(ctx);
    const l = this.managed(ctx, this.lotteries.find((x) => x.id === id));
    if (l.drawn) throw AE.drawn;
    if (l.entries.length === 0) throw AE.noEntrants;
    drawLottery(l, Date.now());
    return this.lotteryView(ctx, l);
  }
}

/** Draws a lottery in place (the seed data draws its past ones the same way). */
export function drawLottery(l: FakeLottery, at: number): void {
  const ids = l.entries.map((e) => e.entry_id);
  const picks = fakeDraw(l.seed, ids, l.prizes);
  l.results = l.prizes.map((p, i) => ({ prize: p.name, winners: picks[i].map((w) => ({ entry_id: ids[w], name: l.entries[w].name })) }));
  l.digest = fakeHash(ids.join(","));
  l.drawn = true;
  l.drawn_at = at;
}
