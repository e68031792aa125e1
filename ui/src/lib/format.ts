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
