/**
 * The journal's conformance suite (issue 13 §3): journals recorded from real runs, each read by
 * the one reducer every reader uses, and what it must make of them. A change to the journal or
 * its reading that changes these facts breaks a reader somewhere. The Slurm journal is written by
 * hand in the shape SlurmLauncher records (no cluster here to record one); the others are real runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { JournalEvent } from '../../../protocol/journal';
import { parseJournalLines } from '../../../protocol/journal_lines';
import { JournalReducer, reduceJournal, type TrialJournal } from '../../../protocol/journal_reducer';
import { readJournal } from '../../../runtime/storage/journal';

// Compiled to out/test/unit/journal; the recorded journals stay in the source tree.
const FIXTURES = join(__dirname, '../../../../test/unit/journal/fixtures');

const journal = (name: string): Promise<JournalEvent[]> => readJournal(join(FIXTURES, `${name}.jsonl`));

/** One line per trial: what the views and resume read from it. */
function facts(t: TrialJournal) {
  return {
    status: t.status,
    last: t.lastStatusEvent?.type,
    pids: t.pids.length,
    liveStarts: t.liveStarts.length,
    trainFailures: t.trainFailures,
    tuneFailures: t.tuneFailures,
    restores: t.restores.map((r) => `${r.afterFailure ? r.level : 'planned'}@${r.iteration}`),
    decisions: t.decisions.map((d) => d.kind),
    committed: t.committed.size,
  };
}

const table = (reducer: JournalReducer) => Object.fromEntries(reducer.createdTrials().map((t) => [t.created.index, facts(t)]));

/** Events up to (not including) the `n`th experiment_started, counting from 1: the journal as a kill left it. */
function before(events: readonly JournalEvent[], n: number): JournalEvent[] {
  let seen = 0;
  const cut = events.findIndex((e) => e.type === 'experiment_started' && ++seen === n);
  return cut < 0 ? [...events] : events.slice(0, cut);
}

const quiet = { pids: 0, liveStarts: 0, trainFailures: 0, tuneFailures: 0, restores: [], decisions: [] };

test('a run killed mid-run reads as two trials running with their workers, one never started, and no end', async () => {
  const reducer = reduceJournal(await journal('killed_mid_run'));
  const t = table(reducer);
  assert.deepEqual(t[0], { ...quiet, status: 'RUNNING', last: 'trial_started', pids: 1, liveStarts: 1, committed: 25 });
  assert.deepEqual(t[1], { ...quiet, status: 'RUNNING', last: 'trial_started', pids: 1, liveStarts: 1, committed: 26 });
  assert.deepEqual(t[2], { ...quiet, status: 'PENDING', last: undefined, committed: 0 });
  assert.equal(reducer.end, undefined);
  assert.equal(reducer.finished, false);
  const [group] = reducer.createdTrials()[0].liveStarts;
  assert.equal(group.startTimes.length, group.pids.length, 'each worker carries its start time, so a resume can tell it from a reused pid');
  assert.ok(group.startTimes.every((s) => typeof s === 'number'));
});

test('the killed run, resumed, finishes every trial; the resume forgets the old workers but keeps when the experiment first started', async () => {
  const events = await journal('killed_then_resumed');
  const reducer = reduceJournal(events);
  assert.equal(reducer.starts, 2);
  assert.equal(reducer.finished, true);
  assert.equal(reducer.end?.status, 'finished');
  assert.equal(reducer.startedAt, events[0].ts, 'the experiment started when it first started');
  for (const t of Object.values(table(reducer))) assert.deepEqual(t, { ...quiet, status: 'TERMINATED', last: 'trial_finished', committed: 40 });
  // Cut at the resume: the same reading as the killed journal's, then the resume's line clears the pids.
  const atResume = reduceJournal(before(events, 2));
  assert.deepEqual(table(atResume)[0].status, 'RUNNING');
  atResume.apply([events.find((e, i) => i > 0 && e.type === 'experiment_started')!]);
  assert.deepEqual(table(atResume)[0].pids, 0, 'a resume starts every worker afresh');
  assert.deepEqual(table(atResume)[0].liveStarts, 1, 'but they stay candidates for orphan clean-up');
});

test('PBT: an exploit is a planned restore from the clone at its iteration, and the trial takes the mutated config', async () => {
  const events = await journal('pbt');
  const reducer = reduceJournal(events);
  const t = table(reducer);
  assert.deepEqual(t[0], { ...quiet, status: 'TERMINATED', last: 'trial_finished', restores: ['planned@3'], decisions: ['exploit'], committed: 13 });
  assert.deepEqual(t[1], { ...quiet, status: 'TERMINATED', last: 'trial_finished', restores: ['planned@6'], decisions: ['exploit'], committed: 13 });
  assert.equal(t[2].restores.length + t[3].restores.length, 0, 'donors are not restored');
  for (const exploit of events.filter((e) => e.type === 'pbt_exploit')) {
    const trial = reducer.trial(exploit.trial_id)!;
    assert.deepEqual(trial.clones.get(exploit.cloned_as), { donorId: exploit.donor_id, donorCheckpoint: exploit.donor_checkpoint });
    assert.ok(trial.restores.some((r) => r.fromCheckpoint === exploit.cloned_as && r.source?.endsWith(exploit.donor_checkpoint)));
  }
  const last = events.filter((e) => e.type === 'pbt_exploit').pop()!;
  assert.deepEqual(reducer.trial(last.trial_id)!.config, last.new_config);
});

test('ASHA with promotion: pauses and promotions are decisions, a promotion restores from the paused checkpoint', async () => {
  const t = table(reduceJournal(await journal('asha_promotion')));
  assert.deepEqual(t[0], {
    ...quiet,
    status: 'TERMINATED',
    last: 'trial_finished',
    restores: ['planned@2', 'planned@4'],
    decisions: ['pause', 'promote', 'pause', 'promote', 'stop'],
    committed: 8,
  });
  assert.deepEqual(t[1], { ...quiet, status: 'TERMINATED', last: 'trial_finished', restores: ['planned@2'], decisions: ['pause', 'promote', 'pause', 'stop'], committed: 4 });
  assert.deepEqual(t[2], { ...quiet, status: 'TERMINATED', last: 'trial_finished', decisions: ['pause', 'stop'], committed: 2 });
});

test('errored trials: worker-group restarts and whole-trial restarts are counted apart, and resume_errored finishes them', async () => {
  const events = await journal('errored_then_resume_errored');
  const errored = table(reduceJournal(before(events, 2)));
  assert.deepEqual(errored[1], {
    ...quiet,
    status: 'ERROR',
    last: 'trial_finished',
    // Ray Train restarts the group once, then Ray Tune the trial, whose group restarts once more.
    restores: ['trainer@2', 'tuner@2', 'trainer@2'],
    trainFailures: 1,
    tuneFailures: 1,
    committed: 2,
  });
  assert.equal(errored[0].status, 'TERMINATED');
  const resumed = reduceJournal(events);
  assert.equal(resumed.finished, true);
  assert.deepEqual(Object.values(table(resumed)).map((t) => t.status), ['TERMINATED', 'TERMINATED', 'TERMINATED', 'TERMINATED']);
  assert.deepEqual(table(resumed)[3].restores, ['trainer@2', 'tuner@2', 'trainer@2']);
});

test('Slurm: a trial’s latest submission is its job, also one adopted by a resumed Tuner; lines of a newer Tunekit are skipped', async () => {
  const reducer = reduceJournal(await journal('slurm_adopted_after_kill'));
  const [first, second] = reducer.createdTrials();
  assert.equal(first.submission?.job_id, '4101');
  assert.equal(second.submission?.job_id, '4102', 'the resumed Tuner recorded the id of the job it found by name');
  assert.equal(second.submission?.channel_dir, '/shared/exp/.jobs/5e1c7_00001-1');
  assert.deepEqual([first.status, second.status], ['TERMINATED', 'ERROR']);
  assert.deepEqual(reducer.end, { status: 'failed', reason: '1 trial failed', ts: 1796600064.6 });
  assert.equal(reducer.finished, false);
});

test('the reducer is incremental: every journal read line by line or in chunks gives the same reading as read whole', async () => {
  for (const name of ['killed_then_resumed', 'pbt', 'asha_promotion', 'errored_then_resume_errored', 'slurm_adopted_after_kill']) {
    const events = await journal(name);
    const whole = reduceJournal(events);
    const byLine = new JournalReducer();
    for (const event of events) byLine.applyOne(event);
    const chunked = new JournalReducer();
    for (let i = 0; i < events.length; i += 7) chunked.apply(events.slice(i, i + 7));
    for (const other of [byLine, chunked]) {
      assert.deepEqual(other.allTrials(), whole.allTrials(), name);
      assert.deepEqual([other.end, other.startedAt, other.finished], [whole.end, whole.startedAt, whole.finished], name);
    }
  }
});

test('a restore’s level is its field when the journal has it, and read from the reason in journals older than the field', () => {
  const base = { type: 'trial_restored', ts: 1, trial_id: 't', after_failure: true, failures: 1 } as const;
  const reducer = reduceJournal([
    { type: 'trial_created', ts: 0, trial_id: 't', trial_name: 't', trial_dir_name: 't', index: 0, config: {} },
    { ...base, reason: 'worker group restarted after: worker 0 exited with code 3' },
    { ...base, reason: 'trial restarted after: worker 0 exited with code 3' },
    { ...base, level: 'trainer', reason: 'anything at all' },
    { ...base, level: 'tuner' },
    { ...base, after_failure: false, reason: 'promoted at rung 2' },
  ]);
  assert.deepEqual(reducer.trial('t')!.restores.map((r) => r.level), ['trainer', 'tuner', 'trainer', 'tuner', undefined]);
  assert.deepEqual([reducer.trial('t')!.trainFailures, reducer.trial('t')!.tuneFailures], [0, 2]);
});

test('every reader turns lines into events alike: a torn line and a newer version’s type are skipped, a line still being written waits', () => {
  const created = '{"type":"trial_created","ts":1,"trial_id":"t","trial_name":"t","trial_dir_name":"t","index":0,"config":{}}';
  const text = `${created}\n{"type":"trial_sta\n{"type":"experiment_archived","ts":2}\n{"type":"trial_finished","ts":3,`;
  const { events, rest } = parseJournalLines(text);
  assert.deepEqual(events.map((e) => e.type), ['trial_created']);
  assert.equal(rest, '{"type":"trial_finished","ts":3,');
  const more = parseJournalLines(`${rest}"trial_id":"t","status":"TERMINATED","reason":"done"}\n`);
  assert.deepEqual(more.events.map((e) => e.type), ['trial_finished']);
  assert.equal(more.rest, '');
});
