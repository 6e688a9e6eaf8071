"""Between the register's values and the J-LIS file's: names, dates, sex and addresses."""

from __future__ import annotations

from datetime import date

from ahaki.kernel.values import Address, Name, NameKana, Sex
from ahaki.registry.domain.registrant import Registrant
from ahaki.residents.domain.jlis import NAME_SEPARATOR, RequestRecord, ResultRecord, SexCode

_SEX_CODES = {Sex.MALE: SexCode.MALE.value, Sex.FEMALE: SexCode.FEMALE.value}
_SEXES = {code: sex for sex, code in _SEX_CODES.items()}


def jlis_date(value: date) -> str:
    return value.strftime("%Y%m%d")


def from_jlis_date(value: str) -> date:
    return date(int(value[:4]), int(value[4:6]), int(value[6:8]))


def sex_code(sex: Sex) -> str:
    return _SEX_CODES[sex]


def sex_of(code: str) -> Sex:
    return _SEXES[code]


def joined(family: str, given: str) -> str:
    return f"{family}{NAME_SEPARATOR}{given}"


def split(value: str) -> tuple[str, str]:
    family, _, given = value.partition(NAME_SEPARATOR)
    return family, given


def request_for(
    registrant: Registrant,
    number: int,
    reference_date: date,
    *,
    my_number: str = "",
    resident_code: str = "",
) -> RequestRecord:
    """A request row for a registrant: by resident code when we know it, else by My Number."""
    r = registrant
    return RequestRecord(
        request_record_number=number,
        subject_reference=r.qualification_pseudonym_id,
        reference_date=jlis_date(reference_date),
        include_removed=True,  # a deceased or removed registrant is exactly what we look for
        subject_resident_code=resident_code,
        subject_name_kanji=joined(r.name.family, r.name.given),
        subject_name_kana=joined(r.name_kana.family, r.name_kana.given),
        subject_birth_date=jlis_date(r.birth_date),
        subject_sex=sex_code(r.sex),
        subject_address=r.address.line,
        subject_municipality_code=r.address.municipality_code,
        subject_my_number="" if resident_code else my_number,
    )


def address_of(result: ResultRecord) -> Address:
    return Address(municipality_code=result.municipality_code, line=result.address)


def name_of(result: ResultRecord, current: Name) -> Name:
    family, given = split(result.name_kanji)
    # 旧姓 and 通称名 are not in the resident record's basic four items: keep ours.
    return current.model_copy(update={"family": family, "given": given})


def kana_of(result: ResultRecord, current: NameKana) -> NameKana:
    family, given = split(result.name_kana)
    return current.model_copy(update={"family": family, "given": given})
