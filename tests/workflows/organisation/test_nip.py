"""NIP (PNS) and NI PPPK structure checks: every part, valid and wrong."""

from __future__ import annotations

from datetime import date

import pytest

from workflows.organisation.nip import InvalidNip, Nip, parse_identity, parse_ni_pppk, parse_nip

ON = date(2026, 3, 1)


def test_valid_nip_is_split_into_its_parts():
    assert parse_nip("198609262015051001", on=ON) == Nip(date(1986, 9, 26), date(2015, 5, 1), "L", 1)
    assert parse_nip("19860926 201505 2 017", on=ON) == Nip(date(1986, 9, 26), date(2015, 5, 1), "P", 17)
    assert parse_nip("19860926.201505.1.001", on=ON).birth_date == date(1986, 9, 26)


def test_tmt_in_the_month_of_the_18th_birthday_and_this_month_are_accepted():
    assert parse_nip("200002012018021001", on=ON).tmt_cpns == date(2018, 2, 1)
    assert parse_nip("199001012026031001", on=ON).tmt_cpns == date(2026, 3, 1)


@pytest.mark.parametrize(("nip", "part", "words"), [
    ("19860926201505100", "length", "18 digits"),
    ("1986092620150510011", "length", "18 digits"),
    ("19860926201505100A", "length", "18 digits"),
    ("１９８６０９２６２０１５０５１００１", "length", "18 digits"),  # full-width digits
    ("198613262015051001", "birth_date", "not a real date"),
    ("198602302015051001", "birth_date", "not a real date"),
    ("192001012015051001", "birth_date", "not plausible"),
    ("201001012015051001", "birth_date", "not plausible"),
    ("198609262015131001", "tmt_cpns", "no month 13"),
    ("198609262015001001", "tmt_cpns", "no month 00"),
    ("198609262004051001", "tmt_cpns", "before the 18th birthday"),
    ("198609262026041001", "tmt_cpns", "in the future"),
    ("198609262015053001", "gender", "must be 1 (male) or 2 (female)"),
    ("198609262015050001", "gender", "must be 1"),
    ("198609262015051000", "sequence", "000"),
])
def test_invalid_nip_names_the_wrong_part(nip, part, words):
    with pytest.raises(InvalidNip) as caught:
        parse_nip(nip, on=ON)
    error = caught.value
    assert error.code == "invalid_nip" and error.details["part"] == part
    assert words in error.message and error.to_dict()["code"] == "invalid_nip"


def test_valid_ni_pppk():
    assert parse_ni_pppk("199403032022211001", on=ON) == Nip(date(1994, 3, 3), date(2022, 1, 1), "L", 1)
    # The two digits after the appointment year are not a month: any value is accepted.
    assert parse_ni_pppk("199009132025242014", on=ON).gender == "P"


@pytest.mark.parametrize(("ni", "part"), [
    ("19940303202221100", "length"),
    ("199413032022211001", "birth_date"),
    ("199403032010211001", "appointment_year"),
    ("199403032027211001", "appointment_year"),
    ("199403032022215001", "gender"),
    ("199403032022211000", "sequence"),
])
def test_invalid_ni_pppk(ni, part):
    with pytest.raises(InvalidNip) as caught:
        parse_ni_pppk(ni, on=ON)
    assert caught.value.details["part"] == part and "NI PPPK" in caught.value.message


def test_parse_identity_uses_the_layout_of_the_employee_kind():
    assert parse_identity("199403032022211001", "pppk", on=ON).tmt_cpns == date(2022, 1, 1)
    with pytest.raises(InvalidNip, match="TMT CPNS"):
        parse_identity("199403032022211001", "pns", on=ON)  # month 21 is no PNS TMT
