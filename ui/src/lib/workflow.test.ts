import { describe, expect, it } from "vitest";
import {
  creditCheckChar,
  creditCodeError,
  fenToYuan,
  isDate,
  referrerErrors,
  sniffAttachment,
  yuanToFen,
} from "./workflow";

describe("money in fen", () => {
  it("reads yuan digit by digit into integer fen", () => {
    expect(yuanToFen("240")).toBe(24000);
    expect(yuanToFen("240.5")).toBe(24050);
    expect(yuanToFen("240.50")).toBe(24050);
    expect(yuanToFen("0.07")).toBe(7);
    expect(yuanToFen(" ¥1,200.00 ")).toBe(120000);
    // 0.1 + 0.2 style float errors cannot happen: 19.99 is 1999, not 1998.9999.
    expect(yuanToFen("19.99")).toBe(1999);
    expect(yuanToFen("1000000")).toBe(100_000_000);
  });

  it("refuses what is not an amount of 1 fen to 1,000,000 yuan with two decimals at most", () => {
    for (const bad of ["abc", "", "0", "0.00", "-5", "240.505", "1e3", "1000000.01", "12.", ".5", "24 0"]) {
      expect(yuanToFen(bad), bad).toBeNull();
    }
  });

  it("writes fen back as yuan with two decimals", () => {
    expect(fenToYuan(24050)).toBe("240.50");
    expect(fenToYuan(7)).toBe("0.07");
    expect(fenToYuan(100000)).toBe("1000.00");
  });
});

describe("checks that mirror the domain", () => {
  it("credit codes: length, characters and the GB 32100 check character", () => {
    const first17 = "91320105MA1Y8K3P2";
    const good = first17 + creditCheckChar(first17);
    expect(creditCodeError(good)).toBeNull();
    expect(creditCodeError(good.toLowerCase())).toBeNull();
    expect(creditCodeError("")).toBe("请输入统一社会信用代码");
    expect(creditCodeError("9132")).toBe("统一社会信用代码应为18位");
    expect(creditCodeError("91320105MA1Y8K3PIO")).toBe("统一社会信用代码只能包含数字和大写字母（不含I、O、S、V、Z）");
    const wrong = first17 + (creditCheckChar(first17) === "0" ? "1" : "0");
    expect(creditCodeError(wrong)).toBe("统一社会信用代码校验位不正确，请检查是否输错");
  });

  it("a referrer is both a name and a phone, or neither", () => {
    expect(referrerErrors("", "")).toEqual({ name: null, phone: null });
    expect(referrerErrors("李强", "").phone).toBe("推荐人姓名和手机号应同时填写");
    expect(referrerErrors("", "13905141234").name).toBe("推荐人姓名和手机号应同时填写");
    expect(referrerErrors("李强", "1390514").phone).toBe("手机号码应为11位数字");
    expect(referrerErrors("李强", "12905141234").phone).toBe("手机号码格式不正确，应为以13至19开头的中国大陆手机号码");
    expect(referrerErrors("李强", "+86 139-0514-1234")).toEqual({ name: null, phone: null });
    expect(referrerErrors("李强2", "13905141234").name).toBe("姓名只能使用汉字（可含间隔号“·”）或英文字母，不能包含数字，也不能中英文混用");
    expect(referrerErrors("买买提·艾力", "13905141234").name).toBeNull();
    expect(referrerErrors("李", "13905141234").name).toBe("姓名至少需要2个字");
    expect(referrerErrors("李强", "13905141234")).toEqual({ name: null, phone: null });
  });

  it("dates are real calendar days", () => {
    expect(isDate("2026-02-28")).toBe(true);
    expect(isDate("2026-02-30")).toBe(false);
    expect(isDate("2026/02/01")).toBe(false);
  });

  it("attachments are typed by their first bytes, never by name", () => {
    const bytes = (...b: number[]) => new Uint8Array([...b, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(sniffAttachment(bytes(0x25, 0x50, 0x44, 0x46, 0x2d))).toBe("application/pdf");
    expect(sniffAttachment(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe("image/png");
    expect(sniffAttachment(bytes(0xff, 0xd8, 0xff))).toBe("image/jpeg");
    expect(sniffAttachment(new Uint8Array([0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50]))).toBe("image/webp");
    expect(sniffAttachment(new TextEncoder().encode("<html>not a letter</html>"))).toBeNull();
  });
});
