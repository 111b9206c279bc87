"""Wall-clock timing of one call, repeated: the unit every benchmark figure is made of."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(fn: Callable[[], object], *, repeat: int = 5) -> dict[str, float]:
    """Run ``fn`` ``repeat`` times; min and median wall time in milliseconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return {"min_ms": round(min(times), 3), "median_ms": round(statistics.median(times), 3)}
