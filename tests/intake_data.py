"""Test data for online applications: forms per kind, a test CA that signs like the My Number card,
and an upload that does what the presigned PUT and the S3 event do in AWS."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ahaki.intake.domain.signature import canonical
from infra.sandbox import emulated_scanner
from infra.sandbox.emulated_aws import REGION
from infra.sandbox.events import FakeLambdaContext
from tests.attachment_files import sample
from tests.data import registration, remember


def new_registration(**overrides: Any) -> dict[str, Any]:
    body = registration()
    for staff_only in ("minister_name", "chair_name"):
        body.pop(staff_only)
    body.update(kind="new_registration", **overrides)
    remember(body)
    return body


def pseudonym() -> str:
    return f"pp-{uuid.uuid4().hex[:16]}"


def idem() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def upload(
    bucket: str, key: str, content_type: str = "application/pdf", size: int = 1024, body: bytes | None = None
) -> str | None:
    """The applicant's PUT to the presigned URL (a well-formed file of the type, unless ``body``),
    then the S3 event AWS would send, then the emulated GuardDuty scan of that version; the version."""
    data = sample(content_type, size) if body is None else body
    s3 = boto3.client("s3", region_name=REGION)
    version = s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type).get("VersionId")
    redeliver(bucket, key, len(data))
    scanned(bucket, key, version)
    return version


def scanned(bucket: str, key: str, version_id: str | None) -> dict[str, Any] | None:
    """The emulated GuardDuty scan of that version (infra/sandbox/emulated_scanner.py): tagged, and
    its result handed to the attachment function where the deployed rule would; the result event."""
    event = emulated_scanner.scan(bucket, key, version_id)
    if event is not None and emulated_scanner.delivered(event, bucket):
        deliver(event)
    return event


def deliver(event: dict[str, Any]) -> None:
    """An event of the attachment function's rules (again, on a retry)."""
    from functions.attachment_received.handler import lambda_handler

    lambda_handler(event, FakeLambdaContext())  # type: ignore[arg-type]


def redeliver(bucket: str, key: str, size: int = 0) -> None:
    """The S3 event of an upload, as AWS sends it (again, on a retry)."""
    from functions.attachment_received.handler import lambda_handler

    event = {
        "Records": [{"eventSource": "aws:s3", "s3": {"bucket": {"name": bucket}, "object": {"key": key, "size": size}}}]
    }
    lambda_handler(event, FakeLambdaContext())  # type: ignore[arg-type]


class SigningCa:
    """A root CA and leaf signing certificates, as the card's signing certificate chain."""

    def __init__(self, name: str = "Test JPKI Root") -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=365))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )

    @property
    def pem(self) -> str:
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()

    def leaf(self, *, expired: bool = False) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        start, end = (
            (now - timedelta(days=400), now - timedelta(days=30))
            if expired
            else (now - timedelta(days=1), now + timedelta(days=365))
        )
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "signer")]))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        return key, cert

    def sign(self, application: dict[str, Any], *, expired: bool = False) -> dict[str, Any]:
        key, cert = self.leaf(expired=expired)
        value = key.sign(canonical(application), ec.ECDSA(hashes.SHA256()))
        return {
            "value": base64.b64encode(value).decode(),
            "certificate": cert.public_bytes(serialization.Encoding.PEM).decode(),
        }
