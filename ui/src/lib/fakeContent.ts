// Community content in the in-memory backend: the review cycle of
// huiji_domain::community::content (a version waits for review, an edit of a shown item
// leaves the old one shown, the owner shelves and deletes), the hall of what is shown,
// and a test hook standing in for the unit secretary's decision.

import type {
  AppError,
  ContentForm,
  ContentItem,
  ContentKind,
  ContentStatus,
  HallFilter,
  HallItem,
  MemberShowcaseView,
  MyItem,
} from "./bindings";

const err = (code: string, message: string): AppError => ({ code, message });

const LABEL: Record<ContentStatus, string> = {
  reviewing: "审核中",
  refused: "未通过",
  shown: "已上架",
  shown_edit_reviewing: "修改审核中",
  shown_edit_refused: "修改未通过",
  off_shelf: "已下架",
  deleted: "已删除",
};

const tidy = (s: string | null | undefined) => (s ?? "").trim() || undefined;

function need(s: string, max: number, e: AppError): string {
  const t = s.trim();
  if (!t || [...t].length > max) throw e;
  return t;
}

/** The domain's checks (community::content::validate), the ones a screen can trip. */
export function validateContent(f: ContentForm): ContentForm {
  const title = err("ContentTitleRequired", "请填写标题（不超过60个字）");
  const name = err("ContentNameRequired", "请填写名称（不超过60个字）");
  const date = (s: string) => {
    if (!/^\d{4}-\d{1,2}-\d{1,2}$/.test(s.trim())) throw err("ContentDateInvalid", "日期格式不正确，应为年-月-日，如 2026-12-31");
    return s.trim();
  };
  switch (f.kind) {
    case "listing":
      if ((f.images ?? []).length > 9) throw err("ContentTooManyImages", "图片最多9张");
      return { ...f, title: need(f.title, 60, title), valid_until: f.valid_until ? date(f.valid_until) : undefined };
    case "certificate":
      return {
        ...f,
        title: need(f.title, 60, title),
        holder: need(f.holder, 60, err("CertificateHolderRequired", "请填写证书授予对象（不超过60个字）")),
        issuer: need(f.issuer, 60, err("CertificateIssuerRequired", "请填写颁发单位（不超过60个字）")),
        issued_on: date(f.issued_on),
      };
    case "expert":
      return {
        ...f,
        name: need(f.name, 30, name),
        field: need(f.field, 40, err("ExpertFieldRequired", "请填写专业领域（不超过40个字）")),
      };
    case "member_showcase":
      return { ...f, intro: need(f.intro, 2000, err("ShowcaseIntroRequired", "请填写简介")) };
    case "company_showcase": {
      const website = tidy(f.website);
      if (website && !/^https?:\/\//.test(website)) throw err("ContentWebsiteInvalid", "网址应以 http:// 或 https:// 开头");
      return { ...f, name: need(f.name, 60, name), website };
    }
  }
}

function status(i: ContentItem): ContentStatus {
  if (i.deleted) return "deleted";
  if (!i.shown) return i.review?.state === "refused" ? "refused" : "reviewing";
  if (i.review?.state === "pending") return "shown_edit_reviewing";
  if (i.review?.state === "refused") return "shown_edit_refused";
  return i.on_shelf ? "shown" : "off_shelf";
}

type Stored = { id: string; item: ContentItem; owner_name: string; unit_name: string };

export class FakeContent {
  items: Stored[] = [];

  constructor(private owner: () => { id: string; name: string; unit: string | null }) {}

  private view(s: Stored): MyItem {
    const st = status(s.item);
    return {
      id: s.id,
      item: structuredClone(s.item),
      status: st,
      status_label: LABEL[st],
      request_id: s.item.review?.state === "pending" ? `req-${s.id}` : undefined,
    };
  }

  private mineOnly(id: string): Stored {
    const s = this.items.find((x) => x.id === id && x.item.owner_id === this.owner().id);
    if (!s) throw err("ContentNotFound", "没有找到该内容，或它不属于您");
    if (s.item.deleted) throw err("ContentDeleted", "该内容已删除");
    return s;
  }

  post(id: string, form: ContentForm): MyItem {
    const me = this.owner();
    if (!me.unit) throw err("ContentMembersOnly", "入会成为会员后才能发布供需、证书、专家和风采信息");
    const f = validateContent(form);
    const old = this.items.find((x) => x.id === id);
    if (old) return this.view(old);
    const s: Stored = {
      id,
      owner_name: me.name,
      unit_name: me.unit,
      item: {
        kind: f.kind as ContentKind,
        owner_id: me.id,
        rev: 1,
        review: { rev: 1, form: f, state: "pending", submitted_at: Date.now() },
        on_shelf: false,
        deleted: false,
      },
    };
    this.items.unshift(s);
    return this.view(s);
  }

  edit(id: string, form: ContentForm): MyItem {
    const s = this.mineOnly(id);
    const f = validateContent(form);
    if (f.kind !== s.item.kind) throw err("ContentKindChanged", "修改不能改变内容的类型");
    if (s.item.shown && JSON.stringify(s.item.shown.form) === JSON.stringify(f)) {
      if (s.item.review?.state !== "pending") throw err("ContentUnchanged", "内容与已展示的版本相同，无需重新审核");
      s.item.review = undefined; // back to the shown text: the pending edit is withdrawn
      return this.view(s);
    }
    s.item.rev += 1;
    s.item.review = { rev: s.item.rev, form: f, state: "pending", submitted_at: Date.now() };
    return this.view(s);
  }

  shelf(id: string, on: boolean): MyItem {
    const s = this.mineOnly(id);
    if (!s.item.shown) throw err("ContentNotApproved", "审核通过后才能上架");
    s.item.on_shelf = on;
    return this.view(s);
  }

  remove(id: string): MyItem {
    const s = this.items.find((x) => x.id === id && x.item.owner_id === this.owner().id);
    if (!s) throw err("ContentNotFound", "没有找到该内容，或它不属于您");
    s.item.deleted = true;
    s.item.on_shelf = false;
    s.item.review = undefined;
    return this.view(s);
  }

  /** 会员风采 of a unit: the poster's open fields, approved introduction and companies. */
  showcases(unit: string): MemberShowcaseView[] {
    const shown = this.items.filter((s) => s.unit_name === unit && s.item.shown && s.item.on_shelf && !s.item.deleted);
    const owners = [...new Set(shown.map((s) => s.item.owner_id))];
    return owners.map((o) => {
      const mine = shown.filter((s) => s.item.owner_id === o);
      const intro = mine.map((s) => s.item.shown!.form).find((f) => f.kind === "member_showcase");
      return {
        account_id: o,
        name: mine[0].owner_name,
        unit_name: unit,
        intro: intro?.kind === "member_showcase" ? intro.intro : undefined,
        photos: intro?.kind === "member_showcase" ? intro.photos : undefined,
        companies: mine.flatMap((s) => (s.item.shown!.form.kind === "company_showcase" ? [s.item.shown!.form] : [])),
      };
    });
  }

  /** The secretary's decision (a test hook). */
  decide(id: string, approve: boolean, reason = "信息不完整"): void {
    const s = this.items.find((x) => x.id === id);
    const r = s?.item.review;
    if (!s || !r || r.state !== "pending") throw new Error(`nothing waits for review on ${id}`);
    if (approve) {
      const first = !s.item.shown;
      s.item.shown = { rev: r.rev, form: r.form, approved_at: Date.now(), approved_by: "secretary" };
      s.item.review = undefined;
      if (first) s.item.on_shelf = true;
    } else {
      r.state = "refused";
      r.reason = reason;
    }
  }

  mine(): MyItem[] {
    const me = this.owner().id;
    return this.items.filter((s) => s.item.owner_id === me && !s.item.deleted).map((s) => this.view(s));
  }

  hall(f: HallFilter): HallItem[] {
    return this.items
      .filter((s) => s.item.shown && s.item.on_shelf && !s.item.deleted)
      .filter((s) => !f.kind || s.item.kind === f.kind)
      .filter((s) => !f.side || (s.item.shown!.form.kind === "listing" && s.item.shown!.form.side === f.side))
      .filter((s) => {
        const words = (f.q ?? "").trim().toLowerCase().split(/\s+/).filter(Boolean);
        const text = Object.entries(s.item.shown!.form)
          .filter(([k, v]) => typeof v === "string" && !["kind", "side", "price", "valid_until", "issued_on", "website"].includes(k))
          .map(([, v]) => (v as string).toLowerCase())
          .join("\n");
        return words.every((w) => text.includes(w));
      })
      .map((s) => ({
        id: s.id,
        kind: s.item.kind,
        owner_name: s.owner_name,
        unit_name: s.unit_name,
        content: structuredClone(s.item.shown!.form),
        approved_at: s.item.shown!.approved_at,
      }));
  }
}
