//! The decoding passes over a grayscale frame, on zxing-cpp (the C++ library,
//! through the `zxing-cpp` crate's checked C API): first a cheap look at the
//! frame downscaled 2×, then zxing-cpp's full pipeline at full resolution,
//! then a contrast-stretched retry. The order was chosen with the bench
//! (crates/qr/README.md).

use zxingcpp::{BarcodeFormat, Binarizer, ImageFormat, ImageView};

/// One way of looking at the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// zxing-cpp's defaults (local-average binariser, its own downscale
    /// pyramid, inverted retry) at full resolution.
    Full,
    /// The same on the frame averaged down 2× (skipped under 400 px).
    Half,
    /// Full resolution, one global threshold.
    Global,
    /// Full resolution after stretching the 1st–99th percentile to 0–255.
    Stretch,
}

/// The passes [`decode`] runs, in order, until one finds a code.
pub const DEFAULT_PASSES: &[Pass] = &[Pass::Half, Pass::Full, Pass::Stretch];

/// Decode with the default passes.
pub fn decode(width: u32, height: u32, luma: &[u8]) -> Vec<String> {
    decode_with(DEFAULT_PASSES, width, height, luma)
}

/// Decode with the given passes, stopping at the first that finds a code.
/// `luma.len()` must be `width * height` (checked by the callers).
pub fn decode_with(passes: &[Pass], width: u32, height: u32, luma: &[u8]) -> Vec<String> {
    for pass in passes {
        let found = match pass {
            Pass::Full => read(width, height, luma, Binarizer::LocalAverage),
            Pass::Global => read(width, height, luma, Binarizer::GlobalHistogram),
            Pass::Stretch => read(width, height, &stretch(luma), Binarizer::LocalAverage),
            Pass::Half => {
                if width < 400 || height < 400 {
                    continue;
                }
                let (w, h, l) = downscale2(width, height, luma);
                read(w, h, &l, Binarizer::LocalAverage)
            }
        };
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

fn read(width: u32, height: u32, luma: &[u8], binarizer: Binarizer) -> Vec<String> {
    let Ok(view) = ImageView::from_slice(luma, width, height, ImageFormat::Lum) else {
        return Vec::new();
    };
    let reader = zxingcpp::read()
        .formats([BarcodeFormat::QRCode])
        .binarizer(binarizer);
    let Ok(found) = reader.from(view) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for code in found {
        let text = code.text();
        if !out.contains(&text) {
            out.push(text);
        }
    }
    out
}

/// Averages 2×2 blocks.
fn downscale2(width: u32, height: u32, luma: &[u8]) -> (u32, u32, Vec<u8>) {
    let (w, h) = (width as usize, height as usize);
    let (hw, hh) = (w / 2, h / 2);
    let mut out = Vec::with_capacity(hw * hh);
    for y in 0..hh {
        let r0 = &luma[2 * y * w..2 * y * w + w];
        let r1 = &luma[(2 * y + 1) * w..(2 * y + 1) * w + w];
        for x in 0..hw {
            let s = u16::from(r0[2 * x])
                + u16::from(r0[2 * x + 1])
                + u16::from(r1[2 * x])
                + u16::from(r1[2 * x + 1]);
            out.push(((s + 2) / 4) as u8);
        }
    }
    (hw as u32, hh as u32, out)
}

/// Maps the 1st–99th percentile of the histogram to 0–255.
fn stretch(luma: &[u8]) -> Vec<u8> {
    let mut hist = [0usize; 256];
    for &v in luma {
        hist[usize::from(v)] += 1;
    }
    let cut = luma.len() / 100;
    let (mut lo, mut acc) = (0usize, 0usize);
    while lo < 255 && acc + hist[lo] <= cut {
        acc += hist[lo];
        lo += 1;
    }
    let (mut hi, mut acc) = (255usize, 0usize);
    while hi > lo && acc + hist[hi] <= cut {
        acc += hist[hi];
        hi -= 1;
    }
    if hi <= lo {
        return luma.to_vec();
    }
    let span = (hi - lo) as u32;
    let lut: Vec<u8> = (0..256usize)
        .map(|v| (v.clamp(lo, hi) - lo) as u32 * 255 / span)
        .map(|v| v as u8)
        .collect();
    luma.iter().map(|&v| lut[usize::from(v)]).collect()
}
