/**
 * Errors a request answers with: a one-sentence message for the user, and for a wrong spec
 * every problem with its place (SpecErrorData), so the extension can point at them.
 */
import { basename } from 'node:path';
import type { SpecErrorData } from '../../protocol/runtime_api';
import { UsageError } from '../cli/args';
import { ImpossibleRequestError } from '../cli/machine';
import { SpecError } from '../spec/spec_error';
import { fileErrorWords, isUserFileError } from '../spec/wording';
import { ExperimentLockedError } from '../tuner/run_lock';

/** The user can act on it; anything else is a fault of the runtime. */
export class HostError extends Error {
  constructor(
    message: string,
    readonly data?: SpecErrorData,
  ) {
    super(message);
    this.name = 'HostError';
  }
}

export function specErrorData(err: SpecError): SpecErrorData {
  return { kind: 'spec', problems: err.problems.filter((p) => p.severity === 'error').map(({ file, line, column, message }) => ({ file, line, column, message })) };
}

function specSentence(err: SpecError): string {
  const errors = err.problems.filter((p) => p.severity === 'error');
  const first = errors[0] ?? err.problems[0];
  if (!first) return 'The spec has problems.';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `${basename(first.file)} line ${first.line}: ${first.message}${more}.`.replace(/\.\.$/, '.');
}

/** Errors the user can fix become HostErrors; others pass through unchanged. */
export function asHostError(err: unknown): unknown {
  if (err instanceof HostError) return err;
  if (err instanceof SpecError) return new HostError(specSentence(err), specErrorData(err));
  if (err instanceof ImpossibleRequestError || err instanceof UsageError || err instanceof ExperimentLockedError) {
    return new HostError(sentence((err as Error).message));
  }
  if (isUserFileError(err)) return new HostError(`Cannot use ${err.path ?? 'a file'}: ${fileErrorWords(err)}.`);
  return err;
}

function sentence(text: string): string {
  const line = text.split('\n')[0];
  return /[.!?]$/.test(line) ? line : `${line}.`;
}
