#!/usr/bin/env bash
# Regenerates every PNG under icons/ from the SVG sources in icons/src/, and the preview strip.
# Needs rsvg-convert (Debian: librsvg2-bin) and ImageMagick's convert (imagemagick).
# The PNGs are committed, so building or testing Downwatch never needs these tools.
set -euo pipefail
cd "$(dirname "$0")"

# Tray states, one source each; panels ask for 16-24 px, HiDPI panels for 32-48 px.
states=(up degraded unstable down offline paused starting maintenance)
tray_sizes=(16 22 24 32 48)
# The launcher / .deb icon (hicolor sizes; Tauri's bundler takes 32, 128 and 256).
app_sizes=(16 32 48 64 128 256 512)

mkdir -p tray app
for state in "${states[@]}"; do
  for size in "${tray_sizes[@]}"; do
    rsvg-convert -w "$size" -h "$size" "src/$state.svg" -o "tray/$state-$size.png"
  done
done
for size in "${app_sizes[@]}"; do
  rsvg-convert -w "$size" -h "$size" src/downwatch.svg -o "app/downwatch-$size.png"
done

# preview.png: every state at every tray size on a light and a dark panel colour, to look at.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
strips=()
for bg in '#f0f0f0' '#202124'; do
  rows=()
  for size in "${tray_sizes[@]}"; do
    files=()
    for state in "${states[@]}"; do files+=("tray/$state-$size.png"); done
    convert -background "$bg" -bordercolor "$bg" "${files[@]}" -border 5 +append "$tmp/row-$size-${bg:1}.png"
    rows+=("$tmp/row-$size-${bg:1}.png")
  done
  convert -background "$bg" "${rows[@]}" -gravity west -append "$tmp/strip-${bg:1}.png"
  strips+=("$tmp/strip-${bg:1}.png")
done
convert "${strips[@]}" -append -filter point -resize 200% preview.png
echo "icons regenerated: $(ls tray | wc -l) tray PNGs, $(ls app | wc -l) app PNGs, preview.png"
