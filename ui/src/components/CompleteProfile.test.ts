import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { TAKEN_ID } from "../lib/fakeData";
import { byTestId, startApp } from "../test/util";

const NEW_PHONE = "13712345678";
const GOOD_ID = "11010519491231002X";

async function registerNewPhone() {
  const started = await startApp({ scenario: "login" });
  await fireEvent.input(byTestId("sms-phone"), { target: { value: NEW_PHONE } });
  await fireEvent.click(byTestId("sms-send"));
  await screen.findByTestId("dev-code");
  await fireEvent.input(byTestId("sms-code"), { target: { value: "123456" } });
  await fireEvent.click(byTestId("login-submit"));
  await screen.findByTestId("complete-profile");
  return started;
}

async function setPassword(pw: string, again: string = pw) {
  await fireEvent.input(byTestId("setup-password"), { target: { value: pw } });
  await fireEvent.input(byTestId("setup-password2"), { target: { value: again } });
}

describe("registration (实名认证)", () => {
  it("asks for a password, twice the same, before submitting", async () => {
    const { fake } = await registerNewPhone();
    await fireEvent.input(byTestId("setup-name"), { target: { value: "王小明" } });
    await fireEvent.input(byTestId("setup-id"), { target: { value: GOOD_ID } });
    await fireEvent.click(byTestId("setup-submit"));
    expect((await screen.findByTestId("setup-password-error")).textContent).toContain("请设置登录密码");
    await setPassword("Wang2026x", "Wang2026y");
    await fireEvent.click(byTestId("setup-submit"));
    expect((await screen.findByTestId("setup-password2-error")).textContent).toContain("两次输入的密码不一致");
    expect(fake.callsOf("complete_profile")).toEqual([]);
    await setPassword("short");
    await fireEvent.click(byTestId("setup-submit"));
    expect((await screen.findByTestId("setup-password-error")).textContent).toContain("字母和数字");
  });

  it("follows the SMS login of a new phone", async () => {
    const { fake } = await registerNewPhone();
    expect(screen.getByText("实名认证")).toBeTruthy();
    expect(screen.queryByTestId("home-member")).toBeNull();
    expect(fake.callsOf("complete_profile")).toEqual([]);
  });

  it("checks a field on blur with the login phone and shows its FieldIssue under it", async () => {
    const { fake } = await registerNewPhone();
    await fireEvent.input(byTestId("setup-id"), { target: { value: "110105194912310021" } });
    await fireEvent.blur(byTestId("setup-id"));
    expect((await screen.findByTestId("setup-id-error")).textContent).toContain("校验位不正确");
    expect(fake.callsOf("check_registration").at(-1)).toEqual([NEW_PHONE, "", "110105194912310021"]);
    // The untouched name field does not complain yet.
    expect(screen.queryByTestId("setup-name-error")).toBeNull();
  });

  it("shows every issue on submit and does not submit", async () => {
    const { fake } = await registerNewPhone();
    await fireEvent.input(byTestId("setup-name"), { target: { value: "张" } });
    await fireEvent.input(byTestId("setup-id"), { target: { value: "1234" } });
    await fireEvent.click(byTestId("setup-submit"));
    expect((await screen.findByTestId("setup-name-error")).textContent).toContain("姓名至少两个字");
    expect(byTestId("setup-id-error").textContent).toContain("身份证号应为18位");
    expect(fake.callsOf("complete_profile")).toEqual([]);
  });

  it("clears an issue once the field is fixed", async () => {
    await registerNewPhone();
    await fireEvent.input(byTestId("setup-name"), { target: { value: "张" } });
    await fireEvent.blur(byTestId("setup-name"));
    await screen.findByTestId("setup-name-error");
    await fireEvent.input(byTestId("setup-name"), { target: { value: "张三丰" } });
    await fireEvent.blur(byTestId("setup-name"));
    await waitFor(() => expect(screen.queryByTestId("setup-name-error")).toBeNull());
  });

  it("shows the backend's message when the ID number is bound to another account", async () => {
    const { fake } = await registerNewPhone();
    await fireEvent.input(byTestId("setup-name"), { target: { value: "王小明" } });
    await fireEvent.input(byTestId("setup-id"), { target: { value: TAKEN_ID } });
    await setPassword("Wang2026x");
    await fireEvent.click(byTestId("setup-submit"));
    expect((await screen.findByTestId("setup-id-error")).textContent).toContain("该身份证号已绑定其他账号");
    expect(fake.callsOf("complete_profile")).toEqual([["王小明", TAKEN_ID, "Wang2026x"]]);
    expect(byTestId("complete-profile")).toBeTruthy();
  });

  it("opens the member home once the profile is complete", async () => {
    const { fake } = await registerNewPhone();
    await fireEvent.input(byTestId("setup-name"), { target: { value: "王小明" } });
    await fireEvent.input(byTestId("setup-id"), { target: { value: GOOD_ID.toLowerCase() } });
    await setPassword("Wang2026x");
    await fireEvent.click(byTestId("setup-submit"));
    await screen.findByTestId("home-member");
    expect(fake.callsOf("complete_profile")).toEqual([["王小明", GOOD_ID, "Wang2026x"]]);
    expect(screen.getByText("您好，王小明")).toBeTruthy();
  });

  it("can go back to the login screen", async () => {
    const { fake } = await registerNewPhone();
    await fireEvent.click(byTestId("setup-logout"));
    await screen.findByTestId("login-screen");
    expect(fake.callsOf("logout")).toHaveLength(1);
  });
});
