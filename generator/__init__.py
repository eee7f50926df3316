"""Code generator: renders the SDK clients, models and runtime tables from openapi.yaml.

`python -m generator` (behind `make generate`) reads the spec with openapi-python-client's
parser plus the `x-sdk*` vendor extensions, builds a small intermediate representation
(`sdkmodel`), renders `templates/` (`render`) and formats the result with the pinned ruff.
"""
