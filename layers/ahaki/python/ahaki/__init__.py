"""The register of practitioners licensed under the あはき法: domain, services and adapters.

Rings, each importing only inward: ``domain`` (pure models and rules) <- ``services`` (use cases
that take ports as arguments) <- ``adapters`` (DynamoDB, KMS, ...) and ``http`` (API edge).
"""
