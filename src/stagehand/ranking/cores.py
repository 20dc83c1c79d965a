"""How many cores this process may use, for `[ranking] worker = "auto"`: its CPU affinity,
capped by the CPU quota of its control group (cgroup v2 `cpu.max`, or v1 `cpu.cfs_quota_us`),
looked up along its own group's path up to the root: a container limited with `--cpus=1`, or a
systemd service with `CPUQuota=100%`, may use one core however many the machine has."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

_V1_CPU_FOLDERS = ("cpu", "cpu,cpuacct", "cpuacct,cpu")


def usable_cores(root: Path = Path("/")) -> float:
    try:
        cores: float = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS
        cores = os.cpu_count() or 1
    quotas = [quota for quota in _quotas(root) if quota > 0]
    return min([cores, *quotas])


def _quotas(root: Path) -> Iterator[float]:
    try:
        lines = (root / "proc/self/cgroup").read_text().splitlines()
    except OSError:
        return
    cgroups = root / "sys/fs/cgroup"
    for line in lines:
        _, controllers, path = line.split(":", 2)
        relative = Path(path.lstrip("/"))
        if controllers == "":  # cgroup v2
            for folder in _up_to(cgroups, relative):
                yield from _v2_quota(folder / "cpu.max")
        elif "cpu" in controllers.split(","):
            for name in _V1_CPU_FOLDERS:
                for folder in _up_to(cgroups / name, relative):
                    yield from _v1_quota(folder)


def _up_to(base: Path, relative: Path) -> Iterator[Path]:
    """`base/relative`, then each of its parents down to `base` itself."""
    yield base / relative
    yield from (base / parent for parent in relative.parents)


def _v2_quota(path: Path) -> Iterator[float]:
    try:
        quota, period = path.read_text().split()[:2]
        if quota != "max":
            yield int(quota) / int(period)
    except (OSError, ValueError):
        return


def _v1_quota(folder: Path) -> Iterator[float]:
    try:
        quota = int((folder / "cpu.cfs_quota_us").read_text())
        period = int((folder / "cpu.cfs_period_us").read_text())
    except (OSError, ValueError):
        return
    if quota > 0 and period > 0:  # -1: no limit
        yield quota / period
