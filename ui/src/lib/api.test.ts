import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
const listeners = new Map<string, (e: { payload: unknown }) => void>();
const unlisten = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
vi.mock("@tauri-apps/api/event", () => ({
  listen: (name: string, cb: (e: { payload: unknown }) => void) => {
    listeners.set(name, cb);
    return Promise.resolve(unlisten);
  },
}));

const { tauriBackend, toAppError, backend, setBackend } = await import("./api");

describe("tauriBackend", () => {
  beforeEach(() => {
    invoke.mockReset();
    invoke.mockResolvedValue("ok");
    unlisten.mockReset();
    listeners.clear();
  });

  it("calls each command by its snake_case name with camelCase argument keys", async () => {
    const query = { text: "wang", sort: "name" as const, desc: false, page: 1, page_size: 20 };
    await tauriBackend.app_info();
    await tauriBackend.set_server_url("https://a.cn");
    await tauriBackend.set_locale("en");
    await tauriBackend.send_sms_code("13800000001");
    await tauriBackend.login_sms("13800000001", "123456");
    await tauriBackend.login_password("13800000001", "pw");
    await tauriBackend.login_org("91320100MA1000000E", "pw");
    await tauriBackend.check_registration("13800000001", "张三", "320102199003074515");
    await tauriBackend.complete_profile("张三", "320102199003074515");
    await tauriBackend.logout();
    await tauriBackend.home_summary();
    await tauriBackend.search_members(query);
    await tauriBackend.sync_now();
    await tauriBackend.sync_status();
    expect(invoke.mock.calls).toEqual([
      ["app_info", undefined],
      ["set_server_url", { url: "https://a.cn" }],
      ["set_locale", { locale: "en" }],
      ["send_sms_code", { phone: "13800000001" }],
      ["login_sms", { phone: "13800000001", code: "123456" }],
      ["login_password", { phone: "13800000001", password: "pw" }],
      ["login_org", { creditCode: "91320100MA1000000E", password: "pw" }],
      ["check_registration", { phone: "13800000001", realName: "张三", idNumber: "320102199003074515" }],
      ["complete_profile", { realName: "张三", idNumber: "320102199003074515" }],
      ["logout", undefined],
      ["home_summary", undefined],
      ["search_members", { query }],
      ["sync_now", undefined],
      ["sync_status", undefined],
    ]);
  });

  it("rejects with an AppError whatever Tauri rejected with", async () => {
    invoke.mockRejectedValueOnce({ code: "LoginFailed", message: "手机号或密码错误" });
    await expect(tauriBackend.login_password("1", "2")).rejects.toEqual({
      code: "LoginFailed",
      message: "手机号或密码错误",
    });
    invoke.mockRejectedValueOnce("command login_sms not found");
    await expect(tauriBackend.login_sms("1", "2")).rejects.toEqual({
      code: "Ipc",
      message: "command login_sms not found",
    });
    expect(toAppError(new Error("boom"))).toEqual({ code: "Ipc", message: "boom" });
  });

  it("forwards event payloads until unsubscribed", async () => {
    const got: unknown[] = [];
    const off = tauriBackend.onSyncProgress((p) => got.push(p));
    await Promise.resolve();
    listeners.get("sync-progress")!({ payload: { rows: 1, cursor: 2, server_seq: 4 } });
    off();
    listeners.get("sync-progress")!({ payload: { rows: 9, cursor: 9, server_seq: 9 } });
    expect(got).toEqual([{ rows: 1, cursor: 2, server_seq: 4 }]);
    expect(unlisten).toHaveBeenCalledTimes(1);
  });

  it("unlistens even when unsubscribed before listening finished", async () => {
    const off = tauriBackend.onSyncStatus(() => {});
    off();
    await Promise.resolve();
    await Promise.resolve();
    expect(unlisten).toHaveBeenCalledTimes(1);
  });

  it("hands components the installed backend", () => {
    expect(backend()).toBe(tauriBackend);
    const other = { ...tauriBackend };
    setBackend(other);
    expect(backend()).toBe(other);
  });
});
