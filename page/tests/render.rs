//! The page through its public API: hostile credential text and URIs never become markup, only image `data:`
//! URIs survive, every element and attribute is one the page means to write, both languages say everything, and
//! the page shows each credential's name, issuer identity and verdict in the app's words.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed test

use base64::Engine;
use carnet_page::{render, svg_data_uri, Lang, PageEntry, PageInput, Presentation};
use sha2::{Digest, Sha256};
use time::macros::datetime;
use wallet_core::picture::PictureSource;
use wallet_core::verify::{Check, CheckId, IssuerIdentity, Outcome, Report, Verdict};

const PNG_1X1: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAcCBlCwAAAABJRU5ErkJggg==";

/// Strings a credential may carry to break out of text, attributes, styles or URLs.
const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "'><svg onload=alert(1)>",
    "</style><style>body{background:url(https://evil.example/css)}</style>",
    "</bdi></h3><iframe src=\"https://evil.example/\"></iframe>",
    "</pre><script src=https://evil.example/x.js></script>",
    "&lt;script&gt; already escaped",
    "\u{202e}gnp.exe\u{0}\u{7}",
    "{name} {domain}",
];

fn check(id: CheckId, outcome: Outcome, warning: bool, reason: &str) -> Check {
    // Check has no public constructor; it is plain data with public fields.
    Check {
        id,
        outcome,
        reason: Some(reason.to_owned()),
        warning,
        code: None,
        args: Vec::new(),
    }
}

fn passed(id: CheckId) -> Check {
    check(id, Outcome::Passed, false, "ok")
}

fn entry(name: &str) -> PageEntry {
    PageEntry {
        name: Some(name.to_owned()),
        description: Some("Projet intégrateur, 45 heures.".to_owned()),
        issuer_name: Some("Cégep de Sainte-Foy".to_owned()),
        issuer_id: Some("did:web:cegep.example".to_owned()),
        issuer_identity: Some(IssuerIdentity::Domain {
            domain: "cegep.example".into(),
            confirmed: true,
        }),
        picture: Some(PNG_1X1.to_owned()),
        picture_source: Some(PictureSource::Credential),
        awarded: Some("2026-06-15T00:00:00Z".to_owned()),
        valid_until: None,
        verdict: Some(Verdict::Valid),
        checks: vec![
            passed(CheckId::Proof),
            passed(CheckId::IssuerBinding),
            passed(CheckId::Dates),
        ],
        checked_at: Some(datetime!(2026-11-29 15:00 UTC)),
        qr: None,
        skills: vec!["Travail d’équipe".to_owned()],
    }
}

fn input(lang: Lang, entries: Vec<PageEntry>) -> PageInput {
    PageInput {
        language: lang,
        learner_name: "Marie-Ève Tremblay".to_owned(),
        generated_at: datetime!(2026-11-29 15:00 UTC),
        entries,
        presentation: Some(Presentation {
            text: r#"{"type":["VerifiablePresentation"],"note":"</pre><script>alert(1)</script>"}"#
                .to_owned(),
            holder: Some("did:key:z6MkHolder".to_owned()),
            domain: Some("https://employer.example".to_owned()),
            challenge: Some("c-123".to_owned()),
        }),
    }
}

/// A page with hostile text in every field a credential or the caller fills.
fn hostile_page(lang: Lang) -> String {
    let mut entries = Vec::new();
    for h in HOSTILE {
        let s = (*h).to_owned();
        entries.push(PageEntry {
            name: Some(s.clone()),
            description: Some(s.clone()),
            issuer_name: Some(s.clone()),
            issuer_id: Some(s.clone()),
            issuer_identity: Some(IssuerIdentity::Domain {
                domain: s.clone(),
                confirmed: false,
            }),
            picture: Some(s.clone()),
            picture_source: Some(PictureSource::File),
            awarded: Some(s.clone()),
            valid_until: Some(s.clone()),
            verdict: Some(Verdict::Invalid),
            checks: vec![check(CheckId::Proof, Outcome::Failed, false, h)],
            checked_at: None,
            qr: Some(s.clone()),
            skills: vec![s.clone()],
        });
    }
    let mut page = input(lang, entries);
    page.learner_name = HOSTILE.join(" ");
    if let Some(p) = page.presentation.as_mut() {
        p.text = HOSTILE.join("\n");
        p.holder = Some(HOSTILE[1].to_owned());
        p.domain = Some(HOSTILE[3].to_owned());
        p.challenge = Some(HOSTILE[0].to_owned());
    }
    render(&page)
}

/// The start tags of an HTML document the page wrote, with their attributes. Good enough for the page's own
/// output, where `<` only ever starts a tag, attribute values are double-quoted, and `<style>` holds only CSS
/// without `<`.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        if rest.starts_with('/') || rest.starts_with('!') {
            continue;
        }
        let end = tag_end(rest);
        let inner = &rest[..end];
        rest = &rest[end..];
        let name_end = inner
            .find(|c: char| c.is_whitespace() || c == '>')
            .unwrap_or(inner.len());
        let name = inner[..name_end].to_ascii_lowercase();
        let mut attrs = Vec::new();
        let mut a = inner[name_end..].trim_start();
        while !a.is_empty() && !a.starts_with('>') {
            let key_end = a
                .find(|c: char| c == '=' || c.is_whitespace() || c == '>')
                .unwrap_or(a.len());
            let key = a[..key_end].to_ascii_lowercase();
            a = &a[key_end..];
            let mut value = String::new();
            if let Some(v) = a.strip_prefix("=\"") {
                let close = v.find('"').expect("unterminated attribute value");
                value = v[..close].to_owned();
                a = &v[close + 1..];
            } else {
                assert!(
                    !a.starts_with('='),
                    "unquoted attribute value in <{name} {key}=…>"
                );
            }
            attrs.push((key, value));
            a = a.trim_start();
        }
        out.push((name, attrs));
    }
    out
}

/// Where the start tag beginning at `s` ends: the first `>` outside a double-quoted value.
fn tag_end(s: &str) -> usize {
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '>' if !quoted => return i,
            _ => {}
        }
    }
    s.len()
}

const ELEMENTS: &[&str] = &[
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "main",
    "section",
    "footer",
    "h1",
    "h2",
    "h3",
    "p",
    "ul",
    "li",
    "div",
    "dl",
    "dt",
    "dd",
    "img",
    "figure",
    "figcaption",
    "span",
    "bdi",
    "code",
    "br",
    "a",
    "details",
    "summary",
    "pre",
];
const ATTRIBUTES: &[&str] = &[
    "lang",
    "charset",
    "http-equiv",
    "content",
    "name",
    "class",
    "id",
    "aria-labelledby",
    "aria-hidden",
    "src",
    "alt",
    "href",
    "download",
];

/// Every element and attribute is one the page writes; every URL is a `data:` URI of an image or of the
/// presentation; there is one style sheet, exactly the one the policy allows by hash.
fn assert_structure(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\""));
    for (name, attrs) in tags(html) {
        assert!(ELEMENTS.contains(&name.as_str()), "unexpected element <{name}>");
        for (key, value) in &attrs {
            assert!(
                ATTRIBUTES.contains(&key.as_str()),
                "unexpected attribute {key}=\"{value}\" on <{name}>"
            );
            let lower = value.to_ascii_lowercase();
            assert!(!lower.contains("javascript:"), "{key}=\"{value}\" on <{name}>");
            if key == "src" {
                assert!(
                    ["png", "jpeg", "gif", "webp", "svg+xml"]
                        .iter()
                        .any(|t| value.starts_with(&format!("data:image/{t};base64,"))),
                    "src=\"{value}\""
                );
            }
            if key == "href" {
                assert!(
                    value.starts_with("data:application/json;base64,")
                        || value.starts_with("data:application/jwt;base64,"),
                    "href=\"{value}\""
                );
            }
        }
    }
    assert_eq!(html.matches("<style").count(), 1);
    let css = html
        .split("<style>")
        .nth(1)
        .unwrap()
        .split("</style>")
        .next()
        .unwrap();
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css.as_bytes()));
    assert!(
        html.contains(&format!(
            "content=\"default-src 'none'; img-src data:; style-src 'sha256-{hash}'; base-uri 'none'; form-action 'none'\""
        )),
        "the CSP must allow exactly the page's style sheet"
    );
}

#[test]
fn hostile_text_never_becomes_markup() {
    for lang in [Lang::En, Lang::Fr] {
        let html = hostile_page(lang);
        assert_structure(&html);
        // No markup from the text (assert_structure has already refused any event-handler attribute).
        let lower = html.to_ascii_lowercase();
        for forbidden in ["<script", "<iframe", "<svg", "<img src=x", "\u{0}"] {
            assert!(!lower.contains(forbidden), "{lang:?}: {forbidden:?} in the page");
        }
        // The escaped forms are there: the text was kept, not dropped.
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("&lt;/style&gt;&lt;style&gt;body{background:url(https://evil.example/css)}"));
        assert!(html.contains("&amp;lt;script&amp;gt; already escaped"));
        // Placeholders inside credential text are not expanded.
        assert!(html.contains("{name} {domain}"));
        // Bidirectional overrides stay inside their own isolate.
        assert!(html.contains("<bdi>\u{202e}gnp.exe</bdi>"));
    }
}

#[test]
fn only_image_data_uris_become_pictures_and_qr_codes() {
    let mut entries = Vec::new();
    for bad in [
        "javascript:alert(1)",
        "https://evil.example/badge.png",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:image/svg+xml;base64,PGh0bWw+PC9odG1sPg==",
        "data:image/png;base64,\"onerror=alert(1)//",
        "file:///etc/passwd",
    ] {
        let mut e = entry("Refused picture");
        e.picture = Some(bad.to_owned());
        e.qr = Some(bad.to_owned());
        entries.push(e);
    }
    for lang in [Lang::En, Lang::Fr] {
        let html = render(&input(lang, entries.clone()));
        assert_structure(&html);
        assert!(!html.contains("<img"), "a refused picture was shown");
        for gone in [
            "javascript:",
            "https://evil",
            "data:text/html",
            "PGh0bWw+",
            "file:",
        ] {
            assert!(!html.contains(gone), "{gone} is in the page");
        }
    }
    // Allowed ones are shown, rebuilt from their bytes; a QR code from SVG text too.
    let mut ok = entry("Shown");
    ok.qr = Some(svg_data_uri(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"><rect width=\"1\" height=\"1\"/></svg>",
    ));
    let html = render(&input(Lang::En, vec![ok]));
    assert_structure(&html);
    assert_eq!(
        html.matches(&format!("<img src=\"{PNG_1X1}\" alt=\"\">")).count(),
        1
    );
    assert_eq!(html.matches("<img src=\"data:image/svg+xml;base64,").count(), 1);
    assert!(html.contains("alt=\"QR code of this credential, for a verifier’s app\""));
}

#[test]
fn every_credential_shows_its_name_identity_and_verdict_in_both_languages() {
    let mut confirmed = entry("Gestion de projet");
    confirmed.issuer_identity = Some(IssuerIdentity::Domain {
        domain: "cegep.example".into(),
        confirmed: true,
    });
    let mut unconfirmed = entry("Soudure de base");
    unconfirmed.issuer_identity = Some(IssuerIdentity::Domain {
        domain: "ecole.example".into(),
        confirmed: false,
    });
    unconfirmed.verdict = Some(Verdict::Indeterminate);
    unconfirmed.checks = vec![check(
        CheckId::IssuerBinding,
        Outcome::Skipped,
        true,
        "issuer document unreachable",
    )];
    let mut key_only = entry("Premiers soins");
    key_only.issuer_identity = Some(IssuerIdentity::KeyOnly {
        method: "did:key".into(),
    });
    key_only.checks.push(check(
        CheckId::Status,
        Outcome::Skipped,
        true,
        "status list unreachable offline",
    ));
    key_only.picture_source = Some(PictureSource::File);
    let mut unverified = entry("Anglais langue seconde");
    unverified.issuer_identity = Some(IssuerIdentity::Unverified { id: "urn:x".into() });
    unverified.verdict = Some(Verdict::Invalid);
    unverified.checks = vec![check(
        CheckId::Dates,
        Outcome::Failed,
        false,
        "expired on 2024-06-30T00:00:00Z",
    )];
    let mut unreadable = entry("Illisible");
    unreadable.verdict = Some(Verdict::Error);
    let mut unknown = entry("Sans vérification");
    unknown.verdict = None;
    let entries = vec![confirmed, unconfirmed, key_only, unverified, unreadable, unknown];

    let en = render(&input(Lang::En, entries.clone()));
    let fr = render(&input(Lang::Fr, entries));
    for html in [&en, &fr] {
        assert_structure(html);
        for name in [
            "Gestion de projet",
            "Soudure de base",
            "Premiers soins",
            "Anglais langue seconde",
            "Illisible",
        ] {
            assert!(
                html.contains(&format!("<h3><bdi>{name}</bdi></h3>")),
                "{name} missing"
            );
        }
        assert!(html.contains("Marie-Ève Tremblay"));
        assert!(
            html.contains("expired on 2024-06-30T00:00:00Z"),
            "the failing check's reason"
        );
        assert!(
            html.contains("status list unreachable offline"),
            "the unchecked check's reason"
        );
    }
    for words in [
        "<html lang=\"en\">",
        "<title>Portfolio of Marie-Ève Tremblay</title>",
        "<bdi>cegep.example</bdi>, confirmed",
        "<bdi>ecole.example</bdi>, not confirmed",
        "self-named, key only",
        "identity not checked",
        "<span class=\"verdict\">Verified</span>",
        "<span class=\"verdict\">Valid, not fully checked</span>",
        "<span class=\"verdict\">Could not be checked</span>",
        "<span class=\"verdict\">Not valid</span>",
        "<span class=\"verdict\">Unreadable</span>",
        "<span class=\"verdict\">Not checked</span>",
        "Picture from the file: the issuer’s signature does not cover it.",
        "Verification on November 29, 2026: </span>",
        "Passed: Signature, Signed by its issuer, Validity dates</li>",
        "the command <code>carnet verify</code>",
        "<dt>Awarded</dt>\n<dd>June 15, 2026</dd>",
        "Validity dates: Failed",
        "Revocation: Could not be checked",
        "Made with Carnet on November 29, 2026.",
        "How to check this portfolio",
        "W3C verifiable credentials",
    ] {
        assert!(en.contains(words), "English page lacks {words:?}");
    }
    for words in [
        "<html lang=\"fr-CA\">",
        "<title>Portfolio de Marie-Ève Tremblay</title>",
        "<bdi>cegep.example</bdi>, confirmé",
        "<bdi>ecole.example</bdi>, non confirmé",
        "nom déclaré, clé seulement",
        "identité non vérifiée",
        "<span class=\"verdict\">Vérifié</span>",
        "<span class=\"verdict\">Valide, vérification incomplète</span>",
        "<span class=\"verdict\">Vérification impossible</span>",
        "<span class=\"verdict\">Non valide</span>",
        "<span class=\"verdict\">Illisible</span>",
        "<span class=\"verdict\">Non vérifié</span>",
        "Image tirée du fichier\u{a0}: la signature de l’émetteur ne la couvre pas.",
        "Vérification du 29 novembre 2026\u{a0}: </span>",
        "Réussi\u{a0}: Signature numérique, Signée par son émetteur, Dates de validité</li>",
        "<dt>Décerné le</dt>\n<dd>15 juin 2026</dd>",
        "Dates de validité\u{a0}: Échoué",
        "Révocation\u{a0}: Impossible à vérifier",
        "Produit avec Carnet le 29 novembre 2026.",
        "Comment vérifier ce portfolio",
        "attestations vérifiables W3C",
    ] {
        assert!(fr.contains(words), "French page lacks {words:?}");
    }
    // Nothing English is left on the French page but the quoted technical reasons (marked lang="en").
    for english in [
        "Verified",
        "Issued by",
        "Awarded",
        "Valid until",
        "How to check",
        "Signed presentation",
    ] {
        assert!(!fr.contains(english), "French page says {english:?}");
    }
    for french in [
        "Vérifié",
        "Émis par",
        "Décerné",
        "Comment vérifier",
        "Présentation signée",
    ] {
        assert!(!en.contains(french), "English page says {french:?}");
    }
}

#[test]
fn the_presentation_is_attached_verbatim_and_as_a_download() {
    let page = input(Lang::En, vec![entry("Gestion de projet")]);
    let text = &page.presentation.as_ref().unwrap().text;
    let html = render(&page);
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    assert!(html.contains(&format!(
        "<a download=\"presentation.json\" href=\"data:application/json;base64,{b64}\">Save it as presentation.json</a>"
    )));
    assert!(html.contains(
        "<pre>{&quot;type&quot;:[&quot;VerifiablePresentation&quot;],&quot;note&quot;:&quot;&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;}</pre>"
    ));
    assert!(html.contains("<dt>Holder</dt>\n<dd><code>did:key:z6MkHolder</code></dd>"));
    assert!(html.contains("<dt>Made for</dt>\n<dd><code>https://employer.example</code></dd>"));
    assert!(html.contains("<dt>Challenge</dt>\n<dd><code>c-123</code></dd>"));
    assert!(html.contains("Show its text (76\u{a0}B)"), "{html}");

    // A JWT is offered as one; without a presentation the page says how to get one.
    let mut jwt = page.clone();
    jwt.presentation.as_mut().unwrap().text = "eyJhbGciOiJFZERTQSJ9.eyJ2cCI6e319.c2ln".to_owned();
    assert!(render(&jwt).contains("<a download=\"presentation.jwt\" href=\"data:application/jwt;base64,"));
    let mut none = page;
    none.presentation = None;
    let html = render(&none);
    assert_structure(&html);
    assert!(html.contains("No signed presentation comes with this page"));
    assert!(!html.contains("<pre>") && !html.contains("download="));
}

#[test]
fn an_empty_page_and_an_unnamed_learner_still_make_sense() {
    let mut page = input(Lang::Fr, Vec::new());
    page.learner_name = "   ".to_owned();
    page.presentation = None;
    let html = render(&page);
    assert_structure(&html);
    assert!(html.contains("<title>Portfolio</title>"));
    assert!(html.contains("<h1>Portfolio</h1>"));
    assert!(html.contains("Aucune attestation n’a été choisie pour cette page."));
}

#[test]
fn long_texts_are_capped() {
    let mut e = entry(&"N".repeat(10_000));
    e.description = Some("D".repeat(100_000));
    e.skills = (0..1_000).map(|i| format!("skill {i}")).collect();
    e.awarded = Some("x".repeat(1_000));
    let html = render(&input(Lang::En, vec![e]));
    assert!(html.contains(&format!("<h3><bdi>{}…</bdi></h3>", "N".repeat(300))));
    assert!(!html.contains(&"D".repeat(2_001)));
    assert!(html.contains("skill 29<") && !html.contains("skill 30<"));
    assert!(
        html.contains(&format!("<dd>{}…</dd>", "x".repeat(60))),
        "an unreadable date is capped"
    );
    assert!(html.len() < 40_000, "{}", html.len());
}

#[test]
fn a_fresh_verification_replaces_the_stored_one() {
    let mut e = entry("Gestion de projet");
    let at = datetime!(2026-12-01 09:00 -05:00);
    e.recheck(&Report::unreadable(Some("json"), "not JSON".to_owned()), at);
    assert_eq!(e.verdict, Some(Verdict::Error));
    assert_eq!(e.checks.len(), 1);
    assert_eq!(e.checked_at, Some(at));
    // A report that names no issuer identity keeps the one the wallet had.
    assert!(matches!(
        e.issuer_identity,
        Some(IssuerIdentity::Domain { confirmed: true, .. })
    ));
    let html = render(&input(Lang::Fr, vec![e]));
    assert!(html.contains(
        "Vérification du 1er décembre 2026\u{a0}: </span><span class=\"verdict\">Illisible</span>"
    ));
    assert!(
        html.contains("Attestation lisible\u{a0}: Échoué — <span class=\"why\" lang=\"en\">not JSON</span>")
    );
}
