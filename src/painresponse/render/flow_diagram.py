"""The flow diagram (CONSORT style): assessed → excluded by reason → analysed → groups.

Drawn in the house style (:mod:`painresponse.render._figure_style`) and rendered with the
other figures by :mod:`painresponse.render.figures`; patients the responder rule cannot
classify leave before "Analysed", so its n is the tables' n.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from painresponse.render._figure_style import CM, house_style, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from painresponse.flow import Flow

__all__ = ["flow_figure"]


@dataclass
class _Box:
    text: str
    cx: float
    top: float
    width: float
    align: str = "center"

    def height(self, line: float, pad: float) -> float:
        return self.text.count("\n") * line + line + 2 * pad


def _wrap(text: str, width_in: float, font_pt: float) -> str:
    chars = max(int(width_in * 72 / (font_pt * 0.56)), 12)
    return "\n".join(
        textwrap.fill(part, chars, subsequent_indent="   " if part.startswith("•") else "")
        for part in text.split("\n")
    )


def _reasons(title: str, exclusions: Sequence[Any], width_in: float, font_pt: float) -> str:
    total = sum(e.count for e in exclusions)
    lines = [f"{title} (n = {total})"]
    lines += [f"• {e.reason} (n = {e.count})" for e in exclusions]
    return _wrap("\n".join(lines), width_in, font_pt)


def flow_figure(flow: Flow) -> Figure:
    """STROBE-style flow diagram: assessed → excluded (side box) → analysed → groups.

    Parameters
    ----------
    flow : Flow
        The flow of patients of a :class:`~painresponse.result.StudyResult`.

    Returns
    -------
    matplotlib.figure.Figure
        Boxes joined by arrows, 14 cm wide; the height follows the text.
    """
    from matplotlib.patches import Rectangle

    font, line, pad, gap = 8.0, 8.0 * 1.3 / 72, 0.07, 0.28
    width = 14 * CM
    main_w, side_w = 0.42 * width, 0.44 * width
    n_groups = max(len(flow.groups), 1)
    slot = (width - 0.04) / n_groups
    # the trunk runs straight into the first group's box when the layout allows it
    main_cx = max(0.02 + slot / 2, main_w / 2 + 0.02) if n_groups > 1 else width / 2 - 0.6
    side_cx = width - side_w / 2 - 0.02
    early = [e for e in flow.exclusions if e.stage != "classification"]
    unclassified = [e for e in flow.exclusions if e.stage == "classification"]

    boxes: list[_Box] = []
    arrows: list[tuple[float, float, float, float]] = []
    y = 0.0
    assessed = _Box(
        _wrap(f"Assessed for eligibility (n = {flow.assessed})", main_w - 2 * pad, font),
        main_cx,
        y,
        main_w,
    )
    boxes.append(assessed)
    y -= assessed.height(line, pad)
    trunk_top = y
    # Patients the responder rule cannot classify leave before "Analysed", so that its n is
    # the tables' n (responders + non-responders).
    sides = [("Excluded", early), ("Not classified", unclassified)]
    for title, reasons in [(t, r) for t, r in sides if r]:
        side = _Box(_reasons(title, reasons, side_w - 2 * pad, font), side_cx, y - gap, side_w,
                    "left")  # fmt: skip
        boxes.append(side)
        mid = side.top - side.height(line, pad) / 2
        arrows.append((main_cx, mid, side_cx - side_w / 2, mid))
        y = side.top - side.height(line, pad)
    y -= gap
    analysed = _Box(f"Analysed (n = {flow.analysed})", main_cx, y, main_w)
    boxes.append(analysed)
    arrows.append((main_cx, trunk_top, main_cx, y))
    y -= analysed.height(line, pad)
    trunk_top = y
    y -= gap
    group_w = min(slot - 0.1, main_w)
    bus = y
    y -= gap * 0.8
    group_boxes = [
        _Box(
            _wrap(f"{label} (n = {n})", group_w - 2 * pad, font),
            0.02 + slot * (k + 0.5),
            y,
            group_w,
        )
        for k, (label, n) in enumerate(flow.groups)
    ]
    if group_boxes and abs(group_boxes[0].cx - main_cx) < 0.3:
        group_boxes[0].cx = main_cx
    boxes += group_boxes
    lines_: list[tuple[float, float, float, float]] = [(main_cx, trunk_top, main_cx, bus)]
    if group_boxes:
        xs = [b.cx for b in group_boxes] + [main_cx]
        lines_.append((min(xs), bus, max(xs), bus))
        arrows += [(b.cx, bus, b.cx, b.top) for b in group_boxes]
    bottom = min(b.top - b.height(line, pad) for b in boxes) - 0.05

    with house_style():
        height = -bottom + 0.1
        figure = new_figure(width / CM, height / CM, constrained=False)
        ax = figure.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, width)
        ax.set_ylim(bottom, 0.05)
        ax.set_axis_off()
        for box in boxes:
            h = box.height(line, pad)
            ax.add_patch(
                Rectangle(
                    (box.cx - box.width / 2, box.top - h),
                    box.width,
                    h,
                    facecolor="white",
                    edgecolor="black",
                    linewidth=0.8,
                )
            )
            if box.align == "left":
                ax.text(
                    box.cx - box.width / 2 + pad,
                    box.top - h / 2,
                    box.text,
                    ha="left",
                    va="center",
                    fontsize=font,
                    linespacing=1.3,
                )
            else:
                ax.text(
                    box.cx,
                    box.top - h / 2,
                    box.text,
                    ha="center",
                    va="center",
                    fontsize=font,
                    linespacing=1.3,
                    multialignment="center",
                )
        for x0, y0, x1, y1 in lines_:
            ax.plot([x0, x1], [y0, y1], color="black", linewidth=0.8, solid_capstyle="butt")
        for x0, y0, x1, y1 in arrows:
            ax.annotate(
                "",
                xy=(x1, y1),
                xytext=(x0, y0),
                arrowprops={
                    "arrowstyle": "-|>",
                    "linewidth": 0.8,
                    "color": "black",
                    "shrinkA": 0,
                    "shrinkB": 0,
                    "mutation_scale": 8,
                },
            )
    return figure
