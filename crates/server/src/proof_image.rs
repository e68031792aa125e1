//! Payment proof images: a member who paid offline uploads a photo or a
//! screenshot of the transfer. Uploads are hostile until proven otherwise, so
//! the format is decided by magic bytes, the header size is checked before any
//! pixel is decoded, decoding runs under memory limits, and what we store is a
//! fresh JPEG re-encoded from pixels (so no EXIF, GPS or other metadata
//! survives).

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use huiji_domain::DomainError;
use image::codecs::jpeg::{JpegDecoder, JpegEncoder};
use image::codecs::png::PngDecoder;
use image::codecs::webp::WebPDecoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ExtendedColorType, ImageDecoder, ImageError, Limits, RgbImage};
use sha2::{Digest, Sha256};

pub use huiji_domain::dues::proof::{
    sniff, PROOF_DIMENSIONS, PROOF_EMPTY, PROOF_MAX_BYTES, PROOF_NOT_IMAGE, PROOF_TOO_LARGE,
    PROOF_UNREADABLE,
};

pub const PROOF_MAX_SIDE: u32 = 2560;
pub const THUMB_MAX_SIDE: u32 = 320;

const MIN_SIDE: u32 = 16;
const MAX_SIDE: u32 = 12_000;
const MAX_PIXELS: u64 = 60_000_000;
const MAX_ALLOC: u64 = 512 * 1024 * 1024;
const JPEG_QUALITY: u8 = 85;

#[derive(Debug, Clone)]
pub struct ProcessedProof {
    /// Re-encoded JPEG, orientation applied, longest side <= PROOF_MAX_SIDE, no metadata.
    pub image: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// JPEG thumbnail, longest side <= THUMB_MAX_SIDE.
    pub thumb: Vec<u8>,
    pub thumb_width: u32,
    pub thumb_height: u32,
    pub source_mime: &'static str,
    /// Hex SHA-256 of the original upload bytes (what the member actually sent).
    pub sha256: String,
}

/// Checks, decodes with limits, applies EXIF orientation, re-encodes and thumbnails.
/// Pure CPU work: callers run it on a blocking thread.
pub fn process_proof(bytes: &[u8]) -> Result<ProcessedProof, DomainError> {
    if bytes.is_empty() {
        return Err(PROOF_EMPTY);
    }
    if bytes.len() > PROOF_MAX_BYTES {
        return Err(PROOF_TOO_LARGE);
    }
    let source_mime = sniff(bytes)?;
    // Decoders are third-party parsers fed with attacker bytes; a panic in
    // one of them must become a rejected upload, not a dead worker.
    catch_unwind(AssertUnwindSafe(|| render(bytes, source_mime))).unwrap_or(Err(PROOF_UNREADABLE))
}

fn render(bytes: &[u8], source_mime: &'static str) -> Result<ProcessedProof, DomainError> {
    let cursor = Cursor::new(bytes);
    let (decoded, orientation) = match source_mime {
        "image/jpeg" => decode(JpegDecoder::new(cursor).map_err(map_error)?)?,
        // The PNG decoder checks dimension limits right after IHDR, before it
        // walks the rest of the file, so it gets the limits at construction.
        "image/png" => decode(PngDecoder::with_limits(cursor, limits()).map_err(map_error)?)?,
        "image/webp" => decode(WebPDecoder::new(cursor).map_err(map_error)?)?,
        _ => return Err(PROOF_NOT_IMAGE),
    };
    let flat = flatten_onto_white(decoded);
    // Scaling before rotating is equivalent (the bound is on the longest
    // side) and rotates a picture that is at most 2560 px instead of 12000.
    let image = orient(downscale(flat, PROOF_MAX_SIDE), orientation);
    let thumb = downscale(image.clone(), THUMB_MAX_SIDE);
    Ok(ProcessedProof {
        width: image.width(),
        height: image.height(),
        thumb_width: thumb.width(),
        thumb_height: thumb.height(),
        image: encode_jpeg(&image)?,
        thumb: encode_jpeg(&thumb)?,
        source_mime,
        sha256: hex::encode(Sha256::digest(bytes)),
    })
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

fn check_dimensions(width: u32, height: u32) -> Result<(), DomainError> {
    let side_ok = |s: u32| (MIN_SIDE..=MAX_SIDE).contains(&s);
    if side_ok(width) && side_ok(height) && u64::from(width) * u64::from(height) <= MAX_PIXELS {
        Ok(())
    } else {
        Err(PROOF_DIMENSIONS)
    }
}

fn decode(mut decoder: impl ImageDecoder) -> Result<(DynamicImage, Orientation), DomainError> {
    let (width, height) = decoder.dimensions();
    check_dimensions(width, height)?;
    // `from_decoder` does not account the output buffer itself; reserving it
    // here is what `ImageReader::decode` does too.
    let mut limits = limits();
    limits.reserve(decoder.total_bytes()).map_err(map_error)?;
    decoder.set_limits(limits).map_err(map_error)?;
    // A broken EXIF block must not cost the member their upload.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(map_error)?;
    Ok((image, orientation))
}

fn map_error(err: ImageError) -> DomainError {
    match err {
        ImageError::Limits(_) => PROOF_DIMENSIONS,
        _ => PROOF_UNREADABLE,
    }
}

/// JPEG has no alpha; dropping it would turn transparent screenshots black.
fn flatten_onto_white(image: DynamicImage) -> RgbImage {
    if !image.has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let mut out = RgbImage::new(rgba.width(), rgba.height());
    for (dst, src) in out.pixels_mut().zip(rgba.pixels()) {
        let alpha = u16::from(src[3]);
        for (d, &s) in dst.0.iter_mut().zip(&src.0[..3]) {
            let blended = u16::from(s) * alpha + 255 * (255 - alpha);
            *d = ((blended + 127) / 255) as u8;
        }
    }
    out
}

/// Fits the image in `max_side` x `max_side`, keeping its aspect ratio; never upscales.
fn downscale(image: RgbImage, max_side: u32) -> RgbImage {
    let (width, height) = image.dimensions();
    let longest = width.max(height);
    if longest <= max_side {
        return image;
    }
    let scale = |side: u32| {
        let scaled =
            (u64::from(side) * u64::from(max_side) + u64::from(longest) / 2) / u64::from(longest);
        u32::try_from(scaled).unwrap_or(max_side).max(1)
    };
    image::imageops::resize(&image, scale(width), scale(height), FilterType::Triangle)
}

fn orient(image: RgbImage, orientation: Orientation) -> RgbImage {
    if orientation == Orientation::NoTransforms {
        return image;
    }
    let mut dynamic = DynamicImage::ImageRgb8(image);
    dynamic.apply_orientation(orientation);
    dynamic.into_rgb8()
}

fn encode_jpeg(image: &RgbImage) -> Result<Vec<u8>, DomainError> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .encode(
            image.as_raw(),
            image.width(),
            image.height(),
            ExtendedColorType::Rgb8,
        )
        .map_err(|_| PROOF_UNREADABLE)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::png::PngEncoder;
    use image::codecs::webp::WebPEncoder;
    use image::{ImageEncoder, ImageFormat};

    const ALL_ERRORS: [DomainError; 5] = [
        PROOF_NOT_IMAGE,
        PROOF_TOO_LARGE,
        PROOF_UNREADABLE,
        PROOF_DIMENSIONS,
        PROOF_EMPTY,
    ];

    fn gradient(width: u32, height: u32) -> Vec<u8> {
        let mut data = Vec::with_capacity((width * height * 3) as usize);
        for y in 0..height {
            for x in 0..width {
                data.extend_from_slice(&[(x * 255 / width) as u8, (y * 255 / height) as u8, 128]);
            }
        }
        data
    }

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 90)
            .encode(
                &gradient(width, height),
                width,
                height,
                ExtendedColorType::Rgb8,
            )
            .unwrap();
        out
    }

    fn png(data: &[u8], width: u32, height: u32, color: ExtendedColorType) -> Vec<u8> {
        let mut out = Vec::new();
        PngEncoder::new(&mut out)
            .write_image(data, width, height, color)
            .unwrap();
        out
    }

    fn webp(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        WebPEncoder::new_lossless(&mut out)
            .encode(
                &gradient(width, height),
                width,
                height,
                ExtendedColorType::Rgb8,
            )
            .unwrap();
        out
    }

    fn decode_output(jpeg: &[u8]) -> RgbImage {
        assert!(jpeg.starts_with(&[0xFF, 0xD8, 0xFF]));
        image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg)
            .unwrap()
            .into_rgb8()
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    /// Bitwise CRC-32 (IEEE), as PNG chunks need; slow but table-free.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &byte in bytes {
            crc ^= u32::from(byte);
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
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }

    /// A zlib stream of `n` zero bytes with fixed-Huffman deflate: one literal
    /// 0, then length-258/distance-1 back-references (13 bits per 258 bytes),
    /// which is exactly how a decompression bomb stays tiny.
    fn zlib_zeros(n: u64) -> Vec<u8> {
        let mut out = vec![0x78, 0x01];
        let (mut acc, mut nbits) = (0u64, 0u32);
        let mut put = |out: &mut Vec<u8>, value: u64, len: u32| {
            acc |= value << nbits;
            nbits += len;
            while nbits >= 8 {
                out.push(acc as u8);
                acc >>= 8;
                nbits -= 8;
            }
        };
        // Huffman codes go most-significant bit first, unlike header fields.
        let code = |c: u64, len: u32| c.reverse_bits() >> (64 - len);
        put(&mut out, 0b011, 3); // BFINAL=1, BTYPE=01 (fixed)
        put(&mut out, code(0x30, 8), 8); // literal 0
        let mut left = n - 1;
        while left >= 258 {
            put(&mut out, code(0xC5, 8), 8); // length symbol 285 = 258
            put(&mut out, 0, 5); // distance symbol 0 = 1
            left -= 258;
        }
        for _ in 0..left {
            put(&mut out, code(0x30, 8), 8);
        }
        put(&mut out, 0, 7); // end of block
        put(&mut out, 0, 7); // flush the last partial byte
        let adler = ((n % 65521) << 16) | 1; // a stays 1, b grows by 1 per zero
        out.extend_from_slice(&(adler as u32).to_be_bytes());
        out
    }

    /// An 8-bit grayscale PNG, all black, with real (tiny) compressed pixels;
    /// `with_pixels: false` leaves out IDAT entirely.
    fn black_png(width: u32, height: u32, with_pixels: bool) -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
        chunk(&mut out, b"IHDR", &ihdr);
        if with_pixels {
            let raw = u64::from(height) * (u64::from(width) + 1); // + filter byte per row
            chunk(&mut out, b"IDAT", &zlib_zeros(raw));
        }
        chunk(&mut out, b"IEND", &[]);
        out
    }

    /// APP1 "Exif" with big-endian TIFF: IFD0 = Orientation(6) + GPS pointer;
    /// the GPS IFD carries a GPSMapDatum ASCII string we can look for later.
    fn exif_app1(marker: &[u8]) -> Vec<u8> {
        let mut tiff = b"MM\x00\x2A\x00\x00\x00\x08".to_vec();
        let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
            t.extend_from_slice(&tag.to_be_bytes());
            t.extend_from_slice(&kind.to_be_bytes());
            t.extend_from_slice(&count.to_be_bytes());
            t.extend_from_slice(&value);
        };
        tiff.extend_from_slice(&2u16.to_be_bytes()); // IFD0 at 8
        entry(&mut tiff, 0x0112, 3, 1, [0, 6, 0, 0]);
        entry(&mut tiff, 0x8825, 4, 1, 38u32.to_be_bytes());
        tiff.extend_from_slice(&0u32.to_be_bytes());
        tiff.extend_from_slice(&2u16.to_be_bytes()); // GPS IFD at 38
        entry(&mut tiff, 0x0001, 2, 2, *b"N\0\0\0");
        entry(
            &mut tiff,
            0x0012,
            2,
            marker.len() as u32 + 1,
            68u32.to_be_bytes(),
        );
        tiff.extend_from_slice(&0u32.to_be_bytes());
        assert_eq!(tiff.len(), 68);
        tiff.extend_from_slice(marker);
        tiff.push(0);
        let mut app1 = vec![0xFF, 0xE1];
        app1.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
        app1.extend_from_slice(b"Exif\0\0");
        app1.extend_from_slice(&tiff);
        app1
    }

    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    fn assert_ok_or_known(bytes: &[u8]) {
        if let Err(err) = process_proof(bytes) {
            assert!(ALL_ERRORS.contains(&err), "unexpected error {err:?}");
        }
    }

    #[test]
    fn accepts_jpeg_png_webp_and_downscales() {
        let rgb = ExtendedColorType::Rgb8;
        let cases = [
            (jpeg(3000, 1500), "image/jpeg", (2560, 1280), (320, 160)),
            (
                png(&gradient(800, 600), 800, 600, rgb),
                "image/png",
                (800, 600),
                (320, 240),
            ),
            (webp(100, 50), "image/webp", (100, 50), (100, 50)),
        ];
        for (input, mime, (w, h), (tw, th)) in cases {
            let out = process_proof(&input).unwrap();
            assert_eq!(out.source_mime, mime);
            assert_eq!((out.width, out.height), (w, h), "{mime}");
            assert_eq!(decode_output(&out.image).dimensions(), (w, h));
            assert_eq!((out.thumb_width, out.thumb_height), (tw, th), "{mime}");
            assert_eq!(decode_output(&out.thumb).dimensions(), (tw, th));
            assert_eq!(out.sha256, hex::encode(Sha256::digest(&input)));
            assert_ne!(out.sha256, hex::encode(Sha256::digest(&out.image)));
        }
    }

    #[test]
    fn transparent_png_is_flattened_onto_white() {
        let clear = vec![0u8; 32 * 32 * 4]; // black, fully transparent
        let out = process_proof(&png(&clear, 32, 32, ExtendedColorType::Rgba8)).unwrap();
        let pixels = decode_output(&out.image);
        assert!(pixels.pixels().all(|p| p.0.iter().all(|&c| c >= 250)));
    }

    #[test]
    fn exif_orientation_is_applied_and_metadata_stripped() {
        let marker = b"HUIJI-GPS-MARKER-31.2304N-121.4737E";
        let plain = jpeg(200, 100);
        let mut input = plain[..2].to_vec();
        input.extend_from_slice(&exif_app1(marker));
        input.extend_from_slice(&plain[2..]);
        assert!(contains(&input, b"Exif\0\0") && contains(&input, marker));

        let out = process_proof(&input).unwrap();
        assert_eq!((out.width, out.height), (100, 200));
        assert_eq!(decode_output(&out.image).dimensions(), (100, 200));
        assert_eq!((out.thumb_width, out.thumb_height), (100, 200));
        for stored in [&out.image, &out.thumb] {
            assert!(!contains(stored, b"Exif\0\0"));
            assert!(!contains(stored, marker));
        }
        // Rotating 90° CW puts the original left column (red = 0) on top.
        let top_left = decode_output(&out.image).get_pixel(0, 0).0;
        let bottom_left = decode_output(&out.image).get_pixel(0, 199).0;
        assert!(top_left[1] > 200 && bottom_left[1] > 200, "{top_left:?}");
        assert!(top_left[0] < 30 && bottom_left[0] > 200, "{bottom_left:?}");
    }

    #[test]
    fn rejects_non_images_by_magic_bytes() {
        let cases: [(&[u8], DomainError); 9] = [
            (b"", PROOF_EMPTY),
            (
                b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
                PROOF_NOT_IMAGE,
            ),
            (
                b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",
                PROOF_NOT_IMAGE,
            ),
            (b"GIF89a\x10\x00\x10\x00\x80\x00\x00", PROOF_NOT_IMAGE),
            (
                b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
                PROOF_NOT_IMAGE,
            ),
            (b"<svg onload=\"alert(1)\"></svg>", PROOF_NOT_IMAGE),
            (
                b"<!DOCTYPE html><html><body>paid</body></html>",
                PROOF_NOT_IMAGE,
            ),
            (
                b"I paid 50 euros, honest. (saved as proof.png)",
                PROOF_NOT_IMAGE,
            ),
            (b"RIFF\x24\x00\x00\x00WAVEfmt ", PROOF_NOT_IMAGE),
        ];
        for (bytes, expected) in cases {
            assert_eq!(process_proof(bytes).unwrap_err(), expected, "{bytes:?}");
        }
        assert_eq!(sniff(b"").unwrap_err(), PROOF_EMPTY);
        let mut too_large = jpeg(64, 64);
        too_large.resize(PROOF_MAX_BYTES + 1, 0);
        assert_eq!(process_proof(&too_large).unwrap_err(), PROOF_TOO_LARGE);
    }

    #[test]
    fn png_signature_with_garbage_is_unreadable() {
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        bytes.extend_from_slice(b"this is not a chunk stream at all, just text padding");
        assert_eq!(sniff(&bytes), Ok("image/png"));
        assert_eq!(process_proof(&bytes).unwrap_err(), PROOF_UNREADABLE);
    }

    #[test]
    fn truncated_jpeg_never_panics() {
        let full = jpeg(400, 300);
        match process_proof(&full[..300]) {
            Ok(out) => assert!(decode_output(&out.image).width() > 0),
            Err(err) => assert_eq!(err, PROOF_UNREADABLE),
        }
    }

    #[test]
    fn huge_declared_png_is_refused_before_decoding() {
        let bytes = black_png(100_000, 100_000, false);
        assert_eq!(process_proof(&bytes).unwrap_err(), PROOF_DIMENSIONS);
    }

    #[test]
    fn decompression_bomb_is_refused_without_decoding() {
        // The generator itself must make valid PNGs, or this test proves nothing.
        let small = process_proof(&black_png(64, 48, true)).unwrap();
        assert_eq!((small.width, small.height), (64, 48));

        let bomb = black_png(11_000, 11_000, true); // 121 MP of zeros
        assert!(bomb.len() < 1024 * 1024, "bomb is {} bytes", bomb.len());
        assert_eq!(process_proof(&bomb).unwrap_err(), PROOF_DIMENSIONS);
    }

    #[test]
    fn too_small_images_are_refused() {
        let dot = png(&[0, 0, 0], 1, 1, ExtendedColorType::Rgb8);
        assert_eq!(process_proof(&dot).unwrap_err(), PROOF_DIMENSIONS);
        assert_eq!(process_proof(&jpeg(15, 100)).unwrap_err(), PROOF_DIMENSIONS);
        assert!(process_proof(&jpeg(16, 16)).is_ok());
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let prefixes: [&[u8]; 4] = [
            b"",
            &[0xFF, 0xD8, 0xFF, 0xE0],
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR",
            b"RIFF\x00\x10\x00\x00WEBPVP8L",
        ];
        for i in 0..300 {
            let mut bytes = prefixes[i % prefixes.len()].to_vec();
            let len = xorshift(&mut state) % 2048;
            bytes.extend((0..len).map(|_| xorshift(&mut state) as u8));
            assert_ok_or_known(&bytes);
        }
    }

    #[test]
    fn mutated_images_never_panic() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let originals = [
            jpeg(48, 32),
            png(&gradient(48, 32), 48, 32, ExtendedColorType::Rgb8),
        ];
        for original in &originals {
            for _ in 0..300 {
                let mut bytes = original.clone();
                let at = (xorshift(&mut state) % bytes.len() as u64) as usize;
                bytes[at] = xorshift(&mut state) as u8;
                assert_ok_or_known(&bytes);
            }
        }
    }

    /// Run with `cargo test --release -p huiji-server --lib proof_image -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing print, meaningful only in release"]
    fn large_photo_timing() {
        let input = jpeg(4000, 3000);
        let started = std::time::Instant::now();
        let out = process_proof(&input).unwrap();
        println!("4000x3000 JPEG processed in {:?}", started.elapsed());
        assert_eq!((out.width, out.height), (2560, 1920));
    }
}
