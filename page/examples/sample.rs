//! Writes sample portfolio pages for the browser test (`tests/page/`) and for looking at:
//! `cargo run -p carnet-page --example sample -- OUTDIR`.
//!
//! - `portfolio-en.html`, `portfolio-fr.html`: credentials of the peer corpus (`../shared/fixtures/peer-corpus`)
//!   imported into a throw-away wallet at a fixed date and read back through the portfolio, as the CLI and the
//!   app will; a QR code of each credential's signed bytes when they fit in one; the corpus' signed presentation
//!   attached (until `present` exists, it is not a presentation of these very credentials).
//! - `presented-en.html`, `presented-fr.html`, `presented.json`: the same wallet's presentable credentials put in
//!   a real signed presentation (`Wallet::present`, the expired one confirmed) and its page made exactly as the CLI
//!   and the app make it (`carnet_page::for_presentation`), the presentation saved beside it.
//! - `hostile-en.html`, `hostile-fr.html`: every field filled with markup, style and URL breakouts, pictures that
//!   are not images, and an SVG picture that names remote resources and holds a script — the browser test opens
//!   them and asserts nothing loads or runs.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use carnet_page::{render, svg_data_uri, Lang, PageEntry, PageInput, Presentation};
use time::macros::datetime;
use time::OffsetDateTime;
use wallet_core::importer::{ImportOptions, Source};
use wallet_core::picture::PictureSource;
use wallet_core::portfolio::Query;
use wallet_core::verify::{Check, CheckId, IssuerIdentity, Outcome, Verdict};
use wallet_core::{FixedClock, KdfParams, NewProtection, Passphrase, Wallet};

/// "Today" for the samples: after the corpus' validFrom, after its expired negatives' end.
const NOW: OffsetDateTime = datetime!(2026-11-29 15:00 UTC);

/// Peer corpus files shown: OB 3.0 in VC 2.0 and 1.1, Data Integrity and JWT, baked PNG (the file's picture),
/// rich ones with pictures and skills (their status lists unreachable: "not fully checked"), an OB 2.0 badge whose
/// issuer cannot be reached offline (could not be checked), an expired one (not valid, in quarantine).
const CORPUS: &[&str] = &[
    "ob3-vc2-di-rich.json",
    "ob3-vc11-ed25519signature2020-rich.json",
    "ob3-baked-jsonld.png",
    "ob3-vc11-vcjwt-eddsa.jwt",
    "ob2-signed-baked.svg",
    "neg-expired-vc11.json",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::args().nth(1).ok_or("usage: sample OUTDIR")?);
    std::fs::create_dir_all(&out)?;
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/peer-corpus");
    let (entries, presented) = corpus_entries(&corpus)?;
    write(&out.join("presented.json"), &presented.2)?;
    for (lang, suffix) in [(Lang::En, "en"), (Lang::Fr, "fr")] {
        let html =
            carnet_page::for_presentation(&presented.0, &presented.1, lang, "Marie-Ève Tremblay", NOW)?;
        write(&out.join(format!("presented-{suffix}.html")), &html)?;
    }
    let vp = std::fs::read_to_string(corpus.join("vp-vc2-di-eddsa-rdfc-2022.json"))?;
    let presentation = Presentation {
        text: vp.trim().to_owned(),
        holder: Some("did:key:z6Mknv1JxVJxG4wt4XkABPtQfryPY7iHmh282oZjmYkkPTnR".to_owned()),
        domain: Some("https://verifier.public-example.org".to_owned()),
        challenge: Some("challenge-d8ca4d32".to_owned()),
    };
    for lang in [Lang::En, Lang::Fr] {
        let suffix = match lang {
            Lang::En => "en",
            Lang::Fr => "fr",
        };
        let page = PageInput {
            language: lang,
            learner_name: "Marie-Ève Tremblay".to_owned(),
            generated_at: NOW,
            entries: entries.clone(),
            presentation: Some(presentation.clone()),
        };
        write(&out.join(format!("portfolio-{suffix}.html")), &render(&page))?;
        write(
            &out.join(format!("hostile-{suffix}.html")),
            &render(&hostile(lang)),
        )?;
    }
    Ok(())
}

fn write(path: &Path, html: &str) -> std::io::Result<()> {
    std::fs::write(path, html)?;
    println!("{}", path.display());
    Ok(())
}

/// What the presented pages are made from: the wallet, the signed presentation, its text.
type Presented = (Wallet, wallet_core::present::Presentation, String);

/// The corpus credentials through a real wallet: import (verified at `NOW`, offline), then the portfolio's
/// detail and picture of each; and a signed presentation of those that can be presented.
fn corpus_entries(corpus: &Path) -> Result<(Vec<PageEntry>, Presented), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let mut wallet = Wallet::open_or_create_with_clock(dir.path().join("wallet"), Arc::new(FixedClock(NOW)))?;
    wallet.init(NewProtection::Passphrase(
        Passphrase::new("sample passphrase".to_owned()),
        KdfParams::INSECURE_FOR_TESTS,
    ))?;
    wallet.create_profile("Personnel")?;
    let sources: Vec<Source> = CORPUS.iter().map(|f| Source::Path(corpus.join(f))).collect();
    let options = ImportOptions {
        keep_unverified: true,
        threads: 1,
        // Offline, as the comment above says: nothing is looked up (not even a name) while the sample is made.
        net: wallet_core::net::NetPolicy::offline(),
        ..ImportOptions::default()
    };
    let summary = wallet.import(&sources, &options, &mut |_| {}, &AtomicBool::new(false))?;
    if summary.items.len() != CORPUS.len() {
        return Err(format!("expected {} items, got {:#?}", CORPUS.len(), summary.items).into());
    }
    let page = wallet.portfolio(&Query {
        include_quarantined: true,
        ..Query::default()
    })?;
    // In the order of CORPUS: the portfolio orders equal award dates by random id.
    let mut found = page.entries;
    found.sort_by_key(|e| CORPUS.iter().position(|f| e.source.ends_with(f)));
    let mut entries = Vec::new();
    for summary in &found {
        let detail = wallet.credential(&summary.id)?;
        let mut entry = PageEntry::from_detail(&detail, wallet.credential_image(&summary.id)?);
        // JSON compacted (its signature covers the data, not the spacing); a JWT as it is.
        let compact = serde_json::from_slice::<serde_json::Value>(&detail.raw)
            .ok()
            .and_then(|v| serde_json::to_vec(&v).ok())
            .unwrap_or_else(|| detail.raw.clone());
        entry.qr = qr_svg(&compact).map(|svg| svg_data_uri(&svg));
        entries.push(entry);
    }
    // Every credential but the OB 2.0 assertion (not a verifiable credential: it cannot be presented).
    let presentable: Vec<String> = found
        .iter()
        .filter(|e| e.format.as_deref() != Some("ob2-signed"))
        .map(|e| e.id.clone())
        .collect();
    let request = wallet_core::present::PresentRequest {
        credential_ids: presentable,
        profile_id: None,
        challenge: Some("c-sample".to_owned()),
        domain: Some("https://rh.employeur.example".to_owned()),
        format: wallet_core::present::PresentFormat::DataIntegrity,
    };
    let presentation =
        futures_executor::block_on(wallet.present(&request, true, &wallet_core::net::Net::offline()))?;
    let text = presentation.text.clone();
    Ok((entries, (wallet, presentation, text)))
}

/// A QR code of `bytes` as SVG, when they fit in a version 30 code or smaller (about 1,700 bytes at the lowest
/// error correction, still scannable at the page's printed size); the real page gets its codes from Carnet's QR
/// module.
fn qr_svg(bytes: &[u8]) -> Option<String> {
    use qrcode::{Color, EcLevel, QrCode, Version};
    let code = QrCode::with_error_correction_level(bytes, EcLevel::L).ok()?;
    if !matches!(code.version(), Version::Normal(v) if v <= 30) {
        return None;
    }
    let width = code.width();
    let quiet = 4;
    let size = width + 2 * quiet;
    let mut path = String::new();
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == Color::Dark {
            path.push_str(&format!("M{} {}h1v1h-1z", i % width + quiet, i / width + quiet));
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

/// A page whose every field is hostile (see the module documentation).
fn hostile(lang: Lang) -> PageInput {
    let long = "W".repeat(400);
    let text: &[&str] = &[
        "<script>fetch('https://evil.example/script')</script>",
        "\"><img src=https://evil.example/img onerror=\"fetch('https://evil.example/onerror')\">",
        "'><svg onload=fetch('https://evil.example/svg')>",
        "</style><style>body{background:url(https://evil.example/css)}</style>",
        "</bdi></h3><iframe src=\"https://evil.example/iframe\"></iframe>",
        "<a href=\"javascript:fetch('https://evil.example/js')\">click</a>",
        "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/refresh\">",
        "<link rel=\"stylesheet\" href=\"https://evil.example/link.css\">",
        "\u{202e}gnp.exe — {name} {domain}",
        // No space to break at: the page must still fit the paper.
        &long,
    ];
    // An SVG picture that would fetch and script if it were inline markup; shown as an image, it can do neither.
    let svg = svg_data_uri(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 10 10\">\
         <script>fetch('https://evil.example/svg-script')</script>\
         <image href=\"https://evil.example/svg-image.png\" width=\"10\" height=\"10\"/>\
         <style>@import url(https://evil.example/svg-import.css);</style>\
         <rect width=\"10\" height=\"10\" fill=\"#a3212a\"/></svg>",
    );
    let pictures = [
        svg.clone(),
        "javascript:fetch('https://evil.example/picture')".to_owned(),
        "https://evil.example/picture.png".to_owned(),
        "data:text/html;base64,PHNjcmlwdD5mZXRjaCgnaHR0cHM6Ly9ldmlsLmV4YW1wbGUvZGF0YScpPC9zY3JpcHQ+"
            .to_owned(),
        "data:image/svg+xml,<svg onload=fetch('https://evil.example/svg-onload')>".to_owned(),
    ];
    let entries = text
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let s = (*t).to_owned();
            PageEntry {
                name: Some(s.clone()),
                description: Some(s.clone()),
                issuer_name: Some(s.clone()),
                issuer_id: Some(s.clone()),
                issuer_identity: Some(match i % 3 {
                    0 => IssuerIdentity::Domain {
                        domain: s.clone(),
                        confirmed: true,
                    },
                    1 => IssuerIdentity::KeyOnly { method: s.clone() },
                    _ => IssuerIdentity::Unverified { id: s.clone() },
                }),
                picture: Some(pictures[i % pictures.len()].clone()),
                picture_source: Some(PictureSource::File),
                awarded: Some(s.clone()),
                valid_until: Some(s.clone()),
                verdict: Some(Verdict::Invalid),
                checks: vec![Check {
                    id: CheckId::Proof,
                    outcome: Outcome::Failed,
                    reason: Some(s.clone()),
                    warning: false,
                    code: None,
                    args: Vec::new(),
                }],
                checked_at: Some(NOW),
                qr: Some(pictures[(i + 1) % pictures.len()].clone()),
                skills: vec![s.clone(), s],
            }
        })
        .collect();
    PageInput {
        language: lang,
        learner_name: text.join(" "),
        generated_at: NOW,
        entries,
        presentation: Some(Presentation {
            text: text.join("\n"),
            holder: Some(text[0].to_owned()),
            domain: Some(text[1].to_owned()),
            challenge: Some(text[2].to_owned()),
        }),
    }
}
