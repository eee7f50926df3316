"""The command line for people: every SDK method a sub-command, generated from the tool table.

docs/architecture.md "Command line". ``agentexchange/cli.py`` is the console script; this
package holds its parts, each with one job:

- ``naming``  — the rule that turns a tool (an SDK method) into a command, and the ``cli``
  vocabulary word of ``openapi.yaml`` where the rule reads badly;
- ``arguments`` — argparse options from a tool's parameters, and command-line text back
  into the tool's JSON arguments;
- ``output`` — human tables, or ``--json``;
- ``run`` — the client from the SDK's environment variables, one call through the
  ``Toolkit``, one line and exit status 1 on an error;
- ``servers`` — the ``mock``, ``contract`` and ``mcp`` commands, whose extras load only
  when they run.

Nothing here knows an operation by name: a method added to ``openapi.yaml`` becomes a
command without a change here.
"""
