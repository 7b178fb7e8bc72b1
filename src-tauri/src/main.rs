//! Entry point of the Carnet desktop app; everything else is in the library.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    match carnet_app::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("carnet-app: error: {err}");
            ExitCode::FAILURE
        }
    }
}
