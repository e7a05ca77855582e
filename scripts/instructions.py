#!/usr/bin/env python3
"""Instructions per redeem, counted by callgrind: the figure of
docs/PERFORMANCE.md ("Instructions per redeem"). Started by
scripts/instructions, which builds the release demo.

It starts the demo under valgrind's callgrind with instrumentation off (so
start-up, sign-in and the emails run at near full speed), signs in as the
admin, sends N load-test users a reset email, reads the links and codes
from the .eml files, opens every link and rates one password (zxcvbn
builds its dictionaries on first use). Then it turns instrumentation on,
submits all N at once (the right code and a new password, each answered
303), dumps the counts and stops the demo.

From that one dump: every instruction the demo executed during the
submits, on every thread, ÷ the instructions inside Argon2id
(`hash_password_into_with_memory`, inclusive) = instructions per redeem ÷
one hash. Counts of instructions, unlike time, do not move with other work
on the machine, so one run is enough.

Standard library only.
"""

import argparse
import email
import email.policy
import os
import re
import shutil
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
ADMIN_PASSWORD = "Instructions-Admin-Pass-42!"
LINK = re.compile(r"http://127\.0\.0\.1:\d+(/password-reset/[A-Za-z0-9_\-]{20,})")
HASH_FUNCTION = "hash_password_into_with_memory"


def log(message):
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port, demo, limit=300):
    deadline = time.time() + limit
    while time.time() < deadline:
        if demo.poll() is not None:
            sys.exit(f"instructions: the demo exited ({demo.returncode}) before answering")
        try:
            if request(port, "GET", "/login", timeout=5).status == 200:
                return
        except OSError:
            time.sleep(0.5)
    sys.exit("instructions: the demo did not answer within 300 s")


def emails(mail_dir):
    """user -> (link path, code) of every reset email written so far."""
    found = {}
    for file in Path(mail_dir).rglob("*.eml"):
        message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",)).get_content()
        link = LINK.search(text)
        code = next((line.strip() for line in text.splitlines() if re.fullmatch(r"\s*\d{6}\s*", line)), None)
        if link and code:
            found[message["To"].addresses[0].addr_spec.lower()] = (link.group(1), code)
    return found


def totals(dump):
    """The instructions a callgrind dump counted, every thread together."""
    for line in Path(dump).read_text().splitlines():
        if line.startswith(("totals:", "summary:")):
            return int(line.split()[1])
    sys.exit(f"instructions: no totals in {dump}")


def inclusive(dump, function):
    """The instructions spent inside `function` and what it called."""
    annotated = subprocess.run(
        ["callgrind_annotate", "--inclusive=yes", "--threshold=100", dump],
        check=True, capture_output=True, text=True,
    ).stdout
    costs = [int(line.split()[0].replace(",", "")) for line in annotated.splitlines()
             if function in line and line.strip()[:1].isdigit()]
    if not costs:
        sys.exit(f"instructions: {function} is not in the dump")
    return max(costs)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", required=True, help="the release demo binary")
    parser.add_argument("--users", type=int, default=20, help="resets submitted at once (default 20)")
    parser.add_argument("--postgres", action="store_true", help="the demo on DATABASE_URL, not in memory")
    parser.add_argument("--keep", action="store_true", help="keep the dump (and the demo's log and emails)")
    args = parser.parse_args()
    if args.postgres and not os.environ.get("DATABASE_URL"):
        sys.exit("instructions: --postgres needs DATABASE_URL")

    work = Path(tempfile.mkdtemp(prefix="inzant-instructions-"))
    port = free_port()
    env = dict(os.environ)
    env.update({
        "INZANT_LISTEN": f"127.0.0.1:{port}",
        "INZANT_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "INZANT_MAIL_DIR": str(work / "mail"),
        "INZANT_RESET_COOLDOWN": "0",
        "INZANT_DEMO_LOAD_USERS": str(args.users),
        "INZANT_DEMO_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "INZANT_RESET_SECRET": os.urandom(32).hex(),
        "INZANT_REQUEST_TIMEOUT": "3600",
        "INZANT_DB_ACQUIRE_TIMEOUT": "60",
        "RUST_LOG": "warn",
    })
    env.pop("SMTP_URL", None)
    if not args.postgres:
        env.pop("DATABASE_URL", None)
    out = work / "callgrind.out"
    demo = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}", args.demo],
        env=env, stdout=(work / "demo.log").open("w"), stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(port, demo)
        origin = f"http://127.0.0.1:{port}"
        signed_in = request(port, "POST", "/login",
                            {"Origin": origin, "Content-Type": "application/x-www-form-urlencoded"},
                            form({"username": ADMIN, "password": ADMIN_PASSWORD}), timeout=300)
        cookie = next((f"{n}={v}" for n, v in signed_in.cookies().items() if "inzant_session" in n), None)
        if signed_in.status != 303 or not cookie:
            sys.exit(f"instructions: the admin could not sign in ({signed_in.status})")
        users = [f"load-{n:05d}" for n in range(1, args.users + 1)]
        for user in users:
            sent = request(port, "POST", f"/admin/users/{user}/reset-password",
                           {"Origin": origin, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
                           form({"purpose": "reset"}), timeout=300)
            if sent.status != 303:
                sys.exit(f"instructions: the email to {user} was not sent ({sent.status})")
        links = emails(work / "mail")
        if len(links) != len(users):
            sys.exit(f"instructions: {len(links)} emails for {len(users)} users")
        for path, _ in links.values():
            if request(port, "GET", path, timeout=300).status != 200:
                sys.exit("instructions: a link did not open")
        # One strength check first: zxcvbn builds its dictionaries once, on
        # first use (80 million instructions), which is no redeem's cost.
        path = next(iter(links.values()))[0]
        rated = request(port, "POST", path + "/strength", {"Content-Type": "application/json"},
                        b'{"password": "Velvet-Harbour-9"}', timeout=300)
        if rated.status != 200:
            sys.exit(f"instructions: the strength check answered {rated.status}")
        log(f"{len(links)} links opened; instrumentation on, {len(links)} submits at once")

        subprocess.run(["callgrind_control", "--instr=on", str(demo.pid)], check=True, capture_output=True)
        answers = []

        def submit(path, code, index):
            password = f"Instructions-{index:04d}-Velvet-Lantern!"
            answers.append(request(port, "POST", path, {"Origin": origin,
                                   "Content-Type": "application/x-www-form-urlencoded"},
                                   form({"code": code, "new_password": password, "confirm_password": password}),
                                   timeout=3600).status)

        threads = [threading.Thread(target=submit, args=(path, code, i))
                   for i, (path, code) in enumerate(links.values())]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        subprocess.run(["callgrind_control", "--dump", str(demo.pid)], check=True, capture_output=True)
        if answers.count(303) != len(links):
            sys.exit(f"instructions: submits answered {sorted(answers)}, not all 303")
    finally:
        demo.terminate()
        try:
            demo.wait(timeout=120)
        except subprocess.TimeoutExpired:
            demo.kill()
    dumps = sorted(work.glob("callgrind.out*"), key=lambda p: p.stat().st_mtime)
    dump = next((str(p) for p in dumps if p.name != "callgrind.out"), None) or str(dumps[0])
    total, hashing = totals(dump), inclusive(dump, HASH_FUNCTION)
    n = len(links)
    store = "PostgreSQL" if args.postgres else "memory"
    print(f"store: {store}; {n} redeems")
    print(f"instructions during the submits: {total:,} = {total / n:,.0f} per redeem")
    print(f"inside Argon2id: {hashing:,} = {hashing / n:,.0f} per hash")
    print(f"instructions per redeem ÷ one hash: {total / hashing:.3f} (target ≤ 1.05)")
    if args.keep:
        print(f"the dump: {dump} (callgrind_annotate --inclusive=yes {dump})")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
