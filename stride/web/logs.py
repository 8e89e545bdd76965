"""Log formats: plain lines (the default) or one JSON object a line (``LOG_FORMAT=json``).

Both carry the request's ID (``stride.web.requestid``). Request bodies are never logged.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

TEXT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class UtcFormatter(logging.Formatter):
    """The plain format, with times in UTC."""

    converter = time.gmtime  # type: ignore[assignment]


class JsonFormatter(UtcFormatter):
    """One JSON object a line: time (UTC), level, logger, request_id, message, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def config(*, fmt: str, level: str) -> dict[str, Any]:
    """The LOGGING setting: everything to stderr with the request ID, errors counted."""
    formatter: dict[str, Any] = (
        {"()": JsonFormatter} if fmt == "json" else {"()": UtcFormatter, "fmt": TEXT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "stride.web.requestid.RequestIdFilter"}},
        "formatters": {"stride": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": "stride",
            },
            # Errors are counted for `stride send-error-digest`, never mailed by the request
            # that failed (Django's default mail_admins handler is replaced here).
            "alerts": {"class": "stride.web.alerts.AlertHandler", "level": "ERROR"},
        },
        "loggers": {"django": {"handlers": ["alerts"], "level": level, "propagate": True}},
        "root": {"handlers": ["console"], "level": level},
    }
