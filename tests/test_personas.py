"""Critic personas: the shipped panel, user files that override or break, and the personas command."""

from __future__ import annotations

import itertools
import json
import tomllib
from pathlib import Path

import pytest

from doccritic import cli
from doccritic.core.errors import DoccriticError, ErrorKind
from doccritic.core.personas import (
    FILE_FIELDS,
    Persona,
    PersonaError,
    builtin_personas_dir,
    delete_persona,
    duplicate_persona,
    load_personas,
    parse_persona,
    save_persona,
    user_personas_dir,
)

DEFAULT_PANEL = {"staff-engineer", "skeptical-exec", "target-customer", "devils-advocate", "legal-privacy"}
REQUIRED = DEFAULT_PANEL | {"product-designer", "data-scientist", "go-to-market"}

GOOD = """\
id = "my-pm"
name = "My PM"
role = "The PM who wrote the last three launches."
initials = "MP"
color = "#123456"
enabled = true
tone = "Friendly."
questions = ["Who signed off on the date?"]
lens = \"\"\"
You have shipped this product before.
You look for dates nobody agreed to.
\"\"\"
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def user_dir() -> Path:
    return user_personas_dir()  # inside the per-test DOCCRITIC_CONFIG_DIR from conftest


# --- the shipped panel -------------------------------------------------------------------------------


def test_builtins_load_cleanly_in_panel_order():
    found = load_personas()
    assert found.errors == []
    ids = found.ids()
    assert len(ids) >= 8 and len(set(ids)) == len(ids)
    assert set(ids) >= REQUIRED
    assert all(p.builtin and p.path is not None and p.path.stem == p.id for p in found.personas)
    assert {p.id for p in found.enabled()} == DEFAULT_PANEL
    assert ids[: len(DEFAULT_PANEL)] == [p.id for p in found.enabled()]  # the default panel is listed first
    assert all(p.model is None and p.effort is None for p in found.personas)  # built-ins use the app's defaults


def test_builtins_are_substantial_and_different():
    found = load_personas()
    for p in found.personas:
        assert 5 <= len(p.questions) <= 8, p.id
        assert len(set(p.questions)) == len(p.questions), p.id
        assert all(q.endswith("?") for q in p.questions), p.id
        assert len(p.lens.split()) >= 200, p.id
        assert "one-way door" in p.lens.lower(), p.id  # every lens says what is irreversible from its seat
        assert p.tone and "\n" not in p.role
    lenses = [set(p.lens.lower().split()) for p in found.personas]
    for a, b in itertools.combinations(lenses, 2):
        assert len(a & b) / len(a | b) < 0.5  # no persona is a reworded copy of another
    assert len({p.initials for p in found.personas}) == len(found.personas)


def _luminance(color: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(color[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_builtin_colours_are_distinct_and_readable_in_both_themes():
    colours = [p.color for p in load_personas().personas]
    assert len(set(colours)) == len(colours)
    for colour in colours:
        # 3:1 (WCAG for graphics) against the light theme's base and the dark theme's window.
        assert _contrast(colour, "#ffffff") >= 3 and _contrast(colour, "#1f2227") >= 3, colour
    for a, b in itertools.combinations(colours, 2):
        rgb_a, rgb_b = ([int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in (a, b))
        assert sum((x - y) ** 2 for x, y in zip(rgb_a, rgb_b, strict=True)) ** 0.5 >= 60, (a, b)


def test_brief_is_plain_text_with_every_part():
    persona = load_personas().get("staff-engineer")
    assert persona is not None
    brief = persona.brief()
    assert brief.startswith(f"Reviewer: {persona.name} — {persona.role}")
    assert persona.lens in brief and persona.tone in brief
    assert all(f"- {q}" in brief for q in persona.questions)


# --- user files ---------------------------------------------------------------------------------------


def test_user_persona_loads_after_builtins(user_dir: Path):
    write(user_dir, "my-pm.toml", GOOD)
    write(user_dir, "notes.txt", "not a persona")
    write(user_dir, ".my-pm.toml.abc.tmp", "half a write")
    found = load_personas()
    assert found.errors == []
    mine = found.get("my-pm")
    assert mine is not None and not mine.builtin and mine.path == user_dir / "my-pm.toml"
    assert found.ids()[-1] == "my-pm"
    assert mine.lens == "You have shipped this product before.\nYou look for dates nobody agreed to."


def test_user_file_overrides_a_builtin_in_place(user_dir: Path):
    write(
        user_dir,
        "skeptical-exec.toml",
        GOOD.replace('"my-pm"', '"skeptical-exec"').replace("enabled = true", "enabled = false"),
    )
    found = load_personas()
    exec_ = found.get("skeptical-exec")
    assert exec_ is not None and exec_.name == "My PM" and not exec_.builtin and not exec_.enabled
    assert found.is_override("skeptical-exec") and not found.is_override("staff-engineer")
    assert found.ids().count("skeptical-exec") == 1
    assert found.ids().index("skeptical-exec") == 1  # keeps the built-in's place in the panel


@pytest.mark.parametrize(
    ("name", "text", "needles"),
    [
        ("bad-colour.toml", GOOD.replace('"#123456"', '"blue"'), ["field 'color'", "'blue' is not a #rrggbb colour"]),
        ("bad-toml.toml", GOOD + "\nname = [unclosed\n", ["is not valid TOML"]),
        ("bad-type.toml", GOOD.replace("enabled = true", 'enabled = "yes"'), ["field 'enabled'", "true or false"]),
        ("bad-name.toml", GOOD.replace('"My PM"', "42"), ["field 'name'", "text in quotes, not the number 42"]),
        ("unknown.toml", GOOD + 'colour = "#000000"\n', ["field 'colour'", "did you mean 'color'"]),
        ("sneaky.toml", GOOD + "builtin = true\n", ["field 'builtin'", "not a persona field"]),
        ("no-lens.toml", GOOD.split("lens =")[0], ["field 'lens'", "is required"]),
        (
            "no-questions.toml",
            GOOD.replace('["Who signed off on the date?"]', "[]"),
            ["field 'questions'", "at least one"],
        ),
        ("bad-question.toml", GOOD.replace('["Who', '[1, "Who'), ["field 'questions' item 1"]),
        ("bad-effort.toml", GOOD + 'effort = "extreme"\n', ["field 'effort'", "low, medium, high, xhigh, max"]),
        ("bad-initials.toml", GOOD.replace('"MP"', '"ABCD"'), ["field 'initials'", "1 to 3 characters"]),
        ("Bad Id.toml", GOOD.replace('"my-pm"', '"My PM!"'), ["field 'id'", "not a valid id"]),
        ("other-name.toml", GOOD, ["field 'id'", "does not match the file name", "my-pm.toml", 'id = "other-name"']),
        ("latin1.toml", None, ["not UTF-8"]),
    ],
)
def test_bad_file_is_skipped_with_a_message_naming_file_and_field(
    user_dir: Path, name: str, text: str | None, needles: list[str]
):
    write(user_dir, "good-one.toml", GOOD.replace('"my-pm"', '"good-one"'))
    if text is None:
        user_dir.joinpath(name).write_bytes(GOOD.replace("My PM", "Ma PM élevée").encode("latin-1"))
    else:
        write(user_dir, name, text)
    found = load_personas()
    assert len(found.errors) == 1
    message = found.errors[0]
    assert message.startswith(f"Persona file {name}") and message.endswith(".")
    for needle in needles:
        assert needle in message
    assert "\n" not in message and "pydantic" not in message.lower() and "Input should" not in message
    assert found.get("good-one") is not None
    assert len(found.personas) == len(load_personas(user_dir / "nowhere").personas) + 1


def test_every_problem_in_a_file_is_named_in_one_sentence(user_dir: Path):
    write(user_dir, "my-pm.toml", GOOD.replace('"#123456"', '"red"').replace('"MP"', '""'))
    (message,) = load_personas().errors
    assert "field 'color'" in message and "field 'initials'" in message


def test_broken_override_keeps_the_builtin(user_dir: Path):
    write(user_dir, "staff-engineer.toml", 'id = "staff-engineer"\nname = "Me"\n')
    found = load_personas()
    (message,) = found.errors
    assert "staff-engineer.toml" in message and "the built-in Staff Engineer is used instead" in message
    persona = found.get("staff-engineer")
    assert persona is not None and persona.builtin


def test_missing_or_unreadable_user_folder(tmp_path: Path):
    assert load_personas(tmp_path / "absent").errors == []
    not_a_folder = write(tmp_path, "file", "x")
    found = load_personas(not_a_folder)
    assert len(found.errors) == 1 and "cannot be read" in found.errors[0]
    assert len(found.personas) >= 8


def test_empty_model_means_default_and_colour_is_normalised():
    data = tomllib.loads(GOOD) | {"model": "  ", "color": "#ABCDEF"}
    persona = parse_persona(data, source="Persona form")
    assert persona.model is None and persona.color == "#abcdef"
    with pytest.raises(PersonaError, match=r"^Persona form: field 'model': 'claude opus' is not a model id"):
        parse_persona(data | {"model": "claude opus"}, source="Persona form")


# --- save, delete, duplicate ------------------------------------------------------------------------


def test_save_round_trips_exactly(user_dir: Path):
    persona = Persona(
        id="quote-heavy",
        name='The "Quoter" — naïve ✓',
        role="Writes with quotes, backslashes \\ and 'apostrophes'.",
        lens='Line one with """ triple quotes.\n\n- a bullet\n- tab\there\n\nEmoji 🚪 and ünïcode.',
        questions=["Why?", 'What about "this"?'],
        tone="",
        color="#A1B2C3",
        initials="Q",
        enabled=False,
        model="claude-opus-4-1",
        effort="xhigh",
        thinking=True,
    )
    path = save_persona(persona)
    assert path == user_dir / "quote-heavy.toml" and path.is_file()
    assert list(user_dir.iterdir()) == [path]  # no temp file left behind
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert list(data) == list(FILE_FIELDS)  # every field, in file order
    loaded = load_personas().get("quote-heavy")
    assert loaded is not None and load_personas().errors == []
    assert loaded.model_dump() == persona.model_dump()
    assert not loaded.builtin and loaded.path == path
    # Saving what was loaded writes the same bytes.
    before = path.read_bytes()
    save_persona(loaded)
    assert path.read_bytes() == before


def test_save_every_builtin_as_an_override_round_trips(tmp_path: Path):
    for persona in load_personas().personas:
        save_persona(persona, tmp_path)
    found = load_personas(tmp_path)
    assert found.errors == []
    assert all(not p.builtin and found.is_override(p.id) for p in found.personas)
    for original in load_personas(tmp_path / "none").personas:
        copy = found.get(original.id)
        assert copy is not None and copy.model_dump() == original.model_dump()


def test_save_into_an_unwritable_place_is_one_sentence(tmp_path: Path):
    blocker = write(tmp_path, "blocker", "x")
    persona = load_personas().personas[0]
    with pytest.raises(PersonaError) as info:
        save_persona(persona, blocker / "personas")
    assert info.value.kind is ErrorKind.UNREADABLE and "Cannot save persona 'staff-engineer'" in str(info.value)


def test_delete_user_file_restores_the_builtin(user_dir: Path):
    builtin = load_personas().get("skeptical-exec")
    assert builtin is not None
    save_persona(builtin.model_copy(update={"enabled": False}))
    assert not load_personas().get("skeptical-exec").enabled  # type: ignore[union-attr]
    deleted = delete_persona("skeptical-exec")
    assert deleted == user_dir / "skeptical-exec.toml" and not deleted.exists()
    restored = load_personas().get("skeptical-exec")
    assert restored is not None and restored.builtin and restored.enabled


def test_delete_user_persona_and_refusals(user_dir: Path):
    write(user_dir, "my-pm.toml", GOOD)
    delete_persona("my-pm")
    assert load_personas().get("my-pm") is None
    with pytest.raises(DoccriticError, match="built-in persona and cannot be deleted; turn it off instead"):
        delete_persona("staff-engineer")
    assert (builtin_personas_dir() / "staff-engineer.toml").is_file()
    with pytest.raises(PersonaError, match="There is no persona 'ghost'") as info:
        delete_persona("ghost")
    assert info.value.kind is ErrorKind.NOT_FOUND
    with pytest.raises(PersonaError, match="is not a persona id"):
        delete_persona("../etc/passwd")


def test_delete_works_on_a_broken_file(user_dir: Path):
    write(user_dir, "my-pm.toml", "this is = = not toml")
    assert load_personas().errors
    delete_persona("my-pm")
    assert load_personas().errors == []


def test_duplicate_gets_a_unique_id_and_is_off(user_dir: Path):
    found = load_personas()
    original = found.get("staff-engineer")
    assert original is not None
    first = duplicate_persona(original, found.ids())
    assert (first.id, first.name) == ("staff-engineer-copy", "Staff Engineer (copy)")
    assert not first.builtin and first.path is None and not first.enabled
    assert (first.lens, first.questions, first.color) == (original.lens, original.questions, original.color)
    save_persona(first)
    found = load_personas()
    second = duplicate_persona(original, found.ids())
    assert (second.id, second.name) == ("staff-engineer-copy-2", "Staff Engineer (copy 2)")
    third = duplicate_persona(first, [*found.ids(), second.id])  # a copy of a copy is not "-copy-copy"
    assert (third.id, third.name) == ("staff-engineer-copy-3", "Staff Engineer (copy 3)")


def test_duplicate_of_a_long_id_stays_valid():
    long = parse_persona(tomllib.loads(GOOD) | {"id": "a" * 40}, source="test")
    copy = duplicate_persona(long, [long.id])
    assert copy.id == "a" * 35 + "-copy" and len(copy.id) == 40


def test_assignment_is_validated():
    persona = load_personas().personas[0]
    with pytest.raises(ValueError, match="#rrggbb"):
        persona.color = "blue"


# --- doccritic personas -------------------------------------------------------------------------------


def test_cli_text_lists_every_persona_and_the_folder(user_dir: Path, capsys: pytest.CaptureFixture[str]):
    write(user_dir, "my-pm.toml", GOOD)
    write(user_dir, "devils-advocate.toml", GOOD.replace('"my-pm"', '"devils-advocate"'))
    write(user_dir, "broken.toml", GOOD.replace('"#123456"', '"blue"').replace('"my-pm"', '"broken"'))
    assert cli.main(["personas"]) == cli.EXIT_OK
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].startswith("on   staff-engineer ") and "built-in" in lines[0]
    assert any(line.startswith("off  product-designer ") for line in lines)
    assert any(line.startswith("on   my-pm ") and " yours " in line for line in lines)
    assert any(line.startswith("on   devils-advocate ") and "yours, replaces built-in" in line for line in lines)
    assert f"6 of {len(load_personas().personas)} personas on." in out
    assert str(user_dir) in lines[-2]
    assert err.strip() == (
        "doccritic: warning: Persona file broken.toml: field 'color': 'blue' is not a #rrggbb colour."
    )


def test_cli_all_prints_each_persona_in_full(capsys: pytest.CaptureFixture[str]):
    assert cli.main(["personas", "--all"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    persona = load_personas().get("data-scientist")
    assert persona is not None
    assert "off  data-scientist: Data Scientist (built-in, DS, #0c8379)" in out
    assert f"       - {persona.questions[0]}" in out and "(not created yet)" in out
    assert "instrumentation not added before launch" in " ".join(out.split())


def test_cli_json_is_an_array_of_personas(user_dir: Path, capsys: pytest.CaptureFixture[str]):
    path = write(user_dir, "my-pm.toml", GOOD)
    assert cli.main(["personas", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert isinstance(rows, list) and len(rows) == len(load_personas().personas)
    assert set(rows[0]) == {*FILE_FIELDS, "builtin", "path"}
    mine = next(r for r in rows if r["id"] == "my-pm")
    assert mine["builtin"] is False and mine["path"] == str(path) and mine["model"] is None
    assert Persona.model_validate({k: v for k, v in mine.items() if k in FILE_FIELDS}).name == "My PM"


def test_cli_help_lists_personas(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "personas" in capsys.readouterr().out
