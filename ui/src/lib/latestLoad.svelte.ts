// A list that reloads as filters change: only the newest load may land (a slower answer to
// an older query must not replace a newer one), with its loading flag and error, and a
// search box's pause before loading. Made while a component starts; its timer stops with
// the component.
import { onDestroy } from "svelte";
import { toAppError } from "./api";

export class LatestLoad {
  loading = $state(false);
  error = $state<string | null>(null);
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    onDestroy(() => clearTimeout(this.#timer));
  }

  /** Runs `task`; its value reaches `apply` only if no newer `run` started meanwhile. */
  async run<T>(task: () => Promise<T>, apply: (value: T) => void): Promise<void> {
    const mine = ++this.#seq;
    this.loading = true;
    try {
      const value = await task();
      if (mine !== this.#seq) return;
      apply(value);
      this.error = null;
    } catch (e) {
      if (mine === this.#seq) this.error = toAppError(e).message;
    } finally {
      if (mine === this.#seq) this.loading = false;
    }
  }

  /** Runs `fn` once typing has paused for `ms`; a newer call replaces a waiting one. */
  debounce(fn: () => void, ms = 200): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(fn, ms);
  }

  /** Drops a waiting `debounce`. */
  cancel(): void {
    clearTimeout(this.#timer);
  }
}
