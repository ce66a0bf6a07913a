#!/bin/bash
# bench/search.py from an older commit and from the working tree, alternated, on both databases:
#   bench/search_ab.sh OLD_REV [ROUNDS] [extra bench/search.py arguments]
#   bench/search_ab.sh a882e85 2 --rows 4400000 --name sentra_pd_bench --requests 15 --old-requests 0
# The old commit is exported to a temporary directory sharing .venv and bench/out (same databases);
# each run's start, end, 1-minute load and result file are printed (bench/RESULTS.md quotes them).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rev=$1; rounds=${2:-2}; shift $(( $# >= 2 ? 2 : 1 ))
old=$(mktemp -d)
trap 'rm -rf "$old"' EXIT
git -C "$root" archive "$rev" | tar -x -C "$old"
ln -s "$root/.venv" "$old/.venv"; rmdir "$old/bench/out" 2>/dev/null || true; ln -s "$root/bench/out" "$old/bench/out"
load() { cut -d' ' -f1 /proc/loadavg; }
for round in $(seq "$rounds"); do
  for db in sqlite postgres; do
    for tree in new old; do
      dir=$root; [ "$tree" = old ] && dir=$old
      echo "== $round $db $tree start $(date -u +%H:%M:%S) load $(load)"
      (cd "$dir" && .venv/bin/python bench/search.py --db "$db" "$@" > /dev/null)
      echo "== $round $db $tree end $(date -u +%H:%M:%S) load $(load) file $(ls -t "$root"/bench/out/search-*.md | head -1)"
    done
  done
done
