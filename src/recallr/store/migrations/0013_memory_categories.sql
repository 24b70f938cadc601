-- A user's memories page filtered by category (and its total) read every memory's categories JSON: 60 ms for a
-- user with 10,000 memories. memory_categories holds one row per (memory, category), with the memory's
-- created_at and expired_at copied in (the store keeps expired_at in step), so the filtered page and its count
-- read one index. Rows go with their memory (a deleted version, session or user).
CREATE TABLE memory_categories (
    memory_id TEXT NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    category TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expired_at BIGINT,
    PRIMARY KEY (memory_id, category)
);
CREATE INDEX memory_categories_current ON memory_categories(user_id, category, created_at DESC, memory_id)
    WHERE expired_at IS NULL;
-- A page of current memories past a deep offset walked the (user_id, expired_at, created_at) index and then
-- read every skipped row for its id, the order's tie-break: this index holds the whole order.
CREATE INDEX memories_current_page ON memories(user_id, created_at DESC, id) WHERE expired_at IS NULL;
-- The same for the page of one session's current memories (a filter of the console's user page).
CREATE INDEX memories_session_current ON memories(session_id, created_at DESC, id) WHERE expired_at IS NULL;
