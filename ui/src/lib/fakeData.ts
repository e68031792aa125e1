// Realistic demo data for the in-memory backend (tests and the browser mock mode). The
// accounts mirror the server's demo accounts in the README.

import type {
  AccountView,
  AttendanceView,
  EventView,
  MemberRow,
  NoticeView,
  ScanCounts,
  ScanRowView,
  SessionView,
  SiteView,
} from "./bindings";

export const DEMO_PASSWORD = "Huiji2026";
export const DEV_CODE = "123456";

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11643 check character of the first 17 digits. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return "10X98765432"[sum % 11];
}

const CC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100 check character of the first 17 characters. */
export function creditCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CC_CHARS.indexOf(first17[i]) * CC_WEIGHTS[i];
  return CC_CHARS[(31 - (sum % 31)) % 31];
}

export function maskPhone(p: string): string {
  return p.slice(0, 3) + "****" + p.slice(-4);
}

export function maskId(id: string): string {
  return id.slice(0, 4) + "*".repeat(id.length - 8) + id.slice(-4);
}

/** An ID number already bound to 欧阳娜娜 (complete_profile answers IdNumberTaken). */
export const TAKEN_ID = "32010219900307451" + idCheckChar("32010219900307451");

export type FakeAccount = {
  phone: string | null;
  creditCode: string | null;
  session: SessionView;
};

function person(
  id: string,
  phone: string,
  name: string,
  idNumber: string,
  grants: AccountView["grants"],
  home: SessionView["home"],
): FakeAccount {
  return {
    phone,
    creditCode: null,
    session: {
      home,
      logged_in_at: Date.UTC(2026, 2, 18, 1, 30),
      account: {
        id,
        kind: "person",
        phone_masked: maskPhone(phone),
        real_name: name,
        id_number_masked: maskId(idNumber),
        credit_code: null,
        org_name: null,
        grants,
        needs_profile: false,
      },
    },
  };
}

export function demoAccounts(): FakeAccount[] {
  return [
    person(
      "0195a0c1-0000-7000-8000-000000000011",
      "13800000001",
      "欧阳娜娜",
      TAKEN_ID,
      [{ role: "member", node_id: "n-njmu", node_name: "南京医科大学工会", node_path: "/江苏省总工会/江苏省教科工会委员会/南京医科大学工会/" }],
      "member",
    ),
    person(
      "0195a0c1-0000-7000-8000-000000000007",
      "13900000007",
      "周文斌",
      "32010619850412" + "203" + idCheckChar("32010619850412203"),
      [
        { role: "secretary", node_id: "n-jsia", node_name: "江苏省互联网协会", node_path: "/江苏省互联网协会/" },
        { role: "reviewer", node_id: "n-jsia", node_name: "江苏省互联网协会", node_path: "/江苏省互联网协会/" },
      ],
      "secretary",
    ),
    person(
      "0195a0c1-0000-7000-8000-000000000004",
      "13900000004",
      "刘国庆",
      "22022119750603" + "211" + idCheckChar("22022119750603211"),
      [{ role: "site_manager", node_id: "n-yj", node_name: "永吉县", node_path: "/永吉县/" }],
      "scanner",
    ),
    person(
      "0195a0c1-0000-7000-8000-000000000006",
      "13900000006",
      "孙丽娟",
      "22022119800214" + "302" + idCheckChar("22022119800214302"),
      [{ role: "health_authority", node_id: "n-yj", node_name: "永吉县", node_path: "/永吉县/" }],
      "scanner",
    ),
    person(
      "0195a0c1-0000-7000-8000-000000000005",
      "13900000005",
      "赵晓东",
      "22022119880916" + "401" + idCheckChar("22022119880916401"),
      [{ role: "scanner", node_id: "n-kq", node_name: "口前镇检查站", node_path: "/永吉县/口前镇/口前镇检查站/" }],
      "scanner",
    ),
    person(
      "0195a0c1-0000-7000-8000-000000000001",
      "13900000001",
      "张靖",
      "32010419820915" + "602" + idCheckChar("32010419820915602"),
      [{ role: "secretary", node_id: "n-njmu", node_name: "南京医科大学工会", node_path: "/江苏省总工会/江苏省教科工会委员会/南京医科大学工会/" }],
      "secretary",
    ),
    person(
      "0195a0c1-0000-7000-8000-000000000002",
      "13900000002",
      "李明华",
      "32010619790322" + "415" + idCheckChar("32010619790322415"),
      [{ role: "secretary", node_id: "n-nju", node_name: "南京大学工会", node_path: "/江苏省总工会/江苏省教科工会委员会/南京大学工会/" }],
      "secretary",
    ),
    {
      phone: null,
      creditCode: "91320100MA1000000E",
      session: {
        home: "member",
        logged_in_at: Date.UTC(2026, 2, 18, 1, 30),
        account: {
          id: "0195a0c1-0000-7000-8000-0000000000c1",
          kind: "organisation",
          phone_masked: "139****0100",
          real_name: null,
          id_number_masked: null,
          credit_code: "91320100MA1000000E",
          org_name: "江苏测试网络科技有限公司",
          grants: [{ role: "member", node_id: "n-jsia", node_name: "江苏省互联网协会", node_path: "/江苏省互联网协会/" }],
          needs_profile: false,
        },
      },
    },
  ];
}

const day = 86_400_000;
const BASE = Date.UTC(2026, 2, 18, 2, 0);

export const MEMBER_NOTICES: NoticeView[] = [
  {
    id: "nt-1",
    title: "关于开展2026年度会员信息核对工作的通知",
    content:
      "各分工会：为做好会员实名制管理，请于3月31日前在“个人中心”核对本人姓名、身份证号和所在单位，如有变动请联系所在分工会。",
    node_name: "南京医科大学工会",
    updated_at: BASE - 2 * day,
    kind: "notice",
    cover: null,
    important: false,
  },
  {
    id: "nt-2",
    title: "春季职工健步走活动报名开始",
    content: "活动时间为4月12日上午9:00，地点为江宁校区体育场。请在“活动”中报名，名额有限，报满即止。",
    node_name: "南京医科大学工会",
    updated_at: BASE - 6 * day,
    kind: "news",
    cover: null,
    important: true,
  },
  {
    id: "nt-3",
    title: "工会会费缴纳标准说明",
    content: "会员按本人工资收入的0.5%按月缴纳会费，由所在分工会统一收取，可在“我的会费”中查看缴纳记录。",
    node_name: "江苏省教科工会委员会",
    updated_at: BASE - 20 * day,
    kind: "notice",
    cover: null,
    important: false,
  },
];

export const SECRETARY_NOTICES: NoticeView[] = [
  {
    id: "ns-1",
    title: "2026年度会费缴纳通知",
    content: "请各会员单位于4月30日前完成年度会费缴纳，线下转账请上传凭证，由秘书处确认。",
    node_name: "江苏省互联网协会",
    updated_at: BASE - 1 * day,
    kind: "notice",
    cover: null,
    important: false,
  },
  {
    id: "ns-2",
    title: "第五届理事会第三次会议通知",
    content: "会议定于4月8日在南京召开，请各理事单位确认参会人员。",
    node_name: "江苏省互联网协会",
    updated_at: BASE - 9 * day,
    kind: "notice",
    cover: null,
    important: false,
  },
];

export const UNITS = ["南京工作站", "苏州工作站", "无锡工作站", "常州工作站", "徐州工作站"];

export type FakeMember = MemberRow & {
  /** The member's account (the roster entry's `account_id`): 会籍管理 and the hand-over picker. */
  account_id: string | null;
  pinyin: string;
  initials: string;
  phone: string | null;
  joined_at: number;
};

const SURNAMES: Array<[string, string[]]> = [
  ["王", ["wang"]], ["李", ["li"]], ["张", ["zhang"]], ["刘", ["liu"]], ["陈", ["chen"]], ["杨", ["yang"]],
  ["黄", ["huang"]], ["赵", ["zhao"]], ["吴", ["wu"]], ["周", ["zhou"]], ["徐", ["xu"]], ["孙", ["sun"]],
  ["马", ["ma"]], ["朱", ["zhu"]], ["胡", ["hu"]], ["郭", ["guo"]], ["林", ["lin"]], ["欧阳", ["ou", "yang"]],
];
const GIVEN: Array<[string, string[]]> = [
  ["伟", ["wei"]], ["芳", ["fang"]], ["娜", ["na"]], ["敏", ["min"]], ["静", ["jing"]], ["丽华", ["li", "hua"]],
  ["强", ["qiang"]], ["磊", ["lei"]], ["志军", ["zhi", "jun"]], ["洋", ["yang"]], ["建国", ["jian", "guo"]],
  ["艳", ["yan"]], ["俊杰", ["jun", "jie"]], ["涛", ["tao"]], ["明", ["ming"]], ["超", ["chao"]],
  ["秀英", ["xiu", "ying"]], ["海峰", ["hai", "feng"]], ["思远", ["si", "yuan"]], ["佳怡", ["jia", "yi"]],
  ["雨桐", ["yu", "tong"]], ["子涵", ["zi", "han"]], ["晓东", ["xiao", "dong"]],
];
const COMPANY_CITY = ["南京", "苏州", "无锡", "常州", "徐州"];
const COMPANY_WORD = ["云帆", "数联", "智汇", "天衡", "星河", "博远", "融通", "安信", "睿达", "启明", "恒泰"];
const COMPANY_KIND = ["信息技术", "网络科技", "软件", "数据服务", "电子商务"];
const ORG_LEVELS = ["副理事长单位", "理事单位", "会员单位", "会员单位"];
const PERSON_LEVELS = ["高级会员", "普通会员", "普通会员"];

/** A small deterministic generator, so mock screens and tests see the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function demoMembers(): FakeMember[] {
  const rand = rng(20260318);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const out: FakeMember[] = [];
  const seen = new Set<string>();
  let n = 0;
  while (out.length < 64) {
    const [s, sp] = pick(SURNAMES);
    const [g, gp] = pick(GIVEN);
    const name = s + g;
    if (seen.has(name)) continue;
    seen.add(name);
    n++;
    const phone = "13" + String(5 + (n % 5)) + String(10_000_000 + Math.floor(rand() * 89_999_999)).slice(0, 8);
    const birth = `19${70 + Math.floor(rand() * 30)}${String(1 + Math.floor(rand() * 12)).padStart(2, "0")}${String(1 + Math.floor(rand() * 28)).padStart(2, "0")}`;
    const first17 = "320102" + birth + String(100 + Math.floor(rand() * 899));
    const id = first17 + idCheckChar(first17);
    out.push({
      id: `m-${n}`,
      name,
      phone_masked: maskPhone(phone),
      id_number_masked: maskId(id),
      category: "个人会员",
      level: pick(PERSON_LEVELS),
      credit_code: null,
      unit_name: pick(UNITS),
      account_id: `0195a0c1-0000-7000-8000-1${String(n).padStart(11, "0")}`,
      pinyin: [...sp, ...gp].join(""),
      initials: [...sp, ...gp].map((x) => x[0]).join(""),
      phone,
      joined_at: BASE - Math.floor(rand() * 900) * day,
    });
  }
  const companies = new Set<string>(["江苏测试网络科技有限公司"]);
  while (companies.size < 38) {
    companies.add(pick(COMPANY_CITY) + pick(COMPANY_WORD) + pick(COMPANY_KIND) + "有限公司");
  }
  let c = 0;
  for (const name of companies) {
    c++;
    const first17 = "9132" + String(100 + (c % 6) * 100).padStart(4, "0") + "MA1" + String(100000 + c * 7919).slice(-6);
    const code = name === "江苏测试网络科技有限公司" ? "91320100MA1000000E" : first17 + creditCheckChar(first17);
    out.push({
      id: `o-${c}`,
      name,
      phone_masked: maskPhone("139" + String(10_000_000 + c * 104729).slice(-8)),
      id_number_masked: null,
      category: "单位会员",
      level: pick(ORG_LEVELS),
      credit_code: code,
      unit_name: UNITS.find((u) => name.startsWith(u.slice(0, 2))) ?? UNITS[0],
      // The demo organisation is the one that logs in (fakeWorkflowData's P.org).
      account_id:
        name === "江苏测试网络科技有限公司"
          ? "0195a0c1-0000-7000-8000-0000000000c1"
          : `0195a0c1-0000-7000-8000-2${String(c).padStart(11, "0")}`,
      pinyin: "",
      initials: "",
      phone: null,
      joined_at: BASE - Math.floor(rand() * 1500) * day,
    });
  }
  return out;
}

// ------------------------------------------------------------------ the checkpoint (seed 002)

/** The sites of the demo tree (永吉县 and its checkpoints), parents before children. */
export function demoSites(): Array<SiteView & { contact_phone: string | null }> {
  const site = (
    id: string,
    parent_id: string | null,
    name: string,
    depth: number,
    address: string | null,
    contact: string | null,
    phone: string | null,
  ) => ({
    id,
    parent_id,
    name,
    depth,
    address,
    contact,
    contact_phone: phone,
    contact_phone_masked: phone ? maskPhone(phone) : null,
  });
  return [
    site("n-yj", null, "永吉县", 0, "吉林省吉林市永吉县口前镇", "刘国庆", "13900000004"),
    site("n-kq", "n-yj", "口前镇检查站", 1, "永吉县口前镇吉桦路与建设街交汇处", "王建国", "13504321188"),
    site("n-kq-gs", "n-kq", "口前镇高速路口卡点", 2, "珲乌高速口前收费站出口", "李志军", "13604325521"),
    site("n-kq-hc", "n-kq", "口前镇火车站卡点", 2, "永吉站出站口", null, null),
    site("n-clh", "n-yj", "岔路河镇检查站", 1, "永吉县岔路河镇中心街", "赵海峰", "13844217730"),
    site("n-clh-fwq", "n-clh", "岔路河镇服务区卡点", 2, "长吉北线岔路河服务区", "陈静", "13943216605"),
  ];
}

/** Today's own counts per site, before any scan the demo records. */
export const SITE_COUNTS: Record<string, ScanCounts> = {
  "n-yj": { scans: 0, admitted: 0, turned_back: 0, assisted: 0 },
  "n-kq": { scans: 128, admitted: 125, turned_back: 3, assisted: 4 },
  "n-kq-gs": { scans: 342, admitted: 331, turned_back: 11, assisted: 9 },
  "n-kq-hc": { scans: 96, admitted: 95, turned_back: 1, assisted: 2 },
  "n-clh": { scans: 77, admitted: 76, turned_back: 1, assisted: 0 },
  "n-clh-fwq": { scans: 210, admitted: 204, turned_back: 6, assisted: 5 },
};

export const DEMO_DISPLAY_NAMES = ["张*", "李**", "王*", "刘**", "陈*", "杨**", "赵*", "孙**"];

/** A few of today's scans at 口前镇检查站, newest first. */
export function demoRecentScans(now: number = Date.now()): ScanRowView[] {
  const row = (i: number, subject: string, minutesAgo: number, extra: Partial<ScanRowView> = {}): ScanRowView => ({
    id: `scan-demo-${i}`,
    subject,
    verdict: "credential.valid",
    colour: "green",
    temperature: "36.5",
    admitted: true,
    turn_back: [],
    scanned_at: now - minutesAgo * 60_000,
    synced: true,
    ...extra,
  });
  return [
    row(1, "王*", 4, { temperature: "36.7", synced: false }),
    row(2, "刘**", 9, { colour: "red", admitted: false, turn_back: ["turn_back.red_code"] }),
    row(3, "杨**", 15, { temperature: null }),
    row(4, "陈*", 22, { colour: "yellow", temperature: "36.4" }),
  ];
}

/** A QR-looking SVG for the mock mode (not a readable code: the real one comes from Rust). */
export function fakeQrSvg(text: string): string {
  const n = 29;
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const rand = rng(h);
  const finder = (x: number, y: number) => {
    for (const [ox, oy] of [[0, 0], [n - 7, 0], [0, n - 7]]) {
      const dx = x - ox;
      const dy = y - oy;
      if (dx >= 0 && dx < 7 && dy >= 0 && dy < 7) {
        const ring = Math.max(Math.abs(dx - 3), Math.abs(dy - 3));
        return ring !== 2;
      }
    }
    return null;
  };
  let path = "";
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const f = finder(x, y);
      const dark = f === null ? rand() < 0.5 : f;
      if (dark) path += `M${x + 4} ${y + 4}h1v1h-1z`;
    }
  }
  const size = n + 8;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="256" height="256" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges">` +
    `<rect x="0" y="0" width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${path}"/></svg>`
  );
}

// ------------------------------------------------------------------ events and tickets

export const EVENT_IDS = {
  assembly: "0195b2c0-7a10-7000-8000-0000000000e1",
  walk: "0195b2c0-7a10-7000-8000-0000000000e2",
  council: "0195b2c0-7a10-7000-8000-0000000000e3",
} as const;

/** The events on the demo device, soonest first, the ended one last (as events_list
 * sorts them). The assembly is today, 14:00–17:00 (tomorrow once it is past 17:00). */
export function demoEvents(now: number = Date.now()): EventView[] {
  const at = (dayOffset: number, h: number, m = 0) => {
    const d = new Date(now);
    d.setDate(d.getDate() + dayOffset);
    d.setHours(h, m, 0, 0);
    return d.getTime();
  };
  const today = at(0, 17) > now ? 0 : 1;
  return [
    {
      id: EVENT_IDS.assembly,
      title: "2026年度会员大会",
      place: "南京医科大学江宁校区学术交流中心",
      starts_at: at(today, 14),
      ends_at: at(today, 17),
      reentry_allowed: false,
    },
    {
      id: EVENT_IDS.walk,
      title: "春季职工健步走",
      place: "江宁校区体育场",
      starts_at: at(12, 9),
      ends_at: at(12, 11, 30),
      reentry_allowed: true,
    },
    {
      id: EVENT_IDS.council,
      title: "第五届理事会第三次会议",
      place: "南京国际会议大酒店",
      starts_at: at(-20, 9),
      ends_at: at(-20, 12),
      reentry_allowed: true,
    },
  ];
}

/** Which organisation's members hold tickets for each demo event. */
export const EVENT_ORG: Record<string, string> = {
  [EVENT_IDS.assembly]: "n-njmu",
  [EVENT_IDS.walk]: "n-njmu",
  [EVENT_IDS.council]: "n-jsia",
};

/** The text of a demo ticket: "HJ1:TICKET:<event tag>:<holder>" (the fake verifier reads it). */
export function demoTicketText(eventId: string, holder: string): string {
  return `HJ1:TICKET:${eventTag(eventId)}:${holder}`;
}

/** "E1" for …00e1: the short tag a demo ticket carries for its event. */
export function eventTag(eventId: string): string {
  return eventId.slice(-2).toUpperCase();
}

/** Check-in figures for an event, with one ticket let in twice by two offline scanners. */
export function demoAttendance(event: EventView, now: number = Date.now()): AttendanceView {
  if (event.id !== EVENT_IDS.assembly) {
    const ended = event.ends_at <= now;
    return {
      event_id: event.id,
      title: event.title,
      checked_in: ended ? 86 : 0,
      inside: 0,
      admitted_scans: ended ? 131 : 0,
      conflicts: [],
    };
  }
  const start = Math.min(event.starts_at, now);
  return {
    event_id: event.id,
    title: event.title,
    checked_in: 214,
    inside: 187,
    admitted_scans: 243,
    conflicts: [
      {
        ticket_id: "0195b2c1-1111-7000-8000-00000000a001",
        subject: "陈**",
        reason: "该票已签到入场，不能重复使用",
        flagged_scan: "0195b2c1-2222-7000-8000-00000000b002",
        flagged_at: start + 23 * 60_000,
        flagged_site: "学术交流中心东门",
        earlier_scan: "0195b2c1-2222-7000-8000-00000000b001",
        earlier_at: start + 6 * 60_000,
        earlier_site: "学术交流中心正门",
      },
    ],
  };
}
