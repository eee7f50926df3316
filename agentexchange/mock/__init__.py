"""The reference mock exchange (`agentexchange mock`, extra `mock`).

DESIGN.md: a real server for openapi.yaml — ``app.py`` routes and validates by the
document, ``exchange.py`` holds the pure-Python domain core, ``server.py`` runs it under
uvicorn with the WebSocket hub on the same port, and ``testing.MockServer`` runs it
in-process for tests that drive its clock.
"""
