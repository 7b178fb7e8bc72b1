//! Presentations through the `Wallet` API: the preview says what will be disclosed, a credential that does not
//! verify today needs the learner's yes, the presentation verifies with its challenge and domain and names the
//! profile as holder, and the share log is kept encrypted and carried by backups.

use std::sync::atomic::AtomicBool;

use wallet_core::importer::{ImportOptions, Source};
use wallet_core::net::{MemoryCache, Net, NetPolicy};
use wallet_core::portfolio::Query;
use wallet_core::present::{PresentError, PresentFormat, PresentRequest, ShareForm};
use wallet_core::verify::{verify_bytes, Options, Verdict};
use wallet_core::{Wallet, WalletError};

use crate::support::{new_wallet, pass, shared};

fn block<F: std::future::Future>(f: F) -> F::Output {
    futures_executor::block_on(f)
}

fn import(w: &Wallet, files: &[&str], keep: bool) -> Vec<String> {
    let opts = ImportOptions {
        net: NetPolicy::offline(),
        keep_unverified: keep,
        ..ImportOptions::default()
    };
    let sources: Vec<Source> = files
        .iter()
        .map(|f| Source::Path(shared().join("fixtures/peer-corpus").join(f)))
        .collect();
    let s = w
        .import(&sources, &opts, &mut |_| {}, &AtomicBool::new(false))
        .unwrap();
    s.items.iter().filter_map(|i| i.credential_id.clone()).collect()
}

fn request(ids: &[String], format: PresentFormat) -> PresentRequest {
    PresentRequest {
        credential_ids: ids.to_vec(),
        profile_id: None,
        challenge: Some("nonce-42".into()),
        domain: Some("rh.example".into()),
        format,
    }
}

#[test]
fn a_presentation_discloses_what_the_preview_said_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    let profile = w.create_profile("Moi").unwrap();
    let ids = import(
        &w,
        &["ob3-vc2-di-rich.json", "ob3-vc11-ed25519signature2020.json"],
        false,
    );
    assert_eq!(ids.len(), 2);
    let net = Net::offline();
    let preview = block(w.preview_presentation(&request(&ids, PresentFormat::DataIntegrity), &net)).unwrap();
    assert_eq!(preview.holder, profile.did_key);
    assert!(preview.unverified.is_empty() && preview.not_presentable.is_empty());
    assert!(!preview.legacy_possible, "one is VC 2.0");
    let rich = &preview.items[0];
    assert_eq!(rich.issuer_name.as_deref(), Some("Example Public University"));
    assert!(rich.subject.as_deref().is_some_and(|s| s.starts_with("did:key:")));
    assert_eq!(
        rich.subject_is_holder,
        Some(false),
        "issued to the corpus's learner, not to this profile"
    );
    assert!(rich.has_picture);
    assert_eq!(rich.verdict, Verdict::Valid);
    assert!(!rich.fully_verified, "its status list could not be read offline");
    assert_eq!(preview.items[1].vc_version, Some(1));

    let p = block(w.present(&request(&ids, PresentFormat::DataIntegrity), false, &net)).unwrap();
    assert_eq!(p.holder, profile.did_key);
    let mut opts = Options::at(time::OffsetDateTime::now_utc());
    opts.challenge = Some("nonce-42".into());
    opts.domain = Some("rh.example".into());
    let reports = block(verify_bytes(
        p.text.as_bytes(),
        &Net::offline(),
        &MemoryCache::new(),
        &opts,
    ));
    assert_eq!(reports.len(), 3, "{reports:#?}");
    assert!(
        reports.iter().all(|r| r.verdict == Verdict::Valid),
        "{reports:#?}"
    );
    opts.challenge = Some("replayed".into());
    let reports = block(verify_bytes(
        p.text.as_bytes(),
        &Net::offline(),
        &MemoryCache::new(),
        &opts,
    ));
    assert_eq!(reports[0].verdict, Verdict::Invalid);

    // A VC 1.1 presentation cannot carry the VC 2.0 credential: named.
    let err = block(w.present(&request(&ids, PresentFormat::Legacy2020), false, &net)).unwrap_err();
    assert!(
        matches!(err, WalletError::Present(PresentError::WrongFormat { .. })),
        "{err}"
    );
}

#[test]
fn what_does_not_verify_today_goes_in_only_when_confirmed() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    w.create_profile("Moi").unwrap();
    let ids = import(&w, &["neg-expired.json"], true);
    assert_eq!(
        w.portfolio(&Query {
            include_quarantined: true,
            ..Query::default()
        })
        .unwrap()
        .total,
        1
    );
    let net = Net::offline();
    let preview = block(w.preview_presentation(&request(&ids, PresentFormat::Jwt), &net)).unwrap();
    assert_eq!(preview.unverified.len(), 1);
    assert_eq!(preview.items[0].verdict, Verdict::Invalid);
    assert!(preview.items[0]
        .reason
        .as_deref()
        .is_some_and(|r| r.contains("expired")));
    let err = block(w.present(&request(&ids, PresentFormat::Jwt), false, &net)).unwrap_err();
    assert!(
        matches!(err, WalletError::Present(PresentError::NeedsConfirmation { .. })),
        "{err}"
    );
    assert_eq!(err.code(), "present.needs_confirmation");
    let p = block(w.present(&request(&ids, PresentFormat::Jwt), true, &net)).unwrap();
    assert_eq!(p.text.split('.').count(), 3);
}

#[test]
fn the_share_log_is_kept_and_carried_by_backups() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    w.create_profile("Moi").unwrap();
    let ids = import(&w, &["ob3-vc2-di-achievementcredential.json"], false);
    let p = block(w.present(
        &request(&ids, PresentFormat::DataIntegrity),
        false,
        &Net::offline(),
    ))
    .unwrap();
    let record = w.record_share(&p, &[ShareForm::File, ShareForm::QrJson]).unwrap();
    let log = w.share_history().unwrap();
    assert_eq!(log, vec![record.clone()]);
    assert_eq!(log[0].domain.as_deref(), Some("rh.example"));
    assert_eq!(log[0].credentials[0].0, ids[0]);
    assert!(log[0].credentials[0]
        .1
        .as_deref()
        .is_some_and(|n| n.contains("Credential Portability")));

    let file = tmp.path().join("b.carnet");
    w.backup_with(
        &file,
        &pass("backup passphrase"),
        wallet_core::KdfParams::INSECURE_FOR_TESTS,
    )
    .unwrap();
    let other = new_wallet(&tmp.path().join("other"));
    let report = other
        .restore(&file, &pass("backup passphrase"), &NetPolicy::offline())
        .unwrap();
    assert_eq!(report.shares_added, 1);
    assert_eq!(other.share_history().unwrap(), vec![record]);
    let again = other
        .restore(&file, &pass("backup passphrase"), &NetPolicy::offline())
        .unwrap();
    assert_eq!(again.shares_added, 0);
    assert_eq!(other.share_history().unwrap().len(), 1);
}

#[test]
fn an_open_badges_2_assertion_is_not_presentable_and_its_own_item_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    w.create_profile("Moi").unwrap();
    // Offline, the OB 2.0 issuer's key cannot be fetched: kept in quarantine, still selectable.
    let ids = import(
        &w,
        &["ob3-vc2-di-achievementcredential.json", "ob2-signed-baked.png"],
        true,
    );
    assert_eq!(ids.len(), 2);
    let preview =
        block(w.preview_presentation(&request(&ids, PresentFormat::DataIntegrity), &Net::offline())).unwrap();
    assert_eq!(preview.not_presentable.len(), 1);
    let (ob2, vc): (Vec<_>, Vec<_>) = preview.items.iter().partition(|d| d.format.starts_with("ob2"));
    assert_eq!((ob2.len(), vc.len()), (1, 1));
    assert_eq!(
        ob2[0].not_presentable.as_deref(),
        Some(preview.not_presentable[0].1.as_str())
    );
    assert!(ob2[0]
        .not_presentable
        .as_deref()
        .is_some_and(|r| r.contains("Open Badges 2.0")));
    assert_eq!(vc[0].not_presentable, None);
}
