//! The error every command returns: a stable `kind` the UI translates, and an English `message` for logs.

use serde::Serialize;
use specta::Type;

/// A command failure, serialized as `{kind, message}`.
#[derive(Debug, Clone, Serialize, Type, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    /// Stable machine code, e.g. `data_dir.foreign_directory`; the UI branches on it.
    pub kind: String,
    /// Plain-English description, for logs and as a fallback.
    pub message: String,
}

impl CommandError {
    pub fn new(kind: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            message: message.into(),
        }
    }
}

impl From<wallet_core::WalletError> for CommandError {
    fn from(err: wallet_core::WalletError) -> Self {
        Self::new(err.code(), chain(&err))
    }
}

/// The error and its causes on one line, joined by ": " (as the CLI prints them).
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

impl From<tauri::Error> for CommandError {
    fn from(err: tauri::Error) -> Self {
        Self::new("app.internal", err.to_string())
    }
}
