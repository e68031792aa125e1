import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { RequestQuery } from "../../lib/bindings";
import type { FakeBackend } from "../../lib/fake";
import { byTestId, startApp } from "../../test/util";

const click = (id: string) => fireEvent.click(byTestId(id));
const queries = (fake: FakeBackend) => fake.callsOf("requests_list").map((a) => a[0] as RequestQuery);
const rows = () => screen.queryAllByTestId("queue-row");

async function queue(extraTodo = 30) {
  const app = await startApp({ scenario: "secretary", extraTodo });
  await click("nav-queue");
  await screen.findByTestId("review-queue");
  await waitFor(() => expect(rows()).toHaveLength(20));
  return app;
}

describe("review queue (我收到的)", () => {
  it("opens from the workbench's pending count on the to-do box", async () => {
    await startApp({ scenario: "secretary" });
    await waitFor(() => expect(byTestId("count-pending").textContent).toContain("7"));
    await click("count-pending");
    await screen.findByTestId("review-queue");
    await waitFor(() => expect(rows()).toHaveLength(7));
    expect(byTestId("count-todo").textContent).toBe("7");
    expect(byTestId("count-done").textContent).toBe("3");
    expect(byTestId("nav-queue-badge").textContent).toBe("7");
    // A click anywhere on a row opens it; back returns to the same box.
    await fireEvent.click(rows()[0].querySelector("td:nth-child(4)")!);
    expect((await screen.findByTestId("request-detail")).dataset.id).toBeTruthy();
    await click("detail-back");
    await waitFor(() => expect(rows()).toHaveLength(7));
  });

  it("pages through the to-do box 20 at a time", async () => {
    const { fake } = await queue();
    expect(queries(fake)[0]).toEqual({ box: "todo", kind: null, state: null, text: "", page: 1, page_size: 20 });
    expect(byTestId("count-todo").textContent).toBe("37");
    expect(byTestId("queue-total").textContent).toBe("共 37 条");
    expect(byTestId("queue-page").textContent).toBe("第 1 / 2 页");
    const first = rows().map((r) => r.dataset.id);
    await click("queue-next");
    await waitFor(() => expect(byTestId("queue-page").textContent).toBe("第 2 / 2 页"));
    expect(rows()).toHaveLength(17);
    expect(rows().some((r) => first.includes(r.dataset.id))).toBe(false);
    expect(byTestId<HTMLButtonElement>("queue-next").disabled).toBe(true);
    await click("queue-prev");
    await waitFor(() => expect(rows().map((r) => r.dataset.id)).toEqual(first));
  });

  it("filters by kind, by text and, in the done box, by state", async () => {
    const { fake } = await queue();
    await fireEvent.change(byTestId("filter-kind"), { target: { value: "org_registration" } });
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0].textContent).toContain("南京云帆信息技术有限公司");
    expect(queries(fake).at(-1)).toMatchObject({ kind: "org_registration", page: 1 });

    await fireEvent.change(byTestId("filter-kind"), { target: { value: "" } });
    await fireEvent.input(byTestId("filter-text"), { target: { value: "韩雪" } });
    await waitFor(() => expect(queries(fake).at(-1)).toMatchObject({ text: "韩雪", kind: null }));
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0].textContent).toContain("韩雪");

    await fireEvent.input(byTestId("filter-text"), { target: { value: "" } });
    await click("box-done");
    await waitFor(() => expect(rows()).toHaveLength(3));
    await fireEvent.change(byTestId("filter-state"), { target: { value: "rejected" } });
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0].textContent).toContain("杨雨桐");
    expect(rows()[0].textContent).toContain("未通过");
    expect(queries(fake).at(-1)).toMatchObject({ box: "done", state: "rejected" });
    // No ticking in the done box.
    expect(screen.queryByTestId("row-check")).toBeNull();
  });

  it("approves the ticked rows in one go and says what happened", async () => {
    const { fake } = await queue();
    const ticked = rows().slice(0, 3);
    for (const r of ticked) await fireEvent.click(r.querySelector("[data-testid=row-check]")!);
    expect(byTestId("bulk-approve").textContent).toContain("3");
    await click("bulk-approve");
    await fireEvent.input(byTestId("bulk-comment"), { target: { value: "同意" } });
    await click("confirm-bulk");
    expect((await screen.findByTestId("bulk-result")).textContent).toContain("已通过 3 件，待同步 0 件，未成功 0 件");
    expect(fake.callsOf("requests_bulk_approve")).toEqual([[ticked.map((r) => r.dataset.id), "同意"]]);
    await waitFor(() => expect(byTestId("count-todo").textContent).toBe("34"));
    expect(byTestId("count-done").textContent).toBe("6");
  });

  it("ticks the whole page with the header box", async () => {
    await queue();
    await click("check-all");
    expect(byTestId("bulk-approve").textContent).toContain("20");
    await click("check-all");
    expect(byTestId<HTMLButtonElement>("bulk-approve").disabled).toBe(true);
  });

  it("offline, bulk approval is kept to sync", async () => {
    const { fake } = await queue();
    fake.emitStatus({ online: false });
    await fireEvent.click(rows()[0].querySelector("[data-testid=row-check]")!);
    await click("bulk-approve");
    await click("confirm-bulk");
    expect((await screen.findByTestId("bulk-result")).textContent).toContain("已通过 0 件，待同步 1 件");
  });
});
