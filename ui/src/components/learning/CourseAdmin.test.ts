import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { Course } from "../../lib/bindings";
import { byTestId, startApp } from "../../test/util";

async function fill(values: Record<string, string>) {
  for (const [id, v] of Object.entries(values)) await fireEvent.input(byTestId(id), { target: { value: v } });
}

describe("secretary: writing and publishing a course", () => {
  it("writes a course with prices and a lesson, saves it as a draft and publishes it", async () => {
    const { fake } = await startApp({ scenario: "secretary" });
    await fireEvent.click(await screen.findByTestId("course-new"));
    await fill({
      "course-f-title": "网络安全入门",
      "course-f-member": "0",
      "course-f-other": "99",
      "course-f-pass": "10",
      "course-f-cert": "网络安全入门结业证书",
      "course-f-lesson-title": "密码的安全",
      "course-f-lesson-body": "不要在多个网站使用同一个密码。",
      "course-f-lesson-secs": "45",
    });
    await fireEvent.click(byTestId("course-f-save"));
    expect((await screen.findByTestId("course-admin-notice")).textContent).toContain("已保存");
    const [id, node, course] = fake.callsOf("course_save")[0] as [string | null, string, Course];
    expect(id).toBeNull();
    expect(node).toBe("n-jsia");
    expect(course).toMatchObject({ title: "网络安全入门", member_price_fen: 0, non_member_price_fen: 9900, pass_score: 10 });
    expect(course.lessons).toEqual([{ title: "密码的安全", body: "不要在多个网站使用同一个密码。", images: [], min_read_secs: 45, credits: 10 }]);
    const item = await waitFor(() => {
      const li = screen.getAllByTestId("course-admin-item").find((x) => x.textContent?.includes("网络安全入门"));
      expect(li).toBeTruthy();
      return li!;
    });
    expect(item.dataset.published).toBe("false");
    await fireEvent.click(within(item).getByTestId("course-admin-publish"));
    await waitFor(() =>
      expect(screen.getAllByTestId("course-admin-item").find((x) => x.textContent?.includes("网络安全入门"))!.dataset.published).toBe("true"),
    );
    expect(fake.callsOf("course_publish").at(-1)).toEqual([expect.any(String), true]);
  });

  it("names a bad price before sending, and shows the server's refusal", async () => {
    const { fake } = await startApp({ scenario: "secretary" });
    await fireEvent.click(await screen.findByTestId("course-new"));
    await fill({ "course-f-title": "课程", "course-f-other": "九十九", "course-f-cert": "证书", "course-f-lesson-title": "一" });
    await fireEvent.click(byTestId("course-f-save"));
    expect((await screen.findByTestId("course-admin-error")).textContent).toContain("价格格式不正确");
    expect(fake.callsOf("course_save")).toHaveLength(0);
    await fill({ "course-f-other": "0", "course-f-pass": "50" });
    await fireEvent.click(byTestId("course-f-save"));
    await waitFor(() => expect(byTestId("course-admin-error").textContent).toContain("达标分数高于全部课时学分之和"));
    expect(byTestId("course-form")).toBeTruthy();
  });
});
