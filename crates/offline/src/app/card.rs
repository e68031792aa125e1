//! The member's electronic business card (电子名片) on the device: read, saved, shared and
//! revoked on the server (the public page is the server's); the share link's QR is drawn
//! here. The last card seen is kept, so the screen opens with no network (to look, not
//! to change).

use huiji_domain::community::card::{CardSettings, MyCard};
use huiji_domain::DomainError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::dues::offline_as;
use super::AppCore;
use crate::Result;

const KEY_CARD: &str = "my_card";

pub const CARD_NEEDS_NETWORK: DomainError = DomainError::new(
    "CardNeedsNetwork",
    "修改或分享名片需要联网，请连接网络后再试",
    "Changing or sharing the card needs the network",
);

/// The card screen: the card, and the QR of its link while it is shared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CardScreen {
    pub card: MyCard,
    /// An SVG of the share link, drawn here.
    pub qr_svg: Option<String>,
    /// Shown from the device's copy: the server could not be reached.
    pub offline: bool,
}

impl AppCore {
    fn card_screen(&self, card: MyCard, offline: bool) -> Result<CardScreen> {
        if !offline {
            self.store()
                .set_setting(KEY_CARD, Some(&serde_json::to_string(&card)?))?;
        }
        let qr_svg = card
            .link
            .as_deref()
            .map(super::checkpoint::qr_svg)
            .transpose()?;
        Ok(CardScreen {
            card,
            qr_svg,
            offline,
        })
    }

    /// The caller's card: from the server, else the copy last seen.
    pub async fn my_card(&self) -> Result<CardScreen> {
        let (card, offline) = self
            .kept(KEY_CARD, "/api/v1/card", CARD_NEEDS_NETWORK)
            .await?;
        self.card_screen(card, offline)
    }

    /// Saves the layout, background, fields and wording (checked here first).
    pub async fn card_save(&self, settings: &CardSettings) -> Result<CardScreen> {
        let settings = huiji_domain::community::card::validate_settings(settings)?;
        let token = self.token()?;
        let c: MyCard = self
            .remote()?
            .put("/api/v1/card", Some(&token), &settings)
            .await
            .map_err(|e| offline_as(e, CARD_NEEDS_NETWORK))?;
        self.card_screen(c, false)
    }

    /// Shares the card: its link and QR.
    pub async fn card_share(&self) -> Result<CardScreen> {
        let token = self.token()?;
        let c: MyCard = self
            .remote()?
            .post("/api/v1/card/share", Some(&token), &serde_json::json!({}))
            .await
            .map_err(|e| offline_as(e, CARD_NEEDS_NETWORK))?;
        self.card_screen(c, false)
    }

    /// Stops sharing: the old link opens nothing any more.
    pub async fn card_revoke(&self) -> Result<CardScreen> {
        let token = self.token()?;
        let c: MyCard = self
            .remote()?
            .delete("/api/v1/card/share", Some(&token))
            .await
            .map_err(|e| offline_as(e, CARD_NEEDS_NETWORK))?;
        self.card_screen(c, false)
    }
}

pub fn decls(cfg: &ts_rs::Config) -> Vec<String> {
    use huiji_domain::community::card::{Background, CardField, CardItem, CardView, Layout};
    vec![
        Layout::decl(cfg),
        Background::decl(cfg),
        CardField::decl(cfg),
        CardSettings::decl(cfg),
        CardItem::decl(cfg),
        CardView::decl(cfg),
        MyCard::decl(cfg),
        CardScreen::decl(cfg),
    ]
}
