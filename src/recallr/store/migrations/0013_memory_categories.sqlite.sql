-- Only the strings of a categories array count, as in a filter on the JSON itself; other texts give no rows.
INSERT INTO memory_categories (memory_id, user_id, category, created_at, expired_at)
    SELECT DISTINCT m.id, m.user_id, c.value, m.created_at, m.expired_at
    FROM memories m, json_each(CASE WHEN NOT json_valid(m.categories) THEN '[]'
                                    WHEN json_type(m.categories) = 'array' THEN m.categories ELSE '[]' END) c
    WHERE c.type = 'text';
