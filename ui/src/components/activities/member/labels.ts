// The member's events, surveys and lotteries screens' own words: how a multiple choice's
// limits and an answer's error read, a lottery's status, a survey's results rule.

import type { AnswerErrorKey, LotteryStatus, Question, ResultsVisible } from "../../../lib/activities";
import { choiceLimits } from "../../../lib/activities";
import type { MessageKey, Vars } from "../../../lib/i18n";

/** What the question asks for: 单选, 多选（选1到3项）, 评分, 填写. */
export function askKey(q: Question): { key: MessageKey; vars?: Vars } {
  switch (q.kind) {
    case "single":
      return { key: "act.survey.single" };
    case "multiple": {
      const l = choiceLimits(q);
      if (!l) return { key: "act.survey.multiple" };
      return l.min === l.max ? { key: "act.survey.multipleExact", vars: { n: l.min } } : { key: "act.survey.multipleRange", vars: l };
    }
    case "rating":
      return { key: "act.survey.rating" };
    case "text":
      return { key: "act.survey.text" };
  }
}

/** An answer's error with the question's own numbers (请选择1到3项). */
export function answerErrorText(q: Question, key: AnswerErrorKey): { key: MessageKey; vars?: Vars } {
  if (key !== "act.err.choiceCount") return { key };
  const min = q.min ?? 1;
  const max = q.max ?? q.options.length;
  return min === max ? { key: "act.err.choiceExact", vars: { n: min } } : { key, vars: { min, max } };
}

export function lotteryKey(s: LotteryStatus): MessageKey {
  return `act.lottery.status.${s}`;
}

export function resultsKey(r: ResultsVisible): MessageKey {
  return `act.survey.results.${r}`;
}
