"""The help page (/bantuan/): a short guide per role ("Panduan"), the account and the API documentation.

Open without signing in, so that someone who cannot sign in yet still finds what Sentra is for and
whom to ask; a signed-in user sees the guide of their own role first and open."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from sentra.accounts.models import Profile, Role

# Each role's guide: what the role does in Sentra, as numbered steps (plain text, Bahasa Indonesia).
GUIDES: tuple[tuple[str, object, object, tuple], ...] = (
    (
        Role.MINISTRY_ADMIN,
        _("Kementerian (Ditjen IKMA)"),
        _("Memantau data nasional, menerima data yang sudah diverifikasi provinsi, dan mengelola program."),
        (
            _(
                "Buka Dasbor untuk jumlah IKM, sentra dan produk per provinsi; klik provinsi di peta "
                "untuk kabupatennya."
            ),
            _(
                "Di Verifikasi, periksa data yang sudah diverifikasi provinsi: Terima, atau Kembalikan "
                "dengan alasan. Hanya kementerian yang dapat membuka kembali data yang sudah diterima."
            ),
            _(
                "Di Program, susun program, kegiatan dan DIPA; bagi alokasi dekonsentrasi/tugas "
                "pembantuan per provinsi."
            ),
            _(
                "Di Pengendalian, pantau penyerapan dan capaian keluaran; unduh paket Rakor dan laporan "
                "triwulanan di Laporan."
            ),
            _(
                "Impor data dalam jumlah besar di Impor (unduh templat, uji dulu, lalu impor); impor yang"
                " keliru dapat dibatalkan."
            ),
            _("Di Akun › Kelola pengguna, buat akun petugas provinsi dan kabupaten/kota beserta perannya."),
        ),
    ),
    (
        Role.MINISTRY_ANALYST,
        _("Analis kementerian"),
        _("Membaca dan menganalisis seluruh data; tidak mengubah data."),
        (
            _("Gunakan Dasbor dan peta untuk gambaran per provinsi dan kabupaten/kota."),
            _(
                "Di daftar IKM, Sentra atau Produk, saring menurut wilayah, KBLI, status dan skala, lalu "
                "ekspor ke CSV atau XLSX."
            ),
            _("Buka Pengendalian dan Laporan untuk penyerapan anggaran dan capaian keluaran."),
            _("Untuk analisis dengan skrip, buat token API di Akun dan baca Dokumentasi API."),
        ),
    ),
    (
        Role.PROVINCE_OFFICER,
        _("Petugas provinsi"),
        _("Mencatat data provinsi dan memverifikasi data yang diajukan kabupaten/kota."),
        (
            _("Periksa Notifikasi dan Verifikasi: data yang diajukan kabupaten/kota menunggu Anda."),
            _(
                "Buka datanya, lalu Verifikasi bila benar, atau Kembalikan dengan alasan yang jelas "
                "(misalnya “SK penetapan sentra belum diunggah”)."
            ),
            _("Catat dan ubah IKM, sentra dan produk di provinsi Anda, lalu Ajukan ke kementerian."),
            _(
                "Di Program dan Pengendalian, catat kegiatan dekonsentrasi/tugas pembantuan provinsi, RPD"
                " dan realisasinya."
            ),
            _("Bila berwenang, buat akun petugas kabupaten/kota di Akun › Kelola pengguna."),
        ),
    ),
    (
        Role.REGENCY_OFFICER,
        _("Petugas kabupaten/kota"),
        _("Mencatat IKM, sentra dan produk di wilayahnya dan mengajukannya ke provinsi."),
        (
            _(
                "Tambah IKM: nama usaha, NIB (13 angka), KBLI industri pengolahan dan desa/kelurahan "
                "(ketik nama desa lalu pilih)."
            ),
            _(
                "Tambah sentra: minimal 5 IKM anggota dengan produk sejenis; isi dasar hukum penetapannya"
                " (jenis, nomor, tanggal, penanda tangan, pindaian SK) atau pilih SK yang sudah tercatat."
                " Sentra berstatus Ditetapkan wajib memiliki dasar hukum."
            ),
            _(
                "Untuk banyak data, buka Impor: unduh templat (XLSX dengan lembar Petunjuk, atau CSV), "
                "isi, Uji dulu, lalu Impor berkas yang sama dengan satu klik."
            ),
            _(
                "Buka data lalu Ajukan ke provinsi. Bila dikembalikan, baca alasannya, perbaiki lewat "
                "Ubah, lalu Ajukan lagi."
            ),
            _("Periksa data yang dicatat pendamping (TPL-IKM) sebelum mengajukannya."),
            _("Di Program dan Pengendalian, catat kegiatan, RPD dan realisasi anggaran kabupaten/kota."),
        ),
    ),
    (
        Role.FACILITATOR,
        _("Pendamping lapangan (TPL-IKM)"),
        _("Mencatat data lapangan IKM, sentra dan produk untuk diperiksa petugas kabupaten/kota."),
        (
            _("Tambah atau ubah IKM, sentra dan produk yang Anda dampingi di wilayah Anda."),
            _("Isi desa dengan mengetik namanya lalu memilih; koordinat dapat diisi dari lokasi Anda."),
            _("Anda tidak mengajukan data: petugas kabupaten/kota memeriksa dan mengajukannya ke provinsi."),
            _("Program, kegiatan dan anggaran dapat Anda baca, tidak diubah."),
        ),
    ),
    (
        Role.DEKRANAS_OFFICER,
        _("Dekranas/Dekranasda"),
        _("Mencatat kegiatan dan data milik Dekranasda sendiri dan mengajukannya."),
        (
            _(
                "Tambah kegiatan Dekranasda di Program; sumber dananya otomatis Dekranas/Dekranasda "
                "(hibah), bukan APBN."
            ),
            _(
                "Catat IKM, sentra dan produk binaan Dekranasda; hanya data milik instansi Anda yang "
                "dapat diubah."
            ),
            _("Buka kegiatan atau data Anda lalu Ajukan untuk diverifikasi."),
            _("Bila dikembalikan, perbaiki sesuai alasannya lalu Ajukan lagi."),
        ),
    ),
)


@require_GET
def help_page(request):
    role = ""
    if request.user.is_authenticated:
        role = Profile.objects.filter(user=request.user).values_list("role", flat=True).first() or ""
    guides = [
        {"role": key, "title": title, "summary": summary, "steps": steps, "mine": key == role}
        for key, title, summary, steps in GUIDES
    ]
    guides.sort(key=lambda guide: not guide["mine"])  # the reader's own role first
    return render(request, "web/help/help.html", {"guides": guides, "role": role})
