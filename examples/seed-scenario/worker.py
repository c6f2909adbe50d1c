"""One worker of the seed scenario: it trains nothing, it shows what it was given.

Each rank prints one JSON line with its rank, its CUDA_VISIBLE_DEVICES and when it ran,
so the trial's worker logs tell which devices were held at which moment.
"""
import json
import os
import time

import tunekit

start = time.time()
context = tunekit.get_context()
config = tunekit.get_config()
devices = os.environ.get("CUDA_VISIBLE_DEVICES", "")
steps = int(config.get("steps", 4))
step_s = float(config.get("seconds", 1.0)) / steps

for step in range(steps):
    time.sleep(step_s)
    tunekit.report({"step": step, "rank": context.get_world_rank(), "cuda_visible_devices": devices, "start": start})

print(json.dumps({
    "seed_worker": True,
    "rank": context.get_world_rank(),
    "world_size": context.get_world_size(),
    "cuda_visible_devices": devices,
    "start": start,
    "end": time.time(),
}), flush=True)
