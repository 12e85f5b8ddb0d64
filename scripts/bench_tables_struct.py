"""Tables of docs/benchmarks.md for the structured families (chapter section 10.6): the "when
structure beats sparsity" table from `lacuna bench mm --json` lines, the Monarch FFN from
`lacuna bench ffn --json` (schema lacuna-bench-ffn/1), and structure against sparsity at equal
parameter budgets from `lacuna prune-eval --budget F --json`. Imported by bench_tables.py."""

# Section 10.6.3 of the chapter: family -> (storage, multiply cost, hardware efficiency).
# (The multiply cost column: useful flops per vector, 2·M·K / theoretical speedup.)
CHAPTER = {
    "dense": ("n²", "O(n²)", "100% (baseline)"),
    "csr": ("~0.2n²", "O(0.1n²) theory", "20–30% of theoretical"),
    "bsr": ("0.5n²", "O(0.5n²)", "70–80% of theoretical"),
    "nm": ("0.5n²", "O(0.5n²)", "100% (hardware support)"),
    "lowrank": ("64n", "O(64n)", "100% (dense GEMMs)"),
    "butterfly": ("O(n log n)", "O(n log n)", "~80% (structured sparse)"),
    "monarch": ("O(n√n)", "O(n√n)", "~90% (block GEMMs)"),
    "circulant": ("n", "O(n log n)", "— (not in the table)"),
}
ORDER = ("dense", "csr", "bsr", "nm", "lowrank", "butterfly", "monarch", "circulant")


def median_run(runs):
    runs = sorted(runs, key=lambda d: d["time_s"] / (d.get("dense_time_s") or d["time_s"]))
    return runs[len(runs) // 2]


def family_name(d):
    p = d.get("params", {})
    f = d["format"]
    if f == "csr":
        return f"random {100 * (1 - d['density']):.0f}% sparse (CSR)"
    if f == "bsr":
        return f"block sparse {p.get('block_rows')}×{p.get('block_cols')}, " \
               f"{100 * (1 - d['density']):.0f}% (BSR)"
    if f == "nm":
        return f"{p.get('nm_n')}:{p.get('nm_m')} structured"
    if f == "lowrank":
        return f"low-rank (r = {p.get('rank')})"
    if f == "monarch":
        return f"Monarch ({p.get('blocks')} blocks)"
    return f


def families(rows):
    """One row per family, thread count and n: storage as stored entries over n², useful flops
    per vector, theoretical speedup (dense flops / useful flops), the measured speedup over dense
    OpenBLAS in the same run, and the hardware efficiency (measured / theoretical), beside the
    chapter's columns. The median run of each case."""
    cases = {}
    for d in rows:
        if d.get("op") != "mm":
            continue
        cases.setdefault((d["format"], d["threads"], d["n"]), []).append(d)
    body = []
    keys = sorted(cases, key=lambda k: (k[1], -k[2], ORDER.index(k[0]) if k[0] in ORDER else 99))
    for key in keys:
        d = median_run(cases[key])
        f, threads, n = key
        mk = d["m"] * d["k"]
        chap = CHAPTER.get(f, ("—", "—", "—"))
        theo = d.get("theoretical_speedup")
        sp = d.get("speedup")
        eff = "100% (baseline)" if f == "dense" else (
            f"{100 * sp / theo:.0f}%" if sp and theo else "—")
        cost = f"{2 / theo:.4g}·n²" if theo else "—"
        body.append([family_name(d), f"{d['m']}×{d['k']}", str(n), str(threads),
                     f"{d['nnz'] / mk:.4g}·n²", chap[0], cost, chap[1],
                     f"{theo:.3g}×" if theo else "—",
                     f"{sp:.3g}×" if sp else "—", eff, chap[2], str(len(cases[key]))])
    head = ["family", "shape", "n", "threads", "stored", "chapter: storage",
            "multiply cost (flops/vector)", "chapter: cost", "theoretical", "measured speedup",
            "hardware efficiency", "chapter: efficiency", "runs"]
    return ["| " + " | ".join(head) + " |",
            "|---|---|---:|---:|---:|---|---:|---|---:|---:|---:|---|---:|"] + [
        "| " + " | ".join(b) + " |" for b in body]


def ffn(rows):
    """The Monarch FFN against the dense FFN it replaces (d = 1024, n = 256): time, speedup,
    parameter ratio and the target 0.7 × ratio, median of the runs per (blocks, threads)."""
    cases = {}
    for d in rows:
        if str(d.get("schema", "")).startswith("lacuna-bench-ffn/"):
            cases.setdefault((d["threads"], d["params"]["blocks"]), []).append(d)
    body = []
    for key in sorted(cases):
        runs = sorted(cases[key], key=lambda d: d["speedup"])
        d = runs[len(runs) // 2]
        ok = d["speedup"] >= 0.7 * d["param_ratio"]
        body.append([str(d["params"]["blocks"]), str(d["threads"]), f"{d['d_model']}",
                     f"{d['n']}", f"{1e3 * d['time_s']:.3g}", f"{1e3 * d['dense_time_s']:.3g}",
                     f"{d['speedup']:.3g}×", f"{d['param_ratio']:.3g}",
                     f"{0.7 * d['param_ratio']:.3g}×", "yes" if ok else "**no**",
                     str(len(runs))])
    head = ["blocks", "threads", "d", "n", "Monarch FFN ms", "dense FFN ms", "speedup",
            "parameter ratio", "target (0.7 × ratio)", "met", "runs"]
    return ["| " + " | ".join(head) + " |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"] + [
        "| " + " | ".join(b) + " |" for b in body]


def budget(rows):
    """Structure against sparsity at equal parameter budgets: for each model and budget F, the
    score of each family (magnitude-pruned or projected layer by layer), with the fraction of
    the pruned layers' weights actually kept."""
    acc = [r for r in rows if str(r.get("schema", "")).startswith("lacuna-prune-eval/")
           and r.get("budget")]
    out = []
    fams = ("unstructured", "block16", "nm", "rows", "lowrank", "monarch")
    for model in ("mnist-mlp", "lenet5", "stories260k"):
        mine = [r for r in acc if r["model"] == model]
        if not mine:
            continue
        metric = mine[0]["metric"]
        out.append(f"**{model}** (pruned layers: {mine[0]['layers']}; dense "
                   + (f"{100 * mine[0]['dense']:.2f}%" if metric == "accuracy"
                      else f"{mine[0]['dense']:.4f} nats") + ")")
        out.append("")
        budgets = sorted({r["budget"] for r in mine}, reverse=True)
        head = ["budget F"] + list(fams)
        out += ["| " + " | ".join(head) + " |", "|---:|" + "---:|" * len(fams)]
        for f in budgets:
            cells = []
            for fam in fams:
                r = next((r for r in mine if r["budget"] == f and r["family"] == fam), None)
                if not r:
                    cells.append("—")
                    continue
                v = f"{100 * r['pruned']:.2f}%" if metric == "accuracy" else f"{r['pruned']:.3f}"
                kept = r["pruned_kept"] / r["pruned_params"]
                cells.append(f"{v} ({100 * kept:.0f}%)")
            out.append(f"| {f:g} | " + " | ".join(cells) + " |")
        out.append("")
    out.append("Each cell: the score, then (in brackets) the fraction of the pruned layers' "
               "weights kept, which a family cannot always bring down to F (Monarch's block "
               "count must divide both sides; N:M takes the nearest N:M).")
    return out


def _median(values):
    v = sorted(values)
    return v[len(v) // 2] if len(v) % 2 else 0.5 * (v[len(v) // 2 - 1] + v[len(v) // 2])


def targets(rows):
    """The structured-matrices issue's targets against these measurements (medians of runs)."""
    mm = [d for d in rows if d.get("op") == "mm"]
    ffn_rows = [d for d in rows if str(d.get("schema", "")).startswith("lacuna-bench-ffn/")]
    body = []

    def row(what, target, value, ok):
        body.append([what, target, value, "yes" if ok else "**no**"])

    def runs(fmt, m, n, threads, layout="cols"):
        return [d for d in mm if d["format"] == fmt and d["m"] == m and d["k"] == m
                and d["n"] == n and d["threads"] == threads and d.get("layout") == layout]

    for t in (1, 2):
        r = runs("lowrank", 4096, 256, t)
        if r:
            e = _median([d["efficiency"] for d in r])
            row(f"low-rank r = 32, 4096², n = 256, {t} thread(s): efficiency", "≥ 0.9",
                f"{e:.2f} (median of {len(r)})", e >= 0.9)
        r = runs("monarch", 4096, 256, t)
        if r:
            e = _median([d["efficiency"] for d in r])
            row(f"Monarch 64 blocks, 4096², n = 256, {t} thread(s): speedup / theoretical",
                "≥ 0.7", f"{e:.2f} (median of {len(r)})", e >= 0.7)
        for kk in (1024, 4096):
            worst = None
            for n in (1, 2, 4, 8, 16):
                r = runs("monarch", kk, n, t)
                if r:
                    s = _median([d["speedup"] for d in r])
                    worst = s if worst is None else min(worst, s)
            if worst is not None:
                row(f"Monarch, K = {kk}, n = 1..16, {t} thread(s): slowest speedup vs dense",
                    "≥ 1 (never slower)", f"{worst:.2f}×", worst >= 1)
        r = runs("butterfly", 4096, 256, t)
        if r:
            e = _median([d["efficiency"] for d in r])
            row(f"butterfly 4096, n = 256, {t} thread(s): useful GFLOP/s / sgemm GFLOP/s",
                "≥ 0.4", f"{e:.2f} (median of {len(r)})", e >= 0.4)
    for kk, want in ((1024, 20), (16384, 1000)):
        r = runs("circulant", kk, 1, 1)
        if r:
            s = _median([d["speedup"] for d in r])
            row(f"circulant K = {kk}, one vector, 1 thread: speedup vs dense sgemv",
                f"≥ {want}×", f"{s:.4g}× (median of {len(r)})", s >= want)
            f = [d["fft_peer_ratio"] for d in r if d.get("fft_peer_ratio")]
            if f:
                v = _median(f)
                row(f"circulant K = {kk}: time / raw FFTW on the same transforms", "≤ 1.1",
                    f"{v:.2f}", v <= 1.1)
    cases = {}
    for d in ffn_rows:
        cases.setdefault((d["threads"], d["params"]["blocks"]), []).append(d)
    for (t, b), r in sorted(cases.items()):
        s = _median([d["speedup"] for d in r])
        want = 0.7 * r[0]["param_ratio"]
        row(f"Monarch FFN d = 1024, n = 256, b = {b}, {t} thread(s): speedup vs dense FFN",
            f"≥ {want:.3g}× (0.7 × {r[0]['param_ratio']:.3g})", f"{s:.3g}×", s >= want)
    return ["| target | wanted | measured | met |", "|---|---:|---:|---|"] + [
        "| " + " | ".join(b) + " |" for b in body]
