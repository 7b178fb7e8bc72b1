//! Standard output for every command. A reader that goes away early (`carnet list | head`) ends the command
//! quietly with status 141, as a shell reports a command stopped by a closed pipe (128 + SIGPIPE); never a panic.
//!
//! `println!` panics when standard output is a closed pipe (Rust ignores SIGPIPE), so the CLI prints only through
//! here: `clippy::print_stdout` is denied for the whole binary.

use std::io::Write;

/// Exit status when standard output was closed before the command finished writing (128 + SIGPIPE). It is none
/// of `carnet verify`'s 0 / 1 / 2, so a script never mistakes an unfinished run for a verdict.
pub const CLOSED_STDOUT_EXIT: i32 = 141;

/// Writes `bytes` to standard output and flushes them. When the reader has gone, the process ends at once with
/// [`CLOSED_STDOUT_EXIT`] and nothing on stderr: what a command had stored is already durable (writes are flushed
/// before anything is printed about them). Any other write error (a full disk behind a redirection) is one error
/// line and exit 1.
pub fn bytes(bytes: &[u8]) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(CLOSED_STDOUT_EXIT);
        }
        eprintln!("carnet: error: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}

/// Writes `text` as it is.
pub fn text(text: &str) {
    bytes(text.as_bytes());
}

/// Writes `text` and a newline.
pub fn line(text: &str) {
    let mut with_newline = String::with_capacity(text.len() + 1);
    with_newline.push_str(text);
    with_newline.push('\n');
    bytes(with_newline.as_bytes());
}
