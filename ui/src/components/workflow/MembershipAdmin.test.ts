import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { MembershipQuery } from "../../lib/bindings";
import type { FakeBackend } from "../../lib/fake";
import { byTestId, startApp } from "../../test/util";

const click = (id: string) => fireEvent.click(byTestId(id));
const type = (id: string, value: string) => fireEvent.input(byTestId(id), { target: { value } });
const year = new Date().getFullYear();

const queries = (fake: FakeBackend) => fake.callsOf("unit_memberships").map((a) => a[0] as MembershipQuery);
const rows = () => screen.getAllByTestId("membership-row");
/** The association secretary's scope in the fake: 江苏省互联网协会 and its branch units. */
const inScope = (fake: FakeBackend) => fake.wf.memberships.filter((m) => m.unit_id === "n-jsia" || m.unit_id.startsWith("u-"));

async function openAdmin(opts: Parameters<typeof startApp>[0] = {}) {
  const app = await startApp({ scenario: "secretary", ...opts });
  await click("nav-memberships");
  await screen.findByTestId("membership-admin");
  await waitFor(() => expect(rows()).toHaveLength(20));
  return app;
}

/** Opens the first row with `status` (by filtering on it). */
async function openFirst(fake: FakeBackend, status: string) {
  await fireEvent.change(byTestId("membership-filter-status"), { target: { value: status } });
  await waitFor(() => expect(queries(fake).at(-1)!.status).toBe(status));
  await waitFor(() => expect(rows().every((r) => r.dataset.status === status)).toBe(true));
  const row = rows()[0];
  await fireEvent.click(row);
  const detail = await screen.findByTestId("membership-detail");
  expect(detail.dataset.id).toBe(row.dataset.id);
  return { id: row.dataset.id!, record: fake.wf.memberships.find((m) => m.id === row.dataset.id)! };
}

describe("会籍管理 (the secretary's membership records)", () => {
  it("lists the scope's records newest first, with counts per status, and filters by status, unit and name", async () => {
    const { fake } = await openAdmin();
    const scope = inScope(fake);
    expect(queries(fake)[0]).toEqual({ unit_id: null, status: null, text: null, member_id: null, page: 1, page_size: 20 });
    expect(byTestId("membership-total").textContent).toBe(`共 ${scope.length} 条`);
    // Not 欧阳娜娜's records at 南京医科大学工会: outside 周文斌's association.
    expect(rows().some((r) => r.textContent!.includes("欧阳娜娜"))).toBe(false);
    // Newest first: the records starting next year lead.
    const starts = rows().map((r) => r.querySelectorAll("td")[4].textContent!.slice(0, 10));
    expect([...starts].sort().reverse()).toEqual(starts);
    expect(rows()[0].dataset.status).toBe("pending");
    // Every status with its count, in the select and the chips.
    const grace = scope.filter((m) => m.status === "grace").length;
    expect(grace).toBeGreaterThan(0);
    const options = [...byTestId<HTMLSelectElement>("membership-filter-status").options].map((o) => o.textContent);
    expect(options).toContain(`宽限期（${grace}）`);
    expect(options[0]).toBe(`全部状态（${scope.length}）`);
    expect(within(byTestId("membership-counts")).getByText("宽限期").nextElementSibling!.textContent).toBe(String(grace));

    // By status.
    await fireEvent.change(byTestId("membership-filter-status"), { target: { value: "grace" } });
    await waitFor(() => expect(byTestId("membership-total").textContent).toBe(`共 ${grace} 条`));
    expect(rows().every((r) => r.dataset.status === "grace")).toBe(true);
    expect(rows()[0].textContent).toContain("宽限期");
    expect(queries(fake).at(-1)).toMatchObject({ status: "grace", page: 1 });

    // By unit (with the status kept).
    await fireEvent.change(byTestId("membership-filter-status"), { target: { value: "" } });
    const units = [...byTestId<HTMLSelectElement>("membership-filter-unit").options].map((o) => o.textContent!.trim());
    // The association, then its units (indented under it).
    expect(units.slice(0, 2)).toEqual(["全部单位", "江苏省互联网协会"]);
    expect([...units.slice(2)].sort()).toEqual(["南京工作站", "苏州工作站", "无锡工作站", "常州工作站", "徐州工作站"].sort());
    await fireEvent.change(byTestId("membership-filter-unit"), { target: { value: "u-0" } });
    await waitFor(() => expect(queries(fake).at(-1)).toMatchObject({ unit_id: "u-0", status: null }));
    await waitFor(() => expect(rows().every((r) => r.textContent!.includes("南京工作站"))).toBe(true));
    const nanjing = scope.filter((m) => m.unit_id === "u-0").length;
    expect(byTestId("membership-total").textContent).toBe(`共 ${nanjing} 条`);

    // By name.
    await fireEvent.change(byTestId("membership-filter-unit"), { target: { value: "" } });
    const someone = scope.find((m) => m.unit_id.startsWith("u-") && m.member_type === "个人会员")!;
    await type("membership-filter-text", someone.name);
    await waitFor(() => expect(queries(fake).at(-1)!.text).toBe(someone.name));
    await waitFor(() => expect(rows().every((r) => r.textContent!.includes(someone.name))).toBe(true));
    expect(rows().length).toBeGreaterThan(0);
  });

  it("opens a record with its history; setting a status needs a reason and goes to the server", async () => {
    const { fake } = await openAdmin();
    const { id, record } = await openFirst(fake, "current");
    const detail = byTestId("membership-detail");
    expect(detail.textContent).toContain(record.name);
    const history = within(detail).getAllByTestId("membership-history-entry");
    expect(history.length).toBe(record.history.length);
    expect(history.at(-1)!.textContent).toContain("入会");

    await click("membership-override");
    await fireEvent.change(byTestId("override-status"), { target: { value: "grace" } });
    await click("confirm-override");
    expect(byTestId("override-reason-error").textContent).toBe("请填写调整原因");
    expect(fake.callsOf("membership_set_status")).toHaveLength(0);

    await type("override-reason", "会费缓缴至下月");
    await click("confirm-override");
    await screen.findByTestId("membership-notice");
    expect(fake.callsOf("membership_set_status")).toEqual([[id, "grace", "会费缓缴至下月"]]);
    expect(byTestId("membership-detail-status").textContent).toBe("宽限期");
    expect(byTestId("membership-detail-override").textContent).toContain("会费缓缴至下月");
    // The newest history entry comes first and says what was done, by whom.
    const first = within(byTestId("membership-detail")).getAllByTestId("membership-history-entry");
    expect(first.some((e) => e.dataset.what === "override" && e.textContent!.includes("周文斌"))).toBe(true);
    // The list is read again: the filter is 有效, so the record has left it.
    await waitFor(() => expect(rows().some((r) => r.dataset.id === id)).toBe(false));

    // Back to the dates' status (恢复自动), with a reason too.
    await click("membership-override");
    expect(byTestId<HTMLSelectElement>("override-status").value).toBe("auto");
    await type("override-reason", "已缴清");
    await click("confirm-override");
    await waitFor(() => expect(fake.callsOf("membership_set_status")).toHaveLength(2));
    expect(fake.callsOf("membership_set_status")[1]).toEqual([id, null, "已缴清"]);
    await waitFor(() => expect(byTestId("membership-detail-status").textContent).toBe("有效"));
    expect(screen.queryByTestId("membership-detail-override")).toBeNull();
  });

  it("renews only to a date after the current end", async () => {
    const { fake } = await openAdmin();
    const { id, record } = await openFirst(fake, "current");
    expect(record.end_on).toBe(`${year}-12-31`);
    await click("membership-renew");
    expect(byTestId("renew-panel").textContent).toContain(`当前截止日期：${year}-12-31`);
    // Suggested: a year on.
    expect(byTestId<HTMLInputElement>("renew-date").value).toBe(`${year + 1}-12-31`);

    await type("renew-date", `${year}-06-30`);
    await click("confirm-renew");
    expect(byTestId("renew-date-error").textContent).toBe(`新的截止日期须晚于当前截止日期 ${year}-12-31`);
    await type("renew-date", `${year}-12-31`);
    await click("confirm-renew");
    expect(byTestId("renew-date-error").textContent).toContain("须晚于当前截止日期");
    expect(fake.callsOf("membership_renew")).toHaveLength(0);

    await type("renew-date", `${year + 2}-12-31`);
    await click("confirm-renew");
    expect((await screen.findByTestId("membership-notice")).textContent).toBe(`已续期至 ${year + 2}-12-31`);
    expect(fake.callsOf("membership_renew")).toEqual([[id, `${year + 2}-12-31`]]);
    expect(byTestId("membership-detail-period").textContent).toContain(`${year + 2}-12-31`);
    expect(within(byTestId("membership-detail")).getAllByTestId("membership-history-entry")[0].dataset.what).toBe("renewed");
    await waitFor(() => expect(rows().find((r) => r.dataset.id === id)!.textContent).toContain(`${year + 2}-12-31`));
  });

  it("says plainly that changes need the network, and offers none on an ended record", async () => {
    const { fake } = await openAdmin();
    fake.emitStatus({ online: false });
    await openFirst(fake, "current");
    await click("membership-override");
    await type("override-reason", "会费缓缴");
    await click("confirm-override");
    expect((await screen.findByTestId("membership-action-error")).textContent).toBe(
      "调整会籍需要联网，当前无法连接服务器，请联网后再试",
    );
    await click("membership-renew");
    await click("confirm-renew");
    await waitFor(() => expect(fake.callsOf("membership_renew")).toHaveLength(1));
    expect(byTestId("membership-action-error").textContent).toContain("需要联网");

    await openFirst(fake, "ended");
    expect(byTestId("membership-ended").textContent).toBe("该会籍已终止，不能调整状态或续期");
    expect(screen.queryByTestId("membership-override")).toBeNull();
    expect(screen.queryByTestId("membership-renew")).toBeNull();
  });

  it("a roster row opens that person's records; one without any says so", async () => {
    const { fake } = await startApp({ scenario: "secretary" });
    await waitFor(() => expect(screen.getAllByTestId("member-row")).toHaveLength(20));
    const [first, second] = screen.getAllByTestId("member-row");
    const nobody = fake.members.find((m) => m.id === second.dataset.id)!;
    nobody.account_id = null;

    await fireEvent.click(second);
    expect((await screen.findByTestId("member-no-records")).textContent).toBe(`${nobody.name} 暂无会籍记录`);
    expect(screen.queryByTestId("membership-admin")).toBeNull();

    const who = fake.members.find((m) => m.id === first.dataset.id)!;
    await fireEvent.click(first.querySelector("[data-testid=member-open]")!);
    await screen.findByTestId("membership-admin");
    expect(byTestId("membership-person").textContent).toContain(`仅显示：${who.name}`);
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    expect(rows().every((r) => r.textContent!.includes(who.name))).toBe(true);
    expect(queries(fake).at(-1)!.member_id).toBe(who.id);
    // The person's record opens at once.
    expect((await screen.findByTestId("membership-detail")).textContent).toContain(who.name);

    await click("membership-person-clear");
    await waitFor(() => expect(rows()).toHaveLength(20));
    expect(screen.queryByTestId("membership-person")).toBeNull();
  });
});
