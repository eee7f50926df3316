"""The generator's pipeline: spec -> IR -> rendered, formatted file texts."""

from __future__ import annotations

from pathlib import Path

from .load import build_spec, load_spec
from .render import ROOT, TEMPLATES, make_env, render
from .sdkmodel import SdkModel, build

__all__ = ["ROOT", "generate", "generate_from_dict", "render_all"]

# output file name -> (template, extra context)
OUTPUTS: dict[str, tuple[str, dict[str, object]]] = {
    "_errors.py": ("_errors.py.jinja", {}),
    "models.py": ("models.py.jinja", {}),
    "client.py": ("client.py.jinja", {"is_async": False}),
    "async_client.py": ("client.py.jinja", {"is_async": True}),
    "protocols.py": ("protocols.py.jinja", {}),
    "params.py": ("params.py.jinja", {}),
}


def render_all(
    sdk: SdkModel, template_dir: Path = TEMPLATES, only: list[str] | None = None
) -> dict[str, str]:
    env = make_env(template_dir)
    out = {}
    for name, (template, extra) in OUTPUTS.items():
        if only is not None and name not in only:
            continue
        out[name] = render(
            env, template, f"agentexchange/{name}", sdk=sdk, errors=sdk.errors, **extra
        )
    return out


def generate(spec_path: Path, only: list[str] | None = None) -> dict[str, str]:
    return render_all(build(load_spec(spec_path)), only=only)


def generate_from_dict(raw: dict[str, object], only: list[str] | None = None) -> dict[str, str]:
    return render_all(build(build_spec(raw)), only=only)
