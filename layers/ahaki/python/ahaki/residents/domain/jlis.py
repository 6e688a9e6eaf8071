"""The J-LIS (住基ネット) identity query: request and result records, items 26-53 of DOMAIN.md.

Records are slotted dataclasses, not pydantic models: a monthly run decodes and compares a
million of them, and the codec (``jlis_codec``) validates every field itself with precompiled
rules, so a second validation pass by pydantic would only cost time (see docs/jlis-file-format.md).
Everything else of the sync (findings, runs, look-ups) is pydantic as usual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

FORMAT_VERSION = "1"
REQUEST_KIND = "AHAKI-JLIS-REQ"
RESULT_KIND = "AHAKI-JLIS-RES"
PROVISION_SERVICE_CODE = "A001"  # item 27: 提供事務区分 of the あはき法 registration work (ours)
MY_NUMBER_PROVISION_SERVICE_CODE = "M031"  # item 28 (ours; the real codes are not public)
OUTBOUND, INBOUND = "outbound", "inbound"  # prefixes of the exchange bucket
_KEY = re.compile(r"(outbound|inbound)/([a-z0-9_-]{1,32})/([A-Za-z0-9_-]{1,64})/(\d{6})\.csv")
NAME_SEPARATOR = "\u3000"  # family and given name are joined by a full-width space


class ResultCode(StrEnum):
    """Item 43, 処理結果コード."""

    FOUND = "00"
    NOT_FOUND = "10"
    SEVERAL_MATCHES = "20"  # a look-up by the four basic items found more than one person
    ERROR = "90"  # J-LIS could not process the record


class VitalStatus(StrEnum):
    """Item 48, 生存状況."""

    ALIVE = "1"
    DECEASED = "2"
    REMOVED = "3"  # 消除 other than death (e.g. moved abroad); an erasure candidate all the same


class SexCode(StrEnum):
    """JIS X 0303 codes as J-LIS uses them."""

    MALE = "1"
    FEMALE = "2"


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One subject to identify. Either ``subject_my_number`` or ``subject_resident_code`` is the key
    (a registrant whose resident code we learned is asked by it, so the vault need not be opened);
    a look-up by the four basic items has neither and gives name, birth date, sex and address."""

    request_record_number: int  # 26, ascending from 1 within a file
    subject_reference: str  # 29, our qualification_pseudonym_id (no personal data)
    reference_date: str  # 32, YYYYMMDD
    include_removed: bool  # 33
    subject_resident_code: str  # 34, "" when unknown
    subject_name_kanji: str  # 35, "family　given"
    subject_name_kana: str  # 36
    subject_birth_date: str  # 37, YYYYMMDD
    subject_sex: str  # 38, SexCode
    subject_address: str  # 39
    subject_municipality_code: str  # 40
    subject_my_number: str  # 41, "" when asked by resident code or by the four basic items
    provision_service_code: str = PROVISION_SERVICE_CODE  # 27
    my_number_provision_service_code: str = MY_NUMBER_PROVISION_SERVICE_CODE  # 28
    period_from: str = ""  # 30
    period_to: str = ""  # 31


@dataclass(frozen=True, slots=True)
class ResultRecord:
    """One answer record; several records answer one request when several people matched."""

    request_record_number: int  # 26
    subject_reference: str  # 29, echoed
    result_code: str  # 43, ResultCode
    result_record_count: int  # 44, records answering this request
    result_record_seq: int  # 45, 1..count
    matched_items: str  # 46, e.g. "MYNUMBER" or "NAME+BIRTH+SEX+ADDRESS"
    changed: bool  # 47
    vital_status: str  # 48, VitalStatus ("" when not found)
    change_status: str  # 49, "+"-joined changed items: NAME, ADDRESS, SEX, BIRTH
    resident_code: str  # 50
    name_kanji: str  # 51
    name_kana: str  # 52
    birth_date: str  # 53, YYYYMMDD
    sex: str  # extension: current sex
    address: str  # extension: current address line
    municipality_code: str  # extension: current 全国地方公共団体コード
    my_number: str = ""  # only in answers to a look-up by the four basic items


@dataclass(frozen=True, slots=True)
class FileHeader:
    kind: str
    version: str
    run_id: str
    chunk_no: int
    created_at: str  # YYYYMMDDhhmmss (JST)


@dataclass(frozen=True)
class FileKey:
    tenant_id: str
    run_id: str
    chunk_no: int

    def of(self, direction: str) -> str:
        return f"{direction}/{self.tenant_id}/{self.run_id}/{self.chunk_no:06d}.csv"

    @classmethod
    def parse(cls, key: str) -> FileKey | None:
        found = _KEY.fullmatch(key)
        return cls(found.group(2), found.group(3), int(found.group(4))) if found else None
