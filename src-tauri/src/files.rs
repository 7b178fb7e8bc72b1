//! The files the app writes and reads for the learner (presentations, QR codes, pages, a presentation someone
//! gave them): a new file only, never over an existing one, flushed before it is reported saved; a file read
//! only up to a size limit.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::CommandError;

/// A path the learner chose or typed, checked: absolute (a typed relative path would land in whatever folder the
/// app was started from).
pub fn chosen_path(path: &str) -> Result<PathBuf, CommandError> {
    let path = PathBuf::from(path.trim());
    if path.as_os_str().is_empty() || !path.is_absolute() {
        return Err(CommandError::new(
            "file.not_absolute",
            format!(
                "{} is not a full path (from the root of the disk)",
                path.display()
            ),
        ));
    }
    Ok(path)
}

/// Writes `bytes` to a new file at `path` and flushes it to disk; an existing file (or anything else at that path)
/// is refused and left as it was. A partly written file is removed.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<u64, CommandError> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => CommandError::new(
                "file.exists",
                format!(
                    "{} already exists: Carnet never writes over a file",
                    path.display()
                ),
            ),
            _ => CommandError::new(
                "file.write_failed",
                format!("cannot create {}: {e}", path.display()),
            ),
        })?;
    if let Err(e) = file.write_all(bytes).and_then(|()| file.sync_all()) {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(CommandError::new(
            "file.write_failed",
            format!("cannot write {}: {e}", path.display()),
        ));
    }
    Ok(bytes.len() as u64)
}

/// A file's bytes, at most `limit` of them: a larger file is refused, a folder too.
pub fn read_limited(path: &Path, limit: usize) -> Result<Vec<u8>, CommandError> {
    if path.is_dir() {
        return Err(CommandError::new(
            "file.read_failed",
            format!("{} is a folder, not a file", path.display()),
        ));
    }
    let bytes = wallet_core::import::read_bounded(path, limit)
        .map_err(|reason| CommandError::new("file.read_failed", reason))?;
    if bytes.len() > limit {
        return Err(CommandError::new(
            "file.too_large",
            format!("{} is larger than {limit} bytes", path.display()),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_new_file_is_written_and_an_existing_one_is_never_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("vp.json");
        assert_eq!(write_new(&path, b"first").unwrap(), 5);
        let err = write_new(&path, b"second").unwrap_err();
        assert_eq!(err.kind, "file.exists");
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        let err = write_new(&tmp.path().join("missing/vp.json"), b"x").unwrap_err();
        assert_eq!(err.kind, "file.write_failed");
    }

    #[test]
    fn typed_paths_must_be_full_paths() {
        assert_eq!(chosen_path("vp.json").unwrap_err().kind, "file.not_absolute");
        assert_eq!(chosen_path("  ").unwrap_err().kind, "file.not_absolute");
        assert!(chosen_path("/tmp/vp.json").is_ok());
    }

    #[test]
    fn reading_stops_at_the_limit() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("big.json");
        std::fs::write(&path, vec![b'x'; 2048]).unwrap();
        assert_eq!(read_limited(&path, 2048).unwrap().len(), 2048);
        assert_eq!(read_limited(&path, 2047).unwrap_err().kind, "file.too_large");
        assert_eq!(read_limited(tmp.path(), 10).unwrap_err().kind, "file.read_failed");
    }
}
