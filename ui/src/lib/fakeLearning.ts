// The learning platform in the in-memory backend: the demo course, enrolment (free for
// members, an order otherwise — paid here by a test hook), and the server's way of
// counting reading time (community::learning::ReadState: only while open and visible, at
// most 30 s between reports, on the backend's clock), the pass score and a certificate.

import type { AppError, Course, CourseDetail, CourseSummary, EnrolmentView, ReadSignal } from "./bindings";

const err = (code: string, message: string): AppError => ({ code, message });
export const MAX_GAP_MS = 30_000;

type State = { at: number | null; open: boolean; visible: boolean };
type Lesson = { title: string; body: string; min_read_secs: number; credits: number };
type FakeCourse = {
  id: string;
  published: boolean;
  enrol_from?: number | null;
  enrol_until?: number | null;
  learn_from?: number | null;
  learn_until?: number | null;
  unit_name: string;
  title: string;
  intro: string;
  member_price_fen: number;
  non_member_price_fen: number;
  pass_score: number;
  certificate_title: string;
  lessons: Lesson[];
};
type Enrolment = {
  id: string;
  member: boolean;
  price_fen: number;
  active: boolean;
  order_id?: string;
  read_ms: number[];
  states: State[];
  certificate_no?: string;
  passed_at?: number;
};

/** One report: the time it earns, and the page's new state (as ReadState::report). */
export function report(st: State, at: number, sig: ReadSignal): number {
  let earned = 0;
  if (st.at !== null) {
    if (at < st.at) return 0;
    if (st.open && st.visible) earned = Math.min(at - st.at, MAX_GAP_MS);
  }
  st.at = at;
  if (sig === "open") [st.open, st.visible] = [true, true];
  else if (sig === "visible") st.visible = st.open;
  else if (sig === "hidden") st.visible = false;
  else if (sig === "close") [st.open, st.visible] = [false, false];
  return earned;
}

export class FakeLearning {
  courses: FakeCourse[] = [
    {
      id: "0195a0c1-0000-7000-8000-00000000c0c1",
      published: true,
      unit_name: "南京医科大学工会",
      title: "职工心理健康基础",
      intro: "了解压力的来源，学会三种简单的自我调节方法。会员免费，非会员99元。",
      member_price_fen: 0,
      non_member_price_fen: 9_900,
      pass_score: 20,
      certificate_title: "职工心理健康基础结业证书",
      lessons: [
        { title: "认识工作压力", body: "压力本身并不是坏事。\n\n常见的压力来源有：工作量、人际关系。", min_read_secs: 20, credits: 10 },
        { title: "三种自我调节方法", body: "一、腹式呼吸。\n\n二、肌肉放松。\n\n三、记录与复盘。", min_read_secs: 30, credits: 10 },
        { title: "何时寻求帮助", body: "如果连续两周以上情绪低落，请及时联系工会。", min_read_secs: 30, credits: 10 },
      ],
    },
  ];
  enrolments = new Map<string, Enrolment>();

  constructor(private me: () => { id: string; member: boolean; manage: boolean; unit: string }) {}

  private key(course: string) {
    return `${this.me().id}:${course}`;
  }

  private course(id: string): FakeCourse {
    const c = this.courses.find((x) => x.id === id);
    if (!c) throw err("CourseNotFound", "课程不存在或尚未发布");
    return c;
  }

  private view(c: FakeCourse, e: Enrolment): EnrolmentView {
    const done = c.lessons.map((l, i) => e.read_ms[i] >= l.min_read_secs * 1000);
    const score = c.lessons.reduce((s, l, i) => s + (done[i] ? l.credits : 0), 0);
    return {
      id: e.id,
      active: e.active,
      member: e.member,
      price_fen: e.price_fen,
      order_id: e.order_id,
      read_secs: e.read_ms.map((ms) => Math.floor(ms / 1000)),
      done,
      percent: Math.floor((done.filter(Boolean).length * 100) / c.lessons.length),
      score,
      passed: score >= c.pass_score,
      passed_at: e.passed_at,
      certificate_no: e.certificate_no,
    };
  }

  private summary(c: FakeCourse): CourseSummary {
    const e = this.enrolments.get(this.key(c.id));
    const member = e?.member ?? this.me().member;
    return {
      id: c.id,
      node_id: "0195a0c1-0000-7000-8000-0000000000b1",
      unit_name: c.unit_name,
      title: c.title,
      intro: c.intro,
      member_price_fen: c.member_price_fen,
      non_member_price_fen: c.non_member_price_fen,
      my_price_fen: e?.price_fen ?? (member ? c.member_price_fen : c.non_member_price_fen),
      lessons: c.lessons.length,
      total_credits: c.lessons.reduce((s, l) => s + l.credits, 0),
      pass_score: c.pass_score,
      certificate_title: c.certificate_title,
      enrol_from: c.enrol_from ?? undefined,
      enrol_until: c.enrol_until ?? undefined,
      learn_from: c.learn_from ?? undefined,
      learn_until: c.learn_until ?? undefined,
      published: c.published,
      manage: this.me().manage,
      enrolment: e ? this.view(c, e) : undefined,
    };
  }

  list(): CourseSummary[] {
    return this.courses.filter((c) => c.published || this.me().manage).map((c) => this.summary(c));
  }

  /** A secretary's new course or edit (the domain's validate_course checks). */
  save(id: string | null, course: Course): CourseDetail {
    if (!this.me().manage) throw err("Forbidden", "没有权限");
    const blank = (x: string) => !x.trim();
    if (blank(course.title) || blank(course.certificate_title) || course.lessons.length === 0 || course.lessons.some((l) => blank(l.title)))
      throw err("CourseInvalid", "课程信息不完整：请填写课程名称、结业证书名称，至少一节课，价格不能为负");
    if (course.pass_score > course.lessons.reduce((s, l) => s + l.credits, 0))
      throw err("CoursePassScoreUnreachable", "达标分数高于全部课时学分之和，学员无法结业");
    const c: FakeCourse = {
      id: id ?? `course-${this.courses.length + 1}`,
      published: id ? this.course(id).published : false,
      unit_name: this.me().unit,
      title: course.title.trim(),
      intro: course.intro ?? "",
      member_price_fen: course.member_price_fen,
      non_member_price_fen: course.non_member_price_fen,
      enrol_from: course.enrol_from,
      enrol_until: course.enrol_until,
      learn_from: course.learn_from,
      learn_until: course.learn_until,
      pass_score: course.pass_score,
      certificate_title: course.certificate_title.trim(),
      lessons: course.lessons.map((l) => ({ title: l.title.trim(), body: l.body, min_read_secs: l.min_read_secs, credits: l.credits })),
    };
    this.courses = id ? this.courses.map((x) => (x.id === id ? c : x)) : [c, ...this.courses];
    return this.detail(c.id);
  }

  publish(id: string, on: boolean): CourseDetail {
    if (!this.me().manage) throw err("Forbidden", "没有权限");
    this.course(id).published = on;
    return this.detail(id);
  }

  detail(id: string): CourseDetail {
    const c = this.course(id);
    const open = this.me().manage || (this.enrolments.get(this.key(id))?.active ?? false);
    return {
      summary: this.summary(c),
      lessons: c.lessons.map((l) => ({
        title: l.title,
        min_read_secs: l.min_read_secs,
        credits: l.credits,
        body: open ? l.body : undefined,
      })),
    };
  }

  enrol(id: string): CourseDetail {
    const c = this.course(id);
    if (!this.enrolments.has(this.key(id))) {
      const member = this.me().member;
      const price = member ? c.member_price_fen : c.non_member_price_fen;
      this.enrolments.set(this.key(id), {
        id: `enrol-${this.enrolments.size + 1}`,
        member,
        price_fen: price,
        active: price === 0,
        order_id: price > 0 ? `order-course-${id}` : undefined,
        read_ms: c.lessons.map(() => 0),
        states: c.lessons.map(() => ({ at: null, open: false, visible: false })),
      });
    }
    return this.detail(id);
  }

  /** The order was paid (a test hook standing in for 缴费). */
  pay(id: string): void {
    const e = this.enrolments.get(this.key(id));
    if (e) e.active = true;
  }

  read(id: string, lesson: number, sig: ReadSignal, now = Date.now()): EnrolmentView {
    const c = this.course(id);
    if (lesson >= c.lessons.length) throw err("LessonNotFound", "该课时不存在");
    const e = this.enrolments.get(this.key(id));
    if (!e) throw err("CourseNotEnrolled", "请先报名该课程");
    if (!e.active) throw err("CourseNotPaid", "请先缴纳课程费用，缴费后即可开始学习");
    e.read_ms[lesson] += report(e.states[lesson], now, sig);
    const v = this.view(c, e);
    if (v.passed && !e.certificate_no) {
      e.certificate_no = "HJ20261204A1B2C3D4E5F6";
      e.passed_at = now;
    }
    return this.view(c, e);
  }

  certificate(id: string): { path: string; name: string; size: number } {
    const c = this.course(id);
    const e = this.enrolments.get(this.key(id));
    if (!e?.certificate_no) throw err("CourseNotPassed", "尚未达到结业分数，暂不能下载结业证书");
    const name = `${c.certificate_title}.pdf`;
    return { path: `/home/user/Downloads/${name}`, name, size: 2048 };
  }
}
