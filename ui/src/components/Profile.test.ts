import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { byTestId, startApp } from "../test/util";

describe("profile (个人中心)", () => {
  it("shows the person's masked identity and roles", async () => {
    await startApp({ scenario: "secretary" });
    await fireEvent.click(byTestId("nav-profile"));
    await screen.findByTestId("profile");
    expect(byTestId("profile-name").textContent).toBe("周文斌");
    expect(byTestId("profile-phone").textContent).toBe("139****0007");
    expect(byTestId("profile-id").textContent).toMatch(/^3201\*{10}\d{3}[\dX]$/);
    const grants = screen.getAllByTestId("grant").map((g) => g.textContent);
    expect(grants).toEqual([expect.stringContaining("秘书"), expect.stringContaining("审核员")]);
    expect(grants[0]).toContain("江苏省互联网协会");
    expect(screen.queryByTestId("profile-credit-code")).toBeNull();
  });

  it("shows the organisation name and credit code for an organisation", async () => {
    await startApp({ scenario: "organisation" });
    await fireEvent.click(byTestId("nav-profile"));
    expect((await screen.findByTestId("profile-org")).textContent).toBe("江苏测试网络科技有限公司");
    expect(byTestId("profile-credit-code").textContent).toBe("91320100MA1000000E");
    expect(screen.queryByTestId("profile-id")).toBeNull();
  });

  it("shows the current 入会信息 (seed 000 step 10) and applications still being handled", async () => {
    const { fake } = await startApp({ scenario: "member" });
    await fireEvent.click(byTestId("nav-profile"));
    const units = await screen.findAllByTestId("join-info-unit");
    expect(units.map((u) => u.textContent)).toEqual([expect.stringContaining("南京医科大学工会")]);
    expect(units[0].getAttribute("data-status")).toBe("current");
    expect(fake.callsOf("my_memberships").length).toBeGreaterThan(0);
  });

  it("says so when the person belongs to no organisation yet", async () => {
    await startApp({ scenario: "scanner" });
    await fireEvent.click(byTestId("nav-profile"));
    await screen.findByTestId("join-info-none");
    expect(screen.queryAllByTestId("join-info-unit")).toHaveLength(0);
  });

  it("logs out back to the login screen", async () => {
    const { fake } = await startApp({ scenario: "member" });
    await fireEvent.click(byTestId("nav-profile"));
    await fireEvent.click(await screen.findByTestId("logout"));
    await screen.findByTestId("login-screen");
    expect(fake.callsOf("logout")).toHaveLength(1);
    expect(screen.queryByTestId("sync-indicator")).toBeNull();
  });
});

describe("logging out with unsent work", () => {
  it("asks first when changes wait to be sent, and logs out only when confirmed", async () => {
    const { fake } = await startApp({ scenario: "member", pending: 3, online: false });
    await fireEvent.click(byTestId("nav-profile"));
    await fireEvent.click(await screen.findByTestId("logout"));
    const ask = await screen.findByTestId("logout-confirm");
    expect(ask.textContent).toContain("还有3项未同步，退出登录将丢失这些数据，确定退出吗？");
    expect(ask.dataset.n).toBe("3");
    expect(fake.callsOf("logout")).toHaveLength(0);
    // Cancel keeps everything.
    await fireEvent.click(byTestId("logout-confirm-cancel"));
    expect(screen.queryByTestId("logout-confirm")).toBeNull();
    expect(fake.callsOf("logout")).toHaveLength(0);
    // Asked again, and confirmed.
    await fireEvent.click(byTestId("logout"));
    await fireEvent.click(await screen.findByTestId("logout-confirm-yes"));
    await screen.findByTestId("login-screen");
    expect(fake.callsOf("logout")).toHaveLength(1);
  });

  it("counts a decision queued offline, and offers to sync first", async () => {
    const { fake } = await startApp({ scenario: "secretary", online: false });
    // A decision made offline waits in the outbox.
    await fireEvent.click(byTestId("nav-queue"));
    const row = (await screen.findAllByTestId("queue-row"))[0];
    await fireEvent.click(row.querySelector("[data-testid=queue-open]")!);
    await fireEvent.click(await screen.findByTestId("approve"));
    await fireEvent.click(byTestId("confirm-approve"));
    await waitFor(() => expect(fake.status.pending).toBe(1));
    await waitFor(() => expect(byTestId("sync-pending").textContent).toBe("待上传 1"));

    await fireEvent.click(byTestId("nav-profile"));
    await fireEvent.click(await screen.findByTestId("logout"));
    expect((await screen.findByTestId("logout-confirm")).textContent).toContain("还有1项未同步");
    // Back online, 先同步 sends it; nothing is left to lose and the question goes away.
    fake.emitStatus({ online: true });
    await fireEvent.click(byTestId("logout-sync"));
    await waitFor(() => expect(screen.queryByTestId("logout-confirm")).toBeNull());
    expect(fake.callsOf("sync_now").length).toBeGreaterThan(0);
    expect(fake.callsOf("logout")).toHaveLength(0);
    await fireEvent.click(byTestId("logout"));
    await screen.findByTestId("login-screen");
    expect(fake.callsOf("logout")).toHaveLength(1);
  });

  it("logs out at once when nothing waits", async () => {
    const { fake } = await startApp({ scenario: "member", pending: 0 });
    await fireEvent.click(byTestId("nav-profile"));
    await fireEvent.click(await screen.findByTestId("logout"));
    await screen.findByTestId("login-screen");
    expect(fake.callsOf("logout")).toHaveLength(1);
  });
});

describe("language switch", () => {
  it("on the login screen changes the texts and persists through set_locale", async () => {
    const { fake } = await startApp({ scenario: "login" });
    expect(byTestId("tab-sms").textContent).toBe("手机验证码登录");
    await fireEvent.click(byTestId("lang-en"));
    await waitFor(() => expect(byTestId("tab-sms").textContent).toBe("SMS code"));
    expect(byTestId("login-submit").textContent!.trim()).toBe("Log in");
    expect(byTestId("lang-en").getAttribute("aria-pressed")).toBe("true");
    expect(fake.callsOf("set_locale")).toEqual([["en"]]);
    await fireEvent.click(byTestId("lang-zh"));
    await waitFor(() => expect(byTestId("tab-sms").textContent).toBe("手机验证码登录"));
    expect(fake.callsOf("set_locale")).toEqual([["en"], ["zh-CN"]]);
  });

  it("in the profile changes every screen, the sync bar included", async () => {
    const { fake } = await startApp({ scenario: "member", pending: 1 });
    await fireEvent.click(byTestId("nav-profile"));
    await screen.findByTestId("profile");
    await waitFor(() => expect(byTestId("sync-pending").textContent).toBe("待上传 1"));
    await fireEvent.click(byTestId("lang-en"));
    await waitFor(() => expect(byTestId("sync-pending").textContent).toBe("1 to upload"));
    expect(byTestId("logout").textContent).toContain("Log out");
    expect(byTestId("nav-home").textContent).toContain("Home");
    expect(fake.callsOf("set_locale")).toEqual([["en"]]);
    await fireEvent.click(byTestId("nav-home"));
    expect(await screen.findByText("My memberships")).toBeTruthy();
  });

  it("clicking the current language does nothing", async () => {
    const { fake } = await startApp({ scenario: "login" });
    await fireEvent.click(byTestId("lang-zh"));
    expect(fake.callsOf("set_locale")).toEqual([]);
  });
});
