"""The reference mock exchange (`agentexchange mock`, extra `mock`).

docs/architecture.md "Mock exchange": a real server for openapi.yaml, in two packages —
``domain/`` is the pure-Python domain core (``domain.exchange.Exchange`` holds it),
``web/`` routes and validates by the document (``web/app.py``), runs the WebSocket hub on
the same port and serves it under uvicorn (``web/server.py``). The domain imports nothing
from the web layer; the top level joins them: ``cli`` is ``agentexchange mock`` and
``testing.MockServer`` runs the mock in-process for tests that drive its clock.
"""
