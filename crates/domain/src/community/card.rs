//! The electronic business card (电子名片, seed 004 §五): the member picks a layout (where
//! the text sits) and a background, ticks the fields to show, and may word any text field
//! themselves instead of the data the system holds. The public page (no login) shows
//! exactly [`view`]: the ticked fields, nothing else.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::tidy;
use crate::error::{DomainError, Result};

/// 版式: where the text sits.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// Name and title on the left, contacts below.
    #[default]
    Classic,
    /// Everything centred.
    Centered,
    /// Name on a band at the top, details in two columns.
    Banner,
}

impl Layout {
    pub const ALL: [Layout; 3] = [Layout::Classic, Layout::Centered, Layout::Banner];
    pub fn label_zh(self) -> &'static str {
        match self {
            Layout::Classic => "经典",
            Layout::Centered => "居中",
            Layout::Banner => "横幅",
        }
    }
}

/// 背景: one of the app's background pictures.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Background {
    #[default]
    Azure,
    Crimson,
    Ink,
    Gold,
    Plain,
}

impl Background {
    pub const ALL: [Background; 5] = [
        Background::Azure,
        Background::Crimson,
        Background::Ink,
        Background::Gold,
        Background::Plain,
    ];
    pub fn label_zh(self) -> &'static str {
        match self {
            Background::Azure => "湖蓝",
            Background::Crimson => "中国红",
            Background::Ink => "水墨",
            Background::Gold => "鎏金",
            Background::Plain => "素白",
        }
    }
}

/// A field the card may show.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardField {
    Name,
    /// 职务.
    Title,
    Company,
    Phone,
    Wechat,
    /// 我的供应: the member's supply listings on the shelf.
    Products,
    /// The member's approved honour certificates.
    Certificates,
}

impl CardField {
    pub const ALL: [CardField; 7] = [
        CardField::Name,
        CardField::Title,
        CardField::Company,
        CardField::Phone,
        CardField::Wechat,
        CardField::Products,
        CardField::Certificates,
    ];

    /// A field with text the member may word themselves.
    pub fn is_text(self) -> bool {
        !matches!(self, CardField::Products | CardField::Certificates)
    }

    fn max_len(self) -> usize {
        match self {
            CardField::Name => 30,
            CardField::Phone => 20,
            CardField::Wechat => 40,
            _ => 60,
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            CardField::Name => "姓名",
            CardField::Title => "职务",
            CardField::Company => "企业",
            CardField::Phone => "手机",
            CardField::Wechat => "微信",
            CardField::Products => "我的供应",
            CardField::Certificates => "荣誉证书",
        }
    }
}

/// The member's choices (the body of their card record).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardSettings {
    #[serde(default)]
    pub layout: Layout,
    #[serde(default)]
    pub background: Background,
    /// The fields shown (选中即为对外展示).
    pub fields: Vec<CardField>,
    /// The member's own wording of text fields, instead of the system's data.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub overrides: BTreeMap<CardField, String>,
}

impl Default for CardSettings {
    /// A new card: name, title and company shown; the phone only once the member ticks it.
    fn default() -> Self {
        CardSettings {
            layout: Layout::default(),
            background: Background::default(),
            fields: vec![CardField::Name, CardField::Title, CardField::Company],
            overrides: BTreeMap::new(),
        }
    }
}

pub const CARD_EMPTY: DomainError = DomainError::new(
    "CardEmpty",
    "请至少选择一项对外展示的信息",
    "Choose at least one field to show",
);
pub const CARD_TEXT_INVALID: DomainError = DomainError::new(
    "CardTextInvalid",
    "名片文字过长（姓名不超过30字，手机不超过20字，微信不超过40字，其余不超过60字）",
    "A card text is too long",
);
pub const CARD_PHONE_INVALID: DomainError = DomainError::new(
    "CardPhoneInvalid",
    "名片上的电话只能包含数字、空格、+、-和括号",
    "The card's phone may hold digits, spaces, +, - and brackets only",
);
pub const CARD_OVERRIDE_INVALID: DomainError = DomainError::new(
    "CardOverrideInvalid",
    "只有文字信息可以单独编辑",
    "Only text fields can be worded by hand",
);

/// Checks the member's choices and returns them tidied: fields once each in the card's
/// order, empty overrides dropped.
pub fn validate_settings(s: &CardSettings) -> Result<CardSettings> {
    let fields: Vec<CardField> = CardField::ALL
        .into_iter()
        .filter(|f| s.fields.contains(f))
        .collect();
    if fields.is_empty() {
        return Err(CARD_EMPTY);
    }
    let mut overrides = BTreeMap::new();
    for (f, text) in &s.overrides {
        if !f.is_text() {
            return Err(CARD_OVERRIDE_INVALID);
        }
        let Some(t) = tidy(text) else { continue };
        if t.chars().count() > f.max_len() {
            return Err(CARD_TEXT_INVALID);
        }
        if *f == CardField::Phone && !t.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) {
            return Err(CARD_PHONE_INVALID);
        }
        overrides.insert(*f, t);
    }
    Ok(CardSettings {
        layout: s.layout,
        background: s.background,
        fields,
        overrides,
    })
}

/// A listing or certificate as the card lists it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardItem {
    pub id: Uuid,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The member's card as their own app shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MyCard {
    pub settings: CardSettings,
    /// What the public page shows now.
    pub view: CardView,
    /// The share link, while the card is shared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub link: Option<String>,
    /// Unix ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
    pub shared_at: Option<i64>,
}

/// What the system holds about the member for the card.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardSource {
    pub name: Option<String>,
    pub title: Option<String>,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub wechat: Option<String>,
    /// Supply listings on the shelf, newest first.
    pub products: Vec<CardItem>,
    /// Approved certificates on the shelf.
    pub certificates: Vec<CardItem>,
}

/// The card as anyone with the link sees it: the chosen fields only.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardView {
    pub layout: Layout,
    pub background: Background,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wechat: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<CardItem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<CardItem>,
}

/// The public card: each ticked field, in the member's wording where they gave one,
/// else the system's; an unticked field is absent whatever the data holds.
pub fn view(s: &CardSettings, src: &CardSource) -> CardView {
    let shows = |f: CardField| s.fields.contains(&f);
    let text = |f: CardField, data: &Option<String>| {
        shows(f)
            .then(|| s.overrides.get(&f).cloned().or_else(|| data.clone()))
            .flatten()
    };
    CardView {
        layout: s.layout,
        background: s.background,
        name: text(CardField::Name, &src.name),
        title: text(CardField::Title, &src.title),
        company: text(CardField::Company, &src.company),
        phone: text(CardField::Phone, &src.phone),
        wechat: text(CardField::Wechat, &src.wechat),
        products: if shows(CardField::Products) {
            src.products.clone()
        } else {
            Vec::new()
        },
        certificates: if shows(CardField::Certificates) {
            src.certificates.clone()
        } else {
            Vec::new()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> CardSource {
        CardSource {
            name: Some("陈之谦".into()),
            title: Some("总经理".into()),
            company: Some("清远网博信息技术有限公司".into()),
            phone: Some("13800001234".into()),
            wechat: Some("chenzq_wb".into()),
            products: vec![CardItem {
                id: Uuid::from_u128(1),
                title: "品牌IP形象设计".into(),
                detail: Some("截止时间：2026-10-31".into()),
            }],
            certificates: vec![CardItem {
                id: Uuid::from_u128(2),
                title: "软件产品证书".into(),
                detail: None,
            }],
        }
    }

    /// Every subset of the fields: the view holds exactly the ticked ones, and the
    /// serialised page never carries an unticked value.
    #[test]
    fn the_view_shows_the_chosen_fields_only() {
        let src = source();
        for mask in 1u32..(1 << CardField::ALL.len()) {
            let fields: Vec<CardField> = CardField::ALL
                .into_iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, f)| f)
                .collect();
            let s = validate_settings(&CardSettings {
                fields: fields.clone(),
                ..CardSettings::default()
            })
            .unwrap();
            let v = view(&s, &src);
            let json = serde_json::to_string(&v).unwrap();
            let values = [
                (CardField::Name, "陈之谦"),
                (CardField::Title, "总经理"),
                (CardField::Company, "清远网博"),
                (CardField::Phone, "13800001234"),
                (CardField::Wechat, "chenzq_wb"),
                (CardField::Products, "品牌IP形象设计"),
                (CardField::Certificates, "软件产品证书"),
            ];
            for (f, value) in values {
                assert_eq!(
                    json.contains(value),
                    fields.contains(&f),
                    "{f:?} with fields {fields:?}: {json}"
                );
            }
        }
    }

    #[test]
    fn the_members_wording_wins_and_is_checked() {
        let mut o = BTreeMap::new();
        o.insert(CardField::Title, "  创始人 ".to_owned());
        o.insert(CardField::Phone, "400-800-6603".to_owned());
        o.insert(CardField::Company, " ".to_owned());
        let s = validate_settings(&CardSettings {
            fields: vec![CardField::Company, CardField::Title, CardField::Phone],
            overrides: o,
            ..CardSettings::default()
        })
        .unwrap();
        // Fields in the card's order; an empty wording falls back to the data.
        assert_eq!(
            s.fields,
            vec![CardField::Title, CardField::Company, CardField::Phone]
        );
        let v = view(&s, &source());
        assert_eq!(v.title.as_deref(), Some("创始人"));
        assert_eq!(v.phone.as_deref(), Some("400-800-6603"));
        assert_eq!(v.company.as_deref(), Some("清远网博信息技术有限公司"));
        // A wording of an unticked field is kept but not shown.
        let mut o = BTreeMap::new();
        o.insert(CardField::Wechat, "wb_official".to_owned());
        let s = validate_settings(&CardSettings {
            fields: vec![CardField::Name],
            overrides: o,
            ..CardSettings::default()
        })
        .unwrap();
        assert_eq!(view(&s, &source()).wechat, None);

        let bad = |f: CardField, t: &str| {
            let mut o = BTreeMap::new();
            o.insert(f, t.to_owned());
            validate_settings(&CardSettings {
                fields: vec![CardField::Name],
                overrides: o,
                ..CardSettings::default()
            })
            .unwrap_err()
            .code
        };
        assert_eq!(bad(CardField::Phone, "call me"), "CardPhoneInvalid");
        assert_eq!(bad(CardField::Name, &"陈".repeat(31)), "CardTextInvalid");
        assert_eq!(bad(CardField::Products, "x"), "CardOverrideInvalid");
        assert_eq!(
            validate_settings(&CardSettings {
                fields: vec![],
                ..CardSettings::default()
            })
            .unwrap_err()
            .code,
            "CardEmpty"
        );
    }

    #[test]
    fn a_new_card_keeps_the_phone_private() {
        let v = view(&CardSettings::default(), &source());
        assert_eq!(v.phone, None);
        assert_eq!(v.wechat, None);
        assert_eq!(v.name.as_deref(), Some("陈之谦"));
        assert!(Layout::ALL.iter().all(|l| !l.label_zh().is_empty()));
        assert!(Background::ALL.iter().all(|b| !b.label_zh().is_empty()));
    }
}
