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
STAFF = LinkTargets(False, appraiser_nip=KABID, approved_rhk_ids=frozenset({"kabid-1"}),
                    unapproved_rhk_ids=frozenset({"kabid-draft"}))


def test_links_that_hold():
    check_links((row(iku="iku-1"), row("r2", RhkKind.TAMBAHAN)), HEAD, complete=True)
    check_links((row(supports="kabid-1"), row("r2", RhkKind.TAMBAHAN, supports="kabid-1")), STAFF, complete=True)
    check_links((row(),), STAFF, complete=False)  # a draft may still lack its link


@pytest.mark.parametrize(
    ("rows", "targets", "reason", "link"),
    [
        ((row(supports="nowhere"),), STAFF, "does not exist in the appraiser's approved SKP", {"supports_rhk_id": "nowhere"}),
        ((row(supports="kabid-draft"),), STAFF, "not approved", {"supports_rhk_id": "kabid-draft"}),
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
    rows = [r("kadis-1", KADIS, iku="iku-1"), r("kadis-2", KADIS, iku="iku-other"), r("kabid-1", KABID, "kadis-1"),
            r("staf-1", STAF, "kabid-1"), r("staf-2", STAF, "kabid-1"), r("loop-a", STAF, "loop-b"),
            r("loop-b", STAF, "loop-a")]
    tree = cascade_tree(iku, rows)
    assert (tree["iku_id"], tree["code"]) == ("iku-1", "IKU-1")
    [head] = tree["rhk"]
    assert (head["rhk_id"], head["nip"], head["skp_status"]) == ("kadis-1", KADIS, "approved")
    [manager] = head["supported_by"]
    assert manager["rhk_id"] == "kabid-1"
    assert [s["rhk_id"] for s in manager["supported_by"]] == ["staf-1", "staf-2"]
    assert all(s["supported_by"] == [] for s in manager["supported_by"])
