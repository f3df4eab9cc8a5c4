"""Process start-up: wall time of `cardkit --version` against `tavern-card --version` and the spawn floor.

Usage: python startup.py RUNS NAME=COMMAND... (each COMMAND split on spaces)

For each command: one warm-up run, then RUNS runs one after another; prints startup_<NAME>.median_s / min_s /
max_s (seconds per run), .rounds, .items (1), .ok (runs that exited 0) and .peak_kib (the child's peak RSS, from
one more run under /usr/bin/time, whose fork from a small C program does not inflate it as a fork from Python's
interpreter would). hyperfine is not in this machine's apt sources, so the loop is done here.
"""
import os
import subprocess
import sys
import tempfile
import time


def peak_kib(argv):
    if not os.path.exists("/usr/bin/time"):
        return -1
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name] + argv,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        return int(out.read().strip().splitlines()[-1])


def run(argv):
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, child.returncode == 0, usage.ru_maxrss


def main():
    runs = int(sys.argv[1])
    for spec in sys.argv[2:]:
        name, command = spec.split("=", 1)
        argv = command.split(" ")
        run(argv)
        times, ok = [], 0
        for _ in range(runs):
            elapsed, success, _ = run(argv)
            times.append(elapsed)
            ok += 1 if success else 0
        peak = peak_kib(argv)
        times.sort()
        middle = len(times) // 2
        median = times[middle] if len(times) % 2 else (times[middle - 1] + times[middle]) / 2
        key = f"startup_{name}"
        print(f"{key}.median_s={median}")
        print(f"{key}.min_s={times[0]}")
        print(f"{key}.max_s={times[-1]}")
        print(f"{key}.rounds={runs}")
        print(f"{key}.items={runs}")
        print(f"{key}.bytes=0")
        print(f"{key}.ok={ok}")
        print(f"{key}.peak_kib={peak}")


if __name__ == "__main__":
    main()
