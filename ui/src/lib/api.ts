// The one module that talks to Tauri. Components get a `Backend` through `backend()` and
// never import @tauri-apps themselves, so tests and the browser mock mode can swap in an
// in-memory fake (see fake.ts) with `setBackend()`.

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  AppError,
  AppInfo,
  FieldIssue,
  HomeSummary,
  MemberPage,
  MemberQuery,
  SessionView,
  SmsSent,
  SyncProgress,
  SyncStatusView,
} from "./bindings";

export type Unsubscribe = () => void;

/** One method per Tauri command; each rejects with an `AppError`. */
export interface Backend {
  app_info(): Promise<AppInfo>;
  set_server_url(url: string): Promise<AppInfo>;
  set_locale(locale: string): Promise<AppInfo>;
  send_sms_code(phone: string): Promise<SmsSent>;
  login_sms(phone: string, code: string): Promise<SessionView>;
  login_password(phone: string, password: string): Promise<SessionView>;
  login_org(creditCode: string, password: string): Promise<SessionView>;
  check_registration(phone: string, realName: string, idNumber: string): Promise<FieldIssue[]>;
  complete_profile(realName: string, idNumber: string): Promise<SessionView>;
  logout(): Promise<AppInfo>;
  home_summary(): Promise<HomeSummary>;
  search_members(query: MemberQuery): Promise<MemberPage>;
  sync_now(): Promise<SyncStatusView>;
  sync_status(): Promise<SyncStatusView>;
  /** The "sync-status" event. */
  onSyncStatus(cb: (status: SyncStatusView) => void): Unsubscribe;
  /** The "sync-progress" event. */
  onSyncProgress(cb: (progress: SyncProgress) => void): Unsubscribe;
}

export function isAppError(e: unknown): e is AppError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as AppError).code === "string" &&
    typeof (e as AppError).message === "string"
  );
}

/** Whatever a command rejected with, as an `AppError` the UI can show. */
export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return { code: e.code, message: e.message };
  // Tauri itself rejects with a plain string when a command is missing or its
  // arguments do not deserialise.
  if (typeof e === "string") return { code: "Ipc", message: e };
  if (e instanceof Error) return { code: "Ipc", message: e.message };
  return { code: "Unknown", message: String(e) };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toAppError(e);
  }
}

function subscribe<T>(event: string, cb: (payload: T) => void): Unsubscribe {
  let stopped = false;
  let unlisten: UnlistenFn | null = null;
  listen<T>(event, (e) => {
    if (!stopped) cb(e.payload);
  })
    .then((fn) => {
      if (stopped) fn();
      else unlisten = fn;
    })
    .catch(() => {
      // No event bridge (should not happen inside Tauri); polling still works.
    });
  return () => {
    stopped = true;
    unlisten?.();
    unlisten = null;
  };
}

// Tauri 2 maps camelCase keys of the payload to the commands' snake_case arguments.
export const tauriBackend: Backend = {
  app_info: () => call("app_info"),
  set_server_url: (url) => call("set_server_url", { url }),
  set_locale: (locale) => call("set_locale", { locale }),
  send_sms_code: (phone) => call("send_sms_code", { phone }),
  login_sms: (phone, code) => call("login_sms", { phone, code }),
  login_password: (phone, password) => call("login_password", { phone, password }),
  login_org: (creditCode, password) => call("login_org", { creditCode, password }),
  check_registration: (phone, realName, idNumber) =>
    call("check_registration", { phone, realName, idNumber }),
  complete_profile: (realName, idNumber) => call("complete_profile", { realName, idNumber }),
  logout: () => call("logout"),
  home_summary: () => call("home_summary"),
  search_members: (query) => call("search_members", { query }),
  sync_now: () => call("sync_now"),
  sync_status: () => call("sync_status"),
  onSyncStatus: (cb) => subscribe("sync-status", cb),
  onSyncProgress: (cb) => subscribe("sync-progress", cb),
};

let current: Backend | null = null;

/** Installs the backend every component uses (the fake one in tests and mock mode). */
export function setBackend(b: Backend): void {
  current = b;
}

/** The backend components call: the installed one, else Tauri's. */
export function backend(): Backend {
  return current ?? tauriBackend;
}

/** True inside the Tauri webview. */
export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}
