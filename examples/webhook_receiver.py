"""A webhook receiver: subscribe, receive signed events, refuse forged ones.

    python examples/with_mock.py examples/webhook_receiver.py      # against a fresh mock

Credentials and the server come from the environment (AGENTEXCHANGE_API_KEY,
AGENTEXCHANGE_API_SECRET, AGENTEXCHANGE_BASE_URL), as for the quick start. The receiver
listens on 127.0.0.1 (a free port, or --port N), which the mock accepts as a subscriber
only when started with --local-webhooks (examples/with_mock.py does); the real platform
wants an https URL on a public host (put this receiver behind one).

Every delivery is checked with ``agentexchange.webhooks.verify`` over the raw body before
anything else reads it: a signature that does not match is answered 400 and ignored.
"""

from __future__ import annotations

import argparse
import queue
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from agentexchange import AgentExchangeClient
from agentexchange.webhooks import WebhookEvent, WebhookSignatureError, verify

STRATEGY = {"pairs": ["BTCUSDT"], "timeframe": "1h", "entry_conditions": {"rsi_below": 30}}


def receiver(secret: str, events: queue.Queue[WebhookEvent]) -> type[BaseHTTPRequestHandler]:
    """A request handler that verifies each POST and queues the event it carries."""

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # http.server calls do_<METHOD>
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                event = verify(body, self.headers, secret)  # the raw bytes, before parsing
            except WebhookSignatureError as error:
                print(f"refused a delivery: {error.message}")
                self.send_response(400)
            else:
                events.put(event)
                self.send_response(200)  # a 2xx: delivered (anything else is retried)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Receiver


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port", type=int, default=0, help="port to listen on (default: a free one)"
    )
    args = parser.parse_args(argv)

    events: queue.Queue[WebhookEvent] = queue.Queue()
    with AgentExchangeClient() as client:  # AGENTEXCHANGE_* from the environment
        # Listen first, then subscribe with the secret the subscription returns (once).
        server = ThreadingHTTPServer(("127.0.0.1", args.port), receiver("", events))
        url = f"http://127.0.0.1:{server.server_address[1]}/hooks/agentexchange"
        hook = client.create_webhook(
            url, ["strategy.deployed", "strategy.test.completed"], "example"
        )
        assert hook.secret is not None  # shown only in this answer: keep it safe
        server.RequestHandlerClass = receiver(hook.secret, events)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(f"subscribed {url} to {', '.join(hook.events)}")
        try:
            client.test_webhook(hook.id)
            event = events.get(timeout=30)
            print(f"received {event.event}: {event.data['message']}")

            strategy = client.create_strategy(
                "Webhook demo", "deployed to fire a webhook", STRATEGY
            )
            client.deploy_strategy(strategy.strategy_id)
            event = events.get(timeout=30)
            print(
                f"received {event.event}: strategy {event.data['strategy_id']} version {event.data['version']}"
            )
            client.undeploy_strategy(strategy.strategy_id)

            # A forged delivery (a body the exchange did not sign) is refused.
            forged = httpx.post(
                url,
                content=b'{"strategy_id": "forged", "version": 1, "status": "deployed"}',
                headers={"X-Webhook-Event": "strategy.deployed", "X-Webhook-Signature": "0" * 64},
            )
            print(f"a forged delivery was answered {forged.status_code}")
            print(f"subscription state: failure_count {client.get_webhook(hook.id).failure_count}")
        finally:
            client.delete_webhook(hook.id)
            server.shutdown()
            server.server_close()
    print("Done.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
