import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";
import NoBackend from "./components/NoBackend.svelte";
import { inTauri, setBackend } from "./lib/api";

async function start() {
  const target = document.getElementById("app")!;
  if (!inTauri()) {
    // Outside the app: only the mock mode runs, and its code is loaded only then.
    const { mockBackend, mockScenario } = await import("./lib/mock");
    if (mockScenario(location.search) === null) {
      mount(NoBackend, { target });
      return;
    }
    setBackend(mockBackend(location.search));
  }
  mount(App, { target });
}

void start();
