"""TLS checks: `tls.certificate` (trusted chain, hostname, validity), `tls.expiry`, `tls.versions`.

The stdlib `ssl` module verifies (it does not fetch missing intermediates, so an incomplete chain fails
as it does in many clients); `cryptography` only parses. Version probes pin one protocol version per
handshake, with OpenSSL's security level lowered so this machine can still offer TLS 1.0 and 1.1.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import ssl
import warnings
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID

from launchready.probe.model import CheckResult, fail, passed, warn
from launchready.probe.resolver import Resolver

EXPIRY_WARN_DAYS = 30
EXPIRY_FAIL_DAYS = 14
LEGACY_VERSIONS = (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1)
MODERN_VERSIONS = (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3)
VERSION_NAMES = {
    ssl.TLSVersion.TLSv1: "TLSv1.0",
    ssl.TLSVersion.TLSv1_1: "TLSv1.1",
    ssl.TLSVersion.TLSv1_2: "TLSv1.2",
    ssl.TLSVersion.TLSv1_3: "TLSv1.3",
}


@dataclass
class Handshake:
    ok: bool
    version: str | None = None
    leaf_der: bytes | None = None
    chain_length: int | None = None
    error: str | None = None
    verify_error: bool = False


async def handshake(ip: str, port: int, host: str, ctx: ssl.SSLContext, timeout: float) -> Handshake:
    writer = None
    try:
        async with asyncio.timeout(timeout):
            _reader, writer = await asyncio.open_connection(
                ip, port, ssl=ctx, server_hostname=host, ssl_handshake_timeout=timeout
            )
            sslobj = writer.get_extra_info("ssl_object")
            version = sslobj.version() if sslobj else None
            der = sslobj.getpeercert(binary_form=True) if sslobj else None
            chain = None
            inner = getattr(sslobj, "_sslobj", None)  # Python 3.11: the served chain is only reachable here
            if inner is not None and hasattr(inner, "get_unverified_chain"):
                try:
                    chain = len(inner.get_unverified_chain() or [])
                except Exception:  # informational only
                    chain = None
            return Handshake(True, version, der, chain)
    except ssl.SSLCertVerificationError as exc:
        return Handshake(False, error=exc.verify_message or str(exc), verify_error=True)
    except ssl.SSLError as exc:
        return Handshake(False, error=exc.reason or str(exc))
    except TimeoutError:
        return Handshake(False, error=f"no TLS handshake within {timeout:g}s")
    except ConnectionRefusedError:
        return Handshake(False, error="connection refused")
    except OSError as exc:
        return Handshake(False, error=exc.strerror or str(exc))
    finally:
        if writer is not None:
            writer.close()
            try:
                async with asyncio.timeout(1):
                    await writer.wait_closed()
            except (TimeoutError, OSError, ssl.SSLError):
                pass


@functools.lru_cache(maxsize=8)
def verifying_context(ca_bundle: str | None) -> ssl.SSLContext:
    """Built once per CA bundle: loading the system trust store costs ~25 ms, a handshake much less."""
    ctx = ssl.create_default_context()
    if ca_bundle:
        ctx.load_verify_locations(cafile=ca_bundle)
    return ctx


@functools.lru_cache(maxsize=8)
def probing_context(version: ssl.TLSVersion | None = None) -> ssl.SSLContext:
    """A non-verifying context, optionally pinned to one version; built once per version (contexts are
    shared read-only by every handshake of the run)."""
    return _probing_context(version)


def _probing_context(version: ssl.TLSVersion | None) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if version is not None:
        with warnings.catch_warnings():  # pinning TLS 1.0/1.1 is deprecated, and exactly what a probe needs
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.minimum_version = version
            ctx.maximum_version = version
        if version in LEGACY_VERSIONS:
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    return ctx


def describe_certificate(der: bytes) -> dict[str, Any]:
    cert = x509.load_der_x509_certificate(der)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = [str(n) for n in san.get_values_for_type(x509.DNSName)]
    except x509.ExtensionNotFound:
        names = []
    subject = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    issuer = cert.issuer.get_attributes_for_oid(NameOID.COMMON_NAME) or cert.issuer.get_attributes_for_oid(
        NameOID.ORGANIZATION_NAME
    )
    key = cert.public_key()
    org = cert.issuer.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return {
        "issuer_organization": str(org[0].value) if org else None,
        "subject": str(subject[0].value) if subject else cert.subject.rfc4514_string(),
        "issuer": str(issuer[0].value) if issuer else cert.issuer.rfc4514_string(),
        "names": names,
        "not_before": cert.not_valid_before_utc.isoformat(),
        "not_after": cert.not_valid_after_utc.isoformat(),
        "key": f"{type(key).__name__.lstrip('_').replace('PublicKey', '')} {getattr(key, 'key_size', '')}".strip(),
        "signature": cert.signature_hash_algorithm.name if cert.signature_hash_algorithm else "none",
    }


def _hint(error: str) -> str:
    if "unable to get local issuer" in error:
        return " (the server may not send its intermediate certificate)"
    if "self-signed" in error or "self signed" in error:
        return " (not issued by a trusted CA)"
    return ""


async def first_address(resolver: Resolver, host: str, ip: str | None) -> tuple[str | None, str]:
    """The address to probe (the one given, else the host's first) or None and why there is none."""
    if ip is not None:
        return ip, ""
    addresses, why = await resolver.addresses(host)
    if not addresses:
        return None, why.reason() if why else "no address"
    return addresses[0], ""


async def check_certificate(
    resolver: Resolver,
    host: str,
    port: int,
    ca_bundle: str | None,
    timeout: float,
    now: dt.datetime | None = None,
    ip: str | None = None,
) -> list[CheckResult]:
    """tls.certificate and tls.expiry of one host at one address, from one verifying and one parsing handshake."""
    ip, reason = await first_address(resolver, host, ip)
    if ip is None:
        return [fail("tls.certificate", host, reason), fail("tls.expiry", host, reason)]
    verified, raw = await asyncio.gather(
        handshake(ip, port, host, verifying_context(ca_bundle), timeout),
        handshake(ip, port, host, probing_context(), timeout),
    )
    base: dict[str, Any] = {"ip": ip, "port": port}
    info = describe_certificate(raw.leaf_der) if raw.ok and raw.leaf_der else {}
    results: list[CheckResult] = []
    if verified.ok:
        results.append(
            passed(
                "tls.certificate",
                host,
                f"trusted certificate for {host} from {info.get('issuer', '?')} ({verified.version}) at {ip}",
                **base,
                certificate=info,
                chain_length=verified.chain_length,
            )
        )
    else:
        error = verified.error or "handshake failed"
        what = "certificate rejected" if verified.verify_error else "TLS handshake failed"
        results.append(
            fail(
                "tls.certificate", host, f"{what} at {ip}: {error}{_hint(error)}", **base, certificate=info, error=error
            )
        )
    if not raw.ok or not raw.leaf_der:
        results.append(fail("tls.expiry", host, f"no certificate to read at {ip}: {raw.error}", **base))
        return results
    cert = x509.load_der_x509_certificate(raw.leaf_der)
    now = now or dt.datetime.now(dt.UTC)
    days_left = (cert.not_valid_after_utc - now).total_seconds() / 86400
    details = {**base, "not_after": info["not_after"], "days_left": int(days_left)}
    if days_left < 0:
        results.append(fail("tls.expiry", host, f"the certificate expired on {info['not_after']}", **details))
    elif days_left < EXPIRY_FAIL_DAYS:
        results.append(fail("tls.expiry", host, f"the certificate expires in {int(days_left)} days", **details))
    elif days_left < EXPIRY_WARN_DAYS:
        results.append(warn("tls.expiry", host, f"the certificate expires in {int(days_left)} days", **details))
    elif cert.not_valid_before_utc > now:
        results.append(fail("tls.expiry", host, f"the certificate is not valid before {info['not_before']}", **details))
    else:
        results.append(
            passed("tls.expiry", host, f"the certificate is valid for {int(days_left)} more days", **details)
        )
    return results


def client_can_offer(version: ssl.TLSVersion) -> bool:
    try:
        probing_context(version)
    except (ssl.SSLError, ValueError):
        return False
    return True


async def check_versions(
    resolver: Resolver, host: str, port: int, timeout: float, ip: str | None = None
) -> CheckResult:
    """Nothing at TLS 1.1 or lower; TLS 1.2 or 1.3 available (at one address)."""
    ip, reason = await first_address(resolver, host, ip)
    if ip is None:
        return fail("tls.versions", host, reason)
    versions = LEGACY_VERSIONS + MODERN_VERSIONS
    offered = [v for v in versions if client_can_offer(v)]
    results = await asyncio.gather(*(handshake(ip, port, host, probing_context(v), timeout) for v in offered))
    accepted = [VERSION_NAMES[v] for v, r in zip(offered, results, strict=True) if r.ok]
    errors = {VERSION_NAMES[v]: r.error for v, r in zip(offered, results, strict=True) if not r.ok}
    details: dict[str, Any] = {"ip": ip, "port": port, "accepted": accepted, "refused": errors}
    legacy = [VERSION_NAMES[v] for v in LEGACY_VERSIONS if VERSION_NAMES[v] in accepted]
    if legacy:
        return fail(
            "tls.versions",
            host,
            f"accepts {', '.join(legacy)} at {ip}; nothing below TLS 1.2 may be enabled",
            **details,
        )
    if not any(VERSION_NAMES[v] in accepted for v in MODERN_VERSIONS):
        reasons = "; ".join(f"{k}: {v}" for k, v in errors.items() if k in ("TLSv1.2", "TLSv1.3"))
        return fail("tls.versions", host, f"no TLS 1.2 or 1.3 handshake succeeded at {ip} ({reasons})", **details)
    untested = [VERSION_NAMES[v] for v in LEGACY_VERSIONS if v not in offered]
    untested += [
        name
        for name, error in errors.items()
        if name in ("TLSv1.0", "TLSv1.1") and "NO_PROTOCOLS_AVAILABLE" in str(error).upper()
    ]
    if untested:
        details["untested"] = untested
        return warn(
            "tls.versions",
            host,
            f"accepts {', '.join(accepted)}; this machine's OpenSSL cannot offer {', '.join(untested)}, so those "
            "were not tested",
            **details,
        )
    return passed("tls.versions", host, f"accepts only {', '.join(accepted)} at {ip}", **details)
