"""Documents: one body of evidence as received, with where and when it came from.

A *document* is what a source acquires: its kind (``meum-status`` today; ``site-report`` and
``release-data`` next), its body exactly as received (bytes, before any parsing, so that
``--save-status`` keeps it byte for byte even when it is not JSON), and its
:class:`Provenance`. Its fingerprint is the SHA-256 of that body.

This module is data only: no I/O, no parsing, and nothing heavier than the standard
library's dataclasses and hashlib, so every layer may import it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from meum_doctor.saved import History

#: The Meum status of one store (``GET /v1/integration/woocommerce/status``).
MEUM_STATUS = "meum-status"
#: The site's own WooCommerce System Status report (text as pasted, or the REST JSON).
SITE_REPORT = "site-report"
#: Current release data from WordPress.org (latest versions, the insecure list).
RELEASE_DATA = "release-data"

#: Where a document can come from; ``file``, ``stdin``, ``bundled`` and ``cache`` are read
#: without the network, ``api`` and ``demo`` are fetched.
SOURCE_TYPES = ("api", "file", "stdin", "demo", "cache", "bundled")
LOCAL_TYPES = frozenset({"file", "stdin", "cache", "bundled"})


@dataclass(frozen=True)
class Provenance:
    """Where a document came from, and when."""

    #: One of :data:`SOURCE_TYPES`.
    type: str
    #: The URL without its query (never a key), the file name, ``-`` or the demo's name.
    location: str
    retrieved_at: datetime
    #: The server's request id, when it sent one.
    request_id: str | None = None
    #: For a saved document read together with its meta file (``check --input``): what
    #: that file said, see :class:`meum_doctor.saved.History`. None when not looked for.
    history: History | None = None
    #: What the report says of the document beside its origin, when there is more to say:
    #: for release data, which data was used and why ("bundled, as of …: … could not be
    #: reached").
    note: str | None = None


@dataclass(frozen=True)
class Document:
    """One body of evidence as received: its kind, the bytes, and their provenance."""

    kind: str
    body: bytes
    provenance: Provenance

    @property
    def fingerprint(self) -> str:
        """``sha256:<hex>`` of the body as received."""
        return fingerprint(self.body)


def fingerprint(body: bytes) -> str:
    """``sha256:<hex>`` of ``body``."""
    return "sha256:" + hashlib.sha256(body).hexdigest()
