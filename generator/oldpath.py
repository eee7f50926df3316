"""The model builders as they were before fusion (issue 20): a reference for tests and bench.

Before the fused builders, each model's ``_from_wire`` called the shared helpers of
``agentexchange._convert`` (``parse_datetime``, ``opt_*``, ``first_present``, ...) for
every field and passed the results to a ``_make`` that set the slots through a tuple of
setters. ``old_builders()`` renders exactly that code from the same IR (the helpers'
expressions come from ``templates/_types.jinja``, as they did), bound to the real model
classes, so a test can check the fused builders build equal objects and the bench can time
one against the other. Not used by the SDK at runtime.
"""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace
from typing import Any

from .load import load_spec
from .render import ROOT, make_env
from .sdkmodel import build

_TEMPLATE = """\
{% import "_types.jinja" as ty %}
from decimal import Decimal
from agentexchange import models as _models
from agentexchange._convert import *  # noqa: F403
{% for model in sdk.models %}


class {{ model.name }}:
    @classmethod
    def _from_wire(cls, d):
        return cls._make(
{% for f in model.fields %}
            {{ ty.read_field(f, "d") }},
{% endfor %}
        )

    @classmethod
    def _make(
        cls,
{% for f in model.fields %}
        {{ f.name }},
{% endfor %}
    ):
        self = object.__new__(_{{ model.name }}_cls)
        _set = _{{ model.name }}_setters
{% for f in model.fields %}
        _set[{{ loop.index0 }}](self, {{ f.name }})
{% endfor %}
        return self


_{{ model.name }}_cls = _models.{{ model.name }}
_{{ model.name }}_setters = slot_setters(
    _models.{{ model.name }},
{% for f in model.fields %}
    {{ f.name | pyrepr }},
{% endfor %}
)
{% endfor %}
"""


@cache
def old_builders() -> SimpleNamespace:
    """Model name -> a class-like object whose ``_from_wire`` / ``_make`` are the old path.

    Nested models inside an old ``_from_wire`` go through the old path too.
    """
    sdk = build(load_spec(ROOT / "openapi.yaml"))
    source = make_env().from_string(_TEMPLATE).render(sdk=sdk)
    namespace: dict[str, Any] = {"__name__": "agentexchange_old_builders"}
    exec(compile(source, "<old model builders>", "exec"), namespace)
    return SimpleNamespace(**{m.name: namespace[m.name] for m in sdk.models})
