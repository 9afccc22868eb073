"""A zone's records from a BIND export, as Cloudflare's dashboard writes it (DNS > Records > Export).

The export holds no record ids, and marks proxied records with a comment (`; cf_tags=cf-proxied:true`),
which dnspython drops, so that comment is read per line. Records with TTL 1 are Cloudflare's "automatic".
"""

from __future__ import annotations

import re
from pathlib import Path

import dns.exception
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.zone

from launchready.adopt.model import AdoptError, LiveRecord, LiveZone
from launchready.adopt.records import fqdn

_PROXIED = re.compile(r";.*cf_tags=[^\s]*cf-proxied:true", re.IGNORECASE)
_ORIGIN = re.compile(r"^\s*\$ORIGIN\s+(\S+)", re.IGNORECASE | re.MULTILINE)
_DOMAIN_HEADER = re.compile(r"^;;\s*Domain:\s+(\S+)", re.IGNORECASE | re.MULTILINE)  # Cloudflare's export
_SOA_OWNER = re.compile(r"^(\S+)\s+(?:\d+\s+)?(?:IN\s+)?SOA\s", re.IGNORECASE | re.MULTILINE)


def _content(rdtype: str, rdata: object) -> tuple[str, int | None]:
    text = rdata.to_text()  # type: ignore[attr-defined]
    if rdtype == "MX":
        return fqdn(str(rdata.exchange)), int(rdata.preference)  # type: ignore[attr-defined]
    if rdtype == "SRV":
        target = fqdn(str(rdata.target))  # type: ignore[attr-defined]
        return f"{rdata.weight} {rdata.port} {target}", int(rdata.priority)  # type: ignore[attr-defined]
    if rdtype == "TXT":
        return "".join(s.decode("utf-8", "replace") for s in rdata.strings), None  # type: ignore[attr-defined]
    if rdtype in ("CNAME", "NS", "PTR"):
        return fqdn(text), None
    return text, None


def _proxied_keys(text: str, origin: str) -> set[tuple[str, str, str]]:
    """(name, type, content) of every line tagged cf-proxied:true."""
    keys: set[tuple[str, str, str]] = set()
    for line in text.splitlines():
        if not _PROXIED.search(line):
            continue
        body = line.split(";", 1)[0].strip()
        try:
            one = dns.zone.from_text(f"$ORIGIN {origin}.\n{body}\n", origin=origin, relativize=False,
                                     check_origin=False)
        except (dns.exception.DNSException, ValueError):
            continue
        for name, rdataset in one.iterate_rdatasets():
            rdtype = dns.rdatatype.to_text(rdataset.rdtype)
            for rdata in rdataset:
                keys.add((fqdn(name.to_text()), rdtype, _content(rdtype, rdata)[0]))
    return keys


def _absolute_names(text: str, origin: str) -> str:
    """Cloudflare writes some owner names without the final dot (its SOA line does): make those absolute, so
    `example.com` is not read as `example.com.example.com`. SOA lines are dropped (adopt never uses them)."""
    out = []
    for line in text.splitlines():
        body = line.split(";", 1)[0]
        tokens = body.split()
        if len(tokens) >= 4 and "SOA" in (t.upper() for t in tokens[1:4]):
            continue
        first = tokens[0] if tokens and not line[:1].isspace() and not tokens[0].startswith("$") else ""
        name = first.lower()
        if first and not first.endswith(".") and (name == origin or name.endswith("." + origin)):
            line = line.replace(first, first + ".", 1)
        out.append(line)
    return "\n".join(out) + "\n"


def _origin(text: str, path: Path, domain: str) -> str:
    for pattern in (_ORIGIN, _DOMAIN_HEADER, _SOA_OWNER):
        found = pattern.search(text)
        if found and found.group(1) != "@":
            return fqdn(found.group(1))
    # No $ORIGIN, header or SOA: the names are absolute, so the stack's domain serves as the origin.
    return domain


def read_zone_file(path: Path, zone_id: str, domain: str) -> LiveZone:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AdoptError(f"--zone-file {path}: cannot read it ({exc.strerror})") from None
    origin = _origin(text, path, domain)
    text = _absolute_names(text, origin)
    try:
        zone = dns.zone.from_text(text, origin=origin, relativize=False, check_origin=False)
    except dns.exception.SyntaxError as exc:
        raise AdoptError(f"--zone-file {path}: not a BIND zone file: {exc}. Export it from the Cloudflare "
                         "dashboard (DNS > Records > Import and Export > Export)") from None
    except (dns.exception.DNSException, ValueError) as exc:
        raise AdoptError(f"--zone-file {path}: cannot be read as a zone: {exc}") from None
    proxied = _proxied_keys(text, origin)
    records: list[LiveRecord] = []
    for name, rdataset in zone.iterate_rdatasets():
        if rdataset.rdclass != dns.rdataclass.IN:
            continue
        rdtype = dns.rdatatype.to_text(rdataset.rdtype)
        for rdata in rdataset:
            content, priority = _content(rdtype, rdata)
            owner = fqdn(name.to_text())
            data = None
            if rdtype == "CAA":
                data = {"flags": int(rdata.flags), "tag": rdata.tag.decode(), "value": rdata.value.decode()}
            records.append(LiveRecord(id=None, name=owner, type=rdtype, content=content,
                                      proxied=(owner, rdtype, content) in proxied, ttl=int(rdataset.ttl),
                                      priority=priority, data=data))
    if not records:
        raise AdoptError(f"--zone-file {path}: holds no records")
    return LiveZone(zone_id=zone_id, name=origin, source="zone-file", records=records)
