"""Charts for the report as inline HTML/SVG: no scripts, no external files, email-safe."""

from __future__ import annotations

from typing import Any

from reports.countries import country_name


def heat_style(count: int, peak: int) -> str:
    """Inline CSS only: mail clients strip <style> blocks and scripts."""
    if count <= 0 or peak <= 0:
        return "background-color:#ffffff;color:#999999"
    alpha = 0.15 + 0.85 * count / peak
    text = "#ffffff" if alpha > 0.55 else "#000000"
    return f"background-color:rgba(190,20,20,{alpha:.2f});color:{text}"


def build_matrix(cells: list[dict[str, Any]], max_axis: int = 25) -> dict[str, Any]:
    """Rows = ship-from, columns = ship-to, both by descending total; cells with counts and style.

    Beyond `max_axis` rows/columns the rest are summed into "other" so the table stays readable.
    """
    counts = {(c["ship_from"], c["ship_to"]): int(c["flagged"]) for c in cells}

    def order(axis: int) -> list[str | None]:
        totals: dict[str | None, int] = {}
        for key, n in counts.items():
            totals[key[axis]] = totals.get(key[axis], 0) + n
        return sorted(totals, key=lambda k: (-totals[k], k is None, k or ""))

    rows, cols = order(0), order(1)
    if len(rows) > max_axis or len(cols) > max_axis:
        keep_r, keep_c = set(rows[:max_axis]), set(cols[:max_axis])
        folded: dict[tuple[str | None, str | None], int] = {}
        for (r, c), n in counts.items():
            key = (r if r in keep_r else "other", c if c in keep_c else "other")
            folded[key] = folded.get(key, 0) + n
        counts = folded
        rows, cols = order(0), order(1)
    peak = max(counts.values(), default=0)
    grid = [{"code": r, "name": "Other" if r == "other" else country_name(r),
             "cells": [{"to": c, "count": counts.get((r, c), 0),
                        "style": heat_style(counts.get((r, c), 0), peak)} for c in cols]}
            for r in rows]
    return {"columns": [{"code": c, "name": country_name(c)} for c in cols], "rows": grid}


def trend_svg(points: list[dict[str, Any]], width: int = 520, height: int = 150) -> dict[str, Any]:
    """Bars of flagged listings per week, as numbers the template draws into an inline <svg>."""
    peak = max((int(p["flagged"]) for p in points), default=0) or 1
    slot = width / max(1, len(points))
    plot = height - 34
    bars = []
    for i, p in enumerate(points):
        h = plot * int(p["flagged"]) / peak
        bars.append({"x": round(i * slot + slot * 0.15, 1), "w": round(slot * 0.7, 1),
                     "y": round(plot - h + 14, 1), "h": round(h, 1), "label": p["week"],
                     "value": int(p["flagged"]), "cx": round(i * slot + slot / 2, 1)})
    return {"width": width, "height": height, "bars": bars, "base": plot + 14}
