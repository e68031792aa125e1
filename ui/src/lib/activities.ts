// Events, questionnaires/votes and lotteries as the UI sees them (seed 004 §七, §八, §十一):
// the generated types, the forms' client checks mirroring the domain (crates/domain/src/
// events.rs validate_event, events/survey.rs validate_survey and check_answers,
// events/lottery.rs validate_prizes, worded as the domain words them), the times the
// forms edit, and what an answer form turns into.

import type { AnswerValue, Audience, EventBody, Prize, Question, QuestionKind, ResultsVisible, SurveyBody, SurveyKind } from "./bindings";
import { yuanToFen } from "./workflow";

export type {
  ActivityUnit,
  ActivityView,
  AnswerValue,
  AttendanceCounts,
  AttendanceReport,
  AttendeeRow,
  Audience,
  CodeView,
  DrawCheck,
  EventBody,
  LotteryStatus,
  LotteryView,
  MemberScanView,
  MyCheckin,
  MyPrize,
  MyRegistration,
  OutboxState,
  Prize,
  PrizeResult,
  Question,
  QuestionKind,
  QuestionResult,
  RegistrationRow,
  RegistrationStatus,
  ResultsVisible,
  SavedFile,
  SurveyBody,
  SurveyKind,
  SurveyResults,
  SurveyView,
  Winner,
} from "./bindings";
export { fenToYuan, yuanToFen } from "./workflow";
/** The backend, for the events, survey and lottery screens (api.ts's `backend()`). */
export { backend as acts } from "./api";

export const QUESTION_KINDS: readonly QuestionKind[] = ["single", "multiple", "text", "rating"];
export const RESULTS_VISIBLE: readonly ResultsVisible[] = ["after_answer", "after_close", "organisers"];
export const AUDIENCES: readonly Audience[] = ["members", "open"];
export const SURVEY_KINDS: readonly SurveyKind[] = ["survey", "vote"];

/** The domain's limits. */
export const LIMITS = {
  title: 100,
  place: 100,
  description: 5_000,
  capacity: 100_000,
  questions: 50,
  questionText: 200,
  optionsMin: 2,
  optionsMax: 20,
  option: 100,
  answerText: 1_000,
  rating: 5,
  prizes: 20,
  prizeName: 60,
  prizeCount: 1_000,
} as const;

/** How many characters (not UTF-16 units) a text has, after the domain's clean_text. */
export function chars(s: string): number {
  return [...clean(s)].length;
}

/** The domain's clean_text: control characters dropped, trimmed. */
export function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, "").trim();
}

// ---------------------------------------------------------------- times

const pad = (n: number) => String(n).padStart(2, "0");

/** Unix ms as a `datetime-local` input's value ("2026-04-12T09:00"), local time. */
export function toLocalInput(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "";
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value as unix ms (local time), or null when it is not one. */
export function fromLocalInput(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2})?$/.exec(s.trim());
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  const at = new Date(y, mo - 1, d, h, mi);
  if (at.getFullYear() !== y || at.getMonth() !== mo - 1 || at.getDate() !== d) return null;
  return at.getTime();
}

// ---------------------------------------------------------------- events

export type EventDraft = {
  title: string;
  place: string;
  description: string;
  startsAt: string;
  endsAt: string;
  reentry: boolean;
  registration: boolean;
  /** Places ("" is no limit). */
  capacity: string;
  /** datetime-local; "" is none (registration closes at the start). */
  deadline: string;
  audience: Audience;
  approval: boolean;
  /** Yuan ("" is free). */
  fee: string;
  cancelled: boolean;
};

export type EventField = "title" | "place" | "description" | "startsAt" | "endsAt" | "capacity" | "deadline" | "fee";
/** Each wrong field with its message key. */
export type EventErrors = Partial<Record<EventField, EventErrorKey>>;
export type EventErrorKey =
  | "act.err.title"
  | "act.err.place"
  | "act.err.description"
  | "act.err.time"
  | "act.err.endsAt"
  | "act.err.capacity"
  | "act.err.deadline"
  | "act.err.fee";

export function blankEvent(now: number = Date.now()): EventDraft {
  // A week ahead, 09:00–11:30: a sensible start a secretary edits.
  const d = new Date(now + 7 * 86_400_000);
  d.setHours(9, 0, 0, 0);
  const start = d.getTime();
  return {
    title: "",
    place: "",
    description: "",
    startsAt: toLocalInput(start),
    endsAt: toLocalInput(start + 150 * 60_000),
    reentry: true,
    registration: true,
    capacity: "",
    deadline: "",
    audience: "members",
    approval: false,
    fee: "",
    cancelled: false,
  };
}

export function draftOfEvent(e: EventBody): EventDraft {
  return {
    title: e.title,
    place: e.place ?? "",
    description: e.description ?? "",
    startsAt: toLocalInput(e.starts_at),
    endsAt: toLocalInput(e.ends_at),
    reentry: e.reentry_allowed,
    registration: e.registration,
    capacity: e.capacity === null || e.capacity === undefined ? "" : String(e.capacity),
    deadline: toLocalInput(e.registration_deadline),
    audience: e.audience,
    approval: e.approval_required,
    fee: e.fee_fen ? (e.fee_fen / 100).toFixed(2) : "",
    cancelled: e.cancelled,
  };
}

/**
 * The event the form describes, or what is wrong with it (validate_event: a 1–100
 * character title, an end after the start, a place of at most 100 characters, 1–100,000
 * places, a deadline not after the start, a fee of 0.01 to 1,000,000 yuan, a description
 * of at most 5,000 characters). Without registration there are no places, deadline,
 * approval or fee.
 */
export function eventFromDraft(d: EventDraft): { event: EventBody } | { errors: EventErrors } {
  const e: EventErrors = {};
  const title = clean(d.title);
  if (chars(title) < 1 || chars(title) > LIMITS.title) e.title = "act.err.title";
  const place = clean(d.place);
  if (chars(place) > LIMITS.place) e.place = "act.err.place";
  const description = d.description.trim();
  if ([...description].length > LIMITS.description) e.description = "act.err.description";
  const starts = fromLocalInput(d.startsAt);
  const ends = fromLocalInput(d.endsAt);
  if (starts === null) e.startsAt = "act.err.time";
  if (ends === null) e.endsAt = "act.err.time";
  else if (starts !== null && ends <= starts) e.endsAt = "act.err.endsAt";

  let capacity: number | null = null;
  let deadline: number | null = null;
  let fee: number | null = null;
  if (d.registration) {
    const c = d.capacity.trim();
    if (c !== "") {
      capacity = /^\d+$/.test(c) ? Number(c) : NaN;
      if (!Number.isInteger(capacity) || capacity < 1 || capacity > LIMITS.capacity) e.capacity = "act.err.capacity";
    }
    if (d.deadline.trim() !== "") {
      deadline = fromLocalInput(d.deadline);
      if (deadline === null) e.deadline = "act.err.time";
      else if (starts !== null && deadline > starts) e.deadline = "act.err.deadline";
    }
    if (d.fee.trim() !== "") {
      fee = yuanToFen(d.fee);
      if (fee === null) e.fee = "act.err.fee";
    }
  }
  if (Object.keys(e).length > 0 || starts === null || ends === null) return { errors: e };
  return {
    event: {
      title,
      place: place || null,
      description: description || null,
      starts_at: starts,
      ends_at: ends,
      reentry_allowed: d.reentry,
      registration: d.registration,
      capacity,
      registration_deadline: deadline,
      audience: d.audience,
      approval_required: d.registration && d.approval,
      fee_fen: fee,
      cancelled: d.cancelled,
    },
  };
}

// ---------------------------------------------------------------- surveys

export type QuestionDraft = {
  id: string;
  text: string;
  kind: QuestionKind;
  options: string[];
  /** Multiple choice: at least / at most (null: 1 / every option). */
  min: number | null;
  max: number | null;
  required: boolean;
};

export type SurveyDraft = {
  title: string;
  description: string;
  kind: SurveyKind;
  questions: QuestionDraft[];
  opensAt: string;
  closesAt: string;
  anonymous: boolean;
  audience: Audience;
  changeable: boolean;
  results: ResultsVisible;
};

export type QuestionErrorKey = "act.err.qText" | "act.err.qOptions" | "act.err.qOption" | "act.err.qLimits";
export type SurveyErrors = {
  title?: "act.err.sTitle";
  description?: "act.err.description";
  opensAt?: "act.err.time";
  closesAt?: "act.err.time" | "act.err.sWindow";
  questions?: "act.err.sQuestions";
  /** By question index. */
  q: Record<number, QuestionErrorKey>;
};

/** "q1", "q2" … : the next id not in use. */
export function nextQuestionId(qs: { id: string }[]): string {
  let n = qs.length + 1;
  while (qs.some((q) => q.id === `q${n}`)) n++;
  return `q${n}`;
}

export function blankQuestion(qs: { id: string }[], kind: QuestionKind = "single"): QuestionDraft {
  const choice = kind === "single" || kind === "multiple";
  return { id: nextQuestionId(qs), text: "", kind, options: choice ? ["", ""] : [], min: null, max: null, required: true };
}

export function blankSurvey(kind: SurveyKind = "vote", now: number = Date.now()): SurveyDraft {
  const opens = new Date(now);
  opens.setSeconds(0, 0);
  const closes = new Date(now + 7 * 86_400_000);
  closes.setHours(18, 0, 0, 0);
  return {
    title: "",
    description: "",
    kind,
    questions: [blankQuestion([])],
    opensAt: toLocalInput(opens.getTime()),
    closesAt: toLocalInput(closes.getTime()),
    anonymous: kind === "vote",
    audience: "members",
    changeable: false,
    results: "after_answer",
  };
}

export function draftOfSurvey(s: SurveyBody): SurveyDraft {
  return {
    title: s.title,
    description: s.description ?? "",
    kind: s.kind,
    questions: s.questions.map((q) => ({ ...q, options: [...q.options], min: q.min ?? null, max: q.max ?? null })),
    opensAt: toLocalInput(s.opens_at),
    closesAt: toLocalInput(s.closes_at),
    anonymous: s.anonymous,
    audience: s.audience,
    changeable: s.changeable,
    results: s.results,
  };
}

const isChoice = (k: QuestionKind) => k === "single" || k === "multiple";

/**
 * The survey the editor describes, or what is wrong (validate_survey: a 1–100 character
 * title, a close after the opening, 1–50 questions of 1–200 characters; choice questions
 * 2–20 options of 1–100 characters; a multiple choice's limits within its options).
 */
export function surveyFromDraft(d: SurveyDraft): { survey: SurveyBody } | { errors: SurveyErrors } {
  const e: SurveyErrors = { q: {} };
  const title = clean(d.title);
  if (chars(title) < 1 || chars(title) > LIMITS.title) e.title = "act.err.sTitle";
  const description = d.description.trim();
  if ([...description].length > LIMITS.description) e.description = "act.err.description";
  const opens = fromLocalInput(d.opensAt);
  const closes = fromLocalInput(d.closesAt);
  if (opens === null) e.opensAt = "act.err.time";
  if (closes === null) e.closesAt = "act.err.time";
  else if (opens !== null && closes <= opens) e.closesAt = "act.err.sWindow";
  if (d.questions.length < 1 || d.questions.length > LIMITS.questions) e.questions = "act.err.sQuestions";
  const questions: Question[] = d.questions.map((q, i) => {
    const text = clean(q.text);
    const options = isChoice(q.kind) ? q.options.map(clean) : [];
    if (chars(text) < 1 || chars(text) > LIMITS.questionText) e.q[i] = "act.err.qText";
    else if (isChoice(q.kind) && (options.length < LIMITS.optionsMin || options.length > LIMITS.optionsMax)) e.q[i] = "act.err.qOptions";
    else if (options.some((o) => o === "" || [...o].length > LIMITS.option)) e.q[i] = "act.err.qOption";
    let min: number | null = null;
    let max: number | null = null;
    if (q.kind === "multiple" && !e.q[i]) {
      max = q.max ?? options.length;
      min = q.min ?? 1;
      if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || min > max || max === 0 || max > options.length) {
        e.q[i] = "act.err.qLimits";
      }
    }
    return { id: q.id.trim(), text, kind: q.kind, options, min, max, required: q.required };
  });
  const bad = e.title || e.description || e.opensAt || e.closesAt || e.questions || Object.keys(e.q).length > 0;
  if (bad || opens === null || closes === null) return { errors: e };
  return {
    survey: {
      title,
      description: description || null,
      kind: d.kind,
      questions,
      opens_at: opens,
      closes_at: closes,
      anonymous: d.anonymous,
      audience: d.audience,
      changeable: d.changeable,
      results: d.results,
    },
  };
}

// ---------------------------------------------------------------- answering

/** What the answer form holds for one question. */
export type AnswerDraft = { choices: number[]; text: string; rating: number | null };
export type AnswerErrorKey = "act.err.required" | "act.err.choiceCount" | "act.err.answerText";

export function draftOfAnswers(qs: Question[], mine: AnswerValue[] | null): Record<string, AnswerDraft> {
  const out: Record<string, AnswerDraft> = {};
  for (const q of qs) {
    const a = mine?.find((x) => x.question_id === q.id);
    out[q.id] = { choices: [...(a?.choices ?? [])], text: a?.text ?? "", rating: a?.rating ?? null };
  }
  return out;
}

function blankAnswer(q: Question, a: AnswerDraft | undefined): boolean {
  if (!a) return true;
  switch (q.kind) {
    case "single":
    case "multiple":
      return a.choices.length === 0;
    case "text":
      return clean(a.text) === "";
    case "rating":
      return a.rating === null;
  }
}

/** Per question, what check_answers would refuse: a required one left blank, too few or too many choices, a text over 1,000 characters. */
export function answerErrors(qs: Question[], drafts: Record<string, AnswerDraft>): Record<string, AnswerErrorKey> {
  const out: Record<string, AnswerErrorKey> = {};
  for (const q of qs) {
    const a = drafts[q.id];
    if (blankAnswer(q, a)) {
      if (q.required) out[q.id] = "act.err.required";
      continue;
    }
    if (q.kind === "multiple") {
      const n = a.choices.length;
      if (n < (q.min ?? 1) || n > (q.max ?? q.options.length)) out[q.id] = "act.err.choiceCount";
    }
    if (q.kind === "text" && [...clean(a.text)].length > LIMITS.answerText) out[q.id] = "act.err.answerText";
  }
  return out;
}

/** The answers to send: blank optional questions left out, choices in order. */
export function answersOf(qs: Question[], drafts: Record<string, AnswerDraft>): AnswerValue[] {
  const out: AnswerValue[] = [];
  for (const q of qs) {
    const a = drafts[q.id];
    if (blankAnswer(q, a)) continue;
    switch (q.kind) {
      case "single":
      case "multiple":
        out.push({ question_id: q.id, choices: [...new Set(a.choices)].sort((x, y) => x - y) });
        break;
      case "text":
        out.push({ question_id: q.id, text: clean(a.text) });
        break;
      case "rating":
        out.push({ question_id: q.id, rating: a.rating });
        break;
    }
  }
  return out;
}

/** How a multiple choice question's limits read: null (any), or its min and max. */
export function choiceLimits(q: Question): { min: number; max: number } | null {
  if (q.kind !== "multiple") return null;
  const min = q.min ?? 1;
  const max = q.max ?? q.options.length;
  return min <= 1 && max >= q.options.length ? null : { min, max };
}

// ---------------------------------------------------------------- lotteries

export type PrizeDraft = { name: string; count: number | null };
export type LotteryErrors = { title?: "act.err.lTitle"; prizes?: "act.err.lPrizes"; p: Record<number, "act.err.prize"> };

/** validate_prizes: a 1–100 character title, 1–20 prizes named in 1–60 characters of 1–1,000 winners each. */
export function lotteryFromDraft(title: string, prizes: PrizeDraft[]): { title: string; prizes: Prize[] } | { errors: LotteryErrors } {
  const e: LotteryErrors = { p: {} };
  const t = clean(title);
  if (chars(t) < 1 || chars(t) > LIMITS.title) e.title = "act.err.lTitle";
  if (prizes.length < 1 || prizes.length > LIMITS.prizes) e.prizes = "act.err.lPrizes";
  const out: Prize[] = prizes.map((p, i) => {
    const name = clean(p.name);
    const count = p.count ?? 0;
    if (name === "" || [...name].length > LIMITS.prizeName || !Number.isInteger(count) || count < 1 || count > LIMITS.prizeCount) {
      e.p[i] = "act.err.prize";
    }
    return { name, count };
  });
  if (e.title || e.prizes || Object.keys(e.p).length > 0) return { errors: e };
  return { title: t, prizes: out };
}

// ---------------------------------------------------------------- figures

/** n of total as a whole percentage ("0" when nobody answered). */
export function percent(n: number, total: number): number {
  return total > 0 ? Math.round((n * 100) / total) : 0;
}

/** A mean ×100 as "4.25". */
export function meanText(x100: number | null): string {
  return x100 === null ? "–" : `${Math.floor(x100 / 100)}.${String(x100 % 100).padStart(2, "0")}`;
}
