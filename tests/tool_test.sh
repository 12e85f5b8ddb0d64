#!/bin/sh
# tool_test.sh TOOL SRC BUILD: runs the lacuna command on small cases: bench mm (every format
# and layout, --mtx, n = 1, --cold, --isa, threads), bench stream, report, convert round trips
# (mtx -> npy -> mtx, gzip input); checks the JSON with ../shared/tools/check-bench-json and
# that bad options fail with one "lacuna: ..." line.
set -eu
tool=$1 src=$2 build=$3
check=$src/../shared/tools/check-bench-json
data=$src/../shared/data/mtx
work=$build/tool_test
rm -rf "$work" && mkdir -p "$work"
json=$work/bench.jsonl
: >"$json"

fail() { echo "tool_test: $*" >&2; exit 1; }
mm() { "$tool" bench mm --reps 2 --warmup 1 --json "$@" >>"$json" || fail "bench mm $*"; }

# ---- bench mm: formats × layouts, sizes around the kernels' panel widths ----
for f in csr coo dense; do
    for l in cols rows; do
        mm --format $f --layout $l --m 512 --k 512 --n 64 --density 0.1
    done
done
mm --mtx "$data/olm1000.mtx" --n 16
mm --mtx "$data/olm1000.mtx" --n 1 --format coo --layout rows
mm --m 300 --k 700 --n 1 --density 0.05
mm --m 257 --k 129 --n 65 --density 0.3 --cold --threads 1
mm --m 200 --k 200 --n 33 --density 1 --isa generic --layout rows
mm --m 100 --k 5000 --n 3 --density 0.001 --seed 7
nmm=$(grep -c '"op":"mm"' "$json")
[ "$nmm" -eq 12 ] || fail "expected 12 mm lines, got $nmm"

# Exact density: round(0.1·512·512) = 26214 entries, whatever the format.
[ "$(grep -c '"nnz":26214,' "$json")" -eq 4 ] || fail "random CSR/COO should hold 26214 entries"
grep -q '"isa":"generic"' "$json" || fail "--isa generic not reported"
grep -q '"cold":true' "$json" || fail "--cold not reported"
grep -q '"dense_time_s":null' "$json" && fail "dense peer missing on a small case"

# Same seed, same matrix: the byte counts of two runs agree.
a=$("$tool" bench mm --m 64 --k 64 --n 4 --reps 1 --json --seed 3 | grep -o '"nnz":[0-9]*')
b=$("$tool" bench mm --m 64 --k 64 --n 4 --reps 1 --json --seed 3 | grep -o '"nnz":[0-9]*')
[ "$a" = "$b" ] || fail "random matrix not deterministic"

# ---- bench stream, report ----
"$tool" bench stream --size-mb 8 --reps 3 --json >>"$json" || fail "bench stream"
"$tool" report --quick --size 128 --json "$work/report.jsonl" >"$work/report.md" 2>/dev/null ||
    fail "report"
grep -q '^| 90% | 10× | 1.8× |' "$work/report.md" || fail "report table"
[ "$(grep -c '"op":"mm"' "$work/report.jsonl")" -eq 10 ] || fail "report JSON lines"
cat "$work/report.jsonl" >>"$json"

"$check" <"$json" || fail "bench JSON does not follow lacuna-bench/1"

# The readable summary.
"$tool" bench mm --m 128 --k 128 --n 8 --reps 1 >"$work/summary.txt" || fail "summary"
grep -q 'speedup' "$work/summary.txt" || fail "summary has no speedup line"

# ---- convert: mtx -> npy -> mtx (array, then coordinate) -> npy, byte-identical ----
cv() { "$tool" convert "$@" >/dev/null || fail "convert $*"; }
cv "$data/olm1000.mtx" "$work/a.npy"
cv "$work/a.npy" "$work/b.mtx"
cv "$work/b.mtx" "$work/c.npy"
cmp -s "$work/a.npy" "$work/c.npy" || fail "mtx -> npy -> mtx (array) -> npy differs"
cv "$work/a.npy" "$work/d.mtx" --format csr
cv "$work/d.mtx" "$work/e.npy"
cmp -s "$work/a.npy" "$work/e.npy" || fail "npy -> mtx (coordinate) -> npy differs"
gzip -c "$data/olm1000.mtx" >"$work/o.mtx.gz"
cv "$work/o.mtx.gz" "$work/f.npy"
cmp -s "$work/a.npy" "$work/f.npy" || fail ".mtx.gz input differs"

# ---- bad input: non-zero exit and exactly one "lacuna: " line on stderr ----
bad() {
    if "$tool" "$@" >/dev/null 2>"$work/err"; then fail "accepted: $*"; fi
    [ "$(wc -l <"$work/err")" -eq 1 ] && grep -q '^lacuna: ' "$work/err" ||
        fail "expected one 'lacuna:' line for: $* (got: $(cat "$work/err"))"
}
bad
bad frobnicate
bad bench
bad bench nothing
bad bench mm --m -1
bad bench mm --n 0
bad bench mm --density 0
bad bench mm --density 1.5
bad bench mm --density nan
bad bench mm --format nope
bad bench mm --layout diagonal
bad bench mm --isa sse9
bad bench mm --threads 0
bad bench mm --reps
bad bench mm --bogus
bad bench mm --json=1
bad bench mm --m 12abc
bad bench mm --mtx "$work/missing.mtx"
bad bench mm --mtx "$data/olm1000.mtx" --density 0.5
bad bench mm --m 8 --k 8 --density 0.001
bad bench stream --size-mb 0
bad bench stream --fast
bad convert "$work/a.npy"
bad convert "$work/a.txt" "$work/b.npy"
bad convert "$work/missing.mtx" "$work/x.npy"
bad convert "$work/a.npy" "$work/x.mtx.gz"
bad report --bogus
"$tool" help | grep -q 'bench mm' || fail "help does not list bench mm"
echo "tool_test: ok"
