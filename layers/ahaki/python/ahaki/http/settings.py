"""The HTTP edge's settings: who the portal integration is, and which staff origins may read answers.

Read once per execution environment, like the contexts' (``kernel.components``); a test that
changes one of these variables calls ``reset()``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from ahaki.kernel.components import component
from ahaki.kernel.settings import EnvironmentSettings


def _comma_separated(value: object) -> object:
    """ "a, b,,c" -> ("a", "b", "c"): the stack joins lists with commas; blanks mean nothing."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


CommaList = Annotated[tuple[str, ...], BeforeValidator(_comma_separated)]


class PortalCallerSettings(EnvironmentSettings):
    """The portal integration's (assumed) role ARN patterns, and the tenant the portal files into
    (the registration body). No pattern: no caller is the portal."""

    caller_arns: CommaList = Field((), alias="PORTAL_CALLER_ARNS")
    tenant_id: str = Field("foundation", alias="PORTAL_TENANT_ID")


class StaffBrowserSettings(EnvironmentSettings):
    """The staff browser origins the stage allows (none: no CORS headers)."""

    allowed_origins: CommaList = Field((), alias="STAFF_ALLOWED_ORIGINS")


@component
def portal_caller() -> PortalCallerSettings:
    return PortalCallerSettings.from_env()


@component
def staff_browser() -> StaffBrowserSettings:
    return StaffBrowserSettings.from_env()
