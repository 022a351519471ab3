"""Who a public request comes from, as far as the rate limits are concerned.

Behind an ingress every request's socket peer is the ingress, so the client must be read from
``X-Forwarded-For``; but anyone can write that header, so it is read only when the peer is one
of the configured proxies, and then from the right: each trusted proxy appends the address it
saw, so the right-most address that is not a trusted proxy is the client (what a client wrote
itself stands further left and is never reached)."""

from collections.abc import Sequence
from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address

from feedback_service.settings import Network

# An unparseable hop is kept as the key, bounded: it is hashed before it is stored anyway.
MAX_RAW_HOP = 64


def _parsed(hop: str) -> IPv4Address | IPv6Address | None:
    hop = hop.strip()
    candidates = [hop]
    if hop.startswith("[") and "]" in hop:  # "[2001:db8::1]:443"
        candidates.append(hop[1 : hop.index("]")])
    elif hop.count(":") == 1:  # "203.0.113.5:5123"
        candidates.append(hop.split(":")[0])
    for candidate in candidates:
        try:
            found = ip_address(candidate)
        except ValueError:
            continue
        mapped = getattr(found, "ipv4_mapped", None)
        return mapped or found
    return None


def _is_trusted(address: IPv4Address | IPv6Address | None, trusted: Sequence[Network]) -> bool:
    return address is not None and any(address in network for network in trusted)


def _identity(hop: str, address: IPv4Address | IPv6Address | None) -> str:
    """The client's key: its address; for IPv6 its /64, which one subscriber usually holds whole
    (rotating addresses inside it must not buy a fresh budget)."""
    if address is None:
        return hop.strip()[:MAX_RAW_HOP] or "unknown"
    if isinstance(address, IPv6Address):
        return str(IPv6Network(f"{address}/64", strict=False))
    return str(address)


def client_address(peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[Network]) -> str:
    """The client of a request whose socket peer is ``peer`` and whose ``X-Forwarded-For``
    headers (all of them, in order) are ``forwarded_for``."""
    peer_address = _parsed(peer) if peer else None
    if not _is_trusted(peer_address, trusted):
        return _identity(peer or "unknown", peer_address)
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _parsed(hop)
        if not _is_trusted(address, trusted):
            return _identity(hop, address)
    # Every hop is one of our proxies (or none was written): the furthest one known stands in.
    first = hops[0] if hops else peer
    return _identity(first, _parsed(first))
