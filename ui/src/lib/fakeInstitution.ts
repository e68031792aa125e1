// 在校师生 (seed 003) for the in-memory backend: 西安文理学院's numbers as the server's demo
// has them (crates/server/src/demo.rs IDENTITIES), with the server's rules and error codes
// (crates/server/src/routes/institution.rs): lockout after ten wrong passwords, ten-minute
// single-use binding tickets, the phone must be the person's own, one number per phone.

import type {
  AppError,
  GrantView,
  IdentityKind,
  InstitutionBindingView,
  InstitutionLoginView,
  InstitutionOption,
  InstitutionUnbindView,
  SessionView,
} from "./bindings";
import { maskPhone, type FakeAccount } from "./fakeData";

export const XAU: InstitutionOption = { id: "n-xawl", name: "西安文理学院" };
export const TICKET_TTL_MS = 10 * 60_000;
const MAX_FAILED = 10;
const LOCK_MS = 15 * 60_000;

export type FakeIdentity = {
  number: string;
  kind: IdentityKind;
  real_name: string;
  /** The initial password: the last 8 characters of the ID number. */
  password: string;
  status: "active" | "retired";
  /** The bound account's phone, null while unbound. */
  phone: string | null;
  bound_at: number | null;
  /** The binding made the member grant (unbinding takes it away). */
  granted: boolean;
  failed: number;
  locked_until: number;
};

const id = (number: string, kind: IdentityKind, real_name: string, password: string, status: "active" | "retired", phone: string | null): FakeIdentity => ({
  number,
  kind,
  real_name,
  password,
  status,
  phone,
  bound_at: phone ? Date.UTC(2023, 8, 1, 2) : null,
  granted: phone !== null,
  failed: 0,
  locked_until: 0,
});

/** The demo's numbers (passwords as the server prints them). */
export function demoIdentities(): FakeIdentity[] {
  return [
    id("20080123", "staff", "钱文静", "04226070", "active", "13900000010"),
    id("20120456", "staff", "郑海峰", "06085330", "active", null),
    id("20210315", "staff", "杜晓明", "10083371", "active", null),
    id("2022110101", "student", "林雨桐", "02086332", "active", null),
    id("2023110205", "student", "马浩宇", "05012883", "active", null),
    // 韩雪 went on to 读研: her 本科 学号 is retired but still holds her phone.
    id("2019110318", "student", "韩雪", "09015968", "retired", "13800000003"),
    id("2023210318", "student", "韩雪", "09015968", "active", null),
  ];
}

const err = (code: string, message: string): AppError => ({ code, message });

const memberGrant = (): GrantView => ({
  role: "member",
  node_id: XAU.id,
  node_name: XAU.name,
  node_path: `/${XAU.name}/`,
});

function maskName(n: string): string {
  const chars = [...n];
  return chars[0] + "*".repeat(Math.max(1, chars.length - 1));
}

/** What the fake backend lends the institution logic. */
export type InstitutionCtx = {
  accounts: FakeAccount[];
  /** Throws like the server when `code` is not the phone's current code (and spends it). */
  checkCode(phone: string, code: string): void;
  login(s: SessionView): SessionView;
  session(): SessionView | null;
  now(): number;
};

export function checkNumber(raw: string): string {
  const n = raw.trim().toUpperCase();
  if (!n) throw err("NumberRequired", "请输入工号/学号");
  if (!/^[A-Z0-9]{4,20}$/.test(n)) throw err("NumberInvalid", "工号/学号应为4到20位字母或数字");
  return n;
}

export class FakeInstitutions {
  identities: FakeIdentity[] = demoIdentities();
  /** ticket → number, expiry, used. */
  tickets = new Map<string, { number: string; expires: number; used: boolean }>();
  private nextTicket = 1;
  private nextAccount = 1;

  constructor(private ctx: InstitutionCtx) {}

  list(): InstitutionOption[] {
    return [{ ...XAU }];
  }

  private find(institutionId: string, number: string): FakeIdentity {
    if (!institutionId.trim()) throw err("InstitutionRequired", "请选择学校");
    if (institutionId !== XAU.id) throw err("InstitutionNotFound", "该学校未开通工号/学号登录");
    const ident = this.identities.find((i) => i.number === number);
    if (!ident) throw err("InstitutionLoginFailed", "工号/学号或密码错误");
    return ident;
  }

  /** Number + password with the lockout (retired numbers pass: they may unbind). */
  private check(institutionId: string, rawNumber: string, password: string): FakeIdentity {
    if (!institutionId.trim()) throw err("InstitutionRequired", "请选择学校");
    const number = checkNumber(rawNumber);
    if (!password) throw err("PasswordRequired", "请输入密码");
    const ident = this.find(institutionId, number);
    const now = this.ctx.now();
    if (ident.locked_until > now) {
      const mins = Math.max(1, Math.floor((ident.locked_until - now) / 60_000));
      throw err("InstitutionLocked", `登录失败次数过多，该工号/学号已锁定，请${mins}分钟后再试`);
    }
    if (password !== ident.password) {
      ident.failed += 1;
      if (ident.failed >= MAX_FAILED) {
        ident.failed = 0;
        ident.locked_until = now + LOCK_MS;
      }
      throw err("InstitutionLoginFailed", "工号/学号或密码错误");
    }
    ident.failed = 0;
    return ident;
  }

  /** The account of a phone, made on first use (the demo's bound people, or a new phone). */
  private accountFor(phone: string, ident: FakeIdentity | null): FakeAccount {
    const known = this.ctx.accounts.find((a) => a.phone === phone);
    if (known) return known;
    const who = this.identities.find((i) => i.phone === phone) ?? ident;
    const secretary = phone === "13900000010";
    const grants: GrantView[] = secretary
      ? [{ role: "secretary", node_id: XAU.id, node_name: XAU.name, node_path: `/${XAU.name}/` }]
      : [];
    const created: FakeAccount = {
      phone,
      creditCode: null,
      session: {
        home: secretary ? "secretary" : "member",
        logged_in_at: this.ctx.now(),
        account: {
          id: `0195a0c1-0000-7000-8000-0000000010${String(this.nextAccount++).padStart(2, "0")}`,
          kind: "person",
          phone_masked: maskPhone(phone),
          real_name: who?.real_name ?? null,
          id_number_masked: who && who.phone === phone ? "6101********0001" : null,
          credit_code: null,
          org_name: null,
          grants,
          needs_profile: !(who && who.phone === phone),
        },
      },
    };
    if (this.identities.some((i) => i.phone === phone && i.granted)) {
      created.session.account.grants.push(memberGrant());
    }
    this.ctx.accounts.push(created);
    return created;
  }

  private setGrants(acc: FakeAccount, grants: GrantView[]): SessionView {
    const home = grants.some((g) => ["secretary", "reviewer", "system_admin"].includes(g.role))
      ? "secretary"
      : acc.session.home === "scanner"
        ? "scanner"
        : "member";
    acc.session = { ...acc.session, home, account: { ...acc.session.account, grants } };
    return acc.session;
  }

  login(institutionId: string, number: string, password: string): InstitutionLoginView {
    const ident = this.check(institutionId, number, password);
    if (ident.status !== "active") {
      throw err("InstitutionNumberRetired", "该工号/学号已停用，请使用新的工号/学号登录");
    }
    const base = {
      name_masked: maskName(ident.real_name),
      kind: ident.kind,
      number: ident.number,
      institution_id: XAU.id,
      institution_name: XAU.name,
    };
    if (ident.phone) {
      const acc = this.accountFor(ident.phone, ident);
      const session = this.ctx.login({ ...acc.session, logged_in_at: this.ctx.now() });
      return { ...base, session, needs_binding: false, ticket: null, ticket_expires_at: null };
    }
    const ticket = `hjb_fake_${this.nextTicket++}`;
    const expires = this.ctx.now() + TICKET_TTL_MS;
    this.tickets.set(ticket, { number: ident.number, expires, used: false });
    return { ...base, session: null, needs_binding: true, ticket, ticket_expires_at: expires };
  }

  bind(ticket: string, phone: string, code: string): SessionView {
    const t = this.tickets.get(ticket.trim());
    if (!t) throw err("BindingTicketInvalid", "绑定凭证无效，请重新登录");
    if (t.used) throw err("BindingTicketUsed", "该绑定凭证已使用，请重新登录");
    if (t.expires <= this.ctx.now()) throw err("BindingTicketExpired", "绑定已超时，请重新登录");
    const p = phone.trim();
    if (!p) throw err("PhoneEmpty", "请输入手机号");
    if (!/^1[3-9]\d{9}$/.test(p)) throw err("PhoneFormat", "手机号格式不正确");
    if (!code.trim()) throw err("SmsCodeRequired", "请输入短信验证码");
    const ident = this.identities.find((i) => i.number === t.number)!;
    if (ident.status !== "active") {
      throw err("InstitutionNumberRetired", "该工号/学号已停用，请使用新的工号/学号登录");
    }
    if (ident.phone) throw err("NumberAlreadyBound", "该工号/学号已绑定手机号，如需更换请先解绑");
    this.ctx.checkCode(p, code.trim());
    const existing = this.ctx.accounts.find((a) => a.phone === p);
    const bound = this.identities.find((i) => i.phone === p);
    const name = existing?.session.account.real_name ?? (bound ? bound.real_name : null);
    if (name !== null && name !== ident.real_name) {
      throw err("PhoneNotOwn", "该手机号已实名登记为他人，请使用本人的手机号");
    }
    if (bound) throw err("PhoneBoundToOtherNumber", "该手机号已绑定其他工号/学号，请先解绑");
    const acc = this.accountFor(p, ident);
    if (acc.session.account.real_name === null) {
      acc.session.account = { ...acc.session.account, real_name: ident.real_name };
    }
    t.used = true;
    ident.phone = p;
    ident.bound_at = this.ctx.now();
    const grants = acc.session.account.grants;
    ident.granted = !grants.some((g) => g.role === "member" && g.node_id === XAU.id);
    const session = ident.granted ? this.setGrants(acc, [...grants, memberGrant()]) : acc.session;
    return this.ctx.login({ ...session, logged_in_at: this.ctx.now() });
  }

  unbind(institutionId: string, number: string | null, password: string | null): InstitutionUnbindView {
    let ident: FakeIdentity;
    const me = this.ctx.session();
    if (number !== null || password !== null) {
      ident = this.check(institutionId, number ?? "", password ?? "");
      if (!ident.phone) throw err("NumberNotBound", "该工号/学号未绑定手机号");
    } else {
      if (!institutionId.trim()) throw err("InstitutionRequired", "请选择学校");
      if (!me) throw err("NotLoggedIn", "请先登录");
      const phone = this.ctx.accounts.find((a) => a.session.account.id === me.account.id)?.phone;
      const found = this.identities.find((i) => i.phone !== null && i.phone === phone);
      if (!found) throw err("NoBinding", "您在该学校没有绑定的工号/学号");
      ident = found;
    }
    const acc = this.ctx.accounts.find((a) => a.phone === ident.phone);
    ident.phone = null;
    ident.bound_at = null;
    let session: SessionView | null = null;
    if (acc) {
      if (ident.granted) {
        const left = acc.session.account.grants.filter((g) => !(g.role === "member" && g.node_id === XAU.id));
        this.setGrants(acc, left);
      }
      if (me && me.account.id === acc.session.account.id) {
        session = this.ctx.login({ ...acc.session, logged_in_at: me.logged_in_at });
      }
    }
    ident.granted = false;
    return { institution_name: XAU.name, number: ident.number, kind: ident.kind, session };
  }

  bindings(): InstitutionBindingView[] {
    const me = this.ctx.session();
    if (!me) throw err("NotLoggedIn", "请先登录");
    const phone = this.ctx.accounts.find((a) => a.session.account.id === me.account.id)?.phone;
    return this.identities
      .filter((i) => i.phone !== null && i.phone === phone)
      .map((i) => ({
        institution_id: XAU.id,
        institution_name: XAU.name,
        number: i.number,
        kind: i.kind,
        real_name: i.real_name,
        bound_at: i.bound_at ?? 0,
        status: i.status,
      }));
  }
}
