// The scenarios, in the order they run.
import ashaLiveDashboard from './asha_live_dashboard.mjs';
import badSpec from './bad_spec.mjs';
import quickstartRun from './quickstart_run.mjs';
import reloadWindow from './reload_window.mjs';
import seedResources from './seed_resources.mjs';
import untrustedWorkspace from './untrusted_workspace.mjs';
import workerRestore from './worker_restore.mjs';

export const SCENARIOS = [quickstartRun, ashaLiveDashboard, seedResources, workerRestore, badSpec, reloadWindow, untrustedWorkspace];
