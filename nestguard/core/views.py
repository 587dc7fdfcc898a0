from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from nestguard.access.rules import PUBLIC, SIGNED_IN, access_rule


@access_rule(SIGNED_IN)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@access_rule(PUBLIC)
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: the process answers and the database can be reached."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@access_rule(PUBLIC)
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")
