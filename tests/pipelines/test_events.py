"""Event extraction on sentences written for the tests: each type family, modality, passives and
nominal events, places and dates."""

from dataclasses import dataclass

import pytest

from pipelines.documents import AcceptedDocument, process_seed_bytes
from pipelines.events import CAMEO_ROOTS, NOT_AN_EVENT, event_lexicon, plural, verb_forms

DATELINE = "Monday, 6 March 2017"


@dataclass(frozen=True)
class Found:
    event_type: str
    mode: str | None
    modality: str
    actors: tuple[str, ...]
    recipients: tuple[str, ...]
    place: str | None
    date: str | None
    trigger: str


def events_in(body: str, dateline: str = DATELINE) -> list[Found]:
    """The events of an article with a headline, a date line and `body`, with argument texts."""
    outcome = process_seed_bytes("test.txt", f"Headline\n{dateline}\n\n{body}\n".encode())
    assert isinstance(outcome, AcceptedDocument)
    text = {m["mention_id"]: m["text"] for m in outcome.mentions}
    found = []
    for event in outcome.events:
        arguments = [a for a in outcome.event_arguments if a["event_id"] == event["event_id"]]
        found.append(
            Found(
                event["event_type"],
                event["mode"],
                event["modality"],
                tuple(text[a["mention_id"]] for a in arguments if a["role"] == "actor"),
                tuple(text[a["mention_id"]] for a in arguments if a["role"] == "recipient"),
                text.get(event["location_mention_id"]),
                event["event_date"],
                event["trigger"],
            )
        )
    return found


def only(body: str, event_type: str) -> Found:
    matches = [e for e in events_in(body) if e.event_type == event_type]
    assert len(matches) == 1, events_in(body)
    return matches[0]


# ------------------------------------------------------------------------------------------ lexicon
def test_verbs_are_inflected_and_nouns_pluralized() -> None:
    assert {"meet", "meets", "met", "meeting"} <= verb_forms("meet", {"meet": ("met",)}, frozenset())
    assert {"ban", "banned", "banning", "bans"} <= verb_forms("ban", {}, frozenset({"ban"}))
    assert {"accuse", "accused", "accusing"} <= verb_forms("accuse", {}, frozenset())
    assert plural("talk") == "talks" and plural("strike") == "strikes" and plural("ally") == "allies"


def test_every_trigger_type_is_plover_with_its_cameo_root() -> None:
    entries = [e for entries in event_lexicon().triggers.values() for e in entries if e.event_type != NOT_AN_EVENT]
    assert {entry.event_type for entry in entries} == set(CAMEO_ROOTS)
    assert all(entry.cameo_root.isdigit() and len(entry.cameo_root) == 2 for entry in entries)


# ------------------------------------------------------------------------------------------ types
@pytest.mark.parametrize(
    ("body", "event_type", "actors", "recipients"),
    [
        ("France and Germany signed an agreement in Berlin on trade.", "SUPPORT", ("France", "Germany"), ()),
        ("Egypt agreed to a truce with Israel last week.", "AGREE", ("Egypt",), ()),
        ("Japan sent humanitarian aid to Nepal.", "AID", ("Japan",), ()),
        ("Pakistan accused India of shelling the border.", "ACCUSE", ("Pakistan",), ("India",)),
        ("Russia condemned the United States over the strikes.", "ACCUSE", ("Russia",), ("United States",)),
        ("Iran rejected the proposal from Saudi Arabia.", "REJECT", ("Iran",), ()),
        ("North Korea threatened South Korea with retaliation.", "THREATEN", ("North Korea",), ("South Korea",)),
        ("The European Union imposed sanctions on Belarus.", "SANCTION", ("European Union",), ("Belarus",)),
        ("Turkey deployed troops to the border with Syria.", "MOBILIZE", ("Turkey",), ()),
        ("Israel arrested dozens of protesters in Jerusalem.", "COERCE", ("Israel",), ()),
        ("Ukraine attacked Russian positions near Donetsk.", "ASSAULT", ("Ukraine",), ()),
        ("Canada urged Venezuela to release the prisoners.", "REQUEST", ("Canada",), ("Venezuela",)),
    ],
)
def test_verbal_events_by_type(
    body: str, event_type: str, actors: tuple[str, ...], recipients: tuple[str, ...]
) -> None:
    event = only(body, event_type)
    assert event.actors == actors
    assert set(recipients) <= set(event.recipients)


def test_a_meeting_between_names_every_party_as_actor() -> None:
    event = only("A meeting between Vladimir Putin and Emmanuel Macron took place in Paris.", "CONSULT")
    assert set(event.actors) == {"Vladimir Putin", "Emmanuel Macron"}
    assert event.recipients == () and event.place == "Paris"


def test_compound_actors_are_one_event() -> None:
    event = only("Russia, Iran and Turkey met in Astana.", "CONSULT")
    assert event.actors == ("Russia", "Iran", "Turkey")


def test_a_visit_keeps_visitor_and_host_apart() -> None:
    event = only("Emmanuel Macron visited China.", "CONSULT")
    assert (event.mode, event.actors, event.recipients) == ("visit", ("Emmanuel Macron",), ("China",))


def test_a_phone_call_is_a_consultation_by_phone() -> None:
    event = only("Angela Merkel held a telephone conversation with Vladimir Putin.", "CONSULT")
    assert event.mode == "phone" and set(event.actors) == {"Angela Merkel", "Vladimir Putin"}


def test_a_role_noun_gives_its_country_and_sector() -> None:
    outcome = process_seed_bytes("t.txt", b"Headline\n\nThe Turkish delegation met Iran in Tehran.\n")
    sectors = {a["sector"] for a in outcome.event_arguments if a["role"] == "actor"}
    assert "GOV" in sectors


def test_the_release_of_prisoners_is_retreat() -> None:
    event = only("Colombia released FARC prisoners on Friday.", "RETREAT")
    assert event.mode == "release" and event.actors == ("Colombia",)


# ------------------------------------------------------------------------------------------ passives and nouns
def test_the_agent_of_a_passive_is_the_actor() -> None:
    event = only("The truce was brokered by Qatar and Egypt.", "AGREE")
    assert event.actors == ("Qatar", "Egypt")


def test_a_participle_with_its_agent_is_passive() -> None:
    event = only("A ceasefire agreement mediated by Norway took effect.", "AGREE")
    assert event.actors == ("Norway",)


def test_a_passive_subject_is_the_recipient() -> None:
    event = only("Hamas was forced out of Gaza City by Israel.", "ASSAULT")
    assert event.actors == ("Israel",) and event.recipients == ("Hamas",)


def test_a_possessive_is_the_actor_of_a_noun_event() -> None:
    event = only("Russia's military intervention changed the war.", "ASSAULT")
    assert event.actors == ("Russia",)


def test_a_noun_after_a_light_verb_takes_its_subject() -> None:
    event = only("The United States inflicted missile strikes on Syria.", "ASSAULT")
    assert event.actors == ("United States",) and event.recipients == ("Syria",)


def test_a_noun_that_is_only_a_topic_has_no_actor() -> None:
    assert not [e for e in events_in("The Syria peace talks were discussed by reporters.") if e.actors == ("Syria",)]


def test_statements_alone_are_not_events() -> None:
    assert events_in("Angela Merkel said that Germany is a strong country.") == []


# ------------------------------------------------------------------------------------------ modality
@pytest.mark.parametrize(
    ("body", "modality"),
    [
        ("Germany will meet France in Paris.", "future"),
        ("Germany is expected to meet France in Paris.", "future"),
        ("Germany plans to meet France in Paris.", "future"),
        ("Germany could meet France in Paris.", "hypothetical"),
        ("If Germany meets France, prices will fall.", "hypothetical"),
        ("Germany did not meet France in Paris.", "negated"),
        ("Germany will not meet France in Paris.", "negated"),
        ("Germany met France in Paris.", "asserted"),
    ],
)
def test_modality(body: str, modality: str) -> None:
    assert only(body, "CONSULT").modality == modality


def test_refusing_is_a_rejection_not_a_negation() -> None:
    event = only("Iran refused to meet the United States.", "REJECT")
    assert event.modality == "asserted" and event.actors == ("Iran",)


def test_an_announced_future_withdrawal_is_a_concession() -> None:
    event = only("Russia will withdraw its troops from Syria.", "CONCEDE")
    assert event.actors == ("Russia",) and event.modality == "future"


# ------------------------------------------------------------------------------------------ dates
@pytest.mark.parametrize(
    ("body", "date"),
    [
        ("France met Germany in Paris on Friday.", "2017-03-03"),
        ("France met Germany in Paris yesterday.", "2017-03-05"),
        ("France met Germany in Paris on February 20.", "2017-02-20"),
        ("France met Germany in Paris in January 2016.", "2016-01"),
        ("France met Germany in Paris last year.", "2016"),
        ("France met Germany in Paris.", None),
    ],
)
def test_dates_resolve_against_the_publication_date(body: str, date: str | None) -> None:
    assert only(body, "CONSULT").date == date


def test_without_a_publication_date_a_weekday_gives_no_day() -> None:
    outcome = events_in("France met Germany in Paris on Friday.", dateline="")
    assert [e.date for e in outcome if e.event_type == "CONSULT"] == [None]


# ------------------------------------------------------------------------------------------ discourse and clauses
def test_a_description_stands_for_the_last_list_of_countries() -> None:
    events = events_in("Russia, Iran and Turkey sent delegations. The three countries met in Astana on Monday.")
    consult = [e for e in events if e.event_type == "CONSULT"]
    assert consult and set(consult[-1].actors) == {"Russia", "Iran", "Turkey"}


def test_a_pronoun_stands_for_the_last_person_named() -> None:
    events = events_in("Staffan de Mistura arrived on Monday. On Tuesday, he will meet Sergei Lavrov in Moscow.")
    consult = [e for e in events if e.event_type == "CONSULT" and e.mode is None]
    assert set(consult[-1].actors) == {"Staffan de Mistura", "Sergei Lavrov"}


def test_a_relative_clause_between_subject_and_verb_is_passed_over() -> None:
    event = only("Delegations of Turkey and Iran, which lead the process, arrived in Astana.", "CONSULT")
    assert set(event.actors) == {"Turkey", "Iran"}


def test_after_before_a_subject_and_its_verb_is_a_conjunction() -> None:
    event = only("The talks came after Vladimir Putin ordered a withdrawal of Russian forces.", "CONCEDE")
    assert event.actors == ("Vladimir Putin",)


def test_a_participle_with_a_later_agent_is_passive() -> None:
    event = only("A ceasefire brokered at the end of last year by Qatar held.", "AGREE")
    assert event.actors == ("Qatar",)


def test_sponsors_of_talks_are_their_actors_not_a_support_event() -> None:
    events = events_in("New talks backed by Russia and Turkey began in Astana on Monday.")
    assert [e.event_type for e in events] == ["CONSULT"] and set(events[0].actors) == {"Russia", "Turkey"}


def test_a_second_verb_shares_the_first_verbs_subject() -> None:
    event = only("Egypt hosted Jordan and condemned Israel.", "ACCUSE")
    assert event.actors == ("Egypt",) and event.recipients == ("Israel",)


def test_has_been_with_a_participle_is_passive() -> None:
    event = only("The Church of Scientology has been accused of fraud.", "ACCUSE")
    assert event.actors == () and event.recipients == ("Church of Scientology",)


def test_whoever_claims_an_attack_is_its_actor() -> None:
    event = only("The Taliban claimed responsibility for the attack on a NATO convoy.", "ASSAULT")
    assert event.actors == ("Taliban",) and event.recipients == ("NATO",)


def test_two_happenings_without_named_actors_in_two_clauses_are_two_events() -> None:
    events = events_in("Three men were arrested when police raided a checkpoint.")
    assert [e.trigger for e in events] == ["arrested", "raided"]
    # Those killed are what the strike did, not a second event with no attacker.
    assert [e.trigger for e in events_in("Three soldiers were killed when a bomber struck a checkpoint.")] == ["struck"]


def test_officials_from_a_country_are_that_country() -> None:
    event = only("Officials from Iran and Turkey met in Ankara.", "CONSULT")
    assert set(event.actors) == {"Iran", "Turkey"}


def test_the_place_withdrawn_from_is_the_events_place() -> None:
    event = only("Russian troops withdrew from Syria in October.", "RETREAT")
    assert (event.actors, event.recipients, event.place) == (("Russian",), (), "Syria")


def test_tear_gas_is_crowd_control_and_a_missile_launch_a_mobilization() -> None:
    assert only("Police fired tear gas at protesters in Paris.", "ASSAULT").mode == "crowd-control"
    assert only("North Korea conducted a missile launch on Friday.", "MOBILIZE").mode == "weapons"


def test_a_topic_of_discussion_and_a_press_conference_are_not_events() -> None:
    assert events_in("The fight against terrorism will be discussed in Geneva.") == []
    assert events_in("Turkey held a press conference in Ankara.") == []


def test_the_meeting_said_again_has_the_participants_of_the_last_meeting() -> None:
    events = events_in("Russia and Iran met in Tehran on Monday. Prior to the meeting, prices rose.")
    assert [set(e.actors) for e in events if e.event_type == "CONSULT"] == [{"Russia", "Iran"}] * 2


def test_the_trio_is_the_last_list_of_three_not_the_last_list() -> None:
    body = "Russia, Iran and Turkey sent envoys. Iran and Turkey met on Saturday. The trio met on Sunday."
    consult = [e for e in events_in(body) if e.event_type == "CONSULT"]
    assert set(consult[-1].actors) == {"Russia", "Iran", "Turkey"}


def test_violence_that_escalates_is_an_assault_without_named_actors() -> None:
    event = only("Violence between the rival factions in the north has intensified again.", "ASSAULT")
    assert event.actors == () and event.modality == "asserted"


# ------------------------------------------------------------------------------ arguments that are not parties
def test_what_talks_are_on_is_their_topic_not_a_party() -> None:
    event = only("Talks on Syria between Russia and Turkey began in Astana.", "CONSULT")
    assert event.actors == ("Russia", "Turkey")
    assert not [e for e in events_in("A meeting on Ukraine was held in Geneva on Monday.") if e.actors]


def test_a_province_is_where_things_happen_never_a_party() -> None:
    event = only("Zones covering Idlib and Homs were agreed in Astana.", "AGREE")
    assert event.actors == () and event.recipients == ()


def test_a_verb_reporting_a_quote_is_a_statement() -> None:
    assert [e.event_type for e in events_in('"It should be avoided," Vyacheslav Matuzov urged.')] == []


def test_what_someone_is_accused_of_is_the_charge_not_an_event() -> None:
    events = events_in("The United States accused Damascus of using chemical weapons.")
    assert [e.event_type for e in events] == ["ACCUSE"]


def test_a_brokered_ceasefire_is_one_agree_not_also_a_retreat() -> None:
    events = events_in("A fragile ceasefire brokered by Moscow and rebel-aligned Ankara has held.")
    assert [(e.event_type, e.actors) for e in events] == [("AGREE", ("Moscow", "Ankara"))]


def test_what_someone_is_invited_to_attend_is_the_invitation() -> None:
    events = events_in("The United States has been invited by Russia and Turkey to attend the talks.")
    assert [e.event_type for e in events] == ["AGREE"]


def test_an_offer_to_host_a_congress_is_one_agree() -> None:
    events = events_in("Russia is ready to host a congress of the peoples of Syria.")
    assert [(e.event_type, e.actors) for e in events] == [("AGREE", ("Russia",))]


def test_who_announces_an_arrival_is_not_the_arriving_party() -> None:
    event = only("Kazakhstan's Foreign Ministry announced the arrival of all parties in Astana.", "CONSULT")
    assert event.actors == () and event.place == "Astana"


def test_an_auxiliary_is_not_a_light_verb() -> None:
    events = events_in("The truce, brokered by Egypt, has been bolstered by the negotiations in Cairo.")
    assert not [e for e in events if e.event_type == "CONSULT" and e.actors]


def test_a_partitive_and_a_possessive_still_govern_a_noun_event() -> None:
    assert only("Staffan de Mistura is expected to attend the second day of talks.", "CONSULT").actors == (
        "Staffan de Mistura",
    )
    event = only("Moscow tries to turn its military intervention into a settlement.", "ASSAULT")
    assert event.actors == ("Moscow",)


# ------------------------------------------------------------------------------------------ more rulings
def test_fighting_that_did_not_happen_is_negated() -> None:
    event = only("Armed groups left Aleppo without fighting.", "ASSAULT")
    assert event.modality == "negated"


def test_a_hyphenated_role_joins_its_names_and_is_no_trigger() -> None:
    event = only("Peace talks backed by power-brokers Russia, Iran and Turkey kicked off in Astana.", "CONSULT")
    assert event.actors == ("Russia", "Iran", "Turkey")
    assert [e.event_type for e in events_in("Delegations from stakeholders Russia and Iran arrived.")] == ["CONSULT"]


def test_a_hyphenated_sponsor_backs_only_the_noun_it_modifies() -> None:
    events = events_in("Turkey-backed armed groups that joined a ceasefire agreement met in Ankara.")
    assert not [e for e in events if e.event_type == "AGREE" and "Turkey" in e.actors]


def test_unnamed_rebels_are_the_last_named_opposition_country() -> None:
    body = "The Syrian opposition met Russia in Astana. Rebels still insist on the removal of Assad."
    outcome = process_seed_bytes("t.txt", f"Headline\n\n{body}\n".encode())
    requests = [e for e in outcome.events if e["event_type"] == "REQUEST"]
    actors = [a for a in outcome.event_arguments if a["event_id"] == requests[0]["event_id"] and a["role"] == "actor"]
    text = {m["mention_id"]: m["text"] for m in outcome.mentions}
    assert [(text[a["mention_id"]], a["sector"]) for a in actors] == [("Syrian", "REB")]


def test_both_sides_of_a_clash_are_actors_and_a_relative_clause_has_its_antecedent() -> None:
    event = only("Kurdish fighters that have been clashing with the Turkish Army met in Geneva.", "ASSAULT")
    assert set(event.actors) >= {"Turkish Army"} and len(event.actors) == 2


def test_an_event_noun_before_the_noun_it_modifies_is_no_event() -> None:
    events = events_in("Russia proposed four de-escalation zones in Syria on Monday.")
    assert not [e for e in events if e.event_type == "RETREAT"]


def test_talks_that_follow_a_meeting_are_two_events() -> None:
    events = events_in("Iran's talks with Russia follow a meeting between Turkey and Iran in Moscow.")
    assert [e.trigger for e in events if e.event_type == "CONSULT"] == ["talks", "meeting"]


def test_only_a_bare_meeting_said_again_takes_the_last_participants() -> None:
    body = "Russia and Iran met in Tehran. The talks in Astana, which began in January, have continued."
    consult = [e for e in events_in(body) if e.event_type == "CONSULT"]
    assert consult[-1].actors == ()
    body = "Russia and Iran clashed near the border. The violence has intensified again."
    assert [e.actors for e in events_in(body) if e.event_type == "ASSAULT"][-1] == ()


def test_a_non_event_said_again_stays_no_event() -> None:
    body = "A press conference was scheduled for Tuesday, although it was unclear whether the conference would be held."
    assert [e.event_type for e in events_in(body)] == []


def test_what_an_infinitive_aims_at_is_no_report() -> None:
    assert [e.event_type for e in events_in("Russia proposed a plan to stem fighting between the two armies.")] == []
    assert [e.event_type for e in events_in("Attempts to halt the conflict have stumbled.")] == []


def test_a_participle_after_an_event_noun_is_its_content() -> None:
    events = events_in("The army responded with force to peaceful protests demanding reforms.")
    assert "REQUEST" not in [e.event_type for e in events]


def test_who_is_withdrawn_withdraws() -> None:
    event = only("Russian troops were withdrawn from Aleppo on Monday.", "RETREAT")
    assert event.actors == ("Russian",) and event.place == "Aleppo"


def test_a_by_phrase_belongs_to_the_nearest_name_or_verb_not_to_an_earlier_noun() -> None:
    events = events_in("The Russian delegation at the Geneva talks will be headed by Sergei Lavrov.")
    assert not [e for e in events if e.event_type == "CONSULT" and "Sergei Lavrov" in e.actors]
    body = "The meeting in Astana, including the Syrian opposition led by Mohamed Alloush, began on Monday."
    assert not [e for e in events_in(body) if "Mohamed Alloush" in e.actors]


def test_talks_that_come_after_a_visit_are_not_its_repeat() -> None:
    events = events_in("The eighth round of talks come after Vladimir Putin paid a surprise visit to Syria.")
    assert sorted(e.trigger for e in events if e.event_type == "CONSULT") == ["round of talks", "visit"]


def test_unnamed_sides_still_meet_but_a_passive_talk_needs_someone() -> None:
    assert only("The main session, where all sides will meet, opens today.", "CONSULT").modality == "future"
    assert [e.event_type for e in events_in("The fight against terrorism will be discussed.")] == []


def test_it_after_a_speech_verb_is_the_speaker() -> None:
    event = only("The US State Department said on Saturday it will not send a delegation.", "CONSULT")
    assert event.actors == ("US State Department",) and event.modality == "negated"


def test_a_light_verb_with_its_particle_governs_the_noun() -> None:
    event = only("The Syrian regime responded with military force to the protests.", "ASSAULT")
    assert event.actors == ("Syrian",)


def test_an_event_noun_as_an_agent_happened() -> None:
    event = only("An armed rebellion was fuelled by mass defections from the Syrian army.", "SANCTION")
    assert event.recipients == ("Syrian",)


def test_a_possessed_description_is_the_events_actor() -> None:
    body = "The Syrian regime met Russia. The regime's detentions of activists continued on Monday."
    assert only(body, "COERCE").actors == ("Syrian",)


def test_a_since_date_measures_what_comes_before_it_and_a_relative_clause_dates_its_noun() -> None:
    event = only("The regime, in power since 1963, responded with military force to the protests.", "ASSAULT")
    assert event.date is None
    body = "A truce brokered late last year was bolstered by the negotiations in Astana, which began in January."
    assert only(body, "CONSULT").date == "2017-01"


def test_listed_event_nouns_are_events_each_sharing_the_first_ones_standing() -> None:
    body = "The tactics pursued by Damascus, which have included sieges, mass executions and torture, were condemned."
    assaults = [e for e in events_in(body) if e.event_type == "ASSAULT"]
    assert [e.trigger for e in assaults] == ["sieges", "mass executions", "torture"]
    assert all(e.actors == ("Damascus",) for e in assaults)


def test_a_hosted_meeting_has_its_guests_as_actors_and_the_host_as_recipient() -> None:
    event = only("Astana will host a meeting at the experts level of Iran, Russia and Turkey.", "CONSULT")
    assert (event.trigger, event.actors, event.recipients) == ("meeting", ("Iran", "Russia", "Turkey"), ("Astana",))
    assert only("Kazakhstan will host the talks in January.", "CONSULT").recipients == ("Kazakhstan",)


def test_a_verb_in_a_relative_clause_on_its_meeting_tells_it_again() -> None:
    body = "Russia and Iran met ahead of the main session, where all sides will meet on Friday."
    assert len([e for e in events_in(body) if e.event_type == "CONSULT"]) == 2


def test_a_doer_noun_after_a_copula_takes_the_subject() -> None:
    assert only("Turkey is a main supplier of arms to the rebels.", "AID").actors == ("Turkey",)


def test_an_ambassador_to_a_country_is_the_person_named() -> None:
    event = only("US Ambassador to Kazakhstan George Krol will participate as an observer.", "CONSULT")
    assert event.actors == ("George Krol",) and event.modality == "future"


def test_quote_marks_inside_a_trigger_are_passed_over() -> None:
    event = only('Moscow was prepared to act as "a mediator" between Ankara and Damascus.', "AGREE")
    assert event.actors == ("Moscow",) and event.trigger == 'act as "a mediator'


def test_people_killed_without_an_attacker_told_is_no_assault() -> None:
    assert [e.event_type for e in events_in("Over 345 pilgrims have been killed in a stampede near Mecca.")] == []
    assert only("Three soldiers were killed by Taliban fighters in Kandahar.", "ASSAULT").actors == ("Taliban",)


def test_a_verdict_alone_is_no_sanction() -> None:
    assert [e.event_type for e in events_in("New Zealand will hold two referendums to reach a verdict.")] == []
