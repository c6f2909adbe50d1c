import { runDriverInJob } from '../backends/slurm/job_driver';
import { runDriverProcess } from './driver_host';

// `driver.js --job-channel DIR` runs inside a Slurm job; without it the Tuner forked us.
const channel = process.argv.indexOf('--job-channel');
if (channel >= 0 && process.argv[channel + 1]) runDriverInJob(process.argv[channel + 1]);
else runDriverProcess();
