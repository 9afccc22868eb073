"""A small evaluator for Cloudflare ruleset expressions, used to decide what a cache rule can match.

It parses the Rules language (fields, `eq`/`==`, `ne`, `contains`, `matches`/`~`, `wildcard`,
`strict wildcard`, `in {...}`, `starts_with()`, `ends_with()`, `lower()`, `any()`/`all()`, `len()`, `not`,
`and`, `or`, parentheses, `true`/`false`) and evaluates it against concrete probe requests with
three-valued logic: a field or function it does not model evaluates to "unknown" (None), so the caller
decides which way to be conservative. Nothing here raises on bad input: a parse error is reported as
`ExpressionError`, which callers turn into a violation ("cannot prove this is safe").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Tri = bool | None


class ExpressionError(ValueError):
    pass


@dataclass(frozen=True)
class Probe:
    """A request to evaluate an expression against."""

    host: str
    path: str
    cookies: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    method: str = "GET"

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies)

    def describe(self) -> str:
        parts = [f"https://{self.host}{self.path}"]
        if self.cookies:
            parts.append(f"with cookie {self.cookies[0][0]}")
        if self.headers:
            parts.append(f"with header {self.headers[0][0]}")
        return " ".join(parts)


# ---------------------------------------------------------------------------------------------- tokens

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<rstring>r"(?:[^"])*")
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<ip4>\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?)
  | (?P<ip6>[0-9a-fA-F]{0,4}:[0-9a-fA-F:.]*(?:/\d{1,3})?)
  | (?P<range>\d+\.\.\d+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<list>\$[A-Za-z0-9_]+)
  | (?P<op>==|!=|>=|<=|&&|\|\||\^\^|[(){}\[\],!~<>*])
  | (?P<ident>[A-Za-z_][A-Za-z0-9_.]*)
    """,
    re.VERBOSE,
)


@dataclass
class Tok:
    kind: str
    text: str


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
        elif kind == "string":
            out.append(Tok("string", bytes(value[1:-1], "utf-8").decode("unicode_escape")))
        else:
            out.append(Tok(kind, value))
    return out


# ---------------------------------------------------------------------------------------------- AST


@dataclass
class Node:
    kind: str  # or, and, not, cmp, call, field, lit, set, index
    args: list[Any] = field(default_factory=list)
    value: Any = None


_CMP_OPS = {"eq": "eq", "==": "eq", "ne": "ne", "!=": "ne", "contains": "contains", "matches": "matches",
            "~": "matches", "wildcard": "wildcard", "in": "in", "lt": "lt", "le": "le", "gt": "gt", "ge": "ge",
            "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}


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
        node = self.parse_or()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek().text!r}")  # type: ignore[union-attr]
        return node

    def parse_or(self) -> Node:
        left = self.parse_xor()
        while (t := self.peek()) and t.text in ("or", "||"):
            self.i += 1
            left = Node("or", [left, self.parse_xor()])
        return left

    def parse_xor(self) -> Node:
        left = self.parse_and()
        while (t := self.peek()) and t.text in ("xor", "^^"):
            self.i += 1
            left = Node("xor", [left, self.parse_and()])
        return left

    def parse_and(self) -> Node:
        left = self.parse_not()
        while (t := self.peek()) and t.text in ("and", "&&"):
            self.i += 1
            left = Node("and", [left, self.parse_not()])
        return left

    def parse_not(self) -> Node:
        t = self.peek()
        if t and t.text in ("not", "!"):
            self.i += 1
            return Node("not", [self.parse_not()])
        return self.parse_cmp()

    def parse_cmp(self) -> Node:
        left = self.parse_value()
        t = self.peek()
        if t is None:
            return left
        op_text = t.text
        if op_text == "strict" and (n := self.peek(1)) and n.text == "wildcard":
            self.i += 2
            return Node("cmp", [left, self.parse_value()], "strict_wildcard")
        if op_text in _CMP_OPS:
            self.i += 1
            return Node("cmp", [left, self.parse_value()], _CMP_OPS[op_text])
        return left

    def parse_value(self) -> Node:
        t = self.take()
        if t.text == "(":
            node = self.parse_or()
            self.take(")")
            return node
        if t.text == "{":
            items: list[Any] = []
            while (n := self.peek()) and n.text != "}":
                self.i += 1
                if n.kind not in ("string", "number", "ident"):
                    raise ExpressionError(f"unexpected {n.text!r} in a set")
                items.append(n.text)
            self.take("}")
            return Node("set", value=items)
        if t.kind == "string":
            return self.suffix(Node("lit", value=t.text))
        if t.kind == "number":
            return Node("lit", value=t.text)
        if t.kind == "ident":
            if t.text in ("true", "false"):
                return Node("lit", value=t.text == "true")
            if (n := self.peek()) and n.text == "(":
                self.i += 1
                args: list[Node] = []
                while (n := self.peek()) and n.text != ")":
                    args.append(self.parse_or())
                    if (n := self.peek()) and n.text == ",":
                        self.i += 1
                self.take(")")
                return self.suffix(Node("call", args, t.text))
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


def parse(text: str) -> Node:
    return Parser(text).parse()


# ---------------------------------------------------------------------------------------------- evaluation


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


def _field(name: str, probe: Probe) -> Any:
    name = name.removeprefix("raw.")
    path = probe.path.split("?", 1)[0]
    if name == "http.host":
        return probe.host
    if name in ("http.request.uri.path",):
        return path
    if name == "http.request.uri":
        return probe.path
    if name == "http.request.uri.path.extension":
        last = path.rsplit("/", 1)[-1]
        return last.rsplit(".", 1)[-1].lower() if "." in last else ""
    if name == "http.request.full_uri":
        return f"https://{probe.host}{probe.path}"
    if name == "http.cookie":
        return probe.cookie_header
    if name == "http.request.cookies":
        return {k: [v] for k, v in probe.cookies}
    if name == "http.request.headers":
        return {k.lower(): [v] for k, v in probe.headers}
    if name == "http.request.headers.names":
        return [k for k, _ in probe.headers]
    if name == "http.request.method":
        return probe.method
    if name == "ssl":
        return True
    if name == "http.request.uri.query":
        return probe.path.split("?", 1)[1] if "?" in probe.path else ""
    return UNKNOWN


def _value(node: Node, probe: Probe) -> Any:
    if node.kind == "lit":
        return node.value
    if node.kind == "set":
        return node.value
    if node.kind == "field":
        return _field(str(node.value), probe)
    if node.kind == "index":
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
    if node.kind == "call":
        name = str(node.value)
        args = [_value(a, probe) for a in node.args]
        if any(a is UNKNOWN for a in args):
            return UNKNOWN
        if name == "lower":
            return [str(x).lower() for x in args[0]] if isinstance(args[0], list) else str(args[0]).lower()
        if name == "upper":
            return [str(x).upper() for x in args[0]] if isinstance(args[0], list) else str(args[0]).upper()
        if name in ("starts_with", "ends_with") and len(args) == 2:
            test = str.startswith if name == "starts_with" else str.endswith
            if isinstance(args[0], list):
                return any(test(str(x), str(args[1])) for x in args[0])
            return test(str(args[0]), str(args[1]))
        if name in ("any", "all") and len(args) == 1:
            if isinstance(args[0], list):
                return any(x is True for x in args[0]) if name == "any" else all(x is True for x in args[0])
            return args[0]
        if name == "len" and len(args) == 1:
            return len(args[0]) if isinstance(args[0], (list, str)) else UNKNOWN
        return UNKNOWN
    return evaluate_node(node, probe)


def wildcard_match(pattern: str, value: str, *, case_sensitive: bool = False) -> bool:
    """Cloudflare's `wildcard`: `*` is any run of characters (`\\*` a literal star), the whole value must
    match, and it ignores case unless `strict`."""
    parts = re.split(r"(\\\*|\*)", pattern)
    regex = "".join(".*" if p == "*" else re.escape("*" if p == "\\*" else p) for p in parts)
    flags = re.DOTALL | (0 if case_sensitive else re.IGNORECASE)
    return re.fullmatch(regex, value, flags) is not None


def _compare(op: str, left: Any, right: Any) -> Tri:
    if left is UNKNOWN or right is UNKNOWN:
        return None
    if isinstance(left, list):  # field[*] compared element-wise: true if any element matches
        results = [_compare(op, item, right) for item in left]
        if any(r is True for r in results):
            return True
        return None if any(r is None for r in results) else False
    if isinstance(left, dict):
        return None
    ls, rs = str(left), right
    if op == "eq":
        return ls == str(rs) if not isinstance(left, bool) else left == (rs is True or rs == "true")
    if op == "ne":
        return ls != str(rs)
    if op == "contains":
        return str(rs) in ls
    if op == "matches":
        try:
            return re.search(str(rs), ls) is not None
        except re.error:
            return None
    if op in ("wildcard", "strict_wildcard"):
        return wildcard_match(str(rs), ls, case_sensitive=op == "strict_wildcard")
    if op == "in":
        if not isinstance(rs, list):
            return None
        return ls in [str(x) for x in rs]
    try:
        a, b = float(ls), float(str(rs))
    except ValueError:
        return None
    return {"lt": a < b, "le": a <= b, "gt": a > b, "ge": a >= b}.get(op)


def evaluate_node(node: Node, probe: Probe) -> Tri:
    if node.kind == "or":
        a, b = evaluate_node(node.args[0], probe), evaluate_node(node.args[1], probe)
        if a is True or b is True:
            return True
        return None if a is None or b is None else False
    if node.kind == "and":
        a, b = evaluate_node(node.args[0], probe), evaluate_node(node.args[1], probe)
        if a is False or b is False:
            return False
        return None if a is None or b is None else True
    if node.kind == "xor":
        a, b = evaluate_node(node.args[0], probe), evaluate_node(node.args[1], probe)
        return None if a is None or b is None else a != b
    if node.kind == "not":
        a = evaluate_node(node.args[0], probe)
        return None if a is None else not a
    if node.kind == "cmp":
        return _compare(str(node.value), _value(node.args[0], probe), _value(node.args[1], probe))
    value = _value(node, probe)
    if value is True or value is False:
        return value
    return None


def evaluate(expression: str, probe: Probe) -> Tri:
    return evaluate_node(parse(expression), probe)


def literals(node: Node) -> list[str]:
    """Every string literal in an expression (used to build probe requests that exercise it)."""
    found: list[str] = []
    if node.kind == "lit" and isinstance(node.value, str):
        found.append(node.value)
    if node.kind == "set":
        found.extend(str(v).strip('"') for v in node.value)
    for arg in node.args:
        if isinstance(arg, Node):
            found.extend(literals(arg))
    return found
