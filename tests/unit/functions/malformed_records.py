"""Generated SQS batches mixing well-formed messages with malformed ones, for the workers' handlers."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

MARKER = "山田太郎"  # stands for personal data inside a malformed message: it must never reach a log


def sqs_record(message_id: str, body: str, receives: int = 1) -> dict[str, Any]:
    return {
        "messageId": message_id,
        "receiptHandle": "generated",
        "body": body,
        "attributes": {"ApproximateReceiveCount": str(receives)},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:ap-northeast-1:000000000000:Generated",
        "awsRegion": "ap-northeast-1",
    }


not_json = st.text(min_size=1).map(lambda t: MARKER + t).filter(lambda t: not _is_json(t))
json_not_object = st.one_of(st.lists(st.integers()), st.integers(), st.just(MARKER)).map(json.dumps)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def batch(good: st.SearchStrategy[str], bad: st.SearchStrategy[str]) -> st.SearchStrategy[list[tuple[bool, str]]]:
    """Up to ten (malformed?, body) pairs, at least one of them well formed (a batch where every
    record fails is raised as a whole by Powertools, so Lambda retries it all: nothing is lost)."""
    one = st.one_of(good.map(lambda b: (False, b)), bad.map(lambda b: (True, b)))
    return st.lists(one, min_size=1, max_size=10).filter(lambda pairs: not all(m for m, _ in pairs))
