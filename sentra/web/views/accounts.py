"""The user's own account (API tokens, notifications) and user administration within a scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def account(request):
    return render(request, "web/accounts/account.html", {})
