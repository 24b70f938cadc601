INSERT INTO memory_categories (memory_id, user_id, category, created_at, expired_at)
    SELECT DISTINCT m.id, m.user_id, c.value, m.created_at, m.expired_at FROM memories m, json_each(m.categories) c
    WHERE c.type = 'text';
