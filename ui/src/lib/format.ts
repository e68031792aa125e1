// Reading the numbers the backend sends as times.

/** Milliseconds since the epoch. Values below 1e12 are taken as seconds: that is before
 * 2001 in milliseconds, so no real time in this app reads that way. */
export function toMs(t: number): number {
  return t < 1e12 ? t * 1000 : t;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "14:32" today; "03-18 14:32" on another day. */
export function shortTime(t: number, now: Date = new Date()): string {
  const d = new Date(toMs(t));
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const sameDay =
    d.getFullYear() === now.getFullYear() &&
    d.getMonth() === now.getMonth() &&
    d.getDate() === now.getDate();
  return sameDay ? hm : `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
}

/** "2026-03-18". */
export function shortDate(t: number): string {
  const d = new Date(toMs(t));
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "2026-03-18 14:05". */
export function dateTime(t: number): string {
  const d = new Date(toMs(t));
  return `${shortDate(t)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export const MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** An event's time: "11月22日 14:00–17:00" ("22 Nov 14:00–17:00"); the end's date too when
 * it ends on another day, the year when it is not this year's. */
export function eventTime(
  starts: number,
  ends: number,
  locale: "zh-CN" | "en" = "zh-CN",
  now: Date = new Date(),
): string {
  const a = new Date(toMs(starts));
  const b = new Date(toMs(ends));
  const hm = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const day = (d: Date) => {
    const year = d.getFullYear() !== now.getFullYear();
    return locale === "en"
      ? `${d.getDate()} ${MONTHS_EN[d.getMonth()]}${year ? ` ${d.getFullYear()}` : ""}`
      : `${year ? `${d.getFullYear()}年` : ""}${d.getMonth() + 1}月${d.getDate()}日`;
  };
  const sameDay =
    a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  return sameDay ? `${day(a)} ${hm(a)}–${hm(b)}` : `${day(a)} ${hm(a)} – ${day(b)} ${hm(b)}`;
}
