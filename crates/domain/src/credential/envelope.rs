//! The envelope: claims bytes -> COSE_Sign1 -> Base45 -> "HJ1:..." and back.
//!
//! Opening is strict: every layer must be in the exact form `seal` produces (canonical
//! Base45, the one protected header we write, an empty unprotected header, the CBOR
//! re-encoding byte-identical to the input). Together with `verify_strict` this makes a
//! credential's text unique: any other text is not the same valid credential, which
//! keeps "one credential, one string" true for scan logs and caches.

use coset::{
    iana, CborSerializable, CoseSign1, CoseSign1Builder, Header, HeaderBuilder,
    TaggedCborSerializable,
};

use super::claims::{ENCODING_FAILED, KID_INVALID, TOO_LONG};
use super::keys::{is_valid_kid, SigningKey};
use super::{MAX_TEXT_LEN, PREFIX};
use crate::error::DomainError;

/// No external AAD: everything signed is in the credential.
const AAD: &[u8] = b"";

/// The protected header `seal` writes: exactly alg = EdDSA and kid.
fn protected_header(kid: &str) -> Header {
    HeaderBuilder::new()
        .algorithm(iana::Algorithm::EdDSA)
        .key_id(kid.as_bytes().to_vec())
        .build()
}

/// Signs `payload` and wraps it for a QR code.
pub(crate) fn seal(payload: Vec<u8>, key: &SigningKey) -> Result<String, DomainError> {
    if !is_valid_kid(key.kid()) {
        return Err(KID_INVALID);
    }
    let bytes = CoseSign1Builder::new()
        .protected(protected_header(key.kid()))
        .payload(payload)
        .create_signature(AAD, |tbs| key.sign(tbs).to_vec())
        .build()
        .to_tagged_vec()
        .map_err(|_| ENCODING_FAILED)?;
    let text = format!("{PREFIX}{}", base45::encode(&bytes));
    if text.len() > MAX_TEXT_LEN {
        return Err(TOO_LONG);
    }
    Ok(text)
}

/// A structurally valid, not yet verified credential.
#[derive(Debug)]
pub(crate) struct Opened {
    pub kid: String,
    pub sign1: CoseSign1,
}

impl Opened {
    /// The claims bytes (present: `open` refuses detached payloads).
    pub fn payload(&self) -> &[u8] {
        self.sign1.payload.as_deref().unwrap_or_default()
    }

    /// Checks the Ed25519 signature over the COSE Sig_structure. `verify_strict` rejects
    /// non-canonical signatures and small-order keys, so a valid signature cannot be
    /// tweaked into another valid one.
    pub fn signature_ok(&self, key: &ed25519_dalek::VerifyingKey) -> bool {
        self.sign1
            .verify_signature(AAD, |sig, tbs| {
                let sig = ed25519_dalek::Signature::from_slice(sig)?;
                key.verify_strict(tbs, &sig)
            })
            .is_ok()
    }
}

/// Why the envelope did not open. Only tests look inside; callers see `Malformed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadEnvelope(pub &'static str);

/// Parses the text down to a COSE_Sign1 with a kid, checking structure only.
pub(crate) fn open(text: &str) -> Result<Opened, BadEnvelope> {
    if text.len() > MAX_TEXT_LEN {
        return Err(BadEnvelope("too long"));
    }
    // HID scanners end a scan with CR/LF (or a tab); nothing else is forgiven.
    let text = text.trim_ascii();
    let body = text.strip_prefix(PREFIX).ok_or(BadEnvelope("prefix"))?;
    let bytes = base45::decode(body).map_err(|_| BadEnvelope("base45"))?;
    // base45 3.x accepts a final pair above 255 (RFC 9285 says reject) by truncating it;
    // re-encoding and comparing rejects that and any other non-canonical spelling.
    if base45::encode(&bytes) != body {
        return Err(BadEnvelope("base45 not canonical"));
    }
    let sign1 = CoseSign1::from_tagged_slice(&bytes).map_err(|_| BadEnvelope("cose"))?;

    let kid = String::from_utf8(sign1.protected.header.key_id.clone())
        .map_err(|_| BadEnvelope("kid not utf-8"))?;
    if !is_valid_kid(&kid) {
        return Err(BadEnvelope("kid"));
    }
    let expected = protected_header(&kid);
    if sign1.protected.header != expected {
        return Err(BadEnvelope("protected header"));
    }
    let canonical = expected
        .to_vec()
        .map_err(|_| BadEnvelope("protected header"))?;
    if sign1.protected.original_data.as_deref() != Some(canonical.as_slice()) {
        return Err(BadEnvelope("protected header not canonical"));
    }
    // The unprotected header is not signed: anything in it could be changed freely.
    if !sign1.unprotected.is_empty() {
        return Err(BadEnvelope("unprotected header"));
    }
    if sign1.payload.is_none() {
        return Err(BadEnvelope("detached payload"));
    }
    if sign1.signature.len() != ed25519_dalek::SIGNATURE_LENGTH {
        return Err(BadEnvelope("signature length"));
    }
    // CBOR allows several spellings of the same item (long-form lengths, indefinite
    // strings); only the one `seal` writes is accepted.
    let again = sign1
        .clone()
        .to_tagged_vec()
        .map_err(|_| BadEnvelope("cose"))?;
    if again != bytes {
        return Err(BadEnvelope("cose not canonical"));
    }
    Ok(Opened { kid, sign1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::from_seed("k1", [1u8; 32])
    }

    fn text_of(bytes: &[u8]) -> String {
        format!("{PREFIX}{}", base45::encode(bytes))
    }

    fn raw(text: &str) -> Vec<u8> {
        base45::decode(text.strip_prefix(PREFIX).unwrap()).unwrap()
    }

    #[test]
    fn seal_then_open() {
        let text = seal(b"hello".to_vec(), &key()).unwrap();
        let opened = open(&text).unwrap();
        assert_eq!(opened.kid, "k1");
        assert_eq!(opened.payload(), b"hello");
        let vk = ed25519_dalek::VerifyingKey::from_bytes(&key().public_key()).unwrap();
        assert!(opened.signature_ok(&vk));
        let other = SigningKey::from_seed("k1", [2u8; 32]).public_key();
        let other = ed25519_dalek::VerifyingKey::from_bytes(&other).unwrap();
        assert!(!opened.signature_ok(&other));
        // Scanners' line endings are forgiven.
        assert!(open(&format!(" \r\n{text}\r\n\t")).is_ok());
    }

    #[test]
    fn seal_refuses_bad_kids() {
        let bad = SigningKey::from_seed("bad kid", [1u8; 32]);
        assert_eq!(seal(vec![], &bad).unwrap_err(), KID_INVALID);
    }

    #[test]
    fn rejects_junk_at_each_layer() {
        let text = seal(b"hello".to_vec(), &key()).unwrap();
        let cases = [
            ("hj1:".to_string() + &text[4..], "prefix"),
            (text.replace("HJ1:", "HC1:"), "prefix"),
            (format!("{text}a"), "base45"),
            (format!("{PREFIX}0"), "base45"),
            (text_of(b"not cose"), "cose"),
            ("x".repeat(MAX_TEXT_LEN + 1), "too long"),
        ];
        for (input, why) in cases {
            assert_eq!(open(&input).unwrap_err(), BadEnvelope(why), "{input}");
        }
        // A trailing pair worth more than 255 ("::" = 2024) is not Base45.
        assert_eq!(
            open(&format!("{}::", text_of(b"hi"))).unwrap_err(),
            BadEnvelope("base45 not canonical")
        );
        // Untagged COSE_Sign1 is not what we write.
        let tagged = raw(&text);
        assert_eq!(
            open(&text_of(&tagged[1..])).unwrap_err(),
            BadEnvelope("cose")
        );
    }

    fn reseal(mutate: impl FnOnce(&mut CoseSign1)) -> String {
        let text = seal(b"hello".to_vec(), &key()).unwrap();
        let mut sign1 = CoseSign1::from_tagged_slice(&raw(&text)).unwrap();
        mutate(&mut sign1);
        text_of(&sign1.to_tagged_vec().unwrap())
    }

    type Mutation = Box<dyn FnOnce(&mut CoseSign1)>;

    #[test]
    fn rejects_headers_we_do_not_write() {
        let cases: Vec<(Mutation, &str)> = vec![
            (
                Box::new(|s| {
                    s.unprotected = HeaderBuilder::new().key_id(b"k2".to_vec()).build();
                }),
                "unprotected header",
            ),
            (
                Box::new(|s| {
                    s.protected.original_data = None;
                    s.protected.header.alg =
                        Some(coset::Algorithm::Assigned(iana::Algorithm::ES256));
                }),
                "protected header",
            ),
            (
                Box::new(|s| {
                    s.protected.original_data = None;
                    s.protected.header.content_type =
                        Some(coset::ContentType::Text("text/plain".into()));
                }),
                "protected header",
            ),
            (
                Box::new(|s| {
                    s.protected.original_data = None;
                    s.protected.header.key_id = b"k 1".to_vec();
                }),
                "kid",
            ),
            (
                Box::new(|s| {
                    s.protected.original_data = None;
                    s.protected.header.key_id = vec![0xff];
                }),
                "kid not utf-8",
            ),
            (Box::new(|s| s.payload = None), "detached payload"),
            (Box::new(|s| s.signature.truncate(63)), "signature length"),
        ];
        for (i, (mutate, why)) in cases.into_iter().enumerate() {
            assert_eq!(
                open(&reseal(mutate)).unwrap_err(),
                BadEnvelope(why),
                "case {i}"
            );
        }
    }

    #[test]
    fn rejects_non_canonical_cbor() {
        // Same protected header map, but its key written as a 2-byte integer: the parsed
        // header is identical, the signed bytes are not what we write.
        let text = reseal(|s| {
            let mut data = s.protected.original_data.clone().unwrap();
            assert_eq!(data[..2], [0xa2, 0x01]); // map(2), key 1 (alg)
            data.splice(1..2, [0x18, 0x01]);
            s.protected.original_data = Some(data);
        });
        assert_eq!(
            open(&text).unwrap_err(),
            BadEnvelope("protected header not canonical")
        );

        // The outer array with a long-form length.
        let text = seal(b"hello".to_vec(), &key()).unwrap();
        let mut bytes = raw(&text);
        assert_eq!(bytes[1], 0x84); // array(4)
        bytes.splice(1..2, [0x98, 0x04]);
        assert_eq!(
            open(&text_of(&bytes)).unwrap_err(),
            BadEnvelope("cose not canonical")
        );

        // Trailing data after the COSE item.
        let mut bytes = raw(&text);
        bytes.push(0);
        assert_eq!(open(&text_of(&bytes)).unwrap_err(), BadEnvelope("cose"));

        // A tag other than COSE_Sign1 (18).
        let mut bytes = raw(&text);
        assert_eq!(bytes[0], 0xd2);
        bytes[0] = 0xd1;
        assert_eq!(open(&text_of(&bytes)).unwrap_err(), BadEnvelope("cose"));
    }
}
