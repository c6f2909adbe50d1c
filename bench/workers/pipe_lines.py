"""Raw pipe ingest baseline: after a go line on stdin, writes `count` report lines (the
same JSON the Tunekit client sends per report) to stdout as fast as it can."""
import json
import sys

count = int(sys.argv[1])
sys.stdout.write("ready\n")
sys.stdout.flush()
sys.stdin.readline()
write = sys.stdout.write
for step in range(count):
    message = {"type": "report", "seq": step + 1, "metrics": {"step": step, "loss": 1.0 / (step + 1)}, "checkpoint": None}
    write(json.dumps(message, separators=(",", ":")) + "\n")
sys.stdout.flush()
