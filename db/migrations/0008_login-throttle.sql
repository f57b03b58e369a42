CREATE TABLE `login_throttle` (
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`failures` integer NOT NULL,
	`last_ms` integer NOT NULL,
	PRIMARY KEY(`scope`, `key`)
) WITHOUT ROWID;
