#!/bin/sh
# prune_eval_test.sh TOOL SRC BUILD: `lacuna prune-eval` on the real models of ../shared/data/nn:
# the dense scores of the data README, the counts of kept weights each pattern implies (exact),
# that pruning costs accuracy and fine-tuning recovers some on held-out images, and that bad
# input (unknown model, pattern, layer; bad sparsity, block, N:M; a missing data directory;
# fine-tuning a model that cannot) fails with one "lacuna: ..." line naming the problem.
set -eu
tool=$1 src=$2 build=$3
data=$src/../shared/data/nn
work=$build/prune_eval_test
rm -rf "$work" && mkdir -p "$work"
if [ ! -d "$data" ]; then
    echo "prune_eval_test: SKIP: no data directory $data"
    exit 0
fi
fail() { echo "prune_eval_test: $*" >&2; exit 1; }
pe() { "$tool" prune-eval "$@" --data "$data" --json; }
field() { python3 -c "import json,sys; print(json.loads(sys.stdin.read())['$1'])"; }

# ---- dense scores: the README's references, exactly ----
out=$(pe mnist-mlp --pattern dense) || fail "mnist-mlp dense"
[ "$(echo "$out" | field dense)" = 0.9831 ] || fail "mnist-mlp dense: $out"
[ "$(echo "$out" | field pruned)" = 0.9831 ] || fail "mnist-mlp dense as pruned: $out"
[ "$(echo "$out" | field params)" = 397000 ] || fail "mnist-mlp weights: $out"
out=$(pe lenet5 --pattern dense) || fail "lenet5 dense"
[ "$(echo "$out" | field dense)" = 0.9838 ] || fail "lenet5 dense: $out"

# ---- kept counts: the pattern's arithmetic, and the format's bytes ----
# fc1 500x784 at 50%: 196000 kept; fc2 untouched (5000).
out=$(pe mnist-mlp --pattern unstructured:0.5 --layers fc1.weight) || fail "unstructured fc1"
[ "$(echo "$out" | field pruned_kept)" = 196000 ] || fail "unstructured kept: $out"
[ "$(echo "$out" | field params_kept)" = 201000 ] || fail "unstructured model kept: $out"
[ "$(echo "$out" | field layers)" = fc1.weight ] || fail "layers field: $out"
# rows:0.5 removes 250 of fc1's neurons and the matching 250 columns of fc2 (all = fc1 only:
# fc2's rows are the classes).
out=$(pe mnist-mlp --pattern rows:0.5) || fail "rows"
[ "$(echo "$out" | field layers)" = fc1.weight ] || fail "rows layers: $out"
[ "$(echo "$out" | field params_kept)" = $((250 * 784 + 10 * 250)) ] || fail "rows kept: $out"
[ "$(echo "$out" | field bytes)" = $(((250 * 784 + 10 * 250) * 4)) ] || fail "rows bytes: $out"
# LeNet's chain: each layer keeps half its channels and loses the inputs of its producer's
# removed ones: c1 3·25, c3 8·(3·25), c5 60·(8·25), f6 42·60, f7 10·42.
out=$(pe lenet5 --pattern rows:0.5) || fail "lenet5 rows"
[ "$(echo "$out" | field params_kept)" = $((75 + 600 + 12000 + 2520 + 420)) ] ||
    fail "lenet5 rows kept: $out"
# 2:4 keeps half of every layer but c1's K = 25, whose last group of one column keeps it:
# c3's K = 150 ends in a group of 2, which keeps both: 30754 of LeNet's 61470 weights
# (6·13 + 16·76 + 120·200 + 84·60 + 10·42).
out=$(pe lenet5 --pattern nm:2:4) || fail "lenet5 2:4"
[ "$(echo "$out" | field pruned_kept)" = 30754 ] || fail "lenet5 2:4 kept: $out"
out=$(pe mnist-mlp --pattern unstructured:0.99) || fail "unstructured 99%"
python3 -c "import sys; sys.exit(not $(echo "$out" | field pruned) < 0.9)" ||
    fail "99% unstructured should cost accuracy: $out"
# block16: the MLP's layers pruned in 16x16 tiles, stored as BSR.
pe mnist-mlp --pattern block16:0.75 >/dev/null || fail "block16"
# stories260k: one layer, the NLL over the excerpt's 8114 predictions grows.
out=$(pe stories260k --pattern unstructured:0.5 --layers w1) || fail "stories260k w1"
[ "$(echo "$out" | field eval_count)" = 8114 ] || fail "stories260k predictions: $out"
python3 -c "import sys; d=$(echo "$out" | field dense); p=$(echo "$out" | field pruned); \
sys.exit(not (abs(d - 1.649) < 1e-3 and p > d))" || fail "stories260k NLL: $out"

# ---- projections and budgets ----
# fc2 (10 x 500) at rank 10 is its full rank: U·Vᵀ with 10·(10 + 500) weights, the same classes.
out=$(pe mnist-mlp --pattern lowrank:10 --layers fc2.weight) || fail "lowrank:10"
[ "$(echo "$out" | field params_kept)" = $((392000 + 5100)) ] || fail "lowrank kept: $out"
python3 -c "import sys; sys.exit(not $(echo "$out" | field pruned) >= 0.983)" ||
    fail "a full-rank projection should keep the accuracy: $out"
# --budget F: the family's parameter that keeps F of each layer.
out=$(pe mnist-mlp --pattern unstructured --budget 0.25) || fail "budget unstructured"
[ "$(echo "$out" | field pattern)" = unstructured:0.75 ] || fail "budget pattern: $out"
[ "$(echo "$out" | field sparsity)" = 0.75 ] || fail "budget sparsity: $out"
[ "$(echo "$out" | field family)" = unstructured ] || fail "budget family: $out"
out=$(pe mnist-mlp --pattern nm --budget 0.25 --layers fc1.weight) || fail "budget nm"
[ "$(echo "$out" | field pattern)" = nm:1:4 ] || fail "budget nm pattern: $out"
# lowrank at 25% of fc1 (500 x 784): rank floor(0.25·500·784 / 1284) = 76.
out=$(pe mnist-mlp --pattern lowrank --budget 0.25 --layers fc1.weight) || fail "budget lowrank"
[ "$(echo "$out" | field pruned_kept)" = $((76 * 1284)) ] || fail "budget lowrank kept: $out"

# Monarch on fc1 (500 x 784): gcd 4, so at most 4 blocks, q = 500/4 = 125, 125·(500 + 784) kept
# whatever the budget below 41%; the projection keeps the MLP's accuracy.
out=$(pe mnist-mlp --pattern monarch --budget 0.25 --layers fc1.weight) || fail "budget monarch"
[ "$(echo "$out" | field pruned_kept)" = $((125 * 1284)) ] || fail "budget monarch kept: $out"
out=$(pe mnist-mlp --pattern monarch:2 --layers fc1.weight) || fail "monarch:2"
[ "$(echo "$out" | field pruned_kept)" = $((250 * 1284)) ] || fail "monarch:2 kept: $out"

# ---- fine-tuning: held-out images only, and it recovers accuracy ----
out=$(pe mnist-mlp --pattern unstructured:0.95 --finetune) || fail "finetune"
[ "$(echo "$out" | field eval_first)" = 5000 ] || fail "finetune eval_first: $out"
[ "$(echo "$out" | field eval_count)" = 5000 ] || fail "finetune eval_count: $out"
plain=$(pe mnist-mlp --pattern unstructured:0.95 | field pruned)
"$tool" prune-eval mnist-mlp --pattern unstructured:0.95 --finetune --data "$data" |
    grep -q "images 5000..9999 only" || fail "finetune text does not say what was scored"
echo "prune_eval_test: 95% unstructured: $plain on all images, $(echo "$out" | field pruned)" \
    "fine-tuned on held-out images"

# ---- generate --pattern: the pruned model generates (its text differs from the dense one's) ----
dense_text=$("$tool" generate stories260k --data "$data" --tokens 20 | head -n 1)
pruned_text=$("$tool" generate stories260k --data "$data" --tokens 20 --pattern nm:2:4 |
    head -n 1) || fail "generate --pattern"
[ -n "$pruned_text" ] || fail "generate --pattern printed no text"
[ "$dense_text" != "$pruned_text" ] || fail "generate --pattern did not change the model"
if "$tool" generate stories260k --data "$data" --pattern nm:5:4 2>"$work/err"; then
    fail "generate accepted nm:5:4"
fi
grep -q "^lacuna: --pattern: .*nm_n" "$work/err" || fail "generate bad pattern: $(cat "$work/err")"

# ---- bad input: a status line naming the problem, never a crash ----
bad() {
    want=$1
    shift
    rc=0
    "$tool" prune-eval "$@" >"$work/out" 2>"$work/err" || rc=$?
    [ $rc -eq 1 ] || [ $rc -eq 2 ] || fail "exit $rc for: $*"
    [ "$(wc -l <"$work/err")" -eq 1 ] || fail "not one line for $*: $(cat "$work/err")"
    grep -q "^lacuna: .*$want" "$work/err" || fail "no '$want' for $*: $(cat "$work/err")"
}
bad "mnist-mlp, lenet5, stories260k" resnet --pattern dense --data "$data"
bad "unstructured:S" mnist-mlp --pattern sparse:0.5 --data "$data"
bad "fc1.weight, fc2.weight" mnist-mlp --pattern dense --layers fc3.weight --data "$data"
bad "sparsity" mnist-mlp --pattern unstructured:1.5 --data "$data"
bad "sparsity" mnist-mlp --pattern rows:-0.1 --data "$data"
bad "block" mnist-mlp --pattern block0:0.5 --data "$data"
bad "nm_n" mnist-mlp --pattern nm:4:4 --data "$data"
bad "pattern" mnist-mlp --data "$data"
bad "$work/nowhere" mnist-mlp --pattern dense --data "$work/nowhere"
bad "fine-tuned" stories260k --pattern dense --finetune --data "$data"
bad "budget" mnist-mlp --pattern unstructured --budget 1.5 --data "$data"
bad "family alone" mnist-mlp --pattern unstructured:0.5 --budget 0.5 --data "$data"
bad "lowrank:" mnist-mlp --pattern lowrank:0 --data "$data"
bad "projection" mnist-mlp --pattern lowrank:8 --finetune --data "$data"
echo "prune_eval_test: all passed"
