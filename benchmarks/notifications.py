"""Notification figures (counts, never timed assertions): ``python -m benchmarks.notifications``.

1. ``notification_delivery``: 10,000 events (+1,000 duplicated) through the real notifier against
   moto, with failures injected at the AWS client (inbox PutItem, SES SendEmail), moto's DLQ and
   the real redrive command run twice: deliveries per channel counted in moto, duplicates, DLQ.
2. ``notification_broadcast``: a broadcast to 10,000 and to 100,000 holders held in moto's
   register, fanned out by the real handler; peak memory of the fan-out, each in a fresh process.
"""

from __future__ import annotations

import benchmarks  # noqa: F401 - puts the layer and the repository on sys.path
from benchmarks import notification_broadcast, notification_delivery


def run() -> list[tuple[str, str]]:
    return notification_delivery.deliveries() + notification_broadcast.run()


if __name__ == "__main__":
    for figure, value in run():
        print(f"{figure}: {value}")
