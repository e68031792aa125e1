import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { FakeBackend } from "../../lib/fake";
import { P } from "../../lib/fakeWorkflowData";
import { byTestId, startApp } from "../../test/util";

const click = (id: string) => fireEvent.click(byTestId(id));
const type = (id: string, value: string) => fireEvent.input(byTestId(id), { target: { value } });
const year = String(new Date().getFullYear());

/** The secretary's queue with the request whose title or applicant contains `who` open. */
async function openRequest(who: string, opts: Parameters<typeof startApp>[0] = {}) {
  const app = await startApp({ scenario: "secretary", ...opts });
  await click("nav-queue");
  await waitFor(() => expect(screen.getAllByTestId("queue-row").length).toBeGreaterThan(0));
  const row = screen.getAllByTestId("queue-row").find((r) => r.textContent!.includes(who))!;
  await fireEvent.click(row.querySelector("[data-testid=queue-open]")!);
  await screen.findByTestId("detail-title");
  return { ...app, id: row.dataset.id! };
}

const acts = (fake: FakeBackend) => fake.callsOf("request_act");

describe("request detail: the secretary decides", () => {
  it("shows the form by kind with Chinese labels, the PDF to open and the SMS check", async () => {
    await openRequest("钱文涛");
    const form = byTestId("detail-form");
    const row = (key: string) => {
      const r = form.querySelector(`[data-key=${key}]`)!;
      return `${r.querySelector("dt")!.textContent!.trim()}=${r.querySelector("dd")!.textContent!.trim()}`;
    };
    expect(row("category")).toBe("会员类型=企业职工");
    expect(row("unit")).toBe("所在单位=江苏省互联网协会");
    expect(row("company")).toBe("所在企业=江苏数智科技有限公司");
    expect(row("referrer_phone")).toBe("推荐人手机号=13905141234");
    expect(row("agreed")).toBe("入会申请书=已阅读并同意");
    expect(byTestId("sms-flag").dataset.verified).toBe("true");
    const file = byTestId("attachment");
    expect(file.dataset.mime).toBe("application/pdf");
    expect(file.textContent).toContain("入会申请书.pdf");
    expect(byTestId("attachment-open")).toBeTruthy();
    expect(screen.getAllByTestId("log-entry")[0].textContent).toContain("钱文涛");
    expect(screen.getAllByTestId("step")[0].textContent).toContain("或签");
  });

  it("previews an image letter inline, fetched from the attachment store", async () => {
    const { fake } = await openRequest("江苏测试网络科技有限公司");
    const img = (await screen.findByTestId("attachment-preview")) as HTMLImageElement;
    expect(img.src).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(fake.callsOf("attachment_fetch")).toHaveLength(1);
  });

  it("marks an application made offline as not SMS-verified", async () => {
    await openRequest("孙佳琪");
    expect(byTestId("sms-flag").dataset.verified).toBe("false");
    expect(byTestId("sms-flag").textContent).toContain("未经短信验证");
  });

  it("approves a join with a dues order of 240 yuan = 24000 fen for this year", async () => {
    const { fake, id } = await openRequest("钱文涛");
    await click("approve");
    await click("bill-toggle");
    expect(byTestId<HTMLInputElement>("bill-period").value).toBe(year);
    await type("bill-amount", "240");
    expect(byTestId("bill-preview").dataset.fen).toBe("24000");
    await click("confirm-approve");
    await waitFor(() => expect(acts(fake)).toHaveLength(1));
    expect(acts(fake)[0]).toEqual([id, { action: "approve", comment: null, bill: { amount_fen: 24000, period: year } }]);
    expect((await screen.findByTestId("detail-state")).dataset.state).toBe("approved");
    expect(byTestId("detail-bill").textContent).toContain("¥240.00");
    expect(screen.queryByTestId("approve")).toBeNull();
  });

  it("reads 240.5 yuan as 24050 fen", async () => {
    const { fake } = await openRequest("钱文涛");
    await click("approve");
    await click("bill-toggle");
    await type("bill-amount", "240.5");
    expect(byTestId("bill-preview").textContent).toContain("¥240.50");
    await click("confirm-approve");
    await waitFor(() => expect(acts(fake)).toHaveLength(1));
    expect((acts(fake)[0][1] as { bill: unknown }).bill).toEqual({ amount_fen: 24050, period: year });
  });

  it("refuses an amount that is not money and sends nothing", async () => {
    const { fake } = await openRequest("钱文涛");
    await click("approve");
    await click("bill-toggle");
    await type("bill-amount", "abc");
    expect(screen.queryByTestId("bill-preview")).toBeNull();
    await click("confirm-approve");
    expect(byTestId("bill-amount-error").textContent).toContain("请输入正确的金额");
    expect(acts(fake)).toHaveLength(0);
  });

  it("offers no dues order outside a join", async () => {
    await openRequest("马俊杰");
    await click("approve");
    expect(byTestId("approve-panel")).toBeTruthy();
    expect(screen.queryByTestId("bill-toggle")).toBeNull();
  });

  it("rejecting needs a reason, which the applicant then sees", async () => {
    const { fake, id } = await openRequest("林晓峰");
    await click("reject");
    await click("confirm-reject");
    expect(byTestId("reject-reason-error").textContent).toBe("请填写驳回原因");
    expect(acts(fake)).toHaveLength(0);
    await type("reject-reason", "所在企业不在本会服务范围");
    await click("confirm-reject");
    expect((await screen.findByTestId("detail-reason")).textContent).toContain("所在企业不在本会服务范围");
    expect(acts(fake)).toEqual([[id, { action: "reject", reason: "所在企业不在本会服务范围" }]]);
    expect(byTestId("detail-decision").dataset.state).toBe("rejected");
  });

  it("sends back with a reason", async () => {
    const { fake } = await openRequest("林晓峰");
    await click("send-back");
    await click("confirm-send-back");
    expect(byTestId("send-back-reason-error").textContent).toBe("请填写退回原因");
    await type("send-back-reason", "请补充所在企业和职务");
    await click("confirm-send-back");
    expect((await screen.findByTestId("detail-decision")).dataset.state).toBe("returned");
    expect(acts(fake)[0][1]).toEqual({ action: "send_back", reason: "请补充所在企业和职务" });
  });

  it("transfers the step to someone the device offers, the other steps' approvers first", async () => {
    // The organisation's position request: 秘书处审核, then 上级会签 at the association.
    const { fake, id } = await openRequest("职务申请");
    await click("transfer");
    await click("confirm-transfer");
    expect(byTestId("person-error").textContent).toBe("请从列表中选择人员");
    // The candidates come from the device: 孙国栋 co-signs the next step at the association
    // (he may review here), then the association's people with accounts.
    await waitFor(() => expect(screen.getAllByTestId("person-option").length).toBeGreaterThan(1));
    expect(fake.callsOf("delegation_candidates")[0]).toEqual([id, ""]);
    const first = screen.getAllByTestId("person-option")[0];
    expect(first.dataset.reviewer).toBe("true");
    expect(first.querySelector("[data-testid=person-name]")!.textContent).toBe("孙国栋");
    expect(first.textContent).toContain("江苏省互联网协会 · 审核员");
    expect(first.textContent).toContain("有审批权限");
    // Never oneself, this step's approvers or the applicant.
    const names = screen.getAllByTestId("person-name").map((n) => n.textContent);
    for (const no of ["周文斌", "何晓梅", "江苏测试网络科技有限公司"]) expect(names).not.toContain(no);

    await type("person-search", "孙");
    await waitFor(() => expect(fake.callsOf("delegation_candidates").at(-1)).toEqual([id, "孙"]));
    await waitFor(() =>
      expect(screen.getAllByTestId("person-name").every((n) => n.textContent!.includes("孙"))).toBe(true),
    );
    const options = screen.getAllByTestId("person-option");
    expect(options[0].dataset.id).toBe(P.sun.id);
    await fireEvent.click(options[0]);
    expect(byTestId("person-picked").textContent).toContain("孙国栋");
    await click("confirm-transfer");
    await waitFor(() => expect(acts(fake)).toHaveLength(1));
    expect(acts(fake)[0][1]).toEqual({ action: "transfer", to: { id: P.sun.id, name: "孙国栋" }, comment: null });
    // The step is no longer theirs.
    await waitFor(() => expect(screen.queryByTestId("approve")).toBeNull());
  });

  it("delegates to a member of the association's roster (no longer 没有可选择的人员)", async () => {
    const { fake } = await openRequest("林晓峰");
    await click("delegate");
    await waitFor(() => expect(screen.getAllByTestId("person-option").length).toBeGreaterThan(1));
    const member = screen.getAllByTestId("person-option").find((o) => o.textContent!.includes("工作站 · 会员"))!;
    const who = fake.members.find((m) => m.account_id === member.dataset.id)!;
    expect(member.textContent).toContain(who.phone_masked!);
    expect(member.dataset.reviewer).toBe("false");
    await fireEvent.click(member);
    await type("delegate-comment", "请核实该同志的任职情况");
    await click("confirm-delegate");
    await waitFor(() => expect(acts(fake)).toHaveLength(1));
    expect(acts(fake)[0][1]).toEqual({
      action: "delegate",
      to: { id: who.account_id, name: who.name },
      comment: "请核实该同志的任职情况",
    });

    // A name nobody has says so.
    await click("transfer");
    await type("person-search", "不存在的人");
    expect((await screen.findByTestId("person-none")).textContent).toBe("没有找到该姓名的人员");
  });

  it("a decision made offline that someone else beat is shown plainly as a conflict", async () => {
    const { fake, id } = await openRequest("林晓峰");
    fake.emitStatus({ online: false });
    await click("approve");
    await click("confirm-approve");
    expect((await screen.findByTestId("detail-local")).dataset.local).toBe("queued");
    // Meanwhile 何晓梅 approved at the server.
    fake.wf.decideElsewhere(id, P.he, { action: "approve", comment: null, bill: null });
    fake.emitStatus({ online: true });
    await click("sync-now");
    await click("detail-back");
    const issue = await screen.findByTestId("workflow-issue");
    expect(issue.dataset.status).toBe("conflict");
    expect(byTestId("issue-text").textContent).toMatch(/^该申请已由何晓梅于\d+月\d+日 \d\d:\d\d通过，您的决定未生效$/);
    await click("issue-open");
    expect((await screen.findByTestId("detail-local")).textContent).toContain("您的决定未生效");
    await click("detail-back");
    await click("issue-dismiss");
    await waitFor(() => expect(screen.queryByTestId("workflow-issues")).toBeNull());
  });
});
