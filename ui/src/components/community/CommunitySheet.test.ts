import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { byTestId, startApp } from "../../test/util";

async function openCommunity(opts = {}) {
  const started = await startApp({ scenario: "member", ...opts });
  await fireEvent.click(byTestId("open-community"));
  await screen.findByTestId("community-sheet");
  return started;
}

async function postListing(title: string, side: "supply" | "demand" = "supply") {
  await fireEvent.click(byTestId("community-tab-mine"));
  await fireEvent.click(await screen.findByTestId("content-new-listing"));
  await fireEvent.click(byTestId(`content-side-${side}`));
  await fireEvent.input(byTestId("content-f-title"), { target: { value: title } });
  await fireEvent.input(byTestId("content-f-price"), { target: { value: "面议" } });
  await fireEvent.click(byTestId("content-submit"));
  await screen.findByTestId("community-notice");
}

const hallTitles = () => screen.queryAllByTestId("hall-item").map((li) => within(li).getByTestId("content-title").textContent);

describe("member: community content", () => {
  it("a posted listing waits for review, and shows in the hall only once approved", async () => {
    const { fake } = await openCommunity();
    await postListing("  职工体检套餐  ");
    expect(byTestId("community-notice").textContent).toContain("审核通过后展示");
    const item = await screen.findByTestId("mine-item");
    expect(within(item).getByTestId("mine-status").textContent).toBe("审核中");
    // The title goes trimmed, with the id the form was opened with.
    const [id, form] = fake.callsOf("content_post")[0] as [string, { title: string; side: string }];
    expect(form.title).toBe("职工体检套餐");
    expect(form.side).toBe("supply");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    await fireEvent.click(byTestId("community-tab-listing"));
    await screen.findByTestId("hall-empty");
    fake.content.decide(id, true);
    await fireEvent.click(byTestId("community-refresh"));
    await waitFor(() => expect(hallTitles()).toEqual(["职工体检套餐"]));
    await fireEvent.click(byTestId("hall-side-demand"));
    await waitFor(() => expect(hallTitles()).toEqual([]));
    await fireEvent.click(byTestId("hall-side-supply"));
    await waitFor(() => expect(hallTitles()).toEqual(["职工体检套餐"]));
    // Searching: every word in the shown text.
    await fireEvent.input(byTestId("hall-search"), { target: { value: "体检 套餐" } });
    await fireEvent.click(byTestId("hall-search-go"));
    await waitFor(() => expect(hallTitles()).toEqual(["职工体检套餐"]));
    expect(fake.callsOf("content_hall").at(-1)).toEqual([{ kind: "listing", side: "supply", q: "体检 套餐" }]);
    await fireEvent.input(byTestId("hall-search"), { target: { value: "计时器" } });
    await fireEvent.click(byTestId("hall-search-go"));
    await screen.findByTestId("hall-empty");
  });

  it("an edit of a shown listing is reviewed again while the old text stays shown", async () => {
    const { fake } = await openCommunity();
    await postListing("旧标题");
    const id = (fake.callsOf("content_post")[0] as [string])[0];
    fake.content.decide(id, true);
    await fireEvent.click(byTestId("community-tab-listing"));
    await fireEvent.click(byTestId("community-tab-mine"));
    await waitFor(() => expect(byTestId("mine-item").dataset.status).toBe("shown"));
    await fireEvent.click(byTestId("mine-edit"));
    const title = byTestId<HTMLInputElement>("content-f-title");
    expect(title.value).toBe("旧标题");
    await fireEvent.input(title, { target: { value: "新标题" } });
    await fireEvent.click(byTestId("content-submit"));
    expect((await screen.findByTestId("community-notice")).textContent).toContain("仍展示原内容");
    const item = byTestId("mine-item");
    expect(item.dataset.status).toBe("shown_edit_reviewing");
    expect(within(item).getAllByTestId("content-title").map((e) => e.textContent)).toEqual(["旧标题", "新标题"]);
    await fireEvent.click(byTestId("community-tab-listing"));
    await waitFor(() => expect(hallTitles()).toEqual(["旧标题"]));
    // Refused: the reason shows, the old version is still the one on show.
    fake.content.decide(id, false, "价格不明确");
    await fireEvent.click(byTestId("community-tab-mine"));
    expect((await screen.findByTestId("mine-reason")).textContent).toContain("价格不明确");
    expect(byTestId("mine-item").dataset.status).toBe("shown_edit_refused");
  });

  it("takes a listing off the shelf and back, and deletes it after asking", async () => {
    const { fake } = await openCommunity();
    await postListing("求购计时设备", "demand");
    const id = (fake.callsOf("content_post")[0] as [string])[0];
    fake.content.decide(id, true);
    await fireEvent.click(byTestId("community-tab-listing"));
    await fireEvent.click(byTestId("community-tab-mine"));
    await fireEvent.click(await screen.findByTestId("mine-off-shelf"));
    await waitFor(() => expect(byTestId("mine-item").dataset.status).toBe("off_shelf"));
    await fireEvent.click(byTestId("community-tab-listing"));
    await screen.findByTestId("hall-empty");
    await fireEvent.click(byTestId("community-tab-mine"));
    await fireEvent.click(await screen.findByTestId("mine-on-shelf"));
    await waitFor(() => expect(byTestId("mine-item").dataset.status).toBe("shown"));
    await fireEvent.click(byTestId("mine-delete"));
    expect(byTestId("mine-confirm").textContent).toContain("求购计时设备");
    expect(fake.callsOf("content_delete")).toHaveLength(0);
    await fireEvent.click(byTestId("mine-delete-confirm"));
    await screen.findByTestId("mine-empty");
    expect(fake.callsOf("content_delete")).toEqual([[id]]);
    await fireEvent.click(byTestId("community-tab-listing"));
    await screen.findByTestId("hall-empty");
  });

  it("a certificate needs its picture, and a missing title is named", async () => {
    const { fake } = await openCommunity();
    await fireEvent.click(byTestId("community-tab-mine"));
    await fireEvent.click(await screen.findByTestId("content-new-certificate"));
    await fireEvent.input(byTestId("content-f-title"), { target: { value: "2015年度广东省诚信示范企业" } });
    await fireEvent.click(byTestId("content-submit"));
    expect((await screen.findByTestId("content-editor-error")).textContent).toBe("请上传证书图片");
    expect(fake.callsOf("content_post")).toHaveLength(0);

    await fireEvent.click(byTestId("content-cancel"));
    await fireEvent.click(byTestId("content-new-listing"));
    await fireEvent.click(byTestId("content-submit"));
    expect((await screen.findByTestId("content-editor-error")).textContent).toContain("请填写标题");
    expect(byTestId("content-editor")).toBeTruthy();
  });

  it("offline: the hall reads, posting says it needs the network", async () => {
    await openCommunity({ online: false });
    await screen.findByTestId("community-offline");
    await postListingOffline();
    expect(byTestId("content-editor-error").textContent).toContain("需要联网");
  });
});

describe("member: 会员风采", () => {
  it("shows the unit's members with their approved introduction and companies", async () => {
    const { fake } = await openCommunity();
    await fireEvent.click(byTestId("community-tab-mine"));
    await fireEvent.click(await screen.findByTestId("content-new-member_showcase"));
    await fireEvent.input(byTestId("content-f-intro"), { target: { value: "十年工会工作经验" } });
    await fireEvent.click(byTestId("content-submit"));
    await screen.findByTestId("community-notice");
    await fireEvent.click(byTestId("content-new-company_showcase"));
    await fireEvent.input(byTestId("content-f-name"), { target: { value: "南京心晴咨询工作室" } });
    await fireEvent.click(byTestId("content-submit"));
    await screen.findByTestId("community-notice");
    // Under review: nobody's showcase has them yet.
    await fireEvent.click(byTestId("community-tab-member_showcase"));
    await screen.findByTestId("showcase-empty");
    for (const [id] of fake.callsOf("content_post") as [string][]) fake.content.decide(id, true);
    await fireEvent.click(byTestId("community-refresh"));
    const card = await screen.findByTestId("showcase-member");
    expect(within(card).getByText("十年工会工作经验")).toBeTruthy();
    expect(within(card).getByTestId("showcase-company").textContent).toContain("南京心晴咨询工作室");
    expect(card.textContent).not.toMatch(/\d{11}/);
  });
});

async function postListingOffline() {
  await fireEvent.click(byTestId("community-tab-mine"));
  await fireEvent.click(await screen.findByTestId("content-new-listing"));
  await fireEvent.input(byTestId("content-f-title"), { target: { value: "离线发布" } });
  await fireEvent.click(byTestId("content-submit"));
  await screen.findByTestId("content-editor-error");
}
