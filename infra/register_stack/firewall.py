"""AWS WAF in front of the staff API: managed rule groups, a rate limit, and redacted logging."""

from __future__ import annotations

from aws_cdk import ArnFormat, Fn, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra.register_stack.api import API_STAGE
from infra.register_stack.keys import Keys
from infra.register_stack.settings import Settings

_MANAGED_RULE_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
)
RATE_LIMIT_PER_5_MIN = 1000  # per source IP; a registrar clicks, a scraper floods
PORTAL_RATE_LIMIT_PER_5_MIN = 50_000  # per portal address; its own IAM-signed traffic of all applicants
STAFF_BODY_LIMIT = 8192  # bytes; what the common rule set would have blocked everywhere
_cfn = wafv2.CfnWebACL


def _portal_paths() -> wafv2.CfnWebACL.StatementProperty:
    """/portal/… on the default endpoint (after the stage) and on a custom domain."""
    return _cfn.StatementProperty(
        or_statement=_cfn.OrStatementProperty(
            statements=[
                _cfn.StatementProperty(
                    byte_match_statement=_cfn.ByteMatchStatementProperty(
                        field_to_match=_cfn.FieldToMatchProperty(uri_path={}),
                        positional_constraint="STARTS_WITH",
                        search_string=prefix,
                        text_transformations=[_cfn.TextTransformationProperty(priority=0, type="NONE")],
                    )
                )
                for prefix in (f"/{API_STAGE}/portal/", "/portal/")
            ]
        )
    )


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
        rules = [self._managed(priority, group) for priority, group in enumerate(_MANAGED_RULE_GROUPS)]
        not_portal = _cfn.StatementProperty(not_statement=_cfn.NotStatementProperty(statement=_portal_paths()))
        # Staff: a registrar clicks, a scraper floods; staff bodies are small JSON documents.
        rules.append(self._rate_rule("RateLimitPerIp", len(rules), RATE_LIMIT_PER_5_MIN, not_portal))
        rules.append(
            _cfn.RuleProperty(
                name="StaffBodySizeLimit",
                priority=len(rules),
                statement=_cfn.StatementProperty(
                    and_statement=_cfn.AndStatementProperty(
                        statements=[
                            _cfn.StatementProperty(
                                size_constraint_statement=_cfn.SizeConstraintStatementProperty(
                                    comparison_operator="GT",
                                    size=STAFF_BODY_LIMIT,
                                    field_to_match=_cfn.FieldToMatchProperty(
                                        body=_cfn.BodyProperty(oversize_handling="MATCH")
                                    ),
                                    text_transformations=[_cfn.TextTransformationProperty(priority=0, type="NONE")],
                                )
                            ),
                            not_portal,
                        ]
                    )
                ),
                action=_cfn.RuleActionProperty(block={}),
                visibility_config=self._visibility("StaffBodySizeLimit"),
            )
        )
        # The portal: all applicants arrive from the portal integration's few addresses, and a
        # signed submission with its certificate chain can exceed 8 KB (API Gateway bounds it).
        rules.append(self._rate_rule("PortalRateLimitPerIp", len(rules), PORTAL_RATE_LIMIT_PER_5_MIN, _portal_paths()))
        return wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=f"ahaki-register-{self._settings.stage}-api",
            scope="REGIONAL",
            default_action=_cfn.DefaultActionProperty(allow={}),
            rules=rules,
            visibility_config=self._visibility("ahaki-register-api"),
        )

    def _managed(self, priority: int, group: str) -> wafv2.CfnWebACL.RuleProperty:
        # The common rule set's body-size rule only counts: StaffBodySizeLimit blocks for staff paths.
        overrides = (
            [
                _cfn.RuleActionOverrideProperty(
                    name="SizeRestrictions_BODY", action_to_use=_cfn.RuleActionProperty(count={})
                )
            ]
            if group == "AWSManagedRulesCommonRuleSet"
            else None
        )
        return _cfn.RuleProperty(
            name=group,
            priority=priority,
            statement=_cfn.StatementProperty(
                managed_rule_group_statement=_cfn.ManagedRuleGroupStatementProperty(
                    vendor_name="AWS", name=group, rule_action_overrides=overrides
                )
            ),
            override_action=_cfn.OverrideActionProperty(none={}),
            visibility_config=self._visibility(group),
        )

    def _rate_rule(
        self, name: str, priority: int, limit: int, scope: wafv2.CfnWebACL.StatementProperty
    ) -> wafv2.CfnWebACL.RuleProperty:
        return _cfn.RuleProperty(
            name=name,
            priority=priority,
            statement=_cfn.StatementProperty(
                rate_based_statement=_cfn.RateBasedStatementProperty(
                    limit=limit, aggregate_key_type="IP", scope_down_statement=scope
                )
            ),
            action=_cfn.RuleActionProperty(block={}),
            visibility_config=self._visibility(name),
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
