"""Idle logout, answers kept out of caches, and the interface language."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers

LAST_SEEN_KEY = "innoplan_last_seen"
# The last-seen time is written when it has moved this far: a page view that writes nothing
# else then writes nothing at all, so on SQLite it does not queue behind a long import for
# the database's single write lock. A session may end up to this much before its idle limit.
TOUCH_SECONDS = 60


class IdleTimeoutMiddleware:
    """A session unused for longer than SESSION_IDLE_TIMEOUT seconds ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= TOUCH_SECONDS or LAST_SEEN_KEY not in request.session:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose otherwise with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a district
    official whose browser happens to be set to English would land on an English site; here
    only the language cookie (set by the switch) departs from LANGUAGE_CODE."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreMiddleware:
    """Every answer to a signed-in user — pages, Excel and Word exports, attachments, API
    calls, errors — carries ``Cache-Control: no-store`` (and ``Pragma: no-cache`` for old
    proxies): they hold personal data and departments' figures, which no browser cache or
    proxy may keep after the user has left. Static files never reach this: WhiteNoise, ahead
    of it, answers them with their long-lived caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Before and after: the answer to a logout is to one who was signed in.
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in or request.user.is_authenticated:
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response
