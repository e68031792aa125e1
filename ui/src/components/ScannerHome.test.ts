import { fireEvent, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { byTestId, startApp } from "../test/util";

describe("scanner home", () => {
  it("shows the site and today's counts", async () => {
    await startApp({ scenario: "scanner" });
    expect((await screen.findByText("口前镇检查站")).getAttribute("data-testid")).toBe("site-name");
    expect(byTestId("scans-today").textContent).toContain("128");
    expect(byTestId("turned-back-today").textContent).toContain("3");
  });

  it("the scan button focuses the scanner input and waits for a scan", async () => {
    await startApp({ scenario: "scanner" });
    const input = byTestId<HTMLInputElement>("scan-input");
    expect(byTestId("scan-state").textContent).not.toContain("等待扫码");
    await fireEvent.click(byTestId("scan-button"));
    expect(document.activeElement).toBe(input);
    await fireEvent.focus(input);
    expect(byTestId("scan-state").textContent).toContain("等待扫码…");
  });

  it("Enter keeps the scanned text in the recent list, newest first, and clears the input", async () => {
    await startApp({ scenario: "scanner" });
    const input = byTestId<HTMLInputElement>("scan-input");
    expect(byTestId("recent-scans").textContent).toContain("暂无扫码记录");
    for (const code of ["HJ1:FIRST", "HJ1:SECOND"]) {
      await fireEvent.input(input, { target: { value: code } });
      await fireEvent.submit(input.form!);
    }
    const rows = screen.getAllByTestId("recent-scan");
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining("HJ1:SECOND"),
      expect.stringContaining("HJ1:FIRST"),
    ]);
    expect(input.value).toBe("");
    // An empty Enter adds nothing.
    await fireEvent.submit(input.form!);
    expect(screen.getAllByTestId("recent-scan")).toHaveLength(2);
  });

  it("forgets the scans on logout", async () => {
    await startApp({ scenario: "scanner" });
    await fireEvent.input(byTestId("scan-input"), { target: { value: "HJ1:X" } });
    await fireEvent.submit(byTestId<HTMLInputElement>("scan-input").form!);
    await fireEvent.click(byTestId("nav-profile"));
    await fireEvent.click(byTestId("logout"));
    await screen.findByTestId("login-screen");
    await fireEvent.click(byTestId("tab-password"));
    await fireEvent.input(byTestId("password-phone"), { target: { value: "13900000005" } });
    await fireEvent.input(byTestId("password-password"), { target: { value: "Huiji2026" } });
    await fireEvent.click(byTestId("login-submit"));
    await screen.findByTestId("home-scanner");
    expect(screen.queryAllByTestId("recent-scan")).toHaveLength(0);
  });
});
