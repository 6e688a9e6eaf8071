"""The register stack: the platform, the REST API, every bounded context, the API's stage, monitoring.

The platform stack (this one) holds what holds data (keys, tables, buckets, queues, the bus, the
topic, the user pool); the REST API with what its routes share has a nested stack; each bounded
context (``contexts/``) has its functions, roles, policies, mappings, rules, schedules and routes
in a nested stack of its own; the API's deployment and stage with the firewall, and the
dashboards and alarms, in two more. A context is built in two steps: what holds data, in the
platform stack before the functions (their policies name it), and its wiring once the functions
and the API exist.
"""

from __future__ import annotations

from aws_cdk import CfnOutput, NestedStack, Stack, Tags
from constructs import Construct

from ahaki.http.routes import ROUTES
from ahaki.kernel.specs import VAULT_KEY
from infra import office_holders
from infra.register_stack.access import ACCESS, decrypts
from infra.register_stack.api import Api
from infra.register_stack.api_stage import ApiStage
from infra.register_stack.auth import Auth
from infra.register_stack.contexts import CONTEXT_OF, DECLARED, Context
from infra.register_stack.contexts.base import Platform, Wiring
from infra.register_stack.firewall import Firewall
from infra.register_stack.functions import Functions
from infra.register_stack.key_guard import deny_decrypt_except
from infra.register_stack.keys import Keys
from infra.register_stack.messaging import Messaging
from infra.register_stack.monitoring import Monitoring
from infra.register_stack.roles import role_arn
from infra.register_stack.settings import Settings
from infra.register_stack.tables import Tables


class RegisterStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, settings: Settings) -> None:
        super().__init__(
            scope,
            construct_id,
            env=settings.env,
            description="ahaki: register of anma-massage-shiatsu practitioners (staff API, vault, audit)",
            termination_protection=settings.stage == "prod",
        )
        self.settings = settings
        self.keys = Keys(self, "Keys", stage=settings.stage, removal_policy=settings.removal_policy)
        self.tables = Tables(self, "Tables", keys=self.keys, settings=settings)
        self.messaging = Messaging(self, "Messaging", settings=settings)
        self.platform = Platform(
            stack=self, settings=settings, keys=self.keys, tables=self.tables, messaging=self.messaging
        )
        for context in Context:
            if context.infra.build_data:
                context.infra.build_data(self.platform)
        self.context_stacks = {
            context: NestedStack(self, context.stack_id, description=f"ahaki register: the {context.value} context")
            for context in Context
        }
        self.functions = Functions(
            self,
            "Functions",
            settings=settings,
            keys=self.keys,
            tables=self.tables,
            messaging=self.messaging,
            declared=DECLARED,
            context_of=CONTEXT_OF,
            buckets=self.platform.buckets,
            values=self.platform.values,
            parameters=self.platform.parameters,
            context_stacks=self.context_stacks,
        )
        office_holders.configure(self.node, self.functions)
        deny_decrypt_except(
            self.keys[VAULT_KEY.logical_id],
            [role_arn(self, settings.stage, f) for f, access in ACCESS.items() if decrypts(access, VAULT_KEY)],
        )
        self.auth = Auth(self, "Auth", settings=settings)
        self._build_api()
        for context, stack in self.context_stacks.items():
            if context.infra.build:
                wiring = Wiring(stack=stack, functions=self.functions, api_stack=self.api_stack, api=self.api)
                context.infra.build(self.platform, wiring)
        # The deployment snapshots every context's methods: a stack after them, with the stage's firewall.
        self.api_stage_stack = NestedStack(
            self, "ApiStageStack", description="ahaki register: the API's deployment, stage and firewall"
        )
        self.api_stage = ApiStage(self.api_stage_stack, "Stage", settings=settings, keys=self.keys, api=self.api)
        self.firewall = Firewall(
            self.api_stage_stack, "Firewall", settings=settings, keys=self.keys, api=self.api.rest_api
        )
        self._build_monitoring()
        self._build_outputs()
        Tags.of(self).add("project", "ahaki-register")
        Tags.of(self).add("stage", settings.stage)
        Tags.of(self).add("data-classification", "personal-data-my-number")

    def _build_api(self) -> None:
        """The REST API in a stack of its own, each context's routes in the context's stack.

        The contexts' stacks that add routes are created one after another: API Gateway refuses
        concurrent changes to one REST API (ConflictException), and nested stacks are otherwise
        created in parallel."""
        owners = [(route.path, CONTEXT_OF[route.function].value) for route in ROUTES]
        self.api_stack = NestedStack(self, "ApiStack", description="ahaki register: the REST API")
        self.api = Api(self.api_stack, "Api", settings=self.settings, auth=self.auth, owners=owners)
        previous: NestedStack | None = None
        for context, stack in self.context_stacks.items():
            routes = [route for route in ROUTES if CONTEXT_OF[route.function] is context]
            if not routes:
                continue
            self.api.serve(stack, routes, self.functions.functions)
            if previous is not None:
                stack.add_stack_dependency(previous)
            previous = stack

    def _build_monitoring(self) -> None:
        # Dashboards and alarms in a nested stack of their own: a third of the resources, none stateful.
        self.monitoring_stack = NestedStack(
            self, "MonitoringStack", description="ahaki register: dashboards and alarms"
        )
        self.monitoring = Monitoring(
            self.monitoring_stack,
            "Monitoring",
            stage=self.settings.stage,
            staff_alerts=self.messaging.topic,
            rest_api=self.api.rest_api,
            tables=self.tables.tables,
            work_queues=self.platform.work_queues,
        )
        for context, stack in self.context_stacks.items():
            Monitoring(
                stack,
                f"{context.stack_id.removesuffix('Stack')}Monitoring",  # ids unique across the templates
                stage=self.settings.stage,
                staff_alerts=self.messaging.topic,
                functions={f: fn for f, fn in self.functions.functions.items() if CONTEXT_OF[f] is context},
                stream_ages={f: d.stream_max_age for f, d in DECLARED.items() if d.stream_max_age},
                dashboard_suffix=f"-{context.value}",
            )

    def _build_outputs(self) -> None:
        CfnOutput(self, "ApiUrl", value=self.api_stage.stage.url_for_path())
        CfnOutput(self, "UserPoolId", value=self.auth.user_pool.user_pool_id)
        CfnOutput(self, "StaffClientId", value=self.auth.staff_client.user_pool_client_id)
