"""A client made on first use: none is made for a request that does not call it, and one at most."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ahaki.kernel.adapters.aws import lazy


class Client:
    def __init__(self, made: list[int]) -> None:
        made.append(1)

    def get_item(self, key: str) -> str:
        return f"item {key}"


def test_nothing_is_made_until_a_method_is_used() -> None:
    made: list[int] = []
    lazy(lambda: Client(made))
    assert made == []


@given(st.lists(st.text(max_size=5), min_size=1, max_size=20))
def test_the_client_is_made_once_and_answers_as_itself(keys: list[str]) -> None:
    made: list[int] = []
    client = lazy(lambda: Client(made))
    assert [client.get_item(key) for key in keys] == [f"item {key}" for key in keys]
    assert made == [1]
