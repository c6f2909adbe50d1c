/**
 * The use cases' typed inputs: what the CLI reads from its flags and the daemon from a request's
 * params. Neither shell's spelling (`--resume-errored`, `resumeErrored`) reaches the use cases.
 */

/** What to do with trials that ended in ERROR when an experiment resumes (Ray's Tuner.restore). */
export interface ErroredPolicy {
  /** Continue them from their last checkpoint. */
  resumeErrored?: boolean;
  /** Start them again from scratch. */
  restartErrored?: boolean;
}

/** Start the experiment a spec file describes; if its results exist, resume what is unfinished. */
export interface RunRequest extends ErroredPolicy {
  specPath: string;
}

/** Continue an interrupted experiment from its directory. */
export interface ResumeRequest extends ErroredPolicy {
  experimentPath: string;
}

/** Continue a finished trial from its last checkpoint up to a new training_iteration. */
export interface ExtendRequest {
  experimentPath: string;
  /** A trial id, name, index, or the number its id ends with. */
  trial: string;
  maxIterations: number;
  /** `train_loop_config.epochs=20`: a dotted path and a JSON (or bare string) value, applied in order. */
  settings?: string[];
}

/** The dry run of admission for a spec file. */
export interface PlanRequest {
  specPath: string;
}
