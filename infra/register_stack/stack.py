"""The register stack: keys -> tables -> functions -> auth -> API (+ WAF).

The platform stack (this one) holds what holds data (keys, tables, buckets, queues, the bus, the
topic, the user pool) and the API; each bounded context's functions, roles, policies, mappings,
rules and schedules are in a nested stack of their own, and dashboards and alarms in another.
"""

from __future__ import annotations

from aws_cdk import CfnOutput, NestedStack, Stack, Tags
from constructs import Construct

from ahaki.http.routes import Function
from ahaki.kernel.specs import ATTACHMENTS_BUCKET, VAULT_KEY
from infra import office_holders
from infra.register_stack.access import ACCESS, decrypts
from infra.register_stack.api import Api
from infra.register_stack.auth import Auth
from infra.register_stack.contexts import CONTEXT_OF, Context, role_arn
from infra.register_stack.firewall import Firewall
from infra.register_stack.functions import Functions
from infra.register_stack.intake import IntakeWiring, PortalIntegration, build_attachments_bucket
from infra.register_stack.key_guard import deny_decrypt_except
from infra.register_stack.keys import Keys
from infra.register_stack.messaging import Messaging
from infra.register_stack.monitoring import Monitoring
from infra.register_stack.notifications import Notifications
from infra.register_stack.resident_sync import ResidentSync
from infra.register_stack.retention import ApplicationRetention
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
        self.attachments = build_attachments_bucket(self, settings=settings, keys=self.keys)
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
            buckets={ATTACHMENTS_BUCKET.logical_id: self.attachments},
            context_stacks=self.context_stacks,
        )
        office_holders.configure(self.node, self.functions)
        deny_decrypt_except(
            self.keys[VAULT_KEY.logical_id],
            [role_arn(self, settings.stage, f) for f, access in ACCESS.items() if decrypts(access, VAULT_KEY)],
        )
        self.notifications = Notifications(
            self.context_stacks[Context.NOTIFICATIONS],
            "Notifications",
            tables=self.tables,
            messaging=self.messaging,
            functions=self.functions,
        )
        self.resident_sync = ResidentSync(
            self,
            "ResidentSync",
            settings=settings,
            functions=self.functions,
            staff_alerts=self.messaging.topic,
            context_stack=self.context_stacks[Context.RESIDENTS],
        )
        self.auth = Auth(self, "Auth", settings=settings)
        # The REST API grows with every context's routes: a nested stack of its own, with its firewall.
        self.api_stack = NestedStack(self, "ApiStack", description="ahaki register: the REST API and its firewall")
        self.api = Api(
            self.api_stack, "Api", settings=settings, keys=self.keys, functions=self.functions, auth=self.auth
        )
        self.intake = IntakeWiring(
            self.context_stacks[Context.INTAKE],
            "Intake",
            bucket=self.attachments,
            attachment_function=self.functions[Function.ATTACHMENT_RECEIVED],
            dead_letters=self.messaging.bus_dlq,
        )
        self.portal = PortalIntegration(
            self.api_stack, "Intake", settings=settings, rest_api=self.api.rest_api, methods=self.api.methods
        )
        self.retention = ApplicationRetention(
            self.context_stacks[Context.INTAKE],
            "Retention",
            functions=self.functions,
            messaging=self.messaging,
            bucket=self.attachments,
        )
        self.firewall = Firewall(self.api_stack, "Firewall", settings=settings, keys=self.keys, api=self.api.rest_api)
        # Dashboards and alarms in a nested stack of their own: a third of the resources, none stateful.
        self.monitoring_stack = NestedStack(
            self, "MonitoringStack", description="ahaki register: dashboards and alarms"
        )
        self.monitoring = Monitoring(
            self.monitoring_stack,
            "Monitoring",
            stage=settings.stage,
            staff_alerts=self.messaging.topic,
            rest_api=self.api.rest_api,
            tables=self.tables.tables,
            work_queues={
                **{
                    name: (queue, self.messaging.dlqs[name], "notifications")
                    for name, queue in self.messaging.queues.items()
                },
                "SyncQueue": (self.resident_sync.queue, self.resident_sync.dead_letters, "sync"),
            },
        )
        for context, stack in self.context_stacks.items():
            Monitoring(
                stack,
                f"{context.stack_id.removesuffix('Stack')}Monitoring",  # ids unique across the templates
                stage=settings.stage,
                staff_alerts=self.messaging.topic,
                functions={f: fn for f, fn in self.functions.functions.items() if CONTEXT_OF[f] is context},
                dashboard_suffix=f"-{context.value}",
            )
        self._build_outputs()
        Tags.of(self).add("project", "ahaki-register")
        Tags.of(self).add("stage", settings.stage)
        Tags.of(self).add("data-classification", "personal-data-my-number")

    def _build_outputs(self) -> None:
        CfnOutput(self, "ApiUrl", value=self.api.rest_api.url)
        CfnOutput(self, "UserPoolId", value=self.auth.user_pool.user_pool_id)
        CfnOutput(self, "StaffClientId", value=self.auth.staff_client.user_pool_client_id)
