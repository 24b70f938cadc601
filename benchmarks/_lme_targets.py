"""LongMemEval targets (issue 13) and the check that knowledge updates show earlier values as earlier.

- knowledge-update: answer-token recall of ``balanced`` >= 0.95;
- temporal-reasoning: answer-token recall of ``balanced`` >= the best raw-turn baseline + 0.10;
- knowledge-update, earlier values: a memory shown as current (in "Memories about the user") that came from a
  ``has_answer`` turn of an answer session older than the latest one, is about the question (shares at least two
  of its content words) and lacks the answer, is an earlier value shown as if current. Shown in "Earlier versions
  (no longer current)", or as a dated past message or summary, it is marked as earlier. The test is by
  provenance and words, so it approximates "an earlier value"; ``--show`` prints the lines it flags. A line
  in "Memories about the user" with recall's dated note "(earlier statement, before the one of <day>)" is marked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from _baselines import Baselines, Result, content_tokens, mean_of

KU, TEMPORAL = "knowledge-update", "temporal-reasoning"
KU_TARGET = 0.95
TEMPORAL_MARGIN = 0.10
_CURRENT = "Memories about the user"
_EARLIER = "Earlier versions"
_MARK = "(earlier statement, before the one of"  # recall/updates.py's note on an earlier statement


@dataclass
class EarlierValues:
    """Knowledge-update questions: earlier values in the balanced context, marked as earlier or not."""

    questions: int = 0  # KU questions whose context holds an earlier value
    unmarked: list[str] = field(default_factory=list)  # "[question id] line" shown as current
    marked: int = 0

    def add(self, item: dict[str, Any], context: str, memories: list[Any], turn_of: dict[Any, Any],
            parse_date: Any) -> None:
        """Record what ``context`` shows of the earlier answer sessions' values (see the module docstring)."""
        earlier = _earlier_turns(item, parse_date)
        if not earlier:
            return
        answer = set(content_tokens(str(item["answer"])))
        asked = set(content_tokens(item["question"]))
        current, past = _section_lines(context, _CURRENT), _section_lines(context, _EARLIER)
        flagged = False
        for memory in memories:
            refs = {turn_of.get((s.session_id, s.message_index)) for s in memory.sources}
            words = set(content_tokens(memory.content))
            if not refs & earlier or len(words & asked) < 2 or answer <= words:
                continue
            shown = [line for line in current if memory.content in line]
            if shown and not any(_MARK in line for line in shown):
                self.unmarked.append(f"[{item['question_id']}] {memory.content}")
            elif shown or any(memory.content in line for line in past):
                self.marked += 1
            flagged = flagged or bool(shown) or any(memory.content in line for line in past)
        self.questions += flagged


def _earlier_turns(item: dict[str, Any], parse_date: Any) -> set[tuple[str, int]]:
    """``has_answer`` turns of the answer sessions older than the latest answer session."""
    dated = {hid: parse_date(when) for hid, when in zip(item["haystack_session_ids"], item["haystack_dates"],
                                                        strict=True)}
    gold = sorted((dated[h], h) for h in item["answer_session_ids"] if h in dated)
    older = {h for _, h in gold[:-1]}
    return {(hid, j) for hid, session in zip(item["haystack_session_ids"], item["haystack_sessions"], strict=True)
            if hid in older for j, turn in enumerate(session) if turn.get("has_answer")}


def _section_lines(context: str, heading: str) -> list[str]:
    out, inside = [], False
    for line in context.split("\n"):
        if line and not line.startswith("- "):
            inside = line.startswith(heading)
        elif inside:
            out.append(line)
    return out


def checks(results: list[Result], earlier: EarlierValues) -> list[tuple[str, bool]]:
    """The targets that the run's question types allow, as (statement, met)."""
    out: list[tuple[str, bool]] = []
    groups = {r.group for r in results if r.system == "balanced"}
    if KU in groups:
        mine = mean_of(results, "balanced", "answer_tokens", KU)
        out.append((f"knowledge-update answer-token recall: balanced {mine:.3f} >= {KU_TARGET}", mine >= KU_TARGET))
        out.append((f"knowledge-update earlier values marked as earlier: {len(earlier.unmarked)} shown as current, "
                    f"{earlier.marked} marked ({earlier.questions} questions show one)", not earlier.unmarked))
    if TEMPORAL in groups:
        mine = mean_of(results, "balanced", "answer_tokens", TEMPORAL)
        name = max(Baselines.NAMES, key=lambda b: mean_of(results, b, "answer_tokens", TEMPORAL))
        best = mean_of(results, name, "answer_tokens", TEMPORAL)
        out.append((f"temporal-reasoning answer-token recall: balanced {mine:.3f} >= best baseline ({name} "
                    f"{best:.3f}) + {TEMPORAL_MARGIN}", mine >= best + TEMPORAL_MARGIN))
    return out
