"""Every word a person reads comes from YAML under content/, looked up by key.

`content/<language>/<file>.yaml` holds nested mappings; a text's key is the file name
followed by its path, e.g. `onboarding.ask_name`. Strings are texts people read; lists of
strings are words people might type (synonyms used to match answers), never shown.
Placeholders are `{name}`-style and must be declared in `content/placeholders.yaml`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_LANGUAGE = "en"
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
CONTENT_ROOT = Path(__file__).resolve().parents[2] / "content"


class ContentLoader(yaml.SafeLoader):
    """YAML where yes, no, on and off stay words: content is full of them."""


ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
ContentLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=ContentLoader)  # a SafeLoader subclass: safe


class ContentError(Exception):
    """A missing key, a missing placeholder value, or a malformed content file."""


@dataclass(frozen=True)
class Placeholder:
    name: str
    example: str
    about: str


def _flatten(prefix: str, node: Any, texts: dict[str, str], words: dict[str, tuple[str, ...]],
             source: str) -> None:
    if isinstance(node, str):
        texts[prefix] = node.strip()
    elif isinstance(node, list):
        if not all(isinstance(item, str | int) for item in node):
            raise ContentError(f"{source}: {prefix} must be a list of words")
        words[prefix] = tuple(str(item).strip() for item in node)
    elif isinstance(node, Mapping):
        for key, child in node.items():
            _flatten(f"{prefix}.{key}", child, texts, words, source)
    else:
        raise ContentError(f"{source}: {prefix} has a value that is neither text nor words")


Texts = dict[str, str]
Words = dict[str, tuple[str, ...]]


def load_language_files(folder: Path) -> tuple[Texts, Words, dict[str, str]]:
    """Texts, word lists and, for each key, the file it came from."""
    texts: dict[str, str] = {}
    words: dict[str, tuple[str, ...]] = {}
    origin: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        data = load_yaml(path) or {}
        if not isinstance(data, Mapping):
            raise ContentError(f"{path}: the top level must be a mapping of keys")
        before = set(texts) | set(words)
        _flatten(path.stem, data, texts, words, str(path))
        for key in (set(texts) | set(words)) - before:
            origin[key] = str(path)
    return texts, words, origin


def load_placeholders(root: Path) -> dict[str, Placeholder]:
    path = root / "placeholders.yaml"
    data = load_yaml(path) or {}
    return {
        name: Placeholder(name, str(spec.get("example", "")), str(spec.get("about", "")))
        for name, spec in data.items()
    }


def fill(template: str, params: Mapping[str, object]) -> str:
    """Replace `{name}` placeholders; unlike str.format, braces never reach code."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            raise ContentError(f"no value given for placeholder {{{name}}}")
        return str(params[name])

    return PLACEHOLDER.sub(replace, template)


class Content:
    """The texts of one language, falling back to English for anything not yet translated."""

    def __init__(self, texts: dict[str, str], words: dict[str, tuple[str, ...]],
                 language: str = DEFAULT_LANGUAGE, fallback: Content | None = None,
                 folder: Path | None = None) -> None:
        self.language = language
        self.folder = folder  # where its files are (data beside the texts, e.g. examples)
        self._texts = texts
        self._words = words
        self._fallback = fallback
        self._children: dict[str, tuple[str, ...]] = {}

    def text(self, key: str, **params: object) -> str:
        template = self._texts.get(key)
        if template is None:
            if self._fallback is not None:
                return self._fallback.text(key, **params)
            raise ContentError(f"no text for key {key!r}")
        return fill(template, params)

    def words(self, key: str) -> tuple[str, ...]:
        found = self._words.get(key)
        if found is None:
            if self._fallback is not None:
                return self._fallback.words(key)
            return ()
        return found

    def has(self, key: str) -> bool:
        return key in self._texts or (self._fallback is not None and self._fallback.has(key))

    def keys_under(self, prefix: str) -> Iterator[str]:
        """Child names directly under `prefix`, in file order (e.g. the ids of an option list)."""
        children = self._children.get(prefix)
        if children is None:
            found: dict[str, None] = {}
            dotted = prefix + "."
            for key in [*self._texts, *self._words]:
                if key.startswith(dotted):
                    found.setdefault(key[len(dotted):].split(".", 1)[0], None)
            children = self._children[prefix] = tuple(found)
        return iter(children)

    def all_texts(self) -> Mapping[str, str]:
        return self._texts


def is_language_folder(path: Path) -> bool:
    """`en`, `pa`, `pt-BR` hold texts; other folders (such as `places`) hold other data."""
    return path.is_dir() and bool(_LANGUAGE_CODE.match(path.name)) and any(path.glob("*.yaml"))


@cache
def library(root: Path = CONTENT_ROOT) -> ContentLibrary:
    return ContentLibrary(root)


class ContentLibrary:
    """All languages under one content root, loaded once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        base_texts, base_words, _ = load_language_files(root / DEFAULT_LANGUAGE)
        self._languages: dict[str, Content] = {
            DEFAULT_LANGUAGE: Content(base_texts, base_words, DEFAULT_LANGUAGE,
                                      folder=root / DEFAULT_LANGUAGE)
        }
        for folder in sorted(p for p in root.iterdir() if is_language_folder(p)):
            if folder.name == DEFAULT_LANGUAGE:
                continue
            texts, words, _ = load_language_files(folder)
            self._languages[folder.name] = Content(
                texts, words, folder.name, fallback=self._languages[DEFAULT_LANGUAGE],
                folder=folder)

    @property
    def languages(self) -> list[str]:
        return list(self._languages)

    def for_language(self, language: str | None) -> Content:
        return self._languages.get(language or DEFAULT_LANGUAGE, self._languages[DEFAULT_LANGUAGE])
