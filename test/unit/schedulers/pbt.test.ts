import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PbtScheduler } from '../../../runtime/schedulers/pbt';
import type { SchedulerDecision, SchedulerTrial } from '../../../runtime/schedulers/trial_scheduler';
import { at, trial, tuneConfig } from './population';

const MUTATIONS = { train_loop_config: { lr: { loguniform: [1e-4, 1e-1] }, batch_size: [16, 32, 64] } };

function pbt(options: Record<string, unknown> = {}, seed = 0): PbtScheduler {
  const config = tuneConfig({ type: 'pbt', time_attr: 'training_iteration', perturbation_interval: 4, hyperparam_mutations: MUTATIONS, ...options });
  return new PbtScheduler(config.scheduler, config, seed);
}

function member(index: number, withCheckpoint = true): SchedulerTrial {
  const config = { train_loop_config: { lr: 0.001 * (index + 1), batch_size: 32, epochs: 20 } };
  return trial(index, config, withCheckpoint ? `checkpoint_00000${index}` : undefined);
}

/** Eight trials; t1..t7 report acc 0.1 * (index + 1) at iteration 4, each then the best so far. */
function population(scheduler: PbtScheduler, withCheckpoints = true): void {
  for (let i = 0; i < 8; i++) scheduler.onTrialAdd(member(i, withCheckpoints));
  for (let i = 1; i < 8; i++) assert.equal(scheduler.onTrialResult(member(i, withCheckpoints), at(4, 0.1 * (i + 1))).action, 'continue');
}

test('with eight trials the bottom two clone the top two: the worst clones t6 or t7 with a mutated config', () => {
  const scheduler = pbt();
  population(scheduler);
  const decision = scheduler.onTrialResult(member(0), at(4, 0.05));
  assert.equal(decision.action, 'exploit');
  const exploit = decision as Extract<SchedulerDecision, { action: 'exploit' }>;
  assert.ok(['t6', 't7'].includes(exploit.donorId), exploit.donorId);
  const donorIndex = Number(exploit.donorId.slice(1));
  assert.equal(exploit.donorCheckpoint, `checkpoint_00000${donorIndex}`);
  assert.equal(exploit.donorIteration, 4);
  assert.deepEqual(exploit.oldConfig, member(0).config);
  const newConfig = exploit.newConfig as { train_loop_config: { lr: number; batch_size: number; epochs: number } };
  const donorLr = 0.001 * (donorIndex + 1);
  assert.ok([donorLr * 1.2, donorLr * 0.8].includes(newConfig.train_loop_config.lr) || newConfig.train_loop_config.lr <= 0.1);
  assert.ok([16, 32, 64].includes(newConfig.train_loop_config.batch_size));
  assert.equal(newConfig.train_loop_config.epochs, 20);
  assert.match(exploit.reason, new RegExp(`^exploit: cloning ${exploit.donorId} \\(acc 0\\.[78], checkpoint checkpoint_00000${donorIndex}\\) into t0 \\(acc 0\\.05\\)`));
});

test('each exploit is in the policy log and is an event with the full detail', () => {
  const scheduler = pbt();
  population(scheduler);
  const decision = scheduler.onTrialResult(member(0), at(4, 0.05)) as Extract<SchedulerDecision, { action: 'exploit' }>;
  const [entry] = scheduler.policy();
  assert.deepEqual(
    { trial: entry.trial_id, donor: entry.donor_id, iteration: entry.iteration, donorIteration: entry.donor_iteration, old: entry.old_config, new: entry.new_config },
    { trial: 't0', donor: decision.donorId, iteration: 4, donorIteration: 4, old: member(0).config, new: decision.newConfig },
  );
  const events = scheduler.drainEvents();
  assert.deepEqual(events.map((e) => e.kind), ['exploit']);
  assert.deepEqual(events[0].detail, entry);
});

test('a middle trial and a top trial continue at their perturbation; the second-worst also clones', () => {
  const scheduler = pbt();
  population(scheduler);
  scheduler.onTrialResult(member(0), at(4, 0.05));
  assert.equal(scheduler.onTrialResult(member(3), at(8, 0.4)).action, 'continue');
  assert.equal(scheduler.onTrialResult(member(7), at(8, 0.8)).action, 'continue');
  assert.equal(scheduler.onTrialResult(member(1), at(8, 0.2)).action, 'exploit');
});

test('no exploit happens when the chosen donor saved no checkpoint in the top quantile', () => {
  const scheduler = pbt();
  population(scheduler, false);
  assert.equal(scheduler.onTrialResult(member(0, false), at(4, 0.05)).action, 'continue');
  assert.deepEqual(scheduler.policy(), []);
  assert.deepEqual(scheduler.drainEvents(), []);
});

test('nothing happens before perturbation_interval has passed', () => {
  const scheduler = pbt();
  population(scheduler);
  assert.equal(scheduler.onTrialResult(member(0), at(3, 0.05)).action, 'continue');
  assert.equal(scheduler.onTrialResult(member(0), at(4, 0.05)).action, 'exploit');
});

test('nothing happens before burn_in_period', () => {
  const scheduler = pbt({ burn_in_period: 5 });
  for (let i = 0; i < 8; i++) scheduler.onTrialAdd(member(i));
  for (let i = 1; i < 8; i++) scheduler.onTrialResult(member(i), at(4, 0.1 * (i + 1)));
  assert.equal(scheduler.onTrialResult(member(0), at(4, 0.05)).action, 'continue');
  for (let i = 1; i < 8; i++) scheduler.onTrialResult(member(i), at(5, 0.1 * (i + 1)));
  assert.equal(scheduler.onTrialResult(member(0), at(5, 0.05)).action, 'exploit');
});

test('a trial with no score yet and finished trials are left out of the ranking', () => {
  const scheduler = pbt();
  population(scheduler);
  scheduler.onTrialComplete(member(6));
  scheduler.onTrialError(member(7));
  const decision = scheduler.onTrialResult(member(0), at(4, 0.05));
  // Live scored trials are t0..t5: the top quantile is t4 and t5.
  assert.ok(['t4', 't5'].includes((decision as { donorId?: string }).donorId ?? ''), JSON.stringify(decision));
});

test('the same seed makes the same exploits; another seed makes others', () => {
  const run = (seed: number): SchedulerDecision[] => {
    const scheduler = pbt({}, seed);
    population(scheduler);
    return [0, 1, 0, 1].map((i, step) => scheduler.onTrialResult(member(i), at(4 * (step + 1), 0.01)));
  };
  assert.deepEqual(run(3), run(3));
  assert.notDeepEqual(run(3), run(4));
});

test('mode min ranks the lowest loss on top', () => {
  const config = tuneConfig({ type: 'pbt', perturbation_interval: 4, hyperparam_mutations: MUTATIONS }, { metric: 'loss', mode: 'min' });
  const scheduler = new PbtScheduler(config.scheduler, config, 0);
  for (let i = 0; i < 4; i++) scheduler.onTrialAdd(member(i));
  for (let i = 1; i < 4; i++) scheduler.onTrialResult(member(i), at(4, 1 - 0.1 * i, 'loss'));
  const decision = scheduler.onTrialResult(member(0), at(4, 5, 'loss'));
  assert.equal((decision as { donorId?: string }).donorId, 't3');
});

test('when trials wait for resources a trial pauses at its perturbation, and the least-trained paused one resumes first', () => {
  const scheduler = pbt();
  for (let i = 0; i < 3; i++) scheduler.onTrialAdd(member(i));
  assert.equal(scheduler.onTrialResult(member(0), at(4, 0.5), { trialsWaiting: true }).action, 'pause');
  assert.equal(scheduler.onTrialResult(member(1), at(4, 0.6), { trialsWaiting: true }).action, 'pause');
  assert.equal(scheduler.onTrialResult(member(1), at(8, 0.6), { trialsWaiting: true }).action, 'pause');
  assert.deepEqual(scheduler.choosePaused([member(1), member(0)], false), {});
  assert.equal(scheduler.choosePaused([member(1), member(0)], true).resume?.id, 't0');
  assert.equal(scheduler.onTrialResult(member(2), at(4, 0.7)).action, 'continue');
});

test('PBT measures progress in time_total_s by default, as Ray does', () => {
  const config = tuneConfig({ type: 'pbt', perturbation_interval: 30, hyperparam_mutations: MUTATIONS });
  const scheduler = new PbtScheduler(config.scheduler, config, 0);
  assert.equal(scheduler.options.time_attr, 'time_total_s');
  for (let i = 0; i < 4; i++) scheduler.onTrialAdd(member(i));
  for (let i = 1; i < 4; i++) scheduler.onTrialResult(member(i), { training_iteration: 3, time_total_s: 30, acc: 0.1 * (i + 1) });
  // Iteration 40 but only 20 s of training: not yet perturbation_interval (30 s).
  assert.equal(scheduler.onTrialResult(member(0), { training_iteration: 40, time_total_s: 20, acc: 0.01 }).action, 'continue');
  assert.equal(scheduler.onTrialResult(member(0), { training_iteration: 41, time_total_s: 30, acc: 0.01 }).action, 'exploit');
});

test('a result without the metric or time_attr fails the experiment by default, as Ray raises', () => {
  const scheduler = pbt();
  scheduler.onTrialAdd(member(0));
  assert.deepEqual(scheduler.onTrialResult(member(0), { training_iteration: 1, loss: 0.5 }), {
    action: 'fail',
    reason: 'pbt: a result of t0 has no numeric "acc", which PBT needs to rank trials; report it, or set require_attrs: false to let such results pass',
  });
  const byTime = pbt({ time_attr: 'epoch' });
  assert.match((byTime.onTrialResult(member(0), at(1, 0.5)) as { reason: string }).reason, /has no numeric "epoch"/);
});

test('with require_attrs false a result without the metric passes unranked', () => {
  const scheduler = pbt({ require_attrs: false });
  scheduler.onTrialAdd(member(0));
  assert.deepEqual(scheduler.onTrialResult(member(0), { training_iteration: 4, loss: 0.5 }), { action: 'continue' });
});

test('a mutated key the trial’s config lacks is sampled when the trial is added, the same way on every run', () => {
  const scheduler = pbt();
  const bare = trial(3, { train_loop_config: { lr: 0.01 } });
  const completed = scheduler.completeConfig(bare)!;
  const filled = completed.config as { train_loop_config: { lr: number; batch_size: number } };
  assert.equal(filled.train_loop_config.lr, 0.01, 'a key the trial has is kept');
  assert.ok([16, 32, 64].includes(filled.train_loop_config.batch_size));
  assert.deepEqual(completed.added, [{ path: 'train_loop_config/batch_size', value: filled.train_loop_config.batch_size }]);
  assert.deepEqual(pbt().completeConfig(bare), completed);
  const empty = pbt().completeConfig(trial(0, {}))!.config as { train_loop_config: { lr: number } };
  assert.ok(empty.train_loop_config.lr >= 1e-4 && empty.train_loop_config.lr <= 1e-1, String(empty.train_loop_config.lr));
  assert.equal(scheduler.completeConfig(member(0)), undefined, 'nothing to add');
});

test('PBT without hyperparam_mutations is refused with the key to set', () => {
  const config = tuneConfig({ type: 'pbt' });
  assert.throws(() => new PbtScheduler(config.scheduler, config, 0), /needs hyperparam_mutations: the parameters PBT may change/);
});
