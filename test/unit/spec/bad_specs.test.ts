import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSpecText } from '../../../runtime/spec/load';

// Fixtures stay in the source tree; tests run from out/, which holds only transpiled code.
const BAD = join(__dirname, '../../../../test/unit/spec/fixtures/bad');

interface Expectation {
  fixture: string;
  line: number;
  column: number;
  phrase: string;
  behaviour: string;
}

const cases: Expectation[] = [
  { fixture: 'syntax_unclosed_flow.tune.yaml', line: 3, column: 1, phrase: 'YAML syntax error: flow sequence', behaviour: 'an unclosed flow list is a YAML syntax error at the line where it should have ended' },
  { fixture: 'tab_indent.tune.yaml', line: 2, column: 1, phrase: 'replace the tab with spaces', behaviour: 'a tab used for indentation is reported at the tab' },
  { fixture: 'duplicate_key.tune.yaml', line: 6, column: 3, phrase: 'duplicate key "num_samples" (first set on line 4)', behaviour: 'a duplicate key is reported at its second occurrence, naming the first' },
  { fixture: 'unknown_top_level_key.tune.yaml', line: 3, column: 1, phrase: 'did you mean tune_config?', behaviour: 'a misspelled top-level key suggests the section it resembles' },
  { fixture: 'unknown_nested_key.tune.yaml', line: 4, column: 3, phrase: 'unknown key "num_sample" in tune_config; did you mean num_samples?', behaviour: 'a misspelled nested key suggests the key it resembles' },
  { fixture: 'unknown_key_no_suggestion.tune.yaml', line: 4, column: 3, phrase: 'expected name, storage_path, stop, failure_config or checkpoint_config', behaviour: 'an unknown key that resembles nothing lists the keys allowed there' },
  { fixture: 'resource_key_case.tune.yaml', line: 4, column: 25, phrase: 'did you mean CPU?', behaviour: "a resource name in the wrong case suggests Ray's spelling" },
  { fixture: 'param_space_misspelled_section.tune.yaml', line: 4, column: 3, phrase: 'did you mean train_loop_config?', behaviour: 'a misspelled param_space section suggests train_loop_config' },
  { fixture: 'wrong_type_use_gpu.tune.yaml', line: 4, column: 14, phrase: 'must be true or false, got "yes"; write true or false', behaviour: 'yes for a boolean is a type error that explains YAML 1.2 reads it as text' },
  { fixture: 'wrong_type.tune.json', line: 4, column: 20, phrase: 'tune_config.num_samples must be a whole number, got "ten"', behaviour: 'a type error in a JSON spec is placed at the JSON value' },
  { fixture: 'syntax_error.tune.json', line: 3, column: 3, phrase: 'missing , between flow map items', behaviour: 'a missing comma in a JSON spec is a syntax error at the next member' },
  { fixture: 'negative_num_samples.tune.yaml', line: 4, column: 16, phrase: 'tune_config.num_samples must be at least 1, got -3', behaviour: 'a negative num_samples is refused with the lowest allowed value' },
  { fixture: 'zero_time_budget.tune.yaml', line: 4, column: 18, phrase: 'time_budget_s must be greater than 0', behaviour: 'a zero time budget is refused' },
  { fixture: 'max_failures_below_minus_one.tune.yaml', line: 4, column: 19, phrase: 'must be at least -1, got -2', behaviour: 'max_failures below -1 is refused, since -1 already means unlimited' },
  { fixture: 'mode_maximize.tune.yaml', line: 5, column: 9, phrase: 'tune_config.mode must be "min" or "max", got "maximize"', behaviour: 'mode maximize is refused with the two allowed values' },
  { fixture: 'metric_without_mode.tune.yaml', line: 5, column: 11, phrase: 'add mode: max if higher is better, or mode: min', behaviour: 'a metric without a mode asks for the mode' },
  { fixture: 'mode_without_metric.tune.yaml', line: 4, column: 9, phrase: 'tune_config.mode is set without tune_config.metric', behaviour: 'a mode without a metric asks for the metric' },
  { fixture: 'empty_metric.tune.yaml', line: 4, column: 3, phrase: 'tune_config.metric must be a string, got an empty value', behaviour: 'an empty metric is one problem at its key, not also a missing-metric problem' },
  { fixture: 'gpu_fraction_above_one.tune.yaml', line: 5, column: 41, phrase: 'more than one GPU must be a whole number (1 or 2)', behaviour: '1.5 GPUs per worker is refused with the whole numbers around it' },
  { fixture: 'fractional_gpu_override.tune.yaml', line: 5, column: 8, phrase: 'resources.GPU must be a whole number, got 0.5', behaviour: 'the machine override counts whole GPUs' },
  { fixture: 'gpu_without_use_gpu.tune.yaml', line: 6, column: 12, phrase: 'set use_gpu: true', behaviour: 'GPUs per worker with use_gpu unset tell the user to set use_gpu: true' },
  { fixture: 'use_gpu_with_zero_gpu.tune.yaml', line: 5, column: 33, phrase: 'use_gpu is true but trainer.scaling_config.resources_per_worker.GPU is 0', behaviour: 'use_gpu with zero GPUs per worker is refused, as in Ray' },
  { fixture: 'num_workers_fraction.tune.yaml', line: 4, column: 18, phrase: 'num_workers must be a whole number, got 2.5', behaviour: 'a fractional num_workers is refused' },
  { fixture: 'empty_command_list.tune.yaml', line: 2, column: 12, phrase: 'trainer.command is empty', behaviour: 'an empty command list is refused at the list' },
  { fixture: 'empty_command_string.tune.yaml', line: 2, column: 12, phrase: 'trainer.command is empty', behaviour: 'a command string of blanks is refused as empty' },
  { fixture: 'unclosed_quote_command.tune.yaml', line: 2, column: 12, phrase: "unclosed ' quote at character 25", behaviour: 'a command string with an unclosed quote says where the quote opens' },
  { fixture: 'missing_command.tune.yaml', line: 1, column: 1, phrase: 'trainer.command is missing; add the program each worker runs', behaviour: 'a trainer without a command is reported at the trainer key' },
  { fixture: 'env_name_with_equals.tune.yaml', line: 4, column: 5, phrase: 'contain no "="', behaviour: 'an environment variable name with = is refused at the name' },
  { fixture: 'unsafe_run_name.tune.yaml', line: 4, column: 9, phrase: 'run_config.name cannot contain "/"', behaviour: 'a run name that climbs out of storage_path is refused' },
  { fixture: 'param_space_top_level_lr.tune.yaml', line: 4, column: 3, phrase: 'training hyperparameters go under param_space.train_loop_config', behaviour: 'a hyperparameter at the top of param_space is sent to train_loop_config' },
  { fixture: 'bad_primitive_arguments.tune.yaml', line: 5, column: 22, phrase: 'param_space.train_loop_config.lr.loguniform: loguniform', behaviour: 'bad search primitive arguments are reported at the arguments, named by their path' },
  { fixture: 'misspelt_primitive.tune.yaml', line: 5, column: 10, phrase: 'has the key "loguniformm", which is not a search-space primitive; did you mean loguniform?', behaviour: 'a misspelt search-space primitive is an error with a guess, not a constant mapping' },
  { fixture: 'primitive_wrong_case.tune.yaml', line: 7, column: 9, phrase: 'did you mean uniform?', behaviour: 'a primitive written in the wrong case, deep in a nested mapping, is an error with a guess' },
  { fixture: 'scheduler_misspelled.tune.yaml', line: 4, column: 14, phrase: 'got "ashaa"; did you mean "asha"?', behaviour: 'a misspelled scheduler name suggests the scheduler it resembles' },
  { fixture: 'search_alg_without_type.tune.yaml', line: 4, column: 3, phrase: 'tune_config.search_alg.type is missing; add type: one of random, grid or tpe', behaviour: 'a search_alg mapping without a type lists the types' },
  { fixture: 'fifo_with_options.tune.yaml', line: 6, column: 5, phrase: 'the fifo scheduler takes no options', behaviour: 'options given to the fifo scheduler are refused at the option' },
  { fixture: 'point_outside_param_space.tune.yaml', line: 7, column: 9, phrase: 'put training hyperparameters under train_loop_config', behaviour: 'a point to evaluate shaped unlike param_space is refused' },
  { fixture: 'fail_fast_with_retries.tune.yaml', line: 6, column: 16, phrase: 'max_failures must be 0, got 3', behaviour: 'fail_fast with trial retries is refused, as in Ray' },
  { fixture: 'stop_not_a_number.tune.yaml', line: 5, column: 25, phrase: 'run_config.stop.training_iteration must be a number, got "ten"', behaviour: 'a stop threshold that is not a number is refused' },
  { fixture: 'alias_without_anchor.tune.yaml', line: 2, column: 12, phrase: 'alias *cmd has no anchor &cmd', behaviour: 'an alias without its anchor is reported at the alias' },
  { fixture: 'two_documents.tune.yaml', line: 3, column: 1, phrase: 'more than one YAML document', behaviour: 'a second YAML document is reported at its separator' },
  { fixture: 'empty.tune.yaml', line: 1, column: 1, phrase: 'the spec is empty', behaviour: 'an empty spec asks for a trainer' },
  { fixture: 'not_a_mapping.tune.yaml', line: 1, column: 1, phrase: 'the spec must be a mapping, got a list', behaviour: 'a spec that is a list is refused as a whole' },
];

for (const c of cases) {
  test(c.behaviour, () => {
    const file = join(BAD, c.fixture);
    const { spec, problems } = parseSpecText(readFileSync(file, 'utf8'), file);
    const errors = problems.filter((p) => p.severity === 'error');
    assert.equal(spec, undefined);
    assert.equal(errors.length, 1, `expected one error, got:\n${errors.map((p) => p.message).join('\n')}`);
    const [error] = errors;
    assert.ok(error.message.includes(c.phrase), `"${error.message}" lacks "${c.phrase}"`);
    assert.deepEqual([error.line, error.column], [c.line, c.column], error.message);
    assert.equal(error.file, file);
  });
}

test('a problem range ends where the offending value ends', () => {
  const file = join(BAD, 'mode_maximize.tune.yaml');
  const [problem] = parseSpecText(readFileSync(file, 'utf8'), file).problems;
  assert.deepEqual([problem.line, problem.column, problem.endLine, problem.endColumn], [5, 9, 5, 17]);
});

test('an unknown key is underlined over the key, not its value', () => {
  const file = join(BAD, 'unknown_nested_key.tune.yaml');
  const [problem] = parseSpecText(readFileSync(file, 'utf8'), file).problems;
  assert.deepEqual([problem.line, problem.column, problem.endLine, problem.endColumn], [4, 3, 4, 13]);
});
