//! Entry point of the Carnet desktop app; everything else is in the library.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    #[cfg(target_os = "linux")]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        eprintln!("carnet-app: no display (DISPLAY and WAYLAND_DISPLAY are unset); use the 'carnet' command instead");
        return ExitCode::FAILURE;
    }
    match carnet_app::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("carnet-app: error: {err}");
            ExitCode::FAILURE
        }
    }
}
