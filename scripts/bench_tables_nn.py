"""Tables of docs/benchmarks.md made from `lacuna prune-eval --json` lines (schema
lacuna-prune-eval/1): the accuracy cost of each pruning pattern on the real models, beside the
chapter's claims (section 10.3.3). Imported by bench_tables.py, which owns the command line."""

# Section 10.3.3 of the chapter (ResNet-50): pattern -> claimed accuracy drop.
CHAPTER_DROP = {"unstructured:0.9": "1–2%", "block16:0.75": "1–2%", "block64:0.5": "1–2%",
                "nm:2:4": "<1%"}
MODEL_ORDER = ("mnist-mlp", "lenet5", "stories260k")


def score(row, value):
    if row["metric"] == "accuracy":
        return f"{100 * value:.2f}%"
    return f"{value:.4f}"


def change(row, base):
    """The cost of pruning against the baseline score: accuracy points lost, or NLL nats gained."""
    if row["metric"] == "accuracy":
        return f"{100 * (base - row['pruned']):.2f} pp"
    return f"{row['pruned'] - base:+.4f} nats"


def kib(n):
    return f"{n / 1024:.0f}" if n >= 10240 else f"{n / 1024:.1f}"


def accuracy(rows):
    """One table per model: pattern, sparsity of the pruned layers, weights and bytes kept in the
    format the pattern implies, score dense and pruned, its cost, the chapter's claim, and the
    forward pass's speed against the dense model; fine-tuned rows (MNIST) score held-out images."""
    rows = [r for r in rows if r.get("schema", "").startswith("lacuna-prune-eval/")]
    out = []
    for model in MODEL_ORDER:
        mine = [r for r in rows if r["model"] == model]
        if not mine:
            continue
        metric = "top-1 accuracy" if mine[0]["metric"] == "accuracy" else "mean NLL (nats/token)"
        out.append(f"**{model}** ({metric}; {mine[0]['eval_count']} "
                   f"{'images' if mine[0]['metric'] == 'accuracy' else 'predictions'}"
                   f", {mine[0]['cpu']}, {mine[0]['threads']} threads)")
        out.append("")
        body = []
        for r in mine:
            ft = r.get("finetune")
            base = r["dense_finetuned"] if ft else r["dense"]
            body.append([
                f"`{r['pattern']}`" + (" + fine-tune" if ft else ""),
                f"{100 * r['sparsity']:.1f}%",
                f"{r['params_kept']:,} of {r['params']:,}",
                f"{kib(r['bytes'])} / {kib(r['dense_bytes'])}",
                score(r, base) + (" ‡" if ft else ""),
                score(r, r["pruned"]),
                change(r, base),
                CHAPTER_DROP.get(r["pattern"], "—") if not ft else "—",
                "—" if ft else f"{r['dense_s'] / r['pruned_s']:.2f}×",
            ])
        out += ["| pattern | sparsity (pruned layers) | nonzero weights kept | KiB stored / dense "
                "| dense | pruned | cost | chapter (ResNet-50) | forward speed vs dense |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        out += ["| " + " | ".join(b) + " |" for b in body]
        out.append("")
    if any(r.get("finetune") for r in rows):
        out.append("‡ fine-tuned rows: the pruned model trained on test images 0–4999 with its "
                   "mask fixed, beside the dense model trained the same way (3 epochs of SGD); "
                   "both scored on images 5000–9999 only. The cost is against that baseline.")
    return out
