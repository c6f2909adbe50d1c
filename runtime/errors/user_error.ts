/**
 * An error the user can act on: a wrong spec, a bad flag, a request that can never fit, an
 * experiment another runtime holds. Every such class extends this one, so each shell maps the
 * whole family in one place: the CLI to exit code 2, the daemon to an invalid-params reply.
 * Anything else is a fault of the runtime.
 */
export class UserError extends Error {}
