"""A real ``meum-doctor serve`` on a free loopback port, in a thread of the test process.

The socket is bound first (port 0) and handed to Uvicorn, so there is no race for a port.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from meum_doctor.web.options import ServeOptions


@contextmanager
def serving(**settings: Any) -> Iterator[str]:
    """``with serving(base_url=..., rate_limit=0) as url:`` ... the server runs at ``url``."""
    from meum_doctor.web.server import server

    options = ServeOptions(host="127.0.0.1", port=0, **settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    instance = server(options)
    thread = threading.Thread(target=instance.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not instance.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the web server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(timeout=10)
        sock.close()
