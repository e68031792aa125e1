import { describe, expect, it } from "vitest";
import { shortDate, shortTime, toMs } from "./format";

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
  });
});
