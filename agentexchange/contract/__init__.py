"""Contract tests: hold any server to openapi.yaml with schemathesis.

docs/architecture.md "Contract tests": the third consumer of the document. ``runner``
drives the pinned schemathesis CLI over the packaged ``openapi.yaml`` with every check and
phase; ``hooks`` (loaded inside that schemathesis process) teaches it the ``decimal``
format and the API's auth; ``policy`` holds the per-operation statuses business rules may
answer to schema-valid input, each with its reason; ``summary`` turns the reports into a
page a person can read. ``agentexchange contract`` (cli.py) is the entry point.
"""
