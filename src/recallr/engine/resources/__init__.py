"""The API's resources: projects, users, sessions and their messages, memories, merge conflicts, categories.

One service per resource (``Users``, ``Sessions``, ``Memories``, ``MergeConflicts``, ``Categories``,
``Projects``), each a thin layer of rules over the store; ``validation`` holds the input limits they share and
``portability`` exports and imports whole projects.
"""
