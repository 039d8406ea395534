"""``thekiz feed serve``: each coach's calendar at her secret address, read-only, over
the standard library's HTTP server.

``GET /feed/TOKEN.ics`` answers the calendar of the coach whose link ``TOKEN`` is: what
her session (``session.Session`` as her) sees of her own events and of the shared dates
she takes part in, from the first day of the month ``feed_past_months`` ago on, with her
reminder. Everything else answers the same 404 (a wrong token and an unknown path take
the same way through the code, and the token's digest is compared in constant time);
methods other than GET and HEAD answer 405.

A phone asks again every hour or so: the answer carries an ``ETag`` (of its content
without the DTSTAMPs, which change with every build) and a ``Last-Modified`` (when this
server first served that content), and a question with ``If-None-Match`` or
``If-Modified-Since`` gets 304. A built calendar is kept until the store, the feed book
or the day changes, so a 304 costs a few stat() calls. Bodies go gzipped to clients that
accept it.

Each address gets a token bucket (``burst`` requests, refilled by ``per_minute``): a
guesser gets 429 with ``Retry-After``. The log never holds a token: a request's path is
logged with the token replaced.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store.paths import stamp

from ..i18n import tr
from .book import Feed, FeedBook

if TYPE_CHECKING:
    from store import Store

    from ..remote.serverlog import ConnectionLog

FEED_PATH = re.compile(r"/feed/([A-Za-z0-9_-]{1,128})\.ics")
TOUCH_SECONDS = 60.0  # "last fetched" is written at most this often per link
MAX_ADDRESSES = 10_000  # buckets kept; beyond, full ones are dropped
MAX_CONNECTIONS = 64


# anything that could be a token, wherever it stands (``//feed/…``, a query, a typo)
_TOKENISH = re.compile(r"[A-Za-z0-9_-]{16,}")


def redact(text: str) -> str:
    """A request's path (or a line quoting it) as the log may hold it: every run of
    characters that could be a token hidden."""
    return _TOKENISH.sub("TOKEN", text)[:200]


@dataclass
class FeedOptions:
    db: Path
    host: str = "127.0.0.1"
    port: int = 8080
    burst: int = 20
    per_minute: float = 12.0
    behind_proxy: bool = False
    today: Any = None  # () -> date; the day the window starts from


class RateLimit:
    """A token bucket per address: ``burst`` at once, ``per_minute`` after."""

    def __init__(self, burst: int, per_minute: float) -> None:
        self.burst = float(burst)
        self.rate = per_minute / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}  # address: tokens, when
        self._lock = threading.Lock()

    def wait(self, address: str) -> float:
        """0 if ``address`` may go ahead now (one token taken), else seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(address, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[address] = (tokens - 1.0, now)
                self._forget(now)
                return 0.0
            self._buckets[address] = (tokens, now)
            return (1.0 - tokens) / self.rate if self.rate > 0 else 3600.0

    def _forget(self, now: float) -> None:
        if len(self._buckets) <= MAX_ADDRESSES:
            return
        for address, (tokens, last) in list(self._buckets.items()):
            if tokens + (now - last) * self.rate >= self.burst:
                del self._buckets[address]


@dataclass
class Built:
    """One coach's calendar as served: the body, gzipped, and its validators."""

    key: tuple[object, ...]
    body: bytes
    etag: str
    modified: datetime
    gzipped: bytes = field(default=b"", repr=False)


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, options: FeedOptions, log: ConnectionLog) -> None:
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.options = options
        self.log = log
        self.book = FeedBook(options.db)
        self.limit = RateLimit(options.burst, options.per_minute)
        self._built: dict[str, Built] = {}
        self._touched: dict[str, float] = {}
        self._build_lock = threading.Lock()
        self._store: Store | None = None
        if ":" in options.host:
            self.address_family = socket.AF_INET6
        super().__init__((options.host, options.port), FeedHandler)

    # A thread per connection, but not without end: beyond MAX_CONNECTIONS open at once
    # (a flood, or clients that connect and say nothing) a new one is closed at once.
    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line in the log, not socketserver's traceback on stderr (a client that
        hangs up mid-answer is no news)."""
        import sys

        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return
        self.log.event("feed-error", reason=redact(f"{type(error).__name__}: {error}"),
                       **{"from": str(client_address[0])})

    # -- the calendar ----------------------------------------------------------------------

    def today(self) -> date:
        return self.options.today() if self.options.today else date.today()

    def store(self) -> Store:
        """The store, opened once: it re-reads a file only when it changed on disk."""
        if self._store is None:
            from store import Store

            self._store = Store.open(self.options.db, create=False)
        return self._store

    def calendar(self, feed: Feed) -> Built:
        """Her calendar now: built again only when the store, her link or the day
        changed; its ETag and Last-Modified stay as long as its content does."""
        from store.paths import main_file

        key = (stamp(main_file(self.options.db)), feed.digest, feed.reminder, self.today())
        with self._build_lock:
            built = self._built.get(feed.coach)
            if built is not None and built.key == key:
                return built
            body, etag = self._build(feed)
            if built is None or built.etag != etag:
                now = datetime.now(UTC).replace(microsecond=0)
                built = Built(key, body, etag, now, gzip.compress(body, 6, mtime=0))
            else:
                built.key = key
            self._built[feed.coach] = built
            return built

    def _build(self, feed: Feed) -> tuple[bytes, str]:
        from ..ical.export import export_calendar
        from ..planning.select import select
        from ..planning.settings import Settings
        from ..session import Session

        session = Session(self.store(), today=self.today(), as_coach=feed.coach)
        store = session.store
        settings = Settings.from_store(store.settings())
        today = self.today()
        back = today.year * 12 + today.month - 1 - settings.feed_past_months
        start = date(back // 12, back % 12 + 1, 1) if back >= 12 else None  # (all of it)
        # hers first: a coordinator's session sees every event of the store
        events = select([e for e in session.events(start, None)
                         if feed.coach in e.coaches or feed.coach in e.participants],
                        start=start)
        events.sort(key=lambda e: (e.start, e.id))
        coaches = {c.id: c for c in store.coaches()}
        her = coaches.get(feed.coach)
        moment = datetime.now(UTC).replace(microsecond=0)
        body = export_calendar(
            events, coaches=coaches, kitas={k.id: k for k in store.kitas()},
            name=f"{settings.calendar_name} – {her.name if her else feed.coach}",
            now=moment,
            reminder_minutes=(settings.reminder_minutes if feed.reminder is None
                              else feed.reminder),
            refresh_minutes=settings.feed_refresh_minutes or None,
        )
        # the DTSTAMPs say when this copy was made: not a change of her calendar
        same = body.replace(f"\r\nDTSTAMP:{moment:%Y%m%dT%H%M%SZ}\r\n".encode(), b"\r\n")
        return body, hashlib.sha256(same).hexdigest()[:32]

    def fetched(self, feed: Feed) -> None:
        """``feed list``'s "last fetched", written at most once a minute per link."""
        now = time.monotonic()
        last = self._touched.get(feed.digest)
        if last is not None and now - last < TOUCH_SECONDS:
            return
        self._touched[feed.digest] = now
        try:
            self.book.touch(feed, datetime.now(UTC).isoformat(timespec="seconds"))
        except OSError as error:
            self.log.event("feed-book-error", reason=error.strerror or str(error))


class FeedHandler(BaseHTTPRequestHandler):
    server: FeedServer
    server_version = "thekiz-feed"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = 30  # a client that stops sending does not keep a thread for ever
    coach: str | None = None  # whose calendar this request got (for the log)

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def __getattr__(self, name: str) -> Any:
        # every other method (POST, PUT, DELETE, PROPFIND, …) is refused alike
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    # -- answers ---------------------------------------------------------------------------

    def _address(self) -> str:
        address = str(self.client_address[0])
        headers = getattr(self, "headers", None)  # (none yet: a broken request line)
        if self.server.options.behind_proxy and headers and address in ("127.0.0.1", "::1"):
            forwarded = str(headers.get("X-Forwarded-For", ""))
            if forwarded.strip():
                return forwarded.split(",")[-1].strip()[:64]
        return address

    def _not_allowed(self) -> None:
        self._plain(405, _body(tr("Nur GET und HEAD.")), with_body=True,
                    extra={"Allow": "GET, HEAD"})

    def _answer(self, *, with_body: bool) -> None:
        server = self.server
        self.coach = None  # (one connection may carry several requests)
        wait = server.limit.wait(self._address())
        if wait:
            self._plain(429, _body(tr("Zu viele Anfragen.")), with_body=with_body,
                        extra={"Retry-After": str(max(1, int(wait + 0.999)))})
            return
        match = FEED_PATH.fullmatch(self.path.split("?", 1)[0])
        # an unknown path is looked up like a wrong token: the same work, the same answer
        try:
            feed = server.book.find(match[1] if match else self.path)
        except Exception as error:  # a broken feed book: no link works, the log says why
            self.log_message("feed book: %s", error)
            feed = None
        if feed is None:
            self._plain(404, _body(tr("Nicht gefunden.")), with_body=with_body)
            return
        self.coach = feed.coach
        try:
            built = server.calendar(feed)
        except Exception as error:
            from store.errors import NotFound

            if isinstance(error, NotFound):  # her account was removed
                self._plain(404, _body(tr("Nicht gefunden.")), with_body=with_body)
                return
            self.log_message("calendar of %s: %s", feed.coach, error)
            self._plain(500, _body(tr("Der Kalender ist gerade nicht lesbar.")),
                        with_body=with_body)
            return
        server.fetched(feed)
        gz = _accepts_gzip(self.headers.get("Accept-Encoding", ""))
        etag = f'"{built.etag}-gz"' if gz else f'"{built.etag}"'
        headers = {
            "ETag": etag,
            "Last-Modified": format_datetime(built.modified, usegmt=True),
            "Cache-Control": "private, no-cache",
            "Vary": "Accept-Encoding",
        }
        if self._not_modified(built):
            self._send(304, headers, b"", with_body=False)
            return
        body = built.gzipped if gz else built.body
        headers["Content-Type"] = "text/calendar; charset=utf-8"
        headers["Content-Disposition"] = 'inline; filename="thekiz.ics"'
        if gz:
            headers["Content-Encoding"] = "gzip"
        self._send(200, headers, body, with_body=with_body)

    def _not_modified(self, built: Built) -> bool:
        wanted = self.headers.get("If-None-Match")
        if wanted is not None:
            tags = {t.strip().removeprefix("W/") for t in wanted.split(",")}
            return "*" in tags or bool(
                tags & {f'"{built.etag}"', f'"{built.etag}-gz"'})
        since = self.headers.get("If-Modified-Since")
        if since:
            with contextlib.suppress(TypeError, ValueError, IndexError):
                return built.modified <= parsedate_to_datetime(since)
        return False

    def _plain(self, code: int, body: bytes, *, with_body: bool,
               extra: dict[str, str] | None = None) -> None:
        headers = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
        headers.update(extra or {})
        self._send(code, headers, body, with_body=with_body)

    def _send(self, code: int, headers: dict[str, str], body: bytes, *,
              with_body: bool) -> None:
        self.send_response(code)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if code != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body and body:
            self.wfile.write(body)

    # -- the log: never a token ------------------------------------------------------------

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        fields: dict[str, object] = {
            "method": self.command, "path": redact(getattr(self, "path", "") or ""),
            "status": getattr(code, "value", code), "from": self._address(),
        }
        coach = getattr(self, "coach", None)
        if coach:
            fields["coach"] = coach
        self.server.log.event("feed", **fields)

    def log_message(self, format: str, *args: Any) -> None:
        # the standard library's other lines (errors) may quote the request line
        text = format % args if args else format
        self.server.log.event("feed-error", reason=redact(text), **{"from": self._address()})


def _body(text: str) -> bytes:
    """A short answer for the reader of a link (in the language ``feed serve`` runs in)."""
    return f"{text}\n".encode()


def _accepts_gzip(header: str) -> bool:
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            q = params.strip().removeprefix("q=").strip() if "q=" in params else "1"
            try:
                return float(q) > 0
            except ValueError:
                return False
    return False


def serve(options: FeedOptions, log: ConnectionLog) -> int:
    """Serve until SIGTERM or Ctrl-C; 0 when stopped."""
    import signal

    server = FeedServer(options, log)
    host, port = server.server_address[:2]
    log.event("feed-listening", address=f"{host!s}:{port}")

    def stop(*_: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    with contextlib.suppress(ValueError):  # (not in the main thread: a test's server)
        signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    log.event("feed-stopped")
    return 0
