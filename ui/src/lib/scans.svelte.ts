// What the USB/HID scanner typed this session, newest first. Kept in memory only (the
// scanner keeps the least it can) and cleared on logout. Verifying a scan comes with the
// credentials feature.

export type Scan = { id: number; text: string; at: number };

const LIMIT = 50;
let next = 1;

export const scans = $state<{ items: Scan[] }>({ items: [] });

export function addScan(text: string, at: number = Date.now()): void {
  const t = text.trim();
  if (!t) return;
  scans.items = [{ id: next++, text: t, at }, ...scans.items].slice(0, LIMIT);
}

export function clearScans(): void {
  scans.items = [];
}
