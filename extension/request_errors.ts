/** Turns a failed runtime request into the one sentence the user reads. */
import { basename } from 'node:path';
import type { SpecErrorData } from '../protocol/runtime_api';

function isSpecError(data: unknown): data is SpecErrorData {
  return !!data && typeof data === 'object' && (data as SpecErrorData).kind === 'spec' && Array.isArray((data as SpecErrorData).problems);
}

function sentence(text: string): string {
  const first = text.trim().split('\n')[0] || 'Something went wrong';
  return /[.!?:]$/.test(first) ? first : `${first}.`;
}

export interface DescribedError {
  message: string;
  /** The spec has problems: the editor's diagnostics show them, so offer the Problems view. */
  specProblems: boolean;
}

export function describeRequestError(action: string, error: unknown): DescribedError {
  const data = (error as { data?: unknown } | undefined)?.data;
  if (isSpecError(data) && data.problems.length) {
    const [p] = data.problems;
    const more = data.problems.length - 1;
    const rest = more ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : '';
    return { message: sentence(`${action}: ${basename(p.file)}:${p.line}: ${sentence(p.message).replace(/\.$/, '')}${rest}`), specProblems: true };
  }
  const text = error instanceof Error ? error.message : String(error);
  return { message: `${action}: ${sentence(text)}`, specProblems: false };
}
