import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import type { EventBody } from "../../../lib/activities";
import { toLocalInput } from "../../../lib/activities";
import type { FakeBackend } from "../../../lib/fake";
import { byTestId, startApp } from "../../../test/util";
import { LIVE } from "./actAdmin";

const click = (id: string) => fireEvent.click(byTestId(id));
const type = (id: string, value: string) => fireEvent.input(byTestId(id), { target: { value } });
const pick = (id: string, value: string) => fireEvent.change(byTestId(id), { target: { value } });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const text = (id: string) => byTestId(id).textContent!.trim();

const rows = () => screen.queryAllByTestId("event-row");
const regRows = () => screen.queryAllByTestId("reg-row");
const attRows = () => screen.queryAllByTestId("attendance-row");
const counts = () => ({
  registered: text("attendance-registered"),
  checkedIn: text("attendance-checked-in"),
  inside: text("attendance-inside"),
  left: text("attendance-left"),
});

afterEach(() => {
  LIVE.ms = 5_000;
});

/** 周文斌, secretary of 江苏省互联网协会, on 活动管理. */
async function openDesk(opts: Parameters<typeof startApp>[0] = {}) {
  const app = await startApp({ scenario: "secretary", ...opts });
  await click("nav-activities-admin");
  await screen.findByTestId("activities-admin");
  await waitFor(() => expect(rows().length).toBeGreaterThan(0));
  return app;
}

async function openEvent(id: string) {
  const row = rows().find((r) => r.dataset.eventId === id)!;
  await fireEvent.click(within(row).getByTestId("event-open"));
  return screen.findByTestId("event-detail");
}

/** A week ahead at h:m, as a datetime-local input holds it. */
function ahead(days: number, h: number, m = 0): string {
  const d = new Date(Date.now() + days * 86_400_000);
  d.setHours(h, m, 0, 0);
  return toLocalInput(d.getTime());
}

const fromInput = (s: string) => new Date(s).getTime();

describe("活动管理: the desk and its events", () => {
  it("is a secretary's navigation item listing the events they manage, with their phase", async () => {
    const { fake } = await startApp({ scenario: "secretary" });
    expect(byTestId("nav-activities-admin").textContent).toContain("活动管理");
    await click("nav-activities-admin");
    await screen.findByTestId("activities-admin");
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("活动管理");
    expect(["events", "surveys", "lotteries"].map((id) => text(`act-tab-${id}`))).toEqual(["活动", "问卷投票", "抽奖"]);
    expect(byTestId("act-tab-events").getAttribute("aria-selected")).toBe("true");
    await waitFor(() => expect(rows()).toHaveLength(3));
    // Only 江苏省互联网协会's: the union's events are not 周文斌's to manage.
    expect(rows().map((r) => r.dataset.eventId).sort()).toEqual(["ev-annual", "ev-salon", "ev-training"]);
    const annual = rows().find((r) => r.dataset.eventId === "ev-annual")!;
    expect(annual.dataset.phase).toBe("ongoing");
    expect(within(annual).getByTestId("event-phase").textContent).toBe("进行中");
    expect(annual.textContent).toContain("南京金陵饭店世纪厅");
    expect(annual.textContent).toContain("限300人");
    const salon = rows().find((r) => r.dataset.eventId === "ev-salon")!;
    expect(salon.textContent).toContain("公开报名 · 需审核");
    expect(rows().find((r) => r.dataset.eventId === "ev-training")!.textContent).toContain("无需报名");
    expect(fake.callsOf("activity_units")).toHaveLength(1);

    await pick("events-phase", "ongoing");
    expect(rows().map((r) => r.dataset.eventId)).toEqual(["ev-annual"]);
    await pick("events-phase", "");
    await type("events-q", "沙龙");
    expect(rows().map((r) => r.dataset.eventId)).toEqual(["ev-salon"]);
  });

  it("checks a new event as the domain does, in Chinese, before asking the server", async () => {
    const { fake } = await openDesk();
    await click("event-new");
    await screen.findByTestId("event-form");
    // The caller's own association first.
    expect(byTestId<HTMLSelectElement>("event-form-unit").value).toBe("n-jsia");
    await type("event-form-title", "   ");
    await type("event-form-start", ahead(10, 14));
    await type("event-form-end", ahead(10, 13));
    await type("event-form-capacity", "0");
    await type("event-form-deadline", ahead(11, 9));
    await type("event-form-fee", "12.345");
    await click("event-save");
    expect(text("event-form-error")).toBe("请按提示修改标红的内容");
    expect(text("event-form-title-error")).toBe("活动标题应为1到100个字符");
    expect(text("event-form-end-error")).toBe("结束时间应晚于开始时间");
    expect(text("event-form-capacity-error")).toBe("名额应为1到100000人，不限名额请留空");
    expect(text("event-form-deadline-error")).toBe("报名截止时间不能晚于活动开始");
    expect(text("event-form-fee-error")).toBe("费用应在0.01元到100万元之间，免费请留空");
    expect(byTestId("event-form-title").getAttribute("aria-invalid")).toBe("true");
    expect(byTestId("event-form-place").getAttribute("aria-invalid")).toBeNull();
    expect(fake.callsOf("event_save")).toHaveLength(0);

    // Places over the limit are still wrong; blank is no limit.
    await type("event-form-capacity", "100001");
    await click("event-save");
    expect(screen.queryByTestId("event-form-capacity-error")).not.toBeNull();
    await type("event-form-capacity", "");
    await type("event-form-title", "会员单位数据合规交流会");
    await type("event-form-end", ahead(10, 17));
    await type("event-form-deadline", "");
    await type("event-form-fee", "");
    await click("event-save");
    await waitFor(() => expect(fake.callsOf("event_save")).toHaveLength(1));
    expect((fake.callsOf("event_save")[0][2] as EventBody).capacity).toBeNull();
    expect((fake.callsOf("event_save")[0][2] as EventBody).fee_fen).toBeNull();
  });

  it("publishes an event with places, a deadline, approval and a fee in fen, then opens it", async () => {
    const { fake } = await openDesk();
    await click("event-new");
    await type("event-form-title", "  2026数据安全合规培训 ");
    await type("event-form-place", "协会培训中心");
    await type("event-form-description", "讲解数据出境与个人信息保护合规要点。");
    const start = ahead(12, 9);
    const end = ahead(12, 11, 30);
    const deadline = ahead(10, 18);
    await type("event-form-start", start);
    await type("event-form-end", end);
    await type("event-form-capacity", "30");
    await type("event-form-deadline", deadline);
    await pick("event-form-audience", "open");
    await type("event-form-fee", "50");
    await fireEvent.click(byTestId("event-form-approval"));
    await fireEvent.click(byTestId("event-form-reentry"));
    await click("event-save");
    await waitFor(() => expect(fake.callsOf("event_save")).toHaveLength(1));
    expect(fake.callsOf("event_save")[0]).toEqual([
      null,
      "n-jsia",
      {
        title: "2026数据安全合规培训",
        place: "协会培训中心",
        description: "讲解数据出境与个人信息保护合规要点。",
        starts_at: fromInput(start),
        ends_at: fromInput(end),
        reentry_allowed: false,
        registration: true,
        capacity: 30,
        registration_deadline: fromInput(deadline),
        audience: "open",
        approval_required: true,
        fee_fen: 5000,
        cancelled: false,
      },
    ]);
    await screen.findByTestId("event-detail");
    expect(text("event-notice")).toBe("已发布活动“2026数据安全合规培训”");
    expect(text("event-detail-title")).toBe("2026数据安全合规培训");
    expect(text("event-detail-registration")).toMatch(/^限30人 · 公开报名 · 需审核 · 费用¥50\.00 · \d{4}-\d\d-\d\d 18:00截止报名$/);
    // A new event has nobody yet.
    await waitFor(() => expect(text("reg-empty")).toBe("暂无报名"));
    await click("event-back");
    await waitFor(() => expect(rows()).toHaveLength(4));
  });

  it("without registration the form asks for no places, and an edit keeps the unit and sends the id", async () => {
    const { fake } = await openDesk();
    await openEvent("ev-training");
    // No registration: attendance first, no registrations part.
    expect(screen.queryByTestId("event-part-registrations")).toBeNull();
    await click("event-edit");
    await screen.findByTestId("event-form");
    expect(byTestId<HTMLInputElement>("event-form-title").value).toBe("网络安全等级保护培训（第二期）");
    expect(byTestId<HTMLInputElement>("event-form-registration").checked).toBe(false);
    expect(screen.queryByTestId("event-form-capacity")).toBeNull();
    expect(byTestId<HTMLSelectElement>("event-form-unit").disabled).toBe(true);
    await type("event-form-place", "江苏省互联网协会培训中心二楼");
    await click("event-save");
    await waitFor(() => expect(fake.callsOf("event_save")).toHaveLength(1));
    const [id, node, body] = fake.callsOf("event_save")[0] as [string, string, EventBody];
    expect([id, node]).toEqual(["ev-training", "n-jsia"]);
    expect(body).toMatchObject({ registration: false, capacity: null, fee_fen: null, approval_required: false, place: "江苏省互联网协会培训中心二楼" });
    expect((await screen.findByTestId("event-notice")).textContent).toBe("已保存活动“网络安全等级保护培训（第二期）”");
  });

  it("shows the server's refusal as it words it", async () => {
    const { fake } = await openDesk({ online: false });
    await click("event-new");
    await type("event-form-title", "离线时发布的活动");
    await click("event-save");
    expect((await screen.findByTestId("event-form-error")).textContent).toBe("该操作需要联网（报名名额由服务器统一分配），请连接网络后再试");
    expect(fake.callsOf("event_save")).toHaveLength(1);
    expect(screen.getByTestId("event-form")).toBeTruthy();
  });
});

describe("活动管理: registrations", () => {
  async function openSalon() {
    const app = await openDesk();
    await openEvent("ev-salon");
    await waitFor(() => expect(regRows()).toHaveLength(4));
    return app;
  }

  it("opens on the registrations awaiting approval", async () => {
    const { fake } = await openSalon();
    expect(fake.callsOf("event_registrations")).toEqual([["ev-salon"]]);
    expect(byTestId("reg-filter-pending").getAttribute("aria-pressed")).toBe("true");
    expect(regRows().every((r) => r.dataset.status === "pending")).toBe(true);
    expect(text("reg-count-pending")).toBe("4");
    expect(text("reg-count-confirmed")).toBe("36");
    expect(text("reg-count-rejected")).toBe("1");
    // Names are masked by the server.
    expect(regRows().every((r) => r.textContent!.includes("*"))).toBe(true);
    await click("reg-filter-rejected");
    expect(regRows()).toHaveLength(1);
    expect(within(regRows()[0]).getByTestId("reg-note").textContent).toBe("非会员单位且未提供参会单位信息");
    expect(within(regRows()[0]).queryByTestId("reg-approve")).toBeNull();
  });

  it("approves: the registration takes a place", async () => {
    const { fake } = await openSalon();
    const id = regRows()[0].dataset.regId!;
    await fireEvent.click(within(regRows()[0]).getByTestId("reg-approve"));
    await waitFor(() => expect(text("reg-count-pending")).toBe("3"));
    expect(fake.callsOf("registration_decide")).toEqual([[id, true, null]]);
    expect(text("reg-count-confirmed")).toBe("37");
    expect(text("reg-notice")).toMatch(/^已通过 .\*+ 的报名$/);
    expect(fake.acts.regs.find((r) => r.id === id)!.status).toBe("confirmed");
    await click("reg-filter-confirmed");
    expect(regRows().some((r) => r.dataset.regId === id)).toBe(true);
  });

  it("refuses only with a reason, which is kept and shown", async () => {
    const { fake } = await openSalon();
    const row = regRows()[1];
    const id = row.dataset.regId!;
    await fireEvent.click(within(row).getByTestId("reg-refuse"));
    await screen.findByTestId("refuse-panel");
    await click("refuse-submit");
    expect(text("refuse-error")).toBe("请填写不通过的原因");
    await type("refuse-reason", "    ");
    await click("refuse-submit");
    expect(text("refuse-error")).toBe("请填写不通过的原因");
    expect(fake.callsOf("registration_decide")).toHaveLength(0);

    await type("refuse-reason", "  本期仅限会员单位参加  ");
    await click("refuse-submit");
    await waitFor(() => expect(screen.queryByTestId("refuse-panel")).toBeNull());
    expect(fake.callsOf("registration_decide")).toEqual([[id, false, "本期仅限会员单位参加"]]);
    expect(text("reg-count-rejected")).toBe("2");
    await click("reg-filter-rejected");
    const refused = regRows().find((r) => r.dataset.regId === id)!;
    expect(within(refused).getByTestId("reg-status").textContent).toBe("未通过");
    expect(within(refused).getByTestId("reg-note").textContent).toBe("本期仅限会员单位参加");
  });

  it("says what the server said when a decision is refused", async () => {
    const { fake } = await openSalon();
    fake.failNext("registration_decide", "RegistrationNotPending", "只有待审核的报名可以审核");
    await fireEvent.click(within(regRows()[0]).getByTestId("reg-approve"));
    expect((await screen.findByTestId("reg-error")).textContent).toBe("只有待审核的报名可以审核");
    expect(text("reg-count-pending")).toBe("4");
  });
});

describe("活动管理: attendance, live", () => {
  async function openAnnual() {
    await openEvent("ev-annual");
    await waitFor(() => expect(counts().checkedIn).not.toBe("—"));
  }

  /** A confirmed registration of the annual meeting that has not come yet. */
  const absentee = (fake: FakeBackend) => {
    const seen = new Set(fake.acts.checkins.filter((c) => c.event_id === "ev-annual").map((c) => c.ticket_id));
    return fake.acts.regs.find((r) => r.event_id === "ev-annual" && r.status === "confirmed" && !seen.has(r.ticket_id))!;
  };

  it("counts registered, checked in, inside and left, and lists who and how", async () => {
    const { fake } = await openDesk();
    await openAnnual();
    // An event on now opens on its attendance.
    expect(byTestId("event-part-attendance").getAttribute("aria-selected")).toBe("true");
    expect(counts()).toEqual({ registered: "181", checkedIn: "142", inside: "124", left: "18" });
    expect(byTestId("attendance-counts").textContent).toContain("另有候补 6 人");
    expect(fake.callsOf("event_report")).toEqual([["ev-annual"]]);
    // 142 came and 39 have not: 50 a page.
    expect(text("att-total")).toContain("181");
    expect(attRows()).toHaveLength(50);
    await click("att-filter-inside");
    expect(attRows()).toHaveLength(50);
    const hows = new Set(attRows().map((r) => r.dataset.how));
    expect([...hows].sort()).toEqual(["staff", "venue_code"]);
    const byScan = attRows().find((r) => r.dataset.how === "venue_code")!;
    expect(byScan.textContent).toContain("扫场地码");
    expect(byScan.textContent).toContain("在场");
    expect(attRows().find((r) => r.dataset.how === "staff")!.textContent).toContain("工作人员扫票");
    await click("att-filter-left");
    expect(attRows()).toHaveLength(18);
    expect(attRows().every((r) => r.textContent!.includes("已离场"))).toBe(true);
    await click("att-filter-absent");
    expect(attRows()).toHaveLength(39);
    expect(attRows().every((r) => r.dataset.state === "absent" && r.textContent!.includes("未到"))).toBe(true);
  });

  it("checks someone in by hand only with a reason; the counts follow", async () => {
    const { fake } = await openDesk();
    await openAnnual();
    await click("att-filter-absent");
    const row = attRows()[0];
    const ticket = row.dataset.ticket!;
    const button = within(row).getByTestId("attendance-manual");
    expect(button.dataset.direction).toBe("in");
    await fireEvent.click(button);
    await click("manual-submit");
    expect(text("manual-reason-error")).toBe("请填写补签原因");
    expect(fake.callsOf("event_manual_checkin")).toHaveLength(0);

    await type("manual-reason", "手机没电，已核对身份证");
    await click("manual-submit");
    await waitFor(() => expect(counts().checkedIn).toBe("143"));
    expect(counts()).toEqual({ registered: "181", checkedIn: "143", inside: "125", left: "18" });
    expect(fake.callsOf("event_manual_checkin")).toEqual([["ev-annual", ticket, "in", "手机没电，已核对身份证"]]);
    expect(text("manual-notice")).toMatch(/^已为 .\*+ 补签到$/);
    const mine = fake.acts.checkins.find((c) => c.ticket_id === ticket && c.how === "manual")!;
    expect(mine.direction).toBe("in");

    // Someone inside is checked out by hand.
    await click("att-filter-inside");
    const inside = attRows()[0];
    await fireEvent.click(within(inside).getByTestId("attendance-manual"));
    expect(byTestId("manual-panel").dataset.direction).toBe("out");
    await type("manual-reason", "提前离场，未扫签退码");
    await click("manual-submit");
    await waitFor(() => expect(counts().left).toBe("19"));
    expect(fake.callsOf("event_manual_checkin")[1]).toEqual(["ev-annual", inside.dataset.ticket, "out", "提前离场，未扫签退码"]);
  });

  it("refreshes by itself while the event is on, by 刷新, and after a sync", async () => {
    LIVE.ms = 40;
    const { fake } = await openDesk();
    await openAnnual();
    const who = absentee(fake);
    fake.acts.checkins.push({
      id: "ck-live",
      event_id: "ev-annual",
      ticket_id: who.ticket_id,
      account_id: who.account_id,
      name: "王*",
      direction: "in",
      at: Date.now(),
      how: "venue_code",
    });
    // Nobody pressed anything: the poll brings the new check-in.
    await waitFor(() => expect(counts().inside).toBe("125"));
    expect(counts().checkedIn).toBe("143");

    LIVE.ms = 60_000;
    // Leave and come back so the slow poll applies.
    await click("event-part-code");
    await click("event-part-attendance");
    await waitFor(() => expect(counts().inside).toBe("125"));
    fake.acts.checkins.push({ ...fake.acts.checkins.at(-1)!, id: "ck-live-out", direction: "out", at: Date.now() + 1 });
    const before = fake.callsOf("event_report").length;
    await pause(80);
    expect(fake.callsOf("event_report")).toHaveLength(before);
    await click("attendance-refresh");
    await waitFor(() => expect(counts().left).toBe("19"));

    const reports = fake.callsOf("event_report").length;
    await click("sync-now");
    await waitFor(() => expect(fake.callsOf("event_report").length).toBeGreaterThan(reports));
  });

  it("outside its check-in window an event is not polled", async () => {
    LIVE.ms = 30;
    const { fake } = await openDesk();
    await openEvent("ev-salon");
    await click("event-part-attendance");
    await waitFor(() => expect(counts().registered).toBe("36"));
    const n = fake.callsOf("event_report").length;
    await pause(120);
    // The salon is two weeks away: outside its check-in window nothing changes.
    expect(fake.callsOf("event_report")).toHaveLength(n);
  });

  it("exports the attendance as XLSX and opens the saved file; offline it says it needs the network", async () => {
    const { fake } = await openDesk();
    await openAnnual();
    await click("attendance-export");
    const saved = await screen.findByTestId("attendance-export-saved");
    expect(saved.dataset.path).toMatch(/\/签到记录-江苏省互联网协会2026年会员大会暨年会\.xlsx$/);
    expect(saved.textContent).toContain(saved.dataset.path!);
    expect(fake.callsOf("event_report_export")).toEqual([["ev-annual"]]);
    await click("attendance-export-saved-open");
    await waitFor(() => expect(fake.opened).toEqual([saved.dataset.path]));

    fake.emitStatus({ online: false });
    await click("attendance-export");
    expect((await screen.findByTestId("attendance-export-error")).textContent).toBe("该操作需要联网（报名名额由服务器统一分配），请连接网络后再试");
    expect(screen.queryByTestId("attendance-export-saved")).toBeNull();
  });
});

describe("活动管理: venue codes", () => {
  it("shows the signed check-in code as SVG with its text, the check-out code, and saves posters", async () => {
    const { fake } = await openDesk();
    await openEvent("ev-annual");
    await click("event-part-code");
    const svg = await screen.findByTestId("venue-code-svg");
    expect(svg.querySelector("svg")).not.toBeNull();
    expect(svg.dataset.codeText).toBe("HJ1:VENUE:ev-annual:IN");
    expect(byTestId("venue-code-card").textContent).toContain("江苏省互联网协会2026年会员大会暨年会 · 签到码");
    expect(fake.callsOf("event_venue_code")).toEqual([["ev-annual", "in"]]);

    await click("venue-poster");
    const poster = await screen.findByTestId("venue-poster-saved");
    expect(poster.dataset.path).toMatch(/\/签到码-江苏省互联网协会2026年会员大会暨年会\.pdf$/);
    expect(fake.callsOf("event_venue_poster")).toEqual([["ev-annual", "in"]]);

    await click("venue-direction-out");
    await waitFor(() => expect(byTestId("venue-code-svg").dataset.codeText).toBe("HJ1:VENUE:ev-annual:OUT"));
    expect(fake.callsOf("event_venue_code").at(-1)).toEqual(["ev-annual", "out"]);
    await click("venue-poster");
    await waitFor(() => expect(byTestId("venue-poster-saved").dataset.path).toMatch(/\/签退码-.+\.pdf$/));
    expect(fake.callsOf("event_venue_poster").at(-1)).toEqual(["ev-annual", "out"]);
  });

  it("offline the code cannot be fetched, and says so", async () => {
    await openDesk({ online: false });
    await openEvent("ev-annual");
    await click("event-part-code");
    expect((await screen.findByTestId("venue-code-error")).textContent).toBe("该操作需要联网（报名名额由服务器统一分配），请连接网络后再试");
    expect(screen.queryByTestId("venue-code-svg")).toBeNull();
  });
});

describe("活动管理 in English", () => {
  it("renders the desk, the form's checks and the attendance in English", async () => {
    await openDesk({ locale: "en" });
    expect(byTestId("nav-activities-admin").textContent).toContain("Events");
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Events and activities");
    const annual = rows().find((r) => r.dataset.eventId === "ev-annual")!;
    expect(within(annual).getByTestId("event-phase").textContent).toBe("On now");
    await click("event-new");
    await type("event-form-title", "");
    await click("event-save");
    expect(text("event-form-title-error")).toBe("The title must be 1 to 100 characters");
    await click("event-form-cancel");
    await openEvent("ev-annual");
    await waitFor(() => expect(counts().inside).toBe("124"));
    expect(byTestId("attendance-counts").textContent).toContain("Inside now");
  });
});
