"""Which customer engines are installed, found by name — the papermill engine-registry pattern.

The built-ins (embedded, scripted, openai, human) are registered exactly as a plug-in is:
by name, with a label for the facilitator's menu and whether the engine simulates the
customer or a person in the room plays it. Third parties add theirs with an entry point in
the ``roleplay.customer_engines`` group (``name = "package.module:EngineClass"``), or at run
time with ``register``. Engines are imported on first use, so a page that never plays the
LLM customer never imports the openai client.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from ..errors import UnknownEngine

ENTRY_POINT_GROUP = "roleplay.customer_engines"


@dataclass(frozen=True)
class EngineInfo:
    """What the workbench knows of an engine before it imports it."""

    name: str
    label: str  # as the facilitator's menu shows it
    simulated: bool  # False: a person in the room plays the customer (no engine turns)
    target: str | Callable[..., Any]  # "module:attribute", or the factory itself

    def factory(self) -> Callable[..., Any]:
        if callable(self.target):
            return self.target
        module, _, attribute = self.target.partition(":")
        return getattr(importlib.import_module(module), attribute)


class EngineRegistry:
    def __init__(self) -> None:
        self._engines: dict[str, EngineInfo] = {}
        self._loaded_entry_points = False

    def register(self, name: str, target: str | Callable[..., Any], *, label: str | None = None,
                 simulated: bool = True) -> None:
        """Add (or replace) an engine; ``target`` is its class, or "module:Class" to import later."""
        self._engines[name] = EngineInfo(name, label or name, simulated, target)

    def _load_entry_points(self) -> None:
        """Plug-ins are imported once, when the engines are first listed: their class says its
        ``label`` and whether it is ``simulated``. One that fails to import is left out with a
        warning naming it, so a broken plug-in cannot stop a session on the built-ins."""
        if self._loaded_entry_points:
            return
        self._loaded_entry_points = True
        for point in entry_points(group=ENTRY_POINT_GROUP):
            if point.name in self._engines:  # registered at run time: that registration wins
                continue
            try:
                factory = point.load()
            except Exception as error:  # any import failure in a third party's code
                warnings.warn(f"customer engine {point.name!r} ({point.value}) did not load and is left "
                              f"out: {type(error).__name__}: {error}", stacklevel=3)
                continue
            label = getattr(factory, "label", None)
            self.register(point.name, factory, label=label if isinstance(label, str) else None,
                          simulated=bool(getattr(factory, "simulated", True)))

    def names(self) -> list[str]:
        self._load_entry_points()
        return list(self._engines)

    def info(self, name: str) -> EngineInfo:
        self._load_entry_points()
        if name not in self._engines:
            raise UnknownEngine(f"no customer engine {name!r}; have {', '.join(self._engines)}")
        return self._engines[name]

    def all(self) -> list[EngineInfo]:
        self._load_entry_points()
        return list(self._engines.values())

    def get(self, name: str, **options: Any) -> Any:
        """A new engine of this name, made with ``options``."""
        return self.info(name).factory()(**options)


def default_registry() -> EngineRegistry:
    """The built-in engines, registered as a plug-in would be; plug-ins join on first listing."""
    registry = EngineRegistry()
    registry.register("embedded", "facilitation.customers.embedded:EmbeddedCustomer",
                      label="Embedded (offline)")
    registry.register("openai", "facilitation.customers.llm:OpenAICustomer", label="LLM (OpenAI-compatible)")
    registry.register("human", "facilitation.customers.human:HumanCustomer",
                      label="A person plays the customer", simulated=False)
    registry.register("scripted", "facilitation.customers.scripted:ScriptedCustomer", label="Scripted")
    return registry


engines = default_registry()


def is_simulated(name: str) -> bool:
    """Whether the engine a scene was stored with plays the customer itself; an engine no
    longer installed was one (only installed engines can be person-played)."""
    try:
        return engines.info(name).simulated
    except UnknownEngine:
        return True
