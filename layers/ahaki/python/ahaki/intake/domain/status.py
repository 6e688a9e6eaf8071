"""Where an application stands: the states of its machine (application.py) and which are open."""

from __future__ import annotations

from enum import StrEnum


class ApplicationStatus(StrEnum):
    INCOMPLETE = "incomplete"  # attachments or payment missing
    RECEIVED = "received"  # complete; waiting for staff
    MORE_INFORMATION_REQUESTED = "more_information_requested"
    APPROVED = "approved"
    REJECTED = "rejected"


OPEN = frozenset(
    {ApplicationStatus.INCOMPLETE, ApplicationStatus.RECEIVED, ApplicationStatus.MORE_INFORMATION_REQUESTED}
)
