"""Project configuration: `teikit.toml` at the project root, or `[tool.teikit]` in `pyproject.toml`.

The project root is the folder of that file, found by looking upwards from the
current folder; else the root of the git work tree; else the current folder.
Everything a document may reach beyond itself (XIncluded files, files read by
Schematron, the targets of cross-file pointers) must lie inside it.

A configuration holds the same settings as the command-line flags (see `keys`);
a flag given on the command line wins over the file. Mistakes in the file are
reported together, each at its line, before anything runs (exit code 2).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from teikit.config.keys import COMMON, SECTIONS, Key
from teikit.errors import TeikitError

CONFIG_FILE = "teikit.toml"


class ConfigError(TeikitError):
    """The configuration file is not valid TOML, or has unknown keys or bad values (exit code 2)."""


@dataclass(frozen=True)
class Config:
    root: Path  # the project root (absolute)
    file: Path | None = None  # teikit.toml or pyproject.toml, None when there is none
    common: dict[str, Any] = field(default_factory=dict)  # key name -> checked value
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)

    def get(self, section: str, name: str, default: Any = None) -> Any:
        found = self.sections.get(section, {})
        if name in found:
            return found[name]
        return self.common.get(name, default)


def find_root(start: Path | None = None) -> tuple[Path, Path | None]:
    """(project root, configuration file or None), looking upwards from `start` (the current folder)."""
    start = (start or Path.cwd()).resolve()
    git_root = None
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return folder, candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return folder, pyproject
        if (folder / ".git").exists():
            git_root = folder
            break  # a configuration above the work tree belongs to another project
    return (git_root or start), None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return bool(re.search(r"^\s*\[\s*tool\s*\.\s*teikit\s*[\].]", text, re.M))


def load_config(start: Path | None = None) -> Config:
    """The configuration that applies in `start` (the current folder), checked."""
    root, path = find_root(start)
    if path is None:
        return Config(root=root)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        loc = f":{where[1]}:{where[2]}" if where else ""
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(f"{_shown(path)}{loc}: not valid TOML: {message}",
                          hint="see https://toml.io for the syntax") from None
    prefix: tuple[str, ...] = ()
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("teikit", {})
        prefix = ("tool", "teikit")
    checker = _Checker(path, text, prefix)
    common: dict[str, Any] = {}
    sections: dict[str, dict[str, Any]] = {}
    for name, value in data.items():
        if name in SECTIONS:
            if not isinstance(value, dict):
                checker.problem((name,), f"{name} must be a table ([{name}])")
                continue
            sections[name] = {}
            for sub, subvalue in value.items():
                spec = next((k for k in (*SECTIONS[name], *COMMON) if k.name == sub), None)
                if spec is None:
                    checker.unknown((name, sub), [k.name for k in (*SECTIONS[name], *COMMON)])
                    continue
                sections[name][sub] = checker.value(spec, (name, sub), subvalue, root)
            continue
        spec = next((k for k in COMMON if k.name == name), None)
        if spec is None:
            checker.unknown((name,), [k.name for k in COMMON] + [f"[{s}]" for s in SECTIONS])
            continue
        common[name] = checker.value(spec, (name,), value, root)
    if checker.problems:
        raise ConfigError("\n".join(checker.problems),
                          hint="the keys are listed in teikit's README, section Configuration")
    return Config(root=root, file=path, common=common, sections=sections)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


_MISSING = object()


class _Checker:
    """Checks values against their keys; remembers every problem with the line it is on."""

    def __init__(self, path: Path, text: str, prefix: tuple[str, ...]):
        self.path, self.lines, self.prefix = path, text.splitlines(), prefix
        self.problems: list[str] = []

    def problem(self, where: tuple[str, ...], message: str) -> Any:
        self.problems.append(f"{_shown(self.path)}:{self.line_of(where)}: {message}")
        return _MISSING

    def unknown(self, where: tuple[str, ...], known: list[str]) -> None:
        import difflib

        close = difflib.get_close_matches(where[-1], known, n=1)
        guess = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(known)})"
        section = f" in [{'.'.join(self.prefix + where[:-1])}]" if len(self.prefix + where) > 1 else ""
        self.problem(where, f"unknown key {where[-1]!r}{section}{guess}")

    def line_of(self, where: tuple[str, ...]) -> int:
        """The line of a key: after its table's header when it has one, else the first `key =`."""
        table, name = self.prefix + where[:-1], where[-1]
        dotted = r"\s*\.\s*".join(map(re.escape, table))
        header = re.compile(r"^\s*\[\s*" + dotted + r"\s*\]") if table else None
        start = 0
        if header is not None:
            for number, line in enumerate(self.lines):
                if header.match(line):
                    start = number + 1
                    break
        assign = re.compile(r"""^\s*["']?""" + re.escape(name) + r"""["']?\s*=""")
        whole = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(map(re.escape, (*table, name))) + r"\s*\]")
        for number in range(start, len(self.lines)):
            line = self.lines[number]
            if assign.match(line) or whole.match(line):
                return number + 1
            if number > start and line.lstrip().startswith("[") and header is not None:
                break
        return start or 1

    def value(self, spec: Key, where: tuple[str, ...], value: Any, root: Path) -> Any:
        kind, name = spec.kind, ".".join(where)
        if kind == "bool":
            return value if isinstance(value, bool) else self.problem(where, f"{name} must be true or false")
        if kind == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                return self.problem(where, f"{name} must be a whole number, not {value!r}")
            if spec.minimum is not None and value < spec.minimum:
                return self.problem(where, f"{name} must be at least {spec.minimum}, not {value}")
            return value
        if kind in ("str", "path", "choice"):
            if not isinstance(value, str) or not value:
                return self.problem(where, f"{name} must be a non-empty string, not {value!r}")
            if kind == "choice" and value not in spec.choices:
                return self.problem(where, f"{name} must be one of {', '.join(spec.choices)}, not {value!r}")
            return str(root / value) if kind == "path" else value
        if kind.startswith("list["):
            item = kind[5:-1]
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                return self.problem(where, f"{name} must be a list of strings, e.g. [\"a\", \"b\"]")
            if item == "choice":
                bad = [v for v in value if v not in spec.choices]
                if bad:
                    return self.problem(where, f"{name}: {bad[0]!r} is not one of {', '.join(spec.choices)}")
            return [str(root / v) if item == "path" else v for v in value]
        if kind == "table[str]":
            if not isinstance(value, dict):
                return self.problem(where, f'{name} must be a table, '
                                           'e.g. { "pointer.unresolved" = "warning" }')
            for rule, level in value.items():
                if level not in spec.choices:
                    return self.problem(where, f"{name}: the severity of {rule!r} must be one of "
                                               f"{', '.join(spec.choices)}, not {level!r}")
            return dict(value)
        if kind == "table[length]":
            if not isinstance(value, dict):
                return self.problem(where, f'{name} must be a table, e.g. {{ top = "2cm" }}')
            for side, length in value.items():
                if side not in spec.choices:
                    return self.problem(where, f"{name}: unknown side {side!r} "
                                               f"(known: {', '.join(spec.choices)})")
                if not isinstance(length, str) or points(length) is None:
                    return self.problem(where, f"{name}.{side} must be a length such as \"2cm\", \"25mm\", "
                                               f"\"1in\" or \"72pt\", not {length!r}")
            return dict(value)
        raise AssertionError(kind)  # pragma: no cover - keys.py names only the kinds above


_UNITS = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}


def points(length: str) -> float | None:
    """A length such as "2.5cm" in PostScript points, or None when it is not one."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(pt|mm|cm|in)\s*", length)
    return float(match[1]) * _UNITS[match[2]] if match else None


def command_values(config: Config, section: str) -> dict[str, Any]:
    """{parameter name: value} of the configured keys that stand for `section`'s flags."""
    values: dict[str, Any] = {}
    for spec in (*COMMON, *SECTIONS.get(section, ())):
        value = config.get(section, spec.name, _MISSING)
        if value is _MISSING or not spec.param:
            continue
        if spec.invert:
            value = not value
        values[spec.param] = tuple(value) if isinstance(value, list) else value
    return values


__all__ = ["CONFIG_FILE", "Config", "ConfigError", "command_values", "find_root", "load_config"]
