"""The portal's contact preferences as the domain validates them (no AWS)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ahaki.notifications.domain.notification import PreferencesRequest


def test_an_address_with_opt_in_and_an_opt_out_are_accepted() -> None:
    assert PreferencesRequest(email="holder@example.jp", email_opt_in=True).email_opt_in
    assert PreferencesRequest().email is None
    assert not PreferencesRequest(email="holder@example.jp").email_opt_in  # kept, but no e-mail sent


@pytest.mark.parametrize(
    "body",
    [
        {"email": "holder", "email_opt_in": True},
        {"email": "holder@example", "email_opt_in": True},
        {"email": "<x>@example.jp"},
        {"email": "a b@example.jp"},
        {"email_opt_in": True},  # opt-in without an address
        {"email": "holder@example.jp", "extra": 1},
    ],
)
def test_bad_preferences_are_refused(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        PreferencesRequest.model_validate(body)
