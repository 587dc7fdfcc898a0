"""The base of every API view: token authentication, a declared access rule, 404 for unseen."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback
from rest_framework.views import exception_handler as drf_exception_handler

from nestguard.access.rules import AccessRule
from nestguard.core.forms import messages_by_field
from nestguard.core.versioning import ConflictError


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


def error_body(
    exc: DjangoValidationError, rename: dict[str, str] | None = None
) -> dict[str, list[str]]:
    """A service's ValidationError shaped like a serializer's errors: by field (a service's
    field renamed to the API's by `rename`), a non-field error under `non_field_errors`."""
    rename = rename or {}
    body: dict[str, list[str]] = {}
    for key, messages in messages_by_field(exc).items():
        name = "non_field_errors" if key == NON_FIELD_ERRORS else rename.get(key, key)
        body.setdefault(name, []).extend(messages)
    return body


def validation_error_response(
    exc: DjangoValidationError, rename: dict[str, str] | None = None
) -> Response:
    """A service's ValidationError as a 400 with field errors, like a serializer's; a
    ConflictError (the record moved on from the `version` sent) as a 409 saying what changed."""
    if isinstance(exc, ConflictError):
        return Response(exc.as_dict(), status=status.HTTP_409_CONFLICT)
    return Response(error_body(exc, rename), status=status.HTTP_400_BAD_REQUEST)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, and a service's refusal (Django's ValidationError, raised by the one write
    path) answered as `validation_error_response` does: 400 with field errors, 409 for a
    conflict. The service's transaction has already rolled back; the request's is marked to."""
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        return validation_error_response(exc)
    return drf_exception_handler(exc, context)


# Optimistic concurrency (docs/decisions/0084-optimistic-concurrency.md) ---------------------

VERSION_HELP = (
    "The record's version, raised by one on every change. Send back the version you read; "
    "a change made by someone else since then is refused with 409 and what changed."
)


def version_in(*, required: bool) -> serializers.IntegerField:
    """The `version` field of a request body that changes a versioned record."""
    if required:
        return serializers.IntegerField(min_value=1, help_text=VERSION_HELP)
    return serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text=VERSION_HELP + " Optional here: without it the change is refused only if "
        "the record is no longer in a state that allows it.",
    )


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    old = serializers.CharField(
        allow_null=True, help_text="As it was at your version; null for free text"
    )
    new = serializers.CharField(allow_null=True, help_text="As it is now; null for free text")


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(help_text="Always conflict")
    version = serializers.IntegerField(help_text="The record's version now")
    your_version = serializers.IntegerField(allow_null=True, help_text="The version you sent")
    changed_by = serializers.CharField(help_text="Who made the latest change, or empty")
    changed_at = serializers.DateTimeField(allow_null=True)
    changes = ChangeSerializer(many=True, help_text="Each field changed since your version")


CONFLICT = OpenApiResponse(
    response=ConflictSerializer,
    description="Someone changed the record since the version you sent; nothing was written",
)


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
