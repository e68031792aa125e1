// The words and numbers both dues screens use, the member's (member/) and the secretary's
// (admin/): money, periods, payment methods and payment statuses. Money is whole fen until
// fenToYuan writes it out, so no float ever rounds a sum.

import { fenToYuan, periodLabel, type PayMethod, type PaymentStatus } from "../../lib/dues";
import { MONTHS_EN } from "../../lib/format";
import type { Locale, MessageKey } from "../../lib/i18n";

/** 123456 → "¥1,234.56"; with `{ sign: false }` "1,234.56", for messages that say ¥ themselves. */
export function yuan(fen: number, { sign = true }: { sign?: boolean } = {}): string {
  const s = fenToYuan(fen);
  const neg = s.startsWith("-");
  const [int, dec] = (neg ? s.slice(1) : s).split(".");
  return `${neg ? "-" : ""}${sign ? "¥" : ""}${int.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${dec}`;
}

/**
 * A period for people. zh-CN: lib's periodLabel (2026年度, 2026年上半年, 2026年3月, as the
 * server words it). English: "Year 2026", "H1 2026", "Mar 2026"; a year is bare ("2026") with
 * `bareYear`, in a phrase that already says what it is ("2026 dues").
 */
export function periodText(p: string, locale: Locale, { bareYear = false }: { bareYear?: boolean } = {}): string {
  if (locale === "zh-CN") return periodLabel(p);
  const t = p.trim();
  const m = /^(\d{4})(?:-H([12])|-(\d{2}))?$/.exec(t);
  if (!m) return t;
  if (m[2]) return `H${m[2]} ${m[1]}`;
  if (m[3]) return MONTHS_EN[Number(m[3]) - 1] ? `${MONTHS_EN[Number(m[3]) - 1]} ${m[1]}` : t;
  return bareYear ? m[1] : `Year ${m[1]}`;
}

/** 在线支付 / 银行转账 / 现金 / 其他. */
export function methodKey(m: PayMethod): MessageKey {
  return `dues.method.${m}`;
}

/**
 * A payment's status word: a paid online trade reads 已支付 rather than 已确认. Given its
 * `version` (the member's screens pass the whole PaymentView), one never sent reads 待同步.
 */
export function statusKey(p: { status: PaymentStatus; method: PayMethod; version?: number }): MessageKey {
  if (p.version === 0) return "dues.local.queued";
  if (p.status === "confirmed" && p.method === "online") return "dues.pstatus.paid";
  return `dues.pstatus.${p.status}`;
}
