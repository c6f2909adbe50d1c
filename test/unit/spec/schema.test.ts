import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { parseSpecText } from '../../../runtime/spec/load';
import { readSpecSchema } from '../../../runtime/spec/schema_file';

type SchemaNode = Record<string, unknown>;

const schema = readSpecSchema();
const definitions = schema.definitions as Record<string, SchemaNode>;

/** Follows $ref and a lone allOf[$ref] so each property is seen with its real properties. */
function expand(node: SchemaNode): SchemaNode {
  const ref = (node.$ref as string | undefined) ?? ((node.allOf as SchemaNode[] | undefined)?.[0]?.$ref as string | undefined);
  if (!ref) return node;
  const target = definitions[ref.replace('#/definitions/', '')];
  return { ...target, ...node, properties: target.properties };
}

function walk(node: SchemaNode, path: string[], visit: (path: string[], node: SchemaNode) => void): void {
  const full = expand(node);
  visit(path, full);
  for (const branch of ['then', 'else'] as const) {
    const branchProperties = ((full[branch] as SchemaNode | undefined)?.properties ?? {}) as Record<string, SchemaNode>;
    for (const [key, child] of Object.entries(branchProperties)) walk(child, [...path, key], visit);
  }
  const properties = (full.properties ?? {}) as Record<string, SchemaNode>;
  for (const [key, child] of Object.entries(properties)) walk(child, [...path, key], visit);
}

test('every property of the spec schema has a description for editor hovers', () => {
  const undescribed: string[] = [];
  walk(schema, [], (path, node) => {
    if (path.length > 0 && typeof node.description !== 'string') undescribed.push(path.join('.'));
  });
  assert.deepEqual(undescribed, []);
});

test('every default the schema advertises is the value the loader fills in', () => {
  const file = '/experiments/demo.tune.yaml';
  const { spec } = parseSpecText('trainer: {command: [a]}\n', file);
  // The slurm backend's keys are filled in only when it is chosen.
  const { spec: slurm } = parseSpecText('trainer: {command: [a]}\nbackend: {type: slurm}\n', file);
  assert.ok(spec && slurm);
  let checked = 0;
  walk(schema, [], (path, node) => {
    if (!('default' in node)) return;
    let value: unknown = path[0] === 'backend' && path[1] !== 'type' ? slurm : spec;
    for (const key of path) value = (value as Record<string, unknown>)[key];
    // Mappings with a type are written as their type name, paths relative to the spec.
    if (typeof value === 'object' && value !== null && 'type' in value) value = (value as { type: unknown }).type;
    const expected = path.at(-1) === 'storage_path' ? `${dirname(file)}/${String(node.default).replace(/^\.\//, '')}` : node.default;
    assert.deepEqual(value, expected, path.join('.'));
    checked++;
  });
  assert.ok(checked >= 10, `only ${checked} defaults checked`);
});
