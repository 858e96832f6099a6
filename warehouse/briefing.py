"""The briefing: one self-contained HTML page read from `news.duckdb` — the event timeline, the most
active actors and the actor network as charts (plotly.js inlined, so it opens offline), each item
linking to the sentences it was read from, and each sentence to its seed file, hash and offsets."""

from __future__ import annotations

import cmath
import html
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import plotly.graph_objects as go
import plotly.io
import plotly.offline

from warehouse.database import connect_read_only

BRIEFING_FILE = "briefing.html"
# Bounds that keep the page readable (and small) on a large corpus; the page says when they cut.
MAX_TIMELINE_EVENTS = 500
TOP_ACTORS = 15
MAX_NETWORK_NODES = 40
MAX_SOURCES_PER_ITEM = 12
LAYOUT_ITERATIONS = 200

Row = dict[str, Any]

# The most reported real-world events (clusters), shown in date order, with the first $sources
# sentences reporting them and how many there are: the page links no more.
TIMELINE_SQL = """
WITH shown AS (
    SELECT * FROM event_timeline ORDER BY n_reports DESC, n_documents DESC, cluster_id LIMIT $limit
),
sources AS (
    SELECT e.cluster_id,
           list(DISTINCT {'seed_file': d.seed_file, 'doc_id': e.doc_id, 'sentence_idx': e.sentence_idx}
                ORDER BY {'seed_file': d.seed_file, 'doc_id': e.doc_id, 'sentence_idx': e.sentence_idx}) AS sources
    FROM events e JOIN documents d USING (doc_id) SEMI JOIN shown USING (cluster_id)
    GROUP BY e.cluster_id
)
SELECT t.cluster_id, t.event_date, t.date_precision, t.event_type, t.mode, t.modalities, t.actors,
       t.recipients, t.place, t.n_reports, t.n_documents, s.sources[1:$sources] AS sources,
       len(s.sources) AS n_sources
FROM shown t JOIN sources s USING (cluster_id)
ORDER BY t.event_date NULLS LAST, t.event_type, t.cluster_id
"""

# Entities by the real-world events (clusters) they took part in, as actor and as recipient: each
# entity's clusters (and its roles in each) once, then counted, and the sentences gathered for the
# shown entities only, of which the first $sources and how many there are. Three distinct counts per
# entity, and every entity's sentences as Python dicts (49,000 for 15 entities), took 0.30 s of CPU
# at 10,000 documents; this takes 0.13.
ACTORS_SQL = """
WITH clusters AS (
    SELECT a.entity_id, e.cluster_id, bool_or(a.role = 'actor') AS actor, bool_or(a.role = 'recipient') AS recipient
    FROM event_actors a JOIN events e USING (event_id) SEMI JOIN documents USING (doc_id)
    GROUP BY ALL
),
shown AS (
    SELECT c.entity_id, n.name, n.label,
           count(c.cluster_id) AS n_events,
           count(c.cluster_id) FILTER (WHERE c.actor) AS as_actor,
           count(c.cluster_id) FILTER (WHERE c.recipient) AS as_recipient
    FROM clusters c JOIN entities n USING (entity_id)
    GROUP BY ALL
    ORDER BY n_events DESC, n.name, c.entity_id
    LIMIT $limit
),
sources AS (
    SELECT a.entity_id,
           list(DISTINCT {'seed_file': d.seed_file, 'doc_id': e.doc_id, 'sentence_idx': e.sentence_idx}
                ORDER BY {'seed_file': d.seed_file, 'doc_id': e.doc_id, 'sentence_idx': e.sentence_idx}) AS sources
    FROM event_actors a JOIN events e USING (event_id) JOIN documents d USING (doc_id) SEMI JOIN shown USING (entity_id)
    GROUP BY a.entity_id
)
SELECT t.*, s.sources[1:$sources] AS sources, len(s.sources) AS n_sources
FROM shown t JOIN sources s USING (entity_id)
ORDER BY t.n_events DESC, t.name, t.entity_id
"""

# Pairs of the given entities ($nodes) that took part in the same real-world event, with how often.
NETWORK_SQL = """
WITH participants AS (
    SELECT DISTINCT e.cluster_id, a.entity_id
    FROM event_actors a JOIN events e USING (event_id)
    WHERE list_contains($nodes, a.entity_id)
)
SELECT p.entity_id AS source, q.entity_id AS target, count(*) AS n_events
FROM participants p JOIN participants q ON p.cluster_id = q.cluster_id AND p.entity_id < q.entity_id
GROUP BY ALL
ORDER BY source, target
"""

# The most active entities: the network's nodes.
NODES_SQL = """
SELECT a.entity_id, n.name, n.label, count(DISTINCT e.cluster_id) AS n_events
FROM event_actors a JOIN events e USING (event_id) JOIN entities n USING (entity_id)
GROUP BY ALL
ORDER BY n_events DESC, a.entity_id
LIMIT $limit
"""

# The sentences the page links to ($keys: doc_id, sentence_idx), with their document and the
# triggers of the events read from them. Documents and events are narrowed to the wanted keys before
# the joins, which then hash a few thousand rows instead of every document's and event's.
SENTENCES_SQL = """
WITH wanted AS (SELECT DISTINCT * FROM (SELECT unnest($keys, recursive := true)))
SELECT d.doc_id, d.seed_file, d.seed_sha256, s.sentence_idx, s.char_start, s.char_end,
       substring(d.raw_text, s.char_start + 1, s.char_end - s.char_start) AS raw_slice,
       list({'start': e.trigger_char_start - s.char_start, 'end': e.trigger_char_end - s.char_start,
             'event_type': e.event_type} ORDER BY e.trigger_char_start, e.event_type) AS triggers
FROM wanted
JOIN sentences s USING (doc_id, sentence_idx)
JOIN (SELECT * FROM documents SEMI JOIN wanted USING (doc_id)) d USING (doc_id)
JOIN (SELECT * FROM events SEMI JOIN wanted USING (doc_id, sentence_idx)) e USING (doc_id, sentence_idx)
GROUP BY ALL
ORDER BY d.seed_file, s.sentence_idx
"""

TOTALS_SQL = """
SELECT (SELECT count(*) FROM documents) AS documents,
       (SELECT count(*) FROM events) AS reports,
       (SELECT count(*) FROM event_timeline) AS events,
       (SELECT count(DISTINCT entity_id) FROM event_actors) AS participants
"""


@dataclass(frozen=True)
class BriefingData:
    """What the page shows, read from the database in one read-only session."""

    totals: Row
    timeline: list[Row]
    actors: list[Row]
    nodes: list[Row]
    edges: list[Row]
    sentences: list[Row]


@dataclass(frozen=True)
class BriefingSummary:
    """What a rendering produced: the file and the counts of what each chart shows."""

    path: Path
    timeline_events: int
    actors: int
    network_nodes: int
    network_edges: int
    sentences: int
    top_actors: list[Row]


def briefing_path(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir) / BRIEFING_FILE


def render_briefing(warehouse_dir: Path, seeds_dir: Path) -> BriefingSummary:
    """Read the live database (read-only, closed before writing) and replace briefing.html atomically."""
    with connect_read_only(warehouse_dir) as con:
        data = read_briefing_data(con)
    target = briefing_path(warehouse_dir)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(briefing_html(data, seeds_dir), encoding="utf-8")
    os.replace(partial, target)
    return BriefingSummary(
        path=target,
        timeline_events=len(data.timeline),
        actors=len(data.actors),
        network_nodes=len(data.nodes),
        network_edges=len(data.edges),
        sentences=len(data.sentences),
        top_actors=data.actors[:10],
    )


def read_briefing_data(con: duckdb.DuckDBPyConnection) -> BriefingData:
    """Everything the page shows, from the tables and the event_timeline view."""
    timeline = _rows(con, TIMELINE_SQL, limit=MAX_TIMELINE_EVENTS, sources=MAX_SOURCES_PER_ITEM)
    actors = _rows(con, ACTORS_SQL, limit=TOP_ACTORS, sources=MAX_SOURCES_PER_ITEM)
    linked = [
        {"doc_id": source["doc_id"], "sentence_idx": source["sentence_idx"]}
        for row in timeline + actors
        for source in row["sources"]
    ]
    nodes = _rows(con, NODES_SQL, limit=MAX_NETWORK_NODES)
    return BriefingData(
        totals=_rows(con, TOTALS_SQL)[0],
        timeline=timeline,
        actors=actors,
        nodes=nodes,
        edges=_rows(con, NETWORK_SQL, nodes=[row["entity_id"] for row in nodes]) if nodes else [],
        sentences=_rows(con, SENTENCES_SQL, keys=linked) if linked else [],
    )


def _rows(con: duckdb.DuckDBPyConnection, sql: str, **parameters: Any) -> list[Row]:
    cursor = con.execute(sql, parameters)
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]


def briefing_html(data: BriefingData, seeds_dir: Path) -> str:
    """The whole page: charts as JSON rendered by the inlined plotly.js, tables with anchors."""
    charts = {
        "timeline-chart": timeline_figure(data.timeline),
        "actors-chart": actors_figure(data.actors),
        "network-chart": network_figure(data.nodes, data.edges),
    }
    figures = "{" + ",".join(f"{json.dumps(key)}:{plotly.io.to_json(fig)}" for key, fig in charts.items()) + "}"
    totals = data.totals
    file_uris = _file_uris(seeds_dir, {row["seed_file"] for row in data.sentences})
    return PAGE.format(
        plotly_js=plotly.offline.get_plotlyjs(),
        figures=figures.replace("</", "<\\/"),
        summary=html.escape(
            f"{totals['documents']} documents · {totals['reports']} event reports · {totals['events']} "
            f"real-world events · {totals['participants']} participants"
        ),
        timeline_note=_cut_note(len(data.timeline), totals["events"], "events, the most reported"),
        timeline_rows="\n".join(_timeline_row(row) for row in data.timeline),
        actor_rows="\n".join(_actor_row(row) for row in data.actors),
        network_note=_cut_note(len(data.nodes), totals["participants"], "participants, the most active"),
        sentence_rows="\n".join(_sentence_row(row, file_uris) for row in data.sentences),
    )


def timeline_figure(timeline: list[Row]) -> go.Figure:
    """One marker per real-world event: the date the text gives (undated last) against its type,
    sized by its reports, coloured by modality; events sharing a cell are spread over a small grid."""
    types = sorted({row["event_type"] for row in timeline})
    dates = [*sorted({row["event_date"] for row in timeline if row["event_date"]}), "undated"]
    cells: dict[tuple[str, str], list[Row]] = {}
    for row in timeline:
        cells.setdefault((row["event_date"] or "undated", row["event_type"]), []).append(row)
    traces: dict[str, dict[str, list]] = {}
    for (date, event_type), rows in cells.items():
        shrink = min(1.0, 3 / math.sqrt(len(rows)))  # smaller markers where many share a cell
        for offset, row in zip(_grid(len(rows)), rows, strict=True):
            modality = row["modalities"][0] if len(row["modalities"]) == 1 else "mixed"
            trace = traces.setdefault(modality, {"x": [], "y": [], "size": [], "text": [], "link": []})
            trace["x"].append(dates.index(date) + offset.real)
            trace["y"].append(types.index(event_type) + offset.imag)
            trace["size"].append((8 + 3 * min(row["n_reports"], 6)) * shrink)
            trace["text"].append(_event_hover(row))
            trace["link"].append(f"#{_cluster_anchor(row['cluster_id'])}")
    figure = go.Figure(
        [
            go.Scatter(name=modality, x=t["x"], y=t["y"], mode="markers", text=t["text"], customdata=t["link"],
                       hovertemplate="%{text}<extra></extra>",
                       marker={"size": t["size"], "color": MODALITY_COLORS.get(modality, "#777"), "opacity": 0.85,
                               "line": {"width": 1, "color": "#333"}})
            for modality, t in sorted(traces.items())
        ]
    )  # fmt: skip
    figure.update_layout(
        height=480, margin={"l": 110, "r": 20, "t": 10, "b": 60}, plot_bgcolor="#fafafa",
        legend={"orientation": "h", "y": -0.14, "title": {"text": "modality"}},
        xaxis={"tickvals": list(range(len(dates))), "ticktext": dates, "range": [-0.6, len(dates) - 0.4],
               "zeroline": False, "showgrid": False},
        yaxis={"tickvals": list(range(len(types))), "ticktext": types, "range": [-0.6, len(types) - 0.4],
               "zeroline": False},
    )  # fmt: skip
    return figure


MODALITY_COLORS = {"asserted": "#2a6f97", "future": "#2a9d8f", "hypothetical": "#e09f3e", "negated": "#9e2a2b"}


def _grid(n: int) -> list[complex]:
    """n offsets (x + yj) around a cell's centre, within ±0.4, in a grid about three times as wide
    as it is tall, as the chart's cells are."""
    columns = math.ceil(math.sqrt(3 * n))
    rows = math.ceil(n / columns)
    x_step, y_step = min(0.8 / columns, 0.25), min(0.8 / rows, 0.25)
    return [
        complex((k % columns - (columns - 1) / 2) * x_step, (k // columns - (rows - 1) / 2) * y_step) for k in range(n)
    ]


def actors_figure(actors: list[Row]) -> go.Figure:
    """Horizontal bars: the real-world events each of the most active entities did, and underwent."""
    names = [row["name"] for row in actors]
    links = [f"#{_actor_anchor(row['entity_id'])}" for row in actors]
    figure = go.Figure(
        [
            go.Bar(name=f"as {role}", orientation="h", y=names, x=[row[f"as_{role}"] for row in actors],
                   customdata=links, marker={"color": color},
                   hovertemplate=f"%{{y}}: %{{x}} events as {role}<extra></extra>")
            for role, color in (("actor", "#2a6f97"), ("recipient", "#e09f3e"))
        ]
    )  # fmt: skip
    figure.update_layout(
        barmode="group", height=60 + 36 * max(len(actors), 1), margin={"l": 170, "r": 20, "t": 10, "b": 40},
        yaxis={"autorange": "reversed"}, xaxis={"title": {"text": "real-world events"}}, legend={"orientation": "h"},
    )  # fmt: skip
    return figure


def network_figure(nodes: list[Row], edges: list[Row]) -> go.Figure:
    """Entities as nodes (sized by events), a line between two that took part in the same event."""
    index = {row["entity_id"]: i for i, row in enumerate(nodes)}
    pairs = [(index[edge["source"]], index[edge["target"]], edge["n_events"]) for edge in edges]
    positions = spring_layout(len(nodes), pairs)
    names = [row["name"] for row in nodes]
    line_x: list[float | None] = []
    line_y: list[float | None] = []
    for i, j, _ in pairs:
        line_x += [positions[i].real, positions[j].real, None]
        line_y += [positions[i].imag, positions[j].imag, None]
    middles = [(positions[i] + positions[j]) / 2 for i, j, _ in pairs]
    figure = go.Figure(
        [
            go.Scatter(name="links", x=line_x, y=line_y, mode="lines", hoverinfo="skip",
                       line={"width": 1, "color": "#999"}),
            go.Scatter(name="pairs", x=[m.real for m in middles], y=[m.imag for m in middles], mode="markers",
                       marker={"size": [4 + 2 * min(w, 8) for *_, w in pairs], "color": "#bbb"},
                       text=[f"{names[i]} and {names[j]}: {w} events together" for i, j, w in pairs],
                       hovertemplate="%{text}<extra></extra>"),
            go.Scatter(name="nodes", x=[p.real for p in positions], y=[p.imag for p in positions],
                       mode="markers+text", text=names, textposition="top center",
                       customdata=[f"#{_actor_anchor(row['entity_id'])}" for row in nodes],
                       marker={"size": [10 + 3 * math.sqrt(row["n_events"]) for row in nodes],
                               "color": [LABEL_COLORS.get(row["label"], "#777") for row in nodes],
                               "line": {"width": 1, "color": "#333"}},
                       hovertemplate="%{text}<extra></extra>"),
        ]
    )  # fmt: skip
    figure.update_layout(
        height=620, showlegend=False, margin={"l": 10, "r": 10, "t": 10, "b": 10}, plot_bgcolor="#fff",
        xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x"},
    )  # fmt: skip
    return figure


LABEL_COLORS = {"GPE": "#2a6f97", "PERSON": "#e09f3e", "ORG": "#9e2a2b", "NORP": "#540b0e", "LOC": "#335c67"}


def spring_layout(n: int, pairs: list[tuple[int, int, int]]) -> list[complex]:
    """Fruchterman-Reingold positions (as complex numbers), from a circle, so the same graph always
    gets the same picture; a pull to the centre keeps unlinked nodes in view."""
    positions = [cmath.exp(2j * math.pi * i / max(n, 1)) for i in range(n)]
    k = 2.5 / math.sqrt(max(n, 1))
    temperature = 0.2
    for _ in range(LAYOUT_ITERATIONS):
        moves = [-0.3 * p * abs(p) / k for p in positions]
        for i in range(n):
            for j in range(i + 1, n):
                delta = positions[i] - positions[j]
                push = delta / max(abs(delta), 1e-3) ** 2 * k * k
                moves[i] += push
                moves[j] -= push
        for i, j, weight in pairs:
            delta = positions[i] - positions[j]
            pull = delta * abs(delta) / k * (1 + math.log(weight)) / 3
            moves[i] -= pull
            moves[j] += pull
        positions = [
            p + m / max(abs(m), 1e-9) * min(abs(m), temperature) for p, m in zip(positions, moves, strict=True)
        ]
        temperature *= 0.98
    return positions


def _cut_note(shown: int, total: int, what: str) -> str:
    return f"Showing {shown} of {total} {what}." if shown < total else ""


def _cluster_anchor(cluster_id: str) -> str:
    return f"event-{cluster_id}"


def _actor_anchor(entity_id: str) -> str:
    return f"actor-{entity_id}"


def _sentence_anchor(doc_id: str, sentence_idx: int) -> str:
    return f"s-{doc_id}-{sentence_idx}"


def _names(names: list[str]) -> str:
    return ", ".join(names) or "—"


def _event_hover(row: Row) -> str:
    """The marker's hover text: what, who to whom, where, when, how often reported."""
    who = f"{_names(row['actors'])} → {_names(row['recipients'])}"
    where = f" in {row['place']}" if row["place"] else ""
    mode = f" ({row['mode']})" if row["mode"] else ""
    return html.escape(
        f"{row['event_type']}{mode}: {who}{where}, {row['event_date'] or 'undated'}; "
        f"{row['n_reports']} reports in {row['n_documents']} documents"
    )


def _source_links(row: Row) -> str:
    """Links to the sentences an item was read from (its first MAX_SOURCES_PER_ITEM), and how many more there are."""
    links = [
        _link(f"#{_sentence_anchor(s['doc_id'], s['sentence_idx'])}", f"{s['seed_file']}#{s['sentence_idx']}")
        for s in row["sources"]
    ]
    more = row["n_sources"] - MAX_SOURCES_PER_ITEM
    return " ".join(links) + (f" and {more} more" if more > 0 else "")


def _link(href: str, text: str) -> str:
    return f'<a href="{html.escape(href)}">{html.escape(text)}</a>'


def _table_row(anchor: str, cells: list[str]) -> str:
    return f'<tr id="{html.escape(anchor)}">' + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _timeline_row(row: Row) -> str:
    cells = [
        html.escape(row["event_date"] or "undated"),
        html.escape(row["event_type"] + (f" ({row['mode']})" if row["mode"] else "")),
        html.escape(_names(row["actors"])),
        html.escape(_names(row["recipients"])),
        html.escape(row["place"] or ""),
        html.escape(", ".join(row["modalities"])),
        str(row["n_reports"]),
        _source_links(row),
    ]
    return _table_row(_cluster_anchor(row["cluster_id"]), cells)


def _actor_row(row: Row) -> str:
    cells = [
        html.escape(row["name"]),
        html.escape(row["label"]),
        str(row["n_events"]),
        str(row["as_actor"]),
        str(row["as_recipient"]),
        _source_links(row),
    ]
    return _table_row(_actor_anchor(row["entity_id"]), cells)


def _file_uris(seeds_dir: Path, seed_files: set[str]) -> dict[str, str]:
    """seed_file → the URI of its file, resolved as `Path.resolve` resolves it: each folder once, and
    a file itself only when it is a symlink (resolving each sentence's whole path took 0.3 s)."""
    folders: dict[Path, Path] = {}
    uris = {}
    for seed_file in seed_files:
        path = seeds_dir / seed_file
        if path.is_symlink():
            uris[seed_file] = path.resolve().as_uri()
        else:
            folder = folders.get(path.parent) or folders.setdefault(path.parent, path.parent.resolve())
            uris[seed_file] = (folder / path.name).as_uri()
    return uris


def _sentence_row(row: Row, file_uris: dict[str, str]) -> str:
    """A source sentence: its file (linked), hash and offsets, and its raw characters with triggers marked."""
    file_link = _link(file_uris[row["seed_file"]], row["seed_file"])
    sha = row["seed_sha256"]
    cells = [
        file_link,
        f'<code title="sha256 {sha}">{sha[:12]}…</code>',
        str(row["sentence_idx"]),
        f"[{row['char_start']}, {row['char_end']})",
        _marked(row["raw_slice"], row["triggers"]),
    ]
    return _table_row(_sentence_anchor(row["doc_id"], row["sentence_idx"]), cells)


def _marked(text: str, triggers: list[Row]) -> str:
    """The sentence's raw characters, escaped, with each event trigger in a <mark> naming its type."""
    parts, done = [], 0
    for trigger in triggers:
        start, end = trigger["start"], trigger["end"]
        if start < done:
            continue  # two events read from one trigger: marked once
        parts.append(html.escape(text[done:start]))
        parts.append(f'<mark title="{html.escape(trigger["event_type"])}">{html.escape(text[start:end])}</mark>')
        done = end
    parts.append(html.escape(text[done:]))
    return "".join(parts)


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>News events briefing</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 24px auto; max-width: 1320px; color: #222; }}
h1 {{ margin-bottom: 4px; }} h2 {{ margin-top: 36px; border-bottom: 2px solid #2a6f97; }}
.summary, .note {{ color: #555; }}
table {{ border-collapse: collapse; width: 100%; font-size: 13px; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: left; vertical-align: top; }}
th {{ background: #f0f4f8; position: sticky; top: 0; }}
tr:target {{ background: #fff3bf; }}
mark {{ background: #ffe066; }}
.scroll {{ max-height: 480px; overflow-y: auto; }}
</style>
<script>{plotly_js}</script>
</head>
<body>
<h1>News events briefing</h1>
<p class="summary">{summary}</p>
<p class="note">Click a marker, bar or node to jump to its row; every row links to the sentences it was read
from, and every sentence to its seed file, with the file's SHA-256 and the sentence's character offsets.</p>

<h2 id="timeline">Event timeline</h2>
<p class="note">One marker per real-world event (reports of one happening clustered), at the date the text gives,
sized by its reports and coloured by its modality. {timeline_note}</p>
<div id="timeline-chart" class="chart"></div>
<div class="scroll"><table id="timeline-table">
<tr><th>date</th><th>type</th><th>actors</th><th>recipients</th><th>place</th><th>modality</th><th>reports</th><th>sentences</th></tr>
{timeline_rows}
</table></div>

<h2 id="actors">Most active actors</h2>
<p class="note">Entities by the real-world events they took part in, as actor and as recipient.</p>
<div id="actors-chart" class="chart"></div>
<table id="actors-table">
<tr><th>entity</th><th>label</th><th>events</th><th>as actor</th><th>as recipient</th><th>sentences</th></tr>
{actor_rows}
</table>

<h2 id="network">Actor network</h2>
<p class="note">Entities linked when they took part in the same real-world event; grey dots carry how often.
{network_note}</p>
<div id="network-chart" class="chart"></div>

<h2 id="sources">Source sentences</h2>
<p class="note">Each sentence an event was read from, as the file's raw characters (triggers marked).</p>
<table id="sources-table">
<tr><th>seed file</th><th>sha256</th><th>sentence</th><th>characters</th><th>text</th></tr>
{sentence_rows}
</table>

<script type="application/json" id="figures">{figures}</script>
<script>
// Render each chart, then record what it drew (points per trace) so a test can count it in the DOM.
const figures = JSON.parse(document.getElementById("figures").textContent);
const drawn = Object.entries(figures).map(([id, figure]) =>
  Plotly.newPlot(id, figure.data, figure.layout, {{displaylogo: false, responsive: true}}).then((chart) => {{
    const points = {{}};
    for (const [layer, type] of [["barlayer", "bar"], ["scatterlayer", "scatter"]]) {{
      const traces = chart.data.filter((trace) => trace.type === type);
      chart.querySelectorAll(`.${{layer}} g.trace`).forEach((group, i) => {{
        points[traces[i].name] = group.querySelectorAll(".point").length;
      }});
    }}
    chart.dataset.points = JSON.stringify(points);
    chart.on("plotly_click", (event) => {{
      const link = event.points[0].customdata;
      if (link) location.hash = link;
    }});
  }}));
Promise.all(drawn).then(() => {{ document.body.dataset.chartsRendered = String(drawn.length); }});
</script>
</body>
</html>
"""
