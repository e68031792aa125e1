import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { dateTime } from "../../../lib/format";
import type { FakeBackend } from "../../../lib/fake";
import { byTestId, startApp } from "../../../test/util";

const click = (id: string) => fireEvent.click(byTestId(id));
const card = (id: string) => screen.getAllByTestId("activity-card").find((c) => c.dataset.id === id)!;
const status = () => byTestId("activity-status");

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
/** A PNG the fake decodes to `code` (it reads a code written into the file). */
const qrPng = (code: string | null) =>
  new File([new Uint8Array([...PNG, ...new TextEncoder().encode(code ?? "no code here")])], "code.png", { type: "image/png" });
const pick = (file: File) => fireEvent.change(byTestId("member-scan-file"), { target: { files: [file] } });

/** The member's home → 活动报名 → one event's page. */
async function openEvent(id: string, opts: Parameters<typeof startApp>[0] = {}) {
  const app = await startApp({ scenario: "member", ...opts });
  await click("nav-activities");
  await screen.findByTestId("member-activities");
  await waitFor(() => expect(card(id)).toBeTruthy());
  await fireEvent.click(card(id));
  await screen.findByTestId("activity");
  return app;
}

const event = (fake: FakeBackend, id: string) => fake.acts.events.find((e) => e.id === id)!;
const confirmedAt = (fake: FakeBackend, id: string) => fake.acts.regs.filter((r) => r.event_id === id && r.status === "confirmed").length;

describe("member events: the list and an event's page", () => {
  it("lists the events with phase and places, and an event shows its facts and registers a place", async () => {
    const { fake } = await openEvent("ev-reading");
    const e = event(fake, "ev-reading");
    expect(byTestId("activity-title").textContent).toBe("“书香工会”春季读书分享会");
    expect(byTestId("activity-place").textContent).toBe("图书馆三楼报告厅");
    expect(byTestId("activity-capacity").textContent).toBe("限 40 人");
    expect(byTestId("activity-deadline").textContent).toBe(dateTime(e.body.registration_deadline!));
    expect(byTestId("activity-fee").textContent).toBe("免费");
    expect(byTestId("activity-audience").textContent).toBe("本组织会员");
    expect(byTestId("activity-approval").textContent).toBe("无需审核");
    expect(byTestId("activity-description").textContent).toContain("额尔古纳河右岸");
    expect(byTestId("activity-phase").textContent).toBe("未开始");
    expect(screen.queryByTestId("activity-status")).toBeNull();
    expect(screen.queryByTestId("activity-cancel")).toBeNull();

    const before = confirmedAt(fake, "ev-reading");
    await click("activity-register");
    await waitFor(() => expect(status().dataset.status).toBe("confirmed"));
    expect(status().textContent).toBe("已报名");
    expect(byTestId("activity-done").textContent).toBe("报名成功");
    expect(fake.callsOf("event_register")).toEqual([["ev-reading"]]);
    expect(confirmedAt(fake, "ev-reading")).toBe(before + 1);
    expect(screen.queryByTestId("activity-register")).toBeNull();
    expect(byTestId("activity-cancel")).toBeTruthy();
    // Confirmed and free: the ticket may be shown.
    await click("activity-ticket");
    expect((await screen.findByTestId("ticket-title")).textContent).toBe("“书香工会”春季读书分享会");
  });

  it("a full event puts the member on the waitlist, and 我的报名 lists it", async () => {
    const { fake } = await openEvent("ev-sports");
    expect(byTestId("activity-capacity").textContent).toBe("限 150 人");
    await click("activity-register");
    await waitFor(() => expect(status().dataset.status).toBe("waitlisted"));
    expect(status().textContent).toBe("候补中");
    expect(byTestId("activity-done").textContent).toBe("名额已满，已为您加入候补名单，有人取消时按报名先后自动递补");
    expect(byTestId("activity-note").textContent).toBe("您在候补名单中，有人取消时按报名先后自动递补");
    expect(screen.queryByTestId("activity-ticket")).toBeNull();
    expect(confirmedAt(fake, "ev-sports")).toBe(150);

    await click("page-back");
    await screen.findByTestId("member-activities");
    await click("activities-tab-mine");
    await waitFor(() => expect(card("ev-sports")).toBeTruthy());
    expect(within(card("ev-sports")).getByTestId("activity-status").dataset.status).toBe("waitlisted");
    // Registered (and checked in) before: the talk and last winter's gala.
    expect(screen.getAllByTestId("activity-card").map((c) => c.dataset.id).sort()).toEqual(["ev-gala", "ev-sports", "ev-talk"]);
  });

  it("cancels after confirming, and the place is taken again by registering", async () => {
    const { fake } = await openEvent("ev-reading");
    await click("activity-register");
    await waitFor(() => expect(status().dataset.status).toBe("confirmed"));
    await click("activity-cancel");
    expect(byTestId("activity-cancel-panel").textContent).toContain("确定取消报名吗");
    await click("activity-cancel-no");
    expect(fake.callsOf("event_cancel")).toHaveLength(0);

    await click("activity-cancel");
    await click("activity-cancel-confirm");
    await waitFor(() => expect(status().dataset.status).toBe("cancelled"));
    expect(status().textContent).toBe("已取消");
    expect(byTestId("activity-done").textContent).toBe("已取消报名");
    expect(fake.callsOf("event_cancel")).toEqual([["ev-reading"]]);
    expect(screen.queryByTestId("activity-cancel")).toBeNull();
    expect(screen.queryByTestId("activity-ticket")).toBeNull();
    await click("activity-register");
    await waitFor(() => expect(status().dataset.status).toBe("confirmed"));
  });

  it("a cancel the event's start overtook is refused with the backend's words", async () => {
    const { fake } = await openEvent("ev-reading");
    await click("activity-register");
    await waitFor(() => expect(status().dataset.status).toBe("confirmed"));
    // The page stays open while the event starts.
    event(fake, "ev-reading").body.starts_at = Date.now() - 60_000;
    await click("activity-cancel");
    await click("activity-cancel-confirm");
    await waitFor(() => expect(byTestId("activity-error").textContent).toBe("活动已开始，不能再报名或取消报名"));
    expect(status().dataset.status).toBe("confirmed");
    // Reloaded: no cancel button any more, and why.
    await waitFor(() => expect(screen.queryByTestId("activity-cancel")).toBeNull());
    expect(byTestId("activity-cancel-closed").textContent).toBe("活动已开始，不能再取消报名");
    expect(byTestId("activity-phase").textContent).toBe("进行中");
  });

  it("offline, says registration needs the network and shows the backend's refusal", async () => {
    const { fake } = await openEvent("ev-reading");
    fake.emitStatus({ online: false });
    await waitFor(() => expect(byTestId("activity-offline").textContent).toContain("报名和取消报名需要联网"));
    await click("activity-register");
    await waitFor(() => expect(byTestId("activity-error").textContent).toBe("该操作需要联网（报名名额由服务器统一分配），请连接网络后再试"));
    expect(screen.queryByTestId("activity-status")).toBeNull();
    fake.emitStatus({ online: true });
    await waitFor(() => expect(screen.queryByTestId("activity-offline")).toBeNull());
  });

  it("an event needing approval and a fee says so, and waits for the organisers", async () => {
    await openEvent("ev-craft");
    expect(byTestId("activity-fee").textContent).toBe("30.00 元/人");
    expect(byTestId("activity-fee").dataset.fen).toBe("3000");
    expect(byTestId("activity-approval").textContent).toBe("需组织者审核");
    await click("activity-register");
    await waitFor(() => expect(status().dataset.status).toBe("pending"));
    expect(status().textContent).toBe("待审核");
    expect(byTestId("activity-note").textContent).toBe("报名正在审核，审核通过后即可领取电子票");
    expect(screen.queryByTestId("activity-ticket")).toBeNull();
  });

  it("an event on now where the member is registered: no cancel any more, the ticket and the scan button", async () => {
    const { fake } = await openEvent("ev-talk");
    // On now, registered: no cancel, a scan button, the ticket.
    expect(status().dataset.status).toBe("confirmed");
    expect(byTestId("activity-cancel-closed").textContent).toBe("活动已开始，不能再取消报名");
    expect(screen.queryByTestId("activity-register")).toBeNull();
    expect(byTestId("activity-scan")).toBeTruthy();
    expect(byTestId("activity-ticket")).toBeTruthy();
    expect(fake.callsOf("activity_detail")).toEqual([["ev-talk"]]);
  });
});

describe("member events: in English", () => {
  it("words the backend's Chinese states and the page's facts in English", async () => {
    await openEvent("ev-sports", { locale: "en" });
    expect(byTestId("activity-phase").textContent).toBe("Upcoming");
    expect(byTestId("activity-capacity").textContent).toBe("150 places");
    expect(byTestId("activity-fee").textContent).toBe("Free");
    await click("activity-register");
    await waitFor(() => expect(status().textContent).toBe("Waitlisted"));
    expect(byTestId("activity-done").textContent).toBe("The event is full: you are on the waitlist and move up in order when someone cancels");
  });
});

describe("member events: 扫一扫", () => {
  /** Home → 扫一扫. */
  async function openScan(opts: Parameters<typeof startApp>[0] = {}) {
    const app = await startApp({ scenario: "member", ...opts });
    await click("member-scan");
    await screen.findByTestId("member-scan-page");
    return app;
  }
  const result = () => byTestId("member-scan-result");

  it("checks in with a photo of the venue code: decoded, then sent, and the event shows the check-in", async () => {
    const { fake } = await openScan();
    await pick(qrPng("HJ1:VENUE:ev-talk:IN"));
    await waitFor(() => expect(result().dataset.state).toBe("done"));
    const order = fake.calls.map((c) => c.cmd).filter((c) => c === "decode_qr_image" || c === "member_scan");
    expect(order).toEqual(["decode_qr_image", "member_scan"]);
    expect(fake.callsOf("member_scan")).toEqual([["HJ1:VENUE:ev-talk:IN"]]);
    expect(result().dataset.kind).toBe("checkin");
    expect(result().dataset.direction).toBe("in");
    expect(result().textContent).toContain("签到 · 春季健康讲座：颈肩腰的日常养护");
    expect(byTestId("member-scan-message").textContent).toBe("签到成功");

    await click("member-scan-open");
    await screen.findByTestId("activity");
    const [mine] = screen.getAllByTestId("activity-checkin");
    expect(mine.dataset.direction).toBe("in");
    expect(mine.dataset.state).toBe("done");
    expect(mine.textContent).toContain("扫现场码");

    // The event's page opens 扫一扫 again and comes back to it: now the check-out.
    await click("activity-scan");
    await screen.findByTestId("member-scan-page");
    await pick(qrPng("HJ1:VENUE:ev-talk:OUT"));
    await waitFor(() => expect(byTestId("member-scan-message").textContent).toBe("签退成功"));
    expect(result().dataset.direction).toBe("out");
    await click("page-back");
    await screen.findByTestId("activity");
    await waitFor(() => expect(screen.getAllByTestId("activity-checkin").map((c) => c.dataset.direction).sort()).toEqual(["in", "out"]));
  });

  it("offline, the check-in is kept with the phone's time and sent at the next sync", async () => {
    const { fake } = await openScan({ online: false });
    await pick(qrPng("HJ1:VENUE:ev-talk:IN"));
    await waitFor(() => expect(result().dataset.state).toBe("queued"));
    expect(byTestId("member-scan-message").textContent).toBe("已记录（本机时间），联网后自动提交");
    expect(byTestId("member-scan-at").textContent).toMatch(/^本机记录时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(fake.status.pending).toBe(1);
    expect(fake.acts.queue.filter((q) => q.state === "queued")).toHaveLength(1);

    await click("member-scan-open");
    await screen.findByTestId("activity");
    expect(screen.getAllByTestId("activity-checkin")[0].dataset.state).toBe("queued");
    expect(screen.getAllByTestId("activity-checkin")[0].textContent).toContain("待上传");

    fake.emitStatus({ online: true });
    await fake.sync_now();
    expect(fake.acts.queue).toHaveLength(0);
    const me = fake.info.session!.account.id;
    expect(fake.acts.checkins.filter((c) => c.event_id === "ev-talk" && c.account_id === me).map((c) => [c.direction, c.how])).toEqual([["in", "venue_code"]]);
  });

  it("a code the server refuses says why; a photo without a code says so; neither opens anything", async () => {
    const { fake } = await openScan();
    // 江苏省互联网协会's annual meeting: on now, but the member has no registration there.
    await pick(qrPng("HJ1:VENUE:ev-annual:IN"));
    await waitFor(() => expect(result().dataset.state).toBe("rejected"));
    expect(byTestId("member-scan-message").textContent).toBe("您没有该活动的有效报名，不能签到");
    expect(screen.queryByTestId("member-scan-open")).toBeNull();

    await pick(qrPng(null));
    await waitFor(() => expect(byTestId("member-scan-error").textContent).toBe("图片中没有找到二维码"));
    expect(screen.queryByTestId("member-scan-result")).toBeNull();
    expect(fake.callsOf("member_scan")).toHaveLength(1);

    // Outside the event's time: the phone says so at once.
    await pick(qrPng("HJ1:VENUE:ev-sports:IN"));
    await waitFor(() => expect(byTestId("member-scan-error").textContent).toBe("不在活动签到时间内（开始前2小时至结束后2小时）"));
  });

  it("办事 opens the same pages", async () => {
    await startApp({ scenario: "member" });
    await click("nav-work");
    await click("work-scan");
    await screen.findByTestId("member-scan-page");
    await click("page-back");
    await click("work-activities");
    await screen.findByTestId("member-activities");
    await click("page-back");
    expect(await screen.findByTestId("work-hub")).toBeTruthy();
  });
});
