import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import App from "../../App.svelte";
import { setBackend } from "../../lib/api";
import { FakeBackend } from "../../lib/fake";
import { creditCheckChar } from "../../lib/workflow";
import { byTestId, startApp } from "../../test/util";

const click = (id: string) => fireEvent.click(byTestId(id));
const type = (id: string, value: string) => fireEvent.input(byTestId(id), { target: { value } });
const err = (id: string) => screen.queryByTestId(`${id}-error`)?.textContent ?? null;

const FIRST17 = "91320102MA1XK7Q3L";
const CODE = FIRST17 + creditCheckChar(FIRST17);

async function openRegister() {
  const app = await startApp({ scenario: "login" });
  await click("org-register-link");
  await screen.findByTestId("org-register");
  await waitFor(() => expect(byTestId<HTMLSelectElement>("reg-user-type").options.length).toBeGreaterThan(1));
  return app;
}

async function fill(over: Partial<Record<string, string>> = {}) {
  const v = {
    "reg-unit-name": "南京星河网络科技有限公司",
    "reg-credit-code": CODE,
    "reg-legal-rep": "陈立军",
    "reg-legal-phone": "13912345670",
    "reg-contact": "王晓丽",
    "reg-contact-phone": "13851234560",
    "reg-password": "Xinghe2026",
    "reg-password2": "Xinghe2026",
    ...over,
  };
  for (const [id, value] of Object.entries(v)) await type(id, value);
  await fireEvent.change(byTestId("reg-user-type"), { target: { value: over["reg-user-type"] ?? "理事单位" } });
}

describe("单位注册", () => {
  it("offers the association's levels as 用户类型", async () => {
    const { fake } = await openRegister();
    const options = [...byTestId<HTMLSelectElement>("reg-user-type").options].map((o) => o.textContent);
    expect(options).toEqual(["请选择用户类型", "会员单位", "理事单位", "常务理事单位", "副理事长单位"]);
    expect(fake.callsOf("org_associations")).toHaveLength(1);
  });

  it("shows each missing or wrong field under it, in Chinese, and sends nothing", async () => {
    const { fake } = await openRegister();
    await click("reg-submit");
    expect(err("reg-unit-name")).toBe("请输入单位名称");
    expect(err("reg-credit-code")).toBe("请输入统一社会信用代码");
    expect(err("reg-legal-rep")).toBe("请输入单位法人姓名");
    expect(err("reg-legal-phone")).toBe("请填写手机号码");
    expect(err("reg-contact")).toBe("请输入联系人姓名");
    expect(err("reg-contact-phone")).toBe("请填写手机号码");
    expect(err("reg-user-type")).toBe("请选择用户类型");
    expect(err("reg-password")).toBe("请设置登录密码");
    expect(err("reg-agree")).toBe("请阅读并同意《江苏省互联网协会章程》");

    const wrongCheck = FIRST17 + (CODE[17] === "0" ? "1" : "0");
    await fill({ "reg-credit-code": wrongCheck, "reg-legal-phone": "1391234", "reg-password2": "Other2026" });
    await click("reg-submit");
    expect(err("reg-credit-code")).toBe("统一社会信用代码校验位不正确，请检查是否输错");
    expect(err("reg-legal-phone")).toBe("手机号码应为11位数字");
    expect(err("reg-password2")).toBe("两次输入的密码不一致");
    expect(err("reg-unit-name")).toBeNull();
    expect(err("reg-contact-phone")).toBeNull();
    expect(fake.callsOf("org_register")).toHaveLength(0);
  });

  it("shows the server's duplicate message as it is", async () => {
    const { fake } = await openRegister();
    await fill({ "reg-credit-code": "91320100MA1000000E" });
    await click("reg-agree");
    await click("reg-submit");
    expect((await screen.findByTestId("reg-error")).textContent).toBe(
      "该单位已经注册过，请使用统一社会信用代码登录",
    );
    expect(fake.callsOf("org_register")).toHaveLength(1);
  });

  it("registers, shows the status page, and finds the registration by phone or credit code", async () => {
    const { fake } = await openRegister();
    await fill();
    await click("reg-agree");
    await click("reg-submit");
    const card = await screen.findByTestId("reg-status-card");
    expect(card.dataset.state).toBe("submitted");
    expect(byTestId("reg-status-card-state").textContent).toBe("审核中");
    expect(card.textContent).toContain(CODE);
    expect(card.textContent).toContain("王** 138****4560");
    expect(fake.callsOf("org_register")[0]).toEqual([
      "n-jsia",
      {
        unit_name: "南京星河网络科技有限公司",
        credit_code: CODE,
        legal_rep: "陈立军",
        legal_phone: "13912345670",
        contact: "王晓丽",
        contact_phone: "13851234560",
        user_type: "理事单位",
      },
      "Xinghe2026",
      true,
    ]);

    await type("status-query", "13851234560");
    await click("status-search");
    expect((await screen.findByTestId("status-result")).textContent).toContain("南京星河网络科技有限公司");
    await type("status-query", CODE.toLowerCase());
    await click("status-search");
    await waitFor(() => expect(fake.callsOf("org_register_status")).toHaveLength(2));
    expect(byTestId("status-result-state").textContent).toBe("审核中");

    // Logging in before approval says it is under review.
    await click("reg-to-login");
    await click("tab-org");
    await type("org-code", CODE);
    await type("org-password", "Xinghe2026");
    await click("login-submit");
    expect((await screen.findByTestId("login-error")).textContent).toContain("正在审核中");
  });

  it("says plainly when nothing is found", async () => {
    await openRegister();
    await click("status-search");
    expect(err("status")).toBe("请输入统一社会信用代码或手机号");
    await type("status-query", "13800009999");
    await click("status-search");
    expect((await screen.findByTestId("status-error")).textContent).toBe("未查询到注册信息");
  });
});

describe("完善信息", () => {
  it("comes before anything else for an organisation, requires the seed's fields, then opens the home", async () => {
    const fake = new FakeBackend({ scenario: "organisation", orgNeedsProfile: true });
    setBackend(fake);
    render(App);
    await screen.findByTestId("org-profile");
    expect(byTestId("profile-org-name").textContent).toBe("江苏测试网络科技有限公司");
    expect(screen.queryByTestId("home-member")).toBeNull();
    const statuses = [...byTestId<HTMLSelectElement>("profile-unit-status").options].map((o) => o.textContent);
    expect(statuses).toEqual(["请选择", "存续", "在业", "停业", "注销"]);
    const natures = [...byTestId<HTMLSelectElement>("profile-unit-nature").options].map((o) => o.textContent);
    expect(natures).toEqual(["请选择", "国有企业", "民营企业", "外资企业", "合资企业", "事业单位", "社会组织", "其他"]);
    const scales = [...byTestId<HTMLSelectElement>("profile-scale").options].map((o) => o.textContent);
    expect(scales).toEqual(["请选择", "20人以下", "20-99人", "100-499人", "500-999人", "1000人以上"]);

    await click("profile-submit");
    expect(err("profile-unit-status")).toBe("请选择单位状态");
    expect(err("profile-unit-nature")).toBe("请选择单位性质");
    expect(err("profile-industry")).toBe("请选择所属行业");
    expect(err("profile-scale")).toBe("请选择单位规模");
    expect(err("profile-region")).toBe("请填写所在地区");
    expect(err("profile-address")).toBe("请填写详细地址");
    expect(err("profile-postcode")).toBeNull();
    expect(fake.callsOf("org_profile_save")).toHaveLength(0);

    await fireEvent.change(byTestId("profile-unit-status"), { target: { value: "存续" } });
    await fireEvent.change(byTestId("profile-unit-nature"), { target: { value: "民营企业" } });
    await fireEvent.change(byTestId("profile-industry"), { target: { value: "互联网和相关服务" } });
    await fireEvent.change(byTestId("profile-scale"), { target: { value: "100-499人" } });
    await type("profile-region", "江苏省 南京市");
    await type("profile-address", "建邺区江东中路311号");
    await type("profile-postcode", "2100");
    await click("profile-submit");
    expect(err("profile-postcode")).toBe("邮政编码应为6位数字");
    await type("profile-postcode", "210019");
    await click("profile-submit");
    await screen.findByTestId("home-member");
    expect(fake.callsOf("org_profile_save")[0][0]).toMatchObject({
      unit_status: "存续",
      unit_nature: "民营企业",
      industry: "互联网和相关服务",
      scale: "100-499人",
      region: "江苏省 南京市",
      address: "建邺区江东中路311号",
      postcode: "210019",
    });
  });
});

describe("单位注册 to first login", () => {
  it("the secretariat approves; the organisation logs in with its credit code and completes its profile first", async () => {
    await openRegister();
    await fill();
    await click("reg-agree");
    await click("reg-submit");
    await screen.findByTestId("reg-status-card");
    await click("reg-to-login");

    await click("tab-password");
    await type("password-phone", "13900000007");
    await type("password-password", "Huiji2026");
    await click("login-submit");
    await screen.findByTestId("home-secretary");
    await click("nav-queue");
    const row = (await screen.findAllByTestId("queue-row")).find((r) => r.textContent!.includes("南京星河网络科技有限公司"))!;
    expect(row.textContent).toContain("单位注册");
    await fireEvent.click(row.querySelector("[data-testid=queue-open]")!);
    const form = await screen.findByTestId("detail-form");
    expect(form.textContent).toContain(CODE);
    expect(form.textContent).toContain("理事单位");
    await click("approve");
    await click("confirm-approve");
    await waitFor(() => expect(byTestId("detail-state").dataset.state).toBe("approved"));
    await click("nav-profile");
    await click("logout");

    await screen.findByTestId("login-screen");
    await click("tab-org");
    await type("org-code", CODE);
    await type("org-password", "Xinghe2026");
    await click("login-submit");
    expect((await screen.findByTestId("profile-org-name")).textContent).toBe("南京星河网络科技有限公司");
    expect(screen.queryByTestId("home-member")).toBeNull();
  });
});
