"""The scope rule: who may read and change which records. Selectors and services all ask here.

A user reads the records placed inside their region (the whole country when they have none) and
changes them only where their role allows the action (accounts/permissions.py). A record outside
what the user may read is reported as not found, never as forbidden, so its existence does not leak.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from sentra.core.errors import AccessDenied, DomainError, FieldError, NotFound
from sentra.regions.selectors import region_filter_q

from .models import Role
from .permissions import OWN_AGENCY_ONLY, Action, area_of, role_allows


class Channel:
    WEB = "web"
    API = "api"
    IMPORT = "import"
    CLI = "cli"
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """Who is acting, through which channel: passed to every selector and service."""

    user_id: int | None
    username: str
    role: str | None
    region_code: str | None  # dotted Kemendagri code; None: the whole country
    agency_id: int | None
    channel: str = Channel.WEB
    ip: str | None = None
    is_superuser: bool = False
    manages_users: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None or self.is_superuser

    @property
    def is_national(self) -> bool:
        return self.region_code is None

    def can(self, action: str, area: str | None = None) -> bool:
        return self.is_superuser or role_allows(self.role, action, area)

    def with_channel(self, channel: str) -> Actor:
        return Actor(**{**self.__dict__, "channel": channel})


ANONYMOUS = Actor(user_id=None, username="", role=None, region_code=None, agency_id=None)


def system_actor(channel: str = Channel.SYSTEM, *, username: str = "sistem") -> Actor:
    """The platform itself (demo data, reference loads): every right, everywhere."""
    return Actor(
        user_id=None,
        username=username,
        role=Role.MINISTRY_ADMIN,
        region_code=None,
        agency_id=None,
        channel=channel,
        is_superuser=True,
    )


def actor_for_user(user, *, channel: str = Channel.WEB, ip: str | None = None) -> Actor:
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    profile = getattr(user, "profile", None) if _has_profile(user) else None
    if profile is None:
        # A superuser without a profile administers the whole platform; anyone else has no role yet.
        role = Role.MINISTRY_ADMIN if user.is_superuser else None
        return Actor(user.pk, user.username, role, None, None, channel, ip, user.is_superuser)
    return Actor(
        user_id=user.pk,
        username=user.username,
        role=profile.role,
        region_code=profile.region_id,
        agency_id=profile.agency_id,
        channel=channel,
        ip=ip,
        is_superuser=user.is_superuser,
        manages_users=profile.manages_users,
    )


def _has_profile(user) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        user.profile  # noqa: B018 - a missing one-to-one raises
    except ObjectDoesNotExist:
        return False
    return True


def actor_for_request(request, *, channel: str = Channel.WEB) -> Actor:
    cached = getattr(request, "_sentra_actor", None)
    if cached is not None and cached.channel == channel:
        return cached
    actor = actor_for_user(
        getattr(request, "user", None), channel=channel, ip=request.META.get("REMOTE_ADDR")
    )
    request._sentra_actor = actor
    return actor


# --- reads ---------------------------------------------------------------------------------------


def region_q(
    actor: Actor,
    *,
    province: str = "province_code",
    regency: str = "regency_code",
    village: str = "village_id",
) -> Q:
    """Rows placed inside the actor's region, by the denormalised codes of RegionPlacedModel."""
    if not actor.is_authenticated:
        return Q(pk__in=[])
    code = actor.region_code
    if code is None:
        return Q()
    if len(code) == 2:
        return Q(**{province: code})
    if len(code) == 5:
        return Q(**{regency: code})
    return region_filter_q(village, code)


def code_in_scope(actor: Actor, code: str | None) -> bool:
    """Whether a region code (any level) lies inside the actor's region."""
    if not actor.is_authenticated:
        return False
    if actor.region_code is None:
        return True
    return bool(code) and (code == actor.region_code or code.startswith(actor.region_code + "."))


def can_manage_users(actor: Actor) -> bool:
    """Ministry administrators, superusers and anyone whose profile says `manages_users`."""
    return (
        actor.is_superuser
        or actor.role == Role.MINISTRY_ADMIN
        or (actor.user_id is not None and actor.manages_users)
    )


def require(actor: Actor, action: str, area: str | None = None) -> None:
    """The role must allow the action at all in the area (e.g. analysts never edit)."""
    if not actor.can(action, area):
        raise AccessDenied(
            _("Peran Anda tidak diizinkan %(action)s data ini.") % {"action": Action(action).label}
        )


def require_record(actor: Actor, action: str, record) -> None:
    """Checks an action on one record: unreadable → NotFound; readable but not allowed → AccessDenied.

    `record.scope_code` is the region code the record is placed at (a village for the registries,
    the owning agency's region for plans and budgets; None for national records).
    """
    if not code_in_scope(actor, record.scope_code):
        raise NotFound(_("Data tidak ditemukan."))
    require(actor, action, area_of(record))
    if action not in (Action.LIST, Action.VIEW, Action.EXPORT) and not actor.is_superuser:
        if actor.role in OWN_AGENCY_ONLY and record.agency_id != actor.agency_id:
            raise AccessDenied(_("Data ini milik instansi lain; Anda hanya dapat membacanya."))


def require_place(actor: Actor, action: str, village_code: str) -> None:
    """A new record (or a move) must land inside the actor's region."""
    require(actor, action)
    if not code_in_scope(actor, village_code):
        raise AccessDenied(
            _("Desa/kelurahan %(code)s berada di luar wilayah kerja Anda.") % {"code": village_code}
        )


# --- references named in a request body -----------------------------------------------------------
#
# An id or a region code in a body (a centre's decree, an activity's beneficiaries, a budget line's
# activity …) names a record the way an id in a URL does, so it goes through the same rule: a record
# the actor may not read is answered exactly as a record that does not exist (`unknown_reference`),
# and a region a record is placed at or works in must lie inside the actor's region.


def enclosing_codes(code: str | None) -> list[str]:
    """The regions that contain a region, largest first: 64.09.01 → [64, 64.09]."""
    parts = (code or "").split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def within_region_q(actor: Actor, field: str, *, enclosing: bool = False) -> Q:
    """Rows whose region code column `field` lies inside the actor's region (the region itself and
    everything under it: codes are hierarchical). `enclosing` also admits the regions that contain
    the actor's region, for acts a region issues for everything in it (a governor's decree for a
    regency officer of that province)."""
    if not actor.is_authenticated:
        return Q(pk__in=[])
    code = actor.region_code
    if code is None:
        return Q()
    q = region_filter_q(field, code)
    if enclosing and (above := enclosing_codes(code)):
        q |= Q(**{f"{field}__in": above})
    return q


def _field_names(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def scoped_queryset(actor: Actor, model_or_queryset, *, enclosing: bool = False):
    """The rows of a model (or of a queryset) the actor may read, by the one scope rule.

    Registry records (village + province/regency codes) and plans or budgets (their agency's region
    + province/regency codes) read as their selectors read them (region_q); a record placed only at
    a region (a decree) reads as within_region_q. A model the rule knows nothing of is refused
    (TypeError) rather than guessed."""
    from django.db.models import QuerySet

    qs = model_or_queryset if isinstance(model_or_queryset, QuerySet) else model_or_queryset.objects.all()
    fields = _field_names(qs.model)
    if {"province_code", "regency_code", "village"} <= fields:
        return qs.filter(region_q(actor))
    if {"province_code", "regency_code", "region"} <= fields:
        return qs.filter(region_q(actor, village="region_id"))
    if "region" in fields:
        return qs.filter(within_region_q(actor, "region_id", enclosing=enclosing))
    raise TypeError(f"No scope rule for {qs.model.__name__}")


def unknown_reference(field: str, pk) -> DomainError:
    """The one answer for an id in a body that names nothing the actor may read."""
    return DomainError(
        _("Data terkait tidak ditemukan."),
        code="unknown_reference",
        errors=[FieldError(field, _("Data dengan id %(id)s tidak ada.") % {"id": pk}, "unknown")],
    )


def resolve_reference(actor: Actor, model_or_queryset, pk, *, field: str, keep=None, enclosing: bool = False):
    """The record a request body names by id (None when it names none), inside the actor's scope.

    An id outside what the actor may read gets exactly the answer of an id that does not exist
    (`unknown_reference` on `field`, a 400), so ids cannot be used to probe other regions. `keep`:
    the id the record being edited already holds; sending it back unchanged (a PUT of what was read)
    is accepted even when someone with a wider scope set it, as it is no new reference."""
    if pk is None:
        return None
    if keep is not None and pk == keep:
        from django.db.models import QuerySet

        qs = model_or_queryset if isinstance(model_or_queryset, QuerySet) else model_or_queryset.objects
        found = qs.filter(pk=pk).first()
    else:
        found = scoped_queryset(actor, model_or_queryset, enclosing=enclosing).filter(pk=pk).first()
    if found is None:
        raise unknown_reference(field, pk)
    return found


def require_region_reference(actor: Actor, codes, *, field: str, keep=()) -> None:
    """Region codes a body names for a record to be placed at or to work in (an activity's
    locations) must lie inside the actor's region; codes the record already holds (`keep`) stay.
    Region codes are public reference data: the answer says which code is outside, on its field."""
    outside = [c for c in codes if c not in set(keep) and not code_in_scope(actor, c)]
    if outside:
        message = _("Wilayah %(codes)s berada di luar wilayah kerja Anda.") % {"codes": ", ".join(outside)}
        raise DomainError(message, code="out_of_scope", errors=[FieldError(field, message, "out_of_scope")])
