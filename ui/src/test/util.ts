import { render, screen } from "@testing-library/svelte";
import App from "../App.svelte";
import { setBackend } from "../lib/api";
import { FakeBackend, type FakeOptions } from "../lib/fake";

/** Starts the whole app on a fake backend. */
export async function startApp(opts: FakeOptions = {}) {
  const fake = new FakeBackend(opts);
  setBackend(fake);
  const view = render(App);
  // Booted when the loading splash is gone.
  await screen.findByTestId(
    fake.info.session
      ? fake.info.session.account.needs_profile
        ? "complete-profile"
        : `home-${fake.info.session.home}`
      : "login-screen",
  );
  return { fake, view };
}

export function byTestId<T extends HTMLElement = HTMLElement>(id: string): T {
  return screen.getByTestId(id) as T;
}
