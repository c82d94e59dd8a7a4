// PostgreSQL's error codes for the constraint failures the API turns into 409 and 400 answers.
// pg and PGlite both put the SQLSTATE in `code` and the constraint's name in `constraint`.
type PgError = { code?: string; constraint?: string; detail?: string };

export const isUniqueViolation = (error: unknown): boolean => (error as PgError)?.code === '23505';
export const isForeignKeyViolation = (error: unknown): boolean => (error as PgError)?.code === '23503';
export const isCheckViolation = (error: unknown): boolean => (error as PgError)?.code === '23514';
export const constraintOf = (error: unknown): string | undefined => (error as PgError)?.constraint;
