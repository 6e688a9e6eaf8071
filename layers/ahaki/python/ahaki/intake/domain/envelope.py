"""What the portal forwards with a signed application; checked by signature.py, which alone loads
``cryptography`` (tens of milliseconds of a cold start that checks no signature)."""

from __future__ import annotations

from ahaki.kernel.model import Frozen


class SignatureEnvelope(Frozen):
    """What the portal forwards: base64 signature, the signer's PEM certificate, intermediates."""

    value: str
    certificate: str
    intermediates: tuple[str, ...] = ()
