CREATE TABLE `behaviour_futile` (
	`request_id` text NOT NULL,
	`code` text NOT NULL,
	`key_id` text NOT NULL,
	`ts_ms` integer NOT NULL,
	`route` text NOT NULL,
	`repeat` integer NOT NULL,
	PRIMARY KEY(`request_id`, `code`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `behaviour_futile_key_code_ts` ON `behaviour_futile` (`key_id`,`code`,`ts_ms`);--> statement-breakpoint
CREATE INDEX `behaviour_futile_ts` ON `behaviour_futile` (`ts_ms`);--> statement-breakpoint
CREATE TABLE `behaviour_limits` (
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
	PRIMARY KEY(`request_id`, `code`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `behaviour_limits_key_ts` ON `behaviour_limits` (`key_id`,`ts_ms`);--> statement-breakpoint
CREATE INDEX `behaviour_limits_ts` ON `behaviour_limits` (`ts_ms`);--> statement-breakpoint
ALTER TABLE `requests` ADD `idempotency_key` text;--> statement-breakpoint
ALTER TABLE `requests` ADD `request_fingerprint` text;--> statement-breakpoint
ALTER TABLE `requests` ADD `idempotent_replayed` integer;--> statement-breakpoint
ALTER TABLE `requests` ADD `user_agent` text;--> statement-breakpoint
CREATE INDEX `requests_idempotency_key` ON `requests` (`idempotency_key`,`ts_ms`) WHERE idempotency_key IS NOT NULL;