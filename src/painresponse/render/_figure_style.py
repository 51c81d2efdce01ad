"""The figures' house style and how a drawn figure becomes SVG and PNG.

Shared by :mod:`~painresponse.render.figures`, :mod:`~painresponse.render.flow_diagram`
and :mod:`~painresponse.render.extended_figures`, which import it and never each other
(the figures module alone gathers all of them into the report's list).

Sizes follow journal columns (8.5 cm single, 17.5 cm double) with fonts of 7–8 pt; colours
are the Okabe–Ito palette, which stays distinguishable with the common colour-vision
deficiencies. matplotlib is imported inside the functions, so importing this module costs
nothing.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal, cast

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CM",
    "DOUBLE_COLUMN_CM",
    "GREY",
    "LETTER_SIZE",
    "OKABE_ITO",
    "PANEL_LETTERS",
    "SINGLE_COLUMN_CM",
    "STYLE",
    "Kind",
    "house_style",
    "new_figure",
    "serialise",
]

#: Okabe & Ito (2008) colour-blind-safe palette, in the order groups receive them.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442")
#: Inches per centimetre (matplotlib sizes figures in inches).
CM = 1 / 2.54
SINGLE_COLUMN_CM = 8.5
DOUBLE_COLUMN_CM = 17.5
#: Panel letters (A, B, ...) and their size: a point larger than the text, bold.
PANEL_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LETTER_SIZE = 9.0
#: Reference lines (chance, OR = 1, percent cut-offs).
GREY = "#999999"
#: A serialised form of a figure: ``"svg"`` (text) or ``"png"`` (300 dpi image).
Kind = Literal["svg", "png"]

STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",  # shipped with matplotlib: same glyphs everywhere
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7.5,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.unicode_minus": True,
    "svg.fonttype": "path",
    "svg.hashsalt": "painresponse",
    "savefig.dpi": 300,
}


@contextmanager
def house_style() -> Iterator[None]:
    """matplotlib's settings for the duration of the block: fonts, line widths, spines."""
    import matplotlib

    with matplotlib.rc_context(cast(Any, STYLE)):
        yield


def new_figure(width_cm: float, height_cm: float, constrained: bool = True) -> Figure:
    """A figure bound to an Agg canvas explicitly (no pyplot, no backend switching)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(
        figsize=(width_cm * CM, height_cm * CM), layout="constrained" if constrained else None
    )
    FigureCanvasAgg(figure)
    return figure


def serialise(
    figure: Figure, salt: str, kinds: frozenset[Kind] = frozenset(("svg", "png"))
) -> tuple[str | None, bytes | None]:
    """The figure as an SVG document and a 300 dpi PNG image, each only when asked for.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The drawn figure.
    salt : str
        The SVG's hash salt, so that its element ids are the same on every run.
    kinds : frozenset of {"svg", "png"}
        The forms wanted.

    Returns
    -------
    tuple of (str or None, bytes or None)
        The SVG (no date) and the PNG (no software stamp); None for a form not asked for.

    Notes
    -----
    The SVG is always drawn first, even when only the PNG is wanted: constrained layout
    settles over successive drawings, and a figure with long tick labels (the forest
    plot) comes out differently on its first. So the PNG is the same whichever formats a
    report is written in. A PNG alone thus saves nothing; an SVG alone saves the PNG,
    the costlier of the two.
    """
    import matplotlib

    png: bytes | None = None
    with matplotlib.rc_context(cast(Any, {**STYLE, "svg.hashsalt": salt})):
        text = io.StringIO()
        figure.savefig(text, format="svg", metadata={"Date": None})
        if "png" in kinds:
            image = io.BytesIO()
            figure.savefig(image, format="png", dpi=300, metadata={"Software": None})
            png = image.getvalue()
    return (text.getvalue() if "svg" in kinds else None), png
