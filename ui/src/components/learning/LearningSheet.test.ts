import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FakeBackend } from "../../lib/fake";
import { byTestId, startApp } from "../../test/util";

let visibility: DocumentVisibilityState = "visible";

beforeEach(() => {
  visibility = "visible";
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => visibility });
  vi.useFakeTimers({ shouldAdvanceTime: true });
});
afterEach(() => {
  vi.useRealTimers();
});

function setShown(shown: boolean) {
  visibility = shown ? "visible" : "hidden";
  document.dispatchEvent(new Event("visibilitychange"));
}

async function openCourse(opts: { memberPrice?: number } = {}) {
  const started = await startApp({ scenario: "member" });
  if (opts.memberPrice !== undefined) started.fake.learning.courses[0].member_price_fen = opts.memberPrice;
  await fireEvent.click(byTestId("open-learning"));
  await fireEvent.click(await screen.findByTestId("course-item"));
  await screen.findByTestId("course-detail");
  return started;
}

const signals = (fake: FakeBackend) => fake.callsOf("course_read").map((c) => c[2]);
const meter = () => byTestId("lesson-meter");

describe("member: learning platform", () => {
  it("a member enrols free, reads a lesson while it is shown, and the time counts", async () => {
    const { fake } = await openCourse();
    expect(byTestId("course-my-price").dataset.fen).toBe("0");
    expect(screen.queryAllByTestId("lesson-open")).toHaveLength(0);
    await fireEvent.click(byTestId("course-enrol"));
    await waitFor(() => expect(screen.getAllByTestId("lesson-open")).toHaveLength(3));
    await fireEvent.click(screen.getAllByTestId("lesson-open")[0]);
    expect((await screen.findByTestId("lesson-body")).textContent).toContain("压力本身并不是坏事");
    await vi.advanceTimersByTimeAsync(20_000);
    await waitFor(() => expect(meter().dataset.done).toBe("true"));
    expect(meter().dataset.read).toBe("20");
    expect(signals(fake)).toEqual(["open", "beat", "beat"]);
    // Leaving the lesson closes it; the course shows the lesson done.
    await fireEvent.click(byTestId("lesson-back"));
    await waitFor(() => expect(signals(fake).at(-1)).toBe("close"));
    expect(screen.getAllByTestId("course-lesson")[0].dataset.done).toBe("true");
  });

  it("a hidden window sends no beats and gains no reading time", async () => {
    const { fake } = await openCourse();
    await fireEvent.click(byTestId("course-enrol"));
    await fireEvent.click((await screen.findAllByTestId("lesson-open"))[1]);
    await screen.findByTestId("lesson-reader");
    setShown(false);
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    await waitFor(() => expect(signals(fake)).toEqual(["open", "hidden"]));
    expect(meter().dataset.read).toBe("0");
    // Shown again: counting resumes from then (not from the hour before).
    setShown(true);
    await vi.advanceTimersByTimeAsync(40_000);
    await waitFor(() => expect(meter().dataset.done).toBe("true"));
    const read = Number(meter().dataset.read);
    expect(read).toBeGreaterThanOrEqual(30);
    expect(read).toBeLessThanOrEqual(40);
  });

  it("reaching the pass score offers the certificate", async () => {
    const { fake } = await openCourse();
    await fireEvent.click(byTestId("course-enrol"));
    for (const [i, secs] of [[0, 20], [1, 30]] as const) {
      await fireEvent.click((await screen.findAllByTestId("lesson-open"))[i]);
      await screen.findByTestId("lesson-reader");
      await vi.advanceTimersByTimeAsync(secs * 1000);
      await waitFor(() => expect(meter().dataset.done).toBe("true"));
      await fireEvent.click(byTestId("lesson-back"));
    }
    await waitFor(() => expect(byTestId("course-progress").dataset.passed).toBe("true"));
    await fireEvent.click(byTestId("course-certificate"));
    expect((await screen.findByTestId("course-certificate-saved")).textContent).toContain("结业证书");
    expect(fake.callsOf("course_certificate")).toHaveLength(1);
  });

  it("a priced course waits for payment before its lessons open", async () => {
    const { fake } = await openCourse({ memberPrice: 500 });
    await fireEvent.click(byTestId("course-enrol"));
    expect((await screen.findByTestId("course-unpaid")).textContent).toContain("¥5.00");
    expect(screen.queryAllByTestId("lesson-open")).toHaveLength(0);
    expect(byTestId("course-pay")).toBeTruthy();
    fake.learning.pay(fake.learning.courses[0].id);
    await fireEvent.click(byTestId("learning-refresh"));
    await waitFor(() => expect(screen.getAllByTestId("lesson-open")).toHaveLength(3));
  });
});
