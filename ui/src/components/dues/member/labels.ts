// The member's dues screens' own words and order: the backend words its labels in Chinese
// only (status_label, method_label, period_label, item); in Chinese they are shown as sent
// so the screens say exactly what the server and the secretary's screens say, in English
// our dictionary's words for the same state stand in. Money, periods, methods and status
// keys are the dues screens' shared ones (../words).

import { derived } from "svelte/store";
import type { DuesOrderView, PaymentView } from "../../../lib/dues";
import { locale, t, type MessageKey, type Vars } from "../../../lib/i18n";
import type { Tone } from "../../Pill.svelte";
import { periodText } from "../words";

/** `$label(backendZh, key, vars)`: the backend's Chinese, or the key's English. */
export const label = derived([locale, t], ([l, tr]) => (zh: string, key: MessageKey, vars?: Vars) =>
  l === "zh-CN" ? zh : tr(key, vars),
);

/** "2026年度会费" / "2026 dues": an order's `item` as sent, a payment's (it has none) from its period. */
export const itemOf = derived([locale, t], ([l, tr]) => (x: { period: string; period_label: string; item?: string }) =>
  l === "zh-CN"
    ? (x.item ?? tr("dues.order.item", { period: x.period_label }))
    : tr("dues.order.item", { period: periodText(x.period, l, { bareYear: true }) }),
);

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
