"""统一身份认证 — optional single sign-on through the district's OIDC provider.

Off unless ``INNOPLAN_OIDC_ENABLED``. The provider vouches for who the person is; what they may
do stays here: a signed-in person must already have a local account whose username equals the
configured claim (``INNOPLAN_OIDC_USERNAME_CLAIM``, default ``preferred_username``). No account
is created and no role is granted from the provider's claims — the system administrator creates
accounts and a security administrator grants roles, as for local sign-in. After single sign-on
the identity gate still asks the administrators for their second factor."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.urls import path
from mozilla_django_oidc import views as oidc_views
from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class LocalAccountOIDCBackend(OIDCAuthenticationBackend):
    """Match the provider's username claim to an existing, active local account."""

    @property
    def username_claim(self) -> str:
        return settings.INNOPLAN_OIDC_USERNAME_CLAIM

    def verify_claims(self, claims):
        return bool(str(claims.get(self.username_claim) or "").strip())

    def filter_users_by_claims(self, claims):
        username = str(claims.get(self.username_claim) or "").strip()
        if not username:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username=username, is_active=True)

    def describe_user_by_claims(self, claims):
        return f"{self.username_claim} {claims.get(self.username_claim)}"

    def get_userinfo(self, access_token, id_token, payload):
        """The verified ID token's claims when they name the user, else the userinfo
        endpoint's answer."""
        if payload and self.username_claim in payload:
            return payload
        return super().get_userinfo(access_token, id_token, payload)

    def create_user(self, claims):
        """Never: accounts are created by the system administrator."""
        return None

    def update_user(self, user, claims):
        """The provider's claims change nothing here (no names, no roles)."""
        return user


urlpatterns = [
    path(
        "oidc/callback/",
        login_not_required(oidc_views.OIDCAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path(
        "oidc/authenticate/",
        login_not_required(oidc_views.OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
]
