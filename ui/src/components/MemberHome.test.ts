import { fireEvent, screen, within } from "@testing-library/svelte";
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

  it("shows an empty state for codes, not a fake QR", async () => {
    await startApp({ scenario: "member" });
    const codes = byTestId("my-codes");
    expect(codes.textContent).toContain("暂无可用的码");
    expect(codes.querySelector("img, canvas")).toBeNull();
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
