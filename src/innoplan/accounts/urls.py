from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from innoplan.accounts import views

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        login_not_required(
            views.LoginView.as_view(extra_context={"oidc_enabled": settings.INNOPLAN_OIDC_ENABLED})
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("otp/", views.otp_verify, name="otp_verify"),
    path("otp/enrol/", views.otp_enrol, name="otp_enrol"),
    path("security/", views.account_security, name="security"),
    # The security administrator's pages.
    path("secadmin/", views.security_policy, name="security_policy"),
    path("secadmin/lockouts/", views.lockout_list, name="lockout_list"),
    path("secadmin/lockouts/release/", views.lockout_release, name="lockout_release"),
    path("secadmin/users/", views.user_list, name="user_list"),
    path("secadmin/users/<int:pk>/role/", views.role_grant, name="role_grant"),
    path("secadmin/users/<int:pk>/otp-reset/", views.otp_reset, name="otp_reset"),
]

if settings.INNOPLAN_OIDC_ENABLED:
    # 统一身份认证: the provider's sign-in and callback; local accounts stay as a fallback.
    from innoplan.accounts.oidc import urlpatterns as oidc_urlpatterns

    urlpatterns += oidc_urlpatterns
