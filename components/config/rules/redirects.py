"""Rules for the canonical host and legacy URLs (`launchready:redirects`): one Single Redirect rule per
legacy URL plus one from the other of apex/www, within the plan's quota."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from components.config.problems import Problem, key
from components.config.redirects import REDIRECT_RULE_LIMITS, LegacyRedirect
from components.config.rules.registry import rule

if TYPE_CHECKING:
    from components.config.stack import StackConfig


@rule
def canonical_www_is_declared(cfg: StackConfig) -> Iterator[Problem]:
    if cfg.redirects.canonical == "www" and "www" not in cfg.hostnames:
        yield Problem(
            key("redirects.canonical"),
            "canonical host is www but no www hostname is declared",
            value="www",
            fix='declare hostnames.www or set redirects.canonical to "apex"',
        )


@rule
def legacy_url_listed_once(cfg: StackConfig) -> Iterator[Problem]:
    froms = [item.from_ for item in cfg.redirects.legacy]
    for i, source in enumerate(froms):
        if source in froms[:i]:
            yield Problem(
                key(f"redirects.legacy[{i}].from"),
                "listed twice; only the first entry would ever redirect",
                value=source,
                fix="remove the duplicate",
            )


@rule
def redirects_within_plan_quota(cfg: StackConfig) -> Iterator[Problem]:
    legacy = len(cfg.redirects.legacy)
    count = legacy + (1 if "www" in cfg.hostnames else 0)
    limit = REDIRECT_RULE_LIMITS[cfg.zone.plan]
    if count > limit:
        yield Problem(
            key("redirects.legacy"),
            f"{count} redirect rules (the legacy URLs and the apex/www rule); the "
            f"{cfg.zone.plan.value} plan allows {limit}",
            value=str(legacy),
            fix="drop legacy URLs nobody visits any more, merge them into wildcard rules, or upgrade the plan",
        )


# ---- redirects as a graph: what a request meets, hop by hop, as Cloudflare evaluates the rules ----
# Legacy rules come first and the first match answers (a redirect is terminating); `eq` on the path is
# case-sensitive, `wildcard` is not (Cloudflare Rules language, "Operators"). Then the non-canonical host
# goes to the canonical one, path kept. Hosts other than the apex and www are not ours to follow.

#: More hops than this and the chain is reported as endless (browsers give up after about 20).
_MAX_HOPS = 10
_SAMPLE = "launchready-sample"


def _capture(item: LegacyRedirect, path: str) -> str | None:
    """What the rule's `*` matched in `path` ("" for an exact rule), or None when it does not match."""
    if item.is_wildcard:
        prefix = item.from_[:-1]
        return path[len(prefix):] if path.lower().startswith(prefix.lower()) else None
    return "" if path == item.from_ else None


def _target(cfg: StackConfig, item: LegacyRedirect, captured: str) -> tuple[str, str]:
    to = item.to.replace("${1}", captured)
    if to.startswith("https://"):
        parts = urlsplit(to)
        return (parts.hostname or "").lower(), parts.path or "/"
    return cfg.canonical_host, urlsplit(to).path or "/"


def _other_host(cfg: StackConfig) -> str:
    return cfg.fqdn("www") if cfg.redirects.canonical == "apex" else cfg.domain


def _hop(cfg: StackConfig, host: str, path: str) -> tuple[str, tuple[str, str]] | None:
    """The rule that answers a request (its key) and where it sends the visitor; None when it is served."""
    ours = [cfg.domain, cfg.fqdn("www")] if "www" in cfg.hostnames else [cfg.domain]
    if host not in ours or path.startswith("/.well-known/"):
        return None
    for i, item in enumerate(cfg.redirects.legacy):
        captured = _capture(item, path)
        if captured is not None:
            return key(f"redirects.legacy[{i}]"), _target(cfg, item, captured)
    if host == _other_host(cfg):
        return key("redirects.canonical"), (cfg.canonical_host, path)
    return None


def _sample_path(item: LegacyRedirect) -> str:
    return item.from_[:-1] + _SAMPLE if item.is_wildcard else item.from_


def _walk(cfg: StackConfig, start: tuple[str, str]) -> tuple[list[tuple[str, str]], str]:
    """The requests a visitor makes from `start`, and how the walk ended: "served", "loop" or "endless"."""
    seen = [start]
    current = start
    for _ in range(_MAX_HOPS):
        step = _hop(cfg, *current)
        if step is None:
            return seen, "served"
        current = step[1]
        if current in seen:
            seen.append(current)
            return seen, "loop"
        seen.append(current)
    return seen, "endless"


def _show(chain: list[tuple[str, str]], cfg: StackConfig) -> str:
    return " -> ".join(path if host == cfg.canonical_host else f"https://{host}{path}" for host, path in chain)


@rule
def legacy_redirects_end(cfg: StackConfig) -> Iterator[Problem]:
    """No loop (a path to itself, /old -> /new -> /old, via the other host) and no endless wildcard chain."""
    for i, item in enumerate(cfg.redirects.legacy):
        start = (cfg.canonical_host, _sample_path(item))
        first = _hop(cfg, *start)
        if first is None or first[0] != key(f"redirects.legacy[{i}]"):
            continue  # shadowed by an earlier rule: reported by legacy_redirects_reachable
        chain, ending = _walk(cfg, start)
        if ending == "loop":
            what = "redirects to itself" if len(chain) == 2 else f"loops: {_show(chain, cfg)}"
            yield Problem(key(f"redirects.legacy[{i}].to"), f"{what}; browsers give up with too many redirects",
                          value=item.to, fix="point it at the final URL, one that is not redirected again")
        elif ending == "endless":
            yield Problem(key(f"redirects.legacy[{i}].to"),
                          f'the target matches "{item.from_}" again, so every redirect is redirected once more '
                          "without end", value=item.to,
                          fix=f'send it outside "{item.from_[:-1]}" or make "from" an exact path')


@rule
def legacy_redirects_take_one_hop(cfg: StackConfig) -> Iterator[Problem]:
    """A legacy URL goes straight to its final URL: not to the canonical host's other spelling (which then
    redirects back), not to a URL that another legacy rule redirects again."""
    other = _other_host(cfg)
    for i, item in enumerate(cfg.redirects.legacy):
        start = (cfg.canonical_host, _sample_path(item))
        chain, ending = _walk(cfg, start)
        if ending != "served" or _hop(cfg, *start) is None:
            continue  # loops and endless chains: legacy_redirects_end
        host, _ = _target(cfg, item, _SAMPLE if item.is_wildcard else "")
        if item.to.startswith("https://") and host == other:
            yield Problem(key(f"redirects.legacy[{i}].to"),
                          f"points at {other}, which redirects to the canonical host {cfg.canonical_host}: "
                          "an extra hop for every visitor", value=item.to,
                          fix=f'write the path alone ("{urlsplit(item.to).path or "/"}"): it lands on '
                          f"{cfg.canonical_host}")
        elif len(chain) > 2:
            yield Problem(key(f"redirects.legacy[{i}].to"),
                          f"visitors take {len(chain) - 1} hops: {_show(chain, cfg)}", value=item.to,
                          fix=f'point it at the last one ("{chain[-1][1]}")')


@rule
def legacy_redirects_reachable(cfg: StackConfig) -> Iterator[Problem]:
    """A rule after a wildcard that already matches all of its paths can never answer."""
    items = cfg.redirects.legacy
    for j, later in enumerate(items):
        for i, earlier in enumerate(items[:j]):
            if not earlier.is_wildcard or earlier.from_ == later.from_:
                continue  # exact repeats: legacy_url_listed_once
            prefix = earlier.from_[:-1].lower()
            covered = later.from_[:-1] if later.is_wildcard else later.from_
            if covered.lower().startswith(prefix):
                yield Problem(key(f"redirects.legacy[{j}].from"),
                              f'can never fire: legacy[{i}] "{earlier.from_}" comes first and already matches it '
                              "(the first matching redirect answers)", value=later.from_,
                              fix=f"move it above legacy[{i}]")
                break


@rule
def legacy_wildcard_covers_its_bare_path(cfg: StackConfig) -> Iterator[Problem]:
    """`/x/*` does not match `/x` itself: an old link to the section's own page would stop working."""
    froms = {item.from_ for item in cfg.redirects.legacy}
    for i, item in enumerate(cfg.redirects.legacy):
        if not item.from_.endswith("/*") or item.from_ == "/*":
            continue
        bare = item.from_[:-2]
        if bare in froms or f"{bare}*" in froms or _hop(cfg, cfg.canonical_host, bare) is not None:
            continue
        yield Problem(key(f"redirects.legacy[{i}].from"),
                      f'matches paths under "{bare}/" but not "{bare}" itself, which old links use too',
                      value=item.from_,
                      fix=f'add {{from: "{bare}", to: ...}} before it, or write "{bare}*" (which also matches '
                      f'"{bare}-anything")')
