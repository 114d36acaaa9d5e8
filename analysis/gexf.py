"""``network.gexf``: the actor network with monthly time spells, streamed to a file.

networkx's GEXF writer builds the whole XML tree in memory (0.69 GiB for the 65,850-edge
network of 2,000 ro_news articles, growing with the edges) and writes a dynamic edge weight
as the text of a Python list, which ``networkx.read_gexf`` cannot parse. This writer emits
GEXF 1.2 line by line instead: the static ``weight`` of each edge is the graph's, the weight
per period is a dynamic edge attribute with id ``weight`` (GEXF's form for a weight that
changes over time), and nodes and edges carry the ``spells`` of the periods they occur in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, TextIO
from xml.sax.saxutils import quoteattr

import networkx as nx
import pandas as pd

from analysis import schemas

#: Characters XML 1.0 cannot hold, even escaped; written as a space.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: Node attributes written under another title: Gephi reserves ``label`` (the GEXF label
#: is the actor's name), so the entity label (PER, ORG…) is ``type``.
_NODE_TITLES = {"label": "type"}


def _attr(value: Any) -> str:
    return quoteattr(_NOT_XML.sub(" ", str(value)))


def _gexf_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"


def _declare(items: Iterable[dict], skip: set[str]) -> dict[str, str]:
    """Attribute key -> GEXF type, from the first non-missing value of each key."""
    types: dict[str, str] = {}
    for data in items:
        for key, value in data.items():
            if key not in skip and key not in types and not _missing(value):
                types[key] = _gexf_type(value)
    return types


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def time_spells(graph: nx.Graph, comentions_by_period: pd.DataFrame, *, freq: str = "MS"
                ) -> tuple[dict[Any, list[tuple[str, str]]],
                           dict[tuple[Any, Any], list[tuple[str, str, float]]]]:
    """The periods each node and edge of ``graph`` occurs in.

    Parameters
    ----------
    graph
        From :func:`analysis.networks.build_graph` (its ``level`` is read from
        ``graph.graph``).
    comentions_by_period
        ``period``, ``level``, ``source``, ``target``, ``n`` (from
        :func:`analysis.comention.comentions_over_time`).
    freq
        The bins of ``comentions_by_period``; a spell runs from a period's start to the day
        before the next period starts.

    Returns
    -------
    node_spells
        Node -> sorted ``(start, end)`` ISO dates.
    edge_spells
        ``(source, target)`` as in ``graph`` -> ``(start, end, n)`` sorted by start.
    """
    schemas.require(comentions_by_period, ["period", "level", "source", "target", "n"],
                    where="time_spells")
    level = graph.graph.get("level", "document")
    rows = comentions_by_period[comentions_by_period["level"] == level]
    rows = rows.sort_values(["period", "source", "target"])
    starts = pd.to_datetime(rows["period"])
    ends = starts + pd.tseries.frequencies.to_offset(freq) - pd.Timedelta(days=1)
    node_spells: dict[Any, set[tuple[str, str]]] = {}
    edge_spells: dict[tuple[Any, Any], list[tuple[str, str, float]]] = {}
    for source, target, n, start, end in zip(rows["source"], rows["target"], rows["n"],
                                              starts.dt.strftime("%Y-%m-%d"),
                                              ends.dt.strftime("%Y-%m-%d"), strict=True):
        if not graph.has_edge(source, target):
            continue
        edge_spells.setdefault((source, target), []).append((start, end, float(n)))
        for node in (source, target):
            node_spells.setdefault(node, set()).add((start, end))
    return {k: sorted(v) for k, v in node_spells.items()}, edge_spells


def gexf_lines(graph: nx.Graph, comentions_by_period: pd.DataFrame, *, freq: str = "MS"
               ) -> Iterator[str]:
    """The lines of the GEXF document (see the module docstring); one node or edge at a time.

    Node ids are the entity ids and the GEXF label is the ``name`` attribute. Order: the
    graph's node and edge order, so equal inputs give identical files.
    """
    node_spells, edge_spells = time_spells(graph, comentions_by_period, freq=freq)
    node_types = _declare((d for _, d in graph.nodes(data=True)), skip={"spells"})
    edge_types = _declare((d for _, _, d in graph.edges(data=True)), skip={"weight", "spells"})
    yield "<?xml version='1.0' encoding='utf-8'?>"
    yield ('<gexf xmlns="http://www.gexf.net/1.2draft" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://www.gexf.net/1.2draft '
           'http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">')
    yield "  <meta>\n    <creator>actor-networks</creator>\n  </meta>"
    yield '  <graph defaultedgetype="undirected" mode="dynamic" timeformat="date">'
    yield '    <attributes class="node" mode="static">'
    for key, kind in node_types.items():
        yield (f"      <attribute id={_attr('n_' + key)} "
               f"title={_attr(_NODE_TITLES.get(key, key))} type=\"{kind}\" />")
    yield "    </attributes>"
    yield '    <attributes class="edge" mode="static">'
    for key, kind in edge_types.items():
        yield f"      <attribute id={_attr('e_' + key)} title={_attr(key)} type=\"{kind}\" />"
    yield "    </attributes>"
    yield '    <attributes class="edge" mode="dynamic">'
    yield '      <attribute id="weight" title="Weight" type="float" />'
    yield "    </attributes>"
    yield "    <nodes>"
    for node, data in graph.nodes(data=True):
        yield from _node_lines(node, data, node_types, node_spells.get(node, []))
    yield "    </nodes>"
    yield "    <edges>"
    for i, (source, target, data) in enumerate(graph.edges(data=True)):
        spells = edge_spells.get((source, target)) or edge_spells.get((target, source), [])
        yield from _edge_lines(i, source, target, data, edge_types, spells)
    yield "    </edges>"
    yield "  </graph>"
    yield "</gexf>"


def _attvalues(prefix: str, data: dict, types: dict[str, str],
               dynamic: Iterable[str] = ()) -> Iterator[str]:
    """One ``<attvalues>`` block: the static values present in ``data``, then ``dynamic``
    lines; nothing when both are empty."""
    lines = []
    for key, kind in types.items():
        value = data.get(key)
        if not _missing(value):
            value = str(bool(value)).lower() if kind == "boolean" else value
            lines.append(f"          <attvalue for={_attr(prefix + key)} value={_attr(value)} />")
    lines += dynamic
    if lines:
        yield "        <attvalues>"
        yield from lines
        yield "        </attvalues>"


def _spell_lines(spells: Iterable[tuple]) -> Iterator[str]:
    spells = list(spells)
    if spells:
        yield "        <spells>"
        for spell in spells:
            yield f'          <spell start="{spell[0]}" end="{spell[1]}" />'
        yield "        </spells>"


def _node_lines(node: Any, data: dict, types: dict[str, str],
                spells: list[tuple[str, str]]) -> Iterator[str]:
    label = data.get("name")
    label = node if _missing(label) else label
    yield f"      <node id={_attr(node)} label={_attr(label)}>"
    yield from _attvalues("n_", data, types)
    yield from _spell_lines(spells)
    yield "      </node>"


def _edge_lines(i: int, source: Any, target: Any, data: dict, types: dict[str, str],
                spells: list[tuple[str, str, float]]) -> Iterator[str]:
    weight = data.get("weight", 1.0)
    yield (f"      <edge id=\"{i}\" source={_attr(source)} target={_attr(target)} "
           f"weight=\"{float(weight)!r}\">")
    dynamic = [f'          <attvalue for="weight" value="{n!r}" start="{a}" end="{b}" />'
               for a, b, n in spells]
    yield from _attvalues("e_", data, types, dynamic)
    yield from _spell_lines(spells)
    yield "      </edge>"


def write_gexf_to(handle: TextIO, graph: nx.Graph, comentions_by_period: pd.DataFrame, *,
                  freq: str = "MS") -> None:
    """Write :func:`gexf_lines` to an open text file, one line at a time."""
    for line in gexf_lines(graph, comentions_by_period, freq=freq):
        handle.write(line)
        handle.write("\n")
