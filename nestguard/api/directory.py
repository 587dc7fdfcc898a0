"""The services directory for partner systems: the active services, read only, with who each
takes (decision 0108). Onward referrals name a service by its `code`
(`POST /api/v1/onward-referrals/`), which checks the service's eligibility and answers 400 with
the reasons under `service` when the person is not eligible."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from nestguard.access.door import visible
from nestguard.access.rules import SIGNED_IN, api
from nestguard.api.base import NestguardAPIView
from nestguard.api.pagination import Pagination, page_of
from nestguard.directory.models import Service


class ServiceOutSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField()
    provider = serializers.CharField()
    provider_agency = serializers.CharField(source="provider_agency.name", allow_null=True)
    description = serializers.CharField()
    how_to_refer = serializers.CharField()
    min_age = serializers.IntegerField(allow_null=True)
    max_age = serializers.IntegerField(allow_null=True)
    consent_required = serializers.BooleanField()
    concern_types_any = serializers.ListField(child=serializers.CharField())
    subject_roles_any = serializers.ListField(child=serializers.CharField())
    wards_any = serializers.ListField(child=serializers.CharField())
    eligibility_source = serializers.CharField()
    support_levels = serializers.ListField(child=serializers.CharField())
    follow_up_months = serializers.IntegerField(allow_null=True)
    follow_up_days = serializers.IntegerField(allow_null=True)
    follow_up_from = serializers.CharField()
    follow_up_label = serializers.CharField()


class ServiceList(NestguardAPIView):
    access_rule = api(SIGNED_IN)

    @extend_schema(
        operation_id="services_list",
        summary="The active services of the directory, with who each takes (no personal data)",
        responses=page_of(ServiceOutSerializer, "ServicePage"),
    )
    def get(self, request: Request) -> Response:
        rows = (
            visible(request.user, Service)
            .filter(active=True)
            .select_related("provider_agency")
            .order_by("name", "code")
        )
        paginator = Pagination()
        page = list(paginator.paginate_queryset(rows, request, view=self) or [])
        return paginator.get_paginated_response(ServiceOutSerializer(page, many=True).data)
