#!/usr/bin/env python3
"""The demo under a connection flood: the figures of docs/RELIABILITY.md.

Run through scripts/under-attack, which builds the release demo and raises
the open-file limit. Standard library only (Python 3.11).

What it does, with the demo it starts (memory store, .eml files):

1. signs in as the admin, sends Sam a reset email and reads its link;
2. baseline: GET /login and GET the reset page, each on a new connection
   from 127.0.0.1, and the demo's RSS;
3. flood: a second process (this script's `attack` command) opens
   --connections connections from another client address (127.0.0.2 by
   default) and holds them: a third send nothing, a third half a request
   line, a third one whole request and then sit idle. Whenever the server
   closes one, it is opened again at once (after a refusal, a second
   later). While they are held, the same probes run and RSS is sampled;
4. the flood stops: RSS 5 s and 30 s later;
5. the flood is opened again and the demo gets SIGTERM: how long until it
   exits.

It prints a JSON summary (and --json FILE writes it). Nothing here judges
the figures; docs/RELIABILITY.md puts them next to their targets.
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_http import form, request  # noqa: E402

ADMIN = "admin@inzant.example"
ADMIN_PASSWORD = "Under-Attack-Admin-Pass-42!"
BANNER_END = "Users and reset requests are"


def http(port, method, path, headers=None, body=b"", timeout=10.0):
    """(status, headers, body, seconds) of one request on a new connection."""
    answer = request(port, method, path, headers, body, timeout)
    return answer.status, answer.headers, answer.body, answer.seconds


def rss_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return None


def cpu_seconds(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (FileNotFoundError, IndexError):
        return None


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(latencies):
    ms = [v * 1000 for v in latencies]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2) if ms else None,
        "p99_ms": round(percentile(ms, 99), 2) if ms else None,
        "max_ms": round(max(ms), 2) if ms else None,
    }


# ---------------------------------------------------------------------------
# The demo process.

class Demo:
    def __init__(self, binary, port, extra_env, workdir):
        self.port = port
        self.maildir = Path(workdir) / "mail"
        self.log_path = Path(workdir) / "demo.log"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "INZANT_LISTEN": f"127.0.0.1:{port}",
            "INZANT_MAIL_DIR": str(self.maildir),
            "INZANT_DEMO_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "INZANT_RESET_COOLDOWN": "0",
            "INZANT_RESET_SECRET": "under-attack-secret-under-attack-secret-0123",
            "RUST_LOG": "warn,inzant_reset_demo=info",
        }
        env.update(extra_env)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([binary], env=env, stdout=subprocess.PIPE, stderr=self.log, text=True)
        ready = threading.Event()

        def read():
            for line in self.proc.stdout:
                if line.startswith(BANNER_END):
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(60):
            self.proc.kill()
            raise SystemExit(f"the demo did not start; see {self.log_path}")

    @property
    def pid(self):
        return self.proc.pid

    def origin(self):
        return f"http://127.0.0.1:{self.port}"

    def sign_in_admin(self):
        status, headers, body, _ = http(
            self.port, "POST", "/login",
            {"Origin": self.origin(), "Content-Type": "application/x-www-form-urlencoded"},
            form({"username": ADMIN, "password": ADMIN_PASSWORD}),
        )
        if status != 303:
            raise SystemExit(f"admin sign-in answered {status}: {body[:300]!r}")
        for cookie in headers.get("set-cookie", []):
            if "inzant_session=" in cookie:
                return cookie.split(";", 1)[0]
        raise SystemExit("no session cookie")

    def reset_link(self, cookie):
        before = set(self.maildir.glob("*.eml")) if self.maildir.exists() else set()
        status, _, body, _ = http(
            self.port, "POST", "/admin/users/1002/reset-password",
            {"Origin": self.origin(), "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
            form({"purpose": "reset"}),
        )
        if status != 303:
            raise SystemExit(f"the trigger answered {status}: {body[:300]!r}")
        for _ in range(100):
            new = set(self.maildir.glob("*.eml")) - before
            if new:
                message = email.message_from_bytes(new.pop().read_bytes(), policy=email.policy.default)
                text = message.get_body(preferencelist=("plain",)).get_content()
                match = re.search(re.escape(self.origin()) + r"(/password-reset/[A-Za-z0-9_\-]+)", text)
                if match:
                    return match.group(1)
            time.sleep(0.05)
        raise SystemExit("no reset email")

    def terminate_and_time(self, limit=60):
        started = time.perf_counter()
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(limit)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None, "killed"
        return round(time.perf_counter() - started, 2), code

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


# ---------------------------------------------------------------------------
# The flood: `under_attack.py attack PORT SOURCE COUNT`, printing a JSON line
# of counts every second until SIGTERM.

async def attack(port, source, count):
    stats = {"held": 0, "opened": 0, "closed_by_server": 0, "refused_503": 0, "connect_errors": 0}
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    connecting = asyncio.Semaphore(256)
    kinds = ["silent", "half", "idle"]

    async def hold(index):
        kind = kinds[index % 3]
        while not stop.is_set():
            try:
                async with connecting:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
            except OSError:
                stats["connect_errors"] += 1
                await asyncio.sleep(1)
                continue
            stats["opened"] += 1
            stats["held"] += 1
            refused = False
            try:
                if kind == "half":
                    writer.write(b"GET /login HT")
                elif kind == "idle":
                    writer.write(b"GET /login HTTP/1.1\r\nHost: x\r\n\r\n")
                reading = asyncio.ensure_future(reader.read(65536))
                stopping = asyncio.ensure_future(stop.wait())
                while True:
                    done, _ = await asyncio.wait({reading, stopping}, return_when=asyncio.FIRST_COMPLETED)
                    if stopping in done:
                        reading.cancel()
                        break
                    data = reading.result()
                    if not data:
                        stats["closed_by_server"] += 1
                        stopping.cancel()
                        break
                    if data.startswith(b"HTTP/1.1 503"):
                        refused = True
                    reading = asyncio.ensure_future(reader.read(65536))
            except OSError:
                stats["closed_by_server"] += 1
            finally:
                stats["held"] -= 1
                writer.close()
            if refused:
                stats["refused_503"] += 1
                await asyncio.sleep(1)

    async def report():
        while not stop.is_set():
            print(json.dumps(stats), flush=True)
            try:
                await asyncio.wait_for(stop.wait(), 1)
            except asyncio.TimeoutError:
                pass

    tasks = [asyncio.ensure_future(hold(i)) for i in range(count)]
    await report()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps(stats), flush=True)


PER_PROCESS = 8000


class Flood:
    """The attack processes (at most PER_PROCESS connections each, all from
    one address), and their latest counts."""

    def __init__(self, port, source, count):
        self.latest = {}
        self.procs = []
        start = 0
        while start < count:
            share = min(PER_PROCESS, count - start)
            # Niced: on one small machine the flood's own CPU would otherwise
            # be taken from the demo, which a remote attacker cannot do.
            proc = subprocess.Popen(
                ["nice", "-n", "19", sys.executable, __file__, "attack", str(port), source, str(share)],
                stdout=subprocess.PIPE, text=True,
            )
            self.procs.append(proc)
            threading.Thread(target=self._read, args=(len(self.procs) - 1, proc), daemon=True).start()
            start += share

    def _read(self, index, proc):
        for line in proc.stdout:
            try:
                self.latest[index] = json.loads(line)
            except json.JSONDecodeError:
                pass

    def counts(self):
        total = {}
        for counts in list(self.latest.values()):
            for name, value in counts.items():
                total[name] = total.get(name, 0) + value
        return total

    def held(self):
        return self.counts().get("held", 0)

    def wait_held(self, target, limit=300):
        """Until `target` are held, or every connection was tried at least
        once and the count held stopped growing (a cap, or connections the
        server already timed out); then 2 s more."""
        started = time.time()
        best, best_at = -1, time.time()
        while time.time() - started < limit:
            counts = self.counts()
            held = counts.get("held", 0)
            if held >= target:
                break
            if held > best:
                best, best_at = held, time.time()
            tried = counts.get("opened", 0) + counts.get("connect_errors", 0) >= target
            if tried and time.time() - best_at > 3:
                break
            time.sleep(0.5)
        ramp = round(time.time() - started, 1)
        time.sleep(2)
        return ramp, self.held()

    def stop(self):
        for proc in self.procs:
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return self.counts()


# ---------------------------------------------------------------------------

def probe(port, paths, seconds=None, rounds=None, pause=0.02, on_tick=None):
    """Alternates GETs of `paths` on new connections; latencies per path."""
    latencies = {path: [] for path in paths}
    errors = {path: [] for path in paths}
    started = time.time()
    n = 0
    while True:
        if seconds is not None and time.time() - started >= seconds:
            break
        if rounds is not None and n >= rounds:
            break
        for path in paths:
            try:
                status, _, _, elapsed = http(port, "GET", path)
                if status == 200:
                    latencies[path].append(elapsed)
                else:
                    errors[path].append(status)
            except OSError as error:
                errors[path].append(str(error))
        n += 1
        if on_tick:
            on_tick()
        time.sleep(pause)
    return latencies, errors


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure(args):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    extra_env = dict(item.split("=", 1) for item in args.env)
    result = {"connections": args.connections, "attacker": args.source, "settings": extra_env,
              "open_file_limit": hard}
    with tempfile.TemporaryDirectory() as workdir:
        port = free_port()
        demo = Demo(args.demo, port, extra_env, workdir)
        try:
            cookie = demo.sign_in_admin()
            link = demo.reset_link(cookie)
            paths = ["/login", link]
            names = {"/login": "login", link: "reset_page"}

            latencies, errors = probe(port, paths, rounds=args.baseline)
            result["baseline"] = {names[p]: summary(latencies[p]) for p in paths}
            result["baseline"]["rss_mb"] = round(rss_mb(demo.pid), 1)

            flood = Flood(port, args.source, args.connections)
            ramp, held = flood.wait_held(args.connections)
            result["flood"] = {"ramp_s": ramp, "held_at_start": held}
            rss_samples, held_samples = [], []
            last = [0.0]

            def sample():
                if time.time() - last[0] >= 0.5:
                    last[0] = time.time()
                    value = rss_mb(demo.pid)
                    if value:
                        rss_samples.append(value)
                    held_samples.append(flood.held())

            cpu_before = cpu_seconds(demo.pid)
            latencies, errors = probe(port, paths, seconds=args.hold, on_tick=sample)
            cpu_after = cpu_seconds(demo.pid)
            counts = flood.stop()
            result["flood"].update({
                names[p]: summary(latencies[p]) | {"errors": len(errors[p]), "error_samples": errors[p][:5]}
                for p in paths
            })
            result["flood"].update({
                "held_min": min(held_samples) if held_samples else None,
                "held_max": max(held_samples) if held_samples else None,
                "attacker_counts": counts,
                "rss_max_mb": round(max(rss_samples), 1) if rss_samples else None,
                "demo_cpu_share": round((cpu_after - cpu_before) / args.hold, 2)
                if cpu_before is not None and cpu_after is not None else None,
            })

            time.sleep(5)
            after_5 = rss_mb(demo.pid)
            time.sleep(25)
            after_30 = rss_mb(demo.pid)
            latencies, errors = probe(port, paths, rounds=args.baseline)
            result["after"] = {
                "rss_5s_mb": round(after_5, 1),
                "rss_30s_mb": round(after_30, 1),
            } | {names[p]: summary(latencies[p]) for p in paths}

            flood = Flood(port, args.source, args.connections)
            ramp, held = flood.wait_held(args.connections)
            seconds, code = demo.terminate_and_time()
            flood.stop()
            result["sigterm"] = {"held_when_signalled": held, "exit_after_s": seconds, "exit_code": code}
        finally:
            demo.stop()
        log = demo.log_path.read_text(errors="replace")
        result["log_warnings"] = sorted({
            re.sub(r"^\S+\s+WARN\s+", "", line)[:160]
            for line in log.splitlines() if " WARN " in line
        })[:10]
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("measure", help="start the demo and measure it under the flood")
    run.add_argument("--demo", required=True, help="the release inzant-reset-demo binary")
    run.add_argument("--connections", type=int, default=20000)
    run.add_argument("--source", default="127.0.0.2", help="the flooding client's address")
    run.add_argument("--hold", type=float, default=60, help="seconds of probing while the flood is held")
    run.add_argument("--baseline", type=int, default=300, help="probe rounds before and after")
    run.add_argument("--env", action="append", default=[], help="NAME=VALUE for the demo (repeatable)")
    run.add_argument("--json", help="also write the summary to this file")
    flood = sub.add_parser("attack", help="(internal) hold connections")
    flood.add_argument("port", type=int)
    flood.add_argument("source")
    flood.add_argument("count", type=int)
    args = parser.parse_args()
    if args.command == "attack":
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        asyncio.run(attack(args.port, args.source, args.count))
    elif args.command == "measure":
        result = measure(args)
        text = json.dumps(result, indent=2)
        print(text)
        if args.json:
            Path(args.json).write_text(text + "\n")
    else:
        parser.print_help()


if __name__ == "__main__":
    main()
