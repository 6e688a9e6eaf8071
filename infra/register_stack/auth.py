"""Staff sign-in: a Cognito user pool with one group per ``routes.Role`` and a public app client,
built from ``infra.staff_pool`` (the definition the sandbox's pool in moto is built from too)."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from infra import staff_pool
from infra.register_stack.settings import Settings

# The CDK switch for each explicit auth flow of the definition (refresh is always allowed).
_FLOW_SWITCHES = {"ALLOW_USER_SRP_AUTH": "user_srp", "ALLOW_ADMIN_USER_PASSWORD_AUTH": "admin_user_password"}


class Auth(Construct):
    """Accounts are created by administrators only (no self sign-up); TOTP MFA is mandatory."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: Settings) -> None:
        super().__init__(scope, construct_id)
        self._settings = settings
        self.user_pool = self._build_user_pool()
        self.groups = {group.role: self._build_group(group) for group in staff_pool.GROUPS}
        self.staff_client = self._build_staff_client()
        self.domain = self._build_domain() if settings.staff_callback_urls else None

    def _build_user_pool(self) -> cognito.UserPool:
        return cognito.UserPool(
            self,
            "StaffUserPool",
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(username=True, email=True),
            sign_in_case_sensitive=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True)
            ),
            custom_attributes={
                attribute.name: cognito.StringAttribute(
                    min_len=attribute.min_length, max_len=attribute.max_length, mutable=attribute.mutable
                )
                for attribute in staff_pool.CUSTOM_ATTRIBUTES
            },
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False, email=False),
            password_policy=cognito.PasswordPolicy(
                min_length=14,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(1),
                password_history_size=24,
            ),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            device_tracking=cognito.DeviceTracking(
                challenge_required_on_new_device=True, device_only_remembered_on_user_prompt=True
            ),
            deletion_protection=self._settings.retains_data,
            removal_policy=self._settings.removal_policy,
            email=cognito.UserPoolEmail.with_ses(
                from_email=f"no-reply@{self._settings.sender_domain}",
                from_name="ahaki register",
                ses_region=self._settings.region,
                ses_verified_domain=self._settings.sender_domain,
            )
            if self._settings.cognito_mail_through_ses
            else None,
            user_invitation=cognito.UserInvitationConfig(
                email_subject="ahaki register: your staff account",
                email_body=(
                    "Your staff account {username} was created. Temporary password: {####} "
                    "(valid 24 hours). You will be asked to set a new password and an authenticator app."
                ),
            ),
        )

    def _build_group(self, group: staff_pool.Group) -> cognito.UserPoolGroup:
        return cognito.UserPoolGroup(
            self,
            f"{group.role.value.capitalize()}Group",
            user_pool=self.user_pool,
            group_name=group.role.value,
            description=group.description,
            precedence=group.precedence,
        )

    def _build_domain(self) -> cognito.UserPoolDomain:
        """The Cognito-hosted sign-in pages, needed only for the OAuth code flow."""
        return self.user_pool.add_domain(
            "StaffDomain",
            cognito_domain=cognito.CognitoDomainOptions(domain_prefix=f"ahaki-register-{self._settings.stage}"),
            managed_login_version=cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
        )

    def _build_staff_client(self) -> cognito.UserPoolClient:
        callback_urls = list(self._settings.staff_callback_urls)
        o_auth = (
            cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),  # with PKCE, no secret
                scopes=[cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
                callback_urls=callback_urls,
                logout_urls=callback_urls,
            )
            if callback_urls
            else None
        )
        return self.user_pool.add_client(
            "StaffClient",
            generate_secret=False,  # a browser / desktop client cannot keep a secret
            auth_flows=cognito.AuthFlow(
                **{_FLOW_SWITCHES[f]: True for f in staff_pool.AUTH_FLOWS if f in _FLOW_SWITCHES}
            ),
            read_attributes=_client_attributes(staff_pool.READ_ATTRIBUTES),
            write_attributes=_client_attributes(staff_pool.WRITE_ATTRIBUTES),
            disable_o_auth=o_auth is None,
            o_auth=o_auth,
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            access_token_validity=Duration.minutes(staff_pool.ACCESS_TOKEN_MINUTES),
            id_token_validity=Duration.minutes(staff_pool.ID_TOKEN_MINUTES),
            refresh_token_validity=Duration.hours(staff_pool.REFRESH_TOKEN_HOURS),
            auth_session_validity=Duration.minutes(5),
        )


def _client_attributes(names: tuple[str, ...]) -> cognito.ClientAttributes:
    """The app client's attribute list from the definition's claim names."""
    custom = [n.removeprefix(staff_pool.CUSTOM_PREFIX) for n in names if n.startswith(staff_pool.CUSTOM_PREFIX)]
    standard = [n for n in names if not n.startswith(staff_pool.CUSTOM_PREFIX)]
    return (
        cognito.ClientAttributes()
        .with_standard_attributes(**{n: True for n in standard})
        .with_custom_attributes(*custom)
    )
