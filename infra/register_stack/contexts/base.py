"""What a bounded context declares about its infrastructure, and what the platform hands it.

A context's file (``contexts/<context>.py``) holds one ``ContextInfra``: its functions with what
each may do and read, what it builds in the platform stack before the functions exist (resources
that hold data: buckets, queues, keys, so that its functions' policies can name them), and what it
builds once they exist (mappings, rules, schedules, alarms, grants on resources built late).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ahaki.http.routes import Function
from infra.register_stack.grants import FunctionAccess
from infra.register_stack.settings import StageContext

if TYPE_CHECKING:  # types only: the platform's modules never import a context
    from aws_cdk import Duration, Stack
    from aws_cdk import aws_s3 as s3
    from constructs import Construct

    from infra.register_stack.api import Api
    from infra.register_stack.functions import Functions
    from infra.register_stack.keys import Keys
    from infra.register_stack.messaging import Messaging
    from infra.register_stack.monitoring import WorkQueue
    from infra.register_stack.settings import Settings
    from infra.register_stack.tables import Tables


@dataclass(frozen=True)
class FunctionDeclaration:
    """One function of the context: what it may do, what it reads, how it runs."""

    access: FunctionAccess
    reads: tuple[str, ...]  # environment variables its code reads (environment.py has the groups)
    timeout_seconds: int = 10  # behind API Gateway, which gives up at 29 s
    dlq_reason: str | None = None  # why it has no dead-letter queue, when not an API or queue function
    parameters: tuple[str, ...] = ()  # the variables of the context's parameters it may read (ssm:GetParameter)
    stream_max_age: Duration | None = None  # a stream consumer: its oldest record past this alarms


@dataclass(frozen=True)
class Parameter:
    """A value a context keeps in an SSM parameter for its functions (too large for their
    environment): built with the functions, named to its readers by ``variable``."""

    construct_id: str
    variable: str  # the environment variable that names the parameter
    value: str
    description: str
    statement_id: str  # of the statement that lets a declared reader get it


@dataclass
class Platform:
    """What the platform stack holds, as the contexts see it; contexts add what they build here."""

    stack: Stack  # the platform stack: where what holds data is built
    settings: Settings
    keys: Keys
    tables: Tables
    messaging: Messaging
    buckets: dict[str, s3.IBucket] = field(default_factory=dict)  # by logical id, for the functions' grants
    # Work queues with their dead-letter queues, for the platform's dashboards, by logical id.
    work_queues: dict[str, WorkQueue] = field(default_factory=dict)
    # Environment values and parameters a context offers its functions before they are built.
    values: dict[str, str] = field(default_factory=dict)
    parameters: list[Parameter] = field(default_factory=list)

    @property
    def stage_context(self) -> StageContext:
        """The stage's values in the CDK context, for a context's own settings."""
        return StageContext.of(self.stack.node, self.settings.stage)


@dataclass(frozen=True)
class Wiring:
    """What exists once the functions and the API are built, and where the context builds."""

    stack: Construct  # the context's nested stack
    functions: Functions
    api_stack: Construct  # the REST API's nested stack (what must sit beside it, before the contexts)
    api: Api


@dataclass(frozen=True)
class ContextInfra:
    functions: Mapping[Function, FunctionDeclaration]
    build_data: Callable[[Platform], None] | None = None  # before the functions, in the platform stack
    build: Callable[[Platform, Wiring], None] | None = None  # after the functions and the API
