"""WARC evidence: every HTTP response (and its request) of a run goes into one WARC file.

The downloader middleware sits close to the downloader (priority 950) so it sees every raw
response, including redirects, robots.txt and 5xx answers that are later retried.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawlers.exceptions import EvidenceError
from crawlers.pages import Evidence, utc_now
from crawlers.runinfo import RunInfo

logger = logging.getLogger(__name__)
META_KEY = "pharmwatch_evidence"
REDACT_KEY = "pharmwatch_redact_body"
# Hop-by-hop framing that Scrapy already undid: keeping it would make the stored record lie.
_DROP_HEADERS = {"transfer-encoding"}


def sha256_digest(body: bytes) -> tuple[str, str]:
    """(hex for items, `sha256:BASE32` for WARC-Payload-Digest) of the same bytes."""
    digest = hashlib.sha256(body)
    return digest.hexdigest(), "sha256:" + base64.b32encode(digest.digest()).decode("ascii")


class WarcFile:
    """Append-only WARC writer for one run; refuses to reopen an existing file."""

    def __init__(self, path: Path, relative: str):
        self.path = path
        self.relative = relative
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._fh: IO[bytes] = open(path, "xb")  # noqa: SIM115 (kept open for the run)
        except FileExistsError as exc:
            raise EvidenceError(f"WARC file {path} already exists; run ids must be unique") from exc
        self._writer = WARCWriter(self._fh, gzip=True, warc_version="1.1")
        self.records = 0

    def write_exchange(self, request: Request, response: Response) -> tuple[int, str]:
        """Write response + request records; return (response record offset, sha256 hex)."""
        body = response.body
        hex_digest, warc_digest = sha256_digest(body)
        http_headers = StatusAndHeaders(
            _status_line(response.status), _headers(response.headers),
            protocol=response.protocol or "HTTP/1.1",
        )
        resp = self._writer.create_warc_record(
            response.url, "response", payload=BytesIO(body), length=len(body),
            http_headers=http_headers,
            warc_headers_dict=_resp_warc_headers(warc_digest, response),
        )
        offset = self._fh.tell()
        self._writer.write_record(resp)
        # A login form's body holds the password: the record says it was redacted instead.
        redact = bool(request.meta.get(REDACT_KEY))
        req_body = b"" if redact else (request.body or b"")
        req_headers = {"WARC-Concurrent-To": resp.rec_headers.get_header("WARC-Record-ID")}
        if redact:
            req_headers["WARC-Pharmwatch-Redacted"] = "request body (credentials)"
        req = self._writer.create_warc_record(
            request.url, "request", payload=BytesIO(req_body), length=len(req_body),
            http_headers=StatusAndHeaders(
                f"{request.method} {_path(request.url)} HTTP/1.1", _headers(request.headers),
                is_http_request=True),
            warc_headers_dict=req_headers,
        )
        self._writer.write_record(req)
        self._fh.flush()
        self.records += 2
        return offset, hex_digest

    def write_rendered(self, request: Request, response: Response,
                       raw: list[dict[str, Any]]) -> tuple[int, str]:
        """A page rendered in chromium: the raw `response` records (the document, then what its
        scripts fetched) and a `conversion` record of the DOM the fields were read from.
        Returns (conversion record offset, its sha256 hex): items point at what they parsed."""
        main_id = None
        for exchange in raw:
            body = exchange["body"]
            headers = [(k, v) for k, v in exchange["headers"].items()
                       if k.lower() not in _DROP_HEADERS and k.lower() != "content-encoding"]
            extra = {"WARC-Payload-Digest": sha256_digest(body)[1]}
            if main_id is not None:
                extra["WARC-Concurrent-To"] = main_id
                extra["WARC-Pharmwatch-Fetched-By"] = "page script"
            rec = self._writer.create_warc_record(
                exchange["url"], "response", payload=BytesIO(body), length=len(body),
                http_headers=StatusAndHeaders(_status_line(exchange["status"]), headers,
                                              protocol="HTTP/1.1"),
                warc_headers_dict=extra)
            self._writer.write_record(rec)
            self.records += 1
            if main_id is None and exchange["navigation"]:
                main_id = rec.rec_headers.get_header("WARC-Record-ID")
        body = response.body
        hex_digest, warc_digest = sha256_digest(body)
        conv_headers = {"WARC-Payload-Digest": warc_digest,
                        "WARC-Pharmwatch-Rendered-By": "chromium (scrapy-playwright)"}
        if main_id is not None:
            conv_headers["WARC-Refers-To"] = main_id
        conv = self._writer.create_warc_record(
            response.url, "conversion", payload=BytesIO(body), length=len(body),
            warc_content_type="text/html; charset=utf-8", warc_headers_dict=conv_headers)
        offset = self._fh.tell()
        self._writer.write_record(conv)
        req = self._writer.create_warc_record(
            request.url, "request", payload=BytesIO(b""), length=0,
            http_headers=StatusAndHeaders(f"GET {_path(request.url)} HTTP/1.1",
                                          _headers(request.headers), is_http_request=True),
            warc_headers_dict={"WARC-Concurrent-To": conv.rec_headers.get_header("WARC-Record-ID")})
        self._writer.write_record(req)
        self._fh.flush()
        self.records += 2
        return offset, hex_digest

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            os.chmod(self.path, 0o444)  # evidence: read-only once the run is over


class WarcEvidenceMiddleware:
    """Archive every response; attach an `Evidence` to request.meta for the spider."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.warc: WarcFile | None = None
        if crawler.spider is not None and hasattr(crawler.spider, "run_id"):
            # Opened here, not on spider_opened: an error in a signal handler is only
            # logged, and a crawl without evidence must not start at all.
            info = RunInfo.from_spider(crawler.spider, crawler.settings)
            self.warc = WarcFile(info.warc_path, info.warc_relative)
            logger.info("writing WARC evidence to %s", info.warc_path)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "WarcEvidenceMiddleware":
        return cls(crawler)

    def spider_closed(self, spider: Any) -> None:
        if self.warc is not None:
            self.warc.close()

    def process_response(self, request: Request, response: Response) -> Response:
        if self.warc is None:
            return response
        if "playwright" in response.flags:
            from crawlers.js import raw_exchanges

            offset, hex_digest = self.warc.write_rendered(request, response,
                                                          raw_exchanges(request.meta))
        else:
            offset, hex_digest = self.warc.write_exchange(request, response)
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value("pharmwatch/pages")
            stats.inc_value("pharmwatch/bytes", len(response.body))
        request.meta[META_KEY] = Evidence(utc_now(), hex_digest, self.warc.relative, offset)
        return response


def count_pages(path: Path) -> tuple[int, int]:
    """(pages, payload bytes) archived in a WARC, as the middleware counted them: one request
    record per fetched page, bytes of the record it is concurrent to. A file cut short by a
    killed crawl counts up to its last whole record."""
    from warcio.archiveiterator import ArchiveIterator

    sizes: dict[str, int] = {}
    refs: list[str] = []
    try:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "request":
                    refs.append(record.rec_headers.get_header("WARC-Concurrent-To") or "")
                else:
                    sizes[record.rec_headers.get_header("WARC-Record-ID")] = \
                        len(record.content_stream().read())
    except Exception as exc:  # truncated gzip member of a SIGKILLed run: keep what was read
        logger.warning("%s: read up to a damaged tail (%s)", path, type(exc).__name__)
    return len(refs), sum(sizes.get(r, 0) for r in refs)


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _headers(headers: Any) -> list[tuple[str, str]]:
    out = []
    for key, values in headers.items():
        name = key.decode("latin-1")
        if name.lower() in _DROP_HEADERS:
            continue
        out.extend((name, v.decode("latin-1")) for v in values)
    return out


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _resp_warc_headers(digest: str, response: Response) -> dict[str, str]:
    headers = {"WARC-Payload-Digest": digest}
    ip = getattr(response, "ip_address", None)
    if ip is not None:
        headers["WARC-IP-Address"] = str(ip)
    return headers
