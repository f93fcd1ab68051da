"""`python -m tests.bench`: measure the import (steps, in-process, as a process) and baselines.

Prints a table of medians, ratios and the budgets of SPEC section 11 (PASS/FAIL), and writes
everything to tests/bench/out/bench.json. `--quick` skips the 5M-row file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench import floor, generate
from tests.bench.steps import STEPS

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
ROOT = HERE.parent.parent
BIN = Path(sys.executable).parent
CLI = str(BIN / "contacts-etl")

BUDGET_50K_S = 0.2
BUDGET_VS_PANDAS = 20.0
BUDGET_HELP_S = 0.3
BUDGET_50K_PROCESS_S = 1.5
BUDGET_LINEAR = 1.5  # 5M within 1.5 x (100 x the 50k time)
BUDGET_5M_RSS_GB = 4.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# --- one measured thing each --------------------------------------------------------------


def in_process_steps(
    csv: Path, store: Path, work: Path, runs: int, max_rows: int, *, warm: bool = True
) -> dict[str, Any]:
    """The steps of `pipeline.run`, each timed, on a fresh copy of the store per run.

    One untimed warm-up run first: the timings are those of a warm process, as in a
    nightly cron that imports several files (the first file's extra start-up cost is in
    the process measurement).
    """
    from etl.store import StoreSession
    from schemas.contacts import warm_up
    from tests.bench.steps import import_steps

    warm_up()
    samples: list[dict[str, Any]] = []
    first = 0 if warm else 1
    for index in range(first, runs + 1):
        db = generate.copy_store(store, work / "steps.duckdb")
        opts = _options(db, work, max_rows)
        session = StoreSession(db, lock_timeout=30)
        try:
            result = import_steps(csv, opts, session)
        finally:
            session.close()
        _clean_reports(work)
        if index:
            samples.append(result)
        log(f"  steps run {index}{' (warm-up)' if not index else ''}: {result['total_s']:.3f}s")
    steps = {name: median([s["steps"].get(name, 0.0) for s in samples]) for name in STEPS}
    cpu = {name: median([s["cpu"].get(name, 0.0) for s in samples]) for name in STEPS}
    return {
        "runs": runs,
        "steps_s": steps,
        "steps_cpu_s": cpu,
        "total_s": median([s["total_s"] for s in samples]),
        "duration_s": median([s["duration_s"] for s in samples]),
        "samples": samples,
        "counts": samples[-1]["counts"],
    }


def in_process_run(csv: Path, store: Path, work: Path, runs: int, max_rows: int) -> dict[str, Any]:
    """`pipeline.run` as the CLI calls it: `duration_s` of its summary.json (warm process)."""
    from etl import pipeline
    from etl.store import StoreSession
    from schemas.contacts import warm_up

    warm_up()
    durations: list[float] = []
    walls: list[float] = []
    cpus: list[float] = []
    for index in range(runs + 1):
        db = generate.copy_store(store, work / "run.duckdb")
        opts = _options(db, work, max_rows)
        session = StoreSession(db, lock_timeout=30)
        clock, cpu = time.perf_counter(), time.process_time()
        try:
            result = pipeline.run(csv, opts, session)
        finally:
            session.close()
        wall, cpu = time.perf_counter() - clock, time.process_time() - cpu
        folder = opts.report_dir / result.summary["import_id"]
        summary = json.loads((folder / "summary.json").read_text())
        if not summary["success"]:
            raise SystemExit(f"bench import failed: {summary['message']}")
        _clean_reports(work)
        if index:
            durations.append(summary["duration_s"])
            walls.append(wall)
            cpus.append(cpu)
        log(
            f"  pipeline.run {index}{' (warm-up)' if not index else ''}: "
            f"duration_s {summary['duration_s']:.3f}"
        )
    return {
        "runs": runs,
        "duration_s": median(durations),
        "wall_s": median(walls),
        "cpu_s": median(cpus),  # all threads, store closed included: how CPU-bound a run is
        "samples": durations,
    }


def process_import(
    csv: Path, store: Path, work: Path, runs: int, extra: list[str]
) -> dict[str, Any]:
    """`contacts-etl import` as a subprocess: wall time, `duration_s`, peak RSS of the child."""
    walls: list[float] = []
    durations: list[float] = []
    rss: list[float] = []
    summary: dict[str, Any] = {}
    for index in range(runs):
        db = generate.copy_store(store, work / "process.duckdb")
        command = [
            CLI, "--db", str(db), "import", str(csv), "--campaign", str(generate.CAMPAIGN_ID),
            "--report-dir", str(work / "reports"), "--json", *extra,
        ]  # fmt: skip
        wall, peak, stdout = _timed_child(command)
        summary = json.loads(stdout.strip().splitlines()[-1])
        if not summary["success"]:
            raise SystemExit(f"bench import failed: {summary['message']}")
        _clean_reports(work)
        walls.append(wall)
        durations.append(summary["duration_s"])
        rss.append(peak)
        log(
            f"  process run {index}: {wall:.3f}s wall, "
            f"duration_s {summary['duration_s']:.3f}, {peak / 1e9:.2f} GB"
        )
    return {
        "runs": runs,
        "wall_s": median(walls),
        "duration_s": median(durations),
        "peak_rss_bytes": max(rss),
        "samples_wall_s": walls,
        "counts": summary.get("counts"),
        "total_rows": summary.get("total_rows"),
    }


def process_help(runs: int) -> dict[str, Any]:
    walls = []
    for _ in range(runs):
        wall, _, _ = _timed_child([CLI, "--help"])
        walls.append(wall)
    return {"runs": runs, "wall_s": median(walls), "samples": walls}


def baseline(kind: str, csv: Path, store: Path, work: Path, runs: int) -> dict[str, Any]:
    from tests.bench import baselines

    func = baselines.row_by_row if kind == "row_by_row" else baselines.pandas_import
    seconds = []
    inserted = 0
    for index in range(runs):
        db = generate.copy_store(store, work / f"{kind}.duckdb")
        result = func(csv, db)
        seconds.append(result["seconds"])
        inserted = result["inserted"]
        log(f"  {kind} run {index}: {result['seconds']:.2f}s")
    return {"runs": runs, "seconds": median(seconds), "samples": seconds, "inserted": inserted}


def _timed_child(command: list[str]) -> tuple[float, int, str]:
    """Wall time, peak RSS in bytes and stdout of one child, as `tests.bench.launch`
    measures them (not forked from this process, whose memory it would report)."""
    with (
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
        tempfile.TemporaryDirectory() as folder,
    ):
        measured = Path(folder) / "child.json"
        launcher = [sys.executable, "-m", "tests.bench.launch", str(measured)]
        subprocess.run([*launcher, *command], stdout=out, stderr=err, text=True, cwd=ROOT)
        child = json.loads(measured.read_text())
        out.seek(0)
        err.seek(0)
        if child["returncode"] != 0:
            raise SystemExit(
                f"{' '.join(command)} failed ({child['returncode']}): {err.read().strip()}"
            )
        return child["wall_s"], child["peak_rss_bytes"], out.read()


def _options(db: Path, work: Path, max_rows: int) -> Any:
    from etl.options import ImportOptions

    return ImportOptions(
        db=db,
        campaign_id=generate.CAMPAIGN_ID,
        report_dir=work / "reports",
        max_rows=max_rows,
        max_bytes=0,
    )


def _clean_reports(work: Path) -> None:
    shutil.rmtree(work / "reports", ignore_errors=True)


# --- the table ----------------------------------------------------------------------------


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def render(results: dict[str, Any]) -> str:
    lines = []
    small = results["50k"]
    lines.append(
        f"## contacts-etl bench ({results['machine']['cpus']} CPUs, "
        f"Python {results['machine']['python']}, load average "
        f"{results['machine']['load_before'][0]:.1f} before, "
        f"{results['machine']['load_after'][0]:.1f} after)"
    )
    lines.append("")
    lines.append(
        "| step (50k rows, warm process, median) | wall | CPU (all threads) | share of wall |"
    )
    lines.append("|---|---:|---:|---:|")
    total = small["steps"]["total_s"]
    for name, seconds in small["steps"]["steps_s"].items():
        cpu = small["steps"]["steps_cpu_s"][name]
        lines.append(f"| {name} | {_fmt(seconds)} | {_fmt(cpu)} | {seconds / total:.0%} |")
    lines.append(f"| **sum of steps** | **{_fmt(total)}** | | |")
    if "store_alone" in small:
        lines += ["", *_floor_lines(small["store_alone"])]
    if "5m" in results and "steps" in results["5m"]:
        big = results["5m"]["steps"]
        lines.append("")
        lines.append("| step (5M rows, one run) | wall | x 50k | peak RSS after |")
        lines.append("|---|---:|---:|---:|")
        peaks = big["samples"][-1].get("peak_rss", {})
        for name, seconds in big["steps_s"].items():
            ratio = (
                seconds / small["steps"]["steps_s"][name] if small["steps"]["steps_s"][name] else 0
            )
            peak = f"{peaks[name] / 1e9:.2f} GB" if name in peaks else ""
            lines.append(f"| {name} | {_fmt(seconds)} | {ratio:.0f}x | {peak} |")
        lines.append(
            f"| **sum of steps** | **{_fmt(big['total_s'])}** | {big['total_s'] / total:.0f}x | |"
        )
    lines.append("")
    lines.append("| measurement | median | runs |")
    lines.append("|---|---:|---:|")
    rows = [
        (
            "50k `pipeline.run` duration_s (warm process)",
            small["run"]["duration_s"],
            small["run"]["runs"],
        ),
        (
            "50k `pipeline.run` CPU time, all threads, store closed included",
            small["run"]["cpu_s"],
            small["run"]["runs"],
        ),
        ("50k import as a process: wall", small["process"]["wall_s"], small["process"]["runs"]),
        (
            "50k: the store's work alone (a floor under duration_s)",
            sum(small["store_alone"]["parts_s"].values()),
            small["store_alone"]["runs"],
        ),
        (
            "50k import as a process: duration_s (cold)",
            small["process"]["duration_s"],
            small["process"]["runs"],
        ),
        ("`contacts-etl --help` as a process", results["help"]["wall_s"], results["help"]["runs"]),
    ]
    for name in ("pandas", "row_by_row"):
        if name in small:
            rows.append((f"50k baseline: {name}", small[name]["seconds"], small[name]["runs"]))
    if "5m" in results and "process" in results["5m"]:
        big = results["5m"]["process"]
        rows.append(("5M import as a process: wall", big["wall_s"], big["runs"]))
        rows.append(("5M import as a process: duration_s", big["duration_s"], big["runs"]))
    for name, seconds, runs in rows:
        lines.append(f"| {name} | {_fmt(seconds)} | {runs} |")
    lines.append(f"| 50k import peak RSS | {small['process']['peak_rss_bytes'] / 1e6:.0f} MB | |")
    if "5m" in results and "process" in results["5m"]:
        lines.append(
            f"| 5M import peak RSS | {results['5m']['process']['peak_rss_bytes'] / 1e9:.2f} GB | |"
        )
    lines.append("")
    lines.append("| ratio | value |")
    lines.append("|---|---:|")
    for name, value in results["ratios"].items():
        lines.append(f"| {name} | {value:.1f}x |")
    lines.append("")
    lines.append("| budget (SPEC 11) | limit | measured | |")
    lines.append("|---|---:|---:|---|")
    for item in results["budgets"]:
        verdict = "PASS" if item["pass"] else ("FAIL" if item["pass"] is False else "n/a")
        lines.append(f"| {item['name']} | {item['limit']} | {item['measured']} | {verdict} |")
    return "\n".join(lines)


def _floor_lines(alone: dict[str, Any]) -> list[str]:
    lines = [
        f"| the store's work alone (50k: {alone['contacts_inserted']:,} contacts and "
        f"{alone['entries_inserted']:,} entries inserted; nothing else running) | wall | CPU |",
        "|---|---:|---:|",
    ]
    for part, seconds in alone["parts_s"].items():
        lines.append(f"| {part} | {_fmt(seconds)} | {_fmt(alone['parts_cpu_s'][part])} |")
    total = sum(alone["parts_s"].values())
    lines.append(f"| **sum: a floor under duration_s** | **{_fmt(total)}** | |")
    return lines


def budgets(results: dict[str, Any]) -> tuple[dict[str, float], list[dict[str, Any]]]:
    small = results["50k"]
    ours = small["run"]["duration_s"]
    ratios: dict[str, float] = {}
    if "pandas" in small:
        ratios["pandas / ours (50k, duration_s)"] = small["pandas"]["seconds"] / ours
    if "row_by_row" in small:
        ratios["row-by-row / ours (50k, duration_s)"] = small["row_by_row"]["seconds"] / ours
    items: list[dict[str, Any]] = [
        {"name": "50k end to end in process (duration_s)", "limit": f"{BUDGET_50K_S} s",
         "measured": f"{ours:.3f} s", "pass": ours <= BUDGET_50K_S},
    ]  # fmt: skip
    if "pandas" in small:
        ratio = ratios["pandas / ours (50k, duration_s)"]
        items.append({"name": "50k at least 20x faster than pandas",
                      "limit": f"{BUDGET_VS_PANDAS:.0f}x",
                      "measured": f"{ratio:.1f}x", "pass": ratio >= BUDGET_VS_PANDAS})  # fmt: skip
    help_s = results["help"]["wall_s"]
    items.append({"name": "`contacts-etl --help` process", "limit": f"{BUDGET_HELP_S} s",
                  "measured": f"{help_s:.3f} s", "pass": help_s < BUDGET_HELP_S})  # fmt: skip
    proc = small["process"]["wall_s"]
    items.append({"name": "50k import as a process", "limit": f"{BUDGET_50K_PROCESS_S} s",
                  "measured": f"{proc:.3f} s", "pass": proc < BUDGET_50K_PROCESS_S})  # fmt: skip
    big = results.get("5m", {}).get("process")
    if big:
        limit = BUDGET_LINEAR * 100 * small["process"]["duration_s"]
        ratios["5M / 50k (duration_s, processes)"] = (
            big["duration_s"] / small["process"]["duration_s"]
        )
        items.append({"name": "5M within 1.5 x 100 x the 50k time (duration_s, processes)",
                      "limit": f"{limit:.1f} s", "measured": f"{big['duration_s']:.1f} s",
                      "pass": big["duration_s"] <= limit})  # fmt: skip
        gb = big["peak_rss_bytes"] / 1e9
        items.append({"name": "5M peak memory", "limit": f"{BUDGET_5M_RSS_GB} GB",
                      "measured": f"{gb:.2f} GB", "pass": gb < BUDGET_5M_RSS_GB})  # fmt: skip
    else:
        items.append(
            {"name": "5M rows (skipped: --quick)", "limit": "", "measured": "", "pass": None}
        )
    return ratios, items


# --- main ---------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the 5M-row file")
    parser.add_argument("--runs", type=int, default=5, help="runs of each 50k measurement (5)")
    parser.add_argument("--runs-5m", type=int, default=1, help="runs of the 5M process import (1)")
    parser.add_argument("--baseline-runs", type=int, default=1, help="runs of each baseline (1)")
    parser.add_argument("--no-baselines", action="store_true", help="skip the baselines")
    parser.add_argument("--steps-only", action="store_true", help="only the 50k in-process steps")
    parser.add_argument("--no-5m-steps", action="store_true", help="5M: only the process run")
    parser.add_argument("--out", type=Path, default=OUT / "bench.json", help="the JSON output")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    small_csv = generate.ensure_csv(generate.SMALL, log)
    store = generate.ensure_store(log)
    large_csv = None if args.quick or args.steps_only else generate.ensure_csv(generate.LARGE, log)
    results: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_before": os.getloadavg(),
        },
        "inputs": {"50k": str(small_csv), "store": str(store), "5m": str(large_csv)},
        "50k": {},
    }
    with tempfile.TemporaryDirectory(prefix="contacts-etl-bench-") as tmp:
        work = Path(tmp)
        log("50k: steps in process")
        results["50k"]["steps"] = in_process_steps(small_csv, store, work, args.runs, 50_000)
        if args.steps_only:
            steps = results["50k"]["steps"]
            for name in STEPS:
                wall, cpu = steps["steps_s"][name], steps["steps_cpu_s"][name]
                print(f"{name:<12} {wall * 1000:8.1f} ms wall {cpu * 1000:8.1f} ms cpu")
            print(f"{'duration_s':<12} {steps['duration_s'] * 1000:8.1f} ms wall (not close_store)")
            print(
                f"{'total':<12} {steps['total_s'] * 1000:8.1f} ms wall "
                f"(load {os.getloadavg()[0]:.1f})"
            )
            return 0
        log("50k: the store's work alone (the floor under duration_s)")
        results["50k"]["store_alone"] = floor.measure(small_csv, store, work, args.runs, log)
        log("50k: pipeline.run in process")
        results["50k"]["run"] = in_process_run(small_csv, store, work, args.runs, 50_000)
        log("50k: import as a process")
        results["50k"]["process"] = process_import(small_csv, store, work, args.runs, [])
        log("--help as a process")

        results["help"] = process_help(max(args.runs, 5))
        if not args.no_baselines:
            log("50k: pandas baseline")
            results["50k"]["pandas"] = baseline(
                "pandas", small_csv, store, work, args.baseline_runs
            )
            log("50k: row-by-row baseline")
            results["50k"]["row_by_row"] = baseline(
                "row_by_row", small_csv, store, work, args.baseline_runs
            )
        if large_csv is not None:
            results["5m"] = {}
            log("5M: import as a process (--max-rows 0 --max-bytes 0)")
            results["5m"]["process"] = process_import(
                large_csv, store, work, args.runs_5m, ["--max-rows", "0", "--max-bytes", "0"]
            )
            if not args.no_5m_steps:
                log("5M: steps in process (one run after the warm-up)")
                results["5m"]["steps"] = in_process_steps(large_csv, store, work, 1, 0, warm=False)
    results["machine"]["load_after"] = os.getloadavg()
    results["ratios"], results["budgets"] = budgets(results)
    table = render(results)
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    results["table_markdown"] = table
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
