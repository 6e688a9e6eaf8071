"""``python -m infra.sandbox --port 3000``: the staff API on this machine, AWS emulated by moto.

Prints the bearer tokens (new on every start) and writes them to .sandbox/tokens.json; seeds
synthetic demo registrants; serves until interrupted (Ctrl-C or SIGTERM). See docs/sandbox.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

# As the stack sets it for the functions; Powertools reads it when the handlers are imported.
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "ahaki-register")

from infra.sandbox.server import running_sandbox

ROOT = Path(__file__).resolve().parents[2]
TOKENS_FILE = ROOT / ".sandbox" / "tokens.json"


def _stop_on_sigterm(stop: threading.Event) -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handler)


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
    parser.add_argument("--port", type=int, default=3000, help="TCP port (0 picks a free one); default 3000")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind; default 127.0.0.1")
    parser.add_argument("--tokens", type=Path, default=TOKENS_FILE, help="where to write the bearer tokens")
    parser.add_argument("--no-seed", action="store_true", help="start with an empty register")
    args = parser.parse_args(argv)
    _log_requests()

    stop = threading.Event()
    _stop_on_sigterm(stop)
    try:
        with running_sandbox(args.host, args.port, seed=not args.no_seed) as running:
            running.sandbox.tokens.write(args.tokens)
            print(f"ahaki sandbox listening on {running.url}  (OpenAPI: {running.url}/openapi.json)")
            print(f"bearer tokens, new on every start (also in {args.tokens}):")
            for key, token in running.sandbox.tokens.by_key().items():
                print(f"  {key:<16} {token}")
            if running.seeded is not None:
                print("seeded synthetic demo data:")
                for line in running.seeded.lines():
                    print(f"  {line}")
            print("Ctrl-C stops the sandbox; its data lives in memory only.", flush=True)
            try:
                while not stop.wait(0.5):
                    pass
            except KeyboardInterrupt:
                pass
    except ValueError as error:
        print(f"sandbox: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"sandbox: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        return 1
    print("sandbox stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
