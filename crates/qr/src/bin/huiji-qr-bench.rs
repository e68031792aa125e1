//! The QR decoder bench: generates a deterministic set of degraded 1280×720
//! frames, decodes them in process, and merges the results of the external
//! decoders (zxing-cpp and zbar, run by scripts/qr-bench/decode.py) into one
//! table. `scripts/qr-bench/run.sh` runs the whole thing.
//!
//! ```text
//! huiji-qr-bench generate --out DIR [--seed N] [--per-class N] [--ec M|Q]
//! huiji-qr-bench decode --frames DIR --out FILE.json [--decoders ours,ours-bytes,rxing,...]
//! huiji-qr-bench report --out FILE.json RESULTS.json...
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use image::codecs::jpeg::JpegEncoder;
use image::{GrayImage, ImageEncoder, RgbImage};
use qrcode::{Color, EcLevel, QrCode};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

const W: u32 = 1280;
const H: u32 = 720;
const BASE45: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

type Res<T> = Result<T, Box<dyn std::error::Error>>;

#[derive(Serialize, Deserialize, Clone)]
struct Frame {
    file: String,
    class: String,
    payload: String,
    params: String,
}

#[derive(Serialize, Deserialize)]
struct Manifest {
    seed: u64,
    ec: String,
    frames: Vec<Frame>,
}

#[derive(Serialize, Deserialize, Clone)]
struct Outcome {
    file: String,
    ok: bool,
    ms: f64,
}

#[derive(Serialize, Deserialize)]
struct DecoderRun {
    decoder: String,
    basis: String,
    results: Vec<Outcome>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let res = match args.first().map(String::as_str) {
        Some("generate") => generate(&args[1..]),
        Some("decode") => decode(&args[1..]),
        Some("report") => report(&args[1..]),
        _ => {
            Err("usage: huiji-qr-bench generate|decode|report ... (see the source's header)".into())
        }
    };
    if let Err(e) = res {
        eprintln!("huiji-qr-bench: {e}");
        std::process::exit(1);
    }
}

fn opt<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn positional(args: &[String]) -> Vec<&str> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if args[i].starts_with("--") {
            i += 2;
        } else {
            out.push(args[i].as_str());
            i += 1;
        }
    }
    out
}

// ---------------------------------------------------------------- generate

const CLASSES: &[&str] = &[
    "clean",
    "rotate",
    "perspective",
    "blur",
    "noise",
    "lowcontrast",
    "jpeg40",
    "combo2",
    "combo3",
];
const DEGRADATIONS: &[&str] = &[
    "rotate",
    "perspective",
    "blur",
    "noise",
    "lowcontrast",
    "jpeg40",
];

fn generate(args: &[String]) -> Res<()> {
    let out = PathBuf::from(opt(args, "--out").ok_or("--out DIR is needed")?);
    let seed: u64 = opt(args, "--seed").unwrap_or("20240601").parse()?;
    let per_class: usize = opt(args, "--per-class").unwrap_or("36").parse()?;
    let ec = match opt(args, "--ec").unwrap_or("M") {
        "L" => EcLevel::L,
        "M" => EcLevel::M,
        "Q" => EcLevel::Q,
        "H" => EcLevel::H,
        other => return Err(format!("unknown EC level {other}").into()),
    };
    fs::create_dir_all(&out)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut frames = Vec::new();
    for class in CLASSES {
        for i in 0..per_class {
            let degr: Vec<&str> = match *class {
                "combo2" | "combo3" => {
                    let n = if *class == "combo2" { 2 } else { 3 };
                    let mut pool: Vec<&str> = DEGRADATIONS.to_vec();
                    let mut pick = Vec::new();
                    for _ in 0..n {
                        let k = rng.gen_range(0..pool.len());
                        pick.push(pool.remove(k));
                    }
                    pick
                }
                "clean" => vec![],
                c => vec![c],
            };
            let len = rng.gen_range(150..=350);
            let payload = make_payload(&mut rng, len);
            let (frame, params, jpeg) = render_frame(&mut rng, &payload, ec, &degr)?;
            let file = if jpeg {
                format!("{class}-{i:03}.jpg")
            } else {
                format!("{class}-{i:03}.png")
            };
            let path = out.join(&file);
            if jpeg {
                let mut buf = Vec::new();
                JpegEncoder::new_with_quality(&mut buf, 40).write_image(
                    frame.as_raw(),
                    W,
                    H,
                    image::ExtendedColorType::Rgb8,
                )?;
                fs::write(&path, buf)?;
            } else {
                frame.save(&path)?;
            }
            frames.push(Frame {
                file,
                class: (*class).to_owned(),
                payload,
                params,
            });
        }
    }
    let ec_name = opt(args, "--ec").unwrap_or("M").to_owned();
    let manifest = Manifest {
        seed,
        ec: ec_name,
        frames,
    };
    fs::write(
        out.join("manifest.json"),
        serde_json::to_string_pretty(&manifest)?,
    )?;
    println!(
        "generated {} frames in {}",
        manifest.frames.len(),
        out.display()
    );
    Ok(())
}

fn make_payload(rng: &mut ChaCha8Rng, len: usize) -> String {
    let mut s = String::from("HJ1:");
    for _ in 0..len.saturating_sub(4) {
        s.push(char::from(BASE45[rng.gen_range(0..BASE45.len())]));
    }
    s
}

/// Returns the frame, a description of its parameters, and whether it is to be
/// stored as a quality-40 JPEG.
fn render_frame(
    rng: &mut ChaCha8Rng,
    payload: &str,
    ec: EcLevel,
    degr: &[&str],
) -> Res<(RgbImage, String, bool)> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), ec)?;
    let n = code.width();
    let colors = code.to_colors();
    let quiet = 4.0;
    let total = n as f64 + 2.0 * quiet;
    let mut params = vec![format!("v{:?} n{n}", code.version())];

    // Size and placement of the code (quiet zone included), in frame pixels.
    let side: f64 = rng.gen_range(300.0..460.0);
    let has = |d: &str| degr.contains(&d);
    let angle = if has("rotate") {
        let a: f64 = rng.gen_range(5.0..45.0);
        if rng.gen_bool(0.5) {
            a
        } else {
            -a
        }
    } else {
        rng.gen_range(-2.0..2.0)
    };
    params.push(format!("side{side:.0} rot{angle:.1}"));
    let (tilt_x, tilt_y) = if has("perspective") {
        let tx: f64 = rng.gen_range(20.0..45.0);
        let ty: f64 = rng.gen_range(0.0..30.0);
        params.push(format!("tilt{tx:.0}/{ty:.0}"));
        (
            tx * if rng.gen_bool(0.5) { 1.0 } else { -1.0 },
            ty * if rng.gen_bool(0.5) { 1.0 } else { -1.0 },
        )
    } else {
        (0.0, 0.0)
    };
    // Destination corners: the square, tilted in 3D, projected, rotated.
    let half = side / 2.0;
    let f = side * 1.6; // focal length in pixels
    let (sx, cx) = tilt_x.to_radians().sin_cos();
    let (sy, cy) = tilt_y.to_radians().sin_cos();
    let (sr, cr) = angle.to_radians().sin_cos();
    let mut corners = [(0.0, 0.0); 4];
    for (i, (x, y)) in [(-half, -half), (half, -half), (half, half), (-half, half)]
        .iter()
        .enumerate()
    {
        // Rotate about the y axis (tilt_x), then the x axis (tilt_y).
        let (x1, z1) = (x * cx, -x * sx);
        let (y2, z2) = (y * cy - z1 * sy, y * sy + z1 * cy);
        let s = f / (f + z2);
        let (px, py) = (x1 * s, y2 * s);
        corners[i] = (px * cr - py * sr, px * sr + py * cr);
    }
    let (minx, maxx) = corners
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), c| (a.min(c.0), b.max(c.0)));
    let (miny, maxy) = corners
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), c| (a.min(c.1), b.max(c.1)));
    let ox = rng.gen_range(-minx + 10.0..f64::from(W) - maxx - 10.0);
    let oy = rng.gen_range(-miny + 10.0..f64::from(H) - maxy - 10.0);
    for c in &mut corners {
        c.0 += ox;
        c.1 += oy;
    }
    // Homography from frame pixels to module coordinates.
    let src = [(0.0, 0.0), (total, 0.0), (total, total), (0.0, total)];
    let hmg = homography(&corners, &src).ok_or("degenerate homography")?;

    // Colours: ink and paper, and the lighting.
    let low = has("lowcontrast");
    let (ink, paper) = if low {
        let paper: f64 = rng.gen_range(140.0..190.0);
        let diff: f64 = rng.gen_range(28.0..50.0);
        params.push(format!("contrast{diff:.0}"));
        (paper - diff, paper)
    } else {
        (rng.gen_range(10.0..60.0), rng.gen_range(190.0..245.0))
    };
    let tint = [
        rng.gen_range(0.9..1.1),
        rng.gen_range(0.9..1.1),
        rng.gen_range(0.9..1.1),
    ];
    let light_dir: f64 = rng.gen_range(0.0..std::f64::consts::TAU);
    let light_amp: f64 = if low {
        rng.gen_range(0.05..0.15)
    } else {
        rng.gen_range(0.0..0.25)
    };

    // Background texture: a few sinusoids, blocks of random gray, value noise.
    let bg_base: f64 = rng.gen_range(70.0..170.0);
    let waves: Vec<(f64, f64, f64, f64)> = (0..4)
        .map(|_| {
            (
                rng.gen_range(0.002..0.05),
                rng.gen_range(0.0..std::f64::consts::TAU),
                rng.gen_range(0.0..std::f64::consts::TAU),
                rng.gen_range(5.0..30.0),
            )
        })
        .collect();
    let blocks: Vec<(f64, f64, f64, f64, f64)> = (0..12)
        .map(|_| {
            (
                rng.gen_range(0.0..f64::from(W)),
                rng.gen_range(0.0..f64::from(H)),
                rng.gen_range(20.0..200.0),
                rng.gen_range(20.0..200.0),
                rng.gen_range(-50.0..50.0),
            )
        })
        .collect();

    let mut lum = vec![0f32; (W * H) as usize];
    let sub = [0.25, 0.75];
    for y in 0..H {
        for x in 0..W {
            let (fx, fy) = (f64::from(x), f64::from(y));
            let mut bg = bg_base;
            for (freq, ph, dir, amp) in &waves {
                bg += amp * ((fx * dir.cos() + fy * dir.sin()) * freq + ph).sin();
            }
            for (bx, by, bw, bh, d) in &blocks {
                if fx >= *bx && fx < bx + bw && fy >= *by && fy < by + bh {
                    bg += d;
                }
            }
            // 2×2 supersampling of the code.
            let mut acc = 0.0;
            let mut inside = 0;
            for dy in sub {
                for dx in sub {
                    let (u, v) = apply(&hmg, fx + dx, fy + dy);
                    if u >= 0.0 && v >= 0.0 && u < total && v < total {
                        inside += 1;
                        let (mu, mv) = (u - quiet, v - quiet);
                        let dark = mu >= 0.0
                            && mv >= 0.0
                            && (mu as usize) < n
                            && (mv as usize) < n
                            && colors[(mv as usize) * n + mu as usize] == Color::Dark;
                        acc += if dark { ink } else { paper };
                    } else {
                        acc += bg;
                    }
                }
            }
            let mut v = acc / 4.0;
            if inside == 0 {
                v = bg;
            }
            let light = 1.0
                + light_amp * ((fx - 640.0) * light_dir.cos() + (fy - 360.0) * light_dir.sin())
                    / 700.0;
            lum[(y * W + x) as usize] = (v * light) as f32;
        }
    }
    if has("blur") {
        let sigma: f32 = rng.gen_range(1.4..2.6);
        params.push(format!("blur{sigma:.2}"));
        gaussian_blur(&mut lum, W as usize, H as usize, sigma);
    } else {
        // Every camera is a little soft.
        gaussian_blur(&mut lum, W as usize, H as usize, 0.6);
    }
    let noise_sigma: f64 = if has("noise") {
        let s = rng.gen_range(18.0..40.0);
        params.push(format!("noise{s:.0}"));
        s
    } else {
        2.0
    };
    let mut img = RgbImage::new(W, H);
    for (i, p) in img.pixels_mut().enumerate() {
        let base = f64::from(lum[i]);
        for (c, t) in tint.iter().enumerate() {
            let nz = gauss(rng) * noise_sigma;
            p[c] = (base * t + nz).round().clamp(0.0, 255.0) as u8;
        }
    }
    Ok((img, params.join(" "), has("jpeg40")))
}

fn gauss(rng: &mut ChaCha8Rng) -> f64 {
    // Box–Muller.
    let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
    let u2: f64 = rng.gen_range(0.0..1.0);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn gaussian_blur(buf: &mut [f32], w: usize, h: usize, sigma: f32) {
    let r = (sigma * 3.0).ceil() as isize;
    let k: Vec<f32> = (-r..=r)
        .map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp())
        .collect();
    let sum: f32 = k.iter().sum();
    let k: Vec<f32> = k.iter().map(|v| v / sum).collect();
    let mut tmp = vec![0f32; buf.len()];
    for y in 0..h {
        for x in 0..w {
            let mut acc = 0.0;
            for (j, kv) in k.iter().enumerate() {
                let xx = (x as isize + j as isize - r).clamp(0, w as isize - 1) as usize;
                acc += buf[y * w + xx] * kv;
            }
            tmp[y * w + x] = acc;
        }
    }
    for y in 0..h {
        for x in 0..w {
            let mut acc = 0.0;
            for (j, kv) in k.iter().enumerate() {
                let yy = (y as isize + j as isize - r).clamp(0, h as isize - 1) as usize;
                acc += tmp[yy * w + x] * kv;
            }
            buf[y * w + x] = acc;
        }
    }
}

/// The 3×3 homography mapping the four `from` points onto the `to` points.
fn homography(from: &[(f64, f64); 4], to: &[(f64, f64); 4]) -> Option<[f64; 9]> {
    let mut a = [[0f64; 9]; 8];
    for i in 0..4 {
        let (x, y) = from[i];
        let (u, v) = to[i];
        a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    for col in 0..8 {
        let piv = (col..8).max_by(|&p, &q| a[p][col].abs().total_cmp(&a[q][col].abs()))?;
        if a[piv][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, piv);
        for row in 0..8 {
            if row != col {
                let pivot = a[col];
                let f = a[row][col] / pivot[col];
                for (v, p) in a[row][col..].iter_mut().zip(&pivot[col..]) {
                    *v -= f * p;
                }
            }
        }
    }
    let mut h = [0f64; 9];
    for i in 0..8 {
        h[i] = a[i][8] / a[i][i];
    }
    h[8] = 1.0;
    Some(h)
}

fn apply(h: &[f64; 9], x: f64, y: f64) -> (f64, f64) {
    let d = h[6] * x + h[7] * y + h[8];
    (
        (h[0] * x + h[1] * y + h[2]) / d,
        (h[3] * x + h[4] * y + h[5]) / d,
    )
}

// ---------------------------------------------------------------- decode

fn decode(args: &[String]) -> Res<()> {
    let dir = PathBuf::from(opt(args, "--frames").ok_or("--frames DIR is needed")?);
    let out = PathBuf::from(opt(args, "--out").ok_or("--out FILE is needed")?);
    let decoders: Vec<String> = opt(args, "--decoders")
        .unwrap_or("ours,ours-bytes")
        .split(',')
        .map(str::to_owned)
        .collect();
    let manifest: Manifest = serde_json::from_str(&fs::read_to_string(dir.join("manifest.json"))?)?;
    let mut runs: Vec<DecoderRun> = Vec::new();
    for name in &decoders {
        let mut results = Vec::new();
        for frame in &manifest.frames {
            let path = dir.join(&frame.file);
            let bytes = fs::read(&path)?;
            let (ok, ms) = run_one(name, &bytes, &path, &frame.payload)?;
            results.push(Outcome {
                file: frame.file.clone(),
                ok,
                ms,
            });
        }
        let ok = results.iter().filter(|r| r.ok).count();
        eprintln!("{name}: {ok}/{}", results.len());
        let basis = if name == "ours-bytes" {
            "encoded bytes"
        } else {
            "decoded 8-bit luma"
        };
        runs.push(DecoderRun {
            decoder: name.clone(),
            basis: basis.to_owned(),
            results,
        });
    }
    fs::write(&out, serde_json::to_string_pretty(&runs)?)?;
    Ok(())
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed().as_secs_f64() * 1000.0)
}

fn luma_of(bytes: &[u8]) -> Res<GrayImage> {
    // The same conversion as the Python side (PIL's "L": ITU-R 601-2).
    let rgb = image::load_from_memory(bytes)?.into_rgb8();
    let (w, h) = rgb.dimensions();
    let data = rgb
        .pixels()
        .map(|p| {
            ((299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2]) + 500) / 1000)
                as u8
        })
        .collect();
    GrayImage::from_raw(w, h, data).ok_or_else(|| "bad image".into())
}

fn run_one(name: &str, bytes: &[u8], _path: &Path, expected: &str) -> Res<(bool, f64)> {
    let hit = |texts: &[String]| texts.iter().any(|t| t == expected);
    if name == "ours-bytes" {
        let (r, ms) = timed(|| huiji_qr::decode_image_bytes(bytes));
        return Ok((r.map(|t| hit(&t)).unwrap_or(false), ms));
    }
    let img = luma_of(bytes)?;
    let (w, h) = img.dimensions();
    let luma = img.as_raw();
    if name == "ours" {
        let (r, ms) = timed(|| huiji_qr::decode_luma(w, h, luma));
        return Ok((r.map(|t| hit(&t)).unwrap_or(false), ms));
    }
    if let Some(passes) = name.strip_prefix("passes:") {
        use huiji_qr::engine::Pass;
        let passes: Vec<Pass> = passes
            .split('+')
            .map(|p| match p {
                "full" => Ok(Pass::Full),
                "global" => Ok(Pass::Global),
                "half" => Ok(Pass::Half),
                "stretch" => Ok(Pass::Stretch),
                other => Err(format!("unknown pass {other}")),
            })
            .collect::<Result<_, _>>()?;
        let (r, ms) = timed(|| huiji_qr::engine::decode_with(&passes, w, h, luma));
        return Ok((hit(&r), ms));
    }
    candidates::run(name, w, h, luma, expected)
}

#[cfg(not(feature = "candidates"))]
mod candidates {
    pub fn run(
        name: &str,
        _w: u32,
        _h: u32,
        _luma: &[u8],
        _expected: &str,
    ) -> super::Res<(bool, f64)> {
        Err(
            format!("unknown decoder {name} (the candidate decoders need --features candidates)")
                .into(),
        )
    }
}

#[cfg(feature = "candidates")]
mod candidates {
    use super::{timed, Res};

    pub fn run(name: &str, w: u32, h: u32, luma: &[u8], expected: &str) -> Res<(bool, f64)> {
        let hit = |texts: Vec<String>| texts.iter().any(|t| t == expected);
        let (ok, ms) = match name {
            "rxing" => {
                // rxing's own helper: MultiFormatReader, hybrid binariser, try harder.
                let (r, ms) = timed(|| {
                    let mut hints = rxing::DecodeHints {
                        TryHarder: Some(true),
                        PossibleFormats: Some([rxing::BarcodeFormat::QR_CODE].into()),
                        ..Default::default()
                    };
                    rxing::helpers::detect_in_luma_slice_with_hints(
                        luma,
                        w,
                        h,
                        Some(rxing::BarcodeFormat::QR_CODE),
                        &mut hints,
                    )
                });
                (r.map(|r| r.getText() == expected).unwrap_or(false), ms)
            }
            "rqrr" => {
                let (r, ms) = timed(|| {
                    let mut img = rqrr::PreparedImage::prepare_from_greyscale(
                        w as usize,
                        h as usize,
                        |x, y| luma[y * w as usize + x],
                    );
                    img.detect_grids()
                        .iter()
                        .filter_map(|g| g.decode().ok().map(|(_, s)| s))
                        .collect::<Vec<_>>()
                });
                (hit(r), ms)
            }
            "quircs" => {
                let (r, ms) = timed(|| {
                    let mut q = quircs::Quirc::default();
                    q.identify(w as usize, h as usize, luma)
                        .filter_map(|c| c.ok())
                        .filter_map(|c| c.decode().ok())
                        .filter_map(|d| String::from_utf8(d.payload).ok())
                        .collect::<Vec<_>>()
                });
                (hit(r), ms)
            }
            "bardecoder" => {
                let gray = image024::GrayImage::from_raw(w, h, luma.to_vec()).ok_or("bad frame")?;
                let dynimg = image024::DynamicImage::ImageLuma8(gray);
                let decoder = bardecoder::default_decoder();
                let (r, ms) = timed(|| decoder.decode(&dynimg));
                (hit(r.into_iter().filter_map(Result::ok).collect()), ms)
            }
            // The zxing-cpp crate with its defaults, QR only: what our first
            // full-resolution pass does, without our other passes.
            "zxing-cpp-rs" => {
                let reader = zxingcpp::read().formats([zxingcpp::BarcodeFormat::QRCode]);
                let (r, ms) = timed(|| {
                    let iv =
                        zxingcpp::ImageView::from_slice(luma, w, h, zxingcpp::ImageFormat::Lum)?;
                    reader.from(iv)
                });
                (
                    hit(r
                        .map(|v| v.iter().map(|b| b.text()).collect())
                        .unwrap_or_default()),
                    ms,
                )
            }
            other => return Err(format!("unknown decoder {other}").into()),
        };
        Ok((ok, ms))
    }
}

// ---------------------------------------------------------------- report

#[derive(Serialize)]
struct Row {
    decoder: String,
    basis: String,
    per_class: BTreeMap<String, f64>,
    overall: f64,
    decoded: usize,
    frames: usize,
    median_ms: f64,
    p95_ms: f64,
}

fn report(args: &[String]) -> Res<()> {
    let frames_dir = opt(args, "--frames").ok_or("--frames DIR is needed")?;
    let manifest: Manifest = serde_json::from_str(&fs::read_to_string(
        Path::new(frames_dir).join("manifest.json"),
    )?)?;
    let class_of: BTreeMap<&str, &str> = manifest
        .frames
        .iter()
        .map(|f| (f.file.as_str(), f.class.as_str()))
        .collect();
    let mut rows = Vec::new();
    for input in positional(args) {
        let runs: Vec<DecoderRun> = serde_json::from_str(&fs::read_to_string(input)?)?;
        for run in runs {
            let mut per: BTreeMap<String, (usize, usize)> = BTreeMap::new();
            for r in &run.results {
                let class = class_of.get(r.file.as_str()).copied().unwrap_or("?");
                let e = per.entry(class.to_owned()).or_default();
                e.1 += 1;
                if r.ok {
                    e.0 += 1;
                }
            }
            let mut ms: Vec<f64> = run.results.iter().map(|r| r.ms).collect();
            ms.sort_by(f64::total_cmp);
            let pct = |p: f64| {
                ms.get(((ms.len() as f64 - 1.0) * p).round() as usize)
                    .copied()
                    .unwrap_or(0.0)
            };
            let decoded = run.results.iter().filter(|r| r.ok).count();
            rows.push(Row {
                decoder: run.decoder,
                basis: run.basis,
                per_class: per
                    .into_iter()
                    .map(|(k, (o, n))| (k, o as f64 / n as f64))
                    .collect(),
                overall: decoded as f64 / run.results.len().max(1) as f64,
                decoded,
                frames: run.results.len(),
                median_ms: pct(0.5),
                p95_ms: pct(0.95),
            });
        }
    }
    let classes: Vec<&str> = CLASSES.to_vec();
    let mut header = format!("| {:<22} |", "decoder");
    for c in &classes {
        header.push_str(&format!(" {c:>11} |"));
    }
    header.push_str(" overall        | median ms | p95 ms |");
    println!("{header}");
    println!(
        "|{}|",
        header[1..header.len() - 1]
            .chars()
            .map(|c| if c == '|' { '|' } else { '-' })
            .collect::<String>()
    );
    for r in &rows {
        let mut line = format!("| {:<22} |", r.decoder);
        for c in &classes {
            let v = r.per_class.get(*c).copied().unwrap_or(f64::NAN);
            line.push_str(&format!(" {:>10.1}% |", v * 100.0));
        }
        line.push_str(&format!(
            " {:>5.1}% ({:>3}/{:<3}) | {:>9.2} | {:>6.2} |",
            r.overall * 100.0,
            r.decoded,
            r.frames,
            r.median_ms,
            r.p95_ms
        ));
        println!("{line}");
    }
    if let Some(out) = opt(args, "--out") {
        fs::write(out, serde_json::to_string_pretty(&rows)?)?;
    }
    Ok(())
}
