"""API authentication: a personal token (`Authorization: Bearer sentra_…`) or the web session."""

from __future__ import annotations

from django.conf import settings
from ninja.security import APIKeyCookie, HttpBearer

from sentra.accounts.scope import Actor, Channel, actor_for_request
from sentra.accounts.services import token_authenticate


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The web session, CSRF-checked on writes; no session user means no credentials at all.

    django-ninja's own SessionAuth checks CSRF before it looks at the user, so a request with no
    credentials was refused with 403 "CSRF check Failed". Here a caller without a logged-in session
    falls through to 401, and only a session-authenticated write needs the CSRF token.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)  # the CSRF check (unsafe methods), then authenticate

    def authenticate(self, request, key):
        return request.user


api_auth = [TokenAuth(), SessionAuth()]


def api_actor(request) -> Actor:
    return actor_for_request(request, channel=Channel.API)
