-- The operational database itself; the name is validated by the caller (letters, digits, _).
CREATE DATABASE IF NOT EXISTS `{{ database }}` CHARACTER SET utf8mb4;
