// The business card in the in-memory backend: the domain's checks (community::card) and
// view, a share link that changes after a revoke, and the member's data as the source.

import type { AppError, CardField, CardScreen, CardSettings, CardView, MyCard } from "./bindings";
import { fakeQrSvg } from "./fakeData";

const ORDER: CardField[] = ["name", "title", "company", "phone", "wechat", "products", "certificates"];
const MAX: Partial<Record<CardField, number>> = { name: 30, phone: 20, wechat: 40 };
const err = (code: string, message: string): AppError => ({ code, message });

export type CardSource = { name: string | null; title: string | null; company: string | null; phone: string | null };

export function validateCard(s: CardSettings): CardSettings {
  const fields = ORDER.filter((f) => s.fields.includes(f));
  if (fields.length === 0) throw err("CardEmpty", "请至少选择一项对外展示的信息");
  const overrides: Partial<Record<CardField, string>> = {};
  for (const [k, v] of Object.entries(s.overrides ?? {}) as Array<[CardField, string]>) {
    if (k === "products" || k === "certificates") throw err("CardOverrideInvalid", "只有文字信息可以单独编辑");
    const text = (v ?? "").trim();
    if (!text) continue;
    if ([...text].length > (MAX[k] ?? 60))
      throw err("CardTextInvalid", "名片文字过长（姓名不超过30字，手机不超过20字，微信不超过40字，其余不超过60字）");
    if (k === "phone" && !/^[0-9 +\-()]+$/.test(text)) throw err("CardPhoneInvalid", "名片上的电话只能包含数字、空格、+、-和括号");
    overrides[k] = text;
  }
  return { layout: s.layout, background: s.background, fields, overrides };
}

export function cardView(s: CardSettings, src: CardSource): CardView {
  const text = (f: "name" | "title" | "company" | "phone" | "wechat", data: string | null) =>
    s.fields.includes(f) ? (s.overrides?.[f] ?? data ?? undefined) : undefined;
  return {
    layout: s.layout,
    background: s.background,
    name: text("name", src.name),
    title: text("title", src.title),
    company: text("company", src.company),
    phone: text("phone", src.phone),
    wechat: text("wechat", null),
  };
}

export class FakeCard {
  settings: CardSettings = { layout: "classic", background: "azure", fields: ["name", "title", "company"] };
  shared = false;
  generation = 0;

  constructor(private source: () => CardSource) {}

  screen(): CardScreen {
    const link = this.shared ? `http://127.0.0.1:8686/card/demo${this.generation.toString().padStart(28, "0")}` : undefined;
    const card: MyCard = {
      settings: structuredClone(this.settings),
      view: cardView(this.settings, this.source()),
      link,
      shared_at: this.shared ? Date.now() : undefined,
    };
    return { card, qr_svg: link ? fakeQrSvg(link) : null, offline: false };
  }

  save(s: CardSettings): CardScreen {
    this.settings = validateCard(s);
    return this.screen();
  }

  share(): CardScreen {
    this.shared = true;
    return this.screen();
  }

  revoke(): CardScreen {
    if (this.shared) this.generation += 1;
    this.shared = false;
    return this.screen();
  }
}
