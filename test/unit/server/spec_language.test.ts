import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { HardwareReport } from '../../../runtime/hardware/report';
import { loadSpec } from '../../../runtime/spec/load';
import type { SpecError } from '../../../runtime/spec/spec_error';
import { specCompletions, specDiagnostics, specHover, specQuickFixes } from '../../../runtime/server/spec_language';

/** The text with `|` removed, and the cursor's offset where it was. */
function cursor(text: string): [string, number] {
  const at = text.indexOf('|');
  return [text.slice(0, at) + text.slice(at + 1), at];
}

function labels(text: string, flavour: 'yaml' | 'json' = 'yaml'): string[] {
  const [t, offset] = cursor(text);
  return specCompletions(t, offset, flavour).map((i) => i.label);
}

describe('spec completion', () => {
  it('offers the top-level keys at the start of a line, without the ones already there', () => {
    assert.deepEqual(labels('trainer:\n  command: [python3, train.py]\n|'), ['param_space', 'tune_config', 'run_config', 'backend', 'resources']);
  });

  it('offers the keys of the mapping the cursor is indented into, with the schema description', () => {
    const [text, offset] = cursor('trainer:\n  command: x\n  scaling_config:\n    num_workers: 2\n    |');
    const items = specCompletions(text, offset, 'yaml');
    assert.deepEqual(items.map((i) => i.label), ['use_gpu', 'resources_per_worker', 'trainer_resources']);
    const doc = items[0].documentation as { value: string };
    assert.match(doc.value, /Give each worker a GPU/);
  });

  it('replaces a half-typed key and opens a nested mapping on the next line', () => {
    const [text, offset] = cursor('trainer:\n  command: x\n  scal|');
    const item = specCompletions(text, offset, 'yaml').find((i) => i.label === 'scaling_config');
    assert.deepEqual(item?.textEdit, {
      range: { start: { line: 2, character: 2 }, end: { line: 2, character: 6 } },
      newText: 'scaling_config:\n    ',
    });
  });

  it('offers the search-space primitives as flow snippets for a hyperparameter value', () => {
    const [text, offset] = cursor('param_space:\n  train_loop_config:\n    lr: |');
    const items = specCompletions(text, offset, 'yaml');
    assert.equal(items.length, 12);
    const loguniform = items.find((i) => i.label === 'loguniform');
    assert.equal((loguniform?.textEdit as { newText: string }).newText, '{loguniform: [${1:1e-4}, ${2:1e-1}]}');
    assert.match((loguniform?.documentation as { value: string }).value, /log scale/);
  });

  it('offers the primitives as keys inside a hyperparameter mapping, block or flow', () => {
    assert.ok(labels('param_space:\n  train_loop_config:\n    lr:\n      |').includes('choice'));
    const [text, offset] = cursor('param_space:\n  train_loop_config:\n    lr: {|}');
    const choice = specCompletions(text, offset, 'yaml').find((i) => i.label === 'choice');
    assert.equal((choice?.textEdit as { newText: string }).newText, 'choice: [${1:0.1}, ${2:0.01}]');
  });

  it('offers the options of a flow mapping after its first key', () => {
    const offered = labels('tune_config:\n  scheduler: {type: asha, |}');
    assert.ok(offered.includes('grace_period'), offered.join(','));
    assert.ok(!offered.includes('type'));
  });

  it('offers enum values where a value is expected', () => {
    assert.deepEqual(labels('tune_config:\n  metric: loss\n  mode: |'), ['min', 'max']);
    assert.deepEqual(labels('tune_config:\n  scheduler: |'), ['fifo', 'asha', 'asha_promote', 'median_stopping', 'pbt']);
  });

  it('finds the mapping of a list item and of keys after a block list', () => {
    assert.deepEqual(labels('trainer:\n  command:\n    - python3\n    - train.py\n  work|').slice(0, 2), ['working_dir', 'env']);
    assert.deepEqual(labels('run_config:\n  stop: {training_iteration: 3}\n  checkpoint_config:\n    |'), ['num_to_keep', 'checkpoint_score_attribute', 'checkpoint_score_order']);
  });

  it('completes quoted keys in a JSON spec, replacing the open quote and the closing one', () => {
    const [text, offset] = cursor('{\n  "trainer": {\n    "comm|"\n  }\n}');
    const item = specCompletions(text, offset, 'json').find((i) => i.label === 'command');
    assert.deepEqual(item?.textEdit, { range: { start: { line: 2, character: 4 }, end: { line: 2, character: 10 } }, newText: '"command": ' });
  });

  it('offers nothing inside a comment or right after a colon', () => {
    assert.deepEqual(labels('tune_config:\n  mode: max # the best |'), []);
    assert.deepEqual(labels('tune_config:\n  mode:|'), []);
  });
});

describe('spec hover', () => {
  it('shows the schema description of the key under the cursor', () => {
    const [text, offset] = cursor('run_config:\n  sto|p: {training_iteration: 3}');
    const hover = specHover(text, offset);
    assert.match((hover?.contents as { value: string }).value, /dict stopper/);
    assert.deepEqual(hover?.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } });
  });

  it('explains a search-space primitive in param_space', () => {
    const [text, offset] = cursor('param_space:\n  train_loop_config:\n    batch: {qrand|int: [16, 256, 16]}');
    assert.match((specHover(text, offset)?.contents as { value: string }).value, /^\*\*qrandint\*\*: .*multiple of q/);
  });

  it('has nothing to say over a value or an unknown key', () => {
    const [a, at] = cursor('tune_config:\n  mode: m|ax');
    assert.equal(specHover(a, at), null);
    const [b, bt] = cursor('bog|us: 1');
    assert.equal(specHover(b, bt), null);
  });
});

describe('spec diagnostics', () => {
  it('turns the validator problems into 0-based ranges with an exclusive end', async () => {
    const text = 'trainer:\n  command: [python3, train.py]\ntune_config:\n  num_samples: -1\n  bogus: 1\n';
    const diagnostics = await specDiagnostics(text, '/tmp/bad.tune.yaml');
    assert.equal(diagnostics.length, 2);
    assert.deepEqual(diagnostics[0].range, { start: { line: 3, character: 15 }, end: { line: 3, character: 17 } });
    assert.equal(text.split('\n')[3].slice(15, 17), '-1');
    assert.deepEqual(diagnostics[1].range, { start: { line: 4, character: 2 }, end: { line: 4, character: 7 } });
    assert.match(diagnostics[1].message, /unknown key "bogus"/);
    assert.equal(diagnostics[1].severity, 1);
  });

  it('reports nothing for a good spec', async () => {
    assert.deepEqual(await specDiagnostics('trainer:\n  command: [python3, train.py]\n', '/tmp/good.tune.yaml'), []);
  });

  it('shows every problem tunekit validate reports, at the same places: scheduler, resource fit, working_dir and storage_path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tunekit-diagnostics-'));
    try {
      writeFileSync(join(dir, 'results'), 'a file where the results folder should be');
      const text = [
        'trainer:',
        '  command: [python3, train.py]',
        '  working_dir: ./no_such_dir',
        '  scaling_config:',
        '    num_workers: 2',
        '    use_gpu: true',
        'tune_config:',
        '  scheduler: asha',
        'run_config:',
        '  storage_path: ./results',
        '',
      ].join('\n');
      const file = join(dir, 'all.tune.yaml');
      writeFileSync(file, text);
      const hardware: HardwareReport = { cpu: { logical: 8 }, memory: { totalBytes: 2 ** 34 }, gpus: [], otherGpus: [], gpuSource: 'none', notes: [] };
      const shown = (await specDiagnostics(text, file, { hardware })).map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);
      const refused = await loadSpec(file, { hardware }).then(
        () => assert.fail('loadSpec accepted the spec'),
        (err: SpecError) => err.problems.map((p) => `${p.line}:${p.column} ${p.message}`),
      );
      assert.deepEqual(shown, refused);
      const at = (pattern: RegExp) => shown.find((line) => pattern.test(line))?.split(' ')[0];
      assert.equal(at(/working_dir is .*does not exist/), '3:16');
      assert.equal(at(/can never run on this machine/), '4:3');
      assert.equal(at(/asha scheduler needs a metric/), '8:3');
      assert.equal(at(/storage_path is .*which is a file/), '10:17');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says a binary or oversized text is not a spec, once, instead of a flood of syntax errors', async () => {
    const binary = await specDiagnostics('\u0000\u0001PK\u0003\u0004\uFFFD\uFFFD', '/tmp/zip.tune.yaml');
    assert.equal(binary.length, 1);
    assert.match(binary[0].message, /not a text file/);
    const huge = await specDiagnostics(`trainer: {command: [a]}\n${'# padding\n'.repeat(120_000)}`, '/tmp/huge.tune.yaml');
    assert.equal(huge.length, 1);
    assert.match(huge[0].message, /a spec is at most 1\.0 MB/);
  });
});

describe('spec quick fixes', () => {
  /** The text after every quick fix offered for its diagnostics is applied. */
  async function fixed(text: string, file: string): Promise<{ text: string; titles: string[] }> {
    const uri = `file://${file}`;
    const actions = specQuickFixes(uri, await specDiagnostics(text, file, { onDisk: false }));
    const edits = actions.flatMap((a) => a.edit?.changes?.[uri] ?? []);
    const lines = text.split('\n');
    for (const edit of [...edits].reverse()) {
      const { start, end } = edit.range;
      assert.equal(start.line, end.line);
      lines[start.line] = lines[start.line].slice(0, start.character) + edit.newText + lines[start.line].slice(end.character);
    }
    assert.ok(actions.every((a) => a.kind === 'quickfix' && a.diagnostics?.length === 1));
    return { text: lines.join('\n'), titles: actions.map((a) => a.title) };
  }

  it('replaces a misspelt key, an enum value and a search-space primitive with what "did you mean" suggests', async () => {
    const text =
      'trainer:\n  command: [python3, train.py]\ntune_config:\n  metirc: loss\n  mode: mni\nparam_space:\n  train_loop_config:\n    lr: {loguniformm: [1e-4, 1e-1]}\n';
    const result = await fixed(text, '/tmp/typos.tune.yaml');
    assert.deepEqual(result.titles, ['Change to metric', 'Change to min', 'Change to loguniform']);
    assert.equal(
      result.text,
      'trainer:\n  command: [python3, train.py]\ntune_config:\n  metric: loss\n  mode: min\nparam_space:\n  train_loop_config:\n    lr: {loguniform: [1e-4, 1e-1]}\n',
    );
    assert.deepEqual(await specDiagnostics(result.text, '/tmp/typos.tune.yaml', { onDisk: false }), []);
  });

  it('keeps the quotes of a JSON spec', async () => {
    const text = '{"trainer": {"command": ["python3", "train.py"]}, "tune_config": {"metric": "loss", "mdoe": "max"}}';
    assert.equal((await fixed(text, '/tmp/typos.tune.json')).text, text.replace('"mdoe"', '"mode"'));
  });

  it('offers nothing for a problem without a near miss', async () => {
    const diagnostics = await specDiagnostics('trainer:\n  command: [python3, train.py]\nbogus: 1\n', '/tmp/b.tune.yaml', { onDisk: false });
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].data, undefined);
    assert.deepEqual(specQuickFixes('file:///tmp/b.tune.yaml', diagnostics), []);
  });
});
