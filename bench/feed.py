"""The feed request: a real HTTP GET of one coach's calendar link from a running
``thekiz feed serve`` on the bench's store (50,000 events)."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from store.paths import events_dir

if TYPE_CHECKING:
    from store import Store

    from .__main__ import Row


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _thekiz(path: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "thekiz_tui", "--db", str(path), *args]


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], int]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=120)
    try:
        connection.request("GET", parts.path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), len(body)
    finally:
        connection.close()


def bench_feed(store: Store, path: Path, rows: list[Row], quick: bool) -> None:
    from .__main__ import Row

    built = Row("feed request: her calendar link, built after a change of the store "
                "(50,000 events)", "≤ 500 ms", 500)
    cached = Row("  … the same unchanged since her last fetch (304)", "", None)
    rows += [built, cached]
    # the worst case: "today" 3 months after the store's first day, so that everything
    # ahead is the whole store
    first = min(e.start[:10] for e in store.events())
    today = dt.date.fromisoformat(first) + dt.timedelta(days=92)
    env = {**os.environ, "THEKIZ_TODAY": today.isoformat()}
    start = dt.date(today.year - (today.month <= 3), (today.month - 4) % 12 + 1, 1)
    busy = Counter(c for e in store.events(start, None) for c in e.coaches)
    if not busy:
        built.note = "no events from three months ago on"
        return
    coach, _ = busy.most_common(1)[0]
    port = _free_port()
    granted = subprocess.run(_thekiz(path, "feed", "grant", coach, "--port", str(port)),
                             capture_output=True, text=True, check=True)
    url = granted.stdout.strip()
    server = subprocess.Popen(
        _thekiz(path, "feed", "serve", "--port", str(port), "--burst", "1000000",
                "--per-minute", "1000000000"),
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError), socket.create_connection(
                    ("127.0.0.1", port), 1):
                break
            if time.monotonic() > deadline or server.poll() is not None:
                built.note = "the server did not start"
                return
            time.sleep(0.05)
        status, headers, size = _get(url)  # (first: opens the store)
        etag = headers.get("ETag", "")
        month_dir = events_dir(path.absolute())
        for _ in range(5 if quick else 15):
            # a write elsewhere in the store: her calendar is built again
            os.utime(month_dir, ns=(time.time_ns(), time.time_ns()))
            t0 = time.perf_counter()
            status, headers, size = _get(url)
            built.samples.append((time.perf_counter() - t0) * 1000)
            assert status == 200, status
        for _ in range(5 if quick else 15):
            t0 = time.perf_counter()
            status, _headers, _size = _get(url, **{"If-None-Match": etag})
            cached.samples.append((time.perf_counter() - t0) * 1000)
            assert status == 304, status
        built.note = (f"{coach}: {busy[coach]:,} events, {size / 1e6:.1f} MB; today = "
                      f"{today:%d.%m.%Y}, so everything ahead is the whole store")
    finally:
        server.terminate()
        server.wait(timeout=60)
