"""Sign-in: password, then a TOTP second factor (enrolled at first sign-in with an
administrator's single-use enrolment code), with lockout; sign-out by POST."""

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
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from nestguard.access.rules import AUTHENTICATING, access_rule, signed_in_user
from nestguard.accounts import administration, services
from nestguard.accounts.administration import account_refusal
from nestguard.accounts.forms import CodeForm, EnrolmentCodeForm, SignInForm
from nestguard.accounts.models import EnrolmentCode, User
from nestguard.core.forms import GovukForm

LOCKED_MESSAGE = (
    "Your account is locked after too many failed attempts. "
    "Try again in {minutes} minutes, or ask your administrator to unlock it."
)
BAD_CREDENTIALS = "Enter a correct username and password"
AGENCY_INACTIVE = (
    "Your agency no longer has access to this service. Ask your administrator if you think "
    "this is wrong."
)
ENROLMENT_CODE_SESSION_KEY = "enrolment_code_id"
ENROLMENT_DEVICE_SESSION_KEY = "enrolment_device_id"


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
            elif account_refusal(user) == "agency_inactive":  # type: ignore[arg-type]
                form.add_error(None, AGENCY_INACTIVE)
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


def _locked_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    locked = SignInForm.showing_error(
        LOCKED_MESSAGE.format(minutes=settings.NESTGUARD_LOCKOUT_MINUTES)
    )
    return render(request, "accounts/sign_in.html", {"form": locked}, status=200)


def _fail_code(
    request: HttpRequest, user: User, form: GovukForm, field: str
) -> HttpResponse | None:
    if services.sign_in_failed(user=user, stage="second_factor"):
        return _locked_out(request)
    message = (
        "The enrolment code is wrong, used or has expired. Check it or ask your administrator"
        if field == "enrolment_code"
        else "The security code is wrong or has expired. Enter the code shown now"
    )
    form.add_error(field, message)
    return None


@access_rule(AUTHENTICATING)
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        # A lock set since the password step (by failures elsewhere, or an administrator's
        # lockout) holds here too: a code does not complete a locked account's sign-in.
        if user.is_locked():
            return _locked_out(request)
        if form.is_valid():
            for device in TOTPDevice.objects.filter(user=user, confirmed=True):
                if device.verify_token(form.cleaned_data["code"]):
                    return _complete(request, user, device)
            locked = _fail_code(request, user, form, "code")
            if locked:
                return locked
    return render(request, "accounts/verify.html", {"form": form})


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage)
    # As text with no XML declaration: the SVG sits inside the HTML page.
    return str(image.to_string(encoding="unicode"))


def _enrolment_code(request: HttpRequest, user: User) -> EnrolmentCode | None:
    """The usable enrolment code this session has shown, if any."""
    code_id = request.session.get(ENROLMENT_CODE_SESSION_KEY)
    if code_id is None:
        return None
    code = EnrolmentCode.objects.filter(pk=code_id, user=user).first()
    return code if code is not None and code.is_usable() else None


def _show_new_secret(request: HttpRequest, user: User, form: CodeForm) -> HttpResponse:
    """Every showing of the set-up page carries a new secret (never one shown before)."""
    device = services.totp_device_fresh(user=user)
    request.session[ENROLMENT_DEVICE_SESSION_KEY] = device.pk
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/enrol.html",
        {"form": form, "secret": secret, "qr_svg": _qr_svg(device.config_url)},
    )


@access_rule(AUTHENTICATING)
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """First the administrator's enrolment code, then a new secret and its first code."""
    user = _pending_user(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:verify")
    if request.method == "POST" and user.is_locked():
        return _locked_out(request)
    code = _enrolment_code(request, user)
    if code is None:
        return _enter_enrolment_code(request, user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = TOTPDevice.objects.filter(
            pk=request.session.get(ENROLMENT_DEVICE_SESSION_KEY), user=user, confirmed=False
        ).first()
        if device is not None and device.verify_token(form.cleaned_data["code"]):
            services.totp_enrolment_confirm(user=user, device=device, code=code)
            for key in (ENROLMENT_CODE_SESSION_KEY, ENROLMENT_DEVICE_SESSION_KEY):
                request.session.pop(key, None)
            return _complete(request, user, device)
        locked = _fail_code(request, user, form, "code")
        if locked:
            return locked
    return _show_new_secret(request, user, form)


def _enter_enrolment_code(request: HttpRequest, user: User) -> HttpResponse:
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = administration.enrolment_code_find(
            user=user, plain=form.cleaned_data["enrolment_code"]
        )
        if code is not None:
            request.session[ENROLMENT_CODE_SESSION_KEY] = str(code.pk)
            return redirect("accounts:enrol")
        locked = _fail_code(request, user, form, "enrolment_code")
        if locked:
            return locked
    return render(
        request,
        "accounts/enrolment_code.html",
        {"form": form, "hours": settings.NESTGUARD_ENROLMENT_CODE_HOURS},
    )


@access_rule(AUTHENTICATING)
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """POST only (a form button), so no link or image on another page can sign someone out."""
    if request.user.is_authenticated:
        services.signed_out(user=signed_in_user(request))
    logout(request)
    return render(request, "accounts/signed_out.html")
