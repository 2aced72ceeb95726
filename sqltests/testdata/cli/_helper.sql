-- Read by dot_commands.sql; not a test itself (its name starts with '_').
CREATE TABLE from_helper AS SELECT 'read me' AS msg;
SELECT msg FROM from_helper;
