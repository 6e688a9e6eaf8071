"""How staff receive an attachment: always as a download under a name of our making, never
rendered in their browser, through a link that lives only long enough to be followed."""

from __future__ import annotations

# Long enough for a browser to follow the link the staff member just asked for; short, because
# whoever holds the link can fetch the file without signing in (ADR 0260).
DOWNLOAD_URL_SECONDS = 60

# The extension of each type the attachment rules accept (a test holds the two together).
EXTENSIONS: dict[str, str] = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def download_disposition(attachment_type: str, content_type: str) -> str:
    """``attachment``: the browser saves the file rather than showing it; the name is the
    attachment type (a rule's key, never the uploader's file name)."""
    return f"attachment; filename={attachment_type}.{EXTENSIONS[content_type]}"
