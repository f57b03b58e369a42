-- Hand-written: WITHOUT ROWID (a range scan reads the clustered primary key, no rowid lookup per row) and the backfill.
CREATE TABLE `rollup_code_hour` (
	`bucket_ms` integer NOT NULL,
	`status` integer NOT NULL,
	`code` text NOT NULL,
	`tier` text NOT NULL,
	`reason` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`bucket_ms`, `status`, `code`, `tier`, `reason`)
) WITHOUT ROWID;
--> statement-breakpoint
-- Backfill: an existing database's hourly counts are the sum of its minute rows (minute buckets never straddle an hour).
INSERT INTO `rollup_code_hour` (`bucket_ms`, `status`, `code`, `tier`, `reason`, `count`)
SELECT (`bucket_ms` / 3600000) * 3600000, `status`, `code`, `tier`, `reason`, sum(`count`)
FROM `rollup_minute` GROUP BY 1, 2, 3, 4, 5;
