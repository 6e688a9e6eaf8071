"""``python -m infra.redrive`` (``make redrive``): DLQ messages back to their queues. Safe to run twice.

In AWS, pass the URLs from the stack (the functions' NOTIFIER_QUEUE_URL / NOTIFIER_DLQ_URL ...);
with no arguments the environment names them (the sandbox and the tests set it).
"""

from __future__ import annotations

import argparse
import os
import sys

import boto3

ROOT_LAYER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "layers", "ahaki", "python")
if ROOT_LAYER not in sys.path:
    sys.path.append(ROOT_LAYER)

from ahaki.notifications.adapters.messaging import QUEUES  # noqa: E402
from ahaki.notifications.adapters.messaging_clients import redrive  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.redrive")
    parser.add_argument("--dlq-url", help="the DLQ to empty (default: every DLQ named in the environment)")
    parser.add_argument("--queue-url", help="where its messages go back to")
    args = parser.parse_args(argv)
    sqs = boto3.client("sqs")
    pairs = (
        [(args.dlq_url, args.queue_url)]
        if args.dlq_url and args.queue_url
        else [(os.environ[q.dlq_env_var], os.environ[q.env_var]) for q in QUEUES if q.dlq_env_var in os.environ]
    )
    if not pairs:
        parser.error("give --dlq-url and --queue-url, or set NOTIFIER_DLQ_URL/NOTIFIER_QUEUE_URL ...")
    for dlq, queue in pairs:
        result = redrive(sqs, dlq, queue)
        print(f"{dlq.rsplit('/', 1)[-1]}: {result.moved} message(s) moved back")
    return 0


if __name__ == "__main__":
    sys.exit(main())
