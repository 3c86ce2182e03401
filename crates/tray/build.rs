//! Turns the committed tray PNGs (`icons/tray/<state>-<size>.png`) into the ARGB32 pixmaps
//! StatusNotifierItem hosts want (`IconPixmap`: width, height, ARGB32 in network byte
//! order), so the resident decodes nothing at run time and carries no PNG decoder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Must match `IconState::ALL` and `icon::SIZES` in `src/icon.rs`.
const STATES: [&str; 8] = [
    "up",
    "degraded",
    "unstable",
    "down",
    "offline",
    "paused",
    "starting",
    "maintenance",
];
const SIZES: [u32; 5] = [16, 22, 24, 32, 48];

fn main() {
    // Read when the script runs, not when it is compiled: cargo may reuse one compiled
    // script for another checkout of the same workspace sharing the target directory.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let icons = Path::new(&manifest).join("../../icons/tray");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo::rerun-if-changed={}", icons.display());
    let mut table = String::from("[\n");
    for state in STATES {
        table.push_str("    [\n");
        for size in SIZES {
            let name = format!("{state}-{size}");
            let png = icons.join(format!("{name}.png"));
            let argb = argb(&png, size);
            std::fs::write(out.join(format!("{name}.argb")), argb).expect("write a pixmap");
            writeln!(
                table,
                "        ({size}, include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{name}.argb\"))),"
            )
            .expect("a String takes writes");
        }
        table.push_str("    ],\n");
    }
    table.push_str("]\n");
    std::fs::write(out.join("pixmaps.rs"), table).expect("write the pixmap table");
}

/// The PNG at `path` (`size` × `size`) as ARGB32, big-endian.
fn argb(path: &Path, size: u32) -> Vec<u8> {
    let file = std::fs::File::open(path)
        .unwrap_or_else(|e| panic!("{}: {e} (run icons/generate.sh)", path.display()));
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder
        .read_info()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut buf = vec![0; reader.output_buffer_size().expect("a small image")];
    let info = reader
        .next_frame(&mut buf)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        info.width == size && info.height == size,
        "{} is {}x{}, not {size}x{size}",
        path.display(),
        info.width,
        info.height
    );
    let pixels = &buf[..info.buffer_size()];
    let mut out = Vec::with_capacity(pixels.len() / 3 * 4);
    let mut push = |r: u8, g: u8, b: u8, a: u8| out.extend_from_slice(&[a, r, g, b]);
    match info.color_type {
        png::ColorType::Rgba => pixels
            .chunks_exact(4)
            .for_each(|p| push(p[0], p[1], p[2], p[3])),
        png::ColorType::Rgb => pixels
            .chunks_exact(3)
            .for_each(|p| push(p[0], p[1], p[2], 255)),
        png::ColorType::GrayscaleAlpha => pixels
            .chunks_exact(2)
            .for_each(|p| push(p[0], p[0], p[0], p[1])),
        png::ColorType::Grayscale => pixels.iter().for_each(|&v| push(v, v, v, 255)),
        png::ColorType::Indexed => panic!("{}: palette not expanded", path.display()),
    }
    out
}
