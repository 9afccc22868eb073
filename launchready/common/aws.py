"""Setting up AWS for a command, with errors a person can act on: a named profile that does not exist, an
unreadable AWS config file, a region that is not a region name. Each is a usage error (exit 2) whose text
names the variable or key, the value (names and regions are not secret) and the fix; never a traceback.

    session = aws_session()                       # honours AWS_PROFILE / AWS_DEFAULT_PROFILE as boto3 does
    region = check_region(value, stack_file=...)  # the stack's aws:region, checked before any client exists
"""

from __future__ import annotations

import os
import re
from typing import Any

#: The shape of every AWS region name (us-east-1, us-gov-west-1, cn-north-1, us-isob-east-1, eusc-de-east-1).
REGION_RE = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$")


class AwsSetupError(Exception):
    """AWS cannot be set up from this environment or stack file; the text says why and the fix."""


def _shown(value: object, limit: int = 40) -> str:
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "...")


def check_region(value: object, *, key: str = "aws:region", stack_file: str = "the stack file",
                 stack: str | None = None) -> str:
    """`value` as a region name, or AwsSetupError naming the key, the value and the fix."""
    example = "eu-west-1"
    fix = f"`pulumi config set {key} {example}" + (f" --stack {stack}`" if stack else "`")
    if value is None or value == "":
        raise AwsSetupError(f"{stack_file} sets no {key}; set it, e.g. {fix}")
    if not isinstance(value, str):
        raise AwsSetupError(f"{stack_file}: {key} must be a region name such as {example}, "
                            f"not a {type(value).__name__}; fix: {fix}")
    if not REGION_RE.match(value):
        hint = ""
        if value.strip().lower() != value and REGION_RE.match(value.strip().lower()):
            hint = f" (write it in lower case without spaces: {value.strip().lower()})"
        raise AwsSetupError(f"{stack_file}: {key} {_shown(value)} is not an AWS region name such as us-east-1 or "
                            f"{example}{hint}; fix: {fix}")
    return value


def _profile_problem(profile: str, explicit: bool) -> AwsSetupError:
    import botocore.session

    variable = "AWS_PROFILE" if os.environ.get("AWS_PROFILE") else "AWS_DEFAULT_PROFILE"
    if explicit:
        variable = "--profile"
    try:
        known = sorted(botocore.session.get_session().available_profiles)
    except Exception:  # the config file itself is unreadable: say the profile part only
        known = []
    listed = f"profiles there: {', '.join(known)}" if known else "no profiles are defined there"
    return AwsSetupError(
        f"{variable}={profile} names a profile that is not in ~/.aws/config or ~/.aws/credentials ({listed}); "
        f"set {variable} to one of them, create it with `aws configure --profile {profile}`, or unset {variable}"
    )


def aws_session(profile: str | None = None) -> Any:
    """A boto3 Session, or AwsSetupError: a missing profile (named with the variable that chose it), an AWS
    config file that cannot be parsed."""
    import boto3
    import botocore.exceptions

    try:
        return boto3.Session(profile_name=profile)
    except botocore.exceptions.ProfileNotFound as exc:
        name = str(exc.kwargs.get("profile") or profile or "")
        raise _profile_problem(name, explicit=profile is not None) from None
    except botocore.exceptions.ConfigParseError as exc:
        raise AwsSetupError(f"the AWS config file {exc.kwargs.get('path', '')} cannot be parsed; fix its syntax "
                            "(`aws configure list` shows what AWS reads)") from None
    except botocore.exceptions.BotoCoreError as exc:
        raise AwsSetupError(f"AWS cannot be set up: {exc}") from None
