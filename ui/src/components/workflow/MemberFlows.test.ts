import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { byTestId, startApp } from "../../test/util";

const click = (id: string) => fireEvent.click(byTestId(id));
const type = (id: string, value: string) => fireEvent.input(byTestId(id), { target: { value } });
const year = String(new Date().getFullYear());

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

function pick(files: File[]) {
  return fireEvent.change(byTestId("form-file"), { target: { files } });
}

async function member() {
  const app = await startApp({ scenario: "member" });
  await waitFor(() => expect(byTestId("nav-inbox-badge").textContent).toBe("1"));
  return app;
}

describe("member: inbox, decision and resubmission", () => {
  it("opens the sent-back request from the inbox, shows the reason, and resubmits the edited form", async () => {
    const { fake } = await member();
    await click("nav-inbox");
    const unread = (await screen.findAllByTestId("notification")).find((n) => n.dataset.read === "false")!;
    expect(unread.textContent).toContain("职务申请被退回修改");
    await fireEvent.click(unread.querySelector("[data-testid=notification-open]")!);

    expect((await screen.findByTestId("detail-decision")).dataset.state).toBe("returned");
    expect(byTestId("detail-reason").textContent).toContain("请上传加盖学院公章的职务申请书");
    expect(fake.callsOf("notification_read")).toHaveLength(1);
    await waitFor(() => expect(screen.queryByTestId("nav-inbox-badge")).toBeNull());

    await click("resubmit");
    expect(byTestId<HTMLInputElement>("resubmit-position").value).toBe("工会小组长");
    await type("resubmit-position", "工会小组副组长");
    await pick([new File([new Uint8Array(PNG)], "职务申请书.png", { type: "image/png" })]);
    await screen.findByTestId("attachment-item");
    await click("resubmit-submit");
    await waitFor(() => expect(byTestId("detail-state").dataset.state).toBe("submitted"));
    const [, action] = fake.callsOf("request_act")[0] as [string, { action: string; form: unknown; attachments: unknown[] }];
    expect(action.action).toBe("resubmit");
    expect(action.form).toEqual({ unit_id: "n-njmu", position: "工会小组副组长", company: "南京医科大学基础医学院" });
    expect(action.attachments).toHaveLength(1);
    expect(screen.queryByTestId("detail-decision")).toBeNull();
  });
});

describe("member: 我的会籍", () => {
  it("shows each membership with its status and history, and the dues orders", async () => {
    await member();
    await click("home-open-memberships");
    await screen.findByTestId("my-memberships");
    const cards = await screen.findAllByTestId("membership-card");
    expect(cards.map((c) => `${c.dataset.unit}:${c.dataset.status}`)).toEqual(["南京医科大学工会:current", "南京大学工会:ended"]);
    expect(cards[0].querySelector("[data-testid=membership-status]")!.textContent).toBe("有效");
    expect(cards[1].querySelector("[data-testid=membership-status]")!.textContent).toBe("已终止");
    await fireEvent.click(cards[0].querySelector("[data-testid=membership-history-toggle]")!);
    expect(byTestId("membership-history").textContent).toContain("转入：由南京大学工会转入");
    const dues = screen.getAllByTestId("dues-order");
    expect(dues[0].textContent).toContain("¥240.00");
    expect(dues[0].textContent).toContain("待缴");
    expect(dues[1].dataset.status).toBe("paid");
  });
});

describe("member: 职务申请 and 退会申请", () => {
  it("checks the letter's size and type before uploading, then submits with it", async () => {
    const { fake } = await member();
    await click("nav-work");
    await click("position-start");
    await screen.findByTestId("form-unit");
    await pick([new File([new Uint8Array(5 * 1024 * 1024 + 1)], "big.pdf", { type: "application/pdf" })]);
    expect(byTestId("form-file-error").textContent).toBe("big.pdf：附件不能超过5MB");
    await pick([new File(["<html>not a letter</html>"], "letter.pdf", { type: "application/pdf" })]);
    expect((await screen.findByTestId("form-file-error")).textContent).toBe("letter.pdf：附件只能是PDF或图片（JPEG、PNG、WebP）");
    expect(fake.callsOf("attachment_upload")).toHaveLength(0);
    await pick([new File([new Uint8Array(PNG)], "letter.png", { type: "image/png" })]);
    expect((await screen.findByTestId("attachment-item")).textContent).toContain("letter.png");
    expect(screen.queryByTestId("form-file-error")).toBeNull();

    await click("form-submit");
    expect(byTestId("form-position-error").textContent).toBe("请填写申请的职务");
    await type("form-position", "工会委员");
    await type("form-referrer-name", "张靖");
    await click("form-submit");
    expect(byTestId("form-referrer-phone-error").textContent).toBe("推荐人姓名和手机号应同时填写");
    await type("form-referrer-phone", "13900000001");
    await click("form-submit");
    await screen.findByTestId("form-done");
    const [kind, form, attachments, code] = fake.callsOf("request_submit")[0] as [string, unknown, Array<{ name: string; mime: string }>, unknown];
    expect(kind).toBe("position");
    expect(form).toEqual({ unit_id: "n-njmu", position: "工会委员", referrer_name: "张靖", referrer_phone: "13900000001" });
    expect(attachments.map((a) => [a.name, a.mime])).toEqual([["letter.png", "image/png"]]);
    expect(code).toBeNull();
  });

  it("a withdrawal needs a reason; the applicant may withdraw it before any decision", async () => {
    const { fake } = await member();
    await click("nav-work");
    await click("withdrawal-start");
    await screen.findByTestId("form-unit");
    await click("form-submit");
    expect(byTestId("form-reason-error").textContent).toBe("请填写退会原因");
    await type("form-reason", "退休");
    await click("form-submit");
    await screen.findByTestId("form-done");
    await click("form-view");
    await screen.findByTestId("withdraw");
    await click("withdraw");
    await click("confirm-withdraw");
    await waitFor(() => expect(byTestId("detail-state").dataset.state).toBe("withdrawn"));
    expect(fake.callsOf("request_act")[0][1]).toEqual({ action: "withdraw" });
    expect(screen.queryByTestId("withdraw")).toBeNull();
  });
});

describe("member: 办事大厅", () => {
  it("makes the form from the service's fields and checks them", async () => {
    const { fake } = await member();
    await click("nav-work");
    const item = (await screen.findAllByTestId("service-item")).find((s) => s.textContent!.includes("网站变更申请"))!;
    await fireEvent.click(item);
    await screen.findByTestId("service-form");
    await click("service-submit");
    expect(byTestId("service-field-site_name-error").textContent).toBe("请填写网站名称");
    expect(byTestId("service-field-change-error").textContent).toBe("请选择变更类型");
    await type("service-field-site_name", "基础医学院网站");
    await type("service-field-site_url", "jcyxy.njmu.edu.cn");
    await fireEvent.change(byTestId("service-field-change"), { target: { value: "栏目调整" } });
    await type("service-field-detail", "新增“党建工作”栏目");
    await type("service-field-planned_on", "2026-05-01");
    await type("service-field-phone", "13800000001");
    await click("service-submit");
    expect(byTestId("service-field-site_url-error").textContent).toBe("网址应以 http:// 或 https:// 开头");
    await type("service-field-site_url", "https://jcyxy.njmu.edu.cn");
    await click("service-submit");
    await screen.findByTestId("form-done");
    expect(fake.callsOf("request_submit")[0].slice(0, 2)).toEqual([
      "service",
      {
        service_id: "svc-web",
        values: {
          site_name: "基础医学院网站",
          site_url: "https://jcyxy.njmu.edu.cn",
          change: "栏目调整",
          detail: "新增“党建工作”栏目",
          planned_on: "2026-05-01",
          phone: "13800000001",
        },
      },
    ]);
  });
});

async function logout() {
  await click("nav-profile");
  await click("logout");
  await screen.findByTestId("login-screen");
}

async function login(phone: string, home: string) {
  await click("tab-password");
  await type("password-phone", phone);
  await type("password-password", "Huiji2026");
  await click("login-submit");
  await screen.findByTestId(home);
}

describe("the whole flow on the fake backend", () => {
  it("a member applies to join, the unit's secretary approves with a dues order, the member sees both", async () => {
    const { fake } = await member();
    await click("nav-work");
    await click("join-start");
    await fireEvent.click(screen.getAllByTestId("join-category")[0]);
    await type("unit-search", "南京大学");
    const hit = await screen.findByText("南京大学工会");
    await fireEvent.click(hit.closest("button")!);
    await click("join-send-code");
    await screen.findByTestId("join-dev-code");
    await type("join-code", "123456");
    await click("join-submit");
    await click("agree-submit");
    await screen.findByTestId("join-done");
    await logout();

    // 李明华, secretary of 南京大学工会.
    await login("13900000002", "home-secretary");
    await waitFor(() => expect(byTestId("count-pending").textContent).toContain("1"));
    await click("count-pending");
    const row = await screen.findByTestId("queue-row");
    expect(row.textContent).toContain("欧阳娜娜");
    await fireEvent.click(row.querySelector("[data-testid=queue-open]")!);
    await screen.findByTestId("approve");
    await click("approve");
    await click("bill-toggle");
    await type("bill-amount", "240");
    await click("confirm-approve");
    await waitFor(() => expect(byTestId("detail-state").dataset.state).toBe("approved"));
    await logout();

    await login("13800000001", "home-member");
    await click("home-open-memberships");
    const cards = await screen.findAllByTestId("membership-card");
    const nju = cards.find((c) => c.dataset.unit === "南京大学工会" && c.dataset.status === "current")!;
    expect(nju.textContent).toContain(`${year}-12-31`);
    const order = screen.getAllByTestId("dues-order").find((d) => d.textContent!.includes("南京大学工会"))!;
    expect(order.dataset.fen).toBe("24000");
    expect(order.textContent).toContain("待缴");
    await click("nav-inbox");
    expect((await screen.findAllByTestId("notification"))[0].textContent).toContain("入会申请已通过");
    expect(fake.wf.dues.some((d) => d.unit_name === "南京大学工会" && d.amount_fen === 24000)).toBe(true);
  });

  it("a transfer ends the first membership when both units approve; the history stays", async () => {
    const { fake } = await startApp({ scenario: "member" });
    await click("nav-work");
    await click("transfer-start");
    await fireEvent.click((await screen.findAllByTestId("join-category"))[0]);
    await type("unit-search", "东南");
    await fireEvent.click((await screen.findByText("东南大学工会")).closest("button")!);
    await click("join-send-code");
    await screen.findByTestId("join-dev-code");
    await type("join-code", "123456");
    await click("join-submit");
    await click("agree-submit");
    const done = await screen.findByTestId("join-done");
    expect(done.dataset.local).toBe("synced");
    const id = fake.wf.held[0].id;
    // 张靖 lets the member go; 东南大学工会 has no secretary, so the system admin decides.
    const body = () => fake.wf.held[0].server!.body;
    expect(body().steps.map((s) => s.approvers.map((p) => p.name).join())).toEqual(["张靖", "王立新"]);
    fake.wf.decideElsewhere(id, { id: body().steps[0].approvers[0].id, name: "张靖" }, { action: "approve", comment: null, bill: null });
    fake.wf.decideElsewhere(id, { id: body().steps[1].approvers[0].id, name: "王立新" }, { action: "approve", comment: null, bill: null });
    await click("join-finish");
    await click("open-memberships");
    const cards = await screen.findAllByTestId("membership-card");
    expect(cards.map((c) => `${c.dataset.unit}:${c.dataset.status}`)).toEqual([
      "东南大学工会:current",
      "南京医科大学工会:ended",
      "南京大学工会:ended",
    ]);
    await fireEvent.click(cards[1].querySelector("[data-testid=membership-history-toggle]")!);
    expect(byTestId("membership-history").textContent).toContain("转出：转入东南大学工会");
  });
});
