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
    await tauriBackend.complete_profile("张三", "320102199003074515", "Zhang2026");
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
      ["complete_profile", { realName: "张三", idNumber: "320102199003074515", password: "Zhang2026" }],
      ["logout", undefined],
      ["home_summary", undefined],
      ["search_members", { query }],
      ["sync_now", undefined],
      ["sync_status", undefined],
    ]);
  });

  it("passes the membership and hand-over commands' arguments under the Rust names", async () => {
    const query = { unit_id: null, status: "grace" as const, text: "王", member_id: null, page: 1, page_size: 20 };
    await tauriBackend.unit_memberships(query);
    await tauriBackend.delegation_candidates("rq-1", "李");
    await tauriBackend.membership_set_status("ms-1", null, "恢复");
    await tauriBackend.membership_renew("ms-1", "2027-12-31");
    expect(invoke.mock.calls).toEqual([
      ["unit_memberships", { query }],
      ["delegation_candidates", { requestId: "rq-1", text: "李" }],
      ["membership_set_status", { id: "ms-1", status: null, reason: "恢复" }],
      ["membership_renew", { id: "ms-1", endOn: "2027-12-31" }],
    ]);
  });

  it("passes the institution commands' arguments under the Rust names", async () => {
    await tauriBackend.institutions_list();
    await tauriBackend.institution_login("n-xawl", "2022110101", "02086332");
    await tauriBackend.institution_bind("hjb_1", "13611112201", "123456");
    await tauriBackend.institution_unbind("n-xawl", null, null);
    await tauriBackend.institution_unbind("n-xawl", "2019110318", "09015968");
    await tauriBackend.institution_bindings();
    expect(invoke.mock.calls).toEqual([
      ["institutions_list", undefined],
      ["institution_login", { institutionId: "n-xawl", number: "2022110101", password: "02086332" }],
      ["institution_bind", { ticket: "hjb_1", phone: "13611112201", code: "123456" }],
      ["institution_unbind", { institutionId: "n-xawl", number: null, password: null }],
      ["institution_unbind", { institutionId: "n-xawl", number: "2019110318", password: "09015968" }],
      ["institution_bindings", undefined],
    ]);
  });

  it("passes the checkpoint commands' arguments under the Rust names", async () => {
    const health = { kind: "health" as const };
    const form = { parent_id: "p", name: "卡点", address: null, contact: null, contact_phone: null };
    const input = { phone: "13612345678", sms_code: null, name: "张三", id_number: "x", temperature: "36.5", remark: null };
    const request = { id_number: "x", phone: null, colour: "red", from_high_risk: false, note: null };
    await tauriBackend.checkpoint_verify("HJ1:A", health);
    await tauriBackend.checkpoint_record("HJ1:A", health, "37.5", null);
    await tauriBackend.checkpoint_status();
    await tauriBackend.checkpoint_recent(20);
    await tauriBackend.decode_qr_image([1, 2]);
    await tauriBackend.decode_qr_frame(2, 1, [0, 0, 0, 255, 0, 0, 0, 255]);
    await tauriBackend.assisted_send_code("13612345678");
    await tauriBackend.assisted_register(input);
    await tauriBackend.my_health_code();
    await tauriBackend.sites_list();
    await tauriBackend.site_create(form);
    await tauriBackend.site_edit("s", form);
    await tauriBackend.site_scanners("s");
    await tauriBackend.site_add_scanner("s", "13612345678", "张三");
    await tauriBackend.site_stats();
    await tauriBackend.health_set_status(request);
    await tauriBackend.health_import_csv("a,b");
    await tauriBackend.risk_regions();
    await tauriBackend.risk_region_add("220200", "吉林市");
    await tauriBackend.risk_region_remove("r");
    expect(invoke.mock.calls).toEqual([
      ["checkpoint_verify", { text: "HJ1:A", mode: health }],
      ["checkpoint_record", { text: "HJ1:A", mode: health, temperature: "37.5", remark: null }],
      ["checkpoint_status", undefined],
      ["checkpoint_recent", { limit: 20 }],
      ["decode_qr_image", { bytes: [1, 2] }],
      ["decode_qr_frame", { width: 2, height: 1, rgba: [0, 0, 0, 255, 0, 0, 0, 255] }],
      ["assisted_send_code", { phone: "13612345678" }],
      ["assisted_register", { input }],
      ["my_health_code", undefined],
      ["sites_list", undefined],
      ["site_create", { form }],
      ["site_edit", { id: "s", form }],
      ["site_scanners", { id: "s" }],
      ["site_add_scanner", { id: "s", phone: "13612345678", name: "张三" }],
      ["site_stats", undefined],
      ["health_set_status", { request }],
      ["health_import_csv", { csv: "a,b" }],
      ["risk_regions", undefined],
      ["risk_region_add", { code: "220200", name: "吉林市" }],
      ["risk_region_remove", { id: "r" }],
    ]);
  });

  it("passes the event commands' arguments under the Rust names", async () => {
    const ticket = {
      kind: "ticket" as const,
      event_id: "0195b2c0-0000-7000-8000-0000000000e1",
      direction: "out" as const,
      reentry_allowed: false,
    };
    await tauriBackend.events_list();
    await tauriBackend.my_ticket("e1");
    await tauriBackend.event_attendance("e2");
    await tauriBackend.checkpoint_verify("HJ1:T", ticket);
    await tauriBackend.checkpoint_record("HJ1:T", ticket, null, "补录");
    expect(invoke.mock.calls).toEqual([
      ["events_list", undefined],
      ["my_ticket", { eventId: "e1" }],
      ["event_attendance", { eventId: "e2" }],
      ["checkpoint_verify", { text: "HJ1:T", mode: ticket }],
      ["checkpoint_record", { text: "HJ1:T", mode: ticket, temperature: null, remark: "补录" }],
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
