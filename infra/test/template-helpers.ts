import type { Template } from "aws-cdk-lib/assertions";

export type Json = any;

export type Resource = { Type: string; Properties?: Record<string, Json>; DeletionPolicy?: string };
export type Resources = Record<string, Resource>;

export function resourcesOf(template: Template, type?: string): Resources {
  const all = template.toJSON().Resources as Resources;
  return Object.fromEntries(Object.entries(all).filter(([, r]) => type === undefined || r.Type === type));
}

/**
 * Resolves a value that points at a resource, following `Fn::ImportValue` of a cross-stack export back to
 * the producing stack's logical id. Returns the logical id, or undefined when the value is no reference.
 */
export function referencedLogicalId(value: unknown, producers: Template[]): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, Json>;
  if (typeof v.Ref === "string") return v.Ref;
  if (Array.isArray(v["Fn::GetAtt"])) return v["Fn::GetAtt"][0];
  if (v["Fn::ImportValue"] !== undefined) {
    for (const producer of producers) {
      const outputs = (producer.toJSON().Outputs ?? {}) as Record<
        string,
        { Value: unknown; Export?: { Name: string } }
      >;
      const output = Object.values(outputs).find((o) => o.Export?.Name === v["Fn::ImportValue"]);
      if (output) return referencedLogicalId(output.Value, producers);
    }
  }
  return undefined;
}

/** Every IAM policy statement of a template: AWS::IAM::Policy, managed policies and inline role policies. */
export function policyStatements(template: Template): Array<{ where: string; statement: Record<string, Json> }> {
  const found: Array<{ where: string; statement: Record<string, Json> }> = [];
  for (const [id, r] of Object.entries(resourcesOf(template))) {
    const docs: unknown[] = [];
    if (r.Type === "AWS::IAM::Policy" || r.Type === "AWS::IAM::ManagedPolicy") docs.push(r.Properties?.PolicyDocument);
    if (r.Type === "AWS::IAM::Role") for (const p of r.Properties?.Policies ?? []) docs.push(p.PolicyDocument);
    for (const doc of docs) {
      for (const statement of (doc as { Statement?: Record<string, Json>[] })?.Statement ?? []) {
        found.push({ where: id, statement });
      }
    }
  }
  return found;
}

export const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
