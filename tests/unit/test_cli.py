"""``agentexchange --help`` and each command's ``--help`` are written for users.

Every option of every command is listed with a help text that states its default (or that
it is required), so an option added without help, or a default changed without its help,
fails here; the top-level help shows the commands and examples, not internal notes.
"""

from __future__ import annotations

import argparse

import pytest

from agentexchange.cli import build_parser, main

COMMANDS = ("mock", "contract")


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no sub-commands")


def _help_of(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--help"])
    assert stop.value.code == 0
    return capsys.readouterr().out


def _words(text: str) -> str:
    return " ".join(text.split())


def _shown(default: object) -> str:
    return f"{default:g}" if isinstance(default, float) else str(default)


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")


def test_the_commands_are_the_ones_checked_here() -> None:
    assert set(_commands(build_parser())) == set(COMMANDS)


def test_top_level_help_names_the_commands_and_no_internal_notes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = _help_of([], capsys)
    for command in COMMANDS:
        assert f"agentexchange {command}" in out  # an example of each
    for internal in ("DESIGN", "docs/", "``", "sub-command", "console script"):
        assert internal not in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_has_a_help_text_with_its_default(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _help_of([command], capsys)
    options = [
        action
        for action in _commands(build_parser())[command]._actions
        if action.option_strings and not isinstance(action, argparse._HelpAction)
    ]
    assert options
    for action in options:
        name = "/".join(action.option_strings)
        text = action.help
        assert text and text.strip() and text != argparse.SUPPRESS, f"{name} has no help"
        assert all(option in out for option in action.option_strings), name
        assert _words(text)[:40] in _words(out), f"{name}: its help is not shown"
        if action.required:
            assert "(required)" in text, name
        elif action.default in (None, False):
            assert "(default: " in text, f"{name}: say what happens without it"
        else:
            assert f"(default: {_shown(action.default)}" in text, f"{name}: default not stated"
