import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { byTestId, startApp } from "../test/util";

describe("secretary: publishing notices and news", () => {
  it("publishes important news to the unit; it lists with its tags and the sync runs", async () => {
    const { fake } = await startApp({ scenario: "secretary" });
    await fireEvent.click(await screen.findByTestId("notice-new"));
    const node = byTestId<HTMLSelectElement>("notice-node");
    expect(node.value).toBe("n-jsia");
    await fireEvent.click(byTestId("notice-kind-news"));
    await fireEvent.input(byTestId("notice-title"), { target: { value: "  协会年会圆满召开  " } });
    await fireEvent.input(byTestId("notice-content-input"), { target: { value: "12月3日，年会在南京召开。" } });
    await fireEvent.click(byTestId("notice-important-input"));
    await fireEvent.click(byTestId("notice-submit"));
    expect((await screen.findByTestId("notice-published")).textContent).toContain("已通知3位会员");
    const [form] = fake.callsOf("notice_publish")[0] as [{ title: string; kind: string; important: boolean; node_id: string }];
    expect(form).toMatchObject({ title: "协会年会圆满召开", kind: "news", important: true, node_id: "n-jsia" });
    expect(fake.callsOf("sync_now").length).toBeGreaterThan(0);
    const first = await waitFor(() => {
      const n = within(byTestId("notices")).getAllByTestId("notice")[0];
      expect(n.textContent).toContain("协会年会圆满召开");
      return n;
    });
    expect(first.dataset.kind).toBe("news");
    expect(within(first).getByTestId("notice-important")).toBeTruthy();
  });

  it("a blank title is named before anything is sent; offline says it needs the network", async () => {
    const { fake } = await startApp({ scenario: "secretary" });
    await fireEvent.click(await screen.findByTestId("notice-new"));
    await fireEvent.input(byTestId("notice-title"), { target: { value: "   " } });
    await fireEvent.click(byTestId("notice-submit"));
    expect((await screen.findByTestId("notice-error")).textContent).toContain("请填写标题");
    expect(fake.callsOf("notice_publish")).toHaveLength(0);
    fake.status.online = false;
    await fireEvent.input(byTestId("notice-title"), { target: { value: "停水通知" } });
    await fireEvent.click(byTestId("notice-submit"));
    await waitFor(() => expect(byTestId("notice-error").textContent).toContain("需要联网"));
    expect(byTestId("notice-form")).toBeTruthy();
  });
});

describe("member: subscription settings", () => {
  it("turns notice SMS off, and a failed change goes back", async () => {
    const { fake } = await startApp({ scenario: "member" });
    await fireEvent.click(byTestId("nav-profile"));
    const box = await screen.findByTestId("prefs-sms_notices");
    await waitFor(() => expect((box as HTMLInputElement).checked).toBe(true));
    await fireEvent.click(box);
    await screen.findByTestId("prefs-saved");
    expect(fake.notifyPrefs).toEqual({ sms_notices: false, sms_approvals: true });
    fake.status.online = false;
    await fireEvent.click(byTestId("prefs-sms_approvals"));
    expect((await screen.findByTestId("prefs-error")).textContent).toContain("需要联网");
    expect((byTestId("prefs-sms_approvals") as HTMLInputElement).checked).toBe(true);
    expect(fake.notifyPrefs.sms_approvals).toBe(true);
  });
});
