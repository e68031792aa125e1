// The fake backend's port of the domain's state machine must move requests as the app
// does: the component tests and the mock mode rely on it.
import { describe, expect, it } from "vitest";
import type { RequestBody } from "./bindings";
import { allowedActions, apply } from "./fakeEngine";

const A = { id: "a", name: "申请人" };
const S1 = { id: "s1", name: "张靖" };
const S2 = { id: "s2", name: "何晓梅" };
const R = { id: "r", name: "陈思远" };

function request(kind: RequestBody["kind"] = "join", twoSteps = false): RequestBody {
  const step = (approvers: Array<{ id: string; name: string }>, mode: "any" | "all") => ({
    title: "审核",
    mode,
    role: "secretary" as const,
    node_id: "n",
    approvers,
    votes: [],
    delegations: [],
  });
  return {
    kind,
    title: "入会申请 · 南京医科大学工会",
    applicant: A,
    node_id: "n",
    node_name: "南京医科大学工会",
    form: {},
    attachments: [],
    state: "submitted",
    steps: twoSteps ? [step([S1, S2], "any"), step([R, S2], "all")] : [step([S1, S2], "any")],
    current: 0,
    log: [],
    sms_verified: true,
  };
}

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return "ok";
};

describe("the fake engine", () => {
  it("或签: one approval passes the step; the other approver may no longer act", () => {
    const out = apply(request(), S1, { action: "approve", comment: null, bill: null }, 1);
    expect(out.body.state).toBe("approved");
    expect(out.effect).toBe("approved");
    expect(code(() => apply(out.body, S2, { action: "approve", comment: null, bill: null }, 2))).toBe("NotPending");
  });

  it("会签: every approver must approve; the step waits after the first", () => {
    let b = apply(request("position", true), S1, { action: "approve", comment: null, bill: null }, 1).body;
    expect(b.current).toBe(1);
    b = apply(b, R, { action: "approve", comment: null, bill: null }, 2).body;
    expect(b.state).toBe("submitted");
    expect(allowedActions(b, R.id)).not.toContain("approve");
    b = apply(b, S2, { action: "approve", comment: null, bill: null }, 3).body;
    expect(b.state).toBe("approved");
  });

  it("refusals carry the domain's codes", () => {
    const b = request();
    expect(code(() => apply(b, A, { action: "approve", comment: null, bill: null }, 1))).toBe("NotYourStep");
    expect(code(() => apply(b, S1, { action: "reject", reason: "  " }, 1))).toBe("ReasonRequired");
    expect(code(() => apply(b, S1, { action: "approve", comment: null, bill: { amount_fen: 0, period: "2026" } }, 1))).toBe("BillInvalid");
    expect(code(() => apply(request("position"), S1, { action: "approve", comment: null, bill: { amount_fen: 100, period: "2026" } }, 1))).toBe(
      "BillNotAllowed",
    );
    expect(code(() => apply(b, S1, { action: "delegate", to: S2, comment: null }, 1))).toBe("DelegateInvalid");
  });

  it("withdraw until the first decision; send back and resubmit start the steps again", () => {
    expect(allowedActions(request(), A.id)).toEqual(["withdraw", "comment"]);
    const back = apply(request(), S1, { action: "send_back", reason: "请补充材料" }, 1).body;
    expect(back.state).toBe("returned");
    expect(allowedActions(back, A.id)).toEqual(["resubmit", "withdraw", "comment"]);
    const again = apply(back, A, { action: "resubmit", form: { category: "企业职工" }, attachments: [] }, 2).body;
    expect(again.state).toBe("submitted");
    expect(again.reason).toBeNull();
    const passed = apply(request("join", true), S1, { action: "approve", comment: null, bill: null }, 1).body;
    expect(code(() => apply(passed, A, { action: "withdraw" }, 2))).toBe("WithdrawTooLate");
  });

  it("a delegate advises and the decision stays with the owner", () => {
    let b = apply(request(), S1, { action: "delegate", to: R, comment: null }, 1).body;
    expect(allowedActions(b, R.id)).toContain("advise");
    b = apply(b, R, { action: "advise", approve: false, comment: "材料不全" }, 2).body;
    expect(b.state).toBe("submitted");
    expect(b.steps[0].delegations[0].advice?.approve).toBe(false);
    expect(allowedActions(b, S1.id)).toContain("approve");
  });
});
