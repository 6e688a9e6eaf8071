"""The local sandbox: the real handlers behind a local HTTP API, AWS emulated by moto in-process."""
