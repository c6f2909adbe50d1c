"""Throughput worker: waits until every worker of the run is up, then reports `count`
results back to back, timing each round trip. The timings go to bench_timing.json in the
trial directory, beside the result.json they are checked against."""
import json
import os
import time

import tunekit

BARRIER_TIMEOUT_S = 120

config = tunekit.get_config()
count = int(config["count"])
barrier_dir = config["barrier_dir"]
parties = int(config["parties"])
context = tunekit.get_context()

# A barrier, so the timed window holds only periods when every worker is reporting.
open(os.path.join(barrier_dir, context.get_trial_id()), "w").close()
deadline = time.monotonic() + BARRIER_TIMEOUT_S
while len(os.listdir(barrier_dir)) < parties:
    if time.monotonic() > deadline:
        raise SystemExit("only %d of %d workers reached the barrier" % (len(os.listdir(barrier_dir)), parties))
    time.sleep(0.002)

latencies_us = []
clock = time.perf_counter
start = time.time()
for step in range(count):
    before = clock()
    tunekit.report({"step": step, "loss": 1.0 / (step + 1)})
    latencies_us.append(int((clock() - before) * 1e6))
end = time.time()

with open(os.path.join(context.get_trial_dir(), "bench_timing.json"), "w") as f:
    json.dump({"start": start, "end": end, "latencies_us": latencies_us}, f)
