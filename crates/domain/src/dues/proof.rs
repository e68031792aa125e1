//! What a proof image must be before anything decodes it: a JPEG, PNG or WebP by its
//! first bytes (never its name), at most 10 MiB. The device checks this before it
//! queues a photo; the server checks it again and then decodes under limits.

use crate::DomainError;

pub const PROOF_MAX_BYTES: usize = 10 * 1024 * 1024;
pub const PROOF_NOT_IMAGE: DomainError = DomainError::new(
    "ProofNotImage",
    "凭证必须是JPEG、PNG或WebP格式的图片",
    "The proof must be a JPEG, PNG or WebP image",
);
pub const PROOF_TOO_LARGE: DomainError = DomainError::new(
    "ProofTooLarge",
    "凭证图片不能超过10MB",
    "The proof image must be at most 10 MB",
);
pub const PROOF_UNREADABLE: DomainError = DomainError::new(
    "ProofUnreadable",
    "凭证图片已损坏或无法读取，请重新拍照上传",
    "The proof image is damaged or unreadable; please take a new photo and upload it again",
);
pub const PROOF_DIMENSIONS: DomainError = DomainError::new(
    "ProofDimensions",
    "凭证图片尺寸过大或过小（宽高应在16到12000像素之间，总像素不超过6000万）",
    "The proof image is too large or too small (each side 16 to 12000 pixels, at most 60 megapixels)",
);
pub const PROOF_EMPTY: DomainError = DomainError::new(
    "ProofEmpty",
    "请选择凭证图片",
    "Please choose a proof image",
);

/// The kind of image by its first bytes (never by name): "image/jpeg", "image/png", "image/webp".
pub fn sniff(bytes: &[u8]) -> Result<&'static str, DomainError> {
    if bytes.is_empty() {
        return Err(PROOF_EMPTY);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Ok("image/webp")
    } else {
        Err(PROOF_NOT_IMAGE)
    }
}

/// The kind and size check in one.
pub fn check_proof(bytes: &[u8]) -> Result<&'static str, DomainError> {
    let mime = sniff(bytes)?;
    if bytes.len() > PROOF_MAX_BYTES {
        return Err(PROOF_TOO_LARGE);
    }
    Ok(mime)
}
