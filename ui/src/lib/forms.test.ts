import { describe, expect, it } from "vitest";
import { errorsFromAppError, errorsFromIssues, fieldForCode, normalizeField } from "./forms";

describe("fieldForCode", () => {
  it("maps code families to the field they concern when the form has it", () => {
    expect(fieldForCode("IdNumberTaken", ["real_name", "id_number"])).toBe("id_number");
    expect(fieldForCode("IdNumberCheckChar", ["real_name", "id_number"])).toBe("id_number");
    expect(fieldForCode("NameTooShort", ["real_name", "id_number"])).toBe("real_name");
    expect(fieldForCode("PhoneFormat", ["phone", "code"])).toBe("phone");
    expect(fieldForCode("SmsCodeWrong", ["phone", "code"])).toBe("code");
    expect(fieldForCode("SmsTooFrequent", ["phone", "code"])).toBe("code");
    expect(fieldForCode("CreditCodeCheckChar", ["credit_code", "password"])).toBe("credit_code");
    expect(fieldForCode("LoginFailed", ["phone", "password"])).toBe("password");
  });

  it("leaves codes without a field on this form at form level", () => {
    expect(fieldForCode("LoginFailed", ["phone", "code"])).toBeNull();
    expect(fieldForCode("AccountPendingReview", ["credit_code", "password"])).toBeNull();
    expect(fieldForCode("Network", ["phone", "password"])).toBeNull();
  });
});

describe("errors", () => {
  it("places an AppError under its field or above the form", () => {
    expect(errorsFromAppError({ code: "IdNumberTaken", message: "该身份证号已绑定其他账号" }, ["id_number"])).toEqual({
      fields: { id_number: "该身份证号已绑定其他账号" },
      form: null,
    });
    expect(errorsFromAppError({ code: "Network", message: "网络不可用" }, ["id_number"])).toEqual({
      fields: {},
      form: "网络不可用",
    });
  });

  it("groups FieldIssues by field, accepting camelCase names and dropping foreign fields", () => {
    const out = errorsFromIssues(
      [
        { field: "idNumber", code: "IdNumberCheckChar", message: "校验位不正确" },
        { field: "id_number", code: "IdNumberRegion", message: "second" },
        { field: "phone", code: "PhoneFormat", message: "手机号格式不正确" },
        { field: "real_name", code: "NameEmpty", message: "请填写姓名" },
      ],
      ["real_name", "id_number"],
    );
    expect(out).toEqual({ id_number: "校验位不正确", real_name: "请填写姓名" });
    expect(normalizeField("realName")).toBe("real_name");
  });
});
