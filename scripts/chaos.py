#!/usr/bin/env python3
"""The chaos run of docs/RELIABILITY.md; started by scripts/chaos, which
provides a private PostgreSQL cluster and the release demo.

A steady mix of the flow runs throughout: workers (threads), each owning
its own load-test users, sign in as the admin, trigger a reset, read the
email from the SMTP server's maildir, open the link, check the strength,
sometimes type a wrong code or trigger again (superseding the first link)
and submit. Meanwhile, one after the other:

1. PostgreSQL stops (pg_ctl stop -m fast) for a while and starts again;
2. the SMTP server stops for 10 s, then answers DATA 1.5 s late (within the
   demo's 2 s timeout), then 3 s late (beyond it), then normally;
3. the demo is killed (SIGKILL) while requests are in flight, and started again;
4. a second demo instance joins on the same database, the workers spread
   over both, and the second is killed (SIGKILL).

For each fault: the answers during it (2xx/3xx, each 4xx, 503, any other
5xx, failed connections), the slowest answer, and the time from the end of
the fault to the next email sent. Afterwards, from the database and the
maildir: every completed request has its password saved and every saved
password a completed request; no request both completed and superseded; no
request counted past its attempt limit; every request reported "sent" has
its email in the maildir.

Standard library only; the SMTP server is Debian's aiosmtpd.
"""

import argparse
import email
import email.policy
import hashlib
import json
import os
import random
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_http import form, request  # noqa: E402

ADMIN = "admin@inzant.example"
ADMIN_PASSWORD = "Chaos-Run-Admin-Pass-42!"
SECRET = "chaos-run-secret-chaos-run-secret-0123456789"
MAX_ATTEMPTS = 5
SCRIPTS = Path(__file__).resolve().parent


def log(message):
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


# ---------------------------------------------------------------------------
# What the run holds: the demo instances, PostgreSQL, the SMTP server.

class Instance:
    """One demo process on its own port, all on the same database."""

    def __init__(self, name, binary, port, database_url, smtp_port, users, logs):
        self.name, self.binary, self.port = name, binary, port
        self.origin = f"http://127.0.0.1:{port}"
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "INZANT_LISTEN": f"127.0.0.1:{port}",
            "INZANT_PUBLIC_URL": self.origin,
            "DATABASE_URL": database_url,
            "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
            "INZANT_RESET_SECRET": SECRET,
            "INZANT_DEMO_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "INZANT_RESET_COOLDOWN": "0",
            "INZANT_DEMO_LOAD_USERS": str(users),
            "INZANT_RESET_DAILY_CAP": "100000",
            "INZANT_STRENGTH_CHECKS_PER_MINUTE": "100000",
            "INZANT_SIGN_IN_PER_ACCOUNT": "100000",
            "INZANT_SIGN_IN_PER_ADDRESS": "100000",
            "RUST_LOG": "warn",
        }
        self.log_path = Path(logs) / f"demo-{name}.log"
        self.proc = None
        self.alive = False

    def start(self, limit=120):
        with open(self.log_path, "a") as log_file:
            self.proc = subprocess.Popen([self.binary], env=self.env, stdout=subprocess.DEVNULL, stderr=log_file)
        started = time.time()
        while time.time() - started < limit:
            if self.proc.poll() is not None:
                raise SystemExit(f"demo {self.name} exited at start; see {self.log_path}")
            try:
                if request(self.port, "GET", "/login", timeout=2).status == 200:
                    self.alive = True
                    return time.time() - started
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"demo {self.name} did not start; see {self.log_path}")

    def kill(self):
        self.alive = False
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        self.alive = False
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


class Postgres:
    """The private cluster scripts/postgres.sh started (PG_BIN_DIR, PG_TEST_DIR)."""

    def __init__(self, database_url):
        self.bin = Path(os.environ["PG_BIN_DIR"])
        self.data = Path(os.environ["PG_TEST_DIR"]) / "data"
        self.url = database_url
        # The options it was started with, minus the data directory, to start it again the same way.
        words = shlex.split((self.data / "postmaster.opts").read_text())[1:]
        options, skip = [], False
        for word in words:
            if skip:
                skip = False
            elif word == "-D":
                skip = True
            else:
                options.append(word)
        self.options = " ".join(shlex.quote(word) for word in options)

    def _pg_ctl(self, *args):
        command = [str(self.bin / "pg_ctl"), "-D", str(self.data), *args]
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self):
        self._pg_ctl("-m", "fast", "-w", "stop")

    def start(self):
        self._pg_ctl("-w", "-l", str(self.data.parent / "postgres.log"), "-o", self.options, "start")

    def query(self, sql):
        """Rows of `sql` as lists of strings (psql, unaligned)."""
        out = subprocess.run(
            [str(self.bin / "psql"), self.url, "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t", "-c", sql],
            check=True, capture_output=True, text=True,
        ).stdout
        return [line.split("\t") for line in out.splitlines() if line]


class Smtp:
    """aiosmtpd on a fixed port, delivering into a maildir after `delay` s."""

    def __init__(self, port, maildir, logs):
        self.port, self.maildir = port, Path(maildir)
        for sub in ("new", "cur", "tmp"):
            (self.maildir / sub).mkdir(parents=True, exist_ok=True)
        self.log_path = Path(logs) / "smtp.log"
        self.proc = None

    def start(self, delay=0.0):
        env = dict(os.environ, PYTHONPATH=str(SCRIPTS), PYTHONDONTWRITEBYTECODE="1")
        with open(self.log_path, "a") as log_file:
            self.proc = subprocess.Popen(
                ["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
                 "-c", "chaos_smtp.SlowMailbox", str(self.maildir), str(delay)],
                env=env, stdout=log_file, stderr=log_file,
            )
        for _ in range(100):
            try:
                import socket
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"aiosmtpd did not start; see {self.log_path}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


class Maildir:
    """The emails delivered so far: recipient, link path, code, token digest."""

    LINK = re.compile(r"http://127\.0\.0\.1:\d+(/password-reset/([A-Za-z0-9_\-]{20,}))")

    def __init__(self, path):
        self.path = Path(path)
        self.seen = {}
        self.lock = threading.Lock()

    def scan(self):
        with self.lock:
            for file in list((self.path / "new").iterdir()) + list((self.path / "cur").iterdir()):
                if file.name in self.seen:
                    continue
                try:
                    message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
                    text = message.get_body(preferencelist=("plain",)).get_content()
                except (OSError, AttributeError, LookupError):
                    continue
                found = self.LINK.search(text)
                code = next((line.strip() for line in text.splitlines() if re.fullmatch(r"\s*\d{6}\s*", line)), None)
                if not found or not code:
                    self.seen[file.name] = None
                    continue
                token = found.group(2)
                self.seen[file.name] = {
                    "to": message["To"].addresses[0].addr_spec.lower(),
                    "path": found.group(1),
                    "code": code,
                    "digest": hashlib.sha256(token.encode()).hexdigest(),
                    "at": file.stat().st_mtime,
                }
            return [entry for entry in self.seen.values() if entry]

    def wait_for(self, to, used, timeout):
        """The newest email to `to` whose link is not in `used`, within `timeout` s."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            mine = [e for e in self.scan() if e["to"] == to and e["digest"] not in used]
            if mine:
                return max(mine, key=lambda e: e["at"])
            time.sleep(0.1)
        return None


# ---------------------------------------------------------------------------
# The steady load.

class Recorder:
    def __init__(self):
        self.events = []  # (time, kind, instance, outcome, seconds)
        self.lock = threading.Lock()

    def add(self, kind, instance, outcome, seconds):
        with self.lock:
            self.events.append((time.time(), kind, instance, outcome, seconds))

    def between(self, start, end):
        with self.lock:
            return [e for e in self.events if start <= e[0] < end]


class Facts:
    """What the workers know, for the checks afterwards."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent_reports = []          # request ids the admin was told were sent
        self.sent_unknown = 0           # "sent" reports whose request id could not be read
        self.passwords = {}             # token digest -> password submitted (303 seen or not)
        self.completed_digests = set()  # token digests whose submit answered 303
        self.sent_times = []            # when each "sent" report came

    def note(self, **what):
        with self.lock:
            if "sent" in what:
                self.sent_times.append(time.time())
                if what["sent"]:
                    self.sent_reports.append(what["sent"])
                else:
                    self.sent_unknown += 1
            if "submitted" in what:
                digest, password = what["submitted"]
                self.passwords[digest] = password
            if "completed" in what:
                self.completed_digests.add(what["completed"])


class Worker(threading.Thread):
    def __init__(self, index, users, cluster, recorder, facts, maildir, stop):
        super().__init__(daemon=True)
        self.index, self.users = index, users
        self.cluster, self.recorder, self.facts, self.maildir, self.stop_event = cluster, recorder, facts, maildir, stop
        self.sessions = {}
        self.used = set()
        self.turn = 0
        self.random = random.Random(index)

    def call(self, kind, instance, method, path, headers=None, body=b""):
        try:
            answer = request(instance.port, method, path, headers, body)
        except OSError:
            self.recorder.add(kind, instance.name, "conn", None)
            return None
        self.recorder.add(kind, instance.name, answer.status, answer.seconds)
        return answer

    def instance(self):
        """The next live instance, as a load balancer would pick; while none
        is live, the first (whose refused connections are counted)."""
        live = [i for i in self.cluster if i.alive] or self.cluster[:1]
        self.turn += 1
        return live[self.turn % len(live)]

    def session(self, instance):
        if instance.port not in self.sessions:
            answer = self.call("sign-in", instance, "POST", "/login",
                               {"Origin": instance.origin, "Content-Type": "application/x-www-form-urlencoded"},
                               form({"username": ADMIN, "password": ADMIN_PASSWORD}))
            if answer is None or answer.status != 303:
                return None
            cookie = next((f"{n}={v}" for n, v in answer.cookies().items() if "inzant_session" in n), None)
            self.sessions[instance.port] = cookie
        return self.sessions[instance.port]

    def trigger(self, user):
        """True when the admin was told the email was sent."""
        instance = self.instance()
        cookie = self.session(instance)
        if not cookie:
            return False
        headers = {"Origin": instance.origin, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        answer = self.call("trigger", instance, "POST", f"/admin/users/{user}/reset-password", headers,
                           form({"purpose": "reset"}))
        if answer is None:
            return False
        if answer.status == 403:  # a restarted instance forgot the session
            self.sessions.pop(instance.port, None)
            return False
        flash = answer.cookies()
        if answer.status != 303 or not flash:
            return False
        cookies = "; ".join([cookie] + [f"{n}={v}" for n, v in flash.items() if v])
        page = self.call("user page", instance, "GET", f"/admin/users/{user}", {"Cookie": cookies})
        if page is None or "was sent to" not in page.text():
            return False
        status = self.call("status", instance, "GET", f"/admin/users/{user}/reset-status", {"Cookie": cookie})
        request_id = None
        if status is not None and status.status == 200:
            latest = json.loads(status.text()).get("latest") or {}
            request_id = latest.get("request")
        self.facts.note(sent=request_id)
        return True

    def use_link(self, user, mail):
        instance = self.instance()
        self.used.add(mail["digest"])
        page = self.call("open", instance, "GET", mail["path"])
        if page is None or page.status != 200:
            return
        for typed in ("velvet", "Velvet-Harbour-9"):
            self.call("strength", instance, "POST", mail["path"] + "/strength",
                      {"Content-Type": "application/json"}, json.dumps({"password": typed}).encode())
        headers = {"Origin": instance.origin, "Content-Type": "application/x-www-form-urlencoded"}
        if self.random.random() < 0.05:
            # A guesser: eight wrong codes at once. Five are counted and the
            # request locks; the right code then fails too.
            wrong = form({"code": "000000" if mail["code"] != "000000" else "111111",
                          "new_password": "Velvet-Harbour-Lantern-42", "confirm_password": "Velvet-Harbour-Lantern-42"})
            guesses = [threading.Thread(target=self.call, args=("submit", instance, "POST", mail["path"], headers, wrong))
                       for _ in range(8)]
            for guess in guesses:
                guess.start()
            for guess in guesses:
                guess.join()
        elif self.random.random() < 0.3:
            wrong = f"{(int(mail['code']) + 1) % 1_000_000:06d}"
            self.call("submit", instance, "POST", mail["path"], headers,
                      form({"code": wrong, "new_password": "Velvet-Harbour-Lantern-42",
                            "confirm_password": "Velvet-Harbour-Lantern-42"}))
        password = f"Chaos-{self.random.getrandbits(40):010x}-Lantern!"
        self.facts.note(submitted=(mail["digest"], password))
        answer = self.call("submit", instance, "POST", mail["path"], headers,
                           form({"code": mail["code"], "new_password": password, "confirm_password": password}))
        if answer is not None and answer.status == 303:
            self.facts.note(completed=mail["digest"])

    def run(self):
        while not self.stop_event.is_set():
            user = self.users[self.turn % len(self.users)]
            address = f"{user}@inzant.example"
            try:
                if not self.trigger(user):
                    time.sleep(0.2)
                    continue
                mail = self.maildir.wait_for(address, self.used, timeout=10)
                if mail is None:
                    continue
                if self.random.random() < 0.2 and self.trigger(user):
                    # The first link is superseded: submitting on it must fail.
                    older = mail
                    mail = self.maildir.wait_for(address, self.used | {older["digest"]}, timeout=10)
                    self.use_link(user, older)
                    if mail is None:
                        continue
                self.use_link(user, mail)
            except Exception as error:  # a driver bug must not stop the run silently
                self.recorder.add("driver error", "-", repr(error)[:80], None)
                time.sleep(0.2)


# ---------------------------------------------------------------------------
# Faults, figures and checks.

def slowest_by_kind(events):
    """The slowest answer of each kind of request, in seconds."""
    slowest = {}
    for _, kind, _, outcome, seconds in events:
        if seconds:
            key = f"{kind} ({outcome})"
            slowest[key] = max(slowest.get(key, 0.0), round(seconds, 2))
    return dict(sorted(slowest.items(), key=lambda item: -item[1])[:4])


def classify(events):
    counts = Counter()
    slowest = 0.0
    for _, _, _, outcome, seconds in events:
        if outcome == "conn":
            counts["connection failed"] += 1
        elif isinstance(outcome, int) and outcome < 400:
            counts["2xx/3xx"] += 1
        elif outcome == 503:
            counts["503"] += 1
        elif isinstance(outcome, int) and outcome < 500:
            counts[str(outcome)] += 1
        elif isinstance(outcome, int):
            counts[f"OTHER 5xx ({outcome})"] += 1
        else:
            counts[f"driver: {outcome}"] += 1
        if seconds:
            slowest = max(slowest, seconds)
    return dict(counts), round(slowest, 2)


def recovery(facts, since, limit=120):
    """Seconds from `since` to the next email the admin was told was sent, or None."""
    deadline = time.time() + limit
    while time.time() < deadline:
        with facts.lock:
            later = [at for at in facts.sent_times if at >= since]
        if later:
            return round(min(later) - since, 2)
        time.sleep(0.1)
    return None


def check(pg, facts, maildir, instance, schema, users_schema):
    results = {}
    requests = f'"{schema}".reset_requests'
    audit = f'"{schema}".audit_events'
    users = f'"{users_schema}".users'

    with_hash = {r[0] for r in pg.query(f"SELECT id FROM {users} WHERE id LIKE 'load-%' AND password_hash IS NOT NULL")}
    with_completed = {r[0] for r in pg.query(f"SELECT DISTINCT user_id FROM {requests} WHERE state = 'completed'")}
    results["passwords saved exactly for users with a completed request"] = {
        "ok": with_hash == with_completed,
        "users with a saved password": len(with_hash),
        "users with a completed request": len(with_completed),
        "saved without a completion": sorted(with_hash - with_completed)[:5],
        "completed without a saved password": sorted(with_completed - with_hash)[:5],
    }

    # The saved password is the one sent with the user's last completed request: the apps' sign-in says.
    latest = pg.query(
        f"SELECT DISTINCT ON (user_id) user_id, encode(token_digest, 'hex') FROM {requests} "
        f"WHERE state = 'completed' ORDER BY user_id, finished_at DESC")
    wrong, unknown = [], 0
    for user, digest in latest:
        password = facts.passwords.get(digest)
        if password is None:
            unknown += 1
            continue
        answer = request(instance.port, "POST", "/api/app/sign-in", {"Content-Type": "application/json"},
                         json.dumps({"username": f"{user}@inzant.example", "password": password}).encode())
        if answer.status != 200:
            wrong.append((user, answer.status))
    results["the saved password is the last completed request's"] = {
        "ok": not wrong and unknown == 0, "checked": len(latest) - unknown, "wrong": wrong[:5],
        "not known to the driver": unknown,
    }

    # The driver's 303s are completions in the database, and vice versa for the links it used.
    completed_digests = {r[0] for r in pg.query(f"SELECT encode(token_digest, 'hex') FROM {requests} WHERE state = 'completed'")}
    answered_not_completed = facts.completed_digests - completed_digests
    results["every 303 on a submit is a completed request"] = {
        "ok": not answered_not_completed, "303s": len(facts.completed_digests),
        "not completed": len(answered_not_completed),
        "completed whose 303 was lost (killed mid-request)": len(completed_digests - facts.completed_digests),
    }

    # A superseded request never completed (its audit has no completion);
    # the `superseded` audit event itself is recorded on the newer request.
    both = pg.query(
        f"SELECT r.id FROM {requests} r JOIN {audit} a ON a.request_id = r.id "
        f"WHERE r.state = 'superseded' AND a.kind = 'completed'")
    live_twice = pg.query(
        f"SELECT user_id FROM {requests} WHERE state = 'issued' AND expires_at > now() "
        f"GROUP BY user_id HAVING count(*) > 1")
    completions = pg.query(
        f"SELECT r.id FROM {requests} r LEFT JOIN {audit} a ON a.request_id = r.id AND a.kind = 'completed' "
        f"GROUP BY r.id, r.state HAVING (r.state = 'completed') <> (count(a.id) = 1)")
    superseded = pg.query(f"SELECT count(*) FROM {requests} WHERE state = 'superseded'")[0][0]
    results["no request both completed and superseded"] = {
        "ok": not both and not live_twice,
        "superseded yet completed": len(both), "users with two live requests": len(live_twice),
        "superseded requests": int(superseded),
        # Informational: audit writes are best effort, so an outage can lose one.
        "completed requests whose audit disagrees": len(completions),
    }

    over = pg.query(f"SELECT id, attempts FROM {requests} WHERE attempts > {MAX_ATTEMPTS}")
    locked = pg.query(f"SELECT count(*) FROM {requests} WHERE state = 'locked'")[0][0]
    most = pg.query(f"SELECT coalesce(max(attempts), 0) FROM {requests}")[0][0]
    results["no request counted past its attempt limit"] = {
        "ok": not over, "over the limit": len(over), "most attempts": int(most), "locked": int(locked),
    }

    mailed = {e["digest"] for e in maildir.scan()}
    digests = dict(pg.query(f"SELECT id::text, encode(token_digest, 'hex') FROM {requests}"))
    missing = [r for r in facts.sent_reports if digests.get(r) not in mailed]
    issued_unmailed = pg.query(
        f"SELECT encode(token_digest, 'hex') FROM {requests} WHERE state NOT IN ('revoked')")
    unmailed = [d for (d,) in issued_unmailed if d not in mailed]
    results["every request reported sent has its email"] = {
        "ok": not missing, "reported sent": len(facts.sent_reports), "missing": len(missing),
        "reported sent, id unread": facts.sent_unknown,
        "unrevoked requests without an email (killed between saving and sending)": len(unmailed),
        "emails delivered": len(mailed),
    }
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--work", required=True, help="a directory for the maildir and logs")
    parser.add_argument("--users", type=int, default=120)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--steady", type=float, default=15, help="seconds of steady load between faults")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    ports = iter(free_ports(3))
    smtp = Smtp(next(ports), work / "mail", work)
    smtp.start()
    pg = Postgres(args.database_url)
    first = Instance("A", args.demo, next(ports), args.database_url, smtp.port, args.users, work)
    second = Instance("B", args.demo, next(ports), args.database_url, smtp.port, args.users, work)
    cluster = [first, second]
    log(f"starting demo A on {first.port} (SMTP {smtp.port})")
    first.start()

    recorder, facts, maildir, stop = Recorder(), Facts(), Maildir(smtp.maildir), threading.Event()
    users = [f"load-{n:05d}" for n in range(1, args.users + 1)]
    workers = [Worker(i, users[i::args.workers], cluster, recorder, facts, maildir, stop) for i in range(args.workers)]
    for worker in workers:
        worker.start()
    figures = {"settings": {"users": args.users, "workers": args.workers, "steady_s": args.steady}, "faults": []}

    def fault(name, action, recover_from_start=False):
        """Runs `action` (which returns when the fault ended), then the steady load."""
        log(f"fault: {name}")
        started = time.time()
        ended = action()
        during, slowest = classify(recorder.between(started, ended))
        recovered = recovery(facts, started if recover_from_start else ended)
        figures["faults"].append({"fault": name, "seconds": round(ended - started, 1), "answers during": during,
                                  "slowest answer s": slowest,
                                  "slowest by kind": slowest_by_kind(recorder.between(started, ended)),
                                  "recovered after s": recovered})
        log(f"  during: {during}; slowest {slowest} s; recovered after {recovered} s")
        time.sleep(args.steady)

    time.sleep(args.steady)
    figures["before faults"] = classify(recorder.between(0, time.time()))[0]

    def postgres_down():
        pg.stop()
        time.sleep(10)
        pg.start()
        return time.time()
    fault("PostgreSQL stopped for 10 s, then started", postgres_down)

    def smtp_trouble():
        smtp.stop()
        time.sleep(10)
        for delay in (1.5, 3.0):
            smtp.start(delay=delay)
            time.sleep(10)
            smtp.stop()
        smtp.start()
        return time.time()
    fault("SMTP stopped 10 s, then 1.5 s late 10 s, then 3 s late 10 s", smtp_trouble)

    def kill_and_restart():
        first.kill()
        time.sleep(1)
        ended = time.time()
        seconds = first.start()
        log(f"  demo A answered {seconds:.1f} s after it was started again")
        return ended
    fault("demo killed (SIGKILL) mid-burst, started again 1 s later", kill_and_restart)

    log("starting demo B on the same database")
    second.start()
    joined = time.time()
    time.sleep(args.steady)
    figures["two instances"] = {
        "answers": classify(recorder.between(joined, time.time()))[0],
        "requests per instance": dict(Counter(e[2] for e in recorder.between(joined, time.time()))),
    }

    def kill_second():
        second.kill()
        time.sleep(5)
        return time.time()
    fault("second instance killed (SIGKILL); 5 s after", kill_second, recover_from_start=True)

    stop.set()
    for worker in workers:
        worker.join(60)
    log("load stopped; letting late emails arrive")
    time.sleep(5)
    figures["whole run"] = classify(recorder.events)[0]
    figures["slowest answers, whole run"] = slowest_by_kind(recorder.events)
    # Every request, for a closer look: time, kind, instance, status (or "conn"), seconds.
    (work / "requests.json").write_text(json.dumps(recorder.events))
    figures["requests"] = len(recorder.events)
    figures["checks"] = check(pg, facts, maildir, first, "inzant_reset", "inzant_demo")
    first.stop()
    smtp.stop()
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n")
    failed = [name for name, result in figures["checks"].items() if not result["ok"]]
    other_5xx = [k for k in figures["whole run"] if k.startswith("OTHER 5xx") or k.startswith("driver")]
    if failed or other_5xx:
        log(f"FAILED: {failed + other_5xx}")
        sys.exit(1)
    log("all checks passed")


def free_ports(count):
    import socket
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


if __name__ == "__main__":
    main()
