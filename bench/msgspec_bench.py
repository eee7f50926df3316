"""`make bench` (C decoder evaluation, issue 20 item 3): msgspec against the fused builders.

msgspec is not a dependency: it is installed for this script only, into
``.venv-bench/msgspec`` (``pip install --target``), and put on ``sys.path`` here. On the
bench bodies (500 trades, 1,000 candles, 600 prices) three ways from the response bytes
to a list, in one process, 11 rounds each interleaving all of them, median per body:

- fused: what the SDK does — the reused ``JSONDecoder`` (``_transport._loads``) then the
  generated methods' building step (``Trade._from_wire`` / ``Candle._from_wire``, the
  inline builder of ``get_all_prices``);
- msgspec: ``msgspec.json.Decoder`` into private wire-shaped ``Struct`` types
  (``Decimal`` and ``datetime`` fields decoded in C; wire names as on the wire, e.g.
  ``time``) and then mapped to the public models with their ``_make``;
- raw: ``json.loads`` and ``Decimal`` of every money field into tuples (the end-to-end
  baseline's building step, timestamps left as text).

Times are CPU time with the collector paused (``sdk_bench.per_call``). Printed per body:
each median, msgspec / fused, and each against raw; then
``import msgspec``'s cost (median cumulative ``-X importtime`` of 11 fresh interpreters).
The decision and the numbers behind it are in docs/decisions.md ("Models and Decimal").
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / ".venv-bench" / "msgspec"
MSGSPEC = "msgspec==0.23.0"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from agentexchange import models  # noqa: E402
from agentexchange._transport import _loads  # noqa: E402
from bench.sdk_bench import (  # noqa: E402
    CANDLES,
    PRICES,
    TRADES,
    interleave,
    ratio_range,
    sdk_builders,
)


def install_msgspec() -> Any:
    if not (TARGET / "msgspec").is_dir():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--no-deps", "--target", str(TARGET), MSGSPEC],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    sys.path.insert(0, str(TARGET))
    import msgspec

    return msgspec


def wire_types(msgspec: Any) -> dict[str, Any]:
    """Private wire-shaped types: the members the builders read, with the wire's names."""

    # defstruct with type objects: this module's annotations are strings (PEP 563).
    trade = msgspec.defstruct(
        "WireTrade",
        [("trade_id", str), ("symbol", str), ("quantity", Decimal), ("price", Decimal),
         ("side", str | None, None), ("fee", Decimal | None, None),
         ("pnl", Decimal | None, None), ("executed_at", datetime | None, None),
         ("time", datetime | None, None), ("order_id", str | None, None),
         ("total", Decimal | None, None), ("is_buyer_maker", bool | None, None)],
    )  # fmt: skip
    candle = msgspec.defstruct(
        "WireCandle",
        [("time", datetime), ("open", Decimal), ("high", Decimal), ("low", Decimal),
         ("close", Decimal), ("volume", Decimal), ("trade_count", int | None, None)],
    )  # fmt: skip
    trades = msgspec.defstruct("WireTrades", [("trades", list[trade])])
    candles = msgspec.defstruct("WireCandles", [("candles", list[candle])])
    prices = msgspec.defstruct(
        "WirePrices", [("prices", dict[str, Decimal]), ("timestamp", datetime)]
    )

    return {
        "trades": msgspec.json.Decoder(trades),
        "candles": msgspec.json.Decoder(candles),
        "prices": msgspec.json.Decoder(prices),
    }


def aware(value: datetime | None) -> datetime | None:
    """The SDK's rule: a naive wire timestamp is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def msgspec_paths(msgspec: Any) -> dict[str, Any]:
    decoders = wire_types(msgspec)
    trade, candle, price = models.Trade._make, models.Candle._make, models.Price._make

    def trades(body: bytes) -> list[models.Trade]:
        return [
            trade(t.trade_id, t.symbol, t.side, t.quantity, t.price, t.fee, t.pnl,
                  aware(t.executed_at if t.executed_at is not None else t.time),
                  t.order_id, t.total, t.is_buyer_maker)
            for t in decoders["trades"].decode(body).trades
        ]  # fmt: skip

    def candles(body: bytes) -> list[models.Candle]:
        return [
            candle(c.time if c.time.tzinfo is not None else c.time.replace(tzinfo=UTC),
                   c.open, c.high, c.low, c.close, c.volume, c.trade_count)
            for c in decoders["candles"].decode(body).candles
        ]  # fmt: skip

    def prices(body: bytes) -> list[models.Price]:
        data = decoders["prices"].decode(body)
        stamp = aware(data.timestamp)
        return [price(k, v, stamp) for k, v in data.prices.items()]

    def structs_only(name: str) -> Any:
        return lambda body: decoders[name].decode(body)

    return {
        "trades": trades,
        "candles": candles,
        "prices": prices,
        "structs": {name: structs_only(name) for name in decoders},
    }


def fused_paths() -> dict[str, Any]:
    """The SDK's steps: the transport's decoder, then the generated method's building."""
    build = sdk_builders()
    return {name: lambda body, b=build[name]: b(_loads(body)) for name in build}


def raw_paths() -> dict[str, Any]:
    import json

    def trades(body: bytes) -> Any:
        return [
            (t["trade_id"], t["order_id"], t["symbol"], t["side"], Decimal(t["quantity"]),
             Decimal(t["price"]), Decimal(t["fee"]), Decimal(t["total"]), t["executed_at"])
            for t in json.loads(body)["trades"]
        ]  # fmt: skip

    def candles(body: bytes) -> Any:
        return [
            (c["time"], Decimal(c["open"]), Decimal(c["high"]), Decimal(c["low"]),
             Decimal(c["close"]), Decimal(c["volume"]), c["trade_count"])
            for c in json.loads(body)["candles"]
        ]  # fmt: skip

    def prices(body: bytes) -> Any:
        return [(k, Decimal(v)) for k, v in json.loads(body)["prices"].items()]

    return {"trades": trades, "candles": candles, "prices": prices}


def import_cost(rounds: int = 11) -> float:
    """Median cumulative -X importtime of ``import msgspec`` after the SDK (ms), fresh
    interpreters: what adopting it would add to ``import agentexchange``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(TARGET)
    times = []
    for _ in range(rounds):
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import agentexchange, msgspec"],
            check=True, capture_output=True, text=True, env=env, cwd="/",
        )  # fmt: skip
        line = out.stderr.strip().splitlines()[-1]
        match = re.match(r"^import time:\s+\d+ \|\s+(\d+) \| msgspec$", line)
        assert match, line
        times.append(int(match.group(1)) / 1e3)
    return statistics.median(times)


def main() -> int:
    msgspec = install_msgspec()
    bodies = {"trades": TRADES, "candles": CANDLES, "prices": PRICES}
    fused, via_msgspec, raw = fused_paths(), msgspec_paths(msgspec), raw_paths()
    print(
        f"C decoder evaluation: msgspec {msgspec.__version__} (not a dependency) vs the fused "
        f"builders, from response bytes to models (11 interleaved rounds, medians)"
    )
    for name, body in bodies.items():
        assert via_msgspec[name](body) == fused[name](body)  # the very same models
        times = interleave(
            {
                "fused": partial(fused[name], body),
                "msgspec": partial(via_msgspec[name], body),
                "structs": partial(via_msgspec["structs"][name], body),
                "raw": partial(raw[name], body),
            },
            calls=20,
        )
        f, m, s, r = (statistics.median(times[k]) for k in ("fused", "msgspec", "structs", "raw"))
        vs_fused, low, high = ratio_range(times, "msgspec", "fused")
        print(
            f"  {name:<8} fused {f * 1e3:6.3f} ms  msgspec+map {m * 1e3:6.3f} ms "
            f"(structs alone {s * 1e3:6.3f})  raw json+Decimal {r * 1e3:6.3f} ms\n"
            f"           msgspec/fused {vs_fused:.2f} (range {low:.2f}-{high:.2f})  "
            f"fused/raw {ratio_range(times, 'fused', 'raw')[0]:.2f}  "
            f"msgspec/raw {ratio_range(times, 'msgspec', 'raw')[0]:.2f}"
        )
    print(f"  import msgspec after agentexchange: {import_cost():.1f} ms (median -X importtime)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
