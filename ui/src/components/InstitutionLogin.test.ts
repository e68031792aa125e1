import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import { setBackend } from "../lib/api";
import type { SessionView } from "../lib/bindings";
import { FakeBackend } from "../lib/fake";
import { byTestId, startApp } from "../test/util";
import InstitutionBindings from "./InstitutionBindings.svelte";

function type(testid: string, value: string) {
  return fireEvent.input(byTestId<HTMLInputElement>(testid), { target: { value } });
}

/** The login screen on the 在校师生 tab, institutions loaded. */
async function instTab() {
  const started = await startApp({ scenario: "login" });
  await fireEvent.click(byTestId("inst-tab"));
  await waitFor(() => expect(byTestId<HTMLSelectElement>("inst-institution").value).toBe("n-xawl"));
  return started;
}

async function login(number: string, password: string) {
  await type("inst-number", number);
  await type("inst-password", password);
  await fireEvent.click(byTestId("inst-submit"));
}

describe("在校师生 login tab", () => {
  it("offers the institutions and the seed's hint about the initial password", async () => {
    const { fake } = await instTab();
    expect(byTestId("inst-tab").getAttribute("aria-selected")).toBe("true");
    const options = [...byTestId<HTMLSelectElement>("inst-institution").options].map((o) => o.textContent);
    expect(options).toEqual(["西安文理学院"]);
    expect(byTestId("inst-hint").textContent).toContain("教师为工号，学生为学号");
    expect(byTestId("inst-hint").textContent).toContain("初始密码为身份证号后8位");
    expect(fake.callsOf("institutions_list")).toHaveLength(1);
  });

  it("field errors: empty fields are caught here, wrong password, retired and malformed numbers under their fields", async () => {
    const { fake } = await instTab();
    await fireEvent.click(byTestId("inst-submit"));
    expect((await screen.findByTestId("inst-number-error")).textContent).toBe("请输入工号/学号");
    expect(byTestId("inst-password-error").textContent).toBe("请输入密码");
    expect(fake.callsOf("institution_login")).toEqual([]);

    await login("2022110101", "wrong-one");
    expect((await screen.findByTestId("inst-password-error")).textContent).toBe("工号/学号或密码错误");
    expect(screen.queryByTestId("inst-number-error")).toBeNull();

    await login("2019110318", "09015968");
    expect((await screen.findByTestId("inst-number-error")).textContent).toContain("已停用");

    await login("20-22", "x");
    expect((await screen.findByTestId("inst-number-error")).textContent).toContain("4到20位字母或数字");
    expect(fake.callsOf("institution_login")).toEqual([
      ["n-xawl", "2022110101", "wrong-one"],
      ["n-xawl", "2019110318", "09015968"],
      ["n-xawl", "20-22", "x"],
    ]);
    expect(screen.queryByTestId("form-inst-bind")).toBeNull();
  });

  it("an unbound student goes through 绑定手机号 to her first login", async () => {
    const { fake } = await instTab();
    await login(" 2022110101 ", "02086332");
    await screen.findByTestId("form-inst-bind");
    expect(fake.callsOf("institution_login")).toEqual([["n-xawl", "2022110101", "02086332"]]);
    expect(byTestId("inst-bind-who").textContent).toContain("林**（学号2022110101）首次登录西安文理学院");
    expect(byTestId("inst-bind-note").textContent).toContain("务必为本人手机号");

    // No phone, no code: said under the fields, nothing sent.
    await fireEvent.click(byTestId("inst-send-code"));
    expect((await screen.findByTestId("inst-phone-error")).textContent).toBe("请输入手机号");
    await fireEvent.click(byTestId("inst-bind"));
    expect(byTestId("inst-code-error").textContent).toBe("请输入短信验证码");
    expect(fake.callsOf("send_sms_code")).toEqual([]);

    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      await type("inst-phone", "13611112201");
      await fireEvent.click(byTestId("inst-send-code"));
      await screen.findByTestId("inst-dev-code");
      expect(byTestId<HTMLButtonElement>("inst-send-code").disabled).toBe(true);
      await type("inst-code", "000000");
      await fireEvent.click(byTestId("inst-bind"));
      expect((await screen.findByTestId("inst-code-error")).textContent).toContain("验证码错误");

      await type("inst-code", "123456");
      await fireEvent.click(byTestId("inst-bind"));
      // A new account: her ID number comes next, then the member home.
      await screen.findByTestId("complete-profile");
    } finally {
      vi.useRealTimers();
    }
    const [ticket, phone, code] = fake.callsOf("institution_bind")[1] as string[];
    expect(ticket).toMatch(/^hjb_/);
    expect([phone, code]).toEqual(["13611112201", "123456"]);
    const session = fake.info.session!;
    expect(session.account.real_name).toBe("林雨桐");
    expect(session.account.grants.map((g) => [g.role, g.node_name])).toEqual([["member", "西安文理学院"]]);
  });

  it("a phone bound to another number is refused under the phone field; back returns to the login step", async () => {
    const { fake } = await instTab();
    await login("2023210318", "09015968");
    await screen.findByTestId("form-inst-bind");
    await type("inst-phone", "13800000003");
    await fireEvent.click(byTestId("inst-send-code"));
    await screen.findByTestId("inst-dev-code");
    await type("inst-code", "123456");
    await fireEvent.click(byTestId("inst-bind"));
    expect((await screen.findByTestId("inst-phone-error")).textContent).toBe("该手机号已绑定其他工号/学号，请先解绑");
    expect(screen.queryByTestId("home-member")).toBeNull();
    await fireEvent.click(byTestId("inst-back"));
    await screen.findByTestId("form-inst");
    expect(fake.info.session).toBeNull();
  });

  it("a bound number logs straight in to its account's home", async () => {
    const { fake } = await instTab();
    await login("20080123", "04226070");
    await screen.findByTestId("home-secretary");
    expect(fake.callsOf("institution_bind")).toEqual([]);
    expect(fake.info.session!.account.real_name).toBe("钱文静");
  });

  it("an expired ticket is said above the form", async () => {
    const { fake } = await instTab();
    await login("2023110205", "05012883");
    await screen.findByTestId("form-inst-bind");
    for (const t of fake.inst.tickets.values()) t.expires = Date.now() - 1;
    await type("inst-phone", "13611112209");
    await type("inst-code", "123456");
    await fireEvent.click(byTestId("inst-bind"));
    expect((await screen.findByTestId("login-error")).textContent).toBe("绑定已超时，请重新登录");
  });
});

describe("在校师生 through the whole app", () => {
  it("a bound teacher logs in, finds her 工号 in 个人中心 and unbinds it; her roles there follow", async () => {
    const { fake } = await instTab();
    await login("20080123", "04226070");
    await screen.findByTestId("home-secretary");
    await fireEvent.click(byTestId("nav-profile"));
    expect((await screen.findByTestId("inst-binding-number")).textContent).toBe("20080123");
    const roles = () => screen.getAllByTestId("grant").map((g) => g.textContent ?? "");
    expect(roles()).toEqual([expect.stringContaining("秘书"), expect.stringContaining("会员")]);
    await fireEvent.click(byTestId("inst-unbind"));
    await fireEvent.click(byTestId("inst-unbind-confirm"));
    await screen.findByTestId("inst-unbound");
    await waitFor(() => expect(roles()).toEqual([expect.stringContaining("秘书")]));
    expect(fake.callsOf("institution_unbind")).toEqual([["n-xawl", null, null]]);
  });
});

describe("校园身份 card (profile)", () => {
  async function boundAs(number: string, password: string): Promise<FakeBackend> {
    const fake = new FakeBackend({ scenario: "login" });
    setBackend(fake);
    const r = await fake.institution_login("n-xawl", number, password);
    expect(r.session).not.toBeNull();
    return fake;
  }

  it("shows the bound number and unbinds it after a confirmation", async () => {
    const fake = await boundAs("20080123", "04226070");
    const sessions: SessionView[] = [];
    render(InstitutionBindings, { onSession: (s: SessionView) => sessions.push(s) });
    expect((await screen.findByTestId("inst-binding-number")).textContent).toBe("20080123");
    expect(byTestId("inst-binding").textContent).toContain("西安文理学院");
    expect(byTestId("inst-binding").textContent).toContain("工号");

    // Cancel: nothing happens.
    await fireEvent.click(byTestId("inst-unbind"));
    expect(byTestId("inst-unbind-dialog").textContent).toContain("确定解除绑定吗");
    await fireEvent.click(byTestId("inst-unbind-cancel"));
    expect(screen.queryByTestId("inst-unbind-dialog")).toBeNull();
    expect(fake.callsOf("institution_unbind")).toEqual([]);

    await fireEvent.click(byTestId("inst-unbind"));
    await fireEvent.click(byTestId("inst-unbind-confirm"));
    expect((await screen.findByTestId("inst-unbound")).textContent).toBe("已解除绑定工号 20080123。");
    expect(fake.callsOf("institution_unbind")).toEqual([["n-xawl", null, null]]);
    expect(screen.queryByTestId("inst-binding")).toBeNull();
    // The session follows: the member grant the binding gave is gone, the secretary's stays.
    expect(sessions).toHaveLength(1);
    expect(sessions[0].account.grants.map((g) => g.role)).toEqual(["secretary"]);
    // And the number asks to be bound again.
    const again = await fake.institution_login("n-xawl", "20080123", "04226070");
    expect(again.needs_binding).toBe(true);
  });

  it("marks a retired number and says why to unbind it; a failed unbind keeps the dialog open", async () => {
    const fake = await boundAs("20080123", "04226070");
    fake.inst.identities.find((i) => i.number === "20080123")!.status = "retired";
    render(InstitutionBindings, {});
    expect((await screen.findByTestId("inst-retired")).textContent).toBe("已停用");
    expect(byTestId("inst-binding").textContent).toContain("请解除绑定后用新的工号登录");
    fake.failNext("institution_unbind", "Network", "无法连接服务器，请检查网络后重试");
    await fireEvent.click(byTestId("inst-unbind"));
    await fireEvent.click(byTestId("inst-unbind-confirm"));
    expect((await screen.findByTestId("inst-unbind-error")).textContent).toContain("无法连接服务器");
    expect(byTestId("inst-binding-number").textContent).toBe("20080123");
  });

  it("stays hidden for an account with no bound number", async () => {
    const fake = new FakeBackend({ scenario: "member" });
    setBackend(fake);
    render(InstitutionBindings, {});
    await waitFor(() => expect(fake.callsOf("institution_bindings")).toHaveLength(1));
    expect(screen.queryByTestId("inst-card")).toBeNull();
  });
});
