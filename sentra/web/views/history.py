"""A record's history page (who, when, through which channel, what changed) and restoring a version."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sentra.accounts.permissions import Action
from sentra.accounts.scope import actor_for_request
from sentra.audit.links import describe_links, link_labels
from sentra.audit.selectors import describe_references, event_get, history_for
from sentra.audit.services import restore_version
from sentra.core.errors import AccessDenied, DomainError

from ..forms import ReasonForm
from .registry import ENTITIES, _get_or_404, allowed

HISTORY_PER_PAGE = 20


def field_labels(model) -> dict[str, tuple[str, dict]]:
    """attname → (verbose name, choice labels) for every column, to show changes as people read them."""
    labels = {}
    for field in model._meta.concrete_fields:
        labels[field.attname] = (str(field.verbose_name), {k: str(v) for k, v in field.flatchoices})
    # Links recorded under pseudo-field names (audit.links: a centre's villages and members, an
    # activity's locations and beneficiaries), named as their app registered them.
    for name, label in link_labels(model).items():
        labels.setdefault(name, (str(label), {}))
    return labels


def field_kinds(model) -> dict[str, str]:
    """attname → "datetime" or "date" for the columns whose stored values are ISO text in history."""
    kinds = {}
    for field in model._meta.concrete_fields:
        if isinstance(field, models.DateTimeField):
            kinds[field.attname] = "datetime"
        elif isinstance(field, models.DateField):
            kinds[field.attname] = "date"
    return kinds


def local_datetime(value) -> str:
    """A moment as people here read it: local time (settings.TIME_ZONE, Asia/Jakarta) with its zone,
    e.g. "16 November 2026 10:00 WIB"; text that is not a timestamp is shown as it is."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return str(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    moment = timezone.localtime(moment)
    return f"{date_format(moment, 'j F Y H:i')} {moment.tzname()}"


def local_date(value) -> str:
    day = parse_date(value) if isinstance(value, str) else value
    return date_format(day, "j F Y") if day else str(value)


FORMATS = {"datetime": local_datetime, "date": local_date}


def _show(value, choices: dict, kind: str = "") -> str:
    if value is None or value == "":
        return "—"
    if kind in FORMATS and not isinstance(value, list | dict | bool):
        return FORMATS[kind](value)
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, list | dict):  # a JSON column, or links (ids/codes, named by `choices`)
        return ", ".join(str(choices.get(v, v)) for v in value) if isinstance(value, list) else str(value)
    return choices.get(value, str(value))


def change_rows(event, labels, names: dict | None = None, kinds: dict | None = None) -> list[dict]:
    """`names`: {field: {id or code: name}} — links (audit.links.describe_links: a centre's members,
    an activity's beneficiaries) and foreign keys (audit.selectors.describe_references: the owning
    agency, the submitter) — so values read as names rather than ids; `kinds` (field_kinds): dates
    and moments shown in local time rather than as stored ISO text."""
    rows = []
    # In the model's own field order (a record's place, name, owner…), not by column name.
    order = {name: position for position, name in enumerate(labels)}
    for name, pair in sorted((event.changes or {}).items(), key=lambda item: order.get(item[0], len(order))):
        before, after = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        label, choices = labels.get(name, (name, {}))
        choices = {**choices, **(names or {}).get(name, {})}
        kind = (kinds or {}).get(name, "")
        shown = _show(before, choices, kind), _show(after, choices, kind)
        if shown == ("—", "—"):  # nothing to nothing (a new record's empty fields): no row to read
            continue
        rows.append({"field": label, "before": shown[0], "after": shown[1]})
    return rows


def event_rows(model, events) -> list[tuple]:
    """(event, its change rows) for a page of events: link and foreign-key names read in one go."""
    labels = field_labels(model)
    kinds = field_kinds(model)
    changes = [e.changes for e in events]
    names = {**describe_references(model, changes), **describe_links(model, changes)}
    return [(e, change_rows(e, labels, names, kinds)) for e in events]


def history_page(request, obj, restore_url=None):
    """The history page of any audited record the caller already found in scope (plans, budgets,
    realisation). `restore_url(event)` — given when the caller may restore — offers each version back
    (posted to a view that calls audit.services.restore_version); the registry page below does the same."""
    actor = actor_for_request(request)
    paginator = Paginator(history_for(actor=actor, obj=obj).select_related("batch", "user"), HISTORY_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    events = [
        {
            "event": e,
            "changes": changes,
            "restore_url": restore_url(e) if restore_url and e.action != "delete" else "",
        }
        for e, changes in event_rows(type(obj), page.object_list)
    ]
    return render(
        request,
        "web/history/history.html",
        {"obj": obj, "entity": None, "page": page, "paginator": paginator, "events": events},
    )


@login_required
@require_GET
def record_history(request, entity_key: str, pk: int):
    entity = ENTITIES[entity_key]
    actor = actor_for_request(request)
    return _record_history(request, entity, actor, _get_or_404(entity, pk, actor))


def _record_history(request, entity, actor, obj, status: int = 200):
    paginator = Paginator(history_for(actor=actor, obj=obj).select_related("batch", "user"), HISTORY_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    # Records outside the verification steps (meetings, agreements) are never locked.
    can_restore = not getattr(obj, "is_locked", False) and allowed(actor, Action.RESTORE, obj)
    events = [
        {
            "event": event,
            "changes": changes,
            "restore_url": entity.url("restore", obj.pk, event.pk)
            if can_restore and event.action != "delete"
            else "",
        }
        for event, changes in event_rows(type(obj), page.object_list)
    ]
    return render(
        request,
        "web/history/history.html",
        {"obj": obj, "entity": entity, "page": page, "paginator": paginator, "events": events},
        status=status,
    )


@login_required
@require_POST
def record_restore(request, entity_key: str, pk: int, event_id: int):
    entity = ENTITIES[entity_key]
    actor = actor_for_request(request)
    obj = _get_or_404(entity, pk, actor)
    event = event_get(actor=actor, obj=obj, event_id=event_id)
    if event is None:
        raise Http404
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        restored = restore_version(actor=actor, event=event, reason=reason)
    except AccessDenied as error:
        # Refused (the version would place the record or its links outside the user's reach): still a
        # 403, but the history page says why instead of the generic "no permission" page.
        messages.error(request, str(error))
        return _record_history(request, entity, actor, obj, status=403)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        # Links the history cannot account for are kept, and the message says which (audit.links).
        notice = getattr(restored, "restore_notice", "")
        messages.success(request, " ".join(filter(None, [_("Versi sebelumnya telah dipulihkan."), notice])))
    return redirect(entity.url("history", pk))
