// Which form field an error belongs to. The backend's codes are stable (crates/domain
// validate.rs, server auth routes): a family of codes shares a prefix.
import type { AppError, FieldIssue } from "./bindings";

export type FieldName = "phone" | "code" | "password" | "credit_code" | "real_name" | "id_number";

const PREFIXES: ReadonlyArray<[string, FieldName]> = [
  ["IdNumber", "id_number"],
  ["Name", "real_name"],
  ["Phone", "phone"],
  ["SmsCode", "code"],
  ["Sms", "code"],
  ["CreditCode", "credit_code"],
  ["Password", "password"],
  ["LoginFailed", "password"],
];

/** The field among `fields` that an error code points at, or null for a form-level error. */
export function fieldForCode(code: string, fields: readonly FieldName[]): FieldName | null {
  for (const [prefix, field] of PREFIXES) {
    if (code.startsWith(prefix) && fields.includes(field)) return field;
  }
  return null;
}

/** A FieldIssue's field name, whether Rust spells it "id_number" or "idNumber". */
export function normalizeField(field: string): string {
  return field.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}

export type FieldErrors = Partial<Record<FieldName, string>>;

export type FormErrors = { fields: FieldErrors; form: string | null };

export function noErrors(): FormErrors {
  return { fields: {}, form: null };
}

/** An AppError placed under its field when it has one on this form, else above the form. */
export function errorsFromAppError(e: AppError, fields: readonly FieldName[]): FormErrors {
  const field = fieldForCode(e.code, fields);
  return field ? { fields: { [field]: e.message }, form: null } : { fields: {}, form: e.message };
}

/** FieldIssues grouped by field; the first issue of a field wins. Issues for fields not on
 * the form are dropped (the user could not act on them). */
export function errorsFromIssues(issues: FieldIssue[], fields: readonly FieldName[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const f = normalizeField(issue.field) as FieldName;
    if (fields.includes(f) && !out[f]) out[f] = issue.message;
  }
  return out;
}
