/**
 * The worker reporting protocol: what a worker process and its trial's Trainer driver say
 * to each other over the trial's Unix socket. One JSON object per `\n`-terminated UTF-8
 * line, in both directions. The full contract, for client writers in any language, is
 * protocol/REPORTING.md; these types are its TypeScript spelling.
 */

/** Version carried by `welcome` (and optionally by `hello`); bumped on incompatible change. */
export const REPORT_PROTOCOL_VERSION = 1;

/** Longest line, in bytes without its `\n`, that either side must accept (1 MiB). */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/** Environment variables the driver sets for every worker process. */
export const REPORT_ENV = {
  /** Absolute path of the trial's report socket; unset when run outside Tunekit. */
  socket: 'TUNEKIT_REPORT_SOCKET',
  /** Per-trial secret (64 hex characters) the worker sends in `hello`. */
  token: 'TUNEKIT_REPORT_TOKEN',
  trialId: 'TUNEKIT_TRIAL_ID',
  trialName: 'TUNEKIT_TRIAL_NAME',
  experimentPath: 'TUNEKIT_EXPERIMENT_PATH',
  trialDir: 'TUNEKIT_TRIAL_DIR',
  /** JSON object: the trial's resolved train_loop_config. */
  config: 'TUNEKIT_CONFIG',
  /** Absolute directory of the checkpoint to resume from, or empty. */
  checkpoint: 'TUNEKIT_CHECKPOINT',
  rank: 'RANK',
  localRank: 'LOCAL_RANK',
  worldSize: 'WORLD_SIZE',
  localWorldSize: 'LOCAL_WORLD_SIZE',
} as const;

export type ReportEnvVar = (typeof REPORT_ENV)[keyof typeof REPORT_ENV];

/** Strings that stand for the floats strict JSON cannot spell. */
export type NonFiniteSpelling = 'NaN' | 'Infinity' | '-Infinity';

/** A metric value on the wire: any JSON value; non-finite floats as a NonFiniteSpelling. */
export type MetricValue =
  | null
  | boolean
  | number
  | string
  | MetricValue[]
  | { [key: string]: MetricValue };

/** worker → driver, first line of every connection. */
export interface HelloMessage {
  type: 'hello';
  /** Must equal TUNEKIT_REPORT_TOKEN. */
  token: string;
  /** The worker's RANK, 0 ≤ rank < WORLD_SIZE. */
  rank: number;
  pid: number;
  /** If present, must equal REPORT_PROTOCOL_VERSION. */
  version?: number;
}

/** worker → driver, one training result; answered by exactly one `ack` with the same seq. */
export interface ReportMessage {
  type: 'report';
  /** Positive integer, strictly increasing on one connection. */
  seq: number;
  metrics: { [key: string]: MetricValue };
  /** Absolute directory the driver copies before it acks; null or absent when none. */
  checkpoint: string | null;
}

export type ClientMessage = HelloMessage | ReportMessage;

/** driver → worker, the answer to an accepted `hello`. */
export interface WelcomeMessage {
  type: 'welcome';
  version: number;
}

/** driver → worker, the result was persisted (and its checkpoint copied). */
export interface AckOkMessage {
  type: 'ack';
  seq: number;
  ok: true;
  /** Name of the trial-dir subdirectory the checkpoint was copied to, e.g. checkpoint_000003. */
  checkpoint_dir_name: string | null;
}

/** driver → worker, the report was refused or its handling failed; nothing was recorded. */
export interface AckFailedMessage {
  type: 'ack';
  seq: number;
  ok: false;
  error: string;
}

/** driver → worker, a line that could not be tied to a report (malformed, refused hello). */
export interface ErrorMessage {
  type: 'error';
  error: string;
}

export type AckMessage = AckOkMessage | AckFailedMessage;
export type ServerMessage = WelcomeMessage | AckMessage | ErrorMessage;
