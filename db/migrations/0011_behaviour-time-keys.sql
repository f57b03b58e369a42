-- Hand-written: the fact tables keyed (ts_ms, request_id, code) rather than (request_id, code), which drops their
-- ts_ms indexes (time-range reads and retention read the table itself) and makes ingest's inserts appends.
CREATE TABLE `__new_behaviour_limits` (
	`request_id` text NOT NULL,
	`code` text NOT NULL,
	`key_id` text NOT NULL,
	`ts_ms` integer NOT NULL,
	`status` integer NOT NULL,
	`route` text NOT NULL,
	`retry_after_ms` integer NOT NULL,
	`next_any_request_id` text,
	`next_any_code` text,
	`next_any_ts_ms` integer,
	`class_any` text NOT NULL,
	`next_route_request_id` text,
	`next_route_code` text,
	`next_route_ts_ms` integer,
	`class_route` text NOT NULL,
	`before_n` integer NOT NULL,
	`after_n` integer NOT NULL,
	`storm` integer NOT NULL,
	PRIMARY KEY(`ts_ms`, `request_id`, `code`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_behaviour_limits` (`request_id`, `code`, `key_id`, `ts_ms`, `status`, `route`, `retry_after_ms`, `next_any_request_id`, `next_any_code`, `next_any_ts_ms`, `class_any`, `next_route_request_id`, `next_route_code`, `next_route_ts_ms`, `class_route`, `before_n`, `after_n`, `storm`)
SELECT `request_id`, `code`, `key_id`, `ts_ms`, `status`, `route`, `retry_after_ms`, `next_any_request_id`, `next_any_code`, `next_any_ts_ms`, `class_any`, `next_route_request_id`, `next_route_code`, `next_route_ts_ms`, `class_route`, `before_n`, `after_n`, `storm`
FROM `behaviour_limits`;
--> statement-breakpoint
DROP TABLE `behaviour_limits`;--> statement-breakpoint
ALTER TABLE `__new_behaviour_limits` RENAME TO `behaviour_limits`;--> statement-breakpoint
CREATE INDEX `behaviour_limits_key_ts` ON `behaviour_limits` (`key_id`,`ts_ms`);--> statement-breakpoint
CREATE TABLE `__new_behaviour_futile` (
	`request_id` text NOT NULL,
	`code` text NOT NULL,
	`key_id` text NOT NULL,
	`ts_ms` integer NOT NULL,
	`route` text NOT NULL,
	`repeat` integer NOT NULL,
	PRIMARY KEY(`ts_ms`, `request_id`, `code`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_behaviour_futile` (`request_id`, `code`, `key_id`, `ts_ms`, `route`, `repeat`)
SELECT `request_id`, `code`, `key_id`, `ts_ms`, `route`, `repeat` FROM `behaviour_futile`;
--> statement-breakpoint
DROP TABLE `behaviour_futile`;--> statement-breakpoint
ALTER TABLE `__new_behaviour_futile` RENAME TO `behaviour_futile`;--> statement-breakpoint
CREATE INDEX `behaviour_futile_key_code_ts` ON `behaviour_futile` (`key_id`,`code`,`ts_ms`);
