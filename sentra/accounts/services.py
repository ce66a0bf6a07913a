"""Writes to accounts: users within an administrator's scope, API tokens, notifications."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sentra.agencies.models import Agency
from sentra.core.errors import AccessDenied, DomainError, FieldError, NotFound

from .models import ApiToken, Notification, Profile, Role
from .permissions import NATIONAL_ROLES
from .scope import Actor, can_manage_users, code_in_scope

# Roles that work inside one region: giving them no region would open the whole country to them.
REGIONAL_ROLES = frozenset(
    {Role.PROVINCE_OFFICER, Role.REGENCY_OFFICER, Role.FACILITATOR, Role.DEKRANAS_OFFICER}
)

TOKEN_PREFIX = "sentra_"


def require_user_admin(actor: Actor, *, role: str, region_code: str | None) -> None:
    """An administrator creates users only inside their own region and never above their level."""
    if not can_manage_users(actor):
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
    _check_role_and_place(actor, role=role, agency=agency, region_code=region_code)
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
    profile = Profile.objects.create(
        user=user, role=role, agency=agency, region_id=region_code, manages_users=manages_users
    )
    _audit_profile(actor, "create", profile, None, {"is_active": [None, True]})
    return user


def _check_role_and_place(actor: Actor, *, role: str, agency: Agency | None, region_code: str | None) -> None:
    """Shared by create and update: a valid role, at a place that fits it, inside the actor's region."""
    if role not in Role.values:
        raise DomainError(
            _("Peran tidak dikenal."),
            code="unknown_role",
            errors=[FieldError("role", _("Peran tidak dikenal."), "invalid")],
        )
    require_user_admin(actor, role=role, region_code=region_code)
    if agency is not None and not (actor.is_superuser or actor.role == Role.MINISTRY_ADMIN):
        if agency.region_id is None or not code_in_scope(actor, agency.region_id):
            raise AccessDenied(_("Instansi itu berada di luar wilayah kerja Anda."))
    if role in REGIONAL_ROLES and region_code is None:
        raise DomainError(
            _("Peran ini bekerja di satu wilayah; pilih instansi daerahnya."),
            code="regional_role_without_region",
            errors=[FieldError("agency", _("Pilih instansi daerah untuk peran ini."), "required")],
        )


def _audit_profile(actor: Actor, action: str, profile: Profile, before: dict | None, extra: dict) -> None:
    """Records a change to a user's role, agency, region or status (never their password)."""
    from sentra.audit.models import AuditEvent
    from sentra.audit.services import diff, snapshot

    after = snapshot(profile)
    changes = {**diff(before, after), **{k: v for k, v in extra.items() if v[0] != v[1]}}
    if action == "update" and not changes:
        return
    AuditEvent.objects.create(
        user_id=actor.user_id,
        username=actor.username,
        channel=actor.channel,
        ip=actor.ip,
        action=action,
        object_type="accounts.profile",
        object_id=profile.pk,
        object_repr=str(profile.user.username)[:200],
        region_code=profile.region_id or "",
        changes=changes,
        snapshot=after,
    )


def user_for_change(actor: Actor, user_id: int):
    """The user an administrator may change: outside their scope → NotFound, a superuser → AccessDenied."""
    from .selectors import user_get

    if not can_manage_users(actor):
        raise AccessDenied(_("Anda tidak berwenang mengelola pengguna."))
    target = user_get(actor=actor, pk=user_id)
    if target is None:
        raise NotFound(_("Pengguna tidak ditemukan."))
    if target.is_superuser and not actor.is_superuser:
        raise AccessDenied(_("Hanya superuser yang dapat mengubah superuser."))
    profile = Profile.objects.filter(user=target).first()
    if profile is not None:
        # The user's present place must be one the actor may manage, as well as the new one.
        require_user_admin(actor, role=profile.role, region_code=profile.region_id)
    return target, profile


@transaction.atomic
def user_update(
    *,
    actor: Actor,
    user_id: int,
    role: str,
    agency: Agency | None,
    is_active: bool = True,
    manages_users: bool | None = None,
):
    """Changes a user's role, agency (their region follows it) and status, within the actor's limits."""
    target, profile = user_for_change(actor, user_id)
    region_code = agency.region_id if agency else None
    _check_role_and_place(actor, role=role, agency=agency, region_code=region_code)
    if role in NATIONAL_ROLES and region_code is not None:
        raise DomainError(
            _("Peran kementerian berlaku nasional; pilih instansi kementerian."),
            code="national_role_region",
            errors=[FieldError("agency", _("Peran kementerian tidak memiliki wilayah."), "invalid")],
        )
    if target.pk == actor.user_id and not is_active:
        raise DomainError(
            _("Anda tidak dapat menonaktifkan akun Anda sendiri."),
            code="deactivate_self",
            errors=[FieldError("is_active", _("Anda tidak dapat menonaktifkan akun Anda sendiri."))],
        )
    from sentra.audit.services import snapshot

    before = snapshot(profile) if profile else None
    if profile is None:
        profile = Profile(user=target)
    profile.role = role
    profile.agency = agency
    profile.region_id = region_code
    if manages_users is not None:
        profile.manages_users = manages_users
    profile.save()
    was_active = target.is_active
    if was_active != is_active:
        target.is_active = is_active
        target.save(update_fields=["is_active"])
    _audit_profile(
        actor, "update" if before else "create", profile, before, {"is_active": [was_active, is_active]}
    )
    return target


@transaction.atomic
def user_deactivate(*, actor: Actor, user_id: int):
    """Deactivates a user: they can no longer log in, and their API tokens stop working."""
    target, profile = user_for_change(actor, user_id)
    if target.pk == actor.user_id:
        raise DomainError(_("Anda tidak dapat menonaktifkan akun Anda sendiri."), code="deactivate_self")
    if target.is_active:
        target.is_active = False
        target.save(update_fields=["is_active"])
        if profile is not None:
            from sentra.audit.services import snapshot

            _audit_profile(actor, "update", profile, snapshot(profile), {"is_active": [True, False]})
    return target


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


def token_revoke_by_id(*, token_id: int) -> ApiToken:
    """For the command line (an operator with shell access): revokes any user's token by its id."""
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None:
        raise DomainError(_("Token tidak ditemukan."), code="unknown_token")
    return token_revoke(user=token.user, token_id=token.pk)


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


def notifications_mark_read(*, user, ids: Iterable[int] | None = None, everything: bool = False) -> int:
    """Marks the user's unread notifications read: those named in `ids`, or all with `everything=True`.

    "All" is never the default: a missing or garbled list of ids (the API once read `[null, null]` as
    none at all) must not mark everything read. Other users' ids are ignored. Returns how many changed.
    """
    if everything:
        if ids is not None:
            raise DomainError(_("Pilih salah satu: ids atau all."), code="ids_or_all")
        qs = Notification.objects.filter(user=user, read_at=None)
    else:
        ids = list(ids) if ids is not None else []
        if not ids or any(type(pk) is not int or pk < 1 for pk in ids):
            raise DomainError(
                _("Sebutkan notifikasi yang ditandai: daftar id (bilangan bulat positif), atau all."),
                code="ids_or_all",
            )
        qs = Notification.objects.filter(user=user, read_at=None, pk__in=ids)
    return qs.update(read_at=timezone.now())
