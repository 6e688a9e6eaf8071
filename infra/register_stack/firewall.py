"""AWS WAF in front of the staff API: managed rule groups, a rate limit, and redacted logging."""

from __future__ import annotations

from aws_cdk import ArnFormat, Fn, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra.register_stack.keys import Keys
from infra.register_stack.settings import Settings

_MANAGED_RULE_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
)
RATE_LIMIT_PER_5_MIN = 1000  # per source IP; a registrar clicks, a scraper floods


class Firewall(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, settings: Settings, keys: Keys, api: apigw.RestApi
    ) -> None:
        super().__init__(scope, construct_id)
        self._settings = settings
        self.web_acl = self._build_web_acl()
        self.association = wafv2.CfnWebACLAssociation(
            self,
            "ApiAssociation",
            resource_arn=api.deployment_stage.stage_arn,
            web_acl_arn=self.web_acl.attr_arn,
        )
        self.log_group = self._build_logging(keys)

    def _build_web_acl(self) -> wafv2.CfnWebACL:
        rules = [
            wafv2.CfnWebACL.RuleProperty(
                name=group,
                priority=priority,
                statement=wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS", name=group
                    )
                ),
                override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                visibility_config=self._visibility(group),
            )
            for priority, group in enumerate(_MANAGED_RULE_GROUPS)
        ]
        rules.append(
            wafv2.CfnWebACL.RuleProperty(
                name="RateLimitPerIp",
                priority=len(rules),
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        limit=RATE_LIMIT_PER_5_MIN, aggregate_key_type="IP"
                    )
                ),
                action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                visibility_config=self._visibility("RateLimitPerIp"),
            )
        )
        return wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=f"ahaki-register-{self._settings.stage}-api",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            rules=rules,
            visibility_config=self._visibility("ahaki-register-api"),
        )

    def _build_logging(self, keys: Keys) -> logs.LogGroup:
        # WAF requires the aws-waf-logs- prefix. The URI path (it carries pseudonym ids), the query
        # string and the Authorization header are redacted: no personal data in the WAF log.
        log_group = logs.LogGroup(
            self,
            "WafLogs",
            log_group_name=self._unique_log_group_name(),
            retention=self._settings.log_retention,
            encryption_key=keys.logs_key,
            removal_policy=self._settings.removal_policy,
        )
        wafv2.CfnLoggingConfiguration(
            self,
            "WafLogging",
            resource_arn=self.web_acl.attr_arn,
            log_destination_configs=[
                Stack.of(self).format_arn(
                    service="logs",
                    resource="log-group",
                    resource_name=log_group.log_group_name,
                    arn_format=ArnFormat.COLON_RESOURCE_NAME,
                )
            ],
            redacted_fields=[
                wafv2.CfnLoggingConfiguration.FieldToMatchProperty(uri_path={}),
                wafv2.CfnLoggingConfiguration.FieldToMatchProperty(query_string={}),
                wafv2.CfnLoggingConfiguration.FieldToMatchProperty(single_header={"Name": "authorization"}),
            ],
        )
        return log_group

    def _unique_log_group_name(self) -> str:
        """WAF needs a fixed prefix; the suffix is this stack's own id (new on every create), so a
        log group kept from a rolled-back attempt never blocks the next one."""
        stack_uuid = Fn.select(2, Fn.split("/", Stack.of(self).stack_id))
        return Fn.join("-", ["aws-waf-logs-ahaki", self._settings.stage, Fn.select(0, Fn.split("-", stack_uuid))])

    @staticmethod
    def _visibility(metric: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
        return wafv2.CfnWebACL.VisibilityConfigProperty(
            cloud_watch_metrics_enabled=True,
            metric_name=metric.replace("-", ""),
            sampled_requests_enabled=False,  # samples would show full requests in the console
        )
