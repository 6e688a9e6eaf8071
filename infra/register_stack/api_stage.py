"""The API's deployment and its stage, in a stack built after every context's routes.

A deployment is a snapshot of the methods that exist when it is made, so it must come after them;
and its logical id must change with what it snapshots, or CloudFormation keeps the old one and the
stage serves stale routes. The methods live in the contexts' stacks, where CDK's own fingerprint
(which covers only the API's stack) does not see them: ``Api.fingerprint`` names them instead.
"""

from __future__ import annotations

import json

from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.register_stack.api import ACCESS_LOG_FIELDS, API_STAGE, Api
from infra.register_stack.keys import Keys
from infra.register_stack.nag import NIST, acknowledge
from infra.register_stack.settings import Settings


class ApiStage(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, settings: Settings, keys: Keys, api: Api) -> None:
        super().__init__(scope, construct_id)
        self._settings = settings
        rest_api = api.rest_api
        self.access_logs = self._log_group("AccessLogs", keys)
        # Made before the stage so that it has a retention and our key: API Gateway would
        # otherwise create it itself, unencrypted and kept for ever.
        self.execution_logs = self._log_group(
            "ExecutionLogs", keys, name=f"API-Gateway-Execution-Logs_{rest_api.rest_api_id}/{API_STAGE}"
        )
        self.deployment = apigw.Deployment(self, "Deployment", api=rest_api, description="ahaki register: staff API")
        # Its methods were all attached to the REST API before this (RestApi makes the deployment
        # wait for each); their description makes its logical id.
        self.deployment.add_to_logical_id(json.dumps(api.fingerprint, sort_keys=True))
        self.stage = self._build_stage()
        self.stage.node.add_dependency(self.execution_logs)
        rest_api.deployment_stage = self.stage  # the API's url and the firewall's association name it

    def _log_group(self, construct_id: str, keys: Keys, name: str | None = None) -> logs.LogGroup:
        return logs.LogGroup(
            self,
            construct_id,
            log_group_name=name,
            retention=self._settings.log_retention,
            encryption_key=keys.logs_key,
            removal_policy=self._settings.removal_policy,
        )

    def _build_stage(self) -> apigw.Stage:
        stage = apigw.Stage(
            self,
            "Stage",
            deployment=self.deployment,
            stage_name=API_STAGE,
            access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
            access_log_format=apigw.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FIELDS)),
            # Execution logs at ERROR level, without request/response data (data_trace):
            # bodies carry personal data and must never reach CloudWatch.
            logging_level=apigw.MethodLoggingLevel.ERROR,
            data_trace_enabled=False,
            metrics_enabled=True,
            throttling_rate_limit=self._settings.api_throttle_rate,
            throttling_burst_limit=self._settings.api_throttle_burst,
            caching_enabled=False,
        )
        acknowledge(
            stage,
            "Responses are personal data of registrants and must not be kept anywhere outside the "
            "encrypted tables; every read must also reach the function so it is written to the audit "
            "trail. API Gateway caching is deliberately off.",
            f"{NIST}-APIGWCacheEnabledAndEncrypted",
        )
        acknowledge(
            stage,
            "The only backends are Lambda proxy integrations called by API Gateway over AWS's internal "
            "HTTPS path; a client certificate authenticates HTTP backends, and there are none.",
            f"{NIST}-APIGWSSLEnabled",
        )
        return stage
