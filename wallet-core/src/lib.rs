//! wallet-core: everything Carnet knows about a learner's wallet, behind the [`Wallet`] facade.
//!
//! This crate knows nothing of Tauri, of the CLI or of UI strings: it returns typed values and
//! error codes, and each interface (the `carnet` CLI, the desktop shell) translates them.
//! See ARCHITECTURE.md at the repository root for the module map and its invariants.

pub mod backup;
pub mod clock;
pub mod collections;
pub mod contexts;
pub mod credentials;
pub mod datadir;
pub mod demo;
pub mod did;
pub mod facts;
pub mod import;
pub mod importer;
pub mod json;
pub mod keys;
pub mod ld;
pub mod net;
pub mod offer;
pub mod overview;
pub mod picture;
pub mod portfolio;
pub mod present;
pub mod profiles;
pub mod qr;
pub mod rdfc;
pub mod secret;
pub mod settings;
pub mod sign;
pub mod store;
pub mod verify;
pub mod view;
pub mod wallet;

pub use clock::{Clock, FixedClock, SystemClock};
pub use datadir::{default_data_dir, DataDirError, FORMAT_VERSION, HEADER_FILE, LOCK_FILE};
pub use secret::Passphrase;
pub use settings::Settings;
pub use store::vault::{keyring_status, KdfParams, NewProtection, MIN_PASSPHRASE_CHARS};
pub use view::{
    AddOutcome, CredentialSummary, ExportReport, OpenOutcome, Profile, ProtectionKind, RestoreIssue,
    RestoreReport, WalletInfo, WalletState,
};
pub use wallet::{Wallet, WalletError};

/// The version of this library, which is the version of Carnet.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
