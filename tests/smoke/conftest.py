"""Fixtures for smoke's tests: the site of tests/fixtures/site.py (DNS and HTTPS on loopback)."""

from tests.fixtures.site import _fresh_checkdmarc, dead_dns, dns_server, resolver, web, web_session

__all__ = ["_fresh_checkdmarc", "dead_dns", "dns_server", "resolver", "web", "web_session"]
