use std::io::Cursor;
use std::time::{Duration, Instant};

use huiji_qr::{decode_image_bytes, decode_luma, decode_rgba, QrError};
use image::codecs::jpeg::JpegEncoder;
use image::{GrayImage, ImageFormat, Luma, RgbaImage};
use proptest::prelude::*;
use qrcode::{Color, EcLevel, QrCode};

const BASE45: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// "HJ1:" and 250 Base45 characters, from a fixed xorshift sequence.
fn payload(seed: u64) -> String {
    let mut x = seed.max(1);
    let mut s = String::from("HJ1:");
    for _ in 0..250 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.push(char::from(BASE45[(x % 45) as usize]));
    }
    s
}

/// The code at `scale` pixels a module, with a 4-module quiet zone, on a
/// `canvas`-pixel square gray background, rotated by `degrees` about the centre.
fn render(text: &str, scale: u32, canvas: u32, degrees: f64) -> GrayImage {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).unwrap();
    let n = code.width() as i64;
    let colors = code.to_colors();
    let side = (n + 8) as f64 * f64::from(scale);
    let c = f64::from(canvas) / 2.0;
    let (s, co) = degrees.to_radians().sin_cos();
    GrayImage::from_fn(canvas, canvas, |x, y| {
        let (dx, dy) = (f64::from(x) - c, f64::from(y) - c);
        let (u, v) = (
            dx * co + dy * s + side / 2.0,
            -dx * s + dy * co + side / 2.0,
        );
        if u < 0.0 || v < 0.0 || u >= side || v >= side {
            return Luma([128]);
        }
        let (mx, my) = (
            (u / f64::from(scale)) as i64 - 4,
            (v / f64::from(scale)) as i64 - 4,
        );
        let dark = (0..n).contains(&mx)
            && (0..n).contains(&my)
            && colors[(my * n + mx) as usize] == Color::Dark;
        Luma([if dark { 20 } else { 235 }])
    })
}

fn encode(img: &GrayImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

#[test]
fn png_decodes_to_its_payload() {
    let text = payload(1);
    let png = encode(&render(&text, 6, 500, 0.0), ImageFormat::Png);
    assert_eq!(decode_image_bytes(&png), Ok(vec![text]));
}

#[test]
fn jpeg_quality_40_decodes() {
    let text = payload(2);
    let img = render(&text, 5, 480, 0.0);
    let mut jpg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpg, 40)
        .encode_image(&img)
        .unwrap();
    assert_eq!(decode_image_bytes(&jpg), Ok(vec![text]));
}

#[test]
fn rotated_code_decodes() {
    let text = payload(3);
    let img = render(&text, 5, 600, 33.0);
    assert_eq!(
        decode_luma(img.width(), img.height(), img.as_raw()),
        Ok(vec![text])
    );
}

#[test]
fn rgba_with_transparent_background_decodes() {
    let text = payload(4);
    let gray = render(&text, 5, 450, 0.0);
    // Ink opaque black, everything else fully transparent black: only
    // compositing over white makes this readable.
    let rgba = RgbaImage::from_fn(gray.width(), gray.height(), |x, y| {
        let a = if gray.get_pixel(x, y)[0] < 128 {
            255
        } else {
            0
        };
        image::Rgba([0, 0, 0, a])
    });
    assert_eq!(
        decode_rgba(rgba.width(), rgba.height(), rgba.as_raw()),
        Ok(vec![text.clone()])
    );
    let png = {
        let mut out = Cursor::new(Vec::new());
        rgba.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    };
    assert_eq!(decode_image_bytes(&png), Ok(vec![text]));
}

#[test]
fn two_codes_are_both_returned() {
    let (a, b) = (payload(5), payload(6));
    let (ia, ib) = (render(&a, 4, 300, 0.0), render(&b, 4, 300, 0.0));
    let mut both = GrayImage::from_pixel(640, 320, Luma([128]));
    image::imageops::replace(&mut both, &ia, 10, 10);
    image::imageops::replace(&mut both, &ib, 330, 10);
    let mut found = decode_luma(640, 320, both.as_raw()).unwrap();
    found.sort();
    let mut want = vec![a, b];
    want.sort();
    assert_eq!(found, want);
}

#[test]
fn image_without_code_is_no_code() {
    let img = GrayImage::from_fn(320, 240, |x, y| Luma([((x + y) % 256) as u8]));
    let err = decode_image_bytes(&encode(&img, ImageFormat::Png)).unwrap_err();
    assert_eq!(err, QrError::NoCode);
    assert_eq!(err.code(), "qr.no_code");
    assert_eq!(err.message(), "图片中没有找到二维码");
}

#[test]
fn random_bytes_are_not_an_image() {
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert_eq!(decode_image_bytes(&bytes), Err(QrError::NotAnImage));
    assert_eq!(decode_image_bytes(&[]), Err(QrError::NotAnImage));
    assert_eq!(
        decode_image_bytes(b"not an image at all"),
        Err(QrError::NotAnImage)
    );
}

#[test]
fn truncated_png_is_corrupt() {
    let png = encode(&render(&payload(7), 4, 300, 0.0), ImageFormat::Png);
    assert_eq!(
        decode_image_bytes(&png[..png.len() / 2]),
        Err(QrError::CorruptImage)
    );
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
}

#[test]
fn png_bomb_header_is_too_large_without_decoding() {
    // A valid PNG signature and IHDR claiming 100000×100000 8-bit RGBA
    // (40 GB decoded), then a tiny IDAT and IEND.
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut png, b"IEND", &[]);
    let start = Instant::now();
    assert_eq!(decode_image_bytes(&png), Err(QrError::TooLarge));
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn oversized_input_is_too_large() {
    let big = vec![0u8; huiji_qr::MAX_IMAGE_BYTES + 1];
    assert_eq!(decode_image_bytes(&big), Err(QrError::TooLarge));
    // 8000×8000 is 64 M pixels: refused before the buffer length is looked at.
    assert_eq!(decode_luma(8000, 8000, &[]), Err(QrError::TooLarge));
}

#[test]
fn mismatched_buffers_give_a_clear_error() {
    let err = decode_luma(10, 10, &[0; 99]).unwrap_err();
    assert_eq!(
        err,
        QrError::BufferSizeMismatch {
            width: 10,
            height: 10,
            expected: 100,
            actual: 99
        }
    );
    assert_eq!(err.code(), "qr.bad_buffer");
    assert_eq!(
        err.to_string(),
        "the frame buffer has 99 bytes, but 10×10 needs 100"
    );
    assert_eq!(
        decode_rgba(10, 10, &[0; 100]),
        Err(QrError::BufferSizeMismatch {
            width: 10,
            height: 10,
            expected: 400,
            actual: 100
        })
    );
    assert_eq!(decode_luma(0, 10, &[]), Err(QrError::EmptyFrame));
    assert_eq!(decode_rgba(10, 0, &[]), Err(QrError::EmptyFrame));
}

#[test]
fn every_error_has_a_code_and_messages() {
    let all = [
        QrError::NotAnImage,
        QrError::CorruptImage,
        QrError::TooLarge,
        QrError::EmptyFrame,
        QrError::BufferSizeMismatch {
            width: 1,
            height: 1,
            expected: 1,
            actual: 0,
        },
        QrError::NoCode,
        QrError::DecoderFailed,
    ];
    let mut codes: Vec<&str> = all.iter().map(QrError::code).collect();
    for e in &all {
        assert!(e.code().starts_with("qr."));
        assert!(!e.message().is_empty() && !e.message().is_ascii());
        assert!(!e.message_en().is_empty());
    }
    codes.dedup();
    assert_eq!(codes.len(), all.len());
}

const MAGICS: &[&[u8]] = &[
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"BM",
    b"GIF89a",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = decode_image_bytes(&bytes);
    }

    #[test]
    fn arbitrary_bytes_behind_a_magic_never_panic(
        magic in 0..MAGICS.len(),
        rest in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut bytes = MAGICS[magic].to_vec();
        bytes.extend_from_slice(&rest);
        let _ = decode_image_bytes(&bytes);
    }

    #[test]
    fn mutated_png_never_panics(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        let mut png = encode(&render(&payload(9), 2, 150, 0.0), ImageFormat::Png);
        let len = png.len();
        for (at, v) in flips {
            png[at % len] ^= v;
        }
        let _ = decode_image_bytes(&png);
    }

    #[test]
    fn arbitrary_luma_never_panics(
        w in 0u32..80,
        h in 0u32..80,
        fill in proptest::collection::vec(any::<u8>(), 0..7000),
        exact in any::<bool>(),
    ) {
        let luma: Vec<u8> = if exact {
            (0..(w * h) as usize).map(|i| fill.get(i % fill.len().max(1)).copied().unwrap_or(0)).collect()
        } else {
            fill
        };
        let _ = decode_luma(w, h, &luma);
        let rgba: Vec<u8> = luma.iter().flat_map(|&v| [v, v, v, 255]).collect();
        let _ = decode_rgba(w, h / 4 + 1, &rgba);
    }
}
