import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestName, editDistance } from '../../../runtime/spec/did_you_mean';

test('swapping two neighbouring letters counts as one edit', () => {
  assert.equal(editDistance('metirc', 'metric'), 1);
  assert.equal(editDistance('num_samples', 'num_sample'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('a key one or two edits away from a known key is suggested', () => {
  const keys = ['num_samples', 'max_concurrent_trials', 'metric', 'mode'];
  assert.equal(closestName('num_sample', keys), 'num_samples');
  assert.equal(closestName('num_smaples', keys), 'num_samples');
  assert.equal(closestName('max_concurent_trial', keys), 'max_concurrent_trials');
});

test('a key in another case is suggested however short it is', () => {
  assert.equal(closestName('gpu', ['CPU', 'GPU']), 'GPU');
  assert.equal(closestName('Mode', ['metric', 'mode']), 'mode');
});

test('a short key gets no suggestion from a distant edit', () => {
  assert.equal(closestName('lr', ['CPU', 'GPU']), undefined);
  assert.equal(closestName('cp', ['CPU', 'GPU']), undefined);
});

test('a key unlike every known key gets no suggestion', () => {
  assert.equal(closestName('verbose', ['name', 'storage_path', 'stop']), undefined);
});
