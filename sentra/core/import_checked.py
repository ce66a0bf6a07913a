"""Import after a clean dry run, in one click: the checked upload is kept and committed as it is.

A dry run without errors keeps its stored upload (core.import_kinds calls `keep_if_checked`) with the
SHA-256 taken while it was stored. `commit_checked` imports exactly that file: it claims it (a rename,
so a double click commits once), refuses it when it is gone or its content differs from what was
checked, and runs the import again with commit, so every check runs again against the data as it is
now (rows another user changed meanwhile are judged afresh). Kept uploads nobody commits are swept
after KEEP_HOURS.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

from django.core.files import File
from django.utils.translation import gettext as _

from .errors import DomainError

KEEP_HOURS = 24  # a checked upload waits this long for its commit
UPLOAD_SUFFIX = ".upload"


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def keep_if_checked(path: Path, *, commit: bool, ok: bool) -> bool:
    """After a run: keep the upload of a clean dry run for its commit, delete any other (True: kept)."""
    if not commit and ok and path.is_file():
        sweep_kept(path.parent)
        return True
    path.unlink(missing_ok=True)
    return False


def sweep_kept(directory: Path, *, now: float | None = None) -> int:
    """Deletes uploads older than KEEP_HOURS (checked ones never committed); returns how many."""
    limit = (now or time.time()) - KEEP_HOURS * 3600
    removed = 0
    for stale in directory.glob(f"*{UPLOAD_SUFFIX}"):
        try:
            if stale.stat().st_mtime < limit:
                stale.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def checked_upload_ready(job: Any) -> bool:
    """Whether the job is a clean dry run whose upload still waits for its commit (the button shows)."""
    params, result = job.params or {}, job.result or {}
    return (
        not params.get("commit")
        and not params.get("committed_job_id")
        and "rows_total" in result
        and result.get("error_count") == 0
        and bool(params.get("sha256"))
        and Path(params.get("path") or "/nonexistent").is_file()
    )


def _refused(message: str, code: str) -> DomainError:
    return DomainError(message, code=code)


def commit_checked(*, job: Any, actor: Any, user: Any = None):
    """Imports (commits) the upload `job` checked; returns the new import Job.

    Refused (DomainError) when the job is no clean dry run (not_checked), was committed already
    (already_committed), its upload is gone (checked_upload_gone) or differs from the checked one
    (checked_upload_changed). The import's own checks all run again.
    """
    from .import_kinds import import_upload_again
    from .models import Job

    params, result = job.params or {}, job.result or {}
    if params.get("committed_job_id"):
        raise _refused(_("Berkas ini sudah diimpor."), "already_committed")
    if params.get("commit") or "rows_total" not in result or result.get("error_count") != 0:
        raise _refused(_("Hanya berkas yang sudah diuji tanpa galat yang dapat diimpor."), "not_checked")
    path = Path(params.get("path") or "")
    claimed = path.with_suffix(".committing")
    try:
        path.rename(claimed)  # one request wins; a second click finds nothing to claim
    except (FileNotFoundError, OSError):
        raise _refused(
            _(
                "Berkas hasil uji tidak tersimpan lagi (sudah diimpor atau lebih dari %(hours)d jam); "
                "unggah ulang."
            )
            % {"hours": KEEP_HOURS},
            "checked_upload_gone",
        ) from None
    try:
        if file_digest(claimed) != params.get("sha256"):
            raise _refused(
                _("Berkas berubah sejak diuji; unggah dan uji ulang sebelum mengimpor."),
                "checked_upload_changed",
            )
        with claimed.open("rb") as handle:
            upload = File(handle, name=params.get("filename") or claimed.name)
            committed = import_upload_again(params=params, upload=upload, actor=actor, user=user)
    finally:
        claimed.unlink(missing_ok=True)
    Job.objects.filter(pk=job.pk).update(params={**params, "committed_job_id": committed.pk})
    Job.objects.filter(pk=committed.pk).update(params={**committed.params, "checked_job_id": job.pk})
    committed.params = {**committed.params, "checked_job_id": job.pk}
    return committed
