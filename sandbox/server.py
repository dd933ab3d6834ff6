"""HTTP server for a World: stdlib ThreadingHTTPServer on loopback, quiet, GET and HEAD."""

from __future__ import annotations

import hashlib
import ipaddress
import socket
import threading
import time
from http.cookies import SimpleCookie
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from sandbox.exceptions import UnsafeBindError
from sandbox.chaos import Chaos
from sandbox.html_common import break_html
from sandbox.jsmarket import JsBazaar
from sandbox.silkgate import COOKIE, SilkGate, parse_form
from sandbox.site import Response, Site, error_page, html
from sandbox.world import World


def apply_fault(response: Response, fault: str | None) -> Response:
    """Permanent chaos faults: markup broken, or UTF-8 declared as Latin-1."""
    if response.status != 200 or not response.content_type.startswith("text/html"):
        return response
    if fault == "malformed":
        return Response(200, response.content_type,
                        break_html(response.body.decode("utf-8")).encode("utf-8"))
    if fault == "wrong_charset":
        return Response(200, "text/html; charset=iso-8859-1",
                        response.body.replace(b'<meta charset="utf-8">', b""))
    return response


def check_loopback(host: str, force: bool = False) -> None:
    """Refuse non-loopback binds: the sandbox serves drug listings and must not face a network."""
    if force:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as exc:
        raise UnsafeBindError(f"cannot resolve bind host {host!r}: {exc}") from exc
    bad = sorted(a for a in addresses if not ipaddress.ip_address(a.split("%")[0]).is_loopback)
    if bad or not addresses:
        raise UnsafeBindError(f"refusing to bind {host!r} ({', '.join(bad)}): loopback only unless forced")


class _Handler(BaseHTTPRequestHandler):
    server_version = "SandboxMarket/1.0"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > 65536:  # the unread rest would be parsed as the next keep-alive request
            self.close_connection = True
        self._respond(send_body=True, body=self.rfile.read(min(length, 65536)))

    def _respond(self, send_body: bool, body: bytes = b"") -> None:
        srv: _Server = self.server   # type: ignore[assignment]
        fault = srv.chaos.fault_for(self.path) if srv.chaos is not None else None
        if fault is not None and self._transient(fault):
            return
        extra: list[tuple[str, str]] = []
        try:
            if self.path.startswith("/silkgate/"):
                response = self._silkgate(body, extra)
            elif self.path.startswith("/jsbazaar/"):
                response = srv.jsbazaar.handle(self.path)
            else:
                response = srv.site.handle(self.path)
        except Exception as exc:   # a generator bug must answer 500, not kill the connection
            response = html(error_page(500, f"sandbox error: {type(exc).__name__}"), 500)
        response = apply_fault(response, fault)
        srv.record(self.path, response.status)
        etag = f'"{hashlib.sha256(response.body).hexdigest()[:20]}"'
        if response.status == 200 and self.command == "GET" and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        if response.status == 200:
            self.send_header("ETag", etag)
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(response.body)

    def end_headers(self) -> None:
        # HTTP/1.1 keeps connections open: when this one ends here (an unread request body,
        # an HTTP/1.0 client), the client must be told, or it sends its next request into it.
        if self.close_connection and not any(
                h.lower().startswith(b"connection:") for h in getattr(self, "_headers_buffer", [])):
            self.send_header("Connection", "close")
        super().end_headers()

    def _silkgate(self, body: bytes, extra: list[tuple[str, str]]) -> Response:
        srv: _Server = self.server   # type: ignore[assignment]
        jar = SimpleCookie(self.headers.get("Cookie") or "")
        token = jar[COOKIE].value if COOKIE in jar else None
        status, text, new = srv.silkgate.handle(self.command, self.path.split("?")[0], token,
                                                parse_form(body))
        if new:
            extra.append(("Set-Cookie", f"{COOKIE}={new}; Path=/silkgate/; HttpOnly"))
        if status == 303:
            extra.append(("Location", "/silkgate/"))
        return html(text, status)

    def _transient(self, fault: str) -> bool:
        """Answer a transient chaos fault; True when the request is fully handled."""
        srv: _Server = self.server   # type: ignore[assignment]
        if fault == "slow":
            time.sleep(srv.chaos.slow_seconds)   # type: ignore[union-attr]
            return False
        if fault in ("http_500", "http_503", "http_429"):
            status = int(fault[5:])
            page = error_page(status, "chaos").encode()
            srv.record(self.path, status)
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", "1")
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
            return True
        if fault == "truncated":
            page = srv.site.handle(self.path).body
            srv.record(self.path, 200)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page[: len(page) // 2])
            self.close_connection = True
            return True
        return False

    def log_message(self, format: str, *args: object) -> None:
        pass   # quiet: tests and crawls make thousands of requests


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], site: Site, chaos: Chaos | None = None,
                 silkgate: SilkGate | None = None) -> None:
        self.site = site
        self.chaos = chaos
        self.silkgate = silkgate or SilkGate(site.world)
        self.jsbazaar = JsBazaar(site.world)
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        super().__init__(address, _Handler)

    def record(self, path: str, status: int) -> None:
        with self._lock:
            self.hits[path] += 1


class SandboxServer:
    """A running sandbox: `.base_url`, `.port`, `.hits` (path -> request count), `.stop()`."""

    def __init__(self, world: World, host: str = "127.0.0.1", port: int = 0, force: bool = False,
                 chaos: float = 0.0, captcha_every: int = 0) -> None:
        check_loopback(host, force)
        self.world = world
        self.chaos = Chaos(world.seed, chaos) if chaos else None
        self.silkgate = SilkGate(world, captcha_every)
        self._httpd = _Server((host, port), Site(world), self.chaos, self.silkgate)
        self.host = host
        self.port: int = self._httpd.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def hits(self) -> Counter[str]:
        return self._httpd.hits

    def start(self) -> "SandboxServer":
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="sandbox-http", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> "SandboxServer":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def serve_in_thread(world: World, host: str = "127.0.0.1", port: int = 0, force: bool = False,
                    chaos: float = 0.0, captcha_every: int = 0) -> SandboxServer:
    """`chaos`: share of paths with injected faults (sandbox/chaos.py); `captcha_every`: a
    SilkGate session meets a CAPTCHA after that many requests (0: never)."""
    return SandboxServer(world, host, port, force, chaos, captcha_every).start()


def serve_forever(world: World, host: str = "127.0.0.1", port: int = 0, force: bool = False) -> None:
    """Block serving until interrupted (KeyboardInterrupt propagates after the socket is closed)."""
    server = SandboxServer(world, host, port, force)
    try:
        server.serve_forever()
    finally:
        server.stop()
