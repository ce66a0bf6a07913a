"""The user's in-app notifications (e.g. a returned submission and its reason)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sentra.accounts.models import Notification
from sentra.accounts.services import notifications_mark_read

PER_PAGE = 25


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request):
    """GET: newest first; POST: marks all as read."""
    if request.method == "POST":
        count = notifications_mark_read(user=request.user, everything=True)
        messages.success(request, _("%(n)s notifikasi ditandai sudah dibaca.") % {"n": count})
        return redirect("web:notifications")
    page = Paginator(Notification.objects.filter(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "web/workflow/notifications.html", {"page": page})
