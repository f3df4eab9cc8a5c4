"""Upload rows: `cardkit upload` against the loopback fake NextChat (fake-providers, no injected latency).

Usage: python upload.py BIN_DIR WORK_DIR SMALL LARGE ROUNDS CONCURRENCY

Writes LARGE small V2 card JSON files (the first SMALL of them also in their own folder), starts
BIN_DIR/fake-providers, and prints the key=value lines of cardkit-suite for: upload_small (SMALL inputs, one
warm-up and ROUNDS timed runs) and upload_large (LARGE inputs, one run), both at CONCURRENCY uploads in flight,
each run with a fresh state file and a reset fake. .peak_kib is the peak RSS of `cardkit upload` (wait4).
"""
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request


def write_cards(root, count):
    os.makedirs(root, exist_ok=True)
    for i in range(count):
        name = f"Bench {i:06d}"
        card = {"spec": "chara_card_v2", "spec_version": "2.0", "data": {
            "name": name, "description": f"{name} is a benchmark character. " * 20, "personality": "steady",
            "scenario": "A benchmark", "first_mes": "Hello!", "mes_example": "<START>\n{{char}}: Hi",
            "creator_notes": "", "system_prompt": "", "post_history_instructions": "",
            "alternate_greetings": ["Hey"], "tags": ["bench", "test"], "creator": "bench",
            "character_version": "1", "extensions": {}}}
        with open(os.path.join(root, f"{i:06d}.json"), "w", encoding="utf-8") as handle:
            json.dump(card, handle, ensure_ascii=False)


def main():
    bin_dir, work, small, large, rounds, concurrency = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    shutil.rmtree(work, ignore_errors=True)
    large_dir, small_dir = os.path.join(work, "large"), os.path.join(work, "small")
    write_cards(large_dir, large)
    os.makedirs(small_dir)
    for name in sorted(os.listdir(large_dir))[:small]:
        os.symlink(os.path.join(large_dir, name), os.path.join(small_dir, name))
    port_file = os.path.join(work, "port")
    fake = subprocess.Popen([os.path.join(bin_dir, "fake-providers"), "--port-file", port_file],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if os.path.exists(port_file) and os.path.getsize(port_file) > 0:
                break
            time.sleep(0.05)
        with open(port_file, encoding="ascii") as handle:
            base = f"http://127.0.0.1:{handle.read().strip()}"
        env = dict(os.environ, CARDKIT_NEXTCHAT_TOKEN="fake-nextchat-token")
        state = os.path.join(work, "state.jsonl")

        def once(folder):
            urllib.request.urlopen(urllib.request.Request(f"{base}/__debug/reset", method="POST")).read()
            if os.path.exists(state):
                os.remove(state)
            argv = [os.path.join(bin_dir, "cardkit"), "upload", "characters", folder, "--provider", "nextchat",
                    "--base-url", base, "--concurrency", concurrency, "--state", state, "--quiet"]
            start = time.perf_counter()
            child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            _, status, usage = os.wait4(child.pid, 0)
            return time.perf_counter() - start, os.waitstatus_to_exitcode(status) == 0, usage.ru_maxrss

        def row(name, folder, count, runs, warm):
            if warm:
                once(folder)
            results = [once(folder) for _ in range(runs)]
            times = sorted(r[0] for r in results)
            middle = len(times) // 2
            median = times[middle] if len(times) % 2 else (times[middle - 1] + times[middle]) / 2
            print(f"{name}.median_s={median}")
            print(f"{name}.min_s={times[0]}")
            print(f"{name}.max_s={times[-1]}")
            print(f"{name}.rounds={runs}")
            print(f"{name}.items={count}")
            print(f"{name}.bytes=0")
            print(f"{name}.ok={sum(1 for r in results if r[1]) * count // runs}")
            print(f"{name}.peak_kib={max(r[2] for r in results)}")
            sys.stdout.flush()

        print(f"upload_concurrency={concurrency}")
        row("upload_small", small_dir, small, rounds, True)
        row("upload_large", large_dir, large, 1, False)
    finally:
        fake.terminate()
        fake.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
