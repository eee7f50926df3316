"""Domain layer of the mock exchange: accounts, market, trading, strategies, training.

Plain Python and ``Decimal``; it knows nothing of HTTP, ASGI, JSON or sockets. The rule
between the two packages: the domain imports nothing from ``web`` (nor from the SDK or
any web, serialisation or networking library); ``web`` may import the domain; the top
level of ``agentexchange.mock`` (``testing``, ``cli``) may import both.
``tests/mock/test_layers.py`` holds the rule.
"""
