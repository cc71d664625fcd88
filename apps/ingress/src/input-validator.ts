import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Compiles workflow inputSchemas once and reuses them (compiling costs far more than
 * validating). Keyed by the schema text, so an updated schema compiles anew.
 */
export class InputValidator {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly maxSchemas = 1000) {
    addFormats(this.ajv);
  }

  /** Throws with ajv's message when the schema itself is invalid (checked when a workflow is saved). */
  compile(schema: Record<string, unknown>): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      if (this.compiled.size >= this.maxSchemas) this.compiled.clear();
      this.compiled.set(key, validate);
    }
    return validate;
  }

  /** The failing fields, or an empty list when the payload is valid. */
  validate(schema: Record<string, unknown>, payload: unknown): Array<{ path: string; message: string }> {
    const validate = this.compile(schema);
    if (validate(payload)) return [];
    return (validate.errors ?? []).map((e) => ({
      path: e.instancePath || '/',
      message: `${e.message ?? 'is invalid'}${e.keyword === 'additionalProperties' ? `: ${String((e.params as { additionalProperty?: string }).additionalProperty)}` : ''}`,
    }));
  }
}
