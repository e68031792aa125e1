import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { MemberQuery } from "../lib/bindings";
import { byTestId, startApp } from "../test/util";

const queries = (fake: { callsOf: (c: "search_members") => unknown[][] }) =>
  fake.callsOf("search_members").map((a) => a[0] as MemberQuery);

async function secretary() {
  const started = await startApp({ scenario: "secretary" });
  await waitFor(() => expect(screen.getAllByTestId("member-row")).toHaveLength(20));
  return started;
}

describe("secretary members table", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("shows the counts and the first page of 20 sorted by name", async () => {
    const { fake } = await secretary();
    expect(queries(fake)).toEqual([{ text: "", sort: "name", desc: false, page: 1, page_size: 20 }]);
    await waitFor(() => expect(byTestId("count-members").textContent).toContain("102"));
    expect(byTestId("count-pending").textContent).toContain("7");
    expect(byTestId("count-units").textContent).toContain("5");
    expect(byTestId("members-total").textContent).toBe("共 102 条");
    expect(byTestId("members-page").textContent).toBe("第 1 / 6 页");
    expect(byTestId<HTMLInputElement>("member-search").placeholder).toBe("姓名、拼音、手机尾号或信用代码");
  });

  it("searches with the typed text once typing pauses, and renders the rows it gets", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: false });
    const { fake } = await startApp({ scenario: "secretary" });
    await vi.advanceTimersByTimeAsync(0);
    const input = byTestId<HTMLInputElement>("member-search");
    for (const text of ["常", "常州", "常州智汇"]) {
      await fireEvent.input(input, { target: { value: text } });
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(queries(fake)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(150);
    expect(queries(fake).slice(1)).toEqual([{ text: "常州智汇", sort: "name", desc: false, page: 1, page_size: 20 }]);
    await vi.advanceTimersByTimeAsync(0);
    const rows = screen.getAllByTestId("member-row");
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.textContent).toContain("常州智汇");
    expect(byTestId("members-total").textContent).toBe(`共 ${rows.length} 条`);
  });

  it("passes a phone suffix to the backend and shows the member it finds", async () => {
    const { fake } = await secretary();
    const someone = fake.members.find((m) => m.phone)!;
    await fireEvent.input(byTestId("member-search"), { target: { value: someone.phone!.slice(-4) } });
    await waitFor(() => expect(queries(fake).at(-1)!.text).toBe(someone.phone!.slice(-4)));
    await waitFor(() =>
      expect(screen.getAllByTestId("member-row").some((r) => r.textContent!.includes(someone.name))).toBe(true),
    );
  });

  it("says so when nothing matches", async () => {
    await secretary();
    await fireEvent.input(byTestId("member-search"), { target: { value: "没有这个人" } });
    expect((await screen.findByTestId("members-empty")).textContent).toContain("没有找到匹配的会员");
    expect(byTestId("members-total").textContent).toBe("共 0 条");
    expect(byTestId<HTMLButtonElement>("page-next").disabled).toBe(true);
  });

  it("pages forward and back", async () => {
    const { fake } = await secretary();
    const firstPage = screen.getAllByTestId("member-row").map((r) => r.dataset.id);
    expect(byTestId<HTMLButtonElement>("page-prev").disabled).toBe(true);
    await fireEvent.click(byTestId("page-next"));
    await waitFor(() => expect(byTestId("members-page").textContent).toBe("第 2 / 6 页"));
    expect(queries(fake).at(-1)).toMatchObject({ page: 2, page_size: 20 });
    const second = screen.getAllByTestId("member-row").map((r) => r.dataset.id);
    expect(second).toHaveLength(20);
    expect(second.some((id) => firstPage.includes(id))).toBe(false);
    await fireEvent.click(byTestId("page-prev"));
    await waitFor(() => expect(byTestId("members-page").textContent).toBe("第 1 / 6 页"));
    expect(screen.getAllByTestId("member-row").map((r) => r.dataset.id)).toEqual(firstPage);
  });

  it("stops at the last page", async () => {
    const { fake } = await secretary();
    for (let i = 2; i <= 6; i++) {
      await fireEvent.click(byTestId("page-next"));
      await waitFor(() => expect(byTestId("members-page").textContent).toBe(`第 ${i} / 6 页`));
    }
    expect(screen.getAllByTestId("member-row")).toHaveLength(2);
    expect(byTestId<HTMLButtonElement>("page-next").disabled).toBe(true);
    expect(queries(fake).at(-1)!.page).toBe(6);
  });

  it("sorts by a column header, flips the direction on a second click, and goes back to page 1", async () => {
    const { fake } = await secretary();
    await fireEvent.click(byTestId("page-next"));
    await waitFor(() => expect(byTestId("members-page").textContent).toBe("第 2 / 6 页"));
    await fireEvent.click(byTestId("th-unit"));
    await waitFor(() => expect(queries(fake).at(-1)).toMatchObject({ sort: "unit", desc: false, page: 1 }));
    await fireEvent.click(byTestId("th-unit"));
    await waitFor(() => expect(queries(fake).at(-1)).toMatchObject({ sort: "unit", desc: true, page: 1 }));
    await waitFor(() => expect(byTestId("th-unit").closest("th")!.getAttribute("aria-sort")).toBe("descending"));
    const units = screen.getAllByTestId("member-row").map((r) => r.children[1].textContent!);
    expect(units[0]).toBe("徐州工作站"); // the last unit in pinyin order comes first
    await fireEvent.click(byTestId("sort-recent"));
    await waitFor(() => expect(queries(fake).at(-1)).toMatchObject({ sort: "recent", desc: true, page: 1 }));
  });

  it("ignores an older search that answers after a newer one", async () => {
    const { fake } = await secretary();
    const real = fake.search_members.bind(fake);
    const pending: Array<() => void> = [];
    fake.search_members = (q) =>
      new Promise((resolve, reject) => pending.push(() => real(q).then(resolve, reject)));
    await fireEvent.input(byTestId("member-search"), { target: { value: "常州" } });
    await waitFor(() => expect(pending).toHaveLength(1));
    await fireEvent.input(byTestId("member-search"), { target: { value: "徐州" } });
    await waitFor(() => expect(pending).toHaveLength(2));
    pending[1]();
    await waitFor(() => expect(screen.getAllByTestId("member-row")[0].textContent).toContain("徐州"));
    pending[0]();
    await new Promise((r) => setTimeout(r, 20));
    for (const r of screen.getAllByTestId("member-row")) expect(r.textContent).toContain("徐州");
  });

  it("shows the backend's message when the search fails", async () => {
    const { fake } = await secretary();
    fake.failNext("search_members", "Db", "本机数据读取失败");
    await fireEvent.input(byTestId("member-search"), { target: { value: "王" } });
    expect((await screen.findByTestId("members-error")).textContent).toContain("本机数据读取失败");
  });
});
