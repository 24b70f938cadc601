"""Memory formation: a session's messages become memories, connections, merge conflicts and a summary.

``stage.FormMemories`` is the pipeline stage; it runs the steps of ``ports`` (extract -> consolidate ->
summarise) and writes a ``plan.FormationPlan`` inside the session's transaction. The offline steps live here;
other implementations are handed in (``recallr.engine.adapters``).
"""

from .consolidation import OfflineConsolidator, WorkingSet
from .plan import BOTH, ConflictDraft, Decision, Draft, FormationPlan, ProposedMemory
from .ports import Clarifier, Consolidator, Extractor, FormationSteps, PreparingConsolidator, Summarizer
from .stage import FormMemories, OfflineExtractor, conflicts_enabled
from .summaries import OfflineSummarizer

__all__ = [
    "BOTH", "Clarifier", "ConflictDraft", "Consolidator", "Decision", "Draft", "Extractor", "FormMemories",
    "FormationPlan", "FormationSteps", "OfflineConsolidator", "OfflineExtractor", "OfflineSummarizer",
    "PreparingConsolidator", "ProposedMemory", "Summarizer", "WorkingSet", "conflicts_enabled",
]
