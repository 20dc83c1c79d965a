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


def test_no_control_group_quota_means_every_core(tmp_path: Path) -> None:
    root = tree(tmp_path, {"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/cpu.max": "max 100000\n"})
    assert usable_cores(root) == 2


def test_a_container_limited_to_one_cpu_on_cgroup_v2(tmp_path: Path) -> None:
    root = tree(
        tmp_path, {"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/cpu.max": "100000 100000\n"}
    )
    assert usable_cores(root) == 1


def test_a_service_limited_on_cgroup_v2_is_found_along_its_own_path(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "proc/self/cgroup": "0::/system.slice/stagehand.service\n",
            "sys/fs/cgroup/cpu.max": "max 100000\n",
            "sys/fs/cgroup/system.slice/stagehand.service/cpu.max": "50000 100000\n",
        },
    )
    assert usable_cores(root) == 0.5


def test_a_container_limited_on_cgroup_v1(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "proc/self/cgroup": "4:cpu,cpuacct:/docker/abc\n3:memory:/docker/abc\n",
            "sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us": "100000\n",
            "sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us": "100000\n",
        },
    )
    assert usable_cores(root) == 1


def test_no_limit_on_cgroup_v1(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "proc/self/cgroup": "4:cpu:/\n",
            "sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n",
            "sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n",
        },
    )
    assert usable_cores(root) == 2


def test_no_control_groups_at_all(tmp_path: Path) -> None:
    assert usable_cores(tmp_path) == 2
