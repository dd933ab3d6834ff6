"""Scrapy settings for pharmwatch: polite by default; per-market YAML overrides politeness."""

from __future__ import annotations

BOT_NAME = "pharmwatch"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

USER_AGENT = (
    "pharmwatch/0.1 (+https://github.com/pharmwatch/pharmwatch; "
    "public-health research crawler for illicit medicine sales)"
)
ROBOTSTXT_OBEY = True

# Modest load on every site; the market YAML can lower (or raise) these per market.
CONCURRENT_REQUESTS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # +-50% so requests do not arrive in lockstep
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Scrapy hands each callback's output to CONCURRENT_ITEMS (default 100) asyncio worker tasks;
# our pipeline is synchronous, so they only cost task churn (~20% of CPU in a profile, bench/).
CONCURRENT_ITEMS = 4

RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
# Ask for identity encoding: the page SHA-256 and the WARC payload are then the page bytes
# exactly as served, not a gzip stream whose bytes depend on the server's compressor.
COMPRESSION_ENABLED = False
COOKIES_ENABLED = True
HTTPCACHE_ENABLED = False

# No control surfaces: nothing in a crawler process may listen on a port.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
    "crawlers.pipelines.RunFinalizer": 500,
}

DOWNLOADER_MIDDLEWARES = {
    # Scope is the market's allowed_prefixes (MarketSpider sets no allowed_domains), so Scrapy's
    # offsite check allowed every request and still cost ~2% of crawler CPU (bench/crawl.py).
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    # Retries with backoff and Retry-After, and a failure history per request.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.middlewares.BackoffRetryMiddleware": 550,
    # Before HttpProxyMiddleware (750): the market proxy goes on every request, robots.txt too.
    "crawlers.middlewares.MarketAccessMiddleware": 740,
    # Close to the downloader so that every raw response (retried 5xx, 3xx) is archived.
    "crawlers.evidence.WarcEvidenceMiddleware": 950,
}
# Interstitials (meta refresh) are recognised by the spider (crawlers/gate.py), not followed blindly.
METAREFRESH_ENABLED = False
PHARMWATCH_RETRY_BACKOFF = 0.5      # seconds, doubled per retry, +-20% jitter
PHARMWATCH_RETRY_BACKOFF_MAX = 30.0
ITEM_PIPELINES = {"crawlers.pipelines.StagingPipeline": 300}

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
LOGSTATS_INTERVAL = 30.0

# Where output goes and where market YAMLs live (overridable with -s / env).
PHARMWATCH_DATA = None
PHARMWATCH_MARKETS_DIR = None
PHARMWATCH_FRONTIER = None   # redis://127.0.0.1:6379/0 for a shared frontier (crawlers/frontier.py)
PHARMWATCH_WORKER = None
PHARMWATCH_FRONTIER_KEY = None  # per-run Redis key prefix (set by crawlers/frontier.py)
