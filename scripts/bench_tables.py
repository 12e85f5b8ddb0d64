#!/usr/bin/env python3
# bench_tables.py: markdown tables from lacuna-bench/1 JSON lines (lacuna bench ... --json,
# lacuna report --json FILE), so the figures in docs/ are generated, never typed.
"""usage:
  bench_tables.py KIND FILE...        print one table (KIND: paradox, mm, stream)
  bench_tables.py --update DOC.md     regenerate every table block of DOC.md in place
  bench_tables.py --check DOC.md      exit 1 when a block of DOC.md is out of date

A table block in a markdown file is
  <!-- table: KIND FILE... -->
  (generated lines)
  <!-- end table -->
with FILE paths relative to the markdown file. FILE '-' reads standard input (KIND mode)."""
import json
import math
import os
import re
import sys

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
                if str(obj.get("schema", "")).startswith("lacuna-bench/"):
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
    """The sparsity paradox: CSR speedups at n = 256 and n = 1 beside section 10.1."""
    cells = {}
    for d in rows:
        if d.get("op") != "mm" or d.get("format") != "csr" or d.get("n") not in (256, 1):
            continue
        pct = round(100 * d["sparsity"])
        if pct in PARADOX_SPARSITY:
            cells[(pct, d["n"])] = d  # a later measurement replaces an earlier one
    body = []
    for pct in PARADOX_SPARSITY:
        wide, one = cells.get((pct, 256)), cells.get((pct, 1))
        if not wide and not one:
            continue
        any_ = wide or one
        body.append([f"{pct}%", times(any_["theoretical_speedup"]),
                     times(CHAPTER_ACTUAL.get(pct)),
                     times(wide and wide["speedup"]), times(one and one["speedup"]),
                     num(wide and wide["efficiency"], 2), num(one and one["efficiency"], 2)])
    return table(["sparsity", "theoretical speedup", "chapter 10.1 actual", "lacuna n=256",
                  "lacuna n=1", "efficiency n=256", "efficiency n=1"],
                 ["---:"] * 7, body)


def mm(rows):
    """Every mm measurement, one row each; GB/s also as a fraction of the read bandwidth
    (lacuna bench stream) at the same thread count when the input holds a stream line."""
    stream_gbs = {d["threads"]: d["gbytes_per_s"] for d in rows if d.get("op") == "stream"}
    body = []
    for d in rows:
        if d.get("op") != "mm":
            continue
        peak = stream_gbs.get(d["threads"])
        frac = "—" if not peak or d["gbytes_per_s"] is None else f"{d['gbytes_per_s'] / peak:.0%}"
        what = d["params"].get("mtx") or f"random {d['m']}×{d['k']}"
        body.append([d["format"], os.path.basename(what), f"{d['density']:.3g}", str(d["n"]),
                     d["layout"], str(d["threads"]), d["isa"], ms(d["time_s"]),
                     ms(d["dense_time_s"]), times(d["speedup"]),
                     times(d["theoretical_speedup"]), num(d["efficiency"], 2),
                     num(d["gflops"]), num(d["gbytes_per_s"]), frac,
                     num(d["max_rel_err"], 2)])
    return table(["format", "matrix", "density", "n", "layout", "threads", "isa", "time ms",
                  "dense ms", "speedup", "theoretical", "efficiency", "GFLOP/s", "GB/s",
                  "of stream", "max_rel_err"],
                 ["---", "---", "---:", "---:", "---", "---:", "---", "---:", "---:", "---:",
                  "---:", "---:", "---:", "---:", "---:", "---:"], body)


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


KINDS = {"paradox": paradox, "mm": mm, "stream": stream}
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
        paths = [os.path.join(base, p) for p in m.group(3).split()]
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
