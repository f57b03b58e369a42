ALTER TABLE `ingest_health_hour` ADD `refused` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `ingest_health_hour` ADD `last_ms` integer;