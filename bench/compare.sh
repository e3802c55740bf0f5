#!/usr/bin/env bash
# Whole-process benchmarks of atomdoc against its peers on one generated tree.
#
#   bench/compare.sh [--docs N] [--seed S] [--shape topics|short|deep|dense] [--runs R]
#                    [--bin PATH] [--tree DIR] [--keep] [--no-peers]
#
# Generates (or reuses, with --tree) a tree from examples/gen_corpus (`--shape` picks the
# generator's shape: short files, deep folders, many links per file), then measures wall time
# (hyperfine, median of R runs), CPU time (user + sys, hyperfine's mean) and peak memory
# (/usr/bin/time -v, one run) for every row of issue 23's table, side by side in one run:
#   atomdoc: cold `stats` without cache (the graph pipeline, and its peak memory), cold full
#            `index`, warm `query orphans`, `query broken`, `search`, one changed file then
#            `query orphans`, `index` after changing one file, and a query answered by a
#            resident face (examples/resident_query: `Workspace::ask` on a loaded tree);
#   peers:   lychee --offline --include-fragments (broken links), iwe count / find --lexical,
#            rg counting link-like patterns (the read floor).
# Peers are looked up on PATH, then in /opt/peers/bin. Subcommands the given atomdoc binary
# does not have, and peers that are not installed, are skipped with a note. Prints one
# Markdown table with atomdoc/peer ratios, then the issue's targets, met or not.
#
# "Cold" means no atomdoc cache; the OS page cache stays warm (dropping it needs root and
# would disturb everyone else on the machine), for atomdoc and peers alike. The re-index step
# appends a line to one file of the tree and removes <tree>/.atomdoc for the cold index: point
# --tree only at a generated tree.
set -euo pipefail

docs=10000
seed=1
shape=topics
runs=5
bin=""
tree=""
keep=0
peers=1
while [ $# -gt 0 ]; do
  case "$1" in
    --docs) docs="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --shape) shape="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --tree) tree="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --no-peers) peers=0; shift ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "error: unknown option $1; see --help" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$PATH:/opt/peers/bin"
for tool in hyperfine python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool is required (apt-get install -y $tool)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is required (apt-get install -y time)" >&2; exit 2; }

if [ -z "$bin" ]; then
  (cd "$here" && cargo build --release --locked --quiet --bin atomdoc)
  bin="$here/target/release/atomdoc"
fi
resident="$here/target/release/examples/resident_query"
(cd "$here" && cargo build --release --locked --quiet --example resident_query) ||
  resident=
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

work="$(mktemp -d "${TMPDIR:-/tmp}/atomdoc-bench.XXXXXX")"
cleanup() { [ "$keep" = 1 ] && echo "kept $work" >&2 || rm -rf "$work"; }
trap cleanup EXIT

origin="gen_corpus --docs $docs --seed $seed --shape $shape"
if [ -z "$tree" ]; then
  tree="$work/tree"
  (cd "$here" && cargo run --release --locked --quiet --example gen_corpus -- \
    --docs "$docs" --seed "$seed" --shape "$shape" --out "$tree") >&2
else
  origin="given tree"
fi
tree="$(cd "$tree" && pwd)"
root="$tree/docs/atomic"
results="$work/results.tsv"
: >"$results"
notes=()

has_cmd() { "$bin" help "$1" >/dev/null 2>&1; }
has_flag() { "$bin" "$1" --help 2>/dev/null | grep -q -- "$2"; }

# measure LABEL TOOL [hyperfine options…] -- COMMAND
# Records: label, tool, median seconds, peak RSS in MB.
measure() {
  local label="$1" tool="$2"; shift 2
  local hf=()
  while [ "$1" != "--" ]; do hf+=("$1"); shift; done
  shift
  local cmd="$*"
  local json="$work/hf.json"
  echo "== $label ($tool): $cmd" >&2
  hyperfine --style basic --runs "$runs" --warmup 1 -i -N "${hf[@]}" --export-json "$json" \
    "$cmd" >&2 2>&1 || { notes+=("$label ($tool): hyperfine failed"); return; }
  # One more run under /usr/bin/time for peak memory (after the same preparation).
  local prep=""
  for ((i = 0; i < ${#hf[@]}; i++)); do
    [ "${hf[$i]}" = "--prepare" ] && prep="${hf[$((i + 1))]}"
  done
  [ -n "$prep" ] && bash -c "$prep"
  # Peers exit non-zero when they find broken links: that is an answer, not a failure.
  /usr/bin/time -v -o "$work/time.txt" bash -c "$cmd" >/dev/null 2>&1 || true
  local rss
  rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/time.txt")
  python3 - "$json" "$label" "$tool" "${rss:-0}" >>"$results" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))["results"][0]
times = sorted(data["times"])
median = times[len(times) // 2] if len(times) % 2 else sum(times[len(times) // 2 - 1:len(times) // 2 + 1]) / 2
cpu = data["user"] + data["system"]
print(f"{sys.argv[2]}\t{sys.argv[3]}\t{median:.4f}\t{int(sys.argv[4]) / 1024:.0f}\t{cpu:.4f}")
PY
}

a() { printf '%q ' "$bin" --repo "$tree" "$@"; }

# --- atomdoc ---------------------------------------------------------------------------------
nocache=""
has_flag stats --no-cache && nocache="--no-cache"
measure "graph pipeline (stats, no cache)" atomdoc -- "$(a stats --format json $nocache)"

cache_dir="$tree/.atomdoc"
if has_cmd index; then
  measure "cold full index" atomdoc --prepare "rm -rf $(printf %q "$cache_dir")" -- "$(a index)"
  "$bin" --repo "$tree" index >/dev/null 2>&1 || true
else
  notes+=("cold full index: this atomdoc has no \`index\` subcommand; skipped")
fi

if has_cmd query; then
  measure "warm query orphans" atomdoc -- "$(a query orphans)"
  measure "warm query broken" atomdoc -- "$(a query broken)"
else
  notes+=("warm queries: this atomdoc has no \`query\` subcommand; skipped")
fi
if has_cmd search; then
  measure "warm search" atomdoc -- "$(a search "connection pool")"
else
  notes+=("warm search: this atomdoc has no \`search\` subcommand; skipped")
fi

touched="$(find "$root" -name '*.md' -path '*/redis/*' | sort | head -1)"
[ -n "$touched" ] || touched="$(find "$root" -name '*.md' | sort | head -1)"
edit="printf '\nEdited at %s.\n' \"\$RANDOM\" >> $(printf %q "$touched")"
if has_cmd query; then
  measure "one changed file, then query orphans" atomdoc --prepare "$edit" -- "$(a query orphans)"
fi
if has_cmd index; then
  measure "re-index after changing one file" atomdoc --prepare "$edit" -- "$(a index)"
fi

# A resident face: the tree loaded once, the same question asked again and again.
if [ -n "$resident" ] && [ -x "$resident" ]; then
  line="$("$resident" "$tree" orphans 50 2>/dev/null || true)"
  echo "== $line" >&2
  ms="$(sed -n 's/.*median \([0-9.]*\) ms.*/\1/p' <<<"$line")"
  if [ -n "$ms" ]; then
    printf 'resident query orphans (Workspace::ask, median of 50)\tatomdoc\t%s\t\t\n' \
      "$(python3 -c "print(f'{$ms / 1000:.6f}')")" >>"$results"
  else
    notes+=("resident query: examples/resident_query gave no figure")
  fi
else
  notes+=("resident query: examples/resident_query could not be built; skipped")
fi

# --- peers -----------------------------------------------------------------------------------
if [ "$peers" = 0 ]; then
  notes+=("peers skipped (--no-peers)")
elif command -v rg >/dev/null; then
  measure "read floor: rg link patterns" rg -- \
    "rg -c --no-messages -e '\\]\\(' -e '\`docs/[^\`]*\\.md' $(printf %q "$root")"
else
  notes+=("rg not installed (apt-get install -y ripgrep); floor skipped")
fi

if [ "$peers" = 0 ]; then
  :
elif command -v lychee >/dev/null; then
  measure "broken links: lychee --offline" lychee -- \
    "lychee --offline --include-fragments --no-progress --format compact $(printf %q "$root")"
else
  notes+=("lychee not installed (cargo install lychee --locked); skipped")
fi

if [ "$peers" = 0 ]; then
  :
elif command -v iwe >/dev/null; then
  # iwe works on a project folder; initialise a copy of the docs root so the tree stays clean.
  iwe_dir="$work/iwe"
  cp -r "$root" "$iwe_dir"
  (cd "$iwe_dir" && iwe init >/dev/null 2>&1 || true)
  measure "iwe count (graph build)" iwe -- "bash -c 'cd $(printf %q "$iwe_dir") && iwe count'"
  measure "iwe find --lexical (full-text)" iwe -- \
    "bash -c 'cd $(printf %q "$iwe_dir") && iwe find --lexical \"connection pool\"'"
else
  notes+=("iwe not installed (cargo install iwe --locked); skipped")
fi

# --- table -----------------------------------------------------------------------------------
files=$(find "$root" -name '*.md' | wc -l)
mb=$(du -sm "$root" | cut -f1)
echo
echo "Tree: $files Markdown files, ${mb} MB ($origin); $(nproc) cores;" \
  "$(date -u +%Y-%m-%d); load average $(cut -d' ' -f1-3 /proc/loadavg);" \
  "median of $runs runs; peak RSS from one /usr/bin/time -v run."
echo
python3 - "$results" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
def get(label):
    return next(((float(r[2]), float(r[4])) for r in rows if r[0].startswith(label)), None)
pipeline, index = get("graph pipeline"), get("cold full index")
pairs = {
    "broken links: lychee": pipeline,
    "read floor": pipeline,
    "iwe count": pipeline,
    "iwe find": index,
}
print("| task | tool | median wall (s) | CPU user+sys (s) | peak RSS (MB) | atomdoc/peer wall | atomdoc/peer CPU |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
for label, tool, secs, rss, cpu in rows:
    wall_ratio = cpu_ratio = ""
    for prefix, ours in pairs.items():
        if label.startswith(prefix) and ours:
            wall_ratio = f"{ours[0] / float(secs):.2f}"
            cpu_ratio = f"{ours[1] / float(cpu):.2f}" if cpu and float(cpu) > 0 else ""
    cpu_cell = f"{float(cpu):.3f}" if cpu else ""
    wall_cell = f"{float(secs):.4f}" if float(secs) < 0.01 else f"{float(secs):.3f}"
    print(f"| {label} | {tool} | {wall_cell} | {cpu_cell} | {rss} | {wall_ratio} | {cpu_ratio} |")
print()
print("Ratios: atomdoc's graph pipeline (stats) against lychee, rg and iwe count; atomdoc's")
print("cold full index against iwe find --lexical. Below 1 means atomdoc is faster. CPU is the")
print("mean user+sys time per run: on a shared machine it is steadier than wall time.")
PY

# --- issue 23's targets ------------------------------------------------------------------------
python3 - "$results" "$files" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
docs = int(sys.argv[2])
def row(label):
    return next((r for r in rows if r[0].startswith(label)), None)
def wall(label):
    r = row(label)
    return float(r[2]) if r else None
def rss(label):
    r = row(label)
    return float(r[3]) if r and r[3] else None
# The issue's targets are given at 10k and 100k documents; other sizes get the nearer one.
big = docs >= 50_000
t = {
    "rg": 3.0, "lychee": 5.0,
    "orphans": 0.150 if big else 0.030,
    "change": 0.300 if big else 0.050,
    "index": 10.0 if big else 1.0,
    "rss": 800 if big else 120,
    "resident": None if big else 0.005,
}
pipeline = wall("graph pipeline")
lines = []
def add(what, value, target, ok):
    status = "—" if ok is None else ("met" if ok else "**missed**")
    lines.append(f"| {what} | {value} | {target} | {status} |")
rg, ly = wall("read floor"), wall("broken links: lychee")
if pipeline and rg:
    add("cold graph pipeline / rg read floor", f"{pipeline / rg:.1f}×", f"≤ {t['rg']:.0f}×", pipeline / rg <= t["rg"])
if pipeline and ly:
    add("cold graph pipeline vs lychee offline", f"{ly / pipeline:.1f}× faster", f"≥ {t['lychee']:.0f}× faster", ly / pipeline >= t["lychee"])
for label, key, what in [
    ("warm query orphans", "orphans", "warm `query orphans`"),
    ("one changed file, then query", "change", "one changed file, then a query"),
    ("cold full index", "index", "cold full index"),
]:
    v = wall(label)
    if v is not None:
        add(what, f"{v * 1000:.0f} ms" if v < 1 else f"{v:.2f} s", f"≤ {t[key] * 1000:.0f} ms" if t[key] < 1 else f"≤ {t[key]:.0f} s", v <= t[key])
m = rss("graph pipeline")
if m is not None:
    add("peak memory, `stats`", f"{m:.0f} MB", f"≤ {t['rss']} MB", m <= t["rss"])
v = wall("resident query")
if v is not None:
    add("a query answered by a resident face", f"{v * 1000:.2f} ms", "≤ 5 ms" if t["resident"] else "(target at 10k)", v <= t["resident"] if t["resident"] else None)
print()
print(f"Issue 23's targets ({'100k' if big else '10k'} figures; wall times, so on a quiet machine only):")
print()
print("| what | measured | target | status |")
print("| --- | ---: | --- | --- |")
print("\n".join(lines))
PY
for n in "${notes[@]}"; do echo "- note: $n"; done
