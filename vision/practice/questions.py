"""Interview question decks: a plain Markdown format, loading from assets and the user folder, selection."""

from __future__ import annotations

import logging
import math
import os
import random
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

from poise.vision.sessions.store import data_dir as resolve_data_dir

logger = logging.getLogger(__name__)

#: The decks shipped with Poise: the repository's assets/questions, installed as package data of
#: `poise.assets` (pyproject.toml maps the folder), so a regular install finds them too.
BUILTIN_DIR = Path(str(resources.files("poise.assets") / "questions"))
#: Users add decks by dropping ``*.md`` files here, inside the Poise data directory.
USER_SUBDIR = "questions"
DECK_SUFFIX = ".md"
# A question longer than this is almost certainly two paragraphs glued together by a missing
# blank line or bullet; it would not fit the interview screen at a readable size either.
MAX_QUESTION_CHARS = 400
# Decks larger than this are refused rather than parsed (a wrongly dropped file, not a deck).
MAX_DECK_BYTES = 1_000_000

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^[-*](?:\s+(.*))?$")


class QuestionError(ValueError):
    """A deck file cannot be used; the message is one sentence naming the file and line."""


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    category: str
    tip: str = ""
    deck: str = ""


@dataclass(frozen=True, slots=True)
class Deck:
    name: str
    path: Path | None
    questions: tuple[Question, ...]

    @property
    def categories(self) -> tuple[str, ...]:
        """Category names in the order they first appear in the file."""
        return tuple(dict.fromkeys(q.category for q in self.questions))


def deck_name(path: Path) -> str:
    """'behavioural-extra.md' -> 'Behavioural extra'."""
    words = re.sub(r"[-_]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:] if words else path.name


def parse_deck(text: str, name: str = "Questions", path: Path | None = None) -> Deck:
    """Parse the Markdown deck format (see assets/questions/common.md); raises QuestionError."""
    where = path.name if path is not None else name
    questions: list[Question] = []
    category: str | None = None
    tip_lines: list[str] = []
    current: list[str] | None = None  # lines of the question being read
    counts: dict[str, int] = {}
    heading_line: dict[str, int] = {}

    def close_question() -> None:
        nonlocal current
        if current is None:
            return
        text_ = " ".join(current).strip()
        current = None
        assert category is not None
        questions.append(Question(text_, category, " ".join(tip_lines).strip(), name))
        counts[category] = counts.get(category, 0) + 1

    lines = _strip_comments(text, where).splitlines()
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if not line.strip():
            close_question()
            continue
        heading = _HEADING.match(line)
        if heading:
            close_question()
            category = heading.group(2).strip()
            if not category:
                raise QuestionError(f"{where}, line {number}: the heading has no category name after '#'.")
            if category in heading_line:
                raise QuestionError(f"{where}, line {number}: category '{category}' appears twice "
                                    f"(first on line {heading_line[category]}); merge the two lists.")
            heading_line[category] = number
            counts.setdefault(category, 0)
            tip_lines = []
            continue
        bullet = _BULLET.match(line.lstrip()) if not raw[:1].isspace() or current is None else None
        if bullet:
            close_question()
            if category is None:
                raise QuestionError(f"{where}, line {number}: put a '# Category' heading above the first question.")
            body = (bullet.group(1) or "").strip()
            if not body:
                raise QuestionError(f"{where}, line {number}: this bullet has no question text.")
            current = [body]
        elif current is not None and raw[:1].isspace():
            current.append(line.strip())  # an indented line continues the question
        elif category is not None and counts.get(category, 0) == 0 and current is None:
            tip_lines.append(line.strip())  # text under a heading, before its questions
        else:
            raise QuestionError(f"{where}, line {number}: expected a question starting with '- ' "
                                f"or a '# Category' heading, found {line.strip()[:40]!r}.")
        if current is not None and len(" ".join(current)) > MAX_QUESTION_CHARS:
            raise QuestionError(f"{where}, line {number}: a question is longer than {MAX_QUESTION_CHARS} "
                                "characters; is a blank line or a '- ' missing?")
    close_question()
    empty = [c for c, n in counts.items() if n == 0]
    if empty:
        raise QuestionError(f"{where}: category '{empty[0]}' (line {heading_line[empty[0]]}) has no questions; "
                            "add some as '- ' bullets or remove the heading.")
    if not questions:
        raise QuestionError(f"{where} has no questions: write a '# Category' heading and then "
                            "one question per line starting with '- '.")
    return Deck(name, path, tuple(questions))


def _strip_comments(text: str, where: str) -> str:
    """Blank out <!-- ... --> comments, keeping line numbers."""
    if text.count("<!--") != text.count("-->"):
        raise QuestionError(f"{where}: a comment opened with '<!--' is never closed with '-->'.")
    return re.sub(r"<!--.*?-->", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)


def load_deck(path: str | os.PathLike) -> Deck:
    """Read and parse one deck file; raises QuestionError with a user sentence."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_DECK_BYTES:
            raise QuestionError(f"{p.name} is larger than {MAX_DECK_BYTES // 1000} kB; it does not look like a question deck.")
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise QuestionError(f"The question deck {p} does not exist.") from None
    except IsADirectoryError:
        raise QuestionError(f"{p} is a folder, not a question deck file.") from None
    except UnicodeDecodeError:
        raise QuestionError(f"{p.name} is not a UTF-8 text file; save it as plain text (UTF-8).") from None
    except OSError as exc:
        raise QuestionError(f"The question deck {p} cannot be read: {exc.strerror or exc}.") from None
    return parse_deck(text, deck_name(p), p)


def user_deck_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The folder where users drop their own decks (inside the Poise data directory)."""
    return resolve_data_dir(data_dir) / USER_SUBDIR


def load_decks(user_dir: str | os.PathLike | None = None, builtin_dir: Path = BUILTIN_DIR
               ) -> tuple[list[Deck], list[str]]:
    """Built-in decks, then the user's; returns (decks, problems with user decks as sentences).

    A broken user deck is reported and skipped, never fatal; a broken built-in deck is a bug
    and raises.
    """
    decks = [load_deck(p) for p in sorted(builtin_dir.glob(f"*{DECK_SUFFIX}"))]
    problems: list[str] = []
    folder = Path(user_dir) if user_dir is not None else user_deck_dir()
    if folder.is_dir():
        for p in sorted(folder.glob(f"*{DECK_SUFFIX}")):
            try:
                decks.append(load_deck(p))
            except QuestionError as exc:
                logger.warning("skipping question deck: %s", exc)
                problems.append(str(exc))
    return decks, problems


def all_questions(decks: Iterable[Deck]) -> list[Question]:
    return [q for d in decks for q in d.questions]


def pick_questions(questions: Sequence[Question], count: int, rng: random.Random | None = None,
                   categories: Iterable[str] | None = None) -> list[Question]:
    """A mock interview's questions: spread over the categories, in the order categories first
    appear (so "about you" opens and "closing" ends), random within each category.

    Each category gets a share proportional to its size (largest remainder), and at least one
    question when ``count`` allows; duplicates (same text) are dropped.
    """
    rng = rng or random.Random()
    wanted = None if categories is None else set(categories)
    pool: dict[str, list[Question]] = {}
    seen: set[str] = set()
    for q in questions:
        key = q.text.casefold()
        if key in seen or (wanted is not None and q.category not in wanted):
            continue
        seen.add(key)
        pool.setdefault(q.category, []).append(q)
    total = sum(len(v) for v in pool.values())
    count = max(0, min(count, total))
    if count == 0:
        return []
    alloc = _allocate(count, [len(v) for v in pool.values()])
    out: list[Question] = []
    for (cat, qs), n in zip(pool.items(), alloc):
        out.extend(rng.sample(qs, n))
    return out


def _allocate(count: int, sizes: list[int]) -> list[int]:
    """Split ``count`` over groups of ``sizes``: one each first (when possible), then proportionally."""
    alloc = [0] * len(sizes)
    if count >= len(sizes):
        alloc = [1 if s else 0 for s in sizes]
    else:
        # Fewer questions than categories: keep the opening and closing ones first.
        order = [0, len(sizes) - 1] + list(range(1, len(sizes) - 1))
        for i in order[:count]:
            alloc[i] = 1
        return alloc
    left = count - sum(alloc)
    room = [s - a for s, a in zip(sizes, alloc)]
    if left > 0 and sum(room) > 0:
        quotas = [left * r / sum(room) for r in room]
        extra = [min(math.floor(q), r) for q, r in zip(quotas, room)]
        alloc = [a + e for a, e in zip(alloc, extra)]
        left -= sum(extra)
        by_remainder = sorted(range(len(sizes)), key=lambda i: quotas[i] - math.floor(quotas[i]), reverse=True)
        while left > 0:
            for i in by_remainder:
                if left and alloc[i] < sizes[i]:
                    alloc[i] += 1
                    left -= 1
    return alloc
