// Browser mock mode for previews and screenshots, outside Tauri only:
//   ?mock=login|member|secretary|scanner|organisation|site_manager|health_authority
//                     which screen to open on
//   &offline=1        start offline          &pending=N   outbox size
//   &lang=en          English                &never=1     never synced
//   &requests=N       N more joins in the association secretary's to-do box
//   &profile=1        the organisation still has to complete its profile (完善信息)
import { FakeBackend, type Scenario } from "./fake";

const SCENARIOS: readonly Scenario[] = [
  "login",
  "member",
  "secretary",
  "scanner",
  "organisation",
  "site_manager",
  "health_authority",
];

export function mockScenario(search: string): Scenario | null {
  const v = new URLSearchParams(search).get("mock");
  if (v === null) return null;
  return (SCENARIOS as readonly string[]).includes(v) ? (v as Scenario) : "login";
}

export function mockBackend(search: string): FakeBackend {
  const q = new URLSearchParams(search);
  const fake = new FakeBackend({
    scenario: mockScenario(search) ?? "login",
    online: q.get("offline") !== "1",
    pending: Number(q.get("pending") ?? (q.get("offline") === "1" ? 3 : 0)) || 0,
    locale: q.get("lang") === "en" ? "en" : "zh-CN",
    lastSuccessMs: q.get("never") === "1" ? null : undefined,
    latencyMs: 120,
    animateSync: true,
    healthColour: (["green", "yellow", "red"] as const).find((c) => c === q.get("colour")) ?? "green",
    extraTodo: Math.min(10_000, Number(q.get("requests") ?? 0) || 0),
    orgNeedsProfile: q.get("profile") === "1",
  });
  // The webcam "sees" a code at once (a real frame never reaches the fake decoder).
  fake.frameCode = "HJ1:DEMO-CAMERA";
  return fake;
}
