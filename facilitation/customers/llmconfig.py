"""Where the LLM customer's server, model and key come from, and how long it may take.

Each setting is looked up in order, the first found wins:

1. an argument to ``OpenAICustomer(...)`` (or ``customer_engine("openai", ...)``);
2. the environment: ``ROLEPLAY_OPENAI_BASE_URL``, ``ROLEPLAY_OPENAI_MODEL``,
   ``ROLEPLAY_OPENAI_API_KEY`` — then the OpenAI client's own ``OPENAI_BASE_URL`` and
   ``OPENAI_API_KEY``;
3. a TOML file: ``ROLEPLAY_OPENAI_CONFIG``, else ``$XDG_CONFIG_HOME/roleplay-workbench/openai.toml``
   (``~/.config/...`` by default), with the keys of ``OpenAISettings`` at top level.

Nothing here touches the network.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ..errors import SettingsInvalid

OPENAI_URL = "https://api.openai.com/v1"
NO_KEY = "not-needed"  # the client insists on a key; local servers ignore it
ENVIRONMENT = {
    "base_url": ("ROLEPLAY_OPENAI_BASE_URL", "OPENAI_BASE_URL"),
    "model": ("ROLEPLAY_OPENAI_MODEL",),
    "api_key": ("ROLEPLAY_OPENAI_API_KEY", "OPENAI_API_KEY"),
}
CONFIG_VARIABLE = "ROLEPLAY_OPENAI_CONFIG"


@dataclass(frozen=True)
class OpenAISettings:
    """How to reach the model. Timeouts are in seconds.

    ``first_token_timeout`` counts from the agent's message, connecting included, so the
    room never waits longer than that for the customer to start answering; the same span of
    silence in mid-reply counts as a stalled stream. ``max_retries`` is 0 by default because
    the offline customer, not a second wait, is the retry.
    """

    model: str
    base_url: str = OPENAI_URL
    api_key: str = field(default=NO_KEY, repr=False)
    connect_timeout: float = 3.0
    first_token_timeout: float = 3.0
    total_timeout: float = 30.0
    max_retries: int = 0
    temperature: float = 0.8
    max_tokens: int = 300

    def __post_init__(self) -> None:
        # a zero or negative timeout would make every reply fail (or wait for ever)
        for name in ("connect_timeout", "first_token_timeout", "total_timeout"):
            if not getattr(self, name) > 0:
                raise SettingsInvalid(f"{name} is {getattr(self, name)!r}: give a number of seconds above 0")
        if self.max_retries < 0 or self.max_tokens < 1:
            raise SettingsInvalid(f"max_retries must be 0 or more and max_tokens 1 or more "
                                 f"(got {self.max_retries}, {self.max_tokens})")


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    if environ.get(CONFIG_VARIABLE):
        return Path(environ[CONFIG_VARIABLE]).expanduser()
    home = Path(environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return home / "roleplay-workbench" / "openai.toml"


def resolve_settings(arguments: Mapping[str, Any], environ: Mapping[str, str] | None = None
                     ) -> OpenAISettings:
    """Settings from arguments, then the environment, then the config file."""
    environ = os.environ if environ is None else environ
    _check_names(arguments, "OpenAICustomer() got unknown settings")
    path = config_path(environ)
    chosen = {**read_config(path), **_from_environment(environ),
              **{k: v for k, v in arguments.items() if v is not None}}
    if not chosen.get("model"):
        raise SettingsInvalid(
            f"the LLM customer needs a model: set ROLEPLAY_OPENAI_MODEL before starting, "
            f"write model = \"...\" in {path}, or pass model=... in Python")
    return OpenAISettings(**chosen)


def read_config(path: Path) -> dict[str, Any]:
    """The settings in a TOML file, or none when it does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsInvalid(f"{path}: cannot read the OpenAI customer's settings: {error}") from None
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        raise SettingsInvalid(f"{path}: a settings file needs Python 3.11 or later") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingsInvalid(f"{path}: not valid TOML: {error}") from None
    known = {f.name for f in fields(OpenAISettings)}
    unknown = sorted(set(data) - known)
    if unknown:
        warnings.warn(f"{path}: ignoring unknown settings {', '.join(unknown)}", stacklevel=2)
    return {k: _checked(path, k, v) for k, v in data.items() if k in known}


def _from_environment(environ: Mapping[str, str]) -> dict[str, str]:
    found = {}
    for name, variables in ENVIRONMENT.items():
        value = next((environ[v] for v in variables if environ.get(v)), None)
        if value is not None:
            found[name] = value
    return found


def _checked(path: Path, key: str, value: Any) -> Any:
    default = next(f.default for f in fields(OpenAISettings) if f.name == key)
    wanted = str if key == "model" else type(default)
    ok = isinstance(value, wanted) or (wanted is float and isinstance(value, int))
    if not ok or isinstance(value, bool):
        raise SettingsInvalid(f"{path}: {key} must be a {wanted.__name__}, not {value!r}")
    return value


def _check_names(settings: Mapping[str, Any], where: str) -> None:
    unknown = sorted(set(settings) - {f.name for f in fields(OpenAISettings)})
    if unknown:
        raise SettingsInvalid(f"{where}: {', '.join(unknown)}")
