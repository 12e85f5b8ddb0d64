#!/bin/sh
# tool_test.sh TOOL SRC BUILD: runs the lacuna command on small cases: bench mm (every format
# and layout, --mtx, n = 1, --cold, --isa, threads, --pattern powerlaw, --optimize), gen (the
# matrix bench mm uses, deterministic), bench stream, report, convert round trips (mtx -> npy ->
# mtx, gzip input), generate (greedy text, when ../shared/data is there); checks the JSON with
# ../shared/tools/check-bench-json, the peers tables of scripts/bench_tables.py on lines made
# from it, and that bad options fail with one "lacuna: ..." line.
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
mm --m 300 --k 200 --n 8 --density 0.1 --pattern powerlaw --threads 1
mm --m 300 --k 200 --n 8 --density 0.1 --pattern powerlaw --exponent 2 --threads 2
mm --m 512 --k 512 --n 64 --density 0.1 --optimize
mm --m 512 --k 512 --n 64 --density 0.1 --optimize --layout rows --threads 1
mm --mtx "$data/olm1000.mtx" --n 1 --optimize
mm --m 200 --k 200 --n 16 --density 0.2 --format coo --optimize
nmm=$(grep -c '"op":"mm"' "$json")
[ "$nmm" -eq 18 ] || fail "expected 18 mm lines, got $nmm"

# Exact density: round(0.1·512·512) = 26214 entries, whatever the format (4 lines, and the
# two --optimize ones).
[ "$(grep -c '"nnz":26214,' "$json")" -eq 6 ] || fail "random CSR/COO should hold 26214 entries"
grep -q '"isa":"generic"' "$json" || fail "--isa generic not reported"
grep -q '"cold":true' "$json" || fail "--cold not reported"
grep -q '"dense_time_s":null' "$json" && fail "dense peer missing on a small case"
# Power law: exact count, pattern and exponent in params, the matrix named after them.
[ "$(grep -c '"pattern":"powerlaw".*"nnz":6000,' "$json")" -eq 2 ] || fail "power-law lines"
grep -q '"exponent":2,' "$json" || fail "--exponent not reported"
grep -q '"matrix":"powerlaw-300x200-d0.1-a1.2-s1"' "$json" || fail "power-law matrix name"
grep -q '"matrix":"olm1000"' "$json" || fail "file matrix name"
# --optimize: reported with its time and extra memory; absent otherwise.
[ "$(grep -c '"optimized":true,"optimize_s":[0-9.e-]*,"bytes":[0-9]*,"extra_bytes":[0-9]*' \
    "$json")" -eq 4 ] || fail "--optimize lines lack optimize_s, bytes or extra_bytes"
[ "$(grep -c '"optimized":false,"bytes"' "$json")" -eq 14 ] || fail "plain lines"
grep '"optimized":false' "$json" | grep -q optimize_s && fail "optimize_s without --optimize"

# ---- bench mm: block sparse and N:M (random in their own format) ----
s=$work/structured.jsonl
sm() { "$tool" bench mm --reps 2 --warmup 1 --json "$@" >>"$s" || fail "bench mm $*"; }
sm --format bsr --block 16 --density 0.5 --m 256 --k 256 --n 64
sm --format bsr --block 4x8 --density 0.25 --m 100 --k 90 --n 1 --layout rows
sm --format nm --nm 2:4 --m 256 --k 256 --n 64 --optimize
sm --format nm --nm 1:4 --nm-rows 4 --m 130 --k 300 --n 1
sm --format nm --m 64 --k 64 --n 3 --isa generic
sm --format lowrank --rank 4 --m 64 --k 50 --n 5 --optimize
sm --format sum --rank 2 --density 0.1 --m 64 --k 50 --n 1 --layout rows
sm --format circulant --m 64 --k 64 --n 3 --threads 1
sm --format toeplitz --m 40 --k 30 --n 1 --layout rows --threads 1
# Circulant 64: 64 stored, the raw FFTW peer reported; Toeplitz 40×30 pads 69 to 70 = 2·5·7.
grep -q '"matrix":"circulant-64x64-s1".*"nnz":64,.*"fft_peer_time_s":[0-9.e-]*,"fft_peer_ratio"' \
    "$s" || fail "circulant name, count or FFTW peer"
grep -q '"format":"toeplitz","params":{"fft_len":70,.*"nnz":69,' "$s" ||
    fail "toeplitz FFT length or count"
sm --format monarch --blocks 4 --m 64 --k 32 --n 5
sm --format monarch --m 64 --k 64 --n 1 --layout rows
[ "$(grep -c '"op":"mm"' "$s")" -eq 11 ] || fail "expected 11 structured lines"
# Monarch, 4 blocks of 64×32: q = 32/4 = 8, 8·(64 + 32) stored; the default for 64² is 8 blocks.
grep -q '"params":{"blocks":4,"q":8,.*"matrix":"monarch4-64x32-s1".*"nnz":768,.*"theoretical_speedup":2.66667,' "$s" ||
    fail "monarch params, name, count or theoretical speedup"
grep -q '"params":{"blocks":8,"q":8,.*"matrix":"monarch8-64x64-s1"' "$s" || fail "monarch default blocks"
# Low rank 4 of 64×50: 4·(64 + 50) stored; theoretical speedup 64·50 / (4·114).
grep -q '"matrix":"lowrank4-64x50-s1".*"nnz":456,.*"theoretical_speedup":7.01754,' "$s" ||
    fail "lowrank name, count or theoretical speedup"
grep -q '"format":"sum","params":{"rank":2,' "$s" || fail "sum params not reported"
grep -q '"matrix":"bsr16x16-256x256-d0.5-s1"' "$s" || fail "bsr matrix name"
grep -q '"block_rows":4,"block_cols":8' "$s" || fail "bsr tile shape not reported"
# Half the 16×16 tiles of 256²: 128 tiles of 256 entries.
grep -q '"matrix":"bsr16x16-256x256-d0.5-s1".*"nnz":32768,' "$s" || fail "bsr tile count"
grep -q '"nm_n":1,"nm_m":4,"nm_rows":4' "$s" || fail "nm params not reported"
grep -q '"nm_n":2,"nm_m":4,"nm_rows":1' "$s" || fail "nm default (2:4) not reported"
grep -q '"kernel":"lci_nm_group_mv_16_' "$s" || fail "row-grouped N:M kernel not reported"
grep -q '"kernel":"lci_bsr_mm_' "$s" || fail "bsr kernel not reported"
grep -q '"matrix":"nm2:4v1-256x256-s1".*"nnz":32768,' "$s" || fail "2:4 keeps half"
for bad in "--format bsr --block 0" "--format bsr --block 3x300" "--format nm --nm 4:4" \
    "--format nm --nm 1:17" "--format nm --nm-rows 0" "--format nm --nm 2-4"; do
    # shellcheck disable=SC2086
    if "$tool" bench mm $bad --m 32 --k 32 --n 1 --reps 1 >/dev/null 2>"$work/err"; then
        fail "bench mm $bad accepted"
    fi
    grep -q . "$work/err" || fail "bench mm $bad: no message"
done

# Same seed, same matrix: the byte counts of two runs agree.
a=$("$tool" bench mm --m 64 --k 64 --n 4 --reps 1 --json --seed 3 | grep -o '"nnz":[0-9]*')
b=$("$tool" bench mm --m 64 --k 64 --n 4 --reps 1 --json --seed 3 | grep -o '"nnz":[0-9]*')
[ "$a" = "$b" ] || fail "random matrix not deterministic"

# ---- gen: the matrix bench mm uses, as Matrix Market ----
g=$work/gen
mkdir -p "$g"
spec="--m 300 --k 200 --density 0.1 --pattern powerlaw --seed 5"
# shellcheck disable=SC2086
p1=$("$tool" gen $spec "$g") || fail "gen into a directory"
[ "$p1" = "$g/powerlaw-300x200-d0.1-a1.2-s5.mtx" ] || fail "gen wrote $p1"
# shellcheck disable=SC2086
p2=$("$tool" gen $spec "$g/again.mtx") || fail "gen into a file"
cmp -s "$p1" "$p2" || fail "gen is not deterministic"
"$tool" gen --m 300 --k 200 --density 0.1 --pattern powerlaw --seed 6 "$g/other.mtx" >/dev/null
cmp -s "$p1" "$g/other.mtx" && fail "gen ignores the seed"
sed -n 2p "$p1" | grep -qx '300 200 6000' || fail "gen size line: $(sed -n 2p "$p1")"
"$tool" gen --m 64 --k 48 --density 0.25 "$g/u.mtx" >/dev/null || fail "gen uniform"
sed -n 2p "$g/u.mtx" | grep -qx '64 48 768' || fail "gen uniform size line"
# bench mm reading the file measures the same matrix as bench mm generating it: same count,
# and the random name is the file's name.
# shellcheck disable=SC2086
from_spec=$("$tool" bench mm $spec --n 4 --reps 1 --json) || fail "bench mm $spec"
from_file=$("$tool" bench mm --mtx "$p1" --n 4 --reps 1 --json) || fail "bench mm --mtx $p1"
nnz_of() { echo "$1" | grep -o '"nnz":[0-9]*'; }
[ "$(nnz_of "$from_spec")" = "$(nnz_of "$from_file")" ] || fail "gen file and bench mm differ"
echo "$from_spec" | grep -q '"matrix":"powerlaw-300x200-d0.1-a1.2-s5"' || fail "bench mm name"
echo "$from_file" | grep -q '"matrix":"powerlaw-300x200-d0.1-a1.2-s5"' || fail "file name"
"$tool" convert "$p1" "$g/p.npy" >/dev/null || fail "convert a gen file"

# ---- the peers tables (scripts/bench_tables.py) on lines made from a real one ----
tables=$src/scripts/bench_tables.py
echo "$from_spec" >"$g/case.jsonl"
python3 - "$g/case.jsonl" <<'EOF' || fail "cannot make peer lines"
import json, sys
path = sys.argv[1]
d = json.loads(open(path).read())
opt = dict(d, optimized=True, optimize_s=0.001, time_s=d["time_s"] / 2)
with open(path, "a") as f:
    f.write(json.dumps(opt) + "\n")
    for name, scale, used in (("scipy", 3.0, 1), ("eigen", 2.0, d["threads"]), ("librsb", 4.0, 1)):
        f.write(json.dumps({"schema": "lacuna-bench/1", "op": "peer", "peer": name,
                            "matrix": d["matrix"], "m": d["m"], "k": d["k"], "n": d["n"],
                            "nnz": d["nnz"], "sparsity": d["sparsity"], "threads": d["threads"],
                            "threads_used": used, "time_s": d["time_s"] * scale}) + "\n")
EOF
python3 "$tables" peers "$g/case.jsonl" >"$g/peers.md" || fail "peers table"
grep -q '^| powerlaw-300x200-d0.1-a1.2-s5 | 90% | 6000 | 4 | .* | eigen | 4× |$' "$g/peers.md" ||
    fail "peers table row: $(cat "$g/peers.md")"
python3 "$tables" paradox-peers "$g/case.jsonl" >/dev/null || fail "paradox-peers table"
tail -n 1 "$g/case.jsonl" | sed 's/"nnz": *6000/"nnz": 5999/' >"$g/other.jsonl"
cat "$g/other.jsonl" >>"$g/case.jsonl"
if python3 "$tables" peers "$g/case.jsonl" >/dev/null 2>&1; then
    fail "peers table accepted lines of different matrices"
fi

# ---- bench stream, report ----
"$tool" bench stream --size-mb 8 --reps 3 --json >>"$json" || fail "bench stream"
LACUNA_DATA=$src/../shared/data/nn "$tool" report --quick --size 128 --json "$work/report.jsonl" \
    >"$work/report.md" 2>/dev/null || fail "report"
grep -q '^| 90% | 10× | 1.8× |' "$work/report.md" || fail "report table"
# 5 sparsities × 2 n × plain/optimized, then the 7 structured families.
[ "$(grep -c '"op":"mm"' "$work/report.jsonl")" -eq 27 ] || fail "report JSON lines"
grep -q '^| low-rank (r = 32) | .* | 64n | ' "$work/report.md" || fail "report families table"
if [ -d "$src/../shared/data/nn" ]; then
    grep -q '^| `nm:2:4` | <1% | 98.31% → 97.20% (−1.11 pp) | 98.38% → ' "$work/report.md" ||
        fail "report accuracy table"
fi
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

# ---- generate: greedy TinyStories text (when the shared data is there) ----
nn=$src/../shared/data/nn
if [ -d "$nn/stories260K" ]; then
    "$tool" generate stories260k --tokens 40 --data "$nn" >"$work/gen.txt" || fail "generate"
    head -n 1 "$work/gen.txt" | grep -q '^Once upon a time, there was a little girl named Lily\. She loved to play outside in the park\.' ||
        fail "generate: greedy text from BOS is $(head -n 1 "$work/gen.txt")"
    grep -q '^40 tokens generated in [0-9.]* s: [0-9]* tokens/s (1 thread' "$work/gen.txt" ||
        fail "generate: no tokens/s line"
    LACUNA_DATA=$nn "$tool" generate stories260k --prompt "The cat" --tokens 5 --threads 2 \
        --format csr >"$work/gen2.txt" || fail "generate --prompt (LACUNA_DATA)"
    head -n 1 "$work/gen2.txt" | grep -q '^The cat' || fail "generate: prompt not echoed"
    grep -q '^5 tokens generated .*(2 threads, prompt 4 tokens)' "$work/gen2.txt" ||
        fail "generate: --prompt/--threads line: $(tail -n 1 "$work/gen2.txt")"
else
    echo "tool_test: generate skipped ($nn/stories260K missing)"
fi

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
bad bench mm --pattern zipf
bad bench mm --exponent 2
bad bench mm --pattern powerlaw --exponent -1
bad bench mm --pattern powerlaw --exponent 9
bad bench mm --mtx "$data/olm1000.mtx" --pattern powerlaw
bad bench mm --optimize=yes
bad gen
bad gen "$work/x.txt"
bad gen --density 2 "$work/x.mtx"
bad gen --exponent 1 "$work/x.mtx"
bad gen --bogus "$work/x.mtx"
bad gen "$work/x.mtx" "$work/y.mtx"
bad gen --m 10 --k 10 "$work/missing-dir/x.mtx"
bad bench stream --size-mb 0
bad bench stream --fast
bad convert "$work/a.npy"
bad convert "$work/a.txt" "$work/b.npy"
bad convert "$work/missing.mtx" "$work/x.npy"
bad convert "$work/a.npy" "$work/x.mtx.gz"
bad report --bogus
bad generate
bad generate --tokens 5
bad generate llama-7b --data "$work"
bad generate stories260k --data "$work/missing-dir"
bad generate stories260k --tokens -1
bad generate stories260k --format nope
bad generate stories260k --bogus
"$tool" help | grep -q 'bench mm' || fail "help does not list bench mm"
echo "tool_test: ok"
