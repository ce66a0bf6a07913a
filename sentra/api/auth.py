"""API authentication: a personal token (`Authorization: Bearer sentra_…`) or the web session."""

from __future__ import annotations

from ninja.security import HttpBearer, django_auth

from sentra.accounts.scope import Actor, Channel, actor_for_request
from sentra.accounts.services import token_authenticate


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api_auth = [TokenAuth(), django_auth]


def api_actor(request) -> Actor:
    return actor_for_request(request, channel=Channel.API)
