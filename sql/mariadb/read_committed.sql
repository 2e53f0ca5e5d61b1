-- Load transactions of this session read only committed rows and take no gap locks.
SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED;
