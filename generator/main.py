"""The generator's pipeline: spec -> IR -> rendered, formatted file texts."""

from __future__ import annotations

from pathlib import Path

from .load import Spec, build_spec, load_spec
from .render import ROOT, TEMPLATES, make_env, render
from .sdkmodel import SdkModel, build
from .tools import build_tools

__all__ = ["ROOT", "generate", "generate_from_dict", "render_all"]

# output file name -> (template, extra context)
OUTPUTS: dict[str, tuple[str, dict[str, object]]] = {
    "_errors.py": ("_errors.py.jinja", {}),
    "models.py": ("models.py.jinja", {}),
    "client.py": ("client.py.jinja", {"is_async": False}),
    "async_client.py": ("client.py.jinja", {"is_async": True}),
    "protocols.py": ("protocols.py.jinja", {}),
    "tools/_table.py": ("tools_table.py.jinja", {}),
    "params.py": ("params.py.jinja", {}),
}


def render_all(
    sdk: SdkModel,
    template_dir: Path = TEMPLATES,
    only: list[str] | None = None,
    spec: Spec | None = None,
) -> dict[str, str]:
    """Render every output (the tool table needs the `spec`: its schemas come from the wire)."""
    env = make_env(template_dir)
    tools = build_tools(spec, sdk) if spec is not None else None
    out = {}
    for name, (template, extra) in OUTPUTS.items():
        if only is not None and name not in only:
            continue
        if name == "tools/_table.py" and tools is None:
            continue
        out[name] = render(
            env,
            template,
            f"agentexchange/{name}",
            sdk=sdk,
            errors=sdk.errors,
            tools=tools,
            **extra,
        )
    return out


def generate(spec_path: Path, only: list[str] | None = None) -> dict[str, str]:
    spec = load_spec(spec_path)
    return render_all(build(spec), only=only, spec=spec)


def generate_from_dict(raw: dict[str, object], only: list[str] | None = None) -> dict[str, str]:
    spec = build_spec(raw)
    return render_all(build(spec), only=only, spec=spec)
