// Validate an AsyncAPI document with @asyncapi/parser (the lighter of the two validators
// tried; docs/decisions.md "Build and tooling"). Part of `make lint-spec`.
// Usage: node scripts/validate_asyncapi.mjs [asyncapi.yaml ...]
// Exit status: 0 valid, 1 errors (each printed with its JSON path), 2 unreadable file.
import { readFile } from 'node:fs/promises';
import { Parser } from '@asyncapi/parser';

const ERROR = 0; // DiagnosticSeverity.Error
const WARNING = 1;

async function validate(path) {
  let source;
  try {
    source = await readFile(path, 'utf8');
  } catch (err) {
    console.error(`${path}: cannot read: ${err.message}`);
    return 2;
  }
  const parser = new Parser();
  // `source` makes $ref errors point at the file; a dangling $ref is an error here.
  const { document, diagnostics } = await parser.parse(source, { source: path });
  const errors = diagnostics.filter((d) => d.severity === ERROR);
  for (const d of diagnostics.filter((x) => x.severity === WARNING)) {
    console.warn(`${path}: warning ${d.code}: ${d.message} at ${d.path.join('.') || '/'}`);
  }
  for (const d of errors) {
    console.error(`${path}: error ${d.code}: ${d.message} at ${d.path.join('.') || '/'}`);
  }
  if (errors.length > 0 || document === undefined) {
    console.error(`${path}: invalid (${errors.length} error(s))`);
    return 1;
  }
  console.log(`${path}: valid AsyncAPI ${document.version()}`);
  return 0;
}

const files = process.argv.slice(2);
let status = 0;
for (const file of files.length ? files : ['asyncapi.yaml']) {
  status = Math.max(status, await validate(file));
}
process.exit(status);
