-- Whether the server accepts LOAD DATA LOCAL INFILE at all (1) or refuses it (0).
SELECT @@GLOBAL.local_infile;
