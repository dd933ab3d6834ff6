"""Chaos option of the sandbox server: deterministic transient faults per path.

A path is chosen with probability `rate` (keyed by seed and path, so reruns see the same
faults). Transient faults (500, 503, 429 + Retry-After, slow answer, truncated body) hit the
first 1-2 requests of that path only: a crawler that retries gets the page in the end.
Permanent oddities (malformed HTML, a wrong charset declaration) are served every time.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

from sandbox.keys import stream

TRANSIENT = ("http_500", "http_503", "http_429", "slow", "truncated")
PERMANENT = ("malformed", "wrong_charset")


@dataclass
class Chaos:
    seed: int
    rate: float = 0.1
    slow_seconds: float = 3.0
    attempts: Counter[str] = field(default_factory=Counter)
    log: list[tuple[str, str, int]] = field(default_factory=list)  # (path, fault, attempt)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def plan(self, path: str) -> tuple[str, int] | None:
        """(fault, number of failing attempts) for a path, or None."""
        if path == "/robots.txt" or path.count("/") < 2:
            return None
        rng = stream(self.seed, "chaos", path)
        if rng.random() >= self.rate:
            return None
        fault = rng.choice(TRANSIENT + PERMANENT)
        return fault, (0 if fault in PERMANENT else rng.randint(1, 2))

    def fault_for(self, path: str) -> str | None:
        """The fault to inject into this request of `path` (counts attempts), or None."""
        planned = self.plan(path)
        with self._lock:
            self.attempts[path] += 1
            attempt = self.attempts[path]
            if planned is None:
                return None
            fault, failing = planned
            if fault in PERMANENT or attempt <= failing:
                self.log.append((path, fault, attempt))
                return fault
        return None
