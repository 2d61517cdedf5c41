"""scripts/bench-run's helper for part f (a fleet under the real rate limits): samples the connections of a run's
database, records each run's figures and prints the fleet table. Standard library only (python3 >= 3.8); reuses
figures.py beside it for `/usr/bin/time -v` reports and /proc CPU counters.

  fleet.py connections PGID OUT PSQL…             runs one `PSQL` session (connected to another database) and writes
                                                  `unix-time total active idle-in-transaction` of every client
                                                  backend of $FLEET_DATABASE every 0.2 s until process group PGID ends
  fleet.py record RESULTS NAME key=value …        records a run (time=, metrics=, connections=, txn=, stats=, wall=,
                                                  concurrency=, sandbox_cpu=, pg_cpu=, load=)
  fleet.py report RESULTS                         prints the fleet table and the comparison with the aims
"""
import json
import os
import subprocess
import sys
import time
from collections import OrderedDict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import figures  # noqa: E402  (scripts/bench/figures.py)

INTERVAL = 0.2


def group_alive(pgid):
    try:
        os.kill(-pgid, 0)
        return True
    except OSError:
        return False


def command_connections(pgid, output, psql):
    """One psql session for the whole run (so sampling costs no connection setup per sample, and its own backend is
    in another database and not counted)."""
    pgid = int(pgid)
    database = os.environ["FLEET_DATABASE"]
    query = (
        "SELECT extract(epoch FROM clock_timestamp())::numeric(16,3), count(*), "
        "count(*) FILTER (WHERE state = 'active'), "
        "count(*) FILTER (WHERE state LIKE 'idle in transaction%') "
        f"FROM pg_stat_activity WHERE datname = '{database}' AND backend_type = 'client backend';\n"
    )
    session = subprocess.Popen(
        psql + ["-At", "-F", " "], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
    )
    try:
        with open(output, "w") as handle:
            while group_alive(pgid):
                session.stdin.write(query)
                session.stdin.flush()
                line = session.stdout.readline()
                if not line:
                    break
                handle.write(line)
                handle.flush()
                time.sleep(INTERVAL)
    finally:
        try:
            session.stdin.close()
        except OSError:
            pass
        session.terminate()
        session.wait(timeout=5)


def connection_figures(path):
    samples = []
    with open(path) as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 4:
                samples.append((float(parts[0]), int(parts[1]), int(parts[2]), int(parts[3])))
    if not samples:
        return OrderedDict(samples=0, max_total=0, max_active=0, max_idle_in_transaction=0)
    return OrderedDict(
        samples=len(samples),
        max_total=max(sample[1] for sample in samples),
        max_active=max(sample[2] for sample in samples),
        max_idle_in_transaction=max(sample[3] for sample in samples),
    )


def sandbox_stats(path):
    """Requests per API and answers by status from the sandbox's /_sandbox/stats (reset before each run)."""
    try:
        with open(path) as handle:
            document = json.load(handle)
    except (OSError, ValueError):
        return OrderedDict()
    credentials = document.get("credentials", {})
    return OrderedDict(
        requests=document.get("apis", {}),
        statuses=document.get("statuses", {}),
        rate_limited=int(document.get("statuses", {}).get("429", 0)),
        cliniko_per_key_max=max((n for key, n in credentials.items() if key.startswith("cliniko:")), default=0),
    )


def command_record(results_path, name, items):
    given = figures.arguments(items)
    metrics = figures.load(given["metrics"])
    record = OrderedDict(kind="fleet", wall_s=float(given["wall"]), load=given.get("load", "?"))
    record["concurrency"] = given.get("concurrency", "default")
    record.update(figures.time_report(given["time"]))
    record["sandbox_cpu_s"] = float(given.get("sandbox_cpu", 0))
    record["pg_cpu_s"] = float(given.get("pg_cpu", 0))
    outcomes = metrics.get("outcomes", [])
    record["organizations"] = len(outcomes)
    record["statuses"] = sorted({outcome["status"] for outcome in outcomes})
    record["read"] = sum(outcome["totals"].get("read", 0) for outcome in outcomes)
    record["run_seconds"] = metrics.get("seconds", 0)
    record["metrics_peak_rss_bytes"] = metrics.get("peak_resident_bytes", 0)
    requests = OrderedDict()
    retries = OrderedDict()
    waits = OrderedDict()
    per_org_cliniko = []
    per_org_requests = []
    org_seconds = []
    outcome_txn = []
    for outcome in outcomes:
        org_seconds.append(outcome.get("seconds", 0))
        if outcome.get("transaction_seconds") is not None:
            outcome_txn.append(outcome["transaction_seconds"])
        cliniko = 0
        mine = OrderedDict()
        for resource in outcome.get("resources", []):
            source = resource["source"]
            mine[source] = mine.get(source, 0) + resource.get("requests", 0)
            requests[source] = requests.get(source, 0) + resource.get("requests", 0)
            retries[source] = retries.get(source, 0) + resource.get("retries", 0)
            waits[source] = waits.get(source, 0) + resource.get("rate_limit_wait_milliseconds", 0) / 1000
            if source == "cliniko":
                cliniko += resource.get("requests", 0)
        per_org_cliniko.append(cliniko)
        per_org_requests.append(mine)
    record["requests"] = requests
    record["retries"] = retries
    record["rate_limit_wait_s"] = waits
    record["requests_per_org"] = per_org_requests
    record["cliniko_requests_per_org_max"] = max(per_org_cliniko, default=0)
    record["cliniko_requests_per_org_min"] = min(per_org_cliniko, default=0)
    record["organization_seconds_max"] = max(org_seconds, default=0)
    record["organization_seconds_min"] = min(org_seconds, default=0)
    record["connections"] = connection_figures(given["connections"])
    with open(given["txn"]) as handle:
        fields = handle.read().split()
    record["txn_max_s"] = float(fields[0]) if fields and fields[0] else None
    record["txn_runs"] = int(fields[1]) if len(fields) > 1 else 0
    record["txn_median_s"] = float(fields[2]) if len(fields) > 2 and fields[2] else None
    record["sandbox"] = sandbox_stats(given.get("stats", ""))
    results = figures.load(results_path)
    results[name] = record
    figures.save(results_path, results)
    print(
        f"  {name}: {record['organizations']} org(s), {record['read']:,} records in {record['wall_s']:.1f} s, "
        f"peak RSS {record.get('peak_rss_kb', 0) / 1024:.0f} MiB, max {record['connections']['max_total']} "
        f"connections, longest transaction {record['txn_max_s'] or 0:.2f} s, status {','.join(record['statuses'])}",
        file=sys.stderr,
    )


def aim(ok):
    return "met" if ok else "MISSED"


def command_report(results_path):
    results = figures.load(results_path)
    meta = results.get("meta", {})
    single = results.get("f.single")
    fleets = [results[key] for key in results if key.startswith("f.fleet.")]
    if not single or not fleets:
        return
    cores = os.cpu_count() or 1
    print()
    print(
        f"f. fleet under real rate limits: {meta.get('fleet_orgs', '?')} organizations × "
        f"{meta.get('fleet_patients', '?')} patients, sandbox {meta.get('fleet_sandbox', '?')}"
    )
    print(f"   client budgets from scripts/bench/fleet.yml: {meta.get('fleet_budgets', '?')}")
    header = (
        f"   {'run':<30}{'orgs':>5}{'wall s':>8}{'records':>10}{'rec/s':>8}{'RSS MiB':>9}{'conns':>7}"
        f"{'active':>7}{'txn max s':>10}{'txn/wall':>9}{'cliniko req':>12}{'429s':>6}{'rl wait s':>10}{'CPU r+pg+sb':>13}"
    )
    print(header)
    print("   " + "─" * (len(header) - 3))
    for label, record in [("single (--org, " + str(single["concurrency"]) + ")", single)] + [
        (f"fleet (--concurrency {record['concurrency']})", record) for record in fleets
    ]:
        cpu = record.get("user_s", 0) + record.get("sys_s", 0)
        limited = record.get("sandbox", {}).get("rate_limited", 0)
        txn = record["txn_max_s"] or 0.0
        print(
            f"   {label:<30}{record['organizations']:>5}{record['wall_s']:>8.1f}{record['read']:>10,}"
            f"{record['read'] / record['wall_s']:>8,.0f}{figures.mib(record.get('peak_rss_kb', 0)):>9.0f}"
            f"{record['connections']['max_total']:>7}{record['connections']['max_active']:>7}{txn:>10.2f}"
            f"{100 * txn / record['wall_s']:>8.1f}%{record['requests'].get('cliniko', 0):>12,}{limited:>6}"
            f"{sum(record['rate_limit_wait_s'].values()):>10.1f}"
            + f"{cpu:.0f}+{record['pg_cpu_s']:.0f}+{record['sandbox_cpu_s']:.0f}".rjust(13)
        )
    print()
    budget = 200
    for record in fleets:
        wall_ratio = record["wall_s"] / single["wall_s"]
        rss_ratio = record.get("peak_rss_kb", 0) / max(1, single.get("peak_rss_kb", 1))
        label = f"--concurrency {record['concurrency']}"
        print(f"   {label}: fleet ÷ single wall {wall_ratio:.2f}× (aim ≤ 1.5×: {aim(wall_ratio <= 1.5)}); "
              f"peak RSS {rss_ratio:.2f}× (aim ≤ 2×: {aim(rss_ratio <= 2)}); "
              f"max {record['connections']['max_total']} connections ({record['connections']['max_active']} active at once, "
              f"{record['connections']['max_idle_in_transaction']} idle in transaction); longest final transaction "
              f"{record['txn_max_s'] or 0:.2f} s of {record['wall_s']:.1f} s wall "
              f"(median {record['txn_median_s'] or 0:.2f} s over {record['txn_runs']} runs)")
    print()
    # What binds. Each organization's sources pace themselves with their own token buckets (fleet.yml's budgets);
    # the sandbox answers 429 only when a key's rolling window is full.
    floors = [budget_floor(requests) for requests in single.get("requests_per_org", [])]
    if floors:
        floor, parts = floors[0]
        print(
            f"   what binds one organization: its client budgets pace it ({parts}): at least {floor:.0f} s of its "
            f"{single['wall_s']:.0f} s wall; the sandbox answered 429 {single.get('sandbox', {}).get('rate_limited', 0)} times."
        )
    for record in fleets:
        cpu = record.get("user_s", 0) + record.get("sys_s", 0) + record["pg_cpu_s"] + record["sandbox_cpu_s"]
        floor = cpu / cores
        slots = record["concurrency"]
        slots = DEFAULT_CONCURRENCY if slots == "default" else int(slots)
        waves = -(-record["organizations"] // slots)
        budget_floors = sorted((budget_floor(requests)[0] for requests in record.get("requests_per_org", [])), reverse=True)
        paced = sum(budget_floors[:1]) * waves if budget_floors else 0
        print(
            f"   --concurrency {record['concurrency']}: {record['organizations']} organizations in {slots} slots = "
            f"{waves} wave(s) of budget-paced organizations (the slowest needs {budget_floors[0] if budget_floors else 0:.0f} s: "
            f"about {paced:.0f} s in all); CPU: routiq, PostgreSQL and the sandbox used {cpu:.0f} CPU-seconds, at least "
            f"{floor:.0f} s on {cores} cores; measured {record['wall_s']:.0f} s; 429s "
            f"{record.get('sandbox', {}).get('rate_limited', 0)}, retries {sum(record['retries'].values())}, 429 waits "
            f"{sum(record['rate_limit_wait_s'].values()):.1f} s; organizations took "
            f"{record['organization_seconds_min']:.1f}–{record['organization_seconds_max']:.1f} s each."
        )


# The client's token buckets (Sources/Extract/HTTP/TokenBucket.swift) for fleet.yml's budgets: capacity
# C = max(1, limit/20) in the API's window W, refill (limit − 2C)/W per second. Requests beyond the first C wait
# for the refill, so n requests take at least (n − C)/r seconds.
BUDGETS = {"cliniko": (200, 60), "chatwoot": (600, 60), "clerk": (100, 10)}
DEFAULT_CONCURRENCY = 16


def budget_floor(requests):
    total = 0.0
    parts = []
    for source, count in requests.items():
        limit, window = BUDGETS.get(source, (0, 0))
        if not limit:
            continue
        capacity = max(1, limit // 20)
        refill = max(limit - 2 * capacity, 1) / window
        seconds = max(0, count - capacity) / refill
        total += seconds
        parts.append(f"{source} {count} requests at {refill:.0f}/s ≈ {seconds:.0f} s")
    return total, "; ".join(parts)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[1], argv[2:]
    if command == "connections":
        command_connections(rest[0], rest[1], rest[2:])
    elif command == "record":
        command_record(rest[0], rest[1], rest[2:])
    elif command == "report":
        command_report(rest[0])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
