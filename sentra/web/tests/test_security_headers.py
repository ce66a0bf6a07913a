"""Every response carries the Content-Security-Policy and the security headers, and no template
contains inline script or style (the policy would block it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

import sentra
from sentra.core.middleware import CONTENT_SECURITY_POLICY

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)
PAGES = [
    "/",
    "/masuk/",
    "/ikm/",
    "/ikm/baru/",
    "/ikm/ekspor/",
    "/sentra/",
    "/produk/",
    "/impor/",
    "/peta/provinsi.geojson",
    "/wilayah/pilihan/",
    "/tidak-ada/",
    "/admin/login/",
    "/api/v1/docs",
    "/api/v1/openapi.json",
    "/api/v1/enterprises",
]


def assert_security_headers(response):
    assert response["Content-Security-Policy"] == CSP
    assert (
        "camera=()" in response["Permissions-Policy"]
        # the coordinate fields' "use my location" button: this origin only
        and "geolocation=(self)" in response["Permissions-Policy"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_policy_is_the_one_documented():
    assert CONTENT_SECURITY_POLICY == CSP


@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_the_csp_and_security_headers(auth_client, path):
    assert_security_headers(auth_client.get(path))


@pytest.mark.parametrize("path", ["/", "/masuk/", "/ikm/", "/api/v1/enterprises"])
def test_anonymous_responses_and_redirects_carry_them_too(client, db, path):
    assert_security_headers(client.get(path))


def test_the_api_docs_render_from_local_files_without_inline_script(auth_client):
    response = auth_client.get("/api/v1/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn.jsdelivr" not in html
    assert not INLINE_SCRIPT.search(html)


def test_session_and_csrf_cookies_are_httponly_and_samesite_lax(client, db, django_user_model):
    django_user_model.objects.create_user(username="petugas", password="rahasia-sekali-123")
    client.get("/masuk/")
    client.post("/masuk/", {"username": "petugas", "password": "rahasia-sekali-123"})
    session, csrf = client.cookies["sessionid"], client.cookies["csrftoken"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    assert not session["secure"]  # Secure only with SENTRA_PRODUCTION=true (see test_production_settings)


# --- templates -------------------------------------------------------------------------------------

# E-mail templates are read by mail clients, not served under the CSP, and most clients drop <style>
# blocks: their styles are inline by necessity.
TEMPLATES = sorted(
    path
    for path in Path(sentra.__file__).parent.glob("**/templates/**/*.html")
    if "email" not in path.relative_to(Path(sentra.__file__).parent).parts
)
# A <script> element that is not just `src=` (JSON data blocks are not executed, so they are allowed).
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*type=[\"']application/(?:ld\+)?json)[^>]*>", re.I
)
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def test_templates_are_found():
    names = {path.name for path in TEMPLATES}
    assert {"base.html", "dashboard.html", "login.html", "list.html"} <= names


@pytest.mark.parametrize(
    "template", TEMPLATES, ids=lambda p: str(p.relative_to(Path(sentra.__file__).parent))
)
def test_no_template_contains_inline_script_or_style(template):
    text = template.read_text(encoding="utf-8")
    text = re.sub(r"{#.*?#}", "", text, flags=re.S)  # template comments never reach the browser
    problems = [
        f"{name}: {match.group(0)[:80]!r}"
        for name, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ("inline event handler", INLINE_HANDLER),
            ("style attribute", STYLE_ATTRIBUTE),
            ("<style> element", STYLE_ELEMENT),
            ("javascript: URL", JAVASCRIPT_URL),
        )
        for match in pattern.finditer(text)
    ]
    assert not problems, "move these into sentra/web/static/ (data-* attributes, CSS classes): " + "; ".join(
        problems
    )


def test_the_scanner_catches_each_kind_of_inline_code():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/web/sentra.js" defer></script>')
    assert not INLINE_SCRIPT.search('<script type="application/json" id="x">{}</script>')
    assert INLINE_HANDLER.search('<button class="btn" onclick="go()">')
    assert not INLINE_HANDLER.search('<button data-confirm="yakin?">')
    assert STYLE_ATTRIBUTE.search('<div class="x" style="color:red">')
    assert STYLE_ELEMENT.search("<style>.x{}</style>")
    assert JAVASCRIPT_URL.search('<a href="javascript:void(0)">')


def test_rendered_pages_contain_no_inline_script_or_style(auth_client):
    for path in ("/", "/masuk/", reverse("web:enterprise_list"), reverse("web:enterprise_create")):
        html = auth_client.get(path).content.decode()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, STYLE_ATTRIBUTE, STYLE_ELEMENT):
            assert not pattern.search(html), (path, pattern.pattern)
