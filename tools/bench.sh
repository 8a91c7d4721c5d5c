#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: vpm side by side with the kernel's own paths, in one boot of
# Debian's 6.12 kernel under QEMU (tools/e2e/bench/10-bench.sh), then a
# report in bench/results/: report.md (tables with both paths, the ratio,
# the target and whether it was met), results.csv (every run) and PNG
# plots drawn with gnuplot.
#
#   tools/bench.sh [--reps N]
#   tools/bench.sh [--reps N] --host SMALL BIG EXT4
#
# --host runs the same script on this machine instead, which must run
# Debian's 6.12 kernel with its headers: SMALL (64 MiB or more) and BIG
# (256 MiB or more) are scratch block devices, EXT4 one holding an ext4
# file system with 4 MiB free (names under /dev, like sdb).  Their data is
# overwritten.  The report says where it ran.
#
# Every figure is a ratio of two paths measured in the same boot, or an
# exact count (I/Os from /sys/block/*/stat, bios from vpm's counters);
# timings on TCG are noisy, so each is the median of N runs (default 5)
# with its spread.  Missed targets are reported as missed.
#
# VPM_BENCH_ONLY=GLOB runs only the measurements whose name matches the
# shell glob GLOB (in_kernel_hit_path, freelist_scaling, cached_reads,
# cold_sequential_read_and_write, fragmented_file, memory_footprint,
# mmap_sequential, mmap_random; e.g. VPM_BENCH_ONLY='mmap_*'); the report
# then counts only their targets, and the other tables are left empty.
# VPM_BENCH_OUT=DIR writes the report there instead of bench/results.

set -euo pipefail
VPM_TOOL=bench
. "$(dirname "$0")/lib.sh"

REPS=5
HOST=()
while [ $# -gt 0 ]; do
	case $1 in
	--reps) REPS=$2; shift 2 ;;
	--host) [ $# -ge 4 ] || vpm_die "--host needs SMALL BIG EXT4"
		HOST=("$2" "$3" "$4"); shift 4 ;;
	-h|--help) sed -n '4,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) vpm_die "unknown argument '$1' (see --help)" ;;
	esac
done
ONLY=${VPM_BENCH_ONLY:-*}
OUT=${VPM_BENCH_OUT:-$VPM_ROOT/bench/results}
mkdir -p "$OUT"

# On this machine: vpm.ko and vpm_bench.ko for the running kernel, then
# the guest's script with the paths it needs.
run_host() {
	local d
	for d in "${HOST[@]}"; do
		[ -b "/dev/$d" ] || vpm_die "/dev/$d is not a block device"
		! grep -q "^/dev/$d " /proc/mounts || vpm_die "/dev/$d is mounted"
	done
	[ -d "/lib/modules/$(uname -r)/build" ] ||
		vpm_die "no headers for the running kernel $(uname -r)"
	! [ -e /sys/module/vpm ] || vpm_die "vpm is loaded: unload it first"
	make -s -C "$VPM_ROOT" module tools >&2
	make -s -C "/lib/modules/$(uname -r)/build" M="$VPM_ROOT/bench/module" \
		KBUILD_EXTRA_SYMBOLS="$VPM_ROOT/Module.symvers" modules >&2
	mkdir -p /mnt
	E2E_DIR=$VPM_ROOT/tools/e2e VPM_KO=$VPM_ROOT/vpm.ko \
	BENCH_KO=$VPM_ROOT/bench/module/vpm_bench.ko BENCH_REPS=$REPS \
	BENCH_WHERE=host BENCH_SMALL=${HOST[0]} BENCH_BIG=${HOST[1]} \
	BENCH_EXT4=${HOST[2]} E2E_GLOB=$ONLY \
	PATH="$VPM_ROOT/tools:$VPM_ROOT/tools/e2e:$PATH" \
		sh "$VPM_ROOT/tools/e2e/bench/10-bench.sh" 2>&1 |
		sed 's/^E2E //'
	echo "PASS guest-finished"
}

[ ${#HOST[@]} -gt 0 ] || "$VPM_ROOT/tools/setup.sh"
if ! command -v gnuplot > /dev/null; then
	vpm_log "installing gnuplot-nox for the plots"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		gnuplot-nox >&2
fi

RAW=$OUT/raw.txt
if [ ${#HOST[@]} -gt 0 ]; then
	run_host
else
	VPM_E2E_TIMEOUT=${VPM_E2E_TIMEOUT:-5400} "$VPM_ROOT/tools/e2e/run.sh" \
		--suite bench --append "vpmbench.reps=$REPS" "$ONLY"
fi | tee "$OUT/run.txt" | sed -n 's/^BENCH //p' > "$RAW" || true
grep -q "^PASS guest-finished" "$OUT/run.txt" ||
	vpm_die "the benchmark guest did not finish: see $OUT/run.txt"

python3 - "$RAW" "$OUT" "$REPS" <<'PY'
import collections, statistics, subprocess, sys, os

raw, out, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = []          # (name, {key: value})
env = ""
for line in open(raw):
    parts = line.split()
    if not parts:
        continue
    if parts[0] == "env":
        env = " ".join(parts[1:])
        continue
    kv = {}
    vals = []
    for p in parts[1:]:
        if "=" in p:
            k, v = p.split("=", 1)
            kv[k] = v
        else:
            vals.append(p)
    if vals:
        kv["value"] = vals[0]
    rows.append((parts[0], kv))

with open(os.path.join(out, "results.csv"), "w") as f:
    keys = sorted({k for _, kv in rows for k in kv})
    f.write("test," + ",".join(keys) + "\n")
    for name, kv in rows:
        f.write(name + "," + ",".join(kv.get(k, "") for k in keys) + "\n")

def sel(name, **want):
    return [kv for n, kv in rows if n == name and
            all(kv.get(k) == str(v) for k, v in want.items())]

def med(vals):
    return statistics.median(vals) if vals else float("nan")

def spread(vals):
    return (min(vals), max(vals)) if vals else (float("nan"),) * 2

report = []
verdicts = []
def line(s=""):
    report.append(s)

def target(name, value, op, goal):
    ok = value <= goal if op == "<=" else value >= goal
    verdicts.append((name, ok))
    return ("met" if ok else "**missed**"), ok

line("# vpm benchmarks")
line()
where = dict(p.split("=", 1) for p in env.split() if "=" in p)
if where.get("where") == "host":
    line("Ran directly on the host, kernel %s, %s CPUs, %s kB of RAM."
         % (where.get("kernel"), where.get("cpus"), where.get("mem_kb")))
else:
    line("Ran in QEMU (TCG, multi-threaded) on Debian's kernel %s, one boot, "
         "%s vCPUs, %s kB of RAM." % (where.get("kernel"), where.get("cpus"),
                                      where.get("mem_kb")))
line("Every timing is the median of %d runs, spread min-max in brackets; "
     "I/O counts are exact. A ratio compares the two paths of the same run." % reps)
line()

# 1. Hit path in the kernel.
line("## 1. Hit path, in kernel (vpm_bench.ko)")
line()
line("| pages | vpm ns/page | plain ns/page | vpm / plain | target | |")
line("|---|---|---|---|---|---|")
for cache in ("1", "0"):
    for p in (1, 32):
        v = sel("hit_vpm_ns_per_page", pages=p, cache=cache)
        q = sel("hit_plain_ns_per_page", pages=p, cache=cache)
        r = sel("hit_ratio_x1000", pages=p, cache=cache)
        if not (v and q and r):
            continue
        ratio = int(r[0]["median"]) / 1000
        if cache == "1":
            verdict, _ = target("hit path %d page(s) <= 1.5x" % p, ratio, "<=", 1.5)
            goal, label = "<= 1.5", "%d" % p
        else:
            verdict, goal, label = "", "(no cache)", "%d, vpm_cache_enable=0" % p
        line("| %s | %s [%s-%s] | %s [%s-%s] | %.2f | %s | %s |" % (
            label, v[0]["median"], v[0]["min"], v[0]["max"], q[0]["median"],
            q[0]["min"], q[0]["max"], ratio, goal, verdict))
line()
line("The plain sequence is filemap_get_folio() + kmap_local_folio() + "
     "kunmap_local() + folio_put(); the rows with vpm_cache_enable=0 map "
     "the same pages through vpm without cache entries.")
line()

# 2. Scaling.
line("## 2. Scaling of the per-CPU freelists (maps per second)")
line()
line("Each thread maps and unmaps pages of its own working set, chosen at "
     "random; the cache has 1024 entries, so 8192 pages a thread miss every time.")
line()
line("| freelists | working set | 1 CPU | 2 CPUs | 2 / 1 | target | |")
line("|---|---|---|---|---|---|---|")
scale = {}
for kv in sel("scale_maps_per_s"):
    scale[(kv["freelists"], kv["wset"], kv["threads"])] = int(kv["median"])
fls = sorted({k[0] for k in scale}, key=int, reverse=True)
for fl in fls:
    for ws in ("64", "8192"):
        one, two = scale.get((fl, ws, "1")), scale.get((fl, ws, "2"))
        if not one or not two:
            continue
        kind = "hit" if ws == "64" else "miss"
        r = two / one
        if fl == fls[0]:
            verdict, _ = target("scaling %s path 2 CPUs >= 1.7x" % kind, r, ">=", 1.7)
            goal = ">= 1.7"
        else:
            verdict, goal = "", "(one freelist)"
        line("| %s | %s pages a thread (%s) | %d | %d | %.2f | %s | %s |" % (
            fl, ws, kind, one, two, r, goal, verdict))
if len(fls) == 2:
    d = scale.get((fls[0], "8192", "2"))
    o = scale.get((fls[1], "8192", "2"))
    if d and o:
        verdict, _ = target("default freelists >= 1.3x one freelist on the miss path", d / o, ">=", 1.3)
        line()
        line("Miss path, 2 CPUs: %s freelists %d against 1 freelist %d maps/s: %.2f (target >= 1.3, %s)."
             % (fls[0], d, o, d / o, verdict))
line()

# 3. Cached reads from user space.
line("## 3. Cached reads through /dev/vpmN against the block device's page cache (MB/s)")
line()
line("| buffer | vpm | block device | vpm / bdev | target | |")
line("|---|---|---|---|---|---|")
plot3 = []
for bs in ("4K", "64K", "1M"):
    v = [float(kv["value"]) for kv in sel("cached_read_mbps", path="vpm", bs=bs)]
    b = [float(kv["value"]) for kv in sel("cached_read_mbps", path="bdev", bs=bs)]
    if not v or not b:
        continue
    r = med(v) / med(b)
    verdict, _ = target("cached read %s >= 0.9x" % bs, r, ">=", 0.9)
    line("| %s | %.0f [%.0f-%.0f] | %.0f [%.0f-%.0f] | %.3f | >= 0.9 | %s |" % (
        bs, med(v), *spread(v), med(b), *spread(b), r, verdict))
    plot3.append((bs, med(v), med(b)))
line()

# 4. and 6. Cold sequential read, write and fsync.
def against_buffered(what, res):
    """The two targets of a cold path, res as cold() gives it per path:
    no more I/Os than the buffered path, at least 0.9 of its throughput."""
    ios, bios = med(res["vpm"][1]), med(res["bdev"][1])
    v, _ = target(what + " I/Os <= buffered", ios, "<=", bios)
    line("- I/Os: vpm %d, buffered %d: target no more, %s." % (ios, bios, v))
    ratio = med(res["vpm"][0]) / med(res["bdev"][0])
    v, _ = target(what + " throughput >= 0.9x buffered", ratio, ">=", 0.9)
    line("- Throughput: %.3f of buffered: target >= 0.9, %s." % (ratio, v))

def cold(name, path):
    k = sel(name, path=path)
    return ([float(x["mbps"]) for x in k], [int(x["ios"]) for x in k],
            [int(x["sectors"]) for x in k], [int(x.get("bios", 0)) for x in k])

line("## 4. Cold sequential read of 256 MiB")
line()
line("| path | MB/s | I/Os | sectors | bios |")
line("|---|---|---|---|---|")
cr = {p: cold("cold_read", p) for p in ("vpm", "bdev", "direct")}
for p, (m, i, s, b) in cr.items():
    if m:
        line("| %s | %.0f [%.0f-%.0f] | %d | %d | %s |" % (
            {"vpm": "/dev/vpmN", "bdev": "buffered block device",
             "direct": "O_DIRECT, 1 MiB"}[p], med(m), *spread(m), med(i),
            med(s), med(b) if p == "vpm" else "-"))
if cr["vpm"][0] and cr["bdev"][0]:
    line()
    against_buffered("cold read", cr)
    pages = sel("cold_read", path="vpm")
    if pages and int(pages[0].get("bios", 0)):
        line("- Pages per bio: %.1f on average." % (int(pages[0]["pages"]) / int(pages[0]["bios"])))
line()

line("## 5. Fragmented file on ext4 (2 MiB written interleaved with another file)")
line()
fe = [int(x["ios"]) for x in sel("fragmented_read", path="ext4")]
fv = [int(x["ios"]) for x in sel("fragmented_read", path="vpm")]
if fe and fv:
    v, _ = target("fragmented file I/Os <= ext4", med(fv), "<=", med(fe))
    line("| path | I/Os | bios |")
    line("|---|---|---|")
    line("| ext4 (cat) | %d | - |" % med(fe))
    line("| /dev/vpmN | %d | %d |" % (med(fv), med([int(x["bios"]) for x in sel("fragmented_read", path="vpm")])))
    line()
    line("Target: no more I/Os than ext4: %s." % v)
line()

line("## 6. Write and fsync of 256 MiB")
line()
line("| path | MB/s | I/Os | sectors |")
line("|---|---|---|---|")
wf = {p: cold("write_fsync", p) for p in ("vpm", "bdev")}
for p, (m, i, s, b) in wf.items():
    if m:
        line("| %s | %.0f [%.0f-%.0f] | %d | %d |" % (
            "/dev/vpmN" if p == "vpm" else "buffered block device + fsync",
            med(m), *spread(m), med(i), med(s)))
if wf["vpm"][0] and wf["bdev"][0]:
    line()
    against_buffered("write", wf)
line()

line("## 7. Memory")
line()
m = sel("memory")
if m:
    m = m[0]
    fp, ram = int(m["footprint_bytes"]), int(m["ram_kb"]) * 1024
    line("- %s bytes per vpmap entry, with its hash bucket." % m["entry_bytes"])
    line("- The default cache (%s entries, 12 %% of RAM in pages) takes %.1f MiB of structures: %.2f %% of RAM." % (
        m["entries"], fp / 1048576, 100 * fp / ram))
line()

# 8. and 9. Page faults on a mapping, cold.
def mfaults(name, path):
    k = sel(name, path=path)
    return {f: [float(x[f]) for x in k if f in x and x[f] != ""]
            for f in ("mbps", "ios", "sectors", "majflt", "minflt", "faults",
                      "major_faults", "bios_read", "vnodein", "vnodepgsin",
                      "readahead_pages")}, k

def per_run(v, b):
    """The spread of the ratio run by run (the runs alternate paths)."""
    r = [x / y for x, y in zip(v["mbps"], b["mbps"]) if y]
    return "run by run %.2f-%.2f" % spread(r) if r else "no runs"

def rng(vals, fmt="%.0f"):
    lo, hi = spread(vals)
    return (fmt + " [" + fmt + "-" + fmt + "]") % (med(vals), lo, hi)

mm = {}
for kind in ("seq", "rand"):
    mm[kind] = {p: mfaults("mmap_" + kind, p) for p in ("vpm", "bdev")}
ra_kb = (mm["seq"]["bdev"][1] or mm["rand"]["bdev"][1] or [{}])[0].get("ra_kb", "?")
bdev_label = "mapping of the block device (read_ahead_kb %s)" % ra_kb

if mm["seq"]["vpm"][1] and mm["seq"]["bdev"][1]:
    v, b = mm["seq"]["vpm"][0], mm["seq"]["bdev"][0]
    line("## 8. Sequential page faults on a 256 MiB mapping, cold")
    line()
    line("A shared read-only mapping of 256 MiB, the first 8 bytes of every "
         "page read in order, after drop_caches and with a fresh object each run.")
    line()
    line("| path | MB/s | I/Os | KiB per I/O | major faults | minor faults |")
    line("|---|---|---|---|---|---|")
    for label, d in (("/dev/vpmN", v), (bdev_label, b)):
        line("| %s | %s | %s | %.0f | %s | %s |" % (
            label, rng(d["mbps"]), rng(d["ios"]),
            med(d["sectors"]) / 2 / med(d["ios"]) if med(d["ios"]) else 0,
            rng(d["majflt"]), rng(d["minflt"])))
    line()
    verdict, _ = target("mmap sequential I/Os <= block device mapping",
                        med(v["ios"]), "<=", med(b["ios"]))
    line("- I/Os: vpm %d, block device %d: target no more, %s." % (
        med(v["ios"]), med(b["ios"]), verdict))
    ratio = med(v["mbps"]) / med(b["mbps"])
    verdict, _ = target("mmap sequential throughput >= 0.95x block device mapping",
                        ratio, ">=", 0.95)
    line("- Throughput: %.3f of the block device mapping (%s): target >= 0.95, %s." % (
        ratio, per_run(v, b), verdict))
    if v["vnodein"] and med(v["vnodein"]):
        line("- vpm's pager: %d faults, %d of them major; %d page-ins of %.1f pages "
             "on average (%d pages read ahead), %d bios." % (
                 med(v["faults"]), med(v["major_faults"]), med(v["vnodein"]),
                 med(v["vnodepgsin"]) / med(v["vnodein"]),
                 med(v["readahead_pages"]), med(v["bios_read"])))
    line()

if mm["rand"]["vpm"][1] and mm["rand"]["bdev"][1]:
    v, b = mm["rand"]["vpm"][0], mm["rand"]["bdev"][0]
    touched = int(mm["rand"]["vpm"][1][0].get("pages", 0)) or 4096
    line("## 9. Random page faults on a 256 MiB mapping, cold")
    line()
    line("The same mapping; 8 bytes read of each of %d pages chosen at random "
         "(the same pages in the same order on both paths)." % touched)
    line()
    line("| path | pages/s | I/Os | I/Os per page | KiB per I/O | major faults |")
    line("|---|---|---|---|---|---|")
    for label, d in (("/dev/vpmN", v), (bdev_label, b)):
        pps = [x * 256 for x in d["mbps"]]
        line("| %s | %s | %s | %.2f | %.0f | %s |" % (
            label, rng(pps), rng(d["ios"]), med(d["ios"]) / touched,
            med(d["sectors"]) / 2 / med(d["ios"]) if med(d["ios"]) else 0,
            rng(d["majflt"])))
    line()
    line("- I/Os per page touched: vpm %.2f, block device %.2f (no target)." % (
        med(v["ios"]) / touched, med(b["ios"]) / touched))
    ratio = med(v["mbps"]) / med(b["mbps"])
    verdict, _ = target("mmap random throughput >= 0.9x block device mapping",
                        ratio, ">=", 0.9)
    line("- Throughput: %.3f of the block device mapping (%s): target >= 0.9, %s." % (
        ratio, per_run(v, b), verdict))
    # Nearly all the time goes to the major faults.
    us = lambda d: 1e6 * touched * 4096 / 1048576 / med(d["mbps"]) / med(d["majflt"])
    line("- Time per major fault (the whole run over the major faults): "
         "vpm %.0f us, block device %.0f us." % (us(v), us(b)))
    if v["vnodein"] and med(v["vnodein"]):
        line("- vpm's pager: %d faults, %d of them major; %d page-ins of %.1f pages "
             "on average, %d bios." % (
                 med(v["faults"]), med(v["major_faults"]), med(v["vnodein"]),
                 med(v["vnodepgsin"]) / med(v["vnodein"]), med(v["bios_read"])))
    line()

line("## Targets")
line()
met = sum(ok for _, ok in verdicts)
line("%d of %d targets met." % (met, len(verdicts)))
line()
for n, ok in verdicts:
    line("- %s: %s" % (n, "met" if ok else "**missed**"))
line()
line("Plots: cached-reads.png (throughput by buffer size), scaling.png "
     "(maps per second by CPUs), bio-pages.png (pages per bio, cold read), "
     "mmap-ios.png (device I/Os of the page faults on a mapping).")

open(os.path.join(out, "report.md"), "w").write("\n".join(report) + "\n")

def gnuplot(script):
    subprocess.run(["gnuplot"], input=script, text=True, check=True)

if plot3:
    data = "\n".join("%s %.1f %.1f" % p for p in plot3)
    gnuplot("""set terminal pngcairo size 800,500
set output '%s/cached-reads.png'
set title 'Cached reads (MB/s, median)'
set style data histogram
set style fill solid
set ylabel 'MB/s'
$d << EOD
%s
EOD
plot $d using 2:xtic(1) title '/dev/vpmN', '' using 3 title 'block device'
""" % (out, data))
if scale:
    lines = []
    for fl in fls:
        for ws in ("64", "8192"):
            if (fl, ws, "1") in scale and (fl, ws, "2") in scale:
                lines.append((fl, ws))
    data = "\n".join("%d %s" % (t, " ".join(str(scale[(fl, ws, str(t))]) for fl, ws in lines)) for t in (1, 2))
    plots = ", ".join("$d using 1:%d with linespoints title '%s freelists, %s pages'" % (i + 2, fl, ws) for i, (fl, ws) in enumerate(lines))
    gnuplot("""set terminal pngcairo size 800,500
set output '%s/scaling.png'
set title 'Map and unmap throughput by CPUs'
set xlabel 'CPUs'
set ylabel 'maps per second'
set xtics 1
$d << EOD
%s
EOD
plot %s
""" % (out, data, plots))
hist = sel("read_bio_pages")
if hist:
    data = "\n".join("%s %s" % (h["bucket"], h["count"]) for h in hist)
    gnuplot("""set terminal pngcairo size 800,500
set output '%s/bio-pages.png'
set title 'Pages per bio, cold read through /dev/vpmN'
set style data histogram
set style fill solid
set xlabel 'pages (bucket up to)'
$d << EOD
%s
EOD
plot $d using 2:xtic(1) title 'bios'
""" % (out, data))
mmio = [(kind, med(mm[kind]["vpm"][0]["ios"]), med(mm[kind]["bdev"][0]["ios"]))
        for kind in ("seq", "rand") if mm[kind]["vpm"][1] and mm[kind]["bdev"][1]]
if mmio:
    data = "\n".join("%s %d %d" % (
        {"seq": "sequential", "rand": "random"}[k], a, b) for k, a, b in mmio)
    gnuplot("""set terminal pngcairo size 800,500
set output '%s/mmap-ios.png'
set title 'Device read I/Os, page faults on a 256 MiB mapping (median)'
set style data histogram
set style fill solid
set ylabel 'read I/Os'
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
$d << EOD
%s
EOD
plot $d using 2:xtic(1) title '/dev/vpmN', '' using 3 title 'block device'
""" % (out, data))
print("bench: %d of %d targets met; report in %s/report.md" % (met, len(verdicts), out))
PY
