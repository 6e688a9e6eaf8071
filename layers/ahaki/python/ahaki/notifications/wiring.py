"""Builds the notifier's real adapters from the environment, once per execution environment."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
from pydantic import Field

from ahaki.kernel.adapters.aws import CLIENT_CONFIG, lazy, utc_now
from ahaki.kernel.components import component
from ahaki.kernel.settings import EnvironmentSettings
from ahaki.kernel.specs import CONTACT_TABLE, DELIVERY_TABLE, INBOX_TABLE, NOTICE_TABLE, REGISTER_TABLE
from ahaki.kernel.wiring import dynamodb
from ahaki.notifications.adapters.messaging import FANOUT_QUEUE, NOTIFIER_QUEUE, STAFF_TOPIC
from ahaki.notifications.adapters.messaging_clients import SesEmail, SnsStaffAlerts, SqsDeadLetters, SqsQueue
from ahaki.notifications.adapters.tables import (
    DynamoContacts,
    DynamoDeliveryLedger,
    DynamoHolderDirectory,
    DynamoInbox,
    DynamoNotices,
    NoticeUnitOfWork,
)
from ahaki.notifications.services.ports import FanoutPorts, NotifierPorts
from ahaki.registry.services.ports import Ports
from ahaki.registry.wiring import ports, settings

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

DEFAULT_RETENTION_DAYS = 180  # inbox items; NOTIFICATION_RETENTION_DAYS overrides

# One model per set of functions: each function is given only the variables of what it builds.


class HolderSettings(EnvironmentSettings):
    register_table: str = Field(alias=REGISTER_TABLE.env_var)


class InboxSettings(EnvironmentSettings):
    table: str = Field(alias=INBOX_TABLE.env_var)


class ContactSettings(EnvironmentSettings):
    table: str = Field(alias=CONTACT_TABLE.env_var)


class NoticeSettings(EnvironmentSettings):
    table: str = Field(alias=NOTICE_TABLE.env_var)


class NotifierSettings(EnvironmentSettings):
    delivery_table: str = Field(alias=DELIVERY_TABLE.env_var)
    notice_table: str = Field(alias=NOTICE_TABLE.env_var)
    email_source: str = Field(alias="EMAIL_SOURCE")
    ses_configuration_set: str = Field("", alias="SES_CONFIGURATION_SET")
    staff_topic: str = Field(alias=STAFF_TOPIC.env_var)
    dead_letter_queue: str = Field(alias=str(NOTIFIER_QUEUE.dlq_env_var))
    retention_days: int = Field(DEFAULT_RETENTION_DAYS, alias="NOTIFICATION_RETENTION_DAYS")


class FanoutSettings(EnvironmentSettings):
    notifier_queue: str = Field(alias=NOTIFIER_QUEUE.env_var)
    fanout_queue: str = Field(alias=FANOUT_QUEUE.env_var)
    page_size: int = Field(500, alias="FANOUT_PAGE_SIZE")
    page_delay_seconds: int = Field(10, alias="FANOUT_PAGE_DELAY_SECONDS")


def register_ports() -> Ports:
    """The register's ports (audit trail, clock, ids) that this context's use cases take too: its
    handlers get them here and so import no other context."""
    return ports()


@component
def sqs() -> SQSClient:
    return lazy(lambda: boto3.client("sqs", config=CLIENT_CONFIG))


@component
def inbox() -> DynamoInbox:
    return DynamoInbox(dynamodb(), InboxSettings.from_env().table)


@component
def contacts() -> DynamoContacts:
    return DynamoContacts(dynamodb(), ContactSettings.from_env().table)


@component
def holders() -> DynamoHolderDirectory:
    return DynamoHolderDirectory(dynamodb(), HolderSettings.from_env().register_table)


@component
def notice_settings() -> NoticeSettings:
    return NoticeSettings.from_env()


def notice_unit_of_work() -> NoticeUnitOfWork:
    """A new transaction each time, over the clients and settings read once."""
    return NoticeUnitOfWork(dynamodb(), settings(), notice_settings().table)


@component
def notifier_ports() -> NotifierPorts:
    env = NotifierSettings.from_env()
    client = dynamodb()
    return NotifierPorts(
        register=ports(),
        holders=holders(),
        ledger=DynamoDeliveryLedger(client, env.delivery_table),
        inbox=inbox(),
        email=SesEmail(
            lazy(lambda: boto3.client("ses", config=CLIENT_CONFIG)), env.email_source, env.ses_configuration_set or None
        ),
        staff=SnsStaffAlerts(lazy(lambda: boto3.client("sns", config=CLIENT_CONFIG)), env.staff_topic),
        contacts=contacts(),
        notices=DynamoNotices(client, env.notice_table),
        dead_letters=SqsDeadLetters(sqs(), env.dead_letter_queue),
        retention_seconds=env.retention_days * 24 * 3600,
        clock=utc_now,
    )


@component
def fanout_ports() -> FanoutPorts:
    env = FanoutSettings.from_env()
    return FanoutPorts(
        holders=holders(),
        notifier_queue=SqsQueue(sqs(), env.notifier_queue),
        fanout_queue=SqsQueue(sqs(), env.fanout_queue),
        page_size=env.page_size,
        page_delay_seconds=env.page_delay_seconds,
    )
