"""The operations on a registrant: each history event is one; event kinds and audit actions are named after them."""

from __future__ import annotations

from enum import StrEnum


class Operation(StrEnum):
    REGISTER = "register"
    CORRECT = "correct"
    REWRITE_CERTIFICATE = "rewrite_certificate"
    REISSUE_CERTIFICATE = "reissue_certificate"
    ERASE = "erase"
    DISPOSE = "dispose"
    RELICENSE = "relicense"
    # From the resident-register sync, not 名簿訂正 (the address is not a register item to correct):
    CHANGE_ADDRESS = "change_address"  # a move: the holder is told of the change of address
    ADOPT_NOTATION = "adopt_notation"  # the same address in the resident register's notation: no notice
