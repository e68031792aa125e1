// Helpers for the checkpoint screens (seed 002): reading images, the verdict beep, ages.
import { readBytes } from "./files";
import type { MessageKey } from "./i18n";

/** The bytes of a picked or pasted file, as the decode_qr_image command takes them. */
export async function fileBytes(file: Blob): Promise<number[]> {
  return Array.from(await readBytes(file));
}

/** The image in a paste event, if any. */
export function pastedImage(e: ClipboardEvent): File | null {
  const items = e.clipboardData?.items;
  if (!items) return null;
  for (const item of Array.from(items)) {
    if (item.kind === "file" && item.type.startsWith("image/")) return item.getAsFile();
  }
  return null;
}

/** 绿码 / 黄码 / 红码. */
export function colourKey(colour: string | null | undefined): MessageKey | null {
  switch (colour) {
    case "green":
      return "code.green";
    case "yellow":
      return "code.yellow";
    case "red":
      return "code.red";
    default:
      return null;
  }
}

/** How long ago, as a message and its number: 刚刚, N 分钟前, N 小时前, N 天前. */
export function ago(secs: number): { key: MessageKey; n: number } {
  const s = Math.max(0, Math.floor(secs));
  if (s < 60) return { key: "time.justNow", n: 0 };
  if (s < 3600) return { key: "time.minutesAgo", n: Math.floor(s / 60) };
  if (s < 86_400) return { key: "time.hoursAgo", n: Math.floor(s / 3600) };
  return { key: "time.daysAgo", n: Math.floor(s / 86_400) };
}

type AudioCtor = new () => AudioContext;
let audio: AudioContext | null = null;

/** A short beep: a high double beep to let through, a low long one to turn back. Silent
 * where there is no WebAudio (tests, old webviews). */
export function beep(admitted: boolean): void {
  try {
    const w = globalThis as unknown as { AudioContext?: AudioCtor; webkitAudioContext?: AudioCtor };
    const Ctor = w.AudioContext ?? w.webkitAudioContext;
    if (!Ctor) return;
    audio ??= new Ctor();
    const ctx = audio;
    if (ctx.state === "suspended") void ctx.resume();
    const tones = admitted
      ? [
          { f: 1320, at: 0, len: 0.09 },
          { f: 1320, at: 0.14, len: 0.09 },
        ]
      : [{ f: 330, at: 0, len: 0.65 }];
    for (const t of tones) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = admitted ? "sine" : "square";
      osc.frequency.value = t.f;
      const start = ctx.currentTime + t.at;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.3, start + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + t.len);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(start + t.len + 0.02);
    }
  } catch {
    // No sound is better than a broken scan.
  }
}

/** A camera can be opened here. */
export function hasCamera(): boolean {
  return typeof navigator !== "undefined" && typeof navigator.mediaDevices?.getUserMedia === "function";
}

/** The form field an AppError code belongs to, by code prefix (most specific first). */
export function fieldOfCode<F extends string>(code: string, prefixes: ReadonlyArray<readonly [string, F]>): F | null {
  for (const [prefix, field] of prefixes) if (code.startsWith(prefix)) return field;
  return null;
}

/** Inside the Tauri app on Android or iOS, where the barcode-scanner plugin reads codes. */
export function onPhone(): boolean {
  return (
    typeof window !== "undefined" &&
    "__TAURI_INTERNALS__" in window &&
    typeof navigator !== "undefined" &&
    /Android|iPhone|iPad/i.test(navigator.userAgent)
  );
}
