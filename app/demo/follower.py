"""The demo's read models followed by a second process while the demo writes its log.

The load is CPU-bound Python on one core: the commands, then each chunk taken in by every read
model in turn. With a follower, the loading process only plans, runs the commands and writes
the log, while ``zhucun projections run`` — the ordinary follower, unchanged — applies what was
written in a process of its own, on the other core. The two share SQLite's one writer through
the store's lock file (``SqliteWriter``), as ``zhucun serve`` and ``zhucun projections run``
already do. The follower writes no event: the log holds the demo's events only, in recording
order. See docs/adr/051-a-newcomers-first-minute.md.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from app.bootstrap import Zhucun

POLL_S = 0.05  # between the follower's looks at the log, and the loader's at the follower


class FollowerFailedError(RuntimeError):
    """The follower stopped before the read models reached the log's head."""


class Follower:
    """``zhucun projections run`` on the demo's store, in pages as large as the load's chunks."""

    def __init__(self, url: str, page: int) -> None:
        env = {**os.environ, "ZHUCUN_PROJECTION_BATCH": str(page)}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app.cli",
                "--db",
                url,
                "projections",
                "run",
                "--poll",
                f"{POLL_S}",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=_end_with_parent if sys.platform == "linux" else None,
        )

    def wait_for(self, z: Zhucun) -> None:
        """Until every read model has taken in the whole log as it is now."""
        head = z.store.max_position()
        while min(z.projections.positions().values(), default=head) < head:
            if self.process.poll() is not None:
                raise FollowerFailedError(self._stderr())
            time.sleep(POLL_S)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # it ends after the page it is taking in
        self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()

    def _stderr(self) -> str:
        self.process.wait()
        out = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
        return f"the read models' follower stopped (exit {self.process.returncode}): {out}"


def _end_with_parent() -> None:
    """In the follower, before it starts: a SIGTERM when the loading process ends, however it
    ends (even ``kill -9``), so that no follower is left polling a store nobody loads."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@contextmanager
def following(z: Zhucun, page: int) -> Iterator[Follower]:
    """A follower of ``z``'s store for the block; stopped after it, whatever happens."""
    follower = Follower(z.config.url, page)
    try:
        yield follower
    finally:
        follower.stop()
