import { UserError } from '../errors/user_error';

/** One problem found in a spec file. Lines and columns are 1-based; the end is exclusive. */
export interface SpecProblem {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  severity: 'error' | 'warning';
  /** The text that fixes a near miss when it replaces the problem's range ("did you mean"). */
  replacement?: string;
}

/** `file:line:column: message`, the shape editors and terminals turn into links. */
export function formatProblem(problem: SpecProblem): string {
  const prefix = problem.severity === 'warning' ? 'warning: ' : '';
  return `${problem.file}:${problem.line}:${problem.column}: ${prefix}${problem.message}`;
}

const SHOWN_PROBLEMS = 30;
const SHOWN_LINES = 6;

/**
 * One line per distinct problem: a message that repeats (a tab on every line of a file) is
 * printed once with the other lines it is on, and a flood is cut short (issue #12).
 */
export function formatProblems(problems: readonly SpecProblem[]): string[] {
  const groups = new Map<string, { first: SpecProblem; lines: number[] }>();
  for (const problem of problems) {
    const key = `${problem.file}\0${problem.severity}\0${problem.message}`;
    const group = groups.get(key);
    if (!group) groups.set(key, { first: problem, lines: [] });
    else if (group.first.line !== problem.line && !group.lines.includes(problem.line)) group.lines.push(problem.line);
  }
  const lines = [...groups.values()].slice(0, SHOWN_PROBLEMS).map(({ first, lines: others }) => {
    if (others.length === 0) return formatProblem(first);
    const shown = others.slice(0, SHOWN_LINES).join(', ');
    const rest = others.length > SHOWN_LINES ? ` and ${others.length - SHOWN_LINES} more` : '';
    return `${formatProblem(first)} (also on line${others.length > 1 ? 's' : ''} ${shown}${rest})`;
  });
  if (groups.size > SHOWN_PROBLEMS) lines.push(`… and ${groups.size - SHOWN_PROBLEMS} more problems`);
  return lines;
}

export function compareProblems(a: SpecProblem, b: SpecProblem): number {
  return a.line - b.line || a.column - b.column || a.message.localeCompare(b.message);
}

/** Thrown by loadSpec when a spec has at least one error; carries every problem found. */
export class SpecError extends UserError {
  readonly problems: SpecProblem[];

  constructor(problems: SpecProblem[]) {
    const sorted = [...problems].sort(compareProblems);
    super(formatProblems(sorted).join('\n'));
    this.name = 'SpecError';
    this.problems = sorted;
  }
}
