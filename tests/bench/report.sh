#!/usr/bin/env bash
# report.sh RAW JSON RUNS: medians of the benchmark's raw "key value" lines,
# printed as a table (figure, ours, baseline, ratio, target, verdict) and
# written as JSON.  Times are in ms, memory in MiB.
set -euo pipefail

[ "$#" -eq 3 ] || { echo "usage: report.sh RAW JSON RUNS" >&2; exit 2; }
raw=$1 out=$2 runs=$3

# Median of all values of KEY ("null" when none).
med() {
	{ grep "^$1 " "$raw" || true; } | cut -d' ' -f2 | sort -n |
		awk '{ v[NR] = $1 } END {
			if (NR == 0) print "null";
			else if (NR % 2) print v[(NR + 1) / 2];
			else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
first() { { grep "^$1 " "$raw" || true; } | head -n 1 | cut -d' ' -f2-; }
count() { { grep -c "^$1 " "$raw" || true; }; }
# calc EXPR with $a $b ...: awk arithmetic, "null" if any input is null.
calc() {
	local expr=$1
	shift
	for v in "$@"; do [ "$v" != null ] || { echo null; return; }; done
	awk -v a="${1:-0}" -v b="${2:-0}" -v c="${3:-0}" "BEGIN { printf \"%.1f\", $expr }"
}
ratio() { [ "$1" != null ] && [ "$2" != null ] && awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "null" }' || echo null; }
# verdict VALUE OP LIMIT: "met" or "MISSED by X" (X in the value's unit).
verdict() {
	[ "$1" != null ] || { echo "not measured"; return; }
	awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
		ok = (op == "<" ? v < l : v <= l);
		if (ok) print "met"; else printf "MISSED by %.1f\n", v - l }'
}

ms() { calc 'a / 1000' "$1"; }
# How the (bounded) stock OpenSC run ended.
stock_note() {
	case "$1" in
	'') echo "not measured" ;;
	0) echo "exit 0" ;;
	124) echo "cut off at the bound" ;;
	*) echo "exit $1" ;;
	esac
}
mib() { calc 'a / 1024' "$1"; }

# ---- figures ----------------------------------------------------------------
b_tool=$(ms "$(med burn.tool.wall_us)")
b_plain=$(ms "$(med burn.plain.wall_us)")
b_over=$(calc 'a - b' "$b_tool" "$b_plain")
b_apdu_tool=$(med burn.tool.apdus)
b_apdu_plain=$(med burn.plain.apdus)
b_apdu_ms=$(ms "$(med burn.plain.apdu_us)")

b_tool_cpu=$(ms "$(med burn.tool.cpu_us)")
b_floor=$(ms "$(med burn.floor.wall_us)")
b_plain_cpu=$(ms "$(med burn.plain.cpu_us)")

q_shot_t=$(ms "$(med qr.shot.tool.wall_us)")
q_shot_z=$(ms "$(med qr.shot.zbar.wall_us)")
q_photo_t=$(ms "$(med qr.photo.tool.wall_us)")
q_photo_z=$(ms "$(med qr.photo.zbar.wall_us)")
q_shot_tc=$(ms "$(med qr.shot.tool.cpu_us)")
q_shot_zc=$(ms "$(med qr.shot.zbar.cpu_us)")
q_photo_tc=$(ms "$(med qr.photo.tool.cpu_us)")
q_photo_zc=$(ms "$(med qr.photo.zbar.cpu_us)")

p_ours=$(ms "$(med p11.ours.wall_us)")
p_stock=$(ms "$(med p11.stock.wall_us)")
p_ours_apdu=$(med p11.ours.apdus)
p_stock_apdu=$(med p11.stock.apdus)
p_stock_st=$(first p11.stock.status)
o_ours=$(ms "$(med osc.ours.wall_us)")
o_stock=$(ms "$(med osc.stock.wall_us)")
o_ours_apdu=$(med osc.ours.apdus)
o_stock_apdu=$(med osc.stock.apdus)
o_stock_st=$(first osc.stock.status)
o_floor=$(ms "$(med osc.floor.wall_us)")
p_floor=$(ms "$(med p11.floor.wall_us)")
p_ours_cpu=$(ms "$(med p11.ours.cpu_us)")
p_stock_cpu=$(ms "$(med p11.stock.cpu_us)")
o_ours_cpu=$(ms "$(med osc.ours.cpu_us)")
o_stock_cpu=$(ms "$(med osc.stock.cpu_us)")

k_arr=$(ms "$(med batch.tool.arrival_us)")
k_det=$(ms "$(med batch.detect.arrival_us)")
k_total=$(med batch.tool.total_us)
k_n=$(first batch.tokens)
k_beyond=$(calc 'a - b' "$k_arr" "$b_apdu_ms")
k_after=$(ms "$(med batch.tool.after_detect_us)")
k_tool_only=$(calc 'a - b' "$k_after" "$b_apdu_ms")
k_per_min=$(calc '60000000 * b / a' "$k_total" "${k_n:-null}")
k_sleeps=$(first batch.sleep_calls); k_sleeps=${k_sleeps:-null}
k_polls=$(first batch.timed_waits); k_polls=${k_polls:-null}
k_conns=$(first batch.pcscd_connects); k_conns=${k_conns:-null}

m_burn=$(mib "$(med burn.tool.rss_kib)")
m_plain=$(mib "$(med burn.plain.rss_kib)")
m_p11=$(mib "$(med p11.ours.rss_kib)")
m_p11_stock=$(mib "$(med p11.stock.rss_kib)")
m_qr=$(mib "$(med qr.photo.tool.rss_kib)")
m_qr_z=$(mib "$(med qr.photo.zbar.rss_kib)")

# ---- table --------------------------------------------------------------------
row() { printf '%-34s %10s %10s %8s  %-12s %s\n' "$@"; }
echo
echo "safeid benchmark: medians of $runs runs (stock OpenSC: $(count p11.stock.wall_us) run(s)); ms unless noted"
row "figure" "ours" "baseline" "ratio" "target" "verdict"
row "burn: wall time (vs plain-burn)" "$b_tool" "$b_plain" "$(ratio "$b_tool" "$b_plain")" "" ""
row "burn: tool overhead" "$b_over" "" "" "< 20" "$(verdict "$b_over" '<' 20)"
row "burn: APDUs (protocol min 6)" "$b_apdu_tool" "$b_apdu_plain" "" "6" "$(verdict "$b_apdu_tool" '<=' 6)"
row "burn: APDU time (plain client)" "$b_apdu_ms" "" "" "" ""
row "burn: tool start-up (--version)" "$b_floor" "" "" "" "(part of the overhead)"
row "burn: CPU time (vs plain-burn)" "$b_tool_cpu" "$b_plain_cpu" "$(ratio "$b_tool_cpu" "$b_plain_cpu")" "" "(load-independent)"
row "QR 4K screenshot (vs zbarimg)" "$q_shot_t" "$q_shot_z" "$(ratio "$q_shot_t" "$q_shot_z")" "<=1.0,<300" \
	"ratio $(verdict "$(ratio "$q_shot_t" "$q_shot_z")" '<=' 1.0); time $(verdict "$q_shot_t" '<' 300)"
row "QR 12 MP photo (vs zbarimg)" "$q_photo_t" "$q_photo_z" "$(ratio "$q_photo_t" "$q_photo_z")" "<=1.0" \
	"$(verdict "$(ratio "$q_photo_t" "$q_photo_z")" '<=' 1.0)"
row "QR 4K screenshot, CPU time" "$q_shot_tc" "$q_shot_zc" "$(ratio "$q_shot_tc" "$q_shot_zc")" "" "(load-independent)"
row "QR 12 MP photo, CPU time" "$q_photo_tc" "$q_photo_zc" "$(ratio "$q_photo_tc" "$q_photo_zc")" "" "(load-independent)"
row "pkcs11-tool -L, 2 tokens" "$p_ours" "$p_stock" "$(ratio "$p_ours" "$p_stock")" "< 100" \
	"$(verdict "$p_ours" '<' 100) (stock: $(stock_note "$p_stock_st"))"
row "  APDUs" "$p_ours_apdu" "$p_stock_apdu" "" "" ""
row "  CPU time" "$p_ours_cpu" "$p_stock_cpu" "$(ratio "$p_ours_cpu" "$p_stock_cpu")" "" ""
row "  pkcs11-tool floor (-I)" "$p_floor" "" "" "" "(module loaded, no slot calls)"
row "opensc-tool -n" "$o_ours" "$o_stock" "$(ratio "$o_ours" "$o_stock")" "< 200" \
	"$(verdict "$o_ours" '<' 200) (stock: $(stock_note "$o_stock_st"))"
row "  APDUs" "$o_ours_apdu" "$o_stock_apdu" "" "" ""
row "  CPU time" "$o_ours_cpu" "$o_stock_cpu" "$(ratio "$o_ours_cpu" "$o_stock_cpu")" "" ""
row "  OpenSC floor (--list-readers)" "$o_floor" "" "" "" "(no card, no driver work)"
row "batch: arrival -> burn done" "$k_arr" "" "" "" ""
row "batch: beyond APDU time" "$k_beyond" "" "" "< 150" "$(verdict "$k_beyond" '<' 150)"
row "batch: PC/SC card detection" "$k_det" "" "" "" "(same swap, own SCardGetStatusChange)"
row "batch: PC/SC saw card -> done" "$k_after" "" "" "" ""
row "batch: that, beyond APDU time" "$k_tool_only" "" "" "< 150" "$(verdict "$k_tool_only" '<' 150) (the tool's own share)"
row "batch: tokens per minute" "$k_per_min" "" "" "" "($k_n tokens)"
row "batch: sleeps / timed waits" "$k_sleeps / $k_polls" "" "" "0 sleeps" "$(verdict "$k_sleeps" '<=' 0) (strace of one burn --wait)"
row "batch: pcscd connections/burn" "$k_conns" "" "" "" "(one per SCardEstablishContext)"
row "peak RSS burn, MiB (vs plain)" "$m_burn" "$m_plain" "$(ratio "$m_burn" "$m_plain")" "< 16" "$(verdict "$m_burn" '<' 16)"
row "peak RSS pkcs11-tool -L, MiB" "$m_p11" "$m_p11_stock" "$(ratio "$m_p11" "$m_p11_stock")" "" "(vs opensc-pkcs11)"
row "peak RSS scan 12 MP, MiB" "$m_qr" "$m_qr_z" "$(ratio "$m_qr" "$m_qr_z")" "" "(vs zbarimg)"

# ---- JSON ---------------------------------------------------------------------
commit=$(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo unknown)
load=$(cut -d' ' -f1-3 /proc/loadavg)
cat >"$out" <<EOF
{
  "runs": $runs,
  "commit": "$commit",
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "host": {"cpus": $(nproc), "loadavg": "$load"},
  "units": {"time": "ms", "memory": "MiB"},
  "burn": {"tool_ms": $b_tool, "plain_client_ms": $b_plain, "ratio": $(ratio "$b_tool" "$b_plain"),
           "overhead_ms": $b_over, "overhead_target_ms": 20,
           "apdus_tool": $b_apdu_tool, "apdus_plain": $b_apdu_plain, "apdus_min": 6,
           "apdu_time_ms": $b_apdu_ms, "tool_cpu_ms": $b_tool_cpu, "tool_startup_ms": $b_floor, "plain_client_cpu_ms": $b_plain_cpu},
  "qr": {"screenshot_4k": {"tool_ms": $q_shot_t, "zbarimg_ms": $q_shot_z, "ratio": $(ratio "$q_shot_t" "$q_shot_z"),
                           "tool_cpu_ms": $q_shot_tc, "zbarimg_cpu_ms": $q_shot_zc,
                           "target_ratio": 1.0, "target_ms": 300},
         "photo_12mp": {"tool_ms": $q_photo_t, "zbarimg_ms": $q_photo_z, "ratio": $(ratio "$q_photo_t" "$q_photo_z"),
                        "tool_cpu_ms": $q_photo_tc, "zbarimg_cpu_ms": $q_photo_zc,
                        "target_ratio": 1.0}},
  "pkcs11_list": {"ours_ms": $p_ours, "stock_opensc_ms": $p_stock, "ratio": $(ratio "$p_ours" "$p_stock"),
                  "ours_apdus": $p_ours_apdu, "stock_apdus": $p_stock_apdu, "stock_exit": ${p_stock_st:-null},
                  "ours_cpu_ms": $p_ours_cpu, "stock_cpu_ms": $p_stock_cpu, "pkcs11_tool_floor_ms": $p_floor,
                  "stock_runs": $(count p11.stock.wall_us), "target_ms": 100},
  "opensc_name": {"ours_ms": $o_ours, "stock_ms": $o_stock, "ratio": $(ratio "$o_ours" "$o_stock"),
                  "ours_apdus": $o_ours_apdu, "stock_apdus": $o_stock_apdu, "stock_exit": ${o_stock_st:-null},
                  "ours_cpu_ms": $o_ours_cpu, "stock_cpu_ms": $o_stock_cpu, "opensc_floor_ms": $o_floor,
                  "stock_runs": $(count osc.stock.wall_us), "target_ms": 200},
  "batch": {"tokens": ${k_n:-null}, "arrival_to_done_ms": $k_arr, "beyond_apdu_ms": $k_beyond,
            "target_beyond_apdu_ms": 150, "pcsc_detect_ms": $k_det, "after_detect_ms": $k_after,
            "after_detect_beyond_apdu_ms": $k_tool_only,
            "tokens_per_minute": $k_per_min, "sleep_calls": $k_sleeps, "timed_waits": $k_polls,
            "pcscd_connections_per_burn": $k_conns},
  "memory": {"burn_peak_rss_mib": $m_burn, "plain_burn_peak_rss_mib": $m_plain, "burn_target_mib": 16,
             "pkcs11_tool_ours_mib": $m_p11, "pkcs11_tool_stock_mib": $m_p11_stock,
             "scan_photo_mib": $m_qr, "zbarimg_photo_mib": $m_qr_z}
}
EOF
echo
echo "JSON: $out"
