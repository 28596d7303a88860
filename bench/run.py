"""meum-doctor's benchmark: start-up against the Python floor, the rule engine, batch mode,
and ``meum-doctor serve`` under load (bench/web_load.py).

Run from the repository root, with the project installed (see README.md):

    python bench/run.py            # the full run (a few minutes)
    python bench/run.py --quick    # few repeats (about 30 s): what CI runs so it cannot rot

It prints a table and exits 0: timing is not a test (timings on a shared machine are
noisy), but every target is shown beside its measurement. Start-up cases are timed as
ratios against a Python "floor" measured in the same run, in alternation (floor, case,
floor, case, ...), so that the machine's mood affects both alike; each is the median of
--repeat runs. Standard library and the project's own dependencies only.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

PYTHON = sys.executable
BIN = Path(sys.executable).parent
TOOL = str(BIN / "meum-doctor") if (BIN / "meum-doctor").exists() else None
NOW = "2026-11-28T12:00:00Z"


@dataclass
class Row:
    name: str
    value: str
    target: str
    ok: bool | None


def tool(*args: str) -> list[str]:
    return [TOOL, *args] if TOOL else [PYTHON, "-m", "meum_doctor", *args]


def quiet_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("MEUM_DOCTOR_CONFIG", None)
    env.update(extra or {})
    return env


def wall(command: Sequence[str], env: dict[str, str], cwd: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - started


def alternate(
    case: Sequence[str], floor: Sequence[str], repeat: int, env: dict[str, str], cwd: str
) -> tuple[float, float]:
    """Medians of ``case`` and ``floor``, timed in alternation after one warm-up each."""
    wall(case, env, cwd)
    wall(floor, env, cwd)
    cases, floors = [], []
    for _ in range(repeat):
        floors.append(wall(floor, env, cwd))
        cases.append(wall(case, env, cwd))
    return statistics.median(cases), statistics.median(floors)


def peak_rss_mib(command: Sequence[str], env: dict[str, str], cwd: str) -> tuple[float, float]:
    """(wall seconds, peak resident memory in MiB) of one run of ``command``."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, _, usage = os.wait4(process.pid, 0)
    process.returncode = 0  # reaped by wait4
    return time.perf_counter() - started, usage.ru_maxrss / 1024  # Linux: KiB


def compile_package() -> None:
    """Make sure the bytecode is there: with PYTHONDONTWRITEBYTECODE set (as on some
    machines) an editable install would otherwise recompile changed modules on every run."""
    import importlib

    # rules/ and causes/ live beside meum_doctor/ in the checkout (package-dir mapping).
    for name in ("meum_doctor", "meum_doctor.rules", "meum_doctor.causes"):
        module = importlib.import_module(name)
        folder = os.path.dirname(module.__file__ or "")
        compileall.compile_dir(folder, quiet=1, force=False)


def status_files(folder: Path, count: int) -> None:
    """``count`` status files, cycling through the bundled examples with varied times."""
    from meum_doctor.demo import EXAMPLES, SITE_EXAMPLES, example_body

    bodies = [example_body(n) for n in EXAMPLES if n not in SITE_EXAMPLES]  # statuses, once each
    for index in range(count):
        data = json.loads(bodies[index % len(bodies)])
        data["integration_public_id"] = f"int_{index:020d}"
        (folder / f"store-{index:05d}.json").write_text(json.dumps(data))


def bench_startup(rows: list[Row], repeat: int, work: Path) -> None:
    env = quiet_env()
    cwd = str(work)
    from meum_doctor.data import package_file
    from meum_doctor.demo import DEMO_KEY, example_body
    from meum_doctor.exampleapi import ExampleApi

    example = package_file("meum_doctor.examples", "degraded.json")
    cases: list[tuple[str, list[str], list[str], float, dict[str, str]]] = [
        ("meum-doctor --version", tool("--version"), [PYTHON, "-c", "import click"], 1.3, env),
        (
            "check --input FILE -f html -o out.html",
            tool(
                "check",
                "--input",
                example,
                "-f",
                "html",
                "-o",
                str(work / "out.html"),
                "--now",
                NOW,
            ),
            [PYTHON, "-c", "import click, jinja2, packaging.version"],
            1.5,
            env,
        ),
        (
            # Both sources, as a support engineer runs it on a ticket: the same floor.
            "check --input status --site-report report.txt -f html",
            tool(
                "check",
                "--input",
                example,
                "--site-report",
                package_file("meum_doctor.examples", "site-reports/degraded-site.txt"),
                "-f",
                "html",
                "-o",
                str(work / "out-site.html"),
                "--now",
                NOW,
                "--fail-on",
                "never",
            ),
            [PYTHON, "-c", "import click, jinja2, packaging.version"],
            1.5,
            env,
        ),
    ]
    for name, case, floor, target, case_env in cases:
        median, floor_median = alternate(case, floor, repeat, case_env, cwd)
        ratio = median / floor_median
        rows.append(
            Row(
                name,
                f"{median * 1000:.0f} ms vs floor {floor_median * 1000:.0f} ms = {ratio:.2f}x",
                f"<= {target}x",
                ratio <= target,
            )
        )
    with ExampleApi({DEMO_KEY: example_body("degraded")}) as api:
        live_env = quiet_env({"MEUM_API_KEY": DEMO_KEY})
        case = tool("check", "--base-url", api.base_url, "--now", NOW)
        floor = [PYTHON, "-c", "import click, httpx, jinja2, packaging.version; httpx.Client()"]
        median, floor_median = alternate(case, floor, repeat, live_env, cwd)
        ratio = median / floor_median
        rows.append(
            Row(
                "live check against the example API",
                f"{median * 1000:.0f} ms vs floor {floor_median * 1000:.0f} ms = {ratio:.2f}x",
                "<= 1.3x",
                ratio <= 1.3,
            )
        )
    bench_release_cache_hit(rows, repeat, work, example)
    demo = statistics.median(wall(tool("check", "--demo"), env, cwd) for _ in range(repeat))
    rows.append(Row("check --demo (starts its own API)", f"{demo * 1000:.0f} ms", "info", None))


def bench_release_cache_hit(rows: list[Row], repeat: int, work: Path, example: str) -> None:
    """What release data costs a run on a saved status when the cache has it: the same
    command with and without --live-release-data, against a fresh cache entry (no request)."""
    from datetime import UTC, datetime

    from meum_doctor.releasedata import envelope

    cache_home = work / "release-cache"
    env = quiet_env({"XDG_CACHE_HOME": str(cache_home)})
    for name in ("MEUM_DOCTOR_NO_CACHE", "MEUM_DOCTOR_OFFLINE", "MEUM_DOCTOR_RELEASE_DATA_URL"):
        env.pop(name, None)
    os.environ["XDG_CACHE_HOME"] = str(cache_home)  # write_cache reads it from here
    try:
        from meum_doctor.sources import release_data

        url = release_data.DEFAULT_URL
        release_data.write_cache(url, envelope(url, datetime.now(UTC), {
            "stable_check": {"7.1": "latest", "7.0": "outdated", "6.9": "outdated"},
            "version_check": {"offers": [{"response": "upgrade", "version": "7.1",
                                          "php_version": "7.4.0"}]},
            "woocommerce": {"slug": "woocommerce", "version": "11.1.2", "requires": "7.0",
                            "requires_php": "7.4"},
        }))
    finally:
        os.environ.pop("XDG_CACHE_HOME", None)
    base = tool("check", "--input", example, "--now", NOW, "-f", "json")
    with_data = [*base, "--live-release-data"]
    median, base_median = alternate(with_data, base, repeat, env, str(work))
    added = (median - base_median) * 1000
    rows.append(
        Row(
            "check --input --live-release-data, cache hit (added)",
            f"{added:+.1f} ms ({median * 1000:.0f} vs {base_median * 1000:.0f} ms)",
            "< 5 ms",
            added < 5,
        )
    )


def bench_engine(rows: list[Row], seconds: float) -> None:
    from meum_doctor.config import config_from_mapping, rule_settings
    from meum_doctor.demo import EXAMPLES, SITE_EXAMPLES, example_body
    from meum_doctor.engine import discover, evaluate
    from meum_doctor.reasoning import diagnose, discover_causes, facts_of
    from meum_doctor.status import parse

    config = config_from_mapping({})
    rules = discover()
    causes = discover_causes((), rules)
    settings = rule_settings(config, rules)
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    bodies = [example_body(n) for n in EXAMPLES if n not in SITE_EXAMPLES]  # statuses, once each

    def rate(with_causes: bool) -> float:
        done = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds / 4:
            for body in bodies:
                evaluation = evaluate(parse(body), rules, config, settings, now)
                if with_causes:
                    diagnose(causes, facts_of(evaluation, rules, {}, now))
            done += len(bodies)
        return done / (time.perf_counter() - started)

    # Alternate short rounds and keep each side's best: on a shared machine a neighbour's
    # burst would otherwise land on one side of the comparison only.
    rounds = [(rate(False), rate(True)) for _ in range(4)]
    alone, weighed = max(r[0] for r in rounds), max(r[1] for r in rounds)
    rows.append(
        Row(
            f"rule engine (parse + {len(rules)} rules), in process",
            f"{alone:,.0f} statuses/s",
            "info",
            None,
        )
    )
    # Issue 13: weighing the findings with the causes may cost at most a fifth of the rate.
    rows.append(
        Row(
            f"rule engine + {len(causes)} causes, in process",
            f"{weighed:,.0f} statuses/s ({weighed / alone:.0%} of the rules alone)",
            ">= 80% of the rules alone",
            weighed >= 0.8 * alone,
        )
    )


def realistic_site_report() -> bytes:
    """The degraded example grown to a large real report (~200 KB): 300 plugins, 3,000
    tables, as a big store's report is."""
    from meum_doctor.data import package_bytes

    text = package_bytes("meum_doctor.examples", "site-reports/degraded-site.txt").decode()
    plugins = "".join(
        f"Plugin {n}: by Author {n}, LLC – 1.{n}.0 (update to version 2.{n}.0 is available)\n"
        for n in range(300)
    )
    tables = "".join(
        f"wp_table_{n}: Data: 0.{n % 97:02d}MB + Index: 0.02MB + Engine InnoDB\n"
        for n in range(3000)
    )
    text = text.replace("### Active Plugins (5) ###\n\n", "### Active Plugins (305) ###\n\n"
                        + plugins)
    text = text.replace("### Post Type Counts ###", tables + "\n### Post Type Counts ###")
    return text.encode()


def hostile_site_reports() -> list[bytes]:
    """1 MiB bodies shaped to be slow: one long line, endless ", " pieces, countless rows,
    headers, quote marks, HTML breaks, and JSON."""
    size = 1024 * 1024 - 64
    heads = b"### A ###\n### B ###\n"
    return [
        heads + b"x" * size,
        heads + b"Label: " + b"a, " * (size // 3),
        heads + b"a: b\n" * (size // 5),
        b"### Active Plugins (1) ###\n\nN: by " + "x – ".encode() * (size // 6),
        heads + b"> " * (size // 2),
        b"### A ###<br>### B ###<br>" + b"x<br>" * (size // 5),
        realistic_site_report() * 5,
        b'{"environment": {"version": "' + b"9" * size + b'"}}',
        b'{"active_plugins": [' + b'{"name": "a", "version": "1"},' * (size // 31) + b"{}]}",
    ]


def bench_site_report(rows: list[Row]) -> None:
    """The site-report parser in process: a realistic report, and the worst 1 MiB bodies."""
    from meum_doctor.errors import BadResponse
    from meum_doctor.sitereport import parse_site_report

    body = realistic_site_report()
    parse_site_report(body)  # warm-up: imports and compiled patterns
    times = []
    for _ in range(20):
        started = time.perf_counter()
        parse_site_report(body)
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    rows.append(
        Row(
            f"site-report parse, realistic report ({len(body) // 1024} KB)",
            f"{median * 1000:.1f} ms",
            "< 50 ms",
            median < 0.05,
        )
    )
    worst = 0.0
    for hostile in hostile_site_reports():
        started = time.perf_counter()
        with contextlib.suppress(BadResponse):  # a refused body is timed all the same
            parse_site_report(hostile[: 1024 * 1024])
        worst = max(worst, time.perf_counter() - started)
    rows.append(Row("site-report parse, worst 1 MiB input", f"{worst * 1000:.0f} ms", "< 1 s",
                    worst < 1.0))


def bench_batch_files(rows: list[Row], small: int, large: int, work: Path) -> None:
    env = quiet_env()
    results = {}
    for count in (small, large):
        folder = work / f"files-{count}"
        folder.mkdir()
        status_files(folder, count)
        command = tool(
            "batch",
            str(folder),
            "--now",
            NOW,
            "-f",
            "json",
            "-o",
            str(work / f"batch-{count}.json"),
        )
        results[count] = peak_rss_mib(command, env, str(work))
        shutil.rmtree(folder)
    seconds, memory = results[small]
    target = 2.0 * small / 1000
    rows.append(
        Row(
            f"batch of {small} status files",
            f"{seconds:.2f} s",
            f"< {target:.1f} s",
            seconds < target,
        )
    )
    rows.append(Row(f"peak memory, {small} files", f"{memory:.1f} MiB", "info", None))
    big_seconds, big_memory = results[large]
    ratio = big_memory / memory
    rows.append(
        Row(
            f"peak memory, {large} files ({big_seconds:.1f} s)",
            f"{big_memory:.1f} MiB = {ratio:.2f}x of {small}",
            "<= 1.5x",
            ratio <= 1.5,
        )
    )


def bench_batch_api(rows: list[Row], stores: int, concurrency: int, runs: int, work: Path) -> None:
    from meum_doctor.demo import example_body
    from meum_doctor.exampleapi import ExampleApi

    keys = {f"sk_live_bench{n:05d}{'x' * 12}": example_body("healthy") for n in range(stores)}
    keys_file = work / "keys.txt"
    keys_file.write_text("".join(f"store-{n},{key}\n" for n, key in enumerate(keys)))
    latency = 0.1
    ideal = stores / concurrency * latency
    with ExampleApi(keys, delay=latency) as api:
        command = tool(
            "batch",
            "--keys-file",
            str(keys_file),
            "--base-url",
            api.base_url,
            "--concurrency",
            str(concurrency),
            "--now",
            NOW,
            "-f",
            "json",
            "-o",
            str(work / "api.json"),
        )
        seconds = min(wall(command, quiet_env(), str(work)) for _ in range(runs))
    ratio = seconds / ideal
    rows.append(
        Row(
            f"batch of {stores} API stores, 100 ms latency, --concurrency {concurrency}",
            f"{seconds:.2f} s = {ratio:.2f}x of ideal {ideal:.1f} s",
            "<= 1.3x",
            ratio <= 1.3,
        )
    )


def print_table(rows: list[Row]) -> None:
    width = max(len(r.name) for r in rows)
    value_width = max(len(r.value) for r in rows)
    print(f"{'case':<{width}}  {'measured':<{value_width}}  target   verdict")
    print("-" * (width + value_width + 24))
    for row in rows:
        verdict = "" if row.ok is None else ("ok" if row.ok else "MISSED")
        print(f"{row.name:<{width}}  {row.value:<{value_width}}  {row.target:<8} {verdict}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few repeats (CI)")
    parser.add_argument("--repeat", type=int, help="runs per start-up case (median)")
    options = parser.parse_args(argv)
    repeat = options.repeat or (5 if options.quick else 15)
    compile_package()
    rows: list[Row] = []
    steps: list[tuple[str, Callable[[Path], None]]] = [
        ("start-up", lambda work: bench_startup(rows, repeat, work)),
        ("rule engine", lambda work: bench_engine(rows, 0.5 if options.quick else 2.0)),
        ("site-report parse", lambda work: bench_site_report(rows)),
        (
            "batch, files",
            lambda work: bench_batch_files(rows, 1000, 10000, work),
        ),
        (
            "batch, API",
            lambda work: bench_batch_api(rows, 500, 50, 1 if options.quick else 3, work),
        ),
        ("serve under load", lambda work: bench_web(rows, 3.0 if options.quick else 20.0, work)),
    ]
    with tempfile.TemporaryDirectory(prefix="meum-bench-") as folder:
        for name, step in steps:
            print(f"… {name}", file=sys.stderr, flush=True)
            work = Path(folder) / name.replace(" ", "-").replace(",", "")
            work.mkdir()
            step(work)
    print(
        f"meum-doctor benchmark on {os.cpu_count()} cores, Python {sys.version.split()[0]}"
        f"{' (quick)' if options.quick else ''}"
    )
    print_table(rows)
    return 0


def bench_web(rows: list[Row], seconds: float, work: Path) -> None:
    """``meum-doctor serve`` under 10 and 50 concurrent clients (bench/web_load.py)."""
    import importlib.util

    if not all(importlib.util.find_spec(name) for name in ("starlette", "uvicorn")):
        rows.append(Row("serve under load", "skipped: the [web] extra is not installed",
                        "info", None))
        return
    import web_load  # bench/ is on the path: this script's own folder

    try:
        rows.extend(Row(*result) for result in web_load.measure(seconds, work))
    except web_load.NotStarted as exc:
        # The one failure that is not a number: the server could not start at all.
        print(f"bench: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    sys.exit(main())
