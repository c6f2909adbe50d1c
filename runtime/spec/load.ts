/**
 * Reads an experiment spec (`*.tune.yaml`, or JSON) into an ExperimentSpec, or reports
 * every problem in it with its place in the file.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ExperimentSpec } from '../../protocol/spec';
import { resolveSpec, type RawSpec } from './defaults';
import type { PathProblem } from './positions';
import { schemaProblems } from './schema_problems';
import { semanticProblems } from './semantic_checks';
import { compareProblems, SpecError, type SpecProblem } from './spec_error';
import { paramSpaceProblems } from './param_space_problems';
import { readSpecSource, type SpecSource } from './yaml_source';
import { searchAlgProblems } from '../search/search_alg_problems';

export interface ParsedSpec {
  /** Present only when no problem is an error. */
  spec?: ExperimentSpec;
  /** Errors and warnings, in file order. */
  problems: SpecProblem[];
}

/** Checks a spec's text without touching the disk; `file` names it in problems and anchors relative paths. */
export function parseSpecText(text: string, file: string): ParsedSpec {
  const { spec, problems } = analyse(text, file);
  return { spec, problems };
}

export interface LoadOptions {
  /** Receives the warnings of a spec that loaded; errors are thrown instead. */
  onWarning?: (problem: SpecProblem) => void;
}

/** Reads and checks a spec file, throwing SpecError with every problem when it has errors. */
export async function loadSpec(file: string, options: LoadOptions = {}): Promise<ExperimentSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (err as Error).message;
    throw new SpecError([{ file, line: 1, column: 1, endLine: 1, endColumn: 1, message: `cannot read the spec: ${reason}`, severity: 'error' }]);
  }
  const { spec, problems, source } = analyse(text, file);
  if (spec) {
    const dirProblem = await workingDirProblem(spec.trainer.working_dir);
    if (dirProblem) problems.push(source.locator.place(dirProblem));
  }
  if (!spec || problems.some((p) => p.severity === 'error')) throw new SpecError(problems);
  for (const warning of problems) options.onWarning?.(warning);
  return spec;
}

function analyse(text: string, file: string): ParsedSpec & { problems: SpecProblem[]; source: SpecSource } {
  const source = readSpecSource(text, file);
  const problems = [...source.problems];
  const data = source.data;
  if (data !== undefined) {
    problems.push(...dataProblems(data).map((p) => source.locator.place(p)));
  }
  problems.sort(compareProblems);
  const valid = data !== undefined && !problems.some((p) => p.severity === 'error');
  const spec = valid ? resolveSpec(data as RawSpec, resolve(file)) : undefined;
  return { spec, problems, source };
}

function dataProblems(data: unknown): PathProblem[] {
  if (data === null) {
    return [{ path: [], message: 'the spec is empty; it needs at least a trainer, e.g. trainer: {command: [python3, train.py]}' }];
  }
  return [...schemaProblems(data), ...semanticProblems(data), ...paramSpaceProblems(data), ...searchAlgProblems(data)];
}

async function workingDirProblem(dir: string): Promise<PathProblem | undefined> {
  const path = ['trainer', 'working_dir'];
  try {
    if ((await stat(dir)).isDirectory()) return undefined;
    return { path, message: `trainer.working_dir is ${dir}, which is a file; name a directory (relative paths start at the spec's directory)` };
  } catch {
    return { path, message: `trainer.working_dir is ${dir}, which does not exist; create it or fix the path (relative paths start at the spec's directory)` };
  }
}
