// The approval engine as the UI sees it: the request action union (hand-written: the
// Rust `Action` is a tagged enum ts-rs cannot read), money in integer fen, the labels and
// option lists of the forms, and the client-side checks that mirror the domain's.

import type { Attachment, Person, RequestBody, RequestKind, RequestState } from "./bindings";

export type {
  Attachment,
  AttachmentData,
  BillSpec,
  BulkResult,
  DelegateCandidate,
  Delegation,
  DuesOrderView,
  FieldDef,
  FieldType,
  HistoryEntry,
  JoinForm,
  LogEntry,
  MembershipCounts,
  MembershipPage,
  MembershipQuery,
  MembershipRecordView,
  MembershipStatus,
  NotificationView,
  OrgProfile,
  OrgRegisterStatus,
  OrgRegistrationForm,
  Person,
  PositionForm,
  RequestBody,
  RequestCounts,
  RequestDetail,
  RequestKind,
  RequestPage,
  RequestQuery,
  RequestRow,
  RequestState,
  ServiceDef,
  ServiceView,
  Step,
  StepMode,
  TransferForm,
  UnitOption,
  Vote,
  WithdrawalForm,
  WorkflowIssue,
} from "./bindings";
export type { LocalStatus as LocalState, StepTemplate } from "./bindings";
/** The backend, for the approval screens (api.ts's `backend()`). */
export { backend as wf } from "./api";

/** One action on a request (`request_act`), tagged by "action" like the Rust enum. */
export type RequestAction =
  | { action: "approve"; comment: string | null; bill: { amount_fen: number; period: string } | null }
  | { action: "reject"; reason: string }
  | { action: "send_back"; reason: string }
  | { action: "withdraw" }
  | { action: "resubmit"; form: Record<string, unknown>; attachments: Attachment[] }
  | { action: "delegate"; to: Person; comment: string | null }
  | { action: "advise"; approve: boolean; comment: string | null }
  | { action: "transfer"; to: Person; comment: string | null }
  | { action: "comment"; text: string };

export type ActionName = RequestAction["action"];

export const REQUEST_KINDS: readonly RequestKind[] = [
  "join",
  "transfer",
  "position",
  "withdrawal",
  "org_registration",
  "service",
];

export const REQUEST_STATES: readonly RequestState[] = [
  "draft",
  "submitted",
  "returned",
  "approved",
  "rejected",
  "withdrawn",
];

/** Member categories of the join form (seed 000: 入会类型; the domain's MEMBER_CATEGORIES). */
export const MEMBER_CATEGORIES = [
  "机关事业单位职工",
  "企业职工",
  "灵活就业人员",
  "新就业形态劳动者",
  "农民工",
  "离退休人员",
] as const;

/** Seed 001 §2.2.2 choices (the domain's UNIT_STATUSES, UNIT_NATURES, UNIT_SCALES). */
export const UNIT_STATUSES = ["存续", "在业", "停业", "注销"] as const;
export const UNIT_NATURES = ["国有企业", "民营企业", "外资企业", "合资企业", "事业单位", "社会组织", "其他"] as const;
export const UNIT_SCALES = ["20人以下", "20-99人", "100-499人", "500-999人", "1000人以上"] as const;
export const INDUSTRIES = [
  "互联网和相关服务",
  "软件和信息技术服务业",
  "电信、广播电视和卫星传输服务",
  "科学研究和技术服务业",
  "制造业",
  "批发和零售业",
  "金融业",
  "教育",
  "文化、体育和娱乐业",
  "其他",
] as const;

/** The 用户类型 an association offers when it sends none (the server's demo levels). */
export const DEFAULT_LEVELS = ["会员单位", "理事单位", "常务理事单位", "副理事长单位"] as const;

// ---------------------------------------------------------------- money

/** The dues amount typed in yuan ("240", "240.5", "1,200.00") as integer fen, read digit
 * by digit — never through a float. Null when it is not an amount of 1 fen to 1,000,000
 * yuan with at most two decimals. */
export function yuanToFen(text: string): number | null {
  const t = text.trim().replace(/^[¥￥]/, "").replace(/,/g, "").trim();
  const m = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  if (fen < 1 || fen > 100_000_000) return null;
  return fen;
}

/** 24050 → "240.50". */
export function fenToYuan(fen: number): string {
  const sign = fen < 0 ? "-" : "";
  const a = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, "0")}`;
}

// ---------------------------------------------------------------- attachments

export const ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;

/** The type of a file from its first bytes, like the domain's sniff_attachment: PDF,
 * PNG, JPEG or WebP; null for anything else. */
export function sniffAttachment(bytes: Uint8Array): string | null {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf";
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (starts([0xff, 0xd8, 0xff])) return "image/jpeg";
  if (bytes.length >= 12 && starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) {
    return "image/webp";
  }
  return null;
}

/** "1.2 MB", "350 KB". */
export function fileSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

// ---------------------------------------------------------------- checks

const CC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100 check character of the first 17 characters of a credit code. */
export function creditCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CC_CHARS.indexOf(first17[i]) * CC_WEIGHTS[i];
  return CC_CHARS[(31 - (sum % 31)) % 31];
}

/** The domain's credit-code checks (validate_credit_code), in its order and words; null
 * when valid. */
export function creditCodeError(code: string): string | null {
  const c = code.trim();
  if (!c) return "请输入统一社会信用代码";
  if ([...c].length !== 18) return "统一社会信用代码应为18位";
  const u = c.toUpperCase();
  if ([...u].some((ch) => !CC_CHARS.includes(ch))) return "统一社会信用代码只能包含数字和大写字母（不含I、O、S、V、Z）";
  if (creditCheckChar(u.slice(0, 17)) !== u[17]) return "统一社会信用代码校验位不正确，请检查是否输错";
  return null;
}

/** The domain's validate_phone: spaces, dashes and +86 allowed, 11 digits from 13 to 19. */
export function phoneError(phone: string): string | null {
  const compact = phone.replace(/[\s-]/g, "");
  if (!compact) return "请填写手机号码";
  const digits = compact.startsWith("+86") ? compact.slice(3) : compact.startsWith("86") ? compact.slice(2) : compact;
  if (!/^\d*$/.test(digits)) return "手机号码格式不正确，应为以13至19开头的中国大陆手机号码";
  if (digits.length !== 11) return "手机号码应为11位数字";
  if (!/^1[3-9]/.test(digits)) return "手机号码格式不正确，应为以13至19开头的中国大陆手机号码";
  return null;
}

const CJK = /[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2a6df}\u{2a700}-\u{2ebef}\u{2f800}-\u{2fa1f}\u{30000}-\u{323af}]/u;
const DOTS = "\u00b7\u2022\u2027\u2219\u22c5\u30fb\uff65";

/** The domain's validate_name: Chinese (with middle dots between parts, 2–20) or Latin
 * letters (2–50), never mixed. */
export function nameError(name: string): string | null {
  const s = name.trim();
  if (!s) return "请填写姓名";
  const chars = [...s];
  const bad = "姓名只能使用汉字（可含间隔号“·”）或英文字母，不能包含数字，也不能中英文混用";
  let n: number;
  let max: number;
  if (chars.some((c) => CJK.test(c))) {
    let prevDot = true;
    for (const c of chars) {
      if (CJK.test(c)) prevDot = false;
      else if (DOTS.includes(c) && !prevDot) prevDot = true;
      else return bad;
    }
    if (prevDot) return bad;
    n = chars.length;
    max = 20;
  } else {
    const out = s.split(/\s+/).join(" ");
    if (!/^[A-Za-z][A-Za-z '.-]*$/.test(out)) return bad;
    n = out.length;
    max = 50;
  }
  if (n < 2) return "姓名至少需要2个字";
  if (n > max) return "姓名过长：中文姓名最多20个字，英文姓名最多50个字符";
  return null;
}

/** The domain's validate_password. */
export function passwordError(pw: string): string | null {
  if (!pw) return "请设置登录密码";
  const n = [...pw].length;
  if (n < 8) return "密码至少需要8位";
  if (n > 64) return "密码最多64位";
  if (!/[A-Za-z]/.test(pw) || !/\d/.test(pw)) return "密码需同时包含字母和数字";
  return null;
}

/** Referrer name and phone: both or neither (REFERRER_INCOMPLETE). */
export function referrerErrors(name: string, phone: string): { name: string | null; phone: string | null } {
  const n = name.trim();
  const p = phone.trim();
  if (!n && !p) return { name: null, phone: null };
  if (!n) return { name: "推荐人姓名和手机号应同时填写", phone: null };
  if (!p) return { name: null, phone: "推荐人姓名和手机号应同时填写" };
  return { name: nameError(n), phone: phoneError(p) };
}

/** A reason or comment: 1 to 500 characters. */
export function textError(text: string, empty: string): string | null {
  const n = [...text.trim()].length;
  if (n === 0) return empty;
  if (n > 500) return "不超过500个字";
  return null;
}

export function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim());
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

// ---------------------------------------------------------------- reading requests

/** The form's value as text ("" when absent). */
export function formText(form: Record<string, unknown>, key: string): string {
  const v = form[key];
  return typeof v === "string" ? v : v === null || v === undefined ? "" : String(v);
}

/** Drops empty optional fields: the domain's forms refuse unknown keys but accept absent
 * ones. */
export function compact<T extends Record<string, unknown>>(form: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(form)) {
    if (v === null || v === undefined) continue;
    if (typeof v === "string" && v.trim() === "") continue;
    out[k] = typeof v === "string" ? v.trim() : v;
  }
  return out as T;
}

/** Whether the current step is the last one (a dues order may be made there). */
export function onLastStep(body: RequestBody): boolean {
  return body.state === "submitted" && body.current + 1 === body.steps.length;
}

/** The current year, the default billing period. */
export function currentPeriod(now: Date = new Date()): string {
  return String(now.getFullYear());
}
