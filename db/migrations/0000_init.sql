CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ts_ms` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`target` text,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_ts` ON `audit_log` (`ts_ms`);--> statement-breakpoint
CREATE TABLE `ingest_health_hour` (
	`bucket_ms` integer NOT NULL,
	`token_id` integer NOT NULL,
	`batches` integer DEFAULT 0 NOT NULL,
	`accepted` integer DEFAULT 0 NOT NULL,
	`duplicates` integer DEFAULT 0 NOT NULL,
	`rejected` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`bucket_ms`, `token_id`)
);
--> statement-breakpoint
CREATE TABLE `ingest_rejections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`token_id` integer,
	`received_ms` integer NOT NULL,
	`line` integer NOT NULL,
	`code` text NOT NULL,
	`message` text NOT NULL,
	`field` text,
	`sample` text
);
--> statement-breakpoint
CREATE INDEX `ingest_rejections_received` ON `ingest_rejections` (`received_ms`);--> statement-breakpoint
CREATE TABLE `requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` text NOT NULL,
	`code` text DEFAULT '' NOT NULL,
	`ts_ms` integer NOT NULL,
	`status` integer NOT NULL,
	`method` text,
	`path` text,
	`route` text,
	`latency_ms` real,
	`key_id` text,
	`account_id` text,
	`tier` text,
	`message` text,
	`details` text,
	`reason` text,
	`unknown_code` integer DEFAULT false NOT NULL,
	`status_mismatch` integer DEFAULT false NOT NULL,
	`token_id` integer,
	`received_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `requests_request_id_code` ON `requests` (`request_id`,`code`);--> statement-breakpoint
CREATE INDEX `requests_ts` ON `requests` (`ts_ms`);--> statement-breakpoint
CREATE INDEX `requests_key_ts` ON `requests` (`key_id`,`ts_ms`);--> statement-breakpoint
CREATE TABLE `rollup_hour` (
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
);
--> statement-breakpoint
CREATE TABLE `rollup_key_hour` (
	`bucket_ms` integer NOT NULL,
	`key_id` text NOT NULL,
	`account_id` text NOT NULL,
	`tier` text NOT NULL,
	`status` integer NOT NULL,
	`code` text NOT NULL,
	`reason` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`bucket_ms`, `key_id`, `account_id`, `tier`, `status`, `code`, `reason`)
);
--> statement-breakpoint
CREATE INDEX `rollup_key_hour_key` ON `rollup_key_hour` (`key_id`,`bucket_ms`);--> statement-breakpoint
CREATE TABLE `rollup_minute` (
	`bucket_ms` integer NOT NULL,
	`status` integer NOT NULL,
	`code` text NOT NULL,
	`tier` text NOT NULL,
	`reason` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`bucket_ms`, `status`, `code`, `tier`, `reason`)
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created_ms` integer NOT NULL,
	`expires_ms` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`token_prefix` text NOT NULL,
	`token_hash` text NOT NULL,
	`scopes` text NOT NULL,
	`created_ms` integer NOT NULL,
	`last_used_ms` integer,
	`revoked_ms` integer,
	`created_by` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tokens_token_hash_unique` ON `tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`failed_logins` integer DEFAULT 0 NOT NULL,
	`locked_until_ms` integer,
	`created_ms` integer NOT NULL,
	`last_login_ms` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);