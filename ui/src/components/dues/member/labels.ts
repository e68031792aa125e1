// Words and numbers of the member's dues screens. The backend words its labels in Chinese
// only (status_label, method_label, period_label, item); in Chinese they are shown as sent
// so the screens say exactly what the server and the secretary's screens say, in English
// our dictionary's words for the same state stand in.

import { derived } from "svelte/store";
import type { DuesOrderView, PayMethod, PaymentView } from "../../../lib/dues";
import { fenToYuan } from "../../../lib/dues";
import { toMs } from "../../../lib/format";
import { locale, t, type MessageKey, type Vars } from "../../../lib/i18n";

/** `$label(backendZh, key, vars)`: the backend's Chinese, or the key's English. */
export const label = derived([locale, t], ([l, tr]) => (zh: string, key: MessageKey, vars?: Vars) =>
  l === "zh-CN" ? zh : tr(key, vars),
);

/** "2026年度会费" / "2026 dues" for a payment (PaymentView has no `item`). */
export const itemOf = derived([locale, t], ([l, tr]) => (period: string, periodLabel: string) =>
  tr("dues.order.item", { period: l === "zh-CN" ? periodLabel : periodEn(period) }),
);

/** 24000 → "240.00", 2000000 → "20,000.00" (integer fen in, no float arithmetic). */
export function yuan(fen: number): string {
  const [int, dec] = fenToYuan(fen).split(".");
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${dec}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2026" → "2026", "2026-H1" → "H1 2026", "2026-03" → "Mar 2026" (English only). */
export function periodEn(p: string): string {
  const m = /^(\d{4})(?:-H([12])|-(\d{2}))?$/.exec(p.trim());
  if (!m) return p;
  if (m[2]) return `H${m[2]} ${m[1]}`;
  if (m[3]) return `${MONTHS[Number(m[3]) - 1] ?? m[3]} ${m[1]}`;
  return m[1];
}

export const methodKey = (m: PayMethod): MessageKey => `dues.method.${m}`;

/** The key for what `status_label` says (version 0: never sent, 待同步). */
export function paymentStatusKey(p: PaymentView): MessageKey {
  if (p.version === 0) return "dues.local.queued";
  if (p.status === "confirmed" && p.method === "online") return "dues.pstatus.confirmedOnline";
  return `dues.pstatus.${p.status}`;
}

export type Tone = "amber" | "green" | "red" | "grey" | "blue";

export function paymentTone(p: PaymentView): Tone {
  if (p.version === 0) return "grey";
  switch (p.status) {
    case "confirmed":
      return "green";
    case "rejected":
      return "red";
    case "submitted":
      return "blue";
    case "created":
      return "amber";
    case "closed":
      return "grey";
  }
}

export function orderTone(o: DuesOrderView): Tone {
  switch (o.status) {
    case "paid":
      return "green";
    case "cancelled":
      return "grey";
    default:
      return "amber";
  }
}

/** Payable first (oldest period first: that is what to pay next), then paid, then cancelled. */
export function sortOrders(orders: DuesOrderView[]): DuesOrderView[] {
  const rank = (o: DuesOrderView) => (o.status === "cancelled" ? 2 : o.status === "paid" || o.outstanding_fen === 0 ? 1 : 0);
  return [...orders].sort((a, b) => {
    const r = rank(a) - rank(b);
    if (r !== 0) return r;
    return rank(a) === 0 ? a.period.localeCompare(b.period) : b.period.localeCompare(a.period);
  });
}

/** Orders a new payment may still be made against. */
export const payable = (o: DuesOrderView) => o.open_fen > 0 && (o.status === "pending" || o.status === "partial");

/** "2026-12-01 14:32" in local time. */
export function dateTime(ms: number): string {
  const d = new Date(toMs(ms));
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
