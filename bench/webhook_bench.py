"""`make bench` (webhooks part): firing a webhook never slows the operation that fires it.

One mock exchange (local subscribers admitted), two accounts with one strategy each. The
first has no webhook; the second's ``strategy.deployed`` goes to a subscriber that accepts
connections and never answers (each try waits out the 10 s timeout, then the retries).
Rounds alternate between the two (which goes first alternates too): 200
``deploy_strategy`` calls through the SDK (each followed by an untimed
``undeploy_strategy``). Printed: the median time of 200 deploys
each way and the ratio; goal <= 1.2.
"""

from __future__ import annotations

import socket
import statistics
import sys
import threading
import time

from agentexchange import AgentExchangeClient
from agentexchange.mock.testing import MockServer

DEPLOYS = 200
ROUNDS = 7
GOAL = 1.2
DEFINITION = {"pairs": ["BTCUSDT"], "timeframe": "1h", "entry_conditions": {"rsi_below": 30}}


class BlackHole:
    """Accepts connections and never reads or answers them."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=1024)
        self.held: list[socket.socket] = []
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/hook"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


def deploys(client: AgentExchangeClient, strategy_id: str) -> float:
    spent = 0.0
    for _ in range(DEPLOYS):
        started = time.perf_counter()
        client.deploy_strategy(strategy_id, version=1)
        spent += time.perf_counter() - started
        client.undeploy_strategy(strategy_id)
    return spent


def main() -> int:
    hole = BlackHole()
    try:
        with MockServer(pairs=20, local_webhooks=True) as mock:
            clients: list[tuple[AgentExchangeClient, str]] = []
            for hooked in (False, True):
                with AgentExchangeClient(base_url=mock.base_url) as anonymous:
                    account = anonymous.register(display_name=f"bench-{hooked}")
                client = AgentExchangeClient(
                    api_key=account.api_key, api_secret=account.api_secret, base_url=mock.base_url
                )
                if hooked:
                    client.create_webhook(hole.url, ["strategy.deployed"])
                strategy = client.create_strategy("bench", "deploys", DEFINITION)
                clients.append((client, strategy.strategy_id))
            deploys(*clients[0])  # warm-up: connections, code paths
            plain, hooked_times = [], []
            for n in range(ROUNDS):  # alternating, and which goes first alternates too
                for hooked in (False, True) if n % 2 == 0 else (True, False):
                    (hooked_times if hooked else plain).append(deploys(*clients[hooked]))
            waiting = mock.exchange.webhooks.queued()
            for client, _ in clients:
                client.close()
    finally:
        hole.close()
    base, hooked_median = statistics.median(plain), statistics.median(hooked_times)
    ratio = hooked_median / base
    print(
        f"webhooks: {DEPLOYS} deploys, median of {ROUNDS} alternating rounds: "
        f"no subscriber {base * 1000:.0f} ms, a never-answering subscriber "
        f"{hooked_median * 1000:.0f} ms (ratio {ratio:.2f}, goal <= {GOAL}); "
        f"{len(hole.held)} connections held by the subscriber, {waiting} deliveries still queued"
    )
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
