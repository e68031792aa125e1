import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { byTestId, startApp } from "../../test/util";

const type = (id: string, value: string) => fireEvent.input(byTestId<HTMLInputElement>(id), { target: { value } });
const click = (id: string) => fireEvent.click(byTestId(id));

async function option(id: string) {
  await waitFor(() => expect(screen.getAllByTestId("unit-option").some((o) => o.dataset.id === id)).toBe(true));
  await fireEvent.click(screen.getAllByTestId("unit-option").find((o) => o.dataset.id === id)!);
}

async function openJoin(opts: Parameters<typeof startApp>[0] = {}) {
  const app = await startApp({ scenario: "member", ...opts });
  await click("nav-work");
  await fireEvent.click(await screen.findByTestId("join-start"));
  await screen.findByTestId("join-wizard");
  return app;
}

/** 机关事业单位职工 → 江苏省总工会 → 江苏省教科工会委员会 → the unit. */
async function toVerify(unit = "n-seu") {
  await fireEvent.click(screen.getAllByTestId("join-category").find((b) => b.dataset.value === "机关事业单位职工")!);
  await option("n-jszgh");
  await option("n-jkgh");
  await option(unit);
  await screen.findByTestId("join-unit");
}

describe("我要入会", () => {
  it("goes category → unit through the tree → name, ID and SMS code → 入会申请书 → submitted", async () => {
    const { fake } = await openJoin();
    await toVerify();
    expect(fake.callsOf("units_children")).toEqual([[null], ["n-jszgh"], ["n-jkgh"]]);
    expect(byTestId("join-unit").textContent).toContain("东南大学工会");
    expect(byTestId("join-name").textContent).toBe("欧阳娜娜");
    expect(byTestId("join-id").textContent).toMatch(/^3201\*+\d{3}[\dX]$/);

    // No code yet: the letter does not open.
    await click("join-submit");
    expect(byTestId("join-code-error").textContent).toBe("请先获取验证码");
    await click("join-send-code");
    expect((await screen.findByTestId("join-dev-code")).textContent).toContain("123456");
    await type("join-code", "123456");
    await click("join-submit");

    const letter = await screen.findByTestId("join-letter");
    expect(letter.textContent).toContain("入会申请书");
    expect(letter.textContent).toContain("东南大学工会");
    expect(letter.textContent).toContain("欧阳娜娜");
    await click("agree-submit");

    const done = await screen.findByTestId("join-done");
    expect(done.dataset.local).toBe("synced");
    expect(fake.callsOf("request_submit")).toEqual([
      ["join", { category: "机关事业单位职工", unit_id: "n-seu", agreed: true }, [], "123456"],
    ]);
    await click("join-view");
    expect((await screen.findByTestId("detail-state")).textContent).toBe("审核中");
    expect(byTestId("sms-flag").dataset.verified).toBe("true");
    expect(screen.getAllByTestId("step")[0].dataset.status).toBe("current");
    // Withdraw is offered until the first decision.
    expect(byTestId("withdraw")).toBeTruthy();
  });

  it("finds a unit by name and shows where it sits in the tree", async () => {
    const { fake } = await openJoin();
    await fireEvent.click(screen.getAllByTestId("join-category")[1]);
    await type("unit-search", "医科");
    await waitFor(() => expect(fake.callsOf("units_search")).toEqual([["医科"]]));
    const hit = await screen.findByText("南京医科大学工会");
    expect(hit.closest("button")!.textContent).toContain("江苏省总工会 / 江苏省教科工会委员会");
  });

  it("a wrong code sends the applicant back to the code with the server's words", async () => {
    await openJoin();
    await toVerify();
    await click("join-send-code");
    await screen.findByTestId("join-dev-code");
    await type("join-code", "000000");
    await click("join-submit");
    await click("agree-submit");
    expect((await screen.findByTestId("join-code-error")).textContent).toBe("验证码错误");
    expect(screen.queryByTestId("join-letter")).toBeNull();
  });

  it("refuses a unit the applicant already belongs to, in the server's words", async () => {
    await openJoin();
    await toVerify("n-njmu");
    await click("join-send-code");
    await screen.findByTestId("join-dev-code");
    await type("join-code", "123456");
    await click("join-submit");
    await click("agree-submit");
    expect((await screen.findByTestId("join-error")).textContent).toContain("您已是该单位的会员");
  });

  it("offline: no code step, a plain note, kept on the device and sent on sync without SMS verification", async () => {
    const { fake } = await openJoin({ online: false });
    await toVerify();
    expect(byTestId("join-offline-note").textContent).toContain("审核人将看到该申请未经短信验证");
    expect(screen.queryByTestId("join-code")).toBeNull();
    await click("join-submit");
    await click("agree-submit");
    const done = await screen.findByTestId("join-done");
    expect(done.dataset.local).toBe("queued");
    expect(fake.callsOf("request_submit").at(-1)![3]).toBeNull();
    await waitFor(() => expect(byTestId("sync-pending").textContent).toContain("1"));

    fake.emitStatus({ online: true });
    await click("sync-now");
    await click("join-view");
    expect((await screen.findByTestId("detail-state")).dataset.state).toBe("submitted");
    expect(screen.queryByTestId("local-badge")).toBeNull();
    expect(byTestId("sms-flag").dataset.verified).toBe("false");
    expect(byTestId("sms-flag").textContent).toContain("未经短信验证");
  });
});

describe("我要转会", () => {
  it("names the unit left and sends the target unit with the transfer form", async () => {
    const { fake } = await startApp({ scenario: "member" });
    await click("nav-work");
    await fireEvent.click(await screen.findByTestId("transfer-start"));
    expect((await screen.findByTestId("transfer-from")).textContent).toContain("南京医科大学工会");
    await toVerify("n-nju");
    await type("transfer-reason", "工作调动");
    await click("join-send-code");
    await screen.findByTestId("join-dev-code");
    await type("join-code", "123456");
    await click("join-submit");
    expect((await screen.findByTestId("join-letter")).textContent).toContain("由南京医科大学工会转入南京大学工会");
    await click("agree-submit");
    await screen.findByTestId("join-done");
    expect(fake.callsOf("request_submit")[0].slice(0, 2)).toEqual([
      "transfer",
      { category: "机关事业单位职工", to_unit_id: "n-nju", reason: "工作调动", agreed: true },
    ]);
  });
});
