"""The rules file is user-editable data: mistakes name the file, the rule and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import corpus_files
from doccritic.core.checks import CheckResult, default_rules, run_checks
from doccritic.core.rules import RuleError, load_rules
from doccritic.formats.markdown import parse_markdown

GOOD = """
[settings]
max_per_rule = 2
[[rule]]
id = "team.jargon"
kind = "weak_argument"
severity = "minor"
title = "Jargon: “{match}”"
patterns = ['\\bsynerg\\w*\\b']
rationale = "Say what you mean."
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_custom_rule_runs(tmp_path: Path):
    rules = load_rules(write(tmp_path, GOOD))
    found = run_checks(parse_markdown("# A\n\nWe unlock synergies.\n"), rules).findings
    assert [(f.rule, f.title, f.quote) for f in found] == [("team.jargon", "Jargon: “synergies”", "synergies")]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (('kind = "weak_argument"', 'kind = "weak"'), "rule 'team.jargon', field 'kind'"),
        (("patterns = ['\\bsynerg\\w*\\b']", "patterns = ['(unclosed']"), "field 'patterns'"),
        (('severity = "minor"', 'severity = "huge"'), "field 'severity'"),
        (('title = "Jargon: “{match}”"', ""), "field 'title'"),
        (("[settings]", "[settings"), "not valid TOML"),
    ],
)
def test_bad_rules_name_the_problem(tmp_path: Path, edit: tuple[str, str], expected: str):
    text = GOOD.replace(*edit)
    assert text != GOOD
    with pytest.raises(RuleError) as info:
        load_rules(write(tmp_path, text))
    assert expected in str(info.value) and "rules.toml" in str(info.value)


def test_user_rules_in_config_dir_replace_the_bundled_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    config = tmp_path / "cfg"
    (config / "checks").mkdir(parents=True)
    (config / "checks" / "rules.toml").write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("DOCCRITIC_CONFIG_DIR", str(config))
    monkeypatch.setattr("doccritic.core.checks._default_rules", None)
    assert [r.id for r in default_rules().rules] == ["team.jargon"]
    monkeypatch.setattr("doccritic.core.checks._default_rules", None)


def test_bundled_rules_are_valid_and_complete():
    rules = default_rules()
    kinds = {r.kind.value for r in rules.rules}
    assert {"one_way_door", "weak_argument"} <= kinds
    assert {g.id for g in rules.gaps} >= {"gap.problem", "gap.goals", "gap.metrics", "gap.rollout"}
    assert all(r.rationale and r.suggestion for r in rules.rules)


def test_bundled_rules_compile_and_find_the_same_on_first_use_as_compiled_up_front():
    """The bundled rules compile each pattern on first use (start-up time): that must change no finding."""
    from doccritic import paths
    from doccritic.core.rules import LazyPattern
    from doccritic.formats.loader import load_document

    bundled = paths.resource("checks", "rules.toml")
    lazy, eager = load_rules(bundled, lazy=True), load_rules(bundled)
    patterns = [p for r in lazy.rules for p in (*r.patterns, *r.requires, *r.unless)]
    patterns += [p for g in lazy.gaps for p in (*g.headings, *g.mentions)] + [lazy.mitigations, lazy.staging]
    assert patterns and all(isinstance(p, LazyPattern) for p in patterns)
    assert all(p.compiled.pattern == p.pattern for p in patterns)  # every bundled pattern is a valid regex
    docs = [paths.sample_prd(), *corpus_files("*.md")]  # and the corpus's real documents
    def shown(result: CheckResult) -> list[dict]:
        return [f.model_dump(mode="json", exclude={"created_at"}) for f in result.findings]

    for path in docs:
        doc = load_document(path)
        assert shown(run_checks(doc, load_rules(bundled, lazy=True))) == shown(run_checks(doc, eager)), path.name
