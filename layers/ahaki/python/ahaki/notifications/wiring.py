"""Builds the notifier's real adapters from the environment, once per execution environment."""

from __future__ import annotations

import os
from functools import cache

import boto3

from ahaki.kernel.adapters.aws import CLIENT_CONFIG, utc_now
from ahaki.kernel.settings import Settings
from ahaki.kernel.specs import CONTACT_TABLE, DELIVERY_TABLE, INBOX_TABLE, NOTICE_TABLE, REGISTER_TABLE
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
from ahaki.registry.wiring import ports

DEFAULT_RETENTION_DAYS = 180  # inbox items; NOTIFICATION_RETENTION_DAYS overrides


def retention_seconds() -> int:
    return int(os.environ.get("NOTIFICATION_RETENTION_DAYS", str(DEFAULT_RETENTION_DAYS))) * 24 * 3600


def register_ports() -> Ports:
    """The register's ports (audit trail, clock, ids) that this context's use cases take too: its
    handlers get them here and so import no other context."""
    return ports()


@cache
def dynamodb() -> object:
    return boto3.client("dynamodb", config=CLIENT_CONFIG)


@cache
def sqs() -> object:
    return boto3.client("sqs", config=CLIENT_CONFIG)


def inbox() -> DynamoInbox:
    return DynamoInbox(dynamodb(), os.environ[INBOX_TABLE.env_var])


def contacts() -> DynamoContacts:
    return DynamoContacts(dynamodb(), os.environ[CONTACT_TABLE.env_var])


def holders() -> DynamoHolderDirectory:
    return DynamoHolderDirectory(dynamodb(), os.environ[REGISTER_TABLE.env_var])


def notice_unit_of_work() -> NoticeUnitOfWork:
    return NoticeUnitOfWork(dynamodb(), Settings.from_env(), os.environ[NOTICE_TABLE.env_var])


@cache
def notifier_ports() -> NotifierPorts:
    env = os.environ
    client = dynamodb()
    return NotifierPorts(
        register=ports(),
        holders=holders(),
        ledger=DynamoDeliveryLedger(client, env[DELIVERY_TABLE.env_var]),
        inbox=inbox(),
        email=SesEmail(
            boto3.client("ses", config=CLIENT_CONFIG), env["EMAIL_SOURCE"], env.get("SES_CONFIGURATION_SET") or None
        ),
        staff=SnsStaffAlerts(boto3.client("sns", config=CLIENT_CONFIG), env[STAFF_TOPIC.env_var]),
        contacts=contacts(),
        notices=DynamoNotices(client, env[NOTICE_TABLE.env_var]),
        dead_letters=SqsDeadLetters(sqs(), env[NOTIFIER_QUEUE.dlq_env_var]),
        retention_seconds=retention_seconds(),
        clock=utc_now,
    )


@cache
def fanout_ports() -> FanoutPorts:
    env = os.environ
    return FanoutPorts(
        holders=holders(),
        notifier_queue=SqsQueue(sqs(), env[NOTIFIER_QUEUE.env_var]),
        fanout_queue=SqsQueue(sqs(), env[FANOUT_QUEUE.env_var]),
        page_size=int(env.get("FANOUT_PAGE_SIZE", "500")),
        page_delay_seconds=int(env.get("FANOUT_PAGE_DELAY_SECONDS", "10")),
    )


def clear_caches() -> None:
    """Tests and the sandbox start a new emulated AWS: forget clients and adapters built before."""
    for cached in (dynamodb, sqs, notifier_ports, fanout_ports):
        cached.cache_clear()
