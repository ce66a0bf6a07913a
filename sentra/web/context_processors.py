"""`may` in every template: what the signed-in user's role may do, read from the one permission table.

Menus and buttons ask it so a role is shown only what it may use (accounts/permissions.py):
  {% if may.create %}            the registries (IKM, sentra, produk): the default area
  {% if may.programmes_create %} an area's action: <area>_<action>
  {% if may.import %}            an import of any kind the role may run
  {% if may.verification %}      any step of the verification workflow (submit, verify, accept,
                                 return, reopen)
The actor is computed once per request (accounts.scope.actor_for_request caches it).
"""

from __future__ import annotations

from sentra.accounts.permissions import AREA_ACTIONS, WORKFLOW, Action
from sentra.accounts.scope import actor_for_request


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
            return any(actor.can(step, area) for step in WORKFLOW for area in AREA_ACTIONS)
        if key == Action.IMPORT:
            return any(actor.can(Action.IMPORT, area) for area in AREA_ACTIONS)
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


def permissions(request) -> dict:
    return {"may": Permissions(request)}
