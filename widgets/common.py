"""What every view shares: escaping, a status line, and callbacks that never crash a view.

Anything a person typed (messages, notes, card text) reaches the page only through
``escape``: ipywidgets' ``HTML`` renders markup, so unescaped text would run in every
browser in the room. A callback that fails shows one short line in the view's status and
logs the traceback on the server; the viewer never sees a traceback and the session lives on.
"""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import ipywidgets as w

from facilitation.errors import WorkbenchError

log = logging.getLogger("widgets")
F = TypeVar("F", bound=Callable[..., Any])

STYLE = """
<style>
.rp-msg { padding: 6px 10px; margin: 4px 0; border-radius: 8px; max-width: 46em; white-space: pre-wrap; }
.rp-agent { background: #e8f0fe; margin-left: 3em; }
.rp-customer { background: #f1f3f4; margin-right: 3em; }
.rp-who { font-size: 0.8em; color: #5f6368; }
.rp-status { color: #b3261e; min-height: 1.2em; }
.rp-status.rp-ok { color: #1e6b34; }
.rp-phase { padding: 4px 12px; border-radius: 12px; background: #eee; margin-right: 4px; }
.rp-phase.rp-now { background: #1a73e8; color: white; font-weight: bold; }
.rp-phase.rp-over { background: #d93025; color: white; }
.rp-card { border: 1px solid #ddd; border-radius: 8px; padding: 8px 12px; margin: 4px 0; }
.rp-notice { background: #fff4e5; border-left: 4px solid #f29900; padding: 4px 8px; }
.rp-big { font-size: 4em; font-weight: bold; }
/* The facilitator's clock and phase controls stay in view while the chat grows: the bar
   sticks to the top, so every box around it must let it (no overflow clipping). */
.rp-sticky { position: sticky; top: 0; z-index: 20; background: var(--jp-layout-color0, white);
             padding: 4px 0; box-shadow: 0 2px 4px rgba(0, 0, 0, 0.06); }
.rp-sticky-side { position: sticky; top: 0; align-self: flex-start; z-index: 10;
                  background: var(--jp-layout-color0, white); }
.jp-OutputArea, .jp-OutputArea-child, .jp-OutputArea-output, .rp-page, .rp-panel {
  overflow: visible !important; }
</style>
"""


def escape(text: object) -> str:
    """``text`` as inert HTML: markup a participant typed shows as text and runs nothing."""
    return html.escape(str(text), quote=True)


class Status(w.HTML):
    """One line under a view: what went wrong, or what was just saved."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(value="", **kwargs)
        self.add_class("rp-status-line")

    def error(self, message: str) -> None:
        self.value = f'<div class="rp-status" role="alert">{escape(message)}</div>'

    def ok(self, message: str) -> None:
        self.value = f'<div class="rp-status rp-ok">{escape(message)}</div>'

    def clear(self) -> None:
        self.value = ""


def guarded(status: Status) -> Callable[[F], F]:
    """Run a widget callback so that a failure becomes a short line in ``status``.

    A ``WorkbenchError`` is the person's to fix (its message says how); anything else is
    ours, so it is logged in full on the server and the room gets a one-line apology.
    """

    def wrap(callback: F) -> F:
        @functools.wraps(callback)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                result = callback(*args, **kwargs)
            except WorkbenchError as error:
                status.error(str(error))
            except Exception:
                log.exception("view callback %s failed", callback.__name__)
                status.error("Something went wrong there; nothing stored was lost. Try again.")
            else:
                return result
            return None

        return run  # type: ignore[return-value]

    return wrap


class _OneLine(logging.Filter):
    """A record's traceback becomes the name of its error: the kernel sends what it logs to the
    page as stderr, and a traceback names the server's paths and code to anyone with the link."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.getMessage()} ({type(record.exc_info[1]).__name__})"
            record.args, record.exc_info, record.exc_text = (), None, None
        return True


# Where ipykernel and the comm package log a widget message they could not handle (a
# malformed comm_open or comm_msg from a browser), with its traceback.
COMM_LOGGERS = ("ipykernel.comm", "Comm")


def quiet_comm_errors() -> None:
    """Log comm failures in this kernel as one line each (run once per page kernel)."""
    for name in COMM_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _OneLine) for f in logger.filters):
            logger.addFilter(_OneLine())


def refusal(error: object) -> w.HTML:
    """A page that will not open (no code, no key, a bad code): one escaped line, no traceback."""
    return w.HTML(f'{STYLE}<div class="rp-status" role="alert">{escape(error)}</div>')


def button(label: str, *, style: str = "", tooltip: str = "", width: str = "auto") -> w.Button:
    return w.Button(description=label, button_style=style, tooltip=tooltip or label,
                    layout=w.Layout(width=width))


class Confirm(w.HBox):
    """A second step for what the room cannot take back (ending a scene, restarting the act):
    the question and its two answers appear beside the control that asked."""

    def __init__(self, question: str, yes: str, on_yes: Callable[[], Any], status: Status,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.question = w.HTML(f'<span class="rp-confirm-q">{escape(question)}</span>')
        self.yes = button(yes, style="danger")
        self.yes.add_class("rp-confirm-yes")
        self.no = button("Cancel")
        self.no.add_class("rp-confirm-no")
        self.yes.on_click(guarded(status)(lambda _: (self.hide(), on_yes())))
        self.no.on_click(lambda _: self.hide())
        self.children = [self.question, self.yes, self.no]
        self.hide()

    def ask(self) -> None:
        self.layout.display = None

    def hide(self) -> None:
        self.layout.display = "none"

    @property
    def asking(self) -> bool:
        return self.layout.display != "none"
