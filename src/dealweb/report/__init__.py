"""The offline report: one self-contained HTML file, and the map as SVG or PNG for slides.

>>> from dealweb.report import render_report, map_view, map_svg  # doctest: +SKIP
"""

from dealweb.report.analysis import Analysis, FanChart, LoopRow, Table, analysis_of
from dealweb.report.html import render_report
from dealweb.report.mapview import MapEdge, MapNode, MapView, map_view
from dealweb.report.payload import ledger_payload, script_json
from dealweb.report.png import write_map_png
from dealweb.report.svg import fan_svg, map_svg, sankey_svg

__all__ = [
    "Analysis",
    "FanChart",
    "LoopRow",
    "MapEdge",
    "MapNode",
    "MapView",
    "Table",
    "analysis_of",
    "fan_svg",
    "ledger_payload",
    "map_svg",
    "map_view",
    "render_report",
    "sankey_svg",
    "script_json",
    "write_map_png",
]
