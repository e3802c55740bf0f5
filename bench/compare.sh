#!/usr/bin/env bash
# Whole-process benchmarks of atomdoc against its peers on one generated tree.
#
#   bench/compare.sh [--docs N] [--seed S] [--runs R] [--bin PATH] [--tree DIR] [--keep]
#                    [--no-peers]
#
# Generates (or reuses, with --tree) a tree from examples/gen_corpus, then measures wall time
# (hyperfine, median of R runs) and peak memory (/usr/bin/time -v, one run) for:
#   atomdoc: cold `stats` without cache, cold full `index`, warm `query orphans`,
#            `query broken`, `search`, and `index` after changing one file;
#   peers:   lychee --offline --include-fragments (broken links), iwe count / find --lexical,
#            rg counting link-like patterns (the read floor).
# Subcommands the given atomdoc binary does not have, and peers that are not installed, are
# skipped with a note. Prints one Markdown table with atomdoc/peer ratios.
#
# "Cold" means no atomdoc cache; the OS page cache stays warm (dropping it needs root and
# would disturb everyone else on the machine), for atomdoc and peers alike. The re-index step
# appends a line to one file of the tree and removes <tree>/.atomdoc for the cold index: point
# --tree only at a generated tree.
set -euo pipefail

docs=10000
seed=1
runs=5
bin=""
tree=""
keep=0
peers=1
while [ $# -gt 0 ]; do
  case "$1" in
    --docs) docs="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --tree) tree="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --no-peers) peers=0; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "error: unknown option $1; see --help" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "$0")/.." && pwd)"
for tool in hyperfine python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool is required (apt-get install -y $tool)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is required (apt-get install -y time)" >&2; exit 2; }

if [ -z "$bin" ]; then
  (cd "$here" && cargo build --release --locked --quiet --bin atomdoc)
  bin="$here/target/release/atomdoc"
fi
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

work="$(mktemp -d "${TMPDIR:-/tmp}/atomdoc-bench.XXXXXX")"
cleanup() { [ "$keep" = 1 ] && echo "kept $work" >&2 || rm -rf "$work"; }
trap cleanup EXIT

origin="gen_corpus --docs $docs --seed $seed"
if [ -z "$tree" ]; then
  tree="$work/tree"
  (cd "$here" && cargo run --release --locked --quiet --example gen_corpus -- \
    --docs "$docs" --seed "$seed" --out "$tree") >&2
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

if has_cmd index; then
  touched="$(find "$root" -name '*.md' -path '*/redis/*' | sort | head -1)"
  [ -n "$touched" ] || touched="$(find "$root" -name '*.md' | sort | head -1)"
  measure "re-index after changing one file" atomdoc \
    --prepare "printf '\nEdited at %s.\n' \"\$RANDOM\" >> $(printf %q "$touched")" -- "$(a index)"
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
            cpu_ratio = f"{ours[1] / float(cpu):.2f}"
    print(f"| {label} | {tool} | {float(secs):.3f} | {float(cpu):.3f} | {rss} | {wall_ratio} | {cpu_ratio} |")
print()
print("Ratios: atomdoc's graph pipeline (stats) against lychee, rg and iwe count; atomdoc's")
print("cold full index against iwe find --lexical. Below 1 means atomdoc is faster. CPU is the")
print("mean user+sys time per run: on a shared machine it is steadier than wall time.")
PY
for n in "${notes[@]}"; do echo "- note: $n"; done
