/**
 * OpenFGA's error catalogue: every error the engine raises carries one of these codes. The
 * numeric value is OpenFGA's `ErrorCode` (what its gRPC API and conformance suites report);
 * the HTTP edge derives the status from it once (1xxx → 401/403, 2xxx → 400, 4xxx → 500,
 * 5xxx → 404), as OpenFGA's gateway does.
 */
export const fgaErrorCodes = {
  unauthenticated: 1500,
  forbidden: 1600,
  validation_error: 2000,
  authorization_model_not_found: 2001,
  authorization_model_resolution_too_complex: 2002,
  invalid_write_input: 2003,
  cannot_allow_duplicate_tuples_in_one_request: 2004,
  cannot_allow_duplicate_types_in_one_request: 2005,
  invalid_continuation_token: 2007,
  invalid_tuple_set: 2008,
  invalid_object_format: 2012,
  write_failed_due_to_invalid_input: 2017,
  authorization_model_assertions_not_found: 2018,
  latest_authorization_model_not_found: 2020,
  type_not_found: 2021,
  relation_not_found: 2022,
  invalid_user: 2025,
  invalid_tuple: 2027,
  assertions_too_many_items: 2033,
  page_size_invalid: 2039,
  exceeded_entity_limit: 2053,
  invalid_contextual_tuple: 2054,
  duplicate_contextual_tuple: 2055,
  invalid_authorization_model: 2056,
  unsupported_schema_version: 2057,
  invalid_start_time: 2059,
  internal_error: 4000,
  deadline_exceeded: 4004,
  undefined_endpoint: 5000,
  store_id_not_found: 5002,
} as const;

export type FgaErrorCode = keyof typeof fgaErrorCodes;

/** An error with an OpenFGA code; its message is safe to show to the caller. */
export class FgaError extends Error {
  readonly code: FgaErrorCode;
  constructor(code: FgaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FgaError';
    this.code = code;
  }

  /** OpenFGA's numeric `ErrorCode`. */
  get numericCode(): number {
    return fgaErrorCodes[this.code];
  }
}

export const fgaError = (code: FgaErrorCode, message: string): FgaError => new FgaError(code, message);

/** The HTTP status OpenFGA's gateway uses for a code. */
export function httpStatusOf(code: FgaErrorCode): number {
  const n = fgaErrorCodes[code];
  if (code === 'forbidden') return 403;
  if (n < 2000) return 401;
  if (n < 3000) return 400;
  if (n < 4000) return 422;
  if (n < 5000) return 500;
  return 404;
}

/** Looks a code up by its numeric value (the conformance suites give numbers). */
export function fgaErrorCodeOf(numeric: number): FgaErrorCode | undefined {
  for (const [name, value] of Object.entries(fgaErrorCodes)) if (value === numeric) return name as FgaErrorCode;
  return undefined;
}
