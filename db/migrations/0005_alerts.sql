CREATE TABLE `alert_channels` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`config` text NOT NULL,
	`allow_private` integer DEFAULT false NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`disabled_reason` text,
	`created_ms` integer NOT NULL,
	`updated_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `alert_checkpoints` (
	`rule_id` integer PRIMARY KEY NOT NULL,
	`window_end_ms` integer NOT NULL,
	FOREIGN KEY (`rule_id`) REFERENCES `alert_rules`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `alert_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` text NOT NULL,
	`event_id` integer,
	`channel_id` integer NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_ms` integer NOT NULL,
	`lease_until_ms` integer DEFAULT 0 NOT NULL,
	`created_ms` integer NOT NULL,
	`delivered_ms` integer,
	`last_error` text,
	FOREIGN KEY (`event_id`) REFERENCES `alert_events`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`channel_id`) REFERENCES `alert_channels`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_deliveries_message_id_unique` ON `alert_deliveries` (`message_id`);--> statement-breakpoint
CREATE INDEX `alert_deliveries_due` ON `alert_deliveries` (`status`,`next_attempt_ms`);--> statement-breakpoint
CREATE TABLE `alert_delivery_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` integer NOT NULL,
	`at_ms` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`http_status` integer,
	`error` text,
	FOREIGN KEY (`delivery_id`) REFERENCES `alert_deliveries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alert_delivery_attempts_delivery` ON `alert_delivery_attempts` (`delivery_id`);--> statement-breakpoint
CREATE TABLE `alert_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rule_id` integer NOT NULL,
	`group_value` text NOT NULL,
	`state` text NOT NULL,
	`started_ms` integer NOT NULL,
	`fired_ms` integer,
	`ended_ms` integer,
	`last_at_ms` integer NOT NULL,
	`observed` real NOT NULL,
	`expected` real NOT NULL,
	`upper` real NOT NULL,
	`exposure` real DEFAULT 0 NOT NULL,
	`peak_observed` real NOT NULL,
	`baseline_source` text NOT NULL,
	`normal_streak` integer DEFAULT 0 NOT NULL,
	`acked_ms` integer,
	`acked_by` text,
	`silenced_until_ms` integer,
	FOREIGN KEY (`rule_id`) REFERENCES `alert_rules`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alert_events_rule_state` ON `alert_events` (`rule_id`,`state`);--> statement-breakpoint
CREATE INDEX `alert_events_started` ON `alert_events` (`started_ms`);--> statement-breakpoint
CREATE TABLE `alert_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`default_key` text,
	`name` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`spec` text NOT NULL,
	`silenced_until_ms` integer,
	`created_ms` integer NOT NULL,
	`updated_ms` integer NOT NULL,
	`created_by` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_rules_default_key_unique` ON `alert_rules` (`default_key`);--> statement-breakpoint
CREATE TABLE `alert_transitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` integer NOT NULL,
	`at_ms` integer NOT NULL,
	`from_state` text NOT NULL,
	`to_state` text NOT NULL,
	`observed` real NOT NULL,
	`expected` real NOT NULL,
	`upper` real,
	`p_value` real,
	`baseline_source` text,
	`actor` text,
	FOREIGN KEY (`event_id`) REFERENCES `alert_events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alert_transitions_event` ON `alert_transitions` (`event_id`,`at_ms`);