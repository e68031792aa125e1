// The words and colours both sides of events, surveys and lotteries use, the member's
// (member/) and the secretary's (admin/). The backend words its labels in Chinese only
// (status_label, phase_label): in Chinese they are shown as sent, in English our
// dictionary's words for the same state stand in (dues' `$label`).

import type { LotteryStatus, RegistrationStatus, SurveyKind } from "../../lib/activities";
import type { MessageKey } from "../../lib/i18n";
import type { Tone } from "../Pill.svelte";

export { label } from "../dues/member/labels";

export function regTone(s: RegistrationStatus): Tone {
  switch (s) {
    case "confirmed":
      return "green";
    case "waitlisted":
      return "amber";
    case "pending":
      return "blue";
    case "rejected":
      return "red";
    case "cancelled":
      return "grey";
  }
}

export function regKey(s: RegistrationStatus): MessageKey {
  return `act.status.${s}`;
}

/** An event's phase (upcoming, ongoing, ended, cancelled) or a survey's (upcoming, open, closed). */
export function phaseTone(p: string): Tone {
  switch (p) {
    case "ongoing":
    case "open":
      return "teal";
    case "upcoming":
      return "blue";
    case "cancelled":
      return "red";
    default:
      return "grey";
  }
}

export function phaseKey(p: string): MessageKey {
  switch (p) {
    case "upcoming":
    case "ongoing":
    case "ended":
    case "cancelled":
    case "open":
    case "closed":
      return `act.phase.${p}`;
    default:
      return "act.phase.ended";
  }
}

export function kindKey(k: SurveyKind): MessageKey {
  return `act.kind.${k}`;
}

export function lotteryTone(s: LotteryStatus): Tone {
  return s === "open" ? "teal" : "grey";
}

/** A check-in's way in: by the venue code, by hand, by a staff scan of the ticket. */
export function howKey(how: string | null): MessageKey | null {
  switch (how) {
    case "venue_code":
      return "act.how.venue_code";
    case "manual":
      return "act.how.manual";
    case "staff":
      return "act.how.staff";
    default:
      return null;
  }
}

export const kb = (n: number) => `${Math.max(1, Math.round(n / 1024))} KB`;
