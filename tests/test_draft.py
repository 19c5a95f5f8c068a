"""`python -m bot draft` as a maintainer runs it (a subprocess), checked on the files it writes: the first
assessment's own text drafted into an empty knowledge directory and compared with the hand-made file,
a made-up second text drafted beside the real knowledge base and asked about, the series fixture's
text drafted, reviewed and validated as README.md, "Adding the next assessment", says, and a text
with no date."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.knowledge import KnowledgeBase, fold_whitespace
from tests.conftest import KNOWLEDGE_DIR, NEXT_ASSESSMENT_TEXT, PROJECT_ROOT
from tests.test_cli import run_cli

FIRST_TEXT = KNOWLEDGE_DIR / "sources" / "herbst-2025-05.txt"
SECOND_TEXT = PROJECT_ROOT / "tests" / "fixtures" / "draft" / "second-assessment.txt"
SHARED_FILES = ("conversation.yaml", "shared.yaml", "vocabulary.yaml")  # what the series shares, as shipped
# The first assessment's date expressions, as the article writes them.
FIRST_DATES = ("three years ago", "mid-March", "late March", "that same month", "late April", "February 28", "April 30",
               "last weekend", "May 12", "this week", "On Thursday", "May 16, 2025")
REVIEW_LINE = re.compile(r"^\s*review:.*\n", re.MULTILINE)


def empty_knowledge(directory: Path) -> Path:
    """A knowledge directory with no assessment: the vocabulary, the phrasebook and the shared out-of-scope kinds."""
    directory.mkdir(parents=True)
    for name in SHARED_FILES:
        shutil.copy(KNOWLEDGE_DIR / name, directory / name)
    return directory


def draft(*args: str, knowledge: Path) -> tuple[int, str]:
    proc = run_cli("draft", *args, env={"KNOWLEDGE_DIR": str(knowledge)})
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def first_draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first assessment's text drafted, untouched, into an empty knowledge directory."""
    knowledge = empty_knowledge(tmp_path_factory.mktemp("first") / "knowledge")
    status, output = draft(str(FIRST_TEXT), knowledge=knowledge)
    assert status == 0, output
    assert f"Drafted {knowledge / 'herbst-2025-05.yaml'}" in output
    return knowledge / "herbst-2025-05.yaml"


def drafted(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_draft_validates_with_only_its_review_marks_as_warnings(first_draft: Path) -> None:
    proc = run_cli("validate", str(first_draft.parent))
    assert proc.returncode == 0, proc.stdout
    lines = [line for line in proc.stdout.splitlines() if line.startswith("knowledge/")]
    marks = len(REVIEW_LINE.findall(first_draft.read_text(encoding="utf-8")))
    assert marks >= 40 and len(lines) == marks
    assert all(": warning: marked for review" in line for line in lines)
    assert f"{marks} warnings" in proc.stdout


def test_strict_validation_fails_until_every_mark_is_removed(first_draft: Path, tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(first_draft.parent, knowledge)
    path = knowledge / first_draft.name
    assert run_cli("validate", "--strict", str(knowledge)).returncode == 1
    text = path.read_text(encoding="utf-8")
    path.write_text(REVIEW_LINE.sub("", text, count=1), encoding="utf-8")
    assert run_cli("validate", "--strict", str(knowledge)).returncode == 1  # one mark gone, the others remain
    path.write_text(REVIEW_LINE.sub("", text), encoding="utf-8")
    proc = run_cli("validate", "--strict", str(knowledge))
    assert proc.returncode == 0, proc.stdout
    assert "warning" not in proc.stdout


def test_every_item_is_marked_for_review(first_draft: Path) -> None:
    data = drafted(first_draft)
    assert data["assessment"]["review"] and data["assessment"]["published"]["review"]
    assert all(item.get("review") for item in (*data["entries"], *data["timeline"]))


def test_every_sentence_of_the_article_is_quoted_by_an_entry(first_draft: Path) -> None:
    article = fold_whitespace(FIRST_TEXT.read_text(encoding="utf-8"))
    covered = [False] * len(article)
    for entry in drafted(first_draft)["entries"]:
        for quote in entry["sources"]:
            start = article.find(fold_whitespace(quote))
            assert start >= 0, f"not verbatim: {quote!r}"
            while start >= 0:
                covered[start:start + len(quote)] = [True] * len(quote)
                start = article.find(quote, start + 1)
    uncovered = "".join(c if not done else "\0" for c, done in zip(article, covered, strict=True))
    left = [part.strip() for part in uncovered.split("\0") if part.strip()]
    assert left == ["Further reading"]  # a heading, not a sentence


def test_the_metadata_matches_the_hand_made_file(first_draft: Path, knowledge: KnowledgeBase) -> None:
    meta = drafted(first_draft)["assessment"]
    hand = knowledge.assessment("herbst-2025-05")
    assert meta["title"] == hand.title
    assert meta["author"] == hand.author == "John E. Herbst"  # from the bio line
    assert meta["author_role"] == hand.author_role
    assert meta["publisher"] == hand.publisher
    assert (meta["series"], meta["number"]) == (hand.series, hand.number) == (hand.series, 1)
    published = meta["published"]
    assert (published["date"], published["precision"]) == (hand.published.date.isoformat(), hand.published.precision)
    assert "May 16, 2025" in published["note"]


def test_every_date_expression_has_an_event_dated_as_the_hand_made_timeline(first_draft: Path, knowledge: KnowledgeBase) -> None:
    events = drafted(first_draft)["timeline"]
    assert set(FIRST_DATES) <= {e["when"] for e in events}
    hand_made = {e.when: e for e in knowledge.assessment("herbst-2025-05").timeline}
    compared = 0
    for event in events:
        hand = hand_made.get(event["when"])
        if hand is None:
            continue
        compared += 1
        date = dt.date.fromisoformat(event["date"])
        assert event["precision"] == hand.precision, event["when"]
        if hand.precision == "week":  # a representative day: the same week
            assert date.isocalendar()[:2] == hand.date.isocalendar()[:2], event["when"]
        else:
            assert date == hand.date, event["when"]
        assert event["sources"][0] in fold_whitespace(FIRST_TEXT.read_text(encoding="utf-8"))
    assert compared >= len(FIRST_DATES)
    by_when = {e["when"]: e for e in events}
    assert (by_when["April 30"]["date"], by_when["April 30"]["precision"]) == ("2025-04-30", "day")
    assert (by_when["mid-March"]["date"], by_when["mid-March"]["precision"]) == ("2025-03-15", "part-of-month")
    assert (by_when["three years ago"]["date"], by_when["three years ago"]["precision"]) == ("2022-01-01", "year")
    assert set(by_when["April 30"]["actors"]) == {"United States", "Ukraine"}


def question_key(question: str) -> str:
    """A phrasing as the loader compares them for duplicates."""
    return " ".join(re.sub(r"[^\w\s]", " ", question.casefold()).split())


def test_answers_attribute_the_article_to_its_author_and_questions_are_not_shared(first_draft: Path) -> None:
    entries = drafted(first_draft)["entries"]
    seen: dict[str, str] = {}
    for entry in entries:
        assert "Herbst" in entry["answer"] or entry["answer"].startswith("The article"), entry["id"]
        for question in entry["questions"]:
            key = question_key(question)
            assert key not in seen, f"{question!r} in {entry['id']} and {seen.get(key)}"
            seen[key] = entry["id"]
    shared = {question_key(q) for kind in yaml.safe_load((KNOWLEDGE_DIR / "shared.yaml").read_text(encoding="utf-8"))["out_of_scope"]
              for q in kind["questions"]}
    assert not shared & set(seen)
    by_id = {e["id"]: e for e in entries}
    assert by_id["author"]["answer"].startswith("The article was written by John E. Herbst, senior director")
    assert "Trump must turn up the pressure on Putin" in by_id["main-argument"]["answer"]


def test_entries_are_asked_in_many_ways(first_draft: Path) -> None:
    # The bot answers best from many phrasings (benchmarks/phrasings_curve.py): twelve or more an entry, fewer
    # only where a sentence gives no more questions that are its own, never fewer than the format's five.
    entries = drafted(first_draft)["entries"]
    counts = {e["id"]: len(e["questions"]) for e in entries}
    assert all(5 <= n <= 20 for n in counts.values()), counts
    assert sum(n >= 12 for n in counts.values()) >= 0.75 * len(counts), counts
    general = ("title", "author", "publisher", "publication-date", "series", "photo-caption", "article-summary", "main-argument")
    assert all(counts[i] >= 12 for i in general), counts
    kinds = {  # the ways people ask, each found in the draft
        "who": r"^Who ", "what did": r"^What did ", "when": r"^When (?:did|was) ", "yes/no": r"^(?:Did|Has|Was|Were) ",
        "why": r"^Why ", "how many": r"^How many ", "article says": r"^What does the article say about ",
        "judgement": r"^How does Herbst judge ", "view": r"^What is Herbst's view of ", "date": r"^What happened (?:on|in) ",
        "keywords": r"^[a-z'-]+(?: [a-z'-]+){0,3}$",
    }
    questions = [q for e in entries for q in e["questions"]]
    assert {kind for kind, pattern in kinds.items() if any(re.search(pattern, q) for q in questions)} == set(kinds)
    by_id = {e["id"]: e for e in entries}
    # The vocabulary's synonyms and chat spellings: "cease-fire" is asked as a "truce" too.
    assert any("truce" in q for q in by_id["herbst-2025-05-general-cease-fire"]["questions"])


def test_the_draft_keeps_clear_of_the_questions_the_series_shares(first_draft: Path, tmp_path: Path) -> None:
    # shared.yaml already holds the question the drafter would give the author entry first.
    author = next(e for e in drafted(first_draft)["entries"] if e["id"] == "author")
    taken = author["questions"][0]
    knowledge = empty_knowledge(tmp_path / "knowledge")
    kind = {"id": "taken", "questions": [taken, "one", "two", "three", "four"], "reason": "Shared by the series."}
    (knowledge / "shared.yaml").write_text(yaml.safe_dump({"out_of_scope": [kind]}), encoding="utf-8")
    status, output = draft(str(FIRST_TEXT), knowledge=knowledge)
    assert status == 0, output
    questions = [q.casefold() for e in drafted(knowledge / "herbst-2025-05.yaml")["entries"] for q in e["questions"]]
    assert taken.casefold() not in questions
    proc = run_cli("validate", str(knowledge))
    assert proc.returncode == 0, proc.stdout

def test_drafting_again_refuses_to_overwrite_unless_forced(first_draft: Path) -> None:
    before = first_draft.read_text(encoding="utf-8")
    first_draft.write_text(before + "# edited by the maintainer\n", encoding="utf-8")
    status, output = draft(str(FIRST_TEXT), knowledge=first_draft.parent)
    assert status == 1 and "not overwritten" in output and "--force" in output
    assert first_draft.read_text(encoding="utf-8").endswith("# edited by the maintainer\n")
    status, output = draft(str(FIRST_TEXT), "--force", knowledge=first_draft.parent)
    assert status == 0, output
    assert first_draft.read_text(encoding="utf-8").split("\n", 1)[1] == before.split("\n", 1)[1]


def test_a_different_text_under_an_existing_source_name_is_not_overwritten(tmp_path: Path) -> None:
    knowledge = empty_knowledge(tmp_path / "knowledge")
    (knowledge / "sources").mkdir()
    (knowledge / "sources" / "herbst-2025-05.txt").write_text("another article\n", encoding="utf-8")
    status, output = draft(str(FIRST_TEXT), knowledge=knowledge)
    assert status == 1 and "not overwritten" in output
    assert (knowledge / "sources" / "herbst-2025-05.txt").read_text(encoding="utf-8") == "another article\n"
    assert not (knowledge / "herbst-2025-05.yaml").exists()


def test_out_writes_the_text_beside_the_file_where_validate_finds_it(tmp_path: Path) -> None:
    out = tmp_path / "elsewhere" / "second.yaml"
    status, output = draft(str(SECOND_TEXT), "--out", str(out), "--id", "ruritania-2", knowledge=tmp_path / "unused")
    assert status == 0, output
    assert (out.parent / "sources" / "ruritania-2.txt").read_bytes() == SECOND_TEXT.read_bytes()
    assert drafted(out)["assessment"]["source"] == "sources/ruritania-2.txt"
    proc = run_cli("validate", str(out.parent))
    assert proc.returncode == 0, proc.stdout


def test_the_second_text_drafted_beside_the_first_assessment_validates_and_is_answered(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, knowledge)
    status, output = draft(str(SECOND_TEXT), knowledge=knowledge)
    assert status == 0, output
    meta = drafted(knowledge / "example-2025-06.yaml")["assessment"]
    assert (meta["author"], meta["number"]) == ("Jane Q. Example", 2)
    assert (meta["published"]["date"], meta["published"]["precision"]) == ("2025-06-12", "day")
    assert run_cli("validate", str(knowledge)).returncode == 0  # no id or question clashes with the first
    # Its author entry has the first assessment's id and may ask as the first's does: the bot counts them as one.
    author = next(e for e in drafted(knowledge / "example-2025-06.yaml")["entries"] if e["id"] == "author")
    assert "Who wrote the article?" in author["questions"]

    only_second = empty_knowledge(tmp_path / "second")
    assert draft(str(SECOND_TEXT), knowledge=only_second)[0] == 0
    proc = run_cli("ask", "--json", stdin="when did the third round of border talks end?\nwhat is the capital of peru?\n",
                   env={"KNOWLEDGE_DIR": str(only_second)})
    assert proc.returncode == 0, proc.stderr
    answered, declined = (json.loads(line) for line in proc.stdout.splitlines())
    assert answered["matched"] is True and answered["assessment"] == "example-2025-06"
    assert "The third round of border talks ended on June 4 without agreement." in answered["sources"]
    assert "Example writes that" in answered["answer"]
    assert declined["matched"] is False


def review(path: Path, published: str) -> None:
    """What README.md's step 2, "Review it", asks of a maintainer, done to the drafted file at `path`: the
    publication date set (`published`, a YAML block) and every `review:` line deleted. The general entries
    already have the ids the series gives them ("author", "main-argument")."""
    text = path.read_text(encoding="utf-8")
    text, dated = re.subn(r"(?ms)^  published:\n.*?(?=^  source:)", published, text)
    assert dated == 1, "no published: block before source:"
    path.write_text(REVIEW_LINE.sub("", text), encoding="utf-8")


def test_the_series_fixture_drafted_reviewed_and_validated_answers_as_the_latest(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, knowledge)
    # 1. Draft it.
    status, output = draft(str(NEXT_ASSESSMENT_TEXT), knowledge=knowledge)
    assert status == 0, output
    path = knowledge / "fixture-2025-06.yaml"
    assert f"Drafted {path}" in output and "states no publication date" in output
    assert (knowledge / "sources" / NEXT_ASSESSMENT_TEXT.name).read_bytes() == NEXT_ASSESSMENT_TEXT.read_bytes()
    proc = run_cli("validate", str(knowledge))
    assert proc.returncode == 0 and "\nOK: 2 assessment(s), " in f"\n{proc.stdout}", proc.stdout
    assert "warning: marked for review" in proc.stdout
    ids = {e["id"] for e in drafted(path)["entries"]}
    assert {"author", "main-argument", "title", "article-summary"} <= ids  # the ids the first assessment gives them
    # 2. Review it. The text says "June 2025"; the date stands for the day the maintainer knows it appeared.
    review(path, '  published:\n    date: 2025-06-20\n    precision: day\n    note: "Known to the maintainer."\n')
    # 3. Validate it: no mark left (the drafter's questions may still be flagged for a look, which --strict fails on).
    proc = run_cli("validate", str(knowledge))
    assert proc.returncode == 0 and "\nOK: 2 assessment(s), " in f"\n{proc.stdout}", proc.stdout
    assert "marked for review" not in proc.stdout

    asked = ["who wrote the latest assessment?", "who wrote this?", "who wrote the first assessment?",
             "how many soldiers have died, according to the latest assessment?"]
    proc = run_cli("ask", "--json", stdin="".join(f"{q}\n" for q in asked), env={"KNOWLEDGE_DIR": str(knowledge)})
    assert proc.returncode == 0, proc.stderr
    latest, unscoped, first, casualties = (json.loads(line) for line in proc.stdout.splitlines())
    for reply in (latest, unscoped):  # the drafted file's author entry; a question naming none, the latest
        assert (reply["matched"], reply["entry"], reply["assessment"], reply["assessment_number"]) == \
            (True, "author", "fixture-2025-06", 2)
        assert reply["answer"].startswith("The article was written by Mara Testwell")
        assert reply["sources"] == ["Mara Testwell is a fictional analyst invented for the bot's tests."]
    assert (first["entry"], first["assessment"]) == ("author", "herbst-2025-05")
    assert first["answer"].startswith("The article was written by John E. Herbst.")
    # The series' shared out-of-scope kinds decline for the new assessment too: it needed none of its own.
    assert casualties["matched"] is False and casualties["reason"] == "The assessments give no casualty figures."

def test_a_text_without_a_date_leaves_the_publication_date_to_the_maintainer(tmp_path: Path) -> None:
    source = tmp_path / "undated.txt"
    source.write_text(
        "Talks resume in the spring\n\n"
        "The two delegations met again in Geneva. Neither side gave ground on the river crossings.\n\n"
        "Jane Q. Example is a senior fellow at the Example Institute’s Peace Program.\n",
        encoding="utf-8",
    )
    knowledge = empty_knowledge(tmp_path / "knowledge")
    before = dt.date.today()
    status, output = draft(str(source), knowledge=knowledge)
    assert status == 0, output
    assert "states no publication date" in output
    published = drafted(knowledge / "undated.yaml")["assessment"]["published"]
    assert published["review"].startswith("PLACEHOLDER: the text states no publication date")
    assert before <= dt.date.fromisoformat(published["date"]) <= dt.date.today()
    proc = run_cli("validate", str(knowledge))
    assert proc.returncode == 0, proc.stdout
    assert "assessment.published.review: warning: marked for review: PLACEHOLDER" in proc.stdout


def test_an_unreadable_source_is_refused_with_a_message(tmp_path: Path) -> None:
    knowledge = empty_knowledge(tmp_path / "knowledge")
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00bad")
    status, output = draft(str(tmp_path / "binary.txt"), knowledge=knowledge)
    assert status == 1 and "is not UTF-8 text" in output
    status, output = draft(str(tmp_path / "missing.txt"), knowledge=knowledge)
    assert status == 1 and "cannot read" in output
    status, output = draft(str(SECOND_TEXT), "--id", "Not A Slug", knowledge=knowledge)
    assert status == 1 and "not a short slug" in output
    assert sorted(p.name for p in knowledge.iterdir()) == sorted(SHARED_FILES)
