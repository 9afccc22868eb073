"""Bad stack files through every command: the same clear error (exit 2), bounded, no traceback, no secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.badinput.conftest import Project, assert_well_behaved

STRIPE = "sk_live_CANARY0123456789abcdefXYZ"  # pragma: allowlist secret
STACK_COMMANDS = ("plan", "verify", "smoke", "report", "handover", "drill", "ratelimit")


def _prod(repo_root: Path) -> str:
    return (repo_root / "Pulumi.prod.yaml").read_text()


def _bomb() -> str:
    lines = ["config:", '  launchready:dns: &a ["l","l","l","l","l","l","l","l","l"]']
    names = "bcdefghij"
    prev = "a"
    for name in names:
        lines.append(f"  x{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
        prev = name
    return "\n".join(lines) + "\n"


def _edited(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


CASES = {
    "alias bomb": lambda t: _bomb(),
    "recursive alias": lambda t: _edited(t, "  launchready:dns:\n", "  launchready:dns: &loop\n    x: [*loop]\n"),
    "5000-level nesting": lambda t: t + "  launchready:deep: " + "[" * 5000 + "]" * 5000 + "\n",
    "4301-digit integer": lambda t: _edited(t, "requestsPerPeriod: 5", "requestsPerPeriod: " + "7" * 4301),
    "binary tag": lambda t: _edited(t, "plan: business", "plan: !!binary YnVzaW5lc3M="),
    "set tag": lambda t: _edited(t, "sessionCookies: [fl_session, fl_remember]",
                                 "sessionCookies: !!set {fl_session, fl_remember}"),
    "date": lambda t: _edited(t, "  launchready:tls:\n", "  launchready:tls:\n    since: 2024-05-01\n"),
    "python tag": lambda t: _edited(t, "plan: business", "plan: !!python/object/apply:os.system [id]"),
    "second environment": lambda t: _edited(t, "  launchready:zone:\n", "  launchready:environment: staging\n"
                                            "  launchready:zone:\n"),
    "bare and namespaced environment": lambda t: _edited(t, "  launchready:zone:\n", "  environment: staging\n"
                                                         "  launchready:zone:\n"),
    "hostname twice": lambda t: _edited(t, "    admin:\n", "    app:\n      origin: x.fly.dev\n"
                                        "      purpose: again\n    admin:\n"),
    "credential as a purpose": lambda t: _edited(t, "purpose: creator dashboard (logged-in web app)",
                                                 f"purpose: {STRIPE}"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_command_refuses_the_file_alike(project: Project, repo_root: Path, case: str) -> None:
    original = _prod(repo_root)
    project.write("prod", CASES[case](original))
    try:
        runs = [project.run(command, "prod") for command in STACK_COMMANDS]
    finally:
        project.write("prod", original)
    for run in runs:
        assert_well_behaved(run, ("CANARY",))
        assert run.code == 2, f"{run.command}: {run.code}\n{run.text[-1500:]}"
    problems = [{line for line in run.err.splitlines() if line.startswith("  - ")} for run in runs]
    assert problems[0], runs[0].err
    assert all(p == problems[0] for p in problems), {r.command: r.err for r in runs}


def test_invalid_utf8_is_refused_with_line_and_column(project: Project, repo_root: Path) -> None:
    original = _prod(repo_root)
    project.write("prod", original.encode().replace(b"purpose: Google", b"purpose: Goo\xffgle"))
    try:
        run = project.run("verify", "prod")
    finally:
        project.write("prod", original)
    assert_well_behaved(run)
    assert run.code == 2 and "not valid UTF-8" in run.err
    assert "Pulumi.prod.yaml:" in run.err


@pytest.mark.parametrize("command", STACK_COMMANDS)
def test_a_planted_secret_is_named_by_key_in_every_command(project: Project, repo_root: Path, command: str) -> None:
    original = _prod(repo_root)
    canary = "sk_live_CANARY0123456789abcdefXYZ"  # pragma: allowlist secret
    planted = f"  launchready:stripeKey: {canary}\n  launchready:stripe:\n    key: CANARYnest1\n"
    project.write("prod", original + planted)
    try:
        run = project.run(command, "prod")
    finally:
        project.write("prod", original)
    assert_well_behaved(run, ("CANARY",))
    assert run.code == 2
    assert "launchready:stripeKey" in run.err and "launchready:stripe:" in run.err


def test_the_untouched_examples_plan_cleanly(project: Project) -> None:
    for stack in ("staging", "prod"):
        run = project.run("plan", stack)
        assert_well_behaved(run)
        assert run.code in (0, 1), run.err[-2000:]
