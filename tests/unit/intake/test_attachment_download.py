"""The download's name and type: every type an attachment rule accepts has its extension."""

from __future__ import annotations

from ahaki.intake.domain.application import ATTACHMENT_RULES
from ahaki.intake.domain.attachment_download import EXTENSIONS, download_disposition


def test_every_accepted_type_has_an_extension() -> None:
    accepted = {t for rule in ATTACHMENT_RULES.values() for t in rule.content_types}
    assert accepted <= set(EXTENSIONS)


def test_the_disposition_forces_a_download_named_by_the_attachment_type() -> None:
    assert download_disposition("certificate_photo", "image/jpeg") == "attachment; filename=certificate_photo.jpg"
    assert download_disposition("medical_certificate", "application/pdf") == (
        "attachment; filename=medical_certificate.pdf"
    )
