// Dues and payments as the UI sees them: the payment action union (hand-written: the Rust
// `PaymentAction` is a tagged enum ts-rs cannot read), the offline form's client checks
// (mirroring crates/domain/src/dues/payment.rs and proof.rs), labels and periods.

import type { OfflinePaymentForm, PayMethod, PaymentStatus, PeriodKind } from "./bindings";
import { isDate } from "./workflow";

export type {
  DuesOrderView,
  DuesRule,
  DuesRuleView,
  DuesUnit,
  GenerateReport,
  LedgerPage,
  LedgerQuery,
  LedgerRow,
  LedgerTotals,
  LedgerView,
  MethodTotal,
  OfflinePaymentForm,
  OnlinePayView,
  OrderStatus,
  PayMethod,
  PaymentLog,
  PaymentPage,
  PaymentQuery,
  PaymentStatus,
  PaymentView,
  PeriodKind,
  PeriodTotal,
  ProofImage,
  SavedFile,
} from "./bindings";
export { fenToYuan, yuanToFen } from "./workflow";
/** The backend, for the dues screens (api.ts's `backend()`). */
export { backend as dues } from "./api";

/** One action on a payment (`payment_act`), tagged by "action" like the Rust enum. */
export type PaymentAction =
  | { action: "edit"; form: OfflinePaymentForm; proof_upload_id?: string | null }
  | { action: "delete" }
  | { action: "confirm"; comment?: string | null }
  | { action: "reject"; reason: string }
  | { action: "cancel" };

export const OFFLINE_METHODS: readonly PayMethod[] = ["bank_transfer", "cash", "other"];
export const PAY_METHODS: readonly PayMethod[] = ["online", "bank_transfer", "cash", "other"];
export const PAYMENT_STATUSES: readonly PaymentStatus[] = ["submitted", "confirmed", "rejected", "created", "closed"];
export const PERIOD_KINDS: readonly PeriodKind[] = ["year", "half_year", "month"];

/** The domain's limits (dues/proof.rs, dues.rs). */
export const PROOF_MAX_BYTES = 10 * 1024 * 1024;
export const MAX_AMOUNT_FEN = 100_000_000;

/** "image/jpeg" | "image/png" | "image/webp" by the first bytes, else null (never by name). */
export function sniffProof(b: Uint8Array): string | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (b.length >= 8 && png.every((v, i) => b[i] === v)) return "image/png";
  const ascii = (from: number, to: number) => String.fromCharCode(...b.slice(from, to));
  if (b.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  return null;
}

/** The proof's error message key, or null when it is fine to queue. */
export function proofError(b: Uint8Array): "dues.err.proofEmpty" | "dues.err.proofNotImage" | "dues.err.proofTooLarge" | null {
  if (b.length === 0) return "dues.err.proofEmpty";
  if (!sniffProof(b)) return "dues.err.proofNotImage";
  if (b.length > PROOF_MAX_BYTES) return "dues.err.proofTooLarge";
  return null;
}

export type OfflineErrors = Partial<Record<"amount" | "paid_on" | "method" | "reference" | "note" | "proof", string>>;

/** Today as "2026-12-01" in local time (the device's calendar). */
export function todayLocal(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/**
 * The offline form's checks, worded as the domain words them (check_offline):
 * `amountFen` null when the text was not money; `openFen` what the order still accepts.
 */
export function offlineErrors(
  f: { amountFen: number | null; paidOn: string; method: PayMethod | ""; reference: string; note: string; hasProof: boolean },
  openFen: number,
  today: string,
): OfflineErrors {
  const e: OfflineErrors = {};
  if (f.method === "" || f.method === "online") e.method = "请选择线下缴费方式：银行转账、现金或其他";
  if (f.amountFen === null || f.amountFen < 1 || f.amountFen > MAX_AMOUNT_FEN) e.amount = "缴费金额应在0.01元到100万元之间";
  else if (f.amountFen > openFen) e.amount = "缴费金额不能超过该订单尚未缴清的金额（已提交待确认的也计算在内）";
  if (!isDate(f.paidOn) || f.paidOn > today || f.paidOn < "2000-01-01") e.paid_on = "缴费日期应为不晚于今天的有效日期";
  if ([...f.reference.trim()].length > 64) e.reference = "凭证号最多64个字，备注最多200个字";
  if ([...f.note.trim()].length > 200) e.note = "凭证号最多64个字，备注最多200个字";
  if (f.method === "bank_transfer" && !f.hasProof) e.proof = "银行转账请上传转账凭证的截图或照片";
  return e;
}

/** A period label for people: "2026年度", "2026年上半年", "2026年3月" (dues/period.rs). */
export function periodLabel(p: string): string {
  const t = p.trim();
  let m = /^(\d{4})$/.exec(t);
  if (m) return `${m[1]}年度`;
  m = /^(\d{4})-H([12])$/.exec(t);
  if (m) return `${m[1]}年${m[2] === "1" ? "上" : "下"}半年`;
  m = /^(\d{4})-(\d{2})$/.exec(t);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return `${m[1]}年${Number(m[2])}月`;
  return t;
}

/** Whether `p` is a period the server bills: "2026", "2026-H1", "2026-03". */
export function isPeriod(p: string): boolean {
  const t = p.trim();
  const m = /^(\d{4})(?:-H([12])|-(\d{2}))?$/.exec(t);
  if (!m) return false;
  const y = Number(m[1]);
  if (y < 2000 || y > 2099) return false;
  return m[3] === undefined || (Number(m[3]) >= 1 && Number(m[3]) <= 12);
}

/** The period of `kind` that follows the one containing `now` (what a secretary bills next). */
export function nextPeriod(kind: PeriodKind, now: Date = new Date()): string {
  const y = now.getFullYear();
  const mo = now.getMonth() + 1;
  if (kind === "year") return String(y + 1);
  if (kind === "half_year") return mo <= 6 ? `${y}-H2` : `${y + 1}-H1`;
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, "0")}`;
}

/** The period of `kind` containing `now`. */
export function currentPeriodOf(kind: PeriodKind, now: Date = new Date()): string {
  const y = now.getFullYear();
  const mo = now.getMonth() + 1;
  if (kind === "year") return String(y);
  if (kind === "half_year") return `${y}-H${mo <= 6 ? 1 : 2}`;
  return `${y}-${String(mo).padStart(2, "0")}`;
}
