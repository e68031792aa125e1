//! Checkpoint rules (seed 002, 码上行动): reading a temperature, deciding who is turned
//! back (劝返), admitting event tickets in and out, and finding tickets admitted twice by
//! scanners that were offline at the same time. Pure functions: the scanner calls them
//! offline, the server and the secretary's desktop call the same ones after sync.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::credential::{Body, Direction, HealthColour, Verdict};
use crate::error::{DomainError, Result};

/// 37.3 °C and above is a fever: the person is turned back.
pub const FEVER_TENTHS: i32 = 373;
pub const MIN_TEMPERATURE_TENTHS: i32 = 340;
pub const MAX_TEMPERATURE_TENTHS: i32 = 430;
/// Trust data (keys, revocations, risk regions) older than this is shown with a warning.
pub const TRUST_STALE_AFTER_SECS: i64 = 24 * 3600;

pub const TEMPERATURE_FORMAT: DomainError = DomainError::new(
    "TemperatureFormat",
    "体温请填写数字，最多一位小数，例如 36.5",
    "Enter the temperature as a number with at most one decimal, e.g. 36.5",
);
pub const TEMPERATURE_OUT_OF_RANGE: DomainError = crate::sync::TEMPERATURE_OUT_OF_RANGE;
pub const REGION_CODE_INVALID: DomainError = DomainError::new(
    "RegionCodeInvalid",
    "地区代码应为6位数字的行政区划代码，例如 220221",
    "A region code is a 6-digit administrative division code, e.g. 220221",
);

/// Reads "36.5", "36", " 36.5℃ " or "36.5°C" as tenths of a degree (365). One decimal at
/// most, 34.0–43.0 °C: a thermometer reading outside that is a typing mistake.
pub fn parse_temperature(text: &str) -> Result<i32> {
    let t = text
        .trim()
        .trim_end_matches(['℃', 'C', 'c'])
        .trim_end_matches('°')
        .trim();
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, f),
        None => (t, ""),
    };
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || frac.len() > 1 || (t.contains('.') && frac.is_empty()) {
        return Err(TEMPERATURE_FORMAT);
    }
    if !frac.is_empty() && !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TEMPERATURE_FORMAT);
    }
    let w: i32 = whole.parse().map_err(|_| TEMPERATURE_FORMAT)?;
    let f: i32 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| TEMPERATURE_FORMAT)?
    };
    let tenths = w * 10 + f;
    if !(MIN_TEMPERATURE_TENTHS..=MAX_TEMPERATURE_TENTHS).contains(&tenths) {
        return Err(TEMPERATURE_OUT_OF_RANGE);
    }
    Ok(tenths)
}

/// "365" tenths as "36.5".
pub fn format_temperature(tenths: i32) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// Checks a 6-digit administrative division code (GB/T 2260 shape: province, city,
/// county, two digits each; a city is "xxyy00", a province "xx0000").
pub fn validate_region_code(code: &str) -> Result<()> {
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) && &code[..2] != "00" {
        Ok(())
    } else {
        Err(REGION_CODE_INVALID)
    }
}

/// The prefix a listed region covers: "220000" (a province) covers every code starting
/// "22", "220200" (a city) every code starting "2202", "220221" only itself.
fn region_prefix(code: &str) -> &str {
    if code.ends_with("0000") {
        &code[..2]
    } else if code.ends_with("00") {
        &code[..4]
    } else {
        code
    }
}

/// The high-risk regions the health authority keeps (synced to every scanner).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskRegions {
    prefixes: HashSet<String>,
}

impl RiskRegions {
    pub fn from_codes<I: IntoIterator<Item = S>, S: AsRef<str>>(codes: I) -> Self {
        let prefixes = codes
            .into_iter()
            .filter(|c| validate_region_code(c.as_ref()).is_ok())
            .map(|c| region_prefix(c.as_ref()).to_owned())
            .collect();
        RiskRegions { prefixes }
    }

    /// Is `code` (a person's household registration region) in a listed region?
    pub fn covers(&self, code: &str) -> bool {
        validate_region_code(code).is_ok()
            && [2, 4, 6]
                .iter()
                .any(|&n| self.prefixes.contains(&code[..n]))
    }

    pub fn len(&self) -> usize {
        self.prefixes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.prefixes.is_empty()
    }
}

/// Why a person is turned back (劝返).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum TurnBack {
    RedCode,
    Fever,
    HighRiskRegion,
    /// The code itself was not valid (forged, expired, revoked …).
    InvalidCode,
}

impl TurnBack {
    pub fn code(self) -> &'static str {
        match self {
            TurnBack::RedCode => "turn_back.red_code",
            TurnBack::Fever => "turn_back.fever",
            TurnBack::HighRiskRegion => "turn_back.high_risk_region",
            TurnBack::InvalidCode => "turn_back.invalid_code",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            TurnBack::RedCode => "红码，请劝返",
            TurnBack::Fever => "体温≥37.3℃，请劝返",
            TurnBack::HighRiskRegion => "来自高风险地区，请劝返",
            TurnBack::InvalidCode => "健康码无效，请劝返",
        }
    }
}

/// What the checkpoint does with a health pass and a temperature: let through, or turn
/// back for the listed reasons. A yellow code passes with a caution shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub turn_back: Vec<TurnBack>,
    pub colour: Option<HealthColour>,
}

impl Assessment {
    pub fn admitted(&self) -> bool {
        self.turn_back.is_empty()
    }
}

/// Seed 002: red codes, a temperature of 37.3 °C or more, and people whose code says
/// they came from a high-risk region, or whose household registration is in one, are
/// turned back. `temperature` is `None` until it is measured.
pub fn assess_health(
    verdict: &Verdict,
    temperature_tenths: Option<i32>,
    regions: &RiskRegions,
) -> Assessment {
    let mut out = Assessment {
        turn_back: Vec::new(),
        colour: None,
    };
    if !verdict.reason.is_valid() {
        out.turn_back.push(TurnBack::InvalidCode);
    }
    if let Some(Body::HealthPass {
        colour,
        region,
        from_high_risk,
    }) = verdict.claims.as_ref().map(|c| &c.body)
    {
        out.colour = Some(*colour);
        if *colour == HealthColour::Red {
            out.turn_back.push(TurnBack::RedCode);
        }
        if *from_high_risk || region.as_deref().is_some_and(|r| regions.covers(r)) {
            out.turn_back.push(TurnBack::HighRiskRegion);
        }
    }
    if temperature_tenths.is_some_and(|t| t >= FEVER_TENTHS) {
        out.turn_back.push(TurnBack::Fever);
    }
    out
}

// ---------------------------------------------------------------- event tickets

/// One admitted scan of a ticket, as a scanner recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketScan {
    pub scan_id: Uuid,
    pub ticket: Uuid,
    pub direction: Direction,
    /// Device clock, unix ms.
    pub at: i64,
    pub device: Uuid,
}

/// Why a ticket scan is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum TicketRefusal {
    /// Checked in and not out again.
    AlreadyInside,
    /// Was in and left, and the event does not allow re-entry.
    NoReentry,
    /// A check-out for a ticket that is not inside.
    NotInside,
}

impl TicketRefusal {
    pub fn code(self) -> &'static str {
        match self {
            TicketRefusal::AlreadyInside => "ticket.already_inside",
            TicketRefusal::NoReentry => "ticket.no_reentry",
            TicketRefusal::NotInside => "ticket.not_inside",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            TicketRefusal::AlreadyInside => "该票已签到入场，不能重复使用",
            TicketRefusal::NoReentry => "该活动不允许离场后再次入场",
            TicketRefusal::NotInside => "该票尚未签到入场，无法签退",
        }
    }
}

/// Where a ticket stands after its scans, in time order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TicketState {
    pub inside: bool,
    pub entries: u32,
}

impl TicketState {
    /// May this scan be admitted? It does not change `self`: call `apply` after.
    pub fn check(&self, direction: Direction, reentry_allowed: bool) -> Option<TicketRefusal> {
        match direction {
            Direction::In if self.inside => Some(TicketRefusal::AlreadyInside),
            Direction::In if self.entries > 0 && !reentry_allowed => Some(TicketRefusal::NoReentry),
            Direction::Out if !self.inside => Some(TicketRefusal::NotInside),
            _ => None,
        }
    }

    pub fn apply(&mut self, direction: Direction) {
        match direction {
            Direction::In => {
                self.inside = true;
                self.entries += 1;
            }
            Direction::Out => self.inside = false,
        }
    }
}

fn in_time_order(scans: &[TicketScan]) -> Vec<&TicketScan> {
    let mut v: Vec<&TicketScan> = scans.iter().collect();
    v.sort_by_key(|s| (s.at, s.scan_id));
    v
}

/// A scan that the ticket's history, once every scanner has synced, says should not
/// have been admitted: admitted while offline, after another scanner had already let
/// the same ticket through. Both scans stay recorded; the later one is flagged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketConflict {
    pub ticket: Uuid,
    pub flagged_scan: Uuid,
    /// The earlier admitted scan it clashes with.
    pub earlier_scan: Uuid,
    pub reason: TicketRefusal,
}

/// Replays every admitted scan of each ticket in time order and flags the ones the
/// rules refuse. Scans of one ticket by one device are never flagged against each
/// other: that device saw its own history when it admitted them.
pub fn ticket_conflicts(scans: &[TicketScan], reentry_allowed: bool) -> Vec<TicketConflict> {
    let mut by_ticket: HashMap<Uuid, Vec<TicketScan>> = HashMap::new();
    for s in scans {
        by_ticket.entry(s.ticket).or_default().push(s.clone());
    }
    let mut out = Vec::new();
    let mut tickets: Vec<_> = by_ticket.into_iter().collect();
    tickets.sort_by_key(|(t, _)| *t);
    for (ticket, list) in tickets {
        let mut state = TicketState::default();
        let mut last_admitted: Option<&TicketScan> = None;
        for s in in_time_order(&list) {
            match state.check(s.direction, reentry_allowed) {
                Some(reason) => {
                    let earlier = last_admitted.filter(|e| e.device != s.device);
                    if let Some(e) = earlier {
                        out.push(TicketConflict {
                            ticket,
                            flagged_scan: s.scan_id,
                            earlier_scan: e.scan_id,
                            reason,
                        });
                    }
                }
                None => {
                    state.apply(s.direction);
                    last_admitted = Some(s);
                }
            }
        }
    }
    out
}

/// How many tickets are inside now, from every admitted scan (flagged ones ignored).
pub fn inside_count(scans: &[TicketScan], reentry_allowed: bool) -> usize {
    let mut by_ticket: HashMap<Uuid, Vec<TicketScan>> = HashMap::new();
    for s in scans {
        by_ticket.entry(s.ticket).or_default().push(s.clone());
    }
    by_ticket
        .values()
        .filter(|list| {
            let mut state = TicketState::default();
            for s in in_time_order(list) {
                if state.check(s.direction, reentry_allowed).is_none() {
                    state.apply(s.direction);
                }
            }
            state.inside
        })
        .count()
}

// ---------------------------------------------------------------- site counts

/// A node of the site tree, for counting.
#[derive(Debug, Clone)]
pub struct SiteNode {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub path: crate::org::NodePath,
}

/// Is a scan made on the given CST day? `scanned_at` is the device clock in ms.
pub fn scanned_on(body: &crate::sync::ScanBody, day: crate::validate::SimpleDate) -> bool {
    crate::time::today_cst(body.scanned_at) == day
}

fn count(c: &mut crate::wire::ScanCounts, b: &crate::sync::ScanBody) {
    c.scans += 1;
    if b.verdict == ASSISTED_VERDICT {
        c.assisted += 1;
    }
    if b.admitted {
        c.admitted += 1;
    }
    if !b.turn_back.is_empty() {
        c.turned_back += 1;
    }
}

/// The verdict code of an assisted registration's scan record.
pub const ASSISTED_VERDICT: &str = "assisted";

/// Counts per site of `root`'s subtree (root first, then depth-first by name): each
/// site's own scans and its subtree's. `scans` are (site path, body) of one day.
pub fn site_stats(
    root: &SiteNode,
    nodes: &[SiteNode],
    scans: &[(crate::org::NodePath, crate::sync::ScanBody)],
) -> Vec<crate::wire::SiteStatsRow> {
    let mut within: Vec<&SiteNode> = nodes
        .iter()
        .filter(|n| n.path.is_within(&root.path) && n.id != root.id)
        .collect();
    within.sort_by(|a, b| {
        a.path
            .depth()
            .cmp(&b.path.depth())
            .then(a.name.cmp(&b.name))
    });
    let mut ordered: Vec<&SiteNode> = vec![root];
    // Depth-first: children follow their parent.
    fn place<'a>(out: &mut Vec<&'a SiteNode>, parent: Uuid, pool: &[&'a SiteNode]) {
        for n in pool.iter().filter(|n| n.parent_id == Some(parent)) {
            out.push(n);
            place(out, n.id, pool);
        }
    }
    place(&mut ordered, root.id, &within);
    let base = root.path.depth();
    ordered
        .into_iter()
        .map(|n| {
            let mut own = crate::wire::ScanCounts::default();
            let mut subtree = crate::wire::ScanCounts::default();
            for (path, b) in scans {
                if path == &n.path {
                    count(&mut own, b);
                }
                if path.is_within(&n.path) {
                    count(&mut subtree, b);
                }
            }
            crate::wire::SiteStatsRow {
                node_id: n.id,
                parent_id: n.parent_id,
                name: n.name.clone(),
                depth: (n.path.depth() - base) as u32,
                own,
                subtree,
            }
        })
        .collect()
}

/// Is trust data last refreshed at `updated_at` (unix s) too old at `now`?
pub fn trust_stale(now: i64, updated_at: i64) -> bool {
    now - updated_at > TRUST_STALE_AFTER_SECS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::{Claims, Reason};

    #[test]
    fn temperatures_are_read_as_people_type_them() {
        for (text, want) in [
            ("36.5", 365),
            ("36", 360),
            (" 37.3 ", 373),
            ("36.5℃", 365),
            ("36.5°C", 365),
            ("34.0", 340),
            ("43.0", 430),
        ] {
            assert_eq!(parse_temperature(text), Ok(want), "{text}");
        }
        for text in [
            "", "abc", "36.55", "36.", ".5", "3 6", "-36", "365", "36,5", "1e2",
        ] {
            assert_eq!(parse_temperature(text), Err(TEMPERATURE_FORMAT), "{text}");
        }
        for text in ["33.9", "43.1", "20", "99.9"] {
            assert_eq!(
                parse_temperature(text),
                Err(TEMPERATURE_OUT_OF_RANGE),
                "{text}"
            );
        }
        assert_eq!(format_temperature(365), "36.5");
        assert_eq!(format_temperature(370), "37.0");
    }

    #[test]
    fn risk_regions_cover_their_subdivisions() {
        let r = RiskRegions::from_codes(["220000", "320100", "610113", "bogus"]);
        assert_eq!(r.len(), 3);
        assert!(r.covers("220221"), "province covers county");
        assert!(r.covers("320102"), "city covers district");
        assert!(!r.covers("320583"), "another city of the province");
        assert!(r.covers("610113"));
        assert!(!r.covers("610112"));
        assert!(!r.covers("61011"));
        assert!(!r.covers("abcdef"));
        assert!(validate_region_code("000000").is_err());
    }

    fn pass(colour: HealthColour, region: Option<&str>, from_high_risk: bool) -> Verdict {
        Verdict {
            reason: Reason::Valid,
            kid: Some("k1".into()),
            claims: Some(Claims {
                id: Uuid::from_u128(1),
                subject: Uuid::from_u128(2),
                display_name: "张*".into(),
                issued_at: 0,
                not_before: 0,
                expires: 10,
                body: Body::HealthPass {
                    colour,
                    region: region.map(str::to_owned),
                    from_high_risk,
                },
            }),
        }
    }

    #[test]
    fn who_is_turned_back() {
        let regions = RiskRegions::from_codes(["310000"]);
        let green = pass(HealthColour::Green, Some("220221"), false);
        assert!(assess_health(&green, Some(365), &regions).admitted());
        assert!(assess_health(&green, None, &regions).admitted());
        assert_eq!(
            assess_health(&green, Some(373), &regions).turn_back,
            vec![TurnBack::Fever]
        );
        assert!(assess_health(&green, Some(372), &regions).admitted());
        let yellow = pass(HealthColour::Yellow, None, false);
        let a = assess_health(&yellow, Some(365), &regions);
        assert!(a.admitted());
        assert_eq!(a.colour, Some(HealthColour::Yellow));
        let red = pass(HealthColour::Red, None, false);
        assert_eq!(
            assess_health(&red, Some(365), &regions).turn_back,
            vec![TurnBack::RedCode]
        );
        let shanghai = pass(HealthColour::Green, Some("310104"), false);
        assert_eq!(
            assess_health(&shanghai, None, &regions).turn_back,
            vec![TurnBack::HighRiskRegion]
        );
        let travelled = pass(HealthColour::Green, Some("220221"), true);
        assert_eq!(
            assess_health(&travelled, None, &regions).turn_back,
            vec![TurnBack::HighRiskRegion]
        );
        let mut forged = green.clone();
        forged.reason = Reason::BadSignature;
        forged.claims = None;
        assert_eq!(
            assess_health(&forged, Some(365), &regions).turn_back,
            vec![TurnBack::InvalidCode]
        );
    }

    fn scan(n: u128, ticket: u128, direction: Direction, at: i64, device: u128) -> TicketScan {
        TicketScan {
            scan_id: Uuid::from_u128(n),
            ticket: Uuid::from_u128(ticket),
            direction,
            at,
            device: Uuid::from_u128(device),
        }
    }

    #[test]
    fn tickets_go_in_and_out() {
        let mut s = TicketState::default();
        assert_eq!(
            s.check(Direction::Out, true),
            Some(TicketRefusal::NotInside)
        );
        assert_eq!(s.check(Direction::In, false), None);
        s.apply(Direction::In);
        assert_eq!(
            s.check(Direction::In, true),
            Some(TicketRefusal::AlreadyInside)
        );
        s.apply(Direction::Out);
        assert_eq!(
            s.check(Direction::In, false),
            Some(TicketRefusal::NoReentry)
        );
        assert_eq!(s.check(Direction::In, true), None);
    }

    #[test]
    fn a_ticket_admitted_at_two_offline_scanners_flags_the_later() {
        use Direction::*;
        let scans = vec![
            scan(11, 1, In, 2_000, 200), // scanner B, later
            scan(10, 1, In, 1_000, 100), // scanner A, first
            scan(20, 2, In, 1_000, 100), // another ticket, fine
            scan(21, 2, Out, 1_500, 200),
        ];
        let c = ticket_conflicts(&scans, true);
        assert_eq!(
            c,
            vec![TicketConflict {
                ticket: Uuid::from_u128(1),
                flagged_scan: Uuid::from_u128(11),
                earlier_scan: Uuid::from_u128(10),
                reason: TicketRefusal::AlreadyInside,
            }]
        );
        assert_eq!(inside_count(&scans, true), 1);
        // Re-entry not allowed: in at A, out at A, in again at B is flagged.
        let scans = vec![
            scan(1, 3, In, 1, 100),
            scan(2, 3, Out, 2, 100),
            scan(3, 3, In, 3, 200),
        ];
        assert_eq!(
            ticket_conflicts(&scans, false)[0].reason,
            TicketRefusal::NoReentry
        );
        assert!(ticket_conflicts(&scans, true).is_empty());
        assert_eq!(inside_count(&scans, true), 1);
        assert_eq!(inside_count(&scans, false), 0);
    }

    #[test]
    fn site_counts_roll_up_the_tree() {
        use crate::org::NodePath;
        use crate::sync::ScanBody;
        let county = NodePath::root(Uuid::from_u128(1));
        let town = county.child(Uuid::from_u128(2));
        let gate = town.child(Uuid::from_u128(3));
        let other = county.child(Uuid::from_u128(4));
        let node = |id: u128, parent: Option<u128>, name: &str, path: &NodePath| SiteNode {
            id: Uuid::from_u128(id),
            parent_id: parent.map(Uuid::from_u128),
            name: name.into(),
            path: path.clone(),
        };
        let nodes = vec![
            node(1, None, "永吉县", &county),
            node(2, Some(1), "口前镇检查站", &town),
            node(3, Some(2), "高速路口卡点", &gate),
            node(4, Some(1), "岔路河镇检查站", &other),
        ];
        let body = |admitted: bool, turn_back: &[&str], verdict: &str| ScanBody {
            subject: "张*".into(),
            temperature_tenths: Some(365),
            verdict: verdict.into(),
            remark: None,
            credential_kind: None,
            colour: None,
            turn_back: turn_back.iter().map(|s| (*s).to_owned()).collect(),
            admitted,
            event_id: None,
            ticket_id: None,
            direction: None,
            scanned_at: 0,
            device_id: None,
        };
        let scans = vec![
            (gate.clone(), body(true, &[], "credential.valid")),
            (
                gate.clone(),
                body(false, &["turn_back.fever"], "credential.valid"),
            ),
            (town.clone(), body(true, &[], ASSISTED_VERDICT)),
            (other.clone(), body(true, &[], "credential.valid")),
        ];
        let rows = site_stats(&nodes[1], &nodes, &scans);
        let names: Vec<_> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["口前镇检查站", "高速路口卡点"]);
        assert_eq!(rows[0].own.scans, 1);
        assert_eq!(rows[0].own.assisted, 1);
        assert_eq!(rows[0].subtree.scans, 3);
        assert_eq!(rows[0].subtree.turned_back, 1);
        assert_eq!(rows[0].subtree.admitted, 2);
        assert_eq!(rows[1].depth, 1);
        let all = site_stats(&nodes[0], &nodes, &scans);
        assert_eq!(all.len(), 4);
        assert_eq!(all[0].subtree.scans, 4);
        assert_eq!(all[0].own.scans, 0);
        assert_eq!(all[1].name, "口前镇检查站", "children follow their parent");
        assert_eq!(all[2].name, "高速路口卡点");
    }

    #[test]
    fn trust_age() {
        assert!(!trust_stale(100_000, 100_000 - 24 * 3600));
        assert!(trust_stale(100_000, 100_000 - 24 * 3600 - 1));
    }
}
