"""Verification pages: one step on one record, each level's queue, and bulk steps from the queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sentra.accounts.scope import actor_for_request
from sentra.core.errors import DomainError
from sentra.programmes import selectors as plan_selectors
from sentra.registry import selectors
from sentra.verification.selectors import waiting_statuses
from sentra.verification.services import TRANSITIONS, bulk_transition, transition

from ..forms import BulkTransitionForm, ReasonForm
from .registry import (
    ENTITIES,
    PER_PAGE,
    TRANSITION_LABELS,
    CappedPaginator,
    Entity,
    _effective_region,
    _get_or_404,
)


def _plan_list(list_fn):
    """A programmes selector called with the queue's RegistryFilter (region and waiting are shared)."""

    def call(*, actor, filters):
        return list_fn(
            actor=actor, filters=plan_selectors.PlanFilter(region=filters.region, waiting=filters.waiting)
        )

    return call


# The queue also lists plans and monthly realisation, which go through the same verification steps.
QUEUE_ENTITIES = {
    **{key: entity for key, entity in ENTITIES.items() if entity.verified},  # not meetings, agreements
    "activity": Entity(
        key="activity",
        title=gettext_lazy("Kegiatan"),
        slug="kegiatan",
        list_fn=_plan_list(plan_selectors.activity_list),
        get_fn=plan_selectors.activity_get,
    ),
    "realisation": Entity(
        key="realisation",
        title=gettext_lazy("Realisasi"),
        slug="realisasi",
        list_fn=_plan_list(plan_selectors.realisation_list),
        get_fn=plan_selectors.realisation_get,
    ),
}
ENTITY_BY_SLUG = {entity.slug: entity for entity in QUEUE_ENTITIES.values()}


def _link(record) -> str:
    """The record's page, or "" while that page does not exist yet."""
    try:
        return record.get_absolute_url()
    except NoReverseMatch:
        return ""


@login_required
@require_POST
def record_transition(request, entity_key: str, pk: int, name: str):
    """One step (submit, verify, accept, return, reopen) on one record, then back to its page."""
    if name not in TRANSITIONS:
        raise Http404
    entity = ENTITIES[entity_key]
    actor = actor_for_request(request)
    apply_transition(request, actor, _get_or_404(entity, pk, actor), name)
    return redirect(entity.url("detail", pk))


def apply_transition(request, actor, record, name: str) -> None:
    """Runs one verification step from a posted form (optional reason) and says how it went; every
    verifiable record's page (registries, activities, realisation) posts here through its own URL."""
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        transition(actor=actor, name=name, record=record, reason=reason)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        record.refresh_from_db()
        messages.success(
            request,
            _("“%(name)s” kini berstatus %(status)s.")
            % {"name": record, "status": record.get_verification_status_display()},
        )


def bulk_actions(actor) -> list[dict]:
    """The steps the user may apply to what waits for them (returning needs a reason)."""
    waiting = set(waiting_statuses(actor))
    return [
        {"name": name, "label": TRANSITION_LABELS[name], "needs_reason": step.needs_reason}
        for name, step in TRANSITIONS.items()
        if step.sources & waiting and actor.can(step.action)
    ]


@login_required
@require_GET
def verification_queue(request):
    """What waits for the user's level, one registry type at a time (`jenis`), by region."""
    actor = actor_for_request(request)
    entity = ENTITY_BY_SLUG.get(request.GET.get("jenis", ""), ENTITIES["enterprise"])
    region = _effective_region(request.GET)
    filters = selectors.RegistryFilter(
        region=region, waiting=True, sort="-updated" if entity.key == "enterprise" else ""
    )
    paginator = CappedPaginator(entity.list_fn(actor=actor, filters=filters), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    for record in page.object_list:
        record.queue_link = _link(record)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/workflow/queue.html",
        {
            "entity": entity,
            "tabs": [
                {
                    "slug": e.slug,
                    "title": e.title,
                    "active": e is entity,
                    "url": "?" + urlencode({"jenis": e.slug}),
                }
                for e in QUEUE_ENTITIES.values()
            ],
            "region": region,
            "page": page,
            "paginator": paginator,
            "query": query.urlencode(),
            "actions": bulk_actions(actor),
            "waiting": waiting_statuses(actor),
        },
    )


@login_required
@require_POST
def verification_bulk(request):
    """Applies one step to the checked records; reports how many succeeded and why the rest failed."""
    actor = actor_for_request(request)
    form = BulkTransitionForm(request.POST)
    entity = ENTITY_BY_SLUG.get(request.POST.get("jenis", ""), ENTITIES["enterprise"])
    back = reverse("web:verification_queue") + "?" + urlencode({"jenis": entity.slug})
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    ids = form.cleaned_data["ids"]
    name = form.cleaned_data["action"]
    records = (
        entity.list_fn(actor=actor, filters=selectors.RegistryFilter()).filter(pk__in=ids).order_by("pk")
    )
    found = {record.pk: record for record in records}
    result = bulk_transition(
        actor=actor, name=name, records=found.values(), reason=form.cleaned_data["reason"]
    )
    failed = list(result.failed) + [(pk, _("Data tidak ditemukan.")) for pk in ids if pk not in found]
    if result.done:
        messages.success(
            request,
            _("%(n)s data berhasil: %(action)s.")
            % {"n": len(result.done), "action": TRANSITION_LABELS[name]},
        )
    if failed:
        names = {pk: str(record) for pk, record in found.items()}
        messages.error(
            request,
            _("%(n)s data gagal: %(list)s")
            % {
                "n": len(failed),
                "list": "; ".join(f"{names.get(pk, '#' + str(pk))} — {reason}" for pk, reason in failed),
            },
        )
    return redirect(back)
