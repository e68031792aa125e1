import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { byTestId, startApp } from "../test/util";

async function scan(code: string) {
  const input = byTestId<HTMLInputElement>("scan-input");
  await fireEvent.input(input, { target: { value: code } });
  await fireEvent.submit(input.form!);
  return screen.findByTestId("verdict");
}

/** A PNG-headed file whose bytes carry the code as text: the fake decoder reads it. */
function pngWith(text: string, name = "code.png") {
  const head = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const body = [...text].map((c) => c.charCodeAt(0));
  return new File([new Uint8Array([...head, ...body])], name, { type: "image/png" });
}

describe("scanner home", () => {
  it("shows the site, today's counts and the trust data age", async () => {
    await startApp({ scenario: "scanner", lastSuccessMs: Date.now() - 5 * 60_000 });
    expect((await screen.findByText("口前镇检查站")).getAttribute("data-testid")).toBe("site-name");
    expect(byTestId("scans-today").textContent).toContain("128");
    expect(byTestId("turned-back-today").textContent).toContain("3");
    expect(byTestId("admitted-today").textContent).toContain("125");
    expect(byTestId("assisted-today").textContent).toContain("4");
    expect(byTestId("trust-age").textContent).toContain("信任数据更新于 5 分钟前");
    expect(screen.queryByTestId("trust-stale")).toBeNull();
  });

  it("warns in red when the trust data is more than a day old", async () => {
    await startApp({ scenario: "scanner", lastSuccessMs: Date.now() - 30 * 3600_000 });
    expect((await screen.findByTestId("trust-stale")).textContent).toContain(
      "信任数据已超过24小时未更新，请联网同步",
    );
  });

  it("waits on the scanner input from the start; the scan button focuses it again", async () => {
    await startApp({ scenario: "scanner" });
    const input = byTestId<HTMLInputElement>("scan-input");
    await waitFor(() => expect(document.activeElement).toBe(input));
    input.blur();
    await fireEvent.blur(input);
    expect(byTestId("scan-state").textContent).not.toContain("等待扫码");
    await fireEvent.click(byTestId("scan-button"));
    expect(document.activeElement).toBe(input);
    await fireEvent.focus(input);
    expect(byTestId("scan-state").textContent).toContain("等待扫码…");
  });

  it("a green code shows 通行 with the masked name, and clears the input", async () => {
    const { fake } = await startApp({ scenario: "scanner" });
    const v = await scan("HJ1:GREEN-0001");
    expect(v.dataset.verdict).toBe("admit");
    expect(v.dataset.reason).toBe("credential.valid");
    expect(byTestId("verdict-title").textContent).toContain("通行");
    expect(byTestId("verdict-name").textContent).toMatch(/^\p{Script=Han}\*+$/u);
    expect(byTestId("verdict-colour").textContent).toBe("绿码");
    expect(byTestId<HTMLInputElement>("scan-input").value).toBe("");
    expect(fake.callsOf("checkpoint_verify")).toEqual([["HJ1:GREEN-0001", { kind: "health" }]]);
    // Verifying records nothing.
    expect(fake.callsOf("checkpoint_record")).toEqual([]);
  });

  it("a red code is turned back with its reason", async () => {
    await startApp({ scenario: "scanner" });
    const v = await scan("HJ1:RED-0002");
    expect(v.dataset.verdict).toBe("turn-back");
    expect(byTestId("verdict-title").textContent).toContain("劝返");
    expect(byTestId("verdict-colour").textContent).toBe("红码");
    expect(screen.getAllByTestId("verdict-turnback").map((li) => li.textContent)).toEqual(["红码，请劝返"]);
  });

  it("a forged code is turned back as 签名无效", async () => {
    await startApp({ scenario: "scanner" });
    const v = await scan("HJ1:BAD-0003");
    expect(v.dataset.verdict).toBe("turn-back");
    expect(v.dataset.reason).toBe("credential.bad_signature");
    expect(byTestId("verdict-reason").textContent).toContain("签名无效（可能伪造）");
    expect(screen.queryByTestId("verdict-colour")).toBeNull();
  });

  it("confirming with a fever records the scan and turns the verdict into 劝返", async () => {
    const { fake } = await startApp({ scenario: "scanner" });
    await scan("HJ1:GREEN-0004");
    expect(byTestId("verdict").dataset.verdict).toBe("admit");
    const temp = byTestId<HTMLInputElement>("temperature");
    expect(document.activeElement).toBe(temp);
    expect(temp.getAttribute("inputmode")).toBe("decimal");
    await fireEvent.input(temp, { target: { value: "37.5" } });
    await fireEvent.input(byTestId("scan-remark"), { target: { value: "自述头痛" } });
    await fireEvent.click(byTestId("confirm-scan"));
    await screen.findByTestId("recorded");
    expect(fake.callsOf("checkpoint_record")).toEqual([["HJ1:GREEN-0004", { kind: "health" }, "37.5", "自述头痛"]]);
    const v = byTestId("verdict");
    expect(v.dataset.verdict).toBe("turn-back");
    expect(byTestId("verdict-temperature").textContent).toBe("37.5℃");
    expect(within(v).getByText("体温≥37.3℃，请劝返")).toBeTruthy();
    // Ready for the next person, with today's counts and the list refreshed.
    await waitFor(() => expect(document.activeElement).toBe(byTestId("scan-input")));
    await waitFor(() => expect(byTestId("scans-today").textContent).toContain("129"));
    expect(byTestId("turned-back-today").textContent).toContain("4");
    const first = screen.getAllByTestId("recent-scan")[0];
    expect(first.dataset.admitted).toBe("false");
    expect(first.dataset.synced).toBe("false");
    expect(first.textContent).toContain("37.5℃");
  });

  it("confirming without a temperature sends null and keeps 通行", async () => {
    const { fake } = await startApp({ scenario: "scanner" });
    await scan("HJ1:GREEN-0005");
    await fireEvent.click(byTestId("confirm-scan"));
    await screen.findByTestId("recorded");
    expect(fake.callsOf("checkpoint_record")).toEqual([["HJ1:GREEN-0005", { kind: "health" }, null, null]]);
    expect(byTestId("verdict").dataset.verdict).toBe("admit");
  });

  it("shows a temperature error inline and records nothing", async () => {
    const { fake } = await startApp({ scenario: "scanner" });
    await scan("HJ1:GREEN-0006");
    await fireEvent.input(byTestId("temperature"), { target: { value: "36,5度" } });
    await fireEvent.click(byTestId("confirm-scan"));
    expect((await screen.findByTestId("scan-error")).textContent).toContain("体温请填写数字");
    expect(screen.queryByTestId("recorded")).toBeNull();
    expect(fake.recentScans.some((r) => r.id.startsWith("scan-") && !r.id.startsWith("scan-demo"))).toBe(false);
    // Corrected, it goes through.
    await fireEvent.input(byTestId("temperature"), { target: { value: "36.6" } });
    await fireEvent.click(byTestId("confirm-scan"));
    await screen.findByTestId("recorded");
    expect(screen.queryByTestId("scan-error")).toBeNull();
  });

  it("a code typed into the temperature field by the scanner gun starts the next scan", async () => {
    const { fake } = await startApp({ scenario: "scanner" });
    await scan("HJ1:GREEN-0007");
    await fireEvent.input(byTestId("temperature"), { target: { value: "HJ1:RED-0008" } });
    await fireEvent.submit(byTestId<HTMLFormElement>("confirm-form"));
    await waitFor(() => expect(byTestId("verdict").dataset.verdict).toBe("turn-back"));
    expect(fake.callsOf("checkpoint_record")).toEqual([]);
    expect(fake.callsOf("checkpoint_verify").map((c) => c[0])).toEqual(["HJ1:GREEN-0007", "HJ1:RED-0008"]);
  });

  it("reads a code from a picked image and verifies it", async () => {
    const { fake } = await startApp({ scenario: "scanner" });
    const file = byTestId<HTMLInputElement>("scan-image-input");
    await fireEvent.change(file, { target: { files: [pngWith("HJ1:RED-IMAGE")] } });
    const v = await screen.findByTestId("verdict");
    expect(v.dataset.verdict).toBe("turn-back");
    expect(fake.callsOf("decode_qr_image")).toHaveLength(1);
    expect(fake.callsOf("checkpoint_verify")).toEqual([["HJ1:RED-IMAGE", { kind: "health" }]]);
  });

  it("shows the decoder's message when the image has no code", async () => {
    const { fake } = await startApp({ scenario: "scanner" });
    await fireEvent.change(byTestId("scan-image-input"), { target: { files: [pngWith("nothing here")] } });
    expect((await screen.findByTestId("scan-error")).textContent).toBe("图片中没有找到二维码");
    expect(screen.queryByTestId("verdict")).toBeNull();
    expect(fake.callsOf("checkpoint_verify")).toEqual([]);
  });

  it("shows the decoder's message for a file that is not an image", async () => {
    await startApp({ scenario: "scanner" });
    const txt = new File(["HJ1:GREEN"], "a.txt", { type: "text/plain" });
    await fireEvent.change(byTestId("scan-image-input"), { target: { files: [txt] } });
    expect((await screen.findByTestId("scan-error")).textContent).toContain("无法识别的图片格式");
  });

  it("decodes a pasted image", async () => {
    const { fake } = await startApp({ scenario: "scanner" });
    const file = pngWith("HJ1:GREEN-PASTE");
    const event = new Event("paste", { bubbles: true, cancelable: true }) as ClipboardEvent;
    Object.defineProperty(event, "clipboardData", {
      value: { items: [{ kind: "file", type: "image/png", getAsFile: () => file }] },
    });
    window.dispatchEvent(event);
    await screen.findByTestId("verdict");
    expect(fake.callsOf("checkpoint_verify")).toEqual([["HJ1:GREEN-PASTE", { kind: "health" }]]);
  });

  it("hides the camera button where there is no camera", async () => {
    await startApp({ scenario: "scanner" });
    expect(screen.queryByTestId("scan-camera")).toBeNull();
  });

  it("lists today's recent scans with their upload state", async () => {
    await startApp({ scenario: "scanner" });
    const rows = await screen.findAllByTestId("recent-scan");
    expect(rows).toHaveLength(4);
    expect(rows[0].dataset.synced).toBe("false");
    expect(rows[0].textContent).toContain("待上传");
    expect(rows[1].dataset.synced).toBe("true");
    expect(rows[1].textContent).toContain("劝返");
  });

  it("a plain scanner sees 扫码 and 辅助登记 only", async () => {
    await startApp({ scenario: "scanner" });
    expect(byTestId("scanner-tab-scan").getAttribute("aria-selected")).toBe("true");
    expect(byTestId("scanner-tab-assisted")).toBeTruthy();
    expect(screen.queryByTestId("scanner-tab-sites")).toBeNull();
    expect(screen.queryByTestId("scanner-tab-health")).toBeNull();
  });
});
