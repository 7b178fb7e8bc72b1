//! The JSON-LD contexts as the deployed VPQR decoder has them. CBOR-LD term codes come from the keys of every
//! context, so Carnet must compress against the decoder's copies, not its own: where they differ, a code would
//! name another term. The Learner Credential Wallet reads VPQR with `@digitalcredentials/security-document-loader`
//! 6.0.0, which serves two of Carnet's contexts in other revisions:
//!
//! - VC 2.0 (`credentials-v2-context` 0.0.1-beta.0, a draft): a top-level `@vocab`, and `statusMessage`,
//!   `statusReference`, `statusSize` (a `positiveInteger`) under `BitstringStatusList` instead of
//!   `BitstringStatusListEntry`;
//! - Bitstring Status List v1 (`vc-bitstring-status-list-context` 1.0.0, as the wallet's lockfile pins it): the
//!   the same move of those three terms, `statusReference` and `statusSize` untyped, and no top-level `id` and
//!   `type` aliases;
//! - OB 3.0.3 (`open-badges-context` 2.1.0): the 2024-03 file without `awardedDate` and `inLanguage` (neither
//!   the later `jti` and `endorsementJwt`).
//!
//! Every other context Carnet bundles is the same document there, or one the wallet fetches from its URL (it runs
//! with `fetchRemoteContexts`), which is what Carnet bundles. `tests/interop/vpqr.mjs contexts` prints the
//! loader's copies; the interop test compares them with [`document`] for every URL.

use serde_json::{json, Map, Value};

use super::QrError;
use crate::contexts;

const VC2: &str = "https://www.w3.org/ns/credentials/v2";
const STATUS_V1: &str = "https://www.w3.org/ns/credentials/status/v1";
const OB303: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// The 2024-03 OB 3.0.3 file, the base of the decoder's copy (Carnet verifies with the later revision).
const OB303_2024_03: &str = include_str!("../../contexts/1edtech/ob-v3p0-context-3.0.3.json");

/// The context document the deployed decoder would use for `url`.
pub(crate) fn document(url: &str) -> Result<Value, QrError> {
    let known =
        |text: &str| serde_json::from_str::<Value>(text).map_err(|e| patch_error(url, &e.to_string()));
    match url {
        VC2 => {
            let mut doc = known(carnet_copy(url)?)?;
            vc2_beta(&mut doc).ok_or_else(|| patch_error(url, "unexpected shape"))?;
            Ok(doc)
        }
        STATUS_V1 => {
            let mut doc = known(carnet_copy(url)?)?;
            status_v1_1_0_0(&mut doc).ok_or_else(|| patch_error(url, "unexpected shape"))?;
            Ok(doc)
        }
        OB303 => {
            let mut doc = known(OB303_2024_03)?;
            ob303_as_packaged(&mut doc).ok_or_else(|| patch_error(url, "unexpected shape"))?;
            Ok(doc)
        }
        _ => known(carnet_copy(url)?),
    }
}

fn carnet_copy(url: &str) -> Result<&'static str, QrError> {
    contexts::get(url).map_err(|e| QrError::NotCompressible(e.to_string()))
}

fn patch_error(url: &str, why: &str) -> QrError {
    QrError::NotCompressible(format!(
        "Carnet's copy of {url} is not the one VPQR was written for: {why}"
    ))
}

fn context_mut(doc: &mut Value) -> Option<&mut Map<String, Value>> {
    doc.get_mut("@context")?.as_object_mut()
}

fn scoped_mut<'a>(ctx: &'a mut Map<String, Value>, term: &str) -> Option<&'a mut Map<String, Value>> {
    ctx.get_mut(term)?.get_mut("@context")?.as_object_mut()
}

/// Carnet's VC 2.0 context turned into the 0.0.1-beta.0 draft the decoder packages.
fn vc2_beta(doc: &mut Value) -> Option<()> {
    let ctx = context_mut(doc)?;
    ctx.insert(
        "@vocab".into(),
        Value::String("https://www.w3.org/ns/credentials/issuer-dependent#".into()),
    );
    status_terms_on_the_list(ctx, |term, mut def| {
        if term == "statusSize" {
            *def.get_mut("@type")? = json!("https://www.w3.org/2001/XMLSchema#positiveInteger");
        }
        Some(def)
    })
}

/// Carnet's Bitstring Status List v1 context as the package's 1.0.0 has it.
fn status_v1_1_0_0(doc: &mut Value) -> Option<()> {
    let ctx = context_mut(doc)?;
    ctx.remove("id")?;
    ctx.remove("type")?;
    status_terms_on_the_list(ctx, |term, def| match term {
        "statusMessage" => Some(def),
        _ => def.get("@id").cloned(),
    })
}

/// `statusMessage`, `statusReference` and `statusSize` moved from `BitstringStatusListEntry` to
/// `BitstringStatusList` (where the 2023 drafts had them), each definition as `redefine` gives it.
fn status_terms_on_the_list(
    ctx: &mut Map<String, Value>,
    redefine: impl Fn(&str, Value) -> Option<Value>,
) -> Option<()> {
    let mut moved = Vec::new();
    let entry = scoped_mut(ctx, "BitstringStatusListEntry")?;
    for term in ["statusMessage", "statusReference", "statusSize"] {
        moved.push((term, redefine(term, entry.remove(term)?)?));
    }
    let list = scoped_mut(ctx, "BitstringStatusList")?;
    for (term, def) in moved {
        list.insert(term.into(), def);
    }
    Some(())
}

/// The 2024-03 OB 3.0.3 context as `open-badges-context` 2.1.0 packages it.
fn ob303_as_packaged(doc: &mut Value) -> Option<()> {
    let ctx = context_mut(doc)?;
    ctx.remove("awardedDate")?;
    ctx.remove("inLanguage")?;
    for holder in ["Achievement", "Related"] {
        scoped_mut(ctx, holder)?.remove("inLanguage")?;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_context_has_a_decoder_copy() {
        for url in contexts::urls() {
            let doc = document(url).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert!(doc["@context"].is_object() || doc["@context"].is_array(), "{url}");
        }
    }

    #[test]
    fn the_decoder_copies_lack_the_terms_their_packages_lack() {
        let vc2 = document(VC2).unwrap();
        assert!(vc2["@context"]["BitstringStatusList"]["@context"]["statusSize"].is_object());
        assert!(vc2["@context"]["BitstringStatusListEntry"]["@context"]["statusSize"].is_null());
        let ob = document(OB303).unwrap();
        for term in ["awardedDate", "inLanguage", "jti", "endorsementJwt"] {
            assert!(ob["@context"][term].is_null(), "{term}");
        }
        assert!(ob["@context"]["Achievement"].is_object());
    }
}
