"""The intake context's stage settings, read from the CDK context (cdk.json's ``ahaki:*`` keys,
overridden per stage in ``ahaki:stages.<stage>``) through the platform's one reader."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from infra.register_stack.paths import REPO_ROOT
from infra.register_stack.settings import StageContext, as_bool, as_list, as_str


@dataclass(frozen=True)
class IntakeStageSettings:
    portal_account: str | None = None  # the portal integration's AWS account (None: this account)
    portal_principal_arn: str | None = None  # who may assume the portal integration role
    upload_origins: tuple[str, ...] = ()  # browser origins of presigned attachment uploads (bucket CORS)
    signature_trust_anchors_pem: str = ""  # the signing CAs of the My Number card (PEM bundle)
    application_retention_days: int = 90  # how long decided applications keep personal data
    # GuardDuty Malware Protection for S3 on the attachments (contexts/intake_malware.py): it costs
    # per GB scanned and per object, so a stage turns it on (cdk.json: prod); off in dev stages.
    malware_protection: bool = False

    @classmethod
    def from_context(cls, ctx: StageContext) -> Self:
        default = cls()
        return cls(
            portal_account=str(ctx("portalAccount")) if ctx("portalAccount") else None,
            portal_principal_arn=as_str(ctx("portalPrincipalArn")),
            upload_origins=tuple(as_list(ctx("uploadOrigins"))),
            signature_trust_anchors_pem=_trust_anchors(
                ctx("signatureTrustAnchorsPem"), ctx("signatureTrustAnchorsFile")
            ),
            application_retention_days=int(ctx("applicationRetentionDays") or default.application_retention_days),
            malware_protection=as_bool(ctx("malwareProtection"), default=default.malware_protection),
        )


def _trust_anchors(pem: Any, path: Any) -> str:
    """The PEM bundle, inline or from a file (relative to the repository root)."""
    if path:
        return (REPO_ROOT / str(path)).read_text(encoding="ascii")
    return str(pem or "")
