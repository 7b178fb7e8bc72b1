//! Backup, restore and plain export: lossless, idempotent, and all-or-nothing on bad input; restored credentials
//! are verified again from their bytes; exported files are private to their owner.

use std::fs;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use wallet_core::importer::{ImportOptions, ItemOutcome, Source, Summary};
use wallet_core::net::NetPolicy;
use wallet_core::portfolio::{PortfolioEntry, Query};
use wallet_core::verify::Verdict;
use wallet_core::{AddOutcome, FixedClock, KdfParams, NewProtection, RestoreReport, Wallet};

use crate::support::{at, new_wallet, pass, shared, snapshot, PASS};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n....pretend baked badge....";
const JSON: &[u8] = br#"{"@context":["https://www.w3.org/ns/credentials/v2"],"name":"Soudage 101"}"#;
const JWT: &[u8] = b"eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln";

fn filled(dir: &std::path::Path) -> Wallet {
    let w = new_wallet(dir);
    let a = w.create_profile("Personnel").unwrap();
    let b = w.create_profile("Travail").unwrap();
    w.add_credential(PNG, Some(&a.id), "badge.png").unwrap();
    w.add_credential(JSON, Some(&b.id), "soudage.json").unwrap();
    w.add_credential(JWT, None, "pasted").unwrap();
    w
}

/// Restores offline, as the CLI and the app do by default.
fn restore(w: &Wallet, file: &Path, passphrase: &str) -> Result<RestoreReport, wallet_core::WalletError> {
    w.restore(file, &pass(passphrase), &NetPolicy::offline())
}

fn backup_of(w: &Wallet, dir: &std::path::Path) -> std::path::PathBuf {
    let file = dir.join("wallet.carnet-backup");
    w.backup_with(&file, &pass("backup passphrase"), KdfParams::INSECURE_FOR_TESTS)
        .unwrap();
    file
}

#[test]
fn round_trip_is_lossless_and_keys_still_sign() {
    let tmp = tempfile::tempdir().unwrap();
    let source = filled(&tmp.path().join("a"));
    let file = backup_of(&source, tmp.path());

    let target = new_wallet(&tmp.path().join("b"));
    let report = restore(&target, &file, "backup passphrase").unwrap();
    assert_eq!((report.profiles_added, report.credentials_added), (2, 3));
    // These bytes were stored raw, never verified: checked now, they are not credentials, and wait in quarantine.
    assert_eq!((report.verified, report.invalid, report.unchecked), (0, 3, 0));
    assert!(report.not_verified.iter().all(|i| i.verdict == Verdict::Error));

    let (pa, pb) = (source.profiles().unwrap(), target.profiles().unwrap());
    assert_eq!(pa, pb, "same profiles, names, DIDs, default and counts");
    let bytes = |w: &Wallet| {
        let mut v: Vec<Vec<u8>> = w
            .credentials()
            .unwrap()
            .iter()
            .map(|c| w.credential_bytes(&c.id).unwrap())
            .collect();
        v.sort();
        v
    };
    assert_eq!(bytes(&source), bytes(&target), "byte-equal raw credentials");
    for p in &pb {
        let sig = target.sign(&p.id, b"challenge-123").unwrap();
        assert!(
            source
                .public_key(&p.id)
                .unwrap()
                .verify(b"challenge-123", &sig)
                .unwrap(),
            "same key signs"
        );
    }
}

#[test]
fn restoring_twice_adds_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let source = filled(&tmp.path().join("a"));
    let file = backup_of(&source, tmp.path());
    let target = new_wallet(&tmp.path().join("b"));
    restore(&target, &file, "backup passphrase").unwrap();
    let profiles = target.profiles().unwrap();
    let creds = target.credentials().unwrap();
    let again = restore(&target, &file, "backup passphrase").unwrap();
    assert_eq!((again.profiles_added, again.credentials_added), (0, 0));
    assert_eq!((again.profiles_present, again.credentials_present), (2, 3));
    assert_eq!(target.profiles().unwrap(), profiles);
    assert_eq!(target.credentials().unwrap(), creds);
    // Restoring into the wallet it came from is a no-op too.
    let own = restore(&source, &file, "backup passphrase").unwrap();
    assert_eq!((own.profiles_added, own.credentials_added), (0, 0));
}

#[test]
fn a_restored_duplicate_keeps_one_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let source = filled(&tmp.path().join("a"));
    let file = backup_of(&source, tmp.path());
    let target = new_wallet(&tmp.path().join("b"));
    target.create_profile("Moi").unwrap();
    assert!(matches!(
        target.add_credential(JSON, None, "already here").unwrap(),
        AddOutcome::Added { .. }
    ));
    let report = restore(&target, &file, "backup passphrase").unwrap();
    assert_eq!((report.credentials_added, report.credentials_present), (2, 1));
    assert_eq!(target.credentials().unwrap().len(), 3);
}

#[test]
fn every_tampered_byte_is_refused_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let source = filled(&tmp.path().join("a"));
    let file = backup_of(&source, tmp.path());
    let original = fs::read(&file).unwrap();
    let target_dir = tmp.path().join("b");
    let target = new_wallet(&target_dir);
    target.create_profile("Moi").unwrap();
    drop(target);
    let before = snapshot(&target_dir);
    let mut target = Wallet::open_or_create(&target_dir).unwrap();
    target.unlock(Some(&pass(crate::support::PASS))).unwrap();

    let bad_file = tmp.path().join("bad");
    let step = (original.len() / 40).max(1);
    let mut tried = 0;
    for offset in (0..original.len()).step_by(step).chain([original.len() - 1]) {
        let mut bad = original.clone();
        bad[offset] ^= 0x20;
        fs::write(&bad_file, &bad).unwrap();
        let err = restore(&target, &bad_file, "backup passphrase").unwrap_err();
        assert!(err.code().starts_with("backup."), "byte {offset}: {err}");
        tried += 1;
    }
    for cut in [0, 7, 13, original.len() / 2, original.len() - 1] {
        fs::write(&bad_file, &original[..cut]).unwrap();
        let err = restore(&target, &bad_file, "backup passphrase").unwrap_err();
        assert!(
            matches!(err.code(), "backup.damaged" | "backup.not_a_backup"),
            "cut {cut}: {err}"
        );
    }
    let err = restore(&target, &file, "not the backup passphrase").unwrap_err();
    assert_eq!(err.code(), "backup.wrong_passphrase");
    assert_eq!(target.profiles().unwrap().len(), 1);
    assert_eq!(target.credentials().unwrap().len(), 0);
    drop(target);
    let after: Vec<_> = snapshot(&target_dir)
        .into_iter()
        .filter(|(p, _)| !p.starts_with(target_dir.join("store")))
        .collect();
    let before: Vec<_> = before
        .into_iter()
        .filter(|(p, _)| !p.starts_with(target_dir.join("store")))
        .collect();
    assert_eq!(after, before);
    assert!(tried > 30);
}

#[test]
fn a_backup_never_overwrites_a_file_and_rejects_weak_passphrases() {
    let tmp = tempfile::tempdir().unwrap();
    let w = filled(&tmp.path().join("a"));
    let file = tmp.path().join("exists");
    fs::write(&file, "keep me").unwrap();
    let err = w
        .backup_with(&file, &pass("backup passphrase"), KdfParams::INSECURE_FOR_TESTS)
        .unwrap_err();
    assert_eq!(err.code(), "backup.output_exists");
    assert_eq!(fs::read_to_string(&file).unwrap(), "keep me");
    let err = w
        .backup_with(
            &tmp.path().join("new"),
            &pass("short"),
            KdfParams::INSECURE_FOR_TESTS,
        )
        .unwrap_err();
    assert_eq!(err.code(), "vault.passphrase_too_short");
    assert!(!tmp.path().join("new").exists());
}

#[test]
fn a_backup_holds_no_plaintext() {
    let tmp = tempfile::tempdir().unwrap();
    let w = filled(&tmp.path().join("a"));
    let file = backup_of(&w, tmp.path());
    let bytes = fs::read(&file).unwrap();
    for needle in [
        &b"Soudage"[..],
        b"Personnel",
        b"Travail",
        b"badge.png",
        b"did:key",
    ] {
        assert!(
            !bytes.windows(needle.len()).any(|x| x == needle),
            "{:?} in clear",
            String::from_utf8_lossy(needle)
        );
    }
}

#[test]
fn plain_export_writes_the_original_files_and_a_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let w = filled(&tmp.path().join("a"));
    let out = tmp.path().join("export");
    let report = w.export_plain(&out).unwrap();
    assert_eq!(report.credential_files, 3);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let entries = manifest["credentials"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    let mut exported: Vec<Vec<u8>> = entries
        .iter()
        .map(|e| fs::read(out.join(e["file"].as_str().unwrap())).unwrap())
        .collect();
    exported.sort();
    let mut expected = vec![PNG.to_vec(), JSON.to_vec(), JWT.to_vec()];
    expected.sort();
    assert_eq!(exported, expected);
    let names: Vec<&str> = entries.iter().map(|e| e["file"].as_str().unwrap()).collect();
    assert!(names.iter().any(|n| n.ends_with(".png")) && names.iter().any(|n| n.ends_with(".jwt")));
    // A non-empty folder is refused and left alone.
    let err = w.export_plain(&out).unwrap_err();
    assert_eq!(err.code(), "backup.output_not_empty");
    assert_eq!(fs::read_dir(&out).unwrap().count(), 4);
}

// ---- restore checks every credential again from its bytes ----

const NOW: &str = "2025-01-01T00:00:00Z";

/// A new wallet whose clock is pinned at [`NOW`] (restore judges dates at the wallet's "now").
fn wallet_at_now(dir: &Path) -> Wallet {
    let mut w = Wallet::open_or_create_with_clock(dir, Arc::new(FixedClock(at(NOW)))).unwrap();
    w.init(NewProtection::Passphrase(
        pass(PASS),
        KdfParams::INSECURE_FOR_TESTS,
    ))
    .unwrap();
    w
}

fn import(w: &Wallet, sources: &[Source], opts: &ImportOptions) -> Summary {
    w.import(sources, opts, &mut |_| {}, &AtomicBool::new(false))
        .unwrap()
}

fn offline_keep() -> ImportOptions {
    ImportOptions {
        net: NetPolicy::offline(),
        now: Some(at(NOW)),
        keep_unverified: true,
        ..ImportOptions::default()
    }
}

/// Everything the portfolio shows, quarantine and older versions included, by id.
fn everything(w: &Wallet) -> Vec<PortfolioEntry> {
    let mut e = w
        .portfolio(&Query {
            include_quarantined: true,
            include_superseded: true,
            ..Query::default()
        })
        .unwrap()
        .entries;
    e.sort_by(|a, b| a.id.cmp(&b.id));
    e
}

fn corpus(file: &str) -> Source {
    Source::Path(shared().join("fixtures/peer-corpus").join(file))
}

#[test]
fn restored_credentials_are_verified_again_and_described_as_an_import_would() {
    let tmp = tempfile::tempdir().unwrap();
    let source = wallet_at_now(&tmp.path().join("a"));
    source.create_profile("Moi").unwrap();
    let issuer = crate::importer::Issuer::new(61);
    let signed = issuer.signed(&issuer.credential(
        "urn:uuid:restore-1",
        "Soudure à l'arc",
        "did:example:l",
        "2024-01-01T00:00:00Z",
    ));
    let s = import(
        &source,
        &[
            Source::Bytes {
                name: "soudure.json".into(),
                bytes: signed,
            },
            corpus("ob3-baked-jsonld.png"),
            corpus("neg-tampered-achievement-name.json"),
        ],
        &offline_keep(),
    );
    assert_eq!((s.imported, s.invalid), (2, 1), "{s:#?}");
    let file = backup_of(&source, tmp.path());

    let target = wallet_at_now(&tmp.path().join("b"));
    let report = restore(&target, &file, "backup passphrase").unwrap();
    assert_eq!(report.credentials_added, 3);
    assert_eq!((report.verified, report.invalid, report.unchecked), (2, 1, 0));
    assert!(!report.online);
    assert_eq!(report.not_verified.len(), 1);
    let issue = &report.not_verified[0];
    assert_eq!(issue.verdict, Verdict::Invalid);
    assert!(
        issue.reason.as_deref().is_some_and(|r| r.starts_with("proof:")),
        "{issue:?}"
    );
    // The same entries, checks, dates and pictures as the wallet that imported them.
    assert_eq!(everything(&target), everything(&source));
    for e in everything(&source) {
        assert_eq!(
            target.credential(&e.id).unwrap(),
            source.credential(&e.id).unwrap()
        );
        assert_eq!(
            target.credential_image(&e.id).unwrap(),
            source.credential_image(&e.id).unwrap()
        );
    }
    assert_eq!(everything(&target).iter().filter(|e| e.has_image).count(), 1);
}

#[test]
fn older_versions_come_back_superseded_by_the_latest_here_or_restored() {
    let tmp = tempfile::tempdir().unwrap();
    let issuer = crate::importer::Issuer::new(62);
    let version = |from: &str| Source::Bytes {
        name: format!("v-{from}.json"),
        bytes: issuer.signed(&issuer.credential("urn:uuid:versions", "Secourisme", "did:example:l", from)),
    };
    let source = wallet_at_now(&tmp.path().join("a"));
    source.create_profile("Moi").unwrap();
    import(&source, &[version("2024-01-01T00:00:00Z")], &offline_keep());
    import(&source, &[version("2024-03-01T00:00:00Z")], &offline_keep());
    let file = backup_of(&source, tmp.path());
    let id_of = |w: &Wallet, from: &str| {
        everything(w)
            .into_iter()
            .find(|e| e.awarded.as_deref() == Some(from))
            .unwrap()
            .id
    };

    // Into an empty wallet: as in the backup, the later one is current.
    let fresh = wallet_at_now(&tmp.path().join("b"));
    restore(&fresh, &file, "backup passphrase").unwrap();
    let (v1, v2) = (
        id_of(&fresh, "2024-01-01T00:00:00Z"),
        id_of(&fresh, "2024-03-01T00:00:00Z"),
    );
    assert_eq!(fresh.credential(&v1).unwrap().superseded_by, Some(v2.clone()));
    assert_eq!(fresh.credential(&v2).unwrap().superseded_by, None);
    assert_eq!(fresh.portfolio(&Query::default()).unwrap().total, 1);

    // Into a wallet that already holds a later version: both restored ones are older versions of it.
    let ahead = wallet_at_now(&tmp.path().join("c"));
    ahead.create_profile("Moi").unwrap();
    import(&ahead, &[version("2024-06-01T00:00:00Z")], &offline_keep());
    let report = restore(&ahead, &file, "backup passphrase").unwrap();
    assert_eq!((report.credentials_added, report.verified), (2, 2));
    let v3 = id_of(&ahead, "2024-06-01T00:00:00Z");
    for from in ["2024-01-01T00:00:00Z", "2024-03-01T00:00:00Z"] {
        let id = id_of(&ahead, from);
        assert_eq!(
            ahead.credential(&id).unwrap().superseded_by,
            Some(v3.clone()),
            "{from}"
        );
    }
    let shown = ahead.portfolio(&Query::default()).unwrap();
    assert_eq!((shown.total, shown.entries[0].id.clone()), (1, v3.clone()));
    // A fourth version imported later still finds the current one.
    let s = import(&ahead, &[version("2024-09-01T00:00:00Z")], &offline_keep());
    assert_eq!(s.items[0].outcome, ItemOutcome::Superseded, "{s:#?}");
}

#[test]
fn an_offline_restore_quarantines_what_it_cannot_check_and_an_online_one_lets_it_out() {
    let tmp = tempfile::tempdir().unwrap();
    let side = shared().join("fixtures/peer-corpus/ob2-sidecar");
    let mut routes = crate::http::Routes::new();
    for f in ["key.json", "issuer.json", "badgeclass.json"] {
        routes.insert(format!("/ob2/{f}"), (200, fs::read(side.join(f)).unwrap()));
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(crate::http::serve(routes));
    let online = NetPolicy {
        allow_loopback_http: true,
        test_routes: vec![(
            "https://badges.public-example.org/".into(),
            format!("{}/", server.base),
        )],
        ..NetPolicy::default()
    };
    // OB 2.0 signed: its issuer's key lives on the issuer's server.
    let source = wallet_at_now(&tmp.path().join("a"));
    source.create_profile("Moi").unwrap();
    let s = import(
        &source,
        &[corpus("ob2-signed-baked.png")],
        &ImportOptions {
            net: online.clone(),
            now: Some(at(NOW)),
            ..ImportOptions::default()
        },
    );
    assert_eq!(s.imported, 1, "{s:#?}");
    let file = backup_of(&source, tmp.path());

    // Offline, on a wallet that never fetched that key: could not check, so not shown as valid.
    let target = wallet_at_now(&tmp.path().join("b"));
    let report = restore(&target, &file, "backup passphrase").unwrap();
    assert_eq!((report.verified, report.unchecked), (0, 1), "{report:#?}");
    assert_eq!(report.not_verified[0].verdict, Verdict::Indeterminate);
    assert_eq!(target.portfolio(&Query::default()).unwrap().total, 0);
    let kept = &everything(&target)[0];
    assert!(kept.quarantined && kept.has_image, "{kept:?}");
    let fetched_before = server.hits.lock().unwrap().len();

    // Online: the same file again adds nothing, but the credential verifies and leaves quarantine.
    let report = target
        .restore(&file, &pass("backup passphrase"), &online)
        .unwrap();
    assert_eq!(
        (
            report.credentials_added,
            report.credentials_present,
            report.left_quarantine
        ),
        (0, 1, 1),
        "{report:#?}"
    );
    assert!(server.hits.lock().unwrap().len() > fetched_before);
    assert_eq!(everything(&target), everything(&source));
    drop(rt);

    // What that restore fetched was kept (in its batch): the issuer's key now serves offline checks.
    let again = restore(&target, &file, "backup passphrase").unwrap();
    assert_eq!((again.credentials_added, again.left_quarantine), (0, 0));
    let id = everything(&target)[0].id.clone();
    let bytes = fs::read(shared().join("fixtures/peer-corpus/ob2-signed-baked.png")).unwrap();
    let reports = futures_executor::block_on(target.verify_with_cache(
        &bytes,
        &wallet_core::net::Net::offline(),
        &wallet_core::verify::Options::at(at(NOW)),
    ))
    .unwrap();
    assert_eq!(reports[0].verdict, Verdict::Valid, "{id}: {reports:#?}");
}

#[cfg(unix)]
#[test]
fn plain_export_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let w = filled(&tmp.path().join("a"));
    let parent = tmp.path().join("exports");
    let out = parent.join("2025");
    w.export_plain(&out).unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&parent), 0o700, "a folder Carnet made on the way");
    assert_eq!(mode(&out), 0o700, "the export folder");
    let files: Vec<_> = fs::read_dir(&out).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 4);
    assert!(files.iter().any(|f| f.ends_with("manifest.json")));
    for f in &files {
        assert_eq!(mode(f), 0o600, "{}", f.display());
    }
}
