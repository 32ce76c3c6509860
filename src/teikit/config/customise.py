"""The customisation layer: a project's [build] keys turned into the writers' options.

Project CSS is read here and added after teikit's stylesheet; project stylesheets
(which import teikit's through the `teikit:` scheme, e.g. `teikit:html.xsl`) replace
teikit's for their format; PDF keys become inputs of the Typst template (numbers and
names, never Typst code). Everything these options hold is content or a digest of it,
so a changed customisation changes the build cache's key and rebuilds what it affects.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from teikit.config import Config, ConfigError, points
from teikit.write import BuildOptions

STYLESHEET_KEYS = {"html": "html-stylesheet", "pdf": "pdf-stylesheet", "txt": "text-stylesheet"}


def _inside(config: Config, key: str, path: Path) -> Path:
    resolved = Path(path).resolve()
    if not resolved.is_relative_to(config.root):
        raise ConfigError(f"{config.file}: [build] {key} names {path}, outside the project root "
                          f"{config.root}",
                          hint="customisation files must live inside the project")
    if not resolved.exists():
        raise ConfigError(f"{config.file}: [build] {key} names {path}, which does not exist")
    return resolved


def _digest(paths: list[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


def build_options(config: Config, width: int = BuildOptions.width) -> BuildOptions:
    """BuildOptions with the project's customisation (none without a configuration)."""
    css_parts = []
    for name in config.get("build", "css", ()):
        path = _inside(config, "css", Path(name))
        try:
            css_parts.append(f"/* {path.name} */\n" + path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the project CSS: {exc}") from None
    stylesheets = []
    for fmt, key in STYLESHEET_KEYS.items():
        name = config.get("build", key)
        if name:
            path = _inside(config, key, Path(name))
            # the stylesheet and every file beside it or below (its own imports)
            folder = sorted(p for p in path.parent.rglob("*.xsl*") if p.is_file())
            stylesheets.append((fmt, str(path), _digest(folder)))
    pdf: list[tuple[str, str]] = []
    if config.get("build", "paper"):
        pdf.append(("paper", config.get("build", "paper")))
    for side, length in sorted((config.get("build", "margin") or {}).items()):
        pdf.append((f"margin-{side}", f"{points(length):.3f}"))
    if config.get("build", "fonts"):
        pdf.append(("fonts", "\n".join(config.get("build", "fonts"))))
    if config.get("build", "running-heads") is False:
        pdf.append(("running-heads", "no"))
    font_dirs = tuple(str(_inside(config, "font-dirs", Path(d)))
                      for d in config.get("build", "font-dirs", ()))
    folders = tuple(str(_inside(config, "pointer-folders", Path(d)))
                    for d in config.get("validate", "pointer-folders", ()))
    return BuildOptions(width=width, css="\n".join(css_parts), stylesheets=tuple(stylesheets),
                        pdf=tuple(pdf), font_dirs=font_dirs, pointer_folders=folders)
