"""Synthetic demo registrants, written through the real routes and handlers with a registrar token.

Every person here is invented (common family and given names, freely combined); the My Numbers are
random 11-digit bodies with the check digit python-stdnum computes, new on every start.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from stdnum.jp import in_ as my_number_rule

from ahaki.kernel.values import today_jst
from infra.sandbox.tokens import FOUNDATION, MHLW, OTHER_TENANT_REGISTRAR

if TYPE_CHECKING:
    from infra.sandbox.server import Sandbox

REGISTRANTS = "/admin/registrants"


@dataclass(frozen=True)
class Person:
    key: str  # how the seed refers to the person below; never printed with personal data
    name: tuple[str, str]
    kana: tuple[str, str]
    sex: str
    birth_date: str
    origin: dict[str, str]
    exam_passed_in: str
    registered_on: str
    municipality_code: str
    address_line: str
    alias: tuple[str, str] | None = None


PEOPLE: tuple[Person, ...] = (
    Person("sato", ("佐藤", "健太"), ("サトウ", "ケンタ"), "male", "1985-06-12", {"honseki_prefecture": "13"},
           "2008-03", "2008-05-16", "131016", "千代田区一番町4-2-101"),
    Person("suzuki", ("鈴木", "美咲"), ("スズキ", "ミサキ"), "female", "1992-11-03", {"honseki_prefecture": "01"},
           "2015-03", "2015-05-22", "011002", "札幌市中央区北三条西7-1-5"),
    Person("takahashi", ("高橋", "翔"), ("タカハシ", "ショウ"), "male", "1978-02-25", {"honseki_prefecture": "27"},
           "2001-03", "2001-06-01", "271004", "大阪市北区梅田2-8-14"),
    Person("tanaka", ("田中", "由美子"), ("タナカ", "ユミコ"), "female", "1969-08-30", {"honseki_prefecture": "14"},
           "1993-03", "1993-05-10", "141003", "横浜市中区本町6-50-3"),
    Person("ito", ("伊藤", "大輔"), ("イトウ", "ダイスケ"), "male", "1988-04-17", {"honseki_prefecture": "23"},
           "2011-03", "2011-05-13", "231002", "名古屋市中区丸の内3-19-8"),
    Person("watanabe", ("渡辺", "陽子"), ("ワタナベ", "ヨウコ"), "female", "1975-12-09", {"honseki_prefecture": "40"},
           "1999-03", "1999-05-28", "401005", "北九州市小倉北区城内2-11"),
    Person("yamamoto", ("山本", "拓也"), ("ヤマモト", "タクヤ"), "male", "1995-07-21", {"honseki_prefecture": "26"},
           "2018-03", "2018-05-25", "261009", "京都市中京区寺町通3-7"),
    Person("nakamura", ("中村", "恵"), ("ナカムラ", "メグミ"), "female", "1983-03-14", {"honseki_prefecture": "34"},
           "2006-03", "2006-06-09", "341002", "広島市中区国泰寺町1-4-21"),
    Person("kobayashi", ("小林", "誠"), ("コバヤシ", "マコト"), "male", "1960-10-05", {"honseki_prefecture": "04"},
           "1984-03", "1984-05-18", "041009", "仙台市青葉区国分町3-6-1"),
    Person("kato", ("加藤", "さくら"), ("カトウ", "サクラ"), "female", "1998-01-28", {"honseki_prefecture": "47"},
           "2021-03", "2021-05-21", "472018", "那覇市泉崎1-2-8"),
    Person("kim", ("金", "美英"), ("キム", "ミヨン"), "female", "1987-05-19", {"nationality": "KR"},
           "2012-03", "2012-05-25", "131130", "渋谷区宇田川町15-1-802", alias=("金田", "カネダ")),
    Person("nguyen", ("グエン", "ティ・ラン"), ("グエン", "ティ・ラン"), "female", "1994-09-02", {"nationality": "VN"},
           "2019-03", "2019-05-24", "231002", "名古屋市中村区名駅4-7-1"),
)  # fmt: skip
OTHER_TENANT_PERSON = Person(
    "mori", ("森", "浩二"), ("モリ", "コウジ"), "male", "1972-04-08", {"honseki_prefecture": "22"},
    "1996-03", "1996-05-17", "221007", "静岡市葵区追手町9-6",
)  # fmt: skip


def random_my_number(taken: set[str]) -> str:
    """A valid My Number: a random 11-digit body and the check digit python-stdnum computes."""
    while True:
        body = f"{secrets.randbelow(10**11):011d}"
        number = body + str(my_number_rule.calc_check_digit(body))
        if number not in taken:
            taken.add(number)
            return number


def registration_body(person: Person, my_number: str) -> dict[str, Any]:
    name: dict[str, str] = {"family": person.name[0], "given": person.name[1]}
    kana: dict[str, str] = {"family": person.kana[0], "given": person.kana[1]}
    if person.alias is not None:
        name["alias"] = f"{person.alias[0]}\u3000{person.name[1]}"
        kana["alias"] = f"{person.alias[1]}\u3000{person.kana[1]}"
    return {
        "name": name,
        "name_kana": kana,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "origin": person.origin,
        "exam_passed_in": person.exam_passed_in,
        "registered_on": person.registered_on,
        "address": {"municipality_code": person.municipality_code, "line": person.address_line},
        "my_number": my_number,
    }


@dataclass(frozen=True)
class Seeded:
    tenant_id: str
    registration_number: int
    qualification_pseudonym_id: str
    status: str


@dataclass
class SeedSummary:
    registrants: list[Seeded] = field(default_factory=list)
    changes: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        """What the sandbox prints: counts, registration numbers and pseudonymous ids; no names, no My Numbers."""
        out = []
        for tenant in sorted({r.tenant_id for r in self.registrants}):
            mine = [r for r in self.registrants if r.tenant_id == tenant]
            counts = ", ".join(f"{s} {n}" for s, n in sorted(Counter(r.status for r in mine).items()))
            out.append(f"tenant {tenant}: {len(mine)} registrants ({counts})")
            out.extend(
                f"  no. {r.registration_number:>3}  {r.status:<10}  {r.qualification_pseudonym_id}" for r in mine
            )
        out.append("changes: " + ", ".join(f"{op} {n}" for op, n in sorted(self.changes.items())))
        return out


class _Registrar:
    """Calls the sandbox as a signed-in registrar would, through route, authorizer and handler."""

    def __init__(self, sandbox: Sandbox, token: str, summary: SeedSummary) -> None:
        self._sandbox, self._token, self._summary = sandbox, token, summary

    def call(
        self, method: str, path: str, body: dict[str, Any], expect: int, version: int | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self._token}", "Content-Type": "application/json"}
        if version is not None:
            headers["If-Match"] = f'"{version}"'
        reply = self._sandbox.handle(method, path, headers, json.dumps(body, ensure_ascii=False).encode())
        if reply.status != expect:
            kind = json.loads(reply.body or b"{}").get("type", "?")  # problems name fields, never values
            raise RuntimeError(f"seeding {method} {reply.route} returned {reply.status} ({kind})")
        found: dict[str, Any] = json.loads(reply.body)
        return found

    def register(self, person: Person, my_number: str) -> dict[str, Any]:
        return self.call("POST", REGISTRANTS, registration_body(person, my_number), 201)

    def correct(self, registrant: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        self._summary.changes["correct"] += 1
        path = f"{REGISTRANTS}/{registrant['qualification_pseudonym_id']}"
        return self.call("PATCH", path, body, 200, version=registrant["version"])

    def act(self, registrant: dict[str, Any], sub_resource: str, body: dict[str, Any]) -> dict[str, Any]:
        self._summary.changes[sub_resource] += 1
        path = f"{REGISTRANTS}/{registrant['qualification_pseudonym_id']}/{sub_resource}"
        return self.call("POST", path, body, 200)


def seed_demo(sandbox: Sandbox) -> SeedSummary:
    """About a dozen registrants in every state the lifecycle allows, and one in a second tenant."""
    summary = SeedSummary()
    taken: set[str] = set()
    today = today_jst()
    registrar = _Registrar(sandbox, sandbox.tokens.token_of("registrar"), summary)
    made = {p.key: registrar.register(p, random_my_number(taken)) for p in PEOPLE}

    # 名簿訂正 on marriage (former family name kept), then the certificate rewritten for it.
    married = registrar.correct(made["suzuki"], {
        "name": {"family": "松本", "given": "美咲", "former_family": "鈴木"},
        "name_kana": {"family": "マツモト", "given": "ミサキ", "former_family": "スズキ"},
        "reason": "婚姻による氏の変更",
    })  # fmt: skip
    made["suzuki"] = registrar.act(married, "certificate-rewrites", {"reason": "氏名の変更に伴う書換え"})
    made["tanaka"] = registrar.correct(made["tanaka"], {
        "address": {"municipality_code": "221007", "line": "静岡市葵区呉服町2-3-5"}, "reason": "転居による住所の変更",
    })  # fmt: skip
    made["yamamoto"] = registrar.correct(made["yamamoto"], {"origin": {"honseki_prefecture": "13"}, "reason": "転籍"})
    made["ito"] = registrar.act(made["ito"], "certificate-reissues", {"reason": "lost"})
    made["takahashi"] = registrar.act(made["takahashi"], "dispositions", {
        "kind": "practice_suspension",
        "decided_on": (today - timedelta(days=20)).isoformat(),
        "period_from": (today - timedelta(days=14)).isoformat(),
        "period_to": (today + timedelta(days=76)).isoformat(),
        "reason": "業務停止処分（施術所の衛生管理義務違反）",
    })  # fmt: skip
    made["watanabe"] = registrar.act(made["watanabe"], "dispositions", {"kind": "revocation", "reason": "免許取消処分"})
    made["kobayashi"] = registrar.act(made["kobayashi"], "erasure", {
        "reason": "death", "erased_on": (today - timedelta(days=5)).isoformat(), "note": "届出義務者からの申請",
    })  # fmt: skip

    other = _Registrar(sandbox, sandbox.tokens.token_of(OTHER_TENANT_REGISTRAR), summary)
    mhlw = other.register(OTHER_TENANT_PERSON, random_my_number(taken))
    for tenant, made_one in [*((FOUNDATION, r) for r in made.values()), (MHLW, mhlw)]:
        number, qid, status = (
            made_one["registration_number"],
            made_one["qualification_pseudonym_id"],
            made_one["status_today"],
        )
        summary.registrants.append(Seeded(tenant, number, qid, status))
    return summary
