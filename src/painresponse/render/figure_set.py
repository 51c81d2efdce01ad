"""The figures of a report: each drawn once, early or late, and written as files.

:mod:`painresponse.render.figures` (the paper's figures and every caption),
:mod:`~painresponse.render.flow_diagram` and the supplementary figures
(:mod:`~painresponse.render.extended_figures`, :mod:`~painresponse.render.cpra_figures`)
each draw one figure; this module draws the set a result has data for, in two processes
where that pays (:mod:`painresponse.render._figure_pool`): the paper's figures can start
while the supplementary analyses run (:func:`start_paper_figures`), the rest with the
report (:class:`PendingFigures`). :func:`write_figures` writes them as SVG and PNG.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from painresponse.render import extended_figures, flow_diagram
from painresponse.render._figure_pool import Drawing, Drawn, FollowUp, Job
from painresponse.render._figure_style import Kind, house_style
from painresponse.render.figures import (
    figure_captions,
    outcome_figure,
    outcome_scales,
    trajectory_figure,
    waterfall_figure,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from painresponse.result import StudyResult
    from painresponse.tables.supplementary import ExtendedFigureData, ExtendedResult

__all__ = [
    "PendingFigures",
    "RenderedFigure",
    "render_figures",
    "start_paper_figures",
    "write_figures",
]

#: Both forms of every figure: the SVG for HTML and the figure files, the PNG for Word.
BOTH: frozenset[Kind] = frozenset(("svg", "png"))
#: Rough relative cost of drawing each figure, to draw the heaviest first.
_WEIGHT = {"trajectories": 5, "forest": 5, "cpra": 4, "outcomes": 3, "waterfall": 2, "roc": 2}


@dataclass(frozen=True)
class RenderedFigure:
    """One figure drawn once and serialised for every output that shows it.

    Attributes
    ----------
    name : str
        ``"flow"``, ``"outcomes"``, ``"trajectories"``, ``"waterfall"``,
        ``"cpra"`` (or ``"responder_curves"`` without Table S10), ``"roc"`` or ``"forest"``.
    number : int
        The figure's number in the report (1-based, in drawing order).
    caption : str
        The caption without the "Figure n." lead.
    svg_document : str or None
        The SVG document (deterministic: fixed hash salt, no date); None when it was not
        asked for (see :func:`render_figures`).
    png_image : bytes or None
        The PNG image at 300 dpi; None when it was not asked for.
    width_cm : float
        The figure's width as drawn.
    """

    name: str
    number: int
    caption: str
    svg_document: str | None
    png_image: bytes | None
    width_cm: float

    @property
    def stem(self) -> str:
        """File stem: ``figure1_flow``."""
        return f"figure{self.number}_{self.name}"

    @property
    def svg(self) -> str:
        """The SVG document; a ValueError when the figure was drawn without it."""
        if self.svg_document is None:
            raise ValueError(f"{self.stem} was rendered without its SVG (kinds={{'png'}})")
        return self.svg_document

    @property
    def png(self) -> bytes:
        """The 300 dpi PNG image; a ValueError when the figure was drawn without it."""
        if self.png_image is None:
            raise ValueError(f"{self.stem} was rendered without its PNG (kinds={{'svg'}})")
        return self.png_image


def _drawings(result: StudyResult) -> dict[str, Callable[[], Figure]]:
    """A function drawing each figure ``result`` has data for, by figure name."""
    scales = outcome_scales(result)
    draw: dict[str, Callable[[], Figure]] = {
        "flow": lambda: flow_diagram.flow_figure(result.flow),
        "outcomes": lambda: outcome_figure(result.figures, scales=scales),
        "trajectories": lambda: trajectory_figure(result.figures, scales=scales),
        "waterfall": lambda: waterfall_figure(result.figures),
    }
    if result.extended is not None:
        draw.update(_supplementary_drawings(_supplementary_data(result.extended)))
    return draw


#: What the supplementary figures draw: their data and the forest plot's reference levels
#: (picklable, so that a child forked before the supplementary analyses can draw them).
_SupplementaryData = tuple["ExtendedFigureData", dict[str, str]]


def _supplementary_data(ext: ExtendedResult) -> _SupplementaryData:
    return ext.figures, extended_figures.forest_references(ext.tables)


def _supplementary_drawings(data: _SupplementaryData) -> dict[str, Callable[[], Figure]]:
    """A function drawing each supplementary figure, by name, from their data."""
    figures, references = data
    xf = extended_figures

    def styled(make: Callable[[], Figure]) -> Callable[[], Figure]:
        def run() -> Figure:
            with house_style():
                return make()

        return run

    draw: dict[str, Callable[[], Figure]] = {}
    curves, forest, roc, cpra = figures.responder_curves, figures.forest, figures.roc, figures.cpra
    if cpra is not None:  # the cumulative responder curves with bands and their test
        from painresponse.render.cpra_figures import cpra_figure

        draw["cpra"] = styled(lambda: cpra_figure(cpra))
    else:
        draw["responder_curves"] = styled(lambda: xf.responder_curve_figure(curves))
    if roc is not None:
        draw["roc"] = styled(lambda: xf.roc_figure(roc))
    draw["forest"] = styled(lambda: xf.forest_figure(forest, references))
    return draw


def _jobs(names: Iterable[str], draw: dict[str, Callable[[], Figure]]) -> list[Job]:
    return [(f"painresponse-{name}", draw[name]) for name in names]


def _later(order: tuple[_SupplementaryData, list[str]]) -> list[Job]:
    """The supplementary figures' jobs, made in the child from their data and names (see
    :meth:`PendingFigures.add_supplementary`)."""
    data, names = order
    return _jobs(names, _supplementary_drawings(data))


def _heaviest_first(names: Iterable[str]) -> list[str]:
    return sorted(names, key=lambda name: -_WEIGHT.get(name, 1))


def render_figures(result: StudyResult, kinds: Iterable[Kind] = BOTH) -> list[RenderedFigure]:
    """Draw every figure of ``result`` once and serialise it as SVG and/or PNG.

    Parameters
    ----------
    result : StudyResult
        The analysis.
    kinds : iterable of {"svg", "png"}
        The forms to make: both by default; the HTML report shows the SVG, the Word
        report the PNG.

    Returns
    -------
    list of RenderedFigure
        Flow, outcomes, trajectories and waterfall (and the supplementary figures when
        ``result`` has the extended analyses), those that have data, numbered in order.

    Notes
    -----
    The figures are independent: where the machine has a second CPU for it, two
    processes draw them (:mod:`painresponse.render._figure_pool`), with the same bytes
    as one. :class:`PendingFigures` starts them and lets the caller do other work first.
    """
    pending = PendingFigures(result, kinds)
    try:
        return pending.figures()
    finally:
        pending.close()


class PendingFigures:
    """The figures of ``result``, started now and collected by :meth:`figures`.

    Where two processes draw them (:mod:`painresponse.render._figure_pool`), the second
    starts at once, so the caller can write the formats that need no figures meanwhile;
    otherwise nothing is drawn before :meth:`figures`.

    Parameters
    ----------
    result : StudyResult
        The analysis.
    kinds : iterable of {"svg", "png"}
        The forms to make, as in :func:`render_figures`.
    early : PendingFigures, optional
        Figures started earlier on the paper's result (:func:`start_paper_figures`, while
        the supplementary analyses ran), in the same forms: they are taken from there and
        only the others are drawn here.
    background : bool
        The caller has other work before it wants the figures: a second process, if
        any, imports matplotlib itself (see :class:`~painresponse.render._figure_pool.Drawing`).
    """

    def __init__(
        self,
        result: StudyResult,
        kinds: Iterable[Kind] = BOTH,
        early: PendingFigures | None = None,
        *,
        background: bool = False,
        supplementary_later: bool = False,
    ) -> None:
        wanted = frozenset(kinds)
        unknown = wanted - BOTH
        if unknown:
            raise ValueError(f"kinds must be 'svg' and/or 'png', not {sorted(unknown)}")
        if early is not None and early.kinds != wanted:
            raise ValueError("figures started early were drawn in other forms")
        self.kinds: frozenset[Kind] = wanted
        self._captions = figure_captions(result)
        self._early = early
        done = set() if early is None else set(early._names()) & set(self._captions)
        self._order: list[str] = _heaviest_first(n for n in self._captions if n not in done)
        later = _later if supplementary_later else None
        self._drawing = Drawing(
            _jobs(self._order, _drawings(result)), wanted, background=background, later=later
        )
        self._more: FollowUp | None = None
        self._more_order: list[str] = []

    def add_supplementary(self, result: StudyResult) -> None:
        """Draw ``result``'s supplementary figures too, by this set's child where it waits.

        For the paper's figures started by :func:`start_paper_figures`: called with a
        result that has the supplementary analyses (before the report is written), so
        that the child, with matplotlib already loaded, draws those figures while this
        process finishes its work. Without such a child they are drawn here when wanted.
        """
        if self._more is not None or result.extended is None:
            return
        data = _supplementary_data(result.extended)
        draw = _supplementary_drawings(data)
        self._more_order = _heaviest_first(draw)
        self._more = self._drawing.follow_up(
            (data, self._more_order), _jobs(self._more_order, draw)
        )

    def figures(self) -> list[RenderedFigure]:
        """Every figure, numbered in caption order (drawn here what is not drawn yet)."""
        drawn = dict(zip(self._order, self._drawing.results(), strict=True))
        if self._early is not None:
            earlier = self._early._drawn(set(self._captions) - set(drawn))
            drawn.update((name, earlier[name]) for name in self._captions if name not in drawn)
        return [
            RenderedFigure(name, number, caption, *drawn[name])
            for number, (name, caption) in enumerate(self._captions.items(), start=1)
        ]

    def _names(self) -> list[str]:
        return self._order + self._more_order

    def _drawn(self, wanted: set[str]) -> dict[str, Drawn]:
        """This set's figures by name, unnumbered; the supplementary ones only if wanted
        (a report of some tables only may leave them out: not drawn here then)."""
        drawn = dict(zip(self._order, self._drawing.results(), strict=True))
        if self._more is not None and wanted & set(self._more_order):
            drawn.update(zip(self._more_order, self._more.results(), strict=True))
        return drawn

    def close(self) -> None:
        """Stop drawing (a report that fails before it needs its figures)."""
        self._drawing.close()
        if self._early is not None:
            self._early.close()


def start_paper_figures(paper: StudyResult, kinds: Iterable[Kind] = BOTH) -> PendingFigures:
    """Start drawing the paper's figures (flow, outcomes, trajectories, waterfall) now.

    Called with the preliminary result that :func:`painresponse.pipeline.analyze` hands to
    its ``on_paper`` callback, before Tables 1–5 and the supplementary analyses: where a
    second process can draw (:mod:`painresponse.render._figure_pool`), the paper's figures
    are drawn beside those analyses, and then the supplementary figures when
    :meth:`PendingFigures.add_supplementary` hands them over. Pass the returned object as
    ``early`` to :class:`PendingFigures` (through the report's writers) for the whole set.

    Parameters
    ----------
    paper : StudyResult
        The paper's part: flow and figure data (its tables may be empty; the figures do
        not show them).
    kinds : iterable of {"svg", "png"}
        The forms the report will show.

    Returns
    -------
    PendingFigures
        The paper's figures, being drawn; :meth:`PendingFigures.close` stops them.
    """
    return PendingFigures(
        replace(paper, extended=None), kinds, background=True, supplementary_later=True
    )


def write_figures(
    result: StudyResult,
    out_dir: str | Path,
    rendered: Sequence[RenderedFigure] | None = None,
) -> list[Path]:
    """Write each figure as SVG and PNG (300 dpi) into ``out_dir``.

    Parameters
    ----------
    result : StudyResult
        The analysis.
    out_dir : str or Path
        Directory to write into (created if absent).
    rendered : sequence of RenderedFigure, optional
        Figures already drawn by :func:`render_figures` with both forms (saves drawing
        them again).

    Returns
    -------
    list of Path
        ``figure1_flow.svg``, ``figure1_flow.png``, ... in figure order; the cumulative
        responder figure also has its data, ``figure<n>_cpra_data.csv``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for figure in rendered if rendered is not None else render_figures(result):
        svg_path = out / f"{figure.stem}.svg"
        svg_path.write_text(figure.svg, encoding="utf-8")
        png_path = out / f"{figure.stem}.png"
        png_path.write_bytes(figure.png)
        paths += [svg_path, png_path]
        if figure.name == "cpra" and result.extended and result.extended.figures.cpra:
            from painresponse.render.cpra_figures import cpra_figure_frame

            # the curves and bands behind the figure, unrounded (UTF-8 with BOM, for Excel)
            data = cpra_figure_frame(result.extended.figures.cpra).write_csv()
            data_path = out / f"{figure.stem}_data.csv"
            data_path.write_bytes(b"\xef\xbb\xbf" + data.encode("utf-8"))
            paths.append(data_path)
    return paths
