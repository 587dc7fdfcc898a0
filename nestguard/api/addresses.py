"""GET /api/v1/addresses/?postcode=: the address register at a postcode.

Addresses only, never case content: any signed-in user may ask, as on the search page.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from nestguard.access.door import record_search
from nestguard.access.rules import SIGNED_IN, api
from nestguard.api.base import NestguardAPIView
from nestguard.api.pagination import Pagination
from nestguard.places.selectors import register_addresses_queryset
from nestguard.places.validation import POSTCODE_REQUIRED, clean_postcode


class AddressQuerySerializer(serializers.Serializer):
    postcode = serializers.CharField(
        required=True,
        allow_blank=True,
        trim_whitespace=False,
        error_messages={"required": POSTCODE_REQUIRED, "null": POSTCODE_REQUIRED},
        help_text="A full UK postcode, in any case and spacing: NB1 2AB, nb12ab",
    )

    def validate_postcode(self, value: str) -> str:
        try:
            return clean_postcode(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages[0]) from None


class AddressSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    uprn = serializers.CharField(allow_null=True)
    line1 = serializers.CharField()
    line2 = serializers.CharField()
    town = serializers.CharField()
    postcode = serializers.CharField()
    ward = serializers.CharField()
    tenure = serializers.CharField(help_text="A code of the tenures list")
    tenure_label = serializers.CharField()


class AddressPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = AddressSerializer(many=True)


class AddressListAPIView(NestguardAPIView):
    """The address register at a postcode: addresses only, never case content.

    The postcode may be typed in any case and spacing; a missing or malformed one answers
    400 with a field error. Paged with `limit` and `offset`. Audited as `address.search`.
    """

    access_rule = api(SIGNED_IN)

    @extend_schema(
        operation_id="addresses_list",
        summary="Addresses in the register at a postcode",
        parameters=[
            AddressQuerySerializer,
            OpenApiParameter(
                "limit", int, description="Addresses per page (default 50, at most 200)"
            ),
            OpenApiParameter("offset", int, description="How many addresses to skip"),
        ],
        responses={
            200: AddressPageSerializer,
            400: OpenApiResponse(description='A missing or invalid postcode: {"postcode": [...]}'),
            401: OpenApiResponse(description="No valid token"),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = AddressQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        postcode = query.validated_data["postcode"]
        paginator = Pagination()
        page = paginator.paginate_queryset(
            register_addresses_queryset(postcode), request, view=self
        )
        record_search(
            request.user,
            "address.search",
            purpose="partner_system",
            terms={"postcode": postcode},
            found=paginator.count or 0,
        )
        return paginator.get_paginated_response(AddressSerializer(page, many=True).data)
