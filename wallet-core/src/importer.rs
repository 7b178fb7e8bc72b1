//! The import pipeline: files, folders (recursive), pasted text and URLs → verification on every core → stored
//! credentials with their report, deduplicated, with progress, cancel and a per-item report.
//!
//! Workers read and verify; one writer commits. Each file's credentials go into the store in one atomic batch
//! together with the other files of the same group commit, and an item is reported only once its batch is
//! durable: a kill at any moment leaves every reported credential present and nothing half-written.
//!
//! What is in flight is bounded: files in the channel (four per worker) and in a group (64), and bytes by a
//! [`budget::Budget`] ([`ImportOptions::max_bytes_held`]) that a worker draws on before reading a file and the
//! writer gives back after committing it; a worker that has to wait asks the writer to commit its group now.

mod budget;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::credentials::{self, CredentialMeta, StoredCredential};
use crate::import::Limits;
use crate::net::{Net, NetPolicy};
use crate::store::{trees, BatchWrite, Store, StoreError};
use crate::verify::{self, Check, Options, Report, Verdict};

/// A file imported before whose every credential was verified and is in the wallet: the stored ids, by the
/// credential's place in the file. Kept in [`trees::KNOWN_FILES`] under the keyed hash of the file's bytes
/// ([`file_key`]); nothing in the key or the (encrypted) record reveals the file to someone without the wallet's key.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct KnownFile {
    /// (index in the file, stored credential id)
    credentials: Vec<(usize, String)>,
}

/// The index key of a file's bytes: the wallet's keyed hash, in a domain of its own (never equal to the keyed hash
/// of a credential's bytes, which `credential_by_hash` uses).
fn file_key(store: &Store, bytes: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"carnet known file\0");
    h.update(bytes);
    store.keyed_hash(&h.finalize())
}

/// The report of a file recognised by its bytes: each credential it gave, still in the wallet and out of
/// quarantine, reported "already in your wallet" exactly as verifying it again would. `None` (verify it again)
/// when the file is not known or any of its credentials has since been removed or quarantined.
fn known_items(store: &Store, key: &[u8; 32], file: &str) -> Option<Vec<Item>> {
    let known: KnownFile = store.get(trees::KNOWN_FILES, key).ok()??;
    let mut items = Vec::with_capacity(known.credentials.len());
    for (index, id) in known.credentials {
        let rec: StoredCredential = store.get(trees::CREDENTIALS, id.as_bytes()).ok()??;
        let meta = rec.meta?;
        if meta.quarantined {
            return None;
        }
        items.push(Item {
            file: file.to_owned(),
            index,
            outcome: ItemOutcome::Duplicate,
            reason: Some(ALREADY.into()),
            credential_id: Some(id),
            name: meta.info.name,
            verdict: Some(Verdict::Valid),
            quarantined: false,
        });
    }
    (!items.is_empty()).then_some(items)
}

/// The reason of a credential whose bytes are already in the wallet.
const ALREADY: &str = "already in your wallet";

/// What a file's items must all be for the file to be recognised next time: valid credentials whose exact bytes
/// are now stored (imported, a newer version, or already there). Anything else — a presentation's own report, an
/// error, quarantine, a credential that is a duplicate only by its id — is verified again, as before.
fn knowable(items: &[Item]) -> Option<KnownFile> {
    let mut credentials = Vec::with_capacity(items.len());
    for item in items {
        let exact = match item.outcome {
            ItemOutcome::Imported | ItemOutcome::Superseded => true,
            ItemOutcome::Duplicate => item.reason.as_deref() == Some(ALREADY),
            _ => false,
        };
        match (&item.credential_id, item.verdict, exact, item.quarantined) {
            (Some(id), Some(Verdict::Valid), true, false) => credentials.push((item.index, id.clone())),
            _ => return None,
        }
    }
    (!credentials.is_empty()).then_some(KnownFile { credentials })
}

/// Why an import could not run at all (bad input never ends up here: it is an item in the report).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not start the import workers: {0}")]
    Workers(String),
}

/// Something to import.
#[derive(Debug, Clone)]
pub enum Source {
    /// A file, or a folder read recursively.
    Path(PathBuf),
    /// Text or bytes pasted or dropped, with a name for the report.
    Bytes { name: String, bytes: Vec<u8> },
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Profile for credentials whose subject is none of the learner's DIDs (default profile when `None`).
    pub profile_id: Option<String>,
    /// Keep invalid and indeterminate credentials, in quarantine.
    pub keep_unverified: bool,
    pub net: NetPolicy,
    /// Judge dates at this instant (tests); now when `None`.
    pub now: Option<OffsetDateTime>,
    /// Verification threads (0: one per core).
    pub threads: usize,
    pub limits: Limits,
    /// File contents (and what verification kept of them) held at once between reading and commit, in bytes
    /// (0: [`DEFAULT_MAX_BYTES_HELD`]). One file larger than this still goes through, alone.
    pub max_bytes_held: usize,
}

/// The default byte budget of an import: room for six files at the largest input size.
pub const DEFAULT_MAX_BYTES_HELD: usize = 32 * 1024 * 1024;

/// What happened to one credential (or to a file that held none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemOutcome {
    /// Verified and stored.
    Imported,
    /// Already in the wallet (same bytes, or the same credential in another form or an older version).
    Duplicate,
    /// Stored as a newer version (same credential id, later start); the older one is marked superseded.
    Superseded,
    /// Not valid: a check failed. Stored only in quarantine when asked.
    Invalid,
    /// Could not be checked. Stored only in quarantine when asked.
    Indeterminate,
    /// Not a readable credential.
    Error,
}

/// One line of the import report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// The file (or pasted item) it came from.
    pub file: String,
    /// Its place in that file (a CLR or presentation holds several).
    pub index: usize,
    pub outcome: ItemOutcome,
    pub reason: Option<String>,
    /// The stored credential (imported, superseded, kept in quarantine) or the one already there (duplicate).
    pub credential_id: Option<String>,
    pub name: Option<String>,
    pub verdict: Option<Verdict>,
    /// Kept in quarantine (invalid or indeterminate, at the learner's request).
    pub quarantined: bool,
}

/// Progress, sent while the import runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    pub files_done: usize,
    pub files_total: usize,
    pub current: String,
    /// Files per second so far.
    pub rate: f64,
}

/// What the caller hears while an import runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// An item, once it is durable (or final, when nothing was stored).
    Item(Item),
    Progress(Progress),
}

/// The whole report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub items: Vec<Item>,
    pub imported: usize,
    pub duplicates: usize,
    pub superseded: usize,
    pub invalid: usize,
    pub indeterminate: usize,
    pub errors: usize,
    pub cancelled: bool,
    /// The most bytes of file contents (and what verification kept of them) held at once: at most
    /// [`ImportOptions::max_bytes_held`], unless one file alone was larger. A measurement, not part of the report.
    #[serde(skip)]
    pub peak_bytes_held: usize,
}

impl Summary {
    fn count(&mut self, item: &Item) {
        match item.outcome {
            ItemOutcome::Imported => self.imported += 1,
            ItemOutcome::Duplicate => self.duplicates += 1,
            ItemOutcome::Superseded => self.superseded += 1,
            ItemOutcome::Invalid => self.invalid += 1,
            ItemOutcome::Indeterminate => self.indeterminate += 1,
            ItemOutcome::Error => self.errors += 1,
        }
    }
}

/// Files under `sources` in a stable order; folders are walked recursively without following links to folders.
fn enumerate(sources: &[Source]) -> Vec<(String, Input<'_>)> {
    fn walk(dir: &Path, out: &mut Vec<(String, Input<'_>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            out.push((
                dir.display().to_string(),
                Input::Unreadable(format!("cannot read the folder {}", dir.display())),
            ));
            return;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            let Ok(meta) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            if meta.is_dir() {
                walk(&p, out);
            } else if meta.is_file() {
                out.push((p.display().to_string(), Input::File(p, true)));
            }
        }
    }
    let mut out = Vec::new();
    for s in sources {
        match s {
            Source::Path(p) if p.is_dir() => walk(p, &mut out),
            Source::Path(p) => out.push((p.display().to_string(), Input::File(p.clone(), false))),
            Source::Bytes { name, bytes } => out.push((name.clone(), Input::Bytes(bytes))),
        }
    }
    out
}

enum Input<'a> {
    /// A file, and whether it was found in a folder.
    File(PathBuf, bool),
    /// Pasted bytes, borrowed from the caller's sources (never copied for the whole import).
    Bytes(&'a [u8]),
    Unreadable(String),
}

impl Input<'_> {
    /// What importing this input may hold until its commit, as far as can be told before reading it: the bytes
    /// while they are verified; then the credential text (no longer than the input, except compressed PNG text,
    /// bounded by [`Limits::max_inflated_bytes`]) and, about as large, its parsed document, and the picture as a
    /// data: URI. Growth past this (compressed PNG text, the inner credentials of a CLR or presentation) is added
    /// once known, without waiting.
    fn charge(&self, limit: usize) -> usize {
        let size = match self {
            Input::File(p, _) => {
                std::fs::metadata(p).map_or(0, |m| usize::try_from(m.len()).unwrap_or(usize::MAX))
            }
            Input::Bytes(b) => b.len(),
            Input::Unreadable(_) => 0,
        }
        .min(limit.saturating_add(1));
        let picture = if size <= crate::picture::MAX_PICTURE_BYTES {
            size / 3 * 4 + 64
        } else {
            0
        };
        2 * size + picture
    }
}

/// A file's verification, from a worker to the writer.
struct Verified<'b> {
    seq: usize,
    name: String,
    channel: &'static str,
    reports: Result<Vec<Report>, String>,
    /// The baked image itself (PNG or SVG), as a data: URI, for the portfolio.
    image: Option<String>,
    /// Pictures the credentials name by URL, fetched (URL → data: URI), for those whose proof holds.
    fetched: HashMap<String, String>,
    /// Its part of the byte budget, given back when the writer drops it after the commit.
    _share: budget::Share<'b>,
    /// The keyed hash of the file's bytes (see [`file_key`]), when they could be read.
    key: Option<[u8; 32]>,
    /// The file is known (see [`known_items`]): its report, with nothing parsed or verified.
    known: Option<Vec<Item>>,
}

/// What a worker sends the writer.
enum Message<'b> {
    Verified(Box<Verified<'b>>),
    /// A worker is waiting for bytes to be given back: commit the open group now.
    Waiting,
}

/// What a file's result keeps in memory until it is committed: the credential bytes and, about as large, the
/// parsed document beside them, and the picture. (Checks and names are small.)
fn kept_bytes(
    reports: &Result<Vec<Report>, String>,
    image: Option<&String>,
    fetched: &HashMap<String, String>,
) -> usize {
    let reports = match reports {
        Ok(reports) => reports
            .iter()
            .map(|r| 2 * r.raw.as_ref().map_or(0, Vec::len))
            .sum(),
        Err(why) => why.len(),
    };
    reports + image.map_or(0, String::len) + fetched.values().map(String::len).sum::<usize>()
}

/// The file a credential came in as a picture (PNG or SVG, up to [`crate::picture::MAX_PICTURE_BYTES`]), when it
/// is one.
pub(crate) fn baked_image(bytes: &[u8]) -> Option<String> {
    match crate::import::sniff(bytes)? {
        crate::import::Container::Png | crate::import::Container::Svg => crate::picture::data_uri(bytes),
        _ => None,
    }
}

/// The pictures the credentials of `reports` name on the web, fetched now (through `net`, the wallet's cache
/// answering offline), for those whose proof holds: nothing is fetched on behalf of forged data.
pub(crate) async fn fetch_pictures(
    reports: &[Report],
    net: &Net,
    cache: &dyn crate::net::FetchCache,
) -> HashMap<String, String> {
    let mut fetched = HashMap::new();
    for r in reports.iter().filter(|r| proof_holds(r)) {
        if let Some(crate::picture::Named::Url(url)) = r.document.as_ref().map(crate::picture::named) {
            if let std::collections::hash_map::Entry::Vacant(slot) = fetched.entry(url) {
                if let Some(uri) = crate::picture::fetch(slot.key(), net, cache).await {
                    slot.insert(uri);
                }
            }
        }
    }
    fetched
}

/// What the writer needs to know about the wallet.
pub(crate) struct Context {
    /// DID → profile id, for every profile.
    pub dids: HashMap<String, String>,
    pub default_profile: Option<String>,
    pub now: OffsetDateTime,
}

/// Why a report has its verdict, in one line (none for a valid one).
fn first_reason(r: &Report) -> Option<String> {
    r.deciding_check().map(Check::summary)
}

/// For a valid credential with checks that could not run: which, so the report never reads as fully verified.
fn warning_reason(r: &Report) -> Option<String> {
    let parts: Vec<String> = r.warnings().map(Check::summary).collect();
    (!parts.is_empty()).then(|| format!("not fully checked — {}", parts.join("; ")))
}

/// Portfolio facts from the credential's signed reading (`facts::summary`), never from its raw JSON.
fn meta_of(r: &Report, channel: &str, now: OffsetDateTime, quarantined: bool) -> CredentialMeta {
    let facts = r.document.as_ref().map(crate::facts::summary).unwrap_or_default();
    let info = r.credential.clone().unwrap_or_default();
    let description = facts.description.clone();
    let tags = facts.tags.clone();
    let alignments = facts.alignments.iter().filter_map(|a| a.name.clone()).collect();
    let awarded = facts.awarded.clone().or_else(|| info.valid_from.clone());
    CredentialMeta {
        channel: channel.to_owned(),
        format: r.format.to_owned(),
        kind: r.kind.to_owned(),
        ob_version: r.ob_version.clone(),
        info,
        description,
        tags,
        alignments,
        awarded,
        verdict: r.verdict,
        checks: r.checks.clone(),
        verified_at: now,
        quarantined,
        superseded_by: None,
        image: None,
        image_source: None,
        issuer_identity: r.issuer_identity.clone(),
        facts: r.document.is_some().then_some(facts),
    }
}

pub(crate) fn proof_holds(r: &Report) -> bool {
    r.checks
        .iter()
        .any(|c| c.id == verify::CheckId::Proof && c.outcome == verify::Outcome::Passed)
}

// ---- shared with restore (backup.rs): one way from a verification report to what is stored ----

/// Everything Carnet keeps beside a credential's bytes, from its verification report: [`meta_of`]'s facts plus
/// the picture ([`crate::picture::choose`]): the credential's own, else the one it names on the web (`fetched`,
/// from [`fetch_pictures`]), else — only when it names none — the file it was baked into (`baked`, from
/// [`baked_image`]), marked as such. Import and restore both build a record's meta here, so a restored credential
/// is described exactly as an import of the same bytes would describe it.
pub(crate) fn stored_meta(
    r: &Report,
    channel: &str,
    now: OffsetDateTime,
    quarantined: bool,
    baked: Option<&str>,
    fetched: &HashMap<String, String>,
) -> CredentialMeta {
    let mut meta = meta_of(r, channel, now, quarantined);
    let named = r
        .document
        .as_ref()
        .map(crate::picture::named)
        .unwrap_or(crate::picture::Named::Nothing);
    let fetched_picture = match &named {
        crate::picture::Named::Url(url) => fetched.get(url).map(String::as_str),
        _ => None,
    };
    if let Some((uri, source)) = crate::picture::choose(&named, fetched_picture, baked) {
        meta.image = Some(uri);
        meta.image_source = Some(source);
    }
    meta
}

// ---- end of the part shared with restore ----

/// Whether RFC 3339 instant `a` is strictly later than `b` (false when either is missing or unreadable).
pub(crate) fn later(a: Option<&str>, b: Option<&str>) -> bool {
    let parse = |s: Option<&str>| {
        s.and_then(|s| OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok())
    };
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => a > b,
        _ => false,
    }
}

/// The writer's view of one group commit: what is already decided in it, so duplicates inside it are found.
#[derive(Default)]
struct Pending {
    writes: Vec<BatchWrite>,
    items: Vec<Item>,
    /// keyed hash of the bytes → stored id, for credentials decided in this group.
    hashes: HashMap<[u8; 32], String>,
    /// credential id → (stored id, valid_from) decided in this group.
    cids: HashMap<String, (String, Option<String>)>,
    /// Older versions rewritten in this group (id → record), so a second supersede sees the first.
    rewritten: HashMap<String, StoredCredential>,
}

#[allow(clippy::too_many_arguments)]
fn decide(
    store: &Store,
    ctx: &Context,
    opts: &ImportOptions,
    channel: &str,
    file: &str,
    r: &Report,
    image: Option<&str>,
    fetched: &HashMap<String, String>,
    pending: &mut Pending,
) -> Result<Item, StoreError> {
    let name = r.credential.as_ref().and_then(|c| c.name.clone());
    let mut item = Item {
        file: file.to_owned(),
        index: r.index,
        outcome: ItemOutcome::Error,
        reason: None,
        credential_id: None,
        name,
        verdict: Some(r.verdict),
        quarantined: false,
    };
    let (outcome, reason) = match r.verdict {
        Verdict::Valid => (ItemOutcome::Imported, warning_reason(r)),
        Verdict::Invalid => (ItemOutcome::Invalid, first_reason(r)),
        Verdict::Indeterminate => (ItemOutcome::Indeterminate, first_reason(r)),
        Verdict::Error => {
            item.outcome = ItemOutcome::Error;
            item.reason = first_reason(r);
            return Ok(item);
        }
    };
    item.outcome = outcome;
    item.reason = reason;
    let quarantined = r.verdict != Verdict::Valid;
    if quarantined && !opts.keep_unverified {
        return Ok(item);
    }
    let Some(raw) = r.raw.clone().filter(|b| !b.is_empty()) else {
        item.outcome = ItemOutcome::Error;
        item.reason = Some("the credential's bytes could not be kept".into());
        return Ok(item);
    };
    // Same bytes: already there.
    let hash = store.keyed_hash(&raw);
    let existing = match pending.hashes.get(&hash) {
        Some(id) => Some(id.clone()),
        None => credentials::find_duplicate(store, &raw)?,
    };
    if let Some(id) = existing {
        // Kept in quarantine earlier and verified now (the issuer's documents became reachable): promote it.
        if !quarantined && !pending.rewritten.contains_key(&id) {
            if let Some(mut rec) = store.get::<StoredCredential>(trees::CREDENTIALS, id.as_bytes())? {
                if rec.meta.as_ref().is_some_and(|m| m.quarantined) {
                    let mut meta = meta_of(r, channel, ctx.now, false);
                    meta.image = rec.meta.as_ref().and_then(|m| m.image.clone());
                    rec.meta = Some(meta);
                    pending.writes.extend(credentials::insert_writes(store, &rec)?);
                    pending.rewritten.insert(id.clone(), rec);
                    item.outcome = ItemOutcome::Imported;
                    item.reason = Some("verified now: moved out of quarantine".into());
                    item.credential_id = Some(id);
                    return Ok(item);
                }
            }
        }
        item.outcome = ItemOutcome::Duplicate;
        item.reason = Some(ALREADY.into());
        item.credential_id = Some(id);
        return Ok(item);
    }
    let mut meta = stored_meta(r, channel, ctx.now, quarantined, image, fetched);
    let cid = credentials::version_key(&meta.info);
    let mut supersedes: Option<StoredCredential> = None;
    if let (Some(cid), false) = (&cid, quarantined) {
        let current = match pending.cids.get(cid) {
            Some((id, from)) => Some((id.clone(), from.clone())),
            None => match credentials::find_by_cid(store, cid)? {
                Some(id) => {
                    let rec = match pending.rewritten.get(&id) {
                        Some(r) => Some(r.clone()),
                        None => store.get::<StoredCredential>(trees::CREDENTIALS, id.as_bytes())?,
                    };
                    rec.map(|c| (id, c.meta.as_ref().and_then(|m| m.info.valid_from.clone())))
                }
                None => None,
            },
        };
        if let Some((current_id, current_from)) = current {
            if later(meta.info.valid_from.as_deref(), current_from.as_deref()) {
                let old = match pending.rewritten.remove(&current_id) {
                    Some(r) => Some(r),
                    None => store.get::<StoredCredential>(trees::CREDENTIALS, current_id.as_bytes())?,
                };
                supersedes = old;
            } else {
                item.outcome = ItemOutcome::Duplicate;
                item.reason = Some(format!(
                    "this credential ({}) is already in your wallet, in the same or a newer version",
                    meta.info.id.as_deref().unwrap_or("")
                ));
                item.credential_id = Some(current_id);
                return Ok(item);
            }
        }
    }
    let subject = meta.info.subject.clone();
    let profile_id = subject
        .as_deref()
        .and_then(|s| ctx.dids.get(s.split('#').next().unwrap_or(s)).cloned())
        .or_else(|| opts.profile_id.clone())
        .or_else(|| ctx.default_profile.clone());
    meta.quarantined = quarantined;
    let cred = StoredCredential {
        id: credentials::new_id()?,
        raw,
        profile_id,
        added_at: ctx.now,
        source: file.to_owned(),
        meta: Some(meta),
    };
    pending.writes.extend(credentials::insert_writes(store, &cred)?);
    pending.hashes.insert(hash, cred.id.clone());
    // Kept so that a newer version later in the same group can mark it superseded (a later write of the same
    // key in the batch replaces the earlier one).
    pending.rewritten.insert(cred.id.clone(), cred.clone());
    if let (Some(cid), false) = (&cid, quarantined) {
        pending.cids.insert(
            cid.clone(),
            (
                cred.id.clone(),
                cred.meta.as_ref().and_then(|m| m.info.valid_from.clone()),
            ),
        );
    }
    if let Some(mut old) = supersedes {
        if let Some(m) = old.meta.as_mut() {
            m.superseded_by = Some(cred.id.clone());
        }
        pending.writes.push(BatchWrite::put(
            trees::CREDENTIALS,
            old.id.as_bytes().to_vec(),
            &old,
        )?);
        pending.rewritten.insert(old.id.clone(), old);
        item.outcome = ItemOutcome::Superseded;
        item.reason = Some("a newer version of a credential already in your wallet; the older one is kept, marked superseded".into());
    }
    if quarantined {
        item.quarantined = true;
        let why = item.reason.take().unwrap_or_default();
        item.reason = Some(format!("{why} (kept in quarantine)"));
    }
    item.credential_id = Some(cred.id);
    Ok(item)
}

/// Stores credentials that arrived together (an issuer's offer) in one atomic, flushed batch, each decided exactly
/// as an import of its bytes would be (duplicate, re-issue, profile by subject DID, picture from `fetched`): all of
/// them or, when the write fails, none. `reports` are already verified; the caller has refused the offer when any
/// of them is not valid, so nothing goes to quarantine here. Returns one item per report, durable when returned.
pub(crate) fn commit_together(
    store: &Store,
    ctx: &Context,
    opts: &ImportOptions,
    channel: &str,
    source: &str,
    reports: &[Report],
    fetched: &HashMap<String, String>,
) -> Result<Vec<Item>, StoreError> {
    let mut pending = Pending::default();
    for r in reports {
        let item = decide(store, ctx, opts, channel, source, r, None, fetched, &mut pending)?;
        pending.items.push(item);
    }
    if !pending.writes.is_empty() {
        store.write_batch(&pending.writes)?;
    }
    Ok(pending.items)
}

/// Run an import into `store`. `on_event` hears items (once durable) and progress; `cancel` stops it between files.
pub(crate) fn run(
    store: &Store,
    ctx: &Context,
    sources: &[Source],
    opts: &ImportOptions,
    on_event: &mut dyn FnMut(Event),
    cancel: &AtomicBool,
) -> Result<Summary, ImportError> {
    let inputs = enumerate(sources);
    let total = inputs.len();
    let threads = match opts.threads {
        0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
        n => n,
    }
    .clamp(1, 16);
    let mut verify_opts = Options::at(opts.now.unwrap_or(ctx.now));
    verify_opts.limits = opts.limits;
    let cache = crate::credentials::StoreCache::new(store);
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    let mut summary = Summary {
        files: total,
        ..Summary::default()
    };
    let budget = budget::Budget::new(match opts.max_bytes_held {
        0 => DEFAULT_MAX_BYTES_HELD,
        n => n,
    });
    let (tx, rx) = mpsc::sync_channel::<Message<'_>>(threads * 4);
    let mut first_error: Option<ImportError> = None;
    let mut done = 0usize;
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (inputs, next, cache, verify_opts, budget) = (&inputs, &next, &cache, &verify_opts, &budget);
            let policy = opts.net.clone();
            let limit = opts.limits.max_input_bytes;
            scope.spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
                let net = if policy.offline {
                    Ok(Net::offline())
                } else {
                    Net::new(policy)
                };
                loop {
                    if cancel.load(Ordering::Relaxed) {
                        return;
                    }
                    let seq = next.fetch_add(1, Ordering::Relaxed);
                    let Some((name, input)) = inputs.get(seq) else {
                        return;
                    };
                    // Room for the file before reading it; a worker that must wait asks the writer to commit.
                    let mut share = budget.take(input.charge(limit), || {
                        let _ = tx.try_send(Message::Waiting);
                    });
                    if cancel.load(Ordering::Relaxed) {
                        return;
                    }
                    let (bytes, channel) = match input {
                        Input::File(p, in_folder) => (
                            crate::import::read_bounded(p, limit).map(std::borrow::Cow::Owned),
                            if *in_folder { "folder" } else { "file" },
                        ),
                        Input::Bytes(b) => (Ok(std::borrow::Cow::Borrowed(*b)), "paste"),
                        Input::Unreadable(why) => (Err(why.clone()), "folder"),
                    };
                    // A file imported before is recognised by its bytes, before anything parses them.
                    let key = bytes.as_deref().ok().map(|b| file_key(store, b));
                    if let Some(items) = key.as_ref().and_then(|k| known_items(store, k, name)) {
                        drop(bytes);
                        share.resize(0);
                        let verified = Verified {
                            seq,
                            name: name.clone(),
                            channel,
                            reports: Ok(Vec::new()),
                            image: None,
                            fetched: HashMap::new(),
                            _share: share,
                            key,
                            known: Some(items),
                        };
                        if tx.send(Message::Verified(Box::new(verified))).is_err() {
                            return;
                        }
                        continue;
                    }
                    let mut reports = match (&runtime, &net, &bytes) {
                        // A panic in a third-party parser must cost one file, not the import (fuzzing found one).
                        (Ok(rt), Ok(net), Ok(bytes)) => {
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                rt.block_on(verify::verify_bytes(bytes, net, cache, verify_opts))
                            }))
                            .map_err(|_| {
                                "Carnet could not read this file (an internal error; please report it)"
                                    .to_owned()
                            })
                        }
                        (Err(e), _, _) => Err(format!("could not start verification: {e}")),
                        (_, Err(e), _) => Err(format!("could not start the network client: {e}")),
                        (_, _, Err(why)) => Err(why.clone()),
                    };
                    // What the writer never uses is not kept: an unreadable credential is reported, never stored.
                    for r in reports
                        .iter_mut()
                        .flatten()
                        .filter(|r| r.verdict == Verdict::Error)
                    {
                        r.raw = None;
                        r.document = None;
                    }
                    // The picture only for what may be stored.
                    let storable = reports
                        .as_ref()
                        .is_ok_and(|rs| rs.iter().any(|r| r.verdict != Verdict::Error));
                    let image = bytes.as_deref().ok().filter(|_| storable).and_then(baked_image);
                    drop(bytes);
                    // The pictures the credentials name on the web: fetched once now, kept with them (only for
                    // credentials whose proof holds: nothing is fetched on behalf of forged data).
                    let fetched = match (&runtime, &net, &reports) {
                        (Ok(rt), Ok(net), Ok(reports)) => rt.block_on(fetch_pictures(reports, net, cache)),
                        _ => HashMap::new(),
                    };
                    share.resize(kept_bytes(&reports, image.as_ref(), &fetched));
                    let verified = Verified {
                        seq,
                        name: name.clone(),
                        channel,
                        reports,
                        image,
                        fetched,
                        _share: share,
                        key,
                        known: None,
                    };
                    if tx.send(Message::Verified(Box::new(verified))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        // The writer: group commits of up to 64 files or 200 ms, reported once durable; sooner when a worker is
        // waiting for the bytes the group holds.
        let mut open = true;
        while open {
            let mut group: Vec<Verified> = Vec::new();
            let deadline = Instant::now() + Duration::from_millis(200);
            loop {
                match rx.recv() {
                    Ok(Message::Verified(v)) => {
                        group.push(*v);
                        break;
                    }
                    Ok(Message::Waiting) => continue,
                    Err(_) => {
                        open = false;
                        break;
                    }
                }
            }
            while open && group.len() < 64 && !budget.has_waiters() {
                let left = deadline.saturating_duration_since(Instant::now());
                match rx.recv_timeout(left) {
                    Ok(Message::Verified(v)) => group.push(*v),
                    Ok(Message::Waiting) | Err(mpsc::RecvTimeoutError::Timeout) => break,
                    Err(mpsc::RecvTimeoutError::Disconnected) => {
                        open = false;
                        break;
                    }
                }
            }
            if group.is_empty() {
                break;
            }
            group.sort_by_key(|v| v.seq);
            let mut pending = Pending::default();
            let mut last = String::new();
            for v in &group {
                last.clone_from(&v.name);
                let channel = v.channel;
                if let Some(items) = &v.known {
                    pending.items.extend(items.iter().cloned());
                    continue;
                }
                let first_item = pending.items.len();
                match &v.reports {
                    Err(why) => pending.items.push(Item {
                        file: v.name.clone(),
                        index: 0,
                        outcome: ItemOutcome::Error,
                        reason: Some(why.clone()),
                        credential_id: None,
                        name: None,
                        verdict: None,
                        quarantined: false,
                    }),
                    Ok(reports) => {
                        // A presentation is not stored; when it does not hold, the report says so, and its
                        // credentials are still judged one by one.
                        for r in reports
                            .iter()
                            .filter(|r| r.kind == "presentation" && r.verdict != Verdict::Valid)
                        {
                            let (outcome, reason) = match r.verdict {
                                Verdict::Invalid => (ItemOutcome::Invalid, first_reason(r)),
                                Verdict::Indeterminate => (ItemOutcome::Indeterminate, first_reason(r)),
                                _ => (ItemOutcome::Error, first_reason(r)),
                            };
                            pending.items.push(Item {
                                file: v.name.clone(),
                                index: r.index,
                                outcome,
                                reason: Some(format!(
                                    "the presentation itself: {}; the credentials in it are judged on their own",
                                    reason.unwrap_or_default()
                                )),
                                credential_id: None,
                                name: Some("presentation".into()),
                                verdict: Some(r.verdict),
                                quarantined: false,
                            });
                        }
                        let credentials: Vec<&Report> =
                            reports.iter().filter(|r| r.kind != "presentation").collect();
                        if credentials.is_empty()
                            && !reports
                                .iter()
                                .any(|r| r.kind == "presentation" && r.verdict != Verdict::Valid)
                        {
                            // A presentation with no credential, or nothing readable.
                            let first = reports.first();
                            pending.items.push(Item {
                                file: v.name.clone(),
                                index: 0,
                                outcome: ItemOutcome::Error,
                                reason: first
                                    .and_then(first_reason)
                                    .or(Some("no credential in it".into())),
                                credential_id: None,
                                name: None,
                                verdict: Some(first.map_or(Verdict::Error, |r| r.verdict)),
                                quarantined: false,
                            });
                        }
                        for r in credentials {
                            match decide(
                                store,
                                ctx,
                                opts,
                                channel,
                                &v.name,
                                r,
                                v.image.as_deref(),
                                &v.fetched,
                                &mut pending,
                            ) {
                                Ok(item) => pending.items.push(item),
                                Err(e) => {
                                    first_error.get_or_insert(ImportError::Store(e));
                                    cancel.store(true, Ordering::Relaxed);
                                }
                            }
                        }
                    }
                }
                // Recognised next time when all it gave is verified and stored, in the same atomic batch.
                let known = pending.items.get(first_item..).and_then(knowable);
                if let (Some(key), Some(known)) = (v.key, known) {
                    match BatchWrite::put(trees::KNOWN_FILES, key.to_vec(), &known) {
                        Ok(w) => pending.writes.push(w),
                        Err(e) => {
                            first_error.get_or_insert(ImportError::Store(e));
                            cancel.store(true, Ordering::Relaxed);
                        }
                    }
                }
            }
            if first_error.is_some() {
                break;
            }
            if !pending.writes.is_empty() {
                if let Err(e) = store.write_batch(&pending.writes) {
                    first_error = Some(ImportError::Store(e));
                    cancel.store(true, Ordering::Relaxed);
                    break;
                }
            }
            done += group.len();
            for item in pending.items {
                summary.count(&item);
                on_event(Event::Item(item.clone()));
                summary.items.push(item);
            }
            let secs = started.elapsed().as_secs_f64().max(1e-3);
            on_event(Event::Progress(Progress {
                files_done: done,
                files_total: total,
                current: last,
                rate: done as f64 / secs,
            }));
        }
        // Drain so workers blocked on a full channel can finish.
        while rx.recv().is_ok() {}
    });
    if let Some(e) = first_error {
        return Err(e);
    }
    summary.cancelled = done < total;
    summary.peak_bytes_held = budget.peak();
    Ok(summary)
}
