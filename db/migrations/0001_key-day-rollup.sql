-- Hand-edited: WITHOUT ROWID (a range scan reads the clustered primary key, no rowid lookup per row) and the backfill.
CREATE TABLE `rollup_key_day` (
	`bucket_ms` integer NOT NULL,
	`key_id` text NOT NULL,
	`account_id` text NOT NULL,
	`tier` text NOT NULL,
	`status` integer NOT NULL,
	`code` text NOT NULL,
	`reason` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`bucket_ms`, `key_id`, `account_id`, `tier`, `status`, `code`, `reason`)
) WITHOUT ROWID;
--> statement-breakpoint
-- Backfill: an existing database's day rollup is the sum of its hourly per-key rows (hour buckets never straddle a UTC day).
INSERT INTO `rollup_key_day` (`bucket_ms`, `key_id`, `account_id`, `tier`, `status`, `code`, `reason`, `count`)
SELECT (`bucket_ms` / 86400000) * 86400000, `key_id`, `account_id`, `tier`, `status`, `code`, `reason`, sum(`count`)
FROM `rollup_key_hour` GROUP BY 1, 2, 3, 4, 5, 6, 7;
--> statement-breakpoint
-- Records with neither key nor account: all records (rollup_hour) minus the keyed ones (rollup_key_hour), per day.
INSERT INTO `rollup_key_day` (`bucket_ms`, `key_id`, `account_id`, `tier`, `status`, `code`, `reason`, `count`)
SELECT `day`, '', '', `tier`, `status`, `code`, `reason`, sum(`n`) FROM (
  SELECT (`bucket_ms` / 86400000) * 86400000 AS `day`, `tier`, `status`, `code`, `reason`, `count` AS `n` FROM `rollup_hour`
  UNION ALL
  SELECT (`bucket_ms` / 86400000) * 86400000, `tier`, `status`, `code`, `reason`, -`count` FROM `rollup_key_hour`
) GROUP BY `day`, `tier`, `status`, `code`, `reason` HAVING sum(`n`) <> 0;
