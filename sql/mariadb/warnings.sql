-- The first warnings of the previous statement (LOAD DATA LOCAL turns row errors into warnings).
SHOW WARNINGS LIMIT 3;
