#!/usr/bin/env python3
"""Whole-process benchmarks of stackreg commands on synthetic registries.

    python3 benches/commands.py

builds the release binary and the generator (`examples/synth.rs`), generates registries of
three shapes under target/bench/ (`--shapes`, by default `sparse:10000,dense,county`: the
sparse shape at 10,000 components, the dense 10,000-component national catalogue and the
2,000-component county catalogue; `sparse:1000` and the like add sizes), and times each
command over several runs: median, min and max wall time and peak resident memory (per
child, from wait4). Commands run cold (the index cache deleted before each run) and warm
(after runs that fill it). In the same run it times `git cat-file --batch` streaming every
manifest blob of each registry (the floor for reading the data at all), and prints the
cold-load/cat-file ratio and, when a shape is run at 1,000 and 10,000 components, the
growth of every figure. `alternatives STACK ID` (one component of the 50-need plan) and
`alternatives --all` run warm, the latter 3 times for the 40-component plan and once for
the 50-need stack. `--json FILE` and `--markdown FILE` write the results.

Python 3 standard library only, so it runs on a fresh machine with git and cargo.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_timed(argv, env=None, cwd=None, stdin_bytes=None):
    """Runs argv, discarding its output; returns (seconds, peak RSS in MiB, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE if stdin_bytes is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if stdin_bytes is not None:
        proc.stdin.write(stdin_bytes)
        proc.stdin.close()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return elapsed, usage.ru_maxrss / scale, proc.returncode, err.decode(errors="replace")


def summarise(samples):
    times = [s[0] for s in samples]
    rss = [s[1] for s in samples]
    return {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "min_ms": round(min(times) * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
        "peak_rss_mib": round(max(rss), 1),
        "runs": len(samples),
    }


def load():
    return round(os.getloadavg()[0], 2)


class Bench:
    def __init__(self, args):
        self.args = args
        self.out = os.path.abspath(args.out)
        self.binary = os.path.abspath(args.binary) if args.binary else os.path.join(
            ROOT, "target", "release", "stackreg")
        self.synth = os.path.join(ROOT, "target", "release", "examples", "synth")
        self.results = []

    def build(self):
        if self.args.skip_build:
            return
        log("building the release binary and the generator")
        subprocess.run(
            ["cargo", "build", "--release", "--bin", "stackreg", "--example", "synth"],
            cwd=ROOT,
            check=True,
        )

    def generate(self, shape, n):
        folder = os.path.join(self.out, f"{shape}-{n}")
        params = [
            "--shape", shape,
            "--components", str(n),
            "--seed", str(self.args.seed),
        ]
        stamp = os.path.join(folder, "params.json")
        if os.path.exists(stamp):
            with open(stamp) as f:
                if json.load(f) == params:
                    return folder
            shutil.rmtree(folder)
        elif os.path.exists(folder):
            shutil.rmtree(folder)
        log(f"generating the {shape} shape at {n} components into {folder}")
        subprocess.run([self.synth, "--out", folder] + params, check=True)
        with open(stamp, "w") as f:
            json.dump(params, f)
        return folder

    def env(self, cache):
        env = dict(os.environ)
        env.update(
            {
                "STACKREG_CACHE": cache,
                "NO_COLOR": "1",
                "COLUMNS": "100",
                "STACKREG_TODAY": "2026-11-26",
            }
        )
        env.pop("STACKREG_REGISTRY", None)
        return env

    def measure(self, n, name, argv, folder, cold, runs, warmup=None):
        """Times argv; warm runs follow two runs of `warmup` (default argv) that fill the cache."""
        cache = os.path.join(folder, "cache")
        env = self.env(cache)
        samples = []
        if not cold:
            shutil.rmtree(cache, ignore_errors=True)
            # Twice: the first run may find the files still settling and store nothing.
            for _ in range(2):
                run_timed(warmup or argv, env=env, cwd=folder)
        before = load()
        for _ in range(runs):
            if cold:
                shutil.rmtree(cache, ignore_errors=True)
            t, rss, code, err = run_timed(argv, env=env, cwd=folder)
            if code not in (0, 1):
                raise SystemExit(f"{' '.join(argv)} exited {code}:\n{err}")
            samples.append((t, rss))
        row = {
            "registry": n,
            "command": name,
            "cache": "cold" if cold else "warm",
            "load_before": before,
            "load_after": load(),
            "exit": code,
        }
        row.update(summarise(samples))
        self.results.append(row)
        log(
            f"  {n:>13} {name:<34} {row['cache']:<4} {row['median_ms']:>9.1f} ms"
            f"  (min {row['min_ms']}, max {row['max_ms']})  {row['peak_rss_mib']} MiB"
            f"  load {before}->{row['load_after']}"
        )
        return row

    def cat_file(self, n, folder, runs):
        repo = os.path.join(folder, "registry")
        listing = subprocess.run(
            ["git", "-C", repo, "ls-tree", "-r", "HEAD"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        blobs = "".join(
            line.split()[2] + "\n" for line in listing.splitlines() if line.endswith(".toml")
        ).encode()
        samples = []
        before = load()
        for _ in range(runs):
            t, rss, code, err = run_timed(
                ["git", "-C", repo, "cat-file", "--batch"], stdin_bytes=blobs
            )
            if code != 0:
                raise SystemExit(f"git cat-file failed: {err}")
            samples.append((t, rss))
        row = {
            "registry": n,
            "command": "git cat-file --batch (every manifest blob)",
            "cache": "-",
            "load_before": before,
            "load_after": load(),
            "exit": 0,
        }
        row.update(summarise(samples))
        self.results.append(row)
        log(f"  {n:>13} {row['command']:<34}      {row['median_ms']:>9.1f} ms")
        return row

    def has_alternatives(self):
        out = subprocess.run(
            [self.binary, "alternatives", "--help"], capture_output=True
        )
        return out.returncode == 0

    def component_to_show(self, folder):
        """A component whose newest release requires an interface, from the 50-need plan."""
        out = subprocess.run(
            [self.binary, "--format", "json", "resolve", "stacks/needs-50.toml"],
            cwd=folder,
            env=self.env(os.path.join(folder, "cache")),
            capture_output=True,
            text=True,
        )
        plan = json.loads(out.stdout)["plan"]
        return plan[len(plan) // 2]["component"]

    def shapes(self):
        """(shape, components) for each of `--shapes`: `dense`, `sparse:1000`."""
        sizes = {"sparse": 1000, "dense": 10000, "county": 2000}
        out = []
        for item in self.args.shapes.split(","):
            shape, _, n = item.partition(":")
            out.append((shape, int(n) if n else sizes[shape]))
        return out

    def run(self):
        self.build()
        runs = self.args.runs
        alternatives = self.has_alternatives()
        labels = []
        for shape, size in self.shapes():
            folder = self.generate(shape, size)
            n = f"{shape} {size}"
            labels.append((shape, size, n))
            shown = self.component_to_show(folder)
            log(f"{n} (show {shown}); load average {load()}")
            b = self.binary
            commands = [
                ("validate", [b, "--registry", "registry", "validate"]),
                ("list", [b, "--registry", "registry", "list"]),
                ("show", [b, "--registry", "registry", "show", shown]),
                ("resolve needs-50", [b, "resolve", "stacks/needs-50.toml"]),
                ("load from git (show --rev HEAD)",
                 [b, "--registry", "registry", "--rev", "HEAD", "show", shown]),
                ("list from git (list --rev HEAD)",
                 [b, "--registry", "registry", "--rev", "HEAD", "list"]),
                ("resolve plan-40", [b, "resolve", "stacks/plan-40.toml"]),
            ]
            self.cat_file(n, folder, runs)
            for name, argv in commands:
                self.measure(n, name, argv, folder, cold=True, runs=runs)
                if not self.args.cold_only:
                    self.measure(n, name, argv, folder, cold=False, runs=runs)
            if alternatives:
                argv = [b, "alternatives", "stacks/needs-50.toml", shown]
                warmup = [b, "resolve", "stacks/needs-50.toml"]
                self.measure(n, "alternatives needs-50 ID", argv, folder, cold=False,
                             runs=min(runs, 3), warmup=warmup)
            for stack, alt_runs in (("plan-40", min(runs, 3)), ("needs-50", 1)):
                name = f"alternatives --all {stack}"
                if alternatives:
                    argv = [b, "alternatives", f"stacks/{stack}.toml", "--all"]
                    warmup = [b, "resolve", f"stacks/{stack}.toml"]
                    self.measure(n, name, argv, folder, cold=False, runs=alt_runs, warmup=warmup)
                else:
                    self.results.append(
                        {"registry": n, "command": name, "cache": "warm",
                         "median_ms": None, "note": "not available: no `alternatives` command in this build"}
                    )
                    log(f"  {n:>13} {name:<34} warm  not available in this build")
        self.derived(labels)
        self.report()

    def find(self, n, command, cache):
        for r in self.results:
            if r["registry"] == n and r["command"] == command and r["cache"] == cache:
                return r
        return None

    def derived(self, labels):
        self.ratios = []
        for _, _, n in labels:
            cat = self.find(n, "git cat-file --batch (every manifest blob)", "-")
            for what in ("load from git (show --rev HEAD)", "list from git (list --rev HEAD)"):
                cold = self.find(n, what, "cold")
                if cat and cold:
                    self.ratios.append(
                        {"what": f"{n}: {what}, cold / git cat-file --batch",
                         "value": round(cold["median_ms"] / cat["median_ms"], 2)})
            resolve = self.find(n, "resolve needs-50", "warm")
            show = self.find(n, "show", "warm")
            if resolve and show:
                self.ratios.append(
                    {"what": f"{n}: resolve needs-50 beyond loading (warm resolve - warm show), ms",
                     "value": round(resolve["median_ms"] - show["median_ms"], 1)})
        for shape, size, n in labels:
            big = f"{shape} {size * 10}"
            if size != 1000 or not any(b == big for _, _, b in labels):
                continue
            for r in self.results:
                if r["registry"] != n or r.get("median_ms") is None:
                    continue
                other = self.find(big, r["command"], r["cache"])
                if other and other.get("median_ms") is not None:
                    self.ratios.append(
                        {"what": f"{shape} 1k -> 10k growth: {r['command']} ({r['cache']})",
                         "value": round(other["median_ms"] / r["median_ms"], 2)})

    def machine(self):
        cpu = platform.processor() or platform.machine()
        try:
            with open("/proc/cpuinfo") as f:
                for line in f:
                    if line.startswith("model name"):
                        cpu = line.split(":", 1)[1].strip()
                        break
        except OSError:
            pass
        return {"cpu": cpu, "cores": os.cpu_count(), "system": platform.platform()}

    def report(self):
        lines = ["| registry | command | cache | median ms | min ms | max ms | peak RSS MiB | load before→after |",
                 "| ---: | --- | --- | ---: | ---: | ---: | ---: | --- |"]
        for r in self.results:
            if r.get("median_ms") is None:
                lines.append(f"| {r['registry']} | {r['command']} | {r['cache']} | {r['note']} | | | | |")
                continue
            lines.append(
                f"| {r['registry']} | {r['command']} | {r['cache']} | {r['median_ms']} | {r['min_ms']} "
                f"| {r['max_ms']} | {r['peak_rss_mib']} | {r['load_before']}→{r['load_after']} |")
        lines.append("")
        lines.append("| derived | value |")
        lines.append("| --- | ---: |")
        for r in self.ratios:
            lines.append(f"| {r['what']} | {r['value']} |")
        table = "\n".join(lines) + "\n"
        print(table)
        summary = {"machine": self.machine(), "runs": self.args.runs,
                   "results": self.results, "derived": self.ratios}
        if self.args.json:
            with open(self.args.json, "w") as f:
                json.dump(summary, f, indent=2)
        if self.args.markdown:
            m = summary["machine"]
            with open(self.args.markdown, "w") as f:
                f.write(f"Machine: {m['cpu']}, {m['cores']} cores, {m['system']}; "
                        f"{self.args.runs} runs each.\n\n{table}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--shapes", default="sparse:10000,dense,county",
                   help="registries to run: SHAPE or SHAPE:COMPONENTS (sparse, dense, county), comma-separated")
    p.add_argument("--runs", type=int, default=5, help="timed runs per command")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", default=os.path.join(ROOT, "target", "bench"))
    p.add_argument("--skip-build", action="store_true", help="use the binaries already built")
    p.add_argument("--binary", help="time this stackreg binary instead (e.g. an older build)")
    p.add_argument("--cold-only", action="store_true", help="only cold runs (for builds without a cache)")
    p.add_argument("--json", help="write the results as JSON to this file")
    p.add_argument("--markdown", help="write the results as a markdown table to this file")
    Bench(p.parse_args()).run()


if __name__ == "__main__":
    main()
