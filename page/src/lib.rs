//! Carnet's printable portfolio page: plain data in ([`PageInput`]), one self-contained HTML file out ([`render`]),
//! in French (Québec) or English — the learner's chosen name, each credential with its picture, achievement,
//! issuer and who vouches for it, dates, verification result as of the date it was checked, a QR code when the
//! caller made one, and the signed presentation attached for machine checking. It lives outside wallet-core because
//! it carries the words of both languages, which wallet-core must not.
//!
//! Self-contained and safe by construction:
//! - no script, no remote resource: the only URLs the page holds are `data:` URIs it built itself — pictures and
//!   QR codes re-encoded from their decoded bytes after checking they are PNG, JPEG, GIF, WebP or SVG (anything
//!   else is dropped), and the presentation's download link; inline CSS only, allowed by its hash in a strict
//!   Content-Security-Policy (`default-src 'none'`), which also keeps anything else from loading should a future
//!   change slip;
//! - every text from a credential or the caller is HTML-escaped, isolated for bidirectional text (`<bdi>`), capped
//!   in length, and never placed in a URL, a style or an event attribute;
//! - SVG (a picture, or a QR code from Carnet's QR module through [`svg_data_uri`]) is only ever shown through
//!   `<img>`, where browsers run no script and load nothing it names: no caller-supplied markup is inlined.

mod date;
mod html;
mod labels;

use std::fmt::Write as _;

use base64::Engine;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use wallet_core::picture::PictureSource;
use wallet_core::portfolio::Detail;
use wallet_core::verify::{Check, CheckId, IssuerIdentity, Outcome, Report, Verdict};

pub use html::svg_data_uri;
use html::{cap, escape, fill};
use labels::Labels;

/// The page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Québec French.
    Fr,
    En,
}

impl Lang {
    fn labels(self) -> &'static Labels {
        match self {
            Lang::Fr => &labels::FR,
            Lang::En => &labels::EN,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr-CA",
            Lang::En => "en",
        }
    }
}

/// Everything the page shows.
#[derive(Debug, Clone)]
pub struct PageInput {
    pub language: Lang,
    /// The learner's name as the learner chooses to write it (may be empty).
    pub learner_name: String,
    /// When the page was made; its date is written in the offset given (pass local time).
    pub generated_at: OffsetDateTime,
    /// The credentials, in the order shown.
    pub entries: Vec<PageEntry>,
    /// The signed presentation of these credentials, attached for machine checking.
    pub presentation: Option<Presentation>,
}

/// The signed presentation attached to the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presentation {
    /// Its exact text: JSON (Data Integrity) or a compact JWT. Shown verbatim and offered as a download.
    pub text: String,
    /// The holder's DID, shown so a reader knows whose signature to expect.
    pub holder: Option<String>,
    /// The verifier's domain and challenge it was made for, when there were any.
    pub domain: Option<String>,
    pub challenge: Option<String>,
}

/// One credential on the page. Every text is as the credential or caller gives it (escaped and capped here).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageEntry {
    /// The credential's (or its achievement's) name.
    pub name: Option<String>,
    pub description: Option<String>,
    /// The issuer's self-written name, and its id (DID or URL).
    pub issuer_name: Option<String>,
    pub issuer_id: Option<String>,
    /// Who vouches for the issuer's name.
    pub issuer_identity: Option<IssuerIdentity>,
    /// A `data:` image URI (`Wallet::credential_image`); dropped unless it is a PNG, JPEG, GIF, WebP or SVG.
    pub picture: Option<String>,
    /// Where the picture comes from: `File` adds the note that the issuer's signature does not cover it.
    pub picture_source: Option<PictureSource>,
    /// Dates as the credential states them (RFC 3339 or a bare date).
    pub awarded: Option<String>,
    pub valid_until: Option<String>,
    /// The verification result, its checks (those that apply but could not run make a `valid` credential
    /// "not fully checked"), and when it was checked.
    pub verdict: Option<Verdict>,
    pub checks: Vec<Check>,
    pub checked_at: Option<OffsetDateTime>,
    /// This credential's QR code as an image `data:` URI (SVG through [`svg_data_uri`], or PNG), made by the
    /// caller when the presentation fits in one; dropped unless it is an image.
    pub qr: Option<String>,
    /// Skills and competencies it is aligned to.
    pub skills: Vec<String>,
}

impl PageEntry {
    /// What the portfolio knows of a stored credential, with its picture (`Wallet::credential_image`).
    pub fn from_detail(detail: &Detail, picture: Option<String>) -> Self {
        let e = &detail.entry;
        PageEntry {
            name: e.name.clone(),
            description: e.description.clone(),
            issuer_name: e.issuer_name.clone(),
            issuer_id: e.issuer.clone(),
            issuer_identity: e.issuer_identity.clone(),
            picture_source: picture.as_ref().and(e.image_source),
            picture,
            awarded: e.awarded.clone(),
            valid_until: e.valid_until.clone(),
            verdict: e.verdict,
            checks: detail.checks.clone(),
            checked_at: detail.verified_at,
            qr: None,
            skills: e.alignments.clone(),
        }
    }

    /// Takes the result of a fresh verification (the re-check before presenting), made at `at`.
    pub fn recheck(&mut self, report: &Report, at: OffsetDateTime) {
        self.verdict = Some(report.verdict);
        self.checks = report.checks.clone();
        self.checked_at = Some(at);
        if report.issuer_identity.is_some() {
            self.issuer_identity = report.issuer_identity.clone();
        }
    }

    /// `valid` with every check that applies run.
    fn fully_verified(&self) -> bool {
        self.verdict == Some(Verdict::Valid) && !self.checks.iter().any(|c| c.warning)
    }
}

/// Longest texts shown, in characters: a card stays printable whatever a credential says.
const MAX_LEARNER: usize = 120;
const MAX_NAME: usize = 300;
const MAX_DESCRIPTION: usize = 2_000;
const MAX_SKILL: usize = 160;
const MAX_SKILLS: usize = 30;
const MAX_REASON: usize = 400;
const MAX_ID: usize = 300;
/// A date a credential states but Carnet cannot read is shown as written, this long at most.
const MAX_DATE: usize = 60;
/// Largest picture or QR code kept, decoded.
const MAX_IMAGE_BYTES: usize = wallet_core::picture::MAX_PICTURE_BYTES;

/// The page's style sheet, allowed by its hash in the page's Content-Security-Policy.
const CSS: &str = include_str!("page.css");

/// The page as one self-contained HTML document.
pub fn render(input: &PageInput) -> String {
    let lang = input.language;
    let t = Page {
        lang,
        l: lang.labels(),
    };
    let name = input.learner_name.trim();
    let name = cap(name, MAX_LEARNER);
    let name_html = format!("<bdi>{}</bdi>", escape(&name));
    let generated = t.fill(
        t.l.generated,
        &[("date", &escape(&date::instant(input.generated_at, lang)))],
    );

    let mut out = String::with_capacity(16 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"Carnet\">\n<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        code = lang.code(),
        csp = csp(),
        title = if name.is_empty() {
            t.text(t.l.title_anonymous)
        } else {
            t.fill(t.l.title, &[("name", &escape(&name))])
        },
    );

    out.push_str("<header>\n");
    if name.is_empty() {
        let _ = writeln!(out, "<h1>{}</h1>", t.text(t.l.title_anonymous));
        let _ = writeln!(out, "<p class=\"lead\">{}</p>", t.text(t.l.lead_anonymous));
    } else {
        let _ = writeln!(out, "<h1>{}</h1>", t.fill(t.l.title, &[("name", &name_html)]));
        let _ = writeln!(
            out,
            "<p class=\"lead\">{}</p>",
            t.fill(t.l.lead, &[("name", &name_html)])
        );
    }
    let _ = writeln!(out, "<p class=\"generated\">{generated}</p>\n</header>\n<main>");

    let _ = writeln!(
        out,
        "<section aria-labelledby=\"credentials\">\n<h2 id=\"credentials\">{}</h2>",
        t.text(t.l.credentials_heading)
    );
    if input.entries.is_empty() {
        let _ = writeln!(out, "<p class=\"muted\">{}</p>", t.text(t.l.empty));
    } else {
        out.push_str("<ul class=\"credentials\">\n");
        for entry in &input.entries {
            t.entry(&mut out, entry);
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");

    t.how_to_check(&mut out, input);
    let _ = write!(out, "</main>\n<footer>{generated}</footer>\n</body>\n</html>\n");
    out
}

/// `default-src 'none'` with pictures from `data:` only and the one style sheet by its hash; `base-uri` and
/// `form-action` do not fall back to `default-src`, so they are closed too.
fn csp() -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(CSS.as_bytes()));
    format!(
        "default-src 'none'; img-src data:; style-src 'sha256-{hash}'; base-uri 'none'; form-action 'none'"
    )
}

/// The checks that say why a credential got its verdict: those that passed, failed, or applied but could not run,
/// and for `indeterminate` the required ones that did not run — not those that do not apply or were not run
/// because another had failed.
fn shown_checks(e: &PageEntry) -> Vec<&Check> {
    let deciding = e.verdict == Some(Verdict::Indeterminate);
    e.checks
        .iter()
        .filter(|c| {
            c.outcome != Outcome::Skipped
                || c.warning
                || (deciding
                    && matches!(
                        c.id,
                        CheckId::Proof | CheckId::IssuerBinding | CheckId::Dates | CheckId::Holder
                    ))
        })
        .collect()
}

/// Rendering in one language.
struct Page {
    lang: Lang,
    l: &'static Labels,
}

impl Page {
    /// A label as HTML, with the language's typography.
    fn text(&self, label: &str) -> String {
        self.fill(label, &[])
    }

    /// A label as HTML with its placeholders filled by HTML fragments.
    fn fill(&self, label: &str, values: &[(&str, &str)]) -> String {
        match self.lang {
            Lang::Fr => fill(&html::french_spacing(label), values),
            Lang::En => fill(label, values),
        }
    }

    /// A colon as the language writes it (French: a no-break space before).
    fn colon(&self) -> &'static str {
        match self.lang {
            Lang::Fr => "\u{a0}: ",
            Lang::En => ": ",
        }
    }

    fn verdict_label(&self, e: &PageEntry) -> (&'static str, &'static str) {
        match e.verdict {
            Some(Verdict::Valid) if e.fully_verified() => (self.l.verdict_valid, "valid"),
            Some(Verdict::Valid) => (self.l.verdict_valid_partial, "partial"),
            Some(Verdict::Invalid) => (self.l.verdict_invalid, "invalid"),
            Some(Verdict::Indeterminate) => (self.l.verdict_indeterminate, "indeterminate"),
            Some(Verdict::Error) => (self.l.verdict_error, "error"),
            None => (self.l.verdict_none, "unknown"),
        }
    }

    fn identity(&self, identity: &IssuerIdentity) -> (String, bool) {
        match identity {
            IssuerIdentity::Domain { domain, confirmed } => {
                let label = match confirmed {
                    true => self.l.identity_domain_confirmed,
                    false => self.l.identity_domain_unconfirmed,
                };
                let domain = format!("<bdi>{}</bdi>", escape(&cap(domain, MAX_ID)));
                (self.fill(label, &[("domain", &domain)]), *confirmed)
            }
            IssuerIdentity::KeyOnly { .. } => (self.text(self.l.identity_key_only), false),
            IssuerIdentity::Unverified { .. } => (self.text(self.l.identity_unverified), false),
        }
    }

    fn check_label(&self, id: CheckId) -> &'static str {
        match id {
            CheckId::Format => self.l.check_format,
            CheckId::Schema => self.l.check_schema,
            CheckId::Proof => self.l.check_proof,
            CheckId::IssuerBinding => self.l.check_issuer_binding,
            CheckId::Dates => self.l.check_dates,
            CheckId::Status => self.l.check_status,
            CheckId::Endorsements => self.l.check_endorsements,
            CheckId::Recipient => self.l.check_recipient,
            CheckId::Holder => self.l.check_holder,
        }
    }

    fn entry(&self, out: &mut String, e: &PageEntry) {
        let (verdict, class) = self.verdict_label(e);
        let _ = writeln!(out, "<li class=\"credential {class}\">");

        // Picture, or an empty frame so the cards line up.
        match e
            .picture
            .as_deref()
            .and_then(|p| html::image_data_uri(p, MAX_IMAGE_BYTES))
        {
            Some(uri) => {
                let _ = writeln!(
                    out,
                    "<div class=\"picture\"><img src=\"{}\" alt=\"\"></div>",
                    escape(&uri)
                );
            }
            None => out.push_str("<div class=\"picture\"><div class=\"none\"></div></div>\n"),
        }

        out.push_str("<div class=\"body\">\n");
        let name = e
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or("—");
        let _ = writeln!(out, "<h3><bdi>{}</bdi></h3>", escape(&cap(name, MAX_NAME)));
        if let Some(d) = e.description.as_deref().filter(|d| !d.trim().is_empty()) {
            let _ = writeln!(
                out,
                "<p class=\"description\"><bdi>{}</bdi></p>",
                escape(&cap(d, MAX_DESCRIPTION))
            );
        }

        out.push_str("<dl>\n");
        let issuer = e
            .issuer_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .map(|n| format!("<bdi>{}</bdi>", escape(&cap(n, MAX_NAME))));
        if issuer.is_some() || e.issuer_id.is_some() || e.issuer_identity.is_some() {
            let _ = write!(out, "<dt>{}</dt>\n<dd>", self.text(self.l.issued_by));
            if let Some(issuer) = &issuer {
                out.push_str(issuer);
            }
            if let Some(identity) = &e.issuer_identity {
                let (words, confirmed) = self.identity(identity);
                let class = if confirmed {
                    "identity confirmed"
                } else {
                    "identity"
                };
                let _ = write!(out, " <span class=\"{class}\">— {words}</span>");
            }
            if let Some(id) = e.issuer_id.as_deref().filter(|i| !i.trim().is_empty()) {
                let _ = write!(out, "<br><code>{}</code>", escape(&cap(id, MAX_ID)));
            }
            out.push_str("</dd>\n");
        }
        let dates = [(self.l.awarded, &e.awarded), (self.l.valid_until, &e.valid_until)];
        for (label, value) in dates {
            if let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) {
                let _ = writeln!(
                    out,
                    "<dt>{}</dt>\n<dd>{}</dd>",
                    self.text(label),
                    escape(&cap(&date::stated(v, self.lang), MAX_DATE))
                );
            }
        }
        let skills: Vec<&String> = e
            .skills
            .iter()
            .filter(|s| !s.trim().is_empty())
            .take(MAX_SKILLS)
            .collect();
        if !skills.is_empty() {
            let _ = write!(
                out,
                "<dt>{}</dt>\n<dd><ul class=\"skills\">",
                self.text(self.l.skills)
            );
            for s in skills {
                let _ = write!(out, "<li><bdi>{}</bdi></li>", escape(&cap(s, MAX_SKILL)));
            }
            out.push_str("</ul></dd>\n");
        }
        out.push_str("</dl>\n");

        if e.picture_source == Some(PictureSource::File) && e.picture.is_some() {
            let _ = writeln!(
                out,
                "<p class=\"note\">{}</p>",
                self.text(self.l.picture_from_file)
            );
        }

        self.verification(out, e, verdict);
        out.push_str("</div>\n");

        if let Some(uri) =
            e.qr.as_deref()
                .and_then(|q| html::image_data_uri(q, MAX_IMAGE_BYTES))
        {
            let _ = writeln!(
                out,
                "<figure class=\"qr\"><img src=\"{}\" alt=\"{}\"><figcaption>{}</figcaption></figure>",
                escape(&uri),
                self.text(self.l.qr_alt),
                self.text(self.l.qr_caption)
            );
        }
        out.push_str("</li>\n");
    }

    /// The verdict in the app's words, when it was checked, and the checks that say why ([`shown_checks`]).
    fn verification(&self, out: &mut String, e: &PageEntry, verdict: &str) {
        let heading = match e.checked_at {
            Some(at) => self.fill(
                self.l.verification_on,
                &[("date", &escape(&date::instant(at, self.lang)))],
            ),
            None => self.text(self.l.verification),
        };
        let _ = writeln!(
            out,
            "<div class=\"verification\">\n<p><span class=\"muted\">{heading}{}</span><span class=\"verdict\">{}</span></p>",
            self.colon(),
            self.text(verdict)
        );
        let shown = shown_checks(e);
        if !shown.is_empty() {
            out.push_str("<ul class=\"checks\">\n");
            // The checks that passed on one line; each other one on its own, with its reason.
            let passed: Vec<String> = shown
                .iter()
                .filter(|c| c.outcome == Outcome::Passed)
                .map(|c| self.text(self.check_label(c.id)))
                .collect();
            if !passed.is_empty() {
                let _ = writeln!(
                    out,
                    "<li class=\"passed\"><span class=\"mark\" aria-hidden=\"true\">✓</span>{}{}{}</li>",
                    self.text(self.l.outcome_passed),
                    self.colon(),
                    passed.join(", ")
                );
            }
            for c in shown.iter().filter(|c| c.outcome != Outcome::Passed) {
                let (mark, class, outcome) = if c.outcome == Outcome::Failed {
                    ("✗", "failed", self.l.outcome_failed)
                } else if c.warning {
                    ("!", "unchecked", self.l.outcome_unchecked)
                } else {
                    ("–", "skipped", self.l.outcome_skipped)
                };
                let _ = write!(
                    out,
                    "<li class=\"{class}\"><span class=\"mark\" aria-hidden=\"true\">{mark}</span>{}{}{}",
                    self.text(self.check_label(c.id)),
                    self.colon(),
                    self.text(outcome)
                );
                if let Some(reason) = c.reason.as_deref().filter(|r| !r.trim().is_empty()) {
                    let _ = write!(
                        out,
                        " — <span class=\"why\" lang=\"en\">{}</span>",
                        escape(&cap(reason, MAX_REASON))
                    );
                }
                out.push_str("</li>\n");
            }
            out.push_str("</ul>\n");
        }
        out.push_str("</div>\n");
    }

    fn how_to_check(&self, out: &mut String, input: &PageInput) {
        let _ = writeln!(
            out,
            "<section aria-labelledby=\"how\">\n<h2 id=\"how\">{}</h2>",
            self.text(self.l.how_heading)
        );
        let Some(p) = &input.presentation else {
            let _ = writeln!(out, "<p>{}</p>", self.text(self.l.how_missing));
            self.legend(out, input);
            out.push_str("</section>\n");
            return;
        };
        let _ = writeln!(
            out,
            "<p>{}</p>",
            self.fill(
                self.l.how_presentation,
                &[("command", "<code>carnet verify</code>")]
            )
        );
        self.legend(out, input);

        let _ = writeln!(
            out,
            "<div class=\"presentation\">\n<h3>{}</h3>",
            self.text(self.l.presentation_heading)
        );
        let facts = [
            (self.l.holder, &p.holder),
            (self.l.made_for, &p.domain),
            (self.l.challenge, &p.challenge),
        ];
        if facts.iter().any(|(_, v)| v.is_some()) {
            out.push_str("<dl>\n");
            for (label, value) in facts {
                if let Some(v) = value {
                    let _ = writeln!(
                        out,
                        "<dt>{}</dt>\n<dd><code>{}</code></dd>",
                        self.text(label),
                        escape(&cap(v, MAX_ID))
                    );
                }
            }
            out.push_str("</dl>\n");
        }
        let text = p.text.trim();
        let json = text.starts_with('{');
        let (file, media_type) = match json {
            true => ("presentation.json", "application/json"),
            false => ("presentation.jwt", "application/jwt"),
        };
        let _ = writeln!(
            out,
            "<p class=\"screen-only\"><a download=\"{file}\" href=\"{href}\">{label}</a></p>",
            href = escape(&html::text_data_uri(media_type, text)),
            label = self.fill(self.l.save_as, &[("file", file)]),
        );
        let _ = writeln!(
            out,
            "<details class=\"screen-only\"><summary>{}</summary>\n<pre>{}</pre>\n</details>",
            self.fill(
                self.l.show_text,
                &[("size", &escape(&date::size(text.len(), self.lang)))]
            ),
            escape(text)
        );
        let _ = writeln!(
            out,
            "<p class=\"print-only\">{}</p>",
            self.text(self.l.print_note)
        );
        out.push_str("</div>\n</section>\n");
    }

    /// What the page's words mean: who vouches for an issuer, QR codes, quoted reasons — each only when used.
    fn legend(&self, out: &mut String, input: &PageInput) {
        if input.entries.iter().any(|e| e.issuer_identity.is_some()) {
            let _ = writeln!(out, "<p class=\"muted\">{}</p>", self.text(self.l.identity_help));
        }
        if input.entries.iter().any(|e| {
            e.qr.as_deref()
                .and_then(|q| html::image_data_uri(q, MAX_IMAGE_BYTES))
                .is_some()
        }) {
            let _ = writeln!(out, "<p class=\"muted\">{}</p>", self.text(self.l.how_qr));
        }
        let quoted = input.entries.iter().any(|e| {
            shown_checks(e).iter().any(|c| {
                c.outcome != Outcome::Passed && c.reason.as_deref().is_some_and(|r| !r.trim().is_empty())
            })
        });
        if quoted {
            let _ = writeln!(out, "<p class=\"muted\">{}</p>", self.text(self.l.reasons_quoted));
        }
    }
}

/// Why a page for a presentation could not be put together.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PageError {
    /// A credential of the presentation could not be read from the wallet.
    #[error(transparent)]
    Wallet(#[from] wallet_core::WalletError),
}

/// The printable page for a signed presentation: each of its credentials as the wallet holds it (picture, issuer
/// and who vouches for it, dates), with the verification made when the presentation was signed, a QR code of the
/// credential itself when it fits one, and the presentation attached.
pub fn for_presentation(
    wallet: &wallet_core::Wallet,
    presentation: &wallet_core::present::Presentation,
    language: Lang,
    learner_name: &str,
    generated_at: OffsetDateTime,
) -> Result<String, PageError> {
    let mut entries = Vec::new();
    for (i, id) in presentation.credential_ids.iter().enumerate() {
        let detail = wallet.credential(id)?;
        let picture = wallet.credential_image(id)?;
        let mut entry = PageEntry::from_detail(&detail, picture);
        if let Some(report) = presentation.reports.get(i) {
            entry.recheck(report, presentation.created_at);
        }
        // A QR of the credential itself (compact JSON), when it fits one: most with pictures do not.
        entry.qr = std::str::from_utf8(&detail.raw)
            .ok()
            .filter(|t| t.trim_start().starts_with('{'))
            .and_then(|t| wallet_core::json::parse_str(t).ok())
            .and_then(|doc| wallet_core::qr::encode(&doc, wallet_core::qr::QrForm::Json).ok())
            .map(|qr| svg_data_uri(&qr.svg));
        entries.push(entry);
    }
    Ok(render(&PageInput {
        language,
        learner_name: learner_name.to_owned(),
        generated_at,
        entries,
        presentation: Some(Presentation {
            text: presentation.text.clone(),
            holder: Some(presentation.holder.clone()),
            domain: presentation.domain.clone(),
            challenge: presentation.challenge.clone(),
        }),
    }))
}
