"""scripts/bench-run's helper: reads the sandbox's startup document, /proc CPU counters, `/usr/bin/time -v`
reports, routiq's --metrics-json and JSON logs, and dlt_peer.py's output; keeps every measurement in one JSON
file and prints the figures. Standard library only (python3 >= 3.8).

  figures.py orgs STARTUP_JSON COUNT            one TSV line per organization (id, name, slug, zone, region, keys …)
  figures.py base-url STARTUP_JSON              the sandbox's base URL
  figures.py cpu PID [--tree]                   CPU seconds of PID (--tree: plus its children, live and reaped)
  figures.py sample PGID OUT                    samples the resident memory of process group PGID until it ends
  figures.py routiq RESULTS NAME key=value …    records a routiq run (time=, metrics=, log=, wall=, …)
  figures.py dlt RESULTS NAME key=value …       records a dlt_peer.py run (time=, out=, wall=, …)
  figures.py copy RESULTS NAME key=value …      records the psql \\copy baseline (counts=, wall=, …)
  figures.py report RESULTS                     prints every figure and the comparison with the targets
"""
import json
import os
import statistics
import sys
from collections import OrderedDict

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def load(path):
    try:
        with open(path) as handle:
            return json.load(handle, object_pairs_hook=OrderedDict)
    except FileNotFoundError:
        return OrderedDict()


def save(path, data):
    temporary = path + ".tmp"
    with open(temporary, "w") as handle:
        json.dump(data, handle, indent=2)
    os.replace(temporary, path)


def arguments(items):
    return dict(item.split("=", 1) for item in items)


# MARK: Sources of figures


def proc_stat(pid):
    with open(f"/proc/{pid}/stat") as handle:
        text = handle.read()
    fields = text[text.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state); utime is field 14, stime 15, cutime 16, cstime 17, ppid field 4.
    return {
        "ppid": int(fields[1]),
        "self": (int(fields[11]) + int(fields[12])) / CLOCK_TICKS,
        "children": (int(fields[13]) + int(fields[14])) / CLOCK_TICKS,
    }


def cpu_seconds(pid, tree):
    """CPU of `pid`; with `tree`, also of its reaped children and of its live children (a postmaster's backends)."""
    try:
        stat = proc_stat(pid)
    except OSError:
        return 0.0
    total = stat["self"]
    if tree:
        total += stat["children"]
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                child = proc_stat(entry)
            except OSError:
                continue
            if child["ppid"] == int(pid):
                total += child["self"]
    return total


def group_members(pgid):
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                text = handle.read()
            comm = text[text.index("(") + 1 : text.rindex(")")]
            fields = text[text.rindex(")") + 2 :].split()
            if int(fields[2]) != pgid or comm == "time":
                continue
            with open(f"/proc/{entry}/status") as handle:
                rss = next((int(line.split()[1]) for line in handle if line.startswith("VmRSS:")), 0)
            members.append((rss, int(entry)))
        except (OSError, ValueError, IndexError, StopIteration):
            continue
    return members


def command_sample(pgid, output, interval=0.2):
    """Writes `unix-time rss-kb` of the largest process of group `pgid` (not `time` itself) until the group ends."""
    import time

    pgid = int(pgid)
    with open(output, "w") as handle:
        while True:
            members = group_members(pgid)
            if not members:
                try:
                    os.kill(-pgid, 0)
                except OSError:
                    return
            else:
                handle.write(f"{time.time():.3f} {max(members)[0]}\n")
                handle.flush()
            time.sleep(interval)


def rss_peak(path, log_path):
    """The sampled peak: its size, when (seconds from the first sample) and the last log event before it."""
    samples = []
    try:
        with open(path) as handle:
            for line in handle:
                parts = line.split()
                if len(parts) == 2:
                    samples.append((float(parts[0]), int(parts[1])))
    except FileNotFoundError:
        return None
    if not samples:
        return None
    at, peak = max(samples, key=lambda sample: sample[1])
    before = None
    last_stage = None
    if log_path and os.path.exists(log_path):
        with open(log_path) as handle:
            for line in handle:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if event.get("message") != "stage finished":
                    continue
                ts = iso_seconds(event["ts"])
                last_stage = max(last_stage or ts, ts)
                if ts <= at:
                    before = f"{event.get('routiq.stage')} of {event.get('routiq.org', '?')[-6:]} finished"
    if last_stage is not None and at > last_stage:
        # Reports are written after every organization's transaction has committed.
        before = "every organization's stages finished: while the reports were written"
    stages_peak = max((rss for t, rss in samples if last_stage is None or t <= last_stage), default=0)
    return OrderedDict(
        peak_kb=peak, at_s=round(at - samples[0][0], 1), of_s=round(samples[-1][0] - samples[0][0], 1), after=before,
        stages_peak_kb=stages_peak,
    )


def time_report(path):
    """The fields of a `/usr/bin/time -v` report."""
    figures = {}
    with open(path) as handle:
        for line in handle:
            line = line.strip()
            if line.startswith("Maximum resident set size (kbytes):"):
                figures["peak_rss_kb"] = int(line.rsplit(":", 1)[1])
            elif line.startswith("User time (seconds):"):
                figures["user_s"] = float(line.rsplit(":", 1)[1])
            elif line.startswith("System time (seconds):"):
                figures["sys_s"] = float(line.rsplit(":", 1)[1])
            elif line.startswith("Exit status:"):
                figures["exit_status"] = int(line.rsplit(":", 1)[1])
    return figures


def stage_durations(log_path):
    """Per organization, the `stage finished` durations (seconds) from routiq's JSON log; and the report phase."""
    stages = OrderedDict()
    last_stage_ts = None
    reports_ts = None
    warnings = 0
    if not os.path.exists(log_path):
        return stages, None, warnings
    with open(log_path) as handle:
        for line in handle:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("level") in ("warning", "error", "critical"):
                warnings += 1
            if event.get("message") == "stage finished":
                organization = event.get("routiq.org", "?")
                stage = event.get("routiq.stage", "?")
                stages.setdefault(organization, OrderedDict())[stage] = int(event.get("routiq.duration_ms", 0)) / 1000
                last_stage_ts = max(last_stage_ts or event["ts"], event["ts"])
            elif event.get("message") == "reports written":
                reports_ts = max(reports_ts or event["ts"], event["ts"])
    report_seconds = None
    if last_stage_ts and reports_ts:
        report_seconds = max(0.0, iso_seconds(reports_ts) - iso_seconds(last_stage_ts))
    return stages, report_seconds, warnings


def iso_seconds(text):
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


# MARK: Commands


def command_orgs(startup, count):
    document = load(startup)
    for organization in document["organizations"][: int(count)]:
        print(
            "\t".join(
                str(organization[key])
                for key in (
                    "id", "name", "slug", "time_zone", "phone_region", "cliniko_api_key", "cliniko_base_url",
                    "chatwoot_api_access_token", "chatwoot_account_id", "chatwoot_base_url", "clerk_secret_key",
                )
            )
        )


def command_routiq(results_path, name, items):
    given = arguments(items)
    metrics = load(given["metrics"])
    record = OrderedDict(kind="routiq", wall_s=float(given["wall"]), load=given.get("load", "?"))
    record.update(time_report(given["time"]))
    record["sandbox_cpu_s"] = float(given.get("sandbox_cpu", 0))
    record["pg_cpu_s"] = float(given.get("pg_cpu", 0))
    outcomes = metrics.get("outcomes", [])
    record["organizations"] = len(outcomes)
    record["statuses"] = sorted({outcome["status"] for outcome in outcomes})
    for key in ("read", "inserted", "updated", "unchanged", "removed", "quarantined"):
        record[key] = sum(outcome["totals"].get(key, 0) for outcome in outcomes)
    record["run_seconds"] = metrics.get("seconds", 0)
    record["metrics_peak_rss_bytes"] = metrics.get("peak_resident_bytes", 0)
    per_resource = OrderedDict()
    requests = OrderedDict()
    for outcome in outcomes:
        # Each resource reports its own requests; a source's are their sum.
        for resource in outcome.get("resources", []):
            key = f"{resource['source']}.{resource['resource']}"
            entry = per_resource.setdefault(
                key, OrderedDict(read=0, pages=0, seconds=0.0, copy_seconds=0.0, merge_seconds=0.0)
            )
            entry["read"] += resource.get("read", 0)
            entry["pages"] += resource.get("pages", 0)
            entry["seconds"] += resource.get("seconds", 0.0)
            entry["copy_seconds"] += resource.get("copy_seconds", 0.0)
            entry["merge_seconds"] += resource.get("merge_seconds", 0.0)
            requests[resource["source"]] = requests.get(resource["source"], 0) + resource.get("requests", 0)
    record["resources"] = per_resource
    record["requests"] = requests
    record["organization_seconds"] = [outcome.get("seconds", 0) for outcome in outcomes]
    stages, report_seconds, warnings = stage_durations(given.get("log", ""))
    record["stages"] = stages
    record["report_phase_s"] = report_seconds
    record["log_warnings"] = warnings
    record["rss_samples"] = rss_peak(given.get("rss", ""), given.get("log", ""))
    results = load(results_path)
    results[name] = record
    save(results_path, results)
    print(
        f"  {name}: {record['read']:,} records in {record['wall_s']:.1f} s "
        f"({record['read'] / record['wall_s']:,.0f} records/s), peak RSS {record.get('peak_rss_kb', 0) / 1024:.0f} MiB, "
        f"status {','.join(record['statuses'])}",
        file=sys.stderr,
    )


def command_dlt(results_path, name, items):
    given = arguments(items)
    record = OrderedDict(kind="dlt", wall_s=float(given["wall"]), load=given.get("load", "?"))
    record.update(time_report(given["time"]))
    record["sandbox_cpu_s"] = float(given.get("sandbox_cpu", 0))
    record["pg_cpu_s"] = float(given.get("pg_cpu", 0))
    output = {}
    with open(given["out"]) as handle:
        for line in handle:
            line = line.strip()
            if line.startswith("{"):
                output = json.loads(line)
    rows = output.get("rows", {})
    resources = output.get("resources", [])
    record["rows"] = rows
    record["read"] = sum(count for table, count in rows.items() if table in resources)
    record["rows_all_tables"] = sum(rows.values())
    record["dlt_internal_wall_s"] = output.get("wall_s")
    results = load(results_path)
    results[name] = record
    save(results_path, results)
    print(
        f"  {name}: {record['read']:,} records ({record['rows_all_tables']:,} rows with child tables) in "
        f"{record['wall_s']:.1f} s, peak RSS {record.get('peak_rss_kb', 0) / 1024:.0f} MiB",
        file=sys.stderr,
    )


def command_copy(results_path, name, items):
    given = arguments(items)
    counts = OrderedDict()
    with open(given["counts"]) as handle:
        for line in handle:
            if "\t" in line:
                table, count = line.strip().split("\t")
                counts[table] = int(count)
    record = OrderedDict(
        kind="copy", wall_s=float(given["wall"]), load=given.get("load", "?"), rows=counts,
        total_rows=sum(counts.values()), bytes=int(given.get("bytes", 0)), pg_cpu_s=float(given.get("pg_cpu", 0)),
    )
    results = load(results_path)
    results[name] = record
    save(results_path, results)
    print(
        f"  {name}: {record['total_rows']:,} rows in {record['wall_s']:.2f} s "
        f"({record['total_rows'] / record['wall_s']:,.0f} rows/s)",
        file=sys.stderr,
    )


# MARK: Report


def mib(kb):
    return kb / 1024


def verdict(ok):
    return "meets the target" if ok else "MISSES the target"


def print_run(record, indent="   "):
    read = record["read"]
    wall = record["wall_s"]
    print(f"{indent}organizations         {record['organizations']} ({', '.join(record['statuses'])})")
    print(
        f"{indent}records read          {read:,}  (inserted {record['inserted']:,}, updated {record['updated']:,}, "
        f"unchanged {record['unchanged']:,}, quarantined {record['quarantined']:,})"
    )
    print(f"{indent}wall time             {wall:.1f} s   (routiq's own run timer: {record['run_seconds']:.1f} s)")
    print(f"{indent}records/s             {read / wall:,.0f}")
    print(
        f"{indent}peak RSS (routiq)     {mib(record.get('peak_rss_kb', 0)):.0f} MiB   "
        f"(/usr/bin/time -v; getrusage in --metrics-json: {record['metrics_peak_rss_bytes'] / 1048576:.0f} MiB)"
    )
    print(
        f"{indent}CPU seconds           routiq {record.get('user_s', 0) + record.get('sys_s', 0):.1f} "
        f"(user {record.get('user_s', 0):.1f}, sys {record.get('sys_s', 0):.1f}), sandbox {record['sandbox_cpu_s']:.1f}, "
        f"PostgreSQL {record['pg_cpu_s']:.1f}"
    )
    samples = record.get("rss_samples")
    if samples:
        after = f", after {samples['after']}" if samples.get("after") else ", before any stage finished"
        stages = samples.get("stages_peak_kb")
        print(
            f"{indent}RSS over time         sampled every 0.2 s: peak {mib(samples['peak_kb']):.0f} MiB at "
            f"{samples['at_s']:.1f} s of {samples['of_s']:.1f} s{after}"
            + (f"; peak until the last stage finished {mib(stages):.0f} MiB" if stages else "")
        )
    print(f"{indent}load average at start {record['load']}")


def print_phases(record, indent="   "):
    stages = record.get("stages", {})
    if not stages:
        return
    totals = OrderedDict()
    for organization_stages in stages.values():
        for stage, seconds in organization_stages.items():
            totals[stage] = totals.get(stage, 0.0) + seconds
    organizations = len(stages)
    label = "phases (s, one org)" if organizations == 1 else f"phases (s, summed over {organizations} orgs)"
    parts = [f"{stage} {seconds:.1f}" for stage, seconds in totals.items() if seconds >= 0.05]
    if record.get("report_phase_s") is not None:
        parts.append(f"reports {record['report_phase_s']:.1f}")
    print(f"{indent}{label}: " + ", ".join(parts))
    resources = record.get("resources", {})
    if resources:
        parts = [
            f"{key} {value['read']:,} in {value['seconds']:.1f} s"
            for key, value in resources.items()
            if value["read"] or value["seconds"] >= 0.05
        ]
        print(f"{indent}records per resource: " + "; ".join(parts))
    requests = record.get("requests", {})
    if requests:
        print(f"{indent}HTTP requests: " + ", ".join(f"{source} {count:,}" for source, count in requests.items()))


def command_report(results_path):
    results = load(results_path)
    meta = results.get("meta", {})
    print("RoutIQ benchmark figures (scripts/bench-run)")
    for key in ("date", "host", "routiq", "postgres", "dlt", "settings", "load_at_start"):
        if key in meta:
            print(f"  {key:<14}{meta[key]}")
    a = results.get("a")
    if a:
        print()
        print(f"a. full run, 1 organization × {meta.get('patients', '?')} patients (every stage, reports included)")
        print_run(a)
        print_phases(a)
    b = results.get("b")
    if b:
        print()
        print(
            f"b. full run, {b['organizations']} organizations × {meta.get('patients', '?')} patients "
            f"(--concurrency {meta.get('concurrency', 'default')})"
        )
        print_run(b)
        print_phases(b)
        if a and a.get("peak_rss_kb"):
            ratio = b["peak_rss_kb"] / a["peak_rss_kb"]
            print(f"   peak RSS b/a          {ratio:.2f}   (target ≤ 1.5: {verdict(ratio <= 1.5)})")
    c = results.get("c")
    if c and a:
        print()
        print("c. load throughput: rows routiq wrote in (a) vs. psql \\copy of the same rows into fresh identical tables")
        copy_rate = c["total_rows"] / c["wall_s"]
        extract_seconds = sum(
            seconds
            for organization_stages in a.get("stages", {}).values()
            for stage, seconds in organization_stages.items()
            if stage.startswith("extract.")
        )
        print(
            f"   rows                  {c['total_rows']:,} in {len(c['rows'])} tables "
            f"({', '.join(f'{t} {n:,}' for t, n in c['rows'].items())})"
        )
        print(f"   psql \\copy            {c['wall_s']:.2f} s = {copy_rate:,.0f} rows/s  ({c['bytes'] / 1048576:.0f} MiB of COPY text, one transaction)")
        load_seconds = sum(
            value.get("copy_seconds", 0.0) + value.get("merge_seconds", 0.0)
            for value in a.get("resources", {}).values()
        )
        if load_seconds > 0:
            copy_seconds = sum(value.get("copy_seconds", 0.0) for value in a.get("resources", {}).values())
            rate = c["total_rows"] / load_seconds
            print(
                f"   routiq COPY + merge   {load_seconds:.1f} s = {rate:,.0f} rows/s = {100 * rate / copy_rate:.1f} % of \\copy "
                f"(target ≥ 70 %: {verdict(rate / copy_rate >= 0.7)})"
            )
            print(
                f"                         (staging COPY {copy_seconds:.1f} s + merge into the warehouse "
                f"{load_seconds - copy_seconds:.1f} s, on the run's one connection per organization)"
            )
        if extract_seconds > 0:
            rate = c["total_rows"] / extract_seconds
            print(
                f"   routiq extract stages {extract_seconds:.1f} s = {rate:,.0f} rows/s = {100 * rate / copy_rate:.1f} % of \\copy"
            )
            print("                         (the extract stages: HTTP fetch + decode + normalize + COPY + merge)")
        rate = c["total_rows"] / a["wall_s"]
        print(
            f"   routiq whole run      {a['wall_s']:.1f} s = {rate:,.0f} rows/s = {100 * rate / copy_rate:.1f} % of \\copy "
            "(also matching, scoring, commit, reports)"
        )
    d = results.get("d")
    if d:
        print()
        print("d. no-op incremental run (the same pipeline again on (a)'s database, no source change)")
        print_run(d)
        print_phases(d)
        changed = d["inserted"] + d["updated"] + d["removed"]
        print(f"   rows changed          {changed}  (expected 0)")
    rounds = sorted(key for key in results if key.startswith("e.dlt."))
    if rounds:
        print()
        print(
            "e. dlt 1.31 (dlt_peer.py) vs routiq on the same Cliniko resources of one organization "
            "(patients, individual_appointments, appointment_types, practitioners)"
        )
        speed = []
        memory = []
        for key in rounds:
            number = key.rsplit(".", 1)[1]
            dlt = results[key]
            ours = results.get(f"e.routiq.{number}")
            print(
                f"   round {number}: dlt    {dlt['read']:,} records ({dlt['rows_all_tables']:,} rows incl. child tables) "
                f"in {dlt['wall_s']:.1f} s = {dlt['read'] / dlt['wall_s']:,.0f} records/s, peak RSS "
                f"{mib(dlt.get('peak_rss_kb', 0)):.0f} MiB, CPU {dlt.get('user_s', 0) + dlt.get('sys_s', 0):.1f} s "
                f"(+ PostgreSQL {dlt['pg_cpu_s']:.1f} s); load {dlt['load']}"
            )
            if ours:
                print(
                    f"   round {number}: routiq {ours['read']:,} records in {ours['wall_s']:.1f} s = "
                    f"{ours['read'] / ours['wall_s']:,.0f} records/s, peak RSS {mib(ours.get('peak_rss_kb', 0)):.0f} MiB, "
                    f"CPU {ours.get('user_s', 0) + ours.get('sys_s', 0):.1f} s (+ PostgreSQL {ours['pg_cpu_s']:.1f} s); "
                    f"load {ours['load']}"
                )
                speed.append((ours["read"] / ours["wall_s"]) / (dlt["read"] / dlt["wall_s"]))
                memory.append(ours.get("peak_rss_kb", 0) / max(1, dlt.get("peak_rss_kb", 1)))
        if speed:
            best_speed = statistics.median(speed)
            best_memory = statistics.median(memory)
            label = "median of rounds" if len(speed) > 1 else "one round"
            print(f"   speed routiq/dlt      {best_speed:.1f}×  ({label}; target ≥ 10×: {verdict(best_speed >= 10)})")
            print(f"   peak RSS routiq/dlt   {best_memory:.2f}   ({label}; target ≤ 0.25: {verdict(best_memory <= 0.25)})")


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[1], argv[2:]
    if command == "orgs":
        command_orgs(*rest)
    elif command == "base-url":
        print(load(rest[0])["base_url"])
    elif command == "cpu":
        print(f"{cpu_seconds(rest[0], '--tree' in rest):.2f}")
    elif command == "meta":
        results = load(rest[0])
        meta = results.setdefault("meta", OrderedDict())
        meta.update(arguments(rest[1:]))
        save(rest[0], results)
    elif command == "sample":
        command_sample(rest[0], rest[1])
    elif command == "routiq":
        command_routiq(rest[0], rest[1], rest[2:])
    elif command == "dlt":
        command_dlt(rest[0], rest[1], rest[2:])
    elif command == "copy":
        command_copy(rest[0], rest[1], rest[2:])
    elif command == "report":
        command_report(rest[0])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
