//! What the showcases show (会员风采, 企业风采; seed 004 §六): a member's open information
//! only. The private fields — phone, WeChat, ID number, height, weight — are not in the
//! views at all, so no page built from them can leak one.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::content::{CompanyShowcaseForm, MemberShowcaseForm};

/// Everything the system holds about a member that a showcase could draw on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberProfile {
    pub account_id: Uuid,
    pub name: Option<String>,
    pub gender: Option<String>,
    pub hometown: Option<String>,
    pub education: Option<String>,
    /// 职务 in the association.
    pub position: Option<String>,
    pub company: Option<String>,
    pub industry: Option<String>,
    pub unit_name: Option<String>,
    // Private: never shown.
    pub phone: Option<String>,
    pub wechat: Option<String>,
    pub id_number: Option<String>,
    pub height_cm: Option<u16>,
    pub weight_kg: Option<u16>,
}

/// A member's showcase as other members see it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberShowcaseView {
    pub account_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub gender: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub hometown: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub education: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub position: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub industry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub unit_name: Option<String>,
    /// The approved introduction and photos, when the member wrote some.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub intro: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<Uuid>>", optional))]
    pub photos: Vec<Uuid>,
    /// Their companies on show.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<CompanyShowcaseForm>>", optional))]
    pub companies: Vec<CompanyShowcaseForm>,
}

/// The showcase of a member: their open fields, the approved introduction (if shown) and
/// the approved companies on the shelf.
pub fn member_view(
    p: &MemberProfile,
    intro: Option<&MemberShowcaseForm>,
    companies: &[CompanyShowcaseForm],
) -> MemberShowcaseView {
    MemberShowcaseView {
        account_id: p.account_id,
        name: p.name.clone(),
        gender: p.gender.clone(),
        hometown: p.hometown.clone(),
        education: p.education.clone(),
        position: p.position.clone(),
        company: p.company.clone(),
        industry: p.industry.clone(),
        unit_name: p.unit_name.clone(),
        intro: intro.map(|i| i.intro.clone()),
        photos: intro.map(|i| i.photos.clone()).unwrap_or_default(),
        companies: companies.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_fields_never_reach_the_showcase() {
        let p = MemberProfile {
            account_id: Uuid::from_u128(7),
            name: Some("陈之谦".into()),
            gender: Some("男".into()),
            hometown: Some("广东清远".into()),
            education: Some("本科".into()),
            position: Some("副会长".into()),
            company: Some("清远网博信息技术有限公司".into()),
            industry: Some("信息技术".into()),
            unit_name: Some("清远市软件行业协会".into()),
            phone: Some("13800001234".into()),
            wechat: Some("chenzq_wb".into()),
            id_number: Some("441802199001011234".into()),
            height_cm: Some(178),
            weight_kg: Some(71),
        };
        let company = CompanyShowcaseForm {
            name: "清远网博信息技术有限公司".into(),
            industry: Some("信息技术".into()),
            intro: Some("微信小程序、公众号、H5开发".into()),
            address: None,
            website: None,
            logo: None,
        };
        let intro = MemberShowcaseForm {
            intro: "十年品牌设计经验".into(),
            photos: vec![],
        };
        let v = member_view(&p, Some(&intro), &[company]);
        let json = serde_json::to_string(&v).unwrap();
        for private in [
            "13800001234",
            "chenzq_wb",
            "441802199001011234",
            "178",
            "71",
        ] {
            assert!(!json.contains(private), "{private} leaked: {json}");
        }
        for open in [
            "陈之谦",
            "广东清远",
            "副会长",
            "十年品牌设计经验",
            "微信小程序",
        ] {
            assert!(json.contains(open), "{open} missing: {json}");
        }
        // Nothing approved yet: no introduction, the open fields still.
        let bare = member_view(&p, None, &[]);
        assert_eq!(bare.intro, None);
        assert!(bare.companies.is_empty());
        assert_eq!(bare.name.as_deref(), Some("陈之谦"));
    }
}
