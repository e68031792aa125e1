import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// Times in the UI are local ("上次同步 14:32"); tests pin the zone so they are exact.
process.env.TZ = "Asia/Shanghai";

export default defineConfig({
  plugins: [svelte()],
  // Tauri serves the bundle from its own protocol: every asset path must be relative.
  base: "./",
  clearScreen: false,
  server: { host: "127.0.0.1", port: 5173, strictPort: true },
  // The preview serves the bundle under a CSP as strict as the app's, so a screenshot run
  // shows any inline script or style that would break inside Tauri.
  preview: {
    host: "127.0.0.1",
    port: 4173,
    headers: {
      "Content-Security-Policy":
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'",
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2021",
    sourcemap: false,
  },
  resolve: process.env.VITEST ? { conditions: ["browser"] } : undefined,
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    setupFiles: ["src/test/setup.ts"],
    env: { TZ: "Asia/Shanghai" },
    restoreMocks: true,
  },
});
