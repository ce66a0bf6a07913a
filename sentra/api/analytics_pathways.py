"""Training pathway (issue 17 §2): GET /api/v1/enterprises/{id}/pathway and /api/v1/centres/{id}/pathway
(analytics.pathways). The paths have one more segment than /enterprises/{id} and /centres/{id}, so they never
collide with the registry routes. Outside the reader's region: 404.
"""

from __future__ import annotations

from datetime import date

from ninja import Field, Router, Schema

from sentra.analytics.pathways import Pathway, pathway

from .auth import api_actor
from .schemas import ErrorOut

router = Router(tags=["analisis"])

READ = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class Measures(Schema):
    workers: int | None = None
    production_value: int | None = None


class EventOut(Schema):
    on: date | None = Field(description="Tanggal mulai kegiatan, terbit sertifikat atau kunjungan.")
    end: date | None
    kind: str = Field(description="`activity`, `certificate` atau `visit`.")
    title: str
    kind_label: str
    agency_name: str = Field(description="Instansi pelaksana, atau nama pendamping untuk kunjungan.")
    activity_id: int | None
    activity_kind: str = Field(
        description="Jenis kegiatan (ActivityKind); kosong bila `detail_visible` false."
    )
    detail_visible: bool = Field(
        description="false: kegiatan instansi di luar wilayah baca Anda — hanya nama, instansi dan tanggal."
    )
    result: str = Field(description="Hasil: sertifikat yang terbit, atau saran pendamping.")
    before: Measures = Field(description="Tenaga kerja dan nilai produksi (Rp) pada tanggal mulai (riwayat).")
    after: Measures = Field(description="Nilainya 365 hari setelah selesai (atau hari ini bila lebih awal).")


class NextStepOut(Schema):
    kind: str
    kind_label: str
    source: str = Field(description="`sequence` (urutan yang dicatat perencana) atau `registry` (kebiasaan).")
    explanation: str
    name: str
    agency_name: str
    activity_id: int | None


class PathwayOut(Schema):
    subject: str = Field(description="`enterprise` atau `centre`.")
    subject_id: int
    subject_name: str
    events: list[EventOut]
    next_step: NextStepOut | None


def _out(p: Pathway) -> dict:
    return {
        "subject": p.subject,
        "subject_id": p.subject_id,
        "subject_name": p.subject_name,
        "events": [vars(e) for e in p.events],
        "next_step": vars(p.next_step) if p.next_step else None,
    }


DESCRIPTION = (
    "Semua kegiatan (pelatihan, bantuan mesin, fasilitasi sertifikasi, pameran, …) yang diterima, sertifikat "
    "yang terbit dan kunjungan pendamping, urut tanggal, dengan tenaga kerja dan nilai produksi sebelum/"
    "sesudah dari riwayat registri, dan langkah berikut yang disarankan. Di luar wilayah Anda: 404."
)


@router.get(
    "/enterprises/{enterprise_id}/pathway",
    response={200: PathwayOut, **READ},
    summary="Jalur pembinaan sebuah IKM",
    description=DESCRIPTION,
)
def enterprise_pathway(request, enterprise_id: int):
    return _out(pathway(actor=api_actor(request), enterprise=enterprise_id))


@router.get(
    "/centres/{centre_id}/pathway",
    response={200: PathwayOut, **READ},
    summary="Jalur pembinaan sebuah sentra",
    description=DESCRIPTION + " Untuk sentra, angka sebelum/sesudah adalah jumlah anggota saat ini.",
)
def centre_pathway(request, centre_id: int):
    return _out(pathway(actor=api_actor(request), centre=centre_id))
