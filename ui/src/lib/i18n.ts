// Every string the UI shows, zh-CN first and English second. Components read them through
// the `t` store: `$t("login.submit")`, `$t("sync.pending", { n: 3 })`.
// Messages that come from the backend (AppError.message, FieldIssue.message) are shown as
// they arrive: Rust words them.

import { derived, get, writable } from "svelte/store";
import type { Role } from "./bindings";

export type Locale = "zh-CN" | "en";
export const LOCALES: readonly Locale[] = ["zh-CN", "en"];

const zh = {
  "app.name": "会籍",
  "app.tagline": "会员服务与检查站核验平台",
  "app.loading": "正在加载…",
  "app.bootError": "无法读取应用信息",
  "app.noBackend":
    "请在会籍应用中打开此页面。浏览器预览请在地址后加 ?mock=login、member、secretary 或 scanner。",

  "common.retry": "重试",
  "common.loading": "加载中…",
  "common.loadError": "加载失败",

  "lang.label": "语言",
  "lang.zh-CN": "中文",
  "lang.en": "English",

  "server.label": "服务器地址",
  "server.placeholder": "https://",
  "server.save": "保存",
  "server.reset": "恢复默认",
  "server.saved": "服务器地址已保存",
  "server.toggle": "服务器设置",

  "login.title": "登录 / 注册",
  "login.subtitle": "未注册的手机号验证后将自动注册",
  "login.tab.sms": "手机验证码登录",
  "login.tab.password": "密码登录",
  "login.tab.org": "单位登录",
  "login.phone": "手机号",
  "login.phone.placeholder": "请输入手机号",
  "login.code": "验证码",
  "login.code.placeholder": "请输入短信验证码",
  "login.sendCode": "获取验证码",
  "login.sending": "发送中…",
  "login.resend": "{n} 秒后重新获取",
  "login.codeSent": "验证码已发送，请查收短信",
  "login.devCode": "开发模式验证码：{code}",
  "login.password": "密码",
  "login.password.placeholder": "请输入密码",
  "login.creditCode": "统一社会信用代码",
  "login.creditCode.placeholder": "请输入 18 位统一社会信用代码",
  "login.orgHint": "单位账号经管理员审核通过后方可登录",
  "login.submit": "登录",
  "login.submitting": "正在登录…",

  "setup.title": "实名认证",
  "setup.intro": "首次登录请填写真实姓名和身份证号，完成实名认证后即可使用。",
  "setup.realName": "真实姓名",
  "setup.realName.placeholder": "请输入真实姓名",
  "setup.idNumber": "身份证号",
  "setup.idNumber.placeholder": "请输入 18 位居民身份证号码",
  "setup.privacy": "身份证号仅用于实名核验，在列表和页面中均脱敏显示。",
  "setup.submit": "提交认证",
  "setup.submitting": "正在提交…",
  "setup.switchAccount": "换个账号登录",

  "sync.online": "在线",
  "sync.offline": "离线",
  "sync.pending": "待上传 {n}",
  "sync.lastSync": "上次同步 {time}",
  "sync.never": "从未同步",
  "sync.now": "立即同步",
  "sync.syncing": "同步中…",
  "sync.offlineMode": "离线模式：显示本机数据",
  "sync.conflicts": "冲突 {n}",
  "sync.rejected": "被拒 {n}",
  "sync.failed": "同步失败",
  "sync.progress": "同步进度",

  "nav.home": "首页",
  "nav.profile": "个人中心",
  "nav.workbench": "会员管理",
  "nav.scan": "扫码",
  "nav.main": "主导航",

  "member.greeting": "您好，{name}",
  "member.greetingAnon": "您好",
  "member.memberships": "我的会籍",
  "member.noMemberships": "暂未加入任何组织",
  "member.category": "类别",
  "member.level": "等级",
  "member.title": "职务",
  "member.codes": "我的码",
  "member.noCodes": "暂无可用的码",
  "member.codesHint": "健康码、电子会员证和活动门票将在凭证签发后显示在这里",
  "member.notices": "通知公告",
  "member.noNotices": "暂无通知公告",

  "secretary.scope": "管理范围",
  "secretary.memberCount": "会员总数",
  "secretary.pending": "待审核",
  "secretary.units": "下属单位",
  "secretary.unitsTitle": "各单位会员",
  "secretary.unitMembers": "{n} 人",
  "secretary.noUnits": "暂无下属单位",
  "secretary.notices": "通知公告",
  "secretary.noNotices": "暂无通知公告",
  "secretary.roster": "会员名册",
  "secretary.search": "搜索会员",
  "secretary.search.placeholder": "姓名、拼音、手机尾号或信用代码",
  "secretary.sort": "排序",
  "secretary.sort.name": "按姓名",
  "secretary.sort.unit": "按单位",
  "secretary.sort.recent": "最近加入",
  "secretary.asc": "升序",
  "secretary.desc": "降序",
  "secretary.col.name": "姓名",
  "secretary.col.unit": "单位",
  "secretary.col.phone": "手机号",
  "secretary.col.idNumber": "身份证号",
  "secretary.col.category": "类别",
  "secretary.col.levelOrCode": "等级/信用代码",
  "secretary.total": "共 {n} 条",
  "secretary.pageOf": "第 {page} / {pages} 页",
  "secretary.prev": "上一页",
  "secretary.next": "下一页",
  "secretary.noResults": "没有找到匹配的会员",
  "secretary.noMembers": "暂无会员",

  "scanner.site": "当前站点",
  "scanner.scan": "扫码",
  "scanner.waiting": "等待扫码…",
  "scanner.idle": "点击“扫码”后使用扫码枪扫描",
  "scanner.input": "扫码内容",
  "scanner.input.placeholder": "扫码枪输入将显示在这里，按回车确认",
  "scanner.today": "今日扫码",
  "scanner.turnedBack": "今日劝返",
  "scanner.lastScan": "最近一次扫码 {time}",
  "scanner.recent": "最近扫码",
  "scanner.noRecent": "暂无扫码记录",

  "profile.title": "个人中心",
  "profile.unnamed": "未实名",
  "profile.kind.person": "个人账号",
  "profile.kind.organisation": "单位账号",
  "profile.phone": "手机号",
  "profile.idNumber": "身份证号",
  "profile.orgName": "单位名称",
  "profile.creditCode": "统一社会信用代码",
  "profile.grants": "我的角色",
  "profile.noGrants": "暂无角色",
  "profile.wholePlatform": "全平台",
  "profile.settings": "设置",
  "profile.language": "语言",
  "profile.server": "服务器",
  "profile.version": "版本",
  "profile.logout": "退出登录",
  "profile.loggingOut": "正在退出…",

  "role.member": "会员",
  "role.secretary": "秘书",
  "role.reviewer": "审核员",
  "role.site_manager": "站点管理员",
  "role.scanner": "扫码员",
  "role.health_authority": "卫健部门",
  "role.system_admin": "系统管理员",
} as const;

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  "app.name": "Huiji",
  "app.tagline": "Membership services and checkpoint verification",
  "app.loading": "Loading…",
  "app.bootError": "Could not read the app information",
  "app.noBackend":
    "Open this page inside the Huiji app. For a browser preview add ?mock=login, member, secretary or scanner to the address.",

  "common.retry": "Retry",
  "common.loading": "Loading…",
  "common.loadError": "Could not load",

  "lang.label": "Language",
  "lang.zh-CN": "中文",
  "lang.en": "English",

  "server.label": "Server address",
  "server.placeholder": "https://",
  "server.save": "Save",
  "server.reset": "Reset to default",
  "server.saved": "Server address saved",
  "server.toggle": "Server settings",

  "login.title": "Log in / Register",
  "login.subtitle": "A new phone number is registered once it is verified",
  "login.tab.sms": "SMS code",
  "login.tab.password": "Password",
  "login.tab.org": "Organisation",
  "login.phone": "Phone number",
  "login.phone.placeholder": "Enter your phone number",
  "login.code": "Code",
  "login.code.placeholder": "Enter the SMS code",
  "login.sendCode": "Get code",
  "login.sending": "Sending…",
  "login.resend": "Resend in {n}s",
  "login.codeSent": "Code sent, please check your messages",
  "login.devCode": "Development code: {code}",
  "login.password": "Password",
  "login.password.placeholder": "Enter your password",
  "login.creditCode": "Unified social credit code",
  "login.creditCode.placeholder": "Enter the 18-character credit code",
  "login.orgHint": "Organisation accounts can log in once an administrator has approved them",
  "login.submit": "Log in",
  "login.submitting": "Logging in…",

  "setup.title": "Identity verification",
  "setup.intro": "On your first login, enter your real name and ID number to verify your identity.",
  "setup.realName": "Real name",
  "setup.realName.placeholder": "Enter your real name",
  "setup.idNumber": "ID number",
  "setup.idNumber.placeholder": "Enter your 18-digit resident ID number",
  "setup.privacy": "Your ID number is used only for verification and is always shown masked.",
  "setup.submit": "Verify",
  "setup.submitting": "Submitting…",
  "setup.switchAccount": "Use another account",

  "sync.online": "Online",
  "sync.offline": "Offline",
  "sync.pending": "{n} to upload",
  "sync.lastSync": "Last sync {time}",
  "sync.never": "Never synced",
  "sync.now": "Sync now",
  "sync.syncing": "Syncing…",
  "sync.offlineMode": "Offline mode: showing data on this device",
  "sync.conflicts": "{n} conflicts",
  "sync.rejected": "{n} rejected",
  "sync.failed": "Sync failed",
  "sync.progress": "Sync progress",

  "nav.home": "Home",
  "nav.profile": "Me",
  "nav.workbench": "Members",
  "nav.scan": "Scan",
  "nav.main": "Main navigation",

  "member.greeting": "Hello, {name}",
  "member.greetingAnon": "Hello",
  "member.memberships": "My memberships",
  "member.noMemberships": "Not a member of any organisation yet",
  "member.category": "Category",
  "member.level": "Level",
  "member.title": "Position",
  "member.codes": "My codes",
  "member.noCodes": "No codes available",
  "member.codesHint": "Health codes, member cards and event tickets appear here once they are issued",
  "member.notices": "Notices",
  "member.noNotices": "No notices",

  "secretary.scope": "Scope",
  "secretary.memberCount": "Members",
  "secretary.pending": "Pending reviews",
  "secretary.units": "Units",
  "secretary.unitsTitle": "Members by unit",
  "secretary.unitMembers": "{n}",
  "secretary.noUnits": "No units",
  "secretary.notices": "Notices",
  "secretary.noNotices": "No notices",
  "secretary.roster": "Member roster",
  "secretary.search": "Search members",
  "secretary.search.placeholder": "Name, pinyin, phone suffix or credit code",
  "secretary.sort": "Sort",
  "secretary.sort.name": "By name",
  "secretary.sort.unit": "By unit",
  "secretary.sort.recent": "Recently joined",
  "secretary.asc": "Ascending",
  "secretary.desc": "Descending",
  "secretary.col.name": "Name",
  "secretary.col.unit": "Unit",
  "secretary.col.phone": "Phone",
  "secretary.col.idNumber": "ID number",
  "secretary.col.category": "Category",
  "secretary.col.levelOrCode": "Level / credit code",
  "secretary.total": "{n} in total",
  "secretary.pageOf": "Page {page} of {pages}",
  "secretary.prev": "Previous",
  "secretary.next": "Next",
  "secretary.noResults": "No matching members",
  "secretary.noMembers": "No members yet",

  "scanner.site": "Current site",
  "scanner.scan": "Scan",
  "scanner.waiting": "Waiting for a scan…",
  "scanner.idle": "Tap “Scan”, then use the barcode scanner",
  "scanner.input": "Scanned text",
  "scanner.input.placeholder": "Scanner input appears here; press Enter to confirm",
  "scanner.today": "Scans today",
  "scanner.turnedBack": "Turned back today",
  "scanner.lastScan": "Last scan {time}",
  "scanner.recent": "Recent scans",
  "scanner.noRecent": "No scans yet",

  "profile.title": "Me",
  "profile.unnamed": "Not verified",
  "profile.kind.person": "Personal account",
  "profile.kind.organisation": "Organisation account",
  "profile.phone": "Phone",
  "profile.idNumber": "ID number",
  "profile.orgName": "Organisation",
  "profile.creditCode": "Unified social credit code",
  "profile.grants": "My roles",
  "profile.noGrants": "No roles",
  "profile.wholePlatform": "Whole platform",
  "profile.settings": "Settings",
  "profile.language": "Language",
  "profile.server": "Server",
  "profile.version": "Version",
  "profile.logout": "Log out",
  "profile.loggingOut": "Logging out…",

  "role.member": "Member",
  "role.secretary": "Secretary",
  "role.reviewer": "Reviewer",
  "role.site_manager": "Site manager",
  "role.scanner": "Scanner",
  "role.health_authority": "Health authority",
  "role.system_admin": "System administrator",
};

export const dictionaries: Record<Locale, Record<MessageKey, string>> = { "zh-CN": zh, en };

/** The backend's locale string as one the UI has: anything English is "en", else zh-CN. */
export function normalizeLocale(s: string | null | undefined): Locale {
  return s && s.toLowerCase().startsWith("en") ? "en" : "zh-CN";
}

export type Vars = Record<string, string | number>;

export function translate(loc: Locale, key: MessageKey, vars?: Vars): string {
  const text = dictionaries[loc][key] ?? zh[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) =>
    name in vars ? String(vars[name]) : m,
  );
}

export const locale = writable<Locale>("zh-CN");

locale.subscribe((l) => {
  if (typeof document !== "undefined") document.documentElement.lang = l;
});

export const t = derived(locale, (l) => (key: MessageKey, vars?: Vars) => translate(l, key, vars));

export function setLocale(l: Locale): void {
  locale.set(l);
}

export function currentLocale(): Locale {
  return get(locale);
}

export function roleKey(role: Role): MessageKey {
  return `role.${role}`;
}
