// What the secretary's events, questionnaire/vote and lottery desk (活动管理) shares beyond
// ../words: the units listed with the caller's own first, the desk's words for phases,
// statuses and ways in, the form checks' messages (lib/activities.ts names them; the desk
// words them with its own keys), and how often the live figures refresh.

import type {
  ActivityUnit,
  EventErrorKey,
  EventField,
  QuestionErrorKey,
  RegistrationStatus,
  SurveyErrors,
  SurveyKind,
  LotteryErrors,
} from "../../../lib/activities";
import type { MessageKey } from "../../../lib/i18n";

/** A unit as the forms list it: its name, indented under the caller's own units. */
export type UnitChoice = ActivityUnit & { label: string };

/** The grants' units first, then the ones under them by their Chinese collation. */
export function orderedUnits(us: ActivityUnit[], roots: string[]): UnitChoice[] {
  const top = us.filter((u) => roots.includes(u.id));
  const rest = us.filter((u) => !roots.includes(u.id)).sort((a, b) => a.name.localeCompare(b.name, "zh-CN"));
  const indent = top.length > 0 ? "\u3000" : "";
  return [...top.map((u) => ({ ...u, label: u.name })), ...rest.map((u) => ({ ...u, label: indent + u.name }))];
}

/** How often attendance and a lottery's entrants are fetched again while on screen (ms). */
export const LIVE = { ms: 5_000 };

type CheckKey =
  | EventErrorKey
  | QuestionErrorKey
  | NonNullable<SurveyErrors["title"] | SurveyErrors["closesAt"] | SurveyErrors["questions"]>
  | NonNullable<LotteryErrors["title"] | LotteryErrors["prizes"]>
  | LotteryErrors["p"][number];

/** The desk's words for each check lib/activities.ts can fail. */
const CHECKS: Record<CheckKey, MessageKey> = {
  "act.err.title": "actAdmin.err.title",
  "act.err.place": "actAdmin.err.place",
  "act.err.description": "actAdmin.err.description",
  "act.err.time": "actAdmin.err.time",
  "act.err.endsAt": "actAdmin.err.endsAt",
  "act.err.capacity": "actAdmin.err.capacity",
  "act.err.deadline": "actAdmin.err.deadline",
  "act.err.fee": "actAdmin.err.fee",
  "act.err.sTitle": "actAdmin.err.sTitle",
  "act.err.sWindow": "actAdmin.err.sWindow",
  "act.err.sQuestions": "actAdmin.err.sQuestions",
  "act.err.qText": "actAdmin.err.qText",
  "act.err.qOptions": "actAdmin.err.qOptions",
  "act.err.qOption": "actAdmin.err.qOption",
  "act.err.qLimits": "actAdmin.err.qLimits",
  "act.err.lTitle": "actAdmin.err.lTitle",
  "act.err.lPrizes": "actAdmin.err.lPrizes",
  "act.err.prize": "actAdmin.err.prize",
};

export function checkKey(k: CheckKey): MessageKey {
  return CHECKS[k];
}

/** The event form's fields as their test ids name them (event-form-<name>). */
export const EVENT_FIELD_ID: Record<EventField, string> = {
  title: "title",
  place: "place",
  description: "description",
  startsAt: "start",
  endsAt: "end",
  capacity: "capacity",
  deadline: "deadline",
  fee: "fee",
};

export function regKey(s: RegistrationStatus): MessageKey {
  return `actAdmin.status.${s}`;
}

/** An event's phase (upcoming, ongoing, ended, cancelled) or a survey's (upcoming, open, closed). */
export function phaseKey(p: string): MessageKey {
  switch (p) {
    case "upcoming":
    case "ongoing":
    case "ended":
    case "cancelled":
    case "open":
    case "closed":
      return `actAdmin.phase.${p}`;
    default:
      return "actAdmin.phase.ended";
  }
}

export function kindKey(k: SurveyKind): MessageKey {
  return `actAdmin.kind.${k}`;
}

/** How someone came in last: a staff scan of the ticket, the venue code, by hand. */
export function howKey(how: string | null): MessageKey | null {
  switch (how) {
    case "staff":
    case "venue_code":
    case "manual":
      return `actAdmin.how.${how}`;
    default:
      return null;
  }
}
