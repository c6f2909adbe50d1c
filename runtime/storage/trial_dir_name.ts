/**
 * Trial directory names a person can read and every filesystem accepts:
 * `<trainable>_<experiment id>_<index>_<key=value,…>`, e.g.
 * `TorchTrainer_a1b2c_00003_lr=0.0012,num_workers=2`.
 */

export const MAX_TRIAL_DIR_NAME = 128;
const MAX_TRAINABLE = 64;

export interface SampledParam {
  /** `/`-separated path inside param_space; only its last component names the param. */
  path: string;
  value: unknown;
}

export function trialDirName(
  trainable: string,
  experimentId: string,
  index: number,
  sampled: readonly SampledParam[],
): string {
  if (!/^[0-9a-f]{5}$/.test(experimentId)) {
    throw new Error(`experiment id must be 5 lowercase hex digits, got ${JSON.stringify(experimentId)}`);
  }
  if (!Number.isInteger(index) || index < 0) throw new Error(`trial index must be a whole number >= 0, got ${index}`);
  const name = sanitize(trainable).slice(0, MAX_TRAINABLE);
  if (name === '') throw new Error(`trainable name ${JSON.stringify(trainable)} has no usable characters`);
  const prefix = `${name}_${experimentId}_${String(index).padStart(5, '0')}`;
  const params = sampled.map(({ path, value }) => `${sanitize(lastComponent(path))}=${sanitize(formatValue(value))}`);
  if (params.length === 0) return prefix;
  return `${prefix}_${params.join(',')}`.slice(0, MAX_TRIAL_DIR_NAME);
}

/** Numbers with about four significant digits, like Python's `{:.4}`: 0.0012, 1e-05, 3.142. */
export function formatValue(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return value;
  if (value === null || value === undefined || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? String(value);
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const [mantissa, exponent] = value.toExponential(3).split('e');
  const power = Number(exponent);
  if (power >= -4 && power < 4) return trimZeros(value.toPrecision(4));
  return `${trimZeros(mantissa)}e${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(2, '0')}`;
}

function trimZeros(digits: string): string {
  return digits.includes('.') ? digits.replace(/0+$/, '').replace(/\.$/, '') : digits;
}

function lastComponent(path: string): string {
  const parts = path.split('/').filter((p) => p !== '');
  return parts[parts.length - 1] ?? path;
}

/**
 * Keeps letters, digits, `.`, `_`, `-` and `+`; every other character (separators `=` and
 * `,` included, so they stay unambiguous) becomes `_`. Runs of dots become `_`, so no
 * `..` survives, and nothing built from it starts with a dot.
 */
function sanitize(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._+-]/g, '_')
    .replace(/\.{2,}/g, '_')
    .replace(/^\./, '_');
}
