#!/usr/bin/env python3
"""The measuring half of bench/run.sh (standard library only).

  bench.py snap APPHOST_PID                 CPU time so far of every process the AppHost started,
                                            by part, as JSON on stdout (see PARTS)
  bench.py record RESULTS.jsonl ...         one scenario's figures (CPU deltas, load tool output)
  bench.py render RESULTS.jsonl SETTINGS.json OUT.md OUT.json

CPU time of a part = utime + stime + cutime + cstime of every live process in it, read from
/proc/<pid>/stat: a child that has exited and been waited for is in its parent's cutime/cstime, so
PostgreSQL's backends that ended during a scenario still count (through the postmaster). Every
process is counted once, in the part of its nearest ancestor (or itself) that a rule names.
"""
import json
import os
import re
import sys
import time

TICK_MS = 1000.0 / os.sysconf("SC_CLK_TCK")

# (part, test on the command line); the first rule that matches a process names its part.
PARTS = [
    ("api", lambda c: "BazaarCstd.Api" in c),
    ("worker", lambda c: "BazaarCstd.Worker" in c),
    ("web", lambda c: "BazaarCstd.Web" in c),
    ("migrations", lambda c: "BazaarCstd.MigrationService" in c),
    ("postgres-replica", lambda c: re.search(r"postgres .*-D \S*/postgres-replica\b", c) is not None),
    ("postgres", lambda c: re.search(r"postgres .*-D \S*/postgres\b", c) is not None),
    ("redis", lambda c: "redis-server" in c),
    ("rabbitmq", lambda c: "rabbitmq" in c or c.startswith("epmd")),
    ("dashboard", lambda c: "Aspire.Dashboard" in c),
    ("dcp", lambda c: "/dcp " in c or c.endswith("/dcp")),
]
ORDER = ["api", "postgres", "dashboard", "dcp", "redis", "rabbitmq", "worker", "web", "postgres-replica",
         "apphost", "migrations", "other", "load"]
LABELS = {
    "api": "API (all replicas)",
    "postgres": "PostgreSQL primary (incl. exited backends)",
    "dashboard": "Aspire dashboard (telemetry)",
    "dcp": "DCP (incl. its proxy in front of the API)",
    "redis": "Redis",
    "rabbitmq": "RabbitMQ",
    "worker": "Worker (relay, alerts)",
    "web": "Web dashboard",
    "postgres-replica": "PostgreSQL replica",
    "apphost": "AppHost",
    "migrations": "migrations",
    "other": "other processes of the app",
    "load": "load generator (wrk / pgbench)",
}


def processes():
    """pid → (ppid, cmdline, cpu ticks incl. waited-for children)."""
    result = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        # fields[0] is state (field 3); utime..cstime are fields 14..17.
        ppid = int(fields[1])
        ticks = sum(int(x) for x in fields[11:15])
        result[int(entry)] = (ppid, cmd, ticks)
    return result


def snap(apphost):
    procs = processes()
    children = {}
    for pid, (ppid, _, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    # The AppHost's orchestrator (DCP) leaves its process group and is reparented to init; it names
    # the AppHost it serves in its arguments ("--monitor <pid>").
    roots = [apphost] + [pid for pid, (_, cmd, _) in procs.items()
                         if re.search(rf"/dcp start-apiserver .*--monitor {apphost}\b", cmd)]
    totals = {}
    seen = set()
    stack = [(r, "apphost" if r == apphost else None) for r in roots if r in procs]
    while stack:
        pid, inherited = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        _, cmd, ticks = procs[pid]
        part = next((name for name, test in PARTS if test(cmd)), None) or inherited or "other"
        totals[part] = totals.get(part, 0) + ticks
        stack.extend((c, part) for c in children.get(pid, []))
    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:]]
    idle = cpu[3] + cpu[4]
    return {"t": time.time(), "parts_ms": {k: v * TICK_MS for k, v in totals.items()},
            "machine_busy_ms": (sum(cpu[:8]) - idle) * TICK_MS, "processes": len(seen)}


def api_url(apphost):
    """The URL of the API's proxy, as the AppHost handed it to the Web dashboard (services__api__http__0):
    with randomized ports nothing else prints it. Empty until the Web process runs."""
    procs = processes()
    children = {}
    for pid, (ppid, _, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    stack = [pid for pid, (_, cmd, _) in procs.items() if re.search(rf"/dcp start-apiserver .*--monitor {apphost}\b", cmd)]
    while stack:
        pid = stack.pop()
        if re.search(r"BazaarCstd\.Web(\s|$)", procs[pid][1]) and "dotnet run" not in procs[pid][1]:
            try:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    for var in f.read().split(b"\0"):
                        if var.startswith(b"services__api__http__0="):
                            return var.split(b"=", 1)[1].decode()
            except OSError:
                pass
        stack.extend(children.get(pid, []))
    return ""


def record(path, args):
    """args: key=value pairs; before= / after= name snap files, load_cpu= "user sys" seconds,
    load= the load tool's JSON (wrk) or pgbench's output file, tool=wrk|pgbench."""
    a = dict(x.split("=", 1) for x in args)
    before = json.load(open(a.pop("before")))
    after = json.load(open(a.pop("after")))
    user, sys_ = (float(x) for x in a.pop("load_cpu").split())
    tool = a["tool"]
    load = a.pop("load")
    if tool == "idle":
        ok, errors, window, lat = 0, 0, float(a["duration"]), {"p50": 0.0, "p95": 0.0, "p99": 0.0}
    elif tool == "wrk":
        w = json.load(open(load))
        errors = w["errors_connect"] + w["errors_read"] + w["errors_write"] + w["errors_status"] + w["errors_timeout"]
        ok = w["requests"] - w["errors_status"]
        window = w["duration_us"] / 1e6
        lat = {p: w[f"latency_{p}_us"] / 1000 for p in ("p50", "p95", "p99")}
    else:
        text = open(load).read()
        num = lambda pattern: float(re.search(pattern, text).group(1)) if re.search(pattern, text) else 0.0
        ok = int(num(r"number of transactions actually processed: (\d+)"))
        errors = int(num(r"number of failed transactions: (\d+)"))
        # pgbench's -T clock includes connecting its clients ("initial connection time"); its own tps
        # leaves that out, and so does the rate here.
        window = max(float(a["duration"]) - num(r"initial connection time = ([\d.]+) ms") / 1000, 0.001)
        lats = sorted(float(x) for x in open(load + ".latencies").read().split())

        def pct(p):
            return lats[min(len(lats) - 1, max(0, -(-len(lats) * p // 100) - 1))] if lats else 0.0
        lat = {"p50": pct(50), "p95": pct(95), "p99": pct(99)}
    parts = {k: after["parts_ms"].get(k, 0) - before["parts_ms"].get(k, 0)
             for k in set(before["parts_ms"]) | set(after["parts_ms"])}
    parts["load"] = (user + sys_) * 1000
    cpu_window = after["t"] - before["t"]
    row = {
        "name": a["name"], "tool": tool, "what": a.get("what", ""), "clients": int(a["clients"]),
        "baseline": a.get("baseline") or None, "lines_per_request": int(a.get("lines", "1")),
        "requests": ok, "errors": errors, "window_s": round(window, 2),
        "per_s": round(ok / window, 1) if window else 0,
        "latency_ms": {k: round(v, 2) for k, v in lat.items()},
        "cpu_window_s": round(cpu_window, 2),
        "cpu_ms": {k: round(v, 1) for k, v in parts.items()},
        "cpu_ms_per_request": {k: round(v / ok, 3) if ok else None for k, v in parts.items()},
        "cpu_ms_per_s": {k: round(v / cpu_window, 1) for k, v in parts.items()},
        "machine_cpu_ms_per_request": round((after["machine_busy_ms"] - before["machine_busy_ms"]) / ok, 3) if ok else None,
        "machine_busy_cores": round((after["machine_busy_ms"] - before["machine_busy_ms"]) / 1000 / cpu_window, 2),
    }
    for k in ("db_check", "events"):
        if k in a:
            row[k] = json.loads(a[k])
    with open(path, "a") as f:
        f.write(json.dumps(row) + "\n")
    if tool == "idle":
        print(f"    idle: app CPU {sum(v for k, v in row['cpu_ms_per_s'].items() if k != 'load'):.0f} ms/s")
        return
    print(f"    {row['name']}: {row['per_s']}/s, p50 {lat['p50']:.1f} ms, p99 {lat['p99']:.1f} ms, errors {errors}, "
          f"app CPU {sum(v for k, v in row['cpu_ms_per_request'].items() if k != 'load' and v):.2f} ms/request")


def render(path, settings_path, md_path, json_path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    idle = [r for r in rows if r["tool"] == "idle"]
    rows = [r for r in rows if r["tool"] != "idle"]
    settings = json.load(open(settings_path))
    by_name = {r["name"]: r for r in rows}
    for r in rows:
        b = by_name.get(r["baseline"]) if r["baseline"] else None
        r["ratio_to_baseline"] = round(r["per_s"] / b["per_s"], 3) if b and b["per_s"] else None
        r["app_cpu_ms_per_request"] = round(sum(v for k, v in r["cpu_ms_per_request"].items() if k != "load" and v), 3) if r["requests"] else None
        if idle and r["requests"]:
            floor = sum(v for k, v in idle[0]["cpu_ms_per_s"].items() if k != "load") * r["cpu_window_s"] / r["requests"]
            r["app_cpu_ms_per_request_above_idle"] = round(r["app_cpu_ms_per_request"] - floor, 3)
    json.dump({"settings": settings, "idle": idle[0] if idle else None, "scenarios": rows}, open(json_path, "w"), indent=2)

    parts = [p for p in ORDER if any((r["cpu_ms_per_request"].get(p) or 0) >= 0.005 for r in rows)]
    out = []
    w = out.append
    w(f"# Benchmark {settings['started']} ({settings['mode']})\n")
    w(f"`{settings['command']}` on {settings['machine']}; load average before: {settings['load_before']}, after: {settings['load_after']}.")
    w("The machine may be shared: throughput and latency are only indicative; CPU ms per request is the robust figure.\n")
    w("## Settings\n")
    for k, v in settings.items():
        if k not in ("started", "command"):
            w(f"- {k}: {v}")
    w("\n## Throughput and latency\n")
    w("| scenario | what | clients | req/s | p50 ms | p95 ms | p99 ms | errors | vs baseline | app CPU ms/req | machine busy cores |")
    w("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |")
    for r in rows:
        ratio = f"{r['ratio_to_baseline']:.2f} of {r['baseline']}" if r["ratio_to_baseline"] is not None else ""
        l = r["latency_ms"]
        w(f"| {r['name']} | {r['what']} | {r['clients']} | {r['per_s']:,.0f} | {l['p50']:.1f} | {l['p95']:.1f} | {l['p99']:.1f} | {r['errors']} | {ratio} | "
          f"{(r['app_cpu_ms_per_request'] or 0):.2f} | {r['machine_busy_cores']:.2f} |")
    w("\n## CPU ms per request, by process\n")
    w("Measured from /proc before and after each scenario (the window includes the relay draining the outbox and the settle time, see Settings). "
      "\"app\" = every process the AppHost started; the load generator is listed apart.\n")
    w("| scenario | " + " | ".join(LABELS[p] for p in parts) + " | app | app above idle | machine |")
    w("| --- | " + " | ".join("---:" for _ in parts) + " | ---: | ---: | ---: |")
    for r in rows:
        c = r["cpu_ms_per_request"]
        w(f"| {r['name']} | " + " | ".join(f"{(c.get(p) or 0):.2f}" for p in parts)
          + f" | {(r['app_cpu_ms_per_request'] or 0):.2f} | {r.get('app_cpu_ms_per_request_above_idle', 0):.2f}"
          + f" | {(r['machine_cpu_ms_per_request'] or 0):.2f} |")
    if idle:
        c = idle[0]["cpu_ms_per_s"]
        w(f"\nBackground with no load ({idle[0]['window_s']:.0f} s, after the scenarios), CPU ms per second: "
          + ", ".join(f"{LABELS[p]} {c[p]:.0f}" for p in ORDER if c.get(p, 0) >= 0.5)
          + f"; app {sum(v for k, v in c.items() if k != 'load'):.0f}. Over a scenario this floor adds "
          "(ms/s × window) / requests to its per-request figures; \"app above idle\" subtracts it. "
          "\"machine\" is all of the machine's busy time, other users' included.")
    extra = [r for r in rows if "db_check" in r or "events" in r]
    if extra:
        w("\n## The outbox relay (Worker → RabbitMQ)\n")
        w("Per write scenario, from bazaar.inventory_events: the events it wrote, the backlog when its load stopped, "
          "how long the relay took to publish the rest, and occurred_at (the writing transaction's start) → published_at.\n")
        for r in extra:
            if "db_check" in r:
                w(f"- {r['name']}: {json.dumps(r['db_check'])}")
            if "events" in r:
                e = r["events"]
                w(f"- {r['name']}: {e['events']} events; {e['unpublished_at_load_end']} unpublished when the load stopped, "
                  f"drained in {e['drain_s']} s ({e['unpublished_after_drain']} left"
                  + (f", ≈ {e['unpublished_at_load_end'] / e['drain_s']:.0f} events/s" if e['drain_s'] and e['unpublished_at_load_end'] else "")
                  + "); commit → published p50 "
                  f"{e['commit_to_publish_ms_p50']} ms, p99 {e['commit_to_publish_ms_p99']} ms")
    if settings.get("checks"):
        w("\n## End-of-run checks\n")
        for k, v in settings["checks"].items():
            w(f"- {k}: {v}")
    open(md_path, "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "snap":
        print(json.dumps(snap(int(sys.argv[2]))))
    elif cmd == "api-url":
        print(api_url(int(sys.argv[2])))
    elif cmd == "dcp":
        print(" ".join(str(pid) for pid, (_, c, _) in processes().items()
                       if re.search(rf"/dcp start-apiserver .*--monitor {sys.argv[2]}\b", c)))
    elif cmd == "record":
        record(sys.argv[2], sys.argv[3:])
    elif cmd == "render":
        render(*sys.argv[2:6])
    else:
        sys.exit(__doc__)
