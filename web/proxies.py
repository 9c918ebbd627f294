"""The client's address behind reverse proxies that are trusted by name, and only then.

``X-Forwarded-For`` is a header anyone can send. It is read only when the request's peer is
one of the proxies listed in ``ZHUCUN_TRUSTED_PROXIES`` (addresses or networks, comma
separated; none by default): the list is then walked from its right end, each trusted proxy
skipped, and the first address that is not a trusted proxy is the client. Reached directly,
the header is ignored, so the failed-login limit, which counts by address, cannot be dodged
by sending a new address with each try. ``X-Forwarded-Proto`` is taken from trusted proxies
only, as well.

werkzeug's ``ProxyFix`` trusts a fixed number of hops whoever the peer is; this keeps its
way of passing the result on (``REMOTE_ADDR``, the original in ``werkzeug.proxy_fix.orig``)
and adds the check of who the peer is, with the standard library's ``ipaddress``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from domain.errors import InvalidInputError

SETTING = "ZHUCUN_TRUSTED_PROXIES"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(text: str) -> list[Network]:
    """``"127.0.0.1, 10.0.0.0/8"`` -> networks; a bad entry is refused by name."""
    networks: list[Network] = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise InvalidInputError(
                SETTING,
                f"受信任的代理 {SETTING} 中的 {item!r} 不是地址或网段（如 127.0.0.1、10.0.0.0/8）",
                f"{item!r} in {SETTING} is not an address or a network "
                "(e.g. 127.0.0.1, 10.0.0.0/8)",
            ) from None
    return networks


def _address(text: str) -> Address | None:
    try:
        found = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped
    return found


class TrustedProxies:
    """WSGI middleware: the client's address as the trusted proxies pass it on."""

    def __init__(self, app: Any, networks: Iterable[Network]) -> None:
        self.app = app
        self.networks = list(networks)

    def trusted(self, address: Address | None) -> bool:
        return address is not None and any(address in n for n in self.networks)

    def client(self, peer: str, forwarded_for: str) -> str:
        """The client's address for a request from ``peer`` carrying ``forwarded_for``."""
        here = _address(peer)
        if not self.trusted(here):
            return peer
        client = peer
        for hop in reversed([h for h in forwarded_for.split(",") if h.strip()]):
            found = _address(hop)
            if found is None:
                break  # not an address: nothing further left can be believed
            client = str(found)
            if not self.trusted(found):
                break
        return client

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        peer = environ.get("REMOTE_ADDR", "")
        if self.networks and self.trusted(_address(peer)):
            environ["werkzeug.proxy_fix.orig"] = {
                "REMOTE_ADDR": peer,
                "wsgi.url_scheme": environ.get("wsgi.url_scheme"),
            }
            environ["REMOTE_ADDR"] = self.client(peer, environ.get("HTTP_X_FORWARDED_FOR", ""))
            proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                environ["wsgi.url_scheme"] = proto
        return self.app(environ, start_response)
