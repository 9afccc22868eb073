"""`launchready scan`: secrets in the working tree, the git history and the Pulumi stack files.

detect-secrets (every plugin and default filter) reads the files git tracks or would track (untracked but
not ignored) and every file version that a commit reachable from any ref added (see READS); base64-encoded
text in them is decoded and read the same way; a stack-file check finds plaintext credentials in
`Pulumi.*.yaml` and says the exact `pulumi config set --secret` fix. Findings that a reviewer accepted as
false positives live in `.secrets.baseline` (detect-secrets' format). SIGTERM, SIGHUP and Ctrl-C remove
the scan's temporary copies of history versions before it exits.

Exit codes: 0 nothing outside the baseline, 1 findings, 2 usage error (not a git repository when the
history is wanted, an unreadable baseline). The secret values are never printed: only their SHA-1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from launchready.cli import ExitStatus
from launchready.common.files import write_atomically
from launchready.common.signals import exit_cleanly_on_signals
from launchready.scan import baseline as baseline_mod
from launchready.scan import gitrepo
from launchready.scan.engine import ScanResult, ScanUsageError, scan
from launchready.scan.findings import HISTORY, Finding
from launchready.scan.refs import describe

BASELINE_NAME = ".secrets.baseline"


READS = """\
what it reads:
  the files git tracks or would track (untracked, not ignored), as they are now;
  with the history (the default): every file version added by any commit reachable from any ref (local
  and remote-tracking branches, tags, notes, every stash entry) or from HEAD, also when detached (and
  from the HEAD of every linked worktree);
  commits reachable only from other reflogs, and unreachable objects, are not read; a shallow clone has
  no commits before its boundary to read;
  base64 of plausible length in any of them, decoded (twice at most) and read the same way.

exit codes:
  0  nothing outside the baseline
  1  possible secrets not in the baseline
  2  usage error (no such directory, not a git repository when the history is wanted, a bad baseline)
"""


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = READS
    parser.add_argument(
        "--path", type=Path, default=None,
        help="directory to scan (default: the root of the git repository holding the current directory)",
    )
    parser.add_argument("--no-history", action="store_true", help="scan the files as they are, not the git history")
    parser.add_argument(
        "--baseline", type=Path, default=None,
        help=f"reviewed false positives, detect-secrets' format (default: {BASELINE_NAME} in the scanned directory)",
    )
    parser.add_argument(
        "--update-baseline", action="store_true",
        help="write every current finding to the baseline (review each one first: it will be accepted)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _short(commit: str | None) -> str:
    return commit[:10] if commit else ""


def _describe(f: Finding) -> list[str]:
    where = f"{f.path}:{f.line}"
    if f.source == HISTORY:
        where = f"{_short(f.commit)} {where}"
    head = f"  {where}  {f.type}"
    if f.key:
        head += f"  {f.key}"
    head += f"  (sha1 {f.hashed_secret[:12]})"
    lines = [head]
    if f.source == HISTORY and f.refs:
        on = ", ".join(describe(r) for r in f.refs)
        lines.append(f"      on {on}, not in the checked-out tree: commit {_short(f.commit)} added it")
    elif f.source == HISTORY:
        lines.append(f"      only in the history now: commit {_short(f.commit)} added it and every clone still has it")
    elif f.commit:
        lines.append(f"      committed in {_short(f.commit)}")
    if f.fix:
        lines.append(f"      fix: {f.fix}")
    return lines


def _summary(result: ScanResult) -> str:
    text = f"scanned {result.files_scanned} files"
    if result.history:
        text += (f" and {result.blobs_scanned} file versions from {result.commits_scanned} commits reachable "
                 f"from {_plural(result.refs_scanned, 'ref')} and HEAD")
        if result.shallow:
            text += " (a shallow clone: older commits are not here to read)"
    if result.blobs_too_big:
        text += f" ({result.blobs_too_big} file versions over {gitrepo.MAX_BLOB_BYTES // 1024 // 1024} MiB skipped)"
    text += f" in {result.root}"
    for item in result.yaml_as_lines[:5]:
        where = f"{item['path']}" + (f" at {_short(item['commit'])}" if item["commit"] else "")
        text += f"\n  read line by line, not parsed as YAML: {where} ({item['reason']})"
    if len(result.yaml_as_lines) > 5:
        text += f"\n  and {len(result.yaml_as_lines) - 5} more YAML files or versions read line by line"
    return text


_ADVICE = """\
What to do:
  - a real secret: rotate it first (once committed, deleting it is not enough: every clone keeps the
    history), then remove it; for stack files use the fix shown.
  - a false positive: review it, then run `launchready scan --update-baseline` and commit {baseline}
    (or mark the line with a `pragma: allowlist secret` comment)."""


class _Usage(Exception):
    """A usage error: printed as `error: ...`, exit 2."""


def _root(args: argparse.Namespace) -> Path:
    if args.update_baseline and args.no_history:
        raise _Usage("--update-baseline needs the full scan (drop --no-history): the baseline also holds the "
                     "reviewed findings of the history")
    if args.path is None:
        cwd = Path.cwd()
        return gitrepo.toplevel(cwd) or cwd
    root: Path = args.path.resolve()
    if not root.is_dir():
        raise _Usage(f"--path {args.path}: no such directory")
    return root


def _write_baseline(args: argparse.Namespace, result: ScanResult, baseline: baseline_mod.Baseline,
                    path: Path) -> int:
    try:
        write_atomically(path, baseline_mod.render(result.findings, result.settings, baseline))
    except OSError as exc:
        raise _Usage(f"cannot write {path}: {exc.strerror}") from None
    if args.json:
        json.dump({**result.to_json(), "baseline_written": True}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return ExitStatus.OK
    print(f"{_summary(result)}: wrote {_plural(len(result.findings), 'finding')} to {path}")
    if result.new:
        print(f"{len(result.new)} of them are new in the baseline; each must be a reviewed false positive:")
        for f in result.new:
            print("\n".join(_describe(f)))
    return ExitStatus.OK


def _report(args: argparse.Namespace, result: ScanResult, baseline_path: Path) -> int:
    new = result.new
    if args.json:
        json.dump(result.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return ExitStatus.FAILED if new else ExitStatus.OK
    accepted = len(result.findings) - len(new)
    accepted_text = f"; {_plural(accepted, 'reviewed false positive')} in the baseline" if accepted else ""
    if not new:
        print(f"no secrets found: {_summary(result)}{accepted_text}")
        return ExitStatus.OK
    headline = f"{_plural(len(new), 'possible secret')} not in the baseline {baseline_path}"
    print(f"{headline}: {_summary(result)}{accepted_text}")
    for f in new:
        print("\n".join(_describe(f)))
    print(_ADVICE.format(baseline=baseline_path.name))
    return ExitStatus.FAILED


def _run(args: argparse.Namespace) -> int:
    root = _root(args)
    baseline_path = args.baseline.resolve() if args.baseline is not None else root / BASELINE_NAME
    try:
        # An explicit --baseline must exist, unless it is about to be written.
        baseline = baseline_mod.load(baseline_path, must_exist=args.baseline is not None and not args.update_baseline)
        progress = (lambda msg: print(f"{msg}...", file=sys.stderr)) if sys.stderr.isatty() else None
        result = scan(root, baseline, history=not args.no_history, progress=progress)
    except (ScanUsageError, baseline_mod.BaselineError, gitrepo.GitError) as exc:
        raise _Usage(str(exc)) from None
    if args.update_baseline:
        return _write_baseline(args, result, baseline, baseline_path)
    return _report(args, result, baseline_path)


def run(args: argparse.Namespace) -> int:
    try:
        with exit_cleanly_on_signals():
            return _run(args)
    except _Usage as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitStatus.USAGE
