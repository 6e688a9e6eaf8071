"""In-memory fakes of the ports, for tests of services that need no AWS (tests/fakes/registry.py)."""
