"""The register of practitioners licensed under the あはき法, cut into bounded contexts.

``kernel`` (values, identifiers, errors, the caller, the audit chain, the outbox, the vault, the
transaction builder, the table and key specs) is shared and imports no context. Each context
(``registry``, ``intake``, ``residents``, ``notifications``) holds its ``domain`` (pure models and
rules), ``services`` (use cases taking ports as arguments, and those ports), ``adapters`` (AWS) and
``wiring`` (its composition). ``http`` is the API edge over them all. import-linter checks these
rules in ``make lint`` (pyproject.toml); docs/adr/0165 says why the cut is where it is.
"""
