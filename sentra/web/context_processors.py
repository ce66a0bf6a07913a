"""`may` in every template: what the signed-in user's role may do, read from the one permission table.

Menus and buttons ask it so a role is shown only what it may use (accounts/permissions.py):
  {% if may.create %}            the registries (IKM, sentra, produk): the default area
  {% if may.programmes_create %} an area's action: <area>_<action>
  {% if may.import %}            an import of any kind the role may run
  {% if may.verification %}      any step of the verification workflow (submit, verify, accept,
                                 return, reopen)
  {% if may.field_app %}         the facilitators' phone app (/lapangan/): the facilitator role only
  {% if may.facilitator_coverage %} the facilitators' coverage (/pendamping/cakupan/): readers of the
                                 area except facilitators themselves
The actor is computed once per request (accounts.scope.actor_for_request caches it).

`verification_waiting`: for a role that checks others' work (verify or accept), how many records wait
for its step in its region — the count on "Verifikasi" in the menu. Counted only when a template reads
it, each type's count stopping at WAITING_CAP + 1 rows (the badge shows "99+"), all types in one query;
0 for other roles (a submitter's drafts are its own work list, not a queue addressed to it).
"""

from __future__ import annotations

from sentra.accounts.models import Role
from sentra.accounts.permissions import AREA_ACTIONS, WORKFLOW, Action
from sentra.accounts.scope import actor_for_request

WAITING_CAP = 99


class Permissions:
    def __init__(self, request):
        self._request = request
        self._actor = None

    @property
    def actor(self):
        if self._actor is None:
            self._actor = actor_for_request(self._request)
        return self._actor

    def __getitem__(self, key: str) -> bool:
        actor = self.actor
        if not actor.is_authenticated:
            return False
        if key == "verification":
            # /verifikasi/ lists the registries', plans' and coordination's records; facilitators'
            # reports and proposals wait in their own queues (/pendamping/laporan/, /pendamping/usulan/),
            # so a facilitator's right to submit their report does not bring an empty page to the menu.
            return any(
                actor.can(step, area) for step in WORKFLOW for area in AREA_ACTIONS if area != "facilitators"
            )
        if key == Action.IMPORT:
            return any(actor.can(Action.IMPORT, area) for area in AREA_ACTIONS)
        if key == "field_app":  # the phone app at /lapangan/ is the facilitator's own tool
            return actor.role == Role.FACILITATOR
        if key == "facilitator_coverage":  # coverage is the managers' view (Dinas, province, ministry)
            return actor.can(Action.LIST, "facilitators") and (
                actor.role != Role.FACILITATOR or actor.is_superuser
            )
        area, _sep, action = key.rpartition("_")
        if area and area not in AREA_ACTIONS:
            raise KeyError(key)
        if action not in Action.values:
            raise KeyError(key)
        return actor.can(action, area or None)

    def __contains__(self, key: str) -> bool:
        try:
            self[key]
        except KeyError:
            return False
        return True


def verification_waiting(request) -> int:
    """Records waiting for the user's checking step (verify or accept), over every queue type."""
    from sentra.registry.selectors import RegistryFilter
    from sentra.verification.selectors import waiting_count, waiting_statuses

    from .views.workflow import QUEUE_ENTITIES

    actor = actor_for_request(request)
    if not actor.is_authenticated or not any(actor.can(step) for step in (Action.VERIFY, Action.ACCEPT)):
        return 0
    if not waiting_statuses(actor):
        return 0
    queues = [
        entity.list_fn(actor=actor, filters=RegistryFilter(waiting=True))
        for entity in QUEUE_ENTITIES.values()
    ]
    return waiting_count(queues, cap=WAITING_CAP + 1)


class LazyCount:
    """A number counted the first time a template uses it ({{ n }}, {% if n %}, {% if n > 99 %})."""

    def __init__(self, compute):
        self._compute = compute
        self._value: int | None = None

    def __int__(self) -> int:
        if self._value is None:
            self._value = self._compute()
        return self._value

    def __bool__(self) -> bool:
        return int(self) > 0

    def __str__(self) -> str:
        return str(int(self))

    def __eq__(self, other) -> bool:
        return int(self) == other

    def __lt__(self, other) -> bool:
        return int(self) < other

    def __gt__(self, other) -> bool:
        return int(self) > other

    __hash__ = None


def permissions(request) -> dict:
    return {
        "may": Permissions(request),
        "verification_waiting": LazyCount(lambda: verification_waiting(request)),
    }
