// The member's dues strings (会费, 线上缴费, 线下缴费, 支付记录), zh-CN first and English
// second; i18n.ts merges them in.

export const duesZh = {
  "dues.nav": "会费",
  "dues.err.proofEmpty": "请选择凭证图片",
  "dues.err.proofNotImage": "凭证必须是JPEG、PNG或WebP格式的图片",
  "dues.err.proofTooLarge": "凭证图片不能超过10MB",
  "dues.proof.open": "查看凭证大图",
  "dues.proof.alt": "缴费凭证",
  "dues.proof.close": "关闭",
} as const;

export const duesEn: Record<keyof typeof duesZh, string> = {
  "dues.nav": "Dues",
  "dues.err.proofEmpty": "Choose a proof image",
  "dues.err.proofNotImage": "The proof must be a JPEG, PNG or WebP image",
  "dues.err.proofTooLarge": "The proof image must be at most 10 MB",
  "dues.proof.open": "View the proof full size",
  "dues.proof.alt": "Payment proof",
  "dues.proof.close": "Close",
};
