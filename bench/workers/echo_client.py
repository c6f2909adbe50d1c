"""Round-trip baseline: after a go line on stdin, sends `count` report lines over a Unix
socket and waits for each reply line, as tunekit.report() does but with no Tunekit behind
the socket. Prints its timings as one JSON line when done."""
import json
import socket
import sys
import time

path, count = sys.argv[1], int(sys.argv[2])
sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.connect(path)
sys.stdout.write("ready\n")
sys.stdout.flush()
sys.stdin.readline()

buffer = b""
latencies_us = []
clock = time.perf_counter
start = time.time()
for step in range(count):
    before = clock()
    message = {"type": "report", "seq": step + 1, "metrics": {"step": step, "loss": 1.0 / (step + 1)}, "checkpoint": None}
    sock.sendall((json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8"))
    while b"\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise SystemExit("the echo server closed the socket")
        buffer += chunk
    line, buffer = buffer.split(b"\n", 1)
    json.loads(line.decode("utf-8"))
    latencies_us.append(int((clock() - before) * 1e6))
end = time.time()
sys.stdout.write(json.dumps({"start": start, "end": end, "latencies_us": latencies_us}) + "\n")
