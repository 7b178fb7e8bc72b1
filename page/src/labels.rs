//! Every text the page shows, in French (Québec) and English. Wording shared with the app (verdicts, checks,
//! issuer identity, the picture note, dates' labels) is copied from `ui/src/lib/i18n/{en,fr}.ts`, and a test
//! holds the two to the same words. `{name}`-style placeholders are filled by `html::fill`, which escapes what
//! goes in.

/// Declares [`Labels`] and its list of every (key, text) pair from one field list, so the list cannot miss one.
macro_rules! labels {
    ($($field:ident),* $(,)?) => {
        /// Every text of the page in one language (`{placeholder}`s filled at render time).
        #[derive(Debug)]
        pub(crate) struct Labels {
            $(pub $field: &'static str,)*
        }

        impl Labels {
            /// Every label with its key, in declaration order.
            #[cfg_attr(not(test), allow(dead_code))]
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($field), self.$field),)*]
            }
        }
    };
}

labels! {
    title,
    title_anonymous,
    lead,
    lead_anonymous,
    generated,
    credentials_heading,
    empty,
    issued_by,
    awarded,
    valid_until,
    skills,
    verification,
    verification_on,
    verdict_valid,
    verdict_valid_partial,
    verdict_invalid,
    verdict_indeterminate,
    verdict_error,
    verdict_none,
    identity_domain_confirmed,
    identity_domain_unconfirmed,
    identity_key_only,
    identity_unverified,
    identity_help,
    picture_from_file,
    check_format,
    check_schema,
    check_proof,
    check_issuer_binding,
    check_dates,
    check_status,
    check_endorsements,
    check_recipient,
    check_holder,
    outcome_passed,
    outcome_failed,
    outcome_skipped,
    outcome_unchecked,
    reasons_quoted,
    qr_alt,
    qr_caption,
    how_heading,
    how_presentation,
    how_qr,
    how_missing,
    presentation_heading,
    holder,
    made_for,
    challenge,
    show_text,
    save_as,
    print_note,
}

/// English.
pub(crate) const EN: Labels = Labels {
    title: "Portfolio of {name}",
    title_anonymous: "Portfolio",
    lead: "Badges and attestations of {name}, each with the result of its verification on the date shown.",
    lead_anonymous: "Badges and attestations, each with the result of its verification on the date shown.",
    generated: "Made with Carnet on {date}.",
    credentials_heading: "Credentials",
    empty: "No credential was chosen for this page.",
    issued_by: "Issued by",
    awarded: "Awarded",
    valid_until: "Valid until",
    skills: "Skills",
    verification: "Verification",
    verification_on: "Verification on {date}",
    verdict_valid: "Verified",
    verdict_valid_partial: "Valid, not fully checked",
    verdict_invalid: "Not valid",
    verdict_indeterminate: "Could not be checked",
    verdict_error: "Unreadable",
    verdict_none: "Not checked",
    identity_domain_confirmed: "{domain}, confirmed",
    identity_domain_unconfirmed: "{domain}, not confirmed",
    identity_key_only: "self-named, key only",
    identity_unverified: "identity not checked",
    identity_help: "An issuer writes its own name. Carnet shows who vouches for it: a web domain whose own documents hold the signing key (confirmed), or only a key.",
    picture_from_file: "Picture from the file: the issuer’s signature does not cover it.",
    check_format: "Readable credential",
    check_schema: "Required information",
    check_proof: "Signature",
    check_issuer_binding: "Signed by its issuer",
    check_dates: "Validity dates",
    check_status: "Revocation",
    check_endorsements: "Endorsements",
    check_recipient: "Issued to you",
    check_holder: "Presented by its holder",
    outcome_passed: "Passed",
    outcome_failed: "Failed",
    outcome_skipped: "Not checked",
    outcome_unchecked: "Could not be checked",
    reasons_quoted: "Technical reasons are quoted as Carnet’s verifier gives them.",
    qr_alt: "QR code of this credential, for a verifier’s app",
    qr_caption: "Scan with a verifier’s app to check this credential.",
    how_heading: "How to check this portfolio",
    how_presentation: "This page comes with a signed presentation of these credentials, made by the learner’s wallet: the credentials exactly as their issuers signed them, signed in turn by the learner. Save it or copy its text below, then check it with any verifier of W3C verifiable credentials (for example the command {command}). The text and pictures on this page are only a readable copy; the signatures are what count.",
    how_qr: "On paper: scan a credential’s QR code with a verifier’s app.",
    how_missing: "No signed presentation comes with this page: ask the learner for one to check these credentials.",
    presentation_heading: "Signed presentation",
    holder: "Holder",
    made_for: "Made for",
    challenge: "Challenge",
    show_text: "Show its text ({size})",
    save_as: "Save it as {file}",
    print_note: "The signed presentation comes with the electronic version of this page (HTML file).",
};

/// Français (Québec).
pub(crate) const FR: Labels = Labels {
    title: "Portfolio de {name}",
    title_anonymous: "Portfolio",
    lead: "Badges et attestations de {name}, chacun avec le résultat de sa vérification à la date indiquée.",
    lead_anonymous: "Badges et attestations, chacun avec le résultat de sa vérification à la date indiquée.",
    generated: "Produit avec Carnet le {date}.",
    credentials_heading: "Attestations",
    empty: "Aucune attestation n’a été choisie pour cette page.",
    issued_by: "Émis par",
    awarded: "Décerné le",
    valid_until: "Valide jusqu’au",
    skills: "Compétences",
    verification: "Vérification",
    verification_on: "Vérification du {date}",
    verdict_valid: "Vérifié",
    verdict_valid_partial: "Valide, vérification incomplète",
    verdict_invalid: "Non valide",
    verdict_indeterminate: "Vérification impossible",
    verdict_error: "Illisible",
    verdict_none: "Non vérifié",
    identity_domain_confirmed: "{domain}, confirmé",
    identity_domain_unconfirmed: "{domain}, non confirmé",
    identity_key_only: "nom déclaré, clé seulement",
    identity_unverified: "identité non vérifiée",
    identity_help: "Un émetteur écrit lui-même son nom. Carnet montre qui s’en porte garant : un domaine Web dont les documents contiennent la clé de signature (confirmé), ou seulement une clé.",
    picture_from_file: "Image tirée du fichier : la signature de l’émetteur ne la couvre pas.",
    check_format: "Attestation lisible",
    check_schema: "Renseignements requis",
    check_proof: "Signature numérique",
    check_issuer_binding: "Signée par son émetteur",
    check_dates: "Dates de validité",
    check_status: "Révocation",
    check_endorsements: "Recommandations",
    check_recipient: "Décernée à vous",
    check_holder: "Présentée par son titulaire",
    outcome_passed: "Réussi",
    outcome_failed: "Échoué",
    outcome_skipped: "Non vérifié",
    outcome_unchecked: "Impossible à vérifier",
    reasons_quoted: "Les raisons techniques sont citées telles que le vérificateur de Carnet les donne (en anglais).",
    qr_alt: "Code QR de cette attestation, pour l’application d’un vérificateur",
    qr_caption: "Lisez ce code avec l’application d’un vérificateur pour contrôler cette attestation.",
    how_heading: "Comment vérifier ce portfolio",
    how_presentation: "Cette page est accompagnée d’une présentation signée de ces attestations, faite par le portefeuille de la personne titulaire : les attestations telles que leurs émetteurs les ont signées, signées à leur tour par la personne titulaire. Enregistrez-la ou copiez son texte ci-dessous, puis vérifiez-la avec tout vérificateur d’attestations vérifiables W3C (par exemple la commande {command}). Le texte et les images de cette page n’en sont qu’une copie lisible; ce sont les signatures qui font foi.",
    how_qr: "Sur papier : lisez le code QR d’une attestation avec l’application d’un vérificateur.",
    how_missing: "Aucune présentation signée n’accompagne cette page : demandez-en une à la personne titulaire pour vérifier ces attestations.",
    presentation_heading: "Présentation signée",
    holder: "Titulaire",
    made_for: "Destinée à",
    challenge: "Défi",
    show_text: "Afficher son texte ({size})",
    save_as: "L’enregistrer sous {file}",
    print_note: "La présentation signée accompagne la version électronique de cette page (fichier HTML).",
};

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Labels that are rightly the same word in both languages.
    const SAME_IN_BOTH: &[&str] = &["title_anonymous"];

    fn placeholders(text: &str) -> BTreeSet<&str> {
        let mut out = BTreeSet::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            out.insert(&rest[open + 1..open + close]);
            rest = &rest[open + close + 1..];
        }
        out
    }

    #[test]
    fn both_languages_have_every_label_filled_and_translated() {
        let (en, fr) = (EN.entries(), FR.entries());
        assert_eq!(en.len(), fr.len());
        assert!(en.len() >= 50, "the field list lost labels: {}", en.len());
        for ((key, e), (key_fr, f)) in en.iter().zip(&fr) {
            assert_eq!(key, key_fr);
            assert!(!e.trim().is_empty(), "English {key} is empty");
            assert!(!f.trim().is_empty(), "French {key} is empty");
            assert_eq!(placeholders(e), placeholders(f), "{key}: placeholders differ");
            if SAME_IN_BOTH.contains(key) {
                assert_eq!(e, f, "{key} is listed as the same in both languages");
            } else {
                assert_ne!(e, f, "{key} is not translated");
            }
        }
    }

    #[test]
    fn no_label_uses_a_straight_apostrophe_or_markup() {
        for (lang, labels) in [("en", EN.entries()), ("fr", FR.entries())] {
            for (key, text) in labels {
                assert!(!text.contains('\''), "{lang} {key}: use ’, not '");
                assert!(
                    !text.contains(['<', '>', '&', '"']),
                    "{lang} {key}: labels are plain text"
                );
            }
        }
    }

    /// The words the app uses for the same things, as its catalogues write them (a `{x}` placeholder here is
    /// `${x}` there): if one side changes, this fails until the other follows.
    #[test]
    fn shared_wording_is_the_apps() {
        let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/i18n");
        let shared = [
            "issued_by",
            "awarded",
            "valid_until",
            "verdict_valid",
            "verdict_valid_partial",
            "verdict_invalid",
            "verdict_indeterminate",
            "verdict_error",
            "verdict_none",
            "identity_domain_confirmed",
            "identity_domain_unconfirmed",
            "identity_key_only",
            "identity_unverified",
            "identity_help",
            "picture_from_file",
            "check_format",
            "check_schema",
            "check_proof",
            "check_issuer_binding",
            "check_dates",
            "check_status",
            "check_endorsements",
            "check_recipient",
            "check_holder",
            "outcome_passed",
            "outcome_failed",
            "outcome_skipped",
            "outcome_unchecked",
        ];
        for (file, labels) in [("en.ts", EN.entries()), ("fr.ts", FR.entries())] {
            let catalogue = std::fs::read_to_string(ui.join(file)).unwrap();
            for key in shared {
                let text = labels.iter().find(|(k, _)| *k == key).unwrap().1;
                let ts = text.replace('{', "${");
                let quoted = [format!("'{ts}'"), format!("`{ts}`")];
                assert!(
                    quoted.iter().any(|q| catalogue.contains(q.as_str())),
                    "{file} does not say {key} as the page does: {text:?}"
                );
            }
        }
    }
}
