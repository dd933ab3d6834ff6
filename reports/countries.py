"""Display names for the country codes the pipeline uses (ISO 3166-1 alpha-2, EU, WW)."""

from __future__ import annotations

import pycountry

_SPECIAL = {"EU": "European Union", "WW": "Worldwide"}


def country_name(code: str | None) -> str:
    if not code:
        return "Not stated"
    if code in _SPECIAL:
        return _SPECIAL[code]
    country = pycountry.countries.get(alpha_2=code)
    # Unknown codes are shown as-is rather than dropped: the report must not hide data.
    return getattr(country, "common_name", None) or getattr(country, "name", None) or code
