import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import App from "../App.svelte";
import { setBackend } from "../lib/api";
import { FakeBackend } from "../lib/fake";
import { EVENT_IDS } from "../lib/fakeData";
import { byTestId, startApp } from "../test/util";

const ASSEMBLY_IN = {
  kind: "ticket",
  event_id: EVENT_IDS.assembly,
  direction: "in",
  reentry_allowed: false,
};

async function scan(code: string) {
  const input = byTestId<HTMLInputElement>("scan-input");
  await fireEvent.input(input, { target: { value: code } });
  await fireEvent.submit(input.form!);
  return screen.findByTestId("verdict");
}

async function ticketMode() {
  await fireEvent.click(byTestId("scan-mode-ticket"));
  return screen.findByTestId<HTMLSelectElement>("event-select");
}

describe("scanner: event tickets", () => {
  it("starts on health codes", async () => {
    await startApp({ scenario: "scanner" });
    expect(byTestId("scan-mode").dataset.mode).toBe("health");
    expect(byTestId("scan-mode-health").getAttribute("aria-checked")).toBe("true");
    expect(screen.queryByTestId("event-select")).toBeNull();
  });

  it("sends the ticket mode with the chosen event and direction, without a temperature", async () => {
    const { fake } = await startApp({ scenario: "scanner" });
    const select = await ticketMode();
    expect(byTestId("scan-mode").dataset.mode).toBe("ticket");
    // The first event not ended, entering; it allows no re-entry.
    expect(select.value).toBe(EVENT_IDS.assembly);
    expect([...select.options].map((o) => o.textContent)).toEqual([
      "2026年度会员大会",
      "春季职工健步走",
      "第五届理事会第三次会议（已结束）",
    ]);
    expect(byTestId("direction-in").getAttribute("aria-checked")).toBe("true");
    expect(byTestId("no-reentry").textContent).toBe("该活动不允许再次入场");
    expect(byTestId("event-meta").textContent).toContain("南京医科大学江宁校区学术交流中心");

    const v = await scan("HJ1:TICKET:E1:000011");
    expect(v.dataset.verdict).toBe("admit");
    expect(v.dataset.kind).toBe("ticket");
    expect(byTestId("verdict-title").textContent).toBe("入场成功");
    expect(byTestId("verdict-name").textContent).toMatch(/^\p{Script=Han}\*+$/u);
    expect(byTestId("verdict-event").textContent).toBe("2026年度会员大会");
    expect(fake.callsOf("checkpoint_verify")).toEqual([["HJ1:TICKET:E1:000011", ASSEMBLY_IN]]);
    // No temperature for a ticket; the remark and the confirm button stay.
    expect(screen.queryByTestId("temperature")).toBeNull();
    expect(document.activeElement).toBe(byTestId("scan-remark"));
    await fireEvent.input(byTestId("scan-remark"), { target: { value: "嘉宾" } });
    await fireEvent.click(byTestId("confirm-scan"));
    await screen.findByTestId("recorded");
    expect(fake.callsOf("checkpoint_record")).toEqual([["HJ1:TICKET:E1:000011", ASSEMBLY_IN, null, "嘉宾"]]);
    expect(byTestId("verdict-title").textContent).toBe("入场成功");

    // Another event, leaving.
    await fireEvent.click(byTestId("next-scan"));
    await fireEvent.change(select, { target: { value: EVENT_IDS.walk } });
    await fireEvent.click(byTestId("direction-out"));
    expect(byTestId("direction-out").getAttribute("aria-checked")).toBe("true");
    expect(screen.queryByTestId("no-reentry")).toBeNull();
    await scan("HJ1:TICKET:E2:000011");
    expect(fake.callsOf("checkpoint_verify")[1]).toEqual([
      "HJ1:TICKET:E2:000011",
      { kind: "ticket", event_id: EVENT_IDS.walk, direction: "out", reentry_allowed: true },
    ]);
    // Never entered: it cannot check out.
    expect(byTestId("verdict").dataset.verdict).toBe("turn-back");
    expect(byTestId("verdict-title").textContent).toBe("签退失败");
    expect(byTestId("verdict-reason").textContent?.trim()).toBe("该票尚未签到入场，无法签退");
  });

  it("refuses a ticket already inside, in big red letters", async () => {
    await startApp({ scenario: "scanner" });
    await ticketMode();
    await scan("HJ1:TICKET:E1:000022");
    await fireEvent.click(byTestId("confirm-scan"));
    await screen.findByTestId("recorded");
    await fireEvent.click(byTestId("next-scan"));
    const v = await scan("HJ1:TICKET:E1:000022");
    expect(v.dataset.verdict).toBe("turn-back");
    expect(v.dataset.reason).toBe("credential.already_used");
    expect(v.className).toContain("back");
    expect(byTestId("verdict-title").textContent).toBe("禁止入场");
    const reason = byTestId("verdict-reason");
    expect(reason.textContent?.trim()).toBe("该票已签到入场，不能重复使用");
    expect(reason.classList.contains("big")).toBe(true);
  });

  it("a health code at a ticket gate is the wrong kind of code", async () => {
    const { fake } = await startApp({ scenario: "scanner" });
    await ticketMode();
    const v = await scan("HJ1:GREEN-0001");
    expect(v.dataset.verdict).toBe("turn-back");
    expect(v.dataset.reason).toBe("credential.wrong_kind");
    expect(byTestId("verdict-reason").textContent?.trim()).toBe("码类型不符");
    expect(screen.queryByTestId("verdict-colour")).toBeNull();
    expect(fake.callsOf("checkpoint_verify")).toEqual([["HJ1:GREEN-0001", ASSEMBLY_IN]]);
  });

  it("another event's ticket is refused as 非本活动票", async () => {
    await startApp({ scenario: "scanner" });
    await ticketMode();
    const v = await scan("HJ1:TICKET:E2:000033");
    expect(v.dataset.reason).toBe("credential.wrong_event");
    expect(byTestId("verdict-reason").textContent?.trim()).toBe("非本活动票");
  });

  it("keeps the mode while the screen is open, and drops a verdict when it changes", async () => {
    await startApp({ scenario: "scanner" });
    const select = await ticketMode();
    await fireEvent.change(select, { target: { value: EVENT_IDS.walk } });
    await fireEvent.click(byTestId("direction-out"));
    await fireEvent.click(byTestId("scanner-tab-assisted"));
    expect(screen.queryByTestId("scan-mode")).toBeNull();
    await fireEvent.click(byTestId("scanner-tab-scan"));
    expect(byTestId("scan-mode").dataset.mode).toBe("ticket");
    expect(byTestId<HTMLSelectElement>("event-select").value).toBe(EVENT_IDS.walk);
    expect(byTestId("direction-out").getAttribute("aria-checked")).toBe("true");

    await scan("HJ1:TICKET:E2:000044");
    await fireEvent.click(byTestId("scan-mode-health"));
    expect(screen.queryByTestId("verdict")).toBeNull();
    const v = await scan("HJ1:GREEN-0045");
    expect(v.dataset.kind).toBe("health");
    expect(byTestId("verdict-title").textContent).toContain("通行");
    expect(screen.getByTestId("temperature")).toBeTruthy();
  });

  it("speaks English too", async () => {
    await startApp({ scenario: "scanner", locale: "en" });
    const select = await ticketMode();
    expect(select.options[2].textContent).toBe("第五届理事会第三次会议 (ended)");
    expect(byTestId("direction-out").textContent?.trim()).toBe("Exit");
    await scan("HJ1:TICKET:E1:000055");
    expect(byTestId("verdict-title").textContent).toBe("Admitted");
  });

  it("says so when the device has no events, and sends nothing", async () => {
    const { fake } = await startApp({ scenario: "scanner" });
    fake.events = [];
    await fireEvent.click(byTestId("scan-mode-ticket"));
    expect((await screen.findByTestId("no-events")).textContent).toContain("本机没有活动");
    await fireEvent.input(byTestId("scan-input"), { target: { value: "HJ1:TICKET:E1:1" } });
    await fireEvent.submit(byTestId<HTMLInputElement>("scan-input").form!);
    expect((await screen.findByTestId("scan-error")).textContent).toContain("本机没有活动");
    expect(fake.callsOf("checkpoint_verify")).toEqual([]);
  });
});

describe("member: my tickets", () => {
  it("lists the events and opens a ticket with its QR, title, place and time", async () => {
    const { fake } = await startApp({ scenario: "member" });
    const items = await screen.findAllByTestId("event-item");
    expect(items.map((i) => i.dataset.eventId)).toEqual([EVENT_IDS.assembly, EVENT_IDS.walk, EVENT_IDS.council]);
    expect(items[0].textContent).toContain("2026年度会员大会");
    expect(items[0].textContent).toMatch(/\d+月\d+日 14:00–17:00/);
    expect(items[2].textContent).toContain("已结束");
    await fireEvent.click(items[0]);
    const ticket = await screen.findByTestId("ticket-view");
    expect(byTestId("ticket-title").textContent).toBe("2026年度会员大会");
    expect(byTestId("ticket-place").textContent).toBe("南京医科大学江宁校区学术交流中心");
    expect(byTestId("ticket-time").textContent).toMatch(/^\d+月\d+日 14:00–17:00$/);
    expect(byTestId("ticket-no-reentry").textContent).toContain("不能再次入场");
    expect(ticket.querySelector("svg")).toBeTruthy();
    expect(screen.queryByTestId("ticket-offline")).toBeNull();
    expect(fake.callsOf("my_ticket")).toEqual([[EVENT_IDS.assembly]]);
    await fireEvent.click(byTestId("ticket-close"));
    expect(screen.queryByTestId("ticket-view")).toBeNull();
  });

  it("offline, shows the kept ticket with a note, and says why there is none", async () => {
    await startApp({ scenario: "member", online: false });
    const items = await screen.findAllByTestId("event-item");
    await fireEvent.click(items[0]);
    await screen.findByTestId("ticket-view");
    expect(byTestId("ticket-title").textContent).toBe("2026年度会员大会");
    expect(byTestId("ticket-offline").textContent).toContain("离线显示");
    await fireEvent.click(byTestId("ticket-close"));
    // Never fetched on this device.
    await fireEvent.click(items[1]);
    expect((await screen.findByTestId("ticket-error")).textContent).toContain("无法连接服务器");
    expect(screen.queryByTestId("ticket-view")).toBeNull();
  });

  it("shows the backend's refusal as a message", async () => {
    await startApp({ scenario: "member" });
    const items = await screen.findAllByTestId("event-item");
    await fireEvent.click(items[2]);
    expect((await screen.findByTestId("ticket-error")).textContent).toBe("您没有在该组织执行此操作的权限");
  });

  it("leaves out events whose registration the member does not hold", async () => {
    const fake = new FakeBackend({ scenario: "member" });
    const me = fake.info.session!.account.id;
    const now = Date.now();
    const open = fake.acts.events.filter((e) => e.body.registration && !e.body.cancelled && e.body.ends_at > now);
    const held = open.find((e) => fake.acts.regs.some((r) => r.event_id === e.id && r.account_id === me && r.status === "confirmed" && r.paid));
    const notHeld = open.find((e) => !fake.acts.regs.some((r) => r.event_id === e.id && r.account_id === me));
    expect(held && notHeld).toBeTruthy();
    for (const e of [held!, notHeld!]) {
      const { title, place, starts_at, ends_at, reentry_allowed } = e.body;
      fake.events.push({ id: e.id, title, place, starts_at, ends_at, reentry_allowed });
    }
    setBackend(fake);
    render(App);
    await screen.findByTestId("home-member");
    await waitFor(() => expect(screen.getAllByTestId("event-item").some((i) => i.dataset.eventId === held!.id)).toBe(true));
    const ids = screen.getAllByTestId("event-item").map((i) => i.dataset.eventId);
    expect(ids).not.toContain(notHeld!.id);
    // The checkpoint's events (no registration) are still there.
    expect(ids).toContain(EVENT_IDS.assembly);
  });

  it("an organisation sees no tickets", async () => {
    const { fake } = await startApp({ scenario: "organisation" });
    expect(screen.queryByTestId("my-tickets")).toBeNull();
    expect(fake.callsOf("events_list")).toEqual([]);
  });
});

describe("secretary: event check-in", () => {
  it("shows the counts and the offline-scan conflict of an event", async () => {
    const { fake } = await startApp({ scenario: "secretary" });
    const events = await screen.findAllByTestId("attendance-event");
    expect(events).toHaveLength(3);
    expect(screen.queryByTestId("attendance")).toBeNull();
    await fireEvent.click(events[0]);
    const a = await screen.findByTestId("attendance");
    expect(byTestId("attendance-title").textContent).toBe("2026年度会员大会");
    expect(byTestId("attendance-checked-in").textContent).toContain("214");
    expect(byTestId("attendance-inside").textContent).toContain("187");
    expect(byTestId("attendance-scans").textContent).toContain("243");
    expect(a.textContent).toContain("重复入场（离线扫码冲突）");
    const rows = screen.getAllByTestId("ticket-conflict");
    expect(rows).toHaveLength(1);
    const cells = within(rows[0]).getAllByRole("cell").map((c) => c.textContent ?? "");
    expect(cells[0]).toBe("陈**");
    expect(cells[1]).toBe("该票已签到入场，不能重复使用");
    expect(cells[2]).toMatch(/^学术交流中心正门\s*(\d{2}-\d{2} )?\d{2}:\d{2}$/);
    expect(cells[3]).toMatch(/^学术交流中心东门\s*(\d{2}-\d{2} )?\d{2}:\d{2}$/);
    expect(screen.queryByTestId("no-conflicts")).toBeNull();
    expect(fake.callsOf("event_attendance")).toEqual([[EVENT_IDS.assembly]]);

    await fireEvent.click(byTestId("attendance-refresh"));
    await waitFor(() => expect(fake.callsOf("event_attendance")).toHaveLength(2));
  });

  it("says 没有冲突 for an event without conflicts", async () => {
    await startApp({ scenario: "secretary" });
    const events = await screen.findAllByTestId("attendance-event");
    await fireEvent.click(events[1]);
    await screen.findByTestId("attendance");
    expect(byTestId("no-conflicts").textContent).toBe("没有冲突");
    expect(screen.queryAllByTestId("ticket-conflict")).toHaveLength(0);
  });

  it("needs the network", async () => {
    await startApp({ scenario: "secretary", online: false });
    const events = await screen.findAllByTestId("attendance-event");
    await fireEvent.click(events[0]);
    expect((await screen.findByTestId("attendance-error")).textContent).toBe("需要联网查看签到情况");
    expect(screen.queryByTestId("attendance")).toBeNull();
  });
});
