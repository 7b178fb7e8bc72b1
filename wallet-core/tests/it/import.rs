//! Extraction against real files: the bakery samples in ../shared/standards/baked and every case of the peer
//! corpus in ../shared/fixtures/peer-corpus (its manifest drives the loop).

use crate::hostile;
use crate::support::shared;
use wallet_core::import::png::{extract_measured, Effort, PngError};
use wallet_core::import::{extract, svg::SvgError, Container, ImportError, Limits, Payload};

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(shared().join(rel)).unwrap()
}

fn ok(rel: &str) -> wallet_core::import::Extracted {
    extract(&read(rel), &Limits::default()).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn err(rel: &str) -> ImportError {
    match extract(&read(rel), &Limits::default()) {
        Ok(e) => panic!("{rel} should not extract, got {e:?}"),
        Err(e) => e,
    }
}

#[test]
fn ob3_baked_badges() {
    let png = ok("fixtures/peer-corpus/ob3-baked-jsonld.png");
    assert_eq!(
        (png.container, png.baked_as),
        (Container::Png, Some("openbadgecredential"))
    );
    let Payload::Json(json) = &png.payload else {
        panic!("{:?}", png.payload)
    };
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert!(
        v["type"].to_string().contains("OpenBadgeCredential")
            || v["type"].to_string().contains("AchievementCredential")
    );

    assert!(matches!(
        ok("fixtures/peer-corpus/ob3-baked-jwt.png").payload,
        Payload::Jwt(_)
    ));
    let svg = ok("fixtures/peer-corpus/ob3-baked-jsonld.svg");
    assert_eq!(
        (svg.container, svg.baked_as),
        (Container::Svg, Some("openbadges:credential"))
    );
    assert!(matches!(svg.payload, Payload::Json(_)));
    assert!(matches!(
        ok("fixtures/peer-corpus/ob3-baked-jwt.svg").payload,
        Payload::Jwt(_)
    ));
}

#[test]
fn ob2_baked_badges() {
    assert!(matches!(
        ok("fixtures/peer-corpus/ob2-signed-baked.png").payload,
        Payload::Jwt(_)
    ));
    assert!(matches!(
        ok("fixtures/peer-corpus/ob2-signed-baked.svg").payload,
        Payload::Jwt(_)
    ));
    // Hosted assertions extract (as JSON or a URL); verifying them needs the network.
    assert_eq!(
        ok("fixtures/peer-corpus/ob2-hosted-baked.png").baked_as,
        Some("openbadges")
    );
    assert_eq!(
        ok("fixtures/peer-corpus/ob2-hosted-baked.svg").baked_as,
        Some("openbadges:assertion")
    );
    let heart = ok("standards/baked/concentricsky-openbadges-bakery/baked_heart.png");
    assert_eq!(heart.baked_as, Some("openbadges"));
    let example = ok("standards/baked/concentricsky-openbadges-bakery/baked_example.svg");
    assert_eq!(
        example.payload,
        Payload::Url("https://example.org/assertion.json".into())
    );
    assert_eq!(
        ok("standards/baked/mozilla-openbadges-bakery/baked.svg").payload,
        Payload::Url("http://example.org".into())
    );
}

#[test]
fn unbaked_images_say_so() {
    for f in [
        "standards/baked/concentricsky-openbadges-bakery/public_domain_heart.png",
        "standards/baked/mozilla-openbadges-bakery/unbaked.png",
        "fixtures/peer-corpus/neg-png-no-badge.png",
    ] {
        assert!(matches!(err(f), ImportError::Png(PngError::NotBaked)), "{f}");
    }
    for f in [
        "standards/baked/concentricsky-openbadges-bakery/unbaked_example.svg",
        "standards/baked/mozilla-openbadges-bakery/unbaked.svg",
    ] {
        assert!(matches!(err(f), ImportError::Svg(SvgError::NotBaked)), "{f}");
    }
}

#[test]
fn hostile_and_broken_files_are_named_errors() {
    assert!(matches!(
        err("fixtures/peer-corpus/neg-png-bad-crc.png"),
        ImportError::Png(PngError::Damaged(_))
    ));
    assert!(matches!(
        err("fixtures/peer-corpus/neg-png-truncated.png"),
        ImportError::Png(PngError::Damaged(_))
    ));
    assert!(matches!(
        err("fixtures/peer-corpus/neg-png-duplicate-itxt.png"),
        ImportError::Png(PngError::SeveralBadges { count: 2 })
    ));
    assert!(matches!(
        err("fixtures/peer-corpus/neg-oversize-6mb.png"),
        ImportError::TooLarge { .. }
    ));
    assert!(matches!(
        err("fixtures/peer-corpus/neg-svg-billion-laughs.svg"),
        ImportError::Svg(SvgError::Dtd)
    ));
    assert!(matches!(
        err("fixtures/peer-corpus/neg-svg-xxe.svg"),
        ImportError::Svg(SvgError::Dtd)
    ));
}

#[test]
fn undeclared_entities_are_never_expanded() {
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential>&xxe;</openbadges:credential></svg>"#;
    assert!(
        matches!(extract(svg, &Limits::default()), Err(ImportError::Svg(SvgError::Entity(name))) if name == "xxe")
    );
    let escaped = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential>{&quot;a&quot;:&#49;}</openbadges:credential></svg>"#;
    assert_eq!(
        extract(escaped, &Limits::default()).unwrap().payload,
        Payload::Json("{\"a\":1}".into())
    );
}

/// A 1×1 PNG with one extra chunk spliced in before IEND.
fn png_with_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut bytes, 1, 1);
        enc.set_color(png::ColorType::Grayscale);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&[0]).unwrap();
    }
    let iend = bytes.len() - 12;
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(&chunk[4..]);
    chunk.extend_from_slice(&crc.sum().to_be_bytes());
    bytes.splice(iend..iend, chunk);
    bytes
}

fn zlib(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(text.as_bytes()).unwrap();
    enc.finish().unwrap()
}

#[test]
fn a_compressed_badge_chunk_is_inflated_within_bounds() {
    let credential = format!(
        "{{\"type\":[\"VerifiableCredential\"],\"pad\":\"{}\"}}",
        "a".repeat(200_000)
    );
    // iTXt: keyword NUL, compression flag 1, method 0, empty language tag NUL, empty translated keyword NUL, zlib text.
    let mut data = b"openbadgecredential\0\x01\x00\0\0".to_vec();
    data.extend(zlib(&credential));
    let bytes = png_with_chunk(b"iTXt", &data);
    assert!(
        bytes.len() < 10_000,
        "the chunk is compressed ({} bytes)",
        bytes.len()
    );
    let e = extract(&bytes, &Limits::default()).unwrap();
    assert!(
        e.payload == Payload::Json(credential.clone()),
        "inflated text differs"
    );
    let tight = Limits {
        max_inflated_bytes: 1_000,
        ..Limits::default()
    };
    let r = extract(&bytes, &tight).map(|e| e.baked_as);
    assert!(
        matches!(r, Err(ImportError::Png(PngError::InflatesTooMuch { max: 1_000 }))),
        "{r:?}"
    );

    // The legacy compressed form for Open Badges 2.0: zTXt 'openbadges', method 0.
    let mut data = b"openbadges\0\x00".to_vec();
    data.extend(zlib("https://example.org/assertions/42"));
    let e = extract(&png_with_chunk(b"zTXt", &data), &Limits::default()).unwrap();
    assert_eq!(
        e.payload,
        Payload::Url("https://example.org/assertions/42".into())
    );
}

#[test]
fn a_zip_bomb_in_a_badge_chunk_stops_at_the_limit() {
    // 1 GiB of zeros compresses to about 1 MiB; inflation must stop right after the 5 MiB limit.
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![b'0'; 1 << 20];
    for _ in 0..64 {
        std::io::Write::write_all(&mut enc, &zeros).unwrap();
    }
    let mut data = b"openbadgecredential\0\x01\x00\0\0".to_vec();
    data.extend(enc.finish().unwrap());
    let bytes = png_with_chunk(b"iTXt", &data);
    let r = extract(&bytes, &Limits::default()).map(|e| e.baked_as);
    assert!(
        matches!(r, Err(ImportError::Png(PngError::InflatesTooMuch { .. }))),
        "{r:?}"
    );
    let (limits, mut effort) = (Limits::default(), Effort::default());
    let _ = extract_measured(&bytes, &limits, &mut effort);
    assert!(
        effort.inflated_bytes <= limits.max_inflated_bytes + 1,
        "{effort:?}"
    );
}

/// Issue 10: 100 compressed `openbadges` chunks, each inflating to the limit (about 0.5 MB on disk, 500 MB of
/// text). Refused at the second chunk, before anything is inflated.
#[test]
fn the_png_chunk_bomb_is_refused_at_its_second_chunk_without_inflating_anything() {
    let limits = Limits::default();
    let bomb = hostile::png_bomb(100, limits.max_inflated_bytes);
    assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
    let r = extract(&bomb, &limits).map(|e| e.baked_as);
    assert!(
        matches!(r, Err(ImportError::Png(PngError::SeveralBadges { count: 2 }))),
        "{r:?}"
    );
    let mut effort = Effort::default();
    let _ = extract_measured(&bomb, &limits, &mut effort);
    assert!(effort.inflated_bytes <= limits.max_inflated_bytes, "{effort:?}");
    // IHDR, IDAT, then the first two of the hundred badge chunks: nothing inflated, nothing more read.
    assert_eq!(
        effort,
        Effort {
            chunks: 4,
            badge_chunks: 2,
            inflated_bytes: 0
        }
    );
}

#[test]
fn the_second_badge_chunk_ends_the_walk_before_it_is_inflated() {
    // A readable badge chunk; a second one whose compressed text is not even zlib; then a chunk failing its CRC.
    // Inflating the second, or walking on to the third, would make this a damaged image instead.
    let first = hostile::chunk(b"tEXt", b"openbadges\0https://example.org/assertions/1");
    let second = hostile::chunk(b"zTXt", &hostile::ztxt("openbadges", b"not zlib at all"));
    let mut broken = hostile::chunk(b"tEXt", b"Comment\0after the badges");
    let crc = broken.len() - 1;
    broken[crc] ^= 0xff;
    let bytes = hostile::png(&[], &[first, second, broken]);
    let mut effort = Effort::default();
    let r = extract_measured(&bytes, &Limits::default(), &mut effort).map(|e| e.baked_as);
    assert!(matches!(r, Err(PngError::SeveralBadges { count: 2 })), "{r:?}");
    assert_eq!((effort.chunks, effort.inflated_bytes), (4, 0), "{effort:?}");
}

#[test]
fn the_second_svg_badge_element_ends_the_reading() {
    // Two badge elements, then XML that is not even well-formed: reading stops before it.
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential verify="a.b.c"/><openbadges:credential>{"a":1}</openbadges:credential><g></svg>"#;
    let r = extract(svg, &Limits::default()).map(|e| e.baked_as);
    assert!(
        matches!(r, Err(ImportError::Svg(SvgError::SeveralBadges { count: 2 }))),
        "{r:?}"
    );
    // 100,000 badge elements (3.4 MB): the same answer, from the first two.
    let many = hostile::svg_many_badges(100_000, 0);
    let r = extract(&many, &Limits::default()).map(|e| e.baked_as);
    assert!(
        matches!(r, Err(ImportError::Svg(SvgError::SeveralBadges { count: 2 }))),
        "{r:?}"
    );
}

/// Every corpus case: files expected valid or invalid must extract; "error" files may fail, but never panic.
#[test]
fn the_whole_peer_corpus_extracts_or_fails_cleanly() {
    let manifest: serde_json::Value =
        serde_json::from_slice(&read("fixtures/peer-corpus/manifest.json")).unwrap();
    let cases = manifest["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 45);
    let mut extracted = 0;
    for case in cases {
        let file = case["file"].as_str().unwrap();
        let bytes = read(&format!("fixtures/peer-corpus/{file}"));
        let result = std::panic::catch_unwind(|| extract(&bytes, &Limits::default()));
        let result = result.unwrap_or_else(|_| panic!("{file}: extraction panicked"));
        match (case["expect"].as_str().unwrap(), result) {
            ("valid" | "invalid", Ok(_)) => extracted += 1,
            ("valid" | "invalid", Err(e)) => panic!("{file} should extract: {e}"),
            (_, Ok(_)) => extracted += 1,
            (_, Err(_)) => {}
        }
    }
    assert!(extracted >= 38, "{extracted} of 45 extracted");
}

/// Every context URL the peer corpus's JSON-LD credentials and presentations use (valid or invalid) is bundled.
#[test]
fn the_peer_corpus_needs_only_bundled_contexts() {
    fn collect(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(ctx) = map.get("@context") {
                    match ctx {
                        serde_json::Value::String(s) => out.push(s.clone()),
                        serde_json::Value::Array(items) => {
                            out.extend(items.iter().filter_map(|i| i.as_str().map(str::to_owned)))
                        }
                        _ => {}
                    }
                }
                map.values().for_each(|x| collect(x, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|x| collect(x, out)),
            _ => {}
        }
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&read("fixtures/peer-corpus/manifest.json")).unwrap();
    let mut urls = Vec::new();
    for case in manifest["cases"].as_array().unwrap() {
        let file = case["file"].as_str().unwrap();
        // "error" cases are not credentials (one is a schema.org document); they never reach JSON-LD.
        if !file.ends_with(".json") || case["expect"] == "error" {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_slice(&read(&format!("fixtures/peer-corpus/{file}"))).unwrap();
        collect(&v, &mut urls);
    }
    urls.sort();
    urls.dedup();
    assert!(urls.len() >= 5, "{urls:?}");
    for url in &urls {
        assert!(
            wallet_core::contexts::get(url).is_ok(),
            "the peer corpus uses {url}, which is not bundled"
        );
    }
}

#[test]
fn a_plain_doctype_line_is_accepted_but_a_dtd_subset_is_not() {
    // Drawing tools write `<!DOCTYPE svg PUBLIC …>`; it is never fetched, and 1EdTech's baked samples carry it.
    let baked = ok("standards/examples/ob-v3p0/validator-tests/simple-json.svg");
    assert_eq!(baked.baked_as, Some("openbadges:credential"));
    let with_subset = br#"<?xml version="1.0"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [ <!ENTITY x "y"> ]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">
<openbadges:credential verify="a.b.c"/></svg>"#;
    assert!(matches!(
        extract(with_subset, &Limits::default()),
        Err(ImportError::Svg(SvgError::Dtd))
    ));
}
