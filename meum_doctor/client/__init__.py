"""The Meum API client: the only package that touches the network (and imports httpx).

``fetch_status(base_url, key, timeout)`` returns the status body exactly as received, as a
:class:`~meum_doctor.documents.Document`, or raises one typed error from
:mod:`meum_doctor.errors` with a plain message. What it guarantees:

- The key is checked before anything is sent (non-empty, no ``Bearer`` word, no whitespace
  or control characters; a key not starting with ``sk_live_`` only warns) and is never sent
  over plain ``http://`` except to a loopback host. It travels only in the ``Authorization``
  header and appears in no message: validation says "the key contains whitespace", not the
  key, and logs name it by :func:`~meum_doctor.secrets.key_hint` (its public prefix only).
- A base URL that already ends in the API's ``/v1`` (or the whole endpoint) is accepted as
  the API's root; one with a query or fragment is refused.
- Redirects are followed by hand and only within the same origin (scheme, host, port), at
  most ``MAX_REDIRECTS`` hops: the key never follows a redirect to another host.
- At most ``MAX_ATTEMPTS`` attempts in all, retried only for idempotent failures
  (connection errors, timeouts, 429, 502, 503, 504), with exponential backoff and jitter. A
  ``Retry-After`` (seconds or HTTP date) is honoured up to ``RETRY_AFTER_CAP`` seconds;
  a longer one is not slept at all: the run stops and says when to come back.
- The body is read up to ``MAX_BODY`` bytes (after decompression); more is an error.
  Only ``gzip`` and ``deflate`` are asked for and accepted, one coding at most (stacked
  codings such as ``gzip, gzip`` are refused: each layer multiplies what a few KB become),
  and the client decompresses by hand, at most ``MAX_DECODED_CHUNK`` bytes per step,
  so no answer can make it hold more than about MAX_BODY plus one step in memory.
- Each attempt, redirects and body included, is abandoned after ``timeout`` seconds, so a
  whole fetch lasts at most 3 × timeout + 2 × RETRY_AFTER_CAP + 1 seconds.
- The standard proxy and CA variables are honoured (httpx's ``trust_env``).

It is split by concern, each module importing only what it needs:

- :mod:`~meum_doctor.client.policy`: the key and URL policy (``check_key``, ``status_url``,
  ``is_loopback``, ``request_headers``), checked before anything is sent. No httpx.
- :mod:`~meum_doctor.client.errors`: an HTTP answer or an httpx exception made into one typed
  error of :mod:`meum_doctor.errors` (``http_error``, ``exception_error``), told apart by
  status code and exception type.
- :mod:`~meum_doctor.client.transport`: the httpx client (``make_client``), its sharded
  connection pool, and the capped, hand-decoded body (``Decoder``).
- :mod:`~meum_doctor.client.fetching`: one fetch with its retries and redirects
  (``fetch_with`` for batch's shared client, ``fetch_status`` for one store), the retry
  decision being a plain function of an attempt's outcome (``decide``).

The names below are re-exported lazily: ``from meum_doctor.client import check_key`` loads
the policy module alone, so checking a key or a URL never imports httpx.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from meum_doctor.client.errors import (
        REDIRECT_STATUS as REDIRECT_STATUS,
    )
    from meum_doctor.client.errors import (
        RETRYABLE_STATUS as RETRYABLE_STATUS,
    )
    from meum_doctor.client.errors import (
        api_error_text as api_error_text,
    )
    from meum_doctor.client.errors import (
        exception_error as exception_error,
    )
    from meum_doctor.client.errors import (
        http_error as http_error,
    )
    from meum_doctor.client.fetching import (
        BACKOFF_BASE as BACKOFF_BASE,
    )
    from meum_doctor.client.fetching import (
        MAX_REDIRECTS as MAX_REDIRECTS,
    )
    from meum_doctor.client.fetching import (
        RETRY_AFTER_CAP as RETRY_AFTER_CAP,
    )
    from meum_doctor.client.fetching import Answer as Answer
    from meum_doctor.client.fetching import Retry as Retry
    from meum_doctor.client.fetching import backoff as backoff
    from meum_doctor.client.fetching import decide as decide
    from meum_doctor.client.fetching import fetch_status as fetch_status
    from meum_doctor.client.fetching import fetch_with as fetch_with
    from meum_doctor.client.fetching import redirect_target as redirect_target
    from meum_doctor.client.fetching import retry_after as retry_after
    from meum_doctor.client.policy import (
        ACCEPT_ENCODING as ACCEPT_ENCODING,
    )
    from meum_doctor.client.policy import (
        API_VERSION_PATH as API_VERSION_PATH,
    )
    from meum_doctor.client.policy import KEY_PREFIX as KEY_PREFIX
    from meum_doctor.client.policy import (
        MAX_ATTEMPTS as MAX_ATTEMPTS,
    )
    from meum_doctor.client.policy import STATUS_PATH as STATUS_PATH
    from meum_doctor.client.policy import check_key as check_key
    from meum_doctor.client.policy import is_loopback as is_loopback
    from meum_doctor.client.policy import request_headers as request_headers
    from meum_doctor.client.policy import status_url as status_url
    from meum_doctor.client.transport import MAX_BODY as MAX_BODY
    from meum_doctor.client.transport import (
        MAX_DECODED_CHUNK as MAX_DECODED_CHUNK,
    )
    from meum_doctor.client.transport import Decoder as Decoder
    from meum_doctor.client.transport import ShardedTransport as ShardedTransport
    from meum_doctor.client.transport import content_codings as content_codings
    from meum_doctor.client.transport import make_client as make_client

#: Where each re-exported name lives.
_HOMES = {
    **dict.fromkeys(
        ("API_VERSION_PATH", "STATUS_PATH", "KEY_PREFIX", "BEARER", "ACCEPT_ENCODING",
         "MAX_ATTEMPTS", "check_key", "is_loopback", "status_url", "request_headers"),
        "policy",
    ),
    **dict.fromkeys(
        ("REDIRECT_STATUS", "RETRYABLE_STATUS", "api_error_text", "http_error",
         "exception_error"),
        "errors",
    ),
    **dict.fromkeys(
        ("MAX_BODY", "MAX_DECODED_CHUNK", "make_client", "ShardedTransport", "Decoder",
         "content_codings"),
        "transport",
    ),
    **dict.fromkeys(
        ("MAX_REDIRECTS", "RETRY_AFTER_CAP", "BACKOFF_BASE", "Answer", "Retry",
         "decide", "backoff", "retry_after", "fetch_status", "fetch_with", "redirect_target"),
        "fetching",
    ),
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    """Import the module a name lives in only when the name is asked for (PEP 562)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
