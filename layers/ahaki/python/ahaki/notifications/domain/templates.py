"""The Japanese message templates, one per event kind: subject, plain text and HTML.

The notifier is driven by ``kind``: a kind without a template here is dead-lettered with the
reason ``no_template`` (never dropped), so a new event kind is noticed, not silently ignored.
Placeholders (string.Template): $holder (the name as registered, or a neutral address),
$qualification (the licence's name, from the event or the holder: 「$qualification名簿」),
$date (令和 and ISO), $reference (an application or notice id), $notice_subject, $notice_body.
Values are HTML-escaped for the HTML part.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from string import Template

from ahaki.intake.domain.events import ATTACHMENT_NOT_SCANNED, ATTACHMENT_REFUSED, DOCUMENTS_OVERDUE
from ahaki.notifications.domain.notification import NoTemplate, Rendered, RenderFailed
from ahaki.residents.domain.events import finding_kind
from ahaki.residents.domain.verdicts import FINDING_VERDICTS, Verdict

FOOTER = "このメッセージは送信専用です。ご不明な点は公益財団法人東洋療法研修試験財団までお問い合わせください。"


@dataclass(frozen=True)
class MessageTemplate:
    subject: str
    body: str  # plain text; the HTML part is derived from it, line by line
    to_holder: bool = True  # the portal inbox and, where opted in, e-mail
    to_staff: bool = False  # an alert on the staff SNS topic (ids only, no template text)
    # The holder must be told (a decision, a change of their record): with no channel the event
    # is dead-lettered for staff to send a letter. False: a broadcast, where a holder without a
    # channel is recorded as unreachable in the ledger instead (docs/adr/0026-holder-without-a-channel.md).
    must_reach: bool = True


def _t(
    subject: str, *lines: str, to_holder: bool = True, to_staff: bool = False, must_reach: bool = True
) -> MessageTemplate:
    body = "\n".join(("$holder", "", *lines, "", FOOTER))
    return MessageTemplate(subject, body, to_holder, to_staff, must_reach)


TEMPLATES: dict[str, MessageTemplate] = {
    "registrant.register": _t(
        "【$qualification名簿】登録のお知らせ",
        "$date、$qualification名簿に登録されました。",
        "免許証明書は別途お送りします。",
    ),
    "registrant.correct": _t(
        "【$qualification名簿】名簿訂正のお知らせ",
        "$date、名簿の登録事項を訂正しました。",
        "訂正後の内容はマイナポータルでご確認ください。",
    ),
    "registrant.rewrite_certificate": _t(
        "【$qualification名簿】免許証明書書換え交付のお知らせ",
        "$date、免許証明書の書換え交付を行いました。以前の免許証明書は無効になりました。",
    ),
    "registrant.reissue_certificate": _t(
        "【$qualification名簿】免許証明書再交付のお知らせ",
        "$date、免許証明書を再交付しました。以前の免許証明書は無効になりました。",
        "紛失した免許証明書を発見した場合は、速やかに返納してください。",
    ),
    "registrant.erase": _t(
        "【$qualification名簿】登録消除のお知らせ",
        "$date、$qualification名簿の登録を消除しました。",
    ),
    "registrant.dispose": _t(
        "【$qualification名簿】処分に関するお知らせ",
        "$date、あなたの免許に関する処分が名簿に記載されました。",
        "処分の内容は別途送付する通知書でご確認ください。",
    ),
    "registrant.relicense": _t(
        "【$qualification名簿】再免許のお知らせ",
        "$date、再免許により名簿の登録が回復しました。",
    ),
    # Issued by the resident-register sync: a move is announced as a change of address (not as a
    # 名簿訂正); the resident register's notation of the same address is adopted without a notice.
    "registrant.change_address": _t(
        "【$qualification名簿】住所の変更を反映しました",
        "$date、住民基本台帳ネットワークシステムへの照会により、登録されている住所を変更後の住所に更新しました。",
        "住所の変更について届出の必要はありません。内容はマイナポータルでご確認ください。",
    ),
    # Declared silent (notifications/domain/events.py, SILENT): no channel at all.
    "registrant.adopt_notation": MessageTemplate("", "", to_holder=False, to_staff=False, must_reach=False),
    "application.received": _t(
        "【$qualification名簿】申請を受け付けました",
        "$date、申請（申請番号 $reference）を受け付けました。審査の結果は改めてお知らせします。",
    ),
    # On submission, before any upload is possible: what is still to come, not a deficiency.
    "application.incomplete": _t(
        "【$qualification名簿】申請書類の提出をお待ちしています",
        "$date、申請（申請番号 $reference）を登録しました。",
        "マイナポータルで不足している添付書類・手数料をご確認のうえ、提出・納付をお願いします。",
        "すべて揃った時点で受け付けます。",
    ),
    # A deficiency is announced only when staff ask for more, or when the deadline has passed.
    "application.more_information_requested": _t(
        "【$qualification名簿】申請書類に不備があります",
        "$date、申請（申請番号 $reference）の審査のため、書類の補正または追加の提出をお願いしています。",
        "マイナポータルで依頼内容をご確認ください。",
    ),
    DOCUMENTS_OVERDUE: _t(
        "【$qualification名簿】申請書類に不備があります",
        "$date現在、申請（申請番号 $reference）の添付書類または手数料が揃っていません。",
        "マイナポータルで内容をご確認のうえ、補正してください。",
        "このまま提出がない場合、申請は取り下げられたものとして、申請の内容を削除します。",
    ),
    # An upload the content checks refused: the file itself is gone, so the applicant is asked again.
    ATTACHMENT_REFUSED: _t(
        "【$qualification名簿】添付書類を受け付けられませんでした",
        "$date、申請（申請番号 $reference）に提出された添付書類のファイルを受け付けられませんでした。",
        "PDF・JPEG・PNG の形式で、破損やパスワード保護、スクリプト等のないファイルを改めて提出してください。",
        "不足している書類はマイナポータルでご確認いただけます。",
    ),
    # A malware scan that judged nothing: staff only (the applicant's file is not known to be bad).
    ATTACHMENT_NOT_SCANNED: _t(
        "添付書類のマルウェア検査ができませんでした", "$reference", to_holder=False, to_staff=True
    ),
    "application.approved": _t(
        "【$qualification名簿】申請が承認されました",
        "$date、申請（申請番号 $reference）を承認しました。",
    ),
    "application.rejected": _t(
        "【$qualification名簿】申請の審査結果のお知らせ",
        "$date、申請（申請番号 $reference）は承認されませんでした。",
        "理由は別途送付する通知書でご確認ください。",
    ),
    # Sync findings (kinds from residents/domain/events.py): the holder hears of a change that is
    # theirs to report (名簿訂正 within 30 days); the other findings are the staff's to check first.
    finding_kind(Verdict.NAME_CHANGED): _t(
        "【$qualification名簿】氏名の変更についてのお知らせ",
        "$date、住民基本台帳との照合で、名簿の氏名と異なる氏名が確認されました。",
        "氏名が変わった場合は、30日以内に名簿訂正の申請をしてください。担当者から改めてご連絡します。",
        to_staff=True,
    ),
    finding_kind(Verdict.DETAILS_CHANGED): _t(
        "【$qualification名簿】登録事項の確認のお願い",
        "$date、住民基本台帳との照合で、登録事項について確認が必要な点が見つかりました。",
        "担当者から改めてご連絡します。",
        to_staff=True,
    ),
    **{
        finding_kind(verdict): _t("住民基本台帳照合の確認事項", "$reference", to_holder=False, to_staff=True)
        for verdict in sorted(FINDING_VERDICTS - {Verdict.NAME_CHANGED, Verdict.DETAILS_CHANGED})
    },
    "notice.staff": _t(
        "【$qualification名簿】$notice_subject",
        "$notice_body",
        "（お知らせ番号 $reference、$date）",
        must_reach=False,  # unless the notice is addressed to this one holder (see the notifier)
    ),
}


def template_of(kind: str) -> MessageTemplate:
    found = TEMPLATES.get(kind)
    if found is None:
        raise NoTemplate(f"no template for kind {kind}")
    return found


def render(template: MessageTemplate, values: dict[str, str]) -> Rendered:
    """Subject, text and HTML; a missing placeholder value is RenderFailed (dead-lettered)."""
    escaped = {key: html.escape(value) for key, value in values.items()}
    try:
        subject = Template(template.subject).substitute(values)
        text = Template(template.body).substitute(values)
        html_lines = Template(template.body).substitute(escaped).split("\n")
    except (KeyError, ValueError) as error:
        raise RenderFailed(f"template placeholder {type(error).__name__}: {error}") from None
    body = "".join(f"<p>{line}</p>" if line else "<br>" for line in html_lines)
    page = f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>{html.escape(subject)}</title></head>'
    return Rendered(subject=subject, text=text, html=f"{page}<body>{body}</body></html>")
