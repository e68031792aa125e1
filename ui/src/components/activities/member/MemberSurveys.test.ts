import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { byTestId, startApp } from "../../../test/util";

const click = (id: string) => fireEvent.click(byTestId(id));
const cards = () => screen.getAllByTestId("survey-card");
const card = (id: string) => cards().find((c) => c.dataset.id === id)!;
const input = (id: string) => byTestId<HTMLInputElement>(id);
const bar = (q: string, option: number) =>
  screen.getAllByTestId("survey-bar").find((b) => b.dataset.question === q && b.dataset.option === String(option))!;

/** The member's home → 问卷/投票 → one survey's page. */
async function openSurvey(id: string, opts: Parameters<typeof startApp>[0] = {}) {
  const app = await startApp({ scenario: "member", ...opts });
  await click("nav-surveys");
  await screen.findByTestId("member-surveys");
  await waitFor(() => expect(card(id)).toBeTruthy());
  await fireEvent.click(card(id));
  await screen.findByTestId("survey");
  return app;
}

describe("member surveys: the list", () => {
  it("lists open ones first with kind, phase and whether answered, and filters votes and questionnaires", async () => {
    await startApp({ scenario: "member" });
    await click("nav-surveys");
    await screen.findByTestId("member-surveys");
    await waitFor(() => expect(cards().length).toBeGreaterThan(0));
    expect(cards().map((c) => `${c.dataset.id}:${c.dataset.phase}:${c.dataset.answered}`)).toEqual([
      "sv-trip:open:0",
      "sv-canteen:open:0",
      "sv-autumn:upcoming:0",
      "sv-appraisal:closed:1",
    ]);
    expect(card("sv-trip").textContent).toContain("投票");
    expect(card("sv-trip").textContent).toContain("未参与");
    expect(card("sv-appraisal").textContent).toContain("已参与");
    await click("surveys-tab-vote");
    expect(cards().map((c) => c.dataset.id)).toEqual(["sv-trip"]);
    await click("surveys-tab-survey");
    expect(cards().map((c) => c.dataset.id)).toEqual(["sv-canteen", "sv-autumn", "sv-appraisal"]);
  });
});

describe("member surveys: answering", () => {
  it("a vote is answered once, then the member sees the chart with their choice marked", async () => {
    const { fake } = await openSurvey("sv-trip");
    expect(byTestId("survey-title").textContent).toBe("2026年度职工疗休养目的地投票");
    expect(byTestId("survey-anonymous").dataset.anonymous).toBe("1");
    expect(byTestId("survey-results-hidden").textContent).toBe("提交后可查看结果");
    expect(screen.queryByTestId("survey-chart")).toBeNull();

    await click("survey-submit");
    expect(byTestId("survey-error-q1").textContent).toBe("此题为必答题");
    expect(fake.callsOf("survey_answer")).toHaveLength(0);

    await click("survey-option-q1-1");
    expect(screen.queryByTestId("survey-error-q1")).toBeNull();
    await click("survey-submit");
    await screen.findByTestId("survey-sent");
    expect(fake.callsOf("survey_answer")).toEqual([["sv-trip", [{ question_id: "q1", choices: [1] }]]]);
    expect(byTestId("survey-answered").textContent).toContain("您已提交答卷");
    // Not changeable: no second answer.
    expect(screen.queryByTestId("survey-change")).toBeNull();
    expect(screen.queryByTestId("survey-submit")).toBeNull();
    expect(input("survey-option-q1-1").checked).toBe(true);
    expect(input("survey-option-q1-1").closest("fieldset")!.disabled).toBe(true);

    const chart = await screen.findByTestId("survey-chart");
    expect(chart.dataset.responses).toBe("224");
    expect(bar("q1", 1).dataset.count).toBe("66");
    expect(bar("q1", 1).classList.contains("mine")).toBe(true);
    expect(bar("q1", 1).textContent).toContain("我的选择");
    expect(bar("q1", 0).dataset.count).toBe("48");
    expect(bar("q1", 0).classList.contains("mine")).toBe(false);

    await click("page-back");
    await screen.findByTestId("member-surveys");
    await waitFor(() => expect(card("sv-trip").dataset.answered).toBe("1"));
  });

  it("a multiple choice over its limit is refused here with the question's numbers; the answer may be changed until the close", async () => {
    const { fake } = await openSurvey("sv-canteen");
    expect(byTestId("survey-results-hidden").textContent).toBe("截止后公布结果");
    const q2 = screen.getAllByTestId("survey-question").find((q) => q.dataset.question === "q2")!;
    expect(q2.textContent).toContain("多选，选1到3项");

    await click("survey-option-q1-4");
    for (const i of [0, 1, 2, 3]) await click(`survey-option-q2-${i}`);
    await click("survey-submit");
    expect(byTestId("survey-error-q2").textContent).toBe("请选择1到3项");
    expect(byTestId("survey-invalid").textContent).toBe("有 1 道题需要修改，请检查标红的题目");
    expect(screen.queryByTestId("survey-error-q1")).toBeNull();
    // q3 is optional.
    expect(screen.queryByTestId("survey-error-q3")).toBeNull();
    expect(fake.callsOf("survey_answer")).toHaveLength(0);

    await click("survey-option-q2-3");
    expect(screen.queryByTestId("survey-error-q2")).toBeNull();
    await fireEvent.input(byTestId("survey-text-q3"), { target: { value: "  希望多些素菜  " } });
    await click("survey-submit");
    await screen.findByTestId("survey-sent");
    expect(fake.callsOf("survey_answer")).toEqual([
      [
        "sv-canteen",
        [
          { question_id: "q1", rating: 4 },
          { question_id: "q2", choices: [0, 1, 2] },
          { question_id: "q3", text: "希望多些素菜" },
        ],
      ],
    ]);
    // Results after the close only: no chart yet, and none asked for.
    expect(screen.queryByTestId("survey-chart")).toBeNull();
    expect(fake.callsOf("survey_results")).toHaveLength(0);

    await click("survey-change");
    expect(input("survey-option-q2-0").checked).toBe(true);
    expect(input("survey-option-q2-3").checked).toBe(false);
    expect(input("survey-option-q1-4").checked).toBe(true);
    await click("survey-option-q2-0");
    await click("survey-submit");
    await screen.findByTestId("survey-sent");
    expect(fake.callsOf("survey_answer")[1]).toEqual([
      "sv-canteen",
      [
        { question_id: "q1", rating: 4 },
        { question_id: "q2", choices: [1, 2] },
        { question_id: "q3", text: "希望多些素菜" },
      ],
    ]);
  });

  it("offline, the answer is kept on the phone and sent at the next sync", async () => {
    const { fake } = await openSurvey("sv-trip", { online: false });
    await click("survey-option-q1-4");
    await click("survey-submit");
    await screen.findByTestId("survey-queued");
    expect(byTestId("survey-queued").textContent).toBe("答卷已保存在本机，联网后自动提交");
    expect(screen.queryByTestId("survey-sent")).toBeNull();
    expect(fake.status.pending).toBe(1);
    // The tally needs the server and none was kept here.
    await waitFor(() => expect(byTestId("survey-results-error").textContent).toBe("无法连接服务器，请检查网络后重试"));

    fake.emitStatus({ online: true });
    await fake.sync_now();
    await click("page-back");
    await screen.findByTestId("member-surveys");
    await waitFor(() => expect(card("sv-trip").dataset.answered).toBe("1"));
    await fireEvent.click(card("sv-trip"));
    const chart = await screen.findByTestId("survey-chart");
    expect(screen.queryByTestId("survey-queued")).toBeNull();
    expect(chart.dataset.responses).toBe("224");
    expect(bar("q1", 4).dataset.count).toBe("53");
  });

  it("a closed survey shows the member's answers and the published results", async () => {
    await openSurvey("sv-appraisal");
    expect(byTestId("survey-phase").textContent).toBe("已结束");
    expect(byTestId("survey-answered").textContent).toContain("已截止");
    expect(input("survey-option-q1-1").checked).toBe(true);
    expect(input("survey-option-q2-4").checked).toBe(true);
    await screen.findByTestId("survey-chart");
    const mean = byTestId("survey-mean");
    expect(mean.textContent).toMatch(/^平均 \d\.\d{2} 分$/);
  });
});
