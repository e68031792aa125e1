// The approval engine's rules for the in-memory backend: a port of crates/domain
// workflow.rs `apply` and `allowed_actions`, so mock mode and the component tests move
// requests exactly as the app does. Errors carry the domain's codes and words.

import type { AppError } from "./bindings";
import type { RequestAction } from "./workflow";
import type { Person, RequestBody, Step } from "./workflow";

export type Outcome = {
  body: RequestBody;
  effect: "approved" | "rejected" | "withdrawn" | "sent_back" | "next_step" | null;
  notify: string[];
};

const e = (code: string, message: string): AppError => ({ code, message });

export const ERR = {
  notApplicant: e("NotApplicant", "只有申请人本人可以进行此操作"),
  notYourStep: e("NotYourStep", "当前审批环节不由您处理"),
  alreadyVoted: e("AlreadyVoted", "您已在本环节作出决定"),
  notPending: e("NotPending", "该申请已办结或不在审核中"),
  notReturned: e("NotReturned", "只有被退回修改的申请才能重新提交"),
  withdrawTooLate: e("WithdrawTooLate", "审批人已作出决定，不能撤回"),
  reasonRequired: e("ReasonRequired", "请填写原因（1到500个字）"),
  commentInvalid: e("CommentInvalid", "意见应为1到500个字"),
  delegateInvalid: e("DelegateInvalid", "不能委托或转交给自己或本环节已有的审批人"),
  notDelegate: e("NotDelegate", "您没有收到该环节的委托"),
  billNotAllowed: e("BillNotAllowed", "只有入会申请的最后一个审批环节可以生成会费订单"),
  billInvalid: e("BillInvalid", "会费金额应为1分到100万元之间的整数分，缴费期间不能为空"),
  notInvolved: e("NotInvolved", "您不是该申请的申请人或审批人"),
  noSteps: e("NoApprovers", "该组织尚未设置审批人，请联系上级组织"),
};

function checkText(t: string, err: AppError): string {
  const s = t.trim();
  const n = [...s].length;
  if (n === 0 || n > 500) throw err;
  return s;
}

function optComment(c: string | null): string | null {
  const s = c?.trim() ?? "";
  return s ? checkText(s, ERR.commentInvalid) : null;
}

export function currentStep(b: RequestBody): Step | null {
  return b.state === "submitted" ? (b.steps[b.current] ?? null) : null;
}

const hasVoted = (s: Step, id: string) => s.votes.some((v) => v.by.id === id);
const isApprover = (s: Step, id: string) => s.approvers.some((p) => p.id === id);

function stepWaitingOn(s: Step): Person[] {
  if (s.mode === "all") return s.approvers.filter((p) => !hasVoted(s, p.id));
  return s.votes.length === 0 ? s.approvers : [];
}

export function waitingOn(b: RequestBody): string[] {
  const step = currentStep(b);
  if (!step) return [];
  const out = stepWaitingOn(step).map((p) => p.id);
  for (const d of step.delegations) {
    if (!d.advice && out.includes(d.owner.id)) out.push(d.delegate.id);
  }
  return out;
}

export function participants(b: RequestBody): string[] {
  const out = [b.applicant.id];
  const add = (id: string) => {
    if (!out.includes(id)) out.push(id);
  };
  for (const s of b.steps) {
    for (const p of s.approvers) add(p.id);
    for (const d of s.delegations) add(d.delegate.id);
  }
  return out;
}

export const hasDecision = (b: RequestBody) => b.steps.some((s) => s.votes.length > 0);

export function actedBy(b: RequestBody, id: string): boolean {
  return b.log.some(
    (l) => l.actor.id === id && ["approve", "reject", "send_back", "advise", "transfer", "delegate"].includes(l.action),
  );
}

export function isDecision(a: RequestAction): boolean {
  return ["approve", "reject", "send_back", "delegate", "advise", "transfer"].includes(a.action);
}

/** `apply` of the domain: throws the refusal, changes nothing then. */
export function apply(req: RequestBody, actor: Person, action: RequestAction, now: number): Outcome {
  const b: RequestBody = structuredClone(req);
  const idx = b.current;
  const entry = (name: string, comment: string | null, to: Person | null, step: number | null) => ({
    at: now,
    actor: { ...actor },
    action: name,
    step,
    comment,
    to,
  });
  switch (action.action) {
    case "comment": {
      const text = checkText(action.text, ERR.commentInvalid);
      if (!participants(b).includes(actor.id)) throw ERR.notInvolved;
      b.log.push(entry("comment", text, null, null));
      return { body: b, effect: null, notify: participants(b).filter((id) => id !== actor.id) };
    }
    case "withdraw": {
      if (actor.id !== b.applicant.id) throw ERR.notApplicant;
      if (b.state === "submitted" && hasDecision(b)) throw ERR.withdrawTooLate;
      if (!["submitted", "returned", "draft"].includes(b.state)) throw ERR.notPending;
      const notify = currentStep(b)?.approvers.map((p) => p.id) ?? [];
      b.state = "withdrawn";
      b.decided_at = now;
      b.log.push(entry("withdraw", null, null, null));
      return { body: b, effect: "withdrawn", notify };
    }
    case "resubmit": {
      if (actor.id !== b.applicant.id) throw ERR.notApplicant;
      if (b.state !== "returned") throw ERR.notReturned;
      b.form = structuredClone(action.form);
      b.attachments = structuredClone(action.attachments);
      b.state = "submitted";
      b.current = 0;
      b.reason = null;
      for (const s of b.steps) {
        s.votes = [];
        s.delegations = [];
      }
      b.submitted_at = now;
      b.log.push(entry("resubmit", null, null, null));
      return { body: b, effect: null, notify: b.steps[0].approvers.map((p) => p.id) };
    }
    default:
      break;
  }

  if (b.state !== "submitted") throw ERR.notPending;
  const lastStep = idx + 1 === b.steps.length;
  const applicant = b.applicant.id;
  const step = b.steps[idx];
  if (!step) throw ERR.notPending;

  if (action.action === "advise") {
    const comment = optComment(action.comment);
    const d = step.delegations.find((x) => x.delegate.id === actor.id && !x.advice);
    if (!d) throw ERR.notDelegate;
    d.advice = { by: { ...actor }, approve: action.approve, comment, at: now };
    b.log.push(entry("advise", comment, null, idx));
    return { body: b, effect: null, notify: [d.owner.id] };
  }

  if (!isApprover(step, actor.id)) throw ERR.notYourStep;
  if (hasVoted(step, actor.id)) throw ERR.alreadyVoted;

  switch (action.action) {
    case "delegate": {
      const comment = optComment(action.comment);
      if (action.to.id === actor.id || isApprover(step, action.to.id)) throw ERR.delegateInvalid;
      step.delegations = step.delegations.filter((d) => d.owner.id !== actor.id);
      step.delegations.push({ owner: { ...actor }, delegate: { ...action.to }, advice: null });
      b.log.push(entry("delegate", comment, { ...action.to }, idx));
      return { body: b, effect: null, notify: [action.to.id] };
    }
    case "transfer": {
      const comment = optComment(action.comment);
      if (action.to.id === actor.id || isApprover(step, action.to.id)) throw ERR.delegateInvalid;
      step.approvers = step.approvers.map((p) => (p.id === actor.id ? { ...action.to } : p));
      step.delegations = step.delegations.filter((d) => d.owner.id !== actor.id);
      b.log.push(entry("transfer", comment, { ...action.to }, idx));
      return { body: b, effect: null, notify: [action.to.id] };
    }
    case "send_back": {
      const reason = checkText(action.reason, ERR.reasonRequired);
      b.state = "returned";
      b.reason = reason;
      b.log.push(entry("send_back", reason, null, idx));
      return { body: b, effect: "sent_back", notify: [applicant] };
    }
    case "reject": {
      const reason = checkText(action.reason, ERR.reasonRequired);
      step.votes.push({ by: { ...actor }, approve: false, comment: reason, at: now });
      step.delegations = step.delegations.filter((d) => d.owner.id !== actor.id);
      b.state = "rejected";
      b.decided_at = now;
      b.reason = reason;
      b.log.push(entry("reject", reason, null, idx));
      return { body: b, effect: "rejected", notify: [applicant] };
    }
    case "approve": {
      const comment = optComment(action.comment);
      const bill = action.bill;
      if (bill) {
        if (b.kind !== "join" || !lastStep) throw ERR.billNotAllowed;
        if (
          !Number.isInteger(bill.amount_fen) ||
          bill.amount_fen < 1 ||
          bill.amount_fen > 100_000_000 ||
          !bill.period.trim() ||
          [...bill.period].length > 20
        ) {
          throw ERR.billInvalid;
        }
      }
      step.votes.push({ by: { ...actor }, approve: true, comment, at: now });
      step.delegations = step.delegations.filter((d) => d.owner.id !== actor.id);
      const passed = step.mode !== "all" || step.approvers.every((p) => hasVoted(step, p.id));
      b.log.push(entry("approve", comment, null, idx));
      if (bill) b.bill = { ...bill };
      if (!passed) return { body: b, effect: null, notify: [] };
      b.current += 1;
      if (b.current === b.steps.length) {
        b.state = "approved";
        b.decided_at = now;
        return { body: b, effect: "approved", notify: [applicant] };
      }
      return { body: b, effect: "next_step", notify: b.steps[b.current].approvers.map((p) => p.id) };
    }
  }
  throw ERR.notPending;
}

/** `allowed_actions` of the domain: the buttons a screen shows. */
export function allowedActions(b: RequestBody, who: string): string[] {
  const out: string[] = [];
  if (who === b.applicant.id) {
    if (b.state === "submitted" && !hasDecision(b)) out.push("withdraw");
    if (b.state === "returned") out.push("resubmit", "withdraw");
  }
  const step = currentStep(b);
  if (step) {
    if (isApprover(step, who) && !hasVoted(step, who)) {
      out.push("approve", "reject", "send_back", "delegate", "transfer");
    }
    if (step.delegations.some((d) => d.delegate.id === who && !d.advice)) out.push("advise");
  }
  if (participants(b).includes(who) && b.state !== "draft") out.push("comment");
  return out;
}
