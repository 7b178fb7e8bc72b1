//! Helpers shared by the integration tests: wallets with cheap key derivation, file scanning, test credentials
//! and their signatures.

use std::path::{Path, PathBuf};

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use wallet_core::keys::SecretKey;
use wallet_core::sign::{self, ProofOptions};
use wallet_core::{KdfParams, NewProtection, Passphrase, Wallet};

pub const PASS: &str = "correct horse battery";

pub fn pass(s: &str) -> Passphrase {
    Passphrase::new(s.to_owned())
}

/// A new wallet in `dir`, protected by [`PASS`] with test-only Argon2 costs, unlocked.
pub fn new_wallet(dir: &Path) -> Wallet {
    let mut w = Wallet::open_or_create(dir).unwrap();
    w.init(NewProtection::Passphrase(
        pass(PASS),
        KdfParams::INSECURE_FOR_TESTS,
    ))
    .unwrap();
    w
}

pub fn reopen(dir: &Path) -> Wallet {
    let mut w = Wallet::open_or_create(dir).unwrap();
    w.unlock(Some(&pass(PASS))).unwrap();
    w
}

pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                pending.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// A snapshot of every file's bytes under a folder, to prove that an operation changed nothing.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut all: Vec<_> = files_under(dir)
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect();
    all.sort();
    all
}

/// `../shared` beside the repository (fixtures, standards, peer corpus).
pub fn shared() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    assert!(
        dir.is_dir(),
        "../shared (beside the repository) is needed by these tests: {}",
        dir.display()
    );
    dir
}

/// An RFC 3339 instant.
pub fn at(s: &str) -> OffsetDateTime {
    OffsetDateTime::parse(s, &Rfc3339).unwrap()
}

/// A minimal unsigned Open Badges 3.0 credential (VC 2.0) from `issuer` to `did:example:l`.
pub fn ob3_credential(id: &str, issuer: &str, name: &str) -> serde_json::Value {
    serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": id, "type": ["VerifiableCredential", "OpenBadgeCredential"], "name": name,
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Collège"}, "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:l", "type": ["AchievementSubject"], "achievement": {
            "id": "urn:a", "type": ["Achievement"], "name": name, "description": "d", "criteria": {"narrative": "n"}}}
    })
}

/// `doc` with an eddsa-rdfc-2022 proof by `key` under the verification method `vm` (assertionMethod, created
/// 2024-01-01).
pub fn sign_di(doc: &serde_json::Value, key: &SecretKey, vm: &str) -> serde_json::Value {
    let opts = ProofOptions {
        verification_method: vm,
        purpose: "assertionMethod",
        created: at("2024-01-01T00:00:00Z"),
        challenge: None,
        domain: None,
    };
    futures_executor::block_on(sign::data_integrity(doc, key, &opts)).unwrap()
}

/// The did:key of `key` and its verification method (`did:key:z…#z…`).
pub fn did_key_vm(key: &SecretKey) -> (String, String) {
    let did = wallet_core::did::did_key(&key.public_key()).unwrap();
    let vm = format!("{did}#{}", did.trim_start_matches("did:key:"));
    (did, vm)
}

/// Where Carnet's exact verdict on a peer corpus file, offline, differs from the class its manifest gives, and why.
/// Every other case must get exactly the manifest's class (`error` is not `indeterminate`).
pub const PEER_OFFLINE_DIFFERENCES: &[(&str, wallet_core::verify::Verdict, &str)] = {
    use wallet_core::verify::Verdict::Indeterminate;
    &[
        (
            "ob2-signed-baked.png",
            Indeterminate,
            "the manifest's `valid` needs the issuer's key document, whose address is unreachable offline (its copy \
             is in ob2-sidecar/): the signature could not be checked",
        ),
        (
            "ob2-signed-baked.svg",
            Indeterminate,
            "as ob2-signed-baked.png: the key document is unreachable offline",
        ),
        (
            "ob2-hosted-baked.png",
            Indeterminate,
            "the manifest calls an unreachable hosted assertion `error`; Carnet reads the badge (its URL) and could \
             not fetch the issuer's copy, which is \"could not check\" (proof skipped, named), not unreadable input",
        ),
        (
            "ob2-hosted-baked.svg",
            Indeterminate,
            "as ob2-hosted-baked.png: the hosted assertion cannot be fetched offline",
        ),
    ]
};

/// The verdict Carnet must give a peer corpus case offline: the manifest's class, or the documented difference.
pub fn peer_offline_verdict(file: &str, manifest_expect: &str) -> wallet_core::verify::Verdict {
    use wallet_core::verify::Verdict;
    if let Some((_, v, _)) = PEER_OFFLINE_DIFFERENCES.iter().find(|(f, _, _)| *f == file) {
        return *v;
    }
    match manifest_expect {
        "valid" => Verdict::Valid,
        "invalid" => Verdict::Invalid,
        "indeterminate" => Verdict::Indeterminate,
        "error" => Verdict::Error,
        other => panic!("unknown expectation {other} for {file}"),
    }
}
