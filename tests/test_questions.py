"""Question decks: the shipped deck, the Markdown format's rules and errors, user decks, selection."""

from __future__ import annotations

import random

import pytest

from poise.vision.practice.questions import (BUILTIN_DIR, QuestionError, all_questions, load_deck, load_decks, parse_deck,
                              pick_questions)


def test_builtin_deck_has_enough_questions_in_the_expected_categories():
    decks, problems = load_decks(user_dir=BUILTIN_DIR / "does-not-exist")
    assert problems == []
    questions = all_questions(decks)
    assert len(questions) >= 30
    cats = decks[0].categories
    assert cats[0] == "About you" and cats[-1] == "Closing"
    assert {"Behavioural", "Strengths and weaknesses"} <= set(cats)
    assert all(q.text.endswith(("?", ".")) for q in questions)
    assert len({q.text for q in questions}) == len(questions)
    # The category tip reaches every question of the category.
    beh = [q for q in questions if q.category == "Behavioural"]
    assert all("situation" in q.tip for q in beh)


def test_format_headings_bullets_continuations_tips_and_comments():
    deck = parse_deck(
        "<!-- a comment\nover two lines -->\n"
        "# Warm-up\nBreathe.\n\n- Tell me about\n  yourself.\n* Why us?\n\n"
        "## Closing ##\n- Any questions?\n",
        "Mine",
    )
    assert [(q.category, q.text, q.tip) for q in deck.questions] == [
        ("Warm-up", "Tell me about yourself.", "Breathe."),
        ("Warm-up", "Why us?", "Breathe."),
        ("Closing", "Any questions?", ""),
    ]
    assert deck.categories == ("Warm-up", "Closing")


@pytest.mark.parametrize("text, message", [
    ("- Why us?\n", "line 1: put a '# Category' heading"),
    ("# A\n- One?\n\nstray text\n", "line 4: expected a question"),
    ("# A\n- \n", "line 2: this bullet has no question text"),
    ("# A\n- One?\n# B\n", "category 'B' (line 3) has no questions"),
    ("# A\n- One?\n# A\n- Two?\n", "line 3: category 'A' appears twice"),
    ("", "has no questions"),
    ("<!-- open\n# A\n- One?\n", "never closed"),
    ("# A\n- " + "word " * 100 + "\n", "longer than"),
])
def test_format_errors_name_the_file_and_line(text, message):
    with pytest.raises(QuestionError) as err:
        parse_deck(text, "Mine")
    assert message in str(err.value)
    assert "Mine" in str(err.value)


def test_user_decks_are_added_and_a_broken_one_is_reported_not_fatal(tmp_path):
    (tmp_path / "my-tech-round.md").write_text("# Technical\n- Explain a hash map.\n", encoding="utf-8")
    (tmp_path / "broken.md").write_text("- no heading\n", encoding="utf-8")
    (tmp_path / "latin1.md").write_bytes("# Caf\xe9\n- ?\n".encode("latin-1"))
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    decks, problems = load_decks(user_dir=tmp_path)
    names = [d.name for d in decks]
    assert "My tech round" in names and "Common" in names
    assert len(problems) == 2
    assert any("broken.md, line 1" in p for p in problems)
    assert any("latin1.md is not a UTF-8 text file" in p for p in problems)


def test_load_deck_missing_file_and_folder_give_sentences(tmp_path):
    with pytest.raises(QuestionError, match="does not exist"):
        load_deck(tmp_path / "nope.md")
    with pytest.raises(QuestionError, match="is a folder"):
        load_deck(tmp_path)


def test_pick_spreads_over_categories_in_file_order_and_is_seeded():
    questions = all_questions(load_decks(user_dir=BUILTIN_DIR / "none")[0])
    picked = pick_questions(questions, 6, random.Random(1))
    cats = [q.category for q in picked]
    assert len(picked) == 6 and len({q.text for q in picked}) == 6
    assert cats[0] == "About you" and cats[-1] == "Closing"
    assert len(set(cats)) == 5  # every category once, the extra one to the largest
    order = ["About you", "Behavioural", "Strengths and weaknesses", "Situational", "Closing"]
    assert cats == sorted(cats, key=order.index)
    assert picked == pick_questions(questions, 6, random.Random(1))
    assert picked != pick_questions(questions, 6, random.Random(2))
    # Fewer questions than categories: open and close first.
    two = pick_questions(questions, 2, random.Random(0))
    assert [q.category for q in two] == ["About you", "Closing"]
    assert len(pick_questions(questions, 1000)) == len(questions)
    only = pick_questions(questions, 3, categories=["Behavioural"])
    assert {q.category for q in only} == {"Behavioural"}
