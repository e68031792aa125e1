// Asking for an SMS code (获取验证码): the request in flight, the wait before another may be
// asked for (the server's retry_after_secs, counted down each second), and what came back.
// Made while a component starts; its timer stops with the component.
import { onDestroy } from "svelte";
import type { SmsSent } from "./bindings";

export class CodeSender {
  sending = $state(false);
  /** Seconds left before another code may be asked for. */
  countdown = $state(0);
  /** A code was sent. */
  sent = $state(false);
  /** The code itself, where the server shows it (development only). */
  devCode = $state<string | null>(null);
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    onDestroy(() => clearInterval(this.#timer));
  }

  /** Asks for a code with `request`; its errors go to the caller. */
  async send(request: () => Promise<SmsSent>): Promise<void> {
    this.sending = true;
    try {
      const r = await request();
      this.devCode = r.dev_code;
      this.sent = true;
      clearInterval(this.#timer);
      this.countdown = r.retry_after_secs;
      this.#timer = setInterval(() => {
        this.countdown = Math.max(0, this.countdown - 1);
        if (this.countdown === 0) clearInterval(this.#timer);
      }, 1000);
    } finally {
      this.sending = false;
    }
  }

  /** Forgets the code sent (the countdown runs on). */
  reset() {
    this.sent = false;
    this.devCode = null;
  }
}
