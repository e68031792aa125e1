import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import App from "./App.svelte";
import { setBackend } from "./lib/api";
import { FakeBackend } from "./lib/fake";
import { byTestId, startApp } from "./test/util";

describe("start and home by role", () => {
  it.each([
    ["member", "home-member", "shell-phone"],
    ["secretary", "home-secretary", "shell-desktop"],
    ["scanner", "home-scanner", "shell-phone"],
  ] as const)("a saved %s session opens its home without logging in", async (scenario, home, shell) => {
    const { fake } = await startApp({ scenario });
    expect(byTestId(home)).toBeTruthy();
    expect(byTestId(shell)).toBeTruthy();
    for (const other of ["home-member", "home-secretary", "home-scanner"].filter((h) => h !== home)) {
      expect(screen.queryByTestId(other)).toBeNull();
    }
    expect(screen.queryByTestId("login-screen")).toBeNull();
    expect(fake.callsOf("login_sms").length + fake.callsOf("login_password").length).toBe(0);
    expect(byTestId("sync-indicator")).toBeTruthy();
  });

  it("an organisation account opens the member home", async () => {
    await startApp({ scenario: "organisation" });
    expect(await screen.findByText("江苏省互联网协会")).toBeTruthy();
  });

  it("opens offline on the saved session with the local data", async () => {
    const { fake } = await startApp({ scenario: "member", online: false });
    expect(await screen.findByText("南京医科大学工会")).toBeTruthy();
    expect(fake.callsOf("home_summary")).toHaveLength(1);
  });

  it("applies the saved locale on start", async () => {
    await startApp({ scenario: "login", locale: "en" });
    expect(byTestId("tab-password").textContent).toBe("Password");
  });

  it("shows why it could not start and retries", async () => {
    const fake = new FakeBackend({ scenario: "member" });
    fake.failNext("app_info", "Db", "本机数据库无法打开");
    setBackend(fake);
    render(App);
    expect((await screen.findByTestId("boot-error")).textContent).toContain("本机数据库无法打开");
    await fireEvent.click(screen.getByText("重试"));
    await screen.findByTestId("home-member");
    expect(fake.callsOf("app_info")).toHaveLength(2);
  });
});
