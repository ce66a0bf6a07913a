"""Writes to accounts: users within an administrator's scope, API tokens, notifications."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sentra.agencies.models import Agency
from sentra.core.errors import AccessDenied, DomainError, FieldError

from .models import ApiToken, Notification, Profile, Role
from .permissions import NATIONAL_ROLES
from .scope import Actor, code_in_scope

TOKEN_PREFIX = "sentra_"


def _can_manage(actor: Actor) -> bool:
    if actor.is_superuser or actor.role == Role.MINISTRY_ADMIN:
        return True
    from .models import Profile as P

    return bool(actor.user_id) and P.objects.filter(user_id=actor.user_id, manages_users=True).exists()


def require_user_admin(actor: Actor, *, role: str, region_code: str | None) -> None:
    """An administrator creates users only inside their own region and never above their level."""
    if not _can_manage(actor):
        raise AccessDenied(_("Anda tidak berwenang mengelola pengguna."))
    if actor.is_superuser or actor.role == Role.MINISTRY_ADMIN:
        return
    if role in NATIONAL_ROLES or region_code is None or not code_in_scope(actor, region_code):
        raise AccessDenied(_("Anda hanya dapat mengelola pengguna di wilayah kerja Anda."))


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    agency: Agency | None,
    region_code: str | None = None,
    email: str = "",
    manages_users: bool = False,
):
    region_code = region_code if region_code is not None else (agency.region_id if agency else None)
    require_user_admin(actor, role=role, region_code=region_code)
    if role in NATIONAL_ROLES and region_code is not None:
        raise DomainError(
            _("Peran kementerian berlaku nasional; kosongkan wilayahnya."),
            code="national_role_region",
            errors=[FieldError("region", _("Peran kementerian tidak memiliki wilayah."), "invalid")],
        )
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(
            _("Nama pengguna sudah dipakai."),
            code="username_taken",
            errors=[FieldError("username", _("Nama pengguna sudah dipakai."), "unique")],
        )
    user = User(username=username, email=email)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError(
            _("Kata sandi terlalu lemah."),
            code="weak_password",
            errors=[FieldError("password", message, "weak_password") for message in error.messages],
        ) from error
    user.set_password(password)
    user.save()
    Profile.objects.create(
        user=user, role=role, agency=agency, region_id=region_code, manages_users=manages_users
    )
    return user


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is never stored and cannot be shown again."""
    name = name.strip()[:100] or _("Token API")
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[: len(TOKEN_PREFIX) + 5], key_hash=_hash(key)
    )
    return token, key


def token_revoke(*, user, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise DomainError(_("Token tidak ditemukan."), code="unknown_token")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(key: str):
    """The user behind an active key, or None. Marks the key as used (at most once a minute)."""
    if not key or not key.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key), revoked_at=None).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def notify(*, user_id: int, message: str, link: str = "") -> Notification:
    return Notification.objects.create(user_id=user_id, message=message[:500], link=link[:300])


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at=None)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
