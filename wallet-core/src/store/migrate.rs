//! Format migrations: each step upgrades a wallet written by an older Carnet by exactly one format version.
//!
//! The header's `version` says which format a wallet uses. On open, [`migrate`] applies the registered steps
//! in order, starting from that version, on the parsed header (and, through the folder path, on any file
//! the step needs to rewrite). The caller keeps a copy of the old header and writes the new one atomically,
//! so a failed migration leaves the wallet as it was.

use std::path::Path;

use serde_json::Value;

/// Why a wallet could not be brought up to the current format.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrationError {
    /// No step is registered from this version.
    #[error("no migration from wallet format {from} is known to this Carnet")]
    NoPath { from: u32 },
    /// A step failed; the wallet was left unchanged.
    #[error("migrating the wallet from format {from} failed: {reason}")]
    Failed { from: u32, reason: String },
}

/// One migration step, from `from` to `from + 1`.
#[derive(Clone, Copy)]
pub struct Migration {
    pub from: u32,
    /// Rewrites the parsed header in place; may also rewrite files in the data folder.
    pub apply: fn(&mut Value, &Path) -> Result<(), String>,
}

impl std::fmt::Debug for Migration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Migration {{ from: {} }}", self.from)
    }
}

/// The steps this Carnet knows. Format 1 is the first released format, so there are none yet; the next format
/// change adds its step here (and a test like the fake v0 → v1 one in this file).
pub const MIGRATIONS: &[Migration] = &[];

/// Applies steps until `header` is at `target`; returns the versions migrated from, in order.
pub fn migrate(
    header: &mut Value,
    mut version: u32,
    target: u32,
    dir: &Path,
    steps: &[Migration],
) -> Result<Vec<u32>, MigrationError> {
    let mut applied = Vec::new();
    while version < target {
        let step = steps
            .iter()
            .find(|m| m.from == version)
            .ok_or(MigrationError::NoPath { from: version })?;
        (step.apply)(header, dir).map_err(|reason| MigrationError::Failed {
            from: version,
            reason,
        })?;
        version += 1;
        if let Some(obj) = header.as_object_mut() {
            obj.insert("version".into(), Value::from(version));
        }
        applied.push(step.from);
    }
    Ok(applied)
}
