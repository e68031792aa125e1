import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { byTestId, startApp } from "../test/util";

async function openCard() {
  const started = await startApp({ scenario: "member" });
  await fireEvent.click(byTestId("open-card"));
  await screen.findByTestId("card-preview");
  return started;
}

const preview = () => byTestId("card-preview");

describe("member: electronic business card", () => {
  it("a new card shows name, title and company, never the phone", async () => {
    await openCard();
    const p = preview();
    expect(p.querySelector("[data-field=name]")).not.toBeNull();
    expect(p.querySelector("[data-field=title]")!.textContent).toBe("工会干事");
    expect(p.querySelector("[data-field=phone]")).toBeNull();
    expect((byTestId("card-field-phone") as HTMLInputElement).checked).toBe(false);
  });

  it("picks a layout, background and fields, words a field, and saves", async () => {
    const { fake } = await openCard();
    await fireEvent.click(byTestId("card-layout-banner"));
    await fireEvent.click(byTestId("card-bg-crimson"));
    await fireEvent.click(byTestId("card-field-company"));
    await fireEvent.click(byTestId("card-field-wechat"));
    await fireEvent.input(byTestId("card-own-wechat"), { target: { value: " ouyang_wx " } });
    await fireEvent.click(byTestId("card-save"));
    expect((await screen.findByTestId("card-notice")).textContent).toContain("已保存");
    const saved = fake.callsOf("card_save")[0][0] as { layout: string; background: string; fields: string[] };
    expect(saved.layout).toBe("banner");
    expect(saved.background).toBe("crimson");
    expect(saved.fields).not.toContain("company");
    const p = preview();
    expect(p.dataset.layout).toBe("banner");
    expect(p.dataset.background).toBe("crimson");
    expect(p.querySelector("[data-field=company]")).toBeNull();
    expect(p.querySelector("[data-field=wechat]")!.textContent).toContain("ouyang_wx");
  });

  it("refuses a card with nothing to show, with the reason", async () => {
    await openCard();
    for (const f of ["name", "title", "company"]) await fireEvent.click(byTestId(`card-field-${f}`));
    await fireEvent.click(byTestId("card-save"));
    expect((await screen.findByTestId("card-error")).textContent).toBe("请至少选择一项对外展示的信息");
    // The card as it was is still shown.
    expect(preview().querySelector("[data-field=name]")).not.toBeNull();
  });

  it("shares a link with its QR, and a revoke makes the next link a new one", async () => {
    await openCard();
    await fireEvent.click(byTestId("card-share"));
    const shared = await screen.findByTestId("card-shared");
    const first = within(shared).getByTestId("card-link").textContent!;
    expect(first).toContain("/card/");
    expect(within(shared).getByTestId("card-qr").querySelector("svg")).not.toBeNull();
    await fireEvent.click(byTestId("card-revoke"));
    expect((await screen.findByTestId("card-notice")).textContent).toContain("已停止分享");
    expect(screen.queryByTestId("card-shared")).toBeNull();
    await fireEvent.click(byTestId("card-share"));
    await waitFor(() => expect(byTestId("card-link").textContent).not.toBe(first));
  });

  it("offline, changes are refused with a clear message", async () => {
    const { fake } = await openCard();
    fake.status.online = false;
    await fireEvent.click(byTestId("card-field-phone"));
    await fireEvent.click(byTestId("card-save"));
    expect((await screen.findByTestId("card-error")).textContent).toContain("需要联网");
    expect(preview().querySelector("[data-field=phone]")).toBeNull();
  });
});
