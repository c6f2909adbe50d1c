/**
 * Reads an experiment spec (`*.tune.yaml`, or JSON) into an ExperimentSpec, or reports
 * every problem in it with its place in the file.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ExperimentSpec } from '../../protocol/spec';
import { schedulableCapacity } from '../../protocol/capacity';
import type { HardwareReport } from '../hardware/report';
import { resolveSpec, type RawSpec } from './defaults';
import type { PathProblem } from './positions';
import { schemaProblems } from './schema_problems';
import { semanticProblems } from './semantic_checks';
import { compareProblems, SpecError, type SpecProblem } from './spec_error';
import { paramSpaceProblems } from './param_space_problems';
import { pathProblems } from './path_checks';
import { fitProblems, setupProblems } from './run_checks';
import { decodeSpecFile, MAX_SPEC_BYTES, sizeMessage, specTextProblem } from './spec_text';
import { fileErrorWords } from './wording';
import { readSpecSource, type SpecSource } from './yaml_source';
import { searchAlgProblems } from '../search/search_alg_problems';
import { staticClusterProblems } from '../backends/slurm/cluster_fit';

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

export interface CheckOptions {
  /** The machine the spec would run on; with it, a trial that could never be admitted is a problem. */
  hardware?: HardwareReport;
  /** False for text that is not a file yet (an unsaved editor tab): its relative paths lead nowhere. */
  onDisk?: boolean;
}

/**
 * Every check `tunekit validate` makes, each problem placed in the file: the text's own checks,
 * then the searcher and scheduler, the paths on disk and, given the hardware, whether trials fit.
 * The CLI, the daemon and the editor's diagnostics all call this one function (issue #12).
 */
export async function checkSpecText(text: string, file: string, options: CheckOptions = {}): Promise<ParsedSpec> {
  const { spec, problems, source } = analyse(text, file);
  if (!spec || !source) return { spec, problems };
  const found: PathProblem[] = [...setupProblems(spec), ...staticClusterProblems(spec), ...(options.onDisk === false ? [] : await pathProblems(spec))];
  if (options.hardware) {
    found.push(...fitProblems(spec, schedulableCapacity(options.hardware, spec.resources)));
  }
  problems.push(...found.map((p) => source.locator.place(p)));
  problems.sort(compareProblems);
  const valid = !problems.some((p) => p.severity === 'error');
  return { spec: valid ? spec : undefined, problems };
}

export interface LoadOptions extends CheckOptions {
  /** Receives the warnings of a spec that loaded; errors are thrown instead. */
  onWarning?: (problem: SpecProblem) => void;
}

/** Reads and checks a spec file (checkSpecText), throwing SpecError with every problem when it has errors. */
export async function loadSpec(file: string, options: LoadOptions = {}): Promise<ExperimentSpec> {
  const read = await readSpecFile(file);
  if ('problem' in read) throw new SpecError([{ file, line: 1, column: 1, endLine: 1, endColumn: 1, message: read.problem, severity: 'error' }]);
  const { spec, problems } = await checkSpecText(read.text, file, options);
  if (!spec) throw new SpecError(problems);
  for (const warning of problems) options.onWarning?.(warning);
  return spec;
}

async function readSpecFile(file: string): Promise<{ text: string } | { problem: string }> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) return { problem: 'cannot read the spec: this is a directory; name a spec file such as experiment.tune.yaml' };
    if (info.size > MAX_SPEC_BYTES) return { problem: sizeMessage(info.size) };
    return decodeSpecFile(await readFile(file));
  } catch (err) {
    const error = err as NodeJS.ErrnoException;
    return { problem: `cannot read the spec: ${error.code === 'ENOENT' ? 'there is no such file' : fileErrorWords(error)}` };
  }
}

function analyse(text: string, file: string): ParsedSpec & { problems: SpecProblem[]; source?: SpecSource } {
  const unreadable = specTextProblem(text);
  if (unreadable) return { problems: [{ file, line: 1, column: 1, endLine: 1, endColumn: 1, message: unreadable, severity: 'error' }] };
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
