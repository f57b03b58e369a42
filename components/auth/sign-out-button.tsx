// A plain form post: works without JavaScript; the route checks Origin and ends the session.
export function SignOutButton({ className }: { className?: string }) {
  return (
    <form method="post" action="/api/auth/logout">
      <button type="submit" className={className} data-testid="sign-out">
        Sign out
      </button>
    </form>
  );
}
