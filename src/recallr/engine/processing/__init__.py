"""Processing a session after ``process()``: the pipeline of stages, the worker that leases sessions and
merge-conflict resolutions, the heartbeat that keeps a lease, and the vector-index upkeep run after each session.
"""
