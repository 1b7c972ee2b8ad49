"""Structure checks of the 18-digit NIP (PNS) and NI PPPK identity numbers.

NIP PNS (Perka BKN 22/2007 and 43/2007, via several secondary sources that agree):
``yyyymmdd`` birth date, ``yyyymm`` TMT CPNS (first appointment; always the 1st of the month),
gender digit (1 laki-laki, 2 perempuan), 3-digit sequence from 001.

NI PPPK [S]: secondary sources (regional BKD pages quoted by news sites) describe
``yyyymmdd`` birth date, ``yyyy`` year of first appointment as calon PPPK, two digits for the
number of work agreements, the gender digit and a 3-digit sequence. Real numbers have values such
as 21 or 24 in the 13th–14th digits, so those two are not checked; an older description that gives
PPPK the PNS layout (``yyyymm`` appointment) would refuse them. What is checked: 18 digits, a real
birth date, an appointment year after the 18th birthday and not in the future, the gender digit
and the sequence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.clock import clock
from engine.errors import KinerjaError

#: Oldest birth year accepted: retired PNS stay in the records, nobody born earlier is in them.
MIN_BIRTH_YEAR = 1930
#: Minimum age at first appointment.
MIN_AGE = 18


class InvalidNip(KinerjaError):
    """A NIP or NI PPPK does not have the structure of one."""

    code = "invalid_nip"


@dataclass(frozen=True)
class Nip:
    """The parts of a NIP (PNS) or NI PPPK."""

    birth_date: date
    #: TMT CPNS (the 1st of the month) for PNS; 1 January of the appointment year for PPPK.
    tmt_cpns: date
    #: "L" (digit 1) or "P" (digit 2).
    gender: str
    sequence: int


def _today() -> date:
    return clock.now().astimezone(clock.local_tz).date()


def parse_nip(text: str, *, on: date | None = None) -> Nip:
    """Parse and check an 18-digit PNS NIP; raise InvalidNip naming the wrong part."""
    digits = _digits(text, "NIP")
    on = on or _today()
    birth = _birth_date(digits, text, on)
    year, month = int(digits[8:12]), int(digits[12:14])
    if not 1 <= month <= 12:
        raise InvalidNip(f"NIP {text}: TMT CPNS {digits[8:14]} has no month {digits[12:14]}", part="tmt_cpns")
    if (year, month) < (birth.year + MIN_AGE, birth.month):
        raise InvalidNip(f"NIP {text}: TMT CPNS {digits[8:14]} is before the 18th birthday "
                         f"(born {birth.isoformat()})", part="tmt_cpns")
    if (year, month) > (on.year, on.month):
        raise InvalidNip(f"NIP {text}: TMT CPNS {digits[8:14]} is in the future", part="tmt_cpns")
    return Nip(birth, date(year, month, 1), *_gender_and_sequence(digits, text, "NIP"))


def parse_ni_pppk(text: str, *, on: date | None = None) -> Nip:
    """Parse and check an 18-digit NI PPPK; raise InvalidNip naming the wrong part."""
    digits = _digits(text, "NI PPPK")
    on = on or _today()
    birth = _birth_date(digits, text, on, label="NI PPPK")
    year = int(digits[8:12])
    if year < birth.year + MIN_AGE:
        raise InvalidNip(f"NI PPPK {text}: appointment year {year} is before the 18th birthday "
                         f"(born {birth.isoformat()})", part="appointment_year")
    if year > on.year:
        raise InvalidNip(f"NI PPPK {text}: appointment year {year} is in the future", part="appointment_year")
    return Nip(birth, date(year, 1, 1), *_gender_and_sequence(digits, text, "NI PPPK"))


def parse_identity(text: str, kind: str, *, on: date | None = None) -> Nip:
    """Parse the identity number of an employee of kind pns or pppk."""
    return parse_ni_pppk(text, on=on) if kind == "pppk" else parse_nip(text, on=on)


def _digits(text: str, label: str) -> str:
    # Printed NIPs group the parts with spaces or dots ("19860926 201505 1 001"): accept those.
    digits = "".join(ch for ch in text if ch not in " .")
    if len(digits) != 18 or not digits.isascii() or not digits.isdigit():
        raise InvalidNip(f"{label} {text!r} must be 18 digits", part="length")
    return digits


def _birth_date(digits: str, text: str, on: date, label: str = "NIP") -> date:
    try:
        birth = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise InvalidNip(f"{label} {text}: birth date {digits[0:8]} is not a real date (yyyymmdd)",
                         part="birth_date")
    if birth.year < MIN_BIRTH_YEAR or (birth.year + MIN_AGE, birth.month, birth.day) > (on.year, on.month, on.day):
        raise InvalidNip(f"{label} {text}: birth date {birth.isoformat()} is not plausible for a civil servant",
                         part="birth_date")
    return birth


def _gender_and_sequence(digits: str, text: str, label: str) -> tuple[str, int]:
    if digits[14] not in "12":
        raise InvalidNip(f"{label} {text}: gender digit {digits[14]} must be 1 (male) or 2 (female)",
                         part="gender")
    sequence = int(digits[15:18])
    if sequence == 0:
        raise InvalidNip(f"{label} {text}: sequence number 000 must be 001–999", part="sequence")
    return ("L" if digits[14] == "1" else "P"), sequence
