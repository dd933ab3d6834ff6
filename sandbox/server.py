"""HTTP server for a World: stdlib ThreadingHTTPServer on loopback, quiet, GET and HEAD."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from sandbox.exceptions import UnsafeBindError
from sandbox.site import Site, error_page, html
from sandbox.world import World


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

    def _respond(self, send_body: bool) -> None:
        srv: _Server = self.server   # type: ignore[assignment]
        try:
            response = srv.site.handle(self.path)
        except Exception as exc:   # a generator bug must answer 500, not kill the connection
            response = html(error_page(500, f"sandbox error: {type(exc).__name__}"), 500)
        srv.record(self.path, response.status)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if send_body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        pass   # quiet: tests and crawls make thousands of requests


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], site: Site) -> None:
        self.site = site
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        super().__init__(address, _Handler)

    def record(self, path: str, status: int) -> None:
        with self._lock:
            self.hits[path] += 1


class SandboxServer:
    """A running sandbox: `.base_url`, `.port`, `.hits` (path -> request count), `.stop()`."""

    def __init__(self, world: World, host: str = "127.0.0.1", port: int = 0, force: bool = False) -> None:
        check_loopback(host, force)
        self.world = world
        self._httpd = _Server((host, port), Site(world))
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


def serve_in_thread(world: World, host: str = "127.0.0.1", port: int = 0, force: bool = False) -> SandboxServer:
    return SandboxServer(world, host, port, force).start()


def serve_forever(world: World, host: str = "127.0.0.1", port: int = 0, force: bool = False) -> None:
    """Block serving until interrupted (KeyboardInterrupt propagates after the socket is closed)."""
    server = SandboxServer(world, host, port, force)
    try:
        server.serve_forever()
    finally:
        server.stop()
