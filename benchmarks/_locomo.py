"""LoCoMo loading and ingestion through the public SDK (shared by formation.py and locomo.py)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _common import DATA
from recallr.models import MessageRole

LOCOMO = DATA / "locomo" / "locomo_dev5.json"
_DIA = re.compile(r"D:?(\d+):0*(\d+)")


def load(path: Path = LOCOMO) -> list[dict[str, Any]]:
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def parse_when(text: str) -> datetime:
    """'1:56 pm on 8 May, 2023' -> aware UTC datetime."""
    return datetime.strptime(text.strip(), "%I:%M %p on %d %B, %Y").replace(tzinfo=UTC)


def normalise_dia(dia: str) -> str | None:
    """'D1:3', 'D:11:26', 'D30:05' -> 'D1:3', 'D11:26', 'D30:5'; None if it does not parse."""
    match = _DIA.fullmatch(dia.strip())
    return f"D{int(match.group(1))}:{int(match.group(2))}" if match else None


def sessions(sample: dict[str, Any]) -> list[tuple[int, datetime, list[dict[str, Any]]]]:
    conv = sample["conversation"]
    out = []
    for key, turns in conv.items():
        match = re.fullmatch(r"session_(\d+)", key)
        if match and isinstance(turns, list) and turns:
            n = int(match.group(1))
            out.append((n, parse_when(conv[f"session_{n}_date_time"]), turns))
    return sorted(out, key=lambda s: s[0])


def turn_text(turn: dict[str, Any]) -> str:
    text = turn["text"]
    if turn.get("blip_caption"):
        text += f" [shares a photo: {turn['blip_caption']}]"
    return f"{turn['speaker']}: {text}"


@dataclass
class Ingested:
    user: Any
    sample: dict[str, Any]
    dia_of: dict[tuple[str, int], str] = field(default_factory=dict)  # (session_id, message_index) -> dia_id
    session_of: dict[int, str] = field(default_factory=dict)  # LoCoMo session number -> session_id
    messages: int = 0


def ingest(client: Any, sample: dict[str, Any], user_id: str, *, process: bool = True) -> Ingested:
    """Create the user, one backdated session per LoCoMo session, add the turns as 'Name: text'."""
    user = client.create_user(user_id)
    out = Ingested(user, sample)
    for number, when, turns in sessions(sample):
        session = user.create_session(custom_created_at_utc=when, metadata={"locomo_session": number},
                                      auto_process_after_seconds=None)
        out.session_of[number] = session.session_id
        for index, turn in enumerate(turns):
            session.add_message(MessageRole.USER, turn_text(turn))
            dia = normalise_dia(turn["dia_id"])
            if dia:
                out.dia_of[(session.session_id, index)] = dia
            out.messages += 1
        if process:
            session.process()
    return out


def observation_dias(sample: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for per_speaker in sample["observation"].values():
        for facts in per_speaker.values():
            for fact in facts:
                refs = fact[1] if isinstance(fact[1], list) else [fact[1]]
                found.update(d for d in (normalise_dia(str(r)) for r in refs) if d)
    return found
