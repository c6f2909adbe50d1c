"""Bookkeeping-overhead worker: one report, then sleep `sleep_s` (from the trial config).

Run bare (no TUNEKIT_REPORT_SOCKET) with sleep_s 0, the same file measures what one
spawn -> import -> report -> exit costs without Tunekit: report() then just prints.
"""
import time

import tunekit

sleep_s = float(tunekit.get_config().get("sleep_s", 0))
tunekit.report({"x": 1})
if sleep_s > 0:
    time.sleep(sleep_s)
