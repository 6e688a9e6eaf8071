"""CDK constructs of the ahaki register backend: one stack per stage, its platform (keys,
tables, functions, API, auth, messaging, monitoring) here, each bounded context in ``contexts/``.

Everything that has a single source of truth elsewhere is *derived* here, never re-listed:
tables and keys from ``ahaki.kernel.specs``, API routes, roles and functions from
``ahaki.http.routes``.
"""

from infra.register_stack.app_builder import build_app
from infra.register_stack.stack import RegisterStack

__all__ = ["RegisterStack", "build_app"]
