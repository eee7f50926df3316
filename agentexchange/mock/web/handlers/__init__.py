"""Web layer: One module per area of openapi.yaml, each mapping operationIds to handlers.

``routes.all_handlers`` gathers them; ``MockApp`` refuses to start unless they cover
exactly the document's operations.
"""
