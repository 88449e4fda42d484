"""Access-log lines without query strings.

A query string can carry personal data typed by a person (`/v1/search?q=山田`, the review
workspace's search box), and uvicorn's access log prints the full path. The filter keeps the
method, path, status and client, and replaces any query with `?…`.
"""

from __future__ import annotations

import logging


class DropQueryStrings(logging.Filter):
    """Rewrites uvicorn.access records so that no query string reaches a log handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        # uvicorn's record args: (client_addr, method, full_path, http_version, status_code)
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0] + "?…", *args[3:])
        return True


def install() -> None:
    """Attach the filter to uvicorn's access logger (call before uvicorn starts serving)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, DropQueryStrings) for f in logger.filters):
        logger.addFilter(DropQueryStrings())
