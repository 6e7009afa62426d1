"""gunicorn's settings for ``masthead serve`` (``-c python:masthead.config.gunicorn``).

The command line gives the address, workers and threads; this module holds what a command
line cannot: hooks.
"""

from __future__ import annotations

import time
from typing import Any

from masthead.config import env

# A keep-alive connection stays with the worker process that accepted it. A few clients
# that hold their connections (a proxy's upstream pool, a load tool) can all land on one
# worker, which then runs on one core (the GIL) while the others idle: measured with 4
# posting connections on 2 workers, 108% CPU against 0% for a whole run. So a connection is
# closed after KEEPALIVE_REQUESTS requests or KEEPALIVE_SECONDS (nginx's
# ``keepalive_requests`` and ``keepalive_time``): its client reconnects to whichever worker
# accepts first, the least busy one, at the cost of one new connection now and then.
KEEPALIVE_REQUESTS = env.env_int("MASTHEAD_KEEPALIVE_REQUESTS", 100, minimum=1)
KEEPALIVE_SECONDS = env.env_int("MASTHEAD_KEEPALIVE_SECONDS", 2, minimum=1)


def pre_request(worker: Any, req: Any) -> None:
    # The request's reader belongs to its connection, so it carries when the connection opened.
    connection = req.unreader
    now = time.monotonic()
    if req.req_number == 1:
        connection.masthead_opened = now
    opened = getattr(connection, "masthead_opened", now)
    if req.req_number >= KEEPALIVE_REQUESTS or now - opened >= KEEPALIVE_SECONDS:
        req.must_close = True
