"""Identity pages: password change, second factor, and the security administrator's pages."""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innoplan.accounts import selectors, services
from innoplan.accounts.choices import Role
from innoplan.accounts.forms import EnrolForm, LockoutReleaseForm, RoleGrantForm, TokenForm
from innoplan.accounts.middleware import otp_pending
from innoplan.accounts.models import User
from innoplan.accounts.permissions import authorise, requires
from innoplan.accounts.services import Enrolment


def _next_url(request) -> str:
    """The page asked for before the identity gate, if safe; the account's start page for
    the site root."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    home = reverse("dashboard:home")
    if (
        target
        and target != home
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return selectors.start_page(request.user)


# --- every account ---------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Sign in; without a page asked for, on to the account's start page."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return selectors.start_page(self.request.user)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password: forced at first sign-in and after expiry, or by choice."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("dashboard:home")

    def form_valid(self, form):
        services.password_change(
            request=self.request,
            user=self.request.user,
            new_password=form.cleaned_data["new_password1"],
        )
        messages.success(self.request, _("Your password has been changed."))
        return redirect(_next_url(self.request))

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            forced=user.must_change_password,
            expired=user.password_expired,
            next=self.request.GET.get("next", ""),
            **kwargs,
        )


def otp_verify(request):
    """The second step of signing in: a code from the enrolled authenticator app."""
    if not otp_pending(request.user):
        return redirect(_next_url(request))
    if not services_has_device(request.user):
        return redirect("accounts:otp_enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified = services.otp_verify(
            request=request, user=request.user, token=form.cleaned_data["token"]
        )
        if verified is None:
            messages.error(request, _("Too many wrong codes: sign in again."))
            return redirect("accounts:login")
        if verified:
            return redirect(_next_url(request))
        form.add_error("token", _("This code is not valid. Wait for the next one and retry."))
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


def services_has_device(user) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def otp_enrol(request):
    """Set up an authenticator app: scan the QR code (or type the key), confirm with a code.

    Required of the administrators and of the accounts that may open personal data at their
    first sign-in, open to any account from its security page. An account that has a device
    but has not passed it yet cannot replace it here (that would skip the second factor); one
    that has passed it replaces it only with a code from it as well. A lost phone is reset by
    a security administrator."""
    user = request.user
    if otp_pending(user) and services_has_device(user):
        return redirect("accounts:otp_verify")
    device = services.otp_enrolment_device(request=request, user=user)
    replacing = services_has_device(user)
    form = EnrolForm(request.POST or None, replacing=replacing)
    if request.method == "POST" and form.is_valid():
        outcome = services.otp_enrol_confirm(
            request=request,
            user=user,
            device=device,
            token=form.cleaned_data["token"],
            current_token=form.cleaned_data.get("current_token"),
        )
        if outcome is Enrolment.SESSION_ENDED:
            messages.error(request, _("Too many wrong codes: sign in again."))
            return redirect("accounts:login")
        if outcome is Enrolment.CONFIRMED:
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(_next_url(request))
        if outcome is Enrolment.CURRENT_CODE_MISSING:
            form.add_error(
                "current_token", _("Enter a code from the authenticator app you use now.")
            )
        elif outcome is Enrolment.WRONG_CURRENT_CODE:
            form.add_error(
                "current_token", _("This code is not valid. Wait for the next one and retry.")
            )
        else:
            form.add_error("token", _("This code is not valid. Check the app's clock and retry."))
    uri = device.config_url
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "qr_data_uri": segno.make(uri, error="m").svg_data_uri(scale=5),
            "secret": base64.b32encode(device.bin_key).decode(),
            "uri": uri,
            "required": otp_pending(user),
            "replacing": replacing,
            "next": request.GET.get("next", ""),
        },
    )


def account_security(request):
    """One's own account: password age and the second factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return render(
        request,
        "accounts/security.html",
        {
            "device": TOTPDevice.objects.filter(user=request.user, confirmed=True).first(),
            "otp_required": request.user.second_factor_required,
            "no_role": request.user.role == Role.NO_ROLE,
        },
    )


# --- the security administrator --------------------------------------------------------------


@requires("accounts.manage_security")
def security_policy(request):
    return render(request, "accounts/secadmin/policy.html", {"policy": selectors.security_policy()})


@requires("accounts.manage_security")
def lockout_list(request):
    return render(request, "accounts/secadmin/lockouts.html", {"lockouts": selectors.lockouts()})


@require_POST
@requires("accounts.manage_security")
def lockout_release(request):
    form = LockoutReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was released: the request was incomplete."))
        return redirect("accounts:lockout_list")
    removed = services.lockout_release(
        actor=request.user,
        request=request,
        username=form.cleaned_data["username"],
        ip=form.cleaned_data["ip"],
    )
    if removed:
        messages.success(
            request,
            _("%(username)s may sign in again.") % {"username": form.cleaned_data["username"]},
        )
    else:
        messages.info(request, _("There was no lockout to release."))
    return redirect("accounts:lockout_list")


@requires("accounts.manage_security")
def user_list(request):
    return render(
        request,
        "accounts/secadmin/users.html",
        {"accounts": selectors.accounts_for_security_admin()},
    )


@requires("accounts.manage_security")
def role_grant(request, pk):
    account = get_object_or_404(User, pk=pk)
    authorise(request.user, "accounts.grant_role", account)
    form = RoleGrantForm(
        request.POST or None, initial={"role": account.role, "department": account.department_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.role_grant(
                actor=request.user,
                request=request,
                user=account,
                role=form.cleaned_data["role"],
                department=form.cleaned_data["department"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The role of %(user)s was changed.") % {"user": account})
            return redirect("accounts:user_list")
    return render(request, "accounts/secadmin/role_grant.html", {"form": form, "account": account})


@require_POST
@requires("accounts.manage_security")
def otp_reset(request, pk):
    account = get_object_or_404(User, pk=pk)
    try:
        services.otp_device_reset(actor=request.user, request=request, user=account)
    except PermissionDenied as refusal:
        # His own: refused, with the reason, and the refusal is in the audit trail.
        messages.error(request, str(refusal))
        return redirect("accounts:user_list")
    messages.success(
        request,
        _("%(user)s will set up the authenticator again at next sign-in.") % {"user": account},
    )
    return redirect("accounts:user_list")
