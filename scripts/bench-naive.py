#!/usr/bin/env python3
"""The polling loop a user would write by hand, for comparison with ftd (scripts/bench).

One cycle: list every job (pages of 100), then ask every job for its newest events.
Prints the requests it made and the seconds it took. Usage: bench-naive.py BASE_URL [CYCLES]
"""
import http.client
import json
import sys
import time
import urllib.parse


def main():
    base = urllib.parse.urlsplit(sys.argv[1])
    cycles = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    connection = http.client.HTTPConnection(base.hostname, base.port)
    headers = {"Authorization": "Bearer sk-bench"}
    requests = 0

    def get(path):
        nonlocal requests
        requests += 1
        connection.request("GET", base.path + path, headers=headers)
        answer = connection.getresponse()
        body = answer.read()
        if answer.status != 200:
            sys.exit(f"bench-naive: GET {path} answered {answer.status}: {body[:200]!r}")
        return json.loads(body)

    started = time.monotonic()
    for _ in range(cycles):
        jobs, after = [], None
        while True:
            page = get("/fine_tuning/jobs?limit=100" + (f"&after={after}" if after else ""))
            jobs += page["data"]
            if not page["has_more"] or not page["data"]:
                break
            after = page["data"][-1]["id"]
        for job in jobs:
            get(f"/fine_tuning/jobs/{job['id']}/events?limit=100")
    print(f"{requests} {time.monotonic() - started:.2f}")


if __name__ == "__main__":
    main()
