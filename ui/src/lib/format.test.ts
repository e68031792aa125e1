import { describe, expect, it } from "vitest";
import { dateTime, eventTime, shortDate, shortTime, toMs } from "./format";

describe("format", () => {
  // Tests run in Asia/Shanghai (vite.config.ts).
  const t = Date.UTC(2026, 2, 18, 6, 5); // 14:05 in Shanghai

  it("reads seconds and milliseconds alike", () => {
    expect(toMs(t)).toBe(t);
    expect(toMs(t / 1000)).toBe(t);
  });

  it("shows HH:mm today and the date on other days", () => {
    expect(shortTime(t, new Date(t + 3600_000))).toBe("14:05");
    expect(shortTime(t, new Date(t + 86_400_000))).toBe("03-18 14:05");
    expect(shortTime(t / 1000, new Date(t))).toBe("14:05");
    expect(shortDate(t)).toBe("2026-03-18");
    expect(dateTime(t / 1000)).toBe("2026-03-18 14:05");
  });

  it("shows an event's day and hours", () => {
    const starts = Date.UTC(2026, 10, 22, 6, 0); // 14:00 in Shanghai
    const ends = Date.UTC(2026, 10, 22, 9, 0);
    const now = new Date(Date.UTC(2026, 10, 1));
    expect(eventTime(starts, ends, "zh-CN", now)).toBe("11月22日 14:00–17:00");
    expect(eventTime(starts, ends, "en", now)).toBe("22 Nov 14:00–17:00");
    expect(eventTime(starts, ends + 86_400_000, "zh-CN", now)).toBe("11月22日 14:00 – 11月23日 17:00");
    expect(eventTime(starts, ends, "zh-CN", new Date(Date.UTC(2025, 5, 1)))).toBe("2026年11月22日 14:00–17:00");
  });
});
