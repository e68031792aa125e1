import { describe, expect, it, vi } from "vitest";
import { ago, beep, colourKey, fieldOfCode, fileBytes } from "./checkpoint";

describe("checkpoint helpers", () => {
  it("says how long ago", () => {
    expect(ago(30)).toEqual({ key: "time.justNow", n: 0 });
    expect(ago(5 * 60 + 59)).toEqual({ key: "time.minutesAgo", n: 5 });
    expect(ago(3 * 3600)).toEqual({ key: "time.hoursAgo", n: 3 });
    expect(ago(50 * 3600)).toEqual({ key: "time.daysAgo", n: 2 });
    expect(ago(-4)).toEqual({ key: "time.justNow", n: 0 });
  });

  it("names the code colours", () => {
    expect(colourKey("green")).toBe("code.green");
    expect(colourKey("red")).toBe("code.red");
    expect(colourKey(null)).toBeNull();
    expect(colourKey("purple")).toBeNull();
  });

  it("finds a field by code prefix", () => {
    const p = [["SmsCode", "code"], ["Phone", "phone"]] as const;
    expect(fieldOfCode("PhoneFormat", p)).toBe("phone");
    expect(fieldOfCode("SmsCodeWrong", p)).toBe("code");
    expect(fieldOfCode("Network", p)).toBeNull();
  });

  it("reads a file's bytes", async () => {
    expect(await fileBytes(new Blob([new Uint8Array([1, 2, 250])]))).toEqual([1, 2, 250]);
  });

  it("beeps high twice to pass and low once to turn back; silent without WebAudio", () => {
    expect(() => beep(true)).not.toThrow();
    const tones: Array<{ f: number; type: string }> = [];
    class FakeAudio {
      state = "running";
      currentTime = 0;
      destination = {};
      resume = vi.fn();
      createOscillator() {
        const osc = {
          type: "",
          frequency: { value: 0 },
          connect: (g: unknown) => g,
          start: () => tones.push({ f: osc.frequency.value, type: osc.type }),
          stop: () => {},
        };
        return osc;
      }
      createGain() {
        return {
          gain: { setValueAtTime: () => {}, exponentialRampToValueAtTime: () => {} },
          connect: (d: unknown) => d,
        };
      }
    }
    vi.stubGlobal("AudioContext", FakeAudio);
    try {
      beep(true);
      expect(tones).toEqual([
        { f: 1320, type: "sine" },
        { f: 1320, type: "sine" },
      ]);
      tones.length = 0;
      beep(false);
      expect(tones).toEqual([{ f: 330, type: "square" }]);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
