// The scanner's status line and recent scans (checkpoint_status, checkpoint_recent),
// reloaded after each recorded scan and when a sync brings new data.
import { backend, toAppError } from "./api";
import type { CheckpointStatusView, ScanRowView } from "./bindings";

export const RECENT_LIMIT = 20;

export class CheckpointData {
  status = $state<CheckpointStatusView | null>(null);
  recent = $state<ScanRowView[]>([]);
  error = $state<string | null>(null);
  loading = $state(false);
  /** When the status was read, for the trust data's age. */
  loadedAt = $state(Date.now());
  private seq = 0;

  async load(): Promise<void> {
    const seq = ++this.seq;
    this.loading = true;
    try {
      const [status, recent] = await Promise.all([
        backend().checkpoint_status(),
        backend().checkpoint_recent(RECENT_LIMIT),
      ]);
      if (seq !== this.seq) return;
      this.status = status;
      this.recent = recent;
      this.loadedAt = Date.now();
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = toAppError(e).message;
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }
}
