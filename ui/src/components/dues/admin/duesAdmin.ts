// What the secretary's dues screens share beyond the dues words (../words): the kinds of
// period, the period filter's check, and the rule form's checks mirroring the domain
// (dues.rs validate_rule).

import {
  fenToYuan,
  isPeriod,
  MAX_AMOUNT_FEN,
  yuanToFen,
  type DuesRule,
  type DuesRuleView,
  type DuesUnit,
  type PeriodKind,
} from "../../../lib/dues";
import type { MessageKey } from "../../../lib/i18n";

export function kindKey(k: PeriodKind): MessageKey {
  return `duesAdmin.kind.${k}`;
}

/** The error for a period filter ("" is no filter), or null. */
export function periodError(text: string): MessageKey | null {
  return text.trim() && !isPeriod(text) ? "duesAdmin.err.period" : null;
}

/** The shortest length of each kind of period: a due date must fall inside it. */
export const PERIOD_MIN_DAYS: Record<PeriodKind, number> = { year: 365, half_year: 181, month: 28 };

export type RuleDraft = {
  name: string;
  unitId: string;
  memberType: string;
  level: string;
  amount: string;
  period: PeriodKind;
  /** What a number input binds: null when empty. */
  dueDays: number | null;
  prorate: boolean;
  active: boolean;
};

export type RuleField = "name" | "unit" | "memberType" | "level" | "amount" | "dueDays";

/**
 * The rule the form describes, or the fields that are wrong (validate_rule's limits: name
 * 1–40 characters, type and level at most 30, amount 0.01 to 1,000,000 yuan, due days a
 * whole number below the period's shortest length).
 */
export function ruleFromDraft(d: RuleDraft, unitName: string): { rule: DuesRule } | { bad: RuleField[] } {
  const bad: RuleField[] = [];
  const name = d.name.trim();
  if ([...name].length < 1 || [...name].length > 40) bad.push("name");
  if (!d.unitId) bad.push("unit");
  if ([...d.memberType.trim()].length > 30) bad.push("memberType");
  if ([...d.level.trim()].length > 30) bad.push("level");
  const fen = yuanToFen(d.amount);
  if (fen === null || fen > MAX_AMOUNT_FEN) bad.push("amount");
  const days = d.dueDays;
  if (days === null || !Number.isInteger(days) || days < 0 || days >= PERIOD_MIN_DAYS[d.period]) bad.push("dueDays");
  if (bad.length > 0 || fen === null || days === null) return { bad };
  return {
    rule: {
      name,
      unit_id: d.unitId,
      unit_name: unitName,
      member_type: d.memberType.trim() || null,
      level: d.level.trim() || null,
      amount_fen: fen,
      period: d.period,
      due_days: days,
      prorate_first: d.prorate,
      active: d.active,
    },
  };
}

export function draftOf(r: DuesRule): RuleDraft {
  return {
    name: r.name,
    unitId: r.unit_id,
    memberType: r.member_type ?? "",
    level: r.level ?? "",
    amount: fenToYuan(r.amount_fen),
    period: r.period,
    dueDays: r.due_days,
    prorate: r.prorate_first,
    active: r.active,
  };
}

/** The unit a form starts on: the first with an active rule (where billing happens), else the first. */
export function preferredUnit(units: DuesUnit[], rules: DuesRuleView[]): string {
  return (units.find((u) => rules.some((r) => r.rule.unit_id === u.id && r.rule.active)) ?? units[0])?.id ?? "";
}

/** A unit as the filters list it: its name, indented under the caller's own units. */
export type UnitChoice = DuesUnit & { label: string };
