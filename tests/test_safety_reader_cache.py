"""The second reader's cache (second_reader.py): trained once, loaded afterwards, and never
trusted when it might be wrong. A loaded reader reads exactly as a freshly trained one; a
changed example or lexicon trains again; a damaged file is replaced; a folder that cannot be
written to, or several processes writing at once, break nothing."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.core.content import Content, library
from bot.safety import second_reader
from bot.safety.lexicon import KEY, Lexicon
from bot.safety.normalise import Normaliser
from bot.safety.patterns import words_of
from bot.safety.screen import SafetyScreen, mending_key
from bot.safety.second_reader import (
    CACHE_PREFIX,
    SecondReader,
    cache_folder,
    cache_key,
    load_examples,
)

CONTENT = library().for_language("en")
assert CONTENT.folder is not None
EXAMPLES = CONTENT.folder / "safety_examples"

# A few examples train in milliseconds: enough for everything but the exactness test.
SMALL = [
    ("chest_pain", "my chest hurts so much"), ("chest_pain", "crushing pain in my chest"),
    ("chest_pain", "tight band round my chest"), ("breathing", "i cant breathe at all"),
    ("breathing", "cant catch my breath"), ("crisis", "i want to end it all"),
    ("crisis", "no point going on"), ("none", "lovely walk today"),
    ("none", "see you at the park"), ("none", "my knees are fine now"),
    ("medical_question", "is it ok to walk after a stroke"),
    ("medical_question", "can i swim with angina"),
] * 2


def mend(text: str) -> list[str]:
    return text.lower().split()


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{CACHE_PREFIX}*.npz"))


def test_a_loaded_reader_reads_exactly_as_a_freshly_trained_one(tmp_path: Path) -> None:
    lexicon = Lexicon.from_content(CONTENT)
    vocabulary = [w for phrases in lexicon.targets.values() for p in phrases
                  for w in words_of(p)]
    normaliser = Normaliser(lexicon.spellings, vocabulary)
    mending = mending_key(lexicon.spellings, vocabulary)
    examples = load_examples(EXAMPLES)
    trained = SecondReader.cached(examples, normaliser.words, tmp_path, mending)
    assert trained.loaded_from is None
    [saved] = cache_files(tmp_path)
    loaded = SecondReader.cached(examples, normaliser.words, tmp_path, mending)
    assert loaded.loaded_from == saved
    assert loaded.classes == trained.classes
    texts = [trained.text(t) for _, t in examples] + ["", "zzz qqq", "!"]
    for text in texts:
        fresh, kept = trained._probabilities(text), loaded._probabilities(text)
        assert np.abs(fresh - kept).max() < 1e-9, text
        assert loaded.read_words(text.split()) == trained.read_words(text.split()), text


def test_changed_examples_or_mending_train_again(tmp_path: Path) -> None:
    first = SecondReader.cached(SMALL, mend, tmp_path, "m1")
    assert first.loaded_from is None and len(cache_files(tmp_path)) == 1
    changed = [*SMALL[:-1], ("none", "a different last line")]
    assert SecondReader.cached(changed, mend, tmp_path, "m1").loaded_from is None
    assert SecondReader.cached(SMALL, mend, tmp_path, "m2").loaded_from is None
    assert len(cache_files(tmp_path)) == 3
    # Each is kept under its own key: going back loads.
    assert SecondReader.cached(SMALL, mend, tmp_path, "m1").loaded_from is not None
    assert SecondReader.cached(changed, mend, tmp_path, "m1").loaded_from is not None


def test_a_changed_example_file_changes_the_key(tmp_path: Path) -> None:
    (tmp_path / "set_x.tsv").write_text(
        "".join(f"{label}\tplain\t{text}\n" for label, text in SMALL), encoding="utf-8")
    before = cache_key(load_examples(tmp_path), "m")
    assert cache_key(load_examples(tmp_path), "m") == before
    with (tmp_path / "set_x.tsv").open("a", encoding="utf-8") as handle:
        handle.write("none\tplain\tone more line\n")
    assert cache_key(load_examples(tmp_path), "m") != before


def test_a_changed_lexicon_changes_the_mending_key() -> None:
    lexicon = Lexicon.from_content(CONTENT)
    vocabulary = [w for phrases in lexicon.targets.values() for p in phrases
                  for w in words_of(p)]
    key = mending_key(lexicon.spellings, vocabulary)
    assert mending_key(lexicon.spellings, list(reversed(vocabulary))) == key
    canonical = next(iter(lexicon.spellings))
    spellings = {**lexicon.spellings,
                 canonical: (*lexicon.spellings[canonical], "zzqqx")}
    assert mending_key(spellings, vocabulary) != key
    assert mending_key(lexicon.spellings, [*vocabulary, "zzqqx"]) != key


def test_the_screen_loads_its_reader_and_a_changed_lexicon_trains_again(tmp_path: Path
                                                                        ) -> None:
    examples, cache = tmp_path / "examples", tmp_path / "cache"
    examples.mkdir()
    (examples / "set_x.tsv").write_text(
        "".join(f"{label}\tplain\t{text}\n" for label, text in SMALL), encoding="utf-8")
    first = SafetyScreen.from_content(CONTENT, examples=examples, cache=cache)
    assert first.second is not None and first.second.loaded_from is None
    again = SafetyScreen.from_content(CONTENT, examples=examples, cache=cache)
    assert again.second is not None and again.second.loaded_from is not None
    message = "my chest hurts so much"
    assert again.second.read(message) == first.second.read(message)
    # A new spelling in the lexicon: the mending may differ, so the reader is trained again.
    words = dict(CONTENT._words)
    spelling = f"{KEY}.spellings.{next(CONTENT.keys_under(f'{KEY}.spellings'))}"
    words[spelling] = (*words[spelling], "zzqqx")
    changed = Content(dict(CONTENT.all_texts()), words, "en", folder=CONTENT.folder)
    other = SafetyScreen.from_content(changed, examples=examples, cache=cache)
    assert other.second is not None and other.second.loaded_from is None
    assert len(cache_files(cache)) == 2


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])


def _garbage(path: Path) -> None:
    path.write_bytes(b"not a numpy file at all" * 100)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _pickled(path: Path) -> None:
    with path.open("wb") as handle:
        np.save(handle, np.array([{"a": 1}], dtype=object), allow_pickle=True)


def _other_key(path: Path) -> None:
    # A whole, valid file, but made from other examples: must not be believed.
    other = path.parent / "other"
    SecondReader.cached([*SMALL, ("none", "something else")], mend, other, "m")
    [made] = cache_files(other)
    os.replace(made, path)


def _wrong_shape(path: Path) -> None:
    with np.load(path, allow_pickle=False) as saved:
        arrays = {name: saved[name] for name in saved.files}
    arrays["weights"] = arrays["weights"][:-1]
    with path.open("wb") as handle:
        np.savez(handle, **arrays)


@pytest.mark.parametrize("damage", [_truncate, _garbage, _empty, _pickled, _other_key,
                                    _wrong_shape])
def test_a_damaged_cache_file_is_trained_again_and_replaced(tmp_path: Path, damage: Any
                                                            ) -> None:
    trained = SecondReader.cached(SMALL, mend, tmp_path, "m")
    [path] = cache_files(tmp_path)
    damage(path)
    again = SecondReader.cached(SMALL, mend, tmp_path, "m")
    assert again.loaded_from is None
    assert again.read("my chest hurts") == trained.read("my chest hurts")
    loaded = SecondReader.cached(SMALL, mend, tmp_path, "m")
    assert loaded.loaded_from == path
    assert loaded.read("my chest hurts") == trained.read("my chest hurts")


def test_a_folder_that_cannot_be_written_to_still_gives_a_reader(tmp_path: Path) -> None:
    read_only = tmp_path / "read_only"
    read_only.mkdir()
    read_only.chmod(0o555)
    try:
        reader = SecondReader.cached(SMALL, mend, read_only, "m")
        assert reader.read("i cant breathe").urgent_label == "breathing"
        if os.geteuid() != 0:  # root writes anywhere
            assert not list(read_only.iterdir())
    finally:
        read_only.chmod(0o755)
    blocked = tmp_path / "a_file"
    blocked.write_text("in the way", encoding="utf-8")
    reader = SecondReader.cached(SMALL, mend, blocked / "cache", "m")
    assert reader.loaded_from is None
    assert reader.read("i cant breathe").urgent_label == "breathing"


def _start_worker(folder: str, barrier: Any) -> None:
    barrier.wait()
    reader = SecondReader.cached(SMALL, mend, Path(folder), "m")
    assert reader.read("i cant breathe").urgent_label == "breathing"


def test_workers_starting_at_once_leave_one_whole_file(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(4)
    workers = [context.Process(target=_start_worker, args=(str(tmp_path), barrier))
               for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    [path] = cache_files(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temporary left
    assert SecondReader.cached(SMALL, mend, tmp_path, "m").loaded_from == path


def test_only_the_most_recently_used_files_are_kept(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(second_reader, "KEEP_FILES", 2)
    for age, mending in ((200, "a"), (100, "b"), (0, "c")):
        SecondReader.cached(SMALL, mend, tmp_path, mending)
        made = tmp_path / f"{CACHE_PREFIX}{cache_key(SMALL, mending)[:32]}.npz"
        os.utime(made, (time.time() - age, time.time() - age))
    assert len(cache_files(tmp_path)) == 2
    assert SecondReader.cached(SMALL, mend, tmp_path, "a").loaded_from is None
    assert SecondReader.cached(SMALL, mend, tmp_path, "c").loaded_from is not None


def test_the_cache_folder_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                       ) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("CACHE_DIR", raising=False)
    assert cache_folder() == Path("data/cache")
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "elsewhere"))
    assert cache_folder() == tmp_path / "elsewhere"
