import { NotFoundError, withApi } from '@/lib/api-error';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// Unknown API paths answer with the envelope and X-Request-Id like every other API answer, not an HTML page.
const notFound = withApi(async (req) => {
  throw new NotFoundError(`There is no API endpoint at ${new URL(req.url).pathname}. See /api/v1/openapi.json.`);
});

export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
