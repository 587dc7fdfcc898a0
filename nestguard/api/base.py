"""The base of every API view: token authentication, a declared access rule, 404 for unseen."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nestguard.access.rules import AccessRule


class NestguardAPIView(APIView):
    """Subclasses set `access_rule = api(...)`; the rule is checked once the token is known."""

    access_rule: AccessRule

    @classmethod
    def as_view(cls, **initkwargs: Any):  # type: ignore[no-untyped-def,override]
        view = super().as_view(**initkwargs)
        # The session login middleware must not redirect API calls: the token decides.
        view.login_required = False  # type: ignore[attr-defined]
        return view

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not self.access_rule.allows(request.user):
            raise exceptions.PermissionDenied("Your account's roles do not reach this endpoint")


def validation_error_response(exc: DjangoValidationError) -> Response:
    """A service's ValidationError as a 400 with field errors, like a serializer's."""
    if hasattr(exc, "error_dict"):
        body = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    else:
        body = {"non_field_errors": exc.messages}
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


class TemporarilyUnavailable(exceptions.APIException):
    """503 with Retry-After: a part of the service is starting (or briefly failing) and will
    answer again. DRF writes `{"detail": ...}`, as for every other error, and the header from
    `wait`."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Not available at the moment; try again shortly."
    default_code = "unavailable"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.wait = max(1, retry_after)
