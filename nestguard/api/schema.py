"""The OpenAPI 3 schema, behind a token like every other endpoint (deny by default), and the
bearer scheme it declares for `nestguard.api.authentication.BearerTokenAuthentication`."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated

from nestguard.access.rules import SIGNED_IN, api
from nestguard.api.authentication import BearerTokenAuthentication
from nestguard.api.base import NestguardAPIView


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "nestguard.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "Authorization: Bearer <token>. An administrator issues a token with "
                "`nestguard create_api_token --username U [--days N] [--scope read|write]`; "
                "it acts with at most its user's access (a read token cannot write), expires "
                "(90 days by default) and can be revoked."
            ),
        }


class SchemaView(NestguardAPIView, SpectacularAPIView):
    """GET /api/v1/schema/ (YAML; `?format=json` for JSON). Any valid token may read it."""

    access_rule = api(SIGNED_IN)
    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [IsAuthenticated]
