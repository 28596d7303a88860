"""Load benchmark of ``meum-doctor serve``: many clients diagnosing through the JSON API.

Run from the repository root, with the project and its [web] extra installed:

    python bench/web_load.py            # 20 s a phase (about 1.5 minutes)
    python bench/web_load.py --quick    # 3 s a phase: what ``bench/run.py --quick`` (CI) runs

Everything is on loopback and in separate processes, so the clients, the server and the
Meum API do not share a GIL: the project's example API (with a fixed latency, as Meum's own
would have) and ``meum-doctor serve --rate-limit 0 --max-concurrent 64`` pointed at it. Then
10 and then 50 concurrent clients post ``POST /api/v1/diagnose`` with the example API's key,
each for the phase's length; a last phase runs 50 clients against a second server started
with ``--max-concurrent 8``, to see the overload answer (503 with Retry-After, never
anything else). The clients do not back off on a 503: the worst case, a flood, which also
shows that refusing costs the server little. Reported: requests per second, p50/p95/p99
latency beside a single request's, errors by status, and the server's memory (peak, and its
resident size sampled through the run: a leak shows as growth from the first quarter to the
last).

Like bench/run.py it prints a table and exits 0 whatever the numbers (timings on a shared
machine are noisy; every target stands beside its measurement); it exits 1 only when a
process could not start at all. Standard library only on the client side (http.client in
threads: light enough that 50 of them do not measure themselves).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PYTHON = sys.executable
BIN = Path(sys.executable).parent
TOOL = str(BIN / "meum-doctor") if (BIN / "meum-doctor").exists() else None
NOW = "2026-11-28T12:00:00Z"
#: The example API's answer time: a real Meum answers in about this much.
API_LATENCY = 0.1
#: (name, measured, target, ok) as bench/run.py's rows; ok None = for information.
Result = tuple[str, str, str, bool | None]

#: The example API in a process of its own; prints its base URL, serves until stdin closes.
EXAMPLE_API = """
import sys
from meum_doctor.demo import DEMO_KEY, example_body
from meum_doctor.exampleapi import ExampleApi
with ExampleApi({DEMO_KEY: example_body("degraded")}, delay=float(sys.argv[1])) as api:
    print(api.base_url, flush=True)
    sys.stdin.read()
"""


class NotStarted(Exception):
    """A process the benchmark needs could not be started."""


def tool(*args: str) -> list[str]:
    return [TOOL, *args] if TOOL else [PYTHON, "-m", "meum_doctor", *args]


def quiet_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in [n for n in env if n.startswith(("MEUM_DOCTOR_SERVE_", "MEUM_DOCTOR_CONFIG"))]:
        env.pop(name)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def example_api(latency: float) -> Iterator[str]:
    process = subprocess.Popen(
        [PYTHON, "-c", EXAMPLE_API, str(latency)], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True, env=quiet_env(),
        # Not the checkout: `python -c` puts the working folder first on sys.path, and the
        # repository's meum_doctor/ (without its rules/ and examples/) would shadow the
        # installed package.
        cwd=tempfile.gettempdir(),
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http://"):
            raise NotStarted(f"the example API did not start (exit {process.poll()})")
        yield url
    finally:
        if process.stdin:
            process.stdin.close()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def serving(api_url: str, max_concurrent: int, work: Path) -> Iterator[tuple[int, int]]:
    """``meum-doctor serve`` as a subprocess: yields (its pid, its port) once /healthz answers."""
    log = work / f"serve-{max_concurrent}.log"
    for _attempt in range(3):  # a free port can be taken between the probe and the bind
        port = free_port()
        command = tool("serve", "--port", str(port), "--rate-limit", "0",
                       "--max-concurrent", str(max_concurrent), "--base-url", api_url)
        with log.open("wb") as sink:
            process = subprocess.Popen(command, stdout=sink, stderr=sink, env=quiet_env(),
                                       cwd=str(work))
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            if healthy(port):
                break
            time.sleep(0.05)
        if process.poll() is None and healthy(port):
            break
        stop(process)
    else:
        tail = log.read_text("utf-8", "replace").strip().splitlines()[-3:]
        raise NotStarted("meum-doctor serve did not start: " + " | ".join(tail))
    try:
        yield process.pid, port
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def healthy(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


def memory_kib(pid: int, field_name: str) -> int:
    """VmRSS (now) or VmHWM (peak) of a process, in KiB (Linux); 0 where unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


@dataclass
class Phase:
    """What the clients of one phase saw."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # of the 200 answers
    statuses: Counter[str] = field(default_factory=Counter)
    #: Non-200 answers without a Retry-After header (503s must carry one).
    without_retry_after: int = 0

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    @property
    def errors(self) -> Counter[str]:
        return Counter({k: v for k, v in self.statuses.items() if k != "200"})

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def request_body() -> bytes:
    from meum_doctor.demo import DEMO_KEY

    return json.dumps({"api_key": DEMO_KEY, "now": NOW}).encode()


def post(connection: http.client.HTTPConnection, body: bytes) -> tuple[int, bool, float]:
    """One diagnosis: (status, whether Retry-After came, seconds)."""
    started = time.perf_counter()
    connection.request("POST", "/api/v1/diagnose", body,
                       {"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    return response.status, response.getheader("Retry-After") is not None, (
        time.perf_counter() - started)


def load(port: int, clients: int, seconds: float, body: bytes) -> Phase:
    """``clients`` threads, each posting diagnoses back to back for ``seconds``."""
    phase = Phase()
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline = 0.0

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start.wait()
        while time.perf_counter() < deadline:
            try:
                status, retry_after, took = post(connection, body)
            except (OSError, http.client.HTTPException) as exc:
                connection.close()  # reconnects on the next request
                with lock:
                    phase.statuses[type(exc).__name__] += 1
                continue
            with lock:
                phase.statuses[str(status)] += 1
                if status == 200:
                    phase.latencies.append(took)
                elif not retry_after:
                    phase.without_retry_after += 1
        connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    deadline = started + seconds
    start.wait()
    for thread in threads:
        thread.join()
    phase.seconds = time.perf_counter() - started
    return phase


def single_latency(port: int, body: bytes, count: int) -> float:
    """The median of ``count`` diagnoses one after another, after a warm-up."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(3):
        post(connection, body)
    times = []
    for _ in range(count):
        status, _, took = post(connection, body)
        if status != 200:
            raise NotStarted(f"a single diagnosis answered {status}, not 200")
        times.append(took)
    connection.close()
    return statistics.median(times)


class Sampler:
    """The server's resident memory, sampled from /proc in a thread while the load runs."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        self.pid, self.every = pid, every
        self.samples: list[int] = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._done.wait(self.every):
            self.samples.append(memory_kib(self.pid, "VmRSS"))

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()


def describe_errors(phase: Phase) -> str:
    errors = phase.errors
    if not errors:
        return "none"
    return ", ".join(f"{count} x {status}" for status, count in sorted(errors.items()))


def phase_rows(label: str, phase: Phase, single: float) -> list[Result]:
    rate = phase.total / phase.seconds if phase.seconds else 0.0
    done = len(phase.latencies) / phase.seconds if phase.seconds else 0.0
    p50, p95, p99 = (phase.percentile(s) for s in (0.50, 0.95, 0.99))
    return [
        (f"serve, {label}: throughput", f"{done:.0f} diagnoses/s ({rate:.0f} answers/s, "
         f"{phase.total} in {phase.seconds:.1f} s)", "info", None),
        (f"serve, {label}: latency of 200s",
         f"p50 {p50 * 1000:.0f} / p95 {p95 * 1000:.0f} / p99 {p99 * 1000:.0f} ms = "
         f"{p50 / single:.1f}x / {p95 / single:.1f}x / {p99 / single:.1f}x single", "info", None),
    ]


def measure(seconds: float, work: Path) -> list[Result]:
    """The whole benchmark; raises NotStarted when a process could not start."""
    body = request_body()
    results: list[Result] = []
    warm_up = min(1.0, seconds / 3)
    with example_api(API_LATENCY) as api_url:
        with serving(api_url, 64, work) as (pid, port):
            single = single_latency(port, body, 10 if seconds < 10 else 30)
            results.append(("serve, one diagnosis at a time",
                            f"{single * 1000:.0f} ms (example API {API_LATENCY * 1000:.0f} ms)",
                            "info", None))
            # Warm up at the highest concurrency first: memory that 50 diagnoses in flight
            # need once is not a leak, and would otherwise read as growth over the run.
            load(port, 50, warm_up, body)
            with Sampler(pid) as sampler:
                ten = load(port, 10, seconds, body)
                fifty = load(port, 50, seconds, body)
            peak = memory_kib(pid, "VmHWM")
        p95_ratio = ten.percentile(0.95) / single
        results += phase_rows("10 clients", ten, single)
        results.append(("serve, 10 clients: errors", describe_errors(ten), "none",
                        not ten.errors))
        results.append(("serve, 10 clients: p95 latency", f"{p95_ratio:.2f}x single",
                        "<= 3x", p95_ratio <= 3))
        results += phase_rows("50 clients, --max-concurrent 64", fifty, single)
        results.append(overload_row("serve, 50 clients, --max-concurrent 64: errors", fifty))
        with serving(api_url, 8, work) as (_, port):
            load(port, 8, warm_up / 2, body)
            busy = load(port, 50, seconds, body)
        results += phase_rows("50 clients, --max-concurrent 8", busy, single)
        results.append(overload_row("serve, 50 clients, --max-concurrent 8: errors", busy))
    samples = [s for s in sampler.samples if s]
    quarter = max(1, len(samples) // 4)
    if samples:
        first = statistics.mean(samples[:quarter]) / 1024
        last = statistics.mean(samples[-quarter:]) / 1024
        growth = last / first
        results.append(("serve, memory over the 10 + 50 client phases",
                         f"last quarter {last:.1f} MiB = {growth:.2f}x of first {first:.1f}",
                         "<= 1.2x", growth <= 1.2))
    results.append(("serve, peak memory (VmHWM)",
                    f"{peak / 1024:.1f} MiB" if peak else "unknown (no /proc)", "info", None))
    return results


def overload_row(name: str, phase: Phase) -> Result:
    """At 50 clients the only answers allowed are 200, and 503 with Retry-After."""
    wrong = sum(count for status, count in phase.errors.items() if status != "503")
    ok = wrong == 0 and phase.without_retry_after == 0
    detail = describe_errors(phase)
    if phase.without_retry_after:
        detail += f"; {phase.without_retry_after} without Retry-After"
    return (name, detail, "only 503", ok)


def print_table(results: Sequence[Result]) -> None:
    width = max(len(r[0]) for r in results)
    value_width = max(len(r[1]) for r in results)
    print(f"{'case':<{width}}  {'measured':<{value_width}}  target   verdict")
    print("-" * (width + value_width + 24))
    for name, value, target, ok in results:
        verdict = "" if ok is None else ("ok" if ok else "MISSED")
        print(f"{name:<{width}}  {value:<{value_width}}  {target:<8} {verdict}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 s a phase (CI)")
    parser.add_argument("--seconds", type=float, help="length of each phase (default 20)")
    options = parser.parse_args(argv)
    seconds = options.seconds or (3.0 if options.quick else 20.0)
    with tempfile.TemporaryDirectory(prefix="meum-web-load-") as folder:
        try:
            results = measure(seconds, Path(folder))
        except NotStarted as exc:
            print(f"web_load: {exc}", file=sys.stderr)
            return 1
    print(f"meum-doctor serve under load on {os.cpu_count()} cores, {seconds:g} s a phase")
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
