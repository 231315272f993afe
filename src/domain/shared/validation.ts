import type { z } from "zod";
import { type FieldError, ValidationError } from "./errors.js";

/** Field errors from a zod error, with dotted paths; unknown keys are reported one field each. */
export function fieldErrorsOf(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: base ? `${base}.${key}` : key,
        message: "This field is not allowed",
      }));
    }
    return [{ path: base || "(body)", message: issue.message }];
  });
}

/** Parses `input` with `schema` or throws a ValidationError listing every offending field. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ValidationError("The request has invalid fields", fieldErrorsOf(result.error));
  }
  return result.data;
}
