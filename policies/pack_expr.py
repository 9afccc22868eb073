"""A small evaluator for Cloudflare ruleset expressions, used to decide what a rule can match.

It parses the Rules language (fields, `eq`/`==`, `ne`/`!=`, `contains`, `matches`/`~`, `wildcard`,
`strict wildcard`, `in {...}` with strings, addresses, CIDR ranges and port ranges, `starts_with()`,
`ends_with()`, `lower()`, `upper()`, `url_decode()`, `concat()`, `any()`/`all()`, `len()`, `not`/`!`,
`and`/`&&`, `xor`/`^^`, `or`/`||`, parentheses, `true`/`false`) and evaluates it against concrete probe
requests with three-valued logic: a field or function it does not model evaluates to "unknown" (None),
so the caller decides which way to be conservative. Nothing here raises on bad input: a parse error is
`ExpressionError`, which callers turn into a violation ("cannot prove this is safe").

It is linear: `and`/`or` chains are one n-ary node (no recursion per operand), a set is hashed once per
node, regexes are compiled once, so a 10,000-name `http.host in {...}` costs one lookup per probe.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

Tri = bool | None


class ExpressionError(ValueError):
    pass


@dataclass(frozen=True)
class Probe:
    """A request to evaluate an expression against (`ip` empty: the source address is not modelled)."""

    host: str
    path: str
    cookies: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    method: str = "GET"
    ip: str = ""
    only_host: bool = False  # every field but the host reads as unknown (which hosts can a rule match?)
    extra: tuple[tuple[str, Any], ...] = ()  # other fields this request has (`http.user_agent`, `ip.src.country`)

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies)

    def describe(self) -> str:
        parts = [f"https://{self.host}{self.path}"]
        if self.cookies:
            parts.append(f"with cookie {self.cookies[0][0]}")
        if self.headers:
            parts.append(f"with header {self.headers[0][0]}")
        if self.ip:
            parts.append(f"from {self.ip}")
        return " ".join(parts)


# ---------------------------------------------------------------------------------------------- tokens

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<rstring>r"(?:[^"])*")
  | (?P<rhash>r\#"(?:.*?)"\#)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<ip4>\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?)
  | (?P<ip6>[0-9a-fA-F]{0,4}:[0-9a-fA-F:.]*(?:/\d{1,3})?)
  | (?P<range>\d+\.\.\d+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<list>\$[A-Za-z0-9_]+)
  | (?P<op>==|!=|>=|<=|&&|\|\||\^\^|[(){}\[\],!~<>*])
  | (?P<ident>[A-Za-z_][A-Za-z0-9_.]*)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass
class Tok:
    kind: str
    text: str


def _unescape(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: m.group(1), body)


def tokenize(text: str) -> list[Tok]:
    out: list[Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m:
            raise ExpressionError(f"unexpected character {text[pos]!r} at {pos}")
        pos = m.end()
        kind = m.lastgroup or ""
        if kind == "ws":
            continue
        value = m.group()
        if kind in ("ip4", "ip6", "range"):
            out.append(Tok("number", value))
        elif kind == "rstring":
            out.append(Tok("string", value[2:-1]))
        elif kind == "rhash":
            out.append(Tok("string", value[3:-2]))
        elif kind == "string":
            out.append(Tok("string", _unescape(value[1:-1])))
        else:
            out.append(Tok(kind, value))
    return out


# ---------------------------------------------------------------------------------------------- AST


@dataclass
class Node:
    kind: str  # or, and, xor, not, cmp, call, field, lit, set, index
    args: list[Any] = field(default_factory=list)  # `or`/`and`: two or more operands
    value: Any = None
    cache: Any = field(default=None, compare=False, repr=False)  # a set's hashed form


_CMP_OPS = {"eq": "eq", "==": "eq", "ne": "ne", "!=": "ne", "contains": "contains", "matches": "matches",
            "~": "matches", "wildcard": "wildcard", "in": "in", "lt": "lt", "le": "le", "gt": "gt", "ge": "ge",
            "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
_LOGIC = {"or": "or", "||": "or", "xor": "xor", "^^": "xor", "and": "and", "&&": "and"}
_PRECEDENCE = ("or", "xor", "and")


class Parser:
    def __init__(self, text: str) -> None:
        self.toks = tokenize(text)
        self.i = 0

    def peek(self, offset: int = 0) -> Tok | None:
        j = self.i + offset
        return self.toks[j] if j < len(self.toks) else None

    def take(self, text: str | None = None) -> Tok:
        tok = self.peek()
        if tok is None or (text is not None and tok.text != text):
            raise ExpressionError(f"expected {text or 'a token'}, found {tok.text if tok else 'the end'}")
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.parse_logic(0)
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek().text!r}")  # type: ignore[union-attr]
        return node

    def parse_logic(self, level: int) -> Node:
        """`or` binds loosest, then `xor`, then `and`; each chain becomes one n-ary node."""
        if level == len(_PRECEDENCE):
            return self.parse_not()
        kind = _PRECEDENCE[level]
        operands = [self.parse_logic(level + 1)]
        while (t := self.peek()) and _LOGIC.get(t.text) == kind:
            self.i += 1
            operands.append(self.parse_logic(level + 1))
        if len(operands) == 1:
            return operands[0]
        if kind == "xor":  # xor stays binary (left to right)
            node = operands[0]
            for operand in operands[1:]:
                node = Node("xor", [node, operand])
            return node
        return Node(kind, operands)

    def parse_not(self) -> Node:
        negations = 0
        while (t := self.peek()) and t.text in ("not", "!"):
            self.i += 1
            negations += 1
        node = self.parse_cmp()
        for _ in range(negations):
            node = Node("not", [node])
        return node

    def parse_cmp(self) -> Node:
        left = self.parse_value()
        t = self.peek()
        if t is None:
            return left
        if t.text == "strict" and (n := self.peek(1)) and n.text == "wildcard":
            self.i += 2
            return Node("cmp", [left, self.parse_value()], "strict_wildcard")
        if t.text in _CMP_OPS:
            self.i += 1
            return Node("cmp", [left, self.parse_value()], _CMP_OPS[t.text])
        return left

    def parse_set(self) -> Node:
        items: list[Any] = []
        while (n := self.peek()) and n.text != "}":
            self.i += 1
            if n.kind not in ("string", "number", "ident"):
                raise ExpressionError(f"unexpected {n.text!r} in a set")
            items.append(n.text)
        self.take("}")
        return Node("set", value=items)

    def parse_call(self, name: str) -> Node:
        args: list[Node] = []
        while (n := self.peek()) and n.text != ")":
            args.append(self.parse_logic(0))
            if (n := self.peek()) and n.text == ",":
                self.i += 1
        self.take(")")
        return self.suffix(Node("call", args, name))

    def parse_value(self) -> Node:
        t = self.take()
        if t.text == "(":
            node = self.parse_logic(0)
            self.take(")")
            return node
        if t.text == "{":
            return self.parse_set()
        if t.kind == "string":
            return self.suffix(Node("lit", value=t.text))
        if t.kind == "number":
            return Node("lit", value=t.text)
        if t.kind == "ident":
            if t.text in ("true", "false"):
                return Node("lit", value=t.text == "true")
            if (n := self.peek()) and n.text == "(":
                self.i += 1
                return self.parse_call(t.text)
            return self.suffix(Node("field", value=t.text))
        if t.kind == "list":
            return Node("lit", value=UNKNOWN)  # a named list: its content is not in the expression
        raise ExpressionError(f"unexpected {t.text!r}")

    def suffix(self, node: Node) -> Node:
        while (n := self.peek()) and n.text == "[":
            self.i += 1
            key = self.take()
            self.take("]")
            node = Node("index", [node], key.text)
            if (n := self.peek()) and n.kind == "ident" and n.text.startswith("."):
                self.i += 1
                node = Node("field", value=n.text)  # a field path after an index: not modelled
        return node


@functools.lru_cache(maxsize=65536)
def _parse_cached(text: str) -> Node:
    try:
        return Parser(text).parse()
    except RecursionError:
        raise ExpressionError("the expression nests too deeply to read") from None


def parse(text: str) -> Node:
    """The expression's tree (shared between equal texts: callers must not modify it)."""
    return _parse_cached(text)


# ---------------------------------------------------------------------------------------------- evaluation


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


def _query(probe: Probe) -> str:
    return probe.path.split("?", 1)[1] if "?" in probe.path else ""


def _extension(path: str) -> str:
    last = path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


_FIELDS: dict[str, Any] = {
    "http.host": lambda p: p.host,
    "http.request.uri.path": lambda p: p.path.split("?", 1)[0],
    "http.request.uri": lambda p: p.path,
    "http.request.uri.path.extension": lambda p: _extension(p.path.split("?", 1)[0]),
    "http.request.full_uri": lambda p: f"https://{p.host}{p.path}",
    "http.cookie": lambda p: p.cookie_header,
    "http.request.cookies": lambda p: {k: [v] for k, v in p.cookies},
    "http.request.headers": lambda p: {k.lower(): [v] for k, v in p.headers},
    "http.request.headers.names": lambda p: [k for k, _ in p.headers],
    "http.request.method": lambda p: p.method,
    "ssl": lambda p: True,
    "http.request.uri.query": _query,
    "http.request.uri.args": lambda p: {k: v for k, v in parse_qs(_query(p), keep_blank_values=True).items()},
    "http.request.uri.args.names": lambda p: list(parse_qs(_query(p), keep_blank_values=True)),
    "ip.src": lambda p: p.ip or UNKNOWN,
}
#: What a field reads from the request (comma-separated), for callers that group probes by what an
#: expression can see.
FIELD_ASPECTS: dict[str, str] = {
    "http.host": "host", "http.request.full_uri": "host,path", "http.request.uri.path": "path",
    "http.request.uri": "path", "http.request.uri.path.extension": "path", "http.request.uri.query": "path",
    "http.request.uri.args": "path", "http.request.uri.args.names": "path", "http.cookie": "cookies",
    "http.request.cookies": "cookies", "http.request.headers": "headers",
    "http.request.headers.names": "headers", "http.request.method": "method", "ssl": "", "ip.src": "ip",
}


def _field(name: str, probe: Probe) -> Any:
    name = name.removeprefix("raw.")
    reader = _FIELDS.get(name)
    if probe.only_host and FIELD_ASPECTS.get(name) != "host":
        return UNKNOWN
    if reader is None:
        return next((value for key, value in probe.extra if key == name), UNKNOWN)
    return reader(probe)


def _index(node: Node, probe: Probe) -> Any:
    base = _value(node.args[0], probe)
    if base is UNKNOWN:
        return UNKNOWN
    if node.value == "*":
        return base if isinstance(base, list) else UNKNOWN
    if isinstance(base, dict):
        return base.get(str(node.value), [])
    if isinstance(base, list) and str(node.value).isdigit():
        index = int(str(node.value))
        return base[index] if index < len(base) else []  # a missing element matches nothing
    return UNKNOWN


def _map(function: Any, value: Any) -> Any:
    return [function(str(x)) for x in value] if isinstance(value, list) else function(str(value))


def _call(node: Node, probe: Probe) -> Any:
    name = str(node.value)
    args = [_value(a, probe) for a in node.args]
    if any(a is UNKNOWN for a in args):
        return UNKNOWN
    if name in ("lower", "upper", "url_decode") and len(args) >= 1:
        function = {"lower": str.lower, "upper": str.upper, "url_decode": unquote}[name]
        return _map(function, args[0])
    if name in ("starts_with", "ends_with") and len(args) == 2:
        test = str.startswith if name == "starts_with" else str.endswith
        if isinstance(args[0], list):
            return any(test(str(x), str(args[1])) for x in args[0])
        return test(str(args[0]), str(args[1]))
    if name == "concat" and args and all(not isinstance(a, (list, dict)) for a in args):
        return "".join(str(a) for a in args)
    if name in ("any", "all") and len(args) == 1:
        if isinstance(args[0], list):
            return any(x is True for x in args[0]) if name == "any" else all(x is True for x in args[0])
        return args[0]
    if name == "len" and len(args) == 1:
        return len(args[0]) if isinstance(args[0], (list, str)) else UNKNOWN
    return UNKNOWN


def _value(node: Node, probe: Probe) -> Any:
    kind = node.kind
    if kind == "lit" or kind == "set":
        return node.value
    if kind == "field":
        return _field(str(node.value), probe)
    if kind == "index":
        return _index(node, probe)
    if kind == "call":
        return _call(node, probe)
    return evaluate_node(node, probe)


def wildcard_match(pattern: str, value: str, *, case_sensitive: bool = False) -> bool:
    """Cloudflare's `wildcard`: `*` is any run of characters (`\\*` a literal star), the whole value must
    match, and it ignores case unless `strict`."""
    return _wildcard_regex(pattern, case_sensitive).fullmatch(value) is not None


@functools.lru_cache(maxsize=8192)
def _wildcard_regex(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    parts = re.split(r"(\\\*|\*)", pattern)
    regex = "".join(".*" if p == "*" else re.escape("*" if p == "\\*" else p) for p in parts)
    return re.compile(regex, re.DOTALL | (0 if case_sensitive else re.IGNORECASE))


@functools.lru_cache(maxsize=8192)
def _regex(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


class _SetIndex:
    """A set literal, hashed once: its strings, its address ranges and its port ranges."""

    def __init__(self, values: list[Any]) -> None:
        self.strings = frozenset(str(v) for v in values)
        self.networks: list[Any] = []
        self.ranges: list[tuple[int, int]] = []
        for v in values:
            text = str(v)
            if ".." in text and text.replace(".", "").isdigit():
                low, high = text.split("..", 1)
                self.ranges.append((int(low), int(high)))
            elif "/" in text or ":" in text or text.count(".") == 3:
                try:
                    self.networks.append(ipaddress.ip_network(text, strict=False))
                except ValueError:
                    continue

    def contains(self, value: str) -> bool:
        if value in self.strings:
            return True
        if self.networks:
            try:
                ip = ipaddress.ip_address(value)
            except ValueError:
                ip = None
            if ip is not None and any(ip.version == n.version and ip in n for n in self.networks):
                return True
        if self.ranges and value.isdigit():
            return any(low <= int(value) <= high for low, high in self.ranges)
        return False


def _set_index(node: Node) -> _SetIndex:
    if node.cache is None:
        node.cache = _SetIndex(list(node.value))
    index: _SetIndex = node.cache
    return index


def _compare(op: str, left: Any, right: Any, right_node: Node | None = None) -> Tri:
    if left is UNKNOWN or right is UNKNOWN:
        return None
    if isinstance(left, list):  # field[*] compared element-wise: true if any element matches
        results = [_compare(op, item, right, right_node) for item in left]
        if any(r is True for r in results):
            return True
        return None if any(r is None for r in results) else False
    if isinstance(left, dict):
        return None
    ls, rs = str(left), right
    if op == "eq":
        return ls == str(rs) if not isinstance(left, bool) else left == (rs is True or rs == "true")
    if op == "ne":
        return ls != str(rs) if not isinstance(left, bool) else left != (rs is True or rs == "true")
    if op == "contains":
        return str(rs) in ls
    if op == "matches":
        regex = _regex(str(rs))
        return None if regex is None else regex.search(ls) is not None
    if op in ("wildcard", "strict_wildcard"):
        return wildcard_match(str(rs), ls, case_sensitive=op == "strict_wildcard")
    if op == "in":
        if right_node is None or right_node.kind != "set":
            return None
        return _set_index(right_node).contains(ls)
    try:
        a, b = float(ls), float(str(rs))
    except ValueError:
        return None
    return {"lt": a < b, "le": a <= b, "gt": a > b, "ge": a >= b}.get(op)


def _other_host(left: Node, right: Node, probe: Probe) -> bool:
    """With only the host known: a full-URI comparison whose literal names another host cannot hold."""
    if left.kind != "field" or str(left.value).removeprefix("raw.") != "http.request.full_uri" or \
            right.kind != "lit" or not isinstance(right.value, str) or "://" not in right.value:
        return False
    host = right.value.split("://", 1)[1].split("/", 1)[0].lower()
    return bool(host) and not any(c in host for c in "*?[(\\") and host != probe.host.lower()


def evaluate_node(node: Node, probe: Probe) -> Tri:
    kind = node.kind
    if kind == "or" or kind == "and":
        decisive = kind == "or"  # True decides an `or`, False an `and`
        unknown = False
        for arg in node.args:
            result = evaluate_node(arg, probe)
            if result is decisive:
                return decisive
            unknown = unknown or result is None
        return None if unknown else not decisive
    if kind == "xor":
        a, b = evaluate_node(node.args[0], probe), evaluate_node(node.args[1], probe)
        return None if a is None or b is None else a != b
    if kind == "not":
        a = evaluate_node(node.args[0], probe)
        return None if a is None else not a
    if kind == "cmp":
        right = node.args[1]
        if probe.only_host and node.value in ("eq", "wildcard", "strict_wildcard") and \
                _other_host(node.args[0], right, probe):
            return False
        return _compare(str(node.value), _value(node.args[0], probe), _value(right, probe), right)
    value = _value(node, probe)
    if value is True or value is False:
        return value
    return None


def evaluate(expression: str, probe: Probe) -> Tri:
    return evaluate_node(parse(expression), probe)


def literals(node: Node) -> list[str]:
    """Every string literal in an expression (used to build probe requests that exercise it)."""
    found: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.kind == "lit" and isinstance(current.value, str):
            found.append(current.value)
        elif current.kind == "set":
            found.extend(str(v).strip('"') for v in current.value)
        stack.extend(arg for arg in reversed(current.args) if isinstance(arg, Node))
    return found


def aspects(node: Node) -> frozenset[str]:
    """What of a request the expression reads (host, path, cookies, headers, method, ip); "*" when it reads
    a field this module does not model (then every probe may differ)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if current.kind == "field":
            aspect = FIELD_ASPECTS.get(str(current.value).removeprefix("raw."), "*")
            found.update(a for a in aspect.split(",") if a)
        stack.extend(arg for arg in current.args if isinstance(arg, Node))
    return frozenset(found)
