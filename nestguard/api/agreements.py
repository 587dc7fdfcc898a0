"""Sharing agreements for administrators' systems: ending one (docs/decisions/0074).

The same service as the page and the command (`sharing_agreement_end`): it checks the
reason, refuses an agreement already ended and writes the audit event. See docs/api.md,
section "Sharing agreements".
"""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from nestguard.access.door import load
from nestguard.access.rules import ADMINISTERING, api
from nestguard.accounts.models import SharingAgreement, User
from nestguard.accounts.services import REASON_MAX, sharing_agreement_end
from nestguard.api.base import NestguardAPIView


class AgreementEndIn(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX)


class AgreementOut(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    lawful_basis = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    active = serializers.BooleanField(source="is_active")
    parties = serializers.SerializerMethodField()

    def get_parties(self, agreement: SharingAgreement) -> list[str]:
        return sorted(p.name for p in agreement.parties.all())


class SharingAgreementEnd(NestguardAPIView):
    access_rule = api(ADMINISTERING)

    @extend_schema(
        operation_id="sharing_agreements_end",
        summary="End a sharing agreement now; partner access that relied on it stops at once",
        request=AgreementEndIn,
        responses={
            200: AgreementOut,
            400: OpenApiResponse(description="Field errors (or already ended); nothing written"),
            404: OpenApiResponse(description="No such agreement"),
        },
    )
    def post(self, request: Request, pk: Any) -> Response:
        agreement = load(request.user, SharingAgreement, pk, purpose="admin")
        body = AgreementEndIn(data=request.data)
        body.is_valid(raise_exception=True)
        ended = sharing_agreement_end(
            # The access rule has admitted only an active administrator.
            actor=cast(User, request.user),
            agreement=agreement,
            reason=body.validated_data["reason"],
        )
        return Response(AgreementOut(ended).data)
