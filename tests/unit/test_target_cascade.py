import pytest
from kinerja_contracts.vocabulary import Aspect, RhkKind
from target_service.domain.cascade import BrokenLink, CascadeRow, LinkTargets, cascade_tree, check_links
from target_service.domain.iku import Iku
from target_service.domain.rhk import Indikator, RencanaHasilKerja

KADIS, KABID, STAF = "197001011995031001", "197801012005011001", "198503122010012002"
IKI = (Indikator("i1", Aspect.KUANTITAS, "Dokumen", 12, "dokumen", True),)


def row(rhk_id="r1", kind=RhkKind.UTAMA, supports=None, iku=None):
    return RencanaHasilKerja(rhk_id, kind, f"Hasil {rhk_id}", IKI, supports, iku)


HEAD = LinkTargets(True, iku_ids=frozenset({"iku-1"}))
STAFF = LinkTargets(False, approved_rhk_ids=frozenset({"kabid-1"}))


def test_links_that_hold():
    check_links((row(iku="iku-1"), row("r2", RhkKind.TAMBAHAN)), HEAD, complete=True)
    check_links((row(supports="kabid-1"), row("r2", RhkKind.TAMBAHAN, supports="kabid-1")), STAFF, complete=True)
    check_links((row(),), STAFF, complete=False)  # a draft may still lack its link


@pytest.mark.parametrize(
    ("rows", "targets", "reason", "link"),
    [
        (
            (row(supports="nowhere"),),
            STAFF,
            "does not exist in the appraiser's approved SKP",
            {"supports_rhk_id": "nowhere"},
        ),
        # A draft of the appraiser's is refused exactly like nothing: the employee learns nothing of it.
        (
            (row(supports="kabid-draft"),),
            STAFF,
            "does not exist in the appraiser's approved SKP",
            {"supports_rhk_id": "kabid-draft"},
        ),
        ((row(iku="iku-1"),), STAFF, "only the head of agency", {"iku_id": "iku-1"}),
        ((row(iku="iku-9"),), HEAD, "not an IKU of this period", {"iku_id": "iku-9"}),
        ((row(supports="kabid-1"),), HEAD, "serves an IKU", {"supports_rhk_id": "kabid-1"}),
    ],
)
def test_a_dangling_link_is_refused_naming_the_rhk_and_the_link(rows, targets, reason, link):
    for complete in (False, True):
        with pytest.raises(BrokenLink, match=reason) as caught:
            check_links(rows, targets, complete)
        assert caught.value.details == {"rhk": {"position": 1, "rhk_id": "r1", "description": "Hasil r1"}, "link": link}


def test_submitting_needs_every_rhk_utama_linked_but_not_tambahan():
    with pytest.raises(BrokenLink, match="RHK 2 .* must name the approved RHK"):
        check_links((row(supports="kabid-1"), row("r2")), STAFF, complete=True)
    with pytest.raises(BrokenLink, match="must name the IKU"):
        check_links((row(),), HEAD, complete=True)
    check_links((row(supports="kabid-1"), row("r2", RhkKind.TAMBAHAN)), STAFF, complete=True)


def test_cascade_tree_nests_iku_head_manager_staff_and_cuts_loops():
    def r(rhk_id, nip, supports=None, iku=None):
        return CascadeRow(rhk_id, "utama", rhk_id, supports, iku, nip, nip[-3:], f"skp-{nip}", "approved", 1)

    iku = Iku("iku-1", "p1", "IKU-1", "Waktu respon pengaduan", 14, "hari", False)
    rows = [
        r("kadis-1", KADIS, iku="iku-1"),
        r("kadis-2", KADIS, iku="iku-other"),
        r("kabid-1", KABID, "kadis-1"),
        r("staf-1", STAF, "kabid-1"),
        r("staf-2", STAF, "kabid-1"),
        r("loop-a", STAF, "loop-b"),
        r("loop-b", STAF, "loop-a"),
    ]
    tree = cascade_tree(iku, rows)
    assert (tree["iku_id"], tree["code"]) == ("iku-1", "IKU-1")
    [head] = tree["rhk"]
    assert (head["rhk_id"], head["nip"], head["skp_status"]) == ("kadis-1", KADIS, "approved")
    [manager] = head["supported_by"]
    assert manager["rhk_id"] == "kabid-1"
    assert [s["rhk_id"] for s in manager["supported_by"]] == ["staf-1", "staf-2"]
    assert all(s["supported_by"] == [] for s in manager["supported_by"])


# --- who sees which plans (issue 8) -----------------------------------------------------------
KABID_2, STAF_2, STAF_3 = "197902022006041002", "199001012015012001", "199202022016021002"
ATASAN = "196505051990031002"  # the Kepala Dinas's appraiser, outside the agency
APPRAISERS = {KADIS: ATASAN, KABID: KADIS, KABID_2: KADIS, STAF: KABID, STAF_2: KABID, STAF_3: KABID_2}


def test_the_reporting_line_is_everyone_above_and_below_and_never_a_colleague_beside():
    from target_service.domain.cascade import reporting_line

    assert reporting_line(STAF, APPRAISERS) == {STAF, KABID, KADIS, ATASAN}
    assert reporting_line(KABID, APPRAISERS) == {KABID, KADIS, ATASAN, STAF, STAF_2}
    assert reporting_line(KADIS, APPRAISERS) == {KADIS, ATASAN, *APPRAISERS}
    assert reporting_line("198808082012121002", APPRAISERS) == {"198808082012121002"}  # not on the roster
    assert reporting_line(STAF, {STAF: KABID, KABID: STAF}) == {STAF, KABID}  # a loop in the roster ends


def test_a_reader_sees_approved_plans_of_their_line_and_drafts_only_as_owner_appraiser_or_hr():
    from target_service.domain.cascade import CascadeReader, reporting_line
    from target_service.domain.skp import Skp, SkpStatus, SkpVersion

    def skp(nip, *statuses):
        return Skp(
            f"skp-{nip}",
            "a1",
            "p1",
            nip,
            [SkpVersion(n, (row(f"{nip}-{n}"),), status) for n, status in enumerate(statuses, start=1)],
        )

    approved, draft = skp(KABID, SkpStatus.APPROVED), skp(STAF, SkpStatus.SUBMITTED)
    revising = skp(KADIS, SkpStatus.APPROVED, SkpStatus.DRAFT)
    colleague = skp(STAF_2, SkpStatus.APPROVED)

    def shown(reader_nip, s, is_hr=False):
        reader = CascadeReader(reader_nip, is_hr, frozenset() if is_hr else reporting_line(reader_nip, APPRAISERS))
        version = reader.version_shown(s, APPRAISERS.get(s.nip))
        return version.number if version else None

    assert shown(STAF, approved) == 1 and shown(STAF, revising) == 1  # above: what is in force, not the revision
    assert shown(STAF, colleague) is None  # beside: nothing, approved or not
    assert shown(STAF, draft) == 1 and shown(KABID, draft) == 1  # the owner and the appraiser see a draft
    assert shown(KADIS, draft) is None  # two levels up: only once it is approved
    assert shown(KADIS, revising) == 1  # the owner sees the version in force first (the revision in their SKP)
    assert shown("198808082012121002", draft, is_hr=True) == 1 and shown("198808082012121002", colleague, True) == 1
    assert shown(KABID_2, approved) is None
