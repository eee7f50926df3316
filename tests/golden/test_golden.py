"""Golden tests: tests/golden/fixture.yaml rendered and compared byte for byte with expected/.

The fixture exercises every transform of the SDK vocabulary, so a template change shows
up here as a readable diff. Refresh the expected files after an intended change with
`UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.main import OUTPUTS, generate_from_dict

HERE = Path(__file__).parent
EXPECTED = HERE / "expected"


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    raw = yaml.safe_load((HERE / "fixture.yaml").read_text(encoding="utf-8"))
    return generate_from_dict(raw)


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_matches_expected(rendered: dict[str, str], name: str) -> None:
    path = EXPECTED / name
    if os.environ.get("UPDATE_GOLDEN"):
        EXPECTED.mkdir(exist_ok=True)
        path.write_text(rendered[name], encoding="utf-8")
    assert path.exists(), f"{path} missing: run with UPDATE_GOLDEN=1"
    assert rendered[name] == path.read_text(encoding="utf-8"), (
        f"{name} differs from {path}; if intended, refresh with UPDATE_GOLDEN=1"
    )


def test_rendering_is_deterministic(rendered: dict[str, str]) -> None:
    raw = yaml.safe_load((HERE / "fixture.yaml").read_text(encoding="utf-8"))
    assert generate_from_dict(raw) == rendered


def test_sync_and_async_differ_only_by_async(rendered: dict[str, str]) -> None:
    sync, async_ = rendered["client.py"], rendered["async_client.py"]
    # The one async-only parameter (issue 20): max_concurrency, its docstring, its import.
    async_ = re.sub(
        r"\n            max_concurrency: .*?``DEFAULT_MAX_CONCURRENCY``\.",
        "",
        async_,
        count=1,
        flags=re.S,
    )
    normalized = (
        # the async transport lives in its own module (asyncio only when used)
        async_.replace(
            "from ._async_transport import DEFAULT_MAX_CONCURRENCY, AsyncRawMethod, AsyncTransport\n",
            "",
        )
        .replace(
            "from ._transport import Call, RawResponses, call_options\n",
            "from ._transport import Call, RawMethod, RawResponses, SyncTransport, call_options\n",
        )
        .replace("AsyncRawMethod", "RawMethod")
        .replace("        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,\n", "")
        .replace("            max_concurrency=max_concurrency,\n", "")
        # an async generator has no `yield from`: the page iterators yield item by item
        .replace(
            "            for _item in _items:\n                yield _item\n",
            "            yield from _items\n",
        )
        .replace("async def", "def")
        .replace("await ", "")
        .replace("AsyncAgentExchangeClient", "AgentExchangeClient")
        .replace("AsyncTransport", "SyncTransport")
        .replace("httpx.AsyncClient", "httpx.Client")
        .replace("__aenter__", "__enter__")
        .replace("__aexit__", "__exit__")
        .replace("asynchronous", "synchronous")
        .replace("Asynchronous", "Synchronous")
        .replace("as an async context manager", "as a context manager")
        # the session class (x-sdk-sessions): its async twin, async with / async for
        .replace("AsyncRunSession", "RunSession")
        .replace("AsyncIterator", "Iterator")
        .replace("``async with``", "``with``")
        .replace("``async for ", "``for ")
    )
    assert normalized == sync


def test_generated_fixture_package_imports_and_works(
    rendered: dict[str, str], tmp_path: Path
) -> None:
    """The expected client runs: a fake transport records the Call each method makes."""
    import dataclasses
    import importlib
    import sys
    from decimal import Decimal

    pkg = tmp_path / "fixturepkg"
    pkg.mkdir()
    root = Path(__file__).resolve().parents[2] / "agentexchange"
    for name in ("_convert.py", "_dataclass.py", "_jsonable.py", "_pages.py", "exceptions.py"):
        (pkg / name).write_text((root / name).read_text(encoding="utf-8"), encoding="utf-8")
    for name, text in rendered.items():
        (pkg / name).write_text(text, encoding="utf-8")
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "_transport.py").write_text(
        "from dataclasses import dataclass\n"
        "from typing import Any\n"
        "@dataclass(frozen=True)\n"
        "class Call:\n"
        "    method: str\n    path: str\n    security: tuple[str, ...]\n"
        "    params: Any = None\n    json: Any = None\n    headers: Any = None\n"
        "    idempotent: bool = False\n    expect: str = 'json'\n    options: Any = None\n"
        "def call_options(*args: Any) -> Any:\n"
        "    return None if all(a is None for a in args) else args\n"
        "class RawResponses:\n"
        "    def __init__(self, client: Any) -> None: ...\n"
        "class RawMethod:\n"
        "    def __init__(self, method: Any) -> None: ...\n"
        "class SyncTransport:\n"
        "    reply: Any = None\n"
        "    def __init__(self, **kw: Any) -> None:\n        self.calls: list[Call] = []\n"
        "    def request(self, call: Call) -> Any:\n        self.calls.append(call)\n"
        "        return self.reply(call) if callable(self.reply) else self.reply\n"
        "    def close(self) -> None: ...\n",
        encoding="utf-8",
    )
    (pkg / "_async_transport.py").write_text(
        "from typing import Any\n"
        "from ._transport import Call, RawResponses, SyncTransport\n"
        "DEFAULT_MAX_CONCURRENCY = 20\n"
        "class AsyncRawMethod(RawMethod): ...\n"
        "class AsyncTransport(SyncTransport):\n"
        "    async def request(self, call: Call) -> Any:  # type: ignore[override]\n"
        "        self.calls.append(call)\n        return self.reply\n"
        "    async def close(self) -> None: ...\n",
        encoding="utf-8",
    )
    sys.path.insert(0, str(tmp_path))
    try:
        client_mod = importlib.import_module("fixturepkg.client")
        client = client_mod.AgentExchangeClient()
        t = client._transport
        t.reply = {"quotes": {"A": "1.50", "B": "2"}, "data": {"at": "2024-01-01T00:00:00Z"}}
        quotes = client.get_quotes()
        assert [(q.symbol, q.price) for q in quotes] == [
            ("A", Decimal("1.50")),
            ("B", Decimal("2")),
        ]
        t.reply = {
            "thing_id": 7,
            "status": "open",
            "price": "1.0",
            "created": "2024-01-01T00:00:00+02:00",
            "items": [{"id": "x", "amount": "3"}],
            "book": [["1", "2"]],
            "inner": {"id": "i"},
            "qty": None,
            "requested_qty": "0.5",
            "nested": {"deep": "d"},
            "code": "s3cret",
            "zzz": 1,
        }
        thing = client.create_thing(
            "n", Decimal("1.10"), "2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z", labels=["a"]
        )
        call = t.calls[-1]
        assert call.json == {
            "name": "n",
            "amount": "1.10",
            "window": {"start": "2024-01-01T00:00:00Z", "end": "2024-02-01T00:00:00Z"},
            "note": "hello",
            "kind": "special",
            "labels": ["a"],
        }
        assert call.idempotent and call.security == ("Jwt", "Key")
        assert thing.thing_id == "7" and thing.is_open and thing.item_count == 1
        assert thing.quantity == Decimal("0.5") and thing.deep == "d" and thing.flag is False
        assert "s3cret" not in repr(thing)
        with pytest.raises(TypeError, match="str or Decimal"):
            client.create_thing("n", 1.1, "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z")
        t.reply = {"things": [], "status": "ok"}
        client.list_things((1, 2), ids=["x", "y"])
        assert t.calls[-1].params == {
            "mode": "full",
            "a": "1",
            "b": "2",
            "limit": "10",
            "all": "false",
            "ids": "x,y",
        }
        t.reply = {**t.reply, "things": None}
        t.reply = {
            "thing_id": "1",
            "status": "x",
            "price": "1",
            "created": "2024-01-01T00:00:00",
            "items": [],
            "book": [],
            "inner": {"id": "i"},
        }
        thing_wire = dict(t.reply)
        naive = client.get_thing("a/b", trace="t1")
        assert naive.created_at.tzinfo is not None and naive.quantity is None
        assert t.calls[-1].path == "/things/a%2Fb" and t.calls[-1].headers == {"X-Trace": "t1"}
        # list[number]: floats accepted, every item sent as the JSON number of its decimal
        t.reply = {"values": {"mean": Decimal("0.25")}, "gaps": [{"from": "x"}]}
        stats = client.compute_stats([Decimal("0.10"), 0.2, "-3", 4])
        assert t.calls[-1].json == {"series": [0.1, 0.2, -3, 4], "trials": 1}
        assert stats.values == {"mean": Decimal("0.25")} and type(stats.values["mean"]) is Decimal
        assert stats.labels is None and stats.counts == {} and stats.gaps == [{"from": "x"}]
        # the written-out dataclasses: a dict default is a factory, a secret is out of repr
        made = type(stats)(values={}, gaps=[])
        assert made.counts == {} and made.counts is not type(stats)(values={}, gaps=[]).counts
        fields = {f.name: f for f in dataclasses.fields(made)}
        assert fields["counts"].default_factory is dict and fields["labels"].default is None
        assert not {f.name: f for f in dataclasses.fields(thing)}["secret_code"].repr
        assert dataclasses.replace(thing, note="changed").note == "changed"
        # a list of scalars, limited on our side too
        t.reply = {"names": ["a", "b", "c"]}
        assert client.get_names(limit=2) == ["a", "b"]
        assert t.calls[-1].params == {"limit": "2"}
        # map_values: the map's values in the server's order, shared members filled in
        t.reply = {
            "book": {"B": {"sym": "B", "px": "2"}, "A": {"sym": "A", "px": "1.5"}},
            "at": "2024-01-01T00:00:00Z",
        }
        book = client.get_quote_book()
        assert [(q.symbol, q.price) for q in book] == [("B", Decimal("2")), ("A", Decimal("1.5"))]
        assert all(q.at.tzinfo is not None for q in book)
        # a session class (x-sdk-sessions): created by a client method, its id bound
        t.reply = {"run_id": "r/1", "steps": 2}
        run = client.create_run(2)
        assert type(run).__name__ == "RunSession" and run.run_id == "r/1" and run.created.steps == 2
        wallet = {"id": "w", "free": "1.5", "held": "2"}  # wallet_id under another name, no total
        steps = iter(
            [
                {"step": 1, "done": False, "wallet": wallet},
                {"step": 2, "done": True, "wallet": wallet},
            ]
        )

        def answer(call: Any) -> Any:
            return {"start": {"run_id": "r/1"}, "tick": lambda: next(steps), "stop": None}[
                call.path.rsplit("/", 1)[1]
            ]

        t.reply = lambda call: (lambda a: a() if callable(a) else a)(answer(call))
        with run as bound:
            bars = list(bound.bars())
        paths = [(c.method, c.path, c.json) for c in t.calls[-3:]]
        assert paths == [
            ("POST", "/runs/r%2F1/start", None),
            ("POST", "/runs/r%2F1/tick", {"n": 1}),
            ("POST", "/runs/r%2F1/tick", {"n": 1}),
        ]  # finished on the second tick: leaving `with` sends no stop
        assert [b.step for b in bars] == [1] and run.last_step is not None
        assert run.last_step.is_done and bars[0].wallet.wallet_id == "w"
        assert bars[0].wallet.total == Decimal("3.5")  # the sum of its parts
        # an unfinished session is stopped on leaving; "nothing to stop" is no error
        exceptions = importlib.import_module("fixturepkg.exceptions")

        def gone(call: Any) -> Any:
            raise exceptions.NotFoundError("not active", code="NO_THING", status_code=404)

        with client.run("r2") as attached:  # attached: taken as started
            t.reply = gone
        assert (t.calls[-1].method, t.calls[-1].path) == ("POST", "/runs/r2/stop")

        def other(call: Any) -> Any:
            raise exceptions.NotFoundError("no", code="OTHER", status_code=404)

        with pytest.raises(exceptions.NotFoundError):
            with client.run("r3"):
                t.reply = other
        # local parameters: filtered, newest first, paged on our side; nothing sent
        t.reply = {
            "things": [{**thing_wire, "thing_id": i, "note": n} for i, n in enumerate("abab")],
            "names": ["x", "y"],
        }
        found = attached.find_things(status="b", limit=1)
        assert t.calls[-1].params is None and [f.thing_id for f in found] == ["3"]
        assert [f.thing_id for f in attached.find_things(offset=1)] == ["2", "1", "0"]
        assert attached.get_names(limit=1) == ["x"]
        # arguments and fixed values fill what the answer lacks
        t.reply = {}
        added = attached.add_thing("n", "2.50")
        assert (added.id, added.amount) == ("plain", Decimal("2.50"))
        assert t.calls[-1].json == {"name": "n", "amount": "2.50", "kind": "plain"}
    finally:
        sys.path.remove(str(tmp_path))
        for mod in [m for m in sys.modules if m.startswith("fixturepkg")]:
            del sys.modules[mod]
