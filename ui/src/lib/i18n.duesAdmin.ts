// The secretary's dues strings (缴费管理: 待确认, 台账, 欠费, 会费标准), zh-CN first and
// English second; i18n.ts merges them in.

export const duesAdminZh = {
  "duesAdmin.nav": "缴费管理",
} as const;

export const duesAdminEn: Record<keyof typeof duesAdminZh, string> = {
  "duesAdmin.nav": "Dues",
};
