import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { idCheckChar } from "../lib/fakeData";
import { byTestId, startApp } from "../test/util";

const ID = "22022119900307451" + idCheckChar("22022119900307451");

async function openAssisted(opts: Parameters<typeof startApp>[0] = {}) {
  const app = await startApp({ scenario: "scanner", ...opts });
  await fireEvent.click(byTestId("scanner-tab-assisted"));
  await screen.findByTestId("assisted-form");
  return app;
}

async function fill(values: Record<string, string>) {
  for (const [id, value] of Object.entries(values)) {
    await fireEvent.input(byTestId(id), { target: { value } });
  }
}

describe("assisted registration (辅助登记)", () => {
  it("does not go on while a required field is empty, and says which", async () => {
    const { fake } = await openAssisted();
    await fireEvent.click(byTestId("assisted-submit"));
    expect(byTestId("assisted-phone-error").textContent).toBe("请输入手机号");
    expect(byTestId("assisted-name-error").textContent).toBe("请填写姓名");
    expect(byTestId("assisted-id-number-error").textContent).toBe("请填写身份证号");
    expect(byTestId("assisted-temperature-error").textContent).toBe("请填写体温测量结果");
    // The SMS code may be left out (offline there is none).
    expect(screen.queryByTestId("assisted-code-error")).toBeNull();
    await fill({ "assisted-phone": "13612345678", "assisted-name": "张三", "assisted-id-number": ID });
    await fireEvent.click(byTestId("assisted-submit"));
    expect(screen.queryByTestId("assisted-phone-error")).toBeNull();
    expect(byTestId("assisted-temperature-error").textContent).toBe("请填写体温测量结果");
    expect(fake.callsOf("assisted_register")).toEqual([]);
  });

  it("sends the code and shows the development code as a hint", async () => {
    const { fake } = await openAssisted();
    await fill({ "assisted-phone": "13612345678" });
    await fireEvent.click(byTestId("assisted-send-code"));
    const sent = await screen.findByTestId("assisted-code-sent");
    expect(sent.textContent).toContain("验证码已发送");
    expect(sent.textContent).toContain("123456");
    expect(fake.callsOf("assisted_send_code")).toEqual([["13612345678"]]);
  });

  it("registers online and refreshes today's counts", async () => {
    const { fake } = await openAssisted();
    await fill({
      "assisted-phone": "13612345678",
      "assisted-code": "",
      "assisted-name": "张三",
      "assisted-id-number": ID,
      "assisted-temperature": "36.6",
      "assisted-remark": "老人，无智能手机",
    });
    await fireEvent.click(byTestId("assisted-submit"));
    const result = await screen.findByTestId("assisted-result");
    expect(result.textContent).toContain("已登记：张*");
    expect(result.dataset.queued).toBe("false");
    expect(screen.queryByTestId("assisted-queued")).toBeNull();
    expect(fake.callsOf("assisted_register")).toEqual([
      [
        {
          phone: "13612345678",
          sms_code: null,
          name: "张三",
          id_number: ID,
          temperature: "36.6",
          remark: "老人，无智能手机",
        },
      ],
    ]);
    await waitFor(() => expect(byTestId("assisted-today").textContent).toContain("5"));
  });

  it("offline, the registration is queued and says so", async () => {
    await openAssisted({ online: false });
    await fill({
      "assisted-phone": "13612345678",
      "assisted-name": "李明华",
      "assisted-id-number": ID,
      "assisted-temperature": "36.5",
    });
    await fireEvent.click(byTestId("assisted-submit"));
    const result = await screen.findByTestId("assisted-result");
    expect(result.textContent).toContain("已登记：李**");
    expect(byTestId("assisted-queued").textContent).toBe("（离线，联网后自动上传并短信验证）");
    expect((await screen.findByTestId("pending-assisted")).textContent).toContain("1 条辅助登记待联网上传");
  });

  it("shows the command's error under its field", async () => {
    await openAssisted();
    await fill({
      "assisted-phone": "13612345678",
      "assisted-name": "张三",
      "assisted-id-number": ID.slice(0, 17) + (ID[17] === "1" ? "2" : "1"),
      "assisted-temperature": "36.5",
    });
    await fireEvent.click(byTestId("assisted-submit"));
    expect((await screen.findByTestId("assisted-id-number-error")).textContent).toBe("身份证号校验位不正确，请核对");
    expect(screen.queryByTestId("assisted-result")).toBeNull();
  });
});
