/** What activate() returns: enough for the e2e suite to wait on state instead of sleeping. */
import type { RequestResult, RuntimeRequests } from '../protocol/runtime_api';
import type { ExperimentNode } from './experiments_tree';
import type { ConnectionState, Health } from './health';
import type { RuntimeStore } from './store';
import type { ItemData } from './tree_items';

export interface TunekitApi {
  store: RuntimeStore;
  /** Time spent inside activate(), in ms (the runtime connects after it returns). */
  activationMs: number;
  /** CPU time of the same span: what activation costs, even on a machine too busy to run it promptly. */
  activationCpuMs: number;
  connectionState(): ConnectionState;
  health(): Health | undefined;
  /** The Experiments tree's rows as data, from the same provider the view uses. */
  experimentRows(node?: ExperimentNode): Array<{ node: ExperimentNode; item: ItemData }>;
  socketPath: string;
  /** The attached daemon's pid and log (runtimeInfo). */
  runtimeInfo(): Promise<RequestResult<typeof RuntimeRequests.runtimeInfo>>;
}
