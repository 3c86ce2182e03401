//! `downwatch-window`: the history window. Everything is in the library.

// No console window on Windows.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    downwatch_window::run()
}
