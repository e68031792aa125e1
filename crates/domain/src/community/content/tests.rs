use super::*;

fn listing(title: &str) -> ContentForm {
    ContentForm::Listing(ListingForm {
        side: ListingSide::Supply,
        title: title.into(),
        category: Some("品牌设计".into()),
        company: Some("清远网博信息技术有限公司".into()),
        price: None,
        description: Some("品牌IP形象设计".into()),
        valid_until: Some("2026-12-31".into()),
        images: vec![],
    })
}

fn owner() -> Uuid {
    Uuid::from_u128(1)
}
fn reviewer() -> Uuid {
    Uuid::from_u128(2)
}

/// One step of the life cycle, applied to the item.
#[derive(Debug, Clone)]
enum Step {
    Edit(&'static str),
    Approve(u32),
    Refuse(u32),
    Shelf(bool),
    Delete,
}

fn apply(item: &mut ContentItem, step: &Step) -> Result<()> {
    match step {
        Step::Edit(t) => item.edit(&listing(t), 10).map(|_| ()),
        Step::Approve(rev) => item.approve(*rev, reviewer(), 20),
        Step::Refuse(rev) => item.refuse(*rev, "图片不清晰"),
        Step::Shelf(on) => item.set_shelf(*on),
        Step::Delete => {
            item.delete();
            Ok(())
        }
    }
}

/// A row of the table: name, steps, the last step's error code, status, public title.
type Row = (
    &'static str,
    Vec<Step>,
    Option<&'static str>,
    ContentStatus,
    Option<&'static str>,
);

/// Each row: the steps after a first submission of "v1", the error (if any) of the last
/// step, the status then, and the title the public sees then.
#[test]
fn the_review_cycle() {
    use ContentStatus as S;
    use Step::*;
    let rows: Vec<Row> = vec![
        ("submitted, not shown", vec![], None, S::Reviewing, None),
        (
            "approved: shown and on the shelf",
            vec![Approve(1)],
            None,
            S::Shown,
            Some("v1"),
        ),
        (
            "refused first version: nothing shown",
            vec![Refuse(1)],
            None,
            S::Refused,
            None,
        ),
        (
            "refused, corrected, approved",
            vec![Refuse(1), Edit("v2"), Approve(2)],
            None,
            S::Shown,
            Some("v2"),
        ),
        (
            "edit of a shown item: old stays shown",
            vec![Approve(1), Edit("v2")],
            None,
            S::ShownEditReviewing,
            Some("v1"),
        ),
        (
            "edit approved: new shown",
            vec![Approve(1), Edit("v2"), Approve(2)],
            None,
            S::Shown,
            Some("v2"),
        ),
        (
            "edit refused: old stays shown",
            vec![Approve(1), Edit("v2"), Refuse(2)],
            None,
            S::ShownEditRefused,
            Some("v1"),
        ),
        (
            "a stale approval is refused",
            vec![Edit("v2"), Approve(1)],
            Some("ContentReviewStale"),
            S::Reviewing,
            None,
        ),
        (
            "edit twice: only the last is reviewed",
            vec![Approve(1), Edit("v2"), Edit("v3"), Approve(2)],
            Some("ContentReviewStale"),
            S::ShownEditReviewing,
            Some("v1"),
        ),
        (
            "edit twice, last approved",
            vec![Approve(1), Edit("v2"), Edit("v3"), Approve(3)],
            None,
            S::Shown,
            Some("v3"),
        ),
        (
            "approving twice",
            vec![Approve(1), Approve(1)],
            Some("ContentNotUnderReview"),
            S::Shown,
            Some("v1"),
        ),
        (
            "refusing after approval",
            vec![Approve(1), Refuse(1)],
            Some("ContentNotUnderReview"),
            S::Shown,
            Some("v1"),
        ),
        (
            "off the shelf hides it",
            vec![Approve(1), Shelf(false)],
            None,
            S::OffShelf,
            None,
        ),
        (
            "back on the shelf",
            vec![Approve(1), Shelf(false), Shelf(true)],
            None,
            S::Shown,
            Some("v1"),
        ),
        (
            "shelving before approval",
            vec![Shelf(true)],
            Some("ContentNotApproved"),
            S::Reviewing,
            None,
        ),
        (
            "an edit approved while off the shelf stays off",
            vec![Approve(1), Shelf(false), Edit("v2"), Approve(2)],
            None,
            S::OffShelf,
            None,
        ),
        (
            "off the shelf, then on, with the edit shown",
            vec![
                Approve(1),
                Shelf(false),
                Edit("v2"),
                Approve(2),
                Shelf(true),
            ],
            None,
            S::Shown,
            Some("v2"),
        ),
        (
            "deleted: hidden",
            vec![Approve(1), Delete],
            None,
            S::Deleted,
            None,
        ),
        (
            "deleted while an edit waits",
            vec![Approve(1), Edit("v2"), Delete, Approve(2)],
            Some("ContentDeleted"),
            S::Deleted,
            None,
        ),
        (
            "no edit after delete",
            vec![Delete, Edit("v2")],
            Some("ContentDeleted"),
            S::Deleted,
            None,
        ),
        (
            "no shelf after delete",
            vec![Approve(1), Delete, Shelf(true)],
            Some("ContentDeleted"),
            S::Deleted,
            None,
        ),
        (
            "the same text as shown is no edit",
            vec![Approve(1), Edit("v1")],
            Some("ContentUnchanged"),
            S::Shown,
            Some("v1"),
        ),
        (
            "back to the shown text withdraws the edit",
            vec![Approve(1), Edit("v2"), Edit("v1")],
            None,
            S::Shown,
            Some("v1"),
        ),
    ];
    for (name, steps, err, status, shown) in rows {
        let mut item = ContentItem::new(owner(), &listing("v1"), 0).unwrap();
        let mut last = Ok(());
        for s in &steps {
            last = apply(&mut item, s);
        }
        assert_eq!(
            last.err().map(|e| e.code),
            err,
            "{name}: the last step's answer"
        );
        assert_eq!(item.status(), status, "{name}: status");
        let public = item.public().map(|s| s.form.headline().to_owned());
        assert_eq!(public.as_deref(), shown, "{name}: what the public sees");
    }
}

#[test]
fn a_refusal_needs_a_reason_and_keeps_it() {
    let mut item = ContentItem::new(owner(), &listing("v1"), 0).unwrap();
    assert_eq!(
        item.refuse(1, "  ").unwrap_err().code,
        "ContentReasonRequired"
    );
    assert_eq!(
        item.refuse(1, &"长".repeat(201)).unwrap_err().code,
        "ContentReasonRequired"
    );
    assert_eq!(item.status(), ContentStatus::Reviewing);
    item.refuse(1, " 图片\u{0}不清晰 ").unwrap();
    assert_eq!(
        item.review.as_ref().unwrap().reason.as_deref(),
        Some("图片不清晰")
    );
}

#[test]
fn an_edit_keeps_its_kind() {
    let mut item = ContentItem::new(owner(), &listing("v1"), 0).unwrap();
    let expert = ContentForm::Expert(ExpertForm {
        name: "陈之谦".into(),
        field: "品牌设计".into(),
        title: None,
        organisation: None,
        bio: None,
        photo: None,
    });
    assert_eq!(
        item.edit(&expert, 1).unwrap_err().code,
        "ContentKindChanged"
    );
    assert_eq!(item.rev, 1);
}

#[test]
fn forms_are_checked_field_by_field() {
    let img = Uuid::from_u128(9);
    let cert = |f: fn(&mut CertificateForm)| {
        let mut c = CertificateForm {
            title: "2015年度广东省诚信示范企业".into(),
            holder: "清远网博信息技术有限公司".into(),
            issuer: "广东省诚信示范企业评选委员会".into(),
            issued_on: "2015-12-24".into(),
            number: None,
            validity: None,
            image: img,
        };
        f(&mut c);
        validate(&ContentForm::Certificate(c)).err().map(|e| e.code)
    };
    assert_eq!(cert(|_| {}), None);
    assert_eq!(cert(|c| c.title = " ".into()), Some("ContentTitleRequired"));
    assert_eq!(
        cert(|c| c.title = "长".repeat(61)),
        Some("ContentTitleRequired")
    );
    assert_eq!(
        cert(|c| c.holder = "".into()),
        Some("CertificateHolderRequired")
    );
    assert_eq!(
        cert(|c| c.issuer = "".into()),
        Some("CertificateIssuerRequired")
    );
    assert_eq!(
        cert(|c| c.issued_on = "2015-13-01".into()),
        Some("ContentDateInvalid")
    );
    assert_eq!(
        cert(|c| c.issued_on = "去年".into()),
        Some("ContentDateInvalid")
    );
    assert_eq!(
        cert(|c| c.number = Some("号".repeat(41))),
        Some("ContentTextTooLong")
    );

    let many = ContentForm::Listing(ListingForm {
        images: (0..10u128).map(Uuid::from_u128).collect(),
        ..match listing("x") {
            ContentForm::Listing(l) => l,
            _ => unreachable!(),
        }
    });
    assert_eq!(validate(&many).unwrap_err().code, "ContentTooManyImages");
    // The same picture twice counts once.
    let twice = ContentForm::MemberShowcase(MemberShowcaseForm {
        intro: "简介".into(),
        photos: vec![img; 12],
    });
    match validate(&twice).unwrap() {
        ContentForm::MemberShowcase(m) => assert_eq!(m.photos, vec![img]),
        _ => unreachable!(),
    }
    let company = |w: &str| {
        validate(&ContentForm::CompanyShowcase(CompanyShowcaseForm {
            name: "清远网博".into(),
            industry: None,
            intro: None,
            address: None,
            website: Some(w.into()),
            logo: None,
        }))
        .err()
        .map(|e| e.code)
    };
    assert_eq!(company("https://wb.example"), None);
    assert_eq!(
        company("javascript:alert(1)"),
        Some("ContentWebsiteInvalid")
    );
    assert_eq!(
        validate(&ContentForm::MemberShowcase(MemberShowcaseForm {
            intro: "\u{7}".into(),
            photos: vec![]
        }))
        .unwrap_err()
        .code,
        "ShowcaseIntroRequired"
    );
}

#[test]
fn parse_reads_the_tagged_json_and_tidies_it() {
    let f = parse(&serde_json::json!({
        "kind": "listing", "side": "demand", "title": "  求购展台搭建 ",
        "valid_until": "2026-1-5"
    }))
    .unwrap();
    match f {
        ContentForm::Listing(l) => {
            assert_eq!(l.title, "求购展台搭建");
            assert_eq!(l.side, ListingSide::Demand);
            assert_eq!(l.valid_until.as_deref(), Some("2026-01-05"));
        }
        _ => panic!("not a listing"),
    }
    for bad in [
        serde_json::json!({"kind": "poster", "title": "x"}),
        serde_json::json!({"kind": "listing", "title": "x"}),
        serde_json::json!({"kind": "listing", "side": "supply", "title": "x", "phone": "13800000000"}),
        serde_json::json!([1, 2]),
    ] {
        assert_eq!(parse(&bad).unwrap_err().code, "ContentFormInvalid", "{bad}");
    }
}

#[test]
fn kinds_round_trip_their_names() {
    for k in ContentKind::ALL {
        assert_eq!(ContentKind::parse(k.as_str()), Some(k));
        assert!(!k.label_zh().is_empty());
    }
    assert_eq!(ContentKind::parse("news"), None);
}

#[test]
fn the_hall_search_matches_every_word_in_any_case() {
    let f = ContentForm::Listing(ListingForm {
        side: ListingSide::Supply,
        title: "品牌IP形象设计".into(),
        category: Some("品牌设计".into()),
        company: Some("清远网博信息技术有限公司".into()),
        price: Some("面议".into()),
        description: Some("微信小程序 H5 开发".into()),
        valid_until: None,
        images: Vec::new(),
    });
    assert!(f.matches("品牌"));
    assert!(f.matches("ip 网博"));
    assert!(f.matches("h5"));
    assert!(f.matches("  "));
    assert!(!f.matches("品牌 会计"));
    // The price is not searched (面议 is on every other listing).
    assert!(!f.matches("面议"));
}
