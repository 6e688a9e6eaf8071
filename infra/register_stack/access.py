"""Who may do what: every function's least-privilege grants, gathered from the contexts' files.

Each context declares its functions' grants beside them (``contexts/<context>.py``, from the kinds
in grants.py); this is the one view of all of them, for the vault key's policy and the tests.
"""

from __future__ import annotations

from collections.abc import Mapping

from ahaki.http.routes import Function
from ahaki.kernel.specs import KeySpec
from infra.register_stack.contexts import DECLARED
from infra.register_stack.grants import AUDIT_DENIED, FunctionAccess

__all__ = ["ACCESS", "AUDIT_DENIED", "decrypts"]

# In the order of the Function enum.
ACCESS: Mapping[Function, FunctionAccess] = {function: declared.access for function, declared in DECLARED.items()}


def decrypts(access: FunctionAccess, key: KeySpec) -> bool:
    return any(use.key == key and "kms:Decrypt" in use.actions for use in access.keys)
