import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { LedgerQuery, PaymentView } from "../../../lib/dues";
import { todayLocal } from "../../../lib/dues";
import type { FakeBackend } from "../../../lib/fake";
import type { Ctx } from "../../../lib/fakeDues";
import { P } from "../../../lib/fakeWorkflowData";
import { byTestId, startApp } from "../../../test/util";

const click = (id: string) => fireEvent.click(byTestId(id));
const type = (id: string, value: string) => fireEvent.input(byTestId(id), { target: { value } });
const pick = (id: string, value: string) => fireEvent.change(byTestId(id), { target: { value } });
const year = new Date().getFullYear();
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const payments = () => screen.queryAllByTestId("queue-payment");
const ledgerQueries = (fake: FakeBackend) => fake.callsOf("payments_ledger").map((a) => a[0] as LedgerQuery);
/** The bank transfer 江苏测试网络科技有限公司 sent for its order do-o1, waiting for 周文斌. */
const transfer = (fake: FakeBackend) => fake.dues.payments.find((p) => p.order_id === "do-o1")!;

async function openDues(opts: Parameters<typeof startApp>[0] = {}) {
  const app = await startApp({ scenario: "secretary", ...opts });
  await click("nav-dues");
  await screen.findByTestId("dues-admin");
  await waitFor(() => expect(payments()).toHaveLength(1));
  return app;
}

async function openPayment() {
  await fireEvent.click(payments()[0].querySelector("td:nth-child(3)")!);
  return screen.findByTestId("queue-detail");
}

async function tab(id: "queue" | "ledger" | "orders" | "rules") {
  await click(`dues-tab-${id}`);
}

describe("缴费管理: 待确认 (the confirmation queue)", () => {
  it("badges the navigation with the waiting count and lists the transfer with its proof", async () => {
    const { fake } = await startApp({ scenario: "secretary" });
    await waitFor(() => expect(byTestId("nav-dues-badge").textContent).toBe("1"));
    expect(byTestId("nav-dues").textContent).toContain("缴费管理");
    await click("nav-dues");
    await screen.findByTestId("dues-admin");
    // The queue is the first tab, and asks for the waiting payments of every unit.
    expect(byTestId("dues-tab-queue").getAttribute("aria-selected")).toBe("true");
    await waitFor(() => expect(payments()).toHaveLength(1));
    expect(fake.callsOf("payments_review").at(-1)![0]).toEqual({ status: null, unit_id: null, q: null, page: 1, page_size: 20 });
    expect(byTestId("dues-tab-queue-count").textContent).toBe("1");

    const row = payments()[0];
    expect(row.dataset.payer).toBe("江苏测试网络科技有限公司");
    expect(row.dataset.local).toBe("synced");
    const text = row.textContent!;
    expect(text).toContain("江苏省互联网协会");
    expect(text).toContain(`${year}年度会费`);
    expect(text).toContain("¥10,000.00");
    expect(text).toContain("银行转账");
    expect(text).toContain(transfer(fake).paid_on!);
    expect(text).toContain("中国银行 6217 **** 0021 转账");
    expect(text).toContain("待确认");
    const proof = await within(row).findByTestId("queue-proof");
    expect(proof.querySelector("img")!.getAttribute("src")).toMatch(/^data:image\/png;base64,/);
    // The thumbnail opens the photo full size.
    await fireEvent.click(proof);
    await screen.findByTestId("queue-proof-full");
  });

  it("opens a payment beside the list with its facts, proof, order and log", async () => {
    await openDues();
    const detail = await openPayment();
    expect(byTestId("queue-detail-payer").textContent).toBe("江苏测试网络科技有限公司");
    expect(byTestId("queue-detail-amount").textContent).toBe("¥10,000.00");
    // The order it pays towards: ¥20,000, nothing paid yet.
    expect((await screen.findByTestId("queue-detail-order")).textContent).toBe("应缴 ¥20,000.00，已缴 ¥0.00，未缴 ¥20,000.00");
    await within(detail).findByTestId("queue-detail-proof");
    const log = within(detail).getAllByTestId("queue-log-entry");
    expect(log.map((l) => l.dataset.action)).toEqual(["submit"]);
    expect(log[0].textContent).toContain("江苏测试网络科技有限公司");
    expect(byTestId("queue-confirm")).toBeTruthy();
    await click("queue-detail-close");
    expect(screen.queryByTestId("queue-detail")).toBeNull();
  });

  it("confirms: the row says 已确认, the badge goes and the comment is sent", async () => {
    const { fake } = await openDues();
    await waitFor(() => expect(byTestId("nav-dues-badge").textContent).toBe("1"));
    await openPayment();
    await type("confirm-comment", "已核对银行流水");
    await click("queue-confirm");
    await waitFor(() => expect(payments()[0].dataset.status).toBe("confirmed"));
    expect(within(payments()[0]).getByTestId("queue-status").textContent).toBe("已确认");
    expect(fake.callsOf("payment_act")).toEqual([[transfer(fake).id, { action: "confirm", comment: "已核对银行流水" }, null, null]]);
    await waitFor(() => expect(screen.queryByTestId("nav-dues-badge")).toBeNull());
    expect(screen.queryByTestId("dues-tab-queue-count")).toBeNull();
    // The panel shows who confirmed, the receipt number, and no more actions.
    expect(byTestId("queue-detail").textContent).toContain("周文斌");
    expect(byTestId("queue-detail").textContent).toMatch(/收据号\s*SJ\d{14}/);
    expect(screen.queryByTestId("queue-confirm")).toBeNull();
    // Under 已确认 it is listed.
    await click("queue-status-confirmed");
    await waitFor(() => expect(fake.callsOf("payments_review").at(-1)![0]).toMatchObject({ status: "confirmed" }));
    await waitFor(() => expect(payments().map((r) => r.dataset.status)).toEqual(["confirmed"]));
  });

  it("rejects only with a reason", async () => {
    const { fake } = await openDues();
    await openPayment();
    await click("queue-reject");
    await click("reject-submit");
    expect(byTestId("reject-error").textContent).toBe("请填写驳回原因");
    expect(fake.callsOf("payment_act")).toHaveLength(0);

    await type("reject-reason", "  未查到该笔转账  ");
    await click("reject-submit");
    await waitFor(() => expect(payments()[0].dataset.status).toBe("rejected"));
    expect(within(payments()[0]).getByTestId("queue-status").textContent).toBe("已驳回");
    expect(fake.callsOf("payment_act")).toEqual([[transfer(fake).id, { action: "reject", reason: "未查到该笔转账" }, null, null]]);
    expect(byTestId("queue-detail-reason").textContent).toBe("未查到该笔转账");
    await waitFor(() => expect(screen.queryByTestId("nav-dues-badge")).toBeNull());
  });

  it("offline, a confirmation waits on the device as 待同步", async () => {
    const { fake } = await openDues();
    fake.emitStatus({ online: false });
    await openPayment();
    await click("queue-confirm");
    await waitFor(() => expect(payments()[0].dataset.local).toBe("queued"));
    expect(payments()[0].textContent).toContain("待同步");
    expect(byTestId("queue-queued-note").textContent).toBe("当前离线：您的处理已保存在本机，将在下次同步时发送");
    expect(fake.callsOf("payment_act")[0][1]).toEqual({ action: "confirm", comment: null });
    expect(screen.queryByTestId("queue-confirm")).toBeNull();
    // Read again from the device, it is still in the queue, still to be sent.
    await click("queue-status-confirmed");
    await click("queue-status-submitted");
    await waitFor(() => expect(payments()[0]?.dataset.local).toBe("queued"));
  });

  it("shows the server's word when it refuses, and who acted first on a conflict", async () => {
    const { fake } = await openDues();
    fake.failNext("payment_act", "SelfConfirm", "不能确认或驳回自己提交的缴费，请由其他管理员处理");
    await openPayment();
    await click("queue-confirm");
    expect((await screen.findByTestId("queue-action-error")).textContent).toBe("不能确认或驳回自己提交的缴费，请由其他管理员处理");
    expect(payments()[0].dataset.status).toBe("submitted");

    // Our offline confirmation reached the server after another admin had rejected it.
    const p = transfer(fake);
    Object.assign(p, { status: "rejected", reason: "金额与流水不符", decided_by: "孙海" });
    const why = "已由孙海于12月1日 10:20驳回，您的确认未生效";
    const conflicted = new Set([p.id]);
    const mark = (v: PaymentView): PaymentView => (conflicted.has(v.id) ? { ...v, local: "conflict", local_reason: why } : v);
    const review = fake.dues.review.bind(fake.dues);
    const detail = fake.dues.detail.bind(fake.dues);
    fake.dues.review = (ctx: Ctx, q) => {
      const r = review(ctx, q);
      // Like the app: ours overtaken stays in the waiting list until it is read.
      const extra = !q.status ? [...conflicted].map((id) => detail(ctx, id)) : [];
      return { ...r, items: [...extra, ...r.items.filter((x) => !conflicted.has(x.id))].map(mark), total: r.total + extra.length };
    };
    fake.dues.detail = (ctx: Ctx, id: string) => mark(detail(ctx, id));
    const dismiss = fake.payment_dismiss.bind(fake);
    fake.payment_dismiss = (id: string) => (conflicted.delete(id), dismiss(id));

    await click("queue-status-rejected");
    await click("queue-status-submitted");
    await waitFor(() => expect(payments()[0]?.dataset.local).toBe("conflict"));
    expect(payments()[0].textContent).toContain("未生效");
    await openPayment();
    expect(byTestId("queue-conflict").textContent).toContain(why);
    expect(screen.queryByTestId("queue-confirm")).toBeNull();
    await click("queue-dismiss");
    await waitFor(() => expect(screen.queryByTestId("queue-conflict")).toBeNull());
    expect(fake.callsOf("payment_dismiss")).toEqual([[p.id]]);
    expect(byTestId("queue-detail").dataset.status).toBe("rejected");
  });

  it("a payment of one's own cannot be confirmed here", async () => {
    const { fake } = await startApp({ scenario: "secretary" });
    Object.assign(transfer(fake), { account_id: P.zhou.id, payer: P.zhou.name });
    await click("nav-dues");
    await waitFor(() => expect(payments()).toHaveLength(1));
    await openPayment();
    expect(byTestId("queue-mine").textContent).toBe("这是您本人提交的缴费，需由其他管理员确认");
    expect(screen.queryByTestId("queue-confirm")).toBeNull();
  });

  it("filters by unit and payer", async () => {
    const { fake } = await openDues();
    const options = [...byTestId<HTMLSelectElement>("queue-unit").options].map((o) => o.textContent!.trim());
    // The association first, its stations under it.
    expect(options.slice(0, 2)).toEqual(["全部单位", "江苏省互联网协会"]);
    expect(options).toHaveLength(7);
    await pick("queue-unit", "u-0");
    await waitFor(() => expect(fake.callsOf("payments_review").at(-1)![0]).toMatchObject({ unit_id: "u-0", page: 1 }));
    await waitFor(() => expect(byTestId("queue-empty").textContent!.trim()).toBe("没有符合条件的缴费"));
    await pick("queue-unit", "");
    await type("queue-q", "测试网络");
    await waitFor(() => expect(fake.callsOf("payments_review").at(-1)![0]).toMatchObject({ unit_id: null, q: "测试网络" }));
    await waitFor(() => expect(payments()).toHaveLength(1));
  });
});

describe("缴费管理: 台账 (the ledger)", () => {
  it("shows the totals, by method and by period, and the rows", async () => {
    const { fake } = await openDues();
    await openPayment();
    await click("queue-confirm");
    await waitFor(() => expect(payments()[0].dataset.status).toBe("confirmed"));
    await tab("ledger");
    await waitFor(() => expect(screen.getAllByTestId("ledger-row")).toHaveLength(1));
    expect(ledgerQueries(fake)[0]).toEqual({ unit_id: null, period: null, status: null, method: null, q: null, page: 1, page_size: 20 });
    expect(byTestId("ledger-total-count").textContent).toBe("1");
    expect(byTestId("ledger-total-amount").textContent).toBe("合计 ¥10,000.00");
    expect(byTestId("ledger-total-confirmed").textContent).toBe("¥10,000.00");
    expect(byTestId("ledger-total-pending").textContent).toBe("¥0.00");
    const m = screen.getAllByTestId("ledger-method-total");
    expect(m.map((x) => x.dataset.method)).toEqual(["bank_transfer"]);
    expect(m[0].textContent).toContain("1 笔");
    const period = screen.getAllByTestId("ledger-period-row").find((r) => r.dataset.period === String(year))!;
    expect([...period.querySelectorAll("td")].map((td) => td.textContent)).toEqual([
      `${year}年度`, "1", "0", "¥20,000.00", "¥10,000.00", "¥10,000.00",
    ]);
    const row = screen.getAllByTestId("ledger-row")[0];
    expect(row.dataset).toMatchObject({ payer: "江苏测试网络科技有限公司", status: "confirmed", method: "bank_transfer" });
    const cells = [...row.querySelectorAll("td")].map((td) => td.textContent!.trim());
    expect(cells[0]).toMatch(/^SJ\d{14}$/);
    expect(cells.slice(1, 8)).toEqual(["江苏测试网络科技有限公司", "江苏省互联网协会", `${year}年度`, "¥10,000.00", "银行转账", "已确认", transfer(fake).paid_on]);
    expect(cells[9]).toBe("周文斌");
    expect(screen.queryByTestId("ledger-offline")).toBeNull();
  });

  it("sends each filter in the query and refuses a bad period without asking", async () => {
    const { fake } = await openDues();
    await tab("ledger");
    await waitFor(() => expect(byTestId("ledger-total-count").textContent).toBe("1"));
    expect(byTestId("ledger-total-pending").textContent).toBe("¥10,000.00");
    const statuses = [...byTestId<HTMLSelectElement>("ledger-status").options].map((o) => o.textContent);
    expect(statuses[0]).toBe("已提交/已确认/已驳回");
    await pick("ledger-unit", "n-jsia");
    await pick("ledger-status", "submitted");
    await pick("ledger-method", "bank_transfer");
    await type("ledger-q", "测试网络");
    await type("ledger-period", String(year));
    await waitFor(() =>
      expect(ledgerQueries(fake).at(-1)).toEqual({
        unit_id: "n-jsia", period: String(year), status: "submitted", method: "bank_transfer", q: "测试网络", page: 1, page_size: 20,
      }),
    );
    await waitFor(() => expect(screen.getAllByTestId("ledger-row")).toHaveLength(1));

    const asked = fake.callsOf("payments_ledger").length;
    await type("ledger-period", `${year}-13`);
    expect(byTestId("ledger-period-error").textContent).toBe("缴费周期格式不正确，应为“2026”“2026-H1”或“2026-03”");
    await pause(400);
    expect(fake.callsOf("payments_ledger")).toHaveLength(asked);
    await click("ledger-export-csv");
    expect(fake.callsOf("payments_export")).toHaveLength(0);

    await type("ledger-period", `${year}-H1`);
    await waitFor(() => expect(ledgerQueries(fake).at(-1)!.period).toBe(`${year}-H1`));
    expect(screen.queryByTestId("ledger-period-error")).toBeNull();
    await waitFor(() => expect(byTestId("ledger-empty").textContent!.trim()).toBe("没有符合条件的缴费记录"));
    await pick("ledger-method", "online");
    await waitFor(() => expect(ledgerQueries(fake).at(-1)).toMatchObject({ method: "online", page: 1 }));
  });

  it("exports XLSX and CSV with the filters, and opens the saved file", async () => {
    const { fake } = await openDues();
    await tab("ledger");
    await waitFor(() => expect(byTestId("ledger-total-count").textContent).toBe("1"));
    await click("ledger-export-xlsx");
    const saved = await screen.findByTestId("export-saved");
    expect(saved.dataset.path).toMatch(/\/缴费台账-.+\.xlsx$/);
    expect(saved.textContent).toContain(saved.dataset.path!);
    expect(saved.textContent).toMatch(/已保存 缴费台账-[\d-]+\.xlsx（\d+ KB）/);
    const all = { unit_id: null, period: null, status: null, method: null, q: null, page: null, page_size: null };
    expect(fake.callsOf("payments_export")).toEqual([[all, "xlsx"]]);
    await click("export-open");
    await waitFor(() => expect(fake.opened).toEqual([saved.dataset.path]));

    await pick("ledger-status", "confirmed");
    await click("ledger-export-csv");
    await waitFor(() => expect(byTestId("export-saved").dataset.path).toMatch(/\.csv$/));
    expect(fake.callsOf("payments_export")[1]).toEqual([{ ...all, status: "confirmed" }, "csv"]);
  });

  it("offline: the device's copy with a banner; export says it needs the network", async () => {
    const { fake } = await openDues({ online: false });
    await tab("ledger");
    expect((await screen.findByTestId("ledger-offline")).textContent).toBe("离线：仅显示本机已同步的数据");
    await click("ledger-export-xlsx");
    expect((await screen.findByTestId("export-error")).textContent).toBe("该操作需要联网，请连接网络后再试");
    expect(screen.queryByTestId("export-saved")).toBeNull();
    expect(fake.callsOf("payments_export")).toHaveLength(1);
  });
});

describe("缴费管理: 欠费 and 会费标准", () => {
  it("lists the unpaid orders and cancels only with a reason; the server refuses one with payments", async () => {
    const { fake } = await openDues();
    await tab("orders");
    const rows = await screen.findAllByTestId("owed-order");
    expect(rows.map((r) => r.dataset.orderId)).toEqual(["do-o1"]);
    expect(fake.callsOf("dues_orders_admin").at(-1)).toEqual([null, null, null]);
    const cells = [...rows[0].querySelectorAll("td")].map((td) => td.textContent!.trim());
    expect(cells.slice(0, 7)).toEqual([
      "江苏测试网络科技有限公司", "江苏省互联网协会", `${year}年度会费`, "¥20,000.00", "¥0.00", "¥10,000.00", "¥20,000.00",
    ]);
    const due = fake.dues.orders.find((o) => o.id === "do-o1")!.due_on!;
    expect(cells[7]).toContain(due);
    expect(!!within(rows[0]).queryByTestId("owed-overdue")).toBe(due < todayLocal());

    await click("owed-cancel");
    await click("cancel-submit");
    expect(byTestId("cancel-reason-error").textContent).toBe("请填写取消原因");
    expect(fake.callsOf("dues_order_cancel")).toHaveLength(0);
    await type("cancel-reason", "重复开具");
    await click("cancel-submit");
    expect((await screen.findByTestId("cancel-error")).textContent).toBe("该订单已有缴费或待确认的缴费，不能取消");
    expect(fake.callsOf("dues_order_cancel")).toEqual([["do-o1", "重复开具"]]);
    expect(screen.getAllByTestId("owed-order")).toHaveLength(1);

    await type("owed-period", "2026年");
    expect(byTestId("owed-period-error").textContent).toContain("缴费周期格式不正确");
    await type("owed-period", String(year - 1));
    await waitFor(() => expect(fake.callsOf("dues_orders_admin").at(-1)).toEqual([null, String(year - 1), null]));
    await waitFor(() => expect(byTestId("owed-empty").textContent!.trim()).toBe("没有未缴清的会费订单"));
  });

  it("lists the rules of the caller's units", async () => {
    await openDues();
    await tab("rules");
    const rows = await screen.findAllByTestId("rule-row");
    // Not 南京医科大学工会's rule: outside 周文斌's association.
    expect(rows).toHaveLength(2);
    const vp = rows.find((r) => r.textContent!.includes("副理事长单位年费"))!;
    const cell = (row: HTMLElement, id: string) => within(row).getByTestId(id).textContent!.replace(/\s+/g, " ").trim();
    expect(cell(vp, "rule-name-cell")).toBe("副理事长单位年费");
    expect(cell(vp, "rule-unit-cell")).toBe("江苏省互联网协会");
    expect(cell(vp, "rule-who")).toBe("单位会员 副理事长单位");
    expect(cell(vp, "rule-amount-cell")).toBe("¥20,000.00 按年");
    expect(cell(vp, "rule-due")).toBe("90 天 首期不折算");
    expect(cell(vp, "rule-active-cell")).toBe("启用");
    const all = rows.find((r) => r.textContent!.includes("会员单位年费"))!;
    expect(cell(all, "rule-who")).toBe("全部");
    expect(cell(all, "rule-amount-cell")).toBe("¥3,000.00 按年");
    expect(cell(all, "rule-due")).toBe("90 天 首期按天折算");
  });

  it("checks a new rule as the domain does, then saves it in fen", async () => {
    const { fake } = await openDues();
    await tab("rules");
    await screen.findAllByTestId("rule-row");
    await click("rule-new");
    expect(byTestId<HTMLSelectElement>("rule-unit").value).toBe("n-jsia");
    const message = "会费标准需填写名称（1到40个字）、金额（0.01元到100万元）和周期，缴费期限不能超过一个周期";
    await type("rule-name", "个人会员月费");
    await type("rule-amount", "0");
    await click("rule-save");
    expect(byTestId("rule-error").textContent).toBe(message);
    expect(byTestId("rule-amount").getAttribute("aria-invalid")).toBe("true");
    await type("rule-amount", "1000001");
    await click("rule-save");
    expect(byTestId("rule-amount").getAttribute("aria-invalid")).toBe("true");
    // A month is at least 28 days: due after 28 falls outside it.
    await type("rule-amount", "1,234.5");
    await pick("rule-period", "month");
    await type("rule-due-days", "28");
    await click("rule-save");
    expect(byTestId("rule-amount").getAttribute("aria-invalid")).toBeNull();
    expect(byTestId("rule-due-days").getAttribute("aria-invalid")).toBe("true");
    expect(fake.callsOf("dues_rule_save")).toHaveLength(0);

    await type("rule-due-days", "10");
    await type("rule-type", "  ");
    await fireEvent.click(byTestId("rule-prorate"));
    await click("rule-save");
    await waitFor(() => expect(fake.callsOf("dues_rule_save")).toHaveLength(1));
    expect(fake.callsOf("dues_rule_save")[0]).toEqual([
      null,
      {
        name: "个人会员月费", unit_id: "n-jsia", unit_name: "江苏省互联网协会", member_type: null, level: null,
        amount_fen: 123450, period: "month", due_days: 10, prorate_first: false, active: true,
      },
    ]);
    expect((await screen.findByTestId("rule-notice")).textContent).toBe("已保存会费标准“个人会员月费”");
    await waitFor(() => expect(screen.getAllByTestId("rule-row")).toHaveLength(3));
    const added = screen.getAllByTestId("rule-row").find((r) => r.textContent!.includes("个人会员月费"))!;
    expect(within(added).getByTestId("rule-amount-cell").textContent!.replace(/\s+/g, " ").trim()).toBe("¥1,234.50 按月");
    expect(screen.queryByTestId("rule-form")).toBeNull();
  });

  it("edits a rule: stopping it keeps its figures", async () => {
    const { fake } = await openDues();
    await tab("rules");
    const rows = await screen.findAllByTestId("rule-row");
    const vp = rows.find((r) => r.textContent!.includes("副理事长单位年费"))!;
    await fireEvent.click(within(vp).getByTestId("rule-edit"));
    expect(byTestId<HTMLInputElement>("rule-amount").value).toBe("20000.00");
    expect(byTestId<HTMLInputElement>("rule-level").value).toBe("副理事长单位");
    await fireEvent.click(byTestId("rule-active"));
    await click("rule-save");
    await waitFor(() => expect(fake.callsOf("dues_rule_save")).toHaveLength(1));
    expect(fake.callsOf("dues_rule_save")[0]).toEqual([
      vp.dataset.ruleId,
      {
        name: "副理事长单位年费", unit_id: "n-jsia", unit_name: "江苏省互联网协会", member_type: "单位会员", level: "副理事长单位",
        amount_fen: 2_000_000, period: "year", due_days: 90, prorate_first: false, active: false,
      },
    ]);
    await waitFor(() => expect(screen.getAllByTestId("rule-row").find((r) => r.dataset.ruleId === vp.dataset.ruleId)!.dataset.active).toBe("0"));
  });

  it("bills next year by hand and says what it did; a second run bills no one twice", async () => {
    const { fake } = await openDues();
    await tab("rules");
    await screen.findByTestId("generate");
    expect(byTestId<HTMLInputElement>("generate-period").value).toBe(String(year + 1));
    expect(byTestId<HTMLSelectElement>("generate-unit").value).toBe("n-jsia");
    expect(byTestId("generate").textContent).toContain("系统每期自动为上期已入会的会员生成订单，此处可提前或补充生成");
    const before = fake.dues.orders.length;
    await click("generate-submit");
    const report = await screen.findByTestId("generate-report");
    const created = fake.dues.orders.length - before;
    expect(created).toBeGreaterThan(0);
    expect(fake.callsOf("dues_generate")).toEqual([["n-jsia", String(year + 1)]]);
    const m = /^已生成(\d+)张订单，(\d+)位会员本期已有订单，(\d+)位会员不适用本标准$/.exec(report.textContent!.trim())!;
    expect(Number(m[1])).toBe(created);
    await click("generate-submit");
    await waitFor(() => expect(fake.callsOf("dues_generate")).toHaveLength(2));
    await waitFor(() => expect(byTestId("generate-report").textContent).toContain(`已生成0张订单，${created}位会员本期已有订单`));

    await type("generate-period", "2027-7");
    await click("generate-submit");
    expect(byTestId("generate-error").textContent).toContain("缴费周期格式不正确");
    expect(fake.callsOf("dues_generate")).toHaveLength(2);

    // The new order has no payment: it can be cancelled.
    await tab("orders");
    await type("owed-period", String(year + 1));
    await waitFor(() => expect(screen.getAllByTestId("owed-order").length).toBe(created));
    await fireEvent.click(within(screen.getAllByTestId("owed-order")[0]).getByTestId("owed-cancel"));
    await type("cancel-reason", "提前生成有误");
    await click("cancel-submit");
    expect((await screen.findByTestId("owed-notice")).textContent).toContain(`${year + 1}年度会费订单`);
    await waitFor(() => expect(screen.queryAllByTestId("owed-order")).toHaveLength(created - 1));
  });

  it("renders in English", async () => {
    await openDues({ locale: "en" });
    expect(byTestId("nav-dues").textContent).toContain("Dues");
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Dues and payments");
    expect(byTestId("dues-tab-ledger").textContent).toContain("Ledger");
    const row = payments()[0];
    expect(row.textContent).toContain(`Dues Year ${year}`);
    expect(row.textContent).toContain("Bank transfer");
    expect(row.textContent).toContain("To confirm");
    await openPayment();
    expect(byTestId("queue-confirm").textContent).toBe("Confirm received");
    await click("queue-reject");
    await click("reject-submit");
    expect(byTestId("reject-error").textContent).toBe("Enter the reason for rejecting");
    await tab("ledger");
    await waitFor(() => expect(byTestId("ledger-total-pending").textContent).toBe("¥10,000.00"));
    expect(byTestId("ledger").textContent).toContain("By period");
  });
});
