import { cleanup } from "@testing-library/svelte";
import { afterEach } from "vitest";
import { setLocale } from "../lib/i18n";
import { clearScans } from "../lib/scans.svelte";

afterEach(() => {
  cleanup();
  setLocale("zh-CN");
  clearScans();
});
