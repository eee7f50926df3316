"""Domain layer: In-process publish/subscribe between the domain core and the WebSocket side.

The domain publishes plain dicts (order status changes, portfolio changes, ticks,
closed candles) on named topics; subscribers (the WebSocket hub) must not block —
they enqueue and return. With no subscribers publishing costs a dict lookup.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

Listener = Callable[[str, dict[str, Any]], None]


class EventBus:
    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = defaultdict(list)

    def subscribe(self, topic: str, listener: Listener) -> None:
        self._listeners[topic].append(listener)

    def unsubscribe(self, topic: str, listener: Listener) -> None:
        if listener in self._listeners.get(topic, ()):
            self._listeners[topic].remove(listener)

    def has_listeners(self, topic: str) -> bool:
        return bool(self._listeners.get(topic))

    def publish(self, topic: str, payload: dict[str, Any]) -> None:
        for listener in tuple(self._listeners.get(topic, ())):
            listener(topic, payload)
