"""``agentexchange --help`` and each command's ``--help`` are written for users.

Every option of every command — the server commands and every command generated from the
tool table — is listed with a help text that states its default (or that it is
required), so an option added without help, or a default changed without its help,
fails here; the top-level help shows the commands and examples, not internal notes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import pytest

from agentexchange import __version__
from agentexchange.cli import build_parser, main, method_commands

SERVER_COMMANDS = ("mock", "contract", "mcp")


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no sub-commands")


PARSER = build_parser()  # built once: each command's help is formatted from it


def _parser_of(words: tuple[str, ...]) -> argparse.ArgumentParser:
    parser = PARSER
    for word in words:
        parser = _commands(parser)[word]
    return parser


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


def test_the_top_level_commands_are_the_servers_the_desk_and_the_groups() -> None:
    commands = method_commands()
    expected = set(SERVER_COMMANDS) | {command.words[0] for command in commands}
    assert set(_commands(PARSER)) == expected
    for command in commands:  # and every method is reachable by its words
        assert _parser_of(command.words).get_default("command") == command


def test_top_level_help_names_the_commands_and_no_internal_notes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = _help_of([], capsys)
    for command in (*SERVER_COMMANDS, "price BTCUSDT", "order buy BTCUSDT 0.01", "agents list"):
        assert f"agentexchange {command}" in out  # an example of each
    for internal in ("DESIGN", "docs/", "``", "sub-command", "console script"):
        assert internal not in out


def _option_words() -> list[tuple[str, ...]]:
    return [(name,) for name in SERVER_COMMANDS] + [c.words for c in method_commands()]


@pytest.mark.parametrize("words", _option_words(), ids=" ".join)
def test_every_option_has_a_help_text_with_its_default(words: tuple[str, ...]) -> None:
    parser = _parser_of(words)
    out = parser.format_help()
    actions = [action for action in parser._actions if not isinstance(action, argparse._HelpAction)]
    assert actions
    for action in actions:
        if not action.option_strings:  # a positional: its help says it is required
            assert action.help and "(required)" in action.help, action.dest
            continue
        name = "/".join(action.option_strings)
        text = action.help
        assert text and text.strip() and text != argparse.SUPPRESS, f"{name} has no help"
        assert all(option in out for option in action.option_strings), name
        assert _words(text.replace("%%", "%"))[:40] in _words(out), f"{name}: help not shown"
        if action.required:
            assert "(required)" in text, name
        elif action.default in (None, False):
            assert "(default: " in text, f"{name}: say what happens without it"
        else:
            assert f"(default: {_shown(action.default)}" in text, f"{name}: default not stated"


def test_version_is_the_sdk_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"agentexchange {__version__}\n"


def _python(code: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTEXCHANGE_")}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )


def test_help_loads_no_extra_and_python_m_runs_the_same_command() -> None:
    done = _python(
        "import runpy, sys\n"
        "sys.argv = ['agentexchange', '--help']\n"
        "try:\n"
        "    runpy.run_module('agentexchange', run_name='__main__')\n"
        "except SystemExit as stop:\n"
        "    assert stop.code == 0, stop.code\n"
        "extras = ('yaml', 'starlette', 'uvicorn', 'jsonschema', 'schemathesis', 'mcp', 'jwt')\n"
        "print(sorted(m for m in sys.modules if m.partition('.')[0] in extras))\n"
        "print(sorted(m for m in sys.modules if m.startswith('agentexchange.mock')))\n"
    )
    assert done.returncode == 0, done.stderr
    assert "agentexchange order buy BTCUSDT 0.01" in done.stdout
    assert done.stdout.endswith("[]\n[]\n"), done.stdout[-300:]


@pytest.mark.parametrize(
    ("argv", "module", "extra"),
    [(["mock", "--port", "0"], "uvicorn", "mock"), (["mcp"], "mcp", "mcp")],
)
def test_a_missing_extra_is_one_line_naming_the_install(
    argv: list[str], module: str, extra: str
) -> None:
    # A fresh process, where the module is "not installed" (None in sys.modules).
    done = _python(
        "import sys\n"
        f"sys.modules[{module!r}] = None\n"
        "from agentexchange.cli import main\n"
        f"sys.exit(main({argv!r}))\n"
    )
    assert (done.returncode, done.stdout) == (1, ""), done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert f"install agentexchange[{extra}] (pip install 'agentexchange[{extra}]')" in done.stderr
    if extra == "mock":
        assert done.stderr.startswith("agentexchange mock: no module named 'uvicorn'; ")


def test_contract_without_schemathesis_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "schemathesis", None)
    assert main(["contract", "--base-url", "http://127.0.0.1:9"]) == 1
    assert capsys.readouterr().err == (
        "agentexchange contract: no module named 'schemathesis'; install "
        "agentexchange[contract] (pip install 'agentexchange[contract]')\n"
    )


def test_a_busy_port_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["mock", "--port", str(port)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith(f"agentexchange mock: port {port} is in use")


def test_a_reader_that_goes_away_is_no_traceback() -> None:
    """`agentexchange ... | head -1`: the pipe closes before the command writes."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the command starts
    try:
        done = subprocess.run(
            [sys.executable, "-m", "agentexchange", "mock", "--seed", "7", "--demo-credentials"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr, done.stderr
