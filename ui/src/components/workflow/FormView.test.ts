import { render } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { RequestBody } from "../../lib/workflow";
import FormView from "./FormView.svelte";

const rows = (el: HTMLElement) =>
  Array.from(el.querySelectorAll("[data-testid=form-row]")).map(
    (r) => `${r.querySelector("dt")!.textContent!.trim()}=${r.querySelector("dd")!.textContent!.trim()}`,
  );

describe("a content review's form", () => {
  it("shows the version to be shown field by field, in Chinese", () => {
    const body = {
      kind: "content",
      node_name: "南京医科大学工会",
      form: {
        item_id: "0190a0b0-0000-7000-8000-000000000001",
        rev: 2,
        content: {
          kind: "listing",
          side: "supply",
          title: "品牌IP形象设计",
          company: "清远网博信息技术有限公司",
          valid_until: "2027-10-31",
          images: ["0190a0b0-0000-7000-8000-000000000002", "0190a0b0-0000-7000-8000-000000000003"],
        },
      },
    } as unknown as RequestBody;
    const { container } = render(FormView, { body });
    expect(rows(container)).toEqual([
      "内容类型=供需信息",
      "供需类型=供应",
      "标题=品牌IP形象设计",
      "企业=清远网博信息技术有限公司",
      "截止时间=2027-10-31",
      "图片=2",
      "版本=2",
    ]);
    // The engine's own keys are not shown raw.
    expect(container.textContent).not.toContain("item_id");
  });
});
