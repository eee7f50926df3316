"""asyncapi.yaml is valid, and ``_ws_protocol.py`` is exactly what the generator makes of it."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

# By path: under pytest, ``generator`` may resolve to the tests/generator package.
_spec = importlib.util.spec_from_file_location("_asyncapi_gen", ROOT / "generator" / "asyncapi.py")
assert _spec is not None and _spec.loader is not None
_gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_gen)
AsyncApiError = _gen.AsyncApiError
render_ws_protocol = _gen.render_ws_protocol
ws_protocol_tables = _gen.ws_protocol_tables
NODE_PARSER = ROOT / "node_modules" / "@asyncapi" / "parser"


def test_committed_protocol_module_matches_the_document() -> None:
    committed = (ROOT / "agentexchange" / "_ws_protocol.py").read_text(encoding="utf-8")
    assert render_ws_protocol(ROOT) == committed, "run `make generate`"


def test_tables_follow_the_document() -> None:
    doc = yaml.safe_load((ROOT / "asyncapi.yaml").read_text())
    doc["channels"]["stream"]["x-limits"]["subscriptions_per_connection"] = 3
    doc["components"]["messages"]["Subscribe"]["x-subscription-keys"]["candles"] = "c:{symbol}"
    tables = ws_protocol_tables(doc)
    assert tables["subscriptions_per_connection"] == 3
    assert tables["subscription_params"]["candles"] == ("symbol",)
    del doc["components"]["messages"]["Subscribe"]["x-subscription-keys"]["orders"]
    with pytest.raises(AsyncApiError):
        ws_protocol_tables(doc)


@pytest.mark.skipif(
    shutil.which("node") is None or not NODE_PARSER.exists(), reason="node/@asyncapi/parser"
)
def test_validator_script_accepts_the_document_and_rejects_a_dangling_ref(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "validate_asyncapi.mjs"
    ok = subprocess.run(
        ["node", str(script), "asyncapi.yaml"], cwd=ROOT, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    broken = tmp_path / "broken.yaml"
    text = (ROOT / "asyncapi.yaml").read_text()
    broken.write_text(text.replace("#/components/messages/Pong", "#/components/messages/Nope"))
    bad = subprocess.run(
        ["node", str(script), str(broken)], cwd=ROOT, capture_output=True, text=True
    )
    assert bad.returncode == 1
    assert "Nope" in bad.stderr
