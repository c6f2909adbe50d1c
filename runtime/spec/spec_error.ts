/** One problem found in a spec file. Lines and columns are 1-based; the end is exclusive. */
export interface SpecProblem {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  severity: 'error' | 'warning';
}

/** `file:line:column: message`, the shape editors and terminals turn into links. */
export function formatProblem(problem: SpecProblem): string {
  const prefix = problem.severity === 'warning' ? 'warning: ' : '';
  return `${problem.file}:${problem.line}:${problem.column}: ${prefix}${problem.message}`;
}

export function compareProblems(a: SpecProblem, b: SpecProblem): number {
  return a.line - b.line || a.column - b.column || a.message.localeCompare(b.message);
}

/** Thrown by loadSpec when a spec has at least one error; carries every problem found. */
export class SpecError extends Error {
  readonly problems: SpecProblem[];

  constructor(problems: SpecProblem[]) {
    const sorted = [...problems].sort(compareProblems);
    super(sorted.map(formatProblem).join('\n'));
    this.name = 'SpecError';
    this.problems = sorted;
  }
}
