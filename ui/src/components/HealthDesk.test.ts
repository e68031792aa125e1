import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { TAKEN_ID } from "../lib/fakeData";
import { byTestId, startApp } from "../test/util";

async function openDesk() {
  const app = await startApp({ scenario: "health_authority" });
  // The health authority's only tab: no tab strip, the desk straight away.
  await screen.findByTestId("health-desk");
  return app;
}

describe("health authority (卫健)", () => {
  it("sets one person's status", async () => {
    const { fake } = await openDesk();
    expect(screen.queryByTestId("scanner-tab-scan")).toBeNull();
    await fireEvent.input(byTestId("health-who"), { target: { value: TAKEN_ID } });
    await fireEvent.change(byTestId("health-colour"), { target: { value: "red" } });
    await fireEvent.click(byTestId("health-high-risk"));
    await fireEvent.click(byTestId("health-set-submit"));
    expect((await screen.findByTestId("health-set-result")).textContent).toContain("已将 欧阳** 设为 红码，吊销旧码 1 个");
    expect(fake.callsOf("health_set_status")).toEqual([
      [{ id_number: TAKEN_ID, phone: null, colour: "red", from_high_risk: true, note: null }],
    ]);
  });

  it("imports a CSV and lists the rows that failed", async () => {
    const { fake } = await openDesk();
    const csv = ["身份证号,健康码,来自高风险地区,备注", `${TAKEN_ID},红,是,`, "220221199001011234,紫,否,", `${TAKEN_ID},黄,否,复核`].join("\n");
    await fireEvent.input(byTestId("health-import-text"), { target: { value: csv } });
    await fireEvent.click(byTestId("health-import-submit"));
    const report = await screen.findByTestId("import-report");
    expect(report.textContent).toContain("共3行，成功2行");
    const errors = screen.getAllByTestId("import-row-error");
    expect(errors).toHaveLength(1);
    expect(errors[0].textContent).toContain("3");
    expect(errors[0].textContent).toContain("健康码颜色应为 绿、黄 或 红");
    expect(fake.callsOf("health_import_csv")).toEqual([[csv]]);
  });

  it("adds and removes a high-risk region", async () => {
    const { fake } = await openDesk();
    await waitFor(() => expect(screen.getAllByTestId("risk-region")).toHaveLength(2));
    await fireEvent.input(byTestId("risk-region-code"), { target: { value: "2202" } });
    await fireEvent.input(byTestId("risk-region-name"), { target: { value: "吉林市" } });
    await fireEvent.click(byTestId("risk-region-add"));
    expect(byTestId("risk-region-error").textContent).toBe("地区代码应为6位数字");
    await fireEvent.input(byTestId("risk-region-code"), { target: { value: "220200" } });
    await fireEvent.click(byTestId("risk-region-add"));
    await waitFor(() => expect(screen.getAllByTestId("risk-region")).toHaveLength(3));
    expect(fake.callsOf("risk_region_add")).toEqual([["220200", "吉林市"]]);
    await fireEvent.click(screen.getAllByTestId("risk-region-remove")[0]);
    await waitFor(() => expect(screen.getAllByTestId("risk-region")).toHaveLength(2));
  });
});
