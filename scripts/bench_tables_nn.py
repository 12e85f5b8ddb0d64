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
                CHAPTER_DROP.get(r["pattern"], "—"),
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


def median(values):
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else 0.5 * (v[n // 2 - 1] + v[n // 2])


def generate_runs(rows):
    """lacuna-generate/1 lines grouped by (weights, threads): the tokens/s of each run."""
    runs = {}
    for r in rows:
        if not r.get("schema", "").startswith("lacuna-generate/"):
            continue
        weights = r["pattern"] if r["pattern"] != "dense" else (
            "dense" if r["format"] == "dense" else f"every weight {r['format']}")
        runs.setdefault((weights, r["threads"]), []).append(r["tokens_per_s"])
    return runs


def generation(rows):
    """Greedy decoding of stories260k: tokens/s, median (best) of the runs, per weights and
    thread count."""
    runs = generate_runs(rows)
    weights = list(dict.fromkeys(w for w, _ in runs))
    threads = sorted({t for _, t in runs})
    cpu = next(r["cpu"] for r in rows if r.get("schema", "").startswith("lacuna-generate/"))
    out = ["| weights | " + " | ".join(f"{t} thread{'s' if t > 1 else ''}" for t in threads)
           + " |", "|---|" + "---:|" * len(threads)]
    for w in weights:
        cells = []
        for t in threads:
            v = runs.get((w, t))
            cells.append(f"{median(v):,.0f} ({max(v):,.0f}), {len(v)} runs" if v else "—")
        out.append(f"| `{w}` | " + " | ".join(cells) + " |")
    out.append("")
    out.append(f"CPU: {cpu}; tokens/s of `lc_model_generate` alone, median (best).")
    return out


def targets_models(rows):
    """The targets of the layers/models issue against these measurements."""
    acc = [r for r in rows if r.get("schema", "").startswith("lacuna-prune-eval/")]
    body = []

    def row(what, target, value, ok):
        body.append([what, target, value, "yes" if ok else "**no**"])

    refs = {"mnist-mlp": (0.9831, "98.31%"), "lenet5": (0.9838, "98.38%"),
            "stories260k": (1.649, "1.649 nats")}
    for model, (ref, text) in refs.items():
        d = [r for r in acc if r["model"] == model and not r.get("finetune")]
        if not d:
            continue
        v = d[0]["dense"]
        shown = f"{100 * v:.2f}%" if d[0]["metric"] == "accuracy" else f"{v:.5f} nats"
        ok = abs(v - ref) < (1e-9 if d[0]["metric"] == "accuracy" else 1e-3)
        row(f"{model} dense score", text, shown, ok)
    for model, limit in (("mnist-mlp", 2), ("lenet5", 2), ("stories260k", 10)):
        d = [r for r in acc if r["model"] == model and not r.get("finetune") and r["reps"] == 1]
        if not d:
            continue
        worst = max(r["wall_s"] for r in d)
        row(f"prune-eval {model}, one configuration (slowest of {len(d)})", f"< {limit} s",
            f"{worst:.2f} s", worst < limit)
    runs = generate_runs(rows)
    for (w, t), v in sorted(runs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if w == "dense":
            row(f"generate stories260k, {t} thread{'s' if t > 1 else ''}", "≥ 5,000 tokens/s",
                f"{median(v):,.0f} tokens/s (median of {len(v)})", median(v) >= 5000)
    return ["| target | wanted | measured | met |", "|---|---:|---:|---|"] + [
        "| " + " | ".join(b) + " |" for b in body]
