// Loads home_summary() for a home screen and reloads it when a sync brings new data.
import { backend, toAppError } from "./api";
import type { HomeSummary } from "./bindings";

export class SummaryLoader {
  summary = $state<HomeSummary | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);
  private seq = 0;

  async load(): Promise<void> {
    const seq = ++this.seq;
    this.loading = true;
    try {
      const s = await backend().home_summary();
      if (seq !== this.seq) return;
      this.summary = s;
      this.error = null;
    } catch (e) {
      // Keep what is on screen (offline data) and say why it did not refresh.
      if (seq === this.seq) this.error = toAppError(e).message;
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }
}
