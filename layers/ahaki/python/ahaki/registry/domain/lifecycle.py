"""The lifecycle rules: each operation as a pure function, allowed only where the law allows it."""

from __future__ import annotations

from datetime import date

from ahaki.kernel.errors import InvalidState
from ahaki.registry.domain.commands import (
    AddressUpdate,
    CertificateReissueRequest,
    CertificateRewriteRequest,
    Correction,
    DispositionRequest,
    ErasureRequest,
    RegistrationDetails,
    RelicensureRequest,
)
from ahaki.registry.domain.registrant import (
    CertificateReissue,
    CertificateRewrite,
    Disposition,
    DispositionKind,
    Erasure,
    ErasureReason,
    Registrant,
    Relicensure,
    Status,
)

_LIVE = frozenset({Status.REGISTERED, Status.SUSPENDED})


def _require(registrant: Registrant, operation: str, allowed: frozenset[Status], today: date) -> None:
    status = registrant.effective_status(today)
    if status not in allowed:
        raise InvalidState(
            f"{operation} is not allowed while the registrant is {status.value}",
            current_status=status.value,
            allowed_in=sorted(s.value for s in allowed),
        )


def _next(registrant: Registrant, **changes: object) -> Registrant:
    return registrant.model_copy(update={**changes, "version": registrant.version + 1})


def register(
    command: RegistrationDetails,
    *,
    tenant_id: str,
    qualification_pseudonym_id: str,
    registration_number: int,
    today: date,
) -> Registrant:
    fields = command.model_dump(exclude={"my_number", "registered_on"})
    return Registrant.model_validate(
        {
            **fields,
            "tenant_id": tenant_id,
            "qualification_pseudonym_id": qualification_pseudonym_id,
            "registration_number": registration_number,
            "registered_on": command.registered_on or today,
        }
    )


def correct(registrant: Registrant, command: Correction, today: date) -> Registrant:
    _require(registrant, "correction", _LIVE, today)
    return _next(registrant, **command.changes())


def change_address(registrant: Registrant, command: AddressUpdate, today: date) -> Registrant:
    _require(registrant, "change of address", _LIVE, today)
    return _next(registrant, address=command.address)


def adopt_notation(registrant: Registrant, command: AddressUpdate, today: date) -> Registrant:
    """The same address, written as the resident register writes it."""
    _require(registrant, "adopting the resident register's notation", _LIVE, today)
    return _next(registrant, address=command.address)


def rewrite_certificate(registrant: Registrant, command: CertificateRewriteRequest, today: date) -> Registrant:
    _require(registrant, "certificate rewrite", _LIVE, today)
    entry = CertificateRewrite(reason=command.reason, rewritten_on=command.rewritten_on or today)
    return _next(
        registrant,
        certificate_rewrites=(*registrant.certificate_rewrites, entry),
        certificate_serial=registrant.certificate_serial + 1,
    )


def reissue_certificate(registrant: Registrant, command: CertificateReissueRequest, today: date) -> Registrant:
    _require(registrant, "certificate reissue", _LIVE, today)
    entry = CertificateReissue(reason=command.reason, reissued_on=command.reissued_on or today)
    return _next(
        registrant,
        certificate_reissues=(*registrant.certificate_reissues, entry),
        certificate_serial=registrant.certificate_serial + 1,
    )


def erase(registrant: Registrant, command: ErasureRequest, today: date) -> Registrant:
    if command.reason is ErasureReason.REVOCATION:
        _require(registrant, "erasure on revocation", frozenset({Status.REVOKED}), today)
    else:
        _require(registrant, "erasure", _LIVE | {Status.REVOKED}, today)
    entry = Erasure(reason=command.reason, erased_on=command.erased_on or today, note=command.note)
    return _next(registrant, erasure=entry, status=Status.ERASED)


def dispose(registrant: Registrant, command: DispositionRequest, today: date) -> Registrant:
    if command.kind is DispositionKind.REVOCATION:
        _require(registrant, "revocation", _LIVE, today)
        status = Status.REVOKED
    else:
        _require(registrant, "suspension", frozenset({Status.REGISTERED}), today)
        status = Status.SUSPENDED
    entry = Disposition(
        kind=command.kind,
        decided_on=command.decided_on or today,
        period_from=command.period_from,
        period_to=command.period_to,
        reason=command.reason,
    )
    return _next(registrant, dispositions=(*registrant.dispositions, entry), status=status)


def relicense(registrant: Registrant, command: RelicensureRequest, today: date) -> Registrant:
    """再免許: only after a revocation, whether or not the registration was erased for it."""
    erased_for_revocation = (
        registrant.status is Status.ERASED
        and registrant.erasure is not None
        and registrant.erasure.reason is ErasureReason.REVOCATION
    )
    if not (registrant.status is Status.REVOKED or erased_for_revocation):
        raise InvalidState(
            "re-licensing is only allowed after a revocation",
            current_status=registrant.effective_status(today).value,
            allowed_in=[Status.REVOKED.value],
        )
    entry = Relicensure(relicensed_on=command.relicensed_on or today, reason=command.reason)
    return _next(
        registrant,
        relicensures=(*registrant.relicensures, entry),
        status=Status.REGISTERED,
        erasure=None,
        certificate_serial=registrant.certificate_serial + 1,
    )
