import { get } from "svelte/store";
import { describe, expect, it } from "vitest";
import { dictionaries, normalizeLocale, setLocale, t, translate } from "./i18n";

describe("i18n", () => {
  it("has every key in both languages, none empty", () => {
    const zh = Object.keys(dictionaries["zh-CN"]).sort();
    const en = Object.keys(dictionaries.en).sort();
    expect(en).toEqual(zh);
    for (const [loc, dict] of Object.entries(dictionaries)) {
      for (const [k, v] of Object.entries(dict)) expect(v.trim(), `${loc} ${k}`).not.toBe("");
    }
  });

  it("fills placeholders and keeps unknown ones", () => {
    expect(translate("zh-CN", "sync.pending", { n: 3 })).toBe("待上传 3");
    expect(translate("en", "sync.pending", { n: 3 })).toBe("3 to upload");
    expect(translate("zh-CN", "login.devCode", {})).toBe("开发模式验证码：{code}");
  });

  it("follows the current locale and marks the document", () => {
    setLocale("en");
    expect(get(t)("nav.profile")).toBe("Me");
    expect(document.documentElement.lang).toBe("en");
    setLocale("zh-CN");
    expect(get(t)("nav.profile")).toBe("个人中心");
  });

  it("reads the backend's locale strings", () => {
    expect(normalizeLocale("en-US")).toBe("en");
    expect(normalizeLocale("zh-CN")).toBe("zh-CN");
    expect(normalizeLocale("")).toBe("zh-CN");
    expect(normalizeLocale(null)).toBe("zh-CN");
  });
});
