"""Publication of a calibration group's aggregate: only when final, never revealing one person's predikat."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock

from ..appraisals.records import RecordInvalid, note, one_of, year
from ..calibration import calibration_units
from ..models.org import Employee, Unit
from ..models.records import Appeal, AppealWindow, Consent, PredikatRecord, Publication
from ..models.skp import PREDIKATS, Skp
from ..rating.ratings import unit_rating
from .consent import PUBLICATION_SCOPE

#: The smallest group whose distribution is published (UU 14/2008 Ps 17(h), UU 27/2022).
MIN_KELOMPOK_PUBLIKASI = 5


def members(session: Session, unit: Unit, tahun: int) -> list[Skp]:
    """Return the open SKPs of the year of the calibration group: the unit and the sub-units it covers."""
    covered = calibration_units.covered_unit_ids(session, unit)
    return list(session.execute(select(Skp).where(Skp.unit_id.in_(covered), Skp.year == tahun,
                                                  Skp.status != "ditutup").order_by(Skp.id)).scalars())


def _latest(session: Session, model: Any, value: Any, ids: list[int]) -> dict[int, Any]:
    """Return {skp id: value of the SKP's latest row} of a table keyed by skp_id, in one query."""
    found: dict[int, Any] = {}
    rows = session.execute(select(model.skp_id, value).where(model.skp_id.in_(ids)).order_by(model.id))
    for skp_id, item in rows:
        found[skp_id] = item  # ordered by id: the last one wins
    return found


def _state(session: Session, skps: list[Skp], tahun: int) -> list[dict[str, Any]]:
    """Return per member SKP: NIP, name, current predikat, undecided appeal, window closed, consent.

    A handful of set-based queries whatever the group's size: this runs at the end of every member's
    appeal stage, inside a script's time budget, so it must not cost a query per member.
    """
    ids = [s.id for s in skps]
    people = {e.id: e for e in session.execute(select(Employee).where(
        Employee.id.in_({s.employee_id for s in skps}))).scalars()}
    predikat = _latest(session, PredikatRecord, PredikatRecord.predikat, ids)
    closed = _latest(session, AppealWindow, AppealWindow.closed_at, ids)
    windows = set(session.execute(select(AppealWindow.skp_id).where(AppealWindow.skp_id.in_(ids))).scalars())
    undecided = set(session.execute(select(Appeal.skp_id).where(Appeal.skp_id.in_(ids),
                                                                Appeal.decision.is_(None))).scalars())
    consenting = set(session.execute(select(Consent.employee_id).where(
        Consent.employee_id.in_(list(people)), Consent.year == tahun, Consent.scope == PUBLICATION_SCOPE,
        Consent.revoked_at.is_(None))).scalars())
    return [{"nip": people[s.employee_id].nip, "nama": people[s.employee_id].name, "predikat": predikat.get(s.id),
             "keberatan_terbuka": s.id in undecided, "jendela_ditutup": s.id in windows and closed[s.id] is not None,
             "setuju": s.employee_id in consenting} for s in skps]


def disclosure(counts: dict[str, int], known: list[str], min_size: int) -> tuple[bool, bool, str | None]:
    """Return (publish the distribution, publish the consenting names, why something is withheld).

    The distribution of a group is a set of cells (predikat -> count). The predikat of an employee who
    did not consent must not be deducible from what is published:
    - a group smaller than min_size shows no distribution (`kelompok_kecil`): in a handful of people
      anyone who knows a few results learns the rest;
    - with the consenting employees' names and predikat published, the rest of the group is the
      distribution minus those names. When everyone left shares one predikat (in particular when only
      one person is left: "all but one known") each of them is deducible (`dapat_disimpulkan`). The
      names are then withheld and the distribution alone is published, unless the whole group shares
      one predikat, where the distribution itself reveals everyone: then only the names (given with
      consent) are published.
    Nothing is withheld when everyone consented (nobody's result is unknown) or nobody was rated.
    """
    total = sum(counts.values())
    if total == 0:
        return True, True, None
    if total < min_size:
        return False, True, "kelompok_kecil"
    unknown = dict(counts)
    for predikat in known:
        unknown[predikat] = unknown.get(predikat, 0) - 1
    left = [p for p, n in unknown.items() if n > 0]
    if sum(max(n, 0) for n in unknown.values()) == 0 or len(left) > 1:
        return True, True, None
    if len([p for p, n in counts.items() if n > 0]) > 1:
        return True, False, "dapat_disimpulkan"
    return False, True, "dapat_disimpulkan"


def aggregate(session: Session, unit: Unit, tahun: int, min_size: int,
              final: dict[str, str] | None = None) -> dict[str, Any]:
    """Return the publishable aggregate of a group: counts, completion, consenting names, suppression."""
    skps = members(session, unit, tahun)
    counts = dict.fromkeys(PREDIKATS, 0)
    individual, rated = [], 0
    for member in _state(session, skps, tahun):
        predikat = (final or {}).get(member["nip"]) or member["predikat"]
        if predikat is None:
            continue
        rated += 1
        counts[predikat] += 1
        if member["setuju"]:
            individual.append({"nip": member["nip"], "nama": member["nama"], "predikat": predikat})
    show_counts, show_names, withheld = disclosure(counts, [i["predikat"] for i in individual], min_size)
    capaian = unit_rating(session, unit.id, tahun)
    return {"unit": unit.code, "tahun": tahun, "capaian_unit": capaian.capaian if capaian else None,
            "jumlah_pegawai": len(skps), "jumlah_dinilai": rated, "jumlah_belum_dinilai": len(skps) - rated,
            "distribusi": counts if show_counts else None, "individu": individual if show_names else [],
            "ditahan": withheld}


def latest_publication(session: Session, unit: Unit, tahun: int) -> Publication | None:
    """Return the group's latest publication of the year."""
    return session.execute(select(Publication).where(Publication.unit_id == unit.id, Publication.year == tahun)
                           .order_by(Publication.id.desc()).limit(1)).scalar_one_or_none()


def publish(session: Session, unit: Unit, tahun: int, actor: str, instance_id: int | None = None,
            final: dict[str, str] | None = None, min_size: int = MIN_KELOMPOK_PUBLIKASI) -> Publication:
    """Publish a new version of the group's aggregate; the audit event keeps the previous and the new one."""
    tahun = year(tahun)
    if isinstance(min_size, bool) or not isinstance(min_size, int) or min_size < 1:
        raise RecordInvalid(f"min_kelompok_publikasi must be a whole number of at least 1, not {min_size!r}")
    for predikat in (final or {}).values():
        one_of("predikat", predikat, PREDIKATS)
    before = latest_publication(session, unit, tahun)
    version = int(before.aggregate.get("versi", 1)) + 1 if before else 1
    content = {**aggregate(session, unit, tahun, min_size, final), "versi": version}
    publication = Publication(unit_id=unit.id, year=tahun, published_at=clock.now(), aggregate=content)
    session.add(publication)
    session.flush()
    note(session, "result_published", actor, instance_id, {
        "unit": unit.code, "tahun": tahun, "publication_id": publication.id, "versi": version,
        "individuals": len(content["individu"]), "ditahan": content["ditahan"],
        "sebelumnya": before.aggregate if before else None, "sesudah": content})
    return publication


def incomplete(session: Session, unit: Unit, tahun: int) -> list[str]:
    """Return why the group cannot be published yet (empty: every result is final)."""
    return _waiting(_state(session, members(session, unit, tahun), tahun))


def _waiting(state: list[dict[str, Any]]) -> list[str]:
    waiting = []
    for member in state:
        if member["predikat"] is None:
            waiting.append(f"{member['nip']}: belum ada predikat final")
        elif member["keberatan_terbuka"]:
            waiting.append(f"{member['nip']}: keberatan belum diputus")
        elif not member["jendela_ditutup"]:
            waiting.append(f"{member['nip']}: jendela keberatan belum ditutup")
    return waiting


def publish_if_complete(session: Session, unit: Unit, tahun: int, actor: str, instance_id: int | None = None,
                        min_size: int = MIN_KELOMPOK_PUBLIKASI) -> Publication | None:
    """Publish when every member has a final predikat and a closed window; republish only what changed."""
    if not members(session, unit, tahun) or incomplete(session, unit, tahun):
        return None
    before = latest_publication(session, unit, tahun)
    if before is not None:
        now = aggregate(session, unit, tahun, min_size)
        if now == {k: v for k, v in before.aggregate.items() if k != "versi"}:
            return None
    return publish(session, unit, tahun, actor, instance_id, min_size=min_size)
