"""Logs as JSON lines: one object a line, on stdout, for the service manager's journal or a
log shipper to read without guessing (docs/decisions/0083-deployment.md).

Each line has the time (UTC, ISO 8601), the level, the logger, the message and, inside a
request, the request's id (from the reverse proxy's X-Request-ID, or made here), so one
request's lines can be found together and matched with the proxy's access log. An exception
adds its traceback as one string. Messages are what the code logs: nothing here adds a
request's body, query string or user, which may hold personal data.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# What a request id from outside may look like (the proxy's $request_id is 32 hex digits);
# anything else is replaced, so a client cannot write into the logs through it.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def json_logging_config(
    *, level: str, loggers: dict[str, str | None], root: bool = True
) -> dict[str, Any]:
    """The `logging.config.dictConfig` of every Nestguard process (the web application and
    gunicorn itself): JSON lines on stdout at `level`. `loggers` names loggers kept to their
    own level on stdout, or silenced (None), without passing their records on, so each record
    is one line."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "nestguard.core.logs.JsonLinesFormatter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
            }
        },
        **({"root": {"handlers": ["stdout"], "level": level}} if root else {}),
        "loggers": {
            name: (
                {"handlers": ["stdout"], "level": own_level, "propagate": False}
                if own_level
                else {"handlers": [], "propagate": False}
            )
            for name, own_level in loggers.items()
        },
    }


_request_id: ContextVar[str | None] = ContextVar("nestguard_request_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # Django logs a 4xx or 5xx answer after the middleware has finished, with the request.
        request = getattr(record, "request", None)
        request_id = current_request_id() or getattr(request, "request_id", None)
        if request_id:
            line["request_id"] = request_id
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class RequestIdMiddleware:
    """Gives each request an id for its log lines, and returns it in X-Request-ID."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if _SAFE_ID.match(offered) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response.headers[REQUEST_ID_HEADER] = request_id
        return response
