#!/usr/bin/env python3
"""Helpers of scripts/bench-serve: /proc readings, the fidelity check, and the report.

  figures.py banner FILE                  the token, organization, base URL, JWKS URL, issuer and azp (tab-separated)
  figures.py workers PID                  the peer's worker processes: PID's children, without helper processes
  figures.py cpu PID... | --tree PID      CPU seconds (user + system) of the processes together
  figures.py hwm PID...                   peak RSS (VmHWM) of each process in KiB, space-separated
  figures.py tamper TOKEN                 the token with its signature changed (same header and payload)
  figures.py compare A B                  compares two JSON bodies of the patient list (fields, values)
  figures.py record RESULTS KEY k=v ...   adds figures to RESULTS (JSON files are read for values that are paths)
  figures.py common-rate RESULTS ROUTE CAP half the slower server's saturation req/s (at most CAP)
  figures.py report RESULTS               the table and the aims
"""

from __future__ import annotations

import json
import os
import re
import sys


def banner(path: str) -> None:
    text = open(path, encoding="utf-8").read()
    curl = re.search(r"Authorization: Bearer ([A-Za-z0-9._-]+)' (http://[^/\s]+)/([^/\s]+)/summary", text)
    keys = re.search(r"Keys: (\S+)\s+issuer: (\S+)\s+azp: (\S+)", text)
    if not curl or not keys:
        sys.exit("the banner has no curl line or no Keys line")
    token, base, org = curl.groups()
    print("\t".join([token, base, org, *keys.groups()]))


def children(pid: str) -> list[str]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = open(f"/proc/{entry}/stat").read()
        except OSError:
            continue
        ppid = stat.rsplit(")", 1)[1].split()[1]
        if ppid == pid:
            found.append(entry)
    return found


def workers(pid: str) -> None:
    result = []
    for child in children(pid):
        try:
            cmdline = open(f"/proc/{child}/cmdline", "rb").read().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "resource_tracker" in cmdline or "semaphore_tracker" in cmdline:
            continue
        result.append(child)
    print(" ".join(sorted(result, key=int)))


def cpu(pids: list[str]) -> None:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    tree = bool(pids) and pids[0] == "--tree"  # the process, its children, and its exited children
    if tree:
        pids = [pids[1], *children(pids[1])]
    for pid in pids:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
        if tree and pid == pids[0]:
            total += int(fields[13]) + int(fields[14])  # cutime, cstime: exited children
    print(f"{total / ticks:.2f}")


def hwm(pids: list[str]) -> None:
    values = []
    for pid in pids:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM:"):
                values.append(line.split()[1])
    print(" ".join(values))


def tamper(token: str) -> None:
    header, payload, signature = token.split(".")
    # Change the signature's first character, so the base64url stays valid but the signature is wrong.
    first = "B" if signature[0] != "B" else "C"
    print(f"{header}.{payload}.{first}{signature[1:]}")


def compare(a_path: str, b_path: str) -> None:
    a_bytes, b_bytes = open(a_path, "rb").read(), open(b_path, "rb").read()
    if a_bytes == b_bytes:
        print(f"identical bytes ({len(a_bytes):,} bytes)")
        return
    a, b = json.loads(a_bytes), json.loads(b_bytes)
    problems = []
    if set(a) != set(b):
        problems.append(f"envelope keys {sorted(a)} vs {sorted(b)}")
    if a.get("pagination") != b.get("pagination"):
        problems.append(f"pagination {a.get('pagination')} vs {b.get('pagination')}")
    rows_a, rows_b = a.get("data", []), b.get("data", [])
    if len(rows_a) != len(rows_b):
        problems.append(f"{len(rows_a)} vs {len(rows_b)} rows")
    fields_a = set().union(*(row.keys() for row in rows_a)) if rows_a else set()
    fields_b = set().union(*(row.keys() for row in rows_b)) if rows_b else set()
    if fields_a != fields_b:
        problems.append(f"fields only in the first: {sorted(fields_a - fields_b)}, only in the second: {sorted(fields_b - fields_a)}")
    differing = {}
    for row_a, row_b in zip(rows_a, rows_b):
        for key in fields_a & fields_b:
            if row_a.get(key) != row_b.get(key):
                differing[key] = differing.get(key, 0) + 1
    if differing:
        problems.append("values differ: " + ", ".join(f"{k} in {n} rows" for k, n in sorted(differing.items())))
    if a.get("links") != b.get("links"):
        problems.append(f"links {a.get('links')} vs {b.get('links')}")
    if problems:
        print("DIFFERENT: " + "; ".join(problems))
    else:
        print(f"same JSON, different bytes ({len(a_bytes):,} vs {len(b_bytes):,} bytes: formatting only)")


def load(path: str) -> dict:
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return {}


def record(path: str, key: str, pairs: list[str]) -> None:
    results = load(path)
    entry = results.setdefault(key, {})
    for pair in pairs:
        name, _, value = pair.partition("=")
        if value.endswith(".json") and os.path.exists(value):
            lines = [line for line in open(value) if line.startswith("{")]
            entry[name] = json.loads(lines[-1]) if lines else None
        else:
            try:
                entry[name] = json.loads(value)
            except ValueError:
                entry[name] = value
    json.dump(results, open(path, "w"), indent=2)


def ms(value) -> str:
    return "—" if value is None else f"{value:.2f}"


def saturation_rps(entry: dict) -> float:
    sat = entry.get("saturation") or {}
    seconds = (sat.get("duration_us") or 0) / 1e6
    return sat.get("requests", 0) / seconds if seconds else 0.0


def common_rate(path: str, route: str, cap: str) -> None:
    results = load(path)
    slower = min(saturation_rps(results.get(f"{route}.{server}", {})) for server in ("routiq", "peer"))
    rate = min(float(cap), max(10.0, round(slower / 2 / 10) * 10))
    print(f"{rate:g}")


def failed(fixed: dict) -> int:
    bad = sum(v for k, v in (fixed.get("statuses") or {}).items() if k != "200")
    return bad + (fixed.get("errors") or 0) + (fixed.get("unfinished") or 0)


def report(path: str) -> None:
    results = load(path)
    meta = results.get("meta", {})
    print("API server benchmark: routiq serve vs the FastAPI peer")
    for name in ("date", "host", "routiq", "peer", "database", "organization", "saturation", "fixed_rate", "load"):
        if name in meta:
            print(f"  {name:<13}{meta[name]}")
    print()
    header = (f"{'route':<10}{'server':<8}{'req/s':>8}{'p50':>8}{'p99':>8}{'CPU s':>7}{'PG s':>6} │"
              f"{'rate':>6}{'done/s':>8}{'p50':>9}{'p99':>9}{'failed':>7} │{'rate':>6}{'p50':>8}{'p99':>8}{'failed':>7}")
    print(f"{'':<18}{'saturation (wrk), ms':<37}│{'fixed rate (the aim), ms':<39}│{'fixed rate (common), ms'}")
    print(header)
    print("─" * len(header))
    ratios = {}
    for route in ("summary", "patients"):
        for server in ("routiq", "peer"):
            entry = results.get(f"{route}.{server}", {})
            sat = entry.get("saturation") or {}
            fixed = entry.get("fixed") or {}
            common = entry.get("common") or {}
            line = (f"{route:<10}{server:<8}{saturation_rps(entry):>8,.0f}{ms((sat.get('p50_us') or 0) / 1000):>8}"
                    f"{ms((sat.get('p99_us') or 0) / 1000):>8}{entry.get('cpu_saturation', 0):>7.1f}"
                    f"{entry.get('pg_cpu_saturation', 0):>6.1f} │{fixed.get('rate_target', 0):>6,.0f}"
                    f"{fixed.get('achieved_rate', 0):>8,.0f}{ms(fixed.get('p50_ms')):>9}{ms(fixed.get('p99_ms')):>9}"
                    f"{failed(fixed):>7} │")
            if common:
                line += (f"{common.get('rate_target', 0):>6,.0f}{ms(common.get('p50_ms')):>8}"
                         f"{ms(common.get('p99_ms')):>8}{failed(common):>7}")
            else:
                line += f"{'(= the aim)':>29}"
            print(line)
        routiq, peer = results.get(f"{route}.routiq", {}), results.get(f"{route}.peer", {})
        if saturation_rps(peer):
            ratios[route] = saturation_rps(routiq) / saturation_rps(peer)
    print()
    print("saturation: wrk's latency from sending. Fixed rate: open loop, latency from each request's due time, so a")
    print("server slower than the rate shows its queue; done/s = responses per second; failed = non-200 answers, socket")
    print("errors and requests unanswered 10 s after the run (left out of the percentiles). CPU s / PG s = CPU seconds")
    print("of the server / of PostgreSQL (all backends) during the saturation run.")
    rss = results.get("rss", {})
    routiq_mib = rss.get("routiq_kib", 0) / 1024
    workers = rss.get("peer_workers_kib", [])
    peer_mib = sum(workers) / 1024
    print()
    print(f"peak RSS (VmHWM)  routiq serve {routiq_mib:.1f} MiB; peer {peer_mib:.1f} MiB "
          f"({' + '.join(f'{w / 1024:.1f}' for w in workers)} MiB in its {len(workers)} workers; "
          f"+ {rss.get('peer_master_kib', 0) / 1024:.1f} MiB in uvicorn's supervisor, not counted)")
    if rss.get("demo_kib"):
        print(f"                  (the key source, routiq serve --demo with its sandbox, idle: {rss['demo_kib'] / 1024:.1f} MiB)")
    print()
    print("against the aims")
    for route, ratio in ratios.items():
        verdict = "met" if ratio >= 3 else "MISSED"
        print(f"  {route:<9} req/s routiq/peer       {ratio:.2f}×   (aim ≥ 3×: {verdict})")
    for route in ("summary", "patients"):
        fixed = (results.get(f"{route}.routiq", {}).get("fixed") or {})
        if fixed:
            p99 = fixed.get("p99_ms")
            verdict = "met" if p99 is not None and p99 < 5 and failed(fixed) == 0 else "MISSED"
            shown = "no request measured in time" if p99 is None else f"{p99:.2f} ms"
            print(f"  {route:<9} routiq p99 at {fixed.get('rate_target', 0):,.0f}/s  {shown}  (aim < 5 ms: {verdict}; "
                  f"{fixed.get('achieved_rate', 0):,.0f} answered/s, {failed(fixed)} failed)")
    if routiq_mib:
        verdict = "met" if routiq_mib < 64 else "MISSED"
        ratio = f", {routiq_mib / peer_mib:.2f}× the peer's" if peer_mib else ""
        print(f"  routiq peak RSS                    {routiq_mib:.1f} MiB (aim < 64 MiB: {verdict}{ratio})")
    checks = results.get("checks", {})
    if checks:
        print()
        print("checks")
        for name, value in checks.items():
            print(f"  {name:<16}{value}")


def main() -> None:
    command, *rest = sys.argv[1:]
    if command == "banner":
        banner(rest[0])
    elif command == "workers":
        workers(rest[0])
    elif command == "cpu":
        cpu(rest)
    elif command == "hwm":
        hwm(rest)
    elif command == "tamper":
        tamper(rest[0])
    elif command == "compare":
        compare(rest[0], rest[1])
    elif command == "record":
        record(rest[0], rest[1], rest[2:])
    elif command == "common-rate":
        common_rate(rest[0], rest[1], rest[2])
    elif command == "report":
        report(rest[0])
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
