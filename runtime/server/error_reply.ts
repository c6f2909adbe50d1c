/**
 * How the daemon answers an error the user can act on (any UserError, or a file the user can
 * fix): an invalid-params reply with a one-sentence message, and for a wrong spec every problem
 * with its place (SpecErrorData), so the extension can point at them. Anything else is a fault
 * of the runtime, logged and answered as such.
 */
import { basename } from 'node:path';
import type { SpecErrorData } from '../../protocol/runtime_api';
import { UserError } from '../errors/user_error';
import { SpecError } from '../spec/spec_error';
import { fileErrorWords, isUserFileError } from '../spec/wording';

export interface ErrorReply {
  message: string;
  data?: SpecErrorData;
}

/** The reply for an error the user can fix; undefined for a fault of the runtime. */
export function userErrorReply(err: unknown): ErrorReply | undefined {
  if (err instanceof SpecError) return { message: specSentence(err), data: specErrorData(err) };
  if (err instanceof UserError) return { message: sentence(err.message) };
  if (isUserFileError(err)) return { message: `Cannot use ${err.path ?? 'a file'}: ${fileErrorWords(err)}.` };
  return undefined;
}

function specErrorData(err: SpecError): SpecErrorData {
  return { kind: 'spec', problems: err.problems.filter((p) => p.severity === 'error').map(({ file, line, column, message }) => ({ file, line, column, message })) };
}

function specSentence(err: SpecError): string {
  const errors = err.problems.filter((p) => p.severity === 'error');
  const first = errors[0] ?? err.problems[0];
  if (!first) return 'The spec has problems.';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `${basename(first.file)} line ${first.line}: ${first.message}${more}.`.replace(/\.\.$/, '.');
}

/** The first line, capitalised, ending in a full stop. */
export function sentence(text: string): string {
  const line = text.split('\n')[0];
  const capital = line.charAt(0).toUpperCase() + line.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
