"""``python -m infra.sandbox --port 3000``: the staff API on this machine, AWS emulated by moto.

Prints the staff ID tokens and the portal key pair (new on every start) and writes them to
.sandbox/tokens.json; seeds synthetic demo registrants; serves until interrupted (Ctrl-C or
SIGTERM, exit status 130 or 0). See docs/sandbox.md.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType

# As the stack sets it for the functions; Powertools reads it when the handlers are imported.
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "ahaki-register")

ROOT = Path(__file__).resolve().parents[2]
TOKENS_FILE = ROOT / ".sandbox" / "tokens.json"
REFRESH_SECONDS = 30 * 60  # the ID tokens of moto's pool last an hour


class _Stop:
    """SIGINT and SIGTERM only note the signal; the main thread then shuts down in order.

    Python's default SIGINT raises KeyboardInterrupt wherever the main thread happens to be: a
    second Ctrl-C (or a burst of signals) would interrupt the shutdown itself, halfway through
    joining the server thread or inside a lock, and hang or print a traceback. The handler takes
    no lock either: it runs on the main thread between two bytecodes, and an ``Event.set`` there
    deadlocks when the main thread was interrupted inside the same event's ``wait``.
    """

    def __init__(self) -> None:
        self.first: int | None = None
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.first is None:
            self.first = signum

    def wait(self, seconds: float) -> bool:
        """Whether a stop was asked, after at most ``seconds`` (a signal cuts the sleep short)."""
        if self.first is None:
            time.sleep(seconds)
        return self.first is not None

    @property
    def status(self) -> int:
        """130 after Ctrl-C (the shell's convention for SIGINT), 0 after SIGTERM."""
        return 128 + int(signal.SIGINT) if self.first == signal.SIGINT else 0


def _log_requests() -> None:
    """One line per request on stderr; the functions keep their own (Powertools JSON on stdout)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s sandbox %(message)s"))
    log = logging.getLogger("infra.sandbox")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.sandbox", description="Local sandbox of the staff API.")
    default_port = int(os.environ.get("SANDBOX_PORT") or 3000)
    parser.add_argument(
        "--port", type=int, default=default_port, help="TCP port (0: any free one); $SANDBOX_PORT or 3000"
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind; default 127.0.0.1")
    parser.add_argument(
        "--tokens", type=Path, default=TOKENS_FILE, help="where to write the ID tokens and the portal key pair"
    )
    parser.add_argument("--no-seed", action="store_true", help="start with an empty register")
    args = parser.parse_args(argv)
    stop = _Stop()  # before the slow imports: a signal during start-up stops it cleanly too
    print("ahaki sandbox starting ...", flush=True)
    _log_requests()
    from infra.sandbox.server import running_sandbox

    try:
        with running_sandbox(args.host, args.port, seed=not args.no_seed) as running:
            running.sandbox.tokens.write(args.tokens)
            print(f"ahaki sandbox listening on {running.url}  (OpenAPI: {running.url}/openapi.json)")
            print(f"staff ID tokens and the portal's SigV4 key pair, new on every start (in {args.tokens}):")
            for key, token in running.sandbox.tokens.by_key().items():
                print(f"  {key:<25} {token[:24]}…")
            if running.seeded is not None:
                print("seeded synthetic demo data:")
                for line in running.seeded.lines():
                    print(f"  {line}")
            print("Ctrl-C stops the sandbox; its data lives in memory only.", flush=True)
            refresh_at = time.monotonic() + REFRESH_SECONDS
            while not stop.wait(0.5):
                if time.monotonic() >= refresh_at:  # new ID tokens before the old ones expire
                    running.sandbox.tokens.refresh()
                    running.sandbox.tokens.write(args.tokens)
                    refresh_at = time.monotonic() + REFRESH_SECONDS
    except ValueError as error:
        print(f"sandbox: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"sandbox: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        if error.errno == errno.EADDRINUSE:
            print("  choose another port: SANDBOX_PORT=3001 make run  (or --port 0 for any free one)", file=sys.stderr)
        return 1
    print("sandbox stopped", flush=True)
    return stop.status


if __name__ == "__main__":
    sys.exit(main())
