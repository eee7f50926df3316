"""The mock's two layers: ``agentexchange.mock.domain`` imports nothing of the web.

The domain is plain Python and ``Decimal``. Every ``.py`` file under
``agentexchange/mock/domain/`` is parsed (not imported) and each import — absolute or
relative, at any depth, ``TYPE_CHECKING`` blocks included — is resolved to a full module
name and held to an allowlist: the standard library less what does I/O, speaks a wire
format or imports dynamically; PyJWT (``jwt``: the domain's signed session token is a JWT,
as on the platform); and ``agentexchange.mock.domain`` itself. Nothing of
``agentexchange.mock.web``, of the SDK or of any other third-party package.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import agentexchange.mock.domain

DOMAIN_DIR = Path(agentexchange.mock.domain.__file__).parent
DOMAIN_PACKAGE = "agentexchange.mock.domain"
WEB_PACKAGE = "agentexchange.mock.web"

# An allowlist: the domain may import the standard library (less what does I/O, talks a
# wire format or runs other programs), PyJWT, and the domain itself — nothing else.
IO_STDLIB = frozenset(
    {
        "asyncio", "asynchat", "asyncore", "email", "ftplib", "http", "imaplib", "json",
        "mailbox", "marshal", "multiprocessing", "pickle", "poplib", "selectors", "shelve",
        "smtplib", "socket", "socketserver", "ssl", "subprocess", "telnetlib", "urllib",
        "wsgiref", "xml", "xmlrpc", "zipapp",
        "builtins", "importlib",  # dynamic imports, whatever name they go by
    }
)  # fmt: skip
ALLOWED_STDLIB = frozenset(sys.stdlib_module_names) - IO_STDLIB
ALLOWED_THIRD_PARTY = frozenset({"jwt"})
DYNAMIC_IMPORTS = frozenset({"import_module", "__import__"})


def module_name(path: Path, root: Path = DOMAIN_DIR, package: str = DOMAIN_PACKAGE) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([package, *parts])


def imported_modules(source: str, module: str, is_package: bool) -> Iterator[tuple[int, str, str]]:
    """(line, full module name, the import as written) for every import in ``source``.

    ``from a import b`` yields both ``a`` and ``a.b`` (``b`` may be a submodule); relative
    imports are resolved against ``module`` (a package resolves against itself).
    ``importlib.import_module(...)`` and ``__import__(...)`` are reported as dynamic imports.
    """
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, f"import {alias.name}"
        elif isinstance(node, ast.ImportFrom):
            written = "from {}{} import {}".format(
                "." * node.level, node.module or "", ", ".join(a.name for a in node.names)
            )
            if node.level:
                parts = package.split(".")
                if node.level - 1 >= len(parts):
                    yield node.lineno, "<beyond the top-level package>", written
                    continue
                base = ".".join(parts[: len(parts) - (node.level - 1)])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            yield node.lineno, target, written
            for alias in node.names:
                if alias.name != "*":
                    yield node.lineno, f"{target}.{alias.name}", written
        elif isinstance(node, ast.Call):
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else func.id
                if isinstance(func, ast.Name)
                else ""
            )
            if name in DYNAMIC_IMPORTS:
                # What a dynamic import loads cannot be checked here: never in the domain.
                yield node.lineno, "<a dynamic import>", ast.unparse(node)


def forbidden(name: str) -> bool:
    top = name.split(".")[0]
    if top == "agentexchange":
        return not (name == DOMAIN_PACKAGE or name.startswith(DOMAIN_PACKAGE + "."))
    return top not in ALLOWED_STDLIB and top not in ALLOWED_THIRD_PARTY


def violations(source: str, module: str, is_package: bool) -> list[str]:
    """One message per offending import statement, naming its most precise forbidden module."""
    found: dict[tuple[int, str], str] = {}
    for line, name, written in imported_modules(source, module, is_package):
        if forbidden(name) or name.startswith("<"):
            # The last name of a statement is the most precise (``from a import b``: a.b).
            found[line, written] = f"line {line}: {written!r} imports {name}"
    return [found[key] for key in sorted(found)]


def domain_files() -> list[Path]:
    return sorted(DOMAIN_DIR.rglob("*.py"))


def test_the_walk_sees_the_whole_domain() -> None:
    names = {module_name(p) for p in domain_files()}
    for expected in (
        "agentexchange.mock.domain",
        "agentexchange.mock.domain.exchange",
        "agentexchange.mock.domain.accounts",
        "agentexchange.mock.domain.gatekeeper",
        "agentexchange.mock.domain.market.core",
        "agentexchange.mock.domain.strategies.backtest",
    ):
        assert expected in names


def test_the_domain_imports_nothing_of_the_web_the_sdk_or_io_libraries() -> None:
    problems = []
    for path in domain_files():
        module = module_name(path)
        for problem in violations(
            path.read_text(encoding="utf-8"), module, path.name == "__init__.py"
        ):
            problems.append(f"{path.relative_to(DOMAIN_DIR.parent)} {problem}")
    assert not problems, "the domain layer imports what it must not:\n" + "\n".join(problems)


def test_the_domain_never_reaches_the_web_package_relatively() -> None:
    problems: set[str] = set()
    for path in domain_files():
        module = module_name(path)
        for line, name, written in imported_modules(
            path.read_text(encoding="utf-8"), module, path.name == "__init__.py"
        ):
            if written.startswith("from .") and (
                name == WEB_PACKAGE or name.startswith(WEB_PACKAGE + ".")
            ):
                problems.add(f"{path.relative_to(DOMAIN_DIR.parent)} line {line}: {written}")
    assert not problems, "the domain imports the web layer:\n" + "\n".join(sorted(problems))


# The checker itself: each of these, put into a domain module, is reported.
@pytest.mark.parametrize(
    ("source", "module", "is_package", "reported"),
    [
        ("import starlette", "agentexchange.mock.domain.trading", False, "starlette"),
        ("import json", "agentexchange.mock.domain.trading", False, "json"),
        ("from urllib.parse import quote", "agentexchange.mock.domain.trading", False, "urllib"),
        ("import http.client as h", "agentexchange.mock.domain.trading", False, "http.client"),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..web.app import ApiRequest",
            "agentexchange.mock.domain.gatekeeper",
            False,
            "agentexchange.mock.web.app",
        ),
        (
            "from .. import web",
            "agentexchange.mock.domain.trading",
            False,
            "agentexchange.mock.web",
        ),
        (
            "from ...web import routes",
            "agentexchange.mock.domain.strategies.service",
            False,
            "agentexchange.mock.web",
        ),
        (
            "from ...web import spec",  # in strategies/__init__.py: the package resolves itself
            "agentexchange.mock.domain.strategies",
            True,
            "agentexchange.mock.web",
        ),
        ("from agentexchange import models", "agentexchange.mock.domain.x", False, "models"),
        ("from ... import _transport", "agentexchange.mock.domain.x", False, "_transport"),
        ("import agentexchange.ws", "agentexchange.mock.domain.x", False, "agentexchange.ws"),
        (
            "import importlib\nimportlib.import_module('yaml')",
            "agentexchange.mock.domain.x",
            False,
            "dynamic import",
        ),
        (
            "from importlib import import_module as im\nim('starlette')",
            "agentexchange.mock.domain.x",
            False,
            "importlib",
        ),
        ("__import__('..web.app')", "agentexchange.mock.domain.x", False, "dynamic import"),
        ("from .. import testing", "agentexchange.mock.domain.trading", False, "mock.testing"),
        ("import agentexchange.mock.testing", "agentexchange.mock.domain.x", False, "testing"),
        ("from agentexchange.mock import server", "agentexchange.mock.domain.x", False, "server"),
        ("from agentexchange import _document", "agentexchange.mock.domain.x", False, "_document"),
        ("import agentexchange.exceptions", "agentexchange.mock.domain.x", False, "exceptions"),
        ("import aiohttp", "agentexchange.mock.domain.x", False, "aiohttp"),
        ("import requests", "agentexchange.mock.domain.x", False, "requests"),
        ("import ssl", "agentexchange.mock.domain.x", False, "ssl"),
        ("import pickle", "agentexchange.mock.domain.x", False, "pickle"),
        ("import subprocess", "agentexchange.mock.domain.x", False, "subprocess"),
    ],
)
def test_the_checker_reports(source: str, module: str, is_package: bool, reported: str) -> None:
    found = violations(source, module, is_package)
    assert any(reported in problem for problem in found), found


@pytest.mark.parametrize(
    "source",
    [
        "import jwt",
        "import hashlib, threading, uuid",
        "from decimal import Decimal",
        "from . import metrics",
        "from ..errors import DomainError",
        "from .. import clock",  # agentexchange.mock.domain.clock
        "import dataclasses, itertools, math, random, struct, bisect",
        "from agentexchange.mock.domain.market import Market",
    ],
)
def test_the_checker_allows(source: str) -> None:
    assert violations(source, "agentexchange.mock.domain.strategies.service", False) == []
