import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admissionStep, planAdmission, type AdmissionWave } from '../../../runtime/resources/admission_plan';
import { ResourceLedger } from '../../../runtime/resources/ledger';
import type { TrialRequest } from '../../../runtime/resources/request';

const machine = { CPU: 4, gpus: [0, 1, 2, 3] };
const shapes: Array<[string, TrialRequest]> = [
  ['one worker × 2 GPUs', { trainable: { CPU: 1, GPU: 0 }, workers: [{ CPU: 0, GPU: 2 }] }],
  [
    'two workers × 1 GPU',
    {
      trainable: { CPU: 1, GPU: 0 },
      workers: [
        { CPU: 0, GPU: 1 },
        { CPU: 0, GPU: 1 },
      ],
    },
  ],
];

function trials(count: number, request: TrialRequest): Array<{ trialId: string; request: TrialRequest }> {
  return Array.from({ length: count }, (_, i) => ({ trialId: `t${i + 1}`, request }));
}

function ids(wave: AdmissionWave): { running: string[]; holding: string[]; pending: string[] } {
  return {
    running: wave.running.map((t) => t.trialId),
    holding: wave.holding.map((t) => t.trialId),
    pending: wave.pending.map((t) => t.trialId),
  };
}

describe('admission plan, the seed scenario (4 CPUs, 4 GPUs, 1 CPU trainable, 2 GPUs of workers)', () => {
  for (const [shape, request] of shapes) {
    it(`in ray mode starts 4 trials (${shape}), 2 execute and 2 hold a CPU waiting for GPUs`, () => {
      const plan = planAdmission({ capacity: machine, requests: trials(4, request), mode: 'ray', maxConcurrentTrials: 0 });
      assert.equal(plan.stalled, undefined);
      assert.deepEqual(plan.waves.map(ids), [
        { running: ['t1', 't2'], holding: ['t3', 't4'], pending: [] },
        { running: ['t3', 't4'], holding: [], pending: [] },
      ]);
      for (const held of plan.waves[0].holding) {
        assert.equal(held.reason, 'needs 2 GPU on whole devices, 0 free');
        assert.deepEqual(held.grant, { trainable: { CPU: 1, gpus: [] }, workers: [] });
      }
    });

    it(`in coordinated mode runs 2 trials (${shape}) and the rest wait PENDING holding nothing`, () => {
      const plan = planAdmission({
        capacity: machine,
        requests: trials(4, request),
        mode: 'coordinated',
        maxConcurrentTrials: 0,
      });
      assert.deepEqual(plan.waves.map(ids), [
        { running: ['t1', 't2'], holding: [], pending: ['t3', 't4'] },
        { running: ['t3', 't4'], holding: [], pending: [] },
      ]);
      assert.deepEqual(
        plan.waves[0].pending.map((p) => p.reason),
        ['needs 2 GPU on whole devices, 0 free', 'needs 2 GPU on whole devices, 0 free'],
      );
    });
  }

  it('in ray mode leaves trials beyond the CPUs pending on CPU, then they hold in turn', () => {
    const plan = planAdmission({ capacity: machine, requests: trials(6, shapes[0][1]), mode: 'ray', maxConcurrentTrials: 0 });
    assert.deepEqual(plan.waves.map(ids), [
      { running: ['t1', 't2'], holding: ['t3', 't4'], pending: ['t5', 't6'] },
      { running: ['t3', 't4'], holding: ['t5', 't6'], pending: [] },
      { running: ['t5', 't6'], holding: [], pending: [] },
    ]);
    assert.equal(plan.waves[0].pending[0].reason, 'needs 1 CPU, 0 free');
  });

  it('gives the trials of one wave disjoint GPU devices', () => {
    const plan = planAdmission({
      capacity: machine,
      requests: trials(2, shapes[1][1]),
      mode: 'coordinated',
      maxConcurrentTrials: 0,
    });
    const used = plan.waves[0].running.flatMap((t) => t.grant.workers.flatMap((w) => w.gpus.map((g) => g.index)));
    assert.deepEqual(used, [0, 1, 2, 3]);
  });
});

describe('admission plan limits', () => {
  it('applies max_concurrent_trials even when resources would allow more', () => {
    const request: TrialRequest = { trainable: { CPU: 1, GPU: 0 }, workers: [] };
    const plan = planAdmission({ capacity: machine, requests: trials(3, request), mode: 'ray', maxConcurrentTrials: 2 });
    assert.deepEqual(plan.waves.map(ids), [
      { running: ['t1', 't2'], holding: [], pending: ['t3'] },
      { running: ['t3'], holding: [], pending: [] },
    ]);
    assert.equal(plan.waves[0].pending[0].reason, 'max_concurrent_trials is 2');
  });

  it('lists trials that can never fit apart and still plans the others', () => {
    const small: TrialRequest = { trainable: { CPU: 1, GPU: 0 }, workers: [] };
    const huge: TrialRequest = { trainable: { CPU: 1, GPU: 0 }, workers: [{ CPU: 0, GPU: 8 }] };
    const plan = planAdmission({
      capacity: machine,
      requests: [
        { trialId: 'huge', request: huge },
        { trialId: 'small', request: small },
      ],
      mode: 'coordinated',
      maxConcurrentTrials: 0,
    });
    assert.deepEqual(plan.neverFit.map((t) => t.trialId), ['huge']);
    assert.match(plan.neverFit[0].reason, /needs 8 whole GPUs/);
    assert.deepEqual(plan.waves.map(ids), [{ running: ['small'], holding: [], pending: [] }]);
  });

  it('reports a ray-mode stall when trainables hold the CPUs their workers need, where coordinated mode runs', () => {
    const request: TrialRequest = { trainable: { CPU: 1, GPU: 0 }, workers: [{ CPU: 1, GPU: 0 }] };
    const capacity = { CPU: 2, gpus: [] };
    const ray = planAdmission({ capacity, requests: trials(2, request), mode: 'ray', maxConcurrentTrials: 0 });
    assert.deepEqual(ray.waves, []);
    assert.match(ray.stalled ?? '', /^no trial can run: 2 started trials hold their trainable resources .*needs 1 CPU, 0 free/);
    const coordinated = planAdmission({ capacity, requests: trials(2, request), mode: 'coordinated', maxConcurrentTrials: 0 });
    assert.equal(coordinated.stalled, undefined);
    assert.deepEqual(coordinated.waves.map((w) => w.running.map((t) => t.trialId)), [['t1'], ['t2']]);
  });
});

describe('one admission step, as the Tuner takes it on every schedule', () => {
  const cpuWorkers: TrialRequest = { trainable: { CPU: 1, GPU: 0 }, workers: [{ CPU: 1, GPU: 0 }] };

  it('in ray mode admits every pending trainable that fits before any trial asks for its workers', () => {
    const ledger = new ResourceLedger({ CPU: 3, gpus: [] });
    const step = admissionStep(ledger, { mode: 'ray', maxConcurrentTrials: 0, executing: 0, holding: [], pending: trials(4, cpuWorkers) });
    assert.deepEqual(step.started, []);
    assert.deepEqual(step.holding.map((h) => [h.trialId, h.reason]), [
      ['t1', 'needs 1 CPU, 0 free'],
      ['t2', 'needs 1 CPU, 0 free'],
      ['t3', 'needs 1 CPU, 0 free'],
    ]);
    assert.deepEqual(step.waiting, [{ trialId: 't4', reason: 'needs 1 CPU, 0 free' }]);
  });

  it('serves trials already holding a trainable before it admits new ones', () => {
    const ledger = new ResourceLedger({ CPU: 3, gpus: [] });
    const [t1, t2, t3, t4] = trials(4, cpuWorkers);
    const first = admissionStep(ledger, { mode: 'ray', maxConcurrentTrials: 0, executing: 0, holding: [], pending: [t1, t2] });
    assert.deepEqual([first.started.map((t) => t.trialId), first.holding.map((t) => t.trialId)], [['t1'], ['t2']]);
    ledger.release('t1');
    const holding = first.holding.map((h) => ({ ...t2, grant: h.grant }));
    const next = admissionStep(ledger, { mode: 'ray', maxConcurrentTrials: 0, executing: 0, holding, pending: [t3, t4] });
    assert.deepEqual(next.started.map((t) => t.trialId), ['t2']);
    assert.deepEqual(next.holding.map((t) => t.trialId), ['t3']);
    assert.deepEqual(next.waiting.map((t) => t.trialId), ['t4']);
  });

  it('counts trials already executing against max_concurrent_trials', () => {
    const ledger = new ResourceLedger(machine);
    const request: TrialRequest = { trainable: { CPU: 1, GPU: 0 }, workers: [] };
    const step = admissionStep(ledger, { mode: 'coordinated', maxConcurrentTrials: 2, executing: 1, holding: [], pending: trials(3, request) });
    assert.deepEqual(step.started.map((t) => t.trialId), ['t1']);
    assert.deepEqual(step.capped, ['t2', 't3']);
  });
});
