// What the scan desk checks: health codes (the default) or the tickets of one event, in
// one direction. Kept by the scanner screen so the choice survives switching tabs.
import { backend, toAppError, type Mode } from "./api";
import type { EventView } from "./bindings";

export type Direction = "in" | "out";

/** The event a ticket gate starts on: the first one not ended (events_list puts ended
 * ones last), else the first. */
export function defaultEvent(events: EventView[], now: number = Date.now()): EventView | null {
  return events.find((e) => e.ends_at > now) ?? events[0] ?? null;
}

export class ScanModeState {
  kind = $state<"health" | "ticket">("health");
  events = $state<EventView[]>([]);
  eventId = $state<string | null>(null);
  direction = $state<Direction>("in");
  loaded = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  private seq = 0;

  event = $derived<EventView | null>(this.events.find((e) => e.id === this.eventId) ?? null);

  /** The Mode the scan commands take; null in ticket mode until an event is chosen. */
  mode = $derived<Mode | null>(
    this.kind === "health"
      ? { kind: "health" }
      : this.event
        ? {
            kind: "ticket",
            event_id: this.event.id,
            direction: this.direction,
            reentry_allowed: this.event.reentry_allowed,
          }
        : null,
  );

  async loadEvents(): Promise<void> {
    const seq = ++this.seq;
    this.loading = true;
    try {
      const events = await backend().events_list();
      if (seq !== this.seq) return;
      this.events = events;
      this.loaded = true;
      this.error = null;
      if (!events.some((e) => e.id === this.eventId)) this.eventId = defaultEvent(events)?.id ?? null;
    } catch (e) {
      if (seq === this.seq) this.error = toAppError(e).message;
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  /** Switches to ticket or health mode; the events are read the first time. */
  async setKind(kind: "health" | "ticket"): Promise<void> {
    this.kind = kind;
    if (kind === "ticket" && !this.loaded) await this.loadEvents();
  }
}
