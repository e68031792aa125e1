//! Payment receipts (收据) and printable posters (venue and lottery codes) as small,
//! self-contained PDFs.
//!
//! No font is embedded: Chinese text uses the standard non-embedded CJK font
//! STSong-Light with the UniGB-UCS2-H CMap (as iText's itext-asian does), so a
//! receipt stays a few KB and every viewer substitutes its own Chinese font.
//! ASCII runs (digits, numbers, amounts) use the base-14 font Helvetica, as
//! the CJK font a viewer substitutes may have no Latin glyphs.
//! The output depends only on the input, so the same receipt always has the
//! same bytes (and the same hash).

use qrcode::{Color, EcLevel, QrCode};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

pub struct ReceiptData {
    pub receipt_no: String,
    pub issuer: String,
    pub payer: String,
    pub item: String,
    /// Integer fen (分); never floats.
    pub amount_fen: i64,
    pub method: String,
    pub paid_on: String,
    pub reference: Option<String>,
    pub confirmed_by: Option<String>,
    /// Already formatted in China time, e.g. "2026-12-01 10:30".
    pub confirmed_at: String,
    /// When set, drawn as a QR code with the caption "扫码核验".
    pub verify_url: Option<String>,
}

const DIGITS: [&str; 10] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"];

/// 人民币大写, following the rules of 《支付结算办法》: 零 for skipped
/// positions, 整 when there are neither 角 nor 分, "元零X分" when only 角 is
/// zero, 万/亿 as group units, "负" before negative amounts.
pub fn amount_in_words(fen: i64) -> String {
    let abs = fen.unsigned_abs();
    let (int, jiao, fen_digit) = (abs / 100, (abs / 10 % 10) as usize, (abs % 10) as usize);
    let mut s = String::new();
    if fen < 0 {
        s.push('负');
    }
    if int > 0 {
        s += &integer_words(int);
        s.push('元');
    }
    if jiao == 0 && fen_digit == 0 {
        if int == 0 {
            s += "零元";
        }
        s.push('整');
        return s;
    }
    if jiao > 0 {
        s += DIGITS[jiao];
        s.push('角');
    }
    if fen_digit > 0 {
        if jiao == 0 && int > 0 {
            s.push('零');
        }
        s += DIGITS[fen_digit];
        s.push('分');
    }
    s
}

/// Words for n > 0. Splitting recursively at 亿 and 万 (instead of a flat
/// list of group names) gives "壹万零壹亿" for 1_0001_0000_0000, not "壹万亿零壹亿".
fn integer_words(n: u64) -> String {
    const YI: u64 = 1_0000_0000;
    let (hi, lo, unit, span) = if n >= YI {
        (n / YI, n % YI, "亿", YI)
    } else if n >= 1_0000 {
        (n / 1_0000, n % 1_0000, "万", 1_0000)
    } else {
        return below_ten_thousand(n);
    };
    let mut s = integer_words(hi) + unit;
    if lo > 0 {
        // The lower part skips its leading position(s): that gap is read as 零.
        if lo < span / 10 {
            s.push('零');
        }
        s += &integer_words(lo);
    }
    s
}

fn below_ten_thousand(n: u64) -> String {
    const UNITS: [&str; 4] = ["仟", "佰", "拾", ""];
    let digits = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10];
    let mut s = String::new();
    let mut gap = false;
    for (d, unit) in digits.into_iter().zip(UNITS) {
        if d == 0 {
            gap = !s.is_empty();
            continue;
        }
        if gap {
            s.push('零');
            gap = false;
        }
        s += DIGITS[d as usize];
        s += unit;
    }
    s
}

/// "¥1,234.50"; negative amounts as "-¥1,234.50".
pub fn yuan(fen: i64) -> String {
    let abs = fen.unsigned_abs();
    let int = (abs / 100).to_string();
    let (head, rest) = int.split_at(match int.len() % 3 {
        0 => 3,
        r => r,
    });
    let mut grouped = head.to_owned();
    for group in rest.as_bytes().chunks(3) {
        grouped.push(',');
        grouped += std::str::from_utf8(group).unwrap_or_default();
    }
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}¥{grouped}.{:02}", abs % 100)
}

/// The UCS-2 code unit actually drawn for `c`.
fn pdf_char(c: char) -> u16 {
    match c {
        // U+00A5 maps to a CID beyond Adobe-GB1-2; the full-width sign is in GB2312.
        '¥' => 0xFFE5,
        c if (c as u32) < 0x20 => 0x20,
        c => u16::try_from(c as u32).unwrap_or(0x3F),
    }
}

/// The two fonts of the page.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Font {
    /// /F2, Helvetica: U+0020–U+007E. Ghostscript substitutes STSong-Light
    /// with fonts that may have no Latin glyphs at all (DroidSansFallback),
    /// which made every digit vanish; a base-14 font is always there.
    Latin,
    /// /F1, STSong-Light: everything else, drawn full width.
    Cjk,
}

fn font_of(u: u16) -> Font {
    if (0x20..=0x7E).contains(&u) {
        Font::Latin
    } else {
        Font::Cjk
    }
}

/// Helvetica's advance widths (standard AFM, WinAnsiEncoding) of U+0020–U+007E,
/// in 1/1000 em. Declared in /Widths so that every viewer advances by these
/// and not by its substitute font, which keeps our width estimate true.
const HELVETICA_WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0..?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p..~
];

/// Extra space after every CJK glyph (Tc), in em; Latin runs get none, as
/// their metrics are Helvetica's own.
const TRACKING: f32 = 0.04;

/// Advance in em of one drawn code unit, tracking included.
fn unit_width(u: u16) -> f32 {
    match font_of(u) {
        Font::Latin => f32::from(HELVETICA_WIDTHS[usize::from(u - 0x20)]) / 1000.0,
        Font::Cjk => 1.0 + TRACKING,
    }
}

/// Advance in em: ASCII as Helvetica, everything else full width.
fn em_width(s: &str) -> f32 {
    s.chars().map(|c| unit_width(pdf_char(c))).sum()
}

/// Cuts `s` so that it fits in `max_em`, marking the cut with "…".
fn fit(s: &str, max_em: f32) -> String {
    if em_width(s) <= max_em {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut width = em_width("…");
    for c in s.chars() {
        width += em_width(c.encode_utf8(&mut [0; 4]));
        if width > max_em {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// The code units drawn for `s`, split into runs of one font each.
fn runs(s: &str) -> Vec<(Font, Vec<u16>)> {
    let mut runs: Vec<(Font, Vec<u16>)> = Vec::new();
    for u in s.chars().map(pdf_char) {
        let font = font_of(u);
        match runs.last_mut() {
            Some((f, units)) if *f == font => units.push(u),
            _ => runs.push((font, vec![u])),
        }
    }
    runs
}

/// A run as a string operand: literal for Helvetica (WinAnsi bytes, which
/// ASCII is), hex UCS-2 for the CID font.
fn string_operand(font: Font, units: &[u16]) -> String {
    match font {
        Font::Latin => {
            let mut s = String::from("(");
            for &u in units {
                let c = char::from(u8::try_from(u).unwrap_or(b'?'));
                if matches!(c, '\\' | '(' | ')') {
                    s.push('\\');
                }
                s.push(c);
            }
            s + ")"
        }
        Font::Cjk => format!(
            "<{}>",
            units.iter().map(|u| format!("{u:04X}")).collect::<String>()
        ),
    }
}

/// Short, deterministic decimal for content-stream operands.
fn num(v: f32) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The page's content stream, drawn in PDF points from the bottom left.
struct Canvas {
    ops: String,
    /// Off only in tests, to measure what truncation saves.
    truncate: bool,
}

enum Align {
    Left,
    Center,
    Right,
}

impl Canvas {
    /// Draws `s` at baseline `y`, cut to `max_w` points; `x` is the left edge,
    /// the centre or the right edge according to `align`.
    fn text(&mut self, x: f32, y: f32, size: f32, max_w: f32, align: Align, s: &str) {
        let s = if self.truncate {
            fit(s, max_w / size)
        } else {
            s.to_owned()
        };
        let w = em_width(&s) * size;
        let x = match align {
            Align::Left => x,
            Align::Center => x - w / 2.0,
            Align::Right => x - w,
        };
        if s.is_empty() {
            return;
        }
        // One BT/ET block; each run after the first is placed by Td (relative
        // to the previous run's start) from our own widths, in hundredths of
        // a point so that the rounding does not add up along the line.
        let _ = write!(self.ops, "BT {} {} Td", num(x), num(y));
        let (mut at, mut placed) = (0.0, 0);
        for (i, (font, units)) in runs(&s).into_iter().enumerate() {
            if i > 0 {
                let to = (at * size * 100.0).round() as i64;
                let _ = write!(self.ops, " {} 0 Td", num((to - placed) as f32 / 100.0));
                placed = to;
            }
            let (name, tc) = match font {
                Font::Latin => ("/F2", 0.0),
                Font::Cjk => ("/F1", TRACKING * size),
            };
            let operand = string_operand(font, &units);
            let _ = write!(
                self.ops,
                " {name} {} Tf {} Tc {operand} Tj",
                num(size),
                num(tc)
            );
            at += units.into_iter().map(unit_width).sum::<f32>();
        }
        self.ops += " ET\n";
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        let _ = writeln!(
            self.ops,
            "{} {} m {} {} l S",
            num(x1),
            num(y1),
            num(x2),
            num(y2)
        );
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let _ = write!(self.ops, "{} {} {} {} re ", num(x), num(y), num(w), num(h));
    }

    /// A QR code whose top-left corner (quiet zone included) is at (x, top).
    /// Each horizontal run of dark modules becomes one rectangle, all filled
    /// at once. Returns false when the data does not fit in a QR code.
    fn qr(&mut self, x: f32, top: f32, size: f32, data: &str) -> bool {
        const QUIET: usize = 4;
        let Ok(code) = QrCode::with_error_correction_level(data, EcLevel::M) else {
            return false;
        };
        let n = code.width();
        let m = size / (n + 2 * QUIET) as f32;
        // In module units with y pointing down, every operand is a small integer.
        let (m, x, top) = (num(m), num(x), num(top));
        let _ = writeln!(self.ops, "q 0 g {m} 0 0 -{m} {x} {top} cm");
        for row in 0..n {
            let mut col = 0;
            while col < n {
                if code[(col, row)] != Color::Dark {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < n && code[(col, row)] == Color::Dark {
                    col += 1;
                }
                let (x, y) = (QUIET + start, QUIET + row);
                let _ = write!(self.ops, "{x} {y} {} 1 re ", col - start);
            }
            self.ops.push('\n');
        }
        self.ops += "f Q\n";
        true
    }
}

// A5 landscape, in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 419.53;
const MARGIN: f32 = 40.0;
// The table: its top edge, the height of a row, and where values start.
const TABLE_TOP: f32 = 318.0;
const ROW_H: f32 = 26.0;
const SPLIT: f32 = MARGIN + 110.0;

pub fn receipt_pdf(d: &ReceiptData) -> Vec<u8> {
    build(d, true)
}

fn build(d: &ReceiptData, truncate: bool) -> Vec<u8> {
    let content = draw(d, truncate);
    pdf_of(PAGE_W, PAGE_H, &content, &format!("收据 {}", d.receipt_no))
}

// A4 portrait, for posters.
const A4_W: f32 = 595.28;
const A4_H: f32 = 841.89;

/// A poster to print and put up (an event's venue code, a lottery's code): the title,
/// a line under it, a large QR code and a caption. Long titles are cut to the page.
pub fn poster_pdf(title: &str, subtitle: &str, qr: &str, caption: &str) -> Vec<u8> {
    let mut c = Canvas {
        ops: String::new(),
        truncate: true,
    };
    let mid = A4_W / 2.0;
    c.text(
        mid,
        A4_H - 120.0,
        30.0,
        A4_W - 2.0 * MARGIN,
        Align::Center,
        title,
    );
    c.text(
        mid,
        A4_H - 170.0,
        22.0,
        A4_W - 2.0 * MARGIN,
        Align::Center,
        subtitle,
    );
    let size = 380.0;
    c.qr(mid - size / 2.0, A4_H - 200.0, size, qr);
    c.text(
        mid,
        A4_H - 620.0,
        16.0,
        A4_W - 2.0 * MARGIN,
        Align::Center,
        caption,
    );
    c.text(
        mid,
        60.0,
        11.0,
        A4_W - 2.0 * MARGIN,
        Align::Center,
        "会籍 · 请使用会籍App扫码",
    );
    pdf_of(A4_W, A4_H, &c.ops, title)
}

/// One page with our two fonts around `content` (a content stream).
/// What a completion certificate (结业证书) says.
pub struct CertificateData<'a> {
    pub title: &'a str,
    pub name: &'a str,
    pub course: &'a str,
    pub issuer: &'a str,
    pub date: &'a str,
    pub number: &'a str,
    pub verify_url: &'a str,
}

/// A completion certificate, A4 landscape: a double frame, the certificate's title, the
/// learner and the course, the issuer and date, its number, and a QR of its verification
/// page.
pub fn certificate_pdf(d: &CertificateData) -> Vec<u8> {
    let (w, h) = (A4_H, A4_W);
    let mut c = Canvas {
        ops: String::new(),
        truncate: true,
    };
    c.ops += "0.75 0.56 0 RG 3 w ";
    c.rect(24.0, 24.0, w - 48.0, h - 48.0);
    c.ops += "S 1 w ";
    c.rect(34.0, 34.0, w - 68.0, h - 68.0);
    c.ops += "S 0 0 0 RG\n";
    let mid = w / 2.0;
    let span = w - 4.0 * MARGIN;
    c.text(mid, h - 120.0, 34.0, span, Align::Center, d.title);
    c.text(
        mid,
        h - 185.0,
        20.0,
        span,
        Align::Center,
        &format!("兹证明 {}", d.name),
    );
    c.text(
        mid,
        h - 225.0,
        16.0,
        span,
        Align::Center,
        &format!("已完成《{}》全部课程学习，成绩合格，准予结业。", d.course),
    );
    c.text(
        MARGIN * 2.0,
        150.0,
        14.0,
        span / 2.0,
        Align::Left,
        &format!("颁发单位：{}", d.issuer),
    );
    c.text(
        MARGIN * 2.0,
        125.0,
        14.0,
        span / 2.0,
        Align::Left,
        &format!("发证日期：{}", d.date),
    );
    c.text(
        MARGIN * 2.0,
        100.0,
        12.0,
        span / 2.0,
        Align::Left,
        &format!("证书编号：{}", d.number),
    );
    let size = 120.0;
    c.qr(w - MARGIN * 2.0 - size, 200.0, size, d.verify_url);
    c.text(
        w - MARGIN * 2.0 - size / 2.0,
        68.0,
        10.0,
        size + 40.0,
        Align::Center,
        "扫码验证证书真伪",
    );
    pdf_of(w, h, &c.ops, d.title)
}

fn pdf_of(page_w: f32, page_h: f32, content: &str, title: &str) -> Vec<u8> {
    let widths: Vec<String> = HELVETICA_WIDTHS.iter().map(u16::to_string).collect();
    let title_hex: String = title.encode_utf16().map(|u| format!("{u:04X}")).collect();
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] \
             /Resources << /Font << /F1 4 0 R /F2 7 0 R >> >> /Contents 8 0 R >>",
            num(page_w),
            num(page_h)
        ),
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H \
         /DescendantFonts [5 0 R] >>"
            .to_owned(),
        // No /W: every CID drawn is full width, as the ASCII ones go to /F2.
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light \
         /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> \
         /FontDescriptor 6 0 R /DW 1000 >>"
            .to_owned(),
        // Metrics as published for STSong-Light (itext-asian).
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 \
         /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 \
         /CapHeight 880 /StemV 93 >>"
            .to_owned(),
        format!(
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding \
             /FirstChar 32 /LastChar 126 /Widths [{}] >>",
            widths.join(" ")
        ),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
        format!("<< /Producer (Huiji) /Title <FEFF{title_hex}> >>"),
    ];

    let mut pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    // A content-derived file ID keeps the output deterministic.
    let id = hex::encode_upper(&Sha256::digest(&pdf)[..16]);
    let xref_at = pdf.len();
    let mut tail = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for off in offsets {
        let _ = writeln!(tail, "{off:010} 00000 n ");
    }
    let _ = write!(
        tail,
        "trailer\n<< /Size {} /Root 1 0 R /Info {} 0 R /ID [<{id}> <{id}>] >>\n\
         startxref\n{xref_at}\n%%EOF\n",
        objects.len() + 1,
        objects.len()
    );
    pdf.extend_from_slice(tail.as_bytes());
    pdf
}

fn draw(d: &ReceiptData, truncate: bool) -> String {
    let ops = String::new();
    let mut c = Canvas { ops, truncate };
    let right = PAGE_W - MARGIN;
    let center = PAGE_W / 2.0;

    // Title, stroked as well as filled to stand in for a bold face.
    c.ops += "0 g 0 G 2 Tr 0.6 w\n";
    c.text(center, 362.0, 26.0, 200.0, Align::Center, "收　据");
    c.ops += "0 Tr 0.8 w\n";
    c.line(center - 52.0, 353.0, center + 52.0, 353.0);
    c.line(center - 52.0, 350.0, center + 52.0, 350.0);

    let no = format!("No. {}", d.receipt_no);
    let date = d.confirmed_at.split(' ').next().unwrap_or_default();
    let date = format!("开具日期：{date}");
    c.text(right, 342.0, 10.0, 190.0, Align::Right, &no);
    c.text(right, 328.0, 10.0, 190.0, Align::Right, &date);

    let words = format!("人民币{}", amount_in_words(d.amount_fen));
    let reference = d.reference.as_deref().unwrap_or("—");
    let rows: [(&str, &str, f32); 7] = [
        ("交款单位/个人", &d.payer, 11.0),
        ("收款项目", &d.item, 11.0),
        ("金额（大写）", &words, 12.0),
        ("金额（小写）", &yuan(d.amount_fen), 12.0),
        ("缴费方式", &d.method, 11.0),
        ("缴费日期", &d.paid_on, 11.0),
        ("流水号 / 凭证号", reference, 11.0),
    ];
    let (top, row_h, split) = (TABLE_TOP, ROW_H, SPLIT);
    let bottom = top - row_h * rows.len() as f32;

    c.ops += "0.93 g\n";
    c.rect(MARGIN, bottom, split - MARGIN, top - bottom);
    c.ops += "f\n0 g\n";
    let (label_x, value_w) = ((MARGIN + split) / 2.0, right - split - 20.0);
    for (i, (label, value, size)) in rows.into_iter().enumerate() {
        let base = top - row_h * i as f32 - 17.0;
        c.text(label_x, base, 11.0, 104.0, Align::Center, label);
        c.text(split + 10.0, base, size, value_w, Align::Left, value);
    }
    c.ops += "0.6 w\n";
    for i in 1..rows.len() {
        let y = top - row_h * i as f32;
        c.line(MARGIN, y, right, y);
    }
    c.line(split, top, split, bottom);
    c.ops += "1.2 w\n";
    c.rect(MARGIN, bottom, right - MARGIN, top - bottom);
    c.ops += "S\n";

    let qr = 72.0;
    let has_qr = match &d.verify_url {
        Some(url) => c.qr(right - qr, bottom - 6.0, qr, url),
        None => false,
    };
    if has_qr {
        let (x, y) = (right - qr / 2.0, bottom - qr - 10.0);
        c.text(x, y, 9.0, qr, Align::Center, "扫码核验");
    }
    let footer_w = right - MARGIN - if has_qr { qr + 16.0 } else { 0.0 };
    let issuer = format!("收款单位：{}", d.issuer);
    let by = d.confirmed_by.as_deref().unwrap_or("—");
    let by = format!("确认人：{by}  确认时间：{}", d.confirmed_at);
    c.text(MARGIN, bottom - 24.0, 11.0, footer_w, Align::Left, &issuer);
    c.text(MARGIN, bottom - 44.0, 11.0, footer_w, Align::Left, &by);
    c.ops.pop(); // the stream's own EOL comes from the writer
    c.ops
}

/// Text for an HTML page: `&`, `<`, `>` and both quotes escaped.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ReceiptData {
        ReceiptData {
            receipt_no: "HJ-20261201-000123".into(),
            issuer: "江苏省互联网协会".into(),
            payer: "江苏测试网络科技有限公司".into(),
            item: "2026年度会费".into(),
            amount_fen: 1_000_000,
            method: "银行转账".into(),
            paid_on: "2026-11-30".into(),
            reference: Some("20261130NJ0001234567".into()),
            confirmed_by: Some("张靖".into()),
            confirmed_at: "2026-12-01 10:30".into(),
            verify_url: Some("https://huiji.example.cn/r/HJ-20261201-000123?s=9f2c4e1a".into()),
        }
    }

    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }

    fn contains(hay: &[u8], needle: &str) -> bool {
        find(hay, needle.as_bytes()).is_some()
    }

    /// The decimal number at the start of `b`.
    fn number_at(b: &[u8]) -> usize {
        let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
        std::str::from_utf8(&b[..digits]).unwrap().parse().unwrap()
    }

    /// Checks header, xref, trailer and stream length; returns the content stream.
    fn check_structure(pdf: &[u8]) -> Vec<u8> {
        assert!(pdf.starts_with(b"%PDF-1.7\n%"));
        assert!(pdf[10..14].iter().all(|b| *b > 127), "binary comment line");
        assert!(pdf.ends_with(b"%%EOF\n"));
        let sx = pdf.windows(9).rposition(|w| w == b"startxref").unwrap();
        let xref_at = number_at(&pdf[sx + 10..]);
        assert!(pdf[xref_at..].starts_with(b"xref\n0 "), "startxref → xref");
        let count = number_at(&pdf[xref_at + 7..]);
        let entries = xref_at + format!("xref\n0 {count}\n").len();
        assert!(pdf[entries..].starts_with(b"0000000000 65535 f \n"));
        for i in 1..count {
            let entry = &pdf[entries + 20 * i..][..20];
            assert!(entry.ends_with(b" 00000 n \n"), "entry {i} is 20 bytes");
            let off = number_at(entry);
            let obj = format!("{i} 0 obj\n");
            assert!(pdf[off..].starts_with(obj.as_bytes()), "object {i}");
        }
        let trailer = &pdf[entries + 20 * count..sx];
        assert!(trailer.starts_with(b"trailer\n<< "));
        assert!(contains(
            trailer,
            &format!("/Size {count} /Root 1 0 R /Info ")
        ));
        let at = find(pdf, b"/Length ").unwrap() + 8;
        let len = number_at(&pdf[at..]);
        let start = at + len.to_string().len() + " >>\nstream\n".len();
        assert!(pdf[start + len..].starts_with(b"\nendstream"), "/Length");
        pdf[start..start + len].to_vec()
    }

    /// The text of every BT…ET block of `stream`, decoded. Checks on the way
    /// that hex strings are drawn in /F1 and hold no ASCII, and that literal
    /// strings are drawn in /F2 and hold only ASCII.
    fn texts(stream: &[u8]) -> Vec<String> {
        let (mut out, mut font, mut name) = (Vec::new(), "", "");
        let mut cur: Option<String> = None;
        let s = std::str::from_utf8(stream).unwrap();
        let mut i = 0;
        while i < s.len() {
            let rest = &s[i..];
            if rest.starts_with(char::is_whitespace) {
                i += 1;
            } else if let Some(hex) = rest.strip_prefix('<') {
                let hex = &hex[..hex.find('>').unwrap()];
                assert_eq!(font, "/F1", "<{hex}>");
                assert_eq!(hex.len() % 4, 0, "<{hex}>");
                let units: Vec<u16> = (0..hex.len())
                    .step_by(4)
                    .map(|j| u16::from_str_radix(&hex[j..j + 4], 16).unwrap())
                    .collect();
                assert!(units.iter().all(|u| !(0x20..=0x7E).contains(u)), "<{hex}>");
                cur.as_mut()
                    .unwrap()
                    .push_str(&String::from_utf16(&units).unwrap());
                i += hex.len() + 2;
            } else if rest.starts_with('(') {
                assert_eq!(font, "/F2", "{rest}");
                let mut chars = rest.char_indices().skip(1);
                loop {
                    let (j, c) = chars.next().expect("closed literal");
                    let c = match c {
                        ')' => {
                            i += j + 1;
                            break;
                        }
                        '\\' => chars.next().unwrap().1,
                        '(' => panic!("unescaped ( in {rest}"),
                        c => c,
                    };
                    assert!((' '..='~').contains(&c), "{c:?}");
                    cur.as_mut().unwrap().push(c);
                }
            } else {
                let word = rest.split_whitespace().next().unwrap();
                match word {
                    "BT" => assert!(cur.replace(String::new()).is_none(), "nested BT"),
                    "ET" => out.push(cur.take().expect("BT before ET")),
                    "Tf" => font = name,
                    w if w.starts_with('/') => name = w,
                    _ => {}
                }
                i += word.len();
            }
        }
        assert!(cur.is_none(), "unclosed BT");
        out
    }

    #[test]
    fn amount_in_words_follows_financial_rules() {
        // (yuan, fen part, words): amounts written the Chinese way, in groups of four.
        let cases: &[(i64, i64, &str)] = &[
            (0, 0, "零元整"),
            (0, 1, "壹分"),
            (0, 10, "壹角"),
            (0, 56, "伍角陆分"),
            (1, 0, "壹元整"),
            (1, 50, "壹元伍角"),
            (10, 0, "壹拾元整"),
            (10, 1, "壹拾元零壹分"),
            (101, 0, "壹佰零壹元整"),
            (1010, 0, "壹仟零壹拾元整"),
            (1000, 0, "壹仟元整"),
            (123, 45, "壹佰贰拾叁元肆角伍分"),
            (1680, 32, "壹仟陆佰捌拾元叁角贰分"),
            (6007, 14, "陆仟零柒元壹角肆分"),
            (1_0000, 0, "壹万元整"),
            (1_0000, 5, "壹万元零伍分"),
            (10_0010, 0, "壹拾万零壹拾元整"),
            (10_7000, 53, "壹拾万柒仟元伍角叁分"),
            (100_1000, 0, "壹佰万壹仟元整"),
            (1000_0000, 0, "壹仟万元整"),
            (1000_0000, 5, "壹仟万元零伍分"),
            (1_0000_0000, 0, "壹亿元整"),
            (1_0000_0001, 0, "壹亿零壹元整"),
            (1_1000_0000, 0, "壹亿壹仟万元整"),
            (1_0010_0000, 0, "壹亿零壹拾万元整"),
            (1_2345_6789, 1, "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元零壹分"),
            (1_0001_0000_0000, 0, "壹万零壹亿元整"),
            (1_0000_0000_0000_0000, 0, "壹亿亿元整"),
            (-123, -45, "负壹佰贰拾叁元肆角伍分"),
        ];
        for (yuan, fen, words) in cases {
            let amount = yuan * 100 + fen;
            assert_eq!(amount_in_words(amount), *words, "{amount} fen");
        }
        assert_eq!(
            amount_in_words(i64::MIN),
            "负玖亿贰仟贰佰叁拾叁万柒仟贰佰零叁亿陆仟捌佰伍拾肆万柒仟柒佰伍拾捌元零捌分"
        );
    }

    #[test]
    fn yuan_groups_thousands() {
        assert_eq!(yuan(0), "¥0.00");
        assert_eq!(yuan(5), "¥0.05");
        assert_eq!(yuan(123450), "¥1,234.50");
        assert_eq!(yuan(100_000_000), "¥1,000,000.00");
        assert_eq!(yuan(99_999), "¥999.99");
        assert_eq!(yuan(-123450), "-¥1,234.50");
    }

    #[test]
    fn fit_truncates_by_estimated_width() {
        let approx = |a: f32, b: f32| (a - b).abs() < 1e-4;
        assert!(approx(em_width("0123456789"), 5.56));
        // Helvetica for ASCII (the emoji is drawn as "?"), tracked full width else.
        let mixed = 2.0 * (1.0 + TRACKING) + 0.278 + 0.556 + 0.556 + 0.556;
        assert!(approx(em_width("江苏 ab😀"), mixed));
        assert!(approx(em_width("¥"), 1.0 + TRACKING), "drawn as ￥");
        assert_eq!(fit("江苏abc", 3.7), "江苏abc");
        assert_eq!(fit("江苏abc", 3.68), "江苏a…");
        assert_eq!(fit("江苏省互联网协会", 4.2), "江苏省…");
        assert_eq!(fit("0123456789", 3.3), "0123…");
        assert!(em_width(&fit(&"汉a".repeat(100), 20.0)) <= 20.0);
    }

    #[test]
    fn text_switches_fonts_within_one_block() {
        let mut c = Canvas {
            ops: String::new(),
            truncate: true,
        };
        // 2 × 1.04 + (278 + 556 × 3 + 333 × 2) / 1000 + 1.04 em at 10 pt.
        c.text(100.0, 50.0, 10.0, 400.0, Align::Right, "江苏 ab(1)号");
        c.text(10.0, 20.0, 9.0, 400.0, Align::Left, "a\\b");
        c.text(10.0, 20.0, 9.0, 400.0, Align::Left, "");
        assert_eq!(
            c.ops,
            "BT 42.68 50 Td /F1 10 Tf 0.4 Tc <6C5F82CF> Tj \
             20.8 0 Td /F2 10 Tf 0 Tc ( ab\\(1\\)) Tj \
             26.12 0 Td /F1 10 Tf 0.4 Tc <53F7> Tj ET\n\
             BT 10 20 Td /F2 9 Tf 0 Tc (a\\\\b) Tj ET\n"
        );
        assert_eq!(texts(c.ops.as_bytes()), ["江苏 ab(1)号", "a\\b"]);
    }

    #[test]
    fn pdf_structure_and_text() {
        let pdf = receipt_pdf(&sample());
        let stream = check_structure(&pdf);
        for needle in [
            "/Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >>",
            "/Subtype /CIDFontType0",
            "/Type /FontDescriptor /FontName /STSong-Light /Flags 6",
            "/FontDescriptor 6 0 R /DW 1000 >>",
            "/Font << /F1 4 0 R /F2 7 0 R >>",
            "7 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica \
             /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 126 /Widths [278 278 355 ",
            " 334 260 334 584] >>",
            "/Producer (Huiji) /Title <FEFF6536636E00200048004A", // 收据 HJ
        ] {
            assert!(contains(&pdf, needle), "{needle}");
        }
        assert!(!contains(&pdf, "/W ["), "no CID widths left to declare");
        assert!(contains(&stream, "<6536"), "收");
        assert!(contains(
            &stream,
            "/F2 10 Tf 0 Tc (No. HJ-20261201-000123) Tj"
        ));
        assert!(contains(
            &stream,
            "<FFE5> Tj 12.48 0 Td /F2 12 Tf 0 Tc (10,000.00) Tj"
        ));
        assert!(contains(&stream, " re "));
        let texts = texts(&stream);
        for text in [
            "收　据",
            "No. HJ-20261201-000123",
            "开具日期：2026-12-01",
            "江苏测试网络科技有限公司",
            "2026年度会费",
            "人民币壹万元整",
            "￥10,000.00",
            "20261130NJ0001234567",
            "扫码核验",
            "确认人：张靖  确认时间：2026-12-01 10:30",
        ] {
            assert!(texts.iter().any(|t| t == text), "{text} in {texts:?}");
        }
        assert!(pdf.len() < 12_000, "{} bytes", pdf.len());
    }

    #[test]
    fn optional_fields_and_no_qr() {
        let d = ReceiptData {
            reference: None,
            confirmed_by: None,
            verify_url: None,
            ..sample()
        };
        let pdf = receipt_pdf(&d);
        let stream = check_structure(&pdf);
        assert!(contains(&stream, "<2014>"), "reference shown as an em dash");
        let rects = |s: &[u8]| s.windows(4).filter(|w| w == b" re ").count();
        assert_eq!(rects(&stream), 2, "label shading and border only");
        assert!(rects(&check_structure(&receipt_pdf(&sample()))) > 30);
        assert!(!texts(&stream).iter().any(|t| t == "扫码核验"));
        assert!(pdf.len() < receipt_pdf(&sample()).len());
    }

    #[test]
    fn deterministic_truncated_and_bmp_only() {
        assert_eq!(receipt_pdf(&sample()), receipt_pdf(&sample()));

        let long = ReceiptData {
            payer: "江苏测试网络科技有限公司abc".repeat(20),
            ..sample()
        };
        assert_eq!(long.payer.chars().count(), 300);
        let pdf = receipt_pdf(&long);
        let stream = check_structure(&pdf);
        assert!(contains(&stream, "2026> Tj"), "cut text ends with …");
        let texts_of = |pdf: &[u8]| texts(&check_structure(pdf));
        let cut = texts_of(&pdf);
        assert!(!cut.contains(&long.payer));
        assert!(cut
            .iter()
            .any(|t| t.ends_with('…') && long.payer.starts_with(t.trim_end_matches('…'))));
        let untruncated = build(&long, false);
        assert!(texts_of(&untruncated).contains(&long.payer));
        assert!(pdf.len() + 1000 < untruncated.len());

        let emoji = ReceiptData {
            payer: "😀张三".into(),
            ..sample()
        };
        let stream = check_structure(&receipt_pdf(&emoji));
        assert!(contains(
            &stream,
            "(?) Tj 6.12 0 Td /F1 11 Tf 0.44 Tc <5F204E09> Tj"
        ));
        assert!(texts(&stream).iter().any(|t| t == "?张三"));

        let escaped = ReceiptData {
            payer: r"A(b)\c 公司".into(),
            ..sample()
        };
        let stream = check_structure(&receipt_pdf(&escaped));
        assert!(contains(&stream, r"(A\(b\)\\c ) Tj"));
        assert!(texts(&stream).iter().any(|t| t == r"A(b)\c 公司"));
    }

    /// Renders the page at `dpi` with poppler (`pdftoppm`) or Ghostscript
    /// (`gs`) into `dir`/out.png; returns its luma, or None when the tool is
    /// not installed (which fails under CI=true).
    fn render(tool: &str, pdf: &[u8], dpi: u32, dir: &std::path::Path) -> Option<image::GrayImage> {
        let (probe, package) = match tool {
            "gs" => ("--version", "ghostscript"),
            _ => ("-v", "poppler-utils"),
        };
        let on_path = std::process::Command::new(tool).arg(probe).output().is_ok();
        if !on_path {
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "{tool} is required on CI"
            );
            eprintln!("notice: {tool} not found (apt-get install {package}); skipping");
            return None;
        }
        let file = dir.join("receipt.pdf");
        let png = dir.join("out.png");
        std::fs::write(&file, pdf).unwrap();
        let mut cmd = std::process::Command::new(tool);
        if tool == "gs" {
            cmd.args(["-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=png16m"])
                .arg(format!("-r{dpi}"))
                .arg(format!("-sOutputFile={}", png.display()))
                .arg(&file);
        } else {
            cmd.args(["-r", &dpi.to_string(), "-png", "-singlefile"])
                .arg(&file)
                .arg(dir.join("out"));
        }
        let out = cmd.output().unwrap();
        let log = String::from_utf8_lossy(&out.stderr) + String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{tool} failed: {log}");
        for word in ["xref", "trailer", "Error"] {
            assert!(!log.contains(word), "{tool}: {log}");
        }
        Some(image::open(png).expect("a PNG").to_luma8())
    }

    #[test]
    fn renders_with_poppler() {
        let dir = tempfile::tempdir().unwrap();
        let Some(img) = render("pdftoppm", &receipt_pdf(&sample()), 60, dir.path()) else {
            return;
        };
        // A5 landscape at 60 dpi.
        assert!(img.width().abs_diff(496) <= 1 && img.height().abs_diff(350) <= 1);
        let dark = img.pixels().filter(|p| p.0[0] < 100).count();
        assert!(dark > 500, "only {dark} dark pixels");
    }

    /// Ghostscript substitutes STSong-Light with a CJK font that may have no
    /// Latin glyphs (DroidSansFallback on Debian and Ubuntu), so digits drawn
    /// in it vanish; drawn in Helvetica they must show.
    #[test]
    fn renders_digits_with_ghostscript() {
        let d = ReceiptData {
            receipt_no: "HJ-20261201-000123".into(),
            issuer: "Example Association".into(),
            payer: "Example Network Co., Ltd.".into(),
            item: "2026 dues".into(),
            amount_fen: 1_234_567_800,
            method: "Bank transfer".into(),
            paid_on: "2026-11-30".into(),
            reference: Some("20261130NJ0001234567".into()),
            confirmed_by: Some("Zhang Jing".into()),
            confirmed_at: "2026-12-01 10:30".into(),
            verify_url: None,
        };
        let dir = tempfile::tempdir().unwrap();
        let dpi = 100.0;
        let Some(img) = render("gs", &receipt_pdf(&d), dpi as u32, dir.path()) else {
            return;
        };
        let px = |pt: f32| (pt * dpi / 72.0).round() as u32;
        assert_eq!((img.width(), img.height()), (px(PAGE_W), px(PAGE_H)));
        // The value cell of 金额（小写）, the fourth row, without its ruled lines
        // and the ￥ (12 pt, after 10 pt of padding): only the Helvetica digits
        // "12,345,678.00" are in it.
        let row = 3.0;
        let (cell_top, cell_bottom) = (TABLE_TOP - ROW_H * row, TABLE_TOP - ROW_H * (row + 1.0));
        let (x0, x1) = (
            SPLIT + 10.0 + em_width("￥") * 12.0 + 1.0,
            PAGE_W - MARGIN - 3.0,
        );
        let (y0, y1) = (PAGE_H - cell_top + 3.0, PAGE_H - cell_bottom - 3.0);
        let mut dark = 0;
        for y in px(y0)..px(y1) {
            for x in px(x0)..px(x1) {
                dark += usize::from(img.get_pixel(x, y).0[0] < 128);
            }
        }
        assert!(dark > 100, "only {dark} dark pixels where the digits are");
    }

    /// Writes /tmp/receipt-sample.pdf and its renders /tmp/receipt-poppler.png
    /// and /tmp/receipt-gs.png for a visual check:
    /// `cargo test -p huiji-server --lib receipt -- --ignored`.
    #[test]
    #[ignore]
    fn sample_png() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = sample();
        d.payer =
            "江苏测试网络科技有限公司（南京分公司）暨长三角互联网产业联盟理事单位代表处".into();
        let pdf = receipt_pdf(&d);
        std::fs::write("/tmp/receipt-sample.pdf", &pdf).unwrap();
        for (tool, name) in [("pdftoppm", "poppler"), ("gs", "gs")] {
            if render(tool, &pdf, 100, dir.path()).is_some() {
                let to = format!("/tmp/receipt-{name}.png");
                std::fs::copy(dir.path().join("out.png"), to).unwrap();
            }
        }
    }
}
