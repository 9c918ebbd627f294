"""Serving the web application: waitress, a production WSGI server of threads in one process.

One process, because the embedded store is a SQLite file that takes one writer at a time:
threads of one process queue for it on a lock (``projections.runner.sqlite_writer``; other
processes on a file lock beside the store) instead of polling SQLite's lock, and they share
one store, its read models' memory and the pages kept (web/page_cache.py). Why waitress
rather than gunicorn or Werkzeug's development server: docs/adr/017-serving-the-web-application.md.
"""

from __future__ import annotations

import logging

from waitress import serve as waitress_serve

from app.bootstrap import Zhucun
from web import create_app

# Requests served at once. The Python of one process runs on one core at a time (its global
# interpreter lock); a second thread keeps that core busy while the first waits on SQLite or
# the network. More threads only take turns more often: under 32 clients, 1, 2, 4, 8 and 16
# threads gave a p95 of 485, 449–517, 572, 614–646 and 724 ms (docs/benchmarks.md). More
# cores: more processes (gunicorn, README).
THREADS = 2
# Connections accepted at once (the rest wait in the listen backlog): well above the clients
# of the load benchmark (bench/load.py, 32) so that none is turned away.
CONNECTION_LIMIT = 256


def serve(zhucun: Zhucun, host: str, port: int, threads: int = THREADS) -> None:
    """Serve until interrupted (Ctrl-C)."""
    # waitress says "Task queue depth is N" at WARNING when requests wait for a thread: that
    # is the queue working, not a fault.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    waitress_serve(
        create_app(zhucun),
        host=host,
        port=port,
        threads=threads,
        connection_limit=CONNECTION_LIMIT,
        backlog=CONNECTION_LIMIT,
        ident="zhucun",
        clear_untrusted_proxy_headers=True,
    )
