"""Sign-in: password, then a TOTP second factor (enrolled at first sign-in), with lockout."""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from nestguard.access.rules import AUTHENTICATING, access_rule, signed_in_user
from nestguard.accounts import services
from nestguard.accounts.forms import CodeForm, SignInForm
from nestguard.accounts.models import User

LOCKED_MESSAGE = (
    "Your account is locked after too many failed attempts. "
    "Try again in {minutes} minutes, or ask your administrator to unlock it."
)
BAD_CREDENTIALS = "Enter a correct username and password"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


@access_rule(AUTHENTICATING)
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        candidate = User.objects.filter(username__iexact=username, is_active=True).first()
        if candidate and candidate.is_locked():
            form.add_error(None, LOCKED_MESSAGE.format(minutes=settings.NESTGUARD_LOCKOUT_MINUTES))
        else:
            user = authenticate(
                request,
                username=candidate.username if candidate else username,
                password=form.cleaned_data["password"],
            )
            if user is None:
                if candidate and services.sign_in_failed(user=candidate, stage="password"):
                    form.add_error(
                        None, LOCKED_MESSAGE.format(minutes=settings.NESTGUARD_LOCKOUT_MINUTES)
                    )
                else:
                    form.add_error(None, BAD_CREDENTIALS)
            else:
                login(request, user)
                request.session["next"] = _next_url(request)
                if settings.NESTGUARD_DEMO_SKIP_MFA:
                    services.sign_in_succeeded(user=user)
                    return redirect(request.session.pop("next"))
                has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
                return redirect("accounts:verify" if has_device else "accounts:enrol")
    return render(
        request, "accounts/sign_in.html", {"form": form, "next": request.GET.get("next", "")}
    )


def _pending_user(request: HttpRequest) -> User | None:
    user = request.user
    if not user.is_authenticated:
        return None
    return user  # type: ignore[return-value]


def _complete(request: HttpRequest, user: User, device: TOTPDevice) -> HttpResponse:
    otp_login(request, device)
    services.sign_in_succeeded(user=user)
    return redirect(request.session.pop("next", settings.LOGIN_REDIRECT_URL))


def _fail_code(request: HttpRequest, user: User, form: CodeForm) -> HttpResponse | None:
    if services.sign_in_failed(user=user, stage="second_factor"):
        logout(request)
        locked = SignInForm.showing_error(
            LOCKED_MESSAGE.format(minutes=settings.NESTGUARD_LOCKOUT_MINUTES)
        )
        return render(request, "accounts/sign_in.html", {"form": locked}, status=200)
    form.add_error("code", "The security code is wrong or has expired. Enter the code shown now")
    return None


@access_rule(AUTHENTICATING)
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(form.cleaned_data["code"]):
                return _complete(request, user, device)
        locked = _fail_code(request, user, form)
        if locked:
            return locked
    return render(request, "accounts/verify.html", {"form": form})


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage)
    # As text with no XML declaration: the SVG sits inside the HTML page.
    return str(image.to_string(encoding="unicode"))


@access_rule(AUTHENTICATING)
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:verify")
    device = services.totp_device_for_enrolment(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            services.totp_enrolment_confirm(user=user, device=device)
            return _complete(request, user, device)
        locked = _fail_code(request, user, form)
        if locked:
            return locked
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/enrol.html",
        {"form": form, "secret": secret, "qr_svg": _qr_svg(device.config_url)},
    )


@access_rule(AUTHENTICATING)
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.signed_out(user=signed_in_user(request))
    logout(request)
    return render(request, "accounts/signed_out.html")
