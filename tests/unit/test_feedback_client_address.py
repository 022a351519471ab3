"""Who a public survey request comes from: X-Forwarded-For is read only when the socket peer
is a configured proxy, and then the right-most address that is not one of ours is the client."""

from ipaddress import ip_network

from feedback_service.entrypoints.client_address import client_address
from feedback_service.settings import SurveySettings

PROXIES = [ip_network("10.0.0.0/24"), ip_network("fd00::/64")]


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_address("198.51.100.7", ["203.0.113.9"], []) == "198.51.100.7"


def test_a_header_from_an_untrusted_peer_is_ignored():
    assert client_address("198.51.100.7", ["203.0.113.9"], PROXIES) == "198.51.100.7"


def test_from_a_trusted_proxy_the_address_it_appended_is_the_client():
    assert client_address("10.0.0.7", ["203.0.113.9"], PROXIES) == "203.0.113.9"


def test_what_the_client_wrote_itself_stands_left_and_is_never_reached():
    forged = ["1.2.3.4, 5.6.7.8, 203.0.113.9"]
    assert client_address("10.0.0.7", forged, PROXIES) == "203.0.113.9"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right():
    assert client_address("10.0.0.7", ["203.0.113.9, 10.0.0.8", "10.0.0.9"], PROXIES) == "203.0.113.9"


def test_every_hop_a_proxy_or_no_header_falls_back_to_the_furthest_known():
    assert client_address("10.0.0.7", ["10.0.0.8, 10.0.0.9"], PROXIES) == "10.0.0.8"
    assert client_address("10.0.0.7", [], PROXIES) == "10.0.0.7"


def test_ports_brackets_and_ipv4_mapped_addresses_are_read_as_addresses():
    assert client_address("10.0.0.7", ["203.0.113.9:5123"], PROXIES) == "203.0.113.9"
    assert client_address("10.0.0.7", ["[2001:db8::1]:443"], PROXIES) == "2001:db8::/64"
    assert client_address("::ffff:10.0.0.7", ["203.0.113.9"], PROXIES) == "203.0.113.9"


def test_an_ipv6_client_is_counted_by_its_slash_64():
    assert client_address("2001:db8:1:2::a", [], PROXIES) == client_address("2001:db8:1:2::b", [], PROXIES)
    assert client_address("2001:db8:1:2::a", [], PROXIES) != client_address("2001:db8:1:3::a", [], PROXIES)


def test_garbage_in_the_header_is_a_client_key_of_its_own_bounded():
    assert client_address("10.0.0.7", ["unknown"], PROXIES) == "unknown"
    assert len(client_address("10.0.0.7", ["x" * 10_000], PROXIES)) == 64
    assert client_address(None, [], PROXIES) == "unknown"


def test_trusted_proxies_are_read_comma_separated_from_the_environment(monkeypatch):
    monkeypatch.setenv("SURVEY_TRUSTED_PROXIES", "10.0.0.7, 192.168.1.0/24,::1")
    assert [str(n) for n in SurveySettings().trusted_proxies] == ["10.0.0.7/32", "192.168.1.0/24", "::1/128"]
    monkeypatch.delenv("SURVEY_TRUSTED_PROXIES")
    assert SurveySettings().trusted_proxies == [], "none by default: X-Forwarded-For is never read"
