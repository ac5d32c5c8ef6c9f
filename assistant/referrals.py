"""Who can help when the assistant cannot: the hotline, and the office that owns a topic
outside the assistant (护照 → 出入境, 公积金 → 公积金中心 …), from assistant/data/referrals.yaml.

A contact is ``{name, phone, office, topic, hours}``; surfaces show it as a ``tel:`` link."""
from __future__ import annotations

from assistant import messages
from assistant.answer import DECLINED

_DATA = messages._REFERRALS


def hotline_contact() -> dict:
    """The 12333 hotline as a contact, with its hours."""
    return {"name": messages.HOTLINE_NAME, "phone": messages.HOTLINE, "office": messages.HOTLINE_OFFICE,
            "topic": "", "hours": messages.HOTLINE_HOURS}


def offices_for(text: str) -> list[dict]:
    """The offices whose topic words ``text`` names, in the order of the data file."""
    text = text or ""
    found = []
    for entry in _DATA.get("offices") or []:
        if any(w and w in text for w in entry.get("words") or ()):
            found.append({"name": entry["phone_name"], "phone": str(entry["phone"]), "office": entry["office"],
                          "topic": entry.get("topic", ""), "hours": entry.get("hours")})
    return found


def decline_contacts(text: str) -> list[dict]:
    """Where to send a declined question: the offices it names first, then the hotline
    (a declined reply always offers it, see DESIGN.md)."""
    return offices_for(text) + [hotline_contact()]


def declined_text(contacts: list[dict]) -> str:
    """The decline sentence, naming the right office (or the hotline) for this question."""
    offices = [c for c in contacts if c.get("phone") != messages.HOTLINE]
    if not offices:
        return messages.DECLINED
    refer = "".join(_DATA["referrals"]["office"].format(topic=c["topic"], office=c["office"],
                                                        phone_name=c["name"], phone=c["phone"])
                    for c in offices)
    return messages.DECLINED_LEAD + refer + messages.referral("office_tail")


def decline(answer) -> None:
    """Finish ``answer`` as declined, sending the citizen to whoever can help."""
    answer.contacts = decline_contacts(answer.normalized or answer.question)
    answer.finish(DECLINED, declined_text(answer.contacts), citations=[])
