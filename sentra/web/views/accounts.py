"""The user's own account (API tokens) and user administration within the administrator's region.

The rules live in accounts/services.py and accounts/selectors.py; these views only show forms and
turn a DomainError into messages next to the fields. AccessDenied answers 403, NotFound 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UsernameField
from django.contrib.messages.views import SuccessMessageMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sentra.accounts import selectors, services
from sentra.accounts.models import Profile
from sentra.accounts.scope import actor_for_request
from sentra.agencies.models import Agency
from sentra.core.errors import AccessDenied, DomainError

from ..forms import add_domain_errors

USERS_PER_PAGE = 25


# --- own account and API tokens ----------------------------------------------------------------


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Nama token"),
        max_length=100,
        help_text=gettext_lazy("Untuk mengenalinya nanti, mis. 'Skrip rekap bulanan'."),
    )


def _account_page(request, *, token_form=None, new_key: str = "", new_token=None, status: int = 200):
    profile = Profile.objects.select_related("agency", "region").filter(user=request.user).first()
    actor = actor_for_request(request)
    context = {
        "profile": profile,
        "tokens": selectors.token_list(user=request.user),
        "token_form": token_form or TokenForm(),
        "new_key": new_key,
        "new_token": new_token,
        "can_manage_users": selectors.can_manage_users(actor),
    }
    return render(request, "web/accounts/account.html", context, status=status)


@login_required
@require_GET
def account(request):
    return _account_page(request)


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    """The user changes their own password: the current one, then the new one twice, checked by the
    project's validators (settings.AUTH_PASSWORD_VALIDATORS: at least 10 characters, not common, not
    only digits, not like the user's name). The session stays signed in; other sessions of the user
    end (Django changes the session hash). The password never enters the history."""

    template_name = "web/accounts/password_change.html"
    success_url = reverse_lazy("web:account")
    success_message = gettext_lazy("Kata sandi Anda telah diganti.")


password_change = PasswordChangeView.as_view()


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _account_page(request, token_form=form, status=400)
    token, key = services.token_create(user=request.user, name=form.cleaned_data["name"])
    # Rendered, not redirected: the key exists only in this response and is never stored.
    response = _account_page(request, new_key=key, new_token=token, status=201)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request, pk: int):
    try:
        token = services.token_revoke(user=request.user, token_id=pk)
    except DomainError as error:
        raise Http404(error.message) from error
    messages.success(request, _("Token “%(name)s” telah dicabut.") % {"name": token.name})
    return redirect("web:account")


# --- user administration -----------------------------------------------------------------------


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name} ({obj.region.name})" if obj.region_id else f"{obj.name} ({_('nasional')})"


class _ProfileFields(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Peran"))
    agency = AgencyChoiceField(
        label=gettext_lazy("Instansi"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=gettext_lazy("Wilayah kerja pengguna mengikuti wilayah instansinya."),
    )
    manages_users = forms.BooleanField(
        label=gettext_lazy("Mengelola pengguna di wilayah kerjanya"), required=False
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = selectors.assignable_roles(actor)
        self.fields["agency"].queryset = selectors.assignable_agencies(actor)
        self.fields["agency"].empty_label = _("— Tanpa instansi (nasional) —")


class UserCreateForm(_ProfileFields):
    username = UsernameField(label=gettext_lazy("Nama pengguna"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("Surel"), required=False)
    password = forms.CharField(
        label=gettext_lazy("Kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("Minimal 10 karakter, tidak umum dan tidak hanya angka."),
    )
    password_confirm = forms.CharField(
        label=gettext_lazy("Ulangi kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    field_order = ["username", "email", "password", "password_confirm", "role", "agency", "manages_users"]

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_confirm"):
            self.add_error("password_confirm", _("Kedua kata sandi tidak sama."))
        return data


class UserEditForm(_ProfileFields):
    is_active = forms.BooleanField(
        label=gettext_lazy("Aktif"),
        required=False,
        help_text=gettext_lazy("Pengguna nonaktif tidak dapat masuk dan token API-nya tidak berlaku."),
    )


def _manager_actor(request):
    actor = actor_for_request(request)
    if not selectors.can_manage_users(actor):
        raise AccessDenied(_("Anda tidak berwenang mengelola pengguna."))
    return actor


@login_required
@require_GET
def user_list(request):
    actor = _manager_actor(request)
    q = request.GET.get("q", "").strip()
    paginator = Paginator(selectors.user_list(actor=actor, q=q), USERS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/accounts/user_list.html",
        {"page": page, "paginator": paginator, "q": q, "query": query.urlencode()},
    )


@login_required
def user_create(request):
    actor = _manager_actor(request)
    form = UserCreateForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=actor,
                username=data["username"],
                email=data["email"],
                password=data["password"],
                role=data["role"],
                agency=data["agency"],
                manages_users=data["manages_users"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Pengguna %(name)s telah dibuat.") % {"name": user.username})
            return redirect("web:user_list")
    return render(request, "web/accounts/user_form.html", {"form": form, "target": None})


@login_required
def user_edit(request, pk: int):
    actor = _manager_actor(request)
    target = selectors.user_get(actor=actor, pk=pk)
    if target is None:
        raise Http404(_("Pengguna tidak ditemukan."))
    profile = Profile.objects.filter(user=target).first()
    initial = {"is_active": target.is_active}
    if profile is not None:
        initial.update(role=profile.role, agency=profile.agency_id, manages_users=profile.manages_users)
    form = UserEditForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=actor,
                user_id=target.pk,
                role=data["role"],
                agency=data["agency"],
                is_active=data["is_active"],
                manages_users=data["manages_users"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Pengguna %(name)s telah diperbarui.") % {"name": target.username})
            return redirect("web:user_list")
    elif request.method == "GET":
        # Opening the form of a user one may not change answers 403 at once, not after a failed save.
        services.user_for_change(actor, target.pk)
    return render(request, "web/accounts/user_form.html", {"form": form, "target": target})


@login_required
@require_POST
def user_deactivate(request, pk: int):
    actor = _manager_actor(request)
    try:
        target = services.user_deactivate(actor=actor, user_id=pk)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("web:user_list")
    messages.success(request, _("Pengguna %(name)s telah dinonaktifkan.") % {"name": target.username})
    return redirect("web:user_list")
