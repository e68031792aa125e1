import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setBackend } from "../lib/api";
import { FakeBackend } from "../lib/fake";
import { byTestId, startApp } from "../test/util";
import SyncBar from "./SyncBar.svelte";

async function indicator() {
  const el = await screen.findByTestId("sync-indicator");
  await waitFor(() => expect(el.dataset.online).toBeDefined());
  return el;
}

describe("sync indicator", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("shows online, the pending count and the last sync time", async () => {
    const last = Date.UTC(2026, 2, 18, 6, 5); // 14:05 in Shanghai
    vi.useFakeTimers({ now: last + 60_000, shouldAdvanceTime: true });
    await startApp({ scenario: "member", pending: 4, lastSuccessMs: last });
    const el = await indicator();
    expect(el.dataset.online).toBe("true");
    expect(byTestId("sync-online-text").textContent).toBe("在线");
    expect(byTestId("sync-pending").textContent).toBe("待上传 4");
    expect(byTestId("sync-last").textContent!.trim()).toBe("上次同步 14:05");
    expect(screen.queryByTestId("sync-offline")).toBeNull();
  });

  it("shows the offline state clearly", async () => {
    await startApp({ scenario: "secretary", online: false, pending: 3, lastSuccessMs: null });
    const el = await indicator();
    expect(el.dataset.online).toBe("false");
    expect(byTestId("sync-online-text").textContent).toBe("离线");
    expect(byTestId("sync-offline").textContent).toContain("离线模式：显示本机数据");
    expect(byTestId("sync-pending").textContent).toBe("待上传 3");
    expect(byTestId("sync-last").textContent!.trim()).toBe("从未同步");
  });

  it("is on every screen after login, the profile too", async () => {
    await startApp({ scenario: "member" });
    await fireEvent.click(byTestId("nav-profile"));
    await screen.findByTestId("profile");
    expect(byTestId("sync-indicator")).toBeTruthy();
  });

  it("follows sync-status events", async () => {
    const { fake } = await startApp({ scenario: "member", pending: 2 });
    const el = await indicator();
    fake.emitStatus({ online: false, pending: 5 });
    await waitFor(() => expect(el.dataset.online).toBe("false"));
    expect(byTestId("sync-pending").textContent).toBe("待上传 5");
    fake.emitStatus({ online: true, conflicts: 1 });
    await waitFor(() => expect(el.dataset.online).toBe("true"));
    expect(byTestId("sync-conflicts").textContent).toBe("冲突 1");
  });

  it("draws a progress bar from sync-progress events and removes it when the run ends", async () => {
    const { fake } = await startApp({ scenario: "member" });
    await indicator();
    expect(screen.queryByTestId("sync-progress")).toBeNull();
    fake.emitStatus({ syncing: true });
    fake.emitProgress({ rows: 500, cursor: 250, server_seq: 1000 });
    const bar = await screen.findByTestId("sync-progress");
    expect(bar.getAttribute("aria-valuenow")).toBe("25");
    fake.emitProgress({ rows: 900, cursor: 750, server_seq: 1000 });
    await waitFor(() => expect(bar.getAttribute("aria-valuenow")).toBe("75"));
    fake.emitStatus({ syncing: false, last_success_ms: Date.now() });
    await waitFor(() => expect(screen.queryByTestId("sync-progress")).toBeNull());
  });

  it("立即同步 calls sync_now and shows the new state; a finished sync reloads the home", async () => {
    const { fake } = await startApp({ scenario: "member", pending: 2 });
    await indicator();
    const homeLoads = fake.callsOf("home_summary").length;
    await fireEvent.click(byTestId("sync-now"));
    await waitFor(() => expect(byTestId("sync-pending").textContent).toBe("待上传 0"));
    expect(fake.callsOf("sync_now")).toHaveLength(1);
    await waitFor(() => expect(fake.callsOf("home_summary").length).toBe(homeLoads + 1));
  });

  it("polls sync_status every 30 seconds and stops when gone", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: false });
    const fake = new FakeBackend({ scenario: "member" });
    setBackend(fake);
    const view = render(SyncBar);
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.callsOf("sync_status")).toHaveLength(1);
    expect(fake.listenerCount()).toBe(2);
    await vi.advanceTimersByTimeAsync(29_000);
    expect(fake.callsOf("sync_status")).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fake.callsOf("sync_status")).toHaveLength(2);
    fake.status.online = false;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(byTestId("sync-indicator").dataset.online).toBe("false");
    view.unmount();
    expect(fake.listenerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.callsOf("sync_status")).toHaveLength(3);
  });

  it("shows a failing sync_now without leaving the screen", async () => {
    const { fake } = await startApp({ scenario: "member" });
    await indicator();
    fake.failNext("sync_now", "Network", "无法连接服务器");
    await fireEvent.click(byTestId("sync-now"));
    expect((await screen.findByTestId("sync-error")).getAttribute("title")).toBe("无法连接服务器");
    expect(byTestId("home-member")).toBeTruthy();
  });
});
