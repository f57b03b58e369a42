-- Hand-written: WITHOUT ROWID (a range scan reads the clustered primary key, no rowid lookup per row) and the backfill.
CREATE TABLE `rollup_day` (
	`bucket_ms` integer NOT NULL,
	`status` integer NOT NULL,
	`code` text NOT NULL,
	`tier` text NOT NULL,
	`reason` text NOT NULL,
	`route` text NOT NULL,
	`method` text NOT NULL,
	`count` integer NOT NULL,
	`latency_ms_sum` real DEFAULT 0 NOT NULL,
	PRIMARY KEY(`bucket_ms`, `status`, `code`, `tier`, `reason`, `route`, `method`)
) WITHOUT ROWID;
--> statement-breakpoint
-- Backfill: an existing database's day rollup is the sum of its hourly rows (hour buckets never straddle a UTC day).
INSERT INTO `rollup_day` (`bucket_ms`, `status`, `code`, `tier`, `reason`, `route`, `method`, `count`, `latency_ms_sum`)
SELECT (`bucket_ms` / 86400000) * 86400000, `status`, `code`, `tier`, `reason`, `route`, `method`, sum(`count`), sum(`latency_ms_sum`)
FROM `rollup_hour` GROUP BY 1, 2, 3, 4, 5, 6, 7;
