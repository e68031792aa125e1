// The dues engine of the in-memory backend (component tests and the browser mock mode):
// orders, payments with the domain's state machine (offline submissions confirmed or
// rejected by an admin, edited or deleted by the payer until then; online payments paid
// on the "sandbox" page), queued-while-offline semantics like the app's outbox, the
// ledger with its totals, rules and billing by hand. Errors carry the app's codes and
// words (crates/domain/src/dues*, crates/offline/src/app/dues.rs).

import type { AppError, Person, SessionView } from "./bindings";
import type {
  DuesOrderView,
  DuesRule,
  DuesRuleView,
  DuesUnit,
  GenerateReport,
  LedgerPage,
  LedgerQuery,
  LedgerRow,
  LedgerView,
  OfflinePaymentForm,
  OnlinePayView,
  OrderStatus,
  PayMethod,
  PaymentAction,
  PaymentPage,
  PaymentQuery,
  PaymentStatus,
  PaymentView,
  SavedFile,
} from "./dues";
import { offlineErrors, periodLabel, proofError, sniffProof, todayLocal } from "./dues";
import type { FakeWorkflow } from "./fakeWorkflow";
import { P } from "./fakeWorkflowData";
import type { AttachmentData } from "./workflow";

export type Ctx = { session: SessionView; online: boolean };

const err = (code: string, message: string): AppError => ({ code, message });
const E = {
  offlineOnline: err("PayOnlineOffline", "在线缴费需要联网；无网络时可选择线下缴费并上传凭证，联网后自动提交"),
  network: err("DuesNeedsNetwork", "该操作需要联网，请连接网络后再试"),
  settled: err("OrderSettled", "该订单已缴清，无需再缴费"),
  cancelled: err("OrderCancelled", "该订单已取消，无需缴费"),
  unknownOrder: err("OrderUnknown", "会费订单不存在或尚未同步到本机"),
  notFound: err("NotFound", "记录不存在"),
  queued: err("PaymentQueued", "您对该缴费的上一次操作尚未同步，请联网同步后再操作"),
  notYours: err("PaymentNotYours", "只能修改或删除自己提交的缴费记录"),
  selfConfirm: err("SelfConfirm", "不能确认或驳回自己提交的缴费，请由其他管理员处理"),
  confirmed: err("PaymentConfirmed", "该缴费已确认，不能再修改、删除或驳回"),
  notWaiting: err("PaymentNotWaiting", "只有待确认的缴费可以确认或驳回"),
  online: err("OnlineNotEditable", "在线支付的记录由支付机构确认，不能修改或删除"),
  reason: err("ReasonRequired", "请填写原因"),
  receipt: err("ReceiptNotReady", "缴费确认后才能开具收据"),
  ruleInvalid: err(
    "DuesRuleInvalid",
    "会费标准需填写名称（1到40个字）、金额（0.01元到100万元）和周期，缴费期限不能超过一个周期",
  ),
  period: err("PeriodInvalid", "缴费周期格式不正确，应为“2026”“2026-H1”或“2026-03”"),
  hasPayments: err("OrderHasPayments", "该订单已有缴费或待确认的缴费，不能取消"),
  proof: {
    "dues.err.proofEmpty": err("ProofEmpty", "请选择凭证图片"),
    "dues.err.proofNotImage": err("ProofNotImage", "凭证必须是JPEG、PNG或WebP格式的图片"),
    "dues.err.proofTooLarge": err("ProofTooLarge", "凭证图片不能超过10MB"),
  },
};

export type FakeOrder = {
  id: string;
  account_id: string;
  unit_id: string;
  name: string;
  unit_name: string;
  period: string;
  amount_fen: number;
  paid_fen: number;
  status: OrderStatus;
  due_on: string | null;
  prorated: boolean;
  cancel_reason: string | null;
  created_at: number;
};

type FakePayment = {
  id: string;
  order_id: string;
  account_id: string;
  unit_id: string;
  payer: string;
  unit_name: string;
  period: string;
  amount_fen: number;
  method: PayMethod;
  status: PaymentStatus;
  paid_on: string | null;
  reference: string | null;
  note: string | null;
  proof: { bytes: Uint8Array; mime: string } | null;
  reason: string | null;
  decided_by: string | null;
  decided_at: number | null;
  receipt_no: string | null;
  created_at: number;
  log: PaymentView["log"];
  version: number;
  /** Made here while offline: sent at the next sync. */
  unsent: boolean;
};

const METHOD_LABEL: Record<PayMethod, string> = {
  online: "在线支付（沙箱）",
  bank_transfer: "银行转账",
  cash: "现金",
  other: "其他",
};
const ORDER_LABEL: Record<OrderStatus, string> = {
  pending: "待缴费",
  partial: "部分缴纳",
  paid: "已缴清",
  cancelled: "已取消",
};
function statusLabel(p: FakePayment): string {
  if (p.unsent) return "待同步";
  switch (p.status) {
    case "created":
      return "待支付";
    case "submitted":
      return "待确认";
    case "confirmed":
      return p.method === "online" ? "已支付" : "已确认";
    case "rejected":
      return "已驳回";
    case "closed":
      return "已关闭";
  }
}

/** A 1x1 PNG: what the fake shows for a proof photo it has no bytes for. */
const DOT_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

function b64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export class FakeDues {
  payments: FakePayment[] = [];
  rules: Array<{ id: string; rule: DuesRule; version: number }> = [];
  /** Online trades paid on the sandbox page (settled at the next poll). */
  paidTrades = new Set<string>();
  /** Admins' decisions made here while offline: shown as queued until the next sync,
   * like the app's outbox overlay (the fake applies them at once, as no other admin acts). */
  private queuedActs = new Set<string>();
  private seq = 100;
  private receipts = 0;

  constructor(private wf: FakeWorkflow) {
    this.seed();
  }

  get orders(): FakeOrder[] {
    return this.wf.dues;
  }

  private id(prefix: string): string {
    this.seq++;
    return `${prefix}-${this.seq}`;
  }

  private me(ctx: Ctx): Person {
    const a = ctx.session.account;
    return { id: a.id, name: a.real_name ?? a.org_name ?? "" };
  }

  // ------------------------------------------------------------ seed

  private seed(): void {
    const now = Date.now();
    const year = new Date(now).getFullYear();
    const day = 86_400_000;
    this.rules.push(
      { id: "rule-njmu", version: 1, rule: { name: "工会会员年费", unit_id: "n-njmu", unit_name: "南京医科大学工会", member_type: null, level: null, amount_fen: 24_000, period: "year", due_days: 30, prorate_first: true, active: true } },
      { id: "rule-jsia-vp", version: 1, rule: { name: "副理事长单位年费", unit_id: "n-jsia", unit_name: "江苏省互联网协会", member_type: "单位会员", level: "副理事长单位", amount_fen: 2_000_000, period: "year", due_days: 90, prorate_first: false, active: true } },
      { id: "rule-jsia", version: 1, rule: { name: "会员单位年费", unit_id: "n-jsia", unit_name: "江苏省互联网协会", member_type: null, level: null, amount_fen: 300_000, period: "year", due_days: 90, prorate_first: true, active: true } },
    );
    const last = this.orders.find((o) => o.period === String(year - 1) && o.account_id === P.ouyang.id);
    if (last) {
      this.payments.push(this.paid(last, "online", now - 300 * day, null));
    }
    const org = this.orders.find((o) => o.account_id === P.org.id);
    if (org) {
      const p = this.fresh(org, 1_000_000, "bank_transfer", now - 2 * day);
      p.paid_on = todayLocal(new Date(now - 3 * day));
      p.reference = "中国银行 6217 **** 0021 转账";
      p.proof = { bytes: Uint8Array.from(atob(DOT_PNG), (c) => c.charCodeAt(0)), mime: "image/png" };
      this.payments.push(p);
    }
    for (const o of this.orders) this.settle(o);
  }

  private fresh(o: FakeOrder, amount: number, method: PayMethod, at: number): FakePayment {
    return {
      id: this.id("pay"),
      order_id: o.id,
      account_id: o.account_id,
      unit_id: o.unit_id,
      payer: o.name,
      unit_name: o.unit_name,
      period: o.period,
      amount_fen: amount,
      method,
      status: method === "online" ? "created" : "submitted",
      paid_on: null,
      reference: null,
      note: null,
      proof: null,
      reason: null,
      decided_by: null,
      decided_at: null,
      receipt_no: null,
      created_at: at,
      log: [{ at, actor: { id: o.account_id, name: o.name }, action: method === "online" ? "create" : "submit", note: null }],
      version: 1,
      unsent: false,
    };
  }

  private paid(o: FakeOrder, method: PayMethod, at: number, by: string | null): FakePayment {
    const p = this.fresh(o, o.amount_fen, method, at);
    p.status = "confirmed";
    p.paid_on = todayLocal(new Date(at));
    p.reference = method === "online" ? "SBX7A3F09C2D41E" : null;
    p.decided_by = by;
    p.decided_at = at;
    p.receipt_no = this.receiptNo(at);
    p.log.push({ at, actor: null, action: "paid", note: null });
    return p;
  }

  private receiptNo(at: number): string {
    this.receipts++;
    return `SJ${todayLocal(new Date(at)).replaceAll("-", "")}${String(this.receipts).padStart(6, "0")}`;
  }

  // ------------------------------------------------------------ views

  private within(unit: string, root: string): boolean {
    let cur: string | null | undefined = unit;
    for (let i = 0; cur && i < 64; i++) {
      if (cur === root) return true;
      cur = this.wf.units.find((u) => u.id === cur)?.parent_id;
    }
    return false;
  }

  private admin(ctx: Ctx, unit: string): boolean {
    return ctx.session.account.grants.some(
      (g) => g.role === "system_admin" || ((g.role === "secretary") && g.node_id !== null && this.within(unit, g.node_id)),
    );
  }

  private orderView(o: FakeOrder): DuesOrderView {
    const pending = this.payments.filter((p) => p.order_id === o.id && p.status === "submitted").reduce((s, p) => s + p.amount_fen, 0);
    const outstanding = Math.max(0, o.amount_fen - o.paid_fen);
    const unpaid = o.status === "pending" || o.status === "partial";
    return {
      id: o.id,
      name: o.name,
      unit_name: o.unit_name,
      period: o.period,
      period_label: periodLabel(o.period),
      item: `${periodLabel(o.period)}会费`,
      amount_fen: o.amount_fen,
      paid_fen: o.paid_fen,
      pending_fen: pending,
      outstanding_fen: outstanding,
      open_fen: unpaid ? Math.max(0, outstanding - pending) : 0,
      status: o.status,
      status_label: ORDER_LABEL[o.status],
      due_on: o.due_on,
      overdue: unpaid && o.due_on !== null && o.due_on < todayLocal(),
      prorated: o.prorated,
      cancel_reason: o.cancel_reason,
      created_at: o.created_at,
    };
  }

  private allowed(ctx: Ctx, p: FakePayment): string[] {
    if (p.unsent) return ["edit", "delete"];
    if (this.queuedActs.has(p.id)) return [];
    const mine = p.account_id === this.me(ctx).id;
    if (p.method === "online") return mine && p.status === "created" ? ["cancel"] : [];
    if (mine) return p.status === "submitted" || p.status === "rejected" ? ["edit", "delete"] : [];
    return this.admin(ctx, p.unit_id) && p.status === "submitted" ? ["confirm", "reject"] : [];
  }

  private view(ctx: Ctx, p: FakePayment): PaymentView {
    return {
      id: p.id,
      order_id: p.order_id,
      payer: p.payer,
      unit_name: p.unit_name,
      period: p.period,
      period_label: periodLabel(p.period),
      amount_fen: p.amount_fen,
      method: p.method,
      method_label: METHOD_LABEL[p.method],
      status: p.status,
      status_label: statusLabel(p),
      paid_on: p.paid_on,
      reference: p.reference,
      note: p.note,
      proof: p.proof ? { upload_id: `up-${p.id}`, width: 640, height: 400, size: p.proof.bytes.length } : null,
      reason: p.reason,
      decided_by: p.decided_by,
      decided_at: p.decided_at,
      receipt_no: p.receipt_no,
      created_at: p.created_at,
      log: p.log.map((l) => ({ ...l })),
      local: p.unsent || this.queuedActs.has(p.id) ? "queued" : "synced",
      local_reason: null,
      allowed: this.allowed(ctx, p),
      mine: p.account_id === this.me(ctx).id,
      version: p.unsent ? 0 : p.version,
    };
  }

  private settle(o: FakeOrder): void {
    const paid = this.payments.filter((p) => p.order_id === o.id && p.status === "confirmed" && !p.unsent).reduce((s, p) => s + p.amount_fen, 0);
    o.paid_fen = paid;
    if (o.status !== "cancelled") o.status = paid >= o.amount_fen ? "paid" : paid > 0 ? "partial" : "pending";
  }

  private order(id: string): FakeOrder {
    const o = this.orders.find((x) => x.id === id);
    if (!o) throw E.unknownOrder;
    return o;
  }

  private payment(ctx: Ctx, id: string): FakePayment {
    const p = this.payments.find((x) => x.id === id);
    if (!p || (p.account_id !== this.me(ctx).id && !this.admin(ctx, p.unit_id))) throw E.notFound;
    return p;
  }

  private payable(o: FakeOrder): void {
    if (o.status === "cancelled") throw E.cancelled;
    if (o.status === "paid" || o.amount_fen - o.paid_fen <= 0) throw E.settled;
  }

  // ------------------------------------------------------------ member

  myOrders(ctx: Ctx): DuesOrderView[] {
    const me = this.me(ctx).id;
    return this.orders
      .filter((o) => o.account_id === me)
      .map((o) => this.orderView(o))
      .sort((a, b) => b.created_at - a.created_at || b.period.localeCompare(a.period));
  }

  myPayments(ctx: Ctx): PaymentView[] {
    const me = this.me(ctx).id;
    return this.payments
      .filter((p) => p.account_id === me)
      .map((p) => this.view(ctx, p))
      .sort((a, b) => b.created_at - a.created_at);
  }

  detail(ctx: Ctx, id: string): PaymentView {
    return this.view(ctx, this.payment(ctx, id));
  }

  startOnline(ctx: Ctx, orderId: string, amount: number | null): OnlinePayView {
    const o = this.order(orderId);
    this.payable(o);
    if (!ctx.online) throw E.offlineOnline;
    const open = this.orderView(o).open_fen;
    const fen = amount ?? open;
    if (fen < 1 || fen > open) throw err("AmountExceedsBalance", "缴费金额不能超过该订单尚未缴清的金额（已提交待确认的也计算在内）");
    const p = this.fresh(o, fen, "online", Date.now());
    this.payments.push(p);
    const url = `https://pay.sandbox.huiji.example.cn/sandbox/pay/${p.id}`;
    return {
      payment: this.view(ctx, p),
      pay_url: url,
      qr_svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29" data-url="${url}"><rect width="29" height="29" fill="#fff"/><rect x="4" y="4" width="7" height="7"/><rect x="18" y="4" width="7" height="7"/><rect x="4" y="18" width="7" height="7"/><rect x="13" y="13" width="3" height="3"/></svg>`,
      expires_at: Date.now() + 30 * 60_000,
      channel_label: "在线支付（沙箱）",
    };
  }

  /** The payer paid on the sandbox page (tests; the mock mode's "open" does it too). */
  payTrade(id: string): void {
    this.paidTrades.add(id);
  }

  poll(ctx: Ctx, id: string): PaymentView {
    if (!ctx.online) throw E.network;
    const p = this.payment(ctx, id);
    if (p.status === "created" && this.paidTrades.has(p.id)) {
      const now = Date.now();
      p.status = "confirmed";
      p.paid_on = todayLocal();
      p.reference = `SBX${p.id.toUpperCase()}`;
      p.decided_at = now;
      p.receipt_no = this.receiptNo(now);
      p.version++;
      p.log.push({ at: now, actor: null, action: "paid", note: null });
      this.settle(this.order(p.order_id));
    }
    return this.view(ctx, p);
  }

  private checked(o: FakeOrder, form: OfflinePaymentForm, hasProof: boolean, except: FakePayment | null): OfflinePaymentForm {
    this.payable(o);
    const open = this.orderView(o).open_fen + (except && except.status === "submitted" ? except.amount_fen : 0);
    const e = offlineErrors(
      { amountFen: form.amount_fen, paidOn: form.paid_on, method: form.method, reference: form.reference ?? "", note: form.note ?? "", hasProof },
      open,
      todayLocal(),
    );
    const codes: Record<string, string> = {
      method: "MethodInvalid",
      amount: form.amount_fen > open && form.amount_fen >= 1 && form.amount_fen <= 100_000_000 ? "AmountExceedsBalance" : "AmountInvalid",
      paid_on: "PaidOnInvalid",
      reference: "TextTooLong",
      note: "TextTooLong",
      proof: "ProofRequired",
    };
    for (const k of ["method", "amount", "paid_on", "reference", "note", "proof"] as const) {
      if (e[k]) throw err(codes[k], e[k]!);
    }
    return { ...form, reference: form.reference?.trim() || null, note: form.note?.trim() || null };
  }

  private image(name: string | null, bytes: number[] | null): { bytes: Uint8Array; mime: string } | null {
    if (!bytes) return null;
    const b = Uint8Array.from(bytes);
    const problem = proofError(b);
    if (problem) throw E.proof[problem];
    void name;
    return { bytes: b, mime: sniffProof(b)! };
  }

  submitOffline(ctx: Ctx, orderId: string, form: OfflinePaymentForm, name: string | null, bytes: number[] | null): PaymentView {
    const o = this.order(orderId);
    if (o.account_id !== this.me(ctx).id) throw err("OrderNotFound", "会费订单不存在");
    const img = this.image(name, bytes);
    const f = this.checked(o, form, img !== null, null);
    const p = this.fresh(o, f.amount_fen, f.method, Date.now());
    p.paid_on = f.paid_on;
    p.reference = f.reference ?? null;
    p.note = f.note ?? null;
    p.proof = img;
    p.unsent = !ctx.online;
    this.payments.push(p);
    return this.view(ctx, p);
  }

  act(ctx: Ctx, id: string, action: PaymentAction, name: string | null, bytes: number[] | null): PaymentView | null {
    const p = this.payment(ctx, id);
    const me = this.me(ctx);
    const mine = p.account_id === me.id;
    const now = Date.now();
    if (!ctx.online && !p.unsent && (action.action === "confirm" || action.action === "reject")) {
      // Queued on the device; the fake applies it as the server will (no other admin).
    }
    switch (action.action) {
      case "edit": {
        if (!mine) throw E.notYours;
        if (p.method === "online") throw E.online;
        if (p.status === "confirmed") throw E.confirmed;
        const img = this.image(name, bytes) ?? p.proof;
        const f = this.checked(this.order(p.order_id), action.form, img !== null, p);
        Object.assign(p, { amount_fen: f.amount_fen, method: f.method, paid_on: f.paid_on, reference: f.reference ?? null, note: f.note ?? null, proof: img });
        p.status = "submitted";
        p.reason = null;
        p.decided_by = null;
        p.decided_at = null;
        p.log.push({ at: now, actor: me, action: "edit", note: null });
        if (!p.unsent) p.version++;
        break;
      }
      case "delete": {
        if (!mine) throw E.notYours;
        if (p.method === "online") throw E.online;
        if (p.status === "confirmed") throw E.confirmed;
        this.payments = this.payments.filter((x) => x !== p);
        this.settle(this.order(p.order_id));
        return null;
      }
      case "confirm":
      case "reject": {
        if (this.queuedActs.has(p.id)) throw E.queued;
        if (mine) throw E.selfConfirm;
        if (!this.admin(ctx, p.unit_id)) throw err("PaymentNotAdmin", "您没有确认该单位缴费的权限");
        if (p.method === "online") throw E.online;
        if (p.status === "confirmed") throw E.confirmed;
        if (p.status !== "submitted") throw E.notWaiting;
        if (action.action === "reject") {
          const r = action.reason.trim();
          if (!r || [...r].length > 200) throw E.reason;
          p.status = "rejected";
          p.reason = r;
        } else {
          p.status = "confirmed";
          p.receipt_no = this.receiptNo(now);
        }
        p.decided_by = me.name;
        p.decided_at = now;
        p.log.push({ at: now, actor: me, action: action.action, note: action.action === "reject" ? action.reason.trim() : (action.comment ?? null) });
        p.version++;
        if (!ctx.online) this.queuedActs.add(p.id);
        break;
      }
      case "cancel": {
        if (!mine) throw E.notYours;
        if (p.method !== "online") throw err("NotOnline", "这不是在线支付的订单");
        if (p.status === "confirmed") throw E.confirmed;
        p.status = "closed";
        p.log.push({ at: now, actor: me, action: "closed", note: null });
        p.version++;
        break;
      }
    }
    this.settle(this.order(p.order_id));
    const v = this.view(ctx, p);
    if (!ctx.online && !p.unsent) v.local = "queued";
    return v;
  }

  proof(ctx: Ctx, id: string): AttachmentData {
    const p = this.payment(ctx, id);
    if (!p.proof) throw E.notFound;
    return { name: "缴费凭证", mime: p.proof.mime, base64: p.proof.mime === "image/png" && p.proof.bytes.length < 100 ? DOT_PNG : b64(p.proof.bytes) };
  }

  receipt(ctx: Ctx, id: string): SavedFile {
    const p = this.payment(ctx, id);
    if (!ctx.online) throw E.network;
    if (p.status !== "confirmed" || !p.receipt_no) throw E.receipt;
    return { path: `/home/user/下载/收据-${p.receipt_no}.pdf`, name: `收据-${p.receipt_no}.pdf`, size: 7486 };
  }

  /** The device's sync: unsent payments go up. */
  sync(): number {
    const n = this.payments.filter((p) => p.unsent).length;
    for (const p of this.payments) p.unsent = false;
    this.queuedActs.clear();
    return n;
  }

  unsentCount(): number {
    return this.payments.filter((p) => p.unsent).length;
  }

  // ------------------------------------------------------------ secretary

  units(ctx: Ctx): DuesUnit[] {
    return this.wf.units
      .filter((u) => u.kind !== "site" && this.admin(ctx, u.id))
      .map((u) => ({ id: u.id, name: u.name }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  review(ctx: Ctx, q: PaymentQuery): PaymentPage {
    const mine = this.payments.filter((p) => this.admin(ctx, p.unit_id) && p.account_id !== "");
    const want = q.status ?? "submitted";
    const text = q.q?.trim() ?? "";
    const all = mine
      // The app keeps ours unsent in the waiting list whatever they will turn into.
      .filter((p) => (p.status === want || (want === "submitted" && this.queuedActs.has(p.id))) && (!q.unit_id || this.within(p.unit_id, q.unit_id)) && (!text || p.payer.includes(text)))
      .sort((a, b) => b.created_at - a.created_at);
    const page = Math.max(1, q.page ?? 1);
    const size = Math.min(200, Math.max(1, q.page_size ?? 20));
    return {
      items: all.slice((page - 1) * size, page * size).map((p) => this.view(ctx, p)),
      total: all.length,
      page,
      page_size: size,
      waiting: mine.filter((p) => p.status === "submitted").length,
    };
  }

  ledger(ctx: Ctx, q: LedgerQuery): LedgerView {
    const inUnit = (u: string) => this.admin(ctx, u) && (!q.unit_id || this.within(u, q.unit_id));
    const listed = (s: PaymentStatus) => (q.status ? s === q.status : s === "submitted" || s === "confirmed" || s === "rejected");
    const period = q.period?.trim() || null;
    const text = q.q?.trim() ?? "";
    const rows: LedgerRow[] = [];
    const totals = { count: 0, amount_fen: 0, confirmed_count: 0, confirmed_fen: 0, pending_count: 0, pending_fen: 0 };
    const byMethod = new Map<PayMethod, { method: PayMethod; count: number; amount_fen: number }>();
    for (const p of this.payments) {
      if (p.unsent || !inUnit(p.unit_id) || !listed(p.status) || (period && p.period !== period) || (q.method && p.method !== q.method) || (text && !p.payer.includes(text))) continue;
      totals.count++;
      totals.amount_fen += p.amount_fen;
      if (p.status === "confirmed") {
        totals.confirmed_count++;
        totals.confirmed_fen += p.amount_fen;
        const m = byMethod.get(p.method) ?? { method: p.method, count: 0, amount_fen: 0 };
        m.count++;
        m.amount_fen += p.amount_fen;
        byMethod.set(p.method, m);
      } else if (p.status === "submitted") {
        totals.pending_count++;
        totals.pending_fen += p.amount_fen;
      }
      rows.push({
        id: p.id, order_id: p.order_id, payer: p.payer, unit_name: p.unit_name, period: p.period, amount_fen: p.amount_fen,
        method: p.method, status: p.status, paid_on: p.paid_on, reference: p.reference, receipt_no: p.receipt_no,
        decided_by: p.decided_by, created_at: p.created_at,
      });
    }
    rows.sort((a, b) => b.created_at - a.created_at);
    const periods = new Map<string, { period: string; orders: number; paid_orders: number; due_fen: number; paid_fen: number; outstanding_fen: number }>();
    for (const o of this.orders) {
      if (!inUnit(o.unit_id) || o.status === "cancelled" || (period && o.period !== period)) continue;
      const t = periods.get(o.period) ?? { period: o.period, orders: 0, paid_orders: 0, due_fen: 0, paid_fen: 0, outstanding_fen: 0 };
      t.orders++;
      if (o.status === "paid") t.paid_orders++;
      t.due_fen += o.amount_fen;
      t.paid_fen += o.paid_fen;
      t.outstanding_fen += Math.max(0, o.amount_fen - o.paid_fen);
      periods.set(o.period, t);
    }
    const page = Math.max(1, q.page ?? 1);
    const size = Math.min(200, Math.max(1, q.page_size ?? 20));
    const ledger: LedgerPage = {
      rows: rows.slice((page - 1) * size, page * size),
      page,
      page_size: size,
      totals,
      by_method: [...byMethod.values()].sort((a, b) => a.method.localeCompare(b.method)),
      by_period: [...periods.values()].sort((a, b) => b.period.localeCompare(a.period)),
    };
    return { ledger, offline: !ctx.online };
  }

  exportFile(ctx: Ctx, q: LedgerQuery, format: "xlsx" | "csv"): SavedFile {
    if (!ctx.online) throw E.network;
    if (format !== "xlsx" && format !== "csv") throw err("ExportFormat", "导出格式应为 xlsx 或 csv");
    const n = this.ledger(ctx, { ...q, page: 1, page_size: 200 }).ledger.totals.count;
    const name = `缴费台账${q.period ? `-${q.period}` : ""}-${todayLocal()}.${format}`;
    return { path: `/home/user/下载/${name}`, name, size: 2048 + n * 120 };
  }

  ordersAdmin(ctx: Ctx, unitId: string | null, period: string | null, status: OrderStatus | null): DuesOrderView[] {
    return this.orders
      .filter((o) => this.admin(ctx, o.unit_id) && (!unitId || this.within(o.unit_id, unitId)) && (!period || o.period === period.trim()))
      .filter((o) => (status ? o.status === status : o.status === "pending" || o.status === "partial"))
      .map((o) => this.orderView(o))
      .sort((a, b) => b.period.localeCompare(a.period) || a.name.localeCompare(b.name));
  }

  rulesOf(ctx: Ctx): DuesRuleView[] {
    const label = { year: "按年", half_year: "按半年", month: "按月" } as const;
    return this.rules
      .filter((r) => this.admin(ctx, r.rule.unit_id))
      .map((r) => ({ id: r.id, rule: { ...r.rule }, period_label: label[r.rule.period], version: r.version }));
  }

  saveRule(ctx: Ctx, id: string | null, rule: DuesRule): DuesRuleView {
    const name = rule.name.trim();
    const min = { year: 365, half_year: 181, month: 28 }[rule.period];
    if (!name || [...name].length > 40 || rule.amount_fen < 1 || rule.amount_fen > 100_000_000 || rule.due_days >= min) throw E.ruleInvalid;
    if (!this.admin(ctx, rule.unit_id)) throw err("Forbidden", "您没有在该组织执行此操作的权限");
    if (!ctx.online) throw E.network;
    const unit = this.wf.units.find((u) => u.id === rule.unit_id);
    const clean: DuesRule = {
      ...rule,
      name,
      unit_name: unit?.name ?? rule.unit_name,
      member_type: rule.member_type?.trim() || null,
      level: rule.level?.trim() || null,
    };
    const found = id ? this.rules.find((r) => r.id === id) : undefined;
    if (found) {
      found.rule = clean;
      found.version++;
      return this.rulesOf(ctx).find((r) => r.id === found.id)!;
    }
    const r = { id: this.id("rule"), rule: clean, version: 1 };
    this.rules.push(r);
    return this.rulesOf(ctx).find((x) => x.id === r.id)!;
  }

  generate(ctx: Ctx, unitId: string, period: string): GenerateReport {
    const p = period.trim();
    const kind = /^\d{4}$/.test(p) ? "year" : /^\d{4}-H[12]$/.test(p) ? "half_year" : /^\d{4}-(0[1-9]|1[0-2])$/.test(p) ? "month" : null;
    if (!kind) throw E.period;
    if (!this.admin(ctx, unitId)) throw err("Forbidden", "您没有在该组织执行此操作的权限");
    if (!ctx.online) throw E.network;
    const report = { created: 0, existing: 0, skipped: 0 };
    const specificity = (r: DuesRule) => (r.member_type ? 2 : 0) + (r.level ? 1 : 0);
    for (const m of this.wf.memberships.filter((x) => x.unit_id === unitId && x.status !== "ended")) {
      const rule = this.rules
        .map((r) => r.rule)
        .filter((r) => r.active && r.unit_id === unitId && (!r.member_type || r.member_type === m.member_type) && (!r.level || r.level === m.level))
        .sort((a, b) => specificity(b) - specificity(a))[0];
      if (!rule || rule.period !== kind) {
        report.skipped++;
        continue;
      }
      if (this.orders.some((o) => o.account_id === m.account_id && o.unit_id === unitId && o.period === p)) {
        report.existing++;
        continue;
      }
      const start = p.length === 4 ? `${p}-01-01` : p.includes("H") ? `${p.slice(0, 4)}-${p.endsWith("1") ? "01" : "07"}-01` : `${p}-01`;
      const due = new Date(`${start}T00:00:00`);
      due.setDate(due.getDate() + rule.due_days);
      this.orders.unshift({
        id: this.id("do"),
        account_id: m.account_id,
        unit_id: unitId,
        name: m.name,
        unit_name: m.unit_name,
        period: p,
        amount_fen: rule.amount_fen,
        paid_fen: 0,
        status: "pending",
        due_on: todayLocal(due),
        prorated: false,
        cancel_reason: null,
        created_at: Date.now(),
      });
      report.created++;
    }
    return report;
  }

  cancelOrder(ctx: Ctx, id: string, reason: string): DuesOrderView {
    const o = this.order(id);
    if (!this.admin(ctx, o.unit_id)) throw err("Forbidden", "您没有在该组织执行此操作的权限");
    if (!ctx.online) throw E.network;
    if (!reason.trim()) throw E.reason;
    if (o.status === "cancelled") throw E.cancelled;
    if (o.paid_fen > 0 || this.payments.some((p) => p.order_id === o.id && p.status === "submitted")) throw E.hasPayments;
    o.status = "cancelled";
    o.cancel_reason = reason.trim();
    return this.orderView(o);
  }
}
