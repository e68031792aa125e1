import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { byTestId, startApp } from "../test/util";

async function openSites(opts: Parameters<typeof startApp>[0] = {}) {
  const app = await startApp({ scenario: "site_manager", ...opts });
  await fireEvent.click(byTestId("scanner-tab-sites"));
  await screen.findAllByTestId("site-row");
  await waitFor(() => expect(screen.getAllByTestId("site-own").length).toBeGreaterThan(0));
  return app;
}

const row = (name: string) => screen.getAllByTestId("site-row").find((r) => r.dataset.siteName === name)!;

describe("site management (站点管理)", () => {
  it("shows 站点管理 only to site managers, 卫健 only to the health authority", async () => {
    await startApp({ scenario: "site_manager" });
    expect(byTestId("scanner-tab-sites")).toBeTruthy();
    expect(screen.queryByTestId("scanner-tab-health")).toBeNull();
  });

  it("lists the sites by depth with own and subtree counts", async () => {
    await openSites();
    const rows = screen.getAllByTestId("site-row");
    expect(rows.map((r) => [r.dataset.siteName, r.dataset.depth])).toEqual([
      ["永吉县", "0"],
      ["口前镇检查站", "1"],
      ["口前镇高速路口卡点", "2"],
      ["口前镇火车站卡点", "2"],
      ["岔路河镇检查站", "1"],
      ["岔路河镇服务区卡点", "2"],
    ]);
    const kq = row("口前镇检查站");
    const own = within(kq).getByTestId("site-own").textContent!;
    expect(own).toContain("扫码128");
    expect(own).toContain("劝返3");
    // Its subtree: 128 + 342 + 96 scans, 3 + 11 + 1 turned back.
    const sub = within(kq).getByTestId("site-subtree").textContent!;
    expect(sub).toContain("扫码566");
    expect(sub).toContain("劝返15");
    expect(sub).toContain("辅助登记15");
    // A leaf has no subtree line.
    expect(within(row("口前镇火车站卡点")).queryByTestId("site-subtree")).toBeNull();
    expect(screen.queryByTestId("stats-offline")).toBeNull();
  });

  it("marks counts computed on this device as 离线统计", async () => {
    await openSites({ online: false });
    expect(byTestId("stats-offline").textContent).toBe("离线统计");
  });

  it("shows a site's details and scanner staff", async () => {
    await openSites();
    await fireEvent.click(row("口前镇检查站"));
    const detail = byTestId("site-detail");
    expect(detail.textContent).toContain("永吉县口前镇吉桦路与建设街交汇处");
    expect(detail.textContent).toContain("王建国");
    expect(detail.textContent).toContain("135****1188");
    expect((await screen.findByTestId("site-scanner")).textContent).toContain("赵**");
  });

  it("adds a sub-site under the selected one", async () => {
    const { fake } = await openSites();
    await fireEvent.click(row("岔路河镇检查站"));
    await fireEvent.click(byTestId("site-add-child"));
    // The name is required.
    await fireEvent.click(byTestId("site-form-submit"));
    expect(byTestId("site-form-name-error").textContent).toBe("请填写站点名称");
    await fireEvent.input(byTestId("site-form-name"), { target: { value: "岔路河镇东卡点" } });
    await fireEvent.input(byTestId("site-form-address"), { target: { value: "岔路河镇东出口" } });
    await fireEvent.input(byTestId("site-form-contact"), { target: { value: "周强" } });
    await fireEvent.input(byTestId("site-form-phone"), { target: { value: "13712345678" } });
    await fireEvent.click(byTestId("site-form-submit"));
    await waitFor(() => expect(fake.callsOf("site_create")).toHaveLength(1));
    expect(fake.callsOf("site_create")[0]).toEqual([
      { parent_id: "n-clh", name: "岔路河镇东卡点", address: "岔路河镇东出口", contact: "周强", contact_phone: "13712345678" },
    ]);
    await waitFor(() => expect(row("岔路河镇东卡点")).toBeTruthy());
    expect(row("岔路河镇东卡点").dataset.depth).toBe("2");
    expect(byTestId("sites-notice").textContent).toContain("已添加站点：岔路河镇东卡点");
  });

  it("shows the command's field error, e.g. a bad contact phone", async () => {
    await openSites();
    await fireEvent.click(row("口前镇检查站"));
    await fireEvent.click(byTestId("site-edit"));
    expect(byTestId<HTMLInputElement>("site-form-name").value).toBe("口前镇检查站");
    await fireEvent.input(byTestId("site-form-phone"), { target: { value: "12345" } });
    await fireEvent.click(byTestId("site-form-submit"));
    expect((await screen.findByTestId("site-form-phone-error")).textContent).toBe("手机号格式不正确");
  });

  it("adds a scanner to a site", async () => {
    const { fake } = await openSites();
    await fireEvent.click(row("口前镇火车站卡点"));
    await fireEvent.click(byTestId("site-add-scanner"));
    await fireEvent.input(byTestId("scanner-phone"), { target: { value: "13887654321" } });
    await fireEvent.input(byTestId("scanner-name"), { target: { value: "钱多多" } });
    await fireEvent.click(byTestId("scanner-submit"));
    expect((await screen.findByTestId("site-scanner")).textContent).toContain("钱**");
    expect(fake.callsOf("site_add_scanner")).toEqual([["n-kq-hc", "13887654321", "钱多多"]]);
  });
});
