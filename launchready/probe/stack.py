"""Loading a stack for `verify` and `smoke`: the project root and stack file as every command finds them,
the typed config, and the AWS settings checked up front so a bad profile or region is a usage error
(exit 2, one line naming the setting and the fix), never a traceback halfway through the run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from launchready.probe.resolver import UsageError


@dataclass(frozen=True)
class LoadedStack:
    cfg: Any  # components.config.StackConfig
    values: dict[str, Any]  # the stack file's plain config values
    root: Path
    stack_file: Path
    stack: str
    target: Any = None  # launchready.common.project.StackTarget: root, stack file and how the root was found

    def announce(self, json_output: bool) -> dict[str, str]:
        """Say on stderr which root and stack file are used (text output); the fields --json gains."""
        from launchready.common.project import announce

        announce(self.target, json_output=json_output)
        return dict(self.target.to_json())


def load_stack(stack: str, root_arg: Path | None) -> LoadedStack:
    """The stack's typed config; raises UsageError with the rendered problems (root, stack file, config)."""
    from components.config import ConfigError
    from launchready.common.project import ProjectError, resolve_stack
    from launchready.stackfile import read_stack_file, validate

    try:
        target = resolve_stack(stack, root_arg)
        sf = read_stack_file(target.stack, target.root)
        cfg = validate(sf, target.root)
    except ProjectError as exc:
        raise UsageError(str(exc)) from None
    except ConfigError as exc:
        raise UsageError(exc.render()) from None
    return LoadedStack(cfg, dict(sf.values), target.root, target.stack_file, target.stack, target)


def check_aws_settings(loaded: LoadedStack, ses_region: str | None) -> None:
    """aws:region (when set) and the SES region are region names; with SES to ask, AWS_PROFILE (when set)
    names a profile.
    Raises UsageError with TOOLS' messages (launchready.common.aws)."""
    from launchready.common.aws import AwsSetupError, aws_session, check_region

    where = {"stack_file": loaded.stack_file.name, "stack": loaded.stack}
    try:
        if loaded.values.get("aws:region") is not None:
            check_region(loaded.values["aws:region"], **where)
        if ses_region is not None:  # SES is asked: the profile must exist too
            check_region(ses_region, key="launchready:email.sesRegion", **where)
            aws_session()
    except AwsSetupError as exc:
        raise UsageError(str(exc)) from None
