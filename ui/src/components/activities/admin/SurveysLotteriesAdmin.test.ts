import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import type { SurveyBody } from "../../../lib/activities";
import { toLocalInput } from "../../../lib/activities";
import type { FakeBackend } from "../../../lib/fake";
import { fakeHash } from "../../../lib/fakeActivities";
import { byTestId, startApp } from "../../../test/util";
import { LIVE } from "./actAdmin";

const click = (id: string) => fireEvent.click(byTestId(id));
const type = (id: string, value: string) => fireEvent.input(byTestId(id), { target: { value } });
const pick = (id: string, value: string) => fireEvent.change(byTestId(id), { target: { value } });
const text = (id: string) => byTestId(id).textContent!.trim();

afterEach(() => {
  LIVE.ms = 5_000;
});

/** 周文斌, secretary of 江苏省互联网协会, on one tab of 活动管理. */
async function openTab(tab: "surveys" | "lotteries", opts: Parameters<typeof startApp>[0] = {}) {
  const app = await startApp({ scenario: "secretary", ...opts });
  await click("nav-activities-admin");
  await screen.findByTestId("activities-admin");
  await click(`act-tab-${tab}`);
  const row = tab === "surveys" ? "survey-row" : "lottery-row";
  await waitFor(() => expect(screen.queryAllByTestId(row).length).toBeGreaterThan(0));
  return app;
}

const questions = () => screen.queryAllByTestId("question");
/** Within the index-th question of the editor. */
const inQ = (i: number) => within(questions()[i]);
const typeIn = (el: HTMLElement, value: string) => fireEvent.input(el, { target: { value } });

async function openSurvey(id: string) {
  const row = screen.getAllByTestId("survey-row").find((r) => r.dataset.surveyId === id)!;
  await fireEvent.click(within(row).getByTestId("survey-open"));
  return screen.findByTestId("survey-detail");
}

describe("问卷投票: the editor", () => {
  it("lists the association's questionnaires and votes", async () => {
    await openTab("surveys");
    const rows = screen.getAllByTestId("survey-row");
    expect(rows.map((r) => r.dataset.surveyId).sort()).toEqual(["sv-council", "sv-needs"]);
    const council = rows.find((r) => r.dataset.surveyId === "sv-council")!;
    expect(council.dataset.kind).toBe("vote");
    expect(council.textContent).toContain("投票");
    expect(council.textContent).toContain("实名 · 截止后公布结果");
    expect(council.textContent).toContain("进行中");
  });

  it("checks a vote as the domain does — a multiple choice's limits within its options — then saves it", async () => {
    const { fake } = await openTab("surveys");
    await click("survey-new-vote");
    await screen.findByTestId("survey-form");
    expect(byTestId<HTMLSelectElement>("survey-form-kind").value).toBe("vote");
    expect(byTestId<HTMLInputElement>("survey-form-anonymous").checked).toBe(true);
    expect(questions()).toHaveLength(1);

    await click("survey-save");
    expect(text("survey-form-error")).toBe("请按提示修改标红的内容");
    expect(text("survey-form-title-error")).toBe("标题应为1到100个字符");
    expect(inQ(0).getByTestId("q-error").textContent).toBe("题目应为1到200个字符");

    await type("survey-form-title", "2026年度优秀会员单位评选");
    await typeIn(inQ(0).getByTestId("q-text"), "请选出您心目中的优秀会员单位（可多选）");
    await click("survey-save");
    expect(inQ(0).getByTestId("q-error").textContent).toBe("选项不能为空，且不超过100个字符");

    const options = () => inQ(0).getAllByTestId("q-option");
    await typeIn(options()[0], "南京星河智联科技有限公司");
    await typeIn(options()[1], "江苏测试网络科技有限公司");
    await fireEvent.change(inQ(0).getByTestId("q-kind"), { target: { value: "multiple" } });
    await fireEvent.click(inQ(0).getByTestId("q-option-add"));
    expect(options()).toHaveLength(3);
    await typeIn(options()[2], "苏州云岚数据有限公司");
    // At most 4 of 3 options.
    await typeIn(inQ(0).getByTestId("q-max"), "4");
    await click("survey-save");
    expect(inQ(0).getByTestId("q-error").textContent).toBe("多选的最少/最多选项数应在选项数以内，且最少不能大于最多");
    expect(inQ(0).getByTestId("q-max").getAttribute("aria-invalid")).toBe("true");
    // At least 3 but at most 2.
    await typeIn(inQ(0).getByTestId("q-min"), "3");
    await typeIn(inQ(0).getByTestId("q-max"), "2");
    await click("survey-save");
    expect(inQ(0).queryByTestId("q-error")).not.toBeNull();
    // Blank "at least" is one.
    await typeIn(inQ(0).getByTestId("q-min"), "");
    // A choice question needs two options: the last two cannot be removed.
    await fireEvent.click(inQ(0).getAllByTestId("q-option-remove")[2]);
    expect(options()).toHaveLength(2);
    expect(inQ(0).getAllByTestId("q-option-remove").every((b) => (b as HTMLButtonElement).disabled)).toBe(true);
    await fireEvent.click(inQ(0).getByTestId("q-option-add"));
    await typeIn(options()[2], "苏州云岚数据有限公司");

    // A rating, moved first, and an optional text question.
    await click("survey-add-question");
    await fireEvent.change(inQ(1).getByTestId("q-kind"), { target: { value: "rating" } });
    expect(inQ(1).getByTestId("q-rating-note").textContent).toContain("1到5星");
    await typeIn(inQ(1).getByTestId("q-text"), "您对本年度协会服务的评分");
    await fireEvent.click(inQ(1).getByTestId("q-up"));
    await click("survey-add-question");
    await fireEvent.change(inQ(2).getByTestId("q-kind"), { target: { value: "text" } });
    await typeIn(inQ(2).getByTestId("q-text"), "推荐理由");
    await fireEvent.click(inQ(2).getByTestId("q-required"));

    // Closing before it opens.
    const opens = byTestId<HTMLInputElement>("survey-form-opens").value;
    await type("survey-form-closes", opens);
    await click("survey-save");
    expect(text("survey-form-closes-error")).toBe("截止时间应晚于开始时间");
    expect(screen.queryAllByTestId("q-error")).toHaveLength(0);
    expect(fake.callsOf("survey_save")).toHaveLength(0);

    const closes = new Date(Date.now() + 5 * 86_400_000);
    closes.setHours(17, 0, 0, 0);
    await type("survey-form-closes", toLocalInput(closes.getTime()));
    await pick("survey-form-results", "after_close");
    await click("survey-save");
    await waitFor(() => expect(fake.callsOf("survey_save")).toHaveLength(1));
    const [id, node, body] = fake.callsOf("survey_save")[0] as [null, string, SurveyBody];
    expect([id, node]).toEqual([null, "n-jsia"]);
    expect(body).toEqual({
      title: "2026年度优秀会员单位评选",
      description: null,
      kind: "vote",
      questions: [
        { id: "q2", text: "您对本年度协会服务的评分", kind: "rating", options: [], min: null, max: null, required: true },
        {
          id: "q1",
          text: "请选出您心目中的优秀会员单位（可多选）",
          kind: "multiple",
          options: ["南京星河智联科技有限公司", "江苏测试网络科技有限公司", "苏州云岚数据有限公司"],
          min: 1,
          max: 2,
          required: true,
        },
        { id: "q3", text: "推荐理由", kind: "text", options: [], min: null, max: null, required: false },
      ],
      opens_at: new Date(opens).getTime(),
      closes_at: closes.getTime(),
      anonymous: true,
      audience: "members",
      changeable: false,
      results: "after_close",
    });
    expect((await screen.findByTestId("survey-notice")).textContent).toBe("已发布投票“2026年度优秀会员单位评选”");
    // Its tally, empty: three questions, nobody yet.
    const chart = await screen.findByTestId("survey-chart");
    expect(chart.dataset.responses).toBe("0");
    expect(within(chart).getAllByTestId("survey-chart-q").map((q) => q.dataset.question)).toEqual(["q2", "q1", "q3"]);
  });

  it("once answered, keeps the questions and still saves the settings", async () => {
    const { fake } = await openTab("surveys");
    await openSurvey("sv-council");
    await click("survey-edit");
    await screen.findByTestId("survey-form");
    expect((await screen.findByTestId("survey-locked")).textContent).toBe("已有 37 人作答，题目不能再修改；开放时间和其他设置仍可修改");
    expect(questions()).toHaveLength(0);
    expect(byTestId<HTMLSelectElement>("survey-form-unit").disabled).toBe(true);
    await fireEvent.click(byTestId("survey-form-changeable"));
    await click("survey-save");
    await waitFor(() => expect(fake.callsOf("survey_save")).toHaveLength(1));
    const [id, , body] = fake.callsOf("survey_save")[0] as [string, string, SurveyBody];
    expect(id).toBe("sv-council");
    expect(body.changeable).toBe(true);
    expect(body.questions).toEqual(fake.acts.surveys.find((s) => s.id === "sv-council")!.body.questions);
    expect((await screen.findByTestId("survey-notice")).textContent).toBe("已保存投票“第五届理事会增补理事单位表决”");
  });

  it("shows the server's refusal as it words it", async () => {
    const { fake } = await openTab("surveys");
    await click("survey-new-survey");
    expect(byTestId<HTMLSelectElement>("survey-form-kind").value).toBe("survey");
    expect(byTestId<HTMLInputElement>("survey-form-anonymous").checked).toBe(false);
    await type("survey-form-title", "会员服务满意度调查");
    await typeIn(inQ(0).getByTestId("q-text"), "您对协会服务是否满意？");
    await typeIn(inQ(0).getAllByTestId("q-option")[0], "满意");
    await typeIn(inQ(0).getAllByTestId("q-option")[1], "不满意");
    fake.failNext("survey_save", "Forbidden", "您没有在该组织执行此操作的权限");
    await click("survey-save");
    expect((await screen.findByTestId("survey-form-error")).textContent).toBe("您没有在该组织执行此操作的权限");
    expect(screen.getByTestId("survey-form")).toBeTruthy();
  });
});

describe("问卷投票: results", () => {
  it("charts a vote's options with their counts", async () => {
    const { fake } = await openTab("surveys");
    await openSurvey("sv-council");
    const chart = await screen.findByTestId("survey-chart");
    expect(fake.callsOf("survey_results")).toEqual([["sv-council"]]);
    expect(chart.dataset.responses).toBe("37");
    const bars = within(chart).getAllByTestId("survey-bar");
    expect(bars.map((b) => [b.dataset.option, b.dataset.count])).toEqual([
      ["0", "31"],
      ["1", "2"],
      ["2", "4"],
    ]);
    expect(bars[0].textContent).toContain("同意");
    // The longest bar is the whole width, the others in proportion.
    const width = (b: HTMLElement) => Number(b.querySelector("rect.fill")!.getAttribute("width"));
    expect(width(bars[0])).toBe(100);
    expect(width(bars[1])).toBeCloseTo((2 / 31) * 100, 5);
  });

  it("shows organisers the text answers, and exports the answers", async () => {
    const { fake } = await openTab("surveys");
    await openSurvey("sv-needs");
    const chart = await screen.findByTestId("survey-chart");
    expect(chart.dataset.responses).toBe("23");
    const texts = within(chart).getByTestId("survey-texts");
    expect(texts.dataset.question).toBe("q2");
    expect(texts.textContent).toContain("建议每季度组织一次数据安全合规培训");
    // A multiple choice: votes can add up to more than the people who answered.
    const votes = within(chart).getAllByTestId("survey-bar").map((b) => Number(b.dataset.count));
    expect(votes.reduce((a, b) => a + b, 0)).toBeGreaterThan(23);

    await click("survey-export");
    const saved = await screen.findByTestId("survey-export-saved");
    expect(saved.dataset.path).toMatch(/\/问卷结果-2026年会员单位服务需求调查\.xlsx$/);
    expect(fake.callsOf("survey_export")).toEqual([["sv-needs"]]);
    await click("survey-export-saved-open");
    await waitFor(() => expect(fake.opened).toEqual([saved.dataset.path]));
  });

  it("offline, the tally and the export need the network", async () => {
    await openTab("surveys", { online: false });
    await openSurvey("sv-council");
    expect((await screen.findByTestId("survey-results-error")).textContent).toBe("无法连接服务器，请检查网络后重试");
    await click("survey-export");
    expect((await screen.findByTestId("survey-export-error")).textContent).toContain("联网");
  });
});

describe("抽奖", () => {
  const lottery = (fake: FakeBackend, id: string) => fake.acts.lotteries.find((l) => l.id === id)!;
  const enter = (fake: FakeBackend, id: string, n: number) => {
    const l = lottery(fake, id);
    for (let i = 0; i < n; i++) {
      l.entries.push({ entry_id: `en-${id}-t${l.entries.length}`, account_id: `acc-${l.entries.length}`, name: `${"赵钱孙李周吴郑王"[i % 8]}*`, at: Date.now() });
    }
  };

  async function openLottery(id: string) {
    const row = screen.getAllByTestId("lottery-row").find((r) => r.dataset.lotteryId === id)!;
    await fireEvent.click(within(row).getByTestId("lottery-open"));
    return screen.findByTestId("lottery-detail");
  }

  it("creates a lottery with its prizes: the seed's commitment is published, the seed is not", async () => {
    const { fake } = await openTab("lotteries");
    expect(screen.getAllByTestId("lottery-row").map((r) => r.dataset.lotteryId)).toEqual(["lt-jsia"]);
    await click("lottery-new");
    await screen.findByTestId("lottery-form");
    expect(text("lottery-fairness")).toContain("开奖时才公布种子本身");
    await click("lottery-save");
    expect(text("lottery-form-title-error")).toBe("抽奖名称应为1到100个字符");
    expect(screen.getAllByTestId("prize-error").map((e) => e.textContent)).toEqual([
      "奖项名称应为1到60个字符，名额为1到1000名",
      "奖项名称应为1到60个字符，名额为1到1000名",
    ]);
    expect(fake.callsOf("lottery_create")).toHaveLength(0);

    await type("lottery-form-title", "会员大会幸运抽奖");
    const names = () => screen.getAllByTestId("prize-name");
    const counts = () => screen.getAllByTestId("prize-count");
    await typeIn(names()[0], "一等奖 · 平板电脑");
    await typeIn(names()[1], "二等奖 · 蓝牙音箱");
    await typeIn(counts()[1], "0");
    await click("lottery-save");
    expect(screen.getAllByTestId("prize-error")).toHaveLength(1);
    await typeIn(counts()[1], "2");
    expect(text("prize-total")).toBe("共 3 个中奖名额");
    // A third prize, then taken away again.
    await click("prize-add");
    expect(names()).toHaveLength(3);
    await fireEvent.click(screen.getAllByTestId("prize-remove")[2]);
    await pick("lottery-form-event", "ev-annual");
    await click("lottery-save");
    await waitFor(() => expect(fake.callsOf("lottery_create")).toHaveLength(1));
    expect(fake.callsOf("lottery_create")[0]).toEqual([
      "n-jsia",
      "会员大会幸运抽奖",
      "ev-annual",
      [
        { name: "一等奖 · 平板电脑", count: 1 },
        { name: "二等奖 · 蓝牙音箱", count: 2 },
      ],
    ]);

    const detail = await screen.findByTestId("lottery-detail");
    const made = fake.acts.lotteries.at(-1)!;
    expect(detail.dataset.lotteryId).toBe(made.id);
    expect(text("lottery-notice")).toBe("已创建抽奖“会员大会幸运抽奖”，种子承诺值已公布");
    expect(text("lottery-status")).toBe("待开奖");
    expect(text("lottery-commitment")).toBe(made.seed_commitment);
    expect(screen.queryByTestId("lottery-seed")).toBeNull();
    expect(detail.textContent).not.toContain(made.seed);
    expect(text("lottery-entrants")).toBe("0");
    expect(byTestId<HTMLButtonElement>("lottery-draw").disabled).toBe(true);
    expect(screen.queryByTestId("lottery-no-entrants")).not.toBeNull();
    expect(detail.textContent).toContain("江苏省互联网协会2026年会员大会暨年会");

    // The code members scan to enter, and its poster.
    const svg = await screen.findByTestId("lottery-code-svg");
    expect(svg.querySelector("svg")).not.toBeNull();
    expect(svg.dataset.codeText).toBe(`HJ1:LOTTERY:${made.id}`);
    await click("lottery-poster");
    expect((await screen.findByTestId("lottery-poster-saved")).dataset.path).toMatch(/\/抽奖码-会员大会幸运抽奖\.pdf$/);
  });

  it("counts entrants as they come, draws once after a confirmation, and proves the draw", async () => {
    LIVE.ms = 30;
    const { fake } = await openTab("lotteries");
    await click("lottery-new");
    await type("lottery-form-title", "现场抽奖");
    await typeIn(screen.getAllByTestId("prize-name")[0], "一等奖");
    await typeIn(screen.getAllByTestId("prize-name")[1], "二等奖");
    await typeIn(screen.getAllByTestId("prize-count")[1], "2");
    await click("lottery-save");
    await screen.findByTestId("lottery-detail");
    const id = fake.acts.lotteries.at(-1)!.id;

    // Entrants arrive; nobody presses anything.
    enter(fake, id, 5);
    await waitFor(() => expect(text("lottery-entrants")).toBe("5"));
    expect(byTestId<HTMLButtonElement>("lottery-draw").disabled).toBe(false);

    await click("lottery-draw");
    expect(text("lottery-draw-confirm-box")).toContain("将从 5 名参与者中抽取 3 个名额");
    await click("lottery-draw-cancel");
    expect(fake.callsOf("lottery_draw")).toHaveLength(0);
    await click("lottery-draw");
    await click("lottery-draw-confirm");
    await waitFor(() => expect(byTestId("lottery-detail").dataset.status).toBe("drawn"));
    expect(fake.callsOf("lottery_draw")).toEqual([[id]]);
    expect(screen.queryByTestId("lottery-draw")).toBeNull();
    expect(screen.queryByTestId("lottery-code-svg")).toBeNull();
    expect(text("lottery-status")).toBe("已开奖");

    const results = screen.getAllByTestId("lottery-prize-result");
    expect(results.map((r) => [r.dataset.prize, r.dataset.winners])).toEqual([
      ["一等奖", "1"],
      ["二等奖", "2"],
    ]);
    const winners = screen.getAllByTestId("lottery-winner");
    expect(new Set(winners.map((w) => w.dataset.entry)).size).toBe(3);
    expect(winners.every((w) => w.textContent!.includes("*"))).toBe(true);
    // The seed is revealed now, and it is the one committed to.
    const l = lottery(fake, id);
    expect(text("lottery-seed")).toBe(l.seed);
    expect(fakeHash(text("lottery-seed"))).toBe(text("lottery-commitment"));

    await click("lottery-verify");
    const summary = await screen.findByTestId("lottery-check-summary");
    expect(summary.dataset.ok).toBe("1");
    expect(["seed", "entrants", "winners"].map((k) => byTestId(`lottery-check-${k}`).dataset.ok)).toEqual(["1", "1", "1"]);
    // Polling stops with the draw.
    const n = fake.callsOf("lottery_detail").length;
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.callsOf("lottery_detail")).toHaveLength(n);
  });

  it("draws the annual meeting's lottery: winners per prize, masked; the list follows", async () => {
    const { fake } = await openTab("lotteries");
    await openLottery("lt-jsia");
    expect(text("lottery-entrants")).toBe("128");
    expect(screen.getAllByTestId("lottery-prize").map((p) => p.textContent)).toEqual(
      expect.arrayContaining([expect.stringContaining("一等奖 · 笔记本电脑")]),
    );
    fake.failNext("lottery_draw", "Network", "无法连接服务器，请检查网络后重试");
    await click("lottery-draw");
    await click("lottery-draw-confirm");
    expect((await screen.findByTestId("lottery-draw-error")).textContent).toBe("无法连接服务器，请检查网络后重试");
    expect(byTestId("lottery-detail").dataset.status).toBe("open");
    await click("lottery-draw-confirm");
    await waitFor(() => expect(byTestId("lottery-detail").dataset.status).toBe("drawn"));
    expect(screen.getAllByTestId("lottery-prize-result").map((r) => Number(r.dataset.winners))).toEqual([1, 3, 10]);
    expect(screen.getAllByTestId("lottery-winner")).toHaveLength(14);
    expect(lottery(fake, "lt-jsia").drawn).toBe(true);
    await click("lottery-back");
    const row = screen.getAllByTestId("lottery-row").find((r) => r.dataset.lotteryId === "lt-jsia")!;
    expect(row.dataset.status).toBe("drawn");
    expect(row.textContent).toContain("已开奖");
  });
});
