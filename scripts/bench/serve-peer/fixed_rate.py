#!/usr/bin/env python3
"""An open-loop, fixed-rate HTTP/1.1 load generator for scripts/bench-serve (Debian has wrk but not wrk2).

Requests are due at fixed intervals (start + i / rate), whatever the server does. A pool of keep-alive connections
takes them in order; each request's latency is counted from the moment it was *due* to the last byte of its
response, so a stalled server is charged for the requests queued behind the stall (no coordinated omission: the
same correction wrk2 makes). The time from sending to the last byte is reported too ("service").

Standard library only (asyncio streams, no HTTP client library): the generator shares the 2 cores with the servers
and PostgreSQL, so it must cost little. Prints one JSON object.

Requests still queued or in flight --drain seconds after the last one was due are counted as "unfinished" (the
percentiles then leave them out, so they are lower bounds: the report says so).

usage: fixed_rate.py URL --rate 2000 --duration 15 [--warmup 2] [--connections 64] [--drain 10] [-H 'Name: value' ...]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from urllib.parse import urlsplit


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


async def read_response(reader: asyncio.StreamReader) -> int:
    """Reads one response (Content-Length or chunked body); returns its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = None
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    elif status not in (204, 304) and length is None:
        raise RuntimeError("a response without Content-Length or chunked encoding")
    return status


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--rate", type=float, default=2000)
    parser.add_argument("--duration", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=2, help="seconds at the rate before measuring")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--drain", type=float, default=10, help="seconds to wait for late responses at the end")
    parser.add_argument("-H", "--header", action="append", default=[])
    arguments = parser.parse_args()

    url = urlsplit(arguments.url)
    target = url.path + (f"?{url.query}" if url.query else "")
    headers = [f"Host: {url.netloc}", "User-Agent: routiq-bench-fixed-rate", *arguments.header]
    request = (f"GET {target} HTTP/1.1\r\n" + "".join(f"{h}\r\n" for h in headers) + "\r\n").encode()

    queue: asyncio.Queue[float | None] = asyncio.Queue()
    total_seconds = arguments.warmup + arguments.duration
    count = int(total_seconds * arguments.rate)
    start = time.perf_counter() + 0.2
    measure_from = start + arguments.warmup
    latencies: list[float] = []
    service: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    max_backlog = 0
    in_flight = 0
    last_done = 0.0

    async def connection_worker() -> None:
        nonlocal errors, in_flight, last_done
        reader = writer = None
        while True:
            due = await queue.get()
            if due is None:
                break
            in_flight += 1
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(url.hostname, url.port or 80)
                sent = time.perf_counter()
                writer.write(request)
                status = await read_response(reader)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, RuntimeError):
                errors += 1
                in_flight -= 1
                if writer is not None:
                    writer.close()
                reader = writer = None
                continue
            in_flight -= 1
            done = time.perf_counter()
            if due >= measure_from:
                last_done = done
                latencies.append(done - due)
                service.append(done - sent)
                statuses[status] = statuses.get(status, 0) + 1
        if writer is not None:
            writer.close()

    workers = [asyncio.create_task(connection_worker()) for _ in range(arguments.connections)]
    issued = 0
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    while issued < count:
        now = time.perf_counter()
        due_now = min(count, int((now - start) * arguments.rate) + 1) if now >= start else 0
        while issued < due_now:
            queue.put_nowait(start + issued / arguments.rate)
            issued += 1
        max_backlog = max(max_backlog, queue.qsize())
        await asyncio.sleep(0.0005)
    for _ in workers:
        queue.put_nowait(None)
    _, late = await asyncio.wait(workers, timeout=arguments.drain)
    # Requests still queued or in flight after the drain period: counted, never timed (they took longer than it).
    unfinished = sum(1 for item in queue._queue if item is not None) + in_flight  # noqa: SLF001
    for task in late:
        task.cancel()
    end = time.perf_counter()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)

    latencies.sort()
    service.sort()
    measured = len(latencies)
    window = end - measure_from
    cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    milliseconds = lambda v: None if v is None else round(v * 1000, 3)  # noqa: E731
    print(
        json.dumps(
            {
                "method": "open loop, latency from the due time",
                "rate_target": arguments.rate,
                "measured_seconds": round(arguments.duration, 3),
                "completed": measured,
                # Responses per second from the start of measuring to the last measured response.
                "achieved_rate": round(measured / max(arguments.duration, last_done - measure_from), 1),
                "drain_seconds": round(window - arguments.duration, 3),
                "statuses": {str(k): v for k, v in sorted(statuses.items())},
                "errors": errors,
                "unfinished": unfinished,
                "max_backlog": max_backlog,
                "p50_ms": milliseconds(percentile(latencies, 0.50)),
                "p90_ms": milliseconds(percentile(latencies, 0.90)),
                "p99_ms": milliseconds(percentile(latencies, 0.99)),
                "p999_ms": milliseconds(percentile(latencies, 0.999)),
                "max_ms": milliseconds(latencies[-1] if latencies else None),
                "service_p50_ms": milliseconds(percentile(service, 0.50)),
                "service_p99_ms": milliseconds(percentile(service, 0.99)),
                "generator_cpu_seconds": round(cpu, 2),
            }
        )
    )


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(130)
