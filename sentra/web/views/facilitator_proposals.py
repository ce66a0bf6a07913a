"""Enterprise updates proposed in the field (issue 16 §3, §4): the Dinas' list at /pendamping/usulan/ and
a proposal's page, where the values when proposed, now and proposed stand side by side.

Reads go through facilitators.selectors (visible_proposals, get_visible: a facilitator sees their own
proposals, a Dinas its regency's, anything else is 404). Decisions go through facilitators.proposals:
apply (the registry's update service writes the enterprise only when it is still as the facilitator saw
it; otherwise the proposal is marked as a conflict), resolve a conflict field by field, or return with a
reason. Every decision posts the proposal's version (and, to resolve, the enterprise's version the
supervisor compared against), so a decision is never taken on values the supervisor did not see.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import actor_for_request, require
from sentra.core.errors import DomainError
from sentra.facilitators import proposals, selectors
from sentra.facilitators.choices import ProposalStatus
from sentra.facilitators.models import EnterpriseProposal

from ..generic import PER_PAGE, CappedPaginator


class ProposalFilterForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Hasil"),
        required=False,
        choices=[("", gettext_lazy("Semua")), *ProposalStatus.choices],
    )
    facilitator = forms.TypedChoiceField(
        label=gettext_lazy("Pendamping"), required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(self, *args, facilitators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].choices = [("", _("Semua")), *((f.pk, f.name) for f in facilitators)]


class VersionForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    enterprise_version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class RejectForm(VersionForm):
    reason = forms.CharField(
        label=gettext_lazy("Alasan pengembalian"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Dikirim ke pendamping: jelaskan mengapa usulan tidak diterapkan."),
    )


@login_required
@require_GET
def proposal_list(request):
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.FACILITATORS)
    visible = selectors.visible_proposals(actor)
    facilitators = selectors.visible_facilitators(actor).filter(pk__in=visible.values("facilitator_id"))
    form = ProposalFilterForm(request.GET or None, facilitators=facilitators.only("pk", "name"))
    filtered = visible
    if form.is_valid():
        if form.cleaned_data["facilitator"]:
            filtered = filtered.filter(facilitator_id=form.cleaned_data["facilitator"])
    counts = dict(
        filtered.order_by().values_list("outcome").annotate(n=Count("pk")).values_list("outcome", "n")
    )
    outcome = form.cleaned_data.get("outcome") if form.is_valid() else ""
    if outcome:
        filtered = filtered.filter(outcome=outcome)
    rows = filtered.select_related("facilitator", "enterprise").order_by("-created_at", "-pk")
    paginator = CappedPaginator(rows, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    for proposal in page.object_list:
        proposal.field_labels = ", ".join(proposals.field_label(name) for name in proposal.changes)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "paginator": paginator,
        "query": query.urlencode(),
        "counts": [
            (value, label, counts.get(value, 0), value == outcome) for value, label in ProposalStatus.choices
        ],
        "total": sum(counts.values()),
    }
    return render(request, "web/facilitators/proposals/list.html", context)


def comparison(proposal: EnterpriseProposal) -> list[dict]:
    """One row per proposed field: its value when proposed, now, proposed, and whether it changed since."""
    now = proposals.current_values(proposal.enterprise, proposal.changes)
    changed = set(proposals.conflicting_fields(proposal, proposal.enterprise))
    return [
        {
            "name": name,
            "label": proposals.field_label(name),
            "base": proposals.display(name, proposal.base_values.get(name)),
            "current": proposals.display(name, now[name]),
            "proposed": proposals.display(name, value),
            "changed_since": name in changed,
        }
        for name, value in proposal.changes.items()
    ]


@login_required
@require_GET
def proposal_detail(request, pk: int):
    actor = actor_for_request(request)
    proposal = selectors.get_visible(
        actor,
        selectors.visible_proposals(actor).select_related("facilitator", "enterprise", "visit", "decided_by"),
        pk,
    )
    rows = comparison(proposal)
    waiting = proposal.outcome in (ProposalStatus.PENDING, ProposalStatus.CONFLICT) and (
        proposal.verification_status == "submitted"
    )
    context = {
        "proposal": proposal,
        "enterprise": proposal.enterprise,
        "rows": rows,
        "conflict": proposals.is_conflict(proposal, proposal.enterprise),
        "can_decide": waiting and actor.can(Action.VERIFY, Area.FACILITATORS),
        "reject_form": RejectForm(initial={"version": proposal.version}),
    }
    return render(request, "web/facilitators/proposals/detail.html", context)


def _decide(request, pk: int, decide) -> object:
    actor = actor_for_request(request)
    proposal = selectors.get_visible(actor, selectors.visible_proposals(actor), pk)
    try:
        done = decide(actor, proposal)
    except DomainError as error:
        messages.error(request, error.message)
        for item in error.errors:
            if item.message != error.message:
                messages.error(request, f"{proposals.field_label(item.field)}: {item.message}")
    else:
        if done is not None:
            messages.success(request, done)
    return redirect("web:facilitator_proposal_detail", pk=pk)


def _versions(request) -> VersionForm:
    form = VersionForm(request.POST)
    form.is_valid()
    return form


@login_required
@require_POST
def proposal_apply(request, pk: int):
    def decide(actor, proposal):
        version = _versions(request).cleaned_data.get("version")
        proposal = proposals.apply_proposal(actor=actor, proposal=proposal, version=version)
        if proposal.outcome == ProposalStatus.CONFLICT:
            messages.warning(
                request,
                _(
                    "Data IKM ini berubah sejak diusulkan: tidak ada yang diubah. Pilih per data, nilai "
                    "usulan atau nilai saat ini, lalu simpan keputusan."
                ),
            )
            return None
        return _("Usulan diterapkan pada data IKM “%(name)s”.") % {"name": proposal.enterprise.name}

    return _decide(request, pk, decide)


@login_required
@require_POST
def proposal_resolve(request, pk: int):
    def decide(actor, proposal):
        versions = _versions(request).cleaned_data
        choice = {
            name: request.POST.get(f"choice_{name}", "")
            for name in proposal.changes
            if request.POST.get(f"choice_{name}")
        }
        proposal = proposals.resolve_conflict(
            actor=actor,
            proposal=proposal,
            choice=choice,
            version=versions.get("version"),
            enterprise_version=versions.get("enterprise_version"),
        )
        return _("Keputusan tersimpan: %(note)s.") % {"note": proposal.decision_note}

    return _decide(request, pk, decide)


@login_required
@require_POST
def proposal_reject(request, pk: int):
    def decide(actor, proposal):
        form = RejectForm(request.POST)
        form.is_valid()
        reason = form.cleaned_data.get("reason") or request.POST.get("reason", "")[:500]
        proposals.reject_proposal(
            actor=actor, proposal=proposal, reason=reason, version=form.cleaned_data.get("version")
        )
        return _("Usulan dikembalikan kepada pendamping dengan alasan.")

    return _decide(request, pk, decide)
