"""Web layer of the mock exchange: openapi.yaml-driven HTTP (ASGI), WebSocket and serving.

It routes and validates requests by the document (``spec``, ``validation``, ``app``),
maps each operation to a handler that calls the domain (``handlers/``, ``routes``), runs
the WebSocket hub (``ws_hub``) and serves it all (``server``). The rule between the two
packages: the domain imports nothing from ``web``; ``web`` may import the domain; the top
level of ``agentexchange.mock`` (``testing``, ``cli``) may import both.
"""
