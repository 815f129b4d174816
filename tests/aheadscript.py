"""A build in a fresh Python that records the workers' pools and the shared pages handed out.

Run as ``python -c SCRIPT WAY build ARGS...``; the last line it prints is JSON: the
command's exit status, each master's output file as handed to a worker, and the size of
each pool opened. ``WAY`` says how the build runs:

- ``ahead``: as it is; ``not ahead``: Ahead.layers a no-op (the build as before);
- ``other pages ahead``: what is laid out ahead is not the build's own pages;
- ``stop:<how>``: stopped by ``how`` (sigterm, ctrl+c, group-sigterm, kill) once the
  first shared layer has been handed to the pool opened ahead, while the letters are
  still planned;
- ``sized``: the build stopped as soon as it begins, saying the size of every pool
  opened so far and the one the build would open itself (pool_size).

``CPUS`` in the environment makes it a machine of that many CPUs.
"""

SCRIPT = """\
import json, os, signal, sys, time
cpus = int(os.environ.get("CPUS", "0"))
if cpus:  # a machine with this many CPUs (pool.default_jobs reads the affinity)
    os.sched_getaffinity = lambda pid: set(range(cpus))
import campaign.pdf.pool as pool
from campaign.build import run
from campaign.cli.entry import main
from campaign.errors import CampaignError

handed, opened = [], []
submit = pool._Pool.submit


def recorded(self, fn, job):
    if type(job).__name__ == "MasterJob":
        handed.append(job.out)
    return submit(self, fn, job)


pool._Pool.submit = recorded
workers = run.workers


def counted(jobs, *args, **kwargs):
    opened.append(jobs)
    return workers(jobs, *args, **kwargs)


run.workers = counted
way, sys.argv[1:] = sys.argv[1], sys.argv[2:]
if way == "not ahead":
    run.Ahead.layers = lambda *args: None
elif way == "other pages ahead":  # what is laid out ahead is not what the build lays out
    layers = run.Ahead.layers
    run.Ahead.layers = lambda self, bundle, variant, date, html: layers(
        self, bundle, variant, date, html.replace("</body>", "<p>Laid out ahead only</p></body>")
    )
elif way.startswith("stop:"):
    how = way.split(":", 1)[1]
    layers = run.Ahead.layers

    def stopping(self, *args):
        layers(self, *args)
        time.sleep(0.5)  # the master is being laid out
        if how == "sigterm":
            os.kill(os.getpid(), signal.SIGTERM)
        elif how == "ctrl+c":  # to every process of the terminal's group
            os.killpg(os.getpgrp(), signal.SIGINT)
        elif how == "group-sigterm":  # as a service manager stops a command
            os.killpg(os.getpgrp(), signal.SIGTERM)
        elif how == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(10)

    run.Ahead.layers = stopping
elif way == "sized":
    def sized(plans, tick, jobs=1, force=False, finished=None, ahead=None):
        todos = [run._todo(plan, force) for plan in plans]
        print(json.dumps({"opened": opened, "needed": run.pool_size(todos, jobs)}))
        raise CampaignError("stopped by the test")

    run.build = sized
code = None
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps([code, handed, opened]))
"""
