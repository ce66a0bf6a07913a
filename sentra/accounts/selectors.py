"""Reads over accounts: the users an administrator may see, what they may hand out, a user's tokens.

The scope rule is the registries' one: an administrator sees the users whose profile region lies
inside their own region (the ministry and superusers: everyone). A user outside it is not found.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from sentra.agencies.models import Agency
from sentra.regions.selectors import region_filter_q

from .models import ApiToken, Role
from .permissions import NATIONAL_ROLES
from .scope import Actor, can_manage_users


def is_national_admin(actor: Actor) -> bool:
    return actor.is_superuser or actor.role == Role.MINISTRY_ADMIN


def _region_inside_q(actor: Actor, field: str) -> Q:
    """The actor's region and everything under it (the whole country for a national actor)."""
    return Q() if actor.region_code is None else region_filter_q(field, actor.region_code)


def user_list(*, actor: Actor, q: str = "") -> QuerySet:
    """The users the actor may administer, newest first; none when they may not manage users."""
    User = get_user_model()
    if not can_manage_users(actor):
        return User.objects.none()
    qs = User.objects.select_related("profile", "profile__agency", "profile__region")
    if not is_national_admin(actor):
        if actor.region_code is None:
            return User.objects.none()
        # A regional administrator never sees superusers or national users (their region is null).
        qs = qs.filter(_region_inside_q(actor, "profile__region"), is_superuser=False)
    if q := q.strip():
        qs = qs.filter(
            Q(username__icontains=q)
            | Q(email__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(profile__agency__name__icontains=q)
        )
    return qs.order_by("username", "id")


def user_get(*, actor: Actor, pk: int):
    """One user the actor may administer, or None (answered with 404)."""
    return user_list(actor=actor).filter(pk=pk).first()


def assignable_roles(actor: Actor) -> list[tuple[str, str]]:
    """The roles the actor may hand out: national roles only by the ministry."""
    if not can_manage_users(actor):
        return []
    national = is_national_admin(actor)
    return [(value, label) for value, label in Role.choices if national or value not in NATIONAL_ROLES]


def assignable_agencies(actor: Actor) -> QuerySet[Agency]:
    """The agencies inside the actor's region (the ministry: all of them)."""
    if not can_manage_users(actor):
        return Agency.objects.none()
    qs = Agency.objects.select_related("region")
    if not is_national_admin(actor):
        if actor.region_code is None:
            return Agency.objects.none()
        qs = qs.filter(_region_inside_q(actor, "region"))
    return qs.order_by("region_id", "name")


def token_list(*, user) -> QuerySet[ApiToken]:
    """A user's own API tokens, active and revoked, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
