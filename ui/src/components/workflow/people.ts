// The people a secretary can delegate or transfer a step to: the approvers, delegates and
// deciders of the requests this device holds for them ("the approvers known").
import type { Person, RequestDetail } from "../../lib/workflow";
import { wf } from "../../lib/workflow";

const DECISIONS = new Set(["approve", "reject", "send_back", "advise", "transfer", "delegate"]);
const known = new Map<string, Map<string, Person>>();
const gathered = new Set<string>();

function bucket(me: string): Map<string, Person> {
  let b = known.get(me);
  if (!b) {
    b = new Map();
    known.set(me, b);
  }
  return b;
}

/** Notes the approver-side people of a request the account `me` has opened. */
export function remember(me: string, d: RequestDetail): void {
  const b = bucket(me);
  const add = (p: Person | null | undefined) => {
    if (p && p.id !== d.body.applicant.id) b.set(p.id, { id: p.id, name: p.name });
  };
  for (const s of d.body.steps) {
    s.approvers.forEach(add);
    for (const x of s.delegations) {
      add(x.owner);
      add(x.delegate);
    }
  }
  for (const l of d.body.log) {
    if (DECISIONS.has(l.action)) add(l.actor);
    add(l.to);
  }
}

/** Everyone known, after one pass over the account's to-do and done requests. */
export async function colleagues(me: string): Promise<Person[]> {
  if (!gathered.has(me)) {
    gathered.add(me);
    for (const box of ["todo", "done"] as const) {
      try {
        const page = await wf().requests_list({ box, kind: null, state: null, text: "", page: 1, page_size: 30 });
        for (const r of page.rows) {
          try {
            remember(me, await wf().request_detail(r.id));
          } catch {
            // A request that cannot be read now adds nobody.
          }
        }
      } catch {
        gathered.delete(me);
      }
    }
  }
  return [...bucket(me).values()].sort((a, b) => a.name.localeCompare(b.name, "zh-CN"));
}
