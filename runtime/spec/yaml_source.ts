/**
 * Parses a spec's text (YAML, or JSON, which the same parser reads) keeping positions,
 * and reports what stops the data from being trusted: syntax errors, duplicate keys,
 * keys that are not plain names, and aliases without an anchor.
 */
import { isScalar, LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import { SpecLocator } from './positions';
import type { SpecProblem } from './spec_error';

export interface SpecSource {
  locator: SpecLocator;
  /** The parsed data; undefined when the text is too broken to validate. */
  data?: unknown;
  problems: SpecProblem[];
}

export function readSpecSource(text: string, file: string): SpecSource {
  const lines = new LineCounter();
  // Duplicates are found below instead, to name the key and where it first appears.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const locator = new SpecLocator(file, text, doc, lines);
  const problems: SpecProblem[] = [
    ...doc.errors.map((e) => locator.atOffsets(e.pos, syntaxMessage(e), 'error')),
    ...doc.warnings.map((w) => locator.atOffsets(w.pos, warningMessage(w), 'warning')),
  ];
  const broken = problems.some((p) => p.severity === 'error');
  const structural = structureProblems(doc, locator, lines);
  problems.push(...structural.problems);
  if (broken || structural.fatal) return { locator, problems };
  try {
    return { locator, data: doc.toJS(), problems };
  } catch (err) {
    // yaml refuses alias bombs (too many alias expansions) here.
    problems.push(locator.atOffsets([0, 0], `the YAML cannot be expanded: ${(err as Error).message}`));
    return { locator, problems };
  }
}

function syntaxMessage(error: YAMLError): string {
  switch (error.code) {
    case 'TAB_AS_INDENT':
      return 'a tab is used for indentation; YAML indents with spaces only, so replace the tab with spaces';
    case 'MULTIPLE_DOCS':
      return 'the file holds more than one YAML document; a spec is one document, so remove the "---" and what follows it';
    default:
      return `YAML syntax error: ${error.message.charAt(0).toLowerCase()}${error.message.slice(1)}`;
  }
}

function warningMessage(warning: YAMLError): string {
  if (warning.code === 'TAG_RESOLVE_FAILED') return `${warning.message}; the value is read as plain text, so remove the tag`;
  return warning.message;
}

function structureProblems(doc: Document, locator: SpecLocator, lines: LineCounter): { problems: SpecProblem[]; fatal: boolean } {
  const problems: SpecProblem[] = [];
  let fatal = false;
  visit(doc, {
    Map(_, map) {
      const first = new Map<string, number>();
      for (const pair of map.items) {
        const key = pair.key;
        if (!isScalar(key) || (key.value !== null && typeof key.value === 'object')) {
          const range = (key as { range?: [number, number, number] } | null)?.range ?? map.range ?? [0, 0, 0];
          problems.push(locator.atOffsets([range[0], range[1]], 'a key must be a plain name, not a list or mapping'));
          fatal = true;
          continue;
        }
        const name = String(key.value);
        const range = key.range ?? [0, 0, 0];
        const earlier = first.get(name);
        if (earlier === undefined) first.set(name, range[0]);
        else {
          const line = lines.linePos(earlier).line;
          problems.push(locator.atOffsets([range[0], range[1]], `duplicate key "${name}" (first set on line ${line}); keep one of them`));
        }
      }
    },
    Alias(_, alias) {
      if (alias.resolve(doc) !== undefined) return;
      const range = alias.range ?? [0, 0, 0];
      problems.push(locator.atOffsets([range[0], range[1]], `alias *${alias.source} has no anchor &${alias.source} before it; define the anchor first`));
      fatal = true;
    },
  });
  return { problems, fatal };
}
