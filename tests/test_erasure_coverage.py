"""Every table that holds a person's id is covered by erasure: a new table that does not
say what happens to its rows when the person goes fails here until it does."""

from __future__ import annotations

from bot.all_tables import Base  # every feature's tables too

# Rows kept without the person (SET NULL), each with what erasure does to their words.
KEPT_WITHOUT_THE_PERSON = {
    ("buddy_requests", "offered_to"): "the volunteer a request was offered to; released",
    ("peer_group_members", "person_id"): "group_store.forget_person deletes it by account",
    ("safety_alerts", "person_id"): "an anonymous count; alerts.forget_person takes words",
    ("safety_alerts", "acknowledged_by"): "which of the duty team saw it, not about them",
    ("safety_alerts", "closed_by"): "which of the duty team closed it",
    ("volunteer_invites", "used_by"): "a used invite code, nothing they said",
    ("moderation_cases", "reported_by"): "kept for safeguarding; their words taken out",
    ("moderation_cases", "subject_id"): "kept for safeguarding; their words taken out",
    ("moderation_cases", "closed_by"): "which moderator closed it",
}


def test_every_reference_to_a_person_says_what_erasure_does() -> None:
    unhandled, kept = [], set()
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name != "persons":
                continue
            where = (table.name, fk.parent.name)
            if fk.ondelete == "CASCADE":
                continue
            if fk.ondelete == "SET NULL" and where in KEPT_WITHOUT_THE_PERSON:
                kept.add(where)
                continue
            unhandled.append((*where, fk.ondelete))
    assert unhandled == [], "erasure must delete these rows or list why they stay"
    assert kept == set(KEPT_WITHOUT_THE_PERSON)  # the list holds nothing stale
