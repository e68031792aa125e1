// The demo events, questionnaires/votes and lotteries of the in-memory backend: 南京医科大学工会's
// 趣味运动会 (full, with a waitlist), a reading session with places, a health talk on now
// (the member is registered: scan its venue code), a parent–child camp needing approval
// and a fee, last winter's gala (attended, with a drawn lottery); the 疗休养 destination
// vote, a canteen survey and last year's appraisal; the union's annual lottery. 江苏省互联网协会
// runs a salon needing approval, its annual meeting on now (attendance, a lottery to draw),
// a needs survey and a council vote. Times are relative to when the fake starts.

import type { AnswerValue, EventBody, Question, SurveyBody } from "./activities";
import { drawLottery, fakeDraw, fakeHash, mask, type FakeActivities, type FakeLottery, type FakeReg, type FakeSurvey } from "./fakeActivities";
import { P } from "./fakeWorkflowData";

const SURNAMES = [..."王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤"];
const GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "建华", "晓燕", "文博", "思远", "雨桐", "子涵", "海峰", "志强", "丹"];

/** The n-th demo person who is not one of the scenario accounts. */
export function person(n: number): { id: string; name: string } {
  return {
    id: `0195a0c1-0000-7000-9000-${String(n).padStart(12, "0")}`,
    name: SURNAMES[n % SURNAMES.length] + GIVEN[(n * 7 + Math.floor(n / SURNAMES.length)) % GIVEN.length],
  };
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const MIN = 60_000;
const HOUR = 60 * MIN;

export function seedActivities(a: FakeActivities, now: number): void {
  /** `n` days from today at h:m, local time. */
  const day = (n: number, h: number, m = 0) => {
    const d = new Date(now + n * 86_400_000);
    d.setHours(h, m, 0, 0);
    return d.getTime();
  };
  // On now: started 40 minutes ago (rounded to the quarter hour).
  const started = Math.floor((now - 40 * MIN) / (15 * MIN)) * 15 * MIN;
  let people = 0;

  const event = (id: string, node: string, b: Partial<EventBody> & Pick<EventBody, "title" | "starts_at" | "ends_at">) => {
    a.events.push({
      id,
      node_id: node,
      body: {
        place: null,
        description: null,
        reentry_allowed: true,
        registration: true,
        capacity: null,
        registration_deadline: null,
        audience: "members",
        approval_required: false,
        fee_fen: null,
        cancelled: false,
        ...b,
      },
    });
  };
  const reg = (eventId: string, who: { id: string; name: string }, status: FakeReg["status"], at: number, extra: Partial<FakeReg> = {}) => {
    const r: FakeReg = {
      id: a.id("reg"),
      event_id: eventId,
      account_id: who.id,
      name: who.name,
      status,
      ticket_id: a.ticketOf(eventId, who.id),
      paid: true,
      order_id: null,
      queued_at: at,
      created_at: at,
      reason: null,
      ...extra,
    };
    a.regs.push(r);
    return r;
  };
  const crowd = (eventId: string, n: number, status: FakeReg["status"], from: number, extra: Partial<FakeReg> = {}) =>
    Array.from({ length: n }, (_, i) => reg(eventId, person(++people), status, from + i * 7 * MIN, extra));
  const came = (rs: FakeReg[], from: number, { left = 0, how = "staff" as const } = {}) => {
    rs.forEach((r, i) => {
      const at = from + (i % 40) * MIN;
      a.checkins.push({ id: a.id("ck"), event_id: r.event_id, ticket_id: r.ticket_id, account_id: r.account_id, name: mask(r.name), direction: "in", at, how: i % 5 === 0 ? "venue_code" : how });
      if (i < left) {
        a.checkins.push({ id: a.id("ck"), event_id: r.event_id, ticket_id: r.ticket_id, account_id: r.account_id, name: mask(r.name), direction: "out", at: at + 70 * MIN, how: "venue_code" });
      }
    });
  };

  // ---------------------------------------------------------------- 南京医科大学工会

  event("ev-sports", "n-njmu", {
    title: "2026年教职工趣味运动会",
    place: "江宁校区田径场",
    description: "项目包括拔河、袋鼠跳、毛毛虫竞速、定点投篮和趣味接力。以分工会为单位组队，也可个人报名参加趣味项目。请穿运动鞋，现场提供饮用水。名额报满后进入候补，有人取消时按报名先后自动递补。",
    starts_at: day(9, 8, 30),
    ends_at: day(9, 12),
    capacity: 150,
    registration_deadline: day(6, 18),
  });
  crowd("ev-sports", 150, "confirmed", now - 5 * 86_400_000);
  crowd("ev-sports", 4, "waitlisted", now - 86_400_000);

  event("ev-reading", "n-njmu", {
    title: "“书香工会”春季读书分享会",
    place: "图书馆三楼报告厅",
    description: "本期共读《额尔古纳河右岸》，欢迎分享读后感，现场赠送新书。",
    starts_at: day(4, 14, 30),
    ends_at: day(4, 16, 30),
    capacity: 40,
    registration_deadline: day(3, 12),
  });
  crowd("ev-reading", 23, "confirmed", now - 3 * 86_400_000);

  event("ev-talk", "n-njmu", {
    title: "春季健康讲座：颈肩腰的日常养护",
    place: "江宁校区学术交流中心报告厅",
    description: "邀请附属医院康复医学科专家讲解久坐人群的颈肩腰养护，现场教授工间操。到场后请扫描入口处的签到码签到，离场时扫描签退码。",
    starts_at: started,
    ends_at: started + 2 * HOUR,
    capacity: 200,
    reentry_allowed: true,
  });
  reg("ev-talk", P.ouyang, "confirmed", now - 6 * 86_400_000);
  came(crowd("ev-talk", 120, "confirmed", now - 8 * 86_400_000).slice(0, 96), started - 20 * MIN, { left: 9 });

  event("ev-craft", "n-njmu", {
    title: "暑期亲子手工营（第一期）",
    place: "江宁校区大学生活动中心201",
    description: "面向会员子女（6–12岁），内容为扎染与陶艺体验，每个家庭限报一名孩子。报名经分工会审核通过后，请缴纳材料费，缴费后领取电子票。",
    starts_at: day(20, 9),
    ends_at: day(20, 11, 30),
    capacity: 30,
    approval_required: true,
    fee_fen: 3000,
    registration_deadline: day(15, 18),
    reentry_allowed: false,
  });
  crowd("ev-craft", 12, "confirmed", now - 2 * 86_400_000);
  crowd("ev-craft", 3, "pending", now - 86_400_000, { paid: false });

  event("ev-gala", "n-njmu", {
    title: "2026年迎新春文艺汇演",
    place: "江宁校区大学生活动中心礼堂",
    starts_at: day(-75, 19),
    ends_at: day(-75, 21),
    capacity: 800,
    reentry_allowed: false,
  });
  reg("ev-gala", P.ouyang, "confirmed", day(-90, 10));
  const gala = crowd("ev-gala", 420, "confirmed", day(-95, 9));
  came(gala.slice(0, 386), day(-75, 18, 20), { left: 386 });
  a.checkins.push(
    { id: a.id("ck"), event_id: "ev-gala", ticket_id: a.ticketOf("ev-gala", P.ouyang.id), account_id: P.ouyang.id, name: mask(P.ouyang.name), direction: "in", at: day(-75, 18, 48), how: "venue_code" },
    { id: a.id("ck"), event_id: "ev-gala", ticket_id: a.ticketOf("ev-gala", P.ouyang.id), account_id: P.ouyang.id, name: mask(P.ouyang.name), direction: "out", at: day(-75, 21, 6), how: "venue_code" },
  );

  // ---------------------------------------------------------------- 江苏省互联网协会

  event("ev-salon", "n-jsia", {
    title: "2026数字经济发展沙龙",
    place: "南京国际博览中心3号馆会议室",
    description: "围绕数据要素、生成式人工智能应用与中小企业数字化转型展开交流，会员单位与行业伙伴均可报名，经秘书处审核后参加。",
    starts_at: day(14, 14),
    ends_at: day(14, 17, 30),
    capacity: 80,
    audience: "open",
    approval_required: true,
    registration_deadline: day(12, 18),
  });
  crowd("ev-salon", 36, "confirmed", now - 6 * 86_400_000);
  crowd("ev-salon", 4, "pending", now - 2 * 86_400_000);
  crowd("ev-salon", 1, "rejected", now - 5 * 86_400_000, { reason: "非会员单位且未提供参会单位信息" });

  event("ev-annual", "n-jsia", {
    title: "江苏省互联网协会2026年会员大会暨年会",
    place: "南京金陵饭店世纪厅",
    starts_at: started - 20 * MIN,
    ends_at: started + 4 * HOUR,
    capacity: 300,
  });
  reg("ev-annual", P.org, "confirmed", now - 10 * 86_400_000);
  const annual = crowd("ev-annual", 180, "confirmed", now - 12 * 86_400_000);
  crowd("ev-annual", 6, "waitlisted", now - 4 * 86_400_000);
  came(annual.slice(0, 142), started - 40 * MIN, { left: 18 });

  event("ev-training", "n-jsia", {
    title: "网络安全等级保护培训（第二期）",
    place: "江苏省互联网协会培训中心",
    starts_at: day(30, 9),
    ends_at: day(30, 16, 30),
    registration: false,
  });

  // ---------------------------------------------------------------- questionnaires and votes

  const survey = (id: string, node: string, body: SurveyBody, responses: FakeSurvey["responses"] = []) =>
    a.surveys.push({ id, node_id: node, body, responses });
  const q = (id: string, text: string, kind: Question["kind"], options: string[] = [], extra: Partial<Question> = {}): Question => ({
    id,
    text,
    kind,
    options,
    min: kind === "multiple" ? 1 : null,
    max: kind === "multiple" ? options.length : null,
    required: true,
    ...extra,
  });
  /** Responses giving option i of a single question counts[i] times. */
  const votes = (qid: string, counts: number[], from: number) =>
    counts.flatMap((n, i) => Array.from({ length: n }, (_, k) => ({ account_id: person(10_000 + people++).id, answers: [{ question_id: qid, choices: [i] }], at: from + k * 11 * MIN })));
  /** `n` made-up responses to a survey's questions (texts from `texts`). */
  const synth = (qs: Question[], n: number, seed: number, from: number, texts: string[] = []) => {
    const rand = rng(seed);
    return Array.from({ length: n }, (_, k) => {
      const answers: AnswerValue[] = [];
      for (const x of qs) {
        if (x.kind === "single") answers.push({ question_id: x.id, choices: [Math.floor(Math.pow(rand(), 1.6) * x.options.length)] });
        if (x.kind === "multiple") {
          const want = 1 + Math.floor(rand() * (x.max ?? 1));
          const set = new Set<number>();
          while (set.size < want) set.add(Math.floor(Math.pow(rand(), 1.4) * x.options.length));
          answers.push({ question_id: x.id, choices: [...set].sort((p, r) => p - r) });
        }
        if (x.kind === "rating") answers.push({ question_id: x.id, rating: 5 - Math.floor(Math.pow(rand(), 2) * 5) });
        if (x.kind === "text" && k < texts.length) answers.push({ question_id: x.id, text: texts[k] });
      }
      return { account_id: person(20_000 + people++).id, answers, at: from + k * 37 * MIN };
    });
  };

  survey(
    "sv-trip",
    "n-njmu",
    {
      title: "2026年度职工疗休养目的地投票",
      description: "今年疗休养安排在7–9月，分批出行，费用由工会经费列支。请选择您最希望前往的目的地，得票最多的两个线路将作为今年的疗休养线路。",
      kind: "vote",
      questions: [q("q1", "您希望今年的疗休养去哪里？", "single", ["安徽黄山（4天3晚）", "浙江千岛湖（3天2晚）", "江西婺源（4天3晚）", "福建武夷山（4天3晚）", "常州溧阳天目湖（2天1晚）"])],
      opens_at: day(-3, 9),
      closes_at: day(5, 18),
      anonymous: true,
      audience: "members",
      changeable: false,
      results: "after_answer",
    },
    votes("q1", [48, 65, 31, 27, 52], day(-3, 9)),
  );

  const canteen = [
    q("q1", "您对食堂就餐的总体满意度", "rating"),
    q("q2", "您最希望改进的方面（最多选3项）", "multiple", ["菜品口味", "菜品种类", "价格", "卫生", "排队时间", "营业时间"], { min: 1, max: 3 }),
    q("q3", "其他意见和建议", "text", [], { required: false }),
  ];
  survey(
    "sv-canteen",
    "n-njmu",
    {
      title: "教职工食堂就餐满意度调查",
      description: "为改进食堂服务，工会与后勤处联合开展本次调查，约需2分钟。截止前可修改您的答案。",
      kind: "survey",
      questions: canteen,
      opens_at: day(-7, 8),
      closes_at: day(10, 18),
      anonymous: false,
      audience: "members",
      changeable: true,
      results: "after_close",
    },
    synth(canteen, 86, 7, day(-7, 9), ["希望增加清真窗口", "晚餐供应时间可以延长到19:30", "二楼排队太久，建议增加自助结算"]),
  );

  const appraisal = [
    q("q1", "您对本年度工会工作的总体评价", "single", ["非常满意", "满意", "一般", "不满意"]),
    q("q2", "您对工会会员服务的评分", "rating"),
  ];
  survey(
    "sv-appraisal",
    "n-njmu",
    {
      title: "2025年度工会工作满意度测评",
      kind: "survey",
      questions: appraisal,
      opens_at: day(-60, 9),
      closes_at: day(-30, 18),
      anonymous: true,
      audience: "members",
      changeable: false,
      results: "after_close",
    },
    [...synth(appraisal, 212, 11, day(-60, 10)), { account_id: P.ouyang.id, answers: [{ question_id: "q1", choices: [1] }, { question_id: "q2", rating: 4 }], at: day(-45, 12) }],
  );

  survey("sv-autumn", "n-njmu", {
    title: "秋季运动会比赛项目征集",
    kind: "survey",
    questions: [q("q1", "您希望增加哪些比赛项目？", "text")],
    opens_at: day(2, 9),
    closes_at: day(16, 18),
    anonymous: false,
    audience: "members",
    changeable: true,
    results: "organisers",
  });

  const needs = [
    q("q1", "贵单位最需要协会提供哪些服务？", "multiple", ["政策解读与申报辅导", "人才招聘与培训", "投融资对接", "行业标准与合规", "市场推广与展会", "法律咨询"], { min: 1, max: 6 }),
    q("q2", "对协会工作的其他建议", "text", [], { required: false }),
  ];
  survey(
    "sv-needs",
    "n-jsia",
    {
      title: "2026年会员单位服务需求调查",
      kind: "survey",
      questions: needs,
      opens_at: day(-2, 9),
      closes_at: day(12, 18),
      anonymous: false,
      audience: "members",
      changeable: true,
      results: "organisers",
    },
    synth(needs, 23, 23, day(-2, 10), ["建议每季度组织一次数据安全合规培训", "希望协会牵头对接长三角的产业园区", "会员单位之间的业务对接会可以更频繁"]),
  );

  survey(
    "sv-council",
    "n-jsia",
    {
      title: "第五届理事会增补理事单位表决",
      description: "拟增补南京星河智联科技有限公司为理事单位，请各理事单位表决。",
      kind: "vote",
      questions: [q("q1", "是否同意增补南京星河智联科技有限公司为理事单位？", "single", ["同意", "不同意", "弃权"])],
      opens_at: day(-1, 9),
      closes_at: day(3, 17),
      anonymous: false,
      audience: "members",
      changeable: false,
      results: "after_close",
    },
    votes("q1", [31, 2, 4], day(-1, 9)),
  );

  // ---------------------------------------------------------------- lotteries

  const lottery = (id: string, node: string, title: string, eventId: string | null, prizes: FakeLottery["prizes"], seed: string): FakeLottery => {
    const l: FakeLottery = { id, node_id: node, title, event_id: eventId, prizes, seed, seed_commitment: fakeHash(seed), drawn: false, entries: [], digest: null, results: [], drawn_at: null };
    a.lotteries.push(l);
    return l;
  };
  const enter = (l: FakeLottery, n: number, from: number) => {
    for (let i = 0; i < n; i++) {
      const who = person(++people);
      l.entries.push({ entry_id: `en-${l.id}-${String(i).padStart(4, "0")}`, account_id: who.id, name: mask(who.name), at: from + i * MIN });
    }
  };

  const galaPrizes = [
    { name: "一等奖 · 扫地机器人", count: 2 },
    { name: "二等奖 · 保温杯", count: 10 },
    { name: "三等奖 · 电影兑换券", count: 30 },
  ];
  const galaLottery = lottery("lt-gala", "n-njmu", "2026年迎新春文艺汇演抽奖", "ev-gala", galaPrizes, "");
  enter(galaLottery, 380, day(-75, 19, 10));
  galaLottery.entries.splice(137, 0, { entry_id: "en-lt-gala-mine", account_id: P.ouyang.id, name: mask(P.ouyang.name), at: day(-75, 19, 40) });
  // A published seed under which the member's entry won a 二等奖 (found, not forced: the
  // draw stays the one anyone can re-run).
  const ids = galaLottery.entries.map((e) => e.entry_id);
  for (let i = 0; i < 2000; i++) {
    const seed = fakeHash(`gala-${i}`);
    const picks = fakeDraw(seed, ids, galaPrizes);
    if (picks[1].includes(137)) {
      galaLottery.seed = seed;
      break;
    }
  }
  galaLottery.seed_commitment = fakeHash(galaLottery.seed);
  drawLottery(galaLottery, day(-75, 20, 50));

  const annual2 = lottery(
    "lt-union",
    "n-njmu",
    "工会年会抽奖",
    null,
    [
      { name: "一等奖 · 平板电脑", count: 1 },
      { name: "二等奖 · 蓝牙耳机", count: 3 },
      { name: "三等奖 · 定制保温杯", count: 10 },
      { name: "参与奖 · 食堂餐券", count: 30 },
    ],
    fakeHash("union-annual"),
  );
  enter(annual2, 86, started - 30 * MIN);

  const jsia = lottery(
    "lt-jsia",
    "n-jsia",
    "2026年会员大会暨年会抽奖",
    "ev-annual",
    [
      { name: "一等奖 · 笔记本电脑", count: 1 },
      { name: "二等奖 · 智能手表", count: 3 },
      { name: "三等奖 · 移动电源", count: 10 },
    ],
    fakeHash("jsia-annual"),
  );
  enter(jsia, 128, started - 10 * MIN);
}
