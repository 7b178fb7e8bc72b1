//! IPC data transfer objects: the only types that derive `specta::Type`, converted from wallet-core views.

use serde::{Deserialize, Serialize};
use specta::Type;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::CommandError;

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// What the app knows about itself and its host, for the About box and the default language.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// Carnet's version.
    pub version: String,
    /// The operating system's preferred locale as a BCP 47 tag (e.g. "fr-CA"), when it says one.
    pub os_locale: Option<String>,
}

/// Whether opening the wallet created it or found it.
#[derive(Debug, Clone, Copy, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum OpenOutcome {
    Created,
    Opened,
}

/// Uninitialised (first run), locked, or unlocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum WalletState {
    Uninitialized,
    Locked,
    Unlocked,
}

/// What protects the wallet's key.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Protection {
    Keyring,
    Passphrase,
}

/// The wallet's data folder, as the Settings page shows it.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WalletInfo {
    pub data_dir: String,
    pub outcome: OpenOutcome,
    pub format_version: u32,
    pub wallet_id: String,
    /// RFC 3339 date and time.
    pub created_at: String,
    pub created_by: String,
    /// Bytes. Sent as a JSON number (exact in JavaScript up to 8 PiB); typed `number` for TypeScript.
    #[specta(type = u32)]
    pub size_bytes: u64,
    pub file_count: u32,
    pub state: WalletState,
    pub protection: Option<Protection>,
}

impl From<wallet_core::WalletInfo> for WalletInfo {
    fn from(info: wallet_core::WalletInfo) -> Self {
        Self {
            data_dir: info.data_dir.display().to_string(),
            outcome: match info.outcome {
                wallet_core::OpenOutcome::Created => OpenOutcome::Created,
                wallet_core::OpenOutcome::Opened => OpenOutcome::Opened,
            },
            format_version: info.format_version,
            wallet_id: info.wallet_id,
            created_at: rfc3339(info.created_at),
            created_by: info.created_by,
            size_bytes: info.size_bytes,
            file_count: u32::try_from(info.file_count).unwrap_or(u32::MAX),
            state: match info.state {
                wallet_core::WalletState::Uninitialized => WalletState::Uninitialized,
                wallet_core::WalletState::Locked => WalletState::Locked,
                wallet_core::WalletState::Unlocked => WalletState::Unlocked,
            },
            protection: info.protection.map(|p| match p {
                wallet_core::ProtectionKind::Keyring => Protection::Keyring,
                wallet_core::ProtectionKind::Passphrase => Protection::Passphrase,
            }),
        }
    }
}

/// The wallet, plus whether a system keyring can be used here (for the first-run choice).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WalletStatus {
    pub info: WalletInfo,
    pub keyring_available: bool,
    /// Why the keyring cannot be used, in the keyring library's words.
    pub keyring_problem: Option<String>,
}

/// A profile with its DIDs.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub did_key: String,
    pub did_jwk: String,
    pub is_default: bool,
    pub credential_count: u32,
}

impl From<wallet_core::Profile> for Profile {
    fn from(p: wallet_core::Profile) -> Self {
        Self {
            id: p.id,
            name: p.name,
            created_at: rfc3339(p.created_at),
            did_key: p.did_key,
            did_jwk: p.did_jwk,
            is_default: p.is_default,
            credential_count: u32::try_from(p.credential_count).unwrap_or(u32::MAX),
        }
    }
}

/// What a restore merged, and what checking the added credentials again from their bytes found.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RestoreReport {
    pub profiles_added: u32,
    pub profiles_present: u32,
    pub credentials_added: u32,
    pub credentials_present: u32,
    /// Added and verified now.
    pub verified: u32,
    /// Of `verified`: a check that applies could not run.
    pub not_fully_checked: u32,
    /// Added, a check failed or not a credential: in quarantine.
    pub invalid: u32,
    /// Added, could not be checked: in quarantine.
    pub unchecked: u32,
    /// Already here in quarantine, verified this time.
    pub left_quarantine: u32,
    pub online: bool,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<wallet_core::RestoreReport> for RestoreReport {
    fn from(r: wallet_core::RestoreReport) -> Self {
        Self {
            profiles_added: count(r.profiles_added),
            profiles_present: count(r.profiles_present),
            credentials_added: count(r.credentials_added),
            credentials_present: count(r.credentials_present),
            verified: count(r.verified),
            not_fully_checked: count(r.not_fully_checked),
            invalid: count(r.invalid),
            unchecked: count(r.unchecked),
            left_quarantine: count(r.left_quarantine),
            online: r.online,
        }
    }
}

/// What a plain export wrote.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportReport {
    pub folder: String,
    pub credential_files: u32,
}

impl From<wallet_core::ExportReport> for ExportReport {
    fn from(r: wallet_core::ExportReport) -> Self {
        Self {
            folder: r.folder.display().to_string(),
            credential_files: count(r.credential_files),
        }
    }
}

/// What happened to one imported credential: `imported`, `duplicate`, `superseded`, `invalid`,
/// `indeterminate`, `error`.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportItem {
    pub file: String,
    pub index: u32,
    pub outcome: String,
    pub reason: Option<String>,
    pub credential_id: Option<String>,
    pub name: Option<String>,
    /// `valid`, `invalid`, `indeterminate`, `error`.
    pub verdict: Option<String>,
    pub quarantined: bool,
}

fn outcome_name(o: wallet_core::importer::ItemOutcome) -> &'static str {
    use wallet_core::importer::ItemOutcome as O;
    match o {
        O::Imported => "imported",
        O::Duplicate => "duplicate",
        O::Superseded => "superseded",
        O::Invalid => "invalid",
        O::Indeterminate => "indeterminate",
        O::Error => "error",
    }
}

impl From<wallet_core::importer::Item> for ImportItem {
    fn from(i: wallet_core::importer::Item) -> Self {
        Self {
            file: i.file,
            index: count(i.index),
            outcome: outcome_name(i.outcome).to_owned(),
            reason: i.reason,
            credential_id: i.credential_id,
            name: i.name,
            verdict: i.verdict.map(|v| v.as_str().to_owned()),
            quarantined: i.quarantined,
        }
    }
}

/// Progress of a running import.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    pub files_done: u32,
    pub files_total: u32,
    pub current: String,
    /// Files per second.
    pub rate: f64,
}

/// Streamed to the window while an import runs.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase", tag = "event")]
pub enum ImportEvent {
    Item { item: ImportItem },
    Progress { progress: ImportProgress },
}

impl From<wallet_core::importer::Event> for ImportEvent {
    fn from(e: wallet_core::importer::Event) -> Self {
        match e {
            wallet_core::importer::Event::Item(i) => Self::Item { item: i.into() },
            wallet_core::importer::Event::Progress(p) => Self::Progress {
                progress: ImportProgress {
                    files_done: count(p.files_done),
                    files_total: count(p.files_total),
                    current: p.current,
                    rate: p.rate,
                },
            },
        }
    }
}

/// The totals of an import.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    pub files: u32,
    pub imported: u32,
    pub duplicates: u32,
    pub superseded: u32,
    pub invalid: u32,
    pub indeterminate: u32,
    pub errors: u32,
    pub cancelled: bool,
}

impl From<&wallet_core::importer::Summary> for ImportSummary {
    fn from(s: &wallet_core::importer::Summary) -> Self {
        Self {
            files: count(s.files),
            imported: count(s.imported),
            duplicates: count(s.duplicates),
            superseded: count(s.superseded),
            invalid: count(s.invalid),
            indeterminate: count(s.indeterminate),
            errors: count(s.errors),
            cancelled: s.cancelled,
        }
    }
}

/// Which credentials the portfolio shows.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PortfolioQuery {
    pub search: Option<String>,
    pub include_quarantined: bool,
    pub offset: u32,
    /// At most this many (0 = all).
    pub limit: u32,
    /// Issuer id, or part of its name.
    pub issuer: Option<String>,
    pub profile_id: Option<String>,
    /// `valid`, `invalid`, `indeterminate`, `error`.
    pub verdict: Option<String>,
    pub achievement_type: Option<String>,
    pub year: Option<i32>,
    /// Only this collection's credentials.
    pub collection: Option<String>,
    /// Only those kept in quarantine (the Quarantine view).
    pub only_quarantined: Option<bool>,
    /// Most recent first when not given.
    pub sort: Option<SortOrder>,
}

/// The order of the portfolio.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum SortOrder {
    Date,
    DateAscending,
    Name,
    Issuer,
}

fn verdict_named(name: &str) -> Option<wallet_core::verify::Verdict> {
    use wallet_core::verify::Verdict as V;
    [V::Valid, V::Invalid, V::Indeterminate, V::Error]
        .into_iter()
        .find(|v| v.as_str() == name)
}

impl From<PortfolioQuery> for wallet_core::portfolio::Query {
    fn from(q: PortfolioQuery) -> Self {
        use wallet_core::portfolio::Sort;
        Self {
            search: q.search,
            issuer: q.issuer,
            profile_id: q.profile_id,
            verdict: q.verdict.as_deref().and_then(verdict_named),
            achievement_type: q.achievement_type,
            year: q.year,
            collection: q.collection,
            only_quarantined: q.only_quarantined.unwrap_or(false),
            sort: match q.sort.unwrap_or(SortOrder::Date) {
                SortOrder::Date => Sort::Date,
                SortOrder::DateAscending => Sort::DateAscending,
                SortOrder::Name => Sort::Name,
                SortOrder::Issuer => Sort::Issuer,
            },
            include_quarantined: q.include_quarantined,
            offset: q.offset as usize,
            limit: q.limit as usize,
            ..Default::default()
        }
    }
}

/// One credential as the portfolio grid shows it.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PortfolioEntry {
    pub id: String,
    pub name: Option<String>,
    pub issuer: Option<String>,
    pub issuer_name: Option<String>,
    pub description: Option<String>,
    pub awarded: Option<String>,
    pub valid_until: Option<String>,
    pub verdict: Option<String>,
    /// Some check that applies could not run: a `valid` one is not fully verified (say so, never "Verified").
    pub partly_checked: bool,
    pub quarantined: bool,
    pub superseded: bool,
    pub tags: Vec<String>,
    pub alignments: Vec<String>,
    /// Whether `credential_image` has a picture for it.
    pub has_image: bool,
    /// `credential` (inside the signed credential), `issuer` (the address it names), `file` (the picture it was
    /// baked into: not covered by the signature), or none.
    pub image_source: Option<String>,
    /// Who vouches for the issuer's name.
    pub issuer_identity: Option<IssuerIdentity>,
    /// `Certificate`, `Badge`, `Degree`… as the achievement states it.
    pub achievement_type: Option<String>,
    /// How it arrived: `file`, `folder`, `paste`, `url`, `offer`, `demo`…
    pub channel: Option<String>,
    pub profile_id: Option<String>,
}

/// Who vouches for an issuer's self-asserted name: a web domain (confirmed when the signing key is in the domain's
/// own document), only a key (did:key, did:jwk), or nothing Carnet can check.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum IssuerIdentity {
    Domain { domain: String, confirmed: bool },
    KeyOnly { method: String },
    Unverified { id: String },
}

impl From<wallet_core::verify::IssuerIdentity> for IssuerIdentity {
    fn from(i: wallet_core::verify::IssuerIdentity) -> Self {
        use wallet_core::verify::IssuerIdentity as Core;
        match i {
            Core::Domain { domain, confirmed } => Self::Domain { domain, confirmed },
            Core::KeyOnly { method } => Self::KeyOnly { method },
            Core::Unverified { id } => Self::Unverified { id },
        }
    }
}

impl From<wallet_core::portfolio::PortfolioEntry> for PortfolioEntry {
    fn from(e: wallet_core::portfolio::PortfolioEntry) -> Self {
        Self {
            id: e.id,
            name: e.name,
            issuer: e.issuer,
            issuer_name: e.issuer_name,
            description: e.description,
            awarded: e.awarded,
            valid_until: e.valid_until,
            verdict: e.verdict.map(|v| v.as_str().to_owned()),
            partly_checked: e.partly_checked,
            quarantined: e.quarantined,
            superseded: e.superseded,
            tags: e.tags,
            alignments: e.alignments,
            has_image: e.has_image,
            image_source: e.image_source.map(picture_source),
            issuer_identity: e.issuer_identity.map(IssuerIdentity::from),
            achievement_type: e.achievement_type,
            channel: e.channel,
            profile_id: e.profile_id,
        }
    }
}

/// A page of the portfolio.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PortfolioPage {
    pub total: u32,
    pub entries: Vec<PortfolioEntry>,
}

/// One verification check: `format`, `schema`, `proof`, `issuer_binding`, `dates`, `status`, `endorsements`,
/// `recipient`, `holder`; outcome `passed`, `failed`, `skipped`.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub id: String,
    pub outcome: String,
    pub reason: Option<String>,
    /// Skipped although it applies (could not run): shown as a warning.
    pub warning: bool,
    /// The reason's stable name and values, for saying it in the learner's language (`reason` is English).
    pub code: Option<String>,
    pub args: Vec<String>,
}

/// One credential in full, for its details view.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CredentialDetail {
    pub entry: PortfolioEntry,
    pub checks: Vec<Check>,
    /// When the checks were made: the answer holds "as of" this date.
    pub verified_at: Option<String>,
    /// The newer version that replaced this one.
    pub superseded_by: Option<String>,
    /// The earlier versions this one replaced, most recent first.
    pub earlier_versions: Vec<PortfolioEntry>,
    /// The signed credential as stored (JSON or JWT text), for the raw view and its copy button.
    pub raw: String,
}

fn check(c: wallet_core::verify::Check) -> Check {
    use wallet_core::verify::Outcome;
    Check {
        id: c.id.as_str().to_owned(),
        outcome: match c.outcome {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
        }
        .to_owned(),
        reason: c.reason,
        warning: c.warning,
        code: c.code,
        args: c.args,
    }
}

impl From<wallet_core::portfolio::Detail> for CredentialDetail {
    fn from(d: wallet_core::portfolio::Detail) -> Self {
        Self {
            entry: d.entry.into(),
            checks: d.checks.into_iter().map(check).collect(),
            verified_at: d.verified_at.map(rfc3339),
            superseded_by: d.superseded_by,
            earlier_versions: Vec::new(),
            raw: String::from_utf8_lossy(&d.raw).into_owned(),
        }
    }
}

// ---- presentations (the Share page) ----

/// How a presentation is secured: VC 2.0 with a Data Integrity proof (`eddsa-rdfc-2022`), a VP-JWT, or a VC 1.1
/// presentation (`Ed25519Signature2020`, only when every credential is VC 1.1).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum PresentFormat {
    DataIntegrity,
    Jwt,
    Legacy2020,
}

impl From<PresentFormat> for wallet_core::present::PresentFormat {
    fn from(f: PresentFormat) -> Self {
        match f {
            PresentFormat::DataIntegrity => Self::DataIntegrity,
            PresentFormat::Jwt => Self::Jwt,
            PresentFormat::Legacy2020 => Self::Legacy2020,
        }
    }
}

impl From<wallet_core::present::PresentFormat> for PresentFormat {
    fn from(f: wallet_core::present::PresentFormat) -> Self {
        use wallet_core::present::PresentFormat as Core;
        match f {
            Core::DataIntegrity => Self::DataIntegrity,
            Core::Jwt => Self::Jwt,
            Core::Legacy2020 => Self::Legacy2020,
        }
    }
}

/// What the learner asks to present.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PresentRequest {
    /// Stored credential ids, in the order they go in.
    pub credential_ids: Vec<String>,
    /// The holder; the default profile when null.
    pub profile_id: Option<String>,
    /// The verifier's challenge (nonce) and domain, when it gave them.
    pub challenge: Option<String>,
    pub domain: Option<String>,
    pub format: PresentFormat,
}

impl From<PresentRequest> for wallet_core::present::PresentRequest {
    fn from(r: PresentRequest) -> Self {
        Self {
            credential_ids: r.credential_ids,
            profile_id: r.profile_id,
            challenge: r.challenge,
            domain: r.domain,
            format: r.format.into(),
        }
    }
}

fn picture_source(s: wallet_core::picture::PictureSource) -> String {
    match s {
        wallet_core::picture::PictureSource::Credential => "credential",
        wallet_core::picture::PictureSource::Issuer => "issuer",
        wallet_core::picture::PictureSource::File => "file",
    }
    .to_owned()
}

/// One credential as it will be disclosed, and how it verifies today.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Disclosure {
    pub id: String,
    pub name: Option<String>,
    pub issuer: Option<String>,
    pub issuer_name: Option<String>,
    pub issuer_identity: Option<IssuerIdentity>,
    /// The subject the credential names (disclosed to the verifier).
    pub subject: Option<String>,
    /// Whether that subject is this profile; null when the credential names no subject id.
    pub subject_is_holder: Option<bool>,
    /// Whether the credential carries or names a picture (disclosed with it).
    pub has_picture: bool,
    /// Where the wallet's copy of its picture comes from (`credential`, `issuer`, `file`), when it has one.
    pub picture_source: Option<String>,
    /// `json-ld`, `vc-jwt`, `ob2-signed`…
    pub format: String,
    /// The VC data model version (1 or 2) of a JSON-LD credential.
    pub vc_version: Option<u8>,
    /// Re-checked now: `valid`, `invalid`, `indeterminate`, `error`.
    pub verdict: String,
    pub fully_verified: bool,
    /// Why it is not valid (or not fully checked), in one line.
    pub reason: Option<String>,
    /// Why it cannot go in a presentation at all (an Open Badges 2.0 assertion).
    pub not_presentable: Option<String>,
}

impl From<wallet_core::present::Disclosure> for Disclosure {
    fn from(d: wallet_core::present::Disclosure) -> Self {
        Self {
            id: d.id,
            name: d.name,
            issuer: d.issuer,
            issuer_name: d.issuer_name,
            issuer_identity: d.issuer_identity.map(Into::into),
            subject: d.subject,
            subject_is_holder: d.subject_is_holder,
            has_picture: d.has_picture,
            picture_source: d.picture_source.map(picture_source),
            format: d.format,
            vc_version: d.vc_version,
            verdict: d.verdict.as_str().to_owned(),
            fully_verified: d.fully_verified,
            reason: d.reason,
            not_presentable: d.not_presentable,
        }
    }
}

/// A credential that cannot go in a presentation, and why.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NotPresentable {
    pub name: String,
    pub reason: String,
}

/// What a presentation would disclose, before anything is signed or written.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PresentationPreview {
    pub profile_id: String,
    /// The holder DID the presentation will name.
    pub holder: String,
    pub items: Vec<Disclosure>,
    /// Names of the credentials that do not verify today: including them needs the learner's confirmation.
    pub unverified: Vec<String>,
    pub not_presentable: Vec<NotPresentable>,
    /// Whether a VC 1.1 presentation can carry this selection.
    pub legacy_possible: bool,
}

impl From<wallet_core::present::Preview> for PresentationPreview {
    fn from(p: wallet_core::present::Preview) -> Self {
        Self {
            profile_id: p.profile_id,
            holder: p.holder,
            items: p.items.into_iter().map(Into::into).collect(),
            unverified: p.unverified,
            not_presentable: p
                .not_presentable
                .into_iter()
                .map(|(name, reason)| NotPresentable { name, reason })
                .collect(),
            legacy_possible: p.legacy_possible,
        }
    }
}

/// What a QR code holds: the presentation's compact JSON, or its compressed VPQR form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum QrForm {
    Json,
    Vpqr,
}

impl From<QrForm> for wallet_core::qr::QrForm {
    fn from(f: QrForm) -> Self {
        match f {
            QrForm::Json => Self::Json,
            QrForm::Vpqr => Self::Vpqr,
        }
    }
}

/// One QR form of a presentation: drawn (and read back), too large for any QR code, or not possible.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum QrOutcome {
    /// The code as a self-contained SVG (black on white, quiet zone included); its QR version (1–40) and how many
    /// characters it holds.
    #[serde(rename_all = "camelCase")]
    Ready { svg: String, version: u32, chars: u32 },
    /// The text is `size` `unit`s (`bytes` or `characters`), more than the largest QR code holds (`max`).
    #[serde(rename_all = "camelCase")]
    TooLarge { size: u32, max: u32, unit: String },
    /// This form cannot be made for this presentation (e.g. VPQR does not know one of its terms).
    #[serde(rename_all = "camelCase")]
    Unavailable { error: CommandError },
}

impl From<&Result<wallet_core::qr::Qr, wallet_core::qr::QrError>> for QrOutcome {
    fn from(r: &Result<wallet_core::qr::Qr, wallet_core::qr::QrError>) -> Self {
        use wallet_core::qr::QrError;
        match r {
            Ok(qr) => Self::Ready {
                svg: qr.svg.clone(),
                version: u32::try_from(qr.version).unwrap_or(0),
                chars: count(qr.text.len()),
            },
            Err(QrError::TooLarge { form, size, max }) => Self::TooLarge {
                size: count(*size),
                max: count(*max),
                unit: form.unit().to_owned(),
            },
            Err(e) => Self::Unavailable {
                error: CommandError::new(e.code(), e.to_string()),
            },
        }
    }
}

/// A presentation just signed. The app keeps its text; the window only ever names it by `id`.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CreatedPresentation {
    /// The presentation's own id (`urn:uuid:…`), for the saves that follow.
    pub id: String,
    pub format: PresentFormat,
    /// Size of the presentation's text in bytes, and the file extension it is saved with (`json`, `jwt`).
    pub size_bytes: u32,
    pub extension: String,
    pub holder: String,
    pub challenge: Option<String>,
    pub domain: Option<String>,
    /// The names of the credentials it carries, in order.
    pub credential_names: Vec<String>,
    /// The QR forms, for a JSON-LD presentation; both null for a VP-JWT (it has no QR code).
    pub qr_json: Option<QrOutcome>,
    pub qr_vpqr: Option<QrOutcome>,
}

/// The printable page's language.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum PageLanguage {
    Fr,
    En,
}

/// A file the app wrote.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SavedFile {
    pub path: String,
    pub size_bytes: u32,
}

/// How something was shared: `file`, `qrJson`, `qrVpqr`, `page`, `exchange`.
#[derive(Debug, Clone, Copy, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ShareForm {
    File,
    QrJson,
    QrVpqr,
    Page,
    Exchange,
}

impl From<wallet_core::present::ShareForm> for ShareForm {
    fn from(f: wallet_core::present::ShareForm) -> Self {
        use wallet_core::present::ShareForm as Core;
        match f {
            Core::File => Self::File,
            Core::QrJson => Self::QrJson,
            Core::QrVpqr => Self::QrVpqr,
            Core::Page => Self::Page,
            Core::Exchange => Self::Exchange,
        }
    }
}

/// A credential as the share log names it.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SharedCredential {
    pub id: String,
    pub name: Option<String>,
}

/// One entry of the share log: what was shared, when, how, for whom.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ShareRecord {
    pub id: String,
    /// RFC 3339 date and time.
    pub at: String,
    pub forms: Vec<ShareForm>,
    pub format: PresentFormat,
    pub holder: String,
    pub domain: Option<String>,
    pub challenge: Option<String>,
    pub presentation_id: String,
    pub credentials: Vec<SharedCredential>,
}

impl From<wallet_core::present::ShareRecord> for ShareRecord {
    fn from(r: wallet_core::present::ShareRecord) -> Self {
        Self {
            id: r.id,
            at: rfc3339(r.at),
            forms: r.forms.into_iter().map(Into::into).collect(),
            format: r.format.into(),
            holder: r.holder,
            domain: r.domain,
            challenge: r.challenge,
            presentation_id: r.presentation_id,
            credentials: r
                .credentials
                .into_iter()
                .map(|(id, name)| SharedCredential { id, name })
                .collect(),
        }
    }
}

/// The verification of one thing found in a file: the presentation first, then each credential it carries.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VerificationReport {
    pub index: u32,
    /// For a presentation's credentials: the index of the presentation's report.
    pub parent: Option<u32>,
    /// `presentation`, `credential`, `endorsement`, `clr`, `assertion`.
    pub kind: String,
    /// `vp-json-ld`, `vp-jwt`, `json-ld`, `vc-jwt`, `ob2-signed`…, `unknown`.
    pub format: String,
    /// `valid`, `invalid`, `indeterminate`, `error`.
    pub verdict: String,
    /// Valid with every check that applies run (else "valid, not fully checked").
    pub fully_verified: bool,
    pub name: Option<String>,
    pub issuer: Option<String>,
    pub issuer_name: Option<String>,
    pub issuer_identity: Option<IssuerIdentity>,
    pub subject: Option<String>,
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
    pub checks: Vec<Check>,
    /// The check that decided the verdict, or what could not be checked, in one line.
    pub reason: Option<String>,
}

impl From<wallet_core::verify::Report> for VerificationReport {
    fn from(r: wallet_core::verify::Report) -> Self {
        let reason = r.deciding_check().map(|c| c.summary()).or_else(|| {
            let warnings: Vec<String> = r.warnings().map(|c| c.summary()).collect();
            (!warnings.is_empty()).then(|| warnings.join("; "))
        });
        let fully_verified = r.fully_verified();
        let info = r.credential.unwrap_or_default();
        Self {
            index: count(r.index),
            parent: r.parent.map(count),
            kind: r.kind.to_owned(),
            format: r.format.to_owned(),
            verdict: r.verdict.as_str().to_owned(),
            fully_verified,
            name: info.name,
            issuer: info.issuer,
            issuer_name: info.issuer_name,
            issuer_identity: r.issuer_identity.map(Into::into),
            subject: info.subject,
            valid_from: info.valid_from,
            valid_until: info.valid_until,
            checks: r.checks.into_iter().map(check).collect(),
            reason,
        }
    }
}

// ---- the portfolio's views (timeline, skills, issuers, details, collections, settings) ----

/// A competency or framework item an achievement is aligned to.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Alignment {
    pub name: Option<String>,
    pub framework: Option<String>,
    pub code: Option<String>,
    /// Shown as text with its target, never fetched.
    pub url: Option<String>,
    pub description: Option<String>,
    pub target_type: Option<String>,
}

impl From<wallet_core::facts::Alignment> for Alignment {
    fn from(a: wallet_core::facts::Alignment) -> Self {
        Self {
            name: a.name,
            framework: a.framework,
            code: a.code,
            url: a.url,
            description: a.description,
            target_type: a.target_type,
        }
    }
}

/// A result the learner obtained, with what it measures.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ResultFact {
    pub name: Option<String>,
    pub value: Option<String>,
    /// The rubric level achieved, by name.
    pub level: Option<String>,
    pub status: Option<String>,
    pub result_type: Option<String>,
    pub required_value: Option<String>,
    pub value_min: Option<String>,
    pub value_max: Option<String>,
}

/// Evidence of the work behind a credential.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Markdown, shown as safe Markdown.
    pub narrative: Option<String>,
    /// Shown as text with its target, never fetched.
    pub url: Option<String>,
    pub genre: Option<String>,
    pub audience: Option<String>,
}

/// An endorsement the credential carries, as signed inside it.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EndorsementFact {
    pub id: Option<String>,
    pub name: Option<String>,
    pub endorser: Option<String>,
    pub endorser_name: Option<String>,
    pub comment: Option<String>,
}

/// Everything the details view shows of a credential besides its verification, from its signed reading.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CredentialFacts {
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub alignments: Vec<Alignment>,
    pub achievement_type: Option<String>,
    pub field_of_study: Option<String>,
    pub specialization: Option<String>,
    pub awarded: Option<String>,
    pub achievement_name: Option<String>,
    /// Markdown criteria, and where they are published.
    pub criteria_narrative: Option<String>,
    pub criteria_url: Option<String>,
    pub human_code: Option<String>,
    pub credits_available: Option<String>,
    pub credits_earned: Option<String>,
    pub license_number: Option<String>,
    pub term: Option<String>,
    pub role: Option<String>,
    pub activity_start: Option<String>,
    pub activity_end: Option<String>,
    pub results: Vec<ResultFact>,
    pub evidence: Vec<Evidence>,
    pub endorsements: Vec<EndorsementFact>,
    pub recipient_name: Option<String>,
}

impl From<wallet_core::facts::Details> for CredentialFacts {
    fn from(d: wallet_core::facts::Details) -> Self {
        let s = d.summary;
        Self {
            description: s.description,
            tags: s.tags,
            alignments: s.alignments.into_iter().map(Into::into).collect(),
            achievement_type: s.achievement_type,
            field_of_study: s.field_of_study,
            specialization: s.specialization,
            awarded: s.awarded,
            achievement_name: d.achievement_name,
            criteria_narrative: d.criteria_narrative,
            criteria_url: d.criteria_url,
            human_code: d.human_code,
            credits_available: d.credits_available,
            credits_earned: d.credits_earned,
            license_number: d.license_number,
            term: d.term,
            role: d.role,
            activity_start: d.activity_start,
            activity_end: d.activity_end,
            results: d
                .results
                .into_iter()
                .map(|r| ResultFact {
                    name: r.name,
                    value: r.value,
                    level: r.level,
                    status: r.status,
                    result_type: r.result_type,
                    required_value: r.required_value,
                    value_min: r.value_min,
                    value_max: r.value_max,
                })
                .collect(),
            evidence: d
                .evidence
                .into_iter()
                .map(|e| Evidence {
                    name: e.name,
                    description: e.description,
                    narrative: e.narrative,
                    url: e.url,
                    genre: e.genre,
                    audience: e.audience,
                })
                .collect(),
            endorsements: d
                .endorsements
                .into_iter()
                .map(|e| EndorsementFact {
                    id: e.id,
                    name: e.name,
                    endorser: e.endorser,
                    endorser_name: e.endorser_name,
                    comment: e.comment,
                })
                .collect(),
            recipient_name: d.recipient_name,
        }
    }
}

/// The credentials one issuer awarded in one year, most recent first.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TimelineIssuer {
    pub issuer: Option<String>,
    pub issuer_name: Option<String>,
    pub entries: Vec<PortfolioEntry>,
}

/// One year of the timeline (`year` null: no readable date).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TimelineYear {
    pub year: Option<i32>,
    pub issuers: Vec<TimelineIssuer>,
}

/// Two credentials the signed data relates: `from`'s achievement names `to`'s as related, or aligns to it.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Pathway {
    pub from: String,
    pub to: String,
}

/// The timeline: most recent year first, then the pathways between the credentials shown.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Timeline {
    pub years: Vec<TimelineYear>,
    pub pathways: Vec<Pathway>,
}

impl From<wallet_core::overview::Timeline> for Timeline {
    fn from(t: wallet_core::overview::Timeline) -> Self {
        Self {
            years: t
                .years
                .into_iter()
                .map(|y| TimelineYear {
                    year: y.year,
                    issuers: y
                        .issuers
                        .into_iter()
                        .map(|i| TimelineIssuer {
                            issuer: i.issuer,
                            issuer_name: i.issuer_name,
                            entries: i.entries.into_iter().map(Into::into).collect(),
                        })
                        .collect(),
                })
                .collect(),
            pathways: t
                .pathways
                .into_iter()
                .map(|p| Pathway {
                    from: p.from,
                    to: p.to,
                })
                .collect(),
        }
    }
}

/// A skill (an alignment target) and the credentials that evidence it, most recent first.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Skill {
    pub name: String,
    pub code: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
    pub target_type: Option<String>,
    pub credential_ids: Vec<String>,
}

/// The skills of one framework (`name` null: alignments that name no framework).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Framework {
    pub name: Option<String>,
    pub skills: Vec<Skill>,
}

/// A value shared by credentials (an achievement type, a tag, a field of study) and the credentials that have it.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Facet {
    pub value: String,
    pub credential_ids: Vec<String>,
}

/// Everything the credentials say the learner knows, gathered.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Skills {
    pub frameworks: Vec<Framework>,
    pub achievement_types: Vec<Facet>,
    pub tags: Vec<Facet>,
    pub fields_of_study: Vec<Facet>,
    pub specializations: Vec<Facet>,
}

fn facet(f: wallet_core::overview::Facet) -> Facet {
    Facet {
        value: f.value,
        credential_ids: f.credential_ids,
    }
}

impl From<wallet_core::overview::Skills> for Skills {
    fn from(s: wallet_core::overview::Skills) -> Self {
        Self {
            frameworks: s
                .frameworks
                .into_iter()
                .map(|f| Framework {
                    name: f.name,
                    skills: f
                        .skills
                        .into_iter()
                        .map(|k| Skill {
                            name: k.name,
                            code: k.code,
                            url: k.url,
                            description: k.description,
                            target_type: k.target_type,
                            credential_ids: k.credential_ids,
                        })
                        .collect(),
                })
                .collect(),
            achievement_types: s.achievement_types.into_iter().map(facet).collect(),
            tags: s.tags.into_iter().map(facet).collect(),
            fields_of_study: s.fields_of_study.into_iter().map(facet).collect(),
            specializations: s.specializations.into_iter().map(facet).collect(),
        }
    }
}

/// An issuer and what Carnet knows of it.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct IssuerSummary {
    pub issuer: Option<String>,
    pub issuer_name: Option<String>,
    pub identity: Option<IssuerIdentity>,
    /// How many of its credentials had their key bound to the issuer.
    pub bound: u32,
    /// Endorsements its credentials carry.
    pub endorsements: u32,
    pub first_award: Option<String>,
    pub last_award: Option<String>,
    /// Its credentials, most recent first.
    pub credential_ids: Vec<String>,
}

impl From<wallet_core::overview::IssuerSummary> for IssuerSummary {
    fn from(i: wallet_core::overview::IssuerSummary) -> Self {
        Self {
            issuer: i.issuer,
            issuer_name: i.issuer_name,
            identity: i.identity.map(Into::into),
            bound: count(i.bound),
            endorsements: count(i.endorsements),
            first_award: i.first_award,
            last_award: i.last_award,
            credential_ids: i.credential_ids,
        }
    }
}

/// One value a filter can take, with how to show it and how many credentials have it.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FacetCount {
    pub value: String,
    pub label: Option<String>,
    pub count: u32,
}

/// What the portfolio's filters can offer.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Facets {
    pub issuers: Vec<FacetCount>,
    pub achievement_types: Vec<FacetCount>,
    /// Years, most recent first.
    pub years: Vec<FacetCount>,
    pub profiles: Vec<FacetCount>,
}

impl From<wallet_core::overview::Facets> for Facets {
    fn from(f: wallet_core::overview::Facets) -> Self {
        let list = |v: Vec<wallet_core::overview::FacetCount>| {
            v.into_iter()
                .map(|c| FacetCount {
                    value: c.value,
                    label: c.label,
                    count: count(c.count),
                })
                .collect()
        };
        Self {
            issuers: list(f.issuers),
            achievement_types: list(f.achievement_types),
            years: list(f.years),
            profiles: list(f.profiles),
        }
    }
}

/// A collection the learner made ("Nursing", "Languages").
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Collection {
    pub id: String,
    pub name: String,
    /// Its credentials, in the order they were added.
    pub credential_ids: Vec<String>,
    pub created_at: String,
}

impl From<wallet_core::collections::Collection> for Collection {
    fn from(c: wallet_core::collections::Collection) -> Self {
        Self {
            id: c.id,
            name: c.name,
            credential_ids: c.credential_ids,
            created_at: rfc3339(c.created_at),
        }
    }
}

/// The learner's settings, kept in the wallet (encrypted).
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// `fr` or `en`; null follows the system.
    pub language: Option<String>,
    /// `light` or `dark`; null follows the system.
    pub theme: Option<String>,
    /// Offline mode: Carnet fetches nothing and checks with what it cached.
    pub offline: bool,
}

impl From<wallet_core::Settings> for Settings {
    fn from(s: wallet_core::Settings) -> Self {
        Self {
            language: s.language,
            theme: s.theme,
            offline: s.offline,
        }
    }
}

impl Settings {
    /// The wallet's settings with these preferences applied; what this page does not show (the offers page's
    /// "issuers on this computer") is kept as it is.
    pub fn applied_to(self, mut current: wallet_core::Settings) -> wallet_core::Settings {
        current.language = self.language;
        current.theme = self.theme;
        current.offline = self.offline;
        current
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use wallet_core::qr::{QrError, QrForm as CoreForm};

    #[test]
    fn the_windows_filters_and_sort_reach_the_portfolio_query() {
        let q: PortfolioQuery = serde_json::from_value(serde_json::json!({
            "search": "soins", "includeQuarantined": false, "offset": 0, "limit": 50,
            "verdict": "invalid", "year": 2024, "achievementType": "Certificate", "collection": "k1",
            "sort": "name", "onlyQuarantined": true, "issuer": "did:web:csfoy.ca"
        }))
        .unwrap();
        let core = wallet_core::portfolio::Query::from(q);
        assert_eq!(core.verdict, Some(wallet_core::verify::Verdict::Invalid));
        assert_eq!(core.sort, wallet_core::portfolio::Sort::Name);
        assert_eq!(core.year, Some(2024));
        assert!(core.only_quarantined);
        assert_eq!(core.collection.as_deref(), Some("k1"));
        assert_eq!(core.achievement_type.as_deref(), Some("Certificate"));
        // The older shape (search, quarantine, paging only) still reads, most recent first.
        let q: PortfolioQuery = serde_json::from_value(
            serde_json::json!({"includeQuarantined": true, "offset": 0, "limit": 0, "verdict": "nonsense"}),
        )
        .unwrap();
        let core = wallet_core::portfolio::Query::from(q);
        assert_eq!(core.sort, wallet_core::portfolio::Sort::Date);
        assert_eq!(core.verdict, None);
        assert!(!core.only_quarantined);
    }

    #[test]
    fn a_qr_code_too_large_says_its_size_and_the_most_a_code_holds() {
        let outcome = QrOutcome::from(&Err(QrError::TooLarge {
            form: CoreForm::Json,
            size: 8539,
            max: 2953,
        }));
        let json = serde_json::to_value(outcome).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "tooLarge", "size": 8539, "max": 2953, "unit": "bytes"})
        );
        let outcome = QrOutcome::from(&Err(QrError::NotCompressible("unknown term".into())));
        let json = serde_json::to_value(outcome).unwrap();
        assert_eq!(json["kind"], "unavailable");
        assert_eq!(json["error"]["kind"], "qr.not_compressible");
    }

    #[test]
    fn a_report_says_why_it_is_not_valid() {
        let r = VerificationReport::from(wallet_core::verify::Report::unreadable(None, "not JSON".into()));
        assert_eq!((r.verdict.as_str(), r.fully_verified), ("error", false));
        assert_eq!(r.reason.as_deref(), Some("format: not JSON"));
        assert_eq!(r.checks[0].outcome, "failed");
    }
}

// ---- offers from issuers ----

/// Which protocol an offer speaks.
#[derive(Debug, Clone, Copy, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum OfferProtocol {
    Openid4vci,
    VcApi,
}

/// How the learner types a transaction code.
#[derive(Debug, Clone, Copy, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum TxInputMode {
    Numeric,
    Text,
}

/// The transaction code an offer needs (sent to the learner separately by the issuer).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TxCodeRequest {
    pub input_mode: TxInputMode,
    /// How many characters, when the issuer says.
    pub length: Option<u32>,
    /// The issuer's hint on where to find it.
    pub description: Option<String>,
}

/// One credential an offer holds, as the issuer describes it.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OfferedCredential {
    pub id: String,
    /// Its name in the learner's language when the issuer offers it.
    pub name: Option<String>,
    pub description: Option<String>,
    pub format: Option<String>,
    /// Why Carnet cannot receive it (it is then skipped), when it cannot.
    pub unsupported: Option<String>,
}

impl From<&wallet_core::offer::OfferedCredential> for OfferedCredential {
    fn from(c: &wallet_core::offer::OfferedCredential) -> Self {
        Self {
            id: c.id.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
            format: c.format.clone(),
            unsupported: c.unsupported.clone(),
        }
    }
}

/// What the consent screen shows: who offers what, to which profile, and whether a transaction code is needed.
/// Nothing secret: the offer's code stays in the shell under `offerId`.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OfferView {
    /// Names the inspected offer for accepting or declining it.
    pub offer_id: String,
    pub protocol: OfferProtocol,
    /// The issuer's identifier, or the exchange's origin.
    pub issuer: String,
    /// The domain (and port when not the default) that will be contacted.
    pub issuer_domain: String,
    /// The issuer is on this computer (allowed by the setting).
    pub local_issuer: bool,
    /// The name the issuer gives itself (self-asserted), in the learner's language when offered.
    pub issuer_name: Option<String>,
    /// The issuer's logo as a `data:` image.
    pub issuer_logo: Option<String>,
    pub issuer_logo_alt: Option<String>,
    /// Empty for a VC-API exchange (the issuer says what it issues only afterwards).
    pub credentials: Vec<OfferedCredential>,
    /// The profile that will receive them.
    pub profile_id: String,
    pub profile_name: String,
    pub profile_did: String,
    pub tx_code: Option<TxCodeRequest>,
    /// For a VC-API link: the origin it says the request comes from (unverified).
    pub request_origin: Option<String>,
}

impl OfferView {
    pub fn new(offer_id: String, s: &wallet_core::offer::OfferSummary) -> Self {
        Self {
            offer_id,
            protocol: match s.protocol {
                wallet_core::offer::Protocol::Openid4vci => OfferProtocol::Openid4vci,
                wallet_core::offer::Protocol::VcApi => OfferProtocol::VcApi,
            },
            issuer: s.issuer.clone(),
            issuer_domain: s.issuer_domain.clone(),
            local_issuer: s.local_issuer,
            issuer_name: s.issuer_name.clone(),
            issuer_logo: s.issuer_logo.clone(),
            issuer_logo_alt: s.issuer_logo_alt.clone(),
            credentials: s.credentials.iter().map(Into::into).collect(),
            profile_id: s.recipient.profile_id.clone(),
            profile_name: s.recipient.profile_name.clone(),
            profile_did: s.recipient.did.clone(),
            tx_code: s.tx_code.as_ref().map(|t| TxCodeRequest {
                input_mode: match t.input_mode {
                    wallet_core::offer::TxInputMode::Numeric => TxInputMode::Numeric,
                    wallet_core::offer::TxInputMode::Text => TxInputMode::Text,
                },
                length: t.length,
                description: t.description.clone(),
            }),
            request_origin: s.request_origin.clone(),
        }
    }
}

/// What accepting an offer stored: one item per credential received, with its id and verdict.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OfferOutcome {
    pub issuer: String,
    pub profile_id: String,
    pub items: Vec<ImportItem>,
    /// Offered credentials Carnet skipped (a format it does not receive).
    pub skipped: Vec<OfferedCredential>,
}

impl From<wallet_core::offer::OfferResult> for OfferOutcome {
    fn from(r: wallet_core::offer::OfferResult) -> Self {
        Self {
            issuer: r.issuer,
            profile_id: r.profile_id,
            items: r.items.into_iter().map(Into::into).collect(),
            skipped: r.skipped.iter().map(Into::into).collect(),
        }
    }
}

/// The settings offers read.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OfferSettings {
    /// "Allow issuers on this computer (for testing)".
    pub allow_local_issuers: bool,
}
