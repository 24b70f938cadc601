"""One wire format for both ends: the server answers with ``recallr.wire``'s models and the SDK parses them."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

from recallr import schemas, schemas_memory, wire
from recallr.client import memory_models, models

WHEN = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_the_wire_module_imports_nothing_of_the_engine_store_or_server() -> None:
    code = ("import sys, recallr.wire; "
            "print(sorted(m for m in sys.modules if m.startswith(('recallr.engine', 'recallr.store', "
            "'recallr.server', 'recallr.llm'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_sdk_and_server_share_the_models() -> None:
    assert memory_models.UserMemoryItem is wire.UserMemoryItem
    assert memory_models.MergeConflictModel is wire.MergeConflictModel
    assert models.Message is wire.Message
    for server, shared in [(schemas_memory.MemoryOut, wire.UserMemoryItem),
                           (schemas_memory.MergeConflictOut, wire.MergeConflictModel),
                           (schemas_memory.CategoryOut, wire.Category), (schemas_memory.ProjectOut,
                                                                        wire.ProjectSettings),
                           (schemas.MessageOut, wire.Message)]:
        assert issubclass(server, shared) and server.model_fields.keys() == shared.model_fields.keys()


def test_a_server_answer_round_trips_through_the_sdk_model() -> None:
    answer = schemas_memory.MergeConflictOut(
        id="c1", project_user_session_id="s1", proposed_memory_content="Lives in Porto", new_memories=None,
        conflicting_memories=[wire.MergeConflictConflictingMemory(
            memory_id="m1", content="Lives in Lisbon", reason="moved", event_date_start=WHEN, event_date_end=WHEN,
            created_at=WHEN)],
        clarifying_questions=[wire.MergeConflictQuestion(question="Which?", options=["a", "b"])],
        status="PENDING", resolution_data=None, created_at=WHEN, resolved_at=None)
    text = answer.model_dump_json()
    parsed = memory_models.MergeConflictModel.model_validate_json(text)
    assert parsed.model_dump_json() == text
    assert '"proposed_memory_content":"Lives in Porto"' in text and '"resolved_at":null' in text
