"""Type check with a baseline that may only go down (issue 16).

mypy runs over the layers with logic (``analysis``, ``store``, ``ingest``, the pure ``filters``
and ``reports``); its errors are counted per file and compared with ``tools/mypy-baseline.json``.
A file with more errors than its baseline — or errors in a file that has none there — fails the
check; a file with fewer prints a reminder to lower the baseline (``--update`` writes it).

    uv run --frozen python tools/typecheck.py [--update]
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "tools" / "mypy-baseline.json"
TARGETS = [
    "ostan_dash/analysis",
    "ostan_dash/store",
    "ostan_dash/ingest",
    "ostan_dash/filters.py",
    "ostan_dash/reports",
]
_ERROR = re.compile(r"^(?P<file>[^:]+):\d+: error: ")


def run_mypy() -> tuple[Counter[str], str]:
    """mypy's errors per file, and its whole output."""
    out = subprocess.run(
        [sys.executable, "-m", "mypy", *TARGETS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    text = out.stdout + out.stderr
    counts: Counter[str] = Counter()
    for line in text.splitlines():
        m = _ERROR.match(line)
        if m:
            counts[m["file"]] += 1
    if out.returncode not in (0, 1) or (out.returncode == 1 and not counts):
        raise SystemExit(f"mypy gick inte att köra:\n{text}")
    return counts, text


def compare(counts: Counter[str], baseline: dict[str, int]) -> tuple[list[str], list[str]]:
    """(worse, better): files above their baseline, and files below it."""
    worse = [
        f"{f}: {n} fel (baslinjen tillåter {baseline.get(f, 0)})"
        for f, n in sorted(counts.items())
        if n > baseline.get(f, 0)
    ]
    better = [
        f"{f}: {counts.get(f, 0)} fel (baslinjen {n})"
        for f, n in sorted(baseline.items())
        if counts.get(f, 0) < n
    ]
    return worse, better


def main(argv: list[str]) -> int:
    counts, text = run_mypy()
    if "--update" in argv:
        BASELINE.write_text(json.dumps(dict(sorted(counts.items())), indent=1) + "\n")
        print(f"Baslinjen skriven: {sum(counts.values())} fel i {len(counts)} filer")
        return 0
    baseline = json.loads(BASELINE.read_text())
    worse, better = compare(counts, baseline)
    total, allowed = sum(counts.values()), sum(baseline.values())
    if worse:
        print(text)
        print("Typkontrollen hittade nya fel:\n  " + "\n  ".join(worse))
        return 1
    print(f"Typkontroll: {total} fel, baslinjen {allowed}.")
    if better:
        print(
            "Färre fel än baslinjen – sänk den med `python tools/typecheck.py --update`:\n  "
            + "\n  ".join(better)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
