import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { byTestId, startApp } from "../test/util";

describe("member home", () => {
  it("lists memberships with category and position", async () => {
    await startApp({ scenario: "member" });
    const item = await screen.findByTestId("membership");
    expect(item.textContent).toContain("南京医科大学工会");
    expect(item.textContent).toContain("机关事业单位职工");
    expect(item.textContent).toContain("会员");
  });

  it("an organisation has no health code: the codes section shows its empty state", async () => {
    await startApp({ scenario: "organisation" });
    const codes = byTestId("my-codes");
    expect(codes.textContent).toContain("暂无可用的码");
    expect(screen.queryByTestId("open-health-code")).toBeNull();
  });

  it("吉祥码 opens the person's code with its colour, name and expiry", async () => {
    const { fake } = await startApp({ scenario: "member", healthColour: "yellow" });
    await fireEvent.click(byTestId("open-health-code"));
    const code = await screen.findByTestId("health-code");
    expect(code.dataset.colour).toBe("yellow");
    const band = byTestId("health-code-colour");
    expect(band.dataset.colour).toBe("yellow");
    expect(band.textContent).toContain("黄码");
    expect(byTestId("health-code-name").textContent).toBe("欧阳**");
    expect(byTestId("health-code-expires").textContent).toMatch(/^有效期至 (\d{2}-\d{2} )?\d{2}:\d{2}$/);
    expect(code.querySelector("svg")).toBeTruthy();
    expect(screen.queryByTestId("health-code-offline")).toBeNull();
    expect(fake.callsOf("my_health_code")).toHaveLength(1);
    await fireEvent.click(byTestId("health-code-refresh"));
    await waitFor(() => expect(fake.callsOf("my_health_code")).toHaveLength(2));
    await fireEvent.click(byTestId("health-code-close"));
    expect(screen.queryByTestId("health-code")).toBeNull();
  });

  it("offline, shows the device's copy with its age", async () => {
    const { fake } = await startApp({ scenario: "member", online: false, healthColour: "red" });
    fake.healthFetchedAt = Date.now() - 25 * 60_000;
    await fireEvent.click(byTestId("open-health-code"));
    await screen.findByTestId("health-code");
    expect(byTestId("health-code-colour").dataset.colour).toBe("red");
    expect(byTestId("health-code-offline").textContent).toContain("离线显示 · 25 分钟前获取");
    expect(screen.queryByTestId("health-code-expired")).toBeNull();
  });

  it("says clearly when the kept code has expired", async () => {
    const { fake } = await startApp({ scenario: "member", online: false });
    fake.healthFetchedAt = Date.now() - 30 * 3600_000;
    await fireEvent.click(byTestId("open-health-code"));
    await screen.findByTestId("health-code");
    expect(byTestId("health-code-expired").textContent).toBe("已过期，请联网刷新");
    expect(byTestId("health-code-offline").textContent).toContain("1 天前获取");
  });

  it("shows why there is no code", async () => {
    const { fake } = await startApp({ scenario: "member" });
    fake.failNext("my_health_code", "HealthCodeUnavailable", "无法连接服务器，本机也没有保存的吉祥码，请联网后再试");
    await fireEvent.click(byTestId("open-health-code"));
    expect((await screen.findByTestId("health-code-error")).textContent).toContain("本机也没有保存的吉祥码");
    expect(screen.queryByTestId("health-code")).toBeNull();
  });

  it("expands a notice on tap", async () => {
    await startApp({ scenario: "member" });
    const notices = await screen.findAllByTestId("notice");
    expect(notices).toHaveLength(3);
    expect(screen.queryByTestId("notice-content")).toBeNull();
    const head = within(notices[1]).getByRole("button");
    await fireEvent.click(head);
    expect(head.getAttribute("aria-expanded")).toBe("true");
    expect(byTestId("notice-content").textContent).toContain("江宁校区体育场");
    await fireEvent.click(head);
    expect(screen.queryByTestId("notice-content")).toBeNull();
  });

  it("shows the empty membership state for an account with none", async () => {
    const { fake } = await startApp({ scenario: "member" });
    // A member whose home summary has no memberships.
    fake.info.session!.account.grants = [];
    await fireEvent.click(byTestId("sync-now"));
    expect(await screen.findByTestId("no-memberships")).toBeTruthy();
  });
});
