"""Help formatting shared by every command (docs/architecture.md "Command line")."""

from __future__ import annotations

import argparse
import textwrap

__all__ = ["Formatter", "ParagraphFormatter"]


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of hand-written descriptions and examples; option help is wrapped."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30)


class ParagraphFormatter(argparse.HelpFormatter):
    """For text from openapi.yaml: each paragraph (blank-line separated) wrapped on its own."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        return "\n\n".join(
            textwrap.fill(
                " ".join(p.split()), width, initial_indent=indent, subsequent_indent=indent
            )
            for p in paragraphs
        )
