// events_list() for the member's tickets and the secretary's check-in panel, reloaded when
// a sync brings new data.
import { backend, toAppError } from "./api";
import type { EventView } from "./bindings";

export class EventList {
  events = $state<EventView[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  loading = $state(false);
  private seq = 0;

  /** `ticketsOnly`: the member's 我的电子票 — events they may hold a ticket for (no
   *  registration needed, or their registration is confirmed and paid). */
  async load(ticketsOnly = false): Promise<void> {
    const seq = ++this.seq;
    this.loading = true;
    try {
      let events = await backend().events_list();
      if (ticketsOnly) {
        const acts = new Map((await backend().activities()).map((a) => [a.id, a]));
        events = events.filter((e) => {
          const a = acts.get(e.id);
          return !a || (!a.cancelled && (!a.registration || !!a.mine?.has_ticket));
        });
      }
      if (seq !== this.seq) return;
      this.events = events;
      this.loaded = true;
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = toAppError(e).message;
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }
}

/** Ended (its end is past). */
export function ended(e: EventView, now: number = Date.now()): boolean {
  return e.ends_at <= now;
}
