"""A head of unit's proposal takes the unit's result, its members' inputs read a slice at a
time (an agency head's unit is the whole agency): the result is the same whatever the slice."""

import pytest
from appraisal_fakes import FakeAppraisalUnitOfWork
from appraisal_service.service_layer import appraise
from appraisal_service.service_layer.appraise import propose_appraisal, propose_many

AGENCY, PERIOD = "dinas-a", "2025"
KADIS, SITI, ANI, RINA, DEDI = (f"19{i:016d}" for i in range(1, 6))


def one_iki(target: float) -> list[dict]:
    iki = {"iki_id": "iki-1", "aspect": "kuantitas", "description": "Berkas", "target": target, "unit": "berkas"}
    return [
        {"rhk_id": "rhk-1", "kind": "utama", "description": "Layanan", "indikator": [{**iki, "higher_is_better": True}]}
    ]


@pytest.fixture
def uow() -> FakeAppraisalUnitOfWork:
    """Kadis heads the dinas and its bidang: Siti (120 %) and Ani (100 %) in the bidang, Rina
    (80 %) in the dinas itself, Dedi with no SKP; Kadis's own capaian is 50 %."""
    uow = FakeAppraisalUnitOfWork()
    uow.roster.add_period(AGENCY, PERIOD, 2025)
    uow.roster.add_unit(AGENCY, "dinas", head_nip=KADIS)
    uow.roster.add_unit(AGENCY, "bidang", parent_unit_id="dinas")
    for nip, unit_id, done in (
        (KADIS, "dinas", 50.0),
        (SITI, "bidang", 120.0),
        (ANI, "bidang", 100.0),
        (RINA, "dinas", 80.0),
        (DEDI, "bidang", None),
    ):
        uow.roster.add_employee(AGENCY, nip, unit_id=unit_id, appraiser_nip=None if nip == KADIS else KADIS)
        if done is not None:
            target = uow.projections.add_target(AGENCY, PERIOD, nip, one_iki(100.0))
            uow.projections.add_realization(target.skp_id, "iki-1", done)
    return uow


def reads_counted(uow, monkeypatch) -> list[int]:
    """The number of employees of each read of targets, as the fake's reads happen."""
    reads, targets_of = [], uow.projections.targets_of

    async def counted(keys):
        keys = list(keys)
        reads.append(len(keys))
        return await targets_of(keys)

    monkeypatch.setattr(uow.projections, "targets_of", counted)
    return reads


@pytest.mark.parametrize("members_per_read", [1, 2, 1000])
async def test_the_unit_result_is_the_same_whatever_the_slice(uow, monkeypatch, members_per_read):
    monkeypatch.setattr(appraise, "MEMBERS_PER_READ", members_per_read)
    reads = reads_counted(uow, monkeypatch)

    made = await propose_appraisal(uow, AGENCY, PERIOD, KADIS)

    # Kadis's own SKP, then the four other members of the dinas a slice at a time (his own
    # inputs, read for his proposal, are not read again).
    assert reads[0] == 1 and sum(reads[1:]) == 4 and max(reads[1:]) <= members_per_read

    unit = (await uow.appraisals.get(AGENCY, made["appraisal_id"])).explanation["hasil_kerja"]["unit"]
    assert unit["capaian"] == 100.0 and unit["unit_ids"] == ["bidang", "dinas"]
    assert sorted((m["nip"], m["average_capaian_utama"]) for m in unit["members"]) == [
        (SITI, 120.0),
        (ANI, 100.0),
        (RINA, 80.0),
    ]


async def test_a_batch_holding_the_unit_reads_no_member_again(uow, monkeypatch):
    """At a close an agency head's batch is most of the agency: members in it are scored from
    the batch's own inputs, with no second read."""
    reads = reads_counted(uow, monkeypatch)
    everyone = [(AGENCY, PERIOD, nip) for nip in (KADIS, SITI, ANI, RINA, DEDI)]

    async with uow:
        made = await propose_many(uow, everyone)

    assert reads == [5]
    kadis = await uow.appraisals.get(AGENCY, made.created[AGENCY, PERIOD, KADIS])
    assert kadis.explanation["hasil_kerja"]["unit"]["capaian"] == 100.0
