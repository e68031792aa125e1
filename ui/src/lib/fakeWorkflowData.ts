// Demo data of the approval engine for the in-memory backend: the org tree of the
// server's demo (Jiangsu unions, the Internet association, Xi'an University's service
// hall), who holds which role, and a realistic set of requests, memberships, dues orders
// and inbox entries for 欧阳娜娜 (member), 周文斌 (association secretary) and 张靖
// (secretary of 南京医科大学工会).

import { apply } from "./fakeEngine";
import { DEV_CODE, UNITS, type FakeMember } from "./fakeData";
import type { FakeWorkflow, Held } from "./fakeWorkflow";
import { creditCheckChar, type RequestAction } from "./workflow";
import type { Role } from "./bindings";
import type { Attachment, HistoryEntry, Person, RequestBody, RequestKind, ServiceView, Step } from "./workflow";

export { DEV_CODE };

export type FakeUnit = { id: string; name: string; kind: string; parent_id: string | null; levels?: string[] };

export const ASSOC_LEVELS = ["会员单位", "理事单位", "常务理事单位", "副理事长单位"];
const CHAMBER_LEVELS = ["会员", "理事", "常务理事", "副会长", "会长"];

export function demoUnits(): FakeUnit[] {
  return [
    { id: "n-jszgh", name: "江苏省总工会", kind: "union_federation", parent_id: null },
    { id: "n-jkgh", name: "江苏省教科工会委员会", kind: "industry_union", parent_id: "n-jszgh" },
    { id: "n-njmu", name: "南京医科大学工会", kind: "unit_union", parent_id: "n-jkgh" },
    { id: "n-nju", name: "南京大学工会", kind: "unit_union", parent_id: "n-jkgh" },
    { id: "n-seu", name: "东南大学工会", kind: "unit_union", parent_id: "n-jkgh" },
    { id: "n-njnu", name: "南京师范大学工会", kind: "unit_union", parent_id: "n-jkgh" },
    { id: "n-jxyj", name: "江苏省机械冶金工会", kind: "industry_union", parent_id: "n-jszgh" },
    { id: "n-xcmg", name: "徐工集团工会", kind: "unit_union", parent_id: "n-jxyj" },
    { id: "n-jsia", name: "江苏省互联网协会", kind: "association", parent_id: null, levels: ASSOC_LEVELS },
    ...UNITS.map((name, i) => ({ id: `u-${i}`, name, kind: "branch", parent_id: "n-jsia" })),
    { id: "n-szqs", name: "苏州市青年企业家商会", kind: "association", parent_id: null, levels: CHAMBER_LEVELS },
    { id: "n-xawl", name: "西安文理学院", kind: "institution", parent_id: null },
    { id: "n-xawl-it", name: "西安文理学院信息与现代教育技术中心", kind: "institution", parent_id: "n-xawl" },
    { id: "n-yj", name: "永吉县", kind: "site", parent_id: null },
  ];
}

const ID = (n: string) => `0195a0c1-0000-7000-8000-0000000000${n}`;

export const P = {
  ouyang: { id: ID("11"), name: "欧阳娜娜" },
  zhou: { id: ID("07"), name: "周文斌" },
  he: { id: ID("17"), name: "何晓梅" },
  sun: { id: ID("18"), name: "孙国栋" },
  zhang: { id: ID("01"), name: "张靖" },
  li: { id: ID("02"), name: "李明华" },
  chen: { id: ID("03"), name: "陈思远" },
  wang: { id: ID("00"), name: "王立新" },
  wu: { id: ID("08"), name: "吴佳怡" },
  zheng: { id: ID("09"), name: "郑海峰" },
  org: { id: ID("c1"), name: "江苏测试网络科技有限公司" },
} satisfies Record<string, Person>;

/** Who holds which role where (approvers are looked up here). */
export const ROLE_HOLDERS: Array<Person & { role: Role; node: string | null }> = [
  { ...P.wang, role: "system_admin", node: null },
  { ...P.zhang, role: "secretary", node: "n-njmu" },
  { ...P.li, role: "secretary", node: "n-nju" },
  { ...P.chen, role: "reviewer", node: "n-jkgh" },
  { ...P.zhou, role: "secretary", node: "n-jsia" },
  { ...P.he, role: "secretary", node: "n-jsia" },
  { ...P.zhou, role: "reviewer", node: "n-jsia" },
  { ...P.sun, role: "reviewer", node: "n-jsia" },
  { ...P.wu, role: "secretary", node: "n-szqs" },
  { ...P.zheng, role: "reviewer", node: "n-xawl" },
];

/** Everyone a request can be delegated or transferred to in the demo. */
export const FAKE_PEOPLE: Person[] = [P.zhou, P.he, P.sun, P.zhang, P.li, P.chen, P.wang, P.wu, P.zheng];

export const DEMO_PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAGAAAABACAIAAABqVuVZAAAAu0lEQVR42u3cvQ2AIBAGUCehdgjndBKHcCEbY2FHSUTxB3zkK214uSMHhd3U95JIhwBQIaBtXSQGECBAgAABAgQIUC7QUP8CBOjLQM4gAQQIECBAgAABihnbXSpIiwECBAgQIEDmIBWkxQABAgQIUC2ZQzAHmYMySyadX7dYWuGEUVNAR/afa9QO0PGdZxm1BlT8Y0CAngQyB6kgQIAAmYNM0u5ibvPVGnlRfPVF0Zs0IEDXgcS/OwDdkB3Lf3oewUo25AAAAABJRU5ErkJggg==";
export const DEMO_PDF =
  "JVBERi0xLjQKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFszIDAgUl0gL0NvdW50IDEgPj4KZW5kb2JqCjMgMCBvYmoKPDwgL1R5cGUgL1BhZ2UgL1BhcmVudCAyIDAgUiAvTWVkaWFCb3ggWzAgMCA1OTUgODQyXSAvQ29udGVudHMgNCAwIFIgL1Jlc291cmNlcyA8PCAvRm9udCA8PCAvRjEgNSAwIFIgPj4gPj4gPj4KZW5kb2JqCjQgMCBvYmoKPDwgL0xlbmd0aCAxMjAgPj4Kc3RyZWFtCkJUIC9GMSAyMCBUZiA3MiA3NjAgVGQgKE1lbWJlcnNoaXAgYXBwbGljYXRpb24gbGV0dGVyKSBUaiAwIC0zMCBUZCAvRjEgMTIgVGYgKFNpZ25lZCBhbmQgc2VhbGVkIGJ5IHRoZSBhcHBsaWNhbnQuKSBUaiBFVAplbmRzdHJlYW0KZW5kb2JqCjUgMCBvYmoKPDwgL1R5cGUgL0ZvbnQgL1N1YnR5cGUgL1R5cGUxIC9CYXNlRm9udCAvSGVsdmV0aWNhID4+CmVuZG9iagp4cmVmCjAgNgowMDAwMDAwMDAwIDY1NTM1IGYgCjAwMDAwMDAwMDkgMDAwMDAgbiAKMDAwMDAwMDA1OCAwMDAwMCBuIAowMDAwMDAwMTE1IDAwMDAwIG4gCjAwMDAwMDAyNDEgMDAwMDAgbiAKMDAwMDAwMDQxMiAwMDAwMCBuIAp0cmFpbGVyCjw8IC9TaXplIDYgL1Jvb3QgMSAwIFIgPj4Kc3RhcnR4cmVmCjQ4MgolJUVPRgo=";

export function demoServices(): ServiceView[] {
  const it = "n-xawl-it";
  const step = (title: string, role: Role, node: string) => ({ title, mode: "any" as const, role, node_id: node });
  return [
    {
      id: "svc-web",
      node_id: it,
      node_name: "西安文理学院信息与现代教育技术中心",
      def: {
        name: "网站变更申请",
        description: "学院、部门网站的域名、服务器、栏目调整或关停，经信息中心审核后实施。",
        fields: [
          { key: "site_name", label: "网站名称", type: "text", required: true, options: [] },
          { key: "site_url", label: "网站地址", type: "url", required: true, options: [] },
          { key: "change", label: "变更类型", type: "choice", required: true, options: ["域名变更", "服务器迁移", "栏目调整", "网站关停"] },
          { key: "detail", label: "变更说明", type: "long_text", required: true, options: [] },
          { key: "planned_on", label: "计划变更日期", type: "date", required: true, options: [] },
          { key: "phone", label: "联系电话", type: "phone", required: true, options: [] },
        ],
        steps: [step("信息中心审核", "reviewer", it)],
      },
    },
    {
      id: "svc-room",
      node_id: "n-xawl",
      node_name: "西安文理学院",
      def: {
        name: "会议室预约",
        description: "预约行政楼会议室，审核通过后凭短信通知使用。",
        fields: [
          { key: "room", label: "会议室", type: "choice", required: true, options: ["行政楼201", "行政楼305", "图书馆报告厅"] },
          { key: "date", label: "使用日期", type: "date", required: true, options: [] },
          { key: "slot", label: "时间段", type: "choice", required: true, options: ["上午 8:30-12:00", "下午 14:30-18:00", "晚上 19:00-21:30"] },
          { key: "people", label: "参会人数", type: "text", required: true, options: [] },
          { key: "purpose", label: "会议内容", type: "long_text", required: true, options: [] },
          { key: "phone", label: "联系电话", type: "phone", required: true, options: [] },
        ],
        steps: [step("办公室审核", "reviewer", "n-xawl")],
      },
    },
    {
      id: "svc-cert",
      node_id: "n-xawl",
      node_name: "西安文理学院",
      def: {
        name: "在职证明开具",
        description: "开具在职证明、收入证明，审核通过后到人事处领取纸质件。",
        fields: [
          { key: "type", label: "证明类型", type: "choice", required: true, options: ["在职证明", "收入证明", "在职及收入证明"] },
          { key: "use", label: "用途", type: "text", required: true, options: [] },
          { key: "copies", label: "份数", type: "choice", required: true, options: ["1", "2", "3"] },
          { key: "note", label: "备注", type: "long_text", required: false, options: [] },
        ],
        steps: [step("人事处审核", "reviewer", "n-xawl")],
      },
    },
  ];
}

const HOUR = 3_600_000;

type Make = {
  kind: RequestKind;
  node: string;
  applicant: Person;
  form: Record<string, unknown>;
  steps: Step[];
  sms?: boolean;
  attachments?: Attachment[];
  ago: number;
  /** Actions after submission, each `[actor, action, hours after submission]`. */
  then?: Array<[Person, RequestAction, number]>;
  title?: string;
};

const NAMES = ["王子涵", "李俊杰", "张雨桐", "刘海峰", "陈佳怡", "杨志军", "赵丽华", "孙建国", "周晓东", "吴思远", "徐秀英", "马明", "朱艳", "胡强", "郭磊", "林洋"];
const COMPANIES = ["南京智汇信息技术有限公司", "苏州星河网络科技有限公司", "无锡博远软件有限公司", "常州融通数据服务有限公司", "徐州安信电子商务有限公司"];

export function seedWorkflow(wf: FakeWorkflow, extraTodo: number): void {
  const now = Date.now();
  const attach = (name: string, mime: string, base64: string): Attachment => {
    const id = wf.newId("att");
    const size = atob(base64).length;
    wf.attachments.set(id, { name, mime, base64, size });
    return { id, name, mime, size };
  };
  const make = (m: Make): Held => {
    const node = wf.unit(m.node)!;
    const at = now - m.ago * HOUR;
    let body: RequestBody = {
      kind: m.kind,
      title: m.title ?? `${({ join: "入会申请", transfer: "转会申请", position: "职务申请", withdrawal: "退会申请", org_registration: "单位注册", service: "办事大厅", content: "内容审核" } as const)[m.kind]} · ${node.name}`,
      applicant: m.applicant,
      node_id: node.id,
      node_name: node.name,
      form: m.form,
      attachments: m.attachments ?? [],
      state: "submitted",
      steps: m.steps,
      current: 0,
      log: [{ at, actor: m.applicant, action: "submit", step: null, comment: null, to: null }],
      sms_verified: m.sms ?? false,
      bill: null,
      submitted_at: at,
      decided_at: null,
      reason: null,
    };
    let version = 1;
    let updated = at;
    for (const [actor, action, hours] of m.then ?? []) {
      updated = at + hours * HOUR;
      body = apply(body, actor, action, updated).body;
      version++;
    }
    const h: Held = {
      id: wf.newId("rq"),
      server: { body: structuredClone(body), version },
      device: { body: structuredClone(body), version },
      pending: [],
      queuedSubmit: false,
      local: "synced",
      localCode: null,
      localReason: null,
      updated,
    };
    wf.held.push(h);
    return h;
  };
  const assoc = () => [wf.step("秘书处审核", "any", "secretary", "n-jsia")];
  const join = (name: string, i: number, extra: Partial<Make> = {}): Make => ({
    kind: "join",
    node: "n-jsia",
    applicant: { id: `p-${i}`, name },
    form: {
      category: "企业职工",
      unit_id: "n-jsia",
      company: COMPANIES[i % COMPANIES.length],
      job_title: ["技术总监", "产品经理", "总经理", "运营主管"][i % 4],
      industry: "软件和信息技术服务业",
      position: "会员",
      agreed: true,
    },
    steps: assoc(),
    sms: true,
    ago: 1,
    ...extra,
  });

  // 周文斌's to-do at 江苏省互联网协会 (seven, as the workbench counts them).
  const ccFirst = "91320105MA1Y8K3P2";
  const yunfan = make({
    kind: "org_registration",
    node: "n-jsia",
    applicant: { id: "acc-org-yf", name: "南京云帆信息技术有限公司" },
    title: "单位注册 · 南京云帆信息技术有限公司",
    form: {
      unit_name: "南京云帆信息技术有限公司",
      credit_code: ccFirst + creditCheckChar(ccFirst),
      legal_rep: "陈立军",
      legal_phone: "13912345678",
      contact: "王晓丽",
      contact_phone: "13851234567",
      user_type: "会员单位",
    },
    steps: assoc(),
    ago: 2,
  });
  wf.orgRegs.push({
    association_id: "n-jsia",
    form: yunfan.device.body.form as never,
    password: "Yunfan2026",
    account_id: "acc-org-yf",
    request_id: yunfan.id,
    submitted_at: yunfan.device.body.submitted_at!,
  });
  make(
    join("钱文涛", 1, {
      ago: 3,
      form: {
        category: "企业职工",
        unit_id: "n-jsia",
        company: "江苏数智科技有限公司",
        job_title: "技术总监",
        industry: "软件和信息技术服务业",
        position: "会员",
        referrer_name: "李强",
        referrer_phone: "13905141234",
        agreed: true,
      },
      attachments: [attach("入会申请书.pdf", "application/pdf", DEMO_PDF)],
    }),
  );
  make(join("孙佳琪", 2, { ago: 5, sms: false, form: { category: "灵活就业人员", unit_id: "n-jsia", agreed: true } }));
  make({
    kind: "position",
    node: "n-jsia",
    applicant: P.org,
    form: { unit_id: "n-jsia", position: "常务理事单位", company: "江苏测试网络科技有限公司", referrer_name: "赵立新", referrer_phone: "13770001234" },
    steps: [...assoc(), wf.step("上级会签", "all", "reviewer", "n-jsia")],
    attachments: [attach("职务申请书.png", "image/png", DEMO_PNG)],
    ago: 26,
  });
  make({
    kind: "withdrawal",
    node: "n-jsia",
    applicant: { id: "p-mjj", name: "马俊杰" },
    form: { unit_id: "n-jsia", reason: "公司业务调整，申请退出协会" },
    steps: assoc(),
    ago: 30,
  });
  make(join("林晓峰", 3, { ago: 50, form: { category: "新就业形态劳动者", unit_id: "n-jsia", company: "苏州星河网络科技有限公司", agreed: true } }));
  make(
    join("韩雪", 4, {
      ago: 75,
      then: [
        [P.he, { action: "send_back", reason: "请补充所在企业名称和职务" }, 4],
        [{ id: "p-4", name: "韩雪" }, { action: "resubmit", form: { category: "企业职工", unit_id: "n-jsia", company: "无锡博远软件有限公司", job_title: "产品经理", agreed: true }, attachments: [] }, 20],
      ],
    }),
  );
  for (let i = 0; i < extraTodo; i++) {
    make(join(NAMES[i % NAMES.length] + (i >= NAMES.length ? String(Math.floor(i / NAMES.length) + 1) : ""), 100 + i, { ago: 80 + i }));
  }

  // 周文斌's done box.
  make(join("黄志军", 5, { ago: 96, then: [[P.zhou, { action: "approve", comment: "同意入会", bill: { amount_fen: 100000, period: String(new Date().getFullYear()) } }, 3]] }));
  make(join("杨雨桐", 6, { ago: 120, then: [[P.zhou, { action: "reject", reason: "所在单位不在本会服务范围，建议加入所在地协会" }, 5]] }));
  make({
    kind: "position",
    node: "n-jsia",
    applicant: { id: "p-hjg", name: "何建国" },
    form: { unit_id: "n-jsia", position: "理事单位", company: "常州融通数据服务有限公司" },
    steps: [...assoc(), wf.step("上级会签", "all", "reviewer", "n-jsia")],
    ago: 140,
    then: [[P.zhou, { action: "send_back", reason: "请上传加盖单位公章的职务申请书" }, 6]],
  });

  // 欧阳娜娜 (member of 南京医科大学工会).
  make({
    kind: "service",
    node: "n-xawl-it",
    applicant: P.ouyang,
    title: "网站变更申请 · 欧阳娜娜",
    form: {
      service_id: "svc-web",
      values: {
        site_name: "南京医科大学工会网",
        site_url: "https://gh.njmu.edu.cn",
        change: "服务器迁移",
        detail: "原服务器到期，迁移至学校云平台，域名不变。",
        planned_on: "2026-04-15",
        phone: "13800000001",
      },
    },
    steps: [wf.step("信息中心审核", "any", "reviewer", "n-xawl-it")],
    sms: true,
    ago: 200,
    then: [[P.zheng, { action: "approve", comment: "同意，请与网络中心预约迁移时间", bill: null }, 20]],
  });
  const returned = make({
    kind: "position",
    node: "n-njmu",
    applicant: P.ouyang,
    form: { unit_id: "n-njmu", position: "工会小组长", company: "南京医科大学基础医学院" },
    steps: [wf.step("秘书处审核", "any", "secretary", "n-njmu"), wf.step("上级会签", "all", "reviewer", "n-njmu")],
    ago: 30,
    then: [[P.zhang, { action: "send_back", reason: "请上传加盖学院公章的职务申请书" }, 2]],
  });

  // 张靖's to-do (南京医科大学工会).
  make({
    kind: "join",
    node: "n-njmu",
    applicant: { id: "p-lsy", name: "刘思远" },
    form: { category: "机关事业单位职工", unit_id: "n-njmu", company: "南京医科大学第一附属医院", job_title: "主治医师", agreed: true },
    steps: [wf.step("单位工会审核", "any", "secretary", "n-njmu")],
    sms: true,
    ago: 1,
  });
  make({
    kind: "transfer",
    node: "n-njmu",
    applicant: { id: "p-cj", name: "陈静" },
    form: { category: "机关事业单位职工", to_unit_id: "n-njmu", reason: "工作调动至南京医科大学", agreed: true },
    steps: [wf.step("转出单位审核", "any", "secretary", "n-nju"), wf.step("转入单位审核", "any", "secretary", "n-njmu")],
    sms: true,
    ago: 20,
    then: [[P.li, { action: "approve", comment: "同意转出", bill: null }, 3]],
  });

  // Memberships and dues.
  const year = new Date().getFullYear();
  wf.memberships.push(
    {
      id: "ms-1",
      account_id: P.ouyang.id,
      name: P.ouyang.name,
      unit_id: "n-njmu",
      unit_name: "南京医科大学工会",
      member_type: "机关事业单位职工",
      level: null,
      title: "会员",
      joined_on: "2023-09-01",
      start_on: "2023-09-01",
      end_on: `${year}-12-31`,
      ended_on: null,
      status: "current",
      status_label: "有效",
      override_reason: null,
      history: [
        { on: "2023-09-01", what: "transferred_in", note: "由南京大学工会转入", by: "张靖" },
        { on: `${year}-01-05`, what: "renewed", note: `${year - 1}-12-31 → ${year}-12-31`, by: "张靖" },
      ],
      request_id: null,
    },
    {
      id: "ms-0",
      account_id: P.ouyang.id,
      name: P.ouyang.name,
      unit_id: "n-nju",
      unit_name: "南京大学工会",
      member_type: "机关事业单位职工",
      level: null,
      title: null,
      joined_on: "2019-07-15",
      start_on: "2019-07-15",
      end_on: null,
      ended_on: "2023-09-01",
      status: "ended",
      status_label: "已终止",
      override_reason: null,
      history: [
        { on: "2019-07-15", what: "joined", note: "经李明华审核通过", by: "李明华" },
        { on: "2023-09-01", what: "transferred_out", note: "转入南京医科大学工会", by: "张靖" },
      ],
      request_id: null,
    },
    {
      id: "ms-o1",
      account_id: P.org.id,
      name: P.org.name,
      unit_id: "n-jsia",
      unit_name: "江苏省互联网协会",
      member_type: "单位会员",
      level: "副理事长单位",
      title: null,
      joined_on: "2021-03-10",
      start_on: "2021-03-10",
      end_on: `${year}-12-31`,
      ended_on: null,
      status: "current",
      status_label: "有效",
      override_reason: null,
      history: [{ on: "2021-03-10", what: "joined", note: "单位注册经周文斌审核通过", by: "周文斌" }],
      request_id: null,
    },
  );
  const order = (id: string, who: Person, unit_id: string, unit_name: string, period: string, amount_fen: number, ago: number) => ({
    id,
    account_id: who.id,
    unit_id,
    name: who.name,
    unit_name,
    period,
    amount_fen,
    paid_fen: 0,
    status: "pending" as const,
    due_on: `${period}-${unit_id === "n-jsia" ? "03-31" : "01-31"}`,
    prorated: false,
    cancel_reason: null,
    created_at: now - ago * HOUR,
  });
  wf.dues.push(
    order("do-1", P.ouyang, "n-njmu", "南京医科大学工会", String(year), 24000, 24 * 30),
    order("do-0", P.ouyang, "n-njmu", "南京医科大学工会", String(year - 1), 24000, 24 * 400),
    order("do-o1", P.org, "n-jsia", "江苏省互联网协会", String(year), 2000000, 24 * 60),
  );

  // Inbox entries.
  const note = (to: string, title: string, text: string, request_id: string | null, hoursAgo: number, read: boolean) =>
    wf.notifications.push({ id: wf.newId("nt"), to, title, text, request_id, payment_id: null, at: now - hoursAgo * HOUR, read });
  note(P.ouyang.id, "职务申请被退回修改", "原因：请上传加盖学院公章的职务申请书。请修改后重新提交。", returned.id, 28, false);
  note(P.ouyang.id, "办事大厅已通过", "您提交的“网站变更申请 · 欧阳娜娜”已审核通过。", wf.held.find((h) => h.device.body.kind === "service")!.id, 180, true);
  note(P.zhou.id, "新的待办：单位注册 · 南京云帆信息技术有限公司", "南京云帆信息技术有限公司提交了单位注册，请及时审核。", yunfan.id, 2, false);
}

/** Membership records of the association's roster (会籍管理 in mock mode): most current,
 * some in their grace period, expired, starting next year or ended, each with its history. */
export function seedRosterMemberships(wf: FakeWorkflow, members: FakeMember[]): void {
  const now = Date.now();
  const year = new Date(now).getFullYear();
  const date = (ms: number) => {
    const d = new Date(ms);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  };
  members.forEach((m, i) => {
    if (!m.account_id || wf.memberships.some((x) => x.account_id === m.account_id)) return;
    const unit = wf.units.find((u) => u.name === m.unit_name);
    if (!unit) return;
    const joined = date(m.joined_at);
    const kind = i % 10 < 6 ? "current" : (["grace", "expired", "pending", "ended"] as const)[(i % 10) - 6];
    const start = kind === "pending" ? `${year + 1}-01-01` : joined;
    const end =
      kind === "grace"
        ? date(now - 15 * 86_400_000)
        : kind === "expired"
          ? `${year - 2}-12-31`
          : kind === "pending"
            ? `${year + 1}-12-31`
            : kind === "ended"
              ? null
              : `${year}-12-31`;
    const history: HistoryEntry[] = [{ on: start, what: "joined", note: `经${P.zhou.name}审核通过`, by: P.zhou.name }];
    if (kind === "current" && joined < `${year}-01-01`) {
      history.push({ on: `${year}-01-06`, what: "renewed", note: `${year - 1}-12-31 → ${year}-12-31`, by: P.he.name });
    }
    if (kind === "ended") history.push({ on: `${year - 1}-06-30`, what: "withdrawn", note: "单位注销", by: P.zhou.name });
    wf.memberships.push({
      id: `ms-r${i + 1}`,
      account_id: m.account_id,
      name: m.name,
      unit_id: unit.id,
      unit_name: unit.name,
      member_type: m.category ?? "个人会员",
      level: m.level,
      title: null,
      joined_on: start,
      start_on: start,
      end_on: end,
      ended_on: kind === "ended" ? `${year - 1}-06-30` : null,
      status: kind,
      status_label: ({ current: "有效", grace: "宽限期", expired: "已过期", pending: "待生效", ended: "已终止" } as const)[kind],
      override_reason: null,
      history,
      request_id: null,
    });
  });
}
