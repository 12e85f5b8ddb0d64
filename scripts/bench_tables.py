#!/usr/bin/env python3
# bench_tables.py: markdown tables from lacuna-bench/1 JSON lines (lacuna bench ... --json,
# lacuna report --json FILE), so the figures in docs/ are generated, never typed.
"""usage:
  bench_tables.py KIND FILE...        print one table (KIND: paradox, mm, stream, peers,
                                      paradox-peers, targets, structure, decode,
                                      targets-structured)
  bench_tables.py --update DOC.md     regenerate every table block of DOC.md in place
  bench_tables.py --check DOC.md      exit 1 when a block of DOC.md is out of date

A table block in a markdown file is
  <!-- table: KIND FILE... -->
  (generated lines)
  <!-- end table -->
with FILE paths relative to the markdown file (a block whose FILE does not exist yet holds a
placeholder line). FILE '-' reads standard input (KIND mode)."""
import json
import math
import os
import re
import sys

import bench_tables_nn
import bench_tables_struct

# Section 10.1 of the chapter: sparsity -> "actual speedup" (no row for 70%).
CHAPTER_ACTUAL = {50: 1.1, 90: 1.8, 95: 2.3, 99: 3.5}
PARADOX_SPARSITY = (50, 70, 90, 95, 99)


def load(paths):
    rows = []
    for path in paths:
        f = sys.stdin if path == "-" else open(path, encoding="utf-8")
        with f:
            for num, line in enumerate(f, 1):
                line = line.strip()
                if not line.startswith("{"):
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as ex:
                    sys.exit(f"{path}:{num}: not JSON ({ex})")
                if str(obj.get("schema", "")).startswith(("lacuna-bench/", "lacuna-prune-eval/",
                                                          "lacuna-generate/",
                                                          "lacuna-bench-ffn/")):
                    rows.append(obj)
    return rows


def num(v, digits=3):
    """Three significant digits like C's %.3g; '—' for null/NaN."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    return f"{v:.{digits}g}"


def times(v):
    s = num(v)
    return s if s == "—" else s + "×"


def ms(v):
    return "—" if v is None else f"{v * 1e3:.4g}"


def table(header, align, body):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in body]
    return out


def paradox(rows):
    """The sparsity paradox: CSR speedups at n = 256 and n = 1, plain and with lc_mat_optimize,
    beside section 10.1; efficiency of the optimised matrix (the plain one when there is none)."""
    cells = {}
    for d in rows:
        if d.get("op") != "mm" or d.get("format") != "csr" or d.get("n") not in (256, 1):
            continue
        pct = round(100 * d["sparsity"])
        if pct in PARADOX_SPARSITY:
            # a later measurement replaces an earlier one
            cells[(pct, d["n"], bool(d.get("optimized")))] = d

    def pair(pct, n):
        plain, opt = cells.get((pct, n, False)), cells.get((pct, n, True))
        text = f"{times(plain and plain['speedup'])} / {times(opt and opt['speedup'])}"
        return text, opt or plain

    body = []
    for pct in PARADOX_SPARSITY:
        (wide_s, wide), (one_s, one) = pair(pct, 256), pair(pct, 1)
        if not wide and not one:
            continue
        any_ = wide or one
        body.append([f"{pct}%", times(any_["theoretical_speedup"]),
                     times(CHAPTER_ACTUAL.get(pct)), wide_s, one_s,
                     num(wide and wide["efficiency"], 2), num(one and one["efficiency"], 2)])
    return table(["sparsity", "theoretical speedup", "chapter 10.1 actual",
                  "lacuna n=256 (plain / optimized)", "lacuna n=1 (plain / optimized)",
                  "efficiency n=256", "efficiency n=1"],
                 ["---:"] * 7, body)


def mm(rows):
    """Every mm measurement, one row each; GB/s also as a fraction of the read bandwidth
    (lacuna bench stream) at the same thread count when the input holds a stream line."""
    streams = {}
    for d in rows:
        if d.get("op") == "stream":
            streams.setdefault(d["threads"], []).append(d["gbytes_per_s"])
    # The mean of the stream runs at that thread count (they drift: see "The machine").
    stream_gbs = {t: sum(v) / len(v) for t, v in streams.items()}
    body = []
    for d in rows:
        if d.get("op") != "mm":
            continue
        peak = stream_gbs.get(d["threads"])
        frac = "—" if not peak or d["gbytes_per_s"] is None else f"{d['gbytes_per_s'] / peak:.0%}"
        what = d["params"].get("mtx") or f"random {d['m']}×{d['k']}"
        storage = d.get("storage", "plain") if d.get("optimized") else "—"
        body.append([d["format"], os.path.basename(what), f"{d['density']:.3g}", str(d["n"]),
                     d["layout"], storage, str(d["threads"]), d["isa"], ms(d["time_s"]),
                     ms(d["dense_time_s"]), times(d["speedup"]),
                     times(d["theoretical_speedup"]), num(d["efficiency"], 2),
                     num(d["gflops"]), num(d["gbytes_per_s"]), frac,
                     num(d["max_rel_err"], 2)])
    return table(["format", "matrix", "density", "n", "layout", "optimized to", "threads", "isa",
                  "time ms", "dense ms", "speedup", "theoretical", "efficiency", "GFLOP/s",
                  "GB/s", "of stream", "max_rel_err"],
                 ["---", "---", "---:", "---:", "---", "---", "---:", "---", "---:", "---:",
                  "---:", "---:", "---:", "---:", "---:", "---:", "---:"], body)


def stream(rows):
    """Read bandwidth (lacuna bench stream)."""
    body = []
    for d in rows:
        if d.get("op") != "stream":
            continue
        body.append([f"{d['bytes'] / 2**20:.0f} MiB", str(d["threads"]), d["isa"],
                     d.get("kernel", ""), num(d["gbytes_per_s"]),
                     num(d.get("max_gbytes_per_s")), ms(d["time_s"]), str(d["reps"])])
    return table(["buffer", "threads", "isa", "kernel", "GB/s (median)", "GB/s (best)",
                  "time ms", "passes"],
                 ["---:", "---:", "---", "---", "---:", "---:", "---:", "---:"], body)


# ---- lacuna beside its peers (bench/peers.sh) ----

PEERS = ("scipy", "eigen", "librsb")


def matrix_name(d):
    """The matrix of a line: its "matrix" field, else what lacuna bench mm names it."""
    if d.get("matrix"):
        return d["matrix"]
    p = d.get("params", {})
    if p.get("mtx"):
        base = os.path.basename(p["mtx"])
        base = base[:-3] if base.endswith(".gz") else base
        return base[:-4] if base.endswith(".mtx") else base
    law = f"-a{p['exponent']:g}" if p.get("pattern") == "powerlaw" else ""
    return (f"{p.get('pattern', 'uniform')}-{d['m']}x{d['k']}-d{p.get('density', 0):g}{law}"
            f"-s{p.get('seed', 1)}")


def cases(rows):
    """(matrix, n, threads) -> {"plain", "opt": lacuna lines, peer name: peer line}, in the
    order the cases first appear. A side measured several times (bench/peers.sh --rounds) is
    represented by its fastest round (each round's time is already a median of repetitions;
    the host's noise only ever slows a round down, so the fastest is the least disturbed, and
    every side gets the same rule). Every line
    of a case must count the same nonzeros (the same matrix), or the table would compare
    different products."""
    runs = {}
    for d in rows:
        if d.get("op") == "mm" and d.get("format") == "csr" and d.get("layout", "cols") == "cols":
            side = "opt" if d.get("optimized") else "plain"
        elif d.get("op") == "peer" and d.get("peer") in PEERS:
            side = d["peer"]
        else:
            continue
        key = (matrix_name(d), d["n"], d["threads"])
        runs.setdefault(key, {}).setdefault(side, []).append(d)
    out = {}
    for key, sides in runs.items():
        nnz = {d["nnz"] for ds in sides.values() for d in ds}
        if len(nnz) > 1:
            sys.exit(f"bench_tables: {key[0]} n={key[1]}: the lines count different nonzeros "
                     f"{sorted(nnz)}: not the same matrix")
        out[key] = {side: fastest_round(ds) for side, ds in sides.items()}
    return out


def fastest_round(ds):
    """The line with the least time_s among one side's rounds (a line without one: last)."""
    timed = [d for d in ds if d.get("time_s")]
    return min(timed, key=lambda d: d["time_s"]) if timed else ds[-1]


def lacuna_line(c):
    """The lacuna measurement a case is judged by: the optimised one when there is one."""
    return c.get("opt") or c.get("plain")


def best_peer(c):
    timed = [(c[p]["time_s"], p) for p in PEERS if p in c and c[p].get("time_s")]
    return min(timed) if timed else (None, None)


def peer_ms(d):
    """Milliseconds; † when the peer ran fewer threads than asked (threads_used)."""
    if not d:
        return "—"
    used = d.get("threads_used")
    return ms(d["time_s"]) + ("†" if used is not None and 0 < used < d["threads"] else "")


def percent(fraction):
    """50%, 99.6%, 99.95%: enough digits that only a full matrix reads 0% or 100%."""
    digits = 3
    while digits < 8 and f"{100 * fraction:.{digits}g}" in ("100", "0") and 0 < fraction < 1:
        digits += 1
    return f"{100 * fraction:.{digits}g}%"


def ratio(a, b):
    return a / b if a and b else None


def peers(rows):
    """One row per case: lacuna (plain / optimised), dense OpenBLAS, each sparse peer, and
    lacuna's speedup over dense and over the best sparse peer (> 1: lacuna is faster)."""
    body = []
    for (name, n, threads), c in cases(rows).items():
        lac = lacuna_line(c)
        if not lac:
            continue
        best_t, best = best_peer(c)
        plain, opt = c.get("plain"), c.get("opt")
        body.append([name, percent(lac["sparsity"]), str(lac["nnz"]), str(n), str(threads),
                     f"{ms(plain and plain['time_s'])} / {ms(opt and opt['time_s'])}",
                     ms(lac["dense_time_s"]), times(ratio(lac["dense_time_s"], lac["time_s"])),
                     *(peer_ms(c.get(p)) for p in PEERS), best or "—",
                     times(ratio(best_t, lac["time_s"]))])
    return table(["matrix", "sparsity", "nnz", "n", "threads", "lacuna ms (plain / opt)",
                  "dense ms", "lacuna vs dense", "scipy ms", "eigen ms", "librsb ms",
                  "best peer", "lacuna vs best peer"],
                 ["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:",
                  "---:", "---", "---:"], body)


def paradox_peers(rows):
    """The sparsity paradox with the peers: speedup over dense OpenBLAS (dense_time_s of the
    lacuna line, same run) of lacuna and of the best sparse peer, at n = 1 and n = 256, on the
    uniform random matrices, per thread count."""
    cells = {}
    for (name, n, threads), c in cases(rows).items():
        lac = lacuna_line(c)
        if (not lac or lac.get("op") != "mm" or n not in (1, 256) or lac["params"].get("mtx")
                or lac["params"].get("pattern", "uniform") != "uniform"):
            continue
        pct = round(100 * lac["sparsity"])
        if pct in PARADOX_SPARSITY:
            cells[(threads, pct, n)] = c

    def lacuna_cell(c):
        lac = c and lacuna_line(c)
        return times(lac and ratio(lac["dense_time_s"], lac["time_s"]))

    def peer_cell(c):
        if not c:
            return "—"
        best_t, best = best_peer(c)
        s = times(ratio(lacuna_line(c)["dense_time_s"], best_t))
        return s if s == "—" else f"{s} ({best})"

    body = []
    for threads in sorted({k[0] for k in cells}):
        for pct in PARADOX_SPARSITY:
            one, wide = cells.get((threads, pct, 1)), cells.get((threads, pct, 256))
            if not one and not wide:
                continue
            any_ = lacuna_line(one or wide)
            body.append([f"{pct}%", str(threads), times(any_["theoretical_speedup"]),
                         times(CHAPTER_ACTUAL.get(pct)), lacuna_cell(one), lacuna_cell(wide),
                         peer_cell(one), peer_cell(wide)])
    return table(["sparsity", "threads", "theoretical speedup", "chapter 10.1 actual",
                  "lacuna n=1", "lacuna n=256", "best peer n=1", "best peer n=256"],
                 ["---:"] * 8, body)


# ---- structure vs random sparsity at equal density (issue 9) ----

def structure_name(d):
    isa = "" if d.get("isa", "avx512") == "avx512" else f" ({d['isa']})"
    return structure_base(d) + isa


def structure_base(d):
    p = d["params"]
    if d["format"] == "bsr":
        return f"bsr {p.get('block_rows')}×{p.get('block_cols')}"
    if d["format"] == "nm":
        v = p.get("nm_rows", 1)
        return f"{p.get('nm_n')}:{p.get('nm_m')}" + (f" v={v}" if v > 1 else "")
    return d["format"] + (" (optimized)" if d.get("optimized") else "")


def median(values):
    v = sorted(values)
    return None if not v else v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2


def structured_cases(rows):
    """The 4096² n = 256 measurements grouped by case (structure, density, n, threads): the
    median run by time stands for a case measured more than once."""
    groups = {}
    for d in rows:
        if d.get("op") != "mm" or d["format"] not in ("csr", "bsr", "nm") or d["n"] < 8:
            continue
        key = (structure_name(d), round(d["density"], 4), d["m"], d["k"], d["n"], d["threads"])
        groups.setdefault(key, []).append(d)
    out = {}
    for key, ds in groups.items():
        ds = sorted(ds, key=lambda d: d["time_s"])
        out[key] = (ds[(len(ds) - 1) // 2], len(ds))
    return out


def structure(rows):
    """Random (CSR) against block (BSR) and N:M sparsity at the same density: speedup over
    dense OpenBLAS in the same run, theoretical speedup and efficiency (speedup over
    theoretical), one row per case (the median run when measured several times), densest
    first."""
    body = []
    cs = structured_cases(rows)
    order = {"csr": 0, "csr (optimized)": 0}
    keys = sorted(cs, key=lambda k: (-k[1], k[4], k[5], order.get(k[0], 1),
                                     k[0].startswith("bsr"), k[0]))
    for key in keys:
        d, count = cs[key]
        body.append([percent(1 - d["density"]), structure_name(d), f"{d['m']}×{d['k']}",
                     str(d["n"]), str(d["threads"]), ms(d["time_s"]), ms(d["dense_time_s"]),
                     times(d["speedup"]), times(d["theoretical_speedup"]),
                     num(d["efficiency"], 2), num(d["gflops"]), str(count)])
    return table(["sparsity", "structure", "matrix", "n", "threads", "time ms", "dense ms",
                  "speedup", "theoretical", "efficiency", "GFLOP/s", "runs"],
                 ["---:", "---", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:",
                  "---:", "---:"], body)


def decode_runs(rows):
    """SpMV (n = 1) lines with the stream bandwidth around them: the mean of the nearest
    `bench stream` lines before and after at the same thread count, in file order."""
    out = []
    for i, d in enumerate(rows):
        if d.get("op") != "mm" or d["n"] != 1:
            continue
        near = []
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(rows):
                if rows[j].get("op") == "stream" and rows[j]["threads"] == d["threads"]:
                    near.append(rows[j]["gbytes_per_s"])
                    break
                j += step
        out.append((d, sum(near) / len(near) if near else None))
    return out


def decode(rows):
    """SpMV beyond the L3: bandwidth on the bytes executed, as a fraction of `bench stream`
    around it, and the speedup over OpenBLAS sgemv in the same run; the median of the
    rounds per case."""
    groups = {}
    for d, peak in decode_runs(rows):
        key = (structure_name(d) if d["format"] != "dense" else "dense", round(d["density"], 4),
               d["m"], d["threads"])
        groups.setdefault(key, []).append((d, peak))
    body = []
    for key in sorted(groups, key=lambda k: (k[3], -k[1], k[0])):
        runs = groups[key]
        d = runs[0][0]
        frac = median([r["gbytes_per_s"] / p for r, p in runs if p])
        body.append([key[0], f"{d['m']}×{d['k']}", percent(1 - d["density"]), str(d["threads"]),
                     num(median([r["gbytes_per_s"] for r, _ in runs])),
                     num(median([p for _, p in runs if p])),
                     "—" if frac is None else f"{frac:.0%}",
                     times(median([r["speedup"] for r, _ in runs])), str(len(runs))])
    return table(["structure", "matrix", "sparsity", "threads", "GB/s", "stream GB/s",
                  "of stream", "vs sgemv", "runs"],
                 ["---", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"], body)


def targets_structured(rows):
    """Each speed target of the structured-sparsity issue (medians of the repeated runs) and
    whether it is met."""
    body = []

    def row(what, target, value, ok):
        body.append([what, target, value, "yes" if ok else "**no**"])

    cs = structured_cases(rows)
    for b in (16, 32):
        for dens, want, eff in ((0.5, 1.8, 0.9), (0.1, 8.0, 0.8)):
            for t in (1, 2):
                c = cs.get((f"bsr {b}×{b}", dens, 4096, 4096, 256, t))
                if c:
                    d = c[0]
                    row(f"BSR {b}×{b}, {percent(1 - dens)} block sparsity, n = 256, {t} thread(s)",
                        f"≥ {want:g}× (efficiency ≥ {eff:g})",
                        f"{times(d['speedup'])} ({num(d['efficiency'], 2)})",
                        d["speedup"] >= want and d["efficiency"] >= eff)
    for v, want in ((1, 1.5), (4, 1.8)):
        for t in (1, 2):
            c = cs.get(("2:4" + (f" v={v}" if v > 1 else ""), 0.5, 4096, 4096, 256, t))
            if c:
                d = c[0]
                row(f"2:4, v = {v}, n = 256, {t} thread(s), vs dense sgemm", f"≥ {want:g}×",
                    times(d["speedup"]), d["speedup"] >= want)
    groups = {}
    for d, peak in decode_runs(rows):
        if d["format"] != "dense" and peak:
            groups.setdefault((structure_name(d), d["m"], d["threads"]), []).append((d, peak))
    for (name, m, t), runs in sorted(groups.items(), key=lambda kv: (kv[0][2], kv[0][0])):
        frac = median([d["gbytes_per_s"] / p for d, p in runs])
        row(f"SpMV {name}, {m}×{m}, n = 1, {t} thread(s): GB/s of stream", "≥ 85%",
            f"{frac:.0%}", frac >= 0.85)
        if name.startswith("2:4") and "v=" not in name:
            sp = median([d["speedup"] for d, _ in runs])
            row(f"SpMV {name}, {m}×{m}, n = 1, {t} thread(s), vs dense sgemv", "≥ 1.65×",
                times(sp), sp >= 1.65)
    return table(["target", "wanted", "measured", "met"], ["---", "---:", "---:", "---"], body)


# ---- issue 8's targets, checked against the measurements ----

SPMM_TARGETS = ((50, 0.9), (70, 2.0), (90, 6.0), (95, 10.0), (99, 30.0))


def targets(rows):
    """Each speed target of the unstructured-sparsity issue, the figure measured for it and
    whether it is met. lacuna's figure is its optimised run when there is one (what
    lc_mat_optimize kept), as in the peers tables."""
    body = []
    cs = cases(rows)

    def uniform(c, n):
        lac = lacuna_line(c)
        return (lac and lac["params"].get("pattern", "uniform") == "uniform"
                and not lac["params"].get("mtx") and lac["m"] == 4096 and lac["n"] == n)

    def row(what, target, value, ok):
        body.append([what, target, value, "yes" if ok else "**no**"])

    # SpMM against dense sgemm, 4096×4096, n = 256.
    for pct, want in SPMM_TARGETS:
        for threads in (1, 2):
            c = next((c for (name, n, t), c in cs.items()
                      if t == threads and uniform(c, 256)
                      and round(100 * lacuna_line(c)["sparsity"]) == pct), None)
            if not c:
                continue
            lac = lacuna_line(c)
            sp = ratio(lac["dense_time_s"], lac["time_s"])
            row(f"SpMM {pct}%, n = 256, {threads} thread(s), vs dense sgemm", f"≥ {want:g}×",
                times(sp), sp is not None and sp >= want)
    # 1 -> 2 threads on SpMM.
    for pct, _ in SPMM_TARGETS:
        for n in (64, 256):
            one = next((c for (name, nn, t), c in cs.items() if t == 1 and uniform(c, n)
                        and round(100 * lacuna_line(c)["sparsity"]) == pct), None)
            two = next((c for (name, nn, t), c in cs.items() if t == 2 and uniform(c, n)
                        and round(100 * lacuna_line(c)["sparsity"]) == pct), None)
            if one and two:
                sc = ratio(lacuna_line(one)["time_s"], lacuna_line(two)["time_s"])
                row(f"SpMM {pct}%, n = {n}: 1 → 2 threads", "≥ 1.8×", times(sc),
                    sc is not None and sc >= 1.8)
    # SpMV bandwidth on a matrix beyond the L3, as a fraction of stream at the same threads:
    # each run against the streams measured just before and after it; several rounds
    # (bench/measure.sh) give the median run by that fraction.
    large = {}
    for d, peak in decode_runs(rows):
        # The case: a random matrix of at least 4× the L3 (65536² at 0.5%: 172 MB).
        if d["params"].get("mtx") or d["m"] < 65536 or not peak:
            continue
        key = (d["threads"], bool(d.get("optimized")))
        large.setdefault(key, []).append((d["gbytes_per_s"] / peak, d, peak))
    for (threads, opt), runs in sorted(large.items()):
        runs.sort(key=lambda r: r[0])
        frac, d, peak = runs[(len(runs) - 1) // 2]
        want = 0.85 if opt else 0.70
        rounds = f", median of {len(runs)}" if len(runs) > 1 else ""
        row(f"SpMV {d['m']}×{d['k']} ({d['nnz']} nonzeros), {threads} thread(s), "
            f"{'optimized (' + d.get('storage', '') + ')' if opt else 'plain CSR'}"
            f": GB/s of stream ({peak:.3g} GB/s)", f"≥ {want:.0%}",
            f"{frac:.0%} ({d['gbytes_per_s']:.3g} GB/s{rounds})", frac >= want)
    # Power-law against uniform at the same size and density: time per nonzero.
    for (name, n, threads), c in cs.items():
        lac = lacuna_line(c)
        if lac["params"].get("pattern") != "powerlaw":
            continue
        u = next((cu for (nu, nn, t), cu in cs.items() if nn == n and t == threads
                  and lacuna_line(cu)["params"].get("pattern", "uniform") == "uniform"
                  and not lacuna_line(cu)["params"].get("mtx")
                  and lacuna_line(cu)["m"] == lac["m"]
                  and abs(lacuna_line(cu)["density"] - lac["density"]) < 1e-9), None)
        if not u:
            continue
        ul = lacuna_line(u)
        r = (lac["time_s"] / lac["nnz"]) / (ul["time_s"] / ul["nnz"])
        row(f"power-law vs uniform {percent(lac['sparsity'])}, n = {n}, {threads} thread(s): "
            "time per nonzero", "≤ 1.3×", times(r), r <= 1.3)
    # Against the best sparse peer, every case.
    for threads in sorted({t for (_, _, t) in cs}):
        won = total = 0
        for (name, n, t), c in cs.items():
            best_t, _ = best_peer(c)
            if t != threads or best_t is None:
                continue
            total += 1
            won += lacuna_line(c)["time_s"] <= best_t
        if total:
            row(f"faster than every sparse peer, {threads} thread(s)", "every case",
                f"{won} of {total} cases", won == total)
    return table(["target", "wanted", "measured", "met"], ["---", "---:", "---:", "---"], body)


KINDS = {"paradox": paradox, "mm": mm, "stream": stream, "peers": peers,
         "paradox-peers": paradox_peers, "targets": targets, "structure": structure,
         "decode": decode, "targets-structured": targets_structured,
         "accuracy": bench_tables_nn.accuracy, "generation": bench_tables_nn.generation,
         "targets-models": bench_tables_nn.targets_models,
         "families": bench_tables_struct.families, "monarch-ffn": bench_tables_struct.ffn,
         "budget": bench_tables_struct.budget, "targets-structure": bench_tables_struct.targets}
BLOCK = re.compile(r"(<!-- table: *(\S+)((?: +\S+)*) *-->\n)(.*?)(<!-- end table -->)", re.S)


def render(kind, paths):
    if kind not in KINDS:
        sys.exit(f"bench_tables: unknown table kind '{kind}' ({', '.join(KINDS)})")
    rows = load(paths)
    if not rows:
        sys.exit(f"bench_tables: no lacuna-bench objects in {' '.join(paths)}")
    return "\n".join(KINDS[kind](rows)) + "\n"


def update(doc, check):
    base = os.path.dirname(os.path.abspath(doc))
    with open(doc, encoding="utf-8") as f:
        text = f.read()

    def repl(m):
        names = m.group(3).split()
        missing = [p for p in names if not os.path.exists(os.path.join(base, p))]
        if missing:
            # A table whose measurements are not committed yet (make peers writes them):
            # a placeholder, so the document stays consistent until they are.
            print(f"bench_tables: {doc}: no {', '.join(missing)} yet", file=sys.stderr)
            return (m.group(1) + f"*(no measurements yet: {', '.join(missing)} is not in the "
                    "repository)*\n" + m.group(5))
        paths = [os.path.join(base, p) for p in names]
        return m.group(1) + render(m.group(2), paths) + m.group(5)

    new, count = BLOCK.subn(repl, text)
    if count == 0:
        sys.exit(f"bench_tables: no '<!-- table: ... -->' block in {doc}")
    if check:
        if new != text:
            sys.exit(f"bench_tables: {doc} is out of date (run bench_tables.py --update {doc})")
        return
    if new != text:
        with open(doc, "w", encoding="utf-8") as f:
            f.write(new)
    print(f"bench_tables: {doc}: {count} table(s) {'updated' if new != text else 'up to date'}")


def main(argv):
    if len(argv) == 2 and argv[0] in ("--update", "--check"):
        update(argv[1], argv[0] == "--check")
    elif len(argv) >= 2 and not argv[0].startswith("-"):
        sys.stdout.write(render(argv[0], argv[1:]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
