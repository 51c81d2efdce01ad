"""Draw and serialise a list of figures, in two processes where the machine allows it.

Turning figures into SVG and 300 dpi PNG takes a large share of a report's time (about
1.9 s of CPU for the demo's seven figures), and the figures are independent of each other.
On Linux with a second CPU free for it, a forked child starts drawing as soon as a
:class:`Drawing` is made, while this process writes the formats that need no figures;
when the figures are wanted, this process draws beside the child. Both take the next
undrawn figure from a shared counter until none is left, the heaviest first, and the
child sends back what it drew. A fork copies the parent as it is, so the child needs no
imports and no data sent to it, and draws the same bytes.

Anything else (another platform, one CPU, a machine whose other work leaves no core free,
a daemon process, fewer than two figures, the variable ``PAINRESPONSE_FIGURE_PROCESSES=1``)
draws in this process, one figure after the other, when the figures are wanted. A child
that fails, dies or stalls costs time, never a figure: this process draws whatever the
child did not send.
"""

from __future__ import annotations

import os
import pickle
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from painresponse.render._figure_style import CM, Kind, serialise

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["Drawing", "Drawn", "FollowUp", "draw_figures", "other_demand", "processes_for"]

#: What a drawing gives: the SVG, the PNG (None when not asked for) and the width in cm.
Drawn = tuple[str | None, bytes | None, float]
#: A figure to draw: its SVG hash salt and a function drawing it.
Job = tuple[str, Callable[[], "Figure"]]
#: ``1`` keeps every figure in this process, ``2`` forks whatever the load.
PROCESSES_VARIABLE = "PAINRESPONSE_FIGURE_PROCESSES"
#: A child is forked when the other programs' demand is at most the CPUs less this: room
#: for this process and the child.
_BUSY_CORES = 1.5
#: The kernel's count of runnable tasks is read this many times, this far apart; the
#: median counts as the other programs' demand now.
_SAMPLES, _SAMPLE_GAP_S = 5, 0.002
#: This process waits this long for the child beyond the time since the child started,
#: then draws the rest itself (a stalled child must not hang a report).
_PATIENCE_S = 30.0


def draw_figures(jobs: Sequence[Job], kinds: frozenset[Kind]) -> list[Drawn]:
    """Draw each ``(salt, draw)`` job and serialise it as ``kinds``; results in job order.

    Parameters
    ----------
    jobs : sequence of (str, callable)
        The SVG hash salt of each figure and a function drawing it; the heaviest first,
        so that two processes finish at about the same time.
    kinds : frozenset of {"svg", "png"}
        The forms wanted.

    Returns
    -------
    list of Drawn
        Per job, in the jobs' order: ``(svg, png, width_cm)``.
    """
    drawing = Drawing(jobs, kinds)
    try:
        return drawing.results()
    finally:
        drawing.close()


def processes_for(count: int) -> int:
    """How many processes draw ``count`` figures here: 2 where a fork pays, else 1.

    Two on Linux with two or more CPUs for this process, when the other programs running
    now leave a core free for the child beside this process (:func:`other_demand`);
    measured on a 2-core machine where another program kept one core busy, the second
    process gained nothing and cost about 2 % of the report's time.
    ``PAINRESPONSE_FIGURE_PROCESSES`` set to ``1`` or ``2`` overrides the load rule (``2``
    still needs Linux and 2 CPUs).
    """
    if count < 2 or not sys.platform.startswith("linux"):
        return 1
    setting = os.environ.get(PROCESSES_VARIABLE, "").strip()
    if setting == "1":
        return 1
    import multiprocessing

    if multiprocessing.current_process().daemon:  # daemons may not have children
        return 1
    cpus = len(os.sched_getaffinity(0))
    if cpus < 2:
        return 1
    if setting == "2":
        return 2
    return 2 if other_demand() <= cpus - _BUSY_CORES else 1


def other_demand() -> float:
    """How many CPUs the machine's other programs want now, this process left out.

    The median of a few readings of the kernel's runnable-task count (``/proc/loadavg``,
    fourth field), less the one reading it (this process), over about 10 ms. The 1-minute
    load average is the fallback where that file cannot be read; it is not the rule,
    because it still carries this program's own recent work: a report run twice in a row
    found its own first run there and drew every figure alone (7.1 s against 5.5 s for
    the demo on 2 cores).
    """
    readings: list[int] = []
    try:
        for sample in range(_SAMPLES):
            if sample:
                time.sleep(_SAMPLE_GAP_S)
            with open("/proc/loadavg", encoding="ascii") as file:
                readings.append(int(file.read().split()[3].split("/")[0]))
    except (OSError, IndexError, ValueError):
        return os.getloadavg()[0]
    readings.sort()
    return max(readings[len(readings) // 2] - 1, 0)


class Drawing:
    """Figures being drawn: by a forked child from the start, by this process on demand.

    Parameters
    ----------
    jobs : sequence of (str, callable)
        The SVG hash salt of each figure and a function drawing it, the heaviest first.
    kinds : frozenset of {"svg", "png"}
        The forms wanted.
    background : bool
        This process has other work to do before it wants the figures (the paper's
        figures during the supplementary analyses): the child imports matplotlib itself,
        so this process does not spend that time first; it draws only what the child did
        not send.
    later : callable, optional
        Makes a second batch of jobs in the child from data sent by :meth:`follow_up`
        (figures whose data do not exist yet when the child is forked: a fork cannot
        receive new functions, only pickled data). With it, the child stays after its
        first batch, with matplotlib loaded, waiting for that data.

    Notes
    -----
    Call :meth:`results` for the figures and :meth:`close` in any case (a report that
    fails before it needs its figures stops the child there).
    """

    def __init__(
        self,
        jobs: Sequence[Job],
        kinds: frozenset[Kind],
        *,
        background: bool = False,
        later: Callable[[Any], Sequence[Job]] | None = None,
    ) -> None:
        self.jobs, self.kinds = list(jobs), kinds
        self._background = background
        self._later = later
        self._drawn: dict[int, Drawn] = {}
        self._child: Any = None
        self._receiver: Any = None
        self._orders: Any = None  # the pipe carrying the second batch's data to the child
        self._claim: Callable[[], int] = self._next_alone
        self._started = time.perf_counter()
        self._done = False
        self._batches: list[dict[int, Drawn]] = []  # what the child sent, in order
        self._followed = False  # a second batch was asked for (follow_up)
        if processes_for(len(self.jobs) + (1 if later else 0)) >= 2:
            self._fork()

    def follow_up(self, data: Any, jobs: Sequence[Job]) -> FollowUp:
        """A second batch: drawn by the child from ``data`` (``later(data)``), or here.

        Parameters
        ----------
        data : object
            Picklable data from which ``later`` makes the jobs in the child.
        jobs : sequence of (str, callable)
            The same jobs made here: what the child does not send is drawn from these.

        Returns
        -------
        FollowUp
            The batch; its :meth:`FollowUp.results` waits for the child.
        """
        sent = False
        if self._orders is not None and self._child is not None and self._child.is_alive():
            try:
                self._orders.send(data)
                sent = True
            except (OSError, ValueError, TypeError, AttributeError, pickle.PicklingError):
                pass  # unpicklable data or a child gone: drawn here
        self._followed = True
        return FollowUp(self, list(jobs), sent)

    def results(self) -> list[Drawn]:
        """Draw what is left here, collect the child's figures; all of them in job order."""
        if not self._done:
            while (index := self._claim()) < len(self.jobs):
                self._drawn[index] = self._draw(index)
            self._collect()
            for index in range(len(self.jobs)):  # what the child claimed but did not send
                if index not in self._drawn:
                    self._drawn[index] = self._draw(index)
            self._done = True
        return [self._drawn[i] for i in range(len(self.jobs))]

    def close(self) -> None:
        """Stop the child, if any is still running; the figures drawn are kept."""
        if self._orders is not None:
            self._orders.close()
            self._orders = None
        if self._receiver is not None:
            self._receiver.close()
            self._receiver = None
        if self._child is not None:
            if self._child.is_alive():
                self._child.terminate()
            self._child.join()
            self._child = None

    def _draw(self, index: int) -> Drawn:
        salt, draw = self.jobs[index]
        return _serialised(draw(), salt, self.kinds)

    def _next_alone(self) -> int:
        index = len(self._drawn)
        return index if index < len(self.jobs) else len(self.jobs)

    def _fork(self) -> None:
        import multiprocessing

        if not self._background:
            # imported before the fork, so that neither process imports them on its own
            import matplotlib.backends.backend_agg
            import matplotlib.backends.backend_svg  # noqa: F401
            import PIL.PngImagePlugin  # noqa: F401

        context = multiprocessing.get_context("fork")
        counter = context.RawValue("i", 0)
        lock = context.Lock()

        def claim() -> int:
            with lock:
                index = int(counter.value)
                counter.value = index + 1
            return index

        receiver, sender = context.Pipe(duplex=False)
        orders, order_sender = context.Pipe(duplex=False) if self._later else (None, None)

        def child() -> None:
            drawn: dict[int, Drawn] = {}
            try:
                while (index := claim()) < len(self.jobs):
                    drawn[index] = self._draw(index)
            except BaseException:  # the parent draws what is missing; it reports the error
                pass
            if orders is None or self._later is None:
                with suppress(OSError):  # the parent stopped listening (a failed report)
                    sender.send(drawn)
                return
            # Both batches are sent at the end: a batch of images outgrows the pipe's
            # buffer, and sending the first would block until the parent reads it (at
            # report time), with the second batch not yet drawn.
            more: dict[int, Drawn] = {}
            with suppress(EOFError, OSError):  # the parent closed: no second batch
                data = orders.recv()
                try:
                    if data is not None:
                        for index, (salt, draw) in enumerate(self._later(data)):
                            more[index] = _serialised(draw(), salt, self.kinds)
                except BaseException:  # the parent draws what is missing
                    pass
            with suppress(OSError):  # the parent stopped listening (a failed report)
                sender.send(drawn)
                sender.send(more)

        self._child = context.Process(target=child, name="painresponse-figures", daemon=True)
        self._child.start()
        sender.close()  # the child's copy stays open: EOF here means the child is gone
        if orders is not None:
            orders.close()
        self._receiver, self._claim, self._orders = receiver, claim, order_sender

    def _collect(self) -> None:
        if self._orders is not None and not self._followed:  # no second batch: say so
            with suppress(OSError, ValueError):
                self._orders.send(None)
            self._orders.close()
            self._orders = None
        if self._receiver is not None:
            self._receive(1)
            if self._orders is None:  # no second batch can come
                self.close()
        if self._batches:
            self._drawn.update(self._batches[0])

    def _receive(self, count: int) -> bool:
        """Wait (with patience) until the child has sent ``count`` batches; False if not."""
        while len(self._batches) < count:
            if self._receiver is None:
                return False
            patience = _PATIENCE_S + 10 * (time.perf_counter() - self._started)
            if not self._receiver.poll(patience):
                self.close()
                return False
            try:
                self._batches.append(self._receiver.recv())
            except (EOFError, OSError):  # the child is gone: its share is drawn here
                self.close()
                return False
        return True


def _serialised(figure: Figure, salt: str, kinds: frozenset[Kind]) -> Drawn:
    svg, png = serialise(figure, salt, kinds)
    return svg, png, figure.get_figwidth() / CM


class FollowUp:
    """A second batch of figures (:meth:`Drawing.follow_up`): the child's, or drawn here.

    Parameters
    ----------
    first : Drawing
        The drawing whose child was sent the batch's data.
    jobs : list of (str, callable)
        The batch's jobs, made here.
    sent : bool
        Whether the child was sent the data (else everything is drawn here).
    """

    def __init__(self, first: Drawing, jobs: list[Job], sent: bool) -> None:
        self._first, self.jobs, self._sent = first, jobs, sent
        self._drawn: dict[int, Drawn] | None = None

    def results(self) -> list[Drawn]:
        """The batch's figures in job order; what the child did not send is drawn here."""
        if self._drawn is None:
            first = self._first
            drawn: dict[int, Drawn] = {}
            if self._sent and first._receive(2):
                drawn.update(first._batches[1])
            first.close()
            for index, (salt, draw) in enumerate(self.jobs):
                if index not in drawn:
                    drawn[index] = _serialised(draw(), salt, first.kinds)
            self._drawn = drawn
        return [self._drawn[i] for i in range(len(self.jobs))]
