/**
 * "Continue this finished trial to N iterations", as `tunekit extend` does it: the experiment
 * is replayed, the trial reopened from its last checkpoint, and the rest left as they ended.
 */
import type { SessionInput } from '../cli/experiment_session';
import { resumeInput } from '../cli/resume_input';
import { transition } from '../tuner/trial_status';
import { HostError } from './host_error';

export async function extensionInput(experimentPath: string, trialId: string, maxIterations: number): Promise<SessionInput> {
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new HostError(`maxIterations must be a whole number of at least 1, not ${maxIterations}.`);
  const input = await resumeInput(experimentPath, { positionals: [], flags: new Map(), all: new Map() });
  const trials = input.resume!.trials;
  const trial = trials.find((t) => t.id === trialId);
  if (!trial) throw new HostError(`There is no trial ${trialId} in ${experimentPath}.`);
  if (trial.status !== 'TERMINATED') throw new HostError(`Trial ${trial.id} is ${trial.status}; only a TERMINATED trial can be extended (resume the experiment instead).`);
  if (trial.iteration >= maxIterations) throw new HostError(`Trial ${trial.id} is already at training_iteration ${trial.iteration}; ask for more than that.`);
  const unfinished = trials.filter((t) => t.status === 'PENDING' || t.status === 'PAUSED' || t.status === 'RUNNING').length;
  if (unfinished) throw new HostError(`The experiment has ${unfinished} unfinished trial(s); resume it to the end first, then extend.`);
  if (trial.checkpoints.length === 0) throw new HostError(`Trial ${trial.id} saved no checkpoint to continue from.`);
  input.prepare = () => {
    transition(trial, 'PENDING');
    trial.extendTo = maxIterations;
    trial.endReason = undefined;
    trial.resumeFirst = true;
  };
  return input;
}
