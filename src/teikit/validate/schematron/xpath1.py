"""Schematron patterns that mean the same in XPath 1.0, checked by libxml2 instead of Saxon.

Most of TEI's own constraints (the patterns embedded in `tei_all.rng`) are XPath 1.0 in
XPath 2.0 clothing: `tei:p` with `report test="ancestor::tei:l or ancestor::tei:lg"`,
`tei:*[@when]` with `report test="@notBefore|@notAfter"`. Running them on Saxon costs a
copy of the whole tree into Saxon and a walk of every node per pattern, several times the
grammar check of a novel. Here such a pattern is evaluated set-wise on the lxml tree the
grammar check already has: the elements its rule contexts name are gathered in one pass,
and each assertion is one XPath filter over all of them (`$nodes[not(TEST)]`), in C.
A report whose test requires an ancestor (`ancestor::tei:l or ancestor::tei:lg`) starts
from the elements inside those ancestors instead of from every candidate.

A pattern takes this path only when every expression in it is one whose XPath 1.0 and
XPath 2.0 meanings agree (`accepts`): it compiles in libxml2; calls only functions that
behave alike (no `last()`/`position()`, whose meaning in a set-wise filter differs; string
functions only on a single node or a string, where XPath 2.0 would raise a type error on
several); compares by `<`/`>` only with a number (XPath 1.0 compares strings as numbers);
no arithmetic; no variables; `current()` only where the rule's node can be passed in.
Rule contexts must name an element (`tei:p`, `tei:div[@type]`) or an attribute every match
carries (`tei:*[@when]`). Anything else (attribute contexts, `visit-each`, subordinate
documents, abstract patterns, `sch:let`) stays on Saxon, whose findings these equal:
`tests/test_schematron_xpath1.py` compares both on the corpora.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lxml import etree

from teikit.diagnostics import Diagnostic
from teikit.load import Document
from teikit.validate import census
from teikit.validate.locate import Locator
from teikit.validate.schematron.common import SCH, message_pieces, severity_of, without_predicates

# -------------------------------------------------------------------------------- the checker

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>"[^"]*"|'[^']*')
  | (?P<number>\d+(?:\.\d*)?|\.\d+)
  | (?P<op>::|\.\.|//|!=|<=|>=|[/|=<>()\[\],@$+*-]|\.)
  | (?P<name>[A-Za-z_][\w.-]*(?::(?:[A-Za-z_][\w.-]*|\*))?)
  | (?P<other>.)
""", re.VERBOSE)

# XPath 1.0 functions whose results XPath 2.0 gives alike for the arguments allowed here.
_ANY_ARGUMENTS = frozenset({"not", "true", "false", "count", "boolean"})
_STRING_ARGUMENTS = frozenset({"string-length", "normalize-space", "contains", "starts-with", "concat",
                               "string", "translate", "substring-before", "substring-after"})
_NODE_ARGUMENT = frozenset({"name", "local-name", "namespace-uri"})
_NODE_TYPES = frozenset({"node", "text", "comment", "processing-instruction"})
_AXES = frozenset({"ancestor", "ancestor-or-self", "attribute", "child", "descendant", "descendant-or-self",
                   "following", "following-sibling", "parent", "preceding", "preceding-sibling", "self"})
_OPERATOR_NAMES = frozenset({"and", "or", "mod", "div"})
CURRENT = "tkx_current"  # the variable `current()` becomes


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


def _tokens(expression: str) -> list[_Token] | None:
    """The tokens of an XPath expression (names that are operators marked as such), or None."""
    found: list[_Token] = []
    for match in _TOKEN.finditer(expression):
        kind = match.lastgroup or "other"
        if kind == "space":
            continue
        if kind == "other":
            return None
        text = match.group()
        previous = found[-1] if found else None
        # XPath 1.0 3.7: after a token that can end an operand, a name or * is an operator
        ends_operand = previous is not None and not (
            previous.kind == "operator" or previous.text in ("@", "::", "(", "[", ",", "/", "//", "|", "=",
                                                             "!=", "<", ">", "<=", ">=", "+", "-", "$"))
        if ends_operand and (text in _OPERATOR_NAMES or text == "*"):
            kind = "operator"
        elif ends_operand and kind == "name":
            return None  # an XPath 2 operator (`eq`, `gt`, `except`, `instance of`…)
        found.append(_Token(kind, text))
    return found


def _call_arguments(tokens: list[_Token], open_index: int) -> tuple[list[list[_Token]], int]:
    """The argument token lists of a call whose '(' is at `open_index`, and the index of its ')'."""
    arguments: list[list[_Token]] = [[]]
    depth = 0
    for index in range(open_index + 1, len(tokens)):
        text = tokens[index].text
        if text in ("(", "["):
            depth += 1
        elif text in (")", "]"):
            if depth == 0:
                return ([] if arguments == [[]] else arguments), index
            depth -= 1
        elif text == "," and depth == 0:
            arguments.append([])
            continue
        arguments[-1].append(tokens[index])
    return arguments, len(tokens)


def _single(argument: list[_Token]) -> bool:
    """Whether an argument is surely one node or one string: `.`, `..`, `@name`, a literal, a
    string function's call."""
    texts = [t.text for t in argument]
    if texts in (["."], [".."]) or (len(texts) == 2 and texts[0] == "@" and argument[1].kind == "name"):
        return True
    if len(argument) == 1 and argument[0].kind in ("string", "number"):
        return True
    if len(argument) >= 3 and argument[0].kind == "name" and texts[1] == "(" and texts[-1] == ")" and (
            argument[0].text in _STRING_ARGUMENTS or argument[0].text in _NODE_ARGUMENT):
        _arguments, close = _call_arguments(argument, 1)
        return close == len(argument) - 1
    return False


def _numeric(tokens: list[_Token], index: int, before: bool) -> bool:
    """Whether the operand before (or after) the comparison at `index` is surely a number."""
    if before:
        if index == 0:
            return False
        if tokens[index - 1].kind == "number":
            return True
        if tokens[index - 1].text != ")":
            return False
        depth = 0
        for back in range(index - 1, -1, -1):  # find the call this ')' closes
            text = tokens[back].text
            if text == ")":
                depth += 1
            elif text == "(":
                depth -= 1
                if depth == 0:
                    return back > 0 and tokens[back - 1].text in ("count", "string-length")
        return False
    if index + 1 >= len(tokens):
        return False
    after = tokens[index + 1]
    return after.kind == "number" or (after.text in ("count", "string-length") and index + 2 < len(tokens)
                                      and tokens[index + 2].text == "(")


def accepts(expression: str, *, current: bool = False) -> bool:
    """Whether `expression` means the same in XPath 1.0 as in XPath 2.0 (see the module's doc).

    `current` allows `current()` (the caller passes the rule's node as `$tkx_current`).
    """
    tokens = _tokens(expression)
    if not tokens:
        return False
    for index, token in enumerate(tokens):
        following = tokens[index + 1].text if index + 1 < len(tokens) else ""
        if token.kind == "operator" and token.text in ("mod", "div", "*"):
            return False
        if token.text in ("+", "-", "$", ","):
            if token.text == "," and _inside_call(tokens, index):
                continue
            return False
        if token.text in ("<", ">", "<=", ">=") and not (_numeric(tokens, index, True)
                                                         or _numeric(tokens, index, False)):
            return False
        if token.kind == "name" and following == "::":
            if token.text not in _AXES:
                return False
            continue
        if token.kind == "name" and following == "(":
            name = token.text
            if name in _NODE_TYPES:
                continue
            arguments, _close = _call_arguments(tokens, index + 1)
            if name == "current":
                if not current or arguments:
                    return False
            elif name in _NODE_ARGUMENT:
                node = [t.text for t in arguments[0]] if arguments else ["."]
                if len(arguments) > 1 or node not in ([".."], ["."]):
                    return False
            elif name in _STRING_ARGUMENTS:
                if name == "string" and not arguments:
                    continue
                if not arguments or not all(_single(a) for a in arguments):
                    return False
            elif name not in _ANY_ARGUMENTS:
                return False
    return True


def _inside_call(tokens: list[_Token], index: int) -> bool:
    """Whether the ',' at `index` separates a function call's arguments (not an XPath 2 sequence)."""
    depth = 0
    for back in range(index - 1, -1, -1):
        text = tokens[back].text
        if text in (")", "]"):
            depth += 1
        elif text in ("(", "["):
            if depth == 0:
                return text == "(" and back > 0 and tokens[back - 1].kind == "name" \
                    and tokens[back - 1].text not in _NODE_TYPES
            depth -= 1
    return False


_VALUE_COMPARISON = re.compile(
    r"""(?P<left>@[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)\s+(?P<op>eq|ne)\s+(?P<right>"[^"]*"|'[^']*')""")


def as_xpath1(expression: str) -> str:
    """`@name eq 'text'` (and `ne`) written `@name = 'text'`: one attribute, compared with a string,
    is the same in both (an absent one is false either way). Strings in the expression stay as
    they are."""
    out, position = [], 0
    for match in re.finditer(r"""("[^"]*"|'[^']*')|""" + _VALUE_COMPARISON.pattern, expression):
        if match.group("left") is None:
            continue  # a string literal elsewhere
        out.append(expression[position:match.start()])
        operator = "=" if match.group("op") == "eq" else "!="
        out.append(f"{match.group('left')} {operator} {match.group('right')}")
        position = match.end()
    out.append(expression[position:])
    return "".join(out)


def _without_current(expression: str) -> str:
    """`expression` with each `current()` call written as the variable `$tkx_current`."""
    return re.sub(r"\bcurrent\s*\(\s*\)", f"${CURRENT}", expression)


# -------------------------------------------------------------------------------- the patterns

@dataclass(frozen=True)
class _Alternative:
    """One `|` branch of a rule context: the elements it can match and the predicates they need."""
    tag: str | None  # Clark name; None: any element carrying `attribute`
    attribute: str | None
    predicates: tuple[str, ...]


@dataclass(frozen=True)
class _Check:
    is_assert: bool
    test: str
    rule_id: str
    role: str | None
    flag: str | None
    message: tuple[tuple[str, str], ...]  # ("text", words) | ("value", XPath) | ("name", "")
    hints: tuple[tuple[tuple[str, str], ...], ...]
    uses_current: bool
    ancestors: tuple[str, ...]  # Clark names; the test can be true only inside one of them


@dataclass(frozen=True)
class FastRule:
    alternatives: tuple[_Alternative, ...]
    checks: tuple[_Check, ...]


@dataclass(frozen=True)
class FastPattern:
    """A pattern evaluated by libxml2 (see the module's doc)."""
    pattern_id: str
    rules: tuple[FastRule, ...]

    def tags(self) -> set[str]:
        """The elements this pattern's rules and ancestor shortcuts need gathered."""
        found = set()
        for rule in self.rules:
            found.update(a.tag for a in rule.alternatives if a.tag)
            for check in rule.checks:
                found.update(check.ancestors)
        return found

    def attributes(self) -> set[str]:
        return {a.attribute for rule in self.rules for a in rule.alternatives
                if a.tag is None and a.attribute}


NAME_TEST = re.compile(r"^(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*|\*)$")  # prefix:name, name, *
_REQUIRED_ATTRIBUTE = re.compile(r"^\s*@([A-Za-z_][\w.-]*)\s*$")


def _top_level_split(text: str, separator: str) -> list[str]:
    """`text` split at `separator` (a character or a word) outside brackets, parentheses and strings."""
    parts, depth, start, quote, index = [], 0, 0, "", 0
    word = separator.isalpha()

    def name_char(at: int) -> bool:
        return 0 <= at < len(text) and (text[at].isalnum() or text[at] in "_-.:")

    while index < len(text):
        char = text[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif depth == 0 and text.startswith(separator, index) and (
                not word or not (name_char(index - 1) or name_char(index + len(separator)))):
            parts.append(text[start:index])
            index += len(separator)
            start = index
            continue
        index += 1
    parts.append(text[start:])
    return parts


def _step_predicates(step: str) -> tuple[str, list[str]] | None:
    """A step split into its node test and its predicates' contents, or None."""
    bracket = step.find("[")
    if bracket < 0:
        return step.strip(), []
    test, rest = step[:bracket].strip(), step[bracket:].strip()
    predicates, depth, current, quote = [], 0, [], ""
    for char in rest:
        if quote:
            quote = "" if char == quote else quote
            current.append(char)
            continue
        if char in "'\"":
            quote = char
        if char == "[":
            depth += 1
            if depth == 1:
                current = []
                continue
        elif char == "]":
            depth -= 1
            if depth == 0:
                predicates.append("".join(current))
                continue
        if depth == 0:
            if not char.isspace():
                return None  # something after the predicates: not one step
            continue
        current.append(char)
    return (test, predicates) if depth == 0 else None


def _alternatives(context: str, prefixes: dict[str, str]) -> tuple[_Alternative, ...] | None:
    """A rule context as element alternatives, or None when it is not of the shapes handled."""
    found = []
    for branch in _top_level_split(context, "|"):
        branch = branch.strip()
        if not branch or "/" in without_predicates(branch):
            return None  # a path (`tei:rt/@to`, `a/b`): left to Saxon
        split = _step_predicates(branch)
        if split is None:
            return None
        test, predicates = split[0], [as_xpath1(p) for p in split[1]]
        match = NAME_TEST.match(test)
        if not match or any(not accepts(p) for p in predicates):
            return None
        if any(_positional(p) for p in predicates):
            return None
        prefix, local = match[1], match[2]
        if local == "*":
            required = next((m[1] for m in map(_REQUIRED_ATTRIBUTE.match, predicates) if m), None)
            if required is None or (prefix is not None and prefix not in prefixes):
                return None
            namespace = [f"self::{prefix}:*"] if prefix is not None else ["namespace-uri() = ''"]
            found.append(_Alternative(None, required, tuple(namespace + predicates)))
            continue
        if prefix is None or prefix not in prefixes:
            return None  # no-namespace names and undeclared prefixes: Saxon tells
        found.append(_Alternative(f"{{{prefixes[prefix]}}}{local}", None, tuple(predicates)))
    return tuple(found)


def _positional(predicate: str) -> bool:
    """A predicate that selects by position (`[1]`, `[last()]`): its meaning in a pattern differs."""
    tokens = _tokens(predicate) or []
    return (len(tokens) == 1 and tokens[0].kind == "number") or any(
        t.text in ("position", "last") for t in tokens)


_ANCESTOR_STEP = re.compile(r"^ancestor::([A-Za-z_][\w.-]*):([A-Za-z_][\w.-]*)(?:\[.*\])?$", re.DOTALL)


def _ancestors(test: str, prefixes: dict[str, str]) -> tuple[str, ...]:
    """For a report: the elements one of which the node must be inside for `test` to be true
    (a conjunct `ancestor::a:x or ancestor::a:y`, predicates allowed), or () if none is seen."""
    for conjunct in _top_level_split(_unparenthesised(test), "and"):
        names = []
        for disjunct in _top_level_split(_unparenthesised(conjunct), "or"):
            match = _ANCESTOR_STEP.match(_unparenthesised(disjunct))
            if not match or match[1] not in prefixes or not _step_predicates(match[0].split("::", 1)[1]):
                names = []
                break
            names.append(f"{{{prefixes[match[1]]}}}{match[2]}")
        if names:
            return tuple(names)
    return ()


def _unparenthesised(text: str) -> str:
    """`text` without parentheses that enclose all of it."""
    text = text.strip()
    while text.startswith("(") and text.endswith(")"):
        depth = 0
        for index, char in enumerate(text):
            depth += char == "("
            depth -= char == ")"
            if depth == 0 and index < len(text) - 1:
                return text
        text = text[1:-1].strip()
    return text


def _message(element: etree._Element) -> tuple[tuple[str, str], ...] | None:
    """An assert's, report's or diagnostic's content as pieces, or None if Saxon must write it."""
    pieces: list[tuple[str, str]] = []
    for kind, part in message_pieces(element):
        if kind == "text":
            pieces.append(("text", str(part)))
        elif kind == "value-of":
            select = part.get("select", ".")
            if not _single(_tokens(select) or []) or not accepts(select):
                return None
            pieces.append(("value", select))
        elif kind == "name" and not part.get("path"):
            pieces.append(("name", ""))
        else:
            return None  # sch:name/@path, XSLT in a message
    return tuple(pieces)


def fast_pattern(pattern: etree._Element, prefixes: dict[str, str],
                 diagnostics: dict[str, etree._Element]) -> FastPattern | None:
    """`pattern` as a FastPattern, or None when it must run on Saxon."""
    found = _fast_pattern(pattern, prefixes, diagnostics)
    if found is None:
        return None
    namespaces = tuple(sorted((p, u) for p, u in prefixes.items() if p))
    try:  # what the checks above let through must also be XPath 1.0 to libxml2
        for rule in found.rules:
            for alternative in rule.alternatives:
                _xpath("$n" + "".join(f"[{p}]" for p in alternative.predicates), namespaces)
            for check_ in rule.checks:
                _xpath(f"boolean({check_.test})", namespaces)
                for kind, value in (piece for pieces in (check_.message, *check_.hints) for piece in pieces):
                    if kind == "value":
                        _xpath(f"string({value})", namespaces)
    except etree.XPathError:
        return None
    return found


def _fast_pattern(pattern: etree._Element, prefixes: dict[str, str],
                  diagnostics: dict[str, etree._Element]) -> FastPattern | None:
    if pattern.get("documents") or pattern.get("is-a") or pattern.get("abstract") == "true":
        return None
    if pattern.find(f"{{{SCH}}}let") is not None or pattern.find(f"{{{SCH}}}param") is not None:
        return None
    rules = []
    for rule in pattern.iterchildren(f"{{{SCH}}}rule"):
        if rule.get("abstract") == "true" or rule.get("visit-each") or rule.get("subject"):
            return None
        if any(isinstance(c.tag, str) and c.tag not in (f"{{{SCH}}}assert", f"{{{SCH}}}report")
               for c in rule):
            return None  # sch:let, sch:extends and foreign elements
        alternatives = _alternatives(rule.get("context", ""), prefixes)
        if alternatives is None:
            return None
        checks = []
        for check in rule:
            if not isinstance(check.tag, str):
                continue
            test = as_xpath1(check.get("test") or "")
            if check.get("subject") or check.get("properties") or not accepts(test, current=True):
                return None
            is_assert = check.tag == f"{{{SCH}}}assert"
            uses_current = "current" in test and not accepts(test)
            message = _message(check)
            hints = []
            for ref in (check.get("diagnostics") or "").split():
                if ref not in diagnostics:
                    return None  # an unknown diagnostic: Saxon's compiler reports it
                hint = _message(diagnostics[ref])
                if hint is None:
                    return None
                hints.append(hint)
            if message is None:
                return None
            ancestors = () if is_assert else _ancestors(test, prefixes)
            if uses_current and not ancestors:
                return None  # per node, on every candidate: no faster than Saxon
            rule_id = check.get("id") or rule.get("id") or pattern.get("id") or ""
            role = check.get("role") or rule.get("role") or pattern.get("role")
            checks.append(_Check(is_assert, _without_current(test), rule_id, role,
                                 check.get("flag") or rule.get("flag"), message, tuple(hints), uses_current,
                                 ancestors))
        rules.append(FastRule(alternatives, tuple(checks)))
    if not rules:
        return None
    return FastPattern(pattern.get("id") or "", tuple(rules))


# -------------------------------------------------------------------------------- evaluation

@cache
def _xpath(expression: str, prefixes: tuple[tuple[str, str], ...]) -> etree.XPath:
    return etree.XPath(expression, namespaces=dict(prefixes), smart_strings=False)


def index_of(doc: Document, tags: frozenset[str], attributes: frozenset[str]) -> census.Census:
    """The document's elements of these names and those carrying these attributes: the census's
    walk, which the grammar and pointer checks make anyway, gathers them (once per document)."""
    return census.of(doc, tags=tags, attributes=attributes)


def needs_of(patterns: list[FastPattern]) -> tuple[frozenset[str], frozenset[str]]:
    """The element names and attribute names `patterns` gather."""
    return (frozenset().union(*(p.tags() for p in patterns)),
            frozenset().union(*(p.attributes() for p in patterns)))


def check(patterns: list[FastPattern], doc: Document, locator: Locator,
          prefixes: dict[str, str]) -> list[Diagnostic]:
    """The findings of `patterns` on `doc`, as the Saxon run would report them."""
    if not patterns:
        return []
    namespaces = tuple(sorted((p, u) for p, u in prefixes.items() if p))
    index = index_of(doc, *needs_of(patterns))
    root = doc.root
    found: list[Diagnostic] = []
    for pattern in patterns:
        claimed: set[etree._Element] = set()
        several = len(pattern.rules) > 1
        for rule in pattern.rules:
            matched: list[etree._Element] = []
            for alternative in rule.alternatives:
                pool = (index.by_tag.get(alternative.tag, []) if alternative.tag
                        else index.carrying.get(alternative.attribute or "", []))
                if pool and alternative.predicates:
                    pool = _xpath("$n" + "".join(f"[{p}]" for p in alternative.predicates), namespaces)(
                        root, n=pool)
                matched.extend(pool)
            if len(rule.alternatives) > 1:
                matched = _in_document_order(root, matched)
            if several:
                matched = [e for e in matched if e not in claimed]
                claimed.update(matched)
            if not matched:
                continue
            for check_ in rule.checks:
                found += _violations(check_, rule, matched, root, index.by_tag, namespaces, doc, locator)
    return found


def _in_document_order(root: etree._Element, elements: list[etree._Element]) -> list[etree._Element]:
    """Distinct elements in document order (an XPath union sorts them in C)."""
    return _xpath("$n | $n", ())(root, n=elements) if elements else []


def _violations(check_: _Check, rule: FastRule, matched: list[etree._Element], root: etree._Element,
                by_tag: dict[str, list[etree._Element]], namespaces: tuple[tuple[str, str], ...],
                doc: Document, locator: Locator) -> list[Diagnostic]:
    pool = matched
    if check_.ancestors:  # only the rule's nodes inside one of those ancestors can be reported
        # an ancestor without element children has no element inside it (len() is a count in C)
        anchors = [e for tag in check_.ancestors for e in by_tag.get(tag, []) if len(e)]
        if not anchors:
            return []
        tags = {a.tag for a in rule.alternatives}
        if None not in tags and len(matched) > 64:
            names = {uri: f"n{i}" for i, uri in enumerate(sorted({t[1:].split("}")[0] for t in tags}))}
            steps = " or ".join(f"self::{names[t[1:].split('}')[0]]}:{t.split('}')[1]}" for t in sorted(tags))
            inside = _xpath(f"$a/descendant::*[{steps}]", tuple((p, u) for u, p in names.items()))(
                root, a=anchors)
            if not inside:
                return []
            simple = len(rule.alternatives) == 1 and not rule.alternatives[0].predicates and \
                len(matched) == len(by_tag.get(rule.alternatives[0].tag, ()))
            if simple:  # the rule matches every element of its name: all those inside are its nodes
                pool = inside
            else:
                kept = set(matched)
                pool = [e for e in inside if e in kept]
        if not pool:
            return []
    if check_.uses_current:
        test = _xpath(f"boolean({check_.test})", namespaces)
        hits = [e for e in pool if test(e, **{CURRENT: e}) != check_.is_assert]
    else:
        condition = f"not({check_.test})" if check_.is_assert else check_.test
        hits = _xpath(f"$n[{condition}]", namespaces)(root, n=pool)
    found = []
    for element in hits:
        line, column = locator.position(element)
        hints = [_text(h, element, namespaces) for h in check_.hints]
        message = _text(check_.message, element, namespaces) or (
            f"assertion failed: {check_.test}" if check_.is_assert else f"report: {check_.test}")
        found.append(Diagnostic(doc.display, line, column, severity_of(check_.role, check_.flag),
                                check_.rule_id or "schematron", message,
                                hint="; ".join(h for h in hints if h), source="schematron"))
    return found


def _text(pieces: tuple[tuple[str, str], ...], element: etree._Element,
          namespaces: tuple[tuple[str, str], ...]) -> str:
    """A message's pieces evaluated on `element`, its whitespace collapsed as in the SVRL."""
    parts = []
    for kind, value in pieces:
        if kind == "text":
            parts.append(value)
        elif kind == "name":
            parts.append(_xpath("name()", ())(element))
        else:
            parts.append(_xpath(f"string({value})", namespaces)(element))
    return " ".join("".join(parts).split())
