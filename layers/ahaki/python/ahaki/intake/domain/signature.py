"""The applicant's electronic signature, as the My Number card's signing certificate makes it.

The portal forwards the signature over the RFC 8785 canonical JSON of the application and the
signer's X.509 certificate (with any intermediates). We check the chain to the configured trust
anchors and the validity period with ``cryptography``'s X.509 verifier, then the signature itself.
Only the outcome, the serial and the validity end are kept: the certificate's subject carries the
signer's name and address (as the card's signing certificate does) and is never stored or logged.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import datetime
from typing import Any

import rfc8785
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.verification import ExtensionPolicy, PolicyBuilder, Store, VerificationError

from ahaki.intake.domain.application import SignatureCheck
from ahaki.intake.domain.envelope import SignatureEnvelope
from ahaki.kernel.errors import InvalidInput


def load_trust_anchors(pem_bundle: str) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(pem_bundle.encode()) if pem_bundle.strip() else []


def canonical(application: Any) -> bytes:
    """RFC 8785 (JCS) bytes of the application as sent: what the applicant signed."""
    return rfc8785.dumps(application)


def verify(
    envelope: SignatureEnvelope, application: Any, anchors: list[x509.Certificate], now: datetime
) -> SignatureCheck:
    """A valid check, or InvalidInput naming ``signature.<part>`` and the cause (never a value)."""
    try:
        leaf = x509.load_pem_x509_certificate(envelope.certificate.encode())
        intermediates = [x509.load_pem_x509_certificate(p.encode()) for p in envelope.intermediates]
    except ValueError:
        raise InvalidInput("signature.certificate", "is not a PEM X.509 certificate") from None
    try:
        value = base64.b64decode(envelope.value, validate=True)
    except (ValueError, binascii.Error):
        raise InvalidInput("signature.value", "is not base64") from None
    if not anchors:
        raise InvalidInput("signature.certificate", "no trust anchors are configured; cannot verify")
    if not leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc:
        raise InvalidInput("signature.certificate", "is expired or not yet valid")
    chain = _verified_chain(leaf, intermediates, anchors, now)
    _check_signature(leaf, value, canonical(application))
    return SignatureCheck(
        status="valid",
        certificate_serial=format(leaf.serial_number, "x"),
        certificate_not_after=leaf.not_valid_after_utc,
        issuer_fingerprint=hashlib.sha256(chain[-1].fingerprint(hashes.SHA256())).hexdigest()[:32],
    )


def _verified_chain(
    leaf: x509.Certificate, intermediates: list[x509.Certificate], anchors: list[x509.Certificate], now: datetime
) -> list[x509.Certificate]:
    # The card's signing certificate is no TLS client certificate: accept its end-entity
    # extensions as they are (the key usage is checked below); CA certificates get the WebPKI rules.
    verifier = (
        PolicyBuilder()
        .store(Store(anchors))
        .time(now)
        .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ExtensionPolicy.permit_all())
        .build_client_verifier()
    )
    try:
        verified = verifier.verify(leaf, intermediates)
    except VerificationError:
        raise InvalidInput("signature.certificate", "does not chain to a trusted anchor") from None
    try:
        usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
        if not (usage.digital_signature or usage.content_commitment):
            raise InvalidInput("signature.certificate", "is not a signing certificate (key usage)")
    except x509.ExtensionNotFound:
        pass
    return list(verified.chain)


def _check_signature(leaf: x509.Certificate, value: bytes, message: bytes) -> None:
    key = leaf.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(value, message, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(value, message, ec.ECDSA(hashes.SHA256()))
        else:
            raise InvalidInput("signature.certificate", "has an unsupported key type")
    except InvalidSignature:
        raise InvalidInput("signature.value", "does not match the application") from None
