"""The identity gate: after the password, an account that must pass a second factor or change
its password does that before it reaches any other page."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.http import urlencode
from django.utils.translation import gettext as _

# Pages open to a signed-in user whatever the gate says: leaving, and choosing a language.
ALWAYS_OPEN = {"accounts:login", "accounts:logout", "set_language"}
# Pages where the second factor is given or set up.
OTP_PAGES = {"accounts:otp_verify", "accounts:otp_enrol"}
PASSWORD_PAGES = {"accounts:password_change"}


def _view_name(request) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def otp_pending(user) -> bool:
    """Signed in with a password but still owing the second factor."""
    verified = getattr(user, "is_verified", None)
    return bool(user.needs_second_factor and not (verified and verified()))


class IdentityGateMiddleware:
    """Send a signed-in account that owes the second factor to its verification (or enrolment)
    page, then one that must change its password to the change page. API calls get 403 JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        if settings.STATIC_URL and request.path_info.startswith(settings.STATIC_URL):
            return self.get_response(request)
        name = _view_name(request)
        if name in ALWAYS_OPEN:
            return self.get_response(request)
        if otp_pending(user):
            if name in OTP_PAGES:
                return self.get_response(request)
            return self._refuse(
                request,
                _("A second factor is required before this page."),
                "accounts:otp_verify" if _has_device(user) else "accounts:otp_enrol",
            )
        if user.needs_password_change:
            if name in PASSWORD_PAGES:
                return self.get_response(request)
            return self._refuse(
                request,
                _("Your password must be changed before this page."),
                "accounts:password_change",
            )
        return self.get_response(request)

    @staticmethod
    def _refuse(request, message, to):
        if _is_api(request):
            return JsonResponse({"detail": message}, status=403)
        response = redirect(to)
        if request.method == "GET" and name_is_page(request):
            response["Location"] += "?" + urlencode({"next": request.get_full_path()})
        return response


def name_is_page(request) -> bool:
    return request.headers.get("HX-Request") != "true"


def _has_device(user) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
