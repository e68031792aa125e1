//! QR decoding for the desktop scanner (image files, pasted images, webcam frames).
//!
//! Three entry points, all returning every QR code found (deduplicated, in the
//! order the decoder found them):
//! - [`decode_image_bytes`]: an encoded image (PNG, JPEG, WebP, BMP, GIF),
//!   the format sniffed from the content;
//! - [`decode_luma`]: an 8-bit grayscale frame;
//! - [`decode_rgba`]: an RGBA frame, as a webview canvas' `getImageData` gives.
//!
//! Errors carry a stable [`QrError::code`] and a message for the UI.

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use image::{ImageFormat, ImageReader, Limits};

#[doc(hidden)]
pub mod engine;

/// Encoded images larger than this are refused before anything is decoded.
pub const MAX_IMAGE_BYTES: usize = 20 * 1024 * 1024;
/// Images with more pixels than this (width × height) are refused, from the
/// header, before the pixels are decoded.
pub const MAX_PIXELS: u64 = 40_000_000;

/// Why no QR payload could be returned.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum QrError {
    /// The bytes are not an image in a format we read (PNG, JPEG, WebP, BMP, GIF).
    #[error("not an image in a supported format (PNG, JPEG, WebP, BMP, GIF)")]
    NotAnImage,
    /// Recognised as an image, but its data is truncated or corrupt.
    #[error("the image data is corrupt or truncated")]
    CorruptImage,
    /// Over [`MAX_IMAGE_BYTES`] or [`MAX_PIXELS`].
    #[error(
        "the image is too large (over {} bytes or {} pixels)",
        MAX_IMAGE_BYTES,
        MAX_PIXELS
    )]
    TooLarge,
    /// A raw frame whose width or height is zero.
    #[error("the frame has a zero width or height")]
    EmptyFrame,
    /// A raw frame whose buffer length does not match width × height × channels.
    #[error("the frame buffer has {actual} bytes, but {width}×{height} needs {expected}")]
    BufferSizeMismatch {
        width: u32,
        height: u32,
        expected: u64,
        actual: usize,
    },
    /// The image was read, and no QR code was found in it.
    #[error("no QR code found in the image")]
    NoCode,
    /// The decoder failed internally (it panicked, and the panic was contained).
    #[error("the QR decoder failed internally")]
    DecoderFailed,
}

impl QrError {
    /// A stable machine-readable code, e.g. `"qr.no_code"`.
    pub fn code(&self) -> &'static str {
        match self {
            QrError::NotAnImage => "qr.not_an_image",
            QrError::CorruptImage => "qr.corrupt_image",
            QrError::TooLarge => "qr.too_large",
            QrError::EmptyFrame => "qr.empty_frame",
            QrError::BufferSizeMismatch { .. } => "qr.bad_buffer",
            QrError::NoCode => "qr.no_code",
            QrError::DecoderFailed => "qr.decoder_failed",
        }
    }

    /// The message shown to the user, in Chinese.
    pub fn message(&self) -> &'static str {
        match self {
            QrError::NotAnImage => "无法识别的图片格式，请使用 PNG、JPEG、WebP、BMP 或 GIF 图片",
            QrError::CorruptImage => "图片已损坏或不完整",
            QrError::TooLarge => "图片太大（不能超过 20 MB 或 4000 万像素）",
            QrError::EmptyFrame => "画面为空",
            QrError::BufferSizeMismatch { .. } => "画面数据与尺寸不符",
            QrError::NoCode => "图片中没有找到二维码",
            QrError::DecoderFailed => "二维码识别出错，请重试",
        }
    }

    /// The message shown to the user, in English.
    pub fn message_en(&self) -> &'static str {
        match self {
            QrError::NotAnImage => {
                "Unrecognised image format: use a PNG, JPEG, WebP, BMP or GIF image"
            }
            QrError::CorruptImage => "The image is corrupt or incomplete",
            QrError::TooLarge => "The image is too large (at most 20 MB or 40 million pixels)",
            QrError::EmptyFrame => "The frame is empty",
            QrError::BufferSizeMismatch { .. } => "The frame data does not match its size",
            QrError::NoCode => "No QR code found in the image",
            QrError::DecoderFailed => "QR decoding failed, please try again",
        }
    }
}

/// Decode every QR code in an encoded image (PNG/JPEG/WebP/BMP/GIF; format
/// sniffed from content, not extension). Dimensions are checked from the header
/// BEFORE full decode (image bombs => [`QrError::TooLarge`]).
pub fn decode_image_bytes(bytes: &[u8]) -> Result<Vec<String>, QrError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(QrError::TooLarge);
    }
    let (width, height, luma) = contain(|| load_luma(bytes))??;
    decode_checked(width, height, &luma)
}

/// Decode from an 8-bit grayscale frame (webcam frames converted by the caller).
pub fn decode_luma(width: u32, height: u32, luma: &[u8]) -> Result<Vec<String>, QrError> {
    check_frame(width, height, luma.len(), 1)?;
    decode_checked(width, height, luma)
}

/// Decode from RGBA (what a webview canvas `getImageData` gives). Transparent
/// pixels count as white.
pub fn decode_rgba(width: u32, height: u32, rgba: &[u8]) -> Result<Vec<String>, QrError> {
    check_frame(width, height, rgba.len(), 4)?;
    let luma: Vec<u8> = rgba
        .chunks_exact(4)
        .map(|p| rgba_to_luma(p[0], p[1], p[2], p[3]))
        .collect();
    decode_checked(width, height, &luma)
}

/// Runs `f`, turning a panic into [`QrError::DecoderFailed`]. This contains a
/// panic only where panics unwind (see the README: `panic = "unwind"`).
fn contain<T>(f: impl FnOnce() -> T) -> Result<T, QrError> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| QrError::DecoderFailed)
}

fn check_frame(width: u32, height: u32, len: usize, channels: u64) -> Result<(), QrError> {
    if width == 0 || height == 0 {
        return Err(QrError::EmptyFrame);
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        return Err(QrError::TooLarge);
    }
    let expected = pixels * channels;
    if len as u64 != expected {
        return Err(QrError::BufferSizeMismatch {
            width,
            height,
            expected,
            actual: len,
        });
    }
    Ok(())
}

fn decode_checked(width: u32, height: u32, luma: &[u8]) -> Result<Vec<String>, QrError> {
    let found = contain(|| engine::decode(width, height, luma))?;
    if found.is_empty() {
        Err(QrError::NoCode)
    } else {
        Ok(found)
    }
}

/// Rec. 601 luma of a pixel composited over white.
fn rgba_to_luma(r: u8, g: u8, b: u8, a: u8) -> u8 {
    let y = (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b) + 500) / 1000;
    let a = u32::from(a);
    ((y * a + 255 * (255 - a) + 127) / 255) as u8
}

fn load_luma(bytes: &[u8]) -> Result<(u32, u32, Vec<u8>), QrError> {
    let format = image::guess_format(bytes).map_err(|_| QrError::NotAnImage)?;
    if !matches!(
        format,
        ImageFormat::Png
            | ImageFormat::Jpeg
            | ImageFormat::WebP
            | ImageFormat::Bmp
            | ImageFormat::Gif
    ) {
        return Err(QrError::NotAnImage);
    }
    // The header alone, to refuse image bombs before any pixel buffer exists.
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|_| QrError::CorruptImage)?;
    if width == 0 || height == 0 {
        return Err(QrError::CorruptImage);
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(QrError::TooLarge);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    // Up to RGBA16 of MAX_PIXELS, plus the decoders' own buffers.
    limits.max_alloc = Some(MAX_PIXELS * 8 + 64 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => QrError::TooLarge,
        _ => QrError::CorruptImage,
    })?;
    let (w, h) = (img.width(), img.height());
    let luma = if let image::DynamicImage::ImageLuma8(gray) = img {
        gray.into_raw()
    } else if img.color().has_alpha() {
        img.into_rgba8()
            .pixels()
            .map(|p| rgba_to_luma(p[0], p[1], p[2], p[3]))
            .collect()
    } else {
        img.into_rgb8()
            .pixels()
            .map(|p| rgba_to_luma(p[0], p[1], p[2], 255))
            .collect()
    };
    Ok((w, h, luma))
}
