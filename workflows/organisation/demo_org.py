"""A Samarinda-like demo organisation (fictional people), built idempotently through the models.

Each OPD is a calibration unit (SE MenPANRB 3/2023): Disdukcapil (25 eligible) and BKPSDM (15) are large
enough for the distribution curve to be enforced (setting `min_kelompok_kurva`, default 10).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock

from ..models.org import ActingAssignment, Employee, Position, Unit, UserAccount
from . import org
from .lanes import WALI_KOTA_GROUP
from .nip import parse_identity

#: TMT jabatan of every demo placement.
PLACED_ON = date(2025, 1, 2)
PLT = ("KABID-CAPIL", "198004122005012002")  # the Sekretaris Dinas acts for the vacant Kabid Capil

# (code, name, kind, parent, public service)
UNITS = [
    ("PEMKOT", "Pemerintah Kota Samarinda", "pemkot", None, False),
    ("SETDA", "Sekretariat Daerah", "sekretariat", "PEMKOT", False),
    ("SETDA-ORG", "Bagian Organisasi", "bagian", "SETDA", False),
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "dinas", "PEMKOT", True),
    ("DUKCAPIL-SEK", "Sekretariat Disdukcapil", "bagian", "DISDUKCAPIL", False),
    ("DUKCAPIL-DAFDUK", "Bidang Pelayanan Pendaftaran Penduduk", "bidang", "DISDUKCAPIL", True),
    ("DUKCAPIL-IDENTITAS", "Seksi Identitas Penduduk", "seksi", "DUKCAPIL-DAFDUK", True),
    ("DUKCAPIL-PINDAH", "Seksi Pindah Datang Penduduk", "seksi", "DUKCAPIL-DAFDUK", True),
    ("DUKCAPIL-CAPIL", "Bidang Pelayanan Pencatatan Sipil", "bidang", "DISDUKCAPIL", True),
    ("DUKCAPIL-KELAHIRAN", "Seksi Kelahiran dan Kematian", "seksi", "DUKCAPIL-CAPIL", True),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "badan", "PEMKOT", False),
    ("BKPSDM-SEK", "Sekretariat BKPSDM", "bagian", "BKPSDM", False),
    ("BKPSDM-UMUM", "Sub Bagian Umum dan Kepegawaian", "seksi", "BKPSDM-SEK", False),
    ("BKPSDM-PKP", "Bidang Penilaian Kinerja dan Penghargaan", "bidang", "BKPSDM", False),
    ("BKPSDM-KINERJA", "Seksi Penilaian Kinerja Aparatur", "seksi", "BKPSDM-PKP", False),
    ("INSPEKTORAT", "Inspektorat Daerah", "inspektorat", "PEMKOT", False),
    ("INSP-SEK", "Sekretariat Inspektorat", "bagian", "INSPEKTORAT", False),
    ("INSP-IRBAN1", "Inspektur Pembantu Wilayah I", "bidang", "INSPEKTORAT", False),
    ("PUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", "dinas", "PEMKOT", False),
    ("PUPR-BM", "Bidang Bina Marga", "bidang", "PUPR", False),
    ("PUPR-JALAN", "Seksi Pembangunan dan Peningkatan Jalan", "seksi", "PUPR-BM", False),
    ("KEC-SU", "Kecamatan Samarinda Ulu", "kecamatan", "PEMKOT", True),
    ("KEL-AIRHITAM", "Kelurahan Air Hitam", "kelurahan", "KEC-SU", True),
    ("KEL-SIDODADI", "Kelurahan Sidodadi", "kelurahan", "KEC-SU", True),
]

# (code, name, kind, unit, reports to, heads the unit)
POSITIONS = [
    ("WALIKOTA", "Wali Kota Samarinda", "wali_kota", "PEMKOT", None, True),
    ("SEKDA", "Sekretaris Daerah", "sekda", "SETDA", "WALIKOTA", True),
    ("KABAG-ORG", "Kepala Bagian Organisasi", "administrator", "SETDA-ORG", "SEKDA", True),
    ("ORG-PENATA", "Penata Kelola Kelembagaan", "pelaksana", "SETDA-ORG", "KABAG-ORG", False),
    ("ORG-ANALIS", "Analis Kebijakan Ahli Pertama", "fungsional", "SETDA-ORG", "KABAG-ORG", False),
    ("KADIS-DUKCAPIL", "Kepala Dinas Kependudukan dan Pencatatan Sipil", "jpt_pratama", "DISDUKCAPIL",
     "WALIKOTA", True),
    ("SEKDIS-DUKCAPIL", "Sekretaris Dinas", "administrator", "DUKCAPIL-SEK", "KADIS-DUKCAPIL", True),
    ("DUKCAPIL-PENGADM", "Pengadministrasi Perkantoran", "pelaksana", "DUKCAPIL-SEK", "SEKDIS-DUKCAPIL", False),
    ("KABID-DAFDUK", "Kepala Bidang Pelayanan Pendaftaran Penduduk", "administrator", "DUKCAPIL-DAFDUK",
     "KADIS-DUKCAPIL", True),
    ("KASI-IDENTITAS", "Kepala Seksi Identitas Penduduk", "pengawas", "DUKCAPIL-IDENTITAS", "KABID-DAFDUK", True),
    ("IDENTITAS-OPR", "Operator Layanan Operasional", "pelaksana", "DUKCAPIL-IDENTITAS", "KASI-IDENTITAS", False),
    ("IDENTITAS-ADB", "Administrator Database Kependudukan Ahli Pertama", "fungsional", "DUKCAPIL-IDENTITAS",
     "KASI-IDENTITAS", False),
    ("KASI-PINDAH", "Kepala Seksi Pindah Datang Penduduk", "pengawas", "DUKCAPIL-PINDAH", "KABID-DAFDUK", True),
    ("PINDAH-VERIF", "Verifikator Data Kependudukan", "pelaksana", "DUKCAPIL-PINDAH", "KASI-PINDAH", False),
    ("KABID-CAPIL", "Kepala Bidang Pelayanan Pencatatan Sipil", "administrator", "DUKCAPIL-CAPIL",
     "KADIS-DUKCAPIL", True),
    ("KASI-KELAHIRAN", "Kepala Seksi Kelahiran dan Kematian", "pengawas", "DUKCAPIL-KELAHIRAN", "KABID-CAPIL", True),
    ("KELAHIRAN-PENGOLAH", "Pengolah Data Pencatatan Sipil", "pelaksana", "DUKCAPIL-KELAHIRAN", "KASI-KELAHIRAN",
     False),
    ("KABAN-BKPSDM", "Kepala Badan Kepegawaian dan Pengembangan SDM", "jpt_pratama", "BKPSDM", "WALIKOTA", True),
    ("SEKBAN-BKPSDM", "Sekretaris Badan", "administrator", "BKPSDM-SEK", "KABAN-BKPSDM", True),
    ("KASUBBAG-UMUM", "Kepala Sub Bagian Umum dan Kepegawaian", "pengawas", "BKPSDM-UMUM", "SEKBAN-BKPSDM", True),
    ("UMUM-PENGADM", "Pengadministrasi Perkantoran", "pelaksana", "BKPSDM-UMUM", "KASUBBAG-UMUM", False),
    ("KABID-PKP", "Kepala Bidang Penilaian Kinerja dan Penghargaan", "administrator", "BKPSDM-PKP", "KABAN-BKPSDM",
     True),
    ("ANALIS-SDMA", "Analis SDM Aparatur Ahli Muda", "fungsional", "BKPSDM-PKP", "KABID-PKP", False),
    ("KASI-KINERJA", "Kepala Seksi Penilaian Kinerja Aparatur", "pengawas", "BKPSDM-KINERJA", "KABID-PKP", True),
    ("KINERJA-PENGOLAH", "Pengolah Data Kinerja", "pelaksana", "BKPSDM-KINERJA", "KASI-KINERJA", False),
    ("INSPEKTUR", "Inspektur Daerah", "jpt_pratama", "INSPEKTORAT", "WALIKOTA", True),
    ("SEKRETARIS-INSP", "Sekretaris Inspektorat", "administrator", "INSP-SEK", "INSPEKTUR", True),
    ("INSP-PENGADM", "Pengadministrasi Perkantoran", "pelaksana", "INSP-SEK", "SEKRETARIS-INSP", False),
    ("IRBAN1", "Inspektur Pembantu Wilayah I", "administrator", "INSP-IRBAN1", "INSPEKTUR", True),
    ("AUDITOR-MUDA", "Auditor Ahli Muda", "fungsional", "INSP-IRBAN1", "IRBAN1", False),
    ("AUDITOR-PERTAMA", "Auditor Ahli Pertama", "fungsional", "INSP-IRBAN1", "IRBAN1", False),
    ("P2UPD", "Pengawas Penyelenggaraan Urusan Pemerintahan Daerah Ahli Pertama", "fungsional", "INSP-IRBAN1",
     "IRBAN1", False),
    ("KADIS-PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang", "jpt_pratama", "PUPR", "WALIKOTA", True),
    ("KABID-BM", "Kepala Bidang Bina Marga", "administrator", "PUPR-BM", "KADIS-PUPR", True),
    ("TEKNIK-JALAN", "Teknik Jalan dan Jembatan Ahli Pertama", "fungsional", "PUPR-BM", "KABID-BM", False),
    ("KASI-JALAN", "Kepala Seksi Pembangunan dan Peningkatan Jalan", "pengawas", "PUPR-JALAN", "KABID-BM", True),
    ("JALAN-PENGAWAS", "Pengawas Lapangan", "pelaksana", "PUPR-JALAN", "KASI-JALAN", False),
    ("CAMAT-SU", "Camat Samarinda Ulu", "administrator", "KEC-SU", "SEKDA", True),
    ("KEC-SU-PENGADM", "Pengadministrasi Kecamatan", "pelaksana", "KEC-SU", "CAMAT-SU", False),
    ("LURAH-AIRHITAM", "Lurah Air Hitam", "pengawas", "KEL-AIRHITAM", "CAMAT-SU", True),
    ("AIRHITAM-STAF", "Pengadministrasi Kelurahan", "pelaksana", "KEL-AIRHITAM", "LURAH-AIRHITAM", False),
    ("LURAH-SIDODADI", "Lurah Sidodadi", "pengawas", "KEL-SIDODADI", "CAMAT-SU", True),
    ("SIDODADI-STAF", "Pengadministrasi Kelurahan", "pelaksana", "KEL-SIDODADI", "LURAH-SIDODADI", False),
]

# (NIP or NI PPPK, name, pns|pppk, position, status); the Wali Kota is elected, not ASN: no record.
EMPLOYEES = [line.split("|") for line in """\
196905121994031004|Drs. Hairul Anwar, M.Si.|pns|SEKDA|aktif
197803152003121003|Rahmat Hidayat, S.Sos.|pns|KABAG-ORG|aktif
198807222011012005|Nurul Aini, S.AP.|pns|ORG-PENATA|aktif
199302102019031008|Fajar Ramadhan, S.IP.|pns|ORG-PENATA|aktif
199406032022032006|Siti Rahmawati, S.AP.|pns|ORG-ANALIS|aktif
197101201996031002|Ir. Syamsul Bahri, M.M.|pns|KADIS-DUKCAPIL|aktif
198004122005012002|Rina Marlina, S.E., M.Si.|pns|SEKDIS-DUKCAPIL|aktif
198611042010012007|Dewi Kartika, A.Md.|pns|DUKCAPIL-PENGADM|aktif
198909302014031003|Andi Muh. Yusuf, S.Kom.|pns|DUKCAPIL-PENGADM|cltn
197606182002121004|Muhammad Ridwan, S.H.|pns|KABID-DAFDUK|aktif
198202142008011006|Hendra Saputra, S.Kom.|pns|KASI-IDENTITAS|aktif
199108172015032003|Yuliana Putri, A.Md.|pns|IDENTITAS-OPR|aktif
199510292020121009|Aditya Pratama, S.T.|pns|IDENTITAS-OPR|aktif
199703112023212004|Ayu Lestari, S.Kom.|pppk|IDENTITAS-OPR|aktif
199212052021211005|Rizky Firmansyah, S.Kom.|pppk|IDENTITAS-ADB|aktif
198305262009022003|Hj. Fitriani, S.Sos.|pns|KASI-PINDAH|aktif
199004082014032008|Sri Wahyuni, S.E.|pns|PINDAH-VERIF|aktif
199609142020121004|Bayu Setiawan, A.Md.|pns|PINDAH-VERIF|aktif
198107192006041005|Agus Salim, S.H.|pns|KASI-KELAHIRAN|aktif
199201252017082002|Maya Sari, S.Sos.|pns|KELAHIRAN-PENGOLAH|aktif
199411192019031006|Irfan Hakim, S.Kom.|pns|KELAHIRAN-PENGOLAH|aktif
199305142018032001|Rahmawati, S.Kom.|pns|IDENTITAS-OPR|aktif
199607222020121002|Muhammad Arif, A.Md.|pns|IDENTITAS-OPR|aktif
199811032023212011|Sinta Dewi, S.Kom.|pppk|IDENTITAS-OPR|aktif
199301282019031016|Dani Kurniawan, S.Kom.|pns|IDENTITAS-ADB|aktif
199402182019031010|Hendri Gunawan, S.E.|pns|PINDAH-VERIF|aktif
199709092022032012|Lusiana, S.Sos.|pns|PINDAH-VERIF|aktif
199012202015031011|Yudi Setiawan, S.Kom.|pns|KELAHIRAN-PENGOLAH|aktif
199506062020122013|Fitri Handayani, A.Md.|pns|KELAHIRAN-PENGOLAH|aktif
199904172024211014|Rendi Saputra|pppk|KELAHIRAN-PENGOLAH|aktif
198912112014032015|Sari Puspita, S.AP.|pns|DUKCAPIL-PENGADM|aktif
197009281995031001|Dr. H. Abdul Kadir, M.Si.|pns|KABAN-BKPSDM|aktif
197705032002122005|Ratna Dewi, S.Sos., M.AP.|pns|SEKBAN-BKPSDM|aktif
198508242009031007|Dedi Kurniawan, S.E.|pns|KASUBBAG-UMUM|aktif
199103162015031002|Wahyu Nugroho, A.Md.|pns|UMUM-PENGADM|aktif
199808072022032003|Indah Permatasari, S.AP.|pns|UMUM-PENGADM|aktif
197912302005011008|Bambang Sutrisno, S.Psi., M.M.|pns|KABID-PKP|aktif
198703092011012004|Lia Amalia, S.Psi.|pns|ANALIS-SDMA|aktif
199005272014032005|Novita Sari, S.AP.|pns|ANALIS-SDMA|aktif
198410112010011003|Teguh Prasetyo, S.Kom.|pns|KASI-KINERJA|aktif
199512202020121005|Reza Maulana, S.Kom.|pns|KINERJA-PENGOLAH|aktif
199207132022212006|Annisa Rahma, S.Kom.|pppk|KINERJA-PENGOLAH|aktif
199208312017032017|Melati Suryani, S.Psi.|pns|ANALIS-SDMA|aktif
199610192021031018|Rizal Fahmi, S.Kom.|pns|KINERJA-PENGOLAH|aktif
199812122023212019|Nadia Putri, S.AP.|pppk|KINERJA-PENGOLAH|aktif
199405052019031020|Bagus Wicaksono, A.Md.|pns|UMUM-PENGADM|aktif
197204161997031003|Drs. Muhammad Faisal, Ak., M.Si.|pns|INSPEKTUR|aktif
197811082004122004|Sulastri, S.E., M.Ak.|pns|SEKRETARIS-INSP|aktif
199306212019032007|Rahmi Aulia, A.Md.|pns|INSP-PENGADM|aktif
199609052020121003|Ilham Syahputra, S.E.|pns|INSP-PENGADM|aktif
197507232001121002|Joko Santoso, S.E., M.M.|pns|IRBAN1|aktif
198208182008012006|Eka Wulandari, S.E., Ak.|pns|AUDITOR-MUDA|aktif
199101302015031005|Ahmad Fauzi, S.Ak.|pns|AUDITOR-PERTAMA|aktif
199411042019032004|Putri Handayani, S.Ak.|pns|AUDITOR-PERTAMA|aktif
199002122015031003|Dimas Anggara, S.H.|pns|P2UPD|aktif
197303051998031006|Ir. H. Darmawan, M.T.|pns|KADIS-PUPR|aktif
197910252005011004|Arif Budiman, S.T., M.T.|pns|KABID-BM|aktif
199208162017081001|Yoga Pratama, S.T.|pns|TEKNIK-JALAN|aktif
199605182023211007|Galih Saputra, S.T.|pppk|TEKNIK-JALAN|aktif
198501302010011009|Supriadi, S.T.|pns|KASI-JALAN|aktif
198812092014031006|Rudi Hartono|pns|JALAN-PENGAWAS|aktif
199303272019031004|Akbar Maulana, A.Md.T.|pns|JALAN-PENGAWAS|aktif
199110142021211008|Taufik Hidayat|pppk|JALAN-PENGAWAS|aktif
197606112002121003|H. Syarifuddin, S.Sos., M.Si.|pns|CAMAT-SU|aktif
198905212014032002|Nur Hasanah, S.Sos.|pns|KEC-SU-PENGADM|aktif
199712032022031004|Fikri Ardiansyah, S.IP.|pns|KEC-SU-PENGADM|aktif
198106302007011005|Zainal Arifin, S.Sos.|pns|LURAH-AIRHITAM|aktif
199009092014032004|Rosmini, A.Md.|pns|AIRHITAM-STAF|aktif
199404152019031007|Andi Rahman|pns|AIRHITAM-STAF|aktif
199802252023212009|Desi Anggraini|pppk|AIRHITAM-STAF|aktif
198304172009022004|Hj. Noorhayati, S.AP.|pns|LURAH-SIDODADI|aktif
199107082015031006|Syahrani, S.E.|pns|SIDODADI-STAF|aktif
199511232020122003|Wulan Sari, A.Md.|pns|SIDODADI-STAF|aktif
199901102024211002|Muhammad Iqbal|pppk|SIDODADI-STAF|aktif
""".splitlines()]

#: (username, roles, scope OPD code) of the staff accounts beside every employee's own.
STAFF = [(f"pengelola.{code.lower()}", ["pengelola_kinerja"], code)
         for code, _, kind, parent, _ in UNITS if parent == "PEMKOT"] + [
    ("bkpsdm", ["pengelola_kinerja", "pemilik_proses"], None), ("inspektorat", ["inspektorat"], None),
    ("admin", ["admin", "operators", "pemilik_proses"], None), ("walikota", [WALI_KOTA_GROUP], None),
    # The city's Tim Penilai Kinerja recommends to the PPK after an improvement period without improvement.
    ("tim.penilai", ["tim_penilai_kinerja"], None)]


def demo_password(username: str) -> str:
    """Return the demo password of an account: `kinerja-<last 4 of the NIP>` or `kinerja-<username>`."""
    return f"kinerja-{username[-4:]}" if username.isdigit() else f"kinerja-{username}"


@dataclass
class DemoOrg:
    """What the builder created, and every account with its demo password."""

    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("unit", "position", "employee",
                                                                             "account", "acting"), 0))
    accounts: list[tuple[str, str, str, bool]] = field(default_factory=list)


def build_demo_org(session: Session, year: int) -> DemoOrg:
    """Create what is missing of the demo organisation and its accounts; flush, never commit."""
    result = DemoOrg()
    units = {u.code: u for u in session.execute(select(Unit)).scalars()}
    for code, name, kind, parent, public in UNITS:
        if code not in units:
            units[code] = Unit(code=code, name=name, kind=kind, parent=units[parent] if parent else None,
                               public_service=public)
            session.add(units[code])
            result.created["unit"] += 1
    positions = {p.code: p for p in session.execute(select(Position)).scalars()}
    for code, name, kind, unit, boss, head in POSITIONS:
        if code not in positions:
            positions[code] = Position(code=code, name=name, kind=kind, unit=units[unit],
                                       reports_to=positions[boss] if boss else None)
            session.add(positions[code])
            result.created["position"] += 1
            if head:
                units[unit].head_position = positions[code]
    session.flush()
    people = {e.nip: e for e in session.execute(select(Employee)).scalars()}
    for nip, name, kind, position, status in EMPLOYEES:
        if nip not in people:
            parsed = parse_identity(nip, kind)  # the demo must only show valid numbers
            people[nip] = Employee(nip=nip, name=name, kind=kind, status=status, gender=parsed.gender,
                                   updated_at=clock.now())
            session.add(people[nip])
            org.transfer(session, people[nip], positions[position], PLACED_ON)
            result.created["employee"] += 1
    acting_position, acting_nip = PLT
    if session.execute(select(ActingAssignment.id).where(
            ActingAssignment.position_id == positions[acting_position].id)).first() is None:
        org.appoint_acting(session, positions[acting_position], people[acting_nip], "plt", date(year, 1, 2),
                           date(year + 1, 12, 31), "Demo: Kepala Bidang Pencatatan Sipil kosong, Sekretaris Dinas "
                           "ditunjuk sebagai Plt")
        result.created["acting"] += 1
    _accounts(session, people, result)
    return result


def _accounts(session: Session, people: dict[str, Employee], result: DemoOrg) -> None:
    """Create an account per employee (username = NIP) and the staff accounts, when missing."""
    existing = set(session.execute(select(UserAccount.username)).scalars())
    wanted = [(nip, [], None, people[nip]) for nip, *_ in EMPLOYEES] + [(*s, None) for s in STAFF]
    for username, roles, scope, employee in wanted:
        created = username not in existing
        if created:
            account = UserAccount(username=username, employee=employee, roles=roles, scope_unit_code=scope,
                                  active=True, created_at=clock.now(), must_change_password=True)
            account.set_password(demo_password(username))
            session.add(account)
            result.created["account"] += 1
        label = employee.name if employee is not None else ", ".join(roles) + (f" ({scope})" if scope else "")
        result.accounts.append((username, demo_password(username), label, created))
    session.flush()
