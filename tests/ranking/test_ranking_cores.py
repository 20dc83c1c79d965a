"""`[ranking] worker = "auto"` counts the cores this process may really use: a container or a
service limited to one CPU gets no worker (there it would only add copying)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stagehand.ranking.cores import usable_cores


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: {0, 1}, raising=False)


#: Each case: the files a system shows (under a fake root), and the cores `auto` may count on.
CASES = {
    "no control group quota means every core": (
        {"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/cpu.max": "max 100000\n"},
        2,
    ),
    "a container limited to one cpu on cgroup v2": (
        {"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/cpu.max": "100000 100000\n"},
        1,
    ),
    "a service limited on cgroup v2 is found along its own path": (
        {
            "proc/self/cgroup": "0::/system.slice/stagehand.service\n",
            "sys/fs/cgroup/cpu.max": "max 100000\n",
            "sys/fs/cgroup/system.slice/stagehand.service/cpu.max": "50000 100000\n",
        },
        0.5,
    ),
    "a container limited on cgroup v1": (
        {
            "proc/self/cgroup": "4:cpu,cpuacct:/docker/abc\n3:memory:/docker/abc\n",
            "sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us": "100000\n",
            "sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us": "100000\n",
        },
        1,
    ),
    "no limit on cgroup v1": (
        {
            "proc/self/cgroup": "4:cpu:/\n",
            "sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n",
            "sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n",
        },
        2,
    ),
    "no control groups at all": ({}, 2),
}


@pytest.mark.parametrize(("files", "cores"), CASES.values(), ids=CASES.keys())
def test_auto_counts_the_cores_the_system_lets_the_show_use(
    tmp_path: Path, files: dict[str, str], cores: float
) -> None:
    assert usable_cores(tree(tmp_path, files)) == cores
