"""Error pages. The 500 page is rendered without context processors or the database."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def forbidden(request, exception=None):
    return render(request, "web/errors/403.html", status=403)


def not_found(request, exception=None):
    return render(request, "web/errors/404.html", status=404)


def server_error(request):
    template = loader.get_template("web/errors/500.html")
    return HttpResponseServerError(template.render({}))
