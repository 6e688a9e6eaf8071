"""Staff sign-in: a Cognito user pool with one group per ``routes.Role`` and a public app client."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from ahaki.http.routes import Role
from infra.register_stack.settings import Settings

_ROLE_DESCRIPTIONS = {
    Role.REGISTRAR: "Registers and changes records; may reveal a My Number (audited)",
    Role.APPROVER: "Reads records and decides applications (separation of duties)",
    Role.AUDITOR: "Reads the audit trail only; no personal data",
    Role.OPERATOR: "Runs jobs and watches the system; no personal data",
    Role.VIEWER: "Reads records",
}


class Auth(Construct):
    """Accounts are created by administrators only (no self sign-up); TOTP MFA is mandatory."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: Settings) -> None:
        super().__init__(scope, construct_id)
        self._settings = settings
        self.user_pool = self._build_user_pool()
        self.groups = {role: self._build_group(role, precedence) for precedence, role in enumerate(Role)}
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

    def _build_group(self, role: Role, precedence: int) -> cognito.UserPoolGroup:
        return cognito.UserPoolGroup(
            self,
            f"{role.value.capitalize()}Group",
            user_pool=self.user_pool,
            group_name=role.value,
            description=_ROLE_DESCRIPTIONS.get(role, role.value),
            precedence=precedence,
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
            auth_flows=cognito.AuthFlow(user_srp=True),
            disable_o_auth=o_auth is None,
            o_auth=o_auth,
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            access_token_validity=Duration.minutes(15),
            id_token_validity=Duration.minutes(15),
            refresh_token_validity=Duration.hours(10),  # one working day; sign in again tomorrow
            auth_session_validity=Duration.minutes(5),
        )
