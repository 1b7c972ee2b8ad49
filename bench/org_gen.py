"""Generate a city's org chart as the CSV `kinerja org import` reads: N employees in ~40 OPD.

The structure follows a Samarinda-like pemkot: the Wali Kota (a vacant position: elected, no NIP) and
the Sekda at the top; per OPD a head (JPT Pratama), a secretariat and bidang (Administrator), seksi
under each bidang (Pengawas), and staff (Pelaksana, Fungsional) under the seksi heads. Kecamatan are
their own calibration units. Deterministic: the same N gives the same file.
"""

from __future__ import annotations

import argparse
import csv
import io
from datetime import date, timedelta
from pathlib import Path

HEADER = ("NIP", "NAMA", "JENIS_PEGAWAI", "KODE_JABATAN", "NAMA_JABATAN", "JENIS_JABATAN", "KODE_UNOR",
          "NAMA_UNOR", "JENIS_UNOR", "KODE_UNOR_INDUK", "KODE_JABATAN_ATASAN", "UNIT_KALIBRASI")
OPD_KINDS = ("dinas",) * 22 + ("badan",) * 6 + ("kecamatan",) * 10 + ("inspektorat", "sekretariat")
#: Structural posts per OPD: the head, a secretary, 4 bidang heads and 3 seksi heads under each bidang.
BIDANG, SEKSI = 4, 3


class _Nips:
    """Hands out valid, unique 18-digit PNS NIPs (birth date, TMT CPNS, gender, sequence)."""

    def __init__(self) -> None:
        self.count = 0

    def next(self) -> str:
        i = self.count
        self.count += 1
        birth = date(1968, 1, 1) + timedelta(days=(i // 999) * 3 + (i % 7) * 400)
        tmt_year = birth.year + 22 + i % 8
        return f"{birth:%Y%m%d}{tmt_year:04d}{1 + i % 12:02d}{1 + i % 2}{1 + i % 999:03d}"


def rows(employees: int, opds: int = 40) -> list[tuple[str, ...]]:
    """Return the CSV rows (header excluded) of a city with about `employees` employees in `opds` OPD."""
    nips = _Nips()
    out: list[tuple[str, ...]] = []

    def person(code: str, name: str, kind: str, unit: tuple[str, str, str, str], boss: str,
               calib: str = "") -> None:
        nip = nips.next()
        out.append((nip, f"Pegawai {nips.count:05d}", "PNS", code, name, kind, *unit, boss, calib))

    city = ("PEMKOT", "Pemerintah Kota", "Pemkot", "")
    out.append(("", "", "", "WALIKOTA", "Wali Kota", "Wali Kota", *city, "", ""))
    person("SEKDA", "Sekretaris Daerah", "Sekda", city, "WALIKOTA")
    structural = opds * (2 + BIDANG + BIDANG * SEKSI)
    staff = max(0, employees - 1 - structural)
    seksi_total = opds * BIDANG * SEKSI
    for o in range(opds):
        kind = OPD_KINDS[o % len(OPD_KINDS)]
        code = f"OPD{o + 1:02d}"
        opd = (code, f"{kind.title()} {o + 1:02d}", kind.title(), "PEMKOT")
        calib = "Y" if kind == "kecamatan" else ""
        head = f"{code}-KA"
        person(head, f"Kepala {kind.title()} {o + 1:02d}", "JPT Pratama", opd, "SEKDA", calib)
        person(f"{code}-SEK", "Sekretaris", "Administrator", opd, head, calib)
        for b in range(BIDANG):
            bcode = f"{code}-B{b + 1}"
            bidang = (bcode, f"Bidang {b + 1} {code}", "Kelurahan" if kind == "kecamatan" else "Bidang", code)
            person(f"{bcode}-KA", f"Kepala Bidang {b + 1}", "Administrator", bidang, head)
            for s in range(SEKSI):
                scode = f"{bcode}-S{s + 1}"
                seksi = (scode, f"Seksi {s + 1} {bcode}", "Seksi", bcode)
                person(f"{scode}-KA", f"Kepala Seksi {s + 1}", "Pengawas", seksi, f"{bcode}-KA")
                index = (o * BIDANG + b) * SEKSI + s
                mine = staff // seksi_total + (1 if index < staff % seksi_total else 0)
                for k in range(mine):
                    fungsional = k % 3 == 2
                    person(f"{scode}-P{k + 1:03d}", "Analis" if fungsional else "Pengadministrasi",
                           "Fungsional" if fungsional else "Pelaksana", seksi, f"{scode}-KA")
    return out


def write_csv(employees: int, opds: int = 40) -> bytes:
    """Return the org CSV (UTF-8, `;`) for about `employees` employees."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows(employees, opds))
    return buffer.getvalue().encode()


def main(argv: list[str] | None = None) -> None:
    """Write the generated CSV to a file."""
    parser = argparse.ArgumentParser(prog="python -m bench.org_gen", description=__doc__)
    parser.add_argument("--employees", type=int, default=10000)
    parser.add_argument("--opds", type=int, default=40)
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    args.output.write_bytes(write_csv(args.employees, args.opds))


if __name__ == "__main__":
    main()
