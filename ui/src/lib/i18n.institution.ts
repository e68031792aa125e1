// 在校师生 (seed 003, 西安文理学院 一站式网上办事大厅): the login tab, the 绑定手机号 step
// and the profile's binding card, zh-CN first and English second; i18n.ts merges them in.

export const institutionZh = {
  "login.tab.inst": "在校师生",
  "inst.institution": "学校",
  "inst.institution.loading": "正在加载学校列表…",
  "inst.institution.none": "暂无开通工号/学号登录的学校",
  "inst.institution.retry": "重新加载",
  "inst.number": "用户名（工号/学号）",
  "inst.number.placeholder": "教师填工号，学生填学号",
  "inst.password": "密码",
  "inst.password.placeholder": "统一身份认证密码",
  "inst.hint":
    "用户名及密码为学校统一身份认证平台的用户名（教师为工号，学生为学号）及密码，初始密码为身份证号后8位。",
  "inst.err.number": "请输入工号/学号",
  "inst.err.password": "请输入密码",
  "inst.err.institution": "请选择学校",

  "inst.bind.title": "绑定手机号",
  "inst.bind.who": "{name}（{label}{number}）首次登录{institution}，请绑定手机号。",
  "inst.bind.note": "注：此处手机号务必为本人手机号。绑定后也可用该手机号登录。",
  "inst.bind.expires": "请在 {time} 前完成绑定，超时需重新登录。",
  "inst.bind.submit": "绑定并登录",
  "inst.bind.submitting": "正在绑定…",
  "inst.bind.back": "返回重新登录",
  "inst.err.phone": "请输入手机号",
  "inst.err.code": "请输入短信验证码",
  "inst.label.staff": "工号",
  "inst.label.student": "学号",

  "inst.card.title": "校园身份",
  "inst.card.boundAt": "绑定于 {date}",
  "inst.card.retired": "已停用",
  "inst.card.retiredHint": "该{label}已停用。如已换用新{label}，请解除绑定后用新的{label}登录并绑定手机号。",
  "inst.unbind": "解除绑定",
  "inst.unbind.confirm":
    "解除后将不能再用{label} {number} 登录本账号，并退出{institution}的会员身份。如因更换学号（预科生转本科、本科生读研）需要重新绑定，请解绑后用新的学号登录并绑定手机号。确定解除绑定吗？",
  "inst.unbind.yes": "确定解除",
  "inst.unbind.cancel": "取消",
  "inst.unbind.busy": "正在解除…",
  "inst.unbind.done": "已解除绑定{label} {number}。",
} as const;

export const institutionEn: Record<keyof typeof institutionZh, string> = {
  "login.tab.inst": "Staff & students",
  "inst.institution": "Institution",
  "inst.institution.loading": "Loading institutions…",
  "inst.institution.none": "No institution offers staff or student number login yet",
  "inst.institution.retry": "Reload",
  "inst.number": "User name (staff or student number)",
  "inst.number.placeholder": "Teachers: staff number; students: student number",
  "inst.password": "Password",
  "inst.password.placeholder": "Password of the school's unified login",
  "inst.hint":
    "Use the user name and password of the school's unified identity platform (teachers: staff number, students: student number). The initial password is the last 8 characters of your ID number.",
  "inst.err.number": "Enter your staff or student number",
  "inst.err.password": "Enter the password",
  "inst.err.institution": "Choose the institution",

  "inst.bind.title": "Bind a phone number",
  "inst.bind.who": "{name} ({label} {number}) is logging in to {institution} for the first time: bind a phone number.",
  "inst.bind.note": "Note: the phone number must be your own. You can log in with it afterwards too.",
  "inst.bind.expires": "Finish before {time}, or log in again.",
  "inst.bind.submit": "Bind and log in",
  "inst.bind.submitting": "Binding…",
  "inst.bind.back": "Back to log in",
  "inst.err.phone": "Enter your phone number",
  "inst.err.code": "Enter the SMS code",
  "inst.label.staff": "staff number",
  "inst.label.student": "student number",

  "inst.card.title": "Campus identity",
  "inst.card.boundAt": "Bound on {date}",
  "inst.card.retired": "Retired",
  "inst.card.retiredHint": "This {label} is no longer in use. If you have a new one, unbind this and log in with the new {label} to bind your phone.",
  "inst.unbind": "Unbind",
  "inst.unbind.confirm":
    "You will no longer log in to this account with {label} {number}, and your membership of {institution} ends. If your number changed (e.g. you went on to graduate study), unbind, then log in with the new number and bind your phone. Unbind now?",
  "inst.unbind.yes": "Unbind",
  "inst.unbind.cancel": "Cancel",
  "inst.unbind.busy": "Unbinding…",
  "inst.unbind.done": "{label} {number} unbound.",
};
