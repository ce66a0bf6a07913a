"""Documents of meetings and agreements: checked by content, stored under a random name with their
SHA-256, read by whoever reads the parent (404 outside), added and removed by who changes it."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditAction, AuditEvent
from sentra.coordination import documents
from sentra.coordination.models import Document
from sentra.core.errors import AccessDenied, DomainError, NotFound
from sentra.registry.tests.factories import AgencyFactory

from .factories import AgreementFactory, AgreementPartyFactory, InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "Undangan Rakor.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.is_file())


@pytest.fixture
def world():
    """A Belu meeting organised by Disperindag NTT with Belu invited; Kupang (NTT) and PPU (Kaltim)
    are neither; an agreement owned by Kutai Timur with Disperindag Kaltim and Belu as parties."""
    agencies = {
        "ntt": AgencyFactory(name="Disperindag NTT", kind="province_industry", region_id="53"),
        "belu": AgencyFactory(name="Dinas Perindustrian Belu", kind="regency_industry", region_id="53.04"),
        "kupang": AgencyFactory(
            name="Dinas Perindustrian Kupang", kind="regency_industry", region_id="53.01"
        ),
        "kaltim": AgencyFactory(name="Disperindagkop Kaltim", kind="province_industry", region_id="64"),
        "kutim": AgencyFactory(name="Dinas Perindustrian Kutim", kind="regency_industry", region_id="64.08"),
        "ppu": AgencyFactory(name="Dinas Perindustrian PPU", kind="regency_industry", region_id="64.09"),
    }
    roles = {"ntt": Role.PROVINCE_OFFICER, "kaltim": Role.PROVINCE_OFFICER}
    users = {k: persona(roles.get(k, Role.REGENCY_OFFICER), agency=a) for k, a in agencies.items()}
    meeting = MeetingFactory(agency=agencies["ntt"], host_region_id="53.04")
    InvitationFactory(meeting=meeting, agency=agencies["belu"])
    agreement = AgreementFactory(agency=agencies["kutim"])
    AgreementPartyFactory(agreement=agreement, agency=agencies["kaltim"])
    AgreementPartyFactory(agreement=agreement, agency=agencies["belu"])
    return {"agencies": agencies, "users": users, "meeting": meeting, "agreement": agreement}


def actor(world, key):
    return actor_of(world["users"][key])


class TestAdding:
    def test_the_organiser_adds_a_file_stored_with_its_sha256_under_a_random_name(self, world, media):
        document = documents.document_add(
            actor=actor(world, "ntt"),
            parent=world["meeting"],
            kind="invitation",
            upload=pdf(),
            title="Undangan",
        )
        document.refresh_from_db()
        assert document.sha256 == hashlib.sha256(PDF).hexdigest()
        assert (document.content_type, document.size, document.original_name) == (
            "application/pdf",
            len(PDF),
            "Undangan Rakor.pdf",
        )
        assert "Undangan" not in document.file.name and document.file.name.endswith(".pdf")
        assert document.file.read() == PDF
        event = AuditEvent.objects.get(object_type="coordination.document", action=AuditAction.CREATE)
        assert event.snapshot["sha256"] == document.sha256 and event.region_code == "53"

    def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_stored(self, world, media):
        with pytest.raises(DomainError) as caught:
            documents.document_add(
                actor=actor(world, "ntt"), parent=world["meeting"], kind="materials", upload=pdf("foto.png")
            )
        assert caught.value.code == "file_type_mismatch" and caught.value.errors[0].field == "file"
        assert not Document.objects.exists() and stored_files(media) == []

    def test_a_scan_is_a_pdf_or_an_image(self, world):
        with pytest.raises(DomainError) as caught:
            documents.document_add(
                actor=actor(world, "ntt"),
                parent=world["meeting"],
                kind="attendance",
                upload=SimpleUploadedFile("daftar hadir.docx", docx_bytes()),
            )
        assert caught.value.code == "file_type_not_allowed"
        document = documents.document_add(
            actor=actor(world, "ntt"),
            parent=world["meeting"],
            kind="materials",
            upload=SimpleUploadedFile("bahan.docx", docx_bytes()),
        )
        assert document.content_type.endswith("wordprocessingml.document")

    def test_a_meeting_does_not_take_a_signed_agreement_nor_an_agreement_an_invitation(self, world):
        with pytest.raises(DomainError) as caught:
            documents.document_add(
                actor=actor(world, "ntt"), parent=world["meeting"], kind="signed", upload=pdf()
            )
        assert caught.value.code == "document_kind_not_for_parent"
        with pytest.raises(DomainError) as caught:
            documents.document_add(
                actor=actor(world, "kutim"), parent=world["agreement"], kind="invitation", upload=pdf()
            )
        assert caught.value.code == "document_kind_not_for_parent"
        assert not Document.objects.exists()


class TestWhoReadsAndWrites:
    def test_readers_of_the_meeting_read_its_documents_others_get_404(self, world):
        document = documents.document_add(
            actor=actor(world, "ntt"), parent=world["meeting"], kind="minutes", upload=pdf()
        )
        for key in ("ntt", "belu"):  # organiser, invited
            assert documents.document_get(actor=actor(world, key), pk=document.pk) == document
            assert list(documents.document_list(actor=actor(world, key), parent=world["meeting"])) == [
                document
            ]
        for key in ("kupang", "ppu"):  # the next regency, another province
            with pytest.raises(NotFound):
                documents.document_get(actor=actor(world, key), pk=document.pk)
            with pytest.raises(NotFound):
                documents.document_list(actor=actor(world, key), parent=world["meeting"])

    def test_an_invited_reader_may_not_add_or_remove(self, world):
        document = documents.document_add(
            actor=actor(world, "ntt"), parent=world["meeting"], kind="minutes", upload=pdf()
        )
        with pytest.raises(AccessDenied):
            documents.document_add(
                actor=actor(world, "belu"), parent=world["meeting"], kind="other", upload=pdf()
            )
        with pytest.raises(AccessDenied):
            documents.document_remove(actor=actor(world, "belu"), document=document)
        with pytest.raises(NotFound):
            documents.document_add(
                actor=actor(world, "ppu"), parent=world["meeting"], kind="other", upload=pdf()
            )
        assert documents.can_change_documents(actor(world, "ntt"), world["meeting"])
        assert not documents.can_change_documents(actor(world, "belu"), world["meeting"])

    def test_an_agreement_scan_is_added_by_its_owner_and_read_by_its_parties(self, world):
        scan = documents.document_add(
            actor=actor(world, "kutim"),
            parent=world["agreement"],
            kind="signed",
            upload=pdf("PK-Disperindag.pdf"),
        )
        assert documents.document_get(actor=actor(world, "kaltim"), pk=scan.pk) == scan  # a party
        with pytest.raises(NotFound):
            documents.document_get(actor=actor(world, "ppu"), pk=scan.pk)
        with pytest.raises(AccessDenied):  # a party reads; the owning agency (and its province) writes
            documents.document_add(
                actor=actor(world, "belu"), parent=world["agreement"], kind="other", upload=pdf()
            )
        with pytest.raises(NotFound):
            documents.document_add(
                actor=actor(world, "ppu"), parent=world["agreement"], kind="other", upload=pdf()
            )

    def test_removal_is_recorded_with_the_sha256_and_the_file_goes_once_committed(
        self, world, media, django_capture_on_commit_callbacks
    ):
        document = documents.document_add(
            actor=actor(world, "ntt"), parent=world["meeting"], kind="minutes", upload=pdf()
        )
        assert len(stored_files(media)) == 1
        with django_capture_on_commit_callbacks(execute=True):
            documents.document_remove(actor=actor(world, "ntt"), document=document, reason="salah unggah")
        assert not Document.objects.exists() and stored_files(media) == []
        event = AuditEvent.objects.get(object_type="coordination.document", action=AuditAction.DELETE)
        assert event.snapshot["sha256"] == hashlib.sha256(PDF).hexdigest() and event.reason == "salah unggah"


class TestApi:
    def call(self, client, user, method, url, **kwargs):
        client.force_login(user)
        return getattr(client, method)(f"/api/v1{url}", **kwargs)

    def test_upload_list_download_and_delete(self, client, world):
        users, meeting = world["users"], world["meeting"]
        created = self.call(
            client, users["ntt"], "post", f"/meetings/{meeting.pk}/documents",
            data={"kind": "invitation", "title": "Undangan", "file": pdf("Undangan Rakor Belu.pdf")},
        )  # fmt: skip
        assert created.status_code == 201, created.content
        body = created.json()
        assert (
            body["sha256"] == hashlib.sha256(PDF).hexdigest()
            and body["original_name"] == "Undangan Rakor Belu.pdf"
        )
        listed = self.call(client, users["belu"], "get", f"/meetings/{meeting.pk}/documents")
        assert [d["id"] for d in listed.json()] == [body["id"]]
        got = self.call(client, users["belu"], "get", f"/documents/{body['id']}/file")
        assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
        assert got["Content-Type"] == "application/pdf"
        assert 'attachment; filename="Undangan Rakor Belu.pdf"' == got["Content-Disposition"]
        assert self.call(client, users["ppu"], "get", f"/documents/{body['id']}/file").status_code == 404
        assert self.call(client, users["ppu"], "get", f"/meetings/{meeting.pk}/documents").status_code == 404
        assert self.call(client, users["belu"], "delete", f"/documents/{body['id']}").status_code == 403
        assert self.call(client, users["ntt"], "delete", f"/documents/{body['id']}").status_code == 204
        assert not Document.objects.exists()

    def test_a_file_not_what_its_name_says_answers_400_with_its_code(self, client, world):
        answer = self.call(
            client, world["users"]["ntt"], "post", f"/meetings/{world['meeting'].pk}/documents",
            data={"kind": "materials", "file": pdf("bahan.docx")},
        )  # fmt: skip
        assert answer.status_code == 400 and answer.json()["code"] == "file_type_mismatch"
        assert answer.json()["errors"][0]["field"] == "file"

    def test_agreement_documents(self, client, world):
        users, agreement = world["users"], world["agreement"]
        created = self.call(
            client, users["kutim"], "post", f"/agreements/{agreement.pk}/documents",
            data={"kind": "signed", "file": pdf("PK.pdf")},
        )  # fmt: skip
        assert created.status_code == 201
        assert (
            len(self.call(client, users["kaltim"], "get", f"/agreements/{agreement.pk}/documents").json())
            == 1
        )
        assert (
            self.call(client, users["ppu"], "get", f"/agreements/{agreement.pk}/documents").status_code == 404
        )


class TestWeb:
    def test_the_meeting_page_offers_upload_to_the_organiser_and_lists_for_readers(self, client, world):
        users, meeting = world["users"], world["meeting"]
        client.force_login(users["ntt"])
        page = client.get(reverse("web:meeting_detail", args=[meeting.pk])).content.decode()
        assert 'id="documents"' in page and reverse("web:meeting_document_add", args=[meeting.pk]) in page
        assert reverse("web:meeting_minutes_pdf", args=[meeting.pk]) in page
        answer = client.post(
            reverse("web:meeting_document_add", args=[meeting.pk]),
            {"kind": "invitation", "title": "", "file": pdf()},
        )
        assert answer.status_code == 302
        document = Document.objects.get()
        client.force_login(users["belu"])
        page = client.get(reverse("web:meeting_detail", args=[meeting.pk])).content.decode()
        assert "Undangan Rakor.pdf" in page
        assert reverse("web:meeting_document_add", args=[meeting.pk]) not in page  # a reader only
        got = client.get(reverse("web:document_file", args=[document.pk]))
        assert got.status_code == 200 and 'filename="Undangan Rakor.pdf"' in got["Content-Disposition"]
        client.force_login(users["ppu"])
        assert client.get(reverse("web:document_file", args=[document.pk])).status_code == 404

    def test_a_refused_upload_says_why_on_the_page(self, client, world):
        client.force_login(world["users"]["ntt"])
        answer = client.post(
            reverse("web:meeting_document_add", args=[world["meeting"].pk]),
            {"kind": "invitation", "file": pdf("undangan.png")},
            follow=True,
        )
        assert "bukan PNG" in answer.content.decode() and not Document.objects.exists()

    def test_the_agreement_page_has_its_documents_block(self, client, world):
        client.force_login(world["users"]["kutim"])
        page = client.get(reverse("web:agreement_detail", args=[world["agreement"].pk])).content.decode()
        assert 'id="documents"' in page
        assert reverse("web:agreement_document_add", args=[world["agreement"].pk]) in page
