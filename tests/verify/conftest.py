"""Fixtures for the verifier's tests: the site of tests/fixtures/site.py (DNS, knot, HTTP/HTTPS on loopback)."""

from tests.fixtures.site import _fresh_checkdmarc, dead_dns, dns_server, knot, resolver, web, web_session

__all__ = ["_fresh_checkdmarc", "dead_dns", "dns_server", "knot", "resolver", "web", "web_session"]
