import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { todayLocal } from "../../../lib/dues";
import type { FakeBackend } from "../../../lib/fake";
import { byTestId, startApp } from "../../../test/util";

const click = (id: string) => fireEvent.click(byTestId(id));
const type = (id: string, value: string) => fireEvent.input(byTestId(id), { target: { value } });
const year = new Date().getFullYear();
const today = todayLocal();
const tomorrow = todayLocal(new Date(Date.now() + 86_400_000));

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
const png = (name = "转账凭证.png") => new File([new Uint8Array(PNG)], name, { type: "image/png" });
const pick = (file: File) => fireEvent.change(byTestId("offline-file"), { target: { files: [file] } });

const order = (id: string) => screen.getAllByTestId("dues-order").find((o) => o.dataset.orderId === id)!;
const inOrder = (id: string, testid: string) => within(order(id)).getByTestId(testid);
const rows = () => screen.queryAllByTestId("payment-row");

afterEach(() => {
  vi.useRealTimers();
});

/** The member's app, on 办事 → 会费. */
async function openDues(opts: Parameters<typeof startApp>[0] = {}) {
  const app = await startApp({ scenario: "member", ...opts });
  await click("nav-work");
  await click("dues-start");
  await screen.findByTestId("my-dues");
  await screen.findAllByTestId("dues-order");
  return app;
}

async function offlineForm(orderId = "do-1") {
  await fireEvent.click(inOrder(orderId, "pay-offline"));
  await screen.findByTestId("offline-form");
}

/** Submits a bank transfer of the whole open amount with a PNG proof; returns its id. */
async function submitTransfer(fake: FakeBackend): Promise<string> {
  await offlineForm();
  await pick(png());
  await screen.findByTestId("offline-preview");
  await type("offline-reference", "工行 6222 **** 0021");
  await click("offline-submit");
  await screen.findByTestId("offline-saved");
  const n = fake.callsOf("payment_submit_offline").length;
  expect(n).toBeGreaterThan(0);
  await click("offline-back");
  await screen.findByTestId("my-dues");
  await waitFor(() => expect(rows().some((r) => r.dataset.status === "submitted")).toBe(true));
  return rows().find((r) => r.dataset.status === "submitted")!.dataset.paymentId!;
}

describe("member dues: the home card and the 会费 page", () => {
  it("the home card says what is due and opens the dues page with the orders and 支付记录", async () => {
    await startApp({ scenario: "member" });
    const card = await screen.findByTestId("home-dues");
    expect(byTestId("home-dues-text").textContent!.trim()).toBe(`待缴会费 ¥240.00 · ${year}年度`);
    expect(card.dataset.fen).toBe("24000");
    await fireEvent.click(card);
    await screen.findByTestId("my-dues");

    const orders = await screen.findAllByTestId("dues-order");
    expect(orders.map((o) => `${o.dataset.orderId}:${o.dataset.status}:${o.dataset.fen}`)).toEqual([
      "do-1:pending:24000",
      "do-0:paid:24000",
    ]);
    expect(orders[0].textContent).toContain(`${year}年度会费`);
    expect(orders[0].textContent).toContain("南京医科大学工会");
    expect(inOrder("do-1", "order-outstanding").textContent).toBe("¥240.00");
    // Due on 01-31 of this year: overdue by December.
    expect(inOrder("do-1", "order-overdue").textContent).toBe("已逾期");
    expect(inOrder("do-1", "pay-online").textContent!.trim()).toBe("在线缴费");
    expect(inOrder("do-1", "pay-offline").textContent!.trim()).toBe("线下缴费");
    expect(within(order("do-0")).queryByTestId("pay-online")).toBeNull();
    expect(within(order("do-0")).getByTestId("order-status").textContent).toBe("已缴清");
    expect(byTestId("dues-total").textContent).toContain("¥240.00");

    const [paid] = rows();
    expect(rows()).toHaveLength(1);
    expect(paid.dataset.status).toBe("confirmed");
    expect(paid.dataset.local).toBe("synced");
    expect(paid.textContent).toContain(`${year - 1}年度会费`);
    expect(paid.textContent).toContain("在线支付（沙箱）");
    expect(paid.textContent).toContain("已支付");

    await click("page-back");
    expect(await screen.findByTestId("work-hub")).toBeTruthy();
  });

  it("我的会籍 shows a line per order and links to the dues page", async () => {
    await startApp({ scenario: "member" });
    await click("home-open-memberships");
    await screen.findByTestId("my-memberships");
    const lines = await screen.findAllByTestId("dues-order");
    expect(lines[0].textContent).toContain(`${year}年度会费`);
    expect(lines[0].textContent).toContain("待缴费");
    await click("memberships-open-dues");
    await screen.findByTestId("my-dues");
  });
});

describe("member dues: 在线缴费", () => {
  it("shows the pay link and QR, opens the page in the browser, and turns to 支付成功 at the next poll", async () => {
    const { fake } = await openDues();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    await fireEvent.click(inOrder("do-1", "pay-online"));
    await vi.advanceTimersByTimeAsync(0);
    const sheet = byTestId("pay-online-sheet");
    expect(fake.callsOf("payment_start_online")).toEqual([["do-1", null]]);

    const url = byTestId("pay-url");
    const payUrl = url.dataset.url!;
    expect(payUrl).toMatch(/^https:\/\/pay\.sandbox\.huiji\.example\.cn\/sandbox\/pay\/pay-\d+$/);
    expect(url.textContent).toBe(payUrl);
    expect(byTestId("pay-qr").querySelector("svg")).toBeTruthy();
    expect(byTestId("pay-amount").textContent).toBe("¥240.00");
    expect(byTestId("pay-channel").textContent).toBe("支付方式：在线支付（沙箱）");
    expect(sheet.textContent).toContain("用手机扫码或在浏览器中完成支付，支付完成后本页自动更新");
    expect(byTestId("pay-status").dataset.status).toBe("created");

    await click("pay-open");
    expect(fake.opened).toEqual([payUrl]);
    expect(byTestId("pay-open").textContent!.trim()).toBe("在浏览器中打开支付页面");

    // Not paid yet: the poll asks and the sheet keeps waiting.
    await vi.advanceTimersByTimeAsync(2000);
    expect(fake.callsOf("payment_poll")).toHaveLength(1);
    expect(byTestId("pay-status").dataset.status).toBe("created");

    const id = payUrl.split("/").pop()!;
    fake.dues.payTrade(id);
    expect(screen.queryByTestId("pay-done")).toBeNull();
    await vi.advanceTimersByTimeAsync(2000);
    expect(fake.callsOf("payment_poll")).toEqual([[id], [id]]);
    expect(byTestId("pay-status").dataset.status).toBe("confirmed");
    expect(byTestId("pay-done").textContent).toContain("支付成功");
    expect(byTestId("pay-receipt-no").textContent).toMatch(/^收据编号：SJ\d{14}$/);

    // Paid is final: no more polling.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fake.callsOf("payment_poll")).toHaveLength(2);

    await click("pay-back");
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.queryByTestId("pay-online-sheet")).toBeNull();
    expect(order("do-1").dataset.status).toBe("paid");
    const row = rows().find((r) => r.dataset.paymentId === id)!;
    expect(row.dataset.status).toBe("confirmed");
    expect(row.textContent).toContain("已支付");
  });

  it("stops polling when the sheet is closed; a cancelled trade says 支付已关闭 and can start again", async () => {
    const { fake } = await openDues();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    await fireEvent.click(inOrder("do-1", "pay-online"));
    await vi.advanceTimersByTimeAsync(0);
    const first = byTestId("pay-url").dataset.url!;

    await click("pay-cancel");
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.callsOf("payment_act")).toEqual([[first.split("/").pop(), { action: "cancel" }, null, null]]);
    expect(byTestId("pay-status").dataset.status).toBe("closed");
    expect(byTestId("pay-closed").textContent).toContain("支付已关闭");
    const polls = fake.callsOf("payment_poll").length;
    await vi.advanceTimersByTimeAsync(6000);
    expect(fake.callsOf("payment_poll")).toHaveLength(polls);

    await click("pay-restart");
    await vi.advanceTimersByTimeAsync(0);
    const second = byTestId("pay-url").dataset.url!;
    expect(second).not.toBe(first);
    expect(byTestId("pay-status").dataset.status).toBe("created");

    await click("pay-online-close");
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.queryByTestId("pay-online-sheet")).toBeNull();
    const after = fake.callsOf("payment_poll").length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fake.callsOf("payment_poll")).toHaveLength(after);
  });

  it("offline, 在线缴费 says it needs the network", async () => {
    const { fake } = await openDues();
    fake.emitStatus({ online: false });
    await fireEvent.click(inOrder("do-1", "pay-online"));
    await waitFor(() =>
      expect(inOrder("do-1", "pay-online-error").textContent).toBe(
        "在线缴费需要联网；无网络时可选择线下缴费并上传凭证，联网后自动提交",
      ),
    );
    expect(screen.queryByTestId("pay-online-sheet")).toBeNull();
    // The word goes once the member moves on (to 线下缴费, say) and comes back.
    await offlineForm();
    await click("page-back");
    await screen.findByTestId("my-dues");
    expect(within(order("do-1")).queryByTestId("pay-online-error")).toBeNull();
  });
});

describe("member dues: 线下缴费", () => {
  it("checks the form with the domain's words before sending anything", async () => {
    const { fake } = await openDues();
    await offlineForm();
    expect(byTestId<HTMLInputElement>("offline-amount").value).toBe("240.00");
    expect(byTestId<HTMLInputElement>("offline-date").value).toBe(today);
    expect(byTestId<HTMLInputElement>("offline-date").max).toBe(today);
    expect(byTestId<HTMLSelectElement>("offline-method").value).toBe("bank_transfer");
    expect([...byTestId<HTMLSelectElement>("offline-method").options].map((o) => o.textContent)).toEqual(["银行转账", "现金", "其他"]);
    expect(byTestId<HTMLInputElement>("offline-file").accept).toBe("image/jpeg,image/png,image/webp");

    await click("offline-submit");
    expect(byTestId("offline-proof-error").textContent).toBe("银行转账请上传转账凭证的截图或照片");

    await pick(new File(["%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"], "转账.jpg", { type: "image/jpeg" }));
    await waitFor(() => expect(byTestId("offline-proof-error").textContent).toBe("凭证必须是JPEG、PNG或WebP格式的图片"));
    expect(screen.queryByTestId("offline-preview")).toBeNull();
    await click("offline-submit");
    expect(byTestId("offline-proof-error").textContent).toBe("凭证必须是JPEG、PNG或WebP格式的图片");

    await type("offline-date", tomorrow);
    await type("offline-amount", "240.01");
    await click("offline-submit");
    expect(byTestId("offline-paid_on-error").textContent).toBe("缴费日期应为不晚于今天的有效日期");
    expect(byTestId("offline-amount-error").textContent).toBe("缴费金额不能超过该订单尚未缴清的金额（已提交待确认的也计算在内）");
    await type("offline-amount", "12.345");
    await click("offline-submit");
    expect(byTestId("offline-amount-error").textContent).toBe("缴费金额应在0.01元到100万元之间");
    expect(fake.callsOf("payment_submit_offline")).toHaveLength(0);

    // A cash payment needs no photo.
    await type("offline-amount", "100");
    await type("offline-date", today);
    await fireEvent.change(byTestId("offline-method"), { target: { value: "cash" } });
    await click("offline-submit");
    await screen.findByTestId("offline-saved");
    expect(fake.callsOf("payment_submit_offline")).toEqual([
      ["do-1", { amount_fen: 10000, paid_on: today, method: "cash", reference: null, note: null }, null, null],
    ]);
    await click("offline-back");
    await screen.findByTestId("my-dues");
    // ¥100 waits; ¥140 is still open for a new payment.
    await waitFor(() => expect(inOrder("do-1", "order-pending").textContent).toContain("¥100.00"));
    await offlineForm();
    expect(byTestId<HTMLInputElement>("offline-amount").value).toBe("140.00");
  });

  it("a bank transfer with a PNG photo is submitted in integer fen and the order waits for confirmation", async () => {
    // Slow enough to see the button while it sends.
    const { fake } = await openDues({ latencyMs: 30 });
    await offlineForm();
    await pick(png());
    const preview = await screen.findByTestId<HTMLImageElement>("offline-preview");
    expect(preview.src).toMatch(/^data:image\/png;base64,/);
    expect(screen.queryByTestId("offline-proof-error")).toBeNull();
    await type("offline-amount", "240");
    await type("offline-reference", "工行 6222 **** 0021");
    await type("offline-note", "2026年度会费");
    await click("offline-submit");
    expect(byTestId<HTMLButtonElement>("offline-submit").disabled).toBe(true);
    expect(byTestId("offline-submit").textContent!.trim()).toBe("正在提交…");

    const saved = await screen.findByTestId("offline-saved");
    expect(saved.dataset.local).toBe("synced");
    expect(saved.textContent).toContain("已提交，等待管理员确认");
    const [orderId, form, name, size] = fake.callsOf("payment_submit_offline")[0] as [string, Record<string, unknown>, string, number];
    expect(orderId).toBe("do-1");
    expect(form).toEqual({ amount_fen: 24000, paid_on: today, method: "bank_transfer", reference: "工行 6222 **** 0021", note: "2026年度会费" });
    expect(Number.isInteger(form.amount_fen)).toBe(true);
    expect([name, size]).toEqual(["转账凭证.png", PNG.length]);

    await click("offline-back");
    await screen.findByTestId("my-dues");
    await waitFor(() => expect(inOrder("do-1", "order-pending").textContent).toContain("待确认"));
    expect(inOrder("do-1", "order-pending").textContent).toContain("¥240.00");
    expect(within(order("do-1")).queryByTestId("pay-online")).toBeNull();
    // Nothing left to pay; what waits is said as such, not as 已缴清.
    expect(byTestId("dues-total").textContent).toContain("待确认");
    expect(byTestId("dues-total").textContent).toContain("¥240.00");
    const row = rows().find((r) => r.dataset.status === "submitted")!;
    expect(row.dataset.local).toBe("synced");
    expect(row.textContent).toContain("待确认");
    expect(row.textContent).toContain("银行转账");
  });

  it("offline, the payment is kept on the device (待同步) and sent at the next sync", async () => {
    const { fake } = await openDues();
    fake.emitStatus({ online: false });
    await offlineForm();
    await pick(png());
    await screen.findByTestId("offline-preview");
    await click("offline-submit");
    const saved = await screen.findByTestId("offline-saved");
    expect(saved.dataset.local).toBe("queued");
    expect(saved.textContent).toContain("已保存在本机，联网后自动提交（凭证图片将分段上传）");

    await click("offline-back");
    await screen.findByTestId("my-dues");
    await waitFor(() => expect(rows().some((r) => r.dataset.local === "queued")).toBe(true));
    const row = rows().find((r) => r.dataset.local === "queued")!;
    expect(row.textContent).toContain("待同步");
    expect(inOrder("do-1", "order-pending").textContent).toContain("¥240.00");

    await fireEvent.click(row);
    await screen.findByTestId("payment-detail");
    expect(byTestId("payment-queued").textContent).toContain("待同步");
    expect(byTestId("payment-status").textContent).toBe("待同步");

    fake.emitStatus({ online: true });
    await click("sync-now");
    // The sync reloads the open page: the payment is now the server's, 待确认.
    await waitFor(() => expect(byTestId("payment-status").textContent).toBe("待确认"));
    expect(screen.queryByTestId("payment-queued")).toBeNull();
  });
});

describe("member dues: 缴费管理 (edit, delete, receipt)", () => {
  it("edits a payment not yet confirmed, prefilled, keeping its proof", async () => {
    const { fake } = await openDues();
    const id = await submitTransfer(fake);
    await fireEvent.click(rows().find((r) => r.dataset.paymentId === id)!);
    await screen.findByTestId("payment-detail");
    expect(byTestId("payment-status").dataset.status).toBe("submitted");
    expect(await screen.findByTestId("payment-proof")).toBeTruthy();

    await click("payment-edit");
    await screen.findByTestId("offline-form");
    expect(byTestId<HTMLInputElement>("offline-amount").value).toBe("240.00");
    expect(byTestId<HTMLInputElement>("offline-reference").value).toBe("工行 6222 **** 0021");
    expect(await screen.findByTestId("offline-existing-proof")).toBeTruthy();
    await type("offline-amount", "200.50");
    await click("offline-submit");
    await screen.findByTestId("offline-saved");
    expect(fake.callsOf("payment_act")).toEqual([
      [
        id,
        { action: "edit", form: { amount_fen: 20050, paid_on: today, method: "bank_transfer", reference: "工行 6222 **** 0021", note: null } },
        null,
        null,
      ],
    ]);

    await click("offline-view");
    await screen.findByTestId("payment-detail");
    await waitFor(() => expect(byTestId("payment-amount").textContent).toBe("¥200.50"));
    const log = screen.getAllByTestId("payment-log-entry").map((e) => e.dataset.action);
    expect(log).toEqual(["edit", "submit"]);
  });

  it("deletes a payment after the confirm step", async () => {
    const { fake } = await openDues();
    const id = await submitTransfer(fake);
    await fireEvent.click(rows().find((r) => r.dataset.paymentId === id)!);
    await screen.findByTestId("payment-delete");

    await click("payment-delete");
    expect(byTestId("payment-delete-panel").textContent).toContain("确认删除这条缴费记录？");
    await click("payment-delete-cancel");
    expect(screen.queryByTestId("payment-delete-panel")).toBeNull();
    expect(fake.callsOf("payment_act")).toHaveLength(0);

    await click("payment-delete");
    await click("payment-delete-confirm");
    await screen.findByTestId("my-dues");
    expect(fake.callsOf("payment_act")).toEqual([[id, { action: "delete" }, null, null]]);
    await waitFor(() => expect(rows().some((r) => r.dataset.paymentId === id)).toBe(false));
    await waitFor(() => expect(within(order("do-1")).queryByTestId("pay-offline")).toBeTruthy());
    expect(within(order("do-1")).queryByTestId("order-pending")).toBeNull();
  });

  it("a rejected payment shows the reason and may be corrected; the device's refusal is dismissed with 知道了", async () => {
    const { fake } = await openDues();
    const id = await submitTransfer(fake);
    const p = fake.dues.payments.find((x) => x.id === id)!;
    Object.assign(p, { status: "rejected", reason: "凭证金额与缴费金额不符", decided_by: "张靖", decided_at: Date.now() });
    const real = fake.dues.detail.bind(fake.dues);
    vi.spyOn(fake.dues, "detail").mockImplementationOnce((ctx, pid) => ({
      ...real(ctx, pid),
      local: "rejected",
      local_reason: "该缴费已被其他管理员处理",
    }));

    await fireEvent.click(rows().find((r) => r.dataset.paymentId === id)!);
    await screen.findByTestId("payment-detail");
    expect(byTestId("payment-status").dataset.status).toBe("rejected");
    expect(byTestId("payment-status").textContent).toBe("已驳回");
    expect(byTestId("payment-reason").textContent).toBe("驳回原因：凭证金额与缴费金额不符");
    expect(byTestId("payment-decided").textContent).toContain("张靖");
    expect(byTestId("payment-local-reason").textContent).toContain("该缴费已被其他管理员处理");
    expect(byTestId("payment-edit")).toBeTruthy();

    await click("payment-dismiss");
    await waitFor(() => expect(screen.queryByTestId("payment-local-reason")).toBeNull());
    expect(fake.callsOf("payment_dismiss")).toEqual([[id]]);
  });

  it("a confirmed payment's receipt is saved and can be opened", async () => {
    const { fake } = await openDues();
    await fireEvent.click(rows().find((r) => r.dataset.status === "confirmed")!);
    await screen.findByTestId("payment-detail");
    expect(byTestId("payment-status").textContent).toBe("已支付");
    const no = byTestId("payment-receipt-no").textContent!;
    expect(no).toMatch(/^SJ\d{14}$/);
    expect(screen.queryByTestId("payment-edit")).toBeNull();
    expect(screen.queryByTestId("payment-delete")).toBeNull();

    await click("payment-receipt");
    const saved = await screen.findByTestId("receipt-saved");
    const path = `/home/user/下载/收据-${no}.pdf`;
    expect(saved.dataset.path).toBe(path);
    expect(saved.textContent).toContain(`已保存到：${path}`);
    await click("receipt-open");
    await waitFor(() => expect(fake.opened).toEqual([path]));
  });
});

describe("member dues: English", () => {
  it("renders the home card, the dues page, the offline form and the pay sheet without missing keys", async () => {
    const { fake } = await startApp({ scenario: "member", locale: "en" });
    const card = await screen.findByTestId("home-dues");
    expect(byTestId("home-dues-text").textContent!.trim()).toBe(`Dues ¥240.00 · ${year}`);
    await fireEvent.click(card);
    await screen.findAllByTestId("dues-order");
    const noKeys = () => expect(document.body.textContent).not.toMatch(/\bdues\.[a-zA-Z]/);
    expect(order("do-1").textContent).toContain(`${year} dues`);
    expect(order("do-1").textContent).toContain("Unpaid");
    expect(inOrder("do-1", "pay-online").textContent!.trim()).toBe("Pay online");
    expect(rows()[0].textContent).toContain("Paid");
    expect(byTestId("payment-history").textContent).toContain("Payment records");
    noKeys();

    await offlineForm();
    await click("offline-submit");
    expect(byTestId("offline-form").textContent).toContain("Amount (yuan)");
    noKeys();
    await click("page-back");
    await screen.findByTestId("my-dues");

    await fireEvent.click(inOrder("do-1", "pay-online"));
    await screen.findByTestId("pay-online-sheet");
    expect(byTestId("pay-open").textContent!.trim()).toBe("Open the payment page in the browser");
    noKeys();
    await click("pay-online-close");
    expect(fake.callsOf("payment_start_online")).toHaveLength(1);
  });
});
