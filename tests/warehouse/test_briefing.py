"""The briefing opens in a real browser (Debian's headless Chromium, offline), draws its charts with
the counts the database holds, and links every item to its sentence and every sentence to its file."""

import hashlib
import json
import os
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import duckdb
import pytest

from warehouse.briefing import (
    ACTORS_SQL,
    MAX_NETWORK_NODES,
    MAX_SOURCES_PER_ITEM,
    MAX_TIMELINE_EVENTS,
    TOP_ACTORS,
    _file_uris,
    _rows,
    render_briefing,
)
from warehouse.database import DATABASE_FILE

CHROMIUM = Path("/usr/bin/chromium")
WINDOW = (1400, 2000)
# The most active actors as ACTORS_SQL first read them, every entity's sentences gathered.
EVERY_ENTITYS_SOURCES_SQL = """
SELECT a.entity_id, n.name, n.label,
       count(DISTINCT e.cluster_id) AS n_events,
       count(DISTINCT e.cluster_id) FILTER (WHERE a.role = 'actor') AS as_actor,
       count(DISTINCT e.cluster_id) FILTER (WHERE a.role = 'recipient') AS as_recipient,
       list(DISTINCT {'seed_file': d.seed_file, 'doc_id': e.doc_id, 'sentence_idx': e.sentence_idx}
            ORDER BY {'seed_file': d.seed_file, 'doc_id': e.doc_id, 'sentence_idx': e.sentence_idx}) AS sources
FROM event_actors a JOIN events e USING (event_id) JOIN entities n USING (entity_id) JOIN documents d USING (doc_id)
GROUP BY ALL
ORDER BY n_events DESC, n.name, a.entity_id
LIMIT $limit
"""


class Page(HTMLParser):
    """What the test reads from the rendered DOM: ids, in-page links, the points each chart drew
    per trace (its data-points, written by the page after plotting), and the source sentences' rows."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.anchors: list[str] = []
        self.points: dict[str, str] = {}
        self.body: dict[str, str | None] = {}
        self.scripts: list[dict[str, str | None]] = []
        self.source_rows: list[dict[str, str]] = []
        self._row: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "body":
            self.body = attributes
        if tag == "script":
            self.scripts.append(attributes)
        if "data-points" in attributes:
            self.points[attributes["id"]] = attributes["data-points"]
        if tag == "tr" and (attributes.get("id") or "").startswith("s-"):
            self._row = {"id": attributes["id"]}
            self.source_rows.append(self._row)
        if tag == "a" and attributes.get("href", "").startswith("#"):
            self.anchors.append(attributes["href"][1:])
        if self._row is not None and tag == "a" and attributes.get("href", "").startswith("file:"):
            self._row["file"] = attributes["href"]
        if self._row is not None and tag == "code":
            self._row["sha256"] = attributes["title"].removeprefix("sha256 ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._row = None


@pytest.fixture(scope="module")
def briefing_warehouse(seeds_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the seeds warehouse's database with the briefing rendered beside it."""
    warehouse_dir = tmp_path_factory.mktemp("briefing") / "warehouse"
    warehouse_dir.mkdir()
    shutil.copy(seeds_warehouse / DATABASE_FILE, warehouse_dir / DATABASE_FILE)
    render_briefing(warehouse_dir, seeds_warehouse.parent / "seeds")
    return warehouse_dir


@pytest.fixture(scope="module")
def rendered(briefing_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Page:
    """One headless Chromium run: the page opened from disk with no network, its DOM after the
    scripts ran, and a screenshot saved as briefing.png in the warehouse folder."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium when run as root")
        pytest.skip(f"{CHROMIUM} is missing: run `make test` as root, or `apt-get install chromium`")
    profile = tmp_path_factory.mktemp("chromium-profile")
    browser = subprocess.run(
        [
            str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--hide-scrollbars", "--virtual-time-budget=15000",
            f"--window-size={WINDOW[0]},{WINDOW[1]}", f"--screenshot={briefing_warehouse / 'briefing.png'}",
            "--dump-dom", (briefing_warehouse / "briefing.html").as_uri(),
        ],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert browser.returncode == 0, browser.stderr[-2000:]
    page = Page()
    page.feed(browser.stdout)
    return page


def counts(warehouse_dir: Path) -> dict[str, int]:
    """What the charts should draw, counted straight from the database."""
    with duckdb.connect(str(warehouse_dir / DATABASE_FILE), read_only=True) as con:
        events = con.execute("SELECT count(*) FROM event_timeline").fetchone()[0]
        participants = con.execute("SELECT count(DISTINCT entity_id) FROM event_actors").fetchone()[0]
        pairs = con.execute(
            "SELECT count(DISTINCT (a.entity_id, b.entity_id)) FROM event_actors a "
            "JOIN events x ON x.event_id = a.event_id JOIN events y ON y.cluster_id = x.cluster_id "
            "JOIN event_actors b ON b.event_id = y.event_id WHERE a.entity_id < b.entity_id"
        ).fetchone()[0]
    return {"events": events, "participants": participants, "pairs": pairs}


def test_the_charts_render_with_the_counts_of_the_database(briefing_warehouse: Path, rendered: Page) -> None:
    expected = counts(briefing_warehouse)
    assert expected["events"] > 50 and expected["participants"] <= MAX_NETWORK_NODES  # nothing is cut on the seeds
    assert rendered.body.get("data-charts-rendered") == "3"
    timeline = json.loads(rendered.points["timeline-chart"])
    assert sum(timeline.values()) == min(expected["events"], MAX_TIMELINE_EVENTS)
    actors = json.loads(rendered.points["actors-chart"])
    assert actors == dict.fromkeys(["as actor", "as recipient"], min(expected["participants"], TOP_ACTORS))
    network = json.loads(rendered.points["network-chart"])
    assert network["nodes"] == expected["participants"]
    assert network["pairs"] == expected["pairs"]


def test_the_page_is_self_contained_and_every_link_lands(rendered: Page) -> None:
    assert all(script.get("src") is None for script in rendered.scripts)  # plotly.js is inlined: no CDN
    assert rendered.anchors and set(rendered.anchors) <= rendered.ids


def test_every_source_sentence_names_its_file_hash_and_offsets(briefing_warehouse: Path, rendered: Page) -> None:
    with duckdb.connect(str(briefing_warehouse / DATABASE_FILE), read_only=True) as con:
        sentences = con.execute("SELECT count(*) FROM (SELECT DISTINCT doc_id, sentence_idx FROM events)").fetchone()
    assert len(rendered.source_rows) == sentences[0]
    for row in rendered.source_rows:
        seed_file = Path(unquote(urlparse(row["file"]).path))
        assert hashlib.sha256(seed_file.read_bytes()).hexdigest() == row["sha256"], row


def test_the_screenshot_is_saved_in_the_warehouse_folder(briefing_warehouse: Path, rendered: Page) -> None:
    png = (briefing_warehouse / "briefing.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == WINDOW


@pytest.mark.parametrize("limit", [1, 3, TOP_ACTORS, 1000])
def test_the_shown_actors_sources_are_those_of_gathering_every_entitys(seeds_warehouse: Path, limit: int) -> None:
    with duckdb.connect(str(seeds_warehouse / DATABASE_FILE), read_only=True) as con:
        shown = _rows(con, ACTORS_SQL, limit=limit, sources=MAX_SOURCES_PER_ITEM)
        every = _rows(con, EVERY_ENTITYS_SOURCES_SQL, limit=limit)
    cut = [row | {"sources": row["sources"][:MAX_SOURCES_PER_ITEM], "n_sources": len(row["sources"])} for row in every]
    assert shown == cut and shown
    assert any(row["n_sources"] > MAX_SOURCES_PER_ITEM for row in shown)  # some lists were cut


def test_file_links_are_the_files_resolved_symlinks_and_all(tmp_path: Path) -> None:
    (tmp_path / "real" / "sub").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    for name in ("a.txt", "sub/b.txt", "sub/target.txt"):
        (tmp_path / "real" / name).write_text(name)
    (tmp_path / "real" / "link.txt").symlink_to(tmp_path / "real" / "sub" / "target.txt")
    (tmp_path / "real" / "sub" / "up.txt").symlink_to("../a.txt")
    (tmp_path / "real" / "linked").symlink_to(tmp_path / "real" / "sub", target_is_directory=True)
    (tmp_path / "seeds").symlink_to(tmp_path / "real", target_is_directory=True)
    seed_files = {"a.txt", "sub/b.txt", "link.txt", "sub/up.txt", "linked/b.txt", "gone.txt", "sub/../a.txt"}
    uris = _file_uris(tmp_path / "seeds", seed_files)
    assert uris == {name: (tmp_path / "seeds" / name).resolve().as_uri() for name in seed_files}
    assert uris["link.txt"].endswith("/real/sub/target.txt") and uris["linked/b.txt"].endswith("/real/sub/b.txt")
