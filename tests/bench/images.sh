#!/usr/bin/env bash
# images.sh URI_FILE OUT_DIR: the two QR decode inputs of the benchmark,
# made the same way on every run (fixed geometry, fixed random seeds, no
# date chunks), with qrencode and ImageMagick 6:
#   screenshot-4k.png  3840x2160 RGB desktop: gradient wallpaper, windows
#                      with lines of "text", one small QR code (4 px modules)
#   photo-12mp.jpg     4000x3000 phone photo: the QR printed on paper, turned,
#                      seen in perspective, soft focus, sensor noise, uneven
#                      light, JPEG quality 88
set -euo pipefail

[ "$#" -eq 2 ] || { echo "usage: images.sh URI_FILE OUT_DIR" >&2; exit 2; }
uri_file=$1
out=$2
for p in qrencode convert; do
	command -v "$p" >/dev/null ||
		{ echo "images.sh: '$p' not found; install the qrencode and imagemagick packages" >&2; exit 1; }
done
mkdir -p "$out"
tmp=$out/.parts
mkdir -p "$tmp"

# ---- 4K screenshot ---------------------------------------------------------
qrencode -l M -s 4 -m 4 -o "$tmp/qr-small.png" <"$uri_file"

# Windows: title bar, body, and grey bars standing for lines of text.  The
# layout is computed, not random, so the image is the same on every run.
draw=()
win() { # x y w h
	local x=$1 y=$2 w=$3 h=$4 ty lw
	draw+=(-fill '#00000040' -draw "rectangle $((x + 8)),$((y + 8)) $((x + w + 8)),$((y + h + 8))")
	draw+=(-fill '#fafafa' -draw "rectangle $x,$y $((x + w)),$((y + h))")
	draw+=(-fill '#3c3f41' -draw "rectangle $x,$y $((x + w)),$((y + 36))")
	for ((ty = y + 70; ty < y + h - 30; ty += 34)); do
		lw=$(((ty * 7919 + x * 104729) % (w - 120) + 80))
		draw+=(-fill '#5f6368' -draw "rectangle $((x + 40)),$ty $((x + 40 + lw)),$((ty + 14))")
	done
}
win 120 90 1500 980
win 1750 160 1900 1150
win 300 1200 1300 820
win 2650 1250 1050 800
convert -size 3840x2160 gradient:'#1d3557-#457b9d' \
	-fill '#e63946' -draw 'circle 3300,300 3300,520' \
	"${draw[@]}" \
	-fill '#202124' -draw 'rectangle 0,2100 3840,2160' \
	"$tmp/qr-small.png" -geometry +3050+1480 -composite \
	-strip -define png:exclude-chunk=date,time -define png:compression-level=6 \
	"PNG24:$out/screenshot-4k.png"

# ---- 12 MP phone photo -------------------------------------------------------
qrencode -l M -s 24 -m 4 -o "$tmp/qr-big.png" <"$uri_file"
# Paper with the code, turned and seen at an angle (distorted alone: cheap),
# on a desk texture made small and scaled up (plasma or -resize at 12 MP
# take ImageMagick 6 tens of seconds; -scale takes one).
convert "$tmp/qr-big.png" -bordercolor white -border 160 \
	-background '#00000000' -rotate 7 \
	-virtual-pixel transparent -distort Perspective \
	'0,0 40,90  1600,0 1560,0  0,1600 0,1600  1600,1600 1540,1560' \
	"$tmp/paper.png"
convert -seed 11 -size 500x375 plasma:'#8d6e63-#5d4037' -blur 0x2 \
	-scale 4000x3000! "$tmp/desk.png"
convert "$tmp/desk.png" "$tmp/paper.png" -gravity center -geometry -150+80 -composite \
	-blur 0x1.2 \
	\( -size 4000x3000 radial-gradient:'#ffffff-#8a8a8a' \) -compose multiply -composite \
	-seed 5 -attenuate 0.25 +noise Gaussian \
	-strip -quality 88 -sampling-factor 2x2 "$out/photo-12mp.jpg"

rm -rf "$tmp"
