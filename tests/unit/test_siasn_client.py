"""The SIASN connector's HTTP side against the stub in-process: OAuth2 client credentials with a
cached token, create and update, the stub's checks, and how failures are sorted (retry later or
refused with a reason)."""

import httpx
import pytest
from siasn_connector.settings import DEV_CLIENT_ID, DEV_CLIENT_SECRET
from siasn_connector.siasn import Refused, SiasnClient, TokenSource, Unreachable
from siasn_connector.stub import create_stub_app

BASE = "http://siasn.test"
NIP = "198503122010011002"
SKP = {
    "tahun": 2025,
    "pnsDinilaiOrang": NIP,
    "hasilKinerjaNilai": 2,
    "perilakuKerjaNilai": 2,
    "kuadranKinerjaNilai": 2,
    "penilaiNama": "Budi",
    "penilaiNipNrp": "197804052005012003",
    "penilaiGolongan": None,
    "penilaiJabatan": "Kepala Bidang",
    "penilaiUnorNama": "Bidang",
    "statusPenilai": "ASN",
}


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def stub():
    return create_stub_app(token_ttl=600)


@pytest.fixture
async def http(stub):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stub), base_url=BASE) as client:
        yield client


def make_client(http, clock=None, secret=DEV_CLIENT_SECRET, method="client_secret_basic") -> SiasnClient:
    tokens = TokenSource(http, f"{BASE}/oauth/token", DEV_CLIENT_ID, secret, auth_method=method, clock=clock or Clock())
    return SiasnClient(http, BASE, tokens)


async def test_one_token_serves_many_calls_until_it_expires(stub, http):
    clock = Clock()
    client = make_client(http, clock)
    for i in range(3):
        await client.create("skp22", SKP, f"key-{i}")
    assert client.tokens.fetched == 1
    clock.now += 600  # past expiry (less the margin)
    await client.create("skp22", SKP, "key-9")
    assert client.tokens.fetched == 2
    assert stub.state.stub.stats["tokens"] == 2


async def test_the_token_is_asked_with_the_client_credentials_in_the_form_too(stub, http):
    client = make_client(http, method="client_secret_post")
    assert (await client.create("skp22", SKP, "k")).created


async def test_a_revoked_token_is_renewed_once(stub, http):
    client = make_client(http)
    await client.create("skp22", SKP, "a")
    stub.state.stub.tokens.clear()
    await client.create("skp22", SKP, "b")
    assert client.tokens.fetched == 2


async def test_wrong_credentials_keep_the_record_for_later(http):
    client = make_client(http, secret="wrong")
    with pytest.raises(Unreachable, match="401.*invalid_client"):
        await client.create("skp22", SKP, "k")


async def test_create_then_update_keeps_one_record(stub, http):
    client = make_client(http)
    made = await client.create("skp22", SKP, "record-1")
    assert made.created
    await client.update("skp22", made.siasn_id, SKP | {"kuadranKinerjaNilai": 1})
    held = stub.state.stub.records["skp22"]
    assert list(held) == [made.siasn_id]
    assert held[made.siasn_id].data["kuadranKinerjaNilai"] == 1 and held[made.siasn_id].writes == 2


async def test_the_same_idempotency_key_creates_nothing_new(stub, http):
    client = make_client(http)
    first = await client.create("skp22", SKP, "record-1")
    again = await client.create("skp22", SKP, "record-1")
    assert again.siasn_id == first.siasn_id and not again.created
    assert len(stub.state.stub.records["skp22"]) == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"hasilKinerjaNilai": 4}, "hasilKinerjaNilai", "a code 1-3"),
        ({"kuadranKinerjaNilai": 0}, "kuadranKinerjaNilai", "a code 1-5"),
        ({"tahun": None}, "tahun", "required"),
        ({"statusPenilai": "PNS"}, "statusPenilai", "ASN or NON ASN"),
        ({"penilaiNipNrp": "12-34"}, "penilaiNipNrp", "a NIP or NRP (8-18 digits)"),
        ({"perilakuKerjaNilai": True}, "perilakuKerjaNilai", "a code 1-3"),
        ({"nilaiTambahan": 1}, "nilaiTambahan", "unknown field"),
    ],
)
async def test_the_stub_refuses_a_wrong_field_with_its_name(http, change, field, message):
    client = make_client(http)
    with pytest.raises(Refused) as refused:
        await client.create("skp22", SKP | change, "k")
    assert f"(422): {field}: {message}" in str(refused.value)


async def test_a_missing_field_is_refused(http):
    client = make_client(http)
    body = {k: v for k, v in SKP.items() if k != "penilaiGolongan"}
    with pytest.raises(Refused, match="penilaiGolongan: required"):
        await client.create("skp22", body, "k")


async def test_a_periodik_record_needs_its_period(http):
    client = make_client(http)
    periodik = SKP | {
        "periodikId": 2,
        "bulanMulaiPenilaian": 4,
        "bulanSelesaiPenilaian": 6,
        "tahunMulaiPenilaian": 2025,
        "tahunSelesaiPenilaian": 2025,
        "koefisienId": None,
        "pnsDinilaiId": NIP,
    }
    assert (await client.create("kinerja-periodik", periodik, "p")).created
    with pytest.raises(Refused, match="periodikId: a code 1-2"):
        await client.create("kinerja-periodik", periodik | {"periodikId": 3}, "q")
    with pytest.raises(Refused, match="bulanSelesaiPenilaian: not before"):
        await client.create("kinerja-periodik", periodik | {"bulanMulaiPenilaian": 7}, "r")


async def test_a_kursus_record_needs_its_hours_and_dates(http):
    client = make_client(http)
    kursus = {
        "pnsOrangId": NIP,
        "jenisDiklatId": None,
        "institusiPenyelenggara": None,
        "nomorSertipikat": None,
        "tahunKursus": 2026,
        "jumlahJam": 16,
        "namaKursus": "Pelatihan",
        "tanggalKursus": None,
        "tanggalSelesaiKursus": "12-03-2026",
    }
    assert (await client.create("kursus", kursus, "k")).created
    with pytest.raises(Refused, match="jumlahJam"):
        await client.create("kursus", kursus | {"jumlahJam": 0}, "l")
    with pytest.raises(Refused, match="tanggalSelesaiKursus: a date dd-mm-yyyy"):
        await client.create("kursus", kursus | {"tanggalSelesaiKursus": "2026-03-12"}, "m")


async def test_an_outage_is_not_the_records_fault(stub, http):
    client = make_client(http)
    await http.post("/admin/mode", json={"fail": True})
    with pytest.raises(Unreachable, match="503"):
        await client.create("skp22", SKP, "k")
    await http.post("/admin/mode", json={"fail": False, "fail_next": 1, "status": 429})
    with pytest.raises(Unreachable, match="429"):
        await client.create("skp22", SKP, "k")
    assert (await client.create("skp22", SKP, "k")).created


async def test_an_update_of_a_record_siasn_does_not_hold_is_refused(http):
    client = make_client(http)
    with pytest.raises(Refused, match="404"):
        await client.update("skp22", "no-such-id", SKP)


async def test_siasn_not_answering_is_unreachable():
    def refuse(request):
        raise httpx.ConnectError("refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as http:
        with pytest.raises(Unreachable, match="token endpoint not reached: ConnectError"):
            await make_client(http).create("skp22", SKP, "k")


async def test_records_need_a_token(http):
    assert (await http.get("/skp22")).status_code == 401
    assert (await http.post("/skp22", json=SKP)).status_code == 401
