"""The fast-layer circuit: populations with their sizes, pathways with their in-degrees.

Reads a circuit file (``python -m experiments circuit``, :mod:`.circuit_structure`), which
records the network as built. Each population is a box with its number of cells; each pathway
an arrow labelled with its in-degree (presynaptic partners per cell, as built), red with an
arrowhead when excitatory, blue with a bar when inhibitory, dashed when it descends through the
dorsolateral funiculus (DLF). Populations missing from :data:`LAYOUT` are placed at the right.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.patches import ArrowStyle, FancyArrowPatch, FancyBboxPatch

from . import STYLE, save
from .circuit_structure import read

NAME = "circuit"
SIGN_COLOURS = {"excitatory": "#c0392b", "inhibitory": "#2471a3"}
ARROWS = {"excitatory": ArrowStyle("-|>", head_length=3.0, head_width=1.6),
          "inhibitory": ArrowStyle("-[", widthB=2.5, lengthB=0.0)}
#: population -> (x, y, label) on a 10 x 6.4 canvas
LAYOUT = {
    "on_cells": (3.2, 5.5, "ON"),
    "off_cells": (6.6, 5.5, "OFF"),
    "neutral_cells": (9.0, 5.5, "NEUTRAL"),
    "lamina1_nk1r": (2.6, 3.3, "lamina I\nNK1R+"),
    "spino_pag": (4.3, 2.3, "lamina I\nspino-PAG"),
    "wdr": (6.0, 3.3, "WDR"),
    "excitatory_interneurons": (0.9, 1.95, "excitatory\ninterneurons"),
    "inhibitory_interneurons": (8.4, 1.95, "inhibitory\ninterneurons"),
    "c_nonpeptidergic": (0.7, 0.15, "C non-pept."),
    "c_peptidergic": (2.8, 0.15, "C peptidergic"),
    "adelta": (5.2, 0.15, "Aδ"),
    "abeta": (7.8, 0.15, "Aβ"),
}
#: region -> (label, bottom, top) of its band
REGIONS = {"rvm": ("RVM", 4.75, 6.1), "dorsal_horn": ("dorsal horn", 1.3, 4.0),
           "afferents": ("afferents", -0.4, 1.0)}
#: pathway -> arc curvature, so a pathway and its reverse do not overlap
CURVATURE = {"lamina1_nk1r_to_on_cells": -0.25, "on_cells_to_lamina1_nk1r": -0.25, "wdr_to_on_cells": -0.2,
             "on_cells_to_wdr": -0.2, "on_cells_to_off_cells": 0.2, "off_cells_to_on_cells": 0.2,
             "inhibitory_interneurons_to_excitatory_interneurons": 0.12}


def _positions(populations: dict) -> dict[str, tuple[float, float, str]]:
    places, spare = {}, 5.4
    for name in populations:
        if name in LAYOUT:
            places[name] = LAYOUT[name]
        else:
            places[name] = (10.2, spare, name.replace("_", " "))
            spare -= 1.0
    return places


def _node(ax: plt.Axes, x: float, y: float, label: str, n: int) -> FancyBboxPatch:
    """A population's box (sized to its text, in data units) with its label and size."""
    lines = label.split("\n") + [f"{n} cells"]
    width, height = 0.1 * max(len(line) for line in lines) + 0.35, 0.22 * len(lines) + 0.2
    box = FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0,rounding_size=0.12",
                         fc="white", ec="0.3", lw=0.6, zorder=3)
    ax.add_patch(box)
    ax.text(x, y, f"{label}\n{n} cells", ha="center", va="center", fontsize=6, zorder=4)
    return box


def make(path: Path | str, out_dir: Path | str) -> list[Path]:
    data = read(path)
    populations, pathways = data["populations"], data["pathways"]
    places = _positions(populations)
    with plt.style.context(STYLE):
        fig, ax = plt.subplots(figsize=(5.5, 3.7))
        for region, (label, y0, y1) in REGIONS.items():
            ax.add_patch(FancyBboxPatch((-0.7, y0), 10.4, y1 - y0, boxstyle="round,pad=0,rounding_size=0.15",
                                        fc="0.95", ec="none", zorder=0))
            ax.text(-0.5, (y0 + y1) / 2, label, rotation=90, ha="center", va="center", fontsize=6, color="0.35",
                    style="italic")
        boxes = {name: _node(ax, *places[name], info["n"]) for name, info in populations.items()}
        for name, pathway in pathways.items():
            sign, colour = pathway["sign"], SIGN_COLOURS[pathway["sign"]]
            style = "--" if pathway["descending"] else "-"
            pre, post = boxes[pathway["pre"]], boxes[pathway["post"]]
            if pre is post:  # recurrent: a loop over the box
                x, y, _ = places[pathway["pre"]]
                arrow = FancyArrowPatch((x - 0.3, y + 0.28), (x + 0.3, y + 0.28), connectionstyle="arc3,rad=-1.6",
                                        arrowstyle=ARROWS[sign], color=colour, lw=0.7, zorder=2)
                label_at = (x, y + 0.78)
            else:
                rad = CURVATURE.get(name, 0.0)
                arrow = FancyArrowPatch(patchA=pre, patchB=post,
                                        posA=places[pathway["pre"]][:2], posB=places[pathway["post"]][:2],
                                        connectionstyle=f"arc3,rad={rad}", arrowstyle=ARROWS[sign], color=colour,
                                        lw=0.7, ls=style, shrinkA=1, shrinkB=1, zorder=2)
                (x0, y0), (x1, y1) = places[pathway["pre"]][:2], places[pathway["post"]][:2]
                # the midpoint of an arc3 curve is offset from the chord by rad/2 of its length
                label_at = ((x0 + x1) / 2 + rad / 2 * (y1 - y0), (y0 + y1) / 2 - rad / 2 * (x1 - x0))
            ax.add_patch(arrow)
            ax.text(*label_at, str(pathway["k_built"]), ha="center", va="center", fontsize=5, color=colour,
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85}, zorder=4)
        handles = [plt.Line2D([], [], color=SIGN_COLOURS["excitatory"], lw=0.8, label="excitatory"),
                   plt.Line2D([], [], color=SIGN_COLOURS["inhibitory"], lw=0.8, label="inhibitory"),
                   plt.Line2D([], [], color="0.3", lw=0.8, ls="--", label="descending (DLF)")]
        ax.legend(handles=handles, loc="upper right", bbox_to_anchor=(1.0, 0.73), title="numbers: in-degree",
                  title_fontsize=6)
        config = data["config"]
        ax.set_title(f"Fast-layer circuit as built (scale {config['scale']:g}, seed {config['seed']})", loc="left")
        ax.set_xlim(-0.8, 10.6 if len(places) > len(LAYOUT) else 9.8)
        ax.set_ylim(-0.5, 6.6)
        ax.set_aspect("equal")
        ax.axis("off")
    return save(fig, out_dir, NAME)
