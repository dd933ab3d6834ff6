"""schema.org JSON-LD as shops write it, read the same way by the crawler and the extractor.

Shop themes (WooCommerce, Shopify, Yoast's "@graph") describe the product a page sells in a
`<script type="application/ld+json">` block. Themes leave raw newlines inside strings, nest
the Product in lists and graphs, and type it "Product" or "http://schema.org/Product".
Standard library only: both `crawlers` and `nlp` import it.
"""

from __future__ import annotations

import json
from typing import Any

MAX_BLOCK = 200_000  # characters of one block: a product, not a site's whole catalogue
MAX_NODES = 2_000  # objects visited in one block


def parse_block(source: str | None) -> Any:
    """The block's JSON, or None when it is empty, too long or not JSON (never an error:
    markup is a hint, and a broken block must not cost the page)."""
    source = (source or "").strip()
    if not source or len(source) > MAX_BLOCK:
        return None
    try:
        return json.loads(source, strict=False)  # strict=False: raw newlines in strings
    except ValueError:
        return None


def first_product(data: Any) -> dict[str, Any] | None:
    """The first object typed Product, breadth first through lists, "@graph" and nesting."""
    queue, seen = [data], 0
    while queue and seen < MAX_NODES:
        node = queue.pop(0)
        seen += 1
        if isinstance(node, list):
            queue.extend(node)
        elif isinstance(node, dict):
            kind = node.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.rsplit("/", 1)[-1] == "Product" for k in kinds):
                return node
            queue.extend(v for v in node.values() if isinstance(v, (list, dict)))
    return None
