"""The models as they were before issue 20: a reference for tests and bench.

Builders.

Before the fused builders, each model's ``_from_wire`` called the shared helpers of
``agentexchange._convert`` (``parse_datetime``, ``opt_*``, ``first_present``, ...) for
every field and passed the results to a ``_make`` that set the slots through a tuple of
setters. ``old_builders()`` renders exactly that code from the same IR (the helpers'
expressions come from ``templates/_types.jinja``, as they did), bound to the real model
classes, so a test can check the fused builders build equal objects and the bench can time
one against the other.

Classes. The models were ``@dataclass(frozen=True, slots=True, kw_only=True)`` classes;
now the generator writes out what ``@dataclass`` computes (``agentexchange/_dataclass.py``).
``old_dataclasses()`` renders the classes' declarations as the template wrote them, from
the same IR, and applies the real ``@dataclass`` — what every generated model must behave
like. Not used by the SDK at runtime.
"""

from __future__ import annotations

import sys
from functools import cache
from types import ModuleType, SimpleNamespace
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


_DATACLASSES = """\
{% import "_types.jinja" as ty %}
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Literal
{% for model in sdk.models %}


@dataclass(frozen=True, slots=True, kw_only=True)
class {{ model.name }}:
{% for f in model.fields %}
{% set annotation = ty.field_annotation(f) %}
{% if f.required %}
{% set dflt = none %}
{% elif f.has_default and f.default is not none and f.type.startswith("list[") %}
{% set dflt = "field(default_factory=list" %}
{% elif f.has_default and f.default is not none and (f.type == "object" or f.type.startswith("map[")) %}
{% set dflt = "field(default_factory=dict" %}
{% elif f.has_default and f.default is not none %}
{% set dflt = ty.literal(f.type, f.default) %}
{% else %}
{% set dflt = "None" %}
{% endif %}
{% if f.secret %}
    {{ f.name }}: {{ annotation }} = field({% if dflt is not none %}{% if dflt.startswith("field(") %}{{ dflt[6:] }}, {% else %}default={{ dflt }}, {% endif %}{% endif %}repr=False)
{% elif dflt is none %}
    {{ f.name }}: {{ annotation }}
{% elif dflt.startswith("field(") %}
    {{ f.name }}: {{ annotation }} = {{ dflt }})
{% else %}
    {{ f.name }}: {{ annotation }} = {{ dflt }}
{% endif %}
{% endfor %}

    _from_wire: ClassVar[Callable[[Mapping[str, Any]], {{ model.name }}]]
    _from_dict: ClassVar[Callable[[Mapping[str, Any]], {{ model.name }}]]
    _make: ClassVar[
        Callable[
            [
{% for f in model.fields %}
                {{ ty.field_type(f.type) ~ (" | None" if f.optional else "") }},
{% endfor %}
            ],
            {{ model.name }},
        ]
    ]
{% endfor %}
"""


@cache
def old_dataclasses() -> SimpleNamespace:
    """Model name -> the model declared as it was, with the real ``@dataclass``.

    The classes live in a module of their own (``agentexchange_old_models``, registered in
    ``sys.modules`` as ``@dataclass`` needs to read ``ClassVar`` from string annotations).
    """
    sdk = build(load_spec(ROOT / "openapi.yaml"))
    source = make_env().from_string(_DATACLASSES).render(sdk=sdk)
    module = ModuleType("agentexchange_old_models")
    sys.modules[module.__name__] = module
    exec(compile(source, "<old model classes>", "exec"), module.__dict__)
    return SimpleNamespace(**{m.name: getattr(module, m.name) for m in sdk.models})
