// Alert channel settings (admin only): the wire schema for the API, the OpenAPI document and the verbs.
import { z } from 'zod';

const url = z.string().trim().min(1).max(2048);
export const webhookConfigSchema = z.object({ url, secret: z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,200}$/).optional() }).strict();
export const slackConfigSchema = z.object({ url }).strict();
export const emailConfigSchema = z
  .object({
    host: z.string().trim().min(1).max(255),
    port: z.number().int().min(1).max(65535).default(587),
    /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    user: z.string().max(255).optional(),
    pass: z.string().max(1024).optional(),
    from: z.string().email().max(255),
    to: z.array(z.string().email().max(255)).min(1).max(20),
  })
  .strict();
export type WebhookConfig = z.infer<typeof webhookConfigSchema> & { secret: string };
export type SlackConfig = z.infer<typeof slackConfigSchema>;
export type EmailConfig = z.infer<typeof emailConfigSchema>;
export type ChannelConfig = { type: 'webhook'; config: WebhookConfig } | { type: 'slack'; config: SlackConfig } | { type: 'email'; config: EmailConfig };

export const channelInputSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('webhook'), name: z.string().trim().min(1).max(120), config: webhookConfigSchema, allow_private: z.boolean().default(false) }).strict(),
  z.object({ type: z.literal('slack'), name: z.string().trim().min(1).max(120), config: slackConfigSchema, allow_private: z.boolean().default(false) }).strict(),
  z.object({ type: z.literal('email'), name: z.string().trim().min(1).max(120), config: emailConfigSchema, allow_private: z.boolean().default(false) }).strict(),
]);
export type ChannelInput = z.infer<typeof channelInputSchema>;


/** An edit: any of the fields; `config` is checked against the channel's type when merged with what is stored. */
export const channelPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    allow_private: z.boolean().optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });
