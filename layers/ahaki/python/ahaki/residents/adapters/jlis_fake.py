"""A faithful fake of J-LIS: a synthetic resident population and scenarios one can dial.

Used by the tests, the benchmarks and the sandbox. The population is built from registrants (and
their My Numbers), so it agrees with the register until a scenario makes a resident move, change
name, die, disappear, twin (several matches) or come back malformed. With ``NotationRates`` it
answers in the resident register's writing (``jlis_notation``), as the real one does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from enum import StrEnum

from ahaki.registry.domain.registrant import Registrant
from ahaki.residents.adapters.jlis_notation import NotationRates, in_resident_notation
from ahaki.residents.domain.jlis import RESULT_KIND, RequestRecord, ResultCode, ResultRecord, VitalStatus
from ahaki.residents.domain.jlis_codec import decode_requests, encode_result, header_line, trailer_line
from ahaki.residents.domain.jlis_mapping import jlis_date, joined, sex_code


class Scenario(StrEnum):
    MOVED = "moved"
    RENAMED = "renamed"
    DECEASED = "deceased"
    REMOVED = "removed"
    NOT_FOUND = "not_found"
    SEVERAL_MATCHES = "several_matches"
    MALFORMED = "malformed"


@dataclass(frozen=True, slots=True)
class Resident:
    my_number: str
    resident_code: str
    name_kanji: str
    name_kana: str
    birth_date: str
    sex: str
    address: str
    municipality_code: str
    vital_status: str = VitalStatus.ALIVE.value
    change_status: str = ""


def resident_code_for(my_number: str) -> str:
    """A stable synthetic 住民票コード (11 digits) for a My Number."""
    return str(int(hashlib.sha256(my_number.encode()).hexdigest(), 16) % 10**11).zfill(11)


def resident_of(registrant: Registrant, my_number: str) -> Resident:
    r = registrant
    return Resident(
        my_number=my_number,
        resident_code=resident_code_for(my_number),
        name_kanji=joined(r.name.family, r.name.given),
        name_kana=joined(r.name_kana.family, r.name_kana.given),
        birth_date=jlis_date(r.birth_date),
        sex=sex_code(r.sex),
        address=r.address.line,
        municipality_code=r.address.municipality_code,
    )


class FakeJlis:
    """The ResidentRegister port, in memory."""

    def __init__(self, residents: Iterable[Resident] = (), notation: NotationRates | None = None) -> None:
        self.notation = notation or NotationRates()
        self._by_number: dict[str, Resident] = {}
        self._by_code: dict[str, str] = {}
        self._malformed: set[str] = set()
        self._twins: set[str] = set()
        self.queries = 0  # how many subjects were asked about (tests and figures)
        for resident in residents:
            self.add(resident)

    def add(self, resident: Resident) -> None:
        self._by_number[resident.my_number] = resident
        self._by_code[resident.resident_code] = resident.my_number

    def knows(self, my_number: str) -> bool:
        return my_number in self._by_number

    def add_registrant(self, registrant: Registrant, my_number: str) -> None:
        self.add(resident_of(registrant, my_number))

    def dial(self, my_number: str, scenario: Scenario, *, address: tuple[str, str] | None = None) -> None:
        """Make one resident's next answers follow ``scenario``."""
        found = self._by_number[my_number]
        if scenario is Scenario.MOVED:
            code, line = address or ("131016", f"{found.address}の2")
            self.add(replace(found, address=line, municipality_code=code, change_status="ADDRESS"))
        elif scenario is Scenario.RENAMED:
            family, _, given = found.name_kanji.partition("\u3000")
            kana_given = found.name_kana.partition("\u3000")[2]
            self.add(
                replace(
                    found,
                    name_kanji=f"改姓{family[:1]}\u3000{given}",
                    name_kana=f"カイセイ\u3000{kana_given}",
                    change_status="NAME",
                )
            )
        elif scenario is Scenario.DECEASED:
            self.add(replace(found, vital_status=VitalStatus.DECEASED.value))
        elif scenario is Scenario.REMOVED:
            self.add(replace(found, vital_status=VitalStatus.REMOVED.value))
        elif scenario is Scenario.NOT_FOUND:
            del self._by_number[my_number]
        elif scenario is Scenario.SEVERAL_MATCHES:
            self._twins.add(my_number)
        elif scenario is Scenario.MALFORMED:
            self._malformed.add(my_number)

    # -- the port ----------------------------------------------------------------------------------

    def look_up(self, request: RequestRecord) -> list[ResultRecord]:
        """Answer one request: by My Number, by resident code, or by the four basic items."""
        self.queries += 1
        if request.subject_my_number or request.subject_resident_code:
            number = request.subject_my_number or self._by_code.get(request.subject_resident_code, "")
            found = self._by_number.get(number)
            matches = [found] if found is not None else []
            if found is not None and number in self._twins:
                matches.append(replace(found, resident_code=resident_code_for(number + "twin"), my_number=""))
        else:  # the four basic items 氏名・住所・性別・生年月日; kana narrows only when given
            wanted = (
                request.subject_name_kanji,
                request.subject_address,
                request.subject_sex,
                request.subject_birth_date,
            )
            matches = [
                r
                for r in self._by_number.values()
                if (r.name_kanji, r.address, r.sex, r.birth_date) == wanted
                and (not request.subject_name_kana or r.name_kana == request.subject_name_kana)
            ]
        if not request.include_removed:
            matches = [m for m in matches if m.vital_status == VitalStatus.ALIVE.value]
        return self._records(request, matches)

    def answer(self, request_lines: Iterable[str], created_at: str = "20260101000000") -> Iterator[str]:
        """The result file for a request file, streamed line by line."""
        header, requests = decode_requests(request_lines)
        yield header_line(RESULT_KIND, header.run_id, header.chunk_no, created_at)
        count = 0
        for request in requests:
            for record in self.look_up(request):
                count += 1
                number = request.subject_my_number or self._by_code.get(request.subject_resident_code, "")
                line = encode_result(record)
                yield line.replace(",", ",,", 1) if number in self._malformed else line
        yield trailer_line(count)

    def _written(self, m: Resident) -> Resident:
        """The resident as the resident register writes them (``jlis_notation``, at its rates)."""
        name, address = in_resident_notation(
            m.resident_code, m.name_kanji, m.address, self.notation, m.municipality_code
        )
        return m if (name, address) == (m.name_kanji, m.address) else replace(m, name_kanji=name, address=address)

    def _records(self, request: RequestRecord, matches: list[Resident]) -> list[ResultRecord]:
        by_items = not (request.subject_my_number or request.subject_resident_code)
        if not matches:
            return [_empty(request, ResultCode.NOT_FOUND)]
        code = ResultCode.SEVERAL_MATCHES if len(matches) > 1 else ResultCode.FOUND
        return [
            ResultRecord(
                request_record_number=request.request_record_number,
                subject_reference=request.subject_reference,
                result_code=code.value,
                result_record_count=len(matches),
                result_record_seq=seq,
                matched_items="NAME+ADDRESS+SEX+BIRTH" if by_items else "MYNUMBER",
                changed=bool(m.change_status),
                vital_status=m.vital_status,
                change_status=m.change_status,
                resident_code=m.resident_code,
                name_kanji=m.name_kanji,
                name_kana=m.name_kana,
                birth_date=m.birth_date,
                sex=m.sex,
                address=m.address,
                municipality_code=m.municipality_code,
                my_number=m.my_number if by_items else "",
            )
            for seq, m in enumerate(map(self._written, matches), start=1)
        ]


def _empty(request: RequestRecord, code: ResultCode) -> ResultRecord:
    return ResultRecord(
        request_record_number=request.request_record_number,
        subject_reference=request.subject_reference,
        result_code=code.value,
        result_record_count=1,
        result_record_seq=1,
        matched_items="",
        changed=False,
        vital_status="",
        change_status="",
        resident_code="",
        name_kanji="",
        name_kana="",
        birth_date="",
        sex="",
        address="",
        municipality_code="",
    )


class RegisterBackedFake(FakeJlis):
    """The fake whose residents are the register's registrants (their values at first ask):
    ``find(tenant, qualification_pseudonym_id)`` reads the register."""

    def __init__(self, tenant: str, notation: NotationRates, find: Callable[[str, str], Registrant | None]) -> None:
        super().__init__(notation=notation)
        self.tenant = tenant
        self._find = find

    def look_up(self, request: RequestRecord) -> list[ResultRecord]:
        if request.subject_my_number and not self.knows(request.subject_my_number):
            found = self._find(self.tenant, request.subject_reference)
            if found is not None:
                self.add_registrant(found, request.subject_my_number)
        return super().look_up(request)
