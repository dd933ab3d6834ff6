"""Scrapy project: one generic spider (`market`) driven by `crawlers/markets/<market>.yaml`.

Parsing lives in pure functions (`crawlers.parsing`, `crawlers.pages`) so it can be tested on
saved HTML; the spider only routes; pipelines write staging files and WARC evidence.
"""
