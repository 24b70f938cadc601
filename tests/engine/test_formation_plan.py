"""``ProposedMemory``: a merge conflict's proposal serialises itself and reads back whole."""

from __future__ import annotations

from datetime import UTC, datetime

from recallr.engine.formation import ProposedMemory

AT = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)


def _proposal(**changes: object) -> ProposedMemory:
    values: dict[str, object] = {
        "content": "User lives in Paris.", "categories": ("location", "personal"), "subject": "User",
        "slot": "user:home", "value": "Paris", "entities": ("paris",), "negated": False, "event_start": AT,
        "event_end": AT, "sources": (("s1", 0), ("s1", 2)), "created_at": AT,
    }
    return ProposedMemory(**{**values, **changes})  # type: ignore[arg-type]


def test_the_stored_form_keeps_the_column_layout() -> None:
    assert _proposal().to_json() == {
        "content": "User lives in Paris.", "categories": ["location", "personal"], "subject": "User",
        "slot": "user:home", "value": "Paris", "entities": ["paris"], "negated": False,
        "event_date_start": "2023-05-08T13:56:00+00:00", "event_date_end": "2023-05-08T13:56:00+00:00",
        "sources": [["s1", 0], ["s1", 2]], "created_at": "2023-05-08T13:56:00+00:00",
    }


def test_a_proposal_reads_back_equal_with_its_option_outcomes() -> None:
    outcomes = {"Which is true now?": {"Paris": "new", "Both": "both"}}
    proposal = _proposal(option_outcomes=outcomes)
    assert proposal.to_json()["option_outcomes"] == outcomes
    assert ProposedMemory.from_json(proposal.to_json()) == proposal
    assert ProposedMemory.from_json(_proposal().to_json()).option_outcomes is None


def test_an_older_row_without_optional_fields_still_reads() -> None:
    row = {"content": "User is vegetarian.", "categories": ["food"], "event_date_start": AT.isoformat(),
           "event_date_end": AT.isoformat()}
    proposal = ProposedMemory.from_json(row)
    assert (proposal.content, proposal.sources, proposal.entities, proposal.negated) == (
        "User is vegetarian.", (), (), False)
    assert proposal.event_start == AT


def test_rewording_keeps_everything_else() -> None:
    reworded = _proposal().reworded("User moved to Paris.")
    assert reworded.content == "User moved to Paris." and reworded.sources == _proposal().sources
