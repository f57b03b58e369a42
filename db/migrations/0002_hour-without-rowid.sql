-- Hand-written: rollup_hour rebuilt WITHOUT ROWID, so hourly range scans read the clustered primary key instead of
-- an index plus a rowid lookup per row (halves the keyless totals that key breakdowns subtract). drizzle-kit cannot express it.
CREATE TABLE `rollup_hour_new` (
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
INSERT INTO `rollup_hour_new` (`bucket_ms`, `status`, `code`, `tier`, `reason`, `route`, `method`, `count`, `latency_ms_sum`)
SELECT `bucket_ms`, `status`, `code`, `tier`, `reason`, `route`, `method`, `count`, `latency_ms_sum` FROM `rollup_hour`;
--> statement-breakpoint
DROP TABLE `rollup_hour`;
--> statement-breakpoint
ALTER TABLE `rollup_hour_new` RENAME TO `rollup_hour`;
