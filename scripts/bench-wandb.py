#!/usr/bin/env python3
"""What W&B's OpenAI fine-tuning integration asks while it waits, for comparison with ftd
(scripts/bench, section 7).

`WandbLogger.sync(fine_tune_job_id=…)` (wandb/integration/openai/fine_tuning.py) retrieves
the job once, then, with `wait_for_job_success=True` (the default), loops: stop if the job
is succeeded, failed or cancelled, else `time.sleep(10)` and retrieve the job again
(`client.fine_tuning.jobs.retrieve`). Only after a success does it download the result
file (`files.retrieve_content`), and the training and validation files unless W&B already
holds them as artifacts. It reads no events while it waits: it learns the steps from the
result file at the end.

This script runs that loop for each job given, one thread per job, as that many
`WandbLogger.sync` calls running side by side would, for DURATION seconds of real time,
sleeping INTERVAL seconds between retrieves (10 s divided by the simulator's speed). It
uses the OpenAI SDK when it can import it, else urllib with the same requests.

Prints: the requests made, and how ("openai X.Y.Z" or "urllib").
Usage: bench-wandb.py BASE_URL INTERVAL DURATION JOB_ID…
"""
import json
import sys
import threading
import time
import urllib.request

TERMINAL = ("succeeded", "failed", "cancelled")


class UrllibClient:
    """The two calls the loop needs, as plain HTTP requests."""

    def __init__(self, base):
        self.base = base.rstrip("/")
        self.headers = {"Authorization": "Bearer sk-bench"}

    def _get(self, path):
        request = urllib.request.Request(self.base + path, headers=self.headers)
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.read()

    def retrieve(self, job_id):
        return json.loads(self._get(f"/fine_tuning/jobs/{job_id}"))

    def file_content(self, file_id):
        return self._get(f"/files/{file_id}/content")


class SDKClient:
    def __init__(self, base):
        from openai import OpenAI

        self.client = OpenAI(base_url=base, api_key="sk-bench")

    def retrieve(self, job_id):
        job = self.client.fine_tuning.jobs.retrieve(job_id)
        return {
            "status": job.status,
            "result_files": job.result_files,
            "training_file": job.training_file,
            "validation_file": job.validation_file,
        }

    def file_content(self, file_id):
        return self.client.files.content(file_id).read()


def main():
    base, interval, duration = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    job_ids = sys.argv[4:]
    try:
        import openai

        client, how = SDKClient(base), f"openai {openai.__version__}"
    except ImportError:
        client, how = UrllibClient(base), "urllib"
    deadline = time.monotonic() + duration
    counts = [0] * len(job_ids)

    def sync(index, job_id):
        def request(call, *args):
            counts[index] += 1
            return call(*args)

        job = request(client.retrieve, job_id)  # "Retrieving fine-tune job..."
        while job["status"] not in TERMINAL:  # _wait_for_job_success
            if time.monotonic() + interval > deadline:
                return
            time.sleep(interval)
            job = request(client.retrieve, job_id)
        if job["status"] == "succeeded":  # _log_fine_tune: the results, then the input files
            for file_id in (job["result_files"] or [])[:1] + [job["training_file"], job["validation_file"]]:
                if file_id:
                    request(client.file_content, file_id)

    threads = [threading.Thread(target=sync, args=(i, job_id)) for i, job_id in enumerate(job_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(sum(counts), how)


if __name__ == "__main__":
    main()
