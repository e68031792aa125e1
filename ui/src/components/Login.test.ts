import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import { byTestId, startApp } from "../test/util";

function type(testid: string, value: string) {
  return fireEvent.input(byTestId<HTMLInputElement>(testid), { target: { value } });
}

describe("login", () => {
  it("opens on the login screen with the SMS tab when there is no session", async () => {
    const { fake } = await startApp({ scenario: "login" });
    expect(fake.callsOf("app_info")).toHaveLength(1);
    expect(byTestId("tab-sms").getAttribute("aria-selected")).toBe("true");
    expect(byTestId("form-sms")).toBeTruthy();
    expect(screen.queryByTestId("sync-indicator")).toBeNull();
  });

  it("SMS tab: sends a code, shows the dev code and a countdown, and logs in with login_sms", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const { fake } = await startApp({ scenario: "login" });
      await type("sms-phone", "13800000001");
      await fireEvent.click(byTestId("sms-send"));
      await screen.findByText("开发模式验证码：123456");
      expect(fake.callsOf("send_sms_code")).toEqual([["13800000001"]]);
      const send = byTestId<HTMLButtonElement>("sms-send");
      expect(send.disabled).toBe(true);
      expect(send.textContent).toContain("60 秒后重新获取");
      await vi.advanceTimersByTimeAsync(3000);
      expect(send.textContent).toContain("57 秒后重新获取");
      await vi.advanceTimersByTimeAsync(57_000);
      expect(send.disabled).toBe(false);
      expect(send.textContent).toContain("获取验证码");

      await type("sms-code", "123456");
      await fireEvent.click(byTestId("login-submit"));
      await screen.findByTestId("home-member");
      expect(fake.callsOf("login_sms")).toEqual([["13800000001", "123456"]]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("SMS tab: a wrong code shows the backend message under the code field", async () => {
    const { fake } = await startApp({ scenario: "login" });
    await type("sms-phone", "13800000001");
    await fireEvent.click(byTestId("sms-send"));
    await screen.findByTestId("dev-code");
    await type("sms-code", "000000");
    await fireEvent.click(byTestId("login-submit"));
    expect((await screen.findByTestId("sms-code-error")).textContent).toContain("验证码错误");
    expect(fake.callsOf("login_sms")).toEqual([["13800000001", "000000"]]);
    expect(screen.queryByTestId("home-member")).toBeNull();
  });

  it("SMS tab: a bad phone is reported under the phone field and starts no countdown", async () => {
    await startApp({ scenario: "login" });
    await type("sms-phone", "12345");
    await fireEvent.click(byTestId("sms-send"));
    expect((await screen.findByTestId("sms-phone-error")).textContent).toContain("手机号格式不正确");
    expect(byTestId<HTMLButtonElement>("sms-send").disabled).toBe(false);
  });

  it("password tab: calls login_password and opens the secretary's home", async () => {
    const { fake } = await startApp({ scenario: "login" });
    await fireEvent.click(byTestId("tab-password"));
    await type("password-phone", "13900000007");
    await type("password-password", "Huiji2026");
    await fireEvent.click(byTestId("login-submit"));
    await screen.findByTestId("home-secretary");
    expect(fake.callsOf("login_password")).toEqual([["13900000007", "Huiji2026"]]);
    expect(fake.callsOf("login_sms")).toEqual([]);
  });

  it("password tab: shows the AppError message and stays on the login screen", async () => {
    const { fake } = await startApp({ scenario: "login" });
    await fireEvent.click(byTestId("tab-password"));
    await type("password-phone", "13900000007");
    await type("password-password", "wrong");
    await fireEvent.click(byTestId("login-submit"));
    expect((await screen.findByTestId("password-password-error")).textContent).toContain("手机号或密码错误");
    expect(fake.callsOf("login_password")).toEqual([["13900000007", "wrong"]]);
    expect(byTestId("login-screen")).toBeTruthy();
  });

  it("password tab: an error without a field is shown above the button", async () => {
    const { fake } = await startApp({ scenario: "login" });
    fake.failNext("login_password", "AccountLocked", "登录失败次数过多，账号已锁定15分钟");
    await fireEvent.click(byTestId("tab-password"));
    await type("password-phone", "13900000007");
    await type("password-password", "Huiji2026");
    await fireEvent.click(byTestId("login-submit"));
    expect((await screen.findByTestId("login-error")).textContent).toContain("账号已锁定");
  });

  it("organisation tab: calls login_org with the upper-cased credit code", async () => {
    const { fake } = await startApp({ scenario: "login" });
    await fireEvent.click(byTestId("tab-org"));
    await type("org-code", "91320100ma1000000e");
    await type("org-password", "Huiji2026");
    await fireEvent.click(byTestId("login-submit"));
    await screen.findByTestId("home-member");
    expect(fake.callsOf("login_org")).toEqual([["91320100MA1000000E", "Huiji2026"]]);
  });

  it("organisation tab: a wrong check character is shown under the credit code", async () => {
    await startApp({ scenario: "login" });
    await fireEvent.click(byTestId("tab-org"));
    await type("org-code", "91320100MA1000000F");
    await type("org-password", "Huiji2026");
    await fireEvent.click(byTestId("login-submit"));
    expect((await screen.findByTestId("org-code-error")).textContent).toContain("校验位不正确");
  });

  it("server address: prefilled, saved through set_server_url, reset to the default", async () => {
    const { fake } = await startApp({ scenario: "login" });
    const input = byTestId<HTMLInputElement>("server-url");
    expect(input.value).toBe("https://huiji.example.cn");
    expect(byTestId<HTMLButtonElement>("server-reset").disabled).toBe(true);

    await type("server-url", "ftp://bad");
    await fireEvent.click(byTestId("server-save"));
    expect((await screen.findByTestId("server-error")).textContent).toContain("https://");

    await type("server-url", "http://127.0.0.1:8686");
    await fireEvent.click(byTestId("server-save"));
    await screen.findByText("服务器地址已保存");
    expect(fake.info.server_url).toBe("http://127.0.0.1:8686");

    await fireEvent.click(byTestId("server-reset"));
    await waitFor(() => expect(input.value).toBe("https://huiji.example.cn"));
    expect(fake.callsOf("set_server_url")).toEqual([["ftp://bad"], ["http://127.0.0.1:8686"], ["https://huiji.example.cn"]]);
  });
});
