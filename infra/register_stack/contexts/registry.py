"""The registry context: the register's staff API and the one function that opens a My Number.

Its resources are only its functions (roles, policies, log groups; ``Functions`` builds them) and
their dashboards; the tables and keys it uses are the platform's.
"""

from __future__ import annotations

from ahaki.http.routes import Function
from ahaki.kernel.specs import BLIND_INDEX_KEY, REGISTER_TABLE, VAULT_KEY, VAULT_TABLE
from infra.register_stack.contexts.base import ContextInfra, FunctionDeclaration
from infra.register_stack.environment import REGISTER
from infra.register_stack.grants import (
    AUDIT_APPEND,
    OUTBOX_APPEND,
    REGISTER_REGISTRATION,
    FunctionAccess,
    KeyUse,
    TableAccess,
)

CONTEXT = ContextInfra(
    functions={
        Function.REGISTRY_API: FunctionDeclaration(
            FunctionAccess(
                tables=(
                    REGISTER_REGISTRATION,
                    TableAccess(
                        VAULT_TABLE,
                        actions=(
                            "dynamodb:GetItem",
                            "dynamodb:PutItem",
                            "dynamodb:DeleteItem",
                        ),
                    ),
                    AUDIT_APPEND,
                    OUTBOX_APPEND,
                ),
                keys=(
                    KeyUse(VAULT_KEY, ("kms:Encrypt",)),  # seals a My Number; can never open one
                    KeyUse(BLIND_INDEX_KEY, ("kms:GenerateMac",)),
                ),
            ),
            reads=REGISTER,
        ),
        Function.MY_NUMBER_REVEAL: FunctionDeclaration(
            FunctionAccess(
                tables=(
                    TableAccess(REGISTER_TABLE, actions=("dynamodb:GetItem",)),
                    TableAccess(VAULT_TABLE, actions=("dynamodb:GetItem",)),
                    AUDIT_APPEND,
                ),
                keys=(KeyUse(VAULT_KEY, ("kms:Decrypt",)),),
            ),
            reads=REGISTER,
        ),
    }
)
