//! The claims a credential carries, their checks, and their compact CBOR form.
//!
//! The CBOR form is a map with small integer keys (see the key table in the module doc of
//! [`crate::credential`]). It is built and read through `ciborium::Value` (re-exported by
//! `coset` as `coset::cbor`), never with serde derive: the wire keys are part of the signed
//! format and must not change when a Rust field is renamed.

use coset::cbor::value::{Integer, Value};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::DomainError;

// ---------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------

/// What a credential is for. Every QR the system shows is one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    HealthPass,
    MemberCard,
    EventTicket,
    VenueCode,
    LotteryCode,
    BusinessCard,
}

impl CredentialKind {
    pub const ALL: [CredentialKind; 6] = [
        CredentialKind::HealthPass,
        CredentialKind::MemberCard,
        CredentialKind::EventTicket,
        CredentialKind::VenueCode,
        CredentialKind::LotteryCode,
        CredentialKind::BusinessCard,
    ];

    /// The name stored in scan records and shown to the UI (as serde writes it).
    pub const fn as_str(self) -> &'static str {
        match self {
            CredentialKind::HealthPass => "health_pass",
            CredentialKind::MemberCard => "member_card",
            CredentialKind::EventTicket => "event_ticket",
            CredentialKind::VenueCode => "venue_code",
            CredentialKind::LotteryCode => "lottery_code",
            CredentialKind::BusinessCard => "business_card",
        }
    }

    /// The wire number (claim key -1). Numbers are never reused.
    const fn wire(self) -> u8 {
        match self {
            CredentialKind::HealthPass => 1,
            CredentialKind::MemberCard => 2,
            CredentialKind::EventTicket => 3,
            CredentialKind::VenueCode => 4,
            CredentialKind::LotteryCode => 5,
            CredentialKind::BusinessCard => 6,
        }
    }

    fn from_wire(n: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|k| i64::from(k.wire()) == n)
    }
}

/// The colour of a health pass, as decided by the issuing authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthColour {
    Green,
    Yellow,
    Red,
}

impl HealthColour {
    pub const fn as_str(self) -> &'static str {
        match self {
            HealthColour::Green => "green",
            HealthColour::Yellow => "yellow",
            HealthColour::Red => "red",
        }
    }

    const fn wire(self) -> u8 {
        match self {
            HealthColour::Green => 0,
            HealthColour::Yellow => 1,
            HealthColour::Red => 2,
        }
    }

    fn from_wire(n: i64) -> Option<Self> {
        match n {
            0 => Some(HealthColour::Green),
            1 => Some(HealthColour::Yellow),
            2 => Some(HealthColour::Red),
            _ => None,
        }
    }
}

/// Which way a venue code is scanned: entering or leaving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    In,
    Out,
}

impl Direction {
    pub const fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }

    const fn wire(self) -> u8 {
        match self {
            Direction::In => 0,
            Direction::Out => 1,
        }
    }

    fn from_wire(n: i64) -> Option<Self> {
        match n {
            0 => Some(Direction::In),
            1 => Some(Direction::Out),
            _ => None,
        }
    }
}

/// Kind-specific claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Body {
    /// region: 6-digit administrative division code of the person's household registration
    /// (户籍地), e.g. "220221"; from_high_risk: the authority marked the person as having come
    /// from a high-risk region recently.
    HealthPass {
        colour: HealthColour,
        region: Option<String>,
        from_high_risk: bool,
    },
    MemberCard {
        node: Uuid,
    },
    EventTicket {
        event: Uuid,
        ticket: Uuid,
    },
    VenueCode {
        venue: Uuid,
        event: Option<Uuid>,
        direction: Direction,
    },
    LotteryCode {
        lottery: Uuid,
    },
    BusinessCard {
        card: Uuid,
    },
}

impl Body {
    pub fn kind(&self) -> CredentialKind {
        match self {
            Body::HealthPass { .. } => CredentialKind::HealthPass,
            Body::MemberCard { .. } => CredentialKind::MemberCard,
            Body::EventTicket { .. } => CredentialKind::EventTicket,
            Body::VenueCode { .. } => CredentialKind::VenueCode,
            Body::LotteryCode { .. } => CredentialKind::LotteryCode,
            Body::BusinessCard { .. } => CredentialKind::BusinessCard,
        }
    }

    /// The event this credential is bound to, if any (tickets always, venue codes
    /// optionally).
    pub fn event(&self) -> Option<Uuid> {
        match self {
            Body::EventTicket { event, .. } => Some(*event),
            Body::VenueCode { event, .. } => *event,
            _ => None,
        }
    }
}

/// Everything a credential says. Signed as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Credential id, unique per issuance: the key for revocation and for replay detection.
    pub id: Uuid,
    /// Account / person id.
    pub subject: Uuid,
    /// ALREADY MASKED by the issuer (e.g. "张*"); never a full ID number or phone number,
    /// because anyone with a camera can read a QR code.
    pub display_name: String,
    /// Unix seconds.
    pub issued_at: i64,
    /// Unix seconds.
    pub not_before: i64,
    /// Unix seconds; the credential is expired from this second on.
    pub expires: i64,
    pub body: Body,
}

impl Claims {
    pub fn kind(&self) -> CredentialKind {
        self.body.kind()
    }
}

// ---------------------------------------------------------------------------------------
// Error codes (issuing)
// ---------------------------------------------------------------------------------------

pub const KID_INVALID: DomainError = DomainError::new(
    "credential.kid_invalid",
    "签发密钥编号无效：应为1至16个字母、数字、下划线或连字符",
    "Key id must be 1 to 16 characters from A-Z, a-z, 0-9, '_' and '-'",
);
pub const ID_NIL: DomainError = DomainError::new(
    "credential.id_nil",
    "凭证编号不能为空",
    "Credential id must not be the nil UUID",
);
pub const DISPLAY_NAME_EMPTY: DomainError = DomainError::new(
    "credential.display_name_empty",
    "凭证上的显示姓名不能为空",
    "Credential display name is required",
);
pub const DISPLAY_NAME_TOO_LONG: DomainError = DomainError::new(
    "credential.display_name_too_long",
    "凭证上的显示姓名不能超过32个字",
    "Credential display name must be at most 32 characters",
);
pub const DISPLAY_NAME_INVALID: DomainError = DomainError::new(
    "credential.display_name_invalid",
    "凭证上的显示姓名含有控制字符",
    "Credential display name contains control characters",
);
pub const DISPLAY_NAME_UNMASKED: DomainError = DomainError::new(
    "credential.display_name_unmasked",
    "凭证上的显示姓名含有完整的证件号或手机号，请先脱敏",
    "Credential display name contains a full ID or phone number; mask it first",
);
pub const EXPIRES_BEFORE_START: DomainError = DomainError::new(
    "credential.expires_before_start",
    "凭证的失效时间必须晚于生效时间",
    "Credential must expire after it becomes valid",
);
pub const EXPIRES_BEFORE_ISSUE: DomainError = DomainError::new(
    "credential.expires_before_issue",
    "凭证的失效时间必须晚于签发时间",
    "Credential must expire after it is issued",
);
pub const REGION_INVALID: DomainError = DomainError::new(
    "credential.region_invalid",
    "户籍地区码应为6位数字",
    "Region must be a 6-digit administrative division code",
);
pub const TOO_LONG: DomainError = DomainError::new(
    "credential.too_long",
    "凭证内容过长，无法生成二维码",
    "Credential is too long for a QR code",
);
pub const ENCODING_FAILED: DomainError = DomainError::new(
    "credential.encoding_failed",
    "凭证编码失败",
    "Credential could not be encoded",
);

/// Longest display name, in chars. A masked Chinese name is 2 to 4 chars; 32 leaves room
/// for masked foreign names without letting the QR code grow without bound.
pub const MAX_DISPLAY_NAME_CHARS: usize = 32;

/// A run of this many ASCII digits in a display name is taken for an unmasked phone
/// number (11 digits) or ID number (18). Masked forms ("138****9776") have runs of at
/// most 4.
const UNMASKED_DIGIT_RUN: usize = 7;

/// The checks `issue` applies before signing. `decode` applies the same ones, so every
/// `Claims` that comes out of a credential could also have gone in.
pub(crate) fn check(claims: &Claims) -> Result<(), DomainError> {
    if claims.id.is_nil() {
        return Err(ID_NIL);
    }
    check_display_name(&claims.display_name)?;
    if claims.expires <= claims.not_before {
        return Err(EXPIRES_BEFORE_START);
    }
    if claims.expires <= claims.issued_at {
        return Err(EXPIRES_BEFORE_ISSUE);
    }
    if let Body::HealthPass {
        region: Some(region),
        ..
    } = &claims.body
    {
        if region.len() != 6 || !region.bytes().all(|b| b.is_ascii_digit()) {
            return Err(REGION_INVALID);
        }
    }
    Ok(())
}

fn check_display_name(name: &str) -> Result<(), DomainError> {
    if name.trim().is_empty() {
        return Err(DISPLAY_NAME_EMPTY);
    }
    if name.chars().count() > MAX_DISPLAY_NAME_CHARS {
        return Err(DISPLAY_NAME_TOO_LONG);
    }
    if name.chars().any(char::is_control) {
        return Err(DISPLAY_NAME_INVALID);
    }
    let mut run = 0;
    for c in name.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= UNMASKED_DIGIT_RUN {
            return Err(DISPLAY_NAME_UNMASKED);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// CBOR form
// ---------------------------------------------------------------------------------------

/// Claim keys. The positive ones mirror the CWT registry (RFC 8392): 2 sub, 4 exp, 5 nbf,
/// 6 iat, 7 cti. The negative ones are ours. All fit in one CBOR byte.
mod key {
    pub const SUBJECT: i64 = 2;
    pub const EXPIRES: i64 = 4;
    pub const NOT_BEFORE: i64 = 5;
    pub const ISSUED_AT: i64 = 6;
    pub const ID: i64 = 7;
    pub const KIND: i64 = -1;
    pub const DISPLAY_NAME: i64 = -2;
    pub const COLOUR: i64 = -3;
    pub const REGION: i64 = -4;
    pub const FROM_HIGH_RISK: i64 = -5;
    pub const NODE: i64 = -6;
    pub const EVENT: i64 = -7;
    pub const TICKET: i64 = -8;
    pub const VENUE: i64 = -9;
    pub const DIRECTION: i64 = -10;
    pub const LOTTERY: i64 = -11;
    pub const CARD: i64 = -12;
    /// Every key this version reads; a duplicate of any of them is malformed.
    pub const KNOWN: [i64; 17] = [
        SUBJECT,
        EXPIRES,
        NOT_BEFORE,
        ISSUED_AT,
        ID,
        KIND,
        DISPLAY_NAME,
        COLOUR,
        REGION,
        FROM_HIGH_RISK,
        NODE,
        EVENT,
        TICKET,
        VENUE,
        DIRECTION,
        LOTTERY,
        CARD,
    ];
}

fn int(n: i64) -> Value {
    Value::Integer(Integer::from(n))
}

fn uuid(u: &Uuid) -> Value {
    Value::Bytes(u.as_bytes().to_vec())
}

/// Claims to CBOR bytes, keys in a fixed order so issuing is deterministic.
pub(crate) fn to_cbor(claims: &Claims) -> Result<Vec<u8>, DomainError> {
    let mut map: Vec<(Value, Value)> = vec![
        (int(key::ID), uuid(&claims.id)),
        (int(key::SUBJECT), uuid(&claims.subject)),
        (int(key::ISSUED_AT), int(claims.issued_at)),
        (int(key::NOT_BEFORE), int(claims.not_before)),
        (int(key::EXPIRES), int(claims.expires)),
        (int(key::KIND), int(claims.kind().wire().into())),
        (
            int(key::DISPLAY_NAME),
            Value::Text(claims.display_name.clone()),
        ),
    ];
    match &claims.body {
        Body::HealthPass {
            colour,
            region,
            from_high_risk,
        } => {
            map.push((int(key::COLOUR), int(colour.wire().into())));
            if let Some(region) = region {
                map.push((int(key::REGION), Value::Text(region.clone())));
            }
            map.push((int(key::FROM_HIGH_RISK), Value::Bool(*from_high_risk)));
        }
        Body::MemberCard { node } => map.push((int(key::NODE), uuid(node))),
        Body::EventTicket { event, ticket } => {
            map.push((int(key::EVENT), uuid(event)));
            map.push((int(key::TICKET), uuid(ticket)));
        }
        Body::VenueCode {
            venue,
            event,
            direction,
        } => {
            map.push((int(key::VENUE), uuid(venue)));
            if let Some(event) = event {
                map.push((int(key::EVENT), uuid(event)));
            }
            map.push((int(key::DIRECTION), int(direction.wire().into())));
        }
        Body::LotteryCode { lottery } => map.push((int(key::LOTTERY), uuid(lottery))),
        Body::BusinessCard { card } => map.push((int(key::CARD), uuid(card))),
    }
    let mut out = Vec::with_capacity(160);
    coset::cbor::ser::into_writer(&Value::Map(map), &mut out).map_err(|_| ENCODING_FAILED)?;
    Ok(out)
}

/// Why a payload did not decode. Only tests look inside; callers see `Reason::Malformed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadClaims(#[allow(dead_code)] pub &'static str);

/// The claim map, with lookups that take each known key out once.
struct Fields(Vec<(i64, Value)>);

impl Fields {
    fn new(value: Value) -> Result<Self, BadClaims> {
        let Value::Map(entries) = value else {
            return Err(BadClaims("not a map"));
        };
        let mut fields = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            // Non-integer and unknown keys are ignored: a later issuer may add claims that
            // this verifier does not need to understand.
            let Value::Integer(k) = k else { continue };
            let Ok(k) = i64::try_from(k) else { continue };
            if !key::KNOWN.contains(&k) {
                continue;
            }
            if fields.iter().any(|(seen, _)| *seen == k) {
                return Err(BadClaims("duplicate key"));
            }
            fields.push((k, v));
        }
        Ok(Fields(fields))
    }

    fn take(&mut self, k: i64) -> Option<Value> {
        let i = self.0.iter().position(|(seen, _)| *seen == k)?;
        Some(self.0.swap_remove(i).1)
    }

    fn required(&mut self, k: i64) -> Result<Value, BadClaims> {
        self.take(k).ok_or(BadClaims("missing key"))
    }

    fn int(&mut self, k: i64) -> Result<i64, BadClaims> {
        as_int(self.required(k)?)
    }

    fn uuid(&mut self, k: i64) -> Result<Uuid, BadClaims> {
        as_uuid(self.required(k)?)
    }

    fn opt_uuid(&mut self, k: i64) -> Result<Option<Uuid>, BadClaims> {
        self.take(k).map(as_uuid).transpose()
    }

    fn text(&mut self, k: i64) -> Result<String, BadClaims> {
        as_text(self.required(k)?)
    }

    fn opt_text(&mut self, k: i64) -> Result<Option<String>, BadClaims> {
        self.take(k).map(as_text).transpose()
    }

    fn bool(&mut self, k: i64) -> Result<bool, BadClaims> {
        match self.required(k)? {
            Value::Bool(b) => Ok(b),
            _ => Err(BadClaims("not a bool")),
        }
    }
}

fn as_int(v: Value) -> Result<i64, BadClaims> {
    match v {
        Value::Integer(i) => i64::try_from(i).map_err(|_| BadClaims("int out of range")),
        _ => Err(BadClaims("not an int")),
    }
}

fn as_uuid(v: Value) -> Result<Uuid, BadClaims> {
    match v {
        Value::Bytes(b) => Uuid::from_slice(&b).map_err(|_| BadClaims("uuid not 16 bytes")),
        _ => Err(BadClaims("uuid not bytes")),
    }
}

fn as_text(v: Value) -> Result<String, BadClaims> {
    match v {
        Value::Text(s) => Ok(s),
        _ => Err(BadClaims("not text")),
    }
}

/// CBOR bytes to claims. Exactly one CBOR item, a map; unknown keys ignored; missing keys,
/// wrong types, unknown enum numbers and claims `issue` would refuse are errors.
pub(crate) fn from_cbor(mut bytes: &[u8]) -> Result<Claims, BadClaims> {
    let value: Value =
        coset::cbor::de::from_reader(&mut bytes).map_err(|_| BadClaims("not CBOR"))?;
    if !bytes.is_empty() {
        return Err(BadClaims("trailing bytes"));
    }
    let mut f = Fields::new(value)?;
    let kind = CredentialKind::from_wire(f.int(key::KIND)?).ok_or(BadClaims("unknown kind"))?;
    let body = match kind {
        CredentialKind::HealthPass => Body::HealthPass {
            colour: HealthColour::from_wire(f.int(key::COLOUR)?)
                .ok_or(BadClaims("unknown colour"))?,
            region: f.opt_text(key::REGION)?,
            from_high_risk: f.bool(key::FROM_HIGH_RISK)?,
        },
        CredentialKind::MemberCard => Body::MemberCard {
            node: f.uuid(key::NODE)?,
        },
        CredentialKind::EventTicket => Body::EventTicket {
            event: f.uuid(key::EVENT)?,
            ticket: f.uuid(key::TICKET)?,
        },
        CredentialKind::VenueCode => Body::VenueCode {
            venue: f.uuid(key::VENUE)?,
            event: f.opt_uuid(key::EVENT)?,
            direction: Direction::from_wire(f.int(key::DIRECTION)?)
                .ok_or(BadClaims("unknown direction"))?,
        },
        CredentialKind::LotteryCode => Body::LotteryCode {
            lottery: f.uuid(key::LOTTERY)?,
        },
        CredentialKind::BusinessCard => Body::BusinessCard {
            card: f.uuid(key::CARD)?,
        },
    };
    let claims = Claims {
        id: f.uuid(key::ID)?,
        subject: f.uuid(key::SUBJECT)?,
        display_name: f.text(key::DISPLAY_NAME)?,
        issued_at: f.int(key::ISSUED_AT)?,
        not_before: f.int(key::NOT_BEFORE)?,
        expires: f.int(key::EXPIRES)?,
        body,
    };
    check(&claims).map_err(|e| BadClaims(e.code))?;
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn sample(body: Body) -> Claims {
        Claims {
            id: u(0x1111),
            subject: u(0x2222),
            display_name: "张*".into(),
            issued_at: 1_767_225_600,
            not_before: 1_767_225_600,
            expires: 1_767_312_000,
            body,
        }
    }

    fn all_bodies() -> Vec<Body> {
        vec![
            Body::HealthPass {
                colour: HealthColour::Yellow,
                region: Some("220221".into()),
                from_high_risk: true,
            },
            Body::HealthPass {
                colour: HealthColour::Red,
                region: None,
                from_high_risk: false,
            },
            Body::MemberCard { node: u(3) },
            Body::EventTicket {
                event: u(4),
                ticket: u(5),
            },
            Body::VenueCode {
                venue: u(6),
                event: Some(u(7)),
                direction: Direction::Out,
            },
            Body::VenueCode {
                venue: u(6),
                event: None,
                direction: Direction::In,
            },
            Body::LotteryCode { lottery: u(8) },
            Body::BusinessCard { card: u(9) },
        ]
    }

    fn encode(v: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        coset::cbor::ser::into_writer(v, &mut out).unwrap();
        out
    }

    fn map_of(claims: &Claims) -> Vec<(Value, Value)> {
        let bytes = to_cbor(claims).unwrap();
        match coset::cbor::de::from_reader::<Value, _>(bytes.as_slice()).unwrap() {
            Value::Map(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn every_body_round_trips() {
        for body in all_bodies() {
            let claims = sample(body);
            let bytes = to_cbor(&claims).unwrap();
            assert_eq!(from_cbor(&bytes), Ok(claims));
        }
    }

    #[test]
    fn wire_numbers_are_stable() {
        // Changing any of these breaks every credential already printed.
        let nums: Vec<u8> = CredentialKind::ALL.iter().map(|k| k.wire()).collect();
        assert_eq!(nums, [1, 2, 3, 4, 5, 6]);
        assert_eq!(HealthColour::Red.wire(), 2);
        assert_eq!(Direction::Out.wire(), 1);
    }

    #[test]
    fn unknown_keys_are_ignored() {
        let claims = sample(Body::MemberCard { node: u(3) });
        let mut map = map_of(&claims);
        map.push((int(99), Value::Text("future".into())));
        map.push((Value::Text("x".into()), Value::Null));
        assert_eq!(from_cbor(&encode(&Value::Map(map))), Ok(claims));
    }

    #[test]
    fn missing_or_mistyped_keys_are_rejected() {
        let claims = sample(Body::EventTicket {
            event: u(4),
            ticket: u(5),
        });
        let base = map_of(&claims);
        for i in 0..base.len() {
            let mut missing = base.clone();
            missing.remove(i);
            assert!(from_cbor(&encode(&Value::Map(missing))).is_err(), "{i}");
            let mut mistyped = base.clone();
            mistyped[i].1 = Value::Float(1.5);
            assert!(from_cbor(&encode(&Value::Map(mistyped))).is_err(), "{i}");
        }
    }

    #[test]
    fn duplicates_unknown_kinds_and_trailing_bytes_are_rejected() {
        let claims = sample(Body::LotteryCode { lottery: u(8) });
        let mut dup = map_of(&claims);
        dup.push((int(key::ID), uuid(&u(42))));
        assert_eq!(
            from_cbor(&encode(&Value::Map(dup))),
            Err(BadClaims("duplicate key"))
        );

        let mut unknown = map_of(&claims);
        for (k, v) in &mut unknown {
            if *k == int(key::KIND) {
                *v = int(7);
            }
        }
        assert_eq!(
            from_cbor(&encode(&Value::Map(unknown))),
            Err(BadClaims("unknown kind"))
        );

        let mut trailing = to_cbor(&claims).unwrap();
        trailing.push(0);
        assert_eq!(from_cbor(&trailing), Err(BadClaims("trailing bytes")));
        assert!(from_cbor(&[]).is_err());
        assert!(from_cbor(&encode(&Value::Array(vec![]))).is_err());
    }

    #[test]
    fn short_uuid_and_huge_int_are_rejected() {
        let claims = sample(Body::BusinessCard { card: u(9) });
        let mut short = map_of(&claims);
        short[0].1 = Value::Bytes(vec![1; 15]);
        assert!(from_cbor(&encode(&Value::Map(short))).is_err());
        let mut huge = map_of(&claims);
        huge[2].1 = Value::Integer(Integer::from(u64::MAX));
        assert_eq!(
            from_cbor(&encode(&Value::Map(huge))),
            Err(BadClaims("int out of range"))
        );
    }

    #[test]
    fn checks_name_times_and_region() {
        let ok = sample(Body::MemberCard { node: u(1) });
        assert_eq!(check(&ok), Ok(()));

        let mut c = ok.clone();
        c.id = Uuid::nil();
        assert_eq!(check(&c), Err(ID_NIL));

        for (name, err) in [
            ("", DISPLAY_NAME_EMPTY),
            ("  ", DISPLAY_NAME_EMPTY),
            ("张\n三", DISPLAY_NAME_INVALID),
            ("13814119776", DISPLAY_NAME_UNMASKED),
            ("张三 320102199003074515", DISPLAY_NAME_UNMASKED),
        ] {
            let mut c = ok.clone();
            c.display_name = name.into();
            assert_eq!(check(&c), Err(err), "{name}");
        }
        let mut c = ok.clone();
        c.display_name = "欧".repeat(32);
        assert_eq!(check(&c), Ok(()));
        c.display_name = "欧".repeat(33);
        assert_eq!(check(&c), Err(DISPLAY_NAME_TOO_LONG));
        c.display_name = "138****9776".into();
        assert_eq!(check(&c), Ok(()));

        let mut c = ok.clone();
        c.expires = c.not_before;
        assert_eq!(check(&c), Err(EXPIRES_BEFORE_START));
        let mut c = ok.clone();
        c.not_before = c.issued_at - 100;
        c.expires = c.issued_at;
        assert_eq!(check(&c), Err(EXPIRES_BEFORE_ISSUE));

        for region in ["22022", "2202211", "22022X", "２２０２２１"] {
            let c = sample(Body::HealthPass {
                colour: HealthColour::Green,
                region: Some(region.into()),
                from_high_risk: false,
            });
            assert_eq!(check(&c), Err(REGION_INVALID), "{region}");
        }
    }

    #[test]
    fn json_shape_is_snake_case_and_tagged() {
        let claims = sample(Body::VenueCode {
            venue: u(6),
            event: None,
            direction: Direction::In,
        });
        let json = serde_json::to_value(&claims).unwrap();
        assert_eq!(json["body"]["type"], "venue_code");
        assert_eq!(json["body"]["direction"], "in");
        let back: Claims = serde_json::from_value(json).unwrap();
        assert_eq!(back, claims);
    }
}

#[cfg(test)]
mod as_str_tests {
    use super::*;

    #[test]
    fn names_match_what_serde_writes() {
        let serde_name = |v: serde_json::Value| v.as_str().unwrap().to_owned();
        for k in CredentialKind::ALL {
            assert_eq!(k.as_str(), serde_name(serde_json::to_value(k).unwrap()));
        }
        for c in [HealthColour::Green, HealthColour::Yellow, HealthColour::Red] {
            assert_eq!(c.as_str(), serde_name(serde_json::to_value(c).unwrap()));
        }
        for d in [Direction::In, Direction::Out] {
            assert_eq!(d.as_str(), serde_name(serde_json::to_value(d).unwrap()));
        }
    }
}
