import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { byTestId, startApp } from "../../../test/util";

const click = (id: string) => fireEvent.click(byTestId(id));
const card = (id: string) => screen.getAllByTestId("lottery-card").find((c) => c.dataset.id === id)!;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
const qrPng = (code: string) => new File([new Uint8Array([...PNG, ...new TextEncoder().encode(code)])], "lottery.png", { type: "image/png" });

/** The member's home → 我的抽奖. */
async function openLotteries(opts: Parameters<typeof startApp>[0] = {}) {
  const app = await startApp({ scenario: "member", ...opts });
  await click("nav-lotteries");
  await screen.findByTestId("member-lotteries");
  await waitFor(() => expect(screen.getAllByTestId("lottery-card").length).toBeGreaterThan(0));
  return app;
}

describe("member lotteries", () => {
  it("我的奖品 lists what the member won; the lottery shows the winners, the seed and a re-check that passes", async () => {
    const { fake } = await openLotteries();
    expect(screen.getAllByTestId("lottery-card").map((c) => `${c.dataset.id}:${c.dataset.status}:${c.dataset.entered}`)).toEqual([
      "lt-union:open:0",
      "lt-gala:drawn:1",
    ]);
    expect(within(card("lt-gala")).getByTestId("lottery-card-prize").textContent).toBe("二等奖 · 保温杯");

    await click("lotteries-tab-prizes");
    const [prize] = await screen.findAllByTestId("my-prize");
    expect(screen.getAllByTestId("my-prize")).toHaveLength(1);
    expect(prize.dataset.lottery).toBe("lt-gala");
    expect(within(prize).getByTestId("my-prize-name").textContent).toBe("二等奖 · 保温杯");
    expect(prize.textContent).toContain("2026年迎新春文艺汇演抽奖");
    expect(fake.callsOf("my_prizes")).toHaveLength(1);

    await fireEvent.click(prize);
    await screen.findByTestId("lottery");
    expect(byTestId("lottery-status").dataset.status).toBe("drawn");
    expect(byTestId("lottery-my-prize").textContent).toBe("恭喜您获得 二等奖 · 保温杯");
    expect(byTestId("lottery-entry").dataset.state).toBe("entered");
    const gala = fake.acts.lotteries.find((l) => l.id === "lt-gala")!;
    expect(byTestId("lottery-seed").textContent).toBe(gala.seed);
    expect(byTestId("lottery-commitment").textContent).toBe(gala.seed_commitment);
    const mine = screen.getAllByTestId("lottery-winner").filter((w) => w.dataset.mine === "1");
    expect(mine.map((w) => w.textContent)).toEqual(["欧阳**（我）"]);
    expect(screen.getAllByTestId("lottery-prize-result").map((p) => p.dataset.winners)).toEqual(["2", "10", "30"]);

    await click("lottery-verify");
    await waitFor(() => expect(byTestId("lottery-check-summary").dataset.ok).toBe("1"));
    expect(byTestId("lottery-check-summary").textContent).toBe("复核通过：381 人参加，中奖名单与公布结果一致");
    expect(["seed", "entrants", "winners"].map((k) => byTestId(`lottery-check-${k}`).dataset.ok)).toEqual(["1", "1", "1"]);
    expect(fake.callsOf("lottery_check")).toEqual([["lt-gala"]]);
  });

  it("a re-check that finds the published winners changed says so", async () => {
    const { fake } = await openLotteries();
    const gala = fake.acts.lotteries.find((l) => l.id === "lt-gala")!;
    // Someone swapped a winner after the draw.
    const [first] = gala.results[0].winners;
    const other = gala.entries.find((e) => !gala.results.some((p) => p.winners.some((w) => w.entry_id === e.entry_id)))!;
    first.entry_id = other.entry_id;
    await fireEvent.click(card("lt-gala"));
    await screen.findByTestId("lottery");
    await click("lottery-verify");
    await waitFor(() => expect(byTestId("lottery-check-summary").dataset.ok).toBe("0"));
    expect(byTestId("lottery-check-summary").textContent).toBe("复核未通过：结果与公布的数据不符");
    expect(byTestId("lottery-check-winners").dataset.ok).toBe("0");
    expect(byTestId("lottery-check-seed").dataset.ok).toBe("1");
  });

  it("enters an open lottery by scanning its code, from the lottery's own page", async () => {
    const { fake } = await openLotteries();
    await fireEvent.click(card("lt-union"));
    await screen.findByTestId("lottery");
    expect(byTestId("lottery-status").textContent).toBe("待开奖");
    expect(screen.queryByTestId("lottery-seed")).toBeNull();
    expect(screen.getAllByTestId("lottery-prize")).toHaveLength(4);
    expect(byTestId("lottery-entrants").dataset.n).toBe("86");
    expect(byTestId("lottery-entry-hint").textContent).toContain("在活动现场扫描抽奖码即可参加");
    expect(screen.queryByTestId("lottery-verify")).toBeNull();

    await click("lottery-scan");
    await screen.findByTestId("member-scan-page");
    await fireEvent.change(byTestId("member-scan-file"), { target: { files: [qrPng("HJ1:LOTTERY:lt-union")] } });
    const result = await screen.findByTestId("member-scan-result");
    await waitFor(() => expect(result.dataset.state).toBe("done"));
    expect(result.dataset.kind).toBe("lottery");
    expect(byTestId("member-scan-message").textContent).toBe("已参加抽奖，祝您好运");
    expect(result.textContent).toContain("参加抽奖 · 工会年会抽奖");
    expect(fake.callsOf("member_scan")).toEqual([["HJ1:LOTTERY:lt-union"]]);

    // Back comes back to the lottery, now entered.
    await click("page-back");
    await screen.findByTestId("lottery");
    await waitFor(() => expect(byTestId("lottery-entry").dataset.state).toBe("entered"));
    expect(byTestId("lottery-entrants").dataset.n).toBe("87");
    expect(screen.queryByTestId("lottery-entry-hint")).toBeNull();
  });

  it("offline, the entry waits on the phone and the lottery says so", async () => {
    const { fake } = await openLotteries({ online: false });
    await click("lotteries-scan");
    await screen.findByTestId("member-scan-page");
    await fireEvent.change(byTestId("member-scan-file"), { target: { files: [qrPng("HJ1:LOTTERY:lt-union")] } });
    await waitFor(() => expect(byTestId("member-scan-result").dataset.state).toBe("queued"));
    await click("member-scan-open");
    await screen.findByTestId("lottery");
    expect(byTestId("lottery-entry").dataset.state).toBe("queued");
    expect(byTestId("lottery-entry").textContent).toBe("已扫码，联网后自动提交参加");
    expect(fake.status.pending).toBe(1);
  });

  it("no prize yet says so", async () => {
    const { fake } = await openLotteries();
    fake.acts.lotteries = fake.acts.lotteries.filter((l) => l.id !== "lt-gala");
    await click("lotteries-tab-prizes");
    expect((await screen.findByTestId("my-prizes-none")).textContent).toBe("暂无中奖记录");
  });
});
