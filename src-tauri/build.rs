//! Tauri's build step: reads tauri.conf.json and the capabilities, and declares the app's own
//! commands, so each gets a permission (`allow-api`, `allow-start-at`) that
//! capabilities/main.json must grant: a command not granted there cannot be called.

fn main() {
    let commands = tauri_build::AppManifest::new().commands(&["api", "start_at"]);
    if let Err(error) =
        tauri_build::try_build(tauri_build::Attributes::new().app_manifest(commands))
    {
        println!("cargo::error=tauri-build: {error:#}");
    }
}
