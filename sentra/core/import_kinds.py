"""Import kinds: what the web, the API and the CLI may import, registered by the app that owns each kind.

An app registers its kinds from its AppConfig.ready() (`register_kind(ImportKind(...))`, see
registry/imports.py and programmes/imports.py): the schema (columns, checks, writer; by dotted path,
imported on first use), its label, the permission area whose Action.IMPORT it needs, who owns the
records it creates, and whether a committed import can be rolled back. This module owns everything
else for every kind alike: upload (in the request, or as a background job past
SENTRA_IMPORT_BACKGROUND_BYTES), the job runner, the report, the import's audit batch and its
rollback, and the template files. The web (web/views/imports.py), the API (api/imports.py) and the
CLI (`sentra import`) find kinds here only, so a new domain's import touches no other app.

Layering: core sits under the domain apps and knows none of them. Imports run as an Actor and leave
an audit batch, so this module (with core/jobs.py) uses the workflow layer (accounts.scope, audit,
agencies); the rest of core does not (sentra/core/tests/test_layering.py).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from sentra.accounts.permissions import Action
from sentra.accounts.scope import Actor, Channel, actor_for_user, require
from sentra.agencies.models import Agency
from sentra.audit.models import AuditBatch
from sentra.audit.services import batch_rollback

from .errors import DomainError, NotFound
from .import_checked import keep_if_checked
from .imports import ImportReport, ImportSchema, ProgressCallback, run_import, template_csv, template_xlsx

# Who owns the records an import creates: (actor, agency asked for) → the owning agency, or None for
# "decided when rows are written" (e.g. the default ministry agency). Raises AccessDenied/DomainError.
OwnerRule = Callable[[Actor, Agency | None], Agency | None]
# The record a whole file is imported into (a meeting for its attendance list): (actor, id given) →
# the record. Raises NotFound for one the actor may not read, AccessDenied for one they may not change.
TargetRule = Callable[[Actor, int], Any]

JOB_RUNNER = "sentra.core.import_kinds.run_import_job"
JOB_KIND_PREFIX = "import_"
TEMPLATE_FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ImportKind:
    """One kind of import, as its app registers it."""

    #: The name in URLs, API paths and the CLI (`sentra import KEY FILE`): stable, lower case.
    key: str
    #: What the upload page shows (a lazy translation).
    label: Any
    #: The ImportSchema subclass, or its dotted path (imported on first use, so registering is cheap).
    schema: type[ImportSchema] | str
    #: The permission area (accounts.permissions.Area) whose Action.IMPORT the importer needs; None is
    #: the registries' area, the default of the permission table.
    area: str | None = None
    #: Who owns created records (an OwnerRule or its dotted path); None when the records belong to
    #: something the file names (a month to its activity) and the import needs no owner.
    owner: OwnerRule | str | None = None
    #: The AuditBatch.kind a committed import of this kind records (the schema's batch_start).
    batch_kind: str = "import"
    #: Whether that batch can be undone as a whole (audit.batch_rollback); when not, why not, in the
    #: words the person who asks for it reads.
    rollback: bool = True
    rollback_refusal: Any = ""
    #: For a kind imported into one record the user names (CLI --target ID, the API's `target`, the web
    #: form's hidden field): the TargetRule (or its dotted path) that finds that record for the actor,
    #: which the schema then receives as `target`. None: the kind takes no target.
    target: TargetRule | str | None = None

    def schema_class(self) -> type[ImportSchema]:
        schema = self.schema
        return import_string(schema) if isinstance(schema, str) else schema

    def owner_rule(self) -> OwnerRule | None:
        owner = self.owner
        return import_string(owner) if isinstance(owner, str) else owner

    def target_rule(self) -> TargetRule | None:
        target = self.target
        return import_string(target) if isinstance(target, str) else target


_KINDS: dict[str, ImportKind] = {}


def register_kind(kind: ImportKind) -> ImportKind:
    """Make a kind importable everywhere (web, API, CLI). Registering the same kind again is a no-op;
    another kind under a taken key is a configuration error."""
    existing = _KINDS.get(kind.key)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"Import kind {kind.key!r} is already registered by another app")
    _KINDS[kind.key] = kind
    return kind


def unregister_kind(key: str) -> None:
    _KINDS.pop(key, None)


@contextmanager
def kind_registered(kind: ImportKind) -> Iterator[ImportKind]:
    """A kind registered for the duration of a block (tests)."""
    register_kind(kind)
    try:
        yield kind
    finally:
        unregister_kind(kind.key)


def import_kinds() -> list[ImportKind]:
    """Every registered kind, in registration order (app order, then each app's order)."""
    return list(_KINDS.values())


def kind_keys() -> list[str]:
    return list(_KINDS)


def import_kind(key: str) -> ImportKind:
    """The registered kind; ValueError naming the known ones otherwise."""
    try:
        return _KINDS[key]
    except KeyError:
        raise ValueError(f"Unknown import kind {key!r}; use one of {sorted(_KINDS)}") from None


def is_import_kind(key: str) -> bool:
    return key in _KINDS


def schema_class(kind: str) -> type[ImportSchema]:
    return import_kind(kind).schema_class()


def import_schema(
    kind: str,
    *,
    actor: Actor | None = None,
    agency: Agency | None = None,
    description: str = "",
    target: Any = None,
) -> ImportSchema:
    """The schema of a kind of import; an actor is needed only to check or write rows. `target`: the
    record found by the kind's TargetRule, given only to kinds that take one."""
    schema = schema_class(kind)
    extra = {"target": target} if target is not None else {}
    return schema(actor=actor, agency=agency, description=description, **extra)  # type: ignore[call-arg]


def _as_actor(who: Actor | Any) -> Actor:
    """An Actor as given, or a user's actor on the import channel."""
    if isinstance(who, Actor):
        return who
    return actor_for_user(who, channel=Channel.IMPORT)


def _owner(actor: Actor, kind: ImportKind, agency: Agency | None) -> Agency | None:
    rule = kind.owner_rule()
    return rule(actor, agency) if rule is not None else None


def _target(actor: Actor, kind: ImportKind, target: int | str | None) -> Any:
    """The record the file is imported into, found for the actor (NotFound, AccessDenied); None when
    none was named. Naming one for a kind that takes none is refused (`target_unsupported`)."""
    if target in (None, ""):
        return None
    rule = kind.target_rule()
    if rule is None:
        raise DomainError(
            _("Impor jenis ini tidak ditujukan ke satu data tertentu."), code="target_unsupported"
        )
    try:
        pk = int(target)
    except (TypeError, ValueError):
        raise NotFound(_("Data tujuan impor tidak ditemukan.")) from None
    return rule(actor, pk)


def import_target(*, kind: str, actor: Actor, target: int | str | None) -> Any:
    """The record a file of `kind` would be imported into, for a page that names it (None when none
    was named); raises as import_file does (NotFound, AccessDenied, DomainError `target_unsupported`)."""
    return _target(actor, import_kind(kind), target)


# ---------------------------------------------------------------------------------------------------
# Importing a file


def import_file(
    *,
    kind: str,
    path: Path | str,
    actor: Actor | Any,
    commit: bool = False,
    agency: Agency | None = None,
    on_progress: ProgressCallback | None = None,
    description: str = "",
    target: int | str | None = None,
) -> ImportReport:
    """Import a CSV/XLSX file of a registered kind as `actor`; writes only if `commit` and no error.

    Raises AccessDenied when the actor may not import (or may not record for `agency`), and for a
    kind with a TargetRule whatever it raises for `target` (NotFound, AccessDenied); every problem
    with the file or its rows is in the report.
    """
    actor = _as_actor(actor)
    registered = import_kind(kind)
    require(actor, Action.IMPORT, registered.area)
    owner = _owner(actor, registered, agency)
    into = _target(actor, registered, target)
    schema = import_schema(
        kind, actor=actor, agency=owner, description=description or Path(path).name, target=into
    )
    return run_import(path=path, schema=schema, commit=commit, on_progress=on_progress)


def run_import_job(*, job: Any, params: dict[str, Any], progress: ProgressCallback) -> dict[str, Any]:
    """Background-job runner (sentra.core.jobs): imports the stored upload as the user who started
    the job (thread or Celery worker alike), then deletes the upload."""
    from .jobs import job_actor

    agency = Agency.objects.filter(pk=params["agency_id"]).first() if params.get("agency_id") else None
    path = Path(params["path"])
    report = None
    try:
        report = import_file(
            kind=params["kind"],
            path=path,
            actor=job_actor(job, channel=Channel.IMPORT),
            commit=bool(params.get("commit")),
            agency=agency,
            on_progress=progress,
            description=params.get("filename", ""),
            target=params.get("target"),
        )
    except (PermissionDenied, DomainError) as exc:
        report = ImportReport(kind=params["kind"])
        report.error(None, "", "", getattr(exc, "code", "forbidden"), str(exc))
    finally:
        # A clean dry run keeps its upload for the one-click commit (core.import_checked).
        keep_if_checked(path, commit=bool(params.get("commit")), ok=report is not None and report.ok)
    return report.as_dict()


def _job_kind(kind: str) -> str:
    return JOB_KIND_PREFIX + kind


def import_upload(
    *,
    kind: str,
    upload: Any,
    commit: bool,
    actor: Actor,
    user: Any = None,
    agency: Agency | None = None,
    target: int | str | None = None,
):
    """Import an uploaded file for the web and the API; returns the Job that holds (or will hold) the report.

    Small files are imported in the request and the returned job is already finished, so the web
    and the API show every result, and offer its errors CSV, the same way. Files larger than
    SENTRA_IMPORT_BACKGROUND_BYTES become a background job (sentra.core.jobs), run as `user` again.
    Raises ValueError for an unknown kind and AccessDenied, before anything is stored, when the actor
    may not import (or, for a kind with a target, NotFound/AccessDenied for that target).
    """
    from .jobs import job_start
    from .models import Job

    registered = import_kind(kind)  # unknown kind → ValueError before anything is stored
    require(actor, Action.IMPORT, registered.area)
    _owner(actor, registered, agency)
    into = _target(actor, registered, target)
    params = {
        "kind": kind,
        "commit": bool(commit),
        "agency_id": agency.pk if agency else None,
        "filename": str(getattr(upload, "name", ""))[:200],
        "target": into.pk if into is not None else None,
    }
    owner = user if getattr(user, "is_authenticated", False) else None
    if upload.size > settings.SENTRA_IMPORT_MAX_BYTES:
        # Refused before a byte is copied to disk.
        report = ImportReport(kind=kind)
        report.error(
            None,
            "",
            "",
            "too_large",
            _("Berkas melebihi batas %(limit)s MB; pecah menjadi beberapa berkas.")
            % {"limit": settings.SENTRA_IMPORT_MAX_BYTES // (1024 * 1024)},
        )
        return Job.objects.create(
            kind=_job_kind(kind),
            status=Job.Status.SUCCEEDED,
            params=params,
            result=report.as_dict(),
            created_by=owner,
            finished_at=timezone.now(),
        )
    directory = Path(settings.DATA_DIR) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{uuid.uuid4().hex}.upload"
    digest = hashlib.sha256()
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
            digest.update(chunk)
    params["path"] = str(path)
    params["sha256"] = digest.hexdigest()  # what a dry run checked, compared again at its commit
    if upload.size > settings.SENTRA_IMPORT_BACKGROUND_BYTES:
        return job_start(kind=_job_kind(kind), runner=JOB_RUNNER, params=params, user=owner)
    report = None
    try:
        report = import_file(
            kind=kind,
            path=path,
            actor=actor,
            commit=commit,
            agency=agency,
            description=params["filename"],
            target=params["target"],
        )
    finally:
        keep_if_checked(path, commit=commit, ok=report is not None and report.ok)
    return Job.objects.create(
        kind=_job_kind(kind),
        status=Job.Status.SUCCEEDED,
        params=params,
        result=report.as_dict(),
        progress=report.rows_total,
        total=report.rows_total,
        created_by=owner,
        finished_at=timezone.now(),
    )


def import_upload_again(*, params: dict[str, Any], upload: Any, actor: Actor, user: Any = None):
    """Commits an upload an earlier dry run stored, with that run's kind and owning agency
    (core.import_checked: the one-click import after a clean check)."""
    agency = Agency.objects.filter(pk=params["agency_id"]).first() if params.get("agency_id") else None
    return import_upload(
        kind=params["kind"],
        upload=upload,
        commit=True,
        actor=actor,
        user=user,
        agency=agency,
        target=params.get("target"),
    )


def import_job_for(*, pk: int, user: Any):
    """An import job the user may see: their own, or any for staff."""
    from .models import Job

    jobs = Job.objects.filter(pk=pk, kind__startswith=JOB_KIND_PREFIX)
    if not getattr(user, "is_staff", False):
        jobs = jobs.filter(created_by_id=getattr(user, "pk", None))
    return jobs.first()


def import_kind_label(key: str) -> str:
    """The label of a kind for a job's page ('' for a kind no longer registered)."""
    registered = _KINDS.get(key)
    return str(registered.label) if registered else ""


# ---------------------------------------------------------------------------------------------------
# Templates


def template_file(kind: str, fmt: str) -> tuple[bytes | str, str]:
    """The empty template of a kind, (content, content type); ValueError for an unknown kind or format."""
    if fmt not in TEMPLATE_FORMATS:
        raise ValueError(f"Unknown template format {fmt!r}; use one of {TEMPLATE_FORMATS}")
    schema = import_schema(kind)
    if fmt == "csv":
        return template_csv(schema), "text/csv; charset=utf-8"
    return template_xlsx(schema), XLSX_TYPE


# ---------------------------------------------------------------------------------------------------
# Rolling an import back


def _visible(actor: Actor, batch: AuditBatch | None) -> bool:
    """Any batch for the ministry, the actor's own, or one whose every change lies inside their region."""
    if batch is None or not actor.is_authenticated:
        return False
    if actor.is_superuser or actor.is_national or (actor.user_id and batch.user_id == actor.user_id):
        return True
    code = actor.region_code or ""
    outside = batch.events.exclude(region_code=code).exclude(region_code__startswith=code + ".")
    return not outside.exists()


def _batch_kinds(*, rollback: bool) -> set[str]:
    return {k.batch_kind for k in _KINDS.values() if k.rollback == rollback}


def import_batch_for(*, actor: Actor, batch_id: int) -> AuditBatch | None:
    """An import's audit batch the actor may see and that can be rolled back: any for the ministry,
    their own, or one whose every change lies inside their region. None otherwise, so that the
    caller answers 404."""
    batch = AuditBatch.objects.filter(pk=batch_id, kind__in=_batch_kinds(rollback=True)).first()
    return batch if _visible(actor, batch) else None


def _refusal(actor: Actor, batch_id: int) -> str | None:
    """Why the batch of a kind without rollback cannot be undone, when the actor may see it."""
    batch = AuditBatch.objects.filter(pk=batch_id, kind__in=_batch_kinds(rollback=False)).first()
    if batch is None or not actor.is_authenticated:
        return None
    if not (actor.is_superuser or actor.is_national or batch.user_id == actor.user_id):
        return None
    for registered in _KINDS.values():
        if not registered.rollback and registered.batch_kind == batch.kind:
            return str(registered.rollback_refusal or _("Impor jenis ini tidak dapat dibatalkan."))
    return None


def import_rollback(
    *,
    actor: Actor,
    batch_id: int,
    reason: str = "",
    keep_changed: bool = False,
    wait: float | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Undo a committed import as a whole (audit.services.batch_rollback: one transaction, set-based);
    returns the records undone (an int whose `kept` lists the records left as they were).

    NotFound for a batch the actor may not see; DomainError `rollback_unsupported` for the batch of
    a kind registered without rollback; AccessDenied without Action.ROLLBACK, or when a record
    of the batch lies outside what the actor may change; DomainError `already_rolled_back`, `busy`
    (a concurrent writer held the lock longer than `wait` seconds: try again), `in_use`, or
    `changed_since` (records changed after the import; with keep_changed the rest is rolled back and
    those are kept as they are now). Nothing is undone unless everything asked for is.
    """
    batch = import_batch_for(actor=actor, batch_id=batch_id)
    if batch is None:
        refusal = _refusal(actor, batch_id)
        if refusal:
            # Such a kind writes what a batch rollback cannot undo (links that are not model
            # fields): it must not pretend to.
            raise DomainError(refusal, code="rollback_unsupported")
        raise NotFound(_("Impor tidak ditemukan."))
    require(actor, Action.ROLLBACK)
    return batch_rollback(
        actor=actor,
        batch=batch,
        reason=reason,
        keep_changed=keep_changed,
        wait=wait,
        on_progress=on_progress,
    )
