"""Login and logout pages.

Logins are rate limited by sentra.core.security: once a username or an address has too many recent
failures, the form is refused (HTTP 429) with one message that does not tell whether the account
exists, and the password is not even checked.
"""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from sentra.core import security


class RateLimitedMixin:
    locked = False

    def clean(self):
        username = self.cleaned_data.get("username")
        ip = security.client_ip(self.request) if self.request else None
        if security.login_is_locked(username, ip):
            self.locked = True
            raise ValidationError(security.lockout_message(), code="locked")
        try:
            return super().clean()
        except ValidationError:
            if username is not None and self.cleaned_data.get("password") is not None:
                security.login_failure_record(username, ip)
            raise


class RateLimitedAuthenticationForm(RateLimitedMixin, AuthenticationForm):
    pass


class RateLimitedAdminAuthenticationForm(RateLimitedMixin, AdminAuthenticationForm):
    """Django admin's login (/admin/login/) counts failures and locks like Sentra's own page."""


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = RateLimitedAuthenticationForm

    def form_valid(self, form):
        security.login_failures_clear(form.get_user().get_username())
        return super().form_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.locked:
            response.status_code = 429
        return response


class LogoutView(auth_views.LogoutView):
    pass
