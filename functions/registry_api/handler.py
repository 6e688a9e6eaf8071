"""Placeholder: being written by the lead (see ahaki.http)."""


def lambda_handler(event: dict, context: object) -> dict:
    raise NotImplementedError
