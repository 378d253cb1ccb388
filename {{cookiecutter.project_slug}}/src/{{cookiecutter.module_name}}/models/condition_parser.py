"""The condition language of the rules model, read: its text parsed into a tree, never evaluated as code.

A condition compares a column with a value, and combines comparisons:

    flipper_length_mm > 206 and island in ['Dream', 'Biscoe'] or not (`body mass (g)` <= 3500)

- comparisons: `<`, `<=`, `>`, `>=`, `==`, `!=`, `in [...]`, `not in [...]`, column first;
- `and`, `or`, `not` and parentheses, as in Python;
- a column is a bare name (`class` too: Python keywords are fine) or, for anything else, quoted
  in backticks, a backtick inside it doubled: `` `body mass (g)` ``;
- a value is a number, a quoted string ('Dream' or "Dream", backslash escapes as in Python),
  true or false (True, False), or a list of them after `in`; a string compared with a date
  column is read as a date ('2024-03-01', '2024-03-01 12:30').

A comparison with a missing value is unknown, so it never matches, even under `not`.
The text is split into tokens and parsed by a small grammar into a tree of the node types
below: nothing in it is ever run as Python or pandas code. Standard library only: a text outside the
language is a ConditionError, which conditions.py tells as a StepError.
"""

from __future__ import annotations

import ast
import operator
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

EXAMPLE = "\"bill_length_mm > 43 and island in ['Dream', 'Biscoe']\""
WORDS = {"and", "or", "not", "in", "true", "false", "True", "False"}  # a column by these names is quoted
BOOLEANS = {"true": True, "True": True, "false": False, "False": False}
NAME = re.compile(r"[^\W\d]\w*")
TOKEN = re.compile(
    r"""\s*(?:
      (?P<quoted>`(?:[^`]|``)*`)
    | (?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<number>-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<name>[^\W\d]\w*)
    | (?P<symbol><=|>=|==|!=|<|>|\(|\)|\[|\]|,)
    )""",
    re.VERBOSE | re.DOTALL,
)
COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
OPERATORS = (*COMPARE, "in", "not in")

Value = bool | int | float | str


@dataclass(frozen=True)
class Comparison:
    """`column operator value`; for `in` and `not in` the value is a tuple."""

    column: str
    operator: str
    value: Value | tuple[Value, ...]


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class Both:
    """`left and right`."""

    left: Node
    right: Node


@dataclass(frozen=True)
class Either:
    """`left or right`."""

    left: Node
    right: Node


Node = Comparison | Not | Both | Either


@dataclass(frozen=True)
class Token:
    kind: str  # quoted, string, number, name, symbol or end
    text: str


def tokens(text: str) -> list[Token]:
    """The tokens of `text`, ending with an `end` token; a character no token starts with is unsupported."""
    found, position = [], 0
    while True:
        match = TOKEN.match(text, position)
        if match is None or match.lastgroup is None:
            rest = text[position:].strip()
            if not rest:
                return [*found, Token("end", "")]
            raise unsupported(text, rest[0], "a column, a value, an operator or a parenthesis")
        found.append(Token(match.lastgroup, match.group(match.lastgroup)))
        position = match.end()


class ConditionError(ValueError):
    """A condition outside the language, told in one line naming its first unsupported part."""


def unsupported(text: str, part: str, expected: str) -> ConditionError:
    """The error for the first part of condition `text` outside the language ("" for its end)."""
    problem = f"{part!r} is not supported here" if part else "it ends too early"
    return ConditionError(f"rule {text!r}: {problem} (expected {expected}); a valid condition: {EXAMPLE}")


class Parser:
    """Recursive descent over the tokens: or_ -> and_ -> not_ -> (parenthesised or comparison)."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = tokens(text)
        self.at = 0

    def peek(self, *texts: str) -> bool:
        token = self.tokens[self.at]
        return token.kind in ("name", "symbol") and token.text in texts

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expect(self, text: str, expected: str) -> None:
        if not self.peek(text):
            raise unsupported(self.text, self.tokens[self.at].text, expected)
        self.take()

    def condition(self) -> Node:
        node = self.or_()
        if self.tokens[self.at].kind != "end":
            raise unsupported(self.text, self.tokens[self.at].text, "and, or, or the end of the condition")
        return node

    def or_(self) -> Node:
        node = self.and_()
        while self.peek("or"):
            self.take()
            node = Either(node, self.and_())
        return node

    def and_(self) -> Node:
        node = self.not_()
        while self.peek("and"):
            self.take()
            node = Both(node, self.not_())
        return node

    def not_(self) -> Node:
        if self.peek("not"):
            self.take()
            return Not(self.not_())
        if self.peek("("):
            self.take()
            node = self.or_()
            self.expect(")", "and, or, or a closing parenthesis")
            return node
        return self.comparison()

    def comparison(self) -> Comparison:
        column = self.column()
        token = self.take()
        if token.kind == "symbol" and token.text in COMPARE:
            return Comparison(column, token.text, self.value())
        if token.kind == "name" and token.text == "not":
            self.expect("in", "in, as in `not in [...]`")
            return Comparison(column, "not in", self.values())
        if token.kind == "name" and token.text == "in":
            return Comparison(column, "in", self.values())
        raise unsupported(self.text, token.text, f"one of {', '.join(OPERATORS)} after the column")

    def column(self) -> str:
        token = self.take()
        if token.kind == "quoted":
            return token.text[1:-1].replace("``", "`")
        if token.kind == "name" and token.text not in WORDS:
            return token.text
        raise unsupported(self.text, token.text, "a column: a name, or any text in backticks")

    def value(self) -> Value:
        token = self.take()
        if token.kind == "number":
            return float(token.text) if any(c in token.text for c in ".eE") else int(token.text)
        if token.kind == "string":
            try:
                # An unknown escape (a backslash and d) stays as written, as in Python.
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return ast.literal_eval(token.text)  # one string literal: its pattern allows nothing else
            except (SyntaxError, ValueError):
                raise unsupported(self.text, token.text, "a string with valid backslash escapes") from None
        if token.kind == "name" and token.text in BOOLEANS:
            return BOOLEANS[token.text]
        raise unsupported(self.text, token.text, "a value: a number, a quoted string, true or false")

    def values(self) -> tuple[Value, ...]:
        self.expect("[", "a list of values in brackets, as in `in ['a', 'b']`")
        found: list[Value] = []
        while not self.peek("]"):
            found.append(self.value())
            if not self.peek(","):
                break
            self.take()
        self.expect("]", "a comma or a closing bracket")
        return tuple(found)


def parse_tree(text: str) -> Node:
    """The tree of condition `text`; anything outside the language is a ConditionError naming its first
    part."""
    if not isinstance(text, str):
        raise ConditionError(f"rule condition {text!r} must be a string, e.g. {EXAMPLE}")
    try:
        return Parser(text).condition()
    except RecursionError:
        raise ConditionError(f"rule {text!r}: too deeply nested; use fewer parentheses") from None
